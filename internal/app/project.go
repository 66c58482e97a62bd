package app

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// ProjectInput is what a draft project form / API body carries.
type ProjectInput struct {
	Title, ContentArea, SchemeCode, Level, ImplementingOrg string // Level: "national" | "local"
	// CommuneID is the current commune (must be in the caller's scope).
	CommuneID int64
	// Year is the plan year.
	Year int
	// StartsOn and EndsOn are the planned schedule.
	StartsOn, EndsOn kc.Date
	Group            bool
	// Beneficiaries are establishment ids (≥1 unless Group).
	Beneficiaries []int64
	// CostLines: Amount is recomputed = Quantity × UnitCost.
	CostLines []kc.CostLine
	// Funding: Planned per source (national, provincial, commune, counterpart, other).
	Funding      []kc.Funding
	ExpectedJobs int
	// Version is the optimistic lock for UpdateProject (0 on create).
	Version int
}

// ProjectFilter selects projects for the list.
type ProjectFilter struct {
	Q     string
	State string
	Year  int
	// Unit is a unit code, old or current, resolved like the registry's.
	Unit        string
	ContentArea string
	Page        int
	PerPage     int
}

// ProjectRow is one line of the project list.
type ProjectRow struct {
	ID                                           int64
	Code, Title, State, ContentArea, CommuneName string
	Year                                         int
	StateSupport, Counterpart                    int64
	Overdue                                      bool
}

// ProjectPage is one page of the project list.
type ProjectPage struct {
	Rows                 []ProjectRow
	Total, Page, PerPage int
}

// CheckLine is one line of arithmetic, rendered via the locale catalog.
type CheckLine struct {
	Key  string
	Args []any
}

// FundingCheck is the result of checking a project's funding against the
// scheme version in force.
type FundingCheck struct {
	Scheme        string
	SchemeVersion int
	Confirmed     bool
	// Lines are the arithmetic steps.
	Lines []CheckLine
	// Problems are refusals (cap or rate exceeded, counterpart too low,
	// double funding); empty when OK.
	Problems []*kc.Error
	// Warnings are remarks that do not refuse (cap not confirmed).
	Warnings []CheckLine
	// SchemeID and SchemeName identify the version checked against (0
	// when none is in force on the day).
	SchemeID   int64
	SchemeName string
	// Cost is the total cost; StateSupport and Counterpart the amounts
	// checked; MaxSupport the most the state may pay (0 when unset).
	Cost, StateSupport, Counterpart, MaxSupport int64
	// Duplicates are the other projects behind double-funding problems.
	Duplicates []DoubleFunding
}

// DoubleFunding is another project already funding, with state money, a
// cost item of the same establishment over an overlapping period.
type DoubleFunding struct {
	ProjectID       int64
	Code, Title     string
	State           string
	EstablishmentID int64
	Item            string
}

// OK reports whether the check found nothing that refuses the project.
func (c FundingCheck) OK() bool { return len(c.Problems) == 0 }

// ActionOption is one action of the state machine from the project's
// state, allowed or not with the reason.
type ActionOption struct {
	Action  string
	Allowed bool
	// Reason says why not: role, state, missing document, deadline.
	Reason *kc.Error
}

// AppraisalSummary is the council's scoring of a project.
type AppraisalSummary struct {
	Items []ScoreItem
	// Members are only shown to deciders or after the caller's own submission.
	Members []MemberScore
	Average float64
	Count   int
	Mine    *MemberScore
}

// ScoreItem is one criterion of the appraisal score sheet.
type ScoreItem struct {
	Code, Label string
	MaxScore    int
}

// MemberScore is one council member's scores of a project.
type MemberScore struct {
	MemberID int64
	Name     string
	Scores   map[string]int
	Total    int
	Comment  string
	At       time.Time
}

// ProgressReport is one monthly progress report of a project in progress.
type ProgressReport struct {
	// Period is YYYY-MM.
	Period      string
	SubmittedOn kc.Date
	ProgressPct int
	Spent       int64
	Note        string
}

