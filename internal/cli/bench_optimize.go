package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"khuyencong/internal/allocate"
	"khuyencong/internal/kc"
)

// The portfolio-optimiser benchmark (`bench optimize`) times
// allocate.Solve on generated plans (allocate.Generate) and puts next to
// it GLPK's glpsol, run as an external process on the LP file
// allocate.WriteLP writes for the same instance. Both optima must be
// proven and equal: the command fails otherwise.

// optimizeBenchOptions are the flags of `bench optimize`.
type optimizeBenchOptions struct {
	sizes   string
	seed    uint64
	runs    int
	dir     string
	glpsol  string
	timeout time.Duration
	explain bool
}

func (m *Main) benchOptimizeCmd() *cobra.Command {
	o := optimizeBenchOptions{sizes: "100,500,2000", seed: 1, runs: 3, glpsol: "glpsol", timeout: 10 * time.Minute, explain: true}
	cmd := &cobra.Command{
		Use: "optimize",
		Short: "Đo bộ tối ưu danh mục đề án (allocate.Solve) trên kế hoạch sinh ngẫu nhiên, so với glpsol (GLPK) " +
			"trên cùng tệp LP (hai giá trị tối ưu phải bằng nhau)",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return m.benchOptimize(cmd.Context(), o) },
	}
	fl := cmd.Flags()
	fl.StringVar(&o.sizes, "sizes", o.sizes, "số đề án của từng bài toán, cách nhau bằng dấu phẩy")
	fl.Uint64Var(&o.seed, "seed", o.seed, "hạt giống sinh bài toán")
	fl.IntVar(&o.runs, "runs", o.runs, "số lần đo allocate.Solve mỗi bài toán (lấy trung vị)")
	fl.StringVar(&o.dir, "dir", "", "thư mục giữ các tệp LP và báo cáo của glpsol (mặc định: thư mục tạm, xoá khi xong)")
	fl.StringVar(&o.glpsol, "glpsol", o.glpsol, "chương trình glpsol (gói glpk-utils); none để không so sánh")
	fl.DurationVar(&o.timeout, "timeout", o.timeout, "thời gian tối đa cho mỗi lần giải (của mỗi bên)")
	fl.BoolVar(&o.explain, "explain", o.explain, "đo thêm một lần giải có giải thích (--explain=false để bỏ)")
	return cmd
}

// optimizeRow is the outcome of one size.
type optimizeRow struct {
	n, rows       int
	median        time.Duration
	nodes         int
	explain       time.Duration
	status        allocate.Status
	value, bound  int64
	glpsolTook    time.Duration
	glpsolStatus  string
	glpsolValue   int64
	glpsolOptimal bool
}

func (m *Main) benchOptimize(ctx context.Context, o optimizeBenchOptions) error {
	var sizes []int
	for f := range strings.SplitSeq(o.sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return kc.Errorf(kc.EInvalid, "benchopt.bad_sizes", o.sizes)
		}
		sizes = append(sizes, n)
	}
	if o.runs < 1 || o.timeout <= 0 {
		return kc.Errorf(kc.EInvalid, "benchopt.bad_runs")
	}
	glpsol := ""
	if o.glpsol != "none" {
		p, err := exec.LookPath(o.glpsol)
		if err != nil {
			return kc.Errorf(kc.EInvalid, "benchopt.no_glpsol", o.glpsol)
		}
		glpsol = p
	}
	dir, cleanup, err := benchWorkDir(o.dir, "khuyencong-optimize-")
	if err != nil {
		return err
	}
	defer cleanup()
	w := m.Stdout
	version := "không so sánh"
	if glpsol != "" {
		version = glpsolVersion(ctx, glpsol)
	}
	fmt.Fprintf(w, "Bộ tối ưu danh mục đề án: allocate.Solve (lời giải tối ưu có chứng minh) so với %s trên cùng tệp LP\n", version)
	then := ", rồi 1 lần có giải thích"
	if !o.explain {
		then = ""
	}
	fmt.Fprintf(w, "Bài toán allocate.Generate(cỡ, %d); %d lần đo allocate.Solve không giải thích, lấy trung vị%s; glpsol chạy 1 lần; "+
		"tối đa %v mỗi lần giải; GOMAXPROCS %d (%d CPU), %s\n", o.seed, o.runs, then, o.timeout, runtime.GOMAXPROCS(0), runtime.NumCPU(), runtime.Version())
	fmt.Fprintf(w, "%7s %9s %12s %9s %14s %12s %11s %11s  %s\n", "đề án", "ràng buộc", "allocate", "nút", "có giải thích", "glpsol", "tối ưu", "glpsol", "so sánh")
	bad := 0
	for _, n := range sizes {
		row, err := m.optimizeSize(ctx, o, n, dir, glpsol)
		if err != nil {
			return err
		}
		verdict := "bằng nhau"
		switch {
		case glpsol == "":
			verdict = "không so sánh"
		case row.status != allocate.Optimal:
			verdict = "KHÔNG SO ĐƯỢC: allocate hết giờ"
			bad++
		case !row.glpsolOptimal:
			verdict = "KHÔNG SO ĐƯỢC: glpsol " + row.glpsolStatus
			bad++
		case row.glpsolValue != row.value:
			verdict = "KHÁC"
			bad++
		}
		ours := fmt.Sprint(row.value)
		if row.status != allocate.Optimal {
			ours = fmt.Sprintf("%d..%d", row.value, row.bound)
		}
		theirs, gt := "-", "-"
		if glpsol != "" {
			theirs, gt = fmt.Sprint(row.glpsolValue), seconds(row.glpsolTook)
			if !row.glpsolOptimal {
				theirs = row.glpsolStatus
			}
		}
		ex := "-"
		if o.explain {
			ex = seconds(row.explain)
		}
		fmt.Fprintf(w, "%7d %9d %12s %9d %14s %12s %11s %11s  %s\n", n, row.rows, seconds(row.median), row.nodes, ex, gt, ours, theirs, verdict)
	}
	if o.dir != "" {
		fmt.Fprintf(w, "Các tệp LP và báo cáo của glpsol ở %s\n", dir)
	}
	if bad > 0 {
		return exitError{code: 1, msg: tc("benchopt.mismatch", bad)}
	}
	return nil
}

