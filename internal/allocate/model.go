package allocate

import (
	"math"
	"slices"
)

// rowKind says what a model row is.
type rowKind int

const (
	rowBudget rowKind = iota
	rowArea
	rowGroup
)

// mrow is one exact row of the model: lo ≤ Σ coef·x ≤ hi over its
// proposals. hi is math.MaxInt64 when the row has no upper limit.
type mrow struct {
	kind         rowKind
	key          string
	lo, hi       int64
	hasLo, hasHi bool // AreaMin / AreaMax present (areas); budgets and groups have hi only
	cols         []int
	coef         []int64
}

// model is the exact form of an Instance.
type model struct {
	in      *Instance
	n       int
	value   []int64
	total   []int64 // cost over the budgeted sources
	rows    []mrow
	colRows [][]rowRef // per proposal: the rows it is in and its coefficient
	sumVal  int64
}

type rowRef struct {
	r int
	c int64
}

// newModel builds the rows of a valid instance: budgets by source, areas
// with a minimum or a maximum by area, groups by key when GroupCap > 0.
func newModel(in *Instance) *model {
	n := len(in.Proposals)
	md := &model{in: in, n: n, value: make([]int64, n), total: make([]int64, n), colRows: make([][]rowRef, n)}
	sources := sortedKeys(in.Budget)
	for i, p := range in.Proposals {
		md.value[i] = p.Value
		md.sumVal += p.Value
		for _, s := range sources {
			md.total[i] += p.Cost[s]
		}
	}
	add := func(r mrow) {
		idx := len(md.rows)
		for k, j := range r.cols {
			md.colRows[j] = append(md.colRows[j], rowRef{idx, r.coef[k]})
		}
		md.rows = append(md.rows, r)
	}
	for _, s := range sources {
		r := mrow{kind: rowBudget, key: s, hi: in.Budget[s], hasHi: true}
		for i, p := range in.Proposals {
			if c := p.Cost[s]; c > 0 {
				r.cols = append(r.cols, i)
				r.coef = append(r.coef, c)
			}
		}
		add(r)
	}
	areas := map[string]bool{}
	for a := range in.AreaMin {
		areas[a] = true
	}
	for a := range in.AreaMax {
		areas[a] = true
	}
	for _, a := range sortedKeys(areas) {
		r := mrow{kind: rowArea, key: a, hi: math.MaxInt64}
		if v, ok := in.AreaMin[a]; ok {
			r.lo, r.hasLo = v, true
		}
		if v, ok := in.AreaMax[a]; ok {
			r.hi, r.hasHi = v, true
		}
		for i, p := range in.Proposals {
			if p.Area == a && md.total[i] > 0 {
				r.cols = append(r.cols, i)
				r.coef = append(r.coef, md.total[i])
			}
		}
		add(r)
	}
	if in.GroupCap > 0 {
		groups := map[string][]int{}
		for i, p := range in.Proposals {
			if p.Group != "" {
				groups[p.Group] = append(groups[p.Group], i)
			}
		}
		for _, g := range sortedKeys(groups) {
			r := mrow{kind: rowGroup, key: g, hi: in.GroupCap, hasHi: true}
			for _, i := range groups[g] {
				if md.total[i] > 0 {
					r.cols = append(r.cols, i)
					r.coef = append(r.coef, md.total[i])
				}
			}
			add(r)
		}
	}
	return md
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// usage returns Σ coef·x of every row for a selection.
func (md *model) usage(sel []bool) []int64 {
	u := make([]int64, len(md.rows))
	for j, on := range sel {
		if on {
			for _, rr := range md.colRows[j] {
				u[rr.r] += rr.c
			}
		}
	}
	return u
}

// feasible checks a selection exactly against rows with the given bounds
// (lo, hi per row) and per-proposal fixings (fix[j]: −1 free, 0 or 1).
func (md *model) feasible(sel []bool, lo, hi []int64, fix []int8) bool {
	for j, on := range sel {
		if fix[j] >= 0 && (fix[j] == 1) != on {
			return false
		}
	}
	u := md.usage(sel)
	for r := range md.rows {
		if u[r] < lo[r] || u[r] > hi[r] {
			return false
		}
	}
	return true
}

// valueOf is the total value of a selection.
func (md *model) valueOf(sel []bool) int64 {
	var v int64
	for j, on := range sel {
		if on {
			v += md.value[j]
		}
	}
	return v
}

// rowBounds returns the instance's row bounds.
func (md *model) rowBounds() (lo, hi []int64) {
	lo = make([]int64, len(md.rows))
	hi = make([]int64, len(md.rows))
	for r, row := range md.rows {
		lo[r], hi[r] = row.lo, row.hi
	}
	return lo, hi
}

// pins returns the fixings the instance's pins make.
func (md *model) pins() []int8 {
	fix := make([]int8, md.n)
	for j, p := range md.in.Proposals {
		switch p.Pin {
		case In:
			fix[j] = 1
		case Out:
			fix[j] = 0
		default:
			fix[j] = -1
		}
	}
	return fix
}

// constraints lists every constraint of the instance with its usage in
// sel, in the documented order; duals (per model row, value per đồng,
// max sense: positive when raising the row's upper limit helps, negative
// when lowering its lower limit helps) and pinDual (per proposal, the
// reduced cost of the variable, value per unit) fill Dual when non-nil.
func (md *model) constraints(sel []bool, duals, pinDual []float64) []Constraint {
	u := md.usage(sel)
	var out []Constraint
	for r, row := range md.rows {
		dual := 0.0
		if duals != nil {
			dual = duals[r]
		}
		switch row.kind {
		case rowBudget:
			out = append(out, Constraint{Kind: Budget, Key: row.key, Limit: row.hi, Used: u[r], Slack: row.hi - u[r], Dual: max(dual, 0)})
		case rowArea:
			if row.hasLo {
				out = append(out, Constraint{Kind: AreaMin, Key: row.key, Limit: row.lo, Used: u[r], Slack: u[r] - row.lo, Dual: max(-dual, 0)})
			}
			if row.hasHi {
				out = append(out, Constraint{Kind: AreaMax, Key: row.key, Limit: row.hi, Used: u[r], Slack: row.hi - u[r], Dual: max(dual, 0)})
			}
		case rowGroup:
			out = append(out, Constraint{Kind: GroupCap, Key: row.key, Limit: row.hi, Used: u[r], Slack: row.hi - u[r], Dual: max(dual, 0)})
		}
	}
	for j, p := range md.in.Proposals {
		used := int64(0)
		if sel[j] {
			used = 1
		}
		dual := 0.0
		if pinDual != nil {
			dual = pinDual[j]
		}
		switch p.Pin {
		case In:
			out = append(out, Constraint{Kind: PinIn, Key: p.ID, Limit: 1, Used: used, Slack: used - 1, Dual: max(-dual, 0)})
		case Out:
			out = append(out, Constraint{Kind: PinOut, Key: p.ID, Limit: 0, Used: used, Slack: -used, Dual: max(dual, 0)})
		}
	}
	return out
}
