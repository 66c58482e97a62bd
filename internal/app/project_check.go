package app

import (
	"context"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"khuyencong/internal/auth"
	"khuyencong/internal/eligibility"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Limits that catch typing slips in a cost estimate (an extra zero or
// three): no khuyến công cost line reaches 100 billion đồng, no project
// 200 billion.
const (
	MaxCostLine    int64 = 100_000_000_000
	MaxProjectCost int64 = 200_000_000_000
	// maxTitle bounds a project title and an implementing unit's name.
	maxTitle = 300
	// minProjectYear is the first plan year (NĐ 45/2012 in force).
	minProjectYear = 2012
)

// Project levels.
const (
	LevelNational = "national"
	LevelLocal    = "local"
)

// inactiveStates are the states whose projects hold no funding claim: a
// double state funding is only looked for among the others.
var inactiveStates = []string{kc.StateDraft, kc.StateRejected, kc.StateWithdrawn, kc.StateCancelled}

// stateLabel, actionLabel and sourceLabel name a state, an action and a
// funding source in Vietnamese for message arguments.
func stateLabel(s string) string    { return locale.T(locale.Default, "projects.state."+s) }
func actionLabel(a string) string   { return locale.T(locale.Default, "projects.action."+a) }
func sourceLabel(s string) string   { return locale.T(locale.Default, "projects.source."+s) }
func dayText(d kc.Date) string      { return vi.FormatDay(d.Time()) }
func isStateSource(src string) bool { return src != kc.SourceCounterpart }

// formatPct writes basis points as a Vietnamese percentage: 3000 → "30 %",
// 1250 → "12,5 %".
func formatPct(bp int) string {
	s := vi.FormatNumber(int64(bp / 100))
	if frac := bp % 100; frac != 0 {
		f := strconv.Itoa(frac)
		if frac < 10 {
			f = "0" + f
		}
		s += "," + strings.TrimRight(f, "0")
	}
	return s + " %"
}

// mulBP returns amount × bp / 10000 rounded down, saturating.
func mulBP(amount int64, bp int) int64 {
	if amount <= 0 || bp <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(amount), uint64(bp))
	if hi >= 10000 {
		return math.MaxInt64
	}
	q, _ := bits.Div64(hi, lo, 10000)
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(q)
}

// ceilBP is amount × bp / 10000 rounded up, saturating.
func ceilBP(amount int64, bp int) int64 {
	if amount <= 0 || bp <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(amount), uint64(bp))
	if hi >= 10000 {
		return math.MaxInt64
	}
	q, r := bits.Div64(hi, lo, 10000)
	if r > 0 {
		q++
	}
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(q)
}

// lineAmount is quantity × unit cost, or false when it overflows.
func lineAmount(q, u int64) (int64, bool) {
	if q < 0 || u < 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(uint64(q), uint64(u))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	return int64(lo), true
}

// totalCost sums the cost lines of p, or when it has none (projects loaded
// in bulk) the planned funding.
func totalCost(p kc.Project) int64 {
	var sum int64
	for _, c := range p.CostLines {
		sum += c.Amount
	}
	if len(p.CostLines) == 0 {
		for _, f := range p.Funding {
			sum += f.Planned
		}
	}
	return sum
}

// normalizeFunding returns funding lines in kc.FundingSources order with
// one line per source given, dropping sources with nothing at all.
func normalizeFunding(lines []kc.Funding) []kc.Funding {
	var out []kc.Funding
	for _, src := range kc.FundingSources {
		for _, f := range lines {
			if f.Source == src && (f.Planned != 0 || f.Approved != 0 || f.Advanced != 0 || f.Settled != 0) {
				out = append(out, f)
			}
		}
	}
	return out
}

