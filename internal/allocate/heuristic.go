package allocate

import (
	"cmp"
	"slices"
)

// packer builds a selection proposal by proposal with exact row usage.
type packer struct {
	b   *mip
	sel []bool
	u   []int64
}

func (b *mip) newPacker() *packer {
	md := b.md
	p := &packer{b: b, sel: make([]bool, md.n), u: make([]int64, len(md.rows))}
	for j := 0; j < md.n; j++ {
		if b.fix[j] == 1 {
			p.add(j)
		}
	}
	return p
}

func (p *packer) fits(j int) bool {
	for _, rr := range p.b.md.colRows[j] {
		if p.u[rr.r]+rr.c > p.b.hi[rr.r] {
			return false
		}
	}
	return true
}

func (p *packer) add(j int) {
	p.sel[j] = true
	for _, rr := range p.b.md.colRows[j] {
		p.u[rr.r] += rr.c
	}
}

func (p *packer) remove(j int) {
	p.sel[j] = false
	for _, rr := range p.b.md.colRows[j] {
		p.u[rr.r] -= rr.c
	}
}

// fill adds the free proposals of order that fit: first those of rows
// still below their minimum, then all.
func (p *packer) fill(order []int) {
	b := p.b
	for r, row := range b.md.rows {
		if p.u[r] >= b.lo[r] {
			continue
		}
		for _, j := range order {
			if p.u[r] >= b.lo[r] {
				break
			}
			if !p.sel[j] && b.fix[j] == -1 && inRow(row, j) && p.fits(j) {
				p.add(j)
			}
		}
	}
	for _, j := range order {
		if !p.sel[j] && b.fix[j] == -1 && p.fits(j) {
			p.add(j)
		}
	}
}

func inRow(row mrow, j int) bool {
	_, ok := slices.BinarySearch(row.cols, j)
	return ok
}

// fillHeuristic rounds the current LP point down and fills it up in the
// order of the LP values, then of the reduced costs.
func (b *mip) fillHeuristic() {
	s := b.s
	p := b.newPacker()
	var rest []int
	for c, j := range b.cols {
		if s.x[c] >= 1-1e-6 && s.lb[c] != s.ub[c] || s.lb[c] == 1 {
			if p.fits(j) {
				p.add(j)
			}
		} else if s.ub[c] == 1 {
			rest = append(rest, c)
		}
	}
	slices.SortFunc(rest, func(a, c int) int {
		if x := cmp.Compare(s.x[c], s.x[a]); x != 0 {
			return x
		}
		return cmp.Compare(b.dj[a], b.dj[c])
	})
	order := make([]int, len(rest))
	for k, c := range rest {
		order[k] = b.cols[c]
	}
	p.fill(order)
	b.offer(p.sel)
}

// greedyHeuristic packs by value, and by value per weighted cost with the
// root duals (or the tightness of each row) as weights.
func (b *mip) greedyHeuristic() {
	md := b.md
	free := make([]int, 0, len(b.cols))
	free = append(free, b.cols...)
	byValue := slices.Clone(free)
	slices.SortStableFunc(byValue, func(a, c int) int { return cmp.Compare(md.value[c], md.value[a]) })
	p := b.newPacker()
	p.fill(byValue)
	b.offer(p.sel)

	// Weights: the root duals when positive, else 1/limit of the rows.
	w := make([]float64, len(md.rows))
	for r := range md.rows {
		if b.rootDual != nil && b.rootDual[r] > 0 {
			w[r] = b.rootDual[r]
		} else if b.hi[r] > 0 && b.hi[r] < 1<<62 {
			w[r] = 1e-3 / float64(b.hi[r])
		}
	}
	eff := make([]float64, md.n)
	for _, j := range free {
		c := 1e-12
		for _, rr := range md.colRows[j] {
			c += w[rr.r] * float64(rr.c)
		}
		eff[j] = float64(md.value[j]) / c
	}
	byEff := slices.Clone(free)
	slices.SortStableFunc(byEff, func(a, c int) int { return cmp.Compare(eff[c], eff[a]) })
	p = b.newPacker()
	p.fill(byEff)
	b.offer(p.sel)
}

// localSearch improves the incumbent by adding proposals and by swapping
// one selected proposal for a better unselected one, until neither helps.
func (b *mip) localSearch() {
	md := b.md
	p := b.newPacker()
	for j, on := range b.best {
		if on && b.fix[j] != 1 {
			p.add(j)
		}
	}
	// Unselected by value, best first; selected by value, worst first.
	for pass := 0; pass < 8; pass++ {
		improved := false
		var out, in []int
		for _, j := range b.cols {
			if p.sel[j] {
				in = append(in, j)
			} else {
				out = append(out, j)
			}
		}
		slices.SortFunc(out, func(a, c int) int { return cmp.Compare(md.value[c], md.value[a]) })
		slices.SortFunc(in, func(a, c int) int { return cmp.Compare(md.value[a], md.value[c]) })
		for _, j := range out {
			if p.sel[j] {
				continue
			}
			if p.fits(j) {
				p.add(j)
				improved = true
				continue
			}
			for _, i := range in {
				if !p.sel[i] || md.value[i] >= md.value[j] {
					if md.value[i] >= md.value[j] {
						break
					}
					continue
				}
				p.remove(i)
				if p.fits(j) {
					p.add(j)
					if p.minsHoldFor(i) {
						improved = true
						break
					}
					p.remove(j)
				}
				p.add(i)
			}
		}
		if !improved {
			break
		}
		b.offer(p.sel)
	}
	b.offer(p.sel)
}

