package web

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"

	"github.com/PuerkitoBio/goquery"
)

func init() {
	// Cheap argon2id parameters: these suites log in many times.
	auth.HashParams = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
}

const authPassword = "Dệt thổ cẩm A Vao 2026"

// authFixture is a server with a commune officer "lan" and an admin
// "quantri", behind an httptest server whose peer 127.0.0.1 is a trusted
// proxy (so tests can vary the client address with X-Forwarded-For).
type authFixture struct {
	st   *store.Store
	app  *app.App
	srv  *httptest.Server
	lan  kc.User
	boss kc.User
}

func newAuthFixture(t *testing.T, st *store.Store) *authFixture {
	t.Helper()
	ctx := app.WithPrincipal(context.Background(), app.System)
	from := kc.MustDate("2025-07-01")
	if _, err := st.LoadUnits(ctx, []kc.Unit{
		{ID: 1, Code: "97", Level: kc.LevelProvince, Type: "Tỉnh", Name: "Tỉnh Kiểm Thử", ValidFrom: from},
		{ID: 2, Code: "97001", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Hướng Hiệp", ParentID: 1, ValidFrom: from},
	}, nil); err != nil {
		t.Fatal(err)
	}
	commune, err := st.FindUnit(ctx, "97001", kc.MustDate("2026-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	f := &authFixture{st: st, app: app.New(st, nil)}
	f.app.Now = st.Now
	if f.lan, err = f.app.CreateUser(ctx, app.NewUser{Username: "lan", DisplayName: "Hồ Thị Lan", Password: authPassword, Role: kc.RoleCommuneOfficer, ScopeUnitIDs: []int64{commune.ID}}); err != nil {
		t.Fatal(err)
	}
	if f.boss, err = f.app.CreateUser(ctx, app.NewUser{Username: "quantri", Password: authPassword, Role: kc.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	s, err := New(f.app, Options{TrustedProxies: []string{"127.0.0.1", "::1"}})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(s.Handler())
	t.Cleanup(func() { f.srv.Close(); s.Close() })
	return f
}

// authClient is a cookie-keeping client that does not follow redirects.
type authClient struct {
	t    *testing.T
	base string
	http *http.Client
	// addr, when set, is sent as X-Forwarded-For.
	addr string
}

func (f *authFixture) client(t *testing.T) *authClient {
	jar, _ := cookiejar.New(nil)
	return &authClient{t: t, base: f.srv.URL, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *authClient) do(method, path string, form url.Values, header http.Header) *http.Response {
	c.t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.addr != "" {
		req.Header.Set("X-Forwarded-For", c.addr)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	c.t.Cleanup(func() { res.Body.Close() })
	return res
}

func (c *authClient) login(user, password, next string) *http.Response {
	c.t.Helper()
	return c.do("POST", "/login", url.Values{"username": {user}, "password": {password}, "next": {next}}, nil)
}

func authDoc(t *testing.T, res *http.Response) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func kcSessionCookie(res *http.Response) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == "kc_session" {
			return c
		}
	}
	return nil
}

func TestLogin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newAuthFixture(t, st)
		generic := locale.T("vi", "auth.invalid")
		cases := []struct {
			name string
			run  func(t *testing.T)
		}{
			{"login page", func(t *testing.T) {
				res := f.client(t).do("GET", "/login?next=%2Faccount", nil, nil)
				d := authDoc(t, res)
				if res.StatusCode != 200 || kcSessionCookie(res) != nil {
					t.Fatalf("GET /login: %d, cookie %v", res.StatusCode, kcSessionCookie(res))
				}
				for _, sel := range []string{
					`form[method="post"][action="/login"]`,
					`label[for="username"]`, `input#username[name="username"][autocomplete="username"]`,
					`label[for="password"]`, `input#password[type="password"][autocomplete="current-password"]`,
					`form[action="/login"] input[type="hidden"][name="next"][value="/account"]`, `form[action="/login"] button[type="submit"]`,
				} {
					if d.Find(sel).Length() != 1 {
						t.Errorf("login page lacks %s", sel)
					}
				}
			}},
			{"success", func(t *testing.T) {
				c := f.client(t)
				res := c.login("lan", authPassword, "/account")
				ck := kcSessionCookie(res)
				if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account" || ck == nil {
					t.Fatalf("login: %d → %q, cookie %v", res.StatusCode, res.Header.Get("Location"), ck)
				}
				if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure {
					t.Fatalf("cookie attributes %+v", ck)
				}
				res = c.do("GET", "/account", nil, nil)
				d := authDoc(t, res)
				if res.StatusCode != 200 || strings.TrimSpace(d.Find("#me-username").Text()) != "lan" || d.Find("#me-scope").Text() != "Xã Hướng Hiệp" {
					t.Fatalf("GET /account: %d, user %q scope %q", res.StatusCode, d.Find("#me-username").Text(), d.Find("#me-scope").Text())
				}
			}},
			{"username is case-insensitive and trimmed", func(t *testing.T) {
				res := f.client(t).login("  LAN ", authPassword, "")
				if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
					t.Fatalf("login: %d → %q", res.StatusCode, res.Header.Get("Location"))
				}
			}},
			{"wrong password", func(t *testing.T) {
				c := f.client(t)
				c.addr = "203.0.113.10"
				res := c.login("lan", "not the password", "/account")
				d := authDoc(t, res)
				if res.StatusCode != http.StatusUnauthorized || kcSessionCookie(res) != nil {
					t.Fatalf("wrong password: %d, cookie %v", res.StatusCode, kcSessionCookie(res))
				}
				if got := strings.TrimSpace(d.Find("#login-error").Text()); got != generic {
					t.Fatalf("error %q, want the generic message", got)
				}
				if v, _ := d.Find("input#username").Attr("value"); v != "lan" {
					t.Fatalf("username not kept: %q", v)
				}
				if v, _ := d.Find(`form[action="/login"] input[name="next"]`).Attr("value"); v != "/account" {
					t.Fatalf("next not kept: %q", v)
				}
				if v, _ := d.Find("input#password").Attr("value"); v != "" {
					t.Fatal("password echoed back")
				}
			}},
			{"unknown user looks the same", func(t *testing.T) {
				c := f.client(t)
				c.addr = "203.0.113.11"
				res := c.login("khong.co", authPassword, "")
				d := authDoc(t, res)
				if res.StatusCode != http.StatusUnauthorized || strings.TrimSpace(d.Find("#login-error").Text()) != generic {
					t.Fatalf("unknown user: %d %q", res.StatusCode, d.Find("#login-error").Text())
				}
			}},
			{"foreign next ignored", func(t *testing.T) {
				res := f.client(t).login("lan", authPassword, "//evil.example/x")
				if res.Header.Get("Location") != "/" {
					t.Fatalf("redirected to %q", res.Header.Get("Location"))
				}
			}},
			{"cross-origin post refused", func(t *testing.T) {
				res := f.client(t).do("POST", "/login", url.Values{"username": {"lan"}, "password": {authPassword}},
					http.Header{"Origin": {"https://evil.example"}})
				if res.StatusCode != http.StatusForbidden || kcSessionCookie(res) != nil {
					t.Fatalf("cross-origin login: %d, cookie %v", res.StatusCode, kcSessionCookie(res))
				}
				res = f.client(t).do("POST", "/login", url.Values{"username": {"lan"}, "password": {authPassword}},
					http.Header{"Sec-Fetch-Site": {"cross-site"}})
				if res.StatusCode != http.StatusForbidden {
					t.Fatalf("cross-site login: %d", res.StatusCode)
				}
			}},
			{"signed-in user skips the login page", func(t *testing.T) {
				c := f.client(t)
				c.login("lan", authPassword, "")
				res := c.do("GET", "/login?next=/account", nil, nil)
				if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account" {
					t.Fatalf("GET /login signed in: %d → %q", res.StatusCode, res.Header.Get("Location"))
				}
			}},
		}
		for _, c := range cases {
			t.Run(c.name, c.run)
		}
	})
}

