package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"
)

// projectRoutes registers the projects: the list and drafts, the funding
// check, the lifecycle transitions, the council's scores, progress
// reports, the deadlines of the caller's scope and an establishment's
// support history. Scope and roles are checked by the app: a project
// outside the caller's scope is 404, a role that may not 403.
func (x *API) projectRoutes() {
	x.handle("GET /api/v1/projects", x.listProjects)
	x.handle("POST /api/v1/projects", x.createProject)
	x.handle("POST /api/v1/projects/check", x.checkProject)
	x.handle("GET /api/v1/projects/{id}", x.getProject)
	x.handle("PATCH /api/v1/projects/{id}", x.patchProject)
	x.handle("DELETE /api/v1/projects/{id}", x.deleteProject)
	x.handle("POST /api/v1/projects/{id}/transitions", x.transitionProject)
	x.handle("GET /api/v1/projects/{id}/scores", x.getScores)
	x.handle("POST /api/v1/projects/{id}/scores", x.submitScores)
	x.handle("POST /api/v1/projects/{id}/reports", x.addReport)
	x.handle("GET /api/v1/deadlines", x.listDeadlines)
	x.handle("GET /api/v1/establishments/{id}/support", x.supportHistory)
}

// ProjectCostLine is one line of a project's cost estimate, in đồng:
// amount = quantity × unit_cost.
type ProjectCostLine struct {
	Item     string `json:"item"`
	Quantity int64  `json:"quantity"`
	UnitCost int64  `json:"unit_cost"`
	Amount   int64  `json:"amount"`
}

// ProjectCostLineInput is one cost line of a draft; the amount is
// computed.
type ProjectCostLineInput struct {
	Item     string `json:"item"`
	Quantity int64  `json:"quantity"`
	UnitCost int64  `json:"unit_cost"`
}

// ProjectFunding is one funding source of a project with its amount at
// each step, in đồng.
type ProjectFunding struct {
	Source   string `json:"source"`
	Planned  int64  `json:"planned"`
	Approved int64  `json:"approved"`
	Advanced int64  `json:"advanced"`
	Settled  int64  `json:"settled"`
}

// ProjectFundingInput is one funding source of a draft: the amount
// requested.
type ProjectFundingInput struct {
	Source  string `json:"source"`
	Planned int64  `json:"planned"`
}

// ProjectInput is the body of POST /api/v1/projects (a new draft) and of
// POST /api/v1/projects/check.
type ProjectInput struct {
	Title           string                 `json:"title"`
	ContentArea     string                 `json:"content_area"`
	SchemeCode      string                 `json:"scheme_code"`
	Level           string                 `json:"level"`
	ImplementingOrg string                 `json:"implementing_org"`
	CommuneID       int64                  `json:"commune_id"`
	Year            int                    `json:"year"`
	StartsOn        kc.Date                `json:"starts_on"`
	EndsOn          kc.Date                `json:"ends_on"`
	Group           bool                   `json:"group"`
	Beneficiaries   []int64                `json:"beneficiaries"`
	CostLines       []ProjectCostLineInput `json:"cost_lines"`
	Funding         []ProjectFundingInput  `json:"funding"`
	ExpectedJobs    int                    `json:"expected_jobs"`
}

// ProjectCheckRequest is the body of POST /api/v1/projects/check: a draft
// and the day to check it on (default today).
type ProjectCheckRequest struct {
	ProjectInput
	On kc.Date `json:"on"`
}

// ProjectPatch is the body of PATCH /api/v1/projects/{id}: absent fields
// keep their value; cost_lines, funding and beneficiaries replace the
// whole list when present. Version, when given, must be the version last
// read, or the answer is 409.
type ProjectPatch struct {
	Version         *int                    `json:"version"`
	Title           *string                 `json:"title"`
	ContentArea     *string                 `json:"content_area"`
	SchemeCode      *string                 `json:"scheme_code"`
	Level           *string                 `json:"level"`
	ImplementingOrg *string                 `json:"implementing_org"`
	CommuneID       *int64                  `json:"commune_id"`
	Year            *int                    `json:"year"`
	StartsOn        *kc.Date                `json:"starts_on"`
	EndsOn          *kc.Date                `json:"ends_on"`
	Group           *bool                   `json:"group"`
	Beneficiaries   *[]int64                `json:"beneficiaries"`
	CostLines       *[]ProjectCostLineInput `json:"cost_lines"`
	Funding         *[]ProjectFundingInput  `json:"funding"`
	ExpectedJobs    *int                    `json:"expected_jobs"`
}

