package app

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/outreach"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// PlanOutreachInput is what an outreach plan is asked for: a unit (empty:
// the caller's whole scope), a period, the staff days and the budget.
type PlanOutreachInput struct {
	UnitCode  string
	From, To  kc.Date
	StaffDays int
	Budget    int64 // đồng
}

// OutreachPlan is a proposed outreach plan for a unit: the sessions, their
// explanation and the baseline comparison (see package outreach), with the
// request and the assumptions it was made with.
type OutreachPlan struct {
	Input    PlanOutreachInput
	UnitName string
	// On is the day the reach figures are read for (today).
	On     kc.Date
	Params outreach.Params
	// Request is the planner's problem the plan solves: every place with
	// its figures, the limits, the assumptions and the days off, for
	// handing the same problem to another solver (outreach.WriteLP).
	Request outreach.Request
	outreach.Plan
}

// MaxPlanBudget bounds the budget of an outreach plan: that of a campaign
// (100 billion đồng), since a plan is saved as one.
const MaxPlanBudget int64 = 100_000_000_000

// MaxPlanStaffDays bounds the staff days of an outreach plan.
const MaxPlanStaffDays = 100_000

// ValidatePlanOutreach checks the input without reading any data and
// returns every field error at once ("unit", "from", "to", "staff_days",
// "budget").
func ValidatePlanOutreach(in PlanOutreachInput) error {
	req := outreach.Request{From: in.From, To: in.To, StaffDays: in.StaffDays, Budget: in.Budget,
		Params: outreach.DefaultParams()}
	err := req.Validate()
	es := kc.FieldErrors(err)
	if err != nil && es == nil {
		return err
	}
	if in.StaffDays > MaxPlanStaffDays {
		es = append(es, kc.FieldError("staff_days", "outreachplan.error.staff_days_max", MaxPlanStaffDays))
	}
	if in.Budget > MaxPlanBudget {
		es = append(es, kc.FieldError("budget", "outreachplan.error.budget_max", vi.FormatVND(MaxPlanBudget)))
	}
	return es.Err()
}

// PlanOutreach proposes the sessions that reach the most likely-eligible
// producers not reached in the last 12 months in the unit, within the
// staff days, the budget and the period. Callers that may read the
// registry may plan (the plan reads nothing they cannot see); the numbers
// come from the settings outreach.plan.* over outreach.DefaultParams.
func (a *App) PlanOutreach(ctx context.Context, in PlanOutreachInput) (OutreachPlan, error) {
	p, err := principal(ctx)
	if err != nil {
		return OutreachPlan{}, err
	}
	if !auth.Can(p.User.Role, auth.PermViewRegistry) {
		return OutreachPlan{}, forbidden()
	}
	in.UnitCode = strings.TrimSpace(in.UnitCode)
	if err := ValidatePlanOutreach(in); err != nil {
		return OutreachPlan{}, err
	}
	params, err := a.OutreachPlanParams(ctx)
	if err != nil {
		return OutreachPlan{}, err
	}
	area, err := a.OutreachArea(ctx, in.UnitCode, kc.Date{})
	if err != nil {
		return OutreachPlan{}, err
	}
	holidays, err := a.outreachHolidays(ctx, in.From, in.To)
	if err != nil {
		return OutreachPlan{}, err
	}
	req := outreach.Request{From: in.From, To: in.To, StaffDays: in.StaffDays, Budget: in.Budget, Params: params,
		Holidays: holidays}
	for _, v := range area.Villages {
		req.Villages = append(req.Villages, outreach.Village{
			CommuneID: v.CommuneID, CommuneCode: v.CommuneCode, CommuneName: v.CommuneName, Village: v.Village,
			Producers: v.Producers, Target: v.LikelyUnreached12, TargetEthnic: v.Ethnic, TargetPhone: v.Phone,
			MainEthnicity: v.MainEthnicity, LastSession: v.LastSession,
		})
	}
	plan, err := outreach.Make(req)
	if err != nil {
		return OutreachPlan{}, err
	}
	return OutreachPlan{Input: in, UnitName: area.UnitName, On: area.On, Params: params, Request: req, Plan: plan}, nil
}

