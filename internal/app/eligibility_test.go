package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/eligibility"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// demoApp returns an app on s with the units and the district demo
// loaded, on the fixed test day (25/11/2026).
func demoApp(t *testing.T, s *store.Store) *app.App {
	t.Helper()
	a := unitApp(t, s)
	if err := a.SetSecret([]byte(apptest.Secret)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.EnsureDemo(t.Context()); err != nil {
		t.Fatal(err)
	}
	return a
}

// asDemo returns ctx carrying the principal of a demo account.
func asDemo(t *testing.T, a *app.App, username string) context.Context {
	t.Helper()
	u, err := a.Store.GetUserByUsername(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.ResolvePrincipal(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	return app.WithPrincipal(t.Context(), p)
}

// banangBrewer finds the story's household rice-wine brewer of the former
// Ba Nang commune: a registered household business in bản Đá Bàn making
// rượu men lá with a handful of workers.
func banangBrewer(t *testing.T, a *app.App) store.EligibilityRow {
	t.Helper()
	var found store.EligibilityRow
	err := a.Store.StreamEligibilityRows(t.Context(), store.EligibilityFilter{PrimaryTrade: "RUOU_MEN_LA"}, kc.DateOf(storetest.Clock), 0,
		func(rows []store.EligibilityRow) error {
			for _, r := range rows {
				if found.ID == 0 && r.Kind == kc.KindHouseholdBusiness && r.Village == "Bản Đá Bàn" && r.Fact.Workers >= 3 && r.Fact.Workers < 10 {
					found = r
				}
			}
			return nil
		})
	if err != nil || found.ID == 0 {
		t.Fatalf("no household brewer in bản Đá Bàn (%v)", err)
	}
	e, err := a.Store.GetEstablishment(t.Context(), found.ID)
	if err != nil || !strings.Contains(e.Notes, "Ba Nang") || found.CommuneCode != "19564" {
		t.Fatalf("brewer %d: notes %q, commune %s (%v)", found.ID, e.Notes, found.CommuneCode, err)
	}
	return found
}

func TestSeededRulesCompile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := unitApp(t, s)
		ctx := app.WithPrincipal(t.Context(), app.System)
		if err := a.EnsureReference(ctx); err != nil {
			t.Fatal(err)
		}
		views, err := a.Schemes(ctx, kc.Date{})
		if err != nil || len(views) < 30 {
			t.Fatalf("%d schemes (%v)", len(views), err)
		}
		byCode := map[string][]app.SchemeView{}
		for _, v := range views {
			if _, err := eligibility.Compile(v.Rule); err != nil {
				t.Errorf("%s v%d does not compile: %v", v.Code, v.Version, err)
			}
			if v.Code != "THONG_TIN_TUYEN_TRUYEN" && len(v.Criteria) == 0 {
				t.Errorf("%s v%d has no criteria", v.Code, v.Version)
			}
			if v.Example && (!strings.HasSuffix(v.Name, "(ví dụ)") || !v.NeedsReview || v.Level != "provincial" || v.ProvinceName != "Tỉnh Quảng Trị") {
				t.Errorf("example %s is not clearly labelled: %+v", v.Code, v)
			}
			if !v.Editable {
				t.Errorf("%s: not editable by the administrator", v.Code)
			}
			byCode[v.Code] = append(byCode[v.Code], v)
		}
		if len(byCode["QT_VD_MAY_MOC"]) != 1 || len(byCode["QT_VD_BAO_BI"]) != 1 {
			t.Errorf("example provincial set missing: %v", slices.Collect(func(yield func(string) bool) {
				for c := range byCode {
					if !yield(c) {
						return
					}
				}
			}))
		}
		for code, vs := range byCode {
			for i := 1; i < len(vs); i++ {
				if prev := vs[i-1]; prev.EffectiveTo.IsZero() || !prev.EffectiveTo.Before(vs[i].EffectiveFrom) {
					t.Errorf("%s: versions %d and %d overlap", code, prev.Version, vs[i].Version)
				}
			}
		}
		d, err := a.Scheme(ctx, byCode["MAY_MOC_TIEN_TIEN"][0].SchemeID)
		if err != nil || len(d.Versions) != 3 || d.Version != 1 || d.LegalBasisTitle == "" {
			t.Errorf("scheme detail = %+v (%v)", d.SchemeView, err)
		}
		if _, err := a.Scheme(ctx, 999_999); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("unknown scheme: %v", err)
		}
		if _, err := a.Schemes(t.Context(), kc.Date{}); kc.ErrorCode(err) != kc.EUnauthenticated {
			t.Errorf("without login: %v", err)
		}
	})
}