// validateProject checks a project form field by field for principal p
// and returns the project it describes (not yet stored) and the version
// of its scheme in force on day on (the latest one when none is).
// Field names: title, level, content_area, scheme, commune, year,
// starts_on, ends_on, beneficiaries, cost_lines (the list) and
// cost_lines.N (line N, from 1), funding (the list) and funding.SOURCE,
// expected_jobs.
func (a *App) validateProject(ctx context.Context, p *Principal, in ProjectInput, on kc.Date) (kc.Project, store.SchemeVersion, error) {
	var errs kc.Errors
	var scheme store.SchemeVersion
	pr := kc.Project{
		Title:           strings.TrimSpace(vi.NFC(in.Title)),
		Level:           strings.TrimSpace(in.Level),
		ContentArea:     strings.ToUpper(strings.TrimSpace(in.ContentArea)),
		ImplementingOrg: strings.TrimSpace(vi.NFC(in.ImplementingOrg)),
		CommuneID:       in.CommuneID,
		Year:            in.Year,
		StartsOn:        in.StartsOn,
		EndsOn:          in.EndsOn,
		Group:           in.Group,
		ExpectedJobs:    in.ExpectedJobs,
	}
	switch n := len([]rune(pr.Title)); {
	case n == 0:
		errs = append(errs, kc.FieldError("title", "projects.err.title_required"))
	case n > maxTitle:
		errs = append(errs, kc.FieldError("title", "projects.err.too_long", maxTitle))
	}
	if len([]rune(pr.ImplementingOrg)) > maxTitle {
		errs = append(errs, kc.FieldError("implementing_org", "projects.err.too_long", maxTitle))
	}
	if pr.Level != LevelNational && pr.Level != LevelLocal {
		errs = append(errs, kc.FieldError("level", "projects.err.level", pr.Level))
	}
	areas, err := a.Store.ListContentAreas(ctx)
	if err != nil {
		return pr, scheme, err
	}
	if !slices.ContainsFunc(areas, func(c store.ContentArea) bool { return c.Code == pr.ContentArea }) {
		errs = append(errs, kc.FieldError("content_area", "projects.err.content_area_unknown", pr.ContentArea))
	}
	code := strings.ToUpper(strings.TrimSpace(in.SchemeCode))
	if code == "" {
		errs = append(errs, kc.FieldError("scheme", "projects.err.scheme_required"))
	} else {
		versions, err := a.Store.SchemeVersionsOf(ctx, code)
		if err != nil {
			return pr, scheme, err
		}
		if len(versions) == 0 {
			errs = append(errs, kc.FieldError("scheme", "projects.err.scheme_unknown", code))
		} else {
			scheme = versionOn(versions, on)
			if scheme.ContentArea != pr.ContentArea {
				errs = append(errs, kc.FieldError("scheme", "projects.err.scheme_area", code, scheme.ContentArea, pr.ContentArea))
			}
		}
	}
	if pr.CommuneID == 0 {
		errs = append(errs, kc.FieldError("commune", "projects.err.commune_required"))
	} else {
		u, err := a.Store.GetUnit(ctx, pr.CommuneID)
		switch {
		case kc.ErrorCode(err) == kc.ENotFound || err == nil && !p.InScope(u.ID):
			errs = append(errs, kc.FieldError("commune", "projects.err.commune_scope"))
		case err != nil:
			return pr, scheme, err
		case u.Level != kc.LevelCommune || !u.ValidOn(a.today()):
			errs = append(errs, kc.FieldError("commune", "projects.err.commune_not_current", u.Name))
		}
	}
	thisYear := a.today().Year()
	if pr.Year < minProjectYear || pr.Year > thisYear+2 {
		errs = append(errs, kc.FieldError("year", "projects.err.year_range", minProjectYear, thisYear+2))
	}
	if !pr.StartsOn.IsZero() && !pr.EndsOn.IsZero() && pr.EndsOn.Before(pr.StartsOn) {
		errs = append(errs, kc.FieldError("ends_on", "projects.err.dates_order", dayText(pr.EndsOn), dayText(pr.StartsOn)))
	}
	if pr.ExpectedJobs < 0 {
		errs = append(errs, kc.FieldError("expected_jobs", "projects.err.negative"))
	}
	seen := map[int64]bool{}
	for _, id := range in.Beneficiaries {
		if id == 0 || seen[id] {
			continue
		}
		seen[id] = true
		e, err := a.Store.GetEstablishment(ctx, id)
		if kc.ErrorCode(err) == kc.ENotFound || err == nil && !p.InScope(e.CommuneID) {
			errs = append(errs, kc.FieldError("beneficiaries", "projects.err.beneficiary_unknown", id))
			continue
		}
		if err != nil {
			return pr, scheme, err
		}
		pr.Beneficiaries = append(pr.Beneficiaries, id)
	}
	slices.Sort(pr.Beneficiaries)
	if len(pr.Beneficiaries) == 0 && !pr.Group {
		errs = append(errs, kc.FieldError("beneficiaries", "projects.err.beneficiaries_required"))
	}
	var total int64
	totalOK := true
	if len(in.CostLines) == 0 {
		errs = append(errs, kc.FieldError("cost_lines", "projects.err.cost_lines_required"))
	}
	for i, c := range in.CostLines {
		n := i + 1
		field := "cost_lines." + strconv.Itoa(n)
		c.Item = strings.TrimSpace(vi.NFC(c.Item))
		switch {
		case c.Item == "":
			errs = append(errs, kc.FieldError(field, "projects.err.cost_item_required", n))
		case len([]rune(c.Item)) > maxTitle:
			errs = append(errs, kc.FieldError(field, "projects.err.cost_item_long", n, maxTitle))
		}
		if c.Quantity <= 0 {
			errs = append(errs, kc.FieldError(field, "projects.err.cost_quantity", n))
			totalOK = false
			continue
		}
		if c.UnitCost < 0 {
			errs = append(errs, kc.FieldError(field, "projects.err.cost_unit", n))
			totalOK = false
			continue
		}
		amount, ok := lineAmount(c.Quantity, c.UnitCost)
		if !ok || amount > MaxCostLine {
			shown := vi.FormatVND(amount)
			if !ok {
				shown = vi.FormatNumber(c.Quantity) + " × " + vi.FormatVND(c.UnitCost)
			}
			errs = append(errs, kc.FieldError(field, "projects.err.cost_line_absurd", n, shown, vi.FormatVND(MaxCostLine)))
			totalOK = false
			continue
		}
		c.Amount = amount
		total += amount
		pr.CostLines = append(pr.CostLines, c)
	}
	if totalOK && total > MaxProjectCost {
		errs = append(errs, kc.FieldError("cost_lines", "projects.err.cost_total_absurd", vi.FormatVND(total), vi.FormatVND(MaxProjectCost)))
		totalOK = false
	}
	var funded int64
	sources := map[string]bool{}
	for _, f := range in.Funding {
		f.Source = strings.TrimSpace(f.Source)
		field := "funding." + f.Source
		switch {
		case !slices.Contains(kc.FundingSources, f.Source):
			errs = append(errs, kc.FieldError("funding", "projects.err.funding_source", f.Source))
			continue
		case sources[f.Source]:
			errs = append(errs, kc.FieldError(field, "projects.err.funding_dup", sourceLabel(f.Source)))
			continue
		case f.Planned < 0:
			errs = append(errs, kc.FieldError(field, "projects.err.funding_negative", sourceLabel(f.Source)))
			continue
		case f.Planned > MaxProjectCost:
			errs = append(errs, kc.FieldError(field, "projects.err.funding_absurd", sourceLabel(f.Source), vi.FormatVND(MaxProjectCost)))
			totalOK = false
			continue
		}
		sources[f.Source] = true
		funded += f.Planned
		pr.Funding = append(pr.Funding, kc.Funding{Source: f.Source, Planned: f.Planned})
	}
	pr.Funding = normalizeFunding(pr.Funding)
	if totalOK && len(pr.CostLines) > 0 && funded != total {
		diff := funded - total
		key := "projects.err.funding_sum_over"
		if diff < 0 {
			diff, key = -diff, "projects.err.funding_sum_under"
		}
		errs = append(errs, kc.FieldError("funding", key, vi.FormatVND(funded), vi.FormatVND(total), vi.FormatVND(diff)))
	}
	if len(errs) == 1 {
		return pr, scheme, errs[0]
	}
	return pr, scheme, errs.Err()
}

