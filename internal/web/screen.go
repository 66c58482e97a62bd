package web

import (
	"net/http"
	"net/url"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"
)

func (s *Server) screenRoutes() {
	s.mux.HandleFunc("GET /screen", s.requireUser(s.showScreen))
	s.mux.HandleFunc("GET /screen.xlsx", s.requireUser(s.exportScreen))
}

// screenNearShown caps the near-eligible rows the page shows; the XLSX
// download holds every one the screening kept.
const screenNearShown = 200

// screenParams are the screening's parameters as typed.
type screenParams struct {
	Unit, On, Margin string
}

// values returns the parameters for links (empty ones left out).
func (p screenParams) values() url.Values {
	return url.Values{"unit": {p.Unit}, "on": {p.On}, "margin": {p.Margin}}
}

// screenOptions checks the parameters; errors are keyed "unit", "on" and
// "margin".
func screenOptions(lang string, p screenParams, units []kc.Unit) (app.ScreenOptions, map[string]string) {
	errs := map[string]string{}
	opts := app.ScreenOptions{UnitCode: unitCode(p.Unit, units)}
	on, err := app.ParseCheckDate(p.On)
	if err != nil {
		errs = mergeErrors(errs, fieldErrors(lang, "", err))
	}
	opts.On = on
	if m, set, ok, _ := parseCount(p.Margin); !ok {
		errs["margin"] = locale.T(lang, "webelig.err.whole_number")
	} else if set {
		if m <= 0 {
			errs["margin"] = locale.T(lang, "screen.margin_range", 100)
		}
		opts.MarginPct = m
	}
	return opts, errs
}

// screenSchemeView is one scheme of the screening summary.
type screenSchemeView struct {
	Head                                   schemeHead
	Eligible, NotEligible, Undetermined    string
	TopFailing                             string
	TopFailingCount                        string
	EligibleN, NotEligibleN, UndeterminedN int
}

// screenCell is one commune × scheme cell.
type screenCell struct {
	Eligible, NotEligible, Undetermined string
	Empty                               bool
}

// screenCommuneView is one row of the commune table.
type screenCommuneView struct {
	Name, Code     string
	Establishments string
	Cells          []screenCell
}

// screenNearView is one near-eligible establishment.
type screenNearView struct {
	ID                          int64
	Name, Commune, Village      string
	SchemeID                    int64
	SchemeCode, SchemeName      string
	Criterion, Actual, Required string
	Gap                         string
}

// screenView is the data of the screening page.
type screenView struct {
	screenParams
	Units          []choice
	Ran            bool
	OnText         string
	MarginPct      int
	Establishments string
	Took           string
	Schemes        []screenSchemeView
	Communes       []screenCommuneView
	Near           []screenNearView
	NearTotal      int
	NearMore       bool
	NearTruncated  bool
	Skipped        []string
	XLSX           string
}

