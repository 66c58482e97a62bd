package app_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// filterFixture is the apptest scope with a former commune (99101, now
// part of commune B), the trade catalogue and three establishments with
// trades and flags besides the scope's EstA and EstB:
//
//	craft: A, RUOU_MEN_LA; traditional craft, woman owner
//	coop:  B, DET_THO_CAM; craft village, ethnic-minority owner
//	wood:  A, MOC then RUOU_MEN_LA; traditional craft, craft village
type filterFixture struct {
	*apptest.Scope
	trades            map[string]int64
	craft, coop, wood kc.Establishment
}

func newFilterFixture(t *testing.T, st *store.Store) *filterFixture {
	t.Helper()
	from, old, until := kc.ReformDate, kc.MustDate("2008-01-01"), kc.ReformDate.AddDays(-1)
	// Loaded first, the units include the scope's own, whose load is then
	// skipped.
	units := []kc.Unit{
		{ID: 1, Code: "98", Level: kc.LevelProvince, Type: "Tỉnh", Name: "Tỉnh Thử Nghiệm", ValidFrom: from},
		{ID: 2, Code: "99001", Level: kc.LevelCommune, Type: "Xã", Name: "Xã An Phú", ParentID: 1, ValidFrom: from},
		{ID: 3, Code: "99002", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Bình Minh", ParentID: 1, ValidFrom: from},
		{ID: 4, Code: "99101", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Hải Phúc", ValidFrom: old, ValidTo: until},
	}
	links := []kc.Succession{{FromID: 4, ToID: 3, Scope: kc.SuccessionFull, Effective: from}}
	if _, err := st.LoadUnits(t.Context(), units, links); err != nil {
		t.Fatal(err)
	}
	f := &filterFixture{Scope: apptest.NewScope(t, st), trades: map[string]int64{}}
	ctx := app.WithPrincipal(t.Context(), app.System)
	if err := f.App.EnsureReference(ctx); err != nil {
		t.Fatal(err)
	}
	trades, err := f.App.Trades(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range trades {
		f.trades[tr.Code] = tr.ID
	}
	for _, r := range []struct {
		dst *kc.Establishment
		e   kc.Establishment
	}{
		{&f.craft, kc.Establishment{Kind: kc.KindHousehold, Name: "Rượu men lá Đá Bàn", CommuneID: f.CommuneA.ID,
			TradeIDs: []int64{f.trades["RUOU_MEN_LA"]}, TraditionalCraft: true, WomenOwned: true}},
		{&f.coop, kc.Establishment{Kind: kc.KindCooperative, Name: "Hợp tác xã Đakrông", CommuneID: f.CommuneB.ID,
			TradeIDs: []int64{f.trades["DET_THO_CAM"]}, CraftVillage: true, EthnicMinorityOwned: true}},
		{&f.wood, kc.Establishment{Kind: kc.KindEnterprise, SizeClass: kc.SizeSmall, Name: "Mộc Đa Krông", CommuneID: f.CommuneA.ID,
			TradeIDs: []int64{f.trades["MOC"], f.trades["RUOU_MEN_LA"]}, TraditionalCraft: true, CraftVillage: true}},
	} {
		if *r.dst, err = st.CreateEstablishment(ctx, r.e); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// TestSearchEstablishmentsFilters checks the registry filter's flag and
// trade conditions (alone, combined, with the search, the kind, a former
// unit and the caller's scope) and its field errors, on both databases.
func TestSearchEstablishmentsFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFilterFixture(t, st)
		a, b, craft, coop, wood := f.EstA.ID, f.EstB.ID, f.craft.ID, f.coop.ID, f.wood.ID
		cases := []struct {
			name   string
			user   string
			filter app.RegistryFilter
			want   []int64 // in Vietnamese name order
		}{
			{"everything", apptest.Province, app.RegistryFilter{}, []int64{a, coop, wood, craft, b}},
			{"traditional craft", apptest.Province, app.RegistryFilter{Flags: []string{kc.FlagTraditionalCraft}}, []int64{wood, craft}},
			{"craft village", apptest.Province, app.RegistryFilter{Flags: []string{kc.FlagCraftVillage}}, []int64{coop, wood}},
			{"woman owner", apptest.Province, app.RegistryFilter{Flags: []string{kc.FlagWomenOwned}}, []int64{craft}},
			{"ethnic-minority owner", apptest.Province, app.RegistryFilter{Flags: []string{kc.FlagEthnicMinorityOwned}}, []int64{coop}},
			{"every flag listed", apptest.Province, app.RegistryFilter{Flags: []string{kc.FlagTraditionalCraft, kc.FlagCraftVillage}}, []int64{wood}},
			{"flags nobody has together", apptest.Province, app.RegistryFilter{Flags: []string{kc.FlagWomenOwned, kc.FlagCraftVillage}}, nil},
			{"trade code", apptest.Province, app.RegistryFilter{Trade: "RUOU_MEN_LA"}, []int64{wood, craft}},
			{"secondary trade counts", apptest.Province, app.RegistryFilter{Trade: "MOC"}, []int64{wood}},
			{"trade code in lower case", apptest.Province, app.RegistryFilter{Trade: "det_tho_cam"}, []int64{coop}},
			{"trade id", apptest.Province, app.RegistryFilter{Trade: strconv.FormatInt(f.trades["RUOU_MEN_LA"], 10)}, []int64{wood, craft}},
			{"trade nobody practises", apptest.Province, app.RegistryFilter{Trade: "GOM"}, nil},
			{"trade and flag", apptest.Province, app.RegistryFilter{Trade: "RUOU_MEN_LA", Flags: []string{kc.FlagWomenOwned}}, []int64{craft}},
			{"trade, flag and kind", apptest.Province, app.RegistryFilter{Trade: "RUOU_MEN_LA", Flags: []string{kc.FlagCraftVillage}, Kind: kc.KindEnterprise}, []int64{wood}},
			{"search ignoring marks with a flag", apptest.Province, app.RegistryFilter{Query: "dakrong", Flags: []string{kc.FlagCraftVillage}}, []int64{coop, wood}},
			{"former commune with a flag", apptest.Province, app.RegistryFilter{UnitCode: "99101", Flags: []string{kc.FlagCraftVillage}}, []int64{coop}},
			{"officer A: trade", apptest.OfficerA, app.RegistryFilter{Trade: "RUOU_MEN_LA"}, []int64{wood, craft}},
			{"officer B: craft village", apptest.OfficerB, app.RegistryFilter{Flags: []string{kc.FlagCraftVillage}}, []int64{coop}},
			{"officer B: trade of A only", apptest.OfficerB, app.RegistryFilter{Trade: "MOC"}, nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				list, total, err := f.App.SearchEstablishments(f.As(t, t.Context(), tc.user), tc.filter, 50, 0)
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, e := range list {
					got = append(got, e.ID)
					if e.Phone != "" || e.PersonalID != "" || !e.PersonalMasked {
						t.Errorf("establishment %d not masked", e.ID)
					}
				}
				if !slices.Equal(got, tc.want) || total != len(tc.want) {
					t.Errorf("got %v (total %d), want %v", got, total, tc.want)
				}
			})
		}

		t.Run("paging", func(t *testing.T) {
			ctx := f.As(t, t.Context(), apptest.Province)
			filter := app.RegistryFilter{Flags: []string{kc.FlagTraditionalCraft}}
			p1, total, err := f.App.SearchEstablishments(ctx, filter, 1, 0)
			if err != nil || len(p1) != 1 || total != 2 || p1[0].ID != wood {
				t.Fatalf("page 1: %d rows, total %d, %v", len(p1), total, err)
			}
			p2, total, err := f.App.SearchEstablishments(ctx, filter, 1, 1)
			if err != nil || len(p2) != 1 || total != 2 || p2[0].ID != craft {
				t.Errorf("page 2: %d rows, total %d, %v", len(p2), total, err)
			}
		})

		t.Run("field errors", func(t *testing.T) {
			for _, tc := range []struct {
				filter app.RegistryFilter
				field  string
				key    string
			}{
				{app.RegistryFilter{Flags: []string{"rich"}}, "flag", "field.invalid_choice"},
				{app.RegistryFilter{Flags: []string{kc.FlagWomenOwned, "women_owned; DROP TABLE establishment"}}, "flag", "field.invalid_choice"},
				{app.RegistryFilter{Trade: "KHONG_CO"}, "trade", "est.trade_code_unknown"},
				{app.RegistryFilter{Trade: "999999"}, "trade", "est.trade_code_unknown"},
				{app.RegistryFilter{Kind: "shop"}, "kind", "field.invalid_choice"},
				{app.RegistryFilter{UnitCode: "12345"}, "unit", "est.unit_unknown"},
			} {
				_, _, err := f.App.SearchEstablishments(f.As(t, t.Context(), apptest.Province), tc.filter, 50, 0)
				fes := kc.FieldErrors(err)
				if kc.ErrorCode(err) != kc.EInvalid || len(fes) != 1 || fes[0].Field != tc.field || fes[0].Key != tc.key {
					t.Errorf("%+v: %v, want %s on %s", tc.filter, err, tc.key, tc.field)
				}
			}
		})

		t.Run("needs a principal", func(t *testing.T) {
			if _, _, err := f.App.SearchEstablishments(context.Background(), app.RegistryFilter{}, 50, 0); kc.ErrorCode(err) != kc.EUnauthenticated {
				t.Errorf("anonymous: %v", err)
			}
		})
	})
}

// TestFormChoices checks the trade catalogue and scope communes offered by
// the registry's forms.
func TestFormChoices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFilterFixture(t, st)
		ctx := f.As(t, t.Context(), apptest.OfficerA)
		trades, err := f.App.Trades(ctx)
		if err != nil || len(trades) != len(f.trades) {
			t.Fatalf("trades: %d, %v", len(trades), err)
		}
		// Vietnamese order: "Chế…" before "Cơ…", "Đ…" after every "D…".
		var names []string
		for _, tr := range trades {
			names = append(names, tr.Name)
		}
		if i, j := slices.Index(names, "Chế biến chè"), slices.Index(names, "Cơ khí nhỏ, sửa chữa nông cụ"); i < 0 || j < 0 || i > j {
			t.Errorf("trade order %q", names)
		}
		if i, j := slices.Index(names, "Dệt thổ cẩm"), slices.Index(names, "Đan gùi, mây tre đan"); i < 0 || j < 0 || i > j {
			t.Errorf("trade order %q", names)
		}
		for _, tc := range []struct {
			user     string
			communes []string
			units    []string
		}{
			{apptest.OfficerA, []string{"99001"}, []string{"99001"}},
			{apptest.OfficerB, []string{"99002"}, []string{"99002"}},
			{apptest.Province, []string{"99001", "99002"}, []string{"98"}},
			{apptest.Admin, []string{"99001", "99002"}, []string{"98"}},
		} {
			ctx := f.As(t, t.Context(), tc.user)
			communes, err := f.App.ScopeCommunes(ctx)
			if err != nil {
				t.Fatal(err)
			}
			units, err := f.App.ScopeUnits(ctx)
			if err != nil {
				t.Fatal(err)
			}
			codes := func(us []kc.Unit) []string {
				var out []string
				for _, u := range us {
					out = append(out, u.Code)
				}
				return out
			}
			if got := codes(communes); !slices.Equal(got, tc.communes) {
				t.Errorf("%s: communes %v, want %v", tc.user, got, tc.communes)
			}
			if got := codes(units); !slices.Equal(got, tc.units) {
				t.Errorf("%s: units %v, want %v", tc.user, got, tc.units)
			}
		}
		// The catalogue is public reference data (the self-check reads it).
		if trades, err := f.App.Trades(context.Background()); err != nil || len(trades) == 0 {
			t.Errorf("anonymous trades: %d, %v", len(trades), err)
		}
	})
}
