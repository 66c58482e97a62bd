package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"
)

// establishmentForm is the data of the create and edit form: the values
// as shown or submitted (kept after an error) and the choices. Numbers,
// dates and coordinates are kept as typed, so a wrong value comes back
// for correction.
type establishmentForm struct {
	ID       int64  // 0 for a new establishment
	Version  int    // the version read, for optimistic locking
	Original string // the stored name, for the breadcrumb
	Name     string
	Village  string

	MainProducts string
	Notes        string

	Kind, SizeClass string
	CommuneID       int64
	Lat, Lon        string

	OwnerName, OwnerGender, OwnerEthnicity, OwnerBirthYear string
	// Phone, PersonalID and OwnerEthnicity hold what the user typed. In an
	// edit the inputs start empty, meaning "unchanged": the Stored values
	// are the masked ones on record, shown as placeholders, and the Clear
	// boxes remove them.
	Phone, PersonalID                              string
	StoredPhone, StoredPersonalID, StoredEthnicity string
	ClearPhone, ClearPersonalID, ClearEthnicity    bool

	WomenOwned, EthnicMinorityOwned bool
	FoundedYear                     string
	RegistrationNo                  string
	RegistrationDate                string // dd/mm/yyyy
	TraditionalCraft, CraftVillage  bool
	Artisan                         string
	TradeIDs                        []int64

	// ConfirmDuplicate creates the establishment despite look-alikes.
	ConfirmDuplicate bool
	// Duplicates are the look-alike establishments found before a create.
	Duplicates []duplicateView
	// Conflict is set when someone else saved the record since it was read.
	Conflict bool

	Kinds, SizeClasses, Genders, Artisans []choice
	Communes                              []communeGroup
	Trades                                []choice
}

// communeGroup is one group of the commune select (a province when the
// scope spans several, else a single group without label).
type communeGroup struct {
	Label   string
	Options []choice
}

// duplicateView is one look-alike establishment with the rules it matched.
type duplicateView struct {
	ID                     int64
	Name, Commune, Village string
	Reasons                string
}

// establishmentDelete is the data of the delete confirmation page.
type establishmentDelete struct {
	ID                     int64
	Name, Commune, Village string
	Error                  string // why the deletion was refused
}

// canWrite reports whether the caller may change the registry; when not,
// it writes the 403 page.
func (s *Server) canWrite(w http.ResponseWriter, r *http.Request) bool {
	if p := app.PrincipalFrom(r.Context()); p != nil && p.CanWrite() {
		return true
	}
	s.fail(w, r, kc.Errorf(kc.EForbidden, "error.forbidden"))
	return false
}

// editableEstablishment loads the establishment named in the path for a
// change. Out of scope is 404 (checked first, so it reveals nothing) and a
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
	if !s.canWrite(w, r) {
		return e, false
	}
	return e, true
}

// newEstablishment shows the empty form; a read-only role gets 403. With
// a single commune in scope, that commune is chosen.
func (s *Server) newEstablishment(w http.ResponseWriter, r *http.Request) {
	if !s.canWrite(w, r) {
		return
	}
	var f establishmentForm
	if p := app.PrincipalFrom(r.Context()); p != nil && !p.All && len(p.Communes) == 1 {
		f.CommuneID = p.Communes[0]
	}
	s.renderEstablishmentForm(w, r, http.StatusOK, &f, nil)
}

// createEstablishment registers an establishment from the form. Before
// creating it looks for look-alikes in the caller's scope and, unless the
// user confirmed, shows them (409) with a box to create anyway. Field
// errors re-render the form (422) with the values kept.
func (s *Server) createEstablishment(w http.ResponseWriter, r *http.Request) {
	if !s.canWrite(w, r) {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, kc.Errorf(kc.EInvalid, "error.bad_request").Wrap(err))
		return
	}
	ctx := r.Context()
	lang := s.lang(r)
	var f establishmentForm
	upd, errs := readEstablishmentForm(lang, r.PostForm, &f)
	if len(errs) > 0 {
		s.renderEstablishmentForm(w, r, http.StatusUnprocessableEntity, &f, errs)
		return
	}
	rec := recordOf(upd)
	if !f.ConfirmDuplicate {
		d, err := s.app.FindDuplicates(ctx, rec)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !d.Empty() {
			if f.Duplicates, err = s.duplicateViews(ctx, lang, d); err != nil {
				s.fail(w, r, err)
				return
			}
			if len(f.Duplicates) > 0 {
				s.renderEstablishmentForm(w, r, http.StatusConflict, &f, nil)
				return
			}
		}
	}
	created, err := s.app.CreateEstablishment(ctx, rec)
	if err == nil {
		http.Redirect(w, r, "/establishments/"+strconv.FormatInt(created.ID, 10)+"?saved=1", http.StatusSeeOther)
		return
	}
	s.formError(w, r, &f, err)
}

