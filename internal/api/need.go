package api

import (
	"net/http"
	"time"

	"khuyencong/internal/app"
)

func (x *API) needRoutes() {
	x.handle("GET /api/v1/needs", x.listNeeds)
	x.handle("GET /api/v1/needs/{id}", x.getNeed)
	x.handle("PATCH /api/v1/needs/{id}", x.patchNeed)
}

// Need is the API view of a support request registered by the public
// (đăng ký nhu cầu): the phone is masked; status is one of new,
// handling, answered, closed.
type Need struct {
	ID                int64     `json:"id"`
	TrackingCode      string    `json:"tracking_code"`
	Name              string    `json:"name"`
	Phone             string    `json:"phone"`
	CommuneID         int64     `json:"commune_id"`
	CommuneName       string    `json:"commune_name"`
	Trade             string    `json:"trade"`
	Need              string    `json:"need"`
	Status            string    `json:"status"`
	EstablishmentID   *int64    `json:"establishment_id"`
	EstablishmentName string    `json:"establishment_name,omitempty"`
	Answer            string    `json:"answer"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// NeedList is one page of requests with the number of all matches.
type NeedList struct {
	Items  []Need `json:"items"`
	Total  int    `json:"total"`
	Limit  int    `json:"limit"`
	Offset int    `json:"offset"`
}

// NeedPatch is the body of PATCH /api/v1/needs/{id}: absent fields are
// kept; establishment_id 0 removes the link.
type NeedPatch struct {
	Status          *string `json:"status"`
	Answer          *string `json:"answer"`
	EstablishmentID *int64  `json:"establishment_id"`
}

func toNeed(n app.Need) Need {
	out := Need{ID: n.ID, TrackingCode: n.TrackingCode, Name: n.Name, Phone: n.Phone, CommuneID: n.CommuneID, CommuneName: n.CommuneName,
		Trade: n.Trade, Need: n.Need, Status: n.Status, EstablishmentName: n.EstablishmentName, Answer: n.Answer,
		CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt}
	if n.EstablishmentID != 0 {
		id := n.EstablishmentID
		out.EstablishmentID = &id
	}
	return out
}

// listNeeds lists the requests in the caller's scope, newest first;
// ?status= filters.
func (x *API) listNeeds(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := paging(r)
	if err != nil {
		x.badRequest(w, r, err)
		return
	}
	list, total, err := x.app.ListNeeds(r.Context(), r.URL.Query().Get("status"), limit, offset)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := NeedList{Items: make([]Need, 0, len(list)), Total: total, Limit: limit, Offset: offset}
	for _, n := range list {
		out.Items = append(out.Items, toNeed(n))
	}
	writeJSON(w, http.StatusOK, out)
}

// getNeed returns one request; outside the caller's scope 404.
func (x *API) getNeed(w http.ResponseWriter, r *http.Request) {
	id, err := wildcardInt(r, "id")
	if err != nil {
		x.fail(w, r, err)
		return
	}
	n, err := x.app.GetNeed(r.Context(), id)
	x.reply(w, r, http.StatusOK, toNeedOrNil(n, err), err)
}

// patchNeed changes a request's status, answer or linked establishment.
func (x *API) patchNeed(w http.ResponseWriter, r *http.Request) {
	id, err := wildcardInt(r, "id")
	if err != nil {
		x.fail(w, r, err)
		return
	}
	var in NeedPatch
	if !x.decode(w, r, &in) {
		return
	}
	n, err := x.app.UpdateNeed(r.Context(), id, app.NeedUpdate{Status: in.Status, Answer: in.Answer, EstablishmentID: in.EstablishmentID})
	x.reply(w, r, http.StatusOK, toNeedOrNil(n, err), err)
}

func toNeedOrNil(n app.Need, err error) any {
	if err != nil {
		return nil
	}
	return toNeed(n)
}
