package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"khuyencong/internal/allocate"
	"khuyencong/internal/app"
	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"
)

func (s *Server) planRoutes() {
	s.mux.HandleFunc("GET /plans", s.requireUser(s.listPlans))
	s.mux.HandleFunc("POST /plans", s.requireUser(s.createPlan))
	s.mux.HandleFunc("GET /plans/{id}", s.requireUser(s.showPlan))
	s.mux.HandleFunc("POST /plans/{id}/envelopes", s.requireUser(s.setEnvelope))
	s.mux.HandleFunc("POST /plans/{id}/pins/{project}", s.requireUser(s.setPin))
	s.mux.HandleFunc("POST /plans/{id}/optimize", s.requireUser(s.optimizePlan))
	s.mux.HandleFunc("POST /plans/{id}/scenarios", s.requireUser(s.saveScenario))
	s.mux.HandleFunc("GET /plans/{id}/scenarios/{sid}", s.requireUser(s.showScenario))
	s.mux.HandleFunc("GET /plans/{id}/compare", s.requireUser(s.compareScenarios))
}

// planFormBytes bounds the plan forms' bodies.
const planFormBytes = 64 << 10

// planSources are the funding sources an envelope may be set for: the
// state budgets and other lawful sources (the counterpart is the
// beneficiary's, not the plan's).
var planSources = []string{kc.SourceNational, kc.SourceProvincial, kc.SourceCommune, kc.SourceOther}

// planListView is the data of the plan list.
type planListView struct {
	Plans   []app.PlanSummary
	CanEdit bool
	Year    string
	Unit    string
}

func (s *Server) listPlans(w http.ResponseWriter, r *http.Request) {
	s.renderPlanList(w, r, http.StatusOK, planListView{Year: strconv.Itoa(s.today().Year() + 1)}, nil)
}

// renderPlanList renders the list with the creation form as typed.
func (s *Server) renderPlanList(w http.ResponseWriter, r *http.Request, status int, v planListView, errs map[string]string) {
	ctx := r.Context()
	plans, err := s.app.Plans(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Plans = plans
	if p := app.PrincipalFrom(ctx); p != nil {
		v.CanEdit = auth.Can(p.User.Role, auth.PermManagePlans)
	}
	pg := s.page(r, locale.T(s.lang(r), "webplan.list.title"), "plans", v)
	pg.Errors = errs
	s.render(w, r, status, "plan_list", pg)
}

func (s *Server) createPlan(w http.ResponseWriter, r *http.Request) {
	if err := parseFormLimited(w, r, planFormBytes); err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r)
	v := planListView{Year: r.PostFormValue("year"), Unit: r.PostFormValue("unit")}
	year, err := strconv.Atoi(strings.TrimSpace(v.Year))
	if err != nil {
		s.renderPlanList(w, r, http.StatusUnprocessableEntity, v, map[string]string{"year": locale.T(lang, "webplan.err.year")})
		return
	}
	p, err := s.app.CreatePlan(r.Context(), year, strings.TrimSpace(v.Unit), r.PostFormValue("note"))
	if err != nil {
		errs := fieldErrors(lang, "", err)
		if errs == nil {
			if kc.ErrorCode(err) != kc.EConflict {
				s.fail(w, r, err)
				return
			}
			e := kc.AsError(err)
			errs = map[string]string{"year": locale.T(lang, e.Key, e.Args...)}
		}
		s.renderPlanList(w, r, http.StatusUnprocessableEntity, v, errs)
		return
	}
	http.Redirect(w, r, planURL(p.ID, "?done=created"), http.StatusSeeOther)
}

// planURL is the address of plan id with a suffix.
func planURL(id int64, suffix string) string { return "/plans/" + strconv.FormatInt(id, 10) + suffix }

// optimizeForm holds the optimiser's inputs as typed.
type optimizeForm struct {
	Appraisal, Jobs, Priority, Share string
	// Min and Max are the per-content-area limits in đồng, keyed by area.
	Min, Max map[string]string
}

// envelopeForm holds the envelope form as typed.
type envelopeForm struct {
	Source, Area, Amount string
}

// areaChoice is a content area with its limits in the optimiser form.
type areaChoice struct {
	Code, Name string
}

// portfolioView is a portfolio with its cost per source in display order.
type portfolioView struct {
	app.Portfolio
	Costs []sourceAmount
}

// sourceAmount is an amount of one funding source.
type sourceAmount struct {
	Source string
	Amount int64
}

