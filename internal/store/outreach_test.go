package store_test

import (
	"slices"
	"testing"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

func TestCampaignsSessionsAttendance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if _, err := s.LoadUnits(ctx, []kc.Unit{
			{ID: 1, Code: "98", Level: kc.LevelProvince, Type: "Tỉnh", Name: "Tỉnh T", ValidFrom: kc.MustDate("2025-07-01")},
			{ID: 2, Code: "99001", Level: kc.LevelCommune, Type: "Xã", Name: "Xã A", ParentID: 1, ValidFrom: kc.MustDate("2025-07-01")},
			{ID: 3, Code: "99002", Level: kc.LevelCommune, Type: "Xã", Name: "Xã B", ParentID: 1, ValidFrom: kc.MustDate("2025-07-01")},
		}, nil); err != nil {
			t.Fatal(err)
		}
		var ests []int64
		for _, n := range []string{"Hộ B", "Hộ A"} {
			e, err := s.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindHousehold, Name: n, CommuneID: 2, Village: "Thôn 1"})
			if err != nil {
				t.Fatal(err)
			}
			ests = append(ests, e.ID)
		}

		// A campaign and its sessions in one transaction.
		var c kc.Campaign
		err := s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			c, err = tx.CreateCampaign(ctx, kc.Campaign{Title: "Đợt 1", Topic: "Máy móc", UnitID: 1, StartsOn: kc.MustDate("2026-01-01"),
				EndsOn: kc.MustDate("2026-03-31"), Budget: 9_000_000, SchemeCodes: []string{"A", "B"}, PlanNote: "Vì sao"})
			if err != nil {
				return err
			}
			for _, o := range []kc.OutreachSession{
				{CampaignID: c.ID, Kind: kc.SessionVillageMeeting, Status: kc.SessionHeld, CommuneID: 2, Village: "Thôn 1", HeldOn: kc.MustDate("2026-01-10"),
					Attendees: 12, Cost: 1_000_000, StaffHalfDays: 2, Materials: "Tờ rơi", Notes: "Ghi chú"},
				{CampaignID: c.ID, Kind: kc.SessionRadio, Status: kc.SessionPlanned, CommuneID: 3, HeldOn: kc.MustDate("2026-02-10"), Cost: 2_000_000, StaffHalfDays: 1},
				{CampaignID: c.ID, Kind: kc.SessionRadio, Status: kc.SessionCancelled, CommuneID: 3, HeldOn: kc.MustDate("2026-02-11"), Cost: 500_000},
			} {
				if _, err := tx.CreateOutreachSession(ctx, o); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GetCampaign(ctx, c.ID)
		if err != nil || got.Version != 1 || !slices.Equal(got.SchemeCodes, []string{"A", "B"}) || got.PlanNote != "Vì sao" || got.CreatedBy != 0 ||
			got.StartsOn != kc.MustDate("2026-01-01") || got.Budget != 9_000_000 {
			t.Fatalf("get %+v %v", got, err)
		}

		// A failing row rolls the whole campaign back.
		err = s.InTx(ctx, func(tx *store.Tx) error {
			c2, err := tx.CreateCampaign(ctx, kc.Campaign{Title: "Đợt hỏng", UnitID: 1, StartsOn: kc.MustDate("2026-04-01"), EndsOn: kc.MustDate("2026-04-30")})
			if err != nil {
				return err
			}
			_, err = tx.CreateOutreachSession(ctx, kc.OutreachSession{CampaignID: c2.ID, Kind: kc.SessionRadio, CommuneID: 9999, HeldOn: kc.MustDate("2026-04-02")})
			return err
		})
		if err == nil {
			t.Fatal("a session in an unknown commune was written")
		}

		rows, total, err := s.ListCampaigns(ctx, store.CampaignFilter{})
		if err != nil || total != 1 || len(rows) != 1 {
			t.Fatalf("list %d %v", total, err)
		}
		want := store.CampaignTotals{Sessions: 3, Held: 1, Planned: 1, Cancelled: 1, Reached: 12, CostHeld: 1_000_000, CostPlanned: 2_000_000,
			HalfDaysHeld: 2, HalfDaysPlanned: 1}
		if rows[0].CampaignTotals != want {
			t.Errorf("totals %+v", rows[0].CampaignTotals)
		}
		if _, total, _ := s.ListCampaigns(ctx, store.CampaignFilter{Units: []int64{2}}); total != 0 {
			t.Errorf("unit filter: %d", total)
		}

		// Optimistic update.
		upd := got
		upd.Title, upd.SchemeCodes = "Đợt 1 (sửa)", nil
		var after kc.Campaign
		err = s.InTx(ctx, func(tx *store.Tx) error { after, err = tx.UpdateCampaign(ctx, upd); return err })
		if err != nil || after.Version != 2 || after.Title != "Đợt 1 (sửa)" || after.SchemeCodes != nil {
			t.Fatalf("update %+v %v", after, err)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error { _, err := tx.UpdateCampaign(ctx, upd); return err })
		if kc.ErrorCode(err) != kc.EConflict {
			t.Errorf("stale version: %v", err)
		}
		upd.ID = 9999
		err = s.InTx(ctx, func(tx *store.Tx) error { _, err := tx.UpdateCampaign(ctx, upd); return err })
		if kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("missing campaign: %v", err)
		}

		// Sessions by campaign, commune, status; held only in the report list.
		sessions, total, err := s.ListSessions(ctx, store.SessionFilter{CampaignID: c.ID})
		if err != nil || total != 3 || sessions[0].Kind != kc.SessionVillageMeeting || sessions[0].Materials != "Tờ rơi" || sessions[0].StaffHalfDays != 2 {
			t.Fatalf("by campaign %+v %v", sessions, err)
		}
		if _, total, _ := s.ListSessions(ctx, store.SessionFilter{Communes: []int64{3}, Status: kc.SessionPlanned}); total != 1 {
			t.Errorf("commune and status: %d", total)
		}
		if _, total, _ := s.ListSessions(ctx, store.SessionFilter{NoCampaign: true}); total != 0 {
			t.Errorf("without campaign: %d", total)
		}
		if held, _ := s.ListOutreachSessions(ctx, nil, kc.MustDate("2026-01-01"), kc.MustDate("2026-12-31")); len(held) != 1 {
			t.Errorf("held sessions: %d", len(held))
		}
		meeting := sessions[0]
		meeting.Status, meeting.Attendees, meeting.Language, meeting.Interpreter = kc.SessionHeld, 14, "Vân Kiều", true
		err = s.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateOutreachSession(ctx, meeting) })
		if o, _ := s.GetOutreachSession(ctx, meeting.ID); err != nil || o.Attendees != 14 || o.Language != "Vân Kiều" || !o.Interpreter || o.CampaignID != c.ID {
			t.Errorf("session update %+v %v", o, err)
		}

		// Attendance: replace keeps the ids of the rows sent back.
		var first []kc.Attendance
		err = s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			first, err = tx.ReplaceAttendance(ctx, meeting.ID, []kc.Attendance{
				{NewProducer: true, Name: "Người mới", PhoneSealed: kc.Sealed{Enc: []byte{1, 2, 3}}, Trade: "MOC"},
				{EstablishmentID: ests[0]},
				{EstablishmentID: ests[1]},
			})
			return err
		})
		if err != nil || len(first) != 3 || first[0].EstablishmentID != ests[0] || !first[2].NewProducer || string(first[2].PhoneSealed.Enc) != "\x01\x02\x03" {
			t.Fatalf("first %+v %v", first, err)
		}
		var second []kc.Attendance
		err = s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			second, err = tx.ReplaceAttendance(ctx, meeting.ID, []kc.Attendance{first[2], first[0]})
			return err
		})
		if err != nil || len(second) != 2 || second[1].ID != first[2].ID || second[0].ID != first[0].ID {
			t.Fatalf("second %+v %v", second, err)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ReplaceAttendance(ctx, sessions[1].ID, []kc.Attendance{first[2]})
			return err
		})
		if kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("another session's row: %v", err)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error { return tx.SetAttendanceEstablishment(ctx, first[2].ID, ests[1]) })
		list, _ := s.ListAttendance(ctx, meeting.ID)
		if err != nil || len(list) != 2 || list[1].EstablishmentID != ests[1] || !list[1].NewProducer {
			t.Errorf("set establishment %+v %v", list, err)
		}

		// The checklist, in name order.
		prods, err := s.CommuneProducers(ctx, []int64{2})
		if err != nil || len(prods) != 2 || prods[0].Name != "Hộ A" || prods[0].Village != "Thôn 1" {
			t.Errorf("producers %+v %v", prods, err)
		}
	})
}
