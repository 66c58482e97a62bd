package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// userCouncil is the council member the project tests add to the scope
// fixture.
const userCouncil = "hoidong"

// newProjectFixture is the scope fixture with the reference catalogue
// (schemes, score sheet) and a council member of the province with a
// token.
func newProjectFixture(t *testing.T, st *store.Store) *scopeFixture {
	t.Helper()
	f := newScopeFixture(t, st)
	if _, err := st.EnsureReference(context.Background(), store.DefaultReference()); err != nil {
		t.Fatal(err)
	}
	addCouncil(t, f)
	return f
}

// addCouncil adds the council member userCouncil of the fixture's
// province, with a token.
func addCouncil(t *testing.T, f *scopeFixture) {
	t.Helper()
	ctx := context.Background()
	a := app.New(f.st, nil)
	a.Now = f.st.Now
	province, err := f.st.FindUnit(ctx, "98", kc.MustDate("2026-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	u, err := a.CreateUser(app.WithPrincipal(ctx, app.System), app.NewUser{Username: userCouncil, DisplayName: "Thành viên hội đồng",
		Role: kc.RoleCouncilMember, ScopeUnitIDs: []int64{province.ID}, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.ResolvePrincipal(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if _, f.tokens[userCouncil], err = a.CreateAPIToken(app.WithPrincipal(ctx, p), "hội đồng"); err != nil {
		t.Fatal(err)
	}
}

// projectBody is a draft of a machinery project (scheme MAY_MOC_TIEN_TIEN:
// 50 % of the cost, at most 300.000.000 đ, counterpart at least 50 %) for
// the establishment in commune A, with one cost line of cost đồng funded
// by the provincial budget (state) and the counterpart.
func projectBody(f *scopeFixture, title, item string, year int, cost, state int64) string {
	return fmt.Sprintf(`{"title":%q,"content_area":"CA3","scheme_code":"MAY_MOC_TIEN_TIEN","level":"local","implementing_org":"Trung tâm Khuyến công",
"commune_id":%d,"year":%d,"beneficiaries":[%d],"cost_lines":[{"item":%q,"quantity":1,"unit_cost":%d}],
"funding":[{"source":"provincial","planned":%d},{"source":"counterpart","planned":%d}],"expected_jobs":3}`,
		title, f.communeA.ID, year, f.estA.ID, item, cost, state, cost-state)
}

// createProject creates a draft through the API as user and returns it.
func createProject(t *testing.T, f *scopeFixture, user, body string) Project {
	t.Helper()
	status, b := f.call(t, user, "POST", "/api/v1/projects", body)
	if status != http.StatusCreated {
		t.Fatalf("create project: %d %s", status, b)
	}
	return decodeAs[Project](t, b)
}

// transition posts one lifecycle step and returns the status and body.
func transition(t *testing.T, f *scopeFixture, user string, id int64, body string) (int, []byte) {
	t.Helper()
	return f.call(t, user, "POST", fmt.Sprintf("/api/v1/projects/%d/transitions", id), body)
}

// projectState reads a project as the province officer.
func projectState(t *testing.T, f *scopeFixture, id int64) Project {
	t.Helper()
	status, b := f.call(t, userProvince, "GET", fmt.Sprintf("/api/v1/projects/%d", id), "")
	if status != http.StatusOK {
		t.Fatalf("get project %d: %d %s", id, status, b)
	}
	return decodeAs[Project](t, b)
}

// scoreAll submits the council member's scores: every item at its
// maximum less one.
func scoreAll(t *testing.T, f *scopeFixture, id int64) Appraisal {
	t.Helper()
	path := fmt.Sprintf("/api/v1/projects/%d/scores", id)
	status, b := f.call(t, userCouncil, "GET", path, "")
	if status != http.StatusOK {
		t.Fatalf("score sheet: %d %s", status, b)
	}
	sheet := decodeAs[Appraisal](t, b)
	if len(sheet.Items) == 0 {
		t.Fatalf("empty score sheet: %s", b)
	}
	scores := map[string]int{}
	for _, it := range sheet.Items {
		scores[it.Code] = it.MaxScore - 1
	}
	in, _ := json.Marshal(ScoresInput{Scores: scores, Comment: "Đề án khả thi"})
	status, b = f.call(t, userCouncil, "POST", path, string(in))
	if status != http.StatusOK {
		t.Fatalf("submit scores: %d %s", status, b)
	}
	return decodeAs[Appraisal](t, b)
}

// TestProjectLifecycleAPI walks a project through every state over the
// API: a commune officer drafts and registers it, the council member
// scores it, the province officer appraises, approves (with a decision
// number and the approved amounts), the commune officer starts it with
// an advance and files a progress report, the province officer accepts
// (minutes number, outputs), settles (actual spend) and closes it. Each
// step shows in the state, the timeline ends with 8 events, the amounts
// and the reconciliation are right, and a step out of order is refused
// with the reason and changes nothing.
func TestProjectLifecycleAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		p := createProject(t, f, userOfficerA, projectBody(f, "Hỗ trợ máy nấu rượu men lá", "Máy nấu rượu", 2026, 400_000_000, 200_000_000))
		if p.State != kc.StateDraft || !strings.HasPrefix(p.Code, "DA-2026-") || p.TotalCost != 400_000_000 || p.StateSupport != 200_000_000 ||
			p.Counterpart != 200_000_000 || len(p.Beneficiaries) != 1 || p.Beneficiaries[0].Name != f.estA.Name {
			t.Fatalf("draft %+v", p)
		}
		if !p.Check.OK || len(p.Check.Lines) == 0 || p.Check.Scheme == "" {
			t.Errorf("draft check %+v", p.Check)
		}
		id := p.ID
		events := func() int { return len(projectState(t, f, id).Events) }

		// PATCH changes a draft and bumps its version; a stale version is 409.
		status, b := f.call(t, userOfficerA, "PATCH", fmt.Sprintf("/api/v1/projects/%d", id), fmt.Sprintf(`{"version":%d,"expected_jobs":5}`, p.Version))
		if status != http.StatusOK || decodeAs[Project](t, b).ExpectedJobs != 5 {
			t.Fatalf("patch: %d %s", status, b)
		}
		if status, b := f.call(t, userOfficerA, "PATCH", fmt.Sprintf("/api/v1/projects/%d", id), fmt.Sprintf(`{"version":%d,"expected_jobs":6}`, p.Version)); status != http.StatusConflict {
			t.Errorf("stale patch: %d %s", status, b)
		}

		steps := []struct {
			name, user, body string
			state            string
		}{
			{"register", userOfficerA, `{"action":"register"}`, kc.StateRegistered},
			{"appraise", userProvince, `{"action":"appraise","note":"Hội đồng họp ngày 25/11"}`, kc.StateAppraised},
			{"approve", userProvince, `{"action":"approve","decision_no":"123/QĐ-UBND","on":"2026-11-25","approved":{"provincial":180000000,"counterpart":220000000}}`, kc.StateApproved},
			{"start", userOfficerA, `{"action":"start","document_ref":"HĐ 05/2026","advances":{"provincial":126000000}}`, kc.StateInProgress},
			{"accept", userProvince, `{"action":"accept","document_ref":"BB-NT 09/2026","outputs":[{"kind":"machines","value":1},{"kind":"jobs","value":4}]}`, kc.StateAccepted},
			{"settle", userProvince, `{"action":"settle","settled":{"provincial":170000000,"counterpart":220000000}}`, kc.StateSettled},
			{"close", userProvince, `{"action":"close","document_ref":"BB-TL 02/2026"}`, kc.StateClosed},
		}
		for i, s := range steps {
			switch s.name {
			case "appraise":
				// Out of order: approving a registered project is
				// refused with its state and changes nothing.
				before := events()
				status, b := transition(t, f, userProvince, id, `{"action":"approve","decision_no":"1/QĐ"}`)
				var eb ErrorBody
				json.Unmarshal(b, &eb)
				if status != http.StatusConflict || eb.Error.Code != kc.EConflict || !strings.Contains(eb.Error.Message, "Đã đăng ký") {
					t.Errorf("approve before appraisal: %d %s", status, b)
				}
				if got := projectState(t, f, id); got.State != kc.StateRegistered || len(got.Events) != before {
					t.Errorf("after the refused step: state %s, %d events (was %d)", got.State, len(got.Events), before)
				}
				// The council member scores first; then the average shows.
				sum := scoreAll(t, f, id)
				if sum.Count != 1 || sum.Mine == nil || sum.Average <= 0 {
					t.Errorf("scores %+v", sum)
				}
			case "start":
				// A commune officer may not approve or close: 403 with the role.
				status, b := transition(t, f, userOfficerA, id, `{"action":"close"}`)
				if status != http.StatusForbidden || !strings.Contains(string(b), `"forbidden"`) {
					t.Errorf("officer closes: %d %s", status, b)
				}
				// An advance above 70 % of the approved amount is refused.
				status, b = transition(t, f, userOfficerA, id, `{"action":"start","advances":{"provincial":170000000}}`)
				if status != http.StatusUnprocessableEntity || !strings.Contains(string(b), "126.000.000") {
					t.Errorf("advance over the ratio: %d %s", status, b)
				}
			case "accept":
				status, b := f.call(t, userOfficerA, "POST", fmt.Sprintf("/api/v1/projects/%d/reports", id), `{"period":"2026-11","submitted_on":"2026-11-25","progress_pct":60,"spent":150000000,"note":"Đã lắp máy"}`)
				if status != http.StatusCreated || len(decodeAs[Project](t, b).Reports) != 1 {
					t.Errorf("progress report: %d %s", status, b)
				}
			}
			status, b := transition(t, f, s.user, id, s.body)
			if status != http.StatusOK {
				t.Fatalf("step %d %s: %d %s", i, s.name, status, b)
			}
			got := decodeAs[Project](t, b)
			if got.State != s.state {
				t.Fatalf("after %s: state %s, want %s", s.name, got.State, s.state)
			}
		}
		final := projectState(t, f, id)
		if len(final.Events) < 8 {
			t.Errorf("%d events, want 8 or more: %+v", len(final.Events), final.Events)
		}
		var to []string
		for _, e := range final.Events {
			to = append(to, e.To)
		}
		want := []string{kc.StateDraft, kc.StateRegistered, kc.StateAppraised, kc.StateApproved, kc.StateInProgress, kc.StateAccepted, kc.StateSettled, kc.StateClosed}
		if strings.Join(to, ",") != strings.Join(want, ",") {
			t.Errorf("timeline %v, want %v", to, want)
		}
		if final.DecisionNo != "123/QĐ-UBND" || final.DecidedOn == nil || final.AcceptedOn == nil || final.SettledOn == nil || final.ClosedOn == nil {
			t.Errorf("dates and decision: %+v", final)
		}
		funding := map[string]ProjectFunding{}
		for _, fu := range final.Funding {
			funding[fu.Source] = fu
		}
		if pr := funding[kc.SourceProvincial]; pr.Planned != 200_000_000 || pr.Approved != 180_000_000 || pr.Advanced != 126_000_000 || pr.Settled != 170_000_000 {
			t.Errorf("provincial funding %+v", pr)
		}
		var recon *Reconciliation
		for i := range final.Reconciliation {
			if final.Reconciliation[i].Source == kc.SourceProvincial {
				recon = &final.Reconciliation[i]
			}
		}
		if recon == nil || recon.ToPay != 44_000_000 || recon.ToRefund != 0 {
			t.Errorf("reconciliation %+v", final.Reconciliation)
		}
		if len(final.Outputs) != 2 {
			t.Errorf("outputs %+v", final.Outputs)
		}
		// A closed project offers no allowed action; deleting it is refused.
		for _, a := range final.Actions {
			if a.Allowed {
				t.Errorf("closed project allows %s", a.Action)
			}
		}
		if status, b := f.call(t, userOfficerA, "DELETE", fmt.Sprintf("/api/v1/projects/%d", id), ""); status != http.StatusConflict {
			t.Errorf("delete a closed project: %d %s", status, b)
		}
		// The establishment's support history lists it.
		status, b = f.call(t, userOfficerA, "GET", fmt.Sprintf("/api/v1/establishments/%d/support", f.estA.ID), "")
		hist := decodeAs[SupportList](t, b)
		if status != http.StatusOK || len(hist.Items) != 1 || hist.Items[0].Code != p.Code || hist.Items[0].DecisionNo != "123/QĐ-UBND" {
			t.Errorf("support history: %d %s", status, b)
		}
		// The list filters by state and year.
		status, b = f.call(t, userProvince, "GET", "/api/v1/projects?state=closed&year=2026", "")
		list := decodeAs[ProjectList](t, b)
		if status != http.StatusOK || list.Total != 1 || len(list.Items) != 1 || list.Items[0].ID != id {
			t.Errorf("list closed 2026: %d %s", status, b)
		}
		if status, b := f.call(t, userProvince, "GET", "/api/v1/projects?state=draft", ""); status != http.StatusOK || decodeAs[ProjectList](t, b).Total != 0 {
			t.Errorf("list drafts: %d %s", status, b)
		}
		if status, _ := f.call(t, userProvince, "GET", "/api/v1/projects?per_page=0", ""); status != http.StatusBadRequest {
			t.Errorf("per_page=0: %d", status)
		}
	})
}

