package allocate

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"khuyencong/internal/tooltest"
)

// glpsolResult is what glpsol says about an LP file.
type glpsolResult struct {
	status string // the Status line of the -o report, e.g. "INTEGER OPTIMAL"
	value  int64  // objective from the -o report
	exact  int64  // objective from the -w solution file (15 digits)
	cols   []bool // variable values
}

var (
	statusRe    = regexp.MustCompile(`(?m)^Status:\s+(.+?)\s*$`)
	objectiveRe = regexp.MustCompile(`(?m)^Objective:\s+obj = (\S+) \(MAXimum\)`)
	columnRe    = regexp.MustCompile(`(?m)^\s+\d+ x(\d+)\s+\*?\s+(\S+)`)
)

// runGlpsol solves file with glpsol and reads its report and solution.
func runGlpsol(t *testing.T, bin, file string) glpsolResult {
	t.Helper()
	out, sol := file+".out", file+".sol"
	cmd := exec.Command(bin, "--lp", file, "-o", out, "-w", sol)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("glpsol %s: %v\n%s", file, err, b)
	}
	rep, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var r glpsolResult
	m := statusRe.FindSubmatch(rep)
	o := objectiveRe.FindSubmatch(rep)
	if m == nil || o == nil {
		t.Fatalf("glpsol report without status or objective:\n%s", rep)
	}
	r.status = string(m[1])
	f, err := strconv.ParseFloat(string(o[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	r.value = int64(f)
	s, err := os.ReadFile(sol)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(s))
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		switch {
		case len(fs) == 6 && fs[0] == "s" && fs[1] == "mip":
			r.exact, _ = strconv.ParseInt(fs[5], 10, 64)
		}
	}
	// Column activities by name from the report (the solution file
	// numbers columns in order of appearance).
	for _, m := range columnRe.FindAllSubmatch(rep, -1) {
		j, _ := strconv.Atoi(string(m[1]))
		for len(r.cols) <= j {
			r.cols = append(r.cols, false)
		}
		r.cols[j] = string(m[2]) == "1"
	}
	return r
}

// TestGlpsol compares Solve with glpsol on 40 random instances of 20 to
// 293 proposals written by WriteLP: generated plans (some with pins) and
// tighter random ones. Both must agree on the optimum, or both find no
// plan; glpsol's selection must pass the exact check of the model and be
// worth what it says (so the LP file states the same problem).
// glpsolCount is the number of instances compared.
var glpsolCount = 40