// Explanation renders the plan's explanation in lang: the summary lines,
// one line per session, the baseline comparison and the places left out.
func (pl OutreachPlan) Explanation(lang string) string {
	var b strings.Builder
	line := func(t outreach.Text) {
		b.WriteString(OutreachText(lang, t))
		b.WriteByte('\n')
	}
	for _, t := range pl.Summary {
		line(t)
	}
	line(pl.Baseline.Text)
	line(pl.Baseline.Detail)
	for i, s := range pl.Sessions {
		fmt.Fprintf(&b, "%d. %s: ", i+1, vi.FormatDay(s.Date.Time()))
		line(s.Reason)
	}
	for _, l := range pl.LeftOut {
		b.WriteString("- ")
		line(l.Reason)
	}
	return b.String()
}

// OutreachText renders a planner text in lang: nested texts first, days as
// dd/mm/yyyy, money as đồng and half days as staff days.
func OutreachText(lang string, t outreach.Text) string {
	args := make([]any, len(t.Args))
	for i, a := range t.Args {
		switch x := a.(type) {
		case outreach.Text:
			args[i] = OutreachText(lang, x)
		case kc.Date:
			args[i] = vi.FormatDay(x.Time())
		case outreach.Money:
			args[i] = vi.FormatVND(int64(x))
		case outreach.HalfDays:
			args[i] = StaffDaysText(int(x))
		default:
			args[i] = a
		}
	}
	return locale.T(lang, t.Key, args...)
}

// StaffDaysText writes half days as days with a decimal comma: 15 → "7,5".
func StaffDaysText(halfDays int) string {
	s := vi.FormatNumber(int64(halfDays / 2))
	if halfDays%2 != 0 {
		s += ",5"
	}
	return s
}

// holidaySetting lists extra days off (Tết and the other lunar holidays,
// days swapped by the government) as YYYY-MM-DD separated by commas.
const holidaySetting = "outreach.holidays"

// outreachHolidays returns the public holidays in [from, to]: the
// fixed-date ones (1/1, 30/4, 1/5, 2/9) and the days of the setting
// outreach.holidays. Lunar holidays move every year, so the province lists
// them in the setting.
func (a *App) outreachHolidays(ctx context.Context, from, to kc.Date) ([]kc.Date, error) {
	var extra string
	err := a.Store.View(ctx, func(tx *store.Tx) error {
		v, err := tx.Setting(ctx, holidaySetting)
		if kc.ErrorCode(err) == kc.ENotFound {
			return nil
		}
		extra = v
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []kc.Date
	for y := from.Year(); y <= to.Year(); y++ {
		for _, md := range [][2]int{{1, 1}, {4, 30}, {5, 1}, {9, 2}} {
			out = append(out, kc.NewDate(y, time.Month(md[0]), md[1]))
		}
	}
	for _, f := range strings.Split(extra, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		d, err := kc.ParseDate(f)
		if err != nil {
			a.Log.Warn("outreach: holiday not understood", "setting", holidaySetting, "value", f)
			continue
		}
		out = append(out, d)
	}
	return out, nil
}

// outreachPlanPrefix is the prefix of the planner's settings.
const outreachPlanPrefix = "outreach.plan."

// OutreachPlanParams returns the planner's assumptions in force: the
// settings outreach.plan.* over outreach.DefaultParams. Keys are
// outreach.plan.<kind>.{cost,cost_per_producer,half_days,reach_bp,trip}
// and outreach.plan.{interpreter_cost,travel_cost,sessions_per_day,
// ethnic_share_bp,phone_share_bp,door_to_door_max}. A value not
// understood is logged and the default kept.
func (a *App) OutreachPlanParams(ctx context.Context) (outreach.Params, error) {
	var m map[string]string
	err := a.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		m, err = tx.SettingsWithPrefix(ctx, outreachPlanPrefix)
		return err
	})
	if err != nil {
		return outreach.Params{}, err
	}
	p, bad := parseOutreachParams(m)
	if len(bad) > 0 {
		a.Log.Warn("outreach: planner settings not understood, defaults used", "keys", bad)
	}
	return p, nil
}

// parseOutreachParams reads the planner settings over the defaults and
// returns the keys it could not use (their defaults are kept).
func parseOutreachParams(m map[string]string) (outreach.Params, []string) {
	p := outreach.DefaultParams()
	var bad []string
	keys := slices.Sorted(maps.Keys(m))
	for _, k := range keys {
		if !setOutreachParam(&p, strings.TrimPrefix(k, outreachPlanPrefix), strings.TrimSpace(m[k])) {
			bad = append(bad, k)
		}
	}
	return p, bad
}