// TestProjectFundingRefusalsAPI checks the funding rules over the API: a
// state request above the cap is refused at registration with the numbers
// in the message (422) and the live check says the same; a second project
// for the same establishment and cost item in the same year is refused as
// double state funding naming the first project's code, and a different
// item is accepted.
func TestProjectFundingRefusalsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		over := projectBody(f, "Dây chuyền chế biến", "Dây chuyền chế biến nông sản", 2026, 800_000_000, 400_000_000)
		status, b := f.call(t, userOfficerA, "POST", "/api/v1/projects/check", over)
		c := decodeAs[FundingCheck](t, b)
		if status != http.StatusOK || c.OK || len(c.Problems) == 0 || !strings.Contains(c.Problems[0].Message, "400.000.000") ||
			!strings.Contains(c.Problems[0].Message, "300.000.000") {
			t.Fatalf("check over the cap: %d %s", status, b)
		}
		p := createProject(t, f, userOfficerA, over)
		status, b = transition(t, f, userOfficerA, p.ID, `{"action":"register"}`)
		var eb ErrorBody
		json.Unmarshal(b, &eb)
		if status != http.StatusUnprocessableEntity || eb.Error.Code != kc.EInvalid ||
			!strings.Contains(eb.Error.Message, "400.000.000 ₫") || !strings.Contains(eb.Error.Message, "300.000.000 ₫") || !strings.Contains(eb.Error.Message, "800.000.000 ₫") {
			t.Errorf("register over the cap: %d %s", status, b)
		}
		if got := projectState(t, f, p.ID); got.State != kc.StateDraft || len(got.Events) != 1 {
			t.Errorf("refused registration changed the project: %s, %d events", got.State, len(got.Events))
		}

		first := createProject(t, f, userOfficerA, projectBody(f, "Máy nấu rượu lần 1", "Máy nấu rượu", 2026, 400_000_000, 200_000_000))
		if status, b := transition(t, f, userOfficerA, first.ID, `{"action":"register"}`); status != http.StatusOK {
			t.Fatalf("register the first: %d %s", status, b)
		}
		second := createProject(t, f, userOfficerA, projectBody(f, "Máy nấu rượu lần 2", "máy nấu  rượu", 2026, 300_000_000, 150_000_000))
		status, b = transition(t, f, userOfficerA, second.ID, `{"action":"register"}`)
		eb = ErrorBody{}
		json.Unmarshal(b, &eb)
		msg := eb.Error.Message
		for _, m := range eb.Error.Fields {
			msg += " " + m
		}
		if status != http.StatusUnprocessableEntity || !strings.Contains(msg, first.Code) || !strings.Contains(msg, "Máy nấu rượu lần 1") {
			t.Errorf("double funding: %d %s, want the code %s", status, b, first.Code)
		}
		status, b = f.call(t, userOfficerA, "GET", fmt.Sprintf("/api/v1/projects/%d", second.ID), "")
		if c := decodeAs[Project](t, b).Check; status != http.StatusOK || c.OK || !strings.Contains(c.Problems[0].Message, first.Code) {
			t.Errorf("the second project's check: %+v", c)
		}
		other := createProject(t, f, userOfficerA, projectBody(f, "Máy đóng chai", "Máy đóng chai", 2026, 300_000_000, 150_000_000))
		if status, b := transition(t, f, userOfficerA, other.ID, `{"action":"register"}`); status != http.StatusOK {
			t.Errorf("another item: %d %s", status, b)
		}
	})
}