// producer is a set of facts for the date checks: a registered household
// business of 12 workers in a commune of a province, or a union of
// cooperatives (a beneficiary only from 15/10/2025).
func producer(kind string) eligibility.Facts {
	return eligibility.Facts{Kind: kind, Registered: true, CommuneType: "xa", ProvinceType: "tinh", Workers: 12, FactYear: 2018,
		Trades: []string{"MOC"}, PrimaryTrade: "MOC", Artisan: kc.ArtisanNone, FoundedYear: 2010, YearsActive: 15,
		Missing: []string{"PriorityArea", "LocalMaterialsPct", "Export"}}
}

func TestRulesInForceByDate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := unitApp(t, s)
		ctx := app.WithPrincipal(t.Context(), app.System)
		if err := a.EnsureReference(ctx); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			on      string
			kind    string
			version int
			basis   string
			status  string
			cap     int64
		}{
			{"2018-05-10", kc.KindHouseholdBusiness, 1, "TTLT 26/2014/TTLT-BTC-BCT", eligibility.Eligible, 200_000_000},
			{"2018-05-11", kc.KindHouseholdBusiness, 2, "TT 28/2018/TT-BTC", eligibility.Eligible, 300_000_000},
			{"2025-10-14", kc.KindCoopUnion, 2, "TT 28/2018/TT-BTC", eligibility.NotEligible, 300_000_000},
			{"2025-10-15", kc.KindCoopUnion, 3, "NĐ 235/2025/NĐ-CP", eligibility.Eligible, 300_000_000},
		}
		for _, c := range cases {
			t.Run(c.on+" "+c.kind, func(t *testing.T) {
				on := kc.MustDate(c.on)
				rep, err := a.CheckFacts(ctx, producer(c.kind), "MAY_MOC_TIEN_TIEN", 0, on)
				if err != nil {
					t.Fatal(err)
				}
				if len(rep.Results) != 1 {
					t.Fatalf("%d results", len(rep.Results))
				}
				res := rep.Results[0]
				if res.Rule.Version != c.version || res.Rule.LegalBasis != c.basis || res.Status != c.status || res.Support.Cap != c.cap {
					t.Errorf("version %d (%s), status %s, cap %d; want %d (%s), %s, %d", res.Rule.Version, res.Rule.LegalBasis, res.Status,
						res.Support.Cap, c.version, c.basis, c.status, c.cap)
				}
				views, err := a.Schemes(ctx, on)
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range views {
					if !v.InForce(on) {
						t.Errorf("%s v%d listed on %s but not in force", v.Code, v.Version, c.on)
					}
				}
			})
		}
		// A ward qualified before 15/10/2025 only in grade II-III cities,
		// which the registry does not know: undetermined, then eligible.
		ward := producer(kc.KindHouseholdBusiness)
		ward.CommuneType = "phuong"
		rep, err := a.CheckFacts(ctx, ward, "MAY_MOC_TIEN_TIEN", 0, kc.MustDate("2025-10-15"))
		if err != nil || rep.Results[0].Status != eligibility.Eligible {
			t.Errorf("ward after NĐ 235: %+v (%v)", rep.Results, err)
		}
		_, err = a.CheckFacts(ctx, ward, "KHONG_CO", 0, kc.Date{})
		if fe := kc.FieldErrors(err); len(fe) != 1 || fe[0].Field != "scheme" || fe[0].Key != "check.scheme_unknown" {
			t.Errorf("unknown scheme: %v", err)
		}
		_, err = a.CheckFacts(ctx, ward, "CHUYEN_DOI_SO", 0, kc.MustDate("2020-01-01"))
		if fe := kc.FieldErrors(err); len(fe) != 1 || fe[0].Key != "check.scheme_not_in_force" {
			t.Errorf("scheme not yet in force: %v", err)
		}
	})
}

