package app_test

import (
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/report"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"

	"github.com/google/go-cmp/cmp"
)

// funnelFixture is the scope fixture (province 98, communes An Phú and
// Bình Minh) with one campaign in An Phú and the rows its funnel counts;
// today is storetest.Clock (25/11/2026).
type funnelFixture struct {
	*apptest.Scope
	campaign int64
}

// newFunnelFixture writes: campaign "Đợt 1" of An Phú (1–31/3/2026) with a
// session held on 10/3 (30 people: EstA, a new producer added to the
// registry, one not added) and one planned for 10/12; sessions outside
// the campaign held in Bình Minh on 1/5/2026 (20 people) and in An Phú on
// 1/12/2025 (9 people); self-checks in An Phú on 1/4 and 1/8/2026 and in
// Bình Minh on 2/4/2026; a need request in An Phú today; projects
// registered in An Phú on 1/5/2026 (approved) and 1/6/2025 (settled), and
// in Bình Minh on 1/6/2026 (draft).
func newFunnelFixture(t *testing.T, s *store.Store) funnelFixture {
	t.Helper()
	ctx := app.WithPrincipal(t.Context(), app.System)
	f := funnelFixture{Scope: apptest.NewScope(t, s)}
	a, b := f.CommuneA.ID, f.CommuneB.ID
	newEst, err := s.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindHousehold, Name: "Hộ đan lát mới", CommuneID: a, Village: "Thôn 1"})
	if err != nil {
		t.Fatal(err)
	}
	err = s.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.CreateCampaign(ctx, kc.Campaign{Title: "Đợt 1", UnitID: a, StartsOn: kc.MustDate("2026-03-01"), EndsOn: kc.MustDate("2026-03-31")})
		if err != nil {
			return err
		}
		f.campaign = c.ID
		sess := func(campaign, commune int64, status, day string, n int) (int64, error) {
			o, err := tx.CreateOutreachSession(ctx, kc.OutreachSession{CampaignID: campaign, Kind: kc.SessionVillageMeeting, Status: status,
				CommuneID: commune, Village: "Thôn 1", HeldOn: kc.MustDate(day), Attendees: n})
			return o.ID, err
		}
		held, err := sess(c.ID, a, kc.SessionHeld, "2026-03-10", 30)
		if err != nil {
			return err
		}
		if _, err := tx.ReplaceAttendance(ctx, held, []kc.Attendance{{EstablishmentID: f.EstA.ID}, {EstablishmentID: newEst.ID, NewProducer: true, Name: "Hộ đan lát mới"},
			{NewProducer: true, Name: "Người chưa vào sổ"}}); err != nil {
			return err
		}
		for _, x := range []struct {
			campaign, commune int64
			status, day       string
			n                 int
		}{{c.ID, a, kc.SessionPlanned, "2026-12-10", 0}, {0, b, kc.SessionHeld, "2026-05-01", 20}, {0, a, kc.SessionHeld, "2025-12-01", 9}} {
			if _, err := sess(x.campaign, x.commune, x.status, x.day, x.n); err != nil {
				return err
			}
		}
		_, err = tx.CreateNeedRequest(ctx, store.NeedRequest{TrackingCode: "FUNNEL01", Name: "Người hỏi", CommuneID: a, Need: "Cần máy đan", Status: store.NeedNew})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct {
		commune int64
		day     string
	}{{a, "2026-04-01"}, {a, "2026-08-01"}, {b, "2026-04-02"}} {
		if err := s.LogSelfCheck(ctx, x.commune, "DAN", kc.MustDate(x.day), false); err != nil {
			t.Fatal(err)
		}
	}
	for i, x := range []struct {
		commune    int64
		state, day string
	}{{a, kc.StateApproved, "2026-05-01"}, {a, kc.StateSettled, "2025-06-01"}, {b, kc.StateDraft, "2026-06-01"}} {
		d := kc.MustDate(x.day)
		if _, err := s.CreateProject(ctx, kc.Project{Code: "DA-FN-" + string(rune('1'+i)), Title: "Đề án", Year: d.Year(), Level: "local",
			ContentArea: "CA3", CommuneID: x.commune, State: x.state, RegisteredOn: d}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// TestPeriodFunnel counts the funnel of this year per commune for each
// role and scope.
func TestPeriodFunnel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFunnelFixture(t, s)
		ctx := t.Context()
		anPhu := app.FunnelCommune{ID: f.CommuneA.ID, Code: "99001", Name: "Xã An Phú",
			FunnelFigures: app.FunnelFigures{Sessions: 1, Reached: 30, Registered: 1, SelfChecks: 2, Requests: 1, Proposed: 1, Funded: 1}}
		binhMinh := app.FunnelCommune{ID: f.CommuneB.ID, Code: "99002", Name: "Xã Bình Minh",
			FunnelFigures: app.FunnelFigures{Sessions: 1, Reached: 20, SelfChecks: 1, Proposed: 1}}
		total := app.FunnelFigures{Sessions: 2, Reached: 50, Registered: 1, SelfChecks: 3, Requests: 1, Proposed: 2, Funded: 1}
		jan1, today := kc.MustDate("2026-01-01"), kc.MustDate("2026-11-25")
		cases := []struct {
			name     string
			user     string
			unit     string
			communes []app.FunnelCommune
			total    app.FunnelFigures
			national bool
		}{
			{"province officer, own scope", apptest.Province, "", []app.FunnelCommune{anPhu, binhMinh}, total, false},
			{"viewer, the province by code", apptest.Viewer, "98", []app.FunnelCommune{anPhu, binhMinh}, total, false},
			{"commune officer, own scope", apptest.OfficerA, "", []app.FunnelCommune{anPhu}, anPhu.FunnelFigures, false},
			{"commune officer, the province narrowed", apptest.OfficerA, "98", []app.FunnelCommune{anPhu}, anPhu.FunnelFigures, false},
			{"administrator, the whole country", apptest.Admin, "", nil, total, true},
			{"administrator, one commune", apptest.Admin, "99002", []app.FunnelCommune{binhMinh}, binhMinh.FunnelFigures, false},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := f.App.PeriodFunnel(f.As(t, ctx, c.user), c.unit, kc.Date{}, kc.Date{})
				if err != nil {
					t.Fatal(err)
				}
				if got.From != jan1 || got.To != today || got.National != c.national || got.CampaignID != 0 {
					t.Errorf("period %s … %s, national %v", got.From, got.To, got.National)
				}
				if d := cmp.Diff(c.communes, got.Communes); d != "" {
					t.Errorf("communes (-want +got):\n%s", d)
				}
				if got.Total != c.total {
					t.Errorf("total %+v, want %+v", got.Total, c.total)
				}
			})
		}
		// Last year: the session of December 2025 and the project of June 2025.
		got, err := f.App.PeriodFunnel(f.As(t, ctx, apptest.OfficerA), "99001", kc.MustDate("2025-01-01"), kc.MustDate("2025-12-31"))
		if err != nil || got.Total != (app.FunnelFigures{Sessions: 1, Reached: 9, Proposed: 1, Funded: 1}) || got.UnitName != "Xã An Phú" {
			t.Errorf("2025: %+v %v", got, err)
		}
		refused := []struct {
			name       string
			user, unit string
			from, to   kc.Date
			code       string
		}{
			{"another commune", apptest.OfficerA, "99002", kc.Date{}, kc.Date{}, kc.EForbidden},
			{"an unknown code", apptest.Province, "12345", kc.Date{}, kc.Date{}, kc.EInvalid},
			{"a period ending before it starts", apptest.Province, "", kc.MustDate("2026-06-01"), kc.MustDate("2026-05-01"), kc.EInvalid},
		}
		for _, c := range refused {
			if _, err := f.App.PeriodFunnel(f.As(t, ctx, c.user), c.unit, c.from, c.to); kc.ErrorCode(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
		}
		if _, err := f.App.PeriodFunnel(ctx, "", kc.Date{}, kc.Date{}); kc.ErrorCode(err) != kc.EUnauthenticated {
			t.Errorf("anonymous: %v", err)
		}
	})
}

