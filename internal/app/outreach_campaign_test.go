package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// outreachFixture is the app fixture with the reference catalogue (trades,
// schemes) and three more producers in Thôn 1 of commune A.
func outreachFixture(t *testing.T, s *store.Store) (*apptest.Scope, context.Context) {
	t.Helper()
	f := apptest.NewScope(t, s)
	ctx := t.Context()
	if err := f.App.EnsureReference(app.WithPrincipal(ctx, app.System)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Hộ dệt Hồ Thị Lan", "Hộ mây tre Hồ Văn Pả", "Hộ rượu Căn Thị Bé"} {
		if _, err := s.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindHousehold, Name: name, CommuneID: f.CommuneA.ID, Village: "Thôn 1"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindHousehold, Name: "Hộ mộc Thôn 2", CommuneID: f.CommuneA.ID, Village: "Thôn 2"}); err != nil {
		t.Fatal(err)
	}
	return f, ctx
}

func outreachAudits(t *testing.T, f *apptest.Scope, entity string, id int64) int {
	t.Helper()
	entries, err := f.App.ListAudit(f.As(t, t.Context(), apptest.Admin), entity, id, 100)
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func hasFieldErr(err error, field string) bool { return slices.Contains(fieldsOf(err), field) }

func TestCreateCampaignWithSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f, ctx := outreachFixture(t, s)
		a := f.App
		prov := f.As(t, ctx, apptest.Province)
		in := app.CampaignInput{
			Campaign: kc.Campaign{Title: "Tuyên truyền khuyến công quý I/2027", Topic: "Hỗ trợ máy móc", UnitID: f.Province.ID,
				StartsOn: kc.MustDate("2027-01-05"), EndsOn: kc.MustDate("2027-03-31"), Budget: 20_000_000, SchemeCodes: []string{"TU_VAN", " TU_VAN "}},
			Sessions: []kc.OutreachSession{
				{Status: kc.SessionPlanned, Kind: kc.SessionVillageMeeting, CommuneID: f.CommuneA.ID, Village: "Thôn 1", HeldOn: kc.MustDate("2027-01-12"),
					Cost: 1_500_000, StaffHalfDays: 2, Language: "Vân Kiều", Interpreter: true},
				{Status: kc.SessionPlanned, Kind: kc.SessionGroupMessage, CommuneID: f.CommuneB.ID, HeldOn: kc.MustDate("2027-01-20"), StaffHalfDays: 1},
			},
		}
		c, err := a.CreateCampaign(prov, in)
		if err != nil {
			t.Fatal(err)
		}
		if c.ID == 0 || c.Version != 1 || !slices.Equal(c.SchemeCodes, []string{"TU_VAN"}) || c.CreatedBy != f.Users[apptest.Province].ID {
			t.Errorf("created %+v", c)
		}
		d, err := a.GetCampaign(prov, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Sessions) != 2 || d.Planned != 2 || d.Held != 0 || d.CostPlanned != 1_500_000 || d.HalfDaysPlanned != 3 || !d.CanEdit ||
			d.UnitName != f.Province.Name || d.Sessions[0].Language != "Vân Kiều" || d.Sessions[0].CommuneName != f.CommuneA.Name {
			t.Errorf("detail %+v", d)
		}
		if len(d.SchemeNames) != 1 || d.SchemeNames[0] == "TU_VAN" || d.SchemeNames[0] == "" {
			t.Errorf("the schemes promoted are not named: %q", d.SchemeNames)
		}
		if n := outreachAudits(t, f, "campaign", c.ID); n != 1 {
			t.Errorf("campaign audit entries %d", n)
		}
		if n := outreachAudits(t, f, "outreach_session", d.Sessions[0].ID); n != 1 {
			t.Errorf("session audit entries %d", n)
		}

		// Officer A sees the province's campaign, may add sessions in A
		// but not change the campaign; officer B does not see A's campaign.
		offA, offB := f.As(t, ctx, apptest.OfficerA), f.As(t, ctx, apptest.OfficerB)
		da, err := a.GetCampaign(offA, c.ID)
		if err != nil || da.CanEdit || !da.CanAddSession {
			t.Errorf("officer A view: edit %v add %v %v", da.CanEdit, da.CanAddSession, err)
		}
		if _, err := a.UpdateCampaign(offA, c); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("officer A updates province campaign: %v", err)
		}
		cA, err := a.CreateCampaign(offA, app.CampaignInput{Campaign: kc.Campaign{Title: "Đợt xã An Phú", UnitID: f.CommuneA.ID,
			StartsOn: kc.MustDate("2026-11-01"), EndsOn: kc.MustDate("2026-12-31")}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.GetCampaign(offB, cA.ID); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("officer B reads A's campaign: %v", err)
		}
		listA, total, err := a.ListCampaigns(offA, 0, 0)
		if err != nil || total != 2 || len(listA) != 2 || listA[0].ID != c.ID {
			t.Errorf("officer A list %d %v", total, err)
		}
		if listB, _, _ := a.ListCampaigns(offB, 0, 0); len(listB) != 1 || listB[0].ID != c.ID {
			t.Errorf("officer B list %+v", listB)
		}

		// Update with the version; a stale version is a conflict.
		upd := c
		upd.Title, upd.Budget = "Tuyên truyền quý I/2027 (sửa)", 25_000_000
		got, err := a.UpdateCampaign(prov, upd)
		if err != nil || got.Version != 2 || got.Budget != 25_000_000 {
			t.Fatalf("update %+v %v", got, err)
		}
		if _, err := a.UpdateCampaign(prov, upd); kc.ErrorCode(err) != kc.EConflict {
			t.Errorf("stale update: %v", err)
		}
		narrow := got
		narrow.StartsOn = kc.MustDate("2027-01-15")
		if _, err := a.UpdateCampaign(prov, narrow); !hasFieldErr(err, "starts_on") {
			t.Errorf("period leaving a session out: %v", err)
		}
	})
}

func TestCampaignValidationWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f, ctx := outreachFixture(t, s)
		a := f.App
		prov := f.As(t, ctx, apptest.Province)
		good := kc.OutreachSession{Status: kc.SessionPlanned, Kind: kc.SessionVillageMeeting, CommuneID: f.CommuneA.ID, Village: "Thôn 1",
			HeldOn: kc.MustDate("2027-01-12")}
		in := app.CampaignInput{
			Campaign: kc.Campaign{Title: "Đợt", UnitID: f.Province.ID, StartsOn: kc.MustDate("2027-01-01"), EndsOn: kc.MustDate("2027-03-31"),
				SchemeCodes: []string{"KHONG_CO"}},
			Sessions: []kc.OutreachSession{
				good,
				{Kind: kc.SessionVillageMeeting, Status: kc.SessionPlanned},                                                               // no place, no date
				{Kind: kc.SessionCommuneConference, Status: kc.SessionHeld, CommuneID: f.CommuneB.ID, HeldOn: kc.MustDate("2027-01-10")},  // held in the future
				{Kind: kc.SessionRadio, Status: kc.SessionPlanned, CommuneID: f.CommuneB.ID, HeldOn: kc.MustDate("2027-05-01"), Cost: -1}, // outside the period
				{Kind: "karaoke", Status: kc.SessionPlanned, CommuneID: f.CommuneB.ID, HeldOn: kc.MustDate("2027-02-01"), Interpreter: true},
			},
		}
		_, err := a.CreateCampaign(prov, in)
		want := []string{"schemes", "sessions.1.commune_id", "sessions.1.village", "sessions.1.held_on", "sessions.2.held_on",
			"sessions.3.held_on", "sessions.3.cost", "sessions.4.kind", "sessions.4.interpreter"}
		if got := fieldsOf(err); !slices.Equal(got, want) {
			t.Errorf("fields\n got %v\nwant %v", got, want)
		}
		for _, fe := range kc.FieldErrors(err) {
			if !locale.Has(fe.Key) {
				t.Errorf("message key %q missing", fe.Key)
			}
		}
		if _, total, _ := a.ListCampaigns(prov, 0, 0); total != 0 {
			t.Errorf("%d campaigns written after a refusal", total)
		}
		if _, total, _ := s.ListSessions(ctx, store.SessionFilter{}); total != 0 {
			t.Errorf("%d sessions written after a refusal", total)
		}
		// The place and the day, named in Vietnamese.
		msg := func(field string) string {
			for _, fe := range kc.FieldErrors(err) {
				if fe.Field == field {
					return locale.T("vi", fe.Key, fe.Args...)
				}
			}
			return ""
		}
		if m := msg("sessions.1.commune_id"); !strings.Contains(m, "xã") {
			t.Errorf("no-place message %q", m)
		}
		if m := msg("sessions.1.held_on"); !strings.Contains(m, "ngày") {
			t.Errorf("no-date message %q", m)
		}

		// Campaign fields.
		_, err = a.CreateCampaign(prov, app.CampaignInput{Campaign: kc.Campaign{Budget: -5, StartsOn: kc.MustDate("2027-02-01"), EndsOn: kc.MustDate("2027-01-01")}})
		if got := strings.Join(fieldsOf(err), ","); got != "title,ends_on,budget,unit_id" {
			t.Errorf("campaign fields %q", got)
		}

		// Scope and roles.
		offA := f.As(t, ctx, apptest.OfficerA)
		c := in.Campaign
		c.SchemeCodes = nil
		if _, err := a.CreateCampaign(offA, app.CampaignInput{Campaign: c}); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("commune officer runs a province campaign: %v", err)
		}
		c.UnitID = f.CommuneA.ID
		if _, err := a.CreateCampaign(offA, app.CampaignInput{Campaign: c, Sessions: []kc.OutreachSession{
			{Kind: kc.SessionRadio, Status: kc.SessionPlanned, CommuneID: f.CommuneB.ID, HeldOn: kc.MustDate("2027-02-01")}}}); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("session in another commune: %v", err)
		}
		if _, err := a.CreateCampaign(f.As(t, ctx, apptest.Viewer), app.CampaignInput{Campaign: c}); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("viewer creates: %v", err)
		}
		if _, total, _ := a.ListCampaigns(prov, 0, 0); total != 0 {
			t.Errorf("%d campaigns written after refusals", total)
		}
	})
}

