package web

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"
)

// projectRoutes registers the project screens: the list with the
// deadlines box, the draft form (new and edit) with its live funding
// check and beneficiary search, the project page with one form per
// lifecycle action, the council's scores, progress reports and follow-ups.
// Forms post to …/delete because HTML forms cannot send DELETE.
func (s *Server) projectRoutes() {
	s.mux.HandleFunc("GET /projects", s.requireUser(s.listProjects))
	s.mux.HandleFunc("POST /projects", s.requireUser(s.createProject))
	s.mux.HandleFunc("GET /projects/new", s.requireUser(s.newProject))
	s.mux.HandleFunc("POST /projects/check", s.requireUser(s.checkProject))
	s.mux.HandleFunc("GET /projects/beneficiaries", s.requireUser(s.searchBeneficiaries))
	s.mux.HandleFunc("GET /projects/{id}", s.requireUser(s.showProject))
	s.mux.HandleFunc("POST /projects/{id}", s.requireUser(s.updateProject))
	s.mux.HandleFunc("GET /projects/{id}/edit", s.requireUser(s.editProject))
	s.mux.HandleFunc("POST /projects/{id}/delete", s.requireUser(s.deleteProject))
	s.mux.HandleFunc("POST /projects/{id}/transitions", s.requireUser(s.transitionProject))
	s.mux.HandleFunc("POST /projects/{id}/scores", s.requireUser(s.scoreProject))
	s.mux.HandleFunc("POST /projects/{id}/reports", s.requireUser(s.reportProject))
	s.mux.HandleFunc("POST /projects/{id}/followups", s.requireUser(s.followUpProject))
}

// projectsPerPage is the page size of the project list.
const projectsPerPage = 50

// projectStates are the states of the project state machine, in the order
// of the filter.
var projectStates = []string{
	kc.StateDraft, kc.StateRegistered, kc.StateAppraised, kc.StateApproved, kc.StateInProgress, kc.StateAccepted,
	kc.StateSettled, kc.StateClosed, kc.StateRejected, kc.StateWithdrawn, kc.StateCancelled,
}

// projectActions are the lifecycle actions in the order the page offers
// them (the app's order).
var projectActions = app.ProjectActions

// projectOutputKinds are the results an acceptance records.
var projectOutputKinds = app.OutputKinds

// stateBadge returns the badge class of a project state: neutral for a
// draft, information while in the pipeline, warning while money is out,
// good when done, bad for the side exits. The badge always carries the
// state's name too.
func stateBadge(state string) string {
	switch state {
	case kc.StateDraft:
		return "badge-kind"
	case kc.StateRegistered, kc.StateAppraised, kc.StateApproved:
		return "badge-info"
	case kc.StateInProgress, kc.StateAccepted, kc.StateCarriedOver:
		return "badge-warn"
	case kc.StateSettled, kc.StateClosed:
		return "badge-ok"
	}
	return "badge-bad"
}

// stateLabel names a state in lang.
func stateLabel(lang, state string) string { return locale.T(lang, "webprojects.state."+state) }

// canDraft reports whether p may draft projects (and register, withdraw,
// start and report on them).
func canDraft(p *app.Principal) bool {
	return p != nil && auth.Can(p.User.Role, auth.PermDraftProjects)
}

// projectRowView is one line of the project list.
type projectRowView struct {
	ID                             int64
	Code, Title, State, StateLabel string
	StateClass, Area, Commune      string
	Year                           int
	StateSupport, Counterpart      int64
	Overdue                        bool
}

// deadlineView is one thing due on a project, as the list's box and the
// project page show it.
type deadlineView struct {
	ProjectID       int64
	Code, Title     string
	Kind, KindLabel string
	Due, Text       string
	Overdue         bool
	// Soon is set when it falls due within the next 30 days.
	Soon bool
}

// deadlineSoonDays is how far ahead a deadline counts as "due soon" (the
// app lists deadlines within 30 days, and a follow-up may be recorded from
// 30 days before it is due).
const deadlineSoonDays = 30

// newDeadlineView presents d in lang: "Còn 5 ngày (hạn 30/11/2026)" or
// "Quá hạn 3 ngày (hạn 22/11/2026)".
func newDeadlineView(lang string, d app.Deadline) deadlineView {
	due := vi.FormatDay(d.Due.Time())
	dv := deadlineView{ProjectID: d.ProjectID, Code: d.Code, Title: d.Title, Kind: d.Kind,
		KindLabel: locale.T(lang, "webprojects.deadline."+d.Kind), Due: due, Overdue: d.Overdue, Soon: !d.Overdue && d.DaysLeft <= deadlineSoonDays}
	switch {
	case d.Overdue:
		dv.Text = locale.T(lang, "webprojects.deadline.overdue", -d.DaysLeft, due)
	case d.DaysLeft == 0:
		dv.Text = locale.T(lang, "webprojects.deadline.today", due)
	default:
		dv.Text = locale.T(lang, "webprojects.deadline.left", d.DaysLeft, due)
	}
	return dv
}

// projectListView is the data of the list page.
type projectListView struct {
	Query, State, Year, Unit, Area string
	// UnitNote says what a former unit means today.
	UnitNote string
	States   []choice
	Areas    []choice
	Units    []choice
	Filtered bool
	// CanDraft offers the "new project" button.
	CanDraft  bool
	Total     int
	Rows      []projectRowView
	Pager     pagerView
	Deadlines []deadlineView
	// DeadlineError says the deadlines could not be read.
	DeadlineError string
}