// showScreen screens every establishment in the caller's scope (or the
// unit asked for) against every scheme in force: counts per scheme and
// commune, the most common failing criterion, the near-eligible list.
func (s *Server) showScreen(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := s.lang(r)
	q := r.URL.Query()
	v := screenView{screenParams: screenParams{Unit: strings.TrimSpace(q.Get("unit")), On: strings.TrimSpace(q.Get("on")),
		Margin: strings.TrimSpace(q.Get("margin"))}}
	units, err := s.filterUnits(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, u := range units {
		v.Units = append(v.Units, choice{Value: u.Code, Label: u.Name})
	}
	opts, errs := screenOptions(lang, v.screenParams, units)
	status := http.StatusOK
	if len(errs) == 0 {
		rep, err := s.app.Screen(ctx, opts)
		switch {
		case err == nil:
			fillScreen(lang, &v, rep)
		case len(fieldErrors(lang, "", err)) > 0:
			errs = fieldErrors(lang, "", err)
		default:
			s.fail(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	pg := s.page(r, locale.T(lang, "webelig.screen.title"), "schemes", v)
	pg.Errors = errs
	s.render(w, r, status, "screen_report", pg)
}

// fillScreen puts a screening report into the page's view.
func fillScreen(lang string, v *screenView, rep app.ScreenReport) {
	num := func(n int) string { return vi.FormatNumber(int64(n)) }
	v.Ran = true
	v.OnText = vi.FormatDay(rep.On.Time())
	v.MarginPct = rep.MarginPct
	v.Establishments = num(rep.Establishments)
	v.Took = decimalText(max(rep.Took.Milliseconds(), 1), 1000)
	for _, sc := range rep.Schemes {
		sv := screenSchemeView{Head: newSchemeHead(lang, sc.Rule), Eligible: num(sc.Eligible), NotEligible: num(sc.NotEligible),
			Undetermined: num(sc.Undetermined), EligibleN: sc.Eligible, NotEligibleN: sc.NotEligible, UndeterminedN: sc.Undetermined}
		if len(sc.Failing) > 0 {
			sv.TopFailing, sv.TopFailingCount = sc.Failing[0].Criterion.Label, num(sc.Failing[0].Count)
		}
		v.Schemes = append(v.Schemes, sv)
	}
	for _, c := range rep.Communes {
		cv := screenCommuneView{Name: c.Name, Code: c.Code, Establishments: num(c.Establishments)}
		for _, n := range c.Counts {
			cv.Cells = append(cv.Cells, screenCell{Eligible: num(n.Eligible), NotEligible: num(n.NotEligible), Undetermined: num(n.Undetermined),
				Empty: n.Total() == 0})
		}
		v.Communes = append(v.Communes, cv)
	}
	v.NearTotal = len(rep.Near)
	v.NearTruncated = rep.NearTruncated
	for i, n := range rep.Near {
		if i == screenNearShown {
			v.NearMore = true
			break
		}
		v.Near = append(v.Near, screenNearView{ID: n.EstablishmentID, Name: n.Name, Commune: n.CommuneName, Village: n.Village,
			SchemeID: n.SchemeID, SchemeCode: n.SchemeCode, SchemeName: n.SchemeName, Criterion: n.Outcome.Criterion.Label,
			Actual: n.Outcome.Actual, Required: n.Outcome.Required, Gap: gapText(lang, n.Outcome)})
	}
	for _, sk := range rep.Skipped {
		v.Skipped = append(v.Skipped, locale.T(lang, "check.out.skipped", sk.Code))
	}
	v.XLSX = withQuery("/screen.xlsx", v.screenParams.values())
}

// exportScreen downloads the screening as an XLSX workbook (summary, per
// commune, near-eligible), rate-limited like the registry export.
func (s *Server) exportScreen(w http.ResponseWriter, r *http.Request) {
	if !s.exportAllowed(w, r) {
		return
	}
	ctx := r.Context()
	lang := s.lang(r)
	q := r.URL.Query()
	params := screenParams{Unit: strings.TrimSpace(q.Get("unit")), On: strings.TrimSpace(q.Get("on")), Margin: strings.TrimSpace(q.Get("margin"))}
	units, err := s.filterUnits(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	opts, errs := screenOptions(lang, params, units)
	if len(errs) > 0 {
		// The page shows the messages next to the fields.
		http.Redirect(w, r, withQuery("/screen", params.values()), http.StatusSeeOther)
		return
	}
	rep, err := s.app.Screen(ctx, opts)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := &attachment{ResponseWriter: w, contentType: exportContentTypes[app.FormatXLSX], filename: app.ExportFileName("sang-loc", s.app.Now(), app.FormatXLSX)}
	if err := app.WriteScreenXLSX(out, rep, lang); err != nil {
		if out.started {
			s.log.Error("screen export", "err", err)
			return
		}
		s.fail(w, r, err)
	}
}
