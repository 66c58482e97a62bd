package vi

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"marks and đ", "Rượu men lá Đá Bàn", "ruou men la da ban"},
		{"upper Đ", "ĐAKRÔNG", "dakrong"},
		{"spaces", "  Xã   Ba  Nang ", "xa ba nang"},
		{"nfd input", norm.NFD.String("Hướng Hiệp"), "huong hiep"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Fold(c.in); got != c.want {
				t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestFoldFastMatchesSlow(t *testing.T) {
	inputs := []string{"Rượu men lá Đá Bàn", "  HÀ\tNỘI  ", "Xã Đakrông", "Ǆ", "ŉ", "ß", "Thủy Hòa", ""}
	for r := range foldTable {
		inputs = append(inputs, string(r), "A"+string(r)+" b")
	}
	for _, in := range inputs {
		if fast, ok := foldFast(in); ok && fast != foldSlow(in) {
			t.Errorf("foldFast(%q) = %q, foldSlow = %q", in, fast, foldSlow(in))
		}
	}
	if _, ok := foldFast("Hướng Hiệp"); !ok {
		t.Error("Vietnamese letters should take the fast path")
	}
}

func BenchmarkFold(b *testing.B) {
	for b.Loop() {
		Fold("Hợp tác xã dệt thổ cẩm A Bung, thôn Cu Tài 2")
	}
}

func TestSearchKeyJoinsSpellings(t *testing.T) {
	a, b, c := SearchKey("Đa Krông"), SearchKey("Đakrông"), SearchKey("dakrong")
	if a != b || b != c || a != "dakrong" {
		t.Errorf("keys differ: %q %q %q", a, b, c)
	}
}

func TestSortKeyOrder(t *testing.T) {
	// Vietnamese order: a < ă < â < b … d < đ < e.
	words := []string{"đá", "dê", "ăn", "an", "ân", "em"}
	want := []string{"an", "ăn", "ân", "dê", "đá", "em"}
	for i := range words {
		for j := i + 1; j < len(words); j++ {
			if string(SortKey(words[j])) < string(SortKey(words[i])) {
				words[i], words[j] = words[j], words[i]
			}
		}
	}
	if strings.Join(words, ",") != strings.Join(want, ",") {
		t.Errorf("order = %v, want %v", words, want)
	}
}

func TestFormat(t *testing.T) {
	cases := []struct{ got, want string }{
		{FormatNumber(0), "0"},
		{FormatNumber(999), "999"},
		{FormatNumber(1500000), "1.500.000"},
		{FormatNumber(-1234567), "-1.234.567"},
		{FormatVND(250000000), "250.000.000 ₫"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Rượu men lá", "ĐẮK LẮK", "Thủy Hòa", "a\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if Fold(got) != got {
			t.Errorf("not idempotent: %q -> %q -> %q", s, got, Fold(got))
		}
		if strings.ContainsAny(got, "đĐ") {
			t.Errorf("contains đ: %q", got)
		}
		for _, r := range got {
			if unicode.Is(unicode.Mn, r) {
				t.Errorf("combining mark in %q", got)
			}
		}
		if fast, ok := foldFast(s); ok && fast != foldSlow(s) {
			t.Errorf("fast and slow fold differ for %q: %q vs %q", s, fast, foldSlow(s))
		}
		if Fold(norm.NFD.String(s)) != Fold(norm.NFC.String(s)) {
			t.Errorf("NFC and NFD differ for %q", s)
		}
	})
}

func TestNFCLines(t *testing.T) {
	for in, want := range map[string]string{
		"":                                "",
		"  một   dòng  ":                  "một dòng",
		"\r\nDòng 1\r\n  Dòng   2 \r\n\n": "Dòng 1\nDòng 2",
		"a\rb\n\nc":                       "a\nb\n\nc",
		"Ru\u031bo\u031b\u0323u":          "Rượu",
	} {
		if got := NFCLines(in); got != want {
			t.Errorf("NFCLines(%q) = %q, want %q", in, got, want)
		}
	}
}
