package web

import (
	"context"
	"math"
	"net/http"
	"slices"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/eligibility"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"
)

// The public self-check answers at two addresses: the Vietnamese one that
// officials print on leaflets and an English alias.
const (
	selfCheckPath      = "/tu-kiem-tra"
	selfCheckAliasPath = "/self-check"
)

// selfCheckRoutes registers the public self-check. It needs no login:
// requireUser is not applied, and loadPrincipal lets anonymous requests
// through. POSTs are protected by the cross-origin check.
func (s *Server) selfCheckRoutes() {
	for _, base := range []string{selfCheckPath, selfCheckAliasPath} {
		s.mux.HandleFunc("GET "+base, s.showSelfCheck(base))
		s.mux.HandleFunc("POST "+base, s.submitSelfCheck(base))
		s.mux.HandleFunc("POST "+base+"/lien-he", s.requestContact(base))
	}
	s.leafletRoutes()
}

// selfCheckFormBytes bounds the body of the self-check forms.
const selfCheckFormBytes = 16 << 10

// selfCheckForm holds the answers as typed.
type selfCheckForm struct {
	Province, Commune, Trade, Workers, Registered, Kind, Revenue string
	WomenOwned, EthnicMinorityOwned                              bool
	// Sig is the signature k of the leaflet's QR link the form was
	// pre-filled from ("" otherwise), kept to log the self-check as
	// coming through the leaflet.
	Sig string
}

// contactForm holds the contact request as typed.
type contactForm struct {
	Name, Phone string
	Consent     bool
}

// fitView is one support scheme of the answer.
type fitView struct {
	Code, Name, Level               string
	Example, NeedsCheck             bool
	Status, StatusText, StatusClass string
	Amount, Rate                    string
	Missing                         []string
}

// selfCheckAnswer is the answer to a self-check.
type selfCheckAnswer struct {
	Summary  []string
	Fits     []fitView // eligible or undetermined: may fit
	Others   []fitView // not eligible, with what is missing
	NextStep string
}

// receiptView is what a person sees after asking to be contacted.
type receiptView struct {
	Code, Commune string
}

// selfCheckView is the data of the self-check page.
type selfCheckView struct {
	Action      string // the page's address (/tu-kiem-tra or its alias)
	Form        selfCheckForm
	Provinces   []choice
	Communes    []choice
	Trades      []choice
	Kinds       []choice
	Registered  []choice
	Answer      *selfCheckAnswer
	Contact     contactForm
	Receipt     *receiptView
	RateLimited bool
	// LinkNotice says that a pre-filled link (from a leaflet's QR code)
	// was altered or names unknown codes; the form is then left empty.
	LinkNotice string
	// FormError is set when the questionnaire has errors to fix.
	FormError bool
}

// readSelfCheckForm reads the answers from a parsed form.
func readSelfCheckForm(r *http.Request) selfCheckForm {
	get := func(k string) string {
		v := strings.TrimSpace(r.PostFormValue(k))
		if len(v) > 200 {
			v = v[:200]
		}
		return v
	}
	return selfCheckForm{Province: get("province"), Commune: get("commune"), Trade: get("trade"), Workers: get("workers"),
		Registered: get("registered"), Kind: get("kind"), Revenue: get("revenue"),
		WomenOwned: get("women_owned") != "", EthnicMinorityOwned: get("ethnic_minority_owned") != "", Sig: get(app.LinkSigParam)}
}

