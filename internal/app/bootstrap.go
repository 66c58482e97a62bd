package app

import "context"

// Bootstrap loads the reference data every installation needs when it is
// missing: the administrative units with their history, then the catalogue
// of trades, legal bases, content areas and scheme versions. It is safe to
// call on every start.
func (a *App) Bootstrap(ctx context.Context) error {
	if err := a.EnsureUnits(ctx); err != nil {
		return err
	}
	return a.EnsureReference(ctx)
}
