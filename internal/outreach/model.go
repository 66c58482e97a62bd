package outreach

import (
	"fmt"
	"slices"
	"time"

	"khuyencong/internal/kc"
)

// Text is a user-facing sentence: a locale catalog key and its arguments.
// Arguments may themselves be Text (rendered first), kc.Date, Money or
// HalfDays, which the caller formats; other values go to fmt as they are.
type Text struct {
	Key  string
	Args []any
}

// T returns the Text of key with args.
func T(key string, args ...any) Text { return Text{Key: key, Args: args} }

// Money is an amount in đồng given as a Text argument, so the caller
// formats it as money.
type Money int64

// HalfDays is a staff time in half days given as a Text argument, so the
// caller formats it as days (7,5).
type HalfDays int

// Village is one place a session may go to: a village of a commune, or the
// producers of a commune with no village recorded (Village "").
type Village struct {
	CommuneID   int64
	CommuneCode string
	CommuneName string
	// Village is the display name; "" stands for the producers with no
	// village recorded, planned at commune level.
	Village string
	// Producers is the number of registered establishments.
	Producers int
	// Target is the number likely eligible (screening) and not reached in
	// the last 12 months.
	Target int
	// TargetEthnic is how many of Target are owned by ethnic-minority
	// households.
	TargetEthnic int
	// TargetPhone is how many of Target have a phone on record.
	TargetPhone int
	// MainEthnicity is the most common owner ethnicity among TargetEthnic
	// ("" if none or unknown).
	MainEthnicity string
	// LastSession is the day of the last session held there; zero: never.
	LastSession kc.Date
}

// Form is what one session of a kind costs and achieves. Every number is an
// assumption the province sets, not a rule.
type Form struct {
	// Cost is the cost of one session in đồng (hall, water, materials,
	// allowance), without travel.
	Cost int64
	// CostPerProducer is added per producer addressed (leaflets, gifts of
	// materials).
	CostPerProducer int64
	// HalfDays is the staff time of one session, in half days of one
	// officer (two officers for a morning: 2).
	HalfDays int
	// ReachBP is the share of the producers addressed that the session is
	// expected to reach, in basis points (7000 = 70 %).
	ReachBP int
	// Trip reports whether officers must travel to the place.
	Trip bool
}

// Params are the planner's assumptions: forms per session kind, the
// interpreter and travel costs, and the thresholds of the form rules.
type Params struct {
	// Forms holds the parameters of each session kind (kc.Session…).
	Forms map[string]Form
	// InterpreterCost is added to a session with an interpreter, in đồng.
	InterpreterCost int64
	// TravelCost is the cost of one trip day of the team, in đồng (fuel,
	// travel allowance).
	TravelCost int64
	// SessionsPerDay is how many sessions of one commune a trip day holds
	// (2: morning and afternoon).
	SessionsPerDay int
	// EthnicShareBP is the share of ethnic-minority households in the target
	// from which a session has an interpreter, in basis points.
	EthnicShareBP int
	// PhoneShareBP is the share of the target with a phone from which a
	// group message is chosen, in basis points.
	PhoneShareBP int
	// DoorToDoorMax is the largest target visited door to door.
	DoorToDoorMax int
}

