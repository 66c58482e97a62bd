package allocate

import (
	"math"
	"slices"
)

// Validate checks an instance: no negative value, cost, budget, area
// limit or group cap, no area minimum above its maximum, no bound on the
// area "", pins among Free/In/Out, distinct proposal IDs, and sums of
// values and of costs per source that fit in int64. The first problem
// found (proposals in order, then budgets, areas and the group cap by
// key) is returned as a *ValidationError.
func Validate(in Instance) error {
	seen := make(map[string]int, len(in.Proposals))
	var sumVal int64
	sums := map[string]int64{}
	for i, p := range in.Proposals {
		bad := func(k ErrorKind, key string, v int64) error {
			return &ValidationError{Kind: k, Index: i, ID: p.ID, Key: key, Value: v}
		}
		if p.Value < 0 {
			return bad(NegativeValue, "", p.Value)
		}
		if p.Pin != Free && p.Pin != In && p.Pin != Out {
			return bad(BadPin, "", int64(p.Pin))
		}
		if _, dup := seen[p.ID]; dup {
			return bad(DuplicateID, p.ID, 0)
		}
		seen[p.ID] = i
		if sumVal > math.MaxInt64-p.Value {
			return bad(TooLarge, "", p.Value)
		}
		sumVal += p.Value
		var total int64
		for _, s := range sortedKeys(p.Cost) {
			c := p.Cost[s]
			if c < 0 {
				return bad(NegativeCost, s, c)
			}
			if sums[s] > math.MaxInt64/4-c || total > math.MaxInt64/4-c {
				return bad(TooLarge, s, c)
			}
			sums[s] += c
			total += c
		}
	}
	limit := func(k ConstraintKind, key string, v int64) error {
		return &ValidationError{Kind: NegativeLimit, Index: -1, Constraint: k, Key: key, Value: v}
	}
	for _, s := range sortedKeys(in.Budget) {
		if v := in.Budget[s]; v < 0 {
			return limit(Budget, s, v)
		}
	}
	var all int64
	for _, v := range sums {
		all += v // each ≤ MaxInt64/4: checked per source; a few sources only
		if all > math.MaxInt64/4 || all < 0 {
			return &ValidationError{Kind: TooLarge, Index: -1, Constraint: Budget}
		}
	}
	areas := sortedKeys(in.AreaMin)
	for _, a := range sortedKeys(in.AreaMax) {
		if _, ok := in.AreaMin[a]; !ok {
			areas = append(areas, a)
		}
	}
	slices.Sort(areas)
	for _, a := range areas {
		mn, hasMin := in.AreaMin[a]
		mx, hasMax := in.AreaMax[a]
		if a == "" {
			k := AreaMin
			if !hasMin {
				k = AreaMax
			}
			return &ValidationError{Kind: UnknownArea, Index: -1, Constraint: k, Key: a}
		}
		if hasMin && mn < 0 {
			return limit(AreaMin, a, mn)
		}
		if hasMax && mx < 0 {
			return limit(AreaMax, a, mx)
		}
		if hasMin && hasMax && mn > mx {
			return &ValidationError{Kind: MinAboveMax, Index: -1, Constraint: AreaMin, Key: a, Value: mn}
		}
	}
	if in.GroupCap < 0 {
		return limit(GroupCap, "", in.GroupCap)
	}
	return nil
}
