package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// LegalBasis is one legal instrument that schemes and content areas cite.
type LegalBasis struct {
	ID            int64
	Code          string
	Title         string
	SignedOn      kc.Date
	EffectiveFrom kc.Date
	EffectiveTo   kc.Date
	URL           string
}

// ContentArea is one khuyến công content area with its validity.
type ContentArea struct {
	Code      string
	Name      string
	Basis     string
	ValidFrom kc.Date
	ValidTo   kc.Date
}

// SchemeSeed is a scheme version to seed; LegalBasis names a LegalBasis by
// code, and Version numbers the versions of one Code. ProvinceCode names
// the province in force that a provincial scheme belongs to (left unset
// when the units are not loaded yet); Example marks a clearly labelled
// example set. Criteria are seeded with the version (see EnsureReference).
type SchemeSeed struct {
	kc.Scheme
	Version      int
	CapUnit      string
	Note         string
	Example      bool
	ProvinceCode string
	Criteria     []SchemeCriterion
}

// Reference is the reference data seeded by EnsureReference.
type Reference struct {
	Trades       []kc.Trade
	LegalBases   []LegalBasis
	ContentAreas []ContentArea
	Schemes      []SchemeSeed
	// ScoreItems is the appraisal score sheet (see DefaultScoreItems).
	ScoreItems []ScoreItem
}

