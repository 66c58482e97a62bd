package web

import (
	"net/http"
	"strconv"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/outreach"
	"khuyencong/internal/vi"
)

// outreachParamsPath is the page of the planner's assumptions; POST to it
// saves them, POST to its /reset puts the defaults back.
const outreachParamsPath = "/outreach/plan/assumptions"

// outreachParamsFormBytes bounds the assumptions form (a list of days off).
const outreachParamsFormBytes = 64 << 10

// outreachParamsRoutes registers the page of the planner's assumptions.
func (s *Server) outreachParamsRoutes() {
	s.mux.HandleFunc("GET "+outreachParamsPath, s.requireUser(s.showOutreachParams))
	s.mux.HandleFunc("POST "+outreachParamsPath, s.requireUser(s.saveOutreachParams))
	s.mux.HandleFunc("POST "+outreachParamsPath+"/reset", s.requireUser(s.resetOutreachParams))
}

// outreachParamField is one assumption as the form shows it.
type outreachParamField struct {
	Name, ID     string // input name (the setting's name) and element id
	Label, Hint  string
	Unit         string // the unit beside the value ("đồng", "%")
	Bool         bool   // a yes/no assumption (a checkbox)
	Checked      bool   // its value
	Numeric      bool   // a whole number (inputmode numeric)
	Value        string // as typed, or in force as written for the form
	Default      string
	Custom       bool
	Invalid      string
	Error        string
	ReadOnlyText string // the value in the read-only table
	// DefaultText, CustomText and InvalidText are the field's notes as
	// written ("Mặc định: 1.200.000 đồng"; CustomText "" unless the
	// province set the value; InvalidText "" unless the stored value is
	// not understood).
	DefaultText, CustomText, InvalidText string
}

// outreachParamKind groups the assumptions of one session kind.
type outreachParamKind struct {
	Kind, Name string
	Fields     []outreachParamField
}

// outreachParamsView is the data of the assumptions page.
type outreachParamsView struct {
	Kinds         []outreachParamKind
	General       []outreachParamField
	Holidays      string // one day a line, dd/mm/yyyy
	HolidaysError string
	BadHolidays   string
	CanEdit       bool
}

// outreachParamInputID is the element id of an assumption's input.
func outreachParamInputID(name string) string {
	return "opa-" + strings.NewReplacer(".", "-", "_", "-").Replace(name)
}

// outreachParamText writes a stored value the way the form shows it:
// grouped đồng, a percentage for basis points, yes/no.
func outreachParamText(lang string, f app.OutreachParamField, value string) string {
	n, err := strconv.ParseInt(value, 10, 64)
	switch f.Unit {
	case app.ParamUnitBool:
		if b, _ := strconv.ParseBool(value); b {
			return locale.T(lang, "outreachparams.yes")
		}
		return locale.T(lang, "outreachparams.no")
	case app.ParamUnitMoney:
		if err == nil {
			return vi.FormatNumber(n)
		}
	case app.ParamUnitBP:
		if err == nil {
			return decimalText(n, 100)
		}
	}
	return value
}

// outreachParamUnit is the unit written beside a field.
func outreachParamUnit(lang string, f app.OutreachParamField) string {
	switch f.Unit {
	case app.ParamUnitMoney:
		return locale.T(lang, "outreachparams.unit.money")
	case app.ParamUnitHalfDays:
		return locale.T(lang, "outreachparams.unit.half_days")
	case app.ParamUnitBP:
		return locale.T(lang, "outreachparams.unit.percent")
	}
	return ""
}

// outreachParamsTyped is a submitted form the page shows again: the
// values as typed (checkbox names present when ticked), the days off and
// the errors by input name ("holidays" for the days off).
type outreachParamsTyped struct {
	Values   map[string]string
	Holidays string
	Errors   map[string]string
}

func (s *Server) showOutreachParams(w http.ResponseWriter, r *http.Request) {
	s.renderOutreachParams(w, r, http.StatusOK, nil)
}

