package chart

import (
	"bytes"
	"encoding/xml"
	"image"
	"image/png"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/golang/freetype/truetype"

	"khuyencong/internal/locale"
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

// node is a parsed XML element.
type node struct {
	name     string
	attr     map[string]string
	children []*node
	text     string // character data directly inside
}

func parseSVG(t *testing.T, b []byte) *node {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	var stack []*node
	var root *node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, b)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			n := &node{name: tk.Name.Local, attr: map[string]string{}}
			for _, a := range tk.Attr {
				n.attr[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tk)
			}
		}
	}
	if root == nil || root.name != "svg" {
		t.Fatalf("root is not <svg>: %s", b)
	}
	return root
}

func (n *node) all(name string) []*node {
	var out []*node
	for _, c := range n.children {
		if c.name == name {
			out = append(out, c)
		}
		out = append(out, c.all(name)...)
	}
	return out
}

// texts returns the content of every <text>, without tooltips.
func (n *node) texts() []string {
	var out []string
	for _, t := range n.all("text") {
		out = append(out, t.text)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// bars returns the rects filled with series colour i, in document order.
func bars(n *node, i int) []*node {
	var out []*node
	for _, r := range n.all("rect") {
		if r.attr["fill"] == palette[i] && len(r.all("title")) == 1 {
			out = append(out, r)
		}
	}
	return out
}

func attrF(t *testing.T, n *node, name string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(n.attr[name], 64)
	if err != nil {
		t.Fatalf("attribute %s=%q: %v", name, n.attr[name], err)
	}
	return f
}

var unsafeSVG = regexp.MustCompile(`(?i)<script|\son[a-z]+=|href|url\(|@import|<foreignObject|<style`)

func checkSVG(t *testing.T, c report.Chart) *node {
	t.Helper()
	b, err := SVG(c)
	if err != nil {
		t.Fatal(err)
	}
	root := parseSVG(t, b)
	if vb := strings.Fields(root.attr["viewBox"]); len(vb) != 4 || vb[0] != "0" || vb[1] != "0" {
		t.Errorf("viewBox %q", root.attr["viewBox"])
	}
	if root.attr["width"] != "100%" || root.attr["height"] != "" {
		t.Errorf("width %q height %q, want 100%% and none", root.attr["width"], root.attr["height"])
	}
	if root.attr["role"] != "img" || !strings.Contains(root.attr["aria-label"], c.Title) {
		t.Errorf("role %q aria-label %q", root.attr["role"], root.attr["aria-label"])
	}
	if len(root.children) == 0 || root.children[0].name != "title" || root.children[0].text != c.Title {
		t.Errorf("first child is not <title>%s</title>", c.Title)
	}
	if m := unsafeSVG.Find(b); m != nil {
		t.Errorf("SVG holds %q, which a strict CSP page must not", m)
	}
	for _, tx := range root.all("text") {
		if s, err := strconv.ParseFloat(tx.attr["font-size"], 64); err != nil || s < 12 {
			t.Errorf("text %q has font-size %q, below 12", tx.text, tx.attr["font-size"])
		}
	}
	again, _ := SVG(c)
	if !bytes.Equal(b, again) {
		t.Error("SVG differs between two runs")
	}
	return root
}

func TestSVGBarEscapedAndProportional(t *testing.T) {
	c := report.Chart{Title: "Đề án <b>&</b>", Kind: report.Bar, Unit: "đề án",
		Categories: []string{"A & B <x>", "Tà Rụt"},
		Series:     []report.Series{{Name: `Quốc gia "QG"`, Values: []float64{100, 50}}, {Name: "Tỉnh's", Values: []float64{20, 0}}}}
	b, _ := SVG(c)
	if bytes.Contains(b, []byte("<x>")) || bytes.Contains(b, []byte("<b>")) {
		t.Errorf("text not escaped:\n%s", b)
	}
	root := checkSVG(t, c)
	texts := root.texts()
	for _, want := range []string{"A & B <x>", "Tà Rụt", `Quốc gia "QG"`, "Tỉnh's", "100", "50", "20", "đề án"} {
		if !contains(texts, want) {
			t.Errorf("no text %q in %q", want, texts)
		}
	}
	first := bars(root, 0)
	if len(first) != 2 {
		t.Fatalf("%d bars of the first series, want 2", len(first))
	}
	h0, h1 := attrF(t, first[0], "height"), attrF(t, first[1], "height")
	if math.Abs(h0/h1-2) > 0.02 {
		t.Errorf("bar heights %v and %v, want ratio 2 (100/50)", h0, h1)
	}
	second := bars(root, 1)
	if len(second) != 2 || math.Abs(attrF(t, second[0], "height")/h0-0.2) > 0.02 {
		t.Errorf("second series bars %d, want the first 1/5 of %v", len(second), h0)
	}
	// bars stand on the same baseline, the 0 of the axis
	if base0, base1 := attrF(t, first[0], "y")+h0, attrF(t, first[1], "y")+h1; math.Abs(base0-base1) > 0.2 {
		t.Errorf("bars end at %v and %v, not one baseline", base0, base1)
	}
	if tip := first[0].all("title")[0].text; !strings.Contains(tip, "A & B <x>") || !strings.Contains(tip, "100") {
		t.Errorf("tooltip %q", tip)
	}
}

func TestSVGStacked(t *testing.T) {
	c := sampleCharts(t)[0] // the sample's stacked money chart
	if c.Kind != report.StackedBar {
		t.Fatalf("sample chart 0 is kind %v", c.Kind)
	}
	root := checkSVG(t, c)
	texts := root.texts()
	for _, want := range []string{"2015", "2016", "2017", "Quốc gia", "Tỉnh", "Huyện", "Đối ứng", "390", "925", "295", "480"} {
		if !contains(texts, want) {
			t.Errorf("no text %q in %q", want, texts)
		}
	}
	// 2016: segments 300, 120, 25, 480 are stacked one on the other.
	var heights []float64
	var y []float64
	for i := range c.Series {
		for _, r := range bars(root, i) {
			if strings.Contains(r.all("title")[0].text, "2016") {
				heights = append(heights, attrF(t, r, "height"))
				y = append(y, attrF(t, r, "y"))
			}
		}
	}
	if len(heights) != 4 {
		t.Fatalf("%d segments in 2016, want 4", len(heights))
	}
	if math.Abs(heights[3]/heights[0]-480.0/300) > 0.02 {
		t.Errorf("segment heights %v not proportional to 300…480", heights)
	}
	for i := 1; i < 4; i++ {
		if math.Abs(y[i]+heights[i]-y[i-1]) > 0.2 {
			t.Errorf("segment %d does not sit on segment %d: %v %v", i, i-1, y, heights)
		}
	}
	// 2015 has no national money: no zero-height segment is drawn.
	for _, r := range bars(root, 0) {
		if strings.Contains(r.all("title")[0].text, "2015") {
			t.Error("a segment for a zero value")
		}
	}
}

func TestSVGPie(t *testing.T) {
	c := sampleCharts(t)[1]
	if c.Kind != report.Pie {
		t.Fatalf("sample chart 1 is kind %v", c.Kind)
	}
	root := checkSVG(t, c)
	if n := len(root.all("path")); n != 3 {
		t.Errorf("%d slices, want 3", n)
	}
	texts := root.texts()
	for _, want := range []string{"Đào tạo nghề: 7 đề án (35 %)", "Mô hình trình diễn: 11 đề án (55 %)", "Sản phẩm tiêu biểu: 2 đề án (10 %)", "55 %"} {
		if !contains(texts, want) {
			t.Errorf("no text %q in %q", want, texts)
		}
	}
	one := checkSVG(t, report.Chart{Title: "Một", Kind: report.Pie, Categories: []string{"a", "b"},
		Series: []report.Series{{Name: "x", Values: []float64{0, 5}}}})
	if len(one.all("path")) != 0 || len(one.all("circle")) != 1 || !contains(one.texts(), "100 %") {
		t.Errorf("a single slice should be a whole circle of 100 %%: %q", one.texts())
	}
}

func TestSVGLine(t *testing.T) {
	c := samples()[2]
	if c.Kind != report.Line {
		t.Fatalf("samples()[2] is kind %v", c.Kind)
	}
	root := checkSVG(t, c)
	lines := root.all("polyline")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2", len(lines))
	}
	if pts := strings.Fields(lines[0].attr["points"]); len(pts) != len(c.Categories) {
		t.Errorf("%d points, want %d", len(pts), len(c.Categories))
	}
	if lines[0].attr["stroke-dasharray"] == lines[1].attr["stroke-dasharray"] {
		t.Error("both lines have the same dash pattern: they differ by colour alone")
	}
	if texts := root.texts(); !contains(texts, "1.250,5") || !contains(texts, "Kế hoạch") {
		t.Errorf("values or legend missing: %q", texts)
	}
}

func TestSVGEmpty(t *testing.T) {
	for _, c := range []report.Chart{
		{Title: "Trống A & B", Kind: report.Bar},
		{Title: "Không", Kind: report.Pie, Categories: []string{"a"}, Series: []report.Series{{Name: "x", Values: []float64{0}}}},
	} {
		root := checkSVG(t, c)
		if !contains(root.texts(), locale.T("vi", "chart.no_data")) {
			t.Errorf("%s: no 'no data' text: %q", c.Title, root.texts())
		}
		if len(root.all("path"))+len(bars(root, 0)) != 0 {
			t.Errorf("%s: empty chart draws data", c.Title)
		}
	}
}

// TestSVGLongCategories checks labels that do not fit are turned and stay
// inside the picture.
func TestSVGLongCategories(t *testing.T) {
	c := samples()[1]
	root := checkSVG(t, c)
	var turned int
	for _, tx := range root.all("text") {
		if strings.Contains(tx.attr["transform"], "rotate(-40") {
			turned++
			x := attrF(t, tx, "x")
			w := (&svgWriter{font: mustFont(t)}).width(tx.text, labelSize, false)
			if x-w*math.Cos(40*math.Pi/180) < 0 {
				t.Errorf("label %q runs off the left edge", tx.text)
			}
		}
	}
	if turned != len(c.Categories) {
		t.Errorf("%d turned labels, want %d", turned, len(c.Categories))
	}
}

func mustFont(t *testing.T) *truetype.Font {
	t.Helper()
	f, err := loadFont()
	if err != nil {
		t.Fatal(err)
	}
	return f
}
