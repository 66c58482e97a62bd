package store

import (
	"context"
	"fmt"
)

// CurrentCommunesUnder returns the ids of the communes in force today that
// the given units cover: a current commune covers itself, a former commune its
// successors (followed transitively), and a province or district of any
// period whatever its child units cover.
func (s *Store) CurrentCommunesUnder(ctx context.Context, unitIDs []int64) ([]int64, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	var out []int64
	err := s.View(ctx, func(tx *Tx) error {
		seen := map[int64]bool{}
		queue := append([]int64(nil), unitIDs...)
		for len(queue) > 0 {
			id := queue[0]
			queue = queue[1:]
			if seen[id] {
				continue
			}
			seen[id] = true
			var level string
			var current bool
			if err := tx.queryRow(ctx, "SELECT level, valid_to IS NULL FROM unit WHERE id = $1", id).Scan(&level, &current); err != nil {
				return fmt.Errorf("store: scope unit %d: %w", id, tx.s.mapErr(err))
			}
			var next []int64
			var err error
			switch {
			case current && level == "commune":
				out = append(out, id)
				continue
			case level == "commune":
				next, err = tx.ids(ctx, "SELECT to_unit_id FROM unit_succession WHERE from_unit_id = $1", id)
			default: // a province or district of any period: its children
				next, err = tx.ids(ctx, "SELECT id FROM unit WHERE parent_id = $1", id)
			}
			if err != nil {
				return fmt.Errorf("store: scope unit %d: %w", id, err)
			}
			queue = append(queue, next...)
		}
		return nil
	})
	return out, err
}

// ids runs a query returning one id column.
func (tx *Tx) ids(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner, id *int64) error { return r.Scan(id) })
}