// TestCampaignFunnel counts a campaign's sessions and what followed in its
// commune until 90 days after it ended, and refuses a commune officer of
// another commune.
func TestCampaignFunnel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFunnelFixture(t, s)
		ctx := t.Context()
		got, err := f.App.CampaignFunnel(f.As(t, ctx, apptest.OfficerA), f.campaign)
		if err != nil {
			t.Fatal(err)
		}
		// 31/3 + 90 days = 29/6: the self-check of 1/8 and today's request
		// fall outside; the project of 1/5 inside.
		want := app.FunnelFigures{Sessions: 1, Reached: 30, Registered: 1, SelfChecks: 1, Proposed: 1, Funded: 1}
		if got.From != kc.MustDate("2026-03-01") || got.To != kc.MustDate("2026-06-29") || got.FollowUpDays != app.FunnelFollowUpDays ||
			got.CampaignTitle != "Đợt 1" || got.Total != want || len(got.Communes) != 1 || got.Communes[0].Code != "99001" {
			t.Errorf("campaign funnel %+v", got)
		}
		steps := got.Total.Steps()
		if len(steps) != 7 || steps[1].PerSession != 30 || steps[1].HasShare || !steps[2].HasShare || steps[2].ShareBP != 333 ||
			steps[3].HasShare || steps[4].HasShare || steps[5].HasShare || !steps[6].HasShare || steps[6].ShareBP != 10000 || steps[1].Width != 100 || steps[0].Width != 3 {
			t.Errorf("steps %+v", steps)
		}
		if _, err := f.App.CampaignFunnel(f.As(t, ctx, apptest.OfficerB), f.campaign); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("officer of another commune: %v", err)
		}
		if _, err := f.App.CampaignFunnel(f.As(t, ctx, apptest.Province), f.campaign+1000); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("missing campaign: %v", err)
		}
	})
}

