package web

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"

	"github.com/PuerkitoBio/goquery"
)

// newOutreachResultFixture is the scope fixture served over HTTP with
// what the funnel counts in Xã An Phú (apptest.Scope.SeedOutreachResults,
// the self-check through a QR code); Xã Bình Minh has nothing. It returns
// the campaign's id.
func newOutreachResultFixture(t *testing.T, st *store.Store) (*scopeFixture, int64) {
	t.Helper()
	f := newScopeFixture(t, st)
	return f, f.scope.SeedOutreachResults(t, "DA-W-1", true)
}

// stepN reads the count of a funnel step from the bars under sel.
func stepN(t *testing.T, sel *goquery.Selection, step string) int64 {
	t.Helper()
	v, ok := sel.Find(`li[data-step="` + step + `"] .funnel-n`).Attr("data-n")
	if !ok {
		t.Fatalf("no step %s", step)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCoveragePage shows the province per commune with drill-down links,
// a commune per village with the way back up, the chooser for an
// administrator, and refuses a commune outside the officer's scope.
func TestCoveragePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, _ := newOutreachResultFixture(t, st)
		province := f.login(t, userProvince)
		doc := province.doc("/outreach/coverage?sort=name", http.StatusOK)
		rows := doc.Find("#cov-table tbody tr")
		if rows.Length() != 2 || rows.First().AttrOr("data-code", "") != "99001" {
			t.Fatalf("%d rows, first %q", rows.Length(), rows.First().AttrOr("data-code", ""))
		}
		anPhu := doc.Find(`#cov-table tr[data-code="99001"]`)
		if got := strings.TrimSpace(anPhu.Find(`td[data-field="producers"]`).Text()); got != "1" {
			t.Errorf("An Phú producers %q", got)
		}
		if v, _ := anPhu.Find("meter").Attr("value"); v != "100" {
			t.Errorf("An Phú reach meter %q", v)
		}
		if anPhu.Find(`a[href="/outreach/coverage?sort=name&unit=99001"]`).Length() != 1 {
			t.Error("no drill-down link to An Phú")
		}
		if doc.Find(`#cov-table tr[data-code="99002"] [data-last="none"]`).Length() != 1 {
			t.Error("Bình Minh does not say it had no session")
		}
		if doc.Find("#cov-total").Length() != 1 || doc.Find(`#cov-plan[href="/outreach/plan"]`).Length() != 1 || doc.Find("#cov-notes p").Length() != 3 {
			t.Error("no totals row, plan link or notes")
		}
		if doc.Find(`#cov-sort a[data-sort="unreached"]`).Length() != 1 {
			t.Error("no switch back to the default order")
		}

		villages := province.doc("/outreach/coverage?unit=99001", http.StatusOK)
		if villages.Find(`#cov-up a[href="/outreach/coverage"]`).Length() != 1 || villages.Find("#cov-villages-h").Length() != 1 {
			t.Error("village view without the way back up")
		}
		if got := strings.TrimSpace(villages.Find(`#cov-table tbody tr td[data-field="name"]`).First().Text()); got != "Thôn 1" {
			t.Errorf("village %q", got)
		}
		if villages.Find(`#cov-plan[href="/outreach/plan?unit=99001"]`).Length() != 1 {
			t.Error("plan link without the commune")
		}

		admin := f.login(t, userAdmin).doc("/outreach/coverage", http.StatusOK)
		if admin.Find("#cov-table").Length() != 0 || admin.Find("#cov-unit-error").Length() != 1 || admin.Find(`#cov-unit option[value="98"]`).Length() != 1 {
			t.Error("administrator without a unit: no chooser with the message")
		}
		province.doc("/outreach/coverage?unit=12345", http.StatusUnprocessableEntity)
		f.login(t, userOfficerA).doc("/outreach/coverage?unit=99002", http.StatusForbidden)
		if res := f.anonymous(t).get("/outreach/coverage"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("anonymous: %d", res.StatusCode)
		}
	})
}

