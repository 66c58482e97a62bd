package store

import (
	"context"
	"fmt"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// projectColumns is the column list scanned by scanProject.
const projectColumns = `id, code, title, year, level, COALESCE(scheme_id, 0), content_area, implementing_org, commune_id, state,
	registered_on, decided_on, decision_no, accepted_on, settled_on, reject_reason, demo`

func scanProject(r interface{ Scan(...any) error }, p *kc.Project) error {
	return r.Scan(&p.ID, &p.Code, &p.Title, &p.Year, &p.Level, &p.SchemeID, &p.ContentArea, &p.ImplementingOrg, &p.CommuneID, &p.State,
		&p.RegisteredOn, &p.DecidedOn, &p.DecisionNo, &p.AcceptedOn, &p.SettledOn, &p.RejectReason, &p.Demo)
}

// CreateProject inserts a project with its funding lines, beneficiaries,
// outputs and events in one transaction and returns it with its id.
func (s *Store) CreateProject(ctx context.Context, p kc.Project) (kc.Project, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		p, err = tx.CreateProject(ctx, p)
		return err
	})
	return p, err
}

// CreateProject is CreateProject inside tx.
func (tx *Tx) CreateProject(ctx context.Context, p kc.Project) (kc.Project, error) {
	p.Title = vi.NFC(p.Title)
	var scheme any
	if p.SchemeID != 0 {
		scheme = p.SchemeID
	}
	id, err := tx.insert(ctx, `INSERT INTO project (code, title, year, level, scheme_id, content_area, implementing_org, commune_id, state,
		registered_on, decided_on, decision_no, accepted_on, settled_on, reject_reason, demo, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1, $17, $17)`,
		p.Code, p.Title, p.Year, p.Level, scheme, p.ContentArea, vi.NFC(p.ImplementingOrg), p.CommuneID, p.State,
		p.RegisteredOn, p.DecidedOn, p.DecisionNo, p.AcceptedOn, p.SettledOn, p.RejectReason, p.Demo, tx.now)
	if err != nil {
		return p, fmt.Errorf("store: create project %s: %w", p.Code, err)
	}
	p.ID = id
	for _, f := range p.Funding {
		if _, err := tx.exec(ctx, `INSERT INTO project_funding (project_id, source, planned, approved, advanced, settled) VALUES ($1, $2, $3, $4, $5, $6)`,
			id, f.Source, f.Planned, f.Approved, f.Advanced, f.Settled); err != nil {
			return p, fmt.Errorf("store: project %s funding %s: %w", p.Code, f.Source, err)
		}
	}
	for _, e := range p.Beneficiaries {
		if _, err := tx.exec(ctx, `INSERT INTO project_beneficiary (project_id, establishment_id) VALUES ($1, $2)`, id, e); err != nil {
			return p, fmt.Errorf("store: project %s beneficiary %d: %w", p.Code, e, err)
		}
	}
	for _, o := range p.Outputs {
		if _, err := tx.exec(ctx, `INSERT INTO project_output (project_id, kind, value) VALUES ($1, $2, $3)`, id, o.Kind, o.Value); err != nil {
			return p, fmt.Errorf("store: project %s output %s: %w", p.Code, o.Kind, err)
		}
	}
	for _, ev := range p.Events {
		if ev.At.IsZero() {
			ev.At = tx.now
		}
		if _, err := tx.exec(ctx, `INSERT INTO project_event (project_id, from_state, to_state, at, actor_id, note, document_ref) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			id, ev.From, ev.To, ev.At.UTC(), nullInt64(ev.ActorID), ev.Note, ev.DocumentRef); err != nil {
			return p, fmt.Errorf("store: project %s event %s: %w", p.Code, ev.To, err)
		}
	}
	return p, nil
}

// GetProject returns a project with its funding lines, beneficiaries,
// outputs and events, or ENotFound.
func (s *Store) GetProject(ctx context.Context, id int64) (kc.Project, error) {
	var p kc.Project
	err := s.View(ctx, func(tx *Tx) error {
		if err := scanProject(tx.queryRow(ctx, "SELECT "+projectColumns+" FROM project WHERE id = $1", id), &p); err != nil {
			return fmt.Errorf("store: get project %d: %w", id, tx.s.mapErr(err))
		}
		rows, err := tx.query(ctx, "SELECT source, planned, approved, advanced, settled FROM project_funding WHERE project_id = $1 ORDER BY id", id)
		if err != nil {
			return fmt.Errorf("store: project %d funding: %w", id, err)
		}
		for rows.Next() {
			var f kc.Funding
			if err := rows.Scan(&f.Source, &f.Planned, &f.Approved, &f.Advanced, &f.Settled); err != nil {
				rows.Close()
				return err
			}
			p.Funding = append(p.Funding, f)
		}
		rows.Close()
		if p.Beneficiaries, err = tx.ids(ctx, "SELECT establishment_id FROM project_beneficiary WHERE project_id = $1 ORDER BY establishment_id", id); err != nil {
			return fmt.Errorf("store: project %d beneficiaries: %w", id, err)
		}
		rows, err = tx.query(ctx, "SELECT kind, value FROM project_output WHERE project_id = $1 ORDER BY id", id)
		if err != nil {
			return fmt.Errorf("store: project %d outputs: %w", id, err)
		}
		for rows.Next() {
			var o kc.Output
			if err := rows.Scan(&o.Kind, &o.Value); err != nil {
				rows.Close()
				return err
			}
			p.Outputs = append(p.Outputs, o)
		}
		rows.Close()
		rows, err = tx.query(ctx, "SELECT from_state, to_state, at, COALESCE(actor_id, 0), note, document_ref FROM project_event WHERE project_id = $1 ORDER BY at, id", id)
		if err != nil {
			return fmt.Errorf("store: project %d events: %w", id, err)
		}
		defer rows.Close()
		for rows.Next() {
			var ev kc.ProjectEvent
			if err := rows.Scan(&ev.From, &ev.To, timeScan{&ev.At}, &ev.ActorID, &ev.Note, &ev.DocumentRef); err != nil {
				return err
			}
			p.Events = append(p.Events, ev)
		}
		return rows.Err()
	})
	return p, err
}
