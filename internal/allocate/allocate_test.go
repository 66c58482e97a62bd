package allocate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

const M = 1_000_000 // one million đồng

func prop(id string, value int64, cost map[string]int64, area, group string) Proposal {
	return Proposal{ID: id, Value: value, Cost: cost, Area: area, Group: group}
}

func nat(c int64) map[string]int64 { return map[string]int64{"national": c} }

// selected lists the IDs of a selection.
func selected(in Instance, sel []bool) []string {
	var ids []string
	for j, on := range sel {
		if on {
			ids = append(ids, in.Proposals[j].ID)
		}
	}
	return ids
}

func solveOK(t *testing.T, in Instance, opt Options) Solution {
	t.Helper()
	sol, err := Solve(context.Background(), in, opt)
	if err != nil {
		t.Fatal(err)
	}
	return sol
}

func findConstraint(t *testing.T, cs []Constraint, kind ConstraintKind, key string) Constraint {
	t.Helper()
	for _, c := range cs {
		if c.Kind == kind && c.Key == key {
			return c
		}
	}
	t.Fatalf("no %v constraint %q in %+v", kind, key, cs)
	return Constraint{}
}

// TestTinyInstances checks hand-made instances whose optimum is known:
// a knapsack where the highest values do not make the best plan, pins in
// and out, an area minimum that forces a worse choice, a commune cap, and
// costs under several sources (an unbudgeted one counting nowhere).
func TestTinyInstances(t *testing.T) {
	base := Instance{
		Proposals: []Proposal{
			prop("A", 10, nat(6*M), "CA2", "X1"),
			prop("B", 7, nat(5*M), "CA2", "X2"),
			prop("C", 6, nat(5*M), "CA1", "X2"),
		},
		Budget: map[string]int64{"national": 10 * M},
	}
	cases := []struct {
		name  string
		edit  func(*Instance)
		value int64
		ids   []string
	}{
		{"knapsack: B+C beat the highest value A", func(*Instance) {}, 13, []string{"B", "C"}},
		{"pin A in", func(in *Instance) { in.Proposals[0].Pin = In }, 10, []string{"A"}},
		{"pin C out", func(in *Instance) { in.Proposals[2].Pin = Out }, 10, []string{"A"}},
		{"area minimum forces C with A out", func(in *Instance) {
			in.Proposals[1].Cost = nat(4 * M) // A+B = 17 would fit
			in.AreaMin = map[string]int64{"CA1": 5 * M}
		}, 13, []string{"B", "C"}},
		{"area maximum keeps CA2 to one proposal", func(in *Instance) {
			in.Budget["national"] = 100 * M
			in.AreaMax = map[string]int64{"CA2": 6 * M}
		}, 16, []string{"A", "C"}},
		{"commune cap splits X2", func(in *Instance) {
			in.Budget["national"] = 100 * M
			in.GroupCap = 6 * M
		}, 17, []string{"A", "B"}},
		{"two sources and an unbudgeted one", func(in *Instance) {
			in.Budget = map[string]int64{"national": 6 * M, "provincial": 6 * M}
			in.Proposals[0].Cost = map[string]int64{"national": 3 * M, "provincial": 3 * M, "counterpart": 500 * M}
			in.Proposals[1].Cost = map[string]int64{"national": 3 * M, "provincial": 2 * M}
			in.Proposals[2].Cost = map[string]int64{"national": 1 * M, "provincial": 2 * M}
			in.GroupCap = 9 * M // counts only budgeted sources: A is 6M, not 506M
		}, 17, []string{"A", "B"}},
		{"nothing fits", func(in *Instance) { in.Budget["national"] = 4 * M }, 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := base
			in.Proposals = slices.Clone(base.Proposals)
			in.Budget = map[string]int64{}
			for k, v := range base.Budget {
				in.Budget[k] = v
			}
			c.edit(&in)
			sol := solveOK(t, in, Options{})
			if sol.Status != Optimal || sol.Value != c.value || sol.Bound != c.value {
				t.Fatalf("status %v value %d bound %d, want optimal %d", sol.Status, sol.Value, sol.Bound, c.value)
			}
			if got := selected(in, sol.Selected); !slices.Equal(got, c.ids) {
				t.Fatalf("selected %v, want %v", got, c.ids)
			}
		})
	}
}

