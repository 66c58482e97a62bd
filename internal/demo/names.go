package demo

import (
	"fmt"
	"math/rand/v2"

	"khuyencong/internal/kc"
)

// Trade codes of the catalogue that the generator uses; the catalogue
// itself is seeded by the store (store.DefaultReference).
const (
	TradeRiceWine    = "RUOU_MEN_LA"
	TradeBrocade     = "DET_THO_CAM"
	TradeBasketry    = "DAN_GUI_MAY"
	TradeCarpentry   = "MOC"
	TradeMechanics   = "CO_KHI"
	TradeAgriProc    = "CHE_BIEN_NONG_SAN"
	TradeMilling     = "XAY_XAT"
	TradeIce         = "NUOC_DA"
	TradeGarment     = "MAY_MAC"
	TradeBricks      = "VLXD"
	TradeWood        = "CHE_BIEN_GO"
	TradeTea         = "CHE"
	TradeSeafood     = "THUY_SAN"
	TradePottery     = "GOM"
	TradeFood        = "THUC_PHAM"
	TradeEmbroidery  = "THEU_REN"
	TradeFishSauce   = "NUOC_MAM"
	TradeHerbal      = "DUOC_LIEU"
	TradeFurnitureEx = "DO_GO_MY_NGHE"
)

// Scheme codes of the catalogue (store.DefaultReference).
const (
	SchemeTraining    = "DAO_TAO_NGHE"
	SchemeCapacity    = "NANG_CAO_NANG_LUC"
	SchemeFounding    = "THANH_LAP_DN"
	SchemeDemoModel   = "MO_HINH_TRINH_DIEN"
	SchemeMachinery   = "MAY_MOC_TIEN_TIEN"
	SchemeBrand       = "THUONG_HIEU"
	SchemeFair        = "HOI_CHO_TRONG_NUOC"
	SchemeConsulting  = "TU_VAN"
	SchemeOutreach    = "THONG_TIN_TUYEN_TRUYEN"
	SchemeDigital     = "CHUYEN_DOI_SO"
	SchemeCleanerProd = "SAN_XUAT_SACH_HON"
)

// tradeInfo is how the generator talks about a trade: the words used in
// establishment names, what establishments produce, and the share of
// women among workers (percent).
type tradeInfo struct {
	label    string
	products string
	women    int
	// revenue per worker per year, million đồng, low and high
	revLo, revHi int
	traditional  bool
}

var trades = map[string]tradeInfo{
	TradeRiceWine:    {"nấu rượu men lá", "rượu men lá", 60, 20, 55, true},
	TradeBrocade:     {"dệt thổ cẩm", "khăn, váy, túi thổ cẩm", 100, 15, 40, true},
	TradeBasketry:    {"đan gùi mây", "gùi, nong, nia, giỏ mây", 30, 12, 35, true},
	TradeCarpentry:   {"mộc", "giường, tủ, bàn ghế, cửa gỗ", 10, 60, 140, false},
	TradeMechanics:   {"cơ khí", "khung cửa sắt, nông cụ, sửa chữa máy", 5, 70, 160, false},
	TradeAgriProc:    {"chế biến nông sản", "tinh bột sắn, chuối sấy, cà phê bột", 55, 40, 110, false},
	TradeMilling:     {"xay xát", "gạo, bột ngô", 40, 35, 90, false},
	TradeIce:         {"sản xuất nước đá", "nước đá cây, đá tinh khiết", 20, 90, 200, false},
	TradeGarment:     {"may mặc", "quần áo may sẵn, đồng phục", 85, 40, 100, false},
	TradeBricks:      {"gạch không nung", "gạch xi măng cốt liệu", 15, 80, 180, false},
	TradeWood:        {"chế biến gỗ", "gỗ xẻ, ván ghép", 15, 80, 200, false},
	TradeTea:         {"chế biến chè", "chè búp khô", 60, 40, 110, true},
	TradeSeafood:     {"chế biến thủy sản", "cá khô, mực khô", 65, 60, 160, false},
	TradePottery:     {"gốm", "gốm gia dụng", 40, 50, 130, true},
	TradeFood:        {"chế biến thực phẩm", "bánh, mứt, giò chả", 70, 50, 140, false},
	TradeEmbroidery:  {"thêu ren", "khăn thêu, tranh thêu", 95, 25, 70, true},
	TradeFishSauce:   {"nước mắm", "nước mắm truyền thống", 50, 60, 150, true},
	TradeHerbal:      {"chế biến dược liệu", "cao, trà dược liệu", 60, 50, 150, false},
	TradeFurnitureEx: {"đồ gỗ mỹ nghệ", "tượng gỗ, đồ gỗ chạm khắc", 15, 80, 220, true},
}

