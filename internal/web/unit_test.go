package web

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"

	"github.com/PuerkitoBio/goquery"
)

// unitServer returns a server over s with the units loaded and the clock
// fixed at storetest.Clock (25/11/2026).
func unitServer(t *testing.T, s *store.Store) (*Server, *app.App) {
	t.Helper()
	a := app.New(s, nil)
	a.Now = func() time.Time { return storetest.Clock }
	if err := a.EnsureUnits(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv, err := New(a, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv, a
}

// getUnitsPage serves url through the routes with a signed-in viewer in
// the request (login itself is the accounts work's to test).
func getUnitsPage(t *testing.T, srv *Server, url string, htmx bool) (int, *goquery.Document) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, url, nil)
	req = req.WithContext(app.WithPrincipal(req.Context(), &app.Principal{User: kc.User{ID: 1, Username: "xem", Role: kc.RoleViewer}}))
	if htmx {
		req.Header.Set("HX-Request", "true")
	}
	rec := httptest.NewRecorder()
	srv.mux.ServeHTTP(rec, req)
	doc, err := goquery.NewDocumentFromReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Code, doc
}

func attrs(sel *goquery.Selection, name string) []string {
	var out []string
	sel.Each(func(_ int, s *goquery.Selection) {
		v, _ := s.Attr(name)
		out = append(out, v)
	})
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func TestUnitListPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		srv, _ := unitServer(t, s)
		cases := []struct {
			name    string
			url     string
			htmx    bool
			status  int
			codes   []string // data-code values expected in table#units
			rows    int      // exact row count, -1 not checked
			onValue string   // value of the date input
			check   func(t *testing.T, doc *goquery.Document)
		}{
			{name: "first visit is today", url: "/units?q=dakrong", status: 200, codes: []string{"19564", "23644"}, rows: 2, onValue: "2026-11-25"},
			{name: "marks and spaces", url: "/units?q=%C4%90a+Kr%C3%B4ng&on=2026-01-01&level=commune", status: 200, codes: []string{"19564"}, rows: 2, onValue: "2026-01-01"},
			{name: "every period", url: "/units?q=ba+nang&on=", status: 200, codes: []string{"19576"}, rows: -1, onValue: ""},
			{name: "old district on a day", url: "/units?q=dakrong&on=2020-01-01&level=district", status: 200, codes: []string{"467"}, rows: 1, onValue: "2020-01-01"},
			{name: "provinces today", url: "/units?level=province&on=2026-01-01", status: 200, codes: []string{"44"}, rows: 34, onValue: "2026-01-01"},
			{name: "paging", url: "/units?level=commune&on=2026-01-01", status: 200, rows: unitsPerPage, onValue: "2026-01-01",
				check: func(t *testing.T, doc *goquery.Document) {
					next, ok := doc.Find(`nav.pager a[rel="next"]`).Attr("href")
					if !ok || !strings.Contains(next, "page=2") || !strings.Contains(next, "level=commune") || !strings.Contains(next, "on=2026-01-01") {
						t.Errorf("next link %q", next)
					}
				}},
			{name: "bad date", url: "/units?q=ba&on=2020-13-45", status: 422, rows: 0, onValue: "2020-13-45",
				check: func(t *testing.T, doc *goquery.Document) {
					if doc.Find("#unit-on-error").Length() != 1 || doc.Find(`#unit-on[aria-invalid="true"]`).Length() != 1 {
						t.Error("no error next to the date field")
					}
				}},
			{name: "bad level", url: "/units?level=hamlet", status: 422, rows: 0, onValue: "2026-11-25",
				check: func(t *testing.T, doc *goquery.Document) {
					if doc.Find("#unit-level-error").Length() != 1 {
						t.Error("no error next to the level field")
					}
				}},
			{name: "htmx gets the content block", url: "/units?q=dakrong&on=2026-01-01", htmx: true, status: 200, codes: []string{"19564"}, rows: 2, onValue: "2026-01-01",
				check: func(t *testing.T, doc *goquery.Document) {
					if doc.Find("header.top").Length() != 0 || doc.Find("#unit-results").Length() != 1 {
						t.Error("htmx response is not the content block")
					}
				}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				status, doc := getUnitsPage(t, srv, c.url, c.htmx)
				if status != c.status {
					t.Fatalf("status %d, want %d", status, c.status)
				}
				form := doc.Find(`form#unit-search[method="get"][action="/units"]`)
				if form.Length() != 1 {
					t.Fatal("no search form")
				}
				if hx, _ := form.Attr("hx-select"); hx != "#unit-results" {
					t.Errorf("hx-select %q", hx)
				}
				for _, name := range []string{"q", "on", "level"} {
					if form.Find(`[name="`+name+`"]`).Length() != 1 {
						t.Errorf("form lacks field %s", name)
					}
				}
				if v, _ := doc.Find("#unit-on").Attr("value"); v != c.onValue {
					t.Errorf("date value %q, want %q", v, c.onValue)
				}
				rows := doc.Find("table#units tbody tr")
				if c.rows >= 0 && rows.Length() != c.rows {
					t.Errorf("%d rows, want %d", rows.Length(), c.rows)
				}
				codes := attrs(rows, "data-code")
				for _, code := range c.codes {
					if !contains(codes, code) {
						t.Errorf("no row %s in %v", code, codes)
					}
				}
				rows.Each(func(_ int, tr *goquery.Selection) {
					id, _ := tr.Attr("data-id")
					if tr.Find(`a[href="/units/`+id+`"]`).Length() != 1 {
						t.Errorf("row %s has no link to its page", id)
					}
				})
				if c.check != nil {
					c.check(t, doc)
				}
			})
		}
	})
}

