package vi

import (
	"math"
	"strings"
	"testing"
)

func TestMoneyWords(t *testing.T) {
	cases := []struct {
		in   int64
		want string
	}{
		{0, "Không đồng"},
		{1, "Một đồng"},
		{5, "Năm đồng"},
		{10, "Mười đồng"},
		{11, "Mười một đồng"},
		{14, "Mười bốn đồng"},
		{15, "Mười lăm đồng"},
		{20, "Hai mươi đồng"},
		{21, "Hai mươi mốt đồng"},
		{24, "Hai mươi bốn đồng"},
		{25, "Hai mươi lăm đồng"},
		{55, "Năm mươi lăm đồng"},
		{99, "Chín mươi chín đồng"},
		{100, "Một trăm đồng"},
		{101, "Một trăm linh một đồng"},
		{104, "Một trăm linh bốn đồng"},
		{105, "Một trăm linh năm đồng"},
		{110, "Một trăm mười đồng"},
		{111, "Một trăm mười một đồng"},
		{115, "Một trăm mười lăm đồng"},
		{121, "Một trăm hai mươi mốt đồng"},
		{1000, "Một nghìn đồng"},
		{1001, "Một nghìn không trăm linh một đồng"},
		{1010, "Một nghìn không trăm mười đồng"},
		{1021, "Một nghìn không trăm hai mươi mốt đồng"},
		{1100, "Một nghìn một trăm đồng"},
		{10_000, "Mười nghìn đồng"},
		{15_000, "Mười lăm nghìn đồng"},
		{21_000, "Hai mươi mốt nghìn đồng"},
		{215_000, "Hai trăm mười lăm nghìn đồng"},
		{1_000_000, "Một triệu đồng"},
		{1_005_000, "Một triệu không trăm linh năm nghìn đồng"},
		{1_000_005, "Một triệu không trăm linh năm đồng"},
		{2_500_000, "Hai triệu năm trăm nghìn đồng"},
		{360_000_000, "Ba trăm sáu mươi triệu đồng"},
		{840_000_000, "Tám trăm bốn mươi triệu đồng"},
		{1_500_000_000, "Một tỷ năm trăm triệu đồng"},
		{1_000_000_001, "Một tỷ không trăm linh một đồng"},
		{1_000_050_000, "Một tỷ không trăm năm mươi nghìn đồng"},
		{1_200_000_000, "Một tỷ hai trăm triệu đồng"},
		{25_000_000_000, "Hai mươi lăm tỷ đồng"},
		{1_000_000_000_000, "Một nghìn tỷ đồng"},
		{1_234_567_891_011, "Một nghìn hai trăm ba mươi bốn tỷ năm trăm sáu mươi bảy triệu tám trăm chín mươi mốt nghìn không trăm mười một đồng"},
		{1_000_000_000_000_000_000, "Một tỷ tỷ đồng"},
		{-215_000, "Âm hai trăm mười lăm nghìn đồng"},
		{-1, "Âm một đồng"},
	}
	for _, c := range cases {
		if got := MoneyWords(c.in); got != c.want {
			t.Errorf("MoneyWords(%d) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestMoneyWordsExtremes checks the ends of int64 read without panic and
// with no doubled or stray words.
func TestMoneyWordsExtremes(t *testing.T) {
	for _, n := range []int64{math.MaxInt64, math.MinInt64, math.MinInt64 + 1} {
		s := MoneyWords(n)
		if !strings.HasSuffix(s, " đồng") || strings.Contains(s, "  ") || strings.Contains(s, "không đồng") {
			t.Errorf("MoneyWords(%d) = %q", n, s)
		}
		if (n < 0) != strings.HasPrefix(s, "Âm ") {
			t.Errorf("MoneyWords(%d) sign: %q", n, s)
		}
	}
	// 9 223 372 036 854 775 807: 9 223 372 036 tỷ 854 775 807.
	want := "Chín tỷ hai trăm hai mươi ba triệu ba trăm bảy mươi hai nghìn không trăm ba mươi sáu tỷ tám trăm năm mươi bốn triệu bảy trăm bảy mươi lăm nghìn tám trăm linh bảy đồng"
	if got := MoneyWords(math.MaxInt64); got != want {
		t.Errorf("MoneyWords(MaxInt64) = %q, want %q", got, want)
	}
}