// renderOutreachParams renders the page with the assumptions in force, or
// with the typed form and its errors.
func (s *Server) renderOutreachParams(w http.ResponseWriter, r *http.Request, status int, typed *outreachParamsTyped) {
	ctx := r.Context()
	lang := s.lang(r)
	st, err := s.app.OutreachPlanSettings(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vals, defs := app.OutreachParamValues(st.Params), app.OutreachParamValues(st.Defaults)
	v := outreachParamsView{CanEdit: st.CanEdit}
	var errs map[string]string
	if typed != nil {
		errs = typed.Errors
	}
	kinds := map[string]int{}
	for _, f := range app.OutreachParamFields() {
		hintKey := "outreachparams.hint." + f.Param
		hint := locale.T(lang, hintKey)
		if hint == hintKey {
			hint = ""
		}
		label := locale.T(lang, "outreachparams.field."+f.Param)
		if f.Kind == "" {
			label = f.Label(lang)
		}
		fv := outreachParamField{Name: f.Name, ID: outreachParamInputID(f.Name), Label: label, Hint: hint,
			Unit: outreachParamUnit(lang, f), Bool: f.Unit == app.ParamUnitBool,
			Numeric: f.Unit == app.ParamUnitHalfDays || f.Unit == app.ParamUnitCount,
			Value:   outreachParamText(lang, f, vals[f.Name]), Default: outreachParamText(lang, f, defs[f.Name]),
			Custom: st.Custom[f.Name], Invalid: st.Invalid[f.Name], Error: errs[f.Name]}
		fv.Checked = st.Params.Forms[f.Kind].Trip
		fv.DefaultText = locale.T(lang, "outreachparams.default", strings.TrimSpace(fv.Default+" "+fv.Unit))
		if fv.Custom {
			fv.CustomText = locale.T(lang, "outreachparams.custom")
		}
		if fv.Invalid != "" {
			fv.InvalidText = locale.T(lang, "outreachparams.invalid", fv.Invalid)
		}
		if f.Kind != "" {
			fv.Hint = "" // explained once above the kinds
		}
		fv.ReadOnlyText = fv.Value
		if typed != nil {
			if fv.Bool {
				_, fv.Checked = typed.Values[f.Name]
			} else {
				fv.Value = typed.Values[f.Name]
			}
		}
		if f.Kind == "" {
			v.General = append(v.General, fv)
			continue
		}
		i, ok := kinds[f.Kind]
		if !ok {
			i = len(v.Kinds)
			kinds[f.Kind] = i
			v.Kinds = append(v.Kinds, outreachParamKind{Kind: f.Kind, Name: locale.T(lang, "session.kind."+f.Kind)})
		}
		v.Kinds[i].Fields = append(v.Kinds[i].Fields, fv)
	}
	days := make([]string, len(st.Holidays))
	for i, d := range st.Holidays {
		days[i] = vi.FormatDay(d.Time())
	}
	v.Holidays = strings.Join(days, "\n")
	v.BadHolidays = strings.Join(st.BadHolidays, ", ")
	if typed != nil {
		v.Holidays, v.HolidaysError = typed.Holidays, errs["holidays"]
	}
	pg := s.page(r, locale.T(lang, "outreachparams.title"), "outreach", v)
	pg.Errors = errs
	if status == http.StatusOK {
		pg.Flash = s.sessions.PopString(ctx, flashKey)
	}
	s.render(w, r, status, "outreach_params", pg)
}

// readOutreachParamsForm reads the form into assumptions and days off;
// typing errors (a number or percentage not understood, an empty field)
// and range errors come back by input name, in lang.
func readOutreachParamsForm(lang string, r *http.Request) (outreach.Params, []kc.Date, *outreachParamsTyped) {
	typed := &outreachParamsTyped{Values: map[string]string{}, Holidays: r.PostFormValue("holidays"), Errors: map[string]string{}}
	stored := map[string]string{}
	for _, f := range app.OutreachParamFields() {
		raw, sent := r.PostForm[f.Name]
		if f.Unit == app.ParamUnitBool {
			if sent && raw[0] != "" {
				typed.Values[f.Name] = raw[0]
			}
			stored[f.Name] = strconv.FormatBool(sent && raw[0] != "")
			continue
		}
		v := ""
		if sent {
			v = strings.TrimSpace(raw[0])
		}
		typed.Values[f.Name] = v
		label := f.Label(lang)
		if v == "" {
			typed.Errors[f.Name] = locale.T(lang, "outreachparams.error.required", label)
			continue
		}
		if f.Unit == app.ParamUnitBP {
			bp, err := app.ParsePercentBP(f.Name, v)
			if err != nil {
				typed.Errors[f.Name] = label + ": " + locale.T(lang, "outreachparams.error.percent_format", v)
				continue
			}
			stored[f.Name] = strconv.Itoa(bp)
			continue
		}
		n, err := app.ParsePlanNumber(f.Name, v)
		if err != nil {
			typed.Errors[f.Name] = locale.T(lang, "outreachparams.error.number", label, v)
			continue
		}
		stored[f.Name] = strconv.FormatInt(n, 10)
	}
	p, err := app.OutreachParamsFromValues(stored)
	typed.Errors = mergeErrors(typed.Errors, fieldErrors(lang, "", err))
	days, err := app.ParseOutreachHolidays(typed.Holidays)
	typed.Errors = mergeErrors(typed.Errors, fieldErrors(lang, "", err))
	return p, days, typed
}

// saveOutreachParams saves the whole form, or shows it again with the
// errors by field and the values as typed (422).
func (s *Server) saveOutreachParams(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !s.app.CanEditOutreachPlanParams(ctx) {
		s.fail(w, r, kc.Errorf(kc.EForbidden, "error.forbidden"))
		return
	}
	if err := parseFormLimited(w, r, outreachParamsFormBytes); err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r)
	p, days, typed := readOutreachParamsForm(lang, r)
	if len(typed.Errors) == 0 {
		err := s.app.UpdateOutreachPlanParams(ctx, p, days)
		if err == nil {
			s.sessions.Put(ctx, flashKey, locale.T(lang, "outreachparams.done.saved"))
			http.Redirect(w, r, outreachParamsPath, http.StatusSeeOther)
			return
		}
		errs := fieldErrors(lang, "", err)
		if errs == nil {
			s.fail(w, r, err)
			return
		}
		typed.Errors = errs
	}
	s.renderOutreachParams(w, r, http.StatusUnprocessableEntity, typed)
}

// resetOutreachParams puts the defaults back (the days off stay).
func (s *Server) resetOutreachParams(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := parseFormLimited(w, r, outreachParamsFormBytes); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.app.ResetOutreachPlanParams(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.Put(ctx, flashKey, locale.T(s.lang(r), "outreachparams.done.reset"))
	http.Redirect(w, r, outreachParamsPath, http.StatusSeeOther)
}
