package web

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/sheet"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// newImportFixture is newScopeFixture that also returns the server, whose
// job registry the tests reach into (its clock).
func newImportFixture(t *testing.T, st *store.Store) (*scopeFixture, *Server) {
	t.Helper()
	sc := apptest.NewScope(t, st)
	f := &scopeFixture{st: st, app: sc.App, province: sc.Province, communeA: sc.CommuneA, communeB: sc.CommuneB, estA: sc.EstA, estB: sc.EstB}
	s, err := New(f.app, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(s.Handler())
	t.Cleanup(func() { f.srv.Close(); s.Close() })
	return f, s
}

// upload posts the import form with a file and returns the response.
func (c *client) upload(name string, data []byte, dryRun bool) *http.Response {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		c.t.Fatal(err)
	}
	fw.Write(data)
	mw.WriteField("year", "2025")
	if dryRun {
		mw.WriteField("dry_run", "1")
	}
	mw.Close()
	res, err := c.http.Post(c.base+importPath, mw.FormDataContentType(), &body)
	if err != nil {
		c.t.Fatalf("POST %s: %v", importPath, err)
	}
	return res
}

// startJob uploads a file and returns the job page's path.
func (c *client) startJob(name string, data []byte, dryRun bool) string {
	c.t.Helper()
	res := c.upload(name, data, dryRun)
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, importPath+"/jobs/") {
		c.t.Fatalf("upload %s: status %d, location %q", name, res.StatusCode, loc)
	}
	return loc
}

// finished polls the job page until the run is over and returns it.
func (c *client) finished(job string) *goquery.Document {
	c.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		d := c.doc(job, http.StatusOK)
		if d.Find("#import-job").Length() != 1 {
			c.t.Fatalf("%s: no #import-job", job)
		}
		if _, polling := d.Find("#import-job").Attr("hx-get"); !polling {
			return d
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%s: still running", job)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// act posts an action to the job page (with extra form fields) and
// returns the finished page it redirects to.
func (c *client) act(job, action string, extra url.Values) *goquery.Document {
	c.t.Helper()
	form := url.Values{"action": {action}}
	for k, v := range extra {
		form[k] = v
	}
	res := c.post(job, form)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != job {
		c.t.Fatalf("POST %s %s: status %d, location %q", job, action, res.StatusCode, res.Header.Get("Location"))
	}
	return c.finished(job)
}

// establishmentNames lists the names of every establishment, as the system.
func establishmentNames(t *testing.T, a *app.App) []string {
	t.Helper()
	list, _, err := a.ListEstablishments(app.WithPrincipal(t.Context(), app.System), kc.EstablishmentFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list {
		out = append(out, e.Name)
	}
	slices.Sort(out)
	return out
}

func text(d *goquery.Document, sel string) string { return strings.TrimSpace(d.Find(sel).Text()) }

// goodCSV has two new establishments, one per commune of the fixture.
const goodCSV = "Tên cơ sở,Loại hình,Mã xã,Thôn/bản,Số lao động\n" +
	"Cơ sở mộc Thử Nghiệm,Hộ kinh doanh,99001,Thôn 2,3\n" +
	"Tổ hợp tác đan lát Bình Minh,Tổ hợp tác,99002,Bản Ra Lu,7\n"

// badCSV has a negative worker count on row 3, column E.
const badCSV = "Tên cơ sở,Loại hình,Mã xã,Thôn/bản,Số lao động\n" +
	"Cơ sở mộc Thử Nghiệm,Hộ kinh doanh,99001,Thôn 2,3\n" +
	"Tổ hợp tác đan lát Bình Minh,Tổ hợp tác,99002,Bản Ra Lu,-3\n"

// TestImportAccess checks who may use the import: a viewer gets 403 on
// every route, an anonymous visitor goes to the login page, and a job is
// invisible (404) to any account but the one that uploaded it.
func TestImportAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, _ := newImportFixture(t, st)
		res := f.anonymous(t).get(importPath)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("anonymous: status %d %q", res.StatusCode, res.Header.Get("Location"))
		}

		owner := f.login(t, userProvince)
		job := owner.startJob("co-so.csv", []byte(badCSV), true)
		owner.finished(job)

		viewer := f.login(t, userViewer)
		viewer.doc(importPath, http.StatusForbidden)
		res = viewer.upload("co-so.csv", []byte(goodCSV), true)
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("viewer upload: status %d", res.StatusCode)
		}
		viewer.doc(job, http.StatusForbidden)

		other := f.login(t, userOfficerA)
		other.doc(importPath, http.StatusOK)
		other.doc(job, http.StatusNotFound)
		other.fetchFile(job+"/report.xlsx", http.StatusNotFound)
		res = other.post(job, url.Values{"action": {"commit"}})
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("other user's commit: status %d", res.StatusCode)
		}
		other.doc(importPath+"/jobs/nope", http.StatusNotFound)
		// The owner still sees it; the admin, who sees everything else, does not.
		owner.doc(job, http.StatusOK)
		f.login(t, userAdmin).doc(job, http.StatusNotFound)
	})
}

