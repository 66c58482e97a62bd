package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// TestScopeMatrixWeb is the scope test matrix of the HTML interface: a
// commune officer gets 404 for another commune's establishment on every
// route and cannot change it, succeeds on their own commune; a province
// officer sees both communes; a viewer reads but cannot write (403).
func TestScopeMatrixWeb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		a, b := f.estA.ID, f.estB.ID
		edit := func(name string) url.Values {
			return url.Values{"name": {name}, "village": {"Thôn mới"}, "main_products": {"Sản phẩm mới"}, "notes": {"đã sửa"}}
		}
		type step struct {
			name    string
			user    string
			method  string
			path    string
			form    url.Values
			status  int
			changes int64 // the establishment the request may change, 0 for none
		}
		steps := []step{
			{"officer A reads B", userOfficerA, "GET", fmt.Sprintf("/establishments/%d", b), nil, http.StatusNotFound, 0},
			{"officer A opens B's form", userOfficerA, "GET", fmt.Sprintf("/establishments/%d/edit", b), nil, http.StatusNotFound, 0},
			{"officer A updates B", userOfficerA, "POST", fmt.Sprintf("/establishments/%d", b), edit("Đã bị sửa"), http.StatusNotFound, 0},
			{"officer A updates B with an invalid form", userOfficerA, "POST", fmt.Sprintf("/establishments/%d", b), edit(""), http.StatusNotFound, 0},
			{"officer A reads a missing id", userOfficerA, "GET", "/establishments/999999", nil, http.StatusNotFound, 0},
			{"officer A reads A", userOfficerA, "GET", fmt.Sprintf("/establishments/%d", a), nil, http.StatusOK, 0},
			{"officer A opens A's form", userOfficerA, "GET", fmt.Sprintf("/establishments/%d/edit", a), nil, http.StatusOK, 0},
			{"officer A updates A", userOfficerA, "POST", fmt.Sprintf("/establishments/%d", a), edit("Cơ sở An Phú (mới)"), http.StatusSeeOther, a},
			{"officer B reads A", userOfficerB, "GET", fmt.Sprintf("/establishments/%d", a), nil, http.StatusNotFound, 0},
			{"officer B updates A", userOfficerB, "POST", fmt.Sprintf("/establishments/%d", a), edit("B sửa A"), http.StatusNotFound, 0},
			{"province reads A", userProvince, "GET", fmt.Sprintf("/establishments/%d", a), nil, http.StatusOK, 0},
			{"province reads B", userProvince, "GET", fmt.Sprintf("/establishments/%d", b), nil, http.StatusOK, 0},
			{"province updates B", userProvince, "POST", fmt.Sprintf("/establishments/%d", b), edit("Tỉnh sửa B"), http.StatusSeeOther, b},
			{"viewer reads B", userViewer, "GET", fmt.Sprintf("/establishments/%d", b), nil, http.StatusOK, 0},
			{"viewer opens B's form", userViewer, "GET", fmt.Sprintf("/establishments/%d/edit", b), nil, http.StatusForbidden, 0},
			{"viewer updates B", userViewer, "POST", fmt.Sprintf("/establishments/%d", b), edit("Lãnh đạo sửa B"), http.StatusForbidden, 0},
		}
		clients := map[string]*client{}
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				c := clients[s.user]
				if c == nil {
					c = f.login(t, s.user)
					clients[s.user] = c
				}
				c.t = t
				before := snapshot(t, st, a, b)
				var res *http.Response
				if s.method == "POST" {
					res = c.post(s.path, s.form)
				} else {
					res = c.get(s.path)
				}
				res.Body.Close()
				if res.StatusCode != s.status {
					t.Errorf("%s %s: status %d, want %d", s.method, s.path, res.StatusCode, s.status)
				}
				after := snapshot(t, st, a, b)
				for id, e := range before {
					changed := after[id] != e
					if changed != (id == s.changes) {
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
				{userAdmin, true, true},
			} {
				doc := f.login(t, tc.user).doc("/establishments", http.StatusOK)
				gotA := doc.Find(fmt.Sprintf(`#establishments tr[data-id="%d"]`, a)).Length() == 1
				gotB := doc.Find(fmt.Sprintf(`#establishments tr[data-id="%d"]`, b)).Length() == 1
				if gotA != tc.seeA || gotB != tc.seeB {
					t.Errorf("%s sees A=%v B=%v, want A=%v B=%v", tc.user, gotA, gotB, tc.seeA, tc.seeB)
				}
			}
		})

		t.Run("anonymous", func(t *testing.T) {
			c := f.anonymous(t)
			for _, p := range []string{"/establishments", fmt.Sprintf("/establishments/%d", a), fmt.Sprintf("/establishments/%d/edit", a)} {
				res := c.get(p)
				res.Body.Close()
				if res.StatusCode != http.StatusSeeOther {
					t.Errorf("GET %s without login: %d, want 303 to the login", p, res.StatusCode)
				}
			}
			before := snapshot(t, st, a, b)
			res := c.post(fmt.Sprintf("/establishments/%d", a), edit("Ẩn danh"))
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
				t.Errorf("anonymous POST: %d %s, want 303 to the login", res.StatusCode, res.Header.Get("Location"))
			}
			if after := snapshot(t, st, a, b); after[a] != before[a] {
				t.Error("anonymous POST changed the establishment")
			}
		})
	})
}

// estState is what the matrix compares before and after a request.
type estState struct {
	Name, Village, MainProducts, Notes string
	Version                            int
}

// snapshot reads the establishments straight from the store.
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
