package sheet

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// YearPivot decides the century of two-digit years (d/m/yy), as Excel does:
// 00–29 are 2000–2029 and 30–99 are 1930–1999.
const YearPivot = 30

// problem is a parse failure: a catalog key and extra arguments (after row,
// column letter and header).
type problem struct {
	key  string
	args []any
}

func fail(key string, args ...any) *problem { return &problem{key, args} }

// ParseValue parses the cell text s (already NFC and trimmed, not empty) for
// column c; mult scales Money (1 for đồng). The value is string (Text, Enum
// code, Phone, PersonalID), int64 (Int, Money), int (Year), float64, kc.Date,
// bool or []string (List). The error, if any, carries the catalog key and
// the offending text; Read adds row, column and header.
func ParseValue(c Column, s string, mult int64) (any, *kc.Error) {
	v, p := parse(c, s, mult)
	if p != nil {
		return nil, &kc.Error{Code: kc.EInvalid, Key: p.key, Field: c.Key, Args: p.args}
	}
	return v, nil
}

func parse(c Column, s string, mult int64) (any, *problem) {
	switch c.Type {
	case Int:
		n, p := parseNumber(s, 1, false)
		if p != nil {
			return nil, p
		}
		if !n.IsInt() {
			return nil, fail("sheet.not_integer", s)
		}
		if n.Sign() < 0 {
			return nil, fail("sheet.negative", s)
		}
		i := n.Num()
		if !i.IsInt64() || i.Int64() > 1<<40 {
			return nil, fail("sheet.too_large", s)
		}
		return i.Int64(), nil
	case Money:
		if mult <= 0 {
			mult = 1
		}
		n, p := parseNumber(s, mult, true)
		if p != nil {
			return nil, p
		}
		if n.Sign() < 0 {
			return nil, fail("sheet.negative", s)
		}
		// Round to the nearest đồng.
		q := new(big.Int).Quo(new(big.Int).Add(new(big.Int).Mul(n.Num(), big.NewInt(2)), n.Denom()), new(big.Int).Mul(n.Denom(), big.NewInt(2)))
		if !q.IsInt64() || q.Int64() > 1e15 {
			return nil, fail("sheet.too_large", s)
		}
		return q.Int64(), nil
	case Float:
		f, p := parseFloat(s)
		if p != nil {
			return nil, p
		}
		switch c.Key {
		case "lat":
			if f < -90 || f > 90 {
				return nil, fail("sheet.out_of_range", s)
			}
		case "lon":
			if f < -180 || f > 180 {
				return nil, fail("sheet.out_of_range", s)
			}
		}
		return f, nil
	case Date:
		d, p := parseDate(s)
		if p != nil {
			return nil, p
		}
		return d, nil
	case Bool:
		return parseBool(s)
	case Enum:
		return parseEnum(c, s)
	case Phone:
		return parsePhone(s)
	case PersonalID:
		return parsePersonalID(s)
	case Year:
		y, err := strconv.Atoi(strings.TrimSuffix(s, ".0"))
		if err != nil {
			return nil, fail("sheet.bad_year", s)
		}
		if y < 1900 || y > 2100 {
			return nil, fail("sheet.year_range", s)
		}
		return y, nil
	case List:
		parts := strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == '\n' })
		out := make([]string, 0, len(parts))
		for _, p := range parts {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		if len(out) == 0 {
			return nil, nil
		}
		return out, nil
	}
	if c.Key == "commune_code" && len(s) < 5 && strings.Trim(s, "0123456789") == "" {
		// A numeric cell drops the leading zeros of codes such as 00001.
		s = strings.Repeat("0", 5-len(s)) + s
	}
	return s, nil
}

// unitWords are the unit words accepted after a money amount in a cell, in
// folded form, with their multipliers.
var unitWords = []struct {
	word string
	mult int64
}{
	{"ty dong", 1e9}, {"ty", 1e9}, {"trieu dong", 1e6}, {"trieu", 1e6}, {"tr.d", 1e6}, {"trd", 1e6}, {"tr", 1e6},
	{"nghin dong", 1e3}, {"ngan dong", 1e3}, {"nghin", 1e3}, {"ngan", 1e3}, {"k", 1e3},
	{"vnd", 1}, {"dong", 1}, {"d", 1}, {"₫", 1},
}

// approxWords mark an estimate instead of a number ("khoảng 50 triệu").
var approxWords = []string{"khoang", "tren", "duoi", "hon", "gan", "tam", "uoc", "~", "≈", "xap xi"}

