// Package sheet reads the spreadsheets officials actually send: it knows
// the establishment columns (shared by the template, the export and the
// import), matches messy headers to them, converts text typed in the legacy
// TCVN3 (ABC) and VNI encodings to Unicode NFC, and parses dates, numbers,
// money with unit hints, phones and personal ID numbers, reporting every
// problem with its row, column and field.
//
// sheet is pure: it imports kc, vi and the standard library (and x/text),
// never store, app or an edge package.
package sheet
