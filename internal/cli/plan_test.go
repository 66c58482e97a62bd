package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"khuyencong/internal/api"
	"khuyencong/internal/tooltest"
)

// number reads a Vietnamese-grouped integer ("2.304").
func number(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(strings.ReplaceAll(s, ".", ""), 10, 64)
	if err != nil {
		t.Fatalf("number %q: %v", s, err)
	}
	return n
}

// TestPlanOptimizeCommand loads the district demo and runs `plan optimize`
// on its 2027 plan: the text output (optimum beside greedy, binding
// limits, rejections, marginals), the JSON output, the LP file solved by
// glpsol to the same objective, an infeasible plan (exit 3 with the
// conflicts) and the messages of bad input.
func TestPlanOptimizeCommand(t *testing.T) {
	eachAccountDB(t, func(t *testing.T, db string) {
		env := map[string]string{"KHUYENCONG_SECRET": "plan-test-secret-0123456789-abcdefghij"}
		if code, _, errOut := run(t, env, "demo", "--db", db); code != 0 {
			t.Fatalf("demo: exit %d: %s", code, errOut)
		}
		lp := filepath.Join(t.TempDir(), "plan.lp")
		code, out, errOut := run(t, env, "plan", "optimize", "--year", "2027", "--db", db, "--lp", lp)
		if code != 0 {
			t.Fatalf("exit %d: %s\n%s", code, errOut, out)
		}
		for _, want := range []string{
			"Kế hoạch khuyến công năm 2027 — Tỉnh Quảng Trị (mã 44)",
			"Điểm = 1 × điểm thẩm định bình quân (0–100) + 5 × số việc làm dự kiến + 2 × điểm ưu tiên",
			"Kinh phí còn lại để chọn: nguồn trung ương",
			"Phương án tối ưu (đã chứng minh tối ưu;",
			"Phương án «điểm cao chọn trước khi còn tiền»:",
			"Theo nguồn: nguồn trung ương",
			"So với phương án «điểm cao chọn trước»: tổng điểm +",
			"Giới hạn đang chặn:\n  - Kinh phí nguồn",
			"Đề xuất không được chọn và lý do:\n  - DK-2027-",
			"Nếu có thêm kinh phí:\n  - Thêm 1.000.000 ₫ cho nguồn trung ương",
			"Đã ghi bài toán dạng LP vào " + lp,
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		totals := regexp.MustCompile(`(?m)^  (\d+) đề án, ([\d.]+) điểm, ([\d.]+) việc làm dự kiến`).FindAllStringSubmatch(out, -1)
		if len(totals) != 2 {
			t.Fatalf("totals %q", totals)
		}
		optimum, greedy := number(t, totals[0][2]), number(t, totals[1][2])
		if optimum <= greedy {
			t.Errorf("optimum %d, greedy %d", optimum, greedy)
		}
		t.Logf("demo 2027: optimum %d points (%s projects, %s jobs), greedy %d points (%s projects, %s jobs)",
			optimum, totals[0][1], totals[0][3], greedy, totals[1][1], totals[1][3])

		t.Run("json", func(t *testing.T) {
			code, out, errOut := run(t, env, "plan", "optimize", "--year", "2027", "--unit", "44", "--json", "--db", db)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var res api.OptimizeResponse
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if res.Status != "optimal" || res.Optimal.Score != optimum || res.Greedy.Score != greedy || res.Bound != optimum ||
				len(res.Binding) == 0 || len(res.Rejected)+len(res.Optimal.Picks) < 30 || len(res.Marginals) != 3 {
				t.Errorf("response %+v", res)
			}
		})
		t.Run("glpsol solves the LP file to the same objective", func(t *testing.T) {
			glpsol := tooltest.Path(t, "glpsol", "glpk-utils")
			sol := filepath.Join(t.TempDir(), "plan.sol")
			b, err := exec.CommandContext(t.Context(), glpsol, "--lp", lp, "-o", sol).CombinedOutput()
			if err != nil {
				t.Fatalf("glpsol: %v\n%s", err, b)
			}
			report, err := os.ReadFile(sol)
			if err != nil {
				t.Fatal(err)
			}
			m := regexp.MustCompile(`Objective:\s+\S+ = (\d+) \(MAXimum\)`).FindSubmatch(report)
			if m == nil {
				t.Fatalf("no objective in\n%s", report)
			}
			if got := number(t, string(m[1])); got != optimum {
				t.Errorf("glpsol objective %d, ours %d", got, optimum)
			}
		})
		t.Run("weights and a share per commune", func(t *testing.T) {
			code, out, errOut := run(t, env, "plan", "optimize", "--year", "2027", "--db", db, "--weights", "appraisal=0,jobs=1,priority=0", "--share", "30")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, want := range []string{"Điểm = 0 × điểm thẩm định bình quân (0–100) + 1 × số việc làm dự kiến + 0 × điểm ưu tiên", "Mỗi xã tối đa: ", "(30 % tổng kinh phí còn lại)"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
		bad := []struct {
			name   string
			args   []string
			code   int
			stderr string
		}{
			{"no year", []string{"plan", "optimize"}, 1, "--year: Hãy cho biết năm kế hoạch (--year)."},
			{"no plan that year", []string{"plan", "optimize", "--year", "2030"}, 1, "Chưa có kế hoạch khuyến công năm 2030 trong phạm vi được giao."},
			{"unknown unit", []string{"plan", "optimize", "--year", "2027", "--unit", "99999"}, 1, "unit: Không có tỉnh hoặc xã nào đang có hiệu lực mang mã «99999»."},
			{"no plan for that unit", []string{"plan", "optimize", "--year", "2027", "--unit", "19564"}, 1, "Chưa có kế hoạch khuyến công năm 2027 của Xã Đakrông."},
			{"bad weights", []string{"plan", "optimize", "--year", "2027", "--weights", "jobs=many"}, 1, "--weights: Trọng số «jobs=many» không hợp lệ"},
			{"negative weight", []string{"plan", "optimize", "--year", "2027", "--weights", "jobs=-1"}, 1, "w_jobs: Trọng số phải là số nguyên không âm (đã nhập -1)."},
			{"bad share", []string{"plan", "optimize", "--year", "2027", "--share", "120"}, 1, "--share: Tỷ lệ «120» không hợp lệ"},
			{"a commune officer does not see the province's plan", []string{"plan", "optimize", "--year", "2027", "--unit", "44", "--as", "canbo.dakrong"}, 1, "Không tìm thấy"},
		}
		for _, c := range bad {
			t.Run(c.name, func(t *testing.T) {
				code, out, errOut := run(t, env, append(c.args, "--db", db)...)
				if code != c.code || !strings.Contains(errOut, c.stderr) {
					t.Errorf("exit %d, stderr %q; want %d and %q\n%s", code, errOut, c.code, c.stderr, out)
				}
			})
		}
		t.Run("every proposal pinned in: infeasible, exit 3, conflicts in words", func(t *testing.T) {
			raw := rawDB(t, db)
			var planID int64
			if err := raw.QueryRow(`SELECT p.id FROM plan p JOIN unit u ON u.id = p.unit_id WHERE p.year = 2027 AND u.code = '44'`).Scan(&planID); err != nil {
				t.Fatal(err)
			}
			if _, err := raw.Exec(`INSERT INTO plan_candidate (plan_id, project_id, pinned) SELECT ` + strconv.FormatInt(planID, 10) +
				`, id, 'in' FROM project WHERE year = 2027 AND code LIKE 'DK-2027-%'`); err != nil {
				t.Fatal(err)
			}
			code, out, errOut := run(t, env, "plan", "optimize", "--year", "2027", "--db", db)
			if code != 3 || !strings.Contains(errOut, "Không có phương án nào thỏa mãn mọi giới hạn.") {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			for _, want := range []string{"Các điều kiện mâu thuẫn:", "  - Không có phương án nào thỏa mãn cùng lúc các điều kiện sau", "  - kinh phí nguồn", "được chỉ định chọn (cần nguồn"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	})
}
