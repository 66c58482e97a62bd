package app

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"khuyencong/internal/allocate"
	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Limits of plan input.
const (
	maxPlanNote     = 2000
	maxScenarioName = 200
	// maxPlanAmount bounds an envelope or an area limit (đồng): a million
	// billion, far above any khuyến công budget, so sums stay in int64.
	maxPlanAmount int64 = 1_000_000_000_000_000
	// maxWeight bounds a score weight, so scores stay far from overflow.
	maxWeight = 1_000_000
	// firstPlanYear is the first year a plan may be made for (the demo
	// and the registry start in 2015).
	firstPlanYear = 2015
	// planYearsAhead is how far ahead of today a plan may be made.
	planYearsAhead = 5
)

// Audit entities of the annual plan.
const (
	entityPlan      = "plan"
	entityEnvelope  = "plan_envelope"
	entityCandidate = "plan_candidate"
	entityScenario  = "scenario"
)

// Weights weigh the parts of a candidate's score, which is computed in
// whole numbers and shown as a formula:
//
//	score = Appraisal × average appraisal score (0–100, rounded half up)
//	      + Jobs × expected jobs + Priority × priority points.
type Weights struct {
	Appraisal, Jobs, Priority int
}

// DefaultWeights are the weights the screens, the API and the command line
// start from.
var DefaultWeights = Weights{Appraisal: 1, Jobs: 5, Priority: 2}

// OptimizeInput is what the optimiser is asked: the weights of the score,
// limits in đồng per content area (an AreaMax replaces the one an area
// envelope gives), at most CommuneShareBP basis points of the total
// available envelope per commune (0 = no limit), and pins by project id
// that override the plan's stored pins.
type OptimizeInput struct {
	Weights          Weights
	AreaMin, AreaMax map[string]int64
	CommuneShareBP   int
	Pins             map[int64]allocate.Pin
}

// EnvelopeView is one envelope of a plan with what approved projects of
// the plan's year and area already commit (Committed), what was paid out
// (Disbursed) and what is left (Available = Amount − Committed, negative
// when commitments exceed the envelope).
type EnvelopeView struct {
	Source, ContentArea                     string
	Amount, Committed, Disbursed, Available int64
}

// CandidateView is a proposal the plan may fund: its cost per state
// source (planned funding, counterpart excluded) and in total, the
// council's average score and how many members scored, what it promises,
// its score under the weights asked for, and its pin.
type CandidateView struct {
	ProjectID                                    int64
	Code, Title, CommuneName, ContentArea, State string
	Cost                                         map[string]int64
	StateCost                                    int64
	AppraisalAvg                                 float64
	Scorers                                      int
	ExpectedJobs, PriorityPoints                 int
	Score                                        int64
	Pin                                          allocate.Pin
	CommuneID                                    int64
}

// PlanView is an annual plan as the screens show it: its envelopes with
// live commitments, its candidates scored with DefaultWeights, its saved
// scenarios, and whether the caller may change it.
type PlanView struct {
	ID                       int64
	Year                     int
	UnitID                   int64
	UnitCode, UnitName, Note string
	Version                  int
	Envelopes                []EnvelopeView
	Candidates               []CandidateView
	Scenarios                []ScenarioSummary
	CanEdit                  bool
}

// PlanSummary is one plan in the list: the total of its source envelopes,
// what is committed of the state sources, what is left, and how many
// candidates it chooses from.
type PlanSummary struct {
	ID                             int64
	Year                           int
	UnitCode, UnitName             string
	Envelope, Committed, Available int64
	Candidates                     int
}

// stateSources are the funding sources a plan budgets, in display order:
// every source but the beneficiary's counterpart.
var stateSources = []string{kc.SourceNational, kc.SourceProvincial, kc.SourceDistrict, kc.SourceCommune, kc.SourceOther}

// envelopeSources are the sources an envelope of a plan of year may be
// set for: the district budget only before the 2025 reform.
func envelopeSources(year int) []string {
	if year <= kc.ReformDate.Year() {
		return stateSources
	}
	return []string{kc.SourceNational, kc.SourceProvincial, kc.SourceCommune, kc.SourceOther}
}

