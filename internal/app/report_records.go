package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"khuyencong/internal/allocate"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/report"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Documents made from the records of one plan or project: the annual
// khuyến công plan, the draft decision approving a project, and a
// project's acceptance minutes. Their text is Vietnamese (the language of
// the administration) from the "records.*" catalog keys.

// recDecisionStates are the states a project's approval decision may be
// drafted in; recMinutesStates those its acceptance minutes may be made in.
var (
	recDecisionStates = []string{kc.StateRegistered, kc.StateAppraised, kc.StateApproved}
	recMinutesStates  = []string{kc.StateInProgress, kc.StateAccepted, kc.StateSettled, kc.StateClosed}
)

// recT renders a "records." message in Vietnamese.
func recT(key string, args ...any) string { return tv("records."+key, args...) }

// PlanDocument composes the annual khuyến công plan (KẾ HOẠCH "Khuyến
// công năm <year> của <unit>") of plan id, read with Plan (so a plan out
// of the caller's scope is not found): its purpose, the envelopes per
// source and content area with what is committed, paid out and left, a
// chart of the funds by source, the projects the plan contains, and how
// it is carried out.
//
// The plan contains the projects of its year and area that are already
// committed (approved and later: the approved amounts) and the proposals
// pinned in (the officer's choice: the amounts asked for). Other
// proposals, and the selections of saved optimiser scenarios (what-ifs
// until their picks are pinned), are only counted.
func (a *App) PlanDocument(ctx context.Context, planID int64) (report.Document, error) {
	v, err := a.Plan(ctx, planID)
	if err != nil {
		return report.Document{}, err
	}
	unit, err := a.Store.GetUnit(ctx, v.UnitID)
	if err != nil {
		return report.Document{}, err
	}
	d, err := a.docHeader(ctx, unit, DocPlan)
	if err != nil {
		return report.Document{}, err
	}
	areas, err := a.contentAreaNames(ctx)
	if err != nil {
		return report.Document{}, err
	}
	where := recUnitInSentence(unit)
	d.Type = recT("plan.type")
	d.Summary = recT("plan.summary", v.Year, where)
	d.Name = recDocName(recT("plan.file"), fmt.Sprint(v.Year), recUnitLabel(unit))
	d.Bases = recLegalBases(a.today(), "", "")
	add := func(b ...report.Block) { d.Blocks = append(d.Blocks, b...) }
	add(recHeading(1, recT("plan.h1")), recPara(recT("plan.purpose", where)), recPara(recT("plan.requirement")))
	if v.Note != "" {
		add(recPara(recT("plan.note", v.Note)))
	}

	// II.1 Funds.
	add(recHeading(1, recT("plan.h2")), recHeading(2, recT("plan.h2_funds")))
	env := &report.Table{Sheet: recT("plan.envelope_sheet"), Caption: recT("plan.envelope_caption", v.Year),
		Columns: []report.Column{{Title: recT("col.source"), Width: 2}, {Title: recT("col.area"), Width: 3}, recMoneyCol(recT("plan.col_envelope")),
			recMoneyCol(recT("plan.col_committed")), recMoneyCol(recT("plan.col_disbursed")), recMoneyCol(recT("plan.col_available"))},
		Note: recT("plan.envelope_note")}
	var total [4]int64
	chart := &report.Chart{Title: recT("plan.chart_title", v.Year), Kind: report.Bar, Unit: recT("unit_millions"), Table: env.Sheet,
		Series: []report.Series{{Name: recT("plan.col_envelope")}, {Name: recT("plan.col_committed")}, {Name: recT("plan.col_disbursed")}}}
	for _, e := range v.Envelopes {
		area := recT("all_areas")
		if e.ContentArea != "" {
			area = recAreaLabel(areas, e.ContentArea)
		}
		src := recSource(e.Source)
		env.Rows = append(env.Rows, []report.Cell{{Text: src}, {Text: area}, {N: e.Amount}, {N: e.Committed}, {N: e.Disbursed}, {N: e.Available}})
		if e.ContentArea != "" {
			continue // a limit inside the source's envelope: not added again
		}
		for i, n := range []int64{e.Amount, e.Committed, e.Disbursed, e.Available} {
			total[i] += n
		}
		chart.Categories = append(chart.Categories, src)
		for i, n := range []int64{e.Amount, e.Committed, e.Disbursed} {
			chart.Series[i].Values = append(chart.Series[i].Values, recMillions(n))
		}
	}
	env.Total = []report.Cell{{Text: recT("total")}, {Text: ""}, {N: total[0]}, {N: total[1]}, {N: total[2]}, {N: total[3]}}
	add(recPara(recT("plan.funds_text", v.Year, recMoney(total[0]), recMoney(total[1]), recMoney(total[2]), recMoney(total[3]))))
	add(report.Block{Kind: report.TableBlock, Table: env})
	if len(chart.Categories) > 0 {
		add(report.Block{Kind: report.ChartBlock, Chart: chart})
	}

	// II.2 Projects.
	add(recHeading(2, recT("plan.h2_projects")))
	rows, others, err := a.recPlanProjects(ctx, v, areas)
	if err != nil {
		return report.Document{}, err
	}
	if len(rows) == 0 {
		add(recPara(recT("plan.no_projects")))
	} else {
		pt := &report.Table{Sheet: recT("plan.projects_sheet"), Caption: recT("plan.projects_caption", v.Year),
			Columns: []report.Column{{Title: recT("col.code")}, {Title: recT("col.title"), Width: 3}, {Title: recT("plan.col_beneficiary"), Width: 3},
				{Title: recT("col.area"), Width: 2}, recMoneyCol(recT("plan.col_state_funds")), recMoneyCol(recT("plan.col_counterpart")),
				{Title: recT("plan.col_jobs"), Kind: report.Count}, {Title: recT("plan.col_status"), Width: 2}},
			Note: recT("plan.projects_note", v.Year)}
		var state, counterpart, jobs int64
		for _, r := range rows {
			pt.Rows = append(pt.Rows, []report.Cell{{Text: r.code}, {Text: r.title}, {Text: r.beneficiary}, {Text: r.area},
				{N: r.state}, {N: r.counterpart}, {N: int64(r.jobs)}, {Text: r.status}})
			state += r.state
			counterpart += r.counterpart
			jobs += int64(r.jobs)
		}
		pt.Total = []report.Cell{{Text: recT("total")}, {}, {}, {}, {N: state}, {N: counterpart}, {N: jobs}, {}}
		add(recPara(recT("plan.projects_text", len(rows), recMoney(state), recMoney(counterpart), jobs)), report.Block{Kind: report.TableBlock, Table: pt})
	}
	if others > 0 {
		add(recPara(recT("plan.others", others)))
	}

	// III. Carrying out.
	add(recHeading(1, recT("plan.h3")), recPara(recT("plan.org1")), recPara(recT("plan.org2")), recPara(recT("plan.org3")))
	if unit.Level == kc.LevelCommune {
		d.Recipients = []string{recT("recipient.department")}
	} else {
		d.Recipients = []string{recT("recipient.province")}
	}
	d.Recipients = append(d.Recipients, recT("recipient.related"), recT("recipient.archive"))
	d.Footnote = recT("footnote", vi.FormatDay(a.today().Time()))
	return d, nil
}

