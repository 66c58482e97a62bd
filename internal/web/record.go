package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"
)

// recordRoutes registers the parts of an establishment's record page:
// the audited reveal of personal data, yearly facts, certificates,
// licences, artisans, and files and photos. Forms post to …/delete
// because HTML forms cannot send DELETE.
func (s *Server) recordRoutes() {
	s.mux.HandleFunc("POST /establishments/{id}/reveal", s.requireUser(s.revealPersonal))
	s.mux.HandleFunc("POST /establishments/{id}/facts", s.requireUser(s.putFact))
	s.mux.HandleFunc("POST /establishments/{id}/facts/{year}/delete", s.requireUser(s.deleteFact))
	s.mux.HandleFunc("POST /establishments/{id}/certificates", s.requireUser(s.addCertificate))
	s.mux.HandleFunc("POST /establishments/{id}/certificates/{rid}/delete", s.requireUser(s.deleteChild(s.app.DeleteCertificate)))
	s.mux.HandleFunc("POST /establishments/{id}/licences", s.requireUser(s.addLicence))
	s.mux.HandleFunc("POST /establishments/{id}/licences/{rid}/delete", s.requireUser(s.deleteChild(s.app.DeleteLicence)))
	s.mux.HandleFunc("POST /establishments/{id}/artisans", s.requireUser(s.addArtisan))
	s.mux.HandleFunc("POST /establishments/{id}/artisans/{rid}/delete", s.requireUser(s.deleteChild(s.app.DeleteArtisan)))
	s.mux.HandleFunc("POST /establishments/{id}/files", s.requireUser(s.uploadFile))
	s.mux.HandleFunc("GET /establishments/{id}/files/{rid}", s.requireUser(s.downloadFile))
	s.mux.HandleFunc("POST /establishments/{id}/files/{rid}/delete", s.requireUser(s.deleteChild(s.app.DeleteAttachment)))
}

// recordURL is the address of establishment id's page with a query and
// a section anchor.
func recordURL(id int64, query, anchor string) string {
	u := "/establishments/" + strconv.FormatInt(id, 10)
	if query != "" {
		u += "?" + query
	}
	if anchor != "" {
		u += "#" + anchor
	}
	return u
}

// recordChildID parses the {rid} wildcard (a certificate, licence, artisan or
// file id); a malformed id is "not found".
func recordChildID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("rid"), 10, 64)
	if err != nil || id <= 0 {
		return 0, kc.Errorf(kc.ENotFound, "error.not_found")
	}
	return id, nil
}

// recordFormValues reads a posted form's fields as text and numbers, collecting
// a message per field that does not parse, keyed prefix.field.
type recordFormValues struct {
	v      url.Values
	lang   string
	prefix string
	errs   map[string]string
}

func (f *recordFormValues) fail(field, key string, args ...any) {
	if _, dup := f.errs[f.prefix+field]; !dup {
		f.errs[f.prefix+field] = locale.T(f.lang, key, args...)
	}
}

// text returns a field trimmed and in NFC.
func (f *recordFormValues) text(field string) string {
	return strings.TrimSpace(vi.NFC(f.v.Get(field)))
}

// number returns an integer field written with or without digit grouping
// ("150.000.000", "150 000 000"); empty is 0.
func (f *recordFormValues) number(field string) int64 {
	s := strings.Map(func(r rune) rune {
		switch r {
		case '.', ',', ' ', '\u00a0', '₫':
			return -1
		}
		return r
	}, f.text(field))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "đồng"), "đ")
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f.fail(field, "record.error.number")
		return 0
	}
	return n
}

// date returns a date field given as YYYY-MM-DD (a date input) or
// dd/mm/yyyy (typed); empty is the zero date.
func (f *recordFormValues) date(field string) kc.Date {
	s := f.text(field)
	if s == "" {
		return kc.Date{}
	}
	if d, err := kc.ParseDate(s); err == nil {
		return d
	}
	parts := strings.Split(s, "/")
	if len(parts) == 3 {
		day, e1 := strconv.Atoi(parts[0])
		month, e2 := strconv.Atoi(parts[1])
		year, e3 := strconv.Atoi(parts[2])
		if e1 == nil && e2 == nil && e3 == nil && year > 999 && year < 10000 {
			if d, err := kc.ParseDate(strconv.Itoa(year) + "-" + recordPad2(month) + "-" + recordPad2(day)); err == nil {
				return d
			}
		}
	}
	f.fail(field, "record.error.date")
	return kc.Date{}
}