func TestLogout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newAuthFixture(t, st)
		c := f.client(t)
		res := c.login("lan", authPassword, "")
		old := kcSessionCookie(res)
		res = c.do("POST", "/logout", url.Values{}, nil)
		ck := kcSessionCookie(res)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
			t.Fatalf("logout: %d → %q", res.StatusCode, res.Header.Get("Location"))
		}
		if ck == nil || ck.MaxAge >= 0 && ck.Value != "" {
			t.Fatalf("logout cookie %+v, want it cleared", ck)
		}
		t.Run("session gone", func(t *testing.T) {
			res := c.do("GET", "/account", nil, nil)
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
				t.Fatalf("GET /account after logout: %d → %q", res.StatusCode, res.Header.Get("Location"))
			}
		})
		t.Run("old cookie dead", func(t *testing.T) {
			replay := f.client(t)
			u, _ := url.Parse(f.srv.URL)
			replay.http.Jar.SetCookies(u, []*http.Cookie{{Name: "kc_session", Value: old.Value, Path: "/"}})
			if res := replay.do("GET", "/account", nil, nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("replayed session cookie: %d", res.StatusCode)
			}
		})
		t.Run("audited", func(t *testing.T) {
			es, _ := f.app.ListAudit(app.WithPrincipal(t.Context(), app.System), "user", f.lan.ID, 5)
			if len(es) < 2 || es[0].Action != kc.ActionLogout || es[1].Action != kc.ActionLogin {
				t.Fatalf("audit %+v", es)
			}
		})
	})
}

