package docx

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"khuyencong/internal/locale"
	"khuyencong/internal/report"
	"khuyencong/internal/report/reporttest"
	"khuyencong/internal/tooltest"
)

// node is a generic XML element.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
}

// attr returns the value of the attribute with local name local.
func (n *node) attr(local string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// all returns the descendants (and n itself) with local name local, in
// document order.
func (n *node) all(local string) []*node {
	var out []*node
	var walk func(*node)
	walk = func(x *node) {
		if x.XMLName.Local == local {
			out = append(out, x)
		}
		for i := range x.Nodes {
			walk(&x.Nodes[i])
		}
	}
	walk(n)
	return out
}

// first returns the first descendant named local, or nil.
func (n *node) first(local string) *node {
	if l := n.all(local); len(l) > 0 {
		return l[0]
	}
	return nil
}

// child returns the direct child named local, or nil.
func (n *node) child(local string) *node {
	for i := range n.Nodes {
		if n.Nodes[i].XMLName.Local == local {
			return &n.Nodes[i]
		}
	}
	return nil
}

// text returns the text of a paragraph (or any element): its w:t, with
// w:tab as a tab.
func (n *node) text() string {
	var sb strings.Builder
	var walk func(*node)
	walk = func(x *node) {
		switch x.XMLName.Local {
		case "t":
			sb.WriteString(x.Text)
			return
		case "tab":
			if x.XMLName.Space == nsW && len(x.Attrs) == 0 {
				sb.WriteString("\t")
			}
			return
		}
		for i := range x.Nodes {
			walk(&x.Nodes[i])
		}
	}
	walk(n)
	return sb.String()
}

const nsW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// pkg is an unzipped .docx.
type pkg struct {
	files map[string][]byte
	order []string
}

func render(t *testing.T, d report.Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, d); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes()
}

func unzip(t *testing.T, data []byte) pkg {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	p := pkg{files: map[string][]byte{}}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("open %s: %v", f.Name, err)
		}
		var b bytes.Buffer
		if _, err := b.ReadFrom(rc); err != nil {
			t.Fatalf("read %s: %v", f.Name, err)
		}
		rc.Close()
		if _, dup := p.files[f.Name]; dup {
			t.Errorf("part %s twice", f.Name)
		}
		p.files[f.Name] = b.Bytes()
		p.order = append(p.order, f.Name)
	}
	return p
}

func (p pkg) parse(t *testing.T, name string) *node {
	t.Helper()
	data, ok := p.files[name]
	if !ok {
		t.Fatalf("part %s missing; have %v", name, p.order)
	}
	var n node
	if err := xml.Unmarshal(data, &n); err != nil {
		t.Fatalf("%s is not well-formed XML: %v", name, err)
	}
	return &n
}

// paragraphs returns the text of every paragraph of word/document.xml.
func paragraphs(doc *node) []string {
	var out []string
	for _, p := range doc.all("p") {
		out = append(out, p.text())
	}
	return out
}

// withoutCharts returns d without its chart blocks.
func withoutCharts(d report.Document) report.Document {
	var blocks []report.Block
	for _, b := range d.Blocks {
		if b.Kind != report.ChartBlock {
			blocks = append(blocks, b)
		}
	}
	d.Blocks = blocks
	return d
}

