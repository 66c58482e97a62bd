package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"khuyencong/internal/sheet"
)

// TestExportCommand loads the district demo and exports it with the
// command line in both formats, whole and by unit, with and without
// personal data: the printed counts match the rows read back, and bad
// input leaves no file behind.
func TestExportCommand(t *testing.T) {
	eachAccountDB(t, func(t *testing.T, db string) {
		env := map[string]string{"KHUYENCONG_SECRET": "export-test-secret-0123456789-abcdefghij"}
		dir := t.TempDir()
		if code, _, errOut := run(t, env, "demo", "--db", db); code != 0 {
			t.Fatalf("demo: exit %d: %s", code, errOut)
		}
		counted := regexp.MustCompile(`Đã xuất (\d+) cơ sở`)
		export := func(t *testing.T, out string, args ...string) (int, *sheet.Table) {
			t.Helper()
			code, stdout, errOut := run(t, env, append([]string{"export", "establishments", "--db", db, "--out", out}, args...)...)
			if code != 0 {
				t.Fatalf("export %v: exit %d: %s", args, code, errOut)
			}
			m := counted.FindStringSubmatch(stdout)
			if m == nil {
				t.Fatalf("no count in %q", stdout)
			}
			n, _ := strconv.Atoi(m[1])
			fh, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			tab, err := sheet.Read(fh, out, sheet.Limits{})
			if err != nil || !tab.Valid() {
				t.Fatalf("read %s: %v", out, err)
			}
			if len(tab.Rows) != n {
				t.Fatalf("%s: printed %d, file has %d rows", out, n, len(tab.Rows))
			}
			return n, tab
		}
		all, _ := export(t, filepath.Join(dir, "all.xlsx"))
		allCSV, tab := export(t, filepath.Join(dir, "all.csv"))
		if all < 250 || allCSV != all {
			t.Errorf("xlsx %d rows, csv %d", all, allCSV)
		}
		for i := range tab.Rows {
			if tab.Rows[i].Text("phone") != "" || tab.Rows[i].Text("owner_ethnicity") != "" {
				t.Fatalf("line %d: personal values without --personal", tab.Rows[i].Line)
			}
		}
		// Xã Đakrông (19564): a part of the demo district.
		unit, _ := export(t, filepath.Join(dir, "unit.csv"), "--unit", "19564")
		if unit == 0 || unit >= all {
			t.Errorf("unit 19564: %d rows of %d", unit, all)
		}
		_, personal := export(t, filepath.Join(dir, "personal.data"), "--personal", "--format", "xlsx")
		ethnic := 0
		for i := range personal.Rows {
			if personal.Rows[i].Text("owner_ethnicity") != "" {
				ethnic++
			}
		}
		if ethnic == 0 {
			t.Error("--personal exported no ethnicity")
		}
		bad := []struct {
			name   string
			args   []string
			stderr string
		}{
			{"no --out", []string{"export", "establishments", "--db", db}, "--out"},
			{"unknown format", []string{"export", "establishments", "--db", db, "--out", filepath.Join(dir, "x.pdf")}, "pdf"},
			{"unknown unit", []string{"export", "establishments", "--db", db, "--unit", "77777", "--out", filepath.Join(dir, "bad.xlsx")}, "77777"},
			{"unknown kind", []string{"export", "establishments", "--db", db, "--kind", "factory", "--out", filepath.Join(dir, "bad.csv")}, "factory"},
			{"missing folder", []string{"export", "establishments", "--db", db, "--out", filepath.Join(dir, "nope", "x.xlsx")}, "nope"},
		}
		for _, c := range bad {
			t.Run(c.name, func(t *testing.T) {
				code, out, errOut := run(t, env, c.args...)
				if code != 1 || out != "" || !strings.Contains(errOut, c.stderr) {
					t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
				}
			})
		}
		entries, _ := os.ReadDir(dir)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if strings.Join(names, " ") != "all.csv all.xlsx personal.data unit.csv" {
			t.Errorf("files left: %v", names)
		}
	})
}
