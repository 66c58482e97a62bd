package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/report"
	"khuyencong/internal/store"
	"khuyencong/internal/unitdata"
	"khuyencong/internal/vi"
)

// ReportRequest asks for a period report: a unit by code (a province, a
// current commune, or a district or commune of before the 2025 reform)
// and a range of years.
type ReportRequest struct {
	UnitCode string // "" = the caller's whole scope (an administrator: the whole country)
	From, To int    // years, inclusive
}

// Report limits.
const (
	// ReportMinYear is the first year a report may cover.
	ReportMinYear = 2000
	// ReportListMax is the most funded projects a report lists one by one;
	// above, the list is left out with a caveat.
	ReportListMax = 500
	// reportCommuneRowsMax is the most communes the outreach table lists
	// with zeros; above (a national report) it lists the communes with
	// sessions only.
	reportCommuneRowsMax = 1000
	// reportChartBarsMax is the most communes the outreach chart shows
	// (those with the most sessions).
	reportChartBarsMax = 40
	// reportItemsMax is the most names a finding lists.
	reportItemsMax = 100
)

// reportTarget is what a report is about once the request is resolved.
type reportTarget struct {
	units []kc.Unit // the report's unit(s); nil = the whole country
	// communes are the current communes under the units (nil = every
	// commune): the registry the report's registry figures read.
	communes []int64
	// set is the at-time unit set (nil = every unit).
	set []store.ReportUnit
}

// PeriodReport computes the report dataset of a unit over the years
// From…To, for the caller's scope: the indicator catalogue, the breakdown
// tables, the charts and the derived findings, all texts in Vietnamese.
//
// The unit is the one with code UnitCode whose validity overlaps the
// period (codes are reused across the 2025 reform: when several do, the
// one valid on the period's last day, else the latest); "" is the
// caller's scope, the whole country for an administrator. Projects and
// outreach sessions count in the unit they were registered in at the
// time: the unit, the units under it and the units merged into it (a
// former district's old communes, the old communes a commune in force
// took over, a province's former provinces). Registry figures read the
// current communes under the unit.
//
// Tables, in order: funds by year and source; funds by source (approved,
// disbursed, settled); projects and funds by content area; establishments
// supported by at-time commune, by trade and by kind; typical products by
// level and year; outreach by at-time commune; the project list when at
// most ReportListMax projects were funded. A period without any record is
// an honest empty dataset (Empty), not an error.
//
// Errors: EUnauthenticated without a caller; EForbidden for a role that
// may not read the registry or a unit outside the caller's scope; field
// errors on "from" and "to" (years outside ReportMinYear … next year, or
// To before From) and on "unit" (a code unknown in those years).
func (a *App) PeriodReport(ctx context.Context, req ReportRequest) (*report.Dataset, error) {
	return a.periodReport(ctx, req, true)
}

// periodReport is PeriodReport; screen false leaves out the screening of
// the registry against the schemes (the criteria finding), for the
// dashboard, which shows indicators only. The whole country is never
// screened here: screening a national registry takes longer than a report
// may (docs/benchmarks.md §10); a caveat points to `khuyencong screen`.
func (a *App) periodReport(ctx context.Context, req ReportRequest, screen bool) (*report.Dataset, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if !auth.Can(p.User.Role, auth.PermViewRegistry) {
		return nil, forbidden()
	}
	if err := a.checkReportYears(req.From, req.To); err != nil {
		return nil, err
	}
	t, err := a.reportTarget(ctx, p, strings.TrimSpace(req.UnitCode), req.From, req.To)
	if err != nil {
		return nil, err
	}
	return a.buildReport(ctx, p, t, req.From, req.To, screen && t.units != nil)
}

// AnnualReport is the period report of one year (see PeriodReport).
func (a *App) AnnualReport(ctx context.Context, year int, unitCode string) (*report.Dataset, error) {
	return a.PeriodReport(ctx, ReportRequest{UnitCode: unitCode, From: year, To: year})
}

// checkReportYears checks the period: both years within ReportMinYear …
// next year, and To not before From.
func (a *App) checkReportYears(from, to int) error {
	maxYear := a.today().Year() + 1
	var errs kc.Errors
	if from < ReportMinYear || from > maxYear {
		errs = append(errs, kc.FieldError("from", "report.err.year_range", from, ReportMinYear, maxYear))
	}
	if to < ReportMinYear || to > maxYear {
		errs = append(errs, kc.FieldError("to", "report.err.year_range", to, ReportMinYear, maxYear))
	}
	if len(errs) == 0 && to < from {
		errs = append(errs, kc.FieldError("to", "report.err.to_before_from", to, from))
	}
	return errs.Err()
}

