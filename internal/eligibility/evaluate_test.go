package eligibility

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"khuyencong/internal/kc"
)

// beneficiaryRule is an example nd235 rule (khuyen-cong.md §3.2, §3.8):
// a kind of beneficiary, a place (OR of three), at least 10 workers, and
// the priorities of §3.8 as points.
func beneficiaryRule() Rule {
	r := rule(
		elig(1, "Loại hình được hỗ trợ", "Kind", OpIn, "household_business, coop_group, cooperative, coop_union, enterprise"),
		elig(2, "Sản xuất tại xã hoặc đặc khu", "CommuneType", OpIn, "xa, dac_khu"),
		elig(2, "Thuộc làng nghề được công nhận", "CraftVillage", OpTrue, ""),
		elig(2, "Sản xuất tại tỉnh", "ProvinceType", OpEQ, "tinh"),
		elig(3, "Số lao động từ 10 trở lên", "Workers", OpGE, "10"),
		// khuyen-cong.md line 356: women- and ethnic-minority-owned establishments from 15/10/2025.
		prio(10, "Do phụ nữ làm chủ", "WomenOwned", OpTrue, ""),
		prio(10, "Do người dân tộc thiểu số làm chủ", "EthnicMinorityOwned", OpTrue, ""),
		// khuyen-cong.md line 350: labour-intensive is ≥ 50 workers.
		prio(5, "Sử dụng nhiều lao động", "Workers", OpGE, "50"),
	)
	r.RateBP, r.Cap, r.UpliftBP, r.Confirmed = 3000, m(500), 15000, true
	return r
}

// goodFacts pass beneficiaryRule.
func goodFacts() Facts {
	return Facts{Kind: kc.KindHouseholdBusiness, Registered: true, CommuneType: "xa", ProvinceType: "tinh",
		Workers: 12, FoundedYear: 2015, Trades: []string{"C1101"}, PrimaryTrade: "C1101"}
}

func TestEvaluateStatus(t *testing.T) {
	c := mustCompile(t, beneficiaryRule())
	tests := []struct {
		name    string
		edit    func(*Facts)
		status  string
		unknown []string // labels of the unknown outcomes
	}{
		{"eligible", func(*Facts) {}, Eligible, nil},
		{"too few workers", func(f *Facts) { f.Workers = 6 }, NotEligible, nil},
		{"workers not known", func(f *Facts) { f.Missing = []string{"Workers"} }, Undetermined, []string{"Số lao động từ 10 trở lên", "Sử dụng nhiều lao động"}},
		{"workers not known but the kind fails", func(f *Facts) { f.Kind = kc.KindHousehold; f.Missing = []string{"Workers"} }, NotEligible, []string{"Số lao động từ 10 trở lên", "Sử dụng nhiều lao động"}},
		{"OR: ward of a city but in a craft village", func(f *Facts) { f.CommuneType, f.ProvinceType, f.CraftVillage = "phuong", "thanh_pho", true }, Eligible, nil},
		{"OR: ward of a city, no craft village", func(f *Facts) { f.CommuneType, f.ProvinceType = "phuong", "thanh_pho" }, NotEligible, nil},
		{"OR: ward of a province", func(f *Facts) { f.CommuneType = "phuong" }, Eligible, nil},
		{"OR: one alternative unknown, another passes", func(f *Facts) { f.Missing = []string{"CommuneType"}; f.CraftVillage = true }, Eligible, []string{"Sản xuất tại xã hoặc đặc khu"}},
		{"OR: one alternative unknown, the others fail", func(f *Facts) {
			f.Missing = []string{"CraftVillage"}
			f.CommuneType, f.ProvinceType = "phuong", "thanh_pho"
		}, Undetermined, []string{"Thuộc làng nghề được công nhận"}},
		{"unknown names in Missing are ignored", func(f *Facts) { f.Missing = []string{"Nothing", "Missing"} }, Eligible, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := goodFacts()
			tt.edit(&f)
			res := c.Evaluate(f, 0)
			if res.Status != tt.status {
				t.Errorf("status %s, want %s", res.Status, tt.status)
			}
			var unknown []string
			for _, o := range res.Outcomes {
				if o.State == Unknown {
					unknown = append(unknown, o.Criterion.Label)
					if len(o.Missing) == 0 || o.Actual != "" {
						t.Errorf("unknown outcome %+v", o)
					}
				}
			}
			if !slices.Equal(unknown, tt.unknown) {
				t.Errorf("unknown %v, want %v", unknown, tt.unknown)
			}
			checkMatches(t, c, &f, res.Status)
		})
	}
}