// EnsureReference inserts the reference rows that are missing, matched on
// their codes (and versions for schemes); existing rows are left as they
// are, so an administrator's corrections survive. The criteria of a seeded
// scheme version are inserted when the version has none and was never
// edited (updated_at equals created_at): a new version, or one seeded
// before criteria were part of the catalogue; a version whose criteria an
// administrator removed keeps none. It returns the number of rows
// inserted.
func (s *Store) EnsureReference(ctx context.Context, ref Reference) (int, error) {
	n := 0
	err := s.InTx(ctx, func(tx *Tx) error {
		n = 0
		count := func(res sql.Result) {
			if k, err := res.RowsAffected(); err == nil {
				n += int(k)
			}
		}
		for _, t := range ref.Trades {
			res, err := tx.exec(ctx, `INSERT INTO trade (code, name, name_fold, vsic_code, traditional) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (code) DO NOTHING`, t.Code, vi.NFC(t.Name), vi.SearchKey(t.Name), t.VSIC, t.Traditional)
			if err != nil {
				return fmt.Errorf("store: seed trade %s: %w", t.Code, err)
			}
			count(res)
		}
		for _, b := range ref.LegalBases {
			res, err := tx.exec(ctx, `INSERT INTO legal_basis (code, title, signed_on, effective_from, effective_to, url) VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (code) DO NOTHING`, b.Code, vi.NFC(b.Title), b.SignedOn, b.EffectiveFrom, b.EffectiveTo, b.URL)
			if err != nil {
				return fmt.Errorf("store: seed legal basis %s: %w", b.Code, err)
			}
			count(res)
		}
		for _, c := range ref.ContentAreas {
			res, err := tx.exec(ctx, `INSERT INTO content_area (code, name, basis, valid_from, valid_to) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (code) DO NOTHING`, c.Code, vi.NFC(c.Name), c.Basis, c.ValidFrom, c.ValidTo)
			if err != nil {
				return fmt.Errorf("store: seed content area %s: %w", c.Code, err)
			}
			count(res)
		}
		for _, sc := range ref.Schemes {
			var basisID any
			if sc.LegalBasis != "" {
				var id int64
				err := tx.queryRow(ctx, "SELECT id FROM legal_basis WHERE code = $1", sc.LegalBasis).Scan(&id)
				if err != nil {
					return fmt.Errorf("store: scheme %s legal basis %s: %w", sc.Code, sc.LegalBasis, tx.s.mapErr(err))
				}
				basisID = id
			}
			version := sc.Version
			if version == 0 {
				version = 1
			}
			var provinceID any
			if sc.ProvinceCode != "" {
				var id int64
				err := tx.queryRow(ctx, "SELECT id FROM unit WHERE code = $1 AND level = 'province' AND valid_to IS NULL", sc.ProvinceCode).Scan(&id)
				switch kc.ErrorCode(tx.s.mapErr(err)) {
				case "":
					provinceID = id
				case kc.ENotFound: // units not loaded yet: the scheme stays without a province
				default:
					return fmt.Errorf("store: scheme %s province %s: %w", sc.Code, sc.ProvinceCode, err)
				}
			}
			res, err := tx.exec(ctx, `INSERT INTO scheme (code, version, level, province_id, content_area, name, legal_basis_id, effective_from, effective_to,
				rate_bp, cap, cap_unit, uplift_bp, counterpart_min_bp, confirmed, example, note, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)
				ON CONFLICT (code, version) DO NOTHING`,
				sc.Code, version, sc.Level, provinceID, sc.ContentArea, vi.NFC(sc.Name), basisID, sc.EffectiveFrom, sc.EffectiveTo,
				nullInt(sc.RateBP), nullInt64(sc.Cap), sc.CapUnit, nullInt(sc.UpliftBP), nullInt(sc.CounterpartMinBP), sc.Confirmed, sc.Example, sc.Note, tx.now)
			if err != nil {
				return fmt.Errorf("store: seed scheme %s v%d: %w", sc.Code, version, err)
			}
			count(res)
			if len(sc.Criteria) == 0 {
				continue
			}
			var id int64
			var pristine bool
			if err := tx.queryRow(ctx, "SELECT id, updated_at = created_at FROM scheme WHERE code = $1 AND version = $2", sc.Code, version).Scan(&id, &pristine); err != nil {
				return fmt.Errorf("store: seeded scheme %s v%d: %w", sc.Code, version, tx.s.mapErr(err))
			}
			have, err := tx.count(ctx, "SELECT COUNT(*) FROM criterion WHERE scheme_id = $1", id)
			if err != nil {
				return fmt.Errorf("store: criteria of scheme %s v%d: %w", sc.Code, version, err)
			}
			if have > 0 || !pristine {
				continue
			}
			for i, c := range sc.Criteria {
				if c.Group <= 0 {
					c.Group = 1
				}
				if c.Kind == "" {
					c.Kind = "eligibility"
				}
				if _, err := tx.exec(ctx, `INSERT INTO criterion (scheme_id, group_no, position, kind, label, field, op, value, formula, points)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
					id, c.Group, i+1, c.Kind, vi.NFC(c.Label), c.Field, c.Op, c.Value, c.Formula, c.Points); err != nil {
					return fmt.Errorf("store: seed criterion %d of scheme %s v%d: %w", i+1, sc.Code, version, err)
				}
				n++
			}
		}
		k, err := tx.ensureScoreItems(ctx, ref.ScoreItems)
		n += k
		return err
	})
	return n, err
}

// nullInt64 maps 0 to NULL for optional amounts ("not set, needs review").
func nullInt64(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// ListTrades returns the trade catalogue in code order.
func (s *Store) ListTrades(ctx context.Context) ([]kc.Trade, error) {
	var out []kc.Trade
	err := s.View(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, "SELECT id, code, name, vsic_code, traditional FROM trade ORDER BY code")
		if err != nil {
			return fmt.Errorf("store: list trades: %w", err)
		}
		out, err = collectRows(rows, func(r rowScanner, t *kc.Trade) error {
			return r.Scan(&t.ID, &t.Code, &t.Name, &t.VSIC, &t.Traditional)
		})
		return err
	})
	return out, err
}

// ListSchemes returns every scheme version, by code and effective date.
// LegalBasis holds the code of the legal basis.
func (s *Store) ListSchemes(ctx context.Context) ([]kc.Scheme, error) {
	var out []kc.Scheme
	err := s.View(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT s.id, s.code, s.level, s.content_area, s.name, COALESCE(b.code, ''), s.effective_from, s.effective_to,
			COALESCE(s.rate_bp, 0), COALESCE(s.cap, 0), COALESCE(s.uplift_bp, 0), COALESCE(s.counterpart_min_bp, 0), s.confirmed
			FROM scheme s LEFT JOIN legal_basis b ON b.id = s.legal_basis_id ORDER BY s.code, s.effective_from`)
		if err != nil {
			return fmt.Errorf("store: list schemes: %w", err)
		}
		out, err = collectRows(rows, func(r rowScanner, sc *kc.Scheme) error {
			return r.Scan(&sc.ID, &sc.Code, &sc.Level, &sc.ContentArea, &sc.Name, &sc.LegalBasis, &sc.EffectiveFrom, &sc.EffectiveTo,
				&sc.RateBP, &sc.Cap, &sc.UpliftBP, &sc.CounterpartMinBP, &sc.Confirmed)
		})
		return err
	})
	return out, err
}

// ListContentAreas returns the content areas in code order.
func (s *Store) ListContentAreas(ctx context.Context) ([]ContentArea, error) {
	var out []ContentArea
	err := s.View(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, "SELECT code, name, basis, valid_from, valid_to FROM content_area ORDER BY id")
		if err != nil {
			return fmt.Errorf("store: list content areas: %w", err)
		}
		out, err = collectRows(rows, func(r rowScanner, c *ContentArea) error {
			return r.Scan(&c.Code, &c.Name, &c.Basis, &c.ValidFrom, &c.ValidTo)
		})
		return err
	})
	return out, err
}

