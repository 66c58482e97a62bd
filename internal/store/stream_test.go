package store_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// TestStreamEstablishments streams in small batches: every matching
// establishment once, in id order, with its commune, trades and the facts
// of its latest year; filters and an empty scope apply; an error from the
// callback stops the stream.
func TestStreamEstablishments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := addRegistryUnits(t, s)
		if _, err := s.EnsureReference(ctx, testReference); err != nil {
			t.Fatal(err)
		}
		trades, err := s.ListTrades(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var want []int64
		for i := range 7 {
			commune := u.A
			if i%3 == 2 {
				commune = u.B
			}
			e, err := s.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindHousehold, Name: fmt.Sprintf("Cơ sở dệt %d", i), CommuneID: commune,
				TradeIDs: []int64{trades[i%len(trades)].ID, trades[(i+1)%len(trades)].ID}})
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, e.ID)
			for year := 2023; year < 2023+i%3; year++ {
				if err := s.UpsertFact(ctx, kc.EstablishmentFact{EstablishmentID: e.ID, Year: year, Workers: year - 2000 + i, Revenue: int64(year) * 1000}); err != nil {
					t.Fatal(err)
				}
			}
		}
		collect := func(t *testing.T, f kc.EstablishmentFilter) ([]store.ExportRow, int) {
			t.Helper()
			var out []store.ExportRow
			batches := 0
			err := s.StreamEstablishments(ctx, f, 3, func(rows []store.ExportRow) error {
				batches++
				if len(rows) > 3 {
					t.Fatalf("batch of %d", len(rows))
				}
				out = append(out, rows...)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return out, batches
		}
		rows, batches := collect(t, kc.EstablishmentFilter{})
		var got []int64
		for _, r := range rows {
			got = append(got, r.ID)
		}
		if !slices.Equal(got, want) || batches != 3 {
			t.Fatalf("ids %v in %d batches, want %v in 3", got, batches, want)
		}
		for i, r := range rows {
			wantCode := map[int64]string{u.A: "19564", u.B: "19594"}[r.CommuneID]
			if r.CommuneCode != wantCode || r.CommuneName == "" || len(r.TradeIDs) != 2 || r.TradeIDs[0] != trades[i%len(trades)].ID {
				t.Errorf("row %d: commune %q %q trades %v", i, r.CommuneCode, r.CommuneName, r.TradeIDs)
			}
			switch n := i % 3; n {
			case 0:
				if r.Fact.Year != 0 {
					t.Errorf("row %d: facts %+v, want none", i, r.Fact)
				}
			default:
				if y := 2023 + n - 1; r.Fact.Year != y || r.Fact.Workers != y-2000+i || r.Fact.Revenue != int64(y)*1000 {
					t.Errorf("row %d: latest facts %+v, want year %d", i, r.Fact, y)
				}
			}
		}
		if rows, _ := collect(t, kc.EstablishmentFilter{CommuneIDs: []int64{u.B}}); len(rows) != 2 {
			t.Errorf("commune B: %d rows", len(rows))
		}
		if rows, _ := collect(t, kc.EstablishmentFilter{Query: "det 4"}); len(rows) != 1 || rows[0].ID != want[4] {
			t.Errorf("search: %v", rows)
		}
		if rows, batches := collect(t, kc.EstablishmentFilter{CommuneIDs: []int64{}}); len(rows) != 0 || batches != 0 {
			t.Errorf("empty scope: %d rows", len(rows))
		}
		stop := errors.New("stop")
		if err := s.StreamEstablishments(ctx, kc.EstablishmentFilter{}, 2, func([]store.ExportRow) error { return stop }); !errors.Is(err, stop) {
			t.Errorf("err %v", err)
		}
	})
}
