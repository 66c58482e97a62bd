package pdf

import (
	"codeberg.org/go-fonts/liberation/liberationserifbold"
	"codeberg.org/go-fonts/liberation/liberationserifbolditalic"
	"codeberg.org/go-fonts/liberation/liberationserifitalic"
	"codeberg.org/go-fonts/liberation/liberationserifregular"
	"codeberg.org/go-pdf/fpdf"
)

// AddFonts registers the embedded Liberation Serif in its four styles
// ("", "B", "I", "BI") under family in f, so that other PDF renderers (the
// outreach leaflet) set Vietnamese text in the same font as the reports
// without embedding the font bytes again.
func AddFonts(f *fpdf.Fpdf, family string) {
	f.AddUTF8FontFromBytes(family, "", liberationserifregular.TTF)
	f.AddUTF8FontFromBytes(family, "B", liberationserifbold.TTF)
	f.AddUTF8FontFromBytes(family, "I", liberationserifitalic.TTF)
	f.AddUTF8FontFromBytes(family, "BI", liberationserifbolditalic.TTF)
}
