package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

func (x *API) establishmentRoutes() {
	x.handle("GET /api/v1/establishments", x.listEstablishments)
	x.handle("POST /api/v1/establishments", x.createEstablishment)
	x.handle("GET /api/v1/establishments/{id}", x.getEstablishment)
	x.handle("PUT /api/v1/establishments/{id}", x.putEstablishment)
	x.handle("PATCH /api/v1/establishments/{id}", x.patchEstablishment)
	x.handle("DELETE /api/v1/establishments/{id}", x.deleteEstablishment)
	x.handle("POST /api/v1/establishments/{id}/reveal", x.revealPersonal)
	x.handle("GET /api/v1/establishments/{id}/facts", listChildren(x, x.app.ListFacts, toFact))
	x.handle("GET /api/v1/establishments/{id}/facts/{year}", x.getFact)
	x.handle("PUT /api/v1/establishments/{id}/facts/{year}", x.putFact)
	x.handle("DELETE /api/v1/establishments/{id}/facts/{year}", x.deleteFact)
}

// Establishment is the API view of a rural industrial establishment. The
// phone and personal ID come masked ("09xx xxx 678", "xxxxxxxx7890") and
// the owner's ethnicity as "xxx": the clear values come only from the
// audited reveal endpoint.
type Establishment struct {
	ID                  int64     `json:"id"`
	Kind                string    `json:"kind"`
	SizeClass           string    `json:"size_class"`
	Name                string    `json:"name"`
	CommuneID           int64     `json:"commune_id"`
	Village             string    `json:"village"`
	Lat                 *float64  `json:"lat"`
	Lon                 *float64  `json:"lon"`
	OwnerName           string    `json:"owner_name"`
	OwnerGender         string    `json:"owner_gender"`
	OwnerEthnicity      string    `json:"owner_ethnicity"`
	OwnerBirthYear      int       `json:"owner_birth_year,omitempty"`
	Phone               string    `json:"phone"`
	PersonalID          string    `json:"personal_id"`
	PersonalMasked      bool      `json:"personal_masked"`
	WomenOwned          bool      `json:"women_owned"`
	EthnicMinorityOwned bool      `json:"ethnic_minority_owned"`
	RegistrationNo      string    `json:"registration_no"`
	RegistrationDate    *kc.Date  `json:"registration_date"`
	Artisan             string    `json:"artisan"`
	TradeIDs            []int64   `json:"trade_ids"`
	MainProducts        string    `json:"main_products"`
	Notes               string    `json:"notes"`
	FoundedYear         int       `json:"founded_year,omitempty"`
	TraditionalCraft    bool      `json:"traditional_craft"`
	CraftVillage        bool      `json:"craft_village"`
	Demo                bool      `json:"demo"`
	Version             int       `json:"version"`
	UpdatedAt           time.Time `json:"updated_at"`
}