// fakePNG stands in for chart.PNG: a real PNG of the asked size.
func fakePNG(c report.Chart, w, h int) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{255, 255, 255, 255}
			if x > w/10 && x < w*9/10 && y > h/2 && (x/80)%2 == 0 {
				c = color.RGBA{40, 90, 160, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// useChart replaces the chart drawer for the duration of the test.
func useChart(t *testing.T, f func(report.Chart, int, int) ([]byte, error)) {
	old := pngChart
	pngChart = f
	t.Cleanup(func() { pngChart = old })
}

// contains reports whether some paragraph contains s.
func contains(paras []string, s string) bool {
	return slices.ContainsFunc(paras, func(p string) bool { return strings.Contains(p, s) })
}

func TestRenderSampleStructure(t *testing.T) {
	d := withoutCharts(reporttest.Sample())
	p := unzip(t, render(t, d))
	doc := p.parse(t, "word/document.xml")
	paras := paragraphs(doc)

	want := []string{
		locale.T("vi", "doc.national_title"),
		locale.T("vi", "doc.motto"),
		"Số: " + strings.TrimRight(d.Number, " "),
		d.PlaceDate(),
		d.ParentBody, d.IssuingBody, d.Type, d.Summary,
		locale.T("vi", "doc.draft"),
		locale.T("vi", "doc.addressee") + " " + d.Addressees[0],
		locale.T("vi", "doc.recipients"),
		d.Signers[0].Authority, d.Signers[0].Title,
		d.Footnote,
	}
	want = append(want, d.Bases...)
	for _, r := range d.Recipients {
		want = append(want, "- "+r)
	}
	for _, b := range d.Blocks {
		switch b.Kind {
		case report.Heading, report.Paragraph, report.Note:
			want = append(want, b.Text)
		case report.Bullet:
			want = append(want, "- "+b.Text)
		case report.TableBlock:
			want = append(want, b.Table.Caption)
			if b.Table.Note != "" {
				want = append(want, b.Table.Note)
			}
		}
	}
	for _, w := range want {
		if !slices.Contains(paras, norm.NFC.String(w)) {
			t.Errorf("no paragraph %q", w)
		}
	}
	if !slices.Contains(paras, "365.000.000") || !slices.Contains(paras, "–") {
		t.Errorf("formatted numbers missing: %q", paras)
	}

	// Order: header block, type, summary, body, closing.
	idx := func(s string) int {
		return slices.IndexFunc(paras, func(p string) bool { return p == s })
	}
	order := []string{locale.T("vi", "doc.national_title"), d.Type, d.Summary, d.Bases[0], d.Blocks[0].Text,
		d.Blocks[len(d.Blocks)-1].Text, locale.T("vi", "doc.recipients"), d.Footnote}
	for i := 1; i < len(order); i++ {
		if idx(order[i-1]) >= idx(order[i]) {
			t.Errorf("%q is not before %q", order[i-1], order[i])
		}
	}

	checkTables(t, doc, d)
	checkPackage(t, p)
	checkSection(t, p, doc)

	// Page 1: the header block is the first element of the body, two
	// borderless columns, title on the right, issuing body on the left.
	body := doc.child("body")
	if body == nil || len(body.Nodes) == 0 || body.Nodes[0].XMLName.Local != "tbl" {
		t.Fatal("the body does not start with the header table")
	}
	head := &body.Nodes[0]
	if head.first("tblStyle") != nil {
		t.Error("the header table has a table style (borders)")
	}
	for _, bd := range head.first("tblBorders").Nodes {
		if v := bd.attr("val"); v != "nil" && v != "none" {
			t.Errorf("header table border %s = %s", bd.XMLName.Local, v)
		}
	}
	cells := head.all("tc")
	if len(cells) != 4 {
		t.Fatalf("header table has %d cells, want 2×2", len(cells))
	}
	if !strings.Contains(cells[0].text(), d.IssuingBody) || !strings.Contains(cells[1].text(), locale.T("vi", "doc.national_title")) ||
		!strings.HasPrefix(cells[2].text(), "Số:") || cells[3].text() != d.PlaceDate() {
		t.Errorf("header cells: %q | %q | %q | %q", cells[0].text(), cells[1].text(), cells[2].text(), cells[3].text())
	}
	// The motto is bold with a bottom border; the place and date italic.
	for _, para := range cells[1].all("p") {
		if para.text() == locale.T("vi", "doc.motto") {
			if para.first("pBdr") == nil || para.first("pBdr").child("bottom") == nil {
				t.Error("the motto has no underline")
			}
			if para.first("b") == nil {
				t.Error("the motto is not bold")
			}
		}
	}
	if cells[3].first("i") == nil {
		t.Error("place and date not italic")
	}
	// The issuing body is followed by its short underline.
	bodyParas := cells[0].all("p")
	last := bodyParas[len(bodyParas)-1]
	if last.first("bottom") == nil || last.text() != "" {
		t.Error("no short underline under the issuing body")
	}

	// Core properties: the summary is the title.
	core := p.parse(t, "docProps/core.xml")
	if got := core.first("title").Text; got != d.Summary {
		t.Errorf("core title %q, want %q", got, d.Summary)
	}
}

// checkTables checks every data table: caption, header row repeated and
// bold, the cells formatted and aligned by kind, the totals bold.
func checkTables(t *testing.T, doc *node, d report.Document) {
	t.Helper()
	var grids []*node
	for _, tbl := range doc.all("tbl") {
		if s := tbl.first("tblStyle"); s != nil && s.attr("val") == "TableGrid" {
			grids = append(grids, tbl)
		}
	}
	tables := d.Tables()
	if len(grids) != len(tables) {
		t.Fatalf("%d bordered tables, want %d", len(grids), len(tables))
	}
	for k, tb := range tables {
		g := grids[k]
		borders := g.first("tblBorders")
		for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
			if b := borders.child(side); b == nil || b.attr("val") != "single" {
				t.Errorf("table %d: border %s not single", k, side)
			}
		}
		rows := g.all("tr")
		wantRows := 1 + len(tb.Rows)
		if tb.Total != nil {
			wantRows++
		}
		if len(rows) != wantRows {
			t.Fatalf("table %d: %d rows, want %d", k, len(rows), wantRows)
		}
		if rows[0].first("tblHeader") == nil {
			t.Errorf("table %d: header row not repeated", k)
		}
		for _, r := range rows[1:] {
			if r.first("tblHeader") != nil {
				t.Errorf("table %d: body row marked as header", k)
			}
		}
		var sum int
		for _, gc := range g.first("tblGrid").all("gridCol") {
			w, _ := strconv.Atoi(gc.attr("w"))
			sum += w
		}
		if sum != textW {
			t.Errorf("table %d: columns %d twips wide, want the text width %d", k, sum, textW)
		}
		check := func(row *node, cells []report.Cell, header, bold bool) {
			tcs := row.all("tc")
			if len(tcs) != len(tb.Columns) {
				t.Fatalf("table %d: %d cells, want %d", k, len(tcs), len(tb.Columns))
			}
			for i, col := range tb.Columns {
				want, align := col.Title, "center"
				if !header {
					want = report.Format(col.Kind, cells[i])
					align = "right"
					if col.Kind == report.Text {
						align = "left"
					}
				}
				if got := tcs[i].text(); got != norm.NFC.String(want) {
					t.Errorf("table %d cell %d: %q, want %q", k, i, got, want)
				}
				if got := tcs[i].first("jc").attr("val"); got != align {
					t.Errorf("table %d cell %q aligned %s, want %s", k, want, got, align)
				}
				if (tcs[i].first("r").first("b") != nil) != (bold || header) {
					t.Errorf("table %d cell %q: bold is %v", k, want, !(bold || header))
				}
			}
		}
		check(rows[0], nil, true, true)
		for i, r := range tb.Rows {
			check(rows[1+i], r, false, false)
		}
		if tb.Total != nil {
			check(rows[len(rows)-1], tb.Total, false, true)
		}
	}
}

// checkPackage checks that every part is well-formed XML, that every
// relationship target exists and that [Content_Types].xml covers every
// part.
func checkPackage(t *testing.T, p pkg) {
	t.Helper()
	if p.order[0] != "[Content_Types].xml" {
		t.Errorf("first part %s, want [Content_Types].xml", p.order[0])
	}
	ct := p.parse(t, "[Content_Types].xml")
	defaults := map[string]string{}
	overrides := map[string]string{}
	for _, n := range ct.Nodes {
		switch n.XMLName.Local {
		case "Default":
			defaults[n.attr("Extension")] = n.attr("ContentType")
		case "Override":
			overrides[n.attr("PartName")] = n.attr("ContentType")
		}
	}
	for _, name := range p.order {
		if name == "[Content_Types].xml" {
			continue
		}
		if _, ok := overrides["/"+name]; ok {
			continue
		}
		if _, ok := defaults[strings.TrimPrefix(path.Ext(name), ".")]; !ok {
			t.Errorf("no content type for %s", name)
		}
		if strings.HasSuffix(name, ".xml") && name != "docProps/app.xml" {
			t.Errorf("%s has only the generic xml content type", name)
		}
	}
	for part := range overrides {
		if _, ok := p.files[strings.TrimPrefix(part, "/")]; !ok {
			t.Errorf("content type override for missing part %s", part)
		}
	}
	if overrides["/word/document.xml"] != "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml" {
		t.Errorf("document content type %q", overrides["/word/document.xml"])
	}
	for _, name := range p.order {
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			p.parse(t, name)
		}
	}
	for _, rels := range []string{"_rels/.rels", "word/_rels/document.xml.rels"} {
		base := path.Dir(path.Dir(rels)) // the folder of the source part
		ids := map[string]bool{}
		for _, r := range p.parse(t, rels).all("Relationship") {
			if ids[r.attr("Id")] {
				t.Errorf("%s: id %s twice", rels, r.attr("Id"))
			}
			ids[r.attr("Id")] = true
			target := path.Join(base, r.attr("Target"))
			if _, ok := p.files[target]; !ok {
				t.Errorf("%s: target %s (%s) missing", rels, r.attr("Target"), target)
			}
		}
	}
	// Every r:id and r:embed in the document names a relationship.
	ids := map[string]bool{}
	for _, r := range p.parse(t, "word/_rels/document.xml.rels").all("Relationship") {
		ids[r.attr("Id")] = true
	}
	doc := p.parse(t, "word/document.xml")
	var walk func(*node)
	walk = func(n *node) {
		for _, a := range n.Attrs {
			if a.Name.Space == "http://schemas.openxmlformats.org/officeDocument/2006/relationships" && !ids[a.Value] {
				t.Errorf("%s r:%s=%s names no relationship", n.XMLName.Local, a.Name.Local, a.Value)
			}
		}
		for i := range n.Nodes {
			walk(&n.Nodes[i])
		}
	}
	walk(doc)

	// Styles: Times New Roman everywhere, 14 pt, Vietnamese.
	styles := p.parse(t, "word/styles.xml")
	def := styles.first("rPrDefault")
	fonts := def.first("rFonts")
	for _, a := range []string{"ascii", "hAnsi", "cs", "eastAsia"} {
		if fonts.attr(a) != "Times New Roman" {
			t.Errorf("default font %s = %q", a, fonts.attr(a))
		}
	}
	if def.first("sz").attr("val") != "28" || def.first("lang").attr("val") != "vi-VN" {
		t.Error("default run is not 14 pt vi-VN")
	}
	for _, f := range styles.all("rFonts") {
		for _, a := range f.Attrs {
			if a.Value != "Times New Roman" {
				t.Errorf("a style uses font %q", a.Value)
			}
		}
	}
}