func TestUnitPagesNeedLogin(t *testing.T) {
	srv := newBareServer(t)
	for _, url := range []string{"/units?q=dakrong", "/units/1"} {
		t.Run(url, func(t *testing.T) {
			rec := httptest.NewRecorder()
			srv.mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
			if loc := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
				t.Errorf("status %d, location %q", rec.Code, loc)
			}
		})
	}
}

func TestUnitPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		srv, a := unitServer(t, s)
		idOf := func(code, on string) string {
			d, err := a.ShowUnit(t.Context(), code, kc.MustDate(on))
			if err != nil {
				t.Fatal(err)
			}
			return strconv.FormatInt(d.Unit.ID, 10)
		}
		cases := []struct {
			name         string
			url          string
			status       int
			unitName     string
			parents      []string
			predecessors []string
			successors   []string
			history      []string
		}{
			{"Ba Nang", "/units/" + idOf("19576", "2020-01-01"), 200, "Xã Ba Nang", []string{"467", "45"}, nil, []string{"19564"}, nil},
			{"Đakrông today", "/units/" + idOf("19564", "2026-01-01"), 200, "Xã Đakrông", []string{"44"},
				[]string{"19564", "19576", "19579"}, nil, []string{"19564"}},
			{"19555 reused", "/units/" + idOf("19555", "2020-01-01"), 200, "Thị trấn Krông Klang", []string{"467", "45"}, nil,
				[]string{"19555"}, []string{"19555"}},
			{"unknown id", "/units/99999999", 404, "", nil, nil, nil, nil},
			{"malformed id", "/units/abc", 404, "", nil, nil, nil, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				status, doc := getUnitsPage(t, srv, c.url, false)
				if status != c.status {
					t.Fatalf("status %d, want %d", status, c.status)
				}
				if c.status != 200 {
					return
				}
				if got := strings.TrimSpace(doc.Find("#unit-name").Text()); got != c.unitName {
					t.Errorf("name %q, want %q", got, c.unitName)
				}
				checks := []struct {
					what string
					sel  string
					want []string
				}{
					{"parents", "#unit-parents a", c.parents},
					{"predecessors", "#unit-predecessors tbody tr", c.predecessors},
					{"successors", "#unit-successors tbody tr", c.successors},
					{"history", "#unit-history a", c.history},
				}
				for _, ch := range checks {
					got := attrs(doc.Find(ch.sel), "data-code")
					if strings.Join(got, ",") != strings.Join(ch.want, ",") {
						t.Errorf("%s %v, want %v", ch.what, got, ch.want)
					}
				}
				doc.Find("#unit-predecessors tbody tr, #unit-successors tbody tr").Each(func(_ int, tr *goquery.Selection) {
					id, _ := tr.Attr("data-id")
					if tr.Find(`a[href="/units/`+id+`"]`).Length() != 1 {
						t.Errorf("link row %s has no link", id)
					}
				})
			})
		}
	})
}
