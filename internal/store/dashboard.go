package store

import (
	"context"
	"fmt"
	"strings"

	"khuyencong/internal/kc"
)

// DashboardCounts are the home-page counts for a set of communes.
type DashboardCounts struct {
	Communes         int64 // communes in force in scope
	Establishments   int64
	WorkersLatest    int64 // workers in each establishment's latest facts
	Projects         int64
	ProjectsThisYear int64
	ActiveProjects   int64 // approved and not yet settled
	OutreachSessions int64 // sessions held this year
	// Funding is the approved amount per source of this year's projects,
	// in kc.FundingSources order, sources without money left out.
	Funding []SourceTotal
}

// SourceTotal is an amount in đồng for one funding source.
type SourceTotal struct {
	Source string
	Amount int64
}

// activeStates are the project states counted as active: approved and not
// yet settled.
var activeStates = []string{kc.StateApproved, kc.StateInProgress, kc.StateAccepted, kc.StateCarriedOver}

func activeStatesSQL() string {
	q := make([]string, len(activeStates))
	for i, s := range activeStates {
		q[i] = "'" + s + "'"
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// historyCTE returns a recursive CTE "h(id)" of the communes in scope and
// every former unit whose area went into them (followed through several
// reorganisations), with its arguments starting at $start. Projects and
// outreach sessions keep the unit valid on their day, so they are matched
// against h.
func historyCTE(start int, communeIDs []int64) (string, []any) {
	in, args := inInts(start, communeIDs)
	return `h(id) AS (SELECT id FROM unit WHERE id IN ` + in + `
		UNION SELECT s.from_unit_id FROM unit_succession s JOIN h ON s.to_unit_id = h.id)`, args
}

// DashboardCounts computes the dashboard for communeIDs (nil = everywhere,
// empty = nothing) and the given year, with one short query per figure in
// one read transaction. It stays fast on a million establishments: the
// establishment figures come from commune_stat (one row per commune, kept
// exact by triggers), the others from the year and commune indexes.
func (s *Store) DashboardCounts(ctx context.Context, communeIDs []int64, year int) (DashboardCounts, error) {
	var d DashboardCounts
	if communeIDs != nil && len(communeIDs) == 0 {
		return d, nil
	}
	from, to := kc.NewDate(year, 1, 1), kc.NewDate(year, 12, 31)
	err := s.View(ctx, func(tx *Tx) error {
		d = DashboardCounts{}
		estWhere, estArgs := "", []any(nil)
		// Scope clauses on the historical units, for queries whose own
		// arguments take one ($2 onwards) or two ($3 onwards) places.
		hist2, hist3, phist2 := "", "", ""
		var histArgs []any
		if communeIDs != nil {
			d.Communes = int64(len(communeIDs))
			var in string
			in, estArgs = inInts(1, communeIDs)
			estWhere = " WHERE commune_id IN " + in
			cte, a := historyCTE(1, communeIDs)
			hist, err := tx.ids(ctx, "WITH RECURSIVE "+cte+" SELECT id FROM h", a...)
			if err != nil {
				return fmt.Errorf("store: dashboard scope: %w", err)
			}
			in2, args := inInts(2, hist)
			in3, _ := inInts(3, hist)
			hist2, hist3, phist2, histArgs = " WHERE commune_id IN "+in2, " AND commune_id IN "+in3, " AND p.commune_id IN "+in2, args
		} else {
			n, err := tx.count(ctx, "SELECT COUNT(*) FROM unit WHERE level = 'commune' AND valid_to IS NULL")
			if err != nil {
				return fmt.Errorf("store: dashboard communes: %w", err)
			}
			d.Communes = n
		}
		if err := tx.queryRow(ctx, "SELECT COALESCE(SUM(establishments), 0), COALESCE(SUM(workers), 0) FROM commune_stat"+estWhere, estArgs...).
			Scan(&d.Establishments, &d.WorkersLatest); err != nil {
			return fmt.Errorf("store: dashboard establishments: %w", tx.s.mapErr(err))
		}
		if err := tx.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN year = $1 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN state IN `+activeStatesSQL()+` THEN 1 ELSE 0 END), 0)
			FROM project`+hist2, append([]any{year}, histArgs...)...).Scan(&d.Projects, &d.ProjectsThisYear, &d.ActiveProjects); err != nil {
			return fmt.Errorf("store: dashboard projects: %w", tx.s.mapErr(err))
		}
		n, err := tx.count(ctx, "SELECT COUNT(*) FROM outreach_session WHERE held_on >= $1 AND held_on <= $2"+hist3, append([]any{from, to}, histArgs...)...)
		if err != nil {
			return fmt.Errorf("store: dashboard outreach: %w", err)
		}
		d.OutreachSessions = n
		rows, err := tx.query(ctx, `SELECT f.source, SUM(f.approved) FROM project p JOIN project_funding f ON f.project_id = p.id
			WHERE p.year = $1`+phist2+` GROUP BY f.source`, append([]any{year}, histArgs...)...)
		if err != nil {
			return fmt.Errorf("store: dashboard funding: %w", err)
		}
		defer rows.Close()
		sums := map[string]int64{}
		for rows.Next() {
			var src string
			var amt int64
			if err := rows.Scan(&src, &amt); err != nil {
				return err
			}
			sums[src] = amt
		}
		if err := rows.Err(); err != nil {
			return err
		}
		d.Funding = orderFunding(sums)
		return nil
	})
	return d, err
}

// orderFunding lists the non-zero sums in kc.FundingSources order, then any
// other source by name.
func orderFunding(sums map[string]int64) []SourceTotal {
	var out []SourceTotal
	for _, src := range kc.FundingSources {
		if v, ok := sums[src]; ok && v != 0 {
			out = append(out, SourceTotal{src, v})
		}
		delete(sums, src)
	}
	var rest []string
	for src := range sums {
		rest = append(rest, src)
	}
	for _, src := range sortedStrings(rest) {
		if sums[src] != 0 {
			out = append(out, SourceTotal{src, sums[src]})
		}
	}
	return out
}

func sortedStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}

// DashboardCountsRaw computes the same figures as DashboardCounts with a
// single SQL statement, as the baseline the benchmarks compare against.
// With scan set it counts establishments and sums their latest workers
// from the establishment table itself instead of commune_stat, to show
// what the summary saves.
func (s *Store) DashboardCountsRaw(ctx context.Context, communeIDs []int64, year int, scan bool) (DashboardCounts, error) {
	var d DashboardCounts
	if communeIDs != nil && len(communeIDs) == 0 {
		return d, nil
	}
	from, to := kc.NewDate(year, 1, 1), kc.NewDate(year, 12, 31)
	args := []any{year, from, to}
	cte := "WITH sc(id) AS (SELECT id FROM unit WHERE level = 'commune' AND valid_to IS NULL)"
	est, proj, pproj := "", "", ""
	if communeIDs != nil {
		h, a := historyCTE(len(args)+1, communeIDs)
		in, _ := inInts(len(args)+1, communeIDs)
		cte = "WITH RECURSIVE sc(id) AS (SELECT id FROM unit WHERE id IN " + in + "), " + h
		args = append(args, a...)
		est = " WHERE commune_id IN (SELECT id FROM sc)"
		proj = " AND commune_id IN (SELECT id FROM h)"
		pproj = " AND p.commune_id IN (SELECT id FROM h)"
	}
	estCount := "(SELECT COALESCE(SUM(establishments), 0) FROM commune_stat" + est + ")"
	estWorkers := "(SELECT COALESCE(SUM(workers), 0) FROM commune_stat" + est + ")"
	if scan {
		estCount = "(SELECT COUNT(*) FROM establishment" + est + ")"
		estWorkers = "(SELECT COALESCE(SUM(latest_workers), 0) FROM establishment" + est + ")"
	}
	var fund strings.Builder
	for _, src := range kc.FundingSources {
		fmt.Fprintf(&fund, ",\n\t(SELECT COALESCE(SUM(f.approved), 0) FROM project p JOIN project_funding f ON f.project_id = p.id WHERE p.year = $1 AND f.source = '%s'%s)", src, pproj)
	}
	q := cte + `
	SELECT (SELECT COUNT(*) FROM sc),
	` + estCount + `,
	` + estWorkers + `,
	(SELECT COUNT(*) FROM project WHERE 1 = 1` + proj + `),
	(SELECT COUNT(*) FROM project WHERE year = $1` + proj + `),
	(SELECT COUNT(*) FROM project WHERE state IN ` + activeStatesSQL() + proj + `),
	(SELECT COUNT(*) FROM outreach_session WHERE held_on >= $2 AND held_on <= $3` + proj + `)` + fund.String()
	amounts := make([]int64, len(kc.FundingSources))
	dest := []any{&d.Communes, &d.Establishments, &d.WorkersLatest, &d.Projects, &d.ProjectsThisYear, &d.ActiveProjects, &d.OutreachSessions}
	for i := range amounts {
		dest = append(dest, &amounts[i])
	}
	err := s.View(ctx, func(tx *Tx) error {
		if err := tx.queryRow(ctx, q, args...).Scan(dest...); err != nil {
			return fmt.Errorf("store: dashboard raw: %w", tx.s.mapErr(err))
		}
		return nil
	})
	sums := map[string]int64{}
	for i, src := range kc.FundingSources {
		sums[src] = amounts[i]
	}
	d.Funding = orderFunding(sums)
	return d, err
}

// UnitNames returns the names of the given units ("Xã Đakrông"), by id.
func (s *Store) UnitNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	err := s.View(ctx, func(tx *Tx) error {
		in, args := inInts(1, ids)
		rows, err := tx.query(ctx, "SELECT id, name FROM unit WHERE id IN "+in, args...)
		if err != nil {
			return fmt.Errorf("store: unit names: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				return err
			}
			out[id] = name
		}
		return rows.Err()
	})
	return out, err
}
