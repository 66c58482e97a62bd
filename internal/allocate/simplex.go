package allocate

import (
	"cmp"
	"math"
	"slices"
)

// lp is a bounded-variable dual simplex for
//
//	minimise c·z  subject to  A x − y = 0,  lb ≤ z ≤ ub,  z = (x, y),
//
// with a sparse A of m rows and n columns and one auxiliary variable y_i
// per row carrying the row's bounds. Every variable is boxed (finite
// bounds), so any basis is dual feasible once each nonbasic variable sits
// at the bound its reduced cost points to: the solver never needs a phase
// one, and after bounds change (branching) it continues from the basis it
// has. The basis inverse is kept dense (m×m, m is small here) with
// product-form updates and refactorised every refactorEvery pivots.
//
// The ratio test is the bound-flipping ("long step") one: it passes every
// breakpoint whose variable can flip to its other bound while the dual
// objective still improves, which solves a knapsack-like row in a single
// iteration instead of one per item.
type lp struct {
	m, n int // rows, structural columns; variables are 0..n+m−1, y_i = n+i

	// A by rows and by columns.
	rowStart []int
	rowCol   []int32
	rowVal   []float64
	colStart []int
	colRow   []int32
	colVal   []float64

	cost   []float64 // n+m, minimisation
	lb, ub []float64 // n+m, current bounds

	head    []int       // basis position → variable
	pos     []int       // variable → basis position, −1 when nonbasic
	atUpper []bool      // nonbasic variable sits at ub
	x       []float64   // value of every variable
	d       []float64   // reduced costs (0 for basic variables)
	pi      []float64   // duals of the rows
	binv    []float64   // basis inverse, binv[p*m+i]: position p, row i
	pivots  int         // since the last refactorisation
	alpha   []float64   // pivot row over all variables (work)
	touched []int       // variables with alpha set (work)
	mark    []bool      // work for touched
	col     []float64   // work column of length m
	work    []float64   // work vector of length m
	cands   []candidate // work for the ratio test
	nz      []int       // work: nonzero indices

	iters int // total iterations, for statistics
}

type candidate struct {
	j     int
	ratio float64
	abs   float64
}

const (
	refactorEvery = 64
	primalTol     = 1e-9
	pivotTol      = 1e-9
)

// lpStatus is the outcome of lp.solve.
type lpStatus int

const (
	lpOptimal    lpStatus = iota // primal and dual feasible
	lpInfeasible                 // a row proves the bounds cannot hold
	lpCutoff                     // the dual objective passed the cutoff
	lpTrouble                    // iteration limit or numerical trouble
)

// newLP builds the solver for rows of (column, value) pairs; cost has n
// entries (the auxiliaries cost nothing) and the bounds n+m entries.
func newLP(n int, rows [][]entry, cost, lb, ub []float64) *lp {
	m := len(rows)
	s := &lp{m: m, n: n}
	s.rowStart = make([]int, m+1)
	cnt := make([]int, n+1)
	for i, r := range rows {
		s.rowStart[i+1] = s.rowStart[i] + len(r)
		for _, e := range r {
			cnt[e.j+1]++
			s.rowCol = append(s.rowCol, int32(e.j))
			s.rowVal = append(s.rowVal, e.v)
		}
	}
	s.colStart = make([]int, n+1)
	for j := 0; j < n; j++ {
		s.colStart[j+1] = s.colStart[j] + cnt[j+1]
	}
	nnz := s.colStart[n]
	s.colRow = make([]int32, nnz)
	s.colVal = make([]float64, nnz)
	fill := make([]int, n)
	copy(fill, s.colStart[:n])
	for i, r := range rows {
		for _, e := range r {
			k := fill[e.j]
			fill[e.j]++
			s.colRow[k] = int32(i)
			s.colVal[k] = e.v
		}
	}
	N := n + m
	s.cost = make([]float64, N)
	copy(s.cost, cost)
	s.lb = make([]float64, N)
	s.ub = make([]float64, N)
	copy(s.lb, lb)
	copy(s.ub, ub)
	s.head = make([]int, m)
	s.pos = make([]int, N)
	s.atUpper = make([]bool, N)
	s.x = make([]float64, N)
	s.d = make([]float64, N)
	s.pi = make([]float64, m)
	s.binv = make([]float64, m*m)
	s.alpha = make([]float64, N)
	s.mark = make([]bool, N)
	s.col = make([]float64, m)
	s.work = make([]float64, m)
	s.slackBasis()
	return s
}

