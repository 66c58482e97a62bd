package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
)

// errInvalidLogin is the one answer to every failed login, whether the
// user is unknown, the password wrong, or the account disabled or locked.
func errInvalidLogin() error { return kc.Errorf(kc.EUnauthenticated, "auth.invalid") }

// acquireHash takes one of the password-hashing slots, waiting for one or
// for ctx to end. Every argon2id computation goes through it.
func (a *App) acquireHash(ctx context.Context) (func(), error) {
	if a.hashSlots == nil {
		return func() {}, nil
	}
	select {
	case a.hashSlots <- struct{}{}:
		return func() { <-a.hashSlots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// hashPassword hashes a password within the concurrency cap. It must run
// outside write transactions: it takes tens of milliseconds.
func (a *App) hashPassword(ctx context.Context, password string) (string, error) {
	release, err := a.acquireHash(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return auth.HashPassword(password), nil
}

// verifyPassword checks a password against a stored hash within the cap.
func (a *App) verifyPassword(ctx context.Context, hash, password string) (bool, error) {
	release, err := a.acquireHash(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	return auth.VerifyPassword(hash, password)
}

var (
	dummyOnce sync.Once
	dummyHash string
)

// burnVerify spends the time of one verification so that an unknown user
// name cannot be told from a wrong password by the response time.
func (a *App) burnVerify(ctx context.Context, password string) {
	dummyOnce.Do(func() { dummyHash = auth.HashPassword("khuyencong dummy password") })
	a.verifyPassword(ctx, dummyHash, password)
}

// Authenticate checks a user name and password and returns the principal
// of the account. Every failure gives the same EUnauthenticated error keyed
// auth.invalid, never saying which part was wrong. A wrong password counts
// towards the account's lockout (store.MaxLoginFailures); a locked or
// disabled account is refused without counting. A successful login clears
// the failures and writes a login audit entry with the client address.
func (a *App) Authenticate(ctx context.Context, username, password, clientAddr string) (*Principal, error) {
	if username == "" || password == "" || len(username) > 64 || len(password) > 4*auth.MaxPasswordLen {
		return nil, errInvalidLogin()
	}
	u, err := a.Store.GetUserByUsername(ctx, username)
	if err != nil {
		if kc.ErrorCode(err) == kc.ENotFound {
			a.burnVerify(ctx, password)
			return nil, errInvalidLogin()
		}
		return nil, err
	}
	if u.Disabled || u.LockedUntil.After(a.Now()) {
		a.burnVerify(ctx, password)
		a.Log.Info("login refused", "user_id", u.ID, "disabled", u.Disabled, "locked", !u.Disabled)
		return nil, errInvalidLogin()
	}
	ok, err := a.verifyPassword(ctx, u.PasswordHash, password)
	if err != nil && !errors.Is(err, auth.ErrBadHash) {
		return nil, err
	}
	if errors.Is(err, auth.ErrBadHash) {
		a.Log.Warn("unreadable password hash", "user_id", u.ID)
	}
	if !ok {
		nu, err := a.Store.RecordLoginFailure(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		a.Log.Info("login failed", "user_id", u.ID, "failures", nu.FailedLogins, "locked", !nu.LockedUntil.IsZero())
		return nil, errInvalidLogin()
	}
	var rehash string
	if auth.NeedsRehash(u.PasswordHash) {
		if rehash, err = a.hashPassword(ctx, password); err != nil {
			return nil, err
		}
	}
	u.PasswordHash = ""
	actx := WithPrincipal(ctx, &Principal{User: u})
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		if u.FailedLogins > 0 || !u.LockedUntil.IsZero() {
			if err := tx.ResetLoginFailures(ctx, u.ID); err != nil {
				return err
			}
		}
		if rehash != "" {
			if err := tx.UpdatePassword(ctx, u.ID, rehash); err != nil {
				return err
			}
		}
		return a.audit(actx, tx, kc.ActionLogin, "user", u.ID, nil, map[string]string{"addr": clientAddr})
	})
	if err != nil {
		return nil, err
	}
	u.FailedLogins, u.LockedUntil = 0, time.Time{}
	return a.ResolvePrincipal(ctx, u)
}

// Logout records the caller's logout in the audit log. Ending the session
// itself is the web layer's job.
func (a *App) Logout(ctx context.Context) error {
	p := PrincipalFrom(ctx)
	if p == nil || p.User.ID == 0 {
		return nil
	}
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		return a.audit(ctx, tx, kc.ActionLogout, "user", p.User.ID, nil, nil)
	})
}

// PrincipalForUser returns the principal of the account with id, read
// afresh, for loading a web session on each request. An unknown or disabled
// account gives EUnauthenticated, which ends the session.
func (a *App) PrincipalForUser(ctx context.Context, id int64) (*Principal, error) {
	return a.principalForUser(ctx, id, nil)
}

func (a *App) principalForUser(ctx context.Context, id int64, c *PrincipalCache) (*Principal, error) {
	u, err := a.Store.GetUser(ctx, id)
	if err != nil {
		if kc.ErrorCode(err) == kc.ENotFound {
			return nil, kc.Errorf(kc.EUnauthenticated, "error.unauthenticated")
		}
		return nil, err
	}
	if u.Disabled {
		return nil, kc.Errorf(kc.EUnauthenticated, "error.unauthenticated")
	}
	u.PasswordHash = ""
	if c == nil || u.Role == kc.RoleAdmin {
		return a.ResolvePrincipal(ctx, u)
	}
	return c.resolve(ctx, u)
}

// PrincipalCache keeps the expansion of scopes into current communes for a
// short while, so that loading the caller on every request costs two small
// queries instead of a walk over the unit tree. The account itself (role,
// scope, disabled) is still read on every call; only the expansion of a
// given set of scope units is reused, which changes only when the unit data
// is reloaded.
type PrincipalCache struct {
	a   *App
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]scopeEntry
}

type scopeEntry struct {
	communes []int64
	expires  time.Time
}

// maxScopeEntries bounds the cache; past it the cache starts afresh.
const maxScopeEntries = 10000

// NewPrincipalCache returns a cache whose entries live for ttl.
func (a *App) NewPrincipalCache(ttl time.Duration) *PrincipalCache {
	return &PrincipalCache{a: a, ttl: ttl, m: map[string]scopeEntry{}}
}

// PrincipalForUser is App.PrincipalForUser with the scope expansion cached.
func (c *PrincipalCache) PrincipalForUser(ctx context.Context, id int64) (*Principal, error) {
	return c.a.principalForUser(ctx, id, c)
}

// PrincipalForToken is App.PrincipalForToken with the scope expansion cached.
func (c *PrincipalCache) PrincipalForToken(ctx context.Context, secret string) (*Principal, error) {
	return c.a.principalForToken(ctx, secret, c)
}

func (c *PrincipalCache) resolve(ctx context.Context, u kc.User) (*Principal, error) {
	key := fmt.Sprint(u.ScopeUnitIDs)
	now := time.Now()
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		return &Principal{User: u, Units: u.ScopeUnitIDs, Communes: e.communes}, nil
	}
	p, err := c.a.ResolvePrincipal(ctx, u)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.m) >= maxScopeEntries {
		c.m = map[string]scopeEntry{}
	}
	c.m[key] = scopeEntry{communes: p.Communes, expires: now.Add(c.ttl)}
	c.mu.Unlock()
	return p, nil
}