func TestLoginRateLimit(t *testing.T) {
	f := newAuthFixture(t, storetest.OpenSQLite(t))
	cases := []struct {
		name  string
		addrs func(i int) string
		users func(i int) string
	}{
		{"per address", func(int) string { return "198.51.100.1" }, func(i int) string { return "user" + string(rune('a'+i)) }},
		{"per account", func(i int) string { return "198.51.100." + string(rune('2'+i)) }, func(int) string { return "quantri" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var last *http.Response
			for i := range loginBurst + 1 {
				cl := f.client(t)
				cl.addr = c.addrs(i)
				last = cl.login(c.users(i), "wrong password!", "")
				if i < loginBurst && last.StatusCode != http.StatusUnauthorized {
					t.Fatalf("attempt %d: %d, want 401", i+1, last.StatusCode)
				}
			}
			d := authDoc(t, last)
			if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" ||
				strings.TrimSpace(d.Find("#login-error").Text()) != locale.T("vi", "auth.rate_limited") {
				t.Fatalf("over the limit: %d %q", last.StatusCode, d.Find("#login-error").Text())
			}
		})
	}
	t.Run("successful logins do not count", func(t *testing.T) {
		for i := range 3 * loginBurst {
			cl := f.client(t)
			cl.addr = "192.0.2.100"
			if res := cl.login("lan", authPassword, ""); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("login %d from one office address: %d", i+1, res.StatusCode)
			}
		}
	})
	t.Run("other clients unaffected", func(t *testing.T) {
		cl := f.client(t)
		cl.addr = "192.0.2.200"
		if res := cl.login("lan", authPassword, ""); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login from another address: %d", res.StatusCode)
		}
	})
}

func TestAccountPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newAuthFixture(t, st)
		c := f.client(t)
		c.login("lan", authPassword, "")
		var tokenID string
		cases := []struct {
			name string
			run  func(t *testing.T)
		}{
			{"anonymous redirected", func(t *testing.T) {
				for _, p := range []string{"/account", "/account/password"} {
					res := f.client(t).do("GET", p, nil, nil)
					if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next="+url.QueryEscape(p) {
						t.Errorf("GET %s anonymous: %d → %q", p, res.StatusCode, res.Header.Get("Location"))
					}
				}
				res := f.client(t).do("POST", "/account/tokens", url.Values{"name": {"x"}}, nil)
				if res.StatusCode != http.StatusSeeOther {
					t.Errorf("anonymous token create: %d", res.StatusCode)
				}
			}},
			{"token name required", func(t *testing.T) {
				res := c.do("POST", "/account/tokens", url.Values{"name": {"  "}}, nil)
				d := authDoc(t, res)
				if res.StatusCode != http.StatusUnprocessableEntity || d.Find("#token-name-error").Length() != 1 || d.Find("#new-secret").Length() != 0 {
					t.Fatalf("empty token name: %d", res.StatusCode)
				}
			}},
			{"create token", func(t *testing.T) {
				res := c.do("POST", "/account/tokens", url.Values{"name": {"Công cụ báo cáo"}}, nil)
				d := authDoc(t, res)
				secret, _ := d.Find("input#new-secret").Attr("value")
				if res.StatusCode != http.StatusCreated || !strings.HasPrefix(secret, "kc_") || d.Find(`label[for="new-secret"]`).Length() != 1 {
					t.Fatalf("create token: %d, secret %q", res.StatusCode, secret)
				}
				if !strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
					t.Fatal("secret page cacheable")
				}
				rows := d.Find("table.tokens tbody tr")
				tokenID, _ = rows.First().Attr("data-token-id")
				if rows.Length() != 1 || rows.Find(`form[action="/account/tokens/`+tokenID+`/revoke"]`).Length() != 1 {
					t.Fatalf("token rows %d", rows.Length())
				}
				if strings.Contains(rows.Text(), secret) {
					t.Fatal("token list shows the whole secret")
				}
				if p, err := f.app.PrincipalForToken(t.Context(), secret); err != nil || p.User.ID != f.lan.ID {
					t.Fatalf("secret does not authenticate: %v", err)
				}
				// Shown once: the next visit has no secret.
				if d := authDoc(t, c.do("GET", "/account", nil, nil)); d.Find("#new-secret").Length() != 0 {
					t.Fatal("secret shown again")
				}
			}},
			{"another user cannot revoke", func(t *testing.T) {
				other := f.client(t)
				if err := createViewer(t, f); err != nil {
					t.Fatal(err)
				}
				other.login("xem", authPassword, "")
				res := other.do("POST", "/account/tokens/"+tokenID+"/revoke", url.Values{}, nil)
				if res.StatusCode != http.StatusNotFound {
					t.Fatalf("revoke another's token: %d", res.StatusCode)
				}
			}},
			{"revoke", func(t *testing.T) {
				res := c.do("POST", "/account/tokens/"+tokenID+"/revoke", url.Values{}, nil)
				if res.StatusCode != http.StatusSeeOther {
					t.Fatalf("revoke: %d", res.StatusCode)
				}
				d := authDoc(t, c.do("GET", "/account?done=revoked", nil, nil))
				if d.Find("table.tokens tbody tr .badge").Length() != 1 || d.Find("table.tokens form").Length() != 0 {
					t.Fatal("revoked token not marked")
				}
			}},
			{"password mismatch", func(t *testing.T) {
				res := c.do("POST", "/account/password", url.Values{"current": {authPassword}, "new": {"Mây tre đan Cam Lộ"}, "confirm": {"khác"}}, nil)
				d := authDoc(t, res)
				if res.StatusCode != http.StatusUnprocessableEntity || d.Find("#confirm-error").Length() != 1 {
					t.Fatalf("mismatch: %d", res.StatusCode)
				}
			}},
			{"password wrong current", func(t *testing.T) {
				res := c.do("POST", "/account/password", url.Values{"current": {"sai mật khẩu"}, "new": {"Mây tre đan Cam Lộ"}, "confirm": {"Mây tre đan Cam Lộ"}}, nil)
				d := authDoc(t, res)
				if res.StatusCode != http.StatusUnprocessableEntity || d.Find("#current-error").Length() != 1 {
					t.Fatalf("wrong current: %d", res.StatusCode)
				}
			}},
			{"password weak", func(t *testing.T) {
				res := c.do("POST", "/account/password", url.Values{"current": {authPassword}, "new": {"12345"}, "confirm": {"12345"}}, nil)
				d := authDoc(t, res)
				if res.StatusCode != http.StatusUnprocessableEntity || d.Find("#new-error").Length() != 1 {
					t.Fatalf("weak: %d", res.StatusCode)
				}
			}},
			{"password page", func(t *testing.T) {
				d := authDoc(t, c.do("GET", "/account/password", nil, nil))
				for _, id := range []string{"current", "new", "confirm"} {
					if d.Find(`label[for="`+id+`"]`).Length() != 1 || d.Find(`input#`+id+`[type="password"][autocomplete]`).Length() != 1 {
						t.Errorf("password form field %s lacks a label or autocomplete", id)
					}
				}
			}},
			{"password changed", func(t *testing.T) {
				res := c.do("POST", "/account/password", url.Values{"current": {authPassword}, "new": {"Mây tre đan Cam Lộ"}, "confirm": {"Mây tre đan Cam Lộ"}}, nil)
				if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account?done=password" {
					t.Fatalf("change: %d → %q", res.StatusCode, res.Header.Get("Location"))
				}
				if res := c.do("GET", "/account", nil, nil); res.StatusCode != 200 {
					t.Fatalf("session lost after password change: %d", res.StatusCode)
				}
				if res := f.client(t).login("lan", "Mây tre đan Cam Lộ", ""); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("login with the new password: %d", res.StatusCode)
				}
			}},
			{"disabled user loses session", func(t *testing.T) {
				if err := f.app.DisableUser(app.WithPrincipal(t.Context(), app.System), f.lan.ID); err != nil {
					t.Fatal(err)
				}
				if res := c.do("GET", "/account", nil, nil); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("disabled user's session still works: %d", res.StatusCode)
				}
			}},
		}
		for _, c := range cases {
			t.Run(c.name, c.run)
		}
	})
}

