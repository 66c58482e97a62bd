//go:build e2e

package e2e

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/chromedp/chromedp"
)

// TestOutreachPhone follows outreach from the data to the field on a
// phone-sized window. The province officer reads the coverage (the
// remote commune Xã Tà Rụt had no session in 12 months and has likely
// eligible producers never reached), drills down to its villages, plans
// the next quarter for the province — more likely-eligible producers
// reached than the same number of sessions in the biggest communes — and
// saves the plan as a campaign. The commune officer then records a
// village meeting held today in an unreached village, with a registered
// producer present and a new producer met, adds the new producer to the
// registry, and the coverage of the village now shows it reached.
func TestOutreachPhone(t *testing.T) {
	ctx := browser(t)
	base, _ := startServer(t)
	wait := 30 * time.Second
	// The attendance above the village's registry is answered 422, on purpose.
	watchConsoleExcept(t, ctx, "status of 422")
	within(t, ctx, wait, chromedp.EmulateViewport(360, 740, chromedp.EmulatePortrait))
	login(t, ctx, base, account{role: "province_officer", username: "canbo.tinh", password: "demo-province-2026"})

	// Coverage of the province: the most unreached first.
	within(t, ctx, wait, chromedp.Navigate(base+"/outreach/coverage"))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("cov-table")))
	shot(t, ctx, "/tmp/e2e-outreach-coverage-360.png")
	noSideways(t, ctx, "coverage")
	if hidden := text(t, ctx, "cov-empty-communes"); !strings.Contains(hidden, "chưa có cơ sở nào") {
		t.Errorf("the communes with nobody registered are not summed up: %q", hidden)
	}
	rows := coverageRows(t, ctx)
	if len(rows) < 5 {
		t.Fatalf("coverage rows: %v", rows)
	}
	for _, r := range rows[1:] {
		if r.unreached > rows[0].unreached {
			t.Errorf("sorted by the most unreached: %q (%d) after %q (%d)", r.name, r.unreached, rows[0].name, rows[0].unreached)
		}
	}
	var taRut coverageRow
	for _, r := range rows {
		if strings.Contains(r.name, "Tà Rụt") {
			taRut = r
		}
	}
	if taRut.name == "" || taRut.never == 0 || taRut.reached != 0 || (taRut.last != "none" && taRut.last != "stale") {
		t.Fatalf("Xã Tà Rụt: %+v", taRut)
	}
	follow(t, ctx, "drill down to Xã Tà Rụt", chromedp.Click(chromedp.CSS(`#cov-table tr[data-code="`+taRut.code+`"] a`)))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("cov-villages-h")))
	villages := coverageRows(t, ctx)
	aVao := false
	for _, v := range villages {
		aVao = aVao || (v.name == "Thôn A Vao" && v.last == "none" && v.never > 0)
	}
	if !aVao {
		t.Errorf("Thôn A Vao is not shown never reached: %+v", villages)
	}
	shot(t, ctx, "/tmp/e2e-outreach-villages-360.png")

	// Plan the next quarter for the province.
	within(t, ctx, wait, chromedp.Navigate(base+"/outreach/plan?unit=44"))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("op-form")))
	if from := within(t, ctx, wait, chromedp.Evaluate[string](`document.getElementById("op-from").value`)); from == "" {
		t.Error("the period is not prefilled with the next quarter")
	}
	setInput(t, ctx, "op-staff-days", "12")
	setInput(t, ctx, "op-budget", "20000000")
	follow(t, ctx, "make the plan", chromedp.Click(chromedp.ID("op-submit")))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("op-sessions")))
	shot(t, ctx, "/tmp/e2e-outreach-plan-360.png")
	noSideways(t, ctx, "plan")
	kept := within(t, ctx, wait, chromedp.Evaluate[int](`document.querySelectorAll("#op-sessions input[name^=keep_]:checked").length`))
	baseline := text(t, ctx, "op-baseline")
	nums := regexp.MustCompile(`\d+`).FindAllString(baseline, -1)
	if kept == 0 || len(nums) < 2 {
		t.Fatalf("%d sessions kept; comparison %q", kept, baseline)
	}
	other, ours := atoi(t, nums[0]), atoi(t, nums[len(nums)-1])
	if ours <= other {
		t.Errorf("the plan reaches %d, the biggest communes %d: %q", ours, other, baseline)
	}
	setInput(t, ctx, "op-title", "Tuyên truyền quý tới ở các thôn chưa được tiếp cận")
	follow(t, ctx, "save as a campaign", chromedp.Click(chromedp.ID("op-save-go")))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("cd-sessions")))
	if n := within(t, ctx, wait, chromedp.Evaluate[int](`document.querySelectorAll("#cd-sessions tbody tr").length`)); n != kept {
		t.Errorf("the campaign has %d sessions, %d were kept", n, kept)
	}
	if flash := text(t, ctx, "cd-flash"); !strings.Contains(flash, strconv.Itoa(kept)+" buổi") {
		t.Errorf("flash after saving: %q", flash)
	}
	if note := text(t, ctx, "cd-plan-note"); !strings.Contains(note, "tiếp cận") {
		t.Errorf("the campaign does not keep the plan's explanation: %q", note)
	}
	shot(t, ctx, "/tmp/e2e-outreach-campaign-360.png")
	noSideways(t, ctx, "campaign")

	// The commune officer records a meeting held today in Thôn Ly Tôn.
	logout(t, ctx)
	tab := ctx
	login(t, tab, base, account{role: "commune_officer", username: "canbo.dakrong", password: "demo-commune-2026"})
	village := "Thôn Ly Tôn"
	before := villageRow(t, tab, base, "19564", village)
	if before.reached != 0 {
		t.Fatalf("%s already reached: %+v", village, before)
	}
	within(t, tab, wait, chromedp.Navigate(base+"/outreach/sessions/new"))
	within(t, tab, wait, chromedp.WaitVisible(chromedp.ID("os-form")))
	today := time.Now().In(hcm(t)).Format("2006-01-02")
	choose(t, tab, "os-kind", "village_meeting")
	choose(t, tab, "os-status", "held")
	setInput(t, tab, "os-village", village)
	within(t, tab, wait, chromedp.SetValue(chromedp.ID("os-held-on"), today))
	setInput(t, tab, "os-cost", "300000")
	follow(t, tab, "save the session", chromedp.Click(chromedp.ID("os-save")))
	if !exists(t, tab, "#sd-att-form") {
		t.Fatalf("the session was not saved: %s", pageErrors(t, tab))
	}
	if place := text(t, tab, "sd-place"); place != village+", Xã Đakrông" {
		t.Errorf("the session's place reads %q", place)
	}
	// Too many present for the village, without new producers: refused.
	within(t, tab, wait, chromedp.Click(chromedp.CSS(`#sd-village input[type=checkbox]`)))
	setInput(t, tab, "sd-att-n", "40")
	follow(t, tab, "too many present", chromedp.Click(chromedp.ID("sd-att-save")))
	if msg := text(t, tab, "sd-att-n-error"); !strings.Contains(msg, "40") {
		t.Errorf("attendance above the village's registry: %q", msg)
	}
	within(t, tab, wait, chromedp.Evaluate[bool](`(() => { for (const c of document.querySelectorAll("#sd-village input[type=checkbox]")) c.checked = false; document.querySelector("#sd-village input[type=checkbox]").checked = true; return true; })()`))
	setInput(t, tab, "sd-att-n", "2")
	setInput(t, tab, "new-name-0", "Hồ Văn Kăn")
	setInput(t, tab, "new-phone-0", "0987 654 321")
	follow(t, tab, "record the attendance", chromedp.Click(chromedp.ID("sd-att-save")))
	within(t, tab, wait, chromedp.WaitVisible(chromedp.ID("sd-new-list")))
	shot(t, tab, "/tmp/e2e-outreach-attendance-360.png")
	noSideways(t, tab, "attendance")
	if phone := text(t, tab, "sd-new-list"); strings.Contains(phone, "0987 654 321") || strings.Contains(phone, "0987654321") {
		t.Errorf("the new producer's phone is shown in clear: %q", phone)
	}
	follow(t, tab, "add to the registry", chromedp.Click(chromedp.CSS(`#sd-new-list button`)))
	within(t, tab, wait, chromedp.WaitVisible(chromedp.CSS(`#sd-new-list a[href^="/establishments/"]`)))
	after := villageRow(t, tab, base, "19564", village)
	if after.producers != before.producers+1 || after.reached != 2 || after.last == "none" {
		t.Errorf("%s after the meeting: %+v (before %+v)", village, after, before)
	}
}

