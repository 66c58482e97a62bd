package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"khuyencong/internal/api"
	"khuyencong/internal/app"
	"khuyencong/internal/eligibility"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"

	"github.com/spf13/cobra"
)

// tc translates a scheme catalog key in the CLI's language (Vietnamese).
func tc(key string, args ...any) string { return locale.T(locale.Default, key, args...) }

// asUser puts the principal of account username in ctx (the system when
// username is empty).
func asUser(ctx context.Context, a *app.App, username string) (context.Context, error) {
	if username == "" {
		return ctx, nil
	}
	u, err := a.Store.GetUserByUsername(ctx, username)
	if kc.ErrorCode(err) == kc.ENotFound {
		return ctx, kc.Errorf(kc.EInvalid, "check.cli.user_unknown", username)
	}
	if err != nil {
		return ctx, err
	}
	p, err := a.ResolvePrincipal(ctx, u)
	if err != nil {
		return ctx, err
	}
	return app.WithPrincipal(ctx, p), nil
}

// eligibilityCmd is `khuyencong eligibility check --establishment ID
// [--scheme CODE] [--cost VND] [--on DATE] [--json] [--as USER]`.
func (m *Main) eligibilityCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "eligibility", Short: tc("check.cli.group")}
	var (
		id       int64
		scheme   string
		cost     int64
		on, as   string
		jsonMode bool
	)
	check := &cobra.Command{
		Use:   "check",
		Short: tc("check.cli.check"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if id <= 0 {
				return kc.FieldError("--establishment", "check.establishment_required")
			}
			day, err := app.ParseCheckDate(on)
			if err != nil {
				return err
			}
			return m.withApp(cmd.Context(), func(ctx context.Context, a *app.App) error {
				ctx, err := asUser(ctx, a, as)
				if err != nil {
					return err
				}
				rep, err := a.CheckEligibility(ctx, app.EligibilityCheck{EstablishmentID: id, SchemeCode: scheme, Cost: cost, On: day})
				if err != nil {
					return err
				}
				if jsonMode {
					enc := json.NewEncoder(m.Stdout)
					enc.SetIndent("", "  ")
					return enc.Encode(api.NewCheckResponse(rep, locale.Default))
				}
				WriteReport(m.Stdout, rep, locale.Default)
				return nil
			})
		},
	}
	fl := check.Flags()
	fl.Int64Var(&id, "establishment", 0, tc("check.cli.establishment"))
	fl.StringVar(&scheme, "scheme", "", tc("check.cli.scheme"))
	fl.Int64Var(&cost, "cost", 0, tc("check.cli.cost"))
	fl.StringVar(&on, "on", "", tc("check.cli.on"))
	fl.BoolVar(&jsonMode, "json", false, tc("check.cli.json"))
	fl.StringVar(&as, "as", "", tc("check.cli.as"))
	cmd.AddCommand(check)
	return cmd
}

// WriteReport prints an eligibility report as plain Vietnamese (or
// English) text: the establishment and the facts used, then per scheme the
// status, each criterion marked ✓ (passed), ✗ (failed), ? (facts
// missing) or · (an alternative not needed, since another criterion of
// its group passed) with the actual value, the requirement and the gap, the
// support arithmetic and the priority points; then the other schemes it
// qualifies for and the suggested groups with their members.
func WriteReport(w io.Writer, rep app.EligibilityReport, lang string) {
	t := func(key string, args ...any) string { return locale.T(lang, key, args...) }
	p := func(indent int, s string) { fmt.Fprintln(w, strings.Repeat("  ", indent)+s) }
	if e := rep.Establishment; e.ID != 0 {
		place := e.CommuneName
		if e.Village != "" {
			place += ", " + t("check.out.village", e.Village)
		}
		p(0, t("check.out.establishment", e.Name, e.ID, place))
	}
	p(0, t("check.out.on", vi.FormatDate(rep.On.Time())))
	if rep.Cost > 0 {
		p(0, t("check.out.cost", vi.FormatVND(rep.Cost)))
	}
	if rep.Facts.FactYear > 0 && !hasMissing(rep.Facts, "Workers") {
		p(0, t("check.out.facts", rep.Facts.FactYear, vi.FormatNumber(int64(rep.Facts.Workers))))
	} else if hasMissing(rep.Facts, "FactYear") {
		p(0, t("check.out.no_facts"))
	}
	if names := factLabels(lang, rep.Facts.Missing); names != "" {
		p(0, t("check.out.missing", names))
	}
	if len(rep.Results) == 0 {
		p(0, t("check.out.none"))
	}
	for _, res := range rep.Results {
		fmt.Fprintln(w)
		writeResult(w, lang, res)
	}
	fmt.Fprintln(w)
	var others []eligibility.Result
	for _, q := range rep.Qualifies {
		if len(rep.Results) != 1 || q.Rule.SchemeID != rep.Results[0].Rule.SchemeID {
			others = append(others, q)
		}
	}
	if len(others) == 0 {
		p(0, t("check.out.qualifies_none"))
	} else {
		p(0, t("check.out.qualifies"))
		for _, q := range others {
			p(1, "• "+schemeName(lang, q.Rule)+supportSuffix(lang, q.Support))
		}
	}
	var scheme int64
	n := 0
	for _, g := range rep.Groups {
		if g.Scheme.SchemeID != scheme {
			scheme, n = g.Scheme.SchemeID, 0
			fmt.Fprintln(w)
			p(0, t("check.out.groups", schemeName(lang, g.Scheme)))
		}
		n++
		p(1, t("check.out.group", n, len(g.Members), vi.FormatNumber(int64(g.Combined.Workers))))
		for _, m := range g.Members {
			line := t("check.out.member", m.Name, m.ID, m.CommuneName, vi.FormatNumber(int64(m.Workers)))
			if m.Village != "" {
				line += ", " + t("check.out.village", m.Village)
			}
			if m.Seed {
				line += " — " + t("check.out.member_seed")
			}
			p(2, "• "+line)
		}
		for _, s := range g.Reasons {
			p(2, t(s.Key, s.Args...))
		}
	}
	for _, s := range rep.Skipped {
		fmt.Fprintln(w)
		p(0, t("check.out.skipped", s.Code))
	}
}

