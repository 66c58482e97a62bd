package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"

	"khuyencong/internal/kc"
)

// xlsxOpts adds features to a test workbook.
type xlsxOpts struct {
	merges   [][2]string       // ranges to merge
	formulas map[string]string // cell → formula
	password string
	sheets   []string // extra sheets before the data sheet
}

// buildXLSX writes rows (nil rows stay empty) into a workbook.
func buildXLSX(t testing.TB, rows [][]any, o xlsxOpts) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Sheet1"
	for i, s := range o.sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s); err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellValue(s, "A1", "Ghi chú"); err != nil {
			t.Fatal(err)
		}
	}
	if len(o.sheets) > 0 {
		sheet = "Data"
		if _, err := f.NewSheet(sheet); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range rows {
		if r == nil {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range o.merges {
		if err := f.MergeCell(sheet, m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	for c, fm := range o.formulas {
		if err := f.SetCellFormula(sheet, c, fm); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	var err error
	if o.password != "" {
		err = f.Write(&buf, excelize.Options{Password: o.password})
	} else {
		err = f.Write(&buf)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func errKey(err error) string {
	if e, ok := errors.AsType[*kc.Error](err); ok {
		return e.Key
	}
	return fmt.Sprintf("not a kc.Error: %v", err)
}

// cellErrs lists the cell errors of a table as "line:letter:key".
func cellErrs(t *Table) []string {
	var out []string
	for _, e := range t.Errors() {
		line, col, _, _ := CellPosition(e)
		out = append(out, fmt.Sprintf("%d:%s:%s", line, col, e.Key))
	}
	return out
}

func TestReadXLSX(t *testing.T) {
	rows := [][]any{
		{"DANH SÁCH CƠ SỞ CÔNG NGHIỆP NÔNG THÔN"},
		nil,
		{"STT", "Tên cơ sở", "Loại hình", "DT (triệu đồng)", "LĐ", "SĐT", "Ngày ĐKKD", "Làng nghề", "Màu"},
		{1, "R\u00adîu men l¸ §¸ Bµn", "Hộ kinh doanh", 2.5, 4, "0912 345 678", 43835, "x", "đỏ"},
		nil,
		{2, "Cơ sở B", "HTX", "1.200", "-2", "09ab", "31/02/2020", "có", ""},
		{"", "", "", "", ""},
		{3, "Đan gùi mây", "Tổ hợp tác", 150, 3, 912345678, "5/1/20", "không"},
	}
	tb, err := Read(bytes.NewReader(buildXLSX(t, rows, xlsxOpts{merges: [][2]string{{"A1", "I1"}}})), "ds.xlsx", DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if tb.Mapping.HeaderRow != 3 || len(tb.Rows) != 3 {
		t.Fatalf("header row %d, %d rows", tb.Mapping.HeaderRow, len(tb.Rows))
	}
	if got := keys(tb.Warnings); !equal(got, []string{"sheet.unknown_column"}) {
		t.Errorf("warnings %v", got)
	}
	r := tb.Rows[0]
	if r.Line != 4 || r.Text("name") != "Rượu men lá Đá Bàn" || r.Text("kind") != "household_business" {
		t.Errorf("row 1: line %d name %q kind %q", r.Line, r.Text("name"), r.Text("kind"))
	}
	if v, _ := r.Int("revenue"); v != 2_500_000 {
		t.Errorf("revenue %d", v)
	}
	if v, _ := r.Int("workers"); v != 4 {
		t.Errorf("workers %d", v)
	}
	if r.Text("phone") != "0912345678" || r.Date("registration_date") != kc.NewDate(2020, 1, 5) {
		t.Errorf("phone %q date %v", r.Text("phone"), r.Date("registration_date"))
	}
	if b, ok := r.Bool("craft_village"); !b || !ok {
		t.Errorf("craft village %v %v", b, ok)
	}
	if got, want := cellErrs(tb), []string{"6:E:sheet.negative", "6:F:sheet.phone_letters", "6:G:sheet.bad_date"}; !equal(got, want) {
		t.Errorf("errors %v, want %v", got, want)
	}
	e := tb.Rows[1].Errors[0]
	if e.Field != "workers" || e.Args[2] != "LĐ" || e.Code != kc.EInvalid {
		t.Errorf("error %+v", e)
	}
	r = tb.Rows[2]
	if v, _ := r.Int("revenue"); r.Line != 8 || v != 150_000_000 || r.Text("phone") != "0912345678" || r.Date("registration_date") != kc.NewDate(2020, 1, 5) {
		t.Errorf("row 3: %+v", r)
	}
}

func TestReadCSV(t *testing.T) {
	const text = "Tên cơ sở;Loại hình;Doanh thu (nghìn đồng);Ngành nghề\n" +
		"\"Rượu men lá; Đá Bàn\";Hợp tác xã;1.500;\"Rượu men lá, Mây tre\"\n" +
		";;;\n" +
		"Röôïu men laù;HTX;2,5 triệu;Gỗ\n"
	win1258, err := charmap.Windows1258.NewEncoder().String(cp1258Form(strings.ReplaceAll(text, "Röôïu men laù", "Rượu men lá")))
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, data string }{
		{"utf8", text},
		{"bom", "\uFEFF" + text},
		{"comma", "Tên cơ sở,Loại hình,Doanh thu (nghìn đồng),Ngành nghề\n" +
			"\"Rượu men lá; Đá Bàn\",Hợp tác xã,1.500,\"Rượu men lá, Mây tre\"\n" +
			",,,\n" +
			"Röôïu men laù,HTX,\"2,5 triệu\",Gỗ\n"},
		{"utf16", utf16},
		{"windows-1258", win1258},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, err := Read(strings.NewReader(tt.data), "ds.csv", DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if len(tb.Rows) != 2 || !tb.Valid() {
				t.Fatalf("rows %d errors %v", len(tb.Rows), cellErrs(tb))
			}
			if v, _ := tb.Rows[0].Int("revenue"); v != 1_500_000 {
				t.Errorf("revenue %d", v)
			}
			if v, _ := tb.Rows[1].Int("revenue"); v != 2_500_000 || tb.Rows[1].Text("name") != "Rượu men lá" || tb.Rows[1].Line != 4 {
				t.Errorf("row 2: %v %q line %d", v, tb.Rows[1].Text("name"), tb.Rows[1].Line)
			}
		})
	}
}

func TestReadBadInput(t *testing.T) {
	header := []any{"Tên cơ sở", "Loại hình", "Ghi chú"}
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)
	many := [][]any{header}
	for i := 0; i < 11; i++ {
		many = append(many, []any{fmt.Sprintf("Cơ sở %d", i), "Hộ kinh doanh"})
	}
	tests := []struct {
		name   string
		data   []byte
		file   string
		limits Limits
		key    string
	}{
		{"empty file", nil, "a.xlsx", DefaultLimits, "sheet.empty"},
		{"binary", []byte("\x00\x01\x02\x03binary\x00\x00"), "a.bin", DefaultLimits, "sheet.not_spreadsheet"},
		{"pdf named xlsx", []byte("%PDF-1.4 ..."), "a.xlsx", DefaultLimits, "sheet.not_spreadsheet"},
		{"old xls", ole, "a.xls", DefaultLimits, "sheet.xls_format"},
		{"encrypted ole", append(ole, utf16le("EncryptionInfo")...), "a.xlsx", DefaultLimits, "sheet.encrypted"},
		{"encrypted xlsx", buildXLSX(t, [][]any{header}, xlsxOpts{password: "secret"}), "a.xlsx", DefaultLimits, "sheet.encrypted"},
		{"zip not xlsx", []byte("PK\x03\x04 garbage"), "a.xlsx", DefaultLimits, "sheet.bad_xlsx"},
		{"empty workbook", buildXLSX(t, nil, xlsxOpts{}), "a.xlsx", DefaultLimits, "sheet.empty"},
		{"no header", buildXLSX(t, [][]any{{"a", "b"}, {1, 2}}, xlsxOpts{}), "a.xlsx", DefaultLimits, "sheet.no_header"},
		{"no header csv", []byte("a,b\n1,2\n"), "a.csv", DefaultLimits, "sheet.no_header"},
		{"merged header", buildXLSX(t, [][]any{{"Tên cơ sở", nil, "Loại hình"}}, xlsxOpts{merges: [][2]string{{"A1", "B1"}}}), "a.xlsx", DefaultLimits, "sheet.merged_header"},
		{"merged header rows", buildXLSX(t, [][]any{{"Tên cơ sở", "Loại hình", "Lao động"}, {nil, nil, "Nữ"}}, xlsxOpts{merges: [][2]string{{"A1", "A2"}}}), "a.xlsx", DefaultLimits, "sheet.merged_header"},
		{"duplicate column", buildXLSX(t, [][]any{{"Tên cơ sở", "Loại hình", "Tên"}}, xlsxOpts{}), "a.xlsx", DefaultLimits, "sheet.duplicate_column"},
		{"two header problems", buildXLSX(t, [][]any{{"Tên cơ sở", "Xã", "Tên"}}, xlsxOpts{}), "a.xlsx", DefaultLimits, "sheet.header_problems"},
		{"zip bomb", buildXLSX(t, [][]any{header}, xlsxOpts{}), "a.xlsx", Limits{MaxUnzipBytes: 1000}, "sheet.unzipped_too_large"},
		{"too many rows", buildXLSX(t, many, xlsxOpts{}), "a.xlsx", Limits{MaxRows: 10}, "sheet.too_many_rows"},
		{"broken csv", []byte("Tên cơ sở,Loại hình\n\"abc,HTX\n"), "a.csv", DefaultLimits, "sheet.bad_csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, err := Read(bytes.NewReader(tt.data), tt.file, tt.limits)
			if err == nil {
				t.Fatalf("no error; %d rows, errors %v", len(tb.Rows), cellErrs(tb))
			}
			if kc.ErrorCode(err) != kc.EInvalid || errKey(err) != tt.key {
				t.Errorf("got %v (%s), want %s", err, errKey(err), tt.key)
			}
		})
	}
}

// cp1258Form keeps letters with vowel marks precomposed and writes tone
// marks as combining characters, the form Windows-1258 can encode.
func cp1258Form(s string) string {
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		var base, tone []rune
		for _, m := range norm.NFD.String(string(r)) {
			switch m {
			case mGrave, mAcute, mHook, mTilde, mDot:
				tone = append(tone, m)
			default:
				base = append(base, m)
			}
		}
		b.WriteString(norm.NFC.String(string(base)))
		b.WriteString(string(tone))
	}
	return b.String()
}

// withCachedValue rewrites the worksheet XML of an XLSX so that the formula
// cell ref holds the cached value v.
func withCachedValue(t *testing.T, data []byte, ref, v string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == "xl/worksheets/sheet1.xml" {
			re := regexp.MustCompile(`(<c r="` + ref + `"[^>]*><f>[^<]*</f>)(<v></v>)?`)
			if !re.Match(b) {
				t.Fatalf("no formula cell %s in %s", ref, b)
			}
			b = re.ReplaceAll(b, []byte("${1}<v>"+v+"</v>"))
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestReadCellProblems(t *testing.T) {
	rows := [][]any{
		{"Tên cơ sở", "Loại hình", "Ghi chú", "LĐ"},
		{"A", "HTX", strings.Repeat("x", 2_000), 1},
		{"B", "HTX", "ok", nil},
		{"C", "HTX", "ok", nil},
		{"", "HTX", "no name", 2},
	}
	data := buildXLSX(t, rows, xlsxOpts{formulas: map[string]string{"D3": "SUM(1,2)", "D4": "1+1"}})
	data = withCachedValue(t, data, "D4", "2")
	tb, err := Read(bytes.NewReader(data), "a.xlsx", Limits{MaxCellChars: 1_000})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cellErrs(tb), []string{"2:C:sheet.cell_too_long", "3:D:sheet.formula_no_value", "5:A:sheet.required"}; !equal(got, want) {
		t.Errorf("errors %v, want %v", got, want)
	}
	if v, ok := tb.Rows[2].Int("workers"); !ok || v != 2 {
		t.Errorf("cached formula value %v %v", v, ok)
	}
	// A 10 MB cell in a CSV is reported with its row and column.
	csvData := "Tên cơ sở,Loại hình,Ghi chú\nA,HTX," + strings.Repeat("y", 10<<20) + "\n"
	tb, err = Read(strings.NewReader(csvData), "a.csv", DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cellErrs(tb), []string{"2:C:sheet.cell_too_long"}; !equal(got, want) {
		t.Errorf("errors %v, want %v", got, want)
	}
}

func TestReadSkipsSheetsWithoutHeader(t *testing.T) {
	data := buildXLSX(t, [][]any{{"Tên cơ sở", "Loại hình"}, {"A", "HTX"}}, xlsxOpts{sheets: []string{"Hướng dẫn"}})
	tb, err := Read(bytes.NewReader(data), "a.xlsx", DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if tb.Sheet != "Data" || len(tb.Rows) != 1 {
		t.Errorf("sheet %q rows %d", tb.Sheet, len(tb.Rows))
	}
}
