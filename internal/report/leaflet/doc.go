// Package leaflet renders the printable one-page outreach leaflet (tờ
// rơi) for one commune and one trade: a title band, the supports that may
// fit with their amounts and main conditions, the documents to prepare,
// whom to contact, and a QR code (drawn as vector squares, crisp at any
// print size) to the public self-check pre-filled with the commune and
// the trade, on A4 or A5. The text arrives ready to print in a Sheet; the
// renderer only lays it out, shrinking the type step by step until the
// whole leaflet fits on one page. Text is set in the embedded Liberation
// Serif registered by report/pdf; the same Sheet always gives the same
// bytes.
//
// leaflet imports report/pdf (its font helper), vi, fpdf and the QR
// encoder only; never the store, app or web packages.
package leaflet
