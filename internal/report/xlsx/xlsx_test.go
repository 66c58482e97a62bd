package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"khuyencong/internal/locale"
	"khuyencong/internal/locale/localetest"
	"khuyencong/internal/report"
	"khuyencong/internal/report/reporttest"
)

// render renders d and returns the bytes.
func render(t *testing.T, d report.Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, d); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes()
}

// open reopens a rendered workbook.
func open(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// parts returns the files of the zip package by name.
func parts(t *testing.T, b []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[zf.Name] = string(data)
	}
	return out
}

// raw returns the raw value of a cell.
func raw(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, cell, err)
	}
	return v
}

// isNumber reports whether a cell holds a number (not text).
func isNumber(t *testing.T, f *excelize.File, sheet, cell string) bool {
	t.Helper()
	typ, err := f.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	return typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset && raw(t, f, sheet, cell) != ""
}

// style returns the style of a cell.
func style(t *testing.T, f *excelize.File, sheet, cell string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// grouped reports whether a style shows whole numbers grouped ("#,##0").
func grouped(st *excelize.Style) bool {
	return st.NumFmt == 3 || st.CustomNumFmt != nil && *st.CustomNumFmt == "#,##0"
}

// find returns the cells of sheet whose value is exactly text.
func find(t *testing.T, f *excelize.File, sheet, text string) []string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for r, row := range rows {
		for c, v := range row {
			if v == text {
				out = append(out, cellName(c+1, r+1))
			}
		}
	}
	return out
}

// charts returns the chart parts of a package in order.
func charts(p map[string]string) []string {
	var names []string
	for name := range p {
		if strings.HasPrefix(name, "xl/charts/chart") {
			names = append(names, name)
		}
	}
	slices.SortFunc(names, func(a, b string) int {
		na, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(a, "xl/charts/chart"), ".xml"))
		nb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(b, "xl/charts/chart"), ".xml"))
		return na - nb
	})
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = p[n]
	}
	return out
}

// formulas returns the references of a chart part (c:f elements).
func formulas(chart string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<f>([^<]*)</f>`).FindAllStringSubmatch(chart, -1) {
		out = append(out, strings.ReplaceAll(m[1], "&#39;", "'"))
	}
	return out
}

// autoFilter returns the range of a sheet part's autofilter without "$".
func autoFilter(sheet string) string {
	m := regexp.MustCompile(`<autoFilter ref="([^"]*)"`).FindStringSubmatch(sheet)
	if m == nil {
		return ""
	}
	return strings.ReplaceAll(m[1], "$", "")
}

// chartTitled returns the chart part whose title is title.
func chartTitled(t *testing.T, cs []string, title string) string {
	t.Helper()
	for _, c := range cs {
		if strings.Contains(c, "<a:t>"+title+"</a:t>") {
			return c
		}
	}
	t.Fatalf("no chart titled %q", title)
	return ""
}

