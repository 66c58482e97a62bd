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
	s.mux.HandleFunc("POST /establishments", s.requireUser(s.createEstablishment))
	s.mux.HandleFunc("GET /establishments/new", s.requireUser(s.newEstablishment))
	s.mux.HandleFunc("GET /establishments/export.xlsx", s.requireUser(s.exportEstablishments(app.FormatXLSX)))
	s.mux.HandleFunc("GET /establishments/export.csv", s.requireUser(s.exportEstablishments(app.FormatCSV)))
	s.mux.HandleFunc("GET /establishments/template.xlsx", s.requireUser(s.importTemplate))
	s.mux.HandleFunc("GET /establishments/{id}", s.requireUser(s.showEstablishment))
	s.mux.HandleFunc("GET /establishments/{id}/edit", s.requireUser(s.editEstablishment))
	s.mux.HandleFunc("POST /establishments/{id}", s.requireUser(s.updateEstablishment))
	s.mux.HandleFunc("GET /establishments/{id}/delete", s.requireUser(s.confirmDeleteEstablishment))
	s.mux.HandleFunc("POST /establishments/{id}/delete", s.requireUser(s.deleteEstablishment))
}

// establishmentsPerPage is the page size of the establishment list.
const establishmentsPerPage = 50

// flashKey is the session key of a one-time notice shown by the next
// page (after a redirect).
const flashKey = "flash"

// maxNoteUnits caps the current communes a former-unit note names.
const maxNoteUnits = 8

// establishmentRow is one line of the establishment list.
type establishmentRow struct {
	ID      int64
	Name    string
	Commune string
	Village string
	Kind    string
	Trades  []string // trade names, the primary first
	Flags   []string // labels of the flags set
}

// choice is one option of a select or datalist, or one checkbox.
type choice struct {
	Value, Label string
	Selected     bool
}

