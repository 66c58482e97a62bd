package web

import (
	"fmt"
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

// outreachFormBytes bounds the body of the outreach forms (an attendance
// checklist of a large commune included).
const outreachFormBytes = 256 << 10

// outreachBlankRows is the number of empty "new producer" rows the
// attendance form offers (more after each save).
const outreachBlankRows = 3

// outreachRoutes registers the campaigns, sessions and attendance pages.
func (s *Server) outreachRoutes() {
	s.mux.HandleFunc("GET /outreach", s.requireUser(s.outreachHome))
	s.mux.HandleFunc("GET /outreach/campaigns/new", s.requireUser(s.newCampaign))
	s.mux.HandleFunc("POST /outreach/campaigns", s.requireUser(s.createCampaign))
	s.mux.HandleFunc("GET /outreach/campaigns/{id}", s.requireUser(s.showCampaign))
	s.mux.HandleFunc("GET /outreach/campaigns/{id}/edit", s.requireUser(s.editCampaign))
	s.mux.HandleFunc("POST /outreach/campaigns/{id}", s.requireUser(s.updateCampaign))
	s.mux.HandleFunc("POST /outreach/campaigns/{id}/sessions", s.requireUser(s.addCampaignSession))
	s.mux.HandleFunc("GET /outreach/sessions/new", s.requireUser(s.newSession))
	s.mux.HandleFunc("POST /outreach/sessions", s.requireUser(s.createSession))
	s.mux.HandleFunc("GET /outreach/sessions/{id}", s.requireUser(s.showSession))
	s.mux.HandleFunc("POST /outreach/sessions/{id}", s.requireUser(s.updateSession))
	s.mux.HandleFunc("POST /outreach/sessions/{id}/attendance", s.requireUser(s.recordAttendance))
	s.mux.HandleFunc("POST /outreach/attendance/{id}/register", s.requireUser(s.registerAttendee))
}

// canWriteOutreach reports whether the caller may plan and record outreach.
func canWriteOutreach(r *http.Request) bool {
	p := app.PrincipalFrom(r.Context())
	return p != nil && auth.Can(p.User.Role, auth.PermWriteOutreach)
}

// outreachHomeView is the data of the outreach home: the campaigns and
// the latest sessions outside any campaign.
type outreachHomeView struct {
	Campaigns []app.CampaignSummary
	Total     int
	Sessions  []app.SessionView
	// ToRecord are the planned sessions whose day has passed (their
	// attendance is still to be recorded, or they are to be cancelled);
	// Upcoming those of the next UpcomingDays days, soonest first.
	ToRecord, Upcoming sessionTable
	UpcomingDays       int
	UpcomingMore       int // planned in the next UpcomingDays days beyond those shown
	CanWrite           bool
}

// sessionTable is one list of sessions on the outreach home, with the
// titles of their campaigns.
type sessionTable struct {
	ID       string // the table's element id
	Lang     string
	Sessions []app.SessionView
	Titles   map[int64]string // campaign id → title
}

// The outreach home lists the planned sessions of the next
// outreachUpcomingDays days, the first outreachUpcomingShown of them.
const (
	outreachUpcomingDays  = 90
	outreachUpcomingShown = 30
)

// outreachHome lists the campaigns (newest first) with links to the
// other outreach pages.
func (s *Server) outreachHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := s.lang(r)
	v := &outreachHomeView{CanWrite: canWriteOutreach(r)}
	var err error
	if v.Campaigns, v.Total, err = s.app.ListCampaigns(ctx, 200, 0); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Sessions, _, err = s.app.ListSessions(ctx, app.ListSessionsQuery{NoCampaign: true, Limit: 20}); err != nil {
		s.fail(w, r, err)
		return
	}
	today := s.today()
	v.UpcomingDays = outreachUpcomingDays
	titles := map[int64]string{}
	for _, c := range v.Campaigns {
		titles[c.ID] = c.Title
	}
	v.ToRecord = sessionTable{ID: "oh-to-record", Lang: lang, Titles: titles}
	if v.ToRecord.Sessions, _, err = s.app.ListSessions(ctx, app.ListSessionsQuery{Status: kc.SessionPlanned, To: today.AddDays(-1), Limit: 50}); err != nil {
		s.fail(w, r, err)
		return
	}
	v.Upcoming = sessionTable{ID: "oh-upcoming", Lang: lang, Titles: titles}
	upcoming, total, err := s.app.ListSessions(ctx, app.ListSessionsQuery{Status: kc.SessionPlanned, From: today,
		To: today.AddDays(outreachUpcomingDays), Limit: 1000})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slices.Reverse(upcoming) // listed newest first: the soonest first here
	v.Upcoming.Sessions = upcoming[:min(len(upcoming), outreachUpcomingShown)]
	v.UpcomingMore = total - len(v.Upcoming.Sessions)
	p := s.page(r, locale.T(lang, "oweb.home.title"), "outreach", v)
	p.Flash = s.sessions.PopString(ctx, flashKey)
	s.render(w, r, http.StatusOK, "outreach_home", p)
}