// versionOn returns the version of versions in force on day on, or the
// latest one that started before it, or the first one.
func versionOn(versions []store.SchemeVersion, on kc.Date) store.SchemeVersion {
	for _, v := range versions {
		if !on.Before(v.EffectiveFrom) && (v.EffectiveTo.IsZero() || !v.EffectiveTo.Before(on)) {
			return v
		}
	}
	best := versions[0]
	for _, v := range versions {
		if !on.Before(v.EffectiveFrom) {
			best = v
		}
	}
	return best
}

// fundingInput is what a funding check looks at.
type fundingInput struct {
	ProjectID     int64
	SchemeCode    string
	CommuneID     int64
	Year          int
	StartsOn      kc.Date
	EndsOn        kc.Date
	Cost          int64
	Amounts       map[string]int64 // per source: planned, or approved at approval
	Beneficiaries []int64
	Items         []string
	On            kc.Date
	// Uplift: the project is in a priority area on On (the cap may be
	// raised by the scheme's UpliftBP).
	Uplift bool
}

// stateTotal sums the state sources of amounts.
func stateTotal(amounts map[string]int64) int64 {
	var s int64
	for src, v := range amounts {
		if isStateSource(src) {
			s += v
		}
	}
	return s
}

// periodOf is a project's period: its schedule, or the whole plan year
// for a missing end.
func periodOf(year int, from, to kc.Date) (kc.Date, kc.Date) {
	if from.IsZero() {
		from = kc.NewDate(year, 1, 1)
	}
	if to.IsZero() {
		to = kc.NewDate(year, 12, 31)
		if to.Before(from) {
			to = kc.NewDate(from.Year(), 12, 31)
		}
	}
	return from, to
}

