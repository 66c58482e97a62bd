package allocate

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"
)

// conflictFinder finds a minimal set of constraints of an infeasible
// instance that cannot hold together: quick checks first (pinned-in
// proposals over a limit, an area minimum above what its proposals or the
// budgets can give), then a deletion filter over the constraints, first
// by kind, then by chunks, then one by one. Each test is a feasibility
// search of the branch and bound; a test the deadline stops counts as
// "still infeasible would be unproven", so the constraint is kept and the
// set may be larger than minimal (timedOut is then set).
type conflictFinder struct {
	ctx      context.Context
	md       *model
	deadline time.Time
	timedOut bool

	elems []celem
}

// celem is one constraint: its kind and its row or proposal.
type celem struct {
	kind ConstraintKind
	r    int // model row (Budget, AreaMin, AreaMax, GroupCap)
	j    int // proposal (PinIn, PinOut)
}

func (c *conflictFinder) find() []Constraint {
	md := c.md
	for r, row := range md.rows {
		switch row.kind {
		case rowBudget:
			c.elems = append(c.elems, celem{kind: Budget, r: r})
		case rowArea:
			if row.hasLo {
				c.elems = append(c.elems, celem{kind: AreaMin, r: r})
			}
			if row.hasHi {
				c.elems = append(c.elems, celem{kind: AreaMax, r: r})
			}
		case rowGroup:
			c.elems = append(c.elems, celem{kind: GroupCap, r: r})
		}
	}
	for j, p := range md.in.Proposals {
		switch p.Pin {
		case In:
			c.elems = append(c.elems, celem{kind: PinIn, j: j})
		case Out:
			c.elems = append(c.elems, celem{kind: PinOut, j: j})
		}
	}
	all := make([]int, len(c.elems))
	for k := range all {
		all[k] = k
	}
	set := c.quick()
	if set == nil {
		set = all
	}
	set = c.filter(set)
	zero := make([]bool, md.n)
	cons := md.constraints(zero, nil, nil)
	out := make([]Constraint, len(set))
	for k, e := range set {
		out[k] = cons[e]
	}
	return out
}

// elemOf returns the index of the element of a kind and row/proposal.
func (c *conflictFinder) elemOf(kind ConstraintKind, r, j int) int {
	for k, e := range c.elems {
		if e.kind == kind && e.r == r && e.j == j {
			return k
		}
	}
	return -1
}

// quick returns a small infeasible set found without search, or nil.
func (c *conflictFinder) quick() []int {
	md := c.md
	// Pinned-in proposals over an upper limit: the limit and the fewest
	// pins (largest first) that exceed it.
	for r, row := range md.rows {
		if row.hi == math.MaxInt64 {
			continue
		}
		var pinned []int
		for k, j := range row.cols {
			if md.in.Proposals[j].Pin == In {
				pinned = append(pinned, k)
			}
		}
		slices.SortFunc(pinned, func(a, b int) int { return cmp.Compare(row.coef[b], row.coef[a]) })
		var sum int64
		for t, k := range pinned {
			sum += row.coef[k]
			if sum > row.hi {
				kind := Budget
				switch row.kind {
				case rowArea:
					kind = AreaMax
				case rowGroup:
					kind = GroupCap
				}
				set := []int{c.elemOf(kind, r, 0)}
				for _, k := range pinned[:t+1] {
					set = append(set, c.elemOf(PinIn, 0, row.cols[k]))
				}
				slices.Sort(set)
				return set
			}
		}
	}
	// An area minimum above the area's proposals: alone, or with the
	// fewest pins out (the largest) that make it so.
	for r, row := range md.rows {
		if !row.hasLo {
			continue
		}
		var all, free int64
		var out []int
		for k, j := range row.cols {
			all += row.coef[k]
			if md.in.Proposals[j].Pin == Out {
				out = append(out, k)
			} else {
				free += row.coef[k]
			}
		}
		if all < row.lo {
			return []int{c.elemOf(AreaMin, r, 0)}
		}
		if free < row.lo {
			// Free the smallest pins while the minimum stays out of reach.
			slices.SortFunc(out, func(a, b int) int { return cmp.Compare(row.coef[a], row.coef[b]) })
			t := 0
			for ; t < len(out) && free+row.coef[out[t]] < row.lo; t++ {
				free += row.coef[out[t]]
			}
			set := []int{c.elemOf(AreaMin, r, 0)}
			for _, k := range out[t:] {
				set = append(set, c.elemOf(PinOut, 0, row.cols[k]))
			}
			slices.Sort(set)
			return set
		}
	}
	// An area minimum above every budget its proposals draw on: a
	// candidate set, made minimal by the filter.
	for r, row := range md.rows {
		if !row.hasLo {
			continue
		}
		var budgets []int
		var sum int64
		for br, b := range md.rows {
			if b.kind != rowBudget {
				continue
			}
			used := false
			for _, j := range row.cols {
				if md.in.Proposals[j].Cost[b.key] > 0 {
					used = true
					break
				}
			}
			if used {
				budgets = append(budgets, c.elemOf(Budget, br, 0))
				sum += b.hi
			}
		}
		if sum < row.lo {
			return append(budgets, c.elemOf(AreaMin, r, 0))
		}
	}
	return nil
}

// feasible reports whether the constraints in set can hold together;
// decided is false when the deadline stopped the search.
func (c *conflictFinder) feasible(set []int) (ok, decided bool) {
	md := c.md
	lo := make([]int64, len(md.rows))
	hi := make([]int64, len(md.rows))
	for r := range hi {
		hi[r] = math.MaxInt64
	}
	fix := make([]int8, md.n)
	for j := range fix {
		fix[j] = -1
	}
	for _, k := range set {
		e := c.elems[k]
		switch e.kind {
		case Budget, AreaMax, GroupCap:
			hi[e.r] = md.rows[e.r].hi
		case AreaMin:
			lo[e.r] = md.rows[e.r].lo
		case PinIn:
			fix[e.j] = 1
		case PinOut:
			fix[e.j] = 0
		}
	}
	b := newMIP(c.ctx, md, lo, hi, fix, c.deadline)
	b.feasOnly = true
	res := b.run(nil)
	if b.err != nil {
		c.timedOut = true
		return false, false
	}
	return res.status != Infeasible, true
}

// filter shrinks an infeasible set to a minimal one.
func (c *conflictFinder) filter(set []int) []int {
	without := func(set, drop []int) []int {
		var out []int
		for _, k := range set {
			if !slices.Contains(drop, k) {
				out = append(out, k)
			}
		}
		return out
	}
	try := func(drop []int) bool {
		if len(drop) == 0 {
			return false
		}
		rest := without(set, drop)
		ok, decided := c.feasible(rest)
		if decided && !ok {
			set = rest
			return true
		}
		return false
	}
	// By kind.
	for _, kind := range []ConstraintKind{PinOut, PinIn, GroupCap, AreaMax, AreaMin, Budget} {
		var drop []int
		for _, k := range set {
			if c.elems[k].kind == kind {
				drop = append(drop, k)
			}
		}
		if len(drop) < len(set) {
			try(drop)
		}
	}
	// By chunks, then one by one.
	for size := 16; size >= 1; size /= 4 {
		if len(set) <= size {
			continue
		}
		for start := 0; start < len(set); {
			end := min(start+size, len(set))
			chunk := slices.Clone(set[start:end])
			if len(chunk) == len(set) || !try(chunk) {
				start = end
			}
		}
	}
	return set
}
