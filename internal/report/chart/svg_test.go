package chart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/golang/freetype/truetype"

	"khuyencong/internal/locale"
	"khuyencong/internal/report"
)

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

// bars returns the rects filled with series colour i that carry a
// tooltip (data, not legend swatches), in document order.
func bars(n *node, i int) []*node {
	var out []*node
	for _, r := range n.all("rect") {
		if r.attr["fill"] == palette[i] && len(r.all("title")) == 1 {
			out = append(out, r)
		}
	}
	return out
}

// barOf returns the bar of series i whose tooltip names cat.
func barOf(t *testing.T, n *node, i int, cat string) *node {
	t.Helper()
	for _, r := range bars(n, i) {
		if strings.Contains(r.all("title")[0].text, cat+":") {
			return r
		}
	}
	t.Fatalf("no bar of series %d for %q", i, cat)
	return nil
}

func attrF(t *testing.T, n *node, name string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(n.attr[name], 64)
	if err != nil {
		t.Fatalf("attribute %s=%q: %v", name, n.attr[name], err)
	}
	return f
}

// box is the rectangle a <text> covers, from its font metrics.
type box struct {
	x0, y0, x1, y1 float64
	s              string
}

func textBox(t *testing.T, tx *node) box {
	t.Helper()
	size := attrF(t, tx, "font-size")
	wd := (&svgWriter{font: mustFont(t)}).width(tx.text, size, tx.attr["font-weight"] == "bold")
	x, y := attrF(t, tx, "x"), attrF(t, tx, "y")
	b := box{x0: x, x1: x + wd, y0: y - 0.75*size, y1: y + 0.2*size, s: tx.text}
	switch tx.attr["text-anchor"] {
	case "middle":
		b.x0, b.x1 = x-wd/2, x+wd/2
	case "end":
		b.x0, b.x1 = x-wd, x
	}
	return b
}

var unsafeSVG = regexp.MustCompile(`(?i)<script|\son[a-z]+=|href|url\(|@import|<foreignObject|<style`)

