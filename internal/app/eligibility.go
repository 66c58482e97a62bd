package app

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"khuyencong/internal/auth"
	"khuyencong/internal/eligibility"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Limits of scheme and criterion input.
const (
	maxCriterionLabel = 300
	maxSchemeNote     = 2000
	maxCapUnit        = 50
	maxCriterionGroup = 99
	maxPriorityPoints = 100
	// MaxCost bounds a planned project cost (đồng): 100,000 billion,
	// far above any khuyến công project, so rate × cost stays in int64.
	MaxCost int64 = 100_000_000_000_000
	// maxCap bounds a scheme cap (đồng).
	maxCap int64 = 10_000_000_000_000
)

// Group suggestion limits: the largest group proposed, the groups per
// scheme, and the candidate establishments read.
const (
	groupMaxSize    = 6
	groupLimit      = 3
	groupCandidates = 500
)

// nonEstablishmentAreas are the content areas whose schemes pay for
// activities rather than supporting an establishment (information,
// international cooperation, management capacity, NĐ 45 Art. 4): they
// are not evaluated for establishments unless asked for by code.
var nonEstablishmentAreas = []string{kc.ContentOutreach, kc.ContentInternational, kc.ContentManagement}

// PriorityArea is one entry of the curated, dated list of priority areas
// (domain §3.8): a pre-2025 district whose area, today covered by the
// communes that succeeded its communes, counts as a priority area on the
// days in [From, To].
type PriorityArea struct {
	DistrictCode string // pre-2025 district code (3 digits)
	ProvinceCode string // its province at the time
	From, To     kc.Date
	Basis        string // why, and how sure
}

// PriorityAreas is the curated list of priority areas. No machine-readable
// official list exists (domain §3.8, §11.10: the Quảng Trị entries of the
// ethnic-minority and difficult-area lists are UNCONFIRMED), so this holds
// only what the domain reference states: the former Đakrông district, a
// mountainous border district of Vân Kiều and Pa Kô people described as a
// poor district (domain §7.3), which makes it a priority area under NĐ 45
// Art. 6. Establishments elsewhere get PriorityArea as a missing fact
// (undetermined), never false. Administrators extend this list with the
// official decisions when they are curated.
var PriorityAreas = []PriorityArea{
	{DistrictCode: "467", ProvinceCode: "45", From: kc.MustDate("2012-07-05"),
		Basis: "Huyện Đakrông cũ: huyện miền núi, biên giới, vùng đồng bào Vân Kiều, Pa Kô, huyện nghèo (NĐ 45/2012 Điều 6; cần xác minh theo danh sách chính thức)"},
}

// SchemeView is one scheme version as screens and the API show it: the
// rule with its criteria, the legal basis title, the province of a local
// scheme, whether its numbers still need verification ("cần xác minh":
// not confirmed from the official text) and whether the caller may edit it.
type SchemeView struct {
	eligibility.Rule
	LegalBasisTitle string
	ProvinceName    string
	NeedsReview     bool
	Editable        bool
	UpdatedAt       time.Time
}

// SchemeDetail is one scheme version with every version of its code,
// oldest first (criteria included).
type SchemeDetail struct {
	SchemeView
	Versions []SchemeView
}

// SchemeRuleUpdate changes the support rule of a scheme version; nil
// fields stay unchanged. Rates are basis points (5000 = 50 %), the cap
// and amounts đồng; zero means "not set".
type SchemeRuleUpdate struct {
	RateBP           *int
	Cap              *int64
	CapUnit          *string
	UpliftBP         *int
	CounterpartMinBP *int
	EffectiveFrom    *kc.Date
	EffectiveTo      *kc.Date
	Confirmed        *bool
	Note             *string
}

// MatchCount is the live count of the criterion editor: of the
// establishments in the caller's scope that the scheme applies to
// (Total), how many pass the whole rule with the edited criterion
// (Matching) and how many cannot be decided for missing facts
// (Undetermined); and how many pass the edited criterion alone.
type MatchCount struct {
	Total                 int
	Matching              int
	Undetermined          int
	CriterionMatching     int
	CriterionUndetermined int
}

// EligibilityCheck asks for the evaluation of one establishment: against
// the scheme with code SchemeCode (every scheme in force when empty), for
// a planned eligible cost in đồng (0: none given, the cap is shown), on
// day On (today when zero): the rules in force that day apply.
type EligibilityCheck struct {
	EstablishmentID int64
	SchemeCode      string
	Cost            int64
	On              kc.Date
}

// EstablishmentBrief names the establishment an eligibility report is
// about.
type EstablishmentBrief struct {
	ID           int64
	Name         string
	Kind         string
	CommuneID    int64
	CommuneCode  string
	CommuneName  string
	Village      string
	ProvinceName string
}

// EligibilityReport is the explained evaluation of one establishment (or
// of a set of facts): the facts used (with those missing), the result of
// each scheme asked for (status, every criterion with its outcome, actual
// value, requirement and gap, priority points, the maximum support with
// its arithmetic), the other schemes in force it qualifies for, groups of
// nearby producers of the same trade that could apply together where a
// numeric threshold failed, and the schemes that could not be evaluated
// because their stored criteria do not compile.
type EligibilityReport struct {
	On            kc.Date
	Cost          int64
	Establishment EstablishmentBrief // zero for a check of facts
	Facts         eligibility.Facts
	Results       []eligibility.Result
	Qualifies     []eligibility.Result
	Groups        []GroupSuggestion
	Skipped       []SkippedScheme
}

// SkippedScheme is a scheme version whose stored criteria do not compile
// (edited outside the app, or a field removed from the catalogue): it is
// left out of evaluations rather than answered wrongly.
type SkippedScheme struct {
	SchemeID int64
	Code     string
	Name     string
	Err      error
}

// GroupSuggestion is a group of producers of the same trade in the same
// or a neighbouring commune, the establishment checked included (Seed),
// whose combined figures meet a scheme's thresholds if they apply
// together as a cooperative group (tổ hợp tác), with the reasoning.
type GroupSuggestion struct {
	Scheme   eligibility.Rule
	Members  []GroupMember
	Combined eligibility.Facts
	Result   eligibility.Result
	Reasons  []eligibility.Step
}

// GroupMember is one establishment of a suggested group.
type GroupMember struct {
	ID          int64
	Name        string
	CommuneID   int64
	CommuneName string
	Village     string
	Workers     int
	Seed        bool // the establishment the check was about
}

// singleRule returns rule r with criterion c as its only criterion, to
// test c alone (its dates and support rule kept, so it compiles as r).
func singleRule(r eligibility.Rule, c eligibility.Criterion) eligibility.Rule {
	r.Criteria = []eligibility.Criterion{c}
	return r
}

