package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
	"khuyencong/internal/vi"

	"github.com/PuerkitoBio/goquery"
)

// Minimal file contents that content sniffing recognises.
var (
	recordPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
	recordPDF = []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
)

// recordXLSX returns a zip archive shaped like an XLSX workbook.
func recordXLSX(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, _ := zw.Create(p)
		w.Write([]byte("<x/>"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// recordSystem is a context for fixture set-up done as the system.
func recordSystem(t *testing.T) context.Context {
	return app.WithPrincipal(t.Context(), app.System)
}

// recordUpload posts one file as the "file" field of a multipart form.
func (c *client) recordUpload(path, name string, data []byte) *http.Response {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		c.t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	res, err := c.http.Post(c.base+path, mw.FormDataContentType(), &body)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	return res
}

// recordHTMXPost posts a form as htmx does (HX-Request), for a fragment.
func (c *client) recordHTMXPost(path string, form url.Values) *http.Response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	return res
}

// recordExpect closes res and fails unless its status is want.
func recordExpect(t *testing.T, res *http.Response, want int) {
	t.Helper()
	body := readAll(t, res)
	if res.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d\n%.400s", res.Request.Method, res.Request.URL.Path, res.StatusCode, want, body)
	}
}

// recordText returns the trimmed text of the selection.
func recordText(d *goquery.Document, sel string) string { return strings.TrimSpace(d.Find(sel).Text()) }

func TestRecordPageSections(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		ctx := recordSystem(t)
		id := f.estA.ID
		if err := f.app.EnsureReference(ctx); err != nil {
			t.Fatal(err)
		}
		trades, err := f.app.Trades(ctx)
		if err != nil || len(trades) < 2 {
			t.Fatalf("trades: %v %v", trades, err)
		}
		ids := []int64{trades[1].ID, trades[0].ID}
		if _, err := f.app.UpdateEstablishment(ctx, id, kc.EstablishmentUpdate{TradeIDs: &ids}); err != nil {
			t.Fatal(err)
		}
		fact := kc.EstablishmentFact{EstablishmentID: id, Year: 2025, Workers: 12, WomenWorkers: 9, EthnicMinorityWorkers: 7, Revenue: 1_500_000_000, Capital: 300_000_000, AvgIncome: 4_200_000}
		if _, err := f.app.PutFact(ctx, fact); err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.AddCertificate(ctx, kc.Certificate{EstablishmentID: id, Kind: kc.CertOCOP, Stars: 4, Product: "Vải thổ cẩm", Year: 2022, ValidUntil: kc.MustDate("2025-06-30")}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.AddCertificate(ctx, kc.Certificate{EstablishmentID: id, Kind: kc.CertTypicalProduct, Level: "province", Product: "Khăn dệt", Year: 2024, ValidUntil: kc.MustDate("2027-12-31")}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.AddLicence(ctx, kc.Licence{EstablishmentID: id, Kind: "Giấy phép sản xuất rượu thủ công", Number: "12/GP", IssuedOn: kc.MustDate("2024-01-02")}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.AddArtisan(ctx, kc.ArtisanRecord{EstablishmentID: id, Name: "Hồ Thị Lan", Title: kc.ArtisanMeritorious, RecognisedYear: 2019}); err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/establishments/%d", id)

		d := f.login(t, userOfficerA).doc(path, http.StatusOK)
		if got, want := recordText(d, "#f-trades"), trades[1].Name+", "+trades[0].Name; got != want {
			t.Errorf("trades %q, want %q", got, want)
		}
		row := d.Find(`#facts-table tbody tr[data-year="2025"]`)
		if row.Length() != 1 {
			t.Fatal("no facts row for 2025")
		}
		var cells []string
		row.Find("td").Each(func(_ int, s *goquery.Selection) { cells = append(cells, strings.TrimSpace(s.Text())) })
		want := []string{"12", "9", "7", vi.FormatVND(1_500_000_000), vi.FormatVND(300_000_000), vi.FormatVND(4_200_000)}
		if len(cells) < len(want) || !slices.Equal(cells[:len(want)], want) {
			t.Errorf("facts cells %q, want %q", cells, want)
		}
		if n := d.Find("#certificates-table tbody tr").Length(); n != 2 {
			t.Errorf("%d certificate rows", n)
		}
		if n := d.Find("#certificates-table .expired").Length(); n != 1 {
			t.Errorf("%d certificates marked expired, want the OCOP one", n)
		}
		if d.Find("#licences-table tbody tr").Length() != 1 || d.Find("#artisans-table tbody tr").Length() != 1 {
			t.Error("licence or artisan missing")
		}
		if d.Find("#support #support-none").Length() != 1 {
			t.Error("no support section with its empty state")
		}
		for _, sel := range []string{"#general", "#owner", "#location", "#registration", "#flags", "#files", "#history"} {
			if d.Find("section"+sel+" h2").Length() != 1 {
				t.Errorf("no section %s", sel)
			}
		}
		for _, form := range []string{"#fact-form", "#cert-form", "#lic-form", "#art-form", "#file-form"} {
			if d.Find(form).Length() != 1 {
				t.Errorf("officer sees no %s", form)
			}
		}
		if d.Find(`#facts-table form[action$="/facts/2025/delete"]`).Length() != 1 {
			t.Error("no delete button for the 2025 facts")
		}
		// The history names the changes: the facts entry and the update
		// of the trades, without values.
		hist := d.Find("#history-table tbody tr")
		if hist.Length() < 5 {
			t.Errorf("history has %d rows", hist.Length())
		}
		if !strings.Contains(hist.Text(), locale.T("vi", "record.entity.establishment_fact", 2025)) ||
			!strings.Contains(hist.Text(), locale.T("vi", "record.audit.TradeIDs")) {
			t.Errorf("history lacks the facts or the trades change: %s", hist.Text())
		}

		viewer := f.login(t, userViewer).doc(path, http.StatusOK)
		if viewer.Find("#facts-table tbody tr").Length() != 1 {
			t.Error("viewer does not see the facts")
		}
		if n := viewer.Find("main form").Length(); n != 0 {
			t.Errorf("viewer sees %d forms", n)
		}

		// ?fact=YEAR fills the form for editing.
		ed := f.login(t, userOfficerA).doc(path+"?fact=2025", http.StatusOK)
		if v, _ := ed.Find(`#fact-form input[name="revenue"]`).Attr("value"); v != "1.500.000.000" {
			t.Errorf("edit form revenue %q", v)
		}
		if ed.Find(`#fact-form input[name="editing"]`).Length() != 1 {
			t.Error("edit form not marked as editing")
		}
	})
}

func TestRecordForms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		id := f.estA.ID
		base := fmt.Sprintf("/establishments/%d", id)
		officer := f.login(t, userOfficerA)

		t.Run("facts with errors keep the values", func(t *testing.T) {
			res := officer.post(base+"/facts", url.Values{"year": {"2025"}, "workers": {"3"}, "women_workers": {"5"}, "revenue": {"nhiều"}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", res.StatusCode)
			}
			d := parse(t, res)
			if d.Find("#fact-revenue-error").Length() != 1 {
				t.Error("no message next to revenue")
			}
			if v, _ := d.Find("#fact-revenue").Attr("value"); v != "nhiều" {
				t.Errorf("revenue kept as %q", v)
			}
			// Once the number parses, the app's rule shows next to its field.
			res = officer.post(base+"/facts", url.Values{"year": {"2025"}, "workers": {"3"}, "women_workers": {"5"}})
			d = parse(t, res)
			if res.StatusCode != http.StatusUnprocessableEntity || recordText(d, "#fact-women-workers-error") != locale.T("vi", "est.more_than_workers", 3) {
				t.Errorf("status %d, women error %q", res.StatusCode, recordText(d, "#fact-women-workers-error"))
			}
			if facts, _ := st.ListFacts(t.Context(), id); len(facts) != 0 {
				t.Errorf("facts stored: %+v", facts)
			}
		})
		t.Run("facts saved, replaced and deleted", func(t *testing.T) {
			res := officer.post(base+"/facts", url.Values{"year": {"2025"}, "workers": {"8"}, "women_workers": {"5"}, "revenue": {"150.000.000"}, "avg_income": {"3 500 000"}})
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != base+"?done=fact#facts" {
				t.Fatalf("status %d, location %q", res.StatusCode, res.Header.Get("Location"))
			}
			got, err := st.GetFact(t.Context(), id, 2025)
			if err != nil || got.Workers != 8 || got.Revenue != 150_000_000 || got.AvgIncome != 3_500_000 {
				t.Fatalf("stored %+v %v", got, err)
			}
			recordExpect(t, officer.post(base+"/facts", url.Values{"year": {"2025"}, "workers": {"9"}, "editing": {"1"}}), http.StatusSeeOther)
			if got, _ := st.GetFact(t.Context(), id, 2025); got.Workers != 9 {
				t.Errorf("replaced workers %d", got.Workers)
			}
			if d := officer.doc(base+"?done=fact", http.StatusOK); d.Find(".flash").Length() != 1 {
				t.Error("no flash after saving")
			}
			recordExpect(t, officer.post(base+"/facts/2025/delete", nil), http.StatusSeeOther)
			if _, err := st.GetFact(t.Context(), id, 2025); kc.ErrorCode(err) != kc.ENotFound {
				t.Errorf("after delete: %v", err)
			}
		})
		t.Run("certificate", func(t *testing.T) {
			res := officer.post(base+"/certificates", url.Values{"kind": {"ocop"}, "year": {"2024"}, "product": {"Rượu men lá"}})
			d := parse(t, res)
			if res.StatusCode != http.StatusUnprocessableEntity || d.Find("#cert-stars-error").Length() != 1 {
				t.Fatalf("OCOP without stars: status %d", res.StatusCode)
			}
			if v, _ := d.Find("#cert-product").Attr("value"); v != "Rượu men lá" {
				t.Errorf("product kept as %q", v)
			}
			res = officer.post(base+"/certificates", url.Values{"kind": {"ocop"}, "stars": {"4"}, "year": {"2024"}, "valid_until": {"31/12/2027"}, "product": {"Rượu men lá"}})
			recordExpect(t, res, http.StatusSeeOther)
			certs, _ := st.ListCertificates(t.Context(), id)
			if len(certs) != 1 || certs[0].Stars != 4 || certs[0].ValidUntil != kc.MustDate("2027-12-31") {
				t.Fatalf("stored %+v", certs)
			}
			recordExpect(t, officer.post(fmt.Sprintf("%s/certificates/%d/delete", base, certs[0].ID), nil), http.StatusSeeOther)
			if certs, _ := st.ListCertificates(t.Context(), id); len(certs) != 0 {
				t.Errorf("left %+v", certs)
			}
		})
		t.Run("licence", func(t *testing.T) {
			res := officer.post(base+"/licences", url.Values{"kind": {""}, "issued_on": {"31/02/2024"}})
			d := parse(t, res)
			if res.StatusCode != http.StatusUnprocessableEntity || d.Find("#lic-issued-on-error").Length() != 1 {
				t.Fatalf("bad date: status %d", res.StatusCode)
			}
			recordExpect(t, officer.post(base+"/licences", url.Values{"kind": {"Giấy phép sản xuất rượu thủ công"}, "issued_on": {"2024-03-01"}}), http.StatusSeeOther)
			lics, _ := st.ListLicences(t.Context(), id)
			if len(lics) != 1 || lics[0].IssuedOn != kc.MustDate("2024-03-01") {
				t.Fatalf("stored %+v", lics)
			}
			recordExpect(t, officer.post(fmt.Sprintf("%s/licences/%d/delete", base, lics[0].ID), nil), http.StatusSeeOther)
		})
		t.Run("artisan", func(t *testing.T) {
			res := officer.post(base+"/artisans", url.Values{"name": {"Hồ Văn Bảy"}, "title": {"master"}})
			d := parse(t, res)
			if res.StatusCode != http.StatusUnprocessableEntity || d.Find("#art-title-error").Length() != 1 {
				t.Fatalf("bad title: status %d", res.StatusCode)
			}
			recordExpect(t, officer.post(base+"/artisans", url.Values{"name": {"Hồ Văn Bảy"}, "title": {"people"}, "recognised_year": {"2015"}}), http.StatusSeeOther)
			arts, _ := st.ListArtisans(t.Context(), id)
			if len(arts) != 1 || arts[0].Title != "people" {
				t.Fatalf("stored %+v", arts)
			}
			recordExpect(t, officer.post(fmt.Sprintf("%s/artisans/%d/delete", base, arts[0].ID), nil), http.StatusSeeOther)
		})
		t.Run("scope and role come before validation", func(t *testing.T) {
			other := fmt.Sprintf("/establishments/%d", f.estB.ID)
			cert, err := st.CreateCertificate(t.Context(), kc.Certificate{EstablishmentID: f.estB.ID, Kind: kc.CertOCOP, Stars: 3, Year: 2024})
			if err != nil {
				t.Fatal(err)
			}
			viewer := f.login(t, userViewer)
			for _, c := range []struct {
				name   string
				c      *client
				path   string
				form   url.Values
				status int
			}{
				{"officer A adds facts to B", officer, other + "/facts", url.Values{"year": {"2025"}, "workers": {"1"}}, http.StatusNotFound},
				{"officer A posts invalid facts to B", officer, other + "/facts", url.Values{"year": {"x"}}, http.StatusNotFound},
				{"officer A posts an invalid certificate to B", officer, other + "/certificates", url.Values{"kind": {"iso"}}, http.StatusNotFound},
				{"officer A deletes B's certificate", officer, fmt.Sprintf("%s/certificates/%d/delete", other, cert.ID), nil, http.StatusNotFound},
				{"B's certificate through A's record", officer, fmt.Sprintf("%s/certificates/%d/delete", base, cert.ID), nil, http.StatusNotFound},
				{"officer A deletes B's facts", officer, other + "/facts/2025/delete", nil, http.StatusNotFound},
				{"viewer adds a licence", viewer, other + "/licences", url.Values{"kind": {"x"}}, http.StatusForbidden},
				{"viewer deletes a certificate", viewer, fmt.Sprintf("%s/certificates/%d/delete", other, cert.ID), nil, http.StatusForbidden},
			} {
				t.Run(c.name, func(t *testing.T) { recordExpect(t, c.c.post(c.path, c.form), c.status) })
			}
			if certs, _ := st.ListCertificates(t.Context(), f.estB.ID); len(certs) != 1 {
				t.Errorf("B's certificates changed: %+v", certs)
			}
			if facts, _ := st.ListFacts(t.Context(), f.estB.ID); len(facts) != 0 {
				t.Errorf("B's facts changed: %+v", facts)
			}
		})
	})
}

