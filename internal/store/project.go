package store

import (
	"context"
	"fmt"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// projectColumns is the column list scanned by scanProject.
const projectColumns = `id, code, title, year, level, COALESCE(scheme_id, 0), content_area, implementing_org, commune_id, state,
	registered_on, decided_on, decision_no, accepted_on, settled_on, reject_reason, demo,
	appraised_on, closed_on, starts_on, ends_on, is_group, expected_jobs, priority_points, version`

func scanProject(r interface{ Scan(...any) error }, p *kc.Project, version *int) error {
	return r.Scan(&p.ID, &p.Code, &p.Title, &p.Year, &p.Level, &p.SchemeID, &p.ContentArea, &p.ImplementingOrg, &p.CommuneID, &p.State,
		&p.RegisteredOn, &p.DecidedOn, &p.DecisionNo, &p.AcceptedOn, &p.SettledOn, &p.RejectReason, &p.Demo,
		&p.AppraisedOn, &p.ClosedOn, &p.StartsOn, &p.EndsOn, &p.Group, &p.ExpectedJobs, &p.PriorityPoints, version)
}

// CreateProject inserts a project with its cost lines, funding lines,
// beneficiaries, outputs and events in one transaction and returns it with
// its id.
func (s *Store) CreateProject(ctx context.Context, p kc.Project) (kc.Project, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		p, err = tx.CreateProject(ctx, p)
		return err
	})
	return p, err
}

// CreateProject is CreateProject inside tx. The project starts at version
// 1; createdBy (0 = none) is recorded by CreateProjectBy.
func (tx *Tx) CreateProject(ctx context.Context, p kc.Project) (kc.Project, error) {
	return tx.CreateProjectBy(ctx, p, 0)
}

// CreateProjectBy is CreateProject recording the user who drafted it.
func (tx *Tx) CreateProjectBy(ctx context.Context, p kc.Project, createdBy int64) (kc.Project, error) {
	p.Title = vi.NFC(p.Title)
	p.ImplementingOrg = vi.NFC(p.ImplementingOrg)
	var scheme any
	if p.SchemeID != 0 {
		scheme = p.SchemeID
	}
	id, err := tx.insert(ctx, `INSERT INTO project (code, title, year, level, scheme_id, content_area, implementing_org, commune_id, state,
		registered_on, decided_on, decision_no, accepted_on, settled_on, reject_reason, demo, version, created_at, updated_at,
		appraised_on, closed_on, starts_on, ends_on, is_group, expected_jobs, priority_points, created_by, search_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1, $17, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)`,
		p.Code, p.Title, p.Year, p.Level, scheme, p.ContentArea, p.ImplementingOrg, p.CommuneID, p.State,
		p.RegisteredOn, p.DecidedOn, p.DecisionNo, p.AcceptedOn, p.SettledOn, p.RejectReason, p.Demo, tx.now,
		p.AppraisedOn, p.ClosedOn, p.StartsOn, p.EndsOn, p.Group, p.ExpectedJobs, p.PriorityPoints, nullInt64(createdBy), vi.SearchKey(p.Title))
	if err != nil {
		return p, fmt.Errorf("store: create project %s: %w", p.Code, err)
	}
	p.ID = id
	if err := tx.insertCostLines(ctx, id, p.CostLines); err != nil {
		return p, err
	}
	for _, f := range p.Funding {
		if _, err := tx.exec(ctx, `INSERT INTO project_funding (project_id, source, planned, approved, advanced, settled) VALUES ($1, $2, $3, $4, $5, $6)`,
			id, f.Source, f.Planned, f.Approved, f.Advanced, f.Settled); err != nil {
			return p, fmt.Errorf("store: project %s funding %s: %w", p.Code, f.Source, err)
		}
	}
	if err := tx.insertBeneficiaries(ctx, id, p.Beneficiaries); err != nil {
		return p, err
	}
	if err := tx.insertOutputs(ctx, id, p.Outputs); err != nil {
		return p, err
	}
	for _, ev := range p.Events {
		if err := tx.AddProjectEvent(ctx, id, ev); err != nil {
			return p, err
		}
	}
	return p, nil
}

// insertCostLines writes cost lines of project id with their folded item
// keys (vi.SearchKey), which the double-funding check compares.
func (tx *Tx) insertCostLines(ctx context.Context, id int64, lines []kc.CostLine) error {
	for i, c := range lines {
		item := vi.NFC(c.Item)
		if _, err := tx.exec(ctx, `INSERT INTO project_cost_line (project_id, item, item_key, quantity, unit_cost, amount) VALUES ($1, $2, $3, $4, $5, $6)`,
			id, item, vi.SearchKey(item), c.Quantity, c.UnitCost, c.Amount); err != nil {
			return fmt.Errorf("store: project %d cost line %d: %w", id, i+1, err)
		}
	}
	return nil
}

