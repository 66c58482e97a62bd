package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"

	"github.com/spf13/cobra"
)

// planFlags names the command-line flag of each field of the outreach
// planner, so that errors name the flag the user typed.
var planFlags = map[string]string{"unit": "--unit", "from": "--from", "to": "--to", "staff_days": "--staff-days",
	"budget": "--budget", "title": "--save", "format": "--format"}

// newOutreachPlanCmd is `khuyencong outreach plan --unit CODE --from DATE
// --to DATE --staff-days N --budget VND [--format text|json] [--save
// TITLE] [--as USER]`: it proposes the outreach sessions of the period
// (the next quarter when --from and --to are left out), explains them,
// compares them with the same number of sessions in the communes with the
// most establishments and, with --save, saves them as a campaign.
func newOutreachPlanCmd(m *Main) *cobra.Command {
	var unit, from, to, staffDays, budget, format, save, as string
	cmd := &cobra.Command{
		Use:   "plan",
		Short: tc("outreachplan.cli.short"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return kc.FieldError("--format", "outreachplan.error.bad_format", format)
			}
			return m.withApp(cmd.Context(), func(ctx context.Context, a *app.App) error {
				ctx, err := asUser(ctx, a, as)
				if err != nil {
					return err
				}
				in, err := planInput(a, unit, from, to, staffDays, budget)
				if err != nil {
					return flagErrors(err, planFlags)
				}
				var pl app.OutreachPlan
				var saved kc.Campaign
				if save != "" {
					saved, pl, err = a.SaveOutreachPlan(ctx, app.SaveOutreachPlanInput{Plan: in, Title: save, AsProposed: true})
				} else {
					pl, err = a.PlanOutreach(ctx, in)
				}
				if err != nil {
					return flagErrors(err, planFlags)
				}
				w := cmd.OutOrStdout()
				if format == "json" {
					enc := json.NewEncoder(w)
					enc.SetIndent("", "  ")
					if err := enc.Encode(pl.View(locale.Default)); err != nil {
						return err
					}
				} else if err := writePlanText(w, pl); err != nil {
					return err
				}
				if saved.ID != 0 {
					_, err = fmt.Fprintln(cmd.ErrOrStderr(), tc("outreachplan.cli.saved", saved.ID, saved.Title))
				}
				return err
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&unit, "unit", "", tc("outreachplan.cli.flag_unit"))
	fl.StringVar(&from, "from", "", tc("outreachplan.cli.flag_from"))
	fl.StringVar(&to, "to", "", tc("outreachplan.cli.flag_to"))
	fl.StringVar(&staffDays, "staff-days", "", tc("outreachplan.cli.flag_staff_days"))
	fl.StringVar(&budget, "budget", "", tc("outreachplan.cli.flag_budget"))
	fl.StringVar(&format, "format", "text", tc("outreachplan.cli.flag_format"))
	fl.StringVar(&save, "save", "", tc("outreachplan.cli.flag_save"))
	fl.StringVar(&as, "as", "", tc("reportcli.as"))
	return cmd
}

// planInput reads the planner's flags; the period defaults to the next
// quarter. Every field error is returned at once.
func planInput(a *app.App, unit, from, to, staffDays, budget string) (app.PlanOutreachInput, error) {
	in := a.DefaultPlanInput()
	in.UnitCode = strings.TrimSpace(unit)
	var errs kc.Errors
	add := func(err error) {
		if err != nil {
			errs = append(errs, kc.FieldErrors(err)...)
		}
	}
	if strings.TrimSpace(from) != "" || strings.TrimSpace(to) != "" {
		var err error
		in.From, err = app.ParsePlanDate("from", from)
		add(err)
		in.To, err = app.ParsePlanDate("to", to)
		add(err)
	}
	n, err := app.ParsePlanNumber("staff_days", staffDays)
	add(err)
	in.StaffDays = int(min(n, 1<<31-1))
	in.Budget, err = app.ParsePlanNumber("budget", budget)
	add(err)
	return in, errs.Err()
}

// writePlanText writes the plan in Vietnamese: the sessions, the trips,
// the explanation, the places left out and the baseline comparison.
func writePlanText(w io.Writer, pl app.OutreachPlan) error {
	lang := locale.Default
	name := pl.UnitName
	if name == "" {
		name = tc("outreachplan.cli.scope")
	}
	day := func(d kc.Date) string { return vi.FormatDay(d.Time()) }
	var b strings.Builder
	fmt.Fprintln(&b, tc("outreachplan.cli.title", name, day(pl.From), day(pl.To)))
	fmt.Fprintln(&b, tc("outreachplan.cli.limits", pl.StaffDays, vi.FormatVND(pl.Budget)))
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, tc("outreachplan.cli.sessions"))
	if len(pl.Sessions) == 0 {
		fmt.Fprintln(&b, "  "+tc("outreachplan.cli.none"))
	} else {
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join([]string{" " + tc("outreachplan.col.no"), tc("outreachplan.col.date"), tc("outreachplan.col.commune"),
			tc("outreachplan.col.village"), tc("outreachplan.col.form"), tc("outreachplan.col.interpreter"),
			tc("outreachplan.col.reached"), tc("outreachplan.col.cost"), tc("outreachplan.col.days")}, "\t")+"\t")
		for i, s := range pl.Sessions {
			village := s.Village.Village
			if village == "" {
				village = tc("outreachplan.village.none")
			}
			interp := tc("outreachplan.interpreter.none")
			if s.Interpreter {
				interp = s.Language
			}
			fmt.Fprintf(tw, " %d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t\n", i+1, day(s.Date), s.Village.CommuneName, village,
				locale.T(lang, "outreachplan.kind."+s.Kind), interp, s.Reached, vi.FormatVND(s.Total()), app.StaffDaysText(s.HalfDays))
		}
		fmt.Fprintf(tw, " %s\t\t\t\t\t\t%d\t%s\t%s\t\n", tc("outreachplan.web.total"), pl.Reached, vi.FormatVND(pl.Cost), app.StaffDaysText(pl.HalfDays))
		tw.Flush()
	}
	if len(pl.Trips) > 0 {
		fmt.Fprintln(&b)
		fmt.Fprintln(&b, tc("outreachplan.cli.trips"))
		for _, t := range pl.Trips {
			days := day(t.Days[0])
			if len(t.Days) > 1 {
				days += " – " + day(t.Days[len(t.Days)-1])
			}
			fmt.Fprintln(&b, "  - "+tc("outreachplan.cli.trip", t.CommuneName, days, len(t.Sessions), vi.FormatVND(t.Travel), t.Reached))
		}
	}
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, tc("outreachplan.cli.explain"))
	for _, t := range pl.Summary {
		fmt.Fprintln(&b, "  "+app.OutreachText(lang, t))
	}
	for i, s := range pl.Sessions {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, app.OutreachText(lang, s.Reason))
	}
	if len(pl.LeftOut) > 0 {
		fmt.Fprintln(&b)
		fmt.Fprintln(&b, tc("outreachplan.cli.left"))
		for _, l := range pl.LeftOut {
			fmt.Fprintln(&b, "  - "+app.OutreachText(lang, l.Reason))
		}
	}
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, tc("outreachplan.cli.compare"))
	fmt.Fprintln(&b, "  "+app.OutreachText(lang, pl.Baseline.Text))
	fmt.Fprintln(&b, "  "+app.OutreachText(lang, pl.Baseline.Detail))
	_, err := io.WriteString(w, b.String())
	return err
}