func TestRevealPersonal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		const phone, pid = "0912345678", "001234567890"
		e, err := f.app.CreateEstablishment(recordSystem(t), kc.Establishment{Kind: kc.KindHousehold, Name: "Hộ dệt Hồ Thị Lan", CommuneID: f.communeA.ID,
			OwnerName: "Hồ Thị Lan", OwnerGender: "female", OwnerEthnicity: "Pa Kô", Phone: phone, PersonalID: pid})
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/establishments/%d", e.ID)
		reveals := func() int {
			t.Helper()
			entries, err := st.ListAudit(t.Context(), "establishment", e.ID, 100)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, en := range entries {
				if en.Action == kc.ActionReveal {
					n++
				}
			}
			return n
		}
		officer, viewer := f.login(t, userOfficerA), f.login(t, userViewer)

		t.Run("masked on the page for every role", func(t *testing.T) {
			for _, c := range []*client{officer, viewer} {
				res := c.get(path)
				body := readAll(t, res)
				if strings.Contains(body, phone) || strings.Contains(body, pid) || strings.Contains(body, "Pa Kô") {
					t.Error("the page holds a clear personal value")
				}
				d, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
				if got := recordText(d, "#f-phone"); got != app.MaskPhone(phone) {
					t.Errorf("phone shown as %q", got)
				}
			}
		})
		t.Run("viewer gets no button and cannot reveal", func(t *testing.T) {
			d := viewer.doc(path, http.StatusOK)
			if d.Find("#reveal-form").Length() != 0 || d.Find("#masked-hint").Length() != 1 {
				t.Error("viewer is offered the reveal form, or no masked hint")
			}
			res := viewer.post(path+"/reveal", url.Values{"reason": {"xem thử"}})
			body := readAll(t, res)
			if res.StatusCode != http.StatusForbidden || strings.Contains(body, phone) {
				t.Errorf("viewer reveal: status %d", res.StatusCode)
			}
			if n := reveals(); n != 0 {
				t.Errorf("%d reveal entries", n)
			}
		})
		t.Run("officer B gets 404", func(t *testing.T) {
			recordExpect(t, f.login(t, userOfficerB).post(path+"/reveal", url.Values{"reason": {"xem thử"}}), http.StatusNotFound)
		})
		t.Run("a reason is required", func(t *testing.T) {
			if officer.doc(path, http.StatusOK).Find(`#reveal-form input[name="reason"][required]`).Length() != 1 {
				t.Fatal("officer is not offered the reveal form")
			}
			res := officer.post(path+"/reveal", url.Values{"reason": {"   "}})
			body := readAll(t, res)
			d, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
			if res.StatusCode != http.StatusUnprocessableEntity || recordText(d, "#reveal-reason-error") != locale.T("vi", "personal.reason_required") {
				t.Errorf("status %d, error %q", res.StatusCode, recordText(d, "#reveal-reason-error"))
			}
			if strings.Contains(body, phone) {
				t.Error("clear phone shown without a reason")
			}
			res = officer.recordHTMXPost(path+"/reveal", url.Values{"reason": {""}})
			d = parse(t, res)
			if res.StatusCode != http.StatusOK || d.Find("#personal #reveal-reason-error").Length() != 1 || d.Find("header.top").Length() != 0 {
				t.Errorf("htmx without reason: status %d, fragment %v", res.StatusCode, d.Find("#personal").Length())
			}
			if n := reveals(); n != 0 {
				t.Errorf("%d reveal entries", n)
			}
		})
		t.Run("plain post shows the values and audits", func(t *testing.T) {
			res := officer.post(path+"/reveal", url.Values{"reason": {"gọi điện hẹn khảo sát"}})
			if res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", res.Header.Get("Cache-Control"))
			}
			d := parse(t, res)
			if res.StatusCode != http.StatusOK || recordText(d, "#f-phone") != phone || recordText(d, "#f-personal-id") != pid || recordText(d, "#f-ethnicity") != "Pa Kô" {
				t.Errorf("status %d, phone %q, id %q", res.StatusCode, recordText(d, "#f-phone"), recordText(d, "#f-personal-id"))
			}
			if d.Find("header.top").Length() != 1 || d.Find("#revealed").Length() != 1 || d.Find(`a#back[href="`+path+`"]`).Length() != 1 {
				t.Error("the fallback is not a whole page with a way back")
			}
			entries, _ := st.ListAudit(t.Context(), "establishment", e.ID, 1)
			if len(entries) != 1 || entries[0].Action != kc.ActionReveal || entries[0].Actor != userOfficerA || !strings.Contains(entries[0].After, "gọi điện hẹn khảo sát") {
				t.Fatalf("audit %+v", entries)
			}
			if strings.Contains(entries[0].After+entries[0].Before, phone) {
				t.Error("the audit entry holds the phone")
			}
		})
		t.Run("htmx post swaps the fragment", func(t *testing.T) {
			res := officer.recordHTMXPost(path+"/reveal", url.Values{"reason": {"đối chiếu hồ sơ"}})
			d := parse(t, res)
			if res.StatusCode != http.StatusOK || d.Find("header.top").Length() != 0 || d.Find("div#personal").Length() != 1 || recordText(d, "#f-phone") != phone {
				t.Errorf("status %d, fragment phone %q", res.StatusCode, recordText(d, "#f-phone"))
			}
			if n := reveals(); n != 2 {
				t.Errorf("%d reveal entries, want 2", n)
			}
		})
		t.Run("the page is masked again and its history names the reveal", func(t *testing.T) {
			res := officer.get(path)
			body := readAll(t, res)
			if strings.Contains(body, phone) || strings.Contains(body, "hẹn khảo sát") {
				t.Error("the page shows a revealed value or the reason")
			}
			d, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
			if !strings.Contains(d.Find("#history-table").Text(), locale.T("vi", "record.action.reveal")) {
				t.Error("history lacks the reveal")
			}
		})
	})
}

func TestRecordFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		a, b := f.estA.ID, f.estB.ID
		base := fmt.Sprintf("/establishments/%d", a)
		officer, viewer := f.login(t, userOfficerA), f.login(t, userViewer)
		fileID := func(name string) int64 {
			t.Helper()
			list, err := st.ListAttachments(t.Context(), store.AttachmentEstablishment, a)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range list {
				if f.FileName == name {
					return f.ID
				}
			}
			t.Fatalf("no file %q among %+v", name, list)
			return 0
		}

		res := officer.recordUpload(base+"/files", "Ảnh xưởng dệt.png", recordPNG)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != base+"?done=file#files" {
			t.Fatalf("upload: status %d, location %q", res.StatusCode, res.Header.Get("Location"))
		}
		photo := fileID("Ảnh xưởng dệt.png")
		recordExpect(t, officer.recordUpload(base+"/files", "giay-phep.pdf", recordPDF), http.StatusSeeOther)
		pdf := fileID("giay-phep.pdf")

		t.Run("listed with size, uploader and thumbnail", func(t *testing.T) {
			d := viewer.doc(base, http.StatusOK)
			row := d.Find(fmt.Sprintf(`#files-table tr[data-id="%d"]`, photo))
			if src, _ := row.Find("img.record-thumb").Attr("src"); src != fmt.Sprintf("%s/files/%d?inline=1", base, photo) {
				t.Errorf("thumbnail src %q", src)
			}
			if !strings.Contains(row.Text(), "Cán bộ xã An Phú") || !strings.Contains(row.Text(), attachmentSize("vi", int64(len(recordPNG)))) {
				t.Errorf("row %q lacks the uploader or the size", row.Text())
			}
			if d.Find(fmt.Sprintf(`#files-table tr[data-id="%d"] img`, pdf)).Length() != 0 {
				t.Error("PDF has a thumbnail")
			}
			if d.Find("#file-form").Length() != 0 || d.Find(`form[action$="/delete"]`).Length() != 0 {
				t.Error("viewer may upload or delete")
			}
		})
		t.Run("download headers", func(t *testing.T) {
			for _, c := range []struct {
				name, query, wantType, wantDisp string
				id                              int64
				data                            []byte
			}{
				{"photo", "", "image/png", "attachment", photo, recordPNG},
				{"photo inline", "?inline=1", "image/png", "inline", photo, recordPNG},
				{"pdf is never inline", "?inline=1", "application/pdf", "attachment", pdf, recordPDF},
			} {
				t.Run(c.name, func(t *testing.T) {
					res := viewer.get(fmt.Sprintf("%s/files/%d%s", base, c.id, c.query))
					body := readAll(t, res)
					h := res.Header
					if res.StatusCode != http.StatusOK || body != string(c.data) {
						t.Fatalf("status %d, %d bytes", res.StatusCode, len(body))
					}
					if h.Get("Content-Type") != c.wantType || h.Get("X-Content-Type-Options") != "nosniff" {
						t.Errorf("Content-Type %q, nosniff %q", h.Get("Content-Type"), h.Get("X-Content-Type-Options"))
					}
					disp := h.Get("Content-Disposition")
					if !strings.HasPrefix(disp, c.wantDisp+";") {
						t.Errorf("Content-Disposition %q", disp)
					}
					if c.id == photo && !strings.Contains(disp, `filename*=UTF-8''%E1%BA%A2nh%20x%C6%B0%E1%BB%9Fng%20d%E1%BB%87t.png`) {
						t.Errorf("Content-Disposition %q lacks the RFC 5987 name", disp)
					}
					if c.id == photo && !strings.Contains(disp, `filename="anh-xuong-det.png"`) {
						t.Errorf("Content-Disposition %q lacks the ASCII name", disp)
					}
				})
			}
		})
		t.Run("rejected files", func(t *testing.T) {
			// Each account has five uploads at once (the rate limit), so
			// the last case uploads as the province officer.
			province := f.login(t, userProvince)
			for _, c := range []struct {
				name, file string
				data       []byte
				status     int
				message    string
				as         *client
			}{
				{"executable", "setup.exe", []byte("MZ\x90\x00"), http.StatusUnprocessableEntity, locale.T("vi", "record.file.type_not_allowed", "exe"), officer},
				{"html named png", "anh.png", []byte("<!DOCTYPE html><script>alert(1)</script>"), http.StatusUnprocessableEntity, locale.T("vi", "record.file.content_mismatch", "PNG"), officer},
				{"over 10 MB", "lon.pdf", append(bytes.Clone(recordPDF), make([]byte, app.MaxAttachmentSize)...), http.StatusRequestEntityTooLarge, locale.T("vi", "record.file.too_large", 10), officer},
				{"body far over the cap", "rat-lon.pdf", append(bytes.Clone(recordPDF), make([]byte, app.MaxAttachmentSize+2<<20)...), http.StatusRequestEntityTooLarge, locale.T("vi", "record.file.too_large", 10), province},
			} {
				t.Run(c.name, func(t *testing.T) {
					res := c.as.recordUpload(base+"/files", c.file, c.data)
					d := parse(t, res)
					if res.StatusCode != c.status {
						t.Errorf("status %d, want %d", res.StatusCode, c.status)
					}
					if got := recordText(d, "#files #file-error"); got != c.message {
						t.Errorf("message %q, want %q", got, c.message)
					}
				})
			}
			if list, _ := st.ListAttachments(t.Context(), store.AttachmentEstablishment, a); len(list) != 2 {
				t.Errorf("%d files stored", len(list))
			}
		})
		t.Run("scope", func(t *testing.T) {
			officerB, province := f.login(t, userOfficerB), f.login(t, userProvince)
			for _, c := range []struct {
				name   string
				res    func() *http.Response
				status int
			}{
				{"officer B downloads A's file", func() *http.Response { return officerB.get(fmt.Sprintf("%s/files/%d", base, photo)) }, http.StatusNotFound},
				{"officer B uploads to A", func() *http.Response { return officerB.recordUpload(base+"/files", "x.png", recordPNG) }, http.StatusNotFound},
				{"officer B deletes A's file", func() *http.Response { return officerB.post(fmt.Sprintf("%s/files/%d/delete", base, photo), nil) }, http.StatusNotFound},
				{"officer A downloads through B's record", func() *http.Response {
					return officer.get(fmt.Sprintf("/establishments/%d/files/%d", b, photo))
				}, http.StatusNotFound},
				{"province gets A's file through B's record", func() *http.Response {
					return province.get(fmt.Sprintf("/establishments/%d/files/%d", b, photo))
				}, http.StatusNotFound},
				{"viewer uploads", func() *http.Response { return viewer.recordUpload(base+"/files", "x.png", recordPNG) }, http.StatusForbidden},
				{"viewer deletes", func() *http.Response { return viewer.post(fmt.Sprintf("%s/files/%d/delete", base, photo), nil) }, http.StatusForbidden},
				{"province uploads an XLSX to B", func() *http.Response {
					return province.recordUpload(fmt.Sprintf("/establishments/%d/files", b), "so-lieu.xlsx", recordXLSX(t))
				}, http.StatusSeeOther},
			} {
				t.Run(c.name, func(t *testing.T) { recordExpect(t, c.res(), c.status) })
			}
			if list, _ := st.ListAttachments(t.Context(), store.AttachmentEstablishment, a); len(list) != 2 {
				t.Errorf("A has %d files", len(list))
			}
		})
		t.Run("delete", func(t *testing.T) {
			res := officer.post(fmt.Sprintf("%s/files/%d/delete", base, pdf), nil)
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != base+"?done=deleted#files" {
				t.Fatalf("status %d, location %q", res.StatusCode, res.Header.Get("Location"))
			}
			recordExpect(t, officer.get(fmt.Sprintf("%s/files/%d", base, pdf)), http.StatusNotFound)
			entries, _ := st.ListAudit(t.Context(), "establishment_file", a, 10)
			var actions []string
			for _, e := range entries {
				actions = append(actions, e.Action)
				if strings.Contains(e.Before+e.After, "%PDF") {
					t.Error("audit holds file contents")
				}
			}
			if !slices.Equal(actions, []string{kc.ActionDelete, kc.ActionCreate, kc.ActionCreate}) {
				t.Errorf("audit actions %v", actions)
			}
		})
		t.Run("uploads are rate limited per account", func(t *testing.T) {
			limited := false
			for range 20 {
				res := officer.recordUpload(base+"/files", "x.exe", []byte("MZ"))
				res.Body.Close()
				if res.StatusCode == http.StatusTooManyRequests {
					limited = res.Header.Get("Retry-After") != ""
					break
				}
			}
			if !limited {
				t.Error("no 429 with Retry-After after 20 quick uploads")
			}
		})
	})
}

