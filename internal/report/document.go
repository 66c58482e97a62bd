package report

import (
	"strconv"
	"strings"
	"time"

	"khuyencong/internal/vi"
)

// Document is one generated administrative document laid out after
// Decree 30/2020/NĐ-CP (domain reference §9): the national title and motto
// beside the issuing body, number and symbol, place and date, the document
// type and its summary, legal bases, the body, and the closing with
// recipients and signature.
type Document struct {
	// Name is the base of file names and sheet titles, e.g.
	// "bao-cao-khuyen-cong-2015-2020"; only [a-z0-9-].
	Name string
	// ParentBody is the body above the issuer, upper case, e.g.
	// "UBND TỈNH QUẢNG TRỊ"; may be empty.
	ParentBody string
	// IssuingBody is the issuer, upper case, e.g. "SỞ CÔNG THƯƠNG".
	IssuingBody string
	// Number is the number and symbol after "Số: ", e.g. "   /BC-SCT"
	// for a draft whose number is given at signing.
	Number string
	// Place and Date give "Quảng Trị, ngày 26 tháng 11 năm 2026".
	Place string
	Date  time.Time
	// Type is the document type in upper case ("BÁO CÁO", "KẾ HOẠCH",
	// "QUYẾT ĐỊNH", "BIÊN BẢN"); Summary the trích yếu under it.
	Type    string
	Summary string
	// Draft marks a draft ("DỰ THẢO" above the type).
	Draft bool
	// Bases are the legal bases (căn cứ), one per line, italic; each
	// already ends with ";" or ".".
	Bases []string
	// Addressees follow "Kính gửi:"; empty for none.
	Addressees []string
	// Blocks is the body in order.
	Blocks []Block
	// Recipients are the "Nơi nhận:" lines without the leading "- ".
	Recipients []string
	// Signature is the signer block; Signers more than one are laid out
	// side by side (minutes are signed by each party).
	Signers []Signer
	// Footnote is a small line at the end, e.g. how the figures were
	// computed and when.
	Footnote string
}

// Signer is one signature block: the authority prefix and title (upper
// case, bold), and the signer's name (bold), left empty on a draft.
type Signer struct {
	Authority string // "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN"; may be empty
	Title     string // "PHÓ GIÁM ĐỐC"
	Name      string
}

// BlockKind says what a Block holds.
type BlockKind int

// The kinds of body blocks.
const (
	// Heading is a section heading: Level 1 "I. …" upper case bold,
	// Level 2 "1. …" bold, Level 3 "a) …" bold italic. The numbering is
	// part of Text.
	Heading BlockKind = iota
	// Paragraph is body text: justified, first-line indent.
	Paragraph
	// Bullet is one "- …" line of a list.
	Bullet
	// TableBlock holds Table.
	TableBlock
	// ChartBlock holds Chart.
	ChartBlock
	// Note is a small italic line, e.g. a definition under a table.
	Note
)

// Block is one piece of the body.
type Block struct {
	Kind  BlockKind
	Level int
	Text  string
	Table *Table
	Chart *Chart
}

// ColumnKind says how a column's numbers are written.
type ColumnKind int

// The column kinds.
const (
	Text    ColumnKind = iota // Cell.Text as is
	Count                     // Cell.N grouped: 1.234
	Money                     // Cell.N in đồng, grouped: 1.500.000
	Percent                   // Cell.N in basis points: 1250 → "12,5 %"
	// Million is money kept in đồng (Cell.N) but written in millions with
	// at most one decimal, for documents whose tables must fit on A4:
	// 1.167.000.000 → "1.167", 12.500.000 → "12,5".
	Million
)

// Column is one column of a table.
type Column struct {
	Title string
	Kind  ColumnKind
	// Width is the relative width (0 = 1).
	Width int
}

// Cell is one value: Text for text columns, N for the others (N is
// ignored when Empty, which writes "–").
type Cell struct {
	Text  string
	N     int64
	Empty bool
}

// Table is a captioned table; the XLSX renderer writes each to its own
// sheet named after Sheet.
type Table struct {
	// Sheet is a short title for the sheet tab (≤ 31 characters).
	Sheet   string
	Caption string
	Columns []Column
	Rows    [][]Cell
	// Total is the totals row ("Tổng cộng" in the first cell); nil for none.
	Total []Cell
	// Note is a line under the table, e.g. the unit of the money columns.
	Note string
}

// ChartKind is the kind of a chart.
type ChartKind int

// The chart kinds.
const (
	Bar        ChartKind = iota // vertical bars, one group per category, one bar per series
	StackedBar                  // vertical bars with the series stacked
	Pie                         // one series, one slice per category
	Line                        // one line per series over the categories
)

// Chart is a chart of numbers over categories. Values are plain numbers
// in the unit Unit (already scaled, e.g. millions of đồng).
type Chart struct {
	Title      string
	Kind       ChartKind
	Categories []string
	Series     []Series
	// Unit labels the value axis, e.g. "triệu đồng", "đề án".
	Unit string
	// Table names the Sheet of the table holding the same numbers, so the
	// XLSX chart can point at its cells; empty when there is none.
	Table string
}

// Series is one named row of chart values, one per category.
type Series struct {
	Name   string
	Values []float64
}

// Format writes c as the column kind k says, in Vietnamese notation.
func Format(k ColumnKind, c Cell) string {
	if k == Text {
		return c.Text
	}
	if c.Empty {
		return "–"
	}
	switch k {
	case Percent:
		return FormatBasisPoints(c.N)
	case Million:
		return FormatMillions(c.N)
	default:
		return vi.FormatNumber(c.N)
	}
}

// FormatBasisPoints writes basis points as a Vietnamese percentage with at
// most one decimal: 1250 → "12,5 %", 10000 → "100 %".
func FormatBasisPoints(bp int64) string {
	neg := bp < 0
	if neg {
		bp = -bp
	}
	tenths := (bp + 5) / 10 // rounded to 0.1 %
	s := strconv.FormatInt(tenths/10, 10)
	if d := tenths % 10; d != 0 {
		s += "," + strconv.FormatInt(d, 10)
	}
	if neg {
		s = "-" + s
	}
	return s + " %"
}

// FormatMillions writes an amount in đồng as millions rounded to one
// decimal: 1_167_000_000 → "1.167", 12_500_000 → "12,5", 40_000 → "0".
func FormatMillions(dong int64) string {
	neg := dong < 0
	if neg {
		dong = -dong
	}
	tenths := (dong + 50_000) / 100_000
	s := vi.FormatNumber(tenths / 10)
	if d := tenths % 10; d != 0 {
		s += "," + strconv.FormatInt(d, 10)
	}
	if neg && tenths != 0 {
		s = "-" + s
	}
	return s
}

// PlaceDate writes the place-and-date line: "Quảng Trị, ngày 05 tháng 01
// năm 2020" (leading zeros as Decree 30/2020 asks); the place alone when
// the date is unset.
func (d *Document) PlaceDate() string {
	day := vi.FormatDayLong(d.Date)
	switch {
	case day == "":
		return d.Place
	case d.Place == "":
		return strings.ToUpper(day[:1]) + day[1:]
	}
	return d.Place + ", " + day
}

// Tables returns the document's tables in order.
func (d *Document) Tables() []*Table {
	var out []*Table
	for _, b := range d.Blocks {
		if b.Kind == TableBlock && b.Table != nil {
			out = append(out, b.Table)
		}
	}
	return out
}
