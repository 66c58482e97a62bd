package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/store/storetest"
)

// TestOutreachPlanAPI plans over the API: a plan for the caller's scope,
// the field errors of bad input (zero staff days, a bad day), a malformed
// body and an anonymous call.
func TestOutreachPlanAPI(t *testing.T) {
	f := newScopeFixture(t, storetest.OpenSQLite(t))
	x := New(f.scope.App, Options{})
	if !slices.Contains(x.Patterns(), "POST /api/v1/outreach/plan") {
		x.outreachPlanRoutes() // until the route is wired in New
	}
	f.handler = x.Handler()

	status, body := f.call(t, userOfficerA, "POST", "/api/v1/outreach/plan",
		`{"from":"2027-01-01","to":"31/03/2027","staff_days":5,"budget":10000000}`)
	var v app.OutreachPlanView
	if status != http.StatusOK || json.Unmarshal(body, &v) != nil {
		t.Fatalf("plan: %d %s", status, body)
	}
	if v.From.String() != "2027-01-01" || v.To.String() != "2027-03-31" || v.StaffDays != 5 || v.Sessions == nil ||
		v.Baseline.Text == "" || len(v.Summary) == 0 || v.WorkingDays == 0 || v.Params.TravelCost == 0 {
		t.Errorf("plan: %s", body)
	}
	for _, s := range v.Sessions {
		if s.CommuneID != f.communeA.ID {
			t.Errorf("officer A got a session outside commune A: %+v", s)
		}
	}

	status, body = f.call(t, userOfficerA, "POST", "/api/v1/outreach/plan", `{"staff_days":0,"budget":1000}`)
	var e ErrorBody
	if status != http.StatusUnprocessableEntity || json.Unmarshal(body, &e) != nil || e.Error.Fields["staff_days"] == "" {
		t.Errorf("zero staff days: %d %s", status, body)
	}
	status, body = f.call(t, userOfficerA, "POST", "/api/v1/outreach/plan", `{"from":"31/02/2027","to":"2027-03-31","staff_days":3}`)
	if status != http.StatusUnprocessableEntity || json.Unmarshal(body, &e) != nil || e.Error.Fields["from"] == "" {
		t.Errorf("bad day: %d %s", status, body)
	}
	if status, _ := f.call(t, userOfficerA, "POST", "/api/v1/outreach/plan", `{"staff_days":"two"}`); status != http.StatusBadRequest {
		t.Errorf("malformed body: %d", status)
	}
	if status, _ := f.call(t, "", "POST", "/api/v1/outreach/plan", `{"staff_days":3}`); status != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", status)
	}

	// A plan is as heavy as a document: it shares the account's document
	// bucket (four plans above, one left), then 429; another account plans.
	plan := `{"staff_days":3,"budget":1000000}`
	if status, body := f.call(t, userOfficerA, "POST", "/api/v1/outreach/plan", plan); status != http.StatusOK {
		t.Fatalf("last plan of the burst: %d %s", status, body)
	}
	if status, body := f.call(t, userOfficerA, "POST", "/api/v1/outreach/plan", plan); status != http.StatusTooManyRequests || !strings.Contains(string(body), "rate_limited") {
		t.Errorf("after the burst: %d %s", status, body)
	}
	if status, body := f.call(t, userProvince, "POST", "/api/v1/outreach/plan", plan); status != http.StatusOK {
		t.Errorf("another account: %d %s", status, body)
	}
}
