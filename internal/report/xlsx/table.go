package xlsx

import (
	"strconv"

	"github.com/xuri/excelize/v2"

	"khuyencong/internal/report"
	"khuyencong/internal/vi"
)

func itoa(n int) string { return strconv.Itoa(n) }

// hyperlinkTip is the tooltip option of a link.
func hyperlinkTip(tip string) excelize.HyperlinkOpts {
	return excelize.HyperlinkOpts{Tooltip: &tip}
}

// rowSink receives the rows of a sheet in ascending order, each cell with
// its style; heights of 0 are left to the default.
type rowSink interface {
	row(r int, vals []any, styles []int, height float64) error
}

// cellSink writes rows into the cell tree with SetSheetRow and styles
// runs of equal style with one SetCellStyle each.
type cellSink struct {
	f     *excelize.File
	sheet string
}

func (s cellSink) row(r int, vals []any, styles []int, height float64) error {
	if err := s.f.SetSheetRow(s.sheet, cellName(1, r), &vals); err != nil {
		return err
	}
	for i := 0; i < len(styles); {
		j := i
		for j+1 < len(styles) && styles[j+1] == styles[i] {
			j++
		}
		if styles[i] != 0 {
			if err := s.f.SetCellStyle(s.sheet, cellName(i+1, r), cellName(j+1, r), styles[i]); err != nil {
				return err
			}
		}
		i = j + 1
	}
	if height > 0 {
		return s.f.SetRowHeight(s.sheet, r, height)
	}
	return nil
}

// streamSink writes rows with the stream writer.
type streamSink struct{ sw *excelize.StreamWriter }

func (s streamSink) row(r int, vals []any, styles []int, height float64) error {
	cells := make([]any, len(vals))
	for i, v := range vals {
		st := 0
		if i < len(styles) {
			st = styles[i]
		}
		if v == nil && st == 0 {
			continue
		}
		cells[i] = excelize.Cell{StyleID: st, Value: v}
	}
	var opts []excelize.RowOpts
	if height > 0 {
		opts = append(opts, excelize.RowOpts{Height: height})
	}
	return s.sw.SetRow(cellName(1, r), cells, opts...)
}

// writeTable writes a table's sheet: caption, bold header with fill and
// borders, data rows with real numbers, bold totals, the note, frozen
// panes under the header, an autofilter on the header and the charts
// drawn from it. Large tables go through the stream writer.
func (r *renderer) writeTable(ts *tableSheet) error {
	f, t := r.f, ts.t
	if _, err := f.NewSheet(ts.name); err != nil {
		return err
	}
	// Before the stream writer copies the sheet properties.
	if err := r.pageSetup(ts.name, len(t.Columns) > 4); err != nil {
		return err
	}
	ncols := max(len(t.Columns), 1)
	widths := columnWidths(t)
	panes := &excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: cellName(1, headerRow+1), ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: cellName(1, headerRow+1), ActiveCell: cellName(1, headerRow+1), Pane: "bottomLeft"}}}
	var sink rowSink
	var sw *excelize.StreamWriter
	if len(t.Rows) > streamRows {
		var err error
		if sw, err = f.NewStreamWriter(ts.name); err != nil {
			return err
		}
		for i, w := range widths {
			if err := sw.SetColWidth(i+1, i+1, w); err != nil {
				return err
			}
		}
		if err := sw.SetPanes(panes); err != nil {
			return err
		}
		sink = streamSink{sw}
	} else {
		for i, w := range widths {
			col, _ := excelize.ColumnNumberToName(i + 1)
			if err := f.SetColWidth(ts.name, col, col, w); err != nil {
				return err
			}
		}
		if err := f.SetPanes(ts.name, panes); err != nil {
			return err
		}
		sink = cellSink{f, ts.name}
	}
	if err := sink.row(1, []any{t.Caption}, []int{r.st.caption}, 0); err != nil {
		return err
	}
	head := make([]any, ncols)
	hs := make([]int, ncols)
	hl := 1
	for i := range ncols {
		hs[i] = r.st.header
		if i < len(t.Columns) {
			head[i] = t.Columns[i].Title
			hl = max(hl, lines(t.Columns[i].Title, widths[i]))
		}
	}
	if err := sink.row(headerRow, head, hs, heightOf(hl)); err != nil {
		return err
	}
	vals := make([]any, ncols)
	sts := make([]int, ncols)
	for i, cells := range t.Rows {
		h := r.tableRow(t, cells, false, widths, vals, sts)
		if err := sink.row(ts.first+i, vals, sts, h); err != nil {
			return err
		}
	}
	if t.Total != nil {
		h := r.tableRow(t, t.Total, true, widths, vals, sts)
		if err := sink.row(ts.total, vals, sts, h); err != nil {
			return err
		}
	}
	if t.Note != "" {
		// The note spans the table's width, wrapped.
		total := 0.0
		for _, w := range widths {
			total += w
		}
		if err := sink.row(ts.note, []any{t.Note}, []int{r.st.tableNote}, heightOf(lines(t.Note, total*1.1))); err != nil {
			return err
		}
		if ncols > 1 {
			a, b := cellName(1, ts.note), cellName(ncols, ts.note)
			var err error
			if sw != nil {
				err = sw.MergeCell(a, b)
			} else {
				err = f.MergeCell(ts.name, a, b)
			}
			if err != nil {
				return err
			}
		}
	}
	for _, cp := range ts.charts {
		if err := r.writeChartData(sink, cp); err != nil {
			return err
		}
	}
	lastCol, _ := excelize.ColumnNumberToName(ncols)
	if err := f.AutoFilter(ts.name, "A"+itoa(headerRow)+":"+lastCol+itoa(max(ts.last, headerRow)), nil); err != nil {
		return err
	}
	for _, cp := range ts.charts {
		if err := r.addChart(cp); err != nil {
			return err
		}
	}
	if sw != nil {
		return sw.Flush()
	}
	// AutoFilter replaced the sheet properties.
	return r.pageSetup(ts.name, len(t.Columns) > 4)
}

