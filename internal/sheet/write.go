package sheet

import (
	"archive/zip"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// Sheet names and headers written by this package (spreadsheet data, like
// the column headers).
const (
	DataSheet         = "Cơ sở"
	ListSheet         = "Danh mục"
	InstructionsSheet = "Hướng dẫn"
	ErrorHeader       = "Lỗi"
)

// DefaultInstructions is the text of the instructions sheet of the template;
// callers may pass their own from the locale catalogue.
var DefaultInstructions = []string{
	"Hướng dẫn điền mẫu danh sách cơ sở công nghiệp nông thôn",
	"1. Mỗi dòng của trang «Cơ sở» là một cơ sở; không đổi tên các cột ở dòng 1.",
	"2. Cột «Tên cơ sở» và «Loại hình» là bắt buộc; các cột khác có thể bỏ trống.",
	"3. Ngày ghi dạng ngày/tháng/năm, ví dụ 05/01/2020.",
	"4. Số tiền ghi bằng đồng, không có dấu phân cách hoặc có dấu chấm: 1500000 hoặc 1.500.000.",
	"5. Số điện thoại ghi đủ số 0 ở đầu; số định danh cá nhân gồm đúng 12 chữ số.",
	"6. Cột có / không: chọn trong danh sách hoặc ghi «có», «không».",
	"7. Xã/phường ghi mã hoặc tên; có thể dùng tên xã trước sắp xếp năm 2025.",
	"8. Ngành nghề: nhiều ngành cách nhau bằng dấu chấm phẩy (;).",
}

// TemplateOptions configures WriteTemplate.
type TemplateOptions struct {
	// Lists are long option lists (commune names, trades) by column key;
	// they go to a hidden sheet and the column gets a dropdown over them.
	Lists map[string][]string
	// Instructions replaces DefaultInstructions when not nil.
	Instructions []string
}

// boolLabels are the spellings written for Bool values and offered in the
// template dropdowns.
var boolLabels = [2]string{"không", "có"}

// columnWidth is the template column width for a column, in characters.
func columnWidth(c Column) float64 {
	w := float64(utf8.RuneCountInString(c.Header)) + 4
	if c.Type == Text || c.Type == List {
		w = max(w, 24)
	}
	return min(max(w, 12), 40)
}

// WriteTemplate writes the import template: the establishment headers in
// row 1 (bold, frozen, sized), dropdowns for Enum and Bool columns and for
// the long lists in opts, a hidden list sheet and an instructions sheet.
func WriteTemplate(w io.Writer, opts TemplateOptions) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", DataSheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	textStyle, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": keeps leading zeros of phones and IDs
	if err != nil {
		return err
	}
	headers := make([]any, len(EstablishmentColumns))
	for i, c := range EstablishmentColumns {
		headers[i] = c.Header
		col := ColumnLetter(i)
		if err := f.SetColWidth(DataSheet, col, col, columnWidth(c)); err != nil {
			return err
		}
		if c.Type == Phone || c.Type == PersonalID || c.Type == Date || c.Key == "commune_code" {
			if err := f.SetColStyle(DataSheet, col, textStyle); err != nil {
				return err
			}
		}
	}
	if err := f.SetSheetRow(DataSheet, "A1", &headers); err != nil {
		return err
	}
	last := ColumnLetter(len(EstablishmentColumns) - 1)
	if err := f.SetCellStyle(DataSheet, "A1", last+"1", bold); err != nil {
		return err
	}
	if err := f.SetPanes(DataSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	const lastRow = 5000
	listCol := 0
	if len(opts.Lists) > 0 {
		if _, err := f.NewSheet(ListSheet); err != nil {
			return err
		}
	}
	for i, c := range EstablishmentColumns {
		col := ColumnLetter(i)
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, lastRow)
		switch {
		case len(opts.Lists[c.Key]) > 0:
			items := opts.Lists[c.Key]
			lc := ColumnLetter(listCol)
			listCol++
			vals := make([]any, len(items)+1)
			vals[0] = c.Header
			for j, it := range items {
				vals[j+1] = it
			}
			for j, v := range vals {
				if err := f.SetCellValue(ListSheet, fmt.Sprintf("%s%d", lc, j+1), v); err != nil {
					return err
				}
			}
			dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$2:$%s$%d", ListSheet, lc, lc, len(items)+1))
			dv.ShowErrorMessage = false
		case c.Type == Enum:
			labels := make([]string, len(c.Options))
			for j, o := range c.Options {
				labels[j] = o.Label
			}
			if err := dv.SetDropList(labels); err != nil {
				return err
			}
		case c.Type == Bool:
			if err := dv.SetDropList([]string{boolLabels[1], boolLabels[0]}); err != nil {
				return err
			}
		default:
			continue
		}
		if err := f.AddDataValidation(DataSheet, dv); err != nil {
			return err
		}
	}
	if len(opts.Lists) > 0 {
		if err := f.SetSheetVisible(ListSheet, false); err != nil {
			return err
		}
	}
	if _, err := f.NewSheet(InstructionsSheet); err != nil {
		return err
	}
	ins := opts.Instructions
	if ins == nil {
		ins = DefaultInstructions
	}
	for i, line := range ins {
		if err := f.SetCellValue(InstructionsSheet, fmt.Sprintf("A%d", i+1), line); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(InstructionsSheet, "A", "A", 100); err != nil {
		return err
	}
	if len(ins) > 0 {
		if err := f.SetCellStyle(InstructionsSheet, "A1", "A1", bold); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// Record is one establishment to write, by column key, with the Go types
// Read produces (string, int64, int, float64, kc.Date, bool, []string).
type Record map[string]any

// FormatValue writes v the way the parser reads it back: money as a plain
// integer in đồng, dates dd/mm/yyyy, booleans "có"/"không", enums as their
// Vietnamese labels, lists joined by "; ".
func FormatValue(c Column, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if c.Type == Enum {
			for _, o := range c.Options {
				if o.Code == x {
					return o.Label
				}
			}
		}
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case kc.Date:
		return vi.FormatDay(x.Time())
	case bool:
		if x {
			return boolLabels[1]
		}
		return boolLabels[0]
	case []string:
		return strings.Join(x, "; ")
	}
	return fmt.Sprint(v)
}

// cellValue is FormatValue for XLSX: numbers stay numbers.
func cellValue(c Column, v any) any {
	switch x := v.(type) {
	case int64:
		return x
	case int:
		return x
	case float64:
		return x
	}
	return FormatValue(c, v)
}

// XLSXWriter streams establishments to an XLSX file with bounded memory.
type XLSXWriter struct {
	w    io.Writer
	f    *excelize.File
	sw   *excelize.StreamWriter
	row  int
	vals []any
}

// NewXLSXWriter starts an XLSX file on w with the header row of
// EstablishmentColumns. Call Write for each record, then Close.
func NewXLSXWriter(w io.Writer) (*XLSXWriter, error) {
	f := excelize.NewFile()
	// excelize's Write builds the whole zip in a bytes.Buffer before
	// copying it out (400 MB for a million rows); a zip writer on w
	// itself streams the archive, and the buffer stays empty.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if err := f.SetSheetName("Sheet1", DataSheet); err != nil {
		f.Close()
		return nil, err
	}
	sw, err := f.NewStreamWriter(DataSheet)
	if err != nil {
		f.Close()
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		f.Close()
		return nil, err
	}
	for i, c := range EstablishmentColumns {
		if err := sw.SetColWidth(i+1, i+1, columnWidth(c)); err != nil {
			f.Close()
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		f.Close()
		return nil, err
	}
	head := make([]any, len(EstablishmentColumns))
	for i, c := range EstablishmentColumns {
		head[i] = excelize.Cell{StyleID: bold, Value: c.Header}
	}
	if err := sw.SetRow("A1", head); err != nil {
		f.Close()
		return nil, err
	}
	return &XLSXWriter{w: w, f: f, sw: sw, row: 1, vals: make([]any, len(EstablishmentColumns))}, nil
}

// Write appends one record.
func (x *XLSXWriter) Write(r Record) error {
	x.row++
	for i, c := range EstablishmentColumns {
		v := r[c.Key]
		if v == nil {
			x.vals[i] = nil
			continue
		}
		x.vals[i] = cellValue(c, v)
	}
	cell, _ := excelize.CoordinatesToCellName(1, x.row)
	return x.sw.SetRow(cell, x.vals)
}

// Close flushes the stream, writes the file to w and releases temporary files.
func (x *XLSXWriter) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	return x.f.Write(x.w)
}

// CSVWriter writes establishments as UTF-8 CSV (with a BOM so Excel reads
// Vietnamese correctly).
type CSVWriter struct {
	cw  *csv.Writer
	rec []string
}

// NewCSVWriter starts a CSV file on w with the header row.
func NewCSVWriter(w io.Writer) (*CSVWriter, error) {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	head := make([]string, len(EstablishmentColumns))
	for i, c := range EstablishmentColumns {
		head[i] = c.Header
	}
	if err := cw.Write(head); err != nil {
		return nil, err
	}
	return &CSVWriter{cw: cw, rec: make([]string, len(EstablishmentColumns))}, nil
}

// Write appends one record.
func (c *CSVWriter) Write(r Record) error {
	for i, col := range EstablishmentColumns {
		c.rec[i] = FormatValue(col, r[col.Key])
	}
	return c.cw.Write(c.rec)
}

// Close flushes the output.
func (c *CSVWriter) Close() error {
	c.cw.Flush()
	return c.cw.Error()
}

// CellError builds an error about a cell of t in the convention of Read
// (Args: row, column letter, header, then args), for problems found by the
// caller (unknown commune, duplicate). field is a column key; a column the
// file does not have is reported without a letter.
func (t *Table) CellError(line int, field, key string, args ...any) *kc.Error {
	if f, ok := t.Mapping.Field(field); ok {
		return cellError(&t.Mapping, f.Index, line, key, args...)
	}
	header := ""
	if c, ok := ColumnByKey(field); ok {
		header = c.Header
	}
	return &kc.Error{Code: kc.EInvalid, Key: key, Field: field, Args: append([]any{line, "", header}, args...)}
}

// WriteReport writes an XLSX copy of the rows of t with an extra "Lỗi"
// column naming, per row, each field and problem (empty for good rows), and
// the bad cells highlighted. extra are more cell errors from the caller
// (built with Table.CellError); msg renders one error (nil: its key and
// arguments).
func WriteReport(w io.Writer, t *Table, extra []*kc.Error, msg func(*kc.Error) string) error {
	if msg == nil {
		msg = func(e *kc.Error) string { return e.Error() }
	}
	byLine := map[int][]*kc.Error{}
	for _, e := range extra {
		if line, _, _, ok := CellPosition(e); ok {
			byLine[line] = append(byLine[line], e)
		}
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", DataSheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(DataSheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	bad, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}, Font: &excelize.Font{Color: "9C0006"}})
	if err != nil {
		return err
	}
	errCol, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "9C0006"}, Alignment: &excelize.Alignment{WrapText: true}})
	if err != nil {
		return err
	}
	width := len(t.Mapping.Headers)
	for i := range t.Rows {
		width = max(width, len(t.Rows[i].Cells))
	}
	if err := sw.SetColWidth(width+1, width+1, 60); err != nil {
		return err
	}
	head := make([]any, width+1)
	for i := 0; i < width; i++ {
		h := ""
		if i < len(t.Mapping.Headers) {
			h = t.Mapping.Headers[i]
		}
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	head[width] = excelize.Cell{StyleID: bold, Value: ErrorHeader}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	vals := make([]any, width+1)
	for i := range t.Rows {
		r := &t.Rows[i]
		errs := append(append([]*kc.Error(nil), r.Errors...), byLine[r.Line]...)
		badCols := map[string]bool{}
		msgs := make([]string, 0, len(errs))
		for _, e := range errs {
			if _, col, _, ok := CellPosition(e); ok {
				badCols[col] = true
			}
			msgs = append(msgs, msg(e))
		}
		for j := 0; j < width; j++ {
			v := ""
			if j < len(r.Cells) {
				v = r.Cells[j]
			}
			if badCols[ColumnLetter(j)] {
				vals[j] = excelize.Cell{StyleID: bad, Value: v}
			} else {
				vals[j] = v
			}
		}
		vals[width] = excelize.Cell{StyleID: errCol, Value: strings.Join(msgs, "\n")}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, vals); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
