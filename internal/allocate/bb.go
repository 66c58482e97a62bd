package allocate

import (
	"container/heap"
	"context"
	"errors"
	"math"
	"slices"
	"time"
)

// mip is one branch-and-bound run: the model with its row bounds lo/hi
// and fixings fix (−1 free, 0, 1) per proposal.
//
// The search: presolve (fixed proposals, proposals that cannot fit,
// rows that always hold); the root LP; cover cuts (cuts.go) in rounds;
// primal heuristics (rounding and filling the LP point, greedy orders, a
// swap search, and the core heuristic: the problem restricted to the
// columns of smallest reduced cost, solved with a node limit); reduced-
// cost fixing against the incumbent, after which the fixed columns leave
// the LP (deactivate); then best-first branch and bound with plunging,
// where each node gets the LP bound, the group bound (groupbound.go),
// local reduced-cost fixing, and reliability branching (strong branching
// until a column's pseudo-costs are trusted). Every bound is the
// Lagrangian bound of lp.lagrangian (valid for any duals) floored to an
// integer with a small margin; every incumbent passes the exact check.
type mip struct {
	md     *model
	lo, hi []int64
	fix    []int8

	ctx       context.Context
	deadline  time.Time
	feasOnly  bool // stop at the first feasible selection (conflict search)
	sub       bool // a restricted problem of the core heuristic
	nodeLimit int  // 0: none

	// Presolve and the LP.
	u1      []int64 // row usage of the proposals fixed to 1
	v1      int64   // their value
	cols    []int   // LP column → proposal
	colOf   []int   // proposal → LP column, −1 when fixed
	lpRows  []int   // LP row → model row, −1 for a cut
	rdef    []lprow // LP rows in exact integers (coefficients tightened)
	s       *lp
	rootLB  []float64 // LP column bounds at the root (after reduced-cost fixing)
	rootUB  []float64
	margin  float64 // added before flooring a float bound
	cutSeen map[uint64]bool

	// Incumbent.
	best     []bool
	bestVal  int64 // −1: none
	improved bool  // the incumbent changed since the last swap search
	fixedAt  int64 // incumbent value of the last global fixing

	// Search state.
	nodes    int
	maxIter  int
	pcSum    [2][]float64 // pseudo-costs per column, down and up: sums and counts
	pcCnt    [2][]int32
	pcAll    [2]float64
	pcAllCnt [2]int
	bound    int64 // proven upper bound (valid when the search stops early)
	timedOut bool
	err      error

	// The group bound (groupbound.go).
	groupRow  []bool // LP row is a group cap
	colGroup  []int  // LP column → its group row, −1
	hasGroups bool
	gCap      []int64   // LP row → capacity left for the LP columns (group rows)
	gItems    [][]gitem // work
	gUsed     []int64   // work
	kpWork    []gitem   // work

	// Root relaxation, for the explanations and the global fixing.
	rootOK    bool
	rootBound float64   // rigorous bound after the cuts (max sense, fixed value included)
	rootDual  []float64 // per model row, value per đồng (max sense), before the cuts
	rootRC    []float64 // per proposal, reduced cost (max sense), before the cuts
	rootDJ    []float64 // per LP column, reduced cost (min sense) behind rootBound
	rootColOf []int     // proposal → root LP column (before deactivate), −1
	rootX     []float64 // root LP point (root numbering)
	rootDJ0   []float64 // rootDJ in the root numbering, for the explanations

	dj    []float64 // work: reduced costs from lagrangian
	sel   []bool    // work
	state lpState   // work: the LP saved for strong branching
}

// mipResult is what a run proves.
type mipResult struct {
	status Status
	sel    []bool
	value  int64
	bound  int64
	nodes  int
}

func newMIP(ctx context.Context, md *model, lo, hi []int64, fix []int8, deadline time.Time) *mip {
	return &mip{md: md, lo: lo, hi: hi, fix: fix, ctx: ctx, deadline: deadline, bestVal: -1}
}

// offer makes sel the incumbent when it is feasible and better.
func (b *mip) offer(sel []bool) bool {
	if !b.md.feasible(sel, b.lo, b.hi, b.fix) {
		return false
	}
	v := b.md.valueOf(sel)
	if v > b.bestVal {
		b.bestVal = v
		b.best = slices.Clone(sel)
		b.improved = true
		return true
	}
	return false
}

