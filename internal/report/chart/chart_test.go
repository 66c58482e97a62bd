package chart

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"strconv"
	"testing"

	"khuyencong/internal/report"
	"khuyencong/internal/report/reporttest"
)

func sampleCharts(t *testing.T) []report.Chart {
	t.Helper()
	var out []report.Chart
	for _, b := range reporttest.Sample().Blocks {
		if b.Kind == report.ChartBlock {
			out = append(out, *b.Chart)
		}
	}
	if len(out) == 0 {
		t.Fatal("the sample document has no chart")
	}
	return append(out, samples()...)
}

func TestFormatValue(t *testing.T) {
	for in, want := range map[float64]string{
		0: "0", 7: "7", 1234.5: "1.234,5", 0.25: "0,25", -1500: "-1.500",
		1e6: "1.000.000", 2.999: "3", 1250.05: "1.250,05", math.NaN(): "–",
	} {
		if got := formatValue(in); got != want {
			t.Errorf("formatValue(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestNiceScaleFromZero(t *testing.T) {
	for _, hi := range []float64{1, 7.5, 151, 925, 1250.5, 0.3} {
		lo, top, step := niceScale(0, hi, ticks)
		if lo != 0 || top < hi || step <= 0 || (top-lo)/step > ticks+1 {
			t.Errorf("niceScale(0, %v) = %v, %v, %v", hi, lo, top, step)
		}
	}
}

// decode checks b is a PNG of w×h and returns it.
func decode(t *testing.T, b []byte, w, h int) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if got := img.Bounds().Size(); got.X != w || got.Y != h {
		t.Fatalf("size %v, want %d×%d", got, w, h)
	}
	return img
}

func distinctColours(img image.Image) int {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	return len(seen)
}

// countColour counts the pixels of hex in the columns [x0, x1).
func countColour(img image.Image, hex string, x0, x1 int) int {
	r0, _ := strconv.ParseUint(hex[1:3], 16, 8)
	g0, _ := strconv.ParseUint(hex[3:5], 16, 8)
	b0, _ := strconv.ParseUint(hex[5:7], 16, 8)
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := x0; x < x1; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if uint64(r>>8) == r0 && uint64(g>>8) == g0 && uint64(bl>>8) == b0 {
				n++
			}
		}
	}
	return n
}

func TestPNGKinds(t *testing.T) {
	for _, c := range sampleCharts(t) {
		for _, size := range [][2]int{{1200, 650}, {640, 360}} {
			b, err := PNG(c, size[0], size[1])
			if err != nil {
				t.Fatalf("%s: %v", c.Title, err)
			}
			img := decode(t, b, size[0], size[1])
			if n := distinctColours(img); n < 20 {
				t.Errorf("%s %v: only %d colours, looks blank", c.Title, size, n)
			}
			if r, g, bl, _ := img.At(1, 1).RGBA(); r>>8 != 255 || g>>8 != 255 || bl>>8 != 255 {
				t.Errorf("%s: background is not white", c.Title)
			}
			again, _ := PNG(c, size[0], size[1])
			if !bytes.Equal(b, again) {
				t.Errorf("%s: PNG differs between two runs", c.Title)
			}
		}
	}
}

// TestPNGBarsFromZero checks the value axis starts at 0: bars of 100 and
// 110 must have nearly the same area, not 0 and everything as they would
// on an axis starting at the data minimum.
func TestPNGBarsFromZero(t *testing.T) {
	c := report.Chart{Title: "T", Kind: report.Bar, Categories: []string{"a", "b"},
		Series: []report.Series{{Name: "s", Values: []float64{100, 110}}}}
	b, err := PNG(c, 800, 400)
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, b, 800, 400)
	left, right := countColour(img, palette[0], 0, 400), countColour(img, palette[0], 400, 800)
	// The legend swatch (centred) splits between both halves; allow for it.
	if right == 0 || float64(left)/float64(right) < 0.8 || float64(left)/float64(right) > 1 {
		t.Errorf("bar areas %d and %d: ratio %.2f, want about 100/110", left, right, float64(left)/float64(right))
	}
}

func TestPNGEmptyAndOdd(t *testing.T) {
	cases := map[string]report.Chart{
		"no categories": {Title: "Trống", Kind: report.Bar},
		"all zero":      {Title: "Không", Kind: report.Pie, Categories: []string{"a", "b"}, Series: []report.Series{{Name: "x", Values: []float64{0, 0}}}},
		"no series":     {Title: "", Kind: report.Line, Categories: []string{"a"}},
		"short values":  {Title: "Thiếu", Kind: report.StackedBar, Categories: []string{"a", "b", "c"}, Series: []report.Series{{Name: "x", Values: []float64{1}}, {Name: "y"}}},
		"NaN negative":  {Title: "Lạ", Kind: report.Pie, Categories: []string{"a", "b", "c"}, Series: []report.Series{{Name: "x", Values: []float64{math.NaN(), -3, 4}}}},
		"negative bar":  {Title: "Âm", Kind: report.Bar, Categories: []string{"a", "b"}, Series: []report.Series{{Name: "x", Values: []float64{-5, 10}}}},
		"unknown kind":  {Title: "?", Kind: report.ChartKind(42), Categories: []string{"a"}, Series: []report.Series{{Name: "x", Values: []float64{3}}}},
	}
	for name, c := range cases {
		b, err := PNG(c, 640, 360)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		img := decode(t, b, 640, 360)
		if n := distinctColours(img); n < 3 {
			t.Errorf("%s: %d colours, the frame or text is missing", name, n)
		}
		if _, err := SVG(c); err != nil {
			t.Errorf("%s: SVG: %v", name, err)
		}
	}
	if _, err := PNG(cases["all zero"], 0, 10); err == nil {
		t.Error("a 0×10 PNG gave no error")
	}
	if _, err := PNG(cases["all zero"], 100000, 100000); err == nil {
		t.Error("a huge PNG gave no error")
	}
}
