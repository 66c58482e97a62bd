package app_test

import (
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/outreach"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// TestPlanOutreach plans the next quarter on the district demo: the plan
// keeps to its limits, targets what OutreachArea counts, beats the
// baseline, respects scope, refuses zero staff days, reads its
// assumptions from the settings and saves as a campaign.
func TestPlanOutreach(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := demoApp(t, s)
		admin := app.WithPrincipal(t.Context(), app.System)
		from, to := app.NextQuarter(kc.DateOf(a.Now()))
		in := app.PlanOutreachInput{UnitCode: "44", From: from, To: to, StaffDays: 20, Budget: 30_000_000}

		t.Run("plan", func(t *testing.T) {
			pl, err := a.PlanOutreach(admin, in)
			if err != nil {
				t.Fatal(err)
			}
			area, err := a.OutreachArea(admin, "44", kc.Date{})
			if err != nil {
				t.Fatal(err)
			}
			if pl.Target != area.Total.LikelyUnreached12 || pl.Target == 0 {
				t.Errorf("plan target %d, area counts %d", pl.Target, area.Total.LikelyUnreached12)
			}
			if len(pl.Sessions) == 0 || pl.Cost > in.Budget || pl.HalfDays > 2*in.StaffDays {
				t.Fatalf("%d sessions, cost %d, half days %d", len(pl.Sessions), pl.Cost, pl.HalfDays)
			}
			if pl.Baseline.Sessions != len(pl.Sessions) || pl.Reached < pl.Baseline.Reached {
				t.Errorf("plan reaches %d with %d sessions, baseline %d with %d", pl.Reached, len(pl.Sessions),
					pl.Baseline.Reached, pl.Baseline.Sessions)
			}
			for _, ss := range pl.Sessions {
				if ss.Date.Before(from) || ss.Date.After(to) || ss.Reason.Key != "outreachplan.reason" {
					t.Errorf("session %+v", ss)
				}
				if d := ss.Date.Time(); d.Month() == 1 && d.Day() == 1 {
					t.Errorf("session on New Year's Day: %+v", ss)
				}
			}
			// Every text renders from the catalog, nothing left as a key.
			text := pl.Explanation("vi")
			if strings.Contains(text, "outreachplan.") || strings.Contains(text, "%!") {
				t.Errorf("explanation has unrendered parts:\n%s", text)
			}
			if en := pl.Explanation("en"); strings.Contains(en, "outreachplan.") || strings.Contains(en, "%!") {
				t.Errorf("English explanation has unrendered parts:\n%s", en)
			}
			t.Logf("demo plan:\n%s", text)
		})

		t.Run("scope", func(t *testing.T) {
			off := asDemo(t, a, "canbo.dakrong")
			pl, err := a.PlanOutreach(off, app.PlanOutreachInput{From: from, To: to, StaffDays: 10, Budget: 20_000_000})
			if err != nil {
				t.Fatal(err)
			}
			if len(pl.Sessions) == 0 {
				t.Fatal("no session in the officer's commune")
			}
			for _, ss := range pl.Sessions {
				if ss.Village.CommuneCode != "19564" {
					t.Errorf("commune officer of Đakrông got a session in %s", ss.Village.CommuneName)
				}
			}
			other, err := a.PlanOutreach(off, app.PlanOutreachInput{UnitCode: "19594", From: from, To: to, StaffDays: 10, Budget: 20_000_000})
			if err == nil && (len(other.Sessions) > 0 || other.Target > 0) {
				t.Errorf("commune officer planned another commune: %+v", other.Sessions)
			}
			if _, err := a.PlanOutreach(asDemo(t, a, "hoidong"), in); kc.ErrorCode(err) != kc.EForbidden {
				t.Errorf("council member: %v", err)
			}
		})

		t.Run("bad input", func(t *testing.T) {
			bad := in
			bad.StaffDays = 0
			_, err := a.PlanOutreach(admin, bad)
			es := kc.FieldErrors(err)
			if len(es) != 1 || es[0].Field != "staff_days" || es[0].Key != "outreachplan.error.staff_days" {
				t.Fatalf("zero staff days: %v", err)
			}
			bad = in
			bad.To, bad.Budget = in.From.AddDays(-1), -1
			if es := kc.FieldErrors(func() error { _, err := a.PlanOutreach(admin, bad); return err }()); len(es) != 2 {
				t.Errorf("to before from and negative budget: %v", es)
			}
			if d, err := app.ParsePlanDate("from", "01/12/2026"); err != nil || d != kc.MustDate("2026-12-01") {
				t.Errorf("01/12/2026 → %v %v", d, err)
			}
			if _, err := app.ParsePlanDate("from", "31/02/2026"); kc.FieldErrors(err)[0].Field != "from" {
				t.Errorf("31/02/2026: %v", err)
			}
		})

		t.Run("settings", func(t *testing.T) {
			err := s.InTx(t.Context(), func(tx *store.Tx) error {
				for k, v := range map[string]string{
					"outreach.plan.travel_cost":              "0",
					"outreach.plan.village_meeting.reach_bp": "8000",
					"outreach.plan.group_message.trip":       "true",
					"outreach.plan.sessions_per_day":         "0",     // out of range: default kept
					"outreach.plan.radio.reach_bp":           "20000", // out of range
					"outreach.plan.nonsense":                 "1",
				} {
					if err := tx.SetSetting(t.Context(), k, v); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				_ = s.InTx(t.Context(), func(tx *store.Tx) error {
					for _, k := range []string{"plan.travel_cost", "plan.village_meeting.reach_bp", "plan.group_message.trip", "plan.sessions_per_day", "plan.radio.reach_bp", "plan.nonsense", "holidays"} {
						if err := tx.SetSetting(t.Context(), "outreach."+k, ""); err != nil {
							return err
						}
					}
					return nil
				})
			})
			p, err := a.OutreachPlanParams(admin)
			if err != nil {
				t.Fatal(err)
			}
			def := outreach.DefaultParams()
			if p.TravelCost != 0 || p.Forms[kc.SessionVillageMeeting].ReachBP != 8000 || !p.Forms[kc.SessionGroupMessage].Trip ||
				p.SessionsPerDay != def.SessionsPerDay || p.Forms[kc.SessionRadio].ReachBP != def.Forms[kc.SessionRadio].ReachBP {
				t.Errorf("params from settings: %+v", p)
			}
			if def.TravelCost == 0 || def.Forms[kc.SessionGroupMessage].Trip {
				t.Error("the settings changed the defaults")
			}
			// Days off listed in the settings get no session.
			pl, err := a.PlanOutreach(admin, in)
			if err != nil || len(pl.Sessions) == 0 {
				t.Fatalf("plan: %v", err)
			}
			off := pl.Sessions[0].Date
			if err := s.InTx(t.Context(), func(tx *store.Tx) error {
				return tx.SetSetting(t.Context(), "outreach.holidays", off.String()+", not-a-day")
			}); err != nil {
				t.Fatal(err)
			}
			if pl, err = a.PlanOutreach(admin, in); err != nil {
				t.Fatal(err)
			}
			for _, ss := range pl.Sessions {
				if ss.Date == off {
					t.Errorf("session on the day off %s", off)
				}
			}
		})

		t.Run("save", func(t *testing.T) {
			off := asDemo(t, a, "canbo.dakrong")
			pin := app.PlanOutreachInput{From: from, To: to, StaffDays: 10, Budget: 20_000_000}
			pl, err := a.PlanOutreach(off, pin)
			if err != nil || len(pl.Sessions) < 2 {
				t.Fatalf("plan: %d sessions, %v", len(pl.Sessions), err)
			}
			first, second := pl.Sessions[0], pl.Sessions[1]
			moved := to.AddDays(-2)
			rows := []app.PlanRow{
				{CommuneID: first.Village.CommuneID, Village: first.Village.Village, Date: moved, Kind: kc.SessionLoudspeaker},
				{CommuneID: second.Village.CommuneID, Village: second.Village.Village, Date: second.Date, Kind: second.Kind},
			}
			if _, _, err := a.SaveOutreachPlan(off, app.SaveOutreachPlanInput{Plan: pin, Title: " ", Rows: rows}); kc.FieldErrors(err)[0].Field != "title" {
				t.Errorf("no title: %v", err)
			}
			outside := append([]app.PlanRow(nil), rows...)
			outside[1].Date = to.AddDays(1)
			if _, _, err := a.SaveOutreachPlan(off, app.SaveOutreachPlanInput{Plan: pin, Title: "Quý tới", Rows: outside}); len(kc.FieldErrors(err)) != 1 || kc.FieldErrors(err)[0].Field != "rows.1.date" {
				t.Errorf("row outside the period: %v", err)
			}
			if _, _, err := a.SaveOutreachPlan(off, app.SaveOutreachPlanInput{Plan: pin, Title: "Quý tới", Rows: []app.PlanRow{}}); kc.FieldErrors(err)[0].Field != "rows" {
				t.Errorf("no rows: %v", err)
			}
			if _, _, err := a.SaveOutreachPlan(asDemo(t, a, "nguoixem"), app.SaveOutreachPlanInput{Plan: in, Title: "x", AsProposed: true}); kc.ErrorCode(err) != kc.EForbidden {
				t.Errorf("viewer saved a plan: %v", err)
			}
			c, _, err := a.SaveOutreachPlan(off, app.SaveOutreachPlanInput{Plan: pin, Title: "Tuyên truyền quý tới", Rows: rows})
			if err != nil {
				t.Fatal(err)
			}
			d, err := a.GetCampaign(off, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.Title != "Tuyên truyền quý tới" || d.StartsOn != from || d.EndsOn != to || d.Budget != pin.Budget || d.PlanNote == "" {
				t.Errorf("campaign %+v", d.Campaign)
			}
			if len(d.Sessions) != 2 {
				t.Fatalf("%d sessions saved, want 2", len(d.Sessions))
			}
			var loud kc.OutreachSession
			var total int64
			for _, sv := range d.Sessions {
				total += sv.Cost
				if sv.Status != kc.SessionPlanned {
					t.Errorf("session status %s", sv.Status)
				}
				if sv.Kind == kc.SessionLoudspeaker {
					loud = sv.OutreachSession
				}
			}
			want := outreach.Price(first.Village, kc.SessionLoudspeaker, first.Interpreter, pl.Params)
			if loud.HeldOn != moved || loud.Village != first.Village.Village || loud.Cost != want.Cost || loud.StaffHalfDays != want.HalfDays {
				t.Errorf("edited session %+v, want cost %d on %s", loud, want.Cost, moved)
			}
			if !strings.Contains(loud.Notes, locale.T("vi", "outreachplan.kind.loudspeaker")) {
				t.Errorf("edited session's note: %q", loud.Notes)
			}
			// Travel is shared again: the second session alone on its day
			// (if it needs a trip) carries a whole trip day.
			wantTotal := want.Cost + second.Cost
			if second.Trip {
				wantTotal += pl.Params.TravelCost
			}
			if total != wantTotal {
				t.Errorf("saved cost %d, want %d", total, wantTotal)
			}
		})
	})
}

func TestNextQuarter(t *testing.T) {
	for on, want := range map[string][2]string{
		"2026-11-30": {"2027-01-01", "2027-03-31"},
		"2027-01-01": {"2027-04-01", "2027-06-30"},
		"2027-06-30": {"2027-07-01", "2027-09-30"},
		"2027-08-15": {"2027-10-01", "2027-12-31"},
	} {
		from, to := app.NextQuarter(kc.MustDate(on))
		if from.String() != want[0] || to.String() != want[1] {
			t.Errorf("%s: %s – %s", on, from, to)
		}
	}
	if app.StaffDaysText(15) != "7,5" || app.StaffDaysText(4) != "2" {
		t.Error("StaffDaysText")
	}
}

func TestParsePlanNumber(t *testing.T) {
	for in, want := range map[string]int64{"": 0, "20": 20, "30.000.000": 30_000_000, "30 000 000": 30_000_000,
		"30,000,000": 30_000_000, "1.500.000 ₫": 1_500_000, "-5": -5, "250000đ": 250_000} {
		if got, err := app.ParsePlanNumber("budget", in); err != nil || got != want {
			t.Errorf("%q → %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"1.5", "1,5", "hai", "30.00.000", "1234.000", "9999999999999999999999"} {
		if _, err := app.ParsePlanNumber("budget", in); kc.FieldErrors(err)[0].Key != "outreachplan.error.bad_number" {
			t.Errorf("%q accepted: %v", in, err)
		}
	}
}
