package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"

	"github.com/spf13/cobra"
)

// tu translates a units catalog key in the CLI's language (Vietnamese).
func tu(key string, args ...any) string { return locale.T(locale.Default, key, args...) }

func (m *Main) unitsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "units", Short: tu("unit.cli.group")}
	var on string
	show := &cobra.Command{
		Use:   "show CODE",
		Short: tu("unit.cli.show"),
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			day, err := app.ParseUnitDate(on)
			if err != nil {
				return unitInputErr(err)
			}
			code, err := app.ParseUnitCode(args[0])
			if err != nil {
				return unitInputErr(err)
			}
			return m.withApp(cmd.Context(), func(ctx context.Context, a *app.App) error {
				if day.IsZero() {
					day = kc.DateOf(a.Now().In(vi.Location))
				}
				d, err := a.ShowUnit(ctx, code, day)
				if err != nil {
					return err
				}
				printUnit(m.Stdout, d, day)
				return nil
			})
		},
	}
	show.Flags().StringVar(&on, "on", "", tu("unit.cli.on"))

	var searchOn, level string
	var limit int
	search := &cobra.Command{
		Use:   "search QUERY",
		Short: tu("unit.cli.search"),
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			day, err := app.ParseUnitDate(searchOn)
			if err != nil {
				return unitInputErr(err)
			}
			return m.withApp(cmd.Context(), func(ctx context.Context, a *app.App) error {
				rows, total, err := a.SearchUnits(ctx, kc.UnitFilter{
					Query: strings.Join(args, " "), On: day, Level: level, Limit: limit,
				})
				if err != nil {
					return unitInputErr(err)
				}
				printUnitRows(m.Stdout, rows, total)
				return nil
			})
		},
	}
	search.Flags().StringVar(&searchOn, "on", "", tu("unit.cli.on"))
	search.Flags().StringVar(&level, "level", "", tu("unit.cli.level"))
	search.Flags().IntVar(&limit, "limit", 20, tu("unit.cli.limit"))
	cmd.AddCommand(show, search)
	return cmd
}

// unitInputErr drops the field of an input error: the message already
// names the value, and a one-line error should say it once.
func unitInputErr(err error) error {
	if e, ok := errors.AsType[*kc.Error](err); ok && e.Field != "" {
		return &kc.Error{Code: e.Code, Key: e.Key, Args: e.Args, Err: e.Err}
	}
	return err
}

// unitPeriod writes a validity period as "dd/mm/yyyy – dd/mm/yyyy", with
// the unrecorded start and the open end spelled out.
func unitPeriod(u kc.Unit) string {
	from := tu("unit.start_unknown")
	if u.ValidFrom != app.UnitStartUnknown {
		from = vi.FormatDay(u.ValidFrom.Time())
	}
	to := tu("unit.until_now")
	if !u.ValidTo.IsZero() {
		to = vi.FormatDay(u.ValidTo.Time())
	}
	return tu("unit.period", from, to)
}

// unitLinkLine writes one succession link: name (code), scope, date.
func unitLinkLine(l kc.UnitLink) string {
	return fmt.Sprintf("%s (%s) — %s, %s %s", l.Unit.Name, l.Unit.Code, tu("unit.scope."+l.Scope),
		strings.ToLower(tu("unit.effective")), vi.FormatDay(l.Effective.Time()))
}

// printUnit writes a unit detail as aligned "label: value" lines.
func printUnit(w io.Writer, d kc.UnitDetail, on kc.Date) {
	type line struct{ label, value string }
	u := d.Unit
	lines := []line{
		{tu("unit.code"), u.Code},
		{tu("unit.type"), u.Type + " (" + strings.ToLower(tu("unit.level."+u.Level)) + ")"},
		{tu("unit.valid"), unitPeriod(u)},
		{tu("unit.on_date"), vi.FormatDay(on.Time())},
	}
	var parents []string
	for _, p := range d.Parents {
		parents = append(parents, p.Name+" ("+p.Code+")")
	}
	if len(parents) > 0 {
		lines = append(lines, line{tu("unit.parents"), strings.Join(parents, ", ")})
	}
	if u.Note != "" {
		lines = append(lines, line{tu("unit.note"), u.Note})
	}
	for _, group := range []struct {
		key   string
		links []kc.UnitLink
	}{{"unit.predecessors", d.Predecessors}, {"unit.successors", d.Successors}} {
		if len(group.links) == 0 {
			lines = append(lines, line{tu(group.key), tu("unit.none")})
		}
		for i, l := range group.links {
			label := ""
			if i == 0 {
				label = tu(group.key)
			}
			lines = append(lines, line{label, unitLinkLine(l)})
		}
	}
	width := 0
	for _, l := range lines {
		width = max(width, utf8.RuneCountInString(l.label))
	}
	fmt.Fprintln(w, u.Name)
	for _, l := range lines {
		sep := ": "
		if l.label == "" {
			sep = "  "
		}
		fmt.Fprintf(w, "  %s%s%s%s\n", l.label, sep, strings.Repeat(" ", width-utf8.RuneCountInString(l.label)), l.value)
	}
}

// printUnitRows writes search results as a table.
func printUnitRows(w io.Writer, rows []app.UnitRow, total int) {
	if len(rows) == 0 {
		fmt.Fprintln(w, tu("unit.no_results"))
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", tu("unit.code"), tu("unit.name"), tu("unit.type"), tu("unit.parent"), tu("unit.valid"))
	for _, r := range rows {
		parent := ""
		if r.Parent.ID != 0 {
			parent = r.Parent.Name + " (" + r.Parent.Code + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Unit.Code, r.Unit.Name, r.Unit.Type, parent, unitPeriod(r.Unit))
	}
	tw.Flush()
	if total > len(rows) {
		fmt.Fprintln(w, tu("unit.results_more", len(rows), total))
	} else {
		fmt.Fprintln(w, tu("unit.results", total))
	}
}