// editEstablishment shows the edit form. Out of scope is 404 (checked
// first, so it reveals nothing); a read-only role is 403.
func (s *Server) editEstablishment(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editableEstablishment(w, r)
	if !ok {
		return
	}
	f := formOf(e)
	s.renderEstablishmentForm(w, r, http.StatusOK, &f, nil)
}

// updateEstablishment saves the edit form. Out of scope is 404 and a
// read-only role 403, before any validation; field errors re-render the
// form with the submitted values and a message next to each field (422);
// a record changed by someone else since it was read re-renders the form
// with a conflict notice (409). A field the request does not carry stays
// unchanged.
func (s *Server) updateEstablishment(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editableEstablishment(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, kc.Errorf(kc.EInvalid, "error.bad_request").Wrap(err))
		return
	}
	f := formOf(e)
	upd, errs := readEstablishmentForm(s.lang(r), r.PostForm, &f)
	if len(errs) > 0 {
		s.renderEstablishmentForm(w, r, http.StatusUnprocessableEntity, &f, errs)
		return
	}
	if upd.TradeIDs != nil {
		ordered := keepOrder(e.TradeIDs, *upd.TradeIDs)
		upd.TradeIDs = &ordered
	}
	_, err := s.app.UpdateEstablishment(r.Context(), e.ID, upd)
	if err == nil {
		http.Redirect(w, r, "/establishments/"+strconv.FormatInt(e.ID, 10)+"?saved=1", http.StatusSeeOther)
		return
	}
	s.formError(w, r, &f, err)
}

// formError re-renders the form after the app refused it: field errors
// next to their fields (422, or 403 for a commune outside the scope), a
// conflict notice for a stale version (409); anything else is an error
// page.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, f *establishmentForm, err error) {
	lang := s.lang(r)
	if kc.ErrorCode(err) == kc.EConflict && f.ID != 0 {
		f.Conflict = true
		s.renderEstablishmentForm(w, r, http.StatusConflict, f, nil)
		return
	}
	fes := kc.FieldErrors(err)
	if len(fes) == 0 {
		s.fail(w, r, err)
		return
	}
	errs := map[string]string{}
	for _, fe := range fes {
		field := formField(fe.Field)
		if !slices.Contains(formInputs, field) {
			field = "form"
		}
		if _, dup := errs[field]; !dup {
			errs[field] = locale.T(lang, fe.Key, fe.Args...)
		}
	}
	s.renderEstablishmentForm(w, r, statusOf(kc.ErrorCode(err)), f, errs)
}

// formInputs are the input names of the form that can carry an error.
var formInputs = []string{
	"name", "kind", "size_class", "commune_id", "village", "lat", "lon", "trade_ids", "main_products",
	"traditional_craft", "craft_village", "artisan", "registration_no", "registration_date", "founded_year",
	"owner_name", "owner_gender", "owner_ethnicity", "owner_birth_year", "phone", "personal_id",
	"women_owned", "ethnic_minority_owned", "notes",
}

// renderEstablishmentForm fills the form's choices and renders it.
func (s *Server) renderEstablishmentForm(w http.ResponseWriter, r *http.Request, status int, f *establishmentForm, errs map[string]string) {
	lang := s.lang(r)
	if err := s.formChoices(r.Context(), lang, f); err != nil {
		s.fail(w, r, err)
		return
	}
	title := locale.T(lang, "est.new")
	if f.ID != 0 {
		title = locale.T(lang, "est.edit") + " · " + f.Original
	}
	p := s.page(r, title, "establishments", *f)
	p.Errors = errs
	s.render(w, r, status, "establishment_edit", p)
}

