package api

import (
	"net/http"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
)

func (x *API) outreachRoutes() {
	x.handle("GET /api/v1/campaigns", x.listCampaigns)
	x.handle("POST /api/v1/campaigns", x.createCampaign)
	x.handle("GET /api/v1/campaigns/{id}", x.getCampaign)
	x.handle("PATCH /api/v1/campaigns/{id}", x.patchCampaign)
	x.handle("POST /api/v1/campaigns/{id}/sessions", x.addCampaignSession)
	x.handle("GET /api/v1/sessions/{id}", x.getSession)
	x.handle("PATCH /api/v1/sessions/{id}", x.patchSession)
	x.handle("PUT /api/v1/sessions/{id}/attendance", x.putAttendance)
	x.handle("POST /api/v1/attendance/{id}/register", x.registerAttendee)
}

// CampaignTotals are the figures of a campaign's sessions: counts by
// status, people reached by the held ones, costs (đồng) and officers'
// half days of the held and of the planned ones.
type CampaignTotals struct {
	Sessions        int   `json:"sessions"`
	Held            int   `json:"held"`
	Planned         int   `json:"planned"`
	Cancelled       int   `json:"cancelled"`
	Reached         int64 `json:"reached"`
	CostHeld        int64 `json:"cost_held"`
	CostPlanned     int64 `json:"cost_planned"`
	HalfDaysHeld    int64 `json:"halfdays_held"`
	HalfDaysPlanned int64 `json:"halfdays_planned"`
}

// Campaign is the API view of an outreach campaign (đợt tuyên truyền);
// Sessions is filled when one campaign is read.
type Campaign struct {
	ID        int64          `json:"id"`
	Title     string         `json:"title"`
	Topic     string         `json:"topic"`
	UnitID    int64          `json:"unit_id"`
	UnitName  string         `json:"unit_name"`
	StartsOn  kc.Date        `json:"starts_on"`
	EndsOn    kc.Date        `json:"ends_on"`
	Budget    int64          `json:"budget"`
	Schemes   []string       `json:"schemes"`
	Notes     string         `json:"notes"`
	PlanNote  string         `json:"plan_note"`
	Version   int            `json:"version"`
	CreatedAt time.Time      `json:"created_at"`
	Totals    CampaignTotals `json:"totals"`
	Sessions  []Session      `json:"sessions,omitempty"`
}

// CampaignList is one page of campaigns with the number of all.
type CampaignList struct {
	Items  []Campaign `json:"items"`
	Total  int        `json:"total"`
	Limit  int        `json:"limit"`
	Offset int        `json:"offset"`
}

// Session is the API view of an outreach session (buổi tuyên truyền);
// Attendance is filled when one session is read.
type Session struct {
	ID            int64      `json:"id"`
	CampaignID    *int64     `json:"campaign_id"`
	Kind          string     `json:"kind"`
	Status        string     `json:"status"`
	CommuneID     int64      `json:"commune_id"`
	CommuneName   string     `json:"commune_name"`
	Village       string     `json:"village"`
	HeldOn        kc.Date    `json:"held_on"`
	Attendees     int        `json:"attendees"`
	Cost          int64      `json:"cost"`
	Staff         string     `json:"staff"`
	StaffHalfDays int        `json:"staff_halfdays"`
	Language      string     `json:"language"`
	Interpreter   bool       `json:"interpreter"`
	Materials     string     `json:"materials"`
	Notes         string     `json:"notes"`
	Attendance    []Attendee `json:"attendance,omitempty"`
	// Registered is the number of registered establishments of the
	// session's village (of its commune when it names none).
	Registered *int `json:"registered,omitempty"`
}

// Attendee is one attendance row: a registered establishment, or a new
// producer (phone masked), who keeps new_producer after being added to
// the registry.
type Attendee struct {
	ID                int64  `json:"id"`
	EstablishmentID   *int64 `json:"establishment_id"`
	EstablishmentName string `json:"establishment_name,omitempty"`
	NewProducer       bool   `json:"new_producer"`
	Name              string `json:"name"`
	Phone             string `json:"phone"`
	Trade             string `json:"trade"`
}

