package vi

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// digitWords are the Vietnamese names of the digits.
var digitWords = [10]string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}

// groupScales name the three-digit groups below a tỷ (10⁹).
var groupScales = [3]string{"triệu", "nghìn", ""}

// MoneyWords writes an amount in đồng in words as documents state it
// beside the figure: 1_500_000_000 → "Một tỷ năm trăm triệu đồng",
// 1_005_000 → "Một triệu không trăm linh năm nghìn đồng", 0 → "Không
// đồng", a negative amount "Âm …". It reads "mốt" for a one after
// "mươi", "lăm" for a five after "mười"/"mươi", "bốn" (not "tư"), "linh"
// for a missing tens digit, and "không trăm" for a group without hundreds
// after a higher group; above a tỷ the count of tỷ is read the same way
// ("một nghìn tỷ"). The first letter is upper case.
func MoneyWords(dong int64) string {
	var words []string
	u := uint64(dong)
	if dong < 0 {
		words = append(words, "âm")
		u = -u // two's complement: right for math.MinInt64 too
	}
	if u == 0 {
		words = append(words, digitWords[0])
	} else {
		words = appendNumberWords(words, u, false)
	}
	words = append(words, "đồng")
	s := strings.Join(words, " ")
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// appendNumberWords appends the reading of n > 0; full says a higher,
// non-zero part was read before it, so its leading zero hundreds and tens
// are spoken ("không trăm linh năm").
func appendNumberWords(words []string, n uint64, full bool) []string {
	const billion = 1_000_000_000
	if n >= billion {
		words = appendNumberWords(words, n/billion, full)
		words = append(words, "tỷ")
		n %= billion
		if n == 0 {
			return words
		}
		full = true
	}
	groups := [3]uint64{n / 1_000_000, n / 1000 % 1000, n % 1000}
	for i, g := range groups {
		if g == 0 {
			continue
		}
		words = appendGroupWords(words, int(g), full)
		if groupScales[i] != "" {
			words = append(words, groupScales[i])
		}
		full = true
	}
	return words
}

// appendGroupWords appends the reading of a group 1–999; full says a
// higher group precedes it.
func appendGroupWords(words []string, g int, full bool) []string {
	h, t, u := g/100, g/10%10, g%10
	if h > 0 || full {
		words = append(words, digitWords[h], "trăm")
	}
	switch {
	case t == 0:
		if u == 0 {
			return words
		}
		if h > 0 || full {
			words = append(words, "linh")
		}
		return append(words, digitWords[u])
	case t == 1:
		words = append(words, "mười")
	default:
		words = append(words, digitWords[t], "mươi")
	}
	switch {
	case u == 0:
	case u == 1 && t >= 2:
		words = append(words, "mốt")
	case u == 5:
		words = append(words, "lăm")
	default:
		words = append(words, digitWords[u])
	}
	return words
}
