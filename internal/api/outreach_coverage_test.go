package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// newOutreachResultAPI is the scope fixture with what the funnel counts
// in commune A (apptest.Scope.SeedOutreachResults); it returns the
// campaign's id.
func newOutreachResultAPI(t *testing.T, st *store.Store) (*scopeFixture, int64) {
	t.Helper()
	f := newScopeFixture(t, st)
	x := New(f.scope.App, Options{})
	f.handler = x.Handler()
	campaign := f.scope.SeedOutreachResults(t, "DA-API-1", false)
	return f, campaign
}

func TestOutreachCoverageAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, _ := newOutreachResultAPI(t, st)
		status, body := f.call(t, userProvince, "GET", "/api/v1/outreach/coverage?unit=98", "")
		var cov Coverage
		if status != http.StatusOK || json.Unmarshal(body, &cov) != nil {
			t.Fatalf("coverage: %d %s", status, body)
		}
		if cov.UnitName != "Tỉnh Thử Nghiệm" || cov.On != kc.MustDate("2026-11-25") || cov.Since != kc.MustDate("2025-11-25") || len(cov.Communes) != 2 {
			t.Fatalf("coverage %s", body)
		}
		a, b := cov.Communes[0], cov.Communes[1]
		if a.Code != "99001" || a.Producers != 1 || a.Reached12m != 1 || a.ReachedPct != 100 || a.LastSession == nil || *a.LastSession != "2026-03-10" ||
			len(a.Villages) != 1 || a.Villages[0].Village != "Thôn 1" || a.Villages[0].Reached12m != 1 {
			t.Errorf("An Phú %+v", a)
		}
		if b.Code != "99002" || b.Producers != 1 || b.Reached12m != 0 || b.LastSession != nil || cov.Total.Producers != 2 {
			t.Errorf("Bình Minh %+v, total %+v", b, cov.Total)
		}
		for _, c := range []struct {
			user, path string
			want       int
		}{
			{userOfficerA, "/api/v1/outreach/coverage", http.StatusOK},
			{userOfficerA, "/api/v1/outreach/coverage?on=25/11/2026", http.StatusUnprocessableEntity},
			{userProvince, "/api/v1/outreach/coverage?unit=12345", http.StatusUnprocessableEntity},
			{"", "/api/v1/outreach/coverage", http.StatusUnauthorized},
		} {
			if status, body := f.call(t, c.user, "GET", c.path, ""); status != c.want {
				t.Errorf("%s as %q: %d %s, want %d", c.path, c.user, status, body, c.want)
			}
		}
	})
}

func TestOutreachFunnelAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, campaign := newOutreachResultAPI(t, st)
		status, body := f.call(t, userProvince, "GET", "/api/v1/outreach/funnel?unit=98&from=2026-01-01&to=2026-11-25", "")
		var fn Funnel
		if status != http.StatusOK || json.Unmarshal(body, &fn) != nil {
			t.Fatalf("funnel: %d %s", status, body)
		}
		want := FunnelCounts{Sessions: 1, Reached: 30, SelfChecks: 1, Proposed: 1, Funded: 1}
		if fn.Total != want || len(fn.Communes) != 1 || fn.QuietCommunes != 1 || fn.Communes[0].FunnelCounts != want || fn.National || fn.UnitName != "Tỉnh Thử Nghiệm" {
			t.Errorf("funnel %s", body)
		}
		if len(fn.Steps) != 7 || fn.Steps[1].PerSession == nil || *fn.Steps[1].PerSession != 30 || fn.Steps[2].ShareBP == nil || *fn.Steps[2].ShareBP != 0 ||
			fn.Steps[4].ShareBP != nil || fn.Steps[6].ShareBP == nil || *fn.Steps[6].ShareBP != 10000 {
			t.Errorf("steps %s", body)
		}
		status, body = f.call(t, userOfficerA, "GET", "/api/v1/outreach/funnel?campaign="+strconv.FormatInt(campaign, 10), "")
		fn = Funnel{}
		if status != http.StatusOK || json.Unmarshal(body, &fn) != nil || fn.CampaignID != campaign || fn.FollowUpDays != app.FunnelFollowUpDays ||
			fn.To != kc.MustDate("2026-06-29") || fn.Total != want {
			t.Errorf("campaign funnel: %d %s", status, body)
		}
		for _, c := range []struct {
			user, path string
			want       int
		}{
			{userOfficerA, "/api/v1/outreach/funnel?unit=99002", http.StatusForbidden},
			{userOfficerB, "/api/v1/outreach/funnel?campaign=" + strconv.FormatInt(campaign, 10), http.StatusForbidden},
			{userOfficerA, "/api/v1/outreach/funnel?campaign=" + strconv.FormatInt(campaign+99, 10), http.StatusNotFound},
			{userOfficerA, "/api/v1/outreach/funnel?campaign=abc", http.StatusUnprocessableEntity},
			{userOfficerA, "/api/v1/outreach/funnel?from=2026-13-01", http.StatusUnprocessableEntity},
			{userOfficerA, "/api/v1/outreach/funnel?from=2026-06-01&to=2026-05-01", http.StatusUnprocessableEntity},
			{userViewer, "/api/v1/outreach/funnel", http.StatusOK},
		} {
			if status, body := f.call(t, c.user, "GET", c.path, ""); status != c.want {
				t.Errorf("%s as %q: %d %s, want %d", c.path, c.user, status, body, c.want)
			}
		}
	})
}
