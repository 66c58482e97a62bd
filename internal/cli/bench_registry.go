package cli

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/sheet"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"

	"github.com/spf13/cobra"
	"github.com/xuri/excelize/v2"
)

// The registry benchmarks of issue 3 (`bench registry`, `bench export`,
// `bench import`) put the application path next to hand-written SQL run
// on the same data in the same process: the search and the filtered list
// against one raw statement returning the same page and total, the export
// against one raw SELECT of the same rows, the import against reading the
// workbook with excelize and one multi-row INSERT per 100 rows. The raw
// side goes through its own database/sql pools (opened like the store's),
// never through the store, so it is an independent check of the results as
// well as a baseline.

// registryPageSize is the page size of the list screen and the API default.
const registryPageSize = 50

// registryCase is one measured list or search call.
type registryCase struct {
	name   string
	filter app.RegistryFilter
	page   int // 1-based
}

// registryCases are the searches and filtered lists measured for each
// principal: the searches of issue 3 (common trades, a place name, an
// owner's name, a two-letter query, the most common word of the names),
// then the list filters alone and combined, and deep pages.
var registryCases = []registryCase{
	{"q=\"ruou men la\"", app.RegistryFilter{Query: "ruou men la"}, 1},
	{"q=\"det tho cam\"", app.RegistryFilter{Query: "det tho cam"}, 1},
	{"q=\"Đakrông\"", app.RegistryFilter{Query: "Đakrông"}, 1},
	{"q=\"Hồ Hữu Lực\" (tên hiếm)", app.RegistryFilter{Query: "Hồ Hữu Lực"}, 1},
	{"q=\"ho\" (2 chữ)", app.RegistryFilter{Query: "ho"}, 1},
	{"q=\"co so\" (từ phổ biến)", app.RegistryFilter{Query: "co so"}, 1},
	{"không lọc", app.RegistryFilter{}, 1},
	{"không lọc, trang 100", app.RegistryFilter{}, 100},
	{"unit=44 (tỉnh)", app.RegistryFilter{UnitCode: "44"}, 1},
	{"unit=44, trang 100", app.RegistryFilter{UnitCode: "44"}, 100},
	{"unit=467 (huyện Đakrông cũ)", app.RegistryFilter{UnitCode: "467"}, 1},
	{"kind=cooperative", app.RegistryFilter{Kind: kc.KindCooperative}, 1},
	{"kind=household, trang 100", app.RegistryFilter{Kind: kc.KindHousehold}, 100},
	{"trade=RUOU_MEN_LA", app.RegistryFilter{Trade: "RUOU_MEN_LA"}, 1},
	{"flag=traditional_craft", app.RegistryFilter{Flags: []string{kc.FlagTraditionalCraft}}, 1},
	{"unit=44 trade=MOC flag=women_owned", app.RegistryFilter{UnitCode: "44", Trade: "MOC", Flags: []string{kc.FlagWomenOwned}}, 1},
	{"kind=household flag=ethnic_minority_owned", app.RegistryFilter{Kind: kc.KindHousehold, Flags: []string{kc.FlagEthnicMinorityOwned}}, 1},
	{"q=\"mộc\" unit=467", app.RegistryFilter{Query: "mộc", UnitCode: "467"}, 1},
	{"q=\"co so\" kind=household_business trang 100", app.RegistryFilter{Query: "co so", Kind: kc.KindHouseholdBusiness}, 100},
}

// registryOptions are the flags of `bench registry`.
type registryOptions struct {
	clients, requests int
	budget            time.Duration
	only              string
	markdown          bool
}

func (m *Main) benchRegistryCmd() *cobra.Command {
	o := registryOptions{clients: 1, requests: 100, budget: 15 * time.Second}
	cmd := &cobra.Command{
		Use: "registry",
		Short: "Đo độ trễ tìm kiếm và lọc danh sách cơ sở (p50/p95/p99), mỗi phép đo so với một câu SQL thô " +
			"trả về cùng trang và cùng tổng số (kiểm tra bằng nhau trước khi đo)",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return m.benchRegistry(cmd.Context(), o) },
	}
	fl := cmd.Flags()
	fl.IntVar(&o.clients, "clients", o.clients, "số người dùng gọi đồng thời")
	fl.IntVar(&o.requests, "requests", o.requests, "số lần gọi tối đa cho mỗi phép đo")
	fl.DurationVar(&o.budget, "budget", o.budget, "thời gian tối đa cho mỗi phép đo (ít nhất một lần gọi cho mỗi người dùng)")
	fl.StringVar(&o.only, "only", "", "chỉ đo các trường hợp có tên chứa chuỗi này")
	fl.BoolVar(&o.markdown, "markdown", false, "in thêm kết quả dạng bảng Markdown")
	return cmd
}

// benchPrincipal is a principal measured by the registry benchmarks.
type benchPrincipal struct {
	label string
	p     *app.Principal
}

// benchPrincipals are a province officer of Tỉnh Quảng Trị (when the
// units are loaded) and an administrator, as in `bench dashboard`.
func benchPrincipals(ctx context.Context, a *app.App) ([]benchPrincipal, error) {
	var out []benchPrincipal
	if prov, err := a.Store.FindUnit(ctx, "44", kc.ReformDate); err == nil {
		p, err := a.ResolvePrincipal(ctx, kc.User{Username: "bench.tinh", Role: kc.RoleProvinceOfficer, ScopeUnitIDs: []int64{prov.ID}})
		if err != nil {
			return nil, err
		}
		out = append(out, benchPrincipal{"province_officer (Tỉnh Quảng Trị, " + strconv.Itoa(len(p.Communes)) + " xã)", p})
	}
	out = append(out, benchPrincipal{"admin (toàn quốc)", &app.Principal{User: kc.User{Username: "bench.admin", Role: kc.RoleAdmin}, All: true}})
	return out, nil
}