// Campaign form --------------------------------------------------------------

// campaignForm is the campaign form as typed.
type campaignForm struct {
	ID                                                    int64
	Version                                               int
	Title, Topic, UnitID, StartsOn, EndsOn, Budget, Notes string
	Schemes                                               []string
}

// campaignFormView is the data of the campaign form page.
type campaignFormView struct {
	Form    campaignForm
	Units   []choice
	Schemes []choice
}

func campaignFormOf(c kc.Campaign) campaignForm {
	f := campaignForm{ID: c.ID, Version: c.Version, Title: c.Title, Topic: c.Topic, StartsOn: c.StartsOn.String(), EndsOn: c.EndsOn.String(),
		Notes: c.Notes, Schemes: c.SchemeCodes}
	f.UnitID, f.Budget = optionalID(c.UnitID), optionalAmount(c.Budget)
	return f
}

// optionalID is id as typed in a form, "" for none (0).
func optionalID(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// optionalAmount is an amount (đồng) as typed in a form, digits grouped;
// "" for 0.
func optionalAmount(v int64) string {
	if v == 0 {
		return ""
	}
	return vi.FormatNumber(v)
}

// readDay parses text as a day into *dst (the zero day when malformed,
// which sets errs[key]).
func readDay(errs map[string]string, lang, key, text string, dst *kc.Date) {
	var ok bool
	if *dst, ok = parseDay(text); !ok {
		errs[key] = locale.T(lang, "oweb.bad_day")
	}
}

// readAmount parses text as an amount (đồng) into *dst; a malformed one
// sets errs[key] and leaves *dst.
func readAmount(errs map[string]string, lang, key, text string, dst *int64) {
	if v, _, ok, _ := parseMoney(text); ok {
		*dst = v
	} else {
		errs[key] = locale.T(lang, "oweb.bad_amount")
	}
}

// readCount parses text as a count into *dst; a malformed one sets
// errs[key] and leaves *dst.
func readCount(errs map[string]string, lang, key, text string, dst *int) {
	if v, _, ok, _ := parseCount(text); ok {
		*dst = v
	} else {
		errs[key] = locale.T(lang, "oweb.bad_count")
	}
}

// readCampaignForm reads the posted campaign form; typing errors (a
// malformed day or amount) come back as field messages.
func readCampaignForm(r *http.Request, lang string) (campaignForm, kc.Campaign, map[string]string) {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := campaignForm{Title: get("title"), Topic: get("topic"), UnitID: get("unit_id"), StartsOn: get("starts_on"), EndsOn: get("ends_on"),
		Budget: get("budget"), Notes: r.PostFormValue("notes"), Schemes: r.PostForm["schemes"]}
	f.Version, _ = strconv.Atoi(get("version"))
	c := kc.Campaign{Title: f.Title, Topic: f.Topic, Notes: f.Notes, SchemeCodes: f.Schemes, Version: f.Version}
	errs := map[string]string{}
	c.UnitID, _ = strconv.ParseInt(f.UnitID, 10, 64)
	readDay(errs, lang, "starts_on", f.StartsOn, &c.StartsOn)
	readDay(errs, lang, "ends_on", f.EndsOn, &c.EndsOn)
	readAmount(errs, lang, "budget", f.Budget, &c.Budget)
	return f, c, errs
}

// fillCampaignChoices loads the units and schemes of the form.
func (s *Server) fillCampaignChoices(r *http.Request, v *campaignFormView) error {
	ctx := r.Context()
	units, err := s.app.CampaignUnits(ctx)
	if err != nil {
		return err
	}
	for _, u := range units {
		id := strconv.FormatInt(u.ID, 10)
		v.Units = append(v.Units, choice{Value: id, Label: u.Type + " " + u.Name, Selected: id == v.Form.UnitID})
	}
	schemes, err := s.app.Schemes(ctx, s.today())
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, sc := range schemes {
		if seen[sc.Code] {
			continue
		}
		seen[sc.Code] = true
		v.Schemes = append(v.Schemes, choice{Value: sc.Code, Label: sc.Name, Selected: slices.Contains(v.Form.Schemes, sc.Code)})
	}
	return nil
}

// campaignFormPage renders the campaign form with errors.
func (s *Server) campaignFormPage(w http.ResponseWriter, r *http.Request, status int, f campaignForm, errs map[string]string) {
	v := &campaignFormView{Form: f}
	if err := s.fillCampaignChoices(r, v); err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r)
	title := locale.T(lang, "oweb.campaign.new")
	if f.ID != 0 {
		title = locale.T(lang, "oweb.campaign.edit")
	}
	p := s.page(r, title, "outreach", v)
	p.Errors = errs
	s.render(w, r, status, "outreach_campaign_form", p)
}

