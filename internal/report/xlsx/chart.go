package xlsx

import (
	"math"

	"github.com/xuri/excelize/v2"

	"khuyencong/internal/report"
	"khuyencong/internal/vi"
)

// chartPlan is where a chart goes and which cells its series read.
type chartPlan struct {
	c     *report.Chart
	block int
	// sheet is the sheet the chart is drawn on ("" when the chart has no
	// data); table is the table on it, nil for a sheet of its own.
	sheet  string
	table  *tableSheet
	anchor string // top-left cell of the chart
	// cats, names and values are the references of the categories and,
	// per series, of its name and values.
	cats          string
	names, values []string
	// numFmt is the value axis' number format ("" = as the cells).
	numFmt string
	// dataRow is the first row of the chart's own data block, written
	// on its sheet when the table cells cannot serve; 0 for none.
	dataRow int
}

// scales are the factors a chart's values may be scaled down by from the
// table's numbers (a money table in đồng drawn in millions), with the
// axis format that shows the cells in that unit.
var scales = []struct {
	k   float64
	fmt string
}{{1, "#,##0"}, {1e3, "#,##0,"}, {1e6, "#,##0,,"}, {1e9, "#,##0,,,"}}

// hasData reports whether c has something to draw.
func hasData(c *report.Chart) bool { return len(c.Categories) > 0 && len(c.Series) > 0 }

// bindTable points the chart's series at the cells of its table: the
// categories at the first column of the data rows, each series at the
// column titled like it. It refuses (false) when the rows are not the
// categories one for one, a series has no numeric column of its name, or
// the column's numbers are not the series' values in one unit (the same,
// or scaled by a thousand, a million or a billion).
func (cp *chartPlan) bindTable(ts *tableSheet) bool {
	t, c := ts.t, cp.c
	if len(t.Rows) == 0 || len(c.Categories) != len(t.Rows) || len(t.Columns) < 2 {
		return false
	}
	cols := make([]int, len(c.Series))
	for i, s := range c.Series {
		j := findColumn(t.Columns, s.Name)
		if j < 1 || t.Columns[j].Kind == report.Text {
			return false
		}
		cols[i] = j
	}
	for _, sc := range scales {
		if !matches(t, cols, c.Series, sc.k) {
			continue
		}
		cp.cats = ref(ts.name, 1, ts.first, 1, ts.last)
		for _, j := range cols {
			cp.names = append(cp.names, ref(ts.name, j+1, headerRow, j+1, headerRow))
			cp.values = append(cp.values, ref(ts.name, j+1, ts.first, j+1, ts.last))
		}
		cp.numFmt = sc.fmt
		if t.Columns[cols[0]].Kind == report.Percent {
			cp.numFmt = "0%"
		}
		return true
	}
	return false
}

// findColumn returns the index of the column titled name (exactly, else
// ignoring case and marks), or -1.
func findColumn(cols []report.Column, name string) int {
	for i, c := range cols {
		if c.Title == name {
			return i
		}
	}
	key := vi.Fold(name)
	for i, c := range cols {
		if vi.Fold(c.Title) == key {
			return i
		}
	}
	return -1
}

// matches reports whether the cells of columns cols are the series'
// values times k: exactly for k = 1, to a twentieth of the unit above.
func matches(t *report.Table, cols []int, series []report.Series, k float64) bool {
	tol := 1e-9
	if k > 1 {
		tol = 0.051 * k
	}
	for i, j := range cols {
		kind := t.Columns[j].Kind
		for r, row := range t.Rows {
			v := 0.0
			if r < len(series[i].Values) {
				v = series[i].Values[r]
			}
			cell := report.Cell{Empty: true}
			if j < len(row) {
				cell = row[j]
			}
			x, ok := number(kind, cell)
			if !ok {
				if v != 0 {
					return false
				}
				continue
			}
			if math.Abs(x-v*k) > tol {
				return false
			}
		}
	}
	return true
}

// dataAt places the chart's own data block at row of its sheet, column A:
// a title line, a header with the series names, one row per category.
func (cp *chartPlan) dataAt(row int) {
	c := cp.c
	n := len(c.Categories)
	cp.dataRow = row
	cp.cats = ref(cp.sheet, 1, row+2, 1, row+1+n)
	integral := true
	for i, s := range c.Series {
		cp.names = append(cp.names, ref(cp.sheet, i+2, row+1, i+2, row+1))
		cp.values = append(cp.values, ref(cp.sheet, i+2, row+2, i+2, row+1+n))
		for _, v := range s.Values {
			integral = integral && v == math.Trunc(v)
		}
	}
	if integral {
		cp.numFmt = "#,##0"
	}
}

