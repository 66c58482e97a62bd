package eligibility

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"khuyencong/internal/kc"
)

// Member is an establishment a group suggestion may include.
type Member struct {
	ID        int64
	Name      string
	CommuneID int64
	Facts     Facts
}

// Group is a suggested group of establishments (as a cooperative group,
// tổ hợp tác) whose combined facts meet the rule, with the reasoning.
type Group struct {
	Members  []Member
	Combined Facts
	Result   Result
	Reasons  []Step
}

// Search bounds of SuggestGroups: only the best candidates are combined,
// and only so many combinations are tried, so a seed with hundreds of
// neighbours still answers at once.
const (
	// SuggestCandidates is how many candidates (best contribution first)
	// SuggestGroups combines.
	SuggestCandidates = 30
	// SuggestEffort is how many combinations SuggestGroups tries at most.
	SuggestEffort = 100_000
)

// aggregate says how CombineFacts derives a field of the group.
type aggregate uint8

const (
	aggSeed  aggregate = iota // the seed's value (place, trade, titles)
	aggFixed                  // set by the group form (Kind, SizeClass, Registered)
	aggSum                    // workers, revenue, capital
	aggMin                    // FoundedYear, FactYear
	aggMax                    // YearsActive
	aggAll                    // bools true only if true for every member
	aggAvg                    // AvgIncome, weighted by workers
)

var aggregates = [numFields]aggregate{
	fKind: aggFixed, fSizeClass: aggFixed, fRegistered: aggFixed,
	fWomenOwned: aggAll, fEthnicMinorityOwned: aggAll,
	fFoundedYear: aggMin, fFactYear: aggMin, fYearsActive: aggMax,
	fWorkers: aggSum, fWomenWorkers: aggSum, fEthnicMinorityWorkers: aggSum,
	fRevenue: aggSum, fCapital: aggSum, fAvgIncome: aggAvg,
}

// aggregatedMask is the bit set of the fields derived from every member.
var aggregatedMask = func() uint64 {
	var m uint64
	for id, a := range aggregates {
		if a != aggSeed && a != aggFixed {
			m |= 1 << id
		}
	}
	return m
}()

// CombineFacts returns the facts of a cooperative group formed by seed
// and others. A tổ hợp tác is formed by a cooperation contract certified
// by the commune People's Committee, so the group is of kind coop_group
// and counts as registered. Workers, women and ethnic-minority workers,
// revenue and capital are summed; FoundedYear and FactYear are the
// earliest (non-zero) and YearsActive the longest; AvgIncome is the
// average weighted by workers. A group is women-owned or ethnic-minority
// owned only if every member is. Place, trades, artisan title,
// certificates, OCOP stars, local materials and export are the seed's.
// A derived fact is missing when it is missing for any member it comes
// from (every member for the aggregates, the seed for the rest).
func CombineFacts(seed Facts, others ...Facts) Facts {
	g := seed
	g.Kind, g.SizeClass, g.Registered = kc.KindCoopGroup, "", true
	var workers, weighted int64
	addIncome := func(f *Facts) {
		workers += int64(f.Workers)
		weighted += f.AvgIncome * int64(f.Workers)
	}
	addIncome(&seed)
	incomeSum := seed.AvgIncome
	missing := missingMask(seed.Missing)
	for i := range others {
		o := &others[i]
		g.Workers += o.Workers
		g.WomenWorkers += o.WomenWorkers
		g.EthnicMinorityWorkers += o.EthnicMinorityWorkers
		g.Revenue += o.Revenue
		g.Capital += o.Capital
		g.WomenOwned = g.WomenOwned && o.WomenOwned
		g.EthnicMinorityOwned = g.EthnicMinorityOwned && o.EthnicMinorityOwned
		g.YearsActive = max(g.YearsActive, o.YearsActive)
		g.FoundedYear = minNonZero(g.FoundedYear, o.FoundedYear)
		g.FactYear = minNonZero(g.FactYear, o.FactYear)
		addIncome(o)
		incomeSum += o.AvgIncome
		missing |= missingMask(o.Missing) & aggregatedMask
	}
	if workers > 0 {
		g.AvgIncome = weighted / workers
	} else {
		g.AvgIncome = incomeSum / int64(1+len(others))
	}
	missing &^= 1<<fKind | 1<<fSizeClass | 1<<fRegistered
	g.Missing = maskNames(missing)
	return g
}

func minNonZero(a, b int) int {
	if a == 0 || (b != 0 && b < a) {
		return b
	}
	return a
}