// checkSVG checks what every chart must hold: a 360-wide viewBox that
// scales to its container, a title and label for screen readers, only
// texts of at least 16 units lying inside the picture and not on one
// another, nothing a strict CSP forbids, and the same bytes every time.
func checkSVG(t *testing.T, c report.Chart) *node {
	t.Helper()
	b, err := SVG(c)
	if err != nil {
		t.Fatal(err)
	}
	root := parseSVG(t, b)
	vb := strings.Fields(root.attr["viewBox"])
	if len(vb) != 4 || vb[0] != "0" || vb[1] != "0" || vb[2] != "360" {
		t.Fatalf("viewBox %q, want 0 0 360 h", root.attr["viewBox"])
	}
	height, err := strconv.ParseFloat(vb[3], 64)
	if err != nil || height < 50 {
		t.Fatalf("viewBox height %q", vb[3])
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
	texts := root.all("text")
	if len(texts) == 0 {
		t.Fatal("no text at all")
	}
	var boxes []box
	for _, tx := range texts {
		if s, err := strconv.ParseFloat(tx.attr["font-size"], 64); err != nil || s < 16 {
			t.Errorf("text %q has font-size %q, below 16", tx.text, tx.attr["font-size"])
			continue
		}
		if tx.attr["transform"] != "" {
			t.Errorf("text %q is turned (%s)", tx.text, tx.attr["transform"])
		}
		bx := textBox(t, tx)
		if bx.x0 < -0.5 || bx.x1 > 360.5 || bx.y0 < 0 || bx.y1 > height {
			t.Errorf("text %q at %.1f–%.1f × %.1f–%.1f leaves the 360×%v picture", bx.s, bx.x0, bx.x1, bx.y0, bx.y1, height)
		}
		for _, o := range boxes {
			if bx.x0 < o.x1-0.5 && o.x0 < bx.x1-0.5 && bx.y0 < o.y1-0.5 && o.y0 < bx.y1-0.5 {
				t.Errorf("texts %q and %q overlap", bx.s, o.s)
			}
		}
		boxes = append(boxes, bx)
	}
	again, _ := SVG(c)
	if !bytes.Equal(b, again) {
		t.Error("SVG differs between two runs")
	}
	return root
}

func TestSVGAllSamples(t *testing.T) {
	for _, c := range sampleCharts(t) {
		checkSVG(t, c)
	}
}

func TestSVGBarHorizontalProportional(t *testing.T) {
	c := report.Chart{Title: "Đề án <b>&</b>", Kind: report.Bar, Unit: "đề án",
		Categories: []string{"A & B <x>", "Tà Rụt"},
		Series:     []report.Series{{Name: `Quốc gia "QG"`, Values: []float64{100, 50}}, {Name: "Tỉnh's", Values: []float64{20, 0}}}}
	b, _ := SVG(c)
	if bytes.Contains(b, []byte("<x>")) || bytes.Contains(b, []byte("<b>")) {
		t.Errorf("text not escaped:\n%s", b)
	}
	root := checkSVG(t, c)
	texts := root.texts()
	for _, want := range []string{"A & B <x>", "Tà Rụt", `Quốc gia "QG"`, "Tỉnh's", "100", "50", "20", "0",
		locale.T("vi", "chart.unit", "đề án")} {
		if !contains(texts, want) {
			t.Errorf("no text %q in %q", want, texts)
		}
	}
	first := bars(root, 0)
	if len(first) != 2 {
		t.Fatalf("%d bars of the first series, want 2", len(first))
	}
	w0, w1 := attrF(t, first[0], "width"), attrF(t, first[1], "width")
	if math.Abs(w0/w1-2) > 0.02 {
		t.Errorf("bar lengths %v and %v, want ratio 2 (100/50)", w0, w1)
	}
	if h := attrF(t, first[0], "height"); h >= w0 || h < 16 {
		t.Errorf("bar of 100 is %v long and %v thick: not a horizontal bar", w0, h)
	}
	// Bars start at the same 0; the second category is below the first.
	if x0, x1 := attrF(t, first[0], "x"), attrF(t, first[1], "x"); math.Abs(x0-x1) > 0.2 {
		t.Errorf("bars start at %v and %v, not one 0", x0, x1)
	}
	if attrF(t, first[1], "y") <= attrF(t, first[0], "y") {
		t.Error("the second category's bar is not under the first's")
	}
	second := bars(root, 1) // 20 and a zero, which draws no bar
	if len(second) != 1 || math.Abs(attrF(t, second[0], "width")/w0-0.2) > 0.02 {
		t.Fatalf("second series: %d bars, want one 1/5 of %v", len(second), w0)
	}
	if y0, y1 := attrF(t, first[0], "y"), attrF(t, second[0], "y"); y1 <= y0 || y1 >= attrF(t, first[1], "y") {
		t.Errorf("the second series' bar (y %v) is not between the first category's (y %v) and the next", y1, y0)
	}
	if tip := first[0].all("title")[0].text; !strings.Contains(tip, "A & B <x>") || !strings.Contains(tip, "100") {
		t.Errorf("tooltip %q", tip)
	}
	// The value of a bar is written at its end, on its row.
	for _, tx := range root.all("text") {
		if tx.text == "50" {
			bar := first[1]
			end := attrF(t, bar, "x") + attrF(t, bar, "width")
			if x := attrF(t, tx, "x"); math.Abs(x-end) > 12 {
				t.Errorf("value 50 at x %v, its bar ends at %v", x, end)
			}
			if y := attrF(t, tx, "y"); y < attrF(t, bar, "y") || y > attrF(t, bar, "y")+attrF(t, bar, "height") {
				t.Errorf("value 50 at y %v, not on its bar", y)
			}
		}
	}
	// A single series draws no legend; two series do (checked above).
	one := checkSVG(t, report.Chart{Title: "Một", Kind: report.Bar, Categories: []string{"a"},
		Series: []report.Series{{Name: "Chuỗi duy nhất", Values: []float64{3}}}})
	if contains(one.texts(), "Chuỗi duy nhất") {
		t.Error("a single series has a legend")
	}
}

func TestSVGBarNegative(t *testing.T) {
	c := report.Chart{Title: "Âm", Kind: report.Bar, Categories: []string{"a", "b"},
		Series: []report.Series{{Name: "x", Values: []float64{-5, 10}}}}
	root := checkSVG(t, c)
	neg, pos := barOf(t, root, 0, "a"), barOf(t, root, 0, "b")
	zero := attrF(t, pos, "x")
	if end := attrF(t, neg, "x") + attrF(t, neg, "width"); math.Abs(end-zero) > 0.2 {
		t.Errorf("the bar of -5 ends at %v, the 0 is at %v", end, zero)
	}
	if r := attrF(t, pos, "width") / attrF(t, neg, "width"); math.Abs(r-2) > 0.02 {
		t.Errorf("lengths of 10 and -5 in ratio %v, want 2", r)
	}
	if !contains(root.texts(), "-5") {
		t.Errorf("no -5 in %q", root.texts())
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
	// 2016: segments 300, 120, 25, 480 side by side on one row.
	var segs []*node
	for i := range c.Series {
		segs = append(segs, barOf(t, root, i, "2016"))
	}
	w := func(i int) float64 { return attrF(t, segs[i], "width") }
	if math.Abs(w(3)/w(0)-480.0/300) > 0.02 || math.Abs(w(1)/w(0)-120.0/300) > 0.02 {
		t.Errorf("segment lengths %v %v %v %v not proportional to 300, 120, 25, 480", w(0), w(1), w(2), w(3))
	}
	for i := 1; i < 4; i++ {
		if prev := attrF(t, segs[i-1], "x") + w(i-1); math.Abs(attrF(t, segs[i], "x")-prev) > 0.2 {
			t.Errorf("segment %d starts at %v, segment %d ends at %v", i, attrF(t, segs[i], "x"), i-1, prev)
		}
		if attrF(t, segs[i], "y") != attrF(t, segs[0], "y") {
			t.Errorf("segment %d is not on the row of segment 0", i)
		}
	}
	// The stacks start at one 0, and their lengths follow the totals.
	s15 := barOf(t, root, 1, "2015") // no national money in 2015: Tỉnh is first
	if attrF(t, s15, "x") != attrF(t, segs[0], "x") {
		t.Errorf("stacks start at %v and %v", attrF(t, s15, "x"), attrF(t, segs[0], "x"))
	}
	total16 := w(0) + w(1) + w(2) + w(3)
	if perUnit := total16 / 925; math.Abs(attrF(t, s15, "width")/perUnit-150) > 1 {
		t.Errorf("Tỉnh 2015 is %v long, want 150 × %v", attrF(t, s15, "width"), perUnit)
	}
	// 2015 has no national money: no zero-length segment is drawn.
	for _, r := range bars(root, 0) {
		if strings.Contains(r.all("title")[0].text, "2015") {
			t.Error("a segment for a zero value")
		}
	}
	// The total is written after the stack's end.
	for _, tx := range root.all("text") {
		if tx.text == "925" {
			end := attrF(t, segs[3], "x") + w(3)
			if x := attrF(t, tx, "x"); x < end || x > end+12 {
				t.Errorf("total 925 at x %v, the stack ends at %v", x, end)
			}
		}
	}
}

// TestSVGRowCap checks the height grows with the categories, at most 40
// are drawn and the rest are counted on a last line.
func TestSVGRowCap(t *testing.T) {
	chart := func(n int, kind report.ChartKind) report.Chart {
		c := report.Chart{Title: "Xã", Kind: kind, Series: []report.Series{{Name: "x"}}}
		for i := range n {
			c.Categories = append(c.Categories, fmt.Sprintf("Xã số %d", i+1))
			c.Series[0].Values = append(c.Series[0].Values, float64(i+1))
		}
		return c
	}
	height := func(root *node) float64 {
		h, _ := strconv.ParseFloat(strings.Fields(root.attr["viewBox"])[3], 64)
		return h
	}
	r10, r20 := checkSVG(t, chart(10, report.Bar)), checkSVG(t, chart(20, report.Bar))
	if per := (height(r20) - height(r10)) / 10; per < 44 || per > 56 {
		t.Errorf("each category adds %v units, want a row of 44–56", per)
	}
	for _, n := range []int{40, 45} {
		for _, kind := range []report.ChartKind{report.Bar, report.StackedBar, report.Pie} {
			root := checkSVG(t, chart(n, kind))
			more := locale.T("vi", "chart.more", strconv.Itoa(n-40))
			drawn := len(bars(root, 0)) + len(root.all("path"))
			if kind == report.Pie {
				drawn = 0
				for _, r := range root.all("rect") {
					if r.attr["width"] == "16" && len(r.all("title")) == 0 {
						drawn++ // legend swatches
					}
				}
			}
			if drawn != 40 {
				t.Errorf("%d categories, kind %v: %d rows drawn, want 40", n, kind, drawn)
			}
			if got := contains(root.texts(), more); got != (n > 40) {
				t.Errorf("%d categories, kind %v: line %q shown %v", n, kind, more, got)
			}
			if contains(root.texts(), "Xã số 41") {
				t.Errorf("%d categories, kind %v: category 41 is drawn", n, kind)
			}
		}
	}
}

func TestSVGLongCategories(t *testing.T) {
	long := "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến, chuyển giao công nghệ vào sản xuất công nghiệp nông thôn"
	c := report.Chart{Title: "Dài", Kind: report.Bar, Categories: []string{long, "Ngắn"},
		Series: []report.Series{{Name: "x", Values: []float64{4, 1234567}}}}
	root := checkSVG(t, c) // every text inside the picture and apart
	var parts []string
	for _, tx := range root.all("text") {
		if tx.text != "" && strings.Contains(long, strings.TrimSuffix(tx.text, "…")) {
			parts = append(parts, tx.text)
		}
	}
	if len(parts) != 2 || !strings.HasSuffix(parts[1], "…") {
		t.Fatalf("the long name is drawn as %q, want two lines, the second cut with …", parts)
	}
	var tipped bool
	for _, tx := range root.all("text") {
		if ts := tx.all("title"); len(ts) == 1 && ts[0].text == long {
			tipped = true
		}
	}
	if !tipped {
		t.Error("the cut name has no tooltip with the whole name")
	}
	if !contains(root.texts(), "1.234.567") {
		t.Errorf("no 1.234.567 in %q", root.texts())
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
	for _, want := range []string{"Đào tạo nghề: 7 (35 %)", "Mô hình trình diễn: 11 (55 %)", "Sản phẩm tiêu biểu: 2 (10 %)", "55 %",
		locale.T("vi", "chart.unit", "đề án")} {
		if !contains(texts, want) {
			t.Errorf("no text %q in %q", want, texts)
		}
	}
	// A long name wraps, its value and share stay together.
	long := checkSVG(t, report.Chart{Title: "Dài", Kind: report.Pie,
		Categories: []string{"Hỗ trợ ứng dụng máy móc thiết bị tiên tiến vào sản xuất", "b"},
		Series:     []report.Series{{Name: "x", Values: []float64{1, 2}}}})
	var lines, whole int
	for _, s := range long.texts() {
		if strings.Contains(s, "Hỗ trợ") || strings.Contains(s, "sản xuất") {
			lines++
		}
		if strings.HasSuffix(s, "sản xuất: 1 (33,3 %)") {
			whole++
		}
	}
	if lines != 2 || whole != 1 {
		t.Errorf("the long name should wrap on two lines, its value and share together at the end: %q", long.texts())
	}
	one := checkSVG(t, report.Chart{Title: "Một", Kind: report.Pie, Categories: []string{"a", "b"},
		Series: []report.Series{{Name: "x", Values: []float64{0, 5}}}})
	if len(one.all("path")) != 0 || len(one.all("circle")) != 1 || !contains(one.texts(), "100 %") || !contains(one.texts(), "a: 0 (0 %)") {
		t.Errorf("a single slice should be a whole ring of 100 %%: %q", one.texts())
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
	if texts := root.texts(); !contains(texts, "2015") || !contains(texts, "2020") || !contains(texts, "Kế hoạch") {
		t.Errorf("category labels or legend missing: %q", texts)
	}
	// Few, wide-apart values: written by the points.
	few := checkSVG(t, report.Chart{Title: "Ít", Kind: report.Line, Categories: []string{"2019", "2020", "2021"},
		Series: []report.Series{{Name: "a", Values: []float64{10, 30, 20}}, {Name: "b", Values: []float64{5, 35, 0}}}})
	for _, want := range []string{"10", "30", "20", "5", "35"} {
		if !contains(few.texts(), want) {
			t.Errorf("value %s not written: %q", want, few.texts())
		}
	}
	// Thirty years: only some labels, the first and the last among them.
	many := report.Chart{Title: "Nhiều", Kind: report.Line, Series: []report.Series{{Name: "x"}}}
	for y := 2000; y < 2030; y++ {
		many.Categories = append(many.Categories, strconv.Itoa(y))
		many.Series[0].Values = append(many.Series[0].Values, float64(y%7))
	}
	texts := checkSVG(t, many).texts() // labels apart, inside
	if contains(texts, "x") {
		t.Error("a single line has a legend")
	}
	var years int
	for _, s := range texts {
		if len(s) == 4 && strings.HasPrefix(s, "20") {
			years++
		}
	}
	if !contains(texts, "2000") || !contains(texts, "2029") || years < 3 || years > 15 {
		t.Errorf("%d year labels %q, want a few including 2000 and 2029", years, texts)
	}
}

func TestSVGEmpty(t *testing.T) {
	for _, c := range []report.Chart{
		{Title: "Trống A & B", Kind: report.Bar},
		{Title: "Không", Kind: report.Pie, Categories: []string{"a"}, Series: []report.Series{{Name: "x", Values: []float64{0}}}},
		{Title: "Không có", Kind: report.StackedBar, Unit: "đề án", Categories: []string{"2015"}, Series: []report.Series{{Name: "x", Values: []float64{0}}}},
	} {
		root := checkSVG(t, c)
		if texts := root.texts(); len(texts) != 1 || texts[0] != locale.T("vi", "chart.no_data") {
			t.Errorf("%s: texts %q, want only the 'no data' text", c.Title, texts)
		}
		if len(root.all("path"))+len(bars(root, 0)) != 0 {
			t.Errorf("%s: empty chart draws data", c.Title)
		}
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
