package api

import (
	"net/http"
	"strconv"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
)

// outreachCoverageRoutes registers the outreach coverage and funnel.
func (x *API) outreachCoverageRoutes() {
	x.handle("GET /api/v1/outreach/coverage", x.outreachCoverage)
	x.handle("GET /api/v1/outreach/funnel", x.outreachFunnel)
}

// OutreachReach are the reach figures of a commune or village: registered
// producers, those reached in the last 12 months, the likely eligible
// (screening against the schemes in force), the likely eligible never
// reached and not reached in 12 months (with, among the latter, the
// ethnic-minority owned and those with a phone on record), and the day of
// the last held session (null when none).
type OutreachReach struct {
	Producers          int     `json:"producers"`
	Reached12m         int     `json:"reached_12m"`
	ReachedPct         int     `json:"reached_pct"`
	LikelyEligible     int     `json:"likely_eligible"`
	LikelyNeverReached int     `json:"likely_never_reached"`
	LikelyUnreached12m int     `json:"likely_unreached_12m"`
	EthnicUnreached12m int     `json:"ethnic_minority_unreached_12m"`
	PhoneUnreached12m  int     `json:"with_phone_unreached_12m"`
	LastSession        *string `json:"last_session"`
}

// CoverageVillage is one village of a commune ("" when not recorded).
type CoverageVillage struct {
	Village string `json:"village"`
	OutreachReach
}

// CoverageCommune is one current commune with its villages.
type CoverageCommune struct {
	Code     string            `json:"code"`
	Name     string            `json:"name"`
	Villages []CoverageVillage `json:"villages"`
	OutreachReach
}

// Coverage is the outreach coverage of a unit on a day: the total, and
// per current commune and village. Since is the first day of the
// 12-month window.
type Coverage struct {
	UnitCode string            `json:"unit_code"`
	UnitName string            `json:"unit_name"`
	On       kc.Date           `json:"on"`
	Since    kc.Date           `json:"since"`
	Total    OutreachReach     `json:"total"`
	Communes []CoverageCommune `json:"communes"`
}

func toReach(f app.OutreachFigures) OutreachReach {
	out := OutreachReach{Producers: f.Producers, Reached12m: f.Reached12, ReachedPct: f.ReachedPct(), LikelyEligible: f.Likely,
		LikelyNeverReached: f.LikelyNeverReached, LikelyUnreached12m: f.LikelyUnreached12, EthnicUnreached12m: f.Ethnic, PhoneUnreached12m: f.Phone}
	if !f.LastSession.IsZero() {
		s := f.LastSession.String()
		out.LastSession = &s
	}
	return out
}

// outreachCoverage answers ?unit= (a province or commune code; default:
// the caller's scope) and ?on= (YYYY-MM-DD; default today).
func (x *API) outreachCoverage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	on, err := funnelQueryDay(q.Get("on"), "on")
	if err != nil {
		x.fail(w, r, err)
		return
	}
	area, err := x.app.OutreachArea(r.Context(), q.Get("unit"), on)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := Coverage{UnitCode: area.UnitCode, UnitName: area.UnitName, On: area.On, Since: area.On.AddDays(-app.ReachWindowDays),
		Total: toReach(area.Total), Communes: make([]CoverageCommune, 0, len(area.Communes))}
	for _, c := range area.Communes {
		cc := CoverageCommune{Code: c.Code, Name: c.Name, OutreachReach: toReach(c.OutreachFigures), Villages: []CoverageVillage{}}
		for _, v := range area.CommuneVillages(c.ID) {
			cc.Villages = append(cc.Villages, CoverageVillage{Village: v.Village, OutreachReach: toReach(v.OutreachFigures)})
		}
		out.Communes = append(out.Communes, cc)
	}
	writeJSON(w, http.StatusOK, out)
}

// FunnelCounts are the steps of the outreach funnel: held sessions,
// people reached, new producers added to the registry, public
// self-checks, need requests, projects proposed (registered in the
// period) and, of those, projects funded (approved or later).
type FunnelCounts struct {
	Sessions   int64 `json:"sessions"`
	Reached    int64 `json:"reached"`
	Registered int64 `json:"registered"`
	SelfChecks int64 `json:"self_checks"`
	Requests   int64 `json:"requests"`
	Proposed   int64 `json:"projects_proposed"`
	Funded     int64 `json:"projects_funded"`
}

