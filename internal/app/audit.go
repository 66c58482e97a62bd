package app

import (
	"context"

	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
)

// AuditReport is the result of checking the audit log's hash chain.
type AuditReport struct {
	// Checked is the number of entries read.
	Checked int64
	// Break is the first place the chain does not hold; nil when intact.
	Break *AuditBreak
}

// AuditBreak names where the chain breaks.
type AuditBreak struct {
	// Reason is "altered" (an entry's content or hash was changed),
	// "removed" (entries are missing before Entry) or "truncated" (the
	// newest entries are missing).
	Reason string
	// Entry is the altered entry, or for "removed" the first entry after
	// the gap; nil for "truncated".
	Entry *kc.AuditEntry
	// MissingFrom and MissingTo are the ids of the removed entries
	// (MissingTo is 0 for "truncated": every id from MissingFrom on).
	MissingFrom, MissingTo int64
}

// VerifyAudit recomputes the audit log's hash chain and reports the first
// entry that was altered or removed. Administrators (and the command line)
// only.
func (a *App) VerifyAudit(ctx context.Context) (AuditReport, error) {
	if _, err := requirePerm(ctx, auth.PermViewAudit); err != nil {
		return AuditReport{}, err
	}
	n, problem, err := a.Store.VerifyAudit(ctx)
	if err != nil {
		return AuditReport{}, err
	}
	rep := AuditReport{Checked: n}
	if problem == nil {
		return rep, nil
	}
	b := &AuditBreak{Reason: problem.Reason}
	switch problem.Reason {
	case "truncated":
		b.MissingFrom = problem.EntryID
	default:
		e, err := a.Store.GetAuditEntry(ctx, problem.EntryID)
		if err != nil && kc.ErrorCode(err) != kc.ENotFound {
			return rep, err
		}
		if err == nil {
			b.Entry = &e
		}
		if problem.Reason == "removed" {
			b.MissingFrom, b.MissingTo = 1, problem.EntryID-1
			prev, err := a.Store.PrevAuditEntry(ctx, problem.EntryID)
			if err != nil && kc.ErrorCode(err) != kc.ENotFound {
				return rep, err
			}
			if err == nil {
				b.MissingFrom = prev.ID + 1
			}
		}
	}
	rep.Break = b
	return rep, nil
}

// ListAudit returns audit entries, newest first: those of one entity when
// entity is set, else all. Administrators (and the command line) only.
func (a *App) ListAudit(ctx context.Context, entity string, entityID int64, limit int) ([]kc.AuditEntry, error) {
	if _, err := requirePerm(ctx, auth.PermViewAudit); err != nil {
		return nil, err
	}
	return a.Store.ListAudit(ctx, entity, entityID, limit)
}
