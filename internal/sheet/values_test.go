package sheet

import (
	"reflect"
	"testing"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

func col(key string) Column {
	c, ok := ColumnByKey(key)
	if !ok {
		panic(key)
	}
	return c
}

func TestParseValue(t *testing.T) {
	tests := []struct {
		key  string
		in   string
		mult int64
		want any    // when err is ""
		err  string // catalog key
	}{
		// numbers and money
		{"workers", "12", 1, int64(12), ""},
		{"workers", "1.500", 1, int64(1500), ""},
		{"workers", "1,500", 1, int64(1500), ""},
		{"workers", "-3", 1, nil, "sheet.negative"},
		{"workers", "2,5", 1, nil, "sheet.not_integer"},
		{"workers", "mười", 1, nil, "sheet.not_number"},
		{"workers", "12 người", 1, nil, "sheet.number_with_text"},
		{"revenue", "1.500.000", 1, int64(1500000), ""},
		{"revenue", "1,500,000", 1, int64(1500000), ""},
		{"revenue", "1500000", 1, int64(1500000), ""},
		{"revenue", "1.234.567,5", 1, int64(1234568), ""},
		{"revenue", "1,234,567.5", 1, int64(1234568), ""},
		{"revenue", "2,5 triệu", 1, int64(2500000), ""},
		{"revenue", "2,5 tr", 1, int64(2500000), ""},
		{"revenue", "300 nghìn", 1, int64(300000), ""},
		{"revenue", "1,2 tỷ", 1, int64(1200000000), ""},
		{"revenue", "50.000 đồng", 1, int64(50000), ""},
		{"revenue", "2,5", 1_000_000, int64(2500000), ""},
		{"revenue", "2.5", 1_000_000, int64(2500000), ""},
		{"revenue", "150", 1_000, int64(150000), ""},
		{"revenue", "2,5 triệu", 1_000, int64(2500000), ""}, // the cell's unit wins
		{"revenue", "1.5E+06", 1, int64(1500000), ""},
		{"revenue", "1e-99999999", 1, int64(0), ""},
		{"revenue", "1e99999999", 1, nil, "sheet.number_with_text"},
		{"revenue", "khoảng 50 triệu", 1, nil, "sheet.approximate"},
		{"revenue", "trên 100 triệu", 1, nil, "sheet.approximate"},
		{"revenue", "50-60 triệu", 1, nil, "sheet.approximate"},
		{"revenue", "50 triệu đồng/năm", 1, nil, "sheet.number_with_text"},
		{"revenue", "-5000", 1, nil, "sheet.negative"},
		{"revenue", "1.50.000", 1, nil, "sheet.not_number"},
		{"lat", "16,75", 1, 16.75, ""},
		{"lat", "16.123456", 1, 16.123456, ""},
		{"lat", "123", 1, nil, "sheet.out_of_range"},
		// dates
		{"registration_date", "05/01/2020", 1, kc.NewDate(2020, 1, 5), ""},
		{"registration_date", "5/1/20", 1, kc.NewDate(2020, 1, 5), ""},
		{"registration_date", "5/1/29", 1, kc.NewDate(2029, 1, 5), ""},
		{"registration_date", "5/1/30", 1, kc.NewDate(1930, 1, 5), ""},
		{"registration_date", "2020-01-05", 1, kc.NewDate(2020, 1, 5), ""},
		{"registration_date", "05-01-2020", 1, kc.NewDate(2020, 1, 5), ""},
		{"registration_date", "05.01.2020", 1, kc.NewDate(2020, 1, 5), ""},
		{"registration_date", "43835", 1, kc.NewDate(2020, 1, 5), ""},
		{"registration_date", "61", 1, kc.NewDate(1900, 3, 1), ""},
		{"registration_date", "59", 1, kc.NewDate(1900, 2, 28), ""},
		{"registration_date", "1", 1, kc.NewDate(1900, 1, 1), ""},
		{"registration_date", "60", 1, nil, "sheet.bad_date"}, // Lotus 29/02/1900
		{"registration_date", "31/02/2020", 1, nil, "sheet.bad_date"},
		{"registration_date", "2020", 1, nil, "sheet.year_only"},
		{"registration_date", "hôm qua", 1, nil, "sheet.bad_date"},
		// phones
		{"phone", "0912 345 678", 1, "0912345678", ""},
		{"phone", "0912.345.678", 1, "0912345678", ""},
		{"phone", "+84 912-345-678", 1, "0912345678", ""},
		{"phone", "84912345678", 1, "0912345678", ""},
		{"phone", "912345678", 1, "0912345678", ""},
		{"phone", "0233 3852 123", 1, "02333852123", ""},
		{"phone", "0912 ABC 678", 1, nil, "sheet.phone_letters"},
		{"phone", "12345", 1, nil, "sheet.bad_phone"},
		{"phone", "0112345678", 1, nil, "sheet.bad_phone"},
		// personal ID
		{"personal_id", "045190000123", 1, "045190000123", ""},
		{"personal_id", "045 190 000 123", 1, "045190000123", ""},
		{"personal_id", "0451900001234", 1, nil, "sheet.personal_id_length"},
		{"personal_id", "04519000012", 1, nil, "sheet.personal_id_length"},
		{"personal_id", "04519000012A", 1, nil, "sheet.personal_id_digits"},
		// booleans
		{"craft_village", "có", 1, true, ""},
		{"craft_village", "Có", 1, true, ""},
		{"craft_village", "x", 1, true, ""},
		{"craft_village", "1", 1, true, ""},
		{"craft_village", "yes", 1, true, ""},
		{"craft_village", "đúng", 1, true, ""},
		{"craft_village", "không", 1, false, ""},
		{"craft_village", "0", 1, false, ""},
		{"craft_village", "no", 1, false, ""},
		{"craft_village", "sai", 1, false, ""},
		{"craft_village", "có lẽ", 1, nil, "sheet.bad_bool"},
		// enums
		{"kind", "Hợp tác xã", 1, "cooperative", ""},
		{"kind", "hop tac xa", 1, "cooperative", ""},
		{"kind", "HTX", 1, "cooperative", ""},
		{"kind", "cooperative", 1, "cooperative", ""},
		{"kind", "Hộ kinh doanh", 1, "household_business", ""},
		{"kind", "Nhà máy", 1, nil, "sheet.bad_enum"},
		{"owner_gender", "nữ", 1, "female", ""},
		// years
		{"founded_year", "1995", 1, 1995, ""},
		{"founded_year", "1899", 1, nil, "sheet.year_range"},
		{"founded_year", "năm 95", 1, nil, "sheet.bad_year"},
		// lists and text
		{"trades", "Rượu men lá; Dệt thổ cẩm", 1, []string{"Rượu men lá", "Dệt thổ cẩm"}, ""},
		{"trades", "Mây tre, Gỗ", 1, []string{"Mây tre", "Gỗ"}, ""},
		{"name", "Cơ sở A", 1, "Cơ sở A", ""},
		{"commune_code", "1", 1, "00001", ""},
		{"commune_code", "19576", 1, "19576", ""},
	}
	for _, tt := range tests {
		t.Run(tt.key+"/"+tt.in, func(t *testing.T) {
			got, err := ParseValue(col(tt.key), tt.in, tt.mult)
			if tt.err != "" {
				if err == nil || err.Key != tt.err || err.Code != kc.EInvalid || err.Field != tt.key {
					t.Fatalf("got %v, %v; want error %s", got, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestFormatValueRoundTrip(t *testing.T) {
	tests := []struct {
		key string
		v   any
	}{
		{"revenue", int64(1500000)}, {"workers", int64(7)}, {"founded_year", 1998},
		{"registration_date", kc.NewDate(2019, 12, 31)}, {"craft_village", true}, {"craft_village", false},
		{"kind", "coop_union"}, {"size_class", "micro"}, {"trades", []string{"Rượu men lá", "Đan gùi mây"}},
		{"phone", "0912345678"}, {"personal_id", "045190000123"}, {"lat", 16.6789}, {"name", "Cơ sở Đá Bàn"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			c := col(tt.key)
			s := FormatValue(c, tt.v)
			got, err := ParseValue(c, s, 1)
			if err != nil || !reflect.DeepEqual(got, tt.v) {
				t.Errorf("%v → %q → %#v, %v", tt.v, s, got, err)
			}
		})
	}
}

func TestColumnLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA"} {
		if got := ColumnLetter(i); got != want {
			t.Errorf("ColumnLetter(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestCleanMatchesVi(t *testing.T) {
	for _, s := range []string{"abc", "a  b", " a", "a ", "Cơ sở", "x\ty", ""} {
		if got, want := clean(s), vi.NFC(s); got != want {
			t.Errorf("clean(%q) = %q, want %q", s, got, want)
		}
	}
}