// FunnelStep is one step with, on the steps that are a part of the
// previous one (registered among reached, funded among proposed), its
// share of it in basis points (null elsewhere and after a step of 0), and
// on the reached step the people per session.
type FunnelStep struct {
	Step       string `json:"step"`
	Count      int64  `json:"count"`
	ShareBP    *int64 `json:"share_of_previous_bp"`
	PerSession *int64 `json:"per_session,omitempty"`
}

// FunnelCommune is the funnel of one current commune.
type FunnelCommune struct {
	Code string `json:"code"`
	Name string `json:"name"`
	FunnelCounts
}

// Funnel is the outreach funnel of a campaign (campaign_id set; its held
// sessions, then what followed in its communes until follow_up_days after
// it ended) or of a period in a unit (national: the whole country, total
// only). Figures are attributed by place and time, not proof of cause.
type Funnel struct {
	CampaignID    int64           `json:"campaign_id,omitempty"`
	CampaignTitle string          `json:"campaign_title,omitempty"`
	FollowUpDays  int             `json:"follow_up_days,omitempty"`
	UnitCode      string          `json:"unit_code"`
	UnitName      string          `json:"unit_name"`
	National      bool            `json:"national"`
	From          kc.Date         `json:"from"`
	To            kc.Date         `json:"to"`
	Total         FunnelCounts    `json:"total"`
	Steps         []FunnelStep    `json:"steps"`
	Communes      []FunnelCommune `json:"communes"`
	// QuietCommunes counts the communes left out of Communes: zero at
	// every step.
	QuietCommunes int `json:"quiet_communes"`
}

func toFunnelCounts(f app.FunnelFigures) FunnelCounts {
	return FunnelCounts{Sessions: f.Sessions, Reached: f.Reached, Registered: f.Registered, SelfChecks: f.SelfChecks,
		Requests: f.Requests, Proposed: f.Proposed, Funded: f.Funded}
}

// outreachFunnel answers ?campaign=ID, or ?unit= (default: the caller's
// scope) with ?from= and ?to= (YYYY-MM-DD; default: this year to today).
func (x *API) outreachFunnel(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f app.Funnel
	var err error
	if raw := strings.TrimSpace(q.Get("campaign")); raw != "" {
		id, perr := strconv.ParseInt(raw, 10, 64)
		if perr != nil || id <= 0 {
			x.fail(w, r, kc.FieldError("campaign", "funnel.err.campaign"))
			return
		}
		f, err = x.app.CampaignFunnel(r.Context(), id)
	} else {
		var from, to kc.Date
		if from, err = funnelQueryDay(q.Get("from"), "from"); err == nil {
			if to, err = funnelQueryDay(q.Get("to"), "to"); err == nil {
				f, err = x.app.PeriodFunnel(r.Context(), q.Get("unit"), from, to)
			}
		}
	}
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := Funnel{CampaignID: f.CampaignID, CampaignTitle: f.CampaignTitle, FollowUpDays: f.FollowUpDays, UnitCode: f.UnitCode,
		UnitName: f.UnitName, National: f.National, From: f.From, To: f.To, Total: toFunnelCounts(f.Total),
		Steps: []FunnelStep{}, Communes: make([]FunnelCommune, 0, len(f.Communes)), QuietCommunes: f.Quiet}
	for _, st := range f.Total.Steps() {
		fs := FunnelStep{Step: st.Key, Count: st.N}
		if st.HasShare {
			bp := st.ShareBP
			fs.ShareBP = &bp
		}
		if st.Key == app.FunnelReached && f.Total.Sessions > 0 {
			per := st.PerSession
			fs.PerSession = &per
		}
		out.Steps = append(out.Steps, fs)
	}
	for _, c := range f.Communes {
		out.Communes = append(out.Communes, FunnelCommune{Code: c.Code, Name: c.Name, FunnelCounts: toFunnelCounts(c.FunnelFigures)})
	}
	writeJSON(w, http.StatusOK, out)
}

// funnelQueryDay parses an optional YYYY-MM-DD query value; a bad one is
// a field error on field.
func funnelQueryDay(raw, field string) (kc.Date, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return kc.Date{}, nil
	}
	d, err := kc.ParseDate(raw)
	if err != nil {
		return kc.Date{}, kc.FieldError(field, "funnel.err.date").Wrap(err)
	}
	return d, nil
}
