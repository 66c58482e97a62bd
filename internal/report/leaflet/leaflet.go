package leaflet

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"

	"khuyencong/internal/report/pdf"
	"khuyencong/internal/vi"
)

// Paper sizes of a leaflet.
const (
	SizeA4 = "A4"
	SizeA5 = "A5"
)

// Sheet is the content of a leaflet, every text ready to print in
// Vietnamese. Empty sections are left out.
type Sheet struct {
	Size   string    // SizeA4 or SizeA5
	Date   time.Time // creation date written in the file (fixed for equal bytes)
	Kicker string    // the programme line above the title
	Title  string    // e.g. "Hỗ trợ cho nghề Rượu men lá"
	Place  string    // e.g. "Dành cho cơ sở sản xuất ở Xã Đakrông, Tỉnh Quảng Trị"
	Lead   string    // one plain sentence under the title
	// Common holds the conditions that every support shown has, under
	// CommonHeading, said once after the supports.
	CommonHeading string
	Common        []string
	Heading       string // heading of the supports
	Supports      []Support
	More          string // a line after the supports (e.g. "and 3 more"), optional

	DocumentsHeading string
	Documents        []string
	ContactHeading   string
	Contact          []string

	QRHeading string // the call to scan, beside the QR code
	QRText    string // one sentence on what the self-check does
	URL       string // encoded in the QR code and printed beside it
	Footer    []string
}

// Support is one support that may fit: its name, the amount line, a note
// (example values, to be verified) and its main conditions.
type Support struct {
	Name       string
	Amount     string
	Note       string
	Conditions []string
}

// paper is a page size in millimetres with the base type size (pt) at
// scale 1.
type paper struct {
	w, h, margin, body, qr float64
}

var papers = map[string]paper{
	SizeA4: {w: 210, h: 297, margin: 15, body: 14, qr: 42},
	SizeA5: {w: 148, h: 210, margin: 10, body: 10.5, qr: 31},
}

const family = "LiberationSerif"

// minScale is the smallest type scale: 60 % of the base size.
const minScale = 0.6

// Colours of the title band and headings (a dark green that prints well
// in grey too).
var (
	bandR, bandG, bandB = 20, 83, 45
)

// Render writes s as a one-page PDF to w. The type starts large (14 pt on
// A4, 10.5 pt on A5) and shrinks in small steps, never below 60 % of
// that, until everything fits above the QR block; when even that is too
// long, the last supports are left out.
func Render(w io.Writer, s Sheet) error {
	p, ok := papers[s.Size]
	if !ok {
		return fmt.Errorf("leaflet: unknown paper size %q", s.Size)
	}
	if s.URL == "" {
		return fmt.Errorf("leaflet: no URL for the QR code")
	}
	q, err := qrcode.New(s.URL, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("leaflet: QR code: %w", err)
	}
	bits := q.Bitmap() // with the quiet zone of 4 modules
	var f *fpdf.Fpdf
	for scale := 1.0; ; scale -= 0.025 {
		f = newPDF(s, p)
		r := &layout{f: f, p: p, k: scale}
		if r.draw(s, bits) {
			break
		}
		if scale < minScale {
			// Still too long at the smallest type: leave out the last
			// support (the sheet's More line sends readers to the QR
			// code) rather than print over the QR block.
			if len(s.Supports) <= 1 {
				break
			}
			s.Supports = s.Supports[:len(s.Supports)-1]
			scale = minScale + 0.025
		}
	}
	if err := f.Error(); err != nil {
		return err
	}
	return f.Output(w)
}

// newPDF returns an empty one-page document of paper p.
func newPDF(s Sheet, p paper) *fpdf.Fpdf {
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: s.Size})
	f.SetMargins(p.margin, p.margin, p.margin)
	f.SetAutoPageBreak(false, p.margin)
	f.SetCellMargin(0)
	pdf.AddFonts(f, family)
	when := s.Date
	if when.IsZero() {
		when = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	f.SetCreationDate(when)
	f.SetModificationDate(when)
	f.SetCatalogSort(true)
	f.SetLang("vi-VN")
	f.SetTitle(vi.NFC(s.Title+" — "+s.Place), true)
	f.SetCreator("khuyencong", true)
	f.SetProducer("khuyencong", true)
	f.AddPage()
	return f
}

