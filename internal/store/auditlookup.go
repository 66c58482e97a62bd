package store

import (
	"context"
	"fmt"

	"khuyencong/internal/kc"
)

const auditColumns = `id, at, COALESCE(actor_id, 0), actor, action, entity, entity_id, before_data, after_data, prev_hash, hash`

// GetAuditEntry returns the audit entry with id, or ENotFound. The verify
// report uses it to name the entry where the chain breaks.
func (s *Store) GetAuditEntry(ctx context.Context, id int64) (kc.AuditEntry, error) {
	return s.auditEntry(ctx, "SELECT "+auditColumns+" FROM audit WHERE id = $1", id)
}

// PrevAuditEntry returns the last audit entry whose id is below id, or
// ENotFound. After a removal it tells which ids are missing.
func (s *Store) PrevAuditEntry(ctx context.Context, id int64) (kc.AuditEntry, error) {
	return s.auditEntry(ctx, "SELECT "+auditColumns+" FROM audit WHERE id < $1 ORDER BY id DESC LIMIT 1", id)
}

func (s *Store) auditEntry(ctx context.Context, q string, id int64) (kc.AuditEntry, error) {
	var e kc.AuditEntry
	err := s.View(ctx, func(tx *Tx) error {
		return tx.s.mapErr(tx.queryRow(ctx, q, id).Scan(&e.ID, timeScan{&e.At}, &e.ActorID, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.Before, &e.After, &e.PrevHash, &e.Hash))
	})
	if err != nil {
		return e, fmt.Errorf("store: audit entry %d: %w", id, err)
	}
	return e, nil
}
