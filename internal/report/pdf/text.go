package pdf

import (
	"strings"

	"khuyencong/internal/vi"
)

// spaceAfter is the gap after a paragraph (§9 asks for at least 6 pt).
const spaceAfter = 2.2

// wrap breaks s into lines in the current font: the first line at most
// first wide, the others at most w. A word longer than a line is cut.
func (r *renderer) wrap(s string, first, w float64) []string {
	var lines []string
	var cur string
	limit := first
	space := r.f.GetStringWidth(" ")
	curW := 0.0
	for _, word := range strings.Fields(s) {
		ww := r.f.GetStringWidth(word)
		if cur != "" && curW+space+ww <= limit {
			cur += " " + word
			curW += space + ww
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
			limit = w
		}
		// a word wider than the line is cut where it must be
		for ww > limit {
			rs := []rune(word)
			n := len(rs) - 1
			for n > 1 && r.f.GetStringWidth(string(rs[:n])) > limit {
				n--
			}
			lines = append(lines, string(rs[:n]))
			limit = w
			word = string(rs[n:])
			ww = r.f.GetStringWidth(word)
		}
		cur, curW = word, ww
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// centred wraps s to w and centres it in the column at x from y; it
// returns the y under the last line.
func (r *renderer) centred(s string, x, y, w, lh float64) float64 {
	return r.centredLines(r.wrap(s, w, w), x, y, w, lh)
}

// centredLines centres each line in the column at x from y.
func (r *renderer) centredLines(lines []string, x, y, w, lh float64) float64 {
	for _, l := range lines {
		r.f.SetXY(x, y)
		r.f.CellFormat(w, lh, l, "", 0, "C", false, 0, "")
		y += lh
	}
	return y
}

// paragraph writes text justified over the text width with the first
// line indented by first, in style and size, and leaves spaceAfter
// under it. The first two lines are kept on one page.
func (r *renderer) paragraph(text, style string, size, first, gap float64) {
	text = vi.NFC(text)
	if text == "" {
		return
	}
	r.font(style, size)
	lh := lineH(size)
	lines := r.wrap(text, textW-first, textW)
	r.ensure(lh * float64(min(2, len(lines))))
	r.lines(lines, first, 0, lh)
	r.f.SetY(r.f.GetY() + spaceAfter + gap)
}

// lines writes wrapped lines from the current y, justified except the
// last, the first indented by first and all by left; a line that does
// not fit goes to the next page.
func (r *renderer) lines(lines []string, first, left, lh float64) {
	f := r.f
	for i, l := range lines {
		r.ensure(lh)
		x := marginLeft + left
		if i == 0 {
			x += first
		}
		align := "L"
		// fpdf's justification spreads the gap over the spaces; a line
		// without one (a single word) must stay left-aligned.
		if i < len(lines)-1 && strings.Contains(l, " ") {
			align = "J"
		}
		f.SetXY(x, f.GetY())
		f.CellFormat(marginLeft+textW-x, lh, l, "", 1, align, false, 0, "")
	}
}