// checkSection checks the page set-up: A4 portrait, the Decree 30 margins,
// a distinct (empty) first-page header and a PAGE field in the others.
func checkSection(t *testing.T, p pkg, doc *node) {
	t.Helper()
	sect := doc.child("body").child("sectPr")
	if sect == nil {
		t.Fatal("no body sectPr")
	}
	sz := sect.child("pgSz")
	if sz.attr("w") != "11906" || sz.attr("h") != "16838" || sz.attr("orient") == "landscape" {
		t.Errorf("page size %v", sz.Attrs)
	}
	mar := sect.child("pgMar")
	for side, want := range map[string]string{"top": "1134", "bottom": "1134", "left": "1701", "right": "850"} {
		if mar.attr(side) != want {
			t.Errorf("margin %s = %s, want %s", side, mar.attr(side), want)
		}
	}
	if tp := sect.child("titlePg"); tp == nil || tp.attr("val") == "0" || tp.attr("val") == "false" {
		t.Error("titlePg not set")
	}
	targets := map[string]string{}
	for _, r := range p.parse(t, "word/_rels/document.xml.rels").all("Relationship") {
		targets[r.attr("Id")] = r.attr("Target")
	}
	headers := map[string]*node{}
	for _, h := range sect.all("headerReference") {
		headers[h.attr("type")] = p.parse(t, path.Join("word", targets[h.attr("id")]))
	}
	if headers["default"] == nil || headers["first"] == nil {
		t.Fatalf("header references: %v", headers)
	}
	instr := func(h *node) string {
		var s string
		for _, in := range h.all("instrText") {
			s += in.Text
		}
		return s
	}
	if !strings.Contains(instr(headers["default"]), "PAGE") {
		t.Error("no PAGE field in the default header")
	}
	dh := headers["default"].first("p")
	if dh.first("jc").attr("val") != "center" || dh.first("sz").attr("val") != "26" {
		t.Error("page number not centred 13 pt")
	}
	if instr(headers["first"]) != "" || headers["first"].text() != "" {
		t.Error("first-page header is not empty")
	}
}

