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
)

// SVG geometry, in user units of the viewBox. The picture is 600 units
// wide and scales to its container; text is at least 13 units so it
// stays readable on a 360-px phone.
const (
	svgW       = 600.0
	svgMargin  = 10.0
	titleSize  = 16.0
	labelSize  = 14.0
	valueSize  = 13.0
	lineGap    = 1.25 // line height as a multiple of the font size
	plotHeight = 250.0
	ticks      = 4 // intervals on the value axis
	fontStack  = "'Liberation Sans', Arial, Helvetica, sans-serif"
	textFill   = "#222222"
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

// wrap breaks s into lines no wider than max; when more than maxLines
// are needed the last one ends with "…". ok is false when it had to cut.
func (w *svgWriter) wrap(s string, size, max float64, maxLines int, bold bool) (lines []string, ok bool) {
	ok = true
	var cur string
	for _, word := range strings.Fields(s) {
		try := word
		if cur != "" {
			try = cur + " " + word
		}
		if cur == "" || w.width(try, size, bold) <= max {
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
		if w.width(l, size, bold) > max {
			lines[i] = w.truncate(l, size, max, bold)
			ok = false
		}
	}
	if !ok && len(lines) == maxLines {
		last := lines[maxLines-1]
		if !strings.HasSuffix(last, "…") {
			lines[maxLines-1] = w.truncate(last+"…", size, max, bold)
		}
	}
	return lines, ok
}

// truncate shortens s to fit max, ending it with "…".
func (w *svgWriter) truncate(s string, size, max float64, bold bool) string {
	if w.width(s, size, bold) <= max {
		return s
	}
	r := []rune(strings.TrimSuffix(s, "…"))
	for len(r) > 0 && w.width(string(r)+"…", size, bold) > max {
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

// text writes one <text> element; attrs are extra attributes.
func (w *svgWriter) text(x, y float64, size float64, anchor, s, attrs string) {
	w.printf(`<text x="%s" y="%s" font-size="%s" text-anchor="%s"%s>%s</text>`+"\n",
		num(x), num(y), num(size), anchor, attrs, esc(s))
}

// textTip writes a <text> with a tooltip holding the full label.
func (w *svgWriter) textTip(x, y float64, size float64, anchor, s, full, attrs string) {
	if s == full {
		w.text(x, y, size, anchor, s, attrs)
		return
	}
	w.printf(`<text x="%s" y="%s" font-size="%s" text-anchor="%s"%s><title>%s</title>%s</text>`+"\n",
		num(x), num(y), num(size), anchor, attrs, esc(full), esc(s))
}

func renderSVG(d data) []byte {
	font, _ := loadFont() // without it, widths are estimated
	w := &svgWriter{font: font}
	var body svgWriter
	body.font = font
	var h float64
	top := svgMargin
	titleLines, _ := w.wrap(d.title, titleSize, svgW-2*svgMargin, 3, true)
	for i, l := range titleLines {
		body.text(svgW/2, top+titleSize*(float64(i)+0.85)*lineGap, titleSize, "middle", l, ` font-weight="bold"`)
	}
	top += float64(len(titleLines))*titleSize*lineGap + 6
	switch {
	case d.empty():
		h = body.empty(top)
	case d.kind == report.Pie:
		h = body.pie(d, top)
	default:
		h = body.axes(d, top)
	}
	label := locale.T("vi", "doc.chart_alt", d.title)
	w.printf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="100%%" role="img" aria-label="%s" font-family="%s" fill="%s">`+"\n",
		num(svgW), num(math.Ceil(h)), esc(label), fontStack, textFill)
	w.printf("<title>%s</title>\n<desc>%s</desc>\n", esc(d.title), esc(describe(d)))
	w.printf(`<rect x="0" y="0" width="%s" height="%s" fill="#FFFFFF"/>`+"\n", num(svgW), num(math.Ceil(h)))
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
	const boxH = 120
	w.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="%s" stroke-width="1.5" stroke-dasharray="6 4"/>`+"\n",
		num(svgMargin), num(top), num(svgW-2*svgMargin), num(boxH), axisStroke)
	w.text(svgW/2, top+boxH/2+labelSize*0.35, labelSize, "middle", noData(), ` fill="#666666"`)
	return top + boxH + svgMargin
}

// catLabels lays out category labels under slots of width slot: wrapped
// on up to two lines when they fit, else rotated. It returns a function
// drawing them at a baseline y, the height they take and how far a
// rotated label reaches left of its slot's centre.
func (w *svgWriter) catLabels(cats []string, slot float64) (draw func(xs []float64, y float64), height float64, reach []float64) {
	wrapped := make([][]string, len(cats))
	fits := true
	lines := 1
	for i, c := range cats {
		l, ok := w.wrap(c, labelSize, slot-4, 2, false)
		wrapped[i] = l
		fits = fits && ok
		lines = max(lines, len(l))
	}
	if fits {
		return func(xs []float64, y float64) {
			for i, l := range wrapped {
				for j, line := range l {
					w.text(xs[i], y+labelSize*(0.85+float64(j)*lineGap), labelSize, "middle", line, "")
				}
			}
		}, float64(lines)*labelSize*lineGap + 4, nil
	}
	const maxLen = 130.0
	const angle = 40.0
	long := 0.0
	short := make([]string, len(cats))
	rad := angle * math.Pi / 180
	reach = make([]float64, len(cats))
	for i, c := range cats {
		short[i] = w.truncate(c, labelSize, maxLen, false)
		lw := w.width(short[i], labelSize, false)
		long = math.Max(long, lw)
		reach[i] = lw*math.Cos(rad) - labelSize*0.3
	}
	return func(xs []float64, y float64) {
		for i := range cats {
			x, ty := xs[i]+labelSize*0.3, y+labelSize*0.8
			w.textTip(x, ty, labelSize, "end", short[i], cats[i],
				fmt.Sprintf(` transform="rotate(-%s %s %s)"`, num(angle), num(x), num(ty)))
		}
	}, long*math.Sin(rad) + labelSize*1.4, reach
}

// legend draws swatches with series names in rows under the plot,
// wrapping as needed, and returns the height used. dash gives each
// line series its stroke pattern so lines differ by more than colour.
func (w *svgWriter) legend(names []string, top float64, lines bool) float64 {
	const sw = 14.0
	x, y := svgMargin, top
	rowH := labelSize * 1.6
	type item struct {
		x, y float64
		name string
		i    int
	}
	var items []item
	maxW := svgW - 2*svgMargin
	for i, n := range names {
		n = w.truncate(n, labelSize, maxW-sw-6, false)
		iw := sw + 6 + w.width(n, labelSize, false) + 18
		if x > svgMargin && x+iw-18 > svgW-svgMargin {
			x = svgMargin
			y += rowH
		}
		items = append(items, item{x, y, n, i})
		x += iw
	}
	for _, it := range items {
		c := seriesColor(it.i)
		cy := it.y + rowH/2
		if lines {
			w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="3"%s/>`+"\n",
				num(it.x), num(cy), num(it.x+sw+4), num(cy), c, dash(it.i))
		} else {
			w.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n",
				num(it.x), num(cy-sw/2), num(sw), num(sw), c)
		}
		w.text(it.x+sw+8, cy+labelSize*0.35, labelSize, "start", it.name, "")
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

// axes draws a bar, stacked-bar or line chart under top and returns the
// total height.
func (w *svgWriter) axes(d data, top float64) float64 {
	lo, hi := d.valueRange()
	n := len(d.cats)
	// Leave room for the value labels above the bars: a label of
	// length L above a bar of value v needs v/max ≤ (H-L-4)/H.
	yMin, yMax, step := niceScale(lo, hi, ticks)
	plotLeft := svgMargin
	for _, v := range tickValues(yMin, yMax, step) {
		plotLeft = math.Max(plotLeft, svgMargin+w.width(formatValue(v), valueSize, false)+6)
	}
	slot := (svgW - svgMargin - plotLeft) / float64(max(n, 1))
	nb := len(d.series)
	if d.kind != report.Bar {
		nb = 1
	}
	group := slot * 0.8
	barW := group / float64(nb)
	vertical := false // value labels written upwards when too wide for a bar
	if d.kind != report.Line {
		for _, s := range d.series {
			for i := range s.Values {
				if w.width(formatValue(barValue(d, s, i)), valueSize, false) > barW+slot*0.2/float64(nb) {
					vertical = true
				}
			}
		}
	}
	need := hi
	for _, s := range d.series {
		for i := range s.Values {
			v := barValue(d, s, i)
			if v <= 0 {
				continue
			}
			l := valueSize + 4
			if vertical {
				l = w.width(formatValue(v), valueSize, false) + 6
			}
			if l < plotHeight-10 {
				need = math.Max(need, v*plotHeight/(plotHeight-l))
			}
		}
	}
	yMin, yMax, step = niceScale(lo, need, ticks)
	for _, v := range tickValues(yMin, yMax, step) {
		plotLeft = math.Max(plotLeft, svgMargin+w.width(formatValue(v), valueSize, false)+6)
	}
	slot = (svgW - svgMargin - plotLeft) / float64(max(n, 1))
	// Rotated category labels must not run off the left edge: move the
	// plot right until the first ones fit.
	for range 3 {
		_, _, reach := w.catLabels(d.cats, slot)
		need := plotLeft
		for i, r := range reach {
			need = math.Max(need, svgMargin+r-slot*(float64(i)+0.5))
		}
		if need <= plotLeft {
			break
		}
		plotLeft = need
		slot = (svgW - svgMargin - plotLeft) / float64(max(n, 1))
	}
	group = slot * 0.8
	barW = group / float64(nb)

	if d.unit != "" {
		w.text(svgMargin, top+valueSize, valueSize, "start", d.unit, ` fill="#444444"`)
		top += valueSize*lineGap + 8
	} else {
		top += valueSize / 2
	}
	plotTop := top
	plotBottom := plotTop + plotHeight
	y := func(v float64) float64 { return plotBottom - (v-yMin)/(yMax-yMin)*plotHeight }

	// grid and value axis
	for _, v := range tickValues(yMin, yMax, step) {
		yy := y(v)
		stroke := gridStroke
		if v == 0 {
			stroke = axisStroke
		}
		w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`+"\n",
			num(plotLeft), num(yy), num(svgW-svgMargin), num(yy), stroke)
		w.text(plotLeft-6, yy+valueSize*0.35, valueSize, "end", formatValue(v), ` fill="#444444"`)
	}
	w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`+"\n",
		num(plotLeft), num(plotTop), num(plotLeft), num(plotBottom), axisStroke)

	centers := make([]float64, n)
	for i := range centers {
		centers[i] = plotLeft + slot*(float64(i)+0.5)
	}
	label := func(x, top float64, v float64) {
		s := formatValue(v)
		if vertical {
			w.text(x+valueSize*0.35, top-4, valueSize, "start", s,
				fmt.Sprintf(` transform="rotate(-90 %s %s)"`, num(x+valueSize*0.35), num(top-4)))
			return
		}
		w.text(x, top-4, valueSize, "middle", s, "")
	}
	switch d.kind {
	case report.Bar:
		for si, s := range d.series {
			for i, v := range s.Values {
				x := centers[i] - group/2 + float64(si)*barW
				y0, y1 := y(math.Max(v, 0)), y(math.Min(v, 0))
				w.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`+"\n",
					num(x+0.5), num(y0), num(barW-1), num(y1-y0), seriesColor(si), esc(tip(s.Name, d.cats[i], v, d.unit)))
				if v < 0 {
					w.text(x+barW/2, y1+valueSize+2, valueSize, "middle", formatValue(v), "")
				} else {
					label(x+barW/2, y0, v)
				}
			}
		}
	case report.StackedBar:
		for i := range d.cats {
			x := centers[i] - group/2
			base := 0.0
			for si, s := range d.series {
				v := s.Values[i]
				if v <= 0 {
					continue
				}
				y0, y1 := y(base+v), y(base)
				w.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`+"\n",
					num(x), num(y0), num(group), num(y1-y0), seriesColor(si), esc(tip(s.Name, d.cats[i], v, d.unit)))
				if txt := formatValue(v); y1-y0 >= valueSize+4 && w.width(txt, valueSize, false) <= group-4 {
					w.text(x+group/2, (y0+y1)/2+valueSize*0.35, valueSize, "middle", txt, ` fill="`+contrast(seriesColor(si))+`"`)
				}
				base += v
			}
			if len(d.series) > 1 {
				label(centers[i], y(base), base)
			}
		}
	case report.Line:
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
				// With two lines the higher value is written above its
				// point and the lower one below, so they never collide.
				if len(d.series) > 2 {
					continue
				}
				above := true
				if len(d.series) == 2 {
					other := d.series[1-si].Values[i]
					above = v > other || v == other && si == 0
				}
				ly := y(v) - 8
				if !above {
					ly = y(v) + valueSize + 5
				}
				w.text(centers[i], ly, valueSize, "middle", formatValue(v), halo)
			}
		}
	}
	draw, ch, _ := w.catLabels(d.cats, slot)
	draw(centers, plotBottom+6)
	top = plotBottom + 6 + ch + 6
	top += w.legend(seriesNames(d), top, d.kind == report.Line)
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

// barValue is the value written above bar i of s: the bar itself, or the
// stack's total.
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

// pie draws the slices with their percentages and a legend giving each
// category's value and share, and returns the total height.
func (w *svgWriter) pie(d data, top float64) float64 {
	const r = 110.0
	cx, cy := svgW/2, top+r+4
	vals := d.series[0].Values
	total := d.total()
	angle := -math.Pi / 2
	var nonzero int
	for _, v := range vals {
		if v > 0 {
			nonzero++
		}
	}
	for i, v := range vals {
		if v <= 0 {
			continue
		}
		t := tip("", d.cats[i], v, d.unit) + " (" + formatPercent(v, total) + ")"
		sweep := v / total * 2 * math.Pi
		if nonzero == 1 {
			w.printf(`<circle cx="%s" cy="%s" r="%s" fill="%s" stroke="#FFFFFF" stroke-width="1.5"><title>%s</title></circle>`+"\n",
				num(cx), num(cy), num(r), seriesColor(i), esc(t))
		} else {
			x0, y0 := cx+r*math.Cos(angle), cy+r*math.Sin(angle)
			x1, y1 := cx+r*math.Cos(angle+sweep), cy+r*math.Sin(angle+sweep)
			large := 0
			if sweep > math.Pi {
				large = 1
			}
			w.printf(`<path d="M%s %sL%s %sA%s %s 0 %d 1 %s %sZ" fill="%s" stroke="#FFFFFF" stroke-width="1.5"><title>%s</title></path>`+"\n",
				num(cx), num(cy), num(x0), num(y0), num(r), num(r), large, num(x1), num(y1), seriesColor(i), esc(t))
		}
		if sweep > 0.3 {
			mid := angle + sweep/2
			lx, ly := cx+r*0.62*math.Cos(mid), cy+r*0.62*math.Sin(mid)
			w.text(lx, ly+valueSize*0.35, valueSize, "middle", formatPercent(v, total),
				` font-weight="bold" fill="`+contrast(seriesColor(i))+`"`)
		}
		angle += sweep
	}
	top = cy + r + 14
	// Legend: one line per category with its value and share.
	const sw = 14.0
	rowH := labelSize * 1.6
	for i, c := range d.cats {
		line := c + ": " + formatValue(vals[i])
		if d.unit != "" {
			line += " " + d.unit
		}
		line += " (" + formatPercent(vals[i], total) + ")"
		lines, _ := w.wrap(line, labelSize, svgW-2*svgMargin-sw-8, 3, false)
		w.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n",
			num(svgMargin), num(top+rowH/2-sw/2), num(sw), num(sw), seriesColor(i))
		for j, l := range lines {
			w.text(svgMargin+sw+8, top+rowH/2+labelSize*0.35+float64(j)*labelSize*lineGap, labelSize, "start", l, "")
		}
		top += rowH + float64(len(lines)-1)*labelSize*lineGap
	}
	return top + svgMargin
}
