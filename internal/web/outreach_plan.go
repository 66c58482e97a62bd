package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"
)

// outreachPlanPath is the planner's page; POST to it makes a plan, POST to
// its /save saves the kept rows as a campaign.
const outreachPlanPath = "/outreach/plan"

// outreachPlanFormBytes bounds the planner's forms (a plan of many rows).
const outreachPlanFormBytes = 256 << 10

// outreachPlanRoutes registers the planner's page.
func (s *Server) outreachPlanRoutes() {
	s.mux.HandleFunc("GET "+outreachPlanPath, s.requireUser(s.showOutreachPlanForm))
	s.mux.HandleFunc("POST "+outreachPlanPath, s.requireUser(s.makeOutreachPlan))
	s.mux.HandleFunc("POST "+outreachPlanPath+"/save", s.requireUser(s.saveOutreachPlan))
}

// outreachPlanForm is the planner's form as typed.
type outreachPlanForm struct {
	Unit, From, To, StaffDays, Budget string
}

// outreachPlanRow is one proposed session in the editable table.
type outreachPlanRow struct {
	Index       int
	CommuneID   int64
	Commune     string
	Village     string // as in the plan ("" for producers with no village)
	Place       string // as shown
	Date        string // YYYY-MM-DD for the date input
	Kinds       []choice
	Interpreter string
	Reached     int
	Cost        int64
	HalfDays    string
	Reason      string
	Keep        bool
	DateError   string
	KindError   string
	RowError    string
}

// outreachPlanTrip is one trip as listed.
type outreachPlanTrip struct {
	Commune, Days string
	Sessions      int
	Travel        int64
	Reached       int
}

// outreachPlanView is the data of the planner's page: the form and, once
// made, the plan.
type outreachPlanView struct {
	Form     outreachPlanForm
	Units    []choice
	Plan     *app.OutreachPlan
	Rows     []outreachPlanRow
	Trips    []outreachPlanTrip
	Summary  []string
	Baseline string
	Detail   string
	LeftOut  []string
	HalfDays string
	Title    string
	CanSave  bool
	// SaveError is a message about the save as a whole ("no row kept").
	SaveError string
}

// showOutreachPlanForm shows the planner's form, prefilled with the next
// quarter.
func (s *Server) showOutreachPlanForm(w http.ResponseWriter, r *http.Request) {
	in := s.app.DefaultPlanInput()
	f := outreachPlanForm{Unit: strings.TrimSpace(r.URL.Query().Get("unit")), From: in.From.String(), To: in.To.String()}
	v := &outreachPlanView{Form: f}
	if err := s.fillOutreachPlanUnits(r, v); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderOutreachPlan(w, r, http.StatusOK, v, nil)
}

// fillOutreachPlanUnits offers the units of the caller's scope (and, for a scope
// that is not the whole country, its communes).
func (s *Server) fillOutreachPlanUnits(r *http.Request, v *outreachPlanView) error {
	ctx := r.Context()
	units, err := s.app.ScopeUnits(ctx)
	if err != nil {
		return err
	}
	if p := app.PrincipalFrom(ctx); p != nil && !p.All {
		communes, err := s.app.ScopeCommunes(ctx)
		if err != nil {
			return err
		}
		units = append(units, communes...)
	}
	seen := map[string]bool{}
	for _, u := range units {
		if seen[u.Code] {
			continue
		}
		seen[u.Code] = true
		v.Units = append(v.Units, choice{Value: u.Code, Label: u.Name, Selected: u.Code == v.Form.Unit})
	}
	if v.Form.Unit != "" && !seen[v.Form.Unit] {
		v.Units = append(v.Units, choice{Value: v.Form.Unit, Label: v.Form.Unit, Selected: true})
	}
	return nil
}

// readOutreachPlanForm reads the planner's fields from a parsed form and returns
// the input with every field error.
func readOutreachPlanForm(r *http.Request) (outreachPlanForm, app.PlanOutreachInput, error) {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := outreachPlanForm{Unit: get("unit"), From: get("from"), To: get("to"), StaffDays: get("staff_days"), Budget: get("budget")}
	in := app.PlanOutreachInput{UnitCode: f.Unit}
	var errs kc.Errors
	add := func(err error) {
		if err != nil {
			errs = append(errs, kc.FieldErrors(err)...)
		}
	}
	var err error
	in.From, err = app.ParsePlanDate("from", f.From)
	add(err)
	in.To, err = app.ParsePlanDate("to", f.To)
	add(err)
	n, err := app.ParsePlanNumber("staff_days", f.StaffDays)
	add(err)
	in.StaffDays = int(min(n, 1<<31-1))
	in.Budget, err = app.ParsePlanNumber("budget", f.Budget)
	add(err)
	// The fields that were read are judged too, so that every problem
	// shows at once; a field not understood keeps its own message.
	for _, fe := range kc.FieldErrors(app.ValidatePlanOutreach(in)) {
		if !slices.ContainsFunc(errs, func(e *kc.Error) bool { return e.Field == fe.Field }) {
			errs = append(errs, fe)
		}
	}
	return f, in, errs.Err()
}

