// Package pdf renders a report.Document as an A4 PDF laid out after
// Decree 30/2020/NĐ-CP (domain reference §9), with the same content and
// layout as the DOCX: the two-column header of page 1, the type and
// summary, legal bases, headings, justified paragraphs with a first-line
// indent, bordered tables whose header row repeats on each page, charts
// drawn by report/chart, the recipients and the signature blocks. Text is
// set in the embedded Liberation Serif (metric-compatible with Times New
// Roman), never in the PDF core fonts, which cannot show Vietnamese. The
// same document always gives the same bytes.
//
// pdf imports report, report/chart, vi, locale, fpdf and the Liberation
// fonts only; never the store, app or web packages.
package pdf
