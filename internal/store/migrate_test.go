package store_test

import (
	"context"
	"database/sql"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"

	"github.com/google/go-cmp/cmp"
)

// dialectOnly lists schema objects that exist on one dialect by design: the
// diacritic-insensitive search index is FTS5 on SQLite and pg_trgm on
// PostgreSQL.
var dialectOnly = []string{"establishment_fts", "establishment_name_fold_trgm"}

func TestMigrationFoldersHaveSameVersions(t *testing.T) {
	versions := func(dialect string) []string {
		fsys, err := store.MigrationFS(dialect)
		if err != nil {
			t.Fatal(err)
		}
		names, err := fs.Glob(fsys, "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, n := range names {
			out = append(out, strings.SplitN(n, "_", 2)[0])
		}
		return out
	}
	sq, pg := versions("sqlite"), versions("postgres")
	if len(sq) == 0 {
		t.Fatal("no migrations")
	}
	if diff := cmp.Diff(sq, pg); diff != "" {
		t.Errorf("migration versions differ (-sqlite +postgres):\n%s", diff)
	}
}

// schema is table → sorted columns, plus the set of index names.
type schema struct {
	Tables  map[string][]string
	Indexes []string
}

func skip(name string) bool {
	if name == "goose_db_version" || strings.HasPrefix(name, "sqlite_") {
		return true
	}
	for _, p := range dialectOnly {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

func TestMigrationsProduceSameSchema(t *testing.T) {
	ctx := context.Background()
	sq := storetest.OpenSQLite(t)
	pg := storetest.OpenPostgres(t) // skips without KHUYENCONG_TEST_DB

	got := map[string]schema{
		"sqlite":   readSchema(t, ctx, sq, sqliteSchemaQueries),
		"postgres": readSchema(t, ctx, pg, postgresSchemaQueries),
	}
	if len(got["sqlite"].Tables) < 20 {
		t.Fatalf("only %d tables on sqlite", len(got["sqlite"].Tables))
	}
	if diff := cmp.Diff(got["sqlite"], got["postgres"]); diff != "" {
		t.Errorf("schemas differ (-sqlite +postgres):\n%s", diff)
	}
}

type schemaQueries struct {
	tables, columns, indexes string
}

var sqliteSchemaQueries = schemaQueries{
	tables:  `SELECT name FROM sqlite_master WHERE type = 'table'`,
	columns: `SELECT name FROM pragma_table_info($1)`,
	indexes: `SELECT name FROM pragma_index_list($1) WHERE origin = 'c'`,
}

var postgresSchemaQueries = schemaQueries{
	tables:  `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
	columns: `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
	indexes: `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1 AND indexname NOT LIKE '%\_pkey'`,
}

func readSchema(t *testing.T, ctx context.Context, s *store.Store, q schemaQueries) schema {
	t.Helper()
	db := store.RawDB(s)
	rebind := func(x string) string {
		if s.Dialect().Postgres() {
			return x
		}
		return strings.ReplaceAll(x, "$1", "?1")
	}
	strs := func(query string, args ...any) []string {
		rows, err := db.QueryContext(ctx, rebind(query), args...)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var n sql.NullString
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			out = append(out, n.String)
		}
		slices.Sort(out)
		return out
	}
	sc := schema{Tables: map[string][]string{}}
	for _, table := range strs(q.tables) {
		if skip(table) {
			continue
		}
		sc.Tables[table] = strs(q.columns, table)
		for _, ix := range strs(q.indexes, table) {
			if !skip(ix) {
				sc.Indexes = append(sc.Indexes, ix)
			}
		}
	}
	slices.Sort(sc.Indexes)
	return sc
}