// coverageRow is one row of the coverage table.
type coverageRow struct {
	code, name, last                     string
	producers, reached, never, unreached int
}

// coverageRows reads the coverage table of the current page.
func coverageRows(t *testing.T, ctx context.Context) []coverageRow {
	t.Helper()
	raw := within(t, ctx, 30*time.Second, chromedp.Evaluate[[][]string](`[...document.querySelectorAll("#cov-table tbody tr")].map(tr => {
	  const f = n => (tr.querySelector('[data-field="' + n + '"]') || {}).textContent || "";
	  const last = tr.querySelector("[data-last]");
	  const reached = (f("reached").match(/\((\d+)/) || [0, "0"])[1];
	  return [tr.dataset.code || "", f("name").trim(), last ? last.dataset.last : "date", f("producers"), reached, f("never"), f("unreached12")];
	})`))
	var out []coverageRow
	for _, r := range raw {
		out = append(out, coverageRow{code: r[0], name: r[1], last: r[2], producers: atoi(t, r[3]), reached: atoi(t, r[4]), never: atoi(t, r[5]), unreached: atoi(t, r[6])})
	}
	return out
}

// villageRow opens the coverage of a commune and returns one village's row.
func villageRow(t *testing.T, ctx context.Context, base, commune, village string) coverageRow {
	t.Helper()
	within(t, ctx, 30*time.Second, chromedp.Navigate(base+"/outreach/coverage?unit="+commune))
	within(t, ctx, 30*time.Second, chromedp.WaitVisible(chromedp.ID("cov-table")))
	for _, r := range coverageRows(t, ctx) {
		if r.name == village {
			return r
		}
	}
	t.Fatalf("no row for %s in the coverage of %s", village, commune)
	return coverageRow{}
}