// ruleOf turns a stored scheme version into an eligibility rule.
func ruleOf(v store.SchemeVersion) eligibility.Rule {
	r := eligibility.Rule{SchemeID: v.ID, Code: v.Code, Version: v.Version, Level: v.Level, ProvinceID: v.ProvinceID,
		ContentArea: v.ContentArea, Name: v.Name, LegalBasis: v.LegalBasis, EffectiveFrom: v.EffectiveFrom, EffectiveTo: v.EffectiveTo,
		RateBP: v.RateBP, Cap: v.Cap, CapUnit: v.CapUnit, UpliftBP: v.UpliftBP, CounterpartMinBP: v.CounterpartMinBP,
		Confirmed: v.Confirmed, Example: v.Example, Note: v.Note}
	for _, c := range v.Criteria {
		r.Criteria = append(r.Criteria, eligibility.Criterion{ID: c.ID, Group: c.Group, Kind: c.Kind, Label: c.Label,
			Field: c.Field, Op: c.Op, Value: c.Value, Formula: c.Formula, Points: c.Points})
	}
	return r
}

// storeCriterion turns an eligibility criterion of scheme schemeID into
// its stored form.
func storeCriterion(schemeID int64, c eligibility.Criterion) store.SchemeCriterion {
	return store.SchemeCriterion{ID: c.ID, SchemeID: schemeID, Group: c.Group, Kind: c.Kind, Label: c.Label,
		Field: c.Field, Op: c.Op, Value: c.Value, Formula: c.Formula, Points: c.Points}
}

// compiledRules caches compiled rules by the hash of their content, so a
// rule is compiled once per change whatever the number of checks (and a
// changed rule never meets a stale program).
var compiledRules = struct {
	sync.Mutex
	m map[[32]byte]*eligibility.Compiled
}{m: map[[32]byte]*eligibility.Compiled{}}

// maxCompiledRules bounds the cache; it is emptied when full.
const maxCompiledRules = 2000

// compileRule compiles r, through the cache.
func compileRule(r eligibility.Rule) (*eligibility.Compiled, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	key := sha256.Sum256(b)
	compiledRules.Lock()
	c, ok := compiledRules.m[key]
	compiledRules.Unlock()
	if ok {
		return c, nil
	}
	c, err = eligibility.Compile(r)
	if err != nil {
		return nil, err
	}
	compiledRules.Lock()
	if len(compiledRules.m) >= maxCompiledRules {
		clear(compiledRules.m)
	}
	compiledRules.m[key] = c
	compiledRules.Unlock()
	return c, nil
}

// loadedRule is a scheme version in force with its compiled program.
type loadedRule struct {
	rule eligibility.Rule
	c    *eligibility.Compiled
}

// establishmentFacing reports whether a scheme supports establishments
// (see nonEstablishmentAreas).
func establishmentFacing(r eligibility.Rule) bool {
	return !slices.Contains(nonEstablishmentAreas, r.ContentArea)
}

// applies reports whether rule r can apply to an establishment of the
// province with id provinceID: national schemes everywhere, provincial
// and commune schemes in their own province only (never when the scheme
// or the establishment has no province on record).
func applies(r eligibility.Rule, provinceID int64) bool {
	if r.Level == "national" {
		return true
	}
	return r.ProvinceID != 0 && r.ProvinceID == provinceID
}

// rulesInForce loads and compiles the scheme versions in force on day on:
// the one of code when code is set (a field error on "scheme" when the
// code is unknown or has no version in force), else every
// establishment-facing one. Versions that do not compile are returned as
// skipped.
func (a *App) rulesInForce(ctx context.Context, on kc.Date, code string) ([]loadedRule, []SkippedScheme, error) {
	versions, err := a.Store.ListSchemeVersions(ctx, on)
	if err != nil {
		return nil, nil, err
	}
	code = strings.TrimSpace(code)
	if code != "" {
		found := false
		for _, v := range versions {
			if strings.EqualFold(v.Code, code) {
				found = true
			}
		}
		if !found {
			all, err := a.Store.SchemeVersionsOf(ctx, strings.ToUpper(code))
			if err != nil {
				return nil, nil, err
			}
			if len(all) == 0 {
				return nil, nil, kc.FieldError("scheme", "check.scheme_unknown", code)
			}
			return nil, nil, kc.FieldError("scheme", "check.scheme_not_in_force", code, vi.FormatDate(on.Time()))
		}
	}
	var out []loadedRule
	var skipped []SkippedScheme
	for _, v := range versions {
		r := ruleOf(v)
		if code != "" && !strings.EqualFold(r.Code, code) || code == "" && !establishmentFacing(r) {
			continue
		}
		c, err := compileRule(r)
		if err != nil {
			a.Log.Warn("eligibility: scheme does not compile", "scheme", r.Code, "version", r.Version, "err", err)
			skipped = append(skipped, SkippedScheme{SchemeID: r.SchemeID, Code: r.Code, Name: r.Name, Err: err})
			continue
		}
		out = append(out, loadedRule{rule: r, c: c})
	}
	return out, skipped, nil
}

// communeTypes and provinceTypes map the unit types of the unit table to
// the values criteria use.
var (
	communeTypes  = map[string]string{"Xã": "xa", "Phường": "phuong", "Đặc khu": "dac_khu"}
	provinceTypes = map[string]string{"Tỉnh": "tinh", "Thành phố": "thanh_pho"}
)

// nd235From is the first day of the beneficiary rules of NĐ 235/2025.
var nd235From = kc.MustDate("2025-10-15")