// recPlanRow is one project of the plan document.
type recPlanRow struct {
	code, title, beneficiary, area, status string
	state, counterpart                     int64
	jobs                                   int
	committed                              bool
}

// recPlanProjects returns the projects plan v contains (committed ones
// first, then the pinned proposals, each by code) and how many other
// proposals it chooses from (pinned out excluded).
func (a *App) recPlanProjects(ctx context.Context, v PlanView, areas map[string]string) ([]recPlanRow, int, error) {
	communes, err := a.planCommunes(ctx, v.UnitID)
	if err != nil {
		return nil, 0, err
	}
	type ref struct {
		id        int64
		commune   string
		committed bool
	}
	var refs []ref
	for _, s := range store.CommittedStates {
		if len(communes) == 0 {
			break
		}
		for offset := 0; ; {
			page, total, err := a.Store.ListProjects(ctx, store.ProjectListFilter{CommuneIDs: communes, State: s, Year: v.Year, Limit: 1000, Offset: offset})
			if err != nil {
				return nil, 0, err
			}
			for _, r := range page {
				refs = append(refs, ref{id: r.ID, commune: r.CommuneName, committed: true})
			}
			offset += len(page)
			if len(page) == 0 || offset >= total {
				break
			}
		}
	}
	others := 0
	for _, c := range v.Candidates {
		switch c.Pin {
		case allocate.In:
			refs = append(refs, ref{id: c.ProjectID, commune: c.CommuneName})
		case allocate.Free:
			others++
		}
	}
	names := map[int64]string{}
	var out []recPlanRow
	for _, r := range refs {
		p, err := a.Store.GetProject(ctx, r.id)
		if err != nil {
			return nil, 0, err
		}
		bens, err := a.recEstablishmentNames(ctx, p.Beneficiaries, names)
		if err != nil {
			return nil, 0, err
		}
		state, counterpart := recStateAndCounterpart(amountsOf(p))
		row := recPlanRow{code: p.Code, title: p.Title, area: recAreaLabel(areas, p.ContentArea), state: state, counterpart: counterpart,
			jobs: p.ExpectedJobs, committed: r.committed, status: stateLabel(p.State)}
		row.beneficiary = r.commune
		if len(bens) > 0 {
			row.beneficiary = strings.Join(bens, "; ") + " (" + r.commune + ")"
		}
		if !r.committed {
			row.status = recT("plan.pinned")
		}
		out = append(out, row)
	}
	slices.SortStableFunc(out, func(x, y recPlanRow) int {
		if x.committed != y.committed {
			if x.committed {
				return -1
			}
			return 1
		}
		return cmp.Compare(x.code, y.code)
	})
	return out, others, nil
}

