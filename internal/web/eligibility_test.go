package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/store/storetest"
)

// schemeFixture is the scope fixture with the reference catalogue seeded
// (trades and the scheme versions with their criteria).
func schemeFixture(t *testing.T) *scopeFixture {
	t.Helper()
	f := newScopeFixture(t, storetest.OpenSQLite(t))
	if err := f.app.EnsureReference(app.WithPrincipal(t.Context(), app.System)); err != nil {
		t.Fatalf("reference: %v", err)
	}
	return f
}

// systemCtx is a context acting as the system.
func systemCtx(t *testing.T) context.Context {
	return app.WithPrincipal(t.Context(), app.System)
}

// brewer registers a household business brewing rice wine in commune
// with that many workers in the fixture's current year.
func (f *scopeFixture) brewer(t *testing.T, name string, commune kc.Unit, workers int) kc.Establishment {
	t.Helper()
	ctx := systemCtx(t)
	trade, err := f.app.TradeByCode(ctx, "RUOU_MEN_LA")
	if err != nil {
		t.Fatalf("trade: %v", err)
	}
	e, err := f.app.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindHouseholdBusiness, Name: name, CommuneID: commune.ID,
		Village: "Bản Pa Nang", RegistrationNo: "32A80" + strconv.Itoa(workers) + strconv.Itoa(len(name)), TradeIDs: []int64{trade},
		FoundedYear: 2015, MainProducts: "Rượu men lá"})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	if _, err := f.app.PutFact(ctx, kc.EstablishmentFact{EstablishmentID: e.ID, Year: f.app.Now().Year(), Workers: workers,
		Revenue: 300_000_000, Capital: 200_000_000, AvgIncome: 4_000_000}); err != nil {
		t.Fatalf("facts of %s: %v", name, err)
	}
	return e
}

// schemeID returns the id of the version of code in force today.
func (f *scopeFixture) schemeID(t *testing.T, code string) int64 {
	t.Helper()
	views, err := f.app.Schemes(systemCtx(t), kc.DateOf(f.app.Now()))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range views {
		if v.Code == code {
			return v.SchemeID
		}
	}
	t.Fatalf("no scheme %s in force", code)
	return 0
}

// htmxGet fetches path as htmx does and returns the status and body.
func (c *client) htmxGet(path string) (int, string) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("HX-Request", "true")
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	return res.StatusCode, readAll(c.t, res)
}

func fragment(t *testing.T, body string) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestEligibilityPanel checks the panel of an establishment: a household
// business with 6 workers is not eligible for the machinery scheme for
// want of 4 workers, with every criterion explained, the support
// arithmetic, the other schemes it qualifies for and a group of
// neighbouring brewers that would reach the threshold together.
func TestEligibilityPanel(t *testing.T) {
	f := schemeFixture(t)
	e := f.brewer(t, "Cơ sở rượu men lá Hồ Thị A", f.communeA, 6)
	f.brewer(t, "Cơ sở rượu men lá Hồ Văn B", f.communeA, 3)
	f.brewer(t, "Cơ sở rượu men lá Pả Thị C", f.communeA, 4)
	officer := f.login(t, userOfficerA)
	base := "/establishments/" + strconv.FormatInt(e.ID, 10) + "/eligibility"

	d := officer.doc(base+"?scheme=MAY_MOC_TIEN_TIEN", http.StatusOK)
	res := d.Find(`article.elig-result[data-code="MAY_MOC_TIEN_TIEN"]`)
	if res.Length() != 1 {
		t.Fatalf("%d results for MAY_MOC_TIEN_TIEN", res.Length())
	}
	if st := res.AttrOr("data-status", ""); st != "not_eligible" {
		t.Errorf("status %q, want not_eligible", st)
	}
	if got := strings.TrimSpace(res.Find(".elig-status").Text()); got != "Chưa đủ điều kiện" {
		t.Errorf("status badge %q", got)
	}
	failed := res.Find(`tr[data-state="fail"]`)
	if failed.Length() != 1 {
		t.Fatalf("%d failed criteria, want 1", failed.Length())
	}
	if got := strings.TrimSpace(failed.Find("td.gap").Text()); got != "thiếu 4 lao động" {
		t.Errorf("gap %q, want «thiếu 4 lao động»", got)
	}
	if got := failed.Find("td").Eq(2).Text(); !strings.Contains(got, "6") {
		t.Errorf("actual %q, want 6", got)
	}
	if res.Find(`tr[data-state="pass"]`).Length() < 3 {
		t.Errorf("passing criteria not listed: %s", res.Find("tbody").Text())
	}
	// The kind is named, not coded.
	if !strings.Contains(res.Text(), "Hộ kinh doanh") {
		t.Error("the kind requirement shows codes instead of names")
	}
	steps := res.Find(".elig-steps li")
	if steps.Length() == 0 || !strings.Contains(steps.Text(), "300.000.000 ₫") {
		t.Errorf("support steps %q", steps.Text())
	}
	if !strings.Contains(res.Find(".elig-priority").Text(), "Điểm ưu tiên") {
		t.Error("no priority points")
	}
	if d.Find("#elig-qualifies li").Length() == 0 {
		t.Error("no other scheme it qualifies for")
	}
	groups := d.Find("#elig-groups .elig-group")
	if groups.Length() == 0 {
		t.Fatal("no group suggestion")
	}
	if groups.First().Find(`.elig-members a[href^="/establishments/"]`).Length() < 2 {
		t.Error("group members are not linked")
	}
	if groups.First().Find(".elig-steps li").Length() == 0 {
		t.Error("group without reasoning")
	}

	// A planned cost shows the arithmetic.
	d = officer.doc(base+"?scheme=MAY_MOC_TIEN_TIEN&cost=200.000.000", http.StatusOK)
	text := d.Find(".elig-steps").First().Text()
	for _, want := range []string{"200.000.000 ₫", "100.000.000 ₫", "50 %"} {
		if !strings.Contains(text, want) {
			t.Errorf("steps %q lack %q", text, want)
		}
	}

	// Every scheme in force: a scheme whose amounts are not confirmed
	// carries the badge.
	d = officer.doc(base, http.StatusOK)
	if d.Find("article.elig-result").Length() < 5 {
		t.Errorf("%d results for every scheme", d.Find("article.elig-result").Length())
	}
	if d.Find(`article.elig-result[data-code="SAN_XUAT_SACH_HON"] .elig-review`).Length() != 1 {
		t.Error("no «cần xác minh» badge on a scheme whose support is not set")
	}
	if d.Find(`article.elig-result[data-code="THONG_TIN_TUYEN_TRUYEN"]`).Length() != 0 {
		t.Error("an information scheme was evaluated for an establishment")
	}

	// htmx gets the panel alone.
	status, body := officer.htmxGet(base + "?scheme=MAY_MOC_TIEN_TIEN")
	if status != http.StatusOK || strings.Contains(body, "<html") || !strings.Contains(body, `id="elig-panel"`) {
		t.Errorf("htmx: status %d, fragment %.200q", status, body)
	}

	// Form errors: 422 for a page, shown in the fragment for htmx.
	d = officer.doc(base+"?cost=nhi%E1%BB%81u", http.StatusUnprocessableEntity)
	if d.Find("#elig-cost-error").Length() != 1 {
		t.Error("no cost error")
	}
	d = officer.doc(base+"?scheme=KHONG_CO", http.StatusUnprocessableEntity)
	if !strings.Contains(d.Find("#elig-scheme-error").Text(), "KHONG_CO") {
		t.Errorf("scheme error %q", d.Find("#elig-scheme-error").Text())
	}
	status, body = officer.htmxGet(base + "?on=2025-13-45")
	if status != http.StatusOK || !strings.Contains(body, `id="elig-on-error"`) {
		t.Errorf("htmx form error: status %d", status)
	}

	// Outside the scope: not found.
	other := f.login(t, userOfficerB)
	other.doc(base, http.StatusNotFound)

	// The establishment page loads the panel lazily, with a link.
	d = officer.doc("/establishments/"+strconv.FormatInt(e.ID, 10), http.StatusOK)
	hook := d.Find("#eligibility #elig-panel")
	if hook.AttrOr("hx-get", "") != base || hook.AttrOr("hx-trigger", "") != "load" {
		t.Errorf("panel hook hx-get=%q hx-trigger=%q", hook.AttrOr("hx-get", ""), hook.AttrOr("hx-trigger", ""))
	}
	if hook.Find(`a[href="`+base+`"]`).Length() != 1 {
		t.Error("no link fallback to the panel")
	}
}