// priorityCommunes returns the communes in force that lie in a priority
// area of PriorityAreas valid on day on.
func (a *App) priorityCommunes(ctx context.Context, on kc.Date) (map[int64]bool, error) {
	out := map[int64]bool{}
	for _, pa := range PriorityAreas {
		if on.Before(pa.From) || (!pa.To.IsZero() && on.After(pa.To)) {
			continue
		}
		units, err := a.Store.UnitHistory(ctx, pa.DistrictCode)
		if err != nil {
			return nil, err
		}
		var ids []int64
		for _, u := range units {
			if u.Level != kc.LevelDistrict {
				continue
			}
			if pa.ProvinceCode != "" {
				parent, err := a.Store.GetUnit(ctx, u.ParentID)
				if err != nil || parent.Code != pa.ProvinceCode {
					continue
				}
			}
			ids = append(ids, u.ID)
		}
		communes, err := a.Store.CurrentCommunesUnder(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, c := range communes {
			out[c] = true
		}
	}
	return out, nil
}

// factsOf derives the eligibility facts of a stored row on day on. What
// the registry does not know is listed in Missing rather than guessed:
//
//   - no yearly facts up to that year: the figures (workers, revenue, …);
//   - a zero in workers, revenue, capital or average income: the columns
//     default to 0, and a producing establishment has at least one worker
//     and some revenue, so 0 means "not recorded";
//   - a household business without a registration number (it should have
//     one; the number is missing, not the registration);
//   - an enterprise without a size class; no founding year; no trade;
//   - a commune or province type outside the known ones, and before
//     15/10/2025 a ward (phường): the rules of the time admitted wards of
//     grade II and III cities only, and the registry does not hold city
//     grades;
//   - PriorityArea outside the curated PriorityAreas (no official list);
//   - LocalMaterialsPct and Export, which the registry does not record.
//
// Registered is true with a registration number or for a cooperative,
// union of cooperatives or enterprise, false for an unregistered
// household or a cooperative group without a number.
func factsOf(r *store.EligibilityRow, on kc.Date, priority map[int64]bool) eligibility.Facts {
	f := eligibility.Facts{Kind: r.Kind, SizeClass: r.SizeClass, WomenOwned: r.WomenOwned, EthnicMinorityOwned: r.EthnicMinorityOwned,
		CraftVillage: r.CraftVillage, TraditionalCraft: r.TraditionalCraft, Artisan: r.Artisan, FoundedYear: r.FoundedYear,
		TypicalProduct: r.TypicalProduct, OCOPStars: r.OCOPStars}
	missing := make([]string, 0, 8)
	if f.Artisan == "" {
		f.Artisan = kc.ArtisanNone
	}
	if r.Kind == kc.KindEnterprise && r.SizeClass == "" {
		missing = append(missing, "SizeClass")
	}
	switch {
	case r.RegistrationNo != "", r.Kind == kc.KindCooperative, r.Kind == kc.KindCoopUnion, r.Kind == kc.KindEnterprise:
		f.Registered = true
	case r.Kind == kc.KindHouseholdBusiness:
		missing = append(missing, "Registered")
	}
	if t, ok := communeTypes[r.CommuneType]; ok && !(t == "phuong" && on.Before(nd235From)) {
		f.CommuneType = t
	} else {
		missing = append(missing, "CommuneType")
	}
	if t, ok := provinceTypes[r.ProvinceType]; ok {
		f.ProvinceType = t
	} else {
		missing = append(missing, "ProvinceType")
	}
	if priority[r.CommuneID] {
		f.PriorityArea = true
	} else {
		missing = append(missing, "PriorityArea")
	}
	if len(r.TradeCodes) > 0 {
		f.Trades = slices.Clone(r.TradeCodes)
		f.PrimaryTrade = r.TradeCodes[0]
	} else {
		missing = append(missing, "Trades", "PrimaryTrade")
	}
	if r.FoundedYear > 0 {
		f.YearsActive = max(0, on.Year()-r.FoundedYear)
	} else {
		missing = append(missing, "FoundedYear", "YearsActive")
	}
	if r.Fact.Year == 0 {
		missing = append(missing, "FactYear", "Workers", "WomenWorkers", "EthnicMinorityWorkers", "Revenue", "Capital", "AvgIncome")
	} else {
		fa := r.Fact
		f.FactYear, f.Workers, f.WomenWorkers, f.EthnicMinorityWorkers = fa.Year, fa.Workers, fa.WomenWorkers, fa.EthnicMinorityWorkers
		f.Revenue, f.Capital, f.AvgIncome = fa.Revenue, fa.Capital, fa.AvgIncome
		for _, z := range []struct {
			name string
			zero bool
		}{{"Workers", fa.Workers == 0}, {"Revenue", fa.Revenue == 0}, {"Capital", fa.Capital == 0}, {"AvgIncome", fa.AvgIncome == 0}} {
			if z.zero {
				missing = append(missing, z.name)
			}
		}
	}
	missing = append(missing, "LocalMaterialsPct", "Export")
	f.Missing = missing
	return f
}

// briefOf names the establishment of a row.
func briefOf(r *store.EligibilityRow) EstablishmentBrief {
	return EstablishmentBrief{ID: r.ID, Name: r.Name, Kind: r.Kind, CommuneID: r.CommuneID, CommuneCode: r.CommuneCode,
		CommuneName: r.CommuneName, Village: r.Village, ProvinceName: r.ProvinceName}
}

// ParseCheckDate reads the day whose rules apply (YYYY-MM-DD) from a
// form, flag or request; empty is the zero Date (today). A malformed day
// is a field error on "on".
func ParseCheckDate(s string) (kc.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return kc.Date{}, nil
	}
	d, err := kc.ParseDate(s)
	if err != nil {
		return kc.Date{}, kc.FieldError("on", "check.bad_date", s).Wrap(err)
	}
	return d, nil
}

// checkDay returns on, or today when zero.
func (a *App) checkDay(on kc.Date) kc.Date {
	if on.IsZero() {
		return a.today()
	}
	return on
}

// validCost checks a planned cost.
func validCost(cost int64) error {
	if cost < 0 || cost > MaxCost {
		return kc.FieldError("cost", "check.cost_range", vi.FormatVND(MaxCost))
	}
	return nil
}

