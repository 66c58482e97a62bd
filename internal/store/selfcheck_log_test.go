package store_test

import (
	"testing"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

func TestLogSelfCheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := addRegistryUnits(t, s)
		for _, c := range []struct {
			commune int64
			trade   string
			on      string
			qr      bool
		}{
			{u.A, " ruou_men_la ", "2026-03-01", true},
			{u.A, "", "2026-03-02", false},
			{u.B, "DET_THO_CAM", "2026-03-02", true},
			{0, "", "2026-03-03", false}, // no commune given
			{u.A, "DAN_LAT", "2025-12-31", false},
		} {
			if err := s.LogSelfCheck(ctx, c.commune, c.trade, kc.MustDate(c.on), c.qr); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.LogSelfCheck(ctx, u.A, "", kc.Date{}, false); err == nil {
			t.Error("a self-check without a day was logged")
		}
		from, to := kc.MustDate("2026-01-01"), kc.MustDate("2026-12-31")
		for _, c := range []struct {
			communes []int64
			want     store.SelfCheckCount
		}{
			{[]int64{u.A}, store.SelfCheckCount{Total: 2, ViaQR: 1}},
			{[]int64{u.A, u.B}, store.SelfCheckCount{Total: 3, ViaQR: 2}},
			{[]int64{}, store.SelfCheckCount{}},
			{nil, store.SelfCheckCount{Total: 4, ViaQR: 2}},
		} {
			got, err := s.CountSelfChecks(ctx, c.communes, from, to)
			if err != nil || got != c.want {
				t.Errorf("communes %v: %+v, want %+v (%v)", c.communes, got, c.want, err)
			}
		}
		var trade string
		if err := store.RawDB(s).QueryRowContext(ctx, store.Rebind(s, "SELECT trade FROM selfcheck_log WHERE on_day = $1"), kc.MustDate("2026-03-01")).Scan(&trade); err != nil || trade != "RUOU_MEN_LA" {
			t.Errorf("trade stored as %q (%v)", trade, err)
		}
	})
}
