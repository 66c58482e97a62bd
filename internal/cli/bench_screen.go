package cli

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/spf13/cobra"

	"khuyencong/internal/app"
	"khuyencong/internal/eligibility"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// The bulk-screening benchmark of issue 4 (`bench screen`) runs
// app.Screen over the whole country as an administrator and puts next to
// it the same criteria written by hand as SQL: for each scheme in force,
// one statement counting the eligible establishments with the criteria as
// its WHERE clause, and one statement counting eligible, not eligible and
// undetermined for every scheme at once. The SQL states the application's
// semantics independently of its Go code: each criterion is NULL when a
// fact it needs is missing (factsOf in internal/app), a group is the OR of
// its criteria and a scheme the AND of its groups, which is exactly SQL's
// three-valued logic, so "missing → undetermined" is (R) IS NULL. The
// counts of both sides must agree before any time is reported.

// screenBenchOptions are the flags of `bench screen`.
type screenBenchOptions struct {
	on         string
	runs       int
	cpuProfile string
}

func (m *Main) benchScreenCmd() *cobra.Command {
	o := screenBenchOptions{runs: 3}
	cmd := &cobra.Command{
		Use: "screen",
		Short: "Đo sàng lọc hàng loạt cả nước (app.Screen: đọc dữ liệu + đánh giá mọi chính sách có hiệu lực) so với " +
			"các tiêu chí viết thành mệnh đề WHERE của SQL (kiểm tra số cơ sở đủ điều kiện bằng nhau trước khi so)",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return m.benchScreen(cmd.Context(), o) },
	}
	fl := cmd.Flags()
	fl.StringVar(&o.on, "on", "", "ngày áp dụng chính sách (YYYY-MM-DD; mặc định hôm nay)")
	fl.IntVar(&o.runs, "runs", o.runs, "số lần đo mỗi phép (sau một lần làm nóng)")
	fl.StringVar(&o.cpuProfile, "cpuprofile", "", "ghi hồ sơ CPU của các lần đo app.Screen vào tệp này")
	return cmd
}

// screenRun is one measured run: its wall-clock time, the CPU time of the
// process during it (user + system, all threads), and its memory peaks.
type screenRun struct {
	elapsed, cpu time.Duration
	heap, rss    uint64
}

// summarise returns the median run (by elapsed time), the fastest elapsed
// time and the highest memory peaks of runs.
func summarise(runs []screenRun) (median screenRun, fastest time.Duration, heap, rss uint64) {
	sorted := slices.Clone(runs)
	slices.SortFunc(sorted, func(x, y screenRun) int { return cmp.Compare(x.elapsed, y.elapsed) })
	for _, r := range runs {
		heap, rss = max(heap, r.heap), max(rss, r.rss)
	}
	return sorted[len(sorted)/2], sorted[0].elapsed, heap, rss
}

// processCPU returns the CPU time the process has used (user + system,
// from /proc/self/stat in clock ticks of 10 ms), or 0 where /proc is not
// available.
func processCPU() time.Duration {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// The fields after the command name in parentheses: state is the
	// first, utime the 12th and stime the 13th.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	user, _ := strconv.ParseInt(f[11], 10, 64)
	sys, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(user+sys) * 10 * time.Millisecond
}

// measureScreen runs fn as measurePhase does (memory peaks of its own)
// and adds the CPU time it used.
func measureScreen(fn func() (int, error)) (screenRun, int, bool, error) {
	var cpu time.Duration
	p, reset, err := measurePhase("", func() (int, error) {
		c := processCPU()
		n, err := fn()
		cpu = processCPU() - c
		return n, err
	})
	return screenRun{elapsed: p.elapsed, cpu: cpu, heap: p.heap, rss: p.rss}, p.rows, reset, err
}

