package web

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/eligibility"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"
)

// eligibilityRoutes registers the pages of support schemes, eligibility,
// screening and the public self-check (issue 4).
func (s *Server) eligibilityRoutes() {
	s.mux.HandleFunc("GET /establishments/{id}/eligibility", s.requireUser(s.showEligibility))
	s.schemeRoutes()
	s.screenRoutes()
	s.selfCheckRoutes()
}

// nonEstablishmentAreas are the content areas whose schemes pay for
// activities (information, international cooperation, management
// capacity) rather than support an establishment. The app leaves them out
// of evaluations unless asked for by code; the panel's scheme choice
// leaves them out too.
var nonEstablishmentAreas = []string{kc.ContentOutreach, kc.ContentInternational, kc.ContentManagement}

// fieldErrors turns the field errors of err into messages keyed by
// prefix+field, or returns nil when err is not a field error.
func fieldErrors(lang, prefix string, err error) map[string]string {
	fes := kc.FieldErrors(err)
	if len(fes) == 0 {
		return nil
	}
	out := make(map[string]string, len(fes))
	for _, fe := range fes {
		k := prefix + fe.Field
		if _, dup := out[k]; !dup {
			out[k] = locale.T(lang, fe.Key, fe.Args...)
		}
	}
	return out
}

// mergeErrors copies src into dst, keeping what dst already holds.
func mergeErrors(dst, src map[string]string) map[string]string {
	if len(src) == 0 {
		return dst
	}
	if dst == nil {
		dst = map[string]string{}
	}
	for k, v := range src {
		if _, ok := dst[k]; !ok {
			dst[k] = v
		}
	}
	return dst
}

// percentText writes basis points as a Vietnamese percentage: 5000 →
// "50 %", 1250 → "12,5 %".
func percentText(bp int) string {
	return decimalText(int64(bp), 100) + " %"
}

// percentInput writes basis points for a percent input ("12,5"); 0 is "".
func percentInput(bp int) string {
	if bp == 0 {
		return ""
	}
	return decimalText(int64(bp), 100)
}

// decimalText writes n/unit with a decimal comma and no trailing zeros.
func decimalText(n, unit int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	s := vi.FormatNumber(n / unit)
	frac := n % unit
	if frac == 0 {
		return sign + s
	}
	width := len(strconv.FormatInt(unit, 10)) - 1
	f := strconv.FormatInt(frac, 10)
	f = strings.Repeat("0", width-len(f)) + f
	return sign + s + "," + strings.TrimRight(f, "0")
}

// parsePercent reads a percentage as typed ("50", "12,5", "12.5 %") into
// basis points; empty is 0. ok is false for anything else.
func parsePercent(s string) (bp int, ok bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if s == "" {
		return 0, true
	}
	s = strings.ReplaceAll(s, ",", ".")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < -1e6 || f > 1e6 {
		return 0, false
	}
	return int(math.Round(f * 100)), true
}

// moneyWords are the multiplier words a person may write after an amount.
var moneyWords = []struct {
	word string
	mult int64
}{
	{"nghìn", 1_000}, {"ngàn", 1_000}, {"k", 1_000},
	{"triệu", 1_000_000}, {"tr", 1_000_000},
	{"tỷ", 1_000_000_000}, {"tỉ", 1_000_000_000},
}

// parseMoney reads an amount in đồng as typed: digits with dots, commas
// or spaces as thousands separators ("50.000.000"), an optional currency
// ("đ", "₫", "đồng", "VNĐ"), or a number with a word ("50 triệu", "1,5
// tỷ"). Empty gives ok with empty set. tooLarge reports digits beyond the
// int64 range (a nonsense figure rather than a typing error). A minus sign
// is kept, for the app to refuse with its own message.
func parseMoney(raw string) (v int64, set, ok, tooLarge bool) {
	s := strings.ToLower(strings.TrimSpace(vi.NFC(raw)))
	if s == "" {
		return 0, false, true, false
	}
	for _, cur := range []string{"vnđ", "vnd", "đồng", "₫", "đ"} {
		s = strings.TrimSpace(strings.TrimSuffix(s, cur))
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimSpace(strings.TrimPrefix(s, "-"))
	mult := int64(1)
	for _, w := range moneyWords {
		if strings.HasSuffix(s, w.word) {
			mult = w.mult
			s = strings.TrimSpace(strings.TrimSuffix(s, w.word))
			break
		}
	}
	if s == "" {
		return 0, true, false, false
	}
	if mult > 1 {
		// "1,5 tỷ": a decimal comma (or point) is allowed before a word.
		f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
			return 0, true, false, false
		}
		if f*float64(mult) > math.MaxInt64/2 {
			return 0, true, false, true
		}
		v = int64(math.Round(f * float64(mult)))
	} else {
		n, ok, tooLarge := groupedInt(s)
		if !ok {
			return 0, true, false, tooLarge
		}
		v = n
	}
	if neg {
		v = -v
	}
	return v, true, true, false
}

