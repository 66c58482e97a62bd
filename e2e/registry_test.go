//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"khuyencong/internal/vi"
)

// watchConsole fails the test, at its end, for every console error,
// uncaught exception or Content-Security-Policy report of the page.
func watchConsole(t *testing.T, ctx context.Context) {
	t.Helper()
	var mu sync.Mutex
	var problems []string
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
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

// follow runs an action that loads a new page (a click on a submit
// button) and waits until the new page has loaded: a marker set on the
// old page's window is gone and the document is complete.
func follow(t *testing.T, ctx context.Context, what string, a chromedp.Action[chromedp.Void]) {
	t.Helper()
	wait := 30 * time.Second
	within(t, ctx, wait, chromedp.Evaluate[bool](`window.__kcOldPage = true`))
	c, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if err := chromedp.Do(c, a); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	// Evaluate in a loop: a navigation in the middle of an evaluation
	// fails it, and that is no reason to stop.
	for {
		loaded, err := chromedp.Run(c, chromedp.Evaluate[bool](`window.__kcOldPage !== true && document.readyState === "complete"`))
		if err == nil && loaded {
			return
		}
		if c.Err() != nil {
			shot(t, ctx, "/tmp/e2e-follow-failed.png")
			t.Fatalf("%s: no new page: %v", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// login signs in through the login form and waits for the dashboard.
func login(t *testing.T, ctx context.Context, base string, acc account) {
	t.Helper()
	wait := 30 * time.Second
	within(t, ctx, wait, chromedp.Navigate(base+"/login"))
	within(t, ctx, wait, chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), acc.username),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), acc.password),
	))
	follow(t, ctx, "submit login", chromedp.Submit(chromedp.CSS(`input[name="password"]`)))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("count-establishments")))
}

// listState is what the establishment list shows.
type listState struct {
	Search string     `json:"search"` // location.search
	Count  string     `json:"count"`  // text of #est-count
	Rows   [][]string `json:"rows"`   // cell texts of each #establishments tr[data-id]
}

// readList reads the list page's count and rows.
const readList = `JSON.stringify({
  search: location.search,
  count: (document.getElementById("est-count") || {}).textContent || "",
  rows: [...document.querySelectorAll("#establishments tr[data-id]")].map(tr => [...tr.querySelectorAll("td")].map(td => td.textContent.trim()))
})`

func list(t *testing.T, ctx context.Context) listState {
	t.Helper()
	var s listState
	if err := json.Unmarshal([]byte(within(t, ctx, 30*time.Second, chromedp.Evaluate[string](readList))), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// countOf reads the number in "1.234 cơ sở".
func countOf(t *testing.T, s string) int {
	t.Helper()
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
	n, err := strconv.Atoi(digits)
	if err != nil {
		t.Fatalf("count %q: %v", s, err)
	}
	return n
}

// waitList waits until the list's URL holds every wanted query parameter
// and its count differs from notCount (an htmx swap has happened), and
// returns the list.
func waitList(t *testing.T, ctx context.Context, want url.Values, notCount string) listState {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := list(t, ctx)
		q, _ := url.ParseQuery(strings.TrimPrefix(s.Search, "?"))
		ok := s.Count != "" && s.Count != notCount
		for k, vs := range want {
			for _, v := range vs {
				found := false
				for _, got := range q[k] {
					found = found || got == v
				}
				ok = ok && found
			}
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("the list did not update to %v (now %q, count %q)", want, s.Search, s.Count)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// searchCount opens the list with a search and returns the count.
func searchCount(t *testing.T, ctx context.Context, base, q string) (int, listState) {
	t.Helper()
	within(t, ctx, 30*time.Second, chromedp.Navigate(base+"/establishments?q="+url.QueryEscape(q)))
	within(t, ctx, 30*time.Second, chromedp.WaitVisible(chromedp.ID("est-count")))
	s := list(t, ctx)
	return countOf(t, s.Count), s
}

// jobDone waits until the import job on the page has finished (its
// region no longer polls).
func jobDone(t *testing.T, ctx context.Context) {
	t.Helper()
	within(t, ctx, 60*time.Second, chromedp.Poll[bool](
		`(() => { const j = document.getElementById("import-job"); return !!j && !j.hasAttribute("hx-get") && !!document.getElementById("import-progress"); })()`,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(60*time.Second)))
}

// upload opens the import page, chooses file and submits the form with
// the dry run ticked, then waits for the job to finish.
func upload(t *testing.T, ctx context.Context, base, file string) {
	t.Helper()
	wait := 30 * time.Second
	within(t, ctx, wait, chromedp.Navigate(base+"/establishments/import"))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("import-file")))
	if !within(t, ctx, wait, chromedp.Evaluate[bool](`document.getElementById("import-dry-run").checked`)) {
		t.Error("the dry run is not ticked by default")
	}
	within(t, ctx, wait, chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{file}))
	follow(t, ctx, "upload "+filepath.Base(file), chromedp.Click(chromedp.ID("import-submit")))
	if loc := within(t, ctx, wait, chromedp.Location()); !strings.Contains(loc, "/establishments/import/jobs/") {
		t.Fatalf("after the upload at %s, want a job page", loc)
	}
	jobDone(t, ctx)
}

// text returns the trimmed text of the element with id, "" when missing.
func text(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	return within(t, ctx, 30*time.Second, chromedp.Evaluate[string](`(document.getElementById(`+strconv.Quote(id)+`) || {textContent: ""}).textContent.trim()`))
}

// exists reports whether the page has an element matching the selector.
func exists(t *testing.T, ctx context.Context, sel string) bool {
	t.Helper()
	return within(t, ctx, 30*time.Second, chromedp.Evaluate[bool](`document.querySelector(`+strconv.Quote(sel)+`) !== null`))
}

// download fetches path with the browser's session and returns the
// status, content type and body.
func download(t *testing.T, ctx context.Context, path string) (int, string, []byte) {
	t.Helper()
	js := `fetch(` + strconv.Quote(path) + `, {credentials: "same-origin"}).then(async r => {
  const b = new Uint8Array(await r.arrayBuffer());
  let s = "";
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode.apply(null, b.subarray(i, i + 8192));
  return JSON.stringify({status: r.status, type: r.headers.get("content-type") || "", body: btoa(s)});
})`
	var res struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Body   string `json:"body"`
	}
	if err := json.Unmarshal([]byte(within(t, ctx, 30*time.Second, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))), &res); err != nil {
		t.Fatal(err)
	}
	body, err := base64.StdEncoding.DecodeString(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.Status, res.Type, body
}

