package store

import (
	"context"
	"fmt"
	"time"

	"khuyencong/internal/kc"
)

const tokenColumns = `id, user_id, name, prefix, token_hash, created_at, last_used_at, revoked_at`

func scanToken(r accountRow) (kc.APIToken, error) {
	var t kc.APIToken
	err := r.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.Hash, timeScan{&t.CreatedAt}, timeScan{&t.LastUsedAt}, timeScan{&t.RevokedAt})
	return t, err
}

// tokenTouchEvery is how stale last_used_at may get before a lookup
// rewrites it, so that API calls do not each take the single SQLite writer.
const tokenTouchEvery = time.Minute

// CreateAPIToken stores a token (its hash only, never the secret) for
// t.UserID; CreatedAt is the transaction time.
func (tx *Tx) CreateAPIToken(ctx context.Context, t kc.APIToken) (kc.APIToken, error) {
	t.CreatedAt = tx.now
	id, err := tx.insert(ctx, `INSERT INTO api_token (user_id, name, prefix, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
		t.UserID, t.Name, t.Prefix, t.Hash, t.CreatedAt)
	if err != nil {
		return t, fmt.Errorf("store: create api token: %w", err)
	}
	t.ID = id
	return t, nil
}

// CreateAPIToken stores a token in its own transaction.
func (s *Store) CreateAPIToken(ctx context.Context, t kc.APIToken) (kc.APIToken, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		t, err = tx.CreateAPIToken(ctx, t)
		return err
	})
	return t, err
}

// GetAPIToken returns the token with id, revoked or not, or ENotFound.
func (tx *Tx) GetAPIToken(ctx context.Context, id int64) (kc.APIToken, error) {
	t, err := scanToken(tx.queryRow(ctx, "SELECT "+tokenColumns+" FROM api_token WHERE id = $1", id))
	if err != nil {
		return t, fmt.Errorf("store: get api token %d: %w", id, tx.s.mapErr(err))
	}
	return t, nil
}

// GetAPIToken returns the token with id, or ENotFound.
func (s *Store) GetAPIToken(ctx context.Context, id int64) (kc.APIToken, error) {
	return viewValue(ctx, s, func(tx *Tx) (kc.APIToken, error) { return tx.GetAPIToken(ctx, id) })
}

// FindActiveAPIToken returns the unrevoked token whose secret hashes to
// hash, or ENotFound, and records the use in last_used_at (at most once a
// minute per token).
func (s *Store) FindActiveAPIToken(ctx context.Context, hash string) (kc.APIToken, error) {
	var t kc.APIToken
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		t, err = scanToken(tx.queryRow(ctx, "SELECT "+tokenColumns+" FROM api_token WHERE token_hash = $1 AND revoked_at IS NULL", hash))
		return tx.s.mapErr(err)
	})
	if err != nil {
		return kc.APIToken{}, fmt.Errorf("store: find api token: %w", err)
	}
	if now := s.Now(); t.LastUsedAt.IsZero() || now.Sub(t.LastUsedAt) >= tokenTouchEvery {
		err = s.InTx(ctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, "UPDATE api_token SET last_used_at = $1 WHERE id = $2", tx.now, t.ID)
			t.LastUsedAt = tx.now
			return err
		})
		if err != nil {
			return kc.APIToken{}, fmt.Errorf("store: touch api token %d: %w", t.ID, err)
		}
	}
	return t, nil
}

// ListAPITokens returns the user's tokens, newest first, revoked included.
func (s *Store) ListAPITokens(ctx context.Context, userID int64) ([]kc.APIToken, error) {
	var out []kc.APIToken
	err := s.View(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, "SELECT "+tokenColumns+" FROM api_token WHERE user_id = $1 ORDER BY id DESC", userID)
		if err != nil {
			return fmt.Errorf("store: list api tokens: %w", err)
		}
		out, err = collectRows(rows, func(r rowScanner, t *kc.APIToken) (err error) {
			if *t, err = scanToken(r); err != nil {
				return fmt.Errorf("store: list api tokens: %w", err)
			}
			return nil
		})
		return err
	})
	return out, err
}

// RevokeAPIToken marks the token revoked at the transaction time. Revoking
// a revoked token changes nothing; an unknown id gives ENotFound.
func (tx *Tx) RevokeAPIToken(ctx context.Context, id int64) error {
	if _, err := tx.GetAPIToken(ctx, id); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "UPDATE api_token SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", tx.now, id); err != nil {
		return fmt.Errorf("store: revoke api token %d: %w", id, err)
	}
	return nil
}

// RevokeAPIToken revokes a token in its own transaction.
func (s *Store) RevokeAPIToken(ctx context.Context, id int64) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.RevokeAPIToken(ctx, id) })
}
