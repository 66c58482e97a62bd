package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"khuyencong/internal/allocate"
	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
)

func (x *API) planRoutes() {
	x.handle("GET /api/v1/plans", x.listPlans)
	x.handle("POST /api/v1/plans", x.createPlan)
	x.handle("GET /api/v1/plans/{id}", x.getPlan)
	x.handle("PUT /api/v1/plans/{id}/envelopes", x.putEnvelope)
	x.handle("PUT /api/v1/plans/{id}/candidates/{project}", x.putPin)
	x.handle("POST /api/v1/plans/{id}/optimize", x.optimizePlan)
	x.handle("GET /api/v1/plans/{id}/scenarios", x.listScenarios)
	x.handle("POST /api/v1/plans/{id}/scenarios", x.saveScenario)
	x.handle("GET /api/v1/scenarios/compare", x.compareScenarios)
	x.handle("GET /api/v1/scenarios/{id}", x.getScenario)
}

// PlanSummary is one annual plan in GET /api/v1/plans.
type PlanSummary struct {
	ID         int64  `json:"id"`
	Year       int    `json:"year"`
	UnitCode   string `json:"unit_code"`
	UnitName   string `json:"unit_name"`
	Envelope   int64  `json:"envelope"`
	Committed  int64  `json:"committed"`
	Available  int64  `json:"available"`
	Candidates int    `json:"candidates"`
}

// PlanList is the body of GET /api/v1/plans.
type PlanList struct {
	Items []PlanSummary `json:"items"`
}

// Envelope is one budget envelope of a plan: the amount of a funding
// source (for one content area, or for all when content_area is ""),
// what approved projects already commit, what was paid out, and what is
// left.
type Envelope struct {
	Source      string `json:"source"`
	ContentArea string `json:"content_area"`
	Amount      int64  `json:"amount"`
	Committed   int64  `json:"committed"`
	Disbursed   int64  `json:"disbursed"`
	Available   int64  `json:"available"`
}

// Candidate is one proposal the plan may fund, with its transparent score.
type Candidate struct {
	ProjectID      int64            `json:"project_id"`
	Code           string           `json:"code"`
	Title          string           `json:"title"`
	Commune        string           `json:"commune"`
	ContentArea    string           `json:"content_area"`
	State          string           `json:"state"`
	Cost           map[string]int64 `json:"cost"`
	StateCost      int64            `json:"state_cost"`
	AppraisalAvg   float64          `json:"appraisal_avg"`
	Scorers        int              `json:"scorers"`
	ExpectedJobs   int              `json:"expected_jobs"`
	PriorityPoints int              `json:"priority_points"`
	Score          int64            `json:"score"`
	Pin            string           `json:"pin"`
}

// Scenario summarises a saved optimiser run.
type Scenario struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	Score     int64     `json:"score"`
	Jobs      int       `json:"jobs"`
	Picks     int       `json:"picks"`
	StateCost int64     `json:"state_cost"`
}

// Plan is the body of GET /api/v1/plans/{id}.
type Plan struct {
	ID         int64       `json:"id"`
	Year       int         `json:"year"`
	UnitCode   string      `json:"unit_code"`
	UnitName   string      `json:"unit_name"`
	Note       string      `json:"note"`
	Version    int         `json:"version"`
	Envelopes  []Envelope  `json:"envelopes"`
	Candidates []Candidate `json:"candidates"`
	Scenarios  []Scenario  `json:"scenarios"`
	Editable   bool        `json:"editable"`
}

// PlanCreate is the body of POST /api/v1/plans.
type PlanCreate struct {
	Year int    `json:"year"`
	Unit string `json:"unit"`
	Note string `json:"note"`
}

// EnvelopeSet is the body of PUT /api/v1/plans/{id}/envelopes.
type EnvelopeSet struct {
	Source      string `json:"source"`
	ContentArea string `json:"content_area"`
	Amount      int64  `json:"amount"`
	Version     int    `json:"version"`
}

// PinSet is the body of PUT /api/v1/plans/{id}/candidates/{project}.
type PinSet struct {
	Pin string `json:"pin"` // free | in | out
}

// Weights are the weights of the candidate score: score = appraisal ×
// average appraisal score (0–100) + jobs × expected jobs + priority ×
// priority points.
type Weights struct {
	Appraisal int `json:"appraisal"`
	Jobs      int `json:"jobs"`
	Priority  int `json:"priority"`
}