// listProjects lists the projects in the caller's scope with the filters
// (search, state, year, unit, content area) and paging that keeps them,
// under a box of what is due within 30 days or overdue. A filter the app
// refuses answers 422 with the message next to it.
func (s *Server) listProjects(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := s.lang(r)
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 {
		page = 1
	}
	v := projectListView{Query: strings.TrimSpace(q.Get("q")), State: strings.TrimSpace(q.Get("state")), Year: strings.TrimSpace(q.Get("year")),
		Unit: strings.TrimSpace(q.Get("unit")), Area: strings.TrimSpace(q.Get("area"))}
	errs := map[string]string{}
	filter := app.ProjectFilter{Q: v.Query, State: v.State, ContentArea: v.Area, Page: page, PerPage: projectsPerPage}
	if v.Year != "" {
		y, err := strconv.Atoi(v.Year)
		if err != nil || y < 1990 || y > 2100 {
			errs["year"] = locale.T(lang, "webprojects.filter.bad_year")
		}
		filter.Year = y
	}
	if v.State != "" && !slices.Contains(projectStates, v.State) {
		errs["state"] = locale.T(lang, "field.invalid_choice", v.State)
	}
	units, err := s.filterUnits(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Unit = unitCode(v.Unit, units)
	filter.Unit = v.Unit
	for _, u := range units {
		v.Units = append(v.Units, choice{Value: u.Code, Label: u.Name})
	}
	for _, st := range projectStates {
		v.States = append(v.States, choice{Value: st, Label: stateLabel(lang, st), Selected: st == v.State})
	}
	areas, err := s.app.ContentAreas(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	areaNames := map[string]string{}
	for _, a := range areas {
		areaNames[a.Code] = a.Name
		v.Areas = append(v.Areas, choice{Value: a.Code, Label: a.Code + " — " + a.Name, Selected: a.Code == v.Area})
	}
	v.Filtered = v.State != "" || v.Year != "" || v.Unit != "" || v.Area != ""
	p := app.PrincipalFrom(ctx)
	v.CanDraft = canDraft(p)

	status := http.StatusOK
	var res app.ProjectPage
	if len(errs) == 0 {
		res, err = s.app.Projects(ctx, filter)
		if err != nil {
			fes := kc.FieldErrors(err)
			if len(fes) == 0 {
				s.fail(w, r, err)
				return
			}
			for _, fe := range fes {
				field := strings.ToLower(fe.Field)
				if field == "contentarea" || field == "content_area" {
					field = "area"
				}
				if _, dup := errs[field]; !dup {
					errs[field] = locale.T(lang, fe.Key, fe.Args...)
				}
			}
		}
	}
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	for _, row := range res.Rows {
		area := row.ContentArea
		if n := areaNames[area]; n != "" {
			area += " — " + n
		}
		v.Rows = append(v.Rows, projectRowView{ID: row.ID, Code: row.Code, Title: row.Title, State: row.State, StateLabel: stateLabel(lang, row.State),
			StateClass: stateBadge(row.State), Area: area, Commune: row.CommuneName, Year: row.Year, StateSupport: row.StateSupport,
			Counterpart: row.Counterpart, Overdue: row.Overdue})
	}
	v.Total = res.Total
	if len(errs) == 0 && v.Unit != "" {
		v.UnitNote = s.formerUnitNote(ctx, lang, v.Unit)
	}
	base := url.Values{}
	for k, val := range map[string]string{"q": v.Query, "state": v.State, "year": v.Year, "unit": v.Unit, "area": v.Area} {
		if val != "" {
			base.Set(k, val)
		}
	}
	v.Pager = newPager(lang, page, projectsPerPage, res.Total, base, "/projects")
	if ds, err := s.app.Deadlines(ctx, s.today()); err != nil {
		s.log.Warn("project deadlines", "id", requestID(r), "err", err)
		v.DeadlineError = locale.T(lang, kc.AsError(err).Key)
	} else {
		for _, d := range ds {
			v.Deadlines = append(v.Deadlines, newDeadlineView(lang, d))
		}
	}
	pg := s.page(r, locale.T(lang, "webprojects.title"), "projects", v)
	if len(errs) > 0 {
		pg.Errors = errs
	}
	pg.Flash = s.sessions.PopString(ctx, flashKey)
	s.render(w, r, status, "projects", pg)
}

// projectID parses the {id} wildcard; a malformed id is "not found".
func projectID(r *http.Request) (int64, error) { return pathID(r) }

// projectFormBytes bounds the body of the project forms (a long cost
// estimate fits in far less).
const projectFormBytes = 1 << 20

// projectPost reads the project id of a POST and parses its form; on
// failure it has answered.
func (s *Server) projectPost(w http.ResponseWriter, r *http.Request) (int64, bool) {
	return s.postedID(w, r, projectFormBytes)
}

// projectURL is the address of project id's page with an anchor.
func projectURL(id int64, anchor string) string {
	u := "/projects/" + strconv.FormatInt(id, 10)
	if anchor != "" {
		u += "#" + anchor
	}
	return u
}

// checkView is a funding check as shown: the arithmetic, the problems
// that refuse the project and the warnings, each in words.
type checkView struct {
	Scheme    string
	Version   int
	Confirmed bool
	Lines     []string
	Problems  []string
	Warnings  []string
	// Errors are input errors that kept the check from running.
	Errors []string
	// OK is set when the check ran and found no problem.
	OK bool
}

// newCheckView presents c in lang.
func newCheckView(lang string, c app.FundingCheck) *checkView {
	cv := &checkView{Scheme: c.Scheme, Version: c.SchemeVersion, Confirmed: c.Confirmed}
	for _, l := range c.Lines {
		cv.Lines = append(cv.Lines, locale.T(lang, l.Key, l.Args...))
	}
	for _, p := range c.Problems {
		if p != nil {
			cv.Problems = append(cv.Problems, locale.T(lang, p.Key, p.Args...))
		}
	}
	for _, l := range c.Warnings {
		cv.Warnings = append(cv.Warnings, locale.T(lang, l.Key, l.Args...))
	}
	cv.OK = len(cv.Problems) == 0
	return cv
}

// costRowView is one line of the cost estimate.
type costRowView struct {
	N                          int
	Item                       string
	Quantity, UnitCost, Amount int64
}

// fundingRowView is one funding source with its amounts at every step.
type fundingRowView struct {
	Source, Label                        string
	Planned, Approved, Advanced, Settled int64
}

// reconRowView is the settlement of one source.
type reconRowView struct {
	Label                                        string
	Approved, Advanced, Settled, ToPay, ToRefund int64
}

// eventRowView is one step of the timeline.
type eventRowView struct {
	At, From, To, Actor, Note, DocumentRef string
	ToState                                string
}

// reportRowView is one progress report.
type reportRowView struct {
	Period, SubmittedOn, Note string
	ProgressPct               int
	Spent                     int64
}

// scoreRowView is one council member's scores in the items' order.
type scoreRowView struct {
	Name, At, Comment string
	Scores            []int
	Total             int
}

// scoreInputView is one item of the score form.
type scoreInputView struct {
	Code, Label, Value, Error string
	MaxScore                  int
}

// actionField is one input of an action's form.
type actionField struct {
	Name, ID, Label, Type, Value, Error, Hint string
	Required                                  bool
}

// actionView is one action of the state machine as the page offers it:
// allowed with its form, or listed greyed with the reason why not.
type actionView struct {
	Action, Label string
	Allowed       bool
	Reason        string
	Fields        []actionField
	// Error is a message about the whole action (a wrong state, a
	// refused funding check) after a failed attempt.
	Error string
}

// reportFormView is the progress report form as submitted.
type reportFormView struct {
	Period, SubmittedOn, ProgressPct, Spent, Note string
}

// followUpFormView is a follow-up form (12 or 24 months after acceptance).
type followUpFormView struct {
	Months                 int
	Label, Due             string
	Workers, Revenue       string
	WorkersError, RevError string
	Error                  string
}

// projectPageView is the data of the project page.
type projectPageView struct {
	app.ProjectView
	StateLabel, StateClass, AreaName, LevelLabel string
	Year                                         int
	Costs                                        []costRowView
	TotalCost                                    int64
	Funding                                      []fundingRowView
	FundingTotal                                 fundingRowView
	Beneficiaries                                []choice
	CheckView                                    *checkView
	// Appraisal.
	ScoreItems  []app.ScoreItem
	ScoreRows   []scoreRowView
	Average     string
	ShowAverage bool
	Scorers     int
	CanScore    bool
	ScoreInputs []scoreInputView
	Comment     string
	ScoreError  string
	MineTotal   int
	HasMine     bool
	// Progress reports.
	ReportRows   []reportRowView
	CanReport    bool
	ReportForm   reportFormView
	ReportError  string
	Outputs      []choice
	Recon        []reconRowView
	Events       []eventRowView
	DeadlineRows []deadlineView
	FollowUps    []followUpFormView
	Actions      []actionView
	ActionError  string
	Forbidden    []actionView
	CanEdit      bool
	Today        string
}

// projectForms carries what a failed post submitted, to show it again
// with the errors next to the fields.
type projectForms struct {
	Action       string
	ActionValues url.Values
	Errors       map[string]string
	Scores       url.Values
	Report       *reportFormView
	FollowUp     *followUpFormView
}

// showProject shows one project; outside the caller's scope the app
// answers ENotFound and the page is a 404.
func (s *Server) showProject(w http.ResponseWriter, r *http.Request) {
	id, err := projectID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderProject(w, r, id, http.StatusOK, projectForms{})
}

// renderProject renders project id's page with status and the submitted
// values and errors of a failed form.
func (s *Server) renderProject(w http.ResponseWriter, r *http.Request, id int64, status int, forms projectForms) {
	ctx := r.Context()
	v, err := s.app.Project(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r)
	pv := s.projectPage(r, lang, v, forms)
	pg := s.page(r, v.Code+" · "+v.Title, "projects", pv)
	pg.Errors = forms.Errors
	if status == http.StatusOK {
		pg.Flash = s.sessions.PopString(ctx, flashKey)
	}
	s.render(w, r, status, "project", pg)
}

// projectPage builds the page data of v for the caller.
func (s *Server) projectPage(r *http.Request, lang string, v app.ProjectView, forms projectForms) projectPageView {
	ctx := r.Context()
	p := app.PrincipalFrom(ctx)
	pv := projectPageView{ProjectView: v, StateLabel: stateLabel(lang, v.State), StateClass: stateBadge(v.State), Year: v.Project.Year,
		LevelLabel: locale.T(lang, "webprojects.level."+v.Level), Today: s.today().String()}
	pv.AreaName = v.ContentArea
	if n := s.contentAreas(ctx)[v.ContentArea]; n != "" {
		pv.AreaName += " — " + n
	}
	for i, c := range v.CostLines {
		pv.Costs = append(pv.Costs, costRowView{N: i + 1, Item: c.Item, Quantity: c.Quantity, UnitCost: c.UnitCost, Amount: c.Amount})
		pv.TotalCost += c.Amount
	}
	for _, f := range v.Funding {
		pv.Funding = append(pv.Funding, fundingRowView{Source: f.Source, Label: locale.T(lang, "dash.source."+f.Source),
			Planned: f.Planned, Approved: f.Approved, Advanced: f.Advanced, Settled: f.Settled})
		pv.FundingTotal.Planned += f.Planned
		pv.FundingTotal.Approved += f.Approved
		pv.FundingTotal.Advanced += f.Advanced
		pv.FundingTotal.Settled += f.Settled
	}
	for _, id := range v.Beneficiaries {
		name := v.BeneficiaryNames[id]
		if name == "" {
			name = "#" + strconv.FormatInt(id, 10)
		}
		pv.Beneficiaries = append(pv.Beneficiaries, choice{Value: strconv.FormatInt(id, 10), Label: name})
	}
	pv.CheckView = newCheckView(lang, v.Check)

	// Appraisal: the sheet, the members' scores (the app decides who may
	// see them), the average, and the form for a council member.
	ap := v.Appraisal
	pv.ScoreItems = ap.Items
	pv.Scorers = ap.Count
	pv.ShowAverage = len(ap.Members) > 0
	if pv.ShowAverage {
		pv.Average = strings.Replace(strconv.FormatFloat(ap.Average, 'f', 1, 64), ".", decimalSep(lang), 1)
	}
	for _, m := range ap.Members {
		row := scoreRowView{Name: m.Name, Comment: m.Comment, Total: m.Total}
		if !m.At.IsZero() {
			row.At = vi.FormatDateTime(m.At)
		}
		for _, it := range ap.Items {
			row.Scores = append(row.Scores, m.Scores[it.Code])
		}
		pv.ScoreRows = append(pv.ScoreRows, row)
	}
	if ap.Mine != nil {
		pv.HasMine, pv.MineTotal, pv.Comment = true, ap.Mine.Total, ap.Mine.Comment
	}
	pv.CanScore = p != nil && auth.Can(p.User.Role, auth.PermScoreProjects) && v.State == kc.StateRegistered
	if pv.CanScore {
		for _, it := range ap.Items {
			in := scoreInputView{Code: it.Code, Label: it.Label, MaxScore: it.MaxScore}
			if ap.Mine != nil {
				if sc, ok := ap.Mine.Scores[it.Code]; ok {
					in.Value = strconv.Itoa(sc)
				}
			}
			if forms.Scores != nil {
				in.Value = strings.TrimSpace(forms.Scores.Get("score." + it.Code))
			}
			in.Error = forms.Errors["score."+it.Code]
			pv.ScoreInputs = append(pv.ScoreInputs, in)
		}
		if forms.Scores != nil {
			pv.Comment = strings.TrimSpace(forms.Scores.Get("comment"))
		}
	}
	pv.ScoreError = forms.Errors["score"]

	for _, rep := range v.Reports {
		row := reportRowView{Period: rep.Period, Note: rep.Note, ProgressPct: rep.ProgressPct, Spent: rep.Spent}
		if !rep.SubmittedOn.IsZero() {
			row.SubmittedOn = vi.FormatDay(rep.SubmittedOn.Time())
		}
		pv.ReportRows = append(pv.ReportRows, row)
	}
	pv.CanReport = canDraft(p) && v.State == kc.StateInProgress
	pv.ReportForm = reportFormView{Period: s.today().Time().Format("2006-01"), SubmittedOn: s.today().String()}
	if !pv.CanReport {
		pv.ReportError = forms.Errors["report"]
	}
	if forms.Report != nil {
		pv.ReportForm = *forms.Report
		pv.ReportError = strings.Join(unmatchedErrors(forms.Errors, "report", forms.Errors["report"], func(f string) bool {
			return slices.Contains([]string{"period", "submitted_on", "progress_pct", "spent", "note"}, f)
		}), " ")
	}
	for _, o := range v.Outputs {
		pv.Outputs = append(pv.Outputs, choice{Value: vi.FormatNumber(o.Value), Label: locale.T(lang, "webprojects.output."+o.Kind)})
	}
	for _, rc := range v.Reconciliation {
		pv.Recon = append(pv.Recon, reconRowView{Label: locale.T(lang, "dash.source."+rc.Source), Approved: rc.Approved, Advanced: rc.Advanced,
			Settled: rc.Settled, ToPay: rc.ToPay, ToRefund: rc.ToRefund})
	}
	for _, e := range v.Events {
		row := eventRowView{At: vi.FormatDateTime(e.At), To: stateLabel(lang, e.To), ToState: e.To, Note: e.Note, DocumentRef: e.DocumentRef,
			Actor: eventActor(lang, p, e)}
		if e.From != "" {
			row.From = stateLabel(lang, e.From)
		}
		pv.Events = append(pv.Events, row)
	}
	for _, d := range v.Deadlines {
		dv := newDeadlineView(lang, d)
		pv.DeadlineRows = append(pv.DeadlineRows, dv)
		months := map[string]int{"follow_up_12": 12, "follow_up_24": 24}[d.Kind]
		if months == 0 || !canDraft(p) || !(dv.Overdue || dv.Soon) {
			continue
		}
		fu := followUpFormView{Months: months, Label: dv.KindLabel, Due: dv.Due}
		if forms.FollowUp != nil && forms.FollowUp.Months == months {
			fu = *forms.FollowUp
			fu.Label, fu.Due = dv.KindLabel, dv.Due
		}
		pv.FollowUps = append(pv.FollowUps, fu)
	}
	pv.CanEdit = v.State == kc.StateDraft && canDraft(p)

	// Actions: every action of the machine from this state; allowed ones
	// get their form, the others are listed with the reason.
	opts := slices.Clone(v.Actions)
	slices.SortStableFunc(opts, func(a, b app.ActionOption) int {
		return actionRank(a.Action) - actionRank(b.Action)
	})
	for _, o := range opts {
		av := actionView{Action: o.Action, Label: locale.T(lang, "webprojects.action."+o.Action), Allowed: o.Allowed}
		if !o.Allowed {
			if o.Reason != nil {
				av.Reason = locale.T(lang, o.Reason.Key, o.Reason.Args...)
			}
			pv.Forbidden = append(pv.Forbidden, av)
			continue
		}
		var posted url.Values
		if forms.Action == o.Action {
			posted = forms.ActionValues
			av.Error = forms.Errors["t."+o.Action]
		}
		av.Fields = s.actionFields(lang, v, o.Action, posted, forms.Errors)
		if forms.Action == o.Action {
			av.Error = strings.Join(unmatchedErrors(forms.Errors, "t."+o.Action, av.Error, func(name string) bool {
				return slices.ContainsFunc(av.Fields, func(f actionField) bool { return f.Name == name })
			}), " ")
		}
		pv.Actions = append(pv.Actions, av)
	}
	// A failed step whose form is not offered (any more) still says why.
	if forms.Action != "" && !slices.ContainsFunc(pv.Actions, func(a actionView) bool { return a.Action == forms.Action }) {
		pv.ActionError = strings.Join(unmatchedErrors(forms.Errors, "t."+forms.Action, forms.Errors["t."+forms.Action], func(string) bool { return false }), " ")
	}
	return pv
}

// unmatchedErrors returns first (when set) and then, in key order, the
// messages of errs under prefix+"." whose field shown does not report,
// so that no message of a failed post is lost.
func unmatchedErrors(errs map[string]string, prefix, first string, shown func(field string) bool) []string {
	var out []string
	if first != "" {
		out = append(out, first)
	}
	for _, k := range sortedKeys(errs) {
		field, ok := strings.CutPrefix(k, prefix+".")
		if ok && !shown(field) && !slices.Contains(out, errs[k]) {
			out = append(out, errs[k])
		}
	}
	return out
}

// decimalSep is the decimal separator of lang.
func decimalSep(lang string) string {
	if lang == "vi" {
		return ","
	}
	return "."
}

// actionRank orders actions as projectActions lists them; unknown ones
// come last.
func actionRank(a string) int {
	if i := slices.Index(projectActions, a); i >= 0 {
		return i
	}
	return len(projectActions)
}

// eventActor names who took a step: the name the app gives, else the
// account id, else "hệ thống".
func eventActor(lang string, p *app.Principal, e kc.ProjectEvent) string {
	if n := eventActorName(p, e); n != "" {
		return n
	}
	if e.ActorID == 0 {
		return locale.T(lang, "webprojects.event.system")
	}
	return locale.T(lang, "webprojects.event.user", e.ActorID)
}

// actionFields returns the inputs of action's form for v: the step's
// date, and what the step needs (decision number, reason, document
// reference, amounts per source, outputs), filled with posted values after
// a failed attempt, else with defaults (today, the planned or approved
// amounts). errs holds the messages keyed "t.<action>.<field>".
func (s *Server) actionFields(lang string, v app.ProjectView, action string, posted url.Values, errs map[string]string) []actionField {
	var fields []actionField
	add := func(name, typ, labelKey string, required bool, def string, labelArgs ...any) {
		f := actionField{Name: name, ID: "act-" + action + "-" + strings.ReplaceAll(name, ".", "-"), Type: typ,
			Label: locale.T(lang, labelKey, labelArgs...), Required: required, Value: def,
			Error: errs["t."+action+"."+name]}
		if posted != nil {
			f.Value = strings.TrimSpace(posted.Get(name))
		}
		fields = append(fields, f)
	}
	today := s.today().String()
	amounts := func(prefix string, pick func(kc.Funding) (int64, bool)) {
		for _, f := range v.Funding {
			def, ok := pick(f)
			if !ok {
				continue
			}
			val := ""
			if def > 0 {
				val = strconv.FormatInt(def, 10)
			}
			add(prefix+"."+f.Source, "number", "webprojects.act.amount_"+prefix, false, val, locale.T(lang, "dash.source."+f.Source))
		}
	}
	switch action {
	case "register", "appraise":
		add("on", "date", "webprojects.act.on_"+action, false, today)
		add("note", "text", "webprojects.act.note", false, "")
	case "approve":
		add("decision_no", "text", "webprojects.act.decision_no", true, "")
		add("on", "date", "webprojects.act.on_decision", true, today)
		amounts("approved", func(f kc.Funding) (int64, bool) { return f.Planned, f.Planned > 0 || f.Approved > 0 })
		add("note", "text", "webprojects.act.note", false, "")
	case "reject":
		add("decision_no", "text", "webprojects.act.decision_no", true, "")
		add("on", "date", "webprojects.act.on_decision", true, today)
		add("reason", "textarea", "webprojects.act.reason", true, "")
	case "start":
		add("on", "date", "webprojects.act.on_start", false, today)
		add("document_ref", "text", "webprojects.act.contract_no", false, "")
		amounts("advances", func(f kc.Funding) (int64, bool) {
			return 0, f.Source != kc.SourceCounterpart && f.Approved > 0
		})
		add("note", "text", "webprojects.act.note", false, "")
	case "accept":
		add("document_ref", "text", "webprojects.act.minutes_no", true, "")
		add("on", "date", "webprojects.act.on_accept", true, today)
		for _, k := range projectOutputKinds {
			required := v.ContentArea == kc.ContentTraining && (k == "trainees" || k == "trainees_employed")
			add("outputs."+k, "number", "webprojects.output."+k, required, "")
		}
		add("note", "text", "webprojects.act.note", false, "")
	case "settle":
		add("on", "date", "webprojects.act.on_settle", true, today)
		amounts("settled", func(f kc.Funding) (int64, bool) { return f.Approved, f.Approved > 0 })
		add("note", "text", "webprojects.act.note", false, "")
	case "close":
		add("document_ref", "text", "webprojects.act.liquidation_no", false, "")
		add("on", "date", "webprojects.act.on_close", false, today)
		add("note", "text", "webprojects.act.note", false, "")
	case "adjust":
		add("decision_no", "text", "webprojects.act.decision_no", true, "")
		add("on", "date", "webprojects.act.on_decision", true, today)
		add("reason", "textarea", "webprojects.act.reason", true, "")
		amounts("approved", func(f kc.Funding) (int64, bool) { return f.Approved, true })
		add("ends_on", "date", "webprojects.act.ends_on", false, v.EndsOn.String())
	case "cancel", "withdraw":
		add("reason", "textarea", "webprojects.act.reason", true, "")
		add("on", "date", "webprojects.act.on_"+action, false, today)
	default:
		add("on", "date", "webprojects.act.on", false, today)
		add("note", "text", "webprojects.act.note", false, "")
	}
	for i := range fields {
		if strings.Contains(fields[i].Name, ".") || fields[i].Type == "number" {
			fields[i].Hint = locale.T(lang, "webprojects.act.dong")
			if strings.HasPrefix(fields[i].Name, "outputs.") {
				fields[i].Hint = ""
			}
		}
	}
	return fields
}

// transitionOf reads an action's form: the step's date, texts, amounts
// per source and outputs. Input errors are keyed "t.<action>.<field>".
func transitionOf(lang string, form url.Values) (app.Transition, map[string]string) {
	action := strings.TrimSpace(form.Get("action"))
	t := app.Transition{Action: action, DecisionNo: cleanText(form.Get("decision_no")), Reason: cleanText(form.Get("reason")),
		DocumentRef: cleanText(form.Get("document_ref")), Note: cleanText(form.Get("note"))}
	errs := map[string]string{}
	t.Version, _ = strconv.Atoi(form.Get("version"))
	day := func(name string) kc.Date {
		d, ok := parseDay(cleanText(form.Get(name)))
		if !ok {
			errs["t."+action+"."+name] = locale.T(lang, "record.error.date")
		}
		return d
	}
	t.On = day("on")
	t.EndsOn = day("ends_on")
	for _, prefix := range []string{"approved", "advances", "settled"} {
		m := map[string]int64{}
		for _, src := range kc.FundingSources {
			name := prefix + "." + src
			raw := cleanText(form.Get(name))
			if raw == "" {
				continue
			}
			n, ok := parseAmount(raw)
			if !ok {
				errs["t."+action+"."+name] = locale.T(lang, "record.error.number")
				continue
			}
			m[src] = n
		}
		if len(m) == 0 {
			continue
		}
		switch prefix {
		case "approved":
			t.Approved = m
		case "advances":
			t.Advances = m
		case "settled":
			t.Settled = m
		}
	}
	for _, k := range projectOutputKinds {
		name := "outputs." + k
		raw := cleanText(form.Get(name))
		if raw == "" {
			continue
		}
		n, ok := parseAmount(raw)
		if !ok {
			errs["t."+action+"."+name] = locale.T(lang, "record.error.number")
			continue
		}
		t.Outputs = append(t.Outputs, kc.Output{Kind: k, Value: n})
	}
	return t, errs
}

// cleanText trims a form value and puts it in NFC.
func cleanText(s string) string { return strings.TrimSpace(vi.NFC(s)) }

// parseAmount reads a whole number written with or without digit grouping
// ("150.000.000", "150 000 000", "150000000 đồng"); ok is false for
// anything else, negative numbers included.
func parseAmount(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(s, "đồng")), "đ"), "₫")
	s = strings.Map(func(r rune) rune {
		switch r {
		case '.', ',', ' ', '\u00a0':
			return -1
		}
		return r
	}, s)
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// transitionField maps a field of an app error about a transition to the
// name of the action form's input: "DecisionNo" → "decision_no",
// "advances.provincial" stays, "Outputs.trainees" → "outputs.trainees".
func transitionField(field string) string {
	f := strings.ToLower(strings.NewReplacer("[", ".", "]", "").Replace(field))
	head, rest, dotted := strings.Cut(f, ".")
	head = strings.ReplaceAll(head, "_", "")
	switch head {
	case "decisionno":
		head = "decision_no"
	case "documentref":
		head = "document_ref"
	case "endson":
		head = "ends_on"
	case "on", "date":
		head = "on"
	}
	if dotted {
		return head + "." + rest
	}
	return head
}

