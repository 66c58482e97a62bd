package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"khuyencong/internal/app/apptest"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"

	"github.com/PuerkitoBio/goquery"
)

// mustDoc parses the body of res, failing unless its status is want.
func mustDoc(t *testing.T, res *http.Response, want int) *goquery.Document {
	t.Helper()
	defer res.Body.Close()
	if res.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d", res.Request.Method, res.Request.URL.Path, res.StatusCode, want)
	}
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// planIDFrom reads the plan id from a redirect to /plans/{id}….
func planIDFrom(t *testing.T, res *http.Response) string {
	t.Helper()
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/plans/") {
		t.Fatalf("status %d, Location %q", res.StatusCode, loc)
	}
	id, _, _ := strings.Cut(strings.TrimPrefix(loc, "/plans/"), "?")
	id, _, _ = strings.Cut(id, "/")
	return id
}

func TestPlanPagesAndOptimizer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		if err := f.app.EnsureReference(t.Context()); err != nil {
			t.Fatal(err)
		}
		ids := (&apptest.Scope{App: f.app, CommuneA: f.communeA, CommuneB: f.communeB}).SeedPlanProjects(t, 2027)
		c := f.login(t, userProvince)

		// Create the 2027 plan of the province.
		id := planIDFrom(t, c.post("/plans", url.Values{"year": {"2027"}, "unit": {""}}))
		base := "/plans/" + id
		// A second plan for the same year and unit is refused on the form.
		res := c.post("/plans", url.Values{"year": {"2027"}})
		if body := readAll(t, res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "field-error") {
			t.Fatalf("duplicate plan: status %d", res.StatusCode)
		}

		// An envelope below what is committed (20 m) is refused, naming it.
		res = c.post(base+"/envelopes", url.Values{"source": {"provincial"}, "amount": {"10.000.000"}, "version": {"1"}})
		body := readAll(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "20.000.000") {
			t.Fatalf("envelope below committed: status %d, body has 20.000.000: %v", res.StatusCode, strings.Contains(body, "20.000.000"))
		}
		// 170 m leaves 150 m available.
		res = c.post(base+"/envelopes", url.Values{"source": {"provincial"}, "amount": {"170.000.000"}, "version": {"1"}})
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("envelope: status %d", res.StatusCode)
		}
		d := c.doc(base, http.StatusOK)
		row := d.Find(`#envelope-table tr[data-source="provincial"]`)
		if got := strings.TrimSpace(row.Find(".available").Text()); got != "150.000.000 ₫" {
			t.Errorf("available = %q, want 150.000.000 ₫", got)
		}
		if n := d.Find("#candidate-table tbody tr").Length(); n != 3 {
			t.Errorf("candidates = %d, want 3", n)
		}

		// The optimum takes B1 and B2 (16 jobs); highest score first takes
		// A1 alone (10 jobs).
		opt := url.Values{"w_appraisal": {"0"}, "w_jobs": {"5"}, "w_priority": {"0"}}
		res = c.post(base+"/optimize", opt)
		d = mustDoc(t, res, http.StatusOK)
		if s, _ := d.Find("#optimize-result").Attr("data-status"); s != "optimal" {
			t.Fatalf("status %q", s)
		}
		for sel, want := range map[string]string{"#opt-jobs": "16", "#greedy-jobs": "10", "#opt-score": "80", "#greedy-score": "50", "#opt-picks": "2"} {
			if got := strings.TrimSpace(d.Find(sel).Text()); got != want {
				t.Errorf("%s = %q, want %q", sel, got, want)
			}
		}
		picked := map[string]bool{}
		d.Find("#picks li").Each(func(_ int, li *goquery.Selection) { v, _ := li.Attr("data-id"); picked[v] = true })
		if !picked[strconv.FormatInt(ids["B1"], 10)] || !picked[strconv.FormatInt(ids["B2"], 10)] || len(picked) != 2 {
			t.Errorf("picks = %v, want B1 and B2", picked)
		}
		why := strings.TrimSpace(d.Find(`#rejected tr[data-id="` + strconv.FormatInt(ids["A1"], 10) + `"] td`).Last().Text())
		if why == "" {
			t.Error("no reason for leaving A1 out")
		}
		if d.Find("#marginals li").Length() == 0 || d.Find("#binding li").Length() == 0 {
			t.Error("no marginals or binding constraints shown")
		}
		// Bad weights are refused next to their field.
		res = c.post(base+"/optimize", url.Values{"w_jobs": {"-1"}})
		if d := mustDoc(t, res, http.StatusUnprocessableEntity); d.Find("#w_jobs-error").Length() != 1 {
			t.Error("no error next to the jobs weight")
		}

		// Save two scenarios and compare them.
		save := url.Values{"name": {"Theo việc làm"}}
		for k, v := range opt {
			save[k] = v
		}
		res = c.post(base+"/scenarios", save)
		res.Body.Close()
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "/scenarios/") {
			t.Fatalf("save scenario: status %d, %q", res.StatusCode, loc)
		}
		d = c.doc(strings.Split(loc, "?")[0], http.StatusOK)
		if !strings.Contains(d.Find("#optimize-result h3").Text(), "Theo việc làm") || strings.TrimSpace(d.Find("#opt-jobs").Text()) != "16" {
			t.Errorf("saved scenario page: %q", d.Find("#optimize-result h3").Text())
		}
		// Pin A1 in: the optimum must take it.
		res = c.post(base+"/pins/"+strconv.FormatInt(ids["A1"], 10), url.Values{"pin": {"in"}})
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("pin: status %d", res.StatusCode)
		}
		save.Set("name", "Giữ A1")
		res = c.post(base+"/scenarios", save)
		res.Body.Close()
		d = c.doc(base, http.StatusOK)
		var sids []string
		d.Find("#scenario-table tbody tr").Each(func(_ int, tr *goquery.Selection) { v, _ := tr.Attr("data-id"); sids = append(sids, v) })
		if len(sids) != 2 {
			t.Fatalf("scenarios = %v", sids)
		}
		d = c.doc(base+"/compare?s="+sids[0]+"&s="+sids[1], http.StatusOK)
		a1 := d.Find(`#compare-rows tr[data-id="` + strconv.FormatInt(ids["A1"], 10) + `"] td`)
		if a1.Length() != 3 || a1.Eq(1).Text() == a1.Eq(2).Text() {
			t.Errorf("A1 should differ between the scenarios: %q", a1.Text())
		}

		// Pinning all three in is infeasible: the page says which limits conflict.
		for _, code := range []string{"B1", "B2"} {
			c.post(base+"/pins/"+strconv.FormatInt(ids[code], 10), url.Values{"pin": {"in"}}).Body.Close()
		}
		d = mustDoc(t, c.post(base+"/optimize", opt), http.StatusOK)
		if s, _ := d.Find("#optimize-result").Attr("data-status"); s != "infeasible" || d.Find("#conflicts li").Length() == 0 {
			t.Errorf("infeasible: status %q, %d conflicts", s, d.Find("#conflicts li").Length())
		}

		// A commune officer reads but may not change the plan.
		o := f.login(t, userOfficerA)
		res = o.post(base+"/envelopes", url.Values{"source": {"provincial"}, "amount": {"999.000.000"}, "version": {"1"}})
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
			t.Errorf("commune officer envelope: status %d", res.StatusCode)
		}
	})
}
