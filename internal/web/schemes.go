package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/auth"
	"khuyencong/internal/eligibility"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"
)

func (s *Server) schemeRoutes() {
	s.mux.HandleFunc("GET /schemes", s.requireUser(s.listSchemes))
	s.mux.HandleFunc("GET /schemes/{id}", s.requireUser(s.showScheme))
	s.mux.HandleFunc("POST /schemes/{id}", s.requireUser(s.updateSchemeRule))
	s.mux.HandleFunc("POST /schemes/{id}/criteria", s.requireUser(s.addCriterion))
	s.mux.HandleFunc("POST /schemes/{id}/criteria/{cid}/delete", s.requireUser(s.deleteCriterion))
	s.mux.HandleFunc("POST /schemes/{id}/versions", s.requireUser(s.createSchemeVersion))
	s.mux.HandleFunc("GET /schemes/{id}/count", s.requireUser(s.countCriterion))
}

// schemeFormBytes bounds the body of the scheme forms (a formula is
// short; 64 KiB is plenty).
const schemeFormBytes = 64 << 10

// schemeRow is one scheme version as the list and the detail page show it.
type schemeRow struct {
	ID              int64
	Code            string
	Version         int
	Name            string
	Level           string // translated
	Province        string
	Area            string // "CA3 — Mô hình trình diễn …"
	LegalBasis      string
	LegalBasisTitle string
	Period          string
	InForce         bool
	Rate            string
	Cap             string
	Uplift          string
	Counterpart     string
	RuleText        string
	NeedsReview     bool
	CapUnset        bool
	Example         bool
	Editable        bool
	Criteria        int
	Note            string
}

// newSchemeRow describes v in lang; areas maps content area codes to names.
func newSchemeRow(lang string, v app.SchemeView, areas map[string]string, today kc.Date) schemeRow {
	r := schemeRow{ID: v.SchemeID, Code: v.Code, Version: v.Version, Name: v.Name, Level: locale.T(lang, "scheme.level."+v.Level),
		Province: v.ProvinceName, LegalBasis: v.LegalBasis, LegalBasisTitle: v.LegalBasisTitle, InForce: v.InForce(today),
		NeedsReview: v.NeedsReview, Example: v.Example, Editable: v.Editable, Criteria: len(v.Criteria), Note: v.Note}
	r.Area = v.ContentArea
	if n := areas[v.ContentArea]; n != "" {
		r.Area += " — " + n
	}
	until := locale.T(lang, "webelig.open_end")
	if !v.EffectiveTo.IsZero() {
		until = vi.FormatDay(v.EffectiveTo.Time())
	}
	r.Period = locale.T(lang, "webelig.period", vi.FormatDay(v.EffectiveFrom.Time()), until)
	none := locale.T(lang, "webelig.none")
	r.Rate, r.Uplift, r.Counterpart = none, none, none
	if v.RateBP > 0 {
		r.Rate = percentText(v.RateBP)
	}
	if v.UpliftBP > 0 {
		r.Uplift = percentText(v.UpliftBP)
	}
	if v.CounterpartMinBP > 0 {
		r.Counterpart = percentText(v.CounterpartMinBP)
	}
	switch {
	case v.Cap > 0:
		r.Cap = vi.FormatVND(v.Cap)
		if v.CapUnit != "" {
			r.Cap += " " + locale.T(lang, "webelig.per_unit", v.CapUnit)
		}
	case v.Confirmed && v.RateBP > 0:
		r.Cap = locale.T(lang, "webelig.no_cap")
	default:
		r.Cap, r.CapUnset = locale.T(lang, "scheme.needs_review"), true
	}
	r.RuleText = ruleText(lang, v.Rule)
	return r
}