// checkMatches checks that Matches agrees with the status.
func checkMatches(t testing.TB, c *Compiled, f *Facts, status string) {
	t.Helper()
	match, ok := c.Matches(f)
	want := map[string][2]bool{Eligible: {true, true}, NotEligible: {false, true}, Undetermined: {false, false}}[status]
	if match != want[0] || ok != want[1] {
		t.Errorf("Matches = %v, %v for status %s", match, ok, status)
	}
}

func TestEvaluateOutcomes(t *testing.T) {
	c := mustCompile(t, beneficiaryRule())
	f := goodFacts()
	f.Workers = 6
	res := c.Evaluate(f, 0)
	if len(res.Outcomes) != len(c.Rule.Criteria) {
		t.Fatalf("%d outcomes for %d criteria", len(res.Outcomes), len(c.Rule.Criteria))
	}
	for i, o := range res.Outcomes {
		if o.Criterion.Label != c.Rule.Criteria[i].Label {
			t.Errorf("outcome %d is %q", i, o.Criterion.Label)
		}
	}
	w := res.Outcomes[4]
	if w.State != Fail || w.Actual != "6" || w.Required != "≥ 10" || w.Gap != 4 || w.GapField != "Workers" {
		t.Errorf("workers outcome %+v", w)
	}
	// Failed lists the failed alternatives of a passing OR group too.
	if failed := res.Failed(); len(failed) != 2 || failed[0].Criterion.Field != "CraftVillage" || failed[1].Criterion.Field != "Workers" {
		t.Errorf("Failed() = %+v", failed)
	}
	step, ok := w.GapStep()
	if !ok || step.Key != "elig.gap.short.workers" || render(t, step.Key, step.Args...) != "thiếu 4 lao động" {
		t.Errorf("gap step %v", step)
	}
	if k := res.Outcomes[0]; k.Actual != "household_business" || k.Required != "∈ {household_business, coop_group, cooperative, coop_union, enterprise}" {
		t.Errorf("kind outcome %+v", k)
	}
	if v := res.Outcomes[2]; v.State != Fail || v.Actual != "không" || v.Required != "có" || v.Gap != 0 {
		t.Errorf("craft village outcome %+v", v)
	}
	render(t, StatusKey(res.Status))
	render(t, StateKey(Unknown))
}

