package pdf

import (
	"bytes"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"khuyencong/internal/locale"
	"khuyencong/internal/report"
	"khuyencong/internal/report/chart"
	"khuyencong/internal/vi"
)

// Chart pictures: drawn at 1200×650 px and scaled to the text width.
const (
	chartPxW = 1200
	chartPxH = 650
)

// block writes one body block.
func (r *renderer) block(b report.Block) {
	switch b.Kind {
	case report.Heading:
		r.heading(b)
	case report.Paragraph:
		r.paragraph(b.Text, "", sizeBody, indent, 0)
	case report.Bullet:
		r.paragraph("- "+vi.NFC(b.Text), "", sizeBody, indent, 0)
	case report.Note:
		r.paragraph(b.Text, "I", sizeNote, indent, 0)
	case report.TableBlock:
		if b.Table != nil {
			r.table(b.Table)
		}
	case report.ChartBlock:
		if b.Chart != nil {
			r.chart(b.Chart)
		}
	}
}

// heading writes a section heading (level 1 and 2 bold, level 3 bold
// italic) and makes sure at least three lines of text follow it on the
// same page.
func (r *renderer) heading(b report.Block) {
	text := vi.NFC(b.Text)
	if text == "" {
		return
	}
	style := "B"
	if b.Level >= 3 {
		style = "BI"
	}
	r.font(style, sizeBody)
	lh := lineH(sizeBody)
	lines := r.wrap(text, textW-indent, textW)
	r.f.SetY(r.f.GetY() + 1)
	follow := r.followHeight()
	r.font(style, sizeBody)
	r.ensure(lh*float64(len(lines)) + spaceAfter + follow)
	r.lines(lines, indent, 0, lh)
	r.f.SetY(r.f.GetY() + spaceAfter)
}

// followHeight is how much of the next block must stand on the page
// under a heading: three lines of text, the start of a table (caption,
// header and first row) or a chart at its smallest.
func (r *renderer) followHeight() float64 {
	three := 3 * lineH(sizeBody)
	if r.next == nil {
		return three
	}
	switch {
	case r.next.Kind == report.TableBlock && r.next.Table != nil && len(r.next.Table.Columns) > 0:
		return r.tableStart(r.next.Table)
	case r.next.Kind == report.ChartBlock && r.next.Chart != nil:
		return 2*lineH(sizeBody) + 0.75*textW*chartPxH/chartPxW
	}
	return three
}

// tableStart is the height of a table's caption, header row and first
// row, which are kept together.
func (r *renderer) tableStart(t *report.Table) float64 {
	widths := columnWidths(t.Columns)
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = vi.NFC(c.Title)
	}
	h := r.rowHeight(header, widths, "B")
	if len(t.Rows) > 0 {
		h += r.rowHeight(r.cells(t, t.Rows[0]), widths, "")
	}
	if caption := vi.NFC(t.Caption); caption != "" {
		r.font("B", sizeBody)
		h += float64(len(r.wrap(caption, textW, textW)))*lineH(sizeBody) + 1.5
	}
	return h
}

// cellPad is the space inside a table cell.
const (
	cellPadX = 1.5
	cellPadY = 1.0
)

// table writes the caption, the table with its header row repeated on
// every page it runs over, the totals row and the note.
func (r *renderer) table(t *report.Table) {
	f := r.f
	if len(t.Columns) == 0 {
		return
	}
	widths := columnWidths(t.Columns)
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = vi.NFC(c.Title)
	}
	headerH := r.rowHeight(header, widths, "B")
	// Caption, header and the first row stay together.
	r.ensure(r.tableStart(t))
	if caption := vi.NFC(t.Caption); caption != "" {
		r.font("B", sizeBody)
		y := r.centred(caption, marginLeft, f.GetY(), textW, lineH(sizeBody))
		f.SetY(y + 1.5)
	}
	r.row(header, widths, make([]string, len(header)), "B", true)
	for _, row := range t.Rows {
		cells := r.cells(t, row)
		h := r.rowHeight(cells, widths, "")
		if r.room() < h && f.GetY() > marginTop+headerH+0.01 {
			f.AddPage()
			r.row(header, widths, make([]string, len(header)), "B", true)
		}
		r.row(cells, widths, aligns(t.Columns), "", false)
	}
	if t.Total != nil {
		cells := r.cells(t, t.Total)
		h := r.rowHeight(cells, widths, "B")
		if r.room() < h {
			f.AddPage()
			r.row(header, widths, make([]string, len(header)), "B", true)
		}
		r.row(cells, widths, aligns(t.Columns), "B", false)
	}
	f.SetY(f.GetY() + 1.5)
	if note := vi.NFC(t.Note); note != "" {
		r.paragraph(note, "I", sizeNote, 0, 0)
	}
	f.SetY(f.GetY() + spaceAfter)
}

