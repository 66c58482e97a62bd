package allocate

import (
	"cmp"
	"slices"
)

// Greedy is the baseline selection "highest value first while the money
// lasts": the pinned-in proposals, then every free proposal in order of
// decreasing Value (ties by index) that still fits every budget, area
// maximum and group cap. Area minimums are not pursued, only reported:
// Status is Feasible when the result satisfies every constraint,
// Infeasible otherwise (an area minimum missed, or the pinned-in
// proposals alone break a limit; see Constraints). Bound is −1. The
// instance is assumed valid (see Validate).
func Greedy(in Instance) Solution {
	md := newModel(&in)
	lo, hi := md.rowBounds()
	fix := md.pins()
	sel := make([]bool, md.n)
	u := make([]int64, len(md.rows))
	var order []int
	for j := 0; j < md.n; j++ {
		switch fix[j] {
		case 1:
			sel[j] = true
			for _, rr := range md.colRows[j] {
				u[rr.r] += rr.c
			}
		case -1:
			order = append(order, j)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(md.value[b], md.value[a]) })
	for _, j := range order {
		fits := true
		for _, rr := range md.colRows[j] {
			if u[rr.r]+rr.c > hi[rr.r] {
				fits = false
				break
			}
		}
		if fits {
			sel[j] = true
			for _, rr := range md.colRows[j] {
				u[rr.r] += rr.c
			}
		}
	}
	sol := Solution{Status: Feasible, Selected: sel, Value: md.valueOf(sel), Bound: -1}
	if !md.feasible(sel, lo, hi, fix) {
		sol.Status = Infeasible
	}
	sol.Constraints = md.constraints(sel, nil, nil)
	return sol
}