// makeOutreachPlan makes the plan from the form and shows it; bad input
// shows the form again with the messages by field (422).
func (s *Server) makeOutreachPlan(w http.ResponseWriter, r *http.Request) {
	if !s.planAllowed(w, r) {
		return
	}
	if err := parseFormLimited(w, r, outreachPlanFormBytes); err != nil {
		s.fail(w, r, err)
		return
	}
	f, in, err := readOutreachPlanForm(r)
	v := &outreachPlanView{Form: f}
	if ferr := s.fillOutreachPlanUnits(r, v); ferr != nil {
		s.fail(w, r, ferr)
		return
	}
	if err == nil {
		var pl app.OutreachPlan
		if pl, err = s.app.PlanOutreach(r.Context(), in); err == nil {
			s.fillOutreachPlan(r, v, pl)
			v.Title = locale.T(s.lang(r), "outreachplan.web.save_title_default", vi.FormatDay(pl.From.Time()), vi.FormatDay(pl.To.Time()))
		}
	}
	s.outreachPlanResult(w, r, v, err)
}

// planAllowed takes a token from the caller's planning bucket (the login
// limiter's rate, keyed by account: a plan screens the registry and
// searches, a few seconds of work at most); when none is left it answers
// 429.
func (s *Server) planAllowed(w http.ResponseWriter, r *http.Request) bool {
	p := app.PrincipalFrom(r.Context())
	if s.limits.Allow("plan|" + strconv.FormatInt(p.User.ID, 10) + "|" + p.User.Username) {
		return true
	}
	w.Header().Set("Retry-After", "60")
	s.fail(w, r, kc.Errorf(kc.ERateLimited, "outreachplan.rate_limited"))
	return false
}

// outreachPlanResult renders the page, or the form with its field errors (422),
// or the error page for other errors.
func (s *Server) outreachPlanResult(w http.ResponseWriter, r *http.Request, v *outreachPlanView, err error) {
	if err == nil {
		s.renderOutreachPlan(w, r, http.StatusOK, v, nil)
		return
	}
	errs := fieldErrors(s.lang(r), "", err)
	if errs == nil {
		s.fail(w, r, err)
		return
	}
	s.renderOutreachPlan(w, r, http.StatusUnprocessableEntity, v, errs)
}

func (s *Server) renderOutreachPlan(w http.ResponseWriter, r *http.Request, status int, v *outreachPlanView, errs map[string]string) {
	p := s.page(r, locale.T(s.lang(r), "outreachplan.web.title"), "outreach", v)
	p.Errors = errs
	s.render(w, r, status, "outreach_plan", p)
}

// fillOutreachPlan puts the plan's rows (all kept, as proposed) and texts in v.
func (s *Server) fillOutreachPlan(r *http.Request, v *outreachPlanView, pl app.OutreachPlan) {
	lang := s.lang(r)
	v.Plan = &pl
	v.CanSave = canWriteOutreach(r) && len(pl.Sessions) > 0
	v.HalfDays = app.StaffDaysText(pl.HalfDays)
	v.Rows = nil
	for i, ss := range pl.Sessions {
		place := ss.Village.Village
		if place == "" {
			place = locale.T(lang, "outreachplan.village.none")
		}
		interp := locale.T(lang, "outreachplan.interpreter.none")
		if ss.Interpreter {
			interp = ss.Language
		}
		v.Rows = append(v.Rows, outreachPlanRow{
			Index: i, CommuneID: ss.Village.CommuneID, Commune: ss.Village.CommuneName, Village: ss.Village.Village,
			Place: place, Date: ss.Date.String(), Kinds: planKindChoices(lang, ss.Kind), Interpreter: interp,
			Reached: ss.Reached, Cost: ss.Total(), HalfDays: app.StaffDaysText(ss.HalfDays),
			Reason: app.OutreachText(lang, ss.Reason), Keep: true,
		})
	}
	v.Trips = nil
	for _, t := range pl.Trips {
		days := vi.FormatDay(t.Days[0].Time())
		if len(t.Days) > 1 {
			days += " – " + vi.FormatDay(t.Days[len(t.Days)-1].Time())
		}
		v.Trips = append(v.Trips, outreachPlanTrip{Commune: t.CommuneName, Days: days, Sessions: len(t.Sessions), Travel: t.Travel, Reached: t.Reached})
	}
	v.Summary = nil
	for _, t := range pl.Summary {
		v.Summary = append(v.Summary, app.OutreachText(lang, t))
	}
	v.Baseline, v.Detail = app.OutreachText(lang, pl.Baseline.Text), app.OutreachText(lang, pl.Baseline.Detail)
	v.LeftOut = nil
	for _, l := range pl.LeftOut {
		v.LeftOut = append(v.LeftOut, app.OutreachText(lang, l.Reason))
	}
}

// planKindChoices are the session kinds with selected chosen.
func planKindChoices(lang, selected string) []choice {
	out := make([]choice, 0, len(kc.SessionKinds))
	for _, k := range kc.SessionKinds {
		out = append(out, choice{Value: k, Label: locale.T(lang, "outreachplan.kind."+k), Selected: k == selected})
	}
	return out
}

