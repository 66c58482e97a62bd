package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/ratelimit"
	"khuyencong/internal/vi"

	"golang.org/x/time/rate"
)

// The public door's addresses (plain Vietnamese, printed on leaflets) and
// the commune officer's list.
const (
	needInfoPath  = "/thong-tin"
	needFormPath  = "/dang-ky-nhu-cau"
	needTrackPath = "/tra-cuu"
	needListPath  = "/nhu-cau"
)

// Public door rate limits per client address: 5 need forms an hour, and
// tracking-code lookups 30 an hour with bursts of 10 (no enumeration).
var (
	needSubmitRate  = rate.Every(12 * time.Minute)
	needSubmitBurst = 5
	needLookupRate  = rate.Every(2 * time.Minute)
	needLookupBurst = 10
)

// needFormBytes bounds the body of the need forms.
const needFormBytes = 16 << 10

// needLimits are the rate limiters of the public door.
type needLimits struct {
	submit, lookup *ratelimit.Limiter
}

// needRoutes registers the public door (no login; POSTs protected by the
// cross-origin check like every form) and the officer's pages.
func (s *Server) needRoutes() {
	s.needs = &needLimits{
		submit: ratelimit.New(needSubmitRate, needSubmitBurst, s.opts.TrustedProxies),
		lookup: ratelimit.New(needLookupRate, needLookupBurst, s.opts.TrustedProxies),
	}
	go func() {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.needs.submit.Evict(time.Hour)
				s.needs.lookup.Evict(time.Hour)
			}
		}
	}()
	s.mux.HandleFunc("GET "+needInfoPath, s.showNeedInfo)
	s.mux.HandleFunc("GET "+needFormPath, s.showNeedForm)
	s.mux.HandleFunc("POST "+needFormPath, s.submitNeed)
	s.mux.HandleFunc("GET "+needTrackPath, s.trackNeed)
	s.mux.HandleFunc("GET "+needListPath, s.requireUser(s.listNeeds))
	s.mux.HandleFunc("GET "+needListPath+"/{id}", s.requireUser(s.showNeed))
	s.mux.HandleFunc("POST "+needListPath+"/{id}", s.requireUser(s.updateNeed))
	s.mux.HandleFunc("POST "+needListPath+"/{id}/lien-ket", s.requireUser(s.linkNeed))
	s.mux.HandleFunc("POST "+needListPath+"/{id}/tao-co-so", s.requireUser(s.createFromNeed))
	s.mux.HandleFunc("POST "+needListPath+"/{id}/xem-so", s.requireUser(s.revealNeedPhone))
}

// statusView is a request status in words, with its badge class.
type statusView struct{ Code, Text, Class string }

func needStatus(lang, st string) statusView {
	class := map[string]string{app.NeedNew: "badge-info", app.NeedHandling: "badge-warn",
		app.NeedAnswered: "badge-ok", app.NeedClosed: ""}[st]
	return statusView{Code: st, Text: locale.T(lang, "need.status."+st), Class: class}
}

// anonymousPage is the page data of a public page: the demo label for
// anonymous visitors and no caching.
func (s *Server) anonymousPage(w http.ResponseWriter, r *http.Request, title string, data any) Page {
	p := s.page(r, title, "needs", data)
	if p.Principal == nil {
		p.Demo = s.app.DemoLoaded(r.Context())
	}
	p.Partial = false
	w.Header().Set("Cache-Control", "no-store")
	return p
}

// showNeedInfo is the programme information page.
func (s *Server) showNeedInfo(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	s.render(w, r, http.StatusOK, "need_info", s.anonymousPage(w, r, locale.T(lang, "need.info.title"), nil))
}

// needForm is the public form as typed.
type needForm struct {
	Name, Phone, Commune, Trade, Need string
	Consent                           bool
}

// needFormView is the data of the need form page.
type needFormView struct {
	Form        needForm
	Groups      []needCommuneGroup
	Trades      []choice
	Token       string
	MaxNeed     int
	Receipt     *app.NeedReceipt
	RateLimited bool
	FormError   string
}

// needCommuneGroup is the communes of one province, for an optgroup.
type needCommuneGroup struct {
	Province string
	Communes []choice
}