// SessionInput is a new session: in POST /api/v1/campaigns (its
// sessions) and POST /api/v1/campaigns/{id}/sessions. An empty status is
// "held"; an empty language "vi".
type SessionInput struct {
	Kind          string  `json:"kind"`
	Status        string  `json:"status"`
	CommuneID     int64   `json:"commune_id"`
	Village       string  `json:"village"`
	HeldOn        kc.Date `json:"held_on"`
	Attendees     int     `json:"attendees"`
	Cost          int64   `json:"cost"`
	Staff         string  `json:"staff"`
	StaffHalfDays int     `json:"staff_halfdays"`
	Language      string  `json:"language"`
	Interpreter   bool    `json:"interpreter"`
	Materials     string  `json:"materials"`
	Notes         string  `json:"notes"`
}

// CampaignInput is the body of POST /api/v1/campaigns: the campaign and
// the sessions it starts with, saved together or not at all.
type CampaignInput struct {
	Title    string         `json:"title"`
	Topic    string         `json:"topic"`
	UnitID   int64          `json:"unit_id"`
	StartsOn kc.Date        `json:"starts_on"`
	EndsOn   kc.Date        `json:"ends_on"`
	Budget   int64          `json:"budget"`
	Schemes  []string       `json:"schemes"`
	Notes    string         `json:"notes"`
	Sessions []SessionInput `json:"sessions"`
}

// CampaignPatch is the body of PATCH /api/v1/campaigns/{id}: the version
// read (required) and the fields to change; absent fields are kept.
type CampaignPatch struct {
	Version  int       `json:"version"`
	Title    *string   `json:"title"`
	Topic    *string   `json:"topic"`
	UnitID   *int64    `json:"unit_id"`
	StartsOn *kc.Date  `json:"starts_on"`
	EndsOn   *kc.Date  `json:"ends_on"`
	Budget   *int64    `json:"budget"`
	Schemes  *[]string `json:"schemes"`
	Notes    *string   `json:"notes"`
}

// SessionPatch is the body of PATCH /api/v1/sessions/{id}: absent fields
// are kept (the people reached change through the attendance, or here).
type SessionPatch struct {
	Kind          *string  `json:"kind"`
	Status        *string  `json:"status"`
	CommuneID     *int64   `json:"commune_id"`
	Village       *string  `json:"village"`
	HeldOn        *kc.Date `json:"held_on"`
	Attendees     *int     `json:"attendees"`
	Cost          *int64   `json:"cost"`
	Staff         *string  `json:"staff"`
	StaffHalfDays *int     `json:"staff_halfdays"`
	Language      *string  `json:"language"`
	Interpreter   *bool    `json:"interpreter"`
	Materials     *string  `json:"materials"`
	Notes         *string  `json:"notes"`
}

// NewProducerInput is a new producer met at a session; id names a row
// already recorded (its masked phone sent back keeps the stored one).
type NewProducerInput struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Trade string `json:"trade"`
}

// AttendanceInput is the body of PUT /api/v1/sessions/{id}/attendance:
// the whole attendance, replacing what was recorded.
type AttendanceInput struct {
	EstablishmentIDs []int64            `json:"establishment_ids"`
	New              []NewProducerInput `json:"new"`
	Attendees        int                `json:"attendees"`
}

func (in SessionInput) session() kc.OutreachSession {
	return kc.OutreachSession{Kind: in.Kind, Status: in.Status, CommuneID: in.CommuneID, Village: in.Village, HeldOn: in.HeldOn,
		Attendees: in.Attendees, Cost: in.Cost, Staff: in.Staff, StaffHalfDays: in.StaffHalfDays, Language: in.Language,
		Interpreter: in.Interpreter, Materials: in.Materials, Notes: in.Notes}
}

func toSession(v app.SessionView) Session {
	o := v.OutreachSession
	out := Session{ID: o.ID, Kind: o.Kind, Status: o.Status, CommuneID: o.CommuneID, CommuneName: v.CommuneName, Village: o.Village,
		HeldOn: o.HeldOn, Attendees: o.Attendees, Cost: o.Cost, Staff: o.Staff, StaffHalfDays: o.StaffHalfDays, Language: o.Language,
		Interpreter: o.Interpreter, Materials: o.Materials, Notes: o.Notes}
	if o.CampaignID != 0 {
		id := o.CampaignID
		out.CampaignID = &id
	}
	return out
}

func toSessionDetail(d app.SessionDetail) Session {
	out := toSession(d.SessionView)
	n := d.Registered
	out.Registered = &n
	out.Attendance = make([]Attendee, 0, len(d.Attendance))
	for _, a := range d.Attendance {
		at := Attendee{ID: a.ID, EstablishmentName: a.EstablishmentName, NewProducer: a.NewProducer, Name: a.Name, Phone: a.Phone, Trade: a.Trade}
		if a.EstablishmentID != 0 {
			id := a.EstablishmentID
			at.EstablishmentID = &id
		}
		out.Attendance = append(out.Attendance, at)
	}
	return out
}

