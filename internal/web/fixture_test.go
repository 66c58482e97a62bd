package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"

	"github.com/PuerkitoBio/goquery"
)

// testPassword is the password of every fixture account.
const testPassword = apptest.Password

// scopeFixture is a province with two communes, one establishment in each,
// and one account per scope the matrix tests (apptest.NewScope), served by
// the web handler on a test server.
type scopeFixture struct {
	st         *store.Store
	app        *app.App
	srv        *httptest.Server
	province   kc.Unit
	communeA   kc.Unit
	communeB   kc.Unit
	estA, estB kc.Establishment
	scope      *apptest.Scope
}

// Account names of the fixture.
const (
	userOfficerA = apptest.OfficerA
	userOfficerB = apptest.OfficerB
	userProvince = apptest.Province
	userViewer   = apptest.Viewer
	userAdmin    = apptest.Admin
)

// newScopeFixture loads the fixture into st and starts the web handler on
// a test server.
func newScopeFixture(t *testing.T, st *store.Store) *scopeFixture {
	t.Helper()
	sc := apptest.NewScope(t, st)
	f := &scopeFixture{st: st, app: sc.App, province: sc.Province, communeA: sc.CommuneA, communeB: sc.CommuneB, estA: sc.EstA, estB: sc.EstB, scope: sc}
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
