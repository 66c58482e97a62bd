package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"
)

// projectForm is the draft form (new or edit) as shown: the values as
// typed, the choices of the selects, and the funding check.
type projectForm struct {
	ID                                                     int64
	Version                                                int
	Code                                                   string
	Title, ContentArea, SchemeCode, Level, ImplementingOrg string
	CommuneID                                              int64
	Year, StartsOn, EndsOn, ExpectedJobs                   string
	Group                                                  bool
	// Beneficiaries are the chosen establishments (ticked boxes).
	Beneficiaries []benChoice
	// BenQuery and BenResults are the registry search for more.
	BenQuery   string
	BenResults []benChoice
	BenSearch  bool
	Costs      []costInput
	Funds      []fundInput
	TotalCost  int64
	Areas      []choice
	Levels     []choice
	Schemes    []schemeGroup
	Communes   []communeGroup
	Check      *checkView
}

// benChoice is one establishment offered as a beneficiary.
type benChoice struct {
	ID            int64
	Name, Commune string
	Checked       bool
}

// costInput is one row of the cost estimate as typed.
type costInput struct {
	N                        int
	Item, Quantity, UnitCost string
	Amount                   int64
	ItemError, QtyError      string
	UnitError                string
	// RowError is a message about the line as a whole.
	RowError string
}

// fundInput is one funding row as typed.
type fundInput struct {
	N                         int
	Source, Planned           string
	Sources                   []choice
	SourceError, PlannedError string
}

// schemeGroup is the schemes of one content area in the scheme select.
type schemeGroup struct {
	Label   string
	Options []choice
}

// benResultsView is the data of the beneficiary search fragment.
type benResultsView struct {
	Lang     string
	Results  []benChoice
	Searched bool
	Query    string
}

// checkPanelView is the data of the funding check fragment. For htmx it
// also carries the amounts of the cost lines (by their position in the
// form) and the total, swapped out of band into the cost table.
type checkPanelView struct {
	Lang    string
	Check   *checkView
	OOB     bool
	Amounts []lineAmount
	Total   int64
}

// lineAmount is the amount of the cost line at position Pos (1-based) of
// the form as posted, "" when it cannot be computed.
type lineAmount struct {
	Pos  int
	Text string
}

// lineAmounts computes quantity × unit cost of every cost row as posted.
func lineAmounts(form url.Values) []lineAmount {
	qtys, units := form["cost_qty"], form["cost_unit"]
	n := max(len(qtys), len(units), len(form["cost_item"]))
	out := make([]lineAmount, 0, n)
	for i := range n {
		la := lineAmount{Pos: i + 1}
		q, okQ := parseAmount(at(qtys, i))
		u, okU := parseAmount(at(units, i))
		if okQ && okU && q > 0 && u > 0 && u <= (1<<62)/q {
			la.Text = vi.FormatVND(q * u)
		}
		out = append(out, la)
	}
	return out
}

// CheckPanel is the data of the funding check fragment of the form.
func (f projectForm) CheckPanel(lang string) checkPanelView {
	return checkPanelView{Lang: lang, Check: f.Check}
}

// BenPanel is the data of the beneficiary search fragment of the form.
func (f projectForm) BenPanel(lang string) benResultsView {
	return benResultsView{Lang: lang, Results: f.BenResults, Searched: f.BenSearch && f.BenQuery != "", Query: f.BenQuery}
}

// projectFormFields are the inputs of the draft form that can carry an
// error of their own; other errors go to the top of the form.
var projectFormFields = []string{"title", "content_area", "scheme_code", "level", "implementing_org", "commune_id", "year",
	"starts_on", "ends_on", "group", "expected_jobs", "beneficiaries", "cost", "fund"}

// newProject shows the empty draft form: this year, local level, the
// caller's commune when there is one, a cost line and two funding lines
// (provincial budget and counterpart).
func (s *Server) newProject(w http.ResponseWriter, r *http.Request) {
	if !canDraft(app.PrincipalFrom(r.Context())) {
		s.fail(w, r, kc.Errorf(kc.EForbidden, "error.forbidden"))
		return
	}
	f := projectForm{Year: strconv.Itoa(s.today().Year()), Level: "local"}
	if p := app.PrincipalFrom(r.Context()); p != nil && !p.All && len(p.Communes) == 1 {
		f.CommuneID = p.Communes[0]
	}
	f.Costs = []costInput{{}}
	f.Funds = []fundInput{{Source: kc.SourceProvincial}, {Source: kc.SourceCounterpart}}
	s.renderProjectForm(w, r, http.StatusOK, &f, nil)
}