// optimizeSize measures one size.
func (m *Main) optimizeSize(ctx context.Context, o optimizeBenchOptions, n int, dir, glpsol string) (optimizeRow, error) {
	in := allocate.Generate(n, o.seed)
	file := filepath.Join(dir, fmt.Sprintf("optimize-%d-%d.lp", n, o.seed))
	f, err := os.Create(file)
	if err != nil {
		return optimizeRow{}, err
	}
	if err := allocate.WriteLP(f, in); err != nil {
		f.Close()
		return optimizeRow{}, err
	}
	if err := f.Close(); err != nil {
		return optimizeRow{}, err
	}
	row := optimizeRow{n: n}
	var took []time.Duration
	for range o.runs {
		start := time.Now()
		sol, err := allocate.Solve(ctx, in, allocate.Options{Deadline: o.timeout})
		took = append(took, time.Since(start))
		if err != nil && !errors.Is(err, allocate.ErrTimeout) {
			return row, err
		}
		row.status, row.value, row.bound, row.nodes, row.rows = sol.Status, sol.Value, sol.Bound, sol.Nodes, len(sol.Constraints)
	}
	slices.Sort(took)
	row.median = took[len(took)/2]
	if o.explain {
		start := time.Now()
		if _, err := allocate.Solve(ctx, in, allocate.Options{Explain: true, Deadline: o.timeout}); err != nil && !errors.Is(err, allocate.ErrTimeout) {
			return row, err
		}
		row.explain = time.Since(start)
	}
	if glpsol == "" {
		return row, nil
	}
	res, err := runGlpsol(ctx, glpsol, file, o.timeout)
	if err != nil {
		return row, err
	}
	row.glpsolTook, row.glpsolStatus, row.glpsolValue = res.took, res.status, res.value
	row.glpsolOptimal = res.status == "INTEGER OPTIMAL"
	return row, nil
}

// seconds formats a duration in seconds, milliseconds under one second.
func seconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// glpsolRun is what glpsol reports about an LP file.
type glpsolRun struct {
	took   time.Duration
	status string // e.g. "INTEGER OPTIMAL", "INTEGER EMPTY", or "hết giờ"
	value  int64
}

var (
	glpsolStatusRe = regexp.MustCompile(`(?m)^Status:\s+(.+?)\s*$`)
	glpsolObjRe    = regexp.MustCompile(`(?m)^Objective:\s+\S+ = (\S+) \((?:MAXimum|MINimum)\)`)
)

// runGlpsol solves file with glpsol within timeout: the status and
// objective of its report (-o), the objective exactly from its solution
// file (-w) when it wrote one.
func runGlpsol(ctx context.Context, bin, file string, timeout time.Duration) (glpsolRun, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out, sol := file+".out", file+".sol"
	os.Remove(out)
	os.Remove(sol)
	cmd := exec.CommandContext(ctx, bin, "--lp", file, "-o", out, "-w", sol)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	start := time.Now()
	err := cmd.Run()
	r := glpsolRun{took: time.Since(start)}
	if ctx.Err() != nil {
		r.status = "hết giờ"
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("glpsol %s: %w\n%s", file, err, log.Bytes())
	}
	rep, err := os.ReadFile(out)
	if err != nil {
		return r, err
	}
	st, obj := glpsolStatusRe.FindSubmatch(rep), glpsolObjRe.FindSubmatch(rep)
	if st == nil || obj == nil {
		return r, fmt.Errorf("glpsol %s: no status or objective in %s", file, out)
	}
	r.status = string(st[1])
	v, err := strconv.ParseFloat(string(obj[1]), 64)
	if err != nil {
		return r, fmt.Errorf("glpsol %s: objective %q: %w", file, obj[1], err)
	}
	r.value = int64(v)
	if b, err := os.ReadFile(sol); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			// "s mip ROWS COLS STATUS OBJECTIVE", the objective in 15 digits.
			if fs := strings.Fields(sc.Text()); len(fs) == 6 && fs[0] == "s" && fs[1] == "mip" {
				if x, err := strconv.ParseInt(fs[5], 10, 64); err == nil {
					r.value = x
				}
			}
		}
	}
	return r, nil
}

// glpsolVersion is the first line of `glpsol --version`.
func glpsolVersion(ctx context.Context, bin string) string {
	b, err := exec.CommandContext(ctx, bin, "--version").Output()
	if err != nil {
		return bin
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(line)
}
