package app

import (
	"context"
	"errors"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/outreach"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Units of the planner's assumptions (OutreachParamField.Unit).
const (
	ParamUnitMoney    = "money"     // đồng
	ParamUnitHalfDays = "half_days" // half days of one officer
	ParamUnitBP       = "bp"        // basis points (shown as percent)
	ParamUnitCount    = "count"     // a plain number
	ParamUnitBool     = "bool"      // yes or no
)

// OutreachParamField is one of the planner's assumptions as stored in the
// setting outreach.plan.<Name>: Kind is the session kind for the numbers
// of a kind ("" for the general numbers), Param the number's own name
// ("cost", "travel_cost"), Min and Max the range setOutreachParam accepts.
type OutreachParamField struct {
	Name     string
	Kind     string
	Param    string
	Unit     string
	Min, Max int64
}

// maxParamHalfDays, maxSessionsPerDay and maxDoorToDoor bound the
// planner's numbers as setOutreachParam reads them.
const (
	maxParamHalfDays  = 100
	maxSessionsPerDay = 10
	maxDoorToDoor     = 1000
	// maxHolidays bounds the days off listed in outreach.holidays.
	maxHolidays = 400
)

// OutreachParamFields lists the planner's assumptions in display order:
// the numbers of each session kind (kc.SessionKinds order), then the
// general numbers.
func OutreachParamFields() []OutreachParamField {
	var out []OutreachParamField
	for _, k := range kc.SessionKinds {
		out = append(out,
			OutreachParamField{Name: k + ".cost", Kind: k, Param: "cost", Unit: ParamUnitMoney, Max: MaxPlanBudget},
			OutreachParamField{Name: k + ".cost_per_producer", Kind: k, Param: "cost_per_producer", Unit: ParamUnitMoney, Max: MaxPlanBudget},
			OutreachParamField{Name: k + ".half_days", Kind: k, Param: "half_days", Unit: ParamUnitHalfDays, Max: maxParamHalfDays},
			OutreachParamField{Name: k + ".reach_bp", Kind: k, Param: "reach_bp", Unit: ParamUnitBP, Max: 10000},
			OutreachParamField{Name: k + ".trip", Kind: k, Param: "trip", Unit: ParamUnitBool, Max: 1},
		)
	}
	return append(out,
		OutreachParamField{Name: "interpreter_cost", Param: "interpreter_cost", Unit: ParamUnitMoney, Max: MaxPlanBudget},
		OutreachParamField{Name: "travel_cost", Param: "travel_cost", Unit: ParamUnitMoney, Max: MaxPlanBudget},
		OutreachParamField{Name: "sessions_per_day", Param: "sessions_per_day", Unit: ParamUnitCount, Min: 1, Max: maxSessionsPerDay},
		OutreachParamField{Name: "ethnic_share_bp", Param: "ethnic_share_bp", Unit: ParamUnitBP, Max: 10000},
		OutreachParamField{Name: "phone_share_bp", Param: "phone_share_bp", Unit: ParamUnitBP, Max: 10000},
		OutreachParamField{Name: "door_to_door_max", Param: "door_to_door_max", Unit: ParamUnitCount, Max: maxDoorToDoor},
	)
}

// Label names the assumption in lang: "Chi phí một buổi (Họp thôn)".
func (f OutreachParamField) Label(lang string) string {
	l := locale.T(lang, "outreachparams.field."+f.Param)
	if f.Kind != "" {
		l += " (" + locale.T(lang, "session.kind."+f.Kind) + ")"
	}
	return l
}

// rangeError is the field error of a value out of the field's range, in
// Vietnamese words naming the field.
func (f OutreachParamField) rangeError() *kc.Error {
	label := f.Label(locale.Default)
	switch f.Unit {
	case ParamUnitMoney:
		return kc.FieldError(f.Name, "outreachparams.error.money", label, vi.FormatNumber(f.Max))
	case ParamUnitHalfDays:
		return kc.FieldError(f.Name, "outreachparams.error.half_days", label, f.Min, f.Max)
	case ParamUnitBP:
		return kc.FieldError(f.Name, "outreachparams.error.percent", label, f.Min/100, f.Max/100)
	case ParamUnitBool:
		return kc.FieldError(f.Name, "outreachparams.error.bool", label)
	}
	return kc.FieldError(f.Name, "outreachparams.error.count", label, f.Min, f.Max)
}

// OutreachParamValues writes the assumptions the way they are stored, by
// setting name (without the outreach.plan. prefix); the numbers of a
// kind without a form are left out.
func OutreachParamValues(p outreach.Params) map[string]string {
	out := map[string]string{}
	for _, k := range kc.SessionKinds {
		f, ok := p.Forms[k]
		if !ok {
			continue
		}
		out[k+".cost"] = strconv.FormatInt(f.Cost, 10)
		out[k+".cost_per_producer"] = strconv.FormatInt(f.CostPerProducer, 10)
		out[k+".half_days"] = strconv.Itoa(f.HalfDays)
		out[k+".reach_bp"] = strconv.Itoa(f.ReachBP)
		out[k+".trip"] = strconv.FormatBool(f.Trip)
	}
	out["interpreter_cost"] = strconv.FormatInt(p.InterpreterCost, 10)
	out["travel_cost"] = strconv.FormatInt(p.TravelCost, 10)
	out["sessions_per_day"] = strconv.Itoa(p.SessionsPerDay)
	out["ethnic_share_bp"] = strconv.Itoa(p.EthnicShareBP)
	out["phone_share_bp"] = strconv.Itoa(p.PhoneShareBP)
	out["door_to_door_max"] = strconv.Itoa(p.DoorToDoorMax)
	return out
}

// ValidateOutreachParams checks the assumptions by the rules they are read
// with (setOutreachParam, then Params.Validate) and returns every problem
// at once as field errors named by the parameter ("travel_cost",
// "village_meeting.reach_bp"; a missing or unknown kind by the kind), or
// nil.
func ValidateOutreachParams(p outreach.Params) error {
	var es kc.Errors
	for _, k := range slices.Sorted(maps.Keys(p.Forms)) {
		if !slices.Contains(kc.SessionKinds, k) {
			es = append(es, kc.FieldError(k, "outreachparams.error.kind_unknown", k))
		}
	}
	for _, k := range kc.SessionKinds {
		if _, ok := p.Forms[k]; !ok {
			es = append(es, kc.FieldError(k, "outreachparams.error.kind_missing", locale.T(locale.Default, "session.kind."+k)))
		}
	}
	vals := OutreachParamValues(p)
	scratch := outreach.DefaultParams()
	for _, f := range OutreachParamFields() {
		v, ok := vals[f.Name]
		if ok && !setOutreachParam(&scratch, f.Name, v) {
			es = append(es, f.rangeError())
		}
	}
	if err := es.Err(); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		var pe *outreach.ParamError
		if errors.As(err, &pe) {
			return kc.FieldError(pe.Name, "outreachparams.error.invalid", pe.Name)
		}
		return err
	}
	return nil
}

