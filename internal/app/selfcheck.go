package app

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"khuyencong/internal/eligibility"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Answers to "is your establishment registered?".
const (
	AnswerYes     = "yes"
	AnswerNo      = "no"
	AnswerUnknown = "unknown"
)

// maxRequestName caps the name of a contact request, in characters.
const maxRequestName = 200

// SelfCheckAnswers are the few questions of the public self-check
// (tự kiểm tra): the trade (a catalogue code), the commune in force
// (code), the number of workers, whether the establishment holds a
// business registration (yes, no, unknown), its kind (kc.Kind*; empty
// when the person does not know), whether a woman and whether an
// ethnic-minority person owns it, and the yearly revenue if they wish.
// A nil number or an empty text is "not answered", never zero.
type SelfCheckAnswers struct {
	TradeCode           string
	CommuneCode         string
	Workers             *int
	Registered          string
	Kind                string
	WomenOwned          bool
	EthnicMinorityOwned bool
	Revenue             *int64
}

// SelfCheckResult is what the public self-check answers: the supports in
// force that may fit, each with its status, amount range and what is
// missing, and the next step.
type SelfCheckResult struct {
	On       kc.Date
	Commune  kc.Unit // zero when no commune was given
	Province kc.Unit
	Facts    eligibility.Facts
	Fits     []SelfCheckFit // eligible first, then undetermined, then not eligible
	NextStep NextStep
}

// SelfCheckFit is one support scheme in a self-check: its status, the
// amount range it may pay (0 to the cap, raised by the priority uplift
// when the answers qualify for it; Unset when the cap still needs
// verification, "cần xác minh"), its rate, and the criteria that fail or
// cannot be decided from the answers.
type SelfCheckFit struct {
	SchemeID  int64
	Code      string
	Name      string
	Level     string
	Example   bool
	Confirmed bool
	Status    string
	AmountMin int64
	AmountMax int64
	RateBP    int
	CapUnit   string
	Unset     bool
	Missing   []MissingItem
	Result    eligibility.Result
}

// MissingItem is a criterion a self-check did not meet: failed (State
// eligibility.Fail, with the actual value, the requirement and the gap)
// or not decidable from the answers (eligibility.Unknown, with the facts
// it needs).
type MissingItem struct {
	Label    string
	State    string
	Actual   string
	Required string
	Gap      int64
	GapField string
	Fields   []string
}

// NextStep tells the person whom to contact: the People's Committee of
// their commune and the province's khuyến công centre. Key and Args are
// the sentence in the locale catalogue.
type NextStep struct {
	CommunePC      string
	ProvinceCentre string
	Key            string
	Args           []any
}

// RequestReceipt is what a person gets back after asking to be
// contacted: the tracking code to follow the request.
type RequestReceipt struct {
	TrackingCode string
	CommuneName  string
	CreatedAt    time.Time
}

// selfCheckInput is a validated set of answers with the units and trade
// they name.
type selfCheckInput struct {
	facts    eligibility.Facts
	commune  kc.Unit
	province kc.Unit
	trade    kc.Trade
}

