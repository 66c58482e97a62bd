package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"

	"github.com/spf13/cobra"
)

// te translates an export catalog key in the CLI's language (Vietnamese).
func te(key string, args ...any) string { return locale.T(locale.Default, key, args...) }

// exportOptions are the flags of `export establishments`.
type exportOptions struct {
	unit, q, kind, trade, format, out string
	flags                             []string
	personal                          bool
}

// exportCmd is `khuyencong export establishments [--unit CODE] [--q TEXT]
// [--kind K] [--trade CODE] [--flag F]... [--format xlsx|csv] [--personal] --out FILE`.
func (m *Main) exportCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "export", Short: te("export.cli.group")}
	var o exportOptions
	est := &cobra.Command{
		Use:   "establishments",
		Short: te("export.cli.establishments"),
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return m.exportEstablishments(cmd.Context(), o) },
	}
	fl := est.Flags()
	fl.StringVar(&o.unit, "unit", "", te("export.cli.unit"))
	fl.StringVar(&o.q, "q", "", te("export.cli.q"))
	fl.StringVar(&o.kind, "kind", "", te("export.cli.kind"))
	fl.StringVar(&o.trade, "trade", "", te("export.cli.trade"))
	fl.StringSliceVar(&o.flags, "flag", nil, te("export.cli.flag"))
	fl.StringVar(&o.format, "format", "", te("export.cli.format"))
	fl.BoolVar(&o.personal, "personal", false, te("export.cli.personal"))
	fl.StringVar(&o.out, "out", "", te("export.cli.out"))
	cmd.AddCommand(est)
	return cmd
}

// exportFormat picks the format from --format, else from the extension of
// the output file.
func exportFormat(format, out string) (string, error) {
	f := strings.ToLower(strings.TrimSpace(format))
	if f == "" {
		f = strings.TrimPrefix(strings.ToLower(filepath.Ext(out)), ".")
	}
	if f != app.FormatXLSX && f != app.FormatCSV {
		return "", kc.Errorf(kc.EInvalid, "export.bad_format", f)
	}
	return f, nil
}

// exportEstablishments writes the export to a temporary file next to
// o.out and renames it at the end, so that a failure leaves no partial
// file, then prints the row count and the time taken.
func (m *Main) exportEstablishments(ctx context.Context, o exportOptions) error {
	if strings.TrimSpace(o.out) == "" {
		return kc.Errorf(kc.EInvalid, "export.out_required")
	}
	format, err := exportFormat(o.format, o.out)
	if err != nil {
		return err
	}
	start := time.Now()
	return m.withApp(ctx, func(ctx context.Context, a *app.App) error {
		f := app.RegistryFilter{Query: o.q, UnitCode: o.unit, Kind: o.kind, Trade: o.trade, Flags: o.flags}
		var res app.ExportResult
		err := writeAtomic(o.out, "export.out_failed", func(w io.Writer) error {
			var err error
			res, err = a.ExportEstablishments(ctx, w, format, f, o.personal)
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, te("export.done", res.Rows, o.out, format, time.Since(start).Round(time.Millisecond)))
		if o.personal {
			fmt.Fprintln(m.Stdout, te("export.done_personal"))
		}
		return nil
	})
}
