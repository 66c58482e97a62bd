package eligibility

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"khuyencong/internal/kc"
)

func TestFieldsCoverFacts(t *testing.T) {
	typ := reflect.TypeFor[Facts]()
	var names []string
	for i := range typ.NumField() {
		if f := typ.Field(i); f.Name != "Missing" {
			names = append(names, f.Name)
		}
	}
	var got []string
	for _, f := range Fields {
		got = append(got, f.Name)
		fd, ok := FieldByName(f.Name)
		if !ok || fd.LabelKey != f.LabelKey {
			t.Errorf("FieldByName(%q) = %+v, %v", f.Name, fd, ok)
		}
		if !strings.HasPrefix(f.LabelKey, "elig.field.") {
			t.Errorf("%s: label key %q", f.Name, f.LabelKey)
		}
		numeric := f.Type == TypeInt || f.Type == TypeMoney
		if numeric != (f.UnitKey != "") {
			t.Errorf("%s: type %s with unit key %q", f.Name, f.Type, f.UnitKey)
		}
		want := map[string]string{"int": "int", "int64": "money", "bool": "bool", "string": "text", "[]string": "list"}
		sf, _ := typ.FieldByName(f.Name)
		if w := want[sf.Type.String()]; w != f.Type && !(w == "int" && f.Type == TypeMoney) {
			t.Errorf("%s: Go type %s, catalogue type %s", f.Name, sf.Type, f.Type)
		}
	}
	if !slices.Equal(got, names) {
		t.Errorf("Fields = %v\nFacts   = %v", got, names)
	}
	if _, ok := FieldByName("Missing"); ok {
		t.Error("Missing must not be a criterion field")
	}
	if k := OptionKey("CommuneType", "dac_khu"); k != "elig.option.commune_type.dac_khu" {
		t.Errorf("OptionKey = %q", k)
	}
	if fd, _ := FieldByName("Kind"); !slices.Equal(fd.Options, kc.EstablishmentKinds) {
		t.Errorf("Kind options = %v", fd.Options)
	}
	if fd, _ := FieldByName("Artisan"); !slices.Equal(fd.Options, kc.ArtisanTitles) {
		t.Errorf("Artisan options = %v", fd.Options)
	}
}

// fieldError is what a test expects of one kc field error.
type fieldError struct {
	field, key string
	args       []any // checked when not nil
}

func checkErrors(t *testing.T, err error, want []fieldError) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	if kc.ErrorCode(err) != kc.EInvalid {
		t.Fatalf("error %v: code %q, want invalid", err, kc.ErrorCode(err))
	}
	got := kc.FieldErrors(err)
	if len(got) != len(want) {
		t.Fatalf("got %d errors %v, want %d %v", len(got), got, len(want), want)
	}
	for i, w := range want {
		g := got[i]
		if g.Field != w.field || g.Key != w.key {
			t.Errorf("error %d = %s %s %v, want %s %s", i, g.Field, g.Key, g.Args, w.field, w.key)
			continue
		}
		if w.args != nil && !reflect.DeepEqual(g.Args, w.args) {
			t.Errorf("error %d %s args = %#v, want %#v", i, g.Key, g.Args, w.args)
		}
		render(t, g.Key, g.Args...)
	}
}