// columnWidths shares the text width by the columns' relative widths.
func columnWidths(cols []report.Column) []float64 {
	total := 0
	for _, c := range cols {
		total += max(c.Width, 1)
	}
	out := make([]float64, len(cols))
	for i, c := range cols {
		out[i] = textW * float64(max(c.Width, 1)) / float64(total)
	}
	return out
}

// aligns gives each column's alignment: numbers right, text left.
func aligns(cols []report.Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = "L"
		if c.Kind != report.Text {
			out[i] = "R"
		}
	}
	return out
}

// cells formats one row of t, one string per column.
func (r *renderer) cells(t *report.Table, row []report.Cell) []string {
	out := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		if i < len(row) {
			out[i] = vi.NFC(report.Format(c.Kind, row[i]))
		}
	}
	return out
}

// rowHeight is the height of the row: its tallest cell's wrapped lines.
func (r *renderer) rowHeight(cells []string, widths []float64, style string) float64 {
	r.font(style, sizeTable)
	n := 1
	for i, c := range cells {
		n = max(n, len(r.wrap(c, widths[i]-2*cellPadX, widths[i]-2*cellPadX)))
	}
	return float64(n)*lineH(sizeTable) + 2*cellPadY
}

// row draws one table row with borders at the current y; head rows are
// centred on a light grey ground.
func (r *renderer) row(cells []string, widths []float64, align []string, style string, head bool) {
	f := r.f
	h := r.rowHeight(cells, widths, style)
	r.font(style, sizeTable)
	lh := lineH(sizeTable)
	y := f.GetY()
	x := marginLeft
	f.SetLineWidth(0.2)
	for i, c := range cells {
		w := widths[i]
		if head {
			f.SetFillColor(235, 235, 235)
			f.Rect(x, y, w, h, "FD")
		} else {
			f.Rect(x, y, w, h, "D")
		}
		lines := r.wrap(c, w-2*cellPadX, w-2*cellPadX)
		ty := y + cellPadY
		if head {
			ty = y + (h-float64(len(lines))*lh)/2 // header text in the middle
		}
		a := "C"
		if !head {
			a = align[i]
		}
		for _, l := range lines {
			f.SetXY(x+cellPadX, ty)
			f.CellFormat(w-2*cellPadX, lh, l, "", 0, a, false, 0, "")
			ty += lh
		}
		x += w
	}
	f.SetXY(marginLeft, y+h)
}