// TestImportForm checks the upload form: file input for .xlsx and .csv,
// last year as the fact year, the dry run ticked, the template link.
func TestImportForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, _ := newImportFixture(t, st)
		d := f.login(t, userOfficerA).doc(importPath, http.StatusOK)
		form := d.Find(`form#import-form[method="post"][action="/establishments/import"][enctype="multipart/form-data"]`)
		if form.Length() != 1 {
			t.Fatal("no upload form")
		}
		if acc := form.Find(`input#import-file[type="file"][name="file"]`).AttrOr("accept", ""); !strings.Contains(acc, ".xlsx") || !strings.Contains(acc, ".csv") {
			t.Errorf("file input accept %q", acc)
		}
		if y := form.Find(`input[name="year"]`).AttrOr("value", ""); y != strconv.Itoa(storetest.Clock.Year()-1) {
			t.Errorf("default year %q", y)
		}
		if _, checked := form.Find(`input#import-dry-run[name="dry_run"]`).Attr("checked"); !checked {
			t.Error("dry run not ticked by default")
		}
		if d.Find(`a#import-template[href="/establishments/template.xlsx"]`).Length() != 1 {
			t.Error("no template link")
		}
		// The establishment list links to the import for writers.
		if f.login(t, userOfficerA).doc("/establishments", http.StatusOK).Find(`a#nav-import[href="/establishments/import"]`).Length() != 1 {
			t.Error("no link to the import from the establishments section")
		}
		if f.login(t, userViewer).doc("/establishments", http.StatusOK).Find(`a#nav-import`).Length() != 0 {
			t.Error("viewer sees the import link")
		}
	})
}

// TestImportBadUploads checks the file-level problems: a file that is no
// spreadsheet gets the reader's message (and nothing is written), an
// upload over the cap gets the cap in the message, no file and a bad
// year are form errors.
func TestImportBadUploads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, _ := newImportFixture(t, st)
		c := f.login(t, userProvince)
		before := establishmentNames(t, f.app)

		job := c.startJob("bao-cao.pdf", []byte("%PDF-1.7\x00\x01\x02\x03 binary \x00\x00 stream"), true)
		d := c.finished(job)
		if got, want := text(d, "#import-file-error"), locale.T("vi", "sheet.not_spreadsheet", "bao-cao.pdf"); got != want {
			t.Errorf("not a spreadsheet: %q, want %q", got, want)
		}
		if d.Find("#import-errors, #import-commit, #import-report").Length() != 0 {
			t.Error("a rejected file offers errors, a report or a commit")
		}
		job = c.startJob("rong.csv", nil, true)
		if got, want := text(c.finished(job), "#import-file-error"), locale.T("vi", "sheet.empty"); got != want {
			t.Errorf("empty file: %q, want %q", got, want)
		}
		job = c.startJob("khong-tieu-de.csv", []byte("a,b,c\n1,2,3\n"), true)
		if got, want := text(c.finished(job), "#import-file-error"), locale.T("vi", "sheet.no_header", sheet.HeaderScanRows); got != want {
			t.Errorf("no header: %q, want %q", got, want)
		}

		big := bytes.Repeat([]byte("x"), importMaxBytes+1024)
		res := c.upload("lon.csv", big, true)
		d = parse(t, res)
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("oversized: status %d", res.StatusCode)
		}
		if got, want := text(d, "#import-error"), locale.T("vi", "webimport.too_large", 20); got != want {
			t.Errorf("oversized: %q, want %q", got, want)
		}
		if _, invalid := d.Find("#import-file").Attr("aria-invalid"); !invalid {
			t.Error("oversized: file input not marked invalid")
		}

		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("year", "2025")
		mw.Close()
		res, err := c.http.Post(c.base+importPath, mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		d = parse(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity || text(d, "#import-error") != locale.T("vi", "webimport.no_file") {
			t.Errorf("no file: status %d, %q", res.StatusCode, text(d, "#import-error"))
		}

		body.Reset()
		mw = multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "a.csv")
		fw.Write([]byte(goodCSV))
		mw.WriteField("year", "hai nghìn")
		mw.Close()
		res, err = c.http.Post(c.base+importPath, mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		d = parse(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity || d.Find(`#import-year[aria-invalid="true"]`).Length() != 1 {
			t.Errorf("bad year: status %d", res.StatusCode)
		}

		if after := establishmentNames(t, f.app); !slices.Equal(before, after) {
			t.Errorf("bad uploads wrote: %v → %v", before, after)
		}
	})
}