// recProject is what a project document is written from: the project,
// the document with its header, the place and the issuer's name, the
// content-area names and the beneficiaries' names.
type recProject struct {
	v             ProjectView
	d             report.Document
	place, issuer string
	areas         map[string]string
	bens          []string
}

// recProjectDoc reads project projectID (in the caller's scope) for a
// document only a project in one of states may have — any other state is
// EConflict with stateKey naming it — with the document's header and the
// names it needs.
func (a *App) recProjectDoc(ctx context.Context, projectID int64, states []string, stateKey, abbr string) (recProject, error) {
	var r recProject
	var err error
	if r.v, err = a.Project(ctx, projectID); err != nil {
		return r, err
	}
	if !slices.Contains(states, r.v.State) {
		return r, kc.Errorf(kc.EConflict, stateKey, stateLabel(r.v.State))
	}
	if r.d, r.place, r.issuer, err = a.recProjectHeader(ctx, r.v.Project, abbr); err != nil {
		return r, err
	}
	if r.areas, err = a.contentAreaNames(ctx); err != nil {
		return r, err
	}
	r.bens, err = a.recEstablishmentNames(ctx, r.v.Beneficiaries, map[int64]string{})
	return r, err
}

// DecisionDraft composes the draft decision (QUYẾT ĐỊNH "Về việc phê
// duyệt đề án khuyến công <title>") approving project id, read with
// Project (so a project out of the caller's scope is not found): the
// legal bases (Decree 45/2012, the legal basis of the project's scheme,
// the proposal), Article 1 with the beneficiaries, place (the commune as
// at registration), schedule, content area, the cost estimate and the
// funding per source with the state total in words, Article 2 on
// responsibilities and Article 3 on execution. The issuer is the
// commune's People's Committee for a project funded only from the
// commune budget, else the province's Department of Industry and Trade.
// Only a registered, appraised or approved project has one; any other
// state is EConflict naming it.
func (a *App) DecisionDraft(ctx context.Context, projectID int64) (report.Document, error) {
	r, err := a.recProjectDoc(ctx, projectID, recDecisionStates, "records.err.decision_state", DocDecision)
	if err != nil {
		return report.Document{}, err
	}
	v, d, place, areas, bens := r.v, r.d, r.place, r.areas, r.bens
	implementer := cmp.Or(v.ImplementingOrg, strings.Join(bens, ", "), recT("decision.beneficiaries_fallback"))
	d.Draft = true
	d.Type = recT("decision.type")
	d.Summary = recT("decision.summary", v.Title)
	d.Name = recDocName(recT("decision.file"), v.Code)
	var basisCode, basisTitle string
	if v.SchemeID != 0 {
		sv, err := a.Store.GetSchemeVersion(ctx, v.SchemeID)
		if err != nil {
			return report.Document{}, err
		}
		basisCode, basisTitle = sv.LegalBasis, sv.LegalBasisTitle
	}
	d.Bases = recLegalBases(a.checkDayOf(v.Project), basisCode, basisTitle)
	proposal := recT("decision.proposal", implementer, v.Code)
	if !v.AppraisedOn.IsZero() {
		proposal = recT("decision.proposal_appraised", implementer, v.Code, vi.FormatDay(v.AppraisedOn.Time()))
	}
	d.Bases[len(d.Bases)-1] = strings.TrimSuffix(d.Bases[len(d.Bases)-1], ".") + ";"
	d.Bases = append(d.Bases, proposal)

	amounts := amountsOf(v.Project)
	state, counterpart := recStateAndCounterpart(amounts)
	cost := totalCost(v.Project)
	add := func(b ...report.Block) { d.Blocks = append(d.Blocks, b...) }
	add(recHeading(1, recT("decision.decides")), recPara(recT("decision.art1", v.Title, v.Code)))
	var items []string
	items = append(items, recT("decision.item_title", v.Title))
	switch {
	case v.Group:
		items = append(items, recT("decision.item_group", cmp.Or(strings.Join(bens, "; "), recT("decision.beneficiaries_later"))))
	case len(bens) > 0:
		items = append(items, recT("decision.item_beneficiaries", strings.Join(bens, "; ")))
	}
	items = append(items, recT("decision.item_place", place))
	if v.ImplementingOrg != "" {
		items = append(items, recT("decision.item_org", v.ImplementingOrg))
	}
	area := recAreaLabel(areas, v.ContentArea)
	if v.SchemeName != "" {
		items = append(items, recT("decision.item_area_scheme", area, v.SchemeName))
	} else {
		items = append(items, recT("decision.item_area", area))
	}
	if !v.StartsOn.IsZero() && !v.EndsOn.IsZero() {
		items = append(items, recT("decision.item_schedule", vi.FormatDay(v.StartsOn.Time()), vi.FormatDay(v.EndsOn.Time())))
	} else {
		items = append(items, recT("decision.item_year", v.Year))
	}
	items = append(items, recT("decision.item_cost", recMoneyWords(cost)))
	for i, it := range items {
		add(recPara(fmt.Sprintf("%d. %s", i+1, it)))
	}
	if len(v.CostLines) > 0 {
		add(report.Block{Kind: report.TableBlock, Table: recCostTable(v.CostLines)})
	}
	add(recPara(fmt.Sprintf("%d. %s", len(items)+1, recT("decision.item_funding"))))
	add(report.Block{Kind: report.TableBlock, Table: recFundingTable(amounts)})
	add(recPara(recT("decision.state_total", recMoneyWords(state))))
	if counterpart > 0 {
		add(recPara(recT("decision.counterpart_total", recMoneyWords(counterpart))))
	}
	add(recPara(recT("decision.art2", implementer)))
	if counterpart > 0 {
		add(recPara(recT("decision.art2_counterpart", recMoney(counterpart))))
	}
	add(recPara(recT("decision.art3", implementer)))
	d.Recipients = []string{recT("decision.recipient_art3"), recT("recipient.archive")}
	return d, nil
}