// layout draws a sheet on one page at type scale k.
type layout struct {
	f *fpdf.Fpdf
	p paper
	k float64
}

// pt is a type size relative to the body size.
func (l *layout) pt(rel float64) float64 { return l.p.body * rel * l.k }

// lineH is the line height in mm of a type size in pt.
func lineH(size float64) float64 { return size * 0.3528 * 1.22 }

func (l *layout) textW() float64 { return l.p.w - 2*l.p.margin }

// para writes text wrapped to width w at x, in style and relative size,
// and returns the height used.
func (l *layout) para(x, w float64, style string, rel float64, align, text string) {
	size := l.pt(rel)
	l.f.SetFont(family, style, size)
	l.f.SetX(x)
	l.f.MultiCell(w, lineH(size), vi.NFC(text), "", align, false)
}

// bullets writes a list with a bullet sign hanging in the margin.
func (l *layout) bullets(items []string, rel float64, indent float64) {
	size := l.pt(rel)
	x := l.p.margin + indent
	for _, it := range items {
		y := l.f.GetY()
		l.f.SetFont(family, "", size)
		l.f.SetXY(x, y)
		l.f.CellFormat(lineH(size)*0.9, lineH(size), "•", "", 0, "L", false, 0, "")
		l.para(x+lineH(size)*0.9, l.textW()-indent-lineH(size)*0.9, "", rel, "L", it)
	}
}

// heading writes a section heading in the band colour.
func (l *layout) heading(text string) {
	if text == "" {
		return
	}
	l.f.Ln(lineH(l.pt(0.5)))
	l.f.SetTextColor(bandR, bandG, bandB)
	l.para(l.p.margin, l.textW(), "B", 1.2, "L", text)
	l.f.SetTextColor(0, 0, 0)
	y := l.f.GetY() + 0.6
	l.f.SetDrawColor(bandR, bandG, bandB)
	l.f.SetLineWidth(0.4)
	l.f.Line(l.p.margin, y, l.p.w-l.p.margin, y)
	l.f.SetY(y + 1.2)
}

// draw lays the sheet out and reports whether the text fitted above the
// QR block.
func (l *layout) draw(s Sheet, bits [][]bool) bool {
	f, p := l.f, l.p
	// Title band.
	f.SetFillColor(bandR, bandG, bandB)
	bandTop := 0.0
	f.SetTextColor(255, 255, 255)
	f.SetY(p.margin)
	// The band's height is known after the text: draw the text on a
	// throw-away pass first.
	bandH := l.bandHeight(s)
	f.Rect(0, bandTop, p.w, p.margin+bandH+p.margin*0.6, "F")
	f.SetY(p.margin)
	if s.Kicker != "" {
		l.para(p.margin, l.textW(), "B", 0.85, "L", strings.ToUpper(s.Kicker))
		f.Ln(lineH(l.pt(0.3)))
	}
	l.para(p.margin, l.textW(), "B", 2.0, "L", s.Title)
	if s.Place != "" {
		l.para(p.margin, l.textW(), "", 1.25, "L", s.Place)
	}
	f.SetTextColor(0, 0, 0)
	f.SetY(p.margin + bandH + p.margin*0.6 + lineH(l.pt(0.8)))
	if s.Lead != "" {
		l.para(p.margin, l.textW(), "", 1.0, "L", s.Lead)
	}
	if len(s.Supports) > 0 {
		l.heading(s.Heading)
		for i, sp := range s.Supports {
			if i > 0 {
				f.Ln(lineH(l.pt(0.35)))
			}
			l.para(p.margin, l.textW(), "B", 1.05, "L", sp.Name)
			if sp.Amount != "" {
				l.para(p.margin+3, l.textW()-3, "B", 1.0, "L", sp.Amount)
			}
			if len(sp.Conditions) > 0 {
				l.bullets(sp.Conditions, 0.9, 3)
			}
			if sp.Note != "" {
				l.para(p.margin+3, l.textW()-3, "I", 0.8, "L", sp.Note)
			}
		}
		if s.More != "" {
			f.Ln(lineH(l.pt(0.35)))
			l.para(p.margin, l.textW(), "I", 0.9, "L", s.More)
		}
	}
	if len(s.Common) > 0 {
		f.Ln(lineH(l.pt(0.35)))
		l.para(p.margin, l.textW(), "B", 1.0, "L", s.CommonHeading)
		l.bullets(s.Common, 0.95, 0)
	}
	if len(s.Documents) > 0 {
		l.heading(s.DocumentsHeading)
		l.bullets(s.Documents, 0.95, 0)
	}
	if len(s.Contact) > 0 {
		l.heading(s.ContactHeading)
		l.bullets(s.Contact, 0.95, 0)
	}
	textBottom := f.GetY()
	qrTop := l.qrBlock(s, bits)
	return textBottom+lineH(l.pt(0.5)) <= qrTop
}