// fillNeedChoices loads the current communes (by province) and trades.
func (s *Server) fillNeedChoices(r *http.Request, v *needFormView) error {
	ctx := r.Context()
	today := s.today()
	provinces, _, err := s.app.SearchUnits(ctx, kc.UnitFilter{Level: kc.LevelProvince, On: today, Limit: app.UnitPageSizeMax})
	if err != nil {
		return err
	}
	slices.SortFunc(provinces, func(a, b app.UnitRow) int { return vi.Compare(a.Unit.Name, b.Unit.Name) })
	for _, p := range provinces {
		communes, _, err := s.app.SearchUnits(ctx, kc.UnitFilter{Level: kc.LevelCommune, ParentID: p.Unit.ID, On: today, Limit: app.UnitPageSizeMax})
		if err != nil {
			return err
		}
		slices.SortFunc(communes, func(a, b app.UnitRow) int { return vi.Compare(a.Unit.Name, b.Unit.Name) })
		g := needCommuneGroup{Province: p.Unit.Name}
		for _, c := range communes {
			g.Communes = append(g.Communes, choice{Value: c.Unit.Code, Label: c.Unit.Name, Selected: c.Unit.Code == v.Form.Commune})
		}
		v.Groups = append(v.Groups, g)
	}
	trades, err := s.app.Trades(ctx)
	if err != nil {
		return err
	}
	slices.SortFunc(trades, func(a, b kc.Trade) int { return vi.Compare(a.Name, b.Name) })
	for _, t := range trades {
		v.Trades = append(v.Trades, choice{Value: t.Code, Label: t.Name, Selected: strings.EqualFold(t.Code, v.Form.Trade)})
	}
	v.Token, v.MaxNeed = s.app.NeedFormToken(), app.MaxNeedText
	return nil
}

// showNeedForm shows the "đăng ký nhu cầu hỗ trợ" form; ?commune= and
// ?trade= preselect (links from leaflets and the self-check).
func (s *Server) showNeedForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v := &needFormView{Form: needForm{Commune: limitText(q.Get("commune"), 10), Trade: limitText(q.Get("trade"), 40)}}
	if err := s.fillNeedChoices(r, v); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "need_form", s.anonymousPage(w, r, locale.T(s.lang(r), "need.form.title"), v))
}

func limitText(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return ""
	}
	return s
}

// needAddrKey is the rate-limit bucket of one client address.
func needAddrKey(s *Server, r *http.Request) string { return s.needs.submit.ClientAddr(r) }

// submitNeed records a need. Every post counts against the address's
// limit (the 6th within the hour gets a 429 page, nothing written); a
// filled honeypot or a token that is forged, too fast or stale is
// refused; field errors are shown next to the fields (422); a repeat of
// the same request gives the same code.
func (s *Server) submitNeed(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	title := locale.T(lang, "need.form.title")
	v := &needFormView{}
	if err := parseFormLimited(w, r, needFormBytes); err != nil {
		v.FormError = locale.T(lang, "error.bad_request")
		s.needFormAgain(w, r, v, http.StatusBadRequest, nil)
		return
	}
	get := func(k string, n int) string {
		v := strings.TrimSpace(r.PostFormValue(k))
		if len(v) > n {
			v = v[:n]
		}
		return v
	}
	v.Form = needForm{Name: get("name", 400), Phone: get("phone", 40), Commune: get("commune", 10), Trade: get("trade", 40),
		Need: get("need", 8*app.MaxNeedText), Consent: r.PostFormValue("consent") != ""}
	if !s.needs.submit.Allow("need|" + needAddrKey(s, r)) {
		w.Header().Set("Retry-After", "3600")
		v.RateLimited = true
		s.needFormAgain(w, r, v, http.StatusTooManyRequests, nil)
		return
	}
	if r.PostFormValue("website") != "" {
		v.FormError = locale.T(lang, "need.form.refused")
		s.needFormAgain(w, r, v, http.StatusUnprocessableEntity, nil)
		return
	}
	if err := s.app.CheckNeedFormToken(r.PostFormValue("token")); err != nil {
		e := kc.AsError(err)
		v.FormError = locale.T(lang, e.Key, e.Args...)
		s.needFormAgain(w, r, v, http.StatusUnprocessableEntity, nil)
		return
	}
	rcpt, err := s.app.RegisterNeed(r.Context(), app.NeedInput{Name: v.Form.Name, Phone: v.Form.Phone, CommuneCode: v.Form.Commune,
		TradeCode: v.Form.Trade, Need: v.Form.Need, Consent: v.Form.Consent})
	switch {
	case err == nil:
		v.Receipt = &rcpt
		s.render(w, r, http.StatusOK, "need_form", s.anonymousPage(w, r, title, v))
	case len(kc.FieldErrors(err)) > 0:
		v.FormError = locale.T(lang, "need.form.fix")
		s.needFormAgain(w, r, v, http.StatusUnprocessableEntity, fieldErrors(lang, "", err))
	default:
		s.fail(w, r, err)
	}
}