func (m *Main) benchRegistry(ctx context.Context, o registryOptions) error {
	if o.clients < 1 || o.requests < 1 || o.budget <= 0 {
		return kc.Errorf(kc.EInvalid, "bench.bad_flags")
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
	principals, err := benchPrincipals(ctx, a)
	if err != nil {
		return err
	}
	w := m.Stdout
	fmt.Fprintf(w, "Tìm kiếm và lọc danh sách cơ sở trên %s, %d cơ sở; trang %d dòng; %d người dùng đồng thời; tối đa %d lần gọi hoặc %s mỗi phép đo\n",
		a.Store.Dialect().Name, n, registryPageSize, o.clients, o.requests, o.budget)
	fmt.Fprintf(w, "%-46s %9s %9s %9s %9s %6s\n", "phép đo", "p50", "p95", "p99", "max", "lần")
	var md []string
	for _, who := range principals {
		pctx := app.WithPrincipal(ctx, who.p)
		fmt.Fprintln(w, who.label)
		for _, c := range registryCases {
			if o.only != "" && !strings.Contains(c.name, o.only) {
				continue
			}
			offset := (c.page - 1) * registryPageSize
			rq, err := rawRegistryQuery(pctx, a, who.p, c.filter, registryPageSize, offset)
			if err != nil {
				return fmt.Errorf("bench: %s, %s: %w", who.label, c.name, err)
			}
			list, total, err := a.SearchEstablishments(pctx, c.filter, registryPageSize, offset)
			if err != nil {
				return fmt.Errorf("bench: %s, %s: %w", who.label, c.name, err)
			}
			rp, err := rq.run(ctx, raw)
			if err != nil {
				return fmt.Errorf("bench: %s, %s: raw SQL: %w", who.label, c.name, err)
			}
			if err := sameRegistryPage(appRegistryPage(list, total), rp); err != nil {
				return fmt.Errorf("bench: %s, %s: app.SearchEstablishments and the raw SQL disagree: %w", who.label, c.name, err)
			}
			fmt.Fprintf(w, "  %s: %d kết quả, %d dòng trên trang\n", c.name, total, len(list))
			runs := []struct {
				name string
				fn   func(context.Context) error
			}{
				{"app.SearchEstablishments", func(ctx context.Context) error {
					_, _, err := a.SearchEstablishments(ctx, c.filter, registryPageSize, offset)
					return err
				}},
				{"một câu SQL thô", func(ctx context.Context) error { _, err := rq.run(ctx, raw); return err }},
			}
			var res [2]benchResult
			for i, r := range runs {
				// Warm the caches and the connection pools first.
				if _, err := runTimed(pctx, o.clients, o.clients, o.budget/4, r.fn); err != nil {
					return err
				}
				if res[i], err = runTimed(pctx, o.clients, o.requests, o.budget, r.fn); err != nil {
					return err
				}
				res[i].name = r.name
				fmt.Fprintf(w, "    %-44s %9s %9s %9s %9s %6d\n", r.name, ms(res[i].p50), ms(res[i].p95), ms(res[i].p99), ms(res[i].max), res[i].n)
			}
			md = append(md, fmt.Sprintf("| %s | %s | %s | **%s** | **%s** | %s | %s | %s | %s |", shortLabel(who.label), c.name, vi.FormatNumber(int64(total)),
				ms(res[0].p50), ms(res[0].p95), ms(res[0].p99), ms(res[1].p50), ms(res[1].p95), ms(res[1].p99)))
		}
	}
	if o.markdown {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| ai | phép đo | kết quả | app p50 | app p95 | app p99 | SQL thô p50 | SQL thô p95 | SQL thô p99 |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
		for _, l := range md {
			fmt.Fprintln(w, l)
		}
	}
	return nil
}

// shortLabel is the first word of a principal label.
func shortLabel(s string) string {
	f, _, _ := strings.Cut(s, " ")
	return f
}

// runTimed calls fn up to requests times from clients goroutines, stopping
// once budget has passed (each client makes at least one call), and
// returns the latency distribution of the calls made.
func runTimed(ctx context.Context, clients, requests int, budget time.Duration, fn func(context.Context) error) (benchResult, error) {
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	next := make(chan struct{}, requests)
	for range requests {
		next <- struct{}{}
	}
	close(next)
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			first := true
			for range next {
				if !first && time.Since(start) > budget {
					return
				}
				first = false
				t := time.Now()
				err := fn(ctx)
				d := time.Since(t)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				lat = append(lat, d)
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	if firstErr != nil {
		return benchResult{}, firstErr
	}
	slices.Sort(lat)
	q := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	return benchResult{n: len(lat), p50: q(0.50), p95: q(0.95), p99: q(0.99), max: lat[len(lat)-1], wall: wall}, nil
}

// registryPage is what a list call returns, reduced to what the two sides
// must agree on: the ids in order with their names, communes and trades
// (primary first), and the total.
type registryPage struct {
	ids      []int64
	names    []string
	communes []int64
	trades   [][]int64
	total    int
}

func appRegistryPage(list []kc.Establishment, total int) registryPage {
	p := registryPage{total: total}
	for _, e := range list {
		p.ids = append(p.ids, e.ID)
		p.names = append(p.names, e.Name)
		p.communes = append(p.communes, e.CommuneID)
		p.trades = append(p.trades, e.TradeIDs)
	}
	return p
}

// sameRegistryPage returns an error naming the first difference between
// the app's page and the raw one. A name search's total stops at
// app.SearchCountCap+1 ("more than"), which matches any raw total above
// the cap.
func sameRegistryPage(a, r registryPage) error {
	capped := a.total == app.SearchCountCap+1 && r.total > app.SearchCountCap
	if a.total != r.total && !capped {
		return fmt.Errorf("total %d (app) vs %d (SQL)", a.total, r.total)
	}
	if len(a.ids) != len(r.ids) {
		return fmt.Errorf("%d rows (app) vs %d (SQL)", len(a.ids), len(r.ids))
	}
	for i := range a.ids {
		switch {
		case a.ids[i] != r.ids[i]:
			return fmt.Errorf("row %d: id %d (app) vs %d (SQL)", i+1, a.ids[i], r.ids[i])
		case a.names[i] != r.names[i]:
			return fmt.Errorf("row %d: name %q (app) vs %q (SQL)", i+1, a.names[i], r.names[i])
		case a.communes[i] != r.communes[i]:
			return fmt.Errorf("row %d: commune %d (app) vs %d (SQL)", i+1, a.communes[i], r.communes[i])
		case !slices.Equal(a.trades[i], r.trades[i]):
			return fmt.Errorf("row %d: trades %v (app) vs %v (SQL)", i+1, a.trades[i], r.trades[i])
		}
	}
	return nil
}

// rawFilter is a registry filter resolved once, before timing: the
// communes the app would search (nil: all), the folded query, the kind,
// the trade id and the flags.
type rawFilter struct {
	communes []int64
	key      string
	kind     string
	tradeID  int64
	flags    []string
}

// resolveRawFilter resolves f for p the way the app does (unit code to the
// current communes it covers, narrowed to p's scope; trade code to its id).
func resolveRawFilter(ctx context.Context, a *app.App, p *app.Principal, f app.RegistryFilter) (rawFilter, error) {
	rf := rawFilter{key: vi.SearchKey(vi.NFC(strings.TrimSpace(f.Query))), kind: f.Kind, flags: f.Flags}
	if f.Trade != "" {
		id, err := a.TradeByCode(ctx, f.Trade)
		if err != nil {
			return rf, err
		}
		rf.tradeID = id
	}
	if !p.All {
		rf.communes = slices.Clone(p.Communes)
		if rf.communes == nil {
			rf.communes = []int64{}
		}
	}
	if f.UnitCode != "" {
		ids, err := a.CommunesUnderCode(ctx, f.UnitCode)
		if err != nil {
			return rf, err
		}
		if !p.All {
			ids = slices.DeleteFunc(ids, func(id int64) bool { return !p.InScope(id) })
		}
		rf.communes = ids
	}
	return rf, nil
}

// rawWhere is the hand-written WHERE clause over establishment e: the
// communes as integer literals, the search through the FTS trigram table
// on SQLite (LIKE below three characters) and the pg_trgm-indexed LIKE on
// PostgreSQL, the kind, the trade and the flags.
func rawWhere(pg bool, f rawFilter) (string, []any) {
	var where []string
	var args []any
	ph := func(v any) string {
		args = append(args, v)
		if pg {
			return "$" + strconv.Itoa(len(args))
		}
		return "?"
	}
	if f.communes != nil {
		where = append(where, "e.commune_id IN "+intLiterals(f.communes))
	}
	if f.key != "" {
		if !pg && len([]rune(f.key)) >= 3 {
			where = append(where, "e.id IN (SELECT rowid FROM establishment_fts WHERE establishment_fts MATCH "+ph(`"`+f.key+`"`)+")")
		} else {
			where = append(where, "e.name_fold LIKE "+ph("%"+f.key+"%"))
		}
	}
	if f.kind != "" {
		where = append(where, "e.kind = "+ph(f.kind))
	}
	if f.tradeID != 0 {
		where = append(where, "e.id IN (SELECT establishment_id FROM establishment_trade WHERE trade_id = "+ph(f.tradeID)+")")
	}
	for _, fl := range f.flags {
		if slices.Contains(kc.EstablishmentFlags, fl) {
			where = append(where, "e."+fl+" = TRUE")
		}
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// intLiterals writes ids as a parenthesised list of integer literals.
func intLiterals(ids []int64) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte(')')
	return b.String()
}

// rawColumns are the establishment columns the list reads (the store's
// establishmentColumns), id, name and commune first.
var rawColumns = []string{"id", "name", "commune_id", "kind", "size_class", "village", "lat", "lon",
	"owner_name", "owner_gender", "owner_ethnicity", "owner_birth_year", "women_owned", "ethnic_minority_owned",
	"founded_year", "registration_no", "registration_date", "traditional_craft", "craft_village", "artisan",
	"main_products", "notes", "demo", "version", "created_at", "updated_at"}

func prefixed(alias string, cols []string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = alias + "." + c
	}
	return strings.Join(out, ", ")
}

// tradesAgg is a correlated subquery giving the trade ids of establishment
// alias.id as "1,5,7", primary first.
func tradesAgg(pg bool, alias string) string {
	if pg {
		return "(SELECT string_agg(t.trade_id::text, ',' ORDER BY t.is_primary DESC, t.trade_id) FROM establishment_trade t WHERE t.establishment_id = " + alias + ".id)"
	}
	return "(SELECT group_concat(t.trade_id, ',' ORDER BY t.is_primary DESC, t.trade_id) FROM establishment_trade t WHERE t.establishment_id = " + alias + ".id)"
}

// rawQuery is the single raw statement of a list call.
type rawQuery struct {
	pg    bool
	empty bool // the scope leaves no commune: nothing to query
	sql   string
	args  []any
	count string // the total when the page is past the end
}

// rawRegistryQuery writes the textbook statement for one page: the page
// in Vietnamese name order with COUNT(*) OVER () for the total, the full
// columns and the trades of the 50 rows joined on afterwards.
func rawRegistryQuery(ctx context.Context, a *app.App, p *app.Principal, f app.RegistryFilter, limit, offset int) (rawQuery, error) {
	rf, err := resolveRawFilter(ctx, a, p, f)
	if err != nil {
		return rawQuery{}, err
	}
	pg := a.Store.Dialect().Postgres()
	if rf.communes != nil && len(rf.communes) == 0 {
		return rawQuery{pg: pg, empty: true}, nil
	}
	where, args := rawWhere(pg, rf)
	q := "SELECT " + prefixed("p", rawColumns) + ", p.total, " + tradesAgg(pg, "p") +
		" FROM (SELECT " + prefixed("e", rawColumns) + ", e.sort_key, COUNT(*) OVER () AS total FROM establishment e" + where +
		" ORDER BY e.sort_key, e.id LIMIT " + strconv.Itoa(limit) + " OFFSET " + strconv.Itoa(offset) + ") p ORDER BY p.sort_key, p.id"
	return rawQuery{pg: pg, sql: q, args: args, count: "SELECT COUNT(*) FROM establishment e" + where}, nil
}

// run executes the statement and reads every column of every row.
func (rq rawQuery) run(ctx context.Context, db *sql.DB) (registryPage, error) {
	var p registryPage
	if rq.empty {
		return p, nil
	}
	rows, err := db.QueryContext(ctx, rq.sql, rq.args...)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	vals := make([]any, len(rawColumns))
	dest := make([]any, len(rawColumns)+2)
	for i := range vals {
		dest[i] = &vals[i]
	}
	var id, commune int64
	var name string
	var trades sql.NullString
	dest[0], dest[1], dest[2] = &id, &name, &commune
	dest[len(rawColumns)], dest[len(rawColumns)+1] = &p.total, &trades
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return p, err
		}
		var ts []int64
		for s := range strings.SplitSeq(trades.String, ",") {
			if s != "" {
				n, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					return p, err
				}
				ts = append(ts, n)
			}
		}
		p.ids, p.names, p.communes, p.trades = append(p.ids, id), append(p.names, name), append(p.communes, commune), append(p.trades, ts)
	}
	if err := rows.Err(); err != nil {
		return p, err
	}
	if len(p.ids) == 0 {
		// Past the last page the window saw no row: count apart.
		if err := db.QueryRowContext(ctx, rq.count, rq.args...).Scan(&p.total); err != nil {
			return p, err
		}
	}
	return p, nil
}

