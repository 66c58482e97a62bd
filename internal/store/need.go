package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Statuses of a need request, in the order a request goes through them.
const (
	NeedNew      = "new"      // received, nobody has looked at it yet
	NeedHandling = "handling" // an officer is handling it
	NeedAnswered = "answered" // an answer was written
	NeedClosed   = "closed"   // nothing more to do
)

// NeedRow is a need request with what the commune officer adds to it:
// the linked establishment, the answer and the last change.
type NeedRow struct {
	NeedRequest
	EstablishmentID int64
	Answer          string
	UpdatedAt       time.Time
}

// NeedFilter selects need requests: Communes nil means every commune (an
// empty non-nil slice selects nothing); Status "" means any status.
type NeedFilter struct {
	Communes      []int64
	Status        string
	Limit, Offset int
}

const needColumns = `id, tracking_code, name, phone_enc, COALESCE(commune_id, 0), trade, need, status,
	COALESCE(establishment_id, 0), answer, created_at, updated_at`

func scanNeed(r accountRow) (NeedRow, error) {
	var n NeedRow
	err := r.Scan(&n.ID, &n.TrackingCode, &n.Name, &n.PhoneSealed.Enc, &n.CommuneID, &n.Trade, &n.Need, &n.Status,
		&n.EstablishmentID, &n.Answer, timeScan{&n.CreatedAt}, timeScan{&n.UpdatedAt})
	return n, err
}

// scanNeedInto is scanNeed in the shape collectRows reads rows with.
func scanNeedInto(r rowScanner, n *NeedRow) (err error) {
	*n, err = scanNeed(r)
	return err
}

// where returns the WHERE clause of f and its arguments.
func (f NeedFilter) where() (string, []any) {
	var conds []string
	var args []any
	if f.Communes != nil {
		in, a := inInts(len(args)+1, f.Communes)
		conds = append(conds, "commune_id IN "+in)
		args = append(args, a...)
	}
	if f.Status != "" {
		args = append(args, f.Status)
		conds = append(conds, fmt.Sprintf("status = $%d", len(args)))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ListNeedRequests returns the need requests f selects, newest first, and
// how many there are in all.
func (s *Store) ListNeedRequests(ctx context.Context, f NeedFilter) ([]NeedRow, int, error) {
	var out []NeedRow
	var total int64
	err := s.View(ctx, func(tx *Tx) error {
		where, args := f.where()
		var err error
		if total, err = tx.count(ctx, "SELECT COUNT(*) FROM need_request"+where, args...); err != nil {
			return err
		}
		rows, err := tx.query(ctx, "SELECT "+needColumns+" FROM need_request"+where+" ORDER BY created_at DESC, id DESC"+
			limitOffset(f.Limit, f.Offset), args...)
		if err != nil {
			return err
		}
		out, err = collectRows(rows, scanNeedInto)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: list need requests: %w", err)
	}
	return out, int(total), nil
}

// GetNeedRow returns the need request with id, or ENotFound.
func (tx *Tx) GetNeedRow(ctx context.Context, id int64) (NeedRow, error) {
	n, err := scanNeed(tx.queryRow(ctx, "SELECT "+needColumns+" FROM need_request WHERE id = $1", id))
	if err != nil {
		return n, fmt.Errorf("store: need request %d: %w", id, tx.s.mapErr(err))
	}
	return n, nil
}

// GetNeedRow returns the need request with id, or ENotFound.
func (s *Store) GetNeedRow(ctx context.Context, id int64) (NeedRow, error) {
	return viewValue(ctx, s, func(tx *Tx) (NeedRow, error) { return tx.GetNeedRow(ctx, id) })
}

// GetNeedRowByCode returns the need request with a tracking code, or
// ENotFound.
func (s *Store) GetNeedRowByCode(ctx context.Context, code string) (NeedRow, error) {
	return viewValue(ctx, s, func(tx *Tx) (NeedRow, error) {
		n, err := scanNeed(tx.queryRow(ctx, "SELECT "+needColumns+" FROM need_request WHERE tracking_code = $1", code))
		if err != nil {
			return n, fmt.Errorf("store: need request %s: %w", code, tx.s.mapErr(err))
		}
		return n, nil
	})
}

// RecentNeedRequests returns the requests of a commune (0: without a
// commune) created at or after since, newest first: the candidates of a
// duplicate check.
func (tx *Tx) RecentNeedRequests(ctx context.Context, communeID int64, since time.Time) ([]NeedRow, error) {
	rows, err := tx.query(ctx, "SELECT "+needColumns+` FROM need_request
		WHERE COALESCE(commune_id, 0) = $1 AND created_at >= $2 ORDER BY created_at DESC, id DESC LIMIT 200`, communeID, since.UTC())
	if err != nil {
		return nil, fmt.Errorf("store: recent need requests: %w", err)
	}
	return collectRows(rows, scanNeedInto)
}

// UpdateNeedRequest sets the status, answer and linked establishment (0:
// none) of the request with id; ENotFound when there is none.
func (tx *Tx) UpdateNeedRequest(ctx context.Context, id int64, status, answer string, establishmentID int64) error {
	var est any
	if establishmentID != 0 {
		est = establishmentID
	}
	res, err := tx.exec(ctx, `UPDATE need_request SET status = $1, answer = $2, establishment_id = $3, updated_at = $4 WHERE id = $5`,
		status, answer, est, tx.now, id)
	if err != nil {
		return fmt.Errorf("store: update need request %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update need request %d: %w", id, tx.s.mapErr(sql.ErrNoRows))
	}
	return nil
}
