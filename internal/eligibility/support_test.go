package eligibility

import (
	"slices"
	"strings"
	"testing"

	"khuyencong/internal/kc"
)

// Rule-set periods of the spending caps, /work/shared/domain/khuyen-cong.md
// lines 223-224: `ttlt26` 08/04/2014–10/05/2018, `tt28` from 11/05/2018.
var (
	ttlt26From = kc.MustDate("2014-04-08")
	ttlt26To   = kc.MustDate("2018-05-10")
	tt28From   = kc.MustDate("2018-05-11")
)

func ttlt26(code string, rateBP int, capv int64) Rule {
	return Rule{Code: code, LegalBasis: "TTLT 26/2014/TTLT-BTC-BCT Art. 6.2", EffectiveFrom: ttlt26From, EffectiveTo: ttlt26To,
		RateBP: rateBP, Cap: capv, UpliftBP: 15000, Confirmed: true}
}

func tt28(code string, rateBP int, capv int64) Rule {
	return Rule{Code: code, LegalBasis: "TT 28/2018/TT-BTC Art. 8", EffectiveFrom: tt28From, RateBP: rateBP, Cap: capv, Confirmed: true}
}

func TestSupportLegalCases(t *testing.T) {
	tests := []struct {
		name      string
		rule      Rule
		cost      int64
		uplift    bool
		amount    int64
		capUsed   int64
		unset     bool
		firstStep string
	}{
		// khuyen-cong.md line 401: TT 28 machinery ≤ 50 %, ≤ 300 m per establishment.
		{"TT 28 machinery 800 m: the cap binds", tt28("machinery", 5000, m(300)), m(800), false, m(300), m(300), false, "elig.step.rate"},
		// khuyen-cong.md line 372: TTLT 26 machinery ≤ 50 %, ≤ 200 m, in force until 10/05/2018.
		{"TTLT 26 machinery 800 m: the cap binds", ttlt26("machinery", 5000, m(200)), m(800), false, m(200), m(200), false, "elig.step.rate"},
		// khuyen-cong.md line 401: 50 % of 300 m is below the 300 m cap.
		{"TT 28 machinery 300 m: the rate binds", tt28("machinery", 5000, m(300)), m(300), false, m(150), m(300), false, "elig.step.rate"},
		// khuyen-cong.md line 399: TT 28 demo model ≤ 30 %, ≤ 1,000 m per model.
		{"TT 28 demo model 5,000 m", tt28("demo", 3000, m(1000)), m(5000), false, m(1000), m(1000), false, "elig.step.rate"},
		// khuyen-cong.md line 370: TTLT 26 demo model ≤ 30 %, ≤ 500 m per model.
		{"TTLT 26 demo model 5,000 m", ttlt26("demo", 3000, m(500)), m(5000), false, m(500), m(500), false, "elig.step.rate"},
		// khuyen-cong.md lines 370 and 390: priority uplift up to 1.5 × the normal cap → 750 m.
		{"TTLT 26 demo model with priority uplift", ttlt26("demo", 3000, m(500)), m(5000), true, m(750), m(750), false, "elig.step.uplift"},
		// khuyen-cong.md line 404: founding an enterprise ≤ 10 m, no percentage.
		{"TT 28 founding an enterprise, no cost given", tt28("founding", 0, m(10)), 0, false, m(10), m(10), false, "elig.step.cap_max"},
		// khuyen-cong.md line 404: the cap alone, and never more than the cost.
		{"TT 28 founding an enterprise, 25 m cost", tt28("founding", 0, m(10)), m(25), false, m(10), m(10), false, "elig.step.no_rate"},
		{"TT 28 founding an enterprise, 6 m cost", tt28("founding", 0, m(10)), m(6), false, m(6), m(10), false, "elig.step.no_rate"},
		// khuyen-cong.md line 379: TTLT 26 brand building ≤ 50 %, ≤ 35 m per brand.
		{"TTLT 26 brand 100 m", ttlt26("brand", 5000, m(35)), m(100), false, m(35), m(35), false, "elig.step.rate"},
		// khuyen-cong.md lines 409 and 412: the TT 28 brand cap is UNCONFIRMED and left empty.
		{"TT 28 brand: unconfirmed cap", Rule{Code: "brand", EffectiveFrom: tt28From}, m(100), false, 0, 0, true, "elig.step.unset"},
		// khuyen-cong.md line 412: a rate copied without a confirmed cap must not pay an uncapped share.
		{"unconfirmed rule with a rate and no cap", Rule{Code: "brand", EffectiveFrom: tt28From, RateBP: 5000}, m(100), false, 0, 0, true, "elig.step.unset"},
		// khuyen-cong.md lines 401 and 405: production line 1.5 × 300 m = 450 m.
		{"TT 28 production line", Rule{Code: "line", EffectiveFrom: tt28From, RateBP: 5000, Cap: m(300), UpliftBP: 15000, Confirmed: true}, m(2000), true, m(450), m(450), false, "elig.step.uplift"},
		{"TT 28 production line, no cost given", Rule{Code: "line", EffectiveFrom: tt28From, RateBP: 5000, Cap: m(300), UpliftBP: 15000, Confirmed: true}, 0, true, m(450), m(450), false, "elig.step.uplift"},
		// The uplift is only applied when the rule has one.
		{"uplift asked for, rule has none", tt28("machinery", 5000, m(300)), m(800), true, m(300), m(300), false, "elig.step.rate"},
		// Confirmed 100 % without a cap (fairs abroad, line 402): the percentage alone.
		{"100 % without cap", tt28("fair_abroad", 10000, 0), m(120), false, m(120), 0, false, "elig.step.rate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := SupportFor(tt.rule, tt.cost, tt.uplift)
			if s.Amount != tt.amount || s.Cap != tt.capUsed || s.Unset != tt.unset {
				t.Errorf("amount %d cap %d unset %v, want %d %d %v", s.Amount, s.Cap, s.Unset, tt.amount, tt.capUsed, tt.unset)
			}
			if tt.cost > 0 && !s.Unset && s.Counterpart != tt.cost-s.Amount {
				t.Errorf("counterpart %d, want %d", s.Counterpart, tt.cost-s.Amount)
			}
			if len(s.Steps) == 0 || s.Steps[0].Key != tt.firstStep {
				t.Fatalf("steps %v, want first %s", s.Steps, tt.firstStep)
			}
			lines := renderSteps(t, s.Steps)
			if tt.cost == 0 && !s.Unset && !strings.Contains(lines[len(lines)-1], "tối đa") {
				t.Errorf("no-cost steps should say tối đa: %q", lines)
			}
		})
	}
}

