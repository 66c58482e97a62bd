package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// Plan is an annual khuyến công plan (kế hoạch khuyến công) of one unit
// (a province or a commune in force) for one year, with the unit's code,
// name and level read alongside.
type Plan struct {
	ID        int64
	Year      int
	UnitID    int64
	UnitCode  string
	UnitName  string
	UnitLevel string
	Note      string
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// PlanEnvelope is the amount of one funding source in a plan: for every
// content area when ContentArea is "", or for that content area alone.
type PlanEnvelope struct {
	Source      string
	ContentArea string
	Amount      int64
}

// PlanCommitment is what approved projects of a plan's year and area
// hold of one funding source in one content area: the approved amount
// (Committed) and what was paid out (Disbursed: the advances, or the
// settled amount once the project is settled).
type PlanCommitment struct {
	Source      string
	ContentArea string
	Committed   int64
	Disbursed   int64
}

// PlanCandidate is a proposal an annual plan may fund: its funding lines,
// the sum of its council's appraisal scores and how many members scored
// it, and its pin in the plan ("" when the plan holds no row for it).
type PlanCandidate struct {
	ProjectID      int64
	Code           string
	Title          string
	CommuneID      int64
	CommuneName    string
	ContentArea    string
	State          string
	Year           int
	ExpectedJobs   int
	PriorityPoints int
	Funding        []kc.Funding
	ScoreSum       int64
	Scorers        int
	Pin            string
}

// Scenario is a saved optimiser run of a plan: its inputs and results as
// JSON written by the application layer.
type Scenario struct {
	ID        int64
	PlanID    int64
	Name      string
	Inputs    string
	Results   string
	CreatedAt time.Time
}

// Pin words stored in plan_candidate.pinned.
const (
	PinFree = "free"
	PinIn   = "in"
	PinOut  = "out"
)

// CommittedStates are the project states whose approved funding a plan
// counts as committed.
var CommittedStates = []string{kc.StateApproved, kc.StateInProgress, kc.StateAccepted, kc.StateSettled, kc.StateClosed}

// CandidateStates are the project states of the proposals a plan chooses
// from.
var CandidateStates = []string{kc.StateRegistered, kc.StateAppraised}

// closedCandidateStates are the states in which a project listed in
// plan_candidate no longer is a candidate: committed already, or out of
// the running.
var closedCandidateStates = append([]string{kc.StateRejected, kc.StateWithdrawn, kc.StateStopped, kc.StateCancelled, kc.StateCarriedOver}, CommittedStates...)

// sqlStrings writes a parenthesised list of string literals. Only for
// constants of this package, never for user input.
func sqlStrings(ss []string) string {
	return "('" + strings.Join(ss, "','") + "')"
}

const planCols = `p.id, p.year, p.unit_id, u.code, u.name, u.level, p.note, p.version, p.created_at, p.updated_at`

func scanPlan(r interface{ Scan(...any) error }, p *Plan) error {
	return r.Scan(&p.ID, &p.Year, &p.UnitID, &p.UnitCode, &p.UnitName, &p.UnitLevel, &p.Note, &p.Version, timeScan{&p.CreatedAt}, timeScan{&p.UpdatedAt})
}

// plansQuery runs a query selecting planCols from plan p joined with unit u.
func (tx *Tx) plansQuery(ctx context.Context, where string, args ...any) ([]Plan, error) {
	rows, err := tx.query(ctx, "SELECT "+planCols+" FROM plan p JOIN unit u ON u.id = p.unit_id "+where, args...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanPlan)
}

// CreatePlan inserts the plan of year for unitID, version 1. A second plan
// for the same year and unit is EConflict with key "plan.exists".
func (tx *Tx) CreatePlan(ctx context.Context, year int, unitID int64, note string) (Plan, error) {
	id, err := tx.insert(ctx, `INSERT INTO plan (year, unit_id, note, version, created_at, updated_at) VALUES ($1, $2, $3, 1, $4, $4)`,
		year, unitID, vi.NFC(note), tx.now)
	if err != nil {
		if kc.ErrorCode(err) == kc.EConflict {
			return Plan{}, kc.Errorf(kc.EConflict, "plan.exists", year).Wrap(err)
		}
		return Plan{}, fmt.Errorf("store: create plan %d/%d: %w", year, unitID, err)
	}
	return tx.GetPlan(ctx, id)
}

// GetPlan returns the plan with id, or ENotFound.
func (s *Store) GetPlan(ctx context.Context, id int64) (Plan, error) {
	return viewValue(ctx, s, func(tx *Tx) (Plan, error) { return tx.GetPlan(ctx, id) })
}

// GetPlan is GetPlan inside tx.
func (tx *Tx) GetPlan(ctx context.Context, id int64) (Plan, error) {
	ps, err := tx.plansQuery(ctx, "WHERE p.id = $1", id)
	if err != nil {
		return Plan{}, fmt.Errorf("store: get plan %d: %w", id, err)
	}
	if len(ps) == 0 {
		return Plan{}, kc.Errorf(kc.ENotFound, "plan.not_found", id)
	}
	return ps[0], nil
}

// FindPlan returns the plan of year for unitID, or ENotFound.
func (s *Store) FindPlan(ctx context.Context, year int, unitID int64) (Plan, error) {
	var p Plan
	err := s.View(ctx, func(tx *Tx) error {
		ps, err := tx.plansQuery(ctx, "WHERE p.year = $1 AND p.unit_id = $2", year, unitID)
		if err != nil {
			return fmt.Errorf("store: find plan %d/%d: %w", year, unitID, err)
		}
		if len(ps) == 0 {
			return kc.Errorf(kc.ENotFound, "plan.not_found_year", year)
		}
		p = ps[0]
		return nil
	})
	return p, err
}

// ListPlans returns the plans of year (every year when 0), newest year
// first, then by unit code.
func (s *Store) ListPlans(ctx context.Context, year int) ([]Plan, error) {
	var out []Plan
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		if year != 0 {
			out, err = tx.plansQuery(ctx, "WHERE p.year = $1 ORDER BY p.year DESC, u.code, p.id", year)
		} else {
			out, err = tx.plansQuery(ctx, "ORDER BY p.year DESC, u.code, p.id")
		}
		if err != nil {
			return fmt.Errorf("store: list plans: %w", err)
		}
		return nil
	})
	return out, err
}