func TestRenderMinutes(t *testing.T) {
	d := reporttest.Minutes()
	p := unzip(t, render(t, d))
	doc := p.parse(t, "word/document.xml")
	paras := paragraphs(doc)
	for _, w := range []string{d.Type, d.Summary, d.PlaceDate(), d.Blocks[0].Text, "- " + d.Blocks[1].Text} {
		if !slices.Contains(paras, w) {
			t.Errorf("no paragraph %q", w)
		}
	}
	if contains(paras, "Số:") || contains(paras, locale.T("vi", "doc.recipients")) || contains(paras, locale.T("vi", "doc.draft")) {
		t.Error("number, recipients or draft mark written though empty")
	}
	// The signers stand side by side: one row with a cell per signer.
	var found bool
	for _, tbl := range doc.all("tbl") {
		rows := tbl.all("tr")
		if len(rows) != 1 {
			continue
		}
		cells := rows[0].all("tc")
		if len(cells) != len(d.Signers) {
			continue
		}
		ok := true
		for i, s := range d.Signers {
			txt := cells[i].text()
			ok = ok && strings.Contains(txt, s.Title) && strings.Contains(txt, s.Name)
		}
		found = found || ok
	}
	if !found {
		t.Error("no row with the signers side by side")
	}
	checkPackage(t, p)
	checkSection(t, p, doc)
}

