// Package chart draws report.Chart values as SVG (for the web pages:
// scalable, readable on a phone) and PNG (for DOCX and PDF documents),
// with Vietnamese labels in an embedded Unicode font (Liberation Sans).
// Values are written the Vietnamese way (1.234,5) on the bars and slices
// or in the legend, so no reading depends on colour alone.
//
// chart imports report, kc, vi, locale (for the "no data" text), its
// chart library (go-analyze/charts) and the Liberation font only; never
// the store, app or web packages.
package chart
