package chart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/golang/freetype/truetype"
	"golang.org/x/image/math/fixed"

	"khuyencong/internal/locale"
	"khuyencong/internal/report"
	"khuyencong/internal/vi"
)

// SVG geometry, in user units of the viewBox. The picture is drawn
// phone-first: 360 units wide, so one unit is about one CSS pixel on a
// 360-px phone and on a desktop chart column (about 350–400 px), and
// every text is 16 units (DESIGN §7: text at least 16 px). The title is
// not drawn inside: the page shows it in the figure's caption; the SVG
// keeps it in <title> and aria-label for screen readers.
const (
	svgW       = 360.0
	svgMargin  = 8.0
	textSize   = 16.0 // the size of every text
	lineH      = 20.0 // the height of one line of text
	barH       = 24.0 // the thickness of a horizontal bar
	barGap     = 3.0  // between the bars of one category
	rowGap     = 8.0  // between categories
	maxRows    = 40   // categories drawn; the rest are counted on a last line
	swatch     = 16.0 // legend colour square
	plotHeight = 200.0
	donutR     = 100.0 // outer radius of the pie
	donutHole  = 56.0  // inner radius of the pie
	ticks      = 4     // intervals on the value axis of a line chart
	fontStack  = "'Liberation Sans', Arial, Helvetica, sans-serif"
	textFill   = "#222222"
	mutedFill  = "#444444"
	axisStroke = "#666666"
	gridStroke = "#DDDDDD"
	// halo outlines text in white so it stays legible over lines.
	halo = ` stroke="#FFFFFF" stroke-width="3" stroke-linejoin="round" paint-order="stroke"`
)

// svgWriter collects the elements of one SVG.
type svgWriter struct {
	b    bytes.Buffer
	font *truetype.Font
}

// width estimates the advance of s at size units from the metrics of
// Liberation Sans, which Arial shares; bold text is about 8 % wider.
func (w *svgWriter) width(s string, size float64, bold bool) float64 {
	if w.font == nil {
		return float64(len([]rune(s))) * size * 0.55
	}
	upem := w.font.FUnitsPerEm()
	var adv int64
	for _, r := range s {
		adv += int64(w.font.HMetric(fixed.Int26_6(upem), w.font.Index(r)).AdvanceWidth)
	}
	out := float64(adv) / float64(upem) * size
	if bold {
		out *= 1.08
	}
	return out
}

// tw is the width of s as drawn, at textSize.
func (w *svgWriter) tw(s string) float64 { return w.width(s, textSize, false) }

// wrap breaks s at spaces into lines no wider than max; see wrapTokens.
func (w *svgWriter) wrap(s string, max float64, maxLines int) (lines []string, ok bool) {
	return w.wrapTokens(strings.Fields(s), max, maxLines)
}

