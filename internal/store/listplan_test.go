package store_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
	"khuyencong/internal/vi"

	"github.com/google/go-cmp/cmp"
)

// TestListEstablishmentsPlans checks every query shape of
// ListEstablishments (FTS-driven or name-ordered search pages, the fenced
// scope page on PostgreSQL, the steered kind and trade conditions on
// SQLite, and each way of counting the total) against the same selection
// made in Go, for several pages of each filter.
func TestListEstablishmentsPlans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := addRegistryUnits(t, s)
		tr := seedTrades(t, s)
		kinds := []string{kc.KindHousehold, kc.KindHouseholdBusiness, kc.KindCooperative, kc.KindEnterprise}
		words := []string{"Rượu men lá", "Dệt thổ cẩm", "Mộc", "Cơ sở mộc", "Hồ Văn Đức", "Đakrông"}
		trades := [][]int64{{tr["RUOU"]}, {tr["DET"], tr["MOC"]}, {tr["MOC"]}, nil}
		var all []kc.Establishment
		for i := range 60 {
			e := kc.Establishment{
				Name:      fmt.Sprintf("%s %s %d", []string{"Hộ", "Cơ sở", "HTX", "Công ty"}[i%4], words[i%len(words)], i%7),
				CommuneID: []int64{u.A, u.B}[i%2], Kind: kinds[i%len(kinds)], TradeIDs: trades[i%len(trades)],
				TraditionalCraft: i%3 == 0, WomenOwned: i%5 < 2, EthnicMinorityOwned: i%4 == 1,
			}
			got, err := s.CreateEstablishment(ctx, e)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, got)
		}
		match := func(e kc.Establishment, f kc.EstablishmentFilter) bool {
			if f.CommuneIDs != nil && !slices.Contains(f.CommuneIDs, e.CommuneID) {
				return false
			}
			if key := vi.SearchKey(f.Query); key != "" && !strings.Contains(vi.SearchKey(e.Name), key) {
				return false
			}
			if (f.Kind != "" && e.Kind != f.Kind) || (f.TradeID != 0 && !slices.Contains(e.TradeIDs, f.TradeID)) {
				return false
			}
			flags := map[string]bool{kc.FlagTraditionalCraft: e.TraditionalCraft, kc.FlagWomenOwned: e.WomenOwned, kc.FlagEthnicMinorityOwned: e.EthnicMinorityOwned}
			for _, fl := range f.Flags {
				if !flags[fl] {
					return false
				}
			}
			return true
		}
		want := func(f kc.EstablishmentFilter) ([]int64, int) {
			var sel []kc.Establishment
			for _, e := range all {
				if match(e, f) {
					sel = append(sel, e)
				}
			}
			slices.SortFunc(sel, func(a, b kc.Establishment) int {
				if c := bytes.Compare(vi.SortKey(a.Name), vi.SortKey(b.Name)); c != 0 {
					return c
				}
				return int(a.ID - b.ID)
			})
			var ids []int64
			for i, e := range sel {
				if i >= f.Offset && i < f.Offset+f.Limit {
					ids = append(ids, e.ID)
				}
			}
			return ids, len(sel)
		}
		both := []int64{u.A, u.B}
		filters := []struct {
			name string
			f    kc.EstablishmentFilter
		}{
			{"all", kc.EstablishmentFilter{}},
			{"search", kc.EstablishmentFilter{Query: "mộc"}},
			{"search rare", kc.EstablishmentFilter{Query: "Đakrông"}},
			{"search none", kc.EstablishmentFilter{Query: "không có"}},
			{"search two letters", kc.EstablishmentFilter{Query: "ho"}},
			{"search and kind", kc.EstablishmentFilter{Query: "co so", Kind: kc.KindHouseholdBusiness}},
			{"search and flag", kc.EstablishmentFilter{Query: "ruou", Flags: []string{kc.FlagWomenOwned}}},
			{"search in scope", kc.EstablishmentFilter{Query: "mộc", CommuneIDs: []int64{u.A}}},
			{"scope", kc.EstablishmentFilter{CommuneIDs: both}},
			{"scope and kind", kc.EstablishmentFilter{CommuneIDs: []int64{u.B}, Kind: kc.KindHouseholdBusiness}},
			{"scope, trade and flag", kc.EstablishmentFilter{CommuneIDs: both, TradeID: tr["MOC"], Flags: []string{kc.FlagWomenOwned}}},
			{"kind", kc.EstablishmentFilter{Kind: kc.KindHousehold}},
			{"kind and flag", kc.EstablishmentFilter{Kind: kc.KindHousehold, Flags: []string{kc.FlagTraditionalCraft}}},
			{"trade", kc.EstablishmentFilter{TradeID: tr["MOC"]}},
			{"flags", kc.EstablishmentFilter{Flags: []string{kc.FlagTraditionalCraft, kc.FlagEthnicMinorityOwned}}},
		}
		for _, driveMax := range []int{0, 1_000_000} {
			restore := store.SetFTSDriveMax(driveMax)
			for _, c := range filters {
				for _, page := range [][2]int{{50, 0}, {4, 0}, {4, 4}, {7, 14}, {5, 100}} {
					f := c.f
					f.Limit, f.Offset = page[0], page[1]
					t.Run(fmt.Sprintf("%s/fts-drive-max=%d/limit=%d,offset=%d", c.name, driveMax, f.Limit, f.Offset), func(t *testing.T) {
						list, total, err := s.ListEstablishments(ctx, f)
						if err != nil {
							t.Fatal(err)
						}
						var ids []int64
						for _, e := range list {
							ids = append(ids, e.ID)
						}
						wantIDs, wantTotal := want(f)
						if diff := cmp.Diff(wantIDs, ids); diff != "" || total != wantTotal {
							t.Errorf("total %d, want %d; ids (-want +got):\n%s", total, wantTotal, diff)
						}
					})
				}
			}
			restore()
		}
	})
}

// TestSearchCountCap checks that a name search with a CountCap stops
// counting at CountCap+1 on every counting path (the FTS table on SQLite
// for three letters or more, the capped COUNT for two letters and on
// PostgreSQL), and that a last page or a list without a search stays exact.
func TestSearchCountCap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := addRegistryUnits(t, s)
		for i := range 8 {
			if _, err := s.CreateEstablishment(ctx, kc.Establishment{Name: fmt.Sprintf("Hộ rượu men lá %d", i), CommuneID: u.A, Kind: kc.KindHousehold}); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			name string
			f    kc.EstablishmentFilter
			want int
		}{
			{"search, capped", kc.EstablishmentFilter{Query: "ruou men", Limit: 2, CountCap: 3}, 4},
			{"two letters, capped", kc.EstablishmentFilter{Query: "ho", Limit: 2, CountCap: 3}, 4},
			{"search, no cap", kc.EstablishmentFilter{Query: "ruou men", Limit: 2}, 8},
			{"cap above the matches", kc.EstablishmentFilter{Query: "ruou men", Limit: 2, CountCap: 100}, 8},
			{"last page is exact", kc.EstablishmentFilter{Query: "ruou men", Limit: 50, CountCap: 3}, 8},
			{"no search: exact", kc.EstablishmentFilter{Kind: kc.KindHousehold, Limit: 2, CountCap: 3}, 8},
		} {
			_, total, err := s.ListEstablishments(ctx, c.f)
			if err != nil || total != c.want {
				t.Errorf("%s: total %d, want %d (%v)", c.name, total, c.want, err)
			}
		}
	})
}
