package cli

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
	"khuyencong/internal/vi"
)

func init() {
	// Cheap argon2id parameters keep the account commands fast in tests.
	auth.HashParams = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
}

// eachAccountDB runs fn with a fresh --db value on SQLite and, when
// KHUYENCONG_TEST_DB is set, on PostgreSQL.
func eachAccountDB(t *testing.T, fn func(t *testing.T, db string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, "sqlite:"+filepath.Join(t.TempDir(), "kc.db")) })
	t.Run("postgres", func(t *testing.T) { fn(t, storetest.EmptyPostgres(t)) })
}

// runAccount runs the command line on db with stdin and returns the exit
// code, stdout and stderr.
func runAccount(t *testing.T, db, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(stdin), Getenv: func(string) string { return "" }}
	code := m.Run(t.Context(), append([]string{"--db", db}, args...))
	return code, out.String(), errb.String()
}

// rawDB opens the database behind a --db value directly, for checks and
// tampering that no command allows.
func rawDB(t *testing.T, db string) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", db
	if p, ok := strings.CutPrefix(db, "sqlite:"); ok {
		driver, dsn = "sqlite", p
	}
	d, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

const cliPassword = "Mây tre đan Hướng Hóa"

func TestUserCommands(t *testing.T) {
	eachAccountDB(t, func(t *testing.T, db string) {
		today := vi.FormatDay(time.Now().In(vi.Location))
		steps := []struct {
			name   string
			stdin  string
			args   []string
			code   int
			stderr string // the one-line error, "" for none
		}{
			{"add admin", cliPassword + "\n", []string{"user", "add", "quantri", "--role", "admin", "--password-stdin"}, 0, ""},
			{"add commune officer", cliPassword + "\n" + cliPassword + "\n", []string{"user", "add", "lan", "--role", "commune_officer", "--scope", "19564", "--name", "Nguyễn Thị Lan"}, 0, ""},
			{"add province officer", cliPassword + "\n", []string{"user", "add", "tinh.qt", "--role", "province_officer", "--scope", "44", "--password-stdin"}, 0, ""},
			{"duplicate", cliPassword + "\n", []string{"user", "add", "lan", "--role", "viewer", "--scope", "44", "--password-stdin"}, 1, ta("user.exists", "lan")},
			{"weak password", "short\n", []string{"user", "add", "yen", "--role", "viewer", "--scope", "44", "--password-stdin"}, 1, ta("user.password_short", 10)},
			{"common password", "password123\n", []string{"user", "add", "yen", "--role", "viewer", "--scope", "44", "--password-stdin"}, 1, ta("user.password_common")},
			{"unknown role", cliPassword + "\n", []string{"user", "add", "yen", "--role", "root", "--password-stdin"}, 1, ta("user.role_invalid", "root")},
			{"missing role", cliPassword + "\n", []string{"user", "add", "yen", "--password-stdin"}, 1, ta("user.role_required")},
			{"unknown scope", cliPassword + "\n", []string{"user", "add", "yen", "--role", "viewer", "--scope", "99999", "--password-stdin"}, 1, ta("user.scope_code_unknown", "99999", today)},
			{"former commune", cliPassword + "\n", []string{"user", "add", "yen", "--role", "commune_officer", "--scope", "19576", "--password-stdin"}, 1, ta("user.scope_code_unknown", "19576", today)},
			{"commune role on province", cliPassword + "\n", []string{"user", "add", "yen", "--role", "commune_officer", "--scope", "44", "--password-stdin"}, 1, ta("user.scope_communes")},
			{"scope missing", cliPassword + "\n", []string{"user", "add", "yen", "--role", "viewer", "--password-stdin"}, 1, ta("user.scope_required")},
			{"bad user name", cliPassword + "\n", []string{"user", "add", "Yến", "--role", "admin", "--password-stdin"}, 1, ta("user.username_invalid")},
			{"confirmation differs", cliPassword + "\nkhác hẳn rồi nhé\n", []string{"user", "add", "yen", "--role", "admin"}, 1, ta("user.password_mismatch")},
			{"no password", "", []string{"user", "add", "yen", "--role", "admin", "--password-stdin"}, 1, ta("user.password_empty")},
			{"passwd", "Rượu cần Tà Rụt 2026\n", []string{"user", "passwd", "lan", "--password-stdin"}, 0, ""},
			{"passwd weak", "12345678901\n", []string{"user", "passwd", "lan", "--password-stdin"}, 1, ta("user.password_digits")},
			{"passwd unknown", cliPassword + "\n", []string{"user", "passwd", "ghost", "--password-stdin"}, 1, ta("user.not_found_name", "ghost")},
			{"disable", "", []string{"user", "disable", "tinh.qt"}, 0, ""},
			{"disable unknown", "", []string{"user", "disable", "ghost"}, 1, ta("user.not_found_name", "ghost")},
		}
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				code, _, stderr := runAccount(t, db, s.stdin, s.args...)
				if code != s.code {
					t.Fatalf("exit %d, want %d; stderr %q", code, s.code, stderr)
				}
				if s.stderr != "" && stderr != "lỗi: "+s.stderr+"\n" {
					t.Fatalf("stderr %q, want the one line %q", stderr, "lỗi: "+s.stderr)
				}
			})
		}
		t.Run("list", func(t *testing.T) {
			code, out, _ := runAccount(t, db, "", "user", "list")
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if code != 0 || len(lines) != 4 || !strings.HasPrefix(lines[0], ta("user.col_username")) {
				t.Fatalf("user list (exit %d):\n%s", code, out)
			}
			want := []struct{ user, has string }{
				{"lan", "Xã Đakrông (19564)"},
				{"quantri", ta("role.admin")},
				{"tinh.qt", "Tỉnh Quảng Trị (44)"},
			}
			for i, w := range want {
				if f := strings.Fields(lines[i+1]); f[0] != w.user || !strings.Contains(lines[i+1], w.has) {
					t.Errorf("row %d = %q, want %s with %q", i+1, lines[i+1], w.user, w.has)
				}
			}
			if !strings.Contains(lines[3], " "+ta("user.yes")+" ") || strings.Contains(lines[1], " "+ta("user.yes")+" ") {
				t.Errorf("disabled column wrong:\n%s", out)
			}
		})
		t.Run("nothing half-created", func(t *testing.T) {
			var n int
			if err := rawDB(t, db).QueryRow("SELECT COUNT(*) FROM app_user WHERE username = 'yen'").Scan(&n); err != nil || n != 0 {
				t.Fatalf("refused user stored: %d, %v", n, err)
			}
		})
		t.Run("logins", func(t *testing.T) {
			st, err := store.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			a := app.New(st, nil)
			cases := []struct {
				user, password string
				ok             bool
			}{
				{"quantri", cliPassword, true},
				{"lan", "Rượu cần Tà Rụt 2026", true},
				{"lan", cliPassword, false},
				{"tinh.qt", cliPassword, false}, // disabled
			}
			for _, c := range cases {
				_, err := a.Authenticate(t.Context(), c.user, c.password, "")
				if (err == nil) != c.ok {
					t.Errorf("login %s: %v, want ok=%v", c.user, err, c.ok)
				}
			}
			p, err := a.Authenticate(t.Context(), "lan", "Rượu cần Tà Rụt 2026", "")
			if err != nil || len(p.Communes) != 1 || p.User.DisplayName != "Nguyễn Thị Lan" {
				t.Fatalf("lan principal %+v, %v", p, err)
			}
		})
	})
}

