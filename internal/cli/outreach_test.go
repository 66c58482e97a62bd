package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"khuyencong/internal/tooltest"
)

// decodeQR rasterises the first page of a PDF at 150 dpi with pdftoppm
// and returns what zbarimg reads from it (the tools are skipped when
// missing, except under CI).
func decodeQR(t *testing.T, pdf string) []string {
	t.Helper()
	pdftoppm := tooltest.Path(t, "pdftoppm", "poppler-utils")
	zbarimg := tooltest.Path(t, "zbarimg", "zbar-tools")
	prefix := filepath.Join(t.TempDir(), "page")
	if b, err := exec.Command(pdftoppm, "-r", "150", "-png", "-f", "1", "-l", "1", pdf, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, b)
	}
	png, _ := filepath.Glob(prefix + "*.png")
	if len(png) != 1 {
		t.Fatalf("pdftoppm made %v", png)
	}
	out, err := exec.Command(zbarimg, "--quiet", "--raw", png[0]).Output()
	if err != nil {
		t.Fatalf("zbarimg found no code in %s: %v", png[0], err)
	}
	return strings.Fields(string(out))
}

// pdfPageSize returns pdfinfo's "Page size" line and the page count.
func pdfPageSize(t *testing.T, pdf string) (size, pages string) {
	t.Helper()
	b, err := exec.Command(tooltest.Path(t, "pdfinfo", "poppler-utils"), pdf).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(l, ":")
		switch k {
		case "Page size":
			size = strings.TrimSpace(v)
		case "Pages":
			pages = strings.TrimSpace(v)
		}
	}
	return size, pages
}

// TestOutreachLeaflet writes the rice-wine leaflet of Xã Đakrông from the
// district demo on A4 and A5 and checks it as a reader would: one page of
// the right size, the trade and the commune, a support with its amount,
// the printed link, and a QR code that decodes to that same signed,
// pre-filled self-check link. Then the bad input: unknown commune,
// unknown trade, bad size, missing --out, each refused with a Vietnamese
// message naming the flag and no file left behind.
func TestOutreachLeaflet(t *testing.T) {
	eachAccountDB(t, func(t *testing.T, db string) {
		env := map[string]string{"KHUYENCONG_SECRET": "leaflet-test-secret-0123456789-abcdefghij"}
		if code, _, errOut := run(t, env, "demo", "--db", db); code != 0 {
			t.Fatalf("demo: exit %d: %s", code, errOut)
		}
		dir := t.TempDir()
		base := "https://khuyencong.example.vn"
		link := regexp.MustCompile(`^https://khuyencong\.example\.vn/tu-kiem-tra\?xa=19564&nghe=RUOU_MEN_LA&k=[0-9a-f]{12}$`)
		for _, size := range []string{"A4", "A5"} {
			out := filepath.Join(dir, "dakrong-"+size+".pdf")
			code, stdout, errOut := run(t, env, "outreach", "leaflet", "--db", db, "--commune", "19564", "--trade", "RUOU_MEN_LA",
				"--size", size, "--base-url", base, "--out", out)
			if code != 0 || !strings.Contains(stdout, out) {
				t.Fatalf("leaflet %s: exit %d: %s %s", size, code, stdout, errOut)
			}
			if got, pages := pdfPageSize(t, out); !strings.Contains(got, "("+size+")") || pages != "1" {
				t.Errorf("%s: page size %q, %s pages", size, got, pages)
			}
			text := strings.Join(strings.Fields(pdfText(t, out)), " ")
			for _, want := range []string{"Rượu men lá", "Xã Đakrông", "Tỉnh Quảng Trị", "Tối đa ", " đồng", "UBND xã Đakrông", "Quét mã"} {
				if !strings.Contains(text, want) {
					t.Errorf("%s: the text lacks %q:\n%s", size, want, text)
				}
			}
			if !regexp.MustCompile(`Tối đa [0-9.]+ đồng`).MatchString(text) {
				t.Errorf("%s: no support with an amount:\n%s", size, text)
			}
			codes := decodeQR(t, out)
			if len(codes) != 1 || !link.MatchString(codes[0]) {
				t.Fatalf("%s: QR code reads %q", size, codes)
			}
			// The link is printed beside the code (wrapped before its query).
			printed := strings.ReplaceAll(text, " ", "")
			if !strings.Contains(printed, codes[0]) {
				t.Errorf("%s: the printed text does not hold the link %s:\n%s", size, codes[0], text)
			}
		}

		bad := filepath.Join(dir, "bad.pdf")
		for _, c := range []struct {
			args []string
			flag string
		}{
			{[]string{"--commune", "99999", "--trade", "RUOU_MEN_LA", "--out", bad}, "--commune"},
			{[]string{"--commune", "19564", "--trade", "KHONG_CO", "--out", bad}, "--trade"},
			{[]string{"--commune", "19564", "--trade", "RUOU_MEN_LA", "--size", "A3", "--out", bad}, "--size"},
			{[]string{"--commune", "19564", "--trade", "RUOU_MEN_LA", "--base-url", "ftp://x", "--out", bad}, "--base-url"},
			{[]string{"--commune", "19564", "--trade", "RUOU_MEN_LA"}, "--out"},
		} {
			code, _, errOut := run(t, env, append([]string{"outreach", "leaflet", "--db", db}, c.args...)...)
			if code == 0 || !strings.Contains(errOut, c.flag+":") || !regexp.MustCompile(`[ảãạăắằẳẵặâấầẩẫậđẹẻẽếềểễệỉĩịỏõọôốồổỗộơớờởỡợủũụưứừửữựỳỵỷỹ]`).MatchString(errOut) {
				t.Errorf("leaflet %v: exit %d, %q; want a Vietnamese message naming %s", c.args, code, errOut, c.flag)
			}
			if _, err := os.Stat(bad); err == nil {
				t.Fatalf("leaflet %v left a file behind", c.args)
			}
		}
	})
}