// DefaultReference is the catalogue every installation starts with: the
// trades of the demo regions, the legal instruments of domain §2, the
// content areas of NĐ 45/2012 (and those NĐ 235/2025 added), and the
// support schemes with one version per cap period (TTLT 26/2014 until
// 10/05/2018, TT 28/2018 after, restated from 15/10/2025 under NĐ 235).
// Caps that domain §3.9 marks UNCONFIRMED are left empty ("cần xác minh").
func DefaultReference() Reference {
	d := kc.MustDate
	ref := Reference{
		Trades: []kc.Trade{
			{Code: "RUOU_MEN_LA", Name: "Rượu men lá", VSIC: "1101", Traditional: true},
			{Code: "DET_THO_CAM", Name: "Dệt thổ cẩm", VSIC: "1312", Traditional: true},
			{Code: "DAN_GUI_MAY", Name: "Đan gùi, mây tre đan", VSIC: "1629", Traditional: true},
			{Code: "MOC", Name: "Mộc dân dụng", VSIC: "3100"},
			{Code: "CO_KHI", Name: "Cơ khí nhỏ, sửa chữa nông cụ", VSIC: "2592"},
			{Code: "CHE_BIEN_NONG_SAN", Name: "Chế biến nông sản"},
			{Code: "XAY_XAT", Name: "Xay xát lương thực", VSIC: "1061"},
			{Code: "NUOC_DA", Name: "Sản xuất nước đá", VSIC: "3530"},
			{Code: "MAY_MAC", Name: "May mặc", VSIC: "1410"},
			{Code: "VLXD", Name: "Gạch không nung, vật liệu xây dựng", VSIC: "2395"},
			{Code: "CHE_BIEN_GO", Name: "Chế biến gỗ", VSIC: "1610"},
			{Code: "CHE", Name: "Chế biến chè", VSIC: "1076", Traditional: true},
			{Code: "THUY_SAN", Name: "Chế biến thủy sản", VSIC: "1020"},
			{Code: "GOM", Name: "Gốm", Traditional: true},
			{Code: "THUC_PHAM", Name: "Chế biến thực phẩm"},
			{Code: "THEU_REN", Name: "Thêu ren", Traditional: true},
			{Code: "NUOC_MAM", Name: "Nước mắm", Traditional: true},
			{Code: "DUOC_LIEU", Name: "Chế biến dược liệu"},
			{Code: "DO_GO_MY_NGHE", Name: "Đồ gỗ mỹ nghệ", Traditional: true},
		},
		LegalBases: []LegalBasis{
			{Code: "NĐ 45/2012/NĐ-CP", Title: "Nghị định về khuyến công", SignedOn: d("2012-05-21"), EffectiveFrom: d("2012-07-05")},
			{Code: "TT 46/2012/TT-BCT", Title: "Thông tư quy định chi tiết một số nội dung của Nghị định 45/2012/NĐ-CP", SignedOn: d("2012-12-28"), EffectiveFrom: d("2013-02-10")},
			{Code: "TT 36/2013/TT-BCT", Title: "Thông tư quy định về xây dựng kế hoạch, tổ chức thực hiện và quản lý kinh phí khuyến công quốc gia", SignedOn: d("2013-12-27"), EffectiveFrom: d("2014-02-10")},
			{Code: "TTLT 26/2014/TTLT-BTC-BCT", Title: "Thông tư liên tịch hướng dẫn quản lý và sử dụng kinh phí khuyến công", SignedOn: d("2014-02-18"), EffectiveFrom: d("2014-04-08"), EffectiveTo: d("2018-05-10")},
			{Code: "TT 28/2018/TT-BTC", Title: "Thông tư hướng dẫn lập, quản lý, sử dụng kinh phí khuyến công", SignedOn: d("2018-03-28"), EffectiveFrom: d("2018-05-11")},
			{Code: "NĐ 235/2025/NĐ-CP", Title: "Nghị định sửa đổi, bổ sung Nghị định 45/2012/NĐ-CP về khuyến công", SignedOn: d("2025-08-27"), EffectiveFrom: d("2025-10-15")},
		},
		ContentAreas: []ContentArea{
			{Code: "CA1", Name: "Đào tạo nghề, truyền nghề", Basis: "NĐ 45/2012/NĐ-CP Điều 4"},
			{Code: "CA2", Name: "Nâng cao năng lực quản lý, khởi sự doanh nghiệp, sản xuất sạch hơn", Basis: "NĐ 45/2012/NĐ-CP Điều 4"},
			{Code: "CA3", Name: "Mô hình trình diễn kỹ thuật, chuyển giao công nghệ, máy móc tiên tiến", Basis: "NĐ 45/2012/NĐ-CP Điều 4"},
			{Code: "CA4", Name: "Phát triển sản phẩm công nghiệp nông thôn tiêu biểu, hội chợ, thương hiệu", Basis: "NĐ 45/2012/NĐ-CP Điều 4"},
			{Code: "CA5", Name: "Tư vấn, trợ giúp cơ sở công nghiệp nông thôn", Basis: "NĐ 45/2012/NĐ-CP Điều 4"},
			{Code: "CA6", Name: "Cung cấp thông tin, tuyên truyền", Basis: "NĐ 45/2012/NĐ-CP Điều 4"},
			{Code: "CA7", Name: "Liên doanh, liên kết, hợp tác kinh tế và cụm công nghiệp", Basis: "NĐ 45/2012/NĐ-CP Điều 4"},
			{Code: "CA8", Name: "Hợp tác quốc tế về khuyến công", Basis: "NĐ 45/2012/NĐ-CP Điều 4"},
			{Code: "CA9", Name: "Nâng cao năng lực quản lý và tổ chức thực hiện hoạt động khuyến công", Basis: "NĐ 45/2012/NĐ-CP Điều 4"},
			{Code: "CA10", Name: "Chuyển đổi số (cần xác minh nội dung chi tiết)", Basis: "NĐ 235/2025/NĐ-CP", ValidFrom: d("2025-10-15")},
			{Code: "CA11", Name: "Sản xuất và tiêu dùng bền vững (cần xác minh nội dung chi tiết)", Basis: "NĐ 235/2025/NĐ-CP", ValidFrom: d("2025-10-15")},
			{Code: "CA12", Name: "Hỗ trợ nghệ nhân giữ gìn và phát triển nghề (cần xác minh nội dung chi tiết)", Basis: "NĐ 235/2025/NĐ-CP", ValidFrom: d("2025-10-15")},
		},
	}
	for i := range ref.ContentAreas {
		if ref.ContentAreas[i].ValidFrom.IsZero() {
			ref.ContentAreas[i].ValidFrom = d("2012-07-05")
		}
	}
	// One version per period: TTLT 26/2014, TT 28/2018 under NĐ 45, and
	// TT 28/2018 under NĐ 235. rate/cap in basis points and đồng; zero
	// means not set (needs review).
	type period struct {
		basis    string
		from, to kc.Date
	}
	periods := []period{
		{"TTLT 26/2014/TTLT-BTC-BCT", d("2014-04-08"), d("2018-05-10")},
		{"TT 28/2018/TT-BTC", d("2018-05-11"), d("2025-10-14")},
		{"NĐ 235/2025/NĐ-CP", d("2025-10-15"), kc.Date{}},
	}
	type capv struct {
		rate      int
		cap       int64
		confirmed bool
	}
	schemes := []struct {
		code, area, name, unit string
		caps                   [3]capv
	}{
		{"DAO_TAO_NGHE", "CA1", "Đào tạo nghề, truyền nghề", "khóa học", [3]capv{{}, {}, {}}},
		{"NANG_CAO_NANG_LUC", "CA2", "Nâng cao năng lực quản lý", "khóa học", [3]capv{{}, {}, {}}},
		{"THANH_LAP_DN", "CA2", "Hỗ trợ thành lập doanh nghiệp CNNT ở địa bàn khó khăn", "doanh nghiệp",
			[3]capv{{0, 10_000_000, true}, {0, 10_000_000, true}, {0, 10_000_000, true}}},
		{"MO_HINH_TRINH_DIEN", "CA3", "Mô hình trình diễn kỹ thuật, sản phẩm mới", "mô hình",
			[3]capv{{3000, 500_000_000, true}, {3000, 1_000_000_000, true}, {3000, 1_000_000_000, true}}},
		{"MAY_MOC_TIEN_TIEN", "CA3", "Ứng dụng máy móc tiên tiến, chuyển giao công nghệ", "cơ sở",
			[3]capv{{5000, 200_000_000, true}, {5000, 300_000_000, true}, {5000, 300_000_000, true}}},
		{"SAN_XUAT_SACH_HON", "CA3", "Áp dụng sản xuất sạch hơn", "cơ sở", [3]capv{{}, {}, {}}},
		{"THUONG_HIEU", "CA4", "Xây dựng, đăng ký thương hiệu", "thương hiệu", [3]capv{{5000, 35_000_000, true}, {}, {}}},
		{"HOI_CHO_TRONG_NUOC", "CA4", "Tham gia hội chợ, triển lãm trong nước", "cơ sở", [3]capv{{8000, 0, true}, {}, {}}},
		{"TU_VAN", "CA5", "Thuê tư vấn, trợ giúp kỹ thuật", "cơ sở", [3]capv{{5000, 35_000_000, true}, {}, {}}},
		{"THONG_TIN_TUYEN_TRUYEN", "CA6", "Thông tin, tuyên truyền", "đợt", [3]capv{{}, {}, {}}},
		{"CHUYEN_DOI_SO", "CA10", "Hỗ trợ chuyển đổi số", "cơ sở", [3]capv{{}, {}, {}}},
	}
	for _, sc := range schemes {
		for i, p := range periods {
			if sc.code == "CHUYEN_DOI_SO" && i < 2 {
				continue // added by NĐ 235/2025
			}
			c := sc.caps[i]
			seed := SchemeSeed{Scheme: kc.Scheme{Code: sc.code, Level: "national", ContentArea: sc.area, Name: sc.name, LegalBasis: p.basis,
				EffectiveFrom: p.from, EffectiveTo: p.to, RateBP: c.rate, Cap: c.cap, Confirmed: c.confirmed}, Version: i + 1, CapUnit: sc.unit}
			if c.rate > 0 {
				seed.CounterpartMinBP = 10_000 - c.rate
			}
			if i == 0 && c.confirmed && c.cap > 0 {
				seed.UpliftBP = 15_000 // up to 1.5 × the cap in priority areas (TTLT 26/2014)
			}
			if sc.code == "CHUYEN_DOI_SO" {
				seed.Version = 1
			}
			if !c.confirmed {
				seed.Note = "Mức hỗ trợ cần xác minh"
			}
			if i == 2 {
				seed.Note = strings.TrimSuffix("Mức chi theo TT 28/2018/TT-BTC; "+seed.Note, "; ")
			}
			seed.Criteria = nationalCriteria(sc.code, i == 2)
			if sc.code == "MAY_MOC_TIEN_TIEN" || sc.code == "MO_HINH_TRINH_DIEN" {
				seed.Note = strings.TrimPrefix(seed.Note+"; Ngưỡng «từ 10 lao động» là thông lệ xét chọn của Trung tâm Khuyến công, không phải quy định của văn bản: cần xác minh", "; ")
			}
			ref.Schemes = append(ref.Schemes, seed)
		}
	}
	ref.Schemes = append(ref.Schemes, exampleProvincialSchemes()...)
	ref.ScoreItems = DefaultScoreItems()
	return ref
}

