package sheet

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// HeaderScanRows is how many rows from the top are searched for the header
// row (files often have a title and blank rows above it).
const HeaderScanRows = 20

// Field is one recognised column of a file.
type Field struct {
	Index      int    // 0-based column index in the file
	Letter     string // column letter: A, B, …, AA
	Header     string // the header as written in the file
	Column     Column // the catalogue column it matched
	Multiplier int64  // Money: đồng per unit written in the header (1, 1 000, 1 000 000, 1 000 000 000)
}

// Mapping maps the columns of a file to EstablishmentColumns.
type Mapping struct {
	HeaderRow int      // 1-based row number of the header row (set by Read)
	Headers   []string // every header cell as written
	Fields    []Field  // recognised columns, in file order
	// Warnings are problems that do not stop an import: unknown columns,
	// which are ignored.
	Warnings []*kc.Error
	byKey    map[string]int // column key → index in Fields
	byIndex  map[int]int    // file column index → index in Fields
}

// Field returns the recognised column with the catalogue key, if any.
func (m *Mapping) Field(key string) (Field, bool) {
	i, ok := m.byKey[key]
	if !ok {
		return Field{}, false
	}
	return m.Fields[i], true
}

// Has reports whether the file has a column for the catalogue key.
func (m *Mapping) Has(key string) bool { _, ok := m.byKey[key]; return ok }

// ColumnLetter returns the spreadsheet letter of a 0-based column index:
// 0 → A, 25 → Z, 26 → AA.
func ColumnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