// expired reports whether the deadline passed or the context ended.
func (b *mip) expired() bool {
	if b.ctx != nil && b.ctx.Err() != nil {
		b.err = b.ctx.Err()
		return true
	}
	if !b.deadline.IsZero() && time.Now().After(b.deadline) {
		b.err = ErrTimeout
		return true
	}
	return false
}

// presolve fixes what cannot vary, finds the LP rows and columns, and
// reports false when the fixings alone prove infeasibility.
func (b *mip) presolve() bool {
	md := b.md
	m := len(md.rows)
	b.u1 = make([]int64, m)
	b.v1 = 0
	fix := b.fix
	for j := 0; j < md.n; j++ {
		if fix[j] == 1 {
			b.v1 += md.value[j]
			for _, rr := range md.colRows[j] {
				b.u1[rr.r] += rr.c
			}
		}
	}
	for r := range md.rows {
		if b.u1[r] > b.hi[r] {
			return false
		}
	}
	// A free proposal that breaks an upper limit with the fixed ones is out.
	for j := 0; j < md.n; j++ {
		if fix[j] != -1 {
			continue
		}
		for _, rr := range md.colRows[j] {
			if b.u1[rr.r]+rr.c > b.hi[rr.r] {
				fix[j] = 0
				break
			}
		}
	}
	umax := slices.Clone(b.u1)
	for j := 0; j < md.n; j++ {
		if fix[j] == -1 {
			for _, rr := range md.colRows[j] {
				umax[rr.r] += rr.c
			}
		}
	}
	b.colOf = make([]int, md.n)
	b.cols = b.cols[:0]
	for j := 0; j < md.n; j++ {
		b.colOf[j] = -1
		if fix[j] == -1 {
			b.colOf[j] = len(b.cols)
			b.cols = append(b.cols, j)
		}
	}
	// The LP rows, with their coefficients tightened for 0/1 points.
	b.rdef = b.rdef[:0]
	for r, row := range md.rows {
		if umax[r] < b.lo[r] {
			return false
		}
		if umax[r] <= b.hi[r] && b.u1[r] >= b.lo[r] {
			continue // always satisfied
		}
		var cols []int
		var coef []int64
		for k, j := range row.cols {
			if c := b.colOf[j]; c >= 0 {
				cols = append(cols, c)
				coef = append(coef, row.coef[k])
			}
		}
		free := umax[r] - b.u1[r]
		lo, hi := b.lo[r]-b.u1[r], b.hi[r]-b.u1[r]
		if lo > 0 {
			b.rdef = append(b.rdef, coverRow(r, cols, coef, lo))
		}
		if hi < free {
			b.rdef = append(b.rdef, packRow(r, cols, coef, hi))
		}
	}
	// The LP.
	n := len(b.cols)
	m = len(b.rdef)
	rows := make([][]entry, m)
	lb := make([]float64, n+m)
	ub := make([]float64, n+m)
	cost := make([]float64, n)
	sumAbs := 0.0
	for c, j := range b.cols {
		cost[c] = -float64(md.value[j])
		ub[c] = 1
		sumAbs += float64(md.value[j])
	}
	b.lpRows = b.lpRows[:0]
	for i := range b.rdef {
		d := &b.rdef[i]
		var mx, free int64
		for _, a := range d.coef {
			mx = max(mx, a)
			free += a
		}
		d.sc = 1.0
		if mx > 0 {
			d.sc = 1 / float64(mx)
		}
		for k, c := range d.cols {
			rows[i] = append(rows[i], entry{c, float64(d.coef[k]) * d.sc})
		}
		lb[n+i] = float64(max(d.lo, 0)) * d.sc
		ub[n+i] = float64(min(d.hi, free)) * d.sc
		b.lpRows = append(b.lpRows, d.r)
	}
	b.margin = 1e-7 + 1e-12*sumAbs
	b.s = newLP(n, rows, cost, lb, ub)
	b.rootLB = slices.Clone(lb[:n])
	b.rootUB = slices.Clone(ub[:n])
	b.dj = make([]float64, n)
	b.sel = make([]bool, md.n)
	b.gCap = make([]int64, len(b.lpRows))
	for i, r := range b.lpRows {
		b.gCap[i] = b.hi[r] - b.u1[r]
	}
	return true
}

// lprow is an LP row in exact integers: lo ≤ Σ coef·x ≤ hi over LP
// columns, for the model row r (−1 for a cut). sc scales it for the LP.
type lprow struct {
	r      int
	cols   []int
	coef   []int64
	lo, hi int64
	sc     float64
}