// saveOutreachPlan saves the kept rows (as edited) as a campaign and
// redirects to it; errors show the plan again with the rows as posted and
// the messages next to them (422).
func (s *Server) saveOutreachPlan(w http.ResponseWriter, r *http.Request) {
	if !s.planAllowed(w, r) {
		return
	}
	if err := parseFormLimited(w, r, outreachPlanFormBytes); err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r)
	f, in, err := readOutreachPlanForm(r)
	if err != nil {
		v := &outreachPlanView{Form: f}
		if ferr := s.fillOutreachPlanUnits(r, v); ferr != nil {
			s.fail(w, r, ferr)
			return
		}
		s.outreachPlanResult(w, r, v, err)
		return
	}
	title := strings.TrimSpace(r.PostFormValue("title"))
	n, _ := strconv.Atoi(r.PostFormValue("rows"))
	n = max(0, min(n, app.MaxCampaignSessions))
	type posted struct {
		communeID     int64
		village, date string
		kind          string
		keep          bool
	}
	rows := make([]posted, n)
	var kept []app.PlanRow
	var keptIndex []int
	var dateErrs map[int]string
	for i := range rows {
		key := func(k string) string { return strings.TrimSpace(r.PostFormValue(fmt.Sprintf("%s_%d", k, i))) }
		p := posted{village: key("village"), date: key("date"), kind: key("kind"), keep: key("keep") != ""}
		p.communeID, _ = strconv.ParseInt(key("commune"), 10, 64)
		rows[i] = p
		if !p.keep {
			continue
		}
		d, derr := app.ParsePlanDate("date", p.date)
		if derr != nil {
			if dateErrs == nil {
				dateErrs = map[int]string{}
			}
			dateErrs[i] = locale.T(lang, kc.AsError(derr).Key, kc.AsError(derr).Args...)
			continue
		}
		kept = append(kept, app.PlanRow{CommuneID: p.communeID, Village: p.village, Date: d, Kind: p.kind})
		keptIndex = append(keptIndex, i)
	}
	var c kc.Campaign
	var pl app.OutreachPlan
	if dateErrs == nil {
		c, pl, err = s.app.SaveOutreachPlan(r.Context(), app.SaveOutreachPlanInput{Plan: in, Title: title, Rows: kept})
		if err == nil {
			s.sessions.Put(r.Context(), flashKey, locale.T(lang, "outreachplan.web.saved", c.Title, len(kept)))
			http.Redirect(w, r, fmt.Sprintf("/outreach/campaigns/%d", c.ID), http.StatusSeeOther)
			return
		}
		if kc.FieldErrors(err) == nil {
			s.fail(w, r, err)
			return
		}
	} else {
		pl, err = s.app.PlanOutreach(r.Context(), in)
	}
	if pl.WorkingDays == 0 { // no plan was made: its input is wrong
		v := &outreachPlanView{Form: f}
		if ferr := s.fillOutreachPlanUnits(r, v); ferr != nil {
			s.fail(w, r, ferr)
			return
		}
		s.outreachPlanResult(w, r, v, err)
		return
	}
	v := &outreachPlanView{Form: f, Title: title}
	if ferr := s.fillOutreachPlanUnits(r, v); ferr != nil {
		s.fail(w, r, ferr)
		return
	}
	s.fillOutreachPlan(r, v, pl)
	// The rows as posted, where they still match the plan's.
	for i := range v.Rows {
		if i >= len(rows) || rows[i].communeID != v.Rows[i].CommuneID || rows[i].village != v.Rows[i].Village {
			continue
		}
		row := &v.Rows[i]
		row.Keep, row.Date = rows[i].keep, rows[i].date
		if slices.Contains(kc.SessionKinds, rows[i].kind) {
			row.Kinds = planKindChoices(lang, rows[i].kind)
		}
		row.DateError = dateErrs[i]
	}
	errs := map[string]string{}
	for _, fe := range kc.FieldErrors(err) {
		msg := locale.T(lang, fe.Key, fe.Args...)
		rest, isRow := strings.CutPrefix(fe.Field, "rows.")
		if !isRow {
			if fe.Field == "rows" {
				v.SaveError = msg
			} else {
				errs[fe.Field] = msg
			}
			continue
		}
		idx, field, _ := strings.Cut(rest, ".")
		j, convErr := strconv.Atoi(idx)
		if convErr != nil || j >= len(keptIndex) || keptIndex[j] >= len(v.Rows) {
			v.SaveError = msg
			continue
		}
		row := &v.Rows[keptIndex[j]]
		switch field {
		case "date":
			row.DateError = msg
		case "kind":
			row.KindError = msg
		default:
			row.RowError = msg
		}
	}
	if dateErrs != nil && v.SaveError == "" {
		v.SaveError = locale.T(lang, "outreachplan.web.save_errors")
	}
	s.renderOutreachPlan(w, r, http.StatusUnprocessableEntity, v, errs)
}