var stripMarks = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// headerKey folds a header keeping đ apart from d ("ĐT" is a phone, "DT"
// is revenue) and drops everything that is not a letter or digit.
func headerKey(s string) string {
	out, _, err := transform.String(stripMarks, s)
	if err != nil {
		out = s
	}
	var b strings.Builder
	for _, r := range strings.ToLower(out) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// looseKey also maps đ to d, for headers typed without it ("SDT").
func looseKey(s string) string { return vi.SearchKey(s) }

// unitHint finds a unit in parentheses or after a comma ("Doanh thu (triệu
// đồng)", "DT (tr.đ)", "Vốn (1000đ)") and returns the header without it and
// the multiplier (0 when there is no unit).
func unitHint(h string) (string, int64) {
	open := strings.LastIndexAny(h, "([")
	if open < 0 {
		return h, 0
	}
	inner := h[open+1:]
	if c := strings.IndexAny(inner, ")]"); c >= 0 {
		inner = inner[:c]
	}
	base := strings.TrimSpace(h[:open])
	u := vi.Fold(inner)
	if i := strings.IndexByte(u, '/'); i >= 0 {
		u = u[:i]
	}
	u = strings.NewReplacer(" ", "", ".", "", ",", "").Replace(u)
	switch u {
	case "dong", "d", "vnd", "vnđ", "₫", "dongvn":
		return base, 1
	case "nghindong", "ngandong", "nghin", "ngan", "1000d", "1000dong", "1000", "ngd", "nd":
		return base, 1e3
	case "trieudong", "trieu", "trd", "tr", "trdong", "trieuvnd", "1000000d":
		return base, 1e6
	case "tydong", "ty", "tyd", "tyvnd":
		return base, 1e9
	}
	return base, 0
}

// ignoredHeaders are column headers dropped without a warning (row numbers).
var ignoredHeaders = map[string]bool{"stt": true, "tt": true, "so tt": true, "sothutu": true, "sott": true}

type catalogIndex struct {
	exact map[string]int // headerKey → column index
	loose map[string]int // looseKey → column index; -1 when ambiguous
}

var catalog = buildCatalog()

func buildCatalog() catalogIndex {
	ci := catalogIndex{exact: map[string]int{}, loose: map[string]int{}}
	add := func(name string, i int) {
		base, _ := unitHint(name)
		for _, n := range []string{name, base} {
			if k := headerKey(n); k != "" {
				if _, ok := ci.exact[k]; !ok {
					ci.exact[k] = i
				}
			}
			if k := looseKey(n); k != "" {
				if j, ok := ci.loose[k]; ok && j != i {
					ci.loose[k] = -1
				} else {
					ci.loose[k] = i
				}
			}
		}
	}
	for i, c := range EstablishmentColumns {
		add(c.Header, i)
		for _, a := range c.Aliases {
			add(a, i)
		}
	}
	return ci
}

// matchHeader returns the catalogue index of header h (or -1) and its unit
// multiplier.
func matchHeader(h string) (int, int64) {
	h, _ = ToUnicode(vi.NFC(h))
	h = strings.TrimSpace(strings.Trim(h, "*:"))
	if h == "" {
		return -1, 0
	}
	try := func(s string) int {
		if i, ok := catalog.exact[headerKey(s)]; ok {
			return i
		}
		if i, ok := catalog.loose[looseKey(s)]; ok && i >= 0 {
			return i
		}
		return -1
	}
	base, mult := unitHint(h)
	if i := try(h); i >= 0 {
		return i, mult
	}
	if base != h {
		if i := try(base); i >= 0 {
			return i, mult
		}
	}
	return -1, 0
}

// MatchHeaders maps header cells to EstablishmentColumns, tolerating case,
// diacritics, spacing, punctuation, abbreviations (LĐ, DT, ĐKKD, SĐT, DTTS,
// CCCD) and unit hints in parentheses, which set the Money multiplier.
// Unknown columns become warnings in Mapping.Warnings; a column given twice
// or a missing required column is an error.
func MatchHeaders(cells []string) (Mapping, []*kc.Error) {
	headers := make([]string, len(cells))
	for i, raw := range cells {
		headers[i], _ = ToUnicode(vi.NFC(raw)) // headers typed in TCVN3 or VNI too
	}
	m := Mapping{Headers: headers, byKey: map[string]int{}, byIndex: map[int]int{}}
	var errs []*kc.Error
	for i, h := range headers {
		if h == "" {
			continue
		}
		ci, mult := matchHeader(h)
		if ci < 0 {
			if !ignoredHeaders[vi.Fold(strings.Trim(h, ".:"))] {
				m.Warnings = append(m.Warnings, &kc.Error{Code: kc.EInvalid, Key: "sheet.unknown_column", Args: []any{ColumnLetter(i), h}})
			}
			continue
		}
		col := EstablishmentColumns[ci]
		if prev, dup := m.byKey[col.Key]; dup {
			errs = append(errs, &kc.Error{Code: kc.EInvalid, Key: "sheet.duplicate_column", Field: col.Key,
				Args: []any{ColumnLetter(i), h, m.Fields[prev].Letter, m.Fields[prev].Header}})
			continue
		}
		if col.Type == Money {
			if mult == 0 {
				_, mult = unitHint(col.Header)
			}
			if mult == 0 {
				mult = 1
			}
		} else {
			mult = 1
		}
		m.byKey[col.Key] = len(m.Fields)
		m.byIndex[i] = len(m.Fields)
		m.Fields = append(m.Fields, Field{Index: i, Letter: ColumnLetter(i), Header: h, Column: col, Multiplier: mult})
	}
	for _, c := range EstablishmentColumns {
		if c.Required && !m.Has(c.Key) && len(m.Fields) > 0 {
			errs = append(errs, &kc.Error{Code: kc.EInvalid, Key: "sheet.missing_column", Field: c.Key, Args: []any{c.Header}})
		}
	}
	return m, errs
}

// headerScore counts the distinct catalogue columns a row's cells match.
func headerScore(cells []string) int {
	seen := map[int]bool{}
	for _, c := range cells {
		if i, _ := matchHeader(c); i >= 0 {
			seen[i] = true
		}
	}
	return len(seen)
}

// FindHeaderRow returns the index (0-based) of the row among rows that
// matches the most catalogue columns, and false when none matches at least
// two.
func FindHeaderRow(rows [][]string) (int, bool) {
	best, bestScore := -1, 1
	for i, r := range rows {
		if i >= HeaderScanRows {
			break
		}
		if s := headerScore(r); s > bestScore {
			best, bestScore = i, s
		}
	}
	return best, best >= 0
}
