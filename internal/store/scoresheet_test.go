package store_test

import (
	"testing"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// TestScoreSheetStore lists, creates and updates score items with their
// usage counts, on both databases.
func TestScoreSheetStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u, e := projectFixture(t, s)
		if _, err := s.EnsureReference(ctx, store.Reference{ScoreItems: store.DefaultScoreItems()}); err != nil {
			t.Fatal(err)
		}
		m, err := s.CreateUser(ctx, kc.User{Username: "hd", DisplayName: "Hội đồng", Role: kc.RoleCouncilMember, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.CreateProject(ctx, kc.Project{Code: "P", Title: "Đề án", Year: 2026, Level: "local", ContentArea: "CA3", CommuneID: u.A,
			State: kc.StateRegistered, Beneficiaries: []int64{e.ID}})
		if err != nil {
			t.Fatal(err)
		}
		var next int
		var created, fetched store.ScoreSheetItem
		err = s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.PutAppraisal(ctx, p.ID, m.ID, map[string]int{"fit": 18, "costs": 15}, []string{"fit", "costs"}, ""); err != nil {
				return err
			}
			var err error
			if next, err = tx.NextScoreItemPosition(ctx); err != nil {
				return err
			}
			// The label is stored composed (NFC) whatever form it came in.
			id, err := tx.CreateScoreItem(ctx, store.ScoreItem{Code: "jobs", Label: "Vie\u0302\u0323c la\u0300m ta\u0323o ra", MaxScore: 10, Position: next, Active: true})
			if err != nil {
				return err
			}
			if created, err = tx.GetScoreSheetItem(ctx, id); err != nil {
				return err
			}
			if err := tx.UpdateScoreItem(ctx, id, store.ScoreItem{Code: "jobs2", Label: "Việc làm", MaxScore: 12, Position: 0, Active: false}); err != nil {
				return err
			}
			fetched, err = tx.GetScoreSheetItem(ctx, id)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if next != 6 {
			t.Errorf("next position = %d, want 6", next)
		}
		if created.Code != "jobs" || created.Label != "Việc làm tạo ra" || created.MaxScore != 10 || created.Position != 6 || !created.Active || created.Used != 0 {
			t.Errorf("created %+v", created)
		}
		if fetched.Code != "jobs2" || fetched.Label != "Việc làm" || fetched.MaxScore != 12 || fetched.Position != 0 || fetched.Active {
			t.Errorf("updated %+v", fetched)
		}
		items, err := s.ScoreSheetItems(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		var order []string
		for _, it := range items {
			got[it.Code] = it.Used
			order = append(order, it.Code)
		}
		// Position 0 sorts first; every item is listed, the retired one too.
		want := []string{"jobs2", "fit", "objectives", "costs", "capacity", "links"}
		if len(order) != len(want) {
			t.Fatalf("order %v, want %v", order, want)
		}
		for i := range want {
			if order[i] != want[i] {
				t.Fatalf("order %v, want %v", order, want)
			}
		}
		if got["fit"] != 1 || got["costs"] != 1 || got["objectives"] != 0 || got["jobs2"] != 0 {
			t.Errorf("usage %v", got)
		}
		active, err := s.ScoreItems(ctx, false)
		if err != nil || len(active) != 5 {
			t.Errorf("active items %d %v", len(active), err)
		}

		// A taken code is a conflict; an unknown id is not found.
		err = s.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.CreateScoreItem(ctx, store.ScoreItem{Code: "fit", Label: "x", MaxScore: 1})
			return err
		})
		if kc.ErrorCode(err) != kc.EConflict {
			t.Errorf("duplicate code on create: %v", err)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			return tx.UpdateScoreItem(ctx, fetched.ID, store.ScoreItem{Code: "costs", Label: "x", MaxScore: 1})
		})
		if kc.ErrorCode(err) != kc.EConflict {
			t.Errorf("duplicate code on update: %v", err)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			return tx.UpdateScoreItem(ctx, 9999, store.ScoreItem{Code: "zzz", Label: "x", MaxScore: 1})
		})
		if kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("update of a missing item: %v", err)
		}
		err = s.View(ctx, func(tx *store.Tx) error {
			_, err := tx.GetScoreSheetItem(ctx, 9999)
			return err
		})
		if kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("get of a missing item: %v", err)
		}
	})
}
