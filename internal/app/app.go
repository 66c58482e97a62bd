package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"time"

	"khuyencong/internal/crypto"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
)

// App is the application layer: the store, the clock and the logger.
type App struct {
	Store *store.Store
	// Now is the clock; tests fix it.
	Now func() time.Time
	Log *slog.Logger
	// hashSlots caps concurrent password hashing (argon2id costs memory).
	hashSlots chan struct{}
	// keys seals personal data (see SetSecret); nil refuses to store it.
	keys *crypto.Keyring
}

// New returns an App over s with the real clock.
func New(s *store.Store, log *slog.Logger) *App {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &App{Store: s, Now: time.Now, Log: log, hashSlots: make(chan struct{}, hashConcurrency())}
}

// Principal is the authenticated caller of a use case: the user and the
// set of current communes the user may see (nil Communes with All = true
// means the whole country, for administrators).
type Principal struct {
	User     kc.User
	All      bool
	Communes []int64 // sorted ids of the current communes in scope
	Units    []int64 // the scope units as assigned (province or communes)
}

// System is the principal of command-line maintenance and the demo loader.
var System = &Principal{User: kc.User{Username: "system", Role: kc.RoleAdmin}, All: true}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal in ctx, or nil.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// principal returns the caller or an unauthenticated error.
func principal(ctx context.Context) (*Principal, error) {
	p := PrincipalFrom(ctx)
	if p == nil {
		return nil, kc.Errorf(kc.EUnauthenticated, "error.unauthenticated")
	}
	return p, nil
}

// InScope reports whether the commune with id communeID is in p's scope.
func (p *Principal) InScope(communeID int64) bool {
	if p.All {
		return true
	}
	_, ok := slices.BinarySearch(p.Communes, communeID)
	return ok
}

// ScopeFilter returns the commune ids a store filter must be limited to,
// or nil when the principal sees everything.
func (p *Principal) ScopeFilter() []int64 {
	if p.All {
		return nil
	}
	if p.Communes == nil {
		return []int64{}
	}
	return p.Communes
}

// HoldsAll reports whether every one of communes (at least one) is in
// p's scope: a province officer holds their province's plans and
// campaigns and those of its communes, a commune officer their commune's.
func (p *Principal) HoldsAll(communes []int64) bool {
	if p.All {
		return true
	}
	if len(communes) == 0 {
		return false
	}
	for _, c := range communes {
		if !p.InScope(c) {
			return false
		}
	}
	return true
}

// Narrow returns the communes a filter may read: ids (nil meaning "every
// commune") narrowed to p's scope, never widened. The result is nil only
// when both are unrestricted; an empty non-nil slice selects nothing.
func (p *Principal) Narrow(ids []int64) []int64 {
	scope := p.ScopeFilter()
	switch {
	case scope == nil:
		return ids
	case ids == nil:
		return scope
	}
	in := []int64{}
	for _, c := range ids {
		if p.InScope(c) {
			in = append(in, c)
		}
	}
	return in
}

// CanWrite reports whether the role may change registry and project data.
func (p *Principal) CanWrite() bool {
	switch p.User.Role {
	case kc.RoleAdmin, kc.RoleProvinceOfficer, kc.RoleCommuneOfficer:
		return true
	}
	return false
}

// IsAdmin reports whether the principal is an administrator.
func (p *Principal) IsAdmin() bool { return p.User.Role == kc.RoleAdmin }

// ResolvePrincipal expands a user's scope units into the current communes
// it covers: a province covers its communes in force, a commune itself, a
// former district or commune the current communes that succeeded it.
func (a *App) ResolvePrincipal(ctx context.Context, u kc.User) (*Principal, error) {
	p := &Principal{User: u, Units: u.ScopeUnitIDs}
	if u.Role == kc.RoleAdmin {
		p.All = true
		return p, nil
	}
	communes, err := a.Store.CurrentCommunesUnder(ctx, u.ScopeUnitIDs)
	if err != nil {
		return nil, err
	}
	slices.Sort(communes)
	p.Communes = slices.Compact(communes)
	return p, nil
}

// audit appends one audit entry for the caller inside tx. before and after
// are marshalled to JSON; nil gives an empty value.
func (a *App) audit(ctx context.Context, tx *store.Tx, action, entity string, id int64, before, after any) error {
	p := PrincipalFrom(ctx)
	if p == nil {
		p = System
	}
	e := kc.AuditEntry{ActorID: p.User.ID, Actor: p.User.Username, Action: action, Entity: entity, EntityID: id}
	var err error
	if e.Before, err = toJSON(before); err != nil {
		return err
	}
	if e.After, err = toJSON(after); err != nil {
		return err
	}
	_, err = tx.AppendAudit(ctx, e)
	return err
}

func toJSON(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