// TestImportErrorsAndReport uploads a CSV with one bad row: the errors
// table names the row, column and header, nothing is written (even with
// the dry run unticked), and the report is an XLSX copy of the file whose
// error column holds the message on the bad row only.
func TestImportErrorsAndReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, _ := newImportFixture(t, st)
		c := f.login(t, userProvince)
		before := establishmentNames(t, f.app)
		job := c.startJob("co-so.csv", []byte(badCSV), false)
		d := c.finished(job)
		if d.Find("#import-rejected").Length() != 1 || d.Find("#import-written, #import-commit").Length() != 0 {
			t.Error("a file with an error is not shown as rejected")
		}
		rows := d.Find("#import-errors tbody tr")
		if rows.Length() != 1 {
			t.Fatalf("%d error rows, want 1", rows.Length())
		}
		cells := rows.First().Find("td")
		got := []string{strings.TrimSpace(cells.Eq(0).Text()), strings.TrimSpace(cells.Eq(1).Text()), strings.TrimSpace(cells.Eq(2).Text())}
		if !slices.Equal(got, []string{"3", "E", "Số lao động"}) {
			t.Errorf("error at %v, want row 3, column E (Số lao động)", got)
		}
		full := locale.T("vi", "sheet.negative", 3, "E", "Số lao động", "-3")
		if msg := strings.TrimSpace(cells.Eq(3).Text()); msg == "" || !strings.HasSuffix(strings.ToLower(full), strings.ToLower(msg)) {
			t.Errorf("message %q is not the end of %q", msg, full)
		}
		if after := establishmentNames(t, f.app); !slices.Equal(before, after) {
			t.Errorf("a rejected import wrote: %v → %v", before, after)
		}

		href := d.Find("a#import-report").AttrOr("href", "")
		if href != job+"/report.xlsx" {
			t.Fatalf("report link %q", href)
		}
		data, h := c.fetchFile(href, http.StatusOK)
		if ct := h.Get("Content-Type"); ct != exportContentTypes[app.FormatXLSX] || !strings.Contains(h.Get("Content-Disposition"), "attachment") {
			t.Errorf("report headers %q %q", ct, h.Get("Content-Disposition"))
		}
		x, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("report: %v", err)
		}
		defer x.Close()
		sheetRows, err := x.GetRows(x.GetSheetList()[0])
		if err != nil || len(sheetRows) != 3 {
			t.Fatalf("report rows %v %v", err, sheetRows)
		}
		last := len(sheetRows[0]) - 1
		if sheetRows[0][last] != sheet.ErrorHeader || sheetRows[0][0] != "Tên cơ sở" {
			t.Errorf("report header %v", sheetRows[0])
		}
		if len(sheetRows[1]) > last && sheetRows[1][last] != "" {
			t.Errorf("good row has an error: %q", sheetRows[1][last])
		}
		if len(sheetRows[2]) <= last || sheetRows[2][last] != full {
			t.Errorf("bad row's error %v, want %q", sheetRows[2], full)
		}
	})
}

