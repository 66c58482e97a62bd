package eligibility

import "khuyencong/internal/kc"

// Facts are what criteria can test about one establishment (or a group of
// them, or the answers of a self-check). Field names are the names
// criteria and formulas use. A fact that is not known is listed in
// Missing (by field name) and holds its zero value; a criterion that
// needs it is undetermined, never failed.
type Facts struct {
	Kind                  string   // kc.Kind* (household_business, household, coop_group, …)
	SizeClass             string   // micro | small | medium | "" (enterprises)
	Registered            bool     // holds a business registration (or is a cooperative / enterprise)
	CommuneType           string   // "xa" | "phuong" | "dac_khu" (current commune)
	ProvinceType          string   // "tinh" | "thanh_pho"
	CraftVillage          bool     // in a craft village recognised by the province
	TraditionalCraft      bool     // practises a traditional craft
	WomenOwned            bool     // owned by a woman
	EthnicMinorityOwned   bool     // owned by an ethnic-minority person
	PriorityArea          bool     // highland, border, ethnic-minority or especially difficult area
	Trades                []string // trade codes, primary first
	PrimaryTrade          string   // trade code
	Artisan               string   // none | folk | meritorious
	FoundedYear           int      // year production started
	YearsActive           int      // years since FoundedYear at the evaluation date
	FactYear              int      // year of the figures below
	Workers               int      // workers (lao động)
	WomenWorkers          int      // women workers
	EthnicMinorityWorkers int      // ethnic-minority workers
	Revenue               int64    // đồng per year
	Capital               int64    // đồng
	AvgIncome             int64    // đồng per worker per month
	TypicalProduct        bool     // holds a valid typical rural industrial product certificate
	OCOPStars             int      // highest valid OCOP rating, 0 if none
	LocalMaterialsPct     int      // share of inputs from the same province, percent
	Export                bool     // produces for export
	// Missing names the fields above whose value is not known.
	Missing []string `expr:"-"`
}

// Field types of the fact catalogue.
const (
	TypeInt   = "int"   // a count or a year
	TypeMoney = "money" // đồng
	TypeBool  = "bool"
	TypeText  = "text" // one of Options when set
	TypeList  = "list" // a list of codes (Trades)
)

// Field describes one field of Facts for editors, validation and gap
// texts. LabelKey and UnitKey are locale keys ("elig.field.workers",
// "elig.unit.workers" → "lao động").
type Field struct {
	Name     string // the Facts field name used in criteria: "Workers"
	Type     string
	LabelKey string
	UnitKey  string
	Options  []string // allowed values of a text field, when closed
}

// Criterion kinds.
const (
	KindEligibility = "eligibility"
	KindPriority    = "priority"
)

// Operators of a simple criterion.
const (
	OpGE     = ">="
	OpGT     = ">"
	OpLE     = "<="
	OpLT     = "<"
	OpEQ     = "=="
	OpNE     = "!="
	OpIn     = "in"     // Value is a comma-separated list
	OpNotIn  = "not_in" // Value is a comma-separated list
	OpTrue   = "true"   // a bool field is true (Value empty)
	OpFalse  = "false"  // a bool field is false (Value empty)
	OpHas    = "has"    // a list field (Trades) contains Value
	OpFormul = "formula"
)

// Criterion is one labelled condition of a scheme version. Either Field,
// Op and Value are set, or Formula (an expr boolean expression over the
// Facts fields, e.g. `Workers + WomenWorkers >= 12 && Registered`).
// Eligibility criteria combine as OR inside a Group and AND across
// groups; priority criteria add Points when they hold.
type Criterion struct {
	ID      int64
	Group   int
	Kind    string // KindEligibility | KindPriority
	Label   string // Vietnamese, as officials write it
	Field   string
	Op      string
	Value   string
	Formula string
	Points  int
}

