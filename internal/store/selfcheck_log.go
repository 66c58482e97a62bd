package store

import (
	"context"
	"fmt"
	"strings"

	"khuyencong/internal/kc"
)

// LogSelfCheck records one public self-check answered, for the outreach
// funnel: the commune asked about (0: none given), the trade code (""
// when none), the day, and whether the person came through a leaflet's
// QR link. It keeps no personal data.
func (s *Store) LogSelfCheck(ctx context.Context, communeID int64, trade string, on kc.Date, viaQR bool) error {
	if on.IsZero() {
		return fmt.Errorf("store: log self-check: no day")
	}
	return s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO selfcheck_log (commune_id, trade, on_day, via_qr, created_at) VALUES ($1, $2, $3, $4, $5)`,
			nullInt64(communeID), strings.ToUpper(strings.TrimSpace(trade)), on, viaQR, tx.now); err != nil {
			return fmt.Errorf("store: log self-check: %w", err)
		}
		return nil
	})
}

// SelfCheckCount is the number of public self-checks answered, and how
// many of them came through a leaflet's QR link.
type SelfCheckCount struct {
	Total, ViaQR int
}

// CountSelfChecks counts the self-checks logged from day from to day to
// (inclusive) about the given communes (ids as logged: the commune in
// force on the day; nil: every commune, and those without one).
func (s *Store) CountSelfChecks(ctx context.Context, communeIDs []int64, from, to kc.Date) (SelfCheckCount, error) {
	var c SelfCheckCount
	err := s.View(ctx, func(tx *Tx) error {
		q := `SELECT COUNT(*), COALESCE(SUM(CASE WHEN via_qr THEN 1 ELSE 0 END), 0) FROM selfcheck_log WHERE on_day >= $1 AND on_day <= $2`
		if communeIDs != nil {
			q += " AND commune_id IN " + intList(communeIDs)
		}
		if err := tx.queryRow(ctx, q, from, to).Scan(&c.Total, &c.ViaQR); err != nil {
			return fmt.Errorf("store: count self-checks: %w", tx.s.mapErr(err))
		}
		return nil
	})
	return c, err
}
