package api

import (
	"net/http"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
)

func (x *API) outreachPlanRoutes() {
	x.handle("POST /api/v1/outreach/plan", x.planOutreach)
}

// OutreachPlanRequest is the body of POST /api/v1/outreach/plan: the unit
// (a province or commune code; empty: the caller's whole scope), the
// period (YYYY-MM-DD or DD/MM/YYYY; both empty: the next quarter), the
// staff days (> 0) and the budget in đồng (≥ 0).
type OutreachPlanRequest struct {
	Unit      string `json:"unit"`
	From      string `json:"from"`
	To        string `json:"to"`
	StaffDays int    `json:"staff_days"`
	Budget    int64  `json:"budget"`
}

// planOutreach proposes the outreach sessions of a period within the
// staff days and the budget, with their explanation (in Vietnamese) and
// the comparison with the same number of sessions in the communes with
// the most establishments. It reads, never writes, and shares the
// caller's document rate limit.
func (x *API) planOutreach(w http.ResponseWriter, r *http.Request) {
	if !x.documentAllowed(w, r) { // as heavy as a document: same bucket
		return
	}
	var body OutreachPlanRequest
	if !x.decode(w, r, &body) {
		return
	}
	in := x.app.DefaultPlanInput()
	in.UnitCode, in.StaffDays, in.Budget = body.Unit, body.StaffDays, body.Budget
	if body.From != "" || body.To != "" {
		var errs kc.Errors
		var err error
		if in.From, err = app.ParsePlanDate("from", body.From); err != nil {
			errs = append(errs, kc.FieldErrors(err)...)
		}
		if in.To, err = app.ParsePlanDate("to", body.To); err != nil {
			errs = append(errs, kc.FieldErrors(err)...)
		}
		if err := errs.Err(); err != nil {
			x.fail(w, r, err)
			return
		}
	}
	pl, err := x.app.PlanOutreach(r.Context(), in)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, pl.View(locale.Default))
}