// TestConstraintsReport checks the usage, slack, binding flag and dual of
// every constraint on a small instance, and their order.
func TestConstraintsReport(t *testing.T) {
	in := Instance{
		Proposals: []Proposal{
			prop("A", 10, nat(6*M), "CA2", "X1"),
			prop("B", 7, nat(5*M), "CA2", "X2"),
			prop("C", 6, nat(5*M), "CA1", "X2"),
			{ID: "D", Value: 50, Cost: map[string]int64{"provincial": 2 * M}, Area: "CA1", Group: "X1", Pin: Out},
			{ID: "E", Value: 1, Cost: map[string]int64{"provincial": 1 * M}, Area: "CA1", Group: "X3", Pin: In},
		},
		Budget:   map[string]int64{"national": 10 * M, "provincial": 20 * M},
		AreaMin:  map[string]int64{"CA1": 5 * M},
		AreaMax:  map[string]int64{"CA1": 50 * M},
		GroupCap: 40 * M,
	}
	sol := solveOK(t, in, Options{})
	if sol.Value != 14 || !slices.Equal(selected(in, sol.Selected), []string{"B", "C", "E"}) {
		t.Fatalf("value %d selected %v", sol.Value, selected(in, sol.Selected))
	}
	var kinds []string
	for _, c := range sol.Constraints {
		kinds = append(kinds, c.Kind.String()+":"+c.Key)
	}
	want := []string{"budget:national", "budget:provincial", "area_min:CA1", "area_max:CA1", "group_cap:X1", "group_cap:X2", "group_cap:X3", "pin_out:D", "pin_in:E"}
	if !slices.Equal(kinds, want) {
		t.Fatalf("constraints %v, want %v", kinds, want)
	}
	b := findConstraint(t, sol.Constraints, Budget, "national")
	if b.Limit != 10*M || b.Used != 10*M || b.Slack != 0 || !b.Binding || b.Dual <= 0 {
		t.Errorf("national budget %+v: want used 10M, slack 0, binding with a positive dual", b)
	}
	p := findConstraint(t, sol.Constraints, Budget, "provincial")
	if p.Used != 1*M || p.Slack != 19*M || p.Binding || p.Dual != 0 {
		t.Errorf("provincial budget %+v: want used 1M, slack 19M, not binding", p)
	}
	am := findConstraint(t, sol.Constraints, AreaMin, "CA1")
	if am.Used != 6*M || am.Slack != 1*M || !am.Binding {
		// C (5M) + E (1M); dropping C would break the minimum.
		t.Errorf("CA1 minimum %+v: want used 6M, slack 1M, binding", am)
	}
	po := findConstraint(t, sol.Constraints, PinOut, "D")
	if po.Used != 0 || po.Slack != 0 || !po.Binding || po.Dual <= 0 {
		t.Errorf("pin out D %+v: the relaxation wants D (value 50 for 2M of an idle budget)", po)
	}
	pi := findConstraint(t, sol.Constraints, PinIn, "E")
	if pi.Used != 1 || pi.Slack != 0 || pi.Binding {
		t.Errorf("pin in E %+v: E is wanted anyway", pi)
	}
	g := findConstraint(t, sol.Constraints, GroupCap, "X2")
	if g.Used != 10*M || g.Slack != 30*M || g.Binding {
		t.Errorf("group X2 %+v", g)
	}
}

