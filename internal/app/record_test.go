package app_test

import (
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

func TestEstablishmentRecordsScopedAndValidated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := apptest.NewScope(t, st)
		ctx := t.Context()
		a, b, viewer := f.As(t, ctx, apptest.OfficerA), f.As(t, ctx, apptest.OfficerB), f.As(t, ctx, apptest.Viewer)
		est := f.EstA.ID
		var certID, licID, artID int64
		cases := []struct {
			name  string
			do    func() error
			code  string
			field string
		}{
			{"OCOP needs 3 to 5 stars", func() error {
				_, err := f.App.AddCertificate(a, kc.Certificate{EstablishmentID: est, Kind: kc.CertOCOP, Stars: 6, Year: 2024})
				return err
			}, kc.EInvalid, "stars"},
			{"typical product needs a level", func() error {
				_, err := f.App.AddCertificate(a, kc.Certificate{EstablishmentID: est, Kind: kc.CertTypicalProduct, Level: "village", Year: 2024})
				return err
			}, kc.EInvalid, "level"},
			{"unknown certificate kind", func() error {
				_, err := f.App.AddCertificate(a, kc.Certificate{EstablishmentID: est, Kind: "iso", Year: 2024})
				return err
			}, kc.EInvalid, "kind"},
			{"officer B cannot add to A", func() error {
				_, err := f.App.AddCertificate(b, kc.Certificate{EstablishmentID: est, Kind: kc.CertOCOP, Stars: 3, Year: 2024})
				return err
			}, kc.ENotFound, ""},
			{"viewer cannot add", func() error {
				_, err := f.App.AddCertificate(viewer, kc.Certificate{EstablishmentID: est, Kind: kc.CertOCOP, Stars: 3, Year: 2024})
				return err
			}, kc.EForbidden, ""},
			{"officer A adds an OCOP certificate", func() error {
				c, err := f.App.AddCertificate(a, kc.Certificate{EstablishmentID: est, Kind: kc.CertOCOP, Stars: 3, Product: "Vải thổ cẩm", Year: 2024})
				certID = c.ID
				return err
			}, "", ""},
			{"licence expiring before issue", func() error {
				_, err := f.App.AddLicence(a, kc.Licence{EstablishmentID: est, Kind: "Giấy phép", IssuedOn: kc.MustDate("2024-05-01"), ValidUntil: kc.MustDate("2024-01-01")})
				return err
			}, kc.EInvalid, "valid_until"},
			{"licence without kind", func() error {
				_, err := f.App.AddLicence(a, kc.Licence{EstablishmentID: est})
				return err
			}, kc.EInvalid, "kind"},
			{"officer A adds a licence", func() error {
				l, err := f.App.AddLicence(a, kc.Licence{EstablishmentID: est, Kind: "Giấy phép sản xuất rượu thủ công", IssuedOn: kc.MustDate("2024-05-01")})
				licID = l.ID
				return err
			}, "", ""},
			{"artisan without name", func() error {
				_, err := f.App.AddArtisan(a, kc.ArtisanRecord{EstablishmentID: est, Title: kc.ArtisanFolk})
				return err
			}, kc.EInvalid, "name"},
			{"artisan with unknown title", func() error {
				_, err := f.App.AddArtisan(a, kc.ArtisanRecord{EstablishmentID: est, Name: "Hồ Thị Lan", Title: "master"})
				return err
			}, kc.EInvalid, "title"},
			{"officer A adds an artisan", func() error {
				r, err := f.App.AddArtisan(a, kc.ArtisanRecord{EstablishmentID: est, Name: "Hồ Thị Lan", Title: kc.ArtisanMeritorious, RecognisedYear: 2022})
				artID = r.ID
				return err
			}, "", ""},
			{"officer B cannot list A's certificates", func() error { _, err := f.App.ListCertificates(b, est); return err }, kc.ENotFound, ""},
			{"officer B cannot delete A's licence", func() error { return f.App.DeleteLicence(b, est, licID) }, kc.ENotFound, ""},
			{"viewer cannot delete the artisan", func() error { return f.App.DeleteArtisan(viewer, est, artID) }, kc.EForbidden, ""},
			{"officer A deletes the certificate", func() error { return f.App.DeleteCertificate(a, est, certID) }, "", ""},
			{"officer A deletes the certificate twice", func() error { return f.App.DeleteCertificate(a, est, certID) }, kc.ENotFound, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				err := c.do()
				if kc.ErrorCode(err) != c.code {
					t.Fatalf("code %q, want %q (%v)", kc.ErrorCode(err), c.code, err)
				}
				if c.field != "" {
					if fes := kc.FieldErrors(err); len(fes) != 1 || fes[0].Field != c.field {
						t.Errorf("field errors %v, want one on %s", fes, c.field)
					}
				}
			})
		}
		certs, _ := f.App.ListCertificates(viewer, est)
		lics, _ := f.App.ListLicences(viewer, est)
		arts, _ := f.App.ListArtisans(viewer, est)
		if len(certs) != 0 || len(lics) != 1 || len(arts) != 1 || arts[0].Title != kc.ArtisanMeritorious {
			t.Errorf("records: %+v %+v %+v", certs, lics, arts)
		}
		entries, err := f.App.ListAudit(app.WithPrincipal(ctx, app.System), "licence", licID, 5)
		if err != nil || len(entries) != 1 || entries[0].Action != kc.ActionCreate {
			t.Errorf("licence audit %+v (%v)", entries, err)
		}
	})
}