// Deadline is something due on a project.
type Deadline struct {
	ProjectID int64
	Code      string
	Title     string
	// Kind is progress_report, acceptance, settlement, follow_up_12 or follow_up_24.
	Kind     string
	Due      kc.Date
	Overdue  bool
	DaysLeft int
	// Period is the month (YYYY-MM) a progress report is due for.
	Period string
}

// ProjectView is a project with everything its page shows.
type ProjectView struct {
	kc.Project
	Version int
	// SchemeCode and SchemeName name the scheme version the project points
	// at (provisional until approval pins it).
	SchemeCode, SchemeName, CommuneName string
	BeneficiaryNames                    map[int64]string
	Check                               FundingCheck
	Appraisal                           AppraisalSummary
	// Actions are every action of the state machine from this state,
	// allowed or not with the reason.
	Actions   []ActionOption
	Reports   []ProgressReport
	Deadlines []Deadline
	// Reconciliation is per source after settlement (or cancellation
	// with advances): approved, advanced, settled, to pay or to refund.
	Reconciliation []SourceReconciliation
}

// SourceReconciliation is the settlement of one funding source.
type SourceReconciliation struct {
	Source                                       string
	Approved, Advanced, Settled, ToPay, ToRefund int64
}

// Transition is one lifecycle step. Action is one of: register, appraise,
// approve, reject, start, accept, settle, close, adjust, cancel, withdraw.
type Transition struct {
	Action string
	// On is the step's date; zero = today.
	On kc.Date
	// DecisionNo: approve, reject, adjust (required).
	DecisionNo string
	// Reason: reject, cancel, withdraw, adjust (required).
	Reason string
	// DocumentRef: accept (acceptance minutes no., required), close
	// (liquidation record), start (contract no.).
	DocumentRef string
	// Approved: approve/adjust, approved amount per source (default: planned).
	Approved map[string]int64
	// Advances: start, first advance per source (≤ the advance ratio of the approved amount).
	Advances map[string]int64
	// Outputs: accept.
	Outputs []kc.Output
	// Settled: settle, actual spend per source (≤ approved).
	Settled map[string]int64
	// EndsOn: adjust, new end date (optional).
	EndsOn kc.Date
	Note   string
	// Version is the optimistic lock.
	Version int
}

// SupportItem is one project an establishment benefited from.
type SupportItem struct {
	ProjectID                       int64
	Code, Title, State, ContentArea string
	Year                            int
	StateSupport, Counterpart       int64
	DecisionNo                      string
	DecidedOn                       kc.Date
}

// ProjectSettings are the project rules that domain sources leave to the
// province or mark unconfirmed: data in the setting table (keys
// "projects.*"), with these defaults in code. Read them with
// App.ProjectSettings.
type ProjectSettings struct {
	// RegistrationDeadline is the last day ("MM-DD") of the year before
	// the plan year to register a project, per level; "" = none. National:
	// 20 May (TT 36/2013 Art. 10.1); local: none by default.
	RegistrationDeadline map[string]string
	// AdvanceRatioBP caps the first advance per source (basis points of
	// the approved amount): 70 % (TT 36 Art. 13; TTLT 26/2014 Art. 8.2).
	AdvanceRatioBP int
	// SettlementDays is the time from acceptance to the settlement file:
	// 15 days (TT 36 Art. 18).
	SettlementDays int
	// ReportDay is the day of the month a progress report is due by: 25
	// (TT 36 Art. 23).
	ReportDay int
	// MinScorers is the number of council members who must have scored a
	// project before it can be appraised.
	MinScorers int
	// FollowUpMonths are the follow-ups after acceptance: 12 and 24.
	FollowUpMonths []int
	// FollowUpGraceDays: a follow-up overdue by more than this is no longer
	// listed among the deadlines (old projects would flood the list).
	FollowUpGraceDays int
}

// Keys of the project settings in the setting table.
const (
	SettingRegistrationDeadline = "projects.registration_deadline." // + level
	SettingAdvanceRatioBP       = "projects.advance_ratio_bp"
	SettingSettlementDays       = "projects.settlement_days"
	SettingReportDay            = "projects.report_day"
	SettingMinScorers           = "projects.min_scorers"
	SettingFollowUpMonths       = "projects.follow_up_months"
	SettingFollowUpGraceDays    = "projects.follow_up_grace_days"
)