func TestCheckFactsRejectsNonsense(t *testing.T) {
	s := storetest.OpenSQLite(t)
	a := unitApp(t, s)
	ctx := app.WithPrincipal(t.Context(), app.System)
	if err := a.EnsureReference(ctx); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		mutate func(f *eligibility.Facts)
		cost   int64
		fields []string
	}{
		{"negative workers", func(f *eligibility.Facts) { f.Workers = -3 }, 0, []string{"facts.workers"}},
		{"a hundred thousand and one workers", func(f *eligibility.Facts) { f.Workers = 100_001 }, 0, []string{"facts.workers"}},
		{"more women than workers", func(f *eligibility.Facts) { f.WomenWorkers = 20 }, 0, []string{"facts.women_workers"}},
		{"negative revenue and a share over 100", func(f *eligibility.Facts) {
			f.Revenue, f.LocalMaterialsPct, f.Missing = -1, 140, []string{"PriorityArea", "Export"}
		}, 0, []string{"facts.local_materials_pct", "facts.revenue"}},
		{"facts of a year after the day", func(f *eligibility.Facts) { f.FactYear = 2999 }, 0, []string{"facts.fact_year"}},
		{"unknown kind and trade", func(f *eligibility.Facts) { f.Kind = "factory"; f.Trades = []string{"XYZ"}; f.PrimaryTrade = "XYZ" }, 0,
			[]string{"facts.kind", "facts.trades", "facts.primary_trade"}},
		{"a missing fact that does not exist", func(f *eligibility.Facts) { f.Missing = append(f.Missing, "Tuổi") }, 0, []string{"facts.missing"}},
		{"negative cost", func(*eligibility.Facts) {}, -1, []string{"cost"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := producer(kc.KindHouseholdBusiness)
			c.mutate(&f)
			_, err := a.CheckFacts(ctx, f, "", c.cost, kc.Date{})
			var got []string
			for _, fe := range kc.FieldErrors(err) {
				got = append(got, fe.Field)
				if !locale.Has(fe.Key) {
					t.Errorf("key %q has no message", fe.Key)
				}
			}
			if kc.ErrorCode(err) != kc.EInvalid || !slices.Equal(got, c.fields) {
				t.Errorf("fields %v (%v), want %v", got, err, c.fields)
			}
		})
	}
	// Missing facts give undetermined, never a wrong verdict.
	f := producer(kc.KindHouseholdBusiness)
	f.Missing = append(f.Missing, "Workers")
	rep, err := a.CheckFacts(ctx, f, "MAY_MOC_TIEN_TIEN", 0, kc.Date{})
	if err != nil || rep.Results[0].Status != eligibility.Undetermined {
		t.Errorf("workers unknown: %+v (%v)", rep.Results, err)
	}
}