// insertBeneficiaries links establishments to project id.
func (tx *Tx) insertBeneficiaries(ctx context.Context, id int64, ests []int64) error {
	for _, e := range ests {
		if _, err := tx.exec(ctx, `INSERT INTO project_beneficiary (project_id, establishment_id) VALUES ($1, $2)`, id, e); err != nil {
			return fmt.Errorf("store: project %d beneficiary %d: %w", id, e, err)
		}
	}
	return nil
}

// insertOutputs writes the recorded results of project id.
func (tx *Tx) insertOutputs(ctx context.Context, id int64, outs []kc.Output) error {
	for _, o := range outs {
		if _, err := tx.exec(ctx, `INSERT INTO project_output (project_id, kind, value) VALUES ($1, $2, $3)`, id, o.Kind, o.Value); err != nil {
			return fmt.Errorf("store: project %d output %s: %w", id, o.Kind, err)
		}
	}
	return nil
}

// AddProjectEvent appends one event (a transition, an adjustment, a
// follow-up) to project id; a zero At is the transaction's time.
func (tx *Tx) AddProjectEvent(ctx context.Context, id int64, ev kc.ProjectEvent) error {
	if ev.At.IsZero() {
		ev.At = tx.now
	}
	if _, err := tx.exec(ctx, `INSERT INTO project_event (project_id, from_state, to_state, at, actor_id, note, document_ref) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		id, ev.From, ev.To, ev.At.UTC(), nullInt64(ev.ActorID), vi.NFC(ev.Note), vi.NFC(ev.DocumentRef)); err != nil {
		return fmt.Errorf("store: project %d event %s: %w", id, ev.To, err)
	}
	return nil
}

// GetProject returns a project with its cost lines, funding lines,
// beneficiaries, outputs and events, or ENotFound.
func (s *Store) GetProject(ctx context.Context, id int64) (kc.Project, error) {
	var p kc.Project
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		p, _, err = tx.GetProject(ctx, id)
		return err
	})
	return p, err
}

// GetProject is GetProject inside tx; it also returns the row's version
// (the optimistic lock of UpdateProject and UpdateProjectState).
func (tx *Tx) GetProject(ctx context.Context, id int64) (kc.Project, int, error) {
	var p kc.Project
	var version int
	if err := scanProject(tx.queryRow(ctx, "SELECT "+projectColumns+" FROM project WHERE id = $1", id), &p, &version); err != nil {
		return p, 0, fmt.Errorf("store: get project %d: %w", id, tx.s.mapErr(err))
	}
	rows, err := tx.query(ctx, "SELECT item, quantity, unit_cost, amount FROM project_cost_line WHERE project_id = $1 ORDER BY id", id)
	if err != nil {
		return p, 0, fmt.Errorf("store: project %d cost lines: %w", id, err)
	}
	for rows.Next() {
		var c kc.CostLine
		if err := rows.Scan(&c.Item, &c.Quantity, &c.UnitCost, &c.Amount); err != nil {
			rows.Close()
			return p, 0, err
		}
		p.CostLines = append(p.CostLines, c)
	}
	rows.Close()
	rows, err = tx.query(ctx, "SELECT source, planned, approved, advanced, settled FROM project_funding WHERE project_id = $1 ORDER BY id", id)
	if err != nil {
		return p, 0, fmt.Errorf("store: project %d funding: %w", id, err)
	}
	for rows.Next() {
		var f kc.Funding
		if err := rows.Scan(&f.Source, &f.Planned, &f.Approved, &f.Advanced, &f.Settled); err != nil {
			rows.Close()
			return p, 0, err
		}
		p.Funding = append(p.Funding, f)
	}
	rows.Close()
	if p.Beneficiaries, err = tx.ids(ctx, "SELECT establishment_id FROM project_beneficiary WHERE project_id = $1 ORDER BY establishment_id", id); err != nil {
		return p, 0, fmt.Errorf("store: project %d beneficiaries: %w", id, err)
	}
	rows, err = tx.query(ctx, "SELECT kind, value FROM project_output WHERE project_id = $1 ORDER BY id", id)
	if err != nil {
		return p, 0, fmt.Errorf("store: project %d outputs: %w", id, err)
	}
	for rows.Next() {
		var o kc.Output
		if err := rows.Scan(&o.Kind, &o.Value); err != nil {
			rows.Close()
			return p, 0, err
		}
		p.Outputs = append(p.Outputs, o)
	}
	rows.Close()
	rows, err = tx.query(ctx, `SELECT e.from_state, e.to_state, e.at, COALESCE(e.actor_id, 0), COALESCE(NULLIF(u.display_name, ''), u.username, ''), e.note, e.document_ref
		FROM project_event e LEFT JOIN app_user u ON u.id = e.actor_id WHERE e.project_id = $1 ORDER BY e.at, e.id`, id)
	if err != nil {
		return p, 0, fmt.Errorf("store: project %d events: %w", id, err)
	}
	p.Events, err = collectRows(rows, func(r rowScanner, ev *kc.ProjectEvent) error {
		return r.Scan(&ev.From, &ev.To, timeScan{&ev.At}, &ev.ActorID, &ev.ActorName, &ev.Note, &ev.DocumentRef)
	})
	return p, version, err
}
