package store

import (
	"context"
	"fmt"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// ProjectListFilter selects projects. CommuneIDs are current communes (nil
// = everywhere, empty = nothing); a project matches when the unit it was
// registered in is one of them or a former unit whose area went into
// them. Query is matched, folded (vi.SearchKey), against the title and
// the code.
type ProjectListFilter struct {
	CommuneIDs  []int64
	State       string
	Year        int
	ContentArea string
	Query       string
	Limit       int
	Offset      int
}

// ProjectListRow is one project of a list with its money summed per kind:
// state sources (every source but counterpart) and counterpart, each as
// planned, approved, advanced and settled.
type ProjectListRow struct {
	ID          int64
	Code        string
	Title       string
	State       string
	ContentArea string
	CommuneID   int64
	CommuneName string
	Year        int
	Level       string
	DecisionNo  string
	DecidedOn   kc.Date
	StateFunds  FundingSums
	Counterpart FundingSums
}

// FundingSums is the funding of a project over some sources.
type FundingSums struct {
	Planned, Approved, Advanced, Settled int64
}

// projectListSelect reads the ProjectListRow columns of the project
// table; the funding sums are added by projectRows for the page only.
const projectListSelect = `SELECT p.id, p.code, p.title, p.state, p.content_area, p.commune_id, COALESCE(u.name, ''), p.year, p.level, p.decision_no, p.decided_on
	FROM project p
	LEFT JOIN unit u ON u.id = p.commune_id`

func scanProjectListRow(r interface{ Scan(...any) error }, row *ProjectListRow) error {
	return r.Scan(&row.ID, &row.Code, &row.Title, &row.State, &row.ContentArea, &row.CommuneID, &row.CommuneName, &row.Year, &row.Level,
		&row.DecisionNo, &row.DecidedOn)
}

// projectWhere returns the conditions of f (without the query) over alias p.
func (tx *Tx) projectWhere(ctx context.Context, f ProjectListFilter) ([]string, []any, error) {
	var where []string
	var args []any
	if f.CommuneIDs != nil {
		hist, err := tx.historyUnits(ctx, f.CommuneIDs)
		if err != nil {
			return nil, nil, err
		}
		where = append(where, "p.commune_id IN "+intList(hist))
	}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.State != "" {
		add("p.state = $%d", f.State)
	}
	if f.Year != 0 {
		add("p.year = $%d", f.Year)
	}
	if f.ContentArea != "" {
		add("p.content_area = $%d", f.ContentArea)
	}
	return where, args, nil
}

// ListProjects returns one page of the projects f selects, newest plan
// year first then by code, and how many match in all. The query is
// matched against the folded title (search_key) and the code.
func (s *Store) ListProjects(ctx context.Context, f ProjectListFilter) ([]ProjectListRow, int, error) {
	var out []ProjectListRow
	total := 0
	err := s.View(ctx, func(tx *Tx) error {
		out, total = nil, 0
		if f.CommuneIDs != nil && len(f.CommuneIDs) == 0 {
			return nil
		}
		where, args, err := tx.projectWhere(ctx, f)
		if err != nil {
			return err
		}
		cond := ""
		if len(where) > 0 {
			cond = " WHERE " + strings.Join(where, " AND ")
		}
		const order = " ORDER BY p.year DESC, p.code DESC, p.id DESC"
		if key := vi.SearchKey(f.Query); key != "" {
			// The folded title, or the code without its hyphens
			// ("da20260001"), contains the folded query.
			args = append(args, "%"+key+"%")
			n := len(args)
			where = append(where, fmt.Sprintf("(p.search_key LIKE $%d OR lower(replace(p.code, '-', '')) LIKE $%d)", n, n))
			cond = " WHERE " + strings.Join(where, " AND ")
		}
		n, err := tx.count(ctx, "SELECT COUNT(*) FROM project p"+cond, args...)
		if err != nil {
			return fmt.Errorf("store: count projects: %w", err)
		}
		total = int(n)
		out, err = tx.projectRows(ctx, cond+order+limitOffset(f.Limit, f.Offset), args...)
		return err
	})
	return out, total, err
}

// projectRows runs projectListSelect with a WHERE/ORDER tail and adds the
// funding of the rows, summed per kind.
func (tx *Tx) projectRows(ctx context.Context, tail string, args ...any) ([]ProjectListRow, error) {
	rows, err := tx.query(ctx, projectListSelect+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list projects: %w", err)
	}
	out, err := collectRows(rows, scanProjectListRow)
	if err != nil || len(out) == 0 {
		return out, err
	}
	index := make(map[int64]int, len(out))
	ids := make([]int64, len(out))
	for i, r := range out {
		index[r.ID] = i
		ids[i] = r.ID
	}
	for start := 0; start < len(ids); start += 1000 {
		rows, err := tx.query(ctx, `SELECT project_id, source <> 'counterpart', SUM(planned), SUM(approved), SUM(advanced), SUM(settled)
			FROM project_funding WHERE project_id IN `+intList(ids[start:min(start+1000, len(ids))])+` GROUP BY project_id, source <> 'counterpart'`)
		if err != nil {
			return nil, fmt.Errorf("store: list project funding: %w", err)
		}
		for rows.Next() {
			var id int64
			var state bool
			var f FundingSums
			if err := rows.Scan(&id, &state, &f.Planned, &f.Approved, &f.Advanced, &f.Settled); err != nil {
				rows.Close()
				return nil, err
			}
			if state {
				out[index[id]].StateFunds = f
			} else {
				out[index[id]].Counterpart = f
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EstablishmentProjects returns the projects establishment id is a
// beneficiary of, in the given states (none = every state), newest first.
func (s *Store) EstablishmentProjects(ctx context.Context, id int64, states []string) ([]ProjectListRow, error) {
	var out []ProjectListRow
	err := s.View(ctx, func(tx *Tx) error {
		q := " WHERE p.id IN (SELECT project_id FROM project_beneficiary WHERE establishment_id = $1)"
		args := []any{id}
		if len(states) > 0 {
			var ph []string
			for _, st := range states {
				args = append(args, st)
				ph = append(ph, fmt.Sprintf("$%d", len(args)))
			}
			q += " AND p.state IN (" + strings.Join(ph, ", ") + ")"
		}
		var err error
		out, err = tx.projectRows(ctx, q+" ORDER BY p.year DESC, p.code DESC, p.id DESC", args...)
		return err
	})
	return out, err
}

// CurrentCommunesOf returns the communes in force that unit id is or whose
// area it went into (following successions), for checking a project's
// scope: projects keep the unit of their registration day.
func (tx *Tx) CurrentCommunesOf(ctx context.Context, id int64) ([]int64, error) {
	ids, err := tx.ids(ctx, `WITH RECURSIVE f(id) AS (SELECT CAST($1 AS BIGINT) UNION SELECT s.to_unit_id FROM unit_succession s JOIN f ON s.from_unit_id = f.id)
		SELECT u.id FROM f JOIN unit u ON u.id = f.id WHERE u.level = 'commune' AND u.valid_to IS NULL ORDER BY u.id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: current communes of %d: %w", id, err)
	}
	return ids, nil
}

// FundingOverlap is another project that funds, with state money, the
// same cost item of the same establishment: the candidate of a double
// state funding (data-model invariant 3). The caller compares periods.
type FundingOverlap struct {
	ProjectID       int64
	Code, Title     string
	State           string
	Year            int
	StartsOn        kc.Date
	EndsOn          kc.Date
	EstablishmentID int64
	Item            string
	ItemKey         string
}

// FundingOverlaps returns, for the establishments ests and cost-item keys
// keys, the cost lines of other projects (not excludeID, not in a state
// of skipStates) that share an establishment and an item key and carry
// state funding (planned or approved, every source but counterpart).
func (tx *Tx) FundingOverlaps(ctx context.Context, excludeID int64, ests []int64, keys []string, skipStates []string) ([]FundingOverlap, error) {
	if len(ests) == 0 || len(keys) == 0 {
		return nil, nil
	}
	args := []any{excludeID}
	ph := func(vals []string) string {
		var p []string
		for _, v := range vals {
			args = append(args, v)
			p = append(p, fmt.Sprintf("$%d", len(args)))
		}
		return "(" + strings.Join(p, ", ") + ")"
	}
	keyIn := ph(keys)
	skip := ""
	if len(skipStates) > 0 {
		skip = " AND p.state NOT IN " + ph(skipStates)
	}
	rows, err := tx.query(ctx, `SELECT p.id, p.code, p.title, p.state, p.year, p.starts_on, p.ends_on, b.establishment_id, c.item, c.item_key
		FROM project p
		JOIN project_beneficiary b ON b.project_id = p.id
		JOIN project_cost_line c ON c.project_id = p.id
		WHERE p.id <> $1 AND b.establishment_id IN `+intList(ests)+` AND c.item_key IN `+keyIn+skip+`
		AND EXISTS (SELECT 1 FROM project_funding f WHERE f.project_id = p.id AND f.source <> 'counterpart' AND (f.planned > 0 OR f.approved > 0))
		ORDER BY p.year, p.code, b.establishment_id, c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: funding overlaps: %w", err)
	}
	return collectRows(rows, func(r rowScanner, o *FundingOverlap) error {
		return r.Scan(&o.ProjectID, &o.Code, &o.Title, &o.State, &o.Year, &o.StartsOn, &o.EndsOn, &o.EstablishmentID, &o.Item, &o.ItemKey)
	})
}