// TestImportDryRunThenCommit checks the happy path: a dry run writes
// nothing and offers the commit; the commit writes every row once, and
// the job cannot be written twice.
func TestImportDryRunThenCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, _ := newImportFixture(t, st)
		c := f.login(t, userProvince)
		before := establishmentNames(t, f.app)
		job := c.startJob("co-so.csv", []byte(goodCSV), true)
		d := c.finished(job)
		if d.Find("#import-clean").Length() != 1 || d.Find("#import-errors").Length() != 0 {
			t.Fatalf("clean file not shown as clean: %s", text(d, "#import-job"))
		}
		for sel, want := range map[string]string{"#import-rows": "2", "#import-created": "2", "#import-merged": "0", "#import-skipped": "0", "#import-facts": "2"} {
			if got := text(d, sel); got != want {
				t.Errorf("dry run %s = %q, want %q", sel, got, want)
			}
		}
		if p := d.Find("progress#import-progress"); p.AttrOr("value", "") != p.AttrOr("max", "-") {
			t.Errorf("progress of a finished job: %s/%s", p.AttrOr("value", ""), p.AttrOr("max", ""))
		}
		if after := establishmentNames(t, f.app); !slices.Equal(before, after) {
			t.Fatalf("the dry run wrote: %v → %v", before, after)
		}
		form := d.Find("#import-commit").Closest("form")
		if form.AttrOr("action", "") != job || form.Find(`input[name="action"]`).AttrOr("value", "") != "commit" {
			t.Fatalf("commit form %q", form.AttrOr("action", ""))
		}
		d = c.act(job, "commit", nil)
		if d.Find("#import-written").Length() != 1 || text(d, "#import-created") != "2" || d.Find("#import-commit").Length() != 0 {
			t.Fatalf("commit not shown as written: %s", text(d, "#import-job"))
		}
		after := establishmentNames(t, f.app)
		want := slices.Sorted(slices.Values(append(slices.Clone(before), "Cơ sở mộc Thử Nghiệm", "Tổ hợp tác đan lát Bình Minh")))
		if !slices.Equal(after, want) {
			t.Errorf("after commit %v, want %v", after, want)
		}
		res := c.post(job, url.Values{"action": {"commit"}})
		res.Body.Close()
		if res.StatusCode != http.StatusConflict {
			t.Errorf("second commit: status %d", res.StatusCode)
		}
		if again := establishmentNames(t, f.app); !slices.Equal(again, want) {
			t.Errorf("second commit wrote: %v", again)
		}
		// A commit before a clean dry run is refused.
		job = c.startJob("co-so-2.csv", []byte(badCSV), true)
		c.finished(job)
		res = c.post(job, url.Values{"action": {"commit"}})
		res.Body.Close()
		if res.StatusCode != http.StatusConflict {
			t.Errorf("commit of a rejected file: status %d", res.StatusCode)
		}
	})
}

// TestImportDecisions checks the questions: a row that duplicates a
// registered establishment gets a select with merge into it, skip and
// create; checking again with "skip" is clean and keeps the decision for
// the commit, which skips the row.
func TestImportDecisions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, _ := newImportFixture(t, st)
		c := f.login(t, userProvince)
		csv := "Tên cơ sở,Loại hình,Mã xã\n" +
			f.estA.Name + ",Hộ kinh doanh,99001\n" +
			"Cơ sở chổi đót An Phú,Hộ kinh doanh,99001\n"
		job := c.startJob("trung.csv", []byte(csv), true)
		d := c.finished(job)
		sel := d.Find(`#import-errors select[name="decide-2"]`)
		if sel.Length() != 1 {
			t.Fatalf("no decision select for row 2: %s", text(d, "#import-job"))
		}
		var values []string
		sel.Find("option").Each(func(_ int, o *goquery.Selection) { values = append(values, o.AttrOr("value", "")) })
		want := []string{"", "merge:" + strconv.FormatInt(f.estA.ID, 10), "skip", "create"}
		if !slices.Equal(values, want) {
			t.Errorf("choices %v, want %v", values, want)
		}
		if id := sel.AttrOr("id", ""); id == "" || d.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Error("decision select without a label")
		}
		if d.Find("#import-recheck").Closest("form").AttrOr("action", "") != job {
			t.Error("no re-check button in the decisions form")
		}
		// A forged decision is refused.
		res := c.post(job, url.Values{"action": {"check"}, "decide-2": {"drop table"}})
		res.Body.Close()
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("forged decision: status %d", res.StatusCode)
		}
		d = c.act(job, "check", url.Values{"decide-2": {"skip"}})
		if d.Find("#import-clean").Length() != 1 || text(d, "#import-skipped") != "1" || text(d, "#import-created") != "1" {
			t.Fatalf("after skip: %s", text(d, "#import-job"))
		}
		if d.Find(`#import-applied li[data-row="2"]`).Length() != 1 {
			t.Error("applied decision not listed")
		}
		d = c.act(job, "commit", nil)
		if d.Find("#import-written").Length() != 1 || text(d, "#import-skipped") != "1" || text(d, "#import-created") != "1" {
			t.Fatalf("commit: %s", text(d, "#import-job"))
		}
		names := establishmentNames(t, f.app)
		if n := strings.Count(strings.Join(names, "|"), f.estA.Name); n != 1 || !slices.Contains(names, "Cơ sở chổi đót An Phú") {
			t.Errorf("after commit: %v", names)
		}
	})
}