// TestMoneyAndCountParsing checks the number readers of the forms.
func TestMoneyAndCountParsing(t *testing.T) {
	for _, tc := range []struct {
		in       string
		want     int64
		ok, big  bool
		emptySet bool
	}{
		{"50.000.000", 50_000_000, true, false, false},
		{"50,000,000 đ", 50_000_000, true, false, false},
		{"120 triệu", 120_000_000, true, false, false},
		{"1,5 tỷ", 1_500_000_000, true, false, false},
		{"200000", 200_000, true, false, false},
		{"-5", -5, true, false, false},
		{"1.5", 0, false, false, false},
		{"nhiều", 0, false, false, false},
		{"99999999999999999999999", 0, false, true, false},
		{"", 0, true, false, true},
	} {
		v, set, ok, big := parseMoney(tc.in)
		if v != tc.want || ok != tc.ok || big != tc.big || set == tc.emptySet {
			t.Errorf("parseMoney(%q) = %d, set %v, ok %v, big %v", tc.in, v, set, ok, big)
		}
	}
	for _, tc := range []struct {
		in      string
		want    int
		ok, big bool
	}{
		{"4", 4, true, false}, {" 12 ", 12, true, false}, {"1.200", 1200, true, false}, {"-5", -5, true, false},
		{"4,5", 0, false, false}, {"bốn", 0, false, false}, {"99999999999", 0, false, true},
	} {
		v, _, ok, big := parseCount(tc.in)
		if v != tc.want || ok != tc.ok || big != tc.big {
			t.Errorf("parseCount(%q) = %d, ok %v, big %v", tc.in, v, ok, big)
		}
	}
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{{"50", 5000, true}, {"12,5", 1250, true}, {"12.5 %", 1250, true}, {"", 0, true}, {"nửa", 0, false}} {
		if bp, ok := parsePercent(tc.in); bp != tc.want || ok != tc.ok {
			t.Errorf("parsePercent(%q) = %d, %v", tc.in, bp, ok)
		}
	}
	if got := percentText(1250); got != "12,5 %" {
		t.Errorf("percentText(1250) = %q", got)
	}
}

// TestWebEligCatalog checks that the English file of this work defines
// the same keys as the Vietnamese one.
func TestWebEligCatalog(t *testing.T) {
	vi, en := catalogKeys(t, "vi/webelig.json"), catalogKeys(t, "en/webelig.json")
	if strings.Join(vi, ",") != strings.Join(en, ",") {
		t.Errorf("webelig.json: vi and en keys differ:\nvi %v\nen %v", vi, en)
	}
	for _, k := range vi {
		if !strings.HasPrefix(k, "webelig.") {
			t.Errorf("key %q lacks the webelig. prefix", k)
		}
	}
}