func recordPad2(n int) string {
	if n >= 0 && n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// readForm parses the posted form of r for the form named prefix.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request, prefix string) (*recordFormValues, bool) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, kc.Errorf(kc.EInvalid, "error.bad_request").Wrap(err))
		return nil, false
	}
	return &recordFormValues{v: r.PostForm, lang: s.lang(r), prefix: prefix + ".", errs: map[string]string{}}, true
}

// saved finishes a form post: on success it redirects to the record's
// section with a done flash; field errors (added to errs under prefix)
// re-render the page with status 422 (413 for a file over the size cap)
// and the submitted values; any other error is the error page.
func (s *Server) saved(w http.ResponseWriter, r *http.Request, id int64, err error, prefix, done, anchor string, errs map[string]string, forms recordForms) {
	if err == nil && len(errs) == 0 {
		http.Redirect(w, r, recordURL(id, "done="+done, anchor), http.StatusSeeOther)
		return
	}
	status := http.StatusUnprocessableEntity
	if err != nil {
		fes := kc.FieldErrors(err)
		if len(fes) == 0 {
			s.fail(w, r, err)
			return
		}
		lang := s.lang(r)
		for _, fe := range fes {
			if _, dup := errs[prefix+"."+fe.Field]; !dup {
				errs[prefix+"."+fe.Field] = locale.T(lang, fe.Key, fe.Args...)
			}
			if fe.Key == "record.file.too_large" {
				status = http.StatusRequestEntityTooLarge
			}
		}
	}
	forms.Errors = errs
	s.renderRecord(w, r, id, status, forms)
}

// factForm is the yearly-facts form as submitted (or filled for an edit).
type factForm struct {
	Editing                                                                         bool
	Year, Workers, WomenWorkers, EthnicMinorityWorkers, Revenue, Capital, AvgIncome string
	Source                                                                          string
}

// factFormOf fills the form with one year's facts, for editing.
func factFormOf(f kc.EstablishmentFact) factForm {
	n := func(v int64) string { return vi.FormatNumber(v) }
	return factForm{Editing: true, Year: strconv.Itoa(f.Year), Workers: strconv.Itoa(f.Workers), WomenWorkers: strconv.Itoa(f.WomenWorkers),
		EthnicMinorityWorkers: strconv.Itoa(f.EthnicMinorityWorkers), Revenue: n(f.Revenue), Capital: n(f.Capital), AvgIncome: n(f.AvgIncome), Source: f.Source}
}

// putFact adds or replaces one year of facts (the year comes from the
// form). Out of scope is 404 and a read-only role 403, before any check
// of the values.
func (s *Server) putFact(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editableEstablishment(w, r)
	if !ok {
		return
	}
	f, ok := s.readForm(w, r, "fact")
	if !ok {
		return
	}
	form := factForm{Editing: f.v.Get("editing") == "1", Year: f.text("year"), Workers: f.text("workers"), WomenWorkers: f.text("women_workers"),
		EthnicMinorityWorkers: f.text("ethnic_minority_workers"), Revenue: f.text("revenue"), Capital: f.text("capital"),
		AvgIncome: f.text("avg_income"), Source: f.text("source")}
	fact := kc.EstablishmentFact{EstablishmentID: e.ID, Year: int(f.number("year")), Workers: int(f.number("workers")),
		WomenWorkers: int(f.number("women_workers")), EthnicMinorityWorkers: int(f.number("ethnic_minority_workers")),
		Revenue: f.number("revenue"), Capital: f.number("capital"), AvgIncome: f.number("avg_income"), Source: form.Source}
	if form.Year == "" {
		f.fail("year", "field.required")
	}
	var err error
	if len(f.errs) == 0 {
		_, err = s.app.PutFact(r.Context(), fact)
	}
	s.saved(w, r, e.ID, err, "fact", "fact", "facts", f.errs, recordForms{Fact: &form})
}

// deleteFact removes one year of facts.
func (s *Server) deleteFact(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editableEstablishment(w, r)
	if !ok {
		return
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		s.fail(w, r, kc.Errorf(kc.ENotFound, "error.not_found"))
		return
	}
	if err := s.app.DeleteFact(r.Context(), e.ID, year); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, recordURL(e.ID, "done=deleted", "facts"), http.StatusSeeOther)
}

