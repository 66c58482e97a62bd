package outreach

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"khuyencong/internal/tooltest"
)

// solveLP writes req with WriteLP, solves it with glpsol and reads the
// report.
func solveLP(t *testing.T, bin, dir string, k int, req Request) LPResult {
	t.Helper()
	file := filepath.Join(dir, fmt.Sprintf("o%03d.lp", k))
	var buf bytes.Buffer
	if err := WriteLP(&buf, req); err != nil {
		t.Fatalf("instance %d: WriteLP: %v", k, err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out := file + ".out"
	if b, err := exec.Command(bin, "--lp", file, "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("instance %d: glpsol: %v\n%s\n%s", k, err, b, buf.String())
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := ReadGLPKReport(f, len(req.Villages))
	if err != nil {
		t.Fatalf("instance %d: %v", k, err)
	}
	return res
}

// lpRequest is a random instance of 5 to 40 villages in 1 to 6 communes:
// randomRequest's villages and limits, with some villages without one
// (commune-level producers) and a budget scaled to the instance so that
// every limit binds in some instances.
func lpRequest(r *rand.Rand) Request {
	n, c := 5+r.IntN(36), 1+r.IntN(6)
	req := randomRequest(r, n, c)
	// Producers with no village recorded, at most one place per commune.
	none := map[int64]bool{}
	for i, v := range req.Villages {
		if r.IntN(8) == 0 && !none[v.CommuneID] {
			req.Villages[i].Village = ""
			none[v.CommuneID] = true
		}
	}
	if r.IntN(2) == 0 {
		req.Budget = int64(r.IntN(4*n+1)) * 500_000
		req.StaffDays = 1 + r.IntN(2*n)
	}
	return req
}

// TestPlanAgainstGLPK compares the planner with the exact optimum glpsol
// finds for the integer program WriteLP writes, on 200 random instances:
// glpsol must prove its optimum, its selection must be a plan of the
// instance worth what it says (so the file states the planner's
// problem), the planner must stay within the limits, never beat the
// optimum (it would mean the file is stricter than the planner) and reach
// at least 90 % of it.
func TestPlanAgainstGLPK(t *testing.T) {
	bin := tooltest.Path(t, "glpsol", "glpk-utils")
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(7, 2026))
	const count = 200
	worst, sum := 1.0, 0.0
	equal, compared, binding := 0, 0, 0
	for k := 0; k < count; k++ {
		req := lpRequest(r)
		p := mustMake(t, req)
		checkPlan(t, req, p)
		g := solveLP(t, bin, dir, k, req)
		if !g.Optimal() {
			t.Fatalf("instance %d: glpsol says %s", k, g.Status)
		}
		u := Evaluate(req, g.Chosen)
		if !u.Fits(req) || u.Reached != g.Reached {
			t.Fatalf("instance %d: glpsol's selection %+v (worth %d) is not a plan of the instance (budget %d, half days %d, working days %d)",
				k, u, g.Reached, req.Budget, req.HalfDayLimit(), len(req.WorkingDays()))
		}
		if p.Reached > g.Reached {
			t.Fatalf("instance %d: the planner reaches %d, above glpsol's optimum %d", k, p.Reached, g.Reached)
		}
		ratio := 1.0
		if g.Reached > 0 {
			ratio = float64(p.Reached) / float64(g.Reached)
			compared++
		}
		if ratio < 0.9 {
			t.Errorf("instance %d (%d villages): the planner reaches %d, under 90 %% of the optimum %d", k, len(req.Villages), p.Reached, g.Reached)
		}
		if p.Reached == g.Reached {
			equal++
		}
		all := make([]bool, len(req.Villages))
		for i := range all {
			all[i] = true
		}
		if Evaluate(req, all).Reached > g.Reached {
			binding++ // the limits keep some place out
		}
		worst = min(worst, ratio)
		sum += ratio
	}
	if compared < count/2 || binding < count/2 {
		t.Errorf("only %d of %d instances have anything to reach, %d where the limits bind", compared, count, binding)
	}
	t.Logf("%d instances (%d where the limits bind): planner/optimum worst %.3f, mean %.4f; optimum reached in %d",
		count, binding, worst, sum/count, equal)
}

// TestWriteLP checks the file on a small instance: the options Choose
// gives (a village with nobody to reach has none), trip days bounded per
// commune, money in units of the gcd with the limit rounded down, and
// glpsol's answer.
func TestWriteLP(t *testing.T) {
	req := request(3_050_000, 3,
		village(1, "Ba Nang", 16, 14, 2, 3),  // meeting, 9 reached, 1,2 M
		village(1, "Khe Sanh", 30, 10, 2, 8), // group message, 4 reached, no trip
		village(2, "Tà Lang", 6, 4, 0, 1),    // door to door, 3 reached, 80 000
		village(2, "Khóm 1", 80, 0, 0, 0),    // nobody to reach
	)
	var buf bytes.Buffer
	if err := WriteLP(&buf, req); err != nil {
		t.Fatal(err)
	}
	lp := buf.String()
	for _, want := range []string{
		"Maximize\n obj: 9 x0 + 4 x1 + 3 x2\n",
		// 1 200 000, 100 000, 80 000 and two trips of 600 000: gcd 20 000.
		"\\ budget: budget in đồng (sessions + travel), in units of 20000 (limit 3050000)\n budget: 60 x0 + 5 x1 + 4 x2 + 30 y0 + 30 y1 <= 152\n",
		" staff: 2 x0 + 1 x1 + 2 x2 <= 6\n",
		" days: 1 y0 + 1 y1 <= 64\n",
		" trip_0: 2 y0 - 1 x0 >= 0\n",
		" trip_1: 2 y1 - 1 x2 >= 0\n",
		"Bounds\n 0 <= y0 <= 1\n 0 <= y1 <= 1\nGeneral\n y0 y1\nBinary\n x0 x1 x2\nEnd\n",
	} {
		if !strings.Contains(lp, want) {
			t.Errorf("LP file lacks %q:\n%s", want, lp)
		}
	}
	if strings.Contains(lp, "x3") {
		t.Errorf("the village with nobody to reach has a variable:\n%s", lp)
	}
	// Everything fits: 2 580 000 đồng of 3 050 000, 5 half days of 6.
	if err := WriteLP(&bytes.Buffer{}, Request{}); err == nil {
		t.Error("WriteLP accepts an invalid request")
	}
	bin, err := exec.LookPath("glpsol")
	if err != nil {
		return
	}
	g := solveLP(t, bin, t.TempDir(), 0, req)
	if !g.Optimal() || g.Reached != 16 || !g.Chosen[0] || !g.Chosen[1] || !g.Chosen[2] || g.Chosen[3] {
		t.Errorf("glpsol: %+v", g)
	}
	if p := mustMake(t, req); p.Reached != 16 {
		t.Errorf("planner reaches %d, want 16", p.Reached)
	}
	// An instance with nothing to reach is still a valid file.
	empty := request(1_000_000, 1, village(1, "Khóm 1", 80, 0, 0, 0))
	if g := solveLP(t, bin, t.TempDir(), 1, empty); !g.Optimal() || g.Reached != 0 {
		t.Errorf("glpsol on an empty instance: %+v", g)
	}
}