// parseNumber parses a Vietnamese- or English-formatted number with an
// optional unit word (money only); the header multiplier applies when the
// cell has no unit word of its own.
func parseNumber(s string, mult int64, money bool) (*big.Rat, *problem) {
	f := vi.Fold(strings.ReplaceAll(s, "\u00a0", " "))
	for _, w := range approxWords {
		if strings.HasPrefix(f, w) {
			return nil, fail("sheet.approximate", s)
		}
	}
	if money {
		for _, u := range unitWords {
			if strings.HasSuffix(f, u.word) {
				rest := strings.TrimSpace(strings.TrimSuffix(f, u.word))
				if rest != "" && (rest[len(rest)-1] >= '0' && rest[len(rest)-1] <= '9') {
					f, mult = rest, u.mult
					break
				}
			}
		}
	}
	num, ok := normaliseNumber(f, true)
	if !ok && strings.IndexAny(strings.TrimLeft(f, "-+ "), "-–") > 0 {
		return nil, fail("sheet.approximate", s) // a range such as "50-60 triệu"
	}
	if !ok {
		if strings.ContainsAny(f, "0123456789") && strings.IndexFunc(f, unicode.IsLetter) >= 0 {
			return nil, fail("sheet.number_with_text", s)
		}
		return nil, fail("sheet.not_number", s)
	}
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return nil, fail("sheet.not_number", s)
	}
	return r.Mul(r, new(big.Rat).SetInt64(mult)), nil
}

// normaliseNumber turns "1.500.000", "1,500,000", "2,5", "1.234,5",
// "1,234.5", "-3" and "1.5E+06" into a Go number literal. thousands allows
// a single separator followed by exactly three digits to group thousands
// ("1.500" is 1500); without it a single separator is the decimal point.
func normaliseNumber(s string, thousands bool) (string, bool) {
	s = strings.ReplaceAll(s, " ", "")
	if s == "" {
		return "", false
	}
	if strings.ContainsAny(s, "eE") {
		// Scientific notation as Excel stores large and small numbers; the
		// exponent is bounded so that a crafted "1e-99999999" stays cheap.
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || strings.ContainsAny(s, ",") || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 1e18 {
			return "", false
		}
		if math.Abs(f) < 1e-9 {
			f = 0
		}
		return strconv.FormatFloat(f, 'f', -1, 64), true
	}
	sign := ""
	if s[0] == '-' || s[0] == '+' {
		if s[0] == '-' {
			sign = "-"
		}
		s = s[1:]
	}
	if s == "" {
		return "", false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == '.' || r == ',') {
			return "", false
		}
	}
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	var intPart, frac string
	var group byte
	switch {
	case dots == 0 && commas == 0:
		intPart = s
	case dots > 0 && commas > 0:
		li := max(strings.LastIndex(s, "."), strings.LastIndex(s, ","))
		dec := s[li]
		if strings.Count(s, string(dec)) > 1 {
			return "", false
		}
		intPart, frac = s[:li], s[li+1:]
		group = '.' + ',' - dec
	default:
		sep := byte('.')
		if commas > 0 {
			sep = ','
		}
		n := dots + commas
		i := strings.IndexByte(s, sep)
		if n > 1 || (thousands && len(s)-i-1 == 3 && i > 0 && s[0] != '0') {
			intPart, group = s, sep
		} else {
			intPart, frac = s[:i], s[i+1:]
		}
	}
	if group != 0 {
		parts := strings.Split(intPart, string(group))
		if len(parts[0]) == 0 || len(parts[0]) > 3 {
			return "", false
		}
		for _, p := range parts[1:] {
			if len(p) != 3 {
				return "", false
			}
		}
		intPart = strings.Join(parts, "")
	}
	if intPart == "" || strings.ContainsAny(intPart+frac, ".,") {
		return "", false
	}
	if frac != "" {
		return sign + intPart + "." + frac, true
	}
	return sign + intPart, true
}

func parseFloat(s string) (float64, *problem) {
	num, ok := normaliseNumber(s, false)
	if !ok {
		return 0, fail("sheet.not_number", s)
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fail("sheet.not_number", s)
	}
	return f, nil
}

// ExcelSerialDate converts an Excel serial day number (1900 date system) to
// a date. Serial 60 is the non-existent 29 February 1900 that Excel keeps
// for Lotus 1-2-3 compatibility and is rejected; serials before it are one
// day off from those after it.
func ExcelSerialDate(serial int) (kc.Date, bool) {
	switch {
	case serial < 1 || serial > 2958465:
		return kc.Date{}, false
	case serial < 60:
		return kc.NewDate(1899, time.December, 31).AddDays(serial), true
	case serial == 60:
		return kc.Date{}, false
	}
	return kc.NewDate(1899, time.December, 30).AddDays(serial), true
}

