package app_test

import (
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/demo"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// TestDemoOutreachStory loads the district demo (with a secret, so phones
// are sealed) and checks the outreach story as the database holds it:
// this year's campaign with held and planned sessions, attendance that
// names producers of the session's village, new producers met, reach
// high near the centre and nil in the remote communes in the last 12
// months, and the self-checks and need requests that followed.
func TestDemoOutreachStory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		a := unitApp(t, s)
		if err := a.SetSecret([]byte(apptest.Secret)); err != nil {
			t.Fatal(err)
		}
		if _, err := a.EnsureDemo(ctx); err != nil {
			t.Fatal(err)
		}
		today := kc.DateOf(storetest.Clock)
		prov, err := s.FindUnit(ctx, demo.PlanProvince, kc.ReformDate)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("this year's campaign, held and planned sessions", func(t *testing.T) {
			camps, _, err := s.ListCampaigns(ctx, store.CampaignFilter{})
			if err != nil || len(camps) != 1 {
				t.Fatalf("campaigns %+v (%v)", camps, err)
			}
			c := camps[0]
			if c.Title != demo.CampaignTitle || c.UnitID != prov.ID || !c.Demo || c.Budget < 10_000_000 || c.Budget > 100_000_000 || len(c.SchemeCodes) < 2 ||
				c.Budget < c.CostHeld+c.CostPlanned {
				t.Errorf("campaign %+v", c)
			}
			if c.Held < 10 || c.Held > 20 || c.Planned < 2 || c.Planned > 3 || c.Sessions != c.Held+c.Planned {
				t.Errorf("%d sessions: %d held, %d planned", c.Sessions, c.Held, c.Planned)
			}
			sessions, _, err := s.ListSessions(ctx, store.SessionFilter{CampaignID: c.ID})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range sessions {
				if o.HeldOn.After(today) != (o.Status == kc.SessionPlanned) || o.HeldOn.Year() != demo.PlanYear {
					t.Errorf("session %s on %s: %s", o.Kind, o.HeldOn, o.Status)
				}
			}
		})
		t.Run("attendance names producers of the session's village", func(t *testing.T) {
			sessions, _, err := s.ListSessions(ctx, store.SessionFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var named, added, waiting int
			for _, o := range sessions {
				rows, err := s.ListAttendance(ctx, o.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) > 0 && o.Status != kc.SessionHeld {
					t.Errorf("%d attendance rows on a %s session", len(rows), o.Status)
				}
				for _, at := range rows {
					switch {
					case at.NewProducer && at.EstablishmentID != 0:
						added++
					case at.NewProducer:
						waiting++
						continue
					default:
						named++
					}
					e, err := s.GetEstablishment(ctx, at.EstablishmentID)
					if err != nil {
						t.Fatal(err)
					}
					if (o.Kind == kc.SessionVillageMeeting || o.Kind == kc.SessionDoorToDoor) && e.Village != o.Village {
						t.Errorf("%s in %s names %s of %s", o.Kind, o.Village, e.Name, e.Village)
					}
					if e.FoundedYear > o.HeldOn.Year() {
						t.Errorf("session of %s names %s, founded %d", o.HeldOn, e.Name, e.FoundedYear)
					}
				}
			}
			if named < 200 || added == 0 || waiting == 0 {
				t.Errorf("%d registered producers named; new producers: %d added to the registry, %d not yet", named, added, waiting)
			}
		})
		t.Run("reach near the centre, none in the remote communes", func(t *testing.T) {
			sys := app.WithPrincipal(ctx, app.System)
			centre, err := a.OutreachArea(sys, "19555", today)
			if err != nil {
				t.Fatal(err)
			}
			remote, err := a.OutreachArea(sys, "19588", today)
			if err != nil {
				t.Fatal(err)
			}
			if centre.Total.ReachedPct() < 40 || remote.Total.Producers < 20 || remote.Total.Reached12 != 0 || remote.Total.LikelyUnreached12 == 0 {
				t.Errorf("centre %+v, remote %+v", centre.Total, remote.Total)
			}
			if centre.Total.Phone+remote.Total.Phone == 0 {
				t.Error("no phone on record among the likely unreached")
			}
			dakrong, err := a.OutreachArea(sys, "19564", today)
			if err != nil {
				t.Fatal(err)
			}
			unreached := 0
			for _, v := range dakrong.Villages {
				if v.Producers > 0 && v.Reached12 == 0 {
					unreached++
				}
			}
			if unreached < 2 {
				t.Errorf("Xã Đakrông: %d villages unreached in 12 months, want the remote ones of former Tà Long", unreached)
			}
		})
		t.Run("self-checks and need requests followed", func(t *testing.T) {
			c, err := s.CountSelfChecks(ctx, nil, kc.NewDate(demo.PlanYear, 1, 1), today)
			if err != nil || c.Total < 20 || c.ViaQR == 0 || c.ViaQR == c.Total {
				t.Errorf("self-checks %+v (%v)", c, err)
			}
			needs, total, err := s.ListNeedRequests(ctx, store.NeedFilter{})
			if err != nil || total < 5 {
				t.Fatalf("%d need requests (%v)", total, err)
			}
			statuses := map[string]int{}
			linked := 0
			for _, n := range needs {
				statuses[n.Status]++
				if n.EstablishmentID != 0 {
					linked++
				}
				if n.CreatedAt.Year() != demo.PlanYear || len(n.PhoneSealed.Enc) == 0 || n.UpdatedAt.Before(n.CreatedAt) {
					t.Errorf("need %s created %s, updated %s, phone sealed %v", n.TrackingCode, n.CreatedAt, n.UpdatedAt, len(n.PhoneSealed.Enc) > 0)
				}
			}
			if statuses[store.NeedNew] == 0 || statuses[store.NeedAnswered]+statuses[store.NeedClosed] == 0 || linked == 0 {
				t.Errorf("statuses %v, %d linked", statuses, linked)
			}
			if _, err := a.TrackNeed(ctx, needs[0].TrackingCode); err != nil {
				t.Errorf("track %s: %v", needs[0].TrackingCode, err)
			}
			rows, err := s.OutreachFunnel(ctx, store.FunnelScope{From: kc.NewDate(demo.PlanYear, 1, 1), To: today})
			if err != nil {
				t.Fatal(err)
			}
			var f store.FunnelCounts
			for _, r := range rows {
				f.Add(r.FunnelCounts)
			}
			if f.Sessions == 0 || f.Reached == 0 || f.Registered == 0 || f.SelfChecks == 0 || f.Requests == 0 || f.Proposed == 0 || f.Funded == 0 {
				t.Errorf("a step of this year's funnel is empty: %+v", f)
			}
		})
	})
}