// transitionProject runs one lifecycle step from the action's form. On
// success it redirects (303) to the page with a notice; on failure the
// page is shown again with the message next to the field (422), or next
// to the action when it is about the step as a whole (409 for a wrong
// state or a stale version, 403 for a role that may not).
func (s *Server) transitionProject(w http.ResponseWriter, r *http.Request) {
	id, ok := s.projectPost(w, r)
	if !ok {
		return
	}
	lang := s.lang(r)
	t, errs := transitionOf(lang, r.PostForm)
	if !slices.Contains(projectActions, t.Action) {
		s.fail(w, r, kc.Errorf(kc.EInvalid, "error.bad_request"))
		return
	}
	forms := projectForms{Action: t.Action, ActionValues: r.PostForm, Errors: errs}
	if len(errs) > 0 {
		forms.Errors["t."+t.Action] = locale.T(lang, "error.validation")
		s.renderProject(w, r, id, http.StatusUnprocessableEntity, forms)
		return
	}
	if _, err := s.app.Transition(r.Context(), id, t); err != nil {
		status, ok := s.actionError(lang, err, "t."+t.Action, t.Action, forms.Errors)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.renderProject(w, r, id, status, forms)
		return
	}
	s.sessions.Put(r.Context(), flashKey, locale.T(lang, "webprojects.done."+t.Action))
	http.Redirect(w, r, projectURL(id, ""), http.StatusSeeOther)
}

