package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"khuyencong/internal/kc"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Store is the database: a writer pool and a reader pool (the same pool on
// PostgreSQL), the dialect, and the injected clock.
type Store struct {
	dialect Dialect
	w       *sql.DB
	r       *sql.DB
	dsn     string
	// Now is the clock used for created/updated timestamps; tests fix it.
	Now func() time.Time
}

// Dialect is the set of differences between SQLite and PostgreSQL.
type Dialect struct {
	// Name is "sqlite" or "postgres".
	Name string
	// Goose is the dialect name goose expects.
	Goose string
}

// Postgres reports whether the dialect is PostgreSQL.
func (d Dialect) Postgres() bool { return d.Name == "postgres" }

// Like is the case-insensitive LIKE operator of the dialect (the folded
// columns are already lower case, so plain LIKE suffices on SQLite).
func (d Dialect) Like() string {
	if d.Postgres() {
		return "ILIKE"
	}
	return "LIKE"
}

// SQLiteDialect and PostgresDialect are the two supported dialects.
var (
	SQLiteDialect   = Dialect{Name: "sqlite", Goose: "sqlite3"}
	PostgresDialect = Dialect{Name: "postgres", Goose: "postgres"}
)

// ParseDSN checks a --db value and returns its dialect and the driver DSN.
// Accepted forms: sqlite:PATH, sqlite://PATH, file:PATH, postgres://…,
// postgresql://….
func ParseDSN(dsn string) (Dialect, string, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		if _, err := url.Parse(dsn); err != nil {
			return Dialect{}, "", kc.Errorf(kc.EInvalid, "db.malformed", dsn)
		}
		return PostgresDialect, dsn, nil
	case strings.HasPrefix(dsn, "sqlite:"), strings.HasPrefix(dsn, "file:"):
		p := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
		p = strings.TrimPrefix(p, "//")
		if i := strings.IndexByte(p, '?'); i >= 0 {
			p = p[:i]
		}
		if p == "" {
			return Dialect{}, "", kc.Errorf(kc.EInvalid, "db.malformed", dsn)
		}
		return SQLiteDialect, p, nil
	default:
		return Dialect{}, "", kc.Errorf(kc.EInvalid, "db.unknown_scheme", dsn)
	}
}

const sqlitePragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)"

// Open connects to the database named by dsn (see ParseDSN) and checks that
// it answers. It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	d, target, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	s := &Store{dialect: d, dsn: dsn, Now: time.Now}
	if d.Postgres() {
		db, err := sql.Open("pgx", target)
		if err != nil {
			return nil, kc.Errorf(kc.EInvalid, "db.malformed", redact(dsn)).Wrap(err)
		}
		db.SetMaxOpenConns(32)
		db.SetMaxIdleConns(16)
		db.SetConnMaxIdleTime(5 * time.Minute)
		if err := pingRetry(ctx, db); err != nil {
			db.Close()
			return nil, &kc.Error{Code: kc.EInvalid, Key: "db.pg_refused", Args: []any{redact(dsn), rootCause(err)}, Err: err}
		}
		s.w, s.r = db, db
		return s, nil
	}
	if dir := filepath.Dir(target); dir != "" {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, kc.Errorf(kc.EInvalid, "db.sqlite_dir_missing", target, dir)
		}
	}
	w, err := sql.Open("sqlite", "file:"+target+"?"+sqlitePragmas+"&_txlock=immediate")
	if err != nil {
		return nil, kc.Errorf(kc.EInvalid, "db.sqlite_open", target).Wrap(err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, &kc.Error{Code: kc.EInvalid, Key: "db.sqlite_open", Args: []any{target}, Err: err}
	}
	// A write at open proves the file is writable before anything else runs.
	if _, err := w.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS kc_probe (x INTEGER); DROP TABLE kc_probe"); err != nil {
		w.Close()
		return nil, &kc.Error{Code: kc.EInvalid, Key: "db.sqlite_readonly", Args: []any{target}, Err: err}
	}
	r, err := sql.Open("sqlite", "file:"+target+"?"+sqlitePragmas)
	if err != nil {
		w.Close()
		return nil, kc.Errorf(kc.EInvalid, "db.sqlite_open", target).Wrap(err)
	}
	r.SetMaxOpenConns(8)
	s.w, s.r = w, r
	return s, nil
}

func pingRetry(ctx context.Context, db *sql.DB) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

// rootCause returns the first line of the innermost error message, short
// enough for a one-line report.
func rootCause(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			break
		}
		err = u
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	if len(msg) > 160 {
		msg = msg[:160] + "…"
	}
	return msg
}

// redact hides a password in a PostgreSQL URL.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Close closes both pools.
func (s *Store) Close() error {
	if s.r != nil && s.r != s.w {
		s.r.Close()
	}
	if s.w != nil {
		return s.w.Close()
	}
	return nil
}

// Dialect returns the dialect of the store.
func (s *Store) Dialect() Dialect { return s.dialect }

// DSN returns the data source the store was opened with.
func (s *Store) DSN() string { return s.dsn }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.r.PingContext(ctx) }

// InTx runs fn in one write transaction; fn's error rolls it back.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	return s.run(ctx, s.w, false, fn)
}