// establishmentList is the data of the list page.
type establishmentList struct {
	Query string
	// Unit is the unit filter as a unit code; UnitNote says what a former
	// unit means today ("Xã Hải Phúc (trước 01/07/2025) → nay thuộc: …").
	Unit, UnitNote string
	// Units are the suggestions of the unit filter (value = code).
	Units []choice
	// Trades, Kinds and Flags are the other filters' choices, with the
	// current ones selected.
	Trades, Kinds, Flags []choice
	// Filtered is set when a filter other than the search is active.
	Filtered bool
	// CanWrite offers the "new establishment" button.
	CanWrite bool
	Total    int
	// MoreThan says Total is the cap of a name search's count: more
	// than Total match.
	MoreThan bool
	Rows     []establishmentRow
	Pager    pagerView
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

// listEstablishments lists the establishments in the caller's scope with
// the registry filter (search, unit, trade, kind, flags) and paging. A
// filter the app refuses (an unknown unit code, say) answers 422 with the
// message next to that filter and in the results region, which htmx
// swaps.
func (s *Server) listEstablishments(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := s.lang(r)
	query := r.URL.Query()
	page, _ := strconv.Atoi(query.Get("page"))
	if page < 1 {
		page = 1
	}
	filter := app.RegistryFilterFromQuery(query)
	units, err := s.filterUnits(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filter.UnitCode = unitCode(filter.UnitCode, units)
	trades, err := s.app.Trades(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := establishmentList{
		Query: filter.Query, Unit: filter.UnitCode,
		Filtered: filter.UnitCode != "" || filter.Trade != "" || filter.Kind != "" || len(filter.Flags) > 0,
	}
	for _, u := range units {
		v.Units = append(v.Units, choice{Value: u.Code, Label: u.Name})
	}
	tradeNames := make(map[int64]string, len(trades))
	tradeID, _ := strconv.ParseInt(filter.Trade, 10, 64)
	for _, t := range trades {
		tradeNames[t.ID] = t.Name
		v.Trades = append(v.Trades, choice{Value: t.Code, Label: t.Name, Selected: filter.Trade != "" && (strings.EqualFold(t.Code, filter.Trade) || t.ID == tradeID)})
	}
	v.Kinds = kindChoices(lang, filter.Kind)
	for _, fl := range kc.EstablishmentFlags {
		v.Flags = append(v.Flags, choice{Value: fl, Label: locale.T(lang, "est.flag."+fl), Selected: slices.Contains(filter.Flags, fl)})
	}

	status := http.StatusOK
	var errs map[string]string
	list, total, err := s.app.SearchEstablishments(ctx, filter, establishmentsPerPage, (page-1)*establishmentsPerPage)
	if err != nil {
		fes := kc.FieldErrors(err)
		if len(fes) == 0 {
			s.fail(w, r, err)
			return
		}
		errs = map[string]string{}
		for _, fe := range fes {
			errs[fe.Field] = locale.T(lang, fe.Key, fe.Args...)
		}
		status = statusOf(kc.ErrorCode(err))
	}
	ids := make([]int64, 0, len(list))
	for _, e := range list {
		ids = append(ids, e.CommuneID)
	}
	names := s.unitNames(ctx, ids)
	v.Total = total
	if total > app.SearchCountCap {
		v.Total, v.MoreThan = app.SearchCountCap, true
	}
	for _, e := range list {
		row := establishmentRow{ID: e.ID, Name: e.Name, Commune: names[e.CommuneID], Village: e.Village, Kind: e.Kind}
		for _, id := range e.TradeIDs {
			if n := tradeNames[id]; n != "" {
				row.Trades = append(row.Trades, n)
			}
		}
		for _, fl := range establishmentFlags(e) {
			row.Flags = append(row.Flags, locale.T(lang, "est.flag."+fl))
		}
		v.Rows = append(v.Rows, row)
	}
	if err == nil && filter.UnitCode != "" {
		v.UnitNote = s.formerUnitNote(ctx, lang, filter.UnitCode)
	}
	v.Pager = newPager(lang, page, establishmentsPerPage, total, filter.Values(), "/establishments")
	v.Export = filter.Values()
	if p := app.PrincipalFrom(ctx); p != nil {
		v.CanExportPersonal = auth.Can(p.User.Role, auth.PermExportPersonal)
		v.CanWrite = p.CanWrite()
	}
	pg := s.page(r, locale.T(lang, "est.title"), "establishments", v)
	pg.Errors = errs
	pg.Flash = s.sessions.PopString(ctx, flashKey)
	s.render(w, r, status, "establishments", pg)
}

// filterUnits returns the suggestions of the unit filter: the units the
// caller's scope is made of (an administrator: the provinces), then the
// communes in scope (not for an administrator: the whole country's
// communes would weigh down every list page).
func (s *Server) filterUnits(ctx context.Context) ([]kc.Unit, error) {
	units, err := s.app.ScopeUnits(ctx)
	if err != nil {
		return nil, err
	}
	if p := app.PrincipalFrom(ctx); p == nil || p.All {
		return units, nil
	}
	communes, err := s.app.ScopeCommunes(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range communes {
		if !slices.ContainsFunc(units, func(u kc.Unit) bool { return u.ID == c.ID }) {
			units = append(units, c)
		}
	}
	return units, nil
}

// unitCode turns the unit filter as typed into a unit code: the leading
// digits of a code or of a suggestion such as "19573 – Xã Hải Phúc", or
// the code of the suggestion whose name matches ignoring marks, đ/Đ, case
// and spaces. Anything else is returned as typed, for the app to refuse.
func unitCode(s string, suggestions []kc.Unit) string {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 {
		return s[:i]
	}
	if key := vi.SearchKey(s); key != "" {
		for _, u := range suggestions {
			if vi.SearchKey(u.Name) == key {
				return u.Code
			}
		}
	}
	return s
}

// formerUnitNote says what a unit code that no unit in force carries
// means today: "Xã Hải Phúc (trước 01/07/2025) → nay thuộc: Xã Ba Lòng".
// A code in force, or one that cannot be read, gives "".
func (s *Server) formerUnitNote(ctx context.Context, lang, code string) string {
	hist, err := s.app.UnitHistory(ctx, code)
	if err != nil {
		return ""
	}
	var former *kc.Unit
	for i := range hist {
		u := &hist[i]
		if u.Current() {
			return ""
		}
		if former == nil || u.ValidTo.After(former.ValidTo) {
			former = u
		}
	}
	if former == nil {
		return ""
	}
	until := vi.FormatDay(former.ValidTo.AddDays(1).Time())
	ids, err := s.app.CommunesUnderCode(ctx, code)
	if err != nil || len(ids) == 0 {
		return locale.T(lang, "est.filter.former_unit_none", former.Name, until)
	}
	byID := s.unitNames(ctx, ids)
	names := make([]string, 0, len(byID))
	for _, n := range byID {
		names = append(names, n)
	}
	slices.SortFunc(names, vi.Compare)
	joined := strings.Join(names, ", ")
	if len(names) > maxNoteUnits {
		joined = locale.T(lang, "est.filter.and_more", strings.Join(names[:maxNoteUnits], ", "), len(names)-maxNoteUnits)
	}
	return locale.T(lang, "est.filter.former_unit", former.Name, until, joined)
}

// kindChoices lists the establishment kinds with selected marked.
func kindChoices(lang, selected string) []choice {
	out := make([]choice, 0, len(kc.EstablishmentKinds))
	for _, k := range kc.EstablishmentKinds {
		out = append(out, choice{Value: k, Label: locale.T(lang, "kind."+k), Selected: k == selected})
	}
	return out
}

// establishmentFlags returns the flags set on e, in display order.
func establishmentFlags(e kc.Establishment) []string {
	var out []string
	for _, f := range []struct {
		on   bool
		flag string
	}{
		{e.TraditionalCraft, kc.FlagTraditionalCraft},
		{e.CraftVillage, kc.FlagCraftVillage},
		{e.WomenOwned, kc.FlagWomenOwned},
		{e.EthnicMinorityOwned, kc.FlagEthnicMinorityOwned},
	} {
		if f.on {
			out = append(out, f.flag)
		}
	}
	return out
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
	if s.limits.Allow("export|" + strconv.FormatInt(p.User.ID, 10) + "|" + p.User.Username) {
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
		f.UnitCode = unitCode(f.UnitCode, nil)
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
