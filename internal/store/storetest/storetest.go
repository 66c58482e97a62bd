// Package storetest opens migrated stores for tests, on SQLite by default
// and on PostgreSQL when KHUYENCONG_TEST_DB holds a postgres:// URL: each
// test then gets a fresh database copied with CREATE DATABASE … TEMPLATE
// from one database migrated once per test binary.
//
// storetest imports store; only test files may import it.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"khuyencong/internal/store"
)

// EnvDB names the environment variable holding the PostgreSQL test URL.
const EnvDB = "KHUYENCONG_TEST_DB"

// Clock is the fixed time that test stores use as "now".
var Clock = time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)

// Open returns a migrated store on the database the environment selects:
// PostgreSQL when KHUYENCONG_TEST_DB is set, otherwise SQLite.
func Open(t testing.TB) *store.Store {
	t.Helper()
	if os.Getenv(EnvDB) != "" {
		return OpenPostgres(t)
	}
	return OpenSQLite(t)
}

// OpenSQLite returns a migrated store on a fresh SQLite file in t.TempDir().
func OpenSQLite(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	s.Now = func() time.Time { return Clock }
	t.Cleanup(func() { s.Close() })
	return s
}

// Each runs fn once per database: "sqlite" always, "postgres" when
// KHUYENCONG_TEST_DB is set (otherwise that subtest says it is skipped).
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv(EnvDB) == "" {
			t.Skip("PostgreSQL variant skipped: set " + EnvDB + "=postgres://… to run it")
		}
		fn(t, OpenPostgres(t))
	})
}

var (
	tmplOnce sync.Once
	tmplName string
	tmplErr  error
	seq      atomic.Int64
)

// OpenPostgres returns a migrated store on a fresh PostgreSQL database. It
// skips the test when KHUYENCONG_TEST_DB is not set.
func OpenPostgres(t testing.TB) *store.Store {
	t.Helper()
	base := os.Getenv(EnvDB)
	if base == "" {
		t.Skip("PostgreSQL variant skipped: set " + EnvDB + "=postgres://… to run it")
	}
	tmplOnce.Do(func() { tmplName, tmplErr = makeTemplate(base) })
	if tmplErr != nil {
		t.Fatalf("postgres template: %v", tmplErr)
	}
	name := fmt.Sprintf("kc_t_%d_%d", os.Getpid(), seq.Add(1))
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec(fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tmplName)); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	s, err := store.Open(context.Background(), withDB(base, name))
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	s.Now = func() time.Time { return Clock }
	t.Cleanup(func() {
		s.Close()
		a, err := sql.Open("pgx", base)
		if err == nil {
			a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			a.Close()
		}
	})
	return s
}

// EmptyPostgres returns a postgres URL for a fresh, empty database (not migrated),
// dropped when the test ends. It skips when KHUYENCONG_TEST_DB is not set.
func EmptyPostgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvDB)
	if base == "" {
		t.Skip("PostgreSQL variant skipped: set " + EnvDB + "=postgres://… to run it")
	}
	name := fmt.Sprintf("kc_e_%d_%d", os.Getpid(), seq.Add(1))
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err == nil {
			a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			a.Close()
		}
	})
	return withDB(base, name)
}

func makeTemplate(base string) (string, error) {
	name := fmt.Sprintf("kc_tmpl_%d", os.Getpid())
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	dropStale(admin)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		return "", fmt.Errorf("create template: %w", err)
	}
	s, err := store.Open(context.Background(), withDB(base, name))
	if err != nil {
		return "", err
	}
	defer s.Close()
	if _, err := s.Migrate(context.Background()); err != nil {
		return "", err
	}
	return name, nil
}

// dropStale drops the test databases left by test binaries that have
// exited (the template outlives its process by design). Databases of live
// processes on this machine, such as other packages running in parallel,
// are kept.
func dropStale(admin *sql.DB) {
	rows, err := admin.Query(`SELECT datname FROM pg_database WHERE datname LIKE 'kc\_tmpl\_%' OR datname LIKE 'kc\_t\_%' OR datname LIKE 'kc\_e\_%'`)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		parts := strings.Split(name, "_")
		if len(parts) < 3 {
			continue
		}
		if _, err := os.Stat("/proc/" + parts[2]); os.IsNotExist(err) {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	}
}

func withDB(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + strings.TrimPrefix(name, "/")
	return u.String()
}
