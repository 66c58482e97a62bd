package cli

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"khuyencong/internal/app"
	"khuyencong/internal/store"
)

// The report benchmark of issue 6 (`bench report`) times, on the same
// database and in the same run, the single SQL statement that computes
// the report's headline figures (store.ReportRaw, the baseline), the
// aggregates the report is built from (store.ReportData), the whole
// dataset with its tables, charts and findings (app.PeriodReport), the
// document composed from it, and each renderer. The headline figures of
// the raw statement and of the dataset must agree before any time is
// printed.

// reportBenchOptions are the flags of `bench report`.
type reportBenchOptions struct {
	unit     string
	from, to int
	runs     int
}

func (m *Main) benchReportCmd() *cobra.Command {
	o := reportBenchOptions{from: 2017, to: 2026, runs: 3}
	cmd := &cobra.Command{
		Use: "report",
		Short: "Đo báo cáo giai đoạn (mặc định cả nước 2017–2026): câu SQL tổng hợp thô, số liệu chỉ tiêu, bộ dữ liệu báo cáo, " +
			"soạn văn bản và xuất DOCX, XLSX, PDF, so trong cùng một lần chạy",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return m.benchReport(cmd.Context(), o) },
	}
	fl := cmd.Flags()
	fl.StringVar(&o.unit, "unit", "", "mã đơn vị (để trống: cả nước; câu SQL thô và số liệu chỉ tiêu chỉ đo cho cả nước)")
	fl.IntVar(&o.from, "from", o.from, "năm đầu")
	fl.IntVar(&o.to, "to", o.to, "năm cuối")
	fl.IntVar(&o.runs, "runs", o.runs, "số lần đo mỗi bước (sau một lần làm nóng); in trung vị và lần nhanh nhất")
	return cmd
}

// countingWriter counts the bytes a renderer writes and drops them.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func (m *Main) benchReport(ctx context.Context, o reportBenchOptions) error {
	if o.runs < 1 {
		o.runs = 1
	}
	return m.withApp(ctx, func(ctx context.Context, a *app.App) error {
		w := m.Stdout
		req := app.ReportRequest{UnitCode: o.unit, From: o.from, To: o.to}
		ds, d, err := a.PeriodDocument(ctx, req) // warm-up, and the figures to check
		if err != nil {
			return err
		}
		sc := store.ReportScope{From: o.from, To: o.to}
		if o.unit == "" {
			raw, err := a.Store.ReportRaw(ctx, sc)
			if err != nil {
				return err
			}
			for _, code := range []string{"projects_total", "funds_state_approved", "counterpart_mobilised", "establishments_supported", "trainees", "outreach_sessions"} {
				in, _ := ds.Indicator(code)
				if raw[code] != in.Value {
					return fmt.Errorf("bench report: %s is %d in the report but %d in the raw SQL", code, in.Value, raw[code])
				}
			}
		}
		in := func(code string) int64 { v, _ := ds.Indicator(code); return v.Value }
		fmt.Fprintf(w, "Báo cáo %s, %d–%d: %d đề án, %d cơ sở được hỗ trợ, %d bảng, %d biểu đồ, %d tồn tại; %d lần đo mỗi bước\n\n",
			ds.UnitName, o.from, o.to, in("projects_total"), in("establishments_supported"), len(ds.Tables), len(ds.Charts), len(ds.Findings), o.runs)
		type step struct {
			name string
			fn   func() (int64, error)
		}
		var steps []step
		if o.unit == "" {
			steps = append(steps,
				step{"SQL thô: một câu lệnh (store.ReportRaw)", func() (int64, error) { _, err := a.Store.ReportRaw(ctx, sc); return 0, err }},
				step{"chỉ tiêu (store.ReportData)", func() (int64, error) {
					_, err := a.Store.ReportData(ctx, sc, store.ReportOptions{ListLimit: app.ReportListMax})
					return 0, err
				}})
		}
		steps = append(steps,
			step{"bộ dữ liệu báo cáo (app.PeriodReport)", func() (int64, error) { _, err := a.PeriodReport(ctx, req); return 0, err }},
			step{"soạn văn bản (app.ReportDocument)", func() (int64, error) { _, err := a.ReportDocument(ctx, ds, false); return 0, err }})
		for _, f := range app.DocumentFormats {
			steps = append(steps, step{"xuất " + f, func() (int64, error) {
				var c countingWriter
				err := app.RenderDocument(&c, d, f)
				return c.n, err
			}})
		}
		fmt.Fprintln(w, "| bước | trung vị | nhanh nhất | so với SQL thô | kích thước |")
		fmt.Fprintln(w, "|---|---|---|---|---|")
		var rawMedian time.Duration
		for _, s := range steps {
			var times []time.Duration
			var size int64
			for range o.runs {
				start := time.Now()
				n, err := s.fn()
				if err != nil {
					return err
				}
				times = append(times, time.Since(start))
				size = n
			}
			med, fast := medianOf(times)
			if rawMedian == 0 {
				rawMedian = med
			}
			ratio := ""
			if o.unit == "" {
				ratio = fmt.Sprintf("%.2f×", float64(med)/float64(rawMedian))
			}
			sz := ""
			if size > 0 {
				sz = fmt.Sprintf("%d KB", (size+1023)/1024)
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", s.name, med.Round(time.Millisecond), fast.Round(time.Millisecond), ratio, sz)
		}
		return nil
	})
}

// medianOf returns the median and the smallest of ds (ds not empty).
func medianOf(ds []time.Duration) (median, fastest time.Duration) {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2], s[0]
}