// writeResult prints one scheme's evaluation.
func writeResult(w io.Writer, lang string, res eligibility.Result) {
	t := func(key string, args ...any) string { return locale.T(lang, key, args...) }
	p := func(indent int, s string) { fmt.Fprintln(w, strings.Repeat("  ", indent)+s) }
	r := res.Rule
	p(0, t("check.out.scheme", schemeName(lang, r)))
	until := "…"
	if !r.EffectiveTo.IsZero() {
		until = vi.FormatDate(r.EffectiveTo.Time())
	}
	basis := r.LegalBasis
	if basis == "" {
		basis = t("check.out.no_basis")
	}
	meta := t("check.out.scheme_meta", t("scheme.level."+r.Level), r.Version, vi.FormatDate(r.EffectiveFrom.Time())+"–"+until, basis)
	if !r.Confirmed {
		meta += " [" + t("check.out.review") + "]"
	}
	p(1, meta)
	if r.Example {
		p(1, "⚠ "+t("check.out.example"))
	}
	p(1, t("check.out.status", strings.ToUpper(t("check.status."+res.Status))))
	p(1, t("check.out.criteria"))
	groups := map[int]int{}
	for _, o := range res.Outcomes {
		if o.Criterion.Kind != eligibility.KindPriority {
			groups[o.Criterion.Group]++
		}
	}
	blocking := map[int64]bool{}
	for _, o := range app.Blocking(res) {
		blocking[o.Criterion.ID] = true
	}
	for _, o := range res.Outcomes {
		if o.Criterion.Kind == eligibility.KindPriority {
			continue
		}
		mark := t("check.mark." + o.State)
		if o.State != eligibility.Pass && !blocking[o.Criterion.ID] {
			mark = t("check.mark.other") // an alternative of a group another criterion passes
		}
		line := mark + " " + o.Criterion.Label
		if groups[o.Criterion.Group] > 1 {
			line += " " + t("check.out.group_or", o.Criterion.Group)
		}
		var parts []string
		if o.State == eligibility.Unknown {
			parts = append(parts, t("check.out.unknown_facts", factLabels(lang, o.Missing)))
		} else {
			if o.Actual != "" {
				parts = append(parts, t("check.out.actual", optionText(lang, o.Criterion, o.Actual)))
			}
			if o.Required != "" {
				parts = append(parts, t("check.out.required", optionText(lang, o.Criterion, o.Required)))
			}
			if gap := app.GapText(lang, o); gap != "" && o.State == eligibility.Fail {
				parts = append(parts, gap)
			}
		}
		if len(parts) > 0 {
			line += " — " + strings.Join(parts, "; ")
		}
		p(2, line)
	}
	p(1, t("check.out.support"))
	for _, s := range res.Support.Steps {
		p(2, t(s.Key, s.Args...))
	}
	if !res.Support.Unset {
		p(2, t("check.out.support_amount", vi.FormatVND(res.Support.Amount)))
	}
	if res.Priority > 0 {
		p(1, t("check.out.priority", res.Priority, strings.Join(res.PriorityLabels, "; ")))
	} else {
		p(1, t("check.out.no_priority"))
	}
}

// schemeName is "Name (CODE)", with the example label where needed.
func schemeName(lang string, r eligibility.Rule) string {
	s := r.Name
	if r.Example && !strings.Contains(strings.ToLower(s), strings.ToLower(strings.Trim(locale.T(lang, "scheme.example_suffix"), "()"))) {
		s += " " + locale.T(lang, "scheme.example_suffix")
	}
	return s + " (" + r.Code + ")"
}