// pinWords maps pins to the words stored in plan_candidate.
var pinWords = map[allocate.Pin]string{allocate.Free: store.PinFree, allocate.In: store.PinIn, allocate.Out: store.PinOut}

func pinOf(word string) allocate.Pin {
	for p, w := range pinWords {
		if w == word {
			return p
		}
	}
	return allocate.Free
}

// planState is everything a plan's use cases read about it.
type planState struct {
	plan        store.Plan
	communes    []int64
	envelopes   []store.PlanEnvelope
	commitments []store.PlanCommitment
	candidates  []store.PlanCandidate
}

// requirePlanRead returns the caller if they may read plans.
func requirePlanRead(ctx context.Context) (*Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if !auth.Can(p.User.Role, auth.PermViewReports) && !auth.Can(p.User.Role, auth.PermManagePlans) {
		return nil, forbidden()
	}
	return p, nil
}

// planCommunes returns the current communes a plan's unit covers, sorted.
func (a *App) planCommunes(ctx context.Context, unitID int64) ([]int64, error) {
	communes, err := a.Store.CurrentCommunesUnder(ctx, []int64{unitID})
	if err != nil {
		return nil, err
	}
	slices.Sort(communes)
	return slices.Compact(communes), nil
}

// loadPlan reads plan id with its communes, envelopes, commitments and
// candidates, checking that the caller may read it: a plan out of the
// caller's scope is not found.
func (a *App) loadPlan(ctx context.Context, p *Principal, id int64) (planState, error) {
	var st planState
	var err error
	if st.plan, err = a.Store.GetPlan(ctx, id); err != nil {
		return st, err
	}
	if st.communes, err = a.planCommunes(ctx, st.plan.UnitID); err != nil {
		return st, err
	}
	if !p.HoldsAll(st.communes) {
		return st, notFound()
	}
	if st.envelopes, err = a.Store.PlanEnvelopes(ctx, id); err != nil {
		return st, err
	}
	if st.commitments, err = a.Store.PlanCommitments(ctx, st.plan.Year, st.communes); err != nil {
		return st, err
	}
	if st.candidates, err = a.Store.PlanCandidates(ctx, id, st.plan.Year, st.communes); err != nil {
		return st, err
	}
	return st, nil
}

// committedOf sums the commitments of a source: in one content area, or
// in every area when area is "" (what a source's general envelope
// covers).
func committedOf(cs []store.PlanCommitment, source, area string) (committed, disbursed int64) {
	for _, c := range cs {
		if c.Source == source && (area == "" || c.ContentArea == area) {
			committed += c.Committed
			disbursed += c.Disbursed
		}
	}
	return committed, disbursed
}

// sourceRank orders funding sources as kc.FundingSources does.
func sourceRank(s string) int {
	if i := slices.Index(kc.FundingSources, s); i >= 0 {
		return i
	}
	return len(kc.FundingSources)
}

// envelopeViews computes the envelopes with their live commitments, plus
// a row without an amount for each state source that projects commit
// without an envelope, so no commitment goes unseen.
func envelopeViews(envs []store.PlanEnvelope, cs []store.PlanCommitment) []EnvelopeView {
	out := make([]EnvelopeView, 0, len(envs))
	general := map[string]bool{}
	for _, e := range envs {
		c, d := committedOf(cs, e.Source, e.ContentArea)
		out = append(out, EnvelopeView{Source: e.Source, ContentArea: e.ContentArea, Amount: e.Amount, Committed: c, Disbursed: d, Available: e.Amount - c})
		if e.ContentArea == "" {
			general[e.Source] = true
		}
	}
	for _, s := range stateSources {
		if general[s] {
			continue
		}
		if c, d := committedOf(cs, s, ""); c != 0 || d != 0 {
			out = append(out, EnvelopeView{Source: s, Committed: c, Disbursed: d, Available: -c})
		}
	}
	slices.SortFunc(out, func(x, y EnvelopeView) int {
		return cmp.Or(cmp.Compare(sourceRank(x.Source), sourceRank(y.Source)), cmp.Compare(x.ContentArea, y.ContentArea))
	})
	return out
}