// OptimizeRequest is the body of POST /api/v1/plans/{id}/optimize and,
// with a name, of POST /api/v1/plans/{id}/scenarios.
type OptimizeRequest struct {
	Name           string            `json:"name,omitempty"`
	Weights        *Weights          `json:"weights"`
	AreaMin        map[string]int64  `json:"area_min"`
	AreaMax        map[string]int64  `json:"area_max"`
	CommuneShareBP int               `json:"commune_share_bp"`
	Pins           map[string]string `json:"pins"` // project id → free | in | out
}

// Pick is one selected proposal.
type Pick struct {
	ProjectID   int64  `json:"project_id"`
	Code        string `json:"code"`
	Title       string `json:"title"`
	Commune     string `json:"commune"`
	ContentArea string `json:"content_area"`
	Score       int64  `json:"score"`
	Jobs        int    `json:"jobs"`
	StateCost   int64  `json:"state_cost"`
}

// Portfolio is a set of selected proposals with its totals.
type Portfolio struct {
	Picks     []Pick           `json:"picks"`
	Score     int64            `json:"score"`
	Jobs      int              `json:"jobs"`
	Cost      map[string]int64 `json:"cost"`
	StateCost int64            `json:"state_cost"`
}

// Rejected says why a candidate is not in the optimal portfolio.
type Rejected struct {
	ProjectID int64  `json:"project_id"`
	Code      string `json:"code"`
	Title     string `json:"title"`
	Score     int64  `json:"score"`
	Why       string `json:"why"`
}

// OptimizeResponse is the proven optimum beside the "highest score first
// while the money lasts" selection, with its explanation in Vietnamese.
type OptimizeResponse struct {
	Status    string     `json:"status"` // optimal | feasible (time limit) | infeasible
	Optimal   Portfolio  `json:"optimal"`
	Greedy    Portfolio  `json:"greedy"`
	Bound     int64      `json:"bound"`
	Nodes     int        `json:"nodes"`
	ElapsedMS float64    `json:"elapsed_ms"`
	Binding   []string   `json:"binding"`
	Rejected  []Rejected `json:"rejected"`
	Marginals []string   `json:"marginals"`
	Conflicts []string   `json:"conflicts"`
	Scenario  *Scenario  `json:"scenario,omitempty"`
}

// ScenarioList is the body of GET /api/v1/plans/{id}/scenarios.
type ScenarioList struct {
	Items []Scenario `json:"items"`
}

// ComparisonRow says, for one proposal, which compared scenarios fund it.
type ComparisonRow struct {
	ProjectID int64  `json:"project_id"`
	Code      string `json:"code"`
	Title     string `json:"title"`
	In        []bool `json:"in"`
}

// Comparison is the body of GET /api/v1/scenarios/compare?ids=1,2.
type Comparison struct {
	Scenarios []Scenario      `json:"scenarios"`
	Rows      []ComparisonRow `json:"rows"`
}

// pinNames maps the optimiser's pins to their API words.
var pinNames = map[allocate.Pin]string{allocate.Free: "free", allocate.In: "in", allocate.Out: "out"}

// parsePin reads a pin word; field names the input for the error.
func parsePin(field, s string) (allocate.Pin, error) {
	for p, n := range pinNames {
		if n == strings.TrimSpace(s) {
			return p, nil
		}
	}
	return allocate.Free, kc.FieldError(field, "plan.err.pin", s)
}

func toScenario(s app.ScenarioSummary) Scenario {
	return Scenario{ID: s.ID, Name: s.Name, CreatedAt: s.CreatedAt, Score: s.Score, Jobs: s.Jobs, Picks: s.Picks, StateCost: s.StateCost}
}

func toPlan(v app.PlanView) Plan {
	p := Plan{ID: v.ID, Year: v.Year, UnitCode: v.UnitCode, UnitName: v.UnitName, Note: v.Note, Version: v.Version, Editable: v.CanEdit,
		Envelopes: []Envelope{}, Candidates: []Candidate{}, Scenarios: []Scenario{}}
	for _, e := range v.Envelopes {
		p.Envelopes = append(p.Envelopes, Envelope(e))
	}
	for _, c := range v.Candidates {
		p.Candidates = append(p.Candidates, Candidate{ProjectID: c.ProjectID, Code: c.Code, Title: c.Title, Commune: c.CommuneName,
			ContentArea: c.ContentArea, State: c.State, Cost: c.Cost, StateCost: c.StateCost, AppraisalAvg: c.AppraisalAvg, Scorers: c.Scorers,
			ExpectedJobs: c.ExpectedJobs, PriorityPoints: c.PriorityPoints, Score: c.Score, Pin: pinNames[c.Pin]})
	}
	for _, s := range v.Scenarios {
		p.Scenarios = append(p.Scenarios, toScenario(s))
	}
	return p
}

