package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Limits of the campaign fields.
const (
	maxCampaignTitle    = 200
	maxCampaignTopic    = 500
	maxCampaignPlanNote = 20000
	// MaxCampaignBudget bounds a campaign's budget, in đồng (100 billion).
	MaxCampaignBudget int64 = 100_000_000_000
	// MaxCampaignSessions bounds the sessions saved with a new campaign.
	MaxCampaignSessions = 500
)

// CampaignInput is a new campaign with the sessions it starts with: the
// planner saves a plan as one (sessions with Status kc.SessionPlanned),
// the web form with none.
type CampaignInput struct {
	Campaign kc.Campaign
	Sessions []kc.OutreachSession
}

// CampaignTotals are the figures of a campaign's sessions: counts by
// status, people reached by the held ones, costs and officers' half days
// of the held and of the planned ones.
type CampaignTotals = store.CampaignTotals

// CampaignSummary is a campaign in the list: its unit's name and totals.
type CampaignSummary struct {
	kc.Campaign
	CampaignTotals
	UnitName string
}

// Committed is the cost of the held and planned sessions.
func (c CampaignSummary) Committed() int64 { return c.CostHeld + c.CostPlanned }

// OverBudget reports whether the held and planned sessions cost more than
// the budget (a budget of 0 means none was set).
func (c CampaignSummary) OverBudget() bool { return c.Budget > 0 && c.Committed() > c.Budget }

// CampaignDetail is one campaign with its sessions and totals.
type CampaignDetail struct {
	CampaignSummary
	// SchemeNames names the schemes promoted, in SchemeCodes order (the
	// code itself for a scheme no longer in the catalogue).
	SchemeNames []string
	Sessions    []SessionView
	// CanEdit reports whether the caller may change the campaign itself
	// (its unit is wholly in the caller's scope); CanAddSession whether
	// the caller may add sessions to it (in the caller's communes).
	CanEdit, CanAddSession bool
}

// SessionView is a session as lists show it: the commune's name and
// whether the caller may change it.
type SessionView struct {
	kc.OutreachSession
	CommuneName string
	CanEdit     bool
}

// campaignAudit is what the audit log keeps of a campaign.
type campaignAudit struct {
	Title, Topic     string
	UnitID           int64
	StartsOn, EndsOn string
	Budget           int64
	Schemes          []string `json:",omitempty"`
	Notes            string   `json:",omitempty"`
	PlanNote         bool     `json:",omitempty"`
	Version          int
}

func auditOfCampaign(c kc.Campaign) campaignAudit {
	return campaignAudit{Title: c.Title, Topic: c.Topic, UnitID: c.UnitID, StartsOn: c.StartsOn.String(), EndsOn: c.EndsOn.String(),
		Budget: c.Budget, Schemes: c.SchemeCodes, Notes: c.Notes, PlanNote: c.PlanNote != "", Version: c.Version}
}

// sessionAudit is what the audit log keeps of a session.
type sessionAudit struct {
	CampaignID    int64 `json:",omitempty"`
	Kind, Status  string
	CommuneID     int64
	Village       string
	HeldOn        string
	Attendees     int
	Cost          int64
	Staff         string `json:",omitempty"`
	StaffHalfDays int
	Language      string
	Interpreter   bool
	Materials     string `json:",omitempty"`
	Notes         string `json:",omitempty"`
}

func auditOfSession(o kc.OutreachSession) sessionAudit {
	return sessionAudit{CampaignID: o.CampaignID, Kind: o.Kind, Status: o.Status, CommuneID: o.CommuneID, Village: o.Village,
		HeldOn: o.HeldOn.String(), Attendees: o.Attendees, Cost: o.Cost, Staff: o.Staff, StaffHalfDays: o.StaffHalfDays,
		Language: o.Language, Interpreter: o.Interpreter, Materials: o.Materials, Notes: o.Notes}
}

// outreachWriter returns the caller when the role may plan campaigns and
// record sessions (PermWriteOutreach); a council member or a viewer gets
// EForbidden.
func outreachWriter(ctx context.Context) (*Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if !auth.Can(p.User.Role, auth.PermWriteOutreach) {
		return nil, forbidden()
	}
	return p, nil
}

// seesAny reports whether any of the communes is in p's scope.
func seesAny(p *Principal, communes []int64) bool {
	if p.All {
		return true
	}
	return slices.ContainsFunc(communes, p.InScope)
}

