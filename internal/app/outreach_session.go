package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Limits of the session fields.
const (
	maxSessionStaff     = 200
	maxSessionLanguage  = 50
	maxSessionMaterials = 1000
	// MaxSessionCost bounds a session's cost, in đồng (10 billion).
	MaxSessionCost int64 = 10_000_000_000
	// MaxSessionHalfDays bounds the officers' half days of one session.
	MaxSessionHalfDays = 200
	// MaxSessionAttendees bounds the people reached by one session (a
	// radio broadcast's listeners).
	MaxSessionAttendees = 1_000_000
	// MaxNewProducers bounds the new producers recorded at one session.
	MaxNewProducers = 200
)

// SessionStatuses lists the statuses of a session in order.
var SessionStatuses = []string{kc.SessionPlanned, kc.SessionHeld, kc.SessionCancelled}

// SessionNeedsVillage reports whether a session of this kind takes place
// in one village, which must then be named: a village meeting, door-to-door
// visits, a loudspeaker broadcast or a leaflet round.
func SessionNeedsVillage(kind string) bool {
	switch kind {
	case kc.SessionVillageMeeting, kc.SessionDoorToDoor, kc.SessionLoudspeaker, kc.SessionLeafletRound:
		return true
	}
	return false
}

// AttendanceCapped reports whether the people a session of this kind
// reaches are producers met in person, so that their number cannot
// exceed the registered producers of the place plus the new ones met: a
// village meeting, a commune conference, door-to-door visits. The other
// kinds' figure is an estimate of listeners, readers or visitors.
func AttendanceCapped(kind string) bool {
	switch kind {
	case kc.SessionVillageMeeting, kc.SessionCommuneConference, kc.SessionDoorToDoor:
		return true
	}
	return false
}

// normalLanguage returns the language of a session as stored: "vi" for
// Vietnamese (typed any way), else the ethnic-minority language's name.
func normalLanguage(s string) string {
	s = strings.TrimSpace(vi.NFC(s))
	switch vi.Fold(s) {
	case "", "vi", "tieng viet", "viet":
		return "vi"
	}
	return s
}