// TestRegistrySearchFilterImport drives the registry as the demo province
// officer: a search that ignores diacritics and spacing, the kind and
// flag filters (the count changes and every row matches), then the web
// import: a file with a bad row is rejected with the row and column named
// and an error report to download; a file with a duplicate of a
// registered establishment asks for a decision, is checked again with it,
// written, and its establishments are found by search.
func TestRegistrySearchFilterImport(t *testing.T) {
	ctx := browser(t)
	base, out := startServer(t)
	acc, ok := demoAccounts(out.String())["province_officer"]
	if !ok {
		t.Fatalf("no province officer among the demo accounts:\n%s", out.String())
	}
	wait := 30 * time.Second
	watchConsole(t, ctx)
	login(t, ctx, base, acc)

	// Search: typing "ruou men la" finds the leaf-yeast rice wine makers
	// through htmx.
	within(t, ctx, wait, chromedp.Navigate(base+"/establishments"))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.CSS(`#establishments tr[data-id]`)))
	all := list(t, ctx)
	total := countOf(t, all.Count)
	within(t, ctx, wait, chromedp.SendKeys(chromedp.ID("q"), "ruou men la"))
	found := waitList(t, ctx, url.Values{"q": {"ruou men la"}}, all.Count)
	if n := countOf(t, found.Count); n == 0 || n >= total || len(found.Rows) == 0 {
		t.Fatalf("search ruou men la: %d of %d, %d rows", n, total, len(found.Rows))
	}
	named := false
	for _, r := range found.Rows {
		if !strings.Contains(vi.SearchKey(r[0]), "ruoumenla") {
			t.Errorf("search ruou men la shows %q", r[0])
		}
		named = named || strings.Contains(strings.ToLower(r[0]), "rượu men lá")
	}
	if !named {
		t.Errorf("no name with «Rượu men lá» among %v", found.Rows)
	}
	t.Logf("search: %d of %d establishments for «ruou men la»", countOf(t, found.Count), total)

	// The same name however it is spelt: marks, case and spacing.
	// (No demo name holds "Đakrông", so "Krông Klang" stands for it.)
	for _, group := range [][]string{{"Krông Klang", "krong klang", "KRONGKLANG"}, {"Đá Bàn", "da ban", "Dá ban"}} {
		first, _ := searchCount(t, ctx, base, group[0])
		if first == 0 {
			t.Errorf("search %q finds nothing", group[0])
		}
		for _, q := range group[1:] {
			if n, _ := searchCount(t, ctx, base, q); n != first {
				t.Errorf("search %q finds %d, %q finds %d", group[0], first, q, n)
			}
		}
		t.Logf("search %v: %d each", group, first)
	}

	// Filters: a kind, then a flag; each narrows the list through htmx
	// and every row shown matches.
	within(t, ctx, wait, chromedp.Navigate(base+"/establishments"))
	within(t, ctx, wait, chromedp.WaitVisible(chromedp.ID("f-kind")))
	before := list(t, ctx)
	within(t, ctx, wait, chromedp.Evaluate[bool](`(() => { const s = document.getElementById("f-kind"); s.value = "household"; s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`))
	byKind := waitList(t, ctx, url.Values{"kind": {"household"}}, before.Count)
	kindLabel := within(t, ctx, wait, chromedp.Evaluate[string](`document.querySelector("#f-kind option:checked").textContent.trim()`))
	nKind := countOf(t, byKind.Count)
	if nKind == 0 || nKind >= countOf(t, before.Count) || len(byKind.Rows) == 0 {
		t.Errorf("kind filter: %d of %d", nKind, countOf(t, before.Count))
	}
	for _, r := range byKind.Rows {
		if len(r) < 4 || r[3] != kindLabel {
			t.Errorf("kind filter %q shows %v", kindLabel, r)
		}
	}
	within(t, ctx, wait, chromedp.Click(chromedp.ID("flag-traditional_craft")))
	byFlag := waitList(t, ctx, url.Values{"kind": {"household"}, "flag": {"traditional_craft"}}, byKind.Count)
	flagLabel := within(t, ctx, wait, chromedp.Evaluate[string](`document.querySelector('label[for="flag-traditional_craft"]').textContent.trim()`))
	nFlag := countOf(t, byFlag.Count)
	if nFlag == 0 || nFlag >= nKind || len(byFlag.Rows) == 0 {
		t.Errorf("flag filter: %d of %d", nFlag, nKind)
	}
	flagCol := within(t, ctx, wait, chromedp.Evaluate[int](`(() => { const tr = document.querySelector("#establishments tr[data-id]"); return tr ? [...tr.children].indexOf(tr.querySelector("td.flags")) : -1; })()`))
	for _, r := range byFlag.Rows {
		if len(r) < 4 || r[3] != kindLabel || flagCol < 0 || flagCol >= len(r) || !strings.Contains(r[flagCol], flagLabel) {
			t.Errorf("kind %q and flag %q show %v", kindLabel, flagLabel, r)
		}
	}
	t.Logf("filters: %s → %d (%s) → %d (+ %s)", before.Count, nKind, kindLabel, nFlag, flagLabel)
	shot(t, ctx, "/tmp/e2e-registry-filters.png")

	// Import, a file with a bad row: rejected, the row and column named,
	// the report downloads as an XLSX with the message on that row.
	dir := t.TempDir()
	bad := filepath.Join(dir, "co-so-loi.csv")
	good := filepath.Join(dir, "co-so.csv")
	writeFile(t, bad, "Tên cơ sở,Loại hình,Mã xã,Thôn/bản,Số lao động\n"+
		"Cơ sở đan lát Thử Nghiệm Một,Hộ kinh doanh,19564,Thôn 1,3\n"+
		"Cơ sở mộc Thử Nghiệm Hai,Hộ kinh doanh,19564,Thôn 2,-3\n")
	writeFile(t, good, "Tên cơ sở,Loại hình,Mã xã,Xã/phường,Thôn/bản,Số lao động\n"+
		"Cơ sở đan lát Thử Nghiệm Một,Hộ kinh doanh,19564,,Thôn 1,3\n"+
		"Cơ sở mộc Thử Nghiệm Hai,Hộ kinh doanh,19564,,Thôn 2,4\n"+
		"Tổ hợp tác rượu men lá Đá Bàn,Tổ hợp tác,,Xã Ba Nang,Bản Đá Bàn,7\n")

	upload(t, ctx, base, bad)
	if !exists(t, ctx, "#import-rejected") || exists(t, ctx, "#import-commit") {
		t.Error("the file with a bad row is not shown as rejected")
	}
	cells := within(t, ctx, wait, chromedp.Evaluate[[][]string](`[...document.querySelectorAll("#import-errors tbody tr")].map(tr => [...tr.querySelectorAll("td")].map(td => td.textContent.trim()))`))
	if len(cells) != 1 || len(cells[0]) < 4 || cells[0][0] != "3" || cells[0][1] != "E" || cells[0][2] != "Số lao động" || !strings.Contains(cells[0][3], "-3") {
		t.Errorf("errors table %v, want row 3, column E (Số lao động) about -3", cells)
	}
	shot(t, ctx, "/tmp/e2e-import-errors.png")
	href := within(t, ctx, wait, chromedp.Evaluate[string](`(document.getElementById("import-report") || {}).getAttribute ? document.getElementById("import-report").getAttribute("href") : ""`))
	if !strings.HasSuffix(href, "/report.xlsx") {
		t.Fatalf("report link %q", href)
	}
	status, ctype, body := download(t, ctx, href)
	if status != 200 || ctype != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("report: status %d, type %q", status, ctype)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("report: %v", err)
	}
	rows, err := x.GetRows(x.GetSheetList()[0])
	x.Close()
	if err != nil || len(rows) != 3 {
		t.Fatalf("report rows %v %v", err, rows)
	}
	last := len(rows[0]) - 1
	if rows[0][last] != "Lỗi" || len(rows[2]) <= last || !strings.Contains(rows[2][last], "-3") || (len(rows[1]) > last && rows[1][last] != "") {
		t.Errorf("report %v", rows)
	}
	if n, _ := searchCount(t, ctx, base, "Thử Nghiệm"); n != 0 {
		t.Errorf("the rejected file wrote %d establishments", n)
	}

	// Import, a good file with a duplicate of the demo's wine group: the
	// row asks for a decision; skip it, check again, then write.
	upload(t, ctx, base, good)
	sel := `#import-errors select[name="decide-4"]`
	if !exists(t, ctx, sel) || !exists(t, ctx, sel+` option[value^="merge:"]`) || !exists(t, ctx, "#import-recheck") {
		t.Fatalf("no decision for the duplicate row 4: %s", text(t, ctx, "import-job"))
	}
	within(t, ctx, wait, chromedp.SetValue(chromedp.CSS(sel), "skip"))
	follow(t, ctx, "check again", chromedp.Click(chromedp.ID("import-recheck")))
	jobDone(t, ctx)
	if !exists(t, ctx, "#import-clean") || !exists(t, ctx, "#import-commit") || text(t, ctx, "import-created") != "2" || text(t, ctx, "import-skipped") != "1" {
		t.Fatalf("dry run with the decision: %s", text(t, ctx, "import-job"))
	}
	shot(t, ctx, "/tmp/e2e-import-clean.png")
	job := within(t, ctx, wait, chromedp.Location())
	if n, _ := searchCount(t, ctx, base, "Thử Nghiệm"); n != 0 {
		t.Errorf("the dry run wrote %d establishments", n)
	}
	within(t, ctx, wait, chromedp.Navigate(job))
	jobDone(t, ctx)
	follow(t, ctx, "commit", chromedp.Click(chromedp.ID("import-commit")))
	jobDone(t, ctx)
	if !exists(t, ctx, "#import-written") || text(t, ctx, "import-created") != "2" || text(t, ctx, "import-skipped") != "1" || exists(t, ctx, "#import-commit") {
		t.Fatalf("commit: %s", text(t, ctx, "import-job"))
	}
	shot(t, ctx, "/tmp/e2e-import-written.png")

	// A large file: 100 000 rows are checked while the page shows the
	// progress and htmx swaps the result in, without a page load.
	large := filepath.Join(dir, "lon.csv")
	var b strings.Builder
	b.WriteString("Tên cơ sở,Loại hình,Mã xã,Thôn/bản,Số lao động\n")
	for i := range 100_000 {
		b.WriteString("Cơ sở lớn số " + strconv.Itoa(i+1) + ",Hộ sản xuất chưa đăng ký,19564,Thôn 3,2\n")
	}
	writeFile(t, large, b.String())
	within(t, ctx, wait, chromedp.Navigate(base+"/establishments/import"))
	within(t, ctx, wait, chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{large}))
	start := time.Now()
	follow(t, ctx, "upload lon.csv", chromedp.Click(chromedp.ID("import-submit")))
	if !exists(t, ctx, `#import-job[hx-get] progress#import-progress`) {
		t.Error("the job page of a large file shows no progress")
	}
	within(t, ctx, wait, chromedp.Evaluate[bool](`window.__kcNoReload = true`))
	jobDone(t, ctx)
	t.Logf("100 000 rows checked in %v", time.Since(start).Round(time.Millisecond))
	if !within(t, ctx, wait, chromedp.Evaluate[bool](`window.__kcNoReload === true`)) {
		t.Error("the result of the large file came by a page load, not by htmx")
	}
	if !exists(t, ctx, "#import-clean") || text(t, ctx, "import-rows") != "100.000" || text(t, ctx, "import-created") != "100.000" {
		t.Errorf("large file: %s", text(t, ctx, "import-job"))
	}

	// The new establishments are found by search, the skipped duplicate
	// was not created again.
	n, s := searchCount(t, ctx, base, "thu nghiem")
	names := map[string]bool{}
	for _, r := range s.Rows {
		names[r[0]] = true
	}
	if n != 2 || !names["Cơ sở đan lát Thử Nghiệm Một"] || !names["Cơ sở mộc Thử Nghiệm Hai"] {
		t.Errorf("search after the import: %d %v", n, s.Rows)
	}
	if n, _ := searchCount(t, ctx, base, "Tổ hợp tác rượu men lá Đá Bàn"); n != 1 {
		t.Errorf("the skipped duplicate: %d establishments", n)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