// DefaultProjectSettings returns the settings a fresh installation uses.
func DefaultProjectSettings() ProjectSettings {
	return ProjectSettings{
		RegistrationDeadline: map[string]string{LevelNational: "05-20", LevelLocal: ""},
		AdvanceRatioBP:       7000,
		SettlementDays:       15,
		ReportDay:            25,
		MinScorers:           1,
		FollowUpMonths:       []int{12, 24},
		FollowUpGraceDays:    365,
	}
}

// settingBounds returns the bounds of a numeric project setting, from the
// one table that lists them (projectSettingMetas).
func settingBounds(key string) (lo, hi int) {
	for _, m := range projectSettingMetas {
		if m.key == key {
			return m.min, m.max
		}
	}
	panic("app: no bounds for setting " + key)
}

// parseProjectSettings applies the stored values m over the defaults; a
// value that does not parse is reported and the default kept.
func parseProjectSettings(m map[string]string) (ProjectSettings, []string) {
	s := DefaultProjectSettings()
	var bad []string
	for _, level := range []string{LevelNational, LevelLocal} {
		if v, ok := m[SettingRegistrationDeadline+level]; ok {
			v = strings.TrimSpace(v)
			if v == "" || validMonthDay(v) {
				s.RegistrationDeadline[level] = v
			} else {
				bad = append(bad, SettingRegistrationDeadline+level)
			}
		}
	}
	ints := []struct {
		key string
		dst *int
	}{
		{SettingAdvanceRatioBP, &s.AdvanceRatioBP},
		{SettingSettlementDays, &s.SettlementDays},
		{SettingReportDay, &s.ReportDay},
		{SettingMinScorers, &s.MinScorers},
		{SettingFollowUpGraceDays, &s.FollowUpGraceDays},
	}
	for _, it := range ints {
		v, ok := m[it.key]
		if !ok {
			continue
		}
		lo, hi := settingBounds(it.key)
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < lo || n > hi {
			bad = append(bad, it.key)
			continue
		}
		*it.dst = n
	}
	if v, ok := m[SettingFollowUpMonths]; ok {
		var months []int
		okAll := true
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if lo, hi := settingBounds(SettingFollowUpMonths); err != nil || n < lo || n > hi {
				okAll = false
				break
			}
			months = append(months, n)
		}
		if okAll {
			slices.Sort(months)
			s.FollowUpMonths = slices.Compact(months)
		} else {
			bad = append(bad, SettingFollowUpMonths)
		}
	}
	return s, bad
}

// validMonthDay reports whether s is "MM-DD" of a day every year has.
func validMonthDay(s string) bool {
	t, err := time.Parse("01-02", s)
	return err == nil && t.Format("01-02") == s && s != "02-29"
}

// projectSettings reads the project settings inside tx.
func (a *App) projectSettings(ctx context.Context, tx *store.Tx) (ProjectSettings, error) {
	m, err := tx.SettingsWithPrefix(ctx, "projects.")
	if err != nil {
		return ProjectSettings{}, err
	}
	s, bad := parseProjectSettings(m)
	if len(bad) > 0 {
		a.Log.Warn("projects: settings not understood, defaults used", "keys", bad)
	}
	return s, nil
}

// ProjectSettings returns the project settings in force (the stored values
// over the defaults).
func (a *App) ProjectSettings(ctx context.Context) (ProjectSettings, error) {
	var s ProjectSettings
	err := a.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		s, err = a.projectSettings(ctx, tx)
		return err
	})
	return s, err
}

