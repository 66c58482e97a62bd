package app

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"khuyencong/internal/allocate"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Optimiser settings.
const (
	// optimizeDeadline bounds one solve; a plan's candidates number in
	// the tens or hundreds, which the exact solver proves in far less.
	optimizeDeadline = 20 * time.Second
	// explainLimit is how many left-out proposals get the exact points
	// they would cost if forced in.
	explainLimit = 50
)

// Pick is one proposal of a portfolio.
type Pick struct {
	ProjectID                             int64
	Code, Title, CommuneName, ContentArea string
	Score                                 int64
	Jobs                                  int
	StateCost                             int64
}

// Explanation is one sentence of an optimiser result: a catalog key and
// its arguments, already formatted as text (amounts as "1.500.000 ₫"), so
// that it renders the same after a JSON round trip.
type Explanation struct {
	Key  string
	Args []any
}

// Portfolio is a selection of proposals with its totals: score, expected
// jobs, cost per state source and in total.
type Portfolio struct {
	Picks     []Pick
	Score     int64
	Jobs      int
	Cost      map[string]int64
	StateCost int64
}

// RejectedView says why a candidate is not in the optimal portfolio.
type RejectedView struct {
	ProjectID   int64
	Code, Title string
	Score       int64
	Why         Explanation
}

// OptimizeResult is the optimiser's answer: the proven optimum beside the
// selection "highest score first while the money lasts" (Greedy), the
// proven bound and the search effort, the limits that shape the optimum
// with how much of each is used, every candidate left out with why, what
// one more million đồng of each source would buy, and, when no portfolio
// satisfies every limit, which limits conflict, in words. Status is
// "optimal", "infeasible", or "feasible" when the time limit stopped the
// search before optimality was proven (Bound says how far it may be).
type OptimizeResult struct {
	Status          string
	Optimal, Greedy Portfolio
	Bound           int64
	Nodes           int
	Elapsed         time.Duration
	Binding         []Explanation
	Rejected        []RejectedView
	Marginals       []Explanation
	Conflicts       []Explanation
	Input           OptimizeInput
}

// Result statuses.
const (
	StatusOptimal    = "optimal"
	StatusInfeasible = "infeasible"
	StatusFeasible   = "feasible"
)

// ex returns an explanation.
func ex(key string, args ...any) Explanation { return Explanation{Key: key, Args: args} }

// sourceName names a funding source in a sentence ("nguồn tỉnh").
func sourceName(s string) string { return locale.T(locale.Default, "plan.source."+s) }

