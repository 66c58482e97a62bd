package app

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// ReachWindowDays is how far back a producer counts as reached: the last
// 12 months.
const ReachWindowDays = 365

// OutreachFigures are the reach figures of a commune or a village on a
// day. A producer is reached by a held session that names it in its
// attendance, or by a village-wide session (kc.VillageWide: a loudspeaker
// broadcast, a leaflet round) held in its village; sessions held in a
// former commune count for the commune it became part of.
type OutreachFigures struct {
	Producers int // registered establishments
	Reached12 int // reached in the last 12 months
	Likely    int // likely eligible (the screening: eligible or near-eligible for a scheme)
	// LikelyNeverReached counts the likely eligible never reached;
	// LikelyUnreached12 those not reached in the last 12 months (the
	// planner's target, which includes the never reached).
	LikelyNeverReached int
	LikelyUnreached12  int
	// Ethnic and Phone count, among LikelyUnreached12, the ethnic-minority
	// owned and those with a phone on record.
	Ethnic, Phone int
	LastSession   kc.Date // the last held session there, of any kind; zero: none
}

// ReachedPct is the share of producers reached in the last 12 months, in
// whole percent (0 when there are none).
func (f OutreachFigures) ReachedPct() int {
	if f.Producers == 0 {
		return 0
	}
	return f.Reached12 * 100 / f.Producers
}

func (f *OutreachFigures) add(o OutreachFigures) {
	f.Producers += o.Producers
	f.Reached12 += o.Reached12
	f.Likely += o.Likely
	f.LikelyNeverReached += o.LikelyNeverReached
	f.LikelyUnreached12 += o.LikelyUnreached12
	f.Ethnic += o.Ethnic
	f.Phone += o.Phone
	if o.LastSession.After(f.LastSession) {
		f.LastSession = o.LastSession
	}
}

// OutreachCommune is one current commune of an OutreachArea.
type OutreachCommune struct {
	ID         int64
	Code, Name string
	OutreachFigures
}

// OutreachVillage is one village of a commune of an OutreachArea. Village
// is the name as most producers have it recorded ("" for producers whose
// village is not recorded).
type OutreachVillage struct {
	CommuneID                int64
	CommuneCode, CommuneName string
	Village                  string
	// MainEthnicity is the most common owner ethnicity among the
	// ethnic-minority producers counted in Ethnic ("" when none): the
	// language a meeting there needs an interpreter for.
	MainEthnicity string
	OutreachFigures
}

// OutreachArea is the registry of a unit as outreach sees it on a day:
// per current commune and village, who was reached and who is likely
// eligible but was not.
type OutreachArea struct {
	UnitCode, UnitName string // empty when the caller's whole scope was asked for
	// Narrowed is set when the unit reaches beyond the caller's scope and
	// only the communes within it were read (UnitName then names the
	// commune when only one is left).
	Narrowed bool
	On       kc.Date
	Total    OutreachFigures
	Communes []OutreachCommune // in Vietnamese name order
	Villages []OutreachVillage // by commune as Communes, then village name
}

// CommuneVillages returns the villages of one commune of the area.
func (ar OutreachArea) CommuneVillages(communeID int64) []OutreachVillage {
	var out []OutreachVillage
	for _, v := range ar.Villages {
		if v.CommuneID == communeID {
			out = append(out, v)
		}
	}
	return out
}

// villageKey identifies a village of a current commune by its folded name.
type villageKey struct {
	commune int64
	village string
}

