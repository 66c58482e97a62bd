package web

import (
	"net/http"
	"strconv"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/report"
)

// funnelView is the data of the funnel page.
type funnelView struct {
	app.Funnel
	// Loaded is false when the request could not be counted (a bad date or
	// period): only the form shows, with the errors.
	Loaded bool
	// The form as typed.
	FormUnit, FormFrom, FormTo string
	Units                      []choice
	// Steps are the total's steps; Rows the communes' steps in the same order.
	Steps []funnelStepView
	Rows  []funnelRowView
}

// funnelStepView is a step with its share of the previous step written
// out ("12,5 %").
type funnelStepView struct {
	app.FunnelStep
	Share string
}

// funnelSteps returns the steps of f for the bars.
func funnelSteps(f app.FunnelFigures) []funnelStepView {
	var out []funnelStepView
	for _, st := range f.Steps() {
		v := funnelStepView{FunnelStep: st}
		if st.HasShare {
			v.Share = report.Format(report.Percent, report.Cell{N: st.ShareBP})
		}
		out = append(out, v)
	}
	return out
}

// funnelRowView is one commune of the funnel table.
type funnelRowView struct {
	app.FunnelCommune
	Steps []app.FunnelStep
}

// funnelBars is what the "funnel-bars" partial draws: the steps as bars.
type funnelBars struct {
	Lang  string
	ID    string // the list's element id
	Steps []funnelStepView
}

// Bars returns the partial's data for the total's steps in lang.
func (v funnelView) Bars(lang string) funnelBars {
	return funnelBars{Lang: lang, ID: "funnel-bars", Steps: v.Steps}
}

// StepKeys are the step keys in order, for the table's headings.
func (funnelView) StepKeys() []string { return app.FunnelStepKeys }

// showFunnel is the funnel page: ?campaign=ID for a campaign, otherwise
// ?unit= (a province or commune code; default: the caller's scope) with
// ?from= and ?to= (YYYY-MM-DD; default: this year up to today).
func (s *Server) showFunnel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := s.lang(r)
	q := r.URL.Query()
	v := funnelView{FormUnit: strings.TrimSpace(q.Get("unit")), FormFrom: strings.TrimSpace(q.Get("from")), FormTo: strings.TrimSpace(q.Get("to"))}
	errs := map[string]string{}
	var f app.Funnel
	var err error
	if raw := strings.TrimSpace(q.Get("campaign")); raw != "" {
		id, perr := strconv.ParseInt(raw, 10, 64)
		if perr != nil || id <= 0 {
			s.fail(w, r, kc.Errorf(kc.ENotFound, "funnel.err.campaign"))
			return
		}
		f, err = s.app.CampaignFunnel(ctx, id)
	} else {
		from, to := funnelDay(v.FormFrom, "from", errs, lang), funnelDay(v.FormTo, "to", errs, lang)
		if len(errs) == 0 {
			f, err = s.app.PeriodFunnel(ctx, v.FormUnit, from, to)
		}
	}
	status := http.StatusOK
	switch {
	case len(errs) > 0:
		status = http.StatusUnprocessableEntity
	case err == nil:
		v.Funnel, v.Loaded = f, true
	case kc.ErrorCode(err) == kc.EInvalid && len(kc.FieldErrors(err)) > 0:
		status = http.StatusUnprocessableEntity
		for k, m := range coverageFieldMessages(lang, err) {
			errs[k] = m
		}
	default:
		s.fail(w, r, err)
		return
	}
	if v.Loaded {
		v.Steps = funnelSteps(v.Total)
		for _, c := range v.Communes {
			v.Rows = append(v.Rows, funnelRowView{FunnelCommune: c, Steps: c.Steps()})
		}
		if v.CampaignID == 0 {
			v.FormFrom, v.FormTo = v.Funnel.From.String(), v.Funnel.To.String()
		}
	}
	units, err := s.app.ScopeUnits(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, u := range units {
		v.Units = append(v.Units, choice{Value: u.Code, Label: u.Name, Selected: u.Code == v.FormUnit})
	}
	title := locale.T(lang, "funnel.title")
	if v.CampaignID != 0 {
		title = locale.T(lang, "funnel.title_campaign", v.CampaignTitle)
	}
	p := s.page(r, title, "outreach", v)
	p.Errors = errs
	if v.Loaded && v.UnitName != "" {
		p.Scope = v.UnitName
	}
	s.render(w, r, status, "outreach_funnel", p)
}

// funnelDay parses a day of the funnel form (empty: zero, the default),
// noting an error for field in errs.
func funnelDay(raw, field string, errs map[string]string, lang string) kc.Date {
	if raw == "" {
		return kc.Date{}
	}
	d, err := kc.ParseDate(raw)
	if err != nil {
		errs[field] = locale.T(lang, "funnel.err.date")
	}
	return d
}

// dashboardFunnel is the dashboard's funnel card: this year up to today
// in the caller's scope, or nil when the role may not read it or it
// could not be read (the dashboard shows without it; other errors are
// logged).
func (s *Server) dashboardFunnel(r *http.Request) *funnelView {
	f, err := s.app.PeriodFunnel(r.Context(), "", kc.Date{}, kc.Date{})
	if err != nil {
		if code := kc.ErrorCode(err); code != kc.EForbidden && code != kc.EUnauthenticated {
			s.log.Warn("dashboard funnel", "id", requestID(r), "err", err)
		}
		return nil
	}
	return &funnelView{Funnel: f, Loaded: true, Steps: funnelSteps(f.Total)}
}
