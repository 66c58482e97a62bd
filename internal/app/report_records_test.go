package app_test

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"khuyencong/internal/allocate"
	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/locale/localetest"
	"khuyencong/internal/report"
	"khuyencong/internal/report/xlsx"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
	"khuyencong/internal/vi"
)

// rec renders a "records." message as the documents do.
func rec(key string, args ...any) string { return locale.T("vi", "records."+key, args...) }

// docText is every text of a document, tables written as the renderers
// write them, one piece per line.
func docText(d report.Document) string {
	parts := []string{d.ParentBody, d.IssuingBody, d.Number, d.Place, d.Type, d.Summary, d.Footnote}
	parts = append(parts, d.Bases...)
	parts = append(parts, d.Addressees...)
	parts = append(parts, d.Recipients...)
	for _, s := range d.Signers {
		parts = append(parts, s.Authority, s.Title, s.Name)
	}
	for _, b := range d.Blocks {
		parts = append(parts, b.Text)
		if t := b.Table; t != nil {
			parts = append(parts, t.Caption, t.Note)
			for _, row := range append(slices.Clone(t.Rows), t.Total) {
				for i, c := range row {
					if i < len(t.Columns) {
						parts = append(parts, report.Format(t.Columns[i].Kind, c))
					}
				}
			}
		}
		if c := b.Chart; c != nil {
			parts = append(parts, c.Title, c.Unit)
			parts = append(parts, c.Categories...)
		}
	}
	return strings.Join(parts, "\n")
}

// docTable returns the table of d whose sheet is sheet.
func docTable(t *testing.T, d report.Document, sheet string) *report.Table {
	t.Helper()
	for _, tb := range d.Tables() {
		if tb.Sheet == sheet {
			return tb
		}
	}
	t.Fatalf("no table %q in %q", sheet, d.Summary)
	return nil
}

// formatted writes a table row as the renderers do.
func formatted(tb *report.Table, row []report.Cell) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = report.Format(tb.Columns[i].Kind, c)
	}
	return out
}

// rowsOf writes every row of a table, the total last.
func rowsOf(tb *report.Table) [][]string {
	var out [][]string
	for _, r := range tb.Rows {
		out = append(out, formatted(tb, r))
	}
	if tb.Total != nil {
		out = append(out, formatted(tb, tb.Total))
	}
	return out
}

// num writes an amount as the tables do.
func num(n int64) string { return vi.FormatNumber(n) }

// checkRows compares the rows of a table with the wanted ones.
func checkRows(t *testing.T, tb *report.Table, want [][]string) {
	t.Helper()
	got := rowsOf(tb)
	if len(got) != len(want) {
		t.Errorf("%s: %d rows %q,\nwant %d %q", tb.Sheet, len(got), got, len(want), want)
		return
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("%s row %d: %q,\nwant %q", tb.Sheet, i+1, got[i], want[i])
		}
	}
}

// renderXLSX renders d as a workbook and reopens it: every table has its
// sheet.
func renderXLSX(t *testing.T, d report.Document) {
	t.Helper()
	var buf bytes.Buffer
	if err := xlsx.Render(&buf, d); err != nil {
		t.Fatalf("xlsx.Render %q: %v", d.Summary, err)
	}
	if buf.Len() == 0 || !bytes.HasPrefix(buf.Bytes(), []byte("PK")) {
		t.Fatalf("xlsx of %q is not a zip", d.Summary)
	}
	if n := bytes.Count(buf.Bytes(), []byte("xl/worksheets/sheet")); n < len(d.Tables())+1 {
		t.Errorf("xlsx of %q has %d sheet entries for %d tables", d.Summary, n, len(d.Tables()))
	}
}

// sameRefusal checks that err is the refusal want gives (same code, not
// empty).
func sameRefusal(t *testing.T, what string, err, want error) {
	t.Helper()
	if want == nil || err == nil || kc.ErrorCode(err) != kc.ErrorCode(want) {
		t.Errorf("%s: %v, want the refusal %v", what, err, want)
	}
}