func TestRenderDeterministic(t *testing.T) {
	useChart(t, fakePNG)
	d := reporttest.Sample()
	a, b := render(t, d), render(t, d)
	if !bytes.Equal(a, b) {
		t.Fatal("two renderings of the same document differ")
	}
	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if !f.Modified.Equal(zipTime) {
			t.Errorf("%s modified %v", f.Name, f.Modified)
		}
	}
}

func TestRenderCharts(t *testing.T) {
	var sizes [][2]int
	useChart(t, func(c report.Chart, w, h int) ([]byte, error) {
		sizes = append(sizes, [2]int{w, h})
		return fakePNG(c, w, h)
	})
	d := reporttest.Sample()
	var charts []*report.Chart
	for _, b := range d.Blocks {
		if b.Kind == report.ChartBlock {
			charts = append(charts, b.Chart)
		}
	}
	p := unzip(t, render(t, d))
	if len(sizes) != len(charts) || sizes[0] != [2]int{1200, 650} {
		t.Errorf("chart drawn at %v", sizes)
	}
	checkPackage(t, p)
	doc := p.parse(t, "word/document.xml")
	rels := map[string]string{}
	for _, r := range p.parse(t, "word/_rels/document.xml.rels").all("Relationship") {
		rels[r.attr("Id")] = r.attr("Target")
	}
	inlines := doc.all("inline")
	if len(inlines) != len(charts) {
		t.Fatalf("%d pictures, want %d", len(inlines), len(charts))
	}
	paras := paragraphs(doc)
	seen := map[string]bool{}
	for i, in := range inlines {
		alt := locale.T("vi", "doc.chart_alt", charts[i].Title)
		if got := in.child("docPr").attr("descr"); got != alt {
			t.Errorf("picture %d alt text %q, want %q", i, got, alt)
		}
		if cx, _ := strconv.Atoi(in.child("extent").attr("cx")); cx != textW*emuPerTwip {
			t.Errorf("picture %d is %d EMU wide, want the text width", i, cx)
		}
		cx, _ := strconv.Atoi(in.child("extent").attr("cx"))
		cy, _ := strconv.Atoi(in.child("extent").attr("cy"))
		if want := cx * 650 / 1200; cy < want-1 || cy > want+1 {
			t.Errorf("picture %d is %d EMU high, want %d", i, cy, want)
		}
		target := rels[in.first("blip").attr("embed")]
		if !strings.HasPrefix(target, "media/") || seen[target] {
			t.Errorf("picture %d points at %q", i, target)
		}
		seen[target] = true
		data := p.files["word/"+target]
		if _, err := png.Decode(bytes.NewReader(data)); err != nil {
			t.Errorf("%s is not a PNG: %v", target, err)
		}
		if !slices.Contains(paras, charts[i].Title) {
			t.Errorf("no caption %q", charts[i].Title)
		}
	}
	ids := map[string]bool{}
	for _, dp := range doc.all("docPr") {
		if ids[dp.attr("id")] {
			t.Errorf("docPr id %s twice", dp.attr("id"))
		}
		ids[dp.attr("id")] = true
	}
}