// optimumView is an optimiser result rendered for the page.
type optimumView struct {
	Status                       string
	Optimal, Greedy              portfolioView
	Bound                        int64
	Nodes                        int
	Elapsed                      string
	Binding, Marginals, Conflict []string
	Rejected                     []rejectedRow
	// Name is the scenario's name, when the result is a saved scenario.
	Name string
	// ScoreGain and JobsGain compare the optimum with the greedy choice,
	// signed ("+159", "−3").
	ScoreGain, JobsGain string
}

// rejectedRow is one candidate left out, with why.
type rejectedRow struct {
	ProjectID int64
	Code      string
	Title     string
	Score     int64
	Why       string
}

// planView is the data of the plan page.
type planView struct {
	app.PlanView
	Sources  []string
	Areas    []areaChoice
	Env      envelopeForm
	Opt      optimizeForm
	Result   *optimumView
	Name     string
	Formula  string
	AreaName map[string]string
}

func (s *Server) showPlan(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := planView{Opt: defaultOptimizeForm(), Env: envelopeForm{Source: kc.SourceProvincial}}
	flash := ""
	if done := r.URL.Query().Get("done"); slices.Contains([]string{"created", "envelope", "pin", "scenario"}, done) {
		flash = locale.T(s.lang(r), "webplan.done."+done)
	}
	s.renderPlan(w, r, id, http.StatusOK, v, nil, flash)
}

// defaultOptimizeForm is the optimiser form with the default weights.
func defaultOptimizeForm() optimizeForm {
	w := app.DefaultWeights
	return optimizeForm{Appraisal: strconv.Itoa(w.Appraisal), Jobs: strconv.Itoa(w.Jobs), Priority: strconv.Itoa(w.Priority), Share: ""}
}

// renderPlan renders plan id with the forms as typed, their errors and an
// optimiser result when there is one.
func (s *Server) renderPlan(w http.ResponseWriter, r *http.Request, id int64, status int, v planView, errs map[string]string, flash string) {
	ctx := r.Context()
	lang := s.lang(r)
	p, err := s.app.Plan(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.PlanView = p
	v.Sources = planSources
	v.AreaName = s.contentAreas(ctx)
	seen := map[string]bool{}
	for _, c := range p.Candidates {
		if c.ContentArea != "" && !seen[c.ContentArea] {
			seen[c.ContentArea] = true
			v.Areas = append(v.Areas, areaChoice{Code: c.ContentArea, Name: v.AreaName[c.ContentArea]})
		}
	}
	slices.SortFunc(v.Areas, func(a, b areaChoice) int { return strings.Compare(a.Code, b.Code) })
	w8 := app.DefaultWeights
	if n, err := strconv.Atoi(v.Opt.Appraisal); err == nil {
		w8.Appraisal = n
	}
	if n, err := strconv.Atoi(v.Opt.Jobs); err == nil {
		w8.Jobs = n
	}
	if n, err := strconv.Atoi(v.Opt.Priority); err == nil {
		w8.Priority = n
	}
	v.Formula = locale.T(lang, "webplan.formula", w8.Appraisal, w8.Jobs, w8.Priority)
	title := locale.T(lang, "webplan.title", p.Year, p.UnitName)
	pg := s.page(r, title, "plans", v)
	pg.Errors = errs
	pg.Flash = flash
	s.render(w, r, status, "plan_detail", pg)
}

func (s *Server) setEnvelope(w http.ResponseWriter, r *http.Request) {
	id, ok := s.postedID(w, r, planFormBytes)
	if !ok {
		return
	}
	lang := s.lang(r)
	f := envelopeForm{Source: r.PostFormValue("source"), Area: r.PostFormValue("area"), Amount: r.PostFormValue("amount")}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	amount, _, ok, tooLarge := parseMoney(f.Amount)
	errs := map[string]string{}
	if !ok || tooLarge {
		errs["env.amount"] = locale.T(lang, "webelig.err.money")
	} else {
		_, err := s.app.SetEnvelope(r.Context(), id, f.Source, f.Area, amount, version)
		if err == nil {
			http.Redirect(w, r, planURL(id, "?done=envelope#envelopes"), http.StatusSeeOther)
			return
		}
		if errs = fieldErrors(lang, "env.", err); errs == nil {
			if kc.ErrorCode(err) != kc.EConflict {
				s.fail(w, r, err)
				return
			}
			e := kc.AsError(err)
			errs = map[string]string{"env.amount": locale.T(lang, e.Key, e.Args...)}
		}
	}
	s.renderPlan(w, r, id, http.StatusUnprocessableEntity, planView{Env: f, Opt: defaultOptimizeForm()}, errs, "")
}

func (s *Server) setPin(w http.ResponseWriter, r *http.Request) {
	id, ok := s.postedID(w, r, planFormBytes)
	if !ok {
		return
	}
	project, err := strconv.ParseInt(r.PathValue("project"), 10, 64)
	if err != nil || project <= 0 {
		s.fail(w, r, kc.Errorf(kc.ENotFound, "error.not_found"))
		return
	}
	pin := allocate.Free
	switch r.PostFormValue("pin") {
	case "in":
		pin = allocate.In
	case "out":
		pin = allocate.Out
	}
	if _, err := s.app.SetPin(r.Context(), id, project, pin); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, planURL(id, "?done=pin#candidates"), http.StatusSeeOther)
}

