package store_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"

	"github.com/google/go-cmp/cmp"
)

// registryUnits is a small map: a current province with communes A and B;
// old commune OA went into A on the reform, and an older commune OA0 went
// into OA in 2020 (two hops); old OB went into B.
type registryUnits struct {
	Province, A, B, OA, OA0, OB int64
}

func addRegistryUnits(t *testing.T, s *store.Store) registryUnits {
	t.Helper()
	add := func(code, level, name string, parent int64, from, to string) int64 {
		t.Helper()
		u := kc.Unit{Code: code, Level: level, Type: "Xã", Name: name, ParentID: parent, ValidFrom: kc.MustDate(from)}
		if to != "" {
			u.ValidTo = kc.MustDate(to)
		}
		id, err := store.AddTestUnit(s, u)
		if err != nil {
			t.Fatalf("add unit %s: %v", code, err)
		}
		return id
	}
	var u registryUnits
	u.Province = add("44", kc.LevelProvince, "Tỉnh Quảng Trị", 0, "2025-07-01", "")
	u.A = add("19564", kc.LevelCommune, "Xã Đakrông", u.Province, "2025-07-01", "")
	u.B = add("19594", kc.LevelCommune, "Xã La Lay", u.Province, "2025-07-01", "")
	u.OA = add("19576", kc.LevelCommune, "Xã Ba Nang", 0, "1997-01-01", "2025-06-30")
	u.OA0 = add("19999", kc.LevelCommune, "Xã Cũ Hơn", 0, "1997-01-01", "2019-12-31")
	u.OB = add("19591", kc.LevelCommune, "Xã A Bung", 0, "1997-01-01", "2025-06-30")
	for _, l := range [][2]int64{{u.OA, u.A}, {u.OA0, u.OA}, {u.OB, u.B}} {
		if err := store.AddTestSuccession(s, l[0], l[1], kc.ReformDate); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

var testReference = store.Reference{
	Trades: []kc.Trade{
		{Code: "RUOU", Name: "Rượu men lá", Traditional: true},
		{Code: "DET", Name: "Dệt thổ cẩm", Traditional: true},
		{Code: "MOC", Name: "Mộc dân dụng"},
	},
	LegalBases:   []store.LegalBasis{{Code: "TT 28/2018/TT-BTC", Title: "Thông tư 28/2018", EffectiveFrom: kc.MustDate("2018-05-11")}},
	ContentAreas: []store.ContentArea{{Code: "CA3", Name: "Mô hình trình diễn", ValidFrom: kc.MustDate("2012-07-05")}},
	Schemes: []store.SchemeSeed{{Scheme: kc.Scheme{Code: "MAY", Level: "national", ContentArea: "CA3", Name: "Máy móc tiên tiến",
		LegalBasis: "TT 28/2018/TT-BTC", EffectiveFrom: kc.MustDate("2018-05-11"), RateBP: 5000, Cap: 300_000_000, Confirmed: true}, Version: 1}},
}

func seedTrades(t *testing.T, s *store.Store) map[string]int64 {
	t.Helper()
	if _, err := s.EnsureReference(t.Context(), testReference); err != nil {
		t.Fatal(err)
	}
	trades, err := s.ListTrades(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, tr := range trades {
		out[tr.Code] = tr.ID
	}
	return out
}

func TestEnsureReferenceIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		n, err := s.EnsureReference(t.Context(), testReference)
		if err != nil || n != 6 {
			t.Fatalf("first seed inserted %d (%v), want 6", n, err)
		}
		n, err = s.EnsureReference(t.Context(), testReference)
		if err != nil || n != 0 {
			t.Fatalf("second seed inserted %d (%v), want 0", n, err)
		}
		schemes, err := s.ListSchemes(t.Context())
		if err != nil || len(schemes) != 1 || schemes[0].Cap != 300_000_000 || schemes[0].LegalBasis != "TT 28/2018/TT-BTC" {
			t.Fatalf("schemes = %+v (%v)", schemes, err)
		}
	})
}

func TestEstablishmentCreateGetUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := addRegistryUnits(t, s)
		tr := seedTrades(t, s)
		e, err := s.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindHousehold, Name: "  Cơ sở rượu  men lá Hồ Thị Ảo ", CommuneID: u.A,
			Village: "Bản Đá Bàn", TradeIDs: []int64{tr["RUOU"], tr["DET"]}, FoundedYear: 2010, Demo: true})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GetEstablishment(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Cơ sở rượu men lá Hồ Thị Ảo" || got.Version != 1 || got.FoundedYear != 2010 || !got.Demo || got.Artisan != "none" {
			t.Errorf("got %+v", got)
		}
		if diff := cmp.Diff([]int64{tr["RUOU"], tr["DET"]}, got.TradeIDs); diff != "" {
			t.Errorf("trades (primary first) differ:\n%s", diff)
		}
		name := "Cơ sở dệt Đá Bàn"
		cases := []struct {
			name    string
			id      int64
			upd     kc.EstablishmentUpdate
			code    string
			version int
		}{
			{"rename with current version", e.ID, kc.EstablishmentUpdate{Version: 1, Name: &name}, "", 2},
			{"stale version", e.ID, kc.EstablishmentUpdate{Version: 1, Name: &name}, kc.EConflict, 0},
			{"no version check", e.ID, kc.EstablishmentUpdate{Village: &name}, "", 3},
			{"missing", e.ID + 1000, kc.EstablishmentUpdate{Name: &name}, kc.ENotFound, 0},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := s.UpdateEstablishment(ctx, c.id, c.upd)
				if kc.ErrorCode(err) != c.code {
					t.Fatalf("code = %q, want %q (%v)", kc.ErrorCode(err), c.code, err)
				}
				if c.code == "" && (got.Version != c.version || got.Name != name) {
					t.Errorf("got version %d name %q", got.Version, got.Name)
				}
			})
		}
		// The folded twin followed the rename: the new name is found, the old is not.
		for q, want := range map[string]int{"det da ban": 1, "dệt": 1, "ruou men": 0} {
			_, n, err := s.ListEstablishments(ctx, kc.EstablishmentFilter{Query: q})
			if err != nil || n != want {
				t.Errorf("search %q: %d (%v), want %d", q, n, err, want)
			}
		}
	})
}

