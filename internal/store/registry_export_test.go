package store

import (
	"context"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// AddTestUnit inserts a unit row for the registry tests, which need
// communes (old and new) and their successions without the full unit data.
func AddTestUnit(s *Store, u kc.Unit) (int64, error) {
	var id int64
	err := s.InTx(context.Background(), func(tx *Tx) error {
		var parent any
		if u.ParentID != 0 {
			parent = u.ParentID
		}
		var err error
		id, err = tx.insert(context.Background(), `INSERT INTO unit (code, level, type, name, name_fold, parent_id, valid_from, valid_to)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, u.Code, u.Level, u.Type, u.Name, vi.SearchKey(u.Name), parent, u.ValidFrom, u.ValidTo)
		return err
	})
	return id, err
}

// AddTestSuccession links an old unit to its successor for the tests.
func AddTestSuccession(s *Store, from, to int64, effective kc.Date) error {
	return s.InTx(context.Background(), func(tx *Tx) error {
		_, err := tx.exec(context.Background(), `INSERT INTO unit_succession (from_unit_id, to_unit_id, scope, effective) VALUES ($1, $2, 'full', $3)`, from, to, effective)
		return err
	})
}