// TestProjectScopeAPI checks that a project is invisible outside the
// caller's scope (404 for every route, before any body is read) and that
// roles are enforced (a viewer may not draft, a commune officer may not
// score).
func TestProjectScopeAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		p := createProject(t, f, userOfficerA, projectBody(f, "Máy dệt thổ cẩm", "Máy dệt", 2026, 200_000_000, 100_000_000))
		path := fmt.Sprintf("/api/v1/projects/%d", p.ID)
		runSteps(t, f, []apiStep{
			{name: "officer B reads A's project", user: userOfficerB, method: "GET", path: path, status: 404, code: "not_found"},
			{name: "officer B patches it", user: userOfficerB, method: "PATCH", path: path, body: `{"title":"Sửa"}`, status: 404, code: "not_found"},
			{name: "officer B with bad JSON", user: userOfficerB, method: "PATCH", path: path, body: `{"title":`, status: 404, code: "not_found"},
			{name: "officer B registers it", user: userOfficerB, method: "POST", path: path + "/transitions", body: `{"action":"register"}`, status: 404, code: "not_found"},
			{name: "officer B reads its scores", user: userOfficerB, method: "GET", path: path + "/scores", status: 404, code: "not_found"},
			{name: "officer B deletes it", user: userOfficerB, method: "DELETE", path: path, status: 404, code: "not_found"},
			{name: "officer B's list", user: userOfficerB, method: "GET", path: "/api/v1/projects", status: 200, check: func(t *testing.T, body []byte) {
				if l := decodeAs[ProjectList](t, body); l.Total != 0 {
					t.Errorf("officer B sees %d projects", l.Total)
				}
			}},
			{name: "officer A's list", user: userOfficerA, method: "GET", path: "/api/v1/projects", status: 200, check: func(t *testing.T, body []byte) {
				if l := decodeAs[ProjectList](t, body); l.Total != 1 || l.Items[0].Code != p.Code {
					t.Errorf("officer A sees %+v", l)
				}
			}},
			{name: "officer B drafts in commune A", user: userOfficerB, method: "POST", path: "/api/v1/projects",
				body: strings.Replace(projectBody(f, "Ngoài phạm vi", "Máy", 2026, 100_000_000, 50_000_000), fmt.Sprintf(`"beneficiaries":[%d]`, f.estA.ID), "\"beneficiaries\":[]", 1), status: 422, code: "invalid",
				fields: []string{"beneficiaries", "commune"}},
			{name: "viewer drafts", user: userViewer, method: "POST", path: "/api/v1/projects", body: projectBody(f, "Người xem", "Máy", 2026, 100_000_000, 50_000_000), status: 403, code: "forbidden"},
			{name: "viewer reads", user: userViewer, method: "GET", path: path, status: 200},
			{name: "officer A scores", user: userOfficerA, method: "POST", path: path + "/scores", body: `{"scores":{}}`, status: 403, code: "forbidden"},
			{name: "unknown field", user: userOfficerA, method: "POST", path: path + "/transitions", body: `{"action":"register","colour":"red"}`, status: 400, code: "invalid"},
			{name: "unknown action", user: userOfficerA, method: "POST", path: path + "/transitions", body: `{"action":"fly"}`, status: 422, code: "invalid", fields: []string{"action"}},
			{name: "malformed id", user: userOfficerA, method: "GET", path: "/api/v1/projects/abc", status: 404, code: "not_found"},
			{name: "no token", method: "GET", path: path, status: 401, code: "unauthenticated"},
			{name: "officer A deletes the draft", user: userOfficerA, method: "DELETE", path: path, status: 204},
			{name: "gone", user: userOfficerA, method: "GET", path: path, status: 404, code: "not_found"},
		})
	})
}

