package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestImportCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "imp.db")
	messy := filepath.Join("..", "sheet", "testdata", "messy.xlsx")
	fixed := filepath.Join("..", "sheet", "testdata", "messy-fixed.xlsx")
	report := filepath.Join(t.TempDir(), "report.xlsx")

	code, out, errs := runUnits(t, db, "import", "establishments", messy, "--report", report)
	if code != 1 || !strings.Contains(out, "Có 8 lỗi") || !strings.Contains(lineWith(errs, "lỗi:"), "không có gì được ghi") {
		t.Fatalf("messy: exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range [][]string{
		{"Dòng 10, cột H (SĐT)", "09l2 345 679"},
		{"Dòng 11, cột D (Mã xã)", "99999"},
		{"Dòng 8, cột B (Tên cơ sở)", "dòng 5", "--decide 8=skip"},
		{"Dòng 10, cột J (Ngành nghề)", "Gỗ", "Chế biến gỗ", "Đồ gỗ mỹ nghệ"},
	} {
		line := lineWith(out, want[0])
		for _, w := range want[1:] {
			if !strings.Contains(line, w) {
				t.Errorf("line %q lacks %q\n%s", want[0], w, out)
			}
		}
	}
	f, err := excelize.OpenFile(report)
	if err != nil {
		t.Fatalf("report: %v", err)
	}
	rows, err := f.GetRows(f.GetSheetList()[0])
	f.Close()
	if err != nil || len(rows) != 8 || rows[0][len(rows[0])-1] != "Lỗi" {
		t.Fatalf("report rows %v %v", err, rows)
	}
	if last := rows[6][len(rows[6])-1]; !strings.Contains(last, "99999") || !strings.Contains(last, "13 chữ số") {
		t.Errorf("report row 11: %q", last)
	}

	code, out, _ = runUnits(t, db, "import", "establishments", fixed)
	if code != 1 || !strings.Contains(out, "--decide 8=skip") || !strings.Contains(out, "--report") {
		t.Errorf("fixed without decision: exit %d\n%s", code, out)
	}
	code, out, _ = runUnits(t, db, "import", "establishments", fixed, "--decide", "8=skip", "--dry-run")
	if code != 0 || !strings.Contains(out, "Sẽ tạo mới 6 cơ sở, cập nhật 0, bỏ qua 1") {
		t.Errorf("dry run: exit %d\n%s", code, out)
	}
	code, out, _ = runUnits(t, db, "import", "establishments", fixed, "--decide", "8=skip")
	if code != 0 || !strings.Contains(out, "Đã tạo mới 6 cơ sở, cập nhật 0, bỏ qua 1") {
		t.Errorf("import: exit %d\n%s", code, out)
	}
	code, out, _ = runUnits(t, db, "import", "establishments", fixed, "--decide", "8=skip")
	if code != 1 || !strings.Contains(out, "trùng với cơ sở đã có") {
		t.Errorf("second import: exit %d\n%s", code, out)
	}

	for _, args := range [][]string{
		{"--decide", "tám=skip"},
		{"--as", "khong.co.ai"},
	} {
		code, _, errs := runUnits(t, db, append([]string{"import", "establishments", fixed}, args...)...)
		if code != 1 || lineWith(errs, "lỗi:") == "" {
			t.Errorf("%v: exit %d\n%s", args, code, errs)
		}
	}
	// With a commune officer's scope, the rows of other communes are errors.
	var o, e bytes.Buffer
	m := &Main{Stdout: &o, Stderr: &e, Stdin: strings.NewReader(cliPassword + "\n"), Getenv: func(string) string { return "" }}
	if code := m.Run(t.Context(), []string{"--db", "sqlite:" + db, "user", "add", "canbo.dakrong", "--role", "commune_officer", "--scope", "19564", "--password-stdin"}); code != 0 {
		t.Fatalf("user add: %s", e.String())
	}
	code, out, _ = runUnits(t, db, "import", "establishments", fixed, "--decide", "8=skip", "--dry-run", "--as", "canbo.dakrong")
	if code != 1 || !strings.Contains(lineWith(out, "Dòng 7, cột D"), "ngoài địa bàn") || !strings.Contains(lineWith(out, "Dòng 12, cột D"), "ngoài địa bàn") {
		t.Errorf("--as: exit %d\n%s", code, out)
	}
	code, _, errs = runUnits(t, db, "import", "establishments", filepath.Join(t.TempDir(), "missing.xlsx"))
	if code != 1 || lineWith(errs, "lỗi:") == "" {
		t.Errorf("missing file: exit %d\n%s", code, errs)
	}
}
