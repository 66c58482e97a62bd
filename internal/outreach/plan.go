package outreach

import (
	"fmt"
	"math"
	"slices"

	"khuyencong/internal/kc"
)

// Plan is a proposed set of sessions with its explanation.
type Plan struct {
	From, To  kc.Date
	StaffDays int
	Budget    int64
	// Sessions are the proposed sessions in date order.
	Sessions []Session
	// Trips are the visits to communes, in date order.
	Trips []Trip
	// LeftOut are the villages with producers to reach that got no session,
	// in input order.
	LeftOut []LeftOut
	// Covered is the number of places with nobody left to reach.
	Covered int
	// Target is the number of producers to reach over all places.
	Target int
	// Reached is the expected number reached by the plan.
	Reached int
	// Cost is the total cost with travel, Travel the travel part.
	Cost   int64
	Travel int64
	// HalfDays is the staff time used, in half days.
	HalfDays int
	// TripDays is the number of trip days, WorkingDays those of the period.
	TripDays    int
	WorkingDays int
	// Summary explains the plan as a whole, line by line.
	Summary []Text
	// Baseline is the same number of sessions in the communes with the most
	// producers.
	Baseline Comparison
}

// Make validates the request and returns the plan, with its baseline.
func Make(req Request) (Plan, error) {
	if err := req.Validate(); err != nil {
		return Plan{}, err
	}
	wd := req.WorkingDays()
	st := solve(newState(req, len(wd)))
	p := st.schedule(wd)
	p.From, p.To, p.StaffDays, p.Budget = req.From, req.To, req.StaffDays, req.Budget
	p.WorkingDays = len(wd)
	p.Covered = st.covered
	for _, v := range req.Villages {
		p.Target += max(v.Target, 0)
	}
	p.LeftOut = st.leftOut()
	p.Baseline = Baseline(req, len(p.Sessions))
	p.Summary = summary(req, p)
	p.Baseline.Text = T("outreachplan.baseline", p.Baseline.Reached, p.Reached)
	p.Baseline.Detail = T("outreachplan.baseline.detail", p.Baseline.Sessions, len(p.Baseline.Communes),
		Money(p.Baseline.Cost), HalfDays(p.Baseline.HalfDays), Money(p.Cost), HalfDays(p.HalfDays))
	return p, nil
}

// state is a selection of candidate sessions with its running totals.
type state struct {
	req    Request
	c      []Session // candidates, in input order
	ci     []int     // commune index of each candidate
	in     []bool
	tc     []int // chosen trip sessions per commune index
	spd    int
	travel int64
	// limits
	budget   int64
	halfCap  int
	daysCap  int
	cost     int64
	half     int
	days     int
	reached  int
	covered  int
	communes int
	// pools lists, per commune index, its trip candidates in the two
	// orders bundles are made in: most reached first, and most reached
	// per đồng first (stable on candidate order). Shared by clones.
	pools [2][][]int
}

func newState(req Request, workingDays int) *state {
	st := &state{req: req, spd: req.Params.SessionsPerDay, travel: req.Params.TravelCost,
		budget: req.Budget, halfCap: req.HalfDayLimit(), daysCap: workingDays}
	idx := map[string]int{}
	for _, v := range req.Villages {
		s, ok := Choose(v, req.Params)
		if !ok {
			st.covered++
			continue
		}
		k := communeKey(v)
		c, seen := idx[k]
		if !seen {
			c = len(idx)
			idx[k] = c
		}
		st.c = append(st.c, s)
		st.ci = append(st.ci, c)
	}
	st.communes = len(idx)
	st.in = make([]bool, len(st.c))
	st.tc = make([]int, st.communes)
	for o := range st.pools {
		st.pools[o] = make([][]int, st.communes)
	}
	for i, s := range st.c {
		if s.Trip {
			for o := range st.pools {
				st.pools[o][st.ci[i]] = append(st.pools[o][st.ci[i]], i)
			}
		}
	}
	for _, pool := range st.pools[0] {
		slices.SortStableFunc(pool, func(a, b int) int { return st.c[b].Reached - st.c[a].Reached })
	}
	for _, pool := range st.pools[1] {
		slices.SortStableFunc(pool, func(a, b int) int { return cmpPerCost(st.c[b], st.c[a]) })
	}
	return st
}