// validateAnswers checks the answers (field errors on "trade",
// "commune", "workers", "registered", "kind", "revenue" for nonsense:
// negative numbers, more than 100,000 workers, unknown codes) and turns
// them into facts on day on, listing as missing everything the answers do
// not tell.
func (a *App) validateAnswers(ctx context.Context, ans SelfCheckAnswers, on kc.Date) (selfCheckInput, error) {
	var in selfCheckInput
	var errs kc.Errors
	missing := []string{"SizeClass", "CraftVillage", "TraditionalCraft", "Artisan", "FoundedYear", "YearsActive", "WomenWorkers",
		"EthnicMinorityWorkers", "Capital", "AvgIncome", "TypicalProduct", "OCOPStars", "LocalMaterialsPct", "Export"}
	f := eligibility.Facts{WomenOwned: ans.WomenOwned, EthnicMinorityOwned: ans.EthnicMinorityOwned, FactYear: on.Year()}
	if code := strings.TrimSpace(ans.TradeCode); code == "" {
		missing = append(missing, "Trades", "PrimaryTrade")
	} else {
		trades, err := a.Store.ListTrades(ctx)
		if err != nil {
			return in, err
		}
		i := slices.IndexFunc(trades, func(t kc.Trade) bool { return strings.EqualFold(t.Code, code) })
		if i < 0 {
			errs = append(errs, kc.FieldError("trade", "est.trade_code_unknown", code))
		} else {
			in.trade = trades[i]
			f.Trades, f.PrimaryTrade = []string{in.trade.Code}, in.trade.Code
		}
	}
	if code := strings.TrimSpace(ans.CommuneCode); code == "" {
		missing = append(missing, "CommuneType", "ProvinceType", "PriorityArea")
	} else {
		u, err := a.Store.FindUnit(ctx, code, a.today())
		switch {
		case kc.ErrorCode(err) == kc.ENotFound || (err == nil && u.Level != kc.LevelCommune):
			errs = append(errs, kc.FieldError("commune", "selfcheck.commune_unknown", code))
		case err != nil:
			return in, err
		default:
			in.commune = u
			if t, ok := communeTypes[u.Type]; ok && !(t == "phuong" && on.Before(nd235From)) {
				f.CommuneType = t
			} else {
				missing = append(missing, "CommuneType")
			}
			if u.ParentID != 0 {
				if in.province, err = a.Store.GetUnit(ctx, u.ParentID); err != nil {
					return in, err
				}
			}
			if t, ok := provinceTypes[in.province.Type]; ok {
				f.ProvinceType = t
			} else {
				missing = append(missing, "ProvinceType")
			}
			priority, err := a.priorityCommunes(ctx, on)
			if err != nil {
				return in, err
			}
			if priority[u.ID] {
				f.PriorityArea = true
			} else {
				missing = append(missing, "PriorityArea")
			}
		}
	}
	switch {
	case ans.Workers == nil:
		missing = append(missing, "Workers")
	case *ans.Workers < 0:
		errs = append(errs, kc.FieldError("workers", "check.fact_negative"))
	case *ans.Workers > maxWorkers:
		errs = append(errs, kc.FieldError("workers", "check.fact_too_large", vi.FormatNumber(maxWorkers)))
	default:
		f.Workers = *ans.Workers
	}
	switch {
	case ans.Revenue == nil:
		missing = append(missing, "Revenue")
	case *ans.Revenue < 0:
		errs = append(errs, kc.FieldError("revenue", "check.fact_negative"))
	case *ans.Revenue > maxMoney:
		errs = append(errs, kc.FieldError("revenue", "check.fact_too_large", vi.FormatVND(maxMoney)))
	default:
		f.Revenue = *ans.Revenue
	}
	switch kind := strings.TrimSpace(ans.Kind); {
	case kind == "":
		missing = append(missing, "Kind")
	case !slices.Contains(kc.EstablishmentKinds, kind):
		errs = append(errs, kc.FieldError("kind", "field.invalid_choice", kind))
	default:
		f.Kind = kind
	}
	switch reg := strings.TrimSpace(ans.Registered); reg {
	case AnswerYes:
		f.Registered = true
	case AnswerNo:
		if f.Kind == kc.KindCooperative || f.Kind == kc.KindCoopUnion || f.Kind == kc.KindEnterprise {
			errs = append(errs, kc.FieldError("registered", "selfcheck.registered_kind"))
		}
	case AnswerUnknown, "":
		switch f.Kind {
		case kc.KindCooperative, kc.KindCoopUnion, kc.KindEnterprise:
			f.Registered = true
		case kc.KindHousehold:
		default:
			missing = append(missing, "Registered")
		}
	default:
		errs = append(errs, kc.FieldError("registered", "field.invalid_choice", reg))
	}
	if err := oneOrAll(errs); err != nil {
		return in, err
	}
	f.Missing = missing
	in.facts = f
	return in, nil
}