func TestCompileErrors(t *testing.T) {
	ok := elig(1, "Số lao động từ 10 trở lên", "Workers", OpGE, "10")
	tests := []struct {
		name string
		rule Rule
		want []fieldError
	}{
		{"valid", rule(ok, formula(2, "Công thức", "Workers + WomenWorkers >= 12 && Registered"), prio(5, "Thâm dụng lao động", "Workers", OpGE, "50")), nil},
		{"unknown field names it", rule(ok, elig(1, "Lao động", "Workerz", OpGE, "10")),
			[]fieldError{{"criteria.1.field", "elig.error.unknown_field", []any{"Workerz"}}}},
		{"formula syntax error with position", rule(formula(1, "Lỗi", "Workers >")),
			[]fieldError{{"criteria.0.formula", "elig.error.formula", []any{1, 9, "unexpected token EOF"}}}},
		{"formula unknown name on line 2", rule(formula(1, "Lỗi", "Registered &&\n  Workerz > 3")),
			[]fieldError{{"criteria.0.formula", "elig.error.formula", []any{2, 3, "unknown name Workerz"}}}},
		{"formula type error", rule(formula(1, "Lỗi", `Workers == "abc"`)),
			[]fieldError{{"criteria.0.formula", "elig.error.formula", []any{1, 9, "invalid operation: == (mismatched types int and string)"}}}},
		{"formula not boolean", rule(formula(1, "Lỗi", "Workers + 1")),
			[]fieldError{{"criteria.0.formula", "elig.error.formula_not_bool", []any{"int"}}}},
		{"formula running past the memory budget", rule(formula(1, "Lỗi", "count(1..2000000000, # > 0) > 0")),
			[]fieldError{{"criteria.0.formula", "elig.error.formula_runtime", nil}}},
		{"formula mapping a huge range", rule(formula(1, "Lỗi", "len(map(1..100000000, # * 2)) > Workers")),
			[]fieldError{{"criteria.0.formula", "elig.error.formula_runtime", nil}}},
		{"formula cannot read Missing", rule(formula(1, "Lỗi", "len(Missing) == 0")),
			[]fieldError{{"criteria.0.formula", "elig.error.formula", nil}}},
		{"formula without text", rule(Criterion{Group: 1, Kind: KindEligibility, Label: "x", Op: OpFormul}),
			[]fieldError{{"criteria.0.formula", "elig.error.formula_required", nil}}},
		{"op not valid for bool", rule(elig(1, "Đăng ký", "Registered", OpGE, "1")),
			[]fieldError{{"criteria.0.op", "elig.error.op", []any{">=", "Registered"}}}},
		{"op not valid for money", rule(elig(1, "Doanh thu", "Revenue", OpIn, "1,2")),
			[]fieldError{{"criteria.0.op", "elig.error.op", nil}}},
		{"has only for lists", rule(elig(1, "Nghề", "PrimaryTrade", OpHas, "C11")),
			[]fieldError{{"criteria.0.op", "elig.error.op", nil}}},
		{"int value not parseable", rule(elig(1, "Lao động", "Workers", OpGE, "mười")),
			[]fieldError{{"criteria.0.value", "elig.error.value_int", []any{"mười"}}}},
		{"grouped money is not an int", rule(elig(1, "Vốn", "Capital", OpGE, "1.000.000")),
			[]fieldError{{"criteria.0.value", "elig.error.value_int", nil}}},
		{"int list item not parseable", rule(elig(1, "Sao", "OCOPStars", OpIn, "3, bốn")),
			[]fieldError{{"criteria.0.value", "elig.error.value_int", []any{"bốn"}}}},
		{"option not allowed", rule(elig(1, "Xã", "CommuneType", OpEQ, "huyen")),
			[]fieldError{{"criteria.0.value", "elig.error.value_option", []any{"huyen", "xa, phuong, dac_khu"}}}},
		{"option list item not allowed", rule(elig(1, "Loại hình", "Kind", OpIn, "household, company")),
			[]fieldError{{"criteria.0.value", "elig.error.value_option", nil}}},
		{"bool op takes no value", rule(elig(1, "Đăng ký", "Registered", OpTrue, "có")),
			[]fieldError{{"criteria.0.value", "elig.error.value_empty", []any{"có"}}}},
		{"value required", rule(elig(1, "Nghề", "Trades", OpHas, " ")),
			[]fieldError{{"criteria.0.value", "elig.error.value_required", nil}}},
		{"control characters", rule(elig(1, "Nghề", "PrimaryTrade", OpEQ, "C1\x001")),
			[]fieldError{{"criteria.0.value", "elig.error.value_invalid", nil}}},
		{"empty label", rule(elig(1, " ", "Workers", OpGE, "10")),
			[]fieldError{{"criteria.0.label", "elig.error.label_required", nil}}},
		{"neither field nor formula", rule(Criterion{Group: 1, Kind: KindEligibility, Label: "Trống"}),
			[]fieldError{{"criteria.0.field", "elig.error.criterion_empty", nil}}},
		{"field and formula", rule(Criterion{Group: 1, Kind: KindEligibility, Label: "Cả hai", Field: "Workers", Op: OpGE, Value: "1", Formula: "Registered"}),
			[]fieldError{{"criteria.0.formula", "elig.error.field_and_formula", nil}}},
		{"bad kind", rule(Criterion{Group: 1, Kind: "bonus", Label: "x", Field: "Registered", Op: OpTrue}),
			[]fieldError{{"criteria.0.kind", "elig.error.kind", []any{"bonus"}}}},
		{"negative points", rule(prio(-1, "Ưu tiên", "WomenOwned", OpTrue, "")),
			[]fieldError{{"criteria.0.points", "elig.error.points_negative", nil}}},
		{"group below 1", rule(elig(0, "Lao động", "Workers", OpGE, "10")),
			[]fieldError{{"criteria.0.group", "elig.error.group", []any{0}}}},
		{"several at once, in order", rule(ok, ok, elig(1, "", "Nope", OpGE, "1")),
			[]fieldError{{"criteria.2.label", "elig.error.label_required", nil}, {"criteria.2.field", "elig.error.unknown_field", []any{"Nope"}}}},
		{"effective date required, and for a cap", Rule{Cap: m(300), RateBP: 5000},
			[]fieldError{{"effective_from", "elig.error.effective_from_required", nil}, {"cap", "elig.error.cap_without_date", nil}}},
		{"end before start", Rule{EffectiveFrom: kc.MustDate("2018-05-11"), EffectiveTo: kc.MustDate("2018-05-10")},
			[]fieldError{{"effective_to", "elig.error.effective_to_before", nil}}},
		{"same-day rule is fine", Rule{EffectiveFrom: kc.MustDate("2018-05-11"), EffectiveTo: kc.MustDate("2018-05-11")}, nil},
		{"rate and uplift ranges", Rule{EffectiveFrom: kc.MustDate("2018-05-11"), RateBP: 10001, UpliftBP: 5000, CounterpartMinBP: -1, Cap: -1},
			[]fieldError{{"cap", "elig.error.cap_negative", nil}, {"rate_bp", "elig.error.rate", nil}, {"uplift_bp", "elig.error.uplift", nil}, {"counterpart_min_bp", "elig.error.counterpart", nil}}},
		{"uplift 1.5 and full rate are fine", Rule{EffectiveFrom: kc.MustDate("2014-04-08"), RateBP: 10000, UpliftBP: 15000, Cap: m(500)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Compile(tt.rule)
			checkErrors(t, err, tt.want)
			if err == nil && c == nil {
				t.Fatal("nil Compiled without error")
			}
			if err != nil && c != nil {
				t.Fatal("Compiled returned with an error")
			}
		})
	}
}