// rawPragmas are the connection settings of the store's SQLite pools.
const rawPragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)"

// openRawDB opens the database behind st directly, with the pool settings
// of the store: on SQLite a reader pool of 8 connections, or the single
// writer connection (write); on PostgreSQL a pool of 32.
func openRawDB(st *store.Store, write bool) (*sql.DB, error) {
	d, target, err := store.ParseDSN(st.DSN())
	if err != nil {
		return nil, err
	}
	if d.Postgres() {
		db, err := sql.Open("pgx", target)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(32)
		db.SetMaxIdleConns(16)
		return db, nil
	}
	dsn := "file:" + target + "?" + rawPragmas
	if write {
		dsn += "&_txlock=immediate"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	if write {
		db.SetMaxOpenConns(1)
	} else {
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
	}
	return db, nil
}

// phaseResult is the cost of one phase of an export or import benchmark.
type phaseResult struct {
	name    string
	rows    int
	elapsed time.Duration
	heap    uint64 // peak Go heap objects (sampled)
	rss     uint64 // peak resident set of the process during the phase (VmHWM)
	bytes   int64  // size of the file written or read, if any
}

// measurePhase runs fn with the memory of the process measured on its own:
// the heap is collected and returned to the system and the kernel's peak
// RSS (VmHWM) reset (/proc/self/clear_refs) before it starts, so the peak
// read afterwards belongs to this phase. Where the reset is refused the
// peak is that of the process so far (reset false).
func measurePhase(name string, fn func() (rows int, err error)) (phaseResult, bool, error) {
	runtime.GC()
	debug.FreeOSMemory()
	reset := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	mem := startMemSampler(20 * time.Millisecond)
	start := time.Now()
	rows, err := fn()
	el := time.Since(start)
	peak := mem.stop()
	return phaseResult{name: name, rows: rows, elapsed: el, heap: peak.heap, rss: peakRSS()}, reset, err
}

// printPhases prints the phases of an export or import benchmark.
func printPhases(w io.Writer, phases []phaseResult, reset bool) {
	fmt.Fprintf(w, "%-48s %9s %11s %10s %10s %10s\n", "giai đoạn", "dòng", "thời gian", "heap Go", "RSS đỉnh", "tệp")
	for _, p := range phases {
		size := "-"
		if p.bytes > 0 {
			size = fmt.Sprintf("%.1f MB", float64(p.bytes)/1e6)
		}
		fmt.Fprintf(w, "  %-46s %9d %10.2fs %10s %10s %10s\n", p.name, p.rows, p.elapsed.Seconds(), mib(p.heap), mib(p.rss), size)
	}
	if !reset {
		fmt.Fprintln(w, "  (không đặt lại được VmHWM: RSS đỉnh là của cả tiến trình tới cuối giai đoạn)")
	}
}

// exportBenchOptions are the flags of `bench export`.
type exportBenchOptions struct {
	exportOptions
	dir  string
	keep bool
}

func (m *Main) benchExportCmd() *cobra.Command {
	var o exportBenchOptions
	cmd := &cobra.Command{
		Use: "export",
		Short: "Đo thời gian và bộ nhớ của xuất danh sách cơ sở (XLSX, CSV) so với một câu SELECT thô đọc cùng các dòng " +
			"(đếm bằng nhau trước khi so)",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return m.benchExport(cmd.Context(), o) },
	}
	fl := cmd.Flags()
	fl.StringVar(&o.unit, "unit", "", te("export.cli.unit"))
	fl.StringVar(&o.q, "q", "", te("export.cli.q"))
	fl.StringVar(&o.kind, "kind", "", te("export.cli.kind"))
	fl.StringVar(&o.trade, "trade", "", te("export.cli.trade"))
	fl.StringSliceVar(&o.flags, "flag", nil, te("export.cli.flag"))
	fl.StringVar(&o.dir, "dir", os.TempDir(), "thư mục ghi các tệp xuất")
	fl.BoolVar(&o.keep, "keep", false, "giữ lại các tệp đã xuất (mặc định: xóa sau khi đo)")
	return cmd
}

