package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

func init() {
	// Cheap argon2id parameters keep account set-up fast.
	auth.HashParams = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
}

// authAPIFixture is the API over a commune officer "lan" and a viewer
// "xem", each with one token.
type authAPIFixture struct {
	app        *app.App
	h          http.Handler
	lan, xem   kc.User
	lanSecret  string
	xemSecret  string
	lanTokenID int64
	communeID  int64
}

func newAuthAPIFixture(t *testing.T, st *store.Store) *authAPIFixture {
	t.Helper()
	ctx := app.WithPrincipal(context.Background(), app.System)
	from := kc.MustDate("2025-07-01")
	if _, err := st.LoadUnits(ctx, []kc.Unit{
		{ID: 1, Code: "96", Level: kc.LevelProvince, Type: "Tỉnh", Name: "Tỉnh Kiểm Thử", ValidFrom: from},
		{ID: 2, Code: "96001", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Tà Rụt", ParentID: 1, ValidFrom: from},
	}, nil); err != nil {
		t.Fatal(err)
	}
	c, err := st.FindUnit(ctx, "96001", kc.MustDate("2026-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	f := &authAPIFixture{app: app.New(st, nil), communeID: c.ID}
	f.app.Now = st.Now
	const pw = "Rượu men lá Tà Rụt"
	if f.lan, err = f.app.CreateUser(ctx, app.NewUser{Username: "lan", DisplayName: "Hồ Thị Lan", Password: pw, Role: kc.RoleCommuneOfficer, ScopeUnitIDs: []int64{c.ID}}); err != nil {
		t.Fatal(err)
	}
	if f.xem, err = f.app.CreateUser(ctx, app.NewUser{Username: "xem", Password: pw, Role: kc.RoleViewer, ScopeUnitIDs: []int64{c.ID}}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		user   kc.User
		secret *string
		id     *int64
	}{{f.lan, &f.lanSecret, &f.lanTokenID}, {f.xem, &f.xemSecret, new(int64)}} {
		p, err := f.app.PrincipalForUser(ctx, u.user.ID)
		if err != nil {
			t.Fatal(err)
		}
		tok, secret, err := f.app.CreateAPIToken(app.WithPrincipal(ctx, p), "kiểm thử")
		if err != nil {
			t.Fatal(err)
		}
		*u.secret, *u.id = secret, tok.ID
	}
	f.h = New(f.app, Options{}).Handler()
	return f
}

// call sends a request with the given Authorization header value and
// returns the status, the headers and the body.
func (f *authAPIFixture) call(t *testing.T, authz, method, path, body string) (int, http.Header, []byte) {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if authz != "" {
		r.Header.Set("Authorization", authz)
	}
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	return w.Code, w.Header(), w.Body.Bytes()
}

func errorCode(t *testing.T, body []byte) string {
	t.Helper()
	var e ErrorBody
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %s: %v", body, err)
	}
	return e.Error.Code
}

func TestAPIAuthentication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newAuthAPIFixture(t, st)
		bearer := "Bearer " + f.lanSecret
		cases := []struct {
			name   string
			authz  string
			path   string
			status int
		}{
			{"no header", "", "/api/v1/me", 401},
			{"no header on units", "", "/api/v1/units?q=ta", 401},
			{"no header on unknown path", "", "/api/v1/nothing", 401},
			{"basic auth", "Basic bGFuOnB3", "/api/v1/me", 401},
			{"empty bearer", "Bearer ", "/api/v1/me", 401},
			{"malformed token", "Bearer kc_short", "/api/v1/me", 401},
			{"unknown token", "Bearer kc_" + strings.Repeat("A", 43), "/api/v1/me", 401},
			{"secret without prefix", "Bearer " + strings.TrimPrefix(f.lanSecret, "kc_"), "/api/v1/me", 401},
			{"valid", bearer, "/api/v1/me", 200},
			{"scheme case-insensitive", "bearer " + f.lanSecret, "/api/v1/me", 200},
			{"valid on unknown path", bearer, "/api/v1/nothing", 404},
			{"openapi without token", "", OpenAPIPath, 200},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				status, h, body := f.call(t, c.authz, "GET", c.path, "")
				if status != c.status {
					t.Fatalf("status %d, want %d (%s)", status, c.status, body)
				}
				if status == 401 {
					if errorCode(t, body) != kc.EUnauthenticated || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
						t.Fatalf("401 body %s, challenge %q", body, h.Get("WWW-Authenticate"))
					}
				}
			})
		}
	})
}

func TestAPIMeAndTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newAuthAPIFixture(t, st)
		lan, xem := "Bearer "+f.lanSecret, "Bearer "+f.xemSecret
		var created CreatedToken
		cases := []struct {
			name string
			run  func(t *testing.T)
		}{
			{"me", func(t *testing.T) {
				status, _, body := f.call(t, lan, "GET", "/api/v1/me", "")
				var me Me
				if err := json.Unmarshal(body, &me); err != nil || status != 200 {
					t.Fatalf("GET /me: %d %s", status, body)
				}
				if me.ID != f.lan.ID || me.Username != "lan" || me.DisplayName != "Hồ Thị Lan" || me.Role != kc.RoleCommuneOfficer ||
					me.RoleName != "Cán bộ xã" || me.All || len(me.Scope) != 1 || me.Scope[0].Code != "96001" || me.Scope[0].Name != "Xã Tà Rụt" {
					t.Fatalf("me = %+v", me)
				}
				if strings.Contains(string(body), "argon2") || strings.Contains(string(body), "password") {
					t.Fatalf("me leaks the password hash: %s", body)
				}
			}},
			{"create token", func(t *testing.T) {
				status, h, body := f.call(t, lan, "POST", "/api/v1/tokens", `{"name":"Đồng bộ báo cáo"}`)
				if err := json.Unmarshal(body, &created); err != nil || status != 201 {
					t.Fatalf("POST /tokens: %d %s", status, body)
				}
				if !strings.HasPrefix(created.Secret, "kc_") || created.Name != "Đồng bộ báo cáo" || !created.Active || h.Get("Cache-Control") != "no-store" {
					t.Fatalf("created = %+v", created)
				}
				if status, _, _ := f.call(t, "Bearer "+created.Secret, "GET", "/api/v1/me", ""); status != 200 {
					t.Fatalf("new token refused: %d", status)
				}
			}},
			{"create malformed", func(t *testing.T) {
				for _, body := range []string{`{"name":`, `{"nom":"x"}`, `["x"]`} {
					status, _, b := f.call(t, lan, "POST", "/api/v1/tokens", body)
					if status != 400 || errorCode(t, b) != kc.EInvalid {
						t.Fatalf("POST %s: %d %s", body, status, b)
					}
				}
			}},
			{"create without name", func(t *testing.T) {
				status, _, b := f.call(t, lan, "POST", "/api/v1/tokens", `{"name":"  "}`)
				var e ErrorBody
				json.Unmarshal(b, &e)
				if status != 422 || e.Error.Code != kc.EInvalid || e.Error.Fields["name"] == "" {
					t.Fatalf("empty name: %d %s", status, b)
				}
			}},
			{"list", func(t *testing.T) {
				status, _, body := f.call(t, lan, "GET", "/api/v1/tokens", "")
				var list TokenList
				if err := json.Unmarshal(body, &list); err != nil || status != 200 || len(list.Items) != 2 || list.Items[0].ID != created.ID {
					t.Fatalf("GET /tokens: %d %s", status, body)
				}
				if strings.Contains(string(body), created.Secret) || strings.Contains(string(body), f.lanSecret) || strings.Contains(string(body), "hash") {
					t.Fatalf("token list leaks secrets: %s", body)
				}
			}},
			{"revoke another's", func(t *testing.T) {
				status, _, b := f.call(t, xem, "DELETE", "/api/v1/tokens/"+itoa(f.lanTokenID), "")
				if status != 404 || errorCode(t, b) != kc.ENotFound {
					t.Fatalf("revoke another's token: %d %s", status, b)
				}
			}},
			{"revoke bad id", func(t *testing.T) {
				if status, _, _ := f.call(t, lan, "DELETE", "/api/v1/tokens/abc", ""); status != 404 {
					t.Fatalf("revoke abc: %d", status)
				}
			}},
			{"revoke own", func(t *testing.T) {
				if status, _, b := f.call(t, lan, "DELETE", "/api/v1/tokens/"+itoa(created.ID), ""); status != 204 {
					t.Fatalf("revoke: %d %s", status, b)
				}
				if status, _, _ := f.call(t, "Bearer "+created.Secret, "GET", "/api/v1/me", ""); status != 401 {
					t.Fatalf("revoked token still works: %d", status)
				}
				if status, _, _ := f.call(t, lan, "GET", "/api/v1/me", ""); status != 200 {
					t.Fatalf("other token affected: %d", status)
				}
			}},
			{"disabled account", func(t *testing.T) {
				if err := f.app.DisableUser(app.WithPrincipal(t.Context(), app.System), f.xem.ID); err != nil {
					t.Fatal(err)
				}
				if status, _, _ := f.call(t, xem, "GET", "/api/v1/me", ""); status != 401 {
					t.Fatalf("disabled account's token works: %d", status)
				}
			}},
		}
		for _, c := range cases {
			t.Run(c.name, c.run)
		}
	})
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
