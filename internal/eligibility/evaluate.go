package eligibility

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/expr-lang/expr/vm"

	"khuyencong/internal/vi"
)

// vms holds expr virtual machines for reuse: a VM is not safe for
// concurrent use, a pooled one is owned by one goroutine at a time.
var vms = sync.Pool{New: func() any { return new(vm.VM) }}

// eval reports whether the criterion holds for f, whose needed facts are
// all known. Simple criteria are evaluated natively; formulas run their
// expr program. A formula that stops with a run-time error (an index
// out of range, a modulo by zero, the memory budget) does not hold.
func (cr *criterion) eval(f *Facts) bool {
	if cr.formula {
		return cr.evalExpr(f)
	}
	return cr.evalNative(f)
}

// evalExpr runs the criterion's expr program on f.
func (cr *criterion) evalExpr(f *Facts) bool {
	m := vms.Get().(*vm.VM)
	out, err := m.Run(cr.prog, f)
	vms.Put(m)
	b, _ := out.(bool)
	return err == nil && b
}

// evalNative evaluates a simple criterion from its pre-parsed value.
func (cr *criterion) evalNative(f *Facts) bool {
	switch cr.typ {
	case TypeInt, TypeMoney:
		v := f.num(cr.field)
		switch cr.op {
		case opGE:
			return v >= cr.num
		case opGT:
			return v > cr.num
		case opLE:
			return v <= cr.num
		case opLT:
			return v < cr.num
		case opEQ:
			return v == cr.num
		case opNE:
			return v != cr.num
		case opIn:
			return slices.Contains(cr.nums, v)
		case opNotIn:
			return !slices.Contains(cr.nums, v)
		}
	case TypeBool:
		return f.flag(cr.field) == (cr.op == opTrue)
	case TypeText:
		v := f.text(cr.field)
		switch cr.op {
		case opEQ:
			return v == cr.text
		case opNE:
			return v != cr.text
		case opIn:
			return slices.Contains(cr.texts, v)
		case opNotIn:
			return !slices.Contains(cr.texts, v)
		}
	case TypeList:
		return slices.Contains(f.Trades, cr.text)
	}
	return false
}

// state returns Pass, Fail or Unknown (a needed fact is missing).
func (cr *criterion) state(f *Facts, missing uint64) string {
	if cr.need&missing != 0 {
		return Unknown
	}
	if cr.eval(f) {
		return Pass
	}
	return Fail
}

// Evaluate evaluates f against the rule: every criterion's outcome, the
// status (undetermined when an eligibility group cannot be decided for
// lack of facts), the priority points, and the support for cost (0: no
// cost given) with the uplift applied when the priority criteria allow it.
//
// Outcomes follow the order of Rule.Criteria. A rule without eligibility
// criteria is eligible. Outcome.Actual and Outcome.Required are display
// strings: numbers with Vietnamese digit grouping, money in đồng
// ("1.500.000 ₫"), years without grouping, bools "có"/"không", text
// fields as their codes (the caller translates them with OptionKey),
// lists comma-separated; for a formula Actual lists the facts it reads
// ("Workers: 6; Registered: có") and Required is the formula.
func (c *Compiled) Evaluate(f Facts, cost int64) Result {
	missing := missingMask(f.Missing)
	res := Result{Rule: c.Rule, Outcomes: make([]Outcome, len(c.crits))}
	states := make([]string, len(c.crits))
	for i := range c.crits {
		cr := &c.crits[i]
		states[i] = cr.state(&f, missing)
		res.Outcomes[i] = c.outcome(cr, &f, states[i], missing)
	}
	res.Status = Eligible
	for _, g := range c.groups {
		switch groupState(g, states) {
		case Fail:
			res.Status = NotEligible
		case Unknown:
			if res.Status == Eligible {
				res.Status = Undetermined
			}
		}
	}
	for _, i := range c.prio {
		if states[i] == Pass {
			cr := c.Rule.Criteria[c.crits[i].index]
			res.Priority += cr.Points
			res.PriorityLabels = append(res.PriorityLabels, cr.Label)
		}
	}
	res.Support = SupportFor(c.Rule, cost, c.Rule.UpliftBP > 0 && res.Priority > 0)
	return res
}