// TradeCodes returns every trade code the generator may use.
func TradeCodes() []string {
	out := make([]string, 0, len(trades))
	for c := range trades {
		out = append(out, c)
	}
	return out
}

// SchemeCodes returns every scheme code the generator may use.
func SchemeCodes() []string {
	return []string{SchemeTraining, SchemeCapacity, SchemeFounding, SchemeDemoModel, SchemeMachinery, SchemeBrand, SchemeFair,
		SchemeConsulting, SchemeOutreach, SchemeDigital, SchemeCleanerProd, SchemeProvMachinery, SchemeProvBrand}
}

// Ethnic groups used in the demo.
const (
	EthnicKinh    = "Kinh"
	EthnicVanKieu = "Vân Kiều"
	EthnicPaKo    = "Pa Kô"
)

// Invented names. Kinh names are common name parts; the Vân Kiều and Pa Kô
// given names are made-up syllables, so no real person is described.
var (
	kinhSurnames  = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Trương", "Lương", "Đinh", "Mai", "Cao"}
	kinhMaleMid   = []string{"Văn", "Hữu", "Đức", "Quang", "Minh", "Công", "Xuân"}
	kinhFemaleMid = []string{"Thị", "Thị", "Ngọc", "Thu", "Thanh"}
	kinhMale      = []string{"An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Quân", "Sơn", "Tài", "Thắng", "Toàn", "Trung", "Tuấn", "Việt", "Lực", "Tịnh", "Hòa", "Lộc"}
	kinhFemale    = []string{"Hà", "Hạnh", "Hoa", "Hương", "Lan", "Liên", "Mai", "Nga", "Nhung", "Oanh", "Phương", "Thảo", "Thu", "Trang", "Vân", "Yến", "Hiền", "Loan"}
	ethnicSurname = []string{"Hồ", "Hồ", "Hồ", "Kăn", "Pả", "Căn", "A Lăng", "Hồ Văn"}
	ethnicMale    = []string{"Tơ Lúi", "Phiêng", "Chăn", "Pỏi", "Kiêm", "Prông", "Bướp", "Ăm", "Ka Lia", "Pơ Loan", "Xiêng", "A Rất", "Tăng", "Lục", "Thoong"}
	ethnicFemale  = []string{"Ảo", "Xoan", "Pia", "Hiên", "Nhìa", "Plang", "Rơm", "Tăng Thị", "A Chi", "Mây", "Lai", "Chiêng", "Bhía", "Pỏ"}
	brandWords    = []string{"Mẫu Hưng", "Mẫu Phát", "Mẫu Thịnh", "Mẫu An", "Mẫu Tiến", "Mẫu Lợi", "Mẫu Thành"}
)

// person is an invented owner.
type person struct {
	name      string
	female    bool
	ethnicity string
	birthYear int
}

// newPerson invents an owner of the given ethnicity (female with
// probability femalePct %).
func newPerson(r *rand.Rand, ethnicity string, femalePct int, today kc.Date) person {
	p := person{ethnicity: ethnicity, female: r.IntN(100) < femalePct, birthYear: today.Year() - between(r, 24, 68)}
	switch ethnicity {
	case EthnicKinh:
		if p.female {
			p.name = pick(r, kinhSurnames) + " " + pick(r, kinhFemaleMid) + " " + pick(r, kinhFemale)
		} else {
			p.name = pick(r, kinhSurnames) + " " + pick(r, kinhMaleMid) + " " + pick(r, kinhMale)
		}
	default:
		sur := pick(r, ethnicSurname)
		if p.female {
			if sur == "Hồ Văn" {
				sur = "Hồ Thị"
			}
			p.name = sur + " " + pick(r, ethnicFemale)
		} else {
			p.name = sur + " " + pick(r, ethnicMale)
		}
	}
	return p
}

// establishmentName names an establishment after its kind, trade, owner and
// place.
func establishmentName(r *rand.Rand, kind, trade string, owner person, village, commune string, seq int) string {
	label := trades[trade].label
	switch kind {
	case kc.KindCoopGroup:
		return fmt.Sprintf("Tổ hợp tác %s %s", label, village)
	case kc.KindCooperative:
		return fmt.Sprintf("HTX %s %s", label, commune)
	case kc.KindCoopUnion:
		return fmt.Sprintf("Liên hiệp HTX %s %s", label, commune)
	case kc.KindEnterprise:
		return fmt.Sprintf("Công ty TNHH %s %s %d", label, pick(r, brandWords), seq)
	case kc.KindHouseholdBusiness:
		return fmt.Sprintf("Cơ sở %s %s", label, owner.name)
	default:
		return fmt.Sprintf("Hộ %s %s", label, owner.name)
	}
}
