package store

import (
	"context"

	"khuyencong/internal/kc"
)

// FindUnit returns the unit with code valid on day on, or ENotFound.
// STUB: replaced by the units work.
func (s *Store) FindUnit(ctx context.Context, code string, on kc.Date) (kc.Unit, error) {
	return kc.Unit{}, kc.Errorf(kc.ENotFound, "unit.not_found", code, on.String())
}
