package api

import (
	"net/http"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
)

func (x *API) unitRoutes() {
	x.handle("GET /api/v1/units", x.listUnits)
	x.handle("GET /api/v1/units/{code}", x.getUnit)
}

// Unit is the API view of an administrative unit. A code alone does not
// identify a unit (codes are reused across the 2025 reform): read it with
// its validity period. valid_from "1900-01-01" means the start is not
// recorded; valid_to null means the unit is in force.
type Unit struct {
	ID        int64   `json:"id"`
	Code      string  `json:"code"`
	Level     string  `json:"level"`
	Type      string  `json:"type"`
	Name      string  `json:"name"`
	ParentID  *int64  `json:"parent_id"`
	ValidFrom string  `json:"valid_from"`
	ValidTo   *string `json:"valid_to"`
}

// UnitList is one page of units with the number of all matches.
type UnitList struct {
	Items  []Unit `json:"items"`
	Total  int    `json:"total"`
	Limit  int    `json:"limit"`
	Offset int    `json:"offset"`
}

// UnitLink is one side of a succession: the linked unit, whether all or
// part of the old unit went over ("full" or "partial"), and the day.
type UnitLink struct {
	Unit      Unit   `json:"unit"`
	Scope     string `json:"scope"`
	Effective string `json:"effective"`
}

// UnitDetail is a unit with its parent chain (nearest first), the units it
// came from and the units that took it over.
type UnitDetail struct {
	Unit         Unit       `json:"unit"`
	Note         string     `json:"note,omitempty"`
	Parents      []Unit     `json:"parents"`
	Predecessors []UnitLink `json:"predecessors"`
	Successors   []UnitLink `json:"successors"`
}

func toUnit(u kc.Unit) Unit {
	out := Unit{ID: u.ID, Code: u.Code, Level: u.Level, Type: u.Type, Name: u.Name, ValidFrom: u.ValidFrom.String()}
	if u.ParentID != 0 {
		p := u.ParentID
		out.ParentID = &p
	}
	if !u.ValidTo.IsZero() {
		s := u.ValidTo.String()
		out.ValidTo = &s
	}
	return out
}

func toUnitLinks(ls []kc.UnitLink) []UnitLink {
	out := make([]UnitLink, 0, len(ls))
	for _, l := range ls {
		out = append(out, UnitLink{Unit: toUnit(l.Unit), Scope: l.Scope, Effective: l.Effective.String()})
	}
	return out
}

// unitBadRequest answers a malformed parameter (date, code, level) with
// 400, the "invalid" code and the message that names the value.
func unitBadRequest(w http.ResponseWriter, err error) {
	e := kc.AsError(err)
	body := ErrorBody{Error: ErrorDetail{Code: kc.EInvalid, Message: locale.T(locale.Default, e.Key, e.Args...)}}
	if e.Field != "" {
		body.Error.Fields = map[string]string{e.Field: body.Error.Message}
	}
	writeJSON(w, http.StatusBadRequest, body)
}

// listUnits searches units by folded name or code prefix, optionally as
// they were on a day and at one level. Units are public reference data.
func (x *API) listUnits(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := paging(r)
	if err != nil {
		x.badRequest(w, r, err)
		return
	}
	q := r.URL.Query()
	on, err := app.ParseUnitDate(q.Get("on"))
	if err != nil {
		unitBadRequest(w, err)
		return
	}
	f := kc.UnitFilter{Query: strings.TrimSpace(q.Get("q")), On: on, Level: q.Get("level"), Limit: limit, Offset: offset}
	rows, total, err := x.app.SearchUnits(r.Context(), f)
	if kc.ErrorCode(err) == kc.EInvalid {
		unitBadRequest(w, err)
		return
	}
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := UnitList{Items: make([]Unit, 0, len(rows)), Total: total, Limit: limit, Offset: offset}
	for _, row := range rows {
		out.Items = append(out.Items, toUnit(row.Unit))
	}
	writeJSON(w, http.StatusOK, out)
}

// getUnit returns the unit with a code on a day (default today in
// Vietnam). When the code does not exist that day the 404 message says
// what it was in another period and what succeeded it.
func (x *API) getUnit(w http.ResponseWriter, r *http.Request) {
	code, err := app.ParseUnitCode(r.PathValue("code"))
	if err != nil {
		unitBadRequest(w, err)
		return
	}
	on, err := app.ParseUnitDate(r.URL.Query().Get("on"))
	if err != nil {
		unitBadRequest(w, err)
		return
	}
	d, err := x.app.ShowUnit(r.Context(), code, on)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	parents := make([]Unit, 0, len(d.Parents))
	for _, p := range d.Parents {
		parents = append(parents, toUnit(p))
	}
	writeJSON(w, http.StatusOK, UnitDetail{
		Unit: toUnit(d.Unit), Note: d.Unit.Note, Parents: parents,
		Predecessors: toUnitLinks(d.Predecessors), Successors: toUnitLinks(d.Successors),
	})
}