// score is a candidate's score under w (see Weights), and its average
// appraisal score.
func score(c store.PlanCandidate, w Weights) (int64, float64) {
	var avg float64
	var appraisal int64
	if c.Scorers > 0 {
		avg = float64(c.ScoreSum) / float64(c.Scorers)
		n := int64(c.Scorers)
		appraisal = (2*int64(w.Appraisal)*c.ScoreSum + n) / (2 * n)
	}
	return appraisal + int64(w.Jobs)*int64(c.ExpectedJobs) + int64(w.Priority)*int64(c.PriorityPoints), avg
}

// candidateViews scores the candidates under w with their pins (the
// stored ones, overridden by pins), in the order given.
func candidateViews(cs []store.PlanCandidate, w Weights, pins map[int64]allocate.Pin) []CandidateView {
	out := make([]CandidateView, 0, len(cs))
	for _, c := range cs {
		v := CandidateView{ProjectID: c.ProjectID, Code: c.Code, Title: c.Title, CommuneID: c.CommuneID, CommuneName: c.CommuneName,
			ContentArea: c.ContentArea, State: c.State, Cost: map[string]int64{}, Scorers: c.Scorers, ExpectedJobs: c.ExpectedJobs,
			PriorityPoints: c.PriorityPoints, Pin: pinOf(c.Pin)}
		for _, f := range c.Funding {
			if f.Source != kc.SourceCounterpart && f.Planned > 0 {
				v.Cost[f.Source] += f.Planned
				v.StateCost += f.Planned
			}
		}
		v.Score, v.AppraisalAvg = score(c, w)
		if p, ok := pins[c.ProjectID]; ok {
			v.Pin = p
		}
		out = append(out, v)
	}
	return out
}

// sortByScore orders candidates by score, highest first, then by code.
func sortByScore(cs []CandidateView) {
	slices.SortStableFunc(cs, func(x, y CandidateView) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), strings.Compare(x.Code, y.Code))
	})
}

// view builds the PlanView of a loaded plan.
func (a *App) view(ctx context.Context, p *Principal, st planState) (PlanView, error) {
	v := PlanView{ID: st.plan.ID, Year: st.plan.Year, UnitID: st.plan.UnitID, UnitCode: st.plan.UnitCode, UnitName: st.plan.UnitName,
		Note: st.plan.Note, Version: st.plan.Version, Envelopes: envelopeViews(st.envelopes, st.commitments),
		Candidates: candidateViews(st.candidates, DefaultWeights, nil), CanEdit: auth.Can(p.User.Role, auth.PermManagePlans)}
	sortByScore(v.Candidates)
	scs, err := a.Store.ListScenarios(ctx, st.plan.ID)
	if err != nil {
		return v, err
	}
	for _, sc := range scs {
		_, sum, err := decodeScenario(sc)
		if err != nil {
			return v, err
		}
		v.Scenarios = append(v.Scenarios, sum)
	}
	return v, nil
}

// Plans lists the annual plans in the caller's scope, newest year first,
// each with its totals.
func (a *App) Plans(ctx context.Context) ([]PlanSummary, error) {
	p, err := requirePlanRead(ctx)
	if err != nil {
		return nil, err
	}
	plans, err := a.Store.ListPlans(ctx, 0)
	if err != nil {
		return nil, err
	}
	communes := map[int64][]int64{}
	out := []PlanSummary{}
	for _, pl := range plans {
		cs, ok := communes[pl.UnitID]
		if !ok {
			if cs, err = a.planCommunes(ctx, pl.UnitID); err != nil {
				return nil, err
			}
			communes[pl.UnitID] = cs
		}
		if !p.HoldsAll(cs) {
			continue
		}
		envs, err := a.Store.PlanEnvelopes(ctx, pl.ID)
		if err != nil {
			return nil, err
		}
		comm, err := a.Store.PlanCommitments(ctx, pl.Year, cs)
		if err != nil {
			return nil, err
		}
		n, err := a.Store.CountPlanCandidates(ctx, pl.ID, pl.Year, cs)
		if err != nil {
			return nil, err
		}
		s := PlanSummary{ID: pl.ID, Year: pl.Year, UnitCode: pl.UnitCode, UnitName: pl.UnitName, Candidates: n}
		for _, e := range envs {
			if e.ContentArea == "" {
				s.Envelope += e.Amount
			}
		}
		for _, c := range comm {
			if c.Source != kc.SourceCounterpart {
				s.Committed += c.Committed
			}
		}
		s.Available = s.Envelope - s.Committed
		out = append(out, s)
	}
	return out, nil
}

