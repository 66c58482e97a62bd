package store_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// projectFixture creates an establishment of commune A and returns it
// with the units.
func projectFixture(t *testing.T, s *store.Store) (registryUnits, kc.Establishment) {
	t.Helper()
	u := addRegistryUnits(t, s)
	e, err := s.CreateEstablishment(t.Context(), kc.Establishment{Name: "Tổ hợp tác rượu men lá", CommuneID: u.A, Kind: kc.KindCoopGroup})
	if err != nil {
		t.Fatal(err)
	}
	return u, e
}

func TestProjectStoreDraftsAndLocks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u, e := projectFixture(t, s)
		var code string
		err := s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			code, err = tx.NextProjectCode(ctx, 2026)
			return err
		})
		if err != nil || code != "DA-2026-0001" {
			t.Fatalf("first code %q %v", code, err)
		}
		in := kc.Project{Code: "DA-2026-0007", Title: "Máy nấu rượu", Year: 2026, Level: "local", ContentArea: "CA3", CommuneID: u.A, State: kc.StateDraft,
			StartsOn: kc.MustDate("2026-04-01"), EndsOn: kc.MustDate("2026-10-31"), ExpectedJobs: 5, Beneficiaries: []int64{e.ID},
			CostLines: []kc.CostLine{{Item: "Máy nấu rượu", Quantity: 2, UnitCost: 50_000_000, Amount: 100_000_000}},
			Funding:   []kc.Funding{{Source: kc.SourceProvincial, Planned: 30_000_000}, {Source: kc.SourceCounterpart, Planned: 70_000_000}}}
		p, err := s.CreateProject(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		var got kc.Project
		var version int
		err = s.InTx(ctx, func(tx *store.Tx) error {
			if code, err = tx.NextProjectCode(ctx, 2026); err != nil {
				return err
			}
			got, version, err = tx.GetProject(ctx, p.ID)
			return err
		})
		if err != nil || code != "DA-2026-0008" || version != 1 || got.StartsOn != in.StartsOn || got.ExpectedJobs != 5 ||
			len(got.CostLines) != 1 || got.CostLines[0] != in.CostLines[0] {
			t.Fatalf("read back: code %s version %d %+v %v", code, version, got, err)
		}
		got.Title = "Máy nấu rượu cải tiến"
		got.CostLines = []kc.CostLine{{Item: "Nồi nấu", Quantity: 1, UnitCost: 80_000_000, Amount: 80_000_000}, {Item: "Lắp đặt", Quantity: 1, UnitCost: 20_000_000, Amount: 20_000_000}}
		var nv int
		err = s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			nv, err = tx.UpdateProjectDraft(ctx, got, 1)
			return err
		})
		if err != nil || nv != 2 {
			t.Fatalf("update: %d %v", nv, err)
		}
		stale := s.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.UpdateProjectDraft(ctx, got, 1)
			return err
		})
		if kc.ErrorCode(stale) != kc.EConflict {
			t.Errorf("stale update: %v", stale)
		}
		missing := s.InTx(ctx, func(tx *store.Tx) error {
			g := got
			g.ID = 9999
			_, err := tx.UpdateProjectDraft(ctx, g, 1)
			return err
		})
		if kc.ErrorCode(missing) != kc.ENotFound {
			t.Errorf("missing project: %v", missing)
		}
		got.State, got.RegisteredOn = kc.StateRegistered, kc.MustDate("2026-03-01")
		got.Funding = []kc.Funding{{Source: kc.SourceProvincial, Planned: 30_000_000, Approved: 30_000_000, Advanced: 20_000_000}, {Source: kc.SourceCounterpart, Planned: 70_000_000}}
		got.Outputs = []kc.Output{{Kind: "machines", Value: 1}}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			if nv, err = tx.SaveProjectState(ctx, got, 2, true); err != nil {
				return err
			}
			if err := tx.AddProjectEvent(ctx, got.ID, kc.ProjectEvent{From: kc.StateDraft, To: kc.StateRegistered, Note: "đăng ký"}); err != nil {
				return err
			}
			_, err := tx.SaveProjectState(ctx, got, 2, false)
			if kc.ErrorCode(err) != kc.EConflict {
				t.Errorf("stale state save: %v", err)
			}
			return nil
		})
		if err != nil || nv != 3 {
			t.Fatalf("save state: %d %v", nv, err)
		}
		after, err := s.GetProject(ctx, p.ID)
		if err != nil || after.Title != "Máy nấu rượu cải tiến" || after.State != kc.StateRegistered || len(after.CostLines) != 2 ||
			after.Funding[0].Advanced != 20_000_000 || len(after.Outputs) != 1 || len(after.Events) != 1 || after.RegisteredOn != got.RegisteredOn {
			t.Errorf("after: %+v %v", after, err)
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteProject(ctx, p.ID) }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetProject(ctx, p.ID); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("deleted project read: %v", err)
		}
	})
}

