package allocate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// lpCheck verifies the solver's state: Ax = y, the basic/nonbasic
// bookkeeping, the reduced costs maintained against recomputed ones and,
// when optimal, the bounds and the signs of the reduced costs.
func lpCheck(s *lp, optimal bool) error {
	for i := 0; i < s.m; i++ {
		v := -s.x[s.n+i]
		for t := s.rowStart[i]; t < s.rowStart[i+1]; t++ {
			v += s.rowVal[t] * s.x[s.rowCol[t]]
		}
		if math.Abs(v) > 1e-7 {
			return fmt.Errorf("row %d: Ax − y = %g", i, v)
		}
	}
	d := make([]float64, s.n+s.m)
	for j := 0; j < s.n; j++ {
		d[j] = s.cost[j]
		for t := s.colStart[j]; t < s.colStart[j+1]; t++ {
			d[j] -= s.pi[s.colRow[t]] * s.colVal[t]
		}
	}
	for i := 0; i < s.m; i++ {
		d[s.n+i] = s.pi[i]
	}
	for j := range d {
		if s.pos[j] >= 0 {
			if math.Abs(d[j]) > 1e-7 {
				return fmt.Errorf("basic %d has reduced cost %g", j, d[j])
			}
			if optimal && (s.x[j] < s.lb[j]-1e-7 || s.x[j] > s.ub[j]+1e-7) {
				return fmt.Errorf("basic %d = %g outside [%g, %g]", j, s.x[j], s.lb[j], s.ub[j])
			}
			continue
		}
		if math.Abs(d[j]-s.d[j]) > 1e-7 {
			return fmt.Errorf("nonbasic %d: reduced cost %g, kept %g", j, d[j], s.d[j])
		}
		want := s.lb[j]
		if s.atUpper[j] {
			want = s.ub[j]
		}
		if s.x[j] != want {
			return fmt.Errorf("nonbasic %d = %g, not at its bound %g", j, s.x[j], want)
		}
		if s.lb[j] < s.ub[j] && (s.atUpper[j] && d[j] > 1e-7 || !s.atUpper[j] && d[j] < -1e-7) {
			return fmt.Errorf("nonbasic %d at upper %v with reduced cost %g", j, s.atUpper[j], d[j])
		}
	}
	return nil
}

// TestSimplex solves random feasible LPs of the solver's form (A x − y =
// 0 with boxed x and y): the end basis must be primal and dual feasible
// (lpCheck), the Lagrangian bound must equal the objective (strong
// duality), and after changing bounds the warm-started solve must reach
// an optimum again.
func TestSimplex(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for k := 0; k < 300; k++ {
		n, m := 2+rng.IntN(60), 1+rng.IntN(15)
		x0 := make([]float64, n)
		for j := range x0 {
			x0[j] = rng.Float64()
		}
		rows := make([][]entry, m)
		lb := make([]float64, n+m)
		ub := make([]float64, n+m)
		for j := 0; j < n; j++ {
			ub[j] = 1
		}
		for i := range rows {
			act := 0.0
			for j := 0; j < n; j++ {
				if rng.IntN(3) == 0 {
					v := rng.Float64()*2 - 0.5
					rows[i] = append(rows[i], entry{j, v})
					act += v * x0[j]
				}
			}
			lb[n+i] = act - rng.Float64()
			ub[n+i] = act + rng.Float64()*0.1
		}
		cost := make([]float64, n)
		for j := range cost {
			cost[j] = -rng.Float64() * 100
		}
		s := newLP(n, rows, cost, lb, ub)
		for round := 0; round < 3; round++ {
			s.computePrimal()
			st, _ := s.solve(math.Inf(1), 10000)
			if st != lpOptimal {
				t.Fatalf("LP %d round %d: status %v", k, round, st)
			}
			if err := lpCheck(s, true); err != nil {
				t.Fatalf("LP %d round %d: %v", k, round, err)
			}
			if obj, lag := s.objective(), s.lagrangian(nil); math.Abs(obj-lag) > 1e-6*(1+math.Abs(obj)) {
				t.Fatalf("LP %d round %d: objective %g, Lagrangian bound %g", k, round, obj, lag)
			}
			// Fix a column at its x0 side, as branching does.
			j := rng.IntN(n)
			v := 0.0
			if x0[j] > 0.5 {
				v = 1
			}
			s.setBounds(j, v, v)
			// Keep the problem feasible: move x0 there and widen the rows.
			x0[j] = v
			for i := range rows {
				act := 0.0
				for _, e := range rows[i] {
					act += e.v * x0[e.j]
				}
				s.lb[n+i] = math.Min(s.lb[n+i], act)
				s.ub[n+i] = math.Max(s.ub[n+i], act)
			}
		}
	}
}
