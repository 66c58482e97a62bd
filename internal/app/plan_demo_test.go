package app_test

import (
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/demo"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// TestDemoPlans loads the district demo and checks its annual plans: the
// 2026 plan's commitments come from the 2026 projects, the 2027 plan is
// tight (35–45 % of what the proposals ask of each source), the council's
// scores are there, and with the default weights the proven optimum beats
// "highest score first while the money lasts" on the score it maximises.
func TestDemoPlans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		a := unitApp(t, s)
		if _, err := a.EnsureDemo(ctx); err != nil {
			t.Fatal(err)
		}
		admin := app.WithPrincipal(ctx, app.System)
		plans, err := a.Plans(admin)
		if err != nil || len(plans) != 2 || plans[0].Year != demo.CandidateYear || plans[1].Year != demo.PlanYear || plans[0].UnitCode != demo.PlanProvince {
			t.Fatalf("plans %+v, %v", plans, err)
		}
		cur, err := a.PlanFor(admin, demo.PlanYear, demo.PlanProvince)
		if err != nil {
			t.Fatal(err)
		}
		// 2026: DK-2026-01 (commune 50 m, in progress) and DK-2026-02
		// (provincial 80 m, approved) are committed.
		committed := map[string]int64{}
		for _, e := range cur.Envelopes {
			committed[e.Source] += e.Committed
			if e.Available < 0 || e.Amount < e.Committed {
				t.Errorf("2026 envelope %+v", e)
			}
		}
		if committed[kc.SourceCommune] != 50_000_000 || committed[kc.SourceProvincial] != 80_000_000 {
			t.Errorf("2026 commitments %v", committed)
		}
		next, err := a.PlanFor(admin, demo.CandidateYear, "")
		if err != nil {
			t.Fatal(err)
		}
		if n := len(next.Candidates); n < 30 || n > 40 {
			t.Errorf("%d candidates", n)
		}
		demand := map[string]int64{}
		communes := map[string]bool{}
		scored := 0
		for _, c := range next.Candidates {
			for src, v := range c.Cost {
				demand[src] += v
			}
			communes[c.CommuneName] = true
			if c.Scorers > 0 {
				scored++
				if c.AppraisalAvg < 50 || c.AppraisalAvg > 100 {
					t.Errorf("%s appraisal %v", c.Code, c.AppraisalAvg)
				}
			} else if c.State == kc.StateAppraised {
				t.Errorf("%s appraised without scores", c.Code)
			}
			if c.ExpectedJobs < 0 || c.PriorityPoints < 3 || c.StateCost <= 0 {
				t.Errorf("candidate %+v", c)
			}
		}
		if len(communes) != 5 || scored < len(next.Candidates)/2 {
			t.Errorf("communes %v, %d scored", communes, scored)
		}
		for _, e := range next.Envelopes {
			if pct := e.Amount * 100 / demand[e.Source]; e.ContentArea != "" || pct < 35 || pct > 45 {
				t.Errorf("2027 envelope %+v is %d %% of the demand %d", e, pct, demand[e.Source])
			}
		}
		res, err := a.Optimize(admin, next.ID, app.OptimizeInput{Weights: app.DefaultWeights})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("2027 demo plan, default weights: optimum %d points, %d jobs, %d projects; greedy %d points, %d jobs, %d projects; %d nodes, %v",
			res.Optimal.Score, res.Optimal.Jobs, len(res.Optimal.Picks), res.Greedy.Score, res.Greedy.Jobs, len(res.Greedy.Picks), res.Nodes, res.Elapsed)
		if res.Status != app.StatusOptimal || res.Optimal.Score <= res.Greedy.Score || res.Bound != res.Optimal.Score {
			t.Errorf("the optimum (%d points, %d jobs) should beat greedy (%d points, %d jobs)", res.Optimal.Score, res.Optimal.Jobs, res.Greedy.Score, res.Greedy.Jobs)
		}
		for _, e := range append(append(res.Binding, res.Marginals...), res.Rejected[0].Why) {
			t.Log(locale.T("vi", e.Key, e.Args...))
		}
	})
}