// setOutreachParam sets one planner parameter from its setting and reports
// whether the name and value were understood and in range.
func setOutreachParam(p *outreach.Params, name, value string) bool {
	n, err := strconv.ParseInt(value, 10, 64)
	num := func(limit int64) (int64, bool) { return n, err == nil && n >= 0 && n <= limit }
	const money = MaxPlanBudget
	if kind, field, found := strings.Cut(name, "."); found {
		f, known := p.Forms[kind]
		if !known {
			return false
		}
		var ok bool
		var v int64
		switch field {
		case "trip":
			t, err := strconv.ParseBool(value)
			ok, f.Trip = err == nil, t
		case "cost":
			v, ok = num(money)
			f.Cost = v
		case "cost_per_producer":
			v, ok = num(money)
			f.CostPerProducer = v
		case "half_days":
			v, ok = num(100)
			f.HalfDays = int(v)
		case "reach_bp":
			v, ok = num(10000)
			f.ReachBP = int(v)
		}
		if ok {
			p.Forms[kind] = f
		}
		return ok
	}
	var dst *int
	var limit int64
	switch name {
	case "interpreter_cost", "travel_cost":
		v, ok := num(money)
		if ok && name == "interpreter_cost" {
			p.InterpreterCost = v
		} else if ok {
			p.TravelCost = v
		}
		return ok
	case "sessions_per_day":
		dst, limit = &p.SessionsPerDay, 10
		if n < 1 {
			return false
		}
	case "ethnic_share_bp":
		dst, limit = &p.EthnicShareBP, 10000
	case "phone_share_bp":
		dst, limit = &p.PhoneShareBP, 10000
	case "door_to_door_max":
		dst, limit = &p.DoorToDoorMax, 1000
	default:
		return false
	}
	v, ok := num(limit)
	if ok {
		*dst = int(v)
	}
	return ok
}

// ParsePlanDate reads a day written 2026-12-01 or 01/12/2026 (1/12/2026
// too); a malformed day is a field error on field.
func ParsePlanDate(field, s string) (kc.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return kc.Date{}, nil
	}
	if d, err := kc.ParseDate(s); err == nil {
		return d, nil
	}
	for _, layout := range []string{"02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return kc.DateOf(t), nil
		}
	}
	return kc.Date{}, kc.FieldError(field, "outreachplan.error.bad_date", s)
}

// NextQuarter returns the first and last day of the calendar quarter after
// the one containing on.
func NextQuarter(on kc.Date) (from, to kc.Date) {
	t := on.Time()
	q := (int(t.Month())-1)/3 + 1 // 1..4
	y, m := t.Year(), time.Month(3*q+1)
	if q == 4 {
		y, m = y+1, time.January
	}
	from = kc.NewDate(y, m, 1)
	to = kc.DateOf(from.Time().AddDate(0, 3, -1))
	return from, to
}

// DefaultPlanInput is the plan a form starts from: the next quarter after
// today, with no unit, staff days or budget filled in.
func (a *App) DefaultPlanInput() PlanOutreachInput {
	from, to := NextQuarter(a.today())
	return PlanOutreachInput{From: from, To: to}
}

// PlanRow is one row of a plan kept by the user, as edited: the place
// (commune and village, as in the plan), the day and the kind.
type PlanRow struct {
	CommuneID int64
	Village   string
	Date      kc.Date
	Kind      string
}

// SaveOutreachPlanInput saves a plan as a campaign: the plan's input (the
// plan is made again from it), the campaign's title and the kept rows, or
// all the proposed sessions as they are when AsProposed is set.
type SaveOutreachPlanInput struct {
	Plan       PlanOutreachInput
	Title      string
	Rows       []PlanRow
	AsProposed bool
}

// maxPlanNoteRunes keeps the saved explanation within a campaign's plan
// note.
const maxPlanNoteRunes = 19000

