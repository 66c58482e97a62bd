package store_test

import (
	"slices"
	"testing"
	"time"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// schemeUnits loads a small unit map through LoadUnits: the old province
// 45 with districts 467 (communes Ba Nang, Đa Krông, A Ngo) and 464 (one
// commune), the new province 44 with the communes that succeeded them
// (Xã Đakrông, Xã La Lay, Phường Bắc), and a centrally-run city with a
// ward. It returns the stored ids by local key.
func schemeUnits(t *testing.T, s *store.Store) map[string]int64 {
	t.Helper()
	old, cur := kc.MustDate("1997-01-01"), kc.ReformDate
	end := kc.ReformDate.AddDays(-1)
	units := []kc.Unit{
		{ID: 1, Code: "45", Level: kc.LevelProvince, Type: "Tỉnh", Name: "Tỉnh Quảng Trị", ValidFrom: old, ValidTo: end},
		{ID: 2, Code: "467", Level: kc.LevelDistrict, Type: "Huyện", Name: "Huyện Đa Krông", ParentID: 1, ValidFrom: old, ValidTo: end},
		{ID: 3, Code: "464", Level: kc.LevelDistrict, Type: "Huyện", Name: "Huyện Hướng Hóa", ParentID: 1, ValidFrom: old, ValidTo: end},
		{ID: 4, Code: "19576", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Ba Nang", ParentID: 2, ValidFrom: old, ValidTo: end},
		{ID: 5, Code: "19564", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Đa Krông", ParentID: 2, ValidFrom: old, ValidTo: end},
		{ID: 6, Code: "19594", Level: kc.LevelCommune, Type: "Xã", Name: "Xã A Ngo", ParentID: 2, ValidFrom: old, ValidTo: end},
		{ID: 7, Code: "19500", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Khác", ParentID: 3, ValidFrom: old, ValidTo: end},
		{ID: 8, Code: "44", Level: kc.LevelProvince, Type: "Tỉnh", Name: "Tỉnh Quảng Trị", ValidFrom: cur},
		{ID: 9, Code: "19564", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Đakrông", ParentID: 8, ValidFrom: cur},
		{ID: 10, Code: "19594", Level: kc.LevelCommune, Type: "Xã", Name: "Xã La Lay", ParentID: 8, ValidFrom: cur},
		{ID: 11, Code: "19500", Level: kc.LevelCommune, Type: "Phường", Name: "Phường Bắc", ParentID: 8, ValidFrom: cur},
		{ID: 12, Code: "01", Level: kc.LevelProvince, Type: "Thành phố", Name: "Thành phố Hà Nội", ValidFrom: cur},
		{ID: 13, Code: "00004", Level: kc.LevelCommune, Type: "Phường", Name: "Phường Ba Đình", ParentID: 12, ValidFrom: cur},
	}
	links := []kc.Succession{
		{FromID: 4, ToID: 9, Scope: kc.SuccessionFull, Effective: cur},
		{FromID: 5, ToID: 9, Scope: kc.SuccessionFull, Effective: cur},
		{FromID: 6, ToID: 10, Scope: kc.SuccessionFull, Effective: cur},
		{FromID: 7, ToID: 11, Scope: kc.SuccessionFull, Effective: cur},
	}
	if _, err := s.LoadUnits(t.Context(), units, links); err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, k := range []struct{ key, code, on string }{
		{"p45", "45", "2020-01-01"}, {"d467", "467", "2020-01-01"}, {"p44", "44", "2026-01-01"}, {"dakrong", "19564", "2026-01-01"},
		{"lalay", "19594", "2026-01-01"}, {"bac", "19500", "2026-01-01"}, {"hanoi", "01", "2026-01-01"}, {"badinh", "00004", "2026-01-01"},
	} {
		u, err := s.FindUnit(t.Context(), k.code, kc.MustDate(k.on))
		if err != nil {
			t.Fatal(err)
		}
		ids[k.key] = u.ID
	}
	return ids
}

func TestSchemeSeedsAndVersionsByDate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ids := schemeUnits(t, s)
		ref := store.DefaultReference()
		n, err := s.EnsureReference(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		criteria := 0
		for _, sc := range ref.Schemes {
			criteria += len(sc.Criteria)
		}
		if criteria == 0 || n < len(ref.Schemes)+criteria {
			t.Fatalf("seeded %d rows, want at least %d schemes and %d criteria", n, len(ref.Schemes), criteria)
		}
		steps := []struct {
			name string
			run  func(t *testing.T)
		}{
			{"every version holds its seeded criteria, in order", func(t *testing.T) {
				all, err := s.ListSchemeVersions(ctx, kc.Date{})
				if err != nil || len(all) != len(ref.Schemes) {
					t.Fatalf("%d versions (%v), want %d", len(all), err, len(ref.Schemes))
				}
				for _, sc := range ref.Schemes {
					i := slices.IndexFunc(all, func(v store.SchemeVersion) bool { return v.Code == sc.Code && v.Version == sc.Version })
					if i < 0 {
						t.Fatalf("%s v%d not listed", sc.Code, sc.Version)
					}
					v := all[i]
					if len(v.Criteria) != len(sc.Criteria) {
						t.Fatalf("%s v%d: %d criteria, want %d", sc.Code, sc.Version, len(v.Criteria), len(sc.Criteria))
					}
					for j, c := range v.Criteria {
						if c.Label != sc.Criteria[j].Label || c.Position != j+1 || c.Kind == "" {
							t.Errorf("%s v%d criterion %d = %+v, want %q", sc.Code, sc.Version, j, c, sc.Criteria[j].Label)
						}
					}
				}
			}},
			{"the example provincial set is labelled and belongs to province 44", func(t *testing.T) {
				vs, err := s.SchemeVersionsOf(ctx, "QT_VD_MAY_MOC")
				if err != nil || len(vs) != 1 {
					t.Fatalf("%+v (%v)", vs, err)
				}
				v := vs[0]
				if !v.Example || v.Confirmed || v.ProvinceID != ids["p44"] || v.Level != "provincial" || v.Cap != 100_000_000 || v.RateBP != 5000 {
					t.Errorf("example scheme = %+v", v)
				}
			}},
			{"versions in force follow the legal periods", func(t *testing.T) {
				cases := []struct {
					on      string
					version int
					basis   string
				}{
					{"2018-05-10", 1, "TTLT 26/2014/TTLT-BTC-BCT"},
					{"2018-05-11", 2, "TT 28/2018/TT-BTC"},
					{"2025-10-14", 2, "TT 28/2018/TT-BTC"},
					{"2025-10-15", 3, "NĐ 235/2025/NĐ-CP"},
				}
				for _, c := range cases {
					vs, err := s.ListSchemeVersions(ctx, kc.MustDate(c.on))
					if err != nil {
						t.Fatal(err)
					}
					var got []store.SchemeVersion
					for _, v := range vs {
						if v.Code == "MAY_MOC_TIEN_TIEN" {
							got = append(got, v)
						}
					}
					if len(got) != 1 || got[0].Version != c.version || got[0].LegalBasis != c.basis {
						t.Errorf("%s: %+v, want version %d (%s)", c.on, got, c.version, c.basis)
					}
				}
				if vs, _ := s.ListSchemeVersions(ctx, kc.MustDate("2014-04-07")); len(vs) != 0 {
					t.Errorf("before the first period: %d versions", len(vs))
				}
			}},
			{"a second seed inserts nothing", func(t *testing.T) {
				if n, err := s.EnsureReference(ctx, ref); err != nil || n != 0 {
					t.Fatalf("inserted %d (%v)", n, err)
				}
			}},
			{"criteria an administrator removed are not seeded again", func(t *testing.T) {
				vs, _ := s.SchemeVersionsOf(ctx, "TU_VAN")
				v := vs[0]
				s.Now = func() time.Time { return storetest.Clock.Add(time.Hour) }
				defer func() { s.Now = func() time.Time { return storetest.Clock } }()
				for _, c := range v.Criteria {
					if err := s.DeleteCriterion(ctx, v.ID, c.ID); err != nil {
						t.Fatal(err)
					}
				}
				if n, err := s.EnsureReference(ctx, ref); err != nil || n != 0 {
					t.Fatalf("inserted %d (%v)", n, err)
				}
				again, _ := s.GetSchemeVersion(ctx, v.ID)
				if len(again.Criteria) != 0 || !again.UpdatedAt.After(again.CreatedAt) {
					t.Errorf("criteria %d, updated %v created %v", len(again.Criteria), again.UpdatedAt, again.CreatedAt)
				}
			}},
		}
		for _, st := range steps {
			t.Run(st.name, st.run)
		}
	})
}

func TestCriterionAndVersionWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if _, err := s.EnsureReference(ctx, testReference); err != nil {
			t.Fatal(err)
		}
		vs, err := s.SchemeVersionsOf(ctx, "MAY")
		if err != nil || len(vs) != 1 {
			t.Fatalf("%+v (%v)", vs, err)
		}
		v := vs[0]
		c, err := s.SaveCriterion(ctx, store.SchemeCriterion{SchemeID: v.ID, Kind: "eligibility", Label: "Số lao động từ 10 trở lên", Field: "Workers", Op: ">=", Value: "10"})
		if err != nil || c.ID == 0 || c.Position != 1 || c.Group != 1 {
			t.Fatalf("create: %+v (%v)", c, err)
		}
		d, err := s.SaveCriterion(ctx, store.SchemeCriterion{SchemeID: v.ID, Group: 2, Kind: "priority", Label: "Do phụ nữ làm chủ", Field: "WomenOwned", Op: "true", Points: 2})
		if err != nil || d.Position != 2 {
			t.Fatalf("second: %+v (%v)", d, err)
		}
		c.Value, c.Position = "12", 0
		if c, err = s.SaveCriterion(ctx, c); err != nil || c.Position != 1 {
			t.Fatalf("update: %+v (%v)", c, err)
		}
		if _, err := s.SaveCriterion(ctx, store.SchemeCriterion{ID: d.ID, SchemeID: v.ID + 999, Label: "x"}); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("update in another scheme: %v", err)
		}
		if err := s.DeleteCriterion(ctx, v.ID+999, d.ID); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("delete in another scheme: %v", err)
		}
		got, err := s.GetSchemeVersion(ctx, v.ID)
		if err != nil || len(got.Criteria) != 2 || got.Criteria[0].Value != "12" || got.Criteria[1].Points != 2 || got.Criteria[1].Group != 2 {
			t.Fatalf("criteria = %+v (%v)", got.Criteria, err)
		}
		if err := s.DeleteCriterion(ctx, v.ID, d.ID); err != nil {
			t.Fatal(err)
		}
		end := kc.MustDate("2025-10-14")
		cap := int64(450_000_000)
		note := "Dây chuyền công nghệ"
		upd, err := s.UpdateSchemeVersion(ctx, v.ID, store.SchemeVersionUpdate{EffectiveTo: &end, Cap: &cap, Note: &note})
		if err != nil || upd.EffectiveTo != end || upd.Cap != cap || upd.Note != note || upd.RateBP != 5000 {
			t.Fatalf("update = %+v (%v)", upd, err)
		}
		zero := 0
		if upd, err = s.UpdateSchemeVersion(ctx, v.ID, store.SchemeVersionUpdate{RateBP: &zero}); err != nil || upd.RateBP != 0 {
			t.Fatalf("rate cleared = %+v (%v)", upd, err)
		}
		if _, err := s.UpdateSchemeVersion(ctx, v.ID+999, store.SchemeVersionUpdate{Note: &note}); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("update unknown: %v", err)
		}
		nv := upd
		nv.EffectiveFrom, nv.EffectiveTo = kc.MustDate("2025-10-15"), kc.Date{}
		created, err := s.CreateSchemeVersion(ctx, nv)
		if err != nil || created.Version != 2 || created.ID == v.ID || len(created.Criteria) != 1 || created.Criteria[0].ID == c.ID ||
			created.LegalBasis != "TT 28/2018/TT-BTC" || !created.EffectiveTo.IsZero() {
			t.Fatalf("new version = %+v (%v)", created, err)
		}
		nv.LegalBasis = "không có"
		if _, err := s.CreateSchemeVersion(ctx, nv); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("unknown legal basis: %v", err)
		}
		all, _ := s.SchemeVersionsOf(ctx, "MAY")
		if len(all) != 2 || all[0].Version != 1 || all[1].Version != 2 {
			t.Errorf("versions = %+v", all)
		}
	})
}

func TestEligibilityRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ids := schemeUnits(t, s)
		trades := seedTrades(t, s)
		mk := func(e kc.Establishment) kc.Establishment {
			t.Helper()
			e, err := s.CreateEstablishment(ctx, e)
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		brewer := mk(kc.Establishment{Kind: kc.KindHouseholdBusiness, Name: "Cơ sở rượu men lá A", CommuneID: ids["dakrong"], Village: "Bản Đá Bàn",
			RegistrationNo: "32H8000001", WomenOwned: true, EthnicMinorityOwned: true, FoundedYear: 2010, CraftVillage: true,
			TradeIDs: []int64{trades["RUOU"], trades["DET"]}})
		second := mk(kc.Establishment{Kind: kc.KindHousehold, Name: "Hộ rượu men lá B", CommuneID: ids["lalay"], TradeIDs: []int64{trades["RUOU"]}})
		weaver := mk(kc.Establishment{Kind: kc.KindHousehold, Name: "Hộ dệt C", CommuneID: ids["dakrong"], TradeIDs: []int64{trades["DET"], trades["RUOU"]}})
		ward := mk(kc.Establishment{Kind: kc.KindEnterprise, SizeClass: kc.SizeSmall, Name: "Công ty D", CommuneID: ids["badinh"]})
		for _, f := range []kc.EstablishmentFact{
			{EstablishmentID: brewer.ID, Year: 2017, Workers: 2, Revenue: 50_000_000},
			{EstablishmentID: brewer.ID, Year: 2020, Workers: 5, WomenWorkers: 3, Revenue: 120_000_000, Capital: 80_000_000, AvgIncome: 3_000_000},
			{EstablishmentID: second.ID, Year: 2024, Workers: 3},
		} {
			if err := s.UpsertFact(ctx, f); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []kc.Certificate{
			{EstablishmentID: brewer.ID, Kind: kc.CertTypicalProduct, Level: "province", Year: 2019, ValidUntil: kc.MustDate("2022-12-31")},
			{EstablishmentID: brewer.ID, Kind: kc.CertOCOP, Stars: 3, Year: 2021},
			{EstablishmentID: brewer.ID, Kind: kc.CertOCOP, Stars: 4, Year: 2024, ValidUntil: kc.MustDate("2025-12-31")},
		} {
			if _, err := s.CreateCertificate(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		cases := []struct {
			name      string
			on        string
			factYear  int
			workers   int
			typical   bool
			ocopStars int
		}{
			{"before any facts", "2016-06-01", 0, 0, false, 0},
			{"the latest year up to the day", "2018-05-10", 2017, 2, false, 0},
			{"a certificate valid on the day", "2020-06-01", 2020, 5, true, 0},
			{"the best OCOP rating valid", "2024-06-01", 2020, 5, false, 4},
			{"an expired rating no longer counts", "2026-06-01", 2020, 5, false, 3},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r, err := s.EligibilityRowOf(ctx, brewer.ID, kc.MustDate(c.on))
				if err != nil {
					t.Fatal(err)
				}
				if r.Fact.Year != c.factYear || r.Fact.Workers != c.workers || r.TypicalProduct != c.typical || r.OCOPStars != c.ocopStars {
					t.Errorf("fact %+v, typical %v, stars %d", r.Fact, r.TypicalProduct, r.OCOPStars)
				}
			})
		}
		r, err := s.EligibilityRowOf(ctx, brewer.ID, kc.MustDate("2026-06-01"))
		if err != nil {
			t.Fatal(err)
		}
		if r.CommuneType != "Xã" || r.ProvinceType != "Tỉnh" || r.ProvinceID != ids["p44"] || r.CommuneCode != "19564" || r.CommuneName != "Xã Đakrông" ||
			r.RegistrationNo == "" || !r.WomenOwned || !r.EthnicMinorityOwned || !r.CraftVillage || r.FoundedYear != 2010 ||
			!slices.Equal(r.TradeCodes, []string{"RUOU", "DET"}) || r.Fact.Revenue != 120_000_000 || r.Fact.WomenWorkers != 3 || r.Village != "Bản Đá Bàn" {
			t.Errorf("row = %+v", r)
		}
		if _, err := s.EligibilityRowOf(ctx, 9999, kc.Date{}); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("unknown establishment: %v", err)
		}
		stream := func(f store.EligibilityFilter) []int64 {
			t.Helper()
			var out []int64
			err := s.StreamEligibilityRows(ctx, f, kc.MustDate("2026-06-01"), 2, func(rows []store.EligibilityRow) error {
				for _, r := range rows {
					out = append(out, r.ID)
					if r.ID == ward.ID && (r.ProvinceType != "Thành phố" || r.CommuneType != "Phường") {
						t.Errorf("ward row = %+v", r)
					}
					if r.ID == weaver.ID && !slices.Equal(r.TradeCodes, []string{"DET", "RUOU"}) {
						t.Errorf("weaver trades = %v", r.TradeCodes)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		filters := []struct {
			name string
			f    store.EligibilityFilter
			want []int64
		}{
			{"everything, in id order across batches", store.EligibilityFilter{}, []int64{brewer.ID, second.ID, weaver.ID, ward.ID}},
			{"communes", store.EligibilityFilter{CommuneIDs: []int64{ids["dakrong"]}}, []int64{brewer.ID, weaver.ID}},
			{"no commune is nothing", store.EligibilityFilter{CommuneIDs: []int64{}}, nil},
			{"primary trade, one left out", store.EligibilityFilter{PrimaryTrade: "RUOU", ExceptID: brewer.ID}, []int64{second.ID}},
			{"limit", store.EligibilityFilter{Limit: 3}, []int64{brewer.ID, second.ID, weaver.ID}},
		}
		for _, c := range filters {
			t.Run(c.name, func(t *testing.T) {
				if got := stream(c.f); !slices.Equal(got, c.want) {
					t.Errorf("got %v, want %v", got, c.want)
				}
			})
		}
		t.Run("neighbours share a former district", func(t *testing.T) {
			got, err := s.NeighbourCommunes(ctx, ids["dakrong"])
			if err != nil || !slices.Equal(got, []int64{ids["lalay"]}) {
				t.Errorf("neighbours of Đakrông = %v (%v), want La Lay %d", got, err, ids["lalay"])
			}
			if got, _ := s.NeighbourCommunes(ctx, ids["bac"]); len(got) != 0 {
				t.Errorf("neighbours of Phường Bắc = %v", got)
			}
			fd, err := s.FormerDistricts(ctx, []int64{ids["dakrong"], ids["bac"], ids["badinh"]})
			if err != nil || len(fd) != 2 || fd[0].CommuneID != ids["dakrong"] || fd[0].DistrictCode != "467" || fd[0].ProvinceCode != "45" ||
				fd[1].DistrictCode != "464" {
				t.Errorf("former districts = %+v (%v)", fd, err)
			}
		})
		t.Run("need requests keep only the sealed phone", func(t *testing.T) {
			var saved store.NeedRequest
			err := s.InTx(ctx, func(tx *store.Tx) error {
				var err error
				saved, err = tx.CreateNeedRequest(ctx, store.NeedRequest{TrackingCode: "NC-TEST", Name: "Hồ Thị A", PhoneSealed: kc.Sealed{Enc: []byte{1, 2, 3}},
					CommuneID: ids["dakrong"], Trade: "RUOU", Need: "Tự kiểm tra", Status: "new"})
				return err
			})
			if err != nil || saved.ID == 0 {
				t.Fatalf("%+v (%v)", saved, err)
			}
			got, err := s.GetNeedRequest(ctx, "NC-TEST")
			if err != nil || got.Name != "Hồ Thị A" || !slices.Equal(got.PhoneSealed.Enc, []byte{1, 2, 3}) || got.CommuneID != ids["dakrong"] || got.Status != "new" {
				t.Errorf("%+v (%v)", got, err)
			}
			err = s.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.CreateNeedRequest(ctx, store.NeedRequest{TrackingCode: "NC-TEST", Name: "B", Need: "x", Status: "new"})
				return err
			})
			if kc.ErrorCode(err) != kc.EConflict {
				t.Errorf("duplicate code: %v", err)
			}
		})
	})
}
