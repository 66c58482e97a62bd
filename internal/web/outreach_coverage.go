package web

import (
	"net/http"
	"net/url"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
)

// The outreach result pages: coverage per commune and village, and the
// funnel of a campaign or a period.
const (
	coveragePagePath = "/outreach/coverage"
	funnelPagePath   = "/outreach/funnel"
	coveragePlanPath = "/outreach/plan"
)

// outreachCoverageRoutes registers the coverage and funnel pages.
func (s *Server) outreachCoverageRoutes() {
	s.mux.HandleFunc("GET "+coveragePagePath, s.requireUser(s.showCoverage))
	s.mux.HandleFunc("GET "+funnelPagePath, s.requireUser(s.showFunnel))
}

// coverageView is the data of the coverage page.
type coverageView struct {
	app.Coverage
	// Loaded is false when no area could be read (no unit chosen by a
	// national account, or an unknown code): only the chooser shows.
	Loaded bool
	// Unit is the unit code as asked for; Units the chooser's choices.
	Unit  string
	Units []choice
	// Rows carry the link of each commune (empty for villages).
	Rows []coverageRowView
	// SortByName and SortByUnreached are the addresses of the two orders.
	SortByName, SortByUnreached string
	PlanURL, FunnelURL          string
}

// coverageRowView is one row with its drill-down address.
type coverageRowView struct {
	app.CoverageRow
	URL string
}

// coverageURL is the coverage page of unit (the caller's scope when
// empty) in the order sortBy (the default when empty).
func coverageURL(unit, sortBy string) string {
	q := url.Values{}
	if unit != "" {
		q.Set("unit", unit)
	}
	if sortBy != "" && sortBy != app.CoverageByUnreached {
		q.Set("sort", sortBy)
	}
	if len(q) == 0 {
		return coveragePagePath
	}
	return coveragePagePath + "?" + q.Encode()
}

// coverageWithUnit returns path with ?unit=code, or path alone for an empty code.
func coverageWithUnit(path, code string) string {
	if code == "" {
		return path
	}
	return path + "?" + url.Values{"unit": {code}}.Encode()
}

// showCoverage is the coverage page: ?unit= a province or commune code
// (default: the caller's scope), ?sort=name for name order, ?on= a day
// (YYYY-MM-DD, default today).
func (s *Server) showCoverage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := s.lang(r)
	q := r.URL.Query()
	v := coverageView{Unit: strings.TrimSpace(q.Get("unit"))}
	var on kc.Date
	status := http.StatusOK
	var errs map[string]string
	if raw := strings.TrimSpace(q.Get("on")); raw != "" {
		d, err := kc.ParseDate(raw)
		if err != nil {
			s.fail(w, r, kc.FieldError("on", "funnel.err.date"))
			return
		}
		on = d
	}
	cov, err := s.app.OutreachCoverage(ctx, v.Unit, on, q.Get("sort"))
	switch {
	case err == nil:
		v.Coverage, v.Loaded = cov, true
	case kc.ErrorCode(err) == kc.EInvalid && len(kc.FieldErrors(err)) > 0:
		// No unit (a national account) or an unknown code: the chooser
		// with the message.
		errs = coverageFieldMessages(lang, err)
		if v.Unit != "" {
			status = http.StatusUnprocessableEntity
		}
	default:
		s.fail(w, r, err)
		return
	}
	units, err := s.app.ScopeUnits(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, u := range units {
		v.Units = append(v.Units, choice{Value: u.Code, Label: u.Name, Selected: u.Code == v.Unit})
	}
	if v.Loaded {
		for _, row := range v.Coverage.Rows {
			rv := coverageRowView{CoverageRow: row}
			if row.Code != "" {
				rv.URL = coverageURL(row.Code, v.Sort)
			}
			v.Rows = append(v.Rows, rv)
		}
		v.SortByName = coverageURL(v.Unit, app.CoverageByName)
		v.SortByUnreached = coverageURL(v.Unit, app.CoverageByUnreached)
		code := v.Unit
		if v.Commune != nil {
			code = v.Commune.Code
		}
		v.PlanURL, v.FunnelURL = coverageWithUnit(coveragePlanPath, code), coverageWithUnit(funnelPagePath, code)
	}
	p := s.page(r, locale.T(lang, "coverage.title"), "outreach", v)
	p.Errors = errs
	if v.Loaded && v.UnitName != "" {
		p.Scope = v.UnitName
	}
	s.render(w, r, status, "outreach_coverage", p)
}

// coverageFieldMessages returns the field errors of err in lang, by field.
func coverageFieldMessages(lang string, err error) map[string]string {
	out := map[string]string{}
	for _, fe := range kc.FieldErrors(err) {
		out[fe.Field] = locale.T(lang, fe.Key, fe.Args...)
	}
	return out
}
