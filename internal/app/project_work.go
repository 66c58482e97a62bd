package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// maxComment bounds a council member's comment and a report's note.
const maxComment = 2000

// ScoreSheet returns the active items of the appraisal score sheet in
// order (TT 36 Art. 9 by default; the sheet is data).
func (a *App) ScoreSheet(ctx context.Context) ([]ScoreItem, error) {
	if _, err := principal(ctx); err != nil {
		return nil, err
	}
	items, err := a.Store.ScoreItems(ctx, false)
	if err != nil {
		return nil, err
	}
	out := make([]ScoreItem, len(items))
	for i, it := range items {
		out[i] = ScoreItem{Code: it.Code, Label: it.Label, MaxScore: it.MaxScore}
	}
	return out, nil
}

// appraisalSummary returns the council's scores of project id as p may
// see them: a council member who has not scored yet sees how many members
// did, not their scores nor the average; everyone else sees all of it.
func (a *App) appraisalSummary(ctx context.Context, tx *store.Tx, p *Principal, id int64) (AppraisalSummary, error) {
	var sum AppraisalSummary
	items, err := tx.ScoreItems(ctx, false)
	if err != nil {
		return sum, err
	}
	for _, it := range items {
		sum.Items = append(sum.Items, ScoreItem{Code: it.Code, Label: it.Label, MaxScore: it.MaxScore})
	}
	rows, err := tx.ProjectAppraisals(ctx, id)
	if err != nil {
		return sum, err
	}
	var members []MemberScore
	for _, r := range rows {
		if len(members) == 0 || members[len(members)-1].MemberID != r.MemberID {
			members = append(members, MemberScore{MemberID: r.MemberID, Name: r.MemberName, Scores: map[string]int{}, Comment: r.Comment})
		}
		m := &members[len(members)-1]
		m.Scores[r.Item] = r.Score
		m.Total += r.Score
		if r.At.After(m.At) {
			m.At = r.At
		}
	}
	sum.Count = len(members)
	total := 0
	for i := range members {
		total += members[i].Total
		if members[i].MemberID == p.User.ID {
			mine := members[i]
			sum.Mine = &mine
		}
	}
	if sum.Mine == nil && p.User.Role == kc.RoleCouncilMember && !auth.Can(p.User.Role, auth.PermDecideProjects) {
		return sum, nil
	}
	sum.Members = members
	if sum.Count > 0 {
		sum.Average = float64(total) / float64(sum.Count)
	}
	return sum, nil
}

// SubmitScores records the caller's scores of a registered project in
// their scope (council members only): every active item of the sheet,
// each from 0 to its maximum (a field error "scores.<item>" names the
// item). Scoring again while the project is still registered replaces the
// caller's earlier scores. It returns the summary, now with every
// member's scores.
func (a *App) SubmitScores(ctx context.Context, id int64, scores map[string]int, comment string) (AppraisalSummary, error) {
	p, err := principal(ctx)
	if err != nil {
		return AppraisalSummary{}, err
	}
	if !auth.Can(p.User.Role, auth.PermScoreProjects) {
		return AppraisalSummary{}, errRole(p.User.Role, "score")
	}
	comment = strings.TrimSpace(vi.NFC(comment))
	if len([]rune(comment)) > maxComment {
		return AppraisalSummary{}, kc.FieldError("comment", "projects.err.too_long", maxComment)
	}
	var sum AppraisalSummary
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		pr, _, err := scopedProject(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if pr.State != kc.StateRegistered {
			return errState(pr.State, "score")
		}
		items, err := tx.ScoreItems(ctx, false)
		if err != nil {
			return err
		}
		var errs kc.Errors
		var codes []string
		for _, it := range items {
			codes = append(codes, it.Code)
			v, ok := scores[it.Code]
			switch {
			case !ok:
				errs = append(errs, kc.FieldError("scores."+it.Code, "projects.err.score_missing", it.Label))
			case v < 0 || v > it.MaxScore:
				errs = append(errs, kc.FieldError("scores."+it.Code, "projects.err.score_range", it.Label, v, it.MaxScore))
			}
		}
		for code := range scores {
			if !slices.Contains(codes, code) {
				errs = append(errs, kc.FieldError("scores", "projects.err.score_unknown", code))
			}
		}
		if err := oneOrAll(errs); err != nil {
			return err
		}
		before, err := a.appraisalSummary(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := tx.PutAppraisal(ctx, id, p.User.ID, scores, codes, comment); err != nil {
			return err
		}
		if sum, err = a.appraisalSummary(ctx, tx, p, id); err != nil {
			return err
		}
		action := kc.ActionCreate
		var old any
		if before.Mine != nil {
			action, old = kc.ActionUpdate, before.Mine
		}
		return a.audit(ctx, tx, action, "appraisal", id, old, sum.Mine)
	})
	return sum, err
}

