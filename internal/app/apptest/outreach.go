package apptest

import (
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
)

// SeedOutreachResults writes, in the fixture's commune A, what the
// outreach funnel counts: a campaign "Đợt tháng Ba" (March 2026) with a
// village meeting held on 10/3/2026 in Thôn 1 (30 people, EstA present),
// a public self-check on 1/4/2026 (through a leaflet's QR code when viaQR)
// and a project registered on 1/5/2026 and approved, with the given code.
// Commune B gets nothing. It returns the campaign's id.
func (f *Scope) SeedOutreachResults(t testing.TB, projectCode string, viaQR bool) int64 {
	t.Helper()
	st := f.App.Store
	ctx := app.WithPrincipal(t.Context(), app.System)
	var campaign int64
	err := st.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.CreateCampaign(ctx, kc.Campaign{Title: "Đợt tháng Ba", UnitID: f.CommuneA.ID, StartsOn: kc.MustDate("2026-03-01"), EndsOn: kc.MustDate("2026-03-31")})
		if err != nil {
			return err
		}
		campaign = c.ID
		o, err := tx.CreateOutreachSession(ctx, kc.OutreachSession{CampaignID: c.ID, Kind: kc.SessionVillageMeeting, Status: kc.SessionHeld,
			CommuneID: f.CommuneA.ID, Village: "Thôn 1", HeldOn: kc.MustDate("2026-03-10"), Attendees: 30})
		if err != nil {
			return err
		}
		_, err = tx.ReplaceAttendance(ctx, o.ID, []kc.Attendance{{EstablishmentID: f.EstA.ID}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.LogSelfCheck(ctx, f.CommuneA.ID, "DET", kc.MustDate("2026-04-01"), viaQR); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateProject(ctx, kc.Project{Code: projectCode, Title: "Đề án dệt", Year: 2026, Level: "local", ContentArea: "CA3",
		CommuneID: f.CommuneA.ID, State: kc.StateApproved, RegisteredOn: kc.MustDate("2026-05-01")}); err != nil {
		t.Fatal(err)
	}
	return campaign
}
