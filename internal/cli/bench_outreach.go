package cli

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/outreach"
	"khuyencong/internal/vi"
)

// The outreach benchmark of issue 7 (`bench outreach`) measures, on the
// current database and in the same run:
//
//   - the reach of a unit (app.OutreachArea, which screens the registry)
//     against one raw SQL statement counting per commune the
//     establishments and those named in the attendance of a session held
//     in the last 12 months (the figures that need no screening); the
//     establishments per commune must agree, and the attended no more than
//     the app's reached (which also counts village-wide sessions), before
//     any time is printed;
//   - the outreach plan (app.PlanOutreach, a heuristic) against glpsol
//     (GLPK) solving the same selection problem exactly from the LP file
//     outreach.WriteLP writes: both totals reached, the gap and the times.
//     glpsol's selection must be a plan of the problem worth what it says,
//     and the planner may not reach more than a proven optimum.

// outreachBenchOptions are the flags of `bench outreach`.
type outreachBenchOptions struct {
	unit, from, to    string
	staffDays, budget string
	as                string
	runs              int
	glpsol, dir       string
	timeout           time.Duration
}

func (m *Main) benchOutreachCmd() *cobra.Command {
	o := outreachBenchOptions{staffDays: "40", budget: "60000000", runs: 3, glpsol: "glpsol", timeout: 10 * time.Minute}
	cmd := &cobra.Command{
		Use:   "outreach",
		Short: tc("benchoutreach.short"),
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return m.benchOutreach(cmd.Context(), o) },
	}
	fl := cmd.Flags()
	fl.StringVar(&o.unit, "unit", "", tc("benchoutreach.flag_unit"))
	fl.StringVar(&o.staffDays, "staff-days", o.staffDays, tc("outreachplan.cli.flag_staff_days"))
	fl.StringVar(&o.budget, "budget", o.budget, tc("outreachplan.cli.flag_budget"))
	fl.StringVar(&o.from, "from", "", tc("outreachplan.cli.flag_from"))
	fl.StringVar(&o.to, "to", "", tc("outreachplan.cli.flag_to"))
	fl.IntVar(&o.runs, "runs", o.runs, tc("benchoutreach.flag_runs"))
	fl.StringVar(&o.as, "as", "", tc("reportcli.as"))
	fl.StringVar(&o.glpsol, "glpsol", o.glpsol, tc("benchoutreach.flag_glpsol"))
	fl.StringVar(&o.dir, "dir", "", tc("benchoutreach.flag_dir"))
	fl.DurationVar(&o.timeout, "timeout", o.timeout, tc("benchoutreach.flag_timeout"))
	return cmd
}

// communeCount is the raw statement's row for one commune.
type communeCount struct {
	producers, attended int
}

// rawOutreachCounts counts, in one statement, per commune of ids the
// establishments and those named in the attendance of a session held in
// the 12 months up to on (ReachWindowDays before on, on included).
func rawOutreachCounts(ctx context.Context, db *sql.DB, ids []int64, on kc.Date) (map[int64]communeCount, error) {
	out := map[int64]communeCount{}
	if len(ids) == 0 {
		return out, nil
	}
	list := make([]string, len(ids))
	for i, id := range ids {
		list[i] = fmt.Sprint(id)
	}
	since := on.AddDays(-app.ReachWindowDays)
	q := `SELECT e.commune_id, COUNT(*), COUNT(CASE WHEN EXISTS (SELECT 1 FROM attendance a
		JOIN outreach_session o ON o.id = a.session_id
		WHERE a.establishment_id = e.id AND o.status = 'held' AND o.held_on >= '` + since.String() + `' AND o.held_on <= '` + on.String() + `')
		THEN 1 END)
	FROM establishment e WHERE e.commune_id IN (` + strings.Join(list, ",") + `) GROUP BY e.commune_id`
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("bench outreach: raw statement: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c communeCount
		if err := rows.Scan(&id, &c.producers, &c.attended); err != nil {
			return nil, err
		}
		out[id] = c
	}
	return out, rows.Err()
}

// timeRuns runs fn once to warm up, then runs times, and returns the
// median and the fastest.
func timeRuns(runs int, fn func() error) (median, fastest time.Duration, err error) {
	if err := fn(); err != nil {
		return 0, 0, err
	}
	var took []time.Duration
	for range runs {
		start := time.Now()
		if err := fn(); err != nil {
			return 0, 0, err
		}
		took = append(took, time.Since(start))
	}
	median, fastest = medianOf(took)
	return median, fastest, nil
}

