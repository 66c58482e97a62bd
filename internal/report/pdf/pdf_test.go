package pdf

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"khuyencong/internal/locale"
	"khuyencong/internal/report"
	"khuyencong/internal/report/reporttest"
	"khuyencong/internal/tooltest"
)

func render(t *testing.T, d report.Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, d); err != nil {
		t.Fatalf("Render: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("output does not start with %%PDF-")
	}
	return buf.Bytes()
}

// longDocument has a table of n rows, enough to run over pages.
func longDocument(n int) report.Document {
	d := reporttest.Sample()
	t := &report.Table{
		Sheet:   "Cơ sở",
		Caption: "Bảng 3. Cơ sở công nghiệp nông thôn theo xã",
		Columns: []report.Column{{Title: "STT", Kind: report.Count}, {Title: "Tên cơ sở", Kind: report.Text, Width: 4},
			{Title: "Xã", Kind: report.Text, Width: 2}, {Title: "Lao động (người)", Kind: report.Count, Width: 2}},
	}
	for i := 1; i <= n; i++ {
		name := "Cơ sở Đá Bàn số " + strconv.Itoa(i)
		if i%7 == 0 {
			name += " và dệt thổ cẩm truyền thống của đồng bào Vân Kiều, Pa Kô"
		}
		t.Rows = append(t.Rows, []report.Cell{{N: int64(i)}, {Text: name}, {Text: "Tà Rụt"}, {N: int64(i * 3)}})
	}
	d.Blocks = append(d.Blocks, report.Block{Kind: report.Heading, Level: 1, Text: "IV. DANH SÁCH CƠ SỞ"},
		report.Block{Kind: report.TableBlock, Table: t})
	return d
}

// tool runs a poppler tool on the PDF; without poppler the test is
// skipped, except on CI where it must be installed.
func tool(t *testing.T, pdf []byte, name string, args ...string) string {
	t.Helper()
	path := tooltest.Path(t, name, "poppler-utils")
	file := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	args = append(args, file)
	if name == "pdftotext" {
		args = append(args, "-")
	}
	out, err := exec.Command(path, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
	return string(out)
}

func pages(t *testing.T, pdf []byte) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(tool(t, pdf, "pdfinfo"))
	if m == nil {
		t.Fatal("pdfinfo gives no page count")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// flat joins the lines of pdftotext output with single spaces, so text
// wrapped over lines can be found.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestSampleText(t *testing.T) {
	d := reporttest.Sample()
	pdf := render(t, d)
	if n := pages(t, pdf); n < 1 {
		t.Fatalf("%d pages", n)
	}
	raw := tool(t, pdf, "pdftotext", "-layout")
	text := flat(raw)
	for _, want := range []string{
		locale.T("vi", "doc.national_title"),
		locale.T("vi", "doc.motto"),
		"UBND TỈNH QUẢNG TRỊ", "SỞ CÔNG THƯƠNG", "/BC-SCT",
		"Quảng Trị, ngày 05 tháng 01 năm 2026",
		locale.T("vi", "doc.draft"),
		"BÁO CÁO",
		d.Summary,
		"Căn cứ Nghị định số 45/2012/NĐ-CP",
		locale.T("vi", "doc.addressee") + " Ủy ban nhân dân tỉnh Quảng Trị",
		"365.000.000", "850.000.000", "Tổng cộng", "35 %", "100 %", "–",
		"Ằ ẫ Ổ Ự đ Đ",
		"Kinh phí theo năm (triệu đồng)",
		"Số liệu tổng hợp từ hệ thống khuyencong ngày 05/01/2026.",
		locale.T("vi", "doc.recipients"), "- Như trên;", "- Lưu: VT, KC.",
		"KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext has no %q", want)
		}
	}
	// exactly as written: NFC, no stray marks
	if !strings.Contains(raw, "Ằ ẫ Ổ Ự đ Đ") {
		t.Error("the stacked diacritics are not extracted exactly")
	}
	// the number and the place-date share one line (§9)
	var same bool
	for _, l := range strings.Split(raw, "\n") {
		if strings.Contains(l, "/BC-SCT") && strings.Contains(l, "Quảng Trị, ngày") {
			same = true
		}
	}
	if !same {
		t.Error("the number and the place-date are not on one line")
	}
	// headings in order
	last := -1
	for _, h := range []string{"I. KẾT QUẢ THỰC HIỆN", "1. Kinh phí", "2. Đề án theo nội dung", "II. TỒN TẠI, HẠN CHẾ", "III. KIẾN NGHỊ"} {
		i := strings.Index(text, h)
		if i < 0 || i < last {
			t.Errorf("heading %q at %d, after %d", h, i, last)
		}
		last = i
	}
}

