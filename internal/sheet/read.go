package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// Limits bound what Read accepts. The file size is capped by the caller.
type Limits struct {
	MaxRows      int // data rows; more is an error
	MaxCellChars int // characters in one cell; more is a cell error
	// MaxUnzipBytes caps the uncompressed size of an XLSX (zip bombs).
	MaxUnzipBytes int64
}

// DefaultLimits are the limits of the import: 200 000 rows, the 32 767
// characters Excel itself allows in a cell, and 1 GiB unzipped.
var DefaultLimits = Limits{MaxRows: 200_000, MaxCellChars: 32_767, MaxUnzipBytes: 1 << 30}

// Row is one data row of a file.
type Row struct {
	Line   int      // 1-based row number in the sheet (as Excel shows it)
	Cells  []string // the cell texts as read (NFC, legacy text converted), by file column
	Values []any    // parsed values by EstablishmentColumns index; nil when empty or invalid
	Errors []*kc.Error
}

var keyIndex = func() map[string]int {
	m := map[string]int{}
	for i, c := range EstablishmentColumns {
		m[c.Key] = i
	}
	return m
}()

// Value returns the parsed value of the column with key, nil when absent.
func (r *Row) Value(key string) any {
	i, ok := keyIndex[key]
	if !ok || i >= len(r.Values) {
		return nil
	}
	return r.Values[i]
}

// Text returns a string value (Text, Enum code, Phone, PersonalID), "" when absent.
func (r *Row) Text(key string) string { s, _ := r.Value(key).(string); return s }

// Int returns an Int or Money value and whether it is present.
func (r *Row) Int(key string) (int64, bool) { n, ok := r.Value(key).(int64); return n, ok }

// Year returns a Year value and whether it is present.
func (r *Row) Year(key string) (int, bool) { n, ok := r.Value(key).(int); return n, ok }

// Float returns a Float value and whether it is present.
func (r *Row) Float(key string) (float64, bool) { f, ok := r.Value(key).(float64); return f, ok }

// Date returns a Date value, the zero Date when absent.
func (r *Row) Date(key string) kc.Date { d, _ := r.Value(key).(kc.Date); return d }

// Bool returns a Bool value and whether it is present.
func (r *Row) Bool(key string) (bool, bool) { b, ok := r.Value(key).(bool); return b, ok }

// List returns a List value, nil when absent.
func (r *Row) List(key string) []string { l, _ := r.Value(key).([]string); return l }

// Table is a file read by Read: the header mapping and the typed rows.
type Table struct {
	Format   string   // "xlsx" or "csv"
	Sheet    string   // the sheet read (xlsx)
	Encoding Encoding // the dominant legacy encoding found in the cells
	Mapping  Mapping
	Rows     []Row
	Warnings []*kc.Error // unknown columns and other non-blocking notes
}

// Errors returns every cell error of every row, in row order.
func (t *Table) Errors() []*kc.Error {
	var out []*kc.Error
	for i := range t.Rows {
		out = append(out, t.Rows[i].Errors...)
	}
	return out
}

// Valid reports whether no row has an error.
func (t *Table) Valid() bool {
	for i := range t.Rows {
		if len(t.Rows[i].Errors) > 0 {
			return false
		}
	}
	return true
}

func invalid(key string, args ...any) *kc.Error {
	return &kc.Error{Code: kc.EInvalid, Key: key, Args: args}
}

// Read reads an XLSX or CSV file of establishments: it finds the header
// row, maps the columns, converts legacy-encoded text and parses every cell.
// File-level problems (wrong type, encrypted or empty workbook, no header
// row, duplicated or merged header cells, too many rows) are returned as an
// EInvalid kc.Error; cell problems are listed on their rows.
func Read(r io.Reader, name string, limits Limits) (*Table, error) {
	if limits.MaxRows <= 0 {
		limits.MaxRows = DefaultLimits.MaxRows
	}
	if limits.MaxCellChars <= 0 {
		limits.MaxCellChars = DefaultLimits.MaxCellChars
	}
	if limits.MaxUnzipBytes <= 0 {
		limits.MaxUnzipBytes = DefaultLimits.MaxUnzipBytes
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, invalid("sheet.read_failed").Wrap(err)
	}
	ext := strings.ToLower(path.Ext(name))
	switch {
	case len(data) == 0:
		return nil, invalid("sheet.empty")
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		if bytes.Contains(data, utf16le("EncryptionInfo")) || bytes.Contains(data, utf16le("EncryptedPackage")) {
			return nil, invalid("sheet.encrypted")
		}
		return nil, invalid("sheet.xls_format")
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(data, limits)
	case ext == ".xlsx" || ext == ".xlsm" || ext == ".xls" || ext == ".ods":
		return nil, invalid("sheet.not_spreadsheet", name)
	case looksBinary(data):
		return nil, invalid("sheet.not_spreadsheet", name)
	}
	return readCSV(data, limits)
}

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return b
}

