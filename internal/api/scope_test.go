package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// testPassword is the password of every fixture account.
const testPassword = apptest.Password

// Account names of the fixture.
const (
	userOfficerA = apptest.OfficerA
	userOfficerB = apptest.OfficerB
	userProvince = apptest.Province
	userViewer   = apptest.Viewer
)

// scopeFixture is a province with two communes, one establishment in each
// (apptest.NewScope), and an API token per account.
type scopeFixture struct {
	st         *store.Store
	handler    http.Handler
	estA, estB kc.Establishment
	communeA   kc.Unit
	tokens     map[string]string // username → secret
	scope      *apptest.Scope
}

func newScopeFixture(t *testing.T, st *store.Store) *scopeFixture {
	t.Helper()
	sc := apptest.NewScope(t, st)
	a := sc.App
	f := &scopeFixture{st: st, communeA: sc.CommuneA, estA: sc.EstA, estB: sc.EstB, tokens: map[string]string{}, scope: sc}
	for _, user := range []string{userOfficerA, userOfficerB, userProvince, userViewer} {
		_, secret, err := a.CreateAPIToken(sc.As(t, context.Background(), user), "thử nghiệm")
		if err != nil {
			t.Fatalf("token for %s: %v", user, err)
		}
		f.tokens[user] = secret
	}
	f.handler = New(a, Options{}).Handler()
	return f
}

// call makes one API request as user ("" for none) and returns the status
// and body.
func (f *scopeFixture) call(t *testing.T, user, method, path, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, path, rd)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		r.Header.Set("Authorization", "Bearer "+f.tokens[user])
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, r)
	return rec.Code, rec.Body.Bytes()
}

// estState is what the matrix compares before and after a request.
type estState struct {
	Name, Village, MainProducts, Notes string
	Version                            int
}

func snapshot(t *testing.T, st *store.Store, ids ...int64) map[int64]estState {
	t.Helper()
	out := map[int64]estState{}
	for _, id := range ids {
		e, err := st.GetEstablishment(context.Background(), id)
		if err != nil {
			t.Fatalf("read establishment %d: %v", id, err)
		}
		out[id] = estState{e.Name, e.Village, e.MainProducts, e.Notes, e.Version}
	}
	return out
}

// TestScopeMatrixAPI is the scope test matrix of the JSON API.
func TestScopeMatrixAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		a, b := f.estA.ID, f.estB.ID
		path := func(id int64) string { return fmt.Sprintf("/api/v1/establishments/%d", id) }
		patch := func(name string) string { return fmt.Sprintf(`{"name":%q,"notes":"sửa qua API"}`, name) }
		for _, s := range []struct {
			name         string
			user, method string
			path, body   string
			status       int
			code         string // error code expected, "" for success
			changes      int64
		}{
			{"officer A reads B", userOfficerA, "GET", path(b), "", 404, "not_found", 0},
			{"officer A patches B", userOfficerA, "PATCH", path(b), patch("Đã bị sửa"), 404, "not_found", 0},
			{"officer A patches B with bad JSON", userOfficerA, "PATCH", path(b), `{"name":`, 404, "not_found", 0},
			{"officer A reads A", userOfficerA, "GET", path(a), "", 200, "", 0},
			{"officer A patches A", userOfficerA, "PATCH", path(a), patch("An Phú (mới)"), 200, "", a},
			{"officer A patches A with malformed JSON", userOfficerA, "PATCH", path(a), `{"name": 12`, 400, "invalid", 0},
			{"officer A patches A with an unknown field", userOfficerA, "PATCH", path(a), `{"owner_name":"x"}`, 400, "invalid", 0},
			{"officer A patches A with an empty name", userOfficerA, "PATCH", path(a), `{"name":"  "}`, 422, "invalid", 0},
			{"officer B reads A", userOfficerB, "GET", path(a), "", 404, "not_found", 0},
			{"officer B patches A", userOfficerB, "PATCH", path(a), patch("B sửa A"), 404, "not_found", 0},
			{"province reads A", userProvince, "GET", path(a), "", 200, "", 0},
			{"province reads B", userProvince, "GET", path(b), "", 200, "", 0},
			{"province patches B", userProvince, "PATCH", path(b), patch("Tỉnh sửa B"), 200, "", b},
			{"viewer reads B", userViewer, "GET", path(b), "", 200, "", 0},
			{"viewer patches B", userViewer, "PATCH", path(b), patch("Lãnh đạo sửa B"), 403, "forbidden", 0},
			{"no token reads A", "", "GET", path(a), "", 401, "unauthenticated", 0},
			{"no token patches A", "", "PATCH", path(a), patch("Ẩn danh"), 401, "unauthenticated", 0},
		} {
			t.Run(s.name, func(t *testing.T) {
				before := snapshot(t, st, a, b)
				status, body := f.call(t, s.user, s.method, s.path, s.body)
				if status != s.status {
					t.Errorf("%s %s: %d, want %d: %s", s.method, s.path, status, s.status, body)
				}
				if s.code != "" {
					var eb ErrorBody
					if err := json.Unmarshal(body, &eb); err != nil || eb.Error.Code != s.code || eb.Error.Message == "" {
						t.Errorf("error body %s, want code %q", body, s.code)
					}
				} else {
					var e Establishment
					if err := json.Unmarshal(body, &e); err != nil || e.ID == 0 {
						t.Errorf("body %s is not an establishment", body)
					}
				}
				after := snapshot(t, st, a, b)
				for id, e := range before {
					if changed := after[id] != e; changed != (id == s.changes) {
						t.Errorf("establishment %d changed=%v (before %+v, after %+v)", id, changed, e, after[id])
					}
				}
			})
		}

		t.Run("lists", func(t *testing.T) {
			for _, tc := range []struct {
				user       string
				seeA, seeB bool
			}{
				{userOfficerA, true, false},
				{userOfficerB, false, true},
				{userProvince, true, true},
				{userViewer, true, true},
			} {
				status, body := f.call(t, tc.user, "GET", "/api/v1/establishments", "")
				var list EstablishmentList
				if status != 200 || json.Unmarshal(body, &list) != nil {
					t.Fatalf("%s: %d %s", tc.user, status, body)
				}
				var gotA, gotB bool
				for _, e := range list.Items {
					gotA = gotA || e.ID == a
					gotB = gotB || e.ID == b
				}
				if gotA != tc.seeA || gotB != tc.seeB || list.Total != len(list.Items) {
					t.Errorf("%s sees A=%v B=%v (total %d), want A=%v B=%v", tc.user, gotA, gotB, list.Total, tc.seeA, tc.seeB)
				}
			}
		})
	})
}