func TestSchemeEditing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := apptest.NewScope(t, s)
		a := f.App
		ctx := t.Context()
		sys := app.WithPrincipal(ctx, app.System)
		if err := a.EnsureReference(sys); err != nil {
			t.Fatal(err)
		}
		admin := f.As(t, ctx, apptest.Admin)
		views, err := a.Schemes(admin, kc.Date{})
		if err != nil {
			t.Fatal(err)
		}
		var v1, v2, v3 app.SchemeView
		for _, v := range views {
			if v.Code == "MAY_MOC_TIEN_TIEN" {
				switch v.Version {
				case 1:
					v1 = v
				case 2:
					v2 = v
				case 3:
					v3 = v
				}
			}
		}
		steps := []struct {
			name string
			run  func(t *testing.T)
		}{
			{"only administrators edit national schemes", func(t *testing.T) {
				for _, user := range []string{apptest.Province, apptest.OfficerA, apptest.Viewer} {
					uctx := f.As(t, ctx, user)
					c := eligibility.Criterion{Label: "Có ít nhất 2 lao động", Field: "Workers", Op: ">=", Value: "2"}
					if _, err := a.SaveCriterion(uctx, v3.SchemeID, c); kc.ErrorCode(err) != kc.EForbidden {
						t.Errorf("%s: save criterion: %v", user, err)
					}
					note := "x"
					if _, err := a.UpdateSchemeRule(uctx, v3.SchemeID, app.SchemeRuleUpdate{Note: &note}); kc.ErrorCode(err) != kc.EForbidden {
						t.Errorf("%s: update rule: %v", user, err)
					}
					vs, _ := a.Schemes(uctx, kc.Date{})
					if slices.ContainsFunc(vs, func(v app.SchemeView) bool { return v.Editable }) {
						t.Errorf("%s: some scheme shown as editable", user)
					}
				}
			}},
			{"a criterion on an unknown field is rejected with its message", func(t *testing.T) {
				_, err := a.SaveCriterion(admin, v3.SchemeID, eligibility.Criterion{Label: "Số lao động", Field: "SoLaoDong", Op: ">=", Value: "10"})
				fe := kc.FieldErrors(err)
				if len(fe) != 1 || fe[0].Field != "field" || fe[0].Key != "elig.error.unknown_field" {
					t.Fatalf("got %v", err)
				}
				if msg := locale.T(locale.Default, fe[0].Key, fe[0].Args...); !strings.Contains(msg, "SoLaoDong") {
					t.Errorf("message %q does not name the field", msg)
				}
			}},
			{"a formula with a type error is rejected with its position", func(t *testing.T) {
				_, err := a.SaveCriterion(admin, v3.SchemeID, eligibility.Criterion{Label: "Công thức sai", Formula: `Workers >= "mười"`})
				fe := kc.FieldErrors(err)
				if len(fe) != 1 || fe[0].Field != "formula" || fe[0].Key != "elig.error.formula" || len(fe[0].Args) < 2 {
					t.Fatalf("got %v", err)
				}
				if line, _ := fe[0].Args[0].(int); line != 1 {
					t.Errorf("line = %v", fe[0].Args)
				}
			}},
			{"a formula keeps its lines: the error names the line typed", func(t *testing.T) {
				_, err := a.SaveCriterion(admin, v3.SchemeID, eligibility.Criterion{Label: "Công thức hai dòng", Formula: "Registered &&\n  Workerz >= 10"})
				fe := kc.FieldErrors(err)
				if len(fe) != 1 || fe[0].Field != "formula" || len(fe[0].Args) < 2 {
					t.Fatalf("got %v", err)
				}
				if line, _ := fe[0].Args[0].(int); line != 2 {
					t.Errorf("line = %v, want 2", fe[0].Args)
				}
			}},
			{"a label is required and priority points are for priority criteria", func(t *testing.T) {
				_, err := a.SaveCriterion(admin, v3.SchemeID, eligibility.Criterion{Field: "Workers", Op: ">=", Value: "2", Points: 3})
				var got []string
				for _, fe := range kc.FieldErrors(err) {
					got = append(got, fe.Field)
				}
				if !slices.Equal(got, []string{"label", "points"}) {
					t.Errorf("fields %v (%v)", got, err)
				}
			}},
			{"a valid criterion is saved, changed, counted and deleted, all audited", func(t *testing.T) {
				c, err := a.SaveCriterion(admin, v3.SchemeID, eligibility.Criterion{Group: 5, Label: "Doanh thu từ 100 triệu đồng trở lên",
					Field: "Revenue", Op: ">=", Value: "100000000"})
				if err != nil || c.ID == 0 {
					t.Fatalf("%+v (%v)", c, err)
				}
				c.Value = "120000000"
				if _, err := a.SaveCriterion(admin, v3.SchemeID, c); err != nil {
					t.Fatal(err)
				}
				d, _ := a.Scheme(admin, v3.SchemeID)
				if i := slices.IndexFunc(d.Criteria, func(x eligibility.Criterion) bool { return x.ID == c.ID }); i < 0 || d.Criteria[i].Value != "120000000" {
					t.Errorf("criteria = %+v", d.Criteria)
				}
				if _, err := a.SaveCriterion(admin, v2.SchemeID, c); kc.ErrorCode(err) != kc.ENotFound {
					t.Errorf("criterion of another version: %v", err)
				}
				if err := a.DeleteCriterion(admin, v3.SchemeID, c.ID); err != nil {
					t.Fatal(err)
				}
				if err := a.DeleteCriterion(admin, v3.SchemeID, c.ID); kc.ErrorCode(err) != kc.ENotFound {
					t.Errorf("second delete: %v", err)
				}
				entries, err := a.ListAudit(sys, "criterion", c.ID, 10)
				if err != nil || len(entries) != 3 {
					t.Fatalf("audit %d entries (%v)", len(entries), err)
				}
			}},
			{"the live count covers the scope", func(t *testing.T) {
				if err := s.UpsertFact(ctx, kc.EstablishmentFact{EstablishmentID: f.EstA.ID, Year: 2026, Workers: 12, Revenue: 200_000_000}); err != nil {
					t.Fatal(err)
				}
				c := eligibility.Criterion{Label: "Có từ 10 lao động", Field: "Workers", Op: ">=", Value: "10"}
				got, err := a.CountMatching(f.As(t, ctx, apptest.OfficerA), v3.SchemeID, &c)
				if err != nil || got.Total != 1 || got.CriterionMatching != 1 || got.Matching+got.Undetermined != 1 {
					t.Errorf("officer A: %+v (%v)", got, err)
				}
				got, err = a.CountMatching(admin, v3.SchemeID, &c)
				if err != nil || got.Total != 2 || got.CriterionMatching != 1 || got.CriterionUndetermined != 1 {
					t.Errorf("admin: %+v (%v)", got, err)
				}
				bad := eligibility.Criterion{Label: "x", Field: "Nope", Op: ">=", Value: "1"}
				if _, err := a.CountMatching(admin, v3.SchemeID, &bad); kc.ErrorCode(err) != kc.EInvalid {
					t.Errorf("bad criterion: %v", err)
				}
			}},
			{"overlapping versions are rejected naming the other version", func(t *testing.T) {
				end := kc.MustDate("2026-01-01")
				_, err := a.UpdateSchemeRule(admin, v2.SchemeID, app.SchemeRuleUpdate{EffectiveTo: &end})
				fe := kc.FieldErrors(err)
				if len(fe) != 1 || fe[0].Key != "scheme.overlap" || fe[0].Args[0] != 3 {
					t.Fatalf("got %v", err)
				}
				msg := locale.T(locale.Default, fe[0].Key, fe[0].Args...)
				if !strings.Contains(msg, "phiên bản 3") || !strings.Contains(msg, "15/10/2025") {
					t.Errorf("message %q", msg)
				}
			}},
			{"a cap needs an effective date; rates and shares stay in range", func(t *testing.T) {
				zero := kc.Date{}
				_, err := a.UpdateSchemeRule(admin, v1.SchemeID, app.SchemeRuleUpdate{EffectiveFrom: &zero})
				if fe := kc.FieldErrors(err); len(fe) != 1 || fe[0].Key != "scheme.cap_needs_date" {
					t.Errorf("no date: %v", err)
				}
				rate, counter, uplift := 12_000, 6_000, 5_000
				_, err = a.UpdateSchemeRule(admin, v1.SchemeID, app.SchemeRuleUpdate{RateBP: &rate, CounterpartMinBP: &counter, UpliftBP: &uplift})
				var got []string
				for _, fe := range kc.FieldErrors(err) {
					got = append(got, fe.Field)
				}
				if !slices.Equal(got, []string{"rate_bp", "uplift_bp"}) {
					t.Errorf("fields %v (%v)", got, err)
				}
			}},
			{"confirming a cap is audited and removes the badge", func(t *testing.T) {
				cap, yes := int64(350_000_000), true
				got, err := a.UpdateSchemeRule(admin, v3.SchemeID, app.SchemeRuleUpdate{Cap: &cap, Confirmed: &yes})
				if err != nil || got.Cap != cap || got.NeedsReview || !got.Confirmed {
					t.Fatalf("%+v (%v)", got, err)
				}
				entries, _ := a.ListAudit(sys, "scheme", v3.SchemeID, 10)
				if len(entries) != 1 || !strings.Contains(entries[0].Before, "300000000") || !strings.Contains(entries[0].After, "350000000") {
					t.Errorf("audit = %+v", entries)
				}
			}},
			{"a new version ends the one it copies", func(t *testing.T) {
				nv, err := a.CreateSchemeVersion(admin, v3.SchemeID, kc.MustDate("2027-01-01"))
				if err != nil || nv.Version != 4 || nv.Confirmed || len(nv.Criteria) != len(v3.Criteria) {
					t.Fatalf("%+v (%v)", nv, err)
				}
				d, _ := a.Scheme(admin, v3.SchemeID)
				if d.EffectiveTo != kc.MustDate("2026-12-31") {
					t.Errorf("v3 ends %s", d.EffectiveTo)
				}
				_, err = a.CreateSchemeVersion(admin, v1.SchemeID, kc.MustDate("2019-01-01"))
				if fe := kc.FieldErrors(err); len(fe) != 1 || fe[0].Key != "scheme.overlap" || fe[0].Args[0] != 2 {
					t.Errorf("an open version over later ones: %v", err)
				}
			}},
			{"a criterion without a group is a condition of its own", func(t *testing.T) {
				c, err := a.SaveCriterion(admin, v3.SchemeID, eligibility.Criterion{Label: "Có vốn", Field: "Capital", Op: ">", Value: "0"})
				if err != nil {
					t.Fatal(err)
				}
				d, _ := a.Scheme(admin, v3.SchemeID)
				for _, x := range d.Criteria {
					if x.ID != c.ID && x.Group >= c.Group {
						t.Errorf("new criterion in group %d, but %q is in group %d", c.Group, x.Label, x.Group)
					}
				}
				if err := a.DeleteCriterion(admin, v3.SchemeID, c.ID); err != nil {
					t.Fatal(err)
				}
			}},
		}
		for _, st := range steps {
			t.Run(st.name, st.run)
		}
	})
}

func TestCheckEligibilityScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := apptest.NewScope(t, s)
		a := f.App
		ctx := t.Context()
		if err := a.EnsureReference(app.WithPrincipal(ctx, app.System)); err != nil {
			t.Fatal(err)
		}
		// Establishment A has no yearly facts: undetermined, never failed
		// on its workers.
		rep, err := a.CheckEligibility(f.As(t, ctx, apptest.OfficerA), app.EligibilityCheck{EstablishmentID: f.EstA.ID, SchemeCode: "MAY_MOC_TIEN_TIEN"})
		if err != nil {
			t.Fatal(err)
		}
		if res := rep.Results[0]; res.Status != eligibility.Undetermined || !slices.Contains(rep.Facts.Missing, "Workers") {
			t.Errorf("no facts: status %s, missing %v", res.Status, rep.Facts.Missing)
		}
		if rep.Establishment.Name != f.EstA.Name || rep.On != kc.DateOf(storetest.Clock) {
			t.Errorf("report = %+v", rep.Establishment)
		}
		cases := []struct {
			user string
			id   int64
			code string
		}{
			{apptest.OfficerB, f.EstA.ID, kc.ENotFound},
			{apptest.OfficerA, f.EstB.ID, kc.ENotFound},
			{apptest.OfficerA, 999_999, kc.ENotFound},
			{apptest.Viewer, f.EstA.ID, ""},
			{apptest.Province, f.EstB.ID, ""},
		}
		for _, c := range cases {
			_, err := a.CheckEligibility(f.As(t, ctx, c.user), app.EligibilityCheck{EstablishmentID: c.id})
			if kc.ErrorCode(err) != c.code {
				t.Errorf("%s checks %d: %v, want %q", c.user, c.id, err, c.code)
			}
		}
		if _, err := a.CheckEligibility(ctx, app.EligibilityCheck{EstablishmentID: f.EstA.ID}); kc.ErrorCode(err) != kc.EUnauthenticated {
			t.Errorf("without login: %v", err)
		}
		council, err := a.ResolvePrincipal(ctx, kc.User{Username: "hd", Role: kc.RoleCouncilMember, ScopeUnitIDs: []int64{f.Province.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.CheckEligibility(app.WithPrincipal(ctx, council), app.EligibilityCheck{EstablishmentID: f.EstA.ID}); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("council member: %v", err)
		}
		bad := []struct {
			name string
			in   app.EligibilityCheck
			key  string
		}{
			{"no establishment", app.EligibilityCheck{}, "check.establishment_required"},
			{"negative cost", app.EligibilityCheck{EstablishmentID: f.EstA.ID, Cost: -5}, "check.cost_range"},
			{"unknown scheme", app.EligibilityCheck{EstablishmentID: f.EstA.ID, SchemeCode: "KHONG_CO"}, "check.scheme_unknown"},
		}
		for _, c := range bad {
			_, err := a.CheckEligibility(f.As(t, ctx, apptest.OfficerA), c.in)
			if fe := kc.FieldErrors(err); len(fe) != 1 || fe[0].Key != c.key {
				t.Errorf("%s: %v", c.name, err)
			}
		}
	})
}

