// Package docx writes a report.Document as a Word (.docx, Office Open
// XML) file in the administrative layout of Decree 30/2020/NĐ-CP: A4
// portrait, Times New Roman, the issuing body beside the national title
// and motto, page numbers centred in the top margin from page 2 on, and
// the recipients beside the signature.
//
// It is a thin writer of its own: page setup, styles and headers are
// embedded reference parts (reference/*.xml), and only word/document.xml,
// its relationships, docProps/core.xml and the chart images are generated.
// Charts are drawn as PNG by report/chart. Underlines under the issuing
// body, motto and summary are sized with the metrics of Liberation Serif,
// which is metric-compatible with Times New Roman.
//
// docx imports the standard library, report, report/chart, locale, vi and
// its font packages only; it must not import app, store, web or any other
// renderer, and it never touches the database.
package docx
