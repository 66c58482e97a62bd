package store

import "database/sql"

// RawDB exposes the reader pool to the package's external tests.
func RawDB(s *Store) *sql.DB { return s.r }

// Rebind exposes the placeholder rewrite to tests.
func Rebind(s *Store, q string) string { return s.rebind(q) }
