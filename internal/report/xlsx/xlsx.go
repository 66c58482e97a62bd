package xlsx

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"khuyencong/internal/locale"
	"khuyencong/internal/report"
)

// Layout of the workbook.
const (
	// streamRows is the number of data rows above which a table sheet is
	// written with the stream writer (rows go straight to the file
	// buffer instead of the cell tree).
	streamRows = 5000
	// headerRow is the row of a table's column titles; the caption is
	// row 1 and the data starts under the header.
	headerRow = 2
	// mainWidthA and mainWidthB are the two columns of the first sheet:
	// the left and right halves of the document header, merged for the
	// body text.
	mainWidthA, mainWidthB = 46.0, 54.0
	// lineHeight is the height in points of one line of wrapped text.
	lineHeight = 15.0
	// chartWidth and chartHeight are the size of a chart in pixels;
	// chartRows is the number of rows one covers, to stack several.
	chartWidth, chartHeight = 640, 360
	chartRows               = 20
	// Column widths in characters.
	minColWidth, maxColWidth = 6.0, 60.0
	// sampleRows bounds the rows read to size a column.
	sampleRows = 2000
	// maxSheetName is Excel's limit on a sheet name, in UTF-16 units.
	maxSheetName = 31
)

// lang is the language of the words the renderer adds.
const lang = "vi"

// Render writes d as an XLSX workbook to w: a first sheet named after the
// document type with the header and the text in reading order, one sheet
// per table and native charts beside the tables they draw. The document
// properties carry the summary as title; the creation time is the
// document's date, so the same document gives the same content.
func Render(w io.Writer, d report.Document) error {
	f := excelize.NewFile()
	defer f.Close()
	r := &renderer{f: f, d: d, used: map[string]bool{}}
	var err error
	if r.st, err = newStyles(f); err != nil {
		return err
	}
	r.plan()
	if err := f.SetSheetName("Sheet1", r.main); err != nil {
		return err
	}
	if err := r.writeMain(); err != nil {
		return err
	}
	for i := range d.Blocks {
		for _, ts := range r.tables {
			if ts.block == i {
				if err := r.writeTable(ts); err != nil {
					return fmt.Errorf("xlsx: table %q: %w", ts.name, err)
				}
			}
		}
		for _, cp := range r.charts {
			if cp.block == i && cp.table == nil && cp.sheet != "" {
				if err := r.writeChartSheet(cp); err != nil {
					return fmt.Errorf("xlsx: chart %q: %w", cp.c.Title, err)
				}
			}
		}
	}
	f.SetActiveSheet(0)
	stamp := d.Date.UTC().Format(time.RFC3339)
	if d.Date.IsZero() {
		stamp = ""
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: d.Summary, Subject: d.Type, Creator: d.IssuingBody, Language: "vi-VN",
		Created: stamp, Modified: stamp}); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// renderer holds the workbook being written and the plan of its sheets.
type renderer struct {
	f      *excelize.File
	d      report.Document
	st     styles
	used   map[string]bool // sheet names taken, lower case
	main   string          // name of the first sheet
	tables []*tableSheet
	charts []*chartPlan
	row    int // next row of the first sheet
}

// tableSheet is the plan of one table's sheet: where its rows go.
type tableSheet struct {
	t     *report.Table
	block int
	name  string
	first int // first data row
	last  int // last data row (first-1 when the table has no rows)
	total int // row of the totals, 0 for none
	note  int // row of the note, 0 for none
	next  int // next free row, for chart data written beside
	// charts are placed to the right of the table, one under the other.
	charts []*chartPlan
}

