package app

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// NewUser is the input of CreateUser.
type NewUser struct {
	Username     string
	DisplayName  string
	Password     string
	Role         kc.Role
	ScopeUnitIDs []int64
}

// UserInfo is an account as shown to people: the user (never with its
// password hash) and its scope units spelled out.
type UserInfo struct {
	User  kc.User
	Scope []kc.Unit
}

// usernamePattern is the shape of a user name: 3 to 32 lower-case ASCII
// letters, digits, dots, underscores or hyphens.
var usernamePattern = regexp.MustCompile(`^[a-z0-9._-]{3,32}$`)

// userAudit is what the audit log keeps of an account: never the hash.
type userAudit struct {
	Username    string  `json:"username"`
	DisplayName string  `json:"display_name"`
	Role        kc.Role `json:"role"`
	Disabled    bool    `json:"disabled"`
	Scope       []int64 `json:"scope"`
}

func auditUser(u kc.User) userAudit {
	return userAudit{Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, Disabled: u.Disabled, Scope: u.ScopeUnitIDs}
}

// requirePerm returns the caller if its role may do perm: EUnauthenticated
// without a caller, EForbidden without the permission.
func requirePerm(ctx context.Context, perm auth.Perm) (*Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if !auth.Can(p.User.Role, perm) {
		return nil, kc.Errorf(kc.EForbidden, "error.forbidden")
	}
	return p, nil
}

// CreateUser creates an account after checking the user name, role,
// password strength and scope (province roles: exactly one province;
// commune officers: one or more communes in force; council members and
// viewers: at least one unit; administrators: none). Only administrators
// may create users; a context without a principal counts as the system
// (command line, demo loader). The audit entry never holds the hash.
func (a *App) CreateUser(ctx context.Context, in NewUser) (kc.User, error) {
	p := PrincipalFrom(ctx)
	if p == nil {
		p = System
		ctx = WithPrincipal(ctx, p)
	}
	if !auth.Can(p.User.Role, auth.PermManageUsers) {
		return kc.User{}, kc.Errorf(kc.EForbidden, "error.forbidden")
	}
	in.Username = strings.TrimSpace(in.Username)
	in.DisplayName = strings.TrimSpace(vi.NFC(in.DisplayName))
	var errs kc.Errors
	if !usernamePattern.MatchString(in.Username) {
		errs = append(errs, kc.FieldError("username", "user.username_invalid"))
	}
	if len([]rune(in.DisplayName)) > 200 {
		errs = append(errs, kc.FieldError("display_name", "user.display_name_long"))
	}
	if !in.Role.Valid() {
		errs = append(errs, kc.FieldError("role", "user.role_invalid", string(in.Role)))
	}
	if err := auth.CheckPassword(in.Username, in.Password); err != nil {
		errs = append(errs, kc.AsError(err))
	}
	if in.Role.Valid() {
		if err := a.checkScope(ctx, in.Role, in.ScopeUnitIDs); err != nil {
			if fe, ok := err.(*kc.Error); ok && fe.Field != "" {
				errs = append(errs, fe)
			} else {
				return kc.User{}, err
			}
		}
	}
	if err := oneOrAll(errs); err != nil {
		return kc.User{}, err
	}
	// A cheap check first, so a duplicate name costs no hashing; the unique
	// index still decides under concurrency.
	if _, err := a.Store.GetUserByUsername(ctx, in.Username); err == nil {
		return kc.User{}, &kc.Error{Code: kc.EConflict, Key: "user.exists", Args: []any{in.Username}, Field: "username"}
	} else if kc.ErrorCode(err) != kc.ENotFound {
		return kc.User{}, err
	}
	hash, err := a.hashPassword(ctx, in.Password)
	if err != nil {
		return kc.User{}, err
	}
	u := kc.User{Username: in.Username, DisplayName: in.DisplayName, Role: in.Role, PasswordHash: hash, ScopeUnitIDs: in.ScopeUnitIDs}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionCreate, "user", u.ID, nil, auditUser(u))
	})
	u.PasswordHash = ""
	return u, err
}

// oneOrAll returns nil, the single error, or all of them as one error.
func oneOrAll(errs kc.Errors) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errs.Err()
}

// checkScope checks the scope units a role needs; it returns a field error
// on "scope" or an internal error.
func (a *App) checkScope(ctx context.Context, role kc.Role, ids []int64) error {
	kind := auth.ScopeOf(role)
	if kind == auth.ScopeNone {
		if len(ids) > 0 {
			return kc.FieldError("scope", "user.scope_admin")
		}
		return nil
	}
	if len(ids) == 0 {
		return kc.FieldError("scope", "user.scope_required")
	}
	units, err := a.Store.ScopeUnits(ctx, ids)
	if err != nil {
		if kc.ErrorCode(err) == kc.ENotFound {
			return kc.FieldError("scope", "user.scope_unknown")
		}
		return err
	}
	switch kind {
	case auth.ScopeProvince:
		if len(units) != 1 || units[0].Level != kc.LevelProvince || !units[0].Current() {
			return kc.FieldError("scope", "user.scope_province")
		}
	case auth.ScopeCommunes:
		for _, u := range units {
			if u.Level != kc.LevelCommune || !u.Current() {
				return kc.FieldError("scope", "user.scope_communes")
			}
		}
	}
	return nil
}