// Kinds of establishment (kc.Kind*) that are beneficiaries of national
// khuyến công: SMEs, cooperatives, cooperative groups and household
// businesses (NĐ 45/2012 Art. 1.2, TT 46/2012 Art. 3, domain §3.1); from
// 15/10/2025 unions of cooperatives too (NĐ 235/2025, §3.2). An
// unregistered household (household) is not lawfully established.
const (
	kindsND45  = "enterprise,cooperative,coop_group,household_business"
	kindsND235 = "enterprise,cooperative,coop_union,coop_group,household_business"
)

// priorityTrades are the trade codes of the priority sectors of NĐ 45
// Art. 6 (domain §3.8) that the catalogue holds: agro-forestry-fishery
// and food processing (rice wine included) and small mechanical
// engineering serving agriculture.
const priorityTrades = "CHE_BIEN_NONG_SAN,XAY_XAT,CHE_BIEN_GO,CHE,THUY_SAN,THUC_PHAM,NUOC_MAM,DUOC_LIEU,RUOU_MEN_LA,CO_KHI"

// crit returns an eligibility criterion of a group: field, operator, value.
func crit(group int, label, field, op, value string) SchemeCriterion {
	return SchemeCriterion{Group: group, Kind: "eligibility", Label: label, Field: field, Op: op, Value: value}
}