// ruleText states a support rule in one sentence: "Hỗ trợ tối đa 50 % chi
// phí, không quá 100.000.000 ₫ mỗi cơ sở; …".
func ruleText(lang string, r eligibility.Rule) string {
	var parts []string
	cap := ""
	if r.Cap > 0 {
		cap = vi.FormatVND(r.Cap)
		if r.CapUnit != "" {
			cap += " " + locale.T(lang, "webelig.per_unit", r.CapUnit)
		}
	}
	switch {
	case r.RateBP > 0 && cap != "":
		parts = append(parts, locale.T(lang, "webelig.rule.rate_cap", percentText(r.RateBP), cap))
	case r.RateBP > 0:
		parts = append(parts, locale.T(lang, "webelig.rule.rate", percentText(r.RateBP)))
	case cap != "":
		parts = append(parts, locale.T(lang, "webelig.rule.cap", cap))
	default:
		parts = append(parts, locale.T(lang, "webelig.rule.unset"))
	}
	if r.UpliftBP > 0 {
		parts = append(parts, locale.T(lang, "webelig.rule.uplift", percentText(r.UpliftBP)))
	}
	if r.CounterpartMinBP > 0 {
		parts = append(parts, locale.T(lang, "webelig.rule.counterpart", percentText(r.CounterpartMinBP)))
	}
	return strings.Join(parts, "; ") + "."
}

// contentAreas maps content area codes to names; a failure leaves codes.
func (s *Server) contentAreas(ctx context.Context) map[string]string {
	areas, err := s.app.ContentAreas(ctx)
	if err != nil {
		s.log.Warn("content areas", "err", err)
		return nil
	}
	out := make(map[string]string, len(areas))
	for _, a := range areas {
		out[a.Code] = a.Name
	}
	return out
}

// today is the current day in Vietnam by the app's clock.
func (s *Server) today() kc.Date { return kc.DateOf(s.app.Now().In(vi.Location)) }

// schemeListView is the data of the scheme list.
type schemeListView struct {
	On     string // the day as typed (YYYY-MM-DD), "" for today
	All    bool   // every version, whatever its period
	OnText string
	Rows   []schemeRow
	// CanScreen offers the bulk screening.
	CanScreen bool
}

// listSchemes lists the scheme versions in force on ?on= (today by
// default), or every version with ?on=all.
func (s *Server) listSchemes(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := s.lang(r)
	v := schemeListView{On: strings.TrimSpace(r.URL.Query().Get("on"))}
	status := http.StatusOK
	var errs map[string]string
	day := s.today()
	if v.On == "all" {
		v.All, day = true, kc.Date{}
	} else if d, err := app.ParseCheckDate(v.On); err != nil {
		errs = fieldErrors(lang, "", err)
		status = http.StatusUnprocessableEntity
	} else if !d.IsZero() {
		day = d
	}
	if !v.All {
		v.OnText = vi.FormatDay(day.Time())
	}
	views, err := s.app.Schemes(ctx, day)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	areas := s.contentAreas(ctx)
	for _, sv := range views {
		v.Rows = append(v.Rows, newSchemeRow(lang, sv, areas, s.today()))
	}
	if p := app.PrincipalFrom(ctx); p != nil {
		v.CanScreen = auth.Can(p.User.Role, auth.PermViewRegistry)
	}
	pg := s.page(r, locale.T(lang, "webelig.schemes.title"), "schemes", v)
	pg.Errors = errs
	s.render(w, r, status, "scheme_list", pg)
}

// criterionRow is one criterion on the detail page.
type criterionRow struct {
	ID        int64
	Group     int
	Kind      string // translated
	Priority  bool
	Label     string
	Condition string
	Formula   bool
	Points    int
}

// ruleForm holds the values of the support rule form as typed.
type ruleForm struct {
	Rate, Cap, CapUnit, Uplift, Counterpart, From, To, Note string
	Confirmed                                               bool
}

// criterionForm holds the values of the criterion form as typed.
type criterionForm struct {
	Label, Kind, Group, Points, Field, Op, Value, Formula string
}

// fieldHelp describes one fact field for the criterion editor.
type fieldHelp struct {
	Name, Label, Type, Ops string
	Options                []choice
}

