package app

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Bounds of a score-sheet item.
const (
	maxScoreItemCode  = 40
	maxScoreItemLabel = 300
	maxItemScore      = 1000
	maxItemPosition   = 9999
)

// scoreItemCode is the form of an item code: lower-case ASCII letters,
// digits and underscores (it is the key of the scores in the appraisal
// table and in the API).
var scoreItemCode = regexp.MustCompile(`^[a-z0-9_]+$`)

// ScoreItemConfig is one item of the appraisal score sheet as its editor
// shows it: retired items too, with how many council scores use it.
type ScoreItemConfig struct {
	// ID is 0 for an item to create.
	ID    int64
	Code  string
	Label string
	// MaxScore is the most a council member may give (1–1000).
	MaxScore int
	// Position orders the sheet (ascending); 0 on create puts the item
	// after the last one.
	Position int
	// Active items are on the sheet; retired ones keep their past scores.
	Active bool
	// Used counts the appraisal rows (one per member and project) that
	// reference the item's code; read-only.
	Used int
}

// CanConfigureProjects reports whether p may change the appraisal score
// sheet (manage_schemes) or the project settings (manage_settings): the
// pages offer the configuration link to them only.
func (p *Principal) CanConfigureProjects() bool {
	return p != nil && (auth.Can(p.User.Role, auth.PermManageSchemes) || auth.Can(p.User.Role, auth.PermManageSettings))
}

func scoreItemConfig(it store.ScoreSheetItem) ScoreItemConfig {
	return ScoreItemConfig{ID: it.ID, Code: it.Code, Label: it.Label, MaxScore: it.MaxScore, Position: it.Position, Active: it.Active, Used: it.Used}
}

// ScoreSheetAll returns every item of the appraisal score sheet, retired
// ones included, in position order with how many scores use each. Any
// signed-in caller may read it (council members score against it).
func (a *App) ScoreSheetAll(ctx context.Context) ([]ScoreItemConfig, error) {
	if _, err := principal(ctx); err != nil {
		return nil, err
	}
	items, err := a.Store.ScoreSheetItems(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ScoreItemConfig, 0, len(items))
	for _, it := range items {
		out = append(out, scoreItemConfig(it))
	}
	return out, nil
}

// validateScoreItem normalises it (trimmed code, trimmed NFC label) and
// checks each field on its own.
func validateScoreItem(it *ScoreItemConfig) kc.Errors {
	var errs kc.Errors
	it.Code = strings.TrimSpace(it.Code)
	it.Label = strings.TrimSpace(vi.NFC(it.Label))
	switch {
	case it.Code == "":
		errs = append(errs, kc.FieldError("code", "field.required"))
	case len(it.Code) > maxScoreItemCode || !scoreItemCode.MatchString(it.Code):
		errs = append(errs, kc.FieldError("code", "projectsettings.err.code_format", maxScoreItemCode))
	}
	switch {
	case it.Label == "":
		errs = append(errs, kc.FieldError("label", "field.required"))
	case len([]rune(it.Label)) > maxScoreItemLabel:
		errs = append(errs, kc.FieldError("label", "field.too_long", maxScoreItemLabel))
	}
	if it.MaxScore < 1 || it.MaxScore > maxItemScore {
		errs = append(errs, kc.FieldError("max_score", "projectsettings.err.max_range", 1, maxItemScore))
	}
	if it.Position < 0 || it.Position > maxItemPosition {
		errs = append(errs, kc.FieldError("position", "projectsettings.err.position_range", maxItemPosition))
	}
	return errs
}

// scoreItemAudit is what the audit log keeps of a score item.
type scoreItemAudit struct {
	Code     string
	Label    string
	MaxScore int
	Position int
	Active   bool
}

func auditScoreItem(it store.ScoreSheetItem) scoreItemAudit {
	return scoreItemAudit{Code: it.Code, Label: it.Label, MaxScore: it.MaxScore, Position: it.Position, Active: it.Active}
}

