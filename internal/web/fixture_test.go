package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"

	"github.com/PuerkitoBio/goquery"
)

// testPassword is strong enough for the password rules.
const testPassword = "Thu-nghiem-2026!kc"

// scopeFixture is a province with two communes, one establishment in each,
// and one account per scope the matrix tests.
type scopeFixture struct {
	st         *store.Store
	app        *app.App
	srv        *httptest.Server
	province   kc.Unit
	communeA   kc.Unit
	communeB   kc.Unit
	estA, estB kc.Establishment
}

// Account names of the fixture.
const (
	userOfficerA = "canbo.xa.a"
	userOfficerB = "canbo.xa.b"
	userProvince = "canbo.tinh"
	userViewer   = "lanhdao"
	userAdmin    = "quantri"
)

// newScopeFixture loads the units, accounts and establishments into st and
// starts the web handler on a test server.
func newScopeFixture(t *testing.T, st *store.Store) *scopeFixture {
	t.Helper()
	ctx := app.WithPrincipal(context.Background(), app.System)
	from := kc.MustDate("2025-07-01")
	units := []kc.Unit{
		{ID: 1, Code: "98", Level: kc.LevelProvince, Type: "Tỉnh", Name: "Tỉnh Thử Nghiệm", ValidFrom: from},
		{ID: 2, Code: "99001", Level: kc.LevelCommune, Type: "Xã", Name: "Xã An Phú", ParentID: 1, ValidFrom: from},
		{ID: 3, Code: "99002", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Bình Minh", ParentID: 1, ValidFrom: from},
	}
	if _, err := st.LoadUnits(ctx, units, nil); err != nil {
		t.Fatalf("load units: %v", err)
	}
	f := &scopeFixture{st: st, app: app.New(st, nil)}
	f.app.Now = st.Now
	on := kc.MustDate("2026-01-01")
	var err error
	for _, u := range []struct {
		dst  *kc.Unit
		code string
	}{{&f.province, "98"}, {&f.communeA, "99001"}, {&f.communeB, "99002"}} {
		if *u.dst, err = st.FindUnit(ctx, u.code, on); err != nil {
			t.Fatalf("find unit %s: %v", u.code, err)
		}
	}
	for _, u := range []app.NewUser{
		{Username: userOfficerA, DisplayName: "Cán bộ xã An Phú", Role: kc.RoleCommuneOfficer, ScopeUnitIDs: []int64{f.communeA.ID}},
		{Username: userOfficerB, DisplayName: "Cán bộ xã Bình Minh", Role: kc.RoleCommuneOfficer, ScopeUnitIDs: []int64{f.communeB.ID}},
		{Username: userProvince, DisplayName: "Cán bộ tỉnh", Role: kc.RoleProvinceOfficer, ScopeUnitIDs: []int64{f.province.ID}},
		{Username: userViewer, DisplayName: "Lãnh đạo", Role: kc.RoleViewer, ScopeUnitIDs: []int64{f.province.ID}},
		{Username: userAdmin, DisplayName: "Quản trị", Role: kc.RoleAdmin},
	} {
		u.Password = testPassword
		if _, err := f.app.CreateUser(ctx, u); err != nil {
			t.Fatalf("create user %s: %v", u.Username, err)
		}
	}
	f.estA, err = st.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindHouseholdBusiness, Name: "Cơ sở dệt thổ cẩm An Phú", CommuneID: f.communeA.ID, Village: "Thôn 1", MainProducts: "Vải thổ cẩm"})
	if err != nil {
		t.Fatalf("create establishment A: %v", err)
	}
	f.estB, err = st.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindCoopGroup, Name: "Tổ hợp tác rượu men lá Bình Minh", CommuneID: f.communeB.ID, Village: "Bản Ra Lu", MainProducts: "Rượu men lá"})
	if err != nil {
		t.Fatalf("create establishment B: %v", err)
	}
	s, err := New(f.app, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(s.Handler())
	t.Cleanup(func() { f.srv.Close(); s.Close() })
	return f
}

// client is a browser-like HTTP client that keeps cookies and does not
// follow redirects, so tests see every status.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func (f *scopeFixture) anonymous(t *testing.T) *client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: f.srv.URL, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login signs in as username through the login form.
func (f *scopeFixture) login(t *testing.T, username string) *client {
	t.Helper()
	c := f.anonymous(t)
	res := c.post("/login", url.Values{"username": {username}, "password": {testPassword}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusFound {
		t.Fatalf("login %s: status %d", username, res.StatusCode)
	}
	return c
}

func (c *client) get(path string) *http.Response {
	c.t.Helper()
	res, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	return res
}

func (c *client) post(path string, form url.Values) *http.Response {
	c.t.Helper()
	res, err := c.http.Post(c.base+path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	return res
}

// doc fetches path and parses the HTML, failing unless the status is want.
func (c *client) doc(path string, want int) *goquery.Document {
	c.t.Helper()
	res := c.get(path)
	defer res.Body.Close()
	if res.StatusCode != want {
		c.t.Fatalf("GET %s: status %d, want %d", path, res.StatusCode, want)
	}
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return d
}

// gunzip returns a reader of the decompressed body.
func gunzip(t *testing.T, b []byte) io.Reader {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}

// readAll reads and closes the body.
func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// parse parses and closes the body as HTML.
func parse(t *testing.T, res *http.Response) *goquery.Document {
	t.Helper()
	defer res.Body.Close()
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