// AcceptanceMinutes composes the acceptance minutes (BIÊN BẢN "Nghiệm
// thu đề án <code> «<title>»") of project id, read with Project (out of
// scope: not found), dated on its acceptance day, or today as a draft for
// a project still in progress: the parties (the issuer's representative,
// the beneficiary establishments by name, never personal data), what was
// approved, the results recorded (outputs) and the funding approved,
// advanced and settled per source, the conclusion, and the two parties'
// signatures side by side. Only a project in progress, accepted, settled
// or closed has them; any other state is EConflict naming it.
func (a *App) AcceptanceMinutes(ctx context.Context, projectID int64) (report.Document, error) {
	r, err := a.recProjectDoc(ctx, projectID, recMinutesStates, "records.err.minutes_state", DocMinutes)
	if err != nil {
		return report.Document{}, err
	}
	v, d, place, issuer, areas, bens := r.v, r.d, r.place, r.issuer, r.areas, r.bens
	commune, err := a.Store.GetUnit(ctx, v.CommuneID)
	if err != nil {
		return report.Document{}, err
	}
	if v.AcceptedOn.IsZero() {
		d.Draft = true
		d.Name = recDocName(recT("draft_file"), recT("minutes.file"), v.Code)
	} else {
		d.Date = v.AcceptedOn.Time()
		d.Name = recDocName(recT("minutes.file"), v.Code)
	}
	d.Place = bareName(commune)
	d.Type = recT("minutes.type")
	d.Summary = recT("minutes.summary", v.Code, v.Title)
	add := func(b ...report.Block) { d.Blocks = append(d.Blocks, b...) }
	add(recPara(recT("minutes.opening", vi.FormatDayLong(d.Date), place)))
	add(recPara(recT("minutes.party_issuer", issuer)), recBullet(recT("minutes.rep_blank")), recBullet(recT("minutes.rep_blank")))
	add(recPara(recT("minutes.party_beneficiary")))
	if len(bens) == 0 {
		add(recBullet(recT("minutes.rep_blank")))
	}
	for _, b := range bens {
		add(recBullet(recT("minutes.beneficiary", b)))
	}
	if v.ImplementingOrg != "" {
		add(recPara(recT("minutes.party_org", v.ImplementingOrg)), recBullet(recT("minutes.rep_blank")))
	}
	if v.DecisionNo != "" && !v.DecidedOn.IsZero() {
		add(recPara(recT("minutes.subject_decision", v.Title, v.Code, v.DecisionNo, vi.FormatDay(v.DecidedOn.Time()))))
	} else {
		add(recPara(recT("minutes.subject", v.Title, v.Code)))
	}

	var approved, counterpart int64
	for _, f := range v.Funding {
		if f.Source == kc.SourceCounterpart {
			counterpart += f.Approved
		} else {
			approved += f.Approved
		}
	}
	add(recHeading(1, recT("minutes.h1")), recBullet(recT("minutes.approved_area", recAreaLabel(areas, v.ContentArea))),
		recBullet(recT("minutes.approved_place", place)))
	if !v.StartsOn.IsZero() && !v.EndsOn.IsZero() {
		add(recBullet(recT("minutes.approved_schedule", vi.FormatDay(v.StartsOn.Time()), vi.FormatDay(v.EndsOn.Time()))))
	}
	add(recBullet(recT("minutes.approved_funds", recMoney(approved), recMoney(counterpart))))

	add(recHeading(1, recT("minutes.h2")), recHeading(2, recT("minutes.h2_outputs")))
	if len(v.Outputs) == 0 {
		add(recPara(recT("minutes.no_outputs")))
	} else {
		ot := &report.Table{Sheet: recT("minutes.outputs_sheet"), Caption: recT("minutes.outputs_caption"),
			Columns: []report.Column{{Title: recT("col.stt")}, {Title: recT("minutes.col_output"), Width: 4}, {Title: recT("minutes.col_value"), Kind: report.Count, Width: 2}}}
		for i, o := range v.Outputs {
			ot.Rows = append(ot.Rows, []report.Cell{{Text: fmt.Sprint(i + 1)}, {Text: outputLabel(o.Kind)}, {N: o.Value}})
		}
		add(report.Block{Kind: report.TableBlock, Table: ot})
	}
	add(recHeading(2, recT("minutes.h2_funding")))
	settledKnown := v.State == kc.StateSettled || v.State == kc.StateClosed
	ft := &report.Table{Sheet: recT("minutes.funding_sheet"), Caption: recT("minutes.funding_caption"),
		Columns: []report.Column{{Title: recT("col.source"), Width: 2}, recMoneyCol(recT("minutes.col_approved")), recMoneyCol(recT("minutes.col_advanced")),
			recMoneyCol(recT("minutes.col_settled"))}}
	var sum [3]int64
	for _, f := range recSortedFunding(v.Funding) {
		if f.Approved == 0 && f.Advanced == 0 && f.Settled == 0 {
			continue
		}
		row := []report.Cell{{Text: recSource(f.Source)}, {N: f.Approved}, {N: f.Advanced}, {N: f.Settled, Empty: !settledKnown}}
		ft.Rows = append(ft.Rows, row)
		sum[0] += f.Approved
		sum[1] += f.Advanced
		sum[2] += f.Settled
	}
	ft.Total = []report.Cell{{Text: recT("total")}, {N: sum[0]}, {N: sum[1]}, {N: sum[2], Empty: !settledKnown}}
	if !settledKnown {
		ft.Note = recT("minutes.settled_note")
	}
	add(report.Block{Kind: report.TableBlock, Table: ft})

	add(recHeading(1, recT("minutes.h3")))
	if v.AcceptedOn.IsZero() {
		add(recPara(recT("minutes.conclusion_draft")))
	} else {
		add(recPara(recT("minutes.conclusion_done")))
	}
	add(recPara(recT("minutes.copies")))
	d.Signers = []report.Signer{{Title: recT("minutes.signer_beneficiary")}, {Title: recT("minutes.signer_issuer", d.IssuingBody)}}
	return d, nil
}