// actionError puts the message of an app error about a form post into
// errs: field errors under prefix.field (through transitionField when
// action is set), anything else under prefix. It returns the status to
// answer, and false for an error that belongs on the error page (not
// found, internal).
func (s *Server) actionError(lang string, err error, prefix, action string, errs map[string]string) (int, bool) {
	e := kc.AsError(err)
	switch e.Code {
	case kc.ENotFound, kc.EInternal, kc.EUnauthenticated:
		return 0, false
	}
	fes := kc.FieldErrors(err)
	for _, fe := range fes {
		field := strings.ToLower(fe.Field)
		if action != "" {
			field = transitionField(fe.Field)
		}
		k := prefix + "." + field
		if _, dup := errs[k]; !dup {
			errs[k] = locale.T(lang, fe.Key, fe.Args...)
		}
	}
	if len(fes) == 0 {
		errs[prefix] = locale.T(lang, e.Key, e.Args...)
	}
	return statusOf(e.Code), true
}

// scoreProject records the signed-in council member's scores of a
// registered project: each item 0..max and a comment.
func (s *Server) scoreProject(w http.ResponseWriter, r *http.Request) {
	id, ok := s.projectPost(w, r)
	if !ok {
		return
	}
	lang := s.lang(r)
	errs := map[string]string{}
	scores := map[string]int{}
	for k, vals := range r.PostForm {
		code, ok := strings.CutPrefix(k, "score.")
		if !ok || len(vals) == 0 {
			continue
		}
		raw := cleanText(vals[0])
		if raw == "" {
			errs[k] = locale.T(lang, "field.required")
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			errs[k] = locale.T(lang, "record.error.number")
			continue
		}
		scores[code] = n
	}
	forms := projectForms{Scores: r.PostForm, Errors: errs}
	if len(errs) > 0 {
		errs["score"] = locale.T(lang, "error.validation")
		s.renderProject(w, r, id, http.StatusUnprocessableEntity, forms)
		return
	}
	if _, err := s.app.SubmitScores(r.Context(), id, scores, cleanText(r.PostForm.Get("comment"))); err != nil {
		e := kc.AsError(err)
		if e.Code == kc.ENotFound || e.Code == kc.EInternal || e.Code == kc.EUnauthenticated {
			s.fail(w, r, err)
			return
		}
		for _, fe := range kc.FieldErrors(err) {
			field, ok := strings.CutPrefix(fe.Field, "scores.")
			k := "score." + field
			if !ok {
				k = "score"
			}
			if _, dup := errs[k]; !dup {
				errs[k] = locale.T(lang, fe.Key, fe.Args...)
			}
		}
		if _, dup := errs["score"]; !dup {
			if len(kc.FieldErrors(err)) == 0 {
				errs["score"] = locale.T(lang, e.Key, e.Args...)
			} else {
				errs["score"] = locale.T(lang, "error.validation")
			}
		}
		s.renderProject(w, r, id, statusOf(e.Code), forms)
		return
	}
	s.sessions.Put(r.Context(), flashKey, locale.T(lang, "webprojects.done.scores"))
	http.Redirect(w, r, projectURL(id, "appraisal"), http.StatusSeeOther)
}