// SaveOutreachPlan makes the plan again from its input, applies the rows
// kept and edited (a row's kind changes its cost, time and reach; travel
// is shared again by commune and day) and saves it with CreateCampaign as
// a campaign of planned sessions, with the plan's explanation (in
// Vietnamese) as its plan note. Rows are checked with field names
// "rows.N.date" and "rows.N.kind"; a row whose place is no longer in the
// plan (the data changed meanwhile) is a field error on "rows.N".
func (a *App) SaveOutreachPlan(ctx context.Context, in SaveOutreachPlanInput) (kc.Campaign, OutreachPlan, error) {
	p, err := principal(ctx)
	if err != nil {
		return kc.Campaign{}, OutreachPlan{}, err
	}
	if !auth.Can(p.User.Role, auth.PermWriteOutreach) {
		return kc.Campaign{}, OutreachPlan{}, forbidden()
	}
	title := strings.TrimSpace(in.Title)
	var errs kc.Errors
	if title == "" {
		errs = append(errs, kc.FieldError("title", "outreachplan.error.title_required"))
	}
	pl, err := a.PlanOutreach(ctx, in.Plan)
	if err != nil {
		return kc.Campaign{}, pl, err
	}
	sessions := slices.Clone(pl.Sessions)
	if !in.AsProposed {
		byPlace := map[string]outreach.Session{}
		for _, s := range pl.Sessions {
			byPlace[placeKey(s.Village.CommuneID, s.Village.Village)] = s
		}
		sessions = sessions[:0:0]
		for i, r := range in.Rows {
			s, ok := byPlace[placeKey(r.CommuneID, r.Village)]
			if !ok {
				errs = append(errs, kc.FieldError(fmt.Sprintf("rows.%d", i), "outreachplan.error.row_gone"))
				continue
			}
			if r.Kind != "" && r.Kind != s.Kind {
				if !slices.Contains(kc.SessionKinds, r.Kind) {
					errs = append(errs, kc.FieldError(fmt.Sprintf("rows.%d.kind", i), "outreachplan.error.row_kind"))
					continue
				}
				reason := s.Reason
				s = outreach.Price(s.Village, r.Kind, s.Interpreter, pl.Params)
				s.Reason = outreach.T("outreachplan.reason.edited", reason, outreach.T("outreachplan.kind."+r.Kind), s.Reached)
			}
			if !r.Date.IsZero() {
				s.Date = r.Date
			}
			if s.Date.Before(pl.From) || s.Date.After(pl.To) {
				errs = append(errs, kc.FieldError(fmt.Sprintf("rows.%d.date", i), "outreachplan.error.row_date",
					vi.FormatDay(pl.From.Time()), vi.FormatDay(pl.To.Time())))
				continue
			}
			sessions = append(sessions, s)
		}
		if len(in.Rows) == 0 {
			errs = append(errs, kc.FieldError("rows", "outreachplan.error.no_rows"))
		}
	} else if len(sessions) == 0 {
		errs = append(errs, kc.FieldError("rows", "outreachplan.error.no_rows"))
	}
	if err := errs.Err(); err != nil {
		return kc.Campaign{}, pl, err
	}
	outreach.Reprice(sessions, pl.Params)
	unitID, err := a.planCampaignUnit(ctx, p, pl, sessions)
	if err != nil {
		return kc.Campaign{}, pl, err
	}
	c := kc.Campaign{
		Title: title, Topic: locale.T(locale.Default, "outreachplan.campaign.topic"), UnitID: unitID,
		StartsOn: pl.From, EndsOn: pl.To, Budget: pl.Budget, PlanNote: planNote(pl, sessions),
	}
	ci := CampaignInput{Campaign: c}
	for _, s := range sessions {
		ci.Sessions = append(ci.Sessions, kc.OutreachSession{
			Kind: s.Kind, Status: kc.SessionPlanned, CommuneID: s.Village.CommuneID, Village: s.Village.Village,
			HeldOn: s.Date, Cost: s.Total(), StaffHalfDays: s.HalfDays, Language: s.Language,
			Interpreter: s.Interpreter, Notes: OutreachText(locale.Default, s.Reason),
		})
	}
	created, err := a.CreateCampaign(ctx, ci)
	return created, pl, err
}

func placeKey(communeID int64, village string) string {
	return strconv.FormatInt(communeID, 10) + "|" + vi.Fold(strings.TrimSpace(village))
}

// planCampaignUnit is the unit a saved plan's campaign belongs to: the
// planned unit when it is a province or commune in force, else the
// caller's single scope unit, else the one commune of every session.
func (a *App) planCampaignUnit(ctx context.Context, p *Principal, pl OutreachPlan, ss []outreach.Session) (int64, error) {
	if code := pl.Input.UnitCode; code != "" {
		u, err := a.Store.FindUnit(ctx, code, a.today())
		if err == nil && (u.Level == kc.LevelProvince || u.Level == kc.LevelCommune) {
			return u.ID, nil
		}
		if err != nil && kc.ErrorCode(err) != kc.ENotFound {
			return 0, err
		}
	} else if len(p.Units) == 1 {
		return p.Units[0], nil
	}
	var one int64
	for _, s := range ss {
		if one != 0 && s.Village.CommuneID != one {
			return 0, kc.FieldError("unit", "outreachplan.error.campaign_unit")
		}
		one = s.Village.CommuneID
	}
	return one, nil
}

