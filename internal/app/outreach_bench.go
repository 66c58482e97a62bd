package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"khuyencong/internal/outreach"
	"khuyencong/internal/vi"
)

// OutreachPlanRequest plans as PlanOutreach does and returns, with the
// plan, the planner request it was made from, so that the same problem
// can be handed to another solver (outreach.WriteLP): the period, the
// staff days, the budget, the assumptions in force, the public holidays
// of the period and every place the planner could send a session to
// (those chosen and those left out, each with all its figures). Places
// with nobody to reach, which the planner skips, are not in it, and the
// places are in commune code then village order rather than in the
// coverage order PlanOutreach reads them in; neither changes the
// selection problem. The working days of the request must be those of
// the plan.
func (a *App) OutreachPlanRequest(ctx context.Context, in PlanOutreachInput) (outreach.Request, OutreachPlan, error) {
	pl, err := a.PlanOutreach(ctx, in)
	if err != nil {
		return outreach.Request{}, pl, err
	}
	holidays, err := a.outreachHolidays(ctx, pl.From, pl.To)
	if err != nil {
		return outreach.Request{}, pl, err
	}
	req := outreach.Request{From: pl.From, To: pl.To, StaffDays: pl.StaffDays, Budget: pl.Budget, Params: pl.Params,
		Holidays: holidays}
	for _, s := range pl.Sessions {
		req.Villages = append(req.Villages, s.Village)
	}
	for _, l := range pl.LeftOut {
		req.Villages = append(req.Villages, l.Village)
	}
	slices.SortStableFunc(req.Villages, func(x, y outreach.Village) int {
		if c := strings.Compare(x.CommuneCode, y.CommuneCode); c != 0 {
			return c
		}
		return vi.Compare(x.Village, y.Village)
	})
	if n := len(req.WorkingDays()); n != pl.WorkingDays {
		return req, pl, fmt.Errorf("app: outreach plan request has %d working days, the plan %d", n, pl.WorkingDays)
	}
	return req, pl, nil
}