// ProjectBeneficiary is an establishment a project supports.
type ProjectBeneficiary struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// ProjectOutput is one recorded result (trainees, trainees_employed,
// machines, lines, models, products, brands, jobs).
type ProjectOutput struct {
	Kind  string `json:"kind"`
	Value int64  `json:"value"`
}

// ProjectEvent is one step of a project's timeline.
type ProjectEvent struct {
	From        string    `json:"from"`
	To          string    `json:"to"`
	At          time.Time `json:"at"`
	ActorID     int64     `json:"actor_id"`
	ActorName   string    `json:"actor_name,omitempty"`
	Note        string    `json:"note"`
	DocumentRef string    `json:"document_ref"`
}

// CheckProblem is a reason a funding check refuses a project (cap or rate
// exceeded, counterpart too low, double funding), in Vietnamese.
type CheckProblem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// FundingCheck is a project's funding checked against the scheme version
// in force: the arithmetic, the problems and the warnings, in Vietnamese.
type FundingCheck struct {
	Scheme        string         `json:"scheme"`
	SchemeVersion int            `json:"scheme_version"`
	Confirmed     bool           `json:"confirmed"`
	OK            bool           `json:"ok"`
	Lines         []string       `json:"lines"`
	Problems      []CheckProblem `json:"problems"`
	Warnings      []string       `json:"warnings"`
}

// ActionOption is one lifecycle action from the project's state: allowed,
// or not with the reason.
type ActionOption struct {
	Action  string `json:"action"`
	Allowed bool   `json:"allowed"`
	Reason  string `json:"reason,omitempty"`
}

// ScoreItem is one criterion of the appraisal score sheet.
type ScoreItem struct {
	Code     string `json:"code"`
	Label    string `json:"label"`
	MaxScore int    `json:"max_score"`
}

// MemberScore is one council member's scores of a project.
type MemberScore struct {
	MemberID int64          `json:"member_id"`
	Name     string         `json:"name"`
	Scores   map[string]int `json:"scores"`
	Total    int            `json:"total"`
	Comment  string         `json:"comment"`
	At       *time.Time     `json:"at"`
}

// Appraisal is the council's scoring of a project: members' scores are
// shown to deciders, and to a member once they have scored.
type Appraisal struct {
	Items   []ScoreItem   `json:"items"`
	Members []MemberScore `json:"members"`
	Average float64       `json:"average"`
	Count   int           `json:"count"`
	Mine    *MemberScore  `json:"mine"`
}

// ProgressReport is one monthly progress report.
type ProgressReport struct {
	Period      string   `json:"period"`
	SubmittedOn *kc.Date `json:"submitted_on"`
	ProgressPct int      `json:"progress_pct"`
	Spent       int64    `json:"spent"`
	Note        string   `json:"note"`
}

// ProgressReportInput is the body of POST /api/v1/projects/{id}/reports.
type ProgressReportInput struct {
	Period      string  `json:"period"`
	SubmittedOn kc.Date `json:"submitted_on"`
	ProgressPct int     `json:"progress_pct"`
	Spent       int64   `json:"spent"`
	Note        string  `json:"note"`
}

// Deadline is something due on a project.
type Deadline struct {
	ProjectID int64   `json:"project_id"`
	Code      string  `json:"code"`
	Title     string  `json:"title"`
	Kind      string  `json:"kind"`
	Due       kc.Date `json:"due"`
	Overdue   bool    `json:"overdue"`
	DaysLeft  int     `json:"days_left"`
}

