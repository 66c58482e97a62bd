package vi

import (
	"strconv"
	"time"
)

// FormatNumber groups digits with dots as Vietnamese write them: 1.234.567.
func FormatNumber(n int64) string {
	neg := n < 0
	u := uint64(n)
	if neg {
		u = uint64(-n)
	}
	s := strconv.FormatUint(u, 10)
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	pre := len(s) % 3
	if pre == 0 {
		pre = 3
	}
	out = append(out, s[:pre]...)
	for i := pre; i < len(s); i += 3 {
		out = append(out, '.')
		out = append(out, s[i:i+3]...)
	}
	return string(out)
}

// FormatVND writes an amount in đồng as "1.500.000 ₫".
func FormatVND(dong int64) string { return FormatNumber(dong) + " ₫" }

// Location is Asia/Ho_Chi_Minh, where dates and times are displayed.
var Location = mustLoad("Asia/Ho_Chi_Minh")

func mustLoad(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return l
}

// FormatDate writes t in Vietnam's zone as dd/mm/yyyy; the zero time gives "".
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Location).Format("02/01/2006")
}

// FormatDay writes a calendar day (already without zone) as dd/mm/yyyy.
func FormatDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("02/01/2006")
}

// FormatDateTime writes t in Vietnam's zone as dd/mm/yyyy hh:mm.
func FormatDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Location).Format("02/01/2006 15:04")
}

// FormatDayLong writes the long document form "ngày 05 tháng 01 năm 2020".
func FormatDayLong(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return "ngày " + t.Format("02") + " tháng " + t.Format("01") + " năm " + t.Format("2006")
}

var weekdays = [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}

// Weekday returns the Vietnamese name of the weekday ("Thứ Hai" … "Chủ nhật").
func Weekday(d time.Weekday) string { return weekdays[d] }
