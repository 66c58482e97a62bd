package app

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/report"
	"khuyencong/internal/report/docx"
	"khuyencong/internal/report/pdf"
	"khuyencong/internal/report/xlsx"
)

// The formats a generated document can be written in (FormatXLSX is the
// export format of the same name).
const (
	FormatDOCX = "docx"
	FormatPDF  = "pdf"
)

// DocumentFormats lists the document formats in the order offered.
var DocumentFormats = []string{FormatDOCX, FormatXLSX, FormatPDF}

// ParseDocumentFormat checks a format name ("docx", "xlsx" or "pdf", any
// case); anything else is a field error on "format" naming the choices.
func ParseDocumentFormat(s string) (string, error) {
	f := strings.ToLower(strings.TrimSpace(s))
	if !slices.Contains(DocumentFormats, f) {
		return "", kc.FieldError("format", "reportcli.err_format", s, strings.Join(DocumentFormats, ", "))
	}
	return f, nil
}

// DocumentContentType is the media type of a document format.
func DocumentContentType(format string) string {
	switch format {
	case FormatDOCX:
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case FormatXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case FormatPDF:
		return "application/pdf"
	}
	return "application/octet-stream"
}

// RenderDocument writes d in format (see ParseDocumentFormat) to w.
func RenderDocument(w io.Writer, d report.Document, format string) error {
	var err error
	switch format {
	case FormatDOCX:
		err = docx.Render(w, d)
	case FormatXLSX:
		err = xlsx.Render(w, d)
	case FormatPDF:
		err = pdf.Render(w, d)
	default:
		_, err = ParseDocumentFormat(format)
		return err
	}
	if err != nil {
		e := kc.Errorf(kc.EInternal, "reportcli.err_render", format)
		e.Err = err
		return e
	}
	return nil
}

// PeriodDocument builds the period report of req and composes its
// document: the one call behind `report period` and /reports.
func (a *App) PeriodDocument(ctx context.Context, req ReportRequest) (*report.Dataset, report.Document, error) {
	ds, err := a.PeriodReport(ctx, req)
	if err != nil {
		return nil, report.Document{}, err
	}
	d, err := a.ReportDocument(ctx, ds, false)
	return ds, d, err
}

// AnnualDocument builds the annual report of year for unitCode and
// composes its document.
func (a *App) AnnualDocument(ctx context.Context, year int, unitCode string) (*report.Dataset, report.Document, error) {
	ds, err := a.AnnualReport(ctx, year, unitCode)
	if err != nil {
		return nil, report.Document{}, err
	}
	d, err := a.ReportDocument(ctx, ds, true)
	return ds, d, err
}

// ProjectIDByCode returns the id of the project with code (case
// insensitive) in the caller's scope, or a field error on "project".
func (a *App) ProjectIDByCode(ctx context.Context, code string) (int64, error) {
	code = strings.TrimSpace(code)
	page, err := a.Projects(ctx, ProjectFilter{Q: code, PerPage: 50})
	if err != nil {
		return 0, err
	}
	for _, r := range page.Rows {
		if strings.EqualFold(r.Code, code) {
			return r.ID, nil
		}
	}
	return 0, kc.FieldError("project", "reportcli.err_project", code)
}

// DocumentFile is a rendered document ready to send: its bytes, media
// type and file name ("<document name>.<format>").
type DocumentFile struct {
	Name        string
	ContentType string
	Data        []byte
}

// RenderDocumentFile renders d in format (DOCX when empty; an unknown
// format is a field error on "format") into memory, so a failure is
// reported before anything is sent.
func RenderDocumentFile(d report.Document, format string) (DocumentFile, error) {
	if format == "" {
		format = FormatDOCX
	}
	format, err := ParseDocumentFormat(format)
	if err != nil {
		return DocumentFile{}, err
	}
	var buf bytes.Buffer
	if err := RenderDocument(&buf, d, format); err != nil {
		return DocumentFile{}, err
	}
	return DocumentFile{Name: d.Name + "." + format, ContentType: DocumentContentType(format), Data: buf.Bytes()}, nil
}
