package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"khuyencong/internal/tooltest"
)

// TestReportCommands writes, from the district demo, the 2015–2020
// report of the former Đakrông district in the three formats, the annual
// report of Xã Đakrông for 2026, the 2027 plan, a decision draft and
// acceptance minutes; converts every DOCX with LibreOffice (the check that
// Word-compatible readers open them; CI installs LibreOffice, elsewhere
// the conversion is skipped when it is missing), reads the PDF's text and
// reopens the workbook. Then the bad input: years out of order, a code
// unknown in those years, a unit outside the caller's scope, an unknown
// format, and a period with no data (an honest empty report).
func TestReportCommands(t *testing.T) {
	eachAccountDB(t, func(t *testing.T, db string) {
		env := map[string]string{"KHUYENCONG_SECRET": "report-test-secret-0123456789-abcdefghij"}
		if code, _, errOut := run(t, env, "demo", "--db", db); code != 0 {
			t.Fatalf("demo: exit %d: %s", code, errOut)
		}
		dir := t.TempDir()
		out := func(name string) string { return filepath.Join(dir, name) }
		for _, f := range []string{"docx", "xlsx", "pdf"} {
			code, stdout, errOut := run(t, env, "report", "period", "--db", db, "--unit", "467", "--from", "2015", "--to", "2020", "--format", f, "--out", out("dakrong."+f))
			if code != 0 || !strings.Contains(stdout, "giai đoạn 2015–2020 của huyện Đakrông (cũ)") || !strings.Contains(stdout, "tồn tại, hạn chế") {
				t.Fatalf("report period %s: exit %d: %s %s", f, code, stdout, errOut)
			}
		}
		for _, args := range [][]string{
			{"report", "annual", "--year", "2026", "--unit", "19564", "--out", out("xa-dakrong-2026.docx")},
			{"report", "plan", "--year", "2027", "--out", out("ke-hoach-2027.docx")},
			{"report", "decision", "--project", "DK-2027-01", "--out", out("quyet-dinh.docx")},
			{"report", "minutes", "--project", "DK-2026-02", "--out", out("bien-ban.docx")},
		} {
			if code, stdout, errOut := run(t, env, append(args, "--db", db)...); code != 0 {
				t.Fatalf("%v: exit %d: %s %s", args, code, stdout, errOut)
			}
		}

		// The PDF's own text, with its Vietnamese intact.
		if txt := pdfText(t, out("dakrong.pdf")); txt != "" {
			for _, want := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "TỒN TẠI, HẠN CHẾ", "Tà Long"} {
				if !strings.Contains(txt, want) {
					t.Errorf("the PDF lacks %q", want)
				}
			}
		}
		// The workbook: a sheet per table, numbers as numbers.
		wb, err := excelize.OpenFile(out("dakrong.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		if n := len(wb.GetSheetList()); n < 8 {
			t.Errorf("the workbook has %d sheets: %v", n, wb.GetSheetList())
		}
		wb.Close()
		// Every DOCX converts with LibreOffice.
		for _, name := range []string{"dakrong.docx", "xa-dakrong-2026.docx", "ke-hoach-2027.docx", "quyet-dinh.docx", "bien-ban.docx"} {
			libreOfficeConverts(t, out(name))
		}

		// Bad input, each with a message naming what is wrong.
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"report", "period", "--unit", "467", "--from", "2020", "--to", "2015"}, "2015"},
			{[]string{"report", "period", "--unit", "467", "--from", "2026", "--to", "2026"}, "467"},
			{[]string{"report", "annual", "--year", "2026", "--unit", "19564", "--as", "canbo.lalay"}, "Đakrông"},
			{[]string{"report", "annual", "--year", "2026", "--format", "odt"}, "odt"},
			{[]string{"report", "period", "--unit", "467"}, "--from"},
		} {
			code, stdout, errOut := run(t, env, append(c.args, "--db", db, "--out", out("bad.docx"))...)
			if code == 0 || !strings.Contains(errOut, c.want) {
				t.Errorf("%v: exit %d, stderr %q, stdout %q; want a failure naming %q", c.args, code, errOut, stdout, c.want)
			}
		}
		if _, err := os.Stat(out("bad.docx")); err == nil {
			t.Error("a refused report left a file behind")
		}
		code, stdout, errOut := run(t, env, "report", "period", "--db", db, "--unit", "467", "--from", "2005", "--to", "2006", "--out", out("empty.docx"))
		if code != 0 || !strings.Contains(stdout, "Không có số liệu") {
			t.Errorf("empty period: exit %d: %s %s", code, stdout, errOut)
		}
	})
}

// pdfText returns the text pdftotext extracts from path; without poppler
// the test is skipped, or failed under CI.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	b, err := exec.Command(tooltest.Path(t, "pdftotext", "poppler-utils"), "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(b)
}

// libreOfficeConverts converts a DOCX to PDF with LibreOffice in a
// private profile and fails unless a non-empty PDF comes out.
func libreOfficeConverts(t *testing.T, docx string) {
	t.Helper()
	lo := tooltest.Path(t, "libreoffice", "libreoffice-writer-nogui")
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 180*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, lo, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--convert-to", "pdf", "--outdir", dir, docx)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("libreoffice %s: %v\n%s", filepath.Base(docx), err, b)
	}
	pdf := filepath.Join(dir, strings.TrimSuffix(filepath.Base(docx), ".docx")+".pdf")
	if st, err := os.Stat(pdf); err != nil || st.Size() < 1000 {
		t.Fatalf("libreoffice made no PDF of %s: %v", filepath.Base(docx), err)
	}
}