// SetProjectSetting stores one project setting (a key of the Setting*
// constants; the registration deadline key ends with the level), checked
// like it is read, and audits it. Administrators only.
func (a *App) SetProjectSetting(ctx context.Context, key, value string) error {
	if _, err := requirePerm(ctx, auth.PermManageSettings); err != nil {
		return err
	}
	key, value = strings.TrimSpace(key), strings.TrimSpace(value)
	known := []string{SettingRegistrationDeadline + LevelNational, SettingRegistrationDeadline + LevelLocal, SettingAdvanceRatioBP,
		SettingSettlementDays, SettingReportDay, SettingMinScorers, SettingFollowUpMonths, SettingFollowUpGraceDays}
	if !slices.Contains(known, key) {
		return kc.FieldError("key", "projects.err.setting_unknown", key)
	}
	if _, bad := parseProjectSettings(map[string]string{key: value}); len(bad) > 0 {
		return kc.FieldError("value", "projects.err.setting_value", key, value)
	}
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.Setting(ctx, key)
		if err != nil && kc.ErrorCode(err) != kc.ENotFound {
			return err
		}
		if err := tx.SetSetting(ctx, key, value); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionUpdate, "setting", 0, map[string]string{key: old}, map[string]string{key: value})
	})
}

// RegistrationDeadlineFor returns the last day to register a project of the
// level for plan year year, and false when the level has none.
func (s ProjectSettings) RegistrationDeadlineFor(level string, year int) (kc.Date, bool) {
	md := s.RegistrationDeadline[level]
	if md == "" {
		return kc.Date{}, false
	}
	t, err := time.Parse("01-02", md)
	if err != nil {
		return kc.Date{}, false
	}
	return kc.NewDate(year-1, t.Month(), t.Day()), true
}

// projectInScope reports whether a project registered in unit communeID
// is in p's scope: the unit itself, or the current communes its area went
// into (projects keep the unit of their registration day).
func projectInScope(ctx context.Context, tx *store.Tx, p *Principal, communeID int64) (bool, error) {
	if p.All || p.InScope(communeID) {
		return true, nil
	}
	cur, err := tx.CurrentCommunesOf(ctx, communeID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(cur, p.InScope), nil
}

// scopedProject reads project id with its version inside tx; outside the
// caller's scope it is ENotFound, like the registry.
func scopedProject(ctx context.Context, tx *store.Tx, p *Principal, id int64) (kc.Project, int, error) {
	pr, version, err := tx.GetProject(ctx, id)
	if err != nil {
		return pr, 0, err
	}
	ok, err := projectInScope(ctx, tx, p, pr.CommuneID)
	if err != nil {
		return pr, 0, err
	}
	if !ok {
		return pr, 0, notFound()
	}
	return pr, version, nil
}

// projectAudit is what the audit log keeps of a project: everything but
// the event list (the events are their own record).
func projectAudit(p kc.Project, version int) any {
	p.Events = nil
	return struct {
		kc.Project
		Version int
	}{p, version}
}

// CreateProject validates a project form and stores it as a draft with
// the next code of its plan year ("DA-<year>-<nnnn>"), pointing at the
// version of its scheme in force today (approval pins the version in
// force on the decision date). Roles that may not draft get EForbidden.
func (a *App) CreateProject(ctx context.Context, in ProjectInput) (ProjectView, error) {
	p, err := requirePerm(ctx, auth.PermDraftProjects)
	if err != nil {
		return ProjectView{}, err
	}
	pr, scheme, err := a.validateProject(ctx, p, in, a.today())
	if err != nil {
		return ProjectView{}, err
	}
	pr.State, pr.SchemeID = kc.StateDraft, scheme.ID
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		code, err := tx.NextProjectCode(ctx, pr.Year)
		if err != nil {
			return err
		}
		pr.Code = code
		pr.Events = []kc.ProjectEvent{{To: kc.StateDraft, ActorID: p.User.ID}}
		if pr, err = tx.CreateProjectBy(ctx, pr, p.User.ID); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionCreate, "project", pr.ID, nil, projectAudit(pr, 1))
	})
	if err != nil {
		return ProjectView{}, err
	}
	return a.Project(ctx, pr.ID)
}

// errNotDraft is the refusal to edit or delete a project past its draft.
func errNotDraft(state, action string) error {
	return kc.Errorf(kc.EConflict, "projects.err.state", stateLabel(state), actionLabel(action))
}

