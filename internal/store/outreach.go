package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// Campaigns ----------------------------------------------------------------

const campaignColumns = `c.id, c.title, c.topic, c.unit_id, c.starts_on, c.ends_on, c.budget, c.schemes, c.notes, c.plan_note,
	c.demo, COALESCE(c.created_by, 0), c.version, c.created_at`

func scanCampaign(r interface{ Scan(...any) error }, c *kc.Campaign, extra ...any) error {
	var schemes string
	dest := append([]any{&c.ID, &c.Title, &c.Topic, &c.UnitID, &c.StartsOn, &c.EndsOn, &c.Budget, &schemes, &c.Notes, &c.PlanNote,
		&c.Demo, &c.CreatedBy, &c.Version, timeScan{&c.CreatedAt}}, extra...)
	if err := r.Scan(dest...); err != nil {
		return err
	}
	c.SchemeCodes = splitCodes(schemes)
	return nil
}

// splitCodes splits a comma-joined list of codes; "" gives nil.
func splitCodes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateCampaign inserts a campaign (version 1) and returns it as stored.
func (tx *Tx) CreateCampaign(ctx context.Context, c kc.Campaign) (kc.Campaign, error) {
	id, err := tx.insert(ctx, `INSERT INTO campaign (title, topic, unit_id, starts_on, ends_on, budget, schemes, notes, plan_note, demo, created_by, version, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12)`,
		vi.NFC(c.Title), vi.NFC(c.Topic), c.UnitID, c.StartsOn, c.EndsOn, c.Budget, strings.Join(c.SchemeCodes, ","), vi.NFCLines(c.Notes),
		vi.NFCLines(c.PlanNote), c.Demo, nullID(c.CreatedBy), tx.now)
	if err != nil {
		return c, fmt.Errorf("store: create campaign: %w", err)
	}
	return tx.GetCampaign(ctx, id)
}

// GetCampaign returns the campaign with id, or ENotFound.
func (tx *Tx) GetCampaign(ctx context.Context, id int64) (kc.Campaign, error) {
	var c kc.Campaign
	err := scanCampaign(tx.queryRow(ctx, "SELECT "+campaignColumns+" FROM campaign c WHERE c.id = $1", id), &c)
	if err != nil {
		return c, fmt.Errorf("store: campaign %d: %w", id, tx.s.mapErr(err))
	}
	return c, nil
}

// GetCampaign returns the campaign with id, or ENotFound.
func (s *Store) GetCampaign(ctx context.Context, id int64) (kc.Campaign, error) {
	return viewValue(ctx, s, func(tx *Tx) (kc.Campaign, error) { return tx.GetCampaign(ctx, id) })
}