// recProjectHeader returns the header of a document about project p issued
// today, the place of the project in a sentence (its commune as at
// registration with the units above it then: "xã A Vao, huyện Đakrông,
// tỉnh Quảng Trị") and the issuer's name in a sentence: the commune's People's Committee
// issues it when the state money is the commune budget's alone and the
// commune is still in force, else the Department of Industry and Trade of
// the province that covers the commune today (see docHeader).
func (a *App) recProjectHeader(ctx context.Context, p kc.Project, abbr string) (report.Document, string, string, error) {
	commune, err := a.Store.GetUnit(ctx, p.CommuneID)
	if err != nil {
		return report.Document{}, "", "", err
	}
	prov, err := a.provinceToday(ctx, commune)
	if err != nil {
		return report.Document{}, "", "", err
	}
	issuer := commune
	if !recCommuneFunded(p) && prov.ID != 0 {
		issuer = prov
	}
	d, err := a.docHeader(ctx, issuer, abbr)
	if err != nil {
		return d, "", "", err
	}
	det, err := a.Store.UnitDetail(ctx, commune.ID)
	if err != nil {
		return d, "", "", err
	}
	place := []string{recUnitInSentence(commune)}
	for _, u := range det.Parents {
		place = append(place, recUnitInSentence(u))
	}
	name := recT("issuer_department_bare")
	switch {
	case issuer.Level == kc.LevelCommune && issuer.Current():
		name = recT("issuer_commune", recUnitInSentence(issuer))
	case prov.ID != 0:
		name = recT("issuer_department", recUnitInSentence(prov))
	}
	return d, strings.Join(place, ", "), name, nil
}