func TestFontsEmbedded(t *testing.T) {
	out := tool(t, render(t, reporttest.Sample()), "pdffonts")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdffonts lists no font:\n%s", out)
	}
	faces := map[string]bool{}
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		name := strings.ToLower(f[0])
		if !strings.Contains(name, "liberationserif") {
			t.Errorf("font is not Liberation Serif: %s", l)
		}
		faces[name[strings.Index(name, "liberationserif")+len("liberationserif"):]] = true
		// columns: name type encoding emb sub uni object ID
		if len(f) < 8 || f[len(f)-5] != "yes" {
			t.Errorf("font not embedded: %s", l)
		}
	}
	for _, face := range []string{"", "b", "i", "bi"} {
		if !faces[face] {
			t.Errorf("face %q of Liberation Serif missing:\n%s", face, out)
		}
	}
	for _, core := range []string{"Helvetica", "Times-", "Courier", "Arial"} {
		if strings.Contains(out, core) {
			t.Errorf("core font %s used:\n%s", core, out)
		}
	}
}

func TestA4(t *testing.T) {
	info := tool(t, render(t, reporttest.Sample()), "pdfinfo")
	if !regexp.MustCompile(`Page size:\s+595(\.\d+)? x 841(\.\d+)? pts \(A4\)`).MatchString(info) {
		t.Errorf("not A4 portrait:\n%s", info)
	}
}

// TestLongTableRepeatsHeader checks a table over several pages carries
// its column titles on each one and every row is written once.
func TestLongTableRepeatsHeader(t *testing.T) {
	pdf := render(t, longDocument(120))
	n := pages(t, pdf)
	if n < 4 {
		t.Fatalf("%d pages for a 120-row table", n)
	}
	start := 0
	for p := 1; p <= n; p++ {
		text := tool(t, pdf, "pdftotext", "-layout", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p))
		if start == 0 && regexp.MustCompile(`Đá Bàn số 1\s`).MatchString(text) {
			start = p
		}
		if start > 0 && p > start {
			for _, col := range []string{"STT", "Tên cơ sở", "Lao động (người)"} {
				if !strings.Contains(text, col) {
					t.Errorf("page %d has no column title %q", p, col)
				}
			}
		}
		// page numbers from page 2 on, none on page 1
		first := strings.TrimSpace(strings.SplitN(strings.TrimSpace(text), "\n", 2)[0])
		if p > 1 && first != strconv.Itoa(p) {
			t.Errorf("page %d starts with %q, not its number", p, first)
		}
		if p == 1 && first == "1" {
			t.Error("page 1 is numbered")
		}
	}
	if start == 0 {
		t.Fatal("the first row is not found")
	}
	// the caption stands on the page of the header row and first row
	for p, text := range pageTexts(t, pdf) {
		if strings.Contains(text, "Bảng 3.") && (p+1 != start || !strings.Contains(text, "STT")) {
			t.Errorf("caption on page %d, first row on page %d", p+1, start)
		}
	}
	all := flat(tool(t, pdf, "pdftotext", "-layout"))
	for _, i := range []int{1, 2, 60, 119, 120} {
		row := "Cơ sở Đá Bàn số " + strconv.Itoa(i) + " "
		if c := strings.Count(all+" ", row); c != 1 {
			t.Errorf("row %d appears %d times", i, c)
		}
	}
	if !strings.Contains(all, "360") {
		t.Error("the last row's number is missing")
	}
}

// TestDeterministic renders the sample several times: fpdf keeps images
// and fonts in maps, so an ordering bug shows only now and then.
func TestDeterministic(t *testing.T) {
	a := render(t, reporttest.Sample())
	for i := range 10 {
		if !bytes.Equal(a, render(t, reporttest.Sample())) {
			t.Fatalf("rendering %d of one document differs from the first", i+2)
		}
	}
}

func TestMinutesSideBySide(t *testing.T) {
	raw := tool(t, render(t, reporttest.Minutes()), "pdftotext", "-layout")
	var both bool
	for _, l := range strings.Split(raw, "\n") {
		if strings.Contains(l, "ĐẠI DIỆN CƠ SỞ") && strings.Contains(l, "ĐẠI DIỆN SỞ CÔNG THƯƠNG") {
			both = true
		}
	}
	if !both {
		t.Errorf("the two signers are not side by side:\n%s", raw)
	}
	for _, want := range []string{"Hồ Thị B", "Nguyễn Văn A", "BIÊN BẢN"} {
		if !strings.Contains(raw, want) {
			t.Errorf("no %q", want)
		}
	}
	if strings.Contains(raw, locale.T("vi", "doc.recipients")) {
		t.Error("minutes without recipients show the recipients label")
	}
}