// UpdateCampaign replaces the editable fields of campaign c.ID (title,
// topic, unit, period, budget, schemes, notes) when its version is still
// c.Version, and returns it with the next version. A stale version is
// EConflict; a missing campaign ENotFound.
func (tx *Tx) UpdateCampaign(ctx context.Context, c kc.Campaign) (kc.Campaign, error) {
	res, err := tx.exec(ctx, `UPDATE campaign SET title = $1, topic = $2, unit_id = $3, starts_on = $4, ends_on = $5, budget = $6,
		schemes = $7, notes = $8, version = version + 1 WHERE id = $9 AND version = $10`,
		vi.NFC(c.Title), vi.NFC(c.Topic), c.UnitID, c.StartsOn, c.EndsOn, c.Budget, strings.Join(c.SchemeCodes, ","), vi.NFCLines(c.Notes),
		c.ID, c.Version)
	if err != nil {
		return c, fmt.Errorf("store: update campaign %d: %w", c.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := tx.GetCampaign(ctx, c.ID); err != nil {
			return c, err
		}
		return c, &kc.Error{Code: kc.EConflict, Key: "error.conflict", Field: "version"}
	}
	return tx.GetCampaign(ctx, c.ID)
}

// CampaignTotals are the figures of a campaign's sessions.
type CampaignTotals struct {
	Sessions, Held, Planned, Cancelled int
	// Reached is the people reached by the held sessions (their attendees).
	Reached int64
	// CostHeld and CostPlanned are the costs of the held and of the
	// planned sessions, in đồng.
	CostHeld, CostPlanned int64
	// HalfDaysHeld and HalfDaysPlanned are the officers' half days of the
	// held and of the planned sessions.
	HalfDaysHeld, HalfDaysPlanned int64
}

// CampaignRow is a campaign with the totals of its sessions.
type CampaignRow struct {
	kc.Campaign
	CampaignTotals
}

// CampaignFilter selects campaigns: Units nil means any unit (an empty
// non-nil slice selects nothing).
type CampaignFilter struct {
	Units         []int64
	Limit, Offset int
}

const campaignTotalsColumns = `(SELECT COUNT(*) FROM outreach_session o WHERE o.campaign_id = c.id),
	(SELECT COUNT(*) FROM outreach_session o WHERE o.campaign_id = c.id AND o.status = 'held'),
	(SELECT COUNT(*) FROM outreach_session o WHERE o.campaign_id = c.id AND o.status = 'planned'),
	(SELECT COUNT(*) FROM outreach_session o WHERE o.campaign_id = c.id AND o.status = 'cancelled'),
	(SELECT COALESCE(SUM(o.attendees), 0) FROM outreach_session o WHERE o.campaign_id = c.id AND o.status = 'held'),
	(SELECT COALESCE(SUM(o.cost), 0) FROM outreach_session o WHERE o.campaign_id = c.id AND o.status = 'held'),
	(SELECT COALESCE(SUM(o.cost), 0) FROM outreach_session o WHERE o.campaign_id = c.id AND o.status = 'planned'),
	(SELECT COALESCE(SUM(o.staff_halfdays), 0) FROM outreach_session o WHERE o.campaign_id = c.id AND o.status = 'held'),
	(SELECT COALESCE(SUM(o.staff_halfdays), 0) FROM outreach_session o WHERE o.campaign_id = c.id AND o.status = 'planned')`

func totalsDest(t *CampaignTotals) []any {
	return []any{&t.Sessions, &t.Held, &t.Planned, &t.Cancelled, &t.Reached, &t.CostHeld, &t.CostPlanned, &t.HalfDaysHeld, &t.HalfDaysPlanned}
}

// ListCampaigns returns the campaigns f selects, newest first (by start
// day, then id), with their totals, and how many there are in all.
func (s *Store) ListCampaigns(ctx context.Context, f CampaignFilter) ([]CampaignRow, int, error) {
	var out []CampaignRow
	var total int64
	err := s.View(ctx, func(tx *Tx) error {
		where, args := "", []any(nil)
		if f.Units != nil {
			in, a := inInts(1, f.Units)
			where, args = " WHERE c.unit_id IN "+in, a
		}
		var err error
		if total, err = tx.count(ctx, "SELECT COUNT(*) FROM campaign c"+where, args...); err != nil {
			return err
		}
		rows, err := tx.query(ctx, "SELECT "+campaignColumns+", "+campaignTotalsColumns+" FROM campaign c"+where+
			" ORDER BY c.starts_on DESC, c.id DESC"+limitOffset(f.Limit, f.Offset), args...)
		if err != nil {
			return err
		}
		out, err = collectRows(rows, func(sc interface{ Scan(...any) error }, r *CampaignRow) error {
			return scanCampaign(sc, &r.Campaign, totalsDest(&r.CampaignTotals)...)
		})
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: list campaigns: %w", err)
	}
	return out, int(total), nil
}

// CampaignTotalsOf returns the totals of campaign id's sessions.
func (tx *Tx) CampaignTotalsOf(ctx context.Context, id int64) (CampaignTotals, error) {
	var t CampaignTotals
	err := tx.queryRow(ctx, "SELECT "+campaignTotalsColumns+" FROM campaign c WHERE c.id = $1", id).Scan(totalsDest(&t)...)
	if err != nil {
		return t, fmt.Errorf("store: campaign %d totals: %w", id, tx.s.mapErr(err))
	}
	return t, nil
}

// Sessions -----------------------------------------------------------------

const sessionColumns = `id, COALESCE(campaign_id, 0), kind, status, commune_id, village, held_on, attendees, cost, staff, staff_halfdays,
	language, interpreter, materials, notes, demo`

func scanSession(r interface{ Scan(...any) error }, o *kc.OutreachSession) error {
	var attendees int64
	err := r.Scan(&o.ID, &o.CampaignID, &o.Kind, &o.Status, &o.CommuneID, &o.Village, &o.HeldOn, &attendees, &o.Cost, &o.Staff,
		&o.StaffHalfDays, &o.Language, &o.Interpreter, &o.Materials, &o.Notes, &o.Demo)
	o.Attendees = int(attendees)
	return err
}

// CreateOutreachSession records one outreach session and returns it with
// its id. CommuneID is the commune as it was on the day.
func (s *Store) CreateOutreachSession(ctx context.Context, o kc.OutreachSession) (kc.OutreachSession, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		o, err = tx.CreateOutreachSession(ctx, o)
		return err
	})
	return o, err
}