// AddProgressReport records the monthly progress report (TT 36 form 3b)
// of a project in progress in the caller's scope, replacing an earlier
// report of the same period: the period (YYYY-MM) from the start month to
// the current month, the submission day (today when zero, not in the
// future), progress 0–100 % and the spend so far (not above the approved
// total).
func (a *App) AddProgressReport(ctx context.Context, id int64, r ProgressReport) (ProjectView, error) {
	p, err := principal(ctx)
	if err != nil {
		return ProjectView{}, err
	}
	if !auth.Can(p.User.Role, auth.PermDraftProjects) {
		return ProjectView{}, errRole(p.User.Role, "report")
	}
	today := a.today()
	r.Period, r.Note = strings.TrimSpace(r.Period), strings.TrimSpace(vi.NFC(r.Note))
	if r.SubmittedOn.IsZero() {
		r.SubmittedOn = today
	}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		pr, _, err := scopedProject(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if pr.State != kc.StateInProgress {
			return errState(pr.State, "report")
		}
		var errs kc.Errors
		month, perr := time.Parse("2006-01", r.Period)
		current := today.Time().Format("2006-01")
		switch {
		case perr != nil || month.Format("2006-01") != r.Period:
			errs = append(errs, kc.FieldError("period", "projects.err.period_format", r.Period))
		case r.Period > current:
			errs = append(errs, kc.FieldError("period", "projects.err.period_future", r.Period))
		case !pr.StartsOn.IsZero() && r.Period < pr.StartsOn.Time().Format("2006-01"):
			errs = append(errs, kc.FieldError("period", "projects.err.period_before_start", r.Period, dayText(pr.StartsOn)))
		}
		if r.SubmittedOn.After(today) {
			errs = append(errs, kc.FieldError("submitted_on", "projects.err.future_date", dayText(r.SubmittedOn)))
		}
		if r.ProgressPct < 0 || r.ProgressPct > 100 {
			errs = append(errs, kc.FieldError("progress_pct", "projects.err.progress_range"))
		}
		var approved int64
		for _, f := range pr.Funding {
			approved += f.Approved
		}
		switch {
		case r.Spent < 0:
			errs = append(errs, kc.FieldError("spent", "projects.err.negative"))
		case r.Spent > approved:
			errs = append(errs, kc.FieldError("spent", "projects.err.spent_over", vi.FormatVND(r.Spent), vi.FormatVND(approved)))
		}
		if len([]rune(r.Note)) > maxComment {
			errs = append(errs, kc.FieldError("note", "projects.err.too_long", maxComment))
		}
		if err := oneOrAll(errs); err != nil {
			return err
		}
		rep := store.ProjectReport{ProjectID: id, Period: r.Period, SubmittedOn: r.SubmittedOn, ProgressPct: r.ProgressPct, Spent: r.Spent,
			Note: r.Note, ActorID: p.User.ID}
		if err := tx.PutProjectReport(ctx, rep); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionCreate, "project_report", id, nil, r)
	})
	if err != nil {
		return ProjectView{}, err
	}
	return a.Project(ctx, id)
}

// Deadline kinds.
const (
	DeadlineReport     = "progress_report"
	DeadlineAcceptance = "acceptance"
	DeadlineSettlement = "settlement"
	// DeadlineFollowUp prefixes the follow-ups: follow_up_12, follow_up_24.
	DeadlineFollowUp = "follow_up_"
)

// deadlineWindow is how far ahead Deadlines looks.
const deadlineWindow = 30

// daysBetween returns to − from in days.
func daysBetween(from, to kc.Date) int {
	return int(to.Time().Sub(from.Time()).Hours() / 24)
}

// addMonths returns d + n months (time.AddDate normalisation).
func addMonths(d kc.Date, n int) kc.Date { return kc.DateOf(d.Time().AddDate(0, n, 0)) }

// followUpKind is the output kind that records a follow-up's workers.
func followUpKind(months int) string { return fmt.Sprintf("follow_up_%d_workers", months) }

