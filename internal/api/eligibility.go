package api

import (
	"net/http"
	"strconv"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/eligibility"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"
)

func (x *API) eligibilityRoutes() {
	x.handle("GET /api/v1/schemes", x.listSchemes)
	x.handle("GET /api/v1/schemes/{id}", x.getScheme)
	x.handle("POST /api/v1/eligibility/check", x.checkEligibility)
}

// Criterion is the API view of a scheme criterion: a field, an operator
// and a value, or a formula; eligibility criteria combine as OR inside a
// group and AND across groups, priority criteria add points.
type Criterion struct {
	ID      int64  `json:"id"`
	Group   int    `json:"group"`
	Kind    string `json:"kind"`
	Label   string `json:"label"`
	Field   string `json:"field"`
	Op      string `json:"op"`
	Value   string `json:"value"`
	Formula string `json:"formula"`
	Points  int    `json:"points"`
}

// Scheme is the API view of one scheme version: its support rule (at most
// rate_bp/100 % of the eligible cost and at most cap đồng, the cap raised
// to uplift_bp/100 % of itself for priority cases; 0 means "not set")
// and its criteria. needs_review is the "cần xác minh" badge: the numbers
// are not confirmed from the official text.
type Scheme struct {
	ID               int64       `json:"id"`
	Code             string      `json:"code"`
	Version          int         `json:"version"`
	Level            string      `json:"level"`
	ProvinceID       *int64      `json:"province_id"`
	ProvinceName     string      `json:"province_name,omitempty"`
	ContentArea      string      `json:"content_area"`
	Name             string      `json:"name"`
	LegalBasis       string      `json:"legal_basis"`
	LegalBasisTitle  string      `json:"legal_basis_title"`
	EffectiveFrom    string      `json:"effective_from"`
	EffectiveTo      *string     `json:"effective_to"`
	RateBP           int         `json:"rate_bp"`
	Cap              int64       `json:"cap"`
	CapUnit          string      `json:"cap_unit"`
	UpliftBP         int         `json:"uplift_bp"`
	CounterpartMinBP int         `json:"counterpart_min_bp"`
	Confirmed        bool        `json:"confirmed"`
	NeedsReview      bool        `json:"needs_review"`
	Example          bool        `json:"example"`
	Note             string      `json:"note"`
	Editable         bool        `json:"editable"`
	Criteria         []Criterion `json:"criteria"`
}

// SchemeList is the body of GET /api/v1/schemes.
type SchemeList struct {
	Items []Scheme `json:"items"`
}

// SchemeDetail is the body of GET /api/v1/schemes/{id}: the version and
// every version of its code, oldest first.
type SchemeDetail struct {
	Scheme
	Versions []Scheme `json:"versions"`
}

func toCriteria(cs []eligibility.Criterion) []Criterion {
	out := make([]Criterion, 0, len(cs))
	for _, c := range cs {
		out = append(out, Criterion{ID: c.ID, Group: c.Group, Kind: c.Kind, Label: c.Label, Field: c.Field, Op: c.Op,
			Value: c.Value, Formula: c.Formula, Points: c.Points})
	}
	return out
}

func toScheme(v app.SchemeView) Scheme {
	out := Scheme{ID: v.SchemeID, Code: v.Code, Version: v.Version, Level: v.Level, ProvinceName: v.ProvinceName, ContentArea: v.ContentArea,
		Name: v.Name, LegalBasis: v.LegalBasis, LegalBasisTitle: v.LegalBasisTitle, EffectiveFrom: v.EffectiveFrom.String(),
		RateBP: v.RateBP, Cap: v.Cap, CapUnit: v.CapUnit, UpliftBP: v.UpliftBP, CounterpartMinBP: v.CounterpartMinBP,
		Confirmed: v.Confirmed, NeedsReview: v.NeedsReview, Example: v.Example, Note: v.Note, Editable: v.Editable,
		Criteria: toCriteria(v.Criteria)}
	if v.ProvinceID != 0 {
		id := v.ProvinceID
		out.ProvinceID = &id
	}
	if !v.EffectiveTo.IsZero() {
		s := v.EffectiveTo.String()
		out.EffectiveTo = &s
	}
	return out
}

