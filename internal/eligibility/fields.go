package eligibility

import (
	"strconv"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// Closed option lists of text fields that kc does not define.
var (
	// CommuneTypes are the kinds of commune-level units since 01/07/2025.
	CommuneTypes = []string{"xa", "phuong", "dac_khu"}
	// ProvinceTypes are the kinds of province-level units.
	ProvinceTypes = []string{"tinh", "thanh_pho"}
	// SizeClasses are the enterprise size classes of NĐ 80/2021.
	SizeClasses = []string{kc.SizeMicro, kc.SizeSmall, kc.SizeMedium}
)

// fieldID indexes the Facts fields in catalogue order; the native
// evaluator switches on it and missing facts are a bit mask over it.
type fieldID uint8

const (
	fKind fieldID = iota
	fSizeClass
	fRegistered
	fCommuneType
	fProvinceType
	fCraftVillage
	fTraditionalCraft
	fWomenOwned
	fEthnicMinorityOwned
	fPriorityArea
	fTrades
	fPrimaryTrade
	fArtisan
	fFoundedYear
	fYearsActive
	fFactYear
	fWorkers
	fWomenWorkers
	fEthnicMinorityWorkers
	fRevenue
	fCapital
	fAvgIncome
	fTypicalProduct
	fOCOPStars
	fLocalMaterialsPct
	fExport
	numFields
)

// Fields is the catalogue of the Facts fields criteria may use, in the
// order editors show them. Callers must not modify it.
var Fields = []Field{
	{Name: "Kind", Type: TypeText, LabelKey: "elig.field.kind", Options: kc.EstablishmentKinds},
	{Name: "SizeClass", Type: TypeText, LabelKey: "elig.field.size_class", Options: SizeClasses},
	{Name: "Registered", Type: TypeBool, LabelKey: "elig.field.registered"},
	{Name: "CommuneType", Type: TypeText, LabelKey: "elig.field.commune_type", Options: CommuneTypes},
	{Name: "ProvinceType", Type: TypeText, LabelKey: "elig.field.province_type", Options: ProvinceTypes},
	{Name: "CraftVillage", Type: TypeBool, LabelKey: "elig.field.craft_village"},
	{Name: "TraditionalCraft", Type: TypeBool, LabelKey: "elig.field.traditional_craft"},
	{Name: "WomenOwned", Type: TypeBool, LabelKey: "elig.field.women_owned"},
	{Name: "EthnicMinorityOwned", Type: TypeBool, LabelKey: "elig.field.ethnic_minority_owned"},
	{Name: "PriorityArea", Type: TypeBool, LabelKey: "elig.field.priority_area"},
	{Name: "Trades", Type: TypeList, LabelKey: "elig.field.trades"},
	{Name: "PrimaryTrade", Type: TypeText, LabelKey: "elig.field.primary_trade"},
	{Name: "Artisan", Type: TypeText, LabelKey: "elig.field.artisan", Options: kc.ArtisanTitles},
	{Name: "FoundedYear", Type: TypeInt, LabelKey: "elig.field.founded_year", UnitKey: "elig.unit.years"},
	{Name: "YearsActive", Type: TypeInt, LabelKey: "elig.field.years_active", UnitKey: "elig.unit.years"},
	{Name: "FactYear", Type: TypeInt, LabelKey: "elig.field.fact_year", UnitKey: "elig.unit.years"},
	{Name: "Workers", Type: TypeInt, LabelKey: "elig.field.workers", UnitKey: "elig.unit.workers"},
	{Name: "WomenWorkers", Type: TypeInt, LabelKey: "elig.field.women_workers", UnitKey: "elig.unit.workers"},
	{Name: "EthnicMinorityWorkers", Type: TypeInt, LabelKey: "elig.field.ethnic_minority_workers", UnitKey: "elig.unit.workers"},
	{Name: "Revenue", Type: TypeMoney, LabelKey: "elig.field.revenue", UnitKey: "elig.unit.dong"},
	{Name: "Capital", Type: TypeMoney, LabelKey: "elig.field.capital", UnitKey: "elig.unit.dong"},
	{Name: "AvgIncome", Type: TypeMoney, LabelKey: "elig.field.avg_income", UnitKey: "elig.unit.dong"},
	{Name: "TypicalProduct", Type: TypeBool, LabelKey: "elig.field.typical_product"},
	{Name: "OCOPStars", Type: TypeInt, LabelKey: "elig.field.ocop_stars", UnitKey: "elig.unit.stars"},
	{Name: "LocalMaterialsPct", Type: TypeInt, LabelKey: "elig.field.local_materials_pct", UnitKey: "elig.unit.percent"},
	{Name: "Export", Type: TypeBool, LabelKey: "elig.field.export"},
}

// fieldIDs maps a field name to its index in Fields.
var fieldIDs = func() map[string]fieldID {
	if len(Fields) != int(numFields) {
		panic("eligibility: Fields and the field ids disagree")
	}
	m := make(map[string]fieldID, len(Fields))
	for i, f := range Fields {
		m[f.Name] = fieldID(i)
	}
	return m
}()

// FieldByName returns the catalogue entry of a Facts field.
func FieldByName(name string) (Field, bool) {
	id, ok := fieldIDs[name]
	if !ok {
		return Field{}, false
	}
	return Fields[id], true
}

// OptionKey returns the locale key naming option of a closed text field,
// e.g. OptionKey("CommuneType", "dac_khu") = "elig.option.commune_type.dac_khu",
// so editors can show "Đặc khu" instead of the code.
func OptionKey(field, option string) string {
	f, ok := FieldByName(field)
	if !ok {
		return ""
	}
	return "elig.option." + strings.TrimPrefix(f.LabelKey, "elig.field.") + "." + option
}

// isYear reports fields that hold a calendar year, shown without digit
// grouping ("2015", not "2.015").
func isYear(id fieldID) bool { return id == fFoundedYear || id == fFactYear }

// missingMask returns the bit set of the named missing facts. Unknown
// names are ignored. It does not allocate.
func missingMask(names []string) uint64 {
	var m uint64
	for _, n := range names {
		if id, ok := fieldIDs[n]; ok {
			m |= 1 << id
		}
	}
	return m
}

// maskNames lists the field names of a mask in catalogue order.
func maskNames(m uint64) []string {
	var out []string
	for id := range numFields {
		if m&(1<<id) != 0 {
			out = append(out, Fields[id].Name)
		}
	}
	return out
}

// num returns a numeric field (int or money) as int64.
func (f *Facts) num(id fieldID) int64 {
	switch id {
	case fFoundedYear:
		return int64(f.FoundedYear)
	case fYearsActive:
		return int64(f.YearsActive)
	case fFactYear:
		return int64(f.FactYear)
	case fWorkers:
		return int64(f.Workers)
	case fWomenWorkers:
		return int64(f.WomenWorkers)
	case fEthnicMinorityWorkers:
		return int64(f.EthnicMinorityWorkers)
	case fRevenue:
		return f.Revenue
	case fCapital:
		return f.Capital
	case fAvgIncome:
		return f.AvgIncome
	case fOCOPStars:
		return int64(f.OCOPStars)
	case fLocalMaterialsPct:
		return int64(f.LocalMaterialsPct)
	}
	return 0
}

// flag returns a bool field.
func (f *Facts) flag(id fieldID) bool {
	switch id {
	case fRegistered:
		return f.Registered
	case fCraftVillage:
		return f.CraftVillage
	case fTraditionalCraft:
		return f.TraditionalCraft
	case fWomenOwned:
		return f.WomenOwned
	case fEthnicMinorityOwned:
		return f.EthnicMinorityOwned
	case fPriorityArea:
		return f.PriorityArea
	case fTypicalProduct:
		return f.TypicalProduct
	case fExport:
		return f.Export
	}
	return false
}

// text returns a text field.
func (f *Facts) text(id fieldID) string {
	switch id {
	case fKind:
		return f.Kind
	case fSizeClass:
		return f.SizeClass
	case fCommuneType:
		return f.CommuneType
	case fProvinceType:
		return f.ProvinceType
	case fPrimaryTrade:
		return f.PrimaryTrade
	case fArtisan:
		return f.Artisan
	}
	return ""
}

// Display words for bool facts. They are data of the explanation (like
// vi's weekday names), kept here because Outcome carries display strings.
const (
	yesText = "có"
	noText  = "không"
)

// formatValue formats the value of field id in f for an explanation:
// numbers with Vietnamese digit grouping, money in đồng, years plain,
// bools "có"/"không", text as its code, lists comma-separated.
func formatValue(f *Facts, id fieldID) string {
	switch Fields[id].Type {
	case TypeInt, TypeMoney:
		return formatNum(id, f.num(id))
	case TypeBool:
		return formatBool(f.flag(id))
	case TypeList:
		return strings.Join(f.Trades, ", ")
	default:
		return f.text(id)
	}
}

// formatNum formats a number of field id.
func formatNum(id fieldID, n int64) string {
	switch {
	case isYear(id):
		return strconv.FormatInt(n, 10)
	case Fields[id].Type == TypeMoney:
		return vi.FormatVND(n)
	default:
		return vi.FormatNumber(n)
	}
}

func formatBool(b bool) string {
	if b {
		return yesText
	}
	return noText
}