// newCampaign shows the empty campaign form.
func (s *Server) newCampaign(w http.ResponseWriter, r *http.Request) {
	if !canWriteOutreach(r) {
		s.fail(w, r, kc.Errorf(kc.EForbidden, "error.forbidden"))
		return
	}
	s.campaignFormPage(w, r, http.StatusOK, campaignForm{}, nil)
}

// createCampaign saves a new campaign and goes to its page.
func (s *Server) createCampaign(w http.ResponseWriter, r *http.Request) {
	if err := parseFormLimited(w, r, outreachFormBytes); err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r)
	f, c, errs := readCampaignForm(r, lang)
	var err error
	if len(errs) > 0 {
		err = s.app.CheckCampaign(r.Context(), c) // the other fields' problems too
	} else if c, err = s.app.CreateCampaign(r.Context(), app.CampaignInput{Campaign: c}); err == nil {
		s.sessions.Put(r.Context(), flashKey, locale.T(lang, "oweb.campaign.created", c.Title))
		http.Redirect(w, r, fmt.Sprintf("/outreach/campaigns/%d", c.ID), http.StatusSeeOther)
		return
	}
	s.campaignFormAgain(w, r, f, errs, err)
}

// campaignFormAgain shows the form again after a refusal, or fails.
func (s *Server) campaignFormAgain(w http.ResponseWriter, r *http.Request, f campaignForm, errs map[string]string, err error) {
	lang := s.lang(r)
	switch {
	case err == nil:
	case len(kc.FieldErrors(err)) > 0 && kc.ErrorCode(err) == kc.EInvalid:
		errs = mergeErrors(errs, fieldErrors(lang, "", err))
	case kc.ErrorCode(err) == kc.EConflict:
		errs = mergeErrors(errs, map[string]string{"form": locale.T(lang, "oweb.campaign.conflict")})
	case kc.ErrorCode(err) == kc.EForbidden && kc.AsError(err).Field != "":
		e := kc.AsError(err)
		errs = mergeErrors(errs, map[string]string{e.Field: locale.T(lang, e.Key, e.Args...)})
	default:
		s.fail(w, r, err)
		return
	}
	s.campaignFormPage(w, r, http.StatusUnprocessableEntity, f, errs)
}