func TestListEstablishments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := addRegistryUnits(t, s)
		tr := seedTrades(t, s)
		ids := map[string]int64{}
		for _, e := range []kc.Establishment{
			{Name: "Đức Mộc", CommuneID: u.A, Kind: kc.KindHousehold, TradeIDs: []int64{tr["MOC"]}},
			{Name: "Dung Thổ Cẩm", CommuneID: u.B, Kind: kc.KindCoopGroup, TradeIDs: []int64{tr["DET"]}},
			{Name: "Ân Rượu Đá Bàn", CommuneID: u.A, Kind: kc.KindHousehold, TradeIDs: []int64{tr["RUOU"]}},
			{Name: "An Cơ Khí Đakrông", CommuneID: u.A, Kind: kc.KindEnterprise},
			{Name: "Bình Đan Gùi", CommuneID: u.B, Kind: kc.KindHousehold},
		} {
			got, err := s.CreateEstablishment(ctx, e)
			if err != nil {
				t.Fatal(err)
			}
			ids[e.Name] = got.ID
		}
		cases := []struct {
			name  string
			f     kc.EstablishmentFilter
			want  []string
			total int
		}{
			{"all in Vietnamese order", kc.EstablishmentFilter{}, []string{"An Cơ Khí Đakrông", "Ân Rượu Đá Bàn", "Bình Đan Gùi", "Dung Thổ Cẩm", "Đức Mộc"}, 5},
			{"scope one commune", kc.EstablishmentFilter{CommuneIDs: []int64{u.B}}, []string{"Bình Đan Gùi", "Dung Thổ Cẩm"}, 2},
			{"empty scope sees nothing", kc.EstablishmentFilter{CommuneIDs: []int64{}}, nil, 0},
			{"folded query ignores marks and đ", kc.EstablishmentFilter{Query: "da ban"}, []string{"Ân Rượu Đá Bàn"}, 1},
			{"query joins spellings", kc.EstablishmentFilter{Query: "Đa Krông"}, []string{"An Cơ Khí Đakrông"}, 1},
			{"short query uses LIKE", kc.EstablishmentFilter{Query: "Bì"}, []string{"Bình Đan Gùi"}, 1},
			{"query within scope", kc.EstablishmentFilter{Query: "dan gui", CommuneIDs: []int64{u.A}}, nil, 0},
			{"kind", kc.EstablishmentFilter{Kind: kc.KindHousehold}, []string{"Ân Rượu Đá Bàn", "Bình Đan Gùi", "Đức Mộc"}, 3},
			{"trade", kc.EstablishmentFilter{TradeID: tr["DET"]}, []string{"Dung Thổ Cẩm"}, 1},
			{"page keeps the total", kc.EstablishmentFilter{Limit: 2, Offset: 2}, []string{"Bình Đan Gùi", "Dung Thổ Cẩm"}, 5},
			{"past the last page", kc.EstablishmentFilter{Limit: 2, Offset: 10}, nil, 5},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				list, total, err := s.ListEstablishments(ctx, c.f)
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, e := range list {
					names = append(names, e.Name)
				}
				if diff := cmp.Diff(c.want, names); diff != "" || total != c.total {
					t.Errorf("total %d, want %d; names differ:\n%s", total, c.total, diff)
				}
			})
		}
		list, _, err := s.ListEstablishments(ctx, kc.EstablishmentFilter{TradeID: tr["RUOU"]})
		if err != nil || len(list) != 1 || !slices.Equal(list[0].TradeIDs, []int64{tr["RUOU"]}) {
			t.Errorf("list carries trades: %+v (%v)", list, err)
		}
	})
}

func TestUpsertFactKeepsLatest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := addRegistryUnits(t, s)
		e, err := s.CreateEstablishment(ctx, kc.Establishment{Name: "Hộ mộc", CommuneID: u.A, Kind: kc.KindHousehold})
		if err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			name          string
			year, workers int
			wantLatest    int64
		}{
			{"first year", 2020, 2, 2},
			{"later year wins", 2022, 4, 4},
			{"earlier year does not", 2021, 9, 4},
			{"same year replaces", 2022, 5, 5},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				if err := s.UpsertFact(ctx, kc.EstablishmentFact{EstablishmentID: e.ID, Year: st.year, Workers: st.workers, Revenue: 10_000_000}); err != nil {
					t.Fatal(err)
				}
				d, err := s.DashboardCounts(ctx, []int64{u.A}, 2026)
				if err != nil || d.WorkersLatest != st.wantLatest {
					t.Errorf("latest workers %d (%v), want %d", d.WorkersLatest, err, st.wantLatest)
				}
			})
		}
		facts, err := s.ListFacts(ctx, e.ID)
		if err != nil || len(facts) != 3 || facts[2].Workers != 5 || facts[1].Workers != 9 {
			t.Errorf("facts = %+v (%v)", facts, err)
		}
	})
}

