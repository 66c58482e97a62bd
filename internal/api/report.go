package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/report"
)

func (x *API) reportRoutes() {
	x.handle("GET /api/v1/reports/period", x.periodReport)
	x.handle("GET /api/v1/reports/annual", x.annualReport)
	x.handle("GET /api/v1/reports/indicators", x.indicatorCatalogue)
	x.handle("GET /api/v1/plans/{id}/document", x.planDocument)
	x.handle("GET /api/v1/projects/{id}/documents/{doc}", x.projectDocument)
}

// Report is the JSON form of a period or annual report: the unit, the
// years, every indicator with its definition, the breakdown tables (cells
// as numbers or text, by column kind), the findings and caveats.
type Report struct {
	UnitCode   string            `json:"unit_code"`
	UnitName   string            `json:"unit_name"`
	UnitLevel  string            `json:"unit_level"`
	Former     bool              `json:"former"`
	From       int               `json:"from"`
	To         int               `json:"to"`
	Empty      bool              `json:"empty"`
	Units      []string          `json:"units"`
	Caveats    []string          `json:"caveats"`
	Indicators []ReportIndicator `json:"indicators"`
	Tables     []ReportTable     `json:"tables"`
	Findings   []ReportFinding   `json:"findings"`
}

// ReportIndicator is one indicator's value with its definition.
type ReportIndicator struct {
	Code       string `json:"code"`
	Group      string `json:"group"`
	Label      string `json:"label"`
	Definition string `json:"definition"`
	Unit       string `json:"unit"`
	Value      int64  `json:"value"`
}

// ReportTable is one breakdown: column titles and kinds (text, count,
// money in đồng, percent in basis points) and the rows, each cell a
// string for text columns and a number (or null for "no value") otherwise.
type ReportTable struct {
	Name    string   `json:"name"`
	Caption string   `json:"caption"`
	Columns []string `json:"columns"`
	Kinds   []string `json:"kinds"`
	Rows    [][]any  `json:"rows"`
	Total   []any    `json:"total,omitempty"`
}

// ReportFinding is one shortcoming derived from the data.
type ReportFinding struct {
	Code  string   `json:"code"`
	Text  string   `json:"text"`
	Items []string `json:"items"`
}

// IndicatorDef is one entry of the indicator catalogue.
type IndicatorDef struct {
	Code       string `json:"code"`
	Group      string `json:"group"`
	Label      string `json:"label"`
	Definition string `json:"definition"`
	Unit       string `json:"unit"`
}

// IndicatorList is the body of GET /api/v1/reports/indicators.
type IndicatorList struct {
	Items []IndicatorDef `json:"items"`
}

var columnKinds = map[report.ColumnKind]string{report.Text: "text", report.Count: "count", report.Money: "money", report.Percent: "percent"}

// toReport converts a dataset to its JSON form.
func toReport(ds *report.Dataset) Report {
	out := Report{UnitCode: ds.UnitCode, UnitName: ds.UnitName, UnitLevel: ds.UnitLevel, Former: ds.Former, From: ds.From, To: ds.To,
		Empty: ds.Empty, Units: nonNil(ds.Units), Caveats: nonNil(ds.Caveats), Indicators: []ReportIndicator{}, Tables: []ReportTable{}, Findings: []ReportFinding{}}
	for _, in := range ds.Indicators {
		out.Indicators = append(out.Indicators, ReportIndicator{Code: in.Code, Group: in.Group, Label: in.Label, Definition: in.Definition, Unit: in.Unit, Value: in.Value})
	}
	for _, t := range ds.Tables {
		rt := ReportTable{Name: t.Sheet, Caption: t.Caption, Rows: [][]any{}}
		for _, c := range t.Columns {
			rt.Columns = append(rt.Columns, c.Title)
			rt.Kinds = append(rt.Kinds, columnKinds[c.Kind])
		}
		row := func(cells []report.Cell) []any {
			r := make([]any, len(cells))
			for i, c := range cells {
				switch {
				case i < len(t.Columns) && t.Columns[i].Kind == report.Text:
					r[i] = c.Text
				case c.Empty:
					r[i] = nil
				default:
					r[i] = c.N
				}
			}
			return r
		}
		for _, cells := range t.Rows {
			rt.Rows = append(rt.Rows, row(cells))
		}
		if t.Total != nil {
			rt.Total = row(t.Total)
		}
		out.Tables = append(out.Tables, rt)
	}
	for _, f := range ds.Findings {
		out.Findings = append(out.Findings, ReportFinding{Code: f.Code, Text: f.Text, Items: nonNil(f.Items)})
	}
	return out
}

// nonNil returns s, or an empty slice for nil, so JSON has [] not null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// queryYear reads a year parameter; a missing or malformed one is a field
// error naming the parameter.
func queryYear(r *http.Request, name string) (int, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, kc.FieldError(name, "webreport.err.year", v)
	}
	return n, nil
}