// checkFunding checks in against the version of its scheme in force on
// in.On (data-model invariant 3): the state support (every source but
// counterpart) within min(rate × cost, cap, uplifted in priority areas),
// the counterpart at least the scheme's share of the cost, and no other
// active project funding with state money the same cost item of the same
// establishment over an overlapping period. It returns the scheme version
// used (ID 0 when none is in force). An unconfirmed or unset cap gives
// warnings ("cần xác minh"), not refusals.
func (a *App) checkFunding(ctx context.Context, tx *store.Tx, in fundingInput) (FundingCheck, store.SchemeVersion, error) {
	var fc FundingCheck
	var v store.SchemeVersion
	fc.Cost = in.Cost
	fc.StateSupport = stateTotal(in.Amounts)
	fc.Counterpart = in.Amounts[kc.SourceCounterpart]
	code := strings.ToUpper(strings.TrimSpace(in.SchemeCode))
	versions, err := tx.SchemeVersionsOf(ctx, code)
	if err != nil {
		return fc, v, err
	}
	fc.Scheme = code
	for _, x := range versions {
		if !in.On.Before(x.EffectiveFrom) && (x.EffectiveTo.IsZero() || !x.EffectiveTo.Before(in.On)) {
			v = x
		}
	}
	if v.ID == 0 {
		fc.Problems = append(fc.Problems, kc.FieldError("scheme", "projects.check.scheme_not_in_force", code, dayText(in.On)))
	} else {
		fc.SchemeID, fc.SchemeVersion, fc.SchemeName, fc.Confirmed = v.ID, v.Version, v.Name, v.Confirmed
		a.checkSupport(&fc, v, in)
	}
	if fc.StateSupport > 0 {
		if err := a.checkDouble(ctx, tx, &fc, in); err != nil {
			return fc, v, err
		}
	}
	return fc, v, nil
}

