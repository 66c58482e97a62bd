package app

import (
	"context"
	"slices"
	"strings"

	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// FunnelFollowUpDays is how long after a campaign ends what follows in its
// communes (self-checks, requests, projects) still counts for it. The
// funnel attributes by place and time, not by proven cause: a request
// registered in a commune 60 days after a meeting there counts, whoever
// prompted it.
const FunnelFollowUpDays = 90

// Funnel step keys, in order: held sessions, people reached, new
// producers registered, public self-checks, need requests, projects
// proposed, projects funded.
const (
	FunnelSessions   = "sessions"
	FunnelReached    = "reached"
	FunnelRegistered = "registered"
	FunnelSelfChecks = "selfchecks"
	FunnelRequests   = "requests"
	FunnelProposed   = "proposed"
	FunnelFunded     = "funded"
)

// FunnelStepKeys lists the steps of the funnel in order.
var FunnelStepKeys = []string{FunnelSessions, FunnelReached, FunnelRegistered, FunnelSelfChecks, FunnelRequests, FunnelProposed, FunnelFunded}

// FunnelFigures are the funnel's counts in one place (see
// store.FunnelCounts for what each step counts).
type FunnelFigures store.FunnelCounts

// FunnelStep is one step of a funnel with its count and, where the step
// is a part of the previous one, its share of it.
type FunnelStep struct {
	Key string
	N   int64
	// ShareBP is N as a share of the previous step in basis points (1250
	// = 12.5 %). HasShare is set only on the steps that are a part of the
	// previous one: the new producers registered among the people reached,
	// and the projects funded among those proposed, and only when the
	// previous step is not 0. The other steps are not subsets (anyone may
	// answer the self-check, with or without a session), so no share.
	ShareBP  int64
	HasShare bool
	// PerSession is the people reached per session, on the reached step
	// (0 elsewhere or without sessions).
	PerSession int64
	// Width is N relative to the largest step, in percent (at least 1
	// when N > 0), for drawing the funnel as bars.
	Width int64
}

// funnelShareOfPrevious lists the steps that are a part of the previous
// step.
var funnelShareOfPrevious = map[string]bool{FunnelRegistered: true, FunnelFunded: true}

// Steps returns the steps in order.
func (f FunnelFigures) Steps() []FunnelStep {
	ns := []int64{f.Sessions, f.Reached, f.Registered, f.SelfChecks, f.Requests, f.Proposed, f.Funded}
	largest := slices.Max(ns)
	out := make([]FunnelStep, len(ns))
	for i, n := range ns {
		st := FunnelStep{Key: FunnelStepKeys[i], N: n}
		if funnelShareOfPrevious[st.Key] && ns[i-1] > 0 {
			st.ShareBP, st.HasShare = n*10000/ns[i-1], true
		}
		if st.Key == FunnelReached && f.Sessions > 0 {
			st.PerSession = n / f.Sessions
		}
		if largest > 0 && n > 0 {
			st.Width = max(1, n*100/largest)
		}
		out[i] = st
	}
	return out
}

// IsZero reports whether every step is 0.
func (f FunnelFigures) IsZero() bool { return f == FunnelFigures{} }

func (f *FunnelFigures) add(o FunnelFigures) {
	c := (*store.FunnelCounts)(f)
	c.Add(store.FunnelCounts(o))
}

// FunnelCommune is the funnel of one current commune (sessions and
// projects of the former communes merged into it count for it).
type FunnelCommune struct {
	ID         int64
	Code, Name string
	FunnelFigures
}

// Funnel is the outreach funnel of a campaign or of a period, per current
// commune and in total.
type Funnel struct {
	// CampaignID and CampaignTitle are set for a campaign's funnel, whose
	// sessions are the campaign's held sessions whatever their day.
	CampaignID    int64
	CampaignTitle string
	// FollowUpDays is FunnelFollowUpDays for a campaign, 0 for a period.
	FollowUpDays int
	// UnitCode and UnitName name the unit asked for ("" for the caller's
	// scope or a campaign).
	UnitCode, UnitName string
	// National is true when the whole country was counted: only the
	// total, no commune rows.
	National bool
	// From and To bound the period counted, days included: for a campaign,
	// its period extended by the follow-up window, capped at today.
	From, To kc.Date
	Communes []FunnelCommune // in Vietnamese name order
	// Quiet counts the communes left out of Communes: every step zero.
	Quiet int
	Total FunnelFigures
}

// PeriodFunnel returns the funnel of the unit with code unitCode (a
// province, a commune, or a former unit meaning its successor area;
// empty: the caller's scope, or the whole country for an administrator,
// in total only) over the days from … to (zero from: 1 January of this
// year; zero to: today), within the caller's scope. Roles that may not
// read reports get EForbidden.
func (a *App) PeriodFunnel(ctx context.Context, unitCode string, from, to kc.Date) (Funnel, error) {
	p, err := principal(ctx)
	if err != nil {
		return Funnel{}, err
	}
	if !auth.Can(p.User.Role, auth.PermViewReports) {
		return Funnel{}, forbidden()
	}
	today := a.today()
	if from.IsZero() {
		from = kc.NewDate(today.Year(), 1, 1)
	}
	if to.IsZero() {
		to = today
	}
	if to.Before(from) {
		return Funnel{}, kc.FieldError("to", "funnel.err.period", vi.FormatDay(from.Time()), vi.FormatDay(to.Time()))
	}
	unitCode = strings.TrimSpace(unitCode)
	out := Funnel{UnitCode: unitCode, From: from, To: to}
	var ids []int64
	switch {
	case unitCode != "":
		all, err := a.CommunesUnderCode(ctx, unitCode)
		if err != nil {
			return out, err
		}
		ids = p.Narrow(all)
		if len(all) > 0 && len(ids) == 0 {
			return out, kc.Errorf(kc.EForbidden, "funnel.err.out_of_scope", unitCode)
		}
		out.UnitName = a.unitNameOn(ctx, unitCode, today)
	case p.All:
		rows, err := a.Store.OutreachFunnel(ctx, store.FunnelScope{From: from, To: to})
		if err != nil {
			return out, err
		}
		out.National = true
		for _, r := range rows {
			out.Total.add(FunnelFigures(r.FunnelCounts))
		}
		return out, nil
	default:
		ids = p.ScopeFilter()
	}
	out.Communes, out.Total, out.Quiet, err = a.funnelByCommune(ctx, ids, store.FunnelScope{From: from, To: to})
	return out, err
}

// CampaignFunnel returns the funnel of the campaign with id: its held
// sessions, and what followed in the communes where they were held (or,
// before any was held, the communes of the campaign's unit) from its start
// to FunnelFollowUpDays after its end, capped at today. Only the communes
// in the caller's scope count; a campaign with none is refused.
func (a *App) CampaignFunnel(ctx context.Context, id int64) (Funnel, error) {
	p, err := principal(ctx)
	if err != nil {
		return Funnel{}, err
	}
	if !auth.Can(p.User.Role, auth.PermViewReports) {
		return Funnel{}, forbidden()
	}
	span, err := a.Store.GetCampaignSpan(ctx, id)
	if err != nil {
		return Funnel{}, err
	}
	roots := span.Communes
	if len(roots) == 0 {
		roots = []int64{span.UnitID}
	}
	communes, err := a.Store.CurrentCommunesUnder(ctx, roots)
	if err != nil {
		return Funnel{}, err
	}
	slices.Sort(communes)
	communes = slices.Compact(communes)
	ids := p.Narrow(communes)
	if !p.All && len(ids) == 0 {
		return Funnel{}, kc.Errorf(kc.EForbidden, "funnel.err.campaign_scope")
	}
	from, to := campaignFunnelPeriod(span, a.today())
	out := Funnel{CampaignID: span.ID, CampaignTitle: span.Title, FollowUpDays: FunnelFollowUpDays, From: from, To: to}
	out.Communes, out.Total, out.Quiet, err = a.funnelByCommune(ctx, ids, store.FunnelScope{From: from, To: to, Campaign: span.ID})
	return out, err
}

// campaignFunnelPeriod is the period over which a campaign's follow-up
// steps are counted: from its start (or its first held session, or
// today) to FunnelFollowUpDays after its end (or its last held session),
// capped at today and never before the start.
func campaignFunnelPeriod(c store.CampaignSpan, today kc.Date) (from, to kc.Date) {
	from = c.StartsOn
	if from.IsZero() || (!c.FirstHeld.IsZero() && c.FirstHeld.Before(from)) {
		from = c.FirstHeld
	}
	if from.IsZero() {
		from = today
	}
	end := c.EndsOn
	if c.LastHeld.After(end) {
		end = c.LastHeld
	}
	if end.IsZero() {
		end = from
	}
	to = end.AddDays(FunnelFollowUpDays)
	if to.After(today) {
		to = today
	}
	if to.Before(from) {
		to = from
	}
	return from, to
}

// funnelByCommune counts the funnel for the current communes ids, each
// with the former communes merged into it, and returns a row per commune
// with a figure, in Vietnamese name order, the total, and the number of
// communes left out because every step is zero there.
func (a *App) funnelByCommune(ctx context.Context, ids []int64, sc store.FunnelScope) ([]FunnelCommune, FunnelFigures, int, error) {
	var total FunnelFigures
	units, err := a.Store.UnitsByIDs(ctx, ids)
	if err != nil {
		return nil, total, 0, err
	}
	current, asWas, err := a.communesAsTheyWere(ctx, units)
	if err != nil {
		return nil, total, 0, err
	}
	sc.Communes = asWas
	rows, err := a.Store.OutreachFunnel(ctx, sc)
	if err != nil {
		return nil, total, 0, err
	}
	byID := map[int64]*FunnelCommune{}
	for _, u := range units {
		byID[u.ID] = &FunnelCommune{ID: u.ID, Code: u.Code, Name: u.Name}
	}
	for _, r := range rows {
		if c := byID[current[r.CommuneID]]; c != nil {
			c.add(FunnelFigures(r.FunnelCounts))
		}
	}
	sortUnits(units)
	var out []FunnelCommune
	quiet := 0
	for _, u := range units {
		c := byID[u.ID]
		total.add(c.FunnelFigures)
		if c.IsZero() {
			quiet++
			continue
		}
		out = append(out, *c)
	}
	return out, total, quiet, nil
}
