package vi

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode normalisation form C with surrounding space
// trimmed and inner runs of white space collapsed to one space.
func NFC(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

var dReplacer = strings.NewReplacer("đ", "d", "Đ", "D")

// Fold removes tone and vowel marks, maps đ/Đ to d, collapses white space and
// lower-cases s: "Rượu men lá Đá Bàn" → "ruou men la da ban". It is the only
// folding function; use it on stored names and on queries alike.
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	out = dReplacer.Replace(out)
	return strings.Join(strings.Fields(strings.ToLower(out)), " ")
}

// SearchKey is Fold with every character that is not a letter or digit
// removed, so "Đa Krông", "Đakrông" and "dakrong" share the key "dakrong".
// Searchable columns (name_fold) store it and queries are keyed the same way.
func SearchKey(s string) string {
	f := Fold(s)
	var b strings.Builder
	b.Grow(len(f))
	for _, r := range f {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var (
	collatorMu sync.Mutex
	collator   = collate.New(language.Vietnamese)
	keyBuf     collate.Buffer
)

// SortKey returns the Vietnamese collation key of s, to be stored in a
// BLOB/BYTEA column and sorted on. Recompute keys after an x/text upgrade.
func SortKey(s string) []byte {
	collatorMu.Lock()
	defer collatorMu.Unlock()
	k := collator.KeyFromString(&keyBuf, NFC(s))
	out := make([]byte, len(k))
	copy(out, k)
	keyBuf.Reset()
	return out
}

// Compare compares a and b in Vietnamese order (-1, 0, +1).
func Compare(a, b string) int {
	collatorMu.Lock()
	defer collatorMu.Unlock()
	return collator.CompareString(NFC(a), NFC(b))
}
