package docx

import (
	"sync"

	"codeberg.org/go-fonts/liberation/liberationserifbold"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

var (
	boldOnce sync.Once
	boldFont *sfnt.Font
)

// boldWidth returns the width in twips of s set in bold Times New Roman
// of size half-points, measured with Liberation Serif Bold (same advance
// widths). Characters the font lacks count as 0.6 em.
func boldWidth(s string, size int) int {
	boldOnce.Do(func() {
		f, err := sfnt.Parse(liberationserifbold.TTF)
		if err == nil {
			boldFont = f
		}
	})
	em := float64(size) * 10 // twips per em: size/2 pt × 20
	if boldFont == nil {
		return int(float64(len([]rune(s))) * 0.6 * em)
	}
	var buf sfnt.Buffer
	upm := boldFont.UnitsPerEm()
	ppem := fixed.I(int(upm))
	total := 0.0
	for _, r := range s {
		g, err := boldFont.GlyphIndex(&buf, r)
		if err != nil || g == 0 {
			total += 0.6
			continue
		}
		adv, err := boldFont.GlyphAdvance(&buf, g, ppem, font.HintingNone)
		if err != nil {
			total += 0.6
			continue
		}
		total += float64(adv) / 64 / float64(upm)
	}
	return int(total*em + 0.5)
}