// CreatePlan creates the plan of year for the unit with code unitCode (the
// caller's province when empty): a province or a commune in force today,
// in the caller's scope. One plan per year and unit: a second is
// EConflict. Audited.
func (a *App) CreatePlan(ctx context.Context, year int, unitCode string, note string) (PlanView, error) {
	p, err := requirePerm(ctx, auth.PermManagePlans)
	if err != nil {
		return PlanView{}, err
	}
	today := a.today()
	var errs kc.Errors
	if year < firstPlanYear || year > today.Year()+planYearsAhead {
		errs = append(errs, kc.FieldError("year", "plan.err.year", firstPlanYear, today.Year()+planYearsAhead))
	}
	note = strings.TrimSpace(vi.NFC(note))
	if utf8.RuneCountInString(note) > maxPlanNote {
		errs = append(errs, kc.FieldError("note", "plan.err.note_long", maxPlanNote))
	}
	unit, err := a.planUnit(ctx, p, unitCode)
	if err != nil {
		if fe := kc.FieldErrors(err); len(fe) > 0 {
			errs = append(errs, fe...)
		} else {
			return PlanView{}, err
		}
	}
	if err := errs.Err(); err != nil {
		if len(errs) == 1 {
			return PlanView{}, errs[0]
		}
		return PlanView{}, err
	}
	communes, err := a.planCommunes(ctx, unit.ID)
	if err != nil {
		return PlanView{}, err
	}
	if !p.HoldsAll(communes) {
		return PlanView{}, &kc.Error{Code: kc.EForbidden, Key: "plan.err.unit_out_of_scope", Args: []any{unit.Name}, Field: "unit"}
	}
	var created store.Plan
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if created, err = tx.CreatePlan(ctx, year, unit.ID, note); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionCreate, entityPlan, created.ID, nil, auditPlan(created))
	})
	if err != nil {
		return PlanView{}, err
	}
	return a.Plan(ctx, created.ID)
}

// auditPlan is what the audit log keeps of a plan.
func auditPlan(p store.Plan) map[string]any {
	return map[string]any{"year": p.Year, "unit_id": p.UnitID, "unit_code": p.UnitCode, "note": p.Note, "version": p.Version}
}

// planUnit resolves the unit of a new plan: the unit with code valid
// today, which must be a province or a commune; an empty code means the
// caller's province.
func (a *App) planUnit(ctx context.Context, p *Principal, code string) (kc.Unit, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		units, err := a.Store.UnitsByIDs(ctx, p.Units)
		if err != nil {
			return kc.Unit{}, err
		}
		for _, u := range units {
			if u.Level == kc.LevelProvince && u.Current() {
				return u, nil
			}
		}
		return kc.Unit{}, kc.FieldError("unit", "plan.err.unit_required")
	}
	u, err := a.Store.FindUnit(ctx, code, a.today())
	if kc.ErrorCode(err) == kc.ENotFound {
		return kc.Unit{}, kc.FieldError("unit", "plan.err.unit_unknown", code)
	}
	if err != nil {
		return kc.Unit{}, err
	}
	if u.Level != kc.LevelProvince && u.Level != kc.LevelCommune {
		return kc.Unit{}, kc.FieldError("unit", "plan.err.unit_level", u.Name)
	}
	return u, nil
}