// planNote is the explanation saved with the campaign, in Vietnamese: the
// plan's explanation with the sessions as saved, cut to fit a plan note.
func planNote(pl OutreachPlan, saved []outreach.Session) string {
	kept := pl
	kept.Sessions = saved
	note := locale.T(locale.Default, "outreachplan.note.saved", len(saved), len(pl.Sessions)) + "\n" +
		kept.Explanation(locale.Default)
	if r := []rune(note); len(r) > maxPlanNoteRunes {
		note = string(r[:maxPlanNoteRunes]) + "…"
	}
	return note
}

// OutreachPlanView is a plan with its texts rendered in one language, as
// the JSON API and the command line's JSON output give it.
type OutreachPlanView struct {
	Unit        string            `json:"unit"`
	UnitName    string            `json:"unit_name"`
	From        kc.Date           `json:"from"`
	To          kc.Date           `json:"to"`
	StaffDays   int               `json:"staff_days"`
	Budget      int64             `json:"budget"`
	Sessions    []PlanSessionView `json:"sessions"`
	Trips       []PlanTripView    `json:"trips"`
	LeftOut     []PlanLeftOutView `json:"left_out"`
	Target      int               `json:"target"`
	Reached     int               `json:"reached"`
	Cost        int64             `json:"cost"`
	Travel      int64             `json:"travel"`
	HalfDays    int               `json:"half_days"`
	TripDays    int               `json:"trip_days"`
	WorkingDays int               `json:"working_days"`
	Summary     []string          `json:"summary"`
	Baseline    PlanBaselineView  `json:"baseline"`
	Params      PlanParamsView    `json:"assumptions"`
}

// PlanSessionView is one proposed session of an OutreachPlanView.
type PlanSessionView struct {
	Date        kc.Date `json:"date"`
	CommuneID   int64   `json:"commune_id"`
	CommuneCode string  `json:"commune_code"`
	Commune     string  `json:"commune"`
	Village     string  `json:"village"`
	Kind        string  `json:"kind"`
	KindName    string  `json:"kind_name"`
	Interpreter bool    `json:"interpreter"`
	Language    string  `json:"language"`
	Addressed   int     `json:"addressed"`
	Reached     int     `json:"reached"`
	Cost        int64   `json:"cost"`
	Travel      int64   `json:"travel"`
	HalfDays    int     `json:"half_days"`
	Trip        int     `json:"trip"` // index in trips, -1 for none
	Reason      string  `json:"reason"`
}

// PlanTripView is one trip of an OutreachPlanView.
type PlanTripView struct {
	CommuneCode string    `json:"commune_code"`
	Commune     string    `json:"commune"`
	Days        []kc.Date `json:"days"`
	Travel      int64     `json:"travel"`
	Sessions    []int     `json:"sessions"`
	Reached     int       `json:"reached"`
}

// PlanLeftOutView is a place left out of an OutreachPlanView.
type PlanLeftOutView struct {
	CommuneCode string `json:"commune_code"`
	Commune     string `json:"commune"`
	Village     string `json:"village"`
	Target      int    `json:"target"`
	Kind        string `json:"kind"`
	Reached     int    `json:"reached"`
	Why         string `json:"why"`
	Reason      string `json:"reason"`
}

// PlanBaselineView is the baseline of an OutreachPlanView.
type PlanBaselineView struct {
	Sessions int      `json:"sessions"`
	Reached  int      `json:"reached"`
	Cost     int64    `json:"cost"`
	HalfDays int      `json:"half_days"`
	Communes []string `json:"communes"`
	Text     string   `json:"text"`
	Detail   string   `json:"detail"`
}

// PlanParamsView are the assumptions a plan was made with.
type PlanParamsView struct {
	Forms           map[string]PlanFormView `json:"forms"`
	InterpreterCost int64                   `json:"interpreter_cost"`
	TravelCost      int64                   `json:"travel_cost"`
	SessionsPerDay  int                     `json:"sessions_per_day"`
	EthnicShareBP   int                     `json:"ethnic_share_bp"`
	PhoneShareBP    int                     `json:"phone_share_bp"`
	DoorToDoorMax   int                     `json:"door_to_door_max"`
}

