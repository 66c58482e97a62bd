package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

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

// intList writes ids as a parenthesised list of integer literals. Only for
// ids that come from the database, never for raw user input.
func intList(ids []int64) string {
	if len(ids) == 0 {
		return "(NULL)"
	}
	b := make([]byte, 0, len(ids)*7+2)
	b = append(b, '(')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ')'))
}

// historyTTL is how long the former units of a scope are remembered.
// Successions change only when an administrator reloads the units.
const historyTTL = time.Minute

type historyKey struct {
	s     *Store
	scope string
}

type historyEntry struct {
	ids []int64
	at  time.Time
}

// historyCache remembers the former units of recent scopes; it is cleared
// when it grows past historyCacheMax entries.
var (
	historyMu    sync.Mutex
	historyCache = map[historyKey]historyEntry{}
)

const historyCacheMax = 1024

// historyUnits returns the communes in scope with every former unit whose
// area went into them, from a short-lived cache or from the database.
func (tx *Tx) historyUnits(ctx context.Context, communeIDs []int64) ([]int64, error) {
	key := historyKey{tx.s, intList(communeIDs)}
	now := time.Now()
	historyMu.Lock()
	e, ok := historyCache[key]
	historyMu.Unlock()
	if ok && now.Sub(e.at) < historyTTL {
		return e.ids, nil
	}
	ids, err := tx.ids(ctx, "WITH RECURSIVE "+historyCTELiteral(communeIDs)+" SELECT id FROM h ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: dashboard scope: %w", err)
	}
	historyMu.Lock()
	if len(historyCache) >= historyCacheMax {
		clear(historyCache)
	}
	historyCache[key] = historyEntry{ids, now}
	historyMu.Unlock()
	return ids, nil
}

// historyCTELiteral returns a recursive CTE "h(id)" of the communes in
// scope and every former unit whose area went into them (followed through
// several reorganisations). Projects and outreach sessions keep the unit
// valid on their day, so they are matched against h.
func historyCTELiteral(communeIDs []int64) string {
	return `h(id) AS (SELECT id FROM unit WHERE id IN ` + intList(communeIDs) + `
		UNION SELECT s.from_unit_id FROM unit_succession s JOIN h ON s.to_unit_id = h.id)`
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
		// The scope lists are ids read from the database, written into the
		// SQL as integer literals: binding hundreds of parameters costs more
		// than the queries themselves on SQLite.
		estWhere, hist2, hist3, phist2 := "", "", "", ""
		if communeIDs != nil {
			d.Communes = int64(len(communeIDs))
			estWhere = " WHERE commune_id IN " + intList(communeIDs)
			hist, err := tx.historyUnits(ctx, communeIDs)
			if err != nil {
				return err
			}
			in := intList(hist)
			hist2, hist3, phist2 = " WHERE commune_id IN "+in, " AND commune_id IN "+in, " AND p.commune_id IN "+in
		} else {
			n, err := tx.count(ctx, "SELECT COUNT(*) FROM unit WHERE level = 'commune' AND valid_to IS NULL")
			if err != nil {
				return fmt.Errorf("store: dashboard communes: %w", err)
			}
			d.Communes = n
		}
		if err := tx.queryRow(ctx, "SELECT COALESCE(SUM(establishments), 0), COALESCE(SUM(workers), 0) FROM commune_stat"+estWhere).
			Scan(&d.Establishments, &d.WorkersLatest); err != nil {
			return fmt.Errorf("store: dashboard establishments: %w", tx.s.mapErr(err))
		}
		if err := tx.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN year = $1 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN state IN `+activeStatesSQL()+` THEN 1 ELSE 0 END), 0)
			FROM project`+hist2, year).Scan(&d.Projects, &d.ProjectsThisYear, &d.ActiveProjects); err != nil {
			return fmt.Errorf("store: dashboard projects: %w", tx.s.mapErr(err))
		}
		n, err := tx.count(ctx, "SELECT COUNT(*) FROM outreach_session WHERE status = 'held' AND held_on >= $1 AND held_on <= $2"+hist3, from, to)
		if err != nil {
			return fmt.Errorf("store: dashboard outreach: %w", err)
		}
		d.OutreachSessions = n
		rows, err := tx.query(ctx, `SELECT f.source, SUM(f.approved) FROM project p JOIN project_funding f ON f.project_id = p.id
			WHERE p.year = $1`+phist2+` GROUP BY f.source`, year)
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
		cte = "WITH RECURSIVE sc(id) AS (SELECT id FROM unit WHERE id IN " + intList(communeIDs) + "), " + historyCTELiteral(communeIDs)
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
	// Projects and funding are each read once, in derived tables, so
	// the statement scans them once whatever the number of figures.
	var fund strings.Builder
	for i, src := range kc.FundingSources {
		fmt.Fprintf(&fund, ", COALESCE(SUM(CASE WHEN f.source = '%s' THEN f.approved END), 0) AS s%d", src, i)
	}
	var fundCols strings.Builder
	for i := range kc.FundingSources {
		fmt.Fprintf(&fundCols, ", fu.s%d", i)
	}
	q := cte + `
	SELECT (SELECT COUNT(*) FROM sc),
	` + estCount + `,
	` + estWorkers + `,
	pr.n, pr.y, pr.a,
	(SELECT COUNT(*) FROM outreach_session WHERE status = 'held' AND held_on >= $2 AND held_on <= $3` + proj + `)` + fundCols.String() + `
	FROM (SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN year = $1 THEN 1 ELSE 0 END), 0) AS y,
			COALESCE(SUM(CASE WHEN state IN ` + activeStatesSQL() + ` THEN 1 ELSE 0 END), 0) AS a
		FROM project WHERE 1 = 1` + proj + `) pr,
	(SELECT 1 AS one` + fund.String() + `
		FROM project p JOIN project_funding f ON f.project_id = p.id WHERE p.year = $1` + pproj + `) fu`
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