// entry is one coefficient of a row.
type entry struct {
	j int
	v float64
}

// slackBasis makes the auxiliaries basic.
func (s *lp) slackBasis() {
	for j := range s.pos {
		s.pos[j] = -1
	}
	for i := 0; i < s.m; i++ {
		s.head[i] = s.n + i
		s.pos[s.n+i] = i
	}
	s.refactor()
}

// refactor recomputes the basis inverse from the basis, then the duals,
// the reduced costs and the primal values. The basis is block triangular:
// the structural columns K against the rows R whose auxiliary is not
// basic form a square block A_RK to invert; the basic auxiliaries fill
// the rest (−identity). A singular block falls back to the slack basis.
func (s *lp) refactor() {
	m := s.m
	s.pivots = 0
	if m == 0 {
		s.computeDuals()
		s.computePrimal()
		return
	}
	var K []int // positions holding structurals
	auxBasic := make([]bool, m)
	for p, v := range s.head {
		if v >= s.n {
			auxBasic[v-s.n] = true
		} else {
			K = append(K, p)
		}
	}
	var R []int // rows without a basic auxiliary
	rowIdx := make([]int, m)
	for i := 0; i < m; i++ {
		rowIdx[i] = -1
		if !auxBasic[i] {
			rowIdx[i] = len(R)
			R = append(R, i)
		}
	}
	k := len(K)
	if k != len(R) {
		s.slackBasis()
		return
	}
	// Dense A_RK (k×k) and its inverse by Gauss-Jordan, partial pivoting.
	a := make([]float64, k*k)
	inv := make([]float64, k*k)
	for c, p := range K {
		j := s.head[p]
		for t := s.colStart[j]; t < s.colStart[j+1]; t++ {
			if r := rowIdx[s.colRow[t]]; r >= 0 {
				a[r*k+c] = s.colVal[t]
			}
		}
	}
	for i := 0; i < k; i++ {
		inv[i*k+i] = 1
	}
	for c := 0; c < k; c++ {
		best, br := 0.0, -1
		for r := c; r < k; r++ {
			if v := math.Abs(a[r*k+c]); v > best {
				best, br = v, r
			}
		}
		if br < 0 || best < 1e-11 {
			s.slackBasis()
			return
		}
		if br != c {
			for t := 0; t < k; t++ {
				a[c*k+t], a[br*k+t] = a[br*k+t], a[c*k+t]
				inv[c*k+t], inv[br*k+t] = inv[br*k+t], inv[c*k+t]
			}
		}
		pv := a[c*k+c]
		for t := 0; t < k; t++ {
			a[c*k+t] /= pv
			inv[c*k+t] /= pv
		}
		for r := 0; r < k; r++ {
			if r == c {
				continue
			}
			f := a[r*k+c]
			if f == 0 {
				continue
			}
			for t := 0; t < k; t++ {
				a[r*k+t] -= f * a[c*k+t]
				inv[r*k+t] -= f * inv[c*k+t]
			}
		}
	}
	// inv = A_RK^{-1}: row c ↔ structural K[c], column r ↔ row R[r].
	for i := range s.binv {
		s.binv[i] = 0
	}
	for c, p := range K {
		row := s.binv[p*m : (p+1)*m]
		for r := 0; r < k; r++ {
			row[R[r]] = inv[c*k+r]
		}
	}
	// Position of auxiliary y_i (i basic): row = (A_{i,K}) A_RK^{-1} on R, −1 at i.
	colOfPos := make([]int, m) // position → index c in K, −1 for auxiliaries
	for p := range colOfPos {
		colOfPos[p] = -1
	}
	for c, p := range K {
		colOfPos[p] = c
	}
	aiK := make([]float64, k)
	for p, v := range s.head {
		if v < s.n {
			continue
		}
		i := v - s.n
		for c := range aiK {
			aiK[c] = 0
		}
		nz := false
		for c, q := range K {
			j := s.head[q]
			for t := s.colStart[j]; t < s.colStart[j+1]; t++ {
				if int(s.colRow[t]) == i {
					aiK[c] = s.colVal[t]
					nz = true
				}
			}
		}
		row := s.binv[p*m : (p+1)*m]
		if nz {
			for c := 0; c < k; c++ {
				if f := aiK[c]; f != 0 {
					for r := 0; r < k; r++ {
						row[R[r]] += f * inv[c*k+r]
					}
				}
			}
		}
		row[i] = -1
	}
	s.computeDuals()
	s.computePrimal()
}

