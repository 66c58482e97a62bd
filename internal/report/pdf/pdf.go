package pdf

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-fonts/liberation/liberationserifbold"
	"codeberg.org/go-fonts/liberation/liberationserifbolditalic"
	"codeberg.org/go-fonts/liberation/liberationserifitalic"
	"codeberg.org/go-fonts/liberation/liberationserifregular"
	"codeberg.org/go-pdf/fpdf"

	"khuyencong/internal/locale"
	"khuyencong/internal/report"
	"khuyencong/internal/vi"
)

// Page geometry in millimetres (A4 portrait; margins of §9).
const (
	pageW        = 210.0
	pageH        = 297.0
	marginTop    = 20.0
	marginBottom = 20.0
	marginLeft   = 30.0
	marginRight  = 15.0
	textW        = pageW - marginLeft - marginRight
	indent       = 10.0 // first-line indent of paragraphs
	leftColW     = 68.0 // issuing body column of the page-1 header
)

// Font sizes in points.
const (
	sizeBody    = 13.0
	sizeHeader  = 12.0 // parent and issuing body, national title
	sizeType    = 14.0
	sizeTable   = 12.0
	sizeNote    = 12.0
	sizeRecip   = 11.0
	sizeFoot    = 10.0
	sizePageNum = 13.0
)

// family is the name the embedded Liberation Serif is registered under.
const family = "LiberationSerif"

// lang is the language of the fixed document strings.
const lang = "vi"

// fixedTime stands in for a missing document date in the PDF metadata, so
// the output stays the same from one run to the next.
var fixedTime = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// Render writes d as a PDF to w.
func Render(w io.Writer, d report.Document) error {
	r := newRenderer(d)
	r.document()
	if err := r.f.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	if r.err != nil {
		return fmt.Errorf("pdf: %w", r.err)
	}
	if err := r.f.Output(w); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}

// renderer holds the PDF being written and the document.
type renderer struct {
	f      *fpdf.Fpdf
	d      report.Document
	charts int
	next   *report.Block // the block after the one being written
	err    error         // first error that fpdf does not track (charts)
}

func newRenderer(d report.Document) *renderer {
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	f.SetMargins(marginLeft, marginTop, marginRight)
	f.SetAutoPageBreak(false, marginBottom) // breaks are placed by hand
	f.SetCellMargin(0)
	f.AddUTF8FontFromBytes(family, "", liberationserifregular.TTF)
	f.AddUTF8FontFromBytes(family, "B", liberationserifbold.TTF)
	f.AddUTF8FontFromBytes(family, "I", liberationserifitalic.TTF)
	f.AddUTF8FontFromBytes(family, "BI", liberationserifbolditalic.TTF)
	when := d.Date
	if when.IsZero() {
		when = fixedTime
	}
	f.SetCreationDate(when)
	f.SetModificationDate(when)
	f.SetCatalogSort(true)
	f.SetLang("vi-VN")
	f.SetTitle(vi.NFC(d.Type+" "+d.Summary), true)
	f.SetCreator("khuyencong", true)
	f.SetProducer("khuyencong", true)
	r := &renderer{f: f, d: d}
	// Page numbers: Arabic digits centred in the top margin, none on
	// page 1 (§9).
	f.SetHeaderFuncMode(func() {
		if n := f.PageNo(); n > 1 {
			r.font("", sizePageNum)
			f.SetXY(marginLeft, 10)
			f.CellFormat(textW, 6, strconv.Itoa(n), "", 0, "C", false, 0, "")
		}
	}, true)
	return r
}

// font selects the embedded serif in style "", "B", "I" or "BI".
func (r *renderer) font(style string, size float64) {
	r.f.SetFont(family, style, size)
}

// lineH is the line height for a font size: single spacing plus a little
// (about 1.2 lines).
func lineH(size float64) float64 { return size * 0.3528 * 1.25 }

// bottom is the lowest y text may reach.
func bottom() float64 { return pageH - marginBottom }

// room returns the height left on the page.
func (r *renderer) room() float64 { return bottom() - r.f.GetY() }

// ensure starts a new page when less than h is left, unless the page is
// still empty (a block taller than a page must start somewhere).
func (r *renderer) ensure(h float64) {
	if r.room() < h && r.f.GetY() > marginTop+0.01 {
		r.f.AddPage()
	}
}

func (r *renderer) document() {
	r.f.AddPage()
	r.header()
	r.title()
	r.bases()
	r.addressees()
	for i, b := range r.d.Blocks {
		r.next = nil
		if i+1 < len(r.d.Blocks) {
			r.next = &r.d.Blocks[i+1]
		}
		r.block(b)
	}
	r.closing()
	r.footnote()
}