// projectRoutes is what TestOpenAPIRoutesAnswer needs for the project
// routes: a project id per route (each in the state the route needs), the
// request bodies, and the account that may call the route.
type projectRoutes struct {
	ids    map[string]int64
	bodies map[string]string
	users  map[string]string
}

// newProjectRoutes prepares the project routes of the document for a
// call each as officer A (the council member for the scores), once the
// reference catalogue is loaded: a draft to
// read and patch, one to register, one to delete, a registered project to
// score, one in progress to report on.
func newProjectRoutes(t *testing.T, f *scopeFixture) projectRoutes {
	t.Helper()
	addCouncil(t, f)
	body := func(item string) string {
		return projectBody(f, "Đề án "+item, item, 2026, 200_000_000, 100_000_000)
	}
	draft := createProject(t, f, userOfficerA, body("Máy một"))
	toRegister := createProject(t, f, userOfficerA, body("Máy hai"))
	doomed := createProject(t, f, userOfficerA, body("Máy ba"))
	registered := createProject(t, f, userOfficerA, body("Máy bốn"))
	running := createProject(t, f, userOfficerA, body("Máy năm"))
	for _, id := range []int64{registered.ID, running.ID} {
		if status, b := transition(t, f, userOfficerA, id, `{"action":"register"}`); status != http.StatusOK {
			t.Fatalf("register: %d %s", status, b)
		}
	}
	scoreAll(t, f, running.ID)
	for _, step := range []struct{ user, body string }{
		{userProvince, `{"action":"appraise"}`},
		{userProvince, `{"action":"approve","decision_no":"9/QĐ"}`},
		{userOfficerA, `{"action":"start"}`},
	} {
		if status, b := transition(t, f, step.user, running.ID, step.body); status != http.StatusOK {
			t.Fatalf("%s: %d %s", step.body, status, b)
		}
	}
	sheet := decodeAs[Appraisal](t, func() []byte {
		_, b := f.call(t, userCouncil, "GET", fmt.Sprintf("/api/v1/projects/%d/scores", registered.ID), "")
		return b
	}())
	scores := map[string]int{}
	for _, it := range sheet.Items {
		scores[it.Code] = it.MaxScore
	}
	scoresBody, _ := json.Marshal(ScoresInput{Scores: scores})
	return projectRoutes{
		ids: map[string]int64{
			"GET /api/v1/projects/{id}":              draft.ID,
			"PATCH /api/v1/projects/{id}":            draft.ID,
			"DELETE /api/v1/projects/{id}":           doomed.ID,
			"POST /api/v1/projects/{id}/transitions": toRegister.ID,
			"GET /api/v1/projects/{id}/scores":       registered.ID,
			"POST /api/v1/projects/{id}/scores":      registered.ID,
			"POST /api/v1/projects/{id}/reports":     running.ID,
		},
		bodies: map[string]string{
			"POST /api/v1/projects":                  body("Máy sáu"),
			"POST /api/v1/projects/check":            body("Máy bảy"),
			"PATCH /api/v1/projects/{id}":            `{"expected_jobs":7}`,
			"POST /api/v1/projects/{id}/transitions": `{"action":"register"}`,
			"POST /api/v1/projects/{id}/scores":      string(scoresBody),
			"POST /api/v1/projects/{id}/reports":     `{"period":"2026-11","progress_pct":10,"spent":1000000}`,
		},
		users: map[string]string{"POST /api/v1/projects/{id}/scores": userCouncil},
	}
}