// bandHeight measures the text of the title band.
func (l *layout) bandHeight(s Sheet) float64 {
	f := l.f
	h := 0.0
	measure := func(style string, rel float64, text string) {
		size := l.pt(rel)
		f.SetFont(family, style, size)
		h += float64(len(f.SplitText(vi.NFC(text), l.textW()))) * lineH(size)
	}
	if s.Kicker != "" {
		measure("B", 0.85, strings.ToUpper(s.Kicker))
		h += lineH(l.pt(0.3))
	}
	measure("B", 2.0, s.Title)
	if s.Place != "" {
		measure("", 1.25, s.Place)
	}
	return h
}

// qrBlock draws the QR code with the call to scan and the printed URL,
// and the footer, at the bottom of the page; it returns the top of the
// block.
func (l *layout) qrBlock(s Sheet, bits [][]bool) float64 {
	f, p := l.f, l.p
	// Footer first, from the bottom up.
	footSize := l.pt(0.72)
	f.SetFont(family, "", footSize)
	footLines := 0
	for _, t := range s.Footer {
		footLines += len(f.SplitText(vi.NFC(t), l.textW()))
	}
	footTop := p.h - p.margin - float64(footLines)*lineH(footSize)
	f.SetY(footTop)
	f.SetTextColor(70, 70, 70)
	for _, t := range s.Footer {
		l.para(p.margin, l.textW(), "", 0.72, "L", t)
	}
	f.SetTextColor(0, 0, 0)
	side := p.qr
	top := footTop - 3 - side
	f.SetDrawColor(bandR, bandG, bandB)
	f.SetLineWidth(0.5)
	pad := 2.0
	f.Rect(p.margin, top-pad, l.textW(), side+2*pad, "D")
	drawQR(f, bits, p.margin+pad, top, side)
	x := p.margin + pad + side + 4
	w := p.w - p.margin - pad - x
	f.SetY(top + 2)
	f.SetTextColor(bandR, bandG, bandB)
	l.para(x, w, "B", 1.15, "L", s.QRHeading)
	f.SetTextColor(0, 0, 0)
	if s.QRText != "" {
		f.Ln(lineH(l.pt(0.25)))
		l.para(x, w, "", 0.9, "L", s.QRText)
	}
	f.Ln(lineH(l.pt(0.35)))
	u := s.URL
	l.f.SetFont(family, "B", l.pt(0.85))
	if base, query, ok := strings.Cut(u, "?"); ok && l.f.GetStringWidth(u) > w {
		u = base + "\n?" + query // break before the query, not inside the key
	}
	l.para(x, w, "B", 0.85, "L", u)
	return top - pad
}

// drawQR draws the QR modules as black squares in a side×side square at
// (x, y); each run of dark modules in a row is one rectangle, slightly
// overlapping the next row so that no hairline shows between rows.
func drawQR(f *fpdf.Fpdf, bits [][]bool, x, y, side float64) {
	n := len(bits)
	if n == 0 {
		return
	}
	m := side / float64(n)
	f.SetFillColor(255, 255, 255)
	f.Rect(x, y, side, side, "F")
	f.SetFillColor(0, 0, 0)
	for r, row := range bits {
		for c := 0; c < len(row); {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < len(row) && row[c] {
				c++
			}
			over := 0.0
			if r+1 < n {
				over = m * 0.02
			}
			f.Rect(x+float64(start)*m, y+float64(r)*m, float64(c-start)*m, m+over, "F")
		}
	}
}