// checkConflict checks that err is EConflict naming the state label.
func checkConflict(t *testing.T, what string, err error, state string) {
	t.Helper()
	if kc.ErrorCode(err) != kc.EConflict {
		t.Fatalf("%s: %v, want %s", what, err, kc.EConflict)
	}
	if msg := projMsg(err); !strings.Contains(msg, "«"+locale.T("vi", "projects.state."+state)+"»") {
		t.Errorf("%s: %q does not name the state %s", what, msg, state)
	}
}

func TestPlanDocument(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newPlanFixture(t, st)
		v := f.createPlan(t)
		prov := f.As(t, t.Context(), apptest.Province)
		if _, err := f.App.SetPin(prov, v.ID, f.ids["C-1"], allocate.In); err != nil {
			t.Fatal(err)
		}
		if _, err := f.App.SetPin(prov, v.ID, f.ids["C-4"], allocate.Out); err != nil {
			t.Fatal(err)
		}
		d, err := f.App.PlanDocument(prov, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Type != "KẾ HOẠCH" || d.Summary != "Khuyến công năm 2027 của tỉnh Thử Nghiệm" || d.Draft {
			t.Errorf("type %q summary %q draft %v", d.Type, d.Summary, d.Draft)
		}
		if d.Name != "ke-hoach-khuyen-cong-2027-tinh-thu-nghiem" {
			t.Errorf("name %q", d.Name)
		}
		if d.IssuingBody != locale.T("vi", "doc.province_body") || !strings.HasSuffix(d.Number, "/KH-SCT") || len(d.Signers) != 1 {
			t.Errorf("header %q %q %+v", d.IssuingBody, d.Number, d.Signers)
		}
		if len(d.Bases) == 0 || !strings.Contains(d.Bases[0], "45/2012/NĐ-CP") || !strings.HasSuffix(d.Bases[len(d.Bases)-1], ".") {
			t.Errorf("bases %q", d.Bases)
		}

		// Envelopes, by hand from the fixture: provincial 300 m (100 m
		// committed, 74 m paid), its CA1 limit 60 m (K-02 30 + K-03 20
		// committed, 21 + 18 paid), commune 100 m (10 m committed).
		env := docTable(t, d, rec("plan.envelope_sheet"))
		prv, com := locale.T("vi", "projects.source.provincial"), locale.T("vi", "projects.source.commune")
		up := func(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
		ca1 := "CA1 – Đào tạo nghề, truyền nghề"
		checkRows(t, env, [][]string{
			{up(prv), rec("all_areas"), num(mil(300)), num(mil(100)), num(mil(74)), num(mil(200))},
			{up(prv), ca1, num(mil(60)), num(mil(50)), num(mil(39)), num(mil(10))},
			{up(com), rec("all_areas"), num(mil(100)), num(mil(10)), "0", num(mil(90))},
			{rec("total"), "", num(mil(400)), num(mil(110)), num(mil(74)), num(mil(290))},
		})
		// The same figures as the plan's own view.
		for i, e := range v.Envelopes {
			if e.Amount != env.Rows[i][2].N || e.Committed != env.Rows[i][3].N || e.Available != env.Rows[i][5].N {
				t.Errorf("envelope %d differs from the plan view: %+v", i, e)
			}
		}
		text := docText(d)
		for _, want := range []string{"400.000.000 đồng", "110.000.000 đồng", "290.000.000 đồng", rec("plan.h1"), rec("plan.h3")} {
			if !strings.Contains(text, want) {
				t.Errorf("plan lacks %q", want)
			}
		}

		// Projects: the committed ones (approved amounts), then the
		// pinned proposal C-1 (amounts asked for); not C-2 (free), C-4
		// (pinned out) nor the rejected, draft or 2026 projects.
		pt := docTable(t, d, rec("plan.projects_sheet"))
		var codes []string
		for _, r := range pt.Rows {
			codes = append(codes, r[0].Text)
		}
		if !slices.Equal(codes, []string{"K-01", "K-02", "K-03", "C-1"}) {
			t.Fatalf("plan projects %q", codes)
		}
		area := func(code string) string {
			names := map[string]string{"CA1": "Đào tạo nghề, truyền nghề", "CA3": "Mô hình trình diễn kỹ thuật, chuyển giao công nghệ, máy móc tiên tiến"}
			return code + " – " + names[code]
		}
		checkRows(t, pt, [][]string{
			{"K-01", "Đề án K-01", "Xã An Phú", area("CA3"), num(mil(60)), num(mil(40)), "0", locale.T("vi", "projects.state.approved")},
			{"K-02", "Đề án K-02", "Xã Bình Minh", area("CA1"), num(mil(30)), "0", "0", locale.T("vi", "projects.state.in_progress")},
			{"K-03", "Đề án K-03", "Xã An Phú", area("CA1"), num(mil(20)), "0", "0", locale.T("vi", "projects.state.settled")},
			{"C-1", "Đề án C-1", "Xã An Phú", area("CA3"), num(mil(160)), num(mil(160)), "10", rec("plan.pinned")},
			{rec("total"), "", "", "", num(mil(270)), num(mil(200)), "10", ""},
		})
		// C-2, C-3, C-5 and C-6 are still free proposals.
		if !strings.Contains(text, rec("plan.others", 4)) {
			t.Errorf("plan does not count the 4 other proposals")
		}
		var chart *report.Chart
		for _, b := range d.Blocks {
			if b.Kind == report.ChartBlock {
				chart = b.Chart
			}
		}
		if chart == nil || chart.Kind != report.Bar || chart.Table != env.Sheet || !slices.Equal(chart.Categories, []string{up(prv), up(com)}) ||
			len(chart.Series) == 0 || !slices.Equal(chart.Series[0].Values, []float64{300, 100}) || !slices.Equal(chart.Series[1].Values, []float64{100, 10}) {
			t.Errorf("funds chart %+v", chart)
		}
		renderXLSX(t, d)

		// A commune officer does not see the province's plan: the same
		// refusal as the plan itself.
		a := f.As(t, t.Context(), apptest.OfficerA)
		_, err = f.App.PlanDocument(a, v.ID)
		_, want := f.App.Plan(a, v.ID)
		sameRefusal(t, "plan out of scope", err, want)
	})
}