// computeDuals sets pi = c_B B⁻¹ and the reduced costs.
func (s *lp) computeDuals() {
	m := s.m
	for i := range s.pi {
		s.pi[i] = 0
	}
	for p, v := range s.head {
		if c := s.cost[v]; c != 0 {
			row := s.binv[p*m : (p+1)*m]
			for i, b := range row {
				s.pi[i] += c * b
			}
		}
	}
	for j := 0; j < s.n; j++ {
		if s.pos[j] >= 0 {
			s.d[j] = 0
			continue
		}
		dj := s.cost[j]
		rows := s.colRow[s.colStart[j]:s.colStart[j+1]]
		vals := s.colVal[s.colStart[j]:s.colStart[j+1]]
		vals = vals[:len(rows)]
		for t, i := range rows {
			dj -= s.pi[i] * vals[t]
		}
		s.d[j] = dj
	}
	for i := 0; i < m; i++ {
		if s.pos[s.n+i] >= 0 {
			s.d[s.n+i] = 0
		} else {
			s.d[s.n+i] = s.pi[i] // column −e_i, cost 0
		}
	}
}

// placeNonbasic puts every nonbasic variable at the bound its reduced
// cost points to (which keeps the basis dual feasible).
func (s *lp) placeNonbasic() {
	for j := range s.x {
		if s.pos[j] >= 0 {
			continue
		}
		up := s.d[j] < 0 || (s.d[j] == 0 && s.atUpper[j])
		if s.lb[j] == s.ub[j] {
			up = false
		}
		s.atUpper[j] = up
		if up {
			s.x[j] = s.ub[j]
		} else {
			s.x[j] = s.lb[j]
		}
	}
}

// computePrimal places the nonbasic variables and sets x_B = −B⁻¹ N x_N.
func (s *lp) computePrimal() {
	s.placeNonbasic()
	m := s.m
	v := s.work
	for i := range v {
		v[i] = 0
	}
	for j := 0; j < s.n; j++ {
		if s.pos[j] >= 0 || s.x[j] == 0 {
			continue
		}
		xj := s.x[j]
		rows := s.colRow[s.colStart[j]:s.colStart[j+1]]
		vals := s.colVal[s.colStart[j]:s.colStart[j+1]]
		vals = vals[:len(rows)]
		for t, i := range rows {
			v[i] += vals[t] * xj
		}
	}
	for i := 0; i < m; i++ {
		if s.pos[s.n+i] < 0 {
			v[i] -= s.x[s.n+i]
		}
	}
	for p, j := range s.head {
		row := s.binv[p*m : (p+1)*m]
		sum := 0.0
		for i, b := range row {
			if b != 0 {
				sum += b * v[i]
			}
		}
		s.x[j] = -sum
	}
}

// setBounds changes the bounds of variable j; call computePrimal (or
// resync) before solving.
func (s *lp) setBounds(j int, lo, hi float64) { s.lb[j], s.ub[j] = lo, hi }

// objective is c·z at the current point (the dual objective while the
// basis is dual feasible).
func (s *lp) objective() float64 {
	z := 0.0
	for j := 0; j < s.n; j++ {
		z += s.cost[j] * s.x[j]
	}
	return z
}

// lagrangian returns the bound Σ_j min(d_j lb_j, d_j ub_j) with d = c −
// πM recomputed from pi: a lower bound on c·z over every z in the box
// with Az = y, valid for any pi whatever its accuracy. dj receives the
// recomputed reduced costs of the structurals when non-nil.
func (s *lp) lagrangian(dj []float64) float64 {
	total := 0.0
	pi := s.pi
	for j := 0; j < s.n; j++ {
		d := s.cost[j]
		rows := s.colRow[s.colStart[j]:s.colStart[j+1]]
		vals := s.colVal[s.colStart[j]:s.colStart[j+1]]
		vals = vals[:len(rows)]
		for t, i := range rows {
			d -= pi[i] * vals[t]
		}
		if dj != nil {
			dj[j] = d
		}
		total += min(d*s.lb[j], d*s.ub[j])
	}
	for i := 0; i < s.m; i++ {
		d := s.pi[i]
		total += min(d*s.lb[s.n+i], d*s.ub[s.n+i])
	}
	return total
}

