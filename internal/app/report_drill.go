package app

import (
	"context"
	"slices"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/report"
	"khuyencong/internal/store"
)

// ReportDashboard is the dashboard of one unit (or of the caller's whole
// scope): the key indicators of the current year and of the programme
// period so far, and the drill-down one level down — provinces for the
// whole country, communes for a province or former district, the funded
// projects for a commune.
type ReportDashboard struct {
	// UnitCode is the unit looked at ("" = the caller's scope).
	UnitCode string
	UnitName string
	Level    string // province | district | commune; "" for the scope
	Year     int    // the current year
	From, To int    // the programme period so far
	Current  *report.Dataset
	Period   *report.Dataset
	// Rows are the units one level down with their period figures, by
	// state funds then name; empty for a commune.
	Rows []DrillRow
	// Projects are a commune's funded projects of the period.
	Projects []ProjectRow
}

// DrillRow is one unit of the drill-down with its figures over the
// programme period so far.
type DrillRow struct {
	Code, Name    string
	Level         string
	Former        bool
	Projects      int64
	StateApproved int64
	Sessions      int64
	People        int64
}

// programmePeriod returns the national programme period that holds year
// (2026–2030 for 2026), or the year alone outside every period.
func programmePeriod(year int) (int, int) {
	for _, p := range programmes {
		if year >= p.from && year <= p.to {
			return p.from, p.to
		}
	}
	return year, year
}

// ReportDashboard returns the dashboard of unitCode ("" = the caller's
// scope), with the same checks and indicators as PeriodReport (but no
// findings, so no screening of the registry): the
// current year, the programme period up to this year, and the units one
// level down (or a commune's projects) to drill into.
func (a *App) ReportDashboard(ctx context.Context, unitCode string) (ReportDashboard, error) {
	p, err := principal(ctx)
	if err != nil {
		return ReportDashboard{}, err
	}
	year := a.today().Year()
	from, _ := programmePeriod(year)
	d := ReportDashboard{UnitCode: strings.TrimSpace(unitCode), Year: year, From: from, To: year}
	if d.Current, err = a.periodReport(ctx, ReportRequest{UnitCode: d.UnitCode, From: year, To: year}, false); err != nil {
		return d, err
	}
	if d.Period, err = a.periodReport(ctx, ReportRequest{UnitCode: d.UnitCode, From: from, To: year}, false); err != nil {
		return d, err
	}
	d.UnitName, d.Level = d.Period.UnitName, d.Period.UnitLevel
	t, err := a.reportTarget(ctx, p, d.UnitCode, from, year)
	if err != nil {
		return d, err
	}
	if len(t.units) == 1 && t.units[0].Level == kc.LevelCommune {
		d.Projects, err = a.drillProjects(ctx, t.units[0].Code, from, year)
		return d, err
	}
	d.Rows, err = a.drillRows(ctx, t, from, year)
	return d, err
}

// drillRows returns the units one level down from the target with the
// funded projects and outreach sessions of the years, each record counted
// in the row of its at-time unit (the unit itself or its parent).
func (a *App) drillRows(ctx context.Context, t reportTarget, from, to int) ([]DrillRow, error) {
	var children []kc.Unit
	switch {
	case t.units == nil: // the whole country: its provinces
		provinces, _, err := a.Store.ListUnits(ctx, kc.UnitFilter{Level: kc.LevelProvince, On: a.today(), Limit: UnitPageSizeMax})
		if err != nil {
			return nil, err
		}
		children = provinces
	case len(t.units) == 1:
		for _, u := range t.set {
			if u.ParentID == t.units[0].ID && unitOverlaps(u.Unit, from, to) {
				children = append(children, u.Unit)
			}
		}
	default: // a scope of several units: the units themselves
		children = t.units
	}
	rows := make([]DrillRow, len(children))
	index := make(map[int64]int, len(children))
	for i, u := range children {
		rows[i] = DrillRow{Code: u.Code, Name: u.Name, Level: u.Level, Former: !u.Current()}
		index[u.ID] = i
	}
	sc := store.ReportScope{Units: t.setIDs(), From: from, To: to}
	projects, err := a.Store.ProjectFiguresByUnit(ctx, sc)
	if err != nil {
		return nil, err
	}
	sessions, err := a.Store.SessionFiguresByUnit(ctx, sc)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, f := range projects {
		ids = append(ids, f.UnitID)
	}
	for _, s := range sessions {
		ids = append(ids, s.UnitID)
	}
	rowOf, err := a.drillRowOf(ctx, index, ids)
	if err != nil {
		return nil, err
	}
	for _, f := range projects {
		if i, ok := rowOf[f.UnitID]; ok {
			rows[i].Projects += f.Projects
			rows[i].StateApproved += f.StateApproved
		}
	}
	for _, s := range sessions {
		if i, ok := rowOf[s.UnitID]; ok {
			rows[i].Sessions += s.Sessions
			rows[i].People += s.People
		}
	}
	slices.SortStableFunc(rows, func(x, y DrillRow) int {
		if x.StateApproved != y.StateApproved {
			return int(min(max(y.StateApproved-x.StateApproved, -1), 1))
		}
		return strings.Compare(x.Name, y.Name)
	})
	return rows, nil
}

// drillRowOf maps each record unit id to its drill-down row: the row of
// the unit itself, else of its parent.
func (a *App) drillRowOf(ctx context.Context, index map[int64]int, ids []int64) (map[int64]int, error) {
	out := map[int64]int{}
	var missing []int64
	for _, id := range ids {
		if i, ok := index[id]; ok {
			out[id] = i
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	slices.Sort(missing)
	units, err := a.Store.UnitsByIDs(ctx, slices.Compact(missing))
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		if i, ok := index[u.ParentID]; ok {
			out[u.ID] = i
		}
	}
	return out, nil
}

// drillProjects lists a commune's funded projects of the years, newest
// year first (at most 100 a year).
func (a *App) drillProjects(ctx context.Context, code string, from, to int) ([]ProjectRow, error) {
	var out []ProjectRow
	for y := to; y >= from; y-- {
		page, err := a.Projects(ctx, ProjectFilter{Unit: code, Year: y, PerPage: 100})
		if err != nil {
			return nil, err
		}
		for _, r := range page.Rows {
			if slices.Contains(store.FundedStates, r.State) {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// PeriodCharts returns the charts of the period dataset, none when the
// dashboard holds no report (a role without the registry).
func (d ReportDashboard) PeriodCharts() []report.Chart {
	if d.Period == nil {
		return nil
	}
	return d.Period.Charts
}
