package store

import (
	"context"
	"fmt"

	"khuyencong/internal/kc"
)

// UnitFigures are the funded projects of one at-time unit over a report's
// years: how many, and their approved state funds in đồng.
type UnitFigures struct {
	UnitID        int64
	Projects      int64
	StateApproved int64
}

// ProjectFiguresByUnit groups the funded projects of a report scope by the
// unit they were registered in (one GROUP BY), for the dashboard's
// drill-down rows; units without a funded project are left out.
func (s *Store) ProjectFiguresByUnit(ctx context.Context, sc ReportScope) ([]UnitFigures, error) {
	var out []UnitFigures
	if sc.Units != nil && len(sc.Units) == 0 {
		return out, nil
	}
	q := `SELECT p.commune_id, COUNT(DISTINCT p.id), ` + stateSum("approved") + `
		FROM project p LEFT JOIN project_funding f ON f.project_id = p.id
		WHERE ` + sc.fundedCond("p") + ` GROUP BY p.commune_id`
	err := s.View(ctx, func(tx *Tx) error {
		return tx.each(ctx, q, func(scan func(...any) error) error {
			var f UnitFigures
			if err := scan(&f.UnitID, &f.Projects, &f.StateApproved); err != nil {
				return err
			}
			out = append(out, f)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: project figures by unit: %w", s.mapErr(err))
	}
	return out, nil
}

// SessionFiguresByUnit counts the outreach sessions of a report scope's
// years by the unit they were held in, with the people reached; units
// without a session are left out.
func (s *Store) SessionFiguresByUnit(ctx context.Context, sc ReportScope) ([]ReportSessions, error) {
	var out []ReportSessions
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.sessionsByUnit(ctx, sc)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: sessions by unit: %w", s.mapErr(err))
	}
	return out, nil
}

// sessionsByUnit groups the sessions held in sc's years in sc's units
// (every unit when nil) by unit, in unit id order.
func (tx *Tx) sessionsByUnit(ctx context.Context, sc ReportScope) ([]ReportSessions, error) {
	var out []ReportSessions
	if sc.Units != nil && len(sc.Units) == 0 {
		return out, nil
	}
	where := ""
	if sc.Units != nil {
		where = " AND commune_id IN " + intList(sc.Units)
	}
	err := tx.each(ctx, `SELECT commune_id, COUNT(*), COALESCE(SUM(attendees), 0) FROM outreach_session
		WHERE status = 'held' AND held_on >= $1 AND held_on <= $2`+where+` GROUP BY commune_id ORDER BY commune_id`, func(scan func(...any) error) error {
		var r ReportSessions
		if err := scan(&r.UnitID, &r.Sessions, &r.People); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	}, kc.NewDate(sc.From, 1, 1), kc.NewDate(sc.To, 12, 31))
	return out, err
}