// solve runs the dual simplex until the basis is primal feasible, a row
// proves infeasibility, the dual objective reaches cutoff (minimisation:
// objective ≥ cutoff), or maxIter iterations.
func (s *lp) solve(cutoff float64, maxIter int) (lpStatus, int) {
	m := s.m
	for it := 0; it < maxIter; it++ {
		if s.pivots >= refactorEvery {
			s.refactor()
		}
		// Pricing: largest infeasibility relative to the row norm of B⁻¹
		// (dual steepest edge, computed exactly from the dense inverse).
		r, best := -1, 0.0
		for p, j := range s.head {
			var inf float64
			if v := s.x[j]; v < s.lb[j]-primalTol*(1+math.Abs(s.lb[j])) {
				inf = s.lb[j] - v
			} else if v > s.ub[j]+primalTol*(1+math.Abs(s.ub[j])) {
				inf = v - s.ub[j]
			} else {
				continue
			}
			row := s.binv[p*m : (p+1)*m]
			nrm := 0.0
			for _, b := range row {
				nrm += b * b
			}
			if sc := inf * inf / math.Max(nrm, 1e-12); sc > best {
				best, r = sc, p
			}
		}
		if r < 0 {
			return lpOptimal, it
		}
		if cutoff < math.Inf(1) && s.objective() >= cutoff {
			return lpCutoff, it
		}
		st := s.iterate(r)
		s.iters++
		if st != lpOptimal {
			return st, it
		}
	}
	return lpTrouble, maxIter
}

// pivotRow computes alpha_j = ρ_r M_j for every nonbasic variable, with ρ_r
// the row r of B⁻¹, and lists the variables touched. A small LP (at most
// densePivot variables, as in every branch-and-bound search here) is
// done densely: clearing and scanning all variables costs less than
// keeping the list of the touched ones.
func (s *lp) pivotRow(r int) {
	m := s.m
	for _, j := range s.touched {
		s.alpha[j] = 0
		s.mark[j] = false
	}
	s.touched = s.touched[:0]
	rho := s.binv[r*m : (r+1)*m]
	if N := s.n + m; N <= densePivot {
		alpha := s.alpha[:N]
		for i, ri := range rho {
			if ri == 0 {
				continue
			}
			cols := s.rowCol[s.rowStart[i]:s.rowStart[i+1]]
			vals := s.rowVal[s.rowStart[i]:s.rowStart[i+1]]
			vals = vals[:len(cols)]
			for t, j := range cols {
				alpha[j] += ri * vals[t]
			}
			alpha[s.n+i] -= ri
		}
		for j := range N {
			s.touched = append(s.touched, j)
		}
		return
	}
	for i, ri := range rho {
		if ri == 0 {
			continue
		}
		for t := s.rowStart[i]; t < s.rowStart[i+1]; t++ {
			j := int(s.rowCol[t])
			if !s.mark[j] {
				s.mark[j] = true
				s.touched = append(s.touched, j)
			}
			s.alpha[j] += ri * s.rowVal[t]
		}
		j := s.n + i
		if !s.mark[j] {
			s.mark[j] = true
			s.touched = append(s.touched, j)
		}
		s.alpha[j] -= ri
	}
}

// densePivot is the number of variables up to which pivotRow works
// densely.
const densePivot = 512

