package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"khuyencong/internal/kc"
)

// Lockout rules: after MaxLoginFailures wrong passwords in a row an account
// is locked for LockDuration.
const (
	MaxLoginFailures = 5
	LockDuration     = 15 * time.Minute
)

const userColumns = `id, username, display_name, role, password_hash, disabled, failed_logins, locked_until, created_at, updated_at`

type accountRow interface{ Scan(dest ...any) error }

func scanUser(r accountRow) (kc.User, error) {
	var u kc.User
	var role string
	err := r.Scan(&u.ID, &u.Username, &u.DisplayName, &role, &u.PasswordHash, &u.Disabled, &u.FailedLogins,
		timeScan{&u.LockedUntil}, timeScan{&u.CreatedAt}, timeScan{&u.UpdatedAt})
	u.Role = kc.Role(role)
	return u, err
}

// CreateUser inserts the user and its scope rows in one transaction. A
// user name already taken gives EConflict keyed user.exists.
func (s *Store) CreateUser(ctx context.Context, u kc.User) (kc.User, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		u, err = tx.CreateUser(ctx, u)
		return err
	})
	return u, err
}

// CreateUser inserts the user and its scope rows; CreatedAt and UpdatedAt
// are the transaction time.
func (tx *Tx) CreateUser(ctx context.Context, u kc.User) (kc.User, error) {
	u.CreatedAt, u.UpdatedAt = tx.now, tx.now
	id, err := tx.insert(ctx, `INSERT INTO app_user (username, display_name, role, password_hash, disabled, failed_logins, locked_until, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, 0, NULL, $6, $7)`,
		u.Username, u.DisplayName, string(u.Role), u.PasswordHash, u.Disabled, u.CreatedAt, u.UpdatedAt)
	if err != nil {
		if kc.ErrorCode(err) == kc.EConflict {
			return u, &kc.Error{Code: kc.EConflict, Key: "user.exists", Args: []any{u.Username}, Field: "username", Err: err}
		}
		return u, fmt.Errorf("store: create user: %w", err)
	}
	u.ID = id
	u.FailedLogins, u.LockedUntil = 0, time.Time{}
	if err := tx.SetUserScope(ctx, id, u.ScopeUnitIDs); err != nil {
		return u, err
	}
	u.ScopeUnitIDs = normIDs(u.ScopeUnitIDs)
	return u, nil
}

// GetUser returns the user with id and its scope, or ENotFound.
func (s *Store) GetUser(ctx context.Context, id int64) (kc.User, error) {
	return viewValue(ctx, s, func(tx *Tx) (kc.User, error) { return tx.GetUser(ctx, id) })
}

// GetUser returns the user with id and its scope, or ENotFound.
func (tx *Tx) GetUser(ctx context.Context, id int64) (kc.User, error) {
	u, err := scanUser(tx.queryRow(ctx, "SELECT "+userColumns+" FROM app_user WHERE id = $1", id))
	if err != nil {
		return u, fmt.Errorf("store: get user %d: %w", id, tx.s.mapErr(err))
	}
	u.ScopeUnitIDs, err = tx.UserScope(ctx, id)
	return u, err
}

// GetUserByUsername returns the user with the given name and its scope, or
// ENotFound.
func (s *Store) GetUserByUsername(ctx context.Context, username string) (kc.User, error) {
	return viewValue(ctx, s, func(tx *Tx) (kc.User, error) { return tx.GetUserByUsername(ctx, username) })
}

// GetUserByUsername returns the user with the given name, or ENotFound.
func (tx *Tx) GetUserByUsername(ctx context.Context, username string) (kc.User, error) {
	u, err := scanUser(tx.queryRow(ctx, "SELECT "+userColumns+" FROM app_user WHERE username = $1", username))
	if err != nil {
		return u, fmt.Errorf("store: get user by name: %w", tx.s.mapErr(err))
	}
	u.ScopeUnitIDs, err = tx.UserScope(ctx, u.ID)
	return u, err
}

// ListUsers returns every user with its scope, ordered by user name.
func (s *Store) ListUsers(ctx context.Context) ([]kc.User, error) {
	var out []kc.User
	err := s.View(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, "SELECT "+userColumns+" FROM app_user ORDER BY username")
		if err != nil {
			return fmt.Errorf("store: list users: %w", err)
		}
		out, err = collectRows(rows, func(r rowScanner, u *kc.User) (err error) {
			if *u, err = scanUser(r); err != nil {
				return fmt.Errorf("store: list users: %w", err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		idx := make(map[int64]int, len(out))
		for i, u := range out {
			idx[u.ID] = i
		}
		srows, err := tx.query(ctx, "SELECT user_id, unit_id FROM user_scope ORDER BY user_id, unit_id")
		if err != nil {
			return fmt.Errorf("store: list user scopes: %w", err)
		}
		defer srows.Close()
		for srows.Next() {
			var uid, unit int64
			if err := srows.Scan(&uid, &unit); err != nil {
				return err
			}
			if i, ok := idx[uid]; ok {
				out[i].ScopeUnitIDs = append(out[i].ScopeUnitIDs, unit)
			}
		}
		return srows.Err()
	})
	return out, err
}

// CountUsers returns the number of accounts.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	return viewValue(ctx, s, func(tx *Tx) (int64, error) { return tx.count(ctx, "SELECT COUNT(*) FROM app_user") })
}

// UpdatePassword sets a new password hash and clears the login failures
// and any lock.
func (tx *Tx) UpdatePassword(ctx context.Context, id int64, hash string) error {
	return tx.updateUser(ctx, id, "update password",
		"UPDATE app_user SET password_hash = $1, failed_logins = 0, locked_until = NULL, updated_at = $2 WHERE id = $3", hash, tx.now, id)
}

// UpdatePassword sets a new password hash in its own transaction.
func (s *Store) UpdatePassword(ctx context.Context, id int64, hash string) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.UpdatePassword(ctx, id, hash) })
}

