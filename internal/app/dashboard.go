package app

import "context"

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
	ActiveProjects   int64 // approved and not yet settled
	OutreachSessions int64 // sessions this year
	Funding          []SourceAmount // approved state and counterpart funds this year
}

// SourceAmount is an amount in đồng for one funding source.
type SourceAmount struct {
	Source string
	Amount int64
}

// Dashboard returns the counts for the caller's scope. STUB: replaced by
// the demo work.
func (a *App) Dashboard(ctx context.Context) (Dashboard, error) {
	return Dashboard{}, errStub
}
