package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// FunnelScope selects what OutreachFunnel counts.
type FunnelScope struct {
	// Communes are the communes counted, ids as stored: the current
	// communes and the former communes whose area went into them (sessions
	// and projects keep the commune as it was on the day). Nil counts
	// everywhere; an empty slice counts nothing.
	Communes []int64
	// From and To bound the period, both days included.
	From, To kc.Date
	// Campaign, when not 0, limits the session steps (sessions, people
	// reached, producers registered) to the campaign's held sessions,
	// whatever their day; the later steps still count over the period.
	Campaign int64
}

// FunnelCounts are the steps of the outreach funnel in one place.
type FunnelCounts struct {
	Sessions int64 // held sessions
	Reached  int64 // people reached: the sessions' attendees
	// Registered counts the new producers met at those sessions and added
	// to the registry (attendance.new_producer with an establishment).
	Registered int64
	SelfChecks int64 // public self-checks answered about the commune
	Requests   int64 // need requests registered for the commune
	Proposed   int64 // projects registered in the period
	Funded     int64 // of those, projects in a funded state (FundedStates)
}

// Add adds o to c.
func (c *FunnelCounts) Add(o FunnelCounts) {
	c.Sessions += o.Sessions
	c.Reached += o.Reached
	c.Registered += o.Registered
	c.SelfChecks += o.SelfChecks
	c.Requests += o.Requests
	c.Proposed += o.Proposed
	c.Funded += o.Funded
}

// IsZero reports whether every step is 0.
func (c FunnelCounts) IsZero() bool { return c == FunnelCounts{} }

// FunnelRow is the funnel of one commune, by the id it is stored under.
type FunnelRow struct {
	CommuneID int64
	FunnelCounts
}

