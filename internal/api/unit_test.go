package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// unitAPI returns an API over s with the units loaded. Tests call its mux
// directly: authentication is tested with the accounts work.
func unitAPI(t *testing.T, s *store.Store) *API {
	t.Helper()
	a := app.New(s, nil)
	a.Now = func() time.Time { return storetest.Clock }
	if err := a.EnsureUnits(t.Context()); err != nil {
		t.Fatal(err)
	}
	return New(a, Options{})
}

func getJSON(t *testing.T, h http.Handler, url string, v any) int {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: content type %q", url, ct)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("%s: %v: %s", url, err, rec.Body)
	}
	return rec.Code
}

func TestUnitsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		x := unitAPI(t, s)
		t.Run("list", func(t *testing.T) {
			cases := []struct {
				name, url string
				status    int
				total     int    // -1: do not check
				code      string // expected among the items
				errCode   string
			}{
				{"folded search today", "/api/v1/units?q=dakrong&on=2026-01-01&level=commune", 200, 2, "19564", ""},
				{"marks in the query", "/api/v1/units?q=%C4%90a+Kr%C3%B4ng&on=2020-01-01&level=district", 200, 1, "467", ""},
				{"provinces in 2020", "/api/v1/units?level=province&on=2020-01-01&limit=100", 200, 63, "45", ""},
				{"paging", "/api/v1/units?level=province&on=2026-01-01&limit=10&offset=30", 200, 34, "", ""},
				{"bad date", "/api/v1/units?on=2020-13-01", 400, -1, "", "invalid"},
				{"bad level", "/api/v1/units?level=hamlet", 400, -1, "", "invalid"},
				{"bad limit", "/api/v1/units?limit=-1", 400, -1, "", "invalid"},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					var body struct {
						UnitList
						Error ErrorDetail `json:"error"`
					}
					if st := getJSON(t, x.mux, c.url, &body); st != c.status {
						t.Fatalf("status %d, want %d: %+v", st, c.status, body)
					}
					if c.errCode != "" {
						if body.Error.Code != c.errCode || body.Error.Message == "" {
							t.Errorf("error %+v", body.Error)
						}
						return
					}
					if c.total >= 0 && body.Total != c.total {
						t.Errorf("total %d, want %d", body.Total, c.total)
					}
					found := c.code == ""
					for _, u := range body.Items {
						found = found || u.Code == c.code
						if u.ValidFrom == "" || u.Level == "" || u.Name == "" || u.ID == 0 {
							t.Errorf("incomplete item %+v", u)
						}
					}
					if !found {
						t.Errorf("no %s in %+v", c.code, body.Items)
					}
				})
			}
		})
		t.Run("raw item shape", func(t *testing.T) {
			var raw struct {
				Items []map[string]any `json:"items"`
				Total int              `json:"total"`
			}
			getJSON(t, x.mux, "/api/v1/units?q=ba+nang&on=2020-01-01&level=commune", &raw)
			if len(raw.Items) == 0 {
				t.Fatal("no items")
			}
			for _, k := range []string{"id", "code", "level", "type", "name", "parent_id", "valid_from", "valid_to"} {
				if _, ok := raw.Items[0][k]; !ok {
					t.Errorf("item lacks %q: %v", k, raw.Items[0])
				}
			}
		})
		t.Run("detail", func(t *testing.T) {
			cases := []struct {
				name, url  string
				status     int
				unitName   string
				parents    string // codes joined by ","
				successors string
				preds      string
				errCode    string
			}{
				{"19576 in 2020", "/api/v1/units/19576?on=2020-01-01", 200, "Xã Ba Nang", "467,45", "19564", "", ""},
				{"19564 now", "/api/v1/units/19564?on=2026-01-01", 200, "Xã Đakrông", "44", "", "19564,19576,19579", ""},
				{"19576 gone", "/api/v1/units/19576?on=2026-01-01", 404, "", "", "", "", "not_found"},
				{"bad code", "/api/v1/units/1957", 400, "", "", "", "", "invalid"},
				{"bad date", "/api/v1/units/19576?on=yesterday", 400, "", "", "", "", "invalid"},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					var body struct {
						UnitDetail
						Error ErrorDetail `json:"error"`
					}
					if st := getJSON(t, x.mux, c.url, &body); st != c.status {
						t.Fatalf("status %d, want %d: %+v", st, c.status, body)
					}
					if c.errCode != "" {
						if body.Error.Code != c.errCode || body.Error.Message == "" {
							t.Errorf("error %+v", body.Error)
						}
						if c.status == 404 && !strings.Contains(body.Error.Message, "19564") {
							t.Errorf("404 message does not name the successor: %q", body.Error.Message)
						}
						return
					}
					codes := func(us []Unit) string {
						var out []string
						for _, u := range us {
							out = append(out, u.Code)
						}
						return strings.Join(out, ",")
					}
					links := func(ls []UnitLink) string {
						var out []string
						for _, l := range ls {
							out = append(out, l.Unit.Code)
							if l.Scope != "full" || l.Effective != "2025-07-01" {
								t.Errorf("link %+v", l)
							}
						}
						return strings.Join(out, ",")
					}
					if body.Unit.Name != c.unitName || codes(body.Parents) != c.parents ||
						links(body.Successors) != c.successors || links(body.Predecessors) != c.preds {
						t.Errorf("got %+v", body.UnitDetail)
					}
				})
			}
		})
	})
}