func TestAuditCommands(t *testing.T) {
	eachAccountDB(t, func(t *testing.T, db string) {
		for _, u := range []string{"mot", "hai", "bay", "bon"} {
			if code, _, stderr := runAccount(t, db, cliPassword+"\n", "user", "add", u, "--role", "admin", "--password-stdin"); code != 0 {
				t.Fatalf("add %s: %s", u, stderr)
			}
		}
		raw := rawDB(t, db)
		exec := func(t *testing.T, q string) {
			t.Helper()
			if _, err := raw.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		var original string
		if err := raw.QueryRow("SELECT after_data FROM audit WHERE id = 2").Scan(&original); err != nil {
			t.Fatal(err)
		}
		verify := func(t *testing.T, wantCode int, wantID string) {
			t.Helper()
			code, out, stderr := runAccount(t, db, "", "audit", "verify")
			if code != wantCode {
				t.Fatalf("audit verify exit %d, want %d; out %q err %q", code, wantCode, out, stderr)
			}
			if wantCode == 0 {
				if out != ta("audit.ok", 4)+"\n" {
					t.Fatalf("stdout %q", out)
				}
				return
			}
			if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, wantID) {
				t.Fatalf("stderr %q does not name %s", stderr, wantID)
			}
		}
		steps := []struct {
			name string
			run  func(t *testing.T)
		}{
			{"intact", func(t *testing.T) {
				code, out, _ := runAccount(t, db, "", "audit", "verify")
				if code != 0 || out != ta("audit.ok", 4)+"\n" {
					t.Fatalf("exit %d, stdout %q", code, out)
				}
			}},
			{"list", func(t *testing.T) {
				code, out, _ := runAccount(t, db, "", "audit", "list", "--limit", "2")
				lines := strings.Split(strings.TrimSpace(out), "\n")
				if code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[1], "4 ") || !strings.Contains(lines[1], "user #") {
					t.Fatalf("audit list (exit %d):\n%s", code, out)
				}
				code, out, _ = runAccount(t, db, "", "audit", "list", "--entity", "user", "--id", "2")
				if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || len(lines) != 2 || !strings.Contains(lines[1], `"hai"`) {
					t.Fatalf("audit list --entity (exit %d):\n%s", code, out)
				}
				if code, _, _ := runAccount(t, db, "", "audit", "list", "--limit", "0"); code != 1 {
					t.Fatalf("--limit 0: exit %d", code)
				}
			}},
			{"altered", func(t *testing.T) {
				exec(t, `UPDATE audit SET after_data = '{"username":"hai","role":"viewer"}' WHERE id = 2`)
				verify(t, 1, "#2 ")
				_, _, stderr := runAccount(t, db, "", "audit", "verify")
				for _, part := range []string{"system", kc.ActionCreate, "user #2"} {
					if !strings.Contains(stderr, part) {
						t.Errorf("stderr %q lacks %q", stderr, part)
					}
				}
			}},
			{"restored", func(t *testing.T) {
				if _, err := raw.Exec(rebindAccount(db, "UPDATE audit SET after_data = $1 WHERE id = 2"), original); err != nil {
					t.Fatal(err)
				}
				verify(t, 0, "")
			}},
			{"middle removed", func(t *testing.T) {
				exec(t, "DELETE FROM audit WHERE id = 3")
				verify(t, 1, "#3,")
			}},
		}
		for _, s := range steps {
			t.Run(s.name, s.run)
		}
	})
}

// rebindAccount rewrites $n placeholders for SQLite's raw driver.
func rebindAccount(db, q string) string {
	if strings.HasPrefix(db, "sqlite:") {
		return strings.ReplaceAll(q, "$", "?")
	}
	return q
}
