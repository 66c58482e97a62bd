package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// ScenarioSummary is a saved optimiser run: its name, when it was saved,
// and the totals of its optimal portfolio.
type ScenarioSummary struct {
	ID        int64
	Name      string
	CreatedAt time.Time
	Score     int64
	Jobs      int
	Picks     int
	StateCost int64
}

// ScenarioComparison puts saved scenarios side by side: their totals and,
// for every proposal that one of them funds, which ones do; Differ lists
// the proposals (project ids) that some fund and others do not.
type ScenarioComparison struct {
	Scenarios []ScenarioSummary
	Rows      []ComparisonRow
	Differ    []int64
}

// ComparisonRow says, for one proposal, which of the compared scenarios
// fund it (In follows the order of the scenarios).
type ComparisonRow struct {
	ProjectID   int64
	Code, Title string
	In          []bool
}

// maxCompared bounds the scenarios compared at once.
const maxCompared = 10

// summaryOf totals a result's optimal portfolio.
func summaryOf(sc store.Scenario, res OptimizeResult) ScenarioSummary {
	o := res.Optimal
	return ScenarioSummary{ID: sc.ID, Name: sc.Name, CreatedAt: sc.CreatedAt, Score: o.Score, Jobs: o.Jobs, Picks: len(o.Picks), StateCost: o.StateCost}
}

// decodeScenario reads a stored scenario's result (its input included).
func decodeScenario(sc store.Scenario) (OptimizeResult, ScenarioSummary, error) {
	var res OptimizeResult
	if err := json.Unmarshal([]byte(sc.Results), &res); err != nil {
		return res, ScenarioSummary{}, fmt.Errorf("app: scenario %d results: %w", sc.ID, err)
	}
	if err := json.Unmarshal([]byte(sc.Inputs), &res.Input); err != nil {
		return res, ScenarioSummary{}, fmt.Errorf("app: scenario %d inputs: %w", sc.ID, err)
	}
	return res, summaryOf(sc, res), nil
}

// SaveScenario solves plan id with input in (as Optimize does) and stores
// the inputs and the result under name, so that scenarios can be reopened
// and compared. It needs PermManagePlans; an infeasible result is saved
// too (it says which limits conflict). Audited.
func (a *App) SaveScenario(ctx context.Context, planID int64, name string, in OptimizeInput) (ScenarioSummary, error) {
	name = strings.TrimSpace(vi.NFC(name))
	_, st, err := a.editablePlan(ctx, planID)
	if err != nil {
		return ScenarioSummary{}, err
	}
	switch {
	case name == "":
		return ScenarioSummary{}, kc.FieldError("name", "plan.err.name_required")
	case utf8.RuneCountInString(name) > maxScenarioName:
		return ScenarioSummary{}, kc.FieldError("name", "plan.err.name_long", maxScenarioName)
	}
	res, err := a.optimize(ctx, st, in)
	if err != nil {
		return ScenarioSummary{}, err
	}
	inputs, err := json.Marshal(in)
	if err != nil {
		return ScenarioSummary{}, err
	}
	results, err := json.Marshal(res)
	if err != nil {
		return ScenarioSummary{}, err
	}
	var saved store.Scenario
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		saved, err = tx.CreateScenario(ctx, store.Scenario{PlanID: planID, Name: name, Inputs: string(inputs), Results: string(results)})
		if err != nil {
			return err
		}
		sum := summaryOf(saved, res)
		return a.audit(ctx, tx, kc.ActionCreate, entityScenario, saved.ID, nil, map[string]any{"plan_id": planID, "name": name,
			"input": in, "status": res.Status, "score": sum.Score, "jobs": sum.Jobs, "picks": sum.Picks, "state_cost": sum.StateCost})
	})
	if err != nil {
		return ScenarioSummary{}, err
	}
	return summaryOf(saved, res), nil
}

// Scenario returns a saved scenario's result (with its input) and summary.
// A scenario of a plan out of the caller's scope is not found.
func (a *App) Scenario(ctx context.Context, id int64) (OptimizeResult, ScenarioSummary, error) {
	p, err := requirePlanRead(ctx)
	if err != nil {
		return OptimizeResult{}, ScenarioSummary{}, err
	}
	sc, err := a.scenarioInScope(ctx, p, id)
	if err != nil {
		return OptimizeResult{}, ScenarioSummary{}, err
	}
	return decodeScenario(sc)
}

// scenarioInScope reads scenario id, not found when its plan is out of
// p's scope.
func (a *App) scenarioInScope(ctx context.Context, p *Principal, id int64) (store.Scenario, error) {
	sc, err := a.Store.GetScenario(ctx, id)
	if err != nil {
		return sc, err
	}
	pl, err := a.Store.GetPlan(ctx, sc.PlanID)
	if err != nil {
		return sc, err
	}
	communes, err := a.planCommunes(ctx, pl.UnitID)
	if err != nil {
		return sc, err
	}
	if !p.HoldsAll(communes) {
		return sc, kc.Errorf(kc.ENotFound, "plan.scenario_not_found", id)
	}
	return sc, nil
}

// CompareScenarios puts saved scenarios side by side, in the order of
// ids: their totals, and one row per proposal that any of them funds
// (ordered by code) saying which fund it. One to maxCompared scenarios,
// each in the caller's scope.
func (a *App) CompareScenarios(ctx context.Context, ids []int64) (ScenarioComparison, error) {
	p, err := requirePlanRead(ctx)
	if err != nil {
		return ScenarioComparison{}, err
	}
	var uniq []int64
	for _, id := range ids {
		if !slices.Contains(uniq, id) {
			uniq = append(uniq, id)
		}
	}
	if len(uniq) == 0 || len(uniq) > maxCompared {
		return ScenarioComparison{}, kc.FieldError("ids", "plan.err.scenario_count", maxCompared)
	}
	out := ScenarioComparison{Rows: []ComparisonRow{}}
	rows := map[int64]*ComparisonRow{}
	for i, id := range uniq {
		sc, err := a.scenarioInScope(ctx, p, id)
		if err != nil {
			return ScenarioComparison{}, err
		}
		res, sum, err := decodeScenario(sc)
		if err != nil {
			return ScenarioComparison{}, err
		}
		out.Scenarios = append(out.Scenarios, sum)
		for _, pk := range res.Optimal.Picks {
			r, ok := rows[pk.ProjectID]
			if !ok {
				r = &ComparisonRow{ProjectID: pk.ProjectID, Code: pk.Code, Title: pk.Title, In: make([]bool, len(uniq))}
				rows[pk.ProjectID] = r
			}
			r.In[i] = true
		}
	}
	for _, r := range rows {
		out.Rows = append(out.Rows, *r)
	}
	slices.SortFunc(out.Rows, func(x, y ComparisonRow) int { return strings.Compare(x.Code, y.Code) })
	for _, r := range out.Rows {
		if slices.Contains(r.In, false) {
			out.Differ = append(out.Differ, r.ProjectID)
		}
	}
	return out, nil
}
