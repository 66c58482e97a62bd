package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
)

func (s *Server) projectSettingsRoutes() {
	s.mux.HandleFunc("GET /projects/settings", s.requireUser(s.showProjectSettings))
	s.mux.HandleFunc("POST /projects/settings", s.requireUser(s.saveProjectSettings))
	s.mux.HandleFunc("POST /projects/settings/items", s.requireUser(s.createScoreItem))
	s.mux.HandleFunc("POST /projects/settings/items/{id}", s.requireUser(s.updateScoreItem))
}

// projectSettingsURL is the configuration page, at anchor.
const projectSettingsURL = "/projects/settings"

// scoreItemForm is one item of the score sheet as the table shows it, or
// as it was typed.
type scoreItemForm struct {
	ID                                 int64
	Code, Label, MaxScore, Position    string
	Active                             bool
	Used                               int
	Locked                             bool   // scored: code and maximum stay
	Stored                             string // the stored code and label, for the form's heading
	CodeErr, LabelErr, MaxErr, PosErr  string
	ActiveErr, FormErr                 string
	CodeID, LabelID, MaxID, PosID, Ref string // element ids
}

// settingField is one project setting as the form shows it.
type settingField struct {
	Key, InputID, Kind string
	Label, Source      string
	Unit               string
	// ReadUnit is the unit beside the value in the read-only table ("" for
	// a day, which needs none).
	ReadUnit string
	// Value is the value as typed, or the value in force written for
	// the form (a percentage, a day/month).
	Value   string
	Default string
	Custom  bool
	Invalid string
	Number  bool
	Min     int
	Max     int
	Error   string
}

// projectSettingsView is the data of the configuration page.
type projectSettingsView struct {
	// Items are the stored items (the table); Edits their forms, with
	// the typed values of the one that was refused.
	Items []scoreItemForm
	Edits []scoreItemForm
	New   scoreItemForm
	// Total is the sum of the maxima of the active items.
	Total    int
	Settings []settingField
	// CanEditSheet: manage_schemes; CanEditSettings: manage_settings.
	CanEditSheet, CanEditSettings bool
}

// settingsForms are the submitted values the page shows again with their
// errors: one item row, the new item, or the settings form.
type settingsForms struct {
	Item     *scoreItemForm
	New      *scoreItemForm
	Settings map[string]string
	Errors   map[string]string
}

// settingInputID is the element id of a setting's input.
func settingInputID(key string) string { return "s-" + strings.ReplaceAll(key, ".", "-") }

// dayMonthText writes "MM-DD" as "20/05" ("" stays "").
func dayMonthText(md string) string {
	m, d, ok := strings.Cut(md, "-")
	if !ok {
		return md
	}
	return d + "/" + m
}

// parseDayMonth reads a day typed as "20/05" or "20/5" (or stored form
// "05-20") into "MM-DD"; ok is false for anything else. Empty stays
// empty (no deadline).
func parseDayMonth(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.Contains(s, "-") {
		return s, true
	}
	ds, ms, ok := strings.Cut(s, "/")
	d, err1 := strconv.Atoi(strings.TrimSpace(ds))
	m, err2 := strconv.Atoi(strings.TrimSpace(ms))
	if !ok || err1 != nil || err2 != nil || d < 1 || d > 31 || m < 1 || m > 12 {
		return "", false
	}
	return fmt.Sprintf("%02d-%02d", m, d), true
}

// settingDisplay writes a setting's stored value the way the form shows
// it: a percentage for basis points, a day/month for a deadline.
func settingDisplay(kind, value string) string {
	switch kind {
	case app.SettingKindBasisPoints:
		if n, err := strconv.Atoi(value); err == nil {
			return decimalText(int64(n), 100)
		}
	case app.SettingKindMonthDay:
		return dayMonthText(value)
	}
	return value
}

// newScoreItemForm fills a row from a stored item.
func newScoreItemForm(it app.ScoreItemConfig) scoreItemForm {
	return scoreItemForm{ID: it.ID, Code: it.Code, Label: it.Label, MaxScore: strconv.Itoa(it.MaxScore), Position: strconv.Itoa(it.Position),
		Active: it.Active, Used: it.Used, Locked: it.Used > 0, Stored: it.Code + " — " + it.Label}
}

// withIDs sets the element ids of a row (prefix "item-<id>" or "new").
func (f *scoreItemForm) withIDs(prefix string) {
	f.Ref = prefix
	f.CodeID, f.LabelID, f.MaxID, f.PosID = prefix+"-code", prefix+"-label", prefix+"-max", prefix+"-position"
}

