package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"khuyencong/internal/app"
)

// TestOutreachPlan plans the next quarter of the demo province from the
// command line, in text and JSON, saves it as a campaign as the Đakrông
// officer, and refuses bad input with a message naming the flag.
func TestOutreachPlan(t *testing.T) {
	eachAccountDB(t, func(t *testing.T, db string) {
		env := map[string]string{"KHUYENCONG_SECRET": "outreach-plan-test-secret-0123456789-abcdef"}
		if code, _, errOut := run(t, env, "demo", "--db", db); code != 0 {
			t.Fatalf("demo: exit %d: %s", code, errOut)
		}
		args := []string{"outreach", "plan", "--db", db, "--unit", "44", "--staff-days", "20", "--budget", "30.000.000"}
		code, out, errOut := run(t, env, args...)
		if code != 0 {
			t.Fatalf("plan: exit %d: %s", code, errOut)
		}
		for _, key := range []string{"outreachplan.cli.sessions", "outreachplan.cli.trips", "outreachplan.cli.explain", "outreachplan.cli.compare"} {
			if !strings.Contains(out, tc(key)) {
				t.Errorf("the text lacks %s:\n%s", key, out)
			}
		}
		baselineHead, _, _ := strings.Cut(tc("outreachplan.baseline"), ":")
		if !strings.Contains(out, baselineHead) || strings.Contains(out, "outreachplan.") || strings.Contains(out, "%!") {
			t.Errorf("the text lacks the comparison or has unrendered parts:\n%s", out)
		}
		t.Logf("outreach plan:\n%s", out)

		code, js, errOut := run(t, env, append(args, "--format", "json", "--from", "01/01/2027", "--to", "2027-03-31")...)
		if code != 0 {
			t.Fatalf("plan json: exit %d: %s", code, errOut)
		}
		var v app.OutreachPlanView
		if err := json.Unmarshal([]byte(js), &v); err != nil {
			t.Fatalf("json: %v\n%s", err, js)
		}
		if len(v.Sessions) == 0 || v.Cost > 30_000_000 || v.HalfDays > 40 || v.From.String() != "2027-01-01" ||
			v.Baseline.Sessions != len(v.Sessions) || v.Reached < v.Baseline.Reached || v.Sessions[0].Reason == "" {
			t.Errorf("json plan: %+v", v)
		}

		code, _, errOut = run(t, env, "outreach", "plan", "--db", db, "--staff-days", "5", "--budget", "10000000",
			"--as", "canbo.dakrong", "--save", "Tuyên truyền quý tới")
		savedHead, _, _ := strings.Cut(tc("outreachplan.cli.saved"), "%d")
		if code != 0 || !strings.Contains(errOut, savedHead) || !strings.Contains(errOut, "«Tuyên truyền quý tới»") {
			t.Fatalf("save: exit %d: %s", code, errOut)
		}

		for _, c := range []struct {
			args []string
			flag string
		}{
			{[]string{"--unit", "44", "--staff-days", "0", "--budget", "1000000"}, "--staff-days"},
			{[]string{"--unit", "44", "--budget", "1000000"}, "--staff-days"},
			{[]string{"--unit", "44", "--staff-days", "hai", "--budget", "1000000"}, "--staff-days"},
			{[]string{"--unit", "44", "--staff-days", "3", "--budget", "-5"}, "--budget"},
			{[]string{"--unit", "44", "--staff-days", "3", "--from", "31/02/2027", "--to", "31/03/2027"}, "--from"},
			{[]string{"--unit", "44", "--staff-days", "3", "--from", "01/03/2027", "--to", "01/02/2027"}, "--to"},
			{[]string{"--unit", "44", "--staff-days", "3", "--format", "xml"}, "--format"},
			{[]string{"--unit", "44", "--staff-days", "3", "--save", " "}, "--save"},
		} {
			code, _, errOut := run(t, env, append([]string{"outreach", "plan", "--db", db}, c.args...)...)
			if code == 0 || !strings.Contains(errOut, c.flag+":") {
				t.Errorf("plan %v: exit %d, %q; want a message naming %s", c.args, code, errOut, c.flag)
			}
		}
	})
}
