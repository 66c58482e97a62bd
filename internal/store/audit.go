package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"khuyencong/internal/kc"
)

// genesisHash is the prev_hash of the first audit entry.
const genesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// auditLockKey serialises audit appends on PostgreSQL so the chain never forks.
const auditLockKey = 7305912

// AuditHash computes the hash of an entry from its fields and prev_hash.
func AuditHash(e kc.AuditEntry) string {
	var b strings.Builder
	b.WriteString(e.PrevHash)
	for _, f := range []string{
		strconv.FormatInt(e.ID, 10),
		e.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(e.ActorID, 10),
		e.Actor, e.Action, e.Entity,
		strconv.FormatInt(e.EntityID, 10),
		e.Before, e.After,
	} {
		b.WriteByte('\x1f')
		b.WriteString(f)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// scanAuditEntry reads an audit entry selected as id, at, actor_id,
// actor, action, entity, entity_id, before_data, after_data, prev_hash,
// hash.
func scanAuditEntry(r rowScanner, e *kc.AuditEntry) error {
	return r.Scan(&e.ID, timeScan{&e.At}, &e.ActorID, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.Before, &e.After, &e.PrevHash, &e.Hash)
}

// AppendAudit appends an entry to the hash chain inside tx. At is set to the
// transaction time; ID, PrevHash and Hash are filled in and returned.
func (tx *Tx) AppendAudit(ctx context.Context, e kc.AuditEntry) (kc.AuditEntry, error) {
	if tx.Dialect().Postgres() {
		if _, err := tx.exec(ctx, "SELECT pg_advisory_xact_lock($1)", auditLockKey); err != nil {
			return e, fmt.Errorf("store: audit lock: %w", err)
		}
	}
	e.At = tx.now
	var lastID int64
	prev := genesisHash
	err := tx.queryRow(ctx, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").Scan(&lastID, &prev)
	if err != nil && kc.ErrorCode(tx.s.mapErr(err)) != kc.ENotFound {
		return e, fmt.Errorf("store: audit head: %w", err)
	}
	e.ID = lastID + 1
	e.PrevHash = prev
	e.Hash = AuditHash(e)
	var actorID any
	if e.ActorID != 0 {
		actorID = e.ActorID
	}
	q := `INSERT INTO audit (id, at, actor_id, actor, action, entity, entity_id, before_data, after_data, prev_hash, hash)
	      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`
	if tx.Dialect().Postgres() {
		q = strings.Replace(q, "VALUES", "OVERRIDING SYSTEM VALUE VALUES", 1)
	}
	if _, err := tx.exec(ctx, q, e.ID, e.At, actorID, e.Actor, e.Action, e.Entity, e.EntityID, e.Before, e.After, e.PrevHash, e.Hash); err != nil {
		return e, fmt.Errorf("store: append audit: %w", err)
	}
	if err := tx.SetSetting(ctx, "audit_head", strconv.FormatInt(e.ID, 10)+":"+e.Hash); err != nil {
		return e, err
	}
	return e, nil
}

// AuditProblem describes the first place where the chain does not hold.
type AuditProblem struct {
	EntryID int64  // the entry that was altered, or the first entry after a gap
	Reason  string // altered | removed | truncated
}

// VerifyAudit recomputes the hash chain in id order and returns the number
// of entries checked and the first problem found (nil when intact).
func (s *Store) VerifyAudit(ctx context.Context) (int64, *AuditProblem, error) {
	var n int64
	var problem *AuditProblem
	err := s.View(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor, action, entity, entity_id, before_data, after_data, prev_hash, hash FROM audit ORDER BY id`)
		if err != nil {
			return fmt.Errorf("store: verify audit: %w", err)
		}
		defer rows.Close()
		prev, prevID := genesisHash, int64(0)
		for rows.Next() {
			var e kc.AuditEntry
			if err := scanAuditEntry(rows, &e); err != nil {
				return fmt.Errorf("store: verify audit: %w", err)
			}
			n++
			switch {
			case e.ID != prevID+1 || e.PrevHash != prev:
				problem = &AuditProblem{EntryID: e.ID, Reason: "removed"}
				if e.ID == prevID+1 {
					problem = &AuditProblem{EntryID: prevID, Reason: "altered"}
				}
			case AuditHash(e) != e.Hash:
				problem = &AuditProblem{EntryID: e.ID, Reason: "altered"}
			}
			if problem != nil {
				return nil
			}
			prev, prevID = e.Hash, e.ID
		}
		if err := rows.Err(); err != nil {
			return err
		}
		head, err := tx.Setting(ctx, "audit_head")
		if err == nil && head != "" && head != strconv.FormatInt(prevID, 10)+":"+prev {
			problem = &AuditProblem{EntryID: prevID + 1, Reason: "truncated"}
		}
		return nil
	})
	return n, problem, err
}

// ListAudit returns the audit entries of one entity, newest first; an empty
// entity lists every entry.
func (s *Store) ListAudit(ctx context.Context, entity string, entityID int64, limit int) ([]kc.AuditEntry, error) {
	var out []kc.AuditEntry
	err := s.View(ctx, func(tx *Tx) error {
		q := `SELECT id, at, COALESCE(actor_id, 0), actor, action, entity, entity_id, before_data, after_data, prev_hash, hash FROM audit`
		var args []any
		if entity != "" {
			q += " WHERE entity = $1 AND entity_id = $2"
			args = append(args, entity, entityID)
		}
		rows, err := tx.query(ctx, q+" ORDER BY id DESC"+limitOffset(limit, 0), args...)
		if err != nil {
			return fmt.Errorf("store: list audit: %w", err)
		}
		out, err = collectRows(rows, scanAuditEntry)
		return err
	})
	return out, err
}

// Setting returns the value of a setting, or ENotFound.
func (tx *Tx) Setting(ctx context.Context, key string) (string, error) {
	var v string
	if err := tx.queryRow(ctx, "SELECT value FROM setting WHERE key = $1", key).Scan(&v); err != nil {
		return "", tx.s.mapErr(err)
	}
	return v, nil
}

// SetSetting stores a setting, replacing any earlier value.
func (tx *Tx) SetSetting(ctx context.Context, key, value string) error {
	_, err := tx.exec(ctx, "INSERT INTO setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
	if err != nil {
		return fmt.Errorf("store: set setting %s: %w", key, err)
	}
	return nil
}