// TouchPlan marks a change of plan id: version + 1 and updated_at. When
// version is not 0 it must be the stored version, else EConflict with key
// "plan.version_conflict" and nothing changes. It returns the new version.
func (tx *Tx) TouchPlan(ctx context.Context, id int64, version int) (int, error) {
	q := "UPDATE plan SET version = version + 1, updated_at = $1 WHERE id = $2"
	args := []any{tx.now, id}
	if version != 0 {
		q += " AND version = $3"
		args = append(args, version)
	}
	res, err := tx.exec(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("store: touch plan %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := tx.GetPlan(ctx, id); err != nil {
			return 0, err
		}
		return 0, kc.Errorf(kc.EConflict, "plan.version_conflict")
	}
	var v int
	if err := tx.queryRow(ctx, "SELECT version FROM plan WHERE id = $1", id).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: plan %d version: %w", id, tx.s.mapErr(err))
	}
	return v, nil
}

// PlanEnvelopes returns the envelopes of a plan by source and content
// area.
func (s *Store) PlanEnvelopes(ctx context.Context, planID int64) ([]PlanEnvelope, error) {
	return viewValue(ctx, s, func(tx *Tx) ([]PlanEnvelope, error) { return tx.PlanEnvelopes(ctx, planID) })
}

// PlanEnvelopes is PlanEnvelopes inside tx.
func (tx *Tx) PlanEnvelopes(ctx context.Context, planID int64) ([]PlanEnvelope, error) {
	rows, err := tx.query(ctx, "SELECT source, content_area, amount FROM plan_envelope WHERE plan_id = $1 ORDER BY source, content_area", planID)
	if err != nil {
		return nil, fmt.Errorf("store: plan %d envelopes: %w", planID, err)
	}
	return collectRows(rows, func(r rowScanner, e *PlanEnvelope) error {
		return r.Scan(&e.Source, &e.ContentArea, &e.Amount)
	})
}

