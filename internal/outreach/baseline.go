package outreach

import (
	"slices"

	"khuyencong/internal/kc"
)

// Comparison is the baseline a plan is compared with: the same number of
// sessions in the communes with the most registered producers.
type Comparison struct {
	// Sessions is the number placed (fewer than asked when every place
	// has had one).
	Sessions int
	// Reached is the expected number of target producers reached.
	Reached int
	// Cost (travel included) and HalfDays are what those sessions take.
	Cost     int64
	HalfDays int
	// Communes are the names of the communes visited, in order of size.
	Communes []string
	// Places are the baseline's sessions, in the order placed (no dates).
	Places []Session
	// Text compares the reach of the baseline and the plan; Detail adds
	// the costs. Make fills both.
	Text   Text
	Detail Text
}

// Baseline places n sessions in the communes with the most registered
// producers: communes in decreasing order of producers (ties in input
// order), one session per commune per round, each a village meeting (a
// commune conference for producers with no village recorded) in the
// commune's largest place not yet visited; a commune whose places are all
// visited is skipped. Reach, cost and trip days follow the plan's model.
func Baseline(req Request, n int) Comparison {
	type commune struct {
		producers int
		places    []Village
		next      int
		trips     int
	}
	var cs []*commune
	idx := map[string]int{}
	for _, v := range req.Villages {
		k := communeKey(v)
		i, ok := idx[k]
		if !ok {
			i = len(cs)
			idx[k] = i
			cs = append(cs, &commune{})
		}
		cs[i].producers += v.Producers
		cs[i].places = append(cs[i].places, v)
	}
	slices.SortStableFunc(cs, func(a, b *commune) int { return b.producers - a.producers })
	for _, c := range cs {
		slices.SortStableFunc(c.places, func(a, b Village) int { return b.Producers - a.Producers })
	}
	var out Comparison
	spd := max(req.Params.SessionsPerDay, 1)
	for out.Sessions < n {
		placed := false
		for _, c := range cs {
			if out.Sessions >= n {
				break
			}
			if c.next >= len(c.places) {
				continue
			}
			v := c.places[c.next]
			c.next++
			if c.next == 1 {
				out.Communes = append(out.Communes, v.CommuneName)
			}
			s := Price(v, meetingKind(v), false, req.Params)
			if s.Trip {
				if c.trips%spd == 0 {
					s.Travel = req.Params.TravelCost
				}
				c.trips++
			}
			out.Places = append(out.Places, s)
			out.Sessions++
			out.Reached += s.Reached
			out.Cost += s.Total()
			out.HalfDays += s.HalfDays
			placed = true
		}
		if !placed {
			break
		}
	}
	return out
}

// Reprice sets the travel share of each session from its date: the trip
// sessions of one commune on one day share one TravelCost (the first in
// order takes the remainder of the division). It returns the total cost,
// travel included. Use it after sessions were edited (kind, date).
func Reprice(ss []Session, p Params) int64 {
	type key struct {
		commune string
		day     kc.Date
	}
	groups := map[key][]int{}
	var order []key
	for i := range ss {
		ss[i].Travel = 0
		if !ss[i].Trip {
			continue
		}
		k := key{communeKey(ss[i].Village), ss[i].Date}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	for _, k := range order {
		g := groups[k]
		share, rest := p.TravelCost/int64(len(g)), p.TravelCost%int64(len(g))
		for x, i := range g {
			ss[i].Travel = share
			if x == 0 {
				ss[i].Travel += rest
			}
		}
	}
	var total int64
	for _, s := range ss {
		total += s.Total()
	}
	return total
}