// needFormAgain shows the form again with what was typed and the errors.
func (s *Server) needFormAgain(w http.ResponseWriter, r *http.Request, v *needFormView, status int, errs map[string]string) {
	if err := s.fillNeedChoices(r, v); err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.anonymousPage(w, r, locale.T(s.lang(r), "need.form.title"), v)
	p.Errors = errs
	s.render(w, r, status, "need_form", p)
}

// trackView is the data of the lookup page.
type trackView struct {
	Code        string
	Result      *app.NeedStatus
	Status      statusView
	Unknown     bool
	RateLimited bool
}

// trackNeed is the lookup by tracking code (?ma=): the status, answer and
// dates, never the phone. Lookups are rate-limited per address.
func (s *Server) trackNeed(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	v := &trackView{Code: limitText(r.URL.Query().Get("ma"), 30)}
	status := http.StatusOK
	if v.Code != "" {
		switch {
		case !s.needs.lookup.Allow("track|" + s.needs.lookup.ClientAddr(r)):
			w.Header().Set("Retry-After", "120")
			v.RateLimited, status = true, http.StatusTooManyRequests
		default:
			st, err := s.app.TrackNeed(r.Context(), v.Code)
			switch {
			case err == nil:
				v.Result, v.Status = &st, needStatus(lang, st.Status)
			case kc.ErrorCode(err) == kc.ENotFound:
				v.Unknown, status = true, http.StatusNotFound
			default:
				s.fail(w, r, err)
				return
			}
		}
	}
	s.render(w, r, status, "need_track", s.anonymousPage(w, r, locale.T(lang, "need.track.title"), v))
}

// needRow is a request on the officer's pages.
type needRow struct {
	app.Need
	State statusView
}

// needListView is the data of the officer's list.
type needListView struct {
	Rows     []needRow
	Total    int
	Statuses []choice
	Status   string
}

