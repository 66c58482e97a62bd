package app_test

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"khuyencong/internal/app"
	"khuyencong/internal/eligibility"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// TestScreenMatchesBruteForce screens Xã Đakrông of the district demo and
// compares every count with a brute-force evaluation of each
// establishment one by one (CheckEligibility, which builds full
// explanations), checks that each near-eligible entry is near-eligible
// indeed, that a commune officer screening their scope gets the same
// counts, and that the workbook holds the report.
func TestScreenMatchesBruteForce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := demoApp(t, s)
		admin := app.WithPrincipal(t.Context(), app.System)
		rep, err := a.Screen(admin, app.ScreenOptions{UnitCode: "19564", MarginPct: 50})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Establishments < 30 || len(rep.Schemes) < 10 || len(rep.Communes) != 1 || rep.Communes[0].Code != "19564" || len(rep.Skipped) != 0 {
			t.Fatalf("report: %d establishments, %d schemes, communes %+v, skipped %v", rep.Establishments, len(rep.Schemes), rep.Communes, rep.Skipped)
		}
		commune := rep.Communes[0]
		list, total, err := s.ListEstablishments(t.Context(), kc.EstablishmentFilter{CommuneIDs: []int64{commune.ID}, Limit: 1000})
		if err != nil || total != rep.Establishments || commune.Establishments != total {
			t.Fatalf("%d establishments listed (%v), screened %d", total, err, rep.Establishments)
		}
		brute := map[string]*app.ScreenCounts{}
		for _, e := range list {
			r, err := a.CheckEligibility(admin, app.EligibilityCheck{EstablishmentID: e.ID})
			if err != nil {
				t.Fatal(err)
			}
			for _, res := range r.Results {
				c := brute[res.Rule.Code]
				if c == nil {
					c = &app.ScreenCounts{}
					brute[res.Rule.Code] = c
				}
				switch res.Status {
				case eligibility.Eligible:
					c.Eligible++
				case eligibility.NotEligible:
					c.NotEligible++
				default:
					c.Undetermined++
				}
			}
		}
		if len(brute) != len(rep.Schemes) {
			t.Errorf("brute force saw %d schemes, the screening %d", len(brute), len(rep.Schemes))
		}
		for k, sc := range rep.Schemes {
			want := brute[sc.Rule.Code]
			if want == nil || *want != sc.ScreenCounts || commune.Counts[k] != sc.ScreenCounts {
				t.Errorf("%s: screened %v, commune %v, brute force %v", sc.Rule.Code, sc.ScreenCounts, commune.Counts[k], want)
			}
			for _, f := range sc.Failing {
				if f.Count > sc.NotEligible || f.Criterion.Kind == eligibility.KindPriority {
					t.Errorf("%s: failing %q counted %d of %d not eligible", sc.Rule.Code, f.Criterion.Label, f.Count, sc.NotEligible)
				}
			}
			if sc.Rule.Code == "MAY_MOC_TIEN_TIEN" && (len(sc.Failing) == 0 || sc.Failing[0].Criterion.Field != "Workers") {
				t.Errorf("most common failing criterion of the national machinery scheme: %+v", sc.Failing)
			}
		}
		if len(rep.Near) == 0 {
			t.Error("nobody near-eligible at a 50 % margin")
		}
		for _, n := range rep.Near {
			r, err := a.CheckEligibility(admin, app.EligibilityCheck{EstablishmentID: n.EstablishmentID, SchemeCode: n.SchemeCode})
			if err != nil {
				t.Fatal(err)
			}
			o, ok := eligibility.NearEligible(r.Results[0], 50)
			if !ok || o.Criterion.ID != n.Outcome.Criterion.ID || o.Gap != n.Outcome.Gap || n.Name == "" || n.CommuneName == "" {
				t.Errorf("near entry %+v: engine says %+v, %v", n, o, ok)
			}
		}
		officer, err := a.Screen(asDemo(t, a, "canbo.dakrong"), app.ScreenOptions{MarginPct: 50})
		if err != nil {
			t.Fatal(err)
		}
		if officer.Establishments != rep.Establishments || len(officer.Near) != len(rep.Near) {
			t.Errorf("officer: %d establishments, %d near; admin %d, %d", officer.Establishments, len(officer.Near), rep.Establishments, len(rep.Near))
		}
		for k := range officer.Schemes {
			if officer.Schemes[k].ScreenCounts != rep.Schemes[k].ScreenCounts {
				t.Errorf("%s: officer %v, admin %v", officer.Schemes[k].Rule.Code, officer.Schemes[k].ScreenCounts, rep.Schemes[k].ScreenCounts)
			}
		}
		// Another commune's officer asking for Xã Đakrông gets nothing of it.
		other, err := a.Screen(asDemo(t, a, "canbo.lalay"), app.ScreenOptions{UnitCode: "19564"})
		if err != nil || other.Establishments != 0 {
			t.Errorf("La Lay officer screening Đakrông: %d establishments (%v)", other.Establishments, err)
		}
		if _, err := a.Screen(admin, app.ScreenOptions{MarginPct: 150}); kc.ErrorCode(err) != kc.EInvalid {
			t.Errorf("margin 150: %v", err)
		}
		if _, err := a.Screen(admin, app.ScreenOptions{UnitCode: "00000"}); kc.ErrorCode(err) != kc.EInvalid {
			t.Errorf("unknown unit: %v", err)
		}
		var buf bytes.Buffer
		if err := app.WriteScreenXLSX(&buf, rep, "vi"); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) != 3 || sheets[0] != "Tổng hợp" || sheets[1] != "Theo xã" || sheets[2] != "Gần đủ điều kiện" {
			t.Fatalf("sheets %v", sheets)
		}
		rows, _ := f.GetRows("Tổng hợp")
		if len(rows) != len(rep.Schemes)+1 || rows[0][0] != "Mã chính sách" || rows[1][0] != rep.Schemes[0].Rule.Code {
			t.Errorf("summary rows: %v", rows)
		}
		rows, _ = f.GetRows("Gần đủ điều kiện")
		if len(rows) != len(rep.Near)+1 || rows[1][1] != rep.Near[0].Name {
			t.Errorf("near rows: %d, want %d", len(rows), len(rep.Near)+1)
		}
		rows, _ = f.GetRows("Theo xã")
		if len(rows) != len(rep.Schemes)+1 || rows[1][1] != "Xã Đakrông" {
			t.Errorf("commune rows: %v", rows)
		}
	})
}

