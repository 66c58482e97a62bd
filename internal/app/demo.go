package app

import (
	"context"
	"fmt"
	"strings"

	"khuyencong/internal/demo"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
)

// DemoAccount is one demo login, printed by serve --demo.
type DemoAccount struct {
	Role     string
	Username string
	Password string
}

// demoMarker is the setting that records that the demo dataset was loaded.
const demoMarker = "demo_loaded"

// DemoSeed is the seed of the district demo loaded by EnsureDemo.
const DemoSeed = 1

// demoAccount describes one demo login and where it works: a province or
// commune code valid on the reform date, or nothing for administrators.
type demoAccount struct {
	role     kc.Role
	username string
	password string
	display  string
	scope    string
}

// demoAccounts are the fixed demo logins, one per role plus a second
// commune officer (for scope checks). The passwords are deliberately
// recognisable as demo passwords.
var demoAccounts = []demoAccount{
	{kc.RoleAdmin, "quantri", "demo-admin-2026", "Quản trị (dữ liệu mẫu)", ""},
	{kc.RoleProvinceOfficer, "canbo.tinh", "demo-province-2026", "Cán bộ Sở Công Thương (dữ liệu mẫu)", "44"},
	{kc.RoleCommuneOfficer, "canbo.dakrong", "demo-commune-2026", "Cán bộ xã Đakrông (dữ liệu mẫu)", "19564"},
	{kc.RoleCommuneOfficer, "canbo.lalay", "demo-lalay-2026", "Cán bộ xã La Lay (dữ liệu mẫu)", "19594"},
	{kc.RoleCouncilMember, "hoidong", "demo-council-2026", "Thành viên hội đồng (dữ liệu mẫu)", "44"},
	{kc.RoleViewer, "nguoixem", "demo-viewer-2026", "Người xem (dữ liệu mẫu)", "44"},
}

// DemoAccounts returns the demo logins.
func DemoAccounts() []DemoAccount {
	out := make([]DemoAccount, len(demoAccounts))
	for i, d := range demoAccounts {
		out[i] = DemoAccount{Role: string(d.role), Username: d.username, Password: d.password}
	}
	return out
}

// EnsureReference seeds the catalogue every installation needs (trades,
// legal bases, content areas, scheme versions) where rows are missing;
// existing rows, an administrator's corrections included, are kept.
func (a *App) EnsureReference(ctx context.Context) error {
	n, err := a.Store.EnsureReference(ctx, store.DefaultReference())
	if err == nil && n > 0 {
		a.Log.Info("reference data seeded", "rows", n)
	}
	return err
}

// today is the current day in Vietnam by the app's clock.
func (a *App) today() kc.Date { return a.unitToday() }

// EnsureDemo loads the district demo dataset (DESIGN §6) and creates the
// demo accounts when the database holds no establishments and no demo
// marker; once the demo is loaded it just returns the accounts. A database
// with real establishments is left alone and gets no demo accounts.
func (a *App) EnsureDemo(ctx context.Context) ([]DemoAccount, error) {
	loaded, n, err := a.demoState(ctx)
	if err != nil {
		return nil, err
	}
	if loaded {
		return DemoAccounts(), nil
	}
	if n > 0 {
		a.Log.Warn("demo: the database already holds establishments; demo data not loaded", "establishments", n)
		return nil, nil
	}
	if _, err := a.GenerateScale(ctx, demo.ScaleDistrict, DemoSeed, nil); err != nil {
		return nil, err
	}
	return DemoAccounts(), nil
}

// DemoLoaded reports whether the fictional demo dataset is loaded, so the
// screens can label it. Errors count as "not loaded".
func (a *App) DemoLoaded(ctx context.Context) bool {
	loaded, _, err := a.demoState(ctx)
	return err == nil && loaded
}

// demoState reports whether the demo marker is set and how many
// establishments the database holds.
func (a *App) demoState(ctx context.Context) (bool, int64, error) {
	var loaded bool
	err := a.Store.View(ctx, func(tx *store.Tx) error {
		v, err := tx.Setting(ctx, demoMarker)
		switch kc.ErrorCode(err) {
		case "":
			loaded = v != ""
		case kc.ENotFound:
		default:
			return err
		}
		return nil
	})
	if err != nil {
		return false, 0, err
	}
	n, err := a.Store.CountEstablishments(ctx)
	return loaded, n, err
}

// ensureDemoAccounts creates the demo logins that do not exist yet.
func (a *App) ensureDemoAccounts(ctx context.Context) error {
	for _, d := range demoAccounts {
		in := NewUser{Username: d.username, DisplayName: d.display, Password: d.password, Role: d.role}
		if d.scope != "" {
			u, err := a.Store.FindUnit(ctx, d.scope, kc.ReformDate)
			if err != nil {
				return fmt.Errorf("app: demo account %s scope %s: %w", d.username, d.scope, err)
			}
			in.ScopeUnitIDs = []int64{u.ID}
		}
		if _, err := a.CreateUser(ctx, in); err != nil && kc.ErrorCode(err) != kc.EConflict {
			return fmt.Errorf("app: demo account %s: %w", d.username, err)
		}
	}
	return nil
}