// DeadlineList is the body of GET /api/v1/deadlines.
type DeadlineList struct {
	On    kc.Date    `json:"on"`
	Items []Deadline `json:"items"`
}

// Reconciliation is the settlement of one funding source: approved,
// advanced, settled, and what is still to pay or to refund.
type Reconciliation struct {
	Source   string `json:"source"`
	Approved int64  `json:"approved"`
	Advanced int64  `json:"advanced"`
	Settled  int64  `json:"settled"`
	ToPay    int64  `json:"to_pay"`
	ToRefund int64  `json:"to_refund"`
}

// Project is the API view of a project with everything its page shows.
type Project struct {
	ID              int64                `json:"id"`
	Code            string               `json:"code"`
	Title           string               `json:"title"`
	Year            int                  `json:"year"`
	Level           string               `json:"level"`
	SchemeID        int64                `json:"scheme_id"`
	SchemeName      string               `json:"scheme_name"`
	ContentArea     string               `json:"content_area"`
	ImplementingOrg string               `json:"implementing_org"`
	CommuneID       int64                `json:"commune_id"`
	CommuneName     string               `json:"commune_name"`
	State           string               `json:"state"`
	RegisteredOn    *kc.Date             `json:"registered_on"`
	AppraisedOn     *kc.Date             `json:"appraised_on"`
	DecidedOn       *kc.Date             `json:"decided_on"`
	DecisionNo      string               `json:"decision_no"`
	AcceptedOn      *kc.Date             `json:"accepted_on"`
	SettledOn       *kc.Date             `json:"settled_on"`
	ClosedOn        *kc.Date             `json:"closed_on"`
	StartsOn        *kc.Date             `json:"starts_on"`
	EndsOn          *kc.Date             `json:"ends_on"`
	Group           bool                 `json:"group"`
	ExpectedJobs    int                  `json:"expected_jobs"`
	PriorityPoints  int                  `json:"priority_points"`
	RejectReason    string               `json:"reject_reason"`
	Demo            bool                 `json:"demo"`
	Version         int                  `json:"version"`
	CostLines       []ProjectCostLine    `json:"cost_lines"`
	TotalCost       int64                `json:"total_cost"`
	StateSupport    int64                `json:"state_support"`
	Counterpart     int64                `json:"counterpart"`
	Funding         []ProjectFunding     `json:"funding"`
	Beneficiaries   []ProjectBeneficiary `json:"beneficiaries"`
	Outputs         []ProjectOutput      `json:"outputs"`
	Events          []ProjectEvent       `json:"events"`
	Check           FundingCheck         `json:"check"`
	Appraisal       Appraisal            `json:"appraisal"`
	Actions         []ActionOption       `json:"actions"`
	Reports         []ProgressReport     `json:"reports"`
	Deadlines       []Deadline           `json:"deadlines"`
	Reconciliation  []Reconciliation     `json:"reconciliation"`
}

// ProjectRow is one project of the list.
type ProjectRow struct {
	ID           int64  `json:"id"`
	Code         string `json:"code"`
	Title        string `json:"title"`
	State        string `json:"state"`
	ContentArea  string `json:"content_area"`
	CommuneName  string `json:"commune_name"`
	Year         int    `json:"year"`
	StateSupport int64  `json:"state_support"`
	Counterpart  int64  `json:"counterpart"`
	Overdue      bool   `json:"overdue"`
}

// ProjectList is one page of projects with the total count.
type ProjectList struct {
	Items   []ProjectRow `json:"items"`
	Total   int          `json:"total"`
	Page    int          `json:"page"`
	PerPage int          `json:"per_page"`
}

// TransitionInput is the body of POST /api/v1/projects/{id}/transitions:
// one lifecycle step and what it needs.
type TransitionInput struct {
	Action      string           `json:"action"`
	On          kc.Date          `json:"on"`
	DecisionNo  string           `json:"decision_no"`
	Reason      string           `json:"reason"`
	DocumentRef string           `json:"document_ref"`
	Approved    map[string]int64 `json:"approved"`
	Advances    map[string]int64 `json:"advances"`
	Outputs     []ProjectOutput  `json:"outputs"`
	Settled     map[string]int64 `json:"settled"`
	EndsOn      kc.Date          `json:"ends_on"`
	Note        string           `json:"note"`
	Version     int              `json:"version"`
}

