package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

func (x *API) establishmentRoutes() {
	x.handle("GET /api/v1/establishments", x.listEstablishments)
	x.handle("GET /api/v1/establishments/{id}", x.getEstablishment)
	x.handle("PATCH /api/v1/establishments/{id}", x.patchEstablishment)
}

// Establishment is the API view of a rural industrial establishment. It
// carries no personal data of the owner.
type Establishment struct {
	ID               int64     `json:"id"`
	Kind             string    `json:"kind"`
	Name             string    `json:"name"`
	CommuneID        int64     `json:"commune_id"`
	Village          string    `json:"village"`
	MainProducts     string    `json:"main_products"`
	Notes            string    `json:"notes"`
	FoundedYear      int       `json:"founded_year,omitempty"`
	TraditionalCraft bool      `json:"traditional_craft"`
	CraftVillage     bool      `json:"craft_village"`
	Demo             bool      `json:"demo"`
	Version          int       `json:"version"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// EstablishmentList is one page of establishments with the total count.
type EstablishmentList struct {
	Items  []Establishment `json:"items"`
	Total  int             `json:"total"`
	Limit  int             `json:"limit"`
	Offset int             `json:"offset"`
}

// EstablishmentPatch is the body of PATCH /api/v1/establishments/{id};
// absent fields are left unchanged. Version, when given, must be the
// version last read, or the answer is 409.
type EstablishmentPatch struct {
	Version      *int    `json:"version"`
	Name         *string `json:"name"`
	Village      *string `json:"village"`
	MainProducts *string `json:"main_products"`
	Notes        *string `json:"notes"`
}

func toEstablishment(e kc.Establishment) Establishment {
	return Establishment{
		ID: e.ID, Kind: e.Kind, Name: e.Name, CommuneID: e.CommuneID, Village: e.Village,
		MainProducts: e.MainProducts, Notes: e.Notes, FoundedYear: e.FoundedYear,
		TraditionalCraft: e.TraditionalCraft, CraftVillage: e.CraftVillage, Demo: e.Demo,
		Version: e.Version, UpdatedAt: e.UpdatedAt.UTC(),
	}
}

// Paging limits of list endpoints.
const (
	defaultLimit = 50
	maxLimit     = 500
)

// paging reads limit and offset from the query string.
func paging(r *http.Request) (limit, offset int, err error) {
	limit, offset = defaultLimit, 0
	q := r.URL.Query()
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > maxLimit {
			return 0, 0, errors.New("bad limit")
		}
	}
	if s := q.Get("offset"); s != "" {
		if offset, err = strconv.Atoi(s); err != nil || offset < 0 {
			return 0, 0, errors.New("bad offset")
		}
	}
	return limit, offset, nil
}

// listEstablishments lists the establishments in the caller's scope.
func (x *API) listEstablishments(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := paging(r)
	if err != nil {
		x.badRequest(w, r, err)
		return
	}
	kind := r.URL.Query().Get("kind")
	if kind != "" && !slices.Contains(kc.EstablishmentKinds, kind) {
		x.badRequest(w, r, errors.New("unknown kind"))
		return
	}
	f := kc.EstablishmentFilter{Query: vi.NFC(strings.TrimSpace(r.URL.Query().Get("q"))), Kind: kind, Limit: limit, Offset: offset}
	list, total, err := x.app.ListEstablishments(r.Context(), f)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := EstablishmentList{Items: make([]Establishment, 0, len(list)), Total: total, Limit: limit, Offset: offset}
	for _, e := range list {
		out.Items = append(out.Items, toEstablishment(e))
	}
	writeJSON(w, http.StatusOK, out)
}

// establishmentID parses the {id} wildcard; a malformed id is not found.
func establishmentID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, kc.Errorf(kc.ENotFound, "error.not_found")
	}
	return id, nil
}

// getEstablishment returns one establishment; outside the caller's scope
// the answer is 404.
func (x *API) getEstablishment(w http.ResponseWriter, r *http.Request) {
	id, err := establishmentID(r)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	e, err := x.app.GetEstablishment(r.Context(), id)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toEstablishment(e))
}

// maxBody caps request bodies of the API.
const maxBody = 1 << 20

// patchEstablishment changes the given fields. Out of scope is 404 and a
// read-only role 403, checked in that order so a 403 reveals nothing
// outside the scope; malformed JSON is 400.
func (x *API) patchEstablishment(w http.ResponseWriter, r *http.Request) {
	id, err := establishmentID(r)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	if _, err := x.app.GetEstablishment(r.Context(), id); err != nil {
		x.fail(w, r, err)
		return
	}
	if p := app.PrincipalFrom(r.Context()); p == nil || !p.CanWrite() {
		x.fail(w, r, kc.Errorf(kc.EForbidden, "error.forbidden"))
		return
	}
	var in EstablishmentPatch
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		x.badRequest(w, r, err)
		return
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		x.badRequest(w, r, errors.New("trailing data after the JSON object"))
		return
	}
	upd := kc.EstablishmentUpdate{
		Name:         clean(in.Name),
		Village:      clean(in.Village),
		MainProducts: clean(in.MainProducts),
		Notes:        clean(in.Notes),
	}
	if in.Version != nil {
		upd.Version = *in.Version
	}
	if upd.Name != nil && *upd.Name == "" {
		x.fail(w, r, kc.FieldError("name", "est.error.name_required"))
		return
	}
	e, err := x.app.UpdateEstablishment(r.Context(), id, upd)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toEstablishment(e))
}

// clean normalises an optional text field to trimmed NFC.
func clean(s *string) *string {
	if s == nil {
		return nil
	}
	v := strings.TrimSpace(vi.NFC(*s))
	return &v
}
