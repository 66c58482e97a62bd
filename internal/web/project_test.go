package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"

	"github.com/PuerkitoBio/goquery"
)

// userCouncil is the council member the project tests add.
const userCouncil = "hoidong"

// newProjectScope is the web scope fixture with the reference catalogue
// (schemes, score sheet) and a council member of the province.
func newProjectScope(t *testing.T, st *store.Store) *scopeFixture {
	t.Helper()
	f := newScopeFixture(t, st)
	ctx := app.WithPrincipal(context.Background(), app.System)
	if _, err := st.EnsureReference(ctx, store.DefaultReference()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.CreateUser(ctx, app.NewUser{Username: userCouncil, DisplayName: "Thành viên hội đồng", Role: kc.RoleCouncilMember,
		ScopeUnitIDs: []int64{f.province.ID}, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	return f
}

// projectForm is the posted draft form of a machinery project in commune
// A for establishment A: one cost line of cost đồng, the provincial
// budget paying state and the counterpart the rest.
func projectFormValues(f *scopeFixture, title, item string, cost, state int64) url.Values {
	return url.Values{
		"title": {title}, "content_area": {"CA3"}, "scheme_code": {"MAY_MOC_TIEN_TIEN"}, "level": {"local"},
		"implementing_org": {"Trung tâm Khuyến công"}, "commune_id": {strconv.FormatInt(f.communeA.ID, 10)}, "year": {"2026"},
		"starts_on": {""}, "ends_on": {"2026-12-31"}, "expected_jobs": {"3"},
		"beneficiary": {strconv.FormatInt(f.estA.ID, 10)},
		"cost_item":   {item, ""}, "cost_qty": {"1", ""}, "cost_unit": {strconv.FormatInt(cost, 10), ""},
		"fund_source": {"provincial", "counterpart", "national"}, "fund_planned": {strconv.FormatInt(state, 10), strconv.FormatInt(cost-state, 10), ""},
	}
}

// postDoc posts form to path and returns the status and the parsed page.
func (c *client) postDoc(path string, form url.Values) (int, *goquery.Document, string) {
	c.t.Helper()
	res := c.post(path, form)
	loc := res.Header.Get("Location")
	return res.StatusCode, parse(c.t, res), loc
}

// htmxPost posts form as htmx does and returns the status and fragment.
func (c *client) htmxPost(path string, form url.Values) (int, *goquery.Document) {
	c.t.Helper()
	status, body := c.htmxRaw(path, form)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	return status, doc
}

// htmxRaw posts form as htmx does and returns the status and the body.
func (c *client) htmxRaw(path string, form url.Values) (int, string) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	return res.StatusCode, readAll(c.t, res)
}

// step posts one action's form of project id and expects a redirect to
// its page; it returns the page afterwards.
func (c *client) step(id int64, action string, values url.Values) *goquery.Document {
	c.t.Helper()
	values.Set("action", action)
	status, doc, loc := c.postDoc(fmt.Sprintf("/projects/%d/transitions", id), values)
	if status != http.StatusSeeOther || loc != fmt.Sprintf("/projects/%d", id) {
		c.t.Fatalf("%s: status %d, location %q: %s", action, status, loc, strings.TrimSpace(doc.Find(".field-error, .error").Text()))
	}
	return c.doc(loc, http.StatusOK)
}

func badge(doc *goquery.Document) string {
	s, _ := doc.Find("#state-badge").Attr("data-state")
	return s
}

var projectPathRE = regexp.MustCompile(`^/projects/(\d+)$`)

// TestProjectScreens drives the project screens over HTTP as the roles do:
// the commune officer fills the draft form (adding a line, the live check
// refusing a request above the cap with the numbers, a missing title next
// to its field), saves and registers it; the council member scores it;
// the province officer appraises, approves (a missing decision number is
// shown next to its input with 422), the officer starts it and reports,
// the province accepts, settles and closes. The state badge follows each
// step, the timeline has every step, forbidden actions show their reason,
// the list filters and marks states, the establishment page lists the
// support, and the other commune's officer gets 404.
func TestProjectScreens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectScope(t, st)
		officer := f.login(t, userOfficerA)

		// The list: the deadlines box and the "new project" button.
		doc := officer.doc("/projects", http.StatusOK)
		if doc.Find("#deadlines").Length() != 1 || doc.Find("#new-project").Length() != 1 || doc.Find("#projects-none").Length() != 1 {
			t.Errorf("empty list page: deadlines %d, new %d", doc.Find("#deadlines").Length(), doc.Find("#new-project").Length())
		}
		if doc.Find("#soon").Length() != 0 {
			t.Error("the projects entry still leads to the «soon» page")
		}

		// The empty form has every field, this year and the officer's commune.
		doc = officer.doc("/projects/new", http.StatusOK)
		for _, sel := range []string{"#title", "#content_area", "#scheme_code", "#level", "#implementing_org", "#commune_id", "#year",
			`#starts_on[type="date"]`, `#ends_on[type="date"]`, "#group", `#expected_jobs[type="number"]`, "#ben-q", "#cost-item-1",
			`#cost-qty-1[type="number"]`, `#cost-unit-1[type="number"]`, "#fund-source-1", `#fund-planned-2[type="number"]`, "#add-cost", "#add-fund",
			`#check-funding[hx-post="/projects/check"]`, `#project-form[hx-post="/projects/check"]`, "#save-project", "#fund-check"} {
			if doc.Find(sel).Length() != 1 {
				t.Errorf("new form lacks %s", sel)
			}
		}
		if v, _ := doc.Find(`#commune_id option[selected]`).Attr("value"); v != strconv.FormatInt(f.communeA.ID, 10) {
			t.Errorf("commune preselected %q", v)
		}
		if v, _ := doc.Find("#fund-source-2 option[selected]").Attr("value"); v != kc.SourceCounterpart {
			t.Errorf("second funding row %q", v)
		}

		// "Add a line" shows the form again with one more cost line and
		// the values kept, saving nothing.
		form := projectFormValues(f, "Hỗ trợ máy nấu rượu men lá", "Máy nấu rượu", 400_000_000, 200_000_000)
		form.Set("op", "add_cost")
		status, doc, _ := officer.postDoc("/projects", form)
		if status != http.StatusOK || doc.Find(`input[name="cost_item"]`).Length() != 2 || doc.Find("#cost-item-2").AttrOr("value", "x") != "" ||
			doc.Find("#cost-item-1").AttrOr("value", "") != "Máy nấu rượu" || doc.Find("#cost-total").Text() != "400.000.000 ₫" {
			t.Errorf("add a line: %d, %d cost inputs, total %q", status, doc.Find(`input[name="cost_item"]`).Length(), doc.Find("#cost-total").Text())
		}
		if doc.Find(`#beneficiaries input[name="beneficiary"][checked]`).Length() != 1 || !strings.Contains(doc.Find("#beneficiaries").Text(), f.estA.Name) {
			t.Errorf("the chosen beneficiary is not kept: %q", doc.Find("#beneficiaries").Text())
		}

		// The beneficiary search is the registry's, in scope only.
		search := officer.doc("/projects/beneficiaries?ben_q=tho+cam", http.StatusOK)
		if search.Find(fmt.Sprintf(`#ben-results input[name="beneficiary"][value="%d"]`, f.estA.ID)).Length() != 1 {
			t.Errorf("search «tho cam»: %q", search.Text())
		}
		if search := officer.doc("/projects/beneficiaries?ben_q=ruou+men+la", http.StatusOK); search.Find("#ben-none").Length() != 1 {
			t.Errorf("officer A finds B's establishment: %q", search.Text())
		}

		// The live check (htmx): above the cap the problem states the numbers.
		over := projectFormValues(f, "Dây chuyền", "Dây chuyền chế biến", 800_000_000, 400_000_000)
		status, frag := officer.htmxPost("/projects/check", over)
		if status != http.StatusOK || frag.Find("#fund-check").Length() != 1 || frag.Find("nav.nav").Length() != 0 {
			t.Fatalf("live check: %d %q", status, frag.Text())
		}
		if p := frag.Find("#check-problems").Text(); !strings.Contains(p, "400.000.000 ₫") || !strings.Contains(p, "300.000.000 ₫") || frag.Find("#check-ok").Length() != 0 {
			t.Errorf("over the cap: problems %q", p)
		}
		status, frag = officer.htmxPost("/projects/check", projectFormValues(f, "x", "Máy nấu rượu", 400_000_000, 200_000_000))
		if status != http.StatusOK || frag.Find("#check-ok").Length() != 1 || frag.Find("#check-lines li").Length() == 0 {
			t.Errorf("within the cap: %d %q", status, frag.Text())
		}
		// The fragment also updates the line amounts and the total of the
		// cost table (out of band).
		if _, raw := officer.htmxRaw("/projects/check", projectFormValues(f, "x", "Máy nấu rượu", 400_000_000, 200_000_000)); !strings.Contains(raw, `<span id="cost-amount-1" hx-swap-oob="true">400.000.000 ₫</span>`) ||
			!strings.Contains(raw, `<span id="cost-total-text" hx-swap-oob="true">400.000.000 ₫</span>`) {
			t.Errorf("no out-of-band amounts in %s", raw)
		}
		// Without JavaScript the check button shows the whole form with the panel.
		over.Set("op", "check")
		if status, doc, _ := officer.postDoc("/projects/check", over); status != http.StatusOK || doc.Find("#project-form #check-problems").Length() != 1 {
			t.Errorf("check without htmx: %d", status)
		}

		// Saving without a title: 422, the message next to the field, values kept.
		bad := projectFormValues(f, "", "Máy nấu rượu", 400_000_000, 200_000_000)
		status, doc, _ = officer.postDoc("/projects", bad)
		if status != http.StatusUnprocessableEntity || doc.Find("#title-error").Length() != 1 || doc.Find(`#title[aria-invalid="true"]`).Length() != 1 ||
			doc.Find("#cost-item-1").AttrOr("value", "") != "Máy nấu rượu" {
			t.Errorf("no title: %d, error %q", status, doc.Find("#title-error").Text())
		}
		// Funding that does not add up to the cost: the message under the funding table.
		uneven := projectFormValues(f, "Lệch", "Máy nấu rượu", 400_000_000, 100_000_000)
		uneven.Set("fund_planned", "100000000")
		status, doc, _ = officer.postDoc("/projects", uneven)
		if status != http.StatusUnprocessableEntity || doc.Find("#fund-error").Length() != 1 {
			t.Errorf("uneven funding: %d %q", status, doc.Find(".field-error").Text())
		}

		// Saving a good draft goes to its page.
		status, _, loc := officer.postDoc("/projects", projectFormValues(f, "Hỗ trợ máy nấu rượu men lá", "Máy nấu rượu", 400_000_000, 200_000_000))
		m := projectPathRE.FindStringSubmatch(loc)
		if status != http.StatusSeeOther || m == nil {
			t.Fatalf("create: %d %q", status, loc)
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		doc = officer.doc(loc, http.StatusOK)
		code := strings.TrimSpace(doc.Find("#f-code").Text())
		if badge(doc) != kc.StateDraft || !strings.HasPrefix(code, "DA-2026-") || doc.Find(".flash").Length() != 1 || doc.Find("#edit-project").Length() != 1 ||
			doc.Find("#cost-total").Text() != "400.000.000 ₫" || doc.Find(fmt.Sprintf(`#beneficiary-list a[href="/establishments/%d"]`, f.estA.ID)).Length() != 1 ||
			doc.Find(`#funding-table tr[data-source="provincial"]`).Length() != 1 || doc.Find("#check-ok").Length() != 1 {
			t.Errorf("draft page: badge %q, code %q", badge(doc), code)
		}
		if doc.Find("#act-register").Length() != 1 || doc.Find("#act-appraise").Length() != 0 {
			t.Errorf("draft actions: register %d", doc.Find("#act-register").Length())
		}
		// The edit form is filled with the draft.
		edit := officer.doc(fmt.Sprintf("/projects/%d/edit", id), http.StatusOK)
		if edit.Find("#title").AttrOr("value", "") != "Hỗ trợ máy nấu rượu men lá" || edit.Find(`#scheme_code option[selected]`).AttrOr("value", "") != "MAY_MOC_TIEN_TIEN" ||
			edit.Find(`input[name="version"]`).Length() != 1 {
			t.Errorf("edit form: title %q", edit.Find("#title").AttrOr("value", ""))
		}

		// Register; the officer then sees appraisal as not theirs, with the reason.
		doc = officer.step(id, "register", url.Values{"version": {edit.Find(`input[name="version"]`).AttrOr("value", "")}})
		if badge(doc) != kc.StateRegistered {
			t.Fatalf("after register: %q", badge(doc))
		}
		if reason := strings.TrimSpace(doc.Find("#off-appraise .proj-off-reason").Text()); reason == "" {
			t.Errorf("the forbidden appraisal shows no reason: %q", doc.Find("#actions-off").Text())
		}
		if officer.get(fmt.Sprintf("/projects/%d/edit", id)).StatusCode != http.StatusConflict {
			t.Error("a registered project's edit form is not refused")
		}
		// Posting a step the role may not take anyway: 403, the reason on
		// the page, nothing changed.
		status, doc, _ = officer.postDoc(fmt.Sprintf("/projects/%d/transitions", id), url.Values{"action": {"appraise"}})
		if status != http.StatusForbidden || !strings.Contains(doc.Find("#action-error").Text(), "không được") || badge(doc) != kc.StateRegistered {
			t.Errorf("officer appraises: %d, %q", status, doc.Find("#action-error").Text())
		}
		// Out of order: closing a registered project, 409 with the state.
		province := f.login(t, userProvince)
		status, doc, _ = province.postDoc(fmt.Sprintf("/projects/%d/transitions", id), url.Values{"action": {"close"}})
		if status != http.StatusConflict || !strings.Contains(doc.Find("#action-error").Text(), "Đã đăng ký") || len(doc.Find("#timeline li").Nodes) != 2 {
			t.Errorf("close a registered project: %d, %q", status, doc.Find("#action-error").Text())
		}
		// A role that may not score is told so.
		if status, doc, _ := province.postDoc(fmt.Sprintf("/projects/%d/scores", id), url.Values{"comment": {"x"}}); status != http.StatusForbidden ||
			doc.Find("#score-error").Length() != 1 {
			t.Errorf("province scores: %d", status)
		}

		// Other commune: 404 on the page and the actions.
		other := f.login(t, userOfficerB)
		other.doc(fmt.Sprintf("/projects/%d", id), http.StatusNotFound)
		if status, _, _ := other.postDoc(fmt.Sprintf("/projects/%d/transitions", id), url.Values{"action": {"withdraw"}, "reason": {"x"}}); status != http.StatusNotFound {
			t.Errorf("officer B withdraws A's project: %d", status)
		}

		// The council member scores it.
		council := f.login(t, userCouncil)
		doc = council.doc(fmt.Sprintf("/projects/%d", id), http.StatusOK)
		scores := url.Values{"comment": {"Khả thi"}}
		doc.Find(`#score-form input[type="number"]`).Each(func(_ int, s *goquery.Selection) {
			max, _ := s.Attr("max")
			scores.Set(s.AttrOr("name", ""), max)
		})
		if len(scores) < 2 {
			t.Fatalf("no score form for the council member")
		}
		over99 := url.Values{}
		for k, v := range scores {
			over99[k] = v
		}
		for k := range over99 {
			if strings.HasPrefix(k, "score.") {
				over99.Set(k, "999")
				break
			}
		}
		if status, doc, _ := council.postDoc(fmt.Sprintf("/projects/%d/scores", id), over99); status != http.StatusUnprocessableEntity ||
			doc.Find("#score-form .has-error .field-error").Length() == 0 {
			t.Errorf("a score above the maximum: %d", status)
		}
		if status, _, loc := council.postDoc(fmt.Sprintf("/projects/%d/scores", id), scores); status != http.StatusSeeOther || !strings.HasSuffix(loc, "#appraisal") {
			t.Fatalf("scores: %d %q", status, loc)
		}

		// The province officer appraises and approves.
		doc = province.step(id, "appraise", url.Values{})
		if badge(doc) != kc.StateAppraised || doc.Find("#score-table tbody tr").Length() != 1 {
			t.Fatalf("after appraise: %q, %d score rows", badge(doc), doc.Find("#score-table tbody tr").Length())
		}
		if v := doc.Find("#act-approve-approved-provincial").AttrOr("value", ""); v != "200000000" {
			t.Errorf("approved amount offered %q, want the planned 200000000", v)
		}
		status, doc, _ = province.postDoc(fmt.Sprintf("/projects/%d/transitions", id), url.Values{"action": {"approve"}, "on": {"2026-11-25"},
			"approved.provincial": {"200000000"}, "approved.counterpart": {"200000000"}})
		if status != http.StatusUnprocessableEntity || doc.Find("#act-approve-decision_no-error").Length() != 1 || badge(doc) != kc.StateAppraised {
			t.Errorf("approve without a decision number: %d, %q", status, doc.Find("#act-approve .field-error").Text())
		}
		doc = province.step(id, "approve", url.Values{"decision_no": {"123/QĐ-UBND"}, "on": {"2026-11-25"},
			"approved.provincial": {"200.000.000"}, "approved.counterpart": {"200000000"}})
		if badge(doc) != kc.StateApproved || !strings.Contains(doc.Find("#f-decision").Text(), "123/QĐ-UBND") {
			t.Fatalf("after approve: %q", badge(doc))
		}

		// The officer starts it with an advance and reports progress.
		doc = officer.doc(fmt.Sprintf("/projects/%d", id), http.StatusOK)
		if doc.Find("#act-start-advances-provincial").Length() != 1 || doc.Find("#act-start-advances-counterpart").Length() != 0 {
			t.Errorf("start form: advances per state source only")
		}
		status, doc, _ = officer.postDoc(fmt.Sprintf("/projects/%d/transitions", id), url.Values{"action": {"start"}, "advances.provincial": {"190000000"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(doc.Find("#act-start-advances-provincial-error").Text(), "140.000.000") {
			t.Errorf("advance above 70 %%: %d %q", status, doc.Find("#act-start .field-error").Text())
		}
		doc = officer.step(id, "start", url.Values{"document_ref": {"HĐ 05/2026"}, "advances.provincial": {"140000000"}})
		if badge(doc) != kc.StateInProgress || doc.Find("#report-form").Length() != 1 {
			t.Fatalf("after start: %q", badge(doc))
		}
		if status, _, loc := officer.postDoc(fmt.Sprintf("/projects/%d/reports", id), url.Values{"period": {"2026-11"}, "submitted_on": {"2026-11-25"},
			"progress_pct": {"60"}, "spent": {"150.000.000"}, "note": {"Đã lắp máy"}}); status != http.StatusSeeOther || !strings.HasSuffix(loc, "#reports") {
			t.Errorf("report: %d %q", status, loc)
		}
		if status, doc, _ := officer.postDoc(fmt.Sprintf("/projects/%d/reports", id), url.Values{"period": {"11/2026"}}); status != http.StatusUnprocessableEntity ||
			doc.Find("#report-form .has-error").Length() == 0 {
			t.Errorf("a bad period: %d", status)
		}

		// The province accepts, settles and closes.
		doc = province.step(id, "accept", url.Values{"document_ref": {"BB-NT 09/2026"}, "outputs.machines": {"1"}, "outputs.jobs": {"4"}})
		if badge(doc) != kc.StateAccepted || doc.Find("#output-list dt").Length() != 2 {
			t.Fatalf("after accept: %q", badge(doc))
		}
		doc = province.step(id, "settle", url.Values{"settled.provincial": {"190000000"}, "settled.counterpart": {"200000000"}})
		if badge(doc) != kc.StateSettled || doc.Find("#recon-table").Length() != 1 || !strings.Contains(doc.Find("#recon-table").Text(), "50.000.000 ₫") {
			t.Fatalf("after settle: %q, reconciliation %q", badge(doc), doc.Find("#recon-table").Text())
		}
		doc = province.step(id, "close", url.Values{"document_ref": {"BB-TL 02/2026"}})
		if badge(doc) != kc.StateClosed {
			t.Fatalf("after close: %q", badge(doc))
		}
		var steps []string
		doc.Find("#timeline li").Each(func(_ int, s *goquery.Selection) { steps = append(steps, s.AttrOr("data-to", "")) })
		want := "draft,registered,appraised,approved,in_progress,accepted,settled,closed"
		if strings.Join(steps, ",") != want {
			t.Errorf("timeline %v, want %s", steps, want)
		}
		if !strings.Contains(doc.Find("#timeline").Text(), "BB-NT 09/2026") || !strings.Contains(doc.Find("#timeline").Text(), "Cán bộ tỉnh") {
			t.Errorf("timeline lacks the minutes number or the actor: %q", doc.Find("#timeline").Text())
		}

		// The list shows it with its badge; the filters narrow it.
		doc = province.doc("/projects?state=closed&year=2026", http.StatusOK)
		if doc.Find(fmt.Sprintf(`#projects tr[data-id="%d"][data-state="closed"] .badge`, id)).Length() == 0 || doc.Find("#proj-count").Text() != "1 đề án" {
			t.Errorf("list closed 2026: %q", doc.Find("#results").Text())
		}
		if doc := province.doc("/projects?state=draft", http.StatusOK); doc.Find("#projects tr[data-id]").Length() != 0 {
			t.Error("the state filter lets a closed project through")
		}
		if doc := province.doc("/projects?year=abc", http.StatusUnprocessableEntity); doc.Find("#f-year-error").Length() != 1 {
			t.Error("a bad year shows no error")
		}

		// The establishment page lists the support with a link.
		doc = officer.doc(fmt.Sprintf("/establishments/%d", f.estA.ID), http.StatusOK)
		if doc.Find(fmt.Sprintf(`#support-table a[href="/projects/%d"]`, id)).Text() != code || doc.Find("#support-none").Length() != 0 ||
			!strings.Contains(doc.Find("#support-table").Text(), "123/QĐ-UBND") {
			t.Errorf("support section: %q", doc.Find("#support").Text())
		}
		if doc := officer.doc(fmt.Sprintf("/establishments/%d", f.estB.ID), http.StatusNotFound); doc == nil {
			t.Error("unreachable")
		}
		if doc := province.doc(fmt.Sprintf("/establishments/%d", f.estB.ID), http.StatusOK); doc.Find("#support-none").Length() != 1 {
			t.Error("an establishment without support lost the empty text")
		}
	})
}

// TestProjectDraftDelete checks that a draft can be deleted from its page
// and that a viewer cannot open the form.
func TestProjectDraftDelete(t *testing.T) {
	f := newProjectScope(t, storetest.OpenSQLite(t))
	officer := f.login(t, userOfficerA)
	_, _, loc := officer.postDoc("/projects", projectFormValues(f, "Nháp để xoá", "Máy xay", 100_000_000, 50_000_000))
	if projectPathRE.FindStringSubmatch(loc) == nil {
		t.Fatalf("create: %q", loc)
	}
	doc := officer.doc(loc, http.StatusOK)
	if doc.Find(`form[action="`+loc+`/delete"][data-confirm]`).Length() != 1 {
		t.Error("no delete form with a confirmation")
	}
	res := officer.post(loc+"/delete", url.Values{})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/projects" {
		t.Errorf("delete: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if doc := officer.doc("/projects", http.StatusOK); !strings.Contains(doc.Find(".flash").Text(), "DA-2026-") {
		t.Errorf("no notice after the deletion: %q", doc.Find(".flash").Text())
	}
	officer.doc(loc, http.StatusNotFound)
	viewer := f.login(t, userViewer)
	viewer.doc("/projects/new", http.StatusForbidden)
	if doc := viewer.doc("/projects", http.StatusOK); doc.Find("#new-project").Length() != 0 {
		t.Error("a viewer is offered «Tạo đề án»")
	}
}

// TestProjectPagesRender renders the project pages with full data in both
// languages: every catalog key they name exists, nothing would be blocked
// by the CSP, and the allowed and forbidden actions are where they belong.
func TestProjectPagesRender(t *testing.T) {
	s := newBareServer(t)
	on := kc.MustDate("2026-11-20")
	view := app.ProjectView{
		Project: kc.Project{ID: 7, Code: "DA-2026-0001", Title: "Máy nấu rượu", Year: 2026, Level: "local", ContentArea: "CA3", CommuneID: 11,
			State: kc.StateApproved, RegisteredOn: on, DecidedOn: on, DecisionNo: "1/QĐ", StartsOn: on, EndsOn: kc.MustDate("2026-12-31"),
			CostLines:     []kc.CostLine{{Item: "Máy nấu rượu", Quantity: 1, UnitCost: 400_000_000, Amount: 400_000_000}},
			Funding:       []kc.Funding{{Source: kc.SourceProvincial, Planned: 200_000_000, Approved: 200_000_000}, {Source: kc.SourceCounterpart, Planned: 200_000_000, Approved: 200_000_000}},
			Beneficiaries: []int64{3}, Outputs: []kc.Output{{Kind: "machines", Value: 1}},
			Events: []kc.ProjectEvent{{To: kc.StateDraft, ActorID: 7}, {From: kc.StateDraft, To: kc.StateRegistered, ActorID: 9, DocumentRef: "CV 1"}}},
		Version: 3, SchemeName: "Máy móc", CommuneName: "Xã Đakrông", BeneficiaryNames: map[int64]string{3: "Cơ sở A"},
		Check: app.FundingCheck{Scheme: "MAY_MOC_TIEN_TIEN", SchemeVersion: 3, Confirmed: true, Lines: []app.CheckLine{{Key: "webprojects.check.ok"}},
			Problems: []*kc.Error{kc.Errorf(kc.EInvalid, "webprojects.check.ok")}, Warnings: []app.CheckLine{{Key: "webprojects.check.ok"}}},
		Appraisal: app.AppraisalSummary{Items: []app.ScoreItem{{Code: "fit", Label: "Phù hợp", MaxScore: 20}},
			Members: []app.MemberScore{{MemberID: 2, Name: "Hội đồng", Scores: map[string]int{"fit": 18}, Total: 18}}, Average: 18, Count: 1},
		Actions:        []app.ActionOption{{Action: "start", Allowed: true}, {Action: "adjust", Allowed: true}, {Action: "cancel", Allowed: false, Reason: kc.Errorf(kc.EForbidden, "error.forbidden")}},
		Reports:        []app.ProgressReport{{Period: "2026-11", SubmittedOn: on, ProgressPct: 40, Spent: 10}},
		Deadlines:      []app.Deadline{{ProjectID: 7, Code: "DA-2026-0001", Kind: "follow_up_12", Due: on, Overdue: true, DaysLeft: -5}},
		Reconciliation: []app.SourceReconciliation{{Source: kc.SourceProvincial, Approved: 1, Advanced: 2, Settled: 1, ToRefund: 1}},
	}
	r, _ := http.NewRequest(http.MethodGet, "/projects/7", nil)
	r = r.WithContext(app.WithPrincipal(r.Context(), fixturePrincipal))
	for _, lang := range locale.Languages {
		pv := s.projectPage(r, lang, view, projectForms{Action: "start", ActionValues: url.Values{"advances.provincial": {"x"}},
			Errors: map[string]string{"t.start.advances.provincial": "sai", "t.start.funding": "khác"}})
		pages := map[string]Page{
			"project": {Data: pv},
			"projects": {Data: projectListView{Query: "máy", Total: 1, Rows: []projectRowView{{ID: 7, Code: "DA-2026-0001", Title: "Máy", State: "approved",
				StateLabel: "Đã phê duyệt", StateClass: "badge-info", Overdue: true}}, Deadlines: []deadlineView{newDeadlineView(lang, view.Deadlines[0])}}},
			"project_edit": {Data: projectForm{ID: 7, Code: "DA-2026-0001", Costs: []costInput{{N: 1, Item: "Máy", RowError: "dòng"}}, Funds: []fundInput{{N: 1, Source: "provincial"}},
				Beneficiaries: []benChoice{{ID: 3, Name: "Cơ sở A", Checked: true}}, BenResults: []benChoice{{ID: 4, Name: "Cơ sở B"}}, BenQuery: "co so", BenSearch: true,
				Check: newCheckView(lang, view.Check)}, Errors: map[string]string{"title": "thiếu", "cost": "bảng"}},
		}
		for name, p := range pages {
			p.Lang, p.Principal, p.Path, p.Scope = lang, fixturePrincipal, "/projects", "Xã Đakrông"
			doc := renderPage(t, s, name, "layout", p)
			text := doc.Find("main").Text()
			for _, m := range regexp.MustCompile(`\b(webprojects|projects|record|dash)\.[a-z_.]+[a-z]\b`).FindAllString(text, -1) {
				t.Errorf("%s/%s: untranslated key %s", name, lang, m)
			}
			if doc.Find("[style], style").Length() > 0 {
				t.Errorf("%s: inline style", name)
			}
			ids := map[string]bool{}
			doc.Find("[id]").Each(func(_ int, s *goquery.Selection) {
				id := s.AttrOr("id", "")
				if ids[id] {
					t.Errorf("%s: duplicate id %s", name, id)
				}
				ids[id] = true
			})
			if name == "project" {
				if doc.Find("#act-start #act-start-advances-provincial-error").Text() != "sai" || !strings.Contains(doc.Find("#act-start-error").Text(), "khác") {
					t.Errorf("start form errors: %q", doc.Find("#act-start").Text())
				}
				if doc.Find("#act-cancel").Length() != 0 || doc.Find("#off-cancel .proj-off-reason").Text() == "" {
					t.Error("the forbidden cancel is offered or has no reason")
				}
				if doc.Find("#followup-12").Length() != 1 {
					t.Error("no follow-up form for the 12-month deadline")
				}
			}
		}
	}
}