// TestBaNangBrewer is the must-show scenario on the district demo: the
// household rice-wine brewer of the former Ba Nang commune is not
// eligible for the national machinery scheme (too few workers, with the
// gap), eligible for the example provincial one, and gets group
// suggestions naming brewers nearby.
func TestBaNangBrewer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := demoApp(t, s)
		brewer := banangBrewer(t, a)
		neighbours, err := s.NeighbourCommunes(t.Context(), brewer.CommuneID)
		if err != nil || len(neighbours) != 4 {
			t.Fatalf("neighbours of Xã Đakrông: %v (%v), want the other 4 communes of the former district", neighbours, err)
		}
		users := []struct {
			name     string
			ctx      context.Context
			communes []int64
		}{
			{"administrator", app.WithPrincipal(t.Context(), app.System), append([]int64{brewer.CommuneID}, neighbours...)},
			{"officer of Xã Đakrông", asDemo(t, a, "canbo.dakrong"), []int64{brewer.CommuneID}},
		}
		for _, u := range users {
			t.Run(u.name, func(t *testing.T) {
				rep, err := a.CheckEligibility(u.ctx, app.EligibilityCheck{EstablishmentID: brewer.ID, SchemeCode: "MAY_MOC_TIEN_TIEN"})
				if err != nil {
					t.Fatal(err)
				}
				res := rep.Results[0]
				if res.Status != eligibility.NotEligible || res.Rule.Level != "national" || res.Rule.LegalBasis != "NĐ 235/2025/NĐ-CP" {
					t.Fatalf("national machinery: %s (%s v%d)", res.Status, res.Rule.Code, res.Rule.Version)
				}
				failed := app.Blocking(res)
				if len(failed) != 1 || failed[0].Criterion.Field != "Workers" || failed[0].State != eligibility.Fail || failed[0].Gap != int64(10-brewer.Fact.Workers) {
					t.Fatalf("failing criteria = %+v", failed)
				}
				if gap := app.GapText("vi", failed[0]); gap != fmt.Sprintf("thiếu %d lao động", 10-brewer.Fact.Workers) {
					t.Errorf("gap text %q", gap)
				}
				if !slices.ContainsFunc(rep.Qualifies, func(r eligibility.Result) bool { return r.Rule.Code == "QT_VD_MAY_MOC" }) {
					t.Errorf("qualifies for %v, not the provincial machinery example", codes(rep.Qualifies))
				}
				if len(rep.Groups) == 0 {
					t.Fatal("no group suggestion")
				}
				for _, g := range rep.Groups {
					if g.Scheme.Code != "MAY_MOC_TIEN_TIEN" || g.Result.Status != eligibility.Eligible || g.Combined.Workers < 10 || len(g.Members) < 2 {
						t.Errorf("group %+v", g)
					}
					seeds, workers := 0, 0
					for _, m := range g.Members {
						workers += m.Workers
						if m.Seed {
							seeds++
							continue
						}
						if m.Name == "" || m.CommuneName == "" || !slices.Contains(u.communes, m.CommuneID) || m.ID == brewer.ID {
							t.Errorf("member %+v outside %v", m, u.communes)
						}
					}
					if seeds != 1 || workers != g.Combined.Workers || len(g.Reasons) == 0 {
						t.Errorf("group of %d seeds, %d workers (combined %d), %d reasons", seeds, workers, g.Combined.Workers, len(g.Reasons))
					}
				}
				prov, err := a.CheckEligibility(u.ctx, app.EligibilityCheck{EstablishmentID: brewer.ID, SchemeCode: "QT_VD_MAY_MOC", Cost: 150_000_000})
				if err != nil {
					t.Fatal(err)
				}
				if r := prov.Results[0]; r.Status != eligibility.Eligible || !r.Rule.Example || r.Support.Amount != 75_000_000 || r.Priority == 0 {
					t.Errorf("provincial example: %s, support %+v, priority %d", r.Status, r.Support, r.Priority)
				}
			})
		}
		t.Run("officer of another commune cannot check it", func(t *testing.T) {
			_, err := a.CheckEligibility(asDemo(t, a, "canbo.lalay"), app.EligibilityCheck{EstablishmentID: brewer.ID})
			if kc.ErrorCode(err) != kc.ENotFound {
				t.Errorf("got %v", err)
			}
		})
		t.Run("on a day of the TTLT 26/2014 period", func(t *testing.T) {
			rep, err := a.CheckEligibility(app.WithPrincipal(t.Context(), app.System), app.EligibilityCheck{EstablishmentID: brewer.ID,
				SchemeCode: "MAY_MOC_TIEN_TIEN", On: kc.MustDate("2018-05-10")})
			if err != nil || rep.Results[0].Rule.Version != 1 || rep.Facts.FactYear != 2018 {
				t.Fatalf("%+v (%v)", rep.Results, err)
			}
			if slices.ContainsFunc(rep.Qualifies, func(r eligibility.Result) bool { return r.Rule.Level != "national" }) {
				t.Error("a provincial example scheme of 2025 applies in 2018")
			}
		})
	})
}