func TestDecisionDraft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjFixture(t, st)
		in := f.input()
		in.StartsOn, in.EndsOn = kc.MustDate("2026-04-01"), kc.MustDate("2026-10-31")
		v := f.create(t, f.a, in)
		_, err := f.App.DecisionDraft(f.a, v.ID)
		checkConflict(t, "draft project", err, kc.StateDraft)

		v = f.step(t, f.a, v.ID, app.Transition{Action: app.ActionRegister, On: kc.MustDate("2026-03-01")})
		d, err := f.App.DecisionDraft(f.a, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !d.Draft || d.Type != "QUYẾT ĐỊNH" || d.Summary != "Về việc phê duyệt đề án khuyến công "+in.Title {
			t.Errorf("draft %v type %q summary %q", d.Draft, d.Type, d.Summary)
		}
		if d.Name != "du-thao-quyet-dinh-"+strings.ToLower(v.Code) {
			t.Errorf("name %q for %s", d.Name, v.Code)
		}
		if !strings.HasSuffix(d.Number, "/QĐ-SCT") || d.IssuingBody != locale.T("vi", "doc.province_body") || len(d.Signers) != 1 {
			t.Errorf("header %q %q %+v", d.Number, d.IssuingBody, d.Signers)
		}
		// Bases: Decree 45/2012, Decree 235/2025 (the legal basis of the
		// scheme in force, not repeated), the proposal last.
		sv, err := st.GetSchemeVersion(t.Context(), v.SchemeID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Bases) != 3 || !strings.Contains(d.Bases[0], "45/2012/NĐ-CP") || !strings.Contains(d.Bases[1], strings.TrimPrefix(sv.LegalBasis, "NĐ ")) ||
			!strings.HasPrefix(d.Bases[2], "Xét đề nghị của "+in.ImplementingOrg) || !strings.Contains(d.Bases[2], v.Code) {
			t.Errorf("bases %q (scheme basis %q)", d.Bases, sv.LegalBasis)
		}
		for i, b := range d.Bases {
			if end := map[bool]string{true: ".", false: ";"}[i == len(d.Bases)-1]; !strings.HasSuffix(b, end) {
				t.Errorf("basis %d %q does not end with %q", i, b, end)
			}
		}
		text := docText(d)
		for _, want := range []string{v.Code, in.Title, f.EstA.Name, "Địa điểm thực hiện: xã An Phú, tỉnh Thử Nghiệm.", in.ImplementingOrg, "01/04/2026", "31/10/2026", "QUYẾT ĐỊNH:",
			"Điều 1.", "Điều 2.", "Điều 3.", "CA3 – Mô hình trình diễn"} {
			if !strings.Contains(text, want) {
				t.Errorf("decision lacks %q", want)
			}
		}
		// The cost and funding as the project holds them, the state
		// total also in words.
		var lines [][]string
		var cost int64
		for i, c := range in.CostLines {
			lines = append(lines, []string{string(rune('1' + i)), c.Item, num(c.Quantity), num(c.UnitCost), num(c.Quantity * c.UnitCost)})
			cost += c.Quantity * c.UnitCost
		}
		checkRows(t, docTable(t, d, rec("decision.cost_sheet")), append(lines, []string{rec("total"), "", "–", "–", num(cost)}))
		checkRows(t, docTable(t, d, rec("decision.funding_sheet")), [][]string{
			{"Ngân sách tỉnh", num(in.Funding[0].Planned)}, {"Vốn đối ứng của cơ sở", num(in.Funding[1].Planned)},
			{rec("total"), num(in.Funding[0].Planned + in.Funding[1].Planned)}})
		if !strings.Contains(text, "360.000.000 đồng (bằng chữ: Ba trăm sáu mươi triệu đồng)") ||
			!strings.Contains(text, num(cost)+" đồng (bằng chữ: "+vi.MoneyWords(cost)+")") {
			t.Errorf("decision lacks the amounts in words")
		}
		if !slices.Contains(d.Recipients, "Như Điều 3;") {
			t.Errorf("recipients %q", d.Recipients)
		}
		renderXLSX(t, d)

		// Out of scope: the refusal Project gives.
		_, err = f.App.DecisionDraft(f.b, v.ID)
		_, want := f.App.Project(f.b, v.ID)
		sameRefusal(t, "decision out of scope", err, want)

		// Approved: the approved amounts and the appraisal; started: refused.
		in.CostLines = []kc.CostLine{{Item: "Máy đóng chai", Quantity: 2, UnitCost: 600_000_000}}
		w := f.create(t, f.a, in)
		f.approve(t, w.ID, kc.MustDate("2026-03-01"))
		d, err = f.App.DecisionDraft(f.prov, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if last := d.Bases[len(d.Bases)-1]; !strings.Contains(last, "11/03/2026") {
			t.Errorf("proposal basis %q lacks the appraisal day", last)
		}
		renderXLSX(t, d)
		f.step(t, f.a, w.ID, app.Transition{Action: app.ActionStart, On: kc.MustDate("2026-04-10")})
		_, err = f.App.DecisionDraft(f.prov, w.ID)
		checkConflict(t, "started project", err, kc.StateInProgress)
	})
}

