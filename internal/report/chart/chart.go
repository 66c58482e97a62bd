package chart

import (
	"math"
	"strconv"
	"strings"

	"khuyencong/internal/locale"
	"khuyencong/internal/report"
	"khuyencong/internal/vi"
)

// SVG returns c as a standalone <svg> element that scales to its
// container's width (viewBox, no fixed width), with a <title> for screen
// readers.
func SVG(c report.Chart) ([]byte, error) {
	return renderSVG(prepare(c)), nil
}

// PNG returns c drawn as a PNG image of w×h pixels.
func PNG(c report.Chart, w, h int) ([]byte, error) {
	return renderPNG(prepare(c), w, h)
}

// data is a chart cleaned for drawing: NFC text, one finite value per
// category in every series, only the first series for a pie, and no
// negative values where they cannot be drawn (pie slices, stacks).
type data struct {
	title  string
	unit   string
	kind   report.ChartKind
	cats   []string
	series []report.Series
}

// prepare cleans c; it never fails, so odd input still gives an image.
func prepare(c report.Chart) data {
	d := data{title: vi.NFC(c.Title), unit: vi.NFC(c.Unit), kind: c.Kind}
	if d.kind < report.Bar || d.kind > report.Line {
		d.kind = report.Bar
	}
	for _, cat := range c.Categories {
		d.cats = append(d.cats, vi.NFC(cat))
	}
	src := c.Series
	if d.kind == report.Pie && len(src) > 1 {
		src = src[:1]
	}
	for _, s := range src {
		vals := make([]float64, len(d.cats))
		for i := range vals {
			if i < len(s.Values) {
				v := s.Values[i]
				if math.IsNaN(v) || math.IsInf(v, 0) {
					v = 0
				}
				if v < 0 && (d.kind == report.Pie || d.kind == report.StackedBar) {
					v = 0
				}
				vals[i] = v
			}
		}
		d.series = append(d.series, report.Series{Name: vi.NFC(s.Name), Values: vals})
	}
	return d
}

// empty reports whether there is nothing to draw: no categories, no
// series, or only zeros.
func (d data) empty() bool {
	for _, s := range d.series {
		for _, v := range s.Values {
			if v != 0 {
				return false
			}
		}
	}
	return true
}

// valueRange returns the lowest and highest value the value axis must
// show, always including 0 (stacks count as their sums).
func (d data) valueRange() (lo, hi float64) {
	if d.kind == report.StackedBar {
		for i := range d.cats {
			var sum float64
			for _, s := range d.series {
				sum += s.Values[i]
			}
			hi = math.Max(hi, sum)
		}
		return 0, hi
	}
	for _, s := range d.series {
		for _, v := range s.Values {
			lo = math.Min(lo, v)
			hi = math.Max(hi, v)
		}
	}
	return lo, hi
}

// total returns the sum of the first series (the pie).
func (d data) total() float64 {
	var t float64
	if len(d.series) > 0 {
		for _, v := range d.series[0].Values {
			t += v
		}
	}
	return t
}

// noData is the text drawn in place of an empty chart.
func noData() string { return locale.T("vi", "chart.no_data") }

// formatValue writes v the Vietnamese way: digits grouped with ".", at
// most two decimals after ",": 1234.5 → "1.234,5".
func formatValue(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	neg := v < 0
	if neg {
		v = -v
	}
	cents := int64(math.Round(v * 100))
	s := vi.FormatNumber(cents / 100)
	if f := cents % 100; f != 0 {
		frac := strconv.FormatInt(100+f, 10)[1:]
		s += "," + strings.TrimRight(frac, "0")
	}
	if neg && cents != 0 {
		s = "-" + s
	}
	return s
}

// formatPercent writes part/total as a percentage with one decimal at
// most: "35 %", "12,5 %".
func formatPercent(part, total float64) string {
	if total <= 0 {
		return "0 %"
	}
	return report.FormatBasisPoints(int64(math.Round(part / total * 10000)))
}

// niceScale returns axis ticks from lo to hi (lo ≤ 0 ≤ hi) with at most
// about n intervals on round steps (1, 2, 2.5, 5 × 10^k).
func niceScale(lo, hi float64, n int) (min, max, step float64) {
	if hi <= lo {
		hi = lo + 1
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step = 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	min = math.Floor(lo/step) * step
	max = math.Ceil(hi/step) * step
	if max == min {
		max = min + step
	}
	return min, max, step
}

// palette gives series colours that stay apart for colour-blind readers
// (Okabe–Ito, reordered so the first ones contrast most on white).
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#999933", "#882255", "#44AA99", "#332288"}

// seriesColor returns the colour of series (or pie slice) i.
func seriesColor(i int) string { return palette[i%len(palette)] }
