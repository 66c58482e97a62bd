package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"
)

// trailLimit is the number of history entries the detail page shows.
const trailLimit = 50

// establishmentView is the data of the detail page: the record with its
// yearly facts, certificates, licences, artisans, files and history, and
// the values of the add forms (kept after a field error).
type establishmentView struct {
	kc.Establishment
	Commune string
	CanEdit bool
	// Owner is the owner section, masked unless revealed.
	Owner ownerView
	// Trades are the names of the establishment's trades, primary first.
	Trades       []string
	Facts        []kc.EstablishmentFact
	Certificates []certificateRow
	Licences     []licenceRow
	Artisans     []kc.ArtisanRecord
	Files        []fileRow
	Support      []supportRow // the projects it benefited from
	Trail        []trailRow
	TrailLimit   int
	// The add and edit forms.
	FactForm factForm
	CertForm certificateForm
	LicForm  licenceForm
	ArtForm  artisanForm
	// Accept and MaxFileMB describe what the upload form takes.
	Accept    string
	MaxFileMB int
}

// ownerView is the data of the "record_owner" partial: the owner's
// personal data, masked or revealed, and the reveal form.
type ownerView struct {
	Lang           string
	ID             int64
	OwnerName      string
	OwnerGender    string
	OwnerBirthYear int
	OwnerEthnicity string
	Phone          string
	PersonalID     string
	// Masked is set while the personal values are masked; Revealed once
	// the clear values are shown.
	Masked, Revealed bool
	// CanReveal offers the reveal form (the role may reveal and there is
	// something to reveal).
	CanReveal   bool
	Reason      string
	ReasonError string
}

// newOwnerView returns the owner section of e for principal p.
func newOwnerView(lang string, e kc.Establishment, p *app.Principal) ownerView {
	o := ownerView{Lang: lang, ID: e.ID, OwnerName: e.OwnerName, OwnerGender: e.OwnerGender, OwnerBirthYear: e.OwnerBirthYear,
		OwnerEthnicity: e.OwnerEthnicity, Phone: e.Phone, PersonalID: e.PersonalID, Masked: e.PersonalMasked}
	something := e.Phone != "" || e.PersonalID != "" || e.OwnerEthnicity != ""
	o.CanReveal = o.Masked && something && p != nil && auth.Can(p.User.Role, auth.PermRevealPersonal)
	return o
}

// recordForms are the submitted values of the page's forms, with the
// field errors keyed "form.field" (fact.year, cert.stars, file.file, …).
type recordForms struct {
	Fact   *factForm
	Cert   *certificateForm
	Lic    *licenceForm
	Art    *artisanForm
	Reason *string
	Errors map[string]string
}

// showEstablishment shows one establishment; outside the caller's scope
// the app answers ENotFound and the page is a 404. ?fact=YEAR fills the
// facts form with that year for editing.
func (s *Server) showEstablishment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderRecord(w, r, id, http.StatusOK, recordForms{})
}

// renderRecord renders the detail page of establishment id with status,
// the forms' submitted values and field errors.
func (s *Server) renderRecord(w http.ResponseWriter, r *http.Request, id int64, status int, forms recordForms) {
	ctx := r.Context()
	e, err := s.app.GetEstablishment(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r)
	p := app.PrincipalFrom(ctx)
	v := establishmentView{Establishment: e, Commune: s.unitNames(ctx, []int64{e.CommuneID})[e.CommuneID], CanEdit: p != nil && p.CanWrite(),
		Owner: newOwnerView(lang, e, p), TrailLimit: trailLimit, Accept: strings.Join(app.AttachmentExtensions, ","), MaxFileMB: app.MaxAttachmentSize >> 20}
	trades, err := s.app.Trades(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, tid := range e.TradeIDs {
		if i := slices.IndexFunc(trades, func(t kc.Trade) bool { return t.ID == tid }); i >= 0 {
			v.Trades = append(v.Trades, trades[i].Name)
		}
	}
	if v.Facts, err = s.app.ListFacts(ctx, id); err != nil {
		s.fail(w, r, err)
		return
	}
	today := kc.DateOf(s.app.Now().In(vi.Location))
	certs, err := s.app.ListCertificates(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, c := range certs {
		v.Certificates = append(v.Certificates, certificateRow{Certificate: c, Expired: recordExpired(c.ValidUntil, today)})
	}
	lics, err := s.app.ListLicences(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, l := range lics {
		v.Licences = append(v.Licences, licenceRow{Licence: l, Expired: recordExpired(l.ValidUntil, today)})
	}
	if v.Artisans, err = s.app.ListArtisans(ctx, id); err != nil {
		s.fail(w, r, err)
		return
	}
	files, err := s.app.ListAttachments(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, f := range files {
		v.Files = append(v.Files, newFileRow(lang, f))
	}
	support, err := s.app.SupportHistory(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, it := range support {
		v.Support = append(v.Support, newSupportRow(lang, it))
	}
	trail, err := s.app.RecordTrail(ctx, id, trailLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, te := range trail {
		v.Trail = append(v.Trail, newTrailRow(lang, te))
	}
	v.FactForm = factForm{Source: "survey"}
	if y, err := strconv.Atoi(r.URL.Query().Get("fact")); err == nil && forms.Fact == nil {
		if i := slices.IndexFunc(v.Facts, func(f kc.EstablishmentFact) bool { return f.Year == y }); i >= 0 {
			v.FactForm = factFormOf(v.Facts[i])
		}
	}
	if forms.Fact != nil {
		v.FactForm = *forms.Fact
	}
	if forms.Cert != nil {
		v.CertForm = *forms.Cert
	}
	if forms.Lic != nil {
		v.LicForm = *forms.Lic
	}
	if forms.Art != nil {
		v.ArtForm = *forms.Art
	}
	if forms.Reason != nil {
		v.Owner.Reason, v.Owner.ReasonError = *forms.Reason, forms.Errors["reveal.reason"]
	}
	page := s.page(r, e.Name, "establishments", v)
	page.Errors = forms.Errors
	if status == http.StatusOK {
		q := r.URL.Query()
		switch {
		case q.Get("saved") == "1":
			page.Flash = locale.T(lang, "est.saved")
		case slices.Contains([]string{"fact", "certificate", "licence", "artisan", "file", "deleted"}, q.Get("done")):
			page.Flash = locale.T(lang, "record.done."+q.Get("done"))
		}
	}
	s.render(w, r, status, "establishment", page)
}

// recordExpired reports whether a validity date has passed (the zero date never
// expires).
func recordExpired(until, today kc.Date) bool { return !until.IsZero() && until.Before(today) }
