package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"sync"

	"codeberg.org/go-fonts/liberation/liberationsansregular"
	charts "github.com/go-analyze/charts"
	"github.com/golang/freetype/truetype"

	"khuyencong/internal/report"
)

// fontFamily is the name the embedded font is installed under.
const fontFamily = "liberation-sans"

var (
	fontOnce sync.Once
	fontErr  error
	pngFont  *truetype.Font
	// renderMu serialises PNG drawing: the chart library keeps its fonts
	// and default theme in package state.
	renderMu sync.Mutex
)

// loadFont installs Liberation Sans (it has every Vietnamese letter) in
// the chart library once and makes it the default font.
func loadFont() (*truetype.Font, error) {
	fontOnce.Do(func() {
		if fontErr = charts.InstallFont(fontFamily, liberationsansregular.TTF); fontErr != nil {
			return
		}
		if fontErr = charts.SetDefaultFont(fontFamily); fontErr != nil {
			return
		}
		pngFont = charts.GetFont(fontFamily)
	})
	return pngFont, fontErr
}

// Limits on the PNG size, so a caller's mistake cannot allocate gigabytes.
const (
	minSide = 64
	maxSide = 8000
)

func renderPNG(d data, w, h int) ([]byte, error) {
	if w < minSide || h < minSide || w > maxSide || h > maxSide {
		return nil, fmt.Errorf("chart: PNG size %d×%d outside %d…%d", w, h, minSide, maxSide)
	}
	font, err := loadFont()
	if err != nil {
		return nil, fmt.Errorf("chart: font: %w", err)
	}
	renderMu.Lock()
	defer renderMu.Unlock()

	// Sizes scale with the width: at 1200 px the labels are about 9 pt
	// once the image fills the 16 cm text width of an A4 page.
	s := float64(w) / 1200
	if hs := float64(h) / 650; hs < s {
		s = math.Max(hs, s*0.75)
	}
	label := math.Max(8, 18*s)
	st := style{
		font:   font,
		theme:  theme(),
		title:  charts.FontStyle{Font: font, FontSize: math.Max(9, 22*s), FontColor: textColor},
		label:  charts.FontStyle{Font: font, FontSize: label, FontColor: textColor},
		legend: charts.FontStyle{Font: font, FontSize: label, FontColor: textColor},
		pad:    int(math.Round(24 * s)),
		scale:  s,
	}
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputPNG, Width: w, Height: h},
		charts.PainterThemeOption(st.theme), charts.PainterFontOption(font))
	if d.empty() {
		err = drawEmptyPNG(p, d, st)
	} else {
		switch d.kind {
		case report.Pie:
			err = drawPiePNG(p, d, st)
		case report.Line:
			err = drawLinePNG(p, d, st)
		default:
			err = drawBarPNG(p, d, st)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	out, err := p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	return flattenPNG(out)
}

// flattenPNG makes sure the picture has no transparent pixel (the PDF
// writer would need a soft mask, and viewers show transparency on grey or
// black): the chart paints a white background, so this is a safeguard
// that returns b unchanged when it is already opaque.
func flattenPNG(b []byte) ([]byte, error) {
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		return b, nil
	}
	bounds := img.Bounds()
	rgb := image.NewRGBA(bounds)
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			// composite over white
			inv := 0xffff - a
			rgb.SetRGBA(x, y, color.RGBA{
				R: uint8((r + inv) >> 8), G: uint8((g + inv) >> 8), B: uint8((bl + inv) >> 8), A: 0xff,
			})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, rgb); err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	return buf.Bytes(), nil
}

// style carries the sizes and fonts of one PNG.
type style struct {
	font                 *truetype.Font
	theme                charts.ColorPalette
	title, label, legend charts.FontStyle
	pad                  int
	scale                float64
}

var textColor = charts.ColorFromHex("#222222")

// theme is a white theme with grey axes and the package palette.
func theme() charts.ColorPalette {
	cols := make([]charts.Color, len(palette))
	for i, p := range palette {
		cols[i] = charts.ColorFromHex(p)
	}
	return charts.MakeTheme(charts.ThemeOption{
		BackgroundColor:    charts.ColorWhite,
		AxisStrokeColor:    charts.ColorFromHex("#666666"),
		AxisSplitLineColor: charts.ColorFromHex("#DDDDDD"),
		TextColor:          textColor,
		SeriesColors:       cols,
	})
}

