package cli

import (
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"khuyencong/internal/eligibility"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
)

// TestBenchScreen runs the bulk-screening benchmark on the district demo:
// app.Screen and the SQL WHERE statements must agree for every scheme
// the SQL can state, on a day of each fact path (the latest year kept on
// the row, and the newest year up to a past day); a scheme whose formula
// SQL cannot state is shown as "không so được" and left out of the check;
// and when the data the SQL reads disagrees with what the application
// reads, the command prints the difference and fails.
func TestBenchScreen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "demo.db")
	db := "sqlite:" + path
	if code, _, errOut := run(t, nil, "demo", "--db", db); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	st, err := store.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.CreateSchemeVersion(t.Context(), store.SchemeVersion{Code: "THU_CONG_THUC", Level: "national", ContentArea: "CA3",
		Name: "Chính sách thử với công thức số học", EffectiveFrom: kc.MustDate("2015-01-01"), Criteria: []store.SchemeCriterion{
			{Group: 1, Kind: eligibility.KindEligibility, Label: "Tổng lao động và lao động nữ từ 12", Formula: "Workers + WomenWorkers >= 12"},
		}})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	check := func(on string, schemes int, fast bool) {
		t.Helper()
		code, out, errOut := run(t, nil, "bench", "screen", "--runs", "1", "--on", on, "--db", db)
		if code != 0 {
			t.Fatalf("bench screen --on %s: exit %d\nstdout: %s\nstderr: %s", on, code, out, errOut)
		}
		for _, s := range []string{"276 cơ sở", "app.Screen (đọc", "chỉ đọc dữ liệu như app.Screen", "SQL WHERE: ", "SQL một câu: ", "lượt đánh giá/giây/lõi: ",
			"RSS đỉnh", "so được " + strconv.Itoa(schemes-1) + "/" + strconv.Itoa(schemes)} {
			if !strings.Contains(out, s) {
				t.Errorf("--on %s: stdout lacks %q:\n%s", on, s, out)
			}
		}
		if got := strings.Contains(out, "SQL dùng e.latest_year"); got != fast {
			t.Errorf("--on %s: latest-year path %v, want %v:\n%s", on, got, fast, out)
		}
		var matched int
		for _, line := range strings.Split(out, "\n") {
			switch {
			case strings.HasPrefix(line, "  THU_CONG_THUC "):
				if !strings.Contains(line, "không so được") {
					t.Errorf("--on %s: the arithmetic formula is compared: %s", on, line)
				}
			case strings.HasSuffix(line, "  khớp"):
				matched++
			}
		}
		if matched != schemes-1 || strings.Contains(out, "KHÁC") {
			t.Errorf("--on %s: %d schemes match, want %d:\n%s", on, matched, schemes-1, out)
		}
	}
	// NĐ 235 with the digital transformation scheme and the example
	// provincial set, plus the test scheme; then NĐ 45 before the
	// provincial examples, read at the newest year up to 2020.
	check("2099-01-01", 13, true)
	check("2020-06-01", 10, false)

	// The statements read the workers kept on the row, the application the
	// facts table: make them disagree.
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("UPDATE establishment SET latest_workers = latest_workers + 50"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	code, out, errOut := run(t, nil, "bench", "screen", "--runs", "1", "--on", "2099-01-01", "--db", db)
	if code == 0 || !strings.Contains(errOut, "app.Screen and the SQL disagree") || !strings.Contains(errOut, "MAY_MOC_TIEN_TIEN") {
		t.Fatalf("a mismatch: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "  MAY_MOC_TIEN_TIEN ") && !strings.HasSuffix(line, "KHÁC") {
			t.Errorf("the machinery scheme is not marked: %s", line)
		}
	}
}

// TestScreenSQLCriteria checks how criteria are written as SQL: simple
// criteria and boolean formulas over facts and literals become a
// condition that is NULL when a fact it reads is missing; anything else
// cannot be compared.
func TestScreenSQLCriteria(t *testing.T) {
	b := &screenSQL{on: kc.MustDate("2026-06-01"), year: 2026, day: "'2026-06-01'", latest: true}
	cases := []struct {
		c    eligibility.Criterion
		want []string // fragments of the SQL; nil: cannot be compared
	}{
		{eligibility.Criterion{Field: "Kind", Op: "in", Value: "household, coop_group"}, []string{"e.kind IN ('household', 'coop_group')"}},
		{eligibility.Criterion{Field: "Workers", Op: ">=", Value: "10"},
			[]string{"CASE WHEN (e.latest_year IS NULL OR e.latest_workers = 0) THEN NULL ELSE e.latest_workers >= 10 END"}},
		{eligibility.Criterion{Field: "Registered", Op: "true"}, []string{"(e.registration_no = '' AND e.kind = 'household_business')", "e.kind IN ('cooperative'"}},
		{eligibility.Criterion{Field: "CraftVillage", Op: "false"}, []string{"(NOT e.craft_village)"}},
		{eligibility.Criterion{Field: "Trades", Op: "has", Value: "RUOU_MEN_LA"}, []string{"NOT EXISTS (SELECT 1 FROM establishment_trade", "t.code = 'RUOU_MEN_LA'"}},
		{eligibility.Criterion{Field: "Revenue", Op: ">", Value: "100000000"}, []string{"fa.revenue = 0", "fa.revenue > 100000000"}},
		{eligibility.Criterion{Field: "Export", Op: "true"}, []string{"WHEN TRUE THEN NULL"}},
		{eligibility.Criterion{Formula: `CommuneType in ["xa", "dac_khu"] && ProvinceType == "thanh_pho"`},
			[]string{"u.type NOT IN", "COALESCE(p.type, '') NOT IN", "IN ('xa', 'dac_khu')", "= 'thanh_pho'"}},
		{eligibility.Criterion{Formula: `Kind not in ["household"] || !WomenOwned`}, []string{"(NOT (", "(NOT e.women_owned)"}},
		{eligibility.Criterion{Formula: `"CHE" in Trades and YearsActive > 2`}, []string{"t.code = 'CHE'", "2026 - e.founded_year"}},
		{eligibility.Criterion{Formula: "Workers + WomenWorkers >= 12"}, nil},
		{eligibility.Criterion{Formula: "len(Trades) > 1"}, nil},
		{eligibility.Criterion{Formula: `Workers == "10"`}, nil},
		{eligibility.Criterion{Formula: "Workers"}, nil},
	}
	for _, c := range cases {
		got, err := b.criterion(c.c)
		if c.want == nil {
			if err == nil {
				t.Errorf("%+v: SQL %s, want no comparison", c.c, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%+v: %v", c.c, err)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%+v: SQL %s lacks %q", c.c, got, w)
			}
		}
	}
}