// DefaultParams returns the planner's default assumptions. They are
// estimates for a mountainous province in 2026 (a morning meeting with two
// officers, a trip day of about 60 km by motorbike with allowances), not
// figures from any official text: the province is expected to set its own
// in the settings (outreach.plan.*).
func DefaultParams() Params {
	return Params{
		Forms: map[string]Form{
			// Hall, drinking water, printed material for ~30 people.
			kc.SessionVillageMeeting: {Cost: 1_200_000, HalfDays: 2, ReachBP: 7000, Trip: true},
			// Commune hall, documents, a larger audience from several villages.
			kc.SessionCommuneConference: {Cost: 3_000_000, HalfDays: 3, ReachBP: 6000, Trip: true},
			// Run by the commune's radio; one officer writes the text.
			kc.SessionLoudspeaker:  {Cost: 300_000, HalfDays: 1, ReachBP: 3000},
			kc.SessionLeafletRound: {Cost: 100_000, CostPerProducer: 5_000, HalfDays: 1, ReachBP: 4000, Trip: true},
			kc.SessionRadio:        {Cost: 2_000_000, HalfDays: 1, ReachBP: 2000},
			// A message in the village's Zalo group, with follow-up calls.
			kc.SessionGroupMessage: {Cost: 100_000, HalfDays: 1, ReachBP: 5000},
			// Two officers visit each household; a leaflet set per household.
			kc.SessionDoorToDoor: {CostPerProducer: 20_000, HalfDays: 2, ReachBP: 9000, Trip: true},
			kc.SessionFairStand:  {Cost: 5_000_000, HalfDays: 4, ReachBP: 1000, Trip: true},
		},
		InterpreterCost: 500_000,
		TravelCost:      600_000,
		SessionsPerDay:  2,
		EthnicShareBP:   5000,
		PhoneShareBP:    6000,
		DoorToDoorMax:   5,
	}
}

// ParamError is a bad planner parameter: Name is the parameter ("travel_cost",
// "village_meeting.reach_bp", …).
type ParamError struct {
	Name  string
	Value int64
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("outreach: bad parameter %s = %d", e.Name, e.Value)
}

// Validate checks that every kind has a form, that no cost, time or share is
// negative, that shares are at most 10000 basis points and that a trip day
// holds at least one session.
func (p Params) Validate() error {
	for _, k := range kc.SessionKinds {
		f, ok := p.Forms[k]
		if !ok {
			return &ParamError{Name: k, Value: 0}
		}
		switch {
		case f.Cost < 0:
			return &ParamError{Name: k + ".cost", Value: f.Cost}
		case f.CostPerProducer < 0:
			return &ParamError{Name: k + ".cost_per_producer", Value: f.CostPerProducer}
		case f.HalfDays < 0:
			return &ParamError{Name: k + ".half_days", Value: int64(f.HalfDays)}
		case f.ReachBP < 0 || f.ReachBP > 10000:
			return &ParamError{Name: k + ".reach_bp", Value: int64(f.ReachBP)}
		}
	}
	switch {
	case p.InterpreterCost < 0:
		return &ParamError{Name: "interpreter_cost", Value: p.InterpreterCost}
	case p.TravelCost < 0:
		return &ParamError{Name: "travel_cost", Value: p.TravelCost}
	case p.SessionsPerDay < 1:
		return &ParamError{Name: "sessions_per_day", Value: int64(p.SessionsPerDay)}
	case p.EthnicShareBP < 0 || p.EthnicShareBP > 10000:
		return &ParamError{Name: "ethnic_share_bp", Value: int64(p.EthnicShareBP)}
	case p.PhoneShareBP < 0 || p.PhoneShareBP > 10000:
		return &ParamError{Name: "phone_share_bp", Value: int64(p.PhoneShareBP)}
	case p.DoorToDoorMax < 0:
		return &ParamError{Name: "door_to_door_max", Value: int64(p.DoorToDoorMax)}
	}
	return nil
}

// Session is one proposed session.
type Session struct {
	Village     Village
	Kind        string
	Interpreter bool
	// Language is the ethnic-minority language interpreted, or "vi".
	Language string
	// Addressed is the number of target producers the session is meant for
	// (those with a phone for a group message, else the whole target).
	Addressed int
	// Reached is the expected number of target producers reached.
	Reached int
	// Cost is the session's own cost, without travel, in đồng.
	Cost int64
	// Travel is the session's share of the cost of its trip day.
	Travel int64
	// HalfDays is the staff time, in half days.
	HalfDays int
	// Trip reports whether the session needs a trip.
	Trip bool
	// Date is the planned day (zero before scheduling).
	Date kc.Date
	// TripIndex is the index of the session's trip in Plan.Trips, -1 when it
	// needs none.
	TripIndex int
	// Reason explains the place and the form.
	Reason Text
}