// saveAndRedirect runs save when the posted form was read without typing
// errors (errs empty); when save succeeds it puts flash for the next page,
// redirects (303) to the address save returns and reports true. Otherwise
// it returns save's error; when save could not run because of typing
// errors, it returns check's (the app's judgement of the other fields,
// writing nothing, so that every problem shows at once; check may be nil).
func (s *Server) saveAndRedirect(w http.ResponseWriter, r *http.Request, errs map[string]string, flash string, check func() error, save func() (string, error)) (bool, error) {
	if len(errs) > 0 {
		if check == nil {
			return false, nil
		}
		return false, check()
	}
	to, err := save()
	if err != nil {
		return false, err
	}
	s.sessions.Put(r.Context(), flashKey, flash)
	http.Redirect(w, r, to, http.StatusSeeOther)
	return true, nil
}

// editCampaign shows a campaign's form.
func (s *Server) editCampaign(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.app.GetCampaign(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !d.CanEdit {
		s.fail(w, r, kc.Errorf(kc.EForbidden, "error.forbidden"))
		return
	}
	s.campaignFormPage(w, r, http.StatusOK, campaignFormOf(d.Campaign), nil)
}

// updateCampaign saves a campaign's form.
func (s *Server) updateCampaign(w http.ResponseWriter, r *http.Request) {
	id, ok := s.postedID(w, r, outreachFormBytes)
	if !ok {
		return
	}
	lang := s.lang(r)
	f, c, errs := readCampaignForm(r, lang)
	f.ID, c.ID = id, id
	check := func() error { return s.app.CheckCampaign(r.Context(), c) }
	done, err := s.saveAndRedirect(w, r, errs, locale.T(lang, "oweb.campaign.saved"), check, func() (string, error) {
		_, err := s.app.UpdateCampaign(r.Context(), c)
		return fmt.Sprintf("/outreach/campaigns/%d", id), err
	})
	if done {
		return
	}
	s.campaignFormAgain(w, r, f, errs, err)
}

// Session form ---------------------------------------------------------------

// sessionForm is the session form as typed.
type sessionForm struct {
	Kind, Status, CommuneID, Village, HeldOn, Cost, Staff, HalfDays string
	Language, Materials, Notes, Attendees                           string
	Interpreter                                                     bool
}

// sessionFormView is the session form with its choices.
type sessionFormView struct {
	Form     sessionForm
	Action   string
	Kinds    []choice
	Statuses []choice
	Communes []choice
	// New is a form for a new session (the people reached are entered
	// there; afterwards through the attendance).
	New bool
	// Lang and Errors are the page's, for the shared form template.
	Lang   string
	Errors map[string]string
}

func languageText(lang, l string) string {
	if l == "" || l == "vi" {
		return locale.T(lang, "oweb.session.vietnamese")
	}
	return l
}

func sessionFormOf(lang string, o kc.OutreachSession) sessionForm {
	f := sessionForm{Kind: o.Kind, Status: o.Status, Village: o.Village, HeldOn: o.HeldOn.String(), Staff: o.Staff,
		Language: languageText(lang, o.Language), Materials: o.Materials, Notes: o.Notes, Interpreter: o.Interpreter,
		Attendees: strconv.Itoa(o.Attendees), HalfDays: strconv.Itoa(o.StaffHalfDays)}
	f.CommuneID, f.Cost = optionalID(o.CommuneID), optionalAmount(o.Cost)
	return f
}

// readSessionForm reads the posted session form; typing errors come back
// as field messages.
func readSessionForm(r *http.Request, lang string) (sessionForm, kc.OutreachSession, map[string]string) {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := sessionForm{Kind: get("kind"), Status: get("status"), CommuneID: get("commune_id"), Village: get("village"), HeldOn: get("held_on"),
		Cost: get("cost"), Staff: get("staff"), HalfDays: get("staff_halfdays"), Language: get("language"), Materials: r.PostFormValue("materials"),
		Notes: r.PostFormValue("notes"), Attendees: get("attendees"), Interpreter: r.PostFormValue("interpreter") != ""}
	o := kc.OutreachSession{Kind: f.Kind, Status: f.Status, Village: f.Village, Staff: f.Staff, Language: f.Language, Materials: f.Materials,
		Notes: f.Notes, Interpreter: f.Interpreter}
	errs := map[string]string{}
	o.CommuneID, _ = strconv.ParseInt(f.CommuneID, 10, 64)
	readDay(errs, lang, "held_on", f.HeldOn, &o.HeldOn)
	readAmount(errs, lang, "cost", f.Cost, &o.Cost)
	readCount(errs, lang, "staff_halfdays", f.HalfDays, &o.StaffHalfDays)
	readCount(errs, lang, "attendees", f.Attendees, &o.Attendees)
	return f, o, errs
}

// fillSessionChoices sets the kinds, statuses and communes of a session
// form: the communes of the caller's scope, within the campaign's unit
// when there is one, plus the session's own commune when it is a former
// one.
func (s *Server) fillSessionChoices(r *http.Request, v *sessionFormView, campaignID, own int64) error {
	lang := s.lang(r)
	for _, k := range kc.SessionKinds {
		v.Kinds = append(v.Kinds, choice{Value: k, Label: locale.T(lang, "session.kind."+k), Selected: k == v.Form.Kind})
	}
	for _, st := range app.SessionStatuses {
		v.Statuses = append(v.Statuses, choice{Value: st, Label: locale.T(lang, "session.status."+st), Selected: st == v.Form.Status})
	}
	communes, err := s.app.SessionCommunes(r.Context(), campaignID, own)
	if err != nil {
		return err
	}
	for _, u := range communes {
		id := strconv.FormatInt(u.ID, 10)
		// A commune officer of one commune has nothing to choose.
		v.Communes = append(v.Communes, choice{Value: id, Label: u.Name, Selected: id == v.Form.CommuneID || (len(communes) == 1 && v.Form.CommuneID == "")})
	}
	return nil
}

// saveSession saves session o (read from its form with the typing errors
// errs) through save and redirects; otherwise it returns the messages to
// show the form again with — the app's judgement of the other fields
// included — and false when the request has been answered already (saved,
// or failed).
func (s *Server) saveSession(w http.ResponseWriter, r *http.Request, o kc.OutreachSession, errs map[string]string, flash string, save func() (string, error)) (map[string]string, bool) {
	check := func() error { return s.app.CheckSession(r.Context(), o) }
	done, err := s.saveAndRedirect(w, r, errs, flash, check, save)
	if done {
		return nil, false
	}
	return s.sessionFieldErrors(w, r, errs, err)
}

// sessionFieldErrors turns an app refusal into field messages; a
// refusal that is not about a field fails the request (false).
func (s *Server) sessionFieldErrors(w http.ResponseWriter, r *http.Request, errs map[string]string, err error) (map[string]string, bool) {
	lang := s.lang(r)
	switch {
	case err == nil:
		return errs, true
	case len(kc.FieldErrors(err)) > 0 && kc.ErrorCode(err) == kc.EInvalid:
		return mergeErrors(errs, fieldErrors(lang, "", err)), true
	case kc.ErrorCode(err) == kc.EForbidden && kc.AsError(err).Field != "":
		e := kc.AsError(err)
		return mergeErrors(errs, map[string]string{e.Field: locale.T(lang, e.Key, e.Args...)}), true
	}
	s.fail(w, r, err)
	return nil, false
}

// Campaign page ----------------------------------------------------------------

// campaignPageView is the data of a campaign's page.
type campaignPageView struct {
	app.CampaignDetail
	Session sessionFormView
}

// showCampaign is a campaign's page: totals, sessions, add-session form.
func (s *Server) showCampaign(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := sessionForm{Status: kc.SessionPlanned, Kind: kc.SessionVillageMeeting, Language: languageText(s.lang(r), "vi")}
	s.campaignPage(w, r, http.StatusOK, id, f, nil)
}

// campaignPage reads campaign id and renders its page with its
// add-session form.
func (s *Server) campaignPage(w http.ResponseWriter, r *http.Request, status int, id int64, f sessionForm, errs map[string]string) {
	d, err := s.app.GetCampaign(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := &campaignPageView{CampaignDetail: d, Session: sessionFormView{Form: f, New: true, Action: fmt.Sprintf("/outreach/campaigns/%d/sessions", d.ID)}}
	if d.CanAddSession {
		if err := s.fillSessionChoices(r, &v.Session, d.ID, 0); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.renderWithSessionForm(w, r, status, "outreach_campaign", s.page(r, d.Title, "outreach", v), &v.Session, errs)
}

// renderWithSessionForm renders page p (template name) with the refused
// fields errs and the flash of the last save; the session form on it
// shares the page's language and errors.
func (s *Server) renderWithSessionForm(w http.ResponseWriter, r *http.Request, status int, name string, p Page, form *sessionFormView, errs map[string]string) {
	p.Errors = errs
	form.Lang, form.Errors = p.Lang, errs
	p.Flash = s.sessions.PopString(r.Context(), flashKey)
	s.render(w, r, status, name, p)
}

// addCampaignSession adds a session to a campaign.
func (s *Server) addCampaignSession(w http.ResponseWriter, r *http.Request) {
	id, ok := s.postedID(w, r, outreachFormBytes)
	if !ok {
		return
	}
	ctx := r.Context()
	lang := s.lang(r)
	f, o, errs := readSessionForm(r, lang)
	o.CampaignID = id
	errs, ok = s.saveSession(w, r, o, errs, locale.T(lang, "oweb.session.added"), func() (string, error) {
		added, err := s.app.AddSession(ctx, o)
		return fmt.Sprintf("/outreach/campaigns/%d#s-%d", id, added.ID), err
	})
	if !ok {
		return
	}
	s.campaignPage(w, r, http.StatusUnprocessableEntity, id, f, errs)
}

// Standalone session ------------------------------------------------------------

// newSessionView is the data of the standalone session form.
type newSessionView struct {
	Session sessionFormView
}

// newSession shows the form of a session outside any campaign ("Ghi buổi
// tuyên truyền").
func (s *Server) newSession(w http.ResponseWriter, r *http.Request) {
	if !canWriteOutreach(r) {
		s.fail(w, r, kc.Errorf(kc.EForbidden, "error.forbidden"))
		return
	}
	f := sessionForm{Status: kc.SessionHeld, Kind: kc.SessionVillageMeeting, HeldOn: s.today().String(), Language: languageText(s.lang(r), "vi")}
	s.newSessionPage(w, r, http.StatusOK, f, nil)
}

func (s *Server) newSessionPage(w http.ResponseWriter, r *http.Request, status int, f sessionForm, errs map[string]string) {
	v := &newSessionView{Session: sessionFormView{Form: f, New: true, Action: "/outreach/sessions"}}
	if err := s.fillSessionChoices(r, &v.Session, 0, 0); err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, locale.T(s.lang(r), "oweb.session.new"), "outreach", v)
	p.Errors = errs
	v.Session.Lang, v.Session.Errors = p.Lang, errs
	s.render(w, r, status, "outreach_session_new", p)
}

// createSession records a session outside any campaign and goes to its
// page (to take the attendance).
func (s *Server) createSession(w http.ResponseWriter, r *http.Request) {
	if err := parseFormLimited(w, r, outreachFormBytes); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	lang := s.lang(r)
	f, o, errs := readSessionForm(r, lang)
	errs, ok := s.saveSession(w, r, o, errs, locale.T(lang, "oweb.session.added"), func() (string, error) {
		added, err := s.app.AddSession(ctx, o)
		return fmt.Sprintf("/outreach/sessions/%d", added.ID), err
	})
	if !ok {
		return
	}
	s.newSessionPage(w, r, http.StatusUnprocessableEntity, f, errs)
}

// Session page -------------------------------------------------------------------

// attendRow is a new producer row of the attendance form.
type attendRow struct {
	Index           int
	ID              int64
	Name, Phone     string
	Trade           string
	EstablishmentID int64
	Trades          []choice
}

// sessionPageView is the data of a session's page.
type sessionPageView struct {
	Detail    app.SessionDetail
	Session   sessionFormView
	Checked   map[int64]bool
	Attendees string
	Rows      []attendRow
	// Registered are the new producers already added to the registry.
	Registered []app.Attendee
	Capped     bool
	CanWrite   bool
	// Future marks a session whose day has not come: no attendance yet.
	Future bool
}

// IsChecked reports whether establishment id is ticked in the checklist.
func (v *sessionPageView) IsChecked(id int64) bool { return v.Checked[id] }

// showSession is a session's page: its form and its attendance.
func (s *Server) showSession(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessionPage(w, r, http.StatusOK, id, nil, nil)
}

// outreachPosted is what the attendance form or the session form sent back, to
// show again after a refusal.
type outreachPosted struct {
	session    *sessionForm
	checked    map[int64]bool
	attendees  string
	rows       []attendRow
	attendance bool
}

// sessionPage reads session id and renders its page; after a refusal,
// what was typed.
func (s *Server) sessionPage(w http.ResponseWriter, r *http.Request, status int, id int64, back *outreachPosted, errs map[string]string) {
	ctx := r.Context()
	lang := s.lang(r)
	d, err := s.app.GetSession(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := &sessionPageView{Detail: d, CanWrite: d.CanEdit, Capped: app.AttendanceCapped(d.Kind), Checked: map[int64]bool{},
		Attendees: strconv.Itoa(d.Attendees), Future: d.HeldOn.After(s.today())}
	v.Session = sessionFormView{Form: sessionFormOf(lang, d.OutreachSession), Action: fmt.Sprintf("/outreach/sessions/%d", d.ID)}
	if back != nil && back.session != nil {
		v.Session.Form = *back.session
	}
	for _, a := range d.Attendance {
		if a.EstablishmentID != 0 {
			v.Checked[a.EstablishmentID] = true
		}
		switch {
		case a.NewProducer && a.EstablishmentID != 0:
			v.Registered = append(v.Registered, a)
		case a.NewProducer:
			v.Rows = append(v.Rows, attendRow{ID: a.ID, Name: a.Name, Phone: a.Phone, Trade: a.Trade})
		}
	}
	if back != nil && back.attendance {
		v.Checked, v.Attendees, v.Rows = back.checked, back.attendees, back.rows
	}
	for range outreachBlankRows {
		v.Rows = append(v.Rows, attendRow{})
	}
	if v.CanWrite {
		trades, err := s.app.Trades(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for i := range v.Rows {
			v.Rows[i].Index = i
			for _, t := range trades {
				v.Rows[i].Trades = append(v.Rows[i].Trades, choice{Value: t.Code, Label: t.Name, Selected: strings.EqualFold(t.Code, v.Rows[i].Trade)})
			}
		}
		if err := s.fillSessionChoices(r, &v.Session, d.CampaignID, d.CommuneID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	p := s.page(r, locale.T(lang, "oweb.session.title", locale.T(lang, "session.kind."+d.Kind), vi.FormatDate(d.HeldOn.Time())), "outreach", v)
	s.renderWithSessionForm(w, r, status, "outreach_session", p, &v.Session, errs)
}

// updateSession saves a session's form.
func (s *Server) updateSession(w http.ResponseWriter, r *http.Request) {
	id, ok := s.postedID(w, r, outreachFormBytes)
	if !ok {
		return
	}
	ctx := r.Context()
	lang := s.lang(r)
	f, o, errs := readSessionForm(r, lang)
	o.ID = id
	errs, ok = s.saveSession(w, r, o, errs, locale.T(lang, "oweb.session.saved"), func() (string, error) {
		_, err := s.app.UpdateSession(ctx, o)
		return fmt.Sprintf("/outreach/sessions/%d", id), err
	})
	if !ok {
		return
	}
	s.sessionPage(w, r, http.StatusUnprocessableEntity, id, &outreachPosted{session: &f}, errs)
}

// recordAttendance saves a session's attendance: the ticked
// establishments, the number of people and the new producers' rows.
func (s *Server) recordAttendance(w http.ResponseWriter, r *http.Request) {
	id, ok := s.postedID(w, r, outreachFormBytes)
	if !ok {
		return
	}
	ctx := r.Context()
	lang := s.lang(r)
	back := &outreachPosted{attendance: true, checked: map[int64]bool{}, attendees: strings.TrimSpace(r.PostFormValue("attendees"))}
	var in app.AttendanceInput
	for _, raw := range r.PostForm["establishment_ids"] {
		if v, err := strconv.ParseInt(raw, 10, 64); err == nil && v > 0 {
			in.EstablishmentIDs = append(in.EstablishmentIDs, v)
			back.checked[v] = true
		}
	}
	errs := map[string]string{}
	readCount(errs, lang, "attendees", back.attendees, &in.Attendees)
	ids, names, phones, trades := r.PostForm["new_id"], r.PostForm["new_name"], r.PostForm["new_phone"], r.PostForm["new_trade"]
	at := func(list []string, i int) string {
		if i < len(list) {
			return strings.TrimSpace(list[i])
		}
		return ""
	}
	for i := range names {
		n := app.NewProducer{Name: at(names, i), Phone: at(phones, i), Trade: at(trades, i)}
		n.ID, _ = strconv.ParseInt(at(ids, i), 10, 64)
		in.New = append(in.New, n)
		if n.ID != 0 || n.Name != "" || n.Phone != "" || n.Trade != "" {
			back.rows = append(back.rows, attendRow{ID: n.ID, Name: n.Name, Phone: n.Phone, Trade: n.Trade})
		}
	}
	done, err := s.saveAndRedirect(w, r, errs, locale.T(lang, "oweb.attend.saved"), nil, func() (string, error) {
		_, err := s.app.RecordAttendance(ctx, id, in)
		return fmt.Sprintf("/outreach/sessions/%d", id), err
	})
	if done {
		return
	}
	if errs, ok = s.sessionFieldErrors(w, r, errs, err); !ok {
		return
	}
	// Row errors are keyed by the posted row; the page shows the rows
	// typed (blank ones dropped), so renumber them.
	kept := 0
	renamed := map[string]string{}
	for i, n := range in.New {
		if n.ID == 0 && n.Name == "" && n.Phone == "" && n.Trade == "" {
			continue
		}
		for _, f := range []string{"name", "phone", "trade"} {
			if m, ok := errs[fmt.Sprintf("new.%d.%s", i, f)]; ok {
				renamed[fmt.Sprintf("new.%d.%s", kept, f)] = m
			}
		}
		kept++
	}
	for k := range errs {
		if strings.HasPrefix(k, "new.") {
			delete(errs, k)
		}
	}
	for k, m := range renamed {
		errs[k] = m
	}
	s.sessionPage(w, r, http.StatusUnprocessableEntity, id, back, errs)
}

// registerAttendee adds a new producer met at a session to the registry.
func (s *Server) registerAttendee(w http.ResponseWriter, r *http.Request) {
	id, ok := s.postedID(w, r, outreachFormBytes)
	if !ok {
		return
	}
	ctx := r.Context()
	lang := s.lang(r)
	session, _ := strconv.ParseInt(r.PostFormValue("session_id"), 10, 64)
	e, err := s.app.AddAttendeeToRegistry(ctx, id)
	switch {
	case err == nil:
		s.sessions.Put(ctx, flashKey, locale.T(lang, "oweb.attend.registered", e.Name))
	case kc.ErrorCode(err) == kc.EInvalid && session != 0:
		e := kc.AsError(err)
		s.sessions.Put(ctx, flashKey, locale.T(lang, e.Key, e.Args...))
	default:
		s.fail(w, r, err)
		return
	}
	if session == 0 {
		http.Redirect(w, r, fmt.Sprintf("/establishments/%d", e.ID), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/outreach/sessions/%d#attendance", session), http.StatusSeeOther)
}