// demoCouncil is the demo account that scores the candidate proposals.
const demoCouncil = "hoidong"

// ensureDemoPlans loads the district demo's annual plans for the province
// (demo.DistrictPlans: the current year's, with the commitments of its
// approved projects, and the next year's, tight on purpose) and the
// council's scores of the proposals registered for the next year
// (demo.CandidateAppraisal, spread over the active items of the score
// sheet), in one transaction. It does nothing when the database holds no
// district demo proposals (other scales) or the next year's plan exists
// already, so it is safe to call again.
func (a *App) ensureDemoPlans(ctx context.Context) error {
	prov, err := a.Store.FindUnit(ctx, demo.PlanProvince, kc.ReformDate)
	if kc.ErrorCode(err) == kc.ENotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := a.Store.FindPlan(ctx, demo.CandidateYear, prov.ID); err == nil {
		return nil
	} else if kc.ErrorCode(err) != kc.ENotFound {
		return err
	}
	communes, err := a.planCommunes(ctx, prov.ID)
	if err != nil {
		return err
	}
	all, err := a.Store.PlanCandidates(ctx, 0, demo.CandidateYear, communes)
	if err != nil {
		return err
	}
	prefix := fmt.Sprintf("DK-%d-", demo.CandidateYear)
	var cands []store.PlanCandidate
	demand := map[string]int64{}
	for _, c := range all {
		if !strings.HasPrefix(c.Code, prefix) {
			continue
		}
		cands = append(cands, c)
		for _, f := range c.Funding {
			if f.Source != kc.SourceCounterpart {
				demand[f.Source] += f.Planned
			}
		}
	}
	if len(cands) == 0 {
		return nil
	}
	comm, err := a.Store.PlanCommitments(ctx, demo.PlanYear, communes)
	if err != nil {
		return err
	}
	committed := map[string]int64{}
	for _, c := range comm {
		committed[c.Source] += c.Committed
	}
	var member int64
	if u, err := a.Store.GetUserByUsername(ctx, demoCouncil); err == nil {
		member = u.ID
	} else if kc.ErrorCode(err) != kc.ENotFound {
		return err
	}
	ctx = WithPrincipal(ctx, System)
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		for _, spec := range demo.DistrictPlans(committed, demand) {
			pl, err := tx.CreatePlan(ctx, spec.Year, prov.ID, spec.Note)
			if kc.ErrorCode(err) == kc.EConflict {
				continue
			}
			if err != nil {
				return err
			}
			for _, e := range spec.Envelopes {
				if err := tx.SetPlanEnvelope(ctx, pl.ID, store.PlanEnvelope{Source: e.Source, ContentArea: e.ContentArea, Amount: e.Amount}); err != nil {
					return err
				}
			}
			if err := a.audit(ctx, tx, kc.ActionImport, entityPlan, pl.ID, nil, map[string]any{"plan": auditPlan(pl), "envelopes": spec.Envelopes}); err != nil {
				return err
			}
		}
		if member == 0 {
			return nil
		}
		sheet, err := tx.SeedScoreSheet(ctx)
		if err != nil {
			return err
		}
		var rows []store.SeedAppraisal
		for _, c := range cands {
			total, ok := demo.CandidateAppraisal(c.Code, c.State)
			if !ok || c.Scorers > 0 {
				continue
			}
			for _, it := range spreadScore(total, sheet) {
				rows = append(rows, store.SeedAppraisal{ProjectID: c.ProjectID, MemberID: member, Item: it.item, Score: it.score, Comment: "Dữ liệu mẫu"})
			}
		}
		if err := tx.SeedAppraisals(ctx, rows); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionImport, "appraisal", 0, nil, map[string]any{"demo": true, "rows": len(rows)})
	})
}

// itemScore is a score on one item of the appraisal score sheet.
type itemScore struct {
	item  string
	score int
}

// spreadScore spreads a total out of 100 over the items of a score sheet
// in proportion to their maximums, in whole points, each item at most its
// maximum; the item scores add up to total scaled to the sheet's maximum.
// An empty sheet gets one item "tong" out of 100.
func spreadScore(total int, sheet []store.SeedScoreItem) []itemScore {
	if len(sheet) == 0 {
		sheet = []store.SeedScoreItem{{Code: "tong", MaxScore: 100}}
	}
	sumMax := 0
	for _, it := range sheet {
		sumMax += it.MaxScore
	}
	target := (total*sumMax + 50) / 100
	out := make([]itemScore, len(sheet))
	given := 0
	for i, it := range sheet {
		out[i] = itemScore{item: it.Code, score: total * it.MaxScore / 100}
		given += out[i].score
	}
	for i := 0; given < target && i < len(out)*100; i++ {
		j := i % len(out)
		if out[j].score < sheet[j].MaxScore {
			out[j].score++
			given++
		}
	}
	return out
}

