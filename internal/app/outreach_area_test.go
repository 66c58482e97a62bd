package app_test

import (
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/eligibility"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
	"khuyencong/internal/vi"
)

// TestOutreachArea reads the reach of Xã Đakrông in the district demo and
// checks it against the registry read one establishment at a time: the
// producers per village add up, the likely eligible are those a one-by-one
// eligibility check finds eligible or near-eligible, and a village-wide
// session reaches every producer of its village — within the last 12
// months or before, but not while it is only planned.
func TestOutreachArea(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := demoApp(t, s)
		admin := app.WithPrincipal(t.Context(), app.System)
		if _, err := a.OutreachArea(admin, "", kc.Date{}); kc.ErrorCode(err) != kc.EInvalid {
			t.Errorf("a national account without a unit: %v", err)
		}
		area, err := a.OutreachArea(admin, "19564", kc.Date{})
		if err != nil {
			t.Fatal(err)
		}
		if len(area.Communes) != 1 || area.Communes[0].Code != "19564" || area.UnitName != "Xã Đakrông" {
			t.Fatalf("communes %+v, unit %q", area.Communes, area.UnitName)
		}
		commune := area.Communes[0]
		list, total, err := s.ListEstablishments(t.Context(), kc.EstablishmentFilter{CommuneIDs: []int64{commune.ID}, Limit: 1000})
		if err != nil || total == 0 || commune.Producers != total || area.Total.Producers != total {
			t.Fatalf("%d establishments (%v), area counts %d", total, err, commune.Producers)
		}
		var sum app.OutreachFigures
		perVillage := map[string]int{}
		for _, v := range area.CommuneVillages(commune.ID) {
			sum.Producers += v.Producers
			sum.Likely += v.Likely
			sum.Reached12 += v.Reached12
			perVillage[vi.Fold(v.Village)] = v.Producers
		}
		if sum.Producers != total || sum.Likely != commune.Likely || sum.Reached12 != commune.Reached12 {
			t.Errorf("villages add up to %+v, commune %+v", sum, commune.OutreachFigures)
		}
		likely := 0
		for _, e := range list {
			perVillage[vi.Fold(e.Village)]--
			r, err := a.CheckEligibility(admin, app.EligibilityCheck{EstablishmentID: e.ID})
			if err != nil {
				t.Fatal(err)
			}
			for _, res := range r.Results {
				_, near := eligibility.NearEligible(res, app.DefaultMarginPct)
				if res.Status == eligibility.Eligible || near {
					likely++
					break
				}
			}
		}
		for v, n := range perVillage {
			if n != 0 {
				t.Errorf("village %q: %d producers off", v, n)
			}
		}
		if likely == 0 || likely != commune.Likely {
			t.Errorf("likely eligible: area %d, one by one %d", commune.Likely, likely)
		}

		// The largest village not reached in the last 12 months.
		var target app.OutreachVillage
		for _, v := range area.CommuneVillages(commune.ID) {
			if v.Village != "" && v.Reached12 == 0 && v.Producers > target.Producers {
				target = v
			}
		}
		if target.Producers < 2 {
			t.Fatalf("no unreached village with producers: %+v", area.Villages)
		}
		today := kc.DateOf(a.Now().In(vi.Location))
		village := func(name string) app.OutreachVillage {
			t.Helper()
			ar, err := a.OutreachArea(admin, "19564", kc.Date{})
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range ar.Villages {
				if v.Village == name {
					return v
				}
			}
			t.Fatalf("village %q gone", name)
			return app.OutreachVillage{}
		}
		session := func(status string, on kc.Date) {
			t.Helper()
			if _, err := s.CreateOutreachSession(t.Context(), kc.OutreachSession{Kind: kc.SessionLoudspeaker, Status: status,
				CommuneID: commune.ID, Village: target.Village, HeldOn: on, Attendees: 30}); err != nil {
				t.Fatal(err)
			}
		}
		session(kc.SessionPlanned, today.AddDays(-5)) // planned, not yet marked held
		if v := village(target.Village); v.OutreachFigures != target.OutreachFigures {
			t.Errorf("a planned session changed the reach: %+v → %+v", target.OutreachFigures, v.OutreachFigures)
		}
		old := today.AddDays(-app.ReachWindowDays - 30)
		session(kc.SessionHeld, old)
		v := village(target.Village)
		if v.Reached12 != 0 || v.LikelyNeverReached != 0 || v.LikelyUnreached12 != target.LikelyUnreached12 || v.LastSession.Before(old) {
			t.Errorf("after a broadcast 13 months ago: %+v (before %+v)", v.OutreachFigures, target.OutreachFigures)
		}
		recent := today.AddDays(-10)
		session(kc.SessionHeld, recent)
		v = village(target.Village)
		if v.Reached12 != v.Producers || v.LikelyUnreached12 != 0 || v.Ethnic != 0 || v.Phone != 0 || v.LastSession != recent || v.ReachedPct() != 100 {
			t.Errorf("after a broadcast 10 days ago: %+v", v.OutreachFigures)
		}

		// A commune officer sees their own commune without naming it, and
		// asking for the province reads their commune only, named as such.
		officer := asDemo(t, a, "canbo.dakrong")
		off, err := a.OutreachArea(officer, "", kc.Date{})
		if err != nil || len(off.Communes) != 1 || off.Communes[0].Producers == 0 || off.Narrowed {
			t.Errorf("commune officer: %+v %v", off.Communes, err)
		}
		prov, err := a.OutreachArea(officer, "44", kc.Date{})
		if err != nil || len(prov.Communes) != 1 || !prov.Narrowed || prov.UnitName != "Xã Đakrông" || prov.Total != off.Total {
			t.Errorf("commune officer asking for the province: %q narrowed %v, %+v %v", prov.UnitName, prov.Narrowed, prov.Total, err)
		}
		if _, err := a.OutreachArea(officer, "19594", kc.Date{}); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("another commune: %v", err)
		}
	})
}
