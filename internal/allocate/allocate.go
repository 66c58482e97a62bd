// Package allocate selects the portfolio of candidate proposals (khuyến
// công projects) for an annual plan: the 0/1 choice of proposals with the
// highest total value under per-source budgets, content-area minimums and
// maximums, a per-commune cap and pinned choices.
//
// Solve returns the proven optimum, found by branch and bound over the 0/1
// variables (bb.go). Bounds come from the LP relaxation, solved by a
// bounded-variable dual simplex of this package (simplex.go) warm-started
// from node to node, with the rows tightened for 0/1 points in presolve
// (coefficient reduction), extended cover cuts at the root (cuts.go),
// and at each node an extra bound that solves each commune's cap exactly
// as a knapsack (groupbound.go). The search fixes variables by reduced
// cost against the incumbent, branches with strong branching ordered by
// pseudo-costs, and finds incumbents by rounding and greedy filling, a
// swap search, and a "core" heuristic that solves the problem restricted
// to the columns of smallest reduced cost. Every bound it prunes with is a
// Lagrangian bound computed from the dual values over the node's variable
// box, valid for any dual vector, and every solution it reports is checked
// in exact int64 arithmetic, so floating-point error in the simplex can
// slow the search down but cannot make it return a wrong optimum. With
// Options.Explain it also says why each proposal was left out, which
// constraints bind and what one more million đồng of each budget would
// buy; for an infeasible instance it names a minimal set of conflicting
// constraints (conflict.go).
//
// The package depends only on the standard library; it holds no
// user-facing text (errors are values of ValidationError for the caller to
// translate, and the names in the LP file are identifiers).
package allocate

import (
	"errors"
	"fmt"
	"time"
)

// Pin fixes a proposal in or out of the selection.
type Pin int

// The pins.
const (
	Free Pin = iota // the optimiser decides
	In              // the proposal must be selected
	Out             // the proposal must not be selected
)

// Proposal is one candidate.
type Proposal struct {
	ID    string           // caller's key (project code); must be unique
	Value int64            // objective coefficient (scaled integer score, ≥ 0)
	Cost  map[string]int64 // đồng per funding source (≥ 0); only budgeted sources count
	Area  string           // content area code, "" = none
	Group string           // commune key, "" = none
	Pin   Pin
}

// Instance is a selection problem.
type Instance struct {
	Proposals []Proposal
	// Budget caps the sum of Cost[source] over the selection, for each
	// source with an entry; a source without an entry is not constrained
	// and its costs count nowhere (not in the area or group totals either).
	Budget map[string]int64
	// AreaMin and AreaMax bound the sum of the total costs (over budgeted
	// sources) of the selected proposals of a content area; either may be
	// missing for an area.
	AreaMin, AreaMax map[string]int64
	// GroupCap caps the total cost of the selected proposals of each group
	// (commune) with a non-empty key; 0 means no cap.
	GroupCap int64
}

// Options tune Solve.
type Options struct {
	// Explain computes the explanations: Rejected, Marginals, and the
	// exact losses of the highest-valued displaced proposals.
	Explain bool
	// ExplainLimit is how many rejected proposals (displaced ones, highest
	// value first) get their exact loss by re-solving with the proposal
	// pinned in; 0 means 50, a negative value none.
	ExplainLimit int
	// Deadline bounds the wall-clock time of Solve; 0 means none. When it
	// is hit before optimality is proven, Solve returns the best selection
	// found with Status Feasible, Bound the best proven bound, and an error
	// wrapping ErrTimeout (Status Unknown when nothing feasible was found
	// yet). When it is hit while computing the explanations of a proven
	// optimum, Status stays Optimal, Partial is set and the error is nil.
	Deadline time.Duration
}

// ErrTimeout is wrapped by the error Solve returns when Options.Deadline
// is hit.
var ErrTimeout = errors.New("allocate: deadline reached")

// Status is the outcome of a solve.
type Status int

