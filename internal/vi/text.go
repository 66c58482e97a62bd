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

// Compose puts s in Unicode NFC and changes nothing else (white space and
// line breaks are kept), for text whose layout matters, such as formulas.
func Compose(s string) string { return norm.NFC.String(s) }

// NFCLines is NFC for text of several lines, such as notes: line breaks
// (CRLF, CR or LF) are kept as LF, each line is cleaned like NFC, and
// blank lines at the start and the end are dropped.
func NFCLines(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = NFC(l)
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

var dReplacer = strings.NewReplacer("đ", "d", "Đ", "D")

// Fold removes tone and vowel marks, maps đ/Đ to d, collapses white space and
// lower-cases s: "Rượu men lá Đá Bàn" → "ruou men la da ban". It is the only
// folding function; use it on stored names and on queries alike.
func Fold(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if out, ok := foldFast(s); ok {
		return out
	}
	return foldSlow(s)
}

// foldTable maps every precomposed Latin letter whose decomposition is an
// ASCII letter plus combining marks (all Vietnamese letters among them) to
// that lower-case ASCII letter, and đ/Đ to d.
var foldTable = func() map[rune]byte {
	m := map[rune]byte{'đ': 'd', 'Đ': 'd'}
	for _, span := range [][2]rune{{0x00C0, 0x024F}, {0x1E00, 0x1EFF}} {
		for r := span[0]; r <= span[1]; r++ {
			d := []rune(norm.NFD.String(string(r)))
			if len(d) < 2 || d[0] >= 0x80 || !unicode.IsLetter(d[0]) {
				continue
			}
			marks := true
			for _, x := range d[1:] {
				marks = marks && unicode.Is(unicode.Mn, x)
			}
			if marks {
				m[r] = byte(unicode.ToLower(d[0]))
			}
		}
	}
	return m
}()

// foldFast folds s without allocating a transformer when s holds only
// ASCII and letters of foldTable; ok is false for any other text.
func foldFast(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		var c byte
		switch {
		case r < 0x80:
			if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' {
				space = b.Len() > 0
				continue
			}
			c = byte(r)
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
		default:
			var ok bool
			if c, ok = foldTable[r]; !ok {
				return "", false
			}
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteByte(c)
	}
	return b.String(), true
}

// foldSlow is the general definition of Fold: NFD, drop combining marks,
// NFC, đ→d, lower case, collapse white space.
func foldSlow(s string) string {
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