// SaveScoreItem creates an item of the appraisal score sheet (it.ID 0) or
// changes one, and audits it in the same transaction. The code is
// required, [a-z0-9_] up to 40 characters and unique (the error names the
// item that has it); the label is required, at most 300 characters; the
// maximum is 1–1000; the position 0–9999 (0 on create: after the last
// item). An item that council members already scored keeps its code and
// maximum — changing them would alter past appraisals — but may be
// relabelled, moved or retired; the last active item cannot be retired.
// Administrators and province officers only (manage_schemes): the sheet
// is reference data like the schemes.
func (a *App) SaveScoreItem(ctx context.Context, it ScoreItemConfig) (ScoreItemConfig, error) {
	if _, err := requirePerm(ctx, auth.PermManageSchemes); err != nil {
		return it, err
	}
	if err := oneOrAll(validateScoreItem(&it)); err != nil {
		return it, err
	}
	var saved store.ScoreSheetItem
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		items, err := tx.ScoreSheetItems(ctx)
		if err != nil {
			return err
		}
		var cur *store.ScoreSheetItem
		if it.ID != 0 {
			i := slices.IndexFunc(items, func(s store.ScoreSheetItem) bool { return s.ID == it.ID })
			if i < 0 {
				return notFound()
			}
			cur = &items[i]
		}
		var errs kc.Errors
		activeOthers := 0
		for _, other := range items {
			if other.ID == it.ID {
				continue
			}
			if other.Code == it.Code {
				errs = append(errs, kc.FieldError("code", "projectsettings.err.code_taken", it.Code, other.Label))
			}
			if other.Active {
				activeOthers++
			}
		}
		if cur != nil && cur.Used > 0 {
			if it.Code != cur.Code {
				errs = append(errs, kc.FieldError("code", "projectsettings.err.code_used", cur.Used, cur.Code))
			}
			if it.MaxScore != cur.MaxScore {
				errs = append(errs, kc.FieldError("max_score", "projectsettings.err.max_used", cur.Used, cur.MaxScore))
			}
		}
		if cur != nil && cur.Active && !it.Active && activeOthers == 0 {
			errs = append(errs, kc.FieldError("active", "projectsettings.err.last_active"))
		}
		if err := oneOrAll(errs); err != nil {
			return err
		}
		row := store.ScoreItem{Code: it.Code, Label: it.Label, MaxScore: it.MaxScore, Position: it.Position, Active: it.Active}
		id := it.ID
		if cur == nil {
			if row.Position == 0 {
				if row.Position, err = tx.NextScoreItemPosition(ctx); err != nil {
					return err
				}
			}
			if id, err = tx.CreateScoreItem(ctx, row); err != nil {
				return scoreItemConflict(err, it.Code)
			}
		} else if err := tx.UpdateScoreItem(ctx, id, row); err != nil {
			return scoreItemConflict(err, it.Code)
		}
		if saved, err = tx.GetScoreSheetItem(ctx, id); err != nil {
			return err
		}
		if cur == nil {
			return a.audit(ctx, tx, kc.ActionCreate, "score_item", id, nil, auditScoreItem(saved))
		}
		return a.audit(ctx, tx, kc.ActionUpdate, "score_item", id, auditScoreItem(*cur), auditScoreItem(saved))
	})
	if err != nil {
		return it, err
	}
	return scoreItemConfig(saved), nil
}

// scoreItemConflict turns a unique violation on the code (another
// transaction took it meanwhile) into a field error.
func scoreItemConflict(err error, code string) error {
	if kc.ErrorCode(err) == kc.EConflict {
		return kc.FieldError("code", "projectsettings.err.code_conflict", code).Wrap(err)
	}
	return err
}

// Kinds of project setting values.
const (
	// SettingKindMonthDay is a day of the year "MM-DD" ("" = none).
	SettingKindMonthDay = "month_day"
	// SettingKindInt is a whole number between Min and Max.
	SettingKindInt = "int"
	// SettingKindBasisPoints is a ratio in basis points (7000 = 70 %).
	SettingKindBasisPoints = "basis_points"
	// SettingKindMonths is a comma-separated list of month counts (1–120).
	SettingKindMonths = "months"
)