// answers turns the form into the app's answers; numbers that cannot be
// read are field errors here, nonsense numbers are left to the app (a
// number too large to hold is passed on as the largest one, which the app
// refuses with its own bound).
func (f selfCheckForm) answers(lang string) (app.SelfCheckAnswers, map[string]string) {
	errs := map[string]string{}
	ans := app.SelfCheckAnswers{TradeCode: f.Trade, CommuneCode: f.Commune, Registered: f.Registered, Kind: f.Kind,
		WomenOwned: f.WomenOwned, EthnicMinorityOwned: f.EthnicMinorityOwned}
	switch n, set, ok, tooLarge := parseCount(f.Workers); {
	case tooLarge:
		big := math.MaxInt32
		ans.Workers = &big
	case !ok:
		errs["workers"] = locale.T(lang, "webelig.sc.err.workers")
	case set:
		ans.Workers = &n
	}
	switch n, set, ok, tooLarge := parseMoney(f.Revenue); {
	case tooLarge:
		big := int64(math.MaxInt64)
		ans.Revenue = &big
	case !ok:
		errs["revenue"] = locale.T(lang, "webelig.sc.err.revenue")
	case set:
		ans.Revenue = &n
	}
	return ans, errs
}

// publicPage is the page data of the self-check: the common data, with
// the demo label for anonymous visitors and no caching (answers are
// personal).
func (s *Server) publicPage(w http.ResponseWriter, r *http.Request, v *selfCheckView) Page {
	lang := s.lang(r)
	p := s.page(r, locale.T(lang, "webelig.sc.title"), "", v)
	if p.Principal == nil {
		p.Demo = s.app.DemoLoaded(r.Context())
	}
	p.Partial = false
	w.Header().Set("Cache-Control", "no-store")
	return p
}

// fillChoices loads the choices of the questionnaire: provinces in force,
// the communes of the chosen province, trades, kinds and registration.
// The province is taken from the chosen commune when missing, and is the
// only one when the database holds one. The reference data is public, so
// it is read without a principal.
func (s *Server) fillChoices(ctx context.Context, lang string, v *selfCheckView) error {
	today := s.today()
	provinces, _, err := s.app.SearchUnits(ctx, kc.UnitFilter{Level: kc.LevelProvince, On: today, Limit: app.UnitPageSizeMax})
	if err != nil {
		return err
	}
	slices.SortFunc(provinces, func(a, b app.UnitRow) int { return vi.Compare(a.Unit.Name, b.Unit.Name) })
	if v.Form.Province == "" && v.Form.Commune != "" {
		if u, err := s.app.ShowUnit(ctx, v.Form.Commune, today); err == nil {
			for _, p := range u.Parents {
				if p.Level == kc.LevelProvince {
					v.Form.Province = p.Code
				}
			}
		}
	}
	if v.Form.Province == "" && len(provinces) == 1 {
		v.Form.Province = provinces[0].Unit.Code
	}
	var province kc.Unit
	for _, p := range provinces {
		sel := p.Unit.Code == v.Form.Province
		if sel {
			province = p.Unit
		}
		v.Provinces = append(v.Provinces, choice{Value: p.Unit.Code, Label: p.Unit.Name, Selected: sel})
	}
	if province.ID != 0 {
		communes, _, err := s.app.SearchUnits(ctx, kc.UnitFilter{Level: kc.LevelCommune, ParentID: province.ID, On: today, Limit: app.UnitPageSizeMax})
		if err != nil {
			return err
		}
		slices.SortFunc(communes, func(a, b app.UnitRow) int { return vi.Compare(a.Unit.Name, b.Unit.Name) })
		for _, c := range communes {
			v.Communes = append(v.Communes, choice{Value: c.Unit.Code, Label: c.Unit.Name, Selected: c.Unit.Code == v.Form.Commune})
		}
	}
	trades, err := s.app.Trades(ctx)
	if err != nil {
		return err
	}
	slices.SortFunc(trades, func(a, b kc.Trade) int { return vi.Compare(a.Name, b.Name) })
	for _, t := range trades {
		v.Trades = append(v.Trades, choice{Value: t.Code, Label: t.Name, Selected: strings.EqualFold(t.Code, v.Form.Trade)})
	}
	for _, k := range []string{kc.KindHousehold, kc.KindHouseholdBusiness, kc.KindCoopGroup, kc.KindCooperative, kc.KindCoopUnion, kc.KindEnterprise} {
		v.Kinds = append(v.Kinds, choice{Value: k, Label: locale.T(lang, "webelig.sc.kind."+k), Selected: k == v.Form.Kind})
	}
	for _, a := range []string{app.AnswerYes, app.AnswerNo, app.AnswerUnknown} {
		v.Registered = append(v.Registered, choice{Value: a, Label: locale.T(lang, "webelig.sc.registered."+a), Selected: a == v.Form.Registered})
	}
	return nil
}