// listSchemes lists the scheme versions in force on ?on= (default today),
// or every version with ?on=all.
func (x *API) listSchemes(w http.ResponseWriter, r *http.Request) {
	on := kc.Date{}
	switch s := strings.TrimSpace(r.URL.Query().Get("on")); s {
	case "all":
	case "":
		on = kc.DateOf(x.app.Now().In(vi.Location))
	default:
		d, err := app.ParseCheckDate(s)
		if err != nil {
			unitBadRequest(w, err)
			return
		}
		on = d
	}
	views, err := x.app.Schemes(r.Context(), on)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := SchemeList{Items: make([]Scheme, 0, len(views))}
	for _, v := range views {
		out.Items = append(out.Items, toScheme(v))
	}
	writeJSON(w, http.StatusOK, out)
}

// getScheme returns one scheme version with every version of its code.
func (x *API) getScheme(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		x.fail(w, r, kc.Errorf(kc.ENotFound, "error.not_found"))
		return
	}
	d, err := x.app.Scheme(r.Context(), id)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := SchemeDetail{Scheme: toScheme(d.SchemeView), Versions: make([]Scheme, 0, len(d.Versions))}
	for _, v := range d.Versions {
		out.Versions = append(out.Versions, toScheme(v))
	}
	writeJSON(w, http.StatusOK, out)
}

// FactsInput is a set of facts for the self-check form of POST
// /api/v1/eligibility/check: a field left out (null) is not known, and a
// criterion that needs it is undetermined rather than failed.
type FactsInput struct {
	Kind                  *string  `json:"kind"`
	SizeClass             *string  `json:"size_class"`
	Registered            *bool    `json:"registered"`
	CommuneType           *string  `json:"commune_type"`
	ProvinceType          *string  `json:"province_type"`
	CraftVillage          *bool    `json:"craft_village"`
	TraditionalCraft      *bool    `json:"traditional_craft"`
	WomenOwned            *bool    `json:"women_owned"`
	EthnicMinorityOwned   *bool    `json:"ethnic_minority_owned"`
	PriorityArea          *bool    `json:"priority_area"`
	Trades                []string `json:"trades"`
	PrimaryTrade          *string  `json:"primary_trade"`
	Artisan               *string  `json:"artisan"`
	FoundedYear           *int     `json:"founded_year"`
	YearsActive           *int     `json:"years_active"`
	FactYear              *int     `json:"fact_year"`
	Workers               *int     `json:"workers"`
	WomenWorkers          *int     `json:"women_workers"`
	EthnicMinorityWorkers *int     `json:"ethnic_minority_workers"`
	Revenue               *int64   `json:"revenue"`
	Capital               *int64   `json:"capital"`
	AvgIncome             *int64   `json:"avg_income"`
	TypicalProduct        *bool    `json:"typical_product"`
	OCOPStars             *int     `json:"ocop_stars"`
	LocalMaterialsPct     *int     `json:"local_materials_pct"`
	Export                *bool    `json:"export"`
}

