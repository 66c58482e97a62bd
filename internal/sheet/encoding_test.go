package sheet

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// encodeTCVN3 is the inverse of tcvn3Table; ok is false for letters TCVN3
// cannot write (upper case with a tone mark).
func encodeTCVN3(s string) (string, bool) {
	inv := map[rune]rune{}
	for k, v := range tcvn3Table {
		inv[v] = k
	}
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		if r < 0x80 {
			b.WriteRune(r)
			continue
		}
		k, ok := inv[r]
		if !ok {
			return "", false
		}
		b.WriteRune(k)
	}
	return b.String(), true
}

// encodeVNI writes s in VNI-Windows from the tables of encoding.go.
func encodeVNI(t *testing.T, s string) string {
	letterOf := map[rune]rune{}
	for k, v := range vniLetters {
		letterOf[v] = k
	}
	markOf := map[[3]rune]rune{} // (mod, tone, upper) → mark char
	for k, m := range vniMarks {
		up := rune(0)
		if k != []rune(strings.ToLower(string(k)))[0] {
			up = 1
		}
		key := [3]rune{m.mod, m.tone, up}
		if m.only == "yY" {
			continue
		}
		markOf[key] = k
	}
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		if l, ok := letterOf[r]; ok {
			b.WriteRune(l)
			continue
		}
		d := []rune(norm.NFD.String(string(r)))
		base := d[0]
		if len(d) == 1 {
			b.WriteRune(base)
			continue
		}
		var mod, tone rune
		for _, m := range d[1:] {
			switch m {
			case mCircum, mBreve:
				mod = m
			case '\u031B':
				if base == 'o' || base == 'O' {
					base = map[rune]rune{'o': 'ô', 'O': 'Ô'}[base]
				} else {
					base = map[rune]rune{'u': 'ö', 'U': 'Ö'}[base]
				}
			default:
				tone = m
			}
		}
		up := rune(0)
		if strings.ToUpper(string(base)) == string(base) {
			up = 1
		}
		if base == 'i' || base == 'I' {
			r2, _ := utf8.DecodeRuneInString(norm.NFC.String(string([]rune{base, tone})))
			if l, ok := letterOf[r2]; ok {
				b.WriteRune(l)
				continue
			}
			if r2 == 'í' || r2 == 'ì' || r2 == 'Í' || r2 == 'Ì' {
				b.WriteRune(r2)
				continue
			}
			t.Fatalf("no VNI form for %q", string(r))
		}
		b.WriteRune(base)
		if (base == 'y' || base == 'Y') && tone == mDot {
			b.WriteRune(map[rune]rune{0: 'î', 1: 'Î'}[up])
			continue
		}
		if mod != 0 {
			b.WriteRune(markOf[[3]rune{mod, tone, up}])
		} else if tone != 0 {
			b.WriteRune(markOf[[3]rune{0, tone, up}])
		}
	}
	return b.String()
}

func TestEveryLetterRoundTrips(t *testing.T) {
	letters := VietnameseLetters()
	if len(letters) != 146 {
		t.Fatalf("got %d letters, want 146", len(letters))
	}
	for _, l := range letters {
		if enc, ok := encodeTCVN3(l); ok {
			if got := decodeTCVN3(enc); got != l {
				t.Errorf("TCVN3 %q → %q, want %q", enc, got, l)
			}
		} else if strings.ToLower(l) == l {
			t.Errorf("TCVN3 cannot write lower-case %q", l)
		}
		enc := encodeVNI(t, l)
		if got := decodeVNI(enc); got != l {
			t.Errorf("VNI %q → %q, want %q", enc, got, l)
		}
	}
}

func TestToUnicode(t *testing.T) {
	tests := []struct {
		in   string
		want string
		enc  Encoding
	}{
		{"R\u00adîu men l¸", "Rượu men lá", TCVN3},
		{"Röôïu men laù", "Rượu men lá", VNI},
		{"Rượu men lá", "Rượu men lá", Unicode},
		{"Ru\u031bo\u031b\u0323u men la\u0301", "Rượu men lá", Unicode}, // NFD
		{"Bà Nà", "Bà Nà", Unicode},
		{"Lê Văn Tám", "Lê Văn Tám", Unicode},
		{"Cà phê", "Cà phê", Unicode},
		{"Hello, world 123", "Hello, world 123", Unicode},
		{"café crème", "café crème", Unicode},
		{"DÖÔÏC LIEÄU ÑAKROÂNG", "DƯỢC LIỆU ĐAKRÔNG", VNI},
		{"Ñan guøi maây", "Đan gùi mây", VNI},
		{"DÖt thæ cÈm", "Dệt thổ cẩm", TCVN3},
		{"§an gïi m©y", "Đan gùi mây", TCVN3},
		{"X· Ba Nang", "Xã Ba Nang", TCVN3},
		{"NguyÔn ThÞ Hoa", "Nguyễn Thị Hoa", TCVN3},
		{"Nguyeãn Thò Hoa", "Nguyễn Thị Hoa", VNI},
		{"Hå Quang Hïng", "Hồ Quang Hùng", TCVN3},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, enc := ToUnicode(tt.in)
			if got != tt.want || enc != tt.enc {
				t.Errorf("ToUnicode(%q) = %q, %v; want %q, %v", tt.in, got, enc, tt.want, tt.enc)
			}
		})
	}
}

func TestEveryLetterDetected(t *testing.T) {
	// Each letter inside a syllable, in a cell with some context, is
	// detected and converted back. (A lone word can be ambiguous; the file's
	// dominant encoding decides those, see TestDetector.)
	for _, l := range VietnameseLetters() {
		lower := strings.ToLower(l)
		word := "ng" + lower + "n"
		if lower == "đ" {
			word = "đan"
		}
		cell := "rượu men lá " + word
		if enc, ok := encodeTCVN3(cell); ok {
			if got, e := ToUnicode(enc); got != cell || e != TCVN3 {
				t.Errorf("TCVN3 %q → %q %v, want %q", enc, got, e, cell)
			}
		}
		enc := encodeVNI(t, cell)
		if got, e := ToUnicode(enc); got != cell || e != VNI {
			t.Errorf("VNI %q → %q %v, want %q", enc, got, e, cell)
		}
	}
}

func TestDetector(t *testing.T) {
	tests := []struct {
		name  string
		cells []string
		want  Encoding
	}{
		{"unicode", []string{"Rượu men lá", "Lê", "Bà Nà", "Đan gùi"}, Unicode},
		{"tcvn3", []string{"R\u00adîu men l¸", "Lª", "§an gïi", "DÖt thæ cÈm"}, TCVN3},
		{"vni", []string{"Röôïu men laù", "Ñan guøi maây", "Nguyeãn Thò Hoa"}, VNI},
		{"ascii", []string{"abc", "123"}, Unicode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Detector
			for _, c := range tt.cells {
				d.Add(c)
			}
			if got := d.Encoding(); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	// An ambiguous cell follows the file's encoding: "Lê" is "Lờ" in TCVN3.
	if got, _ := Convert("Lê", TCVN3); got != "Lờ" {
		t.Errorf("Convert with TCVN3 prior = %q", got)
	}
	if got, _ := Convert("Lê", Unicode); got != "Lê" {
		t.Errorf("Convert with Unicode prior = %q", got)
	}
}