// CheckEligibility evaluates one establishment in the caller's scope
// (ENotFound outside it, whatever the reason) against the scheme asked
// for or every establishment-facing scheme in force on the day that
// applies to its province, explains each result, lists the other schemes
// it qualifies for, and for each scheme it fails on a numeric threshold
// suggests groups with producers of the same primary trade in its commune
// or a neighbouring one (see NeighbourCommunes in the store: the communes
// in force sharing a pre-2025 district with it, for want of adjacency
// data), limited to the caller's scope. Roles that may not read the
// registry get EForbidden.
func (a *App) CheckEligibility(ctx context.Context, in EligibilityCheck) (EligibilityReport, error) {
	p, err := principal(ctx)
	if err != nil {
		return EligibilityReport{}, err
	}
	if !auth.Can(p.User.Role, auth.PermViewRegistry) {
		return EligibilityReport{}, forbidden()
	}
	if in.EstablishmentID <= 0 {
		return EligibilityReport{}, kc.FieldError("establishment_id", "check.establishment_required")
	}
	if err := validCost(in.Cost); err != nil {
		return EligibilityReport{}, err
	}
	on := a.checkDay(in.On)
	row, err := a.Store.EligibilityRowOf(ctx, in.EstablishmentID, on)
	if err != nil {
		return EligibilityReport{}, err
	}
	if !p.InScope(row.CommuneID) {
		return EligibilityReport{}, notFound()
	}
	rules, skipped, err := a.rulesInForce(ctx, on, in.SchemeCode)
	if err != nil {
		return EligibilityReport{}, err
	}
	priority, err := a.priorityCommunes(ctx, on)
	if err != nil {
		return EligibilityReport{}, err
	}
	facts := factsOf(&row, on, priority)
	rep := EligibilityReport{On: on, Cost: in.Cost, Establishment: briefOf(&row), Facts: facts, Skipped: skipped}
	asked := strings.TrimSpace(in.SchemeCode)
	for _, lr := range rules {
		if !applies(lr.rule, row.ProvinceID) {
			if asked != "" {
				return EligibilityReport{}, kc.FieldError("scheme", "check.scheme_other_province", lr.rule.Code)
			}
			continue
		}
		res := lr.c.Evaluate(facts, in.Cost)
		rep.Results = append(rep.Results, res)
		if asked == "" && res.Status == eligibility.Eligible {
			rep.Qualifies = append(rep.Qualifies, res)
		}
	}
	if asked != "" {
		// The other schemes in force, for "it also qualifies for …".
		others, skipped, err := a.rulesInForce(ctx, on, "")
		if err != nil {
			return EligibilityReport{}, err
		}
		rep.Skipped = skipped
		for _, lr := range others {
			if !applies(lr.rule, row.ProvinceID) || strings.EqualFold(lr.rule.Code, asked) {
				continue
			}
			if res := lr.c.Evaluate(facts, in.Cost); res.Status == eligibility.Eligible {
				rep.Qualifies = append(rep.Qualifies, res)
			}
		}
	}
	if err := a.suggestGroups(ctx, p, &rep, &row, rules, on, priority); err != nil {
		return EligibilityReport{}, err
	}
	return rep, nil
}

// Blocking returns the eligibility outcomes that keep res from being
// eligible: the criteria, failed or undecided, of the groups that do not
// pass (an alternative that fails inside a group another criterion
// passes blocks nothing). It is what a badge such as "Chưa đủ: thiếu 4
// lao động" and a "what is missing" list show.
func Blocking(res eligibility.Result) []eligibility.Outcome {
	passed := map[int]bool{}
	for _, o := range res.Outcomes {
		if o.Criterion.Kind != eligibility.KindPriority && o.State == eligibility.Pass {
			passed[o.Criterion.Group] = true
		}
	}
	var out []eligibility.Outcome
	for _, o := range res.Outcomes {
		if o.Criterion.Kind != eligibility.KindPriority && o.State != eligibility.Pass && !passed[o.Criterion.Group] {
			out = append(out, o)
		}
	}
	return out
}

// numericFailure reports whether res fails some numeric threshold (a
// blocking outcome with a gap), the case where producers may reach it
// together.
func numericFailure(res eligibility.Result) bool {
	if res.Status != eligibility.NotEligible {
		return false
	}
	for _, o := range Blocking(res) {
		if o.State == eligibility.Fail && o.Gap > 0 {
			return true
		}
	}
	return false
}

