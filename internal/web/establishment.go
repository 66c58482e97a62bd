package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"
)

func (s *Server) establishmentRoutes() {
	s.mux.HandleFunc("GET /establishments", s.requireUser(s.listEstablishments))
	s.mux.HandleFunc("GET /establishments/export.xlsx", s.requireUser(s.exportEstablishments(app.FormatXLSX)))
	s.mux.HandleFunc("GET /establishments/export.csv", s.requireUser(s.exportEstablishments(app.FormatCSV)))
	s.mux.HandleFunc("GET /establishments/template.xlsx", s.requireUser(s.importTemplate))
	s.mux.HandleFunc("GET /establishments/{id}", s.requireUser(s.showEstablishment))
	s.mux.HandleFunc("GET /establishments/{id}/edit", s.requireUser(s.editEstablishment))
	s.mux.HandleFunc("POST /establishments/{id}", s.requireUser(s.updateEstablishment))
}

// establishmentsPerPage is the page size of the establishment list.
const establishmentsPerPage = 50

// establishmentRow is one line of the establishment list.
type establishmentRow struct {
	ID      int64
	Name    string
	Commune string
	Village string
	Kind    string
}

// establishmentList is the data of the list page.
type establishmentList struct {
	Query string
	Total int
	Rows  []establishmentRow
	Pager pagerView
	// Export holds the list's filters as hidden fields of the export
	// form, so the file holds exactly what the list shows.
	Export url.Values
	// CanExportPersonal offers the "include personal data" checkbox.
	CanExportPersonal bool
}

// pagerView is the data of the "pager" partial.
type pagerView struct {
	Lang             string
	Page, Pages      int
	PrevURL, NextURL string
}

// newPager computes the pages of total items, page being 1-based; base
// holds the other query parameters to keep.
func newPager(lang string, page, perPage, total int, base url.Values, path string) pagerView {
	pages := (total + perPage - 1) / perPage
	pv := pagerView{Lang: lang, Page: page, Pages: pages}
	link := func(n int) string {
		q := url.Values{}
		for k, v := range base {
			q[k] = v
		}
		if n > 1 {
			q.Set("page", strconv.Itoa(n))
		} else {
			q.Del("page")
		}
		if len(q) == 0 {
			return path
		}
		return path + "?" + q.Encode()
	}
	if page > 1 {
		pv.PrevURL = link(page - 1)
	}
	if page < pages {
		pv.NextURL = link(page + 1)
	}
	return pv
}

// listEstablishments lists the establishments in the caller's scope with a
// name search and paging.
func (s *Server) listEstablishments(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 {
		page = 1
	}
	f := kc.EstablishmentFilter{Query: vi.NFC(q), Limit: establishmentsPerPage, Offset: (page - 1) * establishmentsPerPage}
	list, total, err := s.app.ListEstablishments(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ids := make([]int64, 0, len(list))
	for _, e := range list {
		ids = append(ids, e.CommuneID)
	}
	names := s.unitNames(r.Context(), ids)
	lang := s.lang(r)
	v := establishmentList{Query: q, Total: total}
	for _, e := range list {
		v.Rows = append(v.Rows, establishmentRow{ID: e.ID, Name: e.Name, Commune: names[e.CommuneID], Village: e.Village, Kind: e.Kind})
	}
	base := url.Values{}
	if q != "" {
		base.Set("q", q)
	}
	v.Pager = newPager(lang, page, establishmentsPerPage, total, base, "/establishments")
	v.Export = base
	if p := app.PrincipalFrom(r.Context()); p != nil {
		v.CanExportPersonal = auth.Can(p.User.Role, auth.PermExportPersonal)
	}
	s.render(w, r, http.StatusOK, "establishments", s.page(r, locale.T(lang, "est.title"), "establishments", v))
}

// establishmentForm is the data of the edit form: the submitted values,
// kept after an error.
type establishmentForm struct {
	ID           int64
	Version      int    // the version read, for optimistic locking
	Original     string // the stored name, for the breadcrumb
	Name         string
	Village      string
	MainProducts string
	Notes        string
}

// editableEstablishment loads the establishment named in the path for an
// edit. Out of scope is 404 (checked first, so it reveals nothing) and a
// read-only role 403; on failure the response is written and ok is false.
func (s *Server) editableEstablishment(w http.ResponseWriter, r *http.Request) (e kc.Establishment, ok bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return e, false
	}
	if e, err = s.app.GetEstablishment(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return e, false
	}
	if p := app.PrincipalFrom(r.Context()); p == nil || !p.CanWrite() {
		s.fail(w, r, kc.Errorf(kc.EForbidden, "error.forbidden"))
		return e, false
	}
	return e, true
}

// editEstablishment shows the edit form. Out of scope is 404 (checked
// first, so it reveals nothing); a read-only role is 403.
func (s *Server) editEstablishment(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editableEstablishment(w, r)
	if !ok {
		return
	}
	f := establishmentForm{ID: e.ID, Version: e.Version, Original: e.Name, Name: e.Name, Village: e.Village, MainProducts: e.MainProducts, Notes: e.Notes}
	lang := s.lang(r)
	s.render(w, r, http.StatusOK, "establishment_edit", s.page(r, locale.T(lang, "est.edit")+" · "+e.Name, "establishments", f))
}

