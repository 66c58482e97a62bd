package sheet

import (
	"unicode/utf8"

	"khuyencong/internal/vi"
)

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