func toCampaign(c app.CampaignSummary) Campaign {
	t := c.CampaignTotals
	schemes := c.SchemeCodes
	if schemes == nil {
		schemes = []string{}
	}
	return Campaign{ID: c.ID, Title: c.Title, Topic: c.Topic, UnitID: c.UnitID, UnitName: c.UnitName, StartsOn: c.StartsOn, EndsOn: c.EndsOn,
		Budget: c.Budget, Schemes: schemes, Notes: c.Notes, PlanNote: c.PlanNote, Version: c.Version, CreatedAt: c.CreatedAt,
		Totals: CampaignTotals{Sessions: t.Sessions, Held: t.Held, Planned: t.Planned, Cancelled: t.Cancelled, Reached: t.Reached,
			CostHeld: t.CostHeld, CostPlanned: t.CostPlanned, HalfDaysHeld: t.HalfDaysHeld, HalfDaysPlanned: t.HalfDaysPlanned}}
}

func toCampaignDetail(d app.CampaignDetail) Campaign {
	out := toCampaign(d.CampaignSummary)
	out.Sessions = make([]Session, 0, len(d.Sessions))
	for _, s := range d.Sessions {
		out.Sessions = append(out.Sessions, toSession(s))
	}
	return out
}

// listCampaigns lists the campaigns the caller sees, newest first.
func (x *API) listCampaigns(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := paging(r)
	if err != nil {
		x.badRequest(w, r, err)
		return
	}
	list, total, err := x.app.ListCampaigns(r.Context(), limit, offset)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := CampaignList{Items: make([]Campaign, 0, len(list)), Total: total, Limit: limit, Offset: offset}
	for _, c := range list {
		out.Items = append(out.Items, toCampaign(c))
	}
	writeJSON(w, http.StatusOK, out)
}

// campaignReply answers with campaign id as read now.
func (x *API) campaignReply(w http.ResponseWriter, r *http.Request, status int, id int64) {
	d, err := x.app.GetCampaign(r.Context(), id)
	x.reply(w, r, status, toCampaignDetail(d), err)
}

// idAndBody reads the {id} wildcard and then the JSON body into v; on
// failure it answers (404 for a malformed id, 400 for a malformed body)
// and returns false.
func (x *API) idAndBody(w http.ResponseWriter, r *http.Request, v any) (int64, bool) {
	id, err := wildcardInt(r, "id")
	if err != nil {
		x.fail(w, r, err)
		return 0, false
	}
	if !x.decode(w, r, v) {
		return 0, false
	}
	return id, true
}