// reportProject records a monthly progress report of a project in
// progress.
func (s *Server) reportProject(w http.ResponseWriter, r *http.Request) {
	id, ok := s.projectPost(w, r)
	if !ok {
		return
	}
	lang := s.lang(r)
	form := r.PostForm
	f := reportFormView{Period: cleanText(form.Get("period")), SubmittedOn: cleanText(form.Get("submitted_on")),
		ProgressPct: cleanText(form.Get("progress_pct")), Spent: cleanText(form.Get("spent")), Note: cleanText(form.Get("note"))}
	errs := map[string]string{}
	rep := app.ProgressReport{Period: f.Period, Note: f.Note}
	if d, ok := parseDay(f.SubmittedOn); ok {
		rep.SubmittedOn = d
	} else {
		errs["report.submitted_on"] = locale.T(lang, "record.error.date")
	}
	if f.ProgressPct != "" {
		n, err := strconv.Atoi(f.ProgressPct)
		if err != nil {
			errs["report.progress_pct"] = locale.T(lang, "record.error.number")
		}
		rep.ProgressPct = n
	}
	if n, ok := parseAmount(f.Spent); ok {
		rep.Spent = n
	} else {
		errs["report.spent"] = locale.T(lang, "record.error.number")
	}
	forms := projectForms{Report: &f, Errors: errs}
	var err error
	if len(errs) == 0 {
		_, err = s.app.AddProgressReport(r.Context(), id, rep)
	}
	if len(errs) == 0 && err == nil {
		s.sessions.Put(r.Context(), flashKey, locale.T(lang, "webprojects.done.report"))
		http.Redirect(w, r, projectURL(id, "reports"), http.StatusSeeOther)
		return
	}
	status := http.StatusUnprocessableEntity
	if err != nil {
		var ok bool
		if status, ok = s.actionError(lang, err, "report", "", errs); !ok {
			s.fail(w, r, err)
			return
		}
	}
	s.renderProject(w, r, id, status, forms)
}

