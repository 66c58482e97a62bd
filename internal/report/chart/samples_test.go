package chart

import "khuyencong/internal/report"

// samples are extra charts covering each kind and the awkward cases.
func samples() []report.Chart {
	communes := []string{"Xã Đakrông", "Xã Hướng Hiệp", "Xã Tà Rụt", "Xã A Dơi", "Xã La Lay", "Xã A Vao (cũ)", "Thị trấn Krông Klang (cũ)", "Xã Ba Lòng", "Xã Triệu Nguyên", "Xã Mò Ó", "Xã Húc Nghì", "Xã A Bung", "Xã Tà Long"}
	return []report.Chart{
		{Title: "Đề án theo năm và cấp", Kind: report.Bar, Unit: "đề án",
			Categories: []string{"2015", "2016", "2017", "2018"},
			Series:     []report.Series{{Name: "Quốc gia", Values: []float64{1, 2, 0, 3}}, {Name: "Tỉnh", Values: []float64{4, 6, 5, 7.5}}}},
		{Title: "Cơ sở theo xã", Kind: report.Bar, Unit: "cơ sở", Categories: communes,
			Series: []report.Series{{Name: "Cơ sở", Values: []float64{12, 40, 7, 3, 22, 9, 151, 18, 25, 4, 6, 30, 2}}}},
		{Title: "Kinh phí khuyến công qua các năm (triệu đồng)", Kind: report.Line, Unit: "triệu đồng",
			Categories: []string{"2015", "2016", "2017", "2018", "2019", "2020"},
			Series:     []report.Series{{Name: "Kế hoạch", Values: []float64{400, 900, 300, 1250.5, 700, 820}}, {Name: "Thực hiện", Values: []float64{390, 925, 295, 1100, 640, 800}}}},
		{Title: "Không có đề án A & B <x>", Kind: report.StackedBar, Unit: "đề án",
			Categories: []string{"2015"}, Series: []report.Series{{Name: "Quốc gia", Values: []float64{0}}}},
	}
}
