package store_test

import (
	"slices"
	"testing"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// reportWorld is a small history: old province 90 with district 901 and
// communes 90001–90004 (90003 merged wholly into 90002 on 1/1/2020); from
// 1/7/2025 province 91 (communes 91001, 91002) took over province 90,
// 90001 went wholly into 91001, 90002 was split between 91001 and 91002,
// and 90004 between 91002 and 92001 of another province 92.
type reportWorld struct {
	ids map[string]int64 // code → unit id
}

func loadReportWorld(t *testing.T, s *store.Store) reportWorld {
	t.Helper()
	old, reform := kc.MustDate("1900-01-01"), kc.ReformDate
	end := reform.AddDays(-1)
	units := []kc.Unit{
		{ID: 1, Code: "90", Level: kc.LevelProvince, Type: "Tỉnh", Name: "Tỉnh Cũ", ValidFrom: old, ValidTo: end},
		{ID: 2, Code: "901", Level: kc.LevelDistrict, Type: "Huyện", Name: "Huyện Cũ", ParentID: 1, ValidFrom: old, ValidTo: end},
		{ID: 3, Code: "90001", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Một", ParentID: 2, ValidFrom: old, ValidTo: end},
		{ID: 4, Code: "90002", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Hai", ParentID: 2, ValidFrom: old, ValidTo: end},
		{ID: 5, Code: "90003", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Ba", ParentID: 2, ValidFrom: old, ValidTo: kc.MustDate("2019-12-31")},
		{ID: 6, Code: "90004", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Bốn", ParentID: 2, ValidFrom: old, ValidTo: end},
		{ID: 7, Code: "91", Level: kc.LevelProvince, Type: "Tỉnh", Name: "Tỉnh Mới", ValidFrom: reform},
		{ID: 8, Code: "91001", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Đông", ParentID: 7, ValidFrom: reform},
		{ID: 9, Code: "91002", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Tây", ParentID: 7, ValidFrom: reform},
		{ID: 10, Code: "92", Level: kc.LevelProvince, Type: "Tỉnh", Name: "Tỉnh Bên", ValidFrom: reform},
		{ID: 11, Code: "92001", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Bên", ParentID: 10, ValidFrom: reform},
	}
	full, part := kc.SuccessionFull, kc.SuccessionPartial
	links := []kc.Succession{
		{FromID: 1, ToID: 7, Scope: full, Effective: reform},
		{FromID: 5, ToID: 4, Scope: full, Effective: kc.MustDate("2020-01-01")},
		{FromID: 3, ToID: 8, Scope: full, Effective: reform},
		{FromID: 4, ToID: 8, Scope: part, Effective: reform},
		{FromID: 4, ToID: 9, Scope: part, Effective: reform},
		{FromID: 6, ToID: 9, Scope: part, Effective: reform},
		{FromID: 6, ToID: 11, Scope: part, Effective: reform},
	}
	if _, err := s.LoadUnits(t.Context(), units, links); err != nil {
		t.Fatal(err)
	}
	w := reportWorld{ids: map[string]int64{}}
	for _, u := range units {
		on := u.ValidFrom
		got, err := s.FindUnit(t.Context(), u.Code, on)
		if err != nil {
			t.Fatal(err)
		}
		w.ids[u.Code] = got.ID
	}
	return w
}

func TestReportUnits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := loadReportWorld(t, s)
		cases := []struct {
			root    string
			whole   []string
			partial []string
		}{
			// A former district: itself and its communes, all whole.
			{"901", []string{"901", "90001", "90002", "90003", "90004"}, nil},
			// 91001 took all of 90001 and part of 90002 (and so of 90003,
			// merged into 90002 earlier).
			{"91001", []string{"91001", "90001"}, []string{"90002", "90003"}},
			{"91002", []string{"91002"}, []string{"90002", "90003", "90004"}},
			// The new province took the old one wholly: 90002 split
			// between its own communes is whole.
			{"91", []string{"91", "91001", "91002", "90", "901", "90001", "90002", "90003", "90004"}, nil},
			{"92001", []string{"92001"}, []string{"90004"}},
		}
		for _, c := range cases {
			got, err := s.ReportUnits(t.Context(), []int64{w.ids[c.root]})
			if err != nil {
				t.Fatal(err)
			}
			var whole, partial []string
			for _, u := range got {
				if u.Partial {
					partial = append(partial, u.Code)
				} else {
					whole = append(whole, u.Code)
				}
			}
			slices.Sort(c.whole)
			slices.Sort(c.partial)
			if !slices.Equal(whole, c.whole) || !slices.Equal(partial, c.partial) {
				t.Errorf("%s: whole %v partial %v, want %v and %v", c.root, whole, partial, c.whole, c.partial)
			}
		}
		if got, err := s.ReportUnits(t.Context(), nil); err != nil || got != nil {
			t.Errorf("no roots: %v, %v", got, err)
		}
	})
}

func TestReportData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := loadReportWorld(t, s)
		if _, err := s.EnsureReference(ctx, store.DefaultReference()); err != nil {
			t.Fatal(err)
		}
		trades, err := s.ListTrades(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var traditional, ordinary int64
		for _, tr := range trades {
			if tr.Traditional && traditional == 0 {
				traditional = tr.ID
			}
			if !tr.Traditional && ordinary == 0 {
				ordinary = tr.ID
			}
		}
		e1, err := s.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindHousehold, Name: "Hộ dệt Một", CommuneID: w.ids["91001"], WomenOwned: true, TradeIDs: []int64{traditional}})
		if err != nil {
			t.Fatal(err)
		}
		e2, err := s.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindCoopGroup, Name: "Tổ mộc Tây", CommuneID: w.ids["91002"], EthnicMinorityOwned: true, TradeIDs: []int64{ordinary}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindHousehold, Name: "Hộ bên kia", CommuneID: w.ids["92001"]}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateCertificate(ctx, kc.Certificate{EstablishmentID: e1.ID, Kind: kc.CertTypicalProduct, Level: "district", Year: 2018, Product: "Khăn"}); err != nil {
			t.Fatal(err)
		}
		projects := []kc.Project{
			// 2018 in the former 90003: settled, 2 million left unspent.
			{Code: "T-2018-01", Title: "Máy dệt", Year: 2018, Level: "local", ContentArea: kc.ContentDemoTech, CommuneID: w.ids["90003"], State: kc.StateSettled,
				Funding: []kc.Funding{{Source: kc.SourceDistrict, Approved: 10_000_000, Advanced: 10_000_000, Settled: 8_000_000},
					{Source: kc.SourceCounterpart, Approved: 5_000_000, Settled: 5_000_000}},
				Beneficiaries: []int64{e1.ID}, Outputs: []kc.Output{{Kind: "machines", Value: 2}}},
			// A draft: not funded.
			{Code: "T-2026-01", Title: "Nháp", Year: 2026, Level: "local", ContentArea: kc.ContentTraining, CommuneID: w.ids["91002"], State: kc.StateDraft,
				Funding: []kc.Funding{{Source: kc.SourceProvincial, Approved: 50_000_000}}, Beneficiaries: []int64{e2.ID}},
			// Accepted on 1/9/2026, not settled.
			{Code: "T-2026-02", Title: "Đào tạo", Year: 2026, Level: "national", ContentArea: kc.ContentTraining, CommuneID: w.ids["91001"], State: kc.StateAccepted,
				AcceptedOn: kc.MustDate("2026-09-01"), Funding: []kc.Funding{{Source: kc.SourceProvincial, Approved: 20_000_000, Advanced: 14_000_000}},
				Beneficiaries: []int64{e1.ID, e2.ID}, Outputs: []kc.Output{{Kind: "trainees", Value: 10}, {Kind: "trainees_employed", Value: 4}}},
		}
		for _, p := range projects {
			if _, err := s.CreateProject(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		for _, o := range []kc.OutreachSession{{Kind: "village_meeting", CommuneID: w.ids["90001"], HeldOn: kc.MustDate("2019-05-01"), Attendees: 30},
			{Kind: "village_meeting", CommuneID: w.ids["91002"], HeldOn: kc.MustDate("2026-02-02"), Attendees: 12},
			{Kind: "village_meeting", CommuneID: w.ids["91002"], HeldOn: kc.MustDate("2014-12-31"), Attendees: 99}} {
			if _, err := s.CreateOutreachSession(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		set, err := s.ReportUnits(ctx, []int64{w.ids["91"]})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, u := range set {
			ids = append(ids, u.ID)
		}
		sc := store.ReportScope{Units: ids, Communes: []int64{w.ids["91001"], w.ids["91002"]}, From: 2015, To: 2026}
		d, err := s.ReportData(ctx, sc, store.ReportOptions{ListLimit: 500, SettleDueBefore: kc.MustDate("2026-11-10")})
		if err != nil {
			t.Fatal(err)
		}
		funds := map[[2]any]store.ReportFunds{}
		for _, f := range d.Funds {
			funds[[2]any{f.Year, f.Source}] = f
		}
		if len(d.Funds) != 3 || funds[[2]any{2018, kc.SourceDistrict}].Settled != 8_000_000 || funds[[2]any{2018, kc.SourceCounterpart}].Approved != 5_000_000 ||
			funds[[2]any{2026, kc.SourceProvincial}].Approved != 20_000_000 || funds[[2]any{2026, kc.SourceProvincial}].Advanced != 14_000_000 {
			t.Errorf("funds %+v", d.Funds)
		}
		var projectsN int64
		for _, a := range d.Areas {
			projectsN += a.Projects
		}
		if projectsN != 2 || d.ProjectsAny != 3 {
			t.Errorf("areas %+v, %d projects in any state", d.Areas, d.ProjectsAny)
		}
		if d.Outputs["machines"] != 2 || d.Outputs["trainees"] != 10 || d.Outputs["trainees_employed"] != 4 {
			t.Errorf("outputs %v", d.Outputs)
		}
		if d.Supported.Establishments != 2 || d.Supported.Women != 1 || d.Supported.Ethnic != 1 || d.MachineryEstablishments != 1 || d.TraditionalTrades != 1 {
			t.Errorf("supported %+v, machinery %d, traditional trades %d", d.Supported, d.MachineryEstablishments, d.TraditionalTrades)
		}
		byCommune := map[string]store.ReportGroup{}
		for _, g := range d.ByCommune {
			byCommune[g.Key] = g
		}
		if len(d.ByCommune) != 2 || byCommune["90003"].Establishments != 1 || !byCommune["90003"].Former || byCommune["91001"].Establishments != 2 || byCommune["91001"].Former {
			t.Errorf("by commune %+v", d.ByCommune)
		}
		if len(d.ByKind) != 2 || len(d.ByTrade) != 2 {
			t.Errorf("by kind %+v, by trade %+v", d.ByKind, d.ByTrade)
		}
		if len(d.Featured) != 1 || d.Featured[0] != (store.ReportFeatured{Year: 2018, Level: "district", Products: 1}) {
			t.Errorf("featured %+v", d.Featured)
		}
		var sessions, people int64
		for _, x := range d.Sessions {
			sessions += x.Sessions
			people += x.People
		}
		if sessions != 2 || people != 42 || d.Registered != 2 {
			t.Errorf("sessions %d, people %d, registered %d", sessions, people, d.Registered)
		}
		if len(d.Projects) != 2 || d.Projects[0].Code != "T-2018-01" || d.Projects[1].StateApproved != 20_000_000 || d.Projects[0].Counterpart != 5_000_000 {
			t.Errorf("project list %+v", d.Projects)
		}
		if len(d.Overdue) != 1 || d.Overdue[0].Code != "T-2026-02" || d.Overdue[0].AcceptedOn != kc.MustDate("2026-09-01") {
			t.Errorf("overdue %+v", d.Overdue)
		}
		if d.SettledUnspent != 2_000_000 {
			t.Errorf("settled unspent %d", d.SettledUnspent)
		}
		// The single-statement baseline agrees.
		raw, err := s.ReportRaw(ctx, sc)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{"funds_district": 10_000_000, "funds_provincial": 20_000_000, "funds_state_approved": 30_000_000,
			"funds_state_disbursed": 24_000_000, "funds_state_settled": 8_000_000, "counterpart_mobilised": 5_000_000,
			"projects_total": 2, "projects_national": 1, "projects_local": 1, "machines": 2, "trainees": 10, "trainees_employed": 4,
			"establishments_supported": 2, "supported_women_owned": 1, "supported_ethnic_minority_owned": 1, "machinery_establishments": 1,
			"traditional_trades_supported": 1, "featured_products": 1, "outreach_sessions": 2, "people_reached": 42, "establishments_registered": 2}
		for k, v := range want {
			if raw[k] != v {
				t.Errorf("raw %s = %d, want %d", k, raw[k], v)
			}
		}
		// The list is left out above the limit.
		if d2, err := s.ReportData(ctx, sc, store.ReportOptions{ListLimit: 1}); err != nil || d2.Projects != nil || d2.Overdue != nil {
			t.Errorf("limit 1: %+v (%v)", d2.Projects, err)
		}
		// Province 92 got part of 90004 only, which holds no record.
		other, err := s.ReportUnits(ctx, []int64{w.ids["92"]})
		if err != nil {
			t.Fatal(err)
		}
		ids = ids[:0]
		for _, u := range other {
			ids = append(ids, u.ID)
		}
		d3, err := s.ReportData(ctx, store.ReportScope{Units: ids, Communes: []int64{w.ids["92001"]}, From: 2015, To: 2026}, store.ReportOptions{ListLimit: 500})
		if err != nil || len(d3.Funds) != 0 || d3.ProjectsAny != 0 || len(d3.Sessions) != 0 || d3.Registered != 1 || d3.Supported.Establishments != 0 {
			t.Errorf("province 92: %+v (%v)", d3, err)
		}
		// Empty (non-nil) lists select nothing; nil selects everything.
		d4, err := s.ReportData(ctx, store.ReportScope{Units: []int64{}, Communes: []int64{}, From: 2015, To: 2026}, store.ReportOptions{})
		if err != nil || d4.ProjectsAny != 0 || d4.Registered != 0 || len(d4.Sessions) != 0 {
			t.Errorf("empty scope: %+v (%v)", d4, err)
		}
		d5, err := s.ReportData(ctx, store.ReportScope{From: 2014, To: 2026}, store.ReportOptions{SettleDueBefore: kc.MustDate("2026-11-10")})
		if err != nil || d5.ProjectsAny != 3 || d5.Registered != 3 || len(d5.Sessions) != 2 || d5.Sessions[1].Sessions != 2 {
			t.Errorf("everywhere: %d projects, %d registered, %+v (%v)", d5.ProjectsAny, d5.Registered, d5.Sessions, err)
		}
		// Every record of the world lies in province 91's history, so the
		// whole country (read child table first) agrees with it.
		if !slices.Equal(d5.Funds, d.Funds) || !slices.Equal(d5.Areas, d.Areas) || d5.Supported != d.Supported || d5.MachineryEstablishments != 1 ||
			d5.TraditionalTrades != 1 || d5.Outputs["trainees"] != 10 || d5.SettledUnspent != d.SettledUnspent || !slices.Equal(d5.ByCommune, d.ByCommune) ||
			!slices.Equal(d5.ByKind, d.ByKind) || !slices.Equal(d5.ByTrade, d.ByTrade) || len(d5.Overdue) != 1 {
			t.Errorf("everywhere: %+v\nprovince: %+v", d5, d)
		}
		raw5, err := s.ReportRaw(ctx, store.ReportScope{From: 2014, To: 2026})
		if err != nil || raw5["projects_total"] != 2 || raw5["funds_state_approved"] != 30_000_000 || raw5["establishments_registered"] != 3 {
			t.Errorf("raw everywhere: %v (%v)", raw5, err)
		}
		communes, err := s.CommunesInPeriod(ctx, kc.MustDate("2020-01-01"), kc.MustDate("2020-12-31"))
		if err != nil || len(communes) != 3 {
			t.Errorf("communes of 2020: %v (%v)", communes, err)
		}
	})
}