func TestSupportSteps(t *testing.T) {
	s := SupportFor(tt28("machinery", 5000, m(300)), m(800), false)
	want := []Step{
		{Key: "elig.step.rate", Args: []any{"800.000.000 ₫", "50 %", "400.000.000 ₫"}},
		{Key: "elig.step.cap", Args: []any{"300.000.000 ₫"}},
		{Key: "elig.step.min", Args: []any{"300.000.000 ₫"}},
		{Key: "elig.step.counterpart", Args: []any{"800.000.000 ₫", "300.000.000 ₫", "500.000.000 ₫"}},
	}
	if !slices.EqualFunc(s.Steps, want, stepEqual) {
		t.Errorf("steps\n%v\nwant\n%v", s.Steps, want)
	}
	if got := render(t, s.Steps[0].Key, s.Steps[0].Args...); got != "Theo tỷ lệ: 50 % × 800.000.000 ₫ = 400.000.000 ₫." {
		t.Errorf("rate step renders %q", got)
	}
	u := SupportFor(ttlt26("demo", 3000, m(500)), m(5000), true)
	if !u.Uplifted || !stepEqual(u.Steps[0], Step{Key: "elig.step.uplift", Args: []any{"500.000.000 ₫", "1,5", "750.000.000 ₫"}}) {
		t.Errorf("uplift step %v", u.Steps[0])
	}
}

