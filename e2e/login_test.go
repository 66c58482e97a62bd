//go:build e2e

// Package e2e drives the real server with a real browser (Debian's
// chromium through chromedp). Run with: go test -tags e2e ./e2e/
// The tests skip when chromium is not installed.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"khuyencong/internal/cli"

	"github.com/chromedp/chromedp"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// account is one demo login printed by serve --demo.
type account struct{ role, username, password string }

// demoAccounts reads the accounts from the lines serve prints:
// "  commune_officer    canbo.xa    mật khẩu: …".
func demoAccounts(out string) map[string]account {
	accs := map[string]account{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		before, pw, ok := strings.Cut(line, "mật khẩu:")
		if !ok {
			continue
		}
		f := strings.Fields(before)
		if len(f) < 2 {
			continue
		}
		if _, dup := accs[f[0]]; !dup { // the first account of each role
			accs[f[0]] = account{role: f[0], username: f[1], password: strings.TrimSpace(pw)}
		}
	}
	return accs
}

// startServer runs `khuyencong --db sqlite:… serve --addr 127.0.0.1:0
// --demo` in-process and returns its URL and printed output.
func startServer(t *testing.T) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	var stdout, stderr syncBuffer
	m := &cli.Main{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }, Ready: ready}
	done := make(chan int, 1)
	db := "sqlite:" + filepath.Join(t.TempDir(), "e2e.db")
	go func() { done <- m.Run(ctx, []string{"--db", db, "serve", "--addr", "127.0.0.1:0", "--demo"}) }()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited with %d: %s", code, stderr.String())
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop")
		}
	})
	select {
	case url := <-ready:
		return url, &stdout
	case code := <-done:
		t.Fatalf("serve exited with %d before it was ready:\n%s\n%s", code, stdout.String(), stderr.String())
	case <-time.After(5 * time.Minute):
		t.Fatal("serve not ready after 5 minutes")
	}
	return "", nil
}

// browser starts headless chromium with a fresh profile.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed: apt-get install chromium")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	// The first Run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// within runs the action a with a time limit d, on a context derived from
// one that has already started the browser (a timeout on the first Run
// would stop the whole browser), and fails the test on error.
func within[T any](t *testing.T, ctx context.Context, d time.Duration, a chromedp.Action[T]) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	v, err := chromedp.Run(c, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}