// SetPlanEnvelope sets the amount of a plan's envelope for a source and
// content area ("" for all areas), creating it when missing.
func (tx *Tx) SetPlanEnvelope(ctx context.Context, planID int64, e PlanEnvelope) error {
	_, err := tx.exec(ctx, `INSERT INTO plan_envelope (plan_id, source, content_area, amount) VALUES ($1, $2, $3, $4)
		ON CONFLICT (plan_id, source, content_area) DO UPDATE SET amount = excluded.amount`, planID, e.Source, e.ContentArea, e.Amount)
	if err != nil {
		return fmt.Errorf("store: plan %d envelope %s/%s: %w", planID, e.Source, e.ContentArea, err)
	}
	return nil
}

// PlanCommitments sums, per funding source and content area, the approved
// and disbursed funding of the projects of year in a committed state
// (CommittedStates) registered in the area of the given current communes:
// in one of them, or in a former unit whose area went into them.
func (s *Store) PlanCommitments(ctx context.Context, year int, communeIDs []int64) ([]PlanCommitment, error) {
	return viewValue(ctx, s, func(tx *Tx) ([]PlanCommitment, error) { return tx.PlanCommitments(ctx, year, communeIDs) })
}

// PlanCommitments is PlanCommitments inside tx.
func (tx *Tx) PlanCommitments(ctx context.Context, year int, communeIDs []int64) ([]PlanCommitment, error) {
	if len(communeIDs) == 0 {
		return nil, nil
	}
	rows, err := tx.query(ctx, `WITH RECURSIVE `+historyCTELiteral(communeIDs)+`
		SELECT f.source, p.content_area, COALESCE(SUM(f.approved), 0),
			COALESCE(SUM(CASE WHEN p.state IN `+sqlStrings([]string{kc.StateSettled, kc.StateClosed})+` THEN f.settled ELSE f.advanced END), 0)
		FROM project p JOIN project_funding f ON f.project_id = p.id
		WHERE p.year = $1 AND p.state IN `+sqlStrings(CommittedStates)+` AND p.commune_id IN (SELECT id FROM h)
		GROUP BY f.source, p.content_area ORDER BY f.source, p.content_area`, year)
	if err != nil {
		return nil, fmt.Errorf("store: plan commitments %d: %w", year, err)
	}
	return collectRows(rows, func(r rowScanner, c *PlanCommitment) error {
		return r.Scan(&c.Source, &c.ContentArea, &c.Committed, &c.Disbursed)
	})
}

// candidateWhere selects the candidates of plan $1 for year $2 over the
// history CTE h: the year's proposals in a candidate state in the area,
// and the projects the plan lists that are still open.
var candidateWhere = `(p.year = $2 AND p.state IN ` + sqlStrings(CandidateStates) + ` AND p.commune_id IN (SELECT id FROM h))
	OR (c.project_id IS NOT NULL AND p.state NOT IN ` + sqlStrings(closedCandidateStates) + `)`

// PlanCandidates returns the proposals plan planID of year chooses from
// in the area of the given current communes (see candidateWhere), in code
// order, with funding lines, appraisal totals and pins.
func (s *Store) PlanCandidates(ctx context.Context, planID int64, year int, communeIDs []int64) ([]PlanCandidate, error) {
	return viewValue(ctx, s, func(tx *Tx) ([]PlanCandidate, error) { return tx.PlanCandidates(ctx, planID, year, communeIDs) })
}

