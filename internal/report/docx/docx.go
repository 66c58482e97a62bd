package docx

import (
	"archive/zip"
	"bytes"
	"embed"
	"fmt"
	"io"
	"strings"
	"time"

	"khuyencong/internal/report"
	"khuyencong/internal/report/chart"
	"khuyencong/internal/vi"
)

// ContentType is the MIME type of the files Render writes.
const ContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// Page geometry in twips (1/20 pt): A4 portrait with the margins of
// Decree 30/2020 (top and bottom 20 mm, left 30 mm, right 15 mm).
const (
	pageW        = 11906
	pageH        = 16838
	marginTop    = 1134
	marginBottom = 1134
	marginLeft   = 1701
	marginRight  = 850
	headerDist   = 567 // the page number sits 10 mm from the top edge
	textW        = pageW - marginLeft - marginRight
	textH        = pageH - marginTop - marginBottom
	cellMar      = 85 // left and right cell margin of every table
)

// Chart images are drawn at this size in pixels and scaled to the text
// width.
const (
	chartW = 1200
	chartH = 650
)

// emuPerTwip converts twips to the English Metric Units of DrawingML.
const emuPerTwip = 635

// pngChart draws a chart as PNG; tests replace it.
var pngChart = chart.PNG

// zipTime is the modification time of every zip entry, so the same
// document always gives the same bytes.
var zipTime = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

//go:embed reference/*.xml
var reference embed.FS

// staticParts maps the package parts copied as they are to their files
// under reference/ (go:embed patterns cannot name "[Content_Types].xml"
// or "_rels").
var staticParts = []struct{ name, file string }{
	{"[Content_Types].xml", "content_types.xml"},
	{"_rels/.rels", "package_rels.xml"},
	{"docProps/app.xml", "app.xml"},
	{"word/styles.xml", "styles.xml"},
	{"word/settings.xml", "settings.xml"},
	{"word/fontTable.xml", "fontTable.xml"},
	{"word/header1.xml", "header1.xml"},
	{"word/header2.xml", "header2.xml"},
}

// Relationship types used in word/_rels/document.xml.rels.
const (
	relStyles    = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
	relSettings  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings"
	relFontTable = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
	relHeader    = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
	relImage     = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
)

// Render writes d to w as a .docx file laid out after Decree 30/2020:
// the header block, type and summary, legal bases and addressees, the
// body blocks (charts embedded as PNG pictures), recipients, signature
// and footnote. The output is the same bytes for the same document. An
// error drawing a chart is returned (wrapped) and nothing useful is
// written.
func Render(w io.Writer, d report.Document) error {
	b := &builder{}
	if err := b.document(&d); err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	add := func(name string, data []byte) error {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return err
		}
		_, err = fw.Write(data)
		return err
	}
	for _, p := range staticParts {
		data, err := reference.ReadFile("reference/" + p.file)
		if err != nil {
			return fmt.Errorf("docx: reference part %s: %w", p.file, err)
		}
		if err := add(p.name, data); err != nil {
			return fmt.Errorf("docx: write %s: %w", p.name, err)
		}
	}
	generated := []struct {
		name string
		data []byte
	}{
		{"docProps/core.xml", coreXML(&d)},
		{"word/_rels/document.xml.rels", b.relsXML()},
		{"word/document.xml", []byte(b.sb.String())},
	}
	for _, img := range b.images {
		generated = append(generated, struct {
			name string
			data []byte
		}{"word/media/" + img.name, img.data})
	}
	for _, p := range generated {
		if err := add(p.name, p.data); err != nil {
			return fmt.Errorf("docx: write %s: %w", p.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("docx: close: %w", err)
	}
	return nil
}

// relsXML returns word/_rels/document.xml.rels: the reference parts and
// one relationship per embedded image.
func (b *builder) relsXML() []byte {
	var sb strings.Builder
	sb.WriteString(xmlHeader)
	sb.WriteString(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	rel := func(id, typ, target string) {
		fmt.Fprintf(&sb, `<Relationship Id="%s" Type="%s" Target="%s"/>`, id, typ, target)
	}
	rel("rIdStyles", relStyles, "styles.xml")
	rel("rIdSettings", relSettings, "settings.xml")
	rel("rIdFontTable", relFontTable, "fontTable.xml")
	rel("rIdHeader1", relHeader, "header1.xml")
	rel("rIdHeader2", relHeader, "header2.xml")
	for _, img := range b.images {
		rel(img.rid, relImage, "media/"+img.name)
	}
	sb.WriteString(`</Relationships>`)
	return []byte(sb.String())
}

// coreXML returns docProps/core.xml: the summary as title, the type as
// subject, the issuing body as creator and the document date.
func coreXML(d *report.Document) []byte {
	date := d.Date
	if date.IsZero() {
		date = zipTime
	}
	stamp := date.UTC().Format("2006-01-02T15:04:05Z")
	var sb strings.Builder
	sb.WriteString(xmlHeader)
	sb.WriteString(`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	elem := func(tag, text string) {
		sb.WriteString("<" + tag + ">")
		escape(&sb, text)
		sb.WriteString("</" + tag + ">")
	}
	elem("dc:title", vi.NFC(d.Summary))
	elem("dc:subject", vi.NFC(d.Type))
	elem("dc:creator", vi.NFC(d.IssuingBody))
	elem("dc:language", "vi-VN")
	fmt.Fprintf(&sb, `<dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created>`, stamp)
	fmt.Fprintf(&sb, `<dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified>`, stamp)
	sb.WriteString(`</cp:coreProperties>`)
	return []byte(sb.String())
}

// pngSize returns the pixel size of a PNG from its IHDR chunk, or false.
func pngSize(data []byte) (w, h int, ok bool) {
	if len(data) < 24 || !bytes.Equal(data[:8], []byte("\x89PNG\r\n\x1a\n")) || string(data[12:16]) != "IHDR" {
		return 0, 0, false
	}
	be := func(p []byte) int { return int(p[0])<<24 | int(p[1])<<16 | int(p[2])<<8 | int(p[3]) }
	w, h = be(data[16:20]), be(data[20:24])
	return w, h, w > 0 && h > 0
}
