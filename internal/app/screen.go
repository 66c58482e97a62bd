package app

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"khuyencong/internal/auth"
	"khuyencong/internal/eligibility"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Screening defaults and limits.
const (
	// DefaultMarginPct is the near-eligible margin when none is given: a
	// numeric criterion failed by at most 20 % of its requirement.
	DefaultMarginPct = 20
	maxMarginPct     = 100
	// maxNear caps the near-eligible list of a screening (the closest
	// first); NearTruncated says when more were found.
	maxNear     = 5000
	screenBatch = 1000
)

// ScreenOptions selects a bulk screening: the unit (a commune, a former
// commune or district meaning its successor area, or a province; empty:
// the caller's whole scope), the day whose rules apply (today when
// zero) and the near-eligible margin in percent (0: DefaultMarginPct).
type ScreenOptions struct {
	UnitCode  string
	On        kc.Date
	MarginPct int
	// CollectLikely fills ScreenReport.Likely.
	CollectLikely bool
}

// ScreenCounts counts establishments by status for one scheme.
type ScreenCounts struct {
	Eligible     int
	NotEligible  int
	Undetermined int
}

// Total is the number of establishments counted.
func (c ScreenCounts) Total() int { return c.Eligible + c.NotEligible + c.Undetermined }

func (c *ScreenCounts) add(o ScreenCounts) {
	c.Eligible += o.Eligible
	c.NotEligible += o.NotEligible
	c.Undetermined += o.Undetermined
}

// CriterionCount is how many establishments failed one eligibility
// criterion of a scheme (counted where the criterion's whole group
// failed, so the criterion really blocked them).
type CriterionCount struct {
	Criterion eligibility.Criterion
	Count     int
}

// ScreenScheme is the screening result of one scheme version: the counts
// over the establishments it applies to and its eligibility criteria by
// the number of establishments they failed, most common first.
type ScreenScheme struct {
	Rule eligibility.Rule
	ScreenCounts
	Failing []CriterionCount
}

// ScreenCommune is the screening result of one commune: the counts per
// scheme, aligned with ScreenReport.Schemes.
type ScreenCommune struct {
	ID             int64
	Code           string
	Name           string
	Establishments int
	Counts         []ScreenCounts
}

// NearEligible is an establishment that fails exactly one numeric
// criterion of a scheme by at most the margin: the outcome carries the
// actual value, the requirement and the gap.
type NearEligible struct {
	EstablishmentID int64
	Name            string
	CommuneID       int64
	CommuneName     string
	Village         string
	SchemeID        int64
	SchemeCode      string
	SchemeName      string
	Outcome         eligibility.Outcome
}

// ScreenReport is a bulk screening: every establishment in scope against
// every establishment-facing scheme in force on the day.
type ScreenReport struct {
	On             kc.Date
	UnitCode       string
	MarginPct      int
	Establishments int
	Schemes        []ScreenScheme
	Communes       []ScreenCommune // in Vietnamese name order
	Near           []NearEligible  // by scheme, then smallest gap
	NearTruncated  bool
	Skipped        []SkippedScheme
	Took           time.Duration

	// NoneEligible counts the establishments eligible for no national or
	// provincial scheme screened (not eligible or undetermined for each):
	// the period report's "criteria failed" finding.
	NoneEligible int

	// Likely lists, in id order and only when ScreenOptions.CollectLikely
	// asked for it, the establishments likely eligible: eligible for at
	// least one scheme screened, or near-eligible for one.
	Likely []int64
}

// workerCount is the number of evaluation goroutines, and of reading
// goroutines.
func workerCount() int { return max(1, runtime.NumCPU()) }

// screenChunk is the smallest id range one reader streams in one query;
// a registry is split into at most 8 ranges per reader.
var screenChunk int64 = 20_000