// TestLoginDashboard opens the app, is sent to the login page, signs in as
// the demo commune officer, sees the dashboard for their commune with a
// positive establishment count, takes screenshots and signs out.
func TestLoginDashboard(t *testing.T) {
	ctx := browser(t)
	base, out := startServer(t)
	acc, ok := demoAccounts(out.String())["commune_officer"]
	if !ok {
		t.Fatalf("no commune officer among the demo accounts:\n%s", out.String())
	}
	wait := 30 * time.Second

	// A CSP violation or a script error fails the test.
	watchConsole(t, ctx)

	// / redirects to the login page.
	within(t, ctx, wait, chromedp.Navigate(base+"/"))
	loc := within(t, ctx, wait, chromedp.Location())
	if !strings.Contains(loc, "/login") {
		t.Fatalf("GET / ended at %s, want the login page", loc)
	}
	if lang := within(t, ctx, wait, chromedp.Evaluate[string](`document.documentElement.lang`)); lang != "vi" {
		t.Errorf("login page lang = %q", lang)
	}

	// Sign in; the form posts and the browser follows the redirect.
	within(t, ctx, wait, chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), acc.username),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), acc.password),
	))
	if _, err := chromedp.RunResponse(ctx, chromedp.Submit(chromedp.CSS(`input[name="password"]`))); err != nil {
		t.Fatalf("submit login: %v", err)
	}
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("count-establishments")))
	loc = within(t, ctx, wait, chromedp.Location())
	if !strings.HasSuffix(loc, "/") {
		t.Errorf("after login at %s, want the dashboard", loc)
	}

	count := within(t, ctx, wait, chromedp.Text(chromedp.CSS(`#count-establishments .card-num`)))
	n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(count), ".", ""))
	if err != nil || n <= 0 {
		t.Errorf("establishment count %q, want a number > 0", count)
	}
	scope := strings.TrimSpace(within(t, ctx, wait, chromedp.Text(chromedp.ID("scope-name"))))
	if scope == "" || strings.HasPrefix(scope, "role.") {
		t.Errorf("scope name %q, want the commune's name", scope)
	}
	t.Logf("dashboard: %d establishments, scope %q", n, scope)
	if !within(t, ctx, wait, chromedp.Evaluate[bool](`document.getElementById("demo-badge") !== null`)) {
		t.Error("the demo dataset is not labelled as demo data in the header")
	}

	// No resource was blocked by the CSP and htmx loaded.
	if ok := within(t, ctx, wait, chromedp.Evaluate[bool](`typeof htmx === "object" && htmx.version.startsWith("2.0.11")`)); !ok {
		t.Error("htmx 2.0.11 did not load")
	}

	shot(t, ctx, "/tmp/e2e-dashboard.png")
	within(t, ctx, wait, chromedp.EmulateViewport(360, 780))
	shot(t, ctx, "/tmp/e2e-dashboard-360.png")
	if w := within(t, ctx, wait, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 360 {
		t.Errorf("page is %d px wide at a 360 px viewport (horizontal scrolling)", w)
	}
	checkPhone(t, ctx)
	within(t, ctx, wait, chromedp.EmulateViewport(1280, 900))

	// The establishment list shows rows of the officer's commune only.
	within(t, ctx, wait, chromedp.Navigate(base+"/establishments"))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.CSS(`#establishments tbody tr`)))
	shot(t, ctx, "/tmp/e2e-establishments.png")
	within(t, ctx, wait, chromedp.EmulateViewport(360, 780))
	checkPhone(t, ctx)
	png := within(t, ctx, wait, chromedp.CaptureScreenshot()) // the first screen only: the list is long
	if err := os.WriteFile("/tmp/e2e-establishments-360.png", png, 0o644); err != nil {
		t.Fatal(err)
	}
	within(t, ctx, wait, chromedp.EmulateViewport(1280, 900))
	rowsBefore := within(t, ctx, wait, chromedp.Evaluate[int](`document.querySelectorAll("#establishments tbody tr").length`))

	// Typing in the search box filters the list through htmx, without a
	// page load (a marker on window survives only without navigation); the
	// query ignores diacritics ("det" finds "dệt").
	within(t, ctx, wait, chromedp.Evaluate[bool](`window.__kcNoReload = true`))
	within(t, ctx, wait, chromedp.SendKeys(chromedp.ID("q"), "det"))
	rowsAfter := within(t, ctx, wait, chromedp.Poll[int](
		`(() => { const n = document.querySelectorAll("#establishments tbody tr").length; return location.search.includes("q=det") && n > 0 && n < `+strconv.Itoa(rowsBefore)+` ? n : 0 })()`,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(15*time.Second)))
	if !within(t, ctx, wait, chromedp.Evaluate[bool](`window.__kcNoReload === true`)) {
		t.Error("the search reloaded the page instead of swapping the results")
	}
	names := within(t, ctx, wait, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#establishments tbody td:first-child")].map(td => td.textContent)`))
	for _, n := range names {
		if !strings.Contains(strings.ToLower(n), "dệt") {
			t.Errorf("search for det shows %q", n)
		}
	}
	t.Logf("search: %d rows before, %d after typing det", rowsBefore, rowsAfter)

	// Sign out: back to the login page, and / asks for a login again.
	within(t, ctx, wait, chromedp.Navigate(base+"/"))
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`))); err != nil {
		t.Fatalf("logout: %v", err)
	}
	within(t, ctx, wait, chromedp.Navigate(base+"/"))
	loc = within(t, ctx, wait, chromedp.Location())
	if !strings.Contains(loc, "/login") {
		t.Errorf("after logout GET / ended at %s, want the login page", loc)
	}
}

// shot saves a full-page screenshot.
func shot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	buf := within(t, ctx, 30*time.Second, chromedp.FullScreenshot(100))
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(os.Stderr, "screenshot:", path)
}

// phoneProblems lists, on the current page, controls smaller than 44 px in
// either dimension that matters (height; width for icon-sized ones) and
// visible text smaller than 16 px (DESIGN §7). Decorative (aria-hidden)
// elements are exempt.
const phoneProblems = `(() => {
  const out = [];
  const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden"; };
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") + " " + JSON.stringify((el.textContent || el.value || "").trim().slice(0, 30));
  for (const el of document.querySelectorAll("button, .btn, input:not([type=hidden]), select, textarea, nav a, table a, .pager a, .crumbs a")) {
    if (!visible(el) || el.closest("[aria-hidden=true]")) continue;
    const r = el.getBoundingClientRect();
    if (r.height < 44 || r.width < 44) out.push("target " + Math.round(r.width) + "x" + Math.round(r.height) + " " + name(el));
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || !visible(el) || el.closest("[aria-hidden=true], .visually-hidden, .skip")) continue;
    const fs = parseFloat(getComputedStyle(el).fontSize);
    if (fs < 16) out.push("text " + fs + "px " + name(el));
  }
  return [...new Set(out)];
})()`

// checkPhone fails the test for every phone-size problem on the page.
func checkPhone(t *testing.T, ctx context.Context) {
	t.Helper()
	for _, p := range within(t, ctx, 30*time.Second, chromedp.Evaluate[[]string](phoneProblems)) {
		t.Errorf("at 360 px: %s", p)
	}
}
