// Package reporttest gives renderer tests a realistic document: the
// Vietnamese of a district report with stacked diacritics, every block
// kind, a money table with totals, and charts. Only test files import it.
package reporttest

import (
	"time"

	"khuyencong/internal/report"
)

// Sample returns a period report of a former district with every kind of
// block, so each renderer is exercised on the same content.
func Sample() report.Document {
	money := &report.Table{
		Sheet:   "Kinh phí theo năm",
		Caption: "Bảng 1. Kinh phí khuyến công theo năm và nguồn (đồng)",
		Columns: []report.Column{{Title: "Năm", Kind: report.Text}, {Title: "Quốc gia", Kind: report.Money, Width: 2},
			{Title: "Tỉnh", Kind: report.Money, Width: 2}, {Title: "Huyện", Kind: report.Money, Width: 2}, {Title: "Đối ứng", Kind: report.Money, Width: 2}},
		Rows: [][]report.Cell{
			{{Text: "2015"}, {N: 0}, {N: 150_000_000}, {N: 30_000_000}, {N: 210_000_000}},
			{{Text: "2016"}, {N: 300_000_000}, {N: 120_000_000}, {N: 25_000_000}, {N: 480_000_000}},
			{{Text: "2017"}, {Empty: true}, {N: 95_000_000}, {N: 40_000_000}, {N: 160_000_000}},
		},
		Total: []report.Cell{{Text: "Tổng cộng"}, {N: 300_000_000}, {N: 365_000_000}, {N: 95_000_000}, {N: 850_000_000}},
		Note:  "Kinh phí được phê duyệt; nguồn: sổ đề án.",
	}
	areas := &report.Table{
		Sheet:   "Đề án theo nội dung",
		Caption: "Bảng 2. Đề án theo nội dung khuyến công",
		Columns: []report.Column{{Title: "Nội dung", Kind: report.Text, Width: 4}, {Title: "Số đề án", Kind: report.Count}, {Title: "Tỷ lệ", Kind: report.Percent}},
		Rows: [][]report.Cell{
			{{Text: "Đào tạo nghề, truyền nghề"}, {N: 7}, {N: 3500}},
			{{Text: "Mô hình trình diễn kỹ thuật, chuyển giao công nghệ, máy móc tiên tiến"}, {N: 11}, {N: 5500}},
			{{Text: "Phát triển sản phẩm công nghiệp nông thôn tiêu biểu, hội chợ, thương hiệu"}, {N: 2}, {N: 1000}},
		},
		Total: []report.Cell{{Text: "Tổng cộng"}, {N: 20}, {N: 10000}},
	}
	return report.Document{
		Name:        "bao-cao-khuyen-cong-huyen-dakrong-2015-2020",
		ParentBody:  "UBND TỈNH QUẢNG TRỊ",
		IssuingBody: "SỞ CÔNG THƯƠNG",
		Number:      "     /BC-SCT",
		Place:       "Quảng Trị",
		Date:        time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC),
		Type:        "BÁO CÁO",
		Summary:     "Kết quả thực hiện công tác khuyến công giai đoạn 2015–2020 của huyện Đakrông (cũ)",
		Draft:       true,
		Bases: []string{
			"Căn cứ Nghị định số 45/2012/NĐ-CP ngày 21 tháng 5 năm 2012 của Chính phủ về khuyến công;",
			"Căn cứ Thông tư số 46/2012/TT-BCT.",
		},
		Addressees: []string{"Ủy ban nhân dân tỉnh Quảng Trị"},
		Blocks: []report.Block{
			{Kind: report.Heading, Level: 1, Text: "I. KẾT QUẢ THỰC HIỆN"},
			{Kind: report.Paragraph, Text: "Giai đoạn 2015–2020, trên địa bàn huyện Đakrông (nay thuộc các xã Đakrông, Hướng Hiệp, Tà Rụt, A Dơi và La Lay) đã thực hiện 20 đề án khuyến công với tổng kinh phí 850.000.000 đồng; nghề rượu men lá Đá Bàn và dệt thổ cẩm A Bung được khôi phục. Ằ ẫ Ổ Ự đ Đ."},
			{Kind: report.Heading, Level: 2, Text: "1. Kinh phí"},
			{Kind: report.TableBlock, Table: money},
			{Kind: report.ChartBlock, Chart: &report.Chart{Title: "Kinh phí theo năm (triệu đồng)", Kind: report.StackedBar, Unit: "triệu đồng", Table: money.Sheet,
				Categories: []string{"2015", "2016", "2017"},
				Series: []report.Series{{Name: "Quốc gia", Values: []float64{0, 300, 0}}, {Name: "Tỉnh", Values: []float64{150, 120, 95}},
					{Name: "Huyện", Values: []float64{30, 25, 40}}, {Name: "Đối ứng", Values: []float64{210, 480, 160}}}}},
			{Kind: report.Heading, Level: 2, Text: "2. Đề án theo nội dung"},
			{Kind: report.TableBlock, Table: areas},
			{Kind: report.ChartBlock, Chart: &report.Chart{Title: "Đề án theo nội dung", Kind: report.Pie, Unit: "đề án", Table: areas.Sheet,
				Categories: []string{"Đào tạo nghề", "Mô hình trình diễn", "Sản phẩm tiêu biểu"},
				Series:     []report.Series{{Name: "Số đề án", Values: []float64{7, 11, 2}}}}},
			{Kind: report.Note, Text: "Số đề án: đề án đã được phê duyệt trong kỳ, theo năm kế hoạch."},
			{Kind: report.Heading, Level: 1, Text: "II. TỒN TẠI, HẠN CHẾ"},
			{Kind: report.Paragraph, Text: "68,2 % cơ sở trong sổ chưa đạt tiêu chí của các chương trình cấp tỉnh hoặc quốc gia; tiêu chí chưa đạt nhiều nhất: «Số lao động từ 10 người trở lên» (151 cơ sở)."},
			{Kind: report.Bullet, Text: "Xã A Vao (cũ): không có buổi tuyên truyền nào trong kỳ;"},
			{Kind: report.Bullet, Text: "Nội dung «Hợp tác quốc tế về khuyến công»: không có đề án nào được cấp kinh phí."},
			{Kind: report.Heading, Level: 1, Text: "III. KIẾN NGHỊ"},
			{Kind: report.Paragraph, Text: "Đề nghị Ủy ban nhân dân tỉnh bố trí kinh phí cho các nội dung chưa được hỗ trợ."},
		},
		Recipients: []string{"Như trên;", "Lãnh đạo Sở;", "Lưu: VT, KC."},
		Signers:    []report.Signer{{Authority: "KT. GIÁM ĐỐC", Title: "PHÓ GIÁM ĐỐC", Name: ""}},
		Footnote:   "Số liệu tổng hợp từ hệ thống khuyencong ngày 05/01/2026.",
	}
}

