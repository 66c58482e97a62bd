package cli

import (
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"khuyencong/internal/app"
)

func TestDemoCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	db := "sqlite:" + path
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
	t.Run("the loaded district holds every output kind acceptance records", func(t *testing.T) {
		conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		rows, err := conn.QueryContext(t.Context(), `SELECT DISTINCT o.kind FROM project_output o JOIN project p ON p.id = o.project_id
			WHERE p.year BETWEEN 2015 AND 2020 AND p.demo ORDER BY o.kind`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var kinds []string
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				t.Fatal(err)
			}
			kinds = append(kinds, k)
		}
		want := slices.Sorted(slices.Values(app.OutputKinds))
		if rows.Err() != nil || !slices.Equal(kinds, want) {
			t.Errorf("output kinds of 2015–2020 %v, want %v (%v)", kinds, want, rows.Err())
		}
	})
}
