package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/locale/localetest"
	"khuyencong/internal/report"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// rawDB opens a second, plain database/sql connection to the store's
// database (from its DSN), so the tests recompute figures with their own
// SQL, sharing nothing with store/report.go.
func rawDB(t *testing.T, s *store.Store) *sql.DB {
	t.Helper()
	d, target, err := store.ParseDSN(s.DSN())
	if err != nil {
		t.Fatal(err)
	}
	driver := "sqlite"
	if d.Postgres() {
		driver = "pgx"
	}
	db, err := sql.Open(driver, target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// recomputer answers plain SQL over the at-time unit set h(id) of one
// unit (the unit, its children and its predecessors, to a fixpoint) and
// the current communes r(id) that set went into (the registry).
type recomputer struct {
	t        *testing.T
	db       *sql.DB
	with     string
	from, to int
}

func newRecomputer(t *testing.T, db *sql.DB, rootID int64, from, to int) recomputer {
	with := fmt.Sprintf(`WITH RECURSIVE h(id) AS (
			SELECT id FROM unit WHERE id = %d
			UNION
			SELECT e.child FROM h JOIN (
				SELECT id AS child, parent_id AS par FROM unit WHERE parent_id IS NOT NULL
				UNION ALL SELECT from_unit_id, to_unit_id FROM unit_succession) e ON e.par = h.id),
		f(id) AS (SELECT id FROM h UNION SELECT s.to_unit_id FROM unit_succession s JOIN f ON s.from_unit_id = f.id),
		r(id) AS (SELECT u.id FROM unit u JOIN f ON f.id = u.id WHERE u.level = 'commune' AND u.valid_to IS NULL)`, rootID)
	return recomputer{t: t, db: db, with: with, from: from, to: to}
}

// n runs one query returning one number (NULL counts as 0).
func (r recomputer) n(q string) int64 {
	r.t.Helper()
	var v sql.NullInt64
	if err := r.db.QueryRow(r.with + "\n" + q).Scan(&v); err != nil {
		r.t.Fatalf("%v\n%s", err, q)
	}
	return v.Int64
}

// funded is the definition's "funded projects": plan year in the period,
// registered in a unit of the set, in a funded state.
func (r recomputer) funded() string {
	return fmt.Sprintf(`p.year BETWEEN %d AND %d
		AND p.state IN ('approved', 'in_progress', 'accepted', 'settled', 'closed', 'carried_over')
		AND p.commune_id IN (SELECT id FROM h)`, r.from, r.to)
}

// queries returns one independent query per indicator code.
func (r recomputer) queries() map[string]string {
	funded := r.funded()
	fund := func(cond, col string) string {
		return "SELECT SUM(f." + col + ") FROM project p JOIN project_funding f ON f.project_id = p.id WHERE " + funded + " AND " + cond
	}
	out := func(kind string) string {
		return "SELECT SUM(o.value) FROM project p JOIN project_output o ON o.project_id = p.id WHERE " + funded + " AND o.kind = '" + kind + "'"
	}
	beneficiaries := "FROM project p JOIN project_beneficiary b ON b.project_id = p.id JOIN establishment e ON e.id = b.establishment_id WHERE " + funded
	sessions := fmt.Sprintf("FROM outreach_session WHERE held_on BETWEEN '%d-01-01' AND '%d-12-31' AND status = 'held' AND commune_id IN (SELECT id FROM h)", r.from, r.to)
	certs := fmt.Sprintf(`FROM certificate c JOIN establishment e ON e.id = c.establishment_id
		WHERE c.kind = 'typical_product' AND c.year BETWEEN %d AND %d AND e.commune_id IN (SELECT id FROM r)`, r.from, r.to)
	q := map[string]string{
		"funds_state_approved":            fund("f.source <> 'counterpart'", "approved"),
		"funds_national":                  fund("f.source = 'national'", "approved"),
		"funds_provincial":                fund("f.source = 'provincial'", "approved"),
		"funds_district":                  fund("f.source = 'district'", "approved"),
		"funds_commune":                   fund("f.source = 'commune'", "approved"),
		"funds_other":                     fund("f.source = 'other'", "approved"),
		"funds_state_disbursed":           fund("f.source <> 'counterpart'", "advanced"),
		"funds_state_settled":             fund("f.source <> 'counterpart'", "settled"),
		"counterpart_mobilised":           fund("f.source = 'counterpart'", "approved"),
		"projects_total":                  "SELECT COUNT(*) FROM project p WHERE " + funded,
		"projects_national":               "SELECT COUNT(*) FROM project p WHERE " + funded + " AND p.level = 'national'",
		"projects_local":                  "SELECT COUNT(*) FROM project p WHERE " + funded + " AND p.level = 'local'",
		"demo_models":                     out("models"),
		"machines":                        out("machines"),
		"tech_lines":                      out("lines"),
		"brands":                          out("brands"),
		"fairs":                           out("fairs"),
		"trainees":                        out("trainees"),
		"trainees_employed":               out("trainees_employed"),
		"jobs_created":                    out("jobs"),
		"machinery_establishments":        "SELECT COUNT(DISTINCT b.establishment_id) FROM project p JOIN project_beneficiary b ON b.project_id = p.id JOIN project_output o ON o.project_id = p.id WHERE " + funded + " AND o.kind IN ('machines', 'lines') AND o.value > 0",
		"establishments_supported":        "SELECT COUNT(DISTINCT e.id) " + beneficiaries,
		"supported_women_owned":           "SELECT COUNT(DISTINCT e.id) " + beneficiaries + " AND e.women_owned",
		"supported_ethnic_minority_owned": "SELECT COUNT(DISTINCT e.id) " + beneficiaries + " AND e.ethnic_minority_owned",
		"traditional_trades_supported": `SELECT COUNT(DISTINCT t.id) FROM trade t JOIN establishment_trade et ON et.trade_id = t.id
			WHERE t.traditional AND et.establishment_id IN (SELECT b.establishment_id FROM project p JOIN project_beneficiary b ON b.project_id = p.id WHERE ` + funded + `)`,
		"featured_products":         "SELECT COUNT(*) " + certs,
		"outreach_sessions":         "SELECT COUNT(*) " + sessions,
		"people_reached":            "SELECT SUM(attendees) " + sessions,
		"establishments_registered": "SELECT COUNT(*) FROM establishment WHERE commune_id IN (SELECT id FROM r)",
	}
	for _, level := range app.FeaturedLevels {
		q[app.FeaturedPrefix+level] = "SELECT COUNT(*) " + certs + " AND c.level = '" + level + "'"
	}
	return q
}

// checkIndicators recomputes every catalogue indicator of ds.
func (r recomputer) checkIndicators(ds *report.Dataset) {
	r.t.Helper()
	queries := r.queries()
	codes := map[string]bool{}
	for _, def := range app.IndicatorCatalogue() {
		codes[def.Code] = true
		q, ok := queries[def.Code]
		if !ok {
			r.t.Errorf("indicator %s is in the catalogue but the test has no query recomputing it", def.Code)
			continue
		}
		want := r.n(q)
		got, present := ds.Indicator(def.Code)
		switch {
		case !present && strings.HasPrefix(def.Code, app.FeaturedPrefix):
			if want != 0 {
				r.t.Errorf("%s missing from the dataset, SQL finds %d", def.Code, want)
			}
		case !present:
			r.t.Errorf("%s missing from the dataset", def.Code)
		case got.Value != want:
			r.t.Errorf("%s = %d, SQL finds %d", def.Code, got.Value, want)
		}
		if present && (got.Label == "" || got.Definition == "" || got.Unit == "" || strings.HasPrefix(got.Label, "report.") || strings.HasPrefix(got.Definition, "report.")) {
			r.t.Errorf("%s: label %q, definition %q, unit %q", def.Code, got.Label, got.Definition, got.Unit)
		}
	}
	for _, in := range ds.Indicators {
		if !codes[in.Code] {
			r.t.Errorf("dataset indicator %s is not in the catalogue", in.Code)
		}
	}
}

// checkFundsByYear recomputes the funds-by-year table cell by cell.
func (r recomputer) checkFundsByYear(ds *report.Dataset) {
	r.t.Helper()
	tb := ds.Table(locale.T("vi", "report.sheet.funds_year"))
	if tb == nil {
		r.t.Fatal("no funds-by-year table")
	}
	if len(tb.Rows) != r.to-r.from+1 {
		r.t.Fatalf("funds-by-year has %d rows for %d–%d", len(tb.Rows), r.from, r.to)
	}
	source := map[string]string{}
	for _, src := range kc.FundingSources {
		source[locale.T("vi", "report.source."+src)] = src
	}
	cond := func(title string) (string, bool) {
		if src, ok := source[title]; ok {
			return "f.source = '" + src + "'", true
		}
		switch title {
		case locale.T("vi", "report.col.state_total"):
			return "f.source <> 'counterpart'", true
		case locale.T("vi", "report.col.grand_total"):
			return "1 = 1", true
		}
		return "", false
	}
	checked := 0
	for i, row := range tb.Rows {
		year, err := strconv.Atoi(row[0].Text)
		if err != nil || year != r.from+i {
			r.t.Fatalf("row %d: year %q", i, row[0].Text)
		}
		for j, c := range tb.Columns[1:] {
			cd, ok := cond(c.Title)
			if !ok {
				r.t.Errorf("funds-by-year column %q is not recomputed", c.Title)
				continue
			}
			want := r.n(fmt.Sprintf("SELECT SUM(f.approved) FROM project p JOIN project_funding f ON f.project_id = p.id WHERE %s AND p.year = %d AND %s",
				r.funded(), year, cd))
			if got := row[j+1].N; got != want {
				r.t.Errorf("funds %d %q = %d, SQL finds %d", year, c.Title, got, want)
			}
			checked++
		}
	}
	for j, c := range tb.Columns[1:] {
		cd, _ := cond(c.Title)
		want := r.n("SELECT SUM(f.approved) FROM project p JOIN project_funding f ON f.project_id = p.id WHERE " + r.funded() + " AND " + cd)
		if got := tb.Total[j+1].N; got != want {
			r.t.Errorf("funds total %q = %d, SQL finds %d", c.Title, got, want)
		}
	}
	if checked < (r.to-r.from+1)*len(kc.FundingSources) {
		r.t.Errorf("only %d cells checked", checked)
	}
}

// rootID finds, in plain SQL, the unit of level with code in force at
// some day of the period, preferring the one in force on its last day.
func rootID(t *testing.T, db *sql.DB, code, level string, from, to int) int64 {
	t.Helper()
	var id int64
	err := db.QueryRow(fmt.Sprintf(`SELECT id FROM unit WHERE code = '%s' AND level = '%s' AND valid_from <= '%d-12-31'
		AND (valid_to IS NULL OR valid_to >= '%d-01-01') ORDER BY valid_from DESC LIMIT 1`, code, level, to, from)).Scan(&id)
	if err != nil {
		t.Fatalf("unit %s: %v", code, err)
	}
	return id
}

// checkShape checks what every dataset must hold: sheet names Excel
// accepts, rows as wide as their columns, charts pointing at tables.
func checkShape(t *testing.T, ds *report.Dataset) {
	t.Helper()
	sheets := map[string]bool{}
	for _, tb := range ds.Tables {
		if n := utf8.RuneCountInString(tb.Sheet); n == 0 || n > 31 || sheets[tb.Sheet] {
			t.Errorf("sheet %q (%d characters, duplicate %v)", tb.Sheet, n, sheets[tb.Sheet])
		}
		sheets[tb.Sheet] = true
		if tb.Caption == "" || strings.HasPrefix(tb.Caption, "report.") {
			t.Errorf("table %s caption %q", tb.Sheet, tb.Caption)
		}
		for i, row := range tb.Rows {
			if len(row) != len(tb.Columns) {
				t.Errorf("table %s row %d: %d cells for %d columns", tb.Sheet, i, len(row), len(tb.Columns))
			}
		}
		if tb.Total != nil && len(tb.Total) != len(tb.Columns) {
			t.Errorf("table %s total: %d cells", tb.Sheet, len(tb.Total))
		}
	}
	for _, c := range ds.Charts {
		if c.Table != "" && !sheets[c.Table] {
			t.Errorf("chart %q points at missing sheet %q", c.Title, c.Table)
		}
		for _, s := range c.Series {
			if len(s.Values) != len(c.Categories) {
				t.Errorf("chart %q series %q: %d values for %d categories", c.Title, s.Name, len(s.Values), len(c.Categories))
			}
		}
	}
}

// demoReport is the demo database with the province officer signed in.
type demoReport struct {
	a     *app.App
	s     *store.Store
	db    *sql.DB
	ctx   context.Context // the province officer
	login func(username, password string) context.Context
}

func loadDemoReport(t *testing.T, s *store.Store) demoReport {
	t.Helper()
	a := unitApp(t, s)
	ctx := t.Context()
	if _, err := a.EnsureDemo(ctx); err != nil {
		t.Fatal(err)
	}
	login := func(username, password string) context.Context {
		p, err := a.Authenticate(ctx, username, password, "192.0.2.1:1")
		if err != nil {
			t.Fatalf("%s: %v", username, err)
		}
		return app.WithPrincipal(ctx, p)
	}
	return demoReport{a: a, s: s, db: rawDB(t, s), ctx: login("canbo.tinh", "demo-province-2026"), login: login}
}

// TestPeriodReportRecomputedInSQL builds the period report of the former
// Đakrông district for 2015–2020 and of Xã Đakrông for 2026 on the demo,
// and recomputes every indicator of the catalogue and the funds-by-year
// table with plain SQL written here.
func TestPeriodReportRecomputedInSQL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d := loadDemoReport(t, s)
		cases := []struct {
			code, level string
			from, to    int
			former      bool
			nonZero     []string // the demo story must show these
		}{
			{"467", kc.LevelDistrict, 2015, 2020, true, []string{"funds_state_approved", "funds_district", "counterpart_mobilised", "projects_total",
				"establishments_supported", "trainees", "machines", "outreach_sessions", "people_reached", "establishments_registered", "featured_products", "fairs", "brands"}},
			{"19564", kc.LevelCommune, 2026, 2026, false, []string{"projects_total", "establishments_supported", "outreach_sessions", "establishments_registered"}},
		}
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s %d-%d", c.code, c.from, c.to), func(t *testing.T) {
				ds, err := d.a.PeriodReport(d.ctx, app.ReportRequest{UnitCode: c.code, From: c.from, To: c.to})
				if err != nil {
					t.Fatal(err)
				}
				id := rootID(t, d.db, c.code, c.level, c.from, c.to)
				if ds.UnitID != id || ds.UnitCode != c.code || ds.UnitLevel != c.level || ds.Former != c.former || ds.From != c.from || ds.To != c.to || ds.Empty {
					t.Fatalf("dataset %d %s %s former=%v %d–%d empty=%v, want unit %d", ds.UnitID, ds.UnitCode, ds.UnitLevel, ds.Former, ds.From, ds.To, ds.Empty, id)
				}
				r := newRecomputer(t, d.db, id, c.from, c.to)
				r.checkIndicators(ds)
				r.checkFundsByYear(ds)
				for _, code := range c.nonZero {
					if in, _ := ds.Indicator(code); in.Value == 0 {
						t.Errorf("%s is 0: the demo should show it", code)
					}
				}
				// The units counted: the communes of the set in force in the period.
				communes := r.n(fmt.Sprintf(`SELECT COUNT(*) FROM unit u WHERE u.id IN (SELECT id FROM h) AND u.level = 'commune'
					AND u.valid_from <= '%d-12-31' AND (u.valid_to IS NULL OR u.valid_to >= '%d-01-01')`, c.to, c.from))
				if int64(len(ds.Units)) != communes || communes == 0 {
					t.Errorf("%d units listed, SQL finds %d communes: %v", len(ds.Units), communes, ds.Units)
				}
				checkShape(t, ds)
			})
		}
	})
}