// TestGreedy checks the baseline: highest value first while it fits,
// pins respected, area minimums only reported.
func TestGreedy(t *testing.T) {
	in := Instance{
		Proposals: []Proposal{
			prop("A", 10, nat(6*M), "CA2", ""),
			prop("B", 7, nat(5*M), "CA2", ""),
			prop("C", 6, nat(4*M), "CA1", ""),
			{ID: "D", Value: 1, Cost: nat(1 * M), Pin: In},
		},
		Budget:  map[string]int64{"national": 11 * M},
		AreaMin: map[string]int64{"CA1": 5 * M},
	}
	g := Greedy(in)
	if got := selected(in, g.Selected); !slices.Equal(got, []string{"A", "C", "D"}) || g.Value != 17 || g.Bound != -1 {
		t.Fatalf("greedy %v value %d bound %d", got, g.Value, g.Bound)
	}
	if g.Status != Infeasible {
		t.Errorf("greedy misses the CA1 minimum (4M < 5M) but says %v", g.Status)
	}
	if c := findConstraint(t, g.Constraints, AreaMin, "CA1"); c.Slack != -1*M {
		t.Errorf("CA1 minimum %+v: want slack −1M", c)
	}
	// The optimiser does not ignore the minimum: CA1 has only C (4M).
	sol := solveOK(t, in, Options{})
	if sol.Status != Infeasible || len(sol.Conflict) != 1 || sol.Conflict[0].Kind != AreaMin {
		t.Errorf("optimum with an unreachable minimum: %v %+v", sol.Status, sol.Conflict)
	}
	in.AreaMin = nil
	if g := Greedy(in); g.Status != Feasible || g.Value != 17 {
		t.Errorf("without the minimum: %v %d", g.Status, g.Value)
	}
}

// TestValidate checks every kind of invalid input and what the error
// says about it.
func TestValidate(t *testing.T) {
	ok := func() Instance {
		return Instance{
			Proposals: []Proposal{prop("A", 1, nat(M), "CA1", "X"), prop("B", 2, nat(M), "CA2", "X")},
			Budget:    map[string]int64{"national": 10 * M},
			AreaMin:   map[string]int64{"CA1": 0},
			AreaMax:   map[string]int64{"CA1": M},
		}
	}
	if err := Validate(ok()); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		edit  func(*Instance)
		want  ValidationError
		parts []string
	}{
		{"negative value", func(in *Instance) { in.Proposals[1].Value = -3 },
			ValidationError{Kind: NegativeValue, Index: 1, ID: "B", Value: -3}, []string{"proposal 1", `"B"`, "negative_value"}},
		{"negative cost", func(in *Instance) { in.Proposals[0].Cost = map[string]int64{"commune": -5} },
			ValidationError{Kind: NegativeCost, Index: 0, ID: "A", Key: "commune", Value: -5}, []string{"negative_cost", `"commune"`}},
		{"bad pin", func(in *Instance) { in.Proposals[1].Pin = 7 },
			ValidationError{Kind: BadPin, Index: 1, ID: "B", Value: 7}, []string{"bad_pin"}},
		{"duplicate ID", func(in *Instance) { in.Proposals[1].ID = "A" },
			ValidationError{Kind: DuplicateID, Index: 1, ID: "A", Key: "A"}, []string{"duplicate_id"}},
		{"negative budget", func(in *Instance) { in.Budget["provincial"] = -1 },
			ValidationError{Kind: NegativeLimit, Index: -1, Constraint: Budget, Key: "provincial", Value: -1}, []string{"budget", "negative_limit"}},
		{"negative area maximum", func(in *Instance) { in.AreaMax["CA3"] = -2 },
			ValidationError{Kind: NegativeLimit, Index: -1, Constraint: AreaMax, Key: "CA3", Value: -2}, []string{"area_max"}},
		{"minimum above maximum", func(in *Instance) { in.AreaMin["CA1"] = 2 * M },
			ValidationError{Kind: MinAboveMax, Index: -1, Constraint: AreaMin, Key: "CA1", Value: 2 * M}, []string{"min_above_max"}},
		{"area without a key", func(in *Instance) { in.AreaMin[""] = 1 },
			ValidationError{Kind: UnknownArea, Index: -1, Constraint: AreaMin, Key: ""}, []string{"unknown_area"}},
		{"negative group cap", func(in *Instance) { in.GroupCap = -4 },
			ValidationError{Kind: NegativeLimit, Index: -1, Constraint: GroupCap, Value: -4}, []string{"group_cap"}},
		{"values overflow", func(in *Instance) { in.Proposals[0].Value = 1 << 62; in.Proposals[1].Value = 1 << 62 },
			ValidationError{Kind: TooLarge, Index: 1, ID: "B", Value: 1 << 62}, []string{"too_large"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := ok()
			c.edit(&in)
			err := Validate(in)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate = %v, want a *ValidationError", err)
			}
			if *ve != c.want {
				t.Errorf("got %+v, want %+v", *ve, c.want)
			}
			for _, p := range c.parts {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("%q lacks %q", err.Error(), p)
				}
			}
			if _, err := Solve(context.Background(), in, Options{}); !errors.As(err, &ve) {
				t.Errorf("Solve accepted the invalid instance: %v", err)
			}
		})
	}
}

