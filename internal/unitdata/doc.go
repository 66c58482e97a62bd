// Package unitdata is the embedded reference list of Vietnam's
// administrative units before and after the 1 July 2025 reform, with the
// old → new succession links, ready to be loaded into the database.
//
// The files under data/ are copied verbatim from the project's shared data
// folder (see data/README.md for sources, the MIT licence notices that must
// be kept, and the corrections made), plus one file of our own:
//
// data/curated.csv holds corrections and additions that the upstream lists
// lack, one per row, with the columns
//
//	kind,level,code,valid_from,valid_to,name,type,parent_code,note,successor_code,scope,effective,basis
//
// kind "unit" adds a unit that the lists do not have (e.g. Xã Hải Phúc
// 19573, merged into Xã Ba Lòng 19570 on 01/01/2020 by NQ 832/NQ-UBTVQH14):
// its parent is the unit with parent_code valid on valid_from, and when
// successor_code is set a succession link goes to the unit with that code
// valid on effective. kind "rename" changes the display name of the unit
// with level, code and valid_from, and records note (used to keep the
// spelling of the source list, e.g. district 467 "Huyện Đa Krông" shown as
// "Huyện Đakrông", the name of its founding decree and of the 2025
// resolution).
//
// Periods: the lists do not record when pre-2025 units came into being, so
// every pre-2025 province, district and commune starts on UnknownStart
// (1900-01-01, read "start not recorded") and ends on 30/06/2025; the 34
// provinces and 3,321 communes in force start on kc.ReformDate
// (01/07/2025) with no end. Successions: each row of the commune mapping
// links an old commune to a new commune (scope full or partial); the five
// island districts without communes link the district to its new commune;
// each pre-2025 province links in full to the province that absorbed it.
//
// unitdata imports only kc, vi and the standard library.
package unitdata
