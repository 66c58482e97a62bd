package allocate

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"
)

// Solve returns the optimal selection of in: the highest total Value
// under every constraint, proven optimal by branch and bound (Status
// Optimal, Bound == Value), or Status Infeasible with a minimal Conflict.
// An invalid instance returns the *ValidationError of Validate. See
// Options for the deadline and the explanations; ctx cancellation is
// treated as the deadline (the error then wraps ctx.Err()).
func Solve(ctx context.Context, in Instance, opt Options) (Solution, error) {
	if err := Validate(in); err != nil {
		return Solution{}, err
	}
	var deadline time.Time
	if opt.Deadline > 0 {
		deadline = time.Now().Add(opt.Deadline)
	}
	md := newModel(&in)
	lo, hi := md.rowBounds()
	pins := md.pins()
	b := newMIP(ctx, md, lo, hi, slices.Clone(pins), deadline)
	res := b.run(nil)
	sol := Solution{Status: res.status, Value: res.value, Bound: res.bound, Nodes: res.nodes, Selected: res.sel}
	if b.err != nil && res.status != Optimal && res.status != Infeasible {
		if res.sel == nil {
			sol.Status, sol.Value, sol.Selected = Unknown, 0, make([]bool, md.n)
			sol.Constraints = md.constraints(sol.Selected, nil, nil)
		} else {
			sol.Constraints = md.constraints(sol.Selected, nil, nil)
		}
		return sol, fmt.Errorf("allocate: best selection %d, bound %d: %w", max(res.value, 0), res.bound, b.err)
	}
	if res.status == Infeasible {
		sol.Value, sol.Bound, sol.Selected = 0, 0, make([]bool, md.n)
		sol.Constraints = md.constraints(sol.Selected, nil, nil)
		c := &conflictFinder{ctx: ctx, md: md, deadline: deadline}
		sol.Conflict = c.find()
		if c.timedOut {
			sol.Partial = true
		}
		return sol, nil
	}
	var duals, rcs []float64
	if b.rootOK {
		duals, rcs = b.rootDual, b.rootRC
	}
	sol.Constraints = md.constraints(sol.Selected, duals, rcs)
	markBinding(md, &sol)
	if opt.Explain {
		e := &explainer{ctx: ctx, md: md, deadline: deadline, sol: &sol, root: b, limit: opt.ExplainLimit}
		e.explain()
	}
	return sol, nil
}

// markBinding sets Constraint.Binding (see its documentation).
func markBinding(md *model, sol *Solution) {
	const dualTol = 1e-15
	// The smallest coefficient, per row, of a rejected proposal that is
	// not pinned out; the smallest of a selected one.
	minOut := make([]int64, len(md.rows))
	minIn := make([]int64, len(md.rows))
	for r := range md.rows {
		minOut[r], minIn[r] = math.MaxInt64, math.MaxInt64
	}
	for j := 0; j < md.n; j++ {
		for _, rr := range md.colRows[j] {
			if sol.Selected[j] {
				minIn[rr.r] = min(minIn[rr.r], rr.c)
			} else if md.in.Proposals[j].Pin != Out {
				minOut[rr.r] = min(minOut[rr.r], rr.c)
			}
		}
	}
	k := 0
	for r, row := range md.rows {
		next := func() *Constraint { c := &sol.Constraints[k]; k++; return c }
		switch row.kind {
		case rowBudget, rowGroup:
			c := next()
			c.Binding = c.Dual > dualTol || minOut[r] != math.MaxInt64 && c.Slack < minOut[r]
		case rowArea:
			if row.hasLo {
				c := next()
				c.Binding = c.Dual > dualTol || (minIn[r] != math.MaxInt64 && c.Used-minIn[r] < c.Limit)
			}
			if row.hasHi {
				c := next()
				c.Binding = c.Dual > dualTol || minOut[r] != math.MaxInt64 && c.Slack < minOut[r]
			}
		}
	}
	for ; k < len(sol.Constraints); k++ {
		c := &sol.Constraints[k]
		c.Binding = c.Dual > 1e-9
	}
}

// explainer computes the explanations of an optimum.
type explainer struct {
	ctx      context.Context
	md       *model
	deadline time.Time
	sol      *Solution
	root     *mip
	limit    int
}

// resolve solves the instance with other row bounds or fixings, starting
// from start; ok is false when the deadline stopped it.
func (e *explainer) resolve(lo, hi []int64, fix []int8, start []bool) (mipResult, bool) {
	b := newMIP(e.ctx, e.md, lo, hi, fix, e.deadline)
	res := b.run(start)
	if b.err != nil {
		return res, false
	}
	return res, true
}