func TestGap(t *testing.T) {
	tests := []struct {
		name     string
		field    string
		op       string
		value    string
		facts    Facts
		actual   string
		required string
		gap      int64
		gapKey   string
		gapText  string
	}{
		{"≥ 10 with 6", "Workers", OpGE, "10", Facts{Workers: 6}, "6", "≥ 10", 4, "elig.gap.short.workers", "thiếu 4 lao động"},
		{"> 10 with 6", "Workers", OpGT, "10", Facts{Workers: 6}, "6", "> 10", 5, "elig.gap.short.workers", "thiếu 5 lao động"},
		{"≤ 10 with 13", "Workers", OpLE, "10", Facts{Workers: 13}, "13", "≤ 10", 3, "elig.gap.excess.workers", "vượt 3 lao động"},
		{"< 10 with 13", "Workers", OpLT, "10", Facts{Workers: 13}, "13", "< 10", 4, "elig.gap.excess.workers", "vượt 4 lao động"},
		{"revenue in đồng", "Revenue", OpGE, "1000000000", Facts{Revenue: 980_000_000}, "980.000.000 ₫", "≥ 1.000.000.000 ₫", 20_000_000, "elig.gap.short.dong", "thiếu 20.000.000 đồng"},
		{"years are not grouped", "FoundedYear", OpLE, "2020", Facts{FoundedYear: 2022}, "2022", "≤ 2020", 2, "elig.gap.excess.years", "vượt 2 năm"},
		{"equality has no gap", "OCOPStars", OpEQ, "4", Facts{OCOPStars: 3}, "3", "= 4", 0, "", ""},
		{"int list has no gap", "OCOPStars", OpIn, "4,5", Facts{OCOPStars: 3}, "3", "∈ {4, 5}", 0, "", ""},
		{"text", "CommuneType", OpNE, "phuong", Facts{CommuneType: "phuong"}, "phuong", "≠ phuong", 0, "", ""},
		{"list", "Trades", OpHas, "C1101", Facts{Trades: []string{"C1102", "C3240"}}, "C1102, C3240", "∋ C1101", 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustCompile(t, rule(elig(1, "x", tt.field, tt.op, tt.value)))
			o := c.Evaluate(tt.facts, 0).Outcomes[0]
			if o.State != Fail || o.Actual != tt.actual || o.Required != tt.required || o.Gap != tt.gap {
				t.Errorf("outcome %+v", o)
			}
			step, ok := o.GapStep()
			if ok != (tt.gapKey != "") || step.Key != tt.gapKey {
				t.Fatalf("gap step %v %v", step, ok)
			}
			if ok {
				if got := render(t, step.Key, step.Args...); got != tt.gapText {
					t.Errorf("gap renders %q, want %q", got, tt.gapText)
				}
			}
		})
	}
}

func TestEvaluateFormula(t *testing.T) {
	c := mustCompile(t, rule(formula(1, "Lao động và lao động nữ từ 12", "Workers + WomenWorkers >= 12 && Registered")))
	res := c.Evaluate(Facts{Workers: 8, WomenWorkers: 5, Registered: true}, 0)
	o := res.Outcomes[0]
	if res.Status != Eligible || o.Actual != "Registered: có; Workers: 8; WomenWorkers: 5" || o.Required != "Workers + WomenWorkers >= 12 && Registered" {
		t.Errorf("%s %+v", res.Status, o)
	}
	res = c.Evaluate(Facts{Workers: 8, Registered: true, Missing: []string{"WomenWorkers"}}, 0)
	if res.Status != Undetermined || !slices.Equal(res.Outcomes[0].Missing, []string{"WomenWorkers"}) {
		t.Errorf("%s %+v", res.Status, res.Outcomes[0])
	}
	// A run-time error (index out of range) fails the criterion.
	c = mustCompile(t, rule(formula(1, "Nghề đầu tiên", `Trades[0] == "C1101"`)))
	if res := c.Evaluate(Facts{}, 0); res.Status != NotEligible {
		t.Errorf("run-time error gives %s", res.Status)
	}
}

func TestPriorityAndUplift(t *testing.T) {
	c := mustCompile(t, beneficiaryRule())
	f := goodFacts()
	f.Workers, f.WomenOwned = 60, true
	res := c.Evaluate(f, m(5000))
	if res.Priority != 15 || !slices.Equal(res.PriorityLabels, []string{"Do phụ nữ làm chủ", "Sử dụng nhiều lao động"}) {
		t.Errorf("priority %d %v", res.Priority, res.PriorityLabels)
	}
	// 30 % of 5,000 m, cap 500 m raised to 750 m for a priority case.
	if !res.Support.Uplifted || res.Support.Amount != m(750) {
		t.Errorf("support %+v", res.Support)
	}
	for _, o := range res.Failed() {
		if o.Criterion.Kind == KindPriority {
			t.Errorf("priority outcome counted as failed: %v", o)
		}
	}
	f.WomenOwned, f.Workers = false, 12
	res = c.Evaluate(f, m(5000))
	if res.Priority != 0 || res.Support.Uplifted || res.Support.Amount != m(500) {
		t.Errorf("no priority: %d %+v", res.Priority, res.Support)
	}
}

