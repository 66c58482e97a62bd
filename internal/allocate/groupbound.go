package allocate

import (
	"cmp"
	"math"
	"slices"
)

// The group bound. Group caps have disjoint supports (a proposal is in
// one commune), so a Lagrangian relaxation that keeps them and prices
// every other row with the LP duals splits into one exact 0/1 knapsack per
// commune. With the node's optimal LP duals it is never weaker than the
// LP bound, and it sees what the LP cannot: that a commune's cap cannot be
// filled exactly. Like the LP bound it is valid for any duals, so
// floating-point error costs strength, not correctness.

// gitem is a column of a group knapsack.
type gitem struct {
	p float64 // reduced profit (max sense) without the group's dual
	w int64   // total cost
}

// groupBound returns the bound (max sense, fixed value included) at the
// current LP duals, or +Inf when there is no group row to exploit.
func (b *mip) groupBound() float64 {
	s := b.s
	if b.groupRow == nil {
		b.groupRow = make([]bool, s.m)
		b.colGroup = make([]int, s.n)
		for c := range b.colGroup {
			b.colGroup[c] = -1
		}
		for i, r := range b.lpRows {
			if r >= 0 && b.md.rows[r].kind == rowGroup {
				b.groupRow[i] = true
				b.hasGroups = true
				for t := s.rowStart[i]; t < s.rowStart[i+1]; t++ {
					b.colGroup[s.rowCol[t]] = i
				}
			}
		}
	}
	if !b.hasGroups {
		return math.Inf(1)
	}
	// Min-sense Lagrangian: coupling rows' auxiliaries, columns outside
	// groups, and minus each group's knapsack optimum.
	total := 0.0
	for i := 0; i < s.m; i++ {
		if !b.groupRow[i] {
			d := s.pi[i]
			total += min(d*s.lb[s.n+i], d*s.ub[s.n+i])
		}
	}
	if len(b.gItems) < s.m {
		b.gItems = make([][]gitem, s.m)
		b.gUsed = make([]int64, s.m)
	}
	for i := range b.gItems {
		b.gItems[i] = b.gItems[i][:0]
		b.gUsed[i] = 0
	}
	for c := 0; c < s.n; c++ {
		d := s.cost[c]
		for t := s.colStart[c]; t < s.colStart[c+1]; t++ {
			if i := s.colRow[t]; !b.groupRow[i] {
				d -= s.pi[i] * s.colVal[t]
			}
		}
		g := b.colGroup[c]
		if g < 0 || s.lb[c] == s.ub[c] {
			total += min(d*s.lb[c], d*s.ub[c])
			if g >= 0 && s.lb[c] == 1 {
				b.gUsed[g] += b.weight(g, c)
			}
			continue
		}
		if d < 0 {
			b.gItems[g] = append(b.gItems[g], gitem{-d, b.weight(g, c)})
		}
	}
	for i := 0; i < s.m; i++ {
		if !b.groupRow[i] {
			continue
		}
		capacity := b.gCap[i] - b.gUsed[i]
		if capacity < 0 {
			return math.Inf(-1) // the fixed columns break the cap: no solution here
		}
		total -= knapsack(b.gItems[i], capacity, &b.kpWork)
	}
	return float64(b.v1) - total
}

// weight is the exact coefficient of column c in group row i.
func (b *mip) weight(i, c int) int64 { return b.md.total[b.cols[c]] }

// knapsack returns an upper bound on max Σ p x, Σ w x ≤ capacity, x 0/1
// (all p > 0): the exact optimum, by depth-first branch and bound with the
// Dantzig bound, or that bound at the root when the search is too long.
func knapsack(items []gitem, capacity int64, work *[]gitem) float64 {
	var sumW int64
	sumP := 0.0
	for _, it := range items {
		sumW += it.w
		sumP += it.p
	}
	if sumW <= capacity {
		return sumP
	}
	its := append((*work)[:0], items...)
	*work = its
	slices.SortFunc(its, func(a, b gitem) int { return cmp.Compare(b.p*float64(a.w), a.p*float64(b.w)) })
	// Dantzig bound from item k with capacity left.
	dantzig := func(k int, capLeft int64) float64 {
		ub := 0.0
		for ; k < len(its); k++ {
			if its[k].w <= capLeft {
				capLeft -= its[k].w
				ub += its[k].p
			} else {
				return ub + its[k].p*float64(capLeft)/float64(its[k].w)
			}
		}
		return ub
	}
	root := dantzig(0, capacity)
	best := 0.0
	nodes := 0
	const limit = 20000
	var dfs func(k int, capLeft int64, val float64) bool
	dfs = func(k int, capLeft int64, val float64) bool {
		nodes++
		if nodes > limit {
			return false
		}
		if val > best {
			best = val
		}
		if k == len(its) || val+dantzig(k, capLeft) <= best+1e-9 {
			return true
		}
		if its[k].w <= capLeft && !dfs(k+1, capLeft-its[k].w, val+its[k].p) {
			return false
		}
		return dfs(k+1, capLeft, val)
	}
	if !dfs(0, capacity, 0) {
		return root
	}
	return best
}