func TestSessionsAndAttendance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f, ctx := outreachFixture(t, s)
		a := f.App
		offA := f.As(t, ctx, apptest.OfficerA)
		// A standalone session (no campaign), held (the default status).
		o, err := a.AddSession(offA, kc.OutreachSession{Kind: kc.SessionVillageMeeting, CommuneID: f.CommuneA.ID, Village: " thôn 1 ",
			HeldOn: kc.MustDate("2026-11-20"), Cost: 300_000, Staff: "Hồ Văn A", StaffHalfDays: 1, Materials: "Tờ rơi nghề dệt"})
		if err != nil {
			t.Fatal(err)
		}
		if o.Status != kc.SessionHeld || o.Village != "thôn 1" || o.Language != "vi" {
			t.Errorf("session %+v", o)
		}
		if _, err := a.AddSession(offA, kc.OutreachSession{Kind: kc.SessionDoorToDoor}); !hasFieldErr(err, "commune_id") || !hasFieldErr(err, "held_on") || !hasFieldErr(err, "village") {
			t.Errorf("no place, no date: %v", err)
		}
		if _, err := a.AddSession(f.As(t, ctx, apptest.OfficerB), kc.OutreachSession{Kind: kc.SessionRadio, CommuneID: f.CommuneA.ID,
			HeldOn: kc.MustDate("2026-11-20")}); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("officer B records in A: %v", err)
		}
		d, err := a.GetSession(offA, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Registered != 4 || len(d.VillageProducers) != 4 || len(d.OtherProducers) != 1 {
			t.Fatalf("checklist: %d in the village, %d others", len(d.VillageProducers), len(d.OtherProducers))
		}
		if _, err := a.GetSession(f.As(t, ctx, apptest.OfficerB), o.ID); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("officer B reads A's session: %v", err)
		}
		village := []int64{d.VillageProducers[0].ID, d.VillageProducers[1].ID}

		// Too many people for the village (4 registered + 0 new): refused,
		// naming both numbers; nothing written.
		_, err = a.RecordAttendance(offA, o.ID, app.AttendanceInput{EstablishmentIDs: village, Attendees: 40})
		if !hasFieldErr(err, "attendees") {
			t.Fatalf("too many: %v", err)
		}
		fe := kc.FieldErrors(err)[0]
		if m := locale.T("vi", fe.Key, fe.Args...); !strings.Contains(m, "(40)") || !strings.Contains(m, "thôn 1 (4)") || !strings.Contains(m, "(0)") {
			t.Errorf("too-many message %q", m)
		}
		// A bad new producer among good rows: nothing written either.
		_, err = a.RecordAttendance(offA, o.ID, app.AttendanceInput{EstablishmentIDs: village,
			New: []app.NewProducer{{Name: "Hồ Thị Mai", Phone: "0912345678"}, {Name: "", Phone: "12"}}})
		if !hasFieldErr(err, "new.1.name") || !hasFieldErr(err, "new.1.phone") {
			t.Errorf("bad new producer: %v", err)
		}
		// An establishment of another commune.
		_, err = a.RecordAttendance(offA, o.ID, app.AttendanceInput{EstablishmentIDs: []int64{f.EstB.ID}})
		if !hasFieldErr(err, "establishment_ids") {
			t.Errorf("establishment elsewhere: %v", err)
		}
		if d, _ := a.GetSession(offA, o.ID); len(d.Attendance) != 0 || d.Attendees != 0 {
			t.Errorf("half-written: %d rows, %d attendees", len(d.Attendance), d.Attendees)
		}
		if n := outreachAudits(t, f, "outreach_session", o.ID); n != 1 {
			t.Errorf("audit after refusals: %d", n)
		}

		// 4 registered + 2 new: 6 people are accepted.
		d, err = a.RecordAttendance(offA, o.ID, app.AttendanceInput{EstablishmentIDs: village, Attendees: 6,
			New: []app.NewProducer{{Name: "Hồ Thị Mai", Phone: "0912 345 678", Trade: "det_tho_cam"}, {Name: "Căn Văn Tư"}, {}}})
		if err != nil {
			t.Fatal(err)
		}
		newRows := d.NewAttendees()
		if d.Attendees != 6 || len(d.Attendance) != 4 || len(newRows) != 2 || newRows[0].Phone != "09xx xxx 678" ||
			newRows[0].Trade != "DET_THO_CAM" || !d.Present(village[0]) || d.Attendance[0].EstablishmentName == "" {
			t.Fatalf("attendance %+v", d)
		}
		if n := outreachAudits(t, f, "outreach_session", o.ID); n != 2 {
			t.Errorf("audit after attendance: %d", n)
		}
		// Saving again with the masked phone keeps it and the row ids.
		again := []app.NewProducer{{ID: newRows[0].ID, Name: newRows[0].Name, Phone: newRows[0].Phone, Trade: newRows[0].Trade},
			{ID: newRows[1].ID, Name: "Căn Văn Tư"}}
		d, err = a.RecordAttendance(offA, o.ID, app.AttendanceInput{EstablishmentIDs: village, New: again})
		if err != nil {
			t.Fatal(err)
		}
		if n := d.NewAttendees(); len(n) != 2 || n[0].ID != newRows[0].ID || n[0].Phone != "09xx xxx 678" || d.Attendees != 4 {
			t.Fatalf("saved again %+v", d)
		}

		// Add the first new producer to the registry, then refuse twice.
		e, err := a.AddAttendeeToRegistry(offA, newRows[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if e.Kind != kc.KindHousehold || e.Name != "Hồ Thị Mai" || e.CommuneID != f.CommuneA.ID || e.Village != "thôn 1" ||
			e.Phone != "09xx xxx 678" || len(e.TradeIDs) != 1 {
			t.Errorf("registered %+v", e)
		}
		if _, err := a.AddAttendeeToRegistry(offA, newRows[0].ID); !hasFieldErr(err, "attendance") {
			t.Errorf("twice: %v", err)
		}
		if _, err := a.AddAttendeeToRegistry(f.As(t, ctx, apptest.OfficerB), newRows[1].ID); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("officer B registers A's attendee: %v", err)
		}
		if _, err := a.AddAttendeeToRegistry(f.As(t, ctx, apptest.Viewer), newRows[1].ID); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("viewer registers: %v", err)
		}
		if n := outreachAudits(t, f, "establishment", e.ID); n != 1 {
			t.Errorf("establishment audit %d", n)
		}
		d, err = a.GetSession(offA, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Registered != 5 || !d.Present(e.ID) || len(d.NewAttendees()) != 2 || d.NewAttendees()[0].EstablishmentID != e.ID {
			t.Errorf("after registering: %d registered, %+v", d.Registered, d.Attendance)
		}
		// Saved again from the form: the registered one is named by its
		// establishment and stays a new producer.
		d, err = a.RecordAttendance(offA, o.ID, app.AttendanceInput{EstablishmentIDs: append(village, e.ID),
			New: []app.NewProducer{{ID: newRows[1].ID, Name: "Căn Văn Tư"}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Attendance) != 4 || len(d.NewAttendees()) != 2 {
			t.Errorf("after saving again %+v", d.Attendance)
		}

		// The people reached entered with the session itself are capped too
		// (Thôn 1 now has 5 registered, 1 new producer not registered).
		if _, err := a.AddSession(offA, kc.OutreachSession{Kind: kc.SessionVillageMeeting, CommuneID: f.CommuneA.ID, Village: "Thôn 2",
			HeldOn: kc.MustDate("2026-11-22"), Attendees: 2}); !hasFieldErr(err, "attendees") {
			t.Errorf("meeting in Thôn 2 (1 registered) with 2 people: %v", err)
		}
		edit := d.OutreachSession
		edit.Attendees = 7
		if _, err := a.UpdateSession(offA, edit); !hasFieldErr(err, "attendees") {
			t.Errorf("update to 7 people (5 registered + 1 new): %v", err)
		}
		edit.Attendees = 3
		if _, err := a.UpdateSession(offA, edit); !hasFieldErr(err, "attendees") {
			t.Errorf("update below the 4 named: %v", err)
		}
		edit.Attendees, edit.Notes = 6, "Có cán bộ hội phụ nữ"
		if got, err := a.UpdateSession(offA, edit); err != nil || got.Attendees != 6 || got.Notes != "Có cán bộ hội phụ nữ" {
			t.Errorf("update: %+v %v", got, err)
		}

		// Village-wide broadcasts: the figure is an estimate, not capped.
		b, err := a.AddSession(offA, kc.OutreachSession{Kind: kc.SessionLoudspeaker, CommuneID: f.CommuneA.ID, Village: "Thôn 2", HeldOn: kc.MustDate("2026-11-21")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.RecordAttendance(offA, b.ID, app.AttendanceInput{Attendees: 300}); err != nil {
			t.Errorf("broadcast estimate: %v", err)
		}
		// A planned session in the future takes no attendance; cancelled neither.
		pl, err := a.AddSession(offA, kc.OutreachSession{Status: kc.SessionPlanned, Kind: kc.SessionCommuneConference, CommuneID: f.CommuneA.ID,
			HeldOn: kc.MustDate("2026-12-15"), Interpreter: true, Language: "Pa Kô"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.RecordAttendance(offA, pl.ID, app.AttendanceInput{Attendees: 3}); !hasFieldErr(err, "status") {
			t.Errorf("future attendance: %v", err)
		}
		if _, err := a.SetSessionStatus(offA, pl.ID, kc.SessionHeld); !hasFieldErr(err, "held_on") {
			t.Errorf("held in the future: %v", err)
		}
		if got, err := a.SetSessionStatus(offA, pl.ID, kc.SessionCancelled); err != nil || got.Status != kc.SessionCancelled {
			t.Errorf("cancel: %+v %v", got, err)
		}
		list, total, err := a.ListSessions(offA, app.ListSessionsQuery{NoCampaign: true})
		if err != nil || total != 3 || list[0].ID != pl.ID {
			t.Errorf("list %d %v", total, err)
		}
		if _, total, _ := a.ListSessions(f.As(t, ctx, apptest.OfficerB), app.ListSessionsQuery{}); total != 0 {
			t.Errorf("officer B sees %d sessions", total)
		}

		// A producer of another village who came counts too: Thôn 1 has 5
		// registered, 1 from Thôn 2 is ticked, 1 new producer: 7 at most.
		d, err = a.GetSession(offA, o.ID)
		if err != nil || len(d.OtherProducers) != 1 {
			t.Fatalf("others %+v %v", d.OtherProducers, err)
		}
		ids := append(village, e.ID, d.OtherProducers[0].ID)
		newOnly := []app.NewProducer{{ID: newRows[1].ID, Name: "Căn Văn Tư"}}
		_, err = a.RecordAttendance(offA, o.ID, app.AttendanceInput{EstablishmentIDs: ids, New: newOnly, Attendees: 8})
		if fe := kc.FieldErrors(err); len(fe) != 1 || fe[0].Key != "attend.too_many_elsewhere" {
			t.Errorf("8 people: %v", err)
		}
		if d, err = a.RecordAttendance(offA, o.ID, app.AttendanceInput{EstablishmentIDs: ids, New: newOnly, Attendees: 7}); err != nil || d.Attendees != 7 {
			t.Errorf("7 people: %v", err)
		}
	})
}