func TestOddDocuments(t *testing.T) {
	for name, d := range map[string]report.Document{
		"empty":            {},
		"no date no place": {Type: "KẾ HOẠCH", Summary: "x"},
		"odd blocks": {Blocks: []report.Block{
			{Kind: report.TableBlock}, {Kind: report.ChartBlock},
			{Kind: report.TableBlock, Table: &report.Table{Caption: "c"}},
			{Kind: report.TableBlock, Table: &report.Table{Columns: []report.Column{{Title: "a", Kind: report.Money}}, Rows: [][]report.Cell{{}, {{N: 5}, {N: 6}}}}},
			{Kind: report.ChartBlock, Chart: &report.Chart{Title: "Trống"}},
			{Kind: report.Heading, Level: 3, Text: strings.Repeat("Rất-dài-không-có-khoảng-trắng", 20)},
			{Kind: report.BlockKind(99), Text: "?"},
		}},
	} {
		var buf bytes.Buffer
		if err := Render(&buf, d); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if pages(t, buf.Bytes()) < 1 {
			t.Errorf("%s: no page", name)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteError(t *testing.T) {
	if err := Render(failWriter{}, reporttest.Sample()); err == nil {
		t.Error("a failing writer gave no error")
	}
}

// pageTexts returns the text of each page (pdftotext ends pages with a
// form feed).
func pageTexts(t *testing.T, pdf []byte) []string {
	t.Helper()
	out := strings.Split(tool(t, pdf, "pdftotext", "-layout"), "\f")
	if len(out) > 0 && strings.TrimSpace(out[len(out)-1]) == "" {
		out = out[:len(out)-1]
	}
	return out
}

// TestHeadingKeptWithText moves a heading down the page one line at a
// time: it must never be the last thing on a page.
func TestHeadingKeptWithText(t *testing.T) {
	seen := map[int]bool{}
	for n := 20; n <= 44; n++ {
		d := report.Document{Type: "BÁO CÁO", Summary: "Thử ngắt trang"}
		for i := range n {
			d.Blocks = append(d.Blocks, report.Block{Kind: report.Paragraph, Text: "Đoạn thử số " + strconv.Itoa(i+1) + "."})
		}
		d.Blocks = append(d.Blocks,
			report.Block{Kind: report.Heading, Level: 2, Text: "9. Mục cuối cùng"},
			report.Block{Kind: report.Paragraph, Text: "Nội dung ngay sau mục cuối cùng."})
		pages := pageTexts(t, render(t, d))
		seen[len(pages)] = true
		for p, text := range pages {
			if strings.Contains(text, "9. Mục cuối cùng") && !strings.Contains(text, "Nội dung ngay sau mục cuối cùng.") {
				t.Errorf("%d paragraphs: the heading is alone at the foot of page %d", n, p+1)
			}
		}
	}
	if !seen[1] || !seen[2] {
		t.Fatalf("the heading never crossed a page break (page counts %v); adjust the test", seen)
	}
}

func TestAddresseesRecipientsSigners(t *testing.T) {
	d := reporttest.Sample()
	d.Addressees = []string{"Ủy ban nhân dân tỉnh Quảng Trị", "Bộ Công Thương;"}
	d.Signers = []report.Signer{{Title: "NGƯỜI LẬP"}, {Title: "KẾ TOÁN", Name: "Lê Thị C"}, {Authority: "KT. GIÁM ĐỐC", Title: "PHÓ GIÁM ĐỐC", Name: "Trần Văn D"}}
	pages := pageTexts(t, render(t, d))
	all := strings.Join(pages, "\n")
	for _, want := range []string{"- Ủy ban nhân dân tỉnh Quảng Trị;", "- Bộ Công Thương.", "Lê Thị C", "Trần Văn D", "- Lãnh đạo Sở;"} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q", want)
		}
	}
	var side bool
	for _, l := range strings.Split(all, "\n") {
		if strings.Contains(l, "NGƯỜI LẬP") && strings.Contains(l, "KẾ TOÁN") && strings.Contains(l, "KT. GIÁM ĐỐC") {
			side = true
		}
	}
	if !side {
		t.Error("three signers are not side by side")
	}
	var names bool
	for _, l := range strings.Split(all, "\n") {
		names = names || strings.Contains(l, "Lê Thị C") && strings.Contains(l, "Trần Văn D")
	}
	if !names {
		t.Error("the names of signers side by side are not on one line")
	}
	// the closing is not split over two pages
	last := pages[len(pages)-1]
	for _, want := range []string{locale.T("vi", "doc.recipients"), "NGƯỜI LẬP", "Trần Văn D"} {
		if !strings.Contains(last, want) {
			t.Errorf("the last page has no %q", want)
		}
	}
}