// projectDeadlines returns what is pending on a project on day on: for a
// project in progress the first monthly report not yet submitted (due on
// ReportDay of each month after the start) and the acceptance when its
// end date is set; for an accepted project the settlement (SettlementDays
// after acceptance); after acceptance each follow-up not yet recorded.
// Unless all is set, only what is due within deadlineWindow days or
// overdue is kept; follow-ups overdue by more than FollowUpGraceDays are
// dropped either way (a follow-up years late is no longer a task).
func projectDeadlines(s store.ProjectSchedule, on kc.Date, st ProjectSettings, all bool) []Deadline {
	horizon := on.AddDays(deadlineWindow)
	var out []Deadline
	add := func(kind string, due kc.Date, period string) {
		if !all && due.After(horizon) {
			return
		}
		out = append(out, Deadline{ProjectID: s.ID, Code: s.Code, Title: s.Title, Kind: kind, Due: due, Overdue: on.After(due),
			DaysLeft: daysBetween(on, due), Period: period})
	}
	switch s.State {
	case kc.StateInProgress:
		if !s.StartsOn.IsZero() {
			y, m, _ := s.StartsOn.Time().Date()
			due := kc.NewDate(y, m, st.ReportDay)
			if !s.StartsOn.Before(due) {
				due = addMonths(due, 1)
			}
			for range 600 {
				if !all && due.After(horizon) {
					break
				}
				period := due.Time().Format("2006-01")
				if !s.Periods[period] {
					add(DeadlineReport, due, period)
					break
				}
				due = addMonths(due, 1)
			}
		}
		if !s.EndsOn.IsZero() {
			add(DeadlineAcceptance, s.EndsOn, "")
		}
	case kc.StateAccepted:
		if !s.AcceptedOn.IsZero() {
			add(DeadlineSettlement, s.AcceptedOn.AddDays(st.SettlementDays), "")
		}
	}
	if (s.State == kc.StateAccepted || s.State == kc.StateSettled || s.State == kc.StateClosed) && !s.AcceptedOn.IsZero() {
		for _, m := range st.FollowUpMonths {
			if s.FollowUps[followUpKind(m)] {
				continue
			}
			due := addMonths(s.AcceptedOn, m)
			if daysBetween(due, on) > st.FollowUpGraceDays {
				continue
			}
			add(fmt.Sprintf("%s%d", DeadlineFollowUp, m), due, "")
		}
	}
	return out
}

// deadlineStates are the states that have deadlines.
var deadlineStates = []string{kc.StateInProgress, kc.StateAccepted, kc.StateSettled, kc.StateClosed}

// Deadlines lists what is due within 30 days of day on (today when zero)
// or overdue on the projects in the caller's scope, soonest first:
// monthly progress reports, acceptances past the planned end, settlement
// files, and the 12- and 24-month follow-ups.
func (a *App) Deadlines(ctx context.Context, on kc.Date) ([]Deadline, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if on.IsZero() {
		on = a.today()
	}
	var out []Deadline
	err = a.Store.View(ctx, func(tx *store.Tx) error {
		st, err := a.projectSettings(ctx, tx)
		if err != nil {
			return err
		}
		longest := slices.Max(append([]int{0}, st.FollowUpMonths...))
		since := addMonths(on, -longest).AddDays(-st.FollowUpGraceDays - 1)
		scheds, err := tx.ProjectSchedules(ctx, store.ScheduleFilter{CommuneIDs: p.ScopeFilter(), States: deadlineStates, SettledSince: since})
		if err != nil {
			return err
		}
		for _, s := range scheds {
			out = append(out, projectDeadlines(s, on, st, false)...)
		}
		return nil
	})
	slices.SortStableFunc(out, func(x, y Deadline) int {
		if c := x.Due.Time().Compare(y.Due.Time()); c != 0 {
			return c
		}
		return strings.Compare(x.Code, y.Code)
	})
	return out, err
}