// ProjectSettingView is one project setting as its editor shows it.
type ProjectSettingView struct {
	// Key is the setting's key in the setting table ("projects.…").
	Key string
	// Kind is one of the SettingKind* values.
	Kind string
	// Value is the value in force, written as it is stored.
	Value string
	// Default is the value when none is stored.
	Default string
	// Custom reports that a stored value overrides the default.
	Custom bool
	// Invalid is a stored value that could not be read (the default is
	// in force instead); "" when none.
	Invalid string
	// Min and Max bound a number (Kind int or basis_points).
	Min, Max int
	// LabelKey, SourceKey and UnitKey are the catalog keys of the name,
	// of where the default comes from, and of the unit.
	LabelKey, SourceKey, UnitKey string
	// Label, Source and Unit are those texts in Vietnamese.
	Label, Source, Unit string
}

// projectSettingMeta describes one project setting: its key, kind,
// bounds (the same as parseProjectSettings applies), and how to write its
// value from the parsed settings.
type projectSettingMeta struct {
	key      string
	kind     string
	min, max int
	value    func(ProjectSettings) string
}

// projectSettingMetas lists every project setting, in the order the
// editor shows them. The keys are those SetProjectSetting accepts.
var projectSettingMetas = []projectSettingMeta{
	{key: SettingRegistrationDeadline + LevelNational, kind: SettingKindMonthDay,
		value: func(s ProjectSettings) string { return s.RegistrationDeadline[LevelNational] }},
	{key: SettingRegistrationDeadline + LevelLocal, kind: SettingKindMonthDay,
		value: func(s ProjectSettings) string { return s.RegistrationDeadline[LevelLocal] }},
	{key: SettingAdvanceRatioBP, kind: SettingKindBasisPoints, min: 0, max: 10000,
		value: func(s ProjectSettings) string { return strconv.Itoa(s.AdvanceRatioBP) }},
	{key: SettingSettlementDays, kind: SettingKindInt, min: 0, max: 366,
		value: func(s ProjectSettings) string { return strconv.Itoa(s.SettlementDays) }},
	{key: SettingReportDay, kind: SettingKindInt, min: 1, max: 28,
		value: func(s ProjectSettings) string { return strconv.Itoa(s.ReportDay) }},
	{key: SettingMinScorers, kind: SettingKindInt, min: 0, max: 100,
		value: func(s ProjectSettings) string { return strconv.Itoa(s.MinScorers) }},
	{key: SettingFollowUpMonths, kind: SettingKindMonths, min: 1, max: 120,
		value: func(s ProjectSettings) string { return commaInts(s.FollowUpMonths) }},
	{key: SettingFollowUpGraceDays, kind: SettingKindInt, min: 0, max: 3660,
		value: func(s ProjectSettings) string { return strconv.Itoa(s.FollowUpGraceDays) }},
}

// commaInts writes ns as "12,24", the stored form of a list setting.
func commaInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

// settingMeta returns the description of setting key.
func settingMeta(key string) (projectSettingMeta, bool) {
	i := slices.IndexFunc(projectSettingMetas, func(m projectSettingMeta) bool { return m.key == key })
	if i < 0 {
		return projectSettingMeta{}, false
	}
	return projectSettingMetas[i], true
}

// catalogKey is the catalog key of part ("label", "source", "unit") of
// setting key: "projects.report_day" → "projectsettings.label.report_day".
func (m projectSettingMeta) catalogKey(part string) string {
	return "projectsettings." + part + "." + strings.TrimPrefix(m.key, "projects.")
}

// errorOf is the field error for a value of m that does not read.
func (m projectSettingMeta) errorOf() *kc.Error {
	switch m.kind {
	case SettingKindMonthDay:
		return kc.FieldError(m.key, "projectsettings.err.month_day")
	case SettingKindBasisPoints:
		return kc.FieldError(m.key, "projectsettings.err.bp_range", m.min, m.max)
	case SettingKindMonths:
		return kc.FieldError(m.key, "projectsettings.err.months", m.min, m.max)
	}
	return kc.FieldError(m.key, "projectsettings.err.int_range", m.min, m.max)
}

