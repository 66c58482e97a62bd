//go:build e2e

package e2e

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// typeInto replaces the value of the input with id by typing value, then
// moves the focus to the title so the browser fires "change" as it does
// when a user leaves the field.
func typeInto(t *testing.T, ctx context.Context, id, value string) {
	t.Helper()
	wait := 30 * time.Second
	within(t, ctx, wait, chromedp.Evaluate[bool](`(() => { document.getElementById(`+strconv.Quote(id)+`).value = ""; return true; })()`))
	within(t, ctx, wait, chromedp.SendKeys(chromedp.ID(id), value))
	within(t, ctx, wait, chromedp.Focus(chromedp.ID("title")))
}

// choose selects value in the select with id and fires "change".
func choose(t *testing.T, ctx context.Context, id, value string) {
	t.Helper()
	js := `(() => { const s = document.getElementById(` + strconv.Quote(id) + `); s.value = ` + strconv.Quote(value) +
		`; s.dispatchEvent(new Event("change", {bubbles: true})); return s.value; })()`
	if got := within(t, ctx, 30*time.Second, chromedp.Evaluate[string](js)); got != value {
		t.Fatalf("select %s: no option %q", id, value)
	}
}

// waitFor polls a JavaScript condition for up to 20 seconds.
func waitFor(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(c, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		shot(t, ctx, "/tmp/e2e-project-wait-failed.png")
		t.Fatalf("%s: %v", what, err)
	}
}

// stateBadge returns the state the project page's badge shows.
func stateBadge(t *testing.T, ctx context.Context) string {
	t.Helper()
	return within(t, ctx, 30*time.Second, chromedp.Evaluate[string](`(document.getElementById("state-badge") || {dataset: {}}).dataset.state || ""`))
}

// act fills the inputs of an action's form (by input name) and submits
// it, then checks the page that follows shows the state wanted.
func act(t *testing.T, ctx context.Context, action string, values map[string]string, want string) {
	t.Helper()
	wait := 30 * time.Second
	if !exists(t, ctx, "#act-"+action) {
		t.Fatalf("no form for %s; the page offers %v and refuses %q", action,
			within(t, ctx, wait, chromedp.Evaluate[[]string](`[...document.querySelectorAll("form.proj-action")].map(f => f.id)`)), text(t, ctx, "actions-off"))
	}
	for name, v := range values {
		sel := `#act-` + action + ` [name="` + name + `"]`
		within(t, ctx, wait, chromedp.Evaluate[bool](`(() => { document.querySelector(`+strconv.Quote(sel)+`).value = ""; return true; })()`))
		within(t, ctx, wait, chromedp.SendKeys(chromedp.CSS(sel), v))
	}
	follow(t, ctx, action, chromedp.Click(chromedp.ID("do-"+action)))
	if got := stateBadge(t, ctx); got != want {
		shot(t, ctx, "/tmp/e2e-project-"+action+".png")
		t.Fatalf("after %s the badge says %q, want %q; errors: %s", action, got, want,
			within(t, ctx, wait, chromedp.Evaluate[string](`[...document.querySelectorAll(".field-error, .error")].map(e => e.textContent.trim()).join(" | ")`)))
	}
	t.Logf("%s → %s", action, want)
}