func createViewer(t *testing.T, f *authFixture) error {
	t.Helper()
	u, _ := f.st.ScopeUnits(t.Context(), f.lan.ScopeUnitIDs)
	_, err := f.app.CreateUser(app.WithPrincipal(t.Context(), app.System), app.NewUser{Username: "xem", Password: authPassword, Role: kc.RoleViewer, ScopeUnitIDs: []int64{u[0].ID}})
	return err
}

func TestRequireRole(t *testing.T) {
	f := newAuthFixture(t, storetest.OpenSQLite(t))
	s, err := New(f.app, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h := s.requireRole(auth.PermManageUsers, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	officer, _ := f.app.PrincipalForUser(t.Context(), f.lan.ID)
	admin, _ := f.app.PrincipalForUser(t.Context(), f.boss.ID)
	cases := []struct {
		name string
		p    *app.Principal
		want int
	}{
		{"anonymous", nil, http.StatusSeeOther},
		{"officer", officer, http.StatusForbidden},
		{"admin", admin, http.StatusTeapot},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/admin/users?x=1", nil)
			if c.p != nil {
				r = r.WithContext(app.WithPrincipal(r.Context(), c.p))
			}
			w := httptest.NewRecorder()
			h(w, r)
			if w.Code != c.want {
				t.Fatalf("status %d, want %d", w.Code, c.want)
			}
			if c.p == nil && w.Header().Get("Location") != "/login?next=%2Fadmin%2Fusers%3Fx%3D1" {
				t.Fatalf("Location %q", w.Header().Get("Location"))
			}
		})
	}
}

func TestSafeNext(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "/"},
		{"/establishments?q=d%E1%BB%87t", "/establishments?q=d%E1%BB%87t"},
		{"/account", "/account"},
		{"//evil.example", "/"},
		{"/\\evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"account", "/"},
		{"/login", "/"},
		{"/a\r\nSet-Cookie: x", "/"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := safeNext(c.in); got != c.want {
				t.Fatalf("safeNext(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// TestAuthCatalog checks the accounts catalog: the same keys in Vietnamese
// and English, every key the accounts code builds in Go, and the role names.
func TestAuthCatalog(t *testing.T) {
	vi, en := catalogKeys(t, "vi/auth.json"), catalogKeys(t, "en/auth.json")
	if strings.Join(vi, ",") != strings.Join(en, ",") {
		t.Errorf("vi and en auth.json keys differ:\nvi %v\nen %v", vi, en)
	}
	keys := []string{
		"auth.invalid", "auth.rate_limited", "auth.token_invalid", "auth.token_name_required", "auth.token_name_long",
		"auth.token_not_found", "auth.token_created", "auth.token_revoked", "auth.password_changed",
		"user.exists", "user.username_invalid", "user.display_name_long", "user.role_invalid", "user.role_required",
		"user.password_short", "user.password_long", "user.password_digits", "user.password_username", "user.password_common",
		"user.password_wrong", "user.password_mismatch", "user.password_empty", "user.password_no_input",
		"user.scope_admin", "user.scope_required", "user.scope_unknown", "user.scope_province", "user.scope_communes",
		"user.scope_code_unknown", "user.not_found", "user.not_found_name", "user.disable_self",
		"audit.ok", "audit.altered", "audit.removed", "audit.removed_one", "audit.truncated", "audit.checked",
	}
	for _, r := range kc.Roles {
		keys = append(keys, "role."+string(r))
	}
	for _, k := range keys {
		if !locale.Has(k) {
			t.Errorf("key %q missing", k)
		}
	}
	if got := locale.T("vi", "role.commune_officer"); got != "Cán bộ xã" {
		t.Errorf("role.commune_officer = %q", got)
	}
}