// listNeeds is the commune officer's list: the requests in scope, newest
// first, filtered by ?status=.
func (s *Server) listNeeds(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	status := r.URL.Query().Get("status")
	if !slices.Contains(app.NeedStatuses, status) {
		status = ""
	}
	rows, total, err := s.app.ListNeeds(r.Context(), status, 200, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := &needListView{Total: total, Status: status}
	for _, n := range rows {
		v.Rows = append(v.Rows, needRow{Need: n, State: needStatus(lang, n.Status)})
	}
	for _, st := range app.NeedStatuses {
		v.Statuses = append(v.Statuses, choice{Value: st, Label: locale.T(lang, "need.status."+st), Selected: st == status})
	}
	p := s.page(r, locale.T(lang, "need.list.title"), "needs", v)
	p.Flash = s.sessions.PopString(r.Context(), flashKey)
	s.render(w, r, http.StatusOK, "need_list", p)
}

// needDetailView is the data of a request's page.
type needDetailView struct {
	Row      needRow
	Statuses []choice
	Query    string
	Matches  []kc.Establishment
	Searched bool
	Phone    string // the revealed phone, when asked for
	Answer   string
	CanWrite bool
}

// showNeed is a request's page; ?q= searches establishments in scope by
// name to link.
func (s *Server) showNeed(w http.ResponseWriter, r *http.Request) {
	s.needDetail(w, r, http.StatusOK, nil, "")
}

// needDetail renders a request's page with errors and a revealed phone.
func (s *Server) needDetail(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, phone string) {
	ctx := r.Context()
	lang := s.lang(r)
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.app.GetNeed(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := &needDetailView{Row: needRow{Need: n, State: needStatus(lang, n.Status)}, Phone: phone, Answer: n.Answer,
		CanWrite: app.PrincipalFrom(ctx).CanWrite()}
	if r.Method == http.MethodPost && r.PostForm != nil && r.PostForm.Has("answer") {
		v.Answer = r.PostFormValue("answer")
	}
	for _, st := range app.NeedStatuses {
		v.Statuses = append(v.Statuses, choice{Value: st, Label: locale.T(lang, "need.status."+st), Selected: st == n.Status})
	}
	if q := limitText(r.URL.Query().Get("q"), 200); q != "" {
		v.Query, v.Searched = q, true
		if v.Matches, _, err = s.app.SearchEstablishments(ctx, app.RegistryFilter{Query: q}, 10, 0); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	p := s.page(r, locale.T(lang, "need.detail.title", n.TrackingCode), "needs", v)
	p.Errors = errs
	p.Flash = s.sessions.PopString(ctx, flashKey)
	s.render(w, r, status, "need_detail", p)
}

// afterNeedChange redirects to the request's page with a notice, or shows
// the page again with the field errors.
func (s *Server) afterNeedChange(w http.ResponseWriter, r *http.Request, id int64, err error, flash string) {
	switch {
	case err == nil:
		s.sessions.Put(r.Context(), flashKey, flash)
		http.Redirect(w, r, needListPath+"/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	case len(kc.FieldErrors(err)) > 0:
		s.needDetail(w, r, http.StatusUnprocessableEntity, fieldErrors(s.lang(r), "", err), "")
	default:
		s.fail(w, r, err)
	}
}

// updateNeed sets a request's status and answer.
func (s *Server) updateNeed(w http.ResponseWriter, r *http.Request) {
	id, ok := s.postedID(w, r, needFormBytes)
	if !ok {
		return
	}
	status, answer := r.PostFormValue("status"), r.PostFormValue("answer")
	_, err := s.app.UpdateNeed(r.Context(), id, app.NeedUpdate{Status: &status, Answer: &answer})
	s.afterNeedChange(w, r, id, err, locale.T(s.lang(r), "need.saved"))
}

// linkNeed links a request to an establishment in scope (0 unlinks).
func (s *Server) linkNeed(w http.ResponseWriter, r *http.Request) {
	id, ok := s.postedID(w, r, needFormBytes)
	if !ok {
		return
	}
	est, perr := strconv.ParseInt(r.PostFormValue("establishment_id"), 10, 64)
	if perr != nil {
		s.fail(w, r, kc.Errorf(kc.EInvalid, "error.bad_request"))
		return
	}
	_, err := s.app.UpdateNeed(r.Context(), id, app.NeedUpdate{EstablishmentID: &est})
	s.afterNeedChange(w, r, id, err, locale.T(s.lang(r), "need.linked"))
}

// createFromNeed registers an establishment from the request and links it.
func (s *Server) createFromNeed(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.app.CreateEstablishmentFromNeed(r.Context(), id)
	flash := ""
	if err == nil {
		flash = locale.T(s.lang(r), "need.created", e.Name)
	}
	s.afterNeedChange(w, r, id, err, flash)
}

// revealNeedPhone shows the request's phone (audited, with a reason).
func (s *Server) revealNeedPhone(w http.ResponseWriter, r *http.Request) {
	id, ok := s.postedID(w, r, needFormBytes)
	if !ok {
		return
	}
	phone, err := s.app.RevealNeedPhone(r.Context(), id, r.PostFormValue("reason"))
	switch {
	case err == nil:
		w.Header().Set("Cache-Control", "no-store")
		s.needDetail(w, r, http.StatusOK, nil, phone)
	case len(kc.FieldErrors(err)) > 0:
		s.needDetail(w, r, http.StatusUnprocessableEntity, fieldErrors(s.lang(r), "", err), "")
	default:
		s.fail(w, r, err)
	}
}