func (m *Main) benchExport(ctx context.Context, o exportBenchOptions) error {
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
	ctx = app.WithPrincipal(ctx, app.System)
	f := app.RegistryFilter{Query: o.q, UnitCode: o.unit, Kind: o.kind, Trade: o.trade, Flags: o.flags}
	_, want, err := a.SearchEstablishments(ctx, f, 1, 0)
	if err != nil {
		return err
	}
	rf, err := resolveRawFilter(ctx, a, app.System, f)
	if err != nil {
		return err
	}
	pg := a.Store.Dialect().Postgres()
	where, args := rawWhere(pg, rf)
	// The same rows, columns and joins as the export: the record, its
	// sealed personal values, the commune in force, the latest year's facts
	// and the trades, in id order.
	q := "SELECT " + prefixed("e", rawColumns) + `, e.phone_enc, e.phone_hash, e.personal_id_enc, e.personal_id_hash,
		COALESCE(u.code, ''), COALESCE(u.name, ''),
		fa.year, fa.workers, fa.women_workers, fa.ethnic_minority_workers, fa.revenue, fa.capital, fa.avg_income, fa.source, ` + tradesAgg(pg, "e") + `
		FROM establishment e
		LEFT JOIN unit u ON u.id = e.commune_id
		LEFT JOIN establishment_fact fa ON fa.establishment_id = e.id AND fa.year = e.latest_year` + where + " ORDER BY e.id"
	rawSelect := func() (int, error) {
		rows, err := raw.QueryContext(ctx, q, args...)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			return 0, err
		}
		vals := make([]any, len(cols))
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				return n, err
			}
			n++
		}
		return n, rows.Err()
	}
	w := m.Stdout
	fmt.Fprintf(w, "Xuất danh sách cơ sở trên %s: %d dòng (bộ lọc %s)\n", a.Store.Dialect().Name, want, f.Values().Encode())
	// One unmeasured pass reads the rows into the caches.
	if n, err := rawSelect(); err != nil {
		return fmt.Errorf("bench: raw export SELECT: %w", err)
	} else if n != want {
		return fmt.Errorf("bench: the raw SELECT reads %d rows, the registry filter selects %d", n, want)
	}
	var phases []phaseResult
	allReset := true
	add := func(p phaseResult, reset bool, err error) error {
		allReset = allReset && reset
		phases = append(phases, p)
		if err == nil && p.rows != want {
			err = fmt.Errorf("bench: %s wrote %d rows, want %d", p.name, p.rows, want)
		}
		return err
	}
	if err := add(measurePhase("một câu SELECT thô (cùng dòng, cột, phép nối)", rawSelect)); err != nil {
		return err
	}
	for _, format := range []string{app.FormatCSV, app.FormatXLSX} {
		path := filepath.Join(o.dir, "kc-bench-export."+format)
		p, reset, err := measurePhase("app.ExportEstablishments "+format+" → tệp", func() (int, error) {
			out, err := os.Create(path)
			if err != nil {
				return 0, err
			}
			defer out.Close()
			res, err := a.ExportEstablishments(ctx, out, format, f, false)
			if err != nil {
				return res.Rows, err
			}
			return res.Rows, out.Close()
		})
		if fi, err := os.Stat(path); err == nil {
			p.bytes = fi.Size()
		}
		if !o.keep {
			os.Remove(path)
		} else {
			fmt.Fprintf(w, "  giữ tệp %s\n", path)
		}
		if err := add(p, reset, err); err != nil {
			return err
		}
	}
	printPhases(w, phases, allReset)
	return nil
}

