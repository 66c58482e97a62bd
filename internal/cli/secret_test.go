package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"khuyencong/internal/store/storetest"
)

// runEnv runs the command line with env as its environment and returns
// the exit code and stderr.
func runEnv(t *testing.T, env map[string]string, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}
	code := m.Run(t.Context(), args)
	return code, errb.String()
}

func TestSecretKeyFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "kc.db")
	key := db + ".key"
	cases := []struct {
		name    string
		env     map[string]string
		db      string
		wantKey bool
	}{
		{"a secret in the environment makes no key file", map[string]string{"KHUYENCONG_SECRET": "mot-khoa-bi-mat-du-dai-cho-thu-nghiem-0123"}, filepath.Join(dir, "env.db"), false},
		{"SQLite without a secret creates the key file", nil, db, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if code, stderr := runEnv(t, c.env, "--db", "sqlite:"+c.db, "user", "list"); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			_, err := os.Stat(c.db + ".key")
			if (err == nil) != c.wantKey {
				t.Errorf("key file exists = %v, want %v", err == nil, c.wantKey)
			}
		})
	}
	fi, err := os.Stat(key)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v (%v), want 0600", fi.Mode(), err)
	}
	first, _ := os.ReadFile(key)
	if code, stderr := runEnv(t, nil, "--db", "sqlite:"+db, "user", "list"); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	if second, _ := os.ReadFile(key); !bytes.Equal(first, second) || len(bytes.TrimSpace(first)) != 64 {
		t.Errorf("the key file changed or is malformed: %q then %q", first, second)
	}
	// A short secret is refused with a one-line message.
	code, stderr := runEnv(t, map[string]string{"KHUYENCONG_SECRET": "ngan"}, "--db", "sqlite:"+db, "user", "list")
	if code != 1 || !strings.Contains(stderr, "KHUYENCONG_SECRET") {
		t.Errorf("short secret: exit %d, %q", code, stderr)
	}
}

func TestServeRefusesPostgresWithoutSecret(t *testing.T) {
	db := storetest.EmptyPostgres(t)
	code, stderr := runEnv(t, map[string]string{"KHUYENCONG_DB": db, "KHUYENCONG_ADDR": "127.0.0.1:0"}, "serve")
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if last := lines[len(lines)-1]; code != 1 || !strings.HasPrefix(last, "lỗi: ") || !strings.Contains(last, "KHUYENCONG_SECRET") {
		t.Errorf("exit %d, last line %q", code, last)
	}
}
