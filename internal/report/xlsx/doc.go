// Package xlsx writes a report.Document as an Excel workbook: a first
// sheet with the document's header and its text in reading order (each
// table or chart replaced by a link to its sheet), one sheet per table
// with real numbers, number formats, frozen header and autofilter, and
// native Excel charts whose series point at the table cells.
//
// xlsx imports report, vi, locale (for the few words it adds, such as the
// "see sheet" link) and excelize only; never the store, app or web
// packages.
package xlsx
