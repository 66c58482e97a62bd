package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// MigrationFS returns the migration files of one dialect ("sqlite" or
// "postgres"), for tests that compare the two folders.
func MigrationFS(dialect string) (fs.FS, error) {
	return fs.Sub(migrationFS, "migrations/"+dialect)
}

// MigrationStatus is the state of one migration file.
type MigrationStatus struct {
	Version int64
	Source  string
	Applied bool
}

func (s *Store) provider() (*goose.Provider, error) {
	fsys, err := MigrationFS(s.dialect.Name)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.Dialect(s.dialect.Goose), s.w, fsys)
}

// Migrate applies every pending migration and returns the versions applied.
func (s *Store) Migrate(ctx context.Context) ([]int64, error) {
	p, err := s.provider()
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	var out []int64
	for _, r := range res {
		out = append(out, r.Source.Version)
	}
	return out, nil
}

// MigrationStatuses lists every migration and whether it is applied.
func (s *Store) MigrationStatuses(ctx context.Context) ([]MigrationStatus, error) {
	p, err := s.provider()
	if err != nil {
		return nil, fmt.Errorf("store: migration status: %w", err)
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migration status: %w", err)
	}
	out := make([]MigrationStatus, len(st))
	for i, m := range st {
		out[i] = MigrationStatus{Version: m.Source.Version, Source: m.Source.Path, Applied: m.State == goose.StateApplied}
	}
	return out, nil
}