// plan names the sheets and lays out the tables and charts, so that the
// first sheet can link to them before they are written.
func (r *renderer) plan() {
	r.main = r.uniqueName(sheetTitle(r.d.Type), locale.T(lang, "xlsx.main_sheet"))
	nt := 0
	for i, b := range r.d.Blocks {
		if b.Kind != report.TableBlock || b.Table == nil {
			continue
		}
		nt++
		t := b.Table
		ts := &tableSheet{t: t, block: i, first: headerRow + 1}
		ts.name = r.uniqueName(t.Sheet, locale.T(lang, "xlsx.table_sheet", nt))
		ts.last = ts.first + len(t.Rows) - 1
		end := ts.last
		if t.Total != nil {
			end++
			ts.total = end
		}
		if t.Note != "" {
			end++
			ts.note = end
		}
		ts.next = end + 2
		r.tables = append(r.tables, ts)
	}
	nc := 0
	for i, b := range r.d.Blocks {
		if b.Kind != report.ChartBlock || b.Chart == nil {
			continue
		}
		nc++
		cp := &chartPlan{c: b.Chart, block: i}
		r.charts = append(r.charts, cp)
		if !hasData(b.Chart) {
			continue // nothing to draw: the first sheet names it only
		}
		if ts := r.tableOf(b.Chart.Table, i); ts != nil {
			cp.table, cp.sheet = ts, ts.name
			cp.anchor = cellName(len(ts.t.Columns)+2, headerRow+len(ts.charts)*chartRows)
			ts.charts = append(ts.charts, cp)
			if !cp.bindTable(ts) {
				cp.dataAt(ts.next)
				ts.next += cp.dataRows() + 1
			}
			continue
		}
		cp.sheet = r.uniqueName(b.Chart.Title, locale.T(lang, "xlsx.chart_sheet", nc))
		cp.dataAt(1)
		cp.anchor = cellName(len(cp.c.Series)+3, headerRow)
	}
}

// tableOf returns the table sheet a chart at block i draws: the last
// table with that Sheet before the chart, else the first one after it.
func (r *renderer) tableOf(sheet string, i int) *tableSheet {
	if sheet == "" {
		return nil
	}
	var found *tableSheet
	for _, ts := range r.tables {
		if ts.t.Sheet != sheet {
			continue
		}
		if ts.block < i || found == nil {
			found = ts
		}
		if ts.block > i {
			break
		}
	}
	return found
}

// sheetTitle turns a document type into a sheet name: "BÁO CÁO" → "Báo cáo".
func sheetTitle(docType string) string {
	s := strings.ToLower(strings.TrimSpace(docType))
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return ""
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// uniqueName makes a valid sheet name of base (or fallback when base has
// nothing left): no []:*?/\, no apostrophe at either end, at most 31
// UTF-16 units, and unique in the workbook ignoring case, by a " (2)"
// suffix when needed.
func (r *renderer) uniqueName(base, fallback string) string {
	name := cleanName(base)
	if name == "" {
		name = cleanName(fallback)
	}
	if name == "" {
		name = "Sheet"
	}
	try := truncate(name, maxSheetName)
	for n := 2; r.used[strings.ToLower(try)]; n++ {
		suffix := fmt.Sprintf(" (%d)", n)
		try = strings.TrimRight(truncate(name, maxSheetName-len(suffix)), " ") + suffix
	}
	r.used[strings.ToLower(try)] = true
	return try
}

// cleanName replaces the characters a sheet name may not hold, collapses
// spaces and trims apostrophes and spaces at both ends.
func cleanName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Trim(strings.Join(strings.Fields(s), " "), "' ")
}

// truncate cuts s to at most n UTF-16 units, at a rune boundary, and
// trims what it leaves at the end.
func truncate(s string, n int) string {
	units := 0
	for i, r := range s {
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		if units+w > n {
			return strings.Trim(s[:i], "' ")
		}
		units += w
	}
	return s
}

// ref writes a reference to a range of sheet: 'Sheet name'!$A$3:$A$9.
func ref(sheet string, col1, row1, col2, row2 int) string {
	a := absCell(col1, row1)
	if col1 == col2 && row1 == row2 {
		return quoteSheet(sheet) + "!" + a
	}
	return quoteSheet(sheet) + "!" + a + ":" + absCell(col2, row2)
}

// quoteSheet quotes a sheet name for a formula.
func quoteSheet(sheet string) string {
	return "'" + strings.ReplaceAll(sheet, "'", "''") + "'"
}

// absCell writes $C$7.
func absCell(col, row int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return fmt.Sprintf("$%s$%d", name, row)
}

// cellName writes C7.
func cellName(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}

// textWidth estimates the width of s in characters of the default font.
func textWidth(s string) float64 {
	return float64(utf8.RuneCountInString(s))
}

// lines estimates how many lines s takes wrapped in width characters.
func lines(s string, width float64) int {
	n := 0
	for _, part := range strings.Split(s, "\n") {
		w := textWidth(part) * 1.05 // diacritics and bold run a little wider
		n += max(1, int(math.Ceil(w/width)))
	}
	return n
}