// ParseOutreachHolidays reads the days off typed one a line (commas and
// semicolons separate too), each as 2026-02-16 or 16/02/2026, and returns
// them sorted without repeats. Days not understood, years outside
// 2000–2100 and more than 400 days are a field error on "holidays".
func ParseOutreachHolidays(text string) ([]kc.Date, error) {
	parts := strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ';' })
	var out []kc.Date
	var bad []string
	for _, s := range parts {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		d, err := ParsePlanDate("holidays", s)
		if err != nil || d.Year() < 2000 || d.Year() > 2100 {
			bad = append(bad, s)
			continue
		}
		out = append(out, d)
	}
	if len(bad) > 0 {
		return nil, kc.FieldError("holidays", "outreachparams.error.holidays", strings.Join(bad, "; "))
	}
	out = sortedDays(out)
	if len(out) > maxHolidays {
		return nil, kc.FieldError("holidays", "outreachparams.error.holidays_many", maxHolidays)
	}
	return out, nil
}

// sortedDays sorts days and drops repeats.
func sortedDays(days []kc.Date) []kc.Date {
	out := slices.Clone(days)
	slices.SortFunc(out, func(a, b kc.Date) int { return a.Time().Compare(b.Time()) })
	return slices.Compact(out)
}

// holidaysValue writes days off as the setting outreach.holidays stores
// them: YYYY-MM-DD separated by commas.
func holidaysValue(days []kc.Date) string {
	s := make([]string, len(days))
	for i, d := range days {
		s[i] = d.String()
	}
	return strings.Join(s, ",")
}

