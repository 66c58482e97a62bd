package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/report"
	"khuyencong/internal/report/chart"
)

func (s *Server) reportRoutes() {
	s.mux.HandleFunc("GET /reports", s.requireUser(s.showReports))
	s.mux.HandleFunc("GET /reports/download", s.requireUser(s.downloadReport))
	s.mux.HandleFunc("GET /plans/{id}/document", s.requireUser(s.downloadPlanDocument))
	s.mux.HandleFunc("GET /projects/{id}/documents/{doc}", s.requireUser(s.downloadProjectDocument))
}

// reportForm is the report form as typed; it travels in the query string
// so a report is a link that can be bookmarked and shared.
type reportForm struct {
	Kind string // "period" or "annual"
	Unit string
	From string
	To   string
	Year string
}

// reportFormFrom reads the form from q, with the current year as the
// default period.
func reportFormFrom(q url.Values, thisYear int) reportForm {
	f := reportForm{Kind: q.Get("kind"), Unit: strings.TrimSpace(q.Get("unit")),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")), Year: strings.TrimSpace(q.Get("year"))}
	if f.Kind != "annual" {
		f.Kind = "period"
	}
	y := strconv.Itoa(thisYear)
	if f.From == "" && f.To == "" {
		f.From, f.To = y, y
	}
	if f.Year == "" {
		f.Year = y
	}
	return f
}

// query is the form as a query string, for the download links.
func (f reportForm) query() url.Values {
	q := url.Values{"kind": {f.Kind}}
	if f.Unit != "" {
		q.Set("unit", f.Unit)
	}
	if f.Kind == "annual" {
		q.Set("year", f.Year)
	} else {
		q.Set("from", f.From)
		q.Set("to", f.To)
	}
	return q
}

// reportsView is the data of the reports page.
type reportsView struct {
	Form    reportForm
	Units   []kc.Unit
	Dataset *report.Dataset
	// Charts are the dataset's charts as inline SVG, in order.
	Charts []template.HTML
	// Query is the form as a query string, for the download links.
	Query   string
	Formats []string
}

// showReports shows the report form and, once a unit or period is asked
// for, the report itself: indicators with their definitions, tables,
// charts and findings, with downloads in every format.
func (s *Server) showReports(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	q := r.URL.Query()
	v := reportsView{Form: reportFormFrom(q, s.today().Year()), Formats: app.DocumentFormats}
	units, err := s.app.ScopeUnits(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Units = units
	status := http.StatusOK
	var errs map[string]string
	if len(q) > 0 {
		ds, err := s.reportDataset(r.Context(), v.Form)
		if err != nil {
			if errs = fieldErrors(lang, "", err); errs == nil {
				s.fail(w, r, err)
				return
			}
			status = http.StatusUnprocessableEntity
		} else {
			v.Dataset = ds
			v.Query = v.Form.query().Encode()
			for _, c := range ds.Charts {
				svg, err := chart.SVG(c)
				if err != nil {
					s.fail(w, r, err)
					return
				}
				v.Charts = append(v.Charts, template.HTML(svg)) // our own escaped SVG
			}
		}
	}
	p := s.page(r, locale.T(lang, "webreport.title"), "reports", v)
	p.Errors = errs
	s.render(w, r, status, "reports", p)
}

// reportDataset builds the dataset the form asks for; a year that is not
// a number is a field error on that field.
func (s *Server) reportDataset(ctx context.Context, f reportForm) (*report.Dataset, error) {
	year := func(field, v string) (int, error) {
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, kc.FieldError(field, "webreport.err.year", v)
		}
		return n, nil
	}
	if f.Kind == "annual" {
		y, err := year("year", f.Year)
		if err != nil {
			return nil, err
		}
		return s.app.AnnualReport(ctx, y, f.Unit)
	}
	from, err := year("from", f.From)
	if err != nil {
		return nil, err
	}
	to, err := year("to", f.To)
	if err != nil {
		return nil, err
	}
	return s.app.PeriodReport(ctx, app.ReportRequest{UnitCode: f.Unit, From: from, To: to})
}

// downloadReport renders the report the query asks for in its format.
func (s *Server) downloadReport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := reportFormFrom(q, s.today().Year())
	s.sendDocument(w, r, q.Get("format"), func(ctx context.Context) (report.Document, error) {
		ds, err := s.reportDataset(ctx, f)
		if err != nil {
			return report.Document{}, err
		}
		return s.app.ReportDocument(ctx, ds, f.Kind == "annual")
	})
}

// downloadPlanDocument renders the annual plan document of plan {id}.
func (s *Server) downloadPlanDocument(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sendDocument(w, r, r.URL.Query().Get("format"), func(ctx context.Context) (report.Document, error) {
		return s.app.PlanDocument(ctx, id)
	})
}

// downloadProjectDocument renders a project's approval decision draft
// ({doc} = "decision") or acceptance minutes ("minutes").
func (s *Server) downloadProjectDocument(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	build := map[string]func(context.Context, int64) (report.Document, error){
		"decision": s.app.DecisionDraft,
		"minutes":  s.app.AcceptanceMinutes,
	}[r.PathValue("doc")]
	if build == nil {
		s.fail(w, r, kc.Errorf(kc.ENotFound, "error.not_found"))
		return
	}
	s.sendDocument(w, r, r.URL.Query().Get("format"), func(ctx context.Context) (report.Document, error) {
		return build(ctx, id)
	})
}

// sendDocument builds a document, renders it in format (DOCX when empty)
// into memory and sends it as a download named after the document. Each
// download takes a token from the caller's export bucket, since
// documents are costly to build.
func (s *Server) sendDocument(w http.ResponseWriter, r *http.Request, format string, build func(context.Context) (report.Document, error)) {
	if format != "" {
		if _, err := app.ParseDocumentFormat(format); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if !s.exportAllowed(w, r) {
		return
	}
	d, err := build(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := app.RenderDocumentFile(d, format)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", attachmentDisposition("attachment", f.Name))
	h.Set("Content-Length", strconv.Itoa(len(f.Data)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(f.Data)
}