// TestPeriodReportHistory adds a 2018 project in Xã Ba Nang, a former
// commune of the Đakrông district merged into Xã Đakrông in 2025: it counts
// for the district 2015–2020 and for Xã Đakrông over 2018–2026, never for
// Xã La Lay.
func TestPeriodReportHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d := loadDemoReport(t, s)
		banang := rootID(t, d.db, "19576", kc.LevelCommune, 2018, 2018)
		reqs := []app.ReportRequest{{UnitCode: "467", From: 2015, To: 2020}, {UnitCode: "19564", From: 2018, To: 2026},
			{UnitCode: "19594", From: 2018, To: 2026}, {UnitCode: "19576", From: 2018, To: 2018}}
		before := make([]*report.Dataset, len(reqs))
		for i, rq := range reqs {
			ds, err := d.a.PeriodReport(d.ctx, rq)
			if err != nil {
				t.Fatal(err)
			}
			before[i] = ds
		}
		if before[1].UnitName != "Xã Đakrông" || before[1].Former || before[2].UnitName != "Xã La Lay" {
			t.Fatalf("resolved %q former=%v and %q", before[1].UnitName, before[1].Former, before[2].UnitName)
		}
		const support = 7_000_000
		if _, err := s.CreateProject(t.Context(), kc.Project{Code: "TEST-2018-BN", Title: "Hỗ trợ thử nghiệm ở Ba Nang", Year: 2018, Level: app.LevelLocal,
			ContentArea: kc.ContentDemoTech, CommuneID: banang, State: kc.StateSettled, RegisteredOn: kc.MustDate("2018-02-01"),
			Funding: []kc.Funding{{Source: kc.SourceDistrict, Approved: support, Advanced: support, Settled: support}}}); err != nil {
			t.Fatal(err)
		}
		want := []int64{1, 1, 0, 1}
		for i, rq := range reqs {
			ds, err := d.a.PeriodReport(d.ctx, rq)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := before[i].Indicator("projects_total")
			n, _ := ds.Indicator("projects_total")
			fb, _ := before[i].Indicator("funds_district")
			f, _ := ds.Indicator("funds_district")
			if n.Value-b.Value != want[i] || f.Value-fb.Value != want[i]*support {
				t.Errorf("%s: projects %d → %d, district funds %d → %d; want +%d project", rq, b.Value, n.Value, fb.Value, f.Value, want[i])
			}
		}
	})
}

