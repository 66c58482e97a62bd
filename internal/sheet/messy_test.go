package sheet

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"khuyencong/internal/kc"
)

var update = flag.Bool("update", false, "rewrite testdata/messy.xlsx and testdata/messy-fixed.xlsx")

// messyHeader is the header row of the messy sample: abbreviations, unit
// hints, a row-number column and a column the import does not know.
var messyHeader = []any{"STT", "Tên cơ sở", "Loại hình", "Mã xã", "Xã", "Thôn/bản", "Chủ hộ", "SĐT", "CCCD",
	"Ngành nghề", "ĐKKD", "Ngày ĐKKD", "LĐ", "LĐ nữ", "DT (triệu đồng)", "Vốn (nghìn đồng)", "Làng nghề", "Ghi chú cũ"}

// messyRows builds the sample rows; fixed corrects the broken cells.
func messyRows(fixed bool) [][]any {
	pick := func(bad, good any) any {
		if fixed {
			return good
		}
		return bad
	}
	return [][]any{
		{"DANH SÁCH CƠ SỞ CÔNG NGHIỆP NÔNG THÔN HUYỆN ĐAKRÔNG NĂM 2024"},
		{"(Kèm theo Báo cáo số 15/BC-UBND ngày 10/01/2025)"},
		nil,
		messyHeader,
		// 5: Unicode, old commune name, money with dots in thousands đồng.
		{1, "Rượu men lá Đá Bàn", "Hộ kinh doanh", "", "Xã Ba Nang", "Bản Đá Bàn", "Hồ Văn Lợi", "0912 345 678", "045190000123",
			"Rượu men lá", "32A8000123", "05/01/2020", 4, 2, 250, "1.500.000", "có", "cũ"},
		// 6: TCVN3 text, an old commune code, an Excel serial date, decimal comma.
		{2, "§an gïi m©y A Bung", "Tổ hợp tác", 19576, "", "B¶n A Bung", "Hå V¨n Th¾ng", "+84 905.111.222", "",
			"§an gïi m©y", "", 43835, 7, 5, "1.200,5", "2,000,000", "x", ""},
		// 7: VNI text, another old commune, ISO date, unit word in the cell.
		{3, "Deät thoå caåm Taø Rui", "HTX", "", "Xã A Bung", "Thoân Taø Rui", "Hoà Thò Hoa", "0233.3852.123", "045 190 000 124",
			"Deät thoå caåm; Ñan laùt", "3200123456", "2019-07-15", 12, 10, "2,5 tỷ", 500, "không", ""},
		// 8: duplicate of row 5 (same name, same commune) — for the app layer.
		{4, "Rượu men lá Đá Bàn", "Hộ kinh doanh", "", "Xã Ba Nang", "Bản Đá Bàn", "Hồ Văn Lợi", "0912 345 999", "",
			"Rượu men lá", "", "", 3, 1, 120, "", "có", ""},
		nil,
		// 10: phone with letters, negative workers, an estimate.
		{5, "Mộc Tà Long", "Hộ kinh doanh", "", "Xã Tà Long", "Thôn Tà Long", "Hồ Văn Hùng", pick("09l2 345 679", "0912 345 679"), "",
			pick("Gỗ", "Mộc"), "", "15/3/21", pick(-3, 3), 0, pick("khoảng 50 triệu", 50), "", "", ""},
		// 11: a commune code that never existed, a 13-digit ID, 31 February.
		{6, "Chế biến măng rừng", "Hộ sản xuất chưa đăng ký", pick("99999", "19564"), "", "Thôn A Vao", "Hồ Thị Lan", "", pick("0451900001234", "045190000125"),
			"Chế biến nông sản", "", pick("31/02/2021", "28/02/2021"), 2, 2, "80", "", "", ""},
		// 12: enterprise, d/m/yy date, thousands in nghìn đồng.
		{7, "Cơ khí nhỏ Hướng Hiệp", "Doanh nghiệp", "19555", "Xã Hướng Hiệp", "Thôn Khe Van", "Lê Văn Tám", "0977-888-999", "",
			"Cơ khí nhỏ", "3201234567", "1/6/18", 9, 1, "1,234.5", "3.000", "", ""},
	}
}

// messyErrors are the cell errors Read must report for messy.xlsx.
var messyErrors = []string{
	"10:H:sheet.phone_letters", "10:M:sheet.negative", "10:O:sheet.approximate",
	"11:I:sheet.personal_id_length", "11:L:sheet.bad_date",
}

