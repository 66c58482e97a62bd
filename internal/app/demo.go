package app

import "context"

// DemoAccount is one demo login, printed by serve --demo.
type DemoAccount struct {
	Role     string
	Username string
	Password string
}

// EnsureDemo loads the demo dataset into an empty database and returns the
// demo accounts. STUB: replaced by the demo work.
func (a *App) EnsureDemo(ctx context.Context) ([]DemoAccount, error) {
	return nil, errStub
}
