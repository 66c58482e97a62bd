package app

import (
	"context"

	"khuyencong/internal/kc"
)

// NewUser is the input of CreateUser.
type NewUser struct {
	Username     string
	DisplayName  string
	Password     string
	Role         kc.Role
	ScopeUnitIDs []int64
}

// CreateUser creates an account. STUB: replaced by the accounts work.
func (a *App) CreateUser(ctx context.Context, in NewUser) (kc.User, error) {
	return kc.User{}, errStub
}
