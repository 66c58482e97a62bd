package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"khuyencong/internal/kc"
)

// AttachmentEstablishment is the entity of files and photos attached to an
// establishment record (DeleteEstablishment removes them with it).
const AttachmentEstablishment = "establishment"

// Attachment is a file or photo attached to a record. Data is filled only
// by GetAttachment; lists leave it nil so they never load file contents.
type Attachment struct {
	ID          int64
	Entity      string
	EntityID    int64
	FileName    string
	ContentType string
	Size        int64
	SHA256      string // hex
	CreatedBy   int64  // 0 when the account is gone or for the system
	// CreatedByName is the uploader's display name, or user name when
	// there is none; filled by the reads.
	CreatedByName string
	CreatedAt     time.Time
	Data          []byte
}

// CreateAttachment stores a file for entity and entityID and returns it
// with its id, size, SHA-256 and creation time (Data is kept as given).
func (s *Store) CreateAttachment(ctx context.Context, a Attachment) (Attachment, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		a, err = tx.CreateAttachment(ctx, a)
		return err
	})
	return a, err
}

// CreateAttachment is CreateAttachment inside tx. The size and SHA-256 are
// computed here from Data, so they always describe what is stored.
func (tx *Tx) CreateAttachment(ctx context.Context, a Attachment) (Attachment, error) {
	sum := sha256.Sum256(a.Data)
	a.SHA256, a.Size, a.CreatedAt = hex.EncodeToString(sum[:]), int64(len(a.Data)), tx.now
	if a.Data == nil {
		a.Data = []byte{}
	}
	var by any
	if a.CreatedBy != 0 {
		by = a.CreatedBy
	}
	id, err := tx.insert(ctx, `INSERT INTO attachment (entity, entity_id, file_name, content_type, size, sha256, data, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, a.Entity, a.EntityID, a.FileName, a.ContentType, a.Size, a.SHA256, a.Data, by, a.CreatedAt)
	if err != nil {
		return a, fmt.Errorf("store: create attachment: %w", err)
	}
	a.ID = id
	return a, nil
}

// attachmentColumns are the columns every attachment read selects, in
// scanAttachment's order; the data column is added by GetAttachment.
const attachmentColumns = `a.id, a.entity, a.entity_id, a.file_name, a.content_type, a.size, a.sha256,
	COALESCE(a.created_by, 0), COALESCE(NULLIF(u.display_name, ''), u.username, ''), a.created_at`

// attachmentFrom joins the uploader's account for its name.
const attachmentFrom = ` FROM attachment a LEFT JOIN app_user u ON u.id = a.created_by`

func scanAttachment(sc interface{ Scan(...any) error }, a *Attachment, extra ...any) error {
	dst := append([]any{&a.ID, &a.Entity, &a.EntityID, &a.FileName, &a.ContentType, &a.Size, &a.SHA256,
		&a.CreatedBy, &a.CreatedByName, timeScan{&a.CreatedAt}}, extra...)
	return sc.Scan(dst...)
}

// ListAttachments returns the files of entity and entityID without their
// contents, newest first.
func (s *Store) ListAttachments(ctx context.Context, entity string, entityID int64) ([]Attachment, error) {
	return viewValue(ctx, s, func(tx *Tx) ([]Attachment, error) { return tx.ListAttachments(ctx, entity, entityID) })
}

// ListAttachments is ListAttachments inside tx.
func (tx *Tx) ListAttachments(ctx context.Context, entity string, entityID int64) ([]Attachment, error) {
	rows, err := tx.query(ctx, "SELECT "+attachmentColumns+attachmentFrom+
		" WHERE a.entity = $1 AND a.entity_id = $2 ORDER BY a.created_at DESC, a.id DESC", entity, entityID)
	if err != nil {
		return nil, fmt.Errorf("store: list attachments of %s %d: %w", entity, entityID, err)
	}
	return collectRows(rows, func(r rowScanner, a *Attachment) error {
		if err := scanAttachment(r, a); err != nil {
			return fmt.Errorf("store: list attachments of %s %d: %w", entity, entityID, err)
		}
		return nil
	})
}

// GetAttachment returns file id of entity and entityID with its contents,
// or ENotFound (also when the file belongs to another record).
func (s *Store) GetAttachment(ctx context.Context, entity string, entityID, id int64) (Attachment, error) {
	return viewValue(ctx, s, func(tx *Tx) (Attachment, error) { return tx.GetAttachment(ctx, entity, entityID, id) })
}

// GetAttachment is GetAttachment inside tx.
func (tx *Tx) GetAttachment(ctx context.Context, entity string, entityID, id int64) (Attachment, error) {
	var a Attachment
	row := tx.queryRow(ctx, "SELECT "+attachmentColumns+", a.data"+attachmentFrom+
		" WHERE a.id = $1 AND a.entity = $2 AND a.entity_id = $3", id, entity, entityID)
	if err := scanAttachment(row, &a, &a.Data); err != nil {
		return a, fmt.Errorf("store: get attachment %d: %w", id, tx.s.mapErr(err))
	}
	return a, nil
}

// DeleteAttachment removes file id of entity and entityID and returns
// what it was (without contents), or answers ENotFound.
func (s *Store) DeleteAttachment(ctx context.Context, entity string, entityID, id int64) (Attachment, error) {
	var a Attachment
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		a, err = tx.DeleteAttachment(ctx, entity, entityID, id)
		return err
	})
	return a, err
}

// DeleteAttachment is DeleteAttachment inside tx.
func (tx *Tx) DeleteAttachment(ctx context.Context, entity string, entityID, id int64) (Attachment, error) {
	var a Attachment
	row := tx.queryRow(ctx, "SELECT "+attachmentColumns+attachmentFrom+
		" WHERE a.id = $1 AND a.entity = $2 AND a.entity_id = $3", id, entity, entityID)
	if err := scanAttachment(row, &a); err != nil {
		return a, fmt.Errorf("store: delete attachment %d: %w", id, tx.s.mapErr(err))
	}
	if _, err := tx.exec(ctx, "DELETE FROM attachment WHERE id = $1", id); err != nil {
		return a, fmt.Errorf("store: delete attachment %d: %w", id, err)
	}
	return a, nil
}

// recordAuditColumns are the columns of an audit entry with named
// results, so that ListRecordAudit can select them from a union.
const recordAuditColumns = "id, at, COALESCE(actor_id, 0) AS actor_id, actor, action, entity, entity_id, before_data, after_data, prev_hash, hash"

// ListRecordAudit returns the newest limit audit entries about one
// establishment's record: those of the establishment itself and of the
// entities keyed by its id (establishment_fact, establishment_file), and
// those of its certificates, licences and artisans, which the application
// layer keys by their own id. A child entry belongs to the establishment
// when its creation entry names it ("EstablishmentID":id in the after
// values) or its deletion entry does ({"establishment":id} as the before
// values); that holds even when SQLite reuses a deleted child's id.
func (s *Store) ListRecordAudit(ctx context.Context, establishmentID int64, limit int) ([]kc.AuditEntry, error) {
	deleted := `{"establishment":` + strconv.FormatInt(establishmentID, 10) + `}`
	created := `%"EstablishmentID":` + strconv.FormatInt(establishmentID, 10) + `,%`
	q := "SELECT " + recordAuditColumns + " FROM audit WHERE entity IN ('establishment', 'establishment_fact', 'establishment_file') AND entity_id = $1"
	for _, child := range []string{"certificate", "licence", "artisan"} {
		// child is one of the fixed table names above, never input.
		q += ` UNION ALL SELECT ` + recordAuditColumns + ` FROM audit WHERE entity = '` + child + `' AND entity_id IN (
			SELECT id FROM ` + child + ` WHERE establishment_id = $1
			UNION SELECT entity_id FROM audit WHERE entity = '` + child + `' AND action = 'delete' AND before_data = $2)
			AND (after_data LIKE $3 OR before_data = $2)`
	}
	var out []kc.AuditEntry
	err := s.View(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, "SELECT id, at, actor_id, actor, action, entity, entity_id, before_data, after_data, prev_hash, hash FROM ("+
			q+") t ORDER BY id DESC"+limitOffset(limit, 0), establishmentID, deleted, created)
		if err != nil {
			return fmt.Errorf("store: record audit %d: %w", establishmentID, err)
		}
		out, err = collectRows(rows, func(r rowScanner, e *kc.AuditEntry) error {
			if err := scanAuditEntry(r, e); err != nil {
				return fmt.Errorf("store: record audit %d: %w", establishmentID, err)
			}
			return nil
		})
		return err
	})
	return out, err
}