// schemeDetailView is the data of the scheme page.
type schemeDetailView struct {
	schemeRow
	Criteria    []criterionRow
	Versions    []schemeRow
	Rule        ruleForm
	Crit        criterionForm
	VersionFrom string
	Fields      []choice
	Ops         []choice
	Kinds       []choice
	Help        []fieldHelp
}

// opLabels name the operators of the criterion editor.
var opLabels = []struct{ op, key string }{
	{eligibility.OpGE, "webelig.op.ge"}, {eligibility.OpGT, "webelig.op.gt"}, {eligibility.OpLE, "webelig.op.le"},
	{eligibility.OpLT, "webelig.op.lt"}, {eligibility.OpEQ, "webelig.op.eq"}, {eligibility.OpNE, "webelig.op.ne"},
	{eligibility.OpIn, "webelig.op.in"}, {eligibility.OpNotIn, "webelig.op.not_in"}, {eligibility.OpTrue, "webelig.op.true"},
	{eligibility.OpFalse, "webelig.op.false"}, {eligibility.OpHas, "webelig.op.has"},
}

// opLabel names one operator.
func opLabel(lang, op string) string {
	for _, o := range opLabels {
		if o.op == op {
			return locale.T(lang, o.key)
		}
	}
	return op
}

// ruleFormOf fills the rule form with v's current rule.
func ruleFormOf(v app.SchemeView) ruleForm {
	f := ruleForm{Rate: percentInput(v.RateBP), CapUnit: v.CapUnit, Uplift: percentInput(v.UpliftBP),
		Counterpart: percentInput(v.CounterpartMinBP), Confirmed: v.Confirmed, Note: v.Note}
	if v.Cap > 0 {
		f.Cap = vi.FormatNumber(v.Cap)
	}
	if !v.EffectiveFrom.IsZero() {
		f.From = v.EffectiveFrom.String()
	}
	if !v.EffectiveTo.IsZero() {
		f.To = v.EffectiveTo.String()
	}
	return f
}

// schemeForms are the submitted values of the scheme page's forms, with
// their field errors keyed "rule.…", "crit.…" and "version.…".
type schemeForms struct {
	Rule        *ruleForm
	Crit        *criterionForm
	VersionFrom *string
	Errors      map[string]string
}

func (s *Server) showScheme(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderScheme(w, r, id, http.StatusOK, schemeForms{})
}

