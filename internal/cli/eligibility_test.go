package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"khuyencong/internal/api"
)

// TestEligibilityCommands loads the district demo, checks the household
// rice-wine brewer of the former Ba Nang commune with `eligibility check`
// (text and JSON) and screens its commune with `screen`, and checks the
// messages of bad input.
func TestEligibilityCommands(t *testing.T) {
	eachAccountDB(t, func(t *testing.T, db string) {
		env := map[string]string{"KHUYENCONG_SECRET": "eligibility-test-secret-0123456789-abcdef"}
		if code, _, errOut := run(t, env, "demo", "--db", db); code != 0 {
			t.Fatalf("demo: exit %d: %s", code, errOut)
		}
		var id int64
		var workers int
		err := rawDB(t, db).QueryRow(`SELECT e.id, e.latest_workers FROM establishment e
			JOIN establishment_trade et ON et.establishment_id = e.id AND et.is_primary
			JOIN trade t ON t.id = et.trade_id
			WHERE t.code = 'RUOU_MEN_LA' AND e.kind = 'household_business' AND e.village = 'Bản Đá Bàn'
				AND e.notes LIKE '%Ba Nang%' AND e.latest_workers BETWEEN 3 AND 9 ORDER BY e.id LIMIT 1`).Scan(&id, &workers)
		if err != nil {
			t.Fatalf("the Ba Nang brewer: %v", err)
		}
		check := func(args ...string) string {
			t.Helper()
			code, out, errOut := run(t, env, append([]string{"eligibility", "check", "--db", db, "--establishment", fmt.Sprint(id)}, args...)...)
			if code != 0 {
				t.Fatalf("check %v: exit %d: %s", args, code, errOut)
			}
			return out
		}
		out := check("--scheme", "MAY_MOC_TIEN_TIEN")
		for _, want := range []string{
			"Cơ sở nấu rượu men lá", "Xã Đakrông", "Bản Đá Bàn",
			"Kết quả: CHƯA ĐỦ ĐIỀU KIỆN",
			fmt.Sprintf("✗ Số lao động từ 10 trở lên (tiêu chí xét chọn, cần xác minh) — thực tế: %d; yêu cầu: ≥ 10; thiếu %d lao động", workers, 10-workers),
			"✓ Cơ sở có đăng ký kinh doanh",
			"Hỗ trợ tối đa: 300.000.000 ₫",
			"Điểm ưu tiên:",
			"Hỗ trợ máy móc, thiết bị cho hộ và cơ sở nhỏ (ví dụ) (QT_VD_MAY_MOC)",
			"Gợi ý liên kết thành tổ hợp tác",
			"— cơ sở đang kiểm tra",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		// A named neighbour: a member line of a group that is not the brewer.
		member := regexp.MustCompile(`(?m)^    • (.+) \(mã (\d+)\), (Xã [^,]+), (\d+) lao động`)
		neighbours := 0
		for _, m := range member.FindAllStringSubmatch(out, -1) {
			if m[2] != fmt.Sprint(id) {
				neighbours++
			}
		}
		if neighbours == 0 {
			t.Errorf("no named neighbour in the group suggestions:\n%s", out)
		}
		out = check("--scheme", "QT_VD_MAY_MOC", "--cost", "150000000")
		for _, want := range []string{"Kết quả: ĐỦ ĐIỀU KIỆN", "CHÍNH SÁCH VÍ DỤ", "[cần xác minh]", "50 % × 150.000.000 ₫ = 75.000.000 ₫", "Hỗ trợ tối đa: 75.000.000 ₫"} {
			if !strings.Contains(out, want) {
				t.Errorf("provincial output lacks %q:\n%s", want, out)
			}
		}
		out = check("--scheme", "MAY_MOC_TIEN_TIEN", "--on", "2018-05-10", "--json")
		var rep api.CheckResponse
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("--json: %v\n%s", err, out)
		}
		if rep.On != "2018-05-10" || len(rep.Results) != 1 || rep.Results[0].Scheme.Version != 1 || rep.Establishment == nil || rep.Establishment.ID != id {
			t.Errorf("json = %+v", rep)
		}
		if code, _, errOut := run(t, env, "eligibility", "check", "--db", db, "--establishment", fmt.Sprint(id), "--as", "canbo.dakrong"); code != 0 {
			t.Errorf("as the commune's officer: exit %d: %s", code, errOut)
		}
		bad := []struct {
			name   string
			args   []string
			stderr string
		}{
			{"no establishment", []string{"eligibility", "check"}, "--establishment"},
			{"bad day", []string{"eligibility", "check", "--establishment", fmt.Sprint(id), "--on", "10/05/2018"}, "10/05/2018"},
			{"unknown scheme", []string{"eligibility", "check", "--establishment", fmt.Sprint(id), "--scheme", "KHONG_CO"}, "KHONG_CO"},
			{"negative cost", []string{"eligibility", "check", "--establishment", fmt.Sprint(id), "--cost", "-5"}, "cost"},
			{"another commune's officer", []string{"eligibility", "check", "--establishment", fmt.Sprint(id), "--as", "canbo.lalay"}, "Không tìm thấy"},
			{"unknown account", []string{"eligibility", "check", "--establishment", fmt.Sprint(id), "--as", "ai.do"}, "ai.do"},
			{"screen to a csv", []string{"screen", "--out", filepath.Join(t.TempDir(), "x.csv")}, ".xlsx"},
			{"screen an unknown unit", []string{"screen", "--unit", "00000"}, "00000"},
		}
		for _, c := range bad {
			t.Run(c.name, func(t *testing.T) {
				code, _, errOut := run(t, env, append(c.args, "--db", db)...)
				if code != 1 || !strings.Contains(errOut, c.stderr) {
					t.Errorf("exit %d, stderr %q, want 1 and %q", code, errOut, c.stderr)
				}
			})
		}
		xlsx := filepath.Join(t.TempDir(), "sang-loc.xlsx")
		code, out, errOut := run(t, env, "screen", "--db", db, "--unit", "19564", "--margin", "30", "--out", xlsx)
		if code != 0 {
			t.Fatalf("screen: exit %d: %s", code, errOut)
		}
		for _, want := range []string{"Sàng lọc ", "Ứng dụng máy móc tiên tiến, chuyển giao công nghệ (MAY_MOC_TIEN_TIEN): đủ ", "tiêu chí không đạt nhiều nhất: Số lao động từ 10 trở lên",
			"Gần đủ điều kiện (thiếu không quá 30% ở một tiêu chí số)", "Đã ghi kết quả vào " + xlsx} {
			if !strings.Contains(out, want) {
				t.Errorf("screen output lacks %q:\n%s", want, out)
			}
		}
		f, err := excelize.OpenFile(xlsx)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if sheets := f.GetSheetList(); len(sheets) != 3 || sheets[0] != "Tổng hợp" {
			t.Errorf("sheets %v", sheets)
		}
		if matches, _ := filepath.Glob(filepath.Join(filepath.Dir(xlsx), ".*.tmp")); len(matches) != 0 {
			t.Errorf("temporary files left: %v", matches)
		}
		if _, err := os.Stat(xlsx); err != nil {
			t.Error(err)
		}
	})
}