// EstablishmentList is one page of establishments with the total count.
type EstablishmentList struct {
	Items []Establishment `json:"items"`
	// Total is the number that match; for a name search it stops at
	// app.SearchCountCap+1, and TotalExact is false when it did.
	Total      int  `json:"total"`
	TotalExact bool `json:"total_exact"`
	Limit      int  `json:"limit"`
	Offset     int  `json:"offset"`
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
	out := Establishment{
		ID: e.ID, Kind: e.Kind, SizeClass: e.SizeClass, Name: e.Name, CommuneID: e.CommuneID, Village: e.Village,
		OwnerName: e.OwnerName, OwnerGender: e.OwnerGender, OwnerEthnicity: e.OwnerEthnicity, OwnerBirthYear: e.OwnerBirthYear,
		Phone: e.Phone, PersonalID: e.PersonalID, PersonalMasked: e.PersonalMasked, WomenOwned: e.WomenOwned,
		EthnicMinorityOwned: e.EthnicMinorityOwned, RegistrationNo: e.RegistrationNo, Artisan: e.Artisan,
		TradeIDs:     append([]int64{}, e.TradeIDs...),
		MainProducts: e.MainProducts, Notes: e.Notes, FoundedYear: e.FoundedYear,
		TraditionalCraft: e.TraditionalCraft, CraftVillage: e.CraftVillage, Demo: e.Demo,
		Version: e.Version, UpdatedAt: e.UpdatedAt.UTC(),
	}
	if e.HasLocation {
		lat, lon := e.Lat, e.Lon
		out.Lat, out.Lon = &lat, &lon
	}
	if !e.RegistrationDate.IsZero() {
		d := e.RegistrationDate
		out.RegistrationDate = &d
	}
	return out
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
	q := r.URL.Query()
	if s := q.Get("page"); s != "" {
		page, err := strconv.Atoi(s)
		if err != nil || page < 1 || q.Get("offset") != "" {
			x.badRequest(w, r, errors.New("bad page"))
			return
		}
		offset = (page - 1) * limit
	}
	list, total, err := x.app.SearchEstablishments(r.Context(), app.RegistryFilterFromQuery(q), limit, offset)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := EstablishmentList{Items: make([]Establishment, 0, len(list)), Total: total, TotalExact: total <= app.SearchCountCap, Limit: limit, Offset: offset}
	for _, e := range list {
		out.Items = append(out.Items, toEstablishment(e))
	}
	writeJSON(w, http.StatusOK, out)
}

// establishmentID parses the {id} wildcard; a malformed id is not found.
func establishmentID(r *http.Request) (int64, error) { return wildcardInt(r, "id") }