// supportSuffix is ": tối đa N" for a support with an amount.
func supportSuffix(lang string, s eligibility.Support) string {
	if s.Unset || s.Amount == 0 {
		return " [" + locale.T(lang, "scheme.needs_review") + "]"
	}
	return ": " + locale.T(lang, "check.out.support_amount", vi.FormatVND(s.Amount))
}

// hasMissing reports whether fact name is missing.
func hasMissing(f eligibility.Facts, name string) bool {
	for _, m := range f.Missing {
		if m == name {
			return true
		}
	}
	return false
}

// factLabels names facts by their labels in the catalogue.
func factLabels(lang string, names []string) string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if f, ok := eligibility.FieldByName(n); ok && f.LabelKey != "" {
			out = append(out, locale.T(lang, f.LabelKey))
		} else {
			out = append(out, n)
		}
	}
	return strings.Join(out, ", ")
}

// optionText shows the codes of a closed text field in a value or a
// requirement by their labels where the catalogue has them
// ("household_business" → "Hộ kinh doanh", "∈ {xa, phuong}" → "∈ {Xã,
// Phường}"); formulas are shown as written.
func optionText(lang string, c eligibility.Criterion, s string) string {
	f, ok := eligibility.FieldByName(c.Field)
	if !ok || len(f.Options) == 0 || c.Formula != "" {
		return s
	}
	return optionCode.ReplaceAllStringFunc(s, func(code string) string {
		key := "elig.option." + strings.TrimPrefix(f.LabelKey, "elig.field.") + "." + code
		if slices.Contains(f.Options, code) && locale.Has(key) {
			return locale.T(lang, key)
		}
		return code
	})
}

// optionCode matches the codes of closed text fields (lower case and
// underscores), whole.
var optionCode = regexp.MustCompile(`[a-z][a-z_]*`)

// screenCmd is `khuyencong screen [--unit CODE] [--on DATE] [--margin PCT]
// [--out FILE.xlsx] [--as USER]`.
func (m *Main) screenCmd() *cobra.Command {
	var unit, on, out, as string
	var margin int
	cmd := &cobra.Command{
		Use:   "screen",
		Short: tc("screen.cli.short"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			day, err := app.ParseCheckDate(on)
			if err != nil {
				return err
			}
			if out != "" && !strings.EqualFold(filepath.Ext(out), ".xlsx") {
				return kc.Errorf(kc.EInvalid, "screen.out_xlsx")
			}
			return m.withApp(cmd.Context(), func(ctx context.Context, a *app.App) error {
				ctx, err := asUser(ctx, a, as)
				if err != nil {
					return err
				}
				rep, err := a.Screen(ctx, app.ScreenOptions{UnitCode: unit, On: day, MarginPct: margin})
				if err != nil {
					return err
				}
				m.printScreen(rep)
				if out == "" {
					return nil
				}
				if err := writeScreenFile(out, rep); err != nil {
					return err
				}
				fmt.Fprintln(m.Stdout, tc("screen.out.written", out))
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&unit, "unit", "", tc("screen.cli.unit"))
	fl.StringVar(&on, "on", "", tc("screen.cli.on"))
	fl.IntVar(&margin, "margin", 0, tc("screen.cli.margin"))
	fl.StringVar(&out, "out", "", tc("screen.cli.out"))
	fl.StringVar(&as, "as", "", tc("screen.cli.as"))
	return cmd
}

// printScreen prints the counts per scheme, the most common failing
// criterion, the near-eligible count and the time taken.
func (m *Main) printScreen(rep app.ScreenReport) {
	fmt.Fprintln(m.Stdout, tc("screen.out.header", rep.Establishments, len(rep.Schemes), vi.FormatDate(rep.On.Time()), rep.Took.Round(time.Millisecond)))
	for _, s := range rep.Schemes {
		fmt.Fprintln(m.Stdout, tc("screen.out.scheme", schemeName(locale.Default, s.Rule), s.Eligible, s.NotEligible, s.Undetermined))
		if len(s.Failing) > 0 {
			fmt.Fprintln(m.Stdout, tc("screen.out.top_failing", s.Failing[0].Criterion.Label, s.Failing[0].Count))
		}
	}
	line := tc("screen.out.near", rep.MarginPct, len(rep.Near))
	if rep.NearTruncated {
		line += " " + tc("screen.out.near_truncated", len(rep.Near))
	}
	fmt.Fprintln(m.Stdout, line)
	for _, s := range rep.Skipped {
		fmt.Fprintln(m.Stdout, tc("check.out.skipped", s.Code))
	}
}

// writeScreenFile writes the workbook to path; a failure leaves no
// partial file.
func writeScreenFile(path string, rep app.ScreenReport) error {
	return writeAtomic(path, "screen.out_failed", func(w io.Writer) error {
		return app.WriteScreenXLSX(w, rep, locale.Default)
	})
}