// suggestGroups fills rep.Groups for the results that fail a numeric
// threshold: candidates are the establishments of the same primary trade
// in the same or a neighbouring commune, within the caller's scope.
func (a *App) suggestGroups(ctx context.Context, p *Principal, rep *EligibilityReport, row *store.EligibilityRow, rules []loadedRule, on kc.Date, priority map[int64]bool) error {
	var failed []loadedRule
	for _, res := range rep.Results {
		if !numericFailure(res) {
			continue
		}
		for _, lr := range rules {
			if lr.rule.SchemeID == res.Rule.SchemeID {
				failed = append(failed, lr)
			}
		}
	}
	if len(failed) == 0 || rep.Facts.PrimaryTrade == "" {
		return nil
	}
	neighbours, err := a.Store.NeighbourCommunes(ctx, row.CommuneID)
	if err != nil {
		return err
	}
	communes := []int64{row.CommuneID}
	for _, n := range neighbours {
		if p.InScope(n) {
			communes = append(communes, n)
		}
	}
	seed := eligibility.Member{ID: row.ID, Name: row.Name, CommuneID: row.CommuneID, Facts: rep.Facts}
	byID := map[int64]GroupMember{row.ID: {ID: row.ID, Name: row.Name, CommuneID: row.CommuneID, CommuneName: row.CommuneName,
		Village: row.Village, Workers: rep.Facts.Workers, Seed: true}}
	var candidates []eligibility.Member
	err = a.Store.StreamEligibilityRows(ctx, store.EligibilityFilter{CommuneIDs: communes, PrimaryTrade: rep.Facts.PrimaryTrade,
		ExceptID: row.ID, Limit: groupCandidates}, on, 0, func(rows []store.EligibilityRow) error {
		for i := range rows {
			r := &rows[i]
			f := factsOf(r, on, priority)
			candidates = append(candidates, eligibility.Member{ID: r.ID, Name: r.Name, CommuneID: r.CommuneID, Facts: f})
			byID[r.ID] = GroupMember{ID: r.ID, Name: r.Name, CommuneID: r.CommuneID, CommuneName: r.CommuneName, Village: r.Village, Workers: f.Workers}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(candidates) == 0 {
		return nil
	}
	for _, lr := range failed {
		for _, g := range eligibility.SuggestGroups(lr.c, seed, candidates, groupMaxSize, groupLimit) {
			s := GroupSuggestion{Scheme: lr.rule, Combined: g.Combined, Result: g.Result, Reasons: g.Reasons}
			for _, m := range g.Members {
				gm, ok := byID[m.ID]
				if !ok {
					gm = GroupMember{ID: m.ID, Name: m.Name, CommuneID: m.CommuneID, Workers: m.Facts.Workers}
				}
				s.Members = append(s.Members, gm)
			}
			rep.Groups = append(rep.Groups, s)
		}
	}
	return nil
}

// factFieldErr returns a field error on a fact of a check of facts.
func factFieldErr(name, key string, args ...any) *kc.Error {
	return kc.FieldError("facts."+snakeCase(name), key, args...)
}

// snakeCase turns a Facts field name into the snake_case the API and
// forms use ("EthnicMinorityWorkers" → "ethnic_minority_workers").
func snakeCase(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Bounds of the figures a check of facts accepts; beyond them the input
// is nonsense rather than a large producer.
const (
	maxWorkers = 100_000
	maxMoney   = 100_000_000_000_000 // đồng
)

// validateFacts checks a set of facts given by hand (API self-check):
// numbers in range, texts among the known values, missing names that
// exist. Every problem is a field error on "facts.<field>".
func (a *App) validateFacts(ctx context.Context, f *eligibility.Facts, on kc.Date) error {
	var errs kc.Errors
	missing := func(name string) bool { return slices.Contains(f.Missing, name) }
	for _, m := range f.Missing {
		if _, ok := eligibility.FieldByName(m); !ok {
			errs = append(errs, kc.FieldError("facts.missing", "check.fact_unknown", m))
		}
	}
	count := func(name string, v, hi int) {
		if missing(name) {
			return
		}
		switch {
		case v < 0:
			errs = append(errs, factFieldErr(name, "check.fact_negative"))
		case v > hi:
			errs = append(errs, factFieldErr(name, "check.fact_too_large", vi.FormatNumber(int64(hi))))
		}
	}
	money := func(name string, v int64) {
		if missing(name) {
			return
		}
		if v < 0 {
			errs = append(errs, factFieldErr(name, "check.fact_negative"))
		} else if v > maxMoney {
			errs = append(errs, factFieldErr(name, "check.fact_too_large", vi.FormatVND(maxMoney)))
		}
	}
	count("Workers", f.Workers, maxWorkers)
	count("WomenWorkers", f.WomenWorkers, maxWorkers)
	count("EthnicMinorityWorkers", f.EthnicMinorityWorkers, maxWorkers)
	count("LocalMaterialsPct", f.LocalMaterialsPct, 100)
	count("OCOPStars", f.OCOPStars, 5)
	count("YearsActive", f.YearsActive, 300)
	money("Revenue", f.Revenue)
	money("Capital", f.Capital)
	money("AvgIncome", f.AvgIncome)
	if !missing("Workers") {
		for _, n := range []struct {
			name string
			v    int
		}{{"WomenWorkers", f.WomenWorkers}, {"EthnicMinorityWorkers", f.EthnicMinorityWorkers}} {
			if !missing(n.name) && n.v > f.Workers && n.v <= maxWorkers && f.Workers >= 0 {
				errs = append(errs, factFieldErr(n.name, "est.more_than_workers", f.Workers))
			}
		}
	}
	year := func(name string, v int) {
		if !missing(name) && v != 0 && (v < minFoundedYear || v > on.Year()) {
			errs = append(errs, factFieldErr(name, "est.year_range", minFoundedYear, on.Year()))
		}
	}
	year("FoundedYear", f.FoundedYear)
	year("FactYear", f.FactYear)
	choice := func(name, v string, allowed []string) {
		if !missing(name) && v != "" && !slices.Contains(allowed, v) {
			errs = append(errs, factFieldErr(name, "field.invalid_choice", v))
		}
	}
	choice("Kind", f.Kind, kc.EstablishmentKinds)
	choice("SizeClass", f.SizeClass, []string{kc.SizeMicro, kc.SizeSmall, kc.SizeMedium})
	choice("CommuneType", f.CommuneType, []string{"xa", "phuong", "dac_khu"})
	choice("ProvinceType", f.ProvinceType, []string{"tinh", "thanh_pho"})
	choice("Artisan", f.Artisan, kc.ArtisanTitles)
	if len(f.Trades) > 0 || f.PrimaryTrade != "" {
		trades, err := a.Store.ListTrades(ctx)
		if err != nil {
			return err
		}
		known := func(code string) bool {
			return slices.ContainsFunc(trades, func(t kc.Trade) bool { return t.Code == code })
		}
		for _, t := range f.Trades {
			if !known(t) {
				errs = append(errs, factFieldErr("Trades", "est.trade_code_unknown", t))
			}
		}
		if f.PrimaryTrade != "" && !known(f.PrimaryTrade) {
			errs = append(errs, factFieldErr("PrimaryTrade", "est.trade_code_unknown", f.PrimaryTrade))
		}
		if f.PrimaryTrade == "" && len(f.Trades) > 0 {
			f.PrimaryTrade = f.Trades[0]
		}
	}
	return oneOrAll(errs)
}

// CheckFacts evaluates a set of facts given by hand (the self-check form
// of the API, or a what-if) against the scheme asked for or every
// establishment-facing scheme in force on the day (today when zero), of
// every level and province: without an establishment there is no
// province to select local schemes by, so each result names its level
// and province. Nonsense figures (negative, more than 100,000 workers,
// more women workers than workers, unknown codes) are field errors on
// "facts.<field>"; facts listed in Missing are undetermined, never
// guessed. Any logged-in caller may use it; nothing is stored.
func (a *App) CheckFacts(ctx context.Context, facts eligibility.Facts, schemeCode string, cost int64, on kc.Date) (EligibilityReport, error) {
	if _, err := principal(ctx); err != nil {
		return EligibilityReport{}, err
	}
	on = a.checkDay(on)
	if err := validCost(cost); err != nil {
		return EligibilityReport{}, err
	}
	facts.Missing = slices.Clone(facts.Missing)
	facts.Trades = slices.Clone(facts.Trades)
	if err := a.validateFacts(ctx, &facts, on); err != nil {
		return EligibilityReport{}, err
	}
	rules, skipped, err := a.rulesInForce(ctx, on, schemeCode)
	if err != nil {
		return EligibilityReport{}, err
	}
	rep := EligibilityReport{On: on, Cost: cost, Facts: facts, Skipped: skipped}
	for _, lr := range rules {
		rep.Results = append(rep.Results, lr.c.Evaluate(facts, cost))
	}
	if strings.TrimSpace(schemeCode) != "" {
		others, _, err := a.rulesInForce(ctx, on, "")
		if err != nil {
			return EligibilityReport{}, err
		}
		for _, lr := range others {
			if strings.EqualFold(lr.rule.Code, strings.TrimSpace(schemeCode)) {
				continue
			}
			if res := lr.c.Evaluate(facts, cost); res.Status == eligibility.Eligible {
				rep.Qualifies = append(rep.Qualifies, res)
			}
		}
	} else {
		for _, res := range rep.Results {
			if res.Status == eligibility.Eligible {
				rep.Qualifies = append(rep.Qualifies, res)
			}
		}
	}
	return rep, nil
}

// canEditScheme reports whether p may change scheme version r:
// administrators any scheme, province officers the provincial and commune
// schemes of their province.
func canEditScheme(p *Principal, r eligibility.Rule) bool {
	if !auth.Can(p.User.Role, auth.PermManageSchemes) {
		return false
	}
	if p.IsAdmin() {
		return true
	}
	return r.Level != "national" && r.ProvinceID != 0 && slices.Contains(p.Units, r.ProvinceID)
}

// schemeViews turns stored versions into views for p.
func (a *App) schemeViews(ctx context.Context, p *Principal, versions []store.SchemeVersion) ([]SchemeView, error) {
	var provinces []int64
	for _, v := range versions {
		if v.ProvinceID != 0 && !slices.Contains(provinces, v.ProvinceID) {
			provinces = append(provinces, v.ProvinceID)
		}
	}
	names, err := a.Store.UnitNames(ctx, provinces)
	if err != nil {
		return nil, err
	}
	out := make([]SchemeView, 0, len(versions))
	for _, v := range versions {
		r := ruleOf(v)
		out = append(out, SchemeView{Rule: r, LegalBasisTitle: v.LegalBasisTitle, ProvinceName: names[v.ProvinceID],
			NeedsReview: !v.Confirmed, Editable: canEditScheme(p, r), UpdatedAt: v.UpdatedAt})
	}
	return out, nil
}

// Schemes returns the scheme versions in force on day on, or every
// version when on is zero: national first, then provincial and commune
// schemes, by code and version. Any logged-in caller may read them.
func (a *App) Schemes(ctx context.Context, on kc.Date) ([]SchemeView, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	versions, err := a.Store.ListSchemeVersions(ctx, on)
	if err != nil {
		return nil, err
	}
	return a.schemeViews(ctx, p, versions)
}

// Scheme returns one scheme version with every version of its code.
func (a *App) Scheme(ctx context.Context, id int64) (SchemeDetail, error) {
	p, err := principal(ctx)
	if err != nil {
		return SchemeDetail{}, err
	}
	v, err := a.Store.GetSchemeVersion(ctx, id)
	if err != nil {
		return SchemeDetail{}, err
	}
	all, err := a.Store.SchemeVersionsOf(ctx, v.Code)
	if err != nil {
		return SchemeDetail{}, err
	}
	views, err := a.schemeViews(ctx, p, append([]store.SchemeVersion{v}, all...))
	if err != nil {
		return SchemeDetail{}, err
	}
	return SchemeDetail{SchemeView: views[0], Versions: views[1:]}, nil
}

// editableScheme reads scheme version id inside tx and checks that p may
// edit it (EForbidden otherwise; every logged-in caller may read schemes,
// so nothing leaks).
func editableScheme(ctx context.Context, tx *store.Tx, p *Principal, id int64) (store.SchemeVersion, error) {
	v, err := tx.GetSchemeVersion(ctx, id)
	if err != nil {
		return v, err
	}
	if !canEditScheme(p, ruleOf(v)) {
		return v, forbidden()
	}
	return v, nil
}

// criterionErr re-keys an error of eligibility.CheckCriterion on the
// criterion form's own fields ("criteria.0.formula" → "formula"), keeping
// its message key and arguments (the formula's line and column).
func criterionErr(err error) error {
	if err == nil {
		return nil
	}
	fes := kc.FieldErrors(err)
	if len(fes) == 0 {
		if e, ok := errors.AsType[*kc.Error](err); ok && e.Code != kc.EInternal {
			return e
		}
		return kc.FieldError("formula", "scheme.criterion_invalid").Wrap(err)
	}
	var out kc.Errors
	for _, fe := range fes {
		field := fe.Field
		if strings.HasPrefix(field, "criteria.") {
			parts := strings.SplitN(field, ".", 3)
			field = parts[len(parts)-1]
		}
		out = append(out, &kc.Error{Code: kc.EInvalid, Key: fe.Key, Args: fe.Args, Field: field, Err: fe.Err})
	}
	return oneOrAll(out)
}

// validateCriterion normalises c and checks it: label, kind, group,
// points, then the field, operator and value or the formula, compiled
// against the typed facts (an unknown field or a type error is a field
// error with its position).
func validateCriterion(c *eligibility.Criterion) error {
	var errs kc.Errors
	c.Label = strings.TrimSpace(vi.NFC(c.Label))
	c.Field = strings.TrimSpace(c.Field)
	c.Op = strings.TrimSpace(c.Op)
	c.Value = strings.TrimSpace(vi.NFC(c.Value))
	// A formula keeps its lines and spaces, so that a compile error's
	// line and column point at what the author typed.
	c.Formula = strings.TrimSpace(vi.Compose(c.Formula))
	if c.Kind == "" {
		c.Kind = eligibility.KindEligibility
	}
	if c.Group == 0 {
		c.Group = 1
	}
	switch {
	case c.Label == "":
		errs = append(errs, kc.FieldError("label", "field.required"))
	case len([]rune(c.Label)) > maxCriterionLabel:
		errs = append(errs, kc.FieldError("label", "field.too_long", maxCriterionLabel))
	}
	if c.Kind != eligibility.KindEligibility && c.Kind != eligibility.KindPriority {
		errs = append(errs, kc.FieldError("kind", "field.invalid_choice", c.Kind))
	}
	if c.Group < 1 || c.Group > maxCriterionGroup {
		errs = append(errs, kc.FieldError("group", "scheme.group_range", maxCriterionGroup))
	}
	switch {
	case c.Kind == eligibility.KindPriority && (c.Points < 0 || c.Points > maxPriorityPoints):
		errs = append(errs, kc.FieldError("points", "scheme.points_range", maxPriorityPoints))
	case c.Kind == eligibility.KindEligibility && c.Points != 0:
		errs = append(errs, kc.FieldError("points", "scheme.points_priority_only"))
	}
	if len(errs) > 0 {
		return oneOrAll(errs)
	}
	if c.Formula != "" && c.Op == "" {
		c.Op = eligibility.OpFormul
	}
	return criterionErr(eligibility.CheckCriterion(*c))
}

// SaveCriterion adds a criterion to scheme version schemeID (c.ID 0) or
// changes one, after checking it; the change is audited. Administrators
// may edit every scheme, province officers the schemes of their province
// (EForbidden otherwise). A criterion that does not compile is refused
// with field errors ("field", "op", "value", "formula") that carry the
// message key and, for a formula, the line and column.
func (a *App) SaveCriterion(ctx context.Context, schemeID int64, c eligibility.Criterion) (eligibility.Criterion, error) {
	p, err := principal(ctx)
	if err != nil {
		return c, err
	}
	if !auth.Can(p.User.Role, auth.PermManageSchemes) {
		return c, forbidden()
	}
	newGroup := c.Group == 0
	if err := validateCriterion(&c); err != nil {
		return c, err
	}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		v, err := editableScheme(ctx, tx, p, schemeID)
		if err != nil {
			return err
		}
		if newGroup {
			// No group given: a condition of its own (AND with the
			// others), not an alternative to group 1.
			c.Group = 1
			for _, sc := range v.Criteria {
				if sc.ID != c.ID && sc.Group >= c.Group {
					c.Group = sc.Group + 1
				}
			}
		}
		var before any
		action := kc.ActionCreate
		if c.ID != 0 {
			i := slices.IndexFunc(v.Criteria, func(sc store.SchemeCriterion) bool { return sc.ID == c.ID })
			if i < 0 {
				return notFound()
			}
			before, action = v.Criteria[i], kc.ActionUpdate
		}
		saved, err := tx.SaveCriterion(ctx, storeCriterion(schemeID, c))
		if err != nil {
			return err
		}
		c.ID = saved.ID
		return a.audit(ctx, tx, action, "criterion", saved.ID, before, saved)
	})
	return c, err
}

// DeleteCriterion removes criterion id of scheme version schemeID; the
// deletion is audited. Same permissions as SaveCriterion.
func (a *App) DeleteCriterion(ctx context.Context, schemeID, id int64) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	if !auth.Can(p.User.Role, auth.PermManageSchemes) {
		return forbidden()
	}
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		v, err := editableScheme(ctx, tx, p, schemeID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(v.Criteria, func(sc store.SchemeCriterion) bool { return sc.ID == id })
		if i < 0 {
			return notFound()
		}
		if err := tx.DeleteCriterion(ctx, schemeID, id); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionDelete, "criterion", id, v.Criteria[i], nil)
	})
}

