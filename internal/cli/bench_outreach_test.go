package cli

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/tooltest"
	"khuyencong/internal/vi"
)

// TestBenchOutreach runs the outreach benchmark on the district demo, with
// limits that leave places out: the area's establishments must be the
// demo's, attended no more than reached; the planner's figures must be
// those `outreach plan` gives for the same input; glpsol's optimum must be
// at least the planner's and the gap printed must be theirs. Bad flags
// are refused.
func TestBenchOutreach(t *testing.T) {
	tooltest.Path(t, "glpsol", "glpk-utils") // the outreach benchmark needs it
	eachAccountDB(t, func(t *testing.T, db string) {
		env := map[string]string{"KHUYENCONG_SECRET": "bench-outreach-test-secret-0123456789-abcdef"}
		if code, _, errOut := run(t, env, "demo", "--db", db); code != 0 {
			t.Fatalf("demo: exit %d: %s", code, errOut)
		}
		limits := []string{"--unit", "44", "--staff-days", "6", "--budget", "12.000.000", "--from", "2027-01-04", "--to", "2027-01-15"}
		code, out, errOut := run(t, env, append([]string{"bench", "outreach", "--db", db, "--runs", "1", "--as", "canbo.tinh"}, limits...)...)
		if code != 0 {
			t.Fatalf("bench outreach: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
		}
		t.Logf("bench outreach:\n%s", out)
		code, js, errOut := run(t, env, append([]string{"outreach", "plan", "--db", db, "--format", "json", "--as", "canbo.tinh"}, limits...)...)
		if code != 0 {
			t.Fatalf("outreach plan: exit %d: %s", code, errOut)
		}
		var v app.OutreachPlanView
		if err := json.Unmarshal([]byte(js), &v); err != nil {
			t.Fatal(err)
		}
		if len(v.LeftOut) == 0 {
			t.Fatalf("the limits leave nothing out: %+v", v)
		}
		ours := tc("benchoutreach.plan.reached", v.Reached, vi.FormatVND(v.Cost), app.StaffDaysText(v.HalfDays), v.TripDays, len(v.Sessions))
		if !strings.Contains(out, ours) {
			t.Errorf("the benchmark does not print the plan of `outreach plan`: %q", ours)
		}
		area := regexp.MustCompile(`khớp ở cả (\d+) xã \((\d+) cơ sở\)\. Tiếp cận trong 12 tháng: (\d+) theo ứng dụng .*?, (\d+) có tên`).FindStringSubmatch(out)
		if area == nil {
			t.Fatalf("no area check line:\n%s", out)
		}
		n := func(s string) int { x, _ := strconv.Atoi(s); return x }
		if n(area[1]) != 78 || n(area[2]) != 276 || n(area[4]) > n(area[3]) || n(area[4]) == 0 {
			t.Errorf("area figures %v: want 78 communes, 276 establishments, 0 < attended ≤ reached", area[1:])
		}
		opt := regexp.MustCompile(`glpsol \(tối ưu có chứng minh\): tiếp cận dự kiến (\d+) cơ sở`).FindStringSubmatch(out)
		if opt == nil {
			t.Fatalf("no optimum line:\n%s", out)
		}
		g := n(opt[1])
		if g < v.Reached || g == 0 {
			t.Errorf("optimum %d under the plan's %d", g, v.Reached)
		}
		gap := tc("benchoutreach.plan.gap", strings.Replace(fmt.Sprintf("%.1f", 100*float64(g-v.Reached)/float64(g)), ".", ",", 1), g-v.Reached)
		if !strings.Contains(out, gap) {
			t.Errorf("the gap line is not %q:\n%s", gap, out)
		}
		for _, row := range []string{"benchoutreach.area.app", "benchoutreach.area.raw", "benchoutreach.plan.app", "benchoutreach.plan.make", "benchoutreach.plan.glpsol"} {
			if !regexp.MustCompile(`(?m)^\| ` + regexp.QuoteMeta(tc(row)) + ` \| \d+\.\d ms \| \d+\.\d ms \|$`).MatchString(out) {
				t.Errorf("no timing row %q:\n%s", tc(row), out)
			}
		}
		if strings.Contains(out, "benchoutreach.") || strings.Contains(out, "%!") {
			t.Errorf("unrendered text:\n%s", out)
		}

		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"--unit", "44", "--staff-days", "0"}, "--staff-days:"},
			{[]string{"--unit", "44", "--runs", "0"}, "--runs"},
			{[]string{"--unit", "44", "--glpsol", "/nonexistent/glpsol"}, "glpk-utils"},
		} {
			code, _, errOut := run(t, env, append([]string{"bench", "outreach", "--db", db}, c.args...)...)
			if code == 0 || !strings.Contains(errOut, c.want) {
				t.Errorf("bench outreach %v: exit %d, %q; want a message with %q", c.args, code, errOut, c.want)
			}
		}
	})
}