// TestPeriodReportBadInput checks the refusals and the empty period.
func TestPeriodReportBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d := loadDemoReport(t, s)
		message := func(err error) (string, string) {
			es := kc.FieldErrors(err)
			if len(es) != 1 {
				return "", fmt.Sprint(err)
			}
			return es[0].Field, locale.T("vi", es[0].Key, es[0].Args...)
		}
		fieldCases := []struct {
			name  string
			req   app.ReportRequest
			field string
			words []string
		}{
			{"end before start", app.ReportRequest{UnitCode: "467", From: 2020, To: 2015}, "to", []string{"2015", "2020"}},
			{"year too early", app.ReportRequest{UnitCode: "467", From: 1999, To: 2005}, "from", []string{"1999", "2000"}},
			{"year too late", app.ReportRequest{UnitCode: "467", From: 2020, To: 2031}, "to", []string{"2031", "2027"}},
			{"unknown code", app.ReportRequest{UnitCode: "99999", From: 2020, To: 2020}, "unit", []string{"99999"}},
			{"malformed code", app.ReportRequest{UnitCode: "abc", From: 2020, To: 2020}, "unit", []string{"abc"}},
			{"district asked after 2025", app.ReportRequest{UnitCode: "467", From: 2026, To: 2026}, "unit",
				[]string{"467", "Huyện Đakrông", "30/06/2025", "2026"}},
		}
		for _, c := range fieldCases {
			_, err := d.a.PeriodReport(d.ctx, c.req)
			field, msg := message(err)
			if kc.ErrorCode(err) != kc.EInvalid || field != c.field {
				t.Errorf("%s: %v (field %q, message %q), want field %s", c.name, err, field, msg, c.field)
				continue
			}
			for _, w := range c.words {
				if !strings.Contains(msg, w) {
					t.Errorf("%s: message %q does not say %q", c.name, msg, w)
				}
			}
		}
		lalay := d.login("canbo.lalay", "demo-lalay-2026")
		for _, code := range []string{"19564", "467", "44"} {
			_, err := d.a.PeriodReport(lalay, app.ReportRequest{UnitCode: code, From: 2024, To: 2026})
			if kc.ErrorCode(err) != kc.EForbidden {
				t.Errorf("canbo.lalay asking for %s: %v, want forbidden", code, err)
			} else if e := kc.AsError(err); !strings.Contains(locale.T("vi", e.Key, e.Args...), "Xã") && code == "19564" {
				t.Errorf("refusal %q does not name the unit", locale.T("vi", e.Key, e.Args...))
			}
		}
		own, err := d.a.PeriodReport(lalay, app.ReportRequest{UnitCode: "19594", From: 2026, To: 2026})
		if err != nil || own.UnitName != "Xã La Lay" {
			t.Errorf("canbo.lalay's own commune: %v", err)
		}
		// A former commune now inside La Lay is in its scope.
		if _, err := d.a.PeriodReport(lalay, app.ReportRequest{UnitCode: "19591", From: 2018, To: 2019}); err != nil {
			t.Errorf("canbo.lalay asking for former Xã A Bung: %v", err)
		}
		if _, err := d.a.PeriodReport(d.login("hoidong", "demo-council-2026"), app.ReportRequest{UnitCode: "19564", From: 2026, To: 2026}); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("council member: %v, want forbidden", err)
		}
		if _, err := d.a.PeriodReport(t.Context(), app.ReportRequest{From: 2026, To: 2026}); kc.ErrorCode(err) != kc.EUnauthenticated {
			t.Errorf("no caller: %v", err)
		}
		// A period without records is an honest empty report.
		ds, err := d.a.PeriodReport(d.ctx, app.ReportRequest{UnitCode: "467", From: 2000, To: 2000})
		if err != nil {
			t.Fatal(err)
		}
		if !ds.Empty || ds.UnitName != "Huyện Đakrông" {
			t.Fatalf("empty period: empty=%v unit %q", ds.Empty, ds.UnitName)
		}
		for _, in := range ds.Indicators {
			if in.Code == "establishments_registered" {
				if in.Value == 0 {
					t.Error("the empty report lost its registry context")
				}
				continue
			}
			if in.Value != 0 {
				t.Errorf("empty period: %s = %d", in.Code, in.Value)
			}
		}
		for _, f := range ds.Findings {
			if f.Code != app.FindingCriteriaFailed {
				t.Errorf("empty period finding %s: %s", f.Code, f.Text)
			}
		}
		if len(ds.Charts) != 0 || len(ds.Caveats) == 0 {
			t.Errorf("empty period: %d charts, caveats %v", len(ds.Charts), ds.Caveats)
		}
		checkShape(t, ds)
	})
}