// Rule is one version of a support scheme with its criteria and its
// support rule: at most RateBP/100 % of the eligible cost and at most Cap
// đồng, the cap raised to UpliftBP/100 % of itself for priority cases
// where the rules allow it; the beneficiary funds at least
// CounterpartMinBP/100 % of the cost. A zero RateBP means no percentage
// (the cap alone); a zero Cap means no cap when the rule is Confirmed and
// "not set" otherwise: an unconfirmed value the administrator must enter
// (Confirmed false shows the "cần xác minh" badge). See SupportFor.
type Rule struct {
	SchemeID         int64
	Code             string
	Version          int
	Level            string // national | provincial | commune
	ProvinceID       int64  // for provincial and commune schemes
	ContentArea      string
	Name             string
	LegalBasis       string
	EffectiveFrom    kc.Date
	EffectiveTo      kc.Date // zero: open
	RateBP           int
	Cap              int64
	CapUnit          string
	UpliftBP         int
	CounterpartMinBP int
	Confirmed        bool
	Example          bool // an example set, labelled as such
	Note             string
	Criteria         []Criterion
}

// InForce reports whether the rule applies on day d.
func (r Rule) InForce(d kc.Date) bool {
	if d.Before(r.EffectiveFrom) {
		return false
	}
	return r.EffectiveTo.IsZero() || !r.EffectiveTo.Before(d)
}

// Statuses of an evaluation.
const (
	Eligible     = "eligible"
	NotEligible  = "not_eligible"
	Undetermined = "undetermined"
)

// Outcome states of one criterion.
const (
	Pass    = "pass"
	Fail    = "fail"
	Unknown = "unknown"
)

// Outcome is one criterion's result with what the explanation shows:
// the actual value, the requirement, and for a failed numeric criterion
// the gap (how much is missing, in the field's unit: 4 workers, 20,000,000
// đồng). Missing lists the facts that were not known.
type Outcome struct {
	Criterion Criterion
	State     string // Pass | Fail | Unknown
	Actual    string // formatted value, "" when unknown
	Required  string // formatted requirement: "≥ 10"
	Gap       int64  // > 0 for a failed numeric threshold; 0 otherwise
	GapField  string // the field whose unit the gap is in
	Missing   []string
}

// Support is the maximum support amount for a planned cost, with the
// arithmetic shown step by step (locale keys and arguments, rendered by
// the caller).
type Support struct {
	Cost        int64 // eligible cost, đồng (0: not given)
	RateBP      int
	Cap         int64 // the cap applied (after an uplift)
	Uplifted    bool
	Amount      int64 // min(rate × cost, cap); the cap alone when no cost
	Counterpart int64 // the beneficiary's minimum share of the cost
	Unset       bool  // no cap, and no rate or not confirmed: "cần xác minh"
	Steps       []Step
}

// Step is one line of the arithmetic: a locale key and its arguments.
type Step struct {
	Key  string
	Args []any
}

// Result is the evaluation of one establishment against one rule.
type Result struct {
	Rule           Rule
	Status         string // Eligible | NotEligible | Undetermined
	Outcomes       []Outcome
	Priority       int      // priority points
	PriorityLabels []string // the priority criteria that held
	Support        Support
}

// Failed returns the eligibility outcomes that failed.
func (r Result) Failed() []Outcome {
	var out []Outcome
	for _, o := range r.Outcomes {
		if o.State == Fail && o.Criterion.Kind != KindPriority {
			out = append(out, o)
		}
	}
	return out
}

// OpenGroups returns the eligibility groups of r that no outcome passes,
// in the order the rule lists them, each with its outcomes (a group is the
// OR of its criteria, so one passing criterion closes it). Priority
// criteria are left out. These are what keep r from being eligible.
func (r Result) OpenGroups() [][]Outcome {
	var order []int
	byGroup := map[int][]Outcome{}
	for _, o := range r.Outcomes {
		if o.Criterion.Kind == KindPriority {
			continue
		}
		g := o.Criterion.Group
		if _, seen := byGroup[g]; !seen {
			order = append(order, g)
		}
		byGroup[g] = append(byGroup[g], o)
	}
	var out [][]Outcome
	for _, g := range order {
		passed := false
		for _, o := range byGroup[g] {
			passed = passed || o.State == Pass
		}
		if !passed {
			out = append(out, byGroup[g])
		}
	}
	return out
}
