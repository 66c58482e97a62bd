//go:build e2e

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPlanOptimizerBrowser opens the demo's 2027 plan as the province
// officer, runs the optimiser with the default weights, and checks the
// page shows the proven optimum beside the "highest score first" choice
// (the optimum's score at least the greedy one's), the reasons for the
// proposals left out and the binding limits; then saves the result as a
// scenario, runs a jobs-only scenario and compares the two side by side.
// Any console error or CSP report fails the test.
func TestPlanOptimizerBrowser(t *testing.T) {
	ctx := browser(t)
	base, out := startServer(t)
	province := demoAccounts(out.String())["province_officer"]
	wait := 30 * time.Second
	watchConsole(t, ctx)

	login(t, ctx, base, province)
	within(t, ctx, wait, chromedp.Navigate(base+"/plans"))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("plans")))
	follow(t, ctx, "open the 2027 plan", chromedp.Click(chromedp.CSS(`#plans tr[data-year="2027"] a`)))
	if n := within(t, ctx, wait, chromedp.Evaluate[int](`document.querySelectorAll("#candidate-table tbody tr").length`)); n < 20 {
		t.Fatalf("the 2027 plan lists %d candidates", n)
	}
	if got := text(t, ctx, "score-formula"); !strings.Contains(got, "điểm thẩm định") {
		t.Errorf("score formula %q", got)
	}

	follow(t, ctx, "optimise", chromedp.Click(chromedp.ID("optimize-submit")))
	if s := within(t, ctx, wait, chromedp.Evaluate[string](`document.getElementById("optimize-result").dataset.status`)); s != "optimal" {
		shot(t, ctx, "/tmp/e2e-plan-optimize.png")
		t.Fatalf("status %q", s)
	}
	optScore, greedyScore := countOf(t, text(t, ctx, "opt-score")), countOf(t, text(t, ctx, "greedy-score"))
	if optScore < greedyScore || optScore == 0 {
		t.Errorf("optimum %d below greedy %d", optScore, greedyScore)
	}
	t.Logf("optimum %d points, %s jobs; greedy %d points, %s jobs; %s", optScore, text(t, ctx, "opt-jobs"), greedyScore,
		text(t, ctx, "greedy-jobs"), text(t, ctx, "proof"))
	if !exists(t, ctx, "#rejected tbody tr") || !exists(t, ctx, "#binding li") || !exists(t, ctx, "#marginals li") {
		t.Error("no explanation: rejected proposals, binding limits or marginals missing")
	}
	shot(t, ctx, "/tmp/e2e-plan-result.png")

	// Save it, then a jobs-only scenario, and compare them.
	within(t, ctx, wait, chromedp.SendKeys(chromedp.ID("scenario-name"), "Trọng số mặc định"))
	follow(t, ctx, "save the scenario", chromedp.Submit(chromedp.ID("scenario-name")))
	if got := text(t, ctx, "optimize-result"); !strings.Contains(got, "Trọng số mặc định") {
		t.Fatalf("the saved scenario page does not name it")
	}
	within(t, ctx, wait, chromedp.Navigate(strings.Split(within(t, ctx, wait, chromedp.Location()), "/scenarios/")[0]))
	for id, v := range map[string]string{"w_appraisal": "0", "w_jobs": "1", "w_priority": "0"} {
		within(t, ctx, wait, chromedp.SetValue(chromedp.ID(id), v))
	}
	follow(t, ctx, "optimise for jobs", chromedp.Click(chromedp.ID("optimize-submit")))
	jobs := text(t, ctx, "opt-jobs")
	within(t, ctx, wait, chromedp.SendKeys(chromedp.ID("scenario-name"), "Chỉ việc làm"))
	follow(t, ctx, "save the jobs scenario", chromedp.Submit(chromedp.ID("scenario-name")))
	within(t, ctx, wait, chromedp.Navigate(strings.Split(within(t, ctx, wait, chromedp.Location()), "/scenarios/")[0]+"#scenarios"))
	within(t, ctx, wait, chromedp.Evaluate[bool](`(() => { document.querySelectorAll('#scenario-table input[name="s"]').forEach(c => c.checked = true); return true; })()`))
	follow(t, ctx, "compare", chromedp.Submit(chromedp.ID("compare-form")))
	heads := within(t, ctx, wait, chromedp.Evaluate[string](`[...document.querySelectorAll("#compare-summary thead th")].map(th => th.textContent.trim()).join("|")`))
	if !strings.Contains(heads, "Trọng số mặc định") || !strings.Contains(heads, "Chỉ việc làm") {
		t.Errorf("comparison columns %q", heads)
	}
	if !strings.Contains(text(t, ctx, "compare-summary"), jobs) {
		t.Errorf("the comparison does not show the jobs scenario's %s jobs", jobs)
	}
	if n := within(t, ctx, wait, chromedp.Evaluate[int](`document.querySelectorAll("#compare-rows tbody tr").length`)); n == 0 {
		t.Error("no project rows in the comparison")
	}
	shot(t, ctx, "/tmp/e2e-plan-compare.png")
}