// CreateOutreachSession is CreateOutreachSession inside tx. An empty
// Language is "vi", an empty Status SessionHeld.
func (tx *Tx) CreateOutreachSession(ctx context.Context, o kc.OutreachSession) (kc.OutreachSession, error) {
	if o.Language == "" {
		o.Language = "vi"
	}
	if o.Status == "" {
		o.Status = kc.SessionHeld
	}
	o.Village, o.Staff, o.Materials, o.Notes = vi.NFC(o.Village), vi.NFC(o.Staff), vi.NFCLines(o.Materials), vi.NFCLines(o.Notes)
	id, err := tx.insert(ctx, `INSERT INTO outreach_session (campaign_id, kind, status, commune_id, village, held_on, attendees, cost, staff,
		staff_halfdays, language, interpreter, materials, notes, demo, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		nullID(o.CampaignID), o.Kind, o.Status, o.CommuneID, o.Village, o.HeldOn, int64(o.Attendees), o.Cost, o.Staff,
		o.StaffHalfDays, o.Language, o.Interpreter, o.Materials, o.Notes, o.Demo, tx.now)
	if err != nil {
		return o, fmt.Errorf("store: create outreach session: %w", err)
	}
	o.ID = id
	return o, nil
}

// UpdateOutreachSession replaces every field of session o.ID but its
// campaign and demo flag; ENotFound when there is none.
func (tx *Tx) UpdateOutreachSession(ctx context.Context, o kc.OutreachSession) error {
	if o.Language == "" {
		o.Language = "vi"
	}
	res, err := tx.exec(ctx, `UPDATE outreach_session SET kind = $1, status = $2, commune_id = $3, village = $4, held_on = $5, attendees = $6,
		cost = $7, staff = $8, staff_halfdays = $9, language = $10, interpreter = $11, materials = $12, notes = $13 WHERE id = $14`,
		o.Kind, o.Status, o.CommuneID, vi.NFC(o.Village), o.HeldOn, int64(o.Attendees), o.Cost, vi.NFC(o.Staff), o.StaffHalfDays,
		o.Language, o.Interpreter, vi.NFCLines(o.Materials), vi.NFCLines(o.Notes), o.ID)
	if err != nil {
		return fmt.Errorf("store: update outreach session %d: %w", o.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &kc.Error{Code: kc.ENotFound, Key: "error.not_found", Err: sql.ErrNoRows}
	}
	return nil
}

// GetOutreachSession returns the session with id, or ENotFound.
func (tx *Tx) GetOutreachSession(ctx context.Context, id int64) (kc.OutreachSession, error) {
	var o kc.OutreachSession
	if err := scanSession(tx.queryRow(ctx, "SELECT "+sessionColumns+" FROM outreach_session WHERE id = $1", id), &o); err != nil {
		return o, fmt.Errorf("store: outreach session %d: %w", id, tx.s.mapErr(err))
	}
	return o, nil
}

// GetOutreachSession returns the session with id, or ENotFound.
func (s *Store) GetOutreachSession(ctx context.Context, id int64) (kc.OutreachSession, error) {
	return viewValue(ctx, s, func(tx *Tx) (kc.OutreachSession, error) { return tx.GetOutreachSession(ctx, id) })
}

// SessionFilter selects outreach sessions. CampaignID > 0 keeps one
// campaign's sessions, NoCampaign those outside any campaign; Communes
// nil means every commune (an empty non-nil slice selects nothing);
// From, To (zero: open) bound the day; Status "" means any.
type SessionFilter struct {
	CampaignID    int64
	NoCampaign    bool
	Communes      []int64
	From, To      kc.Date
	Status        string
	Limit, Offset int
}

// ListSessions returns the sessions f selects by day (newest first when
// no campaign is given, in day order within a campaign) and how many
// there are in all.
func (s *Store) ListSessions(ctx context.Context, f SessionFilter) ([]kc.OutreachSession, int, error) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if f.CampaignID > 0 {
		add("campaign_id = $%d", f.CampaignID)
	}
	if f.NoCampaign {
		conds = append(conds, "campaign_id IS NULL")
	}
	if f.Communes != nil {
		in, a := inInts(len(args)+1, f.Communes)
		conds = append(conds, "commune_id IN "+in)
		args = append(args, a...)
	}
	if !f.From.IsZero() {
		add("held_on >= $%d", f.From)
	}
	if !f.To.IsZero() {
		add("held_on <= $%d", f.To)
	}
	if f.Status != "" {
		add("status = $%d", f.Status)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	order := " ORDER BY held_on DESC, id DESC"
	if f.CampaignID > 0 {
		order = " ORDER BY held_on, id"
	}
	var out []kc.OutreachSession
	var total int64
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		if total, err = tx.count(ctx, "SELECT COUNT(*) FROM outreach_session"+where, args...); err != nil {
			return err
		}
		rows, err := tx.query(ctx, "SELECT "+sessionColumns+" FROM outreach_session"+where+order+limitOffset(f.Limit, f.Offset), args...)
		if err != nil {
			return err
		}
		out, err = collectRows(rows, scanSession)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: list outreach sessions: %w", err)
	}
	return out, int(total), nil
}

// ListOutreachSessions returns the held sessions in [from, to] in the
// given units (nil = everywhere), by date.
func (s *Store) ListOutreachSessions(ctx context.Context, unitIDs []int64, from, to kc.Date) ([]kc.OutreachSession, error) {
	var out []kc.OutreachSession
	err := s.View(ctx, func(tx *Tx) error {
		q := "SELECT " + sessionColumns + ` FROM outreach_session WHERE status = 'held' AND held_on >= $1 AND held_on <= $2`
		args := []any{from, to}
		if unitIDs != nil {
			in, a := inInts(3, unitIDs)
			q += " AND commune_id IN " + in
			args = append(args, a...)
		}
		rows, err := tx.query(ctx, q+" ORDER BY held_on, id", args...)
		if err != nil {
			return fmt.Errorf("store: list outreach sessions: %w", err)
		}
		out, err = collectRows(rows, scanSession)
		return err
	})
	return out, err
}

// Attendance ---------------------------------------------------------------

const attendanceColumns = `id, session_id, COALESCE(establishment_id, 0), new_producer, name, phone_enc, trade`

func scanAttendance(r interface{ Scan(...any) error }, a *kc.Attendance) error {
	return r.Scan(&a.ID, &a.SessionID, &a.EstablishmentID, &a.NewProducer, &a.Name, &a.PhoneSealed.Enc, &a.Trade)
}

// ListAttendance returns the attendance of a session: the registered
// establishments first, then the new producers, each in entry order.
func (tx *Tx) ListAttendance(ctx context.Context, sessionID int64) ([]kc.Attendance, error) {
	rows, err := tx.query(ctx, "SELECT "+attendanceColumns+" FROM attendance WHERE session_id = $1 ORDER BY new_producer, id", sessionID)
	if err != nil {
		return nil, fmt.Errorf("store: attendance of session %d: %w", sessionID, err)
	}
	return collectRows(rows, scanAttendance)
}

// ListAttendance returns the attendance of a session (see Tx.ListAttendance).
func (s *Store) ListAttendance(ctx context.Context, sessionID int64) ([]kc.Attendance, error) {
	return viewValue(ctx, s, func(tx *Tx) ([]kc.Attendance, error) { return tx.ListAttendance(ctx, sessionID) })
}

// GetAttendance returns the attendance row with id, or ENotFound.
func (tx *Tx) GetAttendance(ctx context.Context, id int64) (kc.Attendance, error) {
	var a kc.Attendance
	if err := scanAttendance(tx.queryRow(ctx, "SELECT "+attendanceColumns+" FROM attendance WHERE id = $1", id), &a); err != nil {
		return a, fmt.Errorf("store: attendance %d: %w", id, tx.s.mapErr(err))
	}
	return a, nil
}

// ReplaceAttendance makes rows the attendance of a session: a row with
// an ID of the session is updated in place (keeping its id, which the
// officer's "add to the registry" button names), a row without one is
// inserted, and the session's other rows are deleted. Phones come sealed
// (PhoneSealed.Enc); the clear Phone is ignored. It returns the rows as
// stored, in ListAttendance order.
func (tx *Tx) ReplaceAttendance(ctx context.Context, sessionID int64, rows []kc.Attendance) ([]kc.Attendance, error) {
	keep := []int64{}
	for _, a := range rows {
		if a.ID != 0 {
			keep = append(keep, a.ID)
		}
	}
	in, args := inInts(2, keep)
	if _, err := tx.exec(ctx, "DELETE FROM attendance WHERE session_id = $1 AND id NOT IN "+in, append([]any{sessionID}, args...)...); err != nil {
		return nil, fmt.Errorf("store: replace attendance of session %d: %w", sessionID, err)
	}
	for _, a := range rows {
		var enc any
		if len(a.PhoneSealed.Enc) > 0 {
			enc = a.PhoneSealed.Enc
		}
		if a.ID != 0 {
			res, err := tx.exec(ctx, `UPDATE attendance SET establishment_id = $1, new_producer = $2, name = $3, phone_enc = $4, trade = $5
				WHERE id = $6 AND session_id = $7`, nullID(a.EstablishmentID), a.NewProducer, vi.NFC(a.Name), enc, a.Trade, a.ID, sessionID)
			if err != nil {
				return nil, fmt.Errorf("store: update attendance %d: %w", a.ID, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil, &kc.Error{Code: kc.ENotFound, Key: "error.not_found", Err: fmt.Errorf("attendance %d not in session %d", a.ID, sessionID)}
			}
			continue
		}
		if _, err := tx.insert(ctx, `INSERT INTO attendance (session_id, establishment_id, new_producer, name, phone_enc, trade)
			VALUES ($1, $2, $3, $4, $5, $6)`, sessionID, nullID(a.EstablishmentID), a.NewProducer, vi.NFC(a.Name), enc, a.Trade); err != nil {
			return nil, fmt.Errorf("store: insert attendance: %w", err)
		}
	}
	return tx.ListAttendance(ctx, sessionID)
}

// SetAttendanceEstablishment links attendance row id to an establishment
// (a new producer added to the registry); ENotFound when there is none.
func (tx *Tx) SetAttendanceEstablishment(ctx context.Context, id, establishmentID int64) error {
	res, err := tx.exec(ctx, "UPDATE attendance SET establishment_id = $1 WHERE id = $2", nullID(establishmentID), id)
	if err != nil {
		return fmt.Errorf("store: set attendance %d establishment: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &kc.Error{Code: kc.ENotFound, Key: "error.not_found", Err: sql.ErrNoRows}
	}
	return nil
}

// Producer is a registered establishment as an attendance checklist
// shows it: its name, owner and village.
type Producer struct {
	ID              int64
	Name, OwnerName string
	CommuneID       int64
	Village         string
}

// CommuneProducers returns the establishments of the given communes in
// Vietnamese name order: the checklist of a session's attendance.
func (tx *Tx) CommuneProducers(ctx context.Context, communeIDs []int64) ([]Producer, error) {
	var out []Producer
	if len(communeIDs) == 0 {
		return out, nil
	}
	err := tx.each(ctx, `SELECT id, name, owner_name, commune_id, village FROM establishment WHERE commune_id IN `+intList(communeIDs)+
		` ORDER BY sort_key, id`, func(scan func(...any) error) error {
		var p Producer
		if err := scan(&p.ID, &p.Name, &p.OwnerName, &p.CommuneID, &p.Village); err != nil {
			return fmt.Errorf("store: commune producers: %w", err)
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

// CommuneProducers returns the establishments of the given communes (see
// Tx.CommuneProducers).
func (s *Store) CommuneProducers(ctx context.Context, communeIDs []int64) ([]Producer, error) {
	return viewValue(ctx, s, func(tx *Tx) ([]Producer, error) { return tx.CommuneProducers(ctx, communeIDs) })
}