// SetDisabled disables or re-enables an account.
func (tx *Tx) SetDisabled(ctx context.Context, id int64, disabled bool) error {
	return tx.updateUser(ctx, id, "set disabled",
		"UPDATE app_user SET disabled = $1, updated_at = $2 WHERE id = $3", disabled, tx.now, id)
}

// SetDisabled disables or re-enables an account in its own transaction.
func (s *Store) SetDisabled(ctx context.Context, id int64, disabled bool) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.SetDisabled(ctx, id, disabled) })
}

// RecordLoginFailure counts one wrong password for the account. The
// MaxLoginFailures-th failure in a row locks the account for LockDuration
// and starts the count again. It returns the account as updated.
func (s *Store) RecordLoginFailure(ctx context.Context, id int64) (kc.User, error) {
	var u kc.User
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		u, err = tx.RecordLoginFailure(ctx, id)
		return err
	})
	return u, err
}

// RecordLoginFailure counts one wrong password inside tx (see
// Store.RecordLoginFailure).
func (tx *Tx) RecordLoginFailure(ctx context.Context, id int64) (kc.User, error) {
	var n int
	if err := tx.queryRow(ctx, "UPDATE app_user SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins", id).Scan(&n); err != nil {
		return kc.User{}, fmt.Errorf("store: login failure %d: %w", id, tx.s.mapErr(err))
	}
	if n >= MaxLoginFailures {
		if _, err := tx.exec(ctx, "UPDATE app_user SET failed_logins = 0, locked_until = $1 WHERE id = $2", tx.now.Add(LockDuration), id); err != nil {
			return kc.User{}, fmt.Errorf("store: lock user %d: %w", id, err)
		}
	}
	return tx.GetUser(ctx, id)
}

// ResetLoginFailures clears the failure count and any lock after a
// successful login.
func (tx *Tx) ResetLoginFailures(ctx context.Context, id int64) error {
	return tx.updateUser(ctx, id, "reset login failures",
		"UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE id = $1", id)
}

// ResetLoginFailures clears the failure count in its own transaction.
func (s *Store) ResetLoginFailures(ctx context.Context, id int64) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.ResetLoginFailures(ctx, id) })
}

// updateUser runs an UPDATE of one app_user row and maps "no row" to ENotFound.
func (tx *Tx) updateUser(ctx context.Context, id int64, op, q string, args ...any) error {
	res, err := tx.exec(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: %s %d: %w", op, id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return kc.Errorf(kc.ENotFound, "user.not_found")
	}
	return nil
}

// UserScope returns the ids of the units in the user's scope, ascending.
func (tx *Tx) UserScope(ctx context.Context, userID int64) ([]int64, error) {
	ids, err := tx.ids(ctx, "SELECT unit_id FROM user_scope WHERE user_id = $1 ORDER BY unit_id", userID)
	if err != nil {
		return nil, fmt.Errorf("store: user scope %d: %w", userID, err)
	}
	return ids, nil
}

// SetUserScope replaces the user's scope with unitIDs.
func (tx *Tx) SetUserScope(ctx context.Context, userID int64, unitIDs []int64) error {
	if _, err := tx.exec(ctx, "DELETE FROM user_scope WHERE user_id = $1", userID); err != nil {
		return fmt.Errorf("store: set user scope %d: %w", userID, err)
	}
	for _, id := range normIDs(unitIDs) {
		if _, err := tx.exec(ctx, "INSERT INTO user_scope (user_id, unit_id) VALUES ($1, $2)", userID, id); err != nil {
			return fmt.Errorf("store: set user scope %d: %w", userID, err)
		}
	}
	return nil
}

// SetUserScope replaces the user's scope in its own transaction.
func (s *Store) SetUserScope(ctx context.Context, userID int64, unitIDs []int64) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.SetUserScope(ctx, userID, unitIDs) })
}

// ScopeUnits returns the units with the given ids in id order, so scopes
// can be checked (level, in force) and shown by name. A missing id gives
// ENotFound keyed unit.not_found.
func (s *Store) ScopeUnits(ctx context.Context, ids []int64) ([]kc.Unit, error) {
	ids = normIDs(ids)
	if len(ids) == 0 {
		return nil, nil
	}
	var out []kc.Unit
	err := s.View(ctx, func(tx *Tx) error {
		in, args := inInts(1, ids)
		rows, err := tx.query(ctx, `SELECT id, code, level, type, name, COALESCE(parent_id, 0), valid_from, valid_to, note
			FROM unit WHERE id IN `+in+` ORDER BY id`, args...)
		if err != nil {
			return fmt.Errorf("store: scope units: %w", err)
		}
		out, err = collectRows(rows, func(r rowScanner, u *kc.Unit) error {
			if err := r.Scan(&u.ID, &u.Code, &u.Level, &u.Type, &u.Name, &u.ParentID, &u.ValidFrom, &u.ValidTo, &u.Note); err != nil {
				return fmt.Errorf("store: scope units: %w", err)
			}
			return nil
		})
		return err
	})
	if err == nil && len(out) != len(ids) {
		return out, kc.Errorf(kc.ENotFound, "user.scope_unknown")
	}
	return out, err
}

// normIDs returns the ids sorted without duplicates.
func normIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