func stepEqual(a, b Step) bool { return a.Key == b.Key && slices.Equal(a.Args, b.Args) }

func TestSupportCounterpartMinimum(t *testing.T) {
	// 100 % without cap, but the beneficiary must fund at least 20 %.
	r := tt28("x", 10000, 0)
	r.CounterpartMinBP = 2000
	s := SupportFor(r, 1_000_001, false)
	// 20 % of 1,000,001 is 200,000.2, rounded up to 200,001.
	if s.Counterpart != 200_001 || s.Amount != 800_000 {
		t.Errorf("amount %d counterpart %d", s.Amount, s.Counterpart)
	}
	renderSteps(t, s.Steps)
	// A minimum that does not bind changes nothing.
	r = tt28("machinery", 5000, m(300))
	r.CounterpartMinBP = 3000
	if s := SupportFor(r, m(800), false); s.Amount != m(300) || s.Counterpart != m(500) {
		t.Errorf("amount %d counterpart %d", s.Amount, s.Counterpart)
	}
}

func TestSupportArithmetic(t *testing.T) {
	// Rounding down to the đồng, and no overflow on large amounts.
	if s := SupportFor(tt28("x", 3333, 0), 100, false); s.Amount != 33 {
		t.Errorf("33.33 %% of 100 = %d", s.Amount)
	}
	big := int64(9_000_000_000_000_000)
	if s := SupportFor(tt28("x", 5000, 0), big, false); s.Amount != big/2 {
		t.Errorf("50 %% of %d = %d", big, s.Amount)
	}
	if s := SupportFor(tt28("x", 5000, m(300)), -5, false); s.Amount != m(300) || s.Cost != 0 {
		t.Errorf("negative cost: %+v", s)
	}
	for _, tc := range []struct {
		bp   int
		want string
	}{{5000, "50 %"}, {1250, "12,5 %"}, {25, "0,25 %"}, {10000, "100 %"}} {
		if got := formatBP(tc.bp); got != tc.want {
			t.Errorf("formatBP(%d) = %q, want %q", tc.bp, got, tc.want)
		}
	}
	if got := formatRatio(15000); got != "1,5" {
		t.Errorf("formatRatio = %q", got)
	}
}

func TestRuleInForce(t *testing.T) {
	// khuyen-cong.md lines 223-224: TTLT 26 until 10/05/2018, TT 28 from 11/05/2018.
	old, cur := ttlt26("machinery", 5000, m(200)), tt28("machinery", 5000, m(300))
	tests := []struct {
		day      string
		old, cur bool
	}{
		{"2014-04-07", false, false},
		{"2014-04-08", true, false},
		{"2018-05-10", true, false},
		{"2018-05-11", false, true},
		{"2026-11-25", false, true},
	}
	for _, tt := range tests {
		d := kc.MustDate(tt.day)
		if old.InForce(d) != tt.old || cur.InForce(d) != tt.cur {
			t.Errorf("%s: TTLT 26 %v TT 28 %v, want %v %v", tt.day, old.InForce(d), cur.InForce(d), tt.old, tt.cur)
		}
	}
	// The same 800 m machinery project before and after the switch.
	for _, tt := range []struct {
		day  string
		want int64
	}{{"2018-05-10", m(200)}, {"2018-05-11", m(300)}} {
		d := kc.MustDate(tt.day)
		var got []int64
		for _, r := range []Rule{old, cur} {
			if r.InForce(d) {
				got = append(got, SupportFor(r, m(800), false).Amount)
			}
		}
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("%s: %v, want [%d]", tt.day, got, tt.want)
		}
	}
}