// deleteChild returns the handler that removes a certificate, licence,
// artisan or file ({rid}) of the establishment with del. Out of scope is
// 404 and a read-only role 403.
func (s *Server) deleteChild(del func(ctx context.Context, establishmentID, id int64) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e, ok := s.editableEstablishment(w, r)
		if !ok {
			return
		}
		rid, err := recordChildID(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if err := del(r.Context(), e.ID, rid); err != nil {
			s.fail(w, r, err)
			return
		}
		anchor := strings.Split(strings.TrimPrefix(r.Pattern, "POST /establishments/{id}/"), "/")[0]
		http.Redirect(w, r, recordURL(e.ID, "done=deleted", anchor), http.StatusSeeOther)
	}
}

// certificateRow is a certificate as listed, with its expiry worked out.
type certificateRow struct {
	kc.Certificate
	Expired bool
}

// certificateForm is the add-certificate form as submitted.
type certificateForm struct {
	Kind, Level, Stars, Product, Number, Year, ValidUntil string
}

// addCertificate records a certificate (typical product with a level, or
// OCOP with stars).
func (s *Server) addCertificate(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editableEstablishment(w, r)
	if !ok {
		return
	}
	f, ok := s.readForm(w, r, "cert")
	if !ok {
		return
	}
	form := certificateForm{Kind: f.text("kind"), Level: f.text("level"), Stars: f.text("stars"), Product: f.text("product"),
		Number: f.text("number"), Year: f.text("year"), ValidUntil: f.text("valid_until")}
	c := kc.Certificate{EstablishmentID: e.ID, Kind: form.Kind, Level: form.Level, Stars: int(f.number("stars")), Product: form.Product,
		Number: form.Number, Year: int(f.number("year")), ValidUntil: f.date("valid_until")}
	if c.Kind == kc.CertOCOP {
		c.Level = "" // the level belongs to typical products
	}
	if form.Year == "" {
		f.fail("year", "field.required")
	}
	var err error
	if len(f.errs) == 0 {
		_, err = s.app.AddCertificate(r.Context(), c)
	}
	s.saved(w, r, e.ID, err, "cert", "certificate", "certificates", f.errs, recordForms{Cert: &form})
}

// licenceRow is a licence as listed, with its expiry worked out.
type licenceRow struct {
	kc.Licence
	Expired bool
}

// licenceForm is the add-licence form as submitted.
type licenceForm struct {
	Kind, Number, Issuer, IssuedOn, ValidUntil string
}

// addLicence records a licence such as a craft liquor production licence.
func (s *Server) addLicence(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editableEstablishment(w, r)
	if !ok {
		return
	}
	f, ok := s.readForm(w, r, "lic")
	if !ok {
		return
	}
	form := licenceForm{Kind: f.text("kind"), Number: f.text("number"), Issuer: f.text("issuer"), IssuedOn: f.text("issued_on"), ValidUntil: f.text("valid_until")}
	l := kc.Licence{EstablishmentID: e.ID, Kind: form.Kind, Number: form.Number, Issuer: form.Issuer,
		IssuedOn: f.date("issued_on"), ValidUntil: f.date("valid_until")}
	var err error
	if len(f.errs) == 0 {
		_, err = s.app.AddLicence(r.Context(), l)
	}
	s.saved(w, r, e.ID, err, "lic", "licence", "licences", f.errs, recordForms{Lic: &form})
}

// artisanForm is the add-artisan form as submitted.
type artisanForm struct {
	Name, Title, RecognisedYear string
}

// addArtisan records an artisan of the establishment.
func (s *Server) addArtisan(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editableEstablishment(w, r)
	if !ok {
		return
	}
	f, ok := s.readForm(w, r, "art")
	if !ok {
		return
	}
	form := artisanForm{Name: f.text("name"), Title: f.text("title"), RecognisedYear: f.text("recognised_year")}
	a := kc.ArtisanRecord{EstablishmentID: e.ID, Name: form.Name, Title: form.Title, RecognisedYear: int(f.number("recognised_year"))}
	var err error
	if len(f.errs) == 0 {
		_, err = s.app.AddArtisan(r.Context(), a)
	}
	s.saved(w, r, e.ID, err, "art", "artisan", "artisans", f.errs, recordForms{Art: &form})
}