// readOptimizeForm reads the optimiser inputs; errors are keyed "opt.…".
func readOptimizeForm(lang string, vals url.Values, areas []string) (optimizeForm, app.OptimizeInput, map[string]string) {
	f := optimizeForm{Appraisal: vals.Get("w_appraisal"), Jobs: vals.Get("w_jobs"), Priority: vals.Get("w_priority"),
		Share: vals.Get("share"), Min: map[string]string{}, Max: map[string]string{}}
	in := app.OptimizeInput{Weights: app.DefaultWeights}
	errs := map[string]string{}
	for _, n := range []struct {
		name, raw string
		dst       *int
	}{{"w_appraisal", f.Appraisal, &in.Weights.Appraisal}, {"w_jobs", f.Jobs, &in.Weights.Jobs}, {"w_priority", f.Priority, &in.Weights.Priority}} {
		v, set, ok, tooLarge := parseCount(n.raw)
		switch {
		case !ok || tooLarge || v < 0:
			errs["opt."+n.name] = locale.T(lang, "webplan.err.weight")
		case set:
			*n.dst = v
		}
	}
	if strings.TrimSpace(f.Share) != "" {
		bp, ok := parsePercent(f.Share)
		if !ok || bp <= 0 || bp > 10000 {
			errs["opt.share"] = locale.T(lang, "webplan.err.share")
		} else {
			in.CommuneShareBP = bp
		}
	}
	for _, a := range areas {
		for _, lim := range []struct {
			prefix string
			raw    map[string]string
			dst    *map[string]int64
		}{{"min_", f.Min, &in.AreaMin}, {"max_", f.Max, &in.AreaMax}} {
			raw := vals.Get(lim.prefix + a)
			lim.raw[a] = raw
			v, set, ok, tooLarge := parseMoney(raw)
			if !ok || tooLarge {
				errs["opt."+lim.prefix+a] = locale.T(lang, "webelig.err.money")
				continue
			}
			if set {
				if *lim.dst == nil {
					*lim.dst = map[string]int64{}
				}
				(*lim.dst)[a] = v
			}
		}
	}
	return f, in, errs
}

// candidateAreas lists the content areas of a plan's candidates.
func candidateAreas(p app.PlanView) []string {
	var out []string
	for _, c := range p.Candidates {
		if c.ContentArea != "" && !slices.Contains(out, c.ContentArea) {
			out = append(out, c.ContentArea)
		}
	}
	slices.Sort(out)
	return out
}

func (s *Server) optimizePlan(w http.ResponseWriter, r *http.Request) {
	s.runOptimizer(w, r, false)
}

func (s *Server) saveScenario(w http.ResponseWriter, r *http.Request) {
	s.runOptimizer(w, r, true)
}

