package store_test

import (
	"reflect"
	"testing"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// planFixture is a province "98" in force with communes A and B, a former
// province, district and commune whose area went into A, and another
// province with commune C; projects of 2025 and 2026 in every state that
// matters to a plan.
type planFixture struct {
	prov, a, b, former, c int64
	ids                   map[string]int64
	member1, member2      int64
}

func m(million int64) int64 { return million * 1_000_000 }

func newPlanFixture(t *testing.T, s *store.Store) planFixture {
	t.Helper()
	ctx := t.Context()
	from, eve, old := kc.MustDate("2025-07-01"), kc.MustDate("2025-06-30"), kc.MustDate("2008-08-01")
	units := []kc.Unit{
		{ID: 1, Code: "98", Level: kc.LevelProvince, Type: "Tỉnh", Name: "Tỉnh Thử Nghiệm", ValidFrom: from},
		{ID: 2, Code: "98001", Level: kc.LevelCommune, Type: "Xã", Name: "Xã An Phú", ParentID: 1, ValidFrom: from},
		{ID: 3, Code: "98002", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Bình Minh", ParentID: 1, ValidFrom: from},
		{ID: 4, Code: "97", Level: kc.LevelProvince, Type: "Tỉnh", Name: "Tỉnh Cũ", ValidFrom: old, ValidTo: eve},
		{ID: 5, Code: "977", Level: kc.LevelDistrict, Type: "Huyện", Name: "Huyện Cũ", ParentID: 4, ValidFrom: old, ValidTo: eve},
		{ID: 6, Code: "97701", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Cũ", ParentID: 5, ValidFrom: old, ValidTo: eve},
		{ID: 7, Code: "96", Level: kc.LevelProvince, Type: "Tỉnh", Name: "Tỉnh Khác", ValidFrom: from},
		{ID: 8, Code: "96001", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Ngoài", ParentID: 7, ValidFrom: from},
	}
	links := []kc.Succession{{FromID: 6, ToID: 2, Scope: "full", Effective: from}}
	if _, err := s.LoadUnits(ctx, units, links); err != nil {
		t.Fatal(err)
	}
	f := planFixture{ids: map[string]int64{}}
	for _, u := range []struct {
		dst  *int64
		code string
		on   kc.Date
	}{{&f.prov, "98", from}, {&f.a, "98001", from}, {&f.b, "98002", from}, {&f.former, "97701", eve}, {&f.c, "96001", from}} {
		unit, err := s.FindUnit(ctx, u.code, u.on)
		if err != nil {
			t.Fatal(err)
		}
		*u.dst = unit.ID
	}
	fund := func(src string, planned, approved, advanced, settled int64) kc.Funding {
		return kc.Funding{Source: src, Planned: planned, Approved: approved, Advanced: advanced, Settled: settled}
	}
	projects := []kc.Project{
		{Code: "T-2026-01", Year: 2026, ContentArea: "CA3", CommuneID: f.a, State: kc.StateApproved, Funding: []kc.Funding{
			fund(kc.SourceProvincial, m(100), m(100), 0, 0), fund(kc.SourceCommune, m(20), m(20), 0, 0), fund(kc.SourceCounterpart, m(50), m(50), 0, 0)}},
		{Code: "T-2026-02", Year: 2026, ContentArea: "CA1", CommuneID: f.b, State: kc.StateInProgress, Funding: []kc.Funding{
			fund(kc.SourceProvincial, m(60), m(60), m(42), 0)}},
		{Code: "T-2026-03", Year: 2026, ContentArea: "CA3", CommuneID: f.former, State: kc.StateSettled, Funding: []kc.Funding{
			fund(kc.SourceProvincial, m(30), m(30), m(30), m(28))}},
		{Code: "T-2026-04", Year: 2026, ContentArea: "CA3", CommuneID: f.c, State: kc.StateApproved, Funding: []kc.Funding{
			fund(kc.SourceProvincial, m(500), m(500), 0, 0)}},
		{Code: "T-2025-01", Year: 2025, ContentArea: "CA3", CommuneID: f.a, State: kc.StateApproved, Funding: []kc.Funding{
			fund(kc.SourceProvincial, m(70), m(70), 0, 0)}},
		{Code: "T-2026-06", Year: 2026, ContentArea: "CA3", CommuneID: f.a, State: kc.StateRegistered, ExpectedJobs: 5, PriorityPoints: 3, Funding: []kc.Funding{
			fund(kc.SourceProvincial, m(80), 0, 0, 0), fund(kc.SourceCommune, m(20), 0, 0, 0), fund(kc.SourceCounterpart, m(100), 0, 0, 0)}},
		{Code: "T-2026-07", Year: 2026, ContentArea: "CA1", CommuneID: f.b, State: kc.StateAppraised, ExpectedJobs: 9, Funding: []kc.Funding{
			fund(kc.SourceNational, m(200), 0, 0, 0)}},
		{Code: "T-2026-08", Year: 2026, ContentArea: "CA3", CommuneID: f.a, State: kc.StateRejected, Funding: []kc.Funding{
			fund(kc.SourceProvincial, m(40), 0, 0, 0)}},
		{Code: "T-2026-09", Year: 2026, ContentArea: "CA3", CommuneID: f.a, State: kc.StateDraft, Funding: []kc.Funding{
			fund(kc.SourceProvincial, m(40), 0, 0, 0)}},
		{Code: "T-2026-10", Year: 2026, ContentArea: "CA4", CommuneID: f.c, State: kc.StateRegistered, Funding: []kc.Funding{
			fund(kc.SourceProvincial, m(15), 0, 0, 0)}},
	}
	for _, p := range projects {
		p.Title, p.Level = "Đề án "+p.Code, "local"
		created, err := s.CreateProject(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		f.ids[p.Code] = created.ID
	}
	for i, name := range []string{"hoidong1", "hoidong2"} {
		u, err := s.CreateUser(ctx, kc.User{Username: name, DisplayName: name, Role: kc.RoleCouncilMember, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			f.member1 = u.ID
		} else {
			f.member2 = u.ID
		}
	}
	err := s.InTx(ctx, func(tx *store.Tx) error {
		return tx.SeedAppraisals(ctx, []store.SeedAppraisal{
			{ProjectID: f.ids["T-2026-06"], MemberID: f.member1, Item: "a", Score: 40},
			{ProjectID: f.ids["T-2026-06"], MemberID: f.member1, Item: "b", Score: 30},
			{ProjectID: f.ids["T-2026-06"], MemberID: f.member2, Item: "a", Score: 35},
			{ProjectID: f.ids["T-2026-06"], MemberID: f.member2, Item: "b", Score: 20},
			// A resubmission replaces the member's score on the item.
			{ProjectID: f.ids["T-2026-06"], MemberID: f.member2, Item: "b", Score: 25},
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestPlanStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newPlanFixture(t, s)
		communes, err := s.CurrentCommunesUnder(ctx, []int64{f.prov})
		if err != nil || len(communes) != 2 {
			t.Fatalf("communes %v, %v", communes, err)
		}
		var plan store.Plan
		steps := []struct {
			name string
			run  func(t *testing.T)
		}{
			{"create, find and list", func(t *testing.T) {
				err := s.InTx(ctx, func(tx *store.Tx) error {
					var err error
					plan, err = tx.CreatePlan(ctx, 2026, f.prov, "  Kế hoạch năm 2026 ")
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				if plan.Year != 2026 || plan.UnitCode != "98" || plan.UnitLevel != kc.LevelProvince || plan.Version != 1 || plan.CreatedAt.IsZero() {
					t.Errorf("plan %+v", plan)
				}
				got, err := s.FindPlan(ctx, 2026, f.prov)
				if err != nil || got.ID != plan.ID {
					t.Errorf("find %+v, %v", got, err)
				}
				if _, err := s.FindPlan(ctx, 2027, f.prov); kc.ErrorCode(err) != kc.ENotFound {
					t.Errorf("find 2027: %v", err)
				}
				if _, err := s.GetPlan(ctx, plan.ID+100); kc.ErrorCode(err) != kc.ENotFound {
					t.Errorf("get unknown: %v", err)
				}
				list, err := s.ListPlans(ctx, 0)
				if err != nil || len(list) != 1 || list[0].ID != plan.ID {
					t.Errorf("list %+v, %v", list, err)
				}
			}},
			{"one plan per year and unit", func(t *testing.T) {
				err := s.InTx(ctx, func(tx *store.Tx) error {
					_, err := tx.CreatePlan(ctx, 2026, f.prov, "")
					return err
				})
				if e := kc.AsError(err); e.Code != kc.EConflict || e.Key != "plan.exists" {
					t.Errorf("second plan: %v", err)
				}
			}},
			{"version", func(t *testing.T) {
				var v1, v2 int
				var stale error
				err := s.InTx(ctx, func(tx *store.Tx) error {
					var err error
					if v1, err = tx.TouchPlan(ctx, plan.ID, 1); err != nil {
						return err
					}
					_, stale = tx.TouchPlan(ctx, plan.ID, 1)
					v2, err = tx.TouchPlan(ctx, plan.ID, 0)
					return err
				})
				if err != nil || v1 != 2 || v2 != 3 || kc.AsError(stale).Key != "plan.version_conflict" {
					t.Errorf("versions %d %d, stale %v, err %v", v1, v2, stale, err)
				}
			}},
			{"envelopes upsert", func(t *testing.T) {
				err := s.InTx(ctx, func(tx *store.Tx) error {
					for _, e := range []store.PlanEnvelope{{Source: kc.SourceProvincial, Amount: m(300)}, {Source: kc.SourceCommune, Amount: m(50)},
						{Source: kc.SourceProvincial, Amount: m(400)}, {Source: kc.SourceProvincial, ContentArea: "CA1", Amount: m(90)}} {
						if err := tx.SetPlanEnvelope(ctx, plan.ID, e); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				got, err := s.PlanEnvelopes(ctx, plan.ID)
				want := []store.PlanEnvelope{{Source: kc.SourceCommune, Amount: m(50)}, {Source: kc.SourceProvincial, Amount: m(400)},
					{Source: kc.SourceProvincial, ContentArea: "CA1", Amount: m(90)}}
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("envelopes %+v, %v", got, err)
				}
			}},
			{"commitments of the year in the area, former units included", func(t *testing.T) {
				got, err := s.PlanCommitments(ctx, 2026, communes)
				// By hand: provincial CA3 = 100 (approved, A) + 30 (settled, former
				// commune now in A), paid out 0 + 28 (settled amount); provincial
				// CA1 = 60 (in progress, B), paid out 42 (advance); commune CA3 =
				// 20; counterpart CA3 = 50. Not counted: the 500 m of commune C
				// (other province), the 70 m of 2025, rejected, draft and
				// registered projects.
				want := []store.PlanCommitment{
					{Source: kc.SourceCommune, ContentArea: "CA3", Committed: m(20)},
					{Source: kc.SourceCounterpart, ContentArea: "CA3", Committed: m(50)},
					{Source: kc.SourceProvincial, ContentArea: "CA1", Committed: m(60), Disbursed: m(42)},
					{Source: kc.SourceProvincial, ContentArea: "CA3", Committed: m(130), Disbursed: m(28)},
				}
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("commitments\n got %+v\nwant %+v (%v)", got, want, err)
				}
				other, err := s.PlanCommitments(ctx, 2025, communes)
				if err != nil || len(other) != 1 || other[0].Committed != m(70) {
					t.Errorf("2025 commitments %+v, %v", other, err)
				}
				if none, err := s.PlanCommitments(ctx, 2026, nil); err != nil || none != nil {
					t.Errorf("no communes: %+v, %v", none, err)
				}
			}},
			{"candidates with funding, scores and pins", func(t *testing.T) {
				got, err := s.PlanCandidates(ctx, plan.ID, 2026, communes)
				if err != nil || len(got) != 2 {
					t.Fatalf("candidates %+v, %v", got, err)
				}
				c6, c7 := got[0], got[1]
				if c6.Code != "T-2026-06" || c6.CommuneName != "Xã An Phú" || c6.ExpectedJobs != 5 || c6.PriorityPoints != 3 || c6.Pin != "" ||
					len(c6.Funding) != 3 || c6.Funding[0].Planned != m(80) || c6.ScoreSum != 40+30+35+25 || c6.Scorers != 2 {
					t.Errorf("candidate 6 %+v", c6)
				}
				if c7.Code != "T-2026-07" || c7.State != kc.StateAppraised || c7.Scorers != 0 || c7.ScoreSum != 0 || len(c7.Funding) != 1 {
					t.Errorf("candidate 7 %+v", c7)
				}
				err = s.InTx(ctx, func(tx *store.Tx) error {
					if err := tx.SetPlanPin(ctx, plan.ID, f.ids["T-2026-06"], store.PinOut); err != nil {
						return err
					}
					// A project outside the area joins the candidates once listed.
					if err := tx.SetPlanPin(ctx, plan.ID, f.ids["T-2026-10"], store.PinFree); err != nil {
						return err
					}
					if err := tx.SetPlanPin(ctx, plan.ID, f.ids["T-2026-10"], store.PinIn); err != nil {
						return err
					}
					// A listed project that was approved since is committed, not a candidate.
					return tx.SetPlanPin(ctx, plan.ID, f.ids["T-2026-01"], store.PinIn)
				})
				if err != nil {
					t.Fatal(err)
				}
				got, err = s.PlanCandidates(ctx, plan.ID, 2026, communes)
				if err != nil || len(got) != 3 || got[0].Pin != store.PinOut || got[2].Code != "T-2026-10" || got[2].Pin != store.PinIn || got[2].CommuneName != "Xã Ngoài" {
					t.Errorf("candidates after pins %+v, %v", got, err)
				}
				n, err := s.CountPlanCandidates(ctx, plan.ID, 2026, communes)
				if err != nil || n != 3 {
					t.Errorf("count %d, %v", n, err)
				}
				if n, err := s.CountPlanCandidates(ctx, 0, 2026, communes); err != nil || n != 2 {
					t.Errorf("count without a plan %d, %v", n, err)
				}
			}},
			{"scenarios", func(t *testing.T) {
				var sc store.Scenario
				err := s.InTx(ctx, func(tx *store.Tx) error {
					var err error
					sc, err = tx.CreateScenario(ctx, store.Scenario{PlanID: plan.ID, Name: "Phương án A", Inputs: `{"w":1}`, Results: `{"s":2}`})
					return err
				})
				if err != nil || sc.ID == 0 || !sc.CreatedAt.Equal(storetest.Clock) {
					t.Fatalf("scenario %+v, %v", sc, err)
				}
				got, err := s.GetScenario(ctx, sc.ID)
				if err != nil || got.Name != "Phương án A" || got.Inputs != `{"w":1}` || got.Results != `{"s":2}` || got.PlanID != plan.ID || !got.CreatedAt.Equal(sc.CreatedAt) {
					t.Errorf("get %+v, %v", got, err)
				}
				if _, err := s.GetScenario(ctx, sc.ID+1); kc.ErrorCode(err) != kc.ENotFound {
					t.Errorf("unknown scenario: %v", err)
				}
				list, err := s.ListScenarios(ctx, plan.ID)
				if err != nil || len(list) != 1 {
					t.Errorf("list %+v, %v", list, err)
				}
			}},
			{"project ids by code", func(t *testing.T) {
				var got map[string]int64
				err := s.View(ctx, func(tx *store.Tx) error {
					var err error
					got, err = tx.ProjectIDsByCode(ctx, []string{"T-2026-06", "T-2026-07", "NONE"})
					return err
				})
				want := map[string]int64{"T-2026-06": f.ids["T-2026-06"], "T-2026-07": f.ids["T-2026-07"]}
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("ids %v, %v", got, err)
				}
			}},
		}
		for _, st := range steps {
			t.Run(st.name, st.run)
		}
	})
}