// parseHolidays reads the setting outreach.holidays: the days understood,
// sorted, and the entries that are not days.
func parseHolidays(raw string) (days []kc.Date, bad []string) {
	for _, f := range strings.Split(raw, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		d, err := kc.ParseDate(f)
		if err != nil {
			bad = append(bad, f)
			continue
		}
		days = append(days, d)
	}
	return sortedDays(days), bad
}

// canEditOutreachParams reports whether role may change the planner's
// assumptions: those who plan outreach for the whole province
// (administrators and province officers), not commune officers.
func canEditOutreachParams(role kc.Role) bool {
	return auth.Can(role, auth.PermWriteOutreach) && auth.ScopeOf(role) != auth.ScopeCommunes
}

// CanEditOutreachPlanParams reports whether the caller may change the
// planner's assumptions (UpdateOutreachPlanParams).
func (a *App) CanEditOutreachPlanParams(ctx context.Context) bool {
	p := PrincipalFrom(ctx)
	return p != nil && canEditOutreachParams(p.User.Role)
}

// OutreachPlanSettings are the planner's assumptions as the settings page
// shows them.
type OutreachPlanSettings struct {
	// Params are the assumptions in force, Defaults the program's.
	Params, Defaults outreach.Params
	// Custom holds the names (OutreachParamField.Name) with a stored
	// value in force; Invalid those whose stored value is not understood
	// (the default applies), with that value.
	Custom  map[string]bool
	Invalid map[string]string
	// Holidays are the days off of outreach.holidays; BadHolidays its
	// entries that are not days (ignored by the planner).
	Holidays    []kc.Date
	BadHolidays []string
	// CanEdit reports whether the caller may change them.
	CanEdit bool
}

// OutreachPlanSettings returns the planner's assumptions with the
// defaults and what is stored. Whoever may plan (view_registry) may read
// them.
func (a *App) OutreachPlanSettings(ctx context.Context) (OutreachPlanSettings, error) {
	p, err := principal(ctx)
	if err != nil {
		return OutreachPlanSettings{}, err
	}
	if !auth.Can(p.User.Role, auth.PermViewRegistry) {
		return OutreachPlanSettings{}, forbidden()
	}
	var stored map[string]string
	var rawHolidays string
	err = a.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		if stored, err = tx.SettingsWithPrefix(ctx, outreachPlanPrefix); err != nil {
			return err
		}
		rawHolidays, err = tx.Setting(ctx, holidaySetting)
		if kc.ErrorCode(err) == kc.ENotFound {
			return nil
		}
		return err
	})
	if err != nil {
		return OutreachPlanSettings{}, err
	}
	out := OutreachPlanSettings{Defaults: outreach.DefaultParams(), Custom: map[string]bool{}, Invalid: map[string]string{},
		CanEdit: canEditOutreachParams(p.User.Role)}
	out.Params, _ = parseOutreachParams(stored)
	for k, v := range stored {
		name := strings.TrimPrefix(k, outreachPlanPrefix)
		if _, bad := parseOutreachParams(map[string]string{k: v}); len(bad) > 0 {
			out.Invalid[name] = v
		} else {
			out.Custom[name] = true
		}
	}
	out.Holidays, out.BadHolidays = parseHolidays(rawHolidays)
	return out, nil
}

