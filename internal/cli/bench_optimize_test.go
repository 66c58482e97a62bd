package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"khuyencong/internal/tooltest"
)

// TestBenchOptimize runs `bench optimize` on two small sizes: the table
// has a row per size with the same optimum as glpsol, and the LP files
// and glpsol's reports stay in --dir. Without glpsol the test fails when
// CI is set and otherwise runs with --glpsol none.
func TestBenchOptimize(t *testing.T) {
	dir := t.TempDir()
	args := []string{"bench", "optimize", "--sizes", "30,60", "--runs", "2", "--seed", "2", "--dir", dir}
	withGlpsol := true
	if _, ok := tooltest.Lookup(t, "glpsol", "glpk-utils"); !ok {
		t.Log("glpsol is not installed: running without the comparison")
		args = append(args, "--glpsol", "none")
		withGlpsol = false
	}
	code, out, errOut := run(t, nil, args...)
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	verdict := "bằng nhau"
	if !withGlpsol {
		verdict = "không so sánh"
	}
	for _, n := range []string{"30", "60"} {
		re := regexp.MustCompile(`(?m)^\s+` + n + `\s+\d+\s+[\d.]+ m?s\s+\d+\s+[\d.]+ m?s\s+\S+( m?s)?\s+(\d+)\s+(\S+)\s+` + verdict + `$`)
		m := re.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no row for %s proposals with %q:\n%s", n, verdict, out)
		}
		if withGlpsol && m[2] != m[3] {
			t.Errorf("size %s: optimum %s, glpsol %s", n, m[2], m[3])
		}
		if _, err := os.Stat(filepath.Join(dir, "optimize-"+n+"-2.lp")); err != nil {
			t.Error(err)
		}
	}
	if !strings.Contains(out, "allocate.Generate(cỡ, 2)") || !strings.Contains(out, "Các tệp LP") {
		t.Errorf("header or footer missing:\n%s", out)
	}
}

// TestBenchOptimizeMismatch replaces glpsol by a script that reports a
// wrong optimum: the command must say so and fail.
func TestBenchOptimizeMismatch(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "fake-glpsol")
	script := `#!/bin/sh
if [ "$1" = "--version" ]; then echo "fake glpsol"; exit 0; fi
out=""
while [ $# -gt 0 ]; do
  if [ "$1" = "-o" ]; then out="$2"; fi
  shift
done
printf 'Status:     INTEGER OPTIMAL\nObjective:  obj = 1 (MAXimum)\n' > "$out"
`
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, nil, "bench", "optimize", "--sizes", "20", "--runs", "1", "--glpsol", fake)
	if code != 1 || !strings.Contains(out, "KHÁC") || !strings.Contains(errOut, "1 bài toán không có hai giá trị tối ưu bằng nhau") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if !strings.Contains(out, "fake glpsol") {
		t.Errorf("the glpsol version is not shown:\n%s", out)
	}
}

// TestBenchOptimizeBadFlags checks the messages of bad flags and of a
// missing glpsol.
func TestBenchOptimizeBadFlags(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--sizes", "100,0"}, `--sizes "100,0" không hợp lệ`},
		{[]string{"--sizes", "a"}, `--sizes "a" không hợp lệ`},
		{[]string{"--runs", "0"}, "--runs phải từ 1 trở lên"},
		{[]string{"--glpsol", "/nonexistent/glpsol"}, "Không tìm thấy chương trình glpsol (/nonexistent/glpsol)"},
	}
	for _, c := range cases {
		code, _, errOut := run(t, nil, append([]string{"bench", "optimize", "--sizes", "10"}, c.args...)...)
		if code != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, errOut, c.want)
		}
	}
}