// titleOption centres the title at the top, broken into lines that fit
// the width.
func (st style) titleOption(p *charts.Painter, d data) charts.TitleOption {
	max := float64(p.Width() - 4*st.pad)
	var lines []string
	var cur string
	for _, word := range strings.Fields(d.title) {
		try := strings.TrimSpace(cur + " " + word)
		if cur != "" && float64(p.MeasureText(try, 0, st.title).Width()) > max {
			lines = append(lines, cur)
			try = word
		}
		cur = try
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return charts.TitleOption{Text: strings.Join(lines, "\n"), FontStyle: st.title, Offset: charts.OffsetCenter}
}

func (st style) legendOption(names []string) charts.LegendOption {
	// The library puts the name 2 px after its swatch; an en space keeps
	// them apart at document sizes.
	spaced := make([]string, len(names))
	for i, n := range names {
		spaced[i] = "\u2002" + n
	}
	return charts.LegendOption{
		SeriesNames: spaced,
		FontStyle:   st.legend,
		Offset:      charts.OffsetStr{Left: charts.PositionCenter, Top: charts.PositionBottom},
		Padding:     charts.Box{Top: st.pad / 2, IsSet: true},
	}
}

func (st style) padding() charts.Box {
	return charts.Box{Top: st.pad, Left: st.pad, Right: st.pad * 2, Bottom: st.pad, IsSet: true}
}

func seriesNames(d data) []string {
	out := make([]string, len(d.series))
	for i, s := range d.series {
		out[i] = s.Name
	}
	return out
}

func values(d data) [][]float64 {
	out := make([][]float64, len(d.series))
	for i, s := range d.series {
		out[i] = s.Values
	}
	return out
}

// valueAxis starts at 0 (or below, for negative values) and ends on a
// round number, with the unit as its title.
func (st style) valueAxis(d data) charts.ValueAxisOption {
	lo, hi := d.valueRange()
	mn, mx, step := niceScale(lo, hi*1.08, 5)
	return charts.ValueAxisOption{
		Min:            charts.Ptr(mn),
		Max:            charts.Ptr(mx),
		Unit:           step,
		LabelCount:     int(math.Round((mx-mn)/step)) + 1,
		Title:          d.unit,
		TitleFontStyle: st.label,
		LabelFontStyle: st.label,
		ValueFormatter: formatValue,
	}
}

// categoryAxis writes every category; when they would not fit side by
// side they are turned upright (the library centres a turned label on its
// category, so only 90° keeps it under its bar) and long ones shortened with "…".
func (st style) categoryAxis(p *charts.Painter, d data) charts.CategoryAxisOption {
	opt := charts.CategoryAxisOption{Labels: d.cats, LabelFontStyle: st.label, LabelCount: len(d.cats)}
	slot := float64(p.Width()-4*st.pad) / float64(max(1, len(d.cats)))
	for _, c := range d.cats {
		if float64(p.MeasureText(c, 0, st.label).Width()) > slot*0.9 {
			opt.LabelRotation = charts.DegreesToRadians(-90)
			break
		}
	}
	if opt.LabelRotation != 0 {
		maxW := float64(p.Height()) * 0.3
		opt.Labels = make([]string, len(d.cats))
		for i, c := range d.cats {
			opt.Labels[i] = shorten(c, maxW, func(s string) float64 { return float64(p.MeasureText(s, 0, st.label).Width()) })
		}
	}
	return opt
}

// shorten cuts s to fit max as measured by width, ending it with "…".
func shorten(s string, max float64, width func(string) float64) string {
	if width(s) <= max {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && width(string(r)+"…") > max {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

// labelsFit reports whether every value label (the stack total for
// stacked bars) is narrower than the room of one of lanes bars side by
// side in a category.
func (st style) labelsFit(p *charts.Painter, d data, lanes int) bool {
	lo, hi := d.valueRange()
	axisW := math.Max(float64(p.MeasureText(formatValue(hi), 0, st.label).Width()),
		float64(p.MeasureText(formatValue(lo), 0, st.label).Width()))
	plotW := float64(p.Width()) - 3*float64(st.pad) - axisW - 2*st.label.FontSize
	room := plotW / float64(max(1, len(d.cats))) / float64(max(1, lanes))
	for i := range d.cats {
		if d.kind == report.StackedBar {
			var sum float64
			for _, s := range d.series {
				sum += s.Values[i]
			}
			if float64(p.MeasureText(formatValue(sum), 0, st.label).Width()) > room*0.95 {
				return false
			}
			continue
		}
		for _, s := range d.series {
			if float64(p.MeasureText(formatValue(s.Values[i]), 0, st.label).Width()) > room*0.95 {
				return false
			}
		}
	}
	return true
}

func drawBarPNG(p *charts.Painter, d data, st style) error {
	stacked := d.kind == report.StackedBar
	opt := charts.NewBarChartOptionWithData(values(d))
	opt.Theme = st.theme
	opt.Padding = st.padding()
	opt.Title = st.titleOption(p, d)
	opt.Legend = st.legendOption(seriesNames(d))
	opt.CategoryAxis = st.categoryAxis(p, d)
	opt.ValueAxis = []charts.ValueAxisOption{st.valueAxis(d)}
	opt.ValueFormatter = formatValue
	opt.StackSeries = charts.Ptr(stacked)
	last := len(opt.SeriesList) - 1
	// Values are written on the bars only when each fits over its bar;
	// otherwise they would overlap, and the table beside the chart has
	// them anyway.
	lanes := len(d.series)
	if stacked {
		lanes = 1
	}
	show := st.labelsFit(p, d, lanes)
	for i := range opt.SeriesList {
		lbl := charts.SeriesLabel{Show: charts.Ptr(show), FontStyle: st.label, ValueFormatter: formatValue}
		if stacked {
			// A stack carries its total on top; the parts are in the
			// table next to the chart.
			lbl.Show = charts.Ptr(show && i == last)
			lbl.ValueFormatter = nil
			// The formatter is told the series, not the category, but
			// it is called once per category in order (charts v0.6.4).
			next := 0
			lbl.LabelFormatter = func(int, string, float64) (string, *charts.LabelStyle) {
				j := next
				next++
				if j >= len(d.cats) {
					return "", nil
				}
				var sum float64
				for _, s := range d.series {
					sum += s.Values[j]
				}
				return formatValue(sum), nil
			}
		}
		opt.SeriesList[i].Label = lbl
	}
	return p.BarChart(opt)
}

func drawLinePNG(p *charts.Painter, d data, st style) error {
	opt := charts.NewLineChartOptionWithData(values(d))
	opt.Theme = st.theme
	opt.Padding = st.padding()
	opt.Title = st.titleOption(p, d)
	opt.Legend = st.legendOption(seriesNames(d))
	opt.XAxis = st.categoryAxis(p, d)
	opt.XAxis.BoundaryGap = charts.Ptr(true)
	opt.YAxis = []charts.YAxisOption{st.valueAxis(d)}
	opt.ValueFormatter = formatValue
	opt.LineStrokeWidth = math.Max(1.5, 3*st.scale)
	opt.Symbol = charts.Symbol{Shape: charts.SymbolCircle, Size: math.Max(4, 10*st.scale)}
	// Each line has its own marker shape, so lines differ by more than
	// colour; values are written only on a single line, where they
	// cannot collide with another's.
	shapes := []charts.SymbolShape{charts.SymbolCircle, charts.SymbolSquare, charts.SymbolDiamond, charts.SymbolDot}
	for i := range opt.SeriesList {
		opt.SeriesList[i].Symbol = charts.Symbol{Shape: shapes[i%len(shapes)], Size: opt.Symbol.Size}
		opt.SeriesList[i].Label = charts.SeriesLabel{Show: charts.Ptr(len(d.series) == 1 && st.labelsFit(p, d, 1)),
			FontStyle: st.label, ValueFormatter: formatValue}
	}
	return p.LineChart(opt)
}

func drawPiePNG(p *charts.Painter, d data, st style) error {
	vals := d.series[0].Values
	total := d.total()
	// Slices of zero are left out; their names would pile up at one point.
	var keep []float64
	var names []string
	for i, v := range vals {
		if v > 0 {
			keep = append(keep, v)
			names = append(names, d.cats[i])
		}
	}
	opt := charts.NewPieChartOptionWithData(keep)
	opt.Theme = st.theme
	opt.Padding = st.padding()
	opt.Title = st.titleOption(p, d)
	opt.Legend = st.legendOption(names)
	opt.Radius = "40%"
	for i := range opt.SeriesList {
		opt.SeriesList[i].Label = charts.SeriesLabel{
			Show:      charts.Ptr(true),
			FontStyle: st.label,
			LabelFormatter: func(_ int, _ string, v float64) (string, *charts.LabelStyle) {
				return formatValue(v) + " (" + formatPercent(v, total) + ")", nil
			},
		}
	}
	return p.PieChart(opt)
}

// drawEmptyPNG draws the title, a frame and the "no data" text.
func drawEmptyPNG(p *charts.Painter, d data, st style) error {
	w, h := p.Width(), p.Height()
	p.FilledRect(0, 0, w, h, charts.ColorWhite, charts.ColorWhite, 0)
	grey := charts.ColorFromHex("#888888")
	top := st.pad
	if d.title != "" {
		tb := p.MeasureText(d.title, 0, st.title)
		p.Text(d.title, (w-tb.Width())/2, top+tb.Height(), 0, st.title)
		top += tb.Height() + st.pad
	}
	p.FilledRect(st.pad, top, w-st.pad, h-st.pad, charts.ColorWhite, grey, math.Max(1, 2*st.scale))
	msg := noData()
	ms := st.title
	ms.FontColor = grey
	mb := p.MeasureText(msg, 0, ms)
	p.Text(msg, (w-mb.Width())/2, (top+h-st.pad)/2+mb.Height()/2, 0, ms)
	return nil
}