// PlanFormView is the cost, time and reach of one session kind.
type PlanFormView struct {
	Cost            int64 `json:"cost"`
	CostPerProducer int64 `json:"cost_per_producer"`
	HalfDays        int   `json:"half_days"`
	ReachBP         int   `json:"reach_bp"`
	Trip            bool  `json:"trip"`
}

// View renders the plan's texts in lang.
func (pl OutreachPlan) View(lang string) OutreachPlanView {
	v := OutreachPlanView{
		Unit: pl.Input.UnitCode, UnitName: pl.UnitName, From: pl.From, To: pl.To, StaffDays: pl.StaffDays,
		Budget: pl.Budget, Target: pl.Target, Reached: pl.Reached, Cost: pl.Cost, Travel: pl.Travel,
		HalfDays: pl.HalfDays, TripDays: pl.TripDays, WorkingDays: pl.WorkingDays,
		Sessions: []PlanSessionView{}, Trips: []PlanTripView{}, LeftOut: []PlanLeftOutView{}, Summary: []string{},
	}
	for _, s := range pl.Sessions {
		v.Sessions = append(v.Sessions, PlanSessionView{
			Date: s.Date, CommuneID: s.Village.CommuneID, CommuneCode: s.Village.CommuneCode, Commune: s.Village.CommuneName,
			Village: s.Village.Village, Kind: s.Kind, KindName: locale.T(lang, "outreachplan.kind."+s.Kind),
			Interpreter: s.Interpreter, Language: s.Language, Addressed: s.Addressed, Reached: s.Reached,
			Cost: s.Total(), Travel: s.Travel, HalfDays: s.HalfDays, Trip: s.TripIndex, Reason: OutreachText(lang, s.Reason),
		})
	}
	for _, t := range pl.Trips {
		v.Trips = append(v.Trips, PlanTripView{CommuneCode: t.CommuneCode, Commune: t.CommuneName, Days: t.Days,
			Travel: t.Travel, Sessions: t.Sessions, Reached: t.Reached})
	}
	for _, l := range pl.LeftOut {
		v.LeftOut = append(v.LeftOut, PlanLeftOutView{CommuneCode: l.Village.CommuneCode, Commune: l.Village.CommuneName,
			Village: l.Village.Village, Target: l.Village.Target, Kind: l.Kind, Reached: l.Reached, Why: l.Why,
			Reason: OutreachText(lang, l.Reason)})
	}
	for _, t := range pl.Summary {
		v.Summary = append(v.Summary, OutreachText(lang, t))
	}
	b := pl.Baseline
	v.Baseline = PlanBaselineView{Sessions: b.Sessions, Reached: b.Reached, Cost: b.Cost, HalfDays: b.HalfDays,
		Communes: b.Communes, Text: OutreachText(lang, b.Text), Detail: OutreachText(lang, b.Detail)}
	if v.Baseline.Communes == nil {
		v.Baseline.Communes = []string{}
	}
	v.Params = PlanParamsView{Forms: map[string]PlanFormView{}, InterpreterCost: pl.Params.InterpreterCost,
		TravelCost: pl.Params.TravelCost, SessionsPerDay: pl.Params.SessionsPerDay, EthnicShareBP: pl.Params.EthnicShareBP,
		PhoneShareBP: pl.Params.PhoneShareBP, DoorToDoorMax: pl.Params.DoorToDoorMax}
	for k, f := range pl.Params.Forms {
		v.Params.Forms[k] = PlanFormView(f)
	}
	return v
}

// ParsePlanNumber reads a whole number written with or without thousands
// separators (30.000.000, 30 000 000, 30,000,000, 30000000 ₫); empty is
// 0. Separators must group by three, so 1.5 or 1,5 is refused rather than
// read as 15.
func ParsePlanNumber(field, s string) (int64, error) {
	c := strings.TrimSpace(s)
	c = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(c, "₫"), "đồng"), "đ"))
	if c == "" {
		return 0, nil
	}
	bad := kc.FieldError(field, "outreachplan.error.bad_number", s)
	groups := strings.FieldsFunc(c, func(r rune) bool { return r == '.' || r == ',' || r == ' ' || r == '\u00a0' || r == '_' })
	if len(groups) == 0 {
		return 0, bad
	}
	for i, g := range groups {
		if i > 0 && len(g) != 3 || i == 0 && len(groups) > 1 && len(strings.TrimPrefix(g, "-")) > 3 {
			return 0, bad
		}
	}
	n, err := strconv.ParseInt(strings.Join(groups, ""), 10, 64)
	if err != nil {
		return 0, bad
	}
	return n, nil
}