// ScoresInput is the body of POST /api/v1/projects/{id}/scores.
type ScoresInput struct {
	Scores  map[string]int `json:"scores"`
	Comment string         `json:"comment"`
}

// SupportItem is one project an establishment benefited from.
type SupportItem struct {
	ProjectID    int64    `json:"project_id"`
	Code         string   `json:"code"`
	Title        string   `json:"title"`
	State        string   `json:"state"`
	ContentArea  string   `json:"content_area"`
	Year         int      `json:"year"`
	StateSupport int64    `json:"state_support"`
	Counterpart  int64    `json:"counterpart"`
	DecisionNo   string   `json:"decision_no"`
	DecidedOn    *kc.Date `json:"decided_on"`
}

// SupportList is the body of GET /api/v1/establishments/{id}/support.
type SupportList struct {
	Items []SupportItem `json:"items"`
}

// input turns the body into the app's draft input.
func (in ProjectInput) input() app.ProjectInput {
	out := app.ProjectInput{Title: trimNFC(in.Title), ContentArea: strings.TrimSpace(in.ContentArea), SchemeCode: strings.TrimSpace(in.SchemeCode),
		Level: strings.TrimSpace(in.Level), ImplementingOrg: trimNFC(in.ImplementingOrg), CommuneID: in.CommuneID, Year: in.Year,
		StartsOn: in.StartsOn, EndsOn: in.EndsOn, Group: in.Group, Beneficiaries: append([]int64{}, in.Beneficiaries...), ExpectedJobs: in.ExpectedJobs}
	out.CostLines = costLines(in.CostLines)
	out.Funding = fundingLines(in.Funding)
	return out
}

func costLines(in []ProjectCostLineInput) []kc.CostLine {
	out := make([]kc.CostLine, 0, len(in))
	for _, c := range in {
		out = append(out, kc.CostLine{Item: trimNFC(c.Item), Quantity: c.Quantity, UnitCost: c.UnitCost})
	}
	return out
}

func fundingLines(in []ProjectFundingInput) []kc.Funding {
	out := make([]kc.Funding, 0, len(in))
	for _, f := range in {
		out = append(out, kc.Funding{Source: strings.TrimSpace(f.Source), Planned: f.Planned})
	}
	return out
}

// toFundingCheck presents c in Vietnamese.
func toFundingCheck(c app.FundingCheck) FundingCheck {
	out := FundingCheck{Scheme: c.Scheme, SchemeVersion: c.SchemeVersion, Confirmed: c.Confirmed,
		Lines: make([]string, 0, len(c.Lines)), Problems: make([]CheckProblem, 0, len(c.Problems)), Warnings: make([]string, 0, len(c.Warnings))}
	for _, l := range c.Lines {
		out.Lines = append(out.Lines, locale.T(locale.Default, l.Key, l.Args...))
	}
	for _, p := range c.Problems {
		if p != nil {
			out.Problems = append(out.Problems, CheckProblem{Code: p.Code, Message: locale.T(locale.Default, p.Key, p.Args...), Field: p.Field})
		}
	}
	for _, l := range c.Warnings {
		out.Warnings = append(out.Warnings, locale.T(locale.Default, l.Key, l.Args...))
	}
	out.OK = len(out.Problems) == 0
	return out
}

func toMemberScore(m app.MemberScore) MemberScore {
	out := MemberScore{MemberID: m.MemberID, Name: m.Name, Scores: map[string]int{}, Total: m.Total, Comment: m.Comment}
	for k, v := range m.Scores {
		out.Scores[k] = v
	}
	if !m.At.IsZero() {
		at := m.At.UTC()
		out.At = &at
	}
	return out
}

