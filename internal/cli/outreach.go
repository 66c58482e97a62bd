package cli

import (
	"context"
	"fmt"
	"io"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"

	"github.com/spf13/cobra"
)

// leafletFlags names the command-line flag of each field of the leaflet
// use case, so that errors name the flag the user typed.
var leafletFlags = map[string]string{"commune": "--commune", "trade": "--trade", "size": "--size", "base_url": "--base-url"}

// outreachCmd is the `outreach` command group: `khuyencong outreach
// leaflet --commune CODE --trade TRADE --out FILE.pdf [--size A4|A5]
// [--base-url URL] [--as USER]`.
func (m *Main) outreachCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "outreach", Short: tc("leaflet.cli.group")}
	var commune, trade, out, size, baseURL, as string
	lf := &cobra.Command{
		Use:   "leaflet",
		Short: tc("leaflet.cli.leaflet"),
		Long:  tc("leaflet.cli.leaflet_long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return kc.FieldError("--out", "leaflet.cli.out_required")
			}
			if baseURL == "" {
				baseURL = m.cfg.PublicURL
			}
			return m.withApp(cmd.Context(), func(ctx context.Context, a *app.App) error {
				ctx, err := asUser(ctx, a, as)
				if err != nil {
					return err
				}
				s, err := a.Leaflet(ctx, commune, trade, size, baseURL)
				if err != nil {
					return flagErrors(err, leafletFlags)
				}
				if err := writeAtomic(out, "export.out_failed", func(w io.Writer) error { return app.RenderLeaflet(w, s) }); err != nil {
					return err
				}
				_, err = fmt.Fprintln(cmd.OutOrStdout(), tc("leaflet.cli.written", s.Size, s.URL, out))
				return err
			})
		},
	}
	fl := lf.Flags()
	fl.StringVar(&commune, "commune", "", tc("leaflet.cli.flag_commune"))
	fl.StringVar(&trade, "trade", "", tc("leaflet.cli.flag_trade"))
	fl.StringVar(&out, "out", "", tc("leaflet.cli.flag_out"))
	fl.StringVar(&size, "size", "A4", tc("leaflet.cli.flag_size"))
	fl.StringVar(&baseURL, "base-url", "", tc("leaflet.cli.flag_base_url"))
	fl.StringVar(&as, "as", "", tc("reportcli.as"))
	cmd.AddCommand(lf)
	cmd.AddCommand(newOutreachPlanCmd(m))
	return cmd
}

// flagErrors renames the fields of err's field errors to the flags in
// names (fields not in names keep their name); other errors come back
// unchanged.
func flagErrors(err error, names map[string]string) error {
	fes := kc.FieldErrors(err)
	if len(fes) == 0 {
		return err
	}
	out := make(kc.Errors, 0, len(fes))
	for _, fe := range fes {
		c := *fe
		if f, ok := names[c.Field]; ok {
			c.Field = f
		}
		out = append(out, &c)
	}
	if len(out) == 1 {
		return out[0]
	}
	return out.Err()
}