// dashboardFixture loads establishments, projects (some on former units)
// and outreach sessions, and returns the units.
func dashboardFixture(t *testing.T, s *store.Store) registryUnits {
	t.Helper()
	ctx := t.Context()
	u := addRegistryUnits(t, s)
	ests := map[int64]int64{}
	for i, c := range []struct {
		commune int64
		workers int
	}{{u.A, 3}, {u.A, 2}, {u.B, 5}} {
		e, err := s.CreateEstablishment(ctx, kc.Establishment{Name: "Cơ sở " + string(rune('A'+i)), CommuneID: c.commune, Kind: kc.KindHousehold})
		if err != nil {
			t.Fatal(err)
		}
		ests[int64(i)] = e.ID
		for _, y := range []int{2024, 2025} {
			if err := s.UpsertFact(ctx, kc.EstablishmentFact{EstablishmentID: e.ID, Year: y, Workers: c.workers + y - 2025}); err != nil {
				t.Fatal(err)
			}
		}
	}
	projects := []kc.Project{
		{Code: "P1", Year: 2019, CommuneID: u.OA0, State: kc.StateSettled, Funding: []kc.Funding{{Source: kc.SourceDistrict, Approved: 30_000_000}}},
		{Code: "P2", Year: 2020, CommuneID: u.OA, State: kc.StateSettled, Beneficiaries: []int64{ests[0]},
			Funding: []kc.Funding{{Source: kc.SourceDistrict, Approved: 50_000_000}, {Source: kc.SourceCounterpart, Approved: 250_000_000}}},
		{Code: "P3", Year: 2026, CommuneID: u.A, State: kc.StateApproved,
			Funding: []kc.Funding{{Source: kc.SourceCommune, Approved: 40_000_000}, {Source: kc.SourceCounterpart, Approved: 60_000_000}}},
		{Code: "P4", Year: 2026, CommuneID: u.B, State: kc.StateInProgress, Funding: []kc.Funding{{Source: kc.SourceProvincial, Approved: 100_000_000}}},
		{Code: "P5", Year: 2024, CommuneID: u.OB, State: kc.StateRejected},
	}
	for _, p := range projects {
		p.Title, p.Level, p.ContentArea = "Đề án "+p.Code, "local", kc.ContentDemoTech
		p.Events = []kc.ProjectEvent{{To: kc.StateRegistered, At: time.Date(p.Year, 3, 1, 0, 0, 0, 0, time.UTC), Note: "mẫu"}}
		p.Outputs = []kc.Output{{Kind: "machines", Value: 1}}
		if _, err := s.CreateProject(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range []kc.OutreachSession{
		{Kind: "village_meeting", CommuneID: u.A, HeldOn: kc.MustDate("2026-03-01")},
		{Kind: "loudspeaker", CommuneID: u.A, HeldOn: kc.MustDate("2026-11-01")},
		{Kind: "village_meeting", CommuneID: u.B, HeldOn: kc.MustDate("2026-12-31")},
		{Kind: "village_meeting", CommuneID: u.OA, HeldOn: kc.MustDate("2025-03-01")},
		{Kind: "village_meeting", CommuneID: u.OB, HeldOn: kc.MustDate("2026-01-01")}, // old unit, this year: still counted for B
	} {
		if _, err := s.CreateOutreachSession(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

func TestDashboardCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := dashboardFixture(t, s)
		cases := []struct {
			name  string
			scope []int64
			want  store.DashboardCounts
		}{
			{"commune A with its former units", []int64{u.A}, store.DashboardCounts{Communes: 1, Establishments: 2, WorkersLatest: 5, Projects: 3, ProjectsThisYear: 1, ActiveProjects: 1, OutreachSessions: 2,
				Funding: []store.SourceTotal{{kc.SourceCommune, 40_000_000}, {kc.SourceCounterpart, 60_000_000}}}},
			{"commune B", []int64{u.B}, store.DashboardCounts{Communes: 1, Establishments: 1, WorkersLatest: 5, Projects: 2, ProjectsThisYear: 1, ActiveProjects: 1, OutreachSessions: 2,
				Funding: []store.SourceTotal{{kc.SourceProvincial, 100_000_000}}}},
			{"both", []int64{u.A, u.B}, store.DashboardCounts{Communes: 2, Establishments: 3, WorkersLatest: 10, Projects: 5, ProjectsThisYear: 2, ActiveProjects: 2, OutreachSessions: 4,
				Funding: []store.SourceTotal{{kc.SourceProvincial, 100_000_000}, {kc.SourceCommune, 40_000_000}, {kc.SourceCounterpart, 60_000_000}}}},
			{"everywhere", nil, store.DashboardCounts{Communes: 2, Establishments: 3, WorkersLatest: 10, Projects: 5, ProjectsThisYear: 2, ActiveProjects: 2, OutreachSessions: 4,
				Funding: []store.SourceTotal{{kc.SourceProvincial, 100_000_000}, {kc.SourceCommune, 40_000_000}, {kc.SourceCounterpart, 60_000_000}}}},
			{"empty scope", []int64{}, store.DashboardCounts{}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := s.DashboardCounts(ctx, c.scope, 2026)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(c.want, got); diff != "" {
					t.Errorf("DashboardCounts differ (-want +got):\n%s", diff)
				}
				for _, scan := range []bool{false, true} {
					raw, err := s.DashboardCountsRaw(ctx, c.scope, 2026, scan)
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(c.want, raw); diff != "" {
						t.Errorf("DashboardCountsRaw (scan %v) differ (-want +got):\n%s", scan, diff)
					}
				}
			})
		}
		d, err := s.DashboardCounts(ctx, nil, 2020)
		if err != nil || d.ProjectsThisYear != 1 || len(d.Funding) != 2 || d.Funding[0] != (store.SourceTotal{kc.SourceDistrict, 50_000_000}) {
			t.Errorf("2020: %+v (%v)", d, err)
		}
	})
}

func TestProjectRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := addRegistryUnits(t, s)
		e, err := s.CreateEstablishment(ctx, kc.Establishment{Name: "Cơ sở nước đá", CommuneID: u.A, Kind: kc.KindHouseholdBusiness})
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2020, 4, 2, 1, 0, 0, 0, time.UTC)
		in := kc.Project{Code: "DK-2020-01", Title: "Máy làm nước đá", Year: 2020, Level: "local", ContentArea: kc.ContentDemoTech, CommuneID: u.OA,
			State: kc.StateSettled, RegisteredOn: kc.MustDate("2020-03-01"), DecidedOn: kc.MustDate("2020-04-02"), DecisionNo: "12/QĐ-UBND", Demo: true,
			Funding:       []kc.Funding{{Source: kc.SourceDistrict, Planned: 50_000_000, Approved: 50_000_000, Settled: 50_000_000}, {Source: kc.SourceCounterpart, Approved: 250_000_000}},
			Beneficiaries: []int64{e.ID}, Outputs: []kc.Output{{Kind: "machines", Value: 1}},
			Events: []kc.ProjectEvent{{To: kc.StateRegistered, At: at.AddDate(0, -1, 0)}, {From: kc.StateRegistered, To: kc.StateApproved, At: at, DocumentRef: "12/QĐ-UBND"}}}
		p, err := s.CreateProject(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GetProject(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		in.ID = p.ID
		if diff := cmp.Diff(in, got, cmp.AllowUnexported(kc.Date{})); diff != "" {
			t.Errorf("project differs:\n%s", diff)
		}
		if _, err := s.CreateProject(ctx, in); kc.ErrorCode(err) != kc.EConflict {
			t.Errorf("duplicate code: %v, want conflict", err)
		}
	})
}