func toPortfolio(p app.Portfolio) Portfolio {
	out := Portfolio{Picks: []Pick{}, Score: p.Score, Jobs: p.Jobs, Cost: p.Cost, StateCost: p.StateCost}
	for _, k := range p.Picks {
		out.Picks = append(out.Picks, Pick{ProjectID: k.ProjectID, Code: k.Code, Title: k.Title, Commune: k.CommuneName,
			ContentArea: k.ContentArea, Score: k.Score, Jobs: k.Jobs, StateCost: k.StateCost})
	}
	return out
}

// explain renders explanations in Vietnamese.
func explain(es []app.Explanation) []string {
	out := make([]string, 0, len(es))
	for _, e := range es {
		out = append(out, locale.T(locale.Default, e.Key, e.Args...))
	}
	return out
}

// NewOptimizeResponse renders an optimiser result for the API.
func NewOptimizeResponse(res app.OptimizeResult) OptimizeResponse {
	out := OptimizeResponse{Status: res.Status, Optimal: toPortfolio(res.Optimal), Greedy: toPortfolio(res.Greedy), Bound: res.Bound,
		Nodes: res.Nodes, ElapsedMS: float64(res.Elapsed.Microseconds()) / 1000, Binding: explain(res.Binding),
		Marginals: explain(res.Marginals), Conflicts: explain(res.Conflicts), Rejected: []Rejected{}}
	for _, r := range res.Rejected {
		out.Rejected = append(out.Rejected, Rejected{ProjectID: r.ProjectID, Code: r.Code, Title: r.Title, Score: r.Score,
			Why: locale.T(locale.Default, r.Why.Key, r.Why.Args...)})
	}
	return out
}

// input turns the request into the optimiser input; absent weights take
// the plan defaults.
func (in OptimizeRequest) input() (app.OptimizeInput, error) {
	out := app.OptimizeInput{Weights: app.DefaultWeights, AreaMin: in.AreaMin, AreaMax: in.AreaMax, CommuneShareBP: in.CommuneShareBP}
	if in.Weights != nil {
		out.Weights = app.Weights(*in.Weights)
	}
	if len(in.Pins) > 0 {
		out.Pins = map[int64]allocate.Pin{}
		for k, v := range in.Pins {
			id, err := strconv.ParseInt(k, 10, 64)
			if err != nil || id <= 0 {
				return out, kc.FieldError("pins", "plan.err.pin_project", k)
			}
			p, err := parsePin("pins", v)
			if err != nil {
				return out, err
			}
			out.Pins[id] = p
		}
	}
	return out, nil
}

func (x *API) listPlans(w http.ResponseWriter, r *http.Request) {
	plans, err := x.app.Plans(r.Context())
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := PlanList{Items: []PlanSummary{}}
	for _, p := range plans {
		out.Items = append(out.Items, PlanSummary(p))
	}
	writeJSON(w, http.StatusOK, out)
}

func (x *API) createPlan(w http.ResponseWriter, r *http.Request) {
	var in PlanCreate
	if !x.decode(w, r, &in) {
		return
	}
	v, err := x.app.CreatePlan(r.Context(), in.Year, in.Unit, in.Note)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/plans/"+strconv.FormatInt(v.ID, 10))
	writeJSON(w, http.StatusCreated, toPlan(v))
}

func (x *API) getPlan(w http.ResponseWriter, r *http.Request) {
	id, ok := x.wildcardID(w, r, "id")
	if !ok {
		return
	}
	v, err := x.app.Plan(r.Context(), id)
	x.reply(w, r, http.StatusOK, toPlan(v), err)
}