func (m *Main) benchOutreach(ctx context.Context, o outreachBenchOptions) error {
	if o.runs < 1 || o.timeout <= 0 {
		return kc.Errorf(kc.EInvalid, "benchopt.bad_runs")
	}
	glpsol, err := exec.LookPath(o.glpsol)
	if err != nil {
		return kc.Errorf(kc.EInvalid, "benchoutreach.no_glpsol", o.glpsol)
	}
	dir, cleanup, err := benchWorkDir(o.dir, "khuyencong-outreach-")
	if err != nil {
		return err
	}
	defer cleanup()
	return m.withApp(ctx, func(ctx context.Context, a *app.App) error {
		ctx, err := asUser(ctx, a, o.as)
		if err != nil {
			return err
		}
		in, err := planInput(a, o.unit, o.from, o.to, o.staffDays, o.budget)
		if err != nil {
			return flagErrors(err, planFlags)
		}
		raw, err := openRawDB(a.Store, false)
		if err != nil {
			return err
		}
		defer raw.Close()
		w := m.Stdout

		// (a) The reach of the unit against the raw statement.
		area, err := a.OutreachArea(ctx, in.UnitCode, kc.Date{})
		if err != nil {
			return flagErrors(err, planFlags)
		}
		ids := make([]int64, len(area.Communes))
		for i, c := range area.Communes {
			ids[i] = c.ID
		}
		counts, err := rawOutreachCounts(ctx, raw, ids, area.On)
		if err != nil {
			return err
		}
		attended := 0
		for _, c := range area.Communes {
			r := counts[c.ID]
			if r.producers != c.Producers || r.attended > c.Reached12 {
				return fmt.Errorf("bench outreach: commune %s %s: app.OutreachArea counts %d establishments, %d reached; the raw statement %d, %d attended",
					c.Code, c.Name, c.Producers, c.Reached12, r.producers, r.attended)
			}
			attended += r.attended
			delete(counts, c.ID)
		}
		if len(counts) > 0 {
			return fmt.Errorf("bench outreach: the raw statement counts %d communes outside app.OutreachArea", len(counts))
		}
		name := area.UnitName
		if name == "" {
			name = tc("outreachplan.cli.scope")
		}
		fmt.Fprintln(w, tc("benchoutreach.title", name, a.Store.Dialect().Name, vi.FormatDay(area.On.Time()),
			len(area.Communes), vi.FormatNumber(int64(area.Total.Producers)), o.runs))
		fmt.Fprintln(w)
		fmt.Fprintln(w, tc("benchoutreach.area.head"))
		fmt.Fprintln(w, tc("benchoutreach.area.check", len(area.Communes), vi.FormatNumber(int64(area.Total.Producers)),
			vi.FormatNumber(int64(area.Total.Reached12)), vi.FormatNumber(int64(attended)),
			vi.FormatNumber(int64(area.Total.LikelyUnreached12))))
		areaMed, areaFast, err := timeRuns(o.runs, func() error { _, err := a.OutreachArea(ctx, in.UnitCode, kc.Date{}); return err })
		if err != nil {
			return err
		}
		rawMed, rawFast, err := timeRuns(o.runs, func() error { _, err := rawOutreachCounts(ctx, raw, ids, area.On); return err })
		if err != nil {
			return err
		}
		benchTable(w, [][3]string{
			{tc("benchoutreach.area.app"), ms(areaMed), ms(areaFast)},
			{tc("benchoutreach.area.raw"), ms(rawMed), ms(rawFast)},
		})
		fmt.Fprintln(w, tc("benchoutreach.ratio", strings.Replace(fmt.Sprintf("%.1f", float64(areaMed)/float64(max(rawMed, 1))), ".", ",", 1)))
		fmt.Fprintln(w)

		// (b) The plan against glpsol on the same problem.
		pl, err := a.PlanOutreach(ctx, in)
		if err != nil {
			return flagErrors(err, planFlags)
		}
		req := pl.Request
		chosen := make([]bool, len(req.Villages))
		inPlan := map[string]bool{}
		for _, s := range pl.Sessions {
			inPlan[placeOf(s.Village)] = true
		}
		trips := map[int64]bool{}
		places := 0 // with someone to reach
		for i, v := range req.Villages {
			chosen[i] = inPlan[placeOf(v)]
			if s, ok := outreach.Choose(v, req.Params); ok {
				places++
				if s.Trip {
					trips[v.CommuneID] = true
				}
			}
		}
		if u := outreach.Evaluate(req, chosen); u.Reached != pl.Reached || u.Cost != pl.Cost || !u.Fits(req) {
			return fmt.Errorf("bench outreach: the plan's sessions are worth %+v in the request rebuilt from it, the plan %d reached for %d đồng",
				u, pl.Reached, pl.Cost)
		}
		file := filepath.Join(dir, "outreach.lp")
		if err := writeLPFile(file, req); err != nil {
			return err
		}
		fmt.Fprintln(w, tc("benchoutreach.plan.head", glpsolVersion(ctx, glpsol)))
		fmt.Fprintln(w, tc("benchoutreach.plan.problem", vi.FormatDay(pl.From.Time()), vi.FormatDay(pl.To.Time()), pl.StaffDays,
			vi.FormatVND(pl.Budget), pl.WorkingDays, places, len(trips), vi.FormatNumber(int64(pl.Target))))

		var g outreach.LPResult
		var gTook []time.Duration
		timedOut := false
		for k := 0; k <= o.runs; k++ { // the first run warms up
			res, err := runGlpsol(ctx, glpsol, file, o.timeout)
			if err != nil {
				return err
			}
			if res.status == "hết giờ" {
				timedOut = true
				gTook = append(gTook, res.took)
				break
			}
			f, err := os.Open(file + ".out")
			if err != nil {
				return err
			}
			g, err = outreach.ReadGLPKReport(f, len(req.Villages))
			f.Close()
			if err != nil {
				return err
			}
			if k > 0 {
				gTook = append(gTook, res.took)
			}
		}
		gMed, gFast := medianOf(gTook)
		ours := tc("benchoutreach.plan.reached", pl.Reached, vi.FormatVND(pl.Cost), app.StaffDaysText(pl.HalfDays), pl.TripDays, len(pl.Sessions))
		switch {
		case timedOut:
			fmt.Fprintln(w, ours)
			fmt.Fprintln(w, tc("benchoutreach.plan.timeout", o.timeout))
		case !g.Optimal():
			fmt.Fprintln(w, ours)
			fmt.Fprintln(w, tc("benchoutreach.plan.not_optimal", g.Status))
		default:
			u := outreach.Evaluate(req, g.Chosen)
			if !u.Fits(req) || u.Reached != g.Reached {
				return fmt.Errorf("bench outreach: glpsol's selection %+v (worth %d) is not a plan of the problem", u, g.Reached)
			}
			if pl.Reached > g.Reached {
				return fmt.Errorf("bench outreach: app.PlanOutreach reaches %d, above glpsol's proven optimum %d", pl.Reached, g.Reached)
			}
			fmt.Fprintln(w, ours)
			fmt.Fprintln(w, tc("benchoutreach.plan.optimum", g.Reached, vi.FormatVND(u.Cost), app.StaffDaysText(u.HalfDays), u.TripDays, u.Sessions))
			gap := 0.0
			if g.Reached > 0 {
				gap = 100 * float64(g.Reached-pl.Reached) / float64(g.Reached)
			}
			fmt.Fprintln(w, tc("benchoutreach.plan.gap", strings.Replace(fmt.Sprintf("%.1f", gap), ".", ",", 1), g.Reached-pl.Reached))
		}
		planMed, planFast, err := timeRuns(o.runs, func() error { _, err := a.PlanOutreach(ctx, in); return err })
		if err != nil {
			return err
		}
		makeMed, makeFast, err := timeRuns(o.runs, func() error { _, err := outreach.Make(req); return err })
		if err != nil {
			return err
		}
		gRow := [3]string{tc("benchoutreach.plan.glpsol"), ms(gMed), ms(gFast)}
		if timedOut {
			gRow[1], gRow[2] = "> "+ms(gTook[0]), "-"
		}
		benchTable(w, [][3]string{
			{tc("benchoutreach.plan.app"), ms(planMed), ms(planFast)},
			{tc("benchoutreach.plan.make"), ms(makeMed), ms(makeFast)},
			gRow,
		})
		if o.dir != "" {
			fmt.Fprintln(w, tc("benchoutreach.files", file))
		}
		return nil
	})
}

// placeOf identifies a place of a plan: commune and village as written.
func placeOf(v outreach.Village) string {
	return fmt.Sprintf("%d|%s", v.CommuneID, v.Village)
}

// writeLPFile writes req's LP file.
func writeLPFile(file string, req outreach.Request) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := outreach.WriteLP(f, req); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// benchTable writes a markdown table of measurements: step, median, fastest.
func benchTable(w io.Writer, rows [][3]string) {
	fmt.Fprintf(w, "| %s | %s | %s |\n|---|---|---|\n", tc("benchoutreach.col.step"), tc("benchoutreach.col.median"), tc("benchoutreach.col.fastest"))
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s | %s |\n", r[0], r[1], r[2])
	}
}
