package store

import (
	"context"
	"fmt"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// ScoreSheetItem is one item of the appraisal score sheet with its id and
// the number of appraisal rows (council scores) that use its code.
type ScoreSheetItem struct {
	ID int64
	ScoreItem
	// Used counts the appraisal rows whose item is this code.
	Used int
}

// scoreSheetSelect lists the columns scanned by scanScoreSheetItem.
const scoreSheetSelect = `SELECT s.id, s.code, s.label, s.max_score, s.position, s.active,
	(SELECT COUNT(*) FROM appraisal a WHERE a.item = s.code)
	FROM score_item s`

// scanScoreSheetItem scans one row of scoreSheetSelect.
func scanScoreSheetItem(sc interface{ Scan(...any) error }) (ScoreSheetItem, error) {
	var it ScoreSheetItem
	err := sc.Scan(&it.ID, &it.Code, &it.Label, &it.MaxScore, &it.Position, &it.Active, &it.Used)
	return it, err
}

// ScoreSheetItems returns every item of the score sheet, retired ones
// included, in position order with how many scores use each.
func (s *Store) ScoreSheetItems(ctx context.Context) ([]ScoreSheetItem, error) {
	return viewValue(ctx, s, func(tx *Tx) ([]ScoreSheetItem, error) { return tx.ScoreSheetItems(ctx) })
}

// ScoreSheetItems is ScoreSheetItems inside tx.
func (tx *Tx) ScoreSheetItems(ctx context.Context) ([]ScoreSheetItem, error) {
	rows, err := tx.query(ctx, scoreSheetSelect+" ORDER BY s.position, s.code")
	if err != nil {
		return nil, fmt.Errorf("store: score sheet: %w", err)
	}
	return collectRows(rows, func(r rowScanner, it *ScoreSheetItem) (err error) {
		if *it, err = scanScoreSheetItem(r); err != nil {
			return fmt.Errorf("store: score sheet: %w", err)
		}
		return nil
	})
}

// GetScoreSheetItem returns score item id (ENotFound when there is none).
func (tx *Tx) GetScoreSheetItem(ctx context.Context, id int64) (ScoreSheetItem, error) {
	it, err := scanScoreSheetItem(tx.queryRow(ctx, scoreSheetSelect+" WHERE s.id = $1", id))
	if err != nil {
		return it, fmt.Errorf("store: score item %d: %w", id, tx.s.mapErr(err))
	}
	return it, nil
}

// CreateScoreItem adds an item to the score sheet and returns its id (the
// label is stored in NFC; a code already taken is EConflict).
func (tx *Tx) CreateScoreItem(ctx context.Context, it ScoreItem) (int64, error) {
	id, err := tx.insert(ctx, `INSERT INTO score_item (code, label, max_score, position, active) VALUES ($1, $2, $3, $4, $5)`,
		it.Code, vi.NFC(it.Label), it.MaxScore, it.Position, it.Active)
	if err != nil {
		return 0, fmt.Errorf("store: create score item %s: %w", it.Code, err)
	}
	return id, nil
}

// UpdateScoreItem replaces the code, label, maximum, position and active
// flag of score item id (ENotFound when there is none; a code already
// taken is EConflict).
func (tx *Tx) UpdateScoreItem(ctx context.Context, id int64, it ScoreItem) error {
	res, err := tx.exec(ctx, `UPDATE score_item SET code = $2, label = $3, max_score = $4, position = $5, active = $6 WHERE id = $1`,
		id, it.Code, vi.NFC(it.Label), it.MaxScore, it.Position, it.Active)
	if err != nil {
		return fmt.Errorf("store: update score item %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &kc.Error{Code: kc.ENotFound, Key: "error.not_found", Err: fmt.Errorf("store: no score item %d", id)}
	}
	return nil
}

// NextScoreItemPosition returns the position after the last item of the
// score sheet (1 for an empty sheet).
func (tx *Tx) NextScoreItemPosition(ctx context.Context) (int, error) {
	n, err := tx.count(ctx, "SELECT COALESCE(MAX(position), 0) FROM score_item")
	if err != nil {
		return 0, fmt.Errorf("store: score item position: %w", err)
	}
	return int(n) + 1, nil
}