// facts turns the input into eligibility facts, listing the fields left
// out as missing.
func (in *FactsInput) facts() eligibility.Facts {
	var f eligibility.Facts
	str := func(name string, dst *string, v *string) {
		if v == nil {
			f.Missing = append(f.Missing, name)
			return
		}
		*dst = strings.TrimSpace(*v)
	}
	flag := func(name string, dst *bool, v *bool) {
		if v == nil {
			f.Missing = append(f.Missing, name)
			return
		}
		*dst = *v
	}
	num := func(name string, dst *int, v *int) {
		if v == nil {
			f.Missing = append(f.Missing, name)
			return
		}
		*dst = *v
	}
	money := func(name string, dst *int64, v *int64) {
		if v == nil {
			f.Missing = append(f.Missing, name)
			return
		}
		*dst = *v
	}
	str("Kind", &f.Kind, in.Kind)
	str("SizeClass", &f.SizeClass, in.SizeClass)
	flag("Registered", &f.Registered, in.Registered)
	str("CommuneType", &f.CommuneType, in.CommuneType)
	str("ProvinceType", &f.ProvinceType, in.ProvinceType)
	flag("CraftVillage", &f.CraftVillage, in.CraftVillage)
	flag("TraditionalCraft", &f.TraditionalCraft, in.TraditionalCraft)
	flag("WomenOwned", &f.WomenOwned, in.WomenOwned)
	flag("EthnicMinorityOwned", &f.EthnicMinorityOwned, in.EthnicMinorityOwned)
	flag("PriorityArea", &f.PriorityArea, in.PriorityArea)
	if in.Trades == nil {
		f.Missing = append(f.Missing, "Trades")
	} else {
		f.Trades = append([]string{}, in.Trades...)
	}
	str("PrimaryTrade", &f.PrimaryTrade, in.PrimaryTrade)
	if in.PrimaryTrade == nil && len(in.Trades) > 0 {
		f.PrimaryTrade = in.Trades[0]
		f.Missing = f.Missing[:len(f.Missing)-1]
	}
	str("Artisan", &f.Artisan, in.Artisan)
	num("FoundedYear", &f.FoundedYear, in.FoundedYear)
	num("YearsActive", &f.YearsActive, in.YearsActive)
	num("FactYear", &f.FactYear, in.FactYear)
	num("Workers", &f.Workers, in.Workers)
	num("WomenWorkers", &f.WomenWorkers, in.WomenWorkers)
	num("EthnicMinorityWorkers", &f.EthnicMinorityWorkers, in.EthnicMinorityWorkers)
	money("Revenue", &f.Revenue, in.Revenue)
	money("Capital", &f.Capital, in.Capital)
	money("AvgIncome", &f.AvgIncome, in.AvgIncome)
	flag("TypicalProduct", &f.TypicalProduct, in.TypicalProduct)
	num("OCOPStars", &f.OCOPStars, in.OCOPStars)
	num("LocalMaterialsPct", &f.LocalMaterialsPct, in.LocalMaterialsPct)
	flag("Export", &f.Export, in.Export)
	return f
}

// CheckRequest is the body of POST /api/v1/eligibility/check: either an
// establishment id (within the caller's scope) or a set of facts, the
// scheme code (every scheme in force when empty), the planned cost in
// đồng (0: none) and the day whose rules apply (YYYY-MM-DD, default
// today).
type CheckRequest struct {
	EstablishmentID int64       `json:"establishment_id"`
	Facts           *FactsInput `json:"facts"`
	Scheme          string      `json:"scheme"`
	Cost            int64       `json:"cost"`
	On              string      `json:"on"`
}

// SchemeRef names a scheme version in results.
type SchemeRef struct {
	ID        int64  `json:"id"`
	Code      string `json:"code"`
	Version   int    `json:"version"`
	Name      string `json:"name"`
	Level     string `json:"level"`
	Example   bool   `json:"example"`
	Confirmed bool   `json:"confirmed"`
}

// Outcome is one criterion's result: state pass, fail or unknown, the
// actual value, the requirement, and for a failed threshold the gap in
// the field's unit with its words ("thiếu 4 lao động"); missing names the
// facts that were not known.
type Outcome struct {
	Criterion Criterion `json:"criterion"`
	State     string    `json:"state"`
	Actual    string    `json:"actual"`
	Required  string    `json:"required"`
	Gap       int64     `json:"gap"`
	GapField  string    `json:"gap_field,omitempty"`
	GapText   string    `json:"gap_text,omitempty"`
	Missing   []string  `json:"missing"`
}

// Support is the maximum support for the planned cost with the
// arithmetic in words; unset means the rate or cap still needs
// verification ("cần xác minh").
type Support struct {
	Cost        int64    `json:"cost"`
	RateBP      int      `json:"rate_bp"`
	Cap         int64    `json:"cap"`
	Uplifted    bool     `json:"uplifted"`
	Amount      int64    `json:"amount"`
	Counterpart int64    `json:"counterpart"`
	Unset       bool     `json:"unset"`
	Steps       []string `json:"steps"`
}

// Result is the evaluation of one scheme.
type Result struct {
	Scheme         SchemeRef `json:"scheme"`
	Status         string    `json:"status"`
	StatusText     string    `json:"status_text"`
	Outcomes       []Outcome `json:"outcomes"`
	Priority       int       `json:"priority"`
	PriorityLabels []string  `json:"priority_labels"`
	Support        Support   `json:"support"`
}

// GroupMember is one establishment of a suggested group.
type GroupMember struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	CommuneID   int64  `json:"commune_id"`
	CommuneName string `json:"commune_name"`
	Village     string `json:"village"`
	Workers     int    `json:"workers"`
	Seed        bool   `json:"seed"`
}