// SuggestGroups proposes groups containing seed and some of candidates
// (the caller passes establishments of the same trade in the same or a
// neighbouring commune) whose combined figures pass the rule's numeric
// criteria as a cooperative group: smallest groups first, at most maxSize
// members and limit groups (limit ≤ 0: no limit).
//
// Only groups whose combined Result is Eligible are kept. Groups are
// ordered by size, then total workers ascending, then member ids. Groups
// are alternatives, so a member may appear in several, but a superset of
// a suggested group is never suggested. The search combines only the
// SuggestCandidates candidates that cover most of the seed's shortfall
// on the summed thresholds (Workers ≥ 10 and the like), skips sizes
// whose best candidates cannot reach a threshold that must hold on its
// own, and tries at most SuggestEffort combinations; so it may miss a
// group, never suggests a wrong one.
func SuggestGroups(c *Compiled, seed Member, candidates []Member, maxSize, limit int) []Group {
	if c == nil || maxSize < 2 {
		return nil
	}
	pool := c.rankCandidates(seed, candidates)
	bounds := c.sumBounds(seed, pool)
	var out []Group
	var accepted []uint64
	effort := 0
	buf := make([]Facts, 0, maxSize)
	for k := 1; k < maxSize && k <= len(pool) && effort < SuggestEffort; k++ {
		if !bounds.reachable(k) {
			continue
		}
		keep := 0 // how many groups of this size to keep; 0: all
		if limit > 0 {
			keep = limit - len(out)
		}
		var found []combo
		idx := make([]int, k)
		for i := range idx {
			idx[i] = i
		}
		for effort < SuggestEffort {
			effort++
			var mask uint64
			for _, i := range idx {
				mask |= 1 << i
			}
			if !supersetOfAny(mask, accepted) {
				buf = buf[:0]
				for _, i := range idx {
					buf = append(buf, pool[i].Facts)
				}
				combined := CombineFacts(seed.Facts, buf...)
				if m, ok := c.Matches(&combined); m && ok {
					found = appendBounded(found, newCombo(pool, idx, mask, combined.Workers), keep)
				}
			}
			if !nextCombination(idx, len(pool)) {
				break
			}
		}
		slices.SortFunc(found, compareCombos)
		if keep > 0 && len(found) > keep {
			found = found[:keep]
		}
		for _, f := range found {
			out = append(out, c.newGroup(seed, pool, f.idx))
			accepted = append(accepted, f.mask)
		}
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	return out
}

// combo is a matching combination of pooled candidates, kept light until
// it is known to be among the suggestions.
type combo struct {
	idx     []int   // pool indexes
	ids     []int64 // candidate ids, ascending
	mask    uint64
	workers int
}

func newCombo(pool []Member, idx []int, mask uint64, workers int) combo {
	cb := combo{idx: slices.Clone(idx), mask: mask, workers: workers, ids: make([]int64, len(idx))}
	for j, i := range idx {
		cb.ids[j] = pool[i].ID
	}
	slices.Sort(cb.ids)
	return cb
}

// compareCombos orders combinations of one size by total workers, then
// by member ids.
func compareCombos(a, b combo) int {
	if n := cmp.Compare(a.workers, b.workers); n != 0 {
		return n
	}
	return slices.Compare(a.ids, b.ids)
}

// appendBounded appends cb, and when keep > 0 trims the list to the keep
// best now and then so memory stays bounded.
func appendBounded(list []combo, cb combo, keep int) []combo {
	list = append(list, cb)
	if keep > 0 && len(list) >= 2*keep+64 {
		slices.SortFunc(list, compareCombos)
		list = list[:keep]
	}
	return list
}

// sumBounds holds, for each summed threshold that must hold on its own
// (an eligibility group with that single criterion), what the seed still
// needs and the best totals k pooled candidates can add; a size k that
// cannot reach every such threshold is skipped without trying it.
type sumBounds []struct {
	short int64   // what the seed lacks
	best  []int64 // best[k]: the sum of the k largest candidate values
}

func (c *Compiled) sumBounds(seed Member, pool []Member) sumBounds {
	var out sumBounds
	for _, g := range c.groups {
		if len(g) != 1 {
			continue
		}
		cr := &c.crits[g[0]]
		if cr.formula || aggregates[cr.field] != aggSum || (cr.op != opGE && cr.op != opGT) {
			continue
		}
		short := cr.num - seed.Facts.num(cr.field)
		if cr.op == opGT {
			short++
		}
		vals := make([]int64, len(pool))
		for i := range pool {
			vals[i] = pool[i].Facts.num(cr.field)
		}
		slices.SortFunc(vals, func(a, b int64) int { return cmp.Compare(b, a) })
		best := make([]int64, len(vals)+1)
		for i, v := range vals {
			best[i+1] = best[i] + v
		}
		out = append(out, struct {
			short int64
			best  []int64
		}{short, best})
	}
	return out
}

// reachable reports whether k candidates can cover every bound.
func (b sumBounds) reachable(k int) bool {
	for _, x := range b {
		if x.best[k] < x.short {
			return false
		}
	}
	return true
}

// rankCandidates drops the seed and duplicate ids (0 means no id) and returns at most
// SuggestCandidates candidates, those covering most of the seed's
// shortfall first (ties by id).
func (c *Compiled) rankCandidates(seed Member, candidates []Member) []Member {
	type need struct {
		field fieldID
		short int64
	}
	var needs []need
	for _, g := range c.groups {
		for _, i := range g {
			cr := &c.crits[i]
			if cr.formula || aggregates[cr.field] != aggSum || (cr.op != opGE && cr.op != opGT) {
				continue
			}
			short := cr.num - seed.Facts.num(cr.field)
			if cr.op == opGT {
				short++
			}
			if short > 0 {
				needs = append(needs, need{cr.field, short})
			}
		}
	}
	type ranked struct {
		m     Member
		score float64 // share of the shortfall covered (ordering only)
	}
	seen := map[int64]bool{}
	if seed.ID != 0 {
		seen[seed.ID] = true
	}
	var rs []ranked
	for _, m := range candidates {
		if m.ID != 0 && seen[m.ID] {
			continue
		}
		seen[m.ID] = true
		var score float64
		for _, n := range needs {
			score += float64(min(max(m.Facts.num(n.field), 0), n.short)) / float64(n.short)
		}
		rs = append(rs, ranked{m, score})
	}
	slices.SortStableFunc(rs, func(a, b ranked) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		return cmp.Compare(a.m.ID, b.m.ID)
	})
	rs = rs[:min(len(rs), SuggestCandidates)]
	out := make([]Member, len(rs))
	for i, r := range rs {
		out[i] = r.m
	}
	return out
}

