package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// recordRoutes registers an establishment's certificates, licences and
// artisans: list, add and delete, with the scope and validation of the
// web pages (the app checks both).
func (x *API) recordRoutes() {
	x.handle("GET /api/v1/establishments/{id}/certificates", x.listCertificates)
	x.handle("POST /api/v1/establishments/{id}/certificates", x.addCertificate)
	x.handle("DELETE /api/v1/establishments/{id}/certificates/{cid}", x.deleteRecordChild("cid", x.app.DeleteCertificate))
	x.handle("GET /api/v1/establishments/{id}/licences", x.listLicences)
	x.handle("POST /api/v1/establishments/{id}/licences", x.addLicence)
	x.handle("DELETE /api/v1/establishments/{id}/licences/{lid}", x.deleteRecordChild("lid", x.app.DeleteLicence))
	x.handle("GET /api/v1/establishments/{id}/artisans", x.listArtisans)
	x.handle("POST /api/v1/establishments/{id}/artisans", x.addArtisan)
	x.handle("DELETE /api/v1/establishments/{id}/artisans/{aid}", x.deleteRecordChild("aid", x.app.DeleteArtisan))
}

// Certificate is a recognition of an establishment's product: a typical
// rural industrial product at a level, or an OCOP product with stars.
type Certificate struct {
	ID         int64    `json:"id"`
	Kind       string   `json:"kind"`
	Level      string   `json:"level"`
	Stars      int      `json:"stars"`
	Product    string   `json:"product"`
	Number     string   `json:"number"`
	Year       int      `json:"year"`
	ValidUntil *kc.Date `json:"valid_until"`
}

// CertificateInput is the body of POST …/certificates.
type CertificateInput struct {
	Kind       string  `json:"kind"`
	Level      string  `json:"level"`
	Stars      int     `json:"stars"`
	Product    string  `json:"product"`
	Number     string  `json:"number"`
	Year       int     `json:"year"`
	ValidUntil kc.Date `json:"valid_until"`
}

// CertificateList is the certificates of an establishment, newest first.
type CertificateList struct {
	Items []Certificate `json:"items"`
}

// Licence is a permit held by an establishment, such as a craft liquor
// production licence.
type Licence struct {
	ID         int64    `json:"id"`
	Kind       string   `json:"kind"`
	Number     string   `json:"number"`
	Issuer     string   `json:"issuer"`
	IssuedOn   *kc.Date `json:"issued_on"`
	ValidUntil *kc.Date `json:"valid_until"`
}

// LicenceInput is the body of POST …/licences.
type LicenceInput struct {
	Kind       string  `json:"kind"`
	Number     string  `json:"number"`
	Issuer     string  `json:"issuer"`
	IssuedOn   kc.Date `json:"issued_on"`
	ValidUntil kc.Date `json:"valid_until"`
}

// LicenceList is the licences of an establishment, newest first.
type LicenceList struct {
	Items []Licence `json:"items"`
}

// Artisan is a person of an establishment recognised as an artisan.
type Artisan struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	Title          string `json:"title"`
	RecognisedYear int    `json:"recognised_year,omitempty"`
}

// ArtisanInput is the body of POST …/artisans.
type ArtisanInput struct {
	Name           string `json:"name"`
	Title          string `json:"title"`
	RecognisedYear int    `json:"recognised_year"`
}

// ArtisanList is the artisans of an establishment in name order.
type ArtisanList struct {
	Items []Artisan `json:"items"`
}

// optionalDate returns nil for the zero date, so JSON says null.
func optionalDate(d kc.Date) *kc.Date {
	if d.IsZero() {
		return nil
	}
	return &d
}

func toCertificate(c kc.Certificate) Certificate {
	return Certificate{ID: c.ID, Kind: c.Kind, Level: c.Level, Stars: c.Stars, Product: c.Product, Number: c.Number,
		Year: c.Year, ValidUntil: optionalDate(c.ValidUntil)}
}

func toLicence(l kc.Licence) Licence {
	return Licence{ID: l.ID, Kind: l.Kind, Number: l.Number, Issuer: l.Issuer, IssuedOn: optionalDate(l.IssuedOn), ValidUntil: optionalDate(l.ValidUntil)}
}

func toArtisan(a kc.ArtisanRecord) Artisan {
	return Artisan{ID: a.ID, Name: a.Name, Title: a.Title, RecognisedYear: a.RecognisedYear}
}