// TestFunnelPage shows this year's funnel in the province, a campaign's
// funnel, the dashboard card, and the errors of a bad date, another
// commune and a bad campaign number.
func TestFunnelPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, campaign := newOutreachResultFixture(t, st)
		province := f.login(t, userProvince)
		doc := province.doc("/outreach/funnel", http.StatusOK)
		bars := doc.Find("#funnel-bars")
		for step, want := range map[string]int64{"sessions": 1, "reached": 30, "registered": 0, "selfchecks": 1, "requests": 0, "proposed": 1, "funded": 1} {
			if got := stepN(t, bars, step); got != want {
				t.Errorf("step %s = %d, want %d", step, got, want)
			}
		}
		// Bình Minh has nothing at any step: one line under the table.
		if doc.Find("#funnel-table tbody tr").Length() != 1 || doc.Find(`#funnel-total td[data-step="reached"]`).Text() != "30" ||
			!strings.HasPrefix(doc.Find("#funnel-quiet").Text(), "1 ") {
			t.Errorf("per-commune table, total row or the quiet communes wrong: %d rows, %q", doc.Find("#funnel-table tbody tr").Length(), doc.Find("#funnel-quiet").Text())
		}
		if v, _ := doc.Find("#funnel-from").Attr("value"); v != "2026-01-01" {
			t.Errorf("from %q", v)
		}

		c := province.doc("/outreach/funnel?campaign="+strconv.FormatInt(campaign, 10), http.StatusOK)
		if c.Find(`#funnel-campaign[href="/outreach/campaigns/`+strconv.FormatInt(campaign, 10)+`"]`).Length() != 1 || c.Find("#funnel-form").Length() != 0 {
			t.Error("campaign funnel without its back link, or with the period form")
		}
		if stepN(t, c.Find("#funnel-bars"), "reached") != 30 || stepN(t, c.Find("#funnel-bars"), "funded") != 1 {
			t.Error("campaign funnel counts")
		}

		dash := province.doc("/", http.StatusOK)
		if dash.Find("#dash-funnel").Length() != 1 || stepN(t, dash.Find("#dash-funnel"), "sessions") != 1 {
			t.Error("no funnel card on the dashboard")
		}

		bad := province.doc("/outreach/funnel?from=31-12-2026", http.StatusUnprocessableEntity)
		if bad.Find("#funnel-from-error").Length() != 1 {
			t.Error("bad date without its message")
		}
		back := province.doc("/outreach/funnel?from=2026-06-01&to=2026-05-01", http.StatusUnprocessableEntity)
		if back.Find("#funnel-to-error").Length() != 1 {
			t.Error("reversed period without its message")
		}
		officer := f.login(t, userOfficerA)
		officer.doc("/outreach/funnel?unit=99002", http.StatusForbidden)
		officer.doc("/outreach/funnel?campaign=x", http.StatusNotFound)
		f.login(t, userOfficerB).doc("/outreach/funnel?campaign="+strconv.FormatInt(campaign, 10), http.StatusForbidden)
	})
}

// TestOutreachResultPagesRender renders both pages and the dashboard card
// from fixture data, in both languages, with no inline style.
func TestOutreachResultPagesRender(t *testing.T) {
	s := newBareServer(t)
	figs := app.OutreachFigures{Producers: 12, Reached12: 3, Likely: 5, LikelyNeverReached: 2, LikelyUnreached12: 4, LastSession: kc.MustDate("2025-01-02")}
	cov := coverageView{Loaded: true, Unit: "98", Units: []choice{{Value: "98", Label: "Tỉnh Thử Nghiệm", Selected: true}},
		Coverage: app.Coverage{UnitCode: "98", UnitName: "Tỉnh Thử Nghiệm", On: kc.MustDate("2026-11-25"), Since: kc.MustDate("2025-11-25"),
			Total: app.CoverageRow{OutreachFigures: figs, Stale: true}, Sort: app.CoverageByUnreached},
		Rows:    []coverageRowView{{CoverageRow: app.CoverageRow{Code: "99001", Name: "Xã An Phú", OutreachFigures: figs, Stale: true}, URL: "/outreach/coverage?unit=99001"}},
		PlanURL: "/outreach/plan?unit=98", FunnelURL: "/outreach/funnel?unit=98", SortByName: "/outreach/coverage?sort=name&unit=98"}
	ff := app.FunnelFigures{Sessions: 2, Reached: 50, Registered: 1, SelfChecks: 3, Requests: 1, Proposed: 2, Funded: 1}
	fv := funnelView{Loaded: true, Funnel: app.Funnel{CampaignID: 4, CampaignTitle: "Đợt 1", FollowUpDays: 90, From: kc.MustDate("2026-03-01"), To: kc.MustDate("2026-06-29"),
		Communes: []app.FunnelCommune{{ID: 2, Code: "99001", Name: "Xã An Phú", FunnelFigures: ff}}, Total: ff}, Steps: funnelSteps(ff),
		Rows: []funnelRowView{{FunnelCommune: app.FunnelCommune{Code: "99001", Name: "Xã An Phú", FunnelFigures: ff}, Steps: ff.Steps()}}}
	for _, lang := range []string{"vi", "en"} {
		p := Page{Lang: lang, Principal: fixturePrincipal, Path: "/", Data: cov}
		doc := renderPage(t, s, "outreach_coverage", "layout", p)
		if doc.Find(`[data-last="stale"]`).Length() != 2 || doc.Find("[style]").Length() != 0 {
			t.Errorf("%s coverage: stale marks or inline style", lang)
		}
		p.Data = fv
		doc = renderPage(t, s, "outreach_funnel", "layout", p)
		if doc.Find("#funnel-bars li").Length() != 7 || doc.Find(`#funnel-bars li[data-step="reached"] rect`).Last().AttrOr("width", "") != "100" ||
			doc.Find("[style]").Length() != 0 || strings.Contains(doc.Text(), "funnel.") {
			t.Errorf("%s funnel: bars wrong or a missing message", lang)
		}
		p.Data = dashboardView{Funnel: &fv}
		if renderPage(t, s, "dashboard", "layout", p).Find("#dash-funnel #funnel-bars li").Length() != 7 {
			t.Errorf("%s dashboard: no funnel card", lang)
		}
	}
}
