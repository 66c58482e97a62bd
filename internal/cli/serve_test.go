package cli

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// run executes the command line with args and returns exit code, stdout
// and stderr.
func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}
	code := m.Run(t.Context(), args)
	return code, out.String(), errb.String()
}

func TestServeBadInput(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o555)

	cases := []struct {
		name string
		args []string
		want string // fragment of the one-line error
	}{
		{"unknown db", []string{"--db", "mysql://x", "serve", "--addr", "127.0.0.1:0"}, "sqlite:"},
		{"malformed db", []string{"--db", "sqlite:", "serve", "--addr", "127.0.0.1:0"}, "sqlite:"},
		{"missing folder", []string{"--db", "sqlite:" + filepath.Join(dir, "no", "x.db"), "serve", "--addr", "127.0.0.1:0"}, "không tồn tại"},
		{"port in use", []string{"--db", "sqlite:" + filepath.Join(dir, "p.db"), "serve", "--addr", busy.Addr().String()}, "--addr"},
		{"bad addr", []string{"--db", "sqlite:" + filepath.Join(dir, "a.db"), "serve", "--addr", "nonsense"}, "--addr"},
		{"postgres refused", []string{"--db", "postgres://kc@127.0.0.1:1/kc?connect_timeout=2", "serve", "--addr", "127.0.0.1:0"}, "PostgreSQL"},
	}
	if os.Geteuid() != 0 { // root ignores directory permissions
		cases = append(cases, struct {
			name string
			args []string
			want string
		}{"read-only folder", []string{"--db", "sqlite:" + filepath.Join(ro, "x.db"), "serve", "--addr", "127.0.0.1:0"}, "quyền"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := run(t, nil, c.args...)
			if code == 0 {
				t.Fatalf("exit 0, stderr %q", stderr)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			last := lines[len(lines)-1]
			if !strings.HasPrefix(last, "lỗi: ") || !strings.Contains(last, c.want) {
				t.Errorf("stderr last line = %q, want a one-line error containing %q", last, c.want)
			}
		})
	}
	// Nothing half-created: the port-in-use run must not have made a database.
	if _, err := os.Stat(filepath.Join(dir, "p.db")); err == nil {
		t.Error("port in use still created the database file")
	}
}

func TestServeStartsAndStops(t *testing.T) {
	dir := t.TempDir()
	ready := make(chan string, 1)
	var out bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &bytes.Buffer{}, Getenv: func(k string) string {
		return map[string]string{"KHUYENCONG_DB": "sqlite:" + filepath.Join(dir, "kc.db"), "KHUYENCONG_ADDR": "127.0.0.1:0"}[k]
	}, Ready: ready}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int, 1)
	go func() { done <- m.Run(ctx, []string{"serve"}) }()
	var url string
	select {
	case url = <-ready:
	case code := <-done:
		t.Fatalf("serve exited with %d: %s", code, out.String())
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start")
	}
	resp, err := http.Get(url + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /login = %d", resp.StatusCode)
	}
	cancel() // what SIGINT/SIGTERM do through signal.NotifyContext
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code %d after shutdown", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if !strings.Contains(out.String(), url) {
		t.Errorf("output does not print the URL: %q", out.String())
	}
}