// recCommuneFunded reports whether every state đồng of p comes from the
// commune budget (and there is some).
func recCommuneFunded(p kc.Project) bool {
	some := false
	for src, n := range amountsOf(p) {
		switch {
		case n == 0 || src == kc.SourceCounterpart:
		case src == kc.SourceCommune:
			some = true
		default:
			return false
		}
	}
	return some
}

// recEstablishmentNames returns the names of the establishments ids, read
// through cache (names only: documents carry no personal data).
func (a *App) recEstablishmentNames(ctx context.Context, ids []int64, cache map[int64]string) ([]string, error) {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		name, ok := cache[id]
		if !ok {
			e, err := a.Store.GetEstablishment(ctx, id)
			if err != nil {
				return nil, err
			}
			name = e.Name
			cache[id] = name
		}
		out = append(out, name)
	}
	return out, nil
}

// Legal documents cited by code.
const (
	recDecree45  = "NĐ 45/2012/NĐ-CP"
	recDecree235 = "NĐ 235/2025/NĐ-CP"
)

// recLegalBases are the legal bases of a document about day on: Decree
// 45/2012 on khuyến công, Decree 235/2025 amending it once in force, and
// the legal basis with code and title of the scheme applied, unless it is
// one of those. Each ends with ";" and the last with ".".
func recLegalBases(on kc.Date, code, title string) []string {
	out := []string{recT("basis.decree45")}
	amended := !on.Before(kc.MustDate("2025-10-15"))
	if amended {
		out = append(out, recT("basis.decree235"))
	}
	code = strings.TrimSpace(code)
	if code != "" && code != recDecree45 && (code != recDecree235 || !amended) {
		out = append(out, recLegalBasisLine(code, title))
	}
	return recEndBases(out)
}

