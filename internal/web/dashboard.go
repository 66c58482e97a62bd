package web

import (
	"html/template"
	"net/http"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/report"
	"khuyencong/internal/report/chart"
)

func (s *Server) dashboardRoutes() {
	s.mux.HandleFunc("GET /{$}", s.requireUser(s.showDashboard))
	for _, m := range soonModules {
		s.mux.HandleFunc("GET /"+m, s.requireUser(s.showSoon(m)))
	}
	s.mux.HandleFunc("POST /lang", s.setLang)
}

// soonModules are the modules whose screens come in later releases; their
// navigation entries lead to a page that says so.
var soonModules = []string{"admin"}

// dashboardView is the data of the dashboard page.
type dashboardView struct {
	app.Dashboard
	FundingTotal int64
	// Report is the indicator dashboard of the unit asked for (?unit=)
	// or of the whole scope, with its drill-down.
	Report app.ReportDashboard
	// Key are the headline indicators, this year beside the period.
	Key []keyIndicator
	// Charts are the period's charts as inline SVG.
	Charts []dashChart
	// Funnel is the outreach funnel of this year in the caller's scope
	// (nil when it cannot be read); see outreach_funnel.go.
	Funnel *funnelView
}

// keyIndicator is one headline indicator for the year and the period.
type keyIndicator struct {
	Code, Label, Unit, Definition string
	Year, Period                  report.Indicator
}

// dashChart is one server-drawn chart.
type dashChart struct {
	Title string
	SVG   template.HTML
}

// dashboardKeys are the indicators the dashboard leads with.
var dashboardKeys = []string{"funds_state_approved", "counterpart_mobilised", "projects_total", "establishments_supported",
	"trainees", "jobs_created", "outreach_sessions", "people_reached"}

// showDashboard shows the counts for the caller's scope.
func (s *Server) showDashboard(w http.ResponseWriter, r *http.Request) {
	d, err := s.app.Dashboard(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := dashboardView{Dashboard: d}
	for _, f := range d.Funding {
		v.FundingTotal += f.Amount
	}
	v.Report, err = s.app.ReportDashboard(r.Context(), r.URL.Query().Get("unit"))
	switch {
	case kc.ErrorCode(err) == kc.EForbidden && r.URL.Query().Get("unit") == "":
		// A role without the registry (a council member) keeps the counts
		// and gets no indicators; asking for a unit is refused as usual.
		v.Report = app.ReportDashboard{}
	case err != nil:
		s.fail(w, r, err)
		return
	}
	for _, code := range dashboardKeys {
		if v.Report.Current == nil {
			break
		}
		y, ok1 := v.Report.Current.Indicator(code)
		pd, ok2 := v.Report.Period.Indicator(code)
		if ok1 && ok2 {
			v.Key = append(v.Key, keyIndicator{Code: code, Label: y.Label, Unit: y.Unit, Definition: y.Definition, Year: y, Period: pd})
		}
	}
	for _, c := range v.Report.PeriodCharts() {
		svg, err := chart.SVG(c)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Charts = append(v.Charts, dashChart{Title: c.Title, SVG: template.HTML(svg)}) // our own escaped SVG
	}
	v.Funnel = s.dashboardFunnel(r)
	lang := s.lang(r)
	p := s.page(r, locale.T(lang, "nav.dashboard"), "dashboard", v)
	if d.ScopeName != "" && p.Principal != nil && !p.Principal.All {
		p.Scope = d.ScopeName
	}
	if v.Report.UnitCode != "" {
		p.Scope = v.Report.UnitName
	}
	s.render(w, r, http.StatusOK, "dashboard", p)
}

// soonView is the data of the "coming in a later release" page.
type soonView struct {
	Module string // the navigation key suffix, e.g. "projects"
}

// showSoon answers a module that is not built yet with a page saying so.
// Administration is for administrators only.
func (s *Server) showSoon(module string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := app.PrincipalFrom(r.Context())
		if p == nil {
			s.fail(w, r, kc.Errorf(kc.EUnauthenticated, "error.unauthenticated"))
			return
		}
		if module == "admin" && !p.IsAdmin() {
			s.fail(w, r, kc.Errorf(kc.EForbidden, "error.forbidden"))
			return
		}
		lang := s.lang(r)
		page := s.page(r, locale.T(lang, "nav."+module), module, soonView{Module: module})
		s.render(w, r, http.StatusOK, "soon", page)
	}
}

// setLang stores the chosen UI language in a cookie and returns to the
// page the switch was on.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	lang := locale.Supported(r.PostFormValue("lang"))
	http.SetCookie(w, &http.Cookie{
		Name:     "lang",
		Value:    lang,
		Path:     "/",
		MaxAge:   365 * 24 * 3600,
		HttpOnly: true,
		Secure:   s.opts.SecureCookies,
		SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, localPath(r.PostFormValue("next")), http.StatusSeeOther)
}

// localPath returns next when it is a path on this site, else "/", so the
// language switch cannot be used as an open redirect.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}

// scopeInfo returns the name of the caller's scope for the header ("Tỉnh
// Quảng Trị", "Xã Đakrông, Xã Tà Rụt") and whether demo data is loaded.
// Administrators see the whole country.
func (s *Server) scopeInfo(r *http.Request, p *app.Principal) (string, bool) {
	if p == nil {
		return "", false
	}
	lang := s.lang(r)
	demo := s.app.DemoLoaded(r.Context())
	if p.All {
		return locale.T(lang, "shell.scope_all"), demo
	}
	names := s.unitNames(r.Context(), p.Units)
	parts := make([]string, 0, len(p.Units))
	for _, id := range p.Units {
		if n, ok := names[id]; ok {
			parts = append(parts, n)
		}
	}
	if len(parts) == 0 {
		return locale.T(lang, "role."+string(p.User.Role)), demo
	}
	return strings.Join(parts, ", "), demo
}

// navItem is one entry of the main navigation.
type navItem struct {
	Section string // compared with Page.Section to mark the current entry
	Href    string
	Key     string // locale key of the label
}

// navItems returns the navigation for p: every module, and administration
// for administrators only.
func navItems(p *app.Principal) []navItem {
	items := []navItem{
		{"dashboard", "/", "nav.dashboard"},
		{"establishments", "/establishments", "nav.establishments"},
		{"schemes", "/schemes", "nav.schemes"},
		{"projects", "/projects", "nav.projects"},
		{"plans", "/plans", "nav.plans"},
		{"outreach", "/outreach", "nav.outreach"},
		{"needs", "/nhu-cau", "nav.needs"},
		{"reports", "/reports", "nav.reports"},
		{"units", "/units", "nav.units"},
	}
	if p != nil && p.IsAdmin() {
		items = append(items, navItem{"admin", "/admin", "nav.admin"})
	}
	return items
}