// TestInfeasible checks the conflict of instances without any plan: the
// quick checks (pinned-in proposals over a budget, an area minimum above
// its proposals) and the deletion filter, which must keep exactly the
// constraints that clash and drop the unrelated ones.
func TestInfeasible(t *testing.T) {
	names := func(cs []Constraint) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Kind.String()+":"+c.Key)
		}
		return out
	}
	cases := []struct {
		name string
		in   Instance
		want []string
	}{
		{"pinned in over a budget", Instance{
			Proposals: []Proposal{
				{ID: "P1", Value: 5, Cost: nat(6 * M), Pin: In},
				{ID: "P2", Value: 5, Cost: nat(5 * M), Pin: In},
				{ID: "P3", Value: 5, Cost: nat(1 * M), Pin: In},
				{ID: "P4", Value: 5, Cost: map[string]int64{"provincial": 1 * M}},
			},
			Budget: map[string]int64{"national": 10 * M, "provincial": 10 * M},
		}, []string{"budget:national", "pin_in:P1", "pin_in:P2"}},
		{"area minimum above its proposals once pinned out", Instance{
			Proposals: []Proposal{
				{ID: "P1", Value: 5, Cost: nat(6 * M), Area: "CA1", Pin: Out},
				{ID: "P2", Value: 5, Cost: nat(2 * M), Area: "CA1", Pin: Out},
				{ID: "P3", Value: 5, Cost: nat(3 * M), Area: "CA1"},
			},
			Budget:  map[string]int64{"national": 100 * M},
			AreaMin: map[string]int64{"CA1": 8 * M},
		}, []string{"area_min:CA1", "pin_out:P1"}},
		{"area minimum against a commune cap (deletion filter)", Instance{
			Proposals: []Proposal{
				prop("P1", 5, nat(6*M), "CA1", "X1"),
				prop("P2", 5, nat(6*M), "CA1", "X1"),
				prop("P3", 5, nat(3*M), "CA2", "X2"),
				{ID: "P4", Value: 5, Cost: map[string]int64{"provincial": 3 * M}, Area: "CA2", Group: "X2", Pin: Out},
				{ID: "P5", Value: 1, Cost: nat(1 * M), Area: "CA2", Group: "X3", Pin: In},
			},
			Budget:   map[string]int64{"national": 100 * M, "provincial": 5 * M},
			AreaMin:  map[string]int64{"CA1": 12 * M},
			AreaMax:  map[string]int64{"CA2": 5 * M},
			GroupCap: 10 * M,
		}, []string{"area_min:CA1", "group_cap:X1"}},
		{"budget, area minimum and a pin (deletion filter)", Instance{
			Proposals: []Proposal{
				prop("P1", 5, nat(4*M), "CA1", ""),
				prop("P2", 5, nat(4*M), "CA1", ""),
				{ID: "P3", Value: 5, Cost: nat(4 * M), Area: "CA2", Pin: In},
			},
			Budget:  map[string]int64{"national": 10 * M},
			AreaMin: map[string]int64{"CA1": 8 * M},
		}, []string{"budget:national", "area_min:CA1", "pin_in:P3"}},
	}
	for _, cs := range cases {
		t.Run(cs.name, func(t *testing.T) {
			c := cs
			sol := solveOK(t, c.in, Options{Explain: true})
			if sol.Status != Infeasible {
				t.Fatalf("status %v value %d", sol.Status, sol.Value)
			}
			if got := names(sol.Conflict); !slices.Equal(got, c.want) {
				t.Fatalf("conflict %v, want %v", got, c.want)
			}
			// Minimal: without any one of its constraints (group caps
			// cannot be dropped one by one from an Instance) the
			// instance has a plan.
			for _, k := range sol.Conflict {
				c := k
				in := cs.in
				in.Proposals = slices.Clone(in.Proposals)
				in.Budget, in.AreaMin, in.AreaMax = clone(in.Budget), clone(in.AreaMin), clone(in.AreaMax)
				switch c.Kind {
				case Budget:
					in.Budget[c.Key] = 1 << 50 // unlimited; still counted in the areas
				case AreaMin:
					delete(in.AreaMin, c.Key)
				case AreaMax:
					delete(in.AreaMax, c.Key)
				case PinIn, PinOut:
					for j := range in.Proposals {
						if in.Proposals[j].ID == c.Key {
							in.Proposals[j].Pin = Free
						}
					}
				default:
					continue
				}
				if s := solveOK(t, in, Options{}); s.Status != Optimal {
					t.Errorf("without %v %s the instance is still %v", c.Kind, c.Key, s.Status)
				}
			}
			if sol.Partial || sol.Value != 0 || len(sol.Constraints) == 0 {
				t.Errorf("partial %v value %d constraints %d", sol.Partial, sol.Value, len(sol.Constraints))
			}
		})
	}
}

