package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// TestReportAPI reads a commune's annual report as JSON (indicators with
// definitions, tables with typed cells), as a PDF, and checks the refusals:
// years out of order, a unit outside the caller's scope, an unknown format.
func TestReportAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		f.scope.SeedPlanProjects(t, 2026)
		status, body := f.call(t, userOfficerA, "GET", "/api/v1/reports/annual?year=2026&unit="+f.communeA.Code, "")
		var rep Report
		if status != http.StatusOK || json.Unmarshal(body, &rep) != nil {
			t.Fatalf("annual report: %d %s", status, body)
		}
		values := map[string]int64{}
		for _, in := range rep.Indicators {
			values[in.Code] = in.Value
			if len(in.Definition) < 10 {
				t.Errorf("indicator %s has no definition", in.Code)
			}
		}
		// Commune A's one approved project: 20 m provincial.
		if values["projects_total"] != 1 || values["funds_provincial"] != 20_000_000 || values["funds_state_approved"] != 20_000_000 {
			t.Errorf("projects %d, provincial %d, state %d", values["projects_total"], values["funds_provincial"], values["funds_state_approved"])
		}
		if len(rep.Tables) == 0 || len(rep.Tables[0].Kinds) != len(rep.Tables[0].Columns) {
			t.Fatalf("tables %+v", rep.Tables)
		}
		for _, row := range rep.Tables[0].Rows {
			for i, v := range row {
				if _, isText := v.(string); isText != (rep.Tables[0].Kinds[i] == "text") {
					t.Errorf("cell %v of a %s column", v, rep.Tables[0].Kinds[i])
				}
			}
		}

		r := httptest.NewRequest("GET", "/api/v1/reports/annual?year=2026&unit="+f.communeA.Code+"&format=pdf", nil)
		r.Header.Set("Authorization", "Bearer "+f.tokens[userOfficerA])
		rec := httptest.NewRecorder()
		f.handler.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" || !strings.HasPrefix(rec.Body.String(), "%PDF") {
			t.Errorf("pdf: %d %s", rec.Code, rec.Header().Get("Content-Type"))
		}

		for _, c := range []struct {
			path   string
			status int
			want   string
		}{
			{"/api/v1/reports/period?from=2026&to=2020", http.StatusUnprocessableEntity, `"to"`},
			{"/api/v1/reports/period?from=x&to=2020", http.StatusUnprocessableEntity, `"from"`},
			{"/api/v1/reports/annual?year=2026&unit=" + f.scope.CommuneB.Code, http.StatusForbidden, f.scope.CommuneB.Name},
			{"/api/v1/reports/annual?year=2026&unit=00000", http.StatusUnprocessableEntity, `"unit"`},
			{"/api/v1/reports/annual?year=2026&format=odt", http.StatusUnprocessableEntity, `"format"`},
		} {
			status, body := f.call(t, userOfficerA, "GET", c.path, "")
			if status != c.status || !strings.Contains(string(body), c.want) {
				t.Errorf("GET %s: %d %s, want %d with %s", c.path, status, body, c.status, c.want)
			}
		}
	})
}

// TestDocumentRateLimit: a token gets a burst of documents, then 429 with
// Retry-After; another account is not affected.
func TestDocumentRateLimit(t *testing.T) {
	f := newScopeFixture(t, storetest.OpenSQLite(t))
	path := "/api/v1/reports/annual?year=2026&format=xlsx&unit=" + f.communeA.Code
	for i := range documentBurst {
		if status, body := f.call(t, userOfficerA, "GET", path, ""); status != http.StatusOK {
			t.Fatalf("document %d: %d %s", i+1, status, body)
		}
	}
	status, body := f.call(t, userOfficerA, "GET", path, "")
	if status != http.StatusTooManyRequests || !strings.Contains(string(body), "rate_limited") {
		t.Errorf("after the burst: %d %s", status, body)
	}
	// The JSON form is not a document and stays available.
	if status, _ := f.call(t, userOfficerA, "GET", "/api/v1/reports/annual?year=2026&unit="+f.communeA.Code, ""); status != http.StatusOK {
		t.Errorf("JSON report after the burst: %d", status)
	}
	if status, _ := f.call(t, userProvince, "GET", path, ""); status != http.StatusOK {
		t.Errorf("another account: %d", status)
	}
}