// chart writes the chart title as a caption and the chart as a picture
// the width of the text.
func (r *renderer) chart(c *report.Chart) {
	f := r.f
	cc := *c
	title := vi.NFC(cc.Title)
	cc.Title = "" // the title is written as text above the picture
	r.charts++
	// fpdf v0.12.0 orders its images by width alone (SetCatalogSort), so
	// pictures of one width come out in map order and the bytes change
	// from run to run: each chart is made one pixel narrower than the
	// one before, which nobody can see.
	pxW := chartPxW - (r.charts-1)%400
	img, err := chart.PNG(cc, pxW, chartPxH)
	if err != nil {
		if r.err == nil {
			r.err = err
		}
		return
	}
	name := "chart-" + strconv.Itoa(r.charts)
	f.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG", ReadDpi: false}, bytes.NewReader(img))
	// A note right after the chart explains it: keep its first lines
	// on the same page.
	var noteH float64
	if r.next != nil && r.next.Kind == report.Note {
		r.font("I", sizeNote)
		noteH = float64(min(2, len(r.wrap(vi.NFC(r.next.Text), textW-indent, textW))))*lineH(sizeNote) + spaceAfter + 1
	}
	w := textW
	h := textW * chartPxH / chartPxW
	r.font("B", sizeBody)
	capLines := r.wrap(title, textW, textW)
	capH := float64(len(capLines))*lineH(sizeBody) + 1.5
	// Rather than leave most of a page blank, a chart that nearly fits
	// is drawn a little smaller.
	if room := r.room() - capH - noteH; room < h && room >= h*0.75 {
		h = room
		w = h * chartPxW / chartPxH
	}
	r.ensure(capH + h + noteH)
	if len(capLines) > 0 {
		y := r.centredLines(capLines, marginLeft, f.GetY(), textW, lineH(sizeBody))
		f.SetY(y + 1.5)
	}
	y := f.GetY()
	f.ImageOptions(name, marginLeft+(textW-w)/2, y, w, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	f.SetXY(marginLeft, y+h+spaceAfter+1)
}

// closing writes "Nơi nhận:" with the recipients on the left and the
// signer on the right; several signers stand side by side over the full
// width, their names on one line, with the recipients under them. The
// whole closing stays on one page.
func (r *renderer) closing() {
	f := r.f
	signers := r.d.Signers
	recips := r.recipients()
	if len(signers) == 0 && len(recips) == 0 {
		return
	}
	f.SetY(f.GetY() + 4)
	recW := leftColW + 5
	colW := textW - recW
	if len(signers) > 1 {
		colW = textW / float64(len(signers))
	}
	titleLines := 0
	for _, s := range signers {
		titleLines = max(titleLines, r.signerTitleLines(s, colW))
	}
	sigH := 0.0
	if len(signers) > 0 {
		sigH = float64(titleLines+1)*lineH(sizeBody) + signSpace
	}
	recH := r.recipientsHeight(recips, recW)
	if len(signers) <= 1 {
		r.ensure(max(sigH, recH))
		y := f.GetY()
		y1 := r.drawRecipients(recips, marginLeft, y, recW)
		y2 := y
		if len(signers) == 1 {
			y2 = r.drawSigner(signers[0], marginLeft+recW, y, colW, titleLines)
		}
		f.SetXY(marginLeft, max(y1, y2))
		return
	}
	r.ensure(sigH + recH + 4)
	y := f.GetY()
	yEnd := y
	for i, s := range signers {
		yEnd = max(yEnd, r.drawSigner(s, marginLeft+float64(i)*colW, y, colW, titleLines))
	}
	y = yEnd
	if len(recips) > 0 {
		y = r.drawRecipients(recips, marginLeft, y+4, recW)
	}
	f.SetXY(marginLeft, y)
}

// recipients are the "- …" lines, the last ending with "." and the others
// with ";" as §9 writes them.
func (r *renderer) recipients() []string {
	var out []string
	for _, s := range r.d.Recipients {
		if s = vi.NFC(s); s != "" {
			out = append(out, s)
		}
	}
	for i, s := range out {
		end := ";"
		if i == len(out)-1 {
			end = "."
		}
		out[i] = "- " + strings.TrimRight(s, ";.") + end
	}
	return out
}

func (r *renderer) recipientsHeight(list []string, w float64) float64 {
	if len(list) == 0 {
		return 0
	}
	r.font("", sizeRecip)
	n := 0
	for _, s := range list {
		n += len(r.wrap(s, w, w-3))
	}
	return lineH(sizeHeader) + float64(n)*lineH(sizeRecip)
}

// drawRecipients writes the list in the column at x and returns the y
// under it.
func (r *renderer) drawRecipients(list []string, x, y, w float64) float64 {
	if len(list) == 0 {
		return y
	}
	f := r.f
	r.font("BI", sizeHeader)
	f.SetXY(x, y)
	f.CellFormat(w, lineH(sizeHeader), locale.T(lang, "doc.recipients"), "", 0, "L", false, 0, "")
	y += lineH(sizeHeader)
	r.font("", sizeRecip)
	for _, s := range list {
		for i, l := range r.wrap(s, w, w-3) {
			lx := x
			if i > 0 {
				lx += 3
			}
			f.SetXY(lx, y)
			f.CellFormat(w, lineH(sizeRecip), l, "", 0, "L", false, 0, "")
			y += lineH(sizeRecip)
		}
	}
	return y
}

// signSpace is the room left for the handwritten signature and seal.
const signSpace = 24.0

func (r *renderer) signerLines(s report.Signer) []string {
	var out []string
	for _, l := range []string{s.Authority, s.Title} {
		if l = vi.NFC(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// signerTitleLines counts the wrapped authority and title lines.
func (r *renderer) signerTitleLines(s report.Signer, w float64) int {
	r.font("B", sizeBody)
	n := 0
	for _, l := range r.signerLines(s) {
		n += len(r.wrap(l, w, w))
	}
	return n
}

// drawSigner writes one signature block centred in the column at x and
// returns the y under it; the name stands titleLines lines and the
// signature space below y, so names of blocks side by side line up.
func (r *renderer) drawSigner(s report.Signer, x, y, w float64, titleLines int) float64 {
	r.font("B", sizeBody)
	lh := lineH(sizeBody)
	top := y
	for _, l := range r.signerLines(s) {
		y = r.centred(l, x, y, w, lh)
	}
	y = top + float64(titleLines)*lh + signSpace
	if name := vi.NFC(s.Name); name != "" {
		y = r.centred(name, x, y, w, lh)
	} else {
		y += lh
	}
	return y
}