// revealView is the data of the record_reveal page: the owner section
// with the clear values (or the reveal form with its error).
type revealView struct {
	ID    int64
	Name  string
	Owner ownerView
}

// revealPersonal shows the clear phone, personal ID and ethnicity of the
// owner to a role allowed to see them, after the app has recorded the
// read and its reason in the audit log. An htmx request gets the owner
// fragment that replaces #personal; a plain form post gets a page of its
// own. Out of scope is 404, a role without the permission 403; a missing
// reason shows the form again with the message next to the field (with
// status 200 for htmx, which swaps only successful answers, 422 else).
func (s *Server) revealPersonal(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	e, err := s.app.GetEstablishment(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, kc.Errorf(kc.EInvalid, "error.bad_request").Wrap(err))
		return
	}
	lang := s.lang(r)
	reason := r.PostForm.Get("reason")
	owner := newOwnerView(lang, e, app.PrincipalFrom(ctx))
	w.Header().Set("Cache-Control", "no-store")
	d, err := s.app.RevealPersonal(ctx, id, reason)
	if err != nil {
		fes := kc.FieldErrors(err)
		if len(fes) == 0 {
			s.fail(w, r, err)
			return
		}
		msg := locale.T(lang, fes[0].Key, fes[0].Args...)
		if !partialRequest(r) {
			s.renderRecord(w, r, id, http.StatusUnprocessableEntity, recordForms{Reason: &reason, Errors: map[string]string{"reveal.reason": msg}})
			return
		}
		owner.Reason, owner.ReasonError = reason, msg
		s.render(w, r, http.StatusOK, "record_reveal", s.page(r, e.Name, "establishments", revealView{ID: e.ID, Name: e.Name, Owner: owner}))
		return
	}
	owner.Phone, owner.PersonalID, owner.OwnerEthnicity = d.Phone, d.PersonalID, d.OwnerEthnicity
	owner.Masked, owner.Revealed, owner.CanReveal = false, true, false
	title := locale.T(lang, "record.personal.title") + " · " + e.Name
	s.render(w, r, http.StatusOK, "record_reveal", s.page(r, title, "establishments", revealView{ID: e.ID, Name: e.Name, Owner: owner}))
}

// attachmentOverhead is what a multipart body may carry beside the file
// itself (boundaries, part headers, the other fields).
const attachmentOverhead = 64 << 10

// errAttachmentTooLarge marks an upload over app.MaxAttachmentSize.
var errAttachmentTooLarge = errors.New("web: upload too large")

// readAttachmentUpload reads the "file" part of a multipart upload, at most
// app.MaxAttachmentSize bytes (errAttachmentTooLarge beyond, whether the file or the
// whole body is too large). No file part gives an empty name.
func readAttachmentUpload(w http.ResponseWriter, r *http.Request) (name string, data []byte, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, app.MaxAttachmentSize+attachmentOverhead)
	tooLarge := func(err error) error {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return errAttachmentTooLarge
		}
		return err
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, err
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return "", nil, nil
		}
		if err != nil {
			return "", nil, tooLarge(err)
		}
		if part.FormName() != "file" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, app.MaxAttachmentSize+1))
		if err != nil {
			return "", nil, tooLarge(err)
		}
		if len(data) > app.MaxAttachmentSize {
			return "", nil, errAttachmentTooLarge
		}
		return part.FileName(), data, nil
	}
}

// uploadFile attaches one file or photo to the record. Out of scope is
// 404 and a read-only role 403, before the body is read; uploads count
// against the account's rate limit (429 when spent); a file over the size
// cap is refused with 413 and a message next to the field, a type that is
// not accepted with 422.
func (s *Server) uploadFile(w http.ResponseWriter, r *http.Request) {
	e, ok := s.editableEstablishment(w, r)
	if !ok {
		return
	}
	p := app.PrincipalFrom(r.Context())
	if !s.limits.Allow("upload|" + strconv.FormatInt(p.User.ID, 10) + "|" + p.User.Username) {
		w.Header().Set("Retry-After", "60")
		s.fail(w, r, kc.Errorf(kc.ERateLimited, "record.file.rate_limited"))
		return
	}
	name, data, err := readAttachmentUpload(w, r)
	switch {
	case errors.Is(err, errAttachmentTooLarge):
		err = kc.FieldError("file", "record.file.too_large", app.MaxAttachmentSize>>20)
	case err != nil:
		s.fail(w, r, kc.Errorf(kc.EInvalid, "error.bad_request").Wrap(err))
		return
	default:
		_, err = s.app.AddAttachment(r.Context(), e.ID, name, data)
	}
	s.saved(w, r, e.ID, err, "file", "file", "files", map[string]string{}, recordForms{})
}