// editProject shows the form of a draft; a project past the draft is
// refused with the reason (409).
func (s *Server) editProject(w http.ResponseWriter, r *http.Request) {
	id, err := projectID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.app.Project(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !canDraft(app.PrincipalFrom(r.Context())) {
		s.fail(w, r, kc.Errorf(kc.EForbidden, "error.forbidden"))
		return
	}
	if v.State != kc.StateDraft {
		s.fail(w, r, kc.Errorf(kc.EConflict, "webprojects.edit.not_draft", v.Code, stateLabel(s.lang(r), v.State)))
		return
	}
	f := formOfProject(v)
	f.Check = newCheckView(s.lang(r), v.Check)
	s.renderProjectForm(w, r, http.StatusOK, &f, nil)
}

// formOfProject fills the form with a stored draft.
func formOfProject(v app.ProjectView) projectForm {
	f := projectForm{ID: v.ID, Version: v.Version, Code: v.Code, Title: v.Title, ContentArea: v.ContentArea, SchemeCode: v.SchemeCode,
		Level: v.Level, ImplementingOrg: v.ImplementingOrg, CommuneID: v.CommuneID, Year: strconv.Itoa(v.Project.Year),
		StartsOn: v.StartsOn.String(), EndsOn: v.EndsOn.String(), Group: v.Group}
	if v.ExpectedJobs > 0 {
		f.ExpectedJobs = strconv.Itoa(v.ExpectedJobs)
	}
	for _, id := range v.Beneficiaries {
		f.Beneficiaries = append(f.Beneficiaries, benChoice{ID: id, Name: v.BeneficiaryNames[id], Checked: true})
	}
	for _, c := range v.CostLines {
		f.Costs = append(f.Costs, costInput{Item: c.Item, Quantity: strconv.FormatInt(c.Quantity, 10), UnitCost: strconv.FormatInt(c.UnitCost, 10), Amount: c.Amount})
	}
	for _, fu := range v.Funding {
		f.Funds = append(f.Funds, fundInput{Source: fu.Source, Planned: strconv.FormatInt(fu.Planned, 10)})
	}
	if len(f.Costs) == 0 {
		f.Costs = []costInput{{}}
	}
	if len(f.Funds) == 0 {
		f.Funds = []fundInput{{}}
	}
	return f
}

// readProjectForm reads the posted draft form into its shown values and
// the app's input. Blank cost and funding rows are dropped; values that
// do not parse are reported under their row's field.
func readProjectForm(lang string, form url.Values) (projectForm, app.ProjectInput, map[string]string) {
	errs := map[string]string{}
	f := projectForm{Title: cleanText(form.Get("title")), ContentArea: cleanText(form.Get("content_area")), SchemeCode: cleanText(form.Get("scheme_code")),
		Level: cleanText(form.Get("level")), ImplementingOrg: cleanText(form.Get("implementing_org")), Year: cleanText(form.Get("year")),
		StartsOn: cleanText(form.Get("starts_on")), EndsOn: cleanText(form.Get("ends_on")), ExpectedJobs: cleanText(form.Get("expected_jobs")),
		Group: form.Get("group") == "1", BenQuery: cleanText(form.Get("ben_q"))}
	f.Version, _ = strconv.Atoi(form.Get("version"))
	f.CommuneID, _ = strconv.ParseInt(form.Get("commune_id"), 10, 64)
	in := app.ProjectInput{Title: f.Title, ContentArea: f.ContentArea, SchemeCode: f.SchemeCode, Level: f.Level, ImplementingOrg: f.ImplementingOrg,
		CommuneID: f.CommuneID, Group: f.Group, Version: f.Version}
	if f.Year != "" {
		y, err := strconv.Atoi(f.Year)
		if err != nil {
			errs["year"] = locale.T(lang, "record.error.number")
		}
		in.Year = y
	}
	var ok bool
	if in.StartsOn, ok = parseDay(f.StartsOn); !ok {
		errs["starts_on"] = locale.T(lang, "record.error.date")
	}
	if in.EndsOn, ok = parseDay(f.EndsOn); !ok {
		errs["ends_on"] = locale.T(lang, "record.error.date")
	}
	if f.ExpectedJobs != "" {
		n, err := strconv.Atoi(f.ExpectedJobs)
		if err != nil || n < 0 {
			errs["expected_jobs"] = locale.T(lang, "record.error.number")
		}
		in.ExpectedJobs = n
	}
	for _, raw := range form["beneficiary"] {
		id, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
		if err != nil || id <= 0 || slices.Contains(in.Beneficiaries, id) {
			continue
		}
		in.Beneficiaries = append(in.Beneficiaries, id)
		f.Beneficiaries = append(f.Beneficiaries, benChoice{ID: id, Checked: true})
	}
	items, qtys, units := form["cost_item"], form["cost_qty"], form["cost_unit"]
	for i := 0; i < max(len(items), len(qtys), len(units)); i++ {
		c := costInput{Item: cleanText(at(items, i)), Quantity: cleanText(at(qtys, i)), UnitCost: cleanText(at(units, i))}
		if c.Item == "" && c.Quantity == "" && c.UnitCost == "" {
			continue
		}
		n := len(f.Costs)
		line := kc.CostLine{Item: c.Item}
		if line.Quantity, ok = parseAmount(c.Quantity); !ok {
			c.QtyError = locale.T(lang, "record.error.number")
			errs["cost."+strconv.Itoa(n)+".quantity"] = c.QtyError
		}
		if line.UnitCost, ok = parseAmount(c.UnitCost); !ok {
			c.UnitError = locale.T(lang, "record.error.number")
			errs["cost."+strconv.Itoa(n)+".unit_cost"] = c.UnitError
		}
		if line.Quantity > 0 && line.UnitCost > 0 && line.UnitCost <= (1<<62)/line.Quantity {
			c.Amount = line.Quantity * line.UnitCost
			f.TotalCost += c.Amount
		}
		line.Amount = c.Amount
		f.Costs = append(f.Costs, c)
		in.CostLines = append(in.CostLines, line)
	}
	sources, planned := form["fund_source"], form["fund_planned"]
	for i := 0; i < max(len(sources), len(planned)); i++ {
		fi := fundInput{Source: cleanText(at(sources, i)), Planned: cleanText(at(planned, i))}
		if fi.Planned == "" {
			// A source without an amount is a row left as offered.
			continue
		}
		n := len(f.Funds)
		fu := kc.Funding{Source: fi.Source}
		if fu.Planned, ok = parseAmount(fi.Planned); !ok {
			fi.PlannedError = locale.T(lang, "record.error.number")
			errs["fund."+strconv.Itoa(n)+".planned"] = fi.PlannedError
		}
		f.Funds = append(f.Funds, fi)
		in.Funding = append(in.Funding, fu)
	}
	return f, in, errs
}

// at returns vs[i], "" past the end.
func at(vs []string, i int) string {
	if i < len(vs) {
		return vs[i]
	}
	return ""
}

// projectInputField maps a field of an app error about a draft to the
// form's error key: "title" → "title", "scheme" → "scheme_code",
// "commune" → "commune_id", "cost_lines.2" (a 1-based line) → "cost.1.row",
// "funding.counterpart" → the planned amount of the counterpart row
// ("fund.1.planned"), "cost_lines" and "funding" → the tables' own
// errors. An unknown field gives "form".
func projectInputField(f *projectForm, field string) string {
	parts := strings.Split(strings.ToLower(strings.NewReplacer("[", ".", "]", "").Replace(field)), ".")
	norm := strings.ReplaceAll(parts[0], "_", "")
	switch norm {
	case "costlines", "costline", "costs", "cost":
		if len(parts) > 1 {
			if n, err := strconv.Atoi(parts[1]); err == nil && n >= 1 {
				return "cost." + strconv.Itoa(n-1) + ".row"
			}
		}
		return "cost"
	case "funding", "fund", "funds":
		if len(parts) > 1 {
			for i, fi := range f.Funds {
				if fi.Source == parts[1] {
					return "fund." + strconv.Itoa(i) + ".planned"
				}
			}
		}
		return "fund"
	case "beneficiaries", "beneficiary":
		return "beneficiaries"
	}
	name := map[string]string{"contentarea": "content_area", "schemecode": "scheme_code", "scheme": "scheme_code", "schemeid": "scheme_code",
		"implementingorg": "implementing_org", "communeid": "commune_id", "commune": "commune_id", "startson": "starts_on",
		"endson": "ends_on", "expectedjobs": "expected_jobs"}[norm]
	if name == "" {
		name = parts[0]
	}
	if slices.Contains(projectFormFields, name) {
		return name
	}
	return "form"
}

// applyFormErrors places the messages of an app error on the form: each
// field error next to its input (rows included); errors of no field at
// the top. It returns the status to answer, and false for an error that
// belongs on the error page.
func applyFormErrors(lang string, f *projectForm, err error, errs map[string]string) (int, bool) {
	e := kc.AsError(err)
	switch e.Code {
	case kc.ENotFound, kc.EInternal, kc.EUnauthenticated, kc.EForbidden:
		return 0, false
	}
	fes := kc.FieldErrors(err)
	for _, fe := range fes {
		k := projectInputField(f, fe.Field)
		if _, dup := errs[k]; !dup {
			errs[k] = locale.T(lang, fe.Key, fe.Args...)
		}
	}
	if len(fes) == 0 {
		errs["form"] = locale.T(lang, e.Key, e.Args...)
	}
	placeRowErrors(f, errs)
	return statusOf(e.Code), true
}

// placeRowErrors copies the row errors of errs onto the rows of f; a row
// error whose row is not shown goes to the table's own error.
func placeRowErrors(f *projectForm, errs map[string]string) {
	for k, msg := range errs {
		parts := strings.Split(k, ".")
		if len(parts) != 3 {
			continue
		}
		i, err := strconv.Atoi(parts[1])
		switch {
		case err != nil:
			continue
		case parts[0] == "cost" && i < len(f.Costs):
			c := &f.Costs[i]
			switch parts[2] {
			case "item":
				c.ItemError = msg
			case "quantity":
				c.QtyError = msg
			case "unit_cost":
				c.UnitError = msg
			default:
				c.RowError = msg
			}
			continue
		case parts[0] == "fund" && i < len(f.Funds):
			if parts[2] == "source" {
				f.Funds[i].SourceError = msg
			} else {
				f.Funds[i].PlannedError = msg
			}
			continue
		}
		if _, dup := errs[parts[0]]; !dup {
			errs[parts[0]] = msg
		}
	}
}

// createProject answers the posted new-project form: "save" creates the
// draft and goes to its page (303); the other buttons (add a cost or
// funding line, search the registry, check the funding) show the form
// again with what they did, without saving.
func (s *Server) createProject(w http.ResponseWriter, r *http.Request) {
	s.saveProject(w, r, 0)
}

// updateProject answers the posted edit form of draft id, as
// createProject does.
func (s *Server) updateProject(w http.ResponseWriter, r *http.Request) {
	id, err := projectID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.app.Project(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.saveProject(w, r, id)
}

// saveProject is the body of createProject (id 0) and updateProject.
func (s *Server) saveProject(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	if !canDraft(app.PrincipalFrom(ctx)) {
		s.fail(w, r, kc.Errorf(kc.EForbidden, "error.forbidden"))
		return
	}
	if err := parseFormLimited(w, r, projectFormBytes); err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r)
	f, in, errs := readProjectForm(lang, r.PostForm)
	f.ID = id
	if id != 0 {
		if v, err := s.app.Project(ctx, id); err == nil {
			f.Code = v.Code
		}
	}
	switch op := r.PostForm.Get("op"); op {
	case "add_cost":
		f.Costs = append(f.Costs, costInput{})
		s.renderProjectForm(w, r, http.StatusOK, &f, nil)
		return
	case "add_fund":
		f.Funds = append(f.Funds, fundInput{})
		s.renderProjectForm(w, r, http.StatusOK, &f, nil)
		return
	case "find_ben":
		f.BenSearch = true
		s.renderProjectForm(w, r, http.StatusOK, &f, nil)
		return
	case "check":
		s.formCheck(ctx, lang, &f, in, errs)
		status := http.StatusOK
		if len(errs) > 0 {
			status = http.StatusUnprocessableEntity
		}
		s.renderProjectForm(w, r, status, &f, errs)
		return
	}
	if len(errs) > 0 {
		placeRowErrors(&f, errs)
		s.formCheck(ctx, lang, &f, in, nil)
		s.renderProjectForm(w, r, http.StatusUnprocessableEntity, &f, errs)
		return
	}
	var v app.ProjectView
	var err error
	if id == 0 {
		v, err = s.app.CreateProject(ctx, in)
	} else {
		v, err = s.app.UpdateProject(ctx, id, in)
	}
	if err != nil {
		if kc.ErrorCode(err) == kc.EConflict && id != 0 && len(kc.FieldErrors(err)) == 0 {
			errs["form"] = locale.T(lang, kc.AsError(err).Key, kc.AsError(err).Args...)
			s.renderProjectForm(w, r, http.StatusConflict, &f, errs)
			return
		}
		status, ok := applyFormErrors(lang, &f, err, errs)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.formCheck(ctx, lang, &f, in, nil)
		s.renderProjectForm(w, r, status, &f, errs)
		return
	}
	key := "webprojects.created"
	if id != 0 {
		key = "webprojects.saved"
	}
	s.sessions.Put(ctx, flashKey, locale.T(lang, key, v.Code))
	http.Redirect(w, r, projectURL(v.ID, ""), http.StatusSeeOther)
}

// formCheck runs the funding check of the form's input for today and
// puts it on f. Input errors that keep the check from running are listed
// in the panel and, when errs is not nil, next to their fields.
func (s *Server) formCheck(ctx context.Context, lang string, f *projectForm, in app.ProjectInput, errs map[string]string) {
	c, err := s.app.CheckFunding(ctx, in, s.today())
	if err != nil {
		cv := &checkView{}
		local := map[string]string{}
		if _, ok := applyFormErrors(lang, f, err, local); !ok {
			if kc.ErrorCode(err) == kc.EInternal {
				s.log.Error("project funding check", "err", err)
			}
			cv.Errors = []string{locale.T(lang, kc.AsError(err).Key, kc.AsError(err).Args...)}
		}
		for _, k := range sortedKeys(local) {
			cv.Errors = append(cv.Errors, local[k])
			if errs != nil {
				if _, dup := errs[k]; !dup {
					errs[k] = local[k]
				}
			}
		}
		f.Check = cv
		return
	}
	f.Check = newCheckView(lang, c)
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// checkProject answers the live funding check: an htmx request gets the
// panel (always 200, so htmx swaps it, with any input error inside); a
// plain post (the form's "check" button without JavaScript) the whole form.
func (s *Server) checkProject(w http.ResponseWriter, r *http.Request) {
	if err := parseFormLimited(w, r, projectFormBytes); err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r)
	f, in, errs := readProjectForm(lang, r.PostForm)
	f.ID, _ = strconv.ParseInt(r.PostForm.Get("id"), 10, 64)
	s.formCheck(r.Context(), lang, &f, in, errs)
	if len(errs) > 0 && f.Check != nil {
		for _, k := range sortedKeys(errs) {
			if !slices.Contains(f.Check.Errors, errs[k]) {
				f.Check.Errors = append(f.Check.Errors, errs[k])
			}
		}
		f.Check.OK = false
	}
	if partialRequest(r) {
		s.renderBlock(w, r, http.StatusOK, "project_edit", "projcheck", checkPanelView{Lang: lang, Check: f.Check, OOB: true,
			Amounts: lineAmounts(r.PostForm), Total: f.TotalCost})
		return
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.renderProjectForm(w, r, status, &f, errs)
}

// searchBeneficiaries answers the beneficiary search of the form with
// the matching establishments of the caller's scope as boxes to tick: the
// registry's own search (names ignoring marks), at most 20.
func (s *Server) searchBeneficiaries(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	q := cleanText(r.URL.Query().Get("ben_q"))
	var chosen []int64
	for _, raw := range r.URL.Query()["beneficiary"] {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil {
			chosen = append(chosen, id)
		}
	}
	results, err := s.benSearch(r.Context(), q, chosen)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderBlock(w, r, http.StatusOK, "project_edit", "projben", benResultsView{Lang: lang, Results: results, Searched: q != "", Query: q})
}

// benSearchLimit caps the beneficiary search results.
const benSearchLimit = 20

// benSearch finds establishments of the caller's scope by name for the
// beneficiary list, leaving out the chosen ones.
func (s *Server) benSearch(ctx context.Context, q string, chosen []int64) ([]benChoice, error) {
	if q == "" {
		return nil, nil
	}
	list, _, err := s.app.SearchEstablishments(ctx, app.RegistryFilter{Query: q}, benSearchLimit, 0)
	if err != nil {
		if len(kc.FieldErrors(err)) > 0 {
			return nil, nil
		}
		return nil, err
	}
	var ids []int64
	for _, e := range list {
		ids = append(ids, e.CommuneID)
	}
	names := s.unitNames(ctx, ids)
	var out []benChoice
	for _, e := range list {
		if slices.Contains(chosen, e.ID) {
			continue
		}
		out = append(out, benChoice{ID: e.ID, Name: e.Name, Commune: names[e.CommuneID]})
	}
	return out, nil
}

// renderProjectForm fills the choices, the beneficiaries' names and the
// search results of f and renders the form.
func (s *Server) renderProjectForm(w http.ResponseWriter, r *http.Request, status int, f *projectForm, errs map[string]string) {
	ctx := r.Context()
	lang := s.lang(r)
	if err := s.projectFormChoices(ctx, lang, f); err != nil {
		s.fail(w, r, err)
		return
	}
	var chosen []int64
	for i := range f.Beneficiaries {
		b := &f.Beneficiaries[i]
		chosen = append(chosen, b.ID)
		if b.Name == "" || b.Commune == "" {
			if e, err := s.app.GetEstablishment(ctx, b.ID); err == nil {
				b.Name = e.Name
				b.Commune = s.unitNames(ctx, []int64{e.CommuneID})[e.CommuneID]
			} else if b.Name == "" {
				b.Name = "#" + strconv.FormatInt(b.ID, 10)
			}
		}
	}
	if f.BenQuery != "" {
		res, err := s.benSearch(ctx, f.BenQuery, chosen)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		f.BenResults, f.BenSearch = res, true
	}
	if len(f.Costs) == 0 {
		f.Costs = []costInput{{}}
	}
	if len(f.Funds) == 0 {
		f.Funds = []fundInput{{}}
	}
	for i := range f.Costs {
		f.Costs[i].N = i + 1
	}
	for i := range f.Funds {
		f.Funds[i].N = i + 1
		f.Funds[i].Sources = nil
		for _, src := range kc.FundingSources {
			f.Funds[i].Sources = append(f.Funds[i].Sources, choice{Value: src, Label: locale.T(lang, "dash.source."+src), Selected: src == f.Funds[i].Source})
		}
	}
	if errs != nil {
		placeRowErrors(f, errs)
	}
	title := locale.T(lang, "webprojects.new")
	if f.ID != 0 {
		title = locale.T(lang, "webprojects.edit") + " · " + f.Code
	}
	p := s.page(r, title, "projects", *f)
	p.Errors = errs
	s.render(w, r, status, "project_edit", p)
}

// projectFormChoices fills the selects of f: content areas, schemes in
// force today grouped by content area, levels and the communes in scope.
func (s *Server) projectFormChoices(ctx context.Context, lang string, f *projectForm) error {
	areas, err := s.app.ContentAreas(ctx)
	if err != nil {
		return err
	}
	f.Areas = nil
	areaNames := map[string]string{}
	for _, a := range areas {
		areaNames[a.Code] = a.Name
		f.Areas = append(f.Areas, choice{Value: a.Code, Label: a.Code + " — " + a.Name, Selected: a.Code == f.ContentArea})
	}
	schemes, err := s.app.Schemes(ctx, s.today())
	if err != nil {
		return err
	}
	f.Schemes = nil
	seen := map[string]bool{}
	for _, a := range areas {
		g := schemeGroup{Label: a.Code + " — " + a.Name}
		for _, sv := range schemes {
			if sv.ContentArea != a.Code || seen[sv.Code] {
				continue
			}
			seen[sv.Code] = true
			label := sv.Name + " (" + sv.Code + ")"
			if sv.NeedsReview {
				label += " — " + locale.T(lang, "webprojects.form.needs_review")
			}
			g.Options = append(g.Options, choice{Value: sv.Code, Label: label, Selected: sv.Code == f.SchemeCode})
		}
		if len(g.Options) > 0 {
			f.Schemes = append(f.Schemes, g)
		}
	}
	if f.SchemeCode != "" && !seen[f.SchemeCode] {
		f.Schemes = append([]schemeGroup{{Options: []choice{{Value: f.SchemeCode, Label: f.SchemeCode, Selected: true}}}}, f.Schemes...)
	}
	f.Levels = nil
	for _, l := range []string{"local", "national"} {
		f.Levels = append(f.Levels, choice{Value: l, Label: locale.T(lang, "webprojects.level."+l), Selected: l == f.Level})
	}
	communes, err := s.app.ScopeCommunes(ctx)
	if err != nil {
		return err
	}
	f.Communes = s.communeGroups(ctx, communes, f.CommuneID)
	return nil
}