// recEndBases ends the last basis with "." instead of ";".
func recEndBases(bases []string) []string {
	if n := len(bases); n > 0 {
		bases[n-1] = strings.TrimSuffix(bases[n-1], ";") + "."
	}
	return bases
}

// recLegalBasisLine writes "Căn cứ <type> số <number> <title>;" from a
// legal basis code such as "TT 28/2018/TT-BTC" and its title, dropping the
// type the title repeats; "" for no code.
func recLegalBasisLine(code, title string) string {
	code = strings.TrimSpace(code)
	if code == "" {
		return ""
	}
	text := code
	if abbr, number, ok := strings.Cut(code, " "); ok {
		key := "records.legal_type." + vi.Fold(abbr)
		if locale.Has(key) {
			typ := locale.T("vi", key)
			text = recT("basis.number", typ, number)
			if t := strings.TrimSpace(title); t != "" {
				if vi.Fold(t) != vi.Fold(typ) && strings.HasPrefix(vi.Fold(t), vi.Fold(typ)+" ") {
					t = strings.TrimSpace(t[len(typ):])
				}
				text += " " + t
			}
			return recT("basis.line", text)
		}
	}
	if t := strings.TrimSpace(title); t != "" {
		text += " " + t
	}
	return recT("basis.line", text)
}

// recCostTable is the cost estimate of a project: item, quantity, unit cost
// and amount per line, with the total.
func recCostTable(lines []kc.CostLine) *report.Table {
	t := &report.Table{Sheet: recT("decision.cost_sheet"), Caption: recT("decision.cost_caption"),
		Columns: []report.Column{{Title: recT("col.stt")}, {Title: recT("decision.col_item"), Width: 4}, {Title: recT("decision.col_qty"), Kind: report.Count},
			recMoneyCol(recT("decision.col_unit_cost")), recMoneyCol(recT("decision.col_line_amount"))}}
	var sum int64
	for i, c := range lines {
		t.Rows = append(t.Rows, []report.Cell{{Text: fmt.Sprint(i + 1)}, {Text: c.Item}, {N: c.Quantity}, {N: c.UnitCost}, {N: c.Amount}})
		sum += c.Amount
	}
	t.Total = []report.Cell{{Text: recT("total")}, {}, {Empty: true}, {Empty: true}, {N: sum}}
	return t
}

