package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestDemoCommand(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "demo.db")
	cases := []struct {
		name     string
		args     []string
		code     int
		stdout   []string
		stderr   []string
		noStdout bool
	}{
		{name: "unknown scale", args: []string{"demo", "--scale", "city", "--db", db}, code: 1, stderr: []string{"city", "district, province"}, noStdout: true},
		{name: "district", args: []string{"demo", "--db", db}, code: 0,
			stdout: []string{"district (seed 1)", "cơ sở:", "thời gian:", "VmHWM", "canbo.dakrong", "demo-commune-2026"}, stderr: []string{"demo: progress"}},
		{name: "not into a loaded database", args: []string{"demo", "--scale", "province", "--db", db}, code: 1, stderr: []string{"--db"}, noStdout: true},
		{name: "bench on it", args: []string{"bench", "dashboard", "--clients", "4", "--requests", "8", "--db", db}, code: 0,
			stdout: []string{"app.Dashboard", "p95", "một câu SQL thô", "province_officer", "admin"}},
		{name: "bench needs clients", args: []string{"bench", "dashboard", "--clients", "0", "--db", db}, code: 1, stderr: []string{"--clients"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := run(t, nil, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errOut)
			}
			for _, s := range c.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range c.stderr {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut)
				}
			}
			if c.noStdout && out != "" {
				t.Errorf("stdout should be empty: %s", out)
			}
		})
	}
}