// checkSupport adds the support arithmetic of scheme version v for in
// (eligibility.SupportFor) and the cap, rate and counterpart findings.
func (a *App) checkSupport(fc *FundingCheck, v store.SchemeVersion, in fundingInput) {
	r := ruleOf(v)
	s := eligibility.SupportFor(r, in.Cost, in.Uplift && r.UpliftBP > 0)
	for _, st := range s.Steps {
		fc.Lines = append(fc.Lines, CheckLine{Key: st.Key, Args: st.Args})
	}
	fc.Lines = append(fc.Lines, CheckLine{Key: "projects.check.requested", Args: []any{vi.FormatVND(fc.StateSupport)}})
	if s.Unset {
		fc.Warnings = append(fc.Warnings, CheckLine{Key: "projects.check.unset", Args: []any{v.Code, v.Version}})
	} else {
		rate := min(max(v.RateBP, 0), 10000)
		limit := in.Cost
		if rate > 0 {
			limit = mulBP(in.Cost, rate)
		}
		if s.Cap > 0 {
			limit = min(limit, s.Cap)
		}
		fc.MaxSupport = limit
		if fc.StateSupport > limit {
			var e *kc.Error
			switch {
			case rate > 0 && s.Cap > 0:
				e = kc.FieldError("funding", "projects.check.over_max_rate_cap", vi.FormatVND(fc.StateSupport), vi.FormatVND(limit),
					formatPct(rate), vi.FormatVND(in.Cost), vi.FormatVND(s.Cap))
			case rate > 0:
				e = kc.FieldError("funding", "projects.check.over_max_rate", vi.FormatVND(fc.StateSupport), vi.FormatVND(limit),
					formatPct(rate), vi.FormatVND(in.Cost))
			default:
				e = kc.FieldError("funding", "projects.check.over_max_cap", vi.FormatVND(fc.StateSupport), vi.FormatVND(limit), vi.FormatVND(s.Cap))
			}
			if v.Confirmed {
				fc.Problems = append(fc.Problems, e)
			} else {
				fc.Warnings = append(fc.Warnings, CheckLine{Key: e.Key, Args: e.Args})
			}
		}
		if !v.Confirmed {
			fc.Warnings = append(fc.Warnings, CheckLine{Key: "projects.check.unconfirmed", Args: []any{v.Code, v.Version}})
		}
	}
	if bp := min(max(v.CounterpartMinBP, 0), 10000); bp > 0 && in.Cost > 0 {
		least := ceilBP(in.Cost, bp)
		fc.Lines = append(fc.Lines, CheckLine{Key: "projects.check.counterpart_min", Args: []any{vi.FormatVND(fc.Counterpart), formatPct(bp), vi.FormatVND(in.Cost), vi.FormatVND(least)}})
		if fc.Counterpart < least {
			fc.Problems = append(fc.Problems, kc.FieldError("funding.counterpart", "projects.check.counterpart_low",
				vi.FormatVND(fc.Counterpart), vi.FormatVND(least), formatPct(bp), vi.FormatVND(in.Cost)))
		}
	} else {
		fc.Lines = append(fc.Lines, CheckLine{Key: "projects.check.counterpart", Args: []any{vi.FormatVND(fc.Counterpart)}})
	}
}

// checkDouble adds a problem for each other project that funds with state
// money a cost item of in for one of its beneficiaries over an
// overlapping period (one per other project and item).
func (a *App) checkDouble(ctx context.Context, tx *store.Tx, fc *FundingCheck, in fundingInput) error {
	keys := map[string]bool{}
	var list []string
	for _, it := range in.Items {
		if k := vi.SearchKey(it); k != "" && !keys[k] {
			keys[k] = true
			list = append(list, k)
		}
	}
	overlaps, err := tx.FundingOverlaps(ctx, in.ProjectID, in.Beneficiaries, list, inactiveStates)
	if err != nil {
		return err
	}
	from, to := periodOf(in.Year, in.StartsOn, in.EndsOn)
	seen := map[string]bool{}
	names := map[int64]string{}
	for _, o := range overlaps {
		of, ot := periodOf(o.Year, o.StartsOn, o.EndsOn)
		if ot.Before(from) || to.Before(of) {
			continue
		}
		key := strconv.FormatInt(o.ProjectID, 10) + "/" + o.ItemKey
		if seen[key] {
			continue
		}
		seen[key] = true
		name, ok := names[o.EstablishmentID]
		if !ok {
			e, err := tx.GetEstablishment(ctx, o.EstablishmentID)
			if err != nil {
				return err
			}
			name, names[o.EstablishmentID] = e.Name, e.Name
		}
		fc.Problems = append(fc.Problems, kc.FieldError("cost_lines", "projects.check.double_funding",
			name, o.Item, o.Code, o.Title, stateLabel(o.State), dayText(of), dayText(ot)))
		fc.Duplicates = append(fc.Duplicates, DoubleFunding{ProjectID: o.ProjectID, Code: o.Code, Title: o.Title, State: o.State,
			EstablishmentID: o.EstablishmentID, Item: o.Item})
	}
	return nil
}