// checkSession normalises o and returns its field errors (names prefixed
// with prefix). camp, when not nil, is the campaign the session belongs
// to and campCommunes the current communes its unit covers. prevCommune
// is the session's stored commune (0 for a new session): it may stay a
// former commune, while a new place must be a commune in force. A place
// outside the caller's scope is EForbidden (the error).
func (a *App) checkSession(ctx context.Context, p *Principal, o *kc.OutreachSession, prefix string, camp *kc.Campaign,
	campCommunes []int64, prevCommune int64) (kc.Errors, error) {
	var errs kc.Errors
	fe := func(field, key string, args ...any) { errs = append(errs, kc.FieldError(prefix+field, key, args...)) }
	o.Kind = strings.TrimSpace(o.Kind)
	o.Village = strings.TrimSpace(vi.NFC(o.Village))
	o.Staff = strings.TrimSpace(vi.NFC(o.Staff))
	o.Materials = strings.TrimSpace(vi.NFCLines(o.Materials))
	o.Notes = strings.TrimSpace(vi.NFCLines(o.Notes))
	o.Language = normalLanguage(o.Language)
	if o.Status == "" {
		o.Status = kc.SessionHeld
	}
	switch {
	case o.Kind == "":
		fe("kind", "session.kind_required")
	case !slices.Contains(kc.SessionKinds, o.Kind):
		fe("kind", "field.invalid_choice", o.Kind)
	}
	if !slices.Contains(SessionStatuses, o.Status) {
		fe("status", "field.invalid_choice", o.Status)
	}
	// The place: a commune (in force, in scope, in the campaign's unit)
	// and, for the kinds held in one village, the village.
	if o.CommuneID == 0 {
		fe("commune_id", "session.commune_required")
	} else {
		under, err := a.Store.CurrentCommunesUnder(ctx, []int64{o.CommuneID})
		if err != nil && kc.ErrorCode(err) != kc.ENotFound {
			return nil, err
		}
		switch {
		case kc.ErrorCode(err) == kc.ENotFound:
			fe("commune_id", "session.commune_not_current")
		case o.CommuneID != prevCommune && !slices.Equal(under, []int64{o.CommuneID}):
			fe("commune_id", "session.commune_not_current")
		case !seesAny(p, under):
			return nil, &kc.Error{Code: kc.EForbidden, Key: "session.commune_out_of_scope", Field: prefix + "commune_id"}
		case camp != nil && campCommunes != nil && !slices.ContainsFunc(under, func(id int64) bool { return slices.Contains(campCommunes, id) }):
			fe("commune_id", "session.commune_outside_campaign")
		}
	}
	switch {
	case o.Village == "" && SessionNeedsVillage(o.Kind):
		fe("village", "session.village_required")
	case utf8.RuneCountInString(o.Village) > maxVillage:
		fe("village", "field.too_long", maxVillage)
	}
	// The day: required; a held session not in the future; within the
	// campaign's period (an error: widen the period first).
	today := a.today()
	switch {
	case o.HeldOn.IsZero():
		fe("held_on", "session.date_required")
	case o.Status == kc.SessionHeld && o.HeldOn.After(today):
		fe("held_on", "session.held_future", vi.FormatDate(today.Time()))
	case camp != nil && !camp.StartsOn.IsZero() && !camp.EndsOn.IsZero() && (o.HeldOn.Before(camp.StartsOn) || o.HeldOn.After(camp.EndsOn)):
		fe("held_on", "session.date_outside_campaign", vi.FormatDate(camp.StartsOn.Time()), vi.FormatDate(camp.EndsOn.Time()))
	}
	if o.Cost < 0 || o.Cost > MaxSessionCost {
		fe("cost", "session.cost_range", vi.FormatVND(MaxSessionCost))
	}
	if o.StaffHalfDays < 0 || o.StaffHalfDays > MaxSessionHalfDays {
		fe("staff_halfdays", "session.halfdays_range", MaxSessionHalfDays)
	}
	if o.Attendees < 0 || o.Attendees > MaxSessionAttendees {
		fe("attendees", "session.attendees_range", MaxSessionAttendees)
	}
	if utf8.RuneCountInString(o.Staff) > maxSessionStaff {
		fe("staff", "field.too_long", maxSessionStaff)
	}
	switch {
	case utf8.RuneCountInString(o.Language) > maxSessionLanguage:
		fe("language", "field.too_long", maxSessionLanguage)
	case o.Interpreter && o.Language == "vi":
		fe("interpreter", "session.interpreter_needs_language")
	}
	if utf8.RuneCountInString(o.Materials) > maxSessionMaterials {
		fe("materials", "field.too_long", maxSessionMaterials)
	}
	if utf8.RuneCountInString(o.Notes) > maxNotes {
		fe("notes", "field.too_long", maxNotes)
	}
	return errs, nil
}

// visibleSession reads a session whose commune (or its successor) is in
// the caller's scope; ENotFound otherwise.
func (a *App) visibleSession(ctx context.Context, p *Principal, id int64) (kc.OutreachSession, []int64, error) {
	o, err := a.Store.GetOutreachSession(ctx, id)
	if err != nil {
		return o, nil, err
	}
	under, err := a.visibleCommunesUnder(ctx, p, o.CommuneID)
	return o, under, err
}

// checkAttendeesCap checks the people reached entered with a session
// (not through its attendance): for the kinds whose people are producers
// met in person, no more than the registered establishments of the place
// plus those of elsewhere and the new producers already named in its
// attendance (rows).
func (a *App) checkAttendeesCap(ctx context.Context, o kc.OutreachSession, rows []kc.Attendance) (kc.Errors, error) {
	if !AttendanceCapped(o.Kind) || o.Attendees == 0 || o.CommuneID == 0 {
		return nil, nil
	}
	under, err := a.Store.CurrentCommunesUnder(ctx, []int64{o.CommuneID})
	if err != nil {
		return nil, err
	}
	all, err := a.Store.CommuneProducers(ctx, under)
	if err != nil {
		return nil, err
	}
	village, _ := placeProducers(all, o.Village)
	if e := a.attendeesCap(ctx, o, o.Attendees, village, rows); e != nil {
		return kc.Errors{e}, nil
	}
	return nil, nil
}

