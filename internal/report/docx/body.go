package docx

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"khuyencong/internal/locale"
	"khuyencong/internal/report"
	"khuyencong/internal/vi"
)

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

// Font sizes in half-points.
const (
	sz10 = 20
	sz11 = 22
	sz12 = 24
	sz13 = 26
	sz14 = 28
)

// Widths of the header block's columns (issuing body | national title).
const (
	headLeftW  = 3686 // 6.5 cm
	headRightW = textW - headLeftW
)

// Widths of the closing's columns (recipients | signature).
const (
	closeLeftW  = 4253 // 7.5 cm
	closeRightW = textW - closeLeftW
)

// signatureLines is the number of empty lines left for the signature
// and seal between the signer's title and name.
const signatureLines = 4

// media is one embedded picture.
type media struct {
	name string // file name under word/media/
	rid  string // relationship id in document.xml.rels
	data []byte
}

// builder accumulates word/document.xml and the pictures it refers to.
type builder struct {
	sb        strings.Builder
	images    []media
	lastTable bool // the last body element written is a table
}

// rPr is the formatting of a run.
type rPr struct {
	bold, italic, underline bool
	size                    int  // half-points; 0 = style default
	box                     bool // a border around the run
}

// run is a piece of text with one formatting; tab writes a tab before the
// text.
type run struct {
	text string
	rPr
	tab bool
}

// pPr is the formatting of a paragraph; zero fields are not written, so
// the style's values apply.
type pPr struct {
	style    string
	jc       string // left, center, right, both
	keepNext bool
	// spacing: written when spacing is true.
	spacing              bool
	before, after, line  int
	exact                bool // line is exact, not auto
	ind                  bool
	left, right          int
	firstLine, hanging   int
	tab                  int  // a left tab stop, 0 for none
	bottomBorder         bool // a solid line under the paragraph
	markSize             int  // size of the paragraph mark (empty paragraphs)
	markBold, markItalic bool
}

// escape writes s to sb with the XML special characters escaped.
func escape(sb *strings.Builder, s string) {
	_ = xml.EscapeText(sb, []byte(s))
}

// upper puts s in NFC and upper case.
func upper(s string) string { return strings.ToUpper(vi.NFC(s)) }

func (b *builder) w(s string) { b.sb.WriteString(s) }

func (b *builder) wf(format string, args ...any) { fmt.Fprintf(&b.sb, format, args...) }