func toAppraisal(a app.AppraisalSummary) Appraisal {
	out := Appraisal{Items: make([]ScoreItem, 0, len(a.Items)), Members: make([]MemberScore, 0, len(a.Members)), Average: a.Average, Count: a.Count}
	for _, it := range a.Items {
		out.Items = append(out.Items, ScoreItem{Code: it.Code, Label: it.Label, MaxScore: it.MaxScore})
	}
	for _, m := range a.Members {
		out.Members = append(out.Members, toMemberScore(m))
	}
	if a.Mine != nil {
		m := toMemberScore(*a.Mine)
		out.Mine = &m
	}
	return out
}

func toDeadline(d app.Deadline) Deadline {
	return Deadline{ProjectID: d.ProjectID, Code: d.Code, Title: d.Title, Kind: d.Kind, Due: d.Due, Overdue: d.Overdue, DaysLeft: d.DaysLeft}
}

// toProject turns a project view into its JSON shape.
func toProject(v app.ProjectView) Project {
	p := v.Project
	out := Project{ID: p.ID, Code: p.Code, Title: p.Title, Year: p.Year, Level: p.Level, SchemeID: p.SchemeID, SchemeName: v.SchemeName,
		ContentArea: p.ContentArea, ImplementingOrg: p.ImplementingOrg, CommuneID: p.CommuneID, CommuneName: v.CommuneName, State: p.State,
		RegisteredOn: optionalDate(p.RegisteredOn), AppraisedOn: optionalDate(p.AppraisedOn), DecidedOn: optionalDate(p.DecidedOn),
		DecisionNo: p.DecisionNo, AcceptedOn: optionalDate(p.AcceptedOn), SettledOn: optionalDate(p.SettledOn), ClosedOn: optionalDate(p.ClosedOn),
		StartsOn: optionalDate(p.StartsOn), EndsOn: optionalDate(p.EndsOn), Group: p.Group, ExpectedJobs: p.ExpectedJobs,
		PriorityPoints: p.PriorityPoints, RejectReason: p.RejectReason, Demo: p.Demo, Version: v.Version,
		CostLines: make([]ProjectCostLine, 0, len(p.CostLines)), Funding: make([]ProjectFunding, 0, len(p.Funding)),
		Beneficiaries: make([]ProjectBeneficiary, 0, len(p.Beneficiaries)), Outputs: make([]ProjectOutput, 0, len(p.Outputs)),
		Events: make([]ProjectEvent, 0, len(p.Events)), Check: toFundingCheck(v.Check), Appraisal: toAppraisal(v.Appraisal),
		Actions: make([]ActionOption, 0, len(v.Actions)), Reports: make([]ProgressReport, 0, len(v.Reports)),
		Deadlines: make([]Deadline, 0, len(v.Deadlines)), Reconciliation: make([]Reconciliation, 0, len(v.Reconciliation))}
	for _, c := range p.CostLines {
		out.CostLines = append(out.CostLines, ProjectCostLine{Item: c.Item, Quantity: c.Quantity, UnitCost: c.UnitCost, Amount: c.Amount})
		out.TotalCost += c.Amount
	}
	for _, f := range p.Funding {
		out.Funding = append(out.Funding, ProjectFunding{Source: f.Source, Planned: f.Planned, Approved: f.Approved, Advanced: f.Advanced, Settled: f.Settled})
		amount := f.Planned
		if f.Approved > 0 {
			amount = f.Approved
		}
		if f.Source == kc.SourceCounterpart {
			out.Counterpart += amount
		} else {
			out.StateSupport += amount
		}
	}
	for _, id := range p.Beneficiaries {
		out.Beneficiaries = append(out.Beneficiaries, ProjectBeneficiary{ID: id, Name: v.BeneficiaryNames[id]})
	}
	for _, o := range p.Outputs {
		out.Outputs = append(out.Outputs, ProjectOutput{Kind: o.Kind, Value: o.Value})
	}
	for _, e := range p.Events {
		out.Events = append(out.Events, ProjectEvent{From: e.From, To: e.To, At: e.At.UTC(), ActorID: e.ActorID, ActorName: e.ActorName, Note: e.Note, DocumentRef: e.DocumentRef})
	}
	for _, a := range v.Actions {
		o := ActionOption{Action: a.Action, Allowed: a.Allowed}
		if a.Reason != nil {
			o.Reason = locale.T(locale.Default, a.Reason.Key, a.Reason.Args...)
		}
		out.Actions = append(out.Actions, o)
	}
	for _, r := range v.Reports {
		out.Reports = append(out.Reports, ProgressReport{Period: r.Period, SubmittedOn: optionalDate(r.SubmittedOn), ProgressPct: r.ProgressPct,
			Spent: r.Spent, Note: r.Note})
	}
	for _, d := range v.Deadlines {
		out.Deadlines = append(out.Deadlines, toDeadline(d))
	}
	for _, rc := range v.Reconciliation {
		out.Reconciliation = append(out.Reconciliation, Reconciliation{Source: rc.Source, Approved: rc.Approved, Advanced: rc.Advanced,
			Settled: rc.Settled, ToPay: rc.ToPay, ToRefund: rc.ToRefund})
	}
	return out
}