// View runs fn in one read-only transaction on the reader pool.
func (s *Store) View(ctx context.Context, fn func(tx *Tx) error) error {
	return s.run(ctx, s.r, true, fn)
}

// viewValue runs fn in a read-only transaction (View) and returns its
// value: the body of every Store method that only wraps its Tx twin.
func viewValue[T any](ctx context.Context, s *Store, fn func(tx *Tx) (T, error)) (T, error) {
	var out T
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out, err
}

func (s *Store) run(ctx context.Context, db *sql.DB, readOnly bool, fn func(tx *Tx) error) error {
	var opts *sql.TxOptions
	if readOnly && s.dialect.Postgres() {
		opts = &sql.TxOptions{ReadOnly: true}
	}
	stx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := &Tx{tx: stx, s: s, now: s.Now().UTC().Truncate(time.Microsecond)}
	if err := fn(tx); err != nil {
		stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return s.mapErr(fmt.Errorf("store: commit: %w", err))
	}
	return nil
}

// Tx is one transaction. It carries the time the transaction started, taken
// from the store's clock, so every row it writes shares one timestamp.
type Tx struct {
	tx  *sql.Tx
	s   *Store
	now time.Time
}

// Now returns the transaction's timestamp (UTC, microsecond precision).
func (tx *Tx) Now() time.Time { return tx.now }

// Dialect returns the dialect of the transaction's store.
func (tx *Tx) Dialect() Dialect { return tx.s.dialect }

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	res, err := tx.tx.ExecContext(ctx, tx.s.rebind(q), args...)
	return res, tx.s.mapErr(err)
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := tx.tx.QueryContext(ctx, tx.s.rebind(q), args...)
	return rows, tx.s.mapErr(err)
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.s.rebind(q), args...)
}

// rowScanner is what a scan function reads one row from: *sql.Rows or
// *sql.Row.
type rowScanner = interface{ Scan(...any) error }

// collectRows reads every row of rows with scan, in order, and closes
// rows; on a scan error it returns no row. With no row it returns a nil
// slice.
func collectRows[T any](rows *sql.Rows, scan func(rowScanner, *T) error) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// each runs q and calls fn with a scanner for every row.
func (tx *Tx) each(ctx context.Context, q string, fn func(scan func(...any) error) error, args ...any) error {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// insert runs an INSERT … RETURNING id and returns the id.
func (tx *Tx) insert(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	if err := tx.queryRow(ctx, q+" RETURNING id", args...).Scan(&id); err != nil {
		return 0, tx.s.mapErr(err)
	}
	return id, nil
}

// count runs a query returning one integer.
func (tx *Tx) count(ctx context.Context, q string, args ...any) (int64, error) {
	var n int64
	if err := tx.queryRow(ctx, q, args...).Scan(&n); err != nil {
		return 0, tx.s.mapErr(err)
	}
	return n, nil
}

// rebind rewrites $n placeholders to SQLite's numbered ?n form.
func (s *Store) rebind(q string) string {
	if s.dialect.Postgres() || !strings.Contains(q, "$") {
		return q
	}
	b := []byte(q)
	for i := 0; i < len(b); i++ {
		if b[i] == '$' && i+1 < len(b) && b[i+1] >= '0' && b[i+1] <= '9' {
			b[i] = '?'
		}
	}
	return string(b)
}

// mapErr turns driver errors into kc errors: no rows → not found, unique
// violation → conflict. Other errors pass through unchanged.
func (s *Store) mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &kc.Error{Code: kc.ENotFound, Key: "error.not_found", Err: err}
	}
	if se, ok := errors.AsType[*sqlite.Error](err); ok {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &kc.Error{Code: kc.EConflict, Key: "error.conflict", Err: err}
		}
	}
	if pe, ok := errors.AsType[*pgconn.PgError](err); ok && pe.Code == "23505" {
		return &kc.Error{Code: kc.EConflict, Key: "error.conflict", Err: err}
	}
	return err
}

// limitOffset returns the paging clause for a list query; limit ≤ 0 means
// the default page of 50, capped at 1000.
func limitOffset(limit, offset int) string {
	if limit <= 0 {
		limit = 50
	}
	if limit > 1000 {
		limit = 1000
	}
	if offset < 0 {
		offset = 0
	}
	return fmt.Sprintf(" LIMIT %d OFFSET %d", limit, offset)
}

// inInts returns "(…)" with one placeholder per id starting at $start, and
// the arguments, for an IN filter on ids.
func inInts(start int, ids []int64) (string, []any) {
	var b strings.Builder
	args := make([]any, len(ids))
	b.WriteByte('(')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "$%d", start+i)
		args[i] = id
	}
	if len(ids) == 0 {
		b.WriteString("NULL")
	}
	b.WriteByte(')')
	return b.String(), args
}

// nullTime maps the zero time to NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// timeScan scans a nullable timestamp into a time.Time (zero for NULL).
type timeScan struct{ t *time.Time }

func (ts timeScan) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*ts.t = time.Time{}
	case time.Time:
		*ts.t = x.UTC()
	case string:
		return ts.parse(x)
	case []byte:
		return ts.parse(string(x))
	default:
		return fmt.Errorf("store: cannot scan %T into time", v)
	}
	return nil
}

func (ts timeScan) parse(s string) error {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			*ts.t = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("store: cannot parse time %q", s)
}