// renderScheme renders the page of scheme version id with the forms'
// submitted values and errors.
func (s *Server) renderScheme(w http.ResponseWriter, r *http.Request, id int64, status int, forms schemeForms) {
	ctx := r.Context()
	lang := s.lang(r)
	d, err := s.app.Scheme(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	areas := s.contentAreas(ctx)
	trades := s.tradeNames(ctx)
	today := s.today()
	// A new criterion starts in a group of its own (AND with the others);
	// the editor puts it in an existing group to make it an alternative.
	group := 0
	for _, c := range d.Criteria {
		group = max(group, c.Group)
	}
	v := schemeDetailView{schemeRow: newSchemeRow(lang, d.SchemeView, areas, today), Rule: ruleFormOf(d.SchemeView),
		Crit: criterionForm{Kind: eligibility.KindEligibility, Group: strconv.Itoa(group + 1)}}
	for _, c := range d.Criteria {
		cr := criterionRow{ID: c.ID, Group: c.Group, Kind: locale.T(lang, "webelig.kind."+c.Kind), Priority: c.Kind == eligibility.KindPriority,
			Label: c.Label, Condition: criterionCondition(lang, c, trades), Formula: c.Formula != "", Points: c.Points}
		v.Criteria = append(v.Criteria, cr)
	}
	for _, ver := range d.Versions {
		v.Versions = append(v.Versions, newSchemeRow(lang, ver, areas, today))
	}
	for _, f := range eligibility.Fields {
		v.Fields = append(v.Fields, choice{Value: f.Name, Label: locale.T(lang, f.LabelKey)})
		h := fieldHelp{Name: f.Name, Label: locale.T(lang, f.LabelKey), Type: locale.T(lang, "webelig.type."+f.Type)}
		var ops []string
		for _, op := range eligibility.Ops(f.Type) {
			ops = append(ops, opLabel(lang, op))
		}
		h.Ops = strings.Join(ops, ", ")
		opts := f.Options
		if f.Name == "PrimaryTrade" || f.Name == "Trades" {
			opts = nil
			for code := range trades {
				opts = append(opts, code)
			}
			slices.Sort(opts)
		}
		for _, o := range opts {
			h.Options = append(h.Options, choice{Value: o, Label: optionLabel(lang, f.Name, o, trades)})
		}
		v.Help = append(v.Help, h)
	}
	for _, o := range opLabels {
		v.Ops = append(v.Ops, choice{Value: o.op, Label: locale.T(lang, o.key)})
	}
	for _, k := range []string{eligibility.KindEligibility, eligibility.KindPriority} {
		v.Kinds = append(v.Kinds, choice{Value: k, Label: locale.T(lang, "webelig.kind."+k)})
	}
	if forms.Rule != nil {
		v.Rule = *forms.Rule
	}
	if forms.Crit != nil {
		v.Crit = *forms.Crit
	}
	if forms.VersionFrom != nil {
		v.VersionFrom = *forms.VersionFrom
	}
	for i := range v.Fields {
		v.Fields[i].Selected = v.Fields[i].Value == v.Crit.Field
	}
	for i := range v.Ops {
		v.Ops[i].Selected = v.Ops[i].Value == v.Crit.Op
	}
	for i := range v.Kinds {
		v.Kinds[i].Selected = v.Kinds[i].Value == v.Crit.Kind
	}
	pg := s.page(r, d.Name, "schemes", v)
	pg.Errors = forms.Errors
	if status == http.StatusOK {
		if done := r.URL.Query().Get("done"); slices.Contains([]string{"rule", "criterion", "deleted", "version"}, done) {
			pg.Flash = locale.T(lang, "webelig.done."+done)
		}
	}
	s.render(w, r, status, "scheme_detail", pg)
}

// parseSchemeForm reads the body of a scheme form, bounded.
func parseSchemeForm(w http.ResponseWriter, r *http.Request) error {
	return parseFormLimited(w, r, schemeFormBytes)
}

// ruleFields renames the app's rule fields to the form's inputs.
var ruleFields = map[string]string{"rate_bp": "rate", "uplift_bp": "uplift", "counterpart_min_bp": "counterpart", "cap_unit": "cap_unit",
	"effective_from": "from", "effective_to": "to"}

// updateSchemeRule saves the support rule form (rate, cap, uplift,
// counterpart share, dates, confirmed, note).
func (s *Server) updateSchemeRule(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseSchemeForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r)
	f := ruleForm{Rate: r.PostFormValue("rate"), Cap: r.PostFormValue("cap"), CapUnit: r.PostFormValue("cap_unit"),
		Uplift: r.PostFormValue("uplift"), Counterpart: r.PostFormValue("counterpart"), From: r.PostFormValue("from"),
		To: r.PostFormValue("to"), Note: r.PostFormValue("note"), Confirmed: r.PostFormValue("confirmed") != ""}
	errs := map[string]string{}
	var upd app.SchemeRuleUpdate
	percent := func(name, raw string) *int {
		bp, ok := parsePercent(raw)
		if !ok {
			errs["rule."+name] = locale.T(lang, "webelig.err.percent")
			return nil
		}
		return &bp
	}
	upd.RateBP = percent("rate", f.Rate)
	upd.UpliftBP = percent("uplift", f.Uplift)
	upd.CounterpartMinBP = percent("counterpart", f.Counterpart)
	if cap, _, ok, tooLarge := parseMoney(f.Cap); !ok || tooLarge {
		errs["rule.cap"] = locale.T(lang, "webelig.err.money")
	} else {
		upd.Cap = &cap
	}
	unit := strings.TrimSpace(f.CapUnit)
	note := strings.TrimSpace(f.Note)
	upd.CapUnit, upd.Note, upd.Confirmed = &unit, &note, &f.Confirmed
	for _, d := range []struct {
		name, raw string
		dst       **kc.Date
	}{{"from", f.From, &upd.EffectiveFrom}, {"to", f.To, &upd.EffectiveTo}} {
		day, err := app.ParseCheckDate(d.raw)
		if err != nil {
			errs["rule."+d.name] = locale.T(lang, "check.bad_date", strings.TrimSpace(d.raw))
			continue
		}
		*d.dst = &day
	}
	if len(errs) == 0 {
		_, err = s.app.UpdateSchemeRule(r.Context(), id, upd)
		if err == nil {
			http.Redirect(w, r, "/schemes/"+strconv.FormatInt(id, 10)+"?done=rule", http.StatusSeeOther)
			return
		}
		fes := kc.FieldErrors(err)
		if len(fes) == 0 {
			s.fail(w, r, err)
			return
		}
		for _, fe := range fes {
			name := fe.Field
			if n, ok := ruleFields[name]; ok {
				name = n
			}
			if _, dup := errs["rule."+name]; !dup {
				errs["rule."+name] = locale.T(lang, fe.Key, fe.Args...)
			}
		}
	}
	s.renderScheme(w, r, id, http.StatusUnprocessableEntity, schemeForms{Rule: &f, Errors: errs})
}