// repPeriod writes a period: "năm 2026" or "các năm 2015–2020".
func repPeriod(from, to int) string {
	if from == to {
		return tv("report.period.year", from)
	}
	return tv("report.period.years", from, to)
}

// repSpan writes when a unit was in force: "đến 30/06/2025", "từ
// 01/07/2025", "từ 01/01/2020 đến 30/06/2025".
func repSpan(u kc.Unit) string {
	known := !u.ValidFrom.IsZero() && u.ValidFrom.After(unitdata.UnknownStart)
	switch {
	case u.Current() && known:
		return tv("report.span.since", dayText(u.ValidFrom))
	case u.Current():
		return tv("report.span.always")
	case known:
		return tv("report.span.between", dayText(u.ValidFrom), dayText(u.ValidTo))
	}
	return tv("report.span.until", dayText(u.ValidTo))
}

// resolveReportUnit finds the unit with code whose validity overlaps the
// years from…to: the one valid on the period's last day, else the latest.
func (a *App) resolveReportUnit(ctx context.Context, code string, from, to int) (kc.Unit, error) {
	if unitdata.LevelOf(code) == "" {
		return kc.Unit{}, kc.FieldError("unit", "report.err.unit_unknown", code)
	}
	hist, err := a.Store.UnitHistory(ctx, code)
	if err != nil {
		return kc.Unit{}, err
	}
	if len(hist) == 0 {
		return kc.Unit{}, kc.FieldError("unit", "report.err.unit_unknown", code)
	}
	start, end := kc.NewDate(from, 1, 1), kc.NewDate(to, 12, 31)
	var in []kc.Unit
	for _, u := range hist {
		if !u.ValidFrom.After(end) && (u.Current() || !u.ValidTo.Before(start)) {
			in = append(in, u)
		}
	}
	if len(in) == 0 {
		var was []string
		for _, u := range hist {
			was = append(was, tv("report.unit_was", u.Name, repSpan(u)))
		}
		return kc.Unit{}, kc.FieldError("unit", "report.err.unit_not_in_period", code, strings.Join(was, "; "), repPeriod(from, to))
	}
	for _, u := range in {
		if u.ValidOn(end) {
			return u, nil
		}
	}
	return slices.MaxFunc(in, func(x, y kc.Unit) int { return x.ValidFrom.Time().Compare(y.ValidFrom.Time()) }), nil
}

// reportTarget resolves the unit(s) of a report, checks the caller's
// scope and computes the at-time unit set.
func (a *App) reportTarget(ctx context.Context, p *Principal, code string, from, to int) (reportTarget, error) {
	var t reportTarget
	switch {
	case code != "":
		u, err := a.resolveReportUnit(ctx, code, from, to)
		if err != nil {
			return t, err
		}
		communes, err := a.Store.CurrentCommunesUnder(ctx, []int64{u.ID})
		if err != nil {
			return t, err
		}
		if !p.All {
			if len(communes) == 0 {
				return t, kc.Errorf(kc.EForbidden, "report.err.out_of_scope", u.Name)
			}
			for _, c := range communes {
				if !p.InScope(c) {
					return t, kc.Errorf(kc.EForbidden, "report.err.out_of_scope", u.Name)
				}
			}
		}
		t.units = []kc.Unit{u}
		t.communes = repIDs(communes)
	case p.All:
		return t, nil // the whole country: no unit filter
	default:
		units, err := a.Store.UnitsByIDs(ctx, p.Units)
		if err != nil {
			return t, err
		}
		t.units = units
		t.communes = slices.Clone(p.ScopeFilter())
	}
	ids := make([]int64, len(t.units))
	for i, u := range t.units {
		ids[i] = u.ID
	}
	set, err := a.Store.ReportUnits(ctx, ids)
	if err != nil {
		return t, err
	}
	if set == nil {
		set = []store.ReportUnit{}
	}
	t.set = set
	if t.communes == nil {
		t.communes = []int64{}
	}
	return t, nil
}

func repIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	out = slices.Compact(out)
	if out == nil {
		out = []int64{}
	}
	return out
}

// setIDs lists the ids of the at-time set (nil = everywhere).
func (t reportTarget) setIDs() []int64 {
	if t.set == nil {
		return nil
	}
	ids := make([]int64, len(t.set))
	for i, u := range t.set {
		ids[i] = u.ID
	}
	return ids
}

// unitOverlaps reports whether u was in force at some day of the years from…to.
func unitOverlaps(u kc.Unit, from, to int) bool {
	start, end := kc.NewDate(from, 1, 1), kc.NewDate(to, 12, 31)
	return !u.ValidFrom.After(end) && (u.Current() || !u.ValidTo.Before(start))
}