// groupState combines a group's criteria: pass if any passes, fail if
// all fail, else unknown.
func groupState(g []int, states []string) string {
	st := Fail
	for _, i := range g {
		switch states[i] {
		case Pass:
			return Pass
		case Unknown:
			st = Unknown
		}
	}
	return st
}

// Matches reports whether f passes every eligibility group, without
// building explanations (bulk counting, live counts in the editor).
// ok is false when the answer is undetermined. It agrees with
// Evaluate's status: match is Eligible, !match && ok is NotEligible.
// It does not allocate for simple criteria; formulas run on pooled VMs.
func (c *Compiled) Matches(f *Facts) (match, ok bool) {
	if f == nil {
		return false, false
	}
	missing := missingMask(f.Missing)
	undetermined := false
	for _, g := range c.order {
		st := Fail
		for _, i := range g {
			cr := &c.crits[i]
			if cr.need&missing != 0 {
				st = Unknown
				continue
			}
			if cr.eval(f) {
				st = Pass
				break
			}
		}
		switch st {
		case Fail:
			return false, true
		case Unknown:
			undetermined = true
		}
	}
	if undetermined {
		return false, false
	}
	return true, true
}

// outcome builds the explanation of one criterion.
func (c *Compiled) outcome(cr *criterion, f *Facts, state string, missing uint64) Outcome {
	o := Outcome{Criterion: c.Rule.Criteria[cr.index], State: state}
	if m := cr.need & missing; m != 0 {
		o.Missing = maskNames(m)
	}
	if cr.formula {
		o.Required = cr.source
		if state != Unknown {
			var parts []string
			for id := range numFields {
				if cr.need&(1<<id) != 0 {
					parts = append(parts, Fields[id].Name+": "+formatValue(f, id))
				}
			}
			o.Actual = strings.Join(parts, "; ")
		}
		return o
	}
	o.Required = cr.required()
	if state == Unknown {
		return o
	}
	o.Actual = formatValue(f, cr.field)
	if state == Fail {
		o.Gap = cr.gap(f.num(cr.field))
		if o.Gap > 0 {
			o.GapField = Fields[cr.field].Name
		}
	}
	return o
}

// gap is how far actual is from a numeric threshold, in the field's unit
// (đồng for money): for ≥ v the shortfall v − actual, for > v one more
// (the smallest passing value is v + 1); for ≤ and < the excess. Other
// operators have no gap.
func (cr *criterion) gap(actual int64) int64 {
	if cr.typ != TypeInt && cr.typ != TypeMoney {
		return 0
	}
	var g int64
	switch cr.op {
	case opGE:
		g = cr.num - actual
	case opGT:
		g = cr.num - actual + 1
	case opLE:
		g = actual - cr.num
	case opLT:
		g = actual - cr.num + 1
	}
	return max(g, 0)
}

// required formats the requirement of a simple criterion: "≥ 10",
// "≥ 1.000.000.000 ₫", "∈ {household, coop_group}", "có", "∋ C10".
func (cr *criterion) required() string {
	switch cr.typ {
	case TypeBool:
		return formatBool(cr.op == opTrue)
	case TypeList:
		return "∋ " + cr.text
	}
	sym := [...]string{opGE: "≥", opGT: ">", opLE: "≤", opLT: "<", opEQ: "=", opNE: "≠", opIn: "∈", opNotIn: "∉"}[cr.op]
	if cr.op == opIn || cr.op == opNotIn {
		items := cr.texts
		if cr.typ != TypeText {
			items = make([]string, len(cr.nums))
			for i, n := range cr.nums {
				items[i] = formatNum(cr.field, n)
			}
		}
		return sym + " {" + strings.Join(items, ", ") + "}"
	}
	if cr.typ == TypeText {
		return sym + " " + cr.text
	}
	return sym + " " + formatNum(cr.field, cr.num)
}

