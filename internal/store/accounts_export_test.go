package store

import "context"

// AccountsExecForTest runs one statement ($n placeholders) outside any use
// case, so external tests can set up fixtures (units) and tamper with rows.
func (s *Store) AccountsExecForTest(ctx context.Context, q string, args ...any) error {
	return s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, q, args...)
		return err
	})
}

// AccountsCountForTest runs a query returning one integer.
func (s *Store) AccountsCountForTest(ctx context.Context, q string, args ...any) (int64, error) {
	var n int64
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		n, err = tx.count(ctx, q, args...)
		return err
	})
	return n, err
}

// AccountsInsertForTest runs an INSERT … RETURNING id and returns the id.
func (s *Store) AccountsInsertForTest(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		id, err = tx.insert(ctx, q, args...)
		return err
	})
	return id, err
}