// formChoices fills the selects and checkbox lists of f, marking its
// current values.
func (s *Server) formChoices(ctx context.Context, lang string, f *establishmentForm) error {
	communes, err := s.app.ScopeCommunes(ctx)
	if err != nil {
		return err
	}
	trades, err := s.app.Trades(ctx)
	if err != nil {
		return err
	}
	f.Kinds = kindChoices(lang, f.Kind)
	f.SizeClasses = nil
	for _, c := range []string{kc.SizeMicro, kc.SizeSmall, kc.SizeMedium} {
		f.SizeClasses = append(f.SizeClasses, choice{Value: c, Label: locale.T(lang, "est.size."+c), Selected: c == f.SizeClass})
	}
	f.Genders = nil
	for _, g := range []string{"female", "male"} {
		f.Genders = append(f.Genders, choice{Value: g, Label: locale.T(lang, "est.gender."+g), Selected: g == f.OwnerGender})
	}
	f.Artisans = nil
	for _, a := range kc.ArtisanTitles {
		f.Artisans = append(f.Artisans, choice{Value: a, Label: locale.T(lang, "est.artisan."+a), Selected: a == f.Artisan})
	}
	f.Trades = nil
	for _, t := range trades {
		f.Trades = append(f.Trades, choice{Value: strconv.FormatInt(t.ID, 10), Label: t.Name, Selected: slices.Contains(f.TradeIDs, t.ID)})
	}
	f.Communes = s.communeGroups(ctx, communes, f.CommuneID)
	return nil
}

// communeGroups groups the commune choices by province when they span
// several, provinces in Vietnamese name order. A selected commune that is
// not among the choices (a record outside the list) is kept as the first
// option so that saving does not move the record silently.
func (s *Server) communeGroups(ctx context.Context, communes []kc.Unit, selected int64) []communeGroup {
	var parents []int64
	for _, c := range communes {
		if !slices.Contains(parents, c.ParentID) {
			parents = append(parents, c.ParentID)
		}
	}
	var groups []communeGroup
	found := false
	if len(parents) <= 1 {
		g := communeGroup{}
		for _, c := range communes {
			found = found || c.ID == selected
			g.Options = append(g.Options, choice{Value: strconv.FormatInt(c.ID, 10), Label: c.Name, Selected: c.ID == selected})
		}
		groups = append(groups, g)
	} else {
		names := s.unitNames(ctx, parents)
		slices.SortFunc(parents, func(x, y int64) int { return vi.Compare(names[x], names[y]) })
		for _, pid := range parents {
			g := communeGroup{Label: names[pid]}
			for _, c := range communes {
				if c.ParentID == pid {
					found = found || c.ID == selected
					g.Options = append(g.Options, choice{Value: strconv.FormatInt(c.ID, 10), Label: c.Name, Selected: c.ID == selected})
				}
			}
			groups = append(groups, g)
		}
	}
	if selected != 0 && !found {
		name := s.unitNames(ctx, []int64{selected})[selected]
		extra := communeGroup{Options: []choice{{Value: strconv.FormatInt(selected, 10), Label: name, Selected: true}}}
		groups = append([]communeGroup{extra}, groups...)
	}
	return groups
}

// duplicateViews describes the look-alikes of d (already limited to the
// caller's scope by the app), each once with every rule it matched.
func (s *Server) duplicateViews(ctx context.Context, lang string, d kc.Duplicates) ([]duplicateView, error) {
	var ids []int64
	reasons := map[int64][]string{}
	for _, rule := range []struct {
		ids []int64
		key string
	}{{d.SameName, "est.dup.same_name"}, {d.SamePhone, "est.dup.same_phone"}, {d.SamePersonalID, "est.dup.same_personal_id"}} {
		for _, id := range rule.ids {
			if _, seen := reasons[id]; !seen {
				ids = append(ids, id)
			}
			reasons[id] = append(reasons[id], locale.T(lang, rule.key))
		}
	}
	var found []kc.Establishment
	var communes []int64
	for _, id := range ids {
		e, err := s.app.GetEstablishment(ctx, id)
		if kc.ErrorCode(err) == kc.ENotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		found = append(found, e)
		communes = append(communes, e.CommuneID)
	}
	names := s.unitNames(ctx, communes)
	out := make([]duplicateView, 0, len(found))
	for _, e := range found {
		out = append(out, duplicateView{ID: e.ID, Name: e.Name, Commune: names[e.CommuneID], Village: e.Village, Reasons: strings.Join(reasons[e.ID], ", ")})
	}
	return out, nil
}

