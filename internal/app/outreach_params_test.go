package app_test

import (
	"context"
	"encoding/json"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/outreach"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// TestUpdateOutreachPlanParams edits the planner's assumptions on the
// district demo: only administrators and province officers may; a bad
// value is refused by field with nothing written; a saved value changes
// the assumptions in force and a plan's cost, is audited, and a value
// equal to the default is not kept; reset removes every stored number and
// keeps the days off.
func TestUpdateOutreachPlanParams(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := demoApp(t, s)
		prov := asDemo(t, a, "canbo.tinh")
		from, to := app.NextQuarter(kc.DateOf(a.Now()))
		in := app.PlanOutreachInput{UnitCode: "44", From: from, To: to, StaffDays: 20, Budget: 30_000_000}
		stored := func() map[string]string {
			t.Helper()
			var m map[string]string
			if err := s.View(t.Context(), func(tx *store.Tx) error {
				var err error
				m, err = tx.SettingsWithPrefix(t.Context(), "outreach.")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return m
		}
		lastAudit := func() kc.AuditEntry {
			t.Helper()
			es, err := s.ListAudit(t.Context(), "", 0, 1)
			if err != nil || len(es) != 1 {
				t.Fatalf("audit: %v", err)
			}
			return es[0]
		}

		t.Run("forbidden", func(t *testing.T) {
			for _, u := range []string{"canbo.dakrong", "hoidong", "nguoixem"} {
				ctx := asDemo(t, a, u)
				if err := a.UpdateOutreachPlanParams(ctx, outreach.DefaultParams(), nil); kc.ErrorCode(err) != kc.EForbidden {
					t.Errorf("%s updated: %v", u, err)
				}
				if err := a.ResetOutreachPlanParams(ctx); kc.ErrorCode(err) != kc.EForbidden {
					t.Errorf("%s reset: %v", u, err)
				}
				if a.CanEditOutreachPlanParams(ctx) {
					t.Errorf("%s may edit", u)
				}
			}
			if _, err := a.OutreachPlanSettings(asDemo(t, a, "hoidong")); kc.ErrorCode(err) != kc.EForbidden {
				t.Errorf("council member read the assumptions: %v", err)
			}
			v, err := a.OutreachPlanSettings(asDemo(t, a, "nguoixem"))
			if err != nil || v.CanEdit {
				t.Errorf("viewer: %+v %v", v.CanEdit, err)
			}
			if err := a.UpdateOutreachPlanParams(context.Background(), outreach.DefaultParams(), nil); kc.ErrorCode(err) != kc.EUnauthenticated {
				t.Errorf("no principal: %v", err)
			}
			if !a.CanEditOutreachPlanParams(prov) || !a.CanEditOutreachPlanParams(asDemo(t, a, "quantri")) {
				t.Error("province officer or administrator may not edit")
			}
			if len(stored()) != 0 {
				t.Errorf("written: %v", stored())
			}
		})

		t.Run("bad value", func(t *testing.T) {
			before := lastAudit()
			p := outreach.DefaultParams()
			vm := p.Forms[kc.SessionVillageMeeting]
			vm.ReachBP = 12000
			p.Forms[kc.SessionVillageMeeting] = vm
			r := p.Forms[kc.SessionRadio]
			r.HalfDays = 101
			p.Forms[kc.SessionRadio] = r
			p.TravelCost, p.SessionsPerDay = -1, 0
			err := a.UpdateOutreachPlanParams(prov, p, []kc.Date{kc.MustDate("2027-02-08")})
			got := map[string]string{}
			for _, fe := range kc.FieldErrors(err) {
				got[fe.Field] = fe.Key
			}
			want := map[string]string{"village_meeting.reach_bp": "outreachparams.error.percent", "radio.half_days": "outreachparams.error.half_days",
				"travel_cost": "outreachparams.error.money", "sessions_per_day": "outreachparams.error.count"}
			if len(got) != len(want) {
				t.Errorf("errors %v, want %v", got, want)
			}
			for f, k := range want {
				if got[f] != k {
					t.Errorf("field %s: %q, want %q (%v)", f, got[f], k, err)
				}
			}
			missing := outreach.DefaultParams()
			delete(missing.Forms, kc.SessionRadio)
			if es := kc.FieldErrors(a.UpdateOutreachPlanParams(prov, missing, nil)); len(es) != 1 || es[0].Field != kc.SessionRadio {
				t.Errorf("missing kind: %v", es)
			}
			if es := kc.FieldErrors(a.UpdateOutreachPlanParams(prov, outreach.DefaultParams(), []kc.Date{kc.MustDate("1990-01-02")})); len(es) != 1 || es[0].Field != "holidays" {
				t.Errorf("holiday in 1990: %v", es)
			}
			if m := stored(); len(m) != 0 {
				t.Errorf("a refused change wrote %v", m)
			}
			if lastAudit().ID != before.ID {
				t.Error("a refused change was audited")
			}
		})

		t.Run("save", func(t *testing.T) {
			plan0, err := a.PlanOutreach(prov, in)
			if err != nil || plan0.Travel == 0 {
				t.Fatalf("plan before: travel %d, %v", plan0.Travel, err)
			}
			p := outreach.DefaultParams()
			p.TravelCost = 0
			vm := p.Forms[kc.SessionVillageMeeting]
			vm.ReachBP = 8000
			p.Forms[kc.SessionVillageMeeting] = vm
			tet := []kc.Date{kc.MustDate("2027-02-09"), kc.MustDate("2027-02-08"), kc.MustDate("2027-02-09")}
			if err := a.UpdateOutreachPlanParams(prov, p, tet); err != nil {
				t.Fatal(err)
			}
			m := stored()
			if len(m) != 3 || m["outreach.plan.travel_cost"] != "0" || m["outreach.plan.village_meeting.reach_bp"] != "8000" ||
				m["outreach.holidays"] != "2027-02-08,2027-02-09" {
				t.Errorf("stored %v", m)
			}
			got, err := a.OutreachPlanParams(prov)
			if err != nil || got.TravelCost != 0 || got.Forms[kc.SessionVillageMeeting].ReachBP != 8000 {
				t.Errorf("params in force %+v %v", got, err)
			}
			plan1, err := a.PlanOutreach(prov, in)
			if err != nil {
				t.Fatal(err)
			}
			if plan1.Travel != 0 || plan1.Cost == plan0.Cost {
				t.Errorf("plan after: travel %d, cost %d (before %d)", plan1.Travel, plan1.Cost, plan0.Cost)
			}
			e := lastAudit()
			var before, after map[string]string
			if err := json.Unmarshal([]byte(e.Before), &before); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(e.After), &after); err != nil {
				t.Fatal(err)
			}
			if e.Entity != "setting" || e.Action != kc.ActionUpdate || e.Actor != "canbo.tinh" ||
				before["outreach.plan.travel_cost"] != "600000" || after["outreach.plan.travel_cost"] != "0" ||
				after["outreach.holidays"] != "2027-02-08,2027-02-09" || len(after) != 3 {
				t.Errorf("audit %+v", e)
			}
			v, err := a.OutreachPlanSettings(prov)
			if err != nil || !v.CanEdit || !v.Custom["travel_cost"] || v.Custom["radio.cost"] || len(v.Holidays) != 2 {
				t.Errorf("settings view %+v %v", v, err)
			}

			// The same values again: nothing written, nothing audited.
			if err := a.UpdateOutreachPlanParams(prov, p, tet); err != nil {
				t.Fatal(err)
			}
			if lastAudit().ID != e.ID {
				t.Error("an unchanged save was audited")
			}
			// Back to the default: the key goes, the default follows the program.
			p.TravelCost = outreach.DefaultParams().TravelCost
			if err := a.UpdateOutreachPlanParams(asDemo(t, a, "quantri"), p, tet); err != nil {
				t.Fatal(err)
			}
			if m := stored(); len(m) != 2 || m["outreach.plan.travel_cost"] != "" {
				t.Errorf("after the default again: %v", m)
			}
		})

		t.Run("reset", func(t *testing.T) {
			if err := a.ResetOutreachPlanParams(prov); err != nil {
				t.Fatal(err)
			}
			m := stored()
			if len(m) != 1 || m["outreach.holidays"] == "" {
				t.Errorf("after reset: %v", m)
			}
			got, err := a.OutreachPlanParams(prov)
			if err != nil || got.Forms[kc.SessionVillageMeeting].ReachBP != outreach.DefaultParams().Forms[kc.SessionVillageMeeting].ReachBP {
				t.Errorf("params after reset %+v %v", got, err)
			}
			if e := lastAudit(); e.Entity != "setting" || e.Before == "" {
				t.Errorf("reset audit %+v", e)
			}
			n := lastAudit().ID
			if err := a.ResetOutreachPlanParams(prov); err != nil || lastAudit().ID != n {
				t.Errorf("a reset with nothing stored: %v, audited %v", err, lastAudit().ID != n)
			}
			// Clearing the days off removes the setting.
			if err := a.UpdateOutreachPlanParams(prov, outreach.DefaultParams(), nil); err != nil || len(stored()) != 0 {
				t.Errorf("days off cleared: %v %v", stored(), err)
			}
		})
	})
}

// TestParseOutreachParamsInput reads days off and percentages as typed.
func TestParseOutreachParamsInput(t *testing.T) {
	days, err := app.ParseOutreachHolidays("16/02/2026\r\n2026-02-17, 16/2/2026\n\n")
	if err != nil || len(days) != 2 || days[0] != kc.MustDate("2026-02-16") || days[1] != kc.MustDate("2026-02-17") {
		t.Errorf("days %v %v", days, err)
	}
	if _, err := app.ParseOutreachHolidays("16/02/2026\n30/02/2026\nTết"); len(kc.FieldErrors(err)) != 1 || kc.FieldErrors(err)[0].Field != "holidays" {
		t.Errorf("bad days: %v", err)
	}
	for s, want := range map[string]int{"70": 7000, "72,5": 7250, "72.25 %": 7225, "0": 0, "100": 10000} {
		if bp, err := app.ParsePercentBP("x", s); err != nil || bp != want {
			t.Errorf("%q → %d %v, want %d", s, bp, err, want)
		}
	}
	for _, s := range []string{"", "abc", "70,125", "1e9"} {
		if _, err := app.ParsePercentBP("x", s); kc.FieldErrors(err) == nil {
			t.Errorf("%q accepted", s)
		}
	}
}