// RecordFollowUp records the follow-up months (12 or 24, as configured)
// after acceptance of a project in the caller's scope: for each
// beneficiary the year of the due date gets workers and revenue in its
// yearly facts (source "follow_up"; the year's other figures are kept),
// the project gets follow_up_<months>_workers and _revenue outputs and an
// event. It may be recorded from 30 days before the due date; recording
// again corrects it.
func (a *App) RecordFollowUp(ctx context.Context, id int64, months int, workers int, revenue int64) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	if !auth.Can(p.User.Role, auth.PermDraftProjects) {
		return errRole(p.User.Role, "follow_up")
	}
	today := a.today()
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		st, err := a.projectSettings(ctx, tx)
		if err != nil {
			return err
		}
		var errs kc.Errors
		if !slices.Contains(st.FollowUpMonths, months) {
			errs = append(errs, kc.FieldError("months", "projects.err.follow_up_months", months, joinInts(st.FollowUpMonths)))
		}
		if workers < 0 {
			errs = append(errs, kc.FieldError("workers", "projects.err.negative"))
		}
		if revenue < 0 {
			errs = append(errs, kc.FieldError("revenue", "projects.err.negative"))
		}
		if err := oneOrAll(errs); err != nil {
			return err
		}
		pr, version, err := scopedProject(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !(pr.State == kc.StateAccepted || pr.State == kc.StateSettled || pr.State == kc.StateClosed) || pr.AcceptedOn.IsZero() {
			return errState(pr.State, "follow_up")
		}
		due := addMonths(pr.AcceptedOn, months)
		if today.Before(due.AddDays(-deadlineWindow)) || due.Year() > today.Year() {
			return kc.FieldError("months", "projects.err.follow_up_early", months, dayText(due))
		}
		for _, e := range pr.Beneficiaries {
			f, err := tx.GetFact(ctx, e, due.Year())
			var before any
			switch kc.ErrorCode(err) {
			case "":
				before = f
			case kc.ENotFound:
				f = kc.EstablishmentFact{EstablishmentID: e, Year: due.Year()}
			default:
				return err
			}
			f.Workers, f.Revenue, f.Source = workers, revenue, "follow_up"
			if err := tx.UpsertFact(ctx, f); err != nil {
				return err
			}
			action := kc.ActionCreate
			if before != nil {
				action = kc.ActionUpdate
			}
			if err := a.audit(ctx, tx, action, "establishment_fact", e, before, f); err != nil {
				return err
			}
		}
		prefix := fmt.Sprintf("follow_up_%d_", months)
		var kept []kc.Output
		for _, o := range pr.Outputs {
			if !strings.HasPrefix(o.Kind, prefix) {
				kept = append(kept, o)
			}
		}
		pr.Outputs = append(kept, kc.Output{Kind: prefix + "workers", Value: int64(workers)}, kc.Output{Kind: prefix + "revenue", Value: revenue})
		nv, err := tx.SaveProjectState(ctx, pr, version, true)
		if err != nil {
			return err
		}
		note := locale.T(locale.Default, "projects.note.follow_up", months, workers, vi.FormatVND(revenue))
		if err := tx.AddProjectEvent(ctx, id, kc.ProjectEvent{From: pr.State, To: pr.State, ActorID: p.User.ID, Note: note}); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionUpdate, "project", id, nil, struct {
			Project         any
			Months, Workers int
			Revenue         int64
		}{projectAudit(pr, nv), months, workers, revenue})
	})
}

// joinInts writes numbers separated by commas.
func joinInts(ns []int) string {
	var parts []string
	for _, n := range ns {
		parts = append(parts, fmt.Sprint(n))
	}
	return strings.Join(parts, ", ")
}

// supportStates are the states in which a project counts as support the
// establishment received.
var supportStates = []string{kc.StateApproved, kc.StateInProgress, kc.StateAccepted, kc.StateSettled, kc.StateClosed,
	kc.StateStopped, kc.StateCarriedOver}

// SupportHistory lists the projects an establishment in the caller's
// scope benefited from (approved onwards), newest first, with the state
// support and counterpart as the project's state reads them (settled,
// else approved) and the decision.
func (a *App) SupportHistory(ctx context.Context, establishmentID int64) ([]SupportItem, error) {
	if err := a.readScoped(ctx, establishmentID, func(*store.Tx) error { return nil }); err != nil {
		return nil, err
	}
	rows, err := a.Store.EstablishmentProjects(ctx, establishmentID, supportStates)
	if err != nil {
		return nil, err
	}
	out := make([]SupportItem, 0, len(rows))
	for _, r := range rows {
		st, cp := shownAmounts(r)
		out = append(out, SupportItem{ProjectID: r.ID, Code: r.Code, Title: r.Title, State: r.State, ContentArea: r.ContentArea, Year: r.Year,
			StateSupport: st, Counterpart: cp, DecisionNo: r.DecisionNo, DecidedOn: r.DecidedOn})
	}
	return out, nil
}