// rPrXML writes the run properties r (nothing when all are default).
func (b *builder) rPrXML(r rPr) {
	if !r.bold && !r.italic && !r.underline && r.size == 0 && !r.box {
		return
	}
	b.w("<w:rPr>")
	if r.bold {
		b.w("<w:b/><w:bCs/>")
	}
	if r.italic {
		b.w("<w:i/><w:iCs/>")
	}
	if r.size != 0 {
		b.wf(`<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, r.size, r.size)
	}
	if r.underline {
		b.w(`<w:u w:val="single"/>`)
	}
	if r.box {
		b.w(`<w:bdr w:val="single" w:sz="8" w:space="2" w:color="000000"/>`)
	}
	b.w("</w:rPr>")
}

// runXML writes one run; its text must already be normalised.
func (b *builder) runXML(r run) {
	b.w("<w:r>")
	b.rPrXML(r.rPr)
	if r.tab {
		b.w("<w:tab/>")
	}
	if r.text != "" {
		b.w(`<w:t xml:space="preserve">`)
		escape(&b.sb, r.text)
		b.w("</w:t>")
	}
	b.w("</w:r>")
}

// para writes a paragraph with the properties p and the runs.
func (b *builder) para(p pPr, runs ...run) {
	b.w("<w:p><w:pPr>")
	if p.style != "" {
		b.wf(`<w:pStyle w:val="%s"/>`, p.style)
	}
	if p.keepNext {
		b.w("<w:keepNext/>")
	}
	if p.bottomBorder {
		b.w(`<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>`)
	}
	if p.tab > 0 {
		b.wf(`<w:tabs><w:tab w:val="left" w:pos="%d"/></w:tabs>`, p.tab)
	}
	if p.spacing {
		rule := "auto"
		if p.exact {
			rule = "exact"
		}
		line := p.line
		if line == 0 {
			line = 240
		}
		b.wf(`<w:spacing w:before="%d" w:after="%d" w:line="%d" w:lineRule="%s"/>`, p.before, p.after, line, rule)
	}
	if p.ind {
		b.wf(`<w:ind w:left="%d" w:right="%d"`, p.left, p.right)
		switch {
		case p.hanging > 0:
			b.wf(` w:hanging="%d"`, p.hanging)
		default:
			b.wf(` w:firstLine="%d"`, p.firstLine)
		}
		b.w("/>")
	}
	if p.jc != "" {
		b.wf(`<w:jc w:val="%s"/>`, p.jc)
	}
	b.rPrXML(rPr{size: p.markSize, bold: p.markBold, italic: p.markItalic})
	b.w("</w:pPr>")
	for _, r := range runs {
		b.runXML(r)
	}
	b.w("</w:p>")
	b.lastTable = false
}

// underline writes an empty paragraph whose bottom border is a centred
// solid line of length twips in a space of width twips, before twips
// under the text above it.
func (b *builder) underline(length, width, before, after int) {
	if length > width {
		length = width
	}
	side := (width - length) / 2
	b.w("<w:p><w:pPr>")
	b.w(`<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="0" w:color="000000"/></w:pBdr>`)
	b.wf(`<w:spacing w:before="%d" w:after="%d" w:line="40" w:lineRule="exact"/>`, before, after)
	b.wf(`<w:ind w:left="%d" w:right="%d" w:firstLine="0"/>`, side, side)
	b.w(`<w:jc w:val="center"/><w:rPr><w:sz w:val="4"/><w:szCs w:val="4"/></w:rPr></w:pPr></w:p>`)
	b.lastTable = false
}

// tableStart opens a table with the given column widths; grid draws
// single borders around and between every cell.
func (b *builder) tableStart(widths []int, grid bool) {
	if b.lastTable {
		// Two tables in a row would merge into one: separate them.
		b.para(pPr{spacing: true, line: 240, markSize: sz10})
	}
	total := 0
	for _, w := range widths {
		total += w
	}
	b.w("<w:tbl><w:tblPr>")
	if grid {
		b.w(`<w:tblStyle w:val="TableGrid"/>`)
	}
	b.wf(`<w:tblW w:w="%d" w:type="dxa"/>`, total)
	if grid {
		b.w(`<w:jc w:val="center"/>`)
		b.w(`<w:tblBorders>`)
		for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
			b.wf(`<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>`, side)
		}
		b.w(`</w:tblBorders>`)
	} else {
		b.w(`<w:tblBorders>`)
		for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
			b.wf(`<w:%s w:val="nil"/>`, side)
		}
		b.w(`</w:tblBorders>`)
	}
	b.w(`<w:tblLayout w:type="fixed"/>`)
	b.wf(`<w:tblCellMar><w:left w:w="%d" w:type="dxa"/><w:right w:w="%d" w:type="dxa"/></w:tblCellMar>`, cellMar, cellMar)
	b.w(`<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>`)
	b.w("</w:tblPr><w:tblGrid>")
	for _, w := range widths {
		b.wf(`<w:gridCol w:w="%d"/>`, w)
	}
	b.w("</w:tblGrid>")
}

// tableEnd closes a table.
func (b *builder) tableEnd() {
	b.w("</w:tbl>")
	b.lastTable = true
}

// rowStart opens a table row; header rows repeat on each page.
func (b *builder) rowStart(header bool) {
	b.w("<w:tr><w:trPr><w:cantSplit/>")
	if header {
		b.w("<w:tblHeader/>")
	}
	b.w("</w:trPr>")
}

// cellStart opens a cell of width twips; center aligns it vertically.
func (b *builder) cellStart(width int, center bool) {
	b.wf(`<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, width)
	if center {
		b.w(`<w:vAlign w:val="center"/>`)
	}
	b.w("</w:tcPr>")
}

// document writes the whole of word/document.xml for d.
func (b *builder) document(d *report.Document) error {
	b.w(xmlHeader)
	b.w(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"` +
		` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"` +
		` xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"` +
		` xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"` +
		` xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>`)
	b.header(d)
	b.title(d)
	b.addressees(d)
	for _, basis := range d.Bases {
		b.para(pPr{style: "Basis"}, run{text: vi.NFC(basis)})
	}
	for _, blk := range d.Blocks {
		if err := b.block(blk); err != nil {
			return err
		}
	}
	b.closing(d)
	// The body ends with a paragraph: the footnote or an empty one.
	if fn := vi.NFC(d.Footnote); fn != "" {
		b.para(pPr{spacing: true, before: 360, jc: "both", markSize: sz10, markItalic: true},
			run{text: fn, rPr: rPr{italic: true, size: sz10}})
	} else {
		b.para(pPr{markSize: sz10})
	}
	b.w(`<w:sectPr>`)
	b.w(`<w:headerReference w:type="default" r:id="rIdHeader1"/>`)
	b.w(`<w:headerReference w:type="first" r:id="rIdHeader2"/>`)
	b.wf(`<w:pgSz w:w="%d" w:h="%d"/>`, pageW, pageH)
	b.wf(`<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="%d" w:footer="%d" w:gutter="0"/>`,
		marginTop, marginRight, marginBottom, marginLeft, headerDist, headerDist)
	b.w(`<w:pgNumType w:fmt="decimal"/><w:cols w:space="720"/><w:titlePg/><w:docGrid w:linePitch="360"/>`)
	b.w(`</w:sectPr></w:body></w:document>`)
	return nil
}

// header writes the borderless two-column block of page 1: parent body,
// issuing body with its short underline and the number on the left; the
// national title, the underlined motto and the place and date on the
// right. Number and date share the second row so they stand on one line.
func (b *builder) header(d *report.Document) {
	innerL := headLeftW - 2*cellMar
	innerR := headRightW - 2*cellMar
	center := pPr{jc: "center"}
	b.tableStart([]int{headLeftW, headRightW}, false)

	b.rowStart(false)
	b.cellStart(headLeftW, false)
	if p := upper(d.ParentBody); p != "" {
		b.para(center, run{text: p, rPr: rPr{size: sz13}})
	}
	if body := upper(d.IssuingBody); body != "" {
		b.para(center, run{text: body, rPr: rPr{bold: true, size: sz13}})
		w := min(boldWidth(body, sz13), innerL)
		b.underline(max(w*2/5, 567), innerL, 20, 0)
	} else {
		b.para(pPr{})
	}
	b.w("</w:tc>")
	b.cellStart(headRightW, false)
	b.para(center, run{text: vi.NFC(locale.T("vi", "doc.national_title")), rPr: rPr{bold: true, size: sz12}})
	motto := vi.NFC(locale.T("vi", "doc.motto"))
	// The motto's paragraph is narrowed to its own width, so its bottom
	// border is a line as long as the motto.
	// The slack keeps the motto on one line whatever the rounding of the
	// word processor; the line overhangs it by 3 pt on each side.
	side := max((innerR-boldWidth(motto, sz13)-120)/2, 0)
	b.para(pPr{jc: "center", bottomBorder: true, ind: true, left: side, right: side},
		run{text: motto, rPr: rPr{bold: true, size: sz13}})
	b.w("</w:tc></w:tr>")

	b.rowStart(false)
	b.cellStart(headLeftW, false)
	gap := pPr{jc: "center", spacing: true, before: 120}
	if n := vi.Compose(strings.TrimRight(d.Number, " ")); strings.TrimSpace(n) != "" {
		b.para(gap, run{text: locale.T("vi", "doc.number", n), rPr: rPr{size: sz13}})
	} else {
		b.para(gap)
	}
	b.w("</w:tc>")
	b.cellStart(headRightW, false)
	b.para(gap, run{text: placeDate(d), rPr: rPr{italic: true, size: sz14}})
	b.w("</w:tc></w:tr>")
	b.tableEnd()
}

// placeDate returns d.PlaceDate(), or only the place when the date is
// unset (report.Document.PlaceDate panics on an empty place and date).
func placeDate(d *report.Document) string {
	if d.Date.IsZero() {
		return vi.NFC(d.Place)
	}
	return vi.NFC(d.PlaceDate())
}

// title writes the draft mark, the document type and the summary with its
// short underline.
func (b *builder) title(d *report.Document) {
	before := 480
	if d.Draft {
		b.para(pPr{keepNext: true, spacing: true, before: 360},
			run{text: vi.NFC(locale.T("vi", "doc.draft")), rPr: rPr{bold: true, box: true, size: sz13}})
		before = 120
	}
	if t := upper(d.Type); t != "" {
		b.para(pPr{jc: "center", keepNext: true, spacing: true, before: before}, run{text: t, rPr: rPr{bold: true}})
		before = 0
	}
	if s := vi.NFC(d.Summary); s != "" {
		b.para(pPr{jc: "center", keepNext: true, spacing: true, before: before, ind: true, left: 567, right: 567},
			run{text: s, rPr: rPr{bold: true}})
		w := min(boldWidth(s, sz14), textW-2*567)
		b.underline(min(max(w/3, 1134), 3402), textW, 60, 360)
	} else {
		b.para(pPr{spacing: true, after: 240})
	}
}

// addressees writes "Kính gửi: X" on one centred line, or the label
// followed by one "- X" line each.
func (b *builder) addressees(d *report.Document) {
	var names []string
	for _, a := range d.Addressees {
		if a = vi.NFC(a); a != "" {
			names = append(names, a)
		}
	}
	label := vi.NFC(locale.T("vi", "doc.addressee"))
	switch len(names) {
	case 0:
		return
	case 1:
		b.para(pPr{jc: "center", spacing: true, after: 240}, run{text: label + " " + names[0]})
		return
	}
	const indent = 1701 // 3 cm: the block stands roughly centred
	lw := boldWidth(label+"  ", sz14)
	for i, n := range names {
		p := pPr{ind: true, left: indent + lw, spacing: true, line: 276}
		if i == len(names)-1 {
			p.after = 240
		}
		if i == 0 {
			p.hanging = lw
			p.tab = indent + lw
			b.para(p, run{text: label}, run{text: "- " + n, tab: true})
			continue
		}
		b.para(p, run{text: "- " + n})
	}
}

// block writes one body block.
func (b *builder) block(blk report.Block) error {
	text := vi.NFC(blk.Text)
	switch blk.Kind {
	case report.Heading:
		level := min(max(blk.Level, 1), 3)
		b.para(pPr{style: "Heading" + strconv.Itoa(level)}, run{text: text})
	case report.Paragraph:
		b.para(pPr{style: "BodyText"}, run{text: text})
	case report.Bullet:
		if !strings.HasPrefix(text, "- ") && !strings.HasPrefix(text, "– ") {
			text = "- " + text
		}
		b.para(pPr{style: "ListDash"}, run{text: text})
	case report.Note:
		b.para(pPr{style: "Note"}, run{text: text})
	case report.TableBlock:
		if blk.Table != nil {
			b.table(blk.Table)
		}
	case report.ChartBlock:
		if blk.Chart != nil {
			return b.chart(blk.Chart)
		}
	}
	return nil
}

// colWidths shares width between the columns in proportion to their
// Width (0 counts as 1); the last column takes the rounding.
func colWidths(cols []report.Column, width int) []int {
	total := 0
	for _, c := range cols {
		total += max(c.Width, 1)
	}
	out := make([]int, len(cols))
	used := 0
	for i, c := range cols {
		if i == len(cols)-1 {
			out[i] = width - used
			break
		}
		out[i] = width * max(c.Width, 1) / total
		used += out[i]
	}
	return out
}

// table writes a captioned, bordered table: the header row bold, centred
// and repeated on each page, numbers right-aligned, the totals row bold
// and the note under it.
func (b *builder) table(t *report.Table) {
	if c := vi.NFC(t.Caption); c != "" {
		b.para(pPr{style: "Caption"}, run{text: c})
	}
	if len(t.Columns) > 0 {
		size := sz13
		switch n := len(t.Columns); {
		case n > 7:
			size = sz11
		case n > 5:
			size = sz12
		}
		widths := colWidths(t.Columns, textW)
		b.tableStart(widths, true)
		b.rowStart(true)
		for i, col := range t.Columns {
			b.cellStart(widths[i], true)
			b.para(pPr{style: "TableText", jc: "center", keepNext: true, markSize: size, markBold: true},
				run{text: vi.NFC(col.Title), rPr: rPr{bold: true, size: size}})
			b.w("</w:tc>")
		}
		b.w("</w:tr>")
		row := func(cells []report.Cell, bold bool) {
			b.rowStart(false)
			for i, col := range t.Columns {
				var c report.Cell
				if i < len(cells) {
					c = cells[i]
				}
				jc := "right"
				if col.Kind == report.Text {
					jc = "left"
				}
				b.cellStart(widths[i], true)
				b.para(pPr{style: "TableText", jc: jc, markSize: size, markBold: bold},
					run{text: vi.NFC(report.Format(col.Kind, c)), rPr: rPr{bold: bold, size: size}})
				b.w("</w:tc>")
			}
			b.w("</w:tr>")
		}
		for _, r := range t.Rows {
			row(r, false)
		}
		if t.Total != nil {
			row(t.Total, true)
		}
		b.tableEnd()
	}
	if n := vi.NFC(t.Note); n != "" {
		b.para(pPr{style: "Note"}, run{text: n})
	}
}

// chart draws c as PNG and writes it as an inline picture as wide as the
// text, with the title as caption under it (and not drawn again inside
// the picture, as in the PDF).
func (b *builder) chart(c *report.Chart) error {
	untitled := *c
	untitled.Title = ""
	data, err := pngChart(untitled, chartW, chartH)
	if err != nil {
		return fmt.Errorf("docx: chart %q: %w", c.Title, err)
	}
	pw, ph, ok := pngSize(data)
	if !ok {
		pw, ph = chartW, chartH
	}
	n := len(b.images) + 1
	img := media{name: fmt.Sprintf("image%d.png", n), rid: fmt.Sprintf("rIdImage%d", n), data: data}
	b.images = append(b.images, img)

	cx := int64(textW) * emuPerTwip
	cy := cx * int64(ph) / int64(pw)
	if maxH := int64(textH) * emuPerTwip * 2 / 3; cy > maxH {
		cx, cy = cx*maxH/cy, maxH
	}
	title := vi.NFC(c.Title)
	var alt strings.Builder
	escape(&alt, vi.NFC(locale.T("vi", "doc.chart_alt", title)))

	b.w(`<w:p><w:pPr><w:pStyle w:val="Figure"/></w:pPr><w:r><w:drawing>`)
	b.w(`<wp:inline distT="0" distB="0" distL="0" distR="0">`)
	b.wf(`<wp:extent cx="%d" cy="%d"/>`, cx, cy)
	b.w(`<wp:effectExtent l="0" t="0" r="0" b="0"/>`)
	b.wf(`<wp:docPr id="%d" name="Chart %d" descr="%s"/>`, n, n, alt.String())
	b.w(`<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>`)
	b.w(`<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>`)
	b.wf(`<pic:nvPicPr><pic:cNvPr id="%d" name="%s" descr="%s"/><pic:cNvPicPr/></pic:nvPicPr>`, n, img.name, alt.String())
	b.wf(`<pic:blipFill><a:blip r:embed="%s"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>`, img.rid)
	b.wf(`<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>`, cx, cy)
	b.w(`</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`)
	b.lastTable = false
	if title != "" {
		b.para(pPr{style: "FigureCaption"}, run{text: title})
	}
	return nil
}

// closing writes the recipients beside the signature, or, for several
// signers, the signatures side by side and the recipients under them.
func (b *builder) closing(d *report.Document) {
	var recipients []string
	for _, r := range d.Recipients {
		if r = vi.NFC(r); r != "" {
			recipients = append(recipients, r)
		}
	}
	b.para(pPr{spacing: true, after: 120, markSize: sz10})
	if len(d.Signers) <= 1 {
		b.tableStart([]int{closeLeftW, closeRightW}, false)
		b.rowStart(false)
		b.cellStart(closeLeftW, false)
		if len(recipients) > 0 {
			b.recipients(recipients)
		} else {
			b.para(pPr{})
		}
		b.w("</w:tc>")
		b.cellStart(closeRightW, false)
		if len(d.Signers) == 1 {
			b.signer(d.Signers[0])
		} else {
			b.para(pPr{})
		}
		b.w("</w:tc></w:tr>")
		b.tableEnd()
		return
	}
	widths := make([]int, len(d.Signers))
	for i := range widths {
		widths[i] = textW / len(d.Signers)
	}
	widths[len(widths)-1] = textW - (len(widths)-1)*(textW/len(d.Signers))
	b.tableStart(widths, false)
	b.rowStart(false)
	for i, s := range d.Signers {
		b.cellStart(widths[i], false)
		b.signer(s)
		b.w("</w:tc>")
	}
	b.w("</w:tr>")
	b.tableEnd()
	if len(recipients) > 0 {
		b.para(pPr{spacing: true, after: 120, markSize: sz10})
		b.recipients(recipients)
	}
}

// recipients writes "Nơi nhận:" and one "- X" line per recipient.
func (b *builder) recipients(list []string) {
	b.para(pPr{spacing: true, line: 240, markSize: sz12},
		run{text: vi.NFC(locale.T("vi", "doc.recipients")), rPr: rPr{bold: true, italic: true, size: sz12}})
	for _, r := range list {
		b.para(pPr{markSize: sz11}, run{text: "- " + r, rPr: rPr{size: sz11}})
	}
}

// signer writes one signature block: authority and title upper case
// bold, room for the signature, then the name in bold.
func (b *builder) signer(s report.Signer) {
	c := pPr{jc: "center"}
	if a := upper(s.Authority); a != "" {
		b.para(c, run{text: a, rPr: rPr{bold: true}})
	}
	b.para(c, run{text: upper(s.Title), rPr: rPr{bold: true}})
	for range signatureLines {
		b.para(c)
	}
	b.para(c, run{text: vi.NFC(s.Name), rPr: rPr{bold: true}})
}