// wrapTokens joins the tokens with spaces into lines no wider than max,
// never breaking inside a token; when more than maxLines are needed the
// last one ends with "…". ok is false when it had to cut.
func (w *svgWriter) wrapTokens(tokens []string, max float64, maxLines int) (lines []string, ok bool) {
	ok = true
	var cur string
	for _, word := range tokens {
		try := word
		if cur != "" {
			try = cur + " " + word
		}
		if cur == "" || w.tw(try) <= max {
			cur = try
			continue
		}
		lines = append(lines, cur)
		cur = word
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if len(lines) > maxLines {
		lines = append(lines[:maxLines-1], strings.Join(lines[maxLines-1:], " "))
		ok = false
	}
	for i, l := range lines {
		if w.tw(l) > max {
			lines[i] = w.truncate(l, max)
			ok = false
		}
	}
	if !ok && len(lines) == maxLines {
		last := lines[maxLines-1]
		if !strings.HasSuffix(last, "…") {
			lines[maxLines-1] = w.truncate(last+"…", max)
		}
	}
	return lines, ok
}

// truncate shortens s to fit max, ending it with "…".
func (w *svgWriter) truncate(s string, max float64) string {
	if w.tw(s) <= max {
		return s
	}
	r := []rune(strings.TrimSuffix(s, "…"))
	for len(r) > 0 && w.tw(string(r)+"…") > max {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

// num writes a coordinate with at most one decimal.
func num(f float64) string {
	return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64)
}

// esc escapes s for text and attribute values.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (w *svgWriter) printf(format string, args ...any) { fmt.Fprintf(&w.b, format, args...) }

// text writes one <text> element at textSize; attrs are extra
// attributes.
func (w *svgWriter) text(x, y float64, anchor, s, attrs string) {
	w.printf(`<text x="%s" y="%s" font-size="%s" text-anchor="%s"%s>%s</text>`+"\n",
		num(x), num(y), num(textSize), anchor, attrs, esc(s))
}

// textTip writes a <text> with a tooltip holding the full label when s
// is a shortened form of it.
func (w *svgWriter) textTip(x, y float64, anchor, s, full, attrs string) {
	if s == full {
		w.text(x, y, anchor, s, attrs)
		return
	}
	w.printf(`<text x="%s" y="%s" font-size="%s" text-anchor="%s"%s><title>%s</title>%s</text>`+"\n",
		num(x), num(y), num(textSize), anchor, attrs, esc(full), esc(s))
}

// baseline is the baseline of line j of a block of text starting at top.
func baseline(top float64, j int) float64 {
	return top + textSize*0.85 + float64(j)*lineH + (lineH-textSize)/2
}

// middle is the baseline that centres one line of text on y.
func middle(y float64) float64 { return y + textSize*0.35 }

func renderSVG(d data) []byte {
	font, _ := loadFont() // without it, widths are estimated
	w := &svgWriter{font: font}
	body := &svgWriter{font: font}
	top := svgMargin
	if !d.empty() && d.unit != "" {
		l, _ := body.wrap(locale.T("vi", "chart.unit", d.unit), svgW-2*svgMargin, 2)
		for j, s := range l {
			body.text(svgMargin, baseline(top, j), "start", s, ` fill="`+mutedFill+`"`)
		}
		top += float64(len(l))*lineH + 8
	}
	var h float64
	switch {
	case d.empty():
		h = body.empty(top)
	case d.kind == report.Pie:
		h = body.pie(d, top)
	case d.kind == report.Line:
		h = body.line(d, top)
	default:
		h = body.hbars(d, top)
	}
	h = math.Ceil(h)
	label := locale.T("vi", "doc.chart_alt", d.title)
	w.printf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="100%%" role="img" aria-label="%s" font-family="%s" fill="%s">`+"\n",
		num(svgW), num(h), esc(label), fontStack, textFill)
	w.printf("<title>%s</title>\n<desc>%s</desc>\n", esc(d.title), esc(describe(d)))
	w.printf(`<rect x="0" y="0" width="%s" height="%s" fill="#FFFFFF"/>`+"\n", num(svgW), num(h))
	w.b.Write(body.b.Bytes())
	w.b.WriteString("</svg>\n")
	return w.b.Bytes()
}

// describe lists every value in words for screen readers.
func describe(d data) string {
	if d.empty() {
		return noData()
	}
	var parts []string
	for i, c := range d.cats {
		var vals []string
		for _, s := range d.series {
			v := formatValue(s.Values[i])
			if d.kind == report.Pie {
				v += " (" + formatPercent(s.Values[i], d.total()) + ")"
			}
			if len(d.series) > 1 {
				v = s.Name + ": " + v
			}
			vals = append(vals, v)
		}
		parts = append(parts, c+" – "+strings.Join(vals, ", "))
	}
	out := strings.Join(parts, "; ")
	if d.unit != "" {
		out += " (" + d.unit + ")"
	}
	return out
}

// empty draws a frame with the "no data" text and returns the height.
func (w *svgWriter) empty(top float64) float64 {
	const boxH = 96
	w.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="%s" stroke-width="1.5" stroke-dasharray="6 4"/>`+"\n",
		num(svgMargin), num(top), num(svgW-2*svgMargin), num(boxH), axisStroke)
	w.text(svgW/2, middle(top+boxH/2), "middle", noData(), ` fill="`+mutedFill+`"`)
	return top + boxH + svgMargin
}

// more writes "… và N mục khác" for the hidden categories, if any, and
// returns the new top.
func (w *svgWriter) more(d data, top float64) float64 {
	hidden := len(d.cats) - maxRows
	if hidden <= 0 {
		return top
	}
	w.text(svgMargin, baseline(top, 0), "start", locale.T("vi", "chart.more", vi.FormatNumber(int64(hidden))), ` fill="`+mutedFill+`"`)
	return top + lineH + rowGap
}

// legend draws swatches with series names in rows, wrapping as needed,
// and returns the height used. lines draws each swatch as a short line
// in the series' stroke pattern, so lines differ by more than colour.
func (w *svgWriter) legend(names []string, top float64, lines bool) float64 {
	const gap = 8.0  // swatch to name
	const sep = 18.0 // between items
	x, y := svgMargin, top
	rowH := lineH + 8
	type item struct {
		x, y float64
		name string
		i    int
	}
	var items []item
	maxW := svgW - 2*svgMargin
	for i, n := range names {
		n = w.truncate(n, maxW-swatch-gap)
		iw := swatch + gap + w.tw(n)
		if x > svgMargin && x+iw > svgW-svgMargin {
			x = svgMargin
			y += rowH
		}
		items = append(items, item{x, y, n, i})
		x += iw + sep
	}
	for _, it := range items {
		c := seriesColor(it.i)
		cy := it.y + rowH/2
		if lines {
			w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="3"%s/>`+"\n",
				num(it.x), num(cy), num(it.x+swatch+2), num(cy), c, dash(it.i))
		} else {
			w.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n",
				num(it.x), num(cy-swatch/2), num(swatch), num(swatch), c)
		}
		w.text(it.x+swatch+gap, middle(cy), "start", it.name, "")
	}
	if len(items) == 0 {
		return 0
	}
	return y + rowH - top
}

// dash returns the stroke pattern of line series i.
func dash(i int) string {
	switch i % 4 {
	case 1:
		return ` stroke-dasharray="8 4"`
	case 2:
		return ` stroke-dasharray="2 3"`
	case 3:
		return ` stroke-dasharray="10 3 2 3"`
	}
	return ""
}

// hbars draws a bar or stacked-bar chart as horizontal bars, one row per
// category: the category's name above its bar(s), each bar starting at
// 0 and as long as its value, the value written at its end (outside, or
// inside when the bar is too long for it). A stack writes its total at
// its end and each segment's value inside it where it fits. It returns
// the total height.
func (w *svgWriter) hbars(d data, top float64) float64 {
	rows := min(len(d.cats), maxRows)
	stacked := d.kind == report.StackedBar
	// The value span of the rows drawn, always including 0.
	var lo, hi float64
	for i := range rows {
		if stacked {
			hi = math.Max(hi, barValue(d, d.series[0], i))
			continue
		}
		for _, s := range d.series {
			lo, hi = math.Min(lo, s.Values[i]), math.Max(hi, s.Values[i])
		}
	}
	if hi == lo {
		hi = lo + 1
	}
	inner := svgW - 2*svgMargin
	// Bars first fill the whole width; when some value then fits neither
	// after its bar nor inside it, room is left for all values outside.
	scale := inner / (hi - lo)
	zero := svgMargin - lo*scale
	fits := !stacked
	var right, left float64 // the widest value after a bar, before one
	for i := range rows {
		for _, s := range d.series {
			v := barValue(d, s, i)
			t := w.width(formatValue(v), textSize, stacked) + 6 // totals are bold
			if v >= 0 {
				right = math.Max(right, t)
			} else {
				left = math.Max(left, t)
			}
			if fits {
				_, _, _, ok := w.valueSpot(v, zero, scale)
				fits = ok
			}
		}
	}
	if !fits {
		scale = (inner - right - left) / (hi - lo)
		zero = svgMargin + left - lo*scale
	}

	y := top
	for i := range rows {
		lines, whole := w.wrap(d.cats[i], inner, 2)
		for j, l := range lines {
			full := l // a shortened name keeps the whole one as a tooltip
			if !whole && j == len(lines)-1 {
				full = d.cats[i]
			}
			w.textTip(svgMargin, baseline(y, j), "start", l, full, "")
		}
		y += float64(len(lines))*lineH + 2
		nb := len(d.series)
		if stacked {
			nb = 1
		}
		h := float64(nb)*barH + float64(nb-1)*barGap
		w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`+"\n",
			num(zero), num(y-2), num(zero), num(y+h+2), axisStroke)
		if stacked {
			w.stack(d, i, y, zero, scale)
		} else {
			for si, s := range d.series {
				by := y + float64(si)*(barH+barGap)
				v := s.Values[i]
				x0, x1 := zero+math.Min(v, 0)*scale, zero+math.Max(v, 0)*scale
				if x1-x0 > 0 {
					w.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`+"\n",
						num(x0), num(by), num(x1-x0), num(barH), seriesColor(si), esc(tip(s.Name, d.cats[i], v, d.unit)))
				}
				x, anchor, inside, _ := w.valueSpot(v, zero, scale)
				fill := ""
				if inside {
					fill = ` fill="` + contrast(seriesColor(si)) + `"`
				}
				w.text(x, middle(by+barH/2), anchor, formatValue(v), fill)
			}
		}
		y += h + rowGap
	}
	y = w.more(d, y)
	if len(d.series) > 1 {
		y += w.legend(seriesNames(d), y, false)
	}
	return y + svgMargin
}

// valueSpot places the value v of a bar from zero: after its end when it
// fits there, else inside the bar at its end. It returns the text's x and
// anchor, whether it is inside, and false when it fits neither way (it is
// then placed after the end anyway).
func (w *svgWriter) valueSpot(v, zero, scale float64) (x float64, anchor string, inside, ok bool) {
	t := w.tw(formatValue(v))
	end := zero + v*scale
	length := math.Abs(v * scale)
	if v >= 0 {
		switch {
		case end+6+t <= svgW-svgMargin:
			return end + 6, "start", false, true
		case length >= t+10:
			return end - 5, "end", true, true
		}
		return end + 6, "start", false, false
	}
	switch {
	case end-6-t >= svgMargin:
		return end - 6, "end", false, true
	case length >= t+10:
		return end + 5, "start", true, true
	}
	return end - 6, "end", false, false
}

// stack draws the segments of category i side by side from zero, each
// with its value inside when it fits, and the total after the end.
func (w *svgWriter) stack(d data, i int, y, zero, scale float64) {
	x := zero
	for si, s := range d.series {
		v := s.Values[i]
		if v <= 0 {
			continue
		}
		l := v * scale
		w.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`+"\n",
			num(x), num(y), num(l), num(barH), seriesColor(si), esc(tip(s.Name, d.cats[i], v, d.unit)))
		if txt := formatValue(v); len(d.series) > 1 && w.tw(txt)+8 <= l {
			w.text(x+l/2, middle(y+barH/2), "middle", txt, ` fill="`+contrast(seriesColor(si))+`"`)
		}
		x += l
	}
	w.text(x+6, middle(y+barH/2), "start", formatValue(barValue(d, d.series[0], i)), ` font-weight="bold"`)
}

// line draws a line chart: a value axis on the left, one line per series
// with its points, a few category labels under it (the first, the last
// and every k-th, as many as fit) and the values by the points when they
// fit. It returns the total height.
func (w *svgWriter) line(d data, top float64) float64 {
	lo, hi := d.valueRange()
	yMin, yMax, step := niceScale(lo, hi, ticks)
	tv := tickValues(yMin, yMax, step)
	plotLeft := svgMargin
	for _, v := range tv {
		plotLeft = math.Max(plotLeft, svgMargin+w.tw(formatValue(v))+6)
	}
	plotRight := svgW - svgMargin
	n := len(d.cats)
	slot := (plotRight - plotLeft) / float64(n)
	centers := make([]float64, n)
	for i := range centers {
		centers[i] = plotLeft + slot*(float64(i)+0.5)
	}
	// Values are written by the points when each fits its slot and there
	// are at most two lines (the higher above, the lower below).
	values := len(d.series) <= 2
	for _, s := range d.series {
		for _, v := range s.Values {
			values = values && w.tw(formatValue(v)) <= slot-4
		}
	}
	plotTop := top + textSize/2
	if values {
		plotTop = top + lineH + 6
	}
	plotBottom := plotTop + plotHeight
	y := func(v float64) float64 { return plotBottom - (v-yMin)/(yMax-yMin)*plotHeight }

	for _, v := range tv {
		stroke := gridStroke
		if v == 0 {
			stroke = axisStroke
		}
		w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`+"\n",
			num(plotLeft), num(y(v)), num(plotRight), num(y(v)), stroke)
		w.text(plotLeft-6, middle(y(v)), "end", formatValue(v), ` fill="`+mutedFill+`"`)
	}
	w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`+"\n",
		num(plotLeft), num(plotTop), num(plotLeft), num(plotBottom), axisStroke)

	below := plotBottom // the lowest baseline of a value written under a point
	for si, s := range d.series {
		var pts []string
		for i, v := range s.Values {
			pts = append(pts, num(centers[i])+","+num(y(v)))
		}
		w.printf(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"%s/>`+"\n",
			strings.Join(pts, " "), seriesColor(si), dash(si))
		for i, v := range s.Values {
			w.printf(`<circle cx="%s" cy="%s" r="4" fill="%s"><title>%s</title></circle>`+"\n",
				num(centers[i]), num(y(v)), seriesColor(si), esc(tip(s.Name, d.cats[i], v, d.unit)))
			if !values {
				continue
			}
			above := true
			if len(d.series) == 2 {
				other := d.series[1-si].Values[i]
				above = v > other || v == other && si == 0
			}
			ly := y(v) - 8
			if !above {
				ly = y(v) + textSize + 4
				below = math.Max(below, ly+4)
			}
			w.text(centers[i], ly, "middle", formatValue(v), halo)
		}
	}

	// Category labels: every k-th from the first, and the last.
	labelW := 0.0
	for _, c := range d.cats {
		labelW = math.Max(labelW, w.tw(c))
	}
	k := 1
	for k < n-1 && labelW > float64(k)*slot-8 {
		k++
	}
	maxW := math.Max(float64(k)*slot-8, 0)
	if n == 1 {
		maxW = plotRight - plotLeft
	}
	// Under the plot, clear of the lowest value label and of the axis'
	// "0", which reaches half a line below the plot.
	labelTop := math.Max(below+2, plotBottom+8)
	ly := baseline(labelTop, 0)
	for i, c := range d.cats {
		if i != n-1 && (i%k != 0 || n-1-i < k) {
			continue
		}
		s := w.truncate(c, maxW)
		half := w.tw(s) / 2
		x := math.Min(math.Max(centers[i], svgMargin+half), svgW-svgMargin-half)
		w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`+"\n",
			num(centers[i]), num(plotBottom), num(centers[i]), num(plotBottom+4), axisStroke)
		w.textTip(x, ly, "middle", s, c, "")
	}
	top = labelTop + lineH + rowGap
	if len(d.series) > 1 {
		top += w.legend(seriesNames(d), top, true)
	}
	return top + svgMargin
}

// tickValues lists the axis values from lo to hi every step, computed
// from whole multiples so 0 is exactly 0.
func tickValues(lo, hi, step float64) []float64 {
	var out []float64
	first := math.Round(lo / step)
	for k := 0.0; first+k <= math.Round(hi/step); k++ {
		out = append(out, (first+k)*step)
	}
	return out
}

// barValue is the value written at the end of bar i of s: the bar itself,
// or the stack's total.
func barValue(d data, s report.Series, i int) float64 {
	if d.kind != report.StackedBar {
		return s.Values[i]
	}
	var sum float64
	for _, t := range d.series {
		sum += t.Values[i]
	}
	return sum
}

// tip is the tooltip of one value: "Tỉnh – 2016: 120 triệu đồng".
func tip(series, cat string, v float64, unit string) string {
	s := cat + ": " + formatValue(v)
	if series != "" {
		s = series + " – " + s
	}
	if unit != "" {
		s += " " + unit
	}
	return s
}

// contrast returns black or white, whichever reads better on hex.
func contrast(hex string) string {
	r, _ := strconv.ParseUint(hex[1:3], 16, 8)
	g, _ := strconv.ParseUint(hex[3:5], 16, 8)
	b, _ := strconv.ParseUint(hex[5:7], 16, 8)
	if 0.299*float64(r)+0.587*float64(g)+0.114*float64(b) > 150 {
		return "#000000"
	}
	return "#FFFFFF"
}

// pie draws a donut centred under top, with the share written on the
// slices wide enough for it, then a legend with one line per category:
// swatch, name, value and share ("Đào tạo nghề: 7 (35 %)"). It returns
// the total height.
func (w *svgWriter) pie(d data, top float64) float64 {
	const mid = (donutR + donutHole) / 2
	cx, cy := svgW/2, top+donutR+4
	vals := d.series[0].Values
	total := d.total()
	angle := -math.Pi / 2
	var nonzero int
	for _, v := range vals {
		if v > 0 {
			nonzero++
		}
	}
	pt := func(r, a float64) string { return num(cx+r*math.Cos(a)) + " " + num(cy+r*math.Sin(a)) }
	for i, v := range vals {
		if v <= 0 {
			continue
		}
		t := tip("", d.cats[i], v, d.unit) + " (" + formatPercent(v, total) + ")"
		sweep := v / total * 2 * math.Pi
		if nonzero == 1 {
			w.printf(`<circle cx="%s" cy="%s" r="%s" fill="none" stroke="%s" stroke-width="%s"><title>%s</title></circle>`+"\n",
				num(cx), num(cy), num(mid), seriesColor(i), num(donutR-donutHole), esc(t))
		} else {
			large := 0
			if sweep > math.Pi {
				large = 1
			}
			w.printf(`<path d="M%sA%s %s 0 %d 1 %sL%sA%s %s 0 %d 0 %sZ" fill="%s" stroke="#FFFFFF" stroke-width="1.5"><title>%s</title></path>`+"\n",
				pt(donutR, angle), num(donutR), num(donutR), large, pt(donutR, angle+sweep),
				pt(donutHole, angle+sweep), num(donutHole), num(donutHole), large, pt(donutHole, angle),
				seriesColor(i), esc(t))
		}
		if share := formatPercent(v, total); sweep*mid >= w.tw(share)+8 {
			a := angle + sweep/2
			w.text(cx+mid*math.Cos(a), middle(cy+mid*math.Sin(a)), "middle", share,
				` font-weight="bold" fill="`+contrast(seriesColor(i))+`"`)
		}
		angle += sweep
	}
	top = cy + donutR + 16
	const gap = 8.0
	textX := svgMargin + swatch + gap
	for i := range min(len(d.cats), maxRows) {
		tokens := append(strings.Fields(d.cats[i]+":"), formatValue(vals[i])+" ("+formatPercent(vals[i], total)+")")
		lines, _ := w.wrapTokens(tokens, svgW-svgMargin-textX, 3)
		w.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n",
			num(svgMargin), num(top+(lineH-swatch)/2), num(swatch), num(swatch), seriesColor(i))
		for j, l := range lines {
			w.text(textX, baseline(top, j), "start", l, "")
		}
		top += float64(len(lines))*lineH + 8
	}
	top = w.more(d, top+4)
	return top + svgMargin
}