// TestDecisionDraftCommune checks that a project funded by the commune
// budget alone is decided by the commune's People's Committee.
func TestDecisionDraftCommune(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjFixture(t, st)
		in := f.input()
		in.CostLines = []kc.CostLine{{Item: "Máy sấy", Quantity: 1, UnitCost: 50_000_000}}
		in.Funding = []kc.Funding{{Source: kc.SourceCommune, Planned: 15_000_000}, {Source: kc.SourceCounterpart, Planned: 35_000_000}}
		v := f.create(t, f.a, in)
		f.step(t, f.a, v.ID, app.Transition{Action: app.ActionRegister, On: kc.MustDate("2026-03-01")})
		d, err := f.App.DecisionDraft(f.a, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(d.Number, "/QĐ-UBND") || !strings.Contains(d.IssuingBody, "AN PHÚ") ||
			d.Signers[0].Authority != locale.T("vi", "doc.commune_authority") {
			t.Errorf("commune decision header %q %q %+v", d.Number, d.IssuingBody, d.Signers)
		}
		if len(d.Bases) != 3 || !strings.Contains(docText(d), "15.000.000 đồng (bằng chữ: Mười lăm triệu đồng)") {
			t.Errorf("commune decision bases %q or amount in words", d.Bases)
		}
	})
}

func TestAcceptanceMinutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjFixture(t, st)
		est, err := f.App.CreateEstablishment(f.a, kc.Establishment{Kind: kc.KindHouseholdBusiness, Name: "Hộ rượu men lá A Vao",
			CommuneID: f.CommuneA.ID, OwnerName: "Hồ Thị Lan", Phone: "0912345678", PersonalID: "001234567890"})
		if err != nil {
			t.Fatal(err)
		}
		in := f.input()
		in.Beneficiaries = []int64{est.ID}
		in.StartsOn, in.EndsOn = kc.MustDate("2026-04-01"), kc.MustDate("2026-10-31")
		v := f.create(t, f.a, in)
		f.approve(t, v.ID, kc.MustDate("2026-03-01"))
		_, err = f.App.AcceptanceMinutes(f.a, v.ID)
		checkConflict(t, "approved project", err, kc.StateApproved)

		f.step(t, f.a, v.ID, app.Transition{Action: app.ActionStart, On: kc.MustDate("2026-04-10"),
			Advances: map[string]int64{kc.SourceProvincial: 252_000_000}})
		d, err := f.App.AcceptanceMinutes(f.a, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		today := kc.DateOf(f.App.Now())
		if !d.Draft || kc.DateOf(d.Date) != today || d.Name != "du-thao-bien-ban-nghiem-thu-"+strings.ToLower(v.Code) {
			t.Errorf("in progress: draft %v date %v (today %v) name %q", d.Draft, d.Date, today, d.Name)
		}
		if text := docText(d); !strings.Contains(text, rec("minutes.no_outputs")) || !strings.Contains(text, rec("minutes.conclusion_draft")) {
			t.Errorf("draft minutes lack the empty results or the conclusion to fill")
		}
		renderXLSX(t, d)

		f.step(t, f.prov, v.ID, app.Transition{Action: app.ActionAccept, On: kc.MustDate("2026-11-01"), DocumentRef: "BB 11/2026",
			Outputs: []kc.Output{{Kind: "machines", Value: 2}, {Kind: "jobs", Value: 6}}})
		d, err = f.App.AcceptanceMinutes(f.a, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Draft || kc.DateOf(d.Date) != kc.MustDate("2026-11-01") || d.Name != "bien-ban-nghiem-thu-"+strings.ToLower(v.Code) {
			t.Errorf("accepted: draft %v date %v name %q", d.Draft, d.Date, d.Name)
		}
		if d.Type != "BIÊN BẢN" || d.Summary != "Nghiệm thu đề án "+v.Code+" «"+in.Title+"»" || d.Place != "An Phú" {
			t.Errorf("type %q summary %q place %q", d.Type, d.Summary, d.Place)
		}
		if d.PlaceDate() != "An Phú, ngày 01 tháng 11 năm 2026" {
			t.Errorf("place and date %q", d.PlaceDate())
		}
		// Held in the project's commune, named with its province.
		if want := "tại xã An Phú, tỉnh Thử Nghiệm, chúng tôi gồm:"; !strings.Contains(docText(d), want) {
			t.Errorf("minutes lack %q", want)
		}
		checkRows(t, docTable(t, d, rec("minutes.outputs_sheet")), [][]string{
			{"1", locale.T("vi", "projects.output.machines"), "2"}, {"2", locale.T("vi", "projects.output.jobs"), "6"}})
		// Not settled yet: the settled column is empty ("–").
		checkRows(t, docTable(t, d, rec("minutes.funding_sheet")), [][]string{
			{"Ngân sách tỉnh", num(360_000_000), num(252_000_000), "–"},
			{"Vốn đối ứng của cơ sở", num(840_000_000), "0", "–"},
			{rec("total"), num(1_200_000_000), num(252_000_000), "–"}})
		pv, err := f.App.Project(f.a, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		text := docText(d)
		for _, want := range []string{est.Name, "15/QĐ-SCT", "21/03/2026", in.Title, v.Code, rec("minutes.conclusion_done"),
			vi.FormatDay(pv.StartsOn.Time()), vi.FormatDay(pv.EndsOn.Time())} {
			if !strings.Contains(text, want) {
				t.Errorf("minutes lack %q", want)
			}
		}
		// Names of establishments only, no personal data.
		for _, personal := range []string{"Hồ Thị Lan", "0912345678", "912", "001234567890"} {
			if strings.Contains(text, personal) {
				t.Errorf("minutes show personal data %q", personal)
			}
		}
		if len(d.Signers) != 2 || d.Signers[0].Title != "ĐẠI DIỆN CƠ SỞ THỤ HƯỞNG" || d.Signers[1].Title != "ĐẠI DIỆN "+d.IssuingBody || len(d.Recipients) != 0 {
			t.Errorf("signers %+v recipients %q", d.Signers, d.Recipients)
		}
		renderXLSX(t, d)

		// Settled: the settled amounts are shown.
		f.step(t, f.prov, v.ID, app.Transition{Action: app.ActionSettle, On: kc.MustDate("2026-11-20"),
			Settled: map[string]int64{kc.SourceProvincial: 350_000_000, kc.SourceCounterpart: 840_000_000}})
		d, err = f.App.AcceptanceMinutes(f.prov, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		checkRows(t, docTable(t, d, rec("minutes.funding_sheet")), [][]string{
			{"Ngân sách tỉnh", num(360_000_000), num(252_000_000), num(350_000_000)},
			{"Vốn đối ứng của cơ sở", num(840_000_000), "0", num(840_000_000)},
			{rec("total"), num(1_200_000_000), num(252_000_000), num(1_190_000_000)}})

		_, err = f.App.AcceptanceMinutes(f.b, v.ID)
		_, want := f.App.Project(f.b, v.ID)
		sameRefusal(t, "minutes out of scope", err, want)
	})
}

// TestRecordsMessages checks that every "records." key the documents
// use has a Vietnamese and an English message, and that records.json
// holds no unused key.
func TestRecordsMessages(t *testing.T) {
	used := localetest.Used(t, "report_records.go", regexp.MustCompile(`recT\("([a-z_.0-9]+)"`), "records.")
	for k := range localetest.Used(t, "report_records.go", regexp.MustCompile(`"(records\.[a-z_.0-9]*[a-z0-9])"`), "") {
		used[k] = true
	}
	for _, abbr := range []string{"nd", "tt", "ttlt", "qd", "nq"} {
		used["records.legal_type."+abbr] = true
	}
	localetest.Check(t, "records.json", used, "records.")
}
