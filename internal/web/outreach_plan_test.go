package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store/storetest"

	"github.com/PuerkitoBio/goquery"
)

// newDemoPlanFixture serves the district demo; the clock is
// storetest.Clock (25/11/2026), so the next quarter is 1/1–31/3/2027.
func newDemoPlanFixture(t *testing.T) (*scopeFixture, *app.App) {
	t.Helper()
	st := storetest.OpenSQLite(t)
	a := app.New(st, nil)
	a.Now = func() time.Time { return storetest.Clock }
	ctx := app.WithPrincipal(context.Background(), app.System)
	if err := a.EnsureUnits(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.SetSecret([]byte(apptest.Secret)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.EnsureDemo(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := New(a, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := &scopeFixture{st: st, app: a}
	f.srv = httptest.NewServer(s.Handler())
	t.Cleanup(func() { f.srv.Close(); s.Close() })
	return f, a
}

// demoLogin signs in with a demo account.
func demoLogin(t *testing.T, f *scopeFixture, username string) *client {
	t.Helper()
	c := f.anonymous(t)
	for _, d := range app.DemoAccounts() {
		if d.Username == username {
			res := c.post("/login", url.Values{"username": {username}, "password": {d.Password}})
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("login %s: %d", username, res.StatusCode)
			}
			return c
		}
	}
	t.Fatalf("no demo account %s", username)
	return nil
}

func postDoc(t *testing.T, c *client, path string, form url.Values, want int) *goquery.Document {
	t.Helper()
	res := c.post(path, form)
	defer res.Body.Close()
	if res.StatusCode != want {
		t.Fatalf("POST %s: status %d, want %d", path, res.StatusCode, want)
	}
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// saveForm collects the fields of the plan's save form as the browser
// would send them (checkboxes only when checked).
func saveForm(d *goquery.Document) url.Values {
	form := url.Values{}
	d.Find("#op-save input, #op-save select").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		if name == "" {
			return
		}
		if typ, _ := s.Attr("type"); typ == "checkbox" {
			if _, on := s.Attr("checked"); !on {
				return
			}
		}
		val, _ := s.Attr("value")
		if goquery.NodeName(s) == "select" {
			val, _ = s.Find("option[selected]").Attr("value")
		}
		form.Set(name, val)
	})
	return form
}

// TestOutreachPlanPage makes a plan on the demo from the web form, edits
// and saves it as a campaign, and checks the bad input: zero staff days,
// a save with no row kept or a day outside the period, and a viewer who
// may plan but not save.
func TestOutreachPlanPage(t *testing.T) {
	f, a := newDemoPlanFixture(t)
	c := demoLogin(t, f, "canbo.dakrong")

	d := c.doc(outreachPlanPath, http.StatusOK)
	if v, _ := d.Find("#op-from").Attr("value"); v != "2027-01-01" {
		t.Errorf("from prefilled with %q, want the next quarter", v)
	}
	if v, _ := d.Find("#op-to").Attr("value"); v != "2027-03-31" {
		t.Errorf("to prefilled with %q", v)
	}
	if d.Find(`#op-unit option[value="19564"]`).Length() != 1 {
		t.Error("the officer's commune is not offered")
	}

	// Zero staff days: the form again, the message next to the field.
	input := url.Values{"unit": {""}, "from": {"2027-01-01"}, "to": {"31/03/2027"}, "staff_days": {"0"}, "budget": {"20.000.000"}}
	d = postDoc(t, c, outreachPlanPath, input, http.StatusUnprocessableEntity)
	if got := strings.TrimSpace(d.Find("#op-staff-days-error").Text()); got != locale.T("vi", "outreachplan.error.staff_days") {
		t.Errorf("staff days error %q", got)
	}
	if d.Find("#op-plan").Length() != 0 {
		t.Error("a plan shown for zero staff days")
	}
	if v, _ := d.Find("#op-budget").Attr("value"); v != "20.000.000" {
		t.Errorf("budget not kept: %q", v)
	}

	// A plan.
	input.Set("staff_days", "10")
	d = postDoc(t, c, outreachPlanPath, input, http.StatusOK)
	plan := d.Find("#op-plan")
	n, _ := strconv.Atoi(plan.AttrOr("data-sessions", ""))
	reached, _ := strconv.Atoi(plan.AttrOr("data-reached", ""))
	baseline, _ := strconv.Atoi(plan.AttrOr("data-baseline", "-1"))
	if n < 2 || d.Find("#op-sessions tbody tr[data-index]").Length() != n || reached < baseline || baseline < 0 {
		t.Fatalf("plan: %d sessions, reached %d, baseline %d", n, reached, baseline)
	}
	baselineHead, _, _ := strings.Cut(locale.T("vi", "outreachplan.baseline"), ":")
	if !strings.HasPrefix(d.Find("#op-baseline").Text(), baselineHead) || d.Find("#op-summary li").Length() < 3 {
		t.Errorf("explanation: %q", d.Find("#op-baseline").Text())
	}
	if strings.Contains(d.Text(), "outreachplan.") {
		t.Error("a catalog key shown on the page")
	}

	// Save with nothing kept: the plan again, with the message.
	form := saveForm(d)
	for i := 0; i < n; i++ {
		form.Del("keep_" + strconv.Itoa(i))
	}
	form.Set("title", "Tuyên truyền quý I/2027")
	d2 := postDoc(t, c, outreachPlanPath+"/save", form, http.StatusUnprocessableEntity)
	if d2.Find("#op-save-error").Text() != locale.T("vi", "outreachplan.error.no_rows") {
		t.Errorf("no row kept: %q", d2.Find("#op-save-error").Text())
	}

	// A day outside the period is refused next to its row.
	form = saveForm(d)
	form.Set("date_1", "2027-04-02")
	d2 = postDoc(t, c, outreachPlanPath+"/save", form, http.StatusUnprocessableEntity)
	if d2.Find(`#op-sessions tr[data-index="1"] .field-error`).Length() != 1 {
		t.Errorf("no error on row 1")
	}
	if v, _ := d2.Find("#op-date-1").Attr("value"); v != "2027-04-02" {
		t.Errorf("the edited day is not kept: %q", v)
	}

	// Keep rows 0 and 1, the first moved and changed to a loudspeaker
	// broadcast; save; land on the campaign.
	form = saveForm(d)
	for i := 2; i < n; i++ {
		form.Del("keep_" + strconv.Itoa(i))
	}
	form.Set("kind_0", kc.SessionLoudspeaker)
	form.Set("date_0", "2027-03-30")
	form.Set("title", "Tuyên truyền quý I/2027")
	res := c.post(outreachPlanPath+"/save", form)
	res.Body.Close()
	loc := res.Header.Get("Location")
	m := regexp.MustCompile(`^/outreach/campaigns/(\d+)$`).FindStringSubmatch(loc)
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("save: %d → %q", res.StatusCode, loc)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	off, err := a.Store.GetUserByUsername(t.Context(), "canbo.dakrong")
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.ResolvePrincipal(t.Context(), off)
	if err != nil {
		t.Fatal(err)
	}
	camp, err := a.GetCampaign(app.WithPrincipal(t.Context(), p), id)
	if err != nil {
		t.Fatal(err)
	}
	if camp.Title != "Tuyên truyền quý I/2027" || len(camp.Sessions) != 2 || camp.PlanNote == "" {
		t.Fatalf("campaign %+v with %d sessions", camp.Campaign, len(camp.Sessions))
	}
	found := false
	for _, s := range camp.Sessions {
		if s.Kind == kc.SessionLoudspeaker && s.HeldOn == kc.MustDate("2027-03-30") && s.Status == kc.SessionPlanned {
			found = true
		}
	}
	if !found {
		t.Errorf("the edited session is not saved as edited: %+v", camp.Sessions)
	}

	// A viewer may plan but not save.
	v := demoLogin(t, f, "nguoixem")
	input.Set("unit", "19564")
	d = postDoc(t, v, outreachPlanPath, input, http.StatusOK)
	if d.Find("#op-sessions").Length() != 1 || d.Find("#op-title").Length() != 0 || d.Find("#op-keep-0").Length() != 0 {
		t.Error("a viewer is offered to save")
	}
	form.Set("unit", "19564")
	if res := v.post(outreachPlanPath+"/save", form); res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer save: %d", res.StatusCode)
	} else {
		res.Body.Close()
	}
}

// TestOutreachPlanRateLimit: an officer gets a burst of plans (a plan
// screens the registry), then 429 with the message; another account is
// not affected.
func TestOutreachPlanRateLimit(t *testing.T) {
	f, _ := newDemoPlanFixture(t)
	c := demoLogin(t, f, "canbo.dakrong")
	input := url.Values{"unit": {""}, "from": {"2027-01-01"}, "to": {"2027-01-31"}, "staff_days": {"2"}, "budget": {"2.000.000"}}
	for i := 0; i < 5; i++ {
		postDoc(t, c, outreachPlanPath, input, http.StatusOK)
	}
	d := postDoc(t, c, outreachPlanPath, input, http.StatusTooManyRequests)
	if !strings.Contains(d.Text(), locale.T("vi", "outreachplan.rate_limited")) {
		t.Errorf("429 page without its message: %q", strings.TrimSpace(d.Find("main").Text()))
	}
	postDoc(t, demoLogin(t, f, "canbo.tinh"), outreachPlanPath, input, http.StatusOK)
}