// checkCampaign normalises c and returns its field errors; a unit the
// caller may not run campaigns in is EForbidden (the error), and so are
// the current communes it covers (the sessions' possible places).
func (a *App) checkCampaign(ctx context.Context, p *Principal, c *kc.Campaign) (kc.Errors, []int64, error) {
	var errs kc.Errors
	c.Title = strings.TrimSpace(vi.NFC(c.Title))
	c.Topic = strings.TrimSpace(vi.NFC(c.Topic))
	c.Notes = strings.TrimSpace(vi.NFCLines(c.Notes))
	c.PlanNote = strings.TrimSpace(vi.NFCLines(c.PlanNote))
	switch {
	case c.Title == "":
		errs = append(errs, kc.FieldError("title", "campaign.title_required"))
	case utf8.RuneCountInString(c.Title) > maxCampaignTitle:
		errs = append(errs, kc.FieldError("title", "field.too_long", maxCampaignTitle))
	}
	if utf8.RuneCountInString(c.Topic) > maxCampaignTopic {
		errs = append(errs, kc.FieldError("topic", "field.too_long", maxCampaignTopic))
	}
	if utf8.RuneCountInString(c.Notes) > maxNotes {
		errs = append(errs, kc.FieldError("notes", "field.too_long", maxNotes))
	}
	if utf8.RuneCountInString(c.PlanNote) > maxCampaignPlanNote {
		errs = append(errs, kc.FieldError("plan_note", "field.too_long", maxCampaignPlanNote))
	}
	switch {
	case c.StartsOn.IsZero():
		errs = append(errs, kc.FieldError("starts_on", "campaign.starts_required"))
	case c.EndsOn.IsZero():
		errs = append(errs, kc.FieldError("ends_on", "campaign.ends_required"))
	case c.EndsOn.Before(c.StartsOn):
		errs = append(errs, kc.FieldError("ends_on", "campaign.ends_before_start", vi.FormatDate(c.StartsOn.Time())))
	}
	if c.Budget < 0 || c.Budget > MaxCampaignBudget {
		errs = append(errs, kc.FieldError("budget", "campaign.budget_range", vi.FormatVND(MaxCampaignBudget)))
	}
	var codes []string
	for _, code := range c.SchemeCodes {
		code = strings.TrimSpace(code)
		if code == "" || slices.Contains(codes, code) {
			continue
		}
		vs, err := a.Store.SchemeVersionsOf(ctx, code)
		if err != nil {
			return nil, nil, err
		}
		if len(vs) == 0 {
			errs = append(errs, kc.FieldError("schemes", "campaign.scheme_unknown", code))
		}
		codes = append(codes, code)
	}
	c.SchemeCodes = codes
	var communes []int64
	if c.UnitID == 0 {
		errs = append(errs, kc.FieldError("unit_id", "campaign.unit_required"))
	} else {
		u, err := a.Store.GetUnit(ctx, c.UnitID)
		switch {
		case kc.ErrorCode(err) == kc.ENotFound || (err == nil && (!u.Current() || (u.Level != kc.LevelProvince && u.Level != kc.LevelCommune))):
			errs = append(errs, kc.FieldError("unit_id", "campaign.unit_invalid"))
		case err != nil:
			return nil, nil, err
		default:
			if communes, err = a.Store.CurrentCommunesUnder(ctx, []int64{c.UnitID}); err != nil {
				return nil, nil, err
			}
			if !p.HoldsAll(communes) {
				return nil, nil, &kc.Error{Code: kc.EForbidden, Key: "campaign.unit_out_of_scope", Field: "unit_id"}
			}
		}
	}
	return errs, communes, nil
}

// CreateCampaign saves a new campaign with its first sessions in one
// transaction, each audited. The campaign's unit (a province or commune
// in force) must lie wholly in the caller's scope and every session's
// commune in the unit; sessions are checked like AddSession (with field
// names prefixed "sessions.N."), and must fall within the campaign's
// period. Roles that may not write outreach get EForbidden.
func (a *App) CreateCampaign(ctx context.Context, in CampaignInput) (kc.Campaign, error) {
	p, err := outreachWriter(ctx)
	if err != nil {
		return kc.Campaign{}, err
	}
	c := in.Campaign
	errs, communes, err := a.checkCampaign(ctx, p, &c)
	if err != nil {
		return kc.Campaign{}, err
	}
	if len(in.Sessions) > MaxCampaignSessions {
		errs = append(errs, kc.FieldError("sessions", "campaign.too_many_sessions", MaxCampaignSessions))
	}
	sessions := slices.Clone(in.Sessions)
	for i := range sessions {
		sessions[i].CampaignID = 0
		more, err := a.checkSession(ctx, p, &sessions[i], fmt.Sprintf("sessions.%d.", i), &c, communes, 0)
		if err != nil {
			return kc.Campaign{}, err
		}
		errs = append(errs, more...)
	}
	if err := oneOrAll(errs); err != nil {
		return kc.Campaign{}, err
	}
	c.ID, c.Version, c.CreatedBy, c.Demo = 0, 1, p.User.ID, false
	var created kc.Campaign
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if created, err = tx.CreateCampaign(ctx, c); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, kc.ActionCreate, "campaign", created.ID, nil, auditOfCampaign(created)); err != nil {
			return err
		}
		for _, o := range sessions {
			o.CampaignID = created.ID
			if o, err = tx.CreateOutreachSession(ctx, o); err != nil {
				return err
			}
			if err := a.audit(ctx, tx, kc.ActionCreate, "outreach_session", o.ID, nil, auditOfSession(o)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return kc.Campaign{}, err
	}
	return created, nil
}