// TestExplanations checks the explanations against re-solves: each
// marginal gain is the optimum with the budget plus one million minus the
// optimum; each exact loss is the optimum minus the optimum with the
// proposal pinned in, and its LP lower bound is below it; a proposal that
// does not fit breaks what it says with the pinned-in ones; every
// unselected proposal is explained once.
func TestExplanations(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		in := Generate(60, seed)
		// A pin of each kind and a proposal too big for any budget.
		in.Proposals[0].Pin = In
		in.Proposals[1].Pin = Out
		in.Proposals[2].Cost = map[string]int64{"national": in.Budget["national"] + 1}
		sol := solveOK(t, in, Options{Explain: true, ExplainLimit: 10})
		if sol.Status != Optimal || sol.Partial {
			t.Fatalf("seed %d: %v partial %v", seed, sol.Status, sol.Partial)
		}
		// Marginals, by source.
		if len(sol.Marginals) != 3 {
			t.Fatalf("seed %d: marginals %+v", seed, sol.Marginals)
		}
		for k, m := range sol.Marginals {
			if want := []string{"commune", "national", "provincial"}[k]; m.Source != want || m.Extra != MarginalExtra {
				t.Fatalf("marginal %d: %+v", k, m)
			}
			more := in
			more.Budget = map[string]int64{}
			for s, v := range in.Budget {
				more.Budget[s] = v
			}
			more.Budget[m.Source] += MarginalExtra
			if got := solveOK(t, more, Options{}).Value - sol.Value; got != m.Gain {
				t.Errorf("seed %d: marginal of %s: gain %d, re-solve says %d", seed, m.Source, m.Gain, got)
			}
		}
		// Rejections.
		seen := map[int]bool{}
		exact := 0
		for _, r := range sol.Rejected {
			if sol.Selected[r.Index] || seen[r.Index] {
				t.Fatalf("seed %d: rejection of %d (selected %v, twice %v)", seed, r.Index, sol.Selected[r.Index], seen[r.Index])
			}
			seen[r.Index] = true
			switch r.Reason {
			case PinnedOut:
				if r.Index != 1 || len(r.Blocking) != 1 || r.Blocking[0].Kind != PinOut {
					t.Errorf("seed %d: pinned out %+v", seed, r)
				}
			case DoesNotFit:
				// Each blocking constraint is broken by the proposal
				// with the pinned-in proposal 0.
				for _, c := range r.Blocking {
					if c.Kind == Budget {
						if in.Proposals[0].Cost[c.Key]+in.Proposals[r.Index].Cost[c.Key] <= c.Limit {
							t.Errorf("seed %d: %d does fit %+v", seed, r.Index, c)
						}
					}
				}
				if r.Index == 2 && (len(r.Blocking) == 0 || r.Blocking[0].Kind != Budget || r.Blocking[0].Key != "national") {
					t.Errorf("seed %d: proposal 2 is over the national budget: %+v", seed, r)
				}
			case Displaced:
				if r.LossBound < 0 || (r.Loss >= 0 && r.LossBound > r.Loss) {
					t.Errorf("seed %d: loss %d bound %d", seed, r.Loss, r.LossBound)
				}
				for _, c := range r.Blocking {
					if c.Kind == Budget && c.Used+in.Proposals[r.Index].Cost[c.Key] <= c.Limit {
						t.Errorf("seed %d: %d would fit %+v", seed, r.Index, c)
					}
				}
				if r.Loss < 0 {
					continue
				}
				exact++
				forced := in
				forced.Proposals = slices.Clone(in.Proposals)
				forced.Proposals[r.Index].Pin = In
				f := solveOK(t, forced, Options{})
				if f.Status != Optimal || sol.Value-f.Value != r.Loss {
					t.Errorf("seed %d: loss of %d is %d, re-solve %v %d (optimum %d)", seed, r.Index, r.Loss, f.Status, f.Value, sol.Value)
				}
			}
		}
		for j, on := range sol.Selected {
			if !on && !seen[j] {
				t.Errorf("seed %d: proposal %d left out without an explanation", seed, j)
			}
		}
		if exact != 10 {
			t.Errorf("seed %d: %d exact losses, want ExplainLimit 10", seed, exact)
		}
		if !seen[2] || !seen[1] {
			t.Errorf("seed %d: proposals 1 and 2 not explained", seed)
		}
	}
}

