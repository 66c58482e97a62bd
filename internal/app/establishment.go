package app

import (
	"context"

	"khuyencong/internal/kc"
)

// GetEstablishment returns one establishment in the caller's scope;
// outside the scope it answers ENotFound. STUB: replaced by the demo work.
func (a *App) GetEstablishment(ctx context.Context, id int64) (kc.Establishment, error) {
	return kc.Establishment{}, errStub
}

// UpdateEstablishment changes editable fields of an establishment in the
// caller's scope, with an audit entry. STUB: replaced by the demo work.
func (a *App) UpdateEstablishment(ctx context.Context, id int64, upd kc.EstablishmentUpdate) (kc.Establishment, error) {
	return kc.Establishment{}, errStub
}

// ListEstablishments lists establishments in the caller's scope. STUB.
func (a *App) ListEstablishments(ctx context.Context, f kc.EstablishmentFilter) ([]kc.Establishment, int, error) {
	return nil, 0, errStub
}
