package web

import (
	"database/sql"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// needRequests counts the stored contact requests of the fixture's
// SQLite database.
func (f *scopeFixture) needRequests(t *testing.T) int {
	t.Helper()
	path, ok := strings.CutPrefix(f.st.DSN(), "sqlite:")
	if !ok {
		t.Fatalf("not a SQLite store: %s", f.st.DSN())
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM need_request").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// pageWeight returns the bytes of the page at path with the stylesheets
// and scripts it loads, uncompressed, and the parsed page.
func pageWeight(t *testing.T, c *client, res *http.Response) (int, *goquery.Document) {
	t.Helper()
	body := readAll(t, res)
	d := fragment(t, body)
	total := len(body)
	d.Find(`link[rel="stylesheet"], script[src]`).Each(func(_ int, s *goquery.Selection) {
		src := s.AttrOr("href", s.AttrOr("src", ""))
		r := c.get(src)
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		total += len(b)
	})
	return total, d
}

// selfCheckAnswers are the answers of a household rice-wine brewer with 4
// workers, not registered.
func selfCheckAnswers(commune string) url.Values {
	return url.Values{"trade": {"RUOU_MEN_LA"}, "province": {"98"}, "commune": {commune}, "workers": {"4"},
		"registered": {"no"}, "kind": {"household"}, "women_owned": {"1"}}
}

// TestSelfCheckPublic drives the public self-check without an account:
// the questionnaire (no script, under 50 KB with its stylesheet), the
// province step, an answer with what may fit and what is missing, field
// errors for nonsense numbers, and nothing stored.
func TestSelfCheckPublic(t *testing.T) {
	f := schemeFixture(t)
	anon := f.anonymous(t)

	for _, path := range []string{"/tu-kiem-tra", "/self-check"} {
		res := anon.get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d, want 200 without login", path, res.StatusCode)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q", path, cc)
		}
		size, d := pageWeight(t, anon, res)
		if size >= 50<<10 {
			t.Errorf("%s weighs %d bytes with its stylesheet, want < 50 KB", path, size)
		}
		if d.Find("script").Length() != 0 {
			t.Errorf("%s loads scripts", path)
		}
		if d.Find("form#sc-form").AttrOr("action", "") != path {
			t.Errorf("%s: form action %q", path, d.Find("form#sc-form").AttrOr("action", ""))
		}
		// The fixture has one province: it is chosen and its communes listed.
		if d.Find(`#sc-province option[value="98"][selected]`).Length() != 1 || d.Find("#sc-commune option").Length() != 3 {
			t.Errorf("%s: province %q, %d commune options", path, d.Find("#sc-province").Text(), d.Find("#sc-commune option").Length())
		}
		if d.Find(`#sc-trade option[value="RUOU_MEN_LA"]`).Text() != "Rượu men lá" {
			t.Errorf("%s: trades not listed by name", path)
		}
		if d.Find(`nav.nav`).Length() != 0 || d.Find(`form[action="/logout"]`).Length() != 0 {
			t.Errorf("%s: the signed-in shell shows to the public", path)
		}
	}

	// The province step reloads the form with the communes.
	res := anon.post("/tu-kiem-tra", url.Values{"province": {"98"}, "step": {"province"}, "workers": {"4"}})
	d := parse(t, res)
	if res.StatusCode != http.StatusOK || d.Find(`#sc-commune option[value="99001"]`).Length() != 1 || d.Find("#sc-answer").Length() != 0 {
		t.Errorf("province step: %d", res.StatusCode)
	}
	if d.Find("#sc-workers").AttrOr("value", "") != "4" {
		t.Error("the province step lost the answers")
	}

	// The answer.
	res = anon.post("/tu-kiem-tra", selfCheckAnswers("99001"))
	size, d := pageWeight(t, anon, res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("answer: %d %s", res.StatusCode, d.Find(".field-error").Text())
	}
	if size >= 50<<10 {
		t.Errorf("the answer weighs %d bytes, want < 50 KB", size)
	}
	answer := d.Find("#sc-answer")
	if answer.Length() != 1 {
		t.Fatal("no answer")
	}
	if d.Find(".sc-fit").Length() == 0 {
		t.Fatal("no scheme in the answer")
	}
	missing := answer.Find(".sc-missing").Text()
	for _, want := range []string{"đăng ký kinh doanh", "thiếu 6 lao động"} {
		if !strings.Contains(missing, want) {
			t.Errorf("what is missing %q lacks %q", missing, want)
		}
	}
	if next := d.Find("#sc-next").Text(); !strings.Contains(next, "UBND xã An Phú") {
		t.Errorf("next step %q does not name the commune", next)
	}
	if !strings.Contains(d.Find("#sc-summary").Text(), "Rượu men lá") {
		t.Error("the summary does not repeat the trade")
	}
	if d.Find("#sc-contact").Length() != 1 || d.Find(`#sc-contact input[name="workers"]`).AttrOr("value", "") != "4" {
		t.Error("no contact form carrying the answers")
	}
	if n := f.needRequests(t); n != 0 {
		t.Errorf("%d requests stored by a self-check", n)
	}

	// Nonsense: clear messages next to the fields, never a 500.
	for _, tc := range []struct {
		field, value, id, want string
	}{
		{"workers", "-5", "#sc-workers-error", "âm"},
		{"workers", "999999999", "#sc-workers-error", "100.000"},
		{"workers", "99999999999999999999999", "#sc-workers-error", "100.000"},
		{"workers", "bốn", "#sc-workers-error", "chữ số"},
		{"revenue", "rất nhiều", "#sc-revenue-error", "chữ số"},
		{"revenue", "-1", "#sc-revenue-error", "âm"},
		{"commune", "00000", "#sc-commune-error", ""},
		{"commune", "Xã <b>", "#sc-commune-error", ""},
		{"commune", strings.Repeat("9", 500), "#sc-commune-error", ""},
		{"trade", "KHONG_CO", "#sc-trade-error", "KHONG_CO"},
		{"registered", "có lẽ", "#sc-registered-error", ""},
		{"kind", "ufo", "#sc-kind-error", ""},
	} {
		v := selfCheckAnswers("99001")
		v.Set(tc.field, tc.value)
		res := anon.post("/tu-kiem-tra", v)
		d := parse(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s=%q: status %d, want 422", tc.field, tc.value, res.StatusCode)
			continue
		}
		if got := d.Find(tc.id).Text(); got == "" || !strings.Contains(got, tc.want) {
			t.Errorf("%s=%q: message %q, want one with %q", tc.field, tc.value, got, tc.want)
		}
		if d.Find("#sc-errors").Length() != 1 || d.Find("#sc-answer").Length() != 0 {
			t.Errorf("%s=%q: no error summary, or an answer", tc.field, tc.value)
		}
	}
	// A body that cannot be read.
	req, _ := http.NewRequest(http.MethodPost, anon.base+"/tu-kiem-tra", strings.NewReader("%zz"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := anon.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("malformed body: %d, want 422", res.StatusCode)
	}
	if n := f.needRequests(t); n != 0 {
		t.Errorf("%d requests stored by self-checks", n)
	}
}

// TestSelfCheckContact asks to be contacted: without consent nothing is
// stored and the message is next to the checkbox; with it one request is
// stored and its tracking code shown; requests are rate-limited per
// client address.
func TestSelfCheckContact(t *testing.T) {
	f := schemeFixture(t)
	anon := f.anonymous(t)
	v := selfCheckAnswers("99001")
	v.Set("name", "Hồ Thị Hoa")
	v.Set("phone", "0912 345 678")

	res := anon.post("/tu-kiem-tra/lien-he", v)
	d := parse(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity || d.Find("#sc-consent-error").Length() != 1 {
		t.Errorf("without consent: %d %q", res.StatusCode, d.Find(".field-error").Text())
	}
	if d.Find("#sc-answer").Length() != 1 {
		t.Error("the answer is gone after a contact error")
	}
	if n := f.needRequests(t); n != 0 {
		t.Fatalf("%d requests stored without consent", n)
	}
	bad := url.Values{}
	for k, vs := range v {
		bad[k] = vs
	}
	bad.Set("consent", "1")
	bad.Set("phone", "12")
	d = parse(t, anon.post("/tu-kiem-tra/lien-he", bad))
	if d.Find("#sc-phone-error").Length() != 1 {
		t.Error("no message for a bad phone")
	}

	v.Set("consent", "1")
	res = anon.post("/tu-kiem-tra/lien-he", v)
	d = parse(t, res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("contact: %d %q", res.StatusCode, d.Find(".field-error, .error").Text())
	}
	if code := d.Find("#sc-code").Text(); !strings.HasPrefix(code, "NC-") {
		t.Errorf("tracking code %q", code)
	}
	if d.Find("#sc-contact").Length() != 0 {
		t.Error("the contact form is offered again after the request")
	}
	if n := f.needRequests(t); n != 1 {
		t.Errorf("%d requests stored, want 1", n)
	}

	// The bucket holds 5; two were taken above, the third request of the
	// loop that fails is the limit.
	limited := false
	for range 6 {
		res := anon.post("/self-check/lien-he", bad)
		res.Body.Close()
		if res.StatusCode == http.StatusTooManyRequests {
			limited = true
			if res.Header.Get("Retry-After") == "" {
				t.Error("no Retry-After")
			}
			break
		}
	}
	if !limited {
		t.Error("contact requests are not rate-limited")
	}
	if n := f.needRequests(t); n != 1 {
		t.Errorf("%d requests stored, want 1", n)
	}
}

// TestEligibilityPagesRender renders the new pages with data in both
// languages, signed in or not, as pages and as fragments.
func TestEligibilityPagesRender(t *testing.T) {
	s := newBareServer(t)
	for _, name := range []string{"elig_panel", "scheme_list", "scheme_detail", "scheme_count", "screen_report", "selfcheck"} {
		if _, ok := s.pages[name]; !ok {
			t.Errorf("no page %s", name)
		}
	}
	panel := eligPanelView{Checked: true, Scheme: "X", OnText: "25/11/2026", CostValue: 1, Missing: []string{"a"},
		Results: []resultView{{Scheme: schemeHead{ID: 1, Code: "X", Name: "X", Example: true, NeedsReview: true}, Status: "not_eligible",
			Outcomes: []outcomeView{{Mark: "✗", State: "fail", Label: "L", Actual: "6", Required: "≥ 10", Gap: "thiếu 4 lao động", Alt: true}},
			Steps:    []string{"s"}, PriorityLabels: []string{"p"}, Unset: true}},
		Qualifies: []schemeHead{{ID: 2, Name: "Y"}}, Groups: []groupView{{N: 1, Reasons: []string{"r"}}}, Skipped: []string{"k"}}
	detail := schemeDetailView{schemeRow: schemeRow{ID: 1, Editable: true, CapUnset: true}, Criteria: []criterionRow{{ID: 1, Formula: true}},
		Versions: []schemeRow{{ID: 1}, {ID: 2}}, Help: []fieldHelp{{Name: "Kind", Options: []choice{{Value: "a"}}}}}
	screen := screenView{Ran: true, Schemes: []screenSchemeView{{TopFailing: "x"}}, Communes: []screenCommuneView{{Cells: []screenCell{{Empty: true}, {}}}},
		Near: []screenNearView{{ID: 1}}, NearMore: true, Skipped: []string{"k"}}
	sc := selfCheckView{Action: "/tu-kiem-tra", Answer: &selfCheckAnswer{Summary: []string{"a"}, Fits: []fitView{{Missing: []string{"m"}}},
		Others: []fitView{{}}}, Receipt: &receiptView{Code: "NC-1"}, RateLimited: true, FormError: true}
	data := map[string]any{"elig_panel": panel, "scheme_list": schemeListView{Rows: []schemeRow{{}}}, "scheme_detail": detail,
		"scheme_count": countView{Edited: true}, "screen_report": screen, "selfcheck": sc}
	errs := map[string]string{"cost": "e", "crit.formula": "e", "rule.rate": "e", "unit": "e", "workers": "e", "contact.phone": "e", "form": "e"}
	for name, v := range data {
		for _, lang := range []string{"vi", "en"} {
			for _, signedIn := range []bool{false, true} {
				p := Page{Lang: lang, Title: "T", Data: v, Errors: errs, Path: "/", Scope: "Xã Đakrông"}
				if signedIn {
					p.Principal = fixturePrincipal
				}
				d := renderPage(t, s, name, "layout", p)
				if d.Find("main#content").Length() != 1 {
					t.Errorf("%s: no main", name)
				}
				if strings.Contains(d.Text(), "webelig.") {
					t.Errorf("%s/%s: an untranslated key shows", name, lang)
				}
				p.Partial = true
				renderPage(t, s, name, "content", p)
			}
		}
	}
}
