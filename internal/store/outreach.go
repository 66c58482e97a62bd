package store

import (
	"context"
	"fmt"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

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

// CreateOutreachSession is CreateOutreachSession inside tx.
func (tx *Tx) CreateOutreachSession(ctx context.Context, o kc.OutreachSession) (kc.OutreachSession, error) {
	if o.Language == "" {
		o.Language = "vi"
	}
	o.Village = vi.NFC(o.Village)
	id, err := tx.insert(ctx, `INSERT INTO outreach_session (kind, commune_id, village, held_on, attendees, cost, staff, language, interpreter, demo, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		o.Kind, o.CommuneID, o.Village, o.HeldOn, o.Attendees, o.Cost, vi.NFC(o.Staff), o.Language, o.Interpreter, o.Demo, tx.now)
	if err != nil {
		return o, fmt.Errorf("store: create outreach session: %w", err)
	}
	o.ID = id
	return o, nil
}

// ListOutreachSessions returns the sessions held in [from, to] in the given
// units (nil = everywhere), by date.
func (s *Store) ListOutreachSessions(ctx context.Context, unitIDs []int64, from, to kc.Date) ([]kc.OutreachSession, error) {
	var out []kc.OutreachSession
	err := s.View(ctx, func(tx *Tx) error {
		q := `SELECT id, kind, commune_id, village, held_on, attendees, cost, staff, language, interpreter, demo
			FROM outreach_session WHERE held_on >= $1 AND held_on <= $2`
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
		defer rows.Close()
		for rows.Next() {
			var o kc.OutreachSession
			if err := rows.Scan(&o.ID, &o.Kind, &o.CommuneID, &o.Village, &o.HeldOn, &o.Attendees, &o.Cost, &o.Staff, &o.Language, &o.Interpreter, &o.Demo); err != nil {
				return err
			}
			out = append(out, o)
		}
		return rows.Err()
	})
	return out, err
}