// TestEstablishmentAPI checks shapes and paging of the establishment routes.
func TestEstablishmentAPI(t *testing.T) {
	f := newScopeFixture(t, storetest.OpenSQLite(t))
	ctx := app.WithPrincipal(context.Background(), app.System)
	for i := range 7 {
		if _, err := f.st.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindHousehold, Name: fmt.Sprintf("Hộ đan lát %d", i), CommuneID: f.communeA.ID}); err != nil {
			t.Fatal(err)
		}
	}
	status, body := f.call(t, userOfficerA, "GET", "/api/v1/establishments?limit=5&offset=5", "")
	var list EstablishmentList
	if status != 200 || json.Unmarshal(body, &list) != nil {
		t.Fatalf("%d %s", status, body)
	}
	if list.Total != 8 || len(list.Items) != 3 || list.Limit != 5 || list.Offset != 5 {
		t.Errorf("paging: total %d, %d items, limit %d, offset %d", list.Total, len(list.Items), list.Limit, list.Offset)
	}
	status, body = f.call(t, userOfficerA, "GET", "/api/v1/establishments?q=dan+lat", "")
	if json.Unmarshal(body, &list); status != 200 || list.Total != 7 {
		t.Errorf("search: %d, total %d", status, list.Total)
	}
	status, body = f.call(t, userOfficerA, "GET", "/api/v1/establishments?kind=household", "")
	if json.Unmarshal(body, &list); status != 200 || list.Total != 7 {
		t.Errorf("kind filter: %d, total %d", status, list.Total)
	}
	for _, q := range []string{"limit=0", "limit=501", "limit=x", "offset=-1"} {
		if status, body := f.call(t, userOfficerA, "GET", "/api/v1/establishments?"+q, ""); status != 400 || !bytes.Contains(body, []byte(`"invalid"`)) {
			t.Errorf("%s: %d %s, want 400 invalid", q, status, body)
		}
	}
	// Patch only the notes; the version protects against lost updates.
	_, body = f.call(t, userOfficerA, "GET", fmt.Sprintf("/api/v1/establishments/%d", f.estA.ID), "")
	var e Establishment
	json.Unmarshal(body, &e)
	status, body = f.call(t, userOfficerA, "PATCH", fmt.Sprintf("/api/v1/establishments/%d", f.estA.ID), fmt.Sprintf(`{"version":%d,"notes":"ghi chú"}`, e.Version))
	var e2 Establishment
	if json.Unmarshal(body, &e2); status != 200 || e2.Notes != "ghi chú" || e2.Name != e.Name || e2.Version == e.Version {
		t.Errorf("patch notes: %d %s", status, body)
	}
	status, body = f.call(t, userOfficerA, "PATCH", fmt.Sprintf("/api/v1/establishments/%d", f.estA.ID), fmt.Sprintf(`{"version":%d,"notes":"cũ"}`, e.Version))
	if status != 409 {
		t.Errorf("stale version: %d %s, want 409", status, body)
	}
	for _, p := range []string{"/api/v1/establishments/abc", "/api/v1/establishments/0", "/api/v1/establishments/999999"} {
		if status, _ := f.call(t, userOfficerA, "GET", p, ""); status != 404 {
			t.Errorf("GET %s: %d, want 404", p, status)
		}
	}
}
