// Package vi handles Vietnamese text: NFC normalisation, folding for
// diacritic-insensitive search (with the explicit đ→d map), collation keys
// for Vietnamese sort order, and formatting of numbers, money and dates as
// Vietnamese officials write them.
//
// vi imports only the standard library and golang.org/x/text; every other
// package may import it.
package vi