// schemeAudit is what the audit log keeps of a scheme version's rule.
type schemeAudit struct {
	Code             string
	Version          int
	EffectiveFrom    string
	EffectiveTo      string `json:",omitempty"`
	RateBP, UpliftBP int
	Cap              int64
	CapUnit          string
	CounterpartMinBP int
	Confirmed        bool
	Note             string
}

func auditScheme(v store.SchemeVersion) schemeAudit {
	return schemeAudit{Code: v.Code, Version: v.Version, EffectiveFrom: v.EffectiveFrom.String(), EffectiveTo: v.EffectiveTo.String(),
		RateBP: v.RateBP, UpliftBP: v.UpliftBP, Cap: v.Cap, CapUnit: v.CapUnit, CounterpartMinBP: v.CounterpartMinBP, Confirmed: v.Confirmed, Note: v.Note}
}

// overlapErr returns a field error naming the first other version of the
// same code whose period overlaps [from, to] (to zero: open), or nil.
func overlapErr(field string, others []store.SchemeVersion, selfID int64, from, to kc.Date) error {
	for _, o := range others {
		if o.ID == selfID {
			continue
		}
		// [from, to] and [o.from, o.to] overlap unless one ends before the other starts.
		endsBefore := func(end, start kc.Date) bool { return !end.IsZero() && end.Before(start) }
		if endsBefore(to, o.EffectiveFrom) || endsBefore(o.EffectiveTo, from) {
			continue
		}
		until := "…"
		if !o.EffectiveTo.IsZero() {
			until = vi.FormatDate(o.EffectiveTo.Time())
		}
		return kc.FieldError(field, "scheme.overlap", o.Version, vi.FormatDate(o.EffectiveFrom.Time()), until)
	}
	return nil
}