// iterate performs one dual simplex iteration on basis position r.
func (s *lp) iterate(r int) lpStatus {
	m := s.m
	p := s.head[r]
	var slope, sigma float64
	toUpper := false
	if s.x[p] < s.lb[p] {
		slope, sigma = s.lb[p]-s.x[p], -1
	} else {
		slope, sigma, toUpper = s.x[p]-s.ub[p], 1, true
	}
	s.pivotRow(r)
	// Candidates: at lower with σα > 0, at upper with σα < 0.
	s.cands = s.cands[:0]
	for _, j := range s.touched {
		if s.pos[j] >= 0 || s.lb[j] == s.ub[j] {
			continue
		}
		a := sigma * s.alpha[j]
		if math.Abs(a) < pivotTol {
			continue
		}
		var ratio float64
		if !s.atUpper[j] && a > 0 {
			ratio = s.d[j] / a
		} else if s.atUpper[j] && a < 0 {
			ratio = s.d[j] / a
		} else {
			continue
		}
		if ratio < 0 {
			ratio = 0
		}
		s.cands = append(s.cands, candidate{j, ratio, math.Abs(a)})
	}
	if len(s.cands) == 0 {
		return lpInfeasible
	}
	// Bound flipping: pass breakpoints, in increasing ratio, while the
	// slope stays positive. Few are passed as a rule: the first ones are
	// picked by scanning, the rest sorted only when many are needed.
	cs := s.cands
	sorted := false
	k := 0
	for ; k < len(cs); k++ {
		if !sorted {
			if k < 8 {
				mi := k
				for t := k + 1; t < len(cs); t++ {
					if cs[t].ratio < cs[mi].ratio {
						mi = t
					}
				}
				cs[k], cs[mi] = cs[mi], cs[k]
			} else {
				slices.SortFunc(cs[k:], func(a, b candidate) int { return cmp.Compare(a.ratio, b.ratio) })
				sorted = true
			}
		}
		c := cs[k]
		next := slope - c.abs*(s.ub[c.j]-s.lb[c.j])
		if next < 0 {
			break
		}
		slope = next
	}
	if k == len(cs) {
		if slope > primalTol*(1+math.Abs(s.x[p])) {
			// Every candidate can flip and the row is still infeasible.
			return lpInfeasible
		}
		// The last flip just reaches the bound: it enters instead.
		k--
	}
	// Among the breakpoints tied with k, take the largest pivot.
	q, qa := k, cs[k].abs
	lim := cs[k].ratio + 1e-12*(1+cs[k].ratio)
	for t := k + 1; t < len(cs); t++ {
		if cs[t].ratio <= lim && cs[t].abs > qa {
			q, qa = t, cs[t].abs
		} else if sorted && cs[t].ratio > lim {
			break
		}
	}
	// The flipped set: the candidates passed before k (q ≥ k).
	enter := s.cands[q].j
	flipped := s.cands[:k]
	// Flip the passed breakpoints: Δx_B = −B⁻¹ Σ M_j Δz_j.
	if len(flipped) > 0 {
		v := s.work
		for i := range v {
			v[i] = 0
		}
		for _, c := range flipped {
			j := c.j
			var dz float64
			if s.atUpper[j] {
				dz = s.lb[j] - s.ub[j]
				s.atUpper[j] = false
				s.x[j] = s.lb[j]
			} else {
				dz = s.ub[j] - s.lb[j]
				s.atUpper[j] = true
				s.x[j] = s.ub[j]
			}
			if j < s.n {
				rows := s.colRow[s.colStart[j]:s.colStart[j+1]]
				vals := s.colVal[s.colStart[j]:s.colStart[j+1]]
				vals = vals[:len(rows)]
				for t, i := range rows {
					v[i] += vals[t] * dz
				}
			} else {
				v[j-s.n] -= dz
			}
		}
		nz := s.nz[:0]
		for i, vi := range v {
			if vi != 0 {
				nz = append(nz, i)
			}
		}
		for pp, jb := range s.head {
			row := s.binv[pp*m : (pp+1)*m]
			sum := 0.0
			for _, i := range nz {
				sum += row[i] * v[i]
			}
			s.x[jb] -= sum
		}
		s.nz = nz
	}
	// Entering column α_q = B⁻¹ M_q.
	col := s.col
	if enter < s.n {
		ci := s.colRow[s.colStart[enter]:s.colStart[enter+1]]
		cv := s.colVal[s.colStart[enter]:s.colStart[enter+1]]
		cv = cv[:len(ci)]
		for pp := 0; pp < m; pp++ {
			row := s.binv[pp*m : (pp+1)*m]
			sum := 0.0
			for t, i := range ci {
				sum += row[i] * cv[t]
			}
			col[pp] = sum
		}
	} else {
		for pp := 0; pp < m; pp++ {
			col[pp] = -s.binv[pp*m+enter-s.n]
		}
	}
	arq := col[r]
	if math.Abs(arq) < 1e-11 {
		s.refactor()
		return lpOptimal // retry from a fresh factorisation
	}
	// Dual update: t = d_q / α_rq; d_j −= t α_rj; π += t ρ_r.
	t := s.d[enter] / s.alpha[enter]
	rho := s.binv[r*m : (r+1)*m]
	for i, ri := range rho {
		s.pi[i] += t * ri
	}
	for _, j := range s.touched {
		if s.pos[j] < 0 {
			s.d[j] -= t * s.alpha[j]
		}
	}
	s.d[enter] = 0
	s.d[p] = -t
	// Primal step: the leaving variable goes to its violated bound.
	bound := s.lb[p]
	if toUpper {
		bound = s.ub[p]
	}
	theta := (s.x[p] - bound) / arq
	for pp, jb := range s.head {
		if c := col[pp]; c != 0 {
			s.x[jb] -= theta * c
		}
	}
	s.x[enter] += theta
	s.x[p] = bound
	s.atUpper[p] = toUpper
	// Basis change.
	s.head[r] = enter
	s.pos[enter] = r
	s.pos[p] = -1
	s.atUpper[enter] = false
	// B⁻¹ update, over the nonzeros of the pivot row.
	nz := s.nz[:0]
	for i, b := range rho {
		if b != 0 {
			rho[i] = b / arq
			nz = append(nz, i)
		}
	}
	s.nz = nz
	for pp := 0; pp < m; pp++ {
		if pp == r {
			continue
		}
		f := col[pp]
		if f == 0 {
			continue
		}
		row := s.binv[pp*m : (pp+1)*m]
		for _, i := range nz {
			row[i] -= f * rho[i]
		}
	}
	s.pivots++
	return lpOptimal
}