// Plan returns plan id with its envelopes, candidates (scored with
// DefaultWeights, highest first) and scenarios. A plan out of the
// caller's scope is not found.
func (a *App) Plan(ctx context.Context, id int64) (PlanView, error) {
	p, err := requirePlanRead(ctx)
	if err != nil {
		return PlanView{}, err
	}
	st, err := a.loadPlan(ctx, p, id)
	if err != nil {
		return PlanView{}, err
	}
	return a.view(ctx, p, st)
}

// PlanFor returns the plan of year for the unit with code unitCode (a
// province or commune in force). An empty code means the caller's
// province, or the only plan of that year in the caller's scope. An
// unknown unit is a field error on "unit"; a missing plan is ENotFound
// naming the year and unit.
func (a *App) PlanFor(ctx context.Context, year int, unitCode string) (PlanView, error) {
	p, err := requirePlanRead(ctx)
	if err != nil {
		return PlanView{}, err
	}
	unitCode = strings.TrimSpace(unitCode)
	if unitCode != "" {
		u, err := a.Store.FindUnit(ctx, unitCode, a.today())
		if kc.ErrorCode(err) == kc.ENotFound {
			return PlanView{}, kc.FieldError("unit", "plan.err.unit_unknown", unitCode)
		}
		if err != nil {
			return PlanView{}, err
		}
		pl, err := a.Store.FindPlan(ctx, year, u.ID)
		if kc.ErrorCode(err) == kc.ENotFound {
			return PlanView{}, kc.Errorf(kc.ENotFound, "plan.none", year, u.Name)
		}
		if err != nil {
			return PlanView{}, err
		}
		return a.Plan(ctx, pl.ID)
	}
	plans, err := a.Store.ListPlans(ctx, year)
	if err != nil {
		return PlanView{}, err
	}
	var inScope []store.Plan
	for _, pl := range plans {
		communes, err := a.planCommunes(ctx, pl.UnitID)
		if err != nil {
			return PlanView{}, err
		}
		if p.HoldsAll(communes) {
			inScope = append(inScope, pl)
		}
	}
	for _, pl := range inScope {
		if slices.Contains(p.Units, pl.UnitID) && pl.UnitLevel == kc.LevelProvince {
			return a.Plan(ctx, pl.ID)
		}
	}
	switch len(inScope) {
	case 0:
		return PlanView{}, kc.Errorf(kc.ENotFound, "plan.none_year", year)
	case 1:
		return a.Plan(ctx, inScope[0].ID)
	}
	codes := make([]string, len(inScope))
	for i, pl := range inScope {
		codes[i] = pl.UnitCode
	}
	return PlanView{}, kc.FieldError("unit", "plan.err.unit_ambiguous", year, strings.Join(codes, ", "))
}

// editablePlan loads plan id for a change: the caller needs
// PermManagePlans and the plan in scope (out of scope: not found).
func (a *App) editablePlan(ctx context.Context, id int64) (*Principal, planState, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, planState{}, err
	}
	st, err := a.loadPlan(ctx, p, id)
	if err != nil {
		return nil, st, err
	}
	if !auth.Can(p.User.Role, auth.PermManagePlans) {
		return nil, st, forbidden()
	}
	return p, st, nil
}