func TestLoadBulk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := addRegistryUnits(t, s)
		tr := seedTrades(t, s)
		first, err := s.CreateEstablishment(ctx, kc.Establishment{Name: "Có trước", CommuneID: u.A, Kind: kc.KindHousehold})
		if err != nil {
			t.Fatal(err)
		}
		estBase, projBase, err := s.NextIDs(ctx)
		if err != nil || estBase != first.ID+1 || projBase != 1 {
			t.Fatalf("NextIDs = %d, %d (%v)", estBase, projBase, err)
		}
		var b store.BulkBatch
		for i := range int64(1200) { // more than one multi-row statement
			commune := u.A
			if i%3 == 0 {
				commune = u.B
			}
			b.Establishments = append(b.Establishments, store.BulkEstablishment{
				Establishment: kc.Establishment{ID: estBase + i, Kind: kc.KindHousehold, Name: "Hộ sản xuất số " + strconv.Itoa(int(i)), CommuneID: commune,
					Village: "Thôn 1", TradeIDs: []int64{tr["MOC"], tr["DET"]}, RegistrationDate: kc.MustDate("2019-02-03"), Demo: true},
				Facts: []kc.EstablishmentFact{{EstablishmentID: estBase + i, Year: 2024, Workers: 1}, {EstablishmentID: estBase + i, Year: 2025, Workers: 2, Source: "demo"}},
			})
		}
		b.Projects = []kc.Project{{ID: projBase, Code: "B-1", Title: "Đề án", Year: 2026, Level: "local", ContentArea: "CA1", CommuneID: u.A, State: kc.StateApproved,
			RegisteredOn: kc.MustDate("2026-02-01"), Beneficiaries: []int64{estBase, estBase + 1},
			Funding: []kc.Funding{{Source: kc.SourceCommune, Approved: 20_000_000}}, Outputs: []kc.Output{{Kind: "trainees", Value: 20}},
			Events: []kc.ProjectEvent{{To: kc.StateRegistered, At: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}}}}
		b.Sessions = []kc.OutreachSession{{Kind: "radio", CommuneID: u.OB, HeldOn: kc.MustDate("2026-05-05"), Demo: true}}
		if b.Rows() != 1200*5+6+1 {
			t.Errorf("Rows() = %d", b.Rows())
		}
		if err := s.LoadBulk(ctx, &b); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishBulk(ctx); err != nil {
			t.Fatal(err)
		}
		checks := []struct {
			name string
			run  func() error
		}{
			{"dashboard sums latest facts", func() error {
				d, err := s.DashboardCounts(ctx, nil, 2026)
				if err != nil {
					return err
				}
				want := store.DashboardCounts{Communes: 2, Establishments: 1201, WorkersLatest: 2400, Projects: 1, ProjectsThisYear: 1, ActiveProjects: 1, OutreachSessions: 1,
					Funding: []store.SourceTotal{{kc.SourceCommune, 20_000_000}}}
				if diff := cmp.Diff(want, d); diff != "" {
					t.Errorf("dashboard differs:\n%s", diff)
				}
				return nil
			}},
			{"search index covers bulk rows", func() error {
				list, n, err := s.ListEstablishments(ctx, kc.EstablishmentFilter{Query: "ho san xuat so 1199"})
				if err != nil {
					return err
				}
				if n != 1 || list[0].ID != estBase+1199 || len(list[0].TradeIDs) != 2 || list[0].TradeIDs[0] != tr["MOC"] {
					t.Errorf("search: %d %+v", n, list)
				}
				return nil
			}},
			{"dates round-trip", func() error {
				e, err := s.GetEstablishment(ctx, estBase+5)
				if err != nil {
					return err
				}
				if e.RegistrationDate != kc.MustDate("2019-02-03") || e.Version != 1 {
					t.Errorf("got %+v", e)
				}
				p, err := s.GetProject(ctx, projBase)
				if err != nil {
					return err
				}
				if p.RegisteredOn != kc.MustDate("2026-02-01") || len(p.Beneficiaries) != 2 || len(p.Events) != 1 {
					t.Errorf("project %+v", p)
				}
				return nil
			}},
			{"ids continue after the bulk load", func() error {
				e, err := s.CreateEstablishment(ctx, kc.Establishment{Name: "Sau", CommuneID: u.A, Kind: kc.KindHousehold})
				if err != nil {
					return err
				}
				if e.ID != estBase+1200 {
					t.Errorf("new id %d, want %d", e.ID, estBase+1200)
				}
				p, err := s.CreateProject(ctx, kc.Project{Code: "after", Title: "x", Year: 2026, Level: "local", ContentArea: "CA1", CommuneID: u.A, State: kc.StateDraft})
				if err != nil {
					return err
				}
				if p.ID != projBase+1 {
					t.Errorf("new project id %d", p.ID)
				}
				return nil
			}},
		}
		for _, c := range checks {
			t.Run(c.name, func(t *testing.T) {
				if err := c.run(); err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}