// attendeesCap returns the error of a session of a capped kind counting
// more people than the registered establishments of its village, plus
// the establishments of elsewhere and the new producers (not registered)
// that rows name; nil when it does not.
func (a *App) attendeesCap(ctx context.Context, o kc.OutreachSession, attendees int, village []store.Producer, rows []kc.Attendance) *kc.Error {
	if !AttendanceCapped(o.Kind) {
		return nil
	}
	in := map[int64]bool{}
	for _, pr := range village {
		in[pr.ID] = true
	}
	elsewhere, newCount := 0, 0
	for _, r := range rows {
		switch {
		case r.EstablishmentID != 0 && !in[r.EstablishmentID]:
			elsewhere++
		case r.EstablishmentID == 0 && r.NewProducer:
			newCount++
		}
	}
	if attendees <= len(village)+elsewhere+newCount {
		return nil
	}
	if elsewhere > 0 {
		return kc.FieldError("attendees", "attend.too_many_elsewhere", attendees, a.placeName(ctx, o), len(village), elsewhere, newCount)
	}
	return kc.FieldError("attendees", "attend.too_many", attendees, a.placeName(ctx, o), len(village), newCount)
}

// placeName names a session's place in messages: its village, else its
// commune.
func (a *App) placeName(ctx context.Context, o kc.OutreachSession) string {
	if o.Village != "" {
		return o.Village
	}
	return a.unitName(ctx, o.CommuneID)
}

// sessionCampaign reads the campaign a session belongs to, with its
// communes; nil for a session outside any campaign.
func (a *App) sessionCampaign(ctx context.Context, id int64) (*kc.Campaign, []int64, error) {
	if id == 0 {
		return nil, nil, nil
	}
	c, err := a.Store.GetCampaign(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	communes, err := a.Store.CurrentCommunesUnder(ctx, []int64{c.UnitID})
	return &c, communes, err
}

// AddSession records a session, in a campaign (o.CampaignID, which the
// caller must see) or alone, after checking it: the kind, a place (a
// commune in force in the caller's scope and, for the kinds held in one
// village, the village), the day (a held session not in the future; a
// planned one may be; within the campaign's period), the cost, staff,
// language (an interpreter only with an ethnic-minority language). An
// empty status is held. The session is audited.
func (a *App) AddSession(ctx context.Context, o kc.OutreachSession) (kc.OutreachSession, error) {
	p, err := outreachWriter(ctx)
	if err != nil {
		return o, err
	}
	var camp *kc.Campaign
	var communes []int64
	if o.CampaignID != 0 {
		c, cc, err := a.visibleCampaign(ctx, p, o.CampaignID)
		if err != nil {
			return o, err
		}
		camp, communes = &c, cc
	}
	o.ID, o.Demo = 0, false
	errs, err := a.checkSession(ctx, p, &o, "", camp, communes, 0)
	if err != nil {
		return o, err
	}
	if len(errs) == 0 {
		if errs, err = a.checkAttendeesCap(ctx, o, nil); err != nil {
			return o, err
		}
	}
	if err := oneOrAll(errs); err != nil {
		return o, err
	}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		if o, err = tx.CreateOutreachSession(ctx, o); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionCreate, "outreach_session", o.ID, nil, auditOfSession(o))
	})
	return o, err
}

// UpdateSession replaces the fields of session o.ID (its campaign stays)
// after the checks of AddSession, audited. A session held in a former
// commune may keep it. Outside the caller's scope: ENotFound.
func (a *App) UpdateSession(ctx context.Context, o kc.OutreachSession) (kc.OutreachSession, error) {
	p, err := principal(ctx)
	if err != nil {
		return o, err
	}
	before, _, err := a.visibleSession(ctx, p, o.ID)
	if err != nil {
		return o, err
	}
	if !auth.Can(p.User.Role, auth.PermWriteOutreach) {
		return o, forbidden()
	}
	o.CampaignID, o.Demo = before.CampaignID, before.Demo
	camp, communes, err := a.sessionCampaign(ctx, before.CampaignID)
	if err != nil {
		return o, err
	}
	errs, err := a.checkSession(ctx, p, &o, "", camp, communes, before.CommuneID)
	if err != nil {
		return o, err
	}
	rows, err := a.Store.ListAttendance(ctx, o.ID)
	if err != nil {
		return o, err
	}
	if len(errs) == 0 && o.Attendees < len(rows) {
		errs = kc.Errors{kc.FieldError("attendees", "attend.fewer_than_named", o.Attendees, len(rows))}
	}
	if len(errs) == 0 {
		if errs, err = a.checkAttendeesCap(ctx, o, rows); err != nil {
			return o, err
		}
	}
	if err := oneOrAll(errs); err != nil {
		return o, err
	}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateOutreachSession(ctx, o); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionUpdate, "outreach_session", o.ID, auditOfSession(before), auditOfSession(o))
	})
	return o, err
}