// PasswordChange is the input of ChangePassword. Current is required when
// users change their own password.
type PasswordChange struct {
	UserID  int64
	Current string
	New     string
}

// ChangePassword sets a new password. Users change their own password by
// giving the current one; administrators (and the command line) set anyone
// else's without it. A changed password clears any lock.
func (a *App) ChangePassword(ctx context.Context, in PasswordChange) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	self := p.User.ID != 0 && p.User.ID == in.UserID
	if !self && !auth.Can(p.User.Role, auth.PermManageUsers) {
		return kc.Errorf(kc.EForbidden, "error.forbidden")
	}
	u, err := a.Store.GetUser(ctx, in.UserID)
	if err != nil {
		return err
	}
	if self {
		ok, err := a.verifyPassword(ctx, u.PasswordHash, in.Current)
		if err != nil && err != auth.ErrBadHash {
			return err
		}
		if !ok {
			return kc.FieldError("current", "user.password_wrong")
		}
	}
	if err := auth.CheckPassword(u.Username, in.New); err != nil {
		return err
	}
	hash, err := a.hashPassword(ctx, in.New)
	if err != nil {
		return err
	}
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdatePassword(ctx, u.ID, hash); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionPassword, "user", u.ID, nil, nil)
	})
}

// DisableUser disables an account: it can no longer log in, its sessions
// stop working at their next request and its API tokens are refused.
// Administrators only; nobody disables their own account.
func (a *App) DisableUser(ctx context.Context, id int64) error {
	return a.setDisabled(ctx, id, true)
}

// EnableUser re-enables a disabled account. Administrators only.
func (a *App) EnableUser(ctx context.Context, id int64) error {
	return a.setDisabled(ctx, id, false)
}

func (a *App) setDisabled(ctx context.Context, id int64, disabled bool) error {
	p, err := requirePerm(ctx, auth.PermManageUsers)
	if err != nil {
		return err
	}
	if disabled && p.User.ID == id {
		return kc.Errorf(kc.EInvalid, "user.disable_self")
	}
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		u, err := tx.GetUser(ctx, id)
		if err != nil {
			return err
		}
		if u.Disabled == disabled {
			return nil
		}
		if err := tx.SetDisabled(ctx, id, disabled); err != nil {
			return err
		}
		before := auditUser(u)
		u.Disabled = disabled
		action := kc.ActionDisable
		if !disabled {
			action = kc.ActionUpdate
		}
		return a.audit(ctx, tx, action, "user", id, before, auditUser(u))
	})
}

// ListUsers returns every account with its scope units, by user name.
// Administrators only.
func (a *App) ListUsers(ctx context.Context) ([]UserInfo, error) {
	if _, err := requirePerm(ctx, auth.PermManageUsers); err != nil {
		return nil, err
	}
	users, err := a.Store.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	var all []int64
	for _, u := range users {
		all = append(all, u.ScopeUnitIDs...)
	}
	units, err := a.Store.ScopeUnits(ctx, all)
	if err != nil && kc.ErrorCode(err) != kc.ENotFound {
		return nil, err
	}
	byID := map[int64]kc.Unit{}
	for _, un := range units {
		byID[un.ID] = un
	}
	out := make([]UserInfo, len(users))
	for i, u := range users {
		u.PasswordHash = ""
		out[i].User = u
		for _, id := range u.ScopeUnitIDs {
			if un, ok := byID[id]; ok {
				out[i].Scope = append(out[i].Scope, un)
			}
		}
	}
	return out, nil
}

// FindUser returns the account with the given user name. Administrators only.
func (a *App) FindUser(ctx context.Context, username string) (kc.User, error) {
	if _, err := requirePerm(ctx, auth.PermManageUsers); err != nil {
		return kc.User{}, err
	}
	u, err := a.Store.GetUserByUsername(ctx, strings.TrimSpace(username))
	if kc.ErrorCode(err) == kc.ENotFound {
		return kc.User{}, kc.Errorf(kc.ENotFound, "user.not_found_name", username)
	}
	u.PasswordHash = ""
	return u, err
}

// Me returns the caller's own account, read afresh, with its scope units.
func (a *App) Me(ctx context.Context) (UserInfo, error) {
	p, err := principal(ctx)
	if err != nil {
		return UserInfo{}, err
	}
	if p.User.ID == 0 {
		return UserInfo{User: p.User}, nil
	}
	u, err := a.Store.GetUser(ctx, p.User.ID)
	if err != nil {
		return UserInfo{}, err
	}
	u.PasswordHash = ""
	units, err := a.Store.ScopeUnits(ctx, u.ScopeUnitIDs)
	if err != nil && kc.ErrorCode(err) != kc.ENotFound {
		return UserInfo{}, err
	}
	slices.SortFunc(units, func(x, y kc.Unit) int { return vi.Compare(x.Name, y.Name) })
	return UserInfo{User: u, Scope: units}, nil
}