func TestNoEligibilityCriteria(t *testing.T) {
	c := mustCompile(t, rule(prio(5, "Xuất khẩu", "Export", OpTrue, "")))
	f := Facts{Missing: []string{"Export"}}
	res := c.Evaluate(f, 0)
	if res.Status != Eligible || res.Outcomes[0].State != Unknown {
		t.Errorf("%s %+v", res.Status, res.Outcomes)
	}
	checkMatches(t, c, &f, Eligible)
}

func TestNearEligible(t *testing.T) {
	c := mustCompile(t, beneficiaryRule())
	tests := []struct {
		name   string
		edit   func(*Facts)
		margin int
		near   bool
	}{
		{"8 of 10 within 20 %", func(f *Facts) { f.Workers = 8 }, 20, true},
		{"7 of 10 beyond 20 %", func(f *Facts) { f.Workers = 7 }, 20, false},
		{"7 of 10 within 30 %", func(f *Facts) { f.Workers = 7 }, 30, true},
		{"eligible is not near", func(*Facts) {}, 20, false},
		{"two failures", func(f *Facts) { f.Workers, f.Kind = 9, kc.KindHousehold }, 20, false},
		{"another group unknown", func(f *Facts) { f.Workers = 9; f.Missing = []string{"Kind"} }, 20, false},
		{"an unknown alternative of a passing group", func(f *Facts) { f.Workers = 9; f.Missing = []string{"CraftVillage"} }, 20, true},
		{"OR group fails on text", func(f *Facts) { f.CommuneType, f.ProvinceType = "phuong", "thanh_pho" }, 20, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := goodFacts()
			tt.edit(&f)
			o, near := NearEligible(c.Evaluate(f, 0), tt.margin)
			if near != tt.near {
				t.Fatalf("near = %v, want %v", near, tt.near)
			}
			if near && (o.Criterion.Field != "Workers" || o.Gap != 10-int64(f.Workers)) {
				t.Errorf("outcome %+v", o)
			}
		})
	}
	// ">" counts from the threshold value: > 1,000 m revenue with 900 m.
	c = mustCompile(t, rule(elig(1, "Doanh thu trên 1 tỷ", "Revenue", OpGT, "1000000000")))
	if o, near := NearEligible(c.Evaluate(Facts{Revenue: m(900)}, 0), 11); !near || o.Gap != m(100)+1 {
		t.Errorf("revenue: %v %+v", near, o)
	}
	if _, near := NearEligible(c.Evaluate(Facts{Revenue: m(900)}, 0), 10); near {
		t.Error("revenue 1 đồng beyond 10 % reported near")
	}
	// Two alternatives of the failing group: the relatively closer one.
	c = mustCompile(t, rule(
		elig(1, "Doanh thu từ 1 tỷ", "Revenue", OpGE, "1000000000"),
		elig(1, "Từ 10 lao động", "Workers", OpGE, "10"),
		elig(2, "Có đăng ký", "Registered", OpTrue, "")))
	if o, near := NearEligible(c.Evaluate(Facts{Revenue: m(950), Workers: 9, Registered: true}, 0), 20); !near || o.Criterion.Field != "Revenue" {
		t.Errorf("alternatives: %v %+v", near, o)
	}
	if o, near := NearEligible(c.Evaluate(Facts{Revenue: m(500), Workers: 9, Registered: true}, 0), 20); !near || o.Criterion.Field != "Workers" {
		t.Errorf("alternatives: %v %+v", near, o)
	}
	// "≤" is a ceiling, never near.
	c = mustCompile(t, rule(elig(1, "Tối đa 10 lao động", "Workers", OpLE, "10")))
	if _, near := NearEligible(c.Evaluate(Facts{Workers: 11}, 0), 50); near {
		t.Error("≤ threshold reported near")
	}
}