// OutreachFunnel counts the funnel steps per commune id as stored, in id
// order, leaving out communes where every step is 0. Need requests are
// counted by their creation time in Vietnam's time zone, the other steps
// by their day.
func (s *Store) OutreachFunnel(ctx context.Context, sc FunnelScope) ([]FunnelRow, error) {
	if sc.Communes != nil && len(sc.Communes) == 0 {
		return nil, nil
	}
	in := ""
	if sc.Communes != nil {
		in = intList(sc.Communes)
	}
	where := func(col string) string {
		if in == "" {
			return ""
		}
		return " AND " + col + " IN " + in
	}
	rows := map[int64]*FunnelCounts{}
	at := func(id int64) *FunnelCounts {
		c := rows[id]
		if c == nil {
			c = &FunnelCounts{}
			rows[id] = c
		}
		return c
	}
	// The sessions: a campaign's whatever their day, or those held in the period.
	sessionCond := "o.held_on >= $1 AND o.held_on <= $2"
	sessionArgs := []any{sc.From, sc.To}
	if sc.Campaign != 0 {
		sessionCond, sessionArgs = "o.campaign_id = $1", []any{sc.Campaign}
	}
	sessionCond = "o.status = '" + kc.SessionHeld + "' AND " + sessionCond + where("o.commune_id")
	// Need requests carry a timestamp: the period's days in Vietnam.
	needFrom := dayStart(sc.From)
	needTo := dayStart(sc.To.AddDays(1))
	funded := sqlStrings(FundedStates)
	err := s.View(ctx, func(tx *Tx) error {
		clear(rows)
		steps := []struct {
			name string
			q    string
			args []any
			scan func(c *FunnelCounts) []any
		}{
			{"sessions", `SELECT o.commune_id, COUNT(*), COALESCE(SUM(o.attendees), 0) FROM outreach_session o
				WHERE ` + sessionCond + ` GROUP BY o.commune_id`, sessionArgs,
				func(c *FunnelCounts) []any { return []any{&c.Sessions, &c.Reached} }},
			{"registered", `SELECT o.commune_id, COUNT(DISTINCT a.establishment_id) FROM attendance a
				JOIN outreach_session o ON o.id = a.session_id
				WHERE a.new_producer = TRUE AND a.establishment_id IS NOT NULL AND ` + sessionCond + ` GROUP BY o.commune_id`, sessionArgs,
				func(c *FunnelCounts) []any { return []any{&c.Registered} }},
			{"self-checks", `SELECT commune_id, COUNT(*) FROM selfcheck_log
				WHERE commune_id IS NOT NULL AND on_day >= $1 AND on_day <= $2` + where("commune_id") + ` GROUP BY commune_id`, []any{sc.From, sc.To},
				func(c *FunnelCounts) []any { return []any{&c.SelfChecks} }},
			{"requests", `SELECT commune_id, COUNT(*) FROM need_request
				WHERE commune_id IS NOT NULL AND created_at >= $1 AND created_at < $2` + where("commune_id") + ` GROUP BY commune_id`, []any{needFrom, needTo},
				func(c *FunnelCounts) []any { return []any{&c.Requests} }},
			{"projects", `SELECT commune_id, COUNT(*), COALESCE(SUM(CASE WHEN state IN ` + funded + ` THEN 1 ELSE 0 END), 0) FROM project
				WHERE registered_on >= $1 AND registered_on <= $2` + where("commune_id") + ` GROUP BY commune_id`, []any{sc.From, sc.To},
				func(c *FunnelCounts) []any { return []any{&c.Proposed, &c.Funded} }},
		}
		for _, st := range steps {
			err := tx.each(ctx, st.q, func(scan func(...any) error) error {
				var id int64
				var c FunnelCounts
				if err := scan(append([]any{&id}, st.scan(&c)...)...); err != nil {
					return err
				}
				at(id).Add(c)
				return nil
			}, st.args...)
			if err != nil {
				return fmt.Errorf("store: outreach funnel %s: %w", st.name, tx.s.mapErr(err))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]FunnelRow, 0, len(rows))
	for id, c := range rows {
		if !c.IsZero() {
			out = append(out, FunnelRow{CommuneID: id, FunnelCounts: *c})
		}
	}
	slices.SortFunc(out, func(x, y FunnelRow) int { return int(x.CommuneID - y.CommuneID) })
	return out, nil
}

// dayStart is the first instant of day d in Vietnam, in UTC, as the
// timestamps are stored.
func dayStart(d kc.Date) time.Time {
	return time.Date(d.Year(), d.Time().Month(), d.Time().Day(), 0, 0, 0, 0, vi.Location).UTC()
}

// CampaignSpan is what the funnel needs of a campaign: its unit and
// period, and where and when its held sessions took place.
type CampaignSpan struct {
	ID               int64
	Title            string
	UnitID           int64
	StartsOn, EndsOn kc.Date // zero when not set
	// FirstHeld and LastHeld are the days of its first and last held
	// sessions (zero when none was held).
	FirstHeld, LastHeld kc.Date
	// Communes are the communes (as stored) of its held sessions, by id.
	Communes []int64
}

// GetCampaignSpan returns the span of the campaign with id, or ENotFound.
func (s *Store) GetCampaignSpan(ctx context.Context, id int64) (CampaignSpan, error) {
	var c CampaignSpan
	err := s.View(ctx, func(tx *Tx) error {
		c = CampaignSpan{}
		err := tx.queryRow(ctx, `SELECT id, title, unit_id, starts_on, ends_on FROM campaign WHERE id = $1`, id).
			Scan(&c.ID, &c.Title, &c.UnitID, &c.StartsOn, &c.EndsOn)
		if err != nil {
			return fmt.Errorf("store: campaign %d: %w", id, tx.s.mapErr(err))
		}
		return tx.each(ctx, `SELECT commune_id, MIN(held_on), MAX(held_on) FROM outreach_session
			WHERE campaign_id = $1 AND status = '`+kc.SessionHeld+`' GROUP BY commune_id ORDER BY commune_id`, func(scan func(...any) error) error {
			var commune int64
			var first, last kc.Date
			if err := scan(&commune, &first, &last); err != nil {
				return fmt.Errorf("store: campaign %d sessions: %w", id, err)
			}
			c.Communes = append(c.Communes, commune)
			if c.FirstHeld.IsZero() || first.Before(c.FirstHeld) {
				c.FirstHeld = first
			}
			if last.After(c.LastHeld) {
				c.LastHeld = last
			}
			return nil
		}, id)
	})
	return c, err
}