func TestGlpsol(t *testing.T) {
	bin := tooltest.Path(t, "glpsol", "glpk-utils")
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(2026, 12))
	infeasible := 0
	for k := 0; k < glpsolCount; k++ {
		n := 20 + 7*(k%40) + k/40*3
		var in Instance
		if k%2 == 0 {
			in = Generate(n, uint64(100+k))
			for j := range in.Proposals {
				switch rng.IntN(40) {
				case 0:
					in.Proposals[j].Pin = In
				case 1:
					in.Proposals[j].Pin = Out
				}
			}
		} else {
			in = randomSmall(rng, n, k%4 == 1)
		}
		file := filepath.Join(dir, fmt.Sprintf("i%02d.lp", k))
		f, err := os.Create(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteLP(f, in); err != nil {
			t.Fatal(err)
		}
		f.Close()
		g := runGlpsol(t, bin, file)
		sol, err := Solve(context.Background(), in, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if sol.Status == Infeasible {
			infeasible++
			if g.status != "INTEGER EMPTY" {
				t.Errorf("instance %d (n=%d): infeasible here, glpsol says %s %d", k, n, g.status, g.value)
			}
			continue
		}
		if g.status != "INTEGER OPTIMAL" {
			t.Fatalf("instance %d (n=%d): glpsol says %s", k, n, g.status)
		}
		if sol.Status != Optimal || sol.Value != g.value || sol.Value != g.exact {
			t.Errorf("instance %d (n=%d): %v %d, glpsol %d (%d)", k, n, sol.Status, sol.Value, g.value, g.exact)
		}
		md := newModel(&in)
		lo, hi := md.rowBounds()
		if len(g.cols) != n || !md.feasible(g.cols, lo, hi, md.pins()) || md.valueOf(g.cols) != g.exact {
			t.Errorf("instance %d: glpsol's selection is not a plan of the instance worth %d", k, g.exact)
		}
	}
	if infeasible > glpsolCount/4 {
		t.Errorf("%d of 40 instances infeasible", infeasible)
	}
	t.Logf("%d of %d infeasible", infeasible, glpsolCount)
}

// TestWriteLP checks the file itself: sections, variables, the names
// made from arbitrary keys (letters, digits and _ only, unique, short,
// the key kept in a comment), pins as equalities, and the rows divided
// by the gcd of their coefficients with the limit rounded inwards.
func TestWriteLP(t *testing.T) {
	long := strings.Repeat("Xã Ea Tu ", 20)
	in := Instance{
		Proposals: []Proposal{
			{ID: "DA 1/ệ", Value: 30, Cost: map[string]int64{"ngân sách": 20 * M, "other": 5}, Area: "CA1", Group: long},
			{ID: "DA-2", Value: 0, Cost: map[string]int64{"ngân sách": 30 * M}, Area: "CA1", Group: long + "!", Pin: In},
			{ID: "DA\n3", Value: 7, Cost: map[string]int64{"ngân sách": 10 * M}, Area: "CA 2", Pin: Out},
		},
		Budget:   map[string]int64{"ngân sách": 55_500_000},
		AreaMin:  map[string]int64{"CA1": 25_000_001},
		AreaMax:  map[string]int64{"CA1": 45_000_000, "CA 2": 0},
		GroupCap: 100 * M,
	}
	var buf bytes.Buffer
	if err := WriteLP(&buf, in); err != nil {
		t.Fatal(err)
	}
	lp := buf.String()
	for _, want := range []string{
		"Maximize\n obj: 30 x0 + 7 x2\n",
		"\\ budget_1_ng_n_s_ch: budget \"ngân sách\", in units of 10000000 (limit 55500000)\n budget_1_ng_n_s_ch: 2 x0 + 3 x1 + 1 x2 <= 5\n",
		"area_max_2_CA_2: 1 x2 <= 0\n",
		"\\ area_min_3_CA1: area minimum \"CA1\", in units of 10000000 (limit 25000001)\n area_min_3_CA1: 2 x0 + 3 x1 >= 3\n",
		"area_max_4_CA1: 2 x0 + 3 x1 <= 4\n",
		"pin_in_7_DA_2: 1 x1 = 1\n",
		"\\ pin_out_8_DA_3: pin out \"DA\\n3\"\n pin_out_8_DA_3: 1 x2 = 0\n",
		"Binary\n x0 x1 x2\nEnd\n",
	} {
		if !strings.Contains(lp, want) {
			t.Errorf("LP file lacks %q:\n%s", want, lp)
		}
	}
	names := regexp.MustCompile(`(?m)^ (\w+):`).FindAllStringSubmatch(lp, -1)
	seen := map[string]bool{}
	for _, m := range names {
		name := m[1]
		if len(name) > 64 || seen[name] || !regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`).MatchString(name) {
			t.Errorf("row name %q: too long, repeated or not an identifier", name)
		}
		seen[name] = true
	}
	if len(names) != 9 { // obj, budget, 3 area rows, 2 groups, 2 pins
		t.Errorf("%d named rows:\n%s", len(names), lp)
	}
	if !strings.Contains(lp, strconv.Quote(long)) {
		t.Error("the group's key is not kept in a comment")
	}
	// With B pinned in (30M), A would break the CA1 maximum (50M > 45M)
	// and C is pinned out: the optimum is B alone, worth 0.
	if sol, err := Solve(context.Background(), in, Options{}); err != nil || sol.Status != Optimal || sol.Value != 0 ||
		!sol.Selected[1] || sol.Selected[0] {
		t.Errorf("solve: %v %d %v %v", sol.Status, sol.Value, sol.Selected, err)
	}
	if bin, err := exec.LookPath("glpsol"); err == nil {
		file := filepath.Join(t.TempDir(), "w.lp")
		os.WriteFile(file, buf.Bytes(), 0o600)
		if g := runGlpsol(t, bin, file); g.status != "INTEGER OPTIMAL" || g.value != 0 || len(g.cols) != 3 || !g.cols[1] || g.cols[0] {
			t.Errorf("glpsol: %+v", g)
		}
	}
}