// TestPeriodReportFindings derives the findings from crafted data: a
// commune without outreach, content areas without funded projects, an
// overdue settlement, a plan envelope left unspent, few trainees employed,
// and the registry failing the schemes' criteria.
func TestPeriodReportFindings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := apptest.NewScope(t, s)
		ctx := app.WithPrincipal(t.Context(), app.System)
		if err := f.App.EnsureReference(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateOutreachSession(ctx, kc.OutreachSession{Kind: "village_meeting", CommuneID: f.CommuneA.ID, HeldOn: kc.MustDate("2026-03-10"), Attendees: 40}); err != nil {
			t.Fatal(err)
		}
		accepted := kc.MustDate("2026-09-01") // settlement due 15 days later, long past on 25/11/2026
		p, err := s.CreateProject(ctx, kc.Project{Code: "TN-2026-01", Title: "Đào tạo nghề dệt", Year: 2026, Level: app.LevelLocal,
			ContentArea: kc.ContentTraining, CommuneID: f.CommuneA.ID, State: kc.StateAccepted, AcceptedOn: accepted,
			Funding:       []kc.Funding{{Source: kc.SourceProvincial, Approved: 30_000_000, Advanced: 21_000_000}},
			Beneficiaries: []int64{f.EstA.ID}, Outputs: []kc.Output{{Kind: "trainees", Value: 20}, {Kind: "trainees_employed", Value: 6}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			pl, err := tx.CreatePlan(ctx, 2026, f.Province.ID, "")
			if err != nil {
				return err
			}
			return tx.SetPlanEnvelope(ctx, pl.ID, store.PlanEnvelope{Source: kc.SourceProvincial, Amount: 100_000_000})
		}); err != nil {
			t.Fatal(err)
		}
		ds, err := f.App.PeriodReport(f.As(t, t.Context(), apptest.Province), app.ReportRequest{From: 2026, To: 2026})
		if err != nil {
			t.Fatal(err)
		}
		if ds.UnitName != f.Province.Name || ds.Empty {
			t.Fatalf("unit %q, empty %v", ds.UnitName, ds.Empty)
		}
		byCode := map[string]report.Finding{}
		for _, fd := range ds.Findings {
			byCode[fd.Code] = fd
		}
		has := func(code string, words ...string) {
			t.Helper()
			fd, ok := byCode[code]
			if !ok {
				t.Errorf("no %s finding in %+v", code, ds.Findings)
				return
			}
			all := fd.Text + "\n" + strings.Join(fd.Items, "\n")
			for _, w := range words {
				if !strings.Contains(all, w) {
					t.Errorf("%s finding %q does not say %q", code, all, w)
				}
			}
		}
		has(app.FindingNoOutreach, f.CommuneB.Name, "1 trên 2 xã")
		if fd := byCode[app.FindingNoOutreach]; len(fd.Items) != 1 {
			t.Errorf("no-outreach names %v, want only %s", fd.Items, f.CommuneB.Name)
		}
		areas, err := s.ListContentAreas(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var unfunded []string
		for _, a := range areas {
			if a.Code != kc.ContentTraining {
				unfunded = append(unfunded, a.Name)
			}
		}
		has(app.FindingUnfundedArea, unfunded...)
		has(app.FindingUnfundedArea, fmt.Sprintf("%d trên %d", len(unfunded), len(areas)))
		if strings.Contains(strings.Join(byCode[app.FindingUnfundedArea].Items, "|"), "Đào tạo nghề, truyền nghề") {
			t.Error("the funded training area is named unfunded")
		}
		has(app.FindingOverdueSettlement, p.Code, "01/09/2026", "16/09/2026")
		has(app.FindingBudgetUnspent, "70.000.000", "Kế hoạch năm 2026 của "+f.Province.Name)
		has(app.FindingEmployedLow, "30 %", "6 trên 20")
		// The criteria finding states the screening of the registry on the
		// period's last day (today, here) in its numbers.
		sr, err := f.App.Screen(f.As(t, t.Context(), apptest.Province), app.ScreenOptions{On: kc.MustDate("2026-11-25")})
		if err != nil || sr.Establishments != 2 || sr.NoneEligible == 0 {
			t.Fatalf("screening: %d establishments, %d eligible for nothing (%v)", sr.Establishments, sr.NoneEligible, err)
		}
		has(app.FindingCriteriaFailed, fmt.Sprintf("%d trên 2 cơ sở", sr.NoneEligible), "25/11/2026")
		// A commune officer's report of the other commune says nothing of
		// the project; the report of their own names the overdue project.
		dsB, err := f.App.PeriodReport(f.As(t, t.Context(), apptest.OfficerB), app.ReportRequest{From: 2026, To: 2026})
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range dsB.Findings {
			if fd.Code == app.FindingOverdueSettlement || fd.Code == app.FindingEmployedLow {
				t.Errorf("commune B: %s", fd.Text)
			}
		}
		if n, _ := dsB.Indicator("projects_total"); n.Value != 0 {
			t.Errorf("commune B counts %d projects", n.Value)
		}
		if _, err := f.App.PeriodReport(f.As(t, t.Context(), apptest.OfficerB), app.ReportRequest{UnitCode: f.CommuneA.Code, From: 2026, To: 2026}); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("officer B asking for commune A: %v", err)
		}
	})
}

