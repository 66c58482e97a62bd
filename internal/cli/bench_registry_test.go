package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchRegistry runs the registry benchmarks on the district demo: the
// list and search comparison for both principals, the export next to the
// raw SELECT, and the import of that export into an empty database next to
// the raw read and INSERT.
func TestBenchRegistry(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "demo.db")
	if code, _, errOut := run(t, nil, "demo", "--db", db); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	code, out, errOut := run(t, nil, "bench", "registry", "--requests", "3", "--budget", "1s", "--markdown", "--db", db)
	if code != 0 {
		t.Fatalf("bench registry: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	for _, c := range registryCases {
		if !strings.Contains(out, "  "+c.name+": ") {
			t.Errorf("no case %q:\n%s", c.name, out)
		}
	}
	for _, s := range []string{"province_officer", "admin", "app.SearchEstablishments", "một câu SQL thô", "p95", "| admin | q=\"ruou men la\" |"} {
		if !strings.Contains(out, s) {
			t.Errorf("stdout lacks %q:\n%s", s, out)
		}
	}
	if got := strings.Count(out, "một câu SQL thô"); got != 2*len(registryCases) {
		t.Errorf("%d raw SQL measurements, want %d", got, 2*len(registryCases))
	}

	code, out, errOut = run(t, nil, "bench", "export", "--keep", "--dir", dir, "--db", db)
	if code != 0 {
		t.Fatalf("bench export: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	for _, s := range []string{"276 dòng", "một câu SELECT thô", "app.ExportEstablishments csv", "app.ExportEstablishments xlsx", "RSS đỉnh"} {
		if !strings.Contains(out, s) {
			t.Errorf("bench export: stdout lacks %q:\n%s", s, out)
		}
	}
	xlsx := filepath.Join(dir, "kc-bench-export.xlsx")
	if _, err := os.Stat(xlsx); err != nil {
		t.Fatal(err)
	}

	// The import needs an empty registry: into the demo it refuses.
	if code, _, errOut := run(t, nil, "bench", "import", xlsx, "--db", db); code == 0 || !strings.Contains(errOut, "without establishments") {
		t.Errorf("bench import into a loaded database: exit %d, stderr %s", code, errOut)
	}
	empty := "sqlite:" + filepath.Join(dir, "empty.db")
	code, out, errOut = run(t, nil, "bench", "import", xlsx, "--rows", "200", "--db", empty)
	if code != 0 {
		t.Fatalf("bench import: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	for _, s := range []string{"kc-bench-export-200.xlsx", "đọc tệp bằng excelize", "INSERT thô", "chạy thử", "app.ImportEstablishments (ghi"} {
		if !strings.Contains(out, s) {
			t.Errorf("bench import: stdout lacks %q:\n%s", s, out)
		}
	}
	if got := strings.Count(out, " 200 "); got < 5 {
		t.Errorf("bench import: %d phases with 200 rows, want 5:\n%s", got, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "kc-bench-export-200.xlsx")); !os.IsNotExist(err) {
		t.Errorf("the trimmed copy is left behind: %v", err)
	}
}

// TestSameRegistryPage checks that the comparison catches every kind of
// difference between the app's page and the raw SQL page.
func TestSameRegistryPage(t *testing.T) {
	base := func() registryPage {
		return registryPage{ids: []int64{3, 1}, names: []string{"A", "B"}, communes: []int64{7, 7}, trades: [][]int64{{2, 1}, nil}, total: 12}
	}
	cases := []struct {
		name   string
		change func(*registryPage)
		want   string
	}{
		{"same", func(*registryPage) {}, ""},
		{"total", func(p *registryPage) { p.total = 13 }, "total"},
		{"rows", func(p *registryPage) {
			p.ids, p.names, p.communes, p.trades = p.ids[:1], p.names[:1], p.communes[:1], p.trades[:1]
		}, "rows"},
		{"order", func(p *registryPage) { p.ids = []int64{1, 3} }, "id"},
		{"name", func(p *registryPage) { p.names[1] = "C" }, "name"},
		{"commune", func(p *registryPage) { p.communes[0] = 8 }, "commune"},
		{"trade order", func(p *registryPage) { p.trades[0] = []int64{1, 2} }, "trades"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := base()
			c.change(&r)
			err := sameRegistryPage(base(), r)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("unexpected difference: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("got %v, want an error about %s", err, c.want)
			}
		})
	}
}