// coverRow is the lower limit Σ a x ≥ lo (lo > 0) of a row, with every
// coefficient above lo lowered to lo: a proposal that alone reaches the
// minimum still does, and the LP can no longer reach it with a fraction
// of a large proposal. The same 0/1 points satisfy it.
func coverRow(r int, cols []int, coef []int64, lo int64) lprow {
	d := lprow{r: r, cols: slices.Clone(cols), coef: slices.Clone(coef), lo: lo, hi: math.MaxInt64}
	var sum int64
	for k, a := range d.coef {
		d.coef[k] = min(a, lo)
		sum += d.coef[k]
	}
	d.hi = sum
	return d
}

// packRow is the upper limit Σ a x ≤ hi (< Σ a) of a row, with the
// coefficient reduction of 0/1 programming: when the row cannot bind
// without column j (the others all in stay d below the limit), a_j and hi
// both drop by d. The same 0/1 points satisfy it; the LP is tighter.
func packRow(r int, cols []int, coef []int64, hi int64) lprow {
	d := lprow{r: r, cols: slices.Clone(cols), coef: slices.Clone(coef), hi: hi}
	var sum int64
	for _, a := range d.coef {
		sum += a
	}
	for k, a := range d.coef {
		if slack := d.hi - (sum - a); slack > 0 {
			d.coef[k] = a - slack
			d.hi -= slack
			sum -= slack
		}
	}
	return d
}

// maxBound is the rigorous LP bound (max sense, fixed value included) of
// the current pi over the current box, with the reduced costs in b.dj.
func (b *mip) maxBound() float64 {
	return float64(b.v1) - b.s.lagrangian(b.dj)
}

// floorBound turns a float bound into the integer bound it proves.
func (b *mip) floorBound(f float64) int64 {
	f = math.Floor(f + b.margin)
	if f >= math.MaxInt64/2 {
		return math.MaxInt64 / 2
	}
	return int64(f)
}

// proveInfeasible checks the row r of B⁻¹ as a Farkas certificate: ρ·(Ax −
// y) = 0 must hold, and over the box it cannot.
func (b *mip) proveInfeasible(r int) bool {
	s := b.s
	rho := s.binv[r*s.m : (r+1)*s.m]
	lo, hi, mag := 0.0, 0.0, 0.0
	for j := 0; j < s.n; j++ {
		a := 0.0
		for t := s.colStart[j]; t < s.colStart[j+1]; t++ {
			a += rho[s.colRow[t]] * s.colVal[t]
		}
		lo += min(a*s.lb[j], a*s.ub[j])
		hi += max(a*s.lb[j], a*s.ub[j])
		mag += math.Abs(a) * math.Max(math.Abs(s.lb[j]), math.Abs(s.ub[j]))
	}
	for i := 0; i < s.m; i++ {
		a := -rho[i]
		lo += min(a*s.lb[s.n+i], a*s.ub[s.n+i])
		hi += max(a*s.lb[s.n+i], a*s.ub[s.n+i])
		mag += math.Abs(a) * math.Max(math.Abs(s.lb[s.n+i]), math.Abs(s.ub[s.n+i]))
	}
	tol := 1e-9 * (1 + mag)
	return lo > tol || hi < -tol
}

// node is an open subproblem: its parent's fixings plus its own.
type node struct {
	parent *node
	fixes  []int32 // LP column*2 + value
	bound  int64   // proven bound (the parent's, or the strong-branching one)
	depth  int
	// The branching that made the node, for the pseudo-costs.
	pcCol     int32 // −1 at the root
	pcUp      bool
	pcFrac    float64 // the distance the branching moved the column
	parentObj float64 // the parent's LP value (max sense)
}

type nodeHeap []*node

