package leaflet_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"khuyencong/internal/report/leaflet"
	"khuyencong/internal/tooltest"
)

// sheet returns a leaflet with n supports of long conditions.
func sheet(size string, n int) leaflet.Sheet {
	s := leaflet.Sheet{Size: size, Date: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Kicker: "Chương trình khuyến công — tỉnh Quảng Trị",
		Title: "Hỗ trợ cho nghề Rượu men lá", Place: "Dành cho cơ sở sản xuất ở Xã Đakrông, Tỉnh Quảng Trị",
		Lead: "Nhà nước có các khoản hỗ trợ để cơ sở làm nghề mua máy móc, đào tạo nghề, làm nhãn hiệu.", Heading: "Các khoản hỗ trợ",
		DocumentsHeading: "Giấy tờ cần chuẩn bị", Documents: []string{"Căn cước công dân của chủ cơ sở."},
		ContactHeading: "Hỏi ở đâu", Contact: []string{"Cán bộ kinh tế của UBND xã Đakrông."},
		QRHeading: "Quét mã để tự kiểm tra", QRText: "Dùng camera điện thoại quét mã.",
		URL:    "https://khuyencong.example.vn/tu-kiem-tra?xa=19564&nghe=RUOU_MEN_LA&k=0123456789ab",
		Footer: []string{"Thông tin theo các chính sách đang có hiệu lực ngày 01/03/2026."}}
	for i := range n {
		s.Supports = append(s.Supports, leaflet.Support{Name: "Ứng dụng máy móc tiên tiến số " + string(rune('A'+i)), Amount: "Tối đa 300.000.000 đồng; đến 50% chi phí",
			Conditions: []string{strings.Repeat("Cơ sở có đăng ký kinh doanh hoặc tổ hợp tác thành lập theo hợp đồng hợp tác; ", 2)}})
	}
	return s
}

// render renders s to a file and returns its path and bytes.
func render(t *testing.T, s leaflet.Sheet) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := leaflet.Render(&buf, s); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "leaflet.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, buf.Bytes()
}

// TestRender renders a short and a long leaflet on A4 and A5: always one
// page of that size, the same bytes for the same sheet, the Vietnamese
// text extractable, and a QR code that decodes to the URL at 150 dpi.
func TestRender(t *testing.T) {
	for _, size := range []string{leaflet.SizeA4, leaflet.SizeA5} {
		for _, n := range []int{1, 16} {
			s := sheet(size, n)
			path, b := render(t, s)
			if _, again := render(t, s); !bytes.Equal(b, again) {
				t.Errorf("%s/%d: two renderings differ", size, n)
			}
			info, err := exec.Command(tooltest.Path(t, "pdfinfo", "poppler-utils"), path).Output()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(info), "("+size+")") || !strings.Contains(string(info), "Pages:           1\n") {
				t.Errorf("%s/%d: %s", size, n, info)
			}
			text, err := exec.Command(tooltest.Path(t, "pdftotext", "poppler-utils"), path, "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			flat := strings.Join(strings.Fields(string(text)), " ")
			for _, want := range []string{"Rượu men lá", "Xã Đakrông", "Tối đa 300.000.000 đồng", "Quét mã để tự kiểm tra", "Căn cước", "UBND xã Đakrông"} {
				if !strings.Contains(flat, want) {
					t.Errorf("%s/%d: no %q in %s", size, n, want, flat)
				}
			}
			// The first support is always there; sixteen long ones do not
			// all fit, and the last is left out rather than overprinted.
			if shown := strings.Count(flat, "Ứng dụng máy móc tiên tiến số"); shown < 1 || (n == 16 && shown == 16) || (n == 1 && shown != 1) {
				t.Errorf("%s/%d: %d supports shown", size, n, shown)
			}
			pdftoppm := tooltest.Path(t, "pdftoppm", "poppler-utils")
			zbarimg := tooltest.Path(t, "zbarimg", "zbar-tools")
			prefix := filepath.Join(t.TempDir(), "p")
			if out, err := exec.Command(pdftoppm, "-r", "150", "-png", path, prefix).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v %s", err, out)
			}
			code, err := exec.Command(zbarimg, "--quiet", "--raw", prefix+"-1.png").Output()
			if err != nil || strings.TrimSpace(string(code)) != s.URL {
				t.Errorf("%s/%d: QR reads %q (%v), want %q", size, n, code, err, s.URL)
			}
		}
	}
}

// TestRenderRefuses refuses an unknown size and a missing URL.
func TestRenderRefuses(t *testing.T) {
	for _, s := range []leaflet.Sheet{{Size: "A3", URL: "http://x"}, {Size: leaflet.SizeA4}} {
		if err := leaflet.Render(&bytes.Buffer{}, s); err == nil {
			t.Errorf("%+v rendered", s)
		}
	}
}