// importBenchOptions are the flags of `bench import`.
type importBenchOptions struct {
	file string
	rows int
	keep bool
}

func (m *Main) benchImportCmd() *cobra.Command {
	var o importBenchOptions
	cmd := &cobra.Command{
		Use: "import TỆP.xlsx",
		Short: "Đo thời gian và bộ nhớ của nhập một bảng tính cơ sở (ví dụ tệp của bench export) vào cơ sở dữ liệu trống, " +
			"so với đọc tệp bằng excelize và các câu INSERT nhiều dòng thô cho cùng các dòng",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.file = args[0]
			return m.benchImport(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.keep, "keep", false, "giữ lại bản sao đã chuẩn bị")
	cmd.Flags().IntVar(&o.rows, "rows", 0, "chỉ dùng N dòng dữ liệu đầu tiên (bản sao không có cột «Mã cơ sở» được ghi cạnh tệp rồi xóa)")
	return cmd
}

func (m *Main) benchImport(ctx context.Context, o importBenchOptions) error {
	if o.rows < 0 {
		return kc.Errorf(kc.EInvalid, "bench.bad_flags")
	}
	a, closeApp, err := m.openApp(ctx)
	if err != nil {
		return err
	}
	defer closeApp()
	if n, err := a.Store.CountEstablishments(ctx); err != nil {
		return err
	} else if n > 0 {
		return fmt.Errorf("bench: import needs a database without establishments (%d found): the import would ask about duplicates", n)
	}
	ctx = app.WithPrincipal(ctx, app.System)
	file, err := prepareWorkbook(o.file, o.rows)
	if err != nil {
		return err
	}
	if file != o.file && !o.keep {
		defer os.Remove(file)
	}
	fi, err := os.Stat(file)
	if err != nil {
		return err
	}
	// A first dry run, not measured, asks its questions: rows repeating a
	// name of the same commune in the file get the answer "create", as a
	// user would give (--decide ROW=create). Any other problem stops here.
	first, err := importWorkbook(ctx, a, file, app.ImportOptions{DryRun: true})
	if err != nil {
		return err
	}
	decisions := map[int]string{}
	for _, e := range first.Errors {
		row, _, _, ok := sheet.CellPosition(e)
		if !ok || e.Key != "import.duplicate_in_file" {
			return fmt.Errorf("bench: the workbook has errors, first: %v", e)
		}
		decisions[row] = "create"
	}
	first = app.ImportResult{}
	if o.keep {
		fmt.Fprintf(m.Stdout, "Giữ tệp %s\n", file)
	}
	// The import command's soft memory limit, for every phase alike.
	if debug.SetMemoryLimit(-1) == 1<<63-1 {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(importMemoryLimit))
	}
	w := m.Stdout
	fmt.Fprintf(w, "Nhập %s (%.1f MB) vào %s trống; %d dòng trùng tên cơ sở khác trong cùng xã được trả lời «create»\n",
		filepath.Base(file), float64(fi.Size())/1e6, a.Store.Dialect().Name, len(decisions))
	var phases []phaseResult
	allReset := true
	var want int
	add := func(p phaseResult, reset bool, err error) error {
		allReset = allReset && reset
		p.bytes = fi.Size()
		phases = append(phases, p)
		if err == nil && want > 0 && p.rows != want {
			err = fmt.Errorf("bench: %s: %d rows, want %d", p.name, p.rows, want)
		}
		return err
	}
	if err := add(measurePhase("đọc tệp bằng excelize (luồng dòng)", func() (int, error) {
		n, err := rawReadWorkbook(file)
		want = n
		return n, err
	})); err != nil {
		return err
	}
	if err := add(measurePhase("sheet.Read (bộ đọc của ứng dụng)", func() (int, error) {
		fh, err := os.Open(file)
		if err != nil {
			return 0, err
		}
		defer fh.Close()
		t, err := sheet.Read(fh, filepath.Base(file), sheet.DefaultLimits)
		if err != nil {
			return 0, err
		}
		return len(t.Rows), nil
	})); err != nil {
		return err
	}
	var undo func() error
	if err := add(measurePhase("excelize + INSERT thô nhiều dòng (1 giao dịch)", func() (int, error) {
		var n int
		n, undo, err = rawInsertWorkbook(ctx, a, file)
		return n, err
	})); err != nil {
		return err
	}
	// Unmeasured: delete the raw rows, so the application's import also
	// starts from an empty registry.
	if err := undo(); err != nil {
		return fmt.Errorf("bench: delete the raw rows: %w", err)
	}
	importPhase := func(dry bool) func() (int, error) {
		return func() (int, error) {
			res, err := importWorkbook(ctx, a, file, app.ImportOptions{DryRun: dry, Decisions: decisions})
			if err != nil {
				return 0, err
			}
			if !res.OK() {
				return 0, fmt.Errorf("bench: the import found %d errors, first: %v", len(res.Errors), res.Errors[0])
			}
			if !dry && res.Created != res.Rows {
				return 0, fmt.Errorf("bench: the import created %d of %d rows", res.Created, res.Rows)
			}
			return res.Rows, nil
		}
	}
	if err := add(measurePhase("app.ImportEstablishments, chạy thử (không ghi)", importPhase(true))); err != nil {
		return err
	}
	if err := add(measurePhase("app.ImportEstablishments (ghi, 1 giao dịch)", importPhase(false))); err != nil {
		return err
	}
	printPhases(w, phases, allReset)
	return nil
}