func (x *API) putEnvelope(w http.ResponseWriter, r *http.Request) {
	id, ok := x.wildcardID(w, r, "id")
	if !ok {
		return
	}
	var in EnvelopeSet
	if !x.decode(w, r, &in) {
		return
	}
	v, err := x.app.SetEnvelope(r.Context(), id, in.Source, in.ContentArea, in.Amount, in.Version)
	x.reply(w, r, http.StatusOK, toPlan(v), err)
}

func (x *API) putPin(w http.ResponseWriter, r *http.Request) {
	id, ok := x.wildcardID(w, r, "id")
	if !ok {
		return
	}
	project, ok := x.wildcardID(w, r, "project")
	if !ok {
		return
	}
	var in PinSet
	if !x.decode(w, r, &in) {
		return
	}
	pin, err := parsePin("pin", in.Pin)
	if err == nil {
		var v app.PlanView
		if v, err = x.app.SetPin(r.Context(), id, project, pin); err == nil {
			writeJSON(w, http.StatusOK, toPlan(v))
			return
		}
	}
	x.fail(w, r, err)
}

// optimizeRequest reads an optimiser request and its input; on failure it
// has answered.
func (x *API) optimizeRequest(w http.ResponseWriter, r *http.Request) (OptimizeRequest, app.OptimizeInput, bool) {
	var in OptimizeRequest
	if !x.decode(w, r, &in) {
		return in, app.OptimizeInput{}, false
	}
	opt, err := in.input()
	if err != nil {
		x.fail(w, r, err)
		return in, opt, false
	}
	return in, opt, true
}

func (x *API) optimizePlan(w http.ResponseWriter, r *http.Request) {
	id, ok := x.wildcardID(w, r, "id")
	if !ok {
		return
	}
	_, opt, ok := x.optimizeRequest(w, r)
	if !ok {
		return
	}
	res, err := x.app.Optimize(r.Context(), id, opt)
	x.reply(w, r, http.StatusOK, NewOptimizeResponse(res), err)
}

func (x *API) listScenarios(w http.ResponseWriter, r *http.Request) {
	id, ok := x.wildcardID(w, r, "id")
	if !ok {
		return
	}
	v, err := x.app.Plan(r.Context(), id)
	x.reply(w, r, http.StatusOK, ScenarioList{Items: toPlan(v).Scenarios}, err)
}

func (x *API) saveScenario(w http.ResponseWriter, r *http.Request) {
	id, ok := x.wildcardID(w, r, "id")
	if !ok {
		return
	}
	in, opt, ok := x.optimizeRequest(w, r)
	if !ok {
		return
	}
	s, err := x.app.SaveScenario(r.Context(), id, in.Name, opt)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	res, _, err := x.app.Scenario(r.Context(), s.ID)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := NewOptimizeResponse(res)
	sc := toScenario(s)
	out.Scenario = &sc
	w.Header().Set("Location", "/api/v1/scenarios/"+strconv.FormatInt(s.ID, 10))
	writeJSON(w, http.StatusCreated, out)
}

func (x *API) getScenario(w http.ResponseWriter, r *http.Request) {
	id, ok := x.wildcardID(w, r, "id")
	if !ok {
		return
	}
	res, s, err := x.app.Scenario(r.Context(), id)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := NewOptimizeResponse(res)
	sc := toScenario(s)
	out.Scenario = &sc
	writeJSON(w, http.StatusOK, out)
}

func (x *API) compareScenarios(w http.ResponseWriter, r *http.Request) {
	var ids []int64
	for _, part := range strings.Split(r.URL.Query().Get("ids"), ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil || id <= 0 {
			x.fail(w, r, kc.FieldError("ids", "plan.err.scenario_ids", part))
			return
		}
		ids = append(ids, id)
	}
	c, err := x.app.CompareScenarios(r.Context(), ids)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := Comparison{Scenarios: []Scenario{}, Rows: []ComparisonRow{}}
	for _, s := range c.Scenarios {
		out.Scenarios = append(out.Scenarios, toScenario(s))
	}
	for _, row := range c.Rows {
		out.Rows = append(out.Rows, ComparisonRow(row))
	}
	writeJSON(w, http.StatusOK, out)
}

// wildcardID parses the path wildcard name as a positive id; a malformed
// id answers 404, as an unknown one does.
func (x *API) wildcardID(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	id, err := wildcardInt(r, name)
	if err != nil {
		x.fail(w, r, err)
		return 0, false
	}
	return id, true
}
