package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"khuyencong/internal/allocate"
	"khuyencong/internal/api"
	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"

	"github.com/spf13/cobra"
)

// Exit codes of plan optimize beyond 0 (proven optimal) and 1 (bad input).
const (
	exitInfeasible = 3
	exitNotProven  = 4
)

// planCmd is `khuyencong plan optimize --year Y [--unit CODE] [--json]
// [--lp FILE] [--weights appraisal=1,jobs=5,priority=2] [--share PCT]
// [--as USER]`.
func (m *Main) planCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "plan", Short: tc("plan.cli.group")}
	var (
		year              int
		unit, lp, weights string
		share, as         string
		jsonMode          bool
	)
	opt := &cobra.Command{
		Use:   "optimize",
		Short: tc("plan.cli.optimize"),
		Long:  tc("plan.cli.optimize_long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if year == 0 {
				return kc.FieldError("--year", "plan.cli.year_required")
			}
			in := app.OptimizeInput{Weights: app.DefaultWeights}
			if err := parseWeights(weights, &in.Weights); err != nil {
				return err
			}
			bp, err := parseShare(share)
			if err != nil {
				return err
			}
			in.CommuneShareBP = bp
			return m.withApp(cmd.Context(), func(ctx context.Context, a *app.App) error {
				ctx, err := asUser(ctx, a, as)
				if err != nil {
					return err
				}
				return m.optimizePlan(ctx, a, year, unit, in, lp, jsonMode)
			})
		},
	}
	fl := opt.Flags()
	fl.IntVar(&year, "year", 0, tc("plan.cli.year"))
	fl.StringVar(&unit, "unit", "", tc("plan.cli.unit"))
	fl.BoolVar(&jsonMode, "json", false, tc("plan.cli.json"))
	fl.StringVar(&lp, "lp", "", tc("plan.cli.lp"))
	fl.StringVar(&weights, "weights", "", tc("plan.cli.weights"))
	fl.StringVar(&share, "share", "", tc("plan.cli.share"))
	fl.StringVar(&as, "as", "", tc("plan.cli.as"))
	cmd.AddCommand(opt)
	return cmd
}

// parseWeights reads "appraisal=1,jobs=5,priority=2" into w; weights not
// named keep their value.
func parseWeights(s string, w *app.Weights) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	for part := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if !ok || err != nil {
			return kc.FieldError("--weights", "plan.cli.bad_weights", s)
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "appraisal", "a":
			w.Appraisal = n
		case "jobs", "j":
			w.Jobs = n
		case "priority", "p":
			w.Priority = n
		default:
			return kc.FieldError("--weights", "plan.cli.bad_weights", s)
		}
	}
	return nil
}

// parseShare reads a percentage ("30", "12,5") as basis points.
func parseShare(s string) (int, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if s == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 100 {
		return 0, kc.FieldError("--share", "plan.cli.bad_share", s)
	}
	return int(math.Round(f * 100)), nil
}

// optimizePlan solves the plan of year and unit, writes the LP file when
// asked, and prints the result as text or JSON. An infeasible plan and a
// search stopped before proving optimality end with their own exit codes,
// after the result is printed.
func (m *Main) optimizePlan(ctx context.Context, a *app.App, year int, unit string, in app.OptimizeInput, lp string, jsonMode bool) error {
	plan, err := a.PlanFor(ctx, year, unit)
	if err != nil {
		return err
	}
	inst, _, err := a.PlanInstance(ctx, plan.ID, in)
	if err != nil {
		return err
	}
	if lp != "" {
		if err := writeLP(lp, inst); err != nil {
			return err
		}
	}
	res, err := a.Optimize(ctx, plan.ID, in)
	if err != nil {
		return err
	}
	if jsonMode {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(api.NewOptimizeResponse(res)); err != nil {
			return err
		}
	} else {
		WritePlanResult(m.Stdout, locale.Default, plan, inst, res)
		if lp != "" {
			fmt.Fprintln(m.Stdout, locale.T(locale.Default, "plan.cli.lp_written", lp, lp))
		}
	}
	switch res.Status {
	case app.StatusInfeasible:
		return exitError{code: exitInfeasible, msg: tc("plan.cli.infeasible")}
	case app.StatusFeasible:
		return exitError{code: exitNotProven, msg: tc("plan.cli.not_proven")}
	}
	return nil
}

// writeLP writes the instance in CPLEX LP format to path.
func writeLP(path string, inst allocate.Instance) error {
	f, err := os.Create(path)
	if err != nil {
		return kc.Errorf(kc.EInvalid, "plan.cli.lp_write", path, err.Error()).Wrap(err)
	}
	if err := allocate.WriteLP(f, inst); err != nil {
		f.Close()
		return kc.Errorf(kc.EInvalid, "plan.cli.lp_write", path, err.Error()).Wrap(err)
	}
	if err := f.Close(); err != nil {
		return kc.Errorf(kc.EInvalid, "plan.cli.lp_write", path, err.Error()).Wrap(err)
	}
	return nil
}

// planSources are the state sources in display order.
var planSources = []string{kc.SourceNational, kc.SourceProvincial, kc.SourceDistrict, kc.SourceCommune, kc.SourceOther}