func TestRenderSample(t *testing.T) {
	d := reporttest.Sample()
	b := render(t, d)
	f := open(t, b)

	if got, want := f.GetSheetList(), []string{"Báo cáo", "Kinh phí theo năm", "Đề án theo nội dung"}; !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	main := "Báo cáo"
	for _, text := range []string{d.ParentBody, d.IssuingBody, d.Type, d.Summary, d.PlaceDate(), locale.T("vi", "doc.number", d.Number),
		locale.T("vi", "doc.national_title"), locale.T("vi", "doc.draft"), d.Bases[0], "I. KẾT QUẢ THỰC HIỆN", d.Blocks[1].Text,
		"- " + d.Blocks[11].Text, d.Blocks[8].Text, "- Lưu: VT, KC.", "KT. GIÁM ĐỐC", d.Footnote} {
		if len(find(t, f, main, text)) == 0 {
			t.Errorf("first sheet lacks %q", text)
		}
	}
	// Reading order: the heading before its paragraph, the table link
	// where the table stands, the closing after the body.
	order := []string{"I. KẾT QUẢ THỰC HIỆN", d.Blocks[1].Text, "1. Kinh phí", locale.T("vi", "xlsx.see_sheet", "Kinh phí theo năm"),
		"2. Đề án theo nội dung", "II. TỒN TẠI, HẠN CHẾ", "III. KIẾN NGHỊ", locale.T("vi", "doc.recipients")}
	last := 0
	for _, text := range order {
		cells := find(t, f, main, text)
		if len(cells) == 0 {
			t.Errorf("first sheet lacks %q", text)
			continue
		}
		_, row, _ := excelize.CellNameToCoordinates(cells[0])
		if row <= last {
			t.Errorf("%q at row %d, not after row %d", text, row, last)
		}
		last = row
	}
	// The table line links to its sheet, the chart line to the chart.
	link := find(t, f, main, "→ Xem trang tính «Kinh phí theo năm»")
	if len(link) != 1 {
		t.Fatalf("table link cells %v", link)
	}
	if ok, target, err := f.GetCellHyperLink(main, link[0]); err != nil || !ok || target != "'Kinh phí theo năm'!A1" {
		t.Errorf("table link: %v %q %v", ok, target, err)
	}
	chartLink := find(t, f, main, locale.T("vi", "xlsx.see_chart", "Đề án theo nội dung", "Đề án theo nội dung"))
	if len(chartLink) != 1 {
		t.Fatalf("chart link cells %v", chartLink)
	}
	if ok, target, _ := f.GetCellHyperLink(main, chartLink[0]); !ok || !strings.HasPrefix(target, "'Đề án theo nội dung'!") {
		t.Errorf("chart link: %v %q", ok, target)
	}

	// The money table: caption, header, numbers as numbers, totals.
	money := "Kinh phí theo năm"
	if v := raw(t, f, money, "A1"); v != d.Blocks[3].Table.Caption {
		t.Errorf("caption %q", v)
	}
	if !style(t, f, money, "A1").Font.Bold {
		t.Error("caption not bold")
	}
	for i, c := range d.Blocks[3].Table.Columns {
		cell := cellName(i+1, 2)
		if v := raw(t, f, money, cell); v != c.Title {
			t.Errorf("header %s = %q, want %q", cell, v, c.Title)
		}
		st := style(t, f, money, cell)
		if !st.Font.Bold || st.Fill.Pattern != 1 || len(st.Fill.Color) == 0 || len(st.Border) != 4 {
			t.Errorf("header %s style %+v", cell, st)
		}
	}
	for i, row := range d.Blocks[3].Table.Rows {
		for j, c := range row[1:] {
			cell := cellName(j+2, 3+i)
			if c.Empty {
				if v := raw(t, f, money, cell); v != "–" {
					t.Errorf("empty %s = %q", cell, v)
				}
				continue
			}
			if v := raw(t, f, money, cell); v != strconv.FormatInt(c.N, 10) || !isNumber(t, f, money, cell) {
				t.Errorf("%s = %q (number %v), want %d", cell, v, isNumber(t, f, money, cell), c.N)
			}
			if st := style(t, f, money, cell); !grouped(st) || st.Font != nil && st.Font.Bold {
				t.Errorf("%s format %d %v", cell, st.NumFmt, st.CustomNumFmt)
			}
		}
	}
	if v := raw(t, f, money, "A3"); v != "2015" {
		t.Errorf("A3 = %q", v)
	}
	if v := raw(t, f, money, "A6"); v != "Tổng cộng" {
		t.Errorf("total label %q", v)
	}
	for j, c := range d.Blocks[3].Table.Total[1:] {
		cell := cellName(j+2, 6)
		if v := raw(t, f, money, cell); v != strconv.FormatInt(c.N, 10) || !isNumber(t, f, money, cell) {
			t.Errorf("total %s = %q, want %d", cell, v, c.N)
		}
		if st := style(t, f, money, cell); !st.Font.Bold || !grouped(st) {
			t.Errorf("total %s not bold grouped", cell)
		}
	}
	if v := raw(t, f, money, "A7"); v != d.Blocks[3].Table.Note {
		t.Errorf("note %q", v)
	}
	if mc, err := f.GetMergeCells(money); err != nil || len(mc) != 1 || mc[0].GetStartAxis() != "A7" || mc[0].GetEndAxis() != "E7" {
		t.Errorf("note not merged over the table: %v %v", mc, err)
	}
	if p, err := f.GetPanes(money); err != nil || !p.Freeze || p.YSplit != 2 || p.TopLeftCell != "A3" {
		t.Errorf("panes %+v %v", p, err)
	}
	if w, _ := f.GetColWidth(money, "B"); w < 12 {
		t.Errorf("money column width %v", w)
	}

	// The percent table: fractions formatted as percentages.
	areas := "Đề án theo nội dung"
	if v := raw(t, f, areas, "C3"); v != "0.35" || !isNumber(t, f, areas, "C3") {
		t.Errorf("percent C3 = %q", v)
	}
	if st := style(t, f, areas, "C3"); st.CustomNumFmt == nil || *st.CustomNumFmt != "0.0%" {
		t.Errorf("percent format %d %v", st.NumFmt, st.CustomNumFmt)
	}
	if v := raw(t, f, areas, "B4"); v != "11" || !isNumber(t, f, areas, "B4") || !grouped(style(t, f, areas, "B4")) {
		t.Errorf("count B4 = %q", v)
	}
	if v := raw(t, f, areas, "C6"); v != "1" {
		t.Errorf("percent total C6 = %q", v)
	}

	p := parts(t, b)
	// Autofilter on the header over the data rows, not the totals.
	if got := autoFilter(p["xl/worksheets/sheet2.xml"]); got != "A2:E5" {
		t.Errorf("money sheet autofilter %q", got)
	}
	if got := autoFilter(p["xl/worksheets/sheet3.xml"]); got != "A2:C5" {
		t.Errorf("areas sheet autofilter %q", got)
	}
	// Native charts on the table sheets, reading the table cells.
	cs := charts(p)
	if len(cs) != 2 {
		t.Fatalf("%d charts, want 2", len(cs))
	}
	if !strings.Contains(cs[0], "<barChart>") || !strings.Contains(cs[0], `<grouping val="stacked">`) || !strings.Contains(cs[0], "Kinh phí theo năm (triệu đồng)") {
		t.Errorf("chart 1 is not the stacked bar chart")
	}
	wantRefs := []string{"'Kinh phí theo năm'!$B$2", "'Kinh phí theo năm'!$A$3:$A$5", "'Kinh phí theo năm'!$B$3:$B$5",
		"'Kinh phí theo năm'!$C$2", "'Kinh phí theo năm'!$A$3:$A$5", "'Kinh phí theo năm'!$C$3:$C$5",
		"'Kinh phí theo năm'!$D$2", "'Kinh phí theo năm'!$A$3:$A$5", "'Kinh phí theo năm'!$D$3:$D$5",
		"'Kinh phí theo năm'!$E$2", "'Kinh phí theo năm'!$A$3:$A$5", "'Kinh phí theo năm'!$E$3:$E$5"}
	if got := formulas(cs[0]); !slices.Equal(got, wantRefs) {
		t.Errorf("chart 1 refs %q,\nwant %q", got, wantRefs)
	}
	// The values are đồng, drawn in millions as the unit says.
	if !strings.Contains(cs[0], `formatCode="#,##0,,"`) || !strings.Contains(cs[0], "<a:t>triệu đồng</a:t>") {
		t.Errorf("chart 1 axis does not show millions of đồng")
	}
	if !strings.Contains(cs[1], "<pieChart>") {
		t.Errorf("chart 2 is not a pie")
	}
	if got, want := formulas(cs[1]), []string{"'Đề án theo nội dung'!$B$2", "'Đề án theo nội dung'!$A$3:$A$5", "'Đề án theo nội dung'!$B$3:$B$5"}; !slices.Equal(got, want) {
		t.Errorf("chart 2 refs %q", got)
	}
	// Each chart is drawn on its table's sheet.
	for sheet, chart := range map[string]string{"sheet2": "chart1", "sheet3": "chart2"} {
		if !strings.Contains(p["xl/worksheets/"+sheet+".xml"], "<drawing ") {
			t.Errorf("%s has no drawing", sheet)
		}
		rels := p["xl/worksheets/_rels/"+sheet+".xml.rels"]
		m := regexp.MustCompile(`drawings/(drawing\d+\.xml)`).FindStringSubmatch(rels)
		if m == nil || !strings.Contains(p["xl/drawings/_rels/"+m[1]+".rels"], chart+".xml") {
			t.Errorf("%s does not draw %s", sheet, chart)
		}
	}
	props, err := f.GetDocProps()
	if err != nil || props.Title != d.Summary {
		t.Errorf("title %q %v", props.Title, err)
	}
}