// SetSessionStatus marks a session planned, held (not in the future) or
// cancelled, audited.
func (a *App) SetSessionStatus(ctx context.Context, id int64, status string) (kc.OutreachSession, error) {
	p, err := principal(ctx)
	if err != nil {
		return kc.OutreachSession{}, err
	}
	o, _, err := a.visibleSession(ctx, p, id)
	if err != nil {
		return o, err
	}
	o.Status = status
	if status == "" {
		return o, kc.FieldError("status", "field.required")
	}
	return a.UpdateSession(ctx, o)
}

// ListSessionsQuery selects the sessions of ListSessions.
type ListSessionsQuery struct {
	CampaignID    int64 // > 0: one campaign's
	NoCampaign    bool  // the sessions outside any campaign
	Status        string
	From, To      kc.Date // days included; zero: unbounded
	Limit, Offset int
}

// ListSessions lists the sessions held in the caller's scope (its
// communes and the former communes merged into them), newest first (in
// day order within a campaign), with the total.
func (a *App) ListSessions(ctx context.Context, q ListSessionsQuery) ([]SessionView, int, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, 0, err
	}
	f := store.SessionFilter{CampaignID: q.CampaignID, NoCampaign: q.NoCampaign, Status: q.Status, From: q.From, To: q.To,
		Limit: q.Limit, Offset: q.Offset}
	if !p.All {
		f.Communes = []int64{}
		if len(p.Communes) > 0 {
			units, err := a.Store.ReportUnits(ctx, p.Communes)
			if err != nil {
				return nil, 0, err
			}
			for _, u := range units {
				f.Communes = append(f.Communes, u.ID)
			}
		}
	}
	rows, total, err := a.Store.ListSessions(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	views, err := a.sessionViews(ctx, p, rows)
	return views, total, err
}

// Attendance ---------------------------------------------------------------

// NewProducer is a producer met at a session who is not in the registry:
// a name, an optional phone (sealed when stored, masked when read) and
// an optional trade code of the catalogue. ID names an attendance row
// already recorded (when the list is saved again); its masked phone sent
// back keeps the stored one.
type NewProducer struct {
	ID                 int64
	Name, Phone, Trade string
}

// blank reports whether nothing was typed in the row (an empty form row).
func (n NewProducer) blank() bool {
	return n.ID == 0 && strings.TrimSpace(n.Name) == "" && strings.TrimSpace(n.Phone) == "" && strings.TrimSpace(n.Trade) == ""
}

// AttendanceInput is the attendance of a session as entered: the
// registered establishments present, the new producers met, and the
// number of people reached (0: the number named).
type AttendanceInput struct {
	EstablishmentIDs []int64
	New              []NewProducer
	Attendees        int
}

// Attendee is one attendance row as read: the phone masked, and the
// establishment's name for a registered one.
type Attendee struct {
	kc.Attendance
	EstablishmentName string
}

// SessionDetail is a session with its attendance and the checklist of
// the registered establishments of its place.
type SessionDetail struct {
	SessionView
	CampaignTitle string
	Attendance    []Attendee
	// VillageProducers are the registered establishments of the session's
	// village (all of the commune's when it names none); OtherProducers
	// the rest of the commune (its successor when it was merged).
	VillageProducers, OtherProducers []store.Producer
	// Registered is the number of registered establishments the
	// attendance check compares with (len(VillageProducers)).
	Registered int
}

// Present reports whether establishment id is named in the attendance.
func (d SessionDetail) Present(id int64) bool {
	return slices.ContainsFunc(d.Attendance, func(a Attendee) bool { return a.EstablishmentID == id })
}

// NewAttendees returns the new producers met, registered since or not.
func (d SessionDetail) NewAttendees() []Attendee {
	var out []Attendee
	for _, a := range d.Attendance {
		if a.NewProducer {
			out = append(out, a)
		}
	}
	return out
}

// placeProducers splits the establishments of the session's communes
// into those of its village (all when it names none) and the others.
func placeProducers(all []store.Producer, village string) (in, others []store.Producer) {
	if village == "" {
		return all, nil
	}
	key := vi.Fold(village)
	for _, pr := range all {
		if vi.Fold(strings.TrimSpace(pr.Village)) == key {
			in = append(in, pr)
		} else {
			others = append(others, pr)
		}
	}
	return in, others
}