// TestOutreachCoverage lays out the reach of the province per commune and
// of one commune per village, with the way back up, both orders and the
// marking of a last session older than 12 months.
func TestOutreachCoverage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFunnelFixture(t, s)
		ctx := t.Context()
		province := f.As(t, ctx, apptest.Province)
		cov, err := f.App.OutreachCoverage(province, "", kc.Date{}, app.CoverageByName)
		if err != nil {
			t.Fatal(err)
		}
		if cov.Commune != nil || len(cov.Rows) != 2 || cov.Rows[0].Code != "99001" || cov.Rows[1].Code != "99002" || cov.Sort != app.CoverageByName {
			t.Fatalf("province rows %+v", cov.Rows)
		}
		// An Phú: EstA and the new producer reached on 10/3/2026.
		if r := cov.Rows[0]; r.Producers != 2 || r.Reached12 != 2 || r.LastSession != kc.MustDate("2026-03-10") || r.Stale {
			t.Errorf("An Phú %+v", r)
		}
		if cov.Total.Producers != 3 || cov.Total.Reached12 != 2 || cov.Since != kc.MustDate("2025-11-25") {
			t.Errorf("total %+v since %s", cov.Total, cov.Since)
		}
		// A year later every last session is older than 12 months.
		later, err := f.App.OutreachCoverage(province, "98", kc.MustDate("2027-06-01"), "")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range later.Rows {
			if !r.Stale || r.Reached12 != 0 {
				t.Errorf("2027: %+v", r)
			}
		}
		if later.Sort != app.CoverageByUnreached {
			t.Errorf("default sort %q", later.Sort)
		}
		villages, err := f.App.OutreachCoverage(province, "99001", kc.Date{}, "")
		if err != nil {
			t.Fatal(err)
		}
		if villages.Commune == nil || villages.Commune.Code != "99001" || !villages.UpScope || villages.UpCode != "" ||
			len(villages.Rows) != 1 || villages.Rows[0].Name != "Thôn 1" || villages.Rows[0].Producers != 2 {
			t.Errorf("villages %+v", villages)
		}
		admin, err := f.App.OutreachCoverage(f.As(t, ctx, apptest.Admin), "99001", kc.Date{}, "")
		if err != nil || admin.UpCode != "98" || admin.UpName != "Tỉnh Thử Nghiệm" {
			t.Errorf("admin way up %q %q %v", admin.UpCode, admin.UpName, err)
		}
		own, err := f.App.OutreachCoverage(f.As(t, ctx, apptest.OfficerA), "", kc.Date{}, "")
		if err != nil || own.Commune == nil || own.UpScope || own.UpCode != "" {
			t.Errorf("commune officer %+v %v", own, err)
		}
		if _, err := f.App.OutreachCoverage(f.As(t, ctx, apptest.OfficerA), "99002", kc.Date{}, ""); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("another commune: %v", err)
		}
		if _, err := f.App.OutreachCoverage(f.As(t, ctx, apptest.Admin), "", kc.Date{}, ""); kc.ErrorCode(err) != kc.EInvalid {
			t.Errorf("admin without a unit: %v", err)
		}
	})
}

// TestReportFunnelTable checks the period report carries the funnel table
// per commune after the outreach table, with the counts of the year.
func TestReportFunnelTable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFunnelFixture(t, s)
		ds, err := f.App.PeriodReport(f.As(t, t.Context(), apptest.Province), app.ReportRequest{UnitCode: "98", From: 2026, To: 2026})
		if err != nil {
			t.Fatal(err)
		}
		var tb *report.Table
		at, outreach := -1, -1
		for i := range ds.Tables {
			switch ds.Tables[i].Caption {
			case locale.T("vi", "funnel.report.caption"):
				tb, at = &ds.Tables[i], i
			}
			if ds.Tables[i].Sheet == locale.T("vi", "report.sheet.outreach") {
				outreach = i
			}
		}
		if tb == nil || at != outreach+1 {
			t.Fatalf("funnel table at %d, outreach table at %d", at, outreach)
		}
		if len(tb.Columns) != 8 || len(tb.Rows) != 2 || tb.Rows[0][0].Text != "Xã An Phú" {
			t.Fatalf("funnel table %+v", tb)
		}
		var got []int64
		for _, c := range tb.Total[1:] {
			got = append(got, c.N)
		}
		if d := cmp.Diff([]int64{2, 50, 1, 3, 1, 2, 1}, got); d != "" {
			t.Errorf("total row (-want +got):\n%s", d)
		}
	})
}