func TestRenderMinutesSignersSideBySide(t *testing.T) {
	d := reporttest.Minutes()
	f := open(t, render(t, d))
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "Biên bản" {
		t.Fatalf("sheets %q", got)
	}
	a := find(t, f, "Biên bản", "Hồ Thị B")
	b := find(t, f, "Biên bản", "Nguyễn Văn A")
	if len(a) != 1 || len(b) != 1 || a[0][0] != 'A' || b[0][0] != 'B' || a[0][1:] != b[0][1:] {
		t.Errorf("signers at %v and %v, want side by side", a, b)
	}
	if len(find(t, f, "Biên bản", "ĐẠI DIỆN CƠ SỞ")) != 1 || len(find(t, f, "Biên bản", locale.T("vi", "doc.recipients"))) != 0 {
		t.Error("minutes closing")
	}
}

// TestRenderChartData checks the charts that cannot read a table: a
// series without a column writes its data beside the table, a chart
// without a table gets a sheet of its own, and the kinds map to Excel's.
func TestRenderChartData(t *testing.T) {
	tbl := &report.Table{Sheet: "Lao động", Caption: "Lao động theo năm",
		Columns: []report.Column{{Title: "Năm"}, {Title: "Lao động", Kind: report.Count}},
		Rows:    [][]report.Cell{{{Text: "2024"}, {N: 120}}, {{Text: "2025"}, {N: 150}}}}
	d := report.Document{Type: "BÁO CÁO", Summary: "Thử biểu đồ", Date: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Blocks: []report.Block{
		{Kind: report.TableBlock, Table: tbl},
		{Kind: report.ChartBlock, Chart: &report.Chart{Title: "Lao động", Kind: report.Bar, Table: "Lao động", Unit: "người",
			Categories: []string{"2024", "2025"}, Series: []report.Series{{Name: "Lao động", Values: []float64{120, 150}}}}},
		{Kind: report.ChartBlock, Chart: &report.Chart{Title: "Lao động nữ", Kind: report.Line, Table: "Lao động", Unit: "người",
			Categories: []string{"2024", "2025"}, Series: []report.Series{{Name: "Nữ", Values: []float64{70, 95.5}}}}},
		{Kind: report.ChartBlock, Chart: &report.Chart{Title: "Cơ sở theo loại hình", Kind: report.Pie, Unit: "cơ sở",
			Categories: []string{"Hộ kinh doanh", "Hợp tác xã"}, Series: []report.Series{{Name: "Số cơ sở", Values: []float64{40, 3}}}}},
		{Kind: report.ChartBlock, Chart: &report.Chart{Title: "Không có số liệu", Kind: report.Bar}},
		// Values that are not the table's: drawn from their own block.
		{Kind: report.ChartBlock, Chart: &report.Chart{Title: "Sai số", Kind: report.StackedBar, Table: "Lao động",
			Categories: []string{"2024", "2025"}, Series: []report.Series{{Name: "Lao động", Values: []float64{1, 2}}}}},
	}}
	b := render(t, d)
	f := open(t, b)
	if got, want := f.GetSheetList(), []string{"Báo cáo", "Lao động", "Cơ sở theo loại hình"}; !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	if len(find(t, f, "Báo cáo", locale.T("vi", "xlsx.chart_empty", "Không có số liệu"))) != 1 {
		t.Error("empty chart not named on the first sheet")
	}
	cs := charts(parts(t, b))
	if len(cs) != 4 {
		t.Fatalf("%d charts, want 4", len(cs))
	}
	cs = []string{chartTitled(t, cs, "Lao động"), chartTitled(t, cs, "Lao động nữ"), chartTitled(t, cs, "Cơ sở theo loại hình"), chartTitled(t, cs, "Sai số")}
	// 1: clustered columns over the table cells.
	if !strings.Contains(cs[0], "<barChart>") || !strings.Contains(cs[0], `<grouping val="clustered">`) {
		t.Error("chart 1 is not clustered columns")
	}
	if got := formulas(cs[0]); !slices.Equal(got, []string{"'Lao động'!$B$2", "'Lao động'!$A$3:$A$4", "'Lao động'!$B$3:$B$4"}) {
		t.Errorf("chart 1 refs %q", got)
	}
	// 2: "Nữ" has no column: its data is written under the table.
	if !strings.Contains(cs[1], "<lineChart>") {
		t.Error("chart 2 is not a line chart")
	}
	refs := formulas(cs[1])
	if len(refs) != 3 {
		t.Fatalf("chart 2 refs %q", refs)
	}
	rng := regexp.MustCompile(`^'Lao động'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$`)
	m := rng.FindStringSubmatch(refs[2])
	if m == nil {
		t.Fatalf("chart 2 values %q", refs[2])
	}
	first, _ := strconv.Atoi(m[2])
	if first <= 4 {
		t.Errorf("chart 2 data at row %d overwrites the table", first)
	}
	for i, want := range []string{"70", "95.5"} {
		cell := fmt.Sprintf("%s%d", m[1], first+i)
		if v := raw(t, f, "Lao động", cell); v != want || !isNumber(t, f, "Lao động", cell) {
			t.Errorf("chart 2 value %s = %q, want %s", cell, v, want)
		}
	}
	if name := strings.TrimPrefix(refs[0], "'Lao động'!"); raw(t, f, "Lao động", strings.ReplaceAll(name, "$", "")) != "Nữ" {
		t.Errorf("chart 2 series name at %s", refs[0])
	}
	// 3: a pie on a sheet of its own.
	if !strings.Contains(cs[2], "<pieChart>") {
		t.Error("chart 3 is not a pie")
	}
	for _, r := range formulas(cs[2]) {
		if !strings.HasPrefix(r, "'Cơ sở theo loại hình'!") {
			t.Errorf("chart 3 ref %q", r)
		}
	}
	if v := raw(t, f, "Cơ sở theo loại hình", "B3"); v != "40" {
		t.Errorf("chart 3 data B3 = %q", v)
	}
	// 4: values that differ from the table cells are not drawn from them.
	refs = formulas(cs[3])
	if len(refs) != 3 || !strings.HasPrefix(refs[2], "'Lao động'!") || strings.Contains(refs[2], "$B$3:$B$4") || refs[2] == formulas(cs[1])[2] {
		t.Errorf("chart 4 refs %q", refs)
	}
}