// Total is the session's cost with its share of travel.
func (s Session) Total() int64 { return s.Cost + s.Travel }

// Trip is a visit of the team to one commune over consecutive working days.
type Trip struct {
	CommuneID   int64
	CommuneCode string
	CommuneName string
	// Days are the working days of the trip, in order.
	Days []kc.Date
	// Travel is the travel cost of the trip (days × TravelCost).
	Travel int64
	// Sessions are the indexes of the trip's sessions in Plan.Sessions.
	Sessions []int
	// Reached is the expected number reached by the trip's sessions.
	Reached int
}

// Why a village with a target got no session.
const (
	LeftBudget = "budget" // the budget is used up
	LeftStaff  = "staff"  // the staff days are used up
	LeftDays   = "days"   // the working days of the period are used up
	LeftOther  = "other"  // a better combination was found without it
)

// LeftOut is a village with producers to reach that the plan leaves out.
type LeftOut struct {
	Village Village
	// Kind, Reached and Cost describe the session it would have had.
	Kind    string
	Reached int
	Cost    int64
	// Why is one of Left….
	Why    string
	Reason Text
}

// Request is what a plan is made for.
type Request struct {
	From, To kc.Date
	// StaffDays is the staff time available, in days of one officer.
	StaffDays int
	// Budget is the money available, in đồng.
	Budget   int64
	Villages []Village
	Params   Params
	// Holidays are days off that fall on a weekday (public holidays), on
	// which no session is planned.
	Holidays []kc.Date
}

// WorkingDays returns the days Monday to Friday in the request's period
// that are not holidays.
func (r Request) WorkingDays() []kc.Date {
	days := WorkingDays(r.From, r.To)
	if len(r.Holidays) == 0 {
		return days
	}
	out := days[:0]
	for _, d := range days {
		if !slices.Contains(r.Holidays, d) {
			out = append(out, d)
		}
	}
	return out
}

// HalfDayLimit is the staff time available in half days.
func (r Request) HalfDayLimit() int { return 2 * r.StaffDays }

// MaxPeriodDays is the longest period a plan covers (a year, leap day
// included).
const MaxPeriodDays = 366

// Validate checks the request and returns every problem at once as
// kc.Errors of field errors (fields "from", "to", "staff_days", "budget"),
// or nil. Bad params are an internal error (*ParamError).
func (r Request) Validate() error {
	var es kc.Errors
	if r.From.IsZero() {
		es = append(es, kc.FieldError("from", "outreachplan.error.from_required"))
	}
	if r.To.IsZero() {
		es = append(es, kc.FieldError("to", "outreachplan.error.to_required"))
	}
	if !r.From.IsZero() && !r.To.IsZero() {
		if r.To.Before(r.From) {
			es = append(es, kc.FieldError("to", "outreachplan.error.to_before_from"))
		} else if days := daysBetween(r.From, r.To) + 1; days > MaxPeriodDays {
			es = append(es, kc.FieldError("to", "outreachplan.error.period_too_long", days, MaxPeriodDays))
		} else if len(r.WorkingDays()) == 0 {
			es = append(es, kc.FieldError("to", "outreachplan.error.no_working_days"))
		}
	}
	if r.StaffDays <= 0 {
		es = append(es, kc.FieldError("staff_days", "outreachplan.error.staff_days"))
	}
	if r.Budget < 0 {
		es = append(es, kc.FieldError("budget", "outreachplan.error.budget"))
	}
	if err := es.Err(); err != nil {
		return err
	}
	return r.Params.Validate()
}

func daysBetween(a, b kc.Date) int {
	return int(b.Time().Sub(a.Time()).Hours()+12) / 24
}

// WorkingDays returns the days Monday to Friday in [from, to].
func WorkingDays(from, to kc.Date) []kc.Date {
	var out []kc.Date
	if from.IsZero() || to.IsZero() {
		return nil
	}
	for d := from; !d.After(to); d = d.AddDays(1) {
		if wd := d.Time().Weekday(); wd != time.Saturday && wd != time.Sunday {
			out = append(out, d)
		}
	}
	return out
}