func TestAttachmentDisposition(t *testing.T) {
	cases := []struct{ disp, name, want string }{
		{"attachment", "Ảnh xưởng.jpg", `attachment; filename="anh-xuong.jpg"; filename*=UTF-8''%E1%BA%A2nh%20x%C6%B0%E1%BB%9Fng.jpg`},
		{"inline", `a"b;c\d.png`, `inline; filename="a_b_c_d.png"; filename*=UTF-8''a%22b%3Bc%5Cd.png`},
		{"attachment", "Đơn.pdf", `attachment; filename="don.pdf"; filename*=UTF-8''%C4%90%C6%A1n.pdf`},
		{"attachment", "ảnh", `attachment; filename="anh"; filename*=UTF-8''%E1%BA%A3nh`},
		{"attachment", "文件", `attachment; filename="tep"; filename*=UTF-8''%E6%96%87%E4%BB%B6`},
	}
	for _, c := range cases {
		if got := attachmentDisposition(c.disp, c.name); got != c.want {
			t.Errorf("attachmentDisposition(%q, %q) =\n %s\nwant\n %s", c.disp, c.name, got, c.want)
		}
	}
}

// TestRecordCatalog checks that the record's Vietnamese and English
// catalogs define the same keys, and that the keys the page builds at
// run time exist.
func TestRecordCatalog(t *testing.T) {
	if vi, en := catalogKeys(t, "vi/record.json"), catalogKeys(t, "en/record.json"); !slices.Equal(vi, en) {
		t.Errorf("vi and en keys differ:\nvi %v\nen %v", vi, en)
	}
	var keys []string
	for _, v := range []string{kc.SizeMicro, kc.SizeSmall, kc.SizeMedium} {
		keys = append(keys, "record.size."+v)
	}
	for _, v := range []string{"female", "male"} {
		keys = append(keys, "record.gender."+v)
	}
	for _, v := range append(slices.Clone(kc.ArtisanTitles), "people") {
		keys = append(keys, "record.artisan."+v)
	}
	for _, v := range []string{kc.CertOCOP, kc.CertTypicalProduct} {
		keys = append(keys, "record.cert.kind."+v)
	}
	for _, v := range []string{"district", "province", "region", "national"} {
		keys = append(keys, "record.cert.level."+v)
	}
	for _, v := range []string{kc.ActionCreate, kc.ActionUpdate, kc.ActionDelete, kc.ActionReveal} {
		keys = append(keys, "record.action."+v)
	}
	for _, v := range []string{"establishment", "establishment_fact", "establishment_file", "certificate", "licence", "artisan"} {
		keys = append(keys, "record.entity."+v)
	}
	// Every field name the history can list has a label.
	b, err := fs.ReadFile(localeFS(), "vi/record.json")
	if err != nil {
		t.Fatal(err)
	}
	var catalog map[string]string
	if err := json.Unmarshal(b, &catalog); err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{kc.EstablishmentFact{}, kc.Certificate{}, kc.Licence{}, kc.ArtisanRecord{}} {
		raw, _ := json.Marshal(v)
		var m map[string]any
		json.Unmarshal(raw, &m)
		for k := range m {
			if k != "ID" && k != "EstablishmentID" {
				keys = append(keys, "record.audit."+k)
			}
		}
	}
	for _, k := range keys {
		if _, ok := catalog[k]; !ok {
			t.Errorf("key %q missing from vi/record.json", k)
		}
	}
}