// projectPathID parses the {id} wildcard of a project; a malformed id is
// not found.
func projectPathID(r *http.Request) (int64, error) { return establishmentID(r) }

// projectInScope parses the {id} wildcard and checks the project is in the
// caller's scope before a body is read, so a request out of scope is 404
// whatever its body; on failure it has answered.
func (x *API) projectInScope(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := projectPathID(r)
	if err == nil {
		_, err = x.app.Project(r.Context(), id)
	}
	if err != nil {
		x.fail(w, r, err)
		return 0, false
	}
	return id, true
}

// projectFilter reads the list filter from the query string: q, state,
// year, unit (a unit code, old or current), content_area, page and
// per_page (1…app.ProjectPageSizeMax).
func projectFilter(r *http.Request) (app.ProjectFilter, error) {
	q := r.URL.Query()
	f := app.ProjectFilter{Q: trimNFC(q.Get("q")), State: strings.TrimSpace(q.Get("state")), Unit: strings.TrimSpace(q.Get("unit")),
		ContentArea: strings.TrimSpace(q.Get("content_area")), Page: 1, PerPage: defaultLimit}
	num := func(name string, lo, hi int, dst *int) error {
		s := q.Get(name)
		if s == "" {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			return errors.New("bad " + name)
		}
		*dst = n
		return nil
	}
	for _, p := range []struct {
		name   string
		lo, hi int
		dst    *int
	}{{"year", 1900, 2200, &f.Year}, {"page", 1, 1 << 30, &f.Page}, {"per_page", 1, app.ProjectPageSizeMax, &f.PerPage}} {
		if err := num(p.name, p.lo, p.hi, p.dst); err != nil {
			return f, err
		}
	}
	return f, nil
}

// listProjects lists the projects in the caller's scope with the filter.
func (x *API) listProjects(w http.ResponseWriter, r *http.Request) {
	f, err := projectFilter(r)
	if err != nil {
		x.badRequest(w, r, err)
		return
	}
	res, err := x.app.Projects(r.Context(), f)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := ProjectList{Items: make([]ProjectRow, 0, len(res.Rows)), Total: res.Total, Page: res.Page, PerPage: res.PerPage}
	if out.Page == 0 {
		out.Page, out.PerPage = f.Page, f.PerPage
	}
	for _, row := range res.Rows {
		out.Items = append(out.Items, ProjectRow{ID: row.ID, Code: row.Code, Title: row.Title, State: row.State, ContentArea: row.ContentArea,
			CommuneName: row.CommuneName, Year: row.Year, StateSupport: row.StateSupport, Counterpart: row.Counterpart, Overdue: row.Overdue})
	}
	writeJSON(w, http.StatusOK, out)
}