// UpdateProject changes a draft project in the caller's scope (a project
// past its draft is EConflict saying its state); in.Version, when set,
// must be the version read (EConflict otherwise).
func (a *App) UpdateProject(ctx context.Context, id int64, in ProjectInput) (ProjectView, error) {
	p, err := requirePerm(ctx, auth.PermDraftProjects)
	if err != nil {
		return ProjectView{}, err
	}
	pr, scheme, err := a.validateProject(ctx, p, in, a.today())
	if err != nil {
		return ProjectView{}, err
	}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		old, version, err := scopedProject(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if old.State != kc.StateDraft {
			return errNotDraft(old.State, "edit")
		}
		if in.Version != 0 && in.Version != version {
			return kc.Errorf(kc.EConflict, "projects.err.stale")
		}
		pr.ID, pr.Code, pr.State, pr.SchemeID = id, old.Code, old.State, scheme.ID
		nv, err := tx.UpdateProjectDraft(ctx, pr, version)
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionUpdate, "project", id, projectAudit(old, version), projectAudit(pr, nv))
	})
	if err != nil {
		return ProjectView{}, err
	}
	return a.Project(ctx, id)
}

// DeleteProject deletes a draft project in the caller's scope; a project
// past its draft is EConflict (cancel or withdraw it instead).
func (a *App) DeleteProject(ctx context.Context, id int64) error {
	p, err := requirePerm(ctx, auth.PermDraftProjects)
	if err != nil {
		return err
	}
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		old, version, err := scopedProject(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if old.State != kc.StateDraft {
			return errNotDraft(old.State, "delete")
		}
		if err := tx.DeleteProject(ctx, id); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionDelete, "project", id, projectAudit(old, version), nil)
	})
}

// decidedStates are the states in which the approved amounts are the
// project's funding.
var decidedStates = []string{kc.StateApproved, kc.StateInProgress, kc.StateAccepted, kc.StateSettled, kc.StateClosed,
	kc.StateStopped, kc.StateCarriedOver}

// amountsOf returns the funding of p per source as the state reads it:
// approved once decided, planned before.
func amountsOf(p kc.Project) map[string]int64 {
	decided := slices.Contains(decidedStates, p.State) || p.State == kc.StateCancelled && !p.DecidedOn.IsZero()
	m := map[string]int64{}
	for _, f := range p.Funding {
		if decided {
			m[f.Source] += f.Approved
		} else {
			m[f.Source] += f.Planned
		}
	}
	return m
}

// checkDayOf is the day a project's funding is checked on: the decision
// date once decided, else the registration date, else today.
func (a *App) checkDayOf(p kc.Project) kc.Date {
	switch {
	case !p.DecidedOn.IsZero() && p.State != kc.StateRejected:
		return p.DecidedOn
	case !p.RegisteredOn.IsZero():
		return p.RegisteredOn
	}
	return a.today()
}

// fundingInputOf is the funding check input of a stored project with
// amounts per source, on day on.
func fundingInputOf(p kc.Project, schemeCode string, amounts map[string]int64, on kc.Date) fundingInput {
	fi := fundingInput{ProjectID: p.ID, SchemeCode: schemeCode, CommuneID: p.CommuneID, Year: p.Year, StartsOn: p.StartsOn, EndsOn: p.EndsOn,
		Cost: totalCost(p), Amounts: amounts, Beneficiaries: p.Beneficiaries, On: on}
	for _, c := range p.CostLines {
		fi.Items = append(fi.Items, c.Item)
	}
	return fi
}