func TestProjectStoreListsAndOverlaps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u, e := projectFixture(t, s)
		mk := func(code, title, state string, commune int64, year int, item string, funding []kc.Funding) int64 {
			t.Helper()
			p, err := s.CreateProject(ctx, kc.Project{Code: code, Title: title, Year: year, Level: "local", ContentArea: "CA3", CommuneID: commune, State: state,
				Beneficiaries: []int64{e.ID}, CostLines: []kc.CostLine{{Item: item, Quantity: 1, UnitCost: 100, Amount: 100}}, Funding: funding})
			if err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		state := []kc.Funding{{Source: kc.SourceCommune, Planned: 40, Approved: 40, Settled: 30}, {Source: kc.SourceCounterpart, Planned: 60, Approved: 60, Settled: 70}}
		own := []kc.Funding{{Source: kc.SourceCounterpart, Planned: 100}}
		p1 := mk("P1", "Máy nấu rượu Ba Nang", kc.StateSettled, u.OA0, 2019, "Máy nấu rượu", state)
		mk("P2", "Máy nấu rượu tự có", kc.StateApproved, u.A, 2026, "Máy nấu rượu", own)
		mk("P3", "Máy nấu rượu bị rút", kc.StateWithdrawn, u.A, 2026, "Máy nấu rượu", state)
		p4 := mk("P4", "Lò sấy", kc.StateRegistered, u.B, 2026, "Lò sấy", state)
		list, total, err := s.ListProjects(ctx, store.ProjectListFilter{CommuneIDs: []int64{u.A}})
		if err != nil || total != 3 || len(list) != 3 || list[2].Code != "P1" {
			t.Fatalf("commune A (with its two-hop former commune): %d %+v %v", total, list, err)
		}
		if r := list[2]; r.CommuneName != "Xã Cũ Hơn" || r.StateFunds != (store.FundingSums{Planned: 40, Approved: 40, Settled: 30}) ||
			r.Counterpart != (store.FundingSums{Planned: 60, Approved: 60, Settled: 70}) {
			t.Errorf("row %+v", r)
		}
		list, total, err = s.ListProjects(ctx, store.ProjectListFilter{Query: "NAU ruou", State: kc.StateApproved})
		if err != nil || total != 1 || list[0].Code != "P2" {
			t.Errorf("search: %d %+v %v", total, list, err)
		}
		if list, total, err = s.ListProjects(ctx, store.ProjectListFilter{CommuneIDs: []int64{}}); err != nil || total != 0 || len(list) != 0 {
			t.Errorf("empty scope: %d %v", total, err)
		}
		if list, total, err = s.ListProjects(ctx, store.ProjectListFilter{Year: 2026, Limit: 1, Offset: 1}); err != nil || total != 3 || len(list) != 1 || list[0].Code != "P3" {
			t.Errorf("page: %d %+v %v", total, list, err)
		}
		var overlaps []store.FundingOverlap
		var current []int64
		err = s.View(ctx, func(tx *store.Tx) error {
			var err error
			if overlaps, err = tx.FundingOverlaps(ctx, p4, []int64{e.ID}, []string{"maynauruou", "losay"}, []string{kc.StateDraft, kc.StateWithdrawn}); err != nil {
				return err
			}
			current, err = tx.CurrentCommunesOf(ctx, u.OA0)
			return err
		})
		if err != nil || len(overlaps) != 1 || overlaps[0].ProjectID != p1 || overlaps[0].Item != "Máy nấu rượu" || overlaps[0].Year != 2019 {
			t.Errorf("overlaps (P2 has no state money, P3 is withdrawn, P4 is excluded): %+v %v", overlaps, err)
		}
		if len(current) != 1 || current[0] != u.A {
			t.Errorf("current communes of the two-hop former commune: %v", current)
		}
		sup, err := s.EstablishmentProjects(ctx, e.ID, []string{kc.StateSettled, kc.StateApproved})
		if err != nil || len(sup) != 2 || sup[0].Code != "P2" || sup[1].Code != "P1" {
			t.Errorf("establishment projects %+v %v", sup, err)
		}
	})
}

func TestProjectStoreScoreSheetReportsSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u, e := projectFixture(t, s)
		if _, err := s.EnsureReference(ctx, store.DefaultReference()); err != nil {
			t.Fatal(err)
		}
		items, err := s.ScoreItems(ctx, false)
		total := 0
		var codes []string
		for _, it := range items {
			total += it.MaxScore
			codes = append(codes, it.Code)
		}
		if err != nil || total != 100 || strings.Join(codes, ",") != "fit,objectives,costs,capacity,links" {
			t.Fatalf("score sheet %+v %v", items, err)
		}
		if n, err := s.EnsureReference(ctx, store.Reference{ScoreItems: store.DefaultScoreItems()}); err != nil || n != 0 {
			t.Errorf("seeding again inserted %d (%v)", n, err)
		}
		m1, err := s.CreateUser(ctx, kc.User{Username: "hd1", DisplayName: "Hội đồng 1", Role: kc.RoleCouncilMember, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.CreateProject(ctx, kc.Project{Code: "P", Title: "Đề án", Year: 2026, Level: "local", ContentArea: "CA3", CommuneID: u.A,
			State: kc.StateInProgress, StartsOn: kc.MustDate("2026-05-02"), Beneficiaries: []int64{e.ID},
			Outputs: []kc.Output{{Kind: "follow_up_12_workers", Value: 3}}})
		if err != nil {
			t.Fatal(err)
		}
		var rows []store.AppraisalScore
		var reports []store.ProjectReport
		var settings map[string]string
		var scheds []store.ProjectSchedule
		err = s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.PutAppraisal(ctx, p.ID, m1.ID, map[string]int{"fit": 10, "costs": 5}, []string{"fit", "costs"}, "lần 1"); err != nil {
				return err
			}
			if err := tx.PutAppraisal(ctx, p.ID, m1.ID, map[string]int{"fit": 18, "costs": 15}, []string{"fit", "costs"}, "lần 2"); err != nil {
				return err
			}
			for _, r := range []store.ProjectReport{{ProjectID: p.ID, Period: "2026-05", SubmittedOn: kc.MustDate("2026-05-20"), ProgressPct: 10},
				{ProjectID: p.ID, Period: "2026-05", SubmittedOn: kc.MustDate("2026-05-24"), ProgressPct: 15, Spent: 5},
				{ProjectID: p.ID, Period: "2026-06", SubmittedOn: kc.MustDate("2026-06-24"), ProgressPct: 30}} {
				if err := tx.PutProjectReport(ctx, r); err != nil {
					return err
				}
			}
			for k, v := range map[string]string{"projects.min_scorers": "2", "projects.report_day": "20", "other.key": "x"} {
				if err := tx.SetSetting(ctx, k, v); err != nil {
					return err
				}
			}
			var err error
			if rows, err = tx.ProjectAppraisals(ctx, p.ID); err != nil {
				return err
			}
			if reports, err = tx.ProjectReports(ctx, p.ID); err != nil {
				return err
			}
			if settings, err = tx.SettingsWithPrefix(ctx, "projects."); err != nil {
				return err
			}
			scheds, err = tx.ProjectSchedules(ctx, store.ScheduleFilter{CommuneIDs: []int64{u.A}, States: []string{kc.StateInProgress}, SettledSince: kc.MustDate("2030-01-01")})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].Score != 18 || rows[1].Score != 15 || rows[0].Comment != "lần 2" || rows[0].MemberName != "Hội đồng 1" {
			t.Errorf("appraisals %+v", rows)
		}
		if len(reports) != 2 || reports[0].ProgressPct != 15 || reports[0].Spent != 5 || reports[1].Period != "2026-06" {
			t.Errorf("reports %+v", reports)
		}
		if len(settings) != 2 || settings["projects.min_scorers"] != "2" {
			t.Errorf("settings %v", settings)
		}
		for _, old := range []kc.Project{{Code: "OLD", AcceptedOn: kc.MustDate("2018-05-10"), State: kc.StateClosed},
			{Code: "NEW", AcceptedOn: kc.MustDate("2025-03-01"), State: kc.StateSettled}} {
			old.Title, old.Year, old.Level, old.ContentArea, old.CommuneID = "Đề án cũ", 2018, "local", "CA3", u.A
			if _, err := s.CreateProject(ctx, old); err != nil {
				t.Fatal(err)
			}
		}
		recent, err := s.ProjectSchedules(ctx, store.ScheduleFilter{States: []string{kc.StateSettled, kc.StateClosed}, SettledSince: kc.MustDate("2024-01-01")})
		if err != nil || len(recent) != 1 || recent[0].Code != "NEW" || recent[0].AcceptedOn != kc.MustDate("2025-03-01") {
			t.Errorf("settled since 2024: %+v %v", recent, err)
		}
		if len(scheds) != 1 || !scheds[0].Periods["2026-05"] || !scheds[0].Periods["2026-06"] || !scheds[0].FollowUps["follow_up_12_workers"] ||
			scheds[0].StartsOn != kc.MustDate("2026-05-02") {
			t.Errorf("schedules %+v", scheds)
		}
	})
}

// TestProjectCodesUnderConcurrency creates drafts from several goroutines
// at once: every one gets a code, and the codes are distinct and
// consecutive (on PostgreSQL the numbering takes an advisory lock; on
// SQLite the single writer serialises).
func TestProjectCodesUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u, _ := projectFixture(t, s)
		const n = 8
		codes := make(chan string, n)
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				err := s.InTx(ctx, func(tx *store.Tx) error {
					code, err := tx.NextProjectCode(ctx, 2027)
					if err != nil {
						return err
					}
					_, err = tx.CreateProject(ctx, kc.Project{Code: code, Title: "Đề án " + code, Year: 2027, Level: "local", ContentArea: "CA3",
						CommuneID: u.A, State: kc.StateDraft})
					if err == nil {
						codes <- code
					}
					return err
				})
				if err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(codes)
		close(errs)
		for err := range errs {
			t.Errorf("create: %v", err)
		}
		var got []string
		for c := range codes {
			got = append(got, c)
		}
		slices.Sort(got)
		if len(got) != n || got[0] != "DA-2027-0001" || got[n-1] != fmt.Sprintf("DA-2027-%04d", n) || slices.Compact(slices.Clone(got))[n-1] != got[n-1] {
			t.Errorf("codes = %v", got)
		}
	})
}