// communeInProvince reports whether the chosen commune is among the
// communes listed for the chosen province.
func (v *selfCheckView) communeInProvince() bool {
	return v.Form.Commune == "" || slices.ContainsFunc(v.Communes, func(c choice) bool { return c.Value == v.Form.Commune })
}

// showSelfCheck shows the questionnaire; ?province= preselects a province
// (a link a commune can hand out), and a leaflet's signed link
// ?xa=…&nghe=…&k=… pre-fills the commune and trade (a tampered or unknown
// code shows a notice over an empty form, 400).
func (s *Server) showSelfCheck(base string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang := s.lang(r)
		v := &selfCheckView{Action: base, Form: selfCheckForm{Province: strings.TrimSpace(r.URL.Query().Get("province"))}}
		if len(v.Form.Province) > 10 {
			v.Form.Province = ""
		}
		status := http.StatusOK
		if q := r.URL.Query(); q.Has(app.LinkCommuneParam) || q.Has(app.LinkTradeParam) || q.Has(app.LinkSigParam) {
			// A leaflet's QR link: pre-fill the commune and trade when its
			// signature holds, else say so and leave the form empty.
			commune, trade, err := s.app.CheckSelfCheckLink(r.Context(), q.Get(app.LinkCommuneParam), q.Get(app.LinkTradeParam), q.Get(app.LinkSigParam))
			switch fe := kc.FieldErrors(err); {
			case err == nil:
				v.Form = selfCheckForm{Commune: commune, Trade: trade, Sig: q.Get(app.LinkSigParam)}
			case len(fe) > 0:
				v.Form, v.LinkNotice, status = selfCheckForm{}, locale.T(lang, fe[0].Key, fe[0].Args...), http.StatusBadRequest
			default:
				s.fail(w, r, err)
				return
			}
		}
		if err := s.fillChoices(r.Context(), lang, v); err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status, "selfcheck", s.publicPage(w, r, v))
	}
}

// parseSelfCheck reads the bounded form body; a malformed body is shown
// as a notice on the questionnaire, never a 500.
func parseSelfCheck(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, selfCheckFormBytes)
	return r.ParseForm() == nil
}

// submitSelfCheck answers the questionnaire: which supports may fit, the
// amount range, what is missing and whom to contact. The "choose the
// commune" button (step=province) only reloads the form with the
// province's communes. Unreadable or nonsense answers are shown next to
// their fields (422). Nothing personal is stored: an answered self-check
// is only logged by commune, trade, day and leaflet link (logSelfCheck).
func (s *Server) submitSelfCheck(base string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		lang := s.lang(r)
		v := &selfCheckView{Action: base}
		if !parseSelfCheck(w, r) {
			s.selfCheckFormError(w, r, v, map[string]string{"form": locale.T(lang, "error.bad_request")})
			return
		}
		v.Form = readSelfCheckForm(r)
		if err := s.fillChoices(ctx, lang, v); err != nil {
			s.fail(w, r, err)
			return
		}
		if r.PostFormValue("step") == "province" {
			s.render(w, r, http.StatusOK, "selfcheck", s.publicPage(w, r, v))
			return
		}
		_, ok := s.answerSelfCheck(w, r, v, true)
		if !ok {
			return
		}
		s.render(w, r, http.StatusOK, "selfcheck", s.publicPage(w, r, v))
	}
}