// districtUnits looks up the units of the district demo: the communes in
// force and the thirteen former communes on the eve of the reform.
func (a *App) districtUnits(ctx context.Context) (demo.DistrictUnits, error) {
	u := demo.DistrictUnits{Current: map[string]int64{}, Former: map[string]int64{}}
	if prov, err := a.Store.FindUnit(ctx, demo.PlanProvince, kc.ReformDate); err == nil {
		u.Province = prov.ID
	} else if kc.ErrorCode(err) != kc.ENotFound {
		return u, err
	}
	var missing []string
	for _, code := range demo.DistrictCurrentCodes {
		unit, err := a.Store.FindUnit(ctx, code, kc.ReformDate)
		if err != nil {
			if kc.ErrorCode(err) != kc.ENotFound {
				return u, err
			}
			missing = append(missing, code)
			continue
		}
		u.Current[code] = unit.ID
	}
	eve := kc.ReformDate.AddDays(-1)
	for _, code := range []string{"19555", "19558", "19561", "19564", "19567", "19570", "19576", "19579", "19582", "19585", "19588", "19591", "19594"} {
		unit, err := a.Store.FindUnit(ctx, code, eve)
		if err != nil {
			if kc.ErrorCode(err) != kc.ENotFound {
				return u, err
			}
			missing = append(missing, code+"@"+eve.String())
			continue
		}
		u.Former[code] = unit.ID
	}
	if len(missing) > 0 {
		return u, kc.Errorf(kc.EInvalid, "demo.units_missing", strings.Join(missing, ", "))
	}
	return u, nil
}

// outreachConverter maps the outreach part of a generated dataset onto
// database ids (campaigns and numbered sessions after the current
// maximum) and seals the phones it carries; without a secret the phones
// are left out.
type outreachConverter struct {
	campBase, sessBase int64
	seal               func(field, value string) (kc.Sealed, error)
}

func (a *App) newOutreachConverter(ctx context.Context) (outreachConverter, error) {
	camp, sess, err := a.Store.NextOutreachIDs(ctx)
	if err != nil {
		return outreachConverter{}, err
	}
	oc := outreachConverter{campBase: camp - 1, sessBase: sess - 1}
	if a.keys != nil {
		oc.seal = a.seal
	}
	return oc, nil
}

// sealPhone seals a phone for the bulk loader (nothing without a secret).
func (oc outreachConverter) sealPhone(phone string) (kc.Sealed, error) {
	if phone == "" || oc.seal == nil {
		return kc.Sealed{}, nil
	}
	return oc.seal(fieldPhone, phone)
}

// convertOutreach fills out's campaigns, sessions, attendance, self-check
// log and need requests from b, and seals the phones of out's
// establishments, which convert has already numbered.
func (c *converter) convertOutreach(b *demo.Batch, out *store.BulkBatch) error {
	oc := c.outreach
	for i, e := range b.Establishments {
		if e.Phone == "" {
			continue
		}
		sealed, err := oc.sealPhone(e.Phone)
		if err != nil {
			return err
		}
		out.Establishments[i].Phone, out.Establishments[i].PhoneSealed = "", sealed
	}
	for _, cp := range b.Campaigns {
		cp.ID += oc.campBase
		out.Campaigns = append(out.Campaigns, cp)
	}
	out.Sessions = make([]kc.OutreachSession, len(b.Sessions))
	for i, s := range b.Sessions {
		if s.ID != 0 {
			s.ID += oc.sessBase
		}
		if s.CampaignID != 0 {
			s.CampaignID += oc.campBase
		}
		out.Sessions[i] = s
	}
	for _, at := range b.Attendance {
		at.SessionID += oc.sessBase
		if at.EstablishmentID != 0 {
			at.EstablishmentID += c.estBase
		}
		sealed, err := oc.sealPhone(at.Phone)
		if err != nil {
			return err
		}
		at.Phone, at.PhoneSealed = "", sealed
		out.Attendance = append(out.Attendance, at)
	}
	for _, sc := range b.SelfChecks {
		out.SelfChecks = append(out.SelfChecks, store.SelfCheckLog{CommuneID: sc.CommuneID, Trade: sc.Trade, On: sc.On, ViaQR: sc.ViaQR})
	}
	for _, n := range b.Needs {
		sealed, err := oc.sealPhone(n.Phone)
		if err != nil {
			return err
		}
		row := store.NeedRow{NeedRequest: store.NeedRequest{TrackingCode: n.TrackingCode, Name: n.Name, PhoneSealed: sealed, CommuneID: n.CommuneID,
			Trade: n.Trade, Need: n.Text, Status: n.Status, CreatedAt: n.CreatedAt}, Answer: n.Answer, UpdatedAt: n.UpdatedAt}
		if n.EstablishmentID != 0 {
			row.EstablishmentID = n.EstablishmentID + c.estBase
		}
		out.Needs = append(out.Needs, row)
	}
	return nil
}
