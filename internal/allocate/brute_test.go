package allocate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// randomSmall is a random instance with tight and varied constraints:
// 1–3 budgets, a few areas with minimums and maximums, groups with a cap,
// and some pins.
func randomSmall(rng *rand.Rand, n int, pins bool) Instance {
	sources := []string{"national", "provincial", "commune"}[:1+rng.IntN(3)]
	in := Instance{Budget: map[string]int64{}, AreaMin: map[string]int64{}, AreaMax: map[string]int64{}}
	demand := map[string]int64{}
	areaDemand := map[string]int64{}
	for i := 0; i < n; i++ {
		p := Proposal{ID: fmt.Sprintf("P%d", i), Value: int64(rng.IntN(100)), Cost: map[string]int64{},
			Area: fmt.Sprintf("A%d", rng.IntN(3)), Group: fmt.Sprintf("G%d", rng.IntN(4))}
		if rng.IntN(8) == 0 {
			p.Area = ""
		}
		for _, s := range sources {
			if rng.IntN(2) == 0 {
				c := int64(1+rng.IntN(50)) * 1_000_000
				p.Cost[s] = c
				demand[s] += c
				areaDemand[p.Area] += c
			}
		}
		if rng.IntN(10) == 0 {
			p.Cost["unbudgeted"] = 7_000_000 // counts nowhere
		}
		if pins {
			switch rng.IntN(16) {
			case 0:
				p.Pin = In
			case 1:
				p.Pin = Out
			}
		}
		in.Proposals = append(in.Proposals, p)
	}
	for _, s := range sources {
		in.Budget[s] = demand[s] * int64(30+rng.IntN(40)) / 100
	}
	for _, a := range sortedKeys(areaDemand) { // sorted: the instance depends on the seed only
		d := areaDemand[a]
		if a == "" {
			continue
		}
		switch rng.IntN(4) {
		case 0:
			in.AreaMin[a] = d * int64(rng.IntN(8)) / 100
		case 1:
			in.AreaMax[a] = d * int64(10+rng.IntN(40)) / 100
		case 2:
			in.AreaMin[a] = d * int64(rng.IntN(15)) / 100
			in.AreaMax[a] = in.AreaMin[a] + d*int64(30+rng.IntN(40))/100
		}
	}
	if rng.IntN(2) == 0 {
		var all int64
		for _, d := range demand {
			all += d
		}
		in.GroupCap = all * int64(10+rng.IntN(25)) / 100
	}
	return in
}

// bruteForce is the optimum over all subsets (−1 when infeasible).
func bruteForce(in Instance) (int64, []bool) {
	md := newModel(&in)
	lo, hi := md.rowBounds()
	fix := md.pins()
	best := int64(-1)
	var bestSel []bool
	sel := make([]bool, md.n)
	for mask := 0; mask < 1<<md.n; mask++ {
		for j := range sel {
			sel[j] = mask&(1<<j) != 0
		}
		if md.feasible(sel, lo, hi, fix) {
			if v := md.valueOf(sel); v > best {
				best = v
				bestSel = append([]bool(nil), sel...)
			}
		}
	}
	return best, bestSel
}

// TestBruteForce compares Solve with the enumeration of every subset on
// random instances of up to 16 proposals: same optimum (or both
// infeasible), and a selection that satisfies every constraint exactly.
var bruteCount = 400

func TestBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	infeasible := 0
	for k := 0; k < bruteCount; k++ {
		n := 1 + rng.IntN(16)
		in := randomSmall(rng, n, k%2 == 0)
		want, _ := bruteForce(in)
		sol, err := Solve(context.Background(), in, Options{})
		if err != nil {
			t.Fatalf("instance %d: %v", k, err)
		}
		if want < 0 {
			infeasible++
			if sol.Status != Infeasible {
				t.Fatalf("instance %d (n=%d): status %v value %d, brute force finds nothing feasible", k, n, sol.Status, sol.Value)
			}
			continue
		}
		if sol.Status != Optimal || sol.Value != want || sol.Bound != want {
			t.Fatalf("instance %d (n=%d): status %v value %d bound %d, brute force %d", k, n, sol.Status, sol.Value, sol.Bound, want)
		}
		md := newModel(&in)
		lo, hi := md.rowBounds()
		if !md.feasible(sol.Selected, lo, hi, md.pins()) || md.valueOf(sol.Selected) != want {
			t.Fatalf("instance %d: the selection is not feasible or not worth %d", k, want)
		}
	}
	if infeasible == 0 || infeasible > bruteCount/2 {
		t.Errorf("%d random instances infeasible: the generator does not cover both cases", infeasible)
	}
	t.Logf("%d of %d infeasible", infeasible, bruteCount)
}
