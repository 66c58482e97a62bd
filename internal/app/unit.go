package app

import (
	"context"
	"errors"
)

// EnsureUnits loads the administrative units when the table is empty.
// STUB: replaced by the units work.
func (a *App) EnsureUnits(ctx context.Context) error { return nil }

var errStub = errors.New("stub")
