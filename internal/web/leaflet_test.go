package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/locale"
)

// TestSelfCheckLink opens the self-check through a leaflet's signed link:
// the commune, its province and the trade are chosen in the form; with the
// commune code or the trade changed, a forged signature or a signed but
// unknown commune, the page says the link is not valid (400) and shows the
// empty form, nothing broken.
func TestSelfCheckLink(t *testing.T) {
	f := schemeFixture(t)
	anon := f.anonymous(t)
	link, err := f.app.SelfCheckLink("", f.communeA.Code, "RUOU_MEN_LA")
	if err != nil {
		t.Fatal(err)
	}
	d := anon.doc(link, http.StatusOK)
	if got := d.Find("#sc-commune option[selected]").AttrOr("value", ""); got != f.communeA.Code {
		t.Errorf("commune chosen %q, want %q", got, f.communeA.Code)
	}
	if got := d.Find("#sc-trade option[selected]").AttrOr("value", ""); got != "RUOU_MEN_LA" {
		t.Errorf("trade chosen %q", got)
	}
	if got := d.Find(`select[name="province"] option[selected]`).AttrOr("value", ""); got != f.province.Code {
		t.Errorf("province chosen %q, want %q", got, f.province.Code)
	}
	if d.Find("#sc-link-notice").Length() != 0 {
		t.Error("a valid link shows the notice")
	}

	u, _ := url.Parse(link)
	q := u.Query()
	unknown, err := f.app.SelfCheckLink("", "99999", "RUOU_MEN_LA")
	if err != nil {
		t.Fatal(err)
	}
	notice := locale.T("vi", "leaflet.link_commune")
	for _, c := range []struct{ name, path, notice string }{
		{"tampered commune", "/tu-kiem-tra?xa=" + f.communeB.Code + "&nghe=RUOU_MEN_LA&k=" + q.Get("k"), notice},
		{"tampered trade", "/tu-kiem-tra?xa=" + f.communeA.Code + "&nghe=DET_THO_CAM&k=" + q.Get("k"), notice},
		{"forged signature", "/tu-kiem-tra?xa=" + f.communeA.Code + "&nghe=RUOU_MEN_LA&k=abcdefabcdef", notice},
		{"no signature", "/tu-kiem-tra?xa=" + f.communeA.Code + "&nghe=RUOU_MEN_LA", notice},
		{"signed unknown commune", unknown, notice},
	} {
		d := anon.doc(c.path, http.StatusBadRequest)
		if got := strings.TrimSpace(d.Find("#sc-link-notice").Text()); got != c.notice {
			t.Errorf("%s: notice %q, want %q", c.name, got, c.notice)
		}
		if !strings.HasPrefix(c.notice, "Mã xã trong đường dẫn không hợp lệ") {
			t.Errorf("notice %q", c.notice)
		}
		if d.Find("#sc-commune option[selected]").AttrOr("value", "") != "" || d.Find("#sc-trade option[selected]").AttrOr("value", "") != "" {
			t.Errorf("%s: the form is pre-filled", c.name)
		}
		if d.Find("#sc-form").Length() != 1 {
			t.Errorf("%s: no form", c.name)
		}
	}
}

// TestPublicBase: the leaflet's QR link starts with the configured public
// address, else the one the officer reached the server at.
func TestPublicBase(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/outreach/leaflet", nil)
	r.Host = "10.0.0.5:8080"
	if got := (&Server{}).publicBase(r); got != "http://10.0.0.5:8080" {
		t.Errorf("without a public address: %q", got)
	}
	if got := (&Server{opts: Options{SecureCookies: true}}).publicBase(r); got != "https://10.0.0.5:8080" {
		t.Errorf("behind TLS: %q", got)
	}
	if got := (&Server{opts: Options{PublicURL: "https://khuyencong.quangtri.gov.vn"}}).publicBase(r); got != "https://khuyencong.quangtri.gov.vn" {
		t.Errorf("configured: %q", got)
	}
}

// TestLeafletDownload gives a signed-in officer the leaflet form and the
// PDF (one page, A5 when asked, its link pointing at this server);
// unknown codes show the form again with the message (422), and the
// public is sent to the login.
func TestLeafletDownload(t *testing.T) {
	f := schemeFixture(t)
	officer := f.login(t, userOfficerA)
	d := officer.doc("/outreach/leaflet", http.StatusOK)
	if d.Find("#leaflet-form select[name=commune] option").Length() == 0 || d.Find("#leaflet-form select[name=trade] option").Length() == 0 {
		t.Fatal("the leaflet form has no choices")
	}
	res := officer.get("/outreach/leaflet?commune=" + f.communeA.Code + "&trade=RUOU_MEN_LA&size=A5")
	body := readAll(t, res)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("PDF: %d %s %.40q", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	if !strings.Contains(res.Header.Get("Content-Disposition"), "a5.pdf") {
		t.Errorf("Content-Disposition %q", res.Header.Get("Content-Disposition"))
	}
	// The page size of A5 in points, and one page.
	if !bytes.Contains([]byte(body), []byte("/MediaBox [0 0 420.94 595.28]")) || strings.Count(body, "/Type /Page\n") != 1 {
		t.Errorf("not one A5 page")
	}
	sheet, err := f.app.Leaflet(systemCtx(t), f.communeA.Code, "RUOU_MEN_LA", "A5", f.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sheet.URL, f.srv.URL+app.SelfCheckPath+"?") {
		t.Errorf("link %q", sheet.URL)
	}

	d = officer.doc("/outreach/leaflet?commune=99999&trade=RUOU_MEN_LA", http.StatusUnprocessableEntity)
	if got := strings.TrimSpace(d.Find("#lf-commune-error").Text()); got == "" {
		t.Error("no message for an unknown commune")
	}
	d = officer.doc("/outreach/leaflet?commune="+f.communeA.Code+"&trade=KHONG_CO", http.StatusUnprocessableEntity)
	if strings.TrimSpace(d.Find("#lf-trade-error").Text()) == "" {
		t.Error("no message for an unknown trade")
	}
	res = f.anonymous(t).get("/outreach/leaflet?commune=" + f.communeA.Code + "&trade=RUOU_MEN_LA")
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusFound {
		t.Errorf("public: status %d, want a redirect to the login", res.StatusCode)
	}
}