// repAtTime is a unit's name as it was, "(cũ)" added for a unit no
// longer in force.
func repAtTime(name string, former bool) string {
	if former {
		return tv("report.former_name", name)
	}
	return name
}

// buildReport reads the aggregates and the screening and writes the
// dataset.
func (a *App) buildReport(ctx context.Context, p *Principal, t reportTarget, from, to int, screen bool) (*report.Dataset, error) {
	today := a.today()
	settings, err := a.ProjectSettings(ctx)
	if err != nil {
		return nil, err
	}
	sc := store.ReportScope{Units: t.setIDs(), From: from, To: to}
	if t.units != nil {
		sc.Communes = t.communes
	}
	// The screening (registry against the schemes in force) streams the
	// registry in Go while the database aggregates: run them side by side.
	type screenResult struct {
		rep ScreenReport
		err error
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	screened := make(chan screenResult, 1)
	go func() {
		if !screen {
			screened <- screenResult{}
			return
		}
		rep, err := a.reportScreen(sctx, p, t, from, to)
		screened <- screenResult{rep, err}
	}()
	data, err := a.Store.ReportData(ctx, sc, store.ReportOptions{ListLimit: ReportListMax, SettleDueBefore: today.AddDays(-settings.SettlementDays)})
	if err != nil {
		cancel()
		<-screened
		return nil, err
	}
	sr := <-screened
	if sr.err != nil {
		return nil, sr.err
	}
	areas, err := a.Store.ListContentAreas(ctx)
	if err != nil {
		return nil, err
	}
	ds := &report.Dataset{From: from, To: to}
	a.describeTarget(ds, t, from, to)
	ds.Empty = data.ProjectsAny == 0 && len(data.Sessions) == 0 && len(data.Featured) == 0
	ds.Indicators = indicatorValues(&data)
	names, err := a.sessionUnitNames(ctx, t, data.Sessions)
	if err != nil {
		return nil, err
	}
	rb := reportBuilder{ds: ds, data: &data, t: t, from: from, to: to, areas: periodAreas(areas, from, to), sessionNames: names}
	rb.tables()
	if err := a.addReportFunnel(ctx, ds, t, from, to); err != nil {
		return nil, err
	}
	if !ds.Empty {
		rb.charts()
	}
	rb.caveats(today)
	if !screen && t.units == nil {
		ds.Caveats = append(ds.Caveats, tv("report.caveat.no_screening"))
	}
	plans, err := a.reportPlans(ctx, t, from, to)
	if err != nil {
		return nil, err
	}
	communes, err := a.periodCommunes(ctx, t, from, to)
	if err != nil {
		return nil, err
	}
	ds.Findings = reportFindings(findingInput{ds: ds, data: &data, from: from, to: to, areas: rb.areas,
		screen: sr.rep, plans: plans, settlementDays: settings.SettlementDays, communes: communes})
	return ds, nil
}

// periodCommunes returns the communes of the at-time set in force at
// some day of the period (every such commune for the whole country).
func (a *App) periodCommunes(ctx context.Context, t reportTarget, from, to int) ([]kc.Unit, error) {
	if t.set == nil {
		return a.Store.CommunesInPeriod(ctx, kc.NewDate(from, 1, 1), kc.NewDate(to, 12, 31))
	}
	var out []kc.Unit
	for _, u := range t.set {
		if u.Level == kc.LevelCommune && unitOverlaps(u.Unit, from, to) {
			out = append(out, u.Unit)
		}
	}
	return out, nil
}

// describeTarget fills the unit fields and the list of counted units.
func (a *App) describeTarget(ds *report.Dataset, t reportTarget, from, to int) {
	switch len(t.units) {
	case 0:
		ds.UnitName = wholeCountry
		return
	case 1:
		u := t.units[0]
		ds.UnitID, ds.UnitCode, ds.UnitName, ds.UnitLevel, ds.Former = u.ID, u.Code, u.Name, u.Level, !u.Current()
	default:
		var names []string
		level := t.units[0].Level
		for _, u := range t.units {
			names = append(names, u.Name)
			if u.Level != level {
				level = ""
			}
		}
		ds.UnitName, ds.UnitLevel = strings.Join(names, ", "), level
	}
	var counted []kc.Unit
	for _, u := range t.set {
		if u.Level == kc.LevelCommune && unitOverlaps(u.Unit, from, to) {
			counted = append(counted, u.Unit)
		}
	}
	sortUnits(counted)
	for _, u := range counted {
		ds.Units = append(ds.Units, repAtTime(u.Name, !u.Current()))
	}
}

// sessionUnitNames names the units that held sessions and are not in
// the at-time set's list (the whole country).
func (a *App) sessionUnitNames(ctx context.Context, t reportTarget, sessions []store.ReportSessions) (map[int64]kc.Unit, error) {
	out := map[int64]kc.Unit{}
	for _, u := range t.set {
		out[u.ID] = u.Unit
	}
	var missing []int64
	for _, s := range sessions {
		if _, ok := out[s.UnitID]; !ok {
			missing = append(missing, s.UnitID)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	us, err := a.Store.UnitsByIDs(ctx, missing)
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		out[u.ID] = u
	}
	return out, nil
}

// periodAreas keeps the content areas in force at some day of the period.
func periodAreas(all []store.ContentArea, from, to int) []store.ContentArea {
	start, end := kc.NewDate(from, 1, 1), kc.NewDate(to, 12, 31)
	var out []store.ContentArea
	for _, c := range all {
		if (c.ValidFrom.IsZero() || !c.ValidFrom.After(end)) && (c.ValidTo.IsZero() || !c.ValidTo.Before(start)) {
			out = append(out, c)
		}
	}
	return out
}

// reportBuilder writes the tables, charts and caveats of a dataset.
type reportBuilder struct {
	ds           *report.Dataset
	data         *store.ReportData
	t            reportTarget
	from, to     int
	areas        []store.ContentArea
	sessionNames map[int64]kc.Unit
	// outreachRows are the communes of the outreach table with their
	// counts, in name order.
	outreachRows []outreachRow
	// outreachPartial is set when the outreach table lists only the
	// communes that held sessions.
	outreachPartial bool
}

// outreachRow is one commune of the outreach table.
type outreachRow struct {
	unit             kc.Unit
	sessions, people int64
}

func repSheet(key string) string { return tv("report.sheet." + key) }

func repCol(key string, kind report.ColumnKind, width int) report.Column {
	return report.Column{Title: tv("report.col." + key), Kind: kind, Width: width}
}

func repText(s string) report.Cell { return report.Cell{Text: s} }
func repNum(n int64) report.Cell   { return report.Cell{N: n} }

// repSource names a funding source in a table heading.
func repSource(src string) string { return tv("report.source." + src) }

// tables writes every table of the dataset.
func (b *reportBuilder) tables() {
	b.fundsByYear()
	b.fundsBySource()
	b.projectsByArea()
	b.supportedByCommune()
	b.supportedByTrade()
	b.supportedByKind()
	b.featuredByYear()
	b.outreachByCommune()
	b.projectList()
}

// fundsByYear: years × sources (approved), with the state total, the
// counterpart and the grand total.
func (b *reportBuilder) fundsByYear() {
	cols := []report.Column{repCol("year", report.Text, 1)}
	var state []string
	for _, src := range kc.FundingSources {
		if src != kc.SourceCounterpart {
			state = append(state, src)
			cols = append(cols, report.Column{Title: repSource(src), Kind: report.Money, Width: 2})
		}
	}
	cols = append(cols, repCol("state_total", report.Money, 2), report.Column{Title: repSource(kc.SourceCounterpart), Kind: report.Money, Width: 2},
		repCol("grand_total", report.Money, 2))
	byYear := map[int]map[string]int64{}
	for _, f := range b.data.Funds {
		if byYear[f.Year] == nil {
			byYear[f.Year] = map[string]int64{}
		}
		byYear[f.Year][f.Source] += f.Approved
	}
	total := make([]int64, len(cols)-1)
	var rows [][]report.Cell
	for y := b.from; y <= b.to; y++ {
		m := byYear[y]
		row := []report.Cell{repText(strconv.Itoa(y))}
		var st int64
		for _, src := range state {
			row = append(row, repNum(m[src]))
			st += m[src]
		}
		row = append(row, repNum(st), repNum(m[kc.SourceCounterpart]), repNum(st+m[kc.SourceCounterpart]))
		for i := range total {
			total[i] += row[i+1].N
		}
		rows = append(rows, row)
	}
	b.add(report.Table{Sheet: repSheet("funds_year"), Caption: tv("report.caption.funds_year"), Columns: cols, Rows: rows,
		Total: repTotal(total), Note: tv("report.note.funds_year")})
}

func repTotal(vals []int64) []report.Cell {
	out := []report.Cell{repText(tv("report.total"))}
	for _, v := range vals {
		out = append(out, repNum(v))
	}
	return out
}

func (b *reportBuilder) add(t report.Table) { b.ds.Tables = append(b.ds.Tables, t) }

// fundsBySource: approved, disbursed (advanced) and settled per source.
func (b *reportBuilder) fundsBySource() {
	sums := map[string][3]int64{}
	for _, f := range b.data.Funds {
		s := sums[f.Source]
		s[0] += f.Approved
		s[1] += f.Advanced
		s[2] += f.Settled
		sums[f.Source] = s
	}
	var rows [][]report.Cell
	var total [3]int64
	for _, src := range kc.FundingSources {
		s := sums[src]
		rows = append(rows, []report.Cell{repText(repSource(src)), repNum(s[0]), repNum(s[1]), repNum(s[2])})
		for i := range total {
			total[i] += s[i]
		}
	}
	b.add(report.Table{Sheet: repSheet("funds_source"), Caption: tv("report.caption.funds_source"),
		Columns: []report.Column{repCol("source", report.Text, 3), repCol("approved", report.Money, 2), repCol("disbursed", report.Money, 2), repCol("settled", report.Money, 2)},
		Rows:    rows, Total: repTotal(total[:]), Note: tv("report.note.funds_source")})
}

// areaRow sums the funded projects of one content area.
type areaRow struct {
	code, name                   string
	projects, state, counterpart int64
}

// areaRows lists every content area in force in the period (zeros
// included), then any other area projects name.
func (b *reportBuilder) areaRows() []areaRow {
	var out []areaRow
	at := map[string]int{}
	for _, c := range b.areas {
		at[c.Code] = len(out)
		out = append(out, areaRow{code: c.Code, name: c.Name})
	}
	for _, a := range b.data.Areas {
		i, ok := at[a.ContentArea]
		if !ok {
			i = len(out)
			at[a.ContentArea] = i
			out = append(out, areaRow{code: a.ContentArea, name: a.ContentArea})
		}
		out[i].projects += a.Projects
		out[i].state += a.StateApproved
		out[i].counterpart += a.Counterpart
	}
	return out
}

func (b *reportBuilder) projectsByArea() {
	var rows [][]report.Cell
	var total [3]int64
	for _, r := range b.areaRows() {
		rows = append(rows, []report.Cell{repText(r.name), repNum(r.projects), repNum(r.state), repNum(r.counterpart)})
		total[0] += r.projects
		total[1] += r.state
		total[2] += r.counterpart
	}
	b.add(report.Table{Sheet: repSheet("areas"), Caption: tv("report.caption.areas"),
		Columns: []report.Column{repCol("area", report.Text, 4), repCol("projects", report.Count, 1), repCol("state_approved", report.Money, 2), repCol("counterpart", report.Money, 2)},
		Rows:    rows, Total: repTotal(total[:]), Note: tv("report.note.areas")})
}

// supportColumns are the columns of the supported-establishment tables
// after the first.
func supportColumns(first report.Column) []report.Column {
	return []report.Column{first, repCol("supported", report.Count, 1), repCol("women_owned", report.Count, 1), repCol("ethnic_owned", report.Count, 1)}
}

func groupRows(groups []store.ReportGroup, name func(store.ReportGroup) string) [][]report.Cell {
	var rows [][]report.Cell
	for _, g := range groups {
		rows = append(rows, []report.Cell{repText(name(g)), repNum(g.Establishments), repNum(g.Women), repNum(g.Ethnic)})
	}
	return rows
}

// supportTotal is the totals row of the supported-establishment tables:
// the distinct establishments (an establishment supported in two communes
// counts once).
func (b *reportBuilder) supportTotal() []report.Cell {
	s := b.data.Supported
	return repTotal([]int64{s.Establishments, s.Women, s.Ethnic})
}

func (b *reportBuilder) supportedByCommune() {
	groups := slices.Clone(b.data.ByCommune)
	slices.SortStableFunc(groups, func(x, y store.ReportGroup) int {
		return cmp.Or(vi.Compare(x.Name, y.Name), strings.Compare(x.Key, y.Key))
	})
	b.add(report.Table{Sheet: repSheet("support_commune"), Caption: tv("report.caption.support_commune"), Columns: supportColumns(repCol("commune_at_time", report.Text, 3)),
		Rows: groupRows(groups, func(g store.ReportGroup) string { return repAtTime(g.Name, g.Former) }), Total: b.supportTotal(),
		Note: tv("report.note.support_commune")})
}

func (b *reportBuilder) supportedByTrade() {
	b.add(report.Table{Sheet: repSheet("support_trade"), Caption: tv("report.caption.support_trade"), Columns: supportColumns(repCol("trade", report.Text, 3)),
		Rows: groupRows(b.data.ByTrade, func(g store.ReportGroup) string {
			if g.Name == "" {
				return tv("report.trade_unknown")
			}
			return g.Name
		}), Total: b.supportTotal(), Note: tv("report.note.support_trade")})
}

func (b *reportBuilder) supportedByKind() {
	byKind := map[string]store.ReportGroup{}
	for _, g := range b.data.ByKind {
		byKind[g.Key] = g
	}
	var groups []store.ReportGroup
	for _, k := range kc.EstablishmentKinds {
		g := byKind[k]
		g.Key = k
		groups = append(groups, g)
		delete(byKind, k)
	}
	for _, g := range b.data.ByKind {
		if _, ok := byKind[g.Key]; ok {
			groups = append(groups, g)
		}
	}
	b.add(report.Table{Sheet: repSheet("support_kind"), Caption: tv("report.caption.support_kind"), Columns: supportColumns(repCol("kind", report.Text, 3)),
		Rows: groupRows(groups, func(g store.ReportGroup) string { return repKind(g.Key) }), Total: b.supportTotal()})
}

// repKind names an establishment kind in Vietnamese.
func repKind(kind string) string {
	if s := tv("kind." + kind); s != "kind."+kind {
		return s
	}
	return kind
}

// featuredLevels lists the catalogue levels, then any other level present.
func (b *reportBuilder) featuredLevels() []string {
	levels := slices.Clone(FeaturedLevels)
	for _, f := range b.data.Featured {
		if !slices.Contains(levels, f.Level) {
			levels = append(levels, f.Level)
		}
	}
	return levels
}

func (b *reportBuilder) featuredByYear() {
	levels := b.featuredLevels()
	cols := []report.Column{repCol("year", report.Text, 1)}
	for _, l := range levels {
		title := tv("record.cert.level." + l)
		if l == "" || title == "record.cert.level."+l {
			title = tv("report.level_unknown", l)
		}
		cols = append(cols, report.Column{Title: title, Kind: report.Count, Width: 1})
	}
	cols = append(cols, repCol("total", report.Count, 1))
	counts := map[int]map[string]int64{}
	for _, f := range b.data.Featured {
		if counts[f.Year] == nil {
			counts[f.Year] = map[string]int64{}
		}
		counts[f.Year][f.Level] += f.Products
	}
	total := make([]int64, len(levels)+1)
	var rows [][]report.Cell
	for y := b.from; y <= b.to; y++ {
		row := []report.Cell{repText(strconv.Itoa(y))}
		var sum int64
		for i, l := range levels {
			n := counts[y][l]
			row = append(row, repNum(n))
			total[i] += n
			sum += n
		}
		row = append(row, repNum(sum))
		total[len(levels)] += sum
		rows = append(rows, row)
	}
	b.add(report.Table{Sheet: repSheet("featured"), Caption: tv("report.caption.featured"), Columns: cols, Rows: rows, Total: repTotal(total),
		Note: tv("report.note.featured")})
}

// outreachByCommune lists every commune of the at-time set in force in
// the period, zeros included (for the whole country, or more than
// reportCommuneRowsMax communes, the communes with sessions only), and
// any other unit that held sessions.
func (b *reportBuilder) outreachByCommune() {
	bySession := map[int64]store.ReportSessions{}
	for _, s := range b.data.Sessions {
		bySession[s.UnitID] = s
	}
	var rows []outreachRow
	seen := map[int64]bool{}
	var communes []kc.Unit
	for _, u := range b.t.set {
		if u.Level == kc.LevelCommune && unitOverlaps(u.Unit, b.from, b.to) {
			communes = append(communes, u.Unit)
		}
	}
	if b.t.set == nil || len(communes) > reportCommuneRowsMax {
		b.outreachPartial = true
		communes = nil
	}
	for _, u := range communes {
		s := bySession[u.ID]
		rows = append(rows, outreachRow{unit: u, sessions: s.Sessions, people: s.People})
		seen[u.ID] = true
	}
	for _, s := range b.data.Sessions {
		if seen[s.UnitID] {
			continue
		}
		u, ok := b.sessionNames[s.UnitID]
		if !ok {
			u = kc.Unit{ID: s.UnitID, Name: strconv.FormatInt(s.UnitID, 10)}
		}
		rows = append(rows, outreachRow{unit: u, sessions: s.Sessions, people: s.People})
	}
	slices.SortStableFunc(rows, func(x, y outreachRow) int {
		return cmp.Or(vi.Compare(x.unit.Name, y.unit.Name), strings.Compare(x.unit.Code, y.unit.Code), cmp.Compare(x.unit.ID, y.unit.ID))
	})
	b.outreachRows = rows
	var cells [][]report.Cell
	var total [2]int64
	for _, r := range rows {
		cells = append(cells, []report.Cell{repText(repAtTime(r.unit.Name, !r.unit.Current() && r.unit.Code != "")), repNum(r.sessions), repNum(r.people)})
		total[0] += r.sessions
		total[1] += r.people
	}
	note := tv("report.note.outreach")
	if b.outreachPartial {
		note += " " + tv("report.note.outreach_partial")
	}
	b.add(report.Table{Sheet: repSheet("outreach"), Caption: tv("report.caption.outreach"),
		Columns: []report.Column{repCol("commune_at_time", report.Text, 3), repCol("sessions", report.Count, 1), repCol("people", report.Count, 1)},
		Rows:    cells, Total: repTotal(total[:]), Note: note})
}

// areaName names a content area by code.
func (b *reportBuilder) areaName(code string) string {
	for _, c := range b.areas {
		if c.Code == code {
			return c.Name
		}
	}
	return code
}

func (b *reportBuilder) projectList() {
	if b.data.Projects == nil {
		return
	}
	var rows [][]report.Cell
	var total [2]int64
	for _, p := range b.data.Projects {
		rows = append(rows, []report.Cell{repText(p.Code), repText(p.Title), repText(strconv.Itoa(p.Year)), repText(p.CommuneName), repText(b.areaName(p.ContentArea)),
			repText(stateLabel(p.State)), repNum(p.StateApproved), repNum(p.Counterpart)})
		total[0] += p.StateApproved
		total[1] += p.Counterpart
	}
	tot := []report.Cell{repText(tv("report.total")), repText(""), repText(""), repText(""), repText(""), repText(""), repNum(total[0]), repNum(total[1])}
	b.add(report.Table{Sheet: repSheet("projects"), Caption: tv("report.caption.projects"),
		Columns: []report.Column{repCol("code", report.Text, 2), repCol("title", report.Text, 5), repCol("year", report.Text, 1), repCol("commune_at_time", report.Text, 2),
			repCol("area", report.Text, 3), repCol("state", report.Text, 2), repCol("state_approved", report.Money, 2), repCol("counterpart", report.Money, 2)},
		Rows: rows, Total: tot})
}

// repMillions converts đồng to millions of đồng for charts.
func repMillions(d int64) float64 { return float64(d) / 1e6 }

// charts draws the funds by year, the projects by content area and the
// outreach sessions by commune.
func (b *reportBuilder) charts() {
	var years []string
	for y := b.from; y <= b.to; y++ {
		years = append(years, strconv.Itoa(y))
	}
	byYear := map[string][]float64{}
	for _, f := range b.data.Funds {
		if f.Approved == 0 || f.Year < b.from || f.Year > b.to {
			continue
		}
		if byYear[f.Source] == nil {
			byYear[f.Source] = make([]float64, len(years))
		}
		byYear[f.Source][f.Year-b.from] += repMillions(f.Approved)
	}
	var series []report.Series
	for _, src := range kc.FundingSources {
		if v := byYear[src]; v != nil {
			series = append(series, report.Series{Name: repSource(src), Values: v})
		}
	}
	if len(series) > 0 {
		b.ds.Charts = append(b.ds.Charts, report.Chart{Title: tv("report.chart.funds_year"), Kind: report.StackedBar, Categories: years,
			Series: series, Unit: tv("report.unit.million_dong"), Table: repSheet("funds_year")})
	}
	var cats []string
	var vals []float64
	for _, r := range b.areaRows() {
		cats = append(cats, r.name)
		vals = append(vals, float64(r.projects))
	}
	b.ds.Charts = append(b.ds.Charts, report.Chart{Title: tv("report.chart.areas"), Kind: report.Bar, Categories: cats,
		Series: []report.Series{{Name: tv("report.col.projects"), Values: vals}}, Unit: tv("report.unit.project"), Table: repSheet("areas")})
	rows := b.outreachRows
	title := tv("report.chart.outreach")
	if len(rows) > reportChartBarsMax {
		rows = slices.Clone(rows)
		slices.SortStableFunc(rows, func(x, y outreachRow) int { return cmp.Compare(y.sessions, x.sessions) })
		rows = rows[:reportChartBarsMax]
		title = tv("report.chart.outreach_top", reportChartBarsMax)
	}
	if len(rows) > 0 {
		cats, vals = nil, nil
		for _, r := range rows {
			cats = append(cats, repAtTime(r.unit.Name, !r.unit.Current() && r.unit.Code != ""))
			vals = append(vals, float64(r.sessions))
		}
		b.ds.Charts = append(b.ds.Charts, report.Chart{Title: title, Kind: report.Bar, Categories: cats,
			Series: []report.Series{{Name: tv("report.col.sessions"), Values: vals}}, Unit: tv("report.unit.session"), Table: repSheet("outreach")})
	}
}

// caveats writes how the figures were gathered.
func (b *reportBuilder) caveats(today kc.Date) {
	ds := b.ds
	var former, partial []kc.Unit
	for _, u := range b.t.set {
		if u.Partial {
			partial = append(partial, u.Unit)
		}
		if !u.Current() {
			former = append(former, u.Unit)
		}
	}
	if len(former) > 0 {
		ds.Caveats = append(ds.Caveats, tv("report.caveat.at_time"))
	}
	if len(partial) > 0 {
		sortUnits(partial)
		var names []string
		for _, u := range partial {
			names = append(names, repAtTime(u.Name, !u.Current()))
		}
		ds.Caveats = append(ds.Caveats, tv("report.caveat.partial", strings.Join(names, ", ")))
	}
	if ds.Former {
		ds.Caveats = append(ds.Caveats, tv("report.caveat.registry_today"))
	}
	if b.data.Projects == nil {
		if n := projectsOfLevel(b.data, ""); n > ReportListMax {
			ds.Caveats = append(ds.Caveats, tv("report.caveat.list_omitted", vi.FormatNumber(n), ReportListMax))
		}
	}
	if b.outreachPartial {
		ds.Caveats = append(ds.Caveats, tv("report.caveat.outreach_partial"))
	}
	if b.to >= today.Year() {
		ds.Caveats = append(ds.Caveats, tv("report.caveat.until_today", today.Year(), dayText(today)))
	}
	if ds.Empty {
		ds.Caveats = append(ds.Caveats, tv("report.caveat.empty", repPeriod(b.from, b.to)))
	}
}

// reportScreen screens the registry of the report's current communes
// against the schemes in force on the period's last day (today when that
// is later), as the caller narrowed to those communes.
func (a *App) reportScreen(ctx context.Context, p *Principal, t reportTarget, from, to int) (ScreenReport, error) {
	on := kc.NewDate(to, 12, 31)
	if today := a.today(); today.Before(on) {
		on = today
	}
	sp := p
	if t.units != nil {
		if len(t.communes) == 0 {
			return ScreenReport{}, nil
		}
		narrowed := *p
		narrowed.All = false
		narrowed.Communes = t.communes
		sp = &narrowed
	}
	return a.Screen(WithPrincipal(ctx, sp), ScreenOptions{On: on})
}

// planUnspent is what one plan left of its envelopes.
type planUnspent struct {
	plan   store.Plan
	amount int64
}

// reportPlans returns, for the plans of the period's years whose unit is
// in the at-time set (every plan for the whole country), what each left
// uncommitted: per state source, the envelopes minus what the plan's
// projects committed, when positive.
func (a *App) reportPlans(ctx context.Context, t reportTarget, from, to int) ([]planUnspent, error) {
	plans, err := a.Store.ListPlans(ctx, 0)
	if err != nil {
		return nil, err
	}
	inSet := map[int64]bool{}
	for _, u := range t.set {
		inSet[u.ID] = true
	}
	var out []planUnspent
	for _, pl := range plans {
		if pl.Year < from || pl.Year > to || (t.set != nil && !inSet[pl.UnitID]) {
			continue
		}
		envs, err := a.Store.PlanEnvelopes(ctx, pl.ID)
		if err != nil {
			return nil, err
		}
		if len(envs) == 0 {
			continue
		}
		communes, err := a.planCommunes(ctx, pl.UnitID)
		if err != nil {
			return nil, err
		}
		comm, err := a.Store.PlanCommitments(ctx, pl.Year, communes)
		if err != nil {
			return nil, err
		}
		envelope := map[string]int64{}
		for _, e := range envs {
			envelope[e.Source] += e.Amount
		}
		var left int64
		for src, amt := range envelope {
			c, _ := committedOf(comm, src, "")
			if amt > c {
				left += amt - c
			}
		}
		if left > 0 {
			out = append(out, planUnspent{plan: pl, amount: left})
		}
	}
	slices.SortStableFunc(out, func(x, y planUnspent) int {
		return cmp.Or(cmp.Compare(x.plan.Year, y.plan.Year), strings.Compare(x.plan.UnitCode, y.plan.UnitCode))
	})
	return out, nil
}

// String names a request for logs: "467 2015–2020".
func (r ReportRequest) String() string {
	return fmt.Sprintf("%s %d–%d", r.UnitCode, r.From, r.To)
}
