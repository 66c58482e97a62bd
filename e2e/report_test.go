//go:build e2e

package e2e

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestReportsBrowser asks, as the demo province officer, for the
// 2015–2020 report of the former Đakrông district through the form on
// /reports: every indicator is listed with its definition, the charts are
// drawn, the findings name the communes never reached, and the three
// downloads come back as a Word file, an Excel workbook and a PDF. An end
// year before the start is refused next to the field, and a commune
// officer asking for another commune is told it is outside their scope.
// The dashboard then drills down from the province to a commune to one
// of its projects in a phone-sized window.
func TestReportsBrowser(t *testing.T) {
	ctx := browser(t)
	base, out := startServer(t)
	accs := demoAccounts(out.String())
	wait := 30 * time.Second
	// The bad period (422) and the other commune (403) are answered with
	// error statuses on purpose; any other console error fails the test.
	watchConsoleExcept(t, ctx, "the server responded with a status of 4")

	login(t, ctx, base, accs["province_officer"])
	within(t, ctx, wait, chromedp.Navigate(base+"/reports"))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("report-form")))
	within(t, ctx, wait, chromedp.Steps(
		chromedp.SetValue(chromedp.ID("report-unit"), "467"),
		chromedp.SetValue(chromedp.ID("report-from"), "2015"),
		chromedp.SetValue(chromedp.ID("report-to"), "2020"),
	))
	follow(t, ctx, "show the report", chromedp.Submit(chromedp.ID("report-unit")))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("report")))
	if h := text(t, ctx, "report-h"); !strings.Contains(h, "Đakrông") || !strings.Contains(h, "2015") {
		t.Errorf("report heading %q", h)
	}
	rows := within(t, ctx, wait, chromedp.Evaluate[int](`document.querySelectorAll("#indicators tbody tr[id^=ind-]").length`))
	undefined := within(t, ctx, wait, chromedp.Evaluate[int](`[...document.querySelectorAll("#indicators tbody tr[id^=ind-] td.definition")].filter(td => td.textContent.trim().length < 10).length`))
	if rows < 25 || undefined != 0 {
		t.Errorf("%d indicators listed, %d without a definition", rows, undefined)
	}
	if v := countOf(t, text(t, ctx, "ind-projects_total")); v == 0 {
		t.Error("the report counts no project for the former district in 2015–2020")
	}
	if n := within(t, ctx, wait, chromedp.Evaluate[int](`document.querySelectorAll("figure.chart svg").length`)); n == 0 {
		t.Error("no chart drawn")
	}
	if f := within(t, ctx, wait, chromedp.Evaluate[string](`(document.querySelector('#findings li[data-code="no_outreach"]') || {}).textContent || ""`)); !strings.Contains(f, "Tà Long") {
		t.Errorf("the no-outreach finding %q does not name Tà Long", f)
	}
	shot(t, ctx, "/tmp/e2e-report.png")
	for format, magic := range map[string]string{"docx": "PK", "xlsx": "PK", "pdf": "%PDF"} {
		href := within(t, ctx, wait, chromedp.Evaluate[string](`document.querySelector('#report-downloads a[href$="format=`+format+`"]').getAttribute("href")`))
		status, typ, body := download(t, ctx, href)
		if status != 200 || !bytes.HasPrefix(body, []byte(magic)) || len(body) < 10_000 {
			t.Errorf("%s download: status %d, type %q, %d bytes", format, status, typ, len(body))
		}
	}

	// The dashboard on a phone: the charts fit the 360 px window, and the
	// drill-down goes from the province to Xã Đakrông to one of its
	// projects.
	within(t, ctx, wait, chromedp.EmulateViewport(360, 780))
	within(t, ctx, wait, chromedp.Navigate(base+"/"))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("key-table")))
	if n := within(t, ctx, wait, chromedp.Evaluate[int](`document.querySelectorAll("#dash-charts figure.chart svg").length`)); n == 0 {
		t.Error("the dashboard draws no chart")
	}
	if w := within(t, ctx, wait, chromedp.Evaluate[int](`Math.max(...[...document.querySelectorAll("#dash-charts svg")].map(s => s.getBoundingClientRect().right))`)); w > 360 {
		t.Errorf("a chart reaches %d px in a 360 px window", w)
	}
	if w := within(t, ctx, wait, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 360 {
		t.Errorf("the dashboard is %d px wide in a 360 px window", w)
	}
	checkPhone(t, ctx)
	shot(t, ctx, "/tmp/e2e-dashboard-phone.png")
	follow(t, ctx, "drill into Xã Đakrông", chromedp.Click(chromedp.CSS(`#drill tr[data-code="19564"] a`)))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("drill-projects")))
	if h := text(t, ctx, "key-h"); !strings.Contains(h, "Đakrông") {
		t.Errorf("commune dashboard heading %q", h)
	}
	code := within(t, ctx, wait, chromedp.Evaluate[string](`document.querySelector("#drill-projects tbody a").textContent.trim()`))
	follow(t, ctx, "open "+code, chromedp.Click(chromedp.CSS(`#drill-projects tbody a`)))
	if loc := within(t, ctx, wait, chromedp.Location()); !strings.Contains(loc, "/projects/") || !strings.Contains(within(t, ctx, wait, chromedp.Evaluate[string](`document.querySelector("h1").textContent`)), code) {
		t.Errorf("the project link led to %s", loc)
	}
	within(t, ctx, wait, chromedp.EmulateViewport(1280, 900))

	// An end year before the start is refused next to the field.
	within(t, ctx, wait, chromedp.Navigate(base+"/reports?kind=period&unit=467&from=2020&to=2015"))
	if e := text(t, ctx, "report-to-error"); !strings.Contains(e, "2015") {
		t.Errorf("to-before-from error %q", e)
	}
	logout(t, ctx)

	// A commune officer of Xã Đakrông asking for Xã La Lay.
	login(t, ctx, base, accs["commune_officer"])
	within(t, ctx, wait, chromedp.Navigate(base+"/reports?kind=annual&unit=19594&year=2026"))
	if msg := within(t, ctx, wait, chromedp.Evaluate[string](`document.querySelector("main").textContent`)); !strings.Contains(msg, "La Lay") || exists(t, ctx, "#report") {
		t.Errorf("out-of-scope report: %q", strings.Join(strings.Fields(msg), " "))
	}
}