// GetSession returns a session in the caller's scope with its campaign's
// title, its attendance (phones masked) and the registered establishments
// of its village and commune; ENotFound outside the scope.
func (a *App) GetSession(ctx context.Context, id int64) (SessionDetail, error) {
	p, err := principal(ctx)
	if err != nil {
		return SessionDetail{}, err
	}
	o, under, err := a.visibleSession(ctx, p, id)
	if err != nil {
		return SessionDetail{}, err
	}
	views, err := a.sessionViews(ctx, p, []kc.OutreachSession{o})
	if err != nil {
		return SessionDetail{}, err
	}
	d := SessionDetail{SessionView: views[0]}
	if o.CampaignID != 0 {
		c, err := a.Store.GetCampaign(ctx, o.CampaignID)
		if err != nil {
			return d, err
		}
		d.CampaignTitle = c.Title
	}
	var inScope []int64
	for _, c := range under {
		if p.InScope(c) {
			inScope = append(inScope, c)
		}
	}
	err = a.Store.View(ctx, func(tx *store.Tx) error {
		all, err := tx.CommuneProducers(ctx, inScope)
		if err != nil {
			return err
		}
		d.VillageProducers, d.OtherProducers = placeProducers(all, o.Village)
		d.Registered = len(d.VillageProducers)
		rows, err := tx.ListAttendance(ctx, id)
		if err != nil {
			return err
		}
		names := map[int64]string{}
		for _, pr := range all {
			names[pr.ID] = pr.Name
		}
		for _, r := range rows {
			at := Attendee{Attendance: a.maskAttendance(r)}
			if r.EstablishmentID != 0 {
				if n, ok := names[r.EstablishmentID]; ok {
					at.EstablishmentName = n
				} else if e, err := tx.GetEstablishment(ctx, r.EstablishmentID); err == nil {
					at.EstablishmentName = e.Name
				}
			}
			d.Attendance = append(d.Attendance, at)
		}
		return nil
	})
	return d, err
}

// maskAttendance returns r with its phone masked and the sealed value
// dropped.
func (a *App) maskAttendance(r kc.Attendance) kc.Attendance {
	r.Phone = ""
	if len(r.PhoneSealed.Enc) > 0 {
		if v, ok := a.open(fieldPhone, r.PhoneSealed); ok {
			r.Phone = MaskPhone(v)
		} else {
			r.Phone = MaskedText
		}
	}
	r.PhoneSealed = kc.Sealed{}
	return r
}

// attendanceAudit is what the audit log keeps of a session's attendance:
// never a name or a phone.
type attendanceAudit struct {
	Status           string
	Attendees        int
	EstablishmentIDs []int64 `json:",omitempty"`
	NewProducers     int     `json:",omitempty"`
}

func auditOfAttendance(o kc.OutreachSession, rows []kc.Attendance) attendanceAudit {
	out := attendanceAudit{Status: o.Status, Attendees: o.Attendees}
	for _, r := range rows {
		if r.EstablishmentID != 0 {
			out.EstablishmentIDs = append(out.EstablishmentIDs, r.EstablishmentID)
		}
		if r.NewProducer {
			out.NewProducers++
		}
	}
	return out
}