func TestCheckCriterion(t *testing.T) {
	checkErrors(t, CheckCriterion(elig(1, "Lao động", "Workers", OpGE, "10")), nil)
	checkErrors(t, CheckCriterion(elig(1, "Lao động", "Workerz", OpGE, "10")),
		[]fieldError{{"field", "elig.error.unknown_field", []any{"Workerz"}}})
	checkErrors(t, CheckCriterion(formula(1, "Công thức", "Workers >=")),
		[]fieldError{{"formula", "elig.error.formula", nil}})
}

func TestFormulaNeeds(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"Workers + WomenWorkers >= 12 && Registered", []string{"Registered", "Workers", "WomenWorkers"}},
		{`"C11" in Trades || any(Trades, # == "C10")`, []string{"Trades"}},
		{"let n = Workers; n > 3", []string{"Workers"}},
		{`$env.Revenue > 5 && $env["Capital"] > 1`, []string{"Revenue", "Capital"}},
		{"true", nil},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			cc, errs := compileFormula(tt.src, "")
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			got := maskNames(cc.need)
			want := maskNames(missingMask(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("needs %v, want %v", got, want)
			}
		})
	}
	// A dynamic $env access may read anything.
	cc, errs := compileFormula(`$env[PrimaryTrade] == 1`, "")
	if len(errs) == 0 && cc.need != 1<<numFields-1 {
		t.Errorf("dynamic $env needs %v", maskNames(cc.need))
	}
}
