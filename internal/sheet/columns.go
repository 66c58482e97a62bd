package sheet

// Type is the kind of value a column holds; it selects the parser.
type Type int

// Column value types.
const (
	Text       Type = iota // free text, NFC
	Int                    // whole number (people, years)
	Money                  // đồng, int64; header unit hints scale it
	Float                  // decimal (coordinates)
	Date                   // calendar day: dd/mm/yyyy, d/m/yy, Excel serial
	Bool                   // có/không, x, 1/0, true/false
	Enum                   // one of Options (Vietnamese label or code)
	Phone                  // Vietnamese phone number
	PersonalID             // 12-digit personal identification number
	Year                   // four-digit year
	List                   // several values separated by ";" or ","
)

// Option is one allowed value of an Enum column: the stored code and the
// Vietnamese label shown in the template dropdown.
type Option struct {
	Code  string
	Label string
}

// Column describes one column of the establishment spreadsheet, shared by
// the template, the export and the import so that a round-trip changes
// nothing.
type Column struct {
	Key      string   // field key, e.g. "name"
	Header   string   // Vietnamese header written in templates and exports
	Aliases  []string // other headers seen in the field (matched after folding)
	Type     Type
	Required bool
	Personal bool // personal data: exported unmasked only with the right
	// Multiline keeps the line breaks of the cell (notes); other text
	// has its white space collapsed.
	Multiline bool
	Options   []Option
}

// KindOptions are the establishment kinds with their Vietnamese labels.
var KindOptions = []Option{
	{"household_business", "Hộ kinh doanh"},
	{"household", "Hộ sản xuất chưa đăng ký"},
	{"coop_group", "Tổ hợp tác"},
	{"cooperative", "Hợp tác xã"},
	{"coop_union", "Liên hiệp hợp tác xã"},
	{"enterprise", "Doanh nghiệp"},
}

// SizeOptions are the enterprise size classes (NĐ 80/2021).
var SizeOptions = []Option{
	{"micro", "Siêu nhỏ"},
	{"small", "Nhỏ"},
	{"medium", "Vừa"},
}

// GenderOptions are the owner genders.
var GenderOptions = []Option{
	{"female", "Nữ"},
	{"male", "Nam"},
}