// TestDeadline checks that a solve cut short returns the best selection
// with Status Feasible, a bound above it and an error wrapping
// ErrTimeout, and that a cancelled context stops it the same way.
func TestDeadline(t *testing.T) {
	in := Generate(2000, 5) // takes far longer than the deadline
	start := time.Now()
	sol, err := Solve(context.Background(), in, Options{Deadline: 300 * time.Millisecond})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err %v, want ErrTimeout", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("the 300 ms deadline stopped the solve after %v", took)
	}
	if sol.Status != Feasible || sol.Value <= 0 || sol.Bound <= sol.Value {
		t.Fatalf("status %v value %d bound %d", sol.Status, sol.Value, sol.Bound)
	}
	md := newModel(&in)
	lo, hi := md.rowBounds()
	if !md.feasible(sol.Selected, lo, hi, md.pins()) || md.valueOf(sol.Selected) != sol.Value {
		t.Error("the best selection is not feasible or not worth its value")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Solve(ctx, in, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err %v", err)
	}
}

// TestGenerate checks that instances are reproducible and shaped as
// documented.
func TestGenerate(t *testing.T) {
	a, b := Generate(400, 3), Generate(400, 3)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("the same seed gives two instances")
	}
	if fmt.Sprint(a) == fmt.Sprint(Generate(400, 4)) {
		t.Fatal("two seeds give the same instance")
	}
	if err := Validate(a); err != nil {
		t.Fatal(err)
	}
	demand := map[string]int64{}
	groups := map[string]bool{}
	for _, p := range a.Proposals {
		var total int64
		for s, c := range p.Cost {
			demand[s] += c
			total += c
		}
		if total < 10*M || total > 500*M || p.Value < 50 || !strings.HasPrefix(p.Area, "CA") {
			t.Fatalf("proposal %+v", p)
		}
		groups[p.Group] = true
	}
	for _, s := range []string{"national", "provincial", "commune"} {
		if share := float64(a.Budget[s]) / float64(demand[s]); share < 0.29 || share > 0.41 {
			t.Errorf("budget %s is %.2f of its demand", s, share)
		}
	}
	if len(a.AreaMin) == 0 || len(a.AreaMax) == 0 || a.GroupCap <= 0 || len(groups) < 40 || len(groups) > 50 {
		t.Errorf("areas %v/%v, cap %d, %d communes", a.AreaMin, a.AreaMax, a.GroupCap, len(groups))
	}
}

func benchmarkSolve(b *testing.B, n int) {
	in := Generate(n, 1)
	for b.Loop() {
		if sol, err := Solve(context.Background(), in, Options{}); err != nil || sol.Status != Optimal {
			b.Fatal(sol.Status, err)
		}
	}
}

func BenchmarkSolve100(b *testing.B)  { benchmarkSolve(b, 100) }
func BenchmarkSolve500(b *testing.B)  { benchmarkSolve(b, 500) }
func BenchmarkSolve2000(b *testing.B) { benchmarkSolve(b, 2000) }

func clone(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