// groupedInt reads a whole number written with or without thousands
// separators: "1200", "1.200", "1,200", "1 200" (groups of three digits
// after the first). "4.5" or "4,5" is not a whole number. tooLarge
// reports digits beyond the int64 range.
func groupedInt(s string) (n int64, ok, tooLarge bool) {
	groups := strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == ',' || r == ' ' || r == '\u00a0' })
	if len(groups) == 0 {
		return 0, false, false
	}
	sep := len(groups) > 1
	var digits strings.Builder
	for i, g := range groups {
		for _, r := range g {
			if r < '0' || r > '9' {
				return 0, false, false
			}
		}
		if sep && ((i == 0 && len(g) > 3) || (i > 0 && len(g) != 3)) {
			return 0, false, false
		}
		digits.WriteString(g)
	}
	n, err := strconv.ParseInt(digits.String(), 10, 64)
	if err != nil {
		return 0, false, true
	}
	return n, true, false
}

// parseCount reads a whole number as typed ("4", " 12 ", "1.200", "-5");
// empty gives ok with set false. tooLarge reports a number beyond the
// int32 range (a nonsense figure rather than a typing error).
func parseCount(raw string) (v int, set, ok, tooLarge bool) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return 0, false, true, false
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimSpace(strings.TrimPrefix(s, "-"))
	n, ok, tooLarge := groupedInt(s)
	if !ok {
		return 0, true, false, tooLarge
	}
	if n > math.MaxInt32 {
		return 0, true, false, true
	}
	if neg {
		n = -n
	}
	return int(n), true, true, false
}

// statusClass is the badge class of an evaluation status.
func statusClass(status string) string {
	switch status {
	case eligibility.Eligible:
		return "badge-ok"
	case eligibility.NotEligible:
		return "badge-bad"
	}
	return "badge-warn"
}

// stateSkipped is the display state of an alternative that is not needed
// because another criterion of its group passed.
const stateSkipped = "skipped"

// stateMark is the mark of a criterion outcome: ✓, ✗ or ?.
func stateMark(state string) string {
	switch state {
	case eligibility.Pass:
		return "✓"
	case eligibility.Fail:
		return "✗"
	}
	return "?"
}

// fieldLabel is the label of a Facts field in lang, or its name.
func fieldLabel(lang, name string) string {
	if f, ok := eligibility.FieldByName(name); ok {
		return locale.T(lang, f.LabelKey)
	}
	return name
}

// optionLabel names the value of a closed text field ("household" → "Hộ
// sản xuất"); trade codes get the trade's name from trades.
func optionLabel(lang, field, value string, trades map[string]string) string {
	if field == "PrimaryTrade" || field == "Trades" {
		if n, ok := trades[value]; ok {
			return n
		}
		return value
	}
	key := eligibility.OptionKey(field, value)
	if key == "" || !locale.Has(key) {
		return value
	}
	return locale.T(lang, key)
}

// opSymbols are the display symbols of the simple operators.
var opSymbols = map[string]string{
	eligibility.OpGE: "≥", eligibility.OpGT: ">", eligibility.OpLE: "≤", eligibility.OpLT: "<",
	eligibility.OpEQ: "=", eligibility.OpNE: "≠", eligibility.OpIn: "∈", eligibility.OpNotIn: "∉",
}

// textField reports whether field holds codes that optionLabel can name.
func textField(field string) bool {
	f, ok := eligibility.FieldByName(field)
	return ok && (f.Type == eligibility.TypeText || f.Type == eligibility.TypeList)
}