// validateRule checks the support rule v would have after upd: rates in
// basis points between 0 and 100 %, the uplift between 100 % and 300 % of
// the cap, the state share and the counterpart share within the cost,
// amounts in range, an effective date (a cap needs one), an end not
// before the start, and no overlap with another version of the code.
func validateRule(v store.SchemeVersion, upd *SchemeRuleUpdate, others []store.SchemeVersion) error {
	var errs kc.Errors
	rate, cap, uplift, counter := v.RateBP, v.Cap, v.UpliftBP, v.CounterpartMinBP
	from, to := v.EffectiveFrom, v.EffectiveTo
	if upd.RateBP != nil {
		rate = *upd.RateBP
	}
	if upd.Cap != nil {
		cap = *upd.Cap
	}
	if upd.UpliftBP != nil {
		uplift = *upd.UpliftBP
	}
	if upd.CounterpartMinBP != nil {
		counter = *upd.CounterpartMinBP
	}
	if upd.EffectiveFrom != nil {
		from = *upd.EffectiveFrom
	}
	if upd.EffectiveTo != nil {
		to = *upd.EffectiveTo
	}
	if rate < 0 || rate > 10_000 {
		errs = append(errs, kc.FieldError("rate_bp", "scheme.rate_range"))
	}
	if counter < 0 || counter > 10_000 {
		errs = append(errs, kc.FieldError("counterpart_min_bp", "scheme.rate_range"))
	} else if rate > 0 && rate <= 10_000 && rate+counter > 10_000 {
		errs = append(errs, kc.FieldError("counterpart_min_bp", "scheme.shares_exceed"))
	}
	if uplift != 0 && (uplift < 10_000 || uplift > 30_000) {
		errs = append(errs, kc.FieldError("uplift_bp", "scheme.uplift_range"))
	}
	if cap < 0 || cap > maxCap {
		errs = append(errs, kc.FieldError("cap", "scheme.cap_range", vi.FormatVND(maxCap)))
	}
	if upd.CapUnit != nil {
		if u := strings.TrimSpace(vi.NFC(*upd.CapUnit)); len([]rune(u)) > maxCapUnit {
			errs = append(errs, kc.FieldError("cap_unit", "field.too_long", maxCapUnit))
		}
	}
	if upd.Note != nil && len([]rune(*upd.Note)) > maxSchemeNote {
		errs = append(errs, kc.FieldError("note", "field.too_long", maxSchemeNote))
	}
	switch {
	case from.IsZero() && (cap > 0 || rate > 0):
		errs = append(errs, kc.FieldError("effective_from", "scheme.cap_needs_date"))
	case from.IsZero():
		errs = append(errs, kc.FieldError("effective_from", "field.required"))
	case !to.IsZero() && to.Before(from):
		errs = append(errs, kc.FieldError("effective_to", "scheme.end_before_start"))
	default:
		if err := overlapErr("effective_from", others, v.ID, from, to); err != nil {
			errs = append(errs, err.(*kc.Error))
		}
	}
	if len(errs) > 0 {
		return oneOrAll(errs)
	}
	// The engine's own checks of the rule (not of its criteria, which
	// are edited one by one).
	nv := v
	nv.RateBP, nv.Cap, nv.UpliftBP, nv.CounterpartMinBP, nv.EffectiveFrom, nv.EffectiveTo = rate, cap, uplift, counter, from, to
	nv.Criteria = nil
	if _, err := eligibility.Compile(ruleOf(nv)); err != nil {
		return criterionErr(err)
	}
	return nil
}