// TestImportPolling checks the htmx side: a poll of a job returns the job
// fragment, and a poll of a missing job answers 286 (htmx stops polling)
// with the "gone" fragment; the jobs expire after their idle time.
func TestImportPolling(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, s := newImportFixture(t, st)
		c := f.login(t, userProvince)
		job := c.startJob("co-so.csv", []byte(goodCSV), true)
		c.finished(job)
		poll := func(path string) (*http.Response, *goquery.Document) {
			req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
			req.Header.Set("HX-Request", "true")
			res, err := c.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			return res, parse(t, res)
		}
		res, d := poll(job)
		if res.StatusCode != http.StatusOK || d.Find("#import-job").Length() != 1 || d.Find("html > body > header").Length() != 0 {
			t.Errorf("poll: status %d, fragment %d", res.StatusCode, d.Find("#import-job").Length())
		}
		res, d = poll(importPath + "/jobs/unknown")
		if res.StatusCode != 286 || d.Find("#import-job #import-gone").Length() != 1 {
			t.Errorf("poll of a missing job: status %d", res.StatusCode)
		}
		// Idle jobs expire.
		s.imports.mu.Lock()
		s.imports.now = func() time.Time { return time.Now().Add(importJobIdle + time.Minute) }
		s.imports.mu.Unlock()
		c.doc(job, http.StatusNotFound)
	})
}

// TestImportJobLimits checks that one account keeps at most
// importJobsPerUser jobs: a new upload drops the oldest idle one.
func TestImportJobLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, _ := newImportFixture(t, st)
		c := f.login(t, userOfficerA)
		var jobs []string
		for i := range importJobsPerUser + 1 {
			jobs = append(jobs, c.startJob("co-so-"+strconv.Itoa(i)+".csv", []byte("x"), true))
			c.finished(jobs[i])
		}
		c.doc(jobs[0], http.StatusNotFound)
		for _, j := range jobs[1:] {
			c.doc(j, http.StatusOK)
		}
	})
}

// TestImportMessages checks the web wording of the questions (no
// command-line syntax), the shortened table message and the English
// catalog of the import page.
func TestImportMessages(t *testing.T) {
	args := map[string][]any{
		"import.commune_split":      {"Xã Ba Nang", "Xã A (1); Xã B (2)", 8},
		"import.commune_ambiguous":  {"Ba Nang", "Xã A (1); Xã B (2)", 8},
		"import.duplicate_in_file":  {5, 8},
		"import.duplicate_registry": {"12, 15", 8, int64(12)},
	}
	for key, web := range importQuestions {
		if web == "" {
			continue
		}
		for _, lang := range locale.Languages {
			msg := locale.T(lang, web, append([]any{8, "B", "Tên cơ sở"}, args[key]...)...)
			if strings.Contains(msg, "--decide") || strings.Contains(msg, "%!") || !locale.Has(web) {
				t.Errorf("%s (%s) in %s: %q", key, web, lang, msg)
			}
		}
	}
	e := &kc.Error{Key: "sheet.negative", Args: []any{3, "E", "Số lao động", "-3"}}
	if got := shortMessage("vi", e, importMessage("vi", e)); strings.HasPrefix(got, "Dòng") || got == "" {
		t.Errorf("short message %q", got)
	}
	vi, en := catalogKeys(t, "vi/webimport.json"), catalogKeys(t, "en/webimport.json")
	if !slices.Equal(vi, en) {
		t.Errorf("webimport.json: vi and en keys differ:\nvi %v\nen %v", vi, en)
	}
	for _, phase := range []string{"read", "check", "write"} {
		if !locale.Has("webimport.phase." + phase) {
			t.Errorf("no message for phase %s", phase)
		}
	}
}