// wildcardInt parses the path wildcard name as a positive id; anything
// else is not found, as an unknown id is.
func wildcardInt(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
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

// writable checks that the caller may change establishment id: out of
// scope is 404 and a read-only role 403, in that order so that a 403
// reveals nothing outside the scope. On failure it writes the response and
// returns false.
func (x *API) writable(w http.ResponseWriter, r *http.Request, id int64) bool {
	if _, err := x.app.GetEstablishment(r.Context(), id); err != nil {
		x.fail(w, r, err)
		return false
	}
	if p := app.PrincipalFrom(r.Context()); p == nil || !p.CanWrite() {
		x.fail(w, r, kc.Errorf(kc.EForbidden, "error.forbidden"))
		return false
	}
	return true
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
	if !x.writable(w, r, id) {
		return
	}
	var in EstablishmentPatch
	if !x.decode(w, r, &in) {
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

// decode reads one JSON object into v, refusing unknown fields and
// trailing data; on failure it answers 400 and returns false.
func (x *API) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		x.badRequest(w, r, err)
		return false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		x.badRequest(w, r, errors.New("trailing data after the JSON object"))
		return false
	}
	return true
}

// EstablishmentInput is the body of POST /api/v1/establishments and of
// PUT /api/v1/establishments/{id}: every editable field. On PUT, absent
// fields are reset to empty, except phone, personal_id and
// owner_ethnicity, which stay unchanged when absent (null) or when sent
// back in the masked form the API returned; "" clears them.
type EstablishmentInput struct {
	Version             *int     `json:"version"`
	Kind                string   `json:"kind"`
	SizeClass           string   `json:"size_class"`
	Name                string   `json:"name"`
	CommuneID           int64    `json:"commune_id"`
	Village             string   `json:"village"`
	Lat                 *float64 `json:"lat"`
	Lon                 *float64 `json:"lon"`
	OwnerName           string   `json:"owner_name"`
	OwnerGender         string   `json:"owner_gender"`
	OwnerEthnicity      *string  `json:"owner_ethnicity"`
	OwnerBirthYear      int      `json:"owner_birth_year"`
	Phone               *string  `json:"phone"`
	PersonalID          *string  `json:"personal_id"`
	WomenOwned          bool     `json:"women_owned"`
	EthnicMinorityOwned bool     `json:"ethnic_minority_owned"`
	FoundedYear         int      `json:"founded_year"`
	RegistrationNo      string   `json:"registration_no"`
	RegistrationDate    kc.Date  `json:"registration_date"`
	TraditionalCraft    bool     `json:"traditional_craft"`
	CraftVillage        bool     `json:"craft_village"`
	Artisan             string   `json:"artisan"`
	TradeIDs            []int64  `json:"trade_ids"`
	MainProducts        string   `json:"main_products"`
	Notes               string   `json:"notes"`
}

// record turns the input into a domain record; coordinates come as a
// pair or not at all.
func (in EstablishmentInput) record() (kc.Establishment, error) {
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	e := kc.Establishment{
		Kind: in.Kind, SizeClass: in.SizeClass, Name: in.Name, CommuneID: in.CommuneID, Village: in.Village,
		OwnerName: in.OwnerName, OwnerGender: in.OwnerGender, OwnerEthnicity: str(in.OwnerEthnicity), OwnerBirthYear: in.OwnerBirthYear,
		Phone: str(in.Phone), PersonalID: str(in.PersonalID), WomenOwned: in.WomenOwned, EthnicMinorityOwned: in.EthnicMinorityOwned,
		FoundedYear: in.FoundedYear, RegistrationNo: in.RegistrationNo, RegistrationDate: in.RegistrationDate,
		TraditionalCraft: in.TraditionalCraft, CraftVillage: in.CraftVillage, Artisan: in.Artisan, TradeIDs: in.TradeIDs,
		MainProducts: in.MainProducts, Notes: in.Notes,
	}
	if in.Version != nil {
		e.Version = *in.Version
	}
	switch {
	case in.Lat != nil && in.Lon != nil:
		e.Lat, e.Lon, e.HasLocation = *in.Lat, *in.Lon, true
	case in.Lat != nil:
		return e, kc.FieldError("lon", "est.coordinates_pair")
	case in.Lon != nil:
		return e, kc.FieldError("lat", "est.coordinates_pair")
	}
	return e, nil
}

// createEstablishment registers an establishment: 201 with the record
// (personal values masked), 422 with field messages, 403 for a read-only
// role or a commune outside the caller's scope.
func (x *API) createEstablishment(w http.ResponseWriter, r *http.Request) {
	if p := app.PrincipalFrom(r.Context()); p == nil || !p.CanWrite() {
		x.fail(w, r, kc.Errorf(kc.EForbidden, "error.forbidden"))
		return
	}
	var in EstablishmentInput
	if !x.decode(w, r, &in) {
		return
	}
	e, err := in.record()
	if err != nil {
		x.fail(w, r, err)
		return
	}
	created, err := x.app.CreateEstablishment(r.Context(), e)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/establishments/"+strconv.FormatInt(created.ID, 10))
	writeJSON(w, http.StatusCreated, toEstablishment(created))
}

// putEstablishment replaces the editable fields. Out of scope is 404, a
// read-only role 403 (in that order), malformed JSON 400, a stale version
// 409.
func (x *API) putEstablishment(w http.ResponseWriter, r *http.Request) {
	id, err := establishmentID(r)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	if !x.writable(w, r, id) {
		return
	}
	var in EstablishmentInput
	if !x.decode(w, r, &in) {
		return
	}
	e, err := in.record()
	if err != nil {
		x.fail(w, r, err)
		return
	}
	upd := app.ReplaceUpdate(e, in.Phone == nil, in.PersonalID == nil, in.OwnerEthnicity == nil)
	saved, err := x.app.UpdateEstablishment(r.Context(), id, upd)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toEstablishment(saved))
}