// answerSelfCheck checks the answers of v's form and runs the self-check,
// setting v.Answer; with logIt it logs the answered self-check for the
// outreach funnel (see logSelfCheck). On a field error it shows the
// questionnaire again (422), on another error the error page; ok is false
// then.
func (s *Server) answerSelfCheck(w http.ResponseWriter, r *http.Request, v *selfCheckView, logIt bool) (ans app.SelfCheckAnswers, ok bool) {
	lang := s.lang(r)
	ans, errs := v.Form.answers(lang)
	if !v.communeInProvince() {
		errs["commune"] = locale.T(lang, "webelig.sc.err.commune_province")
	}
	if len(errs) > 0 {
		s.selfCheckFormError(w, r, v, errs)
		return ans, false
	}
	res, err := s.app.SelfCheck(r.Context(), ans, kc.Date{})
	if err != nil {
		if fe := fieldErrors(lang, "", err); len(fe) > 0 {
			s.selfCheckFormError(w, r, v, fe)
		} else {
			s.fail(w, r, err)
		}
		return ans, false
	}
	v.Answer = newSelfCheckAnswer(lang, v, res)
	if logIt {
		s.logSelfCheck(r.Context(), v.Form, res)
	}
	return ans, true
}

// logSelfCheck logs an answered self-check, as coming through a leaflet's
// QR link when the form still holds the commune and trade its signature
// covers. A failure is only logged: the person gets the answer anyway.
func (s *Server) logSelfCheck(ctx context.Context, f selfCheckForm, res app.SelfCheckResult) {
	viaQR := false
	if f.Sig != "" {
		_, _, err := s.app.CheckSelfCheckLink(ctx, f.Commune, f.Trade, f.Sig)
		viaQR = err == nil
	}
	if err := s.app.LogSelfCheck(ctx, res, viaQR); err != nil {
		s.log.Error("self-check log", "err", err)
	}
}