func (h nodeHeap) Len() int { return len(h) }
func (h nodeHeap) Less(a, c int) bool {
	if h[a].bound != h[c].bound {
		return h[a].bound > h[c].bound
	}
	return h[a].depth > h[c].depth
}
func (h nodeHeap) Swap(a, c int) { h[a], h[c] = h[c], h[a] }
func (h *nodeHeap) Push(x any)   { *h = append(*h, x.(*node)) }
func (h *nodeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// applyNode sets the LP column bounds of nd; false when one of its
// fixings contradicts a global fixing (no better selection inside).
func (b *mip) applyNode(nd *node) bool {
	s := b.s
	copy(s.lb[:s.n], b.rootLB)
	copy(s.ub[:s.n], b.rootUB)
	for x := nd; x != nil; x = x.parent {
		for _, f := range x.fixes {
			c, v := int(f>>1), float64(f&1)
			if v < b.rootLB[c] || v > b.rootUB[c] {
				return false
			}
			s.lb[c], s.ub[c] = v, v
		}
	}
	return true
}

// selection rounds the LP point into b.sel (fixed proposals included).
func (b *mip) selection() {
	md := b.md
	for j := 0; j < md.n; j++ {
		switch b.fix[j] {
		case 1:
			b.sel[j] = true
		case 0:
			b.sel[j] = false
		default:
			b.sel[j] = b.s.x[b.colOf[j]] > 0.5
		}
	}
}

// run solves the problem. start, when feasible, is the first incumbent.
func (b *mip) run(start []bool) mipResult {
	if !b.presolve() {
		return mipResult{status: Infeasible, value: -1, bound: -1}
	}
	if start != nil {
		b.offer(start)
	}
	s := b.s
	n := s.n
	b.maxIter = 50*(s.m+10) + 1000
	b.pcSum = [2][]float64{make([]float64, n), make([]float64, n)}
	b.pcCnt = [2][]int32{make([]int32, n), make([]int32, n)}
	// Root.
	s.computePrimal()
	st, _ := s.solve(math.Inf(1), b.maxIter*4)
	b.nodes++
	rb := b.maxBound()
	b.rootBound = rb
	b.bound = b.floorBound(rb)
	if st == lpInfeasible && b.proveInfeasibleCurrent() {
		return mipResult{status: Infeasible, value: -1, bound: -1, nodes: b.nodes}
	}
	if st == lpOptimal {
		b.rootOK = true
		b.rootDJ = slices.Clone(b.dj)
		b.recordRoot()
		b.rootX = slices.Clone(s.x[:n])
		b.selection()
		b.offer(b.sel)
		b.fillHeuristic()
		if !b.feasOnly {
			st = b.addCuts(st)
			rb = b.maxBound()
			b.rootBound = rb
			b.bound = b.floorBound(rb)
			b.rootDJ = slices.Clone(b.dj[:n])
			b.rootX = slices.Clone(s.x[:n])
			if st == lpInfeasible && b.proveInfeasibleCurrent() {
				return mipResult{status: Infeasible, value: -1, bound: -1, nodes: b.nodes}
			}
			if st == lpOptimal {
				b.selection()
				b.offer(b.sel)
				b.fillHeuristic()
			}
		}
	}
	b.greedyHeuristic()
	if b.bestVal >= 0 && !b.feasOnly {
		b.localSearch()
	}
	if st == lpOptimal && !b.feasOnly && !b.sub {
		b.coreHeuristic()
	}
	if b.feasOnly && b.bestVal >= 0 {
		return b.result(true)
	}
	b.globalFixing()
	b.rootColOf = slices.Clone(b.colOf)
	b.rootDJ0 = b.rootDJ
	if !b.feasOnly {
		b.deactivate()
		s, n = b.s, b.s.n
	}
	open := &nodeHeap{}
	cur := &node{bound: b.bound, pcCol: -1}
	for cur != nil || open.Len() > 0 {
		if cur == nil {
			cur = heap.Pop(open).(*node)
		}
		if cur.bound <= b.bestVal {
			cur = nil
			continue
		}
		if b.nodeLimit > 0 && b.nodes >= b.nodeLimit {
			b.err = errNodeLimit
		}
		if b.nodes&15 == 0 && b.expired() || b.err == errNodeLimit {
			b.timedOut = true
			bd := cur.bound
			for _, x := range *open {
				bd = max(bd, x.bound)
			}
			b.bound = max(bd, b.bestVal)
			return b.result(false)
		}
		cur = b.process(cur, open)
		if b.improved && !b.feasOnly {
			b.improved = false
			b.swapSearch()
			b.improved = false
			b.globalFixing()
		}
		if b.feasOnly && b.bestVal >= 0 {
			return b.result(true)
		}
	}
	b.bound = b.bestVal
	return b.result(true)
}

// globalFixing fixes, for the whole search, the columns whose reduced
// cost at the root proves that moving them cannot beat the incumbent.
func (b *mip) globalFixing() {
	if !b.rootOK || b.bestVal < 0 || b.fixedAt == b.bestVal {
		return
	}
	b.fixedAt = b.bestVal
	rb := b.rootBound
	for c := range b.rootLB {
		if b.rootLB[c] == b.rootUB[c] {
			continue
		}
		if d := b.rootDJ[c]; d > 0 && b.floorBound(rb-d) <= b.bestVal {
			b.rootUB[c] = 0
		} else if d < 0 && b.floorBound(rb+d) <= b.bestVal {
			b.rootLB[c] = 1
		}
	}
}

func (b *mip) proveInfeasibleCurrent() bool {
	s := b.s
	for p, j := range s.head {
		if s.x[j] < s.lb[j]-1e-7 || s.x[j] > s.ub[j]+1e-7 {
			if b.proveInfeasible(p) {
				return true
			}
		}
	}
	return false
}

func (b *mip) result(done bool) mipResult {
	r := mipResult{sel: b.best, value: b.bestVal, bound: b.bound, nodes: b.nodes}
	switch {
	case b.bestVal < 0 && done:
		r.status = Infeasible
	case done:
		r.status = Optimal
		r.bound = b.bestVal
	default:
		r.status = Feasible
	}
	return r
}

// recordRoot keeps the root relaxation's duals and reduced costs in
// model terms (max sense, per đồng).
func (b *mip) recordRoot() {
	md := b.md
	b.rootDual = make([]float64, len(md.rows))
	for i, r := range b.lpRows {
		if r >= 0 && math.Abs(b.s.pi[i]) > 1e-9 {
			b.rootDual[r] += -b.s.pi[i] * b.rdef[i].sc
		}
	}
	b.rootRC = make([]float64, md.n)
	for j := 0; j < md.n; j++ {
		rc := float64(md.value[j])
		for _, rr := range md.colRows[j] {
			rc -= b.rootDual[rr.r] * float64(rr.c)
		}
		b.rootRC[j] = rc
	}
}

// lpValue is the LP objective in max sense, fixed value included.
func (b *mip) lpValue() float64 { return float64(b.v1) - b.s.objective() }

// solveNodeLP solves the LP at the current bounds and returns its status
// and the proven integer bound (capped by cap).
func (b *mip) solveNodeLP(cap int64) (lpStatus, int64, float64) {
	s := b.s
	s.computePrimal()
	cutoff := math.Inf(1)
	if b.bestVal >= 0 {
		// A min-sense objective at or above this proves bound < best+1.
		cutoff = float64(b.v1) - float64(b.bestVal) - 1 + b.margin
	}
	st, _ := s.solve(cutoff, b.maxIter)
	mb := b.maxBound()
	bd := min(cap, b.floorBound(mb))
	if bd > b.bestVal && st == lpCutoff {
		// Not proven by the rigorous bound: finish the LP.
		st, _ = s.solve(math.Inf(1), b.maxIter)
		mb = b.maxBound()
		bd = min(cap, b.floorBound(mb))
	}
	if bd > b.bestVal && st == lpInfeasible && b.proveInfeasibleCurrent() {
		bd = -1
	}
	if st == lpInfeasible || st == lpTrouble {
		s.refactor()
	}
	return st, bd, mb
}

// pseudo returns the pseudo-cost of moving column c down (0) or up (1)
// by one unit, and whether it rests on enough observations.
func (b *mip) pseudo(c, dir int) (float64, bool) {
	if k := b.pcCnt[dir][c]; k > 0 {
		return b.pcSum[dir][c] / float64(k), k >= reliable
	}
	if b.pcAllCnt[dir] > 0 {
		return b.pcAll[dir] / float64(b.pcAllCnt[dir]), false
	}
	return 1, false
}

func (b *mip) observe(c, dir int, gain, frac float64) {
	if frac < 1e-9 {
		return
	}
	g := max(gain, 0) / frac
	b.pcSum[dir][c] += g
	b.pcCnt[dir][c]++
	b.pcAll[dir] += g
	b.pcAllCnt[dir]++
}

// Branching. Pseudo-costs order the candidates, and each node strong-
// branches the best of them (a column is "reliable" only after many
// observations, so in practice always): on these problems a much smaller
// tree pays for the dearer nodes.
const (
	reliable      = 1 << 20 // observations that make a pseudo-cost trusted
	strongMax     = 10      // columns strong-branched at most per node
	strongLook    = 4       // stop after this many without a better score
	strongIter    = 15      // dual simplex iterations per strong-branching child
	heuristicFreq = 32      // nodes between two runs of the fill heuristic
)

// strong returns the proven bound of the child with the basic column c
// fixed to v, and its LP value, then puts the LP back as saved in st.
// (A basic column's bounds do not enter the primal values: the dual
// simplex starts at once.)
func (b *mip) strong(c int, v float64, st *lpState) (int64, float64) {
	s := b.s
	lo, hi := s.lb[c], s.ub[c]
	s.lb[c], s.ub[c] = v, v
	cutoff := math.Inf(1)
	if b.bestVal >= 0 {
		cutoff = float64(b.v1) - float64(b.bestVal) - 1 + b.margin
	}
	res, _ := s.solve(cutoff, strongIter)
	mb := b.maxBound()
	bd := b.floorBound(mb)
	if res == lpInfeasible && b.proveInfeasibleCurrent() {
		bd = -1
	}
	val := mb
	if res == lpOptimal {
		val = b.lpValue()
	}
	s.lb[c], s.ub[c] = lo, hi
	s.restore(st)
	return bd, val
}

// process solves one node and returns the child to dive into (nil when
// the node is closed); the other child goes to open.
func (b *mip) process(nd *node, open *nodeHeap) *node {
	s := b.s
	b.nodes++
	if !b.applyNode(nd) {
		return nil
	}
	st, bd, _ := b.solveNodeLP(nd.bound)
	if st == lpOptimal && nd.pcCol >= 0 {
		dir := 0
		if nd.pcUp {
			dir = 1
		}
		b.observe(int(nd.pcCol), dir, nd.parentObj-b.lpValue(), nd.pcFrac)
	}
	if bd > b.bestVal && st == lpOptimal && b.bestVal >= 0 {
		if gb := b.groupBound(); !math.IsInf(gb, 1) {
			bd = min(bd, b.floorBound(gb))
		}
	}
	var local []int32 // fixings found at this node, for its children
	for {
		if bd <= b.bestVal {
			return nil
		}
		// The rounded point, and now and then the fill heuristic.
		if st == lpOptimal {
			b.selection()
			b.offer(b.sel)
			if b.nodes%heuristicFreq == 0 {
				b.fillHeuristic()
			}
			b.globalFixing()
			if bd <= b.bestVal {
				return nil
			}
		}
		// Reduced-cost fixing for the subtree (at the current bound, so
		// the LP point stays optimal).
		mb := b.maxBound()
		if b.bestVal >= 0 && st == lpOptimal {
			for c := 0; c < s.n; c++ {
				if s.lb[c] == s.ub[c] {
					continue
				}
				if d := b.dj[c]; d > 0 && b.floorBound(mb-d) <= b.bestVal {
					local = append(local, int32(c*2))
					s.ub[c] = s.lb[c]
				} else if d < 0 && b.floorBound(mb+d) <= b.bestVal {
					local = append(local, int32(c*2+1))
					s.lb[c] = s.ub[c]
				}
			}
		}
		// Fractional candidates.
		var cands []int
		if st == lpOptimal {
			for _, j := range s.head {
				if j < s.n && s.lb[j] != s.ub[j] && s.x[j] > 1e-6 && s.x[j] < 1-1e-6 {
					cands = append(cands, j)
				}
			}
		}
		if len(cands) == 0 {
			return b.branchAny(nd, local, bd, open)
		}
		// Reliability branching: pseudo-costs when trusted, else strong
		// branching, which may also close one side.
		obj := b.lpValue()
		score := func(down, up float64) float64 { return max(down, 1e-6) * max(up, 1e-6) }
		type cand struct {
			c          int
			sc         float64
			down, up   float64
			bdD, bdU   int64
			strongDone bool
		}
		cs := make([]cand, len(cands))
		for k, c := range cands {
			f := s.x[c]
			pd, _ := b.pseudo(c, 0)
			pu, _ := b.pseudo(c, 1)
			cs[k] = cand{c: c, down: pd * f, up: pu * (1 - f), bdD: bd, bdU: bd}
			cs[k].sc = score(cs[k].down, cs[k].up)
		}
		slices.SortFunc(cs, func(x, y cand) int { return cmpFloat(y.sc, x.sc) })
		best, since, strongN := -1, 0, 0
		state := &b.state
		saved := false
		refix := false
		for k := range cs {
			c := cs[k].c
			_, okD := b.pseudo(c, 0)
			_, okU := b.pseudo(c, 1)
			if (!okD || !okU) && strongN < strongMax {
				strongN++
				f := s.x[c]
				if !saved {
					// A fresh factorisation first when the children
					// would reach the refactorisation limit: each of
					// them restarts from the saved one.
					if s.pivots+strongIter >= refactorEvery {
						s.refactor()
					}
					s.save(state)
					saved = true
				}
				bdD, valD := b.strong(c, 0, state)
				bdU, valU := b.strong(c, 1, state)
				b.observe(c, 0, obj-valD, f)
				b.observe(c, 1, obj-valU, 1-f)
				cs[k].bdD, cs[k].bdU = min(bdD, bd), min(bdU, bd)
				cs[k].down, cs[k].up = obj-valD, obj-valU
				cs[k].sc = score(cs[k].down, cs[k].up)
				cs[k].strongDone = true
				switch {
				case bdD <= b.bestVal && bdU <= b.bestVal:
					return nil
				case bdD <= b.bestVal:
					local = append(local, int32(c*2+1))
					s.lb[c] = 1
					refix = true
				case bdU <= b.bestVal:
					local = append(local, int32(c*2))
					s.ub[c] = 0
					refix = true
				}
				if refix {
					break
				}
			}
			if best < 0 || cs[k].sc > cs[best].sc {
				best, since = k, 0
			} else if since++; since >= strongLook && strongN > 0 {
				break
			}
		}
		if refix {
			st, bd, _ = b.solveNodeLP(bd)
			continue
		}
		ch := cs[best]
		c := ch.c
		f := s.x[c]
		mk := func(v int, bound int64, frac float64) *node {
			fx := append(slices.Clone(local), int32(c*2+v))
			return &node{parent: nd, fixes: fx, bound: bound, depth: nd.depth + 1,
				pcCol: int32(c), pcUp: v == 1, pcFrac: frac, parentObj: obj}
		}
		up := mk(1, ch.bdU, 1-f)
		down := mk(0, ch.bdD, f)
		if up.bound <= b.bestVal {
			up = nil
		}
		if down.bound <= b.bestVal {
			down = nil
		}
		// Dive into the child with the better bound (estimated by the
		// gains when the bounds tie), keep the other.
		first, second := up, down
		if down != nil && (up == nil || down.bound > up.bound || down.bound == up.bound && ch.down < ch.up) {
			first, second = down, up
		}
		if second != nil {
			heap.Push(open, second)
		}
		return first
	}
}

// branchAny handles a node whose LP point is integral (or unreliable) but
// did not close it: branch on a free column, or, with none left, let the
// exact check decide.
func (b *mip) branchAny(nd *node, local []int32, bd int64, open *nodeHeap) *node {
	s := b.s
	bc := -1
	for c := 0; c < s.n; c++ {
		if s.lb[c] != s.ub[c] && (bc < 0 || b.md.value[b.cols[c]] > b.md.value[b.cols[bc]]) {
			bc = c
		}
	}
	if bc < 0 {
		for c := 0; c < s.n; c++ {
			s.x[c] = s.lb[c]
		}
		b.selection()
		b.offer(b.sel)
		return nil
	}
	up := &node{parent: nd, fixes: append(slices.Clone(local), int32(bc*2+1)), bound: bd, depth: nd.depth + 1, pcCol: -1}
	down := &node{parent: nd, fixes: append(local, int32(bc*2)), bound: bd, depth: nd.depth + 1, pcCol: -1}
	heap.Push(open, down)
	return up
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// deactivate takes the columns fixed at the root (by reduced costs, and
// nonbasic) out of the LP: they become fixed proposals (their cost moves
// into the row bounds, computed from the exact data), and the LP is
// rebuilt over the remaining columns with the same basis, so the simplex
// and the bounds no longer pass over them. The root's column numbering is
// kept in rootColOf for the explanations.
func (b *mip) deactivate() {
	s := b.s
	md := b.md
	n := s.n
	dead := make([]bool, n)
	count := 0
	for c := 0; c < n; c++ {
		if b.rootLB[c] == b.rootUB[c] && s.pos[c] < 0 {
			dead[c] = true
			count++
		}
	}
	if count == 0 {
		return
	}
	// The dead columns become fixed proposals.
	for c, j := range b.cols {
		if !dead[c] {
			continue
		}
		if b.rootLB[c] == 1 {
			b.fix[j] = 1
			b.v1 += md.value[j]
			for _, rr := range md.colRows[j] {
				b.u1[rr.r] += rr.c
			}
		} else {
			b.fix[j] = 0
		}
	}
	newOf := make([]int, n)
	var cols []int
	for c := 0; c < n; c++ {
		newOf[c] = -1
		if !dead[c] {
			newOf[c] = len(cols)
			cols = append(cols, b.cols[c])
		}
	}
	nn := len(cols)
	rows := make([][]entry, s.m)
	lb := make([]float64, nn+s.m)
	ub := make([]float64, nn+s.m)
	cost := make([]float64, nn)
	for c, j := range cols {
		cost[c] = -float64(md.value[j])
		old := b.colOf[j]
		lb[c], ub[c] = b.rootLB[old], b.rootUB[old]
	}
	for i := 0; i < s.m; i++ {
		d := &b.rdef[i]
		var shift, free int64
		var cols []int
		var coef []int64
		for k, c := range d.cols {
			switch {
			case !dead[c]:
				free += d.coef[k]
				cols = append(cols, newOf[c])
				coef = append(coef, d.coef[k])
				rows[i] = append(rows[i], entry{newOf[c], float64(d.coef[k]) * d.sc})
			case b.rootLB[c] == 1:
				shift += d.coef[k]
			}
		}
		d.cols, d.coef = cols, coef
		d.lo -= shift
		if d.hi != math.MaxInt64 {
			d.hi -= shift
		}
		lb[nn+i] = float64(max(d.lo, 0)) * d.sc
		ub[nn+i] = float64(min(d.hi, free)) * d.sc
		if r := d.r; r >= 0 {
			b.gCap[i] = b.hi[r] - b.u1[r]
		}
	}
	ns := newLP(nn, rows, cost, lb, ub)
	for p, v := range s.head {
		if v < n {
			ns.head[p] = newOf[v]
		} else {
			ns.head[p] = nn + (v - n)
		}
	}
	for j := range ns.pos {
		ns.pos[j] = -1
	}
	for p, v := range ns.head {
		ns.pos[v] = p
	}
	for c := 0; c < n; c++ {
		if nc := newOf[c]; nc >= 0 {
			ns.atUpper[nc] = s.atUpper[c]
		}
	}
	for i := 0; i < s.m; i++ {
		ns.atUpper[nn+i] = s.atUpper[n+i]
	}
	ns.iters = s.iters
	ns.refactor()
	// Remap the per-column state.
	b.rootColOf = slices.Clone(b.colOf)
	for j := range b.colOf {
		if c := b.colOf[j]; c >= 0 {
			b.colOf[j] = newOf[c]
		}
	}
	rootDJ := make([]float64, nn)
	for c := 0; c < n; c++ {
		if nc := newOf[c]; nc >= 0 {
			rootDJ[nc] = b.rootDJ[c]
		}
	}
	b.rootDJ = rootDJ
	b.cols = cols
	b.rootLB = slices.Clone(lb[:nn])
	b.rootUB = slices.Clone(ub[:nn])
	b.dj = make([]float64, nn)
	b.pcSum = [2][]float64{make([]float64, nn), make([]float64, nn)}
	b.pcCnt = [2][]int32{make([]int32, nn), make([]int32, nn)}
	b.groupRow = nil
	b.s = ns
}

// errNodeLimit stops a restricted search of the core heuristic.
var errNodeLimit = errors.New("allocate: node limit")

// coreHeuristic solves, with a node limit, the problem restricted to the
// columns of smallest reduced cost at the root (the others fixed at their
// LP value): the "core" where the optimum differs from the LP point. Its
// solutions are feasible for the whole problem; a good one found early
// makes the reduced-cost fixing of the real search bite.
func (b *mip) coreHeuristic() {
	s := b.s
	type rc struct {
		c int
		d float64
	}
	var free []rc
	for c := 0; c < s.n; c++ {
		if b.rootLB[c] != b.rootUB[c] {
			free = append(free, rc{c, math.Abs(b.rootDJ[c])})
		}
	}
	for _, size := range coreSizes {
		if len(free) <= size {
			return // the core would be the whole problem
		}
		slices.SortFunc(free, func(x, y rc) int { return cmpFloat(x.d, y.d) })
		fix := slices.Clone(b.fix)
		for _, f := range free[min(size, len(free)):] {
			v := int8(0)
			if b.rootX[f.c] > 0.5 {
				v = 1
			}
			fix[b.cols[f.c]] = v
		}
		sub := newMIP(b.ctx, b.md, b.lo, b.hi, fix, b.deadline)
		sub.sub = true
		sub.nodeLimit = coreNodes
		res := sub.run(b.best)
		if res.sel != nil {
			b.offer(res.sel)
		}
		if b.expired() {
			return
		}
	}
}

// The core heuristic's restricted problems: their sizes (columns of
// smallest reduced cost) and node limit.
var (
	coreSizes = []int{100, 200}
)

const coreNodes = 3000