// requirementText writes the requirement of a criterion for people: the
// codes of a text field replaced by their names ("∈ {Hộ kinh doanh, Tổ
// hợp tác}"); other requirements as the engine wrote them (fallback).
func requirementText(lang string, c eligibility.Criterion, fallback string, trades map[string]string) string {
	if c.Formula != "" || !textField(c.Field) {
		return fallback
	}
	if c.Op == eligibility.OpHas {
		return "∋ " + optionLabel(lang, c.Field, strings.TrimSpace(c.Value), trades)
	}
	sym, ok := opSymbols[c.Op]
	if !ok {
		return fallback
	}
	if c.Op == eligibility.OpIn || c.Op == eligibility.OpNotIn {
		var names []string
		for _, v := range strings.Split(c.Value, ",") {
			if v = strings.TrimSpace(v); v != "" {
				names = append(names, optionLabel(lang, c.Field, v, trades))
			}
		}
		return sym + " {" + strings.Join(names, ", ") + "}"
	}
	return sym + " " + optionLabel(lang, c.Field, strings.TrimSpace(c.Value), trades)
}

// actualText writes the actual value of an outcome for people: the codes
// of a text field replaced by their names.
func actualText(lang string, o eligibility.Outcome, trades map[string]string) string {
	if o.Actual != "" && o.Criterion.Formula != "" {
		// "CommuneType: xa; Workers: 6" → "Loại đơn vị hành chính cấp xã: Xã; Số lao động: 6"
		parts := strings.Split(o.Actual, "; ")
		for i, p := range parts {
			name, val, ok := strings.Cut(p, ": ")
			if !ok {
				continue
			}
			if textField(name) {
				var vals []string
				for _, x := range strings.Split(val, ", ") {
					vals = append(vals, optionLabel(lang, name, x, trades))
				}
				val = strings.Join(vals, ", ")
			}
			parts[i] = fieldLabel(lang, name) + ": " + val
		}
		return strings.Join(parts, "; ")
	}
	if o.Actual == "" || o.Criterion.Formula != "" || !textField(o.Criterion.Field) {
		return o.Actual
	}
	parts := strings.Split(o.Actual, ", ")
	for i, p := range parts {
		parts[i] = optionLabel(lang, o.Criterion.Field, p, trades)
	}
	return strings.Join(parts, ", ")
}

// criterionCondition writes a criterion as a condition: "Số lao động ≥
// 10", "Có đăng ký kinh doanh: có", or its formula.
func criterionCondition(lang string, c eligibility.Criterion, trades map[string]string) string {
	if c.Formula != "" {
		return c.Formula
	}
	label := fieldLabel(lang, c.Field)
	switch c.Op {
	case eligibility.OpTrue:
		return label + ": " + locale.T(lang, "webelig.yes")
	case eligibility.OpFalse:
		return label + ": " + locale.T(lang, "webelig.no")
	}
	if textField(c.Field) {
		return label + " " + requirementText(lang, c, c.Op+" "+c.Value, trades)
	}
	sym := opSymbols[c.Op]
	if sym == "" {
		sym = c.Op
	}
	value := c.Value
	if f, ok := eligibility.FieldByName(c.Field); ok && f.Type == eligibility.TypeMoney {
		if n, err := strconv.ParseInt(strings.TrimSpace(c.Value), 10, 64); err == nil {
			value = vi.FormatVND(n)
		}
	} else if ok && c.Field != "FoundedYear" && c.Field != "FactYear" {
		if n, err := strconv.ParseInt(strings.TrimSpace(c.Value), 10, 64); err == nil {
			value = vi.FormatNumber(n)
		}
	}
	return label + " " + sym + " " + value
}

// gapText writes the gap of a failed threshold ("thiếu 4 lao động"), or "".
func gapText(lang string, o eligibility.Outcome) string {
	if st, ok := o.GapStep(); ok {
		return locale.T(lang, st.Key, st.Args...)
	}
	return app.GapText(lang, o)
}

// stepTexts renders arithmetic or reasoning steps in lang.
func stepTexts(lang string, steps []eligibility.Step) []string {
	out := make([]string, 0, len(steps))
	for _, st := range steps {
		out = append(out, locale.T(lang, st.Key, st.Args...))
	}
	return out
}

// missingLabels names missing facts in lang.
func missingLabels(lang string, names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, fieldLabel(lang, n))
	}
	return out
}

// outcomeView is one row of a criteria table.
type outcomeView struct {
	Mark, State, StateText string
	Priority               bool
	Group                  int
	// Alt marks an alternative: one of several eligibility criteria of
	// its group, of which one is enough.
	Alt                   bool
	Points                int
	Label                 string
	Actual, Required, Gap string
	Missing               []string
}

