package xlsx

import (
	"github.com/xuri/excelize/v2"

	"khuyencong/internal/report"
)

// Number formats. numFmtGrouped is Excel's built-in "#,##0", which Excel
// shows with the reader's grouping (1.234.567 in Vietnamese settings).
const (
	numFmtGrouped = 3
	fmtPercent    = "0.0%"
	// fmtMillions shows đồng in millions: each trailing comma divides by 1,000.
	fmtMillions = "#,##0.0,,"
)

// cellKind is how a table cell is styled.
type cellKind int

const (
	kindText cellKind = iota
	kindNumber
	kindPercent
	kindEmpty // the "–" of an empty numeric cell
	kindValue // a chart value: general number format
	// kindMillion is money kept exact in đồng but shown in millions with
	// one decimal (the document's "triệu đồng" columns).
	kindMillion
)

// styles are the style ids of the workbook.
type styles struct {
	// First sheet.
	parent, issuer, national, motto, number, placeDate, draft, docType, summary   int
	basis, addressee, heading1, heading2, heading3, paragraph, bullet, note, link int
	recipientsTitle, recipient, signerAuthority, signerName, footnote             int
	// Table sheets.
	caption, header, tableNote int
	cell                       [2][6]int // [total][cellKind]
}

// newStyles registers the styles with f.
func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	add := func(dst *int, st *excelize.Style) {
		if err != nil {
			return
		}
		*dst, err = f.NewStyle(st)
	}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "top", WrapText: true}
	wrap := &excelize.Alignment{Horizontal: "justify", Vertical: "top", WrapText: true}
	left := &excelize.Alignment{Horizontal: "left", Vertical: "top", WrapText: true}
	bold := &excelize.Font{Bold: true}
	add(&s.parent, &excelize.Style{Alignment: center})
	add(&s.issuer, &excelize.Style{Alignment: center, Font: bold})
	add(&s.national, &excelize.Style{Alignment: center, Font: bold})
	add(&s.motto, &excelize.Style{Alignment: center, Font: &excelize.Font{Bold: true, Underline: "single"}})
	add(&s.number, &excelize.Style{Alignment: center})
	add(&s.placeDate, &excelize.Style{Alignment: center, Font: &excelize.Font{Italic: true}})
	add(&s.draft, &excelize.Style{Alignment: center, Font: bold, Border: box("000000")})
	add(&s.docType, &excelize.Style{Alignment: center, Font: &excelize.Font{Bold: true, Size: 14}})
	add(&s.summary, &excelize.Style{Alignment: center, Font: bold})
	add(&s.basis, &excelize.Style{Alignment: wrap, Font: &excelize.Font{Italic: true}})
	add(&s.addressee, &excelize.Style{Alignment: center})
	add(&s.heading1, &excelize.Style{Alignment: left, Font: bold})
	add(&s.heading2, &excelize.Style{Alignment: left, Font: bold})
	add(&s.heading3, &excelize.Style{Alignment: left, Font: &excelize.Font{Bold: true, Italic: true}})
	add(&s.paragraph, &excelize.Style{Alignment: &excelize.Alignment{Horizontal: "justify", Vertical: "top", WrapText: true, Indent: 1}})
	add(&s.bullet, &excelize.Style{Alignment: wrap})
	add(&s.note, &excelize.Style{Alignment: wrap, Font: &excelize.Font{Italic: true, Size: 9}})
	add(&s.link, &excelize.Style{Alignment: left, Font: &excelize.Font{Color: "1F4E9E", Underline: "single"}})
	add(&s.recipientsTitle, &excelize.Style{Alignment: left, Font: &excelize.Font{Bold: true, Italic: true}})
	add(&s.recipient, &excelize.Style{Alignment: left, Font: &excelize.Font{Size: 10}})
	add(&s.signerAuthority, &excelize.Style{Alignment: center, Font: bold})
	add(&s.signerName, &excelize.Style{Alignment: center, Font: bold})
	add(&s.footnote, &excelize.Style{Alignment: left, Font: &excelize.Font{Italic: true, Size: 9}})

	add(&s.caption, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}})
	add(&s.header, &excelize.Style{Font: bold, Border: box("808080"), Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	add(&s.tableNote, &excelize.Style{Font: &excelize.Font{Italic: true, Size: 9}, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	pct := fmtPercent
	millions := fmtMillions
	for total := range 2 {
		font := &excelize.Font{Bold: total == 1}
		add(&s.cell[total][kindText], &excelize.Style{Font: font, Border: box("808080"), Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
		add(&s.cell[total][kindNumber], &excelize.Style{Font: font, Border: box("808080"), NumFmt: numFmtGrouped, Alignment: &excelize.Alignment{Vertical: "top"}})
		add(&s.cell[total][kindPercent], &excelize.Style{Font: font, Border: box("808080"), CustomNumFmt: &pct, Alignment: &excelize.Alignment{Vertical: "top"}})
		add(&s.cell[total][kindEmpty], &excelize.Style{Font: font, Border: box("808080"), Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}})
		add(&s.cell[total][kindValue], &excelize.Style{Font: font, Border: box("808080"), Alignment: &excelize.Alignment{Vertical: "top"}})
		add(&s.cell[total][kindMillion], &excelize.Style{Font: font, Border: box("808080"), CustomNumFmt: &millions, Alignment: &excelize.Alignment{Vertical: "top"}})
	}
	return s, err
}

// box is a thin border on every side.
func box(color string) []excelize.Border {
	return []excelize.Border{{Type: "left", Color: color, Style: 1}, {Type: "right", Color: color, Style: 1},
		{Type: "top", Color: color, Style: 1}, {Type: "bottom", Color: color, Style: 1}}
}

// kindOf is the cell kind of a column kind.
func kindOf(k report.ColumnKind) cellKind {
	switch k {
	case report.Text:
		return kindText
	case report.Percent:
		return kindPercent
	case report.Million:
		return kindMillion
	}
	return kindNumber
}

// value is what a table cell holds in the sheet: text as text, money and
// counts as whole numbers, percentages as fractions (basis points / 10
// 000), an empty number as "–"; and its kind.
func value(k report.ColumnKind, c report.Cell) (any, cellKind) {
	switch {
	case k == report.Text:
		return c.Text, kindText
	case c.Empty:
		return "–", kindEmpty
	case k == report.Percent:
		return float64(c.N) / 10000, kindPercent
	case k == report.Million:
		return c.N, kindMillion
	}
	return c.N, kindNumber
}

// number is the value of a numeric cell as the sheet holds it, and false
// for an empty or text cell.
func number(k report.ColumnKind, c report.Cell) (float64, bool) {
	if k == report.Text || c.Empty {
		return 0, false
	}
	if k == report.Percent {
		return float64(c.N) / 10000, true
	}
	return float64(c.N), true
}
