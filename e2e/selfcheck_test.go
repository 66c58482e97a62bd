//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// pageBytes sums what the current page cost over the network: the
// document and every resource it loaded, as transferred (compressed, with
// headers; 0 for what the browser cache served) and as they would be
// transferred with an empty cache (encoded bodies).
const pageBytes = `JSON.stringify((() => {
  const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
  return {
    transferred: entries.reduce((n, e) => n + e.transferSize, 0),
    cold: entries.reduce((n, e) => n + e.encodedBodySize, 0),
    decoded: entries.reduce((n, e) => n + e.decodedBodySize, 0),
    resources: entries.length,
    scripts: document.scripts.length
  };
})())`

// pageSize is the result of pageBytes.
type pageSize struct {
	Transferred int `json:"transferred"`
	Cold        int `json:"cold"`
	Decoded     int `json:"decoded"`
	Resources   int `json:"resources"`
	Scripts     int `json:"scripts"`
}

// checkPhonePage fails the test when the current page scrolls sideways
// in the 360 px window, has controls under 44 px or text under 16 px, or
// weighs 50 KB or more.
func checkPhonePage(t *testing.T, ctx context.Context, what string) pageSize {
	t.Helper()
	wait := 30 * time.Second
	if w := within(t, ctx, wait, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 360 {
		t.Errorf("%s: page is %d px wide in a 360 px window (horizontal scrolling)", what, w)
	}
	checkPhone(t, ctx)
	var size pageSize
	if err := json.Unmarshal([]byte(within(t, ctx, wait, chromedp.Evaluate[string](pageBytes))), &size); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d bytes transferred, %d with an empty cache, %d uncompressed, %d requests", what, size.Transferred, size.Cold, size.Decoded, size.Resources)
	if size.Transferred >= 50<<10 || size.Cold >= 50<<10 {
		t.Errorf("%s: %d bytes transferred (%d with an empty cache), want < 50 KB", what, size.Transferred, size.Cold)
	}
	if size.Cold == 0 {
		t.Errorf("%s: the page size could not be measured", what)
	}
	if size.Scripts != 0 {
		t.Errorf("%s: the public page loads %d scripts", what, size.Scripts)
	}
	return size
}

// TestSelfCheckPhone takes the public self-check on a phone-sized window
// with JavaScript disabled and without signing in, as a household
// rice-wine brewer of a Quảng Trị commune with 4 workers and no business
// registration: the answer lists at least one support that may fit and
// what is missing (the business registration, the workers' gap). No page
// scrolls sideways, every control is at least 44 px, and each page weighs
// under 50 KB.
func TestSelfCheckPhone(t *testing.T) {
	ctx := browser(t)
	base, _ := startServer(t)
	wait := 30 * time.Second
	watchConsole(t, ctx)

	noScriptPhone(t, ctx)

	// No login: the questionnaire itself, not the login page.
	within(t, ctx, wait, chromedp.Navigate(base+"/tu-kiem-tra"))
	if loc := within(t, ctx, wait, chromedp.Location()); !strings.HasSuffix(loc, "/tu-kiem-tra") {
		t.Fatalf("GET /tu-kiem-tra ended at %s", loc)
	}
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("sc-form")))
	shot(t, ctx, "/tmp/e2e-selfcheck-form-360.png")
	checkPhonePage(t, ctx, "questionnaire")

	// Where: the province, then its communes (a form round trip, no script).
	province := within(t, ctx, wait, chromedp.Evaluate[string](
		`[...document.querySelectorAll("#sc-province option")].find(o => o.textContent.includes("Quảng Trị"))?.value || ""`))
	if province == "" {
		t.Fatal("Quảng Trị is not among the provinces")
	}
	within(t, ctx, wait, chromedp.SetValue(chromedp.ID("sc-province"), province))
	within(t, ctx, wait, chromedp.SetValue(chromedp.ID("sc-trade"), "RUOU_MEN_LA"))
	follow(t, ctx, "choose the province", chromedp.Click(chromedp.ID("sc-province-go")))
	commune := within(t, ctx, wait, chromedp.Evaluate[string](
		`[...document.querySelectorAll("#sc-commune option")].find(o => o.textContent.trim() === "Xã Đakrông")?.value || ""`))
	if commune == "" {
		t.Fatalf("Xã Đakrông is not among the communes of Quảng Trị: %s", text(t, ctx, "sc-commune"))
	}
	if v := within(t, ctx, wait, chromedp.Evaluate[string](`document.getElementById("sc-trade").value`)); v != "RUOU_MEN_LA" {
		t.Errorf("the province step lost the trade (%q)", v)
	}

	// The rest of the questionnaire.
	within(t, ctx, wait, chromedp.SetValue(chromedp.ID("sc-commune"), commune))
	within(t, ctx, wait, chromedp.SendKeys(chromedp.ID("sc-workers"), "4"))
	within(t, ctx, wait, chromedp.Click(chromedp.ID("sc-reg-no")))
	within(t, ctx, wait, chromedp.SetValue(chromedp.ID("sc-kind"), "household"))
	shot(t, ctx, "/tmp/e2e-selfcheck-filled-360.png")
	follow(t, ctx, "submit the self-check", chromedp.Click(chromedp.ID("sc-submit")))

	if !exists(t, ctx, "#sc-answer") {
		t.Fatalf("no answer; errors: %s", within(t, ctx, wait, chromedp.Evaluate[string](
			`[...document.querySelectorAll(".field-error, .error")].map(e => e.textContent).join(" | ")`)))
	}
	fits := within(t, ctx, wait, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("#sc-answer .sc-fit:not(.sc-other) h4")].map(h => h.textContent.trim())`))
	if len(fits) == 0 {
		t.Error("the answer lists no support that may fit")
	}
	t.Logf("may fit: %s", strings.Join(fits, "; "))
	amounts := within(t, ctx, wait, chromedp.Evaluate[string](`[...document.querySelectorAll("#sc-answer .sc-amount")].map(e => e.textContent).join(" | ")`))
	if !strings.Contains(amounts, "₫") && !strings.Contains(amounts, "cần xác minh") {
		t.Errorf("no amount range in %q", amounts)
	}
	missing := within(t, ctx, wait, chromedp.Evaluate[string](`[...document.querySelectorAll("#sc-answer .sc-missing li")].map(e => e.textContent).join(" | ")`))
	for _, want := range []string{"đăng ký kinh doanh", "thiếu 6 lao động"} {
		if !strings.Contains(missing, want) {
			t.Errorf("what is missing lacks %q: %s", want, missing)
		}
	}
	if next := text(t, ctx, "sc-next"); !strings.Contains(next, "Đakrông") {
		t.Errorf("the next step does not name the commune: %q", next)
	}
	if !exists(t, ctx, "#sc-contact") {
		t.Error("no «Tôi muốn được liên hệ» form")
	}
	shot(t, ctx, "/tmp/e2e-selfcheck-answer-360.png")
	top := within(t, ctx, wait, chromedp.CaptureScreenshot()) // the first screen: what a phone shows
	if err := os.WriteFile("/tmp/e2e-selfcheck-answer-360-top.png", top, 0o644); err != nil {
		t.Fatal(err)
	}
	checkPhonePage(t, ctx, "answer")

	// Nonsense numbers: a clear message next to the field, not an error
	// page. The answer is 422, which the browser reports on the console,
	// so this part runs in a tab of its own that allows that one message.
	tab, cancel := chromedp.NewContext(ctx)
	defer cancel()
	// The first Run opens the tab; like the browser's, it carries no timeout.
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	noScriptPhone(t, tab)
	watchConsoleExcept(t, tab, "status of 422")
	within(t, tab, wait, chromedp.Navigate(base+"/tu-kiem-tra?province="+province))
	within(t, tab, wait, chromedp.SetValue(chromedp.ID("sc-commune"), commune))
	for _, tc := range []struct{ workers, want string }{{"-5", "âm"}, {"999999999", "100.000"}, {"bốn", "chữ số"}} {
		within(t, tab, wait, chromedp.SetValue(chromedp.ID("sc-workers"), tc.workers))
		follow(t, tab, "submit "+tc.workers+" workers", chromedp.Click(chromedp.ID("sc-submit")))
		if msg := text(t, tab, "sc-workers-error"); !strings.Contains(msg, tc.want) {
			t.Errorf("%s workers: message %q, want one with %q", tc.workers, msg, tc.want)
		}
		if !exists(t, tab, `#sc-workers[aria-invalid="true"]`) {
			t.Errorf("%s workers: the field is not marked invalid", tc.workers)
		}
	}
	shot(t, tab, "/tmp/e2e-selfcheck-errors-360.png")
	checkPhonePage(t, tab, "errors")
}

