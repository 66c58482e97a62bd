package sheet

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"khuyencong/internal/vi"
)

// foldTable maps every Vietnamese letter to its folded ASCII letter.
var foldTable = func() map[rune]byte {
	m := map[rune]byte{'đ': 'd', 'Đ': 'd'}
	for _, l := range VietnameseLetters() {
		r, _ := utf8.DecodeRuneInString(l)
		if r == 'đ' || r == 'Đ' {
			continue
		}
		base, _ := utf8.DecodeRuneInString(norm.NFD.String(strings.ToLower(l)))
		m[r] = byte(base)
	}
	return m
}()

// fold is vi.Fold for cell values, without its per-call allocations on the
// common inputs (ASCII and Vietnamese letters); other text goes to vi.Fold.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if unicode.IsSpace(r) {
				space = b.Len() > 0
				continue
			}
			if space {
				b.WriteByte(' ')
				space = false
			}
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
		default:
			c, ok := foldTable[r]
			if !ok {
				return vi.Fold(s)
			}
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// clean trims s, collapses inner white space and normalises it to NFC, like
// vi.NFC, returning s itself when it is already clean.
func clean(s string) string {
	prevSpace := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return vi.NFC(s)
		}
		sp := c == ' '
		if c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || (sp && prevSpace) {
			return vi.NFC(s)
		}
		prevSpace = sp
	}
	if prevSpace && s != "" {
		return vi.NFC(s)
	}
	return s
}