// criterionFromForm reads a criterion from form values; errors in the
// numbers are keyed by prefix+field.
func criterionFromForm(lang, prefix string, vals url.Values) (criterionForm, eligibility.Criterion, map[string]string) {
	f := criterionForm{Label: vals.Get("label"), Kind: vals.Get("kind"), Group: vals.Get("group"), Points: vals.Get("points"),
		Field: vals.Get("field"), Op: vals.Get("op"), Value: vals.Get("value"), Formula: vals.Get("formula")}
	c := eligibility.Criterion{Label: f.Label, Kind: strings.TrimSpace(f.Kind), Field: f.Field, Op: f.Op, Value: f.Value, Formula: f.Formula}
	errs := map[string]string{}
	for _, n := range []struct {
		name, raw string
		dst       *int
	}{{"group", f.Group, &c.Group}, {"points", f.Points, &c.Points}} {
		v, set, ok, _ := parseCount(n.raw)
		if !ok {
			errs[prefix+n.name] = locale.T(lang, "webelig.err.whole_number")
		} else if set {
			*n.dst = v
		}
	}
	if strings.TrimSpace(c.Formula) != "" {
		// The formula wins: the field, operator and value of the simple
		// form are ignored (the app clears them too).
		c.Field, c.Op, c.Value = "", "", ""
	}
	return f, c, errs
}

// addCriterion adds a criterion to the scheme version; a criterion that
// does not compile is shown again with the error next to its field (a
// formula's with its line and column).
func (s *Server) addCriterion(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseSchemeForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r)
	f, c, errs := criterionFromForm(lang, "crit.", r.PostForm)
	if len(errs) == 0 {
		_, err = s.app.SaveCriterion(r.Context(), id, c)
		if err == nil {
			http.Redirect(w, r, "/schemes/"+strconv.FormatInt(id, 10)+"?done=criterion#criteria", http.StatusSeeOther)
			return
		}
		if len(kc.FieldErrors(err)) == 0 {
			s.fail(w, r, err)
			return
		}
		errs = mergeErrors(errs, fieldErrors(lang, "crit.", err))
	}
	s.renderScheme(w, r, id, http.StatusUnprocessableEntity, schemeForms{Crit: &f, Errors: errs})
}