// NearEligible reports whether res fails exactly one eligibility
// criterion, a numeric threshold, by at most marginPct percent of the
// requirement, and returns that outcome.
//
// Precisely: res is not eligible; exactly one eligibility group fails
// and every other group passes (none undetermined); in the failing group
// a criterion on an int or money field with ≥ or > misses by a Gap with
// Gap × 100 ≤ marginPct × the required value. With margin 20,
// "Workers ≥ 10" is near with 8 workers and not with 7. Failed
// alternatives of a passing OR group do not count. When several
// alternatives of the failing group qualify, the one with the smallest
// relative gap is returned.
func NearEligible(res Result, marginPct int) (Outcome, bool) {
	if res.Status != NotEligible || marginPct < 0 {
		return Outcome{}, false
	}
	groups := map[int]string{}
	for _, o := range res.Outcomes {
		if o.Criterion.Kind == KindPriority {
			continue
		}
		g := o.Criterion.Group
		st, seen := groups[g]
		switch {
		case st == Pass:
		case o.State == Pass:
			groups[g] = Pass
		case o.State == Unknown || !seen:
			groups[g] = o.State
		}
	}
	failing := 0
	var group int
	for g, st := range groups {
		switch st {
		case Fail:
			failing++
			group = g
		case Unknown:
			return Outcome{}, false
		}
	}
	if failing != 1 {
		return Outcome{}, false
	}
	var best Outcome
	var bestReq int64
	found := false
	for _, o := range res.Outcomes {
		if o.Criterion.Kind == KindPriority || o.Criterion.Group != group {
			continue
		}
		req, ok := nearThreshold(o, marginPct)
		if !ok {
			continue
		}
		// Smaller relative gap: o.Gap/req < best.Gap/bestReq.
		if !found || mulDiv(o.Gap, bestReq, 1) < mulDiv(best.Gap, req, 1) {
			best, bestReq, found = o, req, true
		}
	}
	return best, found
}

// nearThreshold returns the required value of a failed numeric ≥ or >
// outcome whose gap is within marginPct percent of it.
func nearThreshold(o Outcome, marginPct int) (int64, bool) {
	cr := o.Criterion
	if o.State != Fail || o.Gap <= 0 || strings.TrimSpace(cr.Formula) != "" || (cr.Op != OpGE && cr.Op != OpGT) {
		return 0, false
	}
	fd, ok := FieldByName(strings.TrimSpace(cr.Field))
	if !ok || (fd.Type != TypeInt && fd.Type != TypeMoney) {
		return 0, false
	}
	req, err := strconv.ParseInt(strings.TrimSpace(cr.Value), 10, 64)
	if err != nil || req <= 0 {
		return 0, false
	}
	// gap × 100 ≤ margin × req, without overflow for large money values.
	return req, mulDiv(o.Gap, 100, 1) <= mulDiv(req, int64(marginPct), 1)
}

// GapStep returns the gap of a failed numeric threshold as a locale step
// in the field's unit: "elig.gap.short.workers" ["4"] renders "thiếu 4
// lao động", "elig.gap.excess.dong" ["20.000.000"] "vượt 20.000.000
// đồng". ok is false when o has no gap.
func (o Outcome) GapStep() (Step, bool) {
	fd, found := FieldByName(o.GapField)
	if o.Gap <= 0 || !found || fd.UnitKey == "" {
		return Step{}, false
	}
	dir := "elig.gap.short."
	if op := o.Criterion.Op; op == OpLE || op == OpLT {
		dir = "elig.gap.excess."
	}
	return Step{Key: dir + strings.TrimPrefix(fd.UnitKey, "elig.unit."), Args: []any{vi.FormatNumber(o.Gap)}}, true
}

// StatusKey returns the locale key of an evaluation status
// ("elig.status.eligible").
func StatusKey(status string) string { return "elig.status." + status }

// StateKey returns the locale key of a criterion outcome state
// ("elig.state.unknown" = "cần xác minh").
func StateKey(state string) string { return "elig.state." + state }