// followUpProject records the 12- or 24-month follow-up of an accepted
// project: the beneficiaries' workers and revenue.
func (s *Server) followUpProject(w http.ResponseWriter, r *http.Request) {
	id, ok := s.projectPost(w, r)
	if !ok {
		return
	}
	lang := s.lang(r)
	form := r.PostForm
	months, _ := strconv.Atoi(form.Get("months"))
	f := followUpFormView{Months: months, Workers: cleanText(form.Get("workers")), Revenue: cleanText(form.Get("revenue"))}
	workers, okW := parseAmount(f.Workers)
	revenue, okR := parseAmount(f.Revenue)
	if !okW {
		f.WorkersError = locale.T(lang, "record.error.number")
	}
	if !okR {
		f.RevError = locale.T(lang, "record.error.number")
	}
	if okW && okR {
		err := s.app.RecordFollowUp(r.Context(), id, months, int(workers), revenue)
		if err == nil {
			s.sessions.Put(r.Context(), flashKey, locale.T(lang, "webprojects.done.followup"))
			http.Redirect(w, r, projectURL(id, "deadlines"), http.StatusSeeOther)
			return
		}
		errs := map[string]string{}
		status, ok := s.actionError(lang, err, "followup", "", errs)
		if !ok {
			s.fail(w, r, err)
			return
		}
		f.WorkersError, f.RevError = errs["followup.workers"], errs["followup.revenue"]
		f.Error = strings.Join(unmatchedErrors(errs, "followup", errs["followup"], func(f string) bool { return f == "workers" || f == "revenue" }), " ")
		s.renderProject(w, r, id, status, projectForms{FollowUp: &f})
		return
	}
	s.renderProject(w, r, id, http.StatusUnprocessableEntity, projectForms{FollowUp: &f})
}