// selfCheckFormError shows the questionnaire with field errors (422).
func (s *Server) selfCheckFormError(w http.ResponseWriter, r *http.Request, v *selfCheckView, errs map[string]string) {
	if v.Provinces == nil {
		if err := s.fillChoices(r.Context(), s.lang(r), v); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	v.FormError = true
	p := s.publicPage(w, r, v)
	p.Errors = errs
	s.render(w, r, http.StatusUnprocessableEntity, "selfcheck", p)
}

// newSelfCheckAnswer explains a self-check result in plain words.
func newSelfCheckAnswer(lang string, v *selfCheckView, res app.SelfCheckResult) *selfCheckAnswer {
	a := &selfCheckAnswer{NextStep: locale.T(lang, res.NextStep.Key, res.NextStep.Args...)}
	label := func(cs []choice) string {
		for _, c := range cs {
			if c.Selected {
				return c.Label
			}
		}
		return ""
	}
	if t := label(v.Trades); t != "" {
		a.Summary = append(a.Summary, locale.T(lang, "webelig.sc.sum.trade", t))
	}
	if res.Commune.ID != 0 {
		place := res.Commune.Name
		if res.Province.ID != 0 {
			place += ", " + res.Province.Name
		}
		a.Summary = append(a.Summary, locale.T(lang, "webelig.sc.sum.place", place))
	}
	if !slices.Contains(res.Facts.Missing, "Workers") {
		a.Summary = append(a.Summary, locale.T(lang, "webelig.sc.sum.workers", vi.FormatNumber(int64(res.Facts.Workers))))
	}
	if k := label(v.Kinds); k != "" {
		a.Summary = append(a.Summary, locale.T(lang, "webelig.sc.sum.kind", k))
	}
	if r := label(v.Registered); r != "" {
		a.Summary = append(a.Summary, locale.T(lang, "webelig.sc.sum.registered", r))
	}
	for _, fit := range res.Fits {
		fv := fitView{Code: fit.Code, Name: fit.Name, Level: locale.T(lang, "scheme.level."+fit.Level), Example: fit.Example,
			NeedsCheck: fit.Unset || !fit.Confirmed, Status: fit.Status, StatusText: locale.T(lang, "webelig.sc.status."+fit.Status),
			StatusClass: statusClass(fit.Status), Missing: missingWords(lang, fit.Result)}
		switch {
		case fit.Unset:
			fv.Amount = locale.T(lang, "webelig.sc.amount_unset")
		default:
			fv.Amount = locale.T(lang, "webelig.sc.amount_range", vi.FormatVND(fit.AmountMin), vi.FormatVND(fit.AmountMax))
			if fit.CapUnit != "" {
				fv.Amount += " " + locale.T(lang, "webelig.per_unit", fit.CapUnit)
			}
		}
		if fit.RateBP > 0 {
			fv.Rate = locale.T(lang, "webelig.sc.rate", percentText(fit.RateBP))
		}
		if fit.Status == eligibility.NotEligible {
			a.Others = append(a.Others, fv)
		} else {
			a.Fits = append(a.Fits, fv)
		}
	}
	return a
}

// missingWords says in plain words what keeps a result from being
// eligible: each eligibility group that does not pass, its one criterion
// ("Chưa đạt: Số lao động từ 10 trở lên — thiếu 6 lao động") or its
// alternatives ("Cần một trong các điều kiện: …; hoặc …"), with the
// answers a criterion could not be decided without.
func missingWords(lang string, res eligibility.Result) []string {
	var out []string
	for _, os := range res.OpenGroups() {
		texts := make([]string, 0, len(os))
		unknown := false
		for _, o := range os {
			t := o.Criterion.Label
			if gap := gapText(lang, o); gap != "" {
				t += " — " + gap
			}
			if o.State == eligibility.Unknown {
				unknown = true
				if len(o.Missing) > 0 {
					t += " (" + locale.T(lang, "webelig.sc.needs", strings.Join(missingLabels(lang, o.Missing), ", ")) + ")"
				}
			}
			texts = append(texts, t)
		}
		switch {
		case len(texts) > 1:
			out = append(out, locale.T(lang, "webelig.sc.one_of", strings.Join(texts, locale.T(lang, "webelig.sc.or"))))
		case unknown:
			out = append(out, locale.T(lang, "webelig.sc.unclear", texts[0]))
		default:
			out = append(out, locale.T(lang, "webelig.sc.not_met", texts[0]))
		}
	}
	return out
}

// contactAddrKey is the rate-limit bucket of contact requests from one
// client address.
func contactAddrKey(addr string) string { return "selfcheck-contact|" + addr }

// requestContact records that the person asks to be contacted (the only
// case where anything is stored) and shows the tracking code; requests
// are rate-limited per client address. Errors in the name, phone or
// consent are shown next to those fields, with the answer again.
func (s *Server) requestContact(base string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		lang := s.lang(r)
		v := &selfCheckView{Action: base}
		if !parseSelfCheck(w, r) {
			s.selfCheckFormError(w, r, v, map[string]string{"form": locale.T(lang, "error.bad_request")})
			return
		}
		v.Form = readSelfCheckForm(r)
		v.Contact = contactForm{Name: strings.TrimSpace(r.PostFormValue("name")), Phone: strings.TrimSpace(r.PostFormValue("phone")),
			Consent: r.PostFormValue("consent") != ""}
		if err := s.fillChoices(ctx, lang, v); err != nil {
			s.fail(w, r, err)
			return
		}
		ans, ok := s.answerSelfCheck(w, r, v, false)
		if !ok {
			return
		}
		status := http.StatusOK
		var cerrs map[string]string
		if !s.limits.Allow(contactAddrKey(s.limits.ClientAddr(r))) {
			w.Header().Set("Retry-After", "60")
			v.RateLimited = true
			status = http.StatusTooManyRequests
		} else {
			receipt, err := s.app.RequestContact(ctx, ans, v.Contact.Name, v.Contact.Phone, v.Contact.Consent)
			switch {
			case err == nil:
				v.Receipt = &receiptView{Code: receipt.TrackingCode, Commune: receipt.CommuneName}
			case len(kc.FieldErrors(err)) > 0:
				cerrs = fieldErrors(lang, "contact.", err)
				status = http.StatusUnprocessableEntity
			default:
				s.fail(w, r, err)
				return
			}
		}
		p := s.publicPage(w, r, v)
		p.Errors = cerrs
		s.render(w, r, status, "selfcheck", p)
	}
}
