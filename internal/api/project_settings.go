package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"khuyencong/internal/app"
	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
)

func (x *API) projectSettingsRoutes() {
	x.handle("GET /api/v1/score-sheet", x.listScoreSheet)
	x.handle("POST /api/v1/score-sheet", x.createScoreItem)
	x.handle("PUT /api/v1/score-sheet/{id}", x.updateScoreItem)
	x.handle("GET /api/v1/project-settings", x.listProjectSettings)
	x.handle("PUT /api/v1/project-settings", x.putProjectSettings)
}

// ScoreSheetItem is one item of the appraisal score sheet.
type ScoreSheetItem struct {
	ID       int64  `json:"id"`
	Code     string `json:"code"`
	Label    string `json:"label"`
	MaxScore int    `json:"max_score"`
	Position int    `json:"position"`
	Active   bool   `json:"active"`
	// Used counts the council scores given on this item; an item with
	// scores keeps its code and max_score.
	Used int `json:"used"`
}

// ScoreSheet is the body of GET /api/v1/score-sheet: every item, retired
// ones included, in position order.
type ScoreSheet struct {
	Items []ScoreSheetItem `json:"items"`
	// Editable says whether the caller may change the sheet.
	Editable bool `json:"editable"`
}

// ScoreItemInput is the body of POST /api/v1/score-sheet and PUT
// /api/v1/score-sheet/{id}. On POST, active defaults to true and position
// 0 (or absent) puts the item after the last one; on PUT, absent fields
// keep their current values.
type ScoreItemInput struct {
	Code     *string `json:"code"`
	Label    *string `json:"label"`
	MaxScore *int    `json:"max_score"`
	Position *int    `json:"position"`
	Active   *bool   `json:"active"`
}

// ProjectSetting is one project setting with its value in force.
type ProjectSetting struct {
	Key     string `json:"key"`
	Kind    string `json:"kind"`
	Value   string `json:"value"`
	Default string `json:"default"`
	Custom  bool   `json:"custom"`
	Invalid string `json:"invalid,omitempty"`
	Min     int    `json:"min"`
	Max     int    `json:"max"`
	Label   string `json:"label"`
	Unit    string `json:"unit"`
	Source  string `json:"source"`
}

// ProjectSettings is the body of GET and PUT /api/v1/project-settings.
type ProjectSettings struct {
	Items []ProjectSetting `json:"items"`
	// Editable says whether the caller may change the settings.
	Editable bool `json:"editable"`
}

func toScoreSheetItem(it app.ScoreItemConfig) ScoreSheetItem {
	return ScoreSheetItem{ID: it.ID, Code: it.Code, Label: it.Label, MaxScore: it.MaxScore, Position: it.Position, Active: it.Active, Used: it.Used}
}

// canDo reports whether the caller of r may do perm.
func canDo(r *http.Request, perm auth.Perm) bool {
	p := app.PrincipalFrom(r.Context())
	return p != nil && auth.Can(p.User.Role, perm)
}

func (x *API) listScoreSheet(w http.ResponseWriter, r *http.Request) {
	items, err := x.app.ScoreSheetAll(r.Context())
	out := ScoreSheet{Items: make([]ScoreSheetItem, 0, len(items)), Editable: canDo(r, auth.PermManageSchemes)}
	for _, it := range items {
		out.Items = append(out.Items, toScoreSheetItem(it))
	}
	x.reply(w, r, http.StatusOK, out, err)
}

// apply sets the fields given in in over it.
func (in ScoreItemInput) apply(it *app.ScoreItemConfig) {
	if in.Code != nil {
		it.Code = *in.Code
	}
	if in.Label != nil {
		it.Label = *in.Label
	}
	if in.MaxScore != nil {
		it.MaxScore = *in.MaxScore
	}
	if in.Position != nil {
		it.Position = *in.Position
	}
	if in.Active != nil {
		it.Active = *in.Active
	}
}

func (x *API) createScoreItem(w http.ResponseWriter, r *http.Request) {
	var in ScoreItemInput
	if !x.decode(w, r, &in) {
		return
	}
	it := app.ScoreItemConfig{Active: true}
	in.apply(&it)
	saved, err := x.app.SaveScoreItem(r.Context(), it)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/score-sheet/"+strconv.FormatInt(saved.ID, 10))
	writeJSON(w, http.StatusCreated, toScoreSheetItem(saved))
}

func (x *API) updateScoreItem(w http.ResponseWriter, r *http.Request) {
	id, ok := x.wildcardID(w, r, "id")
	if !ok {
		return
	}
	var in ScoreItemInput
	if !x.decode(w, r, &in) {
		return
	}
	if !canDo(r, auth.PermManageSchemes) {
		x.fail(w, r, kc.Errorf(kc.EForbidden, "error.forbidden"))
		return
	}
	items, err := x.app.ScoreSheetAll(r.Context())
	if err != nil {
		x.fail(w, r, err)
		return
	}
	i := slices.IndexFunc(items, func(it app.ScoreItemConfig) bool { return it.ID == id })
	if i < 0 {
		x.fail(w, r, kc.Errorf(kc.ENotFound, "error.not_found"))
		return
	}
	it := items[i]
	in.apply(&it)
	saved, err := x.app.SaveScoreItem(r.Context(), it)
	x.reply(w, r, http.StatusOK, toScoreSheetItem(saved), err)
}

// projectSettings answers with the settings in force.
func (x *API) projectSettings(w http.ResponseWriter, r *http.Request) {
	views, err := x.app.ProjectSettingsView(r.Context())
	out := ProjectSettings{Items: make([]ProjectSetting, 0, len(views)), Editable: canDo(r, auth.PermManageSettings)}
	for _, v := range views {
		out.Items = append(out.Items, ProjectSetting{Key: v.Key, Kind: v.Kind, Value: v.Value, Default: v.Default, Custom: v.Custom,
			Invalid: v.Invalid, Min: v.Min, Max: v.Max, Label: v.Label, Unit: v.Unit, Source: v.Source})
	}
	x.reply(w, r, http.StatusOK, out, err)
}

func (x *API) listProjectSettings(w http.ResponseWriter, r *http.Request) {
	x.projectSettings(w, r)
}

// putProjectSettings saves a map of setting key → value (a string, or a
// number for the numeric settings): every value or none.
func (x *API) putProjectSettings(w http.ResponseWriter, r *http.Request) {
	var in map[string]json.RawMessage
	if !x.decode(w, r, &in) {
		return
	}
	values := make(map[string]string, len(in))
	for k, raw := range in {
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			values[k] = s
			continue
		}
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			x.fail(w, r, kc.FieldError(k, "projectsettings.err.type", k))
			return
		}
		values[k] = n.String()
	}
	if err := x.app.SaveProjectSettings(r.Context(), values); err != nil {
		x.fail(w, r, err)
		return
	}
	x.projectSettings(w, r)
}