func (m *Main) benchScreen(ctx context.Context, o screenBenchOptions) error {
	if o.runs < 1 {
		return kc.Errorf(kc.EInvalid, "bench.bad_flags")
	}
	day, err := app.ParseCheckDate(o.on)
	if err != nil {
		return err
	}
	a, closeApp, err := m.openApp(ctx)
	if err != nil {
		return err
	}
	defer closeApp()
	raw, err := openRawDB(a.Store, false)
	if err != nil {
		return err
	}
	defer raw.Close()
	n, err := a.Store.CountEstablishments(ctx)
	if err != nil {
		return err
	}
	admin := &app.Principal{User: kc.User{Username: "bench.admin", Role: kc.RoleAdmin}, All: true}
	pctx := app.WithPrincipal(ctx, admin)
	procs := runtime.GOMAXPROCS(0)
	w := m.Stdout

	// The first run warms the caches and gives the counts every later run
	// must reproduce.
	warm := time.Now()
	first, err := a.Screen(pctx, app.ScreenOptions{On: day})
	if err != nil {
		return err
	}
	warmTook := time.Since(warm)
	on := first.On
	fmt.Fprintf(w, "Sàng lọc hàng loạt trên %s, %s cơ sở, %d chính sách có hiệu lực ngày %s; quản trị viên (toàn quốc); GOMAXPROCS %d (%d CPU); %d lần đo sau 1 lần làm nóng\n",
		a.Store.Dialect().Name, vi.FormatNumber(int64(n)), len(first.Schemes), vi.FormatDate(on.Time()), procs, runtime.NumCPU(), o.runs)
	for _, s := range first.Skipped {
		fmt.Fprintf(w, "  bỏ qua %s (không biên dịch được): %v\n", s.Code, s.Err)
	}

	var appRuns []screenRun
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	allReset := true
	for range o.runs {
		var rep app.ScreenReport
		run, _, reset, err := measureScreen(func() (int, error) {
			var err error
			rep, err = a.Screen(pctx, app.ScreenOptions{On: day})
			return rep.Establishments, err
		})
		if err != nil {
			pprof.StopCPUProfile()
			return err
		}
		allReset = allReset && reset
		if err := sameScreen(first, rep); err != nil {
			pprof.StopCPUProfile()
			return fmt.Errorf("bench: two runs of app.Screen disagree: %w", err)
		}
		appRuns = append(appRuns, run)
	}
	if o.cpuProfile != "" {
		pprof.StopCPUProfile()
	}

	// Reading alone: the same rows read the way app.Screen reads them (id
	// ranges streamed side by side), not evaluated.
	var loadRuns []screenRun
	for range o.runs {
		run, rows, reset, err := measureScreen(func() (int, error) { return readEligibility(ctx, a.Store, on, procs) })
		if err != nil {
			return err
		}
		allReset = allReset && reset
		if rows != first.Establishments {
			return fmt.Errorf("bench: the store streams %d rows, app.Screen read %d", rows, first.Establishments)
		}
		loadRuns = append(loadRuns, run)
	}

	// The SQL side.
	pg := a.Store.Dialect().Postgres()
	b, err := newScreenSQL(ctx, raw, pg, on)
	if err != nil {
		return err
	}
	type ruleSQL struct {
		where    string // the eligible count, the criteria as the WHERE clause
		counts   string // eligible, not eligible, undetermined as three expressions
		reason   string // why it cannot be compared ("" when it can)
		eligible int
		took     time.Duration
		sql3     app.ScreenCounts
	}
	rules := make([]ruleSQL, len(first.Schemes))
	var comparable []int
	anyFacts, anyPrio := false, false
	for k, s := range first.Schemes {
		// Each statement joins only what its criteria read.
		b.needFacts, b.needPrio = false, false
		cond, err := b.rule(s.Rule)
		if err != nil {
			rules[k].reason = err.Error()
			continue
		}
		applies := b.applies(s.Rule)
		rules[k].where = b.with() + "SELECT COUNT(*)" + b.from() + "\n\tWHERE " + and(applies, cond)
		rules[k].counts = fmt.Sprintf("COUNT(CASE WHEN %s THEN 1 END), COUNT(CASE WHEN %s THEN 1 END), COUNT(CASE WHEN %s THEN 1 END)",
			and(applies, cond), and(applies, "NOT "+cond), and(applies, "("+cond+") IS NULL"))
		comparable = append(comparable, k)
		anyFacts, anyPrio = anyFacts || b.needFacts, anyPrio || b.needPrio
	}
	b.needFacts, b.needPrio = anyFacts, anyPrio
	var combined string
	if len(comparable) > 0 {
		var cols []string
		for _, k := range comparable {
			cols = append(cols, rules[k].counts)
		}
		combined = b.with() + "SELECT " + strings.Join(cols, ",\n\t") + b.from()
	}
	// The per-scheme statements run on as many connections as app.Screen
	// has workers, each statement timed on its own.
	runWhere := func() (time.Duration, error) {
		next := make(chan int, len(comparable))
		for _, k := range comparable {
			next <- k
		}
		close(next)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var firstErr error
		start := time.Now()
		for range min(procs, len(comparable)) {
			wg.Go(func() {
				for k := range next {
					t := time.Now()
					var c int
					err := raw.QueryRowContext(ctx, rules[k].where).Scan(&c)
					d := time.Since(t)
					mu.Lock()
					if err != nil && firstErr == nil {
						firstErr = fmt.Errorf("bench: SQL WHERE of %s: %w\n%s", first.Schemes[k].Rule.Code, err, rules[k].where)
					}
					rules[k].eligible, rules[k].took = c, d
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return time.Since(start), firstErr
	}
	runCombined := func() (time.Duration, error) {
		dest := make([]any, 3*len(comparable))
		got := make([]int, len(dest))
		for i := range dest {
			dest[i] = &got[i]
		}
		start := time.Now()
		if err := raw.QueryRowContext(ctx, combined).Scan(dest...); err != nil {
			return 0, fmt.Errorf("bench: combined SQL: %w\n%s", err, combined)
		}
		took := time.Since(start)
		for i, k := range comparable {
			rules[k].sql3 = app.ScreenCounts{Eligible: got[3*i], NotEligible: got[3*i+1], Undetermined: got[3*i+2]}
		}
		return took, nil
	}
	var whereRuns, combinedRuns []screenRun
	var whereWarm, combinedWarm time.Duration
	if len(comparable) > 0 {
		if whereWarm, err = runWhere(); err != nil {
			return err
		}
		if combinedWarm, err = runCombined(); err != nil {
			return err
		}
		perRule := make([][]time.Duration, len(rules))
		for range o.runs {
			c := processCPU()
			d, err := runWhere()
			if err != nil {
				return err
			}
			whereRuns = append(whereRuns, screenRun{elapsed: d, cpu: processCPU() - c})
			for _, k := range comparable {
				perRule[k] = append(perRule[k], rules[k].took)
			}
			c = processCPU()
			if d, err = runCombined(); err != nil {
				return err
			}
			combinedRuns = append(combinedRuns, screenRun{elapsed: d, cpu: processCPU() - c})
		}
		for _, k := range comparable {
			slices.Sort(perRule[k])
			rules[k].took = perRule[k][len(perRule[k])/2]
		}
	}

	// The report.
	evals := 0
	for _, s := range first.Schemes {
		evals += s.Total()
	}
	appMed, appMin, appHeap, appRSS := summarise(appRuns)
	loadMed, loadMin, loadHeap, loadRSS := summarise(loadRuns)
	row := func(name, warm string, med screenRun, fastest time.Duration, cpu, heap, rss string) {
		fmt.Fprintf(w, "  %-64s %10s %10s %10s %10s %10s %10s\n", name, warm, sec(med.elapsed), sec(fastest), cpu, heap, rss)
	}
	fmt.Fprintf(w, "%-66s %10s %10s %10s %10s %10s %10s\n", "phép đo (thời gian: toàn bộ, gồm đọc dữ liệu)", "làm nóng", "trung vị", "nhanh nhất", "CPU (tv)", "heap Go", "RSS đỉnh")
	row("app.Screen (đọc + đánh giá + tiêu chí trượt + gần đủ điều kiện)", sec(warmTook), appMed, appMin, sec(appMed.cpu), mib(appHeap), mib(appRSS))
	row(fmt.Sprintf("chỉ đọc dữ liệu như app.Screen (%d luồng, không đánh giá)", procs), "-", loadMed, loadMin, sec(loadMed.cpu), mib(loadHeap), mib(loadRSS))
	if len(comparable) > 0 {
		wMed, wMin, _, _ := summarise(whereRuns)
		cMed, cMin, _, _ := summarise(combinedRuns)
		// On PostgreSQL the statements run in the server: the CPU of this
		// process says nothing about them.
		sqlCPU := func(r screenRun) string {
			if pg {
				return "-"
			}
			return sec(r.cpu)
		}
		row(fmt.Sprintf("SQL WHERE: %d câu, mỗi chính sách một câu, %d kết nối", len(comparable), min(procs, len(comparable))), sec(whereWarm), wMed, wMin, sqlCPU(wMed), "-", "-")
		row(fmt.Sprintf("SQL một câu: đủ / chưa đủ / chưa xác định của %d chính sách", len(comparable)), sec(combinedWarm), cMed, cMin, sqlCPU(cMed), "-", "-")
	}
	if !allReset {
		fmt.Fprintln(w, "  (không đặt lại được VmHWM: RSS đỉnh là của cả tiến trình tới cuối phép đo)")
	}
	fmt.Fprintf(w, "dòng đọc: %s; chính sách: %d; lượt đánh giá (cơ sở × chính sách áp dụng cho tỉnh của cơ sở): %s (cơ sở × chính sách: %s)\n",
		vi.FormatNumber(int64(first.Establishments)), len(first.Schemes), vi.FormatNumber(int64(evals)), vi.FormatNumber(int64(first.Establishments*len(first.Schemes))))
	fmt.Fprintf(w, "lượt đánh giá/giây/lõi: %s (trung vị toàn bộ, chia %d lõi); %s (chia thời gian CPU tiến trình dùng); %s (thời gian toàn bộ trừ thời gian chỉ đọc, chia %d lõi)\n",
		perCore(evals, appMed.elapsed*time.Duration(procs)), procs, perCore(evals, appMed.cpu), perCore(evals, (appMed.elapsed-loadMed.elapsed)*time.Duration(procs)), procs)
	fmt.Fprintf(w, "đọc số liệu năm: %s\n", b.factNote())

	fmt.Fprintf(w, "%-22s %-10s %34s %12s %34s %10s  %s\n", "chính sách", "cấp", "app.Screen đủ/chưa đủ/chưa xác định", "SQL WHERE đủ", "SQL một câu đủ/chưa đủ/chưa xác định", "câu WHERE", "so sánh")
	var mismatches []string
	for k, s := range first.Schemes {
		r := rules[k]
		appCounts := fmt.Sprintf("%s / %s / %s", vi.FormatNumber(int64(s.Eligible)), vi.FormatNumber(int64(s.NotEligible)), vi.FormatNumber(int64(s.Undetermined)))
		if r.reason != "" {
			fmt.Fprintf(w, "  %-20s %-10s %34s %12s %34s %10s  không so được: %s\n", s.Rule.Code, s.Rule.Level, appCounts, "-", "-", "-", r.reason)
			continue
		}
		verdict := "khớp"
		if r.eligible != s.Eligible || r.sql3 != s.ScreenCounts {
			verdict = "KHÁC"
			mismatches = append(mismatches, fmt.Sprintf("%s: app.Screen %s, SQL WHERE %d eligible, combined SQL %s", s.Rule.Code, s.ScreenCounts, r.eligible, r.sql3))
		}
		sqlCounts := fmt.Sprintf("%s / %s / %s", vi.FormatNumber(int64(r.sql3.Eligible)), vi.FormatNumber(int64(r.sql3.NotEligible)), vi.FormatNumber(int64(r.sql3.Undetermined)))
		fmt.Fprintf(w, "  %-20s %-10s %34s %12s %34s %10s  %s\n", s.Rule.Code, s.Rule.Level, appCounts, vi.FormatNumber(int64(r.eligible)), sqlCounts, sec(r.took), verdict)
	}
	fmt.Fprintf(w, "so được %d/%d chính sách\n", len(comparable), len(first.Schemes))
	if len(mismatches) > 0 {
		return fmt.Errorf("bench: app.Screen and the SQL disagree:\n  %s", strings.Join(mismatches, "\n  "))
	}
	return nil
}

// readEligibility streams every eligibility row on day on as app.Screen
// does (the parallelRows of internal/app): the id span split into 8
// ranges per reader, of at least 20,000 ids, streamed by readers
// goroutines side by side in batches of 1,000. It returns the rows read.
func readEligibility(ctx context.Context, st *store.Store, on kc.Date, readers int) (int, error) {
	lo, hi, err := st.EligibilityIDSpan(ctx, store.EligibilityFilter{})
	if err != nil || hi == 0 {
		return 0, err
	}
	span := hi - lo + 1
	parts := max(1, min(int64(8*readers), span/20_000))
	size := (span + parts - 1) / parts
	next := make(chan [2]int64, parts)
	for from := lo; from <= hi; from += size {
		next <- [2]int64{from, min(hi, from+size-1)}
	}
	close(next)
	var mu sync.Mutex
	var firstErr error
	total := 0
	var wg sync.WaitGroup
	for range readers {
		wg.Go(func() {
			n := 0
			for r := range next {
				err := st.StreamEligibilityRows(ctx, store.EligibilityFilter{FromID: r[0], ToID: r[1]}, on, 1000, func(b []store.EligibilityRow) error {
					n += len(b)
					return nil
				})
				if err != nil {
					mu.Lock()
					firstErr = cmp.Or(firstErr, err)
					mu.Unlock()
					break
				}
			}
			mu.Lock()
			total += n
			mu.Unlock()
		})
	}
	wg.Wait()
	return total, firstErr
}

// sec formats a duration in seconds with two decimals.
func sec(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

// perCore is evals per second of d (a time summed over cores), or "-".
func perCore(evals int, d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	return vi.FormatNumber(int64(float64(evals) / d.Seconds()))
}

// sameScreen compares the counts of two screening reports.
func sameScreen(x, y app.ScreenReport) error {
	if x.Establishments != y.Establishments || len(x.Schemes) != len(y.Schemes) {
		return fmt.Errorf("%d establishments × %d schemes, then %d × %d", x.Establishments, len(x.Schemes), y.Establishments, len(y.Schemes))
	}
	for k := range x.Schemes {
		if x.Schemes[k].Rule.SchemeID != y.Schemes[k].Rule.SchemeID || x.Schemes[k].ScreenCounts != y.Schemes[k].ScreenCounts {
			return fmt.Errorf("%s: %s, then %s %s", x.Schemes[k].Rule.Code, x.Schemes[k].ScreenCounts, y.Schemes[k].Rule.Code, y.Schemes[k].ScreenCounts)
		}
	}
	if len(x.Near) != len(y.Near) {
		return fmt.Errorf("%d near-eligible, then %d", len(x.Near), len(y.Near))
	}
	return nil
}

// and joins SQL conditions with AND, leaving out empty ones.
func and(conds ...string) string {
	var out []string
	for _, c := range conds {
		if c != "" {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return "TRUE"
	}
	return strings.Join(out, " AND ")
}

// screenSQL writes the criteria of scheme versions as SQL over
// establishment e, its commune u and the commune's parent p, on a day.
type screenSQL struct {
	pg        bool
	on        kc.Date
	year      int
	day       string // 'YYYY-MM-DD'
	latest    bool   // no establishment has facts after the year: e.latest_year is the year to read
	needFacts bool   // some criterion reads establishment_fact
	priority  []app.PriorityArea
	needPrio  bool // some criterion reads PriorityArea
}

// newScreenSQL prepares the SQL of day on. It asks the database once
// whether any establishment has facts after that year: when none has,
// the latest year kept on the establishment row (e.latest_year,
// e.latest_workers, maintained by the store) is the year to read, as the
// issue's "latest_workers >= 10"; otherwise the year is found per
// establishment as the application does.
func newScreenSQL(ctx context.Context, db *sql.DB, pg bool, on kc.Date) (*screenSQL, error) {
	b := &screenSQL{pg: pg, on: on, year: on.Year(), day: quote(on.String())}
	var later int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM establishment WHERE latest_year > "+strconv.Itoa(b.year)).Scan(&later); err != nil {
		return nil, fmt.Errorf("bench: facts after %d: %w", b.year, err)
	}
	b.latest = later == 0
	for _, pa := range app.PriorityAreas {
		if !on.Before(pa.From) && (pa.To.IsZero() || !on.After(pa.To)) {
			b.priority = append(b.priority, pa)
		}
	}
	return b, nil
}

// factNote says how the statements find the year of the facts.
func (b *screenSQL) factNote() string {
	if b.latest {
		return fmt.Sprintf("SQL dùng e.latest_year / e.latest_workers (không cơ sở nào có số liệu sau năm %d)", b.year)
	}
	return fmt.Sprintf("SQL tìm năm mới nhất đến %d cho từng cơ sở (có cơ sở có số liệu sau năm đó)", b.year)
}

// quote is a SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// factYear is the SQL of the year of the facts read (NULL: none).
func (b *screenSQL) factYear() string {
	if b.latest {
		return "e.latest_year"
	}
	return "fa.year"
}

// from is the FROM clause the conditions are written over.
func (b *screenSQL) from() string {
	s := "\n\tFROM establishment e\n\tJOIN unit u ON u.id = e.commune_id\n\tLEFT JOIN unit p ON p.id = u.parent_id"
	switch {
	case b.needFacts && b.latest:
		s += "\n\tLEFT JOIN establishment_fact fa ON fa.establishment_id = e.id AND fa.year = e.latest_year"
	case b.needFacts:
		s += fmt.Sprintf("\n\tLEFT JOIN establishment_fact fa ON fa.establishment_id = e.id AND fa.year = "+
			"(SELECT MAX(f2.year) FROM establishment_fact f2 WHERE f2.establishment_id = e.id AND f2.year <= %d)", b.year)
	}
	return s
}

// with is the WITH clause naming the communes in force in the priority
// areas of the day (pa_commune), as app.priorityCommunes finds them: the
// districts of the curated list, then their children, and the successors
// of communes no longer in force, down to the communes in force.
func (b *screenSQL) with() string {
	if !b.needPrio {
		return ""
	}
	var seeds []string
	for _, pa := range b.priority {
		s := "SELECT d.id FROM unit d"
		if pa.ProvinceCode != "" {
			s += " JOIN unit pv ON pv.id = d.parent_id AND pv.code = " + quote(pa.ProvinceCode)
		}
		seeds = append(seeds, s+" WHERE d.level = 'district' AND d.code = "+quote(pa.DistrictCode))
	}
	if len(seeds) == 0 {
		seeds = []string{"SELECT id FROM unit WHERE FALSE"}
	}
	return "WITH RECURSIVE pa_walk(id) AS (\n\t" + strings.Join(seeds, "\n\tUNION ") + `
	UNION
	SELECT x.id FROM pa_walk w JOIN unit wu ON wu.id = w.id
	JOIN (SELECT id, parent_id AS src, 0 AS succ FROM unit UNION ALL SELECT to_unit_id, from_unit_id, 1 FROM unit_succession) x
		ON x.src = w.id AND ((x.succ = 0 AND wu.level <> 'commune') OR (x.succ = 1 AND wu.level = 'commune' AND wu.valid_to IS NOT NULL))
),
pa_commune(id) AS (SELECT w.id FROM pa_walk w JOIN unit c ON c.id = w.id WHERE c.level = 'commune' AND c.valid_to IS NULL)
`
}

// applies is the condition under which a scheme applies to an
// establishment (app's applies): national everywhere, a provincial or
// commune scheme in its own province.
func (b *screenSQL) applies(r eligibility.Rule) string {
	if r.Level == "national" {
		return ""
	}
	if r.ProvinceID == 0 {
		return "FALSE"
	}
	return "p.id = " + strconv.FormatInt(r.ProvinceID, 10)
}

// sqlFact is one field of the eligibility facts in SQL: its value when
// known, and the condition under which it is missing ("" never).
type sqlFact struct {
	value, missing string
	typ            string
}

// fact returns field name in SQL, following factsOf in internal/app.
func (b *screenSQL) fact(name string) (sqlFact, error) {
	fy := b.factYear()
	noFacts := fy + " IS NULL"
	cert := func(kind string) string {
		return fmt.Sprintf("FROM certificate c WHERE c.establishment_id = e.id AND c.kind = '%s' AND c.year <= %d AND (c.valid_until IS NULL OR c.valid_until >= %s)",
			kind, b.year, b.day)
	}
	noTrades := "NOT EXISTS (SELECT 1 FROM establishment_trade et WHERE et.establishment_id = e.id)"
	factCol := func(col string, zeroMissing bool) sqlFact {
		b.needFacts = true
		f := sqlFact{value: "fa." + col, missing: noFacts, typ: eligibility.TypeInt}
		if zeroMissing {
			f.missing = "(" + noFacts + " OR fa." + col + " = 0)"
		}
		return f
	}
	communeMissing := "u.type NOT IN ('Xã', 'Phường', 'Đặc khu')"
	if b.on.Before(kc.MustDate("2025-10-15")) {
		communeMissing = "u.type NOT IN ('Xã', 'Đặc khu')"
	}
	var f sqlFact
	switch name {
	case "Kind":
		f = sqlFact{value: "e.kind"}
	case "SizeClass":
		f = sqlFact{value: "e.size_class", missing: "(e.kind = 'enterprise' AND e.size_class = '')"}
	case "Registered":
		f = sqlFact{value: "(e.registration_no <> '' OR e.kind IN ('cooperative', 'coop_union', 'enterprise'))",
			missing: "(e.registration_no = '' AND e.kind = 'household_business')"}
	case "CommuneType":
		f = sqlFact{value: "CASE u.type WHEN 'Xã' THEN 'xa' WHEN 'Phường' THEN 'phuong' WHEN 'Đặc khu' THEN 'dac_khu' END", missing: communeMissing}
	case "ProvinceType":
		f = sqlFact{value: "CASE p.type WHEN 'Tỉnh' THEN 'tinh' WHEN 'Thành phố' THEN 'thanh_pho' END",
			missing: "COALESCE(p.type, '') NOT IN ('Tỉnh', 'Thành phố')"}
	case "CraftVillage":
		f = sqlFact{value: "e.craft_village"}
	case "TraditionalCraft":
		f = sqlFact{value: "e.traditional_craft"}
	case "WomenOwned":
		f = sqlFact{value: "e.women_owned"}
	case "EthnicMinorityOwned":
		f = sqlFact{value: "e.ethnic_minority_owned"}
	case "PriorityArea":
		// Never false: outside the curated list it is not known.
		b.needPrio = true
		f = sqlFact{value: "TRUE", missing: "e.commune_id NOT IN (SELECT id FROM pa_commune)"}
	case "Trades":
		f = sqlFact{missing: noTrades} // only `"CODE" in Trades`, see has
	case "PrimaryTrade":
		f = sqlFact{value: "(SELECT t.code FROM establishment_trade et JOIN trade t ON t.id = et.trade_id WHERE et.establishment_id = e.id " +
			"ORDER BY et.is_primary DESC, t.code LIMIT 1)", missing: noTrades}
	case "Artisan":
		f = sqlFact{value: "CASE WHEN e.artisan = '' THEN 'none' ELSE e.artisan END"}
	case "FoundedYear":
		f = sqlFact{value: "e.founded_year", missing: "COALESCE(e.founded_year, 0) <= 0"}
	case "YearsActive":
		f = sqlFact{value: fmt.Sprintf("CASE WHEN e.founded_year < %d THEN %d - e.founded_year ELSE 0 END", b.year, b.year),
			missing: "COALESCE(e.founded_year, 0) <= 0"}
	case "FactYear":
		if !b.latest {
			b.needFacts = true
		}
		f = sqlFact{value: fy, missing: noFacts}
	case "Workers":
		if b.latest {
			f = sqlFact{value: "e.latest_workers", missing: "(e.latest_year IS NULL OR e.latest_workers = 0)"}
		} else {
			f = factCol("workers", true)
		}
	case "WomenWorkers":
		f = factCol("women_workers", false)
	case "EthnicMinorityWorkers":
		f = factCol("ethnic_minority_workers", false)
	case "Revenue":
		f = factCol("revenue", true)
	case "Capital":
		f = factCol("capital", true)
	case "AvgIncome":
		f = factCol("avg_income", true)
	case "TypicalProduct":
		f = sqlFact{value: "EXISTS (SELECT 1 " + cert("typical_product") + ")"}
	case "OCOPStars":
		f = sqlFact{value: "(SELECT COALESCE(MAX(c.stars), 0) " + cert("ocop") + ")"}
	case "LocalMaterialsPct", "Export":
		// Not recorded by the registry: always missing.
		f = sqlFact{value: "0", missing: "TRUE"}
		if name == "Export" {
			f.value = "FALSE"
		}
	default:
		return sqlFact{}, fmt.Errorf("trường %s không có cột tương ứng", name)
	}
	fd, _ := eligibility.FieldByName(name)
	f.typ = fd.Type
	return f, nil
}

// rule is the eligibility criteria of r as one SQL condition: TRUE,
// FALSE, or NULL when undetermined. Priority criteria do not decide
// eligibility and are left out.
func (b *screenSQL) rule(r eligibility.Rule) (string, error) {
	groups := map[int][]string{}
	for i, c := range r.Criteria {
		if c.Kind == eligibility.KindPriority {
			continue
		}
		s, err := b.criterion(c)
		if err != nil {
			return "", fmt.Errorf("tiêu chí %d (%s): %w", i+1, c.Label, err)
		}
		groups[c.Group] = append(groups[c.Group], s)
	}
	if len(groups) == 0 {
		return "TRUE", nil
	}
	nums := make([]int, 0, len(groups))
	for g := range groups {
		nums = append(nums, g)
	}
	sort.Ints(nums)
	parts := make([]string, len(nums))
	for i, g := range nums {
		parts[i] = "(" + strings.Join(groups[g], "\n\t\tOR ") + ")"
	}
	return "(" + strings.Join(parts, "\n\tAND ") + ")", nil
}

// criterion is one criterion in SQL: NULL when a fact it reads is
// missing, else whether it holds.
func (b *screenSQL) criterion(c eligibility.Criterion) (string, error) {
	var pred string
	var missing []string
	if src := strings.TrimSpace(c.Formula); src != "" {
		tree, err := parser.Parse(src)
		if err != nil {
			return "", err
		}
		t := &formulaSQL{b: b, fields: map[string]bool{}}
		var typ string
		pred, typ, err = t.expr(tree.Node)
		if err != nil {
			return "", err
		}
		if typ != eligibility.TypeBool {
			return "", errors.New("công thức không cho giá trị đúng/sai")
		}
		names := make([]string, 0, len(t.fields))
		for n := range t.fields {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			f, _ := b.fact(n)
			if f.missing != "" {
				missing = append(missing, f.missing)
			}
		}
	} else {
		name := strings.TrimSpace(c.Field)
		f, err := b.fact(name)
		if err != nil {
			return "", err
		}
		if f.missing != "" {
			missing = append(missing, f.missing)
		}
		if pred, err = simplePredicate(f, c.Op, c.Value); err != nil {
			return "", err
		}
	}
	if len(missing) == 0 {
		return "(" + pred + ")", nil
	}
	return "(CASE WHEN " + strings.Join(missing, " OR ") + " THEN NULL ELSE " + pred + " END)", nil
}

// simplePredicate is a field/operator/value criterion on a known fact,
// its value read as eligibility.Compile reads it.
func simplePredicate(f sqlFact, op, value string) (string, error) {
	value = strings.TrimSpace(value)
	var items []string
	for it := range strings.SplitSeq(value, ",") {
		if it = strings.TrimSpace(it); it != "" {
			items = append(items, it)
		}
	}
	lits := make([]string, len(items))
	for i, it := range items {
		switch f.typ {
		case eligibility.TypeInt, eligibility.TypeMoney:
			n, err := strconv.ParseInt(it, 10, 64)
			if err != nil {
				return "", fmt.Errorf("giá trị %q không phải số nguyên", it)
			}
			lits[i] = strconv.FormatInt(n, 10)
		default:
			lits[i] = quote(it)
		}
	}
	if f.typ == eligibility.TypeBool {
		switch op {
		case eligibility.OpTrue:
			return f.value, nil
		case eligibility.OpFalse:
			return "NOT " + f.value, nil
		}
		return "", fmt.Errorf("phép %s trên trường đúng/sai", op)
	}
	if f.typ == eligibility.TypeList {
		if op != eligibility.OpHas || len(value) == 0 {
			return "", fmt.Errorf("phép %s trên danh sách", op)
		}
		return hasTrade(quote(value)), nil
	}
	switch op {
	case eligibility.OpIn, eligibility.OpNotIn:
		if len(lits) == 0 {
			return "", errors.New("danh sách trống")
		}
		not := ""
		if op == eligibility.OpNotIn {
			not = "NOT "
		}
		return f.value + " " + not + "IN (" + strings.Join(lits, ", ") + ")", nil
	}
	if value == "" || (f.typ != eligibility.TypeText && len(lits) != 1) {
		return "", errors.New("thiếu giá trị")
	}
	lit := quote(value)
	if f.typ != eligibility.TypeText {
		lit = lits[0]
	}
	sqlOps := map[string]string{eligibility.OpGE: ">=", eligibility.OpGT: ">", eligibility.OpLE: "<=", eligibility.OpLT: "<",
		eligibility.OpEQ: "=", eligibility.OpNE: "<>"}
	so, ok := sqlOps[op]
	if !ok || (f.typ == eligibility.TypeText && op != eligibility.OpEQ && op != eligibility.OpNE) {
		return "", fmt.Errorf("phép %s không hỗ trợ", op)
	}
	return f.value + " " + so + " " + lit, nil
}

// hasTrade is whether the establishment has the trade whose code is the
// SQL literal code.
func hasTrade(code string) string {
	return "EXISTS (SELECT 1 FROM establishment_trade et JOIN trade t ON t.id = et.trade_id WHERE et.establishment_id = e.id AND t.code = " + code + ")"
}

// formulaSQL translates the formulas that are boolean combinations of
// comparisons between facts and literals (and, or, not, ==, !=, <, <=,
// >, >=, in / not in a list of literals, "CODE" in Trades) into SQL over
// known facts; it collects the facts read, whose missing conditions make
// the criterion NULL, as the engine does. Anything else (arithmetic,
// functions, member access) cannot be compared.
type formulaSQL struct {
	b      *screenSQL
	fields map[string]bool
}

func (t *formulaSQL) expr(n ast.Node) (string, string, error) {
	switch x := n.(type) {
	case *ast.IdentifierNode:
		if x.Value == "Trades" {
			return "", "", errors.New("Trades chỉ dùng được trong \"MÃ\" in Trades")
		}
		f, err := t.b.fact(x.Value)
		if err != nil {
			return "", "", err
		}
		t.fields[x.Value] = true
		typ := f.typ
		if typ == eligibility.TypeMoney {
			typ = eligibility.TypeInt
		}
		return f.value, typ, nil
	case *ast.StringNode:
		return quote(x.Value), eligibility.TypeText, nil
	case *ast.IntegerNode:
		return strconv.Itoa(x.Value), eligibility.TypeInt, nil
	case *ast.BoolNode:
		if x.Value {
			return "TRUE", eligibility.TypeBool, nil
		}
		return "FALSE", eligibility.TypeBool, nil
	case *ast.UnaryNode:
		if x.Operator != "!" && x.Operator != "not" {
			break
		}
		s, typ, err := t.expr(x.Node)
		if err != nil {
			return "", "", err
		}
		if typ != eligibility.TypeBool {
			return "", "", fmt.Errorf("%s trên giá trị không phải đúng/sai", x.Operator)
		}
		return "(NOT " + s + ")", eligibility.TypeBool, nil
	case *ast.BinaryNode:
		return t.binary(x)
	}
	return "", "", fmt.Errorf("biểu thức %s không viết được thành SQL", n.String())
}

func (t *formulaSQL) binary(x *ast.BinaryNode) (string, string, error) {
	if x.Operator == "in" {
		if id, ok := x.Right.(*ast.IdentifierNode); ok && id.Value == "Trades" {
			code, ok := x.Left.(*ast.StringNode)
			if !ok {
				return "", "", errors.New("in Trades cần một mã ngành")
			}
			t.fields["Trades"] = true
			return hasTrade(quote(code.Value)), eligibility.TypeBool, nil
		}
		l, lt, err := t.expr(x.Left)
		if err != nil {
			return "", "", err
		}
		arr, ok := x.Right.(*ast.ArrayNode)
		if !ok {
			return "", "", errors.New("in cần một danh sách giá trị")
		}
		if len(arr.Nodes) == 0 {
			return "FALSE", eligibility.TypeBool, nil
		}
		items := make([]string, len(arr.Nodes))
		for i, it := range arr.Nodes {
			s, typ, err := t.expr(it)
			if err != nil {
				return "", "", err
			}
			if typ != lt || typ == eligibility.TypeBool {
				return "", "", errors.New("danh sách in khác kiểu")
			}
			items[i] = s
		}
		return "(" + l + " IN (" + strings.Join(items, ", ") + "))", eligibility.TypeBool, nil
	}
	l, lt, err := t.expr(x.Left)
	if err != nil {
		return "", "", err
	}
	r, rt, err := t.expr(x.Right)
	if err != nil {
		return "", "", err
	}
	switch x.Operator {
	case "&&", "and", "||", "or":
		if lt != eligibility.TypeBool || rt != eligibility.TypeBool {
			return "", "", fmt.Errorf("%s trên giá trị không phải đúng/sai", x.Operator)
		}
		op := " AND "
		if x.Operator == "||" || x.Operator == "or" {
			op = " OR "
		}
		return "(" + l + op + r + ")", eligibility.TypeBool, nil
	case "==", "!=":
		if lt != rt {
			return "", "", fmt.Errorf("%s giữa hai kiểu khác nhau", x.Operator)
		}
		op := " = "
		if x.Operator == "!=" {
			op = " <> "
		}
		return "(" + l + op + r + ")", eligibility.TypeBool, nil
	case "<", "<=", ">", ">=":
		if lt != eligibility.TypeInt || rt != eligibility.TypeInt {
			return "", "", fmt.Errorf("%s trên giá trị không phải số", x.Operator)
		}
		return "(" + l + " " + x.Operator + " " + r + ")", eligibility.TypeBool, nil
	}
	return "", "", fmt.Errorf("phép %s không viết được thành SQL", x.Operator)
}
