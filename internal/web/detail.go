package web

import (
	"net/http"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
)

// establishmentView is the data of the detail page.
type establishmentView struct {
	kc.Establishment
	Commune string
	CanEdit bool
}

// showEstablishment shows one establishment; outside the caller's scope the
// app answers ENotFound and the page is a 404.
func (s *Server) showEstablishment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.app.GetEstablishment(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := app.PrincipalFrom(r.Context())
	v := establishmentView{Establishment: e, Commune: s.unitNames(r.Context(), []int64{e.CommuneID})[e.CommuneID], CanEdit: p != nil && p.CanWrite()}
	page := s.page(r, e.Name, "establishments", v)
	if r.URL.Query().Get("saved") == "1" {
		page.Flash = locale.T(page.Lang, "est.saved")
	}
	s.render(w, r, http.StatusOK, "establishment", page)
}