// TestImportPagesRender renders the import pages with fixture data (a
// running job, a job with questions, a written job) in both languages
// and checks the ids the browser test relies on.
func TestImportPagesRender(t *testing.T) {
	s := newBareServer(t)
	running := importJobView{ID: "abc", URL: jobURL("abc"), File: "a.xlsx", Year: 2025, Running: true, Phase: "check", Done: 1000, Total: 4000, Percent: 25, Poll: "every 500ms"}
	questions := importJobView{ID: "abc", URL: jobURL("abc"), File: "a.xlsx", Year: 2025, DryRun: true, Rows: 3, Created: 2, Merged: 0, Facts: 1,
		ErrorCount: 2, ReportURL: jobURL("abc") + "/report.xlsx", Questions: true, More: 3, Unchanged: 4,
		Errors: []importErrorView{
			{Line: 3, Col: "E", Header: "Số lao động", Message: "Âm"},
			{Line: 8, Col: "B", Header: "Tên cơ sở", Message: "Trùng", SelectID: "decide-8-1", Choices: []importChoice{{Value: ""}, {Value: "skip", Label: "Bỏ qua", Selected: true}}},
		},
		Warnings: []string{"Cột X"}, Applied: []importDecisionView{{Line: 5, Label: "Bỏ qua"}}}
	written := importJobView{ID: "abc", URL: jobURL("abc"), File: "a.csv", Rows: 2, Created: 2, Written: true}
	clean := importJobView{ID: "abc", URL: jobURL("abc"), File: "a.csv", Rows: 2, Created: 2, DryRun: true, CanCommit: true}
	nothing := importJobView{ID: "abc", URL: jobURL("abc"), File: "a.csv", Rows: 2, Unchanged: 2, DryRun: true, NothingToWrite: true}
	tests := []struct {
		name, page string
		data       any
		want       []string
	}{
		{"form", "import", importForm{Year: 2025, DryRun: true, MaxMB: 20, Error: "quá lớn", ErrField: "file"}, []string{"#import-file", "#import-error", "#import-dry-run[checked]"}},
		{"running", "import_job", running, []string{`#import-job[hx-get="/establishments/import/jobs/abc"][hx-trigger="every 500ms"]`, `progress#import-progress[value="1000"][max="4000"]`, "#import-reload", "noscript"}},
		{"questions", "import_job", questions, []string{"#import-errors", "#import-report", `select#decide-8-1[name="decide-8"]`, "#import-recheck", "#import-unchanged", "#import-applied", "#import-more", "#import-warnings"}},
		{"written", "import_job", written, []string{"#import-written"}},
		{"clean", "import_job", clean, []string{"#import-clean", "#import-commit"}},
		{"nothing", "import_job", nothing, []string{"#import-nothing", "#import-unchanged"}},
		{"failed", "import_job", importJobView{ID: "abc", URL: jobURL("abc"), FileError: "hỏng"}, []string{"#import-file-error"}},
		{"gone", "import_job", importJobView{Gone: true}, []string{"#import-job #import-gone"}},
	}
	for _, tt := range tests {
		for _, lang := range locale.Languages {
			t.Run(tt.name+"/"+lang, func(t *testing.T) {
				p := Page{Lang: lang, Title: "x", Section: "establishments", Principal: fixturePrincipal, Scope: "Xã Đakrông", Data: tt.data, Now: storetest.Clock, Path: "/"}
				doc := renderPage(t, s, tt.page, "layout", p)
				for _, sel := range tt.want {
					if doc.Find(sel).Length() == 0 {
						t.Errorf("no %s", sel)
					}
				}
				if tt.name == "running" && doc.Find("#import-commit, #import-errors").Length() != 0 {
					t.Error("a running job shows results")
				}
				if doc.Find("[style], style").Length() != 0 {
					t.Error("inline style")
				}
				body := doc.Text()
				if strings.Contains(body, "webimport.") {
					t.Errorf("untranslated key in %s", body)
				}
			})
		}
	}
}

// TestImportProgress checks the progress callback's phases: reading, the
// check pass, then the writes of a real import.
func TestImportProgress(t *testing.T) {
	j := &importJob{phase: "read"}
	j.progress(1000, 3000)
	if j.phase != "check" || j.done != 1000 {
		t.Errorf("after the first rows: %s %d", j.phase, j.done)
	}
	j.progress(3000, 3000)
	j.progress(2000, 2500)
	if j.phase != "write" || j.done != 2000 || j.total != 2500 {
		t.Errorf("writes: %s %d/%d", j.phase, j.done, j.total)
	}
	dry := &importJob{phase: "read", dryRun: true}
	dry.progress(10, 10)
	dry.progress(10, 10)
	if dry.phase != "check" {
		t.Errorf("dry run phase %s", dry.phase)
	}
	// Decisions survive the flattening for the commit.
	d := map[int]map[string]string{8: {"action": "skip"}, 5: {"action": "merge:12", "commune": "commune:19564"}}
	flat := flatDecisions(d)
	if flat[5] != "merge:12,commune:19564" || flat[8] != "skip" {
		t.Errorf("flat %v", flat)
	}
	back, _ := json.Marshal(expandDecisions(flat))
	orig, _ := json.Marshal(d)
	if string(back) != string(orig) {
		t.Errorf("expand %s, want %s", back, orig)
	}
}