// prio returns a priority criterion worth points.
func prio(label, field, op, value string, points int) SchemeCriterion {
	return SchemeCriterion{Group: 1, Kind: "priority", Label: label, Field: field, Op: op, Value: value, Points: points}
}

// nationalCriteria returns the criteria of one version of a national
// scheme: who may benefit (domain §3.1 until 14/10/2025, §3.2 from
// 15/10/2025 when nd235), where, the selection threshold of the machinery
// and demonstration-model schemes, and the priorities of §3.8. The
// information scheme supports no establishment and has none.
func nationalCriteria(code string, nd235 bool) []SchemeCriterion {
	if code == "THONG_TIN_TUYEN_TRUYEN" {
		return nil
	}
	var out []SchemeCriterion
	// Where the establishment produces: one group, any of its criteria.
	location := []SchemeCriterion{crit(3, "Địa bàn là xã (trước 15/10/2025; phường của thành phố loại II, III cần xác minh)", "CommuneType", "==", "xa")}
	if nd235 {
		location = []SchemeCriterion{
			{Group: 3, Kind: "eligibility", Label: "Xã, phường hoặc đặc khu thuộc tỉnh",
				Formula: `CommuneType in ["xa", "phuong", "dac_khu"] && ProvinceType == "tinh"`},
			{Group: 3, Kind: "eligibility", Label: "Xã hoặc đặc khu thuộc thành phố trực thuộc trung ương",
				Formula: `CommuneType in ["xa", "dac_khu"] && ProvinceType == "thanh_pho"`},
			crit(3, "Làng nghề được UBND tỉnh công nhận", "CraftVillage", "true", ""),
		}
	}
	if code == "THANH_LAP_DN" {
		out = append(out,
			crit(1, "Hộ kinh doanh, hộ sản xuất hoặc tổ hợp tác thành lập doanh nghiệp", "Kind", "in", "household_business,household,coop_group"),
			crit(2, "Địa bàn có điều kiện kinh tế - xã hội khó khăn hoặc đặc biệt khó khăn", "PriorityArea", "true", ""))
		out = append(out, location...)
	} else {
		kinds, kindLabel := kindsND45, "Loại hình: doanh nghiệp nhỏ và vừa, hợp tác xã, tổ hợp tác hoặc hộ kinh doanh"
		if nd235 {
			kinds, kindLabel = kindsND235, "Loại hình: doanh nghiệp nhỏ và vừa, hợp tác xã, liên hiệp hợp tác xã, tổ hợp tác hoặc hộ kinh doanh"
		}
		out = append(out,
			crit(1, kindLabel, "Kind", "in", kinds),
			crit(2, "Cơ sở có đăng ký kinh doanh", "Registered", "true", ""),
			crit(2, "Tổ hợp tác thành lập theo hợp đồng hợp tác", "Kind", "==", "coop_group"))
		out = append(out, location...)
	}
	if code == "MAY_MOC_TIEN_TIEN" || code == "MO_HINH_TRINH_DIEN" {
		out = append(out, crit(4, "Số lao động từ 10 trở lên (tiêu chí xét chọn, cần xác minh)", "Workers", ">=", "10"))
	}
	out = append(out,
		prio("Địa bàn ưu tiên: miền núi, biên giới, vùng đồng bào dân tộc thiểu số, huyện nghèo", "PriorityArea", "true", "", 3),
		prio("Ngành ưu tiên: chế biến nông, lâm, thủy sản; cơ khí phục vụ nông nghiệp", "PrimaryTrade", "in", priorityTrades, 1),
		prio("Sử dụng nhiều lao động (từ 50 lao động trở lên)", "Workers", ">=", "50", 1),
		prio("Sử dụng nguyên liệu tại chỗ trên 50%", "LocalMaterialsPct", ">", "50", 1),
		prio("Có sản phẩm công nghiệp nông thôn tiêu biểu còn hiệu lực", "TypicalProduct", "true", "", 1),
		prio("Có sản phẩm xuất khẩu", "Export", "true", "", 1))
	if nd235 {
		out = append(out,
			prio("Cơ sở do phụ nữ làm chủ", "WomenOwned", "true", "", 2),
			prio("Cơ sở do người dân tộc thiểu số làm chủ", "EthnicMinorityOwned", "true", "", 2))
	}
	return out
}

