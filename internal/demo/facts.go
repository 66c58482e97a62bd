package demo

import (
	"math/rand/v2"

	"khuyencong/internal/kc"
)

// FirstFactYear is the first year with yearly facts in the demo.
const FirstFactYear = 2015

// factPlan describes how an establishment's facts evolve.
type factPlan struct {
	seq      int64
	kind     string
	trade    string
	founded  int
	workers  int // workers in the founding (or first fact) year
	ethnic   bool
	maxGrow  int
	boost    map[int]int // from year → extra workers from then on (project effects)
	revScale int         // percent applied to revenue (100 = trade norm)
}

// makeFacts returns one fact per year from max(FirstFactYear, founded) to
// today's year.
func makeFacts(r *rand.Rand, p factPlan, today kc.Date) []kc.EstablishmentFact {
	info := trades[p.trade]
	first := max(FirstFactYear, p.founded)
	w := max(1, p.workers)
	if p.maxGrow == 0 {
		p.maxGrow = max(2, p.workers)
	}
	if p.revScale == 0 {
		p.revScale = 100
	}
	switch p.kind {
	case kc.KindHousehold:
		p.revScale = p.revScale * 80 / 100
	case kc.KindEnterprise, kc.KindCooperative, kc.KindCoopUnion:
		p.revScale = p.revScale * 140 / 100
	}
	perWorker := int64(between(r, info.revLo, info.revHi)) * 1_000_000
	out := make([]kc.EstablishmentFact, 0, today.Year()-first+1)
	extra := 0
	for y := first; y <= today.Year(); y++ {
		if y > first {
			switch n := r.IntN(10); {
			case n < 2 && w > 1:
				w--
			case n >= 8 && w < p.workers+p.maxGrow:
				w++
			}
		}
		if b, ok := p.boost[y]; ok {
			extra += b
		}
		workers := w + extra
		women := workers * info.women / 100
		if r.IntN(100) < info.women*workers%100 {
			women++
		}
		women = min(women, workers)
		minority := 0
		if p.ethnic {
			minority = workers
		} else if r.IntN(10) == 0 {
			minority = 1
		}
		// Revenue grows about 4 % a year in money terms, with noise.
		growth := int64(100 + 4*(y-FirstFactYear) + between(r, -8, 8))
		revenue := roundMillion(int64(workers) * perWorker * growth / 100 * int64(p.revScale) / 100)
		if revenue < 5_000_000 {
			revenue = 5_000_000
		}
		capital := roundMillion(revenue * int64(between(r, 40, 160)) / 100)
		income := revenue * 35 / 100 / int64(workers) / 12 / 10_000 * 10_000
		out = append(out, kc.EstablishmentFact{EstablishmentID: p.seq, Year: y, Workers: workers, WomenWorkers: women,
			EthnicMinorityWorkers: minority, Revenue: revenue, Capital: capital, AvgIncome: income, Source: factSource})
	}
	return out
}
