package allocate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Generate returns a random instance of n proposals, the same for the
// same n and seed, shaped like a province's annual plan: three budgeted
// sources (national, provincial, commune) each funding 30–40 % of what the
// proposals ask of it; the nine content areas CA1…CA9 (machinery and
// training the most common), some with a minimum (a share of what the
// area asks, scaled to the budgets) and some with a maximum; about n/8
// communes of very unequal sizes with one cap per commune (the larger of
// 2.5 % of all budgets and twice the average share); costs of 10–500
// million đồng skewed towards small ones, split over one to three
// sources; values like weighted scores: an appraisal of 50–100, plus 5 per
// expected job (more for bigger projects), plus 2 per priority point
// (0–20).
func Generate(n int, seed uint64) Instance { return generate(n, seed, defaultGen) }

// genParams are the knobs of generate (for experiments).
type genParams struct {
	zipf     float64 // commune size skew: g = groups × u^zipf (1 = uniform); 0: lognormal weights
	sigma    float64 // lognormal commune weights (when zipf is 0)
	capShare float64 // group cap as a share of all budgets (at least 2/groups)
	capMult  float64 // …or this multiple of the average share
	round    int64   // cost rounding, đồng
}

var defaultGen = genParams{sigma: 0.6, capShare: 0.025, capMult: 3, round: 100_000}

func generate(n int, seed uint64, gp genParams) Instance {
	rng := rand.New(rand.NewPCG(seed, 0x6b68757965e6))
	sources := []string{"national", "provincial", "commune"}
	areaWeight := []float64{18, 26, 8, 10, 10, 6, 7, 9, 6} // CA1…CA9
	var wsum float64
	for _, w := range areaWeight {
		wsum += w
	}
	groups := max(1, n/8)
	in := Instance{Budget: map[string]int64{}, AreaMin: map[string]int64{}, AreaMax: map[string]int64{}}
	demand := map[string]int64{}
	// Commune weights (lognormal), as a cumulative distribution.
	cum := make([]float64, groups)
	acc := 0.0
	for g := range cum {
		acc += math.Exp(gp.sigma * rng.NormFloat64())
		cum[g] = acc
	}
	areaDemand := make([]int64, len(areaWeight))
	for i := 0; i < n; i++ {
		// Cost: log-uniform 10–500 million, rounded to 100,000 đồng.
		total := max(int64(math.Exp(math.Log(10e6)+rng.Float64()*math.Log(50)))/gp.round*gp.round, gp.round)
		if rng.IntN(3) == 0 {
			total = max(min(total, int64(10e6+rng.Float64()*60e6)/gp.round*gp.round), gp.round)
		}
		cost := map[string]int64{}
		switch u := rng.IntN(100); {
		case u < 20:
			cost["national"] = total
		case u < 60:
			cost["provincial"] = total
		case u < 85:
			p := total * int64(50+rng.IntN(31)) / 100 / gp.round * gp.round
			cost["provincial"], cost["commune"] = p, total-p
		default:
			nat := total * int64(40+rng.IntN(21)) / 100 / gp.round * gp.round
			prov := (total - nat) * int64(50+rng.IntN(31)) / 100 / gp.round * gp.round
			cost["national"], cost["provincial"], cost["commune"] = nat, prov, total-nat-prov
		}
		for s, c := range cost {
			if c == 0 {
				delete(cost, s)
			}
			demand[s] += c
		}
		a := 0
		for x := rng.Float64() * wsum; a < len(areaWeight)-1 && x >= areaWeight[a]; a++ {
			x -= areaWeight[a]
		}
		areaDemand[a] += total
		// Commune: Zipf-like sizes.
		var g int
		if gp.zipf > 0 {
			g = int(float64(groups) * math.Pow(rng.Float64(), gp.zipf))
		} else {
			u := rng.Float64() * acc
			g, _ = slices.BinarySearch(cum, u)
			g = min(g, groups-1)
		}
		appraisal := int64(50 + rng.IntN(51))
		jobs := int64(float64(total)/40e6*(0.5+rng.Float64())) + int64(rng.IntN(6))
		prio := int64(rng.IntN(21))
		in.Proposals = append(in.Proposals, Proposal{
			ID:    fmt.Sprintf("DA%05d", i+1),
			Value: appraisal + 5*jobs + 2*prio,
			Cost:  cost,
			Area:  fmt.Sprintf("CA%d", a+1),
			Group: fmt.Sprintf("X%04d", g+1),
		})
	}
	var budgets int64
	for _, s := range sources {
		share := 0.30 + 0.10*rng.Float64()
		in.Budget[s] = int64(float64(demand[s])*share) / 1_000_000 * 1_000_000
		budgets += in.Budget[s]
	}
	var all int64
	for _, d := range areaDemand {
		all += d
	}
	for a, d := range areaDemand {
		if d == 0 || all == 0 {
			continue
		}
		key := fmt.Sprintf("CA%d", a+1)
		fair := float64(budgets) * float64(d) / float64(all) // the area's share of the money
		switch a % 3 {
		case 0: // training, trade promotion, …: a minimum
			in.AreaMin[key] = int64(fair*(0.7+0.2*rng.Float64())) / 1_000_000 * 1_000_000
		case 1: // machinery, …: a maximum
			in.AreaMax[key] = int64(fair*(1.0+0.2*rng.Float64())) / 1_000_000 * 1_000_000
		}
	}
	in.GroupCap = int64(float64(budgets)*max(gp.capShare, gp.capMult/float64(groups))) / 1_000_000 * 1_000_000
	return in
}
