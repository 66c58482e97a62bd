// Package demo generates the fictional demo datasets deterministically
// from a seed: the Đakrông district story of DESIGN §6 and the larger
// province and national datasets used for benchmarks.
//
// The district dataset tells the story of the field report (DESIGN §1):
// rice wine of Đá Bàn and brocade of A Bung revived by small district and
// provincial projects in 2015–2020 (one national project, every output
// kind, some content areas never funded), typical-product certificates,
// outreach concentrated near the district centre with remote communes
// never reached, and today's work in the communes in force (an accepted
// project whose settlement is overdue, next year's proposals).
//
// demo is pure: it imports only kc and vi, never the store, the app or
// anything that touches a database. Unit ids come in as input (the
// application looks them up), and rows go out with sequence numbers that
// the loader turns into database ids. Every establishment, project and
// session is marked Demo; names are invented.
package demo