// runOptimizer solves the plan with the submitted inputs and shows the
// result on the plan page, or saves it as a named scenario.
func (s *Server) runOptimizer(w http.ResponseWriter, r *http.Request, save bool) {
	id, ok := s.postedID(w, r, planFormBytes)
	if !ok {
		return
	}
	ctx := r.Context()
	lang := s.lang(r)
	p, err := s.app.Plan(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, in, errs := readOptimizeForm(lang, r.PostForm, candidateAreas(p))
	v := planView{Opt: f, Env: envelopeForm{Source: kc.SourceProvincial}, Name: r.PostFormValue("name")}
	if len(errs) > 0 {
		s.renderPlan(w, r, id, http.StatusUnprocessableEntity, v, errs, "")
		return
	}
	if save {
		sc, err := s.app.SaveScenario(ctx, id, v.Name, in)
		if err == nil {
			http.Redirect(w, r, planURL(id, "/scenarios/"+strconv.FormatInt(sc.ID, 10)+"?done=scenario"), http.StatusSeeOther)
			return
		}
		if errs = fieldErrors(lang, "opt.", err); errs == nil {
			s.fail(w, r, err)
			return
		}
		s.renderPlan(w, r, id, http.StatusUnprocessableEntity, v, errs, "")
		return
	}
	res, err := s.app.Optimize(ctx, id, in)
	if err != nil {
		if errs = fieldErrors(lang, "opt.", err); errs == nil {
			s.fail(w, r, err)
			return
		}
		s.renderPlan(w, r, id, http.StatusUnprocessableEntity, v, errs, "")
		return
	}
	rv := newOptimumView(lang, res)
	v.Result = &rv
	s.renderPlan(w, r, id, http.StatusOK, v, nil, "")
}

// newOptimumView renders an optimiser result in lang.
func newOptimumView(lang string, res app.OptimizeResult) optimumView {
	tr := func(es []app.Explanation) []string {
		out := make([]string, 0, len(es))
		for _, e := range es {
			out = append(out, locale.T(lang, e.Key, e.Args...))
		}
		return out
	}
	v := optimumView{Status: res.Status, Optimal: newPortfolioView(res.Optimal), Greedy: newPortfolioView(res.Greedy), Bound: res.Bound,
		Nodes: res.Nodes, Elapsed: elapsedText(res.Elapsed), Binding: tr(res.Binding), Marginals: tr(res.Marginals),
		Conflict: tr(res.Conflicts), ScoreGain: signed(res.Optimal.Score - res.Greedy.Score), JobsGain: signed(int64(res.Optimal.Jobs - res.Greedy.Jobs))}
	for _, rj := range res.Rejected {
		v.Rejected = append(v.Rejected, rejectedRow{ProjectID: rj.ProjectID, Code: rj.Code, Title: rj.Title, Score: rj.Score,
			Why: locale.T(lang, rj.Why.Key, rj.Why.Args...)})
	}
	return v
}

// newPortfolioView orders a portfolio's costs by source.
func newPortfolioView(p app.Portfolio) portfolioView {
	v := portfolioView{Portfolio: p}
	for _, src := range kc.FundingSources {
		if amount, ok := p.Cost[src]; ok {
			v.Costs = append(v.Costs, sourceAmount{Source: src, Amount: amount})
		}
	}
	return v
}

// signed writes a difference with its sign: "+159", "−3", "0".
func signed(n int64) string {
	switch {
	case n > 0:
		return "+" + vi.FormatNumber(n)
	case n < 0:
		return "−" + vi.FormatNumber(-n)
	}
	return "0"
}

// elapsedText writes a solver time: "37 ms", "1,4 s".
func elapsedText(d time.Duration) string {
	if d < time.Second {
		return strconv.FormatInt(max(d.Milliseconds(), 0), 10) + " ms"
	}
	return strings.Replace(strconv.FormatFloat(d.Seconds(), 'f', 1, 64), ".", ",", 1) + " s"
}

// optimizeFormOf fills the optimiser form with a scenario's inputs.
func optimizeFormOf(in app.OptimizeInput) optimizeForm {
	f := optimizeForm{Appraisal: strconv.Itoa(in.Weights.Appraisal), Jobs: strconv.Itoa(in.Weights.Jobs),
		Priority: strconv.Itoa(in.Weights.Priority), Min: map[string]string{}, Max: map[string]string{}}
	if in.CommuneShareBP > 0 {
		f.Share = percentInput(in.CommuneShareBP)
	}
	for a, v := range in.AreaMin {
		f.Min[a] = vi.FormatNumber(v)
	}
	for a, v := range in.AreaMax {
		f.Max[a] = vi.FormatNumber(v)
	}
	return f
}

func (s *Server) showScenario(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sid, err := strconv.ParseInt(r.PathValue("sid"), 10, 64)
	if err != nil || sid <= 0 {
		s.fail(w, r, kc.Errorf(kc.ENotFound, "error.not_found"))
		return
	}
	lang := s.lang(r)
	res, sum, err := s.app.Scenario(r.Context(), sid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rv := newOptimumView(lang, res)
	rv.Name = sum.Name
	v := planView{Opt: optimizeFormOf(res.Input), Env: envelopeForm{Source: kc.SourceProvincial}, Result: &rv}
	flash := ""
	if r.URL.Query().Get("done") == "scenario" {
		flash = locale.T(lang, "webplan.done.scenario")
	}
	s.renderPlan(w, r, id, http.StatusOK, v, nil, flash)
}

// compareView is the data of the side-by-side scenario comparison.
type compareView struct {
	PlanID int64
	app.ScenarioComparison
}

func (s *Server) compareScenarios(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var ids []int64
	for _, raw := range r.URL.Query()["s"] {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n <= 0 {
			s.fail(w, r, kc.Errorf(kc.ENotFound, "error.not_found"))
			return
		}
		ids = append(ids, n)
	}
	c, err := s.app.CompareScenarios(r.Context(), ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "plan_compare", s.page(r, locale.T(s.lang(r), "webplan.compare.title"), "plans", compareView{PlanID: id, ScenarioComparison: c}))
}