// minsHoldFor reports whether the rows of proposal i are at or above
// their minimums.
func (p *packer) minsHoldFor(i int) bool {
	for _, rr := range p.b.md.colRows[i] {
		if p.u[rr.r] < p.b.lo[rr.r] {
			return false
		}
	}
	return true
}

// swapSearch improves the incumbent within the active columns by moves
// of one or two proposals: add one, exchange one for one, one for two, or
// two for one, whenever the value grows and every row still holds.
func (b *mip) swapSearch() {
	md := b.md
	if b.best == nil {
		return
	}
	p := b.newPacker()
	for j, on := range b.best {
		if on && b.fix[j] == -1 {
			p.add(j)
		}
	}
	if !b.md.feasible(p.sel, b.lo, b.hi, b.fix) {
		return
	}
	val := md.valueOf(p.sel)
	cols := b.cols
	if len(cols) > 400 {
		return
	}
	// okRows checks the rows of the proposals in touched.
	okRows := func(touched ...int) bool {
		for _, j := range touched {
			for _, rr := range md.colRows[j] {
				if u := p.u[rr.r]; u > b.hi[rr.r] || u < b.lo[rr.r] {
					return false
				}
			}
		}
		return true
	}
	// lowers reports whether removing i brings every row of over to its
	// maximum or below.
	lowers := func(i int, over []int) bool {
		for _, r := range over {
			ok := false
			for _, rr := range md.colRows[i] {
				if rr.r == r {
					ok = p.u[r]-rr.c <= b.hi[r]
					break
				}
			}
			if !ok {
				return false
			}
		}
		return true
	}
	// limits lists in over the rows of xs above their maximum and
	// reports whether one of them is below its minimum. Removing one more
	// proposal k can only lower the usage: it cannot help a row under its
	// minimum, and it helps every row of over only when lowers(k, over).
	var over []int
	limits := func(xs ...int) bool {
		over = over[:0]
		under := false
		for _, x := range xs {
			for _, rr := range md.colRows[x] {
				if u := p.u[rr.r]; u < b.lo[rr.r] {
					under = true
				} else if u > b.hi[rr.r] {
					over = append(over, rr.r)
				}
			}
		}
		return under
	}
	for round := 0; round < 10; round++ {
		improved := false
		var in, out []int
		for _, j := range cols {
			if p.sel[j] {
				in = append(in, j)
			} else {
				out = append(out, j)
			}
		}
		// The pairs: the cheapest selected and the dearest unselected.
		slices.SortFunc(in, func(a, c int) int { return cmp.Compare(md.value[a], md.value[c]) })
		slices.SortFunc(out, func(a, c int) int { return cmp.Compare(md.value[c], md.value[a]) })
		in2, out2 := in[:min(len(in), 15)], out[:min(len(out), 15)]
	moves:
		for _, j := range out {
			// Add j, or exchange i for j.
			p.add(j)
			if okRows(j) {
				improved = true
				break moves
			}
			for _, i := range in {
				if md.value[i] >= md.value[j] {
					continue
				}
				p.remove(i)
				if okRows(i, j) {
					improved = true
					break moves
				}
				// Two out: i and k.
				under := limits(i, j)
				for _, k := range in2 {
					if under {
						break
					}
					if k == i || md.value[i]+md.value[k] >= md.value[j] || !lowers(k, over) {
						continue
					}
					p.remove(k)
					if okRows(i, j, k) {
						improved = true
						break moves
					}
					p.add(k)
				}
				p.add(i)
			}
			// One out, two in: i for j and k.
			for _, k := range out2 {
				if k == j {
					continue
				}
				p.add(k)
				under := limits(j, k)
				for _, i := range in {
					if under {
						break
					}
					if md.value[i] >= md.value[j]+md.value[k] || !lowers(i, over) {
						continue
					}
					p.remove(i)
					if okRows(i, j, k) {
						improved = true
						break moves
					}
					p.add(i)
				}
				p.remove(k)
			}
			p.remove(j)
		}
		if !improved {
			break
		}
		if v := md.valueOf(p.sel); v <= val {
			break
		} else {
			val = v
		}
	}
	b.offer(p.sel)
}