// The outcomes.
const (
	Optimal    Status = iota // Value is proven optimal
	Infeasible               // no selection satisfies every constraint
	Feasible                 // the selection satisfies every constraint; optimality not proven (deadline)
	Unknown                  // the deadline came before any feasible selection was found or infeasibility proven
)

func (s Status) String() string {
	switch s {
	case Optimal:
		return "optimal"
	case Infeasible:
		return "infeasible"
	case Feasible:
		return "feasible"
	case Unknown:
		return "unknown"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// ConstraintKind says what a Constraint limits.
type ConstraintKind int

// The kinds of constraints.
const (
	Budget   ConstraintKind = iota // Σ Cost[Key] ≤ Budget[Key]; Key is the source
	AreaMin                        // Σ total cost of area Key ≥ AreaMin[Key]
	AreaMax                        // Σ total cost of area Key ≤ AreaMax[Key]
	GroupCap                       // Σ total cost of group Key ≤ GroupCap
	PinIn                          // proposal with ID Key is selected
	PinOut                         // proposal with ID Key is not selected
)

func (k ConstraintKind) String() string {
	switch k {
	case Budget:
		return "budget"
	case AreaMin:
		return "area_min"
	case AreaMax:
		return "area_max"
	case GroupCap:
		return "group_cap"
	case PinIn:
		return "pin_in"
	case PinOut:
		return "pin_out"
	}
	return fmt.Sprintf("ConstraintKind(%d)", int(k))
}

// Constraint is one constraint of an instance with its usage in a
// selection. For the money constraints Limit, Used and Slack are đồng;
// Slack is Limit − Used for the upper limits and Used − Limit for
// AreaMin, negative when violated. For pins Limit is 1 (PinIn) or 0
// (PinOut), Used is 1 when the proposal is selected, and Slack is 0 when
// the pin holds, −1 when it does not.
type Constraint struct {
	Kind  ConstraintKind
	Key   string // source, area, group or proposal ID
	Limit int64
	Used  int64
	Slack int64
	// Binding: the constraint shapes the optimum. A budget, area maximum
	// or group cap binds when its slack is smaller than the smallest
	// amount it would have to take for a rejected proposal that is not
	// pinned out, or its LP dual is positive; an area minimum when
	// dropping its cheapest selected proposal would break it, or its dual
	// is positive; a pin when the LP relaxation would move the proposal
	// the other way (its reduced cost opposes the pin).
	Binding bool
	// Dual is the shadow price of the constraint in the LP relaxation of
	// the instance (root node, pins applied): value gained per đồng of
	// relaxation (per unit of the variable for pins), ≥ 0; 0 when the
	// constraint is not tight in the relaxation.
	Dual float64
}

// RejectReason says why a proposal was not selected.
type RejectReason int

// The reasons.
const (
	PinnedOut  RejectReason = iota // the caller pinned it out
	DoesNotFit                     // it cannot be in any plan: with the pinned-in proposals it breaks a budget, area maximum or group cap (Blocking), or forcing it in makes the instance infeasible
	Displaced                      // it fits, but the optimum is better without it
)

func (r RejectReason) String() string {
	switch r {
	case PinnedOut:
		return "pinned_out"
	case DoesNotFit:
		return "does_not_fit"
	case Displaced:
		return "displaced"
	}
	return fmt.Sprintf("RejectReason(%d)", int(r))
}

// Rejection explains one proposal left out of the optimum.
type Rejection struct {
	Index  int // into Instance.Proposals
	Reason RejectReason
	// Blocking lists, for DoesNotFit, the constraints it breaks together
	// with the pinned-in proposals; for Displaced, the constraints it
	// would break if added to the optimum as it is (so something else
	// would have to go); for PinnedOut, the pin.
	Blocking []Constraint
	// Loss is the exact value lost if the proposal is forced in
	// (optimum − optimum with it pinned in), computed for the
	// ExplainLimit highest-valued displaced proposals; −1 otherwise.
	Loss int64
	// LossBound is a proven lower bound on that loss from the LP
	// relaxation (0 when it proves nothing); equal to Loss or below it
	// when Loss is known.
	LossBound int64
}

// MarginalExtra is the budget increase whose gain Marginal reports:
// one million đồng.
const MarginalExtra = 1_000_000

// Marginal is what one more million đồng of a source's budget buys.
type Marginal struct {
	Source string
	Extra  int64 // MarginalExtra đồng
	Gain   int64 // exact optimum increase with Budget[Source] + Extra (0 is common)
}

// Solution is the result of Solve (or Greedy).
type Solution struct {
	Status   Status
	Selected []bool // per proposal
	Value    int64
	Bound    int64 // proven upper bound on the optimum; == Value when Optimal (Greedy: −1, none)
	Nodes    int   // branch-and-bound nodes solved, re-solves for explanations excluded
	// Constraints lists every constraint of the instance with its usage
	// in Selected, in the order budgets (by source), area minimums and
	// maximums (by area), group caps (by group), pins (by proposal index).
	Constraints []Constraint
	// Rejected explains, when Options.Explain, every unselected proposal,
	// by index.
	Rejected []Rejection
	// Marginals are, when Options.Explain, the gains of one more million
	// đồng of each budgeted source, sorted by source.
	Marginals []Marginal
	// Conflict is, when Infeasible, a minimal set of constraints (pins
	// included) that cannot hold together: dropping any one of them makes
	// the rest satisfiable.
	Conflict []Constraint
	// Partial is set when the deadline cut the explanations short: the
	// exact losses and marginals not computed are missing (Loss −1).
	Partial bool
}

// ErrorKind classifies a ValidationError.
type ErrorKind int

// The kinds of invalid input.
const (
	NegativeValue ErrorKind = iota // Proposal.Value < 0 (Index)
	NegativeCost                   // Proposal.Cost[Key] < 0 (Index, Key = source)
	NegativeLimit                  // a Budget, AreaMin, AreaMax or GroupCap < 0 (Constraint, Key)
	MinAboveMax                    // AreaMin[Key] > AreaMax[Key] (Key = area)
	BadPin                         // Proposal.Pin not Free, In or Out (Index)
	DuplicateID                    // two proposals share ID Key (Index = the second)
	UnknownArea                    // AreaMin or AreaMax for area "" (Key)
	TooLarge                       // a sum of values or costs overflows int64 (Index of the proposal where it did, Key the source if a cost)
)

func (k ErrorKind) String() string {
	switch k {
	case NegativeValue:
		return "negative_value"
	case NegativeCost:
		return "negative_cost"
	case NegativeLimit:
		return "negative_limit"
	case MinAboveMax:
		return "min_above_max"
	case BadPin:
		return "bad_pin"
	case DuplicateID:
		return "duplicate_id"
	case UnknownArea:
		return "unknown_area"
	case TooLarge:
		return "too_large"
	}
	return fmt.Sprintf("ErrorKind(%d)", int(k))
}

// ValidationError is an invalid instance, as returned by Validate (and by
// Solve, which validates first). It carries what the caller needs to say
// which proposal or constraint is wrong, in its own language.
type ValidationError struct {
	Kind       ErrorKind
	Index      int            // proposal index, −1 when the error is about a constraint
	ID         string         // proposal ID when Index ≥ 0
	Constraint ConstraintKind // for NegativeLimit, MinAboveMax, UnknownArea
	Key        string         // source, area or group, or the duplicated ID
	Value      int64          // the offending number
}

func (e *ValidationError) Error() string {
	if e.Index >= 0 {
		return fmt.Sprintf("allocate: proposal %d (%q): %s %q %d", e.Index, e.ID, e.Kind, e.Key, e.Value)
	}
	return fmt.Sprintf("allocate: %s %q: %s %d", e.Constraint, e.Key, e.Kind, e.Value)
}