// UpdateSchemeRule changes the support rule of a scheme version (rate,
// cap and its unit, uplift, counterpart share, effective dates, the
// confirmed flag that removes the "cần xác minh" badge, the note) after
// validating it, including against overlapping versions of the same code
// (a field error naming the other version). Audited with before and
// after; same permissions as SaveCriterion.
func (a *App) UpdateSchemeRule(ctx context.Context, id int64, upd SchemeRuleUpdate) (SchemeView, error) {
	p, err := principal(ctx)
	if err != nil {
		return SchemeView{}, err
	}
	if !auth.Can(p.User.Role, auth.PermManageSchemes) {
		return SchemeView{}, forbidden()
	}
	var saved store.SchemeVersion
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		v, err := editableScheme(ctx, tx, p, id)
		if err != nil {
			return err
		}
		others, err := tx.SchemeVersionsOf(ctx, v.Code)
		if err != nil {
			return err
		}
		if err := validateRule(v, &upd, others); err != nil {
			return err
		}
		saved, err = tx.UpdateSchemeVersion(ctx, id, store.SchemeVersionUpdate(upd))
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionUpdate, "scheme", id, auditScheme(v), auditScheme(saved))
	})
	if err != nil {
		return SchemeView{}, err
	}
	views, err := a.schemeViews(ctx, p, []store.SchemeVersion{saved})
	if err != nil {
		return SchemeView{}, err
	}
	return views[0], nil
}

// CreateSchemeVersion makes a new version of the scheme of version fromID,
// in force from effectiveFrom, with the same support rule and criteria
// (to be edited next), and ends the version it copies the day before when
// that version would otherwise overlap: a change to a scheme in force
// makes a new version, and the old one stays for the projects that pinned
// it. The new version is unconfirmed until confirmed. Audited; same
// permissions as SaveCriterion.
func (a *App) CreateSchemeVersion(ctx context.Context, fromID int64, effectiveFrom kc.Date) (SchemeView, error) {
	p, err := principal(ctx)
	if err != nil {
		return SchemeView{}, err
	}
	if !auth.Can(p.User.Role, auth.PermManageSchemes) {
		return SchemeView{}, forbidden()
	}
	if effectiveFrom.IsZero() {
		return SchemeView{}, kc.FieldError("effective_from", "field.required")
	}
	var created store.SchemeVersion
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		v, err := editableScheme(ctx, tx, p, fromID)
		if err != nil {
			return err
		}
		if !effectiveFrom.After(v.EffectiveFrom) {
			return kc.FieldError("effective_from", "scheme.version_after", vi.FormatDate(v.EffectiveFrom.Time()))
		}
		others, err := tx.SchemeVersionsOf(ctx, v.Code)
		if err != nil {
			return err
		}
		if v.EffectiveTo.IsZero() || !v.EffectiveTo.Before(effectiveFrom) {
			end := effectiveFrom.AddDays(-1)
			closed, err := tx.UpdateSchemeVersion(ctx, v.ID, store.SchemeVersionUpdate{EffectiveTo: &end})
			if err != nil {
				return err
			}
			if err := a.audit(ctx, tx, kc.ActionUpdate, "scheme", v.ID, auditScheme(v), auditScheme(closed)); err != nil {
				return err
			}
			for i := range others {
				if others[i].ID == v.ID {
					others[i].EffectiveTo = end
				}
			}
		}
		to := kc.Date{}
		if !v.EffectiveTo.IsZero() && v.EffectiveTo.After(effectiveFrom) {
			to = v.EffectiveTo
		}
		if err := overlapErr("effective_from", others, 0, effectiveFrom, to); err != nil {
			return err
		}
		nv := v
		nv.EffectiveFrom, nv.EffectiveTo, nv.Confirmed = effectiveFrom, to, false
		created, err = tx.CreateSchemeVersion(ctx, nv)
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionCreate, "scheme", created.ID, nil, auditScheme(created))
	})
	if err != nil {
		return SchemeView{}, err
	}
	views, err := a.schemeViews(ctx, p, []store.SchemeVersion{created})
	if err != nil {
		return SchemeView{}, err
	}
	return views[0], nil
}

// CountMatching is the live count of the criterion editor: over the
// establishments in the caller's scope that scheme version schemeID
// applies to, today, how many pass the rule with c in place (c.ID set:
// replacing that criterion; 0: added; nil: the rule as stored), how many
// are undetermined, and how many pass c alone. A criterion that does not
// compile gives the same field errors as SaveCriterion. Any caller who
// may read the registry may count.
func (a *App) CountMatching(ctx context.Context, schemeID int64, c *eligibility.Criterion) (MatchCount, error) {
	p, err := principal(ctx)
	if err != nil {
		return MatchCount{}, err
	}
	if !auth.Can(p.User.Role, auth.PermViewRegistry) {
		return MatchCount{}, forbidden()
	}
	v, err := a.Store.GetSchemeVersion(ctx, schemeID)
	if err != nil {
		return MatchCount{}, err
	}
	rule := ruleOf(v)
	var alone *eligibility.Compiled
	if c != nil {
		cc := *c
		if err := validateCriterion(&cc); err != nil {
			return MatchCount{}, err
		}
		if i := slices.IndexFunc(rule.Criteria, func(x eligibility.Criterion) bool { return cc.ID != 0 && x.ID == cc.ID }); i >= 0 {
			rule.Criteria[i] = cc
		} else {
			rule.Criteria = append(rule.Criteria, cc)
		}
		single := cc
		single.Kind, single.Group, single.Points = eligibility.KindEligibility, 1, 0
		if alone, err = compileRule(singleRule(rule, single)); err != nil {
			return MatchCount{}, criterionErr(err)
		}
	}
	compiled, err := compileRule(rule)
	if err != nil {
		return MatchCount{}, criterionErr(err)
	}
	on := a.today()
	priority, err := a.priorityCommunes(ctx, on)
	if err != nil {
		return MatchCount{}, err
	}
	counts := make([]MatchCount, workerCount())
	err = a.parallelRows(ctx, store.EligibilityFilter{CommuneIDs: p.ScopeFilter()}, on, func(w int, rows []store.EligibilityRow) error {
		mc := &counts[w]
		for i := range rows {
			if !applies(rule, rows[i].ProvinceID) {
				continue
			}
			f := factsOf(&rows[i], on, priority)
			mc.Total++
			switch m, ok := compiled.Matches(&f); {
			case !ok:
				mc.Undetermined++
			case m:
				mc.Matching++
			}
			if alone != nil {
				switch m, ok := alone.Matches(&f); {
				case !ok:
					mc.CriterionUndetermined++
				case m:
					mc.CriterionMatching++
				}
			}
		}
		return nil
	})
	var out MatchCount
	for _, mc := range counts {
		out.Total += mc.Total
		out.Matching += mc.Matching
		out.Undetermined += mc.Undetermined
		out.CriterionMatching += mc.CriterionMatching
		out.CriterionUndetermined += mc.CriterionUndetermined
	}
	return out, err
}