func communeKey(v Village) string {
	return fmt.Sprintf("%d|%s|%s", v.CommuneID, v.CommuneCode, v.CommuneName)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// totals is the effect of a change on the selection.
type totals struct {
	cost    int64
	half    int
	days    int
	reached int
}

// delta returns the change in totals of removing rm and adding add (which
// must be chosen and unchosen, respectively).
func (st *state) delta(rm, add []int) totals {
	if len(rm) == 0 && len(add) == 1 {
		return st.deltaOne(add[0])
	}
	var d totals
	var buf [4]struct{ c, k int } // few communes change at once
	changed := buf[:0]
	bump := func(c, k int) {
		for j := range changed {
			if changed[j].c == c {
				changed[j].k += k
				return
			}
		}
		changed = append(changed, struct{ c, k int }{c, k})
	}
	for _, i := range rm {
		s := st.c[i]
		d.cost -= s.Cost
		d.half -= s.HalfDays
		d.reached -= s.Reached
		if s.Trip {
			bump(st.ci[i], -1)
		}
	}
	for _, i := range add {
		s := st.c[i]
		d.cost += s.Cost
		d.half += s.HalfDays
		d.reached += s.Reached
		if s.Trip {
			bump(st.ci[i], 1)
		}
	}
	for _, ch := range changed {
		t := st.tc[ch.c]
		dd := ceilDiv(t+ch.k, st.spd) - ceilDiv(t, st.spd)
		d.days += dd
		d.cost += int64(dd) * st.travel
	}
	return d
}

// deltaOne is delta(nil, []int{i}), the greedy's most frequent question:
// adding a trip session opens a trip day when its commune's days are full.
func (st *state) deltaOne(i int) totals {
	s := st.c[i]
	d := totals{cost: s.Cost, half: s.HalfDays, reached: s.Reached}
	if s.Trip && st.tc[st.ci[i]]%st.spd == 0 {
		d.days = 1
		d.cost += st.travel
	}
	return d
}

// fits reports whether the selection changed by d stays within the limits.
func (st *state) fits(d totals) bool {
	return st.cost+d.cost <= st.budget && st.half+d.half <= st.halfCap && st.days+d.days <= st.daysCap
}

func (st *state) apply(rm, add []int) {
	d := st.delta(rm, add)
	for _, i := range rm {
		st.in[i] = false
		if st.c[i].Trip {
			st.tc[st.ci[i]]--
		}
	}
	for _, i := range add {
		st.in[i] = true
		if st.c[i].Trip {
			st.tc[st.ci[i]]++
		}
	}
	st.cost += d.cost
	st.half += d.half
	st.days += d.days
	st.reached += d.reached
}

// shares are the shares of the three resources a change takes: its
// cost, staff time and trip days over their limits; 0 for a resource it
// does not take, +Inf for one it takes that has no room at all.
func (st *state) shares(d totals) [3]float64 {
	share := func(x, limit float64) float64 {
		switch {
		case x <= 0:
			return 0
		case limit <= 0:
			return math.Inf(1)
		}
		return x / limit
	}
	return [3]float64{
		share(float64(d.cost), float64(st.budget)),
		share(float64(d.half), float64(st.halfCap)),
		share(float64(d.days), float64(st.daysCap)),
	}
}

// usage is the share of the scarcer resource a change takes: the largest
// of its cost, staff time and trip days over their limits.
func (st *state) usage(d totals) float64 {
	s := st.shares(d)
	return max(0, s[0], s[1], s[2])
}

// usageSum is the sum of the shares of the three resources a change takes.
func (st *state) usageSum(d totals) float64 {
	s := st.shares(d)
	return s[0] + s[1] + s[2]
}

// A rule scores an option for the greedy fill; the highest score wins.
type rule func(st *state, d totals) float64

var rules = []rule{
	// Reached per share of the scarcer resource (the main rule).
	func(st *state, d totals) float64 { return float64(d.reached) / st.usage(d) },
	// Reached per summed share of the three resources.
	func(st *state, d totals) float64 { return float64(d.reached) / st.usageSum(d) },
	// The largest reach first.
	func(st *state, d totals) float64 { return float64(d.reached) },
}

// solve runs the greedy fill and the improvement pass under each rule
// (the main rule first) and keeps the best selection.
func solve(base *state) *state {
	var best *state
	for _, r := range rules {
		st := base.clone()
		st.fill(r, nil)
		st.improve(r)
		if best == nil || better(totals{reached: st.reached - best.reached, cost: st.cost - best.cost, half: st.half - best.half}) {
			best = st
		}
	}
	return best
}

func (st *state) clone() *state {
	c := *st
	c.in = slices.Clone(st.in)
	c.tc = slices.Clone(st.tc)
	return &c
}

func (st *state) restore(from *state) {
	copy(st.in, from.in)
	copy(st.tc, from.tc)
	st.cost, st.half, st.days, st.reached = from.cost, from.half, from.days, from.reached
}

// fill adds options greedily while any fits: single sessions, and bundles
// of a commune's best unchosen trip sessions filling a new trip day. The
// sessions in skip are not added.
func (st *state) fill(score rule, skip []bool) {
	for {
		var best []int
		bestScore, bestReached := -1.0, 0
		consider := func(add []int) {
			d := st.delta(nil, add)
			if d.reached <= 0 || !st.fits(d) {
				return
			}
			sc := score(st, d) // +Inf when free
			if sc > bestScore || (sc == bestScore && d.reached > bestReached) {
				best, bestScore, bestReached = slices.Clone(add), sc, d.reached
			}
		}
		free := func(i int) bool { return !st.in[i] && (skip == nil || !skip[i]) }
		one := []int{0}
		for i := range st.c {
			if free(i) {
				one[0] = i
				consider(one)
			}
		}
		if st.spd > 1 {
			var bundle, next []int
			for c := 0; c < st.communes; c++ {
				if st.tc[c]%st.spd != 0 {
					continue
				}
				// Bundles: the best free sessions in two orders (most
				// reached, most reached per đồng), each taken while it fits.
				for o := range st.pools {
					pool := st.pools[o][c]
					if len(pool) < 2 {
						continue
					}
					bundle = bundle[:0]
					for _, i := range pool {
						if len(bundle) == st.spd {
							break
						}
						if !free(i) {
							continue
						}
						next = append(append(next[:0], bundle...), i)
						if !st.fits(st.delta(nil, next)) {
							continue
						}
						bundle = append(bundle, i)
						if len(bundle) >= 2 {
							consider(slices.Sorted(slices.Values(bundle)))
						}
					}
				}
			}
		}
		if best == nil {
			return
		}
		st.apply(nil, best)
	}
}

// cmpPerCost compares the reach per đồng of two sessions (a free session
// first).
func cmpPerCost(a, b Session) int {
	l, r := int64(a.Reached)*max(b.Cost, 1), int64(b.Reached)*max(a.Cost, 1)
	switch {
	case l < r:
		return -1
	case l > r:
		return 1
	}
	return 0
}

// better reports whether a change improves the plan: more reached, or as
// many for less money, or as many for the same money and less staff time.
func better(d totals) bool {
	switch {
	case d.reached != 0:
		return d.reached > 0
	case d.cost != 0:
		return d.cost < 0
	default:
		return d.half < 0
	}
}

// improve repeats, while one improves the plan, the first improving move
// of: swapping one chosen session for one or two unchosen ones, or two for
// one, then refilling; and dropping a group of chosen sessions and
// refilling (dropAndRefill). Every accepted move strictly improves
// (reached, -cost, -half), so it ends; the round cap only bounds the time
// on large instances.
func (st *state) improve(score rule) {
	maxRounds := 4*len(st.c) + 10
	for round := 0; round < maxRounds; round++ {
		if rm, add, ok := st.findSwap(); ok {
			st.apply(rm, add)
			st.fill(score, nil)
			continue
		}
		if !st.dropAndRefill(score) {
			return
		}
	}
}

// pairLimit bounds the sessions the moves over pairs look at, so that a
// province-sized plan stays fast.
const pairLimit = 40

func (st *state) findSwap() (rm, add []int, ok bool) {
	var chosen, free []int
	for i := range st.c {
		if st.in[i] {
			chosen = append(chosen, i)
		} else {
			free = append(free, i)
		}
	}
	try := func(r, a []int) bool {
		d := st.delta(r, a)
		return better(d) && st.fits(d)
	}
	for _, i := range chosen {
		for _, j := range free {
			if try([]int{i}, []int{j}) {
				return []int{i}, []int{j}, true
			}
		}
	}
	// Pair moves look at the unchosen sessions that reach the most and at
	// the chosen ones that reach the least.
	wide := st.top(free, pairLimit, false)
	for _, i := range chosen {
		for x, j := range wide {
			for _, k := range wide[x+1:] {
				if try([]int{i}, []int{j, k}) {
					return []int{i}, []int{j, k}, true
				}
			}
		}
	}
	weak := st.top(chosen, pairLimit, true)
	for x, i := range weak {
		for _, i2 := range weak[x+1:] {
			for _, j := range free {
				if try([]int{i, i2}, []int{j}) {
					return []int{i, i2}, []int{j}, true
				}
			}
		}
	}
	return nil, nil, false
}

// top returns at most n of the sessions ids, those that reach the most (or
// the least), in input order.
func (st *state) top(ids []int, n int, least bool) []int {
	if len(ids) <= n {
		return ids
	}
	s := slices.Clone(ids)
	slices.SortStableFunc(s, func(a, b int) int {
		if least {
			return st.c[a].Reached - st.c[b].Reached
		}
		return st.c[b].Reached - st.c[a].Reached
	})
	s = s[:n]
	slices.Sort(s)
	return s
}

// dropAndRefill tries, in order, to drop each group of chosen sessions (one
// session, a commune's sessions, the sessions without a trip, two of the
// sessions that reach the least) and refill without them, then with them;
// it keeps the first that improves the plan.
func (st *state) dropAndRefill(score rule) bool {
	var groups [][]int
	byCommune := make([][]int, st.communes)
	var local []int
	for i := range st.c {
		if !st.in[i] {
			continue
		}
		groups = append(groups, []int{i})
		if st.c[i].Trip {
			byCommune[st.ci[i]] = append(byCommune[st.ci[i]], i)
		} else {
			local = append(local, i)
		}
	}
	for _, g := range byCommune {
		if len(g) > 1 {
			groups = append(groups, g)
		}
	}
	if len(local) > 1 {
		groups = append(groups, local)
	}
	var chosen []int
	for i := range st.c {
		if st.in[i] {
			chosen = append(chosen, i)
		}
	}
	weak := st.top(chosen, pairLimit/2, true)
	for x, i := range weak {
		for _, j := range weak[x+1:] {
			groups = append(groups, []int{i, j})
		}
	}
	saved := st.clone()
	skip := make([]bool, len(st.c))
	for _, g := range groups {
		for _, i := range g {
			skip[i] = true
		}
		st.apply(g, nil)
		st.fill(score, skip)
		st.fill(score, nil)
		if better(totals{reached: st.reached - saved.reached, cost: st.cost - saved.cost, half: st.half - saved.half}) {
			return true
		}
		st.restore(saved)
		for _, i := range g {
			skip[i] = false
		}
	}
	return false
}

// schedule dates the chosen sessions and groups them into trips.
func (st *state) schedule(wd []kc.Date) Plan {
	var p Plan
	var local []int
	tripOf := map[int][]int{} // commune index → chosen trip sessions
	var order []int           // communes in order of first appearance
	for i := range st.c {
		if !st.in[i] {
			continue
		}
		if !st.c[i].Trip {
			local = append(local, i)
			continue
		}
		c := st.ci[i]
		if _, ok := tripOf[c]; !ok {
			order = append(order, c)
		}
		tripOf[c] = append(tripOf[c], i)
	}
	reachOf := func(ss []int) int {
		r := 0
		for _, i := range ss {
			r += st.c[i].Reached
		}
		return r
	}
	slices.SortStableFunc(order, func(a, b int) int { return reachOf(tripOf[b]) - reachOf(tripOf[a]) })
	for _, i := range local {
		s := st.c[i]
		s.Date = wd[0]
		p.Sessions = append(p.Sessions, s)
	}
	total := 0
	for _, c := range order {
		total += ceilDiv(len(tripOf[c]), st.spd)
	}
	slack := len(wd) - total
	prefix := 0
	for k, c := range order {
		ss := tripOf[c]
		slices.SortStableFunc(ss, func(a, b int) int { return st.c[b].Reached - st.c[a].Reached })
		days := ceilDiv(len(ss), st.spd)
		start := prefix + slack*k/len(order)
		prefix += days
		v := st.c[ss[0]].Village
		t := Trip{CommuneID: v.CommuneID, CommuneCode: v.CommuneCode, CommuneName: v.CommuneName}
		for d := 0; d < days; d++ {
			day := wd[start+d]
			t.Days = append(t.Days, day)
			onDay := ss[d*st.spd : min((d+1)*st.spd, len(ss))]
			share, rest := st.travel/int64(len(onDay)), st.travel%int64(len(onDay))
			for x, i := range onDay {
				s := st.c[i]
				s.Date, s.TripIndex, s.Travel = day, k, share
				if x == 0 {
					s.Travel += rest
				}
				t.Sessions = append(t.Sessions, len(p.Sessions))
				t.Reached += s.Reached
				p.Sessions = append(p.Sessions, s)
			}
		}
		t.Travel = int64(days) * st.travel
		p.Trips = append(p.Trips, t)
		p.TripDays += days
	}
	for _, s := range p.Sessions {
		p.Reached += s.Reached
		p.Cost += s.Total()
		p.Travel += s.Travel
		p.HalfDays += s.HalfDays
	}
	return p
}

// leftOut explains the unchosen candidates.
func (st *state) leftOut() []LeftOut {
	var out []LeftOut
	for i, s := range st.c {
		if st.in[i] {
			continue
		}
		d := st.delta(nil, []int{i})
		why := LeftOther
		switch {
		case st.cost+d.cost > st.budget:
			why = LeftBudget
		case st.half+d.half > st.halfCap:
			why = LeftStaff
		case st.days+d.days > st.daysCap:
			why = LeftDays
		}
		v := s.Village
		out = append(out, LeftOut{Village: v, Kind: s.Kind, Reached: s.Reached, Cost: d.cost, Why: why,
			Reason: T("outreachplan.left."+why, Place(v), v.Target, kindText(s.Kind), s.Reached,
				Money(d.cost), HalfDays(d.half))})
	}
	return out
}

func summary(req Request, p Plan) []Text {
	out := []Text{
		T("outreachplan.summary.sessions", len(p.Sessions), len(p.Trips), p.TripDays, p.WorkingDays, p.Reached, p.Target),
		T("outreachplan.summary.budget", Money(p.Cost), Money(p.Budget), Money(p.Travel)),
		T("outreachplan.summary.staff", HalfDays(p.HalfDays), p.StaffDays),
	}
	if len(p.LeftOut) == 0 {
		out = append(out, T("outreachplan.summary.all"))
	} else {
		count := map[string]int{}
		target := 0
		for _, l := range p.LeftOut {
			count[l.Why]++
			target += l.Village.Target
		}
		main := LeftOther
		for _, w := range []string{LeftOther, LeftDays, LeftStaff, LeftBudget} {
			if count[w] >= count[main] {
				main = w
			}
		}
		out = append(out, T("outreachplan.summary.left", len(p.LeftOut), target, T("outreachplan.because."+main)))
	}
	if p.Covered > 0 {
		out = append(out, T("outreachplan.summary.covered", p.Covered))
	}
	pr := req.Params
	out = append(out,
		T("outreachplan.summary.rules", pr.EthnicShareBP/100, pr.PhoneShareBP/100, pr.DoorToDoorMax),
		T("outreachplan.summary.assumptions", Money(pr.Forms[kc.SessionVillageMeeting].Cost), Money(pr.InterpreterCost),
			Money(pr.TravelCost), pr.SessionsPerDay))
	return out
}