// periodReport answers GET /api/v1/reports/period?unit=&from=&to=[&format=]:
// the report as JSON, or the document in format docx, xlsx or pdf.
func (x *API) periodReport(w http.ResponseWriter, r *http.Request) {
	from, err := queryYear(r, "from")
	if err != nil {
		x.fail(w, r, err)
		return
	}
	to, err := queryYear(r, "to")
	if err != nil {
		x.fail(w, r, err)
		return
	}
	req := app.ReportRequest{UnitCode: r.URL.Query().Get("unit"), From: from, To: to}
	x.sendReport(w, r, false, func(ctx context.Context) (*report.Dataset, error) { return x.app.PeriodReport(ctx, req) })
}

// annualReport answers GET /api/v1/reports/annual?year=&unit=[&format=].
func (x *API) annualReport(w http.ResponseWriter, r *http.Request) {
	year, err := queryYear(r, "year")
	if err != nil {
		x.fail(w, r, err)
		return
	}
	unit := r.URL.Query().Get("unit")
	x.sendReport(w, r, true, func(ctx context.Context) (*report.Dataset, error) { return x.app.AnnualReport(ctx, year, unit) })
}

// sendReport builds the dataset and answers it as JSON, or as a document
// when the query names a format.
func (x *API) sendReport(w http.ResponseWriter, r *http.Request, annual bool, build func(context.Context) (*report.Dataset, error)) {
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" {
		if _, err := app.ParseDocumentFormat(format); err != nil {
			x.fail(w, r, err)
			return
		}
	}
	ds, err := build(r.Context())
	if err != nil {
		x.fail(w, r, err)
		return
	}
	if format == "" || format == "json" {
		writeJSON(w, http.StatusOK, toReport(ds))
		return
	}
	x.sendDocument(w, r, format, func(ctx context.Context) (report.Document, error) { return x.app.ReportDocument(ctx, ds, annual) })
}

func (x *API) indicatorCatalogue(w http.ResponseWriter, r *http.Request) {
	out := IndicatorList{Items: []IndicatorDef{}}
	for _, d := range app.IndicatorCatalogue() {
		out.Items = append(out.Items, IndicatorDef{Code: d.Code, Group: d.Group, Label: d.Label, Definition: d.Definition, Unit: d.Unit})
	}
	writeJSON(w, http.StatusOK, out)
}

// planDocument answers GET /api/v1/plans/{id}/document?format=.
func (x *API) planDocument(w http.ResponseWriter, r *http.Request) {
	id, ok := x.wildcardID(w, r, "id")
	if !ok {
		return
	}
	x.sendDocument(w, r, r.URL.Query().Get("format"), func(ctx context.Context) (report.Document, error) { return x.app.PlanDocument(ctx, id) })
}

// projectDocument answers GET /api/v1/projects/{id}/documents/{doc}: the
// approval decision draft ("decision") or acceptance minutes ("minutes").
func (x *API) projectDocument(w http.ResponseWriter, r *http.Request) {
	id, ok := x.wildcardID(w, r, "id")
	if !ok {
		return
	}
	build := map[string]func(context.Context, int64) (report.Document, error){
		"decision": x.app.DecisionDraft,
		"minutes":  x.app.AcceptanceMinutes,
	}[r.PathValue("doc")]
	if build == nil {
		x.fail(w, r, kc.Errorf(kc.ENotFound, "error.not_found"))
		return
	}
	x.sendDocument(w, r, r.URL.Query().Get("format"), func(ctx context.Context) (report.Document, error) { return build(ctx, id) })
}

// sendDocument renders a document (DOCX when format is empty) into
// memory and sends it as an attachment named after it.
func (x *API) sendDocument(w http.ResponseWriter, r *http.Request, format string, build func(context.Context) (report.Document, error)) {
	if format != "" {
		if _, err := app.ParseDocumentFormat(format); err != nil {
			x.fail(w, r, err)
			return
		}
	}
	if !x.documentAllowed(w, r) {
		return
	}
	d, err := build(r.Context())
	if err != nil {
		x.fail(w, r, err)
		return
	}
	f, err := app.RenderDocumentFile(d, format)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", `attachment; filename="`+f.Name+`"`)
	h.Set("Content-Length", strconv.Itoa(len(f.Data)))
	h.Set("Cache-Control", "no-store")
	w.Write(f.Data)
}

// documentAllowed takes a token from the caller's document bucket; when
// none is left it answers 429 with Retry-After. Idle buckets are dropped
// on the way, so the set stays as small as the active accounts.
func (x *API) documentAllowed(w http.ResponseWriter, r *http.Request) bool {
	x.documents.Evict(documentIdle)
	key := "anonymous"
	if p := app.PrincipalFrom(r.Context()); p != nil {
		key = strconv.FormatInt(p.User.ID, 10)
	}
	if x.documents.Allow(key) {
		return true
	}
	w.Header().Set("Retry-After", "6")
	x.fail(w, r, kc.Errorf(kc.ERateLimited, "error.rate_limited"))
	return false
}