func messyWorkbook(t testing.TB, fixed bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Danh sách"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	for i, r := range messyRows(fixed) {
		if r == nil {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.MergeCell(sheet, "A1", "R1"); err != nil { // a merged title is fine
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGenerateMessy rewrites the sample workbooks with -update:
//
//	go test ./internal/sheet/ -run TestGenerateMessy -update
func TestGenerateMessy(t *testing.T) {
	if !*update {
		return // TestMessy checks that the files match what this would write
	}
	for name, fixed := range map[string]bool{"messy.xlsx": false, "messy-fixed.xlsx": true} {
		if err := os.WriteFile(filepath.Join("testdata", name), messyWorkbook(t, fixed), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMessy(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"messy.xlsx", messyErrors},
		{"messy-fixed.xlsx", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatalf("%v (generate it with -run TestGenerateMessy -update)", err)
			}
			tb, err := Read(bytes.NewReader(data), tt.file, DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if got := cellErrs(tb); !equal(got, tt.want) {
				t.Errorf("errors %v, want %v", got, tt.want)
			}
			if tb.Mapping.HeaderRow != 4 || len(tb.Rows) != 7 || tb.Sheet != "Danh sách" {
				t.Errorf("header row %d, %d rows, sheet %q", tb.Mapping.HeaderRow, len(tb.Rows), tb.Sheet)
			}
			if got := keys(tb.Warnings); !equal(got, []string{"sheet.unknown_column"}) {
				t.Errorf("warnings %v", got)
			}
			r := tb.Rows
			checks := []struct {
				name      string
				got, want any
			}{
				{"tcvn3 name", r[1].Text("name"), "Đan gùi mây A Bung"},
				{"tcvn3 village", r[1].Text("village"), "Bản A Bung"},
				{"tcvn3 owner", r[1].Text("owner_name"), "Hồ Văn Thắng"},
				{"tcvn3 trades", r[1].List("trades"), []string{"Đan gùi mây"}},
				{"vni name", r[2].Text("name"), "Dệt thổ cẩm Tà Rui"},
				{"vni owner", r[2].Text("owner_name"), "Hồ Thị Hoa"},
				{"vni trades", r[2].List("trades"), []string{"Dệt thổ cẩm", "Đan lát"}},
				{"old commune code", r[1].Text("commune_code"), "19576"},
				{"old commune name", r[2].Text("commune"), "Xã A Bung"},
				{"serial date", r[1].Date("registration_date"), kc.NewDate(2020, 1, 5)},
				{"iso date", r[2].Date("registration_date"), kc.NewDate(2019, 7, 15)},
				{"short date", r[4].Date("registration_date"), kc.NewDate(2021, 3, 15)},
				{"revenue triệu", r[0].Value("revenue"), int64(250_000_000)},
				{"revenue decimal comma", r[1].Value("revenue"), int64(1_200_500_000)},
				{"revenue tỷ in cell", r[2].Value("revenue"), int64(2_500_000_000)},
				{"revenue decimal point", r[6].Value("revenue"), int64(1_234_500_000)},
				{"capital dots", r[0].Value("capital"), int64(1_500_000_000)},
				{"capital commas", r[1].Value("capital"), int64(2_000_000_000)},
				{"capital 3.000 nghìn", r[6].Value("capital"), int64(3_000_000)},
				{"phone +84", r[1].Text("phone"), "0905111222"},
				{"landline", r[2].Text("phone"), "02333852123"},
				{"kind label", r[5].Text("kind"), "household"},
				{"kind HTX", r[2].Text("kind"), "cooperative"},
				{"line of last row", r[6].Line, 12},
			}
			for _, c := range checks {
				if !equalAny(c.got, c.want) {
					t.Errorf("%s: got %#v, want %#v", c.name, c.got, c.want)
				}
			}
			// The generator still produces the same workbook content.
			fresh, err := Read(bytes.NewReader(messyWorkbook(t, tt.file == "messy-fixed.xlsx")), tt.file, DefaultLimits)
			if err != nil || !equal(cellErrs(fresh), tt.want) {
				t.Errorf("regenerated workbook differs: %v %v", err, cellErrs(fresh))
			}
		})
	}
}

func equalAny(a, b any) bool {
	if la, ok := a.([]string); ok {
		lb, ok := b.([]string)
		return ok && equal(la, lb)
	}
	return a == b
}
