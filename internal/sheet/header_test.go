package sheet

import (
	"testing"

	"khuyencong/internal/kc"
)

func TestMatchHeaders(t *testing.T) {
	tests := []struct {
		header string
		key    string // "" for no match
		mult   int64
	}{
		{"Tên cơ sở", "name", 1},
		{"TÊN CƠ SỞ", "name", 1},
		{"ten co so", "name", 1},
		{"  Tên   cơ sở : ", "name", 1},
		{"Tên cơ sở *", "name", 1},
		{"Tên cơ sở", "name", 1},
		{"DT (triệu đồng)", "revenue", 1_000_000},
		{"Doanh thu (tr.đ)", "revenue", 1_000_000},
		{"Doanh thu (trđ)", "revenue", 1_000_000},
		{"Doanh thu (Tr.đồng)", "revenue", 1_000_000},
		{"Vốn (nghìn đồng)", "capital", 1_000},
		{"Vốn (ngàn đồng)", "capital", 1_000},
		{"Vốn (1000đ)", "capital", 1_000},
		{"Vốn (đồng)", "capital", 1},
		{"Vốn (tỷ đồng)", "capital", 1_000_000_000},
		{"Doanh thu", "revenue", 1},
		{"Doanh thu (đồng)", "revenue", 1},
		{"Thu nhập bình quân (triệu đồng/người/tháng)", "avg_income", 1_000_000},
		{"LĐ", "workers", 1},
		{"Số LĐ", "workers", 1},
		{"LĐ nữ", "women_workers", 1},
		{"Lao động DTTS", "ethnic_minority_workers", 1},
		{"SĐT", "phone", 1},
		{"SDT", "phone", 1},
		{"ĐT", "phone", 1},
		{"DT", "revenue", 1},
		{"ĐKKD", "registration_no", 1},
		{"Ngày ĐKKD", "registration_date", 1},
		{"CCCD", "personal_id", 1},
		{"Số CCCD", "personal_id", 1},
		{"Chủ là người DTTS", "ethnic_minority_owned", 1},
		{"Xã/phường", "commune", 1},
		{"Xã", "commune", 1},
		{"Mã xã", "commune_code", 1},
		{"Tªn c¬ së", "name", 1},
		{"Teân cô sôû", "name", 1},
		{"Doanh thu (triÖu ®ång)", "revenue", 1_000_000},
		{"Màu sơn", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			m, _ := MatchHeaders([]string{"Loại hình", "Tên", tt.header})
			if tt.key == "" {
				if len(m.Fields) != 2 || len(m.Warnings) != 1 || m.Warnings[0].Key != "sheet.unknown_column" {
					t.Fatalf("fields %v warnings %v", m.Fields, m.Warnings)
				}
				return
			}
			var f Field
			var ok bool
			if tt.key == "name" {
				m, _ = MatchHeaders([]string{"Loại hình", tt.header})
			}
			f, ok = m.Field(tt.key)
			if !ok {
				t.Fatalf("no field %s in %+v", tt.key, m.Fields)
			}
			if f.Header == "" || f.Multiplier != tt.mult {
				t.Errorf("got %+v, want multiplier %d", f, tt.mult)
			}
		})
	}
}

func TestMatchHeadersProblems(t *testing.T) {
	tests := []struct {
		name     string
		cells    []string
		errs     []string
		warnings []string
	}{
		{"ok", []string{"STT", "Tên cơ sở", "Loại hình"}, nil, nil},
		{"duplicate", []string{"Tên cơ sở", "Loại hình", "Tên"}, []string{"sheet.duplicate_column"}, nil},
		{"missing required", []string{"Tên cơ sở", "Xã"}, []string{"sheet.missing_column"}, nil},
		{"unknown", []string{"Tên cơ sở", "Loại hình", "Màu sơn", ""}, nil, []string{"sheet.unknown_column"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, errs := MatchHeaders(tt.cells)
			if got := keys(errs); !equal(got, tt.errs) {
				t.Errorf("errors %v, want %v", got, tt.errs)
			}
			if got := keys(m.Warnings); !equal(got, tt.warnings) {
				t.Errorf("warnings %v, want %v", got, tt.warnings)
			}
		})
	}
	_, errs := MatchHeaders([]string{"Tên cơ sở", "Loại hình", "Tên"})
	if len(errs) == 1 && (errs[0].Args[0] != "C" || errs[0].Args[2] != "A") {
		t.Errorf("duplicate args %v", errs[0].Args)
	}
}

func TestFindHeaderRow(t *testing.T) {
	rows := [][]string{
		{"DANH SÁCH CƠ SỞ CÔNG NGHIỆP NÔNG THÔN NĂM 2025"},
		{},
		{"Huyện Đakrông"},
		{"STT", "Tên cơ sở", "Loại hình", "Xã", "LĐ"},
		{"1", "Cơ sở A", "Hộ kinh doanh", "Xã Ba Nang", "3"},
	}
	if i, ok := FindHeaderRow(rows); !ok || i != 3 {
		t.Errorf("got %d, %v; want 3", i, ok)
	}
	if _, ok := FindHeaderRow([][]string{{"a", "b"}, {"1", "2"}}); ok {
		t.Error("found a header in a sheet without one")
	}
}

func keys(errs []*kc.Error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Key)
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