// SelfCheck answers the public self-check; it needs no login and stores
// nothing. The answers are checked (see SelfCheckAnswers; nonsense is a
// field error), turned into facts, and evaluated against every
// establishment-facing scheme in force on day on (today when zero):
// national schemes and those of the commune's province. Each fit has its
// status (undetermined where the answers do not tell), the amount range
// and what is missing; the next step names the commune's People's
// Committee and the provincial khuyến công centre.
func (a *App) SelfCheck(ctx context.Context, ans SelfCheckAnswers, on kc.Date) (SelfCheckResult, error) {
	on = a.checkDay(on)
	in, err := a.validateAnswers(ctx, ans, on)
	if err != nil {
		return SelfCheckResult{}, err
	}
	rules, _, err := a.rulesInForce(ctx, on, "")
	if err != nil {
		return SelfCheckResult{}, err
	}
	out := SelfCheckResult{On: on, Commune: in.commune, Province: in.province, Facts: in.facts, NextStep: nextStep(in.commune, in.province)}
	for _, lr := range rules {
		if lr.rule.Level != "national" && (in.province.ID == 0 || !applies(lr.rule, in.province.ID)) {
			continue
		}
		res := lr.c.Evaluate(in.facts, 0)
		fit := SelfCheckFit{SchemeID: lr.rule.SchemeID, Code: lr.rule.Code, Name: lr.rule.Name, Level: lr.rule.Level, Example: lr.rule.Example,
			Confirmed: lr.rule.Confirmed, Status: res.Status, AmountMax: res.Support.Amount, RateBP: res.Support.RateBP, CapUnit: lr.rule.CapUnit,
			Unset: res.Support.Unset, Result: res}
		for _, o := range Blocking(res) {
			fit.Missing = append(fit.Missing, MissingItem{Label: o.Criterion.Label, State: o.State, Actual: o.Actual, Required: o.Required,
				Gap: o.Gap, GapField: o.GapField, Fields: o.Missing})
		}
		out.Fits = append(out.Fits, fit)
	}
	rank := map[string]int{eligibility.Eligible: 0, eligibility.Undetermined: 1, eligibility.NotEligible: 2}
	slices.SortStableFunc(out.Fits, func(x, y SelfCheckFit) int { return cmp.Compare(rank[x.Status], rank[y.Status]) })
	return out, nil
}

// LogSelfCheck records that a public self-check was answered, for the
// outreach funnel: the commune and trade asked about, the day, and
// whether the person came through a leaflet's QR link (viaQR, which the
// caller has checked). Nothing personal is kept. The caller answers the
// self-check even when this fails.
func (a *App) LogSelfCheck(ctx context.Context, res SelfCheckResult, viaQR bool) error {
	return a.Store.LogSelfCheck(ctx, res.Commune.ID, res.Facts.PrimaryTrade, res.On, viaQR)
}

// lowerType writes a unit's name with its type in lower case, as inside
// a sentence: "Xã Đakrông" → "xã Đakrông", "Tỉnh Quảng Trị" → "tỉnh
// Quảng Trị".
func lowerType(u kc.Unit) string {
	if u.Type != "" && strings.HasPrefix(u.Name, u.Type) {
		r, size := utf8.DecodeRuneInString(u.Name)
		return string(unicode.ToLower(r)) + u.Name[size:]
	}
	return u.Name
}

// nextStep names whom to contact. The name of the provincial khuyến công
// centre after the 2025 reorganisation is UNCONFIRMED (domain §11.5), so
// the sentence also names the Department of Industry and Trade.
func nextStep(commune, province kc.Unit) NextStep {
	if commune.ID == 0 {
		return NextStep{Key: "selfcheck.next_step_generic"}
	}
	ns := NextStep{CommunePC: "UBND " + lowerType(commune), Key: "selfcheck.next_step"}
	if province.ID != 0 {
		ns.ProvinceCentre = "Trung tâm Khuyến công " + lowerType(province)
	}
	ns.Args = []any{ns.CommunePC, ns.ProvinceCentre}
	if ns.ProvinceCentre == "" {
		ns.Key, ns.Args = "selfcheck.next_step_commune", []any{ns.CommunePC}
	}
	return ns
}

// publicPrincipal is the actor recorded in the audit log for what the
// public does without an account.
var publicPrincipal = &Principal{User: kc.User{Username: "public"}}

// requestAudit is what the audit log keeps of a contact request: never
// the name or the phone.
type requestAudit struct {
	TrackingCode string   `json:"tracking_code"`
	CommuneID    int64    `json:"commune_id,omitempty"`
	Trade        string   `json:"trade,omitempty"`
	Fits         []string `json:"fits,omitempty"`
}

// newTrackingCode returns a random code to follow a request ("NC-" and 10
// characters without look-alikes: no 0, O, 1 or I).
func newTrackingCode() string { return trackingCode(10) }