// looksBinary reports NUL bytes (outside UTF-16 text) or many control
// characters in the first kilobytes.
func looksBinary(data []byte) bool {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return false
	}
	head := data[:min(len(data), 8192)]
	ctrl := 0
	for _, c := range head {
		if c == 0 {
			return true
		}
		if c < 0x09 || (c > 0x0D && c < 0x20) {
			ctrl++
		}
	}
	return ctrl > len(head)/20
}

// rowSource yields the rows of a sheet as cell texts.
type rowSource func() ([]string, bool, error)

// builder assembles a Table from raw rows.
type builder struct {
	limits Limits
	t      *Table
	raw    [][]string // data rows before conversion
	lines  []int
	det    Detector
	// cell positions that hold a formula without a cached value, by 1-based row.
	formulas map[int][]int
}

// readRows finds the header in the first rows, then collects the data rows.
func (b *builder) readRows(next rowSource) error {
	var head [][]string
	for len(head) < HeaderScanRows {
		cells, ok, err := next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		head = append(head, cells)
	}
	hi, ok := FindHeaderRow(head)
	if !ok {
		for _, r := range head {
			if !emptyRow(r) {
				return invalid("sheet.no_header", HeaderScanRows)
			}
		}
		return invalid("sheet.empty")
	}
	m, errs := MatchHeaders(head[hi])
	m.HeaderRow = hi + 1
	if len(errs) == 1 {
		return errs[0]
	}
	if len(errs) > 1 {
		return &kc.Error{Code: kc.EInvalid, Key: "sheet.header_problems", Args: []any{len(errs)}, Err: kc.Errors(errs)}
	}
	b.t.Mapping = m
	b.t.Warnings = append(b.t.Warnings, m.Warnings...)
	line := hi + 1
	add := func(cells []string) error {
		line++
		if emptyRow(cells) {
			return nil
		}
		if len(b.raw) >= b.limits.MaxRows {
			return invalid("sheet.too_many_rows", b.limits.MaxRows)
		}
		for _, f := range m.Fields {
			if f.Index < len(cells) && (f.Column.Type == Text || f.Column.Type == List) {
				b.det.Add(cells[f.Index])
			}
		}
		b.raw = append(b.raw, cells)
		b.lines = append(b.lines, line)
		return nil
	}
	for _, r := range head[hi+1:] {
		if err := add(r); err != nil {
			return err
		}
	}
	for {
		cells, ok, err := next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if err := add(cells); err != nil {
			return err
		}
	}
	return nil
}

func emptyRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// finish converts and parses the collected rows.
func (b *builder) finish() *Table {
	t := b.t
	t.Encoding = b.det.Encoding()
	m := &t.Mapping
	t.Rows = make([]Row, len(b.raw))
	multiline := map[int]bool{}
	for _, f := range m.Fields {
		if f.Column.Multiline {
			multiline[f.Index] = true
		}
	}
	for i, cells := range b.raw {
		row := &t.Rows[i]
		row.Line = b.lines[i]
		// Cells of one row were usually typed the same way: a row whose
		// text is clearly TCVN3 or VNI decides its ambiguous cells.
		prior := t.Encoding
		var rd Detector
		for _, f := range m.Fields {
			if f.Index < len(cells) && (f.Column.Type == Text || f.Column.Type == List) {
				rd.Add(cells[f.Index])
			}
		}
		if e := rd.Encoding(); e != Unicode {
			prior = e
		}
		for j, c := range cells {
			if utf8.RuneCountInString(c) > b.limits.MaxCellChars {
				cells[j] = ""
				row.Errors = append(row.Errors, cellError(m, j, row.Line, "sheet.cell_too_long", utf8.RuneCountInString(c), b.limits.MaxCellChars))
				continue
			}
			if c != "" {
				c, _ = Convert(c, prior)
				if multiline[j] {
					cells[j] = vi.NFCLines(c)
				} else {
					cells[j] = clean(c)
				}
			}
		}
		row.Cells = cells
		for _, col := range b.formulas[row.Line] {
			row.Errors = append(row.Errors, cellError(m, col, row.Line, "sheet.formula_no_value"))
		}
		row.Values = make([]any, len(EstablishmentColumns))
		for _, f := range m.Fields {
			ci := keyIndex[f.Column.Key]
			s := ""
			if f.Index < len(cells) {
				s = cells[f.Index]
			}
			if s == "" {
				if f.Column.Required && !hasError(row.Errors, f.Index) {
					row.Errors = append(row.Errors, cellError(m, f.Index, row.Line, "sheet.required"))
				}
				continue
			}
			v, p := parse(f.Column, s, f.Multiplier)
			if p != nil {
				row.Errors = append(row.Errors, cellError(m, f.Index, row.Line, p.key, p.args...))
				continue
			}
			row.Values[ci] = v
		}
	}
	b.raw = nil
	return t
}