// parallelRows streams the eligibility rows f selects on day on and hands
// each batch (a copy, owned by the callee) to one of workerCount()
// goroutines; work's w is the worker's index, so each worker can keep
// its own accumulators without locks. The rows are read by up to
// workerCount() goroutines side by side, each streaming one id range at
// a time (reading is most of the cost of a screening, and on SQLite it
// runs in the process), so batches arrive in no particular order. At
// most two batches per worker wait in memory. The first error stops
// everything.
func (a *App) parallelRows(ctx context.Context, f store.EligibilityFilter, on kc.Date, work func(w int, rows []store.EligibilityRow) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := workerCount()
	ranges := [][2]int64{{f.FromID, f.ToID}}
	if f.Limit == 0 {
		lo, hi, err := a.Store.EligibilityIDSpan(ctx, f)
		if err != nil {
			return err
		}
		if f.FromID > lo {
			lo = f.FromID
		}
		if f.ToID != 0 && f.ToID < hi {
			hi = f.ToID
		}
		if hi == 0 || lo > hi {
			return nil
		}
		ranges = idRanges(lo, hi, n)
	}
	ch := make(chan []store.EligibilityRow, n)
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	fail := func(err error) {
		once.Do(func() { firstErr = err })
		cancel()
	}
	for w := range n {
		wg.Go(func() {
			for rows := range ch {
				if ctx.Err() != nil {
					continue
				}
				if err := work(w, rows); err != nil {
					fail(err)
				}
			}
		})
	}
	next := make(chan [2]int64, len(ranges))
	for _, r := range ranges {
		next <- r
	}
	close(next)
	var readers sync.WaitGroup
	for range min(n, len(ranges)) {
		readers.Go(func() {
			for r := range next {
				rf := f
				rf.FromID, rf.ToID = r[0], r[1]
				err := a.Store.StreamEligibilityRows(ctx, rf, on, screenBatch, func(rows []store.EligibilityRow) error {
					batch := slices.Clone(rows)
					select {
					case ch <- batch:
						return nil
					case <-ctx.Done():
						return ctx.Err()
					}
				})
				if err != nil {
					fail(err)
					return
				}
			}
		})
	}
	readers.Wait()
	close(ch)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// idRanges splits the ids lo..hi into consecutive inclusive ranges for
// readers goroutines: 8 per reader, none under screenChunk ids.
func idRanges(lo, hi int64, readers int) [][2]int64 {
	span := hi - lo + 1
	parts := max(1, min(int64(8*readers), span/screenChunk))
	size := (span + parts - 1) / parts
	var out [][2]int64
	for from := lo; from <= hi; from += size {
		out = append(out, [2]int64{from, min(hi, from+size-1)})
	}
	return out
}

// screenRule is a scheme version prepared for screening: the compiled
// rule, and for each eligibility criterion its compiled form alone
// (shared by the schemes with the same criterion, see Screen), its group
// and what makes it the near-eligible one, so the failing criteria can be
// counted and the near-eligible found without building explanations.
type screenRule struct {
	loadedRule
	single []int // per eligibility criterion: its index in the shared singles
	crit   []eligibility.Criterion
	groups []int // per eligibility criterion: its group
	gids   []int // the distinct groups
	near   []nearCheck
}

// nearCheck is how a failed criterion can be the one that makes an
// establishment near-eligible (eligibility.NearEligible): a simple ≥ or >
// threshold req > 0 on a numeric field, missed by at most the margin.
// field is empty for any other criterion.
type nearCheck struct {
	field  string
	req    int64
	strict bool // > rather than ≥
}

// nearCheckOf prepares the near-eligible test of criterion c, as
// eligibility.NearEligible reads it.
func nearCheckOf(c eligibility.Criterion) nearCheck {
	if strings.TrimSpace(c.Formula) != "" || (c.Op != eligibility.OpGE && c.Op != eligibility.OpGT) {
		return nearCheck{}
	}
	field := strings.TrimSpace(c.Field)
	fd, ok := eligibility.FieldByName(field)
	if !ok || (fd.Type != eligibility.TypeInt && fd.Type != eligibility.TypeMoney) {
		return nearCheck{}
	}
	req, err := strconv.ParseInt(strings.TrimSpace(c.Value), 10, 64)
	if err != nil || req <= 0 {
		return nearCheck{}
	}
	return nearCheck{field: field, req: req, strict: c.Op == eligibility.OpGT}
}

// maybe reports whether the criterion, failed by f, may be missed by at
// most marginPct percent: false only when it certainly is not, so the
// full evaluation is spared for the many establishments far from every
// threshold.
func (n nearCheck) maybe(f *eligibility.Facts, marginPct int) bool {
	if n.field == "" {
		return false
	}
	v, ok := numericFact(f, n.field)
	if !ok {
		return true
	}
	gap := n.req - v
	if n.strict {
		gap++
	}
	const big = 1 << 56 // beyond, × 100 could overflow: let NearEligible decide
	switch {
	case gap <= 0:
		return false
	case gap > big || n.req > big:
		return true
	}
	return gap*100 <= n.req*int64(marginPct)
}

// numericFact returns the value of an int or money field of f.
func numericFact(f *eligibility.Facts, field string) (int64, bool) {
	switch field {
	case "FoundedYear":
		return int64(f.FoundedYear), true
	case "YearsActive":
		return int64(f.YearsActive), true
	case "FactYear":
		return int64(f.FactYear), true
	case "Workers":
		return int64(f.Workers), true
	case "WomenWorkers":
		return int64(f.WomenWorkers), true
	case "EthnicMinorityWorkers":
		return int64(f.EthnicMinorityWorkers), true
	case "Revenue":
		return f.Revenue, true
	case "Capital":
		return f.Capital, true
	case "AvgIncome":
		return f.AvgIncome, true
	case "OCOPStars":
		return int64(f.OCOPStars), true
	case "LocalMaterialsPct":
		return int64(f.LocalMaterialsPct), true
	}
	return 0, false
}

// screenAcc is one worker's accumulators.
type screenAcc struct {
	rows     int
	none     int // eligible for no national or provincial scheme
	totals   []ScreenCounts
	failing  [][]int // per scheme, per eligibility criterion
	communes map[int64]*ScreenCommune
	near     []NearEligible
	likely   []int64
}

// Screen evaluates every establishment in the caller's scope (narrowed to
// opts.UnitCode) against every establishment-facing scheme in force on
// the day that applies to its province, streaming the registry in batches
// (memory bounded whatever its size) over runtime.NumCPU() workers. It
// counts eligible, not eligible and undetermined per commune and scheme
// with Compiled.Matches, finds the criteria that fail most per scheme
// (each criterion compiled alone), and evaluates in full only the
// establishments that fail exactly one criterion group, to list those
// near-eligible: failing one numeric criterion by at most opts.MarginPct
// percent. Roles that may not read the registry get EForbidden.
func (a *App) Screen(ctx context.Context, opts ScreenOptions) (ScreenReport, error) {
	start := time.Now()
	p, err := principal(ctx)
	if err != nil {
		return ScreenReport{}, err
	}
	if !auth.Can(p.User.Role, auth.PermViewRegistry) {
		return ScreenReport{}, forbidden()
	}
	if opts.MarginPct == 0 {
		opts.MarginPct = DefaultMarginPct
	}
	if opts.MarginPct < 0 || opts.MarginPct > maxMarginPct {
		return ScreenReport{}, kc.FieldError("margin", "screen.margin_range", maxMarginPct)
	}
	on := a.checkDay(opts.On)
	filter := RegistryFilter{UnitCode: opts.UnitCode}
	ef, err := a.registryFilter(ctx, p, &filter)
	if err != nil {
		return ScreenReport{}, err
	}
	loaded, skipped, err := a.rulesInForce(ctx, on, "")
	if err != nil {
		return ScreenReport{}, err
	}
	priority, err := a.priorityCommunes(ctx, on)
	if err != nil {
		return ScreenReport{}, err
	}
	// Schemes share most of their criteria (every national scheme has the
	// same beneficiaries and places): each distinct criterion is compiled
	// alone once, and evaluated at most once per establishment.
	var singles []*eligibility.Compiled
	singleIndex := map[[4]string]int{}
	rules := make([]screenRule, 0, len(loaded))
	for _, lr := range loaded {
		sr := screenRule{loadedRule: lr}
		ok := true
		for _, c := range lr.rule.Criteria {
			if c.Kind == eligibility.KindPriority {
				continue
			}
			key := [4]string{c.Field, c.Op, c.Value, c.Formula}
			j, seen := singleIndex[key]
			if !seen {
				single := c
				single.Group = 1
				sc, err := compileRule(singleRule(lr.rule, single))
				if err != nil {
					skipped = append(skipped, SkippedScheme{SchemeID: lr.rule.SchemeID, Code: lr.rule.Code, Name: lr.rule.Name, Err: err})
					ok = false
					break
				}
				j = len(singles)
				singles = append(singles, sc)
				singleIndex[key] = j
			}
			sr.single = append(sr.single, j)
			sr.crit = append(sr.crit, c)
			sr.groups = append(sr.groups, c.Group)
			sr.near = append(sr.near, nearCheckOf(c))
		}
		sr.gids = distinct(sr.groups)
		if ok {
			rules = append(rules, sr)
		}
	}
	n := workerCount()
	accs := make([]*screenAcc, n)
	for w := range accs {
		acc := &screenAcc{totals: make([]ScreenCounts, len(rules)), failing: make([][]int, len(rules)), communes: map[int64]*ScreenCommune{}}
		for i, r := range rules {
			acc.failing[i] = make([]int, len(r.crit))
		}
		accs[w] = acc
	}
	const unset = 2
	err = a.parallelRows(ctx, store.EligibilityFilter{CommuneIDs: ef.CommuneIDs}, on, func(w int, rows []store.EligibilityRow) error {
		acc := accs[w]
		states := make([]int8, len(singles)) // per shared criterion: 1 pass, 0 fail, -1 unknown, unset
		for i := range rows {
			row := &rows[i]
			f := factsOf(row, on, priority)
			acc.rows++
			cm := acc.communes[row.CommuneID]
			if cm == nil {
				cm = &ScreenCommune{ID: row.CommuneID, Code: row.CommuneCode, Name: row.CommuneName, Counts: make([]ScreenCounts, len(rules))}
				acc.communes[row.CommuneID] = cm
			}
			cm.Establishments++
			for j := range states {
				states[j] = unset
			}
			eligibleWide := false // for a national or provincial scheme
			likely := false       // eligible or near-eligible for any scheme
			for k := range rules {
				r := &rules[k]
				if !applies(r.rule, row.ProvinceID) {
					continue
				}
				match, ok := r.c.Matches(&f)
				switch {
				case !ok:
					acc.totals[k].Undetermined++
					cm.Counts[k].Undetermined++
					continue
				case match:
					acc.totals[k].Eligible++
					cm.Counts[k].Eligible++
					eligibleWide = eligibleWide || r.rule.Level == "national" || r.rule.Level == "provincial"
					likely = true
					continue
				}
				acc.totals[k].NotEligible++
				cm.Counts[k].NotEligible++
				failedGroups, unknownGroups, failedGroup := 0, 0, 0
				for _, g := range r.gids {
					pass, unknown := false, false
					for j, cg := range r.groups {
						if cg != g {
							continue
						}
						s := &states[r.single[j]]
						if *s == unset {
							m, ok := singles[r.single[j]].Matches(&f)
							switch {
							case !ok:
								*s = -1
							case m:
								*s = 1
							default:
								*s = 0
							}
						}
						if *s == 1 {
							pass = true
							break
						}
						unknown = unknown || *s == -1
					}
					switch {
					case pass:
					case unknown:
						unknownGroups++
					default:
						failedGroups++
						failedGroup = g
						for j, cg := range r.groups {
							if cg == g {
								acc.failing[k][j]++
							}
						}
					}
				}
				// Near-eligible (eligibility.NearEligible): exactly one group
				// fails, the others pass, and a numeric threshold of the
				// failing group is missed by at most the margin.
				if failedGroups != 1 || unknownGroups != 0 {
					continue
				}
				near := false
				for j, cg := range r.groups {
					if cg == failedGroup && r.near[j].maybe(&f, opts.MarginPct) {
						near = true
						break
					}
				}
				if !near {
					continue
				}
				res := r.c.Evaluate(f, 0)
				if o, ok := eligibility.NearEligible(res, opts.MarginPct); ok {
					likely = true
					acc.near = append(acc.near, NearEligible{EstablishmentID: row.ID, Name: row.Name, CommuneID: row.CommuneID,
						CommuneName: row.CommuneName, Village: row.Village, SchemeID: r.rule.SchemeID, SchemeCode: r.rule.Code,
						SchemeName: r.rule.Name, Outcome: o})
					if len(acc.near) > 2*maxNear {
						acc.near = topNear(acc.near, rules)
					}
				}
			}
			if !eligibleWide {
				acc.none++
			}
			if likely && opts.CollectLikely {
				acc.likely = append(acc.likely, row.ID)
			}
		}
		return ctx.Err()
	})
	if err != nil {
		return ScreenReport{}, err
	}
	rep := ScreenReport{On: on, UnitCode: strings.TrimSpace(opts.UnitCode), MarginPct: opts.MarginPct, Skipped: skipped}
	rep.Schemes = make([]ScreenScheme, len(rules))
	for k, r := range rules {
		rep.Schemes[k].Rule = r.rule
	}
	communes := map[int64]*ScreenCommune{}
	for _, acc := range accs {
		rep.Establishments += acc.rows
		rep.NoneEligible += acc.none
		for k := range rules {
			rep.Schemes[k].ScreenCounts.add(acc.totals[k])
		}
		for id, cm := range acc.communes {
			if have := communes[id]; have != nil {
				have.Establishments += cm.Establishments
				for k := range cm.Counts {
					have.Counts[k].add(cm.Counts[k])
				}
			} else {
				communes[id] = cm
			}
		}
		rep.Near = append(rep.Near, acc.near...)
		rep.Likely = append(rep.Likely, acc.likely...)
	}
	slices.Sort(rep.Likely)
	for k, r := range rules {
		for j, c := range r.crit {
			total := 0
			for _, acc := range accs {
				total += acc.failing[k][j]
			}
			if total > 0 {
				rep.Schemes[k].Failing = append(rep.Schemes[k].Failing, CriterionCount{Criterion: c, Count: total})
			}
		}
		slices.SortStableFunc(rep.Schemes[k].Failing, func(x, y CriterionCount) int { return cmp.Compare(y.Count, x.Count) })
	}
	for _, cm := range communes {
		rep.Communes = append(rep.Communes, *cm)
	}
	slices.SortFunc(rep.Communes, func(x, y ScreenCommune) int {
		if c := vi.Compare(x.Name, y.Name); c != 0 {
			return c
		}
		return strings.Compare(x.Code, y.Code)
	})
	total := len(rep.Near)
	rep.Near = topNear(rep.Near, rules)
	rep.NearTruncated = total > len(rep.Near)
	rep.Took = time.Since(start)
	return rep, nil
}

// distinct returns the distinct values of s in order of appearance.
func distinct(s []int) []int {
	var out []int
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// topNear sorts near-eligible entries by scheme (in screening order),
// then by the gap relative to the requirement's field, then by
// establishment, and keeps the first maxNear: a total order, so the
// result does not depend on how the rows were split among workers.
func topNear(near []NearEligible, rules []screenRule) []NearEligible {
	order := make(map[int64]int, len(rules))
	for i, r := range rules {
		order[r.rule.SchemeID] = i
	}
	slices.SortFunc(near, func(x, y NearEligible) int {
		if c := cmp.Compare(order[x.SchemeID], order[y.SchemeID]); c != 0 {
			return c
		}
		if c := cmp.Compare(x.Outcome.Gap, y.Outcome.Gap); c != 0 {
			return c
		}
		return cmp.Compare(x.EstablishmentID, y.EstablishmentID)
	})
	if len(near) > maxNear {
		near = slices.Clip(near[:maxNear])
	}
	return near
}

// GapText is the plain words of a criterion's gap in language lang: "thiếu
// 4 lao động", "thiếu 20.000.000 ₫", or for a ceiling ("at most") "vượt
// 3 lao động"; "" when there is no gap.
func GapText(lang string, o eligibility.Outcome) string {
	if o.Gap <= 0 {
		return ""
	}
	key := "check.gap"
	if op := o.Criterion.Op; op == eligibility.OpLE || op == eligibility.OpLT {
		key = "check.excess"
	}
	f, _ := eligibility.FieldByName(o.GapField)
	amount := vi.FormatNumber(o.Gap)
	switch {
	case f.Type == eligibility.TypeMoney:
		amount = vi.FormatVND(o.Gap)
	case f.UnitKey != "":
		amount += " " + locale.T(lang, f.UnitKey)
	}
	return locale.T(lang, key, amount)
}

// WriteScreenXLSX writes a screening report as an XLSX workbook with the
// headers in language lang: a summary per scheme (counts and the most
// common failing criterion), the counts per commune and scheme, and the
// near-eligible list. Rows are written with excelize's stream writer.
func WriteScreenXLSX(w io.Writer, r ScreenReport, lang string) error {
	lang = locale.Supported(lang)
	t := func(key string, args ...any) string { return locale.T(lang, key, args...) }
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	sheets := []struct {
		name    string
		headers []string
		widths  []float64
		rows    func(write func(...any) error) error
	}{
		{t("screen.sheet.summary"), []string{t("screen.col.scheme_code"), t("screen.col.scheme_name"), t("screen.col.level"), t("screen.col.eligible"),
			t("screen.col.not_eligible"), t("screen.col.undetermined"), t("screen.col.top_failing"), t("screen.col.top_failing_count")},
			[]float64{22, 48, 12, 12, 12, 14, 48, 14},
			func(write func(...any) error) error {
				for _, s := range r.Schemes {
					top, count := "", 0
					if len(s.Failing) > 0 {
						top, count = s.Failing[0].Criterion.Label, s.Failing[0].Count
					}
					if err := write(s.Rule.Code, schemeTitle(lang, s.Rule), t("scheme.level."+s.Rule.Level), s.Eligible, s.NotEligible, s.Undetermined, top, count); err != nil {
						return err
					}
				}
				return nil
			}},
		{t("screen.sheet.communes"), []string{t("screen.col.commune_code"), t("screen.col.commune_name"), t("screen.col.establishments"), t("screen.col.scheme_code"),
			t("screen.col.eligible"), t("screen.col.not_eligible"), t("screen.col.undetermined")},
			[]float64{12, 28, 12, 22, 12, 12, 14},
			func(write func(...any) error) error {
				for _, c := range r.Communes {
					for k, s := range r.Schemes {
						n := c.Counts[k]
						if n.Total() == 0 {
							continue
						}
						if err := write(c.Code, c.Name, c.Establishments, s.Rule.Code, n.Eligible, n.NotEligible, n.Undetermined); err != nil {
							return err
						}
					}
				}
				return nil
			}},
		{t("screen.sheet.near"), []string{t("screen.col.establishment_id"), t("screen.col.establishment"), t("screen.col.commune_name"), t("screen.col.village"),
			t("screen.col.scheme_code"), t("screen.col.criterion"), t("screen.col.actual"), t("screen.col.required"), t("screen.col.gap")},
			[]float64{10, 40, 24, 18, 22, 48, 14, 14, 22},
			func(write func(...any) error) error {
				for _, n := range r.Near {
					if err := write(n.EstablishmentID, n.Name, n.CommuneName, n.Village, n.SchemeCode, n.Outcome.Criterion.Label,
						n.Outcome.Actual, n.Outcome.Required, GapText(lang, n.Outcome)); err != nil {
						return err
					}
				}
				return nil
			}},
	}
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(sh.name); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(sh.name)
		if err != nil {
			return err
		}
		for j, wd := range sh.widths {
			if err := sw.SetColWidth(j+1, j+1, wd); err != nil {
				return err
			}
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		header := make([]any, len(sh.headers))
		for j, h := range sh.headers {
			header[j] = excelize.Cell{StyleID: bold, Value: h}
		}
		if err := sw.SetRow("A1", header); err != nil {
			return err
		}
		row := 2
		write := func(values ...any) error {
			cell, err := excelize.CoordinatesToCellName(1, row)
			if err != nil {
				return err
			}
			row++
			return sw.SetRow(cell, values)
		}
		if err := sh.rows(write); err != nil {
			return err
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

// schemeTitle is the scheme's name with its version's legal basis, and an
// example scheme's label.
func schemeTitle(lang string, r eligibility.Rule) string {
	s := r.Name
	if r.Example && !strings.Contains(s, "(") {
		s += " " + locale.T(lang, "scheme.example_suffix")
	}
	if r.LegalBasis != "" {
		s += " — " + r.LegalBasis
	}
	return s
}

// String summarises the counts for logs and the command line.
func (c ScreenCounts) String() string {
	return fmt.Sprintf("%d/%d/%d", c.Eligible, c.NotEligible, c.Undetermined)
}
