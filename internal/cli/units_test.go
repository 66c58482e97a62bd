package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// runUnits runs the command line against one SQLite file and returns the
// exit code, stdout and stderr.
func runUnits(t *testing.T, db string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := m.Run(t.Context(), append([]string{"--db", "sqlite:" + db}, args...))
	return code, out.String(), errb.String()
}

// lineWith returns the first line of s containing sub, or "".
func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

func TestUnitsCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	cases := []struct {
		name     string
		args     []string
		exit     int
		stdout   []string // fragments, each on some line of stdout
		sameLine [][]string
		stderr   []string // fragments of the last stderr line (the one-line error)
	}{
		{
			name: "19576 on 2020-01-01", args: []string{"units", "show", "19576", "--on", "2020-01-01"},
			stdout: []string{"Xã Ba Nang", "19576", "01/01/2020", "30/06/2025"},
			sameLine: [][]string{
				{"Huyện Đakrông (467)", "Tỉnh Quảng Trị (45)"}, // parent chain
				{"Xã Đakrông (19564)", "01/07/2025"},           // successor with its date
			},
		},
		{
			name: "19576 on 2026-01-01 no longer exists", args: []string{"units", "show", "19576", "--on", "2026-01-01"}, exit: 1,
			stderr: []string{"19576", "01/01/2026", "Xã Ba Nang", "30/06/2025", "Xã Đakrông (19564)", "01/07/2025"},
		},
		{
			name: "new 19564 lists its predecessors", args: []string{"units", "show", "19564", "--on", "2026-01-01"},
			stdout:   []string{"Xã Đakrông", "Tỉnh Quảng Trị (44)"},
			sameLine: [][]string{{"Xã Ba Nang (19576)", "01/07/2025"}, {"Xã Tà Long (19579)"}, {"Xã Đa Krông (19564)"}},
		},
		{
			name: "code reuse 19555", args: []string{"units", "show", "19555", "--on", "2020-01-01"},
			stdout: []string{"Thị trấn Krông Klang"}, sameLine: [][]string{{"Xã Hướng Hiệp (19555)", "01/07/2025"}},
		},
		{name: "malformed code", args: []string{"units", "show", "1957"}, exit: 1, stderr: []string{"1957"}},
		{name: "malformed date", args: []string{"units", "show", "19576", "--on", "01/01/2020"}, exit: 1, stderr: []string{"01/01/2020"}},
		{name: "unknown code", args: []string{"units", "show", "99999", "--on", "2020-01-01"}, exit: 1, stderr: []string{"99999", "01/01/2020"}},
		{
			name: "search without marks", args: []string{"units", "search", "dakrong", "--on", "2026-01-01"},
			sameLine: [][]string{{"19564", "Xã Đakrông", "Tỉnh Quảng Trị (44)", "01/07/2025"}},
		},
		{
			name: "search two words", args: []string{"units", "search", "ba", "nang"},
			sameLine: [][]string{{"19576", "Xã Ba Nang", "Huyện Đakrông (467)"}},
		},
		{name: "search bad level", args: []string{"units", "search", "ba", "--level", "hamlet"}, exit: 1, stderr: []string{"hamlet"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runUnits(t, db, c.args...)
			if code != c.exit {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, c.exit, stdout, stderr)
			}
			for _, f := range c.stdout {
				if !strings.Contains(stdout, f) {
					t.Errorf("stdout lacks %q:\n%s", f, stdout)
				}
			}
			for _, fs := range c.sameLine {
				l := lineWith(stdout, fs[0])
				for _, f := range fs[1:] {
					if !strings.Contains(l, f) {
						t.Errorf("line %q lacks %q:\n%s", l, f, stdout)
					}
				}
				if l == "" {
					t.Errorf("no line with %q:\n%s", fs[0], stdout)
				}
			}
			if c.exit != 0 {
				lines := strings.Split(strings.TrimSpace(stderr), "\n")
				last := lines[len(lines)-1]
				if !strings.HasPrefix(last, "lỗi: ") {
					t.Errorf("last stderr line %q is not the one-line error", last)
				}
				for _, f := range c.stderr {
					if !strings.Contains(last, f) {
						t.Errorf("error line %q lacks %q", last, f)
					}
				}
			}
		})
	}
}