// TestIndicatorCatalogue checks the catalogue is complete and written.
func TestIndicatorCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range app.IndicatorCatalogue() {
		if seen[d.Code] || d.Code == "" || d.Group == "" || d.Label == "" || d.Unit == "" || len(d.Definition) < 40 ||
			strings.Contains(d.Label+d.Definition+d.Unit+d.Group, "report.") || strings.Contains(d.Definition, "%!") {
			t.Errorf("catalogue entry %+v", d)
		}
		seen[d.Code] = true
	}
	for _, code := range []string{"funds_state_approved", "funds_national", "funds_provincial", "funds_district", "funds_commune", "funds_other",
		"funds_state_disbursed", "funds_state_settled", "counterpart_mobilised", "projects_total", "projects_national", "projects_local", "demo_models",
		"machinery_establishments", "machines", "tech_lines", "brands", "fairs", "trainees", "trainees_employed", "jobs_created",
		"establishments_supported", "supported_women_owned", "supported_ethnic_minority_owned", "traditional_trades_supported",
		"featured_products", "outreach_sessions", "people_reached", "establishments_registered"} {
		if !seen[code] {
			t.Errorf("catalogue lacks %s", code)
		}
	}
}

// BenchmarkPeriodReport times the national period report over ten years
// (2017–2026) for an administrator on the database named by
// KHUYENCONG_BENCH_DB (e.g. made with `khuyencong demo --scale national`;
// skipped without it): "app" is PeriodReport as a whole (aggregation,
// screening of the registry for the criteria finding, tables, findings),
// "indicators" the SQL aggregation alone (store.ReportData, what the
// indicators and tables are computed from), and "raw" the headline
// indicators as one SQL statement (store.ReportRaw), for comparison.
func BenchmarkPeriodReport(b *testing.B) {
	dsn := os.Getenv("KHUYENCONG_BENCH_DB")
	if dsn == "" {
		b.Skip("set KHUYENCONG_BENCH_DB to a database with the national demo")
	}
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	a := app.New(s, nil)
	a.Now = func() time.Time { return storetest.Clock }
	ctx := app.WithPrincipal(context.Background(), app.System)
	req := app.ReportRequest{From: 2017, To: 2026}
	sc := store.ReportScope{From: req.From, To: req.To}
	runs := []struct {
		name string
		fn   func() error
	}{
		{"app", func() error { _, err := a.PeriodReport(ctx, req); return err }},
		{"indicators", func() error {
			_, err := s.ReportData(ctx, sc, store.ReportOptions{ListLimit: app.ReportListMax, SettleDueBefore: kc.MustDate("2026-11-10")})
			return err
		}},
		{"raw", func() error { _, err := s.ReportRaw(ctx, sc); return err }},
	}
	for _, r := range runs {
		b.Run(r.name, func(b *testing.B) {
			for b.Loop() {
				if err := r.fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestReportMessages checks that the report's message catalogues (vi and
// en) hold the same keys, and every key the report code names literally.
func TestReportMessages(t *testing.T) {
	used := localetest.Used(t, "report*.go", regexp.MustCompile(`"(report\.[a-z0-9_.]+)"`), "")
	if len(used) < 40 {
		t.Errorf("only %d keys found; is the pattern broken?", len(used))
	}
	// Keys completed at run time.
	for _, suffix := range []string{"sheet.funds_year", "sheet.funds_source", "sheet.areas", "sheet.support_commune", "sheet.support_trade",
		"sheet.support_kind", "sheet.featured", "sheet.outreach", "sheet.projects"} {
		used["report."+suffix] = true
	}
	for _, src := range kc.FundingSources {
		used["report.source."+src] = true
	}
	localetest.Check(t, "reports.json", used, "")
	// Every key of each language exists in the other.
	vi := localetest.Used(t, "../locale/messages/vi/reports.json", regexp.MustCompile(`"(report\.[a-z0-9_.]+)":`), "")
	localetest.Check(t, "reports.json", vi, "report.")
}