func hasError(errs []*kc.Error, col int) bool {
	l := ColumnLetter(col)
	for _, e := range errs {
		if len(e.Args) > 1 && e.Args[1] == l {
			return true
		}
	}
	return false
}

// cellError builds the error about one cell: Args are the row number, the
// column letter, the header, then the problem's own arguments.
func cellError(m *Mapping, col, line int, key string, args ...any) *kc.Error {
	header, field := "", ""
	if col < len(m.Headers) {
		header = vi.NFC(m.Headers[col])
	}
	if fi, ok := m.byIndex[col]; ok {
		field = m.Fields[fi].Column.Key
	}
	return &kc.Error{Code: kc.EInvalid, Key: key, Field: field, Args: append([]any{line, ColumnLetter(col), header}, args...)}
}

// CellPosition returns the row, column letter and header of a cell error
// built by Read, and false for other errors.
func CellPosition(e *kc.Error) (row int, col, header string, ok bool) {
	if e == nil || len(e.Args) < 3 {
		return 0, "", "", false
	}
	row, ok1 := e.Args[0].(int)
	col, ok2 := e.Args[1].(string)
	header, ok3 := e.Args[2].(string)
	return row, col, header, ok1 && ok2 && ok3
}

// readXLSX reads the first sheet of the workbook that has a header row.
func readXLSX(data []byte, limits Limits) (*Table, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: limits.MaxUnzipBytes})
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookPassword) {
			return nil, invalid("sheet.encrypted")
		}
		if strings.Contains(err.Error(), "unzip size") {
			return nil, invalid("sheet.unzipped_too_large", limits.MaxUnzipBytes>>20).Wrap(err)
		}
		return nil, invalid("sheet.bad_xlsx").Wrap(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	var firstErr error
	for _, name := range sheets {
		t, err := readXLSXSheet(f, data, name, limits)
		if err == nil {
			return t, nil
		}
		if e, ok := errors.AsType[*kc.Error](err); ok && (e.Key == "sheet.no_header" || e.Key == "sheet.empty") {
			if firstErr == nil || e.Key == "sheet.no_header" {
				firstErr = err
			}
			continue
		}
		return nil, err
	}
	if firstErr == nil {
		firstErr = invalid("sheet.empty")
	}
	return nil, firstErr
}

func readXLSXSheet(f *excelize.File, data []byte, name string, limits Limits) (t *Table, err error) {
	rows, err := f.Rows(name)
	if err != nil {
		return nil, invalid("sheet.bad_xlsx").Wrap(err)
	}
	defer func() {
		if cerr := rows.Close(); cerr != nil && err == nil {
			err = invalid("sheet.bad_xlsx").Wrap(cerr)
		}
	}()
	b := &builder{limits: limits, t: &Table{Format: "xlsx", Sheet: name}}
	next := func() ([]string, bool, error) {
		if !rows.Next() {
			if err := rows.Error(); err != nil {
				return nil, false, invalid("sheet.bad_xlsx").Wrap(err)
			}
			return nil, false, nil
		}
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, false, invalid("sheet.bad_xlsx").Wrap(err)
		}
		return cells, true, nil
	}
	if err := b.readRows(next); err != nil {
		return nil, err
	}
	merges, formulas := scanSheetXML(data, name)
	hr := b.t.Mapping.HeaderRow
	for _, m := range merges {
		c1, r1, c2, r2, ok := parseRange(m)
		if ok && r1 <= hr && hr <= r2 && (c1 != c2 || r1 != r2) {
			return nil, invalid("sheet.merged_header", m, hr)
		}
	}
	b.formulas = formulas
	return b.finish(), nil
}