// confirmDeleteEstablishment asks before deleting; out of scope is 404
// and a read-only role 403.
func (s *Server) confirmDeleteEstablishment(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editableEstablishment(w, r)
	if !ok {
		return
	}
	s.renderDelete(w, r, http.StatusOK, e, "")
}

// deleteEstablishment deletes an establishment of the caller's scope and
// returns to the list with a notice. Out of scope is 404 and a read-only
// role 403; a project beneficiary is kept and the page says why (409).
func (s *Server) deleteEstablishment(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editableEstablishment(w, r)
	if !ok {
		return
	}
	err := s.app.DeleteEstablishment(r.Context(), e.ID)
	if kc.ErrorCode(err) == kc.EConflict {
		ke := kc.AsError(err)
		s.renderDelete(w, r, http.StatusConflict, e, locale.T(s.lang(r), ke.Key, ke.Args...))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), flashKey, locale.T(s.lang(r), "est.deleted", e.Name))
	http.Redirect(w, r, "/establishments", http.StatusSeeOther)
}

// renderDelete renders the delete confirmation page.
func (s *Server) renderDelete(w http.ResponseWriter, r *http.Request, status int, e kc.Establishment, msg string) {
	lang := s.lang(r)
	v := establishmentDelete{ID: e.ID, Name: e.Name, Village: e.Village, Error: msg,
		Commune: s.unitNames(r.Context(), []int64{e.CommuneID})[e.CommuneID]}
	s.render(w, r, status, "establishment_delete", s.page(r, locale.T(lang, "est.delete")+" · "+e.Name, "establishments", v))
}

// formOf returns the edit form of a stored (masked) record.
func formOf(e kc.Establishment) establishmentForm {
	f := establishmentForm{
		ID: e.ID, Version: e.Version, Original: e.Name, Name: e.Name, Village: e.Village, MainProducts: e.MainProducts, Notes: e.Notes,
		Kind: e.Kind, SizeClass: e.SizeClass, CommuneID: e.CommuneID,
		OwnerName: e.OwnerName, OwnerGender: e.OwnerGender, OwnerBirthYear: yearText(e.OwnerBirthYear),
		StoredPhone: e.Phone, StoredPersonalID: e.PersonalID, StoredEthnicity: e.OwnerEthnicity,
		WomenOwned: e.WomenOwned, EthnicMinorityOwned: e.EthnicMinorityOwned, FoundedYear: yearText(e.FoundedYear),
		RegistrationNo: e.RegistrationNo, TraditionalCraft: e.TraditionalCraft, CraftVillage: e.CraftVillage,
		Artisan: e.Artisan, TradeIDs: slices.Clone(e.TradeIDs),
	}
	if e.HasLocation {
		f.Lat, f.Lon = strconv.FormatFloat(e.Lat, 'f', -1, 64), strconv.FormatFloat(e.Lon, 'f', -1, 64)
	}
	if !e.RegistrationDate.IsZero() {
		f.RegistrationDate = vi.FormatDay(e.RegistrationDate.Time())
	}
	return f
}