// dataRows is the number of rows of a chart's data block.
func (cp *chartPlan) dataRows() int { return len(cp.c.Categories) + 2 }

// writeChartData writes the chart's own data block, if it has one.
func (r *renderer) writeChartData(sink rowSink, cp *chartPlan) error {
	if cp.dataRow == 0 {
		return nil
	}
	c := cp.c
	if err := sink.row(cp.dataRow, []any{c.Title}, []int{r.st.caption}, 0); err != nil {
		return err
	}
	head := []any{c.Unit}
	hs := []int{r.st.header}
	for _, s := range c.Series {
		head = append(head, s.Name)
		hs = append(hs, r.st.header)
	}
	if err := sink.row(cp.dataRow+1, head, hs, 0); err != nil {
		return err
	}
	valStyle := r.st.cell[0][kindValue]
	if cp.numFmt != "" {
		valStyle = r.st.cell[0][kindNumber]
	}
	for i, cat := range c.Categories {
		vals := []any{cat}
		sts := []int{r.st.cell[0][kindText]}
		for _, s := range c.Series {
			v := 0.0
			if i < len(s.Values) {
				v = s.Values[i]
			}
			vals = append(vals, v)
			sts = append(sts, valStyle)
		}
		if err := sink.row(cp.dataRow+2+i, vals, sts, 0); err != nil {
			return err
		}
	}
	return nil
}

// chartTypes maps the report's chart kinds to Excel's.
var chartTypes = map[report.ChartKind]excelize.ChartType{
	report.Bar: excelize.Col, report.StackedBar: excelize.ColStacked, report.Pie: excelize.Pie, report.Line: excelize.Line,
}

// addChart draws cp as a native Excel chart at its anchor: the title, the
// unit on the value axis, a legend under the plot (beside a pie).
func (r *renderer) addChart(cp *chartPlan) error {
	c := cp.c
	typ, ok := chartTypes[c.Kind]
	if !ok {
		typ = excelize.Col
	}
	ch := &excelize.Chart{
		Type:      typ,
		Dimension: excelize.ChartDimension{Width: chartWidth, Height: chartHeight},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: c.Title, Font: &excelize.Font{Bold: true, Size: 12}}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		Format:    excelize.GraphicOptions{ScaleX: 1, ScaleY: 1, OffsetX: 10, OffsetY: 5},
	}
	for i := range cp.names {
		if c.Kind == report.Pie && i > 0 {
			break // a pie draws one series
		}
		ch.Series = append(ch.Series, excelize.ChartSeries{Name: cp.names[i], Categories: cp.cats, Values: cp.values[i]})
	}
	if c.Kind != report.Pie {
		vary := false
		ch.VaryColors = &vary
	}
	if c.Kind == report.Pie {
		ch.Legend.Position = "right"
		ch.PlotArea = excelize.ChartPlotArea{ShowPercent: true}
	} else {
		ch.YAxis = excelize.ChartAxis{MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: cp.numFmt, SourceLinked: cp.numFmt == ""}}
		if c.Unit != "" {
			ch.YAxis.Title = excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: c.Unit}}}
		}
	}
	return r.f.AddChart(cp.sheet, cp.anchor, ch)
}

// writeChartSheet writes a chart that has no table on a sheet of its
// own: its data block, and the chart beside it.
func (r *renderer) writeChartSheet(cp *chartPlan) error {
	f := r.f
	if _, err := f.NewSheet(cp.sheet); err != nil {
		return err
	}
	if err := r.pageSetup(cp.sheet, true); err != nil {
		return err
	}
	w := textWidth(cp.c.Unit)
	for _, c := range cp.c.Categories {
		w = max(w, textWidth(c))
	}
	if err := f.SetColWidth(cp.sheet, "A", "A", min(max(w+2, 12), maxColWidth)); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(cp.c.Series) + 1)
	if err := f.SetColWidth(cp.sheet, "B", last, 14); err != nil {
		return err
	}
	if err := r.writeChartData(cellSink{f, cp.sheet}, cp); err != nil {
		return err
	}
	return r.addChart(cp)
}