// Group is a suggested cooperative group that would meet a scheme's
// thresholds, with the reasoning in words.
type Group struct {
	Scheme  SchemeRef     `json:"scheme"`
	Members []GroupMember `json:"members"`
	Workers int           `json:"workers"`
	Status  string        `json:"status"`
	Reasons []string      `json:"reasons"`
}

// Facts are the facts an evaluation used; missing lists those not known.
type Facts struct {
	Kind                  string   `json:"kind"`
	SizeClass             string   `json:"size_class"`
	Registered            bool     `json:"registered"`
	CommuneType           string   `json:"commune_type"`
	ProvinceType          string   `json:"province_type"`
	CraftVillage          bool     `json:"craft_village"`
	TraditionalCraft      bool     `json:"traditional_craft"`
	WomenOwned            bool     `json:"women_owned"`
	EthnicMinorityOwned   bool     `json:"ethnic_minority_owned"`
	PriorityArea          bool     `json:"priority_area"`
	Trades                []string `json:"trades"`
	PrimaryTrade          string   `json:"primary_trade"`
	Artisan               string   `json:"artisan"`
	FoundedYear           int      `json:"founded_year"`
	YearsActive           int      `json:"years_active"`
	FactYear              int      `json:"fact_year"`
	Workers               int      `json:"workers"`
	WomenWorkers          int      `json:"women_workers"`
	EthnicMinorityWorkers int      `json:"ethnic_minority_workers"`
	Revenue               int64    `json:"revenue"`
	Capital               int64    `json:"capital"`
	AvgIncome             int64    `json:"avg_income"`
	TypicalProduct        bool     `json:"typical_product"`
	OCOPStars             int      `json:"ocop_stars"`
	LocalMaterialsPct     int      `json:"local_materials_pct"`
	Export                bool     `json:"export"`
	Missing               []string `json:"missing"`
}

// CheckEstablishment names the establishment checked.
type CheckEstablishment struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	CommuneID   int64  `json:"commune_id"`
	CommuneCode string `json:"commune_code"`
	CommuneName string `json:"commune_name"`
	Village     string `json:"village"`
}

// Skipped is a scheme that could not be evaluated (its stored criteria
// do not compile).
type Skipped struct {
	Scheme  SchemeRef `json:"scheme"`
	Message string    `json:"message"`
}

// CheckResponse is the answer of POST /api/v1/eligibility/check and of
// `khuyencong eligibility check --json`.
type CheckResponse struct {
	On            string              `json:"on"`
	Cost          int64               `json:"cost"`
	Establishment *CheckEstablishment `json:"establishment"`
	Facts         Facts               `json:"facts"`
	Results       []Result            `json:"results"`
	Qualifies     []SchemeRef         `json:"qualifies"`
	Groups        []Group             `json:"groups"`
	Skipped       []Skipped           `json:"skipped"`
}

func toSchemeRef(r eligibility.Rule) SchemeRef {
	return SchemeRef{ID: r.SchemeID, Code: r.Code, Version: r.Version, Name: r.Name, Level: r.Level, Example: r.Example, Confirmed: r.Confirmed}
}

func steps(lang string, ss []eligibility.Step) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		out = append(out, locale.T(lang, s.Key, s.Args...))
	}
	return out
}

func toResult(lang string, res eligibility.Result) Result {
	out := Result{Scheme: toSchemeRef(res.Rule), Status: res.Status, StatusText: locale.T(lang, "check.status."+res.Status),
		Outcomes: make([]Outcome, 0, len(res.Outcomes)), Priority: res.Priority, PriorityLabels: append([]string{}, res.PriorityLabels...)}
	for _, o := range res.Outcomes {
		c := toCriteria([]eligibility.Criterion{o.Criterion})[0]
		out.Outcomes = append(out.Outcomes, Outcome{Criterion: c, State: o.State, Actual: o.Actual, Required: o.Required, Gap: o.Gap,
			GapField: o.GapField, GapText: app.GapText(lang, o), Missing: append([]string{}, o.Missing...)})
	}
	s := res.Support
	out.Support = Support{Cost: s.Cost, RateBP: s.RateBP, Cap: s.Cap, Uplifted: s.Uplifted, Amount: s.Amount, Counterpart: s.Counterpart,
		Unset: s.Unset, Steps: steps(lang, s.Steps)}
	return out
}