// exampleProvincialSchemes is one clearly labelled EXAMPLE set of
// provincial schemes for Quảng Trị (code 44 from 1 July 2025). It is not
// the province's resolution: the merged province's own norms are
// UNCONFIRMED (domain §3.9.3, §11.5), so every number is unconfirmed
// ("cần xác minh") and stays editable. It shows how a province supports
// the household producers that national thresholds leave out.
func exampleProvincialSchemes() []SchemeSeed {
	from := kc.MustDate("2025-07-01")
	const note = "Bộ chính sách VÍ DỤ để minh họa, không phải văn bản của tỉnh. Nội dung và mức hỗ trợ phải theo nghị quyết của HĐND tỉnh Quảng Trị (cần xác minh)."
	kinds := crit(1, "Hộ sản xuất, hộ kinh doanh, tổ hợp tác hoặc hợp tác xã", "Kind", "in", "household,household_business,coop_group,cooperative")
	small := SchemeCriterion{Group: 1, Kind: "eligibility", Label: "Doanh nghiệp siêu nhỏ hoặc nhỏ",
		Formula: `Kind == "enterprise" && SizeClass in ["micro", "small"]`}
	priorities := []SchemeCriterion{
		prio("Địa bàn ưu tiên: miền núi, biên giới, vùng đồng bào dân tộc thiểu số", "PriorityArea", "true", "", 2),
		prio("Cơ sở do phụ nữ làm chủ", "WomenOwned", "true", "", 1),
		prio("Cơ sở do người dân tộc thiểu số làm chủ", "EthnicMinorityOwned", "true", "", 1),
	}
	seed := func(code, area, name, unit string, rate int, cap int64, criteria ...SchemeCriterion) SchemeSeed {
		return SchemeSeed{Scheme: kc.Scheme{Code: code, Level: "provincial", ContentArea: area, Name: name, EffectiveFrom: from,
			RateBP: rate, Cap: cap, CounterpartMinBP: 10_000 - rate}, Version: 1, CapUnit: unit, Note: note, Example: true,
			ProvinceCode: "44", Criteria: append(criteria, priorities...)}
	}
	return []SchemeSeed{
		seed("QT_VD_MAY_MOC", "CA3", "Hỗ trợ máy móc, thiết bị cho hộ và cơ sở nhỏ (ví dụ)", "cơ sở", 5000, 100_000_000,
			kinds, small, crit(2, "Số lao động từ 3 trở lên", "Workers", ">=", "3")),
		seed("QT_VD_BAO_BI", "CA4", "Hỗ trợ xây dựng nhãn hiệu, thiết kế bao bì sản phẩm (ví dụ)", "sản phẩm", 5000, 30_000_000,
			kinds, small, crit(2, "Cơ sở hoạt động từ 2 năm trở lên", "YearsActive", ">=", "2")),
	}
}