// deleteEstablishment removes an establishment: 204, or 409 when it
// benefits from a project.
func (x *API) deleteEstablishment(w http.ResponseWriter, r *http.Request) {
	id, err := establishmentID(r)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	if err := x.app.DeleteEstablishment(r.Context(), id); err != nil {
		x.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// RevealRequest is the body of POST /api/v1/establishments/{id}/reveal.
type RevealRequest struct {
	Reason string `json:"reason"`
}

// PersonalData is the unmasked personal data of an establishment's owner.
type PersonalData struct {
	Phone          string `json:"phone"`
	PersonalID     string `json:"personal_id"`
	OwnerEthnicity string `json:"owner_ethnicity"`
}

// revealPersonal returns the clear personal values to a role allowed to
// see them, recording the read and its reason in the audit log.
func (x *API) revealPersonal(w http.ResponseWriter, r *http.Request) {
	id, err := establishmentID(r)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	var in RevealRequest
	if !x.decode(w, r, &in) {
		return
	}
	d, err := x.app.RevealPersonal(r.Context(), id, in.Reason)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, PersonalData{Phone: d.Phone, PersonalID: d.PersonalID, OwnerEthnicity: d.OwnerEthnicity})
}

// Fact is one year of facts about an establishment. Money is in đồng.
type Fact struct {
	Year                  int    `json:"year"`
	Workers               int    `json:"workers"`
	WomenWorkers          int    `json:"women_workers"`
	EthnicMinorityWorkers int    `json:"ethnic_minority_workers"`
	Revenue               int64  `json:"revenue"`
	Capital               int64  `json:"capital"`
	AvgIncome             int64  `json:"avg_income"`
	Source                string `json:"source"`
}

// FactInput is the body of PUT …/facts/{year}; the year comes from the path.
type FactInput struct {
	Workers               int    `json:"workers"`
	WomenWorkers          int    `json:"women_workers"`
	EthnicMinorityWorkers int    `json:"ethnic_minority_workers"`
	Revenue               int64  `json:"revenue"`
	Capital               int64  `json:"capital"`
	AvgIncome             int64  `json:"avg_income"`
	Source                string `json:"source"`
}

// FactList is the yearly facts of an establishment, oldest first.
type FactList struct {
	Items []Fact `json:"items"`
}

func toFact(f kc.EstablishmentFact) Fact {
	return Fact{Year: f.Year, Workers: f.Workers, WomenWorkers: f.WomenWorkers, EthnicMinorityWorkers: f.EthnicMinorityWorkers,
		Revenue: f.Revenue, Capital: f.Capital, AvgIncome: f.AvgIncome, Source: f.Source}
}

// factPath parses {id} and {year}; a malformed year is a 404 like an id.
func factPath(r *http.Request) (int64, int, error) {
	id, err := establishmentID(r)
	if err != nil {
		return 0, 0, err
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < 1 || year > 9999 {
		return 0, 0, kc.Errorf(kc.ENotFound, "error.not_found")
	}
	return id, year, nil
}

// getFact returns one year of facts, 404 when there is none.
func (x *API) getFact(w http.ResponseWriter, r *http.Request) {
	id, year, err := factPath(r)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	f, err := x.app.GetFact(r.Context(), id, year)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toFact(f))
}

// putFact creates or replaces one year of facts.
func (x *API) putFact(w http.ResponseWriter, r *http.Request) {
	id, year, err := factPath(r)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	if !x.writable(w, r, id) {
		return
	}
	var in FactInput
	if !x.decode(w, r, &in) {
		return
	}
	f, err := x.app.PutFact(r.Context(), kc.EstablishmentFact{EstablishmentID: id, Year: year, Workers: in.Workers, WomenWorkers: in.WomenWorkers,
		EthnicMinorityWorkers: in.EthnicMinorityWorkers, Revenue: in.Revenue, Capital: in.Capital, AvgIncome: in.AvgIncome, Source: in.Source})
	if err != nil {
		x.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toFact(f))
}

// deleteFact removes one year of facts: 204, or 404 when there is none.
func (x *API) deleteFact(w http.ResponseWriter, r *http.Request) {
	id, year, err := factPath(r)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	if err := x.app.DeleteFact(r.Context(), id, year); err != nil {
		x.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