// setIfPresent sets *dst to *v when the patch gives v (absent fields are
// kept).
func setIfPresent[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// createCampaign saves a campaign with its sessions (201).
func (x *API) createCampaign(w http.ResponseWriter, r *http.Request) {
	var in CampaignInput
	if !x.decode(w, r, &in) {
		return
	}
	ci := app.CampaignInput{Campaign: kc.Campaign{Title: in.Title, Topic: in.Topic, UnitID: in.UnitID, StartsOn: in.StartsOn, EndsOn: in.EndsOn,
		Budget: in.Budget, SchemeCodes: in.Schemes, Notes: in.Notes}}
	for _, s := range in.Sessions {
		ci.Sessions = append(ci.Sessions, s.session())
	}
	c, err := x.app.CreateCampaign(r.Context(), ci)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	x.campaignReply(w, r, http.StatusCreated, c.ID)
}

// replyAtPathID answers (200) with reply for the record the {id}
// wildcard names; a malformed id is not found.
func (x *API) replyAtPathID(w http.ResponseWriter, r *http.Request, reply func(http.ResponseWriter, *http.Request, int, int64)) {
	id, err := wildcardInt(r, "id")
	if err != nil {
		x.fail(w, r, err)
		return
	}
	reply(w, r, http.StatusOK, id)
}

// getCampaign returns a campaign with its sessions and totals.
func (x *API) getCampaign(w http.ResponseWriter, r *http.Request) {
	x.replyAtPathID(w, r, x.campaignReply)
}

// patchCampaign changes a campaign's fields (optimistic version).
func (x *API) patchCampaign(w http.ResponseWriter, r *http.Request) {
	var in CampaignPatch
	id, ok := x.idAndBody(w, r, &in)
	if !ok {
		return
	}
	d, err := x.app.GetCampaign(r.Context(), id)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	c := d.Campaign
	if in.Version == 0 {
		x.fail(w, r, kc.FieldError("version", "field.required"))
		return
	}
	c.Version = in.Version
	setIfPresent(&c.Title, in.Title)
	setIfPresent(&c.Topic, in.Topic)
	setIfPresent(&c.Notes, in.Notes)
	setIfPresent(&c.UnitID, in.UnitID)
	setIfPresent(&c.StartsOn, in.StartsOn)
	setIfPresent(&c.EndsOn, in.EndsOn)
	setIfPresent(&c.Budget, in.Budget)
	setIfPresent(&c.SchemeCodes, in.Schemes)
	if _, err := x.app.UpdateCampaign(r.Context(), c); err != nil {
		x.fail(w, r, err)
		return
	}
	x.campaignReply(w, r, http.StatusOK, id)
}

// addCampaignSession adds a session to a campaign (201).
func (x *API) addCampaignSession(w http.ResponseWriter, r *http.Request) {
	var in SessionInput
	id, ok := x.idAndBody(w, r, &in)
	if !ok {
		return
	}
	o := in.session()
	o.CampaignID = id
	o, err := x.app.AddSession(r.Context(), o)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	x.sessionReply(w, r, http.StatusCreated, o.ID)
}

// sessionReply answers with session id and its attendance as read now.
func (x *API) sessionReply(w http.ResponseWriter, r *http.Request, status int, id int64) {
	d, err := x.app.GetSession(r.Context(), id)
	x.reply(w, r, status, toSessionDetail(d), err)
}

// getSession returns a session with its attendance.
func (x *API) getSession(w http.ResponseWriter, r *http.Request) {
	x.replyAtPathID(w, r, x.sessionReply)
}

// patchSession changes a session's fields.
func (x *API) patchSession(w http.ResponseWriter, r *http.Request) {
	var in SessionPatch
	id, ok := x.idAndBody(w, r, &in)
	if !ok {
		return
	}
	d, err := x.app.GetSession(r.Context(), id)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	o := d.OutreachSession
	setIfPresent(&o.Kind, in.Kind)
	setIfPresent(&o.Status, in.Status)
	setIfPresent(&o.Village, in.Village)
	setIfPresent(&o.Staff, in.Staff)
	setIfPresent(&o.Language, in.Language)
	setIfPresent(&o.Materials, in.Materials)
	setIfPresent(&o.Notes, in.Notes)
	setIfPresent(&o.CommuneID, in.CommuneID)
	setIfPresent(&o.HeldOn, in.HeldOn)
	setIfPresent(&o.Attendees, in.Attendees)
	setIfPresent(&o.Cost, in.Cost)
	setIfPresent(&o.StaffHalfDays, in.StaffHalfDays)
	setIfPresent(&o.Interpreter, in.Interpreter)
	if _, err := x.app.UpdateSession(r.Context(), o); err != nil {
		x.fail(w, r, err)
		return
	}
	x.sessionReply(w, r, http.StatusOK, id)
}

// putAttendance replaces a session's attendance.
func (x *API) putAttendance(w http.ResponseWriter, r *http.Request) {
	var in AttendanceInput
	id, ok := x.idAndBody(w, r, &in)
	if !ok {
		return
	}
	ai := app.AttendanceInput{EstablishmentIDs: in.EstablishmentIDs, Attendees: in.Attendees}
	for _, n := range in.New {
		ai.New = append(ai.New, app.NewProducer{ID: n.ID, Name: n.Name, Phone: n.Phone, Trade: n.Trade})
	}
	d, err := x.app.RecordAttendance(r.Context(), id, ai)
	x.reply(w, r, http.StatusOK, toSessionDetail(d), err)
}

// registerAttendee adds a new producer met at a session to the registry
// (201 with the new establishment, personal data masked).
func (x *API) registerAttendee(w http.ResponseWriter, r *http.Request) {
	id, err := wildcardInt(r, "id")
	if err != nil {
		x.fail(w, r, err)
		return
	}
	e, err := x.app.AddAttendeeToRegistry(r.Context(), id)
	x.reply(w, r, http.StatusCreated, toEstablishment(e), err)
}
