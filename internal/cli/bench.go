package cli

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"slices"
	"sync"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"

	"github.com/spf13/cobra"
)

// benchCmd is `khuyencong bench dashboard|registry|export|import`.
func (m *Main) benchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Đo hiệu năng trên cơ sở dữ liệu hiện có",
	}
	clients, requests := 16, 400
	dash := &cobra.Command{
		Use:   "dashboard",
		Short: "Đo độ trễ trang tổng quan (p50/p95) với nhiều người dùng đồng thời, so với một câu SQL thô",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return m.benchDashboard(cmd.Context(), clients, requests)
		},
	}
	dash.Flags().IntVar(&clients, "clients", clients, "số người dùng gọi đồng thời")
	dash.Flags().IntVar(&requests, "requests", requests, "số lần gọi cho mỗi phép đo")
	cmd.AddCommand(dash, m.benchRegistryCmd(), m.benchExportCmd(), m.benchImportCmd())
	cmd.AddCommand(m.benchScreenCmd())
	cmd.AddCommand(m.benchOptimizeCmd())
	cmd.AddCommand(m.benchReportCmd())
	cmd.AddCommand(m.benchOutreachCmd())
	return cmd
}

// benchResult is the latency distribution of one measured run.
type benchResult struct {
	name          string
	n             int
	p50, p95, p99 time.Duration
	max           time.Duration
	wall          time.Duration
}

// runConcurrent calls fn requests times from clients goroutines and
// returns the latency distribution.
func runConcurrent(ctx context.Context, name string, clients, requests int, fn func(context.Context) error) (benchResult, error) {
	lat := make([]time.Duration, requests)
	next := make(chan int, requests)
	for i := range requests {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t := time.Now()
				if err := fn(ctx); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				lat[i] = time.Since(t)
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	if firstErr != nil {
		return benchResult{}, firstErr
	}
	slices.Sort(lat)
	q := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	return benchResult{name: name, n: requests, p50: q(0.50), p95: q(0.95), p99: q(0.99), max: lat[len(lat)-1], wall: wall}, nil
}

func (m *Main) benchDashboard(ctx context.Context, clients, requests int) error {
	if clients < 1 || requests < 1 {
		return kc.Errorf(kc.EInvalid, "bench.bad_flags")
	}
	a, closeApp, err := m.openApp(ctx)
	if err != nil {
		return err
	}
	defer closeApp()
	n, err := a.Store.CountEstablishments(ctx)
	if err != nil {
		return err
	}
	type who struct {
		label string
		p     *app.Principal
	}
	var principals []who
	if prov, err := a.Store.FindUnit(ctx, "44", kc.ReformDate); err == nil {
		p, err := a.ResolvePrincipal(ctx, kc.User{Username: "bench.tinh", Role: kc.RoleProvinceOfficer, ScopeUnitIDs: []int64{prov.ID}})
		if err != nil {
			return err
		}
		principals = append(principals, who{"province_officer (Tỉnh Quảng Trị, " + fmt.Sprint(len(p.Communes)) + " xã)", p})
	}
	principals = append(principals, who{"admin (toàn quốc)", &app.Principal{User: kc.User{Username: "bench.admin", Role: kc.RoleAdmin}, All: true}})

	w := m.Stdout
	fmt.Fprintf(w, "Trang tổng quan trên %s, %d cơ sở; %d người dùng đồng thời, %d lần gọi mỗi phép đo\n", a.Store.Dialect().Name, n, clients, requests)
	fmt.Fprintf(w, "%-52s %9s %9s %9s %9s %9s\n", "phép đo", "p50", "p95", "p99", "max", "lần/giây")
	for _, x := range principals {
		pctx := app.WithPrincipal(ctx, x.p)
		d1, err := a.Dashboard(pctx)
		if err != nil {
			return err
		}
		for _, scan := range []bool{false, true} {
			d2, err := a.DashboardRaw(pctx, scan)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(d1, d2) {
				return fmt.Errorf("bench: app.Dashboard and the raw query (scan %v) disagree for %s:\n%+v\n%+v", scan, x.label, d1, d2)
			}
		}
		fmt.Fprintf(w, "%s: %d cơ sở, %d lao động, %d đề án (%d năm %d, %d đang thực hiện), %d buổi tuyên truyền năm nay\n",
			x.label, d1.Establishments, d1.WorkersLatest, d1.Projects, d1.ProjectsThisYear, d1.Year, d1.ActiveProjects, d1.OutreachSessions)
		runs := []struct {
			name     string
			requests int
			fn       func(context.Context) error
		}{
			{"app.Dashboard", requests, func(ctx context.Context) error { _, err := a.Dashboard(ctx); return err }},
			{"một câu SQL thô, cùng bảng tổng hợp", requests, func(ctx context.Context) error { _, err := a.DashboardRaw(ctx, false); return err }},
			// Counting the establishment rows is slow by design; fewer calls.
			{"một câu SQL thô, đếm thẳng bảng establishment", max(clients, requests/16), func(ctx context.Context) error { _, err := a.DashboardRaw(ctx, true); return err }},
		}
		for _, r := range runs {
			// Warm the caches and the connection pools first.
			if _, err := runConcurrent(pctx, r.name, clients, min(clients, r.requests/4+1), r.fn); err != nil {
				return err
			}
			res, err := runConcurrent(pctx, r.name, clients, r.requests, r.fn)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "  %-50s %9s %9s %9s %9s %9.1f\n", res.name, ms(res.p50), ms(res.p95), ms(res.p99), ms(res.max), float64(res.n)/res.wall.Seconds())
		}
	}
	return nil
}

// ms formats a duration in milliseconds with one decimal.
// benchWorkDir returns the folder a benchmark writes its solver files
// to: dir (created if missing), or a new temporary folder named after
// prefix that cleanup removes.
func benchWorkDir(dir, prefix string) (path string, cleanup func(), err error) {
	if dir != "" {
		return dir, func() {}, os.MkdirAll(dir, 0o755)
	}
	d, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", nil, err
	}
	return d, func() { os.RemoveAll(d) }, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
