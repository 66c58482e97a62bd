package api

import (
	"context"
	"net/http"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// recordRoutes registers an establishment's certificates, licences and
// artisans: list, add and delete, with the scope and validation of the
// web pages (the app checks both).
func (x *API) recordRoutes() {
	x.handle("GET /api/v1/establishments/{id}/certificates", listChildren(x, x.app.ListCertificates, toCertificate))
	x.handle("POST /api/v1/establishments/{id}/certificates", addChild(x, x.app.AddCertificate, toCertificate,
		func(id int64, in CertificateInput) kc.Certificate {
			return kc.Certificate{EstablishmentID: id, Kind: trimNFC(in.Kind), Level: trimNFC(in.Level), Stars: in.Stars,
				Product: trimNFC(in.Product), Number: trimNFC(in.Number), Year: in.Year, ValidUntil: in.ValidUntil}
		}))
	x.handle("DELETE /api/v1/establishments/{id}/certificates/{cid}", x.deleteRecordChild("cid", x.app.DeleteCertificate))
	x.handle("GET /api/v1/establishments/{id}/licences", listChildren(x, x.app.ListLicences, toLicence))
	x.handle("POST /api/v1/establishments/{id}/licences", addChild(x, x.app.AddLicence, toLicence,
		func(id int64, in LicenceInput) kc.Licence {
			return kc.Licence{EstablishmentID: id, Kind: trimNFC(in.Kind), Number: trimNFC(in.Number), Issuer: trimNFC(in.Issuer),
				IssuedOn: in.IssuedOn, ValidUntil: in.ValidUntil}
		}))
	x.handle("DELETE /api/v1/establishments/{id}/licences/{lid}", x.deleteRecordChild("lid", x.app.DeleteLicence))
	x.handle("GET /api/v1/establishments/{id}/artisans", listChildren(x, x.app.ListArtisans, toArtisan))
	x.handle("POST /api/v1/establishments/{id}/artisans", addChild(x, x.app.AddArtisan, toArtisan,
		func(id int64, in ArtisanInput) kc.ArtisanRecord {
			return kc.ArtisanRecord{EstablishmentID: id, Name: trimNFC(in.Name), Title: trimNFC(in.Title), RecognisedYear: in.RecognisedYear}
		}))
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

// itemList is the JSON of a list of an establishment's records:
// {"items": [...]} (CertificateList, LicenceList, ArtisanList, FactList
// document it per kind).
type itemList[J any] struct {
	Items []J `json:"items"`
}

// listChildren returns the handler of GET …/{id}/<records>: the records
// list returns for an establishment in scope (404 outside it), converted
// by conv.
func listChildren[T, J any](x *API, list func(ctx context.Context, id int64) ([]T, error), conv func(T) J) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := establishmentID(r)
		if err != nil {
			x.fail(w, r, err)
			return
		}
		items, err := list(r.Context(), id)
		if err != nil {
			x.fail(w, r, err)
			return
		}
		out := itemList[J]{Items: make([]J, 0, len(items))}
		for _, it := range items {
			out.Items = append(out.Items, conv(it))
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// addChild returns the handler of POST …/{id}/<records>: 201 with the
// record add stored, 422 with field messages. Out of scope is 404 and a
// read-only role 403, both before the body (an I) is read; build turns
// the body into the record of establishment id.
func addChild[I, T, J any](x *API, add func(ctx context.Context, rec T) (T, error), conv func(T) J, build func(id int64, in I) T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := establishmentID(r)
		if err != nil {
			x.fail(w, r, err)
			return
		}
		if !x.writable(w, r, id) {
			return
		}
		var in I
		if !x.decode(w, r, &in) {
			return
		}
		rec, err := add(r.Context(), build(id, in))
		if err != nil {
			x.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, conv(rec))
	}
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
		child, err := wildcardInt(r, wildcard)
		if err != nil {
			x.fail(w, r, err)
			return
		}
		if err := del(r.Context(), id, child); err != nil {
			x.fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}