// PlanCandidates is PlanCandidates inside tx.
func (tx *Tx) PlanCandidates(ctx context.Context, planID int64, year int, communeIDs []int64) ([]PlanCandidate, error) {
	rows, err := tx.query(ctx, `WITH RECURSIVE `+historyCTELiteral(communeIDs)+`
		SELECT p.id, p.code, p.title, p.commune_id, u.name, p.content_area, p.state, p.year, p.expected_jobs, p.priority_points, COALESCE(c.pinned, '')
		FROM project p JOIN unit u ON u.id = p.commune_id
		LEFT JOIN plan_candidate c ON c.plan_id = $1 AND c.project_id = p.id
		WHERE `+candidateWhere+` ORDER BY p.code, p.id`, planID, year)
	if err != nil {
		return nil, fmt.Errorf("store: plan %d candidates: %w", planID, err)
	}
	out, err := collectRows(rows, func(r rowScanner, c *PlanCandidate) error {
		return r.Scan(&c.ProjectID, &c.Code, &c.Title, &c.CommuneID, &c.CommuneName, &c.ContentArea, &c.State, &c.Year,
			&c.ExpectedJobs, &c.PriorityPoints, &c.Pin)
	})
	if err != nil {
		return nil, err
	}
	index := make(map[int64]int, len(out))
	for i, c := range out {
		index[c.ProjectID] = i
	}
	for start := 0; start < len(out); start += 500 {
		ids := make([]int64, 0, 500)
		for _, c := range out[start:min(start+500, len(out))] {
			ids = append(ids, c.ProjectID)
		}
		in, args := inInts(1, ids)
		rows, err := tx.query(ctx, "SELECT project_id, source, planned, approved, advanced, settled FROM project_funding WHERE project_id IN "+in+" ORDER BY project_id, id", args...)
		if err != nil {
			return nil, fmt.Errorf("store: plan %d candidate funding: %w", planID, err)
		}
		for rows.Next() {
			var id int64
			var f kc.Funding
			if err := rows.Scan(&id, &f.Source, &f.Planned, &f.Approved, &f.Advanced, &f.Settled); err != nil {
				rows.Close()
				return nil, err
			}
			c := &out[index[id]]
			c.Funding = append(c.Funding, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		rows, err = tx.query(ctx, "SELECT project_id, COALESCE(SUM(score), 0), COUNT(DISTINCT member_id) FROM appraisal WHERE project_id IN "+in+" GROUP BY project_id", args...)
		if err != nil {
			return nil, fmt.Errorf("store: plan %d candidate appraisals: %w", planID, err)
		}
		for rows.Next() {
			var id, sum int64
			var n int
			if err := rows.Scan(&id, &sum, &n); err != nil {
				rows.Close()
				return nil, err
			}
			c := &out[index[id]]
			c.ScoreSum, c.Scorers = sum, n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CountPlanCandidates counts the candidates PlanCandidates would return.
func (s *Store) CountPlanCandidates(ctx context.Context, planID int64, year int, communeIDs []int64) (int, error) {
	var n int64
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		n, err = tx.count(ctx, `WITH RECURSIVE `+historyCTELiteral(communeIDs)+`
			SELECT COUNT(*) FROM project p LEFT JOIN plan_candidate c ON c.plan_id = $1 AND c.project_id = p.id
			WHERE `+candidateWhere, planID, year)
		if err != nil {
			return fmt.Errorf("store: count plan %d candidates: %w", planID, err)
		}
		return nil
	})
	return int(n), err
}

// SetPlanPin records the pin (PinFree, PinIn or PinOut) of a project in a
// plan, listing the project among the plan's candidates.
func (tx *Tx) SetPlanPin(ctx context.Context, planID, projectID int64, pin string) error {
	_, err := tx.exec(ctx, `INSERT INTO plan_candidate (plan_id, project_id, pinned) VALUES ($1, $2, $3)
		ON CONFLICT (plan_id, project_id) DO UPDATE SET pinned = excluded.pinned`, planID, projectID, pin)
	if err != nil {
		return fmt.Errorf("store: plan %d pin %d: %w", planID, projectID, err)
	}
	return nil
}

// CreateScenario stores a saved optimiser run and returns it with its id
// and creation time.
func (tx *Tx) CreateScenario(ctx context.Context, sc Scenario) (Scenario, error) {
	sc.Name = vi.NFC(sc.Name)
	sc.CreatedAt = tx.now
	id, err := tx.insert(ctx, `INSERT INTO scenario (plan_id, name, inputs, results, created_at) VALUES ($1, $2, $3, $4, $5)`,
		sc.PlanID, sc.Name, sc.Inputs, sc.Results, sc.CreatedAt)
	if err != nil {
		return sc, fmt.Errorf("store: create scenario of plan %d: %w", sc.PlanID, err)
	}
	sc.ID = id
	return sc, nil
}

const scenarioCols = "id, plan_id, name, inputs, results, created_at"

// scenariosQuery runs a query selecting scenarioCols.
func (tx *Tx) scenariosQuery(ctx context.Context, q string, args ...any) ([]Scenario, error) {
	rows, err := tx.query(ctx, "SELECT "+scenarioCols+" FROM scenario "+q, args...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner, sc *Scenario) error {
		return r.Scan(&sc.ID, &sc.PlanID, &sc.Name, &sc.Inputs, &sc.Results, timeScan{&sc.CreatedAt})
	})
}

// GetScenario returns the saved scenario with id, or ENotFound.
func (s *Store) GetScenario(ctx context.Context, id int64) (Scenario, error) {
	var out Scenario
	err := s.View(ctx, func(tx *Tx) error {
		scs, err := tx.scenariosQuery(ctx, "WHERE id = $1", id)
		if err != nil {
			return fmt.Errorf("store: get scenario %d: %w", id, err)
		}
		if len(scs) == 0 {
			return kc.Errorf(kc.ENotFound, "plan.scenario_not_found", id)
		}
		out = scs[0]
		return nil
	})
	return out, err
}

// ListScenarios returns the saved scenarios of a plan, oldest first.
func (s *Store) ListScenarios(ctx context.Context, planID int64) ([]Scenario, error) {
	var out []Scenario
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		if out, err = tx.scenariosQuery(ctx, "WHERE plan_id = $1 ORDER BY created_at, id", planID); err != nil {
			return fmt.Errorf("store: list scenarios of plan %d: %w", planID, err)
		}
		return nil
	})
	return out, err
}