// updateEstablishment saves the edit form. Out of scope is 404 and a
// read-only role 403, before any validation; field errors re-render the
// form with the submitted values and a message next to each field.
func (s *Server) updateEstablishment(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editableEstablishment(w, r)
	if !ok {
		return
	}
	id := e.ID
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, kc.Errorf(kc.EInvalid, "error.bad_request").Wrap(err))
		return
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	f := establishmentForm{
		ID:           id,
		Version:      version,
		Original:     e.Name,
		Name:         strings.TrimSpace(vi.NFC(r.PostForm.Get("name"))),
		Village:      strings.TrimSpace(vi.NFC(r.PostForm.Get("village"))),
		MainProducts: strings.TrimSpace(vi.NFC(r.PostForm.Get("main_products"))),
		Notes:        strings.TrimSpace(vi.NFC(r.PostForm.Get("notes"))),
	}
	lang := s.lang(r)
	errs := map[string]string{}
	if f.Name == "" {
		errs["name"] = locale.T(lang, "est.error.name_required")
	}
	if len(errs) == 0 {
		upd := kc.EstablishmentUpdate{Version: f.Version, Name: &f.Name, Village: &f.Village, MainProducts: &f.MainProducts, Notes: &f.Notes}
		_, err := s.app.UpdateEstablishment(r.Context(), id, upd)
		if err == nil {
			http.Redirect(w, r, "/establishments/"+strconv.FormatInt(id, 10)+"?saved=1", http.StatusSeeOther)
			return
		}
		fes := kc.FieldErrors(err)
		if len(fes) == 0 {
			s.fail(w, r, err)
			return
		}
		for _, fe := range fes {
			errs[formField(fe.Field)] = locale.T(lang, fe.Key, fe.Args...)
		}
	}
	p := s.page(r, locale.T(lang, "est.edit")+" · "+e.Name, "establishments", f)
	p.Errors = errs
	s.render(w, r, http.StatusUnprocessableEntity, "establishment_edit", p)
}

// pathID parses the {id} wildcard; a malformed id is "not found".
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, kc.Errorf(kc.ENotFound, "error.not_found")
	}
	return id, nil
}

// formField maps an app field name to the form's input name.
func formField(field string) string {
	switch strings.ToLower(field) {
	case "mainproducts", "main_products":
		return "main_products"
	}
	return strings.ToLower(field)
}

// unitNames returns the display names ("Xã Đakrông") of the units with
// the given ids. Unit rows are reference data whose names never change for
// an id (a renamed unit is a new row), so the names are cached for the
// life of the server and missing ones are read in one query. An id that
// cannot be read is left out.
func (s *Server) unitNames(ctx context.Context, ids []int64) map[int64]string {
	out := make(map[int64]string, len(ids))
	var missing []int64
	for _, id := range ids {
		if id == 0 {
			continue
		}
		if v, ok := s.unitNameCache.Load(id); ok {
			out[id] = v.(string)
		} else if !slices.Contains(missing, id) {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out
	}
	units, err := s.app.UnitsByIDs(ctx, missing)
	if err != nil {
		s.log.Warn("unit names", "err", err)
		return out
	}
	for _, u := range units {
		s.unitNameCache.Store(u.ID, u.Name)
		out[u.ID] = u.Name
	}
	return out
}

// exportContentTypes are the media types of the export formats.
var exportContentTypes = map[string]string{
	app.FormatXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	app.FormatCSV:  "text/csv; charset=utf-8",
}

// attachment is a ResponseWriter that sets the download headers on the
// first write, so that an error found before any byte is written can still
// be answered with an ordinary error page.
type attachment struct {
	http.ResponseWriter
	contentType, filename string
	started               bool
}

func (a *attachment) Write(b []byte) (int, error) {
	if !a.started {
		a.started = true
		h := a.Header()
		h.Set("Content-Type", a.contentType)
		h.Set("Content-Disposition", `attachment; filename="`+a.filename+`"`)
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
	}
	return a.ResponseWriter.Write(b)
}

// exportAllowed takes a token from the caller's export bucket (the login
// limiter's rate, keyed by account); when none is left it answers 429.
func (s *Server) exportAllowed(w http.ResponseWriter, r *http.Request) bool {
	p := app.PrincipalFrom(r.Context())
	if s.limits.allow("export|" + strconv.FormatInt(p.User.ID, 10) + "|" + p.User.Username) {
		return true
	}
	w.Header().Set("Retry-After", "60")
	s.fail(w, r, kc.Errorf(kc.ERateLimited, "export.rate_limited"))
	return false
}

// exportEstablishments streams the establishments that the list's filters
// select (q, and as in the API unit, trade and kind) in the caller's
// scope as an XLSX or CSV download named like "co-so-2026-11-25.xlsx".
// personal=1 includes unmasked personal data for roles allowed to export
// it (403 otherwise); the app audits every export.
func (s *Server) exportEstablishments(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.exportAllowed(w, r) {
			return
		}
		q := r.URL.Query()
		f := app.RegistryFilterFromQuery(q)
		personal := q.Get("personal") == "1" || q.Get("personal") == "on"
		out := &attachment{ResponseWriter: w, contentType: exportContentTypes[format], filename: app.ExportFileName("co-so", s.app.Now(), format)}
		if _, err := s.app.ExportEstablishments(r.Context(), out, format, f, personal); err != nil {
			if out.started {
				// The download has begun: the client sees a truncated file.
				s.log.Error("export", "err", err)
				return
			}
			s.fail(w, r, err)
		}
	}
}

// importTemplate downloads the import template with the communes of the
// caller's scope and the trade catalogue as dropdowns.
func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) {
	if !s.exportAllowed(w, r) {
		return
	}
	out := &attachment{ResponseWriter: w, contentType: exportContentTypes[app.FormatXLSX], filename: app.ExportFileName("mau-nhap-co-so", s.app.Now(), app.FormatXLSX)}
	if err := s.app.ImportTemplate(r.Context(), out); err != nil {
		if out.started {
			s.log.Error("import template", "err", err)
			return
		}
		s.fail(w, r, err)
	}
}