// schemeHead is what a result shows of its scheme.
type schemeHead struct {
	ID          int64
	Code        string
	Version     int
	Name        string
	Level       string // translated
	LegalBasis  string
	Example     bool
	NeedsReview bool
}

func newSchemeHead(lang string, r eligibility.Rule) schemeHead {
	return schemeHead{ID: r.SchemeID, Code: r.Code, Version: r.Version, Name: r.Name, Level: locale.T(lang, "scheme.level."+r.Level),
		LegalBasis: r.LegalBasis, Example: r.Example, NeedsReview: !r.Confirmed}
}

// resultView is the explained evaluation of one scheme.
type resultView struct {
	Scheme         schemeHead
	Status         string
	StatusText     string
	StatusClass    string
	Outcomes       []outcomeView
	Priority       int
	PriorityLabels []string
	Amount         int64
	Unset          bool
	Uplifted       bool
	CapUnit        string
	Steps          []string
}

func newResultView(lang string, res eligibility.Result, trades map[string]string) resultView {
	v := resultView{Scheme: newSchemeHead(lang, res.Rule), Status: res.Status, StatusText: locale.T(lang, eligibility.StatusKey(res.Status)),
		StatusClass: statusClass(res.Status), Priority: res.Priority, PriorityLabels: res.PriorityLabels, Amount: res.Support.Amount,
		Unset: res.Support.Unset, Uplifted: res.Support.Uplifted, CapUnit: res.Rule.CapUnit, Steps: stepTexts(lang, res.Support.Steps)}
	for _, o := range res.Outcomes {
		ov := outcomeView{Mark: stateMark(o.State), State: o.State, StateText: locale.T(lang, eligibility.StateKey(o.State)),
			Priority: o.Criterion.Kind == eligibility.KindPriority, Group: o.Criterion.Group, Points: o.Criterion.Points,
			Label: o.Criterion.Label, Actual: actualText(lang, o, trades), Required: requirementText(lang, o.Criterion, o.Required, trades),
			Gap: gapText(lang, o), Missing: missingLabels(lang, o.Missing)}
		v.Outcomes = append(v.Outcomes, ov)
	}
	size, passed := map[int]int{}, map[int]bool{}
	for _, o := range v.Outcomes {
		if !o.Priority {
			size[o.Group]++
			passed[o.Group] = passed[o.Group] || o.State == eligibility.Pass
		}
	}
	for i := range v.Outcomes {
		o := &v.Outcomes[i]
		o.Alt = !o.Priority && size[o.Group] > 1
		if o.Alt && passed[o.Group] && o.State != eligibility.Pass {
			// Another alternative of the group passed: this one is not
			// needed, and showing it as failed would mislead.
			o.State, o.Mark, o.StateText, o.Gap, o.Missing = stateSkipped, "–", locale.T(lang, "webelig.state.skipped"), "", nil
		}
	}
	return v
}

// groupView is a suggested cooperative group.
type groupView struct {
	N          int // 1-based number, for the heading
	Scheme     schemeHead
	Members    []app.GroupMember
	Workers    int
	StatusText string
	Reasons    []string
}

// eligPanelView is the data of the eligibility panel.
type eligPanelView struct {
	Establishment app.EstablishmentBrief
	// The form: the scheme code ("" for every scheme in force), the
	// planned cost as typed and the day.
	Scheme, Cost, On string
	Schemes          []choice
	OnText           string
	CostValue        int64
	Missing          []string
	Results          []resultView
	Qualifies        []schemeHead
	Groups           []groupView
	Skipped          []string
	// Checked is set when the evaluation ran (no form error).
	Checked bool
}

// tradeNames maps trade codes to names; a failure leaves codes shown.
func (s *Server) tradeNames(ctx context.Context) map[string]string {
	trades, err := s.app.Trades(ctx)
	if err != nil {
		s.log.Warn("trade names", "err", err)
		return nil
	}
	out := make(map[string]string, len(trades))
	for _, t := range trades {
		out[t.Code] = t.Name
	}
	return out
}