func TestRenderChartError(t *testing.T) {
	sentinel := errors.New("no chart today")
	useChart(t, func(report.Chart, int, int) ([]byte, error) { return nil, sentinel })
	var buf bytes.Buffer
	err := Render(&buf, reporttest.Sample())
	if !errors.Is(err, sentinel) {
		t.Fatalf("Render returned %v, want the chart error", err)
	}
}

func TestRenderEscapesAndNormalises(t *testing.T) {
	nfd := norm.NFD.String("Hòa Bình, Đakrông, Ằ ẫ Ổ Ự")
	d := reporttest.Minutes()
	d.Summary = `A & B <c> "d" ` + nfd
	d.Blocks = []report.Block{
		{Kind: report.Paragraph, Text: "x < y && z > \"w\" ']]> " + nfd},
		{Kind: report.TableBlock, Table: &report.Table{Caption: "<b>", Columns: []report.Column{{Title: "&"}},
			Rows: [][]report.Cell{{{Text: nfd}}, {}}}},
	}
	d.Recipients = []string{"Lưu: VT, <KC>."}
	p := unzip(t, render(t, d))
	doc := p.parse(t, "word/document.xml")
	paras := paragraphs(doc)
	for _, w := range []string{norm.NFC.String(d.Summary), norm.NFC.String(d.Blocks[0].Text), "<b>", "&",
		norm.NFC.String(nfd), "- Lưu: VT, <KC>."} {
		if !slices.Contains(paras, w) {
			t.Errorf("no paragraph %q", w)
		}
	}
	for _, ts := range doc.all("t") {
		if ts.attr("space") != "preserve" {
			t.Errorf("run %q without xml:space=preserve", ts.Text)
		}
	}
	if bytes.Contains(p.files["word/document.xml"], []byte(nfd)) {
		t.Error("decomposed text written as is")
	}
}

