package app

import (
	"context"
	"strings"
	"unicode/utf8"

	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// MaxTokenName is the longest API token name accepted.
const MaxTokenName = 100

// tokenAudit is what the audit log keeps of a token: never the secret or
// its hash.
type tokenAudit struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Prefix string `json:"prefix"`
}

// CreateAPIToken creates a personal API token for the caller and returns
// it with its secret, which is shown this once and never stored (only its
// SHA-256 is). Secrets start with "kc_".
func (a *App) CreateAPIToken(ctx context.Context, name string) (kc.APIToken, string, error) {
	p, err := principal(ctx)
	if err != nil {
		return kc.APIToken{}, "", err
	}
	if p.User.ID == 0 {
		return kc.APIToken{}, "", kc.Errorf(kc.EForbidden, "error.forbidden")
	}
	name = vi.NFC(name)
	if name == "" {
		return kc.APIToken{}, "", kc.FieldError("name", "auth.token_name_required")
	}
	if utf8.RuneCountInString(name) > MaxTokenName {
		return kc.APIToken{}, "", kc.FieldError("name", "auth.token_name_long", MaxTokenName)
	}
	secret, prefix, hash := auth.NewToken()
	t := kc.APIToken{UserID: p.User.ID, Name: name, Prefix: prefix, Hash: hash}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if t, err = tx.CreateAPIToken(ctx, t); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionCreate, "api_token", t.ID, nil, tokenAudit{t.UserID, t.Name, t.Prefix})
	})
	if err != nil {
		return kc.APIToken{}, "", err
	}
	t.Hash = ""
	return t, secret, nil
}

// ListAPITokens returns the caller's own tokens, newest first (revoked ones
// included), without their hashes.
func (a *App) ListAPITokens(ctx context.Context) ([]kc.APIToken, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	ts, err := a.Store.ListAPITokens(ctx, p.User.ID)
	for i := range ts {
		ts[i].Hash = ""
	}
	return ts, err
}

// RevokeAPIToken revokes a token. Users revoke their own tokens,
// administrators anyone's; another user's token is reported as not found.
func (a *App) RevokeAPIToken(ctx context.Context, id int64) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		t, err := tx.GetAPIToken(ctx, id)
		if err != nil {
			return kc.Errorf(kc.ENotFound, "auth.token_not_found")
		}
		if t.UserID != p.User.ID && !auth.Can(p.User.Role, auth.PermManageUsers) {
			return kc.Errorf(kc.ENotFound, "auth.token_not_found")
		}
		if !t.Active() {
			return nil
		}
		if err := tx.RevokeAPIToken(ctx, id); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionRevoke, "api_token", id, nil, tokenAudit{t.UserID, t.Name, t.Prefix})
	})
}

// PrincipalForToken returns the principal of the account owning an active
// API token secret. Anything else (malformed, unknown, revoked, or the
// account disabled) gives EUnauthenticated keyed auth.token_invalid.
func (a *App) PrincipalForToken(ctx context.Context, secret string) (*Principal, error) {
	return a.principalForToken(ctx, secret, nil)
}

func (a *App) principalForToken(ctx context.Context, secret string, c *PrincipalCache) (*Principal, error) {
	invalid := kc.Errorf(kc.EUnauthenticated, "auth.token_invalid")
	secret = strings.TrimSpace(secret)
	if !auth.LooksLikeToken(secret) {
		return nil, invalid
	}
	t, err := a.Store.FindActiveAPIToken(ctx, auth.HashToken(secret))
	if err != nil {
		if kc.ErrorCode(err) == kc.ENotFound {
			return nil, invalid
		}
		return nil, err
	}
	p, err := a.principalForUser(ctx, t.UserID, c)
	if kc.ErrorCode(err) == kc.EUnauthenticated {
		return nil, invalid
	}
	return p, err
}
