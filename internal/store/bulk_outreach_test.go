package store_test

import (
	"testing"
	"time"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// TestLoadBulkOutreach loads campaigns, numbered sessions with their
// attendance, unnumbered sessions, self-check log rows and need requests,
// and checks what the outreach queries read back, and that ids continue
// after the load.
func TestLoadBulkOutreach(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := addRegistryUnits(t, s)
		before, err := s.CreateOutreachSession(ctx, kc.OutreachSession{Kind: kc.SessionRadio, CommuneID: u.A, HeldOn: kc.MustDate("2026-01-05")})
		if err != nil {
			t.Fatal(err)
		}
		estBase, _, err := s.NextIDs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		campBase, sessBase, err := s.NextOutreachIDs(ctx)
		if err != nil || campBase != 1 || sessBase != before.ID+1 {
			t.Fatalf("NextOutreachIDs = %d, %d (%v)", campBase, sessBase, err)
		}
		var b store.BulkBatch
		for i := range int64(3) {
			b.Establishments = append(b.Establishments, store.BulkEstablishment{Establishment: kc.Establishment{ID: estBase + i, Kind: kc.KindHousehold,
				Name: "Hộ đan gùi", CommuneID: u.A, Village: "Thôn Pa Ling", Demo: true}})
		}
		b.Establishments[0].PhoneSealed = kc.Sealed{Enc: []byte{1, 2, 3}, Hash: "h1"}
		b.Campaigns = []kc.Campaign{{ID: campBase, Title: "Tuyên truyền 2026", Topic: "Chính sách khuyến công", UnitID: u.A, StartsOn: kc.MustDate("2026-01-01"),
			EndsOn: kc.MustDate("2026-12-31"), Budget: 40_000_000, SchemeCodes: []string{"DAO_TAO_NGHE", "MAY_MOC_TIEN_TIEN"}, Demo: true}}
		b.Sessions = []kc.OutreachSession{
			{ID: sessBase, CampaignID: campBase, Kind: kc.SessionVillageMeeting, Status: kc.SessionHeld, CommuneID: u.A, Village: "Thôn Pa Ling",
				HeldOn: kc.MustDate("2026-03-10"), Attendees: 20, Cost: 1_500_000, StaffHalfDays: 2, Materials: "Tờ rơi", Demo: true},
			{ID: sessBase + 1, CampaignID: campBase, Kind: kc.SessionDoorToDoor, Status: kc.SessionPlanned, CommuneID: u.A, Village: "Thôn Pa Ling",
				HeldOn: kc.MustDate("2026-12-10"), Demo: true},
			// An old session of the former commune, outside any campaign.
			{ID: sessBase + 2, Kind: kc.SessionVillageMeeting, CommuneID: u.OA, Village: "Thôn Pa Ling", HeldOn: kc.MustDate("2019-05-02"), Attendees: 30, Demo: true},
		}
		b.Attendance = []kc.Attendance{
			{SessionID: sessBase, EstablishmentID: estBase},
			{SessionID: sessBase, EstablishmentID: estBase + 2, NewProducer: true, Name: "Hồ Văn A", Trade: "DAN_LAT"},
			{SessionID: sessBase, NewProducer: true, Name: "Hồ Thị B", PhoneSealed: kc.Sealed{Enc: []byte{9}}, Trade: "DAN_LAT"},
			{SessionID: sessBase + 1, EstablishmentID: estBase + 1}, // planned: reaches nobody yet
			{SessionID: sessBase + 2, EstablishmentID: estBase + 1},
		}
		b.SelfChecks = []store.SelfCheckLog{{CommuneID: u.A, Trade: "dan_lat", On: kc.MustDate("2026-03-12"), ViaQR: true},
			{CommuneID: u.A, On: kc.MustDate("2026-04-01")}, {On: kc.MustDate("2026-04-02")}}
		created := time.Date(2026, 3, 15, 2, 0, 0, 0, time.UTC)
		b.Needs = []store.NeedRow{{NeedRequest: store.NeedRequest{TrackingCode: "NC-DEMO01", Name: "Hồ Văn A", CommuneID: u.A, Trade: "DAN_LAT", Need: "Máy chẻ nan",
			Status: store.NeedAnswered, CreatedAt: created}, EstablishmentID: estBase + 2, Answer: "Xã sẽ hướng dẫn lập đề án.", UpdatedAt: created.Add(72 * time.Hour)}}
		if got, want := b.Rows(), 3+1+3+5+3+1; got != want {
			t.Errorf("Rows() = %d, want %d", got, want)
		}
		// The scale generator's sessions carry no id: a second batch.
		scale := store.BulkBatch{Sessions: []kc.OutreachSession{{Kind: kc.SessionLoudspeaker, CommuneID: u.B, HeldOn: kc.MustDate("2026-02-02"), Demo: true}}}
		if err := s.LoadBulk(ctx, &b); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishBulk(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.LoadBulk(ctx, &scale); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishBulk(ctx); err != nil {
			t.Fatal(err)
		}
		db := store.RawDB(s)
		one := func(q string, args ...any) int64 {
			t.Helper()
			var n int64
			if err := db.QueryRowContext(ctx, store.Rebind(s, q), args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		var title, schemes string
		var budget int64
		if err := db.QueryRowContext(ctx, store.Rebind(s, "SELECT title, schemes, budget FROM campaign WHERE id = $1"), campBase).Scan(&title, &schemes, &budget); err != nil ||
			title != "Tuyên truyền 2026" || schemes != "DAO_TAO_NGHE,MAY_MOC_TIEN_TIEN" || budget != 40_000_000 {
			t.Errorf("campaign %q %q %d (%v)", title, schemes, budget, err)
		}
		if n := one("SELECT COUNT(*) FROM outreach_session WHERE campaign_id = $1 AND status = 'planned' AND id = $2", campBase, sessBase+1); n != 1 {
			t.Errorf("planned session in the campaign: %d", n)
		}
		if n := one("SELECT COUNT(*) FROM outreach_session WHERE status = 'held' AND campaign_id IS NULL"); n != 3 {
			t.Errorf("held sessions outside campaigns (status defaults to held): %d, want 3", n)
		}
		if n := one("SELECT COUNT(*) FROM attendance WHERE new_producer AND establishment_id IS NULL AND phone_enc IS NOT NULL"); n != 1 {
			t.Errorf("new producers not yet registered: %d", n)
		}
		prods, err := s.OutreachProducers(ctx, []int64{u.A}, kc.MustDate("2026-11-25"))
		if err != nil || len(prods) != 3 {
			t.Fatalf("producers %+v (%v)", prods, err)
		}
		want := []kc.Date{kc.MustDate("2026-03-10"), kc.MustDate("2019-05-02"), kc.MustDate("2026-03-10")}
		for i, p := range prods {
			if p.LastAttended != want[i] || p.HasPhone != (i == 0) {
				t.Errorf("producer %d: last attended %s, phone %v", i, p.LastAttended, p.HasPhone)
			}
		}
		c, err := s.CountSelfChecks(ctx, []int64{u.A}, kc.MustDate("2026-01-01"), kc.MustDate("2026-12-31"))
		if err != nil || c != (store.SelfCheckCount{Total: 2, ViaQR: 1}) {
			t.Errorf("self-checks %+v (%v)", c, err)
		}
		if all, _ := s.CountSelfChecks(ctx, nil, kc.MustDate("2026-01-01"), kc.MustDate("2026-12-31")); all.Total != 3 {
			t.Errorf("all self-checks %+v", all)
		}
		n, err := s.GetNeedRowByCode(ctx, "NC-DEMO01")
		if err != nil || n.EstablishmentID != estBase+2 || n.Status != store.NeedAnswered || !n.CreatedAt.Equal(created) || !n.UpdatedAt.Equal(created.Add(72*time.Hour)) {
			t.Errorf("need %+v (%v)", n, err)
		}
		// Ids continue after the load.
		after, err := s.CreateOutreachSession(ctx, kc.OutreachSession{Kind: kc.SessionRadio, CommuneID: u.A, HeldOn: kc.MustDate("2026-06-05")})
		if err != nil || after.ID != sessBase+4 {
			t.Errorf("session after the load: id %d, want %d (%v)", after.ID, sessBase+4, err)
		}
		if campNext, _, err := s.NextOutreachIDs(ctx); err != nil || campNext != campBase+1 {
			t.Errorf("next campaign id %d (%v)", campNext, err)
		}
	})
}