// Minutes returns acceptance minutes signed by two parties side by side,
// with no recipients: the layout of a biên bản.
func Minutes() report.Document {
	return report.Document{
		Name:        "bien-ban-nghiem-thu-da-2020-0001",
		IssuingBody: "SỞ CÔNG THƯƠNG",
		Place:       "Đakrông",
		Date:        time.Date(2020, 12, 2, 0, 0, 0, 0, time.UTC),
		Type:        "BIÊN BẢN",
		Summary:     "Nghiệm thu đề án «Ứng dụng máy sản xuất nước đá tinh khiết»",
		Blocks: []report.Block{
			{Kind: report.Paragraph, Text: "Hôm nay, ngày 02 tháng 12 năm 2020, tại Khóm 1, thị trấn Krông Klang, chúng tôi gồm:"},
			{Kind: report.Bullet, Text: "Đại diện Sở Công Thương: ông Nguyễn Văn A;"},
			{Kind: report.Bullet, Text: "Đại diện cơ sở: bà Hồ Thị B."},
		},
		Signers: []report.Signer{{Title: "ĐẠI DIỆN CƠ SỞ", Name: "Hồ Thị B"}, {Title: "ĐẠI DIỆN SỞ CÔNG THƯƠNG", Name: "Nguyễn Văn A"}},
	}
}
