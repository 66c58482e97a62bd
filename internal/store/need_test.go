package store_test

import (
	"testing"
	"time"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

func TestNeedRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if _, err := s.LoadUnits(ctx, []kc.Unit{
			{ID: 1, Code: "98", Level: kc.LevelProvince, Type: "Tỉnh", Name: "Tỉnh T", ValidFrom: kc.MustDate("2025-07-01")},
			{ID: 2, Code: "99001", Level: kc.LevelCommune, Type: "Xã", Name: "Xã A", ParentID: 1, ValidFrom: kc.MustDate("2025-07-01")},
			{ID: 3, Code: "99002", Level: kc.LevelCommune, Type: "Xã", Name: "Xã B", ParentID: 1, ValidFrom: kc.MustDate("2025-07-01")},
		}, nil); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		ids := map[string]int64{}
		for i, c := range []struct {
			code    string
			commune int64
		}{{"NC-AAAA", 2}, {"NC-BBBB", 2}, {"NC-CCCC", 3}} {
			now = now.Add(time.Duration(i) * time.Hour)
			err := s.InTx(ctx, func(tx *store.Tx) error {
				n, err := tx.CreateNeedRequest(ctx, store.NeedRequest{TrackingCode: c.code, Name: "N", CommuneID: c.commune, Need: "x", Status: store.NeedNew})
				ids[c.code] = n.ID
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		rows, total, err := s.ListNeedRequests(ctx, store.NeedFilter{Communes: []int64{2}})
		if err != nil || total != 2 || len(rows) != 2 || rows[0].TrackingCode != "NC-BBBB" {
			t.Fatalf("list commune 2: %d %+v %v", total, rows, err)
		}
		if _, total, _ := s.ListNeedRequests(ctx, store.NeedFilter{Communes: []int64{}}); total != 0 {
			t.Errorf("empty scope sees %d", total)
		}
		now = now.Add(time.Hour)
		err = s.InTx(ctx, func(tx *store.Tx) error {
			return tx.UpdateNeedRequest(ctx, ids["NC-AAAA"], store.NeedAnswered, "Đã trả lời", 0)
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GetNeedRowByCode(ctx, "NC-AAAA")
		if err != nil || got.Status != store.NeedAnswered || got.Answer != "Đã trả lời" || !got.UpdatedAt.Equal(now) || got.EstablishmentID != 0 {
			t.Errorf("after update %+v %v", got, err)
		}
		if rows, total, _ := s.ListNeedRequests(ctx, store.NeedFilter{Status: store.NeedAnswered}); total != 1 || rows[0].ID != ids["NC-AAAA"] {
			t.Errorf("status filter %d", total)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateNeedRequest(ctx, 99999, store.NeedClosed, "", 0) })
		if kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("update missing: %v", err)
		}
		err = s.View(ctx, func(tx *store.Tx) error {
			recent, err := tx.RecentNeedRequests(ctx, 2, now.Add(-210*time.Minute))
			if err != nil || len(recent) != 1 || recent[0].TrackingCode != "NC-BBBB" {
				t.Errorf("recent %+v %v", recent, err)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