// pageErrors returns the error messages the current page shows.
func pageErrors(t *testing.T, ctx context.Context) string {
	t.Helper()
	return within(t, ctx, 30*time.Second, chromedp.Evaluate[string](
		`[...document.querySelectorAll(".field-error, .error")].map(e => e.textContent.trim()).join(" | ")`))
}

// setInput replaces the value of the input with id.
func setInput(t *testing.T, ctx context.Context, id, value string) {
	t.Helper()
	within(t, ctx, 30*time.Second, chromedp.SetValue(chromedp.ID(id), value))
}

// noSideways fails when the page scrolls sideways in the 360 px window.
func noSideways(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	if w := within(t, ctx, 30*time.Second, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 360 {
		wide := within(t, ctx, 30*time.Second, chromedp.Evaluate[[]string](`[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > 360 && !(e.parentElement && e.parentElement.closest("nav ul, .table-wrap"))).slice(0, 5).map(e => e.tagName + "#" + e.id + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))`))
		t.Errorf("%s: page is %d px wide in a 360 px window; widest: %v", what, w, wide)
	}
}

// atoi reads a count written with Vietnamese digit grouping ("1.234").
func atoi(t *testing.T, s string) int {
	t.Helper()
	s = strings.NewReplacer(".", "", " ", "", "\u00a0", "").Replace(strings.TrimSpace(s))
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("not a count: %q", s)
	}
	return n
}

// hcm is Vietnam's time zone.
func hcm(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
