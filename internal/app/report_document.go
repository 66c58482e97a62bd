package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/report"
	"khuyencong/internal/vi"
)

// programmes are the national khuyến công programme periods (domain
// reference §2.1), cited in the opening of a report that covers them.
var programmes = []struct {
	from, to int
	key      string
}{
	{2015, 2020, "reportdoc.programme_1288"},
	{2021, 2025, "reportdoc.programme_1881"},
	{2026, 2030, "reportdoc.programme_2646"},
}

// ReportDocument composes the administrative document (Decree 30/2020
// layout) of a period or annual report from its dataset: the opening, the
// unit and the records counted, the results with every table and chart,
// the indicator catalogue with each definition beside its value, the
// shortcomings the data shows (tồn tại, hạn chế) and the recommendations
// that answer them. An empty dataset gives an honest short report saying
// so, not an error.
func (a *App) ReportDocument(ctx context.Context, ds *report.Dataset, annual bool) (report.Document, error) {
	d, issuer, err := a.reportHeader(ctx, ds)
	if err != nil {
		return d, err
	}
	unit := unitInText(ds)
	period := tv("reportdoc.period", ds.From, ds.To)
	if annual || ds.From == ds.To {
		period = tv("reportdoc.year", ds.From)
	}
	d.Type = tv("reportdoc.type")
	d.Summary = tv("reportdoc.summary", period, unit)
	d.Name = docFileName("bao-cao-khuyen-cong", ds.UnitName, periodSlug(ds))

	var b docBuilder
	b.para(tv("reportdoc.opening", programmeBasis(ds), issuer, period, unit))
	b.heading(1, tv("reportdoc.h_context"))
	b.para(contextParagraph(ds, unit, period))
	for _, c := range ds.Caveats {
		b.note(c)
	}

	b.heading(1, tv("reportdoc.h_results", strings.ToUpper(period)))
	if ds.Empty {
		b.para(tv("reportdoc.empty", period, unit))
	} else {
		b.para(fundsParagraph(ds))
		b.para(projectsParagraph(ds))
		for i := range ds.Tables {
			tb := documentTable(ds.Tables[i], i+1)
			b.table(tb)
			for j := range ds.Charts {
				if ds.Charts[j].Table == tb.Sheet {
					b.chart(&ds.Charts[j])
				}
			}
		}
		b.heading(2, tv("reportdoc.h_indicators"))
		b.table(indicatorTable(ds))
	}

	b.heading(1, tv("reportdoc.h_findings"))
	if len(ds.Findings) == 0 {
		b.para(tv("reportdoc.no_findings"))
	}
	for i, f := range ds.Findings {
		b.para(fmt.Sprintf("%d. %s", i+1, f.Text))
		for _, it := range f.Items {
			b.bullet(it)
		}
	}
	b.heading(1, tv("reportdoc.h_proposals"))
	seen := map[string]bool{}
	for _, f := range ds.Findings {
		key := "reportdoc.advice." + f.Code
		if seen[f.Code] || !locale.Has(key) {
			continue
		}
		seen[f.Code] = true
		b.bullet(tv(key))
	}
	b.bullet(tv("reportdoc.advice.general"))
	d.Blocks = b.blocks
	d.Footnote = tv("reportdoc.footnote", vi.FormatDateTime(a.Now()))
	return d, nil
}

// tv returns the Vietnamese text of a catalog message: official documents
// are written in Vietnamese whatever the interface language.
func tv(key string, args ...any) string { return locale.T("vi", key, args...) }

// reportHeader returns the header of a report on ds's unit and how the
// issuer names itself in a sentence: the commune's People's Committee for
// a current commune, the provincial Department of Industry and Trade for a
// province or a former unit, the national khuyến công agency for the whole
// country.
func (a *App) reportHeader(ctx context.Context, ds *report.Dataset) (report.Document, string, error) {
	if ds.UnitID == 0 {
		d := report.Document{Date: a.today().Time(), ParentBody: tv("doc.ministry"), IssuingBody: tv("doc.agency"),
			Number: "     /" + DocReport + "-ĐMST", Place: tv("doc.capital"),
			Signers:    []report.Signer{{Authority: tv("doc.agency_authority"), Title: tv("doc.agency_signer")}},
			Addressees: []string{tv("reportdoc.to_ministry")},
			Recipients: []string{tv("reportdoc.rcpt_above"), tv("reportdoc.rcpt_file", "VP")}}
		return d, tv("reportdoc.we_agency"), nil
	}
	u, err := a.Store.GetUnit(ctx, ds.UnitID)
	if err != nil {
		return report.Document{}, "", err
	}
	d, err := a.docHeader(ctx, u, DocReport)
	if err != nil {
		return d, "", err
	}
	p, err := a.provinceToday(ctx, u)
	if err != nil {
		return d, "", err
	}
	if u.Current() && u.Level == kc.LevelCommune {
		d.Addressees = []string{tv("reportdoc.to_province", bareName(p)), tv("reportdoc.to_department", bareName(p))}
		d.Recipients = []string{tv("reportdoc.rcpt_above"), tv("reportdoc.rcpt_file", "KT")}
		return d, tv("reportdoc.we_commune", lowerFirst(u.Type)+" "+bareName(u)), nil
	}
	d.Addressees = []string{tv("reportdoc.to_province", bareName(p)), tv("reportdoc.to_agency")}
	d.Recipients = []string{tv("reportdoc.rcpt_above"), tv("reportdoc.rcpt_leaders"), tv("reportdoc.rcpt_file", "KC")}
	return d, tv("reportdoc.we_department", bareName(p)), nil
}

