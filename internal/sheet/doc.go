// Package sheet reads the spreadsheets officials actually send and writes
// the ones they get back. It knows the establishment columns (shared by the
// template, the export and the import, so that a round-trip changes
// nothing), matches messy headers to them (case, diacritics, abbreviations
// such as LĐ, DT, SĐT, ĐKKD, unit hints such as "(triệu đồng)"), finds the
// header row under titles, converts text typed in the legacy TCVN3 (ABC) and
// VNI encodings to Unicode NFC, and parses dates, numbers, money, phones,
// personal ID numbers, booleans and enums, reporting every problem with its
// row, column letter, header and field.
//
// Read takes XLSX (through excelize's streaming Rows iterator) and CSV
// (UTF-8 with or without BOM, UTF-16, Windows-1258; "," ";" or tab).
// WriteTemplate, WriteReport, NewXLSXWriter and NewCSVWriter write the
// import template, the error report and streamed exports.
//
// Errors are kc.Error values with Code kc.EInvalid and a "sheet.*" catalog
// key. A cell error has Field set to the column key and Args starting with
// the row number (int), the column letter and the header (strings), then
// the offending text and any detail; CellPosition reads them back.
//
// sheet is pure: it imports kc, vi, golang.org/x/text and excelize, never
// store, app or an edge package. Commune lookups and duplicate detection
// need the database and belong to the app layer.
package sheet