// showEligibility is the eligibility panel of an establishment: for the
// scheme asked for or every scheme in force, on a day and for a planned
// cost, each result explained. An htmx request gets the panel alone (the
// establishment page loads it lazily); a field error is shown in the
// form (422 for a page, 200 for a fragment, which htmx swaps).
func (s *Server) showEligibility(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	lang := s.lang(r)
	q := r.URL.Query()
	v := eligPanelView{Scheme: strings.TrimSpace(q.Get("scheme")), Cost: strings.TrimSpace(q.Get("cost")), On: strings.TrimSpace(q.Get("on"))}
	v.Establishment.ID = id
	errs := map[string]string{}
	on, err := app.ParseCheckDate(v.On)
	if err != nil {
		errs = mergeErrors(errs, fieldErrors(lang, "", err))
	}
	cost, set, ok, tooLarge := parseMoney(v.Cost)
	switch {
	case tooLarge:
		errs["cost"] = locale.T(lang, "check.cost_range", vi.FormatVND(app.MaxCost))
	case !ok:
		errs["cost"] = locale.T(lang, "webelig.err.money")
	case set:
		v.CostValue = cost
	}
	day := on
	if day.IsZero() {
		day = kc.DateOf(s.app.Now().In(vi.Location))
	}
	v.OnText = vi.FormatDay(day.Time())
	schemes, err := s.app.Schemes(ctx, day)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, sc := range schemes {
		if slices.Contains(nonEstablishmentAreas, sc.ContentArea) {
			continue
		}
		label := sc.Name
		if sc.ProvinceName != "" {
			label += " — " + sc.ProvinceName
		}
		v.Schemes = append(v.Schemes, choice{Value: sc.Code, Label: label, Selected: strings.EqualFold(sc.Code, v.Scheme)})
	}
	status := http.StatusOK
	if len(errs) == 0 {
		rep, err := s.app.CheckEligibility(ctx, app.EligibilityCheck{EstablishmentID: id, SchemeCode: v.Scheme, Cost: v.CostValue, On: on})
		switch {
		case err == nil:
			s.fillPanel(ctx, lang, &v, rep)
		case len(kc.FieldErrors(err)) > 0:
			errs = mergeErrors(errs, fieldErrors(lang, "", err))
		default:
			s.fail(w, r, err)
			return
		}
	}
	if len(errs) > 0 && !partialRequest(r) {
		status = http.StatusUnprocessableEntity
	}
	if v.Establishment.Name == "" {
		// A form error: name the establishment all the same (the app
		// answers ENotFound outside the caller's scope).
		e, err := s.app.GetEstablishment(ctx, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Establishment.Name = e.Name
	}
	p := s.page(r, locale.T(lang, "webelig.panel.title_of", v.Establishment.Name), "establishments", v)
	if len(errs) > 0 {
		p.Errors = errs
	}
	s.render(w, r, status, "elig_panel", p)
}

// fillPanel puts an eligibility report into the panel's view.
func (s *Server) fillPanel(ctx context.Context, lang string, v *eligPanelView, rep app.EligibilityReport) {
	trades := s.tradeNames(ctx)
	v.Checked = true
	v.Establishment = rep.Establishment
	v.OnText = vi.FormatDay(rep.On.Time())
	for _, m := range rep.Facts.Missing {
		// LocalMaterialsPct and Export are never recorded: listing them on
		// every establishment says nothing.
		if m == "LocalMaterialsPct" || m == "Export" {
			continue
		}
		v.Missing = append(v.Missing, fieldLabel(lang, m))
	}
	for _, res := range rep.Results {
		v.Results = append(v.Results, newResultView(lang, res, trades))
	}
	for _, res := range rep.Qualifies {
		v.Qualifies = append(v.Qualifies, newSchemeHead(lang, res.Rule))
	}
	for i, g := range rep.Groups {
		v.Groups = append(v.Groups, groupView{N: i + 1, Scheme: newSchemeHead(lang, g.Scheme), Members: g.Members, Workers: g.Combined.Workers,
			StatusText: locale.T(lang, eligibility.StatusKey(g.Result.Status)), Reasons: stepTexts(lang, g.Reasons)})
	}
	for _, sk := range rep.Skipped {
		v.Skipped = append(v.Skipped, locale.T(lang, "check.out.skipped", sk.Code))
	}
}

// withQuery returns path with the non-empty values of q.
func withQuery(path string, q url.Values) string {
	clean := url.Values{}
	for k, vs := range q {
		for _, v := range vs {
			if strings.TrimSpace(v) != "" {
				clean.Add(k, v)
			}
		}
	}
	if len(clean) == 0 {
		return path
	}
	return path + "?" + clean.Encode()
}