// randomRule builds a rule of random simple criteria over every field,
// with values near those randomFacts draws, and a few formulas.
func randomRule(rng *rand.Rand) Rule {
	var cs []Criterion
	n := 1 + rng.IntN(8)
	for range n {
		fd := Fields[rng.IntN(len(Fields))]
		ops := typeOps[fd.Type]
		op := ops[rng.IntN(len(ops))]
		var value string
		switch fd.Type {
		case TypeInt, TypeMoney:
			if op == OpIn || op == OpNotIn {
				value = strconv.Itoa(rng.IntN(6)) + ", " + strconv.Itoa(rng.IntN(6))
			} else {
				value = strconv.Itoa(rng.IntN(6))
			}
		case TypeText:
			opts := fd.Options
			if opts == nil {
				opts = []string{"C1101", "C1102", `a "quoted" \ value`, "Rượu Làng Vân"}
			}
			value = opts[rng.IntN(len(opts))]
			if op == OpIn || op == OpNotIn {
				value += "," + opts[rng.IntN(len(opts))]
			}
		case TypeList:
			value = []string{"C1101", "C1102", "Đan lát"}[rng.IntN(3)]
		}
		c := elig(1+rng.IntN(3), "c", fd.Name, op, value)
		if rng.IntN(4) == 0 {
			c.Kind, c.Points = KindPriority, 1+rng.IntN(5)
		}
		cs = append(cs, c)
	}
	formulas := []string{"Workers + WomenWorkers >= 4 && Registered", `"C1101" in Trades || Revenue > 3`, "OCOPStars * 2 > YearsActive", "true"}
	if rng.IntN(2) == 0 {
		cs = append(cs, formula(1+rng.IntN(3), "f", formulas[rng.IntN(len(formulas))]))
	}
	return rule(cs...)
}

// randomFacts draws small values so thresholds are hit often, and
// sometimes missing facts.
func randomFacts(rng *rand.Rand) Facts {
	pick := func(opts []string) string { return opts[rng.IntN(len(opts))] }
	f := Facts{
		Kind: pick(kc.EstablishmentKinds), SizeClass: pick(append([]string{""}, SizeClasses...)),
		Registered: rng.IntN(2) == 0, CommuneType: pick(CommuneTypes), ProvinceType: pick(ProvinceTypes),
		CraftVillage: rng.IntN(2) == 0, TraditionalCraft: rng.IntN(2) == 0, WomenOwned: rng.IntN(2) == 0,
		EthnicMinorityOwned: rng.IntN(2) == 0, PriorityArea: rng.IntN(2) == 0,
		PrimaryTrade: pick([]string{"C1101", "C1102", `a "quoted" \ value`, "Rượu Làng Vân", ""}),
		Artisan:      pick(kc.ArtisanTitles), FoundedYear: rng.IntN(6), YearsActive: rng.IntN(6), FactYear: rng.IntN(6),
		Workers: rng.IntN(6), WomenWorkers: rng.IntN(6), EthnicMinorityWorkers: rng.IntN(6),
		Revenue: rng.Int64N(6), Capital: rng.Int64N(6), AvgIncome: rng.Int64N(6),
		TypicalProduct: rng.IntN(2) == 0, OCOPStars: rng.IntN(6), LocalMaterialsPct: rng.IntN(6), Export: rng.IntN(2) == 0,
	}
	for range rng.IntN(4) {
		f.Trades = append(f.Trades, pick([]string{"C1101", "C1102", "Đan lát"}))
	}
	if rng.IntN(3) == 0 {
		for range 1 + rng.IntN(3) {
			f.Missing = append(f.Missing, Fields[rng.IntN(len(Fields))].Name)
		}
	}
	return f
}

// TestNativeAgreesWithExpr checks that the native evaluation of every
// simple criterion gives the same answer as its expr program.
func TestNativeAgreesWithExpr(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	checked := 0
	for range 300 {
		c := mustCompile(t, randomRule(rng))
		for range 30 {
			f := randomFacts(rng)
			for i := range c.crits {
				cr := &c.crits[i]
				if cr.formula {
					continue
				}
				if n, e := cr.evalNative(&f), cr.evalExpr(&f); n != e {
					t.Fatalf("%s: native %v, expr %v on %+v", cr.source, n, e, f)
				}
				checked++
			}
		}
	}
	if checked < 10000 {
		t.Errorf("only %d comparisons", checked)
	}
}

