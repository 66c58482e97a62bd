package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/demo"
	"khuyencong/internal/kc"

	"github.com/spf13/cobra"
)

// demoCmd is `khuyencong demo --scale district|province|national --seed N`.
func (m *Main) demoCmd() *cobra.Command {
	scale, seed := demo.ScaleDistrict, int64(1)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Nạp dữ liệu mẫu (hư cấu) vào cơ sở dữ liệu trống",
		Long: "Nạp dữ liệu mẫu hư cấu, sinh tất định từ --seed: district (huyện Đakrông cũ, vài trăm cơ sở, đề án từ 2015), " +
			"province (khoảng 20.000 cơ sở trong tỉnh Quảng Trị mới, khoảng 4.000 đề án) hoặc national (khoảng 1.000.000 cơ sở trên 3.321 xã, phường, " +
			"khoảng 200.000 đề án từ 2017 đến nay). In số bản ghi, thời gian và bộ nhớ tối đa.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return m.demo(cmd.Context(), scale, seed) },
	}
	cmd.Flags().StringVar(&scale, "scale", scale, "quy mô: district, province hoặc national")
	cmd.Flags().Int64Var(&seed, "seed", seed, "hạt giống sinh dữ liệu (cùng hạt giống cho cùng dữ liệu)")
	return cmd
}

func (m *Main) demo(ctx context.Context, scale string, seed int64) error {
	if !slices.Contains(demo.Scales, scale) {
		return kc.Errorf(kc.EInvalid, "demo.unknown_scale", scale)
	}
	mem := startMemSampler(100 * time.Millisecond)
	start := time.Now()
	a, closeApp, err := m.openApp(ctx)
	if err != nil {
		mem.stop()
		return err
	}
	defer closeApp()
	setup := time.Since(start)
	genStart := time.Now()
	last, lastAt := 0, time.Now()
	progress := func(done, total int) {
		if done-last >= max(total/20, 1) || done == total || time.Since(lastAt) > 30*time.Second {
			el := time.Since(genStart)
			m.Log.Info("demo: progress", "scale", scale, "establishments", done, "total", total,
				"elapsed", el.Round(time.Second).String(), "per_second", int(float64(done)/el.Seconds()))
			last, lastAt = done, time.Now()
		}
	}
	st, err := a.GenerateScale(ctx, scale, seed, progress)
	elapsed := time.Since(genStart)
	peak := mem.stop()
	if err != nil {
		return err
	}
	w := m.Stdout
	fmt.Fprintf(w, "Dữ liệu mẫu %s (seed %d) trên %s:\n", st.Scale, st.Seed, a.Store.Dialect().Name)
	fmt.Fprintf(w, "  cơ sở:            %d\n", st.Establishments)
	fmt.Fprintf(w, "  số liệu theo năm: %d\n", st.Facts)
	fmt.Fprintf(w, "  đề án:            %d\n", st.Projects)
	fmt.Fprintf(w, "  buổi tuyên truyền: %d\n", st.Sessions)
	fmt.Fprintf(w, "  dòng đã ghi:      %d\n", st.Rows)
	fmt.Fprintf(w, "  thời gian:        %s (mở, di trú và nạp đơn vị: %s)\n", elapsed.Round(time.Millisecond), setup.Round(time.Millisecond))
	fmt.Fprintf(w, "  bộ nhớ tối đa:    heap Go %s, Go tổng %s, RSS tiến trình (VmHWM) %s\n", mib(peak.heap), mib(peak.total), mib(peakRSS()))
	fmt.Fprintln(w, "Tài khoản dữ liệu mẫu (chỉ dùng để thử):")
	for _, acc := range app.DemoAccounts() {
		fmt.Fprintf(w, "  %-18s %-16s mật khẩu: %s\n", acc.Role, acc.Username, acc.Password)
	}
	return nil
}

// memPeak is the largest Go heap and total Go memory seen by the sampler.
type memPeak struct{ heap, total uint64 }

// memSampler samples runtime/metrics (no stop-the-world) at an interval.
type memSampler struct {
	done chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	peak memPeak
}

var memMetrics = []string{"/memory/classes/heap/objects:bytes", "/memory/classes/total:bytes"}

func startMemSampler(every time.Duration) *memSampler {
	s := &memSampler{done: make(chan struct{})}
	samples := make([]metrics.Sample, len(memMetrics))
	for i, name := range memMetrics {
		samples[i].Name = name
	}
	read := func() {
		metrics.Read(samples)
		s.mu.Lock()
		s.peak.heap = max(s.peak.heap, samples[0].Value.Uint64())
		s.peak.total = max(s.peak.total, samples[1].Value.Uint64())
		s.mu.Unlock()
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			read()
			select {
			case <-s.done:
				read()
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *memSampler) stop() memPeak {
	close(s.done)
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// peakRSS returns the process's peak resident set size (VmHWM) in bytes, or
// 0 where /proc is not available.
func peakRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return kb * 1024
			}
		}
	}
	return 0
}

// mib formats bytes as MiB.
func mib(b uint64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