// validateOptimize checks an optimiser input against a plan's candidates
// and the catalogue of content areas; field names are those of the
// optimiser form (w_appraisal, w_jobs, w_priority, share, min_<area>,
// max_<area>, pins).
func (a *App) validateOptimize(ctx context.Context, st planState, in OptimizeInput) error {
	var errs kc.Errors
	for _, w := range []struct {
		field string
		v     int
	}{{"w_appraisal", in.Weights.Appraisal}, {"w_jobs", in.Weights.Jobs}, {"w_priority", in.Weights.Priority}} {
		switch {
		case w.v < 0:
			errs = append(errs, kc.FieldError(w.field, "plan.err.weight", w.v))
		case w.v > maxWeight:
			errs = append(errs, kc.FieldError(w.field, "plan.err.weight_large", vi.FormatNumber(maxWeight)))
		}
	}
	if in.CommuneShareBP < 0 || in.CommuneShareBP > 10_000 {
		errs = append(errs, kc.FieldError("share", "plan.err.share", in.CommuneShareBP))
	}
	var known []string
	if len(in.AreaMin)+len(in.AreaMax) > 0 {
		var err error
		if known, err = a.contentAreaCodes(ctx); err != nil {
			return err
		}
	}
	for _, lim := range []struct {
		prefix string
		m      map[string]int64
	}{{"min_", in.AreaMin}, {"max_", in.AreaMax}} {
		for _, area := range slices.Sorted(maps.Keys(lim.m)) {
			v := lim.m[area]
			switch {
			case !slices.Contains(known, area):
				errs = append(errs, kc.FieldError(lim.prefix+area, "plan.err.area", area))
			case v < 0:
				errs = append(errs, kc.FieldError(lim.prefix+area, "plan.err.limit_negative", area))
			case v > maxPlanAmount:
				errs = append(errs, kc.FieldError(lim.prefix+area, "plan.err.amount_large", vi.FormatVND(maxPlanAmount)))
			}
		}
	}
	for _, area := range slices.Sorted(maps.Keys(in.AreaMin)) {
		if hi, ok := in.AreaMax[area]; ok && in.AreaMin[area] > hi {
			errs = append(errs, kc.FieldError("min_"+area, "plan.err.min_above_max", area, vi.FormatVND(in.AreaMin[area]), vi.FormatVND(hi)))
		}
	}
	ids := slices.Sorted(maps.Keys(in.Pins))
	for _, id := range ids {
		if !slices.ContainsFunc(st.candidates, func(c store.PlanCandidate) bool { return c.ProjectID == id }) {
			errs = append(errs, kc.FieldError("pins", "plan.err.pin_not_candidate", strconv.FormatInt(id, 10)))
			continue
		}
		if _, ok := pinWords[in.Pins[id]]; !ok {
			errs = append(errs, kc.FieldError("pins", "plan.err.pin", strconv.Itoa(int(in.Pins[id]))))
		}
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errs.Err()
}

// instance builds the optimiser's instance of a loaded plan: one proposal
// per candidate (value = score under the input's weights, cost = planned
// funding per state source, area, commune, pin), a budget per state
// source equal to what its envelope has left (a source the candidates ask
// for without an envelope has nothing: no envelope, no money), area
// maximums from the area envelopes (what they have left, over all their
// sources) unless the input gives one, the input's area minimums, and the
// per-commune cap as the given share of the total budget.
func instance(st planState, in OptimizeInput) (allocate.Instance, []CandidateView) {
	cands := candidateViews(st.candidates, in.Weights, in.Pins)
	inst := allocate.Instance{Budget: map[string]int64{}}
	for _, e := range st.envelopes {
		if e.ContentArea != "" {
			continue
		}
		c, _ := committedOf(st.commitments, e.Source, "")
		inst.Budget[e.Source] = max(0, e.Amount-c)
	}
	for _, c := range cands {
		for s := range c.Cost {
			if _, ok := inst.Budget[s]; !ok {
				inst.Budget[s] = 0
			}
		}
	}
	areaMax := map[string]int64{}
	for _, e := range st.envelopes {
		if e.ContentArea == "" {
			continue
		}
		c, _ := committedOf(st.commitments, e.Source, e.ContentArea)
		areaMax[e.ContentArea] += max(0, e.Amount-c)
	}
	for area, v := range in.AreaMax {
		areaMax[area] = v
	}
	if len(areaMax) > 0 {
		inst.AreaMax = areaMax
	}
	if len(in.AreaMin) > 0 {
		inst.AreaMin = map[string]int64{}
		for area, v := range in.AreaMin {
			inst.AreaMin[area] = v
		}
	}
	if in.CommuneShareBP > 0 {
		var total int64
		for _, b := range inst.Budget {
			total += b
		}
		inst.GroupCap = total / 10_000 * int64(in.CommuneShareBP)
		inst.GroupCap += total % 10_000 * int64(in.CommuneShareBP) / 10_000
	}
	for _, c := range cands {
		inst.Proposals = append(inst.Proposals, allocate.Proposal{ID: c.Code, Value: c.Score, Cost: c.Cost, Area: c.ContentArea,
			Group: strconv.FormatInt(c.CommuneID, 10), Pin: c.Pin})
	}
	return inst, cands
}

// PlanInstance returns the instance Optimize solves for plan id and
// input in, with the candidates in the order of its proposals (the
// command line writes it as an LP file for glpsol).
func (a *App) PlanInstance(ctx context.Context, planID int64, in OptimizeInput) (allocate.Instance, []CandidateView, error) {
	p, err := requirePlanRead(ctx)
	if err != nil {
		return allocate.Instance{}, nil, err
	}
	st, err := a.loadPlan(ctx, p, planID)
	if err != nil {
		return allocate.Instance{}, nil, err
	}
	if err := a.validateOptimize(ctx, st, in); err != nil {
		return allocate.Instance{}, nil, err
	}
	inst, cands := instance(st, in)
	return inst, cands, nil
}

// Optimize chooses the portfolio of plan id's candidates with the highest
// total score under every limit (see OptimizeInput and instance), proven
// optimal, beside the greedy choice, with explanations. Bad input is a
// field error; limits that cannot all hold are not an error but the
// status "infeasible" with the conflicting limits in words. Reading
// plans is enough: nothing is stored (SaveScenario stores a run).
func (a *App) Optimize(ctx context.Context, planID int64, in OptimizeInput) (OptimizeResult, error) {
	p, err := requirePlanRead(ctx)
	if err != nil {
		return OptimizeResult{}, err
	}
	st, err := a.loadPlan(ctx, p, planID)
	if err != nil {
		return OptimizeResult{}, err
	}
	return a.optimize(ctx, st, in)
}

// optimize solves a loaded plan.
func (a *App) optimize(ctx context.Context, st planState, in OptimizeInput) (OptimizeResult, error) {
	if err := a.validateOptimize(ctx, st, in); err != nil {
		return OptimizeResult{}, err
	}
	inst, cands := instance(st, in)
	res := OptimizeResult{Input: in}
	if err := allocate.Validate(inst); err != nil {
		return res, validationError(err, cands)
	}
	start := time.Now()
	sol, err := allocate.Solve(ctx, inst, allocate.Options{Explain: true, ExplainLimit: explainLimit, Deadline: optimizeDeadline})
	res.Elapsed = time.Since(start)
	if err != nil && !errors.Is(err, allocate.ErrTimeout) {
		if ve, ok := errors.AsType[*allocate.ValidationError](err); ok {
			return res, validationError(ve, cands)
		}
		return res, err
	}
	areas, err := a.contentAreaNames(ctx)
	if err != nil {
		return res, err
	}
	x := explainer{cands: cands, areas: areas, inst: inst}
	res.Bound, res.Nodes = sol.Bound, sol.Nodes
	switch sol.Status {
	case allocate.Infeasible:
		res.Status = StatusInfeasible
		res.Optimal, res.Greedy = portfolio(cands, nil), portfolio(cands, nil)
		res.Conflicts = append(res.Conflicts, ex("plan.conflict.intro"))
		for _, c := range sol.Conflict {
			res.Conflicts = append(res.Conflicts, x.conflict(c))
		}
		return res, nil
	case allocate.Unknown:
		return res, kc.Errorf(kc.EConflict, "plan.err.no_solution_in_time", int(optimizeDeadline/time.Second))
	case allocate.Feasible:
		res.Status = StatusFeasible
	default:
		res.Status = StatusOptimal
	}
	res.Optimal = portfolio(cands, sol.Selected)
	if g := allocate.Greedy(inst); g.Status != allocate.Infeasible {
		res.Greedy = portfolio(cands, g.Selected)
	} else {
		res.Greedy = portfolio(cands, nil)
	}
	for _, c := range sol.Constraints {
		if c.Binding {
			res.Binding = append(res.Binding, x.binding(c))
		}
	}
	for _, r := range sol.Rejected {
		if r.Index < 0 || r.Index >= len(cands) {
			continue
		}
		c := cands[r.Index]
		res.Rejected = append(res.Rejected, RejectedView{ProjectID: c.ProjectID, Code: c.Code, Title: c.Title, Score: c.Score, Why: x.rejection(r)})
	}
	slices.SortStableFunc(res.Rejected, func(p, q RejectedView) int {
		return cmp.Or(cmp.Compare(q.Score, p.Score), strings.Compare(p.Code, q.Code))
	})
	marginals := slices.Clone(sol.Marginals)
	slices.SortStableFunc(marginals, func(x, y allocate.Marginal) int { return cmp.Compare(sourceRank(x.Source), sourceRank(y.Source)) })
	for _, m := range marginals {
		if m.Gain > 0 {
			res.Marginals = append(res.Marginals, ex("plan.why.marginal", vi.FormatVND(m.Extra), sourceName(m.Source), vi.FormatNumber(m.Gain)))
		} else {
			res.Marginals = append(res.Marginals, ex("plan.why.marginal_none", vi.FormatVND(m.Extra), sourceName(m.Source)))
		}
	}
	return res, nil
}

// validationError turns the solver's complaint about an instance into a
// field error; the checks before it leave only sums too large for int64.
func validationError(err error, cands []CandidateView) error {
	ve, ok := errors.AsType[*allocate.ValidationError](err)
	if !ok {
		return err
	}
	code := ve.Key
	if ve.Index >= 0 && ve.Index < len(cands) {
		code = cands[ve.Index].Code
	}
	return kc.FieldError("pins", "plan.err.too_large", code).Wrap(err)
}

// contentAreaNames maps content area codes to their names.
func (a *App) contentAreaNames(ctx context.Context) (map[string]string, error) {
	areas, err := a.Store.ListContentAreas(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(areas))
	for _, c := range areas {
		out[c.Code] = c.Name
	}
	return out, nil
}

// portfolio totals the selected candidates (none when sel is nil), picks
// ordered by score, highest first.
func portfolio(cands []CandidateView, sel []bool) Portfolio {
	p := Portfolio{Picks: []Pick{}, Cost: map[string]int64{}}
	for i, c := range cands {
		if i >= len(sel) || !sel[i] {
			continue
		}
		p.Picks = append(p.Picks, Pick{ProjectID: c.ProjectID, Code: c.Code, Title: c.Title, CommuneName: c.CommuneName, ContentArea: c.ContentArea,
			Score: c.Score, Jobs: c.ExpectedJobs, StateCost: c.StateCost})
		p.Score += c.Score
		p.Jobs += c.ExpectedJobs
		p.StateCost += c.StateCost
		for s, v := range c.Cost {
			p.Cost[s] += v
		}
	}
	slices.SortStableFunc(p.Picks, func(x, y Pick) int { return cmp.Or(cmp.Compare(y.Score, x.Score), strings.Compare(x.Code, y.Code)) })
	return p
}

// explainer puts the solver's constraints into words.
type explainer struct {
	cands []CandidateView
	areas map[string]string
	inst  allocate.Instance
}

// pinnedIn reports whether some proposal is pinned in: a proposal that
// "does not fit" then does not fit beside those.
func (x explainer) pinnedIn() bool {
	for _, p := range x.inst.Proposals {
		if p.Pin == allocate.In {
			return true
		}
	}
	return false
}

// area names a content area: "CA3 (Mô hình trình diễn …)".
func (x explainer) area(code string) string {
	if n := x.areas[code]; n != "" {
		return code + " (" + n + ")"
	}
	return code
}

// commune names the commune of a group key (a commune id).
func (x explainer) commune(key string) string {
	id, _ := strconv.ParseInt(key, 10, 64)
	for _, c := range x.cands {
		if c.CommuneID == id {
			return c.CommuneName
		}
	}
	return key
}

// candidate returns the candidate with code id.
func (x explainer) candidate(id string) (CandidateView, bool) {
	for _, c := range x.cands {
		if c.Code == id {
			return c, true
		}
	}
	return CandidateView{}, false
}

// binding describes a constraint that shapes the optimum, with how much
// of it is used.
func (x explainer) binding(c allocate.Constraint) Explanation {
	switch c.Kind {
	case allocate.Budget:
		return ex("plan.why.binding_budget", sourceName(c.Key), vi.FormatVND(c.Used), vi.FormatVND(c.Limit))
	case allocate.AreaMin:
		return ex("plan.why.binding_area_min", x.area(c.Key), vi.FormatVND(c.Used), vi.FormatVND(c.Limit))
	case allocate.AreaMax:
		return ex("plan.why.binding_area_max", x.area(c.Key), vi.FormatVND(c.Used), vi.FormatVND(c.Limit))
	case allocate.GroupCap:
		return ex("plan.why.binding_group", x.commune(c.Key), vi.FormatVND(c.Used), vi.FormatVND(c.Limit))
	case allocate.PinIn:
		return ex("plan.why.binding_pin_in", c.Key)
	default:
		return ex("plan.why.binding_pin_out", c.Key)
	}
}

// limits describes the limits a proposal would break, for a rejection:
// "nguồn tỉnh (hạn mức 1.060.000.000 ₫)".
func (x explainer) limits(cs []allocate.Constraint) string {
	var parts []string
	for _, c := range cs {
		var s string
		switch c.Kind {
		case allocate.Budget:
			s = locale.T(locale.Default, "plan.limit.budget", sourceName(c.Key), vi.FormatVND(c.Limit))
		case allocate.AreaMax:
			s = locale.T(locale.Default, "plan.limit.area_max", x.area(c.Key), vi.FormatVND(c.Limit))
		case allocate.AreaMin:
			s = locale.T(locale.Default, "plan.limit.area_min", x.area(c.Key), vi.FormatVND(c.Limit))
		case allocate.GroupCap:
			s = locale.T(locale.Default, "plan.limit.group", x.commune(c.Key), vi.FormatVND(c.Limit))
		case allocate.PinIn:
			s = locale.T(locale.Default, "plan.limit.pin_in", c.Key)
		case allocate.PinOut:
			s = locale.T(locale.Default, "plan.limit.pin_out", c.Key)
		}
		if s != "" && !slices.Contains(parts, s) {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "; ")
}

// rejection says why a candidate is left out.
func (x explainer) rejection(r allocate.Rejection) Explanation {
	lim := x.limits(r.Blocking)
	switch r.Reason {
	case allocate.PinnedOut:
		return ex("plan.why.pinned_out")
	case allocate.DoesNotFit:
		switch {
		case lim == "":
			return ex("plan.why.does_not_fit_any")
		case x.pinnedIn():
			return ex("plan.why.does_not_fit_pinned", lim)
		}
		return ex("plan.why.does_not_fit", lim)
	}
	if lim == "" {
		lim = locale.T(locale.Default, "plan.limit.other")
	}
	switch {
	case r.Loss > 0:
		return ex("plan.why.displaced_loss", vi.FormatNumber(r.Loss), lim)
	case r.Loss == 0:
		return ex("plan.why.displaced_tie", lim)
	case r.LossBound > 0:
		return ex("plan.why.displaced_bound", vi.FormatNumber(r.LossBound), lim)
	}
	return ex("plan.why.displaced", lim)
}

// conflict describes one of a set of limits that cannot hold together.
func (x explainer) conflict(c allocate.Constraint) Explanation {
	switch c.Kind {
	case allocate.Budget:
		return ex("plan.conflict.budget", sourceName(c.Key), vi.FormatVND(c.Limit))
	case allocate.AreaMin:
		return ex("plan.conflict.area_min", x.area(c.Key), vi.FormatVND(c.Limit))
	case allocate.AreaMax:
		return ex("plan.conflict.area_max", x.area(c.Key), vi.FormatVND(c.Limit))
	case allocate.GroupCap:
		return ex("plan.conflict.group", vi.FormatVND(c.Limit))
	case allocate.PinIn:
		if cand, ok := x.candidate(c.Key); ok {
			return ex("plan.conflict.pin_in", cand.Code, cand.Title, costText(cand.Cost))
		}
		return ex("plan.conflict.pin_in", c.Key, "", "")
	default:
		if cand, ok := x.candidate(c.Key); ok {
			return ex("plan.conflict.pin_out", cand.Code, cand.Title)
		}
		return ex("plan.conflict.pin_out", c.Key, "")
	}
}

// costText writes a cost per source: "nguồn tỉnh 250.000.000 ₫, nguồn xã
// 50.000.000 ₫".
func costText(cost map[string]int64) string {
	var parts []string
	for _, s := range stateSources {
		if v := cost[s]; v > 0 {
			parts = append(parts, sourceName(s)+" "+vi.FormatVND(v))
		}
	}
	return strings.Join(parts, ", ")
}