// TestMatchesAgreesWithEvaluate checks Matches against Evaluate's status
// on random rules and facts.
func TestMatchesAgreesWithEvaluate(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	seen := map[string]int{}
	for range 300 {
		c := mustCompile(t, randomRule(rng))
		for range 30 {
			f := randomFacts(rng)
			res := c.Evaluate(f, 0)
			seen[res.Status]++
			checkMatches(t, c, &f, res.Status)
		}
	}
	for _, s := range []string{Eligible, NotEligible, Undetermined} {
		if seen[s] < 100 {
			t.Errorf("status %s seen %d times: %v", s, seen[s], seen)
		}
	}
}

// FuzzMatches checks the same agreement from fuzzed seeds.
func FuzzMatches(f *testing.F) {
	for _, s := range []uint64{0, 1, 42, 1 << 40} {
		f.Add(s, s+7)
	}
	f.Fuzz(func(t *testing.T, a, b uint64) {
		rng := rand.New(rand.NewPCG(a, b))
		c, err := Compile(randomRule(rng))
		if err != nil {
			t.Fatal(err)
		}
		facts := randomFacts(rng)
		checkMatches(t, c, &facts, c.Evaluate(facts, 0).Status)
	})
}

func TestMatchesDoesNotAllocate(t *testing.T) {
	r := beneficiaryRule()
	c := mustCompile(t, r)
	f := goodFacts()
	f.Missing = []string{"FactYear"}
	if n := testing.AllocsPerRun(100, func() { c.Matches(&f) }); n != 0 {
		t.Errorf("Matches allocates %v times per call", n)
	}
	if m, ok := c.Matches(nil); m || ok {
		t.Error("Matches(nil) matched")
	}
}

// TestConcurrentUse evaluates one Compiled from several goroutines (run
// with -race to check it).
func TestConcurrentUse(t *testing.T) {
	c := mustCompile(t, randomRuleWithFormula())
	done := make(chan bool)
	for g := range 4 {
		go func() {
			rng := rand.New(rand.NewPCG(uint64(g), 9))
			ok := true
			for range 500 {
				f := randomFacts(rng)
				res := c.Evaluate(f, m(100))
				match, decided := c.Matches(&f)
				ok = ok && (match == (res.Status == Eligible)) && (decided == (res.Status != Undetermined))
			}
			done <- ok
		}()
	}
	for range 4 {
		if !<-done {
			t.Error("Matches and Evaluate disagree under concurrency")
		}
	}
}

func randomRuleWithFormula() Rule {
	r := beneficiaryRule()
	r.Criteria = append(r.Criteria, formula(4, "Công thức", "Workers + WomenWorkers >= 4 && Registered"))
	return r
}

// TestOpenGroups: a group with one passing criterion is closed, a group
// without is open with all its outcomes, priority criteria never count,
// and the rule's order is kept.
func TestOpenGroups(t *testing.T) {
	o := func(group int, kind, state string) Outcome {
		return Outcome{Criterion: Criterion{Group: group, Kind: kind, Label: fmt.Sprint(group, state)}, State: state}
	}
	r := Result{Outcomes: []Outcome{
		o(2, KindEligibility, Fail), o(1, KindEligibility, Pass), o(1, KindEligibility, Fail),
		o(3, KindPriority, Fail), o(2, KindEligibility, Unknown), o(4, KindEligibility, Fail),
	}}
	got := r.OpenGroups()
	if len(got) != 2 || len(got[0]) != 2 || got[0][0].Criterion.Group != 2 || got[0][1].State != Unknown || got[1][0].Criterion.Group != 4 {
		t.Errorf("open groups %+v", got)
	}
	if (Result{}).OpenGroups() != nil {
		t.Error("no outcomes, no open group")
	}
}
