package sheet

import (
	"bytes"
	"strings"
	"testing"

	"khuyencong/internal/kc"
)

// FuzzRead feeds arbitrary bytes as a CSV file: Read never panics and
// returns either a table or an EInvalid kc.Error.
func FuzzRead(f *testing.F) {
	seeds := []string{
		"Tên cơ sở,Loại hình\nA,HTX\n",
		"\uFEFFTên cơ sở;Loại hình;LĐ;DT (triệu đồng)\n\"A;B\";Hộ kinh doanh;-3;khoảng 50 triệu\n",
		"STT,Tên,Loại hình,SĐT,CCCD,Ngày ĐKKD\n1,R\u00adîu,HTX,09l2,123,31/02/2021\n",
		"Tên cơ sở,Loại hình,Tên\n",
		"\"unterminated,\n",
		"",
		"\xff\xfeT\x00\xea\x00n\x00",
		"PK\x03\x04",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := Read(bytes.NewReader(data), "fuzz.csv", Limits{MaxRows: 1000, MaxCellChars: 1000})
		if err != nil {
			if kc.ErrorCode(err) != kc.EInvalid {
				t.Fatalf("error %v is not invalid", err)
			}
			return
		}
		if tb == nil {
			t.Fatal("nil table without error")
		}
		for _, e := range tb.Errors() {
			if e.Code != kc.EInvalid {
				t.Fatalf("cell error %v", e)
			}
			if _, _, _, ok := CellPosition(e); !ok {
				t.Fatalf("cell error without position %v", e)
			}
		}
	})
}

func TestUnicodeNotMangled(t *testing.T) {
	// Every letter in Unicode, in a word and alone, stays as it is.
	for _, l := range VietnameseLetters() {
		ng, n := "ng", "n"
		if strings.ToUpper(l) == l {
			ng, n = "NG", "N"
		}
		for _, s := range []string{l, ng + l + n, "Thôn " + ng + l + n, "Cơ sở " + l} {
			if got, e := ToUnicode(s); got != s || e != Unicode {
				t.Errorf("ToUnicode(%q) = %q, %v", s, got, e)
			}
		}
	}
}
