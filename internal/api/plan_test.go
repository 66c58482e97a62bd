package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// planRoutes fills the plan routes of the OpenAPI walk: concrete paths,
// bodies and the province officer as caller.
type planRoutes struct {
	paths, bodies, users map[string]string
}

// newPlanRoutes creates the fixture's 2027 plan with candidates and one
// saved scenario.
func newPlanRoutes(t *testing.T, f *scopeFixture) planRoutes {
	t.Helper()
	ids := f.scope.SeedPlanProjects(t, 2027)
	ctx := f.scope.As(t, t.Context(), userProvince)
	plan, err := f.scope.App.CreatePlan(ctx, 2027, "", "")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := f.scope.App.SaveScenario(ctx, plan.ID, "Mặc định", app.OptimizeInput{Weights: app.DefaultWeights})
	if err != nil {
		t.Fatal(err)
	}
	r := planRoutes{paths: map[string]string{}, bodies: map[string]string{}, users: map[string]string{}}
	base := fmt.Sprintf("/api/v1/plans/%d", plan.ID)
	for route, path := range map[string]string{
		"GET /api/v1/plans":                           "/api/v1/plans",
		"POST /api/v1/plans":                          "/api/v1/plans",
		"GET /api/v1/plans/{id}":                      base,
		"PUT /api/v1/plans/{id}/envelopes":            base + "/envelopes",
		"PUT /api/v1/plans/{id}/candidates/{project}": fmt.Sprintf("%s/candidates/%d", base, ids["B1"]),
		"POST /api/v1/plans/{id}/optimize":            base + "/optimize",
		"GET /api/v1/plans/{id}/scenarios":            base + "/scenarios",
		"POST /api/v1/plans/{id}/scenarios":           base + "/scenarios",
		"GET /api/v1/scenarios/compare":               fmt.Sprintf("/api/v1/scenarios/compare?ids=%d", sc.ID),
		"GET /api/v1/scenarios/{id}":                  fmt.Sprintf("/api/v1/scenarios/%d", sc.ID),
		// The report routes, on the same data: the plan as a document,
		// the approved project's decision draft, the 2027 reports.
		"GET /api/v1/plans/{id}/document":           base + "/document?format=xlsx",
		"GET /api/v1/projects/{id}/documents/{doc}": fmt.Sprintf("/api/v1/projects/%d/documents/decision", ids["K-APPROVED"]),
		"GET /api/v1/reports/period":                "/api/v1/reports/period?from=2026&to=2027",
		"GET /api/v1/reports/annual":                "/api/v1/reports/annual?year=2027&unit=99001",
		"GET /api/v1/reports/indicators":            "/api/v1/reports/indicators",
	} {
		r.paths[route], r.users[route] = path, userProvince
	}
	r.bodies["POST /api/v1/plans"] = `{"year":2028}`
	r.bodies["PUT /api/v1/plans/{id}/envelopes"] = `{"source":"provincial","amount":500000000}`
	r.bodies["PUT /api/v1/plans/{id}/candidates/{project}"] = `{"pin":"out"}`
	r.bodies["POST /api/v1/plans/{id}/optimize"] = `{}`
	r.bodies["POST /api/v1/plans/{id}/scenarios"] = `{"name":"Tài liệu API"}`
	return r
}

func TestPlanAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		if err := f.scope.App.EnsureReference(t.Context()); err != nil {
			t.Fatal(err)
		}
		ids := f.scope.SeedPlanProjects(t, 2027)

		status, body := f.call(t, userProvince, "POST", "/api/v1/plans", `{"year":2027,"note":"Kế hoạch thử"}`)
		if status != http.StatusCreated {
			t.Fatalf("create: %d %s", status, body)
		}
		plan := decodeAs[Plan](t, body)
		if plan.Year != 2027 || len(plan.Candidates) != 3 {
			t.Fatalf("plan = %+v", plan)
		}
		path := func(s string) string { return fmt.Sprintf("/api/v1/plans/%d%s", plan.ID, s) }
		// The same year and unit again is a conflict; a commune officer may not create one.
		if status, _ := f.call(t, userProvince, "POST", "/api/v1/plans", `{"year":2027}`); status != http.StatusConflict {
			t.Errorf("duplicate: %d", status)
		}
		if status, _ := f.call(t, userOfficerA, "POST", "/api/v1/plans", `{"year":2028}`); status != http.StatusForbidden {
			t.Errorf("commune officer create: %d", status)
		}

		// Envelope below the 20 m committed → 422 naming the amount; nothing changes.
		status, body = f.call(t, userProvince, "PUT", path("/envelopes"), `{"source":"provincial","amount":10000000,"version":1}`)
		if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), "20.000.000") {
			t.Fatalf("below committed: %d %s", status, body)
		}
		status, body = f.call(t, userProvince, "PUT", path("/envelopes"), `{"source":"provincial","amount":170000000,"version":1}`)
		if status != http.StatusOK {
			t.Fatalf("envelope: %d %s", status, body)
		}
		plan = decodeAs[Plan](t, body)
		var env *Envelope
		for i := range plan.Envelopes {
			if plan.Envelopes[i].Source == "provincial" && plan.Envelopes[i].ContentArea == "" {
				env = &plan.Envelopes[i]
			}
		}
		if env == nil || env.Committed != 20_000_000 || env.Disbursed != 6_000_000 || env.Available != 150_000_000 {
			t.Fatalf("envelope = %+v", env)
		}

		// The optimum beside the greedy choice.
		req := `{"weights":{"appraisal":0,"jobs":5,"priority":0}}`
		status, body = f.call(t, userProvince, "POST", path("/optimize"), req)
		if status != http.StatusOK {
			t.Fatalf("optimize: %d %s", status, body)
		}
		res := decodeAs[OptimizeResponse](t, body)
		if res.Status != "optimal" || res.Optimal.Jobs != 16 || res.Greedy.Jobs != 10 || res.Optimal.Score != 80 || res.Bound != 80 {
			t.Fatalf("optimize = %+v", res)
		}
		if len(res.Rejected) != 1 || res.Rejected[0].ProjectID != ids["A1"] || res.Rejected[0].Why == "" || len(res.Marginals) == 0 {
			t.Errorf("explanation = rejected %+v, marginals %v", res.Rejected, res.Marginals)
		}
		// Bad input: negative weight, share above 100 %, unknown pin word.
		for _, bad := range []string{`{"weights":{"appraisal":-1,"jobs":1,"priority":1}}`, `{"commune_share_bp":20000}`, `{"pins":{"1":"maybe"}}`} {
			if status, body := f.call(t, userProvince, "POST", path("/optimize"), bad); status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d %s", bad, status, body)
			}
		}

		// Pins: A1 in → the optimum must include it; pins through the request override.
		status, body = f.call(t, userProvince, "PUT", path(fmt.Sprintf("/candidates/%d", ids["A1"])), `{"pin":"in"}`)
		if status != http.StatusOK {
			t.Fatalf("pin: %d %s", status, body)
		}
		status, body = f.call(t, userProvince, "POST", path("/scenarios"), `{"name":"Giữ A1","weights":{"appraisal":0,"jobs":5,"priority":0}}`)
		if status != http.StatusCreated {
			t.Fatalf("scenario: %d %s", status, body)
		}
		withA1 := decodeAs[OptimizeResponse](t, body)
		if withA1.Scenario == nil || withA1.Optimal.Jobs != 10 || len(withA1.Optimal.Picks) != 1 || withA1.Optimal.Picks[0].ProjectID != ids["A1"] {
			t.Fatalf("scenario with A1 = %+v", withA1)
		}
		free := fmt.Sprintf(`{"name":"Tự do","weights":{"appraisal":0,"jobs":5,"priority":0},"pins":{"%d":"free"}}`, ids["A1"])
		status, body = f.call(t, userProvince, "POST", path("/scenarios"), free)
		if status != http.StatusCreated {
			t.Fatalf("scenario free: %d %s", status, body)
		}
		freeRes := decodeAs[OptimizeResponse](t, body)
		status, body = f.call(t, userViewer, "GET", fmt.Sprintf("/api/v1/scenarios/compare?ids=%d,%d", withA1.Scenario.ID, freeRes.Scenario.ID), "")
		if status != http.StatusOK {
			t.Fatalf("compare: %d %s", status, body)
		}
		cmp := decodeAs[Comparison](t, body)
		differs := false
		for _, r := range cmp.Rows {
			if r.ProjectID == ids["A1"] && len(r.In) == 2 && r.In[0] && !r.In[1] {
				differs = true
			}
		}
		if len(cmp.Scenarios) != 2 || !differs {
			t.Errorf("comparison = %+v", cmp)
		}

		// All pinned in: infeasible, with the conflicting limits in words.
		all := fmt.Sprintf(`{"pins":{"%d":"in","%d":"in","%d":"in"}}`, ids["A1"], ids["B1"], ids["B2"])
		status, body = f.call(t, userProvince, "POST", path("/optimize"), all)
		if res := decodeAs[OptimizeResponse](t, body); status != http.StatusOK || res.Status != "infeasible" || len(res.Conflicts) == 0 {
			t.Errorf("infeasible: %d %s", status, body)
		}

		// Scope: the viewer reads; the commune officer may not change envelopes.
		if status, _ := f.call(t, userViewer, "GET", path(""), ""); status != http.StatusOK {
			t.Errorf("viewer read: %d", status)
		}
		if status, _ := f.call(t, userOfficerA, "PUT", path("/envelopes"), `{"source":"provincial","amount":999000000}`); status != http.StatusForbidden && status != http.StatusNotFound {
			t.Errorf("commune officer envelope: %d", status)
		}
	})
}