func (e *explainer) explain() {
	md, sol := e.md, e.sol
	lo, hi := md.rowBounds()
	pins := md.pins()
	// Usage of the pinned-in proposals: what any plan spends.
	pinSel := make([]bool, md.n)
	for j, f := range pins {
		pinSel[j] = f == 1
	}
	uPin := md.usage(pinSel)
	uOpt := md.usage(sol.Selected)
	// The reported constraint of each row's upper limit (−1: none).
	upperOf := make([]int, len(md.rows))
	k := 0
	for r, row := range md.rows {
		upperOf[r] = -1
		if row.kind == rowArea && row.hasLo {
			k++
		}
		if row.kind != rowArea || row.hasHi {
			upperOf[r] = k
			k++
		}
	}
	limit := e.limit
	if limit == 0 {
		limit = 50
	}
	var displaced []int
	for j := 0; j < md.n; j++ {
		if sol.Selected[j] {
			continue
		}
		rej := Rejection{Index: j, Loss: -1}
		p := md.in.Proposals[j]
		switch {
		case p.Pin == Out:
			rej.Reason = PinnedOut
			rej.Blocking = []Constraint{e.pinConstraint(j)}
		default:
			for _, rr := range md.colRows[j] {
				if uPin[rr.r]+rr.c > hi[rr.r] {
					rej.Blocking = append(rej.Blocking, sol.Constraints[upperOf[rr.r]])
				}
			}
			if rej.Blocking != nil {
				rej.Reason = DoesNotFit
				break
			}
			rej.Reason = Displaced
			for _, rr := range md.colRows[j] {
				if uOpt[rr.r]+rr.c > hi[rr.r] {
					rej.Blocking = append(rej.Blocking, sol.Constraints[upperOf[rr.r]])
				}
			}
			if e.root.rootOK {
				if c := e.root.rootColOf[j]; c >= 0 {
					bd := e.root.rootBound - max(e.root.rootDJ0[c], 0)
					rej.LossBound = max(0, sol.Value-e.root.floorBound(bd))
				}
			}
			displaced = append(displaced, len(sol.Rejected))
		}
		sol.Rejected = append(sol.Rejected, rej)
	}
	// Exact losses, highest value first.
	slices.SortStableFunc(displaced, func(a, b int) int {
		return cmp.Compare(md.value[sol.Rejected[b].Index], md.value[sol.Rejected[a].Index])
	})
	if limit > 0 && len(displaced) > limit {
		displaced = displaced[:limit]
	}
	if limit < 0 {
		displaced = nil
	}
	for _, k := range displaced {
		rej := &sol.Rejected[k]
		j := rej.Index
		fix := slices.Clone(pins)
		fix[j] = 1
		res, ok := e.resolve(lo, hi, fix, e.forcedStart(j))
		if !ok {
			sol.Partial = true
			break
		}
		if res.status == Infeasible {
			rej.Reason = DoesNotFit
			continue
		}
		rej.Loss = sol.Value - res.value
	}
	// Marginals.
	if sol.Partial {
		return
	}
	for r, row := range md.rows {
		if row.kind != rowBudget {
			continue
		}
		hi2 := slices.Clone(hi)
		hi2[r] = satAdd(hi2[r], MarginalExtra)
		res, ok := e.resolve(lo, hi2, slices.Clone(pins), sol.Selected)
		if !ok {
			sol.Partial = true
			return
		}
		sol.Marginals = append(sol.Marginals, Marginal{Source: row.key, Extra: MarginalExtra, Gain: res.value - sol.Value})
	}
}

func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// pinConstraint is the reported constraint of proposal j's pin.
func (e *explainer) pinConstraint(j int) Constraint {
	id := e.md.in.Proposals[j].ID
	for _, c := range e.sol.Constraints {
		if (c.Kind == PinIn || c.Kind == PinOut) && c.Key == id {
			return c
		}
	}
	return Constraint{}
}

// forcedStart is the optimum with proposal j added and, while it breaks
// an upper limit, the selected proposals of least value per cost in the
// broken rows removed: a feasible start for the re-solve when the area
// minimums still hold.
func (e *explainer) forcedStart(j int) []bool {
	md := e.md
	sel := slices.Clone(e.sol.Selected)
	sel[j] = true
	u := md.usage(sel)
	var cands []int
	for i, on := range sel {
		if on && i != j && md.in.Proposals[i].Pin != In {
			cands = append(cands, i)
		}
	}
	slices.SortFunc(cands, func(a, b int) int {
		ea := float64(md.value[a]) / float64(max(md.total[a], 1))
		eb := float64(md.value[b]) / float64(max(md.total[b], 1))
		return cmp.Compare(ea, eb)
	})
	for _, i := range cands {
		over := false
		helps := false
		for _, rr := range md.colRows[i] {
			if u[rr.r] > md.rows[rr.r].hi {
				helps = true
			}
		}
		for r := range md.rows {
			if u[r] > md.rows[r].hi {
				over = true
			}
		}
		if !over {
			break
		}
		if helps {
			sel[i] = false
			for _, rr := range md.colRows[i] {
				u[rr.r] -= rr.c
			}
		}
	}
	return sel
}
