package app

import "context"

// Bootstrap loads the reference data every installation needs (the
// administrative units with their history) when it is missing. It is safe
// to call on every start.
func (a *App) Bootstrap(ctx context.Context) error {
	return a.EnsureUnits(ctx)
}