// unitInText names the report's unit inside a sentence: "huyện Đakrông
// (cũ)", "xã Đakrông", "toàn quốc".
func unitInText(ds *report.Dataset) string {
	if ds.UnitID == 0 {
		return tv("reportdoc.country")
	}
	s := lowerFirst(ds.UnitName)
	if ds.Former {
		s += " " + tv("reportdoc.former")
	}
	return s
}

// lowerFirst lower-cases the first letter: "Huyện Đakrông" → "huyện
// Đakrông" (the unit type, not the proper name).
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// periodSlug writes the years for a file name: "2015-2020" or "2026".
func periodSlug(ds *report.Dataset) string {
	if ds.From == ds.To {
		return strconv.Itoa(ds.From)
	}
	return strconv.Itoa(ds.From) + "-" + strconv.Itoa(ds.To)
}

// docFileName joins parts into a file-name base of lower-case ASCII
// letters, digits and hyphens: "bao-cao-khuyen-cong-huyen-dakrong-2015-2020".
func docFileName(parts ...string) string {
	var b strings.Builder
	dash := false
	for _, r := range vi.Fold(strings.Join(parts, " ")) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	return b.String()
}

// programmeBasis names the national programmes whose periods the report
// overlaps, for the opening sentence.
func programmeBasis(ds *report.Dataset) string {
	var parts []string
	for _, p := range programmes {
		if ds.From <= p.to && ds.To >= p.from {
			parts = append(parts, tv(p.key))
		}
	}
	if len(parts) == 0 {
		return tv("reportdoc.programme_none")
	}
	return strings.Join(parts, "; ")
}

// indicatorValue returns the value of the indicator code in ds (0 when
// the catalogue has no such code).
func indicatorValue(ds *report.Dataset, code string) int64 {
	in, _ := ds.Indicator(code)
	return in.Value
}

// dong writes an amount for a sentence: "1.250.000.000 đồng".
func dong(n int64) string { return tv("reportdoc.dong", vi.FormatNumber(n)) }

// contextParagraph describes the unit: the units whose records were
// counted and the establishments registered today.
func contextParagraph(ds *report.Dataset, unit, period string) string {
	units := tv("reportdoc.units_all")
	if len(ds.Units) > 0 && len(ds.Units) <= 40 {
		units = strings.Join(ds.Units, ", ")
	} else if len(ds.Units) > 40 {
		units = tv("reportdoc.units_many", vi.FormatNumber(int64(len(ds.Units))))
	}
	return tv("reportdoc.context", unit, period, units, vi.FormatNumber(indicatorValue(ds, "establishments_registered")))
}

// fundsParagraph sums the money of the period in one sentence.
func fundsParagraph(ds *report.Dataset) string {
	var sources []string
	for _, src := range []string{kc.SourceNational, kc.SourceProvincial, kc.SourceDistrict, kc.SourceCommune, kc.SourceOther} {
		if v := indicatorValue(ds, "funds_"+src); v != 0 {
			sources = append(sources, tv("reportdoc.source_amount", tv("reportdoc.source."+src), dong(v)))
		}
	}
	detail := ""
	if len(sources) > 0 {
		detail = " (" + strings.Join(sources, "; ") + ")"
	}
	return tv("reportdoc.funds", dong(indicatorValue(ds, "funds_state_approved")), detail,
		dong(indicatorValue(ds, "counterpart_mobilised")), dong(indicatorValue(ds, "funds_state_disbursed")),
		dong(indicatorValue(ds, "funds_state_settled")))
}