func parseRange(s string) (c1, r1, c2, r2 int, ok bool) {
	a, z, found := strings.Cut(s, ":")
	if !found {
		z = a
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(a)
	c2, r2, err2 := excelize.CellNameToCoordinates(z)
	return c1, r1, c2, r2, err1 == nil && err2 == nil
}

// scanSheetXML streams the worksheet XML of sheet once and returns its
// merged ranges and the cells (by 1-based row, 0-based column) that hold a
// formula without a cached value. The Rows iterator shows neither.
func scanSheetXML(data []byte, sheet string) ([]string, map[int][]int) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil
	}
	p := sheetPath(zr, sheet)
	if p == "" {
		return nil, nil
	}
	var file *zip.File
	for _, zf := range zr.File {
		if zf.Name == p {
			file = zf
		}
	}
	if file == nil {
		return nil, nil
	}
	rc, err := file.Open()
	if err != nil {
		return nil, nil
	}
	defer rc.Close()
	if !mayHoldFormulaOrMerge(rc) {
		return nil, nil
	}
	rc.Close()
	if rc, err = file.Open(); err != nil {
		return nil, nil
	}
	defer rc.Close()
	var merges []string
	formulas := map[int][]int{}
	dec := xml.NewDecoder(rc)
	var ref string
	var hasF, hasV bool
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "c":
				ref, hasF, hasV = attr(t, "r"), false, false
			case "f":
				hasF = true
			case "v", "is":
				hasV = true
			case "mergeCell":
				merges = append(merges, attr(t, "ref"))
			}
		case xml.EndElement:
			if t.Name.Local == "c" && hasF && !hasV {
				if c, r, err := excelize.CellNameToCoordinates(ref); err == nil {
					formulas[r] = append(formulas[r], c-1)
				}
			}
		}
	}
	return merges, formulas
}

// mayHoldFormulaOrMerge reports whether the worksheet XML has a formula or
// a merged range, by a byte search much cheaper than decoding the XML.
func mayHoldFormulaOrMerge(r io.Reader) bool {
	needles := [][]byte{[]byte("<f>"), []byte("<f "), []byte(":f>"), []byte(":f "), []byte("mergeCell")}
	buf := make([]byte, 64<<10)
	keep := 0
	for {
		n, err := r.Read(buf[keep:])
		chunk := buf[:keep+n]
		for _, nd := range needles {
			if bytes.Contains(chunk, nd) {
				return true
			}
		}
		if err != nil {
			return false
		}
		keep = min(len(chunk), 16)
		copy(buf, chunk[len(chunk)-keep:])
	}
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// sheetPath finds the worksheet part of the sheet named name.
func sheetPath(zr *zip.Reader, name string) string {
	read := func(p string) []byte {
		for _, zf := range zr.File {
			if zf.Name == p {
				rc, err := zf.Open()
				if err != nil {
					return nil
				}
				defer rc.Close()
				b, _ := io.ReadAll(io.LimitReader(rc, 16<<20))
				return b
			}
		}
		return nil
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if xml.Unmarshal(read("xl/workbook.xml"), &wb) != nil {
		return ""
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if xml.Unmarshal(read("xl/_rels/workbook.xml.rels"), &rels) != nil {
		return ""
	}
	for _, s := range wb.Sheets {
		if s.Name != name {
			continue
		}
		for _, r := range rels.Rel {
			if r.ID == s.ID {
				if strings.HasPrefix(r.Target, "/") {
					return strings.TrimPrefix(r.Target, "/")
				}
				return path.Join("xl", r.Target)
			}
		}
	}
	return ""
}

// readCSV reads UTF-8 (with or without BOM), UTF-16 (with BOM) or
// Windows-1258 text, with ";", "," or tab as the delimiter.
func readCSV(data []byte, limits Limits) (*Table, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, invalid("sheet.bad_encoding").Wrap(err)
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = sniffDelimiter(text)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	b := &builder{limits: limits, t: &Table{Format: "csv"}}
	next := func() ([]string, bool, error) {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil, false, nil
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, false, invalid("sheet.bad_csv", line).Wrap(err)
		}
		return rec, true, nil
	}
	if err := b.readRows(next); err != nil {
		return nil, err
	}
	return b.finish(), nil
}

func decodeText(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		d := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		out, err := d.Bytes(data)
		if err != nil {
			return "", err
		}
		return string(out), nil
	}
	if utf8.Valid(data) {
		return string(data), nil
	}
	out, err := charmap.Windows1258.NewDecoder().Bytes(data)
	if err != nil {
		return "", err
	}
	return norm.NFC.String(string(out)), nil
}

// sniffDelimiter picks ";", "," or tab: the most frequent outside quotes in
// the first lines.
func sniffDelimiter(text string) rune {
	counts := map[rune]int{}
	inQuote := false
	lines := 0
	for _, r := range text {
		switch {
		case r == '"':
			inQuote = !inQuote
		case r == '\n' && !inQuote:
			lines++
		case !inQuote && (r == ';' || r == ',' || r == '\t'):
			counts[r]++
		}
		if lines >= 25 {
			break
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}
