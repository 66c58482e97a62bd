package app

import (
	"context"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
)

// Dashboard is the set of counts shown on the home page, for the caller's
// scope.
type Dashboard struct {
	ScopeName        string // e.g. "Tỉnh Quảng Trị" or "Xã Đakrông"; "Toàn quốc" for admins
	Year             int    // the current year
	Communes         int64  // communes in force in scope
	Establishments   int64
	WorkersLatest    int64 // workers in the latest facts of those establishments
	Projects         int64 // all projects in scope
	ProjectsThisYear int64
	ActiveProjects   int64          // approved and not yet settled
	OutreachSessions int64          // sessions this year
	Funding          []SourceAmount // approved state and counterpart funds this year
	// StateFunding is the approved amount of this year from state sources
	// (every source but the beneficiaries' counterpart).
	StateFunding int64
}

// SourceAmount is an amount in đồng for one funding source.
type SourceAmount struct {
	Source string
	Amount int64
}

// wholeCountry names the scope of principals who see everything.
const wholeCountry = "Toàn quốc"

// Dashboard returns the counts for the caller's scope: the communes in
// force it covers, and for projects and outreach sessions also the former
// units those communes took over (records keep the unit of their day).
func (a *App) Dashboard(ctx context.Context) (Dashboard, error) {
	p, err := principal(ctx)
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{Year: a.today().Year(), ScopeName: wholeCountry}
	c, err := a.Store.DashboardCounts(ctx, p.ScopeFilter(), d.Year)
	if err != nil {
		return Dashboard{}, err
	}
	if !p.All {
		d.ScopeName, err = a.scopeName(ctx, p)
		if err != nil {
			return Dashboard{}, err
		}
	}
	fill(&d, c)
	return d, nil
}

// DashboardRaw returns the same counts as Dashboard computed by one SQL
// statement (with scan, counting the establishment rows themselves rather
// than the per-commune summary); the benchmarks compare them.
func (a *App) DashboardRaw(ctx context.Context, scan bool) (Dashboard, error) {
	p, err := principal(ctx)
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{Year: a.today().Year(), ScopeName: wholeCountry}
	c, err := a.Store.DashboardCountsRaw(ctx, p.ScopeFilter(), d.Year, scan)
	if err != nil {
		return Dashboard{}, err
	}
	if !p.All {
		if d.ScopeName, err = a.scopeName(ctx, p); err != nil {
			return Dashboard{}, err
		}
	}
	fill(&d, c)
	return d, nil
}

func fill(d *Dashboard, c store.DashboardCounts) {
	d.Communes, d.Establishments, d.WorkersLatest = c.Communes, c.Establishments, c.WorkersLatest
	d.Projects, d.ProjectsThisYear, d.ActiveProjects, d.OutreachSessions = c.Projects, c.ProjectsThisYear, c.ActiveProjects, c.OutreachSessions
	for _, f := range c.Funding {
		d.Funding = append(d.Funding, SourceAmount{Source: f.Source, Amount: f.Amount})
		if f.Source != kc.SourceCounterpart {
			d.StateFunding += f.Amount
		}
	}
}

// scopeName names the units the principal was assigned, joined by commas.
func (a *App) scopeName(ctx context.Context, p *Principal) (string, error) {
	names, err := a.Store.UnitNames(ctx, p.Units)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, id := range p.Units {
		if n := names[id]; n != "" {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, ", "), nil
}