// noScriptPhone gives the tab of ctx a 360 × 740 window and disables
// JavaScript in it.
func noScriptPhone(t *testing.T, ctx context.Context) {
	t.Helper()
	wait := 30 * time.Second
	within(t, ctx, wait, chromedp.EmulateViewport(360, 740, chromedp.EmulatePortrait))
	within(t, ctx, wait, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	// Scripts are really off: an inline script does not run.
	within(t, ctx, wait, chromedp.Navigate(`data:text/html,<title>off</title><script>document.title="on"</script>`))
	if title := within(t, ctx, wait, chromedp.Evaluate[string](`document.title`)); title != "off" {
		t.Fatalf("scripts still run (title %q)", title)
	}
}

// watchConsoleExcept is watchConsole for a page where console errors
// containing allowed are expected.
func watchConsoleExcept(t *testing.T, ctx context.Context, allowed string) {
	t.Helper()
	var mu sync.Mutex
	var problems []string
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if (m.Type == chromedp.ConsoleError || m.IsException() || strings.Contains(m.Text, "Content Security Policy")) && !strings.Contains(m.Text, allowed) {
				mu.Lock()
				problems = append(problems, m.String())
				mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("browser console: %s", p)
		}
	})
}

// TestEligibilityPanelLoads opens an establishment as the demo commune
// officer: the eligibility panel loads into the page through htmx with
// each scheme's result, and its form swaps the panel for one scheme with
// a planned cost, showing the arithmetic.
func TestEligibilityPanelLoads(t *testing.T) {
	ctx := browser(t)
	base, out := startServer(t)
	acc, ok := demoAccounts(out.String())["commune_officer"]
	if !ok {
		t.Fatalf("no commune officer among the demo accounts:\n%s", out.String())
	}
	wait := 30 * time.Second
	watchConsole(t, ctx)
	login(t, ctx, base, acc)
	within(t, ctx, wait, chromedp.Navigate(base+"/establishments"))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.CSS(`#establishments tbody tr a`)))
	href := within(t, ctx, wait, chromedp.Evaluate[string](`document.querySelector("#establishments tbody tr a").getAttribute("href")`))
	within(t, ctx, wait, chromedp.Navigate(base+href))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.CSS(`#elig-panel article.elig-result`)))
	n := within(t, ctx, wait, chromedp.Evaluate[int](`document.querySelectorAll("#elig-panel article.elig-result").length`))
	if n < 3 {
		t.Errorf("the panel shows %d results", n)
	}
	if exists(t, ctx, "#elig-open") {
		t.Error("the link fallback is still shown after the panel loaded")
	}
	within(t, ctx, wait, chromedp.Evaluate[bool](`window.__kcNoReload = true`))
	within(t, ctx, wait, chromedp.SetValue(chromedp.ID("elig-scheme"), "MAY_MOC_TIEN_TIEN"))
	within(t, ctx, wait, chromedp.SendKeys(chromedp.ID("elig-cost"), "200.000.000"))
	within(t, ctx, wait, chromedp.Click(chromedp.ID("elig-submit")))
	within(t, ctx, wait, chromedp.Poll[bool](
		`document.querySelectorAll("#elig-panel article.elig-result").length === 1 && !!document.querySelector('#elig-panel article[data-code="MAY_MOC_TIEN_TIEN"]')`,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
	if !within(t, ctx, wait, chromedp.Evaluate[bool](`window.__kcNoReload === true`)) {
		t.Error("the panel's form reloaded the page instead of swapping the panel")
	}
	steps := within(t, ctx, wait, chromedp.Evaluate[string](`document.querySelector("#elig-panel .elig-steps").textContent`))
	if !strings.Contains(steps, "200.000.000 ₫") {
		t.Errorf("the arithmetic %q does not use the planned cost", steps)
	}
	shot(t, ctx, "/tmp/e2e-eligibility-panel.png")
}