// OutreachArea reads the reach of the unit with code unitCode (a
// province, a commune, or a former unit meaning its successor area;
// empty: the caller's whole scope, which a national account must narrow)
// on day on (today when zero), within the caller's scope. Likely
// eligibility comes from screening the registry against the schemes in
// force on the day. Roles that may not read the registry get EForbidden.
func (a *App) OutreachArea(ctx context.Context, unitCode string, on kc.Date) (OutreachArea, error) {
	p, err := principal(ctx)
	if err != nil {
		return OutreachArea{}, err
	}
	if !auth.Can(p.User.Role, auth.PermViewRegistry) {
		return OutreachArea{}, forbidden()
	}
	on = a.checkDay(on)
	unitCode = strings.TrimSpace(unitCode)
	out := OutreachArea{UnitCode: unitCode, On: on}
	var ids []int64
	if unitCode != "" {
		if ids, err = a.CommunesUnderCode(ctx, unitCode); err != nil {
			return out, err
		}
		out.UnitName = a.unitNameOn(ctx, unitCode, on)
	} else if p.ScopeFilter() == nil {
		return out, kc.FieldError("unit", "outreach.unit_required")
	}
	asked := len(ids)
	if ids = p.Narrow(ids); asked > 0 && len(ids) == 0 {
		return out, forbidden() // a unit wholly outside the caller's scope
	}
	out.Narrowed = asked > len(ids)
	units, err := a.Store.UnitsByIDs(ctx, ids)
	if err != nil {
		return out, err
	}
	if len(units) == 1 && (out.Narrowed || out.UnitName == "") {
		// A commune officer asking for the province plans their commune:
		// name what is really covered.
		out.UnitName = units[0].Name
	}
	current, asWas, err := a.communesAsTheyWere(ctx, units)
	if err != nil {
		return out, err
	}
	sessions, err := a.Store.VillageSessions(ctx, asWas, on)
	if err != nil {
		return out, err
	}
	lastAny := map[villageKey]kc.Date{}  // any held session (commune-wide ones under "")
	lastWide := map[villageKey]kc.Date{} // village-wide kinds, which reach everyone there
	communeLast := map[int64]kc.Date{}
	for _, s := range sessions {
		k := villageKey{current[s.CommuneID], vi.Fold(s.Village)}
		later(lastAny, k, s.Last)
		if kc.VillageWide(s.Kind) && k.village != "" {
			later(lastWide, k, s.Last)
		}
		if s.Last.After(communeLast[k.commune]) {
			communeLast[k.commune] = s.Last
		}
	}
	screened, err := a.Screen(ctx, ScreenOptions{UnitCode: unitCode, On: on, CollectLikely: true})
	if err != nil {
		return out, err
	}
	producers, err := a.Store.OutreachProducers(ctx, ids, on)
	if err != nil {
		return out, err
	}
	since := on.AddDays(-ReachWindowDays)
	type villageAcc struct {
		OutreachVillage
		spellings  map[string]int
		ethnicites map[string]int
	}
	villages := map[villageKey]*villageAcc{}
	for _, pr := range producers {
		k := villageKey{pr.CommuneID, vi.Fold(pr.Village)}
		v := villages[k]
		if v == nil {
			v = &villageAcc{OutreachVillage: OutreachVillage{CommuneID: pr.CommuneID}, spellings: map[string]int{}, ethnicites: map[string]int{}}
			v.LastSession = lastAny[k]
			villages[k] = v
		}
		v.spellings[strings.TrimSpace(pr.Village)]++
		reached := pr.LastAttended
		if w := lastWide[k]; w.After(reached) {
			reached = w
		}
		recent := !reached.IsZero() && !reached.Before(since)
		_, likely := slices.BinarySearch(screened.Likely, pr.ID)
		v.Producers++
		if recent {
			v.Reached12++
		}
		if !likely {
			continue
		}
		v.Likely++
		if reached.IsZero() {
			v.LikelyNeverReached++
		}
		if !recent {
			v.LikelyUnreached12++
			if pr.EthnicMinority {
				v.Ethnic++
				if e := strings.TrimSpace(pr.Ethnicity); e != "" {
					v.ethnicites[e]++
				}
			}
			if pr.HasPhone {
				v.Phone++
			}
		}
	}
	byID := map[int64]*OutreachCommune{}
	for _, u := range units {
		c := &OutreachCommune{ID: u.ID, Code: u.Code, Name: u.Name}
		c.LastSession = communeLast[u.ID]
		byID[u.ID] = c
	}
	for _, v := range villages {
		v.Village = mostCommon(v.spellings)
		v.MainEthnicity = mostCommon(v.ethnicites)
		c := byID[v.CommuneID]
		if c == nil { // outside the units read: cannot happen, ids are the same
			continue
		}
		v.CommuneCode, v.CommuneName = c.Code, c.Name
		c.add(v.OutreachFigures)
		out.Villages = append(out.Villages, v.OutreachVillage)
	}
	for _, u := range units {
		out.Communes = append(out.Communes, *byID[u.ID])
		out.Total.add(byID[u.ID].OutreachFigures)
	}
	slices.SortFunc(out.Communes, func(x, y OutreachCommune) int {
		if c := vi.Compare(x.Name, y.Name); c != 0 {
			return c
		}
		return strings.Compare(x.Code, y.Code)
	})
	order := map[int64]int{}
	for i, c := range out.Communes {
		order[c.ID] = i
	}
	slices.SortFunc(out.Villages, func(x, y OutreachVillage) int {
		if c := cmp.Compare(order[x.CommuneID], order[y.CommuneID]); c != 0 {
			return c
		}
		return vi.Compare(x.Village, y.Village)
	})
	return out, nil
}

// communesAsTheyWere follows each current commune back to the former
// communes merged into it, since sessions, projects and requests are filed
// under the commune as it was on the day. It returns the current commune
// of every id (the first current commune to claim a former one keeps it:
// a former commune split between two counts for one of them) and the ids
// as they were, the current ones included.
func (a *App) communesAsTheyWere(ctx context.Context, units []kc.Unit) (map[int64]int64, []int64, error) {
	current := map[int64]int64{}
	asWas := []int64{}
	for _, u := range units {
		closure, err := a.Store.ReportUnits(ctx, []int64{u.ID})
		if err != nil {
			return nil, nil, err
		}
		if _, seen := current[u.ID]; !seen {
			current[u.ID] = u.ID
			asWas = append(asWas, u.ID)
		}
		for _, ru := range closure {
			if _, seen := current[ru.ID]; !seen && ru.Level == kc.LevelCommune {
				current[ru.ID] = u.ID
				asWas = append(asWas, ru.ID)
			}
		}
	}
	return current, asWas, nil
}

// unitNameOn names the unit with code as in force on day on, else as it
// was last, else by its code.
func (a *App) unitNameOn(ctx context.Context, code string, on kc.Date) string {
	if u, err := a.Store.FindUnit(ctx, code, on); err == nil {
		return u.Name
	}
	if hist, err := a.UnitHistory(ctx, code); err == nil && len(hist) > 0 {
		return hist[len(hist)-1].Name
	}
	return code
}

// later keeps in m the later of its date for k and d.
func later(m map[villageKey]kc.Date, k villageKey, d kc.Date) {
	if d.After(m[k]) {
		m[k] = d
	}
}

// mostCommon returns the key counted most often, the first in
// Vietnamese order on a tie ("" for an empty map).
func mostCommon(counts map[string]int) string {
	best, n := "", 0
	for k, c := range counts {
		if c > n || (c == n && vi.Compare(k, best) < 0) {
			best, n = k, c
		}
	}
	return best
}
