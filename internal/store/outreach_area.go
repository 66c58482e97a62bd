package store

import (
	"context"
	"fmt"

	"khuyencong/internal/kc"
)

// OutreachProducer is one registered establishment as outreach sees it:
// where it is, whether its owner is an ethnic-minority household (and
// which ethnicity; read here only to be counted, never shown), whether a
// phone number is on record, and the last held session whose attendance
// names it.
type OutreachProducer struct {
	ID             int64
	CommuneID      int64
	Village        string
	Ethnicity      string
	EthnicMinority bool
	HasPhone       bool
	LastAttended   kc.Date // zero: never named in an attendance
}

// OutreachProducers returns the establishments of the given current
// communes, by id, with the sessions held up to day until.
func (s *Store) OutreachProducers(ctx context.Context, communeIDs []int64, until kc.Date) ([]OutreachProducer, error) {
	var out []OutreachProducer
	if len(communeIDs) == 0 {
		return out, nil
	}
	err := s.View(ctx, func(tx *Tx) error {
		return tx.each(ctx, `SELECT e.id, e.commune_id, e.village, e.owner_ethnicity, e.ethnic_minority_owned, e.phone_enc IS NOT NULL,
			(SELECT MAX(o.held_on) FROM attendance a JOIN outreach_session o ON o.id = a.session_id
				WHERE a.establishment_id = e.id AND o.status = 'held' AND o.held_on <= $1)
			FROM establishment e WHERE e.commune_id IN `+intList(communeIDs)+` ORDER BY e.id`, func(scan func(...any) error) error {
			var p OutreachProducer
			if err := scan(&p.ID, &p.CommuneID, &p.Village, &p.Ethnicity, &p.EthnicMinority, &p.HasPhone, &p.LastAttended); err != nil {
				return fmt.Errorf("store: outreach producers: %w", err)
			}
			out = append(out, p)
			return nil
		}, until)
	})
	return out, err
}

// VillageSession is the last held session of one kind in one village of
// a commune (the commune as it was on the day).
type VillageSession struct {
	CommuneID int64
	Village   string
	Kind      string
	Last      kc.Date
	Sessions  int // held sessions of that kind there, ever
}

// VillageSessions returns, for the given communes (ids as they were on
// the day: pass the former communes too), the last session of each kind
// per village held up to day until.
func (s *Store) VillageSessions(ctx context.Context, communeIDs []int64, until kc.Date) ([]VillageSession, error) {
	var out []VillageSession
	if len(communeIDs) == 0 {
		return out, nil
	}
	err := s.View(ctx, func(tx *Tx) error {
		return tx.each(ctx, `SELECT commune_id, village, kind, MAX(held_on), COUNT(*) FROM outreach_session
			WHERE status = 'held' AND held_on <= $1 AND commune_id IN `+intList(communeIDs)+`
			GROUP BY commune_id, village, kind ORDER BY commune_id, village, kind`, func(scan func(...any) error) error {
			var v VillageSession
			if err := scan(&v.CommuneID, &v.Village, &v.Kind, &v.Last, &v.Sessions); err != nil {
				return fmt.Errorf("store: village sessions: %w", err)
			}
			out = append(out, v)
			return nil
		}, until)
	})
	return out, err
}