// recFundingTable is the funding of a project per source (state sources in
// order, the counterpart last) with the total.
func recFundingTable(amounts map[string]int64) *report.Table {
	t := &report.Table{Sheet: recT("decision.funding_sheet"), Caption: recT("decision.funding_caption"),
		Columns: []report.Column{{Title: recT("col.source"), Width: 3}, recMoneyCol(recT("col.amount"))}}
	var sum int64
	for _, src := range kc.FundingSources {
		if n := amounts[src]; n != 0 {
			t.Rows = append(t.Rows, []report.Cell{{Text: recSource(src)}, {N: n}})
			sum += n
		}
	}
	t.Total = []report.Cell{{Text: recT("total")}, {N: sum}}
	return t
}

// recSortedFunding returns the funding lines in the order of the sources.
func recSortedFunding(fs []kc.Funding) []kc.Funding {
	out := slices.Clone(fs)
	slices.SortStableFunc(out, func(x, y kc.Funding) int { return cmp.Compare(sourceRank(x.Source), sourceRank(y.Source)) })
	return out
}

// recStateAndCounterpart splits amounts per source into the state money and
// the beneficiary's counterpart.
func recStateAndCounterpart(amounts map[string]int64) (state, counterpart int64) {
	for src, n := range amounts {
		if src == kc.SourceCounterpart {
			counterpart += n
		} else {
			state += n
		}
	}
	return state, counterpart
}

// recHeading, recPara and recBullet are body blocks.
func recHeading(level int, text string) report.Block {
	return report.Block{Kind: report.Heading, Level: level, Text: text}
}
func recPara(text string) report.Block   { return report.Block{Kind: report.Paragraph, Text: text} }
func recBullet(text string) report.Block { return report.Block{Kind: report.Bullet, Text: text} }

// recMoneyCol is a money column twice the usual width.
func recMoneyCol(title string) report.Column {
	return report.Column{Title: title, Kind: report.Money, Width: 2}
}

// recMoney writes an amount as documents do: "1.500.000 đồng".
func recMoney(n int64) string { return recT("money", vi.FormatNumber(n)) }

// recMoneyWords writes an amount with its reading: "360.000.000 đồng (bằng
// chữ: Ba trăm sáu mươi triệu đồng)".
func recMoneyWords(n int64) string { return recT("money_words", vi.FormatNumber(n), vi.MoneyWords(n)) }

// recMillions is an amount in millions of đồng, for charts.
func recMillions(n int64) float64 { return float64(n) / 1e6 }

// recSource names a funding source for a table: "Ngân sách tỉnh".
func recSource(src string) string { return recUpperFirst(sourceLabel(src)) }

// recAreaLabel names a content area: "CA3 – Mô hình trình diễn …".
func recAreaLabel(names map[string]string, code string) string {
	if n, ok := names[code]; ok {
		return code + " – " + n
	}
	return code
}

// recUnitLabel names a unit with its type ("Xã An Phú"), once.
func recUnitLabel(u kc.Unit) string {
	if u.Type == "" || strings.HasPrefix(vi.Fold(u.Name), vi.Fold(u.Type)+" ") {
		return u.Name
	}
	return u.Type + " " + u.Name
}

// recUnitInSentence names a unit inside a sentence: "tỉnh Quảng Trị".
func recUnitInSentence(u kc.Unit) string {
	label := recUnitLabel(u)
	if u.Type == "" {
		return label
	}
	r, n := utf8.DecodeRuneInString(label)
	return string(unicode.ToLower(r)) + label[n:]
}

// recUpperFirst upper-cases the first letter of s.
func recUpperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// recDocName makes a file name base of parts: folded to ASCII, lower case,
// every run of other characters one "-": "ke-hoach-khuyen-cong-2027-…".
func recDocName(parts ...string) string {
	s := vi.Fold(strings.Join(parts, " "))
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}