// pageSetup prints sheet on A4, as wide as one page.
func (r *renderer) pageSetup(sheet string, landscape bool) error {
	size, orient, one, auto, fit := 9, "portrait", 1, 0, true
	if landscape {
		orient = "landscape"
	}
	if err := r.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &one, FitToHeight: &auto}); err != nil {
		return err
	}
	return r.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit})
}

// tableRow fills vals and sts with one row of t (a total row when total)
// and returns the row's height.
func (r *renderer) tableRow(t *report.Table, cells []report.Cell, total bool, widths []float64, vals []any, sts []int) float64 {
	tot := 0
	if total {
		tot = 1
	}
	n := 1
	for i := range vals {
		vals[i], sts[i] = nil, r.st.cell[tot][kindText]
		if i >= len(t.Columns) {
			continue
		}
		k := t.Columns[i].Kind
		if i < len(cells) {
			v, ck := value(k, cells[i])
			vals[i], sts[i] = v, r.st.cell[tot][ck]
			if ck == kindText && cells[i].Text != "" {
				n = max(n, lines(cells[i].Text, widths[i]))
			}
		} else {
			sts[i] = r.st.cell[tot][kindOf(k)]
		}
	}
	return heightOf(n)
}

// heightOf is the row height for n lines, 0 (default) for one.
func heightOf(n int) float64 {
	if n <= 1 {
		return 0
	}
	return float64(n) * lineHeight
}

// columnWidths sizes each column from its title, its content (the first
// sampleRows rows and the totals) and its relative width, within
// minColWidth–maxColWidth characters.
func columnWidths(t *report.Table) []float64 {
	out := make([]float64, max(len(t.Columns), 1))
	for i, c := range t.Columns {
		w := min(textWidth(c.Title), 24) // titles wrap in the header
		measure := func(cell report.Cell) {
			switch {
			case c.Kind == report.Text:
				w = max(w, textWidth(cell.Text))
			case cell.Empty:
			case c.Kind == report.Percent:
				w = max(w, 7)
			default:
				w = max(w, textWidth(vi.FormatNumber(cell.N))+1)
			}
		}
		for _, row := range t.Rows[:min(len(t.Rows), sampleRows)] {
			if i < len(row) {
				measure(row[i])
			}
		}
		if i < len(t.Total) {
			measure(t.Total[i])
		}
		rel := max(c.Width, 1)
		out[i] = min(max(w+2, 8*float64(rel), minColWidth), maxColWidth)
	}
	if len(t.Columns) == 0 {
		out[0] = minColWidth
	}
	return out
}
