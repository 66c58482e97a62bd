package web

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"

	"github.com/PuerkitoBio/goquery"
)

// TestReportScreens covers /reports: the empty form, a report of a
// commune with its indicators (each with a definition), the approved
// project counted, field errors next to the fields for a bad period, the
// scope refusal, and the three downloads; then the plan and project
// documents.
func TestReportScreens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		ids := f.scope.SeedPlanProjects(t, 2026)
		officer := f.login(t, userOfficerA)

		d := officer.doc("/reports", http.StatusOK)
		if d.Find("#report-form").Length() != 1 || d.Find("#report").Length() != 0 {
			t.Fatal("the bare page should show the form only")
		}

		d = officer.doc("/reports?kind=period&unit="+f.communeA.Code+"&from=2026&to=2026", http.StatusOK)
		if d.Find("#report").Length() != 1 {
			t.Fatal("no report shown")
		}
		if n := d.Find("#indicators tr[id^=ind-]").Length(); n < 20 {
			t.Errorf("%d indicators", n)
		}
		if n := d.Find("#indicators tr[id^=ind-] td.definition").FilterFunction(func(_ int, s *goquery.Selection) bool {
			return len(strings.TrimSpace(s.Text())) < 10
		}).Length(); n != 0 {
			t.Errorf("%d indicators without a definition", n)
		}
		if got := strings.TrimSpace(d.Find("#ind-projects_total td.num").Text()); !strings.HasPrefix(got, "1") {
			t.Errorf("projects_total %q, want the 1 approved project of commune A", got)
		}
		if got := strings.TrimSpace(d.Find("#ind-funds_provincial td.num").Text()); !strings.HasPrefix(got, "20.000.000") {
			t.Errorf("funds_provincial %q, want 20.000.000", got)
		}
		if d.Find("#report-downloads a").Length() != 3 {
			t.Error("three downloads expected")
		}

		// A bad period: the error sits next to the field.
		d = officer.doc("/reports?kind=period&unit="+f.communeA.Code+"&from=2026&to=2020", http.StatusUnprocessableEntity)
		if e := d.Find("#report-to-error").Text(); !strings.Contains(e, "2020") {
			t.Errorf("to-before-from error %q", e)
		}
		d = officer.doc("/reports?kind=annual&year=abc", http.StatusUnprocessableEntity)
		if e := d.Find("#report-year-error").Text(); !strings.Contains(e, "abc") {
			t.Errorf("year error %q", e)
		}
		// Commune B is outside officer A's scope.
		res := officer.get("/reports?kind=annual&year=2026&unit=" + f.communeB.Code)
		body := readAll(t, res)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, f.communeB.Name) {
			t.Errorf("out of scope: %d", res.StatusCode)
		}

		for format, want := range map[string]string{"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pdf": ""} {
			res := officer.get("/reports/download?kind=annual&year=2026&unit=" + f.communeA.Code + "&format=" + format)
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "."+format) {
				t.Fatalf("%s: status %d, disposition %q", format, res.StatusCode, res.Header.Get("Content-Disposition"))
			}
			if format == "pdf" {
				if !bytes.HasPrefix(b, []byte("%PDF")) {
					t.Error("pdf download is not a PDF")
				}
				continue
			}
			zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			found := false
			for _, zf := range zr.File {
				found = found || zf.Name == want
			}
			if !found {
				t.Errorf("%s has no %s", format, want)
			}
		}
		if res := officer.get("/reports/download?kind=annual&year=2026&format=odt"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("unknown format: %d", res.StatusCode)
		}

		// The approved project's decision draft; minutes are refused
		// before the work starts.
		id := ids["K-APPROVED"]
		d = officer.doc("/projects/"+strconv.FormatInt(id, 10), http.StatusOK)
		if href, _ := d.Find("#decision-draft a").Attr("href"); href != "/projects/"+strconv.FormatInt(id, 10)+"/documents/decision?format=docx" {
			t.Errorf("decision draft link %q", href)
		}
		if d.Find("#acceptance-minutes").Length() != 0 {
			t.Error("an approved project offers acceptance minutes")
		}
		if res := officer.get("/projects/" + strconv.FormatInt(id, 10) + "/documents/decision?format=docx"); res.StatusCode != http.StatusOK {
			t.Errorf("decision draft: %d", res.StatusCode)
		}
		if res := officer.get("/projects/" + strconv.FormatInt(id, 10) + "/documents/minutes"); res.StatusCode != http.StatusConflict {
			t.Errorf("minutes of an approved project: %d, want 409", res.StatusCode)
		}
		if res := officer.get("/projects/" + strconv.FormatInt(id, 10) + "/documents/letter"); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown document: %d", res.StatusCode)
		}
	})
}

// TestDashboardWithoutRegistry: a council member, who may not read the
// registry, still gets the dashboard's counts without the indicators;
// asking for a unit's dashboard is refused.
func TestDashboardWithoutRegistry(t *testing.T) {
	f := newProjectScope(t, storetest.OpenSQLite(t))
	member := f.login(t, userCouncil)
	d := member.doc("/", http.StatusOK)
	if d.Find("#count-establishments").Length() != 1 || d.Find("#key-table").Length() != 0 {
		t.Error("a council member should see the counts and no indicator table")
	}
	if res := member.get("/?unit=" + f.communeA.Code); res.StatusCode != http.StatusForbidden {
		t.Errorf("a unit's dashboard for a council member: %d", res.StatusCode)
	}
	// Commune A's officer: the indicators, and the commune's funded
	// project to drill into (the approved one, not the registered one).
	f.scope.SeedPlanProjects(t, 2026)
	officer := f.login(t, userOfficerA)
	d = officer.doc("/", http.StatusOK)
	if d.Find("#key-table tbody tr").Length() == 0 {
		t.Error("a commune officer's dashboard lacks the indicators")
	}
	if got := strings.TrimSpace(d.Find("#drill-projects tbody a").Text()); got != "K-APPROVED" {
		t.Errorf("drill-down projects %q, want K-APPROVED", got)
	}
	// The province officer drills from the province to its communes.
	d = f.login(t, userProvince).doc("/", http.StatusOK)
	if d.Find(`#drill tr[data-code="`+f.communeA.Code+`"] a`).Length() != 1 {
		t.Error("the province dashboard has no row to drill into commune A")
	}
}
