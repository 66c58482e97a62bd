package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

func TestParseDSN(t *testing.T) {
	cases := []struct {
		name, dsn, dialect, target, code string
	}{
		{"sqlite", "sqlite:khuyencong.db", "sqlite", "khuyencong.db", ""},
		{"sqlite slashes", "sqlite:///var/lib/kc.db", "sqlite", "/var/lib/kc.db", ""},
		{"file", "file:x.db", "sqlite", "x.db", ""},
		{"postgres", "postgres://kc@localhost/kc", "postgres", "postgres://kc@localhost/kc", ""},
		{"postgresql", "postgresql://kc@localhost/kc", "postgres", "postgresql://kc@localhost/kc", ""},
		{"unknown", "mysql://x", "", "", kc.EInvalid},
		{"bare path", "khuyencong.db", "", "", kc.EInvalid},
		{"empty sqlite", "sqlite:", "", "", kc.EInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, target, err := store.ParseDSN(c.dsn)
			if got := kc.ErrorCode(err); got != c.code {
				t.Fatalf("code = %q, want %q (%v)", got, c.code, err)
			}
			if err == nil && (d.Name != c.dialect || target != c.target) {
				t.Errorf("got %s %q", d.Name, target)
			}
		})
	}
}

func TestOpenBadInput(t *testing.T) {
	ctx := context.Background()
	cases := []struct{ name, dsn, key string }{
		{"missing folder", "sqlite:" + filepath.Join(t.TempDir(), "nope", "x.db"), "db.sqlite_dir_missing"},
		{"refused", "postgres://kc@127.0.0.1:1/kc?connect_timeout=2", "db.pg_refused"},
		{"scheme", "redis://x", "db.unknown_scheme"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := store.Open(ctx, c.dsn)
			if err == nil {
				s.Close()
				t.Fatal("no error")
			}
			if e, ok := errors.AsType[*kc.Error](err); !ok || e.Key != c.key {
				t.Errorf("err = %v, want key %s", err, c.key)
			}
		})
	}
}

func TestRebind(t *testing.T) {
	s := storetest.OpenSQLite(t)
	if got := store.Rebind(s, "SELECT $1, $2, $10"); got != "SELECT ?1, ?2, ?10" {
		t.Errorf("rebind = %q", got)
	}
}

func TestSettingsAndConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		err := s.InTx(ctx, func(tx *store.Tx) error { return tx.SetSetting(ctx, "k", "v1") })
		if err != nil {
			t.Fatal(err)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error { return tx.SetSetting(ctx, "k", "v2") })
		if err != nil {
			t.Fatal(err)
		}
		var got string
		s.View(ctx, func(tx *store.Tx) error { got, err = tx.Setting(ctx, "k"); return err })
		if got != "v2" {
			t.Errorf("setting = %q, want v2", got)
		}
		err = s.View(ctx, func(tx *store.Tx) error { _, err := tx.Setting(ctx, "missing"); return err })
		if kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("missing setting: %v", err)
		}
	})
}

// A cancelled query must not poison the pool: the next query on the same
// (single) writer connection still works. One modernc release left
// connections answering SQLITE_INTERRUPT for good.
func TestCancelThenQuery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.SetSetting(ctx, "a", "b") }); err == nil {
			t.Fatal("cancelled transaction succeeded")
		}
		ctx2, cancel2 := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel2()
		if err := s.InTx(ctx2, func(tx *store.Tx) error { return tx.SetSetting(ctx2, "a", "c") }); err != nil {
			t.Fatalf("query after cancel: %v", err)
		}
	})
}

func TestAuditChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		for i := range 3 {
			err := s.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.AppendAudit(ctx, kc.AuditEntry{Actor: "system", Action: kc.ActionCreate, Entity: "thing", EntityID: int64(i + 1), After: `{"n":1}`})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		n, problem, err := s.VerifyAudit(ctx)
		if err != nil || problem != nil || n != 3 {
			t.Fatalf("verify = %d %+v %v", n, problem, err)
		}
		db := store.RawDB(s)
		if _, err := db.ExecContext(ctx, store.Rebind(s, "UPDATE audit SET after_data = $1 WHERE id = 2"), `{"n":2}`); err != nil {
			t.Fatal(err)
		}
		_, problem, err = s.VerifyAudit(ctx)
		if err != nil || problem == nil || problem.EntryID != 2 || problem.Reason != "altered" {
			t.Fatalf("after edit: %+v %v", problem, err)
		}
	})
}