// priorityUplift reports whether the commune with id communeID (or the
// current communes its area went into) lies in a priority area on day on.
func (a *App) priorityUplift(ctx context.Context, communeID int64, on kc.Date) (bool, error) {
	prio, err := a.priorityCommunes(ctx, on)
	if err != nil || len(prio) == 0 {
		return false, err
	}
	if prio[communeID] {
		return true, nil
	}
	var cur []int64
	err = a.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		cur, err = tx.CurrentCommunesOf(ctx, communeID)
		return err
	})
	for _, c := range cur {
		if prio[c] {
			return true, err
		}
	}
	return false, err
}

// CheckFunding checks a project form's funding against the scheme version
// in force on day on (today when zero) without writing anything: the
// arithmetic, the refusals and the warnings the form shows live.
// Beneficiaries outside the caller's scope are left out. Roles that may
// neither draft nor decide projects get EForbidden.
func (a *App) CheckFunding(ctx context.Context, in ProjectInput, on kc.Date) (FundingCheck, error) {
	p, err := principal(ctx)
	if err != nil {
		return FundingCheck{}, err
	}
	if !auth.Can(p.User.Role, auth.PermDraftProjects) && !auth.Can(p.User.Role, auth.PermDecideProjects) {
		return FundingCheck{}, forbidden()
	}
	on = a.checkDay(on)
	code := strings.ToUpper(strings.TrimSpace(in.SchemeCode))
	if code == "" {
		return FundingCheck{}, kc.FieldError("scheme", "projects.err.scheme_required")
	}
	versions, err := a.Store.SchemeVersionsOf(ctx, code)
	if err != nil {
		return FundingCheck{}, err
	}
	if len(versions) == 0 {
		return FundingCheck{}, kc.FieldError("scheme", "projects.err.scheme_unknown", code)
	}
	fi := fundingInput{SchemeCode: code, CommuneID: in.CommuneID, Year: in.Year, StartsOn: in.StartsOn, EndsOn: in.EndsOn,
		Amounts: map[string]int64{}, On: on}
	if fi.Year == 0 {
		fi.Year = on.Year()
	}
	for _, c := range in.CostLines {
		if amount, ok := lineAmount(c.Quantity, c.UnitCost); ok && c.Quantity > 0 {
			fi.Cost += amount
		}
		if item := strings.TrimSpace(c.Item); item != "" {
			fi.Items = append(fi.Items, item)
		}
	}
	for _, f := range in.Funding {
		if slices.Contains(kc.FundingSources, f.Source) && f.Planned > 0 {
			fi.Amounts[f.Source] += f.Planned
		}
	}
	if in.CommuneID != 0 {
		if fi.Uplift, err = a.priorityUplift(ctx, in.CommuneID, on); err != nil {
			return FundingCheck{}, err
		}
	}
	var fc FundingCheck
	err = a.Store.View(ctx, func(tx *store.Tx) error {
		for _, id := range in.Beneficiaries {
			e, err := tx.GetEstablishment(ctx, id)
			if err == nil && p.InScope(e.CommuneID) && !slices.Contains(fi.Beneficiaries, id) {
				fi.Beneficiaries = append(fi.Beneficiaries, id)
			} else if err != nil && kc.ErrorCode(err) != kc.ENotFound {
				return err
			}
		}
		var err error
		fc, _, err = a.checkFunding(ctx, tx, fi)
		return err
	})
	return fc, err
}
