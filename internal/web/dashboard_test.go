package web

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"

	"github.com/PuerkitoBio/goquery"
)

func TestDashboard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)

		t.Run("requires login", func(t *testing.T) {
			res := f.anonymous(t).get("/")
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
				t.Errorf("GET / anonymous: %d %q, want 303 to /login", res.StatusCode, res.Header.Get("Location"))
			}
		})

		for _, tc := range []struct {
			user, scope, establishments string
			admin                       bool
		}{
			{userOfficerA, "Xã An Phú", "1", false},
			{userProvince, "Tỉnh Thử Nghiệm", "2", false},
			{userAdmin, "", "2", true},
		} {
			t.Run(tc.user, func(t *testing.T) {
				doc := f.login(t, tc.user).doc("/", http.StatusOK)
				if got := strings.TrimSpace(doc.Find("#count-establishments .card-num").Text()); got != tc.establishments {
					t.Errorf("establishments = %q, want %s", got, tc.establishments)
				}
				for _, id := range []string{"count-communes", "count-workers", "count-projects", "count-projects-year", "count-projects-active", "count-outreach"} {
					if doc.Find("#"+id+" .card-num").Length() != 1 {
						t.Errorf("no #%s", id)
					}
				}
				scope := strings.TrimSpace(doc.Find("#scope-name").Text())
				if tc.scope != "" && !strings.Contains(scope, tc.scope) || scope == "" {
					t.Errorf("scope = %q, want %q", scope, tc.scope)
				}
				if doc.Find("#demo-badge").Length() != 0 {
					t.Error("demo badge shown although no demo data is loaded")
				}
				if cur, _ := doc.Find(`nav.nav a[aria-current="page"]`).Attr("href"); cur != "/" {
					t.Errorf("current nav entry %q, want /", cur)
				}
				if got := doc.Find(`nav.nav a[href="/admin"]`).Length() == 1; got != tc.admin {
					t.Errorf("admin entry shown = %v", got)
				}
				if doc.Find("#funding").Length() == 0 && doc.Find("section .empty").Length() == 0 {
					t.Error("neither a funding table nor its empty message")
				}
				doc.Find("#funding tbody tr").Each(func(_ int, tr *goquery.Selection) {
					if !strings.HasSuffix(strings.TrimSpace(tr.Find("td.num").Text()), "₫") {
						t.Errorf("funding amount %q not in đồng", tr.Find("td.num").Text())
					}
				})
			})
		}
	})
}

func TestSoonPages(t *testing.T) {
	f := newScopeFixture(t, storetest.OpenSQLite(t))
	officer, admin, anon := f.login(t, userOfficerA), f.login(t, userAdmin), f.anonymous(t)
	for _, m := range soonModules {
		t.Run(m, func(t *testing.T) {
			want := http.StatusOK
			if m == "admin" {
				want = http.StatusForbidden
			}
			officer.t, admin.t, anon.t = t, t, t
			doc := officer.doc("/"+m, want)
			if want == http.StatusOK {
				if doc.Find("#soon").Length() != 1 {
					t.Error("no #soon notice")
				}
				if cur, _ := doc.Find(`nav.nav a[aria-current="page"]`).Attr("href"); cur != "/"+m {
					t.Errorf("current nav entry %q", cur)
				}
			}
			admin.doc("/"+m, http.StatusOK)
			res := anon.get("/" + m)
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				t.Errorf("anonymous: %d, want 303", res.StatusCode)
			}
		})
	}
}

func TestLanguageSwitch(t *testing.T) {
	f := newScopeFixture(t, storetest.OpenSQLite(t))
	c := f.login(t, userOfficerA)
	for _, tc := range []struct{ next, want string }{
		{"/establishments?q=d%E1%BB%87t", "/establishments?q=d%E1%BB%87t"},
		{"//evil.example/", "/"},
		{"https://evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"", "/"},
	} {
		res := c.post("/lang", url.Values{"lang": {"en"}, "next": {tc.next}})
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != tc.want {
			t.Errorf("next %q: %d → %q, want 303 → %q", tc.next, res.StatusCode, res.Header.Get("Location"), tc.want)
		}
	}
	doc := c.doc("/", http.StatusOK)
	if lang, _ := doc.Find("html").Attr("lang"); lang != "en" {
		t.Errorf("after switching: lang=%q", lang)
	}
	if doc.Find(`form[action="/lang"] button[value="vi"]`).Length() != 1 {
		t.Error("no switch back to Vietnamese")
	}
	res := c.post("/lang", url.Values{"lang": {"xx"}, "next": {"/"}})
	res.Body.Close()
	if lang, _ := c.doc("/", http.StatusOK).Find("html").Attr("lang"); lang != "vi" {
		t.Errorf("unknown language gives lang=%q, want vi", lang)
	}
}

// firstLoadBudget is the most the dashboard's first load may transfer
// (issue 2: HTML, CSS and JavaScript, compressed as served).
const firstLoadBudget = 100 * 1024

// TestFirstLoadBudget fetches the dashboard and every stylesheet and
// script it references, as a browser with an empty cache would, and sums
// the bytes transferred (headers and gzip-compressed bodies).
func TestFirstLoadBudget(t *testing.T) {
	f := newScopeFixture(t, storetest.OpenSQLite(t))
	c := f.login(t, userOfficerA)
	fetch := func(path string) (int, []byte, http.Header) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := c.http.Do(req) // a manual Accept-Encoding turns off transparent decompression
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		if res.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("GET %s not gzip-compressed", path)
		}
		head, _ := httputil.DumpResponse(res, false)
		body, _ := io.ReadAll(res.Body)
		return len(head) + len(body), body, res.Header
	}
	total, page, _ := fetch("/")
	doc, err := goquery.NewDocumentFromReader(gunzip(t, page))
	if err != nil {
		t.Fatal(err)
	}
	var assets []string
	doc.Find(`link[rel="stylesheet"]`).Each(func(_ int, s *goquery.Selection) { h, _ := s.Attr("href"); assets = append(assets, h) })
	doc.Find(`script[src]`).Each(func(_ int, s *goquery.Selection) { h, _ := s.Attr("src"); assets = append(assets, h) })
	if len(assets) < 2 {
		t.Fatalf("dashboard references %v; expected the stylesheet and htmx", assets)
	}
	report := fmt.Sprintf("/ %d", total)
	for _, a := range assets {
		n, _, h := fetch(a)
		if !strings.Contains(h.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: Cache-Control %q, want immutable", a, h.Get("Cache-Control"))
		}
		total += n
		report += fmt.Sprintf(", %s %d", a, n)
	}
	t.Logf("first load: %d bytes (%s)", total, report)
	if total > firstLoadBudget {
		t.Errorf("first load transfers %d bytes, budget %d", total, firstLoadBudget)
	}
}
