package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"khuyencong/internal/kc"
)

// FundedStates are the project states a report counts as funded: approved
// and not refused, stopped or cancelled (approved, in progress, accepted,
// settled, closed, carried over to the next year). Migration 00007 writes
// the same list into the triggers of project_support: change both.
var FundedStates = []string{kc.StateApproved, kc.StateInProgress, kc.StateAccepted, kc.StateSettled, kc.StateClosed, kc.StateCarriedOver}

// ReportUnit is one unit of a report's at-time set: a unit whose records
// (projects, outreach sessions) count for the report's unit because it is
// that unit, lies under it, or went into it. Partial marks a former unit
// of which only part of the area went into the report's unit (through a
// partial succession), so its records are counted whole but the unit
// straddles the boundary.
type ReportUnit struct {
	kc.Unit
	Partial bool
}

// ReportUnits returns the at-time unit set of the roots: the closure of
// roots under children (unit.parent_id) and predecessors (a succession's
// to_unit_id → from_unit_id), to a fixpoint, in code order then id. A
// former district gives its old communes; a commune in force, itself and
// the communes merged into it; a province, every unit of it and of its
// predecessor provinces. A unit reached only through partial successions,
// and not split entirely among units wholly inside, is marked Partial.
func (s *Store) ReportUnits(ctx context.Context, roots []int64) ([]ReportUnit, error) {
	if len(roots) == 0 {
		return nil, nil
	}
	var out []ReportUnit
	err := s.View(ctx, func(tx *Tx) error {
		// all: everything reachable; whole: reachable through children and
		// full successions only.
		all, err := tx.unitClosure(ctx, roots, false)
		if err != nil {
			return err
		}
		whole, err := tx.unitClosure(ctx, roots, true)
		if err != nil {
			return err
		}
		// A unit reached through a partial succession whose every
		// successor is wholly inside is wholly inside too (split between
		// units of the report's unit): promote it and what lies under it,
		// until nothing changes.
		for range 8 {
			var cand []int64
			for id := range all {
				if !whole[id] {
					cand = append(cand, id)
				}
			}
			if len(cand) == 0 {
				break
			}
			slices.Sort(cand)
			out, err := tx.succTargets(ctx, cand)
			if err != nil {
				return err
			}
			var promote []int64
			for _, id := range cand {
				inside := true
				for _, to := range out[id] {
					if !whole[to] {
						inside = false
						break
					}
				}
				if inside {
					promote = append(promote, id)
				}
			}
			if len(promote) == 0 {
				break
			}
			more, err := tx.unitClosure(ctx, promote, true)
			if err != nil {
				return err
			}
			for id := range more {
				whole[id] = true
			}
		}
		ids := make([]int64, 0, len(all))
		for id := range all {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for start := 0; start < len(ids); start += 500 {
			us, err := tx.unitsQuery(ctx, "SELECT "+unitCols+" FROM unit u WHERE u.id IN "+intList(ids[start:min(start+500, len(ids))]))
			if err != nil {
				return err
			}
			for _, u := range us {
				out = append(out, ReportUnit{Unit: u, Partial: !whole[u.ID]})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: report units: %w", err)
	}
	slices.SortFunc(out, func(x, y ReportUnit) int {
		if c := strings.Compare(x.Code, y.Code); c != 0 {
			return c
		}
		return int(x.ID - y.ID)
	})
	return out, nil
}

// unitClosure returns roots with every unit under them or merged into
// them, followed to a fixpoint one level at a time; with fullOnly, only
// full successions are followed.
func (tx *Tx) unitClosure(ctx context.Context, roots []int64, fullOnly bool) (map[int64]bool, error) {
	seen := map[int64]bool{}
	frontier := []int64{}
	for _, id := range roots {
		if !seen[id] {
			seen[id] = true
			frontier = append(frontier, id)
		}
	}
	succ := ""
	if fullOnly {
		succ = " AND scope = '" + kc.SuccessionFull + "'"
	}
	for len(frontier) > 0 {
		var next []int64
		for start := 0; start < len(frontier); start += 1000 {
			in := intList(frontier[start:min(start+1000, len(frontier))])
			found, err := tx.ids(ctx, "SELECT id FROM unit WHERE parent_id IN "+in+
				" UNION SELECT from_unit_id FROM unit_succession WHERE to_unit_id IN "+in+succ)
			if err != nil {
				return nil, err
			}
			for _, id := range found {
				if !seen[id] {
					seen[id] = true
					next = append(next, id)
				}
			}
		}
		frontier = next
	}
	return seen, nil
}

// succTargets returns, for each of ids, the units its area went to.
func (tx *Tx) succTargets(ctx context.Context, ids []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	for start := 0; start < len(ids); start += 1000 {
		err := tx.each(ctx, "SELECT from_unit_id, to_unit_id FROM unit_succession WHERE from_unit_id IN "+intList(ids[start:min(start+1000, len(ids))]),
			func(scan func(...any) error) error {
				var from, to int64
				if err := scan(&from, &to); err != nil {
					return err
				}
				out[from] = append(out[from], to)
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReportScope selects what a report counts: the projects and outreach
// sessions registered in Units (the at-time set, nil = everywhere) in the
// years From…To, and the registry of the current communes Communes (nil =
// everywhere).
type ReportScope struct {
	Units    []int64
	Communes []int64
	From, To int
}

// ReportOptions tune ReportData: the project list is read when the funded
// projects number at most ListLimit, and an accepted project is overdue
// for settlement when it was accepted before SettleDueBefore (today minus
// the settlement period).
type ReportOptions struct {
	ListLimit       int
	SettleDueBefore kc.Date
}

// ReportFunds is the funding of the funded projects of one plan year from
// one source, in đồng.
type ReportFunds struct {
	Year     int
	Source   string
	Approved int64
	Advanced int64
	Settled  int64
}

// ReportArea counts the funded projects of one content area and level
// (national | local) and sums their approved state (every source but the
// counterpart) and counterpart funds.
type ReportArea struct {
	ContentArea   string
	Level         string
	Projects      int64
	StateApproved int64
	Counterpart   int64
}

// ReportGroup counts distinct supported establishments of one group (an
// at-time commune, a primary trade or a kind), with how many of them are
// women-owned and ethnic-minority-owned. ID is the unit or trade id (0
// for a kind, or for establishments without a primary trade).
type ReportGroup struct {
	ID             int64
	Key            string // the kind, the trade code, or the commune code
	Name           string // the trade or commune name ("" for a kind)
	Former         bool   // a commune no longer in force
	Establishments int64
	Women          int64
	Ethnic         int64
}

// ReportFeatured counts typical-product certificates of one year and level.
type ReportFeatured struct {
	Year     int
	Level    string
	Products int64
}

// ReportSessions counts the outreach sessions held in one unit and the
// people they reached.
type ReportSessions struct {
	UnitID   int64
	Sessions int64
	People   int64
}

// ReportProject is one project of a report's list.
type ReportProject struct {
	ID            int64
	Code          string
	Title         string
	Year          int
	CommuneID     int64
	CommuneName   string
	ContentArea   string
	State         string
	StateApproved int64
	Counterpart   int64
	AcceptedOn    kc.Date
}

// ReportData is every aggregate a period report is made of, computed in
// SQL (GROUP BY) in one read transaction.
type ReportData struct {
	Funds []ReportFunds // funded projects, by year and source
	Areas []ReportArea  // funded projects, by content area and level
	// Outputs sums project_output values of the funded projects by kind.
	Outputs map[string]int64
	// Supported counts the distinct beneficiaries of the funded projects
	// (Key and Name empty).
	Supported ReportGroup
	// MachineryEstablishments counts the distinct beneficiaries of funded
	// projects with a machines or lines output above zero.
	MachineryEstablishments int64
	// TraditionalTrades counts the distinct traditional trades among the
	// trades of the supported establishments.
	TraditionalTrades int64
	ByCommune         []ReportGroup // by the project's at-time commune
	ByTrade           []ReportGroup // by the establishment's primary trade
	ByKind            []ReportGroup
	Featured          []ReportFeatured
	Sessions          []ReportSessions // by at-time unit, units with sessions only
	// Registered counts the establishments of the current registry in the
	// scope's current communes.
	Registered int64
	// ProjectsAny counts the projects of the period in any state.
	ProjectsAny int64
	// Projects lists the funded projects when they are at most
	// ReportOptions.ListLimit, by year then code; nil otherwise.
	Projects []ReportProject
	// Overdue lists the accepted projects of the period whose settlement
	// is overdue, by code.
	Overdue []ReportProject
	// SettledUnspent is what the settled or closed projects of the
	// period left of their approved state funds (approved − settled,
	// summed over the state sources).
	SettledUnspent int64
}

// projectCond is the condition on the projects of a report scope, for
// the project table alias: plan year in the period, the unit in the
// at-time set. For the whole country the year is written +year, so
// SQLite reads the table in order rather than through the year index (a
// period of ten years covers nearly every project).
func (sc ReportScope) projectCond(alias string) string {
	if sc.Units == nil {
		return fmt.Sprintf("+%s.year >= %d AND +%s.year <= %d", alias, sc.From, alias, sc.To)
	}
	return fmt.Sprintf("%s.year >= %d AND %s.year <= %d AND %s.commune_id IN %s", alias, sc.From, alias, sc.To, alias, intList(sc.Units))
}

// fundedCond is projectCond limited to the funded states.
func (sc ReportScope) fundedCond(alias string) string {
	return sc.projectCond(alias) + " AND " + alias + ".state IN " + sqlStrings(FundedStates)
}

// joinProjects joins a child table of project ("project_funding f") to
// project p, up to and including the WHERE keyword and a join
// condition. For the whole country the child table is read first (CROSS
// JOIN fixes SQLite's order; PostgreSQL plans it as an inner join): every
// line is read anyway, in order, with one lookup of its project. For a
// unit the projects come first, from the commune index.
func (sc ReportScope) joinProjects(child string) string {
	alias := child[strings.LastIndexByte(child, ' ')+1:]
	if sc.Units == nil {
		return child + " CROSS JOIN project p WHERE p.id = " + alias + ".project_id"
	}
	return "project p JOIN " + child + " ON " + alias + ".project_id = p.id WHERE 1 = 1"
}

// supportedSub selects the establishment ids supported by funded projects.
func (sc ReportScope) supportedSub() string {
	return "SELECT b.establishment_id FROM project p JOIN project_beneficiary b ON b.project_id = p.id WHERE " + sc.fundedCond("p")
}

// supportCond is the condition on project_support rows s of the funded
// projects of a report scope (see projectCond).
func (sc ReportScope) supportCond() string {
	if sc.Units == nil {
		return fmt.Sprintf("+s.year >= %d AND +s.year <= %d AND s.funded", sc.From, sc.To)
	}
	return fmt.Sprintf("s.year >= %d AND s.year <= %d AND s.funded AND s.commune_id IN %s", sc.From, sc.To, intList(sc.Units))
}

// stateSum sums column col of project_funding alias f for the state
// sources (every source but the counterpart).
func stateSum(col string) string {
	return "COALESCE(SUM(CASE WHEN f.source <> '" + kc.SourceCounterpart + "' THEN f." + col + " ELSE 0 END), 0)"
}

// counterpartSum sums column col of project_funding alias f for the
// counterpart.
func counterpartSum(col string) string {
	return "COALESCE(SUM(CASE WHEN f.source = '" + kc.SourceCounterpart + "' THEN f." + col + " ELSE 0 END), 0)"
}

// ReportData computes the aggregates of a period report: the money,
// projects and outputs are GROUP BYs in the database, the supported
// establishments are read from the project_support summary (migration
// 00007), so a national report never holds its projects in memory. Four
// parts — supported establishments, money, outputs, and the rest — run in
// read transactions of their own side by side, so the whole takes about
// as long as the longest part (the money on SQLite). The parts may see
// the database a moment apart; a report is a statistic, not a ledger.
// Empty (non-nil) Units or Communes select nothing of that kind.
func (s *Store) ReportData(ctx context.Context, sc ReportScope, opt ReportOptions) (ReportData, error) {
	var sup, money, outputs ReportData
	moneyAreas := areaSums{}
	// read runs part in a read transaction of its own, beside the others.
	read := func(part func(tx *Tx) error) chan error {
		done := make(chan error, 1)
		go func() { done <- s.View(ctx, part) }()
		return done
	}
	waits := []chan error{
		read(func(tx *Tx) error { sup = ReportData{}; return tx.reportSupported(ctx, sc, &sup) }),
		read(func(tx *Tx) error {
			money = ReportData{}
			clear(moneyAreas)
			return tx.reportFunds(ctx, sc, &money, moneyAreas)
		}),
		read(func(tx *Tx) error { outputs = ReportData{}; return tx.reportOutputs(ctx, sc, &outputs) }),
	}
	var d ReportData
	areas := areaSums{}
	err := s.View(ctx, func(tx *Tx) error {
		d = ReportData{}
		clear(areas)
		return tx.reportData(ctx, sc, opt, &d, areas)
	})
	for _, done := range waits {
		if e := <-done; err == nil {
			err = e
		}
	}
	if err != nil {
		return ReportData{}, fmt.Errorf("store: report data: %w", err)
	}
	d.Funds, d.SettledUnspent, d.Outputs = money.Funds, money.SettledUnspent, outputs.Outputs
	areas.merge(moneyAreas)
	d.Areas = areas.sorted()
	d.Supported, d.MachineryEstablishments, d.TraditionalTrades = sup.Supported, sup.MachineryEstablishments, sup.TraditionalTrades
	d.ByCommune, d.ByTrade, d.ByKind = sup.ByCommune, sup.ByTrade, sup.ByKind
	return d, nil
}

// areaSums folds the money and project counts of the funded projects per
// (content area, level).
type areaSums map[[2]string]*ReportArea

// get returns the sums of one content area and level, created empty.
func (m areaSums) get(code, level string) *ReportArea {
	a := m[[2]string{code, level}]
	if a == nil {
		a = &ReportArea{ContentArea: code, Level: level}
		m[[2]string{code, level}] = a
	}
	return a
}

// merge adds the sums of o into m.
func (m areaSums) merge(o areaSums) {
	for k, a := range o {
		b := m.get(k[0], k[1])
		b.Projects += a.Projects
		b.StateApproved += a.StateApproved
		b.Counterpart += a.Counterpart
	}
}

// sorted returns the sums by content area, then level.
func (m areaSums) sorted() []ReportArea {
	out := make([]ReportArea, 0, len(m))
	for _, a := range m {
		out = append(out, *a)
	}
	slices.SortFunc(out, func(x, y ReportArea) int {
		return cmp.Or(strings.Compare(x.ContentArea, y.ContentArea), strings.Compare(x.Level, y.Level))
	})
	return out
}

// reportFunds reads the funding by year, content area, level and source
// in one pass over the funding lines of the funded projects: the funds by
// year and source (into d.Funds), the money of each content area (into
// areas) and what settled projects left unspent (d.SettledUnspent) are
// folded from these few groups.
func (tx *Tx) reportFunds(ctx context.Context, sc ReportScope, d *ReportData, areas areaSums) error {
	funded := sc.fundedCond("p")
	funds := map[[2]any]*ReportFunds{}
	err := tx.each(ctx, `SELECT p.year, p.content_area, p.level, f.source, COALESCE(SUM(f.approved), 0), COALESCE(SUM(f.advanced), 0),
			COALESCE(SUM(f.settled), 0), COALESCE(SUM(CASE WHEN p.state IN `+sqlStrings([]string{kc.StateSettled, kc.StateClosed})+`
				THEN f.approved - f.settled ELSE 0 END), 0)
		FROM `+sc.joinProjects("project_funding f")+` AND `+funded+`
		GROUP BY p.year, p.content_area, p.level, f.source`, func(scan func(...any) error) error {
		var r ReportFunds
		var code, level string
		var unspent int64
		if err := scan(&r.Year, &code, &level, &r.Source, &r.Approved, &r.Advanced, &r.Settled, &unspent); err != nil {
			return err
		}
		if f := funds[[2]any{r.Year, r.Source}]; f != nil {
			f.Approved += r.Approved
			f.Advanced += r.Advanced
			f.Settled += r.Settled
		} else {
			funds[[2]any{r.Year, r.Source}] = &r
		}
		a := areas.get(code, level)
		if r.Source == kc.SourceCounterpart {
			a.Counterpart += r.Approved
		} else {
			a.StateApproved += r.Approved
			d.SettledUnspent += unspent
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("funds: %w", err)
	}
	for _, f := range funds {
		d.Funds = append(d.Funds, *f)
	}
	slices.SortFunc(d.Funds, func(x, y ReportFunds) int {
		return cmp.Or(cmp.Compare(x.Year, y.Year), strings.Compare(x.Source, y.Source))
	})
	return nil
}

// reportData reads the project counts by content area, level and state
// (into areas) and the small figures (reportOthers).
func (tx *Tx) reportData(ctx context.Context, sc ReportScope, opt ReportOptions, d *ReportData, areas areaSums) error {
	// Projects by content area, level and state, in one pass over the
	// projects of the period (any state).
	err := tx.each(ctx, `SELECT p.content_area, p.level, p.state, COUNT(*) FROM project p WHERE `+sc.projectCond("p")+`
		GROUP BY p.content_area, p.level, p.state`, func(scan func(...any) error) error {
		var code, level, state string
		var n int64
		if err := scan(&code, &level, &state, &n); err != nil {
			return err
		}
		d.ProjectsAny += n
		if slices.Contains(FundedStates, state) {
			areas.get(code, level).Projects += n
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("projects: %w", err)
	}
	var fundedCount int64
	for _, a := range areas {
		fundedCount += a.Projects
	}
	return tx.reportOthers(ctx, sc, opt, d, fundedCount)
}

// reportOutputs sums the outputs of the funded projects by kind.
func (tx *Tx) reportOutputs(ctx context.Context, sc ReportScope, d *ReportData) error {
	d.Outputs = map[string]int64{}
	err := tx.each(ctx, `SELECT o.kind, COALESCE(SUM(o.value), 0) FROM `+sc.joinProjects("project_output o")+` AND `+sc.fundedCond("p")+`
		GROUP BY o.kind`, func(scan func(...any) error) error {
		var k string
		var v int64
		if err := scan(&k, &v); err != nil {
			return err
		}
		d.Outputs[k] = v
		return nil
	})
	if err != nil {
		return fmt.Errorf("outputs: %w", err)
	}
	return nil
}

// reportSupported counts the establishments the funded projects supported
// from one stream of project_support rows (migration 00007: one row per
// project and beneficiary, kept by triggers, with the project's at-time
// commune, the establishment's kind, owner flags and primary trade, and
// whether the project delivered machines or lines) folded in Go: distinct
// establishments by commune, by kind, by primary trade, and those given
// machinery. The traditional trades among the trades of any rank of the
// supported establishments are read by reportTraditional.
func (tx *Tx) reportSupported(ctx context.Context, sc ReportScope, d *ReportData) error {
	type est struct {
		kind        string
		women, ethn bool
		primary     int64
		machinery   bool
	}
	ests := map[int64]*est{}
	pairs := map[[2]int64]bool{}
	// Each row packs the kind's index in kc.EstablishmentKinds (unknown
	// kinds as len) into the stored flags (8 woman owner, 4 ethnic-minority
	// owner, 2 machinery): four integers per row.
	kindCase := "CASE s.kind"
	for i, k := range kc.EstablishmentKinds {
		kindCase += fmt.Sprintf(" WHEN '%s' THEN %d", k, i)
	}
	kindCase += fmt.Sprintf(" ELSE %d END", len(kc.EstablishmentKinds))
	cond := sc.supportCond()
	q := `SELECT s.commune_id, s.establishment_id, s.primary_trade_id, 16 * (` + kindCase + `) + s.flags
		FROM project_support s WHERE ` + cond
	err := tx.each(ctx, q, func(scan func(...any) error) error {
		var commune, id, trade, flags int64
		if err := scan(&commune, &id, &trade, &flags); err != nil {
			return err
		}
		e := ests[id]
		if e == nil {
			kind := "other"
			if k := int(flags >> 4); k < len(kc.EstablishmentKinds) {
				kind = kc.EstablishmentKinds[k]
			}
			e = &est{kind: kind, women: flags&8 != 0, ethn: flags&4 != 0, primary: trade}
			ests[id] = e
		}
		e.machinery = e.machinery || flags&2 != 0
		pairs[[2]int64{commune, id}] = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("supported: %w", err)
	}
	ids := make([]int64, 0, len(ests))
	for id := range ests {
		ids = append(ids, id)
	}
	if d.TraditionalTrades, err = tx.reportTraditional(ctx, cond, ids); err != nil {
		return fmt.Errorf("supported traditional trades: %w", err)
	}
	count := func(g *ReportGroup, e *est) {
		g.Establishments++
		if e.women {
			g.Women++
		}
		if e.ethn {
			g.Ethnic++
		}
	}
	byCommune := map[int64]*ReportGroup{}
	for p := range pairs {
		g := byCommune[p[0]]
		if g == nil {
			g = &ReportGroup{ID: p[0]}
			byCommune[p[0]] = g
		}
		count(g, ests[p[1]])
	}
	byKind := map[string]*ReportGroup{}
	byTrade := map[int64]*ReportGroup{}
	for _, e := range ests {
		count(&d.Supported, e)
		if e.machinery {
			d.MachineryEstablishments++
		}
		k := byKind[e.kind]
		if k == nil {
			k = &ReportGroup{Key: e.kind}
			byKind[e.kind] = k
		}
		count(k, e)
		t := byTrade[e.primary]
		if t == nil {
			t = &ReportGroup{ID: e.primary}
			byTrade[e.primary] = t
		}
		count(t, e)
	}
	// Names: the communes as they were, the trades of the catalogue.
	communes := make([]int64, 0, len(byCommune))
	for id := range byCommune {
		communes = append(communes, id)
	}
	if len(communes) > 0 {
		err = tx.each(ctx, "SELECT id, code, name, CASE WHEN valid_to IS NULL THEN 0 ELSE 1 END FROM unit WHERE id IN "+intList(communes), func(scan func(...any) error) error {
			var id int64
			var code, name string
			var former int
			if err := scan(&id, &code, &name, &former); err != nil {
				return err
			}
			g := byCommune[id]
			g.Key, g.Name, g.Former = code, name, former == 1
			return nil
		})
		if err != nil {
			return fmt.Errorf("supported communes: %w", err)
		}
	}
	err = tx.each(ctx, "SELECT id, code, name FROM trade", func(scan func(...any) error) error {
		var id int64
		var code, name string
		if err := scan(&id, &code, &name); err != nil {
			return err
		}
		if g := byTrade[id]; g != nil {
			g.Key, g.Name = code, name
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("supported trades: %w", err)
	}
	for _, g := range byCommune {
		d.ByCommune = append(d.ByCommune, *g)
	}
	for _, g := range byKind {
		d.ByKind = append(d.ByKind, *g)
	}
	var rest *ReportGroup // establishments without a primary trade: one group, ID 0, last
	for id, g := range byTrade {
		if id == 0 {
			rest = g
			continue
		}
		d.ByTrade = append(d.ByTrade, *g)
	}
	slices.SortFunc(d.ByCommune, func(x, y ReportGroup) int { return cmp.Or(strings.Compare(x.Key, y.Key), cmp.Compare(x.ID, y.ID)) })
	slices.SortFunc(d.ByKind, func(x, y ReportGroup) int { return strings.Compare(x.Key, y.Key) })
	slices.SortFunc(d.ByTrade, func(x, y ReportGroup) int {
		return cmp.Or(cmp.Compare(y.Establishments, x.Establishments), strings.Compare(x.Name, y.Name), cmp.Compare(x.ID, y.ID))
	})
	if rest != nil {
		d.ByTrade = append(d.ByTrade, *rest)
	}
	return nil
}

// traditionalProbeMin is the number of supported establishments from
// which reportTraditional probes each traditional trade instead of
// reading the trades of every supported establishment. A variable so the
// tests can take both paths.
var traditionalProbeMin = 20_000

// reportTraditional counts the distinct traditional trades among the
// trades of any rank of the supported establishments ids (the rows of
// project_support matching cond). For a few establishments it reads their
// trades by primary key; for many (a national report: 250,000) it asks
// for each traditional trade whether one of its establishments is
// supported, a probe that stops at the first one.
func (tx *Tx) reportTraditional(ctx context.Context, cond string, ids []int64) (int64, error) {
	var n int64
	if len(ids) < traditionalProbeMin {
		seen := map[int64]bool{}
		for chunk := range slices.Chunk(ids, 1000) {
			err := tx.each(ctx, `SELECT DISTINCT et.trade_id FROM establishment_trade et JOIN trade t ON t.id = et.trade_id
				WHERE t.traditional AND et.establishment_id IN `+intList(chunk), func(scan func(...any) error) error {
				var id int64
				if err := scan(&id); err != nil {
					return err
				}
				if !seen[id] {
					seen[id] = true
					n++
				}
				return nil
			})
			if err != nil {
				return 0, err
			}
		}
		return n, nil
	}
	var trades []int64
	err := tx.each(ctx, "SELECT id FROM trade WHERE traditional", func(scan func(...any) error) error {
		var id int64
		err := scan(&id)
		trades = append(trades, id)
		return err
	})
	if err != nil {
		return 0, err
	}
	for _, t := range trades {
		found := false
		err := tx.each(ctx, fmt.Sprintf(`SELECT 1 FROM establishment_trade et JOIN project_support s ON s.establishment_id = et.establishment_id
			WHERE et.trade_id = %d AND %s LIMIT 1`, t, cond), func(scan func(...any) error) error {
			found = true
			return nil
		})
		if err != nil {
			return 0, err
		}
		if found {
			n++
		}
	}
	return n, nil
}

// reportOthers reads the small figures: typical products, sessions, the
// registry, the project list (when the fundedCount funded projects are
// at most opt.ListLimit) and the overdue settlements.
func (tx *Tx) reportOthers(ctx context.Context, sc ReportScope, opt ReportOptions, d *ReportData, fundedCount int64) error {
	// Typical products of the registry's establishments.
	certJoin, certWhere := "", ""
	if sc.Communes != nil {
		certJoin = " JOIN establishment e ON e.id = c.establishment_id"
		certWhere = " AND e.commune_id IN " + intList(sc.Communes)
	}
	err := tx.each(ctx, fmt.Sprintf(`SELECT c.year, c.level, COUNT(*) FROM certificate c%s
		WHERE c.kind = '%s' AND c.year >= %d AND c.year <= %d%s GROUP BY c.year, c.level ORDER BY c.year, c.level`,
		certJoin, kc.CertTypicalProduct, sc.From, sc.To, certWhere), func(scan func(...any) error) error {
		var f ReportFeatured
		if err := scan(&f.Year, &f.Level, &f.Products); err != nil {
			return err
		}
		d.Featured = append(d.Featured, f)
		return nil
	})
	if err != nil {
		return fmt.Errorf("featured: %w", err)
	}
	if d.Sessions, err = tx.sessionsByUnit(ctx, sc); err != nil {
		return fmt.Errorf("sessions: %w", err)
	}
	reg := ""
	if sc.Communes != nil {
		reg = " WHERE commune_id IN " + intList(sc.Communes)
	}
	if err := tx.queryRow(ctx, "SELECT COALESCE(SUM(establishments), 0) FROM commune_stat"+reg).Scan(&d.Registered); err != nil {
		return fmt.Errorf("registered: %w", tx.s.mapErr(err))
	}
	listCols := `p.id, p.code, p.title, p.year, p.commune_id, u.name, p.content_area, p.state,
		COALESCE((SELECT ` + stateSum("approved") + ` FROM project_funding f WHERE f.project_id = p.id), 0),
		COALESCE((SELECT ` + counterpartSum("approved") + ` FROM project_funding f WHERE f.project_id = p.id), 0), p.accepted_on`
	list := func(where string, dst *[]ReportProject, order string) error {
		return tx.each(ctx, "SELECT "+listCols+" FROM project p JOIN unit u ON u.id = p.commune_id WHERE "+where+" ORDER BY "+order,
			func(scan func(...any) error) error {
				var r ReportProject
				if err := scan(&r.ID, &r.Code, &r.Title, &r.Year, &r.CommuneID, &r.CommuneName, &r.ContentArea, &r.State,
					&r.StateApproved, &r.Counterpart, &r.AcceptedOn); err != nil {
					return err
				}
				*dst = append(*dst, r)
				return nil
			})
	}
	if fundedCount > 0 && fundedCount <= int64(opt.ListLimit) {
		if err := list(sc.fundedCond("p"), &d.Projects, "p.year, p.code"); err != nil {
			return fmt.Errorf("project list: %w", err)
		}
	}
	if !opt.SettleDueBefore.IsZero() {
		cut := fmt.Sprintf(" AND p.state = '%s' AND p.accepted_on IS NOT NULL AND p.accepted_on < '%s'", kc.StateAccepted, opt.SettleDueBefore.String())
		if err := list(sc.projectCond("p")+cut, &d.Overdue, "p.code"); err != nil {
			return fmt.Errorf("overdue: %w", err)
		}
	}
	return nil
}

// ReportRaw computes the report's headline figures — the scalar
// indicators — with a single SQL statement, as the baseline the
// benchmarks compare ReportData against. Keys are indicator codes
// (funds_<source>, funds_state_approved, funds_state_disbursed,
// funds_state_settled, counterpart_mobilised, projects_total,
// projects_national, projects_local, the output sums, establishments_*,
// outreach_sessions, people_reached, featured_products).
func (s *Store) ReportRaw(ctx context.Context, sc ReportScope) (map[string]int64, error) {
	funded := sc.fundedCond("p")
	sup := sc.supportedSub()
	sess, reg, certJoin, certWhere := "", "", "", ""
	if sc.Units != nil {
		sess = " AND commune_id IN " + intList(sc.Units)
	}
	if sc.Communes != nil {
		reg = " WHERE commune_id IN " + intList(sc.Communes)
		certJoin = " JOIN establishment e ON e.id = c.establishment_id"
		certWhere = " AND e.commune_id IN " + intList(sc.Communes)
	}
	var cols []string
	var keys []string
	add := func(key, expr string) {
		keys = append(keys, key)
		cols = append(cols, expr)
	}
	for _, src := range kc.FundingSources {
		if src == kc.SourceCounterpart {
			continue
		}
		add("funds_"+src, fmt.Sprintf("COALESCE(SUM(CASE WHEN f.source = '%s' THEN f.approved ELSE 0 END), 0)", src))
	}
	add("funds_state_approved", stateSum("approved"))
	add("funds_state_disbursed", stateSum("advanced"))
	add("funds_state_settled", stateSum("settled"))
	add("counterpart_mobilised", counterpartSum("approved"))
	fundCols := aliased(cols, "f")
	outputs := map[string]string{"demo_models": "models", "machines": "machines", "tech_lines": "lines", "brands": "brands",
		"fairs": "fairs", "trainees": "trainees", "trainees_employed": "trainees_employed", "jobs_created": "jobs"}
	outKeys := make([]string, 0, len(outputs))
	for k := range outputs {
		outKeys = append(outKeys, k)
	}
	slices.Sort(outKeys)
	var outCols []string
	for _, k := range outKeys {
		outCols = append(outCols, fmt.Sprintf("COALESCE(SUM(CASE WHEN o.kind = '%s' THEN o.value ELSE 0 END), 0)", outputs[k]))
	}
	q := `SELECT ` + selectAliased("fu", "f", len(cols)) + `, pr.n, pr.nat, pr.loc, ` + selectAliased("ou", "o", len(outCols)) + `, su.n, su.w, su.m,
		(SELECT COUNT(DISTINCT b.establishment_id) FROM project p JOIN project_beneficiary b ON b.project_id = p.id
			WHERE ` + funded + ` AND EXISTS (SELECT 1 FROM project_output o WHERE o.project_id = p.id AND o.kind IN ('machines', 'lines') AND o.value > 0)),
		(SELECT COUNT(DISTINCT et.trade_id) FROM establishment_trade et JOIN trade t ON t.id = et.trade_id WHERE t.traditional AND et.establishment_id IN (` + sup + `)),
		(SELECT COUNT(*) FROM certificate c` + certJoin + ` WHERE c.kind = '` + kc.CertTypicalProduct + fmt.Sprintf(`' AND c.year >= %d AND c.year <= %d`, sc.From, sc.To) + certWhere + `),
		(SELECT COUNT(*) FROM outreach_session WHERE status = 'held' AND held_on >= $1 AND held_on <= $2` + sess + `),
		(SELECT COALESCE(SUM(attendees), 0) FROM outreach_session WHERE status = 'held' AND held_on >= $1 AND held_on <= $2` + sess + `),
		(SELECT COALESCE(SUM(establishments), 0) FROM commune_stat` + reg + `)
	FROM (SELECT ` + fundCols + ` FROM project p JOIN project_funding f ON f.project_id = p.id WHERE ` + funded + `) fu,
	(SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN p.level = 'national' THEN 1 ELSE 0 END), 0) AS nat,
		COALESCE(SUM(CASE WHEN p.level = 'local' THEN 1 ELSE 0 END), 0) AS loc
		FROM project p WHERE ` + funded + `) pr,
	(SELECT ` + aliased(outCols, "o") + ` FROM project p JOIN project_output o ON o.project_id = p.id WHERE ` + funded + `) ou,
	(SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN e.women_owned THEN 1 ELSE 0 END), 0) AS w,
		COALESCE(SUM(CASE WHEN e.ethnic_minority_owned THEN 1 ELSE 0 END), 0) AS m
		FROM establishment e WHERE e.id IN (` + sup + `)) su`
	keys = append(keys, "projects_total", "projects_national", "projects_local")
	keys = append(keys, outKeys...)
	keys = append(keys, "establishments_supported", "supported_women_owned", "supported_ethnic_minority_owned",
		"machinery_establishments", "traditional_trades_supported", "featured_products", "outreach_sessions", "people_reached", "establishments_registered")
	vals := make([]int64, len(keys))
	dest := make([]any, len(vals))
	for i := range vals {
		dest[i] = &vals[i]
	}
	err := s.View(ctx, func(tx *Tx) error {
		return tx.queryRow(ctx, q, kc.NewDate(sc.From, 1, 1), kc.NewDate(sc.To, 12, 31)).Scan(dest...)
	})
	if err != nil {
		return nil, fmt.Errorf("store: report raw: %w", s.mapErr(err))
	}
	out := make(map[string]int64, len(keys))
	for i, k := range keys {
		out[k] = vals[i]
	}
	return out, nil
}

// aliased joins expressions as "expr AS <prefix>0, …".
func aliased(exprs []string, prefix string) string {
	parts := make([]string, len(exprs))
	for i, e := range exprs {
		parts[i] = fmt.Sprintf("%s AS %s%d", e, prefix, i)
	}
	return strings.Join(parts, ", ")
}

// selectAliased lists the n aliased columns of table alias t.
func selectAliased(t, prefix string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("%s.%s%d", t, prefix, i)
	}
	return strings.Join(parts, ", ")
}

// CommunesInPeriod returns every commune in force at some day of from…to
// (current and former), in code order: the communes of a whole-country
// report.
func (s *Store) CommunesInPeriod(ctx context.Context, from, to kc.Date) ([]kc.Unit, error) {
	return viewValue(ctx, s, func(tx *Tx) ([]kc.Unit, error) {
		us, err := tx.unitsQuery(ctx, "SELECT "+unitCols+` FROM unit u WHERE u.level = $1 AND u.valid_from <= $3
			AND (u.valid_to IS NULL OR u.valid_to >= $2) ORDER BY u.code, u.id`, kc.LevelCommune, from, to)
		if err != nil {
			return nil, fmt.Errorf("store: communes in period: %w", err)
		}
		return us, nil
	})
}