// deleteProject deletes a draft and returns to the list with a notice.
func (s *Server) deleteProject(w http.ResponseWriter, r *http.Request) {
	id, err := projectID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.app.Project(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.app.DeleteProject(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), flashKey, locale.T(s.lang(r), "webprojects.deleted", v.Code))
	http.Redirect(w, r, "/projects", http.StatusSeeOther)
}

// renderBlock executes one named template of page name with data (a
// fragment that htmx swaps in) and writes it with status.
func (s *Server) renderBlock(w http.ResponseWriter, r *http.Request, status int, page, block string, data any) {
	t, ok := s.pages[page]
	if !ok {
		panic("web: undeclared page " + page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, data); err != nil {
		s.log.Error("render", "page", page, "block", block, "err", err)
		http.Error(w, locale.T(s.lang(r), "error.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Add("Vary", "HX-Request")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// eventActorName is the name of the account that took step e, as the
// store reads it with the event; for an event built in memory, the
// signed-in user's own name.
func eventActorName(p *app.Principal, e kc.ProjectEvent) string {
	if e.ActorName != "" {
		return e.ActorName
	}
	if p == nil || e.ActorID == 0 || p.User.ID != e.ActorID {
		return ""
	}
	if p.User.DisplayName != "" {
		return p.User.DisplayName
	}
	return p.User.Username
}

// supportRow is one project an establishment benefited from, as its
// record page lists it.
type supportRow struct {
	ProjectID                         int64
	Code, Title, State, StateLabel    string
	StateClass, DecisionNo, DecidedOn string
	Year                              int
	StateSupport, Counterpart         int64
}

// newSupportRow presents it in lang.
func newSupportRow(lang string, it app.SupportItem) supportRow {
	row := supportRow{ProjectID: it.ProjectID, Code: it.Code, Title: it.Title, State: it.State, StateLabel: stateLabel(lang, it.State),
		StateClass: stateBadge(it.State), DecisionNo: it.DecisionNo, Year: it.Year, StateSupport: it.StateSupport, Counterpart: it.Counterpart}
	if !it.DecidedOn.IsZero() {
		row.DecidedOn = vi.FormatDay(it.DecidedOn.Time())
	}
	return row
}