// importWorkbook runs the application's import of the file at path.
func importWorkbook(ctx context.Context, a *app.App, path string, opts app.ImportOptions) (app.ImportResult, error) {
	fh, err := os.Open(path)
	if err != nil {
		return app.ImportResult{}, err
	}
	defer fh.Close()
	return a.ImportEstablishments(ctx, fh, filepath.Base(path), opts)
}

// prepareWorkbook returns a workbook of new establishments made from the
// one at path: the same values through the app's reader and writer,
// without the «Mã cơ sở» column (an export names its rows by id, and the
// import would take them for updates of establishments the empty database
// lacks) and with at most rows data rows (0: all). The copy is written next
// to path; when path needs neither change it is returned as is.
func prepareWorkbook(path string, rows int) (string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	t, err := sheet.Read(fh, filepath.Base(path), sheet.DefaultLimits)
	if err != nil {
		return "", err
	}
	if rows <= 0 || rows > len(t.Rows) {
		rows = len(t.Rows)
	}
	if rows == len(t.Rows) && !t.Mapping.Has("id") {
		return path, nil
	}
	out := strings.TrimSuffix(path, filepath.Ext(path)) + "-" + strconv.Itoa(rows) + ".xlsx"
	of, err := os.Create(out)
	if err != nil {
		return "", err
	}
	defer of.Close()
	xw, err := sheet.NewXLSXWriter(of)
	if err != nil {
		return "", err
	}
	rec := sheet.Record{}
	for _, r := range t.Rows[:rows] {
		clear(rec)
		for _, c := range sheet.EstablishmentColumns {
			if v := r.Value(c.Key); v != nil && c.Key != "id" {
				rec[c.Key] = v
			}
		}
		if err := xw.Write(rec); err != nil {
			return "", err
		}
	}
	if err := xw.Close(); err != nil {
		return "", err
	}
	return out, of.Close()
}