// Project returns one project in the caller's scope (ENotFound outside
// it) with everything its page shows: names, the funding check on its
// check day, the appraisal as the caller may see it, the actions the
// state machine offers from its state with the reason of each refusal,
// progress reports, pending deadlines and, once settled or cancelled with
// advances, the reconciliation per source.
func (a *App) Project(ctx context.Context, id int64) (ProjectView, error) {
	p, err := principal(ctx)
	if err != nil {
		return ProjectView{}, err
	}
	var v ProjectView
	err = a.Store.View(ctx, func(tx *store.Tx) error {
		pr, version, err := scopedProject(ctx, tx, p, id)
		if err != nil {
			return err
		}
		v = ProjectView{Project: pr, Version: version, BeneficiaryNames: map[int64]string{}}
		return nil
	})
	if err != nil {
		return ProjectView{}, err
	}
	on := a.checkDayOf(v.Project)
	uplift, err := a.priorityUplift(ctx, v.CommuneID, on)
	if err != nil {
		return ProjectView{}, err
	}
	err = a.Store.View(ctx, func(tx *store.Tx) error {
		return a.fillView(ctx, tx, p, &v, on, uplift)
	})
	return v, err
}

// fillView completes the view of v.Project inside tx.
func (a *App) fillView(ctx context.Context, tx *store.Tx, p *Principal, v *ProjectView, on kc.Date, uplift bool) error {
	pr := v.Project
	settings, err := a.projectSettings(ctx, tx)
	if err != nil {
		return err
	}
	if u, err := tx.GetUnit(ctx, pr.CommuneID); err == nil {
		v.CommuneName = u.Name
	} else if kc.ErrorCode(err) != kc.ENotFound {
		return err
	}
	for _, id := range pr.Beneficiaries {
		e, err := tx.GetEstablishment(ctx, id)
		if err != nil {
			return err
		}
		v.BeneficiaryNames[id] = e.Name
	}
	if pr.SchemeID != 0 {
		sv, err := tx.GetSchemeVersion(ctx, pr.SchemeID)
		if err != nil {
			return err
		}
		v.SchemeCode, v.SchemeName = sv.Code, sv.Name
		fi := fundingInputOf(pr, sv.Code, amountsOf(pr), on)
		fi.Uplift = uplift
		if v.Check, _, err = a.checkFunding(ctx, tx, fi); err != nil {
			return err
		}
	} else {
		v.Check.Warnings = append(v.Check.Warnings, CheckLine{Key: "projects.check.no_scheme"})
	}
	if v.Appraisal, err = a.appraisalSummary(ctx, tx, p, pr.ID); err != nil {
		return err
	}
	reports, err := tx.ProjectReports(ctx, pr.ID)
	if err != nil {
		return err
	}
	for _, r := range reports {
		v.Reports = append(v.Reports, ProgressReport{Period: r.Period, SubmittedOn: r.SubmittedOn, ProgressPct: r.ProgressPct, Spent: r.Spent, Note: r.Note})
	}
	scheds, err := tx.ProjectSchedules(ctx, store.ScheduleFilter{IDs: []int64{pr.ID}})
	if err != nil {
		return err
	}
	for _, s := range scheds {
		v.Deadlines = append(v.Deadlines, projectDeadlines(s, a.today(), settings, true)...)
	}
	v.Actions = a.actionOptions(p, pr, settings, v.Appraisal.Count)
	v.Reconciliation = reconciliation(pr)
	return nil
}

// reconciliation returns the settlement per source of a settled or closed
// project, or of a cancelled one that received advances: what was
// approved, advanced and settled, and what remains to pay (settled −
// advanced) or to refund (advanced − settled).
func reconciliation(p kc.Project) []SourceReconciliation {
	var advanced int64
	for _, f := range p.Funding {
		advanced += f.Advanced
	}
	switch {
	case p.State == kc.StateSettled || p.State == kc.StateClosed:
	case p.State == kc.StateCancelled && advanced > 0:
	default:
		return nil
	}
	var out []SourceReconciliation
	for _, f := range p.Funding {
		if f.Approved == 0 && f.Advanced == 0 && f.Settled == 0 {
			continue
		}
		r := SourceReconciliation{Source: f.Source, Approved: f.Approved, Advanced: f.Advanced, Settled: f.Settled}
		if f.Source != kc.SourceCounterpart {
			r.ToPay = max(f.Settled-f.Advanced, 0)
			r.ToRefund = max(f.Advanced-f.Settled, 0)
		}
		out = append(out, r)
	}
	return out
}