// SeedAppraisal is one appraisal score row written by the demo loader:
// the score a council member gave a project on one item of the score
// sheet.
type SeedAppraisal struct {
	ProjectID int64
	MemberID  int64
	Item      string
	Score     int
	Comment   string
	At        time.Time
}

// SeedAppraisals writes appraisal rows as given, replacing a member's
// earlier score on the same item; for loading generated data, not for
// council members (the application's scoring use case checks them).
func (tx *Tx) SeedAppraisals(ctx context.Context, rows []SeedAppraisal) error {
	for _, r := range rows {
		at := r.At
		if at.IsZero() {
			at = tx.now
		}
		if _, err := tx.exec(ctx, `INSERT INTO appraisal (project_id, member_id, item, score, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (project_id, member_id, item) DO UPDATE SET score = excluded.score, comment = excluded.comment, created_at = excluded.created_at`,
			r.ProjectID, r.MemberID, r.Item, r.Score, vi.NFC(r.Comment), at.UTC()); err != nil {
			return fmt.Errorf("store: seed appraisal %d/%s: %w", r.ProjectID, r.Item, err)
		}
	}
	return nil
}

// SeedScoreItem is one active item of the appraisal score sheet, as the
// demo loader spreads a generated total over the sheet.
type SeedScoreItem struct {
	Code     string
	MaxScore int
}

// SeedScoreSheet returns the active items of the appraisal score sheet in
// sheet order.
func (tx *Tx) SeedScoreSheet(ctx context.Context) ([]SeedScoreItem, error) {
	rows, err := tx.query(ctx, "SELECT code, max_score FROM score_item WHERE active ORDER BY position, id")
	if err != nil {
		return nil, fmt.Errorf("store: score sheet: %w", err)
	}
	return collectRows(rows, func(r rowScanner, it *SeedScoreItem) error {
		return r.Scan(&it.Code, &it.MaxScore)
	})
}

// ProjectIDsByCode returns the ids of the projects with the given codes;
// unknown codes are left out of the map.
func (tx *Tx) ProjectIDsByCode(ctx context.Context, codes []string) (map[string]int64, error) {
	out := map[string]int64{}
	for start := 0; start < len(codes); start += 500 {
		part := codes[start:min(start+500, len(codes))]
		var b strings.Builder
		args := make([]any, len(part))
		b.WriteByte('(')
		for i, c := range part {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "$%d", i+1)
			args[i] = c
		}
		b.WriteByte(')')
		rows, err := tx.query(ctx, "SELECT code, id FROM project WHERE code IN "+b.String(), args...)
		if err != nil {
			return nil, fmt.Errorf("store: project ids by code: %w", err)
		}
		for rows.Next() {
			var code string
			var id int64
			if err := rows.Scan(&code, &id); err != nil {
				rows.Close()
				return nil, err
			}
			out[code] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
