package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"
)

// unitRoutes registers the unit pages; they are for signed-in users.
func (s *Server) unitRoutes() {
	s.mux.HandleFunc("GET /units", s.requireUser(s.listUnits))
	s.mux.HandleFunc("GET /units/{id}", s.requireUser(s.showUnit))
}

// unitsPerPage is the page size of the unit list.
const unitsPerPage = 50

// unitView is a unit as the unit pages show it.
type unitView struct {
	ID         int64
	Code       string
	Name       string
	Type       string
	Level      string
	ParentID   int64
	ParentName string
	ParentCode string
	Period     string // "01/07/2025 – nay"
	Current    bool
}

// unitLinkView is a predecessor or successor with its scope and date.
type unitLinkView struct {
	unitView
	Scope     string
	Partial   bool
	Effective string
}

// unitOption is one choice of the level filter.
type unitOption struct {
	Value, Label string
	Selected     bool
}

// unitListView is the data of the unit list page.
type unitListView struct {
	Query  string
	On     string // YYYY-MM-DD, "" for every period
	Level  string
	Levels []unitOption
	Total  int
	Rows   []unitView
	Pager  pagerView
}

// unitDetailView is the data of the unit page.
type unitDetailView struct {
	Unit         unitView
	Note         string
	Parents      []unitView // nearest first
	Predecessors []unitLinkView
	Successors   []unitLinkView
	History      []unitView // other units that carried the same code
}

// unitLinkSection is one table of linked units on the unit page.
type unitLinkSection struct {
	ID       string // element id of the table
	TitleKey string // locale key of the heading
	Links    []unitLinkView
}

// LinkSections returns the predecessor and successor tables in page order.
func (v unitDetailView) LinkSections() []unitLinkSection {
	return []unitLinkSection{
		{ID: "unit-predecessors", TitleKey: "unit.predecessors", Links: v.Predecessors},
		{ID: "unit-successors", TitleKey: "unit.successors", Links: v.Successors},
	}
}

// unitPeriod formats a validity period in lang, spelling out the start
// that the source lists do not record and the open end.
func unitPeriod(lang string, u kc.Unit) string {
	from := locale.T(lang, "unit.start_unknown")
	if u.ValidFrom != app.UnitStartUnknown {
		from = vi.FormatDay(u.ValidFrom.Time())
	}
	to := locale.T(lang, "unit.until_now")
	if !u.ValidTo.IsZero() {
		to = vi.FormatDay(u.ValidTo.Time())
	}
	return locale.T(lang, "unit.period", from, to)
}

func toUnitView(lang string, u, parent kc.Unit) unitView {
	return unitView{
		ID: u.ID, Code: u.Code, Name: u.Name, Type: u.Type, Level: u.Level,
		ParentID: parent.ID, ParentName: parent.Name, ParentCode: parent.Code,
		Period: unitPeriod(lang, u), Current: u.Current(),
	}
}

func toUnitLinks(lang string, ls []kc.UnitLink) []unitLinkView {
	out := make([]unitLinkView, 0, len(ls))
	for _, l := range ls {
		out = append(out, unitLinkView{
			unitView: toUnitView(lang, l.Unit, kc.Unit{}), Scope: locale.T(lang, "unit.scope."+l.Scope),
			Partial: l.Scope == kc.SuccessionPartial, Effective: vi.FormatDay(l.Effective.Time()),
		})
	}
	return out
}

// listUnits browses and searches the units: name or code, the day they
// were valid (today on the first visit; an empty date means every period)
// and the level. An htmx request gets the content block, from which the
// form's hx-select takes the results.
func (s *Server) listUnits(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	q := r.URL.Query()
	v := unitListView{Query: strings.TrimSpace(q.Get("q")), Level: q.Get("level")}
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	status := http.StatusOK
	errs := map[string]string{}
	// No "on" parameter (first visit) means today; an empty one, every period.
	v.On = q.Get("on")
	var on kc.Date
	if !q.Has("on") {
		on = kc.DateOf(s.app.Now().In(vi.Location))
		v.On = on.String()
	} else if d, err := app.ParseUnitDate(v.On); err != nil {
		e := kc.AsError(err)
		errs["on"] = locale.T(lang, e.Key, e.Args...)
	} else {
		on = d
	}
	if len(errs) == 0 {
		rows, total, err := s.app.SearchUnits(r.Context(), kc.UnitFilter{
			Query: v.Query, On: on, Level: v.Level, Limit: unitsPerPage, Offset: (page - 1) * unitsPerPage,
		})
		switch {
		case kc.ErrorCode(err) == kc.EInvalid:
			e := kc.AsError(err)
			field := e.Field
			if field == "" {
				field = "q"
			}
			errs[field] = locale.T(lang, e.Key, e.Args...)
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			v.Total = total
			for _, row := range rows {
				v.Rows = append(v.Rows, toUnitView(lang, row.Unit, row.Parent))
			}
		}
	}
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	for _, l := range []string{"", kc.LevelProvince, kc.LevelDistrict, kc.LevelCommune} {
		label := locale.T(lang, "unit.level_any")
		if l != "" {
			label = locale.T(lang, "unit.level."+l)
		}
		v.Levels = append(v.Levels, unitOption{Value: l, Label: label, Selected: l == v.Level})
	}
	base := url.Values{}
	base.Set("on", v.On)
	if v.Query != "" {
		base.Set("q", v.Query)
	}
	if v.Level != "" {
		base.Set("level", v.Level)
	}
	v.Pager = newPager(lang, page, unitsPerPage, v.Total, base, "/units")
	p := s.page(r, locale.T(lang, "unit.title"), "units", v)
	if len(errs) > 0 {
		p.Errors = errs
	}
	s.render(w, r, status, "units", p)
}

// showUnit shows one unit with its parents, predecessors, successors and
// the other units that carried its code.
func (s *Server) showUnit(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, kc.Errorf(kc.ENotFound, "unit.not_found_id", r.PathValue("id")))
		return
	}
	d, err := s.app.UnitDetail(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hist, err := s.app.UnitHistory(r.Context(), d.Unit.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r)
	var parent kc.Unit
	if len(d.Parents) > 0 {
		parent = d.Parents[0]
	}
	v := unitDetailView{
		Unit: toUnitView(lang, d.Unit, parent), Note: d.Unit.Note,
		Predecessors: toUnitLinks(lang, d.Predecessors), Successors: toUnitLinks(lang, d.Successors),
	}
	for _, p := range d.Parents {
		v.Parents = append(v.Parents, toUnitView(lang, p, kc.Unit{}))
	}
	for _, h := range hist {
		if h.ID != d.Unit.ID {
			v.History = append(v.History, toUnitView(lang, h, kc.Unit{}))
		}
	}
	s.render(w, r, http.StatusOK, "unit", s.page(r, d.Unit.Name, "units", v))
}