// ProjectSettingsView lists every project setting with its value in
// force, default, bounds, unit, name and source (TT 36/2013 and the other
// texts the defaults come from). Any signed-in caller may read them; only
// administrators may change them (SaveProjectSettings).
func (a *App) ProjectSettingsView(ctx context.Context) ([]ProjectSettingView, error) {
	if _, err := principal(ctx); err != nil {
		return nil, err
	}
	var stored map[string]string
	err := a.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		stored, err = tx.SettingsWithPrefix(ctx, "projects.")
		return err
	})
	if err != nil {
		return nil, err
	}
	inForce, _ := parseProjectSettings(stored)
	defaults := DefaultProjectSettings()
	out := make([]ProjectSettingView, 0, len(projectSettingMetas))
	for _, m := range projectSettingMetas {
		v := ProjectSettingView{Key: m.key, Kind: m.kind, Value: m.value(inForce), Default: m.value(defaults), Min: m.min, Max: m.max,
			LabelKey: m.catalogKey("label"), SourceKey: m.catalogKey("source"), UnitKey: m.catalogKey("unit")}
		if raw, ok := stored[m.key]; ok {
			if _, bad := parseProjectSettings(map[string]string{m.key: raw}); len(bad) > 0 {
				v.Invalid = raw
			} else {
				v.Custom = true
			}
		}
		v.Label, v.Source, v.Unit = locale.T(locale.Default, v.LabelKey), locale.T(locale.Default, v.SourceKey), locale.T(locale.Default, v.UnitKey)
		out = append(out, v)
	}
	return out, nil
}

// canonicalSetting writes a valid value of m the way it is stored:
// trimmed, numbers without leading zeros, months sorted without repeats.
func canonicalSetting(m projectSettingMeta, value string) string {
	switch m.kind {
	case SettingKindMonthDay:
		return value
	case SettingKindMonths:
		s, _ := parseProjectSettings(map[string]string{m.key: value})
		return commaInts(s.FollowUpMonths)
	}
	n, _ := strconv.Atoi(value)
	return strconv.Itoa(n)
}

// SaveProjectSettings checks every given setting (key → value, the keys
// of ProjectSettingsView) by the rules of SetProjectSetting and, only when
// all of them are valid, stores them in one transaction with one audit
// entry of the changed keys (before and after); an invalid value changes
// nothing and is a field error named by its key. A value equal to the
// one stored (or to the default when none is) is not written.
// Administrators only (manage_settings), like SetProjectSetting.
func (a *App) SaveProjectSettings(ctx context.Context, values map[string]string) error {
	if _, err := requirePerm(ctx, auth.PermManageSettings); err != nil {
		return err
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	clean := map[string]string{}
	var errs kc.Errors
	for _, raw := range keys {
		key, value := strings.TrimSpace(raw), strings.TrimSpace(values[raw])
		m, ok := settingMeta(key)
		if !ok {
			errs = append(errs, kc.FieldError(raw, "projectsettings.err.unknown", raw))
			continue
		}
		// The rules are parseProjectSettings', those of SetProjectSetting.
		if _, bad := parseProjectSettings(map[string]string{key: value}); len(bad) > 0 {
			errs = append(errs, m.errorOf())
			continue
		}
		clean[key] = canonicalSetting(m, value)
	}
	if err := oneOrAll(errs); err != nil {
		return err
	}
	defaults := DefaultProjectSettings()
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		stored, err := tx.SettingsWithPrefix(ctx, "projects.")
		if err != nil {
			return err
		}
		before, after := map[string]string{}, map[string]string{}
		for _, m := range projectSettingMetas {
			value, ok := clean[m.key]
			if !ok {
				continue
			}
			old, isStored := stored[m.key]
			if (isStored && old == value) || (!isStored && value == m.value(defaults)) {
				continue
			}
			if err := tx.SetSetting(ctx, m.key, value); err != nil {
				return err
			}
			before[m.key], after[m.key] = old, value
		}
		if len(after) == 0 {
			return nil
		}
		return a.audit(ctx, tx, kc.ActionUpdate, "setting", 0, before, after)
	})
}