// RecordAttendance replaces a session's attendance in one transaction:
// the registered establishments present (each in the session's commune,
// or the commune it became part of, and in the caller's scope), the new
// producers met (a name; a valid phone, sealed; a trade of the catalogue)
// and the number of people reached (0: the number named). A meeting,
// conference or door-to-door round cannot count more people than the
// registered establishments of its village (of its commune when it names
// none) plus the new producers met: the error names both numbers. For
// broadcasts, leaflets, radio, group messages and fair stands the figure
// is an estimate and is not capped. A planned session whose day has come
// becomes held; a cancelled one, or a planned one in the future, takes no
// attendance. A new producer already added to the registry stays marked
// new while its establishment is named. The change is audited (without
// names or phones).
func (a *App) RecordAttendance(ctx context.Context, sessionID int64, in AttendanceInput) (SessionDetail, error) {
	p, err := principal(ctx)
	if err != nil {
		return SessionDetail{}, err
	}
	o, under, err := a.visibleSession(ctx, p, sessionID)
	if err != nil {
		return SessionDetail{}, err
	}
	if !auth.Can(p.User.Role, auth.PermWriteOutreach) {
		return SessionDetail{}, forbidden()
	}
	switch {
	case o.Status == kc.SessionCancelled:
		return SessionDetail{}, kc.FieldError("status", "attend.cancelled")
	case o.HeldOn.After(a.today()):
		return SessionDetail{}, kc.FieldError("status", "attend.future", vi.FormatDate(o.HeldOn.Time()))
	}
	var trades []kc.Trade
	if slices.ContainsFunc(in.New, func(n NewProducer) bool { return strings.TrimSpace(n.Trade) != "" }) {
		if trades, err = a.Trades(ctx); err != nil {
			return SessionDetail{}, err
		}
	}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.ListAttendance(ctx, sessionID)
		if err != nil {
			return err
		}
		all, err := tx.CommuneProducers(ctx, under)
		if err != nil {
			return err
		}
		byID := map[int64]store.Producer{}
		for _, pr := range all {
			byID[pr.ID] = pr
		}
		village, _ := placeProducers(all, o.Village)
		var errs kc.Errors
		var rows []kc.Attendance
		seen := map[int64]bool{}
		for _, id := range in.EstablishmentIDs {
			if seen[id] {
				continue
			}
			seen[id] = true
			pr, ok := byID[id]
			if !ok || !p.InScope(pr.CommuneID) {
				errs = append(errs, kc.FieldError("establishment_ids", "attend.establishment_elsewhere", id))
				continue
			}
			row := kc.Attendance{EstablishmentID: id}
			if i := slices.IndexFunc(before, func(b kc.Attendance) bool { return b.EstablishmentID == id }); i >= 0 {
				row = before[i]
			}
			rows = append(rows, row)
		}
		if len(in.New) > MaxNewProducers {
			errs = append(errs, kc.FieldError("new", "attend.too_many_new", MaxNewProducers))
		}
		for i, n := range in.New {
			if n.blank() {
				continue
			}
			field := fmt.Sprintf("new.%d.", i)
			row := kc.Attendance{NewProducer: true}
			if n.ID != 0 {
				j := slices.IndexFunc(before, func(b kc.Attendance) bool { return b.ID == n.ID && b.NewProducer })
				if j < 0 {
					errs = append(errs, kc.FieldError(field+"name", "error.not_found"))
					continue
				}
				row = before[j]
				if row.EstablishmentID != 0 {
					// Added to the registry since: named by its establishment.
					if !seen[row.EstablishmentID] {
						seen[row.EstablishmentID] = true
						rows = append(rows, row)
					}
					continue
				}
			}
			row.Name = strings.TrimSpace(vi.NFC(n.Name))
			switch {
			case row.Name == "":
				errs = append(errs, kc.FieldError(field+"name", "attend.name_required"))
			case utf8.RuneCountInString(row.Name) > maxOwnerName:
				errs = append(errs, kc.FieldError(field+"name", "field.too_long", maxOwnerName))
			}
			phone := strings.TrimSpace(n.Phone)
			keep := false
			if n.ID != 0 && len(row.PhoneSealed.Enc) > 0 {
				clear, ok := a.open(fieldPhone, row.PhoneSealed)
				keep = (ok && phone == MaskPhone(clear)) || (!ok && phone == MaskedText)
			}
			if !keep {
				row.PhoneSealed = kc.Sealed{}
				if phone != "" {
					norm, ok := NormalizePhone(phone)
					if !ok {
						errs = append(errs, kc.FieldError(field+"phone", "attend.phone_invalid"))
					} else if row.PhoneSealed, err = a.seal(fieldPhone, norm); err != nil {
						return err
					}
				}
			}
			row.Trade = strings.ToUpper(strings.TrimSpace(n.Trade))
			if row.Trade != "" && !slices.ContainsFunc(trades, func(t kc.Trade) bool { return strings.EqualFold(t.Code, row.Trade) }) {
				errs = append(errs, kc.FieldError(field+"trade", "est.trade_code_unknown", row.Trade))
			}
			rows = append(rows, row)
		}
		named := len(rows)
		attendees := in.Attendees
		if attendees == 0 {
			attendees = named
		}
		switch {
		case attendees < 0 || attendees > MaxSessionAttendees:
			errs = append(errs, kc.FieldError("attendees", "session.attendees_range", MaxSessionAttendees))
		case attendees < named:
			errs = append(errs, kc.FieldError("attendees", "attend.fewer_than_named", attendees, named))
		default:
			if e := a.attendeesCap(ctx, o, attendees, village, rows); e != nil {
				errs = append(errs, e)
			}
		}
		if err := oneOrAll(errs); err != nil {
			return err
		}
		after := o
		after.Attendees = attendees
		if after.Status == kc.SessionPlanned {
			after.Status = kc.SessionHeld
		}
		if err := tx.UpdateOutreachSession(ctx, after); err != nil {
			return err
		}
		saved, err := tx.ReplaceAttendance(ctx, sessionID, rows)
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionUpdate, "outreach_session", sessionID, auditOfAttendance(o, before), auditOfAttendance(after, saved))
	})
	if err != nil {
		return SessionDetail{}, err
	}
	return a.GetSession(ctx, sessionID)
}

