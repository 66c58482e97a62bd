package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"

	"github.com/google/go-cmp/cmp"
	"github.com/pressly/goose/v3"
)

// supportRow is one row of project_support, or of its recompute from the
// base tables, with the packed flags spelled out.
type supportRow struct {
	Project, Establishment, Year, Commune int64
	Funded                                bool
	Kind                                  string
	Women, Ethnic, Machinery              bool
	Primary                               int64
}

func scanSupport(t *testing.T, s *store.Store, q string) []supportRow {
	t.Helper()
	rows, err := store.RawDB(s).QueryContext(t.Context(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []supportRow
	for rows.Next() {
		var r supportRow
		var funded, women, ethnic, machinery int
		if err := rows.Scan(&r.Project, &r.Establishment, &r.Year, &r.Commune, &funded, &r.Kind, &women, &ethnic, &machinery, &r.Primary); err != nil {
			t.Fatal(err)
		}
		r.Funded, r.Women, r.Ethnic, r.Machinery = funded == 1, women == 1, ethnic == 1, machinery == 1
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// recomputeSupport derives the summary from the base tables, with the
// funded states taken from store.FundedStates.
func recomputeSupport(t *testing.T, s *store.Store) []supportRow {
	t.Helper()
	states := "'" + strings.Join(store.FundedStates, "', '") + "'"
	return scanSupport(t, s, `SELECT b.project_id, b.establishment_id, p.year, p.commune_id,
			CASE WHEN p.state IN (`+states+`) THEN 1 ELSE 0 END, e.kind,
			CASE WHEN e.women_owned THEN 1 ELSE 0 END, CASE WHEN e.ethnic_minority_owned THEN 1 ELSE 0 END,
			CASE WHEN EXISTS (SELECT 1 FROM project_output o WHERE o.project_id = p.id AND o.kind IN ('machines', 'lines') AND o.value > 0) THEN 1 ELSE 0 END,
			COALESCE((SELECT MIN(et.trade_id) FROM establishment_trade et WHERE et.establishment_id = e.id AND et.is_primary), 0)
		FROM project_beneficiary b JOIN project p ON p.id = b.project_id JOIN establishment e ON e.id = b.establishment_id
		ORDER BY b.project_id, b.establishment_id`)
}

func readSupport(t *testing.T, s *store.Store) []supportRow {
	t.Helper()
	return scanSupport(t, s, `SELECT project_id, establishment_id, year, commune_id, CASE WHEN funded THEN 1 ELSE 0 END, kind,
			CASE WHEN (flags & 8) <> 0 THEN 1 ELSE 0 END, CASE WHEN (flags & 4) <> 0 THEN 1 ELSE 0 END,
			CASE WHEN (flags & 2) <> 0 THEN 1 ELSE 0 END, primary_trade_id
		FROM project_support ORDER BY project_id, establishment_id`)
}

// checkSupport fails unless project_support equals its recompute.
func checkSupport(t *testing.T, s *store.Store, step string) {
	t.Helper()
	want := recomputeSupport(t, s)
	if diff := cmp.Diff(want, readSupport(t, s)); diff != "" {
		t.Errorf("after %s, project_support differs from the base tables (-recompute +summary):\n%s", step, diff)
	}
}

// supportWorld is a few establishments and projects on the report world.
type supportWorld struct {
	reportWorld
	traditional, ordinary, other int64   // trade ids
	est                          []int64 // establishment ids
	proj                         []int64 // project ids
}

func loadSupportWorld(t *testing.T, s *store.Store) supportWorld {
	t.Helper()
	ctx := t.Context()
	w := supportWorld{reportWorld: loadReportWorld(t, s)}
	if _, err := s.EnsureReference(ctx, store.DefaultReference()); err != nil {
		t.Fatal(err)
	}
	trades, err := s.ListTrades(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range trades {
		switch {
		case tr.Traditional && w.traditional == 0:
			w.traditional = tr.ID
		case !tr.Traditional && w.ordinary == 0:
			w.ordinary = tr.ID
		case w.other == 0:
			w.other = tr.ID
		}
	}
	if w.traditional == 0 || w.ordinary == 0 || w.other == 0 {
		t.Fatalf("reference trades %+v", trades)
	}
	for _, e := range []kc.Establishment{
		{Kind: kc.KindHousehold, Name: "Hộ dệt Một", CommuneID: w.ids["91001"], WomenOwned: true, TradeIDs: []int64{w.traditional, w.ordinary}},
		{Kind: kc.KindCoopGroup, Name: "Tổ mộc Tây", CommuneID: w.ids["91002"], EthnicMinorityOwned: true, TradeIDs: []int64{w.ordinary, w.traditional}},
		{Kind: kc.KindEnterprise, Name: "Công ty không ngành", CommuneID: w.ids["92001"]},
	} {
		got, err := s.CreateEstablishment(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		w.est = append(w.est, got.ID)
	}
	for _, p := range []kc.Project{
		{Code: "S-2019-01", Title: "Máy dệt", Year: 2019, Level: "local", ContentArea: kc.ContentDemoTech, CommuneID: w.ids["90002"], State: kc.StateApproved,
			Funding: []kc.Funding{{Source: kc.SourceDistrict, Approved: 10_000_000}}, Beneficiaries: []int64{w.est[0], w.est[1]}},
		{Code: "S-2026-01", Title: "Nháp", Year: 2026, Level: "local", ContentArea: kc.ContentTraining, CommuneID: w.ids["91002"], State: kc.StateDraft,
			Funding: []kc.Funding{{Source: kc.SourceProvincial, Approved: 5_000_000}}, Beneficiaries: []int64{w.est[1], w.est[2]}},
		{Code: "S-2020-01", Title: "Dây chuyền", Year: 2020, Level: "national", ContentArea: kc.ContentDemoTech, CommuneID: w.ids["90001"], State: kc.StateSettled,
			Funding: []kc.Funding{{Source: kc.SourceNational, Approved: 30_000_000, Settled: 30_000_000}}, Beneficiaries: []int64{w.est[0]},
			Outputs: []kc.Output{{Kind: "lines", Value: 1}, {Kind: "trainees", Value: 5}}},
	} {
		got, err := s.CreateProject(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		w.proj = append(w.proj, got.ID)
	}
	return w
}

func exec(t *testing.T, s *store.Store, q string, args ...any) {
	t.Helper()
	q = fmt.Sprintf(q, args...)
	if _, err := store.RawDB(s).ExecContext(t.Context(), q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestProjectSupportTriggers writes every kind of change the summary
// depends on and compares project_support with a recompute after each.
func TestProjectSupportTriggers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := loadSupportWorld(t, s)
		checkSupport(t, s, "creating the projects")
		if n := len(readSupport(t, s)); n != 5 {
			t.Fatalf("%d summary rows, want one per beneficiary (5)", n)
		}
		p0, p1, p2 := w.proj[0], w.proj[1], w.proj[2]
		e0, e1, e2 := w.est[0], w.est[1], w.est[2]
		steps := []struct{ name, sql string }{
			{"adding machines to a project", fmt.Sprintf("INSERT INTO project_output (project_id, kind, value) VALUES (%d, 'machines', 3)", p1)},
			{"adding a zero line", fmt.Sprintf("INSERT INTO project_output (project_id, kind, value) VALUES (%d, 'lines', 0)", p0)},
			{"setting the zero line to 2", fmt.Sprintf("UPDATE project_output SET value = 2 WHERE project_id = %d AND kind = 'lines'", p0)},
			{"turning the lines into trainees", fmt.Sprintf("UPDATE project_output SET kind = 'trainees' WHERE project_id = %d AND kind = 'lines'", p0)},
			{"moving the machines to another project", fmt.Sprintf("UPDATE project_output SET project_id = %d WHERE project_id = %d AND kind = 'machines'", p0, p1)},
			{"deleting the lines", fmt.Sprintf("DELETE FROM project_output WHERE project_id = %d AND kind = 'lines'", p2)},
			{"approving the draft", fmt.Sprintf("UPDATE project SET state = 'approved' WHERE id = %d", p1)},
			{"settling it", fmt.Sprintf("UPDATE project SET state = 'settled' WHERE id = %d", p1)},
			{"cancelling a project", fmt.Sprintf("UPDATE project SET state = 'cancelled' WHERE id = %d", p0)},
			{"moving a project's year and commune", fmt.Sprintf("UPDATE project SET year = 2021, commune_id = %d WHERE id = %d", w.ids["90004"], p2)},
			{"changing an establishment's kind", fmt.Sprintf("UPDATE establishment SET kind = '%s' WHERE id = %d", kc.KindCooperative, e0)},
			{"changing owner flags", fmt.Sprintf("UPDATE establishment SET women_owned = FALSE, ethnic_minority_owned = TRUE WHERE id = %d", e0)},
			{"changing a name only", fmt.Sprintf("UPDATE establishment SET notes = 'x' WHERE id = %d", e1)},
			{"demoting the primary trade", fmt.Sprintf("UPDATE establishment_trade SET is_primary = FALSE WHERE establishment_id = %d", e0)},
			{"promoting another trade", fmt.Sprintf("UPDATE establishment_trade SET is_primary = TRUE WHERE establishment_id = %d AND trade_id = %d", e0, w.ordinary)},
			{"adding a primary trade", fmt.Sprintf("INSERT INTO establishment_trade (establishment_id, trade_id, is_primary) VALUES (%d, %d, TRUE)", e2, w.ordinary)},
			{"changing the primary trade's id", fmt.Sprintf("UPDATE establishment_trade SET trade_id = %d WHERE establishment_id = %d AND is_primary", w.other, e2)},
			{"moving a primary trade to another establishment", fmt.Sprintf("UPDATE establishment_trade SET establishment_id = %d WHERE establishment_id = %d", e1, e2)},
			{"deleting a primary trade", fmt.Sprintf("DELETE FROM establishment_trade WHERE establishment_id = %d AND is_primary", e0)},
			{"deleting a beneficiary", fmt.Sprintf("DELETE FROM project_beneficiary WHERE project_id = %d AND establishment_id = %d", p1, e2)},
			{"adding it back", fmt.Sprintf("INSERT INTO project_beneficiary (project_id, establishment_id) VALUES (%d, %d)", p1, e2)},
			{"changing a beneficiary", fmt.Sprintf("UPDATE project_beneficiary SET establishment_id = %d WHERE project_id = %d", e2, p2)},
			{"deleting two beneficiaries", fmt.Sprintf("DELETE FROM project_beneficiary WHERE project_id = %d", p1)},
			{"adding them in one statement", fmt.Sprintf("INSERT INTO project_beneficiary (project_id, establishment_id) VALUES (%d, %d), (%d, %d)", p1, e1, p1, e2)},
			{"adding two outputs in one statement", fmt.Sprintf("INSERT INTO project_output (project_id, kind, value) VALUES (%d, 'lines', 1), (%d, 'machines', 1)", p1, p2)},
			{"adding two primary trades in one statement", fmt.Sprintf("INSERT INTO establishment_trade (establishment_id, trade_id, is_primary) VALUES (%d, %d, TRUE), (%d, %d, TRUE)", e0, w.other, e2, w.other)},
			{"deleting a project", fmt.Sprintf("DELETE FROM project WHERE id = %d", p0)},
		}
		for _, st := range steps {
			exec(t, s, "%s", st.sql)
			checkSupport(t, s, st.name)
		}
		if n := len(readSupport(t, s)); n != 3 {
			t.Errorf("%d summary rows left, want 3", n)
		}
	})
}

// TestProjectSupportFundedStates checks that the states the triggers
// count as funded are exactly store.FundedStates.
func TestProjectSupportFundedStates(t *testing.T) {
	states := []string{kc.StateDraft, kc.StateRegistered, kc.StateAppraised, kc.StateApproved, kc.StateInProgress, kc.StateAccepted,
		kc.StateSettled, kc.StateClosed, kc.StateRejected, kc.StateWithdrawn, kc.StateStopped, kc.StateCarriedOver, kc.StateCancelled}
	for _, f := range store.FundedStates {
		if !slices.Contains(states, f) {
			states = append(states, f)
		}
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := loadSupportWorld(t, s)
		p := w.proj[0]
		for _, st := range states {
			exec(t, s, "UPDATE project SET state = '%s' WHERE id = %d", st, p)
			var funded int
			err := store.RawDB(s).QueryRowContext(t.Context(),
				fmt.Sprintf("SELECT MIN(CASE WHEN funded THEN 1 ELSE 0 END) FROM project_support WHERE project_id = %d", p)).Scan(&funded)
			if err != nil {
				t.Fatal(err)
			}
			if want := slices.Contains(store.FundedStates, st); (funded == 1) != want {
				t.Errorf("state %s: funded = %v in project_support, FundedStates says %v", st, funded == 1, want)
			}
		}
		// The backfill and the insert trigger use the same list.
		for _, st := range states {
			exec(t, s, "UPDATE project SET state = '%s' WHERE id = %d", st, p)
			exec(t, s, "DELETE FROM project_beneficiary WHERE project_id = %d AND establishment_id = %d", p, w.est[0])
			exec(t, s, "INSERT INTO project_beneficiary (project_id, establishment_id) VALUES (%d, %d)", p, w.est[0])
			checkSupport(t, s, "re-adding a beneficiary in state "+st)
		}
	})
}

// TestProjectSupportBackfill rolls migration 00007 back, writes data
// without the summary, migrates again and compares the backfilled
// summary with the recompute; the report's supported figures must then
// be those of the data.
func TestProjectSupportBackfill(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		fsys, err := store.MigrationFS(s.Dialect().Name)
		if err != nil {
			t.Fatal(err)
		}
		p, err := goose.NewProvider(goose.Dialect(s.Dialect().Goose), store.RawDB(s), fsys)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.DownTo(ctx, 6); err != nil {
			t.Fatal(err)
		}
		w := loadSupportWorld(t, s)
		exec(t, s, "INSERT INTO project_output (project_id, kind, value) VALUES (%d, 'machines', 1)", w.proj[1])
		exec(t, s, "UPDATE project SET state = 'in_progress' WHERE id = %d", w.proj[1])
		var n int
		if err := store.RawDB(s).QueryRowContext(ctx, "SELECT COUNT(*) FROM project_beneficiary").Scan(&n); err != nil || n != 5 {
			t.Fatalf("%d beneficiaries (%v)", n, err)
		}
		if applied, err := s.Migrate(ctx); err != nil || !slices.Contains(applied, 7) {
			t.Fatalf("migrate: %v, applied %v", err, applied)
		}
		checkSupport(t, s, "the backfill")
		if got := len(readSupport(t, s)); got != n {
			t.Errorf("backfilled %d rows, want %d", got, n)
		}
	})
}

// TestReportSupportedPaths compares the supported-establishment figures
// of ReportData with a count from the base tables, for the whole country
// and for a unit, with the traditional trades read both ways (by the
// establishments' trades and by probing each traditional trade).
func TestReportSupportedPaths(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w := loadSupportWorld(t, s)
		// e1's traditional trade is secondary: it counts (trades of any rank).
		exec(t, s, "UPDATE establishment_trade SET is_primary = FALSE WHERE establishment_id = %d", w.est[0])
		exec(t, s, "UPDATE establishment_trade SET is_primary = TRUE WHERE establishment_id = %d AND trade_id = %d", w.est[0], w.ordinary)
		set, err := s.ReportUnits(ctx, []int64{w.ids["91"]})
		if err != nil {
			t.Fatal(err)
		}
		var units []int64
		for _, u := range set {
			units = append(units, u.ID)
		}
		for _, sc := range []store.ReportScope{{From: 2015, To: 2026}, {From: 2020, To: 2026}, {Units: units, From: 2015, To: 2026}} {
			want := supportedFromBase(t, s, sc)
			if want[0] == 0 || want[2] == 0 || want[3] == 0 {
				t.Fatalf("scope %+v supports nothing to compare: %v", sc, want)
			}
			for _, probe := range []int{0, 1 << 30} {
				restore := store.SetTraditionalProbeMin(probe)
				d, err := s.ReportData(ctx, sc, store.ReportOptions{})
				restore()
				if err != nil {
					t.Fatal(err)
				}
				got := [4]int64{d.Supported.Establishments, d.Supported.Women, d.MachineryEstablishments, d.TraditionalTrades}
				if got != want {
					t.Errorf("scope %v–%v units %v, probe from %d: supported, women, machinery, traditional trades = %v, want %v",
						sc.From, sc.To, sc.Units != nil, probe, got, want)
				}
			}
		}
	})
}

// supportedFromBase counts, from the base tables, the establishments
// supported by the funded projects of sc, the women-owned ones, those
// given machinery, and the traditional trades among their trades.
func supportedFromBase(t *testing.T, s *store.Store, sc store.ReportScope) [4]int64 {
	t.Helper()
	states := "'" + strings.Join(store.FundedStates, "', '") + "'"
	cond := fmt.Sprintf("p.year >= %d AND p.year <= %d AND p.state IN (%s)", sc.From, sc.To, states)
	if sc.Units != nil {
		var ids []string
		for _, id := range sc.Units {
			ids = append(ids, fmt.Sprint(id))
		}
		cond += " AND p.commune_id IN (" + strings.Join(ids, ", ") + ")"
	}
	sup := "SELECT b.establishment_id FROM project p JOIN project_beneficiary b ON b.project_id = p.id WHERE " + cond
	var out [4]int64
	err := store.RawDB(s).QueryRowContext(context.Background(), `SELECT
		(SELECT COUNT(*) FROM establishment e WHERE e.id IN (`+sup+`)),
		(SELECT COUNT(*) FROM establishment e WHERE e.women_owned AND e.id IN (`+sup+`)),
		(SELECT COUNT(DISTINCT b.establishment_id) FROM project p JOIN project_beneficiary b ON b.project_id = p.id WHERE `+cond+`
			AND EXISTS (SELECT 1 FROM project_output o WHERE o.project_id = p.id AND o.kind IN ('machines', 'lines') AND o.value > 0)),
		(SELECT COUNT(DISTINCT et.trade_id) FROM establishment_trade et JOIN trade tr ON tr.id = et.trade_id
			WHERE tr.traditional AND et.establishment_id IN (`+sup+`))`).Scan(&out[0], &out[1], &out[2], &out[3])
	if err != nil {
		t.Fatal(err)
	}
	return out
}