// withErrors copies the errors keyed prefix+"."+field onto the row.
func (f *scoreItemForm) withErrors(errs map[string]string, prefix string) {
	f.CodeErr, f.LabelErr, f.MaxErr = errs[prefix+".code"], errs[prefix+".label"], errs[prefix+".max_score"]
	f.PosErr, f.ActiveErr, f.FormErr = errs[prefix+".position"], errs[prefix+".active"], errs[prefix]
}

func (s *Server) showProjectSettings(w http.ResponseWriter, r *http.Request) {
	s.renderProjectSettings(w, r, http.StatusOK, settingsForms{})
}

// renderProjectSettings renders the configuration page with the forms'
// submitted values and errors.
func (s *Server) renderProjectSettings(w http.ResponseWriter, r *http.Request, status int, forms settingsForms) {
	ctx := r.Context()
	lang := s.lang(r)
	items, err := s.app.ScoreSheetAll(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	settings, err := s.app.ProjectSettingsView(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := app.PrincipalFrom(ctx)
	v := projectSettingsView{CanEditSheet: auth.Can(p.User.Role, auth.PermManageSchemes), CanEditSettings: auth.Can(p.User.Role, auth.PermManageSettings)}
	errs := forms.Errors
	for _, it := range items {
		row := newScoreItemForm(it)
		prefix := "item-" + strconv.FormatInt(it.ID, 10)
		row.withIDs(prefix)
		v.Items = append(v.Items, row)
		if forms.Item != nil && forms.Item.ID == it.ID {
			typed := *forms.Item
			typed.Used, typed.Locked, typed.Stored = row.Used, row.Locked, row.Stored
			row = typed
			row.withIDs(prefix)
		}
		row.withErrors(errs, prefix)
		v.Edits = append(v.Edits, row)
		if it.Active {
			v.Total += it.MaxScore
		}
	}
	v.New = scoreItemForm{MaxScore: "10", Active: true}
	if forms.New != nil {
		v.New = *forms.New
	}
	v.New.withIDs("new")
	v.New.withErrors(errs, "new")
	for _, st := range settings {
		f := settingField{Key: st.Key, InputID: settingInputID(st.Key), Kind: st.Kind, Label: locale.T(lang, st.LabelKey),
			Source: locale.T(lang, st.SourceKey), Unit: locale.T(lang, st.UnitKey), Value: settingDisplay(st.Kind, st.Value),
			Default: settingDisplay(st.Kind, st.Default), Custom: st.Custom, Invalid: st.Invalid, Min: st.Min, Max: st.Max,
			Number: st.Kind == app.SettingKindInt, Error: errs["setting."+st.Key]}
		switch st.Kind {
		case app.SettingKindBasisPoints:
			f.Unit, f.Min, f.Max = locale.T(lang, "projectsettings.unit_percent"), st.Min/100, st.Max/100
			f.ReadUnit = f.Unit
		case app.SettingKindMonthDay:
			f.Unit = locale.T(lang, "projectsettings.unit_day_month")
		default:
			f.ReadUnit = f.Unit
		}
		if f.Default == "" {
			f.Default = locale.T(lang, "projectsettings.none")
		}
		if typed, ok := forms.Settings[st.Key]; ok {
			f.Value = typed
		}
		v.Settings = append(v.Settings, f)
	}
	pg := s.page(r, locale.T(lang, "projectsettings.title"), "projects", v)
	pg.Errors = errs
	if status == http.StatusOK {
		pg.Flash = s.sessions.PopString(ctx, flashKey)
	}
	s.render(w, r, status, "project_settings", pg)
}

// scoreItemFromForm reads the item form; number errors are keyed
// prefix+".max_score" and prefix+".position".
func scoreItemFromForm(lang, prefix string, r *http.Request) (scoreItemForm, app.ScoreItemConfig, map[string]string) {
	f := scoreItemForm{Code: r.PostFormValue("code"), Label: r.PostFormValue("label"), MaxScore: r.PostFormValue("max_score"),
		Position: r.PostFormValue("position"), Active: r.PostFormValue("active") != ""}
	it := app.ScoreItemConfig{Code: f.Code, Label: cleanText(f.Label), Active: f.Active}
	errs := map[string]string{}
	for _, n := range []struct {
		name, raw string
		dst       *int
	}{{"max_score", f.MaxScore, &it.MaxScore}, {"position", f.Position, &it.Position}} {
		v, _, ok, _ := parseCount(n.raw)
		if !ok {
			errs[prefix+"."+n.name] = locale.T(lang, "projectsettings.err.number")
			continue
		}
		*n.dst = v
	}
	return f, it, errs
}

// saveScoreItem saves the item read from the form (id 0: a new one) and
// answers with a redirect and a notice, or the page with the errors next
// to the fields.
func (s *Server) saveScoreItem(w http.ResponseWriter, r *http.Request, id int64) {
	if !auth.Can(app.PrincipalFrom(r.Context()).User.Role, auth.PermManageSchemes) {
		s.fail(w, r, kc.Errorf(kc.EForbidden, "error.forbidden"))
		return
	}
	if err := parseSchemeForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r)
	prefix := "new"
	if id != 0 {
		prefix = "item-" + strconv.FormatInt(id, 10)
	}
	f, it, errs := scoreItemFromForm(lang, prefix, r)
	f.ID, it.ID = id, id
	if len(errs) == 0 {
		_, err := s.app.SaveScoreItem(r.Context(), it)
		if err == nil {
			done := "projectsettings.done.updated"
			if id == 0 {
				done = "projectsettings.done.created"
			}
			s.sessions.Put(r.Context(), flashKey, locale.T(lang, done))
			http.Redirect(w, r, projectSettingsURL+"#score-sheet", http.StatusSeeOther)
			return
		}
		if len(kc.FieldErrors(err)) == 0 {
			s.fail(w, r, err)
			return
		}
		errs = mergeErrors(errs, fieldErrors(lang, prefix+".", err))
	}
	forms := settingsForms{Errors: errs}
	if id == 0 {
		forms.New = &f
	} else {
		forms.Item = &f
		errs[prefix] = locale.T(lang, "error.validation")
	}
	s.renderProjectSettings(w, r, http.StatusUnprocessableEntity, forms)
}

func (s *Server) createScoreItem(w http.ResponseWriter, r *http.Request) {
	s.saveScoreItem(w, r, 0)
}

func (s *Server) updateScoreItem(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.saveScoreItem(w, r, id)
}

// saveProjectSettings saves the settings form: every setting or none.
func (s *Server) saveProjectSettings(w http.ResponseWriter, r *http.Request) {
	if !auth.Can(app.PrincipalFrom(r.Context()).User.Role, auth.PermManageSettings) {
		s.fail(w, r, kc.Errorf(kc.EForbidden, "error.forbidden"))
		return
	}
	if err := parseSchemeForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	lang := s.lang(r)
	settings, err := s.app.ProjectSettingsView(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	typed := map[string]string{}
	values := map[string]string{}
	errs := map[string]string{}
	kinds := map[string]string{}
	for _, st := range settings {
		raw, ok := r.PostForm[st.Key]
		if !ok {
			continue
		}
		v := strings.TrimSpace(raw[0])
		typed[st.Key], kinds[st.Key] = v, st.Kind
		switch st.Kind {
		case app.SettingKindBasisPoints:
			bp, ok := parsePercent(v)
			if !ok || v == "" {
				errs["setting."+st.Key] = locale.T(lang, "projectsettings.err.percent")
				continue
			}
			v = strconv.Itoa(bp)
		case app.SettingKindMonthDay:
			md, ok := parseDayMonth(v)
			if !ok {
				errs["setting."+st.Key] = locale.T(lang, "projectsettings.err.day_month")
				continue
			}
			v = md
		}
		values[st.Key] = v
	}
	if len(errs) == 0 {
		err = s.app.SaveProjectSettings(ctx, values)
		if err == nil {
			s.sessions.Put(ctx, flashKey, locale.T(lang, "projectsettings.done.settings"))
			http.Redirect(w, r, projectSettingsURL+"#settings", http.StatusSeeOther)
			return
		}
		fes := kc.FieldErrors(err)
		if len(fes) == 0 {
			s.fail(w, r, err)
			return
		}
		for _, fe := range fes {
			k := "setting." + fe.Field
			if _, dup := errs[k]; dup {
				continue
			}
			// The form's own words for the values it converts.
			switch kinds[fe.Field] {
			case app.SettingKindBasisPoints:
				errs[k] = locale.T(lang, "projectsettings.err.percent")
			case app.SettingKindMonthDay:
				errs[k] = locale.T(lang, "projectsettings.err.day_month")
			default:
				errs[k] = locale.T(lang, fe.Key, fe.Args...)
			}
		}
	}
	errs["settings"] = locale.T(lang, "error.validation")
	s.renderProjectSettings(w, r, http.StatusUnprocessableEntity, settingsForms{Settings: typed, Errors: errs})
}