// logout signs out through the header's form.
func logout(t *testing.T, ctx context.Context) {
	t.Helper()
	follow(t, ctx, "logout", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
}

// TestProjectLifecycleBrowser drives a project through its whole life in
// the browser on the demo data: the commune officer of Đakrông drafts a
// local machinery project for this year in their commune with one
// beneficiary found through the registry search, one cost line and state
// plus counterpart funding; the live check shows the cap message for a
// request above it and then accepts the corrected one; the officer saves
// and registers it and sees why appraisal is not theirs; the council
// member scores it; the province officer appraises, approves with a
// decision number and date, starts it with an advance, accepts it with
// the minutes number and outputs, settles and closes it. The state badge
// follows every step and the timeline lists each of them. Any console
// error or CSP report fails the test.
func TestProjectLifecycleBrowser(t *testing.T) {
	ctx := browser(t)
	base, out := startServer(t)
	accs := demoAccounts(out.String())
	commune, council, province := accs["commune_officer"], accs["council_member"], accs["province_officer"]
	if commune.username != "canbo.dakrong" || council.username != "hoidong" || province.username != "canbo.tinh" {
		t.Fatalf("demo accounts %+v", accs)
	}
	wait := 30 * time.Second
	watchConsole(t, ctx)

	// The commune officer opens the list (deadlines box, "new project")
	// and the empty form.
	login(t, ctx, base, commune)
	within(t, ctx, wait, chromedp.Navigate(base+"/projects"))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("deadlines")))
	follow(t, ctx, "new project", chromedp.Click(chromedp.ID("new-project")))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("project-form")))
	year := strconv.Itoa(time.Now().Year())
	if got := within(t, ctx, wait, chromedp.Evaluate[string](`document.getElementById("year").value`)); got != year {
		t.Errorf("plan year %q, want %s", got, year)
	}
	if got := within(t, ctx, wait, chromedp.Evaluate[string](`document.querySelector("#commune_id option:checked").textContent`)); !strings.Contains(got, "Đakrông") {
		t.Errorf("commune %q, want the officer's Xã Đakrông", got)
	}

	within(t, ctx, wait, chromedp.SendKeys(chromedp.ID("title"), "Hỗ trợ máy hút chân không đóng gói sản phẩm (thử nghiệm trình duyệt)"))
	choose(t, ctx, "content_area", "CA3")
	choose(t, ctx, "scheme_code", "MAY_MOC_TIEN_TIEN")
	choose(t, ctx, "level", "local")
	within(t, ctx, wait, chromedp.SendKeys(chromedp.ID("implementing_org"), "Trung tâm Khuyến công tỉnh"))

	// One beneficiary, found by the registry's search (marks optional).
	within(t, ctx, wait, chromedp.SendKeys(chromedp.ID("ben-q"), "det"))
	waitFor(t, ctx, "beneficiary search", `document.querySelectorAll('#ben-results input[name="beneficiary"]').length > 0`)
	benName := within(t, ctx, wait, chromedp.Evaluate[string](`document.querySelector('#ben-results label').textContent.trim()`))
	within(t, ctx, wait, chromedp.Click(chromedp.CSS(`#ben-results input[name="beneficiary"]`)))
	t.Logf("beneficiary: %s", benName)

	// A request above the cap: the live check names the numbers.
	within(t, ctx, wait, chromedp.SendKeys(chromedp.ID("cost-item-1"), "Máy hút chân không đóng gói (thử nghiệm)"))
	typeInto(t, ctx, "cost-qty-1", "1")
	typeInto(t, ctx, "cost-unit-1", "800000000")
	choose(t, ctx, "fund-source-1", "provincial")
	typeInto(t, ctx, "fund-planned-1", "400000000")
	choose(t, ctx, "fund-source-2", "counterpart")
	typeInto(t, ctx, "fund-planned-2", "400000000")
	waitFor(t, ctx, "the cap message in the live check",
		`(document.getElementById("check-problems") || {textContent: ""}).textContent.includes("vượt mức tối đa 300.000.000")`)
	t.Logf("live check: %s", text(t, ctx, "check-problems"))
	shot(t, ctx, "/tmp/e2e-project-over-cap.png")

	// Corrected: half of 400 million from the province, half counterpart.
	within(t, ctx, wait, chromedp.Evaluate[bool](`window.__kcNoReload = true`))
	typeInto(t, ctx, "cost-unit-1", "400000000")
	typeInto(t, ctx, "fund-planned-1", "200000000")
	typeInto(t, ctx, "fund-planned-2", "200000000")
	waitFor(t, ctx, "the check accepts the corrected funding", `document.getElementById("check-ok") !== null && document.getElementById("check-problems") === null`)
	if !within(t, ctx, wait, chromedp.Evaluate[bool](`window.__kcNoReload === true`)) {
		t.Error("the live check reloaded the page instead of swapping the panel")
	}
	waitFor(t, ctx, "the cost table's total follows the check", `document.getElementById("cost-total").textContent.trim() === "400.000.000 ₫"`)
	follow(t, ctx, "save the draft", chromedp.Click(chromedp.ID("save-project")))
	loc := within(t, ctx, wait, chromedp.Location())
	if !regexp.MustCompile(`/projects/\d+$`).MatchString(loc) || stateBadge(t, ctx) != "draft" {
		shot(t, ctx, "/tmp/e2e-project-save.png")
		t.Fatalf("after saving at %s, badge %q: %s", loc, stateBadge(t, ctx), text(t, ctx, "form-error"))
	}
	code := text(t, ctx, "f-code")
	t.Logf("draft %s at %s", code, loc)
	if !strings.Contains(text(t, ctx, "beneficiary-list"), strings.Split(benName, " — ")[0]) {
		t.Errorf("the beneficiary %q is not on the page: %q", benName, text(t, ctx, "beneficiary-list"))
	}

	act(t, ctx, "register", nil, "registered")
	// A step that is not the officer's is listed with the reason.
	reason := within(t, ctx, wait, chromedp.Evaluate[string](`(document.querySelector("#off-appraise .proj-off-reason") || {textContent: ""}).textContent.trim()`))
	if !strings.Contains(reason, "không được") || exists(t, ctx, "#act-appraise") {
		t.Errorf("the forbidden appraisal: reason %q", reason)
	}
	t.Logf("forbidden: %s", reason)
	shot(t, ctx, "/tmp/e2e-project-registered.png")
	logout(t, ctx)

	// The council member scores every item.
	login(t, ctx, base, council)
	within(t, ctx, wait, chromedp.Navigate(loc))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("score-form")))
	n := within(t, ctx, wait, chromedp.Evaluate[int](`(() => { const ins = [...document.querySelectorAll('#score-form input[type="number"]')];
  ins.forEach(i => { i.value = String(Number(i.max) - 2); }); return ins.length; })()`))
	if n == 0 {
		t.Fatal("no score inputs")
	}
	within(t, ctx, wait, chromedp.SendKeys(chromedp.ID("score-comment"), "Đề án khả thi, chi phí hợp lý."))
	follow(t, ctx, "submit scores", chromedp.Click(chromedp.ID("submit-scores")))
	if !exists(t, ctx, "#appraisal-mine") || !exists(t, ctx, "#score-table") {
		t.Errorf("after scoring: %q", text(t, ctx, "appraisal"))
	}
	t.Logf("scores: %s", text(t, ctx, "appraisal-summary"))
	logout(t, ctx)

	// The province officer takes it to the end.
	login(t, ctx, base, province)
	within(t, ctx, wait, chromedp.Navigate(loc))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("state-badge")))
	act(t, ctx, "appraise", map[string]string{"note": "Hội đồng thống nhất"}, "appraised")
	act(t, ctx, "approve", map[string]string{"decision_no": "125/QĐ-UBND"}, "approved")
	if !strings.Contains(text(t, ctx, "f-decision"), "125/QĐ-UBND") {
		t.Errorf("decision %q", text(t, ctx, "f-decision"))
	}
	act(t, ctx, "start", map[string]string{"document_ref": "HĐ 12/2026", "advances.provincial": "140000000"}, "in_progress")
	act(t, ctx, "accept", map[string]string{"document_ref": "BB-NT 15/2026", "outputs.machines": "1", "outputs.jobs": "3"}, "accepted")
	act(t, ctx, "settle", map[string]string{"settled.provincial": "195000000", "settled.counterpart": "200000000"}, "settled")
	if !exists(t, ctx, "#recon-table") {
		t.Error("no reconciliation after settlement")
	}
	act(t, ctx, "close", map[string]string{"document_ref": "BB-TL 03/2026"}, "closed")

	steps := within(t, ctx, wait, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#timeline li")].map(li => li.dataset.to)`))
	want := []string{"draft", "registered", "appraised", "approved", "in_progress", "accepted", "settled", "closed"}
	if strings.Join(steps, ",") != strings.Join(want, ",") {
		t.Errorf("timeline %v, want %v", steps, want)
	}
	timeline := text(t, ctx, "timeline")
	for _, doc := range []string{"125/QĐ-UBND", "HĐ 12/2026", "BB-NT 15/2026", "BB-TL 03/2026"} {
		if !strings.Contains(timeline, doc) {
			t.Errorf("the timeline lacks %s: %q", doc, timeline)
		}
	}
	shot(t, ctx, "/tmp/e2e-project-closed.png")

	// The list shows it closed.
	within(t, ctx, wait, chromedp.Navigate(base+"/projects?state=closed&q="+strings.ReplaceAll(code, " ", "+")))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("proj-count")))
	if !exists(t, ctx, `#projects tr[data-state="closed"]`) {
		t.Errorf("the list does not show %s closed: %q", code, text(t, ctx, "results"))
	}
}
