package web

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store/storetest"

	"github.com/PuerkitoBio/goquery"
)

// newBareServer returns a server over a fresh store, for tests that do not
// need data.
func newBareServer(t *testing.T) *Server {
	t.Helper()
	s, err := New(app.New(storetest.OpenSQLite(t), nil), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// fixturePrincipal is a commune officer with one commune in scope.
var fixturePrincipal = &app.Principal{
	User:     kc.User{ID: 7, Username: "canbo.xa", DisplayName: "Hồ Văn A", Role: kc.RoleCommuneOfficer},
	Communes: []int64{11},
	Units:    []int64{11},
}

// pageFixtures holds data for the pages whose templates read fields of
// Data, so a mistyped field name fails this test. Every page also renders
// with nil Data.
func pageFixtures() map[string]Page {
	return map[string]Page{
		"dashboard": {Data: dashboardView{
			Dashboard: app.Dashboard{
				ScopeName: "Xã Đakrông", Year: 2026, Communes: 1, Establishments: 42, WorkersLatest: 310,
				Projects: 9, ProjectsThisYear: 2, ActiveProjects: 3, OutreachSessions: 4,
				Funding: []app.SourceAmount{{Source: kc.SourceNational, Amount: 500_000_000}, {Source: kc.SourceCounterpart, Amount: 120_000_000}},
			},
			FundingTotal: 620_000_000,
		}},
		"soon": {Data: soonView{Module: "projects"}},
		"establishments": {Data: establishmentList{
			Query: "dệt", Total: 120,
			Rows:  []establishmentRow{{ID: 1, Name: "Tổ hợp tác dệt thổ cẩm A Vao", Commune: "Xã Đakrông", Village: "Thôn Ra Lu", Kind: kc.KindCoopGroup}},
			Pager: pagerView{Lang: "vi", Page: 2, Pages: 3, PrevURL: "/establishments?q=d%E1%BB%87t", NextURL: "/establishments?page=3&q=d%E1%BB%87t"},
		}},
		"establishment": {Data: establishmentView{
			Establishment: kc.Establishment{ID: 1, Kind: kc.KindHouseholdBusiness, Name: "Cơ sở rượu men lá Pa Kô", Village: "Bản Pa Nang", MainProducts: "Rượu men lá", Notes: "Ghi chú", FoundedYear: 2012, RegistrationNo: "32A8001234", TraditionalCraft: true, CraftVillage: true, Demo: true},
			Commune:       "Xã Đakrông", CanEdit: true,
		}, Flash: "ok"},
		"establishment_edit": {Data: establishmentForm{ID: 1, Version: 3, Original: "Cũ", Name: "", Village: "Thôn 1", MainProducts: "Chổi đót", Notes: "x"},
			Errors: map[string]string{"name": "Vui lòng nhập tên cơ sở.", "notes": "quá dài"}},
		"error": {Flash: "Không tìm thấy dữ liệu yêu cầu."},
		// Pages of the accounts and units work, so their fields are checked too.
		"login": {Data: loginForm{Username: "canbo.xa", Next: "/establishments", Error: "Sai tên đăng nhập hoặc mật khẩu."}},
		"account": {Data: accountView{
			Me:        app.UserInfo{User: fixturePrincipal.User, Scope: []kc.Unit{{ID: 11, Code: "19564", Name: "Xã Đakrông"}}},
			Tokens:    []kc.APIToken{{ID: 1, Name: "Bảng tính", Prefix: "kc_ab12"}, {ID: 2, Name: "Cũ", Prefix: "kc_cd34", RevokedAt: storetest.Clock}},
			NewSecret: "kc_secret", NewToken: kc.APIToken{ID: 3, Name: "Mới"}, TokenName: "Mới",
		}, Errors: map[string]string{"name": "x"}, Flash: "ok"},
		"password": {Errors: map[string]string{"current": "a", "new": "b", "confirm": "c"}},
		"units": {Data: unitListView{
			Query: "da krong", On: "2020-01-01", Level: kc.LevelCommune,
			Levels: []unitOption{{Value: "", Label: "Mọi cấp"}, {Value: kc.LevelCommune, Label: "Xã", Selected: true}},
			Total:  1,
			Rows:   []unitView{{ID: 5, Code: "19576", Name: "Xã Ba Nang", Type: "Xã", Level: kc.LevelCommune, ParentID: 4, ParentName: "Huyện Đakrông", ParentCode: "464", Period: "– 30/06/2025"}},
			Pager:  pagerView{Lang: "vi", Page: 1, Pages: 2, NextURL: "/units?page=2"},
		}},
		"unit": {Data: unitDetailView{
			Unit:         unitView{ID: 5, Code: "19576", Name: "Xã Ba Nang", Type: "Xã", Level: kc.LevelCommune, Period: "– 30/06/2025"},
			Note:         "ghi chú",
			Parents:      []unitView{{ID: 4, Code: "464", Name: "Huyện Đakrông"}, {ID: 1, Code: "45", Name: "Tỉnh Quảng Trị"}},
			Predecessors: []unitLinkView{},
			Successors:   []unitLinkView{{unitView: unitView{ID: 9, Code: "19564", Name: "Xã Đakrông", Current: true}, Scope: "toàn bộ", Effective: "01/07/2025"}},
			History:      []unitView{{ID: 10, Code: "19576", Name: "Xã Khác"}},
		}},
	}
}

// renderPage executes block of page name with p and returns the document.
func renderPage(t *testing.T, s *Server, name, block string, p Page) *goquery.Document {
	t.Helper()
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, block, p); err != nil {
		t.Fatalf("render %s/%s: %v", name, block, err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return doc
}

// TestRenderEveryPage renders every parsed page in both languages, with and
// without a signed-in user, with its fixture and with nil Data.
func TestRenderEveryPage(t *testing.T) {
	s := newBareServer(t)
	fixtures := pageFixtures()
	names := make([]string, 0, len(s.pages))
	for n := range s.pages {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, lang := range locale.Languages {
			for _, signedIn := range []bool{true, false} {
				for _, withData := range []bool{true, false} {
					p := Page{Lang: lang, Title: "Tiêu đề", Section: "establishments", Path: "/establishments?q=x", Scope: "Xã Đakrông", Now: storetest.Clock}
					if f, ok := fixtures[name]; ok && withData {
						p.Data, p.Errors, p.Flash = f.Data, f.Errors, f.Flash
					}
					if signedIn {
						p.Principal = fixturePrincipal
					}
					doc := renderPage(t, s, name, "layout", p)
					if got, _ := doc.Find("html").Attr("lang"); got != lang {
						t.Errorf("%s: html lang = %q, want %q", name, got, lang)
					}
					if n := doc.Find("main#content").Length(); n != 1 {
						t.Errorf("%s: %d main#content", name, n)
					}
					if signedIn {
						if doc.Find(`nav.nav a[href="/establishments"]`).Length() != 1 {
							t.Errorf("%s: no navigation", name)
						}
						if doc.Find(`form[action="/logout"][method="post"] button`).Length() != 1 {
							t.Errorf("%s: no logout form", name)
						}
						if got := strings.TrimSpace(doc.Find("#scope-name").Text()); got != "Xã Đakrông" {
							t.Errorf("%s: scope name %q", name, got)
						}
					}
					p.Partial = true
					renderPage(t, s, name, "content", p)
				}
			}
		}
	}
}

// TestFixturesCoverMyPages makes sure the pages of this file's fixtures all
// exist (a renamed template would otherwise silently lose its check).
func TestFixturesCoverMyPages(t *testing.T) {
	s := newBareServer(t)
	for name := range pageFixtures() {
		if _, ok := s.pages[name]; !ok {
			t.Errorf("fixture for unknown page %q", name)
		}
	}
}

// TestNoInlineScriptOrStyle renders every page with its fixture and checks
// nothing would be blocked by the Content-Security-Policy: no inline
// script, no style element or attribute, no on* handler attribute.
func TestNoInlineScriptOrStyle(t *testing.T) {
	s := newBareServer(t)
	fixtures := pageFixtures()
	for name := range s.pages {
		p := fixtures[name]
		p.Lang, p.Principal, p.Path, p.Scope = "vi", &app.Principal{User: kc.User{Username: "admin", Role: kc.RoleAdmin}, All: true}, "/", "Toàn quốc"
		doc := renderPage(t, s, name, "layout", p)
		doc.Find("script").Each(func(_ int, sel *goquery.Selection) {
			if src, ok := sel.Attr("src"); !ok || !strings.HasPrefix(src, "/static/") || strings.TrimSpace(sel.Text()) != "" {
				t.Errorf("%s: inline or foreign script %q", name, src)
			}
		})
		if doc.Find("style").Length() > 0 || doc.Find("[style]").Length() > 0 {
			t.Errorf("%s: inline style", name)
		}
		doc.Find("*").Each(func(_ int, sel *goquery.Selection) {
			for _, a := range sel.Nodes[0].Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") || strings.HasPrefix(strings.ToLower(a.Key), "hx-on") {
					t.Errorf("%s: inline handler %s on <%s>", name, a.Key, goquery.NodeName(sel))
				}
				if (a.Key == "href" || a.Key == "src" || a.Key == "action") && strings.HasPrefix(strings.ToLower(a.Val), "javascript:") {
					t.Errorf("%s: javascript: URL", name)
				}
			}
		})
		doc.Find(`link[rel="stylesheet"]`).Each(func(_ int, sel *goquery.Selection) {
			if href, _ := sel.Attr("href"); !strings.HasPrefix(href, "/static/") {
				t.Errorf("%s: stylesheet %q not served locally", name, href)
			}
		})
	}
}

// TestNavigationForAdmin checks that administration appears for admins only.
func TestNavigationForAdmin(t *testing.T) {
	s := newBareServer(t)
	p := Page{Lang: "vi", Principal: fixturePrincipal, Data: nil, Path: "/"}
	if renderPage(t, s, "soon", "layout", p).Find(`nav.nav a[href="/admin"]`).Length() != 0 {
		t.Error("commune officer sees Quản trị")
	}
	p.Principal = &app.Principal{User: kc.User{Role: kc.RoleAdmin}, All: true}
	doc := renderPage(t, s, "soon", "layout", p)
	if doc.Find(`nav.nav a[href="/admin"]`).Length() != 1 {
		t.Error("admin does not see Quản trị")
	}
	want := []string{"/", "/establishments", "/schemes", "/projects", "/plans", "/outreach", "/nhu-cau", "/reports", "/units", "/admin"}
	var got []string
	doc.Find("nav.nav a").Each(func(_ int, a *goquery.Selection) { h, _ := a.Attr("href"); got = append(got, h) })
	if !slices.Equal(got, want) {
		t.Errorf("nav = %v, want %v", got, want)
	}
}

var templateKey = regexp.MustCompile(`(?:\bt \$?\.Lang|\.T) "([a-zA-Z0-9_.]+)"`)

// TestTemplateKeysExist checks every catalog key a template names, and the
// keys built in Go (navigation, kinds, funding sources), exist in
// Vietnamese and English.
func TestTemplateKeysExist(t *testing.T) {
	var keys []string
	fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := templateFS.ReadFile(p)
		for _, m := range templateKey.FindAllSubmatch(b, -1) {
			keys = append(keys, string(m[1]))
		}
		return nil
	})
	for _, it := range navItems(&app.Principal{User: kc.User{Role: kc.RoleAdmin}, All: true}) {
		keys = append(keys, it.Key)
	}
	for _, k := range kc.EstablishmentKinds {
		keys = append(keys, "kind."+k)
	}
	for _, src := range kc.FundingSources {
		keys = append(keys, "dash.source."+src)
	}
	for _, m := range soonModules {
		keys = append(keys, "nav."+m)
	}
	for _, r := range kc.Roles {
		keys = append(keys, "role."+string(r))
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d keys; is the pattern broken?", len(keys))
	}
	for _, k := range keys {
		if !locale.Has(k) {
			t.Errorf("key %q missing from the Vietnamese catalog", k)
		}
	}
}

// TestEnglishCatalogMatches checks the English files of this package's
// modules define the same keys as the Vietnamese ones.
func TestEnglishCatalogMatches(t *testing.T) {
	for _, file := range []string{"shell.json", "establishments.json"} {
		vi, en := catalogKeys(t, "vi/"+file), catalogKeys(t, "en/"+file)
		if !slices.Equal(vi, en) {
			t.Errorf("%s: vi and en keys differ:\nvi %v\nen %v", file, vi, en)
		}
	}
}

func catalogKeys(t *testing.T, name string) []string {
	t.Helper()
	b, err := fs.ReadFile(localeFS(), name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// localeFS is the catalog source folder (tests run in the package folder).
func localeFS() fs.FS { return os.DirFS("../locale/messages") }
