package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/report"
	"khuyencong/internal/vi"

	"github.com/spf13/cobra"
)

// reportFlags are the output flags every report subcommand shares.
type reportFlags struct {
	format, out, as string
}

func (f *reportFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.format, "format", app.FormatDOCX, tc("reportcli.format"))
	fl.StringVar(&f.out, "out", "", tc("reportcli.out"))
	fl.StringVar(&f.as, "as", "", tc("reportcli.as"))
}

// reportCmd is `khuyencong report period|annual|plan|decision|minutes`:
// the documents officials file, written to --out in --format.
func (m *Main) reportCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "report", Short: tc("reportcli.group")}
	var (
		f        reportFlags
		unit     string
		from, to int
		year     int
		project  string
	)
	period := &cobra.Command{
		Use: "period", Short: tc("reportcli.period"), Long: tc("reportcli.period_long"), Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from == 0 || to == 0 {
				return kc.FieldError("--from/--to", "reportcli.years_required")
			}
			return m.writeReport(cmd.Context(), f, func(ctx context.Context, a *app.App) (*report.Dataset, report.Document, error) {
				return a.PeriodDocument(ctx, app.ReportRequest{UnitCode: unit, From: from, To: to})
			})
		},
	}
	period.Flags().StringVar(&unit, "unit", "", tc("reportcli.unit"))
	period.Flags().IntVar(&from, "from", 0, tc("reportcli.from"))
	period.Flags().IntVar(&to, "to", 0, tc("reportcli.to"))
	f.add(period)

	var af reportFlags
	var aunit string
	annual := &cobra.Command{
		Use: "annual", Short: tc("reportcli.annual"), Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if year == 0 {
				return kc.FieldError("--year", "reportcli.year_required")
			}
			return m.writeReport(cmd.Context(), af, func(ctx context.Context, a *app.App) (*report.Dataset, report.Document, error) {
				return a.AnnualDocument(ctx, year, aunit)
			})
		},
	}
	annual.Flags().IntVar(&year, "year", 0, tc("reportcli.year"))
	annual.Flags().StringVar(&aunit, "unit", "", tc("reportcli.unit"))
	af.add(annual)

	var pf reportFlags
	var pyear int
	var punit string
	plan := &cobra.Command{
		Use: "plan", Short: tc("reportcli.plan"), Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if pyear == 0 {
				return kc.FieldError("--year", "reportcli.year_required")
			}
			return m.writeReport(cmd.Context(), pf, func(ctx context.Context, a *app.App) (*report.Dataset, report.Document, error) {
				pv, err := a.PlanFor(ctx, pyear, punit)
				if err != nil {
					return nil, report.Document{}, err
				}
				d, err := a.PlanDocument(ctx, pv.ID)
				return nil, d, err
			})
		},
	}
	plan.Flags().IntVar(&pyear, "year", 0, tc("reportcli.year"))
	plan.Flags().StringVar(&punit, "unit", "", tc("reportcli.unit"))
	pf.add(plan)

	projectDoc := func(use, short string, build func(*app.App, context.Context, int64) (report.Document, error)) *cobra.Command {
		var jf reportFlags
		c := &cobra.Command{
			Use: use, Short: short, Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				if project == "" {
					return kc.FieldError("--project", "reportcli.project_required")
				}
				return m.writeReport(cmd.Context(), jf, func(ctx context.Context, a *app.App) (*report.Dataset, report.Document, error) {
					id, err := a.ProjectIDByCode(ctx, project)
					if err != nil {
						return nil, report.Document{}, err
					}
					d, err := build(a, ctx, id)
					return nil, d, err
				})
			},
		}
		c.Flags().StringVar(&project, "project", "", tc("reportcli.project"))
		jf.add(c)
		return c
	}
	cmd.AddCommand(period, annual, plan,
		projectDoc("decision", tc("reportcli.decision"), (*app.App).DecisionDraft),
		projectDoc("minutes", tc("reportcli.minutes"), (*app.App).AcceptanceMinutes))
	return cmd
}

// writeReport opens the app as --as (the system by default), builds the
// document, renders it to --out (default: the document's own name in the
// current directory) and prints one line on what was written.
func (m *Main) writeReport(ctx context.Context, f reportFlags, build func(context.Context, *app.App) (*report.Dataset, report.Document, error)) error {
	format, err := app.ParseDocumentFormat(f.format)
	if err != nil {
		return err
	}
	return m.withApp(ctx, func(ctx context.Context, a *app.App) error {
		ctx, err := asUser(ctx, a, f.as)
		if err != nil {
			return err
		}
		ds, d, err := build(ctx, a)
		if err != nil {
			return err
		}
		out := f.out
		if out == "" {
			out = d.Name + "." + format
		}
		if err := writeAtomic(out, "reportcli.out_unwritable", func(w io.Writer) error { return app.RenderDocument(w, d, format) }); err != nil {
			return err
		}
		st, err := os.Stat(out)
		if err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, tc("reportcli.written", out, vi.FormatNumber((st.Size()+1023)/1024), d.Summary))
		if ds != nil {
			fmt.Fprintln(m.Stdout, tc("reportcli.figures", vi.FormatNumber(indicator(ds, "projects_total")),
				vi.FormatNumber(indicator(ds, "funds_state_approved")), vi.FormatNumber(indicator(ds, "establishments_supported")), len(ds.Findings)))
			if ds.Empty {
				fmt.Fprintln(m.Stdout, tc("reportcli.empty"))
			}
		}
		return nil
	})
}

// indicator returns the value of code in ds (0 when absent).
func indicator(ds *report.Dataset, code string) int64 {
	in, _ := ds.Indicator(code)
	return in.Value
}