// deleteCriterion removes one criterion of the scheme version.
func (s *Server) deleteCriterion(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cid, err := strconv.ParseInt(r.PathValue("cid"), 10, 64)
	if err != nil || cid <= 0 {
		s.fail(w, r, kc.Errorf(kc.ENotFound, "error.not_found"))
		return
	}
	if err := s.app.DeleteCriterion(r.Context(), id, cid); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/schemes/"+strconv.FormatInt(id, 10)+"?done=deleted#criteria", http.StatusSeeOther)
}

// createSchemeVersion makes a new version of the scheme from a day and
// opens it.
func (s *Server) createSchemeVersion(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseSchemeForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r)
	raw := r.PostFormValue("effective_from")
	day, err := app.ParseCheckDate(raw)
	if err == nil {
		var created app.SchemeView
		created, err = s.app.CreateSchemeVersion(r.Context(), id, day)
		if err == nil {
			http.Redirect(w, r, "/schemes/"+strconv.FormatInt(created.SchemeID, 10)+"?done=version", http.StatusSeeOther)
			return
		}
	}
	fes := kc.FieldErrors(err)
	if len(fes) == 0 {
		s.fail(w, r, err)
		return
	}
	errs := map[string]string{}
	for _, fe := range fes {
		errs["version.effective_from"] = locale.T(lang, fe.Key, fe.Args...)
	}
	s.renderScheme(w, r, id, http.StatusUnprocessableEntity, schemeForms{VersionFrom: &raw, Errors: errs})
}

// countView is the data of the live count.
type countView struct {
	SchemeID  int64
	Edited    bool // a criterion was given (else the rule as stored)
	Count     app.MatchCount
	Messages  []string
	Formatted struct{ Matching, Total, Undetermined, Alone, AloneUndetermined string }
}

// countCriterion is the live count of the criterion editor: how many
// establishments in the caller's scope pass the rule with the criterion
// being typed, and how many cannot be decided; without a criterion, the
// rule as stored. An htmx request gets the fragment (errors included,
// with status 200 so htmx swaps it); a plain request a page.
func (s *Server) countCriterion(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r)
	q := r.URL.Query()
	_, c, errs := criterionFromForm(lang, "", q)
	v := countView{SchemeID: id}
	var crit *eligibility.Criterion
	if strings.TrimSpace(c.Field) != "" || strings.TrimSpace(c.Op) != "" || strings.TrimSpace(c.Formula) != "" {
		v.Edited = true
		if strings.TrimSpace(c.Label) == "" {
			// The label is needed to save, not to count.
			c.Label = "…"
		}
		if c.Kind == "" {
			c.Kind = eligibility.KindEligibility
		}
		if c.Kind != eligibility.KindPriority {
			c.Points = 0
		}
		crit = &c
	}
	if len(errs) == 0 {
		v.Count, err = s.app.CountMatching(r.Context(), id, crit)
		if err != nil {
			if len(kc.FieldErrors(err)) == 0 {
				s.fail(w, r, err)
				return
			}
			errs = fieldErrors(lang, "", err)
		}
	}
	for _, k := range []string{"label", "kind", "group", "points", "field", "op", "value", "formula"} {
		if m, ok := errs[k]; ok {
			v.Messages = append(v.Messages, m)
		}
	}
	v.Formatted.Matching = vi.FormatNumber(int64(v.Count.Matching))
	v.Formatted.Total = vi.FormatNumber(int64(v.Count.Total))
	v.Formatted.Undetermined = vi.FormatNumber(int64(v.Count.Undetermined))
	v.Formatted.Alone = vi.FormatNumber(int64(v.Count.CriterionMatching))
	v.Formatted.AloneUndetermined = vi.FormatNumber(int64(v.Count.CriterionUndetermined))
	status := http.StatusOK
	if len(errs) > 0 && !partialRequest(r) {
		status = http.StatusUnprocessableEntity
	}
	pg := s.page(r, locale.T(lang, "webelig.count.title"), "schemes", v)
	s.render(w, r, status, "scheme_count", pg)
}