// TestImportRoundTrip exports the list as CSV and imports the file back:
// every row names its establishment and holds what the registry holds,
// so the check finds nothing to write and offers no commit.
func TestImportRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, _ := newImportFixture(t, st)
		c := f.login(t, userProvince)
		data, _ := c.fetchFile("/establishments/export.csv", http.StatusOK)
		d := c.finished(c.startJob("co-so.csv", data, true))
		if d.Find("#import-nothing").Length() != 1 || d.Find("#import-commit, #import-errors").Length() != 0 {
			t.Fatalf("round trip: %s", text(d, "#import-job"))
		}
		if got := text(d, "#import-unchanged"); got != "2" {
			t.Errorf("unchanged %q, want 2", got)
		}
	})
}

// TestImportQuestionChoices checks the selects built from the questions'
// arguments: a split commune offers its successors (and skip unless the
// row also has a duplicate question), a duplicate in the file skip or
// create, a registry duplicate a merge into each candidate; a decision
// taken before is selected.
func TestImportQuestionChoices(t *testing.T) {
	s := newBareServer(t)
	cell := func(line int, col, header, key string, args ...any) *kc.Error {
		return &kc.Error{Code: kc.EInvalid, Key: key, Args: append([]any{line, col, header}, args...)}
	}
	j := &importJob{id: "job", name: "a.csv", dryRun: true, ran: map[int]string{2: "commune:00008"},
		decisions: map[int]map[string]string{2: {"commune": "commune:00008"}}}
	j.res = app.ImportResult{Rows: 4, Errors: []*kc.Error{
		cell(2, "D", "Mã xã", "import.commune_split", "Phường Cống Vị", "Phường Ngọc Hà (00008); Phường Ba Đình (00004)", 2),
		cell(3, "E", "Xã/phường", "import.commune_ambiguous", "Ba Nang", "Xã Ba Nang (19576); Xã Ba Nang (20001)", 3),
		cell(3, "B", "Tên cơ sở", "import.duplicate_in_file", 2, 3),
		cell(4, "B", "Tên cơ sở", "import.duplicate_registry", "12, 15", 4, int64(12)),
		cell(5, "M", "Số lao động", "sheet.negative", "-3"),
	}}
	v := s.jobView(t.Context(), "vi", j)
	values := func(ev importErrorView) []string {
		var out []string
		for _, c := range ev.Choices {
			out = append(out, c.Value)
		}
		return out
	}
	want := [][]string{
		{"", "commune:00008", "commune:00004", "skip"},
		{"", "commune:19576", "commune:20001"},
		{"", "skip", "create"},
		{"", "merge:12", "merge:15", "skip", "create"},
		nil,
	}
	if len(v.Errors) != len(want) || !v.Questions {
		t.Fatalf("%d errors, questions %v", len(v.Errors), v.Questions)
	}
	for i, ev := range v.Errors {
		if got := values(ev); !slices.Equal(got, want[i]) {
			t.Errorf("error %d (%s): choices %v, want %v", i, ev.Message, got, want[i])
		}
		if strings.Contains(ev.Message, "--decide") || strings.Contains(ev.Message, "%!") {
			t.Errorf("error %d: message %q", i, ev.Message)
		}
	}
	if !v.Errors[0].Choices[1].Selected || v.Errors[0].Choices[2].Selected {
		t.Error("the decision taken before is not selected")
	}
	if v.Errors[1].SelectID == v.Errors[2].SelectID {
		t.Error("two selects of one row share an id")
	}
	if len(v.Applied) != 1 || v.Applied[0].Line != 2 {
		t.Errorf("applied %v", v.Applied)
	}
	if v.CanCommit || v.ReportURL != "" {
		t.Error("a job with errors offers the commit, or a report without a table")
	}
}
