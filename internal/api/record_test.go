package api

import (
	"fmt"
	"testing"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// TestRecordsAPI covers the certificates, licences and artisans of an
// establishment: add, list and delete for writers in scope, field errors
// like the web's, 404 outside the scope (before any validation) and 403
// for read-only roles, and an audit entry per change.
func TestRecordsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		ctx := t.Context()
		a := fmt.Sprintf("/api/v1/establishments/%d", f.estA.ID)
		cert, err := st.CreateCertificate(ctx, kc.Certificate{EstablishmentID: f.estA.ID, Kind: kc.CertOCOP, Stars: 3, Year: 2023})
		if err != nil {
			t.Fatal(err)
		}
		lic, err := st.CreateLicence(ctx, kc.Licence{EstablishmentID: f.estA.ID, Kind: "Giấy phép cũ"})
		if err != nil {
			t.Fatal(err)
		}
		art, err := st.CreateArtisan(ctx, kc.ArtisanRecord{EstablishmentID: f.estA.ID, Name: "Hồ Văn Cũ", Title: kc.ArtisanFolk})
		if err != nil {
			t.Fatal(err)
		}
		certOfB, err := st.CreateCertificate(ctx, kc.Certificate{EstablishmentID: f.estB.ID, Kind: kc.CertOCOP, Stars: 4, Year: 2023})
		if err != nil {
			t.Fatal(err)
		}
		items := func(n int) func(t *testing.T, body []byte) {
			return func(t *testing.T, body []byte) {
				list := decodeAs[struct{ Items []map[string]any }](t, body)
				if len(list.Items) != n {
					t.Errorf("%d items, want %d: %s", len(list.Items), n, body)
				}
			}
		}
		runSteps(t, f, []apiStep{
			{name: "officer A adds a typical product", user: userOfficerA, method: "POST", path: a + "/certificates",
				body: `{"kind":"typical_product","level":"province","product":" Khăn thổ cẩm ","number":"15/QĐ-UBND","year":2024,"valid_until":"2027-12-31"}`, status: 201,
				check: func(t *testing.T, body []byte) {
					c := decodeAs[Certificate](t, body)
					if c.ID == 0 || c.Product != "Khăn thổ cẩm" || c.Level != "province" || c.ValidUntil == nil || c.ValidUntil.String() != "2027-12-31" {
						t.Errorf("certificate %+v", c)
					}
				}},
			{name: "OCOP needs stars", user: userOfficerA, method: "POST", path: a + "/certificates", body: `{"kind":"ocop","stars":7,"year":2024}`,
				status: 422, code: "invalid", fields: []string{"stars"}},
			{name: "typical product needs a level and a year", user: userOfficerA, method: "POST", path: a + "/certificates", body: `{"kind":"typical_product","level":"village","year":1990}`,
				status: 422, code: "invalid", fields: []string{"level", "year"}},
			{name: "malformed JSON", user: userOfficerA, method: "POST", path: a + "/certificates", body: `{"kind":`, status: 400, code: "invalid"},
			{name: "unknown field", user: userOfficerA, method: "POST", path: a + "/certificates", body: `{"kind":"ocop","stars":3,"year":2024,"colour":"red"}`, status: 400, code: "invalid"},
			{name: "bad date", user: userOfficerA, method: "POST", path: a + "/certificates", body: `{"kind":"ocop","stars":3,"year":2024,"valid_until":"31/12/2027"}`, status: 400, code: "invalid"},
			{name: "list certificates", user: userOfficerA, method: "GET", path: a + "/certificates", status: 200, check: items(2)},
			{name: "viewer lists certificates", user: userViewer, method: "GET", path: a + "/certificates", status: 200, check: items(2)},
			{name: "officer B lists A's certificates", user: userOfficerB, method: "GET", path: a + "/certificates", status: 404, code: "not_found"},
			{name: "officer B adds an invalid certificate to A", user: userOfficerB, method: "POST", path: a + "/certificates", body: `{"kind":"iso"}`, status: 404, code: "not_found"},
			{name: "officer B sends malformed JSON to A", user: userOfficerB, method: "POST", path: a + "/certificates", body: `{"kind":`, status: 404, code: "not_found"},
			{name: "viewer adds a certificate", user: userViewer, method: "POST", path: a + "/certificates", body: `{"kind":"ocop","stars":3,"year":2024}`, status: 403, code: "forbidden"},
			{name: "officer B deletes A's certificate", user: userOfficerB, method: "DELETE", path: fmt.Sprintf("%s/certificates/%d", a, cert.ID), status: 404, code: "not_found"},
			{name: "viewer deletes a certificate", user: userViewer, method: "DELETE", path: fmt.Sprintf("%s/certificates/%d", a, cert.ID), status: 403, code: "forbidden"},
			{name: "B's certificate through A", user: userProvince, method: "DELETE", path: fmt.Sprintf("%s/certificates/%d", a, certOfB.ID), status: 404, code: "not_found"},
			{name: "malformed certificate id", user: userOfficerA, method: "DELETE", path: a + "/certificates/abc", status: 404, code: "not_found"},
			{name: "officer A deletes the certificate", user: userOfficerA, method: "DELETE", path: fmt.Sprintf("%s/certificates/%d", a, cert.ID), status: 204},
			{name: "deleted twice", user: userOfficerA, method: "DELETE", path: fmt.Sprintf("%s/certificates/%d", a, cert.ID), status: 404, code: "not_found"},

			{name: "officer A adds a licence", user: userOfficerA, method: "POST", path: a + "/licences",
				body: `{"kind":"Giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh","number":"01/GP","issuer":"UBND xã","issued_on":"2024-03-01"}`, status: 201,
				check: func(t *testing.T, body []byte) {
					l := decodeAs[Licence](t, body)
					if l.ID == 0 || l.IssuedOn == nil || l.IssuedOn.String() != "2024-03-01" || l.ValidUntil != nil {
						t.Errorf("licence %+v", l)
					}
				}},
			{name: "licence without kind, expiring before issue", user: userOfficerA, method: "POST", path: a + "/licences",
				body: `{"kind":" ","issued_on":"2024-03-01","valid_until":"2023-01-01"}`, status: 422, code: "invalid", fields: []string{"kind", "valid_until"}},
			{name: "list licences", user: userProvince, method: "GET", path: a + "/licences", status: 200, check: items(2)},
			{name: "officer B lists A's licences", user: userOfficerB, method: "GET", path: a + "/licences", status: 404, code: "not_found"},
			{name: "viewer adds a licence", user: userViewer, method: "POST", path: a + "/licences", body: `{"kind":"x"}`, status: 403, code: "forbidden"},
			{name: "officer A deletes the old licence", user: userOfficerA, method: "DELETE", path: fmt.Sprintf("%s/licences/%d", a, lic.ID), status: 204},

			{name: "officer A adds an artisan", user: userOfficerA, method: "POST", path: a + "/artisans",
				body: `{"name":"Hồ Thị Lan","title":"people","recognised_year":2019}`, status: 201,
				check: func(t *testing.T, body []byte) {
					if r := decodeAs[Artisan](t, body); r.ID == 0 || r.Title != "people" || r.RecognisedYear != 2019 {
						t.Errorf("artisan %+v", r)
					}
				}},
			{name: "artisan with unknown title", user: userOfficerA, method: "POST", path: a + "/artisans", body: `{"name":"Hồ Thị Lan","title":"master"}`,
				status: 422, code: "invalid", fields: []string{"title"}},
			{name: "list artisans", user: userViewer, method: "GET", path: a + "/artisans", status: 200, check: items(2)},
			{name: "officer B deletes A's artisan", user: userOfficerB, method: "DELETE", path: fmt.Sprintf("%s/artisans/%d", a, art.ID), status: 404, code: "not_found"},
			{name: "officer A deletes the artisan", user: userOfficerA, method: "DELETE", path: fmt.Sprintf("%s/artisans/%d", a, art.ID), status: 204},
			{name: "one artisan left", user: userOfficerA, method: "GET", path: a + "/artisans", status: 200, check: items(1)},
		})
		for _, c := range []struct {
			entity string
			id     int64
		}{{"certificate", cert.ID}, {"licence", lic.ID}, {"artisan", art.ID}} {
			entries, err := st.ListAudit(ctx, c.entity, c.id, 5)
			if err != nil || len(entries) == 0 || entries[0].Action != kc.ActionDelete || entries[0].Actor != userOfficerA {
				t.Errorf("%s %d: audit %+v %v", c.entity, c.id, entries, err)
			}
		}
		if certs, _ := st.ListCertificates(ctx, f.estB.ID); len(certs) != 1 {
			t.Errorf("B's certificates: %+v", certs)
		}
	})
}