// createProject creates a draft: 201 with the project, 422 with field
// messages, 403 for a role that may not draft.
func (x *API) createProject(w http.ResponseWriter, r *http.Request) {
	var in ProjectInput
	if !x.decode(w, r, &in) {
		return
	}
	v, err := x.app.CreateProject(r.Context(), in.input())
	if err != nil {
		x.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/projects/"+strconv.FormatInt(v.ID, 10))
	writeJSON(w, http.StatusCreated, toProject(v))
}

// checkProject checks a draft's funding on a day without storing
// anything.
func (x *API) checkProject(w http.ResponseWriter, r *http.Request) {
	var in ProjectCheckRequest
	if !x.decode(w, r, &in) {
		return
	}
	c, err := x.app.CheckFunding(r.Context(), in.input(), in.On)
	x.reply(w, r, http.StatusOK, toFundingCheck(c), err)
}

// getProject returns one project; outside the caller's scope 404.
func (x *API) getProject(w http.ResponseWriter, r *http.Request) {
	id, err := projectPathID(r)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	v, err := x.app.Project(r.Context(), id)
	x.reply(w, r, http.StatusOK, toProject(v), err)
}

// patchProject changes the given fields of a draft. Out of scope is 404
// (checked before the body is read); a project past the draft is refused
// by the app with the reason; a stale version is 409.
func (x *API) patchProject(w http.ResponseWriter, r *http.Request) {
	id, err := projectPathID(r)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	ctx := r.Context()
	v, err := x.app.Project(ctx, id)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	var in ProjectPatch
	if !x.decode(w, r, &in) {
		return
	}
	cur := app.ProjectInput{Title: v.Title, ContentArea: v.ContentArea, SchemeCode: v.SchemeCode, Level: v.Level, ImplementingOrg: v.ImplementingOrg,
		CommuneID: v.CommuneID, Year: v.Project.Year, StartsOn: v.StartsOn, EndsOn: v.EndsOn, Group: v.Group,
		Beneficiaries: append([]int64{}, v.Beneficiaries...), ExpectedJobs: v.ExpectedJobs, Version: v.Version}
	for _, c := range v.CostLines {
		cur.CostLines = append(cur.CostLines, kc.CostLine{Item: c.Item, Quantity: c.Quantity, UnitCost: c.UnitCost})
	}
	for _, f := range v.Funding {
		cur.Funding = append(cur.Funding, kc.Funding{Source: f.Source, Planned: f.Planned})
	}
	setText := func(dst *string, src *string) {
		if src != nil {
			*dst = trimNFC(*src)
		}
	}
	setText(&cur.Title, in.Title)
	setText(&cur.ContentArea, in.ContentArea)
	setText(&cur.SchemeCode, in.SchemeCode)
	setText(&cur.Level, in.Level)
	setText(&cur.ImplementingOrg, in.ImplementingOrg)
	if in.Version != nil {
		cur.Version = *in.Version
	}
	if in.CommuneID != nil {
		cur.CommuneID = *in.CommuneID
	}
	if in.Year != nil {
		cur.Year = *in.Year
	}
	if in.StartsOn != nil {
		cur.StartsOn = *in.StartsOn
	}
	if in.EndsOn != nil {
		cur.EndsOn = *in.EndsOn
	}
	if in.Group != nil {
		cur.Group = *in.Group
	}
	if in.ExpectedJobs != nil {
		cur.ExpectedJobs = *in.ExpectedJobs
	}
	if in.Beneficiaries != nil {
		cur.Beneficiaries = append([]int64{}, (*in.Beneficiaries)...)
	}
	if in.CostLines != nil {
		cur.CostLines = costLines(*in.CostLines)
	}
	if in.Funding != nil {
		cur.Funding = fundingLines(*in.Funding)
	}
	saved, err := x.app.UpdateProject(ctx, id, cur)
	x.reply(w, r, http.StatusOK, toProject(saved), err)
}

// deleteProject deletes a draft: 204; a project past the draft is
// refused with the reason.
func (x *API) deleteProject(w http.ResponseWriter, r *http.Request) {
	id, err := projectPathID(r)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	if err := x.app.DeleteProject(r.Context(), id); err != nil {
		x.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// transitionProject performs one lifecycle step and returns the project.
// Out of scope is 404 before the body is read; a step the role may not
// take is 403, one the state does not allow 409, missing or invalid
// values 422, each with the reason; nothing changes on failure.
func (x *API) transitionProject(w http.ResponseWriter, r *http.Request) {
	id, ok := x.projectInScope(w, r)
	if !ok {
		return
	}
	var in TransitionInput
	if !x.decode(w, r, &in) {
		return
	}
	t := app.Transition{Action: strings.TrimSpace(in.Action), On: in.On, DecisionNo: trimNFC(in.DecisionNo), Reason: trimNFC(in.Reason),
		DocumentRef: trimNFC(in.DocumentRef), Approved: in.Approved, Advances: in.Advances, Settled: in.Settled, EndsOn: in.EndsOn,
		Note: trimNFC(in.Note), Version: in.Version}
	for _, o := range in.Outputs {
		t.Outputs = append(t.Outputs, kc.Output{Kind: strings.TrimSpace(o.Kind), Value: o.Value})
	}
	v, err := x.app.Transition(r.Context(), id, t)
	x.reply(w, r, http.StatusOK, toProject(v), err)
}

// getScores returns the score sheet and the scores the caller may see.
func (x *API) getScores(w http.ResponseWriter, r *http.Request) {
	id, err := projectPathID(r)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	v, err := x.app.Project(r.Context(), id)
	x.reply(w, r, http.StatusOK, toAppraisal(v.Appraisal), err)
}

// submitScores records the calling council member's scores of a
// registered project and returns the appraisal as they may now see it.
func (x *API) submitScores(w http.ResponseWriter, r *http.Request) {
	id, ok := x.projectInScope(w, r)
	if !ok {
		return
	}
	var in ScoresInput
	if !x.decode(w, r, &in) {
		return
	}
	a, err := x.app.SubmitScores(r.Context(), id, in.Scores, trimNFC(in.Comment))
	x.reply(w, r, http.StatusOK, toAppraisal(a), err)
}

// addReport records a monthly progress report: 201 with the project.
func (x *API) addReport(w http.ResponseWriter, r *http.Request) {
	id, ok := x.projectInScope(w, r)
	if !ok {
		return
	}
	var in ProgressReportInput
	if !x.decode(w, r, &in) {
		return
	}
	v, err := x.app.AddProgressReport(r.Context(), id, app.ProgressReport{Period: strings.TrimSpace(in.Period), SubmittedOn: in.SubmittedOn,
		ProgressPct: in.ProgressPct, Spent: in.Spent, Note: trimNFC(in.Note)})
	if err != nil {
		x.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toProject(v))
}

// listDeadlines lists what is due within 30 days of ?on= (default today)
// or overdue in the caller's scope.
func (x *API) listDeadlines(w http.ResponseWriter, r *http.Request) {
	on, err := app.ParseCheckDate(r.URL.Query().Get("on"))
	if err != nil {
		x.fail(w, r, err)
		return
	}
	if on.IsZero() {
		on = kc.DateOf(x.app.Now().In(vi.Location))
	}
	ds, err := x.app.Deadlines(r.Context(), on)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := DeadlineList{On: on, Items: make([]Deadline, 0, len(ds))}
	for _, d := range ds {
		out.Items = append(out.Items, toDeadline(d))
	}
	writeJSON(w, http.StatusOK, out)
}

// supportHistory lists the projects an establishment in the caller's
// scope benefited from; outside the scope 404.
func (x *API) supportHistory(w http.ResponseWriter, r *http.Request) {
	id, err := establishmentID(r)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	if _, err := x.app.GetEstablishment(r.Context(), id); err != nil {
		x.fail(w, r, err)
		return
	}
	items, err := x.app.SupportHistory(r.Context(), id)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := SupportList{Items: make([]SupportItem, 0, len(items))}
	for _, it := range items {
		out.Items = append(out.Items, SupportItem{ProjectID: it.ProjectID, Code: it.Code, Title: it.Title, State: it.State, ContentArea: it.ContentArea,
			Year: it.Year, StateSupport: it.StateSupport, Counterpart: it.Counterpart, DecisionNo: it.DecisionNo, DecidedOn: optionalDate(it.DecidedOn)})
	}
	writeJSON(w, http.StatusOK, out)
}