// header draws the two columns of page 1: parent and issuing body and
// the number on the left; national title, motto and place-date on the
// right, the number and the place-date on one line.
func (r *renderer) header() {
	f := r.f
	top := f.GetY()
	rightX := marginLeft + leftColW
	rightW := textW - leftColW
	// The header may use the left margin a little: Decree 30 centres the
	// issuing body over its column, which sits partly in the margin of a
	// 30 mm page on most templates.
	leftX := marginLeft - 8
	leftW := leftColW + 8

	// left column
	y := top
	if p := vi.NFC(r.d.ParentBody); p != "" {
		r.font("", sizeHeader)
		y = r.centred(p, leftX, y, leftW, lineH(sizeHeader))
	}
	r.font("B", sizeHeader)
	body := vi.NFC(r.d.IssuingBody)
	lines := r.wrap(body, leftW, leftW)
	y = r.centredLines(lines, leftX, y, leftW, lineH(sizeHeader))
	if len(lines) > 0 {
		// short underline, a third of the text width
		w := f.GetStringWidth(lines[len(lines)-1]) / 3
		w = max(w, 15)
		f.SetLineWidth(0.3)
		f.Line(leftX+(leftW-w)/2, y+0.8, leftX+(leftW+w)/2, y+0.8)
	}
	leftBottom := y + 0.8

	// right column
	y = top
	r.font("B", sizeHeader)
	y = r.centred(locale.T(lang, "doc.national_title"), rightX, y, rightW, lineH(sizeHeader))
	r.font("B", sizeBody)
	motto := locale.T(lang, "doc.motto")
	mw := f.GetStringWidth(motto)
	y = r.centred(motto, rightX, y, rightW, lineH(sizeBody))
	f.SetLineWidth(0.3)
	f.Line(rightX+(rightW-mw)/2, y+0.5, rightX+(rightW+mw)/2, y+0.5)
	rightBottom := y + 0.5

	// number and place-date on one line
	y = max(leftBottom, rightBottom) + 4
	lh := lineH(sizeBody)
	r.font("", sizeBody)
	// The number is written as is: a draft keeps the blank before "/"
	// where the number is filled in at signing. A document without one
	// has no "Số:" line.
	yl := y
	if n := strings.TrimRight(vi.Compose(r.d.Number), " \t\r\n"); strings.TrimSpace(n) != "" {
		f.SetXY(leftX, y)
		f.CellFormat(leftW, lh, locale.T(lang, "doc.number", n), "", 0, "C", false, 0, "")
		yl = y + lh
	}
	yr := y
	if pd := r.placeDate(); pd != "" {
		r.font("I", sizeBody)
		yr = r.centred(pd, rightX, y, rightW, lh)
	}
	f.SetXY(marginLeft, max(yl, yr)+6)
}

// placeDate is the place-and-date line, or the place alone without a
// date.
func (r *renderer) placeDate() string {
	if r.d.Date.IsZero() {
		return vi.NFC(r.d.Place)
	}
	return vi.NFC(r.d.PlaceDate())
}

// title draws the draft box, the document type and the summary with a
// short rule under it.
func (r *renderer) title() {
	f := r.f
	if r.d.Draft {
		r.font("B", sizeBody)
		s := locale.T(lang, "doc.draft")
		w := f.GetStringWidth(s) + 6
		h := lineH(sizeBody) + 1.5
		f.SetLineWidth(0.3)
		f.SetXY(marginLeft+(textW-w)/2, f.GetY())
		f.CellFormat(w, h, s, "1", 1, "C", false, 0, "")
		f.SetY(f.GetY() + 3)
	}
	y := f.GetY()
	if t := vi.NFC(r.d.Type); t != "" {
		r.font("B", sizeType)
		y = r.centred(t, marginLeft, y, textW, lineH(sizeType))
	}
	if s := vi.NFC(r.d.Summary); s != "" {
		r.font("B", sizeType)
		lines := r.wrap(s, textW-20, textW-20)
		y = r.centredLines(lines, marginLeft, y, textW, lineH(sizeType))
		f.SetLineWidth(0.3)
		f.Line(marginLeft+textW/2-20, y+2, marginLeft+textW/2+20, y+2)
		y += 2
	}
	f.SetXY(marginLeft, y+5)
}

// bases writes the legal bases, one italic justified paragraph each.
func (r *renderer) bases() {
	for _, b := range r.d.Bases {
		r.paragraph(b, "I", sizeBody, indent, 0)
	}
	if len(r.d.Bases) > 0 {
		r.f.SetY(r.f.GetY() + 1)
	}
}

// addressees writes "Kính gửi:" and the addressees: on the same line
// when there is one, as a list after the label when there are several.
func (r *renderer) addressees() {
	var list []string
	for _, a := range r.d.Addressees {
		if a = vi.NFC(a); a != "" {
			list = append(list, a)
		}
	}
	if len(list) == 0 {
		return
	}
	f := r.f
	lh := lineH(sizeBody)
	label := locale.T(lang, "doc.addressee")
	r.font("", sizeBody)
	r.ensure(lh * float64(len(list)+1))
	if len(list) == 1 {
		y := r.centred(label+" "+list[0], marginLeft, f.GetY(), textW, lh)
		f.SetXY(marginLeft, y+3)
		return
	}
	lw := f.GetStringWidth(label + " ")
	x := marginLeft + textW/2 - 45
	f.SetXY(x, f.GetY())
	f.CellFormat(lw, lh, label, "", 0, "L", false, 0, "")
	for i, a := range list {
		end := ";"
		if i == len(list)-1 {
			end = "."
		}
		a = strings.TrimRight(a, ";.") + end
		for _, l := range r.wrap("- "+a, textW-(x+lw-marginLeft), textW-(x+lw-marginLeft)) {
			f.SetXY(x+lw, f.GetY())
			f.CellFormat(0, lh, l, "", 1, "L", false, 0, "")
		}
	}
	f.SetXY(marginLeft, f.GetY()+3)
}

// footnote writes the small italic line at the end.
func (r *renderer) footnote() {
	s := vi.NFC(r.d.Footnote)
	if s == "" {
		return
	}
	r.f.SetY(r.f.GetY() + 6)
	r.font("I", sizeFoot)
	r.ensure(lineH(sizeFoot) * 2)
	r.f.SetLineWidth(0.2)
	r.f.Line(marginLeft, r.f.GetY(), marginLeft+40, r.f.GetY())
	r.f.SetY(r.f.GetY() + 1)
	r.paragraph(s, "I", sizeFoot, 0, 0)
}