// trackingAlphabet is the 32 characters of tracking codes: digits and
// capitals without the look-alikes 0/O and 1/I.
const trackingAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// trackingCode returns "NC-" and n random characters of trackingAlphabet
// (5 bits each).
func trackingCode(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = trackingAlphabet[b[i]%32]
	}
	return "NC-" + string(b)
}

// checkContact checks the contact part of a request from the public:
// consent, a name and a Vietnamese phone number (normalised). The errors
// are field errors on "consent", "name" and "phone".
func checkContact(name, phone string, consent bool) (string, string, kc.Errors) {
	var errs kc.Errors
	if !consent {
		errs = append(errs, kc.FieldError("consent", "selfcheck.consent_required"))
	}
	name = strings.TrimSpace(vi.NFC(name))
	switch {
	case name == "":
		errs = append(errs, kc.FieldError("name", "field.required"))
	case utf8.RuneCountInString(name) > maxRequestName:
		errs = append(errs, kc.FieldError("name", "field.too_long", maxRequestName))
	}
	phone, ok := NormalizePhone(phone)
	if !ok {
		errs = append(errs, kc.FieldError("phone", "personal.phone_invalid"))
	}
	return name, phone, errs
}

// RequestContact records that the person who made a self-check asks to be
// contacted (đăng ký nhu cầu): only then is anything stored. It needs the
// person's consent (a field error on "consent" without it), a name and a
// Vietnamese phone number, which is sealed like establishment phones (a
// field error when the app has no secret). The answers are checked as in
// SelfCheck and kept as the request's text with the supports that fit.
// The request is audited without the name or phone; the caller
// rate-limits it. No login is needed.
func (a *App) RequestContact(ctx context.Context, ans SelfCheckAnswers, name, phone string, consent bool) (RequestReceipt, error) {
	name, phone, errs := checkContact(name, phone, consent)
	if err := oneOrAll(errs); err != nil {
		return RequestReceipt{}, err
	}
	res, err := a.SelfCheck(ctx, ans, kc.Date{})
	if err != nil {
		return RequestReceipt{}, err
	}
	sealed, err := a.seal(fieldPhone, phone)
	if err != nil {
		return RequestReceipt{}, err
	}
	var need strings.Builder
	fmt.Fprintf(&need, "%s\n", locale.T(locale.Default, "selfcheck.request_need"))
	if res.Commune.ID != 0 {
		fmt.Fprintf(&need, "- %s\n", res.Commune.Name)
	}
	if ans.TradeCode != "" {
		fmt.Fprintf(&need, "- %s\n", strings.ToUpper(strings.TrimSpace(ans.TradeCode)))
	}
	if ans.Workers != nil {
		fmt.Fprintf(&need, "- %s\n", locale.T(locale.Default, "selfcheck.request_workers", *ans.Workers))
	}
	audit := requestAudit{CommuneID: res.Commune.ID, Trade: strings.ToUpper(strings.TrimSpace(ans.TradeCode))}
	for _, fit := range res.Fits {
		if fit.Status == eligibility.NotEligible {
			continue
		}
		fmt.Fprintf(&need, "- %s: %s\n", fit.Name, locale.T(locale.Default, "check.status."+fit.Status))
		audit.Fits = append(audit.Fits, fit.Code)
	}
	actx := WithPrincipal(ctx, publicPrincipal)
	var saved store.NeedRequest
	err = a.Store.InTx(actx, func(tx *store.Tx) error {
		// 50 random bits: a clash is all but impossible, and would be a
		// conflict error rather than a lost request.
		var err error
		saved, err = tx.CreateNeedRequest(actx, store.NeedRequest{TrackingCode: newTrackingCode(), Name: name, PhoneSealed: sealed,
			CommuneID: res.Commune.ID, Trade: audit.Trade, Need: strings.TrimSpace(need.String()), Status: "new"})
		if err != nil {
			return err
		}
		audit.TrackingCode = saved.TrackingCode
		return a.audit(actx, tx, kc.ActionCreate, "need_request", saved.ID, nil, audit)
	})
	if err != nil {
		return RequestReceipt{}, err
	}
	return RequestReceipt{TrackingCode: saved.TrackingCode, CommuneName: res.Commune.Name, CreatedAt: saved.CreatedAt}, nil
}