// trimNFC normalises a text field of a request body.
func trimNFC(s string) string { return strings.TrimSpace(vi.NFC(s)) }

// listCertificates returns the certificates of an establishment in scope.
func (x *API) listCertificates(w http.ResponseWriter, r *http.Request) {
	id, err := establishmentID(r)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	list, err := x.app.ListCertificates(r.Context(), id)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := CertificateList{Items: make([]Certificate, 0, len(list))}
	for _, c := range list {
		out.Items = append(out.Items, toCertificate(c))
	}
	writeJSON(w, http.StatusOK, out)
}

// addCertificate records a certificate: 201 with it, 422 with field
// messages. Out of scope is 404 and a read-only role 403, both before the
// body is read.
func (x *API) addCertificate(w http.ResponseWriter, r *http.Request) {
	id, err := establishmentID(r)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	if !x.writable(w, r, id) {
		return
	}
	var in CertificateInput
	if !x.decode(w, r, &in) {
		return
	}
	c, err := x.app.AddCertificate(r.Context(), kc.Certificate{EstablishmentID: id, Kind: trimNFC(in.Kind), Level: trimNFC(in.Level),
		Stars: in.Stars, Product: trimNFC(in.Product), Number: trimNFC(in.Number), Year: in.Year, ValidUntil: in.ValidUntil})
	if err != nil {
		x.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toCertificate(c))
}

// listLicences returns the licences of an establishment in scope.
func (x *API) listLicences(w http.ResponseWriter, r *http.Request) {
	id, err := establishmentID(r)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	list, err := x.app.ListLicences(r.Context(), id)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := LicenceList{Items: make([]Licence, 0, len(list))}
	for _, l := range list {
		out.Items = append(out.Items, toLicence(l))
	}
	writeJSON(w, http.StatusOK, out)
}

// addLicence records a licence: 201 with it, 422 with field messages;
// out of scope 404 and read-only 403 before the body is read.
func (x *API) addLicence(w http.ResponseWriter, r *http.Request) {
	id, err := establishmentID(r)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	if !x.writable(w, r, id) {
		return
	}
	var in LicenceInput
	if !x.decode(w, r, &in) {
		return
	}
	l, err := x.app.AddLicence(r.Context(), kc.Licence{EstablishmentID: id, Kind: trimNFC(in.Kind), Number: trimNFC(in.Number),
		Issuer: trimNFC(in.Issuer), IssuedOn: in.IssuedOn, ValidUntil: in.ValidUntil})
	if err != nil {
		x.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toLicence(l))
}

// listArtisans returns the artisans of an establishment in scope.
func (x *API) listArtisans(w http.ResponseWriter, r *http.Request) {
	id, err := establishmentID(r)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	list, err := x.app.ListArtisans(r.Context(), id)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := ArtisanList{Items: make([]Artisan, 0, len(list))}
	for _, a := range list {
		out.Items = append(out.Items, toArtisan(a))
	}
	writeJSON(w, http.StatusOK, out)
}

// addArtisan records an artisan: 201 with it, 422 with field messages;
// out of scope 404 and read-only 403 before the body is read.
func (x *API) addArtisan(w http.ResponseWriter, r *http.Request) {
	id, err := establishmentID(r)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	if !x.writable(w, r, id) {
		return
	}
	var in ArtisanInput
	if !x.decode(w, r, &in) {
		return
	}
	a, err := x.app.AddArtisan(r.Context(), kc.ArtisanRecord{EstablishmentID: id, Name: trimNFC(in.Name), Title: trimNFC(in.Title), RecognisedYear: in.RecognisedYear})
	if err != nil {
		x.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toArtisan(a))
}

// deleteRecordChild returns the handler that deletes the certificate,
// licence or artisan named by the wildcard of an establishment with del:
// 204, or 404 when the establishment is out of scope or has no such
// record, 403 for a read-only role.
func (x *API) deleteRecordChild(wildcard string, del func(ctx context.Context, establishmentID, id int64) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := establishmentID(r)
		if err != nil {
			x.fail(w, r, err)
			return
		}
		child, err := strconv.ParseInt(r.PathValue(wildcard), 10, 64)
		if err != nil || child <= 0 {
			x.fail(w, r, kc.Errorf(kc.ENotFound, "error.not_found"))
			return
		}
		if err := del(r.Context(), id, child); err != nil {
			x.fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}