// AddAttendeeToRegistry registers a new producer met at a session as a
// household establishment (its name as owner, the session's commune in
// force and village, the phone, the trade) and links the attendance row
// to it, in one transaction, both audited. A row already linked, or not a
// new producer's, is refused.
func (a *App) AddAttendeeToRegistry(ctx context.Context, attendanceID int64) (kc.Establishment, error) {
	p, err := outreachWriter(ctx)
	if err != nil {
		return kc.Establishment{}, err
	}
	if !p.CanWrite() {
		return kc.Establishment{}, forbidden()
	}
	var row kc.Attendance
	err = a.Store.View(ctx, func(tx *store.Tx) error {
		row, err = tx.GetAttendance(ctx, attendanceID)
		return err
	})
	if err != nil {
		return kc.Establishment{}, err
	}
	o, under, err := a.visibleSession(ctx, p, row.SessionID)
	if err != nil {
		return kc.Establishment{}, err
	}
	if !row.NewProducer || row.EstablishmentID != 0 {
		return kc.Establishment{}, kc.FieldError("attendance", "attend.already_registered")
	}
	commune := int64(0)
	for _, c := range under {
		if p.InScope(c) {
			commune = c
			break
		}
	}
	phone, ok := a.open(fieldPhone, row.PhoneSealed)
	if !ok {
		return kc.Establishment{}, kc.Errorf(kc.EInternal, "personal.cannot_open")
	}
	e := kc.Establishment{Kind: kc.KindHousehold, Name: row.Name, OwnerName: row.Name, CommuneID: commune, Village: o.Village, Phone: phone}
	if row.Trade != "" {
		if id, err := a.resolveTrade(ctx, row.Trade); err == nil {
			e.TradeIDs = []int64{id}
		}
	}
	rec, err := a.newEstablishmentRecord(ctx, p, e)
	if err != nil {
		return kc.Establishment{}, err
	}
	var created kc.Establishment
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.GetAttendance(ctx, attendanceID)
		if err != nil {
			return err
		}
		if cur.EstablishmentID != 0 {
			return kc.FieldError("attendance", "attend.already_registered")
		}
		if created, err = a.insertEstablishment(ctx, tx, rec); err != nil {
			return err
		}
		if err := tx.SetAttendanceEstablishment(ctx, attendanceID, created.ID); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionUpdate, "attendance", attendanceID, map[string]int64{"SessionID": cur.SessionID},
			map[string]int64{"SessionID": cur.SessionID, "EstablishmentID": created.ID})
	})
	if err != nil {
		return kc.Establishment{}, err
	}
	a.mask(&created)
	return created, nil
}

// SessionCommunes returns the communes a session form offers: the
// communes of the caller's scope, within the unit of campaign campaignID
// when it is not 0, and the session's own commune own (when not 0 and
// not among them, a former commune it keeps) first.
func (a *App) SessionCommunes(ctx context.Context, campaignID, own int64) ([]kc.Unit, error) {
	communes, err := a.ScopeCommunes(ctx)
	if err != nil {
		return nil, err
	}
	if campaignID != 0 {
		c, err := a.Store.GetCampaign(ctx, campaignID)
		if err != nil {
			return nil, err
		}
		within, err := a.Store.CurrentCommunesUnder(ctx, []int64{c.UnitID})
		if err != nil {
			return nil, err
		}
		communes = slices.DeleteFunc(communes, func(u kc.Unit) bool { return !slices.Contains(within, u.ID) })
	}
	if own != 0 && !slices.ContainsFunc(communes, func(u kc.Unit) bool { return u.ID == own }) {
		u, err := a.Store.GetUnit(ctx, own)
		if err != nil {
			return nil, err
		}
		communes = append([]kc.Unit{u}, communes...)
	}
	return communes, nil
}