// parseDate accepts dd/mm/yyyy, d/m/yy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd
// (optionally followed by a time) and Excel serial numbers.
func parseDate(s string) (kc.Date, *problem) {
	t := strings.TrimSpace(s)
	if i := strings.IndexAny(t, " T"); i > 0 {
		t = t[:i]
	}
	if n, err := strconv.ParseFloat(t, 64); err == nil && !strings.ContainsAny(t, "-/") {
		if n >= 1900 && n <= 2100 && n == float64(int(n)) {
			return kc.Date{}, fail("sheet.year_only", s)
		}
		if d, ok := ExcelSerialDate(int(n)); ok {
			return d, nil
		}
		return kc.Date{}, fail("sheet.bad_date", s)
	}
	parts := strings.FieldsFunc(t, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	if len(parts) != 3 {
		return kc.Date{}, fail("sheet.bad_date", s)
	}
	nums := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return kc.Date{}, fail("sheet.bad_date", s)
		}
		nums[i] = n
	}
	var y, m, d int
	if len(parts[0]) == 4 {
		y, m, d = nums[0], nums[1], nums[2]
	} else {
		d, m, y = nums[0], nums[1], nums[2]
		switch len(parts[2]) {
		case 2:
			if y < YearPivot {
				y += 2000
			} else {
				y += 1900
			}
		case 4:
		default:
			return kc.Date{}, fail("sheet.bad_date", s)
		}
	}
	if y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 {
		return kc.Date{}, fail("sheet.bad_date", s)
	}
	date := kc.NewDate(y, time.Month(m), d)
	if date.Time().Day() != d {
		return kc.Date{}, fail("sheet.bad_date", s)
	}
	return date, nil
}

var (
	trueWords  = map[string]bool{"co": true, "x": true, "1": true, "yes": true, "y": true, "true": true, "dung": true, "v": true}
	falseWords = map[string]bool{"khong": true, "0": true, "no": true, "n": true, "false": true, "sai": true, "-": true}
)

func parseBool(s string) (any, *problem) {
	f := vi.Fold(s)
	switch {
	case trueWords[f]:
		return true, nil
	case falseWords[f]:
		return false, nil
	}
	return nil, fail("sheet.bad_bool", s)
}

// enumAliases are extra spellings of enum values seen in the field (folded).
var enumAliases = map[string]map[string]string{
	"kind": {
		"hkd": "household_business", "ho kinh doanh ca the": "household_business", "ho ca the": "household_business",
		"ho san xuat": "household", "ho": "household", "ho gia dinh": "household",
		"tht": "coop_group", "to hop tac": "coop_group",
		"htx": "cooperative", "lien hiep htx": "coop_union",
		"dn": "enterprise", "cong ty": "enterprise", "doanh nghiep nho va vua": "enterprise", "cong ty tnhh": "enterprise",
	},
	"owner_gender": {"f": "female", "m": "male", "nu gioi": "female", "nam gioi": "male"},
	"size_class":   {"sieu nho": "micro", "dn sieu nho": "micro", "dn nho": "small", "dn vua": "medium"},
}

// enumIndex maps folded labels, codes and aliases to codes, per column key.
var enumIndex = func() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, c := range EstablishmentColumns {
		if c.Type != Enum {
			continue
		}
		m := map[string]string{}
		for a, code := range enumAliases[c.Key] {
			m[a] = code
		}
		for _, o := range c.Options {
			m[vi.Fold(o.Code)] = o.Code
			m[vi.Fold(o.Label)] = o.Code
		}
		out[c.Key] = m
	}
	return out
}()

func parseEnum(c Column, s string) (any, *problem) {
	f := vi.Fold(s)
	if m, ok := enumIndex[c.Key]; ok {
		if code, ok := m[f]; ok {
			return code, nil
		}
	} else {
		for _, o := range c.Options {
			if vi.Fold(o.Code) == f || vi.Fold(o.Label) == f {
				return o.Code, nil
			}
		}
	}
	return nil, fail("sheet.bad_enum", s, optionLabels(c))
}

func optionLabels(c Column) string {
	ls := make([]string, len(c.Options))
	for i, o := range c.Options {
		ls[i] = o.Label
	}
	return strings.Join(ls, ", ")
}

// parsePhone accepts Vietnamese mobile (10 digits) and landline (11 digits)
// numbers written with spaces, dots, dashes or brackets, with 0, +84 or 84
// in front, and returns 0xxxxxxxxx. A leading zero dropped by a numeric
// cell is restored.
func parsePhone(s string) (any, *problem) {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || r == '\u00a0':
		case unicode.IsLetter(r):
			return nil, fail("sheet.phone_letters", s)
		default:
			return nil, fail("sheet.bad_phone", s)
		}
	}
	d := b.String()
	if strings.HasPrefix(d, "84") && (len(d) == 11 || len(d) == 12) {
		d = "0" + d[2:]
	}
	if !strings.HasPrefix(d, "0") && (len(d) == 9 || len(d) == 10) {
		d = "0" + d
	}
	if !strings.HasPrefix(d, "0") || len(d) < 10 || len(d) > 11 {
		return nil, fail("sheet.bad_phone", s)
	}
	switch {
	case len(d) == 10 && strings.ContainsRune("35789", rune(d[1])):
	case len(d) == 11 && d[1] == '2':
	default:
		return nil, fail("sheet.bad_phone", s)
	}
	return d, nil
}

// parsePersonalID accepts exactly 12 digits (spaces and dots ignored).
func parsePersonalID(s string) (any, *problem) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-':
		default:
			return nil, fail("sheet.personal_id_digits", s)
		}
	}
	if b.Len() != 12 {
		return nil, fail("sheet.personal_id_length", s, b.Len())
	}
	return b.String(), nil
}
