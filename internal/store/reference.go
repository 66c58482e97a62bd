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
// code, and Version numbers the versions of one Code.
type SchemeSeed struct {
	kc.Scheme
	Version int
	CapUnit string
	Note    string
}

// Reference is the reference data seeded by EnsureReference.
type Reference struct {
	Trades       []kc.Trade
	LegalBases   []LegalBasis
	ContentAreas []ContentArea
	Schemes      []SchemeSeed
}

// EnsureReference inserts the reference rows that are missing, matched on
// their codes (and versions for schemes); existing rows are left as they
// are, so an administrator's corrections survive. It returns the number
// of rows inserted.
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
			res, err := tx.exec(ctx, `INSERT INTO scheme (code, version, level, content_area, name, legal_basis_id, effective_from, effective_to,
				rate_bp, cap, cap_unit, uplift_bp, counterpart_min_bp, confirmed, example, note, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, FALSE, $15, $16, $16)
				ON CONFLICT (code, version) DO NOTHING`,
				sc.Code, version, sc.Level, sc.ContentArea, vi.NFC(sc.Name), basisID, sc.EffectiveFrom, sc.EffectiveTo,
				nullInt(sc.RateBP), nullInt64(sc.Cap), sc.CapUnit, nullInt(sc.UpliftBP), nullInt(sc.CounterpartMinBP), sc.Confirmed, sc.Note, tx.now)
			if err != nil {
				return fmt.Errorf("store: seed scheme %s v%d: %w", sc.Code, version, err)
			}
			count(res)
		}
		return nil
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
		defer rows.Close()
		for rows.Next() {
			var t kc.Trade
			if err := rows.Scan(&t.ID, &t.Code, &t.Name, &t.VSIC, &t.Traditional); err != nil {
				return err
			}
			out = append(out, t)
		}
		return rows.Err()
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
		defer rows.Close()
		for rows.Next() {
			var sc kc.Scheme
			if err := rows.Scan(&sc.ID, &sc.Code, &sc.Level, &sc.ContentArea, &sc.Name, &sc.LegalBasis, &sc.EffectiveFrom, &sc.EffectiveTo,
				&sc.RateBP, &sc.Cap, &sc.UpliftBP, &sc.CounterpartMinBP, &sc.Confirmed); err != nil {
				return err
			}
			out = append(out, sc)
		}
		return rows.Err()
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
		defer rows.Close()
		for rows.Next() {
			var c ContentArea
			if err := rows.Scan(&c.Code, &c.Name, &c.Basis, &c.ValidFrom, &c.ValidTo); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
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
			ref.Schemes = append(ref.Schemes, seed)
		}
	}
	return ref
}
