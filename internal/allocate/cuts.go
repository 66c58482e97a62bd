package allocate

import (
	"cmp"
	"hash/fnv"
	"math"
	"slices"
)

// Cover cuts. For a row Σ a_j x_j ≤ b with a_j > 0 (a budget, an area
// maximum or a group cap, after the fixed proposals), a cover is a set C
// of columns with Σ_C a_j > b: at most |C|−1 of them fit, and so do at
// most |C|−1 of its extension E(C) = C ∪ {j : a_j ≥ max_C a}. The
// inequality Σ_E x_j ≤ |C| − 1 holds for every 0/1 point of the row,
// is derived in exact integers, and cuts off LP points that take
// fractions of the items that do not fit together. They are added at the
// root in rounds while they improve the bound.

// coverCuts separates extended cover inequalities violated by the LP
// point and returns them as rows with their bounds.
func (b *mip) coverCuts() (rows [][]entry, ub []float64) {
	s := b.s
	md := b.md
	type item struct {
		c int
		a int64
		x float64
	}
	var items []item
	done := map[int]bool{}
	for _, r := range b.lpRows {
		if r < 0 || done[r] {
			continue
		}
		done[r] = true
		row := md.rows[r]
		if row.hi == math.MaxInt64 {
			continue
		}
		cap := row.hi - b.u1[r]
		items = items[:0]
		for k, j := range row.cols {
			c := b.colOf[j]
			if c < 0 || s.ub[c] == 0 {
				continue
			}
			if x := s.x[c]; x > 1e-9 {
				items = append(items, item{c, row.coef[k], x})
			}
		}
		if len(items) < 2 {
			continue
		}
		slices.SortFunc(items, func(p, q item) int {
			return cmp.Compare((1-p.x)/float64(p.a), (1-q.x)/float64(q.a))
		})
		var sum int64
		k := 0
		for ; k < len(items) && sum <= cap; k++ {
			sum += items[k].a
		}
		if sum <= cap {
			continue
		}
		cover := slices.Clone(items[:k])
		// Minimal: drop the items of smallest x while it stays a cover.
		slices.SortFunc(cover, func(p, q item) int { return cmp.Compare(p.x, q.x) })
		for t := 0; t < len(cover); {
			if sum-cover[t].a > cap {
				sum -= cover[t].a
				cover = slices.Delete(cover, t, t+1)
				continue
			}
			t++
		}
		lhs := 0.0
		var amax int64
		for _, it := range cover {
			lhs += it.x
			amax = max(amax, it.a)
		}
		rhs := float64(len(cover) - 1)
		if lhs <= rhs+1e-4 || len(cover) < 2 {
			continue
		}
		in := map[int]bool{}
		var cut []entry
		for _, it := range cover {
			in[it.c] = true
			cut = append(cut, entry{it.c, 1})
		}
		for k, j := range row.cols {
			c := b.colOf[j]
			if c >= 0 && !in[c] && row.coef[k] >= amax {
				cut = append(cut, entry{c, 1})
			}
		}
		slices.SortFunc(cut, func(p, q entry) int { return cmp.Compare(p.j, q.j) })
		h := fnv.New64a()
		for _, e := range cut {
			h.Write([]byte{byte(e.j), byte(e.j >> 8), byte(e.j >> 16), byte(e.j >> 24)})
		}
		key := h.Sum64()
		if b.cutSeen[key] {
			continue
		}
		b.cutSeen[key] = true
		rows = append(rows, cut)
		ub = append(ub, rhs)
	}
	return rows, ub
}

// addCuts runs rounds of cover cuts at the root while a round lowers the
// bound by half a point or more, and returns the last LP status.
//
// The cuts of the search proper (not of the core heuristic's restricted
// problems) number at most one per cutsPerCols LP columns: on a small
// plan (100 proposals, about 20 rows) more rows cost more in every
// simplex iteration of the search than they save in nodes, while a large
// plan stops well below the limit.
func (b *mip) addCuts(st lpStatus) lpStatus {
	s := b.s
	b.cutSeen = map[uint64]bool{}
	prev := b.maxBound()
	m0 := s.m
	for round := 0; round < 20 && st == lpOptimal; round++ {
		if b.bestVal >= 0 && b.floorBound(prev) <= b.bestVal {
			break
		}
		rows, ub := b.coverCuts()
		if len(rows) == 0 || s.m+len(rows) > 4*len(b.md.rows)+200 {
			break
		}
		if !b.sub && s.m-m0+len(rows) > s.n/cutsPerCols {
			break
		}
		lb := make([]float64, len(rows))
		s.addRows(rows, lb, ub)
		for k, row := range rows {
			d := lprow{r: -1, hi: int64(ub[k]), sc: 1}
			for _, e := range row {
				d.cols = append(d.cols, e.j)
				d.coef = append(d.coef, 1)
			}
			b.rdef = append(b.rdef, d)
			b.lpRows = append(b.lpRows, -1)
			b.gCap = append(b.gCap, 0)
		}
		st, _ = s.solve(math.Inf(1), b.maxIter*4)
		cur := b.maxBound()
		if prev-cur < 0.5 {
			break // less than half a point: not worth more rows
		}
		prev = cur
	}
	return st
}

// cutsPerCols is the number of LP columns per cut allowed at the root of
// the search.
const cutsPerCols = 10