// amounts writes amounts per source: "nguồn tỉnh 250.000.000 ₫; nguồn xã
// 50.000.000 ₫".
func amounts(lang string, m map[string]int64, keepZero bool) string {
	var parts []string
	for _, s := range planSources {
		v, ok := m[s]
		if ok && (v != 0 || keepZero) {
			parts = append(parts, locale.T(lang, "plan.source."+s)+" "+vi.FormatVND(v))
		}
	}
	return strings.Join(parts, "; ")
}

// WritePlanResult prints an optimiser result as plain text: the plan, the
// score formula and the money to allocate, then the optimal portfolio
// beside the greedy one (picks, score, jobs, cost per source), the gain,
// the binding limits, every proposal left out with why, and what more
// money would buy; or, for an infeasible plan, the conflicting limits.
func WritePlanResult(w io.Writer, lang string, plan app.PlanView, inst allocate.Instance, res app.OptimizeResult) {
	t := func(key string, args ...any) string { return locale.T(lang, key, args...) }
	p := func(s string) { fmt.Fprintln(w, s) }
	ex := func(e app.Explanation) string { return t(e.Key, e.Args...) }
	p(t("plan.out.title", plan.Year, plan.UnitName, plan.UnitCode))
	wt := res.Input.Weights
	p(t("plan.out.formula", wt.Appraisal, wt.Jobs, wt.Priority))
	if b := amounts(lang, inst.Budget, true); b != "" {
		p(t("plan.out.budget", b))
	} else {
		p(t("plan.out.budget_none"))
	}
	p(t("plan.out.candidates", len(inst.Proposals)))
	if res.Input.CommuneShareBP > 0 {
		p(t("plan.out.share", vi.FormatVND(inst.GroupCap), percentBP(res.Input.CommuneShareBP)))
	}
	fmt.Fprintln(w)
	if res.Status == app.StatusInfeasible {
		p(t("plan.cli.infeasible"))
		p(t("plan.out.conflicts"))
		for _, c := range res.Conflicts {
			p(t("plan.out.item", ex(c)))
		}
		return
	}
	took := res.Elapsed.Round(time.Millisecond).String()
	if res.Status == app.StatusFeasible {
		p(t("plan.out.feasible", vi.FormatNumber(res.Bound), vi.FormatNumber(int64(res.Nodes)), took))
	} else {
		p(t("plan.out.optimal", vi.FormatNumber(int64(res.Nodes)), took))
	}
	writePortfolio(w, lang, res.Optimal)
	fmt.Fprintln(w)
	p(t("plan.out.greedy"))
	writePortfolio(w, lang, res.Greedy)
	fmt.Fprintln(w)
	p(t("plan.out.gain", signed(res.Optimal.Score-res.Greedy.Score), signed(int64(res.Optimal.Jobs-res.Greedy.Jobs))))
	if len(res.Binding) > 0 {
		fmt.Fprintln(w)
		p(t("plan.out.binding"))
		for _, b := range res.Binding {
			p(t("plan.out.item", ex(b)))
		}
	}
	if len(res.Rejected) > 0 {
		fmt.Fprintln(w)
		p(t("plan.out.rejected"))
		for _, r := range res.Rejected {
			p(t("plan.out.rejected_row", r.Code, r.Title, vi.FormatNumber(r.Score), ex(r.Why)))
		}
	}
	if len(res.Marginals) > 0 {
		fmt.Fprintln(w)
		p(t("plan.out.marginals"))
		for _, mg := range res.Marginals {
			p(t("plan.out.item", ex(mg)))
		}
	}
}

// signed writes a difference with its sign: "+159", "−3", "0".
func signed(n int64) string {
	switch {
	case n > 0:
		return "+" + vi.FormatNumber(n)
	case n < 0:
		return "−" + vi.FormatNumber(-n)
	}
	return "0"
}

// percentBP writes basis points as a Vietnamese percentage: "30 %",
// "12,5 %".
func percentBP(bp int) string {
	s := strconv.Itoa(bp / 100)
	if r := bp % 100; r != 0 {
		s += "," + strings.TrimRight(fmt.Sprintf("%02d", r), "0")
	}
	return s + " %"
}

// writePortfolio prints a portfolio's totals and picks.
func writePortfolio(w io.Writer, lang string, pf app.Portfolio) {
	t := func(key string, args ...any) string { return locale.T(lang, key, args...) }
	fmt.Fprintln(w, t("plan.out.totals", len(pf.Picks), vi.FormatNumber(pf.Score), vi.FormatNumber(int64(pf.Jobs)), vi.FormatVND(pf.StateCost)))
	if c := amounts(lang, pf.Cost, false); c != "" {
		fmt.Fprintln(w, t("plan.out.cost", c))
	}
	if len(pf.Picks) == 0 {
		fmt.Fprintln(w, t("plan.out.none"))
	}
	for _, pk := range pf.Picks {
		fmt.Fprintln(w, t("plan.out.pick", pk.Code, vi.FormatNumber(pk.Score), vi.FormatNumber(int64(pk.Jobs)), vi.FormatVND(pk.StateCost), pk.Title, pk.CommuneName))
	}
}