// yearText writes a year, or "" when not set.
func yearText(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

// readEstablishmentForm reads a posted form into f (for display) and into
// an update. A field the form does not carry stays nil (unchanged); the
// checkboxes and the trade list come with a hidden empty companion so
// that an unticked box still counts as sent. In an edit (f.ID set) an
// empty phone, personal ID or ethnicity means "unchanged" unless its
// clear box is ticked. Values that cannot be read (a year that is not a
// number, a malformed date or coordinate, one coordinate without the
// other) are returned as field errors.
func readEstablishmentForm(lang string, form url.Values, f *establishmentForm) (kc.EstablishmentUpdate, map[string]string) {
	var upd kc.EstablishmentUpdate
	errs := map[string]string{}
	has := func(k string) bool { _, ok := form[k]; return ok }
	text := func(k string, dst *string) *string {
		if !has(k) {
			return nil
		}
		v := strings.TrimSpace(vi.NFC(form.Get(k)))
		*dst = v
		return &v
	}
	flag := func(k string, dst *bool) *bool {
		if !has(k) {
			return nil
		}
		v := slices.ContainsFunc(form[k], func(s string) bool { return s == "1" || s == "on" || s == "true" })
		*dst = v
		return &v
	}
	year := func(k string, dst *string) *int {
		if !has(k) {
			return nil
		}
		s := strings.TrimSpace(form.Get(k))
		*dst = s
		n := 0
		if s != "" {
			var err error
			if n, err = strconv.Atoi(s); err != nil {
				errs[k] = locale.T(lang, "est.year_invalid")
				return nil
			}
		}
		return &n
	}

	if has("version") {
		f.Version, _ = strconv.Atoi(form.Get("version"))
		upd.Version = f.Version
	}
	upd.Name = text("name", &f.Name)
	upd.Village = text("village", &f.Village)
	upd.MainProducts = text("main_products", &f.MainProducts)
	upd.Notes = text("notes", &f.Notes)
	upd.Kind = text("kind", &f.Kind)
	upd.SizeClass = text("size_class", &f.SizeClass)
	upd.OwnerName = text("owner_name", &f.OwnerName)
	upd.OwnerGender = text("owner_gender", &f.OwnerGender)
	upd.RegistrationNo = text("registration_no", &f.RegistrationNo)
	upd.Artisan = text("artisan", &f.Artisan)
	upd.OwnerBirthYear = year("owner_birth_year", &f.OwnerBirthYear)
	upd.FoundedYear = year("founded_year", &f.FoundedYear)
	upd.WomenOwned = flag("women_owned", &f.WomenOwned)
	upd.EthnicMinorityOwned = flag("ethnic_minority_owned", &f.EthnicMinorityOwned)
	upd.TraditionalCraft = flag("traditional_craft", &f.TraditionalCraft)
	upd.CraftVillage = flag("craft_village", &f.CraftVillage)
	flag("confirm_duplicate", &f.ConfirmDuplicate)

	if has("commune_id") {
		s := strings.TrimSpace(form.Get("commune_id"))
		id, err := strconv.ParseInt(s, 10, 64)
		switch {
		case s == "":
			id = 0
		case err != nil || id <= 0:
			errs["commune_id"] = locale.T(lang, "field.invalid_choice", s)
		}
		f.CommuneID = id
		upd.CommuneID = &id
	}
	if has("trade_ids") {
		ids := []int64{}
		for _, s := range form["trade_ids"] {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || id <= 0 {
				errs["trade_ids"] = locale.T(lang, "field.invalid_choice", s)
				continue
			}
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		f.TradeIDs = ids
		upd.TradeIDs = &ids
	}
	if has("registration_date") {
		s := strings.TrimSpace(form.Get("registration_date"))
		f.RegistrationDate = s
		d, ok := parseDay(s)
		if ok {
			upd.RegistrationDate = &d
		} else {
			errs["registration_date"] = locale.T(lang, "est.date_invalid")
		}
	}
	if has("lat") || has("lon") {
		f.Lat, f.Lon = strings.TrimSpace(form.Get("lat")), strings.TrimSpace(form.Get("lon"))
		lat, latOK := parseCoordinate(f.Lat)
		lon, lonOK := parseCoordinate(f.Lon)
		switch {
		case f.Lat == "" && f.Lon == "":
			upd.Location = &kc.Location{}
		case !latOK:
			errs["lat"] = locale.T(lang, "est.number_invalid")
		case !lonOK:
			errs["lon"] = locale.T(lang, "est.number_invalid")
		case f.Lat == "":
			errs["lat"] = locale.T(lang, "est.coordinates_pair")
		case f.Lon == "":
			errs["lon"] = locale.T(lang, "est.coordinates_pair")
		default:
			upd.Location = &kc.Location{Set: true, Lat: lat, Lon: lon}
		}
	}
	personal := func(k, clearKey string, dst *string, clear *bool) *string {
		if !has(k) {
			return nil
		}
		v := strings.TrimSpace(vi.NFC(form.Get(k)))
		*dst = v
		flag(clearKey, clear)
		if v == "" && f.ID != 0 && !*clear {
			return nil
		}
		return &v
	}
	upd.Phone = personal("phone", "clear_phone", &f.Phone, &f.ClearPhone)
	upd.PersonalID = personal("personal_id", "clear_personal_id", &f.PersonalID, &f.ClearPersonalID)
	upd.OwnerEthnicity = personal("owner_ethnicity", "clear_owner_ethnicity", &f.OwnerEthnicity, &f.ClearEthnicity)
	if len(errs) == 0 {
		errs = nil
	}
	return upd, errs
}

// parseDay reads a calendar day typed as dd/mm/yyyy (also d/m/yyyy,
// dd-mm-yyyy, dd.mm.yyyy) or yyyy-mm-dd; "" is the zero Date. ok is false
// for anything else, impossible days such as 31/02 included.
func parseDay(s string) (kc.Date, bool) {
	if s == "" {
		return kc.Date{}, true
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	if len(parts) != 3 {
		return kc.Date{}, false
	}
	n := make([]int, 3)
	for i, p := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || v < 0 {
			return kc.Date{}, false
		}
		n[i] = v
	}
	d, m, y := n[0], n[1], n[2]
	if len(strings.TrimSpace(parts[0])) == 4 {
		y, m, d = n[0], n[1], n[2]
	} else if len(strings.TrimSpace(parts[2])) != 4 {
		return kc.Date{}, false
	}
	if m < 1 || m > 12 || d < 1 || y < 1000 {
		return kc.Date{}, false
	}
	day := kc.NewDate(y, time.Month(m), d)
	if day.Time().Day() != d {
		return kc.Date{}, false
	}
	return day, true
}

// parseCoordinate reads a decimal degree, accepting a decimal comma
// ("16,75"); "" reads as zero with ok true.
func parseCoordinate(s string) (float64, bool) {
	if s == "" {
		return 0, true
	}
	if !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

// recordOf turns a create form's update into a record; fields not sent
// are empty.
func recordOf(upd kc.EstablishmentUpdate) kc.Establishment {
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	num := func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	}
	yes := func(p *bool) bool { return p != nil && *p }
	e := kc.Establishment{
		Name: str(upd.Name), Village: str(upd.Village), Kind: str(upd.Kind), MainProducts: str(upd.MainProducts), Notes: str(upd.Notes),
		SizeClass: str(upd.SizeClass), OwnerName: str(upd.OwnerName), OwnerGender: str(upd.OwnerGender), OwnerEthnicity: str(upd.OwnerEthnicity),
		OwnerBirthYear: num(upd.OwnerBirthYear), Phone: str(upd.Phone), PersonalID: str(upd.PersonalID),
		WomenOwned: yes(upd.WomenOwned), EthnicMinorityOwned: yes(upd.EthnicMinorityOwned), FoundedYear: num(upd.FoundedYear),
		RegistrationNo: str(upd.RegistrationNo), TraditionalCraft: yes(upd.TraditionalCraft), CraftVillage: yes(upd.CraftVillage),
		Artisan: str(upd.Artisan),
	}
	if upd.CommuneID != nil {
		e.CommuneID = *upd.CommuneID
	}
	if upd.Location != nil && upd.Location.Set {
		e.Lat, e.Lon, e.HasLocation = upd.Location.Lat, upd.Location.Lon, true
	}
	if upd.RegistrationDate != nil {
		e.RegistrationDate = *upd.RegistrationDate
	}
	if upd.TradeIDs != nil {
		e.TradeIDs = *upd.TradeIDs
	}
	return e
}

// keepOrder orders the chosen trades as the record had them (the first
// is the primary trade), newly chosen ones after, in the order given.
func keepOrder(current, chosen []int64) []int64 {
	out := make([]int64, 0, len(chosen))
	for _, id := range current {
		if slices.Contains(chosen, id) {
			out = append(out, id)
		}
	}
	for _, id := range chosen {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
