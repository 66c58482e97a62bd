package report

import (
	"testing"
	"time"
)

func TestPlaceDate(t *testing.T) {
	day := time.Date(2020, 1, 5, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		d    Document
		want string
	}{
		{Document{Place: "Hà Nội", Date: day}, "Hà Nội, ngày 05 tháng 01 năm 2020"},
		{Document{Date: day}, "Ngày 05 tháng 01 năm 2020"},
		{Document{Place: "Đakrông"}, "Đakrông"},
		{Document{}, ""},
	} {
		if got := c.d.PlaceDate(); got != c.want {
			t.Errorf("PlaceDate(%q, %v) = %q, want %q", c.d.Place, c.d.Date, got, c.want)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		k    ColumnKind
		c    Cell
		want string
	}{
		{Text, Cell{Text: "Đakrông", N: 5}, "Đakrông"},
		{Money, Cell{N: 1_500_000}, "1.500.000"},
		{Count, Cell{N: 0}, "0"},
		{Count, Cell{Empty: true}, "–"},
		{Percent, Cell{N: 1250}, "12,5 %"},
		{Percent, Cell{N: 10000}, "100 %"},
		{Percent, Cell{N: 6667}, "66,7 %"},
		{Percent, Cell{N: -50}, "-0,5 %"},
		{Million, Cell{N: 1_167_000_000}, "1.167"},
		{Million, Cell{N: 12_500_000}, "12,5"},
		{Million, Cell{N: 12_449_999}, "12,4"},
		{Million, Cell{N: 40_000}, "0"},
		{Million, Cell{N: -3_000_000}, "-3"},
		{Million, Cell{Empty: true}, "–"},
	} {
		if got := Format(c.k, c.c); got != c.want {
			t.Errorf("Format(%v, %+v) = %q, want %q", c.k, c.c, got, c.want)
		}
	}
}