// projectsParagraph counts the projects and their main results.
func projectsParagraph(ds *report.Dataset) string {
	v := func(code string) string { return vi.FormatNumber(indicatorValue(ds, code)) }
	return tv("reportdoc.projects", v("projects_total"), v("projects_national"), v("projects_local"),
		v("establishments_supported"), v("demo_models"), v("machines"), v("trainees"), v("trainees_employed"), v("jobs_created"))
}

// documentTable returns a copy of t laid out for an A4 page as table
// number n: the caption numbered ("Bảng 3. …"), numeric columns that are
// zero throughout left out, and money written in millions of đồng (the
// caption says so), so that wide tables keep their numbers on one line.
// The dataset itself keeps every column in đồng for the web and the API.
func documentTable(t report.Table, n int) *report.Table {
	var keep []int
	for j, c := range t.Columns {
		if c.Kind == report.Text || j == 0 || !zeroColumn(t, j) {
			keep = append(keep, j)
		}
	}
	out := t
	out.Caption = tv("reportdoc.table_caption", n, t.Caption)
	out.Columns = nil
	millions := false
	for _, j := range keep {
		c := t.Columns[j]
		if c.Kind == report.Money {
			c.Kind, millions = report.Million, true
		}
		out.Columns = append(out.Columns, c)
	}
	pick := func(cells []report.Cell) []report.Cell {
		if cells == nil {
			return nil
		}
		row := make([]report.Cell, 0, len(keep))
		for _, j := range keep {
			if j < len(cells) {
				row = append(row, cells[j])
			}
		}
		return row
	}
	out.Rows = make([][]report.Cell, len(t.Rows))
	for i, r := range t.Rows {
		out.Rows[i] = pick(r)
	}
	out.Total = pick(t.Total)
	if millions {
		out.Caption = strings.Replace(out.Caption, tv("reportdoc.unit_dong"), tv("reportdoc.unit_million"), 1)
		if !strings.Contains(out.Caption, tv("reportdoc.unit_million")) {
			out.Caption += " " + tv("reportdoc.unit_million")
		}
	}
	return &out
}

// zeroColumn reports whether column j of t holds no number but zero.
func zeroColumn(t report.Table, j int) bool {
	for _, r := range append(slices.Clone(t.Rows), t.Total) {
		if j < len(r) && !r[j].Empty && r[j].N != 0 {
			return false
		}
	}
	return true
}

// indicatorTable lists every indicator of the catalogue with its unit,
// value and definition side by side.
func indicatorTable(ds *report.Dataset) *report.Table {
	t := &report.Table{
		Sheet:   tv("reportdoc.indicators_sheet"),
		Caption: tv("reportdoc.indicators_caption"),
		Columns: []report.Column{{Title: tv("reportdoc.col_no"), Kind: report.Text}, {Title: tv("reportdoc.col_indicator"), Kind: report.Text, Width: 4},
			{Title: tv("reportdoc.col_unit"), Kind: report.Text, Width: 1}, {Title: tv("reportdoc.col_value"), Kind: report.Count, Width: 2},
			{Title: tv("reportdoc.col_definition"), Kind: report.Text, Width: 6}},
	}
	group := ""
	n := 0
	for _, in := range ds.Indicators {
		if in.Group != group {
			group = in.Group
			t.Rows = append(t.Rows, []report.Cell{{Text: ""}, {Text: group}, {}, {Empty: true}, {}})
		}
		n++
		value := report.Cell{N: in.Value}
		if in.Kind == report.Percent {
			value = report.Cell{Text: report.FormatBasisPoints(in.Value)}
		}
		t.Rows = append(t.Rows, []report.Cell{{Text: strconv.Itoa(n)}, {Text: in.Label}, {Text: in.Unit}, value, {Text: in.Definition}})
	}
	return t
}

// docBuilder appends body blocks in reading order.
type docBuilder struct{ blocks []report.Block }

func (b *docBuilder) heading(level int, text string) {
	b.blocks = append(b.blocks, report.Block{Kind: report.Heading, Level: level, Text: text})
}
func (b *docBuilder) para(text string) {
	b.blocks = append(b.blocks, report.Block{Kind: report.Paragraph, Text: text})
}
func (b *docBuilder) bullet(text string) {
	b.blocks = append(b.blocks, report.Block{Kind: report.Bullet, Text: text})
}
func (b *docBuilder) note(text string) {
	b.blocks = append(b.blocks, report.Block{Kind: report.Note, Text: text})
}
func (b *docBuilder) table(t *report.Table) {
	b.blocks = append(b.blocks, report.Block{Kind: report.TableBlock, Table: t})
}
func (b *docBuilder) chart(c *report.Chart) {
	b.blocks = append(b.blocks, report.Block{Kind: report.ChartBlock, Chart: c})
}