// downloadFile sends a file of the record as a download named after the
// file (RFC 5987 for non-ASCII names). ?inline=1 shows a photo in the
// page instead (thumbnails); other types are always downloads.
func (s *Server) downloadFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rid, err := recordChildID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.app.GetAttachment(r.Context(), id, rid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	disposition := "attachment"
	if r.URL.Query().Get("inline") == "1" && app.IsImage(f.ContentType) {
		disposition = "inline"
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", attachmentDisposition(disposition, f.FileName))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("ETag", `"`+f.SHA256+`"`)
	http.ServeContent(w, r, "", f.CreatedAt, bytes.NewReader(f.Data))
}

// attachmentDisposition returns a Content-Disposition value with an ASCII
// filename for old clients and the exact name as an RFC 5987 filename*.
func attachmentDisposition(disposition, name string) string {
	fallback := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, strings.ReplaceAll(vi.Fold(name), " ", "-"))
	if strings.Trim(fallback, "_.") == "" {
		fallback = "tep"
	}
	return disposition + `; filename="` + fallback + `"; filename*=UTF-8''` + rfc5987Escape(name)
}

// rfc5987Escape percent-encodes every byte of s that is not an attr-char of
// RFC 5987.
func rfc5987Escape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("!#$&+-.^_`|~", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// fileRow is a file as listed on the record page.
type fileRow struct {
	ID       int64
	Name     string
	Kind     string
	Size     string
	Uploader string
	At       string
	Image    bool
}

// newFileRow presents an attachment in lang.
func newFileRow(lang string, f app.Attachment) fileRow {
	kind := "record.file.kind.image"
	switch f.ContentType {
	case "application/pdf":
		kind = "record.file.kind.pdf"
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		kind = "record.file.kind.xlsx"
	case "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
		kind = "record.file.kind.docx"
	}
	return fileRow{ID: f.ID, Name: f.FileName, Kind: locale.T(lang, kind), Size: attachmentSize(lang, f.Size), Uploader: f.CreatedByName,
		At: vi.FormatDateTime(f.CreatedAt), Image: app.IsImage(f.ContentType)}
}

// attachmentSize writes a size in bytes, KB or MB with one decimal ("1,5 MB"
// in Vietnamese, "1.5 MB" in English).
func attachmentSize(lang string, n int64) string {
	one := func(v float64) string {
		s := strconv.FormatFloat(v, 'f', 1, 64)
		s = strings.TrimSuffix(s, ".0")
		if lang == "vi" {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	}
	switch {
	case n < 1024:
		return locale.T(lang, "record.file.bytes", vi.FormatNumber(n))
	case n < 1<<20:
		return locale.T(lang, "record.file.kb", one(float64(n)/1024))
	}
	return locale.T(lang, "record.file.mb", one(float64(n)/(1<<20)))
}

// trailRow is one line of the record's history as shown.
type trailRow struct {
	At, Actor, Action, Subject string
	Fields                     []string
}

// newTrailRow presents a history entry in lang: the action and the part of
// the record in words, and the labels of the fields that changed.
func newTrailRow(lang string, te app.TrailEntry) trailRow {
	label := func(key, fallback string, args ...any) string {
		if locale.Has(key) {
			return locale.T(lang, key, args...)
		}
		return fallback
	}
	row := trailRow{At: vi.FormatDateTime(te.At), Actor: te.Actor, Action: label("record.action."+te.Action, te.Action)}
	switch te.Entity {
	case "establishment_fact":
		row.Subject = label("record.entity."+te.Entity, te.Entity, te.Year)
	case "establishment_file":
		row.Subject = label("record.entity."+te.Entity, te.Entity, te.FileName)
	default:
		row.Subject = label("record.entity."+te.Entity, te.Entity)
	}
	for _, f := range te.Fields {
		if utf8.ValidString(f) {
			row.Fields = append(row.Fields, label("record.audit."+f, f))
		}
	}
	return row
}
