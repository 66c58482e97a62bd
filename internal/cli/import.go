package cli

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
)

// maxShownErrors is the number of errors the import prints; the report
// has them all.
const maxShownErrors = 20

// importMemoryLimit is the soft memory limit of an import.
const importMemoryLimit = 300 << 20

func (m *Main) importCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Nhập dữ liệu từ bảng tính",
	}
	cmd.AddCommand(m.importEstablishmentsCmd())
	return cmd
}

func (m *Main) importEstablishmentsCmd() *cobra.Command {
	var dryRun bool
	var report, as string
	var decide []string
	var year int
	cmd := &cobra.Command{
		Use:   "establishments TỆP",
		Short: "Nhập danh sách cơ sở từ tệp .xlsx hoặc .csv (tất cả hoặc không gì cả)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			decisions := map[int]string{}
			for _, d := range decide {
				row, dec, ok := strings.Cut(d, "=")
				n, err := strconv.Atoi(strings.TrimSpace(row))
				if !ok || err != nil || n <= 0 || strings.TrimSpace(dec) == "" {
					return kc.Errorf(kc.EInvalid, "import.bad_decide_flag", d)
				}
				if prev, ok := decisions[n]; ok {
					dec = prev + "," + dec
				}
				decisions[n] = strings.TrimSpace(dec)
			}
			// A soft memory limit makes the collector keep a large file's
			// garbage down instead of doubling the heap (GOMEMLIMIT wins).
			if debug.SetMemoryLimit(-1) == math.MaxInt64 {
				defer debug.SetMemoryLimit(debug.SetMemoryLimit(importMemoryLimit))
			}
			f, err := os.Open(args[0])
			if err != nil {
				return kc.Errorf(kc.EInvalid, "sheet.read_failed").Wrap(err)
			}
			defer f.Close()
			return m.withApp(cmd.Context(), func(ctx context.Context, a *app.App) error {
				if as != "" {
					u, err := a.Store.GetUserByUsername(ctx, as)
					if kc.ErrorCode(err) == kc.ENotFound {
						return kc.Errorf(kc.EInvalid, "import.user_unknown", as)
					}
					if err != nil {
						return err
					}
					p, err := a.ResolvePrincipal(ctx, u)
					if err != nil {
						return err
					}
					ctx = app.WithPrincipal(ctx, p)
				}
				progress, endProgress := m.importProgress()
				opts := app.ImportOptions{DryRun: dryRun, Decisions: decisions, FactYear: year, Progress: progress}
				res, err := a.ImportEstablishments(ctx, f, filepath.Base(args[0]), opts)
				endProgress()
				if err != nil {
					return err
				}
				return m.printImport(res, report)
			})
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "chỉ kiểm tra, không ghi gì")
	cmd.Flags().StringVar(&report, "report", "", "ghi báo cáo lỗi (bản sao tệp có cột «Lỗi») vào TỆP.xlsx")
	cmd.Flags().StringArrayVar(&decide, "decide", nil, "quyết định cho một dòng: DÒNG=skip|create|merge:MÃ|commune:MÃ_XÃ (lặp lại được)")
	cmd.Flags().StringVar(&as, "as", "", "nhập với quyền và địa bàn của tài khoản này (mặc định: hệ thống)")
	cmd.Flags().IntVar(&year, "year", 0, "năm của số liệu khi tệp không có cột «Năm số liệu» (mặc định: năm trước)")
	return cmd
}

// printImport prints the summary, the first errors and writes the report.
func (m *Main) printImport(res app.ImportResult, report string) error {
	t := func(key string, args ...any) string { return locale.T(locale.Default, key, args...) }
	out := m.Stdout
	fmt.Fprintln(out, t("import.summary_read", res.Rows, res.File))
	for _, w := range res.Warnings {
		fmt.Fprintln(out, t("import.warning", locale.T(locale.Default, w.Key, w.Args...)))
	}
	if res.OK() {
		switch {
		case res.Written:
			fmt.Fprintln(out, t("import.summary_done", res.Created, res.Merged, res.Skipped, res.Facts))
		case !res.DryRun && res.Created+res.Merged == 0:
			fmt.Fprintln(out, t("import.summary_nothing"))
		default:
			fmt.Fprintln(out, t("import.summary_would", res.Created, res.Merged, res.Skipped, res.Facts))
		}
		if res.Unchanged > 0 {
			fmt.Fprintln(out, t("import.summary_unchanged", res.Unchanged))
		}
		return nil
	}
	fmt.Fprintln(out, t("import.summary_errors", len(res.Errors)))
	for i, e := range res.Errors {
		if i == maxShownErrors {
			fmt.Fprintln(out, t("import.more_errors", len(res.Errors)-maxShownErrors))
			break
		}
		fmt.Fprintln(out, "  "+app.ImportMessage(locale.Default, e))
	}
	if report != "" {
		if err := writeReport(report, res); err != nil {
			return err
		}
		fmt.Fprintln(out, t("import.report_written", report))
	} else {
		fmt.Fprintln(out, t("import.report_hint"))
	}
	return exitError{code: 1, msg: t("import.rejected", len(res.Errors))}
}

func writeReport(path string, res app.ImportResult) error {
	f, err := os.Create(path)
	if err != nil {
		return kc.Errorf(kc.EInvalid, "import.report_failed", path, err.Error()).Wrap(err)
	}
	err = res.WriteReport(f, func(e *kc.Error) string { return app.ImportMessage(locale.Default, e) })
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// importProgress returns the progress callback and the function that
// ends it: a bar on stderr when it is a terminal, otherwise a log line
// every 10,000 rows.
func (m *Main) importProgress() (func(done, total int), func()) {
	if f, ok := m.Stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		shown := false
		var last time.Time
		return func(done, total int) {
				if time.Since(last) < 100*time.Millisecond && done < total {
					return
				}
				last = time.Now()
				shown = true
				drawBar(m.Stderr, done, total)
			}, func() {
				if shown {
					fmt.Fprintln(m.Stderr)
				}
			}
	}
	next := 10_000
	return func(done, total int) {
		if done < next {
			return
		}
		m.Log.Info("import: progress", "rows", done, "total", total)
		for next <= done {
			next += 10_000
		}
	}, func() {}
}

// drawBar draws "[#####-----]  45% 45000/100000" over the current line.
func drawBar(w io.Writer, done, total int) {
	const width = 30
	if total <= 0 {
		total = 1
	}
	n := min(width, done*width/total)
	fmt.Fprintf(w, "\r[%s%s] %3d%% %d/%d", strings.Repeat("#", n), strings.Repeat("-", width-n), done*100/total, done, total)
}