func codes(rs []eligibility.Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Rule.Code)
	}
	return out
}

// TestSchemeMessagesExist checks that every message key the scheme,
// check, screen and self-check code names is in both catalogues.
func TestSchemeMessagesExist(t *testing.T) {
	key := regexp.MustCompile(`"((?:check|scheme|screen|selfcheck)\.[a-z0-9_.]+)"`)
	var files []string
	for _, f := range []string{"eligibility.go", "screen.go", "selfcheck.go", "../cli/eligibility.go", "../api/eligibility.go"} {
		files = append(files, filepath.FromSlash(f))
	}
	found := 0
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			k := m[1]
			if strings.HasSuffix(k, ".") {
				continue // a prefix completed at run time
			}
			found++
			for _, lang := range locale.Languages {
				if locale.T(lang, k) == k {
					t.Errorf("%s: key %q missing in %s", name, k, lang)
				}
			}
		}
	}
	for _, prefix := range []string{"check.status.", "check.mark.", "scheme.level."} {
		for _, k := range locale.Keys() {
			if strings.HasPrefix(k, prefix) && locale.T("en", k) == k {
				t.Errorf("key %q missing in en", k)
			}
		}
	}
	if found < 40 {
		t.Errorf("only %d keys found; is the pattern broken?", found)
	}
}

func TestGapText(t *testing.T) {
	cases := []struct {
		name string
		lang string
		o    eligibility.Outcome
		want string
	}{
		{"workers short", "vi", eligibility.Outcome{Criterion: eligibility.Criterion{Op: ">="}, Gap: 4, GapField: "Workers"}, "thiếu 4 lao động"},
		{"money short", "vi", eligibility.Outcome{Criterion: eligibility.Criterion{Op: ">="}, Gap: 20_000_000, GapField: "Revenue"}, "thiếu 20.000.000 ₫"},
		{"over a ceiling", "vi", eligibility.Outcome{Criterion: eligibility.Criterion{Op: "<="}, Gap: 1_200, GapField: "Workers"}, "vượt 1.200 lao động"},
		{"in English", "en", eligibility.Outcome{Criterion: eligibility.Criterion{Op: ">"}, Gap: 2, GapField: "YearsActive"}, "2 years short"},
		{"no gap", "vi", eligibility.Outcome{Criterion: eligibility.Criterion{Op: "=="}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := app.GapText(c.lang, c.o); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
