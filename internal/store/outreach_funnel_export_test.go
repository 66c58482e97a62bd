package store

import "context"

// FunnelTestInsert runs one INSERT … for the funnel tests, which need
// campaigns, sessions, attendance, self-check and need rows with chosen
// statuses and times that no store method writes yet; it returns the new
// row's id.
func FunnelTestInsert(s *Store, q string, args ...any) (int64, error) {
	var id int64
	err := s.InTx(context.Background(), func(tx *Tx) error {
		var err error
		id, err = tx.insert(context.Background(), q, args...)
		return err
	})
	return id, err
}