// EstablishmentColumns is the establishment spreadsheet, in template order.
var EstablishmentColumns = []Column{
	{Key: "id", Header: "Mã cơ sở", Aliases: []string{"ID", "Mã số cơ sở", "Mã CS"}, Type: Int},
	{Key: "name", Header: "Tên cơ sở", Aliases: []string{"Tên", "Tên cơ sở sản xuất", "Tên hộ/cơ sở", "Cơ sở"}, Type: Text, Required: true},
	{Key: "kind", Header: "Loại hình", Aliases: []string{"Loại hình cơ sở", "Hình thức tổ chức"}, Type: Enum, Required: true, Options: KindOptions},
	{Key: "size_class", Header: "Quy mô doanh nghiệp", Aliases: []string{"Quy mô", "Quy mô DN"}, Type: Enum, Options: SizeOptions},
	{Key: "commune_code", Header: "Mã xã", Aliases: []string{"Mã đơn vị hành chính", "Mã ĐVHC", "Mã phường/xã"}, Type: Text},
	{Key: "commune", Header: "Xã/phường", Aliases: []string{"Xã", "Tên xã", "Phường/xã", "Địa bàn"}, Type: Text},
	{Key: "village", Header: "Thôn/bản", Aliases: []string{"Thôn", "Bản", "Thôn/bản/khóm", "Khóm", "Địa chỉ"}, Type: Text},
	{Key: "owner_name", Header: "Chủ cơ sở", Aliases: []string{"Họ tên chủ cơ sở", "Chủ hộ", "Người đại diện", "Họ và tên"}, Type: Text, Personal: true},
	{Key: "owner_gender", Header: "Giới tính chủ cơ sở", Aliases: []string{"Giới tính"}, Type: Enum, Options: GenderOptions, Personal: true},
	{Key: "owner_ethnicity", Header: "Dân tộc chủ cơ sở", Aliases: []string{"Dân tộc"}, Type: Text, Personal: true},
	{Key: "owner_birth_year", Header: "Năm sinh chủ cơ sở", Aliases: []string{"Năm sinh"}, Type: Year, Personal: true},
	{Key: "phone", Header: "Số điện thoại", Aliases: []string{"SĐT", "Điện thoại", "ĐT", "Số ĐT", "Điện thoại liên hệ", "SĐT liên hệ"}, Type: Phone, Personal: true},
	{Key: "personal_id", Header: "Số định danh cá nhân", Aliases: []string{"CCCD", "Số CCCD", "Căn cước công dân", "Số định danh", "CMND/CCCD"}, Type: PersonalID, Personal: true},
	{Key: "trades", Header: "Ngành nghề", Aliases: []string{"Ngành nghề sản xuất", "Nghề", "Lĩnh vực"}, Type: List},
	{Key: "main_products", Header: "Sản phẩm chính", Aliases: []string{"Sản phẩm", "Mặt hàng"}, Type: Text},
	{Key: "traditional_craft", Header: "Nghề truyền thống", Aliases: []string{"Nghề TT"}, Type: Bool},
	{Key: "craft_village", Header: "Làng nghề", Aliases: []string{"Thuộc làng nghề"}, Type: Bool},
	{Key: "women_owned", Header: "Chủ là nữ", Aliases: []string{"Do nữ làm chủ", "Nữ làm chủ"}, Type: Bool},
	{Key: "ethnic_minority_owned", Header: "Chủ là người DTTS", Aliases: []string{"Do người DTTS làm chủ", "DTTS làm chủ", "Chủ DTTS"}, Type: Bool},
	{Key: "founded_year", Header: "Năm thành lập", Aliases: []string{"Năm bắt đầu sản xuất", "Năm hoạt động"}, Type: Year},
	{Key: "registration_no", Header: "Số ĐKKD", Aliases: []string{"ĐKKD", "Số đăng ký kinh doanh", "Giấy ĐKKD", "Số giấy ĐKKD", "Mã số thuế", "MST"}, Type: Text},
	{Key: "registration_date", Header: "Ngày ĐKKD", Aliases: []string{"Ngày đăng ký kinh doanh", "Ngày cấp ĐKKD"}, Type: Date},
	{Key: "fact_year", Header: "Năm số liệu", Aliases: []string{"Năm"}, Type: Year},
	{Key: "workers", Header: "Số lao động", Aliases: []string{"LĐ", "Lao động", "Tổng số lao động", "Số LĐ"}, Type: Int},
	{Key: "women_workers", Header: "Lao động nữ", Aliases: []string{"LĐ nữ", "Số lao động nữ"}, Type: Int},
	{Key: "ethnic_minority_workers", Header: "Lao động DTTS", Aliases: []string{"LĐ DTTS", "Lao động dân tộc thiểu số", "Số lao động DTTS"}, Type: Int},
	{Key: "revenue", Header: "Doanh thu (đồng)", Aliases: []string{"DT", "Doanh thu", "Doanh thu năm", "Tổng doanh thu"}, Type: Money},
	{Key: "capital", Header: "Vốn (đồng)", Aliases: []string{"Vốn", "Vốn đầu tư", "Tổng vốn"}, Type: Money},
	{Key: "avg_income", Header: "Thu nhập bình quân (đồng/người/tháng)", Aliases: []string{"Thu nhập bình quân", "TNBQ", "Thu nhập BQ"}, Type: Money},
	{Key: "lat", Header: "Vĩ độ", Aliases: []string{"Lat"}, Type: Float},
	{Key: "lon", Header: "Kinh độ", Aliases: []string{"Lon", "Long"}, Type: Float},
	{Key: "notes", Header: "Ghi chú", Aliases: []string{"Ghi chú khác"}, Type: Text, Multiline: true},
}

// ColumnByKey returns the column with key, and false when there is none.
func ColumnByKey(key string) (Column, bool) {
	for _, c := range EstablishmentColumns {
		if c.Key == key {
			return c, true
		}
	}
	return Column{}, false
}