// UpdateOutreachPlanParams stores the planner's assumptions and its days
// off (outreach.holidays; the fixed public holidays 1/1, 30/4, 1/5 and
// 2/9 always apply and need not be listed) in one transaction, with one
// audit entry "setting" of the changed settings (before and after, the
// values in force). Every value is checked first (ValidateOutreachParams);
// any error changes nothing. A value equal to the program's default is
// not stored (a stored one is removed), so the defaults in force follow
// the program. Administrators and province officers only.
func (a *App) UpdateOutreachPlanParams(ctx context.Context, in outreach.Params, holidays []kc.Date) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	if !canEditOutreachParams(p.User.Role) {
		return forbidden()
	}
	if err := ValidateOutreachParams(in); err != nil {
		return err
	}
	var bad []string
	for _, d := range holidays {
		if d.IsZero() || d.Year() < 2000 || d.Year() > 2100 {
			bad = append(bad, d.String())
		}
	}
	if len(bad) > 0 {
		return kc.FieldError("holidays", "outreachparams.error.holidays", strings.Join(bad, "; "))
	}
	days := sortedDays(holidays)
	if len(days) > maxHolidays {
		return kc.FieldError("holidays", "outreachparams.error.holidays_many", maxHolidays)
	}
	vals := OutreachParamValues(in)
	defs := OutreachParamValues(outreach.DefaultParams())
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		stored, err := tx.SettingsWithPrefix(ctx, outreachPlanPrefix)
		if err != nil {
			return err
		}
		old, _ := parseOutreachParams(stored)
		olds := OutreachParamValues(old)
		before, after := map[string]string{}, map[string]string{}
		for _, f := range OutreachParamFields() {
			key, v := outreachPlanPrefix+f.Name, vals[f.Name]
			raw, isStored := stored[key]
			switch {
			case v == defs[f.Name] && !isStored, v != defs[f.Name] && isStored && raw == v:
				continue
			case v == defs[f.Name]:
				err = tx.DeleteSetting(ctx, key)
			default:
				err = tx.SetSetting(ctx, key, v)
			}
			if err != nil {
				return err
			}
			before[key], after[key] = olds[f.Name], v
		}
		raw, err := tx.Setting(ctx, holidaySetting)
		if err != nil && kc.ErrorCode(err) != kc.ENotFound {
			return err
		}
		if hv := holidaysValue(days); hv != raw {
			if hv == "" {
				err = tx.DeleteSetting(ctx, holidaySetting)
			} else {
				err = tx.SetSetting(ctx, holidaySetting, hv)
			}
			if err != nil {
				return err
			}
			before[holidaySetting], after[holidaySetting] = raw, hv
		}
		if len(after) == 0 {
			return nil
		}
		return a.audit(ctx, tx, kc.ActionUpdate, "setting", 0, before, after)
	})
}

// ResetOutreachPlanParams removes every stored assumption of the planner
// (the settings outreach.plan.*), so that the program's defaults apply
// again, with one audit entry of what was removed (before: the stored
// values, after: the defaults). The days off (outreach.holidays) are
// facts of the calendar, not assumptions: they are kept. Administrators
// and province officers only.
func (a *App) ResetOutreachPlanParams(ctx context.Context) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	if !canEditOutreachParams(p.User.Role) {
		return forbidden()
	}
	defs := OutreachParamValues(outreach.DefaultParams())
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		stored, err := tx.SettingsWithPrefix(ctx, outreachPlanPrefix)
		if err != nil || len(stored) == 0 {
			return err
		}
		before, after := map[string]string{}, map[string]string{}
		for _, key := range slices.Sorted(maps.Keys(stored)) {
			if err := tx.DeleteSetting(ctx, key); err != nil {
				return err
			}
			before[key], after[key] = stored[key], defs[strings.TrimPrefix(key, outreachPlanPrefix)]
		}
		return a.audit(ctx, tx, kc.ActionUpdate, "setting", 0, before, after)
	})
}

// ParsePercentBP reads a share typed in percent ("70", "72,5", "72.25 %")
// as basis points; more than two decimals, an empty or malformed value is
// a field error on field.
func ParsePercentBP(field, s string) (int, error) {
	bad := kc.FieldError(field, "outreachparams.error.percent_format", s)
	c := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	c = strings.ReplaceAll(c, ",", ".")
	if c == "" {
		return 0, bad
	}
	if i := strings.IndexByte(c, '.'); i >= 0 && len(c)-i-1 > 2 {
		return 0, bad
	}
	f, err := strconv.ParseFloat(c, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e6 {
		return 0, bad
	}
	return int(math.Round(f * 100)), nil
}

// OutreachParamsFromValues reads assumptions written the way they are
// stored (name → value, the names of OutreachParamFields) over the
// defaults, by the rules the settings are read with; a value not
// understood or out of range is a field error named by the parameter,
// an unknown name a field error on that name.
func OutreachParamsFromValues(vals map[string]string) (outreach.Params, error) {
	p := outreach.DefaultParams()
	var es kc.Errors
	known := map[string]bool{}
	for _, f := range OutreachParamFields() {
		known[f.Name] = true
		v, ok := vals[f.Name]
		if ok && !setOutreachParam(&p, f.Name, strings.TrimSpace(v)) {
			es = append(es, f.rangeError())
		}
	}
	for _, k := range slices.Sorted(maps.Keys(vals)) {
		if !known[k] {
			es = append(es, kc.FieldError(k, "outreachparams.error.invalid", k))
		}
	}
	return p, es.Err()
}