// TestScreenWholeDistrict screens the whole demo as the administrator:
// the per-commune counts add up to the totals.
func TestScreenWholeDistrict(t *testing.T) {
	s := storetest.OpenSQLite(t)
	a := demoApp(t, s)
	rep, err := a.Screen(app.WithPrincipal(t.Context(), app.System), app.ScreenOptions{On: kc.MustDate("2026-06-30")})
	if err != nil {
		t.Fatal(err)
	}
	n, _ := s.CountEstablishments(t.Context())
	if int64(rep.Establishments) != n || len(rep.Communes) != 5 || rep.MarginPct != app.DefaultMarginPct || rep.On != kc.MustDate("2026-06-30") {
		t.Fatalf("%d of %d establishments, %d communes, margin %d", rep.Establishments, n, len(rep.Communes), rep.MarginPct)
	}
	for k, sc := range rep.Schemes {
		var sum app.ScreenCounts
		establishments := 0
		for _, c := range rep.Communes {
			sum.Eligible += c.Counts[k].Eligible
			sum.NotEligible += c.Counts[k].NotEligible
			sum.Undetermined += c.Counts[k].Undetermined
			establishments += c.Establishments
		}
		if sum != sc.ScreenCounts || establishments != rep.Establishments {
			t.Errorf("%s: communes add up to %v, totals %v", sc.Rule.Code, sum, sc.ScreenCounts)
		}
		if sc.Rule.Level == "national" && sc.Total() != rep.Establishments {
			t.Errorf("%s: %d counted of %d", sc.Rule.Code, sc.Total(), rep.Establishments)
		}
	}
}