// shownAmounts returns the state support and counterpart of a listed
// project as its state reads them: settled once settled, approved once
// decided, planned before.
func shownAmounts(r store.ProjectListRow) (int64, int64) {
	switch {
	case (r.State == kc.StateSettled || r.State == kc.StateClosed) && r.StateFunds.Settled+r.Counterpart.Settled > 0:
		return r.StateFunds.Settled, r.Counterpart.Settled
	case slices.Contains(decidedStates, r.State) || r.State == kc.StateCancelled && !r.DecidedOn.IsZero():
		return r.StateFunds.Approved, r.Counterpart.Approved
	}
	return r.StateFunds.Planned, r.Counterpart.Planned
}

// Project list paging.
const (
	ProjectPageSize    = 50
	ProjectPageSizeMax = 200
)

// Projects lists one page of the projects in the caller's scope that f
// selects (unit resolved like the registry's: an old or current commune,
// district or province code means the current communes it covers, and a
// project matches when its registration unit is one of them or went into
// them), newest plan year first, each marked Overdue when one of its
// deadlines has passed.
func (a *App) Projects(ctx context.Context, f ProjectFilter) (ProjectPage, error) {
	p, err := principal(ctx)
	if err != nil {
		return ProjectPage{}, err
	}
	sf := store.ProjectListFilter{State: strings.TrimSpace(f.State), Year: f.Year, ContentArea: strings.ToUpper(strings.TrimSpace(f.ContentArea)),
		Query: strings.TrimSpace(vi.NFC(f.Q))}
	if sf.State != "" && !slices.Contains(ProjectStates, sf.State) {
		return ProjectPage{}, kc.FieldError("state", "field.invalid_choice", sf.State)
	}
	if f.Year != 0 && (f.Year < 1990 || f.Year > 2100) {
		return ProjectPage{}, kc.FieldError("year", "projects.err.year_range", 1990, 2100)
	}
	var communes []int64
	if u := strings.TrimSpace(f.Unit); u != "" {
		if communes, err = a.CommunesUnderCode(ctx, u); err != nil {
			return ProjectPage{}, err
		}
	}
	sf.CommuneIDs = p.Narrow(communes)
	page := ProjectPage{Page: max(f.Page, 1), PerPage: f.PerPage}
	if page.PerPage <= 0 {
		page.PerPage = ProjectPageSize
	}
	page.PerPage = min(page.PerPage, ProjectPageSizeMax)
	sf.Limit, sf.Offset = page.PerPage, (page.Page-1)*page.PerPage
	rows, total, err := a.Store.ListProjects(ctx, sf)
	if err != nil {
		return ProjectPage{}, err
	}
	page.Total = total
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	overdue := map[int64]bool{}
	if len(ids) > 0 {
		settings, err := a.ProjectSettings(ctx)
		if err != nil {
			return ProjectPage{}, err
		}
		scheds, err := a.Store.ProjectSchedules(ctx, store.ScheduleFilter{IDs: ids})
		if err != nil {
			return ProjectPage{}, err
		}
		for _, s := range scheds {
			for _, d := range projectDeadlines(s, a.today(), settings, false) {
				if d.Overdue {
					overdue[s.ID] = true
				}
			}
		}
	}
	for _, r := range rows {
		st, cp := shownAmounts(r)
		page.Rows = append(page.Rows, ProjectRow{ID: r.ID, Code: r.Code, Title: r.Title, State: r.State, ContentArea: r.ContentArea,
			CommuneName: r.CommuneName, Year: r.Year, StateSupport: st, Counterpart: cp, Overdue: overdue[r.ID]})
	}
	return page, nil
}

// ProjectStates lists the project states in lifecycle order.
var ProjectStates = []string{kc.StateDraft, kc.StateRegistered, kc.StateAppraised, kc.StateApproved, kc.StateInProgress, kc.StateAccepted,
	kc.StateSettled, kc.StateClosed, kc.StateRejected, kc.StateWithdrawn, kc.StateCancelled, kc.StateStopped, kc.StateCarriedOver}