// visibleCampaign reads a campaign the caller may see (its unit covers a
// commune of the caller's scope) with the current communes it covers;
// ENotFound otherwise.
func (a *App) visibleCampaign(ctx context.Context, p *Principal, id int64) (kc.Campaign, []int64, error) {
	c, err := a.Store.GetCampaign(ctx, id)
	if err != nil {
		return c, nil, err
	}
	communes, err := a.visibleCommunesUnder(ctx, p, c.UnitID)
	return c, communes, err
}

// visibleCommunesUnder returns the current communes under a unit or a
// commune (a former one's successors) when any of them is in p's scope;
// ENotFound when none is.
func (a *App) visibleCommunesUnder(ctx context.Context, p *Principal, id int64) ([]int64, error) {
	communes, err := a.Store.CurrentCommunesUnder(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if !seesAny(p, communes) {
		return nil, notFound()
	}
	return communes, nil
}

// unitName returns the name of a unit, "" when unknown.
func (a *App) unitName(ctx context.Context, id int64) string {
	if id == 0 {
		return ""
	}
	u, err := a.Store.GetUnit(ctx, id)
	if err != nil {
		return ""
	}
	return u.Name
}

// GetCampaign returns a campaign the caller may see, with its sessions
// (in day order) and totals; ENotFound outside the caller's scope.
func (a *App) GetCampaign(ctx context.Context, id int64) (CampaignDetail, error) {
	p, err := principal(ctx)
	if err != nil {
		return CampaignDetail{}, err
	}
	c, communes, err := a.visibleCampaign(ctx, p, id)
	if err != nil {
		return CampaignDetail{}, err
	}
	d := CampaignDetail{CampaignSummary: CampaignSummary{Campaign: c, UnitName: a.unitName(ctx, c.UnitID)}}
	writer := auth.Can(p.User.Role, auth.PermWriteOutreach)
	d.CanEdit = writer && p.HoldsAll(communes)
	d.CanAddSession = writer && seesAny(p, communes)
	err = a.Store.View(ctx, func(tx *store.Tx) error {
		d.CampaignTotals, err = tx.CampaignTotalsOf(ctx, id)
		return err
	})
	if err != nil {
		return d, err
	}
	if len(c.SchemeCodes) > 0 {
		schemes, err := a.Store.ListSchemes(ctx)
		if err != nil {
			return d, err
		}
		for _, code := range c.SchemeCodes {
			name := code
			if i := slices.IndexFunc(schemes, func(s kc.Scheme) bool { return s.Code == code }); i >= 0 {
				name = schemes[i].Name
			}
			d.SchemeNames = append(d.SchemeNames, name)
		}
	}
	sessions, _, err := a.Store.ListSessions(ctx, store.SessionFilter{CampaignID: id, Limit: 1000})
	if err != nil {
		return d, err
	}
	d.Sessions, err = a.sessionViews(ctx, p, sessions)
	return d, err
}

// sessionViews adds commune names and the caller's edit right.
func (a *App) sessionViews(ctx context.Context, p *Principal, sessions []kc.OutreachSession) ([]SessionView, error) {
	names := map[int64]string{}
	writer := auth.Can(p.User.Role, auth.PermWriteOutreach)
	scope := map[int64]bool{}
	out := make([]SessionView, 0, len(sessions))
	for _, o := range sessions {
		if _, ok := names[o.CommuneID]; !ok {
			names[o.CommuneID] = a.unitName(ctx, o.CommuneID)
			communes, err := a.Store.CurrentCommunesUnder(ctx, []int64{o.CommuneID})
			if err != nil {
				return nil, err
			}
			scope[o.CommuneID] = seesAny(p, communes)
		}
		out = append(out, SessionView{OutreachSession: o, CommuneName: names[o.CommuneID], CanEdit: writer && scope[o.CommuneID]})
	}
	return out, nil
}

// campaignUnits returns the units whose campaigns the caller sees: those
// of the scope, its communes and their parents; nil for everything.
func (a *App) campaignUnits(ctx context.Context, p *Principal) ([]int64, error) {
	if p.All {
		return nil, nil
	}
	ids := slices.Concat(p.Units, p.Communes)
	units, err := a.Store.UnitsByIDs(ctx, p.Communes)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		if u.ParentID != 0 {
			ids = append(ids, u.ParentID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// ListCampaigns lists the campaigns the caller sees (run by a unit of the
// scope or by the province of one of its communes), newest first, with
// their totals, and how many there are.
func (a *App) ListCampaigns(ctx context.Context, limit, offset int) ([]CampaignSummary, int, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, 0, err
	}
	units, err := a.campaignUnits(ctx, p)
	if err != nil {
		return nil, 0, err
	}
	if units == nil && !p.All {
		units = []int64{}
	}
	rows, total, err := a.Store.ListCampaigns(ctx, store.CampaignFilter{Units: units, Limit: limit, Offset: offset})
	if err != nil {
		return nil, 0, err
	}
	names := map[int64]string{}
	out := make([]CampaignSummary, 0, len(rows))
	for _, r := range rows {
		if _, ok := names[r.UnitID]; !ok {
			names[r.UnitID] = a.unitName(ctx, r.UnitID)
		}
		out = append(out, CampaignSummary{Campaign: r.Campaign, CampaignTotals: r.CampaignTotals, UnitName: names[r.UnitID]})
	}
	return out, total, nil
}

// UpdateCampaign changes a campaign's title, topic, unit, period, budget,
// schemes and notes when c.Version is still its version (else EConflict),
// audited. The caller must hold the campaign's unit (and the new one)
// wholly in scope; the sessions already recorded must stay within the
// unit and the period.
func (a *App) UpdateCampaign(ctx context.Context, c kc.Campaign) (kc.Campaign, error) {
	p, err := principal(ctx)
	if err != nil {
		return kc.Campaign{}, err
	}
	before, communes, err := a.visibleCampaign(ctx, p, c.ID)
	if err != nil {
		return kc.Campaign{}, err
	}
	if !auth.Can(p.User.Role, auth.PermWriteOutreach) || !p.HoldsAll(communes) {
		return kc.Campaign{}, forbidden()
	}
	c.PlanNote = before.PlanNote
	errs, communes, err := a.checkCampaign(ctx, p, &c)
	if err != nil {
		return kc.Campaign{}, err
	}
	if len(errs) == 0 {
		sessions, _, err := a.Store.ListSessions(ctx, store.SessionFilter{CampaignID: c.ID, Limit: 1000})
		if err != nil {
			return kc.Campaign{}, err
		}
		for _, o := range sessions {
			if o.HeldOn.Before(c.StartsOn) || o.HeldOn.After(c.EndsOn) {
				errs = append(errs, kc.FieldError("starts_on", "campaign.sessions_outside_period", vi.FormatDate(o.HeldOn.Time())))
				break
			}
		}
		if c.UnitID != before.UnitID {
			for _, o := range sessions {
				under, err := a.Store.CurrentCommunesUnder(ctx, []int64{o.CommuneID})
				if err != nil {
					return kc.Campaign{}, err
				}
				if !slices.ContainsFunc(under, func(id int64) bool { return slices.Contains(communes, id) }) {
					errs = append(errs, kc.FieldError("unit_id", "campaign.sessions_outside_unit"))
					break
				}
			}
		}
	}
	if err := oneOrAll(errs); err != nil {
		return kc.Campaign{}, err
	}
	var after kc.Campaign
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if after, err = tx.UpdateCampaign(ctx, c); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionUpdate, "campaign", c.ID, auditOfCampaign(before), auditOfCampaign(after))
	})
	return after, err
}

// CampaignUnits returns the units the caller may run a campaign in: the
// province(s) of the scope (when wholly held) and the scope's communes,
// provinces first, each in Vietnamese name order.
func (a *App) CampaignUnits(ctx context.Context) ([]kc.Unit, error) {
	p, err := outreachWriter(ctx)
	if err != nil {
		return nil, err
	}
	var provinces []kc.Unit
	if p.All {
		provinces, err = a.ScopeUnits(ctx)
	} else {
		var units []kc.Unit
		if units, err = a.Store.UnitsByIDs(ctx, p.Units); err == nil {
			for _, u := range units {
				if u.Level == kc.LevelProvince && u.Current() {
					provinces = append(provinces, u)
				}
			}
		}
	}
	if err != nil {
		return nil, err
	}
	sortUnits(provinces)
	communes, err := a.ScopeCommunes(ctx)
	if err != nil {
		return nil, err
	}
	return append(provinces, communes...), nil
}
