package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// projectCodeLockKey is the first key of the advisory lock that
// serialises project numbering on PostgreSQL (the second is the year).
const projectCodeLockKey = 7305913

// NextProjectCode returns the next free project code of a plan year,
// "DA-<year>-<nnnn>", numbered after the highest code of that form.
//
// On PostgreSQL it first takes a transaction-scoped advisory lock for the
// year, so two drafts created at the same moment queue instead of both
// reading the same highest code (SQLite's single writer already does).
func (tx *Tx) NextProjectCode(ctx context.Context, year int) (string, error) {
	if tx.Dialect().Postgres() {
		if _, err := tx.exec(ctx, "SELECT pg_advisory_xact_lock($1, $2)", projectCodeLockKey, year); err != nil {
			return "", fmt.Errorf("store: project code lock %d: %w", year, err)
		}
	}
	prefix := fmt.Sprintf("DA-%d-", year)
	rows, err := tx.query(ctx, "SELECT code FROM project WHERE code LIKE $1", prefix+"%")
	if err != nil {
		return "", fmt.Errorf("store: next project code %d: %w", year, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return "", err
		}
		if k, err := strconv.Atoi(strings.TrimPrefix(code, prefix)); err == nil && k > n {
			n = k
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s%04d", prefix, n+1), nil
}

// errStale is the answer to a write whose version no longer matches.
func errStale(id int64) error {
	return &kc.Error{Code: kc.EConflict, Key: "error.conflict", Err: fmt.Errorf("store: project %d: stale version", id)}
}

// UpdateProjectDraft replaces the editable content of a project (title,
// classification, schedule, beneficiaries, cost lines and planned funding)
// when its version is still version, and returns the new version; a
// stale version is EConflict, a missing project ENotFound.
func (tx *Tx) UpdateProjectDraft(ctx context.Context, p kc.Project, version int) (int, error) {
	var scheme any
	if p.SchemeID != 0 {
		scheme = p.SchemeID
	}
	res, err := tx.exec(ctx, `UPDATE project SET title = $1, year = $2, level = $3, scheme_id = $4, content_area = $5, implementing_org = $6,
		commune_id = $7, starts_on = $8, ends_on = $9, is_group = $10, expected_jobs = $11, version = version + 1, updated_at = $12,
		search_key = $15
		WHERE id = $13 AND version = $14`,
		vi.NFC(p.Title), p.Year, p.Level, scheme, p.ContentArea, vi.NFC(p.ImplementingOrg), p.CommuneID, p.StartsOn, p.EndsOn, p.Group, p.ExpectedJobs,
		tx.now, p.ID, version, vi.SearchKey(p.Title))
	if err != nil {
		return 0, fmt.Errorf("store: update project %d: %w", p.ID, err)
	}
	if err := tx.checkLocked(ctx, res, p.ID); err != nil {
		return 0, err
	}
	for _, q := range []string{"DELETE FROM project_cost_line WHERE project_id = $1", "DELETE FROM project_funding WHERE project_id = $1",
		"DELETE FROM project_beneficiary WHERE project_id = $1"} {
		if _, err := tx.exec(ctx, q, p.ID); err != nil {
			return 0, fmt.Errorf("store: update project %d: %w", p.ID, err)
		}
	}
	if err := tx.insertCostLines(ctx, p.ID, p.CostLines); err != nil {
		return 0, err
	}
	for _, f := range p.Funding {
		if _, err := tx.exec(ctx, `INSERT INTO project_funding (project_id, source, planned, approved, advanced, settled) VALUES ($1, $2, $3, $4, $5, $6)`,
			p.ID, f.Source, f.Planned, f.Approved, f.Advanced, f.Settled); err != nil {
			return 0, fmt.Errorf("store: project %d funding %s: %w", p.ID, f.Source, err)
		}
	}
	if err := tx.insertBeneficiaries(ctx, p.ID, p.Beneficiaries); err != nil {
		return 0, err
	}
	return version + 1, nil
}

// checkLocked turns an UPDATE … WHERE version = $v that touched no row
// into ENotFound (no such project) or EConflict (someone else changed it).
func (tx *Tx) checkLocked(ctx context.Context, res interface{ RowsAffected() (int64, error) }, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 1 {
		return nil
	}
	exists, err := tx.count(ctx, "SELECT COUNT(*) FROM project WHERE id = $1", id)
	if err != nil {
		return err
	}
	if exists == 0 {
		return &kc.Error{Code: kc.ENotFound, Key: "error.not_found", Err: fmt.Errorf("store: no project %d", id)}
	}
	return errStale(id)
}

// SaveProjectState writes the lifecycle fields of p (state, dates,
// decision, reason, pinned scheme version, schedule) and its funding
// amounts per source when its version is still version, and returns the
// new version. Outputs are replaced when replaceOutputs is set. A stale
// version is EConflict.
func (tx *Tx) SaveProjectState(ctx context.Context, p kc.Project, version int, replaceOutputs bool) (int, error) {
	var scheme any
	if p.SchemeID != 0 {
		scheme = p.SchemeID
	}
	res, err := tx.exec(ctx, `UPDATE project SET state = $1, registered_on = $2, appraised_on = $3, decided_on = $4, decision_no = $5,
		accepted_on = $6, settled_on = $7, closed_on = $8, reject_reason = $9, scheme_id = $10, starts_on = $11, ends_on = $12,
		version = version + 1, updated_at = $13
		WHERE id = $14 AND version = $15`,
		p.State, p.RegisteredOn, p.AppraisedOn, p.DecidedOn, vi.NFC(p.DecisionNo), p.AcceptedOn, p.SettledOn, p.ClosedOn, vi.NFC(p.RejectReason),
		scheme, p.StartsOn, p.EndsOn, tx.now, p.ID, version)
	if err != nil {
		return 0, fmt.Errorf("store: save project %d: %w", p.ID, err)
	}
	if err := tx.checkLocked(ctx, res, p.ID); err != nil {
		return 0, err
	}
	for _, f := range p.Funding {
		if _, err := tx.exec(ctx, `INSERT INTO project_funding (project_id, source, planned, approved, advanced, settled) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (project_id, source) DO UPDATE SET planned = excluded.planned, approved = excluded.approved,
			advanced = excluded.advanced, settled = excluded.settled`,
			p.ID, f.Source, f.Planned, f.Approved, f.Advanced, f.Settled); err != nil {
			return 0, fmt.Errorf("store: project %d funding %s: %w", p.ID, f.Source, err)
		}
	}
	if replaceOutputs {
		if _, err := tx.exec(ctx, "DELETE FROM project_output WHERE project_id = $1", p.ID); err != nil {
			return 0, fmt.Errorf("store: project %d outputs: %w", p.ID, err)
		}
		if err := tx.insertOutputs(ctx, p.ID, p.Outputs); err != nil {
			return 0, err
		}
	}
	return version + 1, nil
}

// AddProjectOutputs appends recorded results to project id (follow-ups).
func (tx *Tx) AddProjectOutputs(ctx context.Context, id int64, outs []kc.Output) error {
	return tx.insertOutputs(ctx, id, outs)
}

// TouchProject raises the version of project id (a change to its
// appraisal, reports or follow-ups) when it is still version; 0 skips the
// check. It returns the new version.
func (tx *Tx) TouchProject(ctx context.Context, id int64, version int) (int, error) {
	var cur int
	if err := tx.queryRow(ctx, "SELECT version FROM project WHERE id = $1", id).Scan(&cur); err != nil {
		return 0, fmt.Errorf("store: project %d: %w", id, tx.s.mapErr(err))
	}
	if version == 0 {
		version = cur
	}
	res, err := tx.exec(ctx, "UPDATE project SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3", tx.now, id, version)
	if err != nil {
		return 0, fmt.Errorf("store: touch project %d: %w", id, err)
	}
	if err := tx.checkLocked(ctx, res, id); err != nil {
		return 0, err
	}
	return version + 1, nil
}

// DeleteProject removes project id with its lines, links and events
// (ENotFound when missing). The application allows it for drafts only.
func (tx *Tx) DeleteProject(ctx context.Context, id int64) error {
	for _, q := range []string{"DELETE FROM project_cost_line WHERE project_id = $1", "DELETE FROM project_funding WHERE project_id = $1",
		"DELETE FROM project_beneficiary WHERE project_id = $1", "DELETE FROM project_output WHERE project_id = $1",
		"DELETE FROM project_event WHERE project_id = $1", "DELETE FROM appraisal WHERE project_id = $1",
		"DELETE FROM project_report WHERE project_id = $1", "DELETE FROM plan_candidate WHERE project_id = $1"} {
		if _, err := tx.exec(ctx, q, id); err != nil {
			return fmt.Errorf("store: delete project %d: %w", id, err)
		}
	}
	res, err := tx.exec(ctx, "DELETE FROM project WHERE id = $1", id)
	if err != nil {
		return fmt.Errorf("store: delete project %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &kc.Error{Code: kc.ENotFound, Key: "error.not_found", Err: fmt.Errorf("store: no project %d", id)}
	}
	return nil
}