func toFacts(f eligibility.Facts) Facts {
	return Facts{Kind: f.Kind, SizeClass: f.SizeClass, Registered: f.Registered, CommuneType: f.CommuneType, ProvinceType: f.ProvinceType,
		CraftVillage: f.CraftVillage, TraditionalCraft: f.TraditionalCraft, WomenOwned: f.WomenOwned, EthnicMinorityOwned: f.EthnicMinorityOwned,
		PriorityArea: f.PriorityArea, Trades: append([]string{}, f.Trades...), PrimaryTrade: f.PrimaryTrade, Artisan: f.Artisan,
		FoundedYear: f.FoundedYear, YearsActive: f.YearsActive, FactYear: f.FactYear, Workers: f.Workers, WomenWorkers: f.WomenWorkers,
		EthnicMinorityWorkers: f.EthnicMinorityWorkers, Revenue: f.Revenue, Capital: f.Capital, AvgIncome: f.AvgIncome,
		TypicalProduct: f.TypicalProduct, OCOPStars: f.OCOPStars, LocalMaterialsPct: f.LocalMaterialsPct, Export: f.Export,
		Missing: append([]string{}, f.Missing...)}
}

// NewCheckResponse turns an eligibility report into its JSON shape with
// texts in language lang; the command line prints the same shape.
func NewCheckResponse(rep app.EligibilityReport, lang string) CheckResponse {
	out := CheckResponse{On: rep.On.String(), Cost: rep.Cost, Facts: toFacts(rep.Facts), Results: make([]Result, 0, len(rep.Results)),
		Qualifies: make([]SchemeRef, 0, len(rep.Qualifies)), Groups: make([]Group, 0, len(rep.Groups)), Skipped: make([]Skipped, 0, len(rep.Skipped))}
	if e := rep.Establishment; e.ID != 0 {
		out.Establishment = &CheckEstablishment{ID: e.ID, Name: e.Name, Kind: e.Kind, CommuneID: e.CommuneID, CommuneCode: e.CommuneCode,
			CommuneName: e.CommuneName, Village: e.Village}
	}
	for _, res := range rep.Results {
		out.Results = append(out.Results, toResult(lang, res))
	}
	for _, res := range rep.Qualifies {
		out.Qualifies = append(out.Qualifies, toSchemeRef(res.Rule))
	}
	for _, g := range rep.Groups {
		gv := Group{Scheme: toSchemeRef(g.Scheme), Workers: g.Combined.Workers, Status: g.Result.Status, Reasons: steps(lang, g.Reasons),
			Members: make([]GroupMember, 0, len(g.Members))}
		for _, m := range g.Members {
			gv.Members = append(gv.Members, GroupMember{ID: m.ID, Name: m.Name, CommuneID: m.CommuneID, CommuneName: m.CommuneName,
				Village: m.Village, Workers: m.Workers, Seed: m.Seed})
		}
		out.Groups = append(out.Groups, gv)
	}
	for _, s := range rep.Skipped {
		out.Skipped = append(out.Skipped, Skipped{Scheme: SchemeRef{ID: s.SchemeID, Code: s.Code, Name: s.Name},
			Message: locale.T(lang, "check.out.skipped", s.Code)})
	}
	return out
}

// checkEligibility evaluates an establishment in the caller's scope (404
// outside it) or a set of facts against one or every scheme in force;
// nothing is stored. Malformed JSON is 400, invalid values (an unknown
// scheme, nonsense numbers, both or neither of establishment_id and
// facts) 422 with the fields.
func (x *API) checkEligibility(w http.ResponseWriter, r *http.Request) {
	var in CheckRequest
	if !x.decode(w, r, &in) {
		return
	}
	on, err := app.ParseCheckDate(in.On)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	var rep app.EligibilityReport
	switch {
	case (in.EstablishmentID != 0) == (in.Facts != nil):
		err = kc.FieldError("establishment_id", "check.facts_or_establishment")
	case in.Facts != nil:
		rep, err = x.app.CheckFacts(r.Context(), in.Facts.facts(), in.Scheme, in.Cost, on)
	default:
		rep, err = x.app.CheckEligibility(r.Context(), app.EligibilityCheck{EstablishmentID: in.EstablishmentID, SchemeCode: in.Scheme,
			Cost: in.Cost, On: on})
	}
	if err != nil {
		x.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, NewCheckResponse(rep, locale.Default))
}