// nextCombination advances idx to the next k-combination of 0..n-1 in
// lexicographic order; it reports false after the last one.
func nextCombination(idx []int, n int) bool {
	k := len(idx)
	i := k - 1
	for i >= 0 && idx[i] == n-k+i {
		i--
	}
	if i < 0 {
		return false
	}
	idx[i]++
	for j := i + 1; j < k; j++ {
		idx[j] = idx[j-1] + 1
	}
	return true
}

func supersetOfAny(mask uint64, sets []uint64) bool {
	for _, s := range sets {
		if mask&s == s {
			return true
		}
	}
	return false
}

// newGroup builds a suggestion: members (the seed first, then by id),
// the full evaluation of the combined facts and the reasons.
func (c *Compiled) newGroup(seed Member, pool []Member, idx []int) Group {
	members := make([]Member, 0, len(idx)+1)
	members = append(members, seed)
	others := make([]Facts, 0, len(idx))
	for _, i := range idx {
		members = append(members, pool[i])
		others = append(others, pool[i].Facts)
	}
	slices.SortStableFunc(members[1:], func(a, b Member) int { return cmp.Compare(a.ID, b.ID) })
	combined := CombineFacts(seed.Facts, others...)
	g := Group{Members: members, Combined: combined, Result: c.Evaluate(combined, 0)}
	g.Reasons = c.reasons(g)
	return g
}

// Marks of a criterion's state in group reasons.
var stateMarks = map[string]string{Pass: "✓", Fail: "✗", Unknown: "?"}

// reasons explains a group, one step per eligibility criterion after the
// step saying how the group is formed:
//
//	elig.group.formed [members]
//	elig.group.sum    [label, "4 + 2 + 5", "11", "≥ 10", "✓"]  summed fields
//	elig.group.min    [label, "2015, 2018", "2015", "≤ 2016", "✓"] earliest year
//	elig.group.max    [label, "3, 8", "8", "≥ 5", "✓"]          longest activity
//	elig.group.avg    [label, "4.000.000 ₫, …", "…", "≥ …", "✓"] income weighted by workers
//	elig.group.seed   [label, "3", "≥ 3", "✓"]                   taken from the seed
//	elig.group.check  [label, actual, required, "✓"]             other criteria
//
// Arguments are display strings; a member value that is not known shows
// as "?". The mark is ✓ (holds), ✗ (fails; another criterion of its OR
// group holds) or ? (undetermined).
func (c *Compiled) reasons(g Group) []Step {
	steps := []Step{{Key: "elig.group.formed", Args: []any{strconv.Itoa(len(g.Members))}}}
	for i := range c.crits {
		cr := &c.crits[i]
		if cr.prio {
			continue
		}
		o := g.Result.Outcomes[i]
		label, mark := o.Criterion.Label, stateMarks[o.State]
		total := o.Actual
		if total == "" {
			total = "?"
		}
		if cr.formula || (cr.typ != TypeInt && cr.typ != TypeMoney) {
			steps = append(steps, Step{Key: "elig.group.check", Args: []any{label, total, o.Required, mark}})
			continue
		}
		agg := aggregates[cr.field]
		if agg == aggSeed {
			steps = append(steps, Step{Key: "elig.group.seed", Args: []any{label, total, o.Required, mark}})
			continue
		}
		values := make([]string, len(g.Members))
		for j := range g.Members {
			f := &g.Members[j].Facts
			if missingMask(f.Missing)&(1<<cr.field) != 0 {
				values[j] = "?"
			} else {
				values[j] = formatNum(cr.field, f.num(cr.field))
			}
		}
		key, sep := "elig.group.sum", " + "
		switch agg {
		case aggMin:
			key, sep = "elig.group.min", ", "
		case aggMax:
			key, sep = "elig.group.max", ", "
		case aggAvg:
			key, sep = "elig.group.avg", ", "
		}
		steps = append(steps, Step{Key: key, Args: []any{label, strings.Join(values, sep), total, o.Required, mark}})
	}
	return steps
}