// TestRenderRealCharts renders the sample with the charts drawn by
// report/chart.
func TestRenderRealCharts(t *testing.T) {
	d := reporttest.Sample()
	p := unzip(t, render(t, d))
	var n int
	for name, data := range p.files {
		if strings.HasPrefix(name, "word/media/") {
			n++
			if _, err := png.Decode(bytes.NewReader(data)); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d images, want 2", n)
	}
}

// TestLibreOffice converts the samples to PDF with LibreOffice and checks
// the text and page size. Set DOCX_KEEP=dir to keep the files.
func TestLibreOffice(t *testing.T) {
	lo := tooltest.Path(t, "libreoffice", "libreoffice-writer-nogui")
	pdftotext := tooltest.Path(t, "pdftotext", "poppler-utils")
	pdfinfo := tooltest.Path(t, "pdfinfo", "poppler-utils")
	dir := t.TempDir()
	if keep := os.Getenv("DOCX_KEEP"); keep != "" {
		dir = keep
	}
	profile := t.TempDir()
	for _, d := range []report.Document{reporttest.Sample(), reporttest.Minutes()} {
		t.Run(d.Name, func(t *testing.T) {
			file := filepath.Join(dir, d.Name+".docx")
			if err := os.WriteFile(file, render(t, d), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, lo, "-env:UserInstallation=file://"+profile, "--headless",
				"--convert-to", "pdf", "--outdir", dir, file)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("libreoffice: %v\n%s", err, out)
			}
			pdf := filepath.Join(dir, d.Name+".pdf")
			if st, err := os.Stat(pdf); err != nil || st.Size() == 0 {
				t.Fatalf("no PDF: %v", err)
			}
			out, err := exec.Command(pdftotext, "-layout", pdf, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			text := strings.Join(strings.Fields(norm.NFC.String(string(out))), " ")
			for _, w := range []string{locale.T("vi", "doc.national_title"), locale.T("vi", "doc.motto"), d.Type, d.PlaceDate()} {
				if !strings.Contains(text, w) {
					t.Errorf("PDF text lacks %q", w)
				}
			}
			// The summary may wrap: look for its words in order.
			if !strings.Contains(text, d.Summary) {
				words := strings.Fields(d.Summary)
				pos := 0
				for _, w := range words {
					i := strings.Index(text[pos:], w)
					if i < 0 {
						t.Errorf("PDF text lacks the summary word %q", w)
						break
					}
					pos += i + len(w)
				}
			}
			info, err := exec.Command(pdfinfo, pdf).Output()
			if err != nil {
				t.Fatalf("pdfinfo: %v", err)
			}
			var size string
			for _, line := range strings.Split(string(info), "\n") {
				if strings.HasPrefix(line, "Page size:") {
					size = line
				}
			}
			f := strings.Fields(size)
			if len(f) < 5 {
				t.Fatalf("pdfinfo page size %q", size)
			}
			w, _ := strconv.ParseFloat(f[2], 64)
			h, _ := strconv.ParseFloat(f[4], 64)
			if w < 594.5 || w > 596 || h < 841 || h > 842.5 {
				t.Errorf("page size %q, want A4 595 x 842 pts", size)
			}
		})
	}
}

func TestRenderEmptyAndWide(t *testing.T) {
	p := unzip(t, render(t, report.Document{}))
	checkPackage(t, p)
	checkSection(t, p, p.parse(t, "word/document.xml"))

	cols := make([]report.Column, 9)
	row := make([]report.Cell, 9)
	for i := range cols {
		cols[i] = report.Column{Title: "C" + strconv.Itoa(i), Kind: report.Count}
		row[i] = report.Cell{N: int64(i) * 1000}
	}
	d := reporttest.Minutes()
	d.Blocks = []report.Block{{Kind: report.TableBlock, Table: &report.Table{Columns: cols, Rows: [][]report.Cell{row}}},
		{Kind: report.TableBlock, Table: &report.Table{Columns: cols[:2], Rows: [][]report.Cell{row[:2]}}}}
	doc := unzip(t, render(t, d)).parse(t, "word/document.xml")
	checkTables(t, doc, d)
	var grids []*node
	for _, tbl := range doc.all("tbl") {
		if tbl.first("tblStyle") != nil {
			grids = append(grids, tbl)
		}
	}
	if got := grids[0].first("tc").first("r").first("sz").attr("val"); got != "22" {
		t.Errorf("9-column table at %s half-points, want 22", got)
	}
	if got := grids[1].first("tc").first("r").first("sz").attr("val"); got != "26" {
		t.Errorf("2-column table at %s half-points, want 26", got)
	}
	// Two tables in a row stay two tables.
	body := doc.child("body")
	for i := 1; i < len(body.Nodes); i++ {
		if body.Nodes[i].XMLName.Local == "tbl" && body.Nodes[i-1].XMLName.Local == "tbl" {
			t.Error("two adjacent tables would merge")
		}
	}
}
