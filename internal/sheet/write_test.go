package sheet

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"khuyencong/internal/kc"
)

func TestWriteTemplate(t *testing.T) {
	var buf bytes.Buffer
	communes := make([]string, 300)
	for i := range communes {
		communes[i] = fmt.Sprintf("Xã số %d", i+1)
	}
	if err := WriteTemplate(&buf, TemplateOptions{Lists: map[string][]string{"commune": communes}}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{DataSheet, ListSheet, InstructionsSheet}) {
		t.Errorf("sheets %v", got)
	}
	if v, _ := f.GetSheetVisible(ListSheet); v {
		t.Error("list sheet is visible")
	}
	rows, err := f.GetRows(DataSheet)
	if err != nil || len(rows) != 1 || len(rows[0]) != len(EstablishmentColumns) {
		t.Fatalf("rows %v %v", rows, err)
	}
	for i, c := range EstablishmentColumns {
		if rows[0][i] != c.Header {
			t.Errorf("header %d = %q, want %q", i, rows[0][i], c.Header)
		}
	}
	dvs, err := f.GetDataValidations(DataSheet)
	if err != nil {
		t.Fatal(err)
	}
	want := 1 // the commune list
	for _, c := range EstablishmentColumns {
		if c.Type == Enum || c.Type == Bool {
			want++
		}
	}
	if len(dvs) != want {
		t.Errorf("%d data validations, want %d", len(dvs), want)
	}
	panes, err := f.GetPanes(DataSheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v %v", panes, err)
	}
	// The template reads back as a valid, empty table.
	buf.Reset()
	if err := WriteTemplate(&buf, TemplateOptions{}); err != nil {
		t.Fatal(err)
	}
	tb, err := Read(&buf, "mau.xlsx", DefaultLimits)
	if err != nil || len(tb.Rows) != 0 || len(tb.Mapping.Fields) != len(EstablishmentColumns) || len(tb.Warnings) != 0 {
		t.Fatalf("template reads back as %+v, %v", tb, err)
	}
}

// sampleRecords returns n deterministic records using every column type.
func sampleRecords(n int) []Record {
	kinds := KindOptions
	out := make([]Record, n)
	for i := range out {
		r := Record{
			"id":                      int64(i + 1),
			"name":                    fmt.Sprintf("Cơ sở rượu men lá Đá Bàn số %d", i),
			"kind":                    kinds[i%len(kinds)].Code,
			"commune_code":            fmt.Sprintf("%05d", 19500+i%50),
			"commune":                 "Xã Ba Lòng",
			"village":                 "Thôn Khe Luồi",
			"owner_name":              "Hồ Văn Lợi",
			"owner_gender":            GenderOptions[i%2].Code,
			"owner_ethnicity":         "Vân Kiều",
			"owner_birth_year":        1960 + i%40,
			"phone":                   fmt.Sprintf("09%08d", i),
			"personal_id":             fmt.Sprintf("0451%08d", i),
			"trades":                  []string{"Rượu men lá", "Đan gùi mây"},
			"main_products":           "Rượu, gùi",
			"traditional_craft":       i%2 == 0,
			"craft_village":           i%3 == 0,
			"women_owned":             i%2 == 1,
			"ethnic_minority_owned":   true,
			"founded_year":            1990 + i%30,
			"registration_no":         fmt.Sprintf("32A8%06d", i),
			"registration_date":       kc.NewDate(2010+i%10, time.Month(1+i%12), 1+i%28),
			"fact_year":               2024,
			"workers":                 int64(3 + i%20),
			"women_workers":           int64(i % 3),
			"ethnic_minority_workers": int64(2),
			"revenue":                 int64(150_000_000 + i*1000),
			"capital":                 int64(1_200_000_000),
			"avg_income":              int64(4_500_000),
			"lat":                     float64(16600+i%100) / 1000, // Excel keeps 15 significant digits
			"lon":                     106.9,
			"notes":                   "Ghi chú; có dấu phẩy, và \"ngoặc\"",
		}
		if i%2 == 1 {
			delete(r, "size_class")
		} else if r["kind"] == "enterprise" {
			r["size_class"] = "small"
		}
		out[i] = r
	}
	return out
}

func TestWriterRoundTrip(t *testing.T) {
	recs := sampleRecords(50)
	for _, format := range []string{"xlsx", "csv"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			var err error
			if format == "xlsx" {
				var w *XLSXWriter
				if w, err = NewXLSXWriter(&buf); err == nil {
					for _, r := range recs {
						if err = w.Write(r); err != nil {
							break
						}
					}
					if cerr := w.Close(); err == nil {
						err = cerr
					}
				}
			} else {
				var w *CSVWriter
				if w, err = NewCSVWriter(&buf); err == nil {
					for _, r := range recs {
						if err = w.Write(r); err != nil {
							break
						}
					}
					if cerr := w.Close(); err == nil {
						err = cerr
					}
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			tb, err := Read(&buf, "export."+format, DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if len(tb.Rows) != len(recs) || !tb.Valid() || len(tb.Warnings) != 0 {
				t.Fatalf("%d rows, errors %v, warnings %v", len(tb.Rows), cellErrs(tb), tb.Warnings)
			}
			for i, r := range recs {
				for _, c := range EstablishmentColumns {
					if got := tb.Rows[i].Value(c.Key); !reflect.DeepEqual(got, r[c.Key]) {
						t.Errorf("row %d %s: got %#v, want %#v", i, c.Key, got, r[c.Key])
					}
				}
			}
		})
	}
}

func TestWriteReport(t *testing.T) {
	data := buildXLSX(t, [][]any{
		{"Tên cơ sở", "Loại hình", "LĐ", "SĐT"},
		{"A", "HTX", -1, "0912345678"},
		{"B", "HTX", 2, "0912345678"},
		{"C", "HTX", 3, "09xx"},
	}, xlsxOpts{})
	tb, err := Read(bytes.NewReader(data), "a.xlsx", DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	extra := []*kc.Error{tb.CellError(3, "commune", "import.duplicate")}
	var buf bytes.Buffer
	msg := func(e *kc.Error) string { _, col, h, _ := CellPosition(e); return col + " " + h + ": " + e.Key }
	if err := WriteReport(&buf, tb, extra, msg); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(DataSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][4] != ErrorHeader {
		t.Fatalf("rows %q", rows)
	}
	wantErr := []string{"C LĐ: sheet.negative", " Xã/phường: import.duplicate", "D SĐT: sheet.phone_letters"}
	for i, w := range wantErr {
		if got := rows[i+1][4]; got != w {
			t.Errorf("row %d error %q, want %q", i+2, got, w)
		}
	}
	if rows[1][0] != "A" || rows[3][3] != "09xx" {
		t.Errorf("cells not copied: %q", rows)
	}
	// The bad cell is highlighted, a good one is not.
	bad, _ := f.GetCellStyle(DataSheet, "C2")
	good, _ := f.GetCellStyle(DataSheet, "C3")
	if bad == good || bad == 0 {
		t.Errorf("styles bad %d good %d", bad, good)
	}
	if s, _ := f.GetCellValue(DataSheet, "E3"); !strings.Contains(s, "import.duplicate") {
		t.Errorf("extra error missing: %q", s)
	}
}