// rawReadWorkbook streams the rows of the data sheet with excelize and
// counts the data rows (non-empty rows after the header).
func rawReadWorkbook(path string) (int, error) {
	n := 0
	err := eachWorkbookRow(path, func(header map[string]int, cells []string) error {
		n++
		return nil
	})
	return n, err
}

// eachWorkbookRow calls fn for each non-empty data row of the first sheet,
// with the column index of each header.
func eachWorkbookRow(path string, fn func(header map[string]int, cells []string) error) error {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := f.Rows(f.GetSheetName(0))
	if err != nil {
		return err
	}
	defer rows.Close()
	var header map[string]int
	for rows.Next() {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return err
		}
		if header == nil {
			header = map[string]int{}
			for i, h := range cells {
				header[strings.TrimSpace(h)] = i
			}
			continue
		}
		if !slices.ContainsFunc(cells, func(s string) bool { return strings.TrimSpace(s) != "" }) {
			continue
		}
		if err := fn(header, cells); err != nil {
			return err
		}
	}
	return rows.Error()
}

// rawInsertWorkbook is the baseline of the import: stream the rows with
// excelize, map each cell by its export header (labels to codes, commune
// and trade codes to ids through two maps read once), and write the
// establishments, their trades and their facts with prepared multi-row
// INSERTs of 100 rows in one transaction, with explicit ids. No
// validation, duplicate check or sealing. undo deletes the rows again.
func rawInsertWorkbook(ctx context.Context, a *app.App, path string) (n int, undo func() error, err error) {
	db, err := openRawDB(a.Store, true)
	if err != nil {
		return 0, nil, err
	}
	defer db.Close()
	pg := a.Store.Dialect().Postgres()
	communes := map[string]int64{}
	trades := map[string]int64{}
	load := func(q string, into map[string]int64) error {
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var code string
			if err := rows.Scan(&id, &code); err != nil {
				return err
			}
			into[code] = id
		}
		return rows.Err()
	}
	if err := load("SELECT id, code FROM unit WHERE level = 'commune' AND valid_to IS NULL", communes); err != nil {
		return 0, nil, err
	}
	if err := load("SELECT id, code FROM trade", trades); err != nil {
		return 0, nil, err
	}
	label := func(opts []sheet.Option) map[string]string {
		m := map[string]string{}
		for _, o := range opts {
			m[o.Label] = o.Code
		}
		return m
	}
	kinds, sizes, genders := label(sheet.KindOptions), label(sheet.SizeOptions), label(sheet.GenderOptions)
	var first int64
	if err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM establishment").Scan(&first); err != nil {
		return 0, nil, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, nil, err
	}
	defer tx.Rollback()
	estCols := []string{"id", "kind", "size_class", "name", "name_fold", "sort_key", "commune_id", "village", "lat", "lon",
		"owner_name", "owner_gender", "owner_birth_year", "women_owned", "ethnic_minority_owned", "founded_year",
		"registration_no", "registration_date", "traditional_craft", "craft_village", "main_products", "notes",
		"created_at", "updated_at", "latest_year", "latest_workers"}
	est := newRawInserter(tx, pg, "establishment", estCols)
	tr := newRawInserter(tx, pg, "establishment_trade", []string{"establishment_id", "trade_id", "is_primary"})
	fa := newRawInserter(tx, pg, "establishment_fact", []string{"establishment_id", "year", "workers", "women_workers",
		"ethnic_minority_workers", "revenue", "capital", "avg_income", "source"})
	defer est.close()
	defer tr.close()
	defer fa.close()
	now := time.Now().UTC().Truncate(time.Microsecond)
	id := first - 1
	err = eachWorkbookRow(path, func(h map[string]int, cells []string) error {
		cell := func(header string) string {
			if i, ok := h[header]; ok && i < len(cells) {
				return strings.TrimSpace(cells[i])
			}
			return ""
		}
		num := func(header string) any {
			s := strings.ReplaceAll(cell(header), ".", "")
			if v, err := strconv.ParseInt(s, 10, 64); err == nil {
				return v
			}
			return nil
		}
		float := func(header string) any {
			if v, err := strconv.ParseFloat(cell(header), 64); err == nil {
				return v
			}
			return nil
		}
		yes := func(header string) bool { return cell(header) == "có" }
		id++
		n++
		name := vi.NFC(cell("Tên cơ sở"))
		commune, ok := communes[cell("Mã xã")]
		if !ok {
			return fmt.Errorf("bench: row %d: commune %q not in force", n, cell("Mã xã"))
		}
		var regDate any
		if d, err := time.Parse("02/01/2006", cell("Ngày ĐKKD")); err == nil {
			regDate = kc.NewDate(d.Year(), d.Month(), d.Day())
		}
		year, workers := num("Năm số liệu"), num("Số lao động")
		if workers == nil {
			workers = int64(0)
		}
		if err := est.add(id, kinds[cell("Loại hình")], sizes[cell("Quy mô doanh nghiệp")], name, vi.SearchKey(name), vi.SortKey(name),
			commune, cell("Thôn/bản"), float("Vĩ độ"), float("Kinh độ"), cell("Chủ cơ sở"), genders[cell("Giới tính chủ cơ sở")],
			num("Năm sinh chủ cơ sở"), yes("Chủ là nữ"), yes("Chủ là người DTTS"), num("Năm thành lập"),
			cell("Số ĐKKD"), regDate, yes("Nghề truyền thống"), yes("Làng nghề"), cell("Sản phẩm chính"), cell("Ghi chú"),
			now, now, year, workers); err != nil {
			return err
		}
		for j, code := range strings.Split(cell("Ngành nghề"), ";") {
			if code = strings.TrimSpace(code); code != "" {
				t, ok := trades[code]
				if !ok {
					return fmt.Errorf("bench: row %d: trade %q unknown", n, code)
				}
				if err := tr.add(id, t, j == 0); err != nil {
					return err
				}
			}
		}
		if year != nil {
			zero := func(v any) any {
				if v == nil {
					return int64(0)
				}
				return v
			}
			if err := fa.add(id, year, workers, zero(num("Lao động nữ")), zero(num("Lao động DTTS")),
				zero(num("Doanh thu (đồng)")), zero(num("Vốn (đồng)")), zero(num("Thu nhập bình quân (đồng/người/tháng)")), "import"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return n, nil, err
	}
	for _, ins := range []*rawInserter{est, tr, fa} {
		if err := ins.flush(); err != nil {
			return n, nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return n, nil, err
	}
	undo = func() error {
		db, err := openRawDB(a.Store, true)
		if err != nil {
			return err
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx, "DELETE FROM establishment WHERE id >= "+strconv.FormatInt(first, 10)); err != nil {
			return err
		}
		if pg {
			_, err = db.ExecContext(ctx, "VACUUM (ANALYZE) establishment, establishment_trade, establishment_fact")
		}
		return err
	}
	return n, undo, nil
}

// rawInserter buffers rows of one table and writes them 100 at a time
// with a prepared multi-row INSERT.
type rawInserter struct {
	tx    *sql.Tx
	pg    bool
	table string
	cols  []string
	args  []any
	rows  int
	stmts map[int]*sql.Stmt
}

const rawInsertRows = 100

func newRawInserter(tx *sql.Tx, pg bool, table string, cols []string) *rawInserter {
	return &rawInserter{tx: tx, pg: pg, table: table, cols: cols, stmts: map[int]*sql.Stmt{}}
}

func (r *rawInserter) add(vals ...any) error {
	if len(vals) != len(r.cols) {
		return fmt.Errorf("bench: %d values for %d columns of %s", len(vals), len(r.cols), r.table)
	}
	r.args = append(r.args, vals...)
	r.rows++
	if r.rows == rawInsertRows {
		return r.flush()
	}
	return nil
}

func (r *rawInserter) flush() error {
	if r.rows == 0 {
		return nil
	}
	st, ok := r.stmts[r.rows]
	if !ok {
		var b strings.Builder
		b.WriteString("INSERT INTO " + r.table + " (" + strings.Join(r.cols, ", ") + ")")
		if r.pg && r.cols[0] == "id" {
			b.WriteString(" OVERRIDING SYSTEM VALUE")
		}
		b.WriteString(" VALUES ")
		n := 0
		for i := range r.rows {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for c := range r.cols {
				if c > 0 {
					b.WriteByte(',')
				}
				if r.pg {
					n++
					b.WriteString("$" + strconv.Itoa(n))
				} else {
					b.WriteByte('?')
				}
			}
			b.WriteByte(')')
		}
		var err error
		if st, err = r.tx.Prepare(b.String()); err != nil {
			return err
		}
		r.stmts[r.rows] = st
	}
	if _, err := st.Exec(r.args...); err != nil {
		return fmt.Errorf("bench: insert %s: %w", r.table, err)
	}
	r.args, r.rows = r.args[:0], 0
	return nil
}

func (r *rawInserter) close() {
	for _, st := range r.stmts {
		st.Close()
	}
}
