package store

import (
	"context"
	"fmt"
	"sync"
	"time"

	"khuyencong/internal/kc"
)

// SessionStore keeps web sessions in the sessions table, so several app
// servers can share them. It implements scs.Store and scs.CtxStore (by
// method set; store does not import scs). Expired rows are invisible to
// Find and are deleted by a background clean-up that Stop ends.
type SessionStore struct {
	s    *Store
	stop chan struct{}
	once sync.Once
	done chan struct{}
}

// SessionStore returns a session store over s that deletes expired
// sessions every cleanup interval (no clean-up when cleanup ≤ 0). Call Stop
// when the server shuts down.
func (s *Store) SessionStore(cleanup time.Duration) *SessionStore {
	ss := &SessionStore{s: s, stop: make(chan struct{}), done: make(chan struct{})}
	if cleanup <= 0 {
		close(ss.done)
		return ss
	}
	go ss.cleanupLoop(cleanup)
	return ss
}

func (ss *SessionStore) cleanupLoop(every time.Duration) {
	defer close(ss.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ss.stop:
			return
		case <-t.C:
			ss.DeleteExpired(context.Background())
		}
	}
}

// Stop ends the background clean-up and waits for it.
func (ss *SessionStore) Stop() {
	ss.once.Do(func() { close(ss.stop) })
	<-ss.done
}

// sessionTime is how session expiry is written: a fixed-width UTC text on
// SQLite, so that expiry comparisons in SQL order correctly, and a
// timestamptz on PostgreSQL.
func (s *Store) sessionTime(t time.Time) any {
	if s.dialect.Postgres() {
		return t.UTC()
	}
	return t.UTC().Format("2006-01-02 15:04:05.000000000+00:00")
}

// FindCtx returns the data of an unexpired session; found is false for an
// unknown or expired token.
func (ss *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	var expiry time.Time
	err := ss.s.View(ctx, func(tx *Tx) error {
		return tx.s.mapErr(tx.queryRow(ctx, "SELECT data, expiry FROM sessions WHERE token = $1", token).Scan(&data, timeScan{&expiry}))
	})
	if err != nil {
		if kc.ErrorCode(err) == kc.ENotFound {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("store: find session: %w", err)
	}
	if !expiry.After(ss.s.Now()) {
		return nil, false, nil
	}
	return data, true, nil
}

// CommitCtx stores the session data with its expiry, replacing any earlier
// data under the same token.
func (ss *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	err := ss.s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
			ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, b, ss.s.sessionTime(expiry))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: commit session: %w", err)
	}
	return nil
}

// DeleteCtx removes a session; an unknown token is not an error.
func (ss *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	err := ss.s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "DELETE FROM sessions WHERE token = $1", token)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// Find is FindCtx without a context.
func (ss *SessionStore) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context.
func (ss *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, b, expiry)
}

// Delete is DeleteCtx without a context.
func (ss *SessionStore) Delete(token string) error {
	return ss.DeleteCtx(context.Background(), token)
}

// DeleteExpired removes every session whose expiry has passed and returns
// how many rows went.
func (ss *SessionStore) DeleteExpired(ctx context.Context) (int64, error) {
	var n int64
	err := ss.s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "DELETE FROM sessions WHERE expiry <= $1", ss.s.sessionTime(ss.s.Now()))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return n, nil
}
