package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Project actions: the steps of the lifecycle (domain §4.2 as the issue
// adapts it).
const (
	ActionRegister = "register"
	ActionAppraise = "appraise"
	ActionApprove  = "approve"
	ActionReject   = "reject"
	ActionStart    = "start"
	ActionAccept   = "accept"
	ActionSettle   = "settle"
	ActionClose    = "close"
	ActionAdjust   = "adjust"
	ActionCancel   = "cancel"
	ActionWithdraw = "withdraw"
)

// ProjectActions lists the actions in the order a project page offers them.
var ProjectActions = []string{ActionRegister, ActionWithdraw, ActionAppraise, ActionApprove, ActionReject, ActionStart, ActionAdjust,
	ActionAccept, ActionSettle, ActionClose, ActionCancel}

// transitionRule is one action of the state machine: the states it leaves
// from, the state it leads to ("" = stays) and who may take it.
type transitionRule struct {
	from []string
	to   string
	perm auth.Perm
}

// transitions is the project state machine. Drafting roles register,
// withdraw, start and report; deciding roles do the rest.
var transitions = map[string]transitionRule{
	ActionRegister: {[]string{kc.StateDraft}, kc.StateRegistered, auth.PermDraftProjects},
	ActionAppraise: {[]string{kc.StateRegistered}, kc.StateAppraised, auth.PermDecideProjects},
	ActionApprove:  {[]string{kc.StateAppraised}, kc.StateApproved, auth.PermDecideProjects},
	ActionReject:   {[]string{kc.StateAppraised}, kc.StateRejected, auth.PermDecideProjects},
	ActionStart:    {[]string{kc.StateApproved}, kc.StateInProgress, auth.PermDraftProjects},
	ActionAccept:   {[]string{kc.StateInProgress}, kc.StateAccepted, auth.PermDecideProjects},
	ActionSettle:   {[]string{kc.StateAccepted}, kc.StateSettled, auth.PermDecideProjects},
	ActionClose:    {[]string{kc.StateSettled}, kc.StateClosed, auth.PermDecideProjects},
	ActionAdjust:   {[]string{kc.StateApproved, kc.StateInProgress}, "", auth.PermDecideProjects},
	ActionCancel: {[]string{kc.StateRegistered, kc.StateAppraised, kc.StateApproved, kc.StateInProgress, kc.StateAccepted},
		kc.StateCancelled, auth.PermDecideProjects},
	ActionWithdraw: {[]string{kc.StateRegistered, kc.StateAppraised}, kc.StateWithdrawn, auth.PermDraftProjects},
}

// OutputKinds are the results an acceptance records (TT 36 Art. 14).
var OutputKinds = []string{"trainees", "trainees_employed", "machines", "lines", "models", "products", "brands", "fairs", "jobs"}

// errRole is the refusal of an action to a role.
func errRole(role kc.Role, action string) *kc.Error {
	return kc.Errorf(kc.EForbidden, "projects.err.role", locale.T(locale.Default, "role."+string(role)), actionLabel(action))
}

// errState is the refusal of an action from the project's state.
func errState(state, action string) *kc.Error {
	return kc.Errorf(kc.EConflict, "projects.err.state", stateLabel(state), actionLabel(action))
}

// gate checks what does not depend on the form: role, state, and for
// register the registration deadline, for appraise the number of
// scorers. on is the step's date.
func gate(p *Principal, pr kc.Project, action string, s ProjectSettings, on kc.Date, scorers int) *kc.Error {
	rule := transitions[action]
	if !auth.Can(p.User.Role, rule.perm) {
		return errRole(p.User.Role, action)
	}
	if !slices.Contains(rule.from, pr.State) {
		return errState(pr.State, action)
	}
	switch action {
	case ActionRegister:
		if d, ok := s.RegistrationDeadlineFor(pr.Level, pr.Year); ok && on.After(d) {
			return kc.FieldError("on", "projects.err.deadline", dayText(d), pr.Year)
		}
	case ActionAppraise:
		if scorers < s.MinScorers {
			return kc.Errorf(kc.EConflict, "projects.err.scorers", scorers, s.MinScorers)
		}
	}
	return nil
}

// actionOptions returns every action of the state machine that leaves
// from the project's state, each allowed or not with the reason.
func (a *App) actionOptions(p *Principal, pr kc.Project, s ProjectSettings, scorers int) []ActionOption {
	var out []ActionOption
	for _, action := range ProjectActions {
		if !slices.Contains(transitions[action].from, pr.State) {
			continue
		}
		reason := gate(p, pr, action, s, a.today(), scorers)
		out = append(out, ActionOption{Action: action, Allowed: reason == nil, Reason: reason})
	}
	return out
}

// stepDate is one dated step a later step may not precede.
type stepDate struct {
	key string // projects.date.*
	on  kc.Date
}

// previousSteps returns the dated steps the action's date must not
// precede, latest last.
func previousSteps(pr kc.Project, action string) []stepDate {
	all := []stepDate{{"registered", pr.RegisteredOn}, {"appraised", pr.AppraisedOn}, {"decided", pr.DecidedOn}}
	switch action {
	case ActionRegister:
		return nil
	case ActionAppraise, ActionWithdraw:
		return all[:1]
	case ActionApprove, ActionReject:
		return all[:2]
	case ActionStart, ActionAdjust:
		return all
	case ActionAccept:
		return append(all, stepDate{"started", pr.StartsOn})
	case ActionSettle:
		return append(all, stepDate{"accepted", pr.AcceptedOn})
	case ActionClose:
		return append(all, stepDate{"accepted", pr.AcceptedOn}, stepDate{"settled", pr.SettledOn})
	}
	return append(all, stepDate{"accepted", pr.AcceptedOn})
}

// checkStepDate refuses a step date in the future or before an earlier
// step of the project.
func checkStepDate(pr kc.Project, action string, on, today kc.Date) error {
	if on.After(today) {
		return kc.FieldError("on", "projects.err.future_date", dayText(on))
	}
	for _, st := range previousSteps(pr, action) {
		if !st.on.IsZero() && on.Before(st.on) {
			return kc.FieldError("on", "projects.err.date_before", dayText(on), locale.T(locale.Default, "projects.date."+st.key), dayText(st.on))
		}
	}
	return nil
}

// amountsField checks a map of amounts per source given with a step:
// known sources, no negative amount. field prefixes the field names.
func amountsField(field string, m map[string]int64) error {
	var errs kc.Errors
	for _, src := range sortedKeys(m) {
		switch {
		case !slices.Contains(kc.FundingSources, src):
			errs = append(errs, kc.FieldError(field, "projects.err.funding_source", src))
		case m[src] < 0:
			errs = append(errs, kc.FieldError(field+"."+src, "projects.err.funding_negative", sourceLabel(src)))
		case m[src] > MaxProjectCost:
			errs = append(errs, kc.FieldError(field+"."+src, "projects.err.funding_absurd", sourceLabel(src), vi.FormatVND(MaxProjectCost)))
		}
	}
	return oneOrAll(errs)
}

// sortedKeys returns the keys of m in funding-source order, unknown ones
// last in their own order.
func sortedKeys(m map[string]int64) []string {
	var out []string
	for _, src := range kc.FundingSources {
		if _, ok := m[src]; ok {
			out = append(out, src)
		}
	}
	var rest []string
	for k := range m {
		if !slices.Contains(kc.FundingSources, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// fundingLine returns a pointer to the funding line of src in pr, adding
// an empty one when missing.
func fundingLine(pr *kc.Project, src string) *kc.Funding {
	for i := range pr.Funding {
		if pr.Funding[i].Source == src {
			return &pr.Funding[i]
		}
	}
	pr.Funding = append(pr.Funding, kc.Funding{Source: src})
	return &pr.Funding[len(pr.Funding)-1]
}

// problemsErr turns the problems of a funding check into one error.
func problemsErr(fc FundingCheck) error {
	return oneOrAll(kc.Errors(fc.Problems))
}

// joinNote joins non-empty note parts with "; ".
func joinNote(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}

// Transition takes one lifecycle step of a project in the caller's scope
// in one transaction: it checks the role, the state, the form (decision
// number, reason, documents, amounts, outputs), the date (not in the
// future, not before an earlier step; registration by the deadline of
// the project's level) and for register, approve and adjust the funding
// check on the step's date; then it writes the project (version + 1;
// t.Version, when set, must be the version read, EConflict otherwise),
// one project_event and an audit entry. A refused step changes nothing
// and says why: EForbidden for the role, EConflict for the state, a field
// error for the form. start records the actual start date as StartsOn.
func (a *App) Transition(ctx context.Context, id int64, t Transition) (ProjectView, error) {
	p, err := principal(ctx)
	if err != nil {
		return ProjectView{}, err
	}
	t.Action = strings.TrimSpace(t.Action)
	if _, ok := transitions[t.Action]; !ok {
		return ProjectView{}, kc.FieldError("action", "projects.err.action_unknown", t.Action)
	}
	today := a.today()
	on := t.On
	if on.IsZero() {
		on = today
	}
	t.DecisionNo, t.Reason = strings.TrimSpace(vi.NFC(t.DecisionNo)), strings.TrimSpace(vi.NFC(t.Reason))
	t.DocumentRef, t.Note = strings.TrimSpace(vi.NFC(t.DocumentRef)), strings.TrimSpace(vi.NFC(t.Note))
	var uplift bool
	if t.Action == ActionRegister || t.Action == ActionApprove || t.Action == ActionAdjust {
		var commune int64
		err := a.Store.View(ctx, func(tx *store.Tx) error {
			pr, _, err := scopedProject(ctx, tx, p, id)
			commune = pr.CommuneID
			return err
		})
		if err != nil {
			return ProjectView{}, err
		}
		if uplift, err = a.priorityUplift(ctx, commune, on); err != nil {
			return ProjectView{}, err
		}
	}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		pr, version, err := scopedProject(ctx, tx, p, id)
		if err != nil {
			return err
		}
		settings, err := a.projectSettings(ctx, tx)
		if err != nil {
			return err
		}
		scorers := 0
		if t.Action == ActionAppraise {
			sum, err := a.appraisalSummary(ctx, tx, System, id)
			if err != nil {
				return err
			}
			scorers = sum.Count
		}
		if e := gate(p, pr, t.Action, settings, on, scorers); e != nil {
			return e
		}
		if t.Version != 0 && t.Version != version {
			return kc.Errorf(kc.EConflict, "projects.err.stale")
		}
		if err := checkStepDate(pr, t.Action, on, today); err != nil {
			return err
		}
		before := projectAudit(pr, version)
		from := pr.State
		step := stepResult{}
		if step, err = a.apply(ctx, tx, &pr, t, on, settings, uplift); err != nil {
			return err
		}
		to := transitions[t.Action].to
		if to == "" {
			to = from
		}
		pr.State = to
		nv, err := tx.SaveProjectState(ctx, pr, version, step.outputs)
		if err != nil {
			return err
		}
		if err := tx.AddProjectEvent(ctx, id, kc.ProjectEvent{From: from, To: to, ActorID: p.User.ID, Note: step.note, DocumentRef: step.docRef}); err != nil {
			return err
		}
		after := struct {
			Project any
			Action  string
			On      kc.Date
			Note    string
		}{projectAudit(pr, nv), t.Action, on, step.note}
		return a.audit(ctx, tx, kc.ActionUpdate, "project", id, before, after)
	})
	if err != nil {
		return ProjectView{}, err
	}
	return a.Project(ctx, id)
}

// stepResult is what an action adds to its event: the note, the document
// reference, and whether the outputs were replaced.
type stepResult struct {
	note    string
	docRef  string
	outputs bool
}

// apply checks the form of action t on pr and changes pr accordingly.
func (a *App) apply(ctx context.Context, tx *store.Tx, pr *kc.Project, t Transition, on kc.Date, s ProjectSettings, uplift bool) (stepResult, error) {
	res := stepResult{note: t.Note, docRef: t.DocumentRef}
	var errs kc.Errors
	need := func(ok bool, field, key string) {
		if !ok {
			errs = append(errs, kc.FieldError(field, key))
		}
	}
	switch t.Action {
	case ActionRegister:
		if err := storedComplete(*pr); err != nil {
			return res, err
		}
		v, err := a.checkStored(ctx, tx, pr, amountsOf(*pr), on, uplift)
		if err != nil {
			return res, err
		}
		pr.SchemeID, pr.RegisteredOn = v.ID, on
	case ActionAppraise:
		sum, err := a.appraisalSummary(ctx, tx, System, pr.ID)
		if err != nil {
			return res, err
		}
		pr.AppraisedOn = on
		res.note = joinNote(locale.T(locale.Default, "projects.note.appraised", formatScore(sum.Average), sum.Count), t.Note)
	case ActionApprove:
		need(t.DecisionNo != "", "decision_no", "projects.err.decision_required")
		if err := oneOrAll(errs); err != nil {
			return res, err
		}
		if err := amountsField("approved", t.Approved); err != nil {
			return res, err
		}
		approved := map[string]int64{}
		for _, f := range pr.Funding {
			approved[f.Source] = f.Planned
		}
		for src, v := range t.Approved {
			approved[src] = v
		}
		v, err := a.checkStored(ctx, tx, pr, approved, on, uplift)
		if err != nil {
			return res, err
		}
		for _, src := range sortedKeys(approved) {
			fundingLine(pr, src).Approved = approved[src]
		}
		pr.Funding = normalizeFunding(pr.Funding)
		pr.SchemeID, pr.DecidedOn, pr.DecisionNo = v.ID, on, t.DecisionNo
		res.docRef = t.DecisionNo
	case ActionReject:
		need(t.DecisionNo != "", "decision_no", "projects.err.decision_required")
		need(t.Reason != "", "reason", "projects.err.reason_required")
		if err := oneOrAll(errs); err != nil {
			return res, err
		}
		pr.DecidedOn, pr.DecisionNo, pr.RejectReason = on, t.DecisionNo, t.Reason
		res.docRef, res.note = t.DecisionNo, joinNote(t.Reason, t.Note)
	case ActionStart:
		if err := amountsField("advances", t.Advances); err != nil {
			return res, err
		}
		for _, src := range sortedKeys(t.Advances) {
			adv := t.Advances[src]
			f := fundingLine(pr, src)
			limit := mulBP(f.Approved, s.AdvanceRatioBP)
			switch {
			case src == kc.SourceCounterpart && adv > 0:
				errs = append(errs, kc.FieldError("advances."+src, "projects.err.advance_counterpart"))
			case adv > limit:
				errs = append(errs, kc.FieldError("advances."+src, "projects.err.advance_over", sourceLabel(src), vi.FormatVND(adv),
					formatPct(s.AdvanceRatioBP), vi.FormatVND(f.Approved), vi.FormatVND(limit)))
			default:
				f.Advanced = adv
			}
		}
		if err := oneOrAll(errs); err != nil {
			return res, err
		}
		pr.Funding = normalizeFunding(pr.Funding)
		pr.StartsOn = on
		if !pr.EndsOn.IsZero() && pr.EndsOn.Before(on) {
			return res, kc.FieldError("on", "projects.err.start_after_end", dayText(on), dayText(pr.EndsOn))
		}
	case ActionAccept:
		need(t.DocumentRef != "", "document_ref", "projects.err.minutes_required")
		got := map[string]int64{}
		for _, o := range t.Outputs {
			o.Kind = strings.TrimSpace(o.Kind)
			switch {
			case !slices.Contains(OutputKinds, o.Kind):
				errs = append(errs, kc.FieldError("outputs", "projects.err.output_kind", o.Kind))
			case o.Value < 0:
				errs = append(errs, kc.FieldError("outputs."+o.Kind, "projects.err.output_negative", outputLabel(o.Kind)))
			default:
				if _, dup := got[o.Kind]; dup {
					errs = append(errs, kc.FieldError("outputs."+o.Kind, "projects.err.output_dup", outputLabel(o.Kind)))
				}
				got[o.Kind] = o.Value
			}
		}
		if pr.ContentArea == kc.ContentTraining {
			if _, ok := got["trainees"]; !ok {
				errs = append(errs, kc.FieldError("outputs.trainees", "projects.err.trainees_required"))
			}
			if _, ok := got["trainees_employed"]; !ok {
				errs = append(errs, kc.FieldError("outputs.trainees_employed", "projects.err.employed_required"))
			}
		}
		if n, ok := got["trainees_employed"]; ok && n > got["trainees"] {
			errs = append(errs, kc.FieldError("outputs.trainees_employed", "projects.err.employed_over", n, got["trainees"]))
		}
		if err := oneOrAll(errs); err != nil {
			return res, err
		}
		pr.Outputs = nil
		for _, k := range OutputKinds {
			if v, ok := got[k]; ok {
				pr.Outputs = append(pr.Outputs, kc.Output{Kind: k, Value: v})
			}
		}
		pr.AcceptedOn, res.outputs = on, true
	case ActionSettle:
		if len(t.Settled) == 0 {
			return res, kc.FieldError("settled", "projects.err.settled_required")
		}
		if err := amountsField("settled", t.Settled); err != nil {
			return res, err
		}
		for _, src := range sortedKeys(t.Settled) {
			f := fundingLine(pr, src)
			if t.Settled[src] > f.Approved {
				errs = append(errs, kc.FieldError("settled."+src, "projects.err.settled_over", sourceLabel(src), vi.FormatVND(t.Settled[src]), vi.FormatVND(f.Approved)))
				continue
			}
			f.Settled = t.Settled[src]
		}
		if err := oneOrAll(errs); err != nil {
			return res, err
		}
		pr.Funding = normalizeFunding(pr.Funding)
		pr.SettledOn = on
		if due := pr.AcceptedOn.AddDays(s.SettlementDays); !pr.AcceptedOn.IsZero() && on.After(due) {
			late := int(on.Time().Sub(due.Time()).Hours() / 24)
			res.note = joinNote(locale.T(locale.Default, "projects.note.late_settlement", late, dayText(due), s.SettlementDays), t.Note)
		}
	case ActionClose:
		need(t.DocumentRef != "", "document_ref", "projects.err.liquidation_required")
		if err := oneOrAll(errs); err != nil {
			return res, err
		}
		pr.ClosedOn = on
	case ActionAdjust:
		need(t.DecisionNo != "", "decision_no", "projects.err.decision_required")
		need(t.Reason != "", "reason", "projects.err.reason_required")
		if err := oneOrAll(errs); err != nil {
			return res, err
		}
		var changes []string
		if len(t.Approved) > 0 {
			if err := amountsField("approved", t.Approved); err != nil {
				return res, err
			}
			approved := map[string]int64{}
			for _, f := range pr.Funding {
				approved[f.Source] = f.Approved
			}
			for _, src := range sortedKeys(t.Approved) {
				if f := fundingLine(pr, src); t.Approved[src] < f.Advanced {
					errs = append(errs, kc.FieldError("approved."+src, "projects.err.approved_below_advanced", sourceLabel(src),
						vi.FormatVND(t.Approved[src]), vi.FormatVND(f.Advanced)))
				}
				approved[src] = t.Approved[src]
			}
			if err := oneOrAll(errs); err != nil {
				return res, err
			}
			if _, err := a.checkStored(ctx, tx, pr, approved, on, uplift); err != nil {
				return res, err
			}
			for _, src := range sortedKeys(t.Approved) {
				f := fundingLine(pr, src)
				if f.Approved != approved[src] {
					changes = append(changes, locale.T(locale.Default, "projects.note.adjust_amount", sourceLabel(src), vi.FormatVND(f.Approved), vi.FormatVND(approved[src])))
				}
				f.Approved = approved[src]
			}
			pr.Funding = normalizeFunding(pr.Funding)
		}
		if !t.EndsOn.IsZero() {
			if !pr.StartsOn.IsZero() && t.EndsOn.Before(pr.StartsOn) {
				return res, kc.FieldError("ends_on", "projects.err.dates_order", dayText(t.EndsOn), dayText(pr.StartsOn))
			}
			if t.EndsOn.String() != pr.EndsOn.String() {
				changes = append(changes, locale.T(locale.Default, "projects.note.adjust_end", dayText(pr.EndsOn), dayText(t.EndsOn)))
			}
			pr.EndsOn = t.EndsOn
		}
		res.docRef = t.DecisionNo
		res.note = joinNote(append([]string{t.Reason}, append(changes, t.Note)...)...)
	case ActionCancel, ActionWithdraw:
		need(t.Reason != "", "reason", "projects.err.reason_required")
		if err := oneOrAll(errs); err != nil {
			return res, err
		}
		pr.RejectReason = t.Reason
		res.note = joinNote(t.Reason, t.Note)
		var advanced int64
		for _, f := range pr.Funding {
			advanced += f.Advanced
		}
		if advanced > 0 {
			res.note = joinNote(res.note, locale.T(locale.Default, "projects.note.refund", vi.FormatVND(advanced)))
		}
	}
	return res, nil
}

// storedComplete checks what registration needs of a stored draft: a
// beneficiary (unless a group project), cost lines, and funding that adds
// up to the cost.
func storedComplete(pr kc.Project) error {
	var errs kc.Errors
	if len(pr.Beneficiaries) == 0 && !pr.Group {
		errs = append(errs, kc.FieldError("beneficiaries", "projects.err.beneficiaries_required"))
	}
	if len(pr.CostLines) == 0 {
		errs = append(errs, kc.FieldError("cost_lines", "projects.err.cost_lines_required"))
	} else {
		var funded int64
		for _, f := range pr.Funding {
			funded += f.Planned
		}
		if cost := totalCost(pr); funded != cost {
			diff, key := funded-cost, "projects.err.funding_sum_over"
			if diff < 0 {
				diff, key = -diff, "projects.err.funding_sum_under"
			}
			errs = append(errs, kc.FieldError("funding", key, vi.FormatVND(funded), vi.FormatVND(cost), vi.FormatVND(diff)))
		}
	}
	if pr.SchemeID == 0 {
		errs = append(errs, kc.FieldError("scheme", "projects.err.scheme_required"))
	}
	return oneOrAll(errs)
}

// checkStored runs the funding check of a stored project with amounts on
// day on and returns the scheme version in force then, or the problems.
func (a *App) checkStored(ctx context.Context, tx *store.Tx, pr *kc.Project, amounts map[string]int64, on kc.Date, uplift bool) (store.SchemeVersion, error) {
	if pr.SchemeID == 0 {
		return store.SchemeVersion{}, kc.FieldError("scheme", "projects.err.scheme_required")
	}
	sv, err := tx.GetSchemeVersion(ctx, pr.SchemeID)
	if err != nil {
		return sv, err
	}
	fi := fundingInputOf(*pr, sv.Code, amounts, on)
	fi.Uplift = uplift
	fc, v, err := a.checkFunding(ctx, tx, fi)
	if err != nil {
		return v, err
	}
	if !fc.OK() {
		return v, problemsErr(fc)
	}
	return v, nil
}

// outputLabel names an output kind in Vietnamese.
func outputLabel(kind string) string { return locale.T(locale.Default, "projects.output."+kind) }

// formatScore writes an average score with one decimal and a comma.
func formatScore(x float64) string {
	return strings.Replace(fmt.Sprintf("%.1f", x), ".", ",", 1)
}