// lpState is a copy of the basis and the values that depend on it.
type lpState struct {
	head, pos []int
	atUpper   []bool
	x, d, pi  []float64
	binv      []float64
	pivots    int
}

func (s *lp) save(st *lpState) {
	st.head = append(st.head[:0], s.head...)
	st.pos = append(st.pos[:0], s.pos...)
	st.atUpper = append(st.atUpper[:0], s.atUpper...)
	st.x = append(st.x[:0], s.x...)
	st.d = append(st.d[:0], s.d...)
	st.pi = append(st.pi[:0], s.pi...)
	st.binv = append(st.binv[:0], s.binv...)
	st.pivots = s.pivots
}

func (s *lp) restore(st *lpState) {
	copy(s.head, st.head)
	copy(s.pos, st.pos)
	copy(s.atUpper, st.atUpper)
	copy(s.x, st.x)
	copy(s.d, st.d)
	copy(s.pi, st.pi)
	copy(s.binv, st.binv)
	s.pivots = st.pivots
}

// addRows appends rows (coefficients over the structurals) with their
// auxiliaries' bounds; the new auxiliaries become basic, so the basis
// stays dual feasible and the solver continues from it.
func (s *lp) addRows(rows [][]entry, lb, ub []float64) {
	if len(rows) == 0 {
		return
	}
	n, m0 := s.n, s.m
	k := len(rows)
	m := m0 + k
	// Rows.
	for _, r := range rows {
		for _, e := range r {
			s.rowCol = append(s.rowCol, int32(e.j))
			s.rowVal = append(s.rowVal, e.v)
		}
		s.rowStart = append(s.rowStart, len(s.rowCol))
	}
	// Columns, rebuilt from the rows.
	cnt := make([]int, n+1)
	for _, j := range s.rowCol {
		cnt[j+1]++
	}
	s.colStart = make([]int, n+1)
	for j := 0; j < n; j++ {
		s.colStart[j+1] = s.colStart[j] + cnt[j+1]
	}
	s.colRow = make([]int32, len(s.rowCol))
	s.colVal = make([]float64, len(s.rowCol))
	fill := slices.Clone(s.colStart[:n])
	for i := 0; i < m; i++ {
		for t := s.rowStart[i]; t < s.rowStart[i+1]; t++ {
			j := s.rowCol[t]
			s.colRow[fill[j]] = int32(i)
			s.colVal[fill[j]] = s.rowVal[t]
			fill[j]++
		}
	}
	grow := func(v []float64, extra []float64) []float64 { return append(v, extra...) }
	s.cost = grow(s.cost, make([]float64, k))
	s.lb = grow(s.lb, lb)
	s.ub = grow(s.ub, ub)
	s.x = grow(s.x, make([]float64, k))
	s.d = grow(s.d, make([]float64, k))
	s.pi = grow(s.pi, make([]float64, k))
	s.alpha = grow(s.alpha, make([]float64, k))
	s.mark = append(s.mark, make([]bool, k)...)
	s.atUpper = append(s.atUpper, make([]bool, k)...)
	for i := 0; i < k; i++ {
		s.pos = append(s.pos, m0+i)
		s.head = append(s.head, n+m0+i)
	}
	s.m = m
	s.binv = make([]float64, m*m)
	s.col = make([]float64, m)
	s.work = make([]float64, m)
	for _, j := range s.touched {
		s.alpha[j] = 0
		s.mark[j] = false
	}
	s.touched = s.touched[:0]
	s.refactor()
}