// SetEnvelope sets the amount of a plan's envelope for a state source and
// a content area ("" = every area). It refuses an unknown source or area,
// a negative amount, and an amount below what approved projects of the
// plan's year and area already commit of that source (and area): a field
// error on "amount" naming the committed amount; nothing changes then.
// version is the plan's version the caller saw (0 = don't check): a
// stale one is EConflict. One transaction with the plan's new version and
// the audit entry.
func (a *App) SetEnvelope(ctx context.Context, planID int64, source, contentArea string, amount int64, version int) (PlanView, error) {
	_, st, err := a.editablePlan(ctx, planID)
	if err != nil {
		return PlanView{}, err
	}
	source, contentArea = strings.TrimSpace(source), strings.ToUpper(strings.TrimSpace(contentArea))
	var errs kc.Errors
	switch {
	case source == kc.SourceCounterpart:
		errs = append(errs, kc.FieldError("source", "plan.err.source_counterpart"))
	case !slices.Contains(envelopeSources(st.plan.Year), source):
		errs = append(errs, kc.FieldError("source", "plan.err.source", source))
	}
	if contentArea != "" {
		known, err := a.contentAreaCodes(ctx)
		if err != nil {
			return PlanView{}, err
		}
		if !slices.Contains(known, contentArea) {
			errs = append(errs, kc.FieldError("area", "plan.err.area", contentArea))
		}
	}
	switch {
	case amount < 0:
		errs = append(errs, kc.FieldError("amount", "plan.err.amount_negative"))
	case amount > maxPlanAmount:
		errs = append(errs, kc.FieldError("amount", "plan.err.amount_large", vi.FormatVND(maxPlanAmount)))
	}
	if len(errs) == 1 {
		return PlanView{}, errs[0]
	}
	if err := errs.Err(); err != nil {
		return PlanView{}, err
	}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		comm, err := tx.PlanCommitments(ctx, st.plan.Year, st.communes)
		if err != nil {
			return err
		}
		if committed, _ := committedOf(comm, source, contentArea); amount < committed {
			return kc.FieldError("amount", "plan.err.below_committed", vi.FormatVND(amount), vi.FormatVND(committed))
		}
		envs, err := tx.PlanEnvelopes(ctx, planID)
		if err != nil {
			return err
		}
		var before any
		for _, e := range envs {
			if e.Source == source && e.ContentArea == contentArea {
				before = auditEnvelope(e)
			}
		}
		if _, err := tx.TouchPlan(ctx, planID, version); err != nil {
			return err
		}
		e := store.PlanEnvelope{Source: source, ContentArea: contentArea, Amount: amount}
		if err := tx.SetPlanEnvelope(ctx, planID, e); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionUpdate, entityEnvelope, planID, before, auditEnvelope(e))
	})
	if err != nil {
		return PlanView{}, err
	}
	return a.Plan(ctx, planID)
}

// auditEnvelope is what the audit log keeps of an envelope.
func auditEnvelope(e store.PlanEnvelope) map[string]any {
	return map[string]any{"source": e.Source, "content_area": e.ContentArea, "amount": e.Amount}
}

// contentAreaCodes lists the codes of the content areas of the catalogue.
func (a *App) contentAreaCodes(ctx context.Context) ([]string, error) {
	areas, err := a.Store.ListContentAreas(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(areas))
	for i, c := range areas {
		out[i] = c.Code
	}
	return out, nil
}

// SetPin pins a candidate of a plan in (the optimiser must choose it),
// out (it must not) or frees it. The project must be one of the plan's
// candidates (a field error on "project" otherwise). Audited; the plan's
// version goes up.
func (a *App) SetPin(ctx context.Context, planID, projectID int64, pin allocate.Pin) (PlanView, error) {
	_, st, err := a.editablePlan(ctx, planID)
	if err != nil {
		return PlanView{}, err
	}
	word, ok := pinWords[pin]
	if !ok {
		return PlanView{}, kc.FieldError("pin", "plan.err.pin", strconv.Itoa(int(pin)))
	}
	i := slices.IndexFunc(st.candidates, func(c store.PlanCandidate) bool { return c.ProjectID == projectID })
	if i < 0 {
		return PlanView{}, kc.FieldError("project", "plan.err.not_candidate", projectID)
	}
	c := st.candidates[i]
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.TouchPlan(ctx, planID, 0); err != nil {
			return err
		}
		if err := tx.SetPlanPin(ctx, planID, projectID, word); err != nil {
			return err
		}
		before := map[string]any{"project_id": projectID, "code": c.Code, "pin": cmp.Or(c.Pin, store.PinFree)}
		after := map[string]any{"project_id": projectID, "code": c.Code, "pin": word}
		return a.audit(ctx, tx, kc.ActionUpdate, entityCandidate, planID, before, after)
	})
	if err != nil {
		return PlanView{}, err
	}
	return a.Plan(ctx, planID)
}