func TestSheetNames(t *testing.T) {
	long := "Kinh phí khuyến công theo năm, nguồn và nội dung"
	mk := func(name string) report.Block {
		return report.Block{Kind: report.TableBlock, Table: &report.Table{Sheet: name, Caption: name,
			Columns: []report.Column{{Title: "A"}}, Rows: [][]report.Cell{{{Text: "x"}}}}}
	}
	d := report.Document{Type: "KẾ HOẠCH", Blocks: []report.Block{mk("Kế hoạch"), mk("Nguồn [1]: A/B*C?"), mk(long), mk(long), mk(""), mk("'Trích'")}}
	f := open(t, render(t, d))
	got := f.GetSheetList()
	want := []string{"Kế hoạch", "Kế hoạch (2)", "Nguồn 1 A B C", truncate(long, 31), strings.TrimSpace(truncate(long, 27)) + " (2)", "Bảng 5", "Trích"}
	if !slices.Equal(got, want) {
		t.Errorf("sheets %q,\nwant %q", got, want)
	}
	for _, n := range got {
		if len([]rune(n)) > 31 || strings.ContainsAny(n, `[]:*?/\`) {
			t.Errorf("invalid sheet name %q", n)
		}
	}
}

// TestRenderLargeTable renders a national breakdown of 20,000 rows: it
// goes through the stream writer and keeps numbers, totals, frozen
// header, autofilter and its chart.
func TestRenderLargeTable(t *testing.T) {
	const n = 20_000
	tbl := &report.Table{Sheet: "Theo xã", Caption: "Kinh phí theo xã",
		Columns: []report.Column{{Title: "Xã", Width: 3}, {Title: "Kinh phí", Kind: report.Money}, {Title: "Đề án", Kind: report.Count}, {Title: "Tỷ lệ", Kind: report.Percent}}}
	var sum, count int64
	cats := make([]string, n)
	vals := make([]float64, n)
	for i := range n {
		money := int64(i+1) * 1_000_000
		tbl.Rows = append(tbl.Rows, []report.Cell{{Text: fmt.Sprintf("Xã số %05d", i+1)}, {N: money}, {N: int64(i % 7)}, {N: int64(i % 10000)}})
		sum += money
		count += int64(i % 7)
		cats[i] = tbl.Rows[i][0].Text
		vals[i] = float64(i + 1)
	}
	tbl.Total = []report.Cell{{Text: "Tổng cộng"}, {N: sum}, {N: count}, {Empty: true}}
	tbl.Note = "Đơn vị: đồng."
	d := report.Document{Type: "BÁO CÁO", Summary: "Cả nước", Blocks: []report.Block{{Kind: report.TableBlock, Table: tbl},
		{Kind: report.ChartBlock, Chart: &report.Chart{Title: "Kinh phí theo xã", Kind: report.Bar, Table: "Theo xã", Unit: "triệu đồng",
			Categories: cats, Series: []report.Series{{Name: "Kinh phí", Values: vals}}}}}}
	start := time.Now()
	b := render(t, d)
	elapsed := time.Since(start)
	t.Logf("%d rows rendered in %v, %d bytes", n, elapsed, len(b))
	if elapsed > 60*time.Second {
		t.Errorf("rendering %d rows took %v", n, elapsed)
	}
	f := open(t, b)
	sh := "Theo xã"
	if v := raw(t, f, sh, "B3"); v != "1000000" || !isNumber(t, f, sh, "B3") || !grouped(style(t, f, sh, "B3")) {
		t.Errorf("B3 = %q", v)
	}
	last := strconv.Itoa(n + 2)
	if v := raw(t, f, sh, "A"+last); v != fmt.Sprintf("Xã số %05d", n) {
		t.Errorf("last row A%s = %q", last, v)
	}
	if v := raw(t, f, sh, "D"+last); v != strconv.FormatFloat(float64((n-1)%10000)/10000, 'f', -1, 64) {
		t.Errorf("last percent %q", v)
	}
	total := strconv.Itoa(n + 3)
	if v := raw(t, f, sh, "B"+total); v != strconv.FormatInt(sum, 10) || !style(t, f, sh, "B"+total).Font.Bold {
		t.Errorf("total B%s = %q, want %d", total, v, sum)
	}
	if v := raw(t, f, sh, "C"+total); v != strconv.FormatInt(count, 10) {
		t.Errorf("total C%s = %q, want %d", total, v, count)
	}
	if p, err := f.GetPanes(sh); err != nil || !p.Freeze || p.YSplit != 2 {
		t.Errorf("panes %+v %v", p, err)
	}
	p := parts(t, b)
	if got := autoFilter(p["xl/worksheets/sheet2.xml"]); got != "A2:D"+last {
		t.Errorf("streamed sheet autofilter %q", got)
	}
	if !strings.Contains(p["xl/worksheets/sheet2.xml"], "<drawing ") {
		t.Error("the streamed sheet does not draw its chart")
	}
	cs := charts(p)
	if len(cs) != 1 || !slices.Contains(formulas(cs[0]), "'Theo xã'!$B$3:$B$"+last) {
		t.Errorf("chart over the streamed table: %d charts", len(cs))
	}
}

// TestMessages checks that every "xlsx." key the renderer uses has a
// Vietnamese and an English message.
func TestMessages(t *testing.T) {
	used := localetest.Used(t, "*.go", regexp.MustCompile(`"(xlsx\.[a-z_]+)"`), "")
	if len(used) < 5 {
		t.Fatalf("found only %d keys", len(used))
	}
	localetest.Check(t, "records.json", used, "xlsx.")
}

// TestRenderEdgeCases renders what a generator may produce on empty data:
// no blocks, a table without rows (and its chart), a table without
// columns, rows longer than the columns.
func TestRenderEdgeCases(t *testing.T) {
	if b := render(t, report.Document{}); len(b) == 0 {
		t.Fatal("empty document gives no workbook")
	}
	empty := &report.Table{Sheet: "Trống", Caption: "Không có số liệu", Columns: []report.Column{{Title: "Xã"}, {Title: "Số cơ sở", Kind: report.Count}},
		Total: []report.Cell{{Text: "Tổng cộng"}, {N: 0}}}
	d := report.Document{Type: "BÁO CÁO", Blocks: []report.Block{
		{Kind: report.TableBlock, Table: empty},
		{Kind: report.ChartBlock, Chart: &report.Chart{Title: "Cơ sở", Table: "Trống", Categories: []string{"A"}, Series: []report.Series{{Name: "Số cơ sở", Values: []float64{0}}}}},
		{Kind: report.TableBlock, Table: &report.Table{Sheet: "Không cột", Rows: [][]report.Cell{{{Text: "x"}}}}},
		{Kind: report.TableBlock, Table: &report.Table{Sheet: "Dài", Columns: []report.Column{{Title: "A"}}, Rows: [][]report.Cell{{{Text: "x"}, {N: 5}}}}},
	}}
	b := render(t, d)
	f := open(t, b)
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Báo cáo", "Trống", "Không cột", "Dài"}) {
		t.Errorf("sheets %q", got)
	}
	if v := raw(t, f, "Trống", "B3"); v != "0" {
		t.Errorf("total of the empty table %q", v)
	}
	if v := raw(t, f, "Dài", "B3"); v != "" {
		t.Errorf("cell beyond the columns written: %q", v)
	}
	if cs := charts(parts(t, b)); len(cs) != 1 || !strings.Contains(formulas(cs[0])[2], "'Trống'!") {
		t.Errorf("chart of the empty table: %d", len(cs))
	}
}

// TestMillionColumns keeps a document's "triệu đồng" column exact in đồng
// in the cell and shows it in millions through the number format.
func TestMillionColumns(t *testing.T) {
	tb := &report.Table{Sheet: "Kinh phí", Caption: "Kinh phí (triệu đồng)",
		Columns: []report.Column{{Title: "Năm"}, {Title: "Tỉnh", Kind: report.Million}},
		Rows:    [][]report.Cell{{{Text: "2020"}, {N: 1_167_000_000}}}, Total: []report.Cell{{Text: "Tổng cộng"}, {N: 1_167_000_000}}}
	f := open(t, render(t, report.Document{Blocks: []report.Block{{Kind: report.TableBlock, Table: tb}}}))
	for _, cell := range []string{"B3", "B4"} {
		raw, err := f.GetCellValue("Kinh phí", cell, excelize.Options{RawCellValue: true})
		if err != nil || raw != "1167000000" {
			t.Errorf("%s raw = %q (%v), want the exact amount in đồng", cell, raw, err)
		}
		id, err := f.GetCellStyle("Kinh phí", cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != fmtMillions {
			t.Errorf("%s number format = %+v (%v), want %q", cell, st.CustomNumFmt, err, fmtMillions)
		}
	}
}
