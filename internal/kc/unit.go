package kc

// Unit levels. A level is data about the unit; since 1 July 2025 there is no
// district level, but district units remain for history.
const (
	LevelProvince = "province"
	LevelDistrict = "district"
	LevelCommune  = "commune"
)

// Succession scopes: the whole old unit went into the new one, or only part.
const (
	SuccessionFull    = "full"
	SuccessionPartial = "partial"
)

// ReformDate is the day the two-tier local government took effect
// (NQ 202/2025/QH15): districts abolished, communes and provinces merged.
var ReformDate = MustDate("2025-07-01")

// Unit is an administrative unit (đơn vị hành chính) valid over a period.
// Codes are reused across the 2025 reform, so a unit is identified by its
// Code together with a date inside [ValidFrom, ValidTo]; ID is the row id.
type Unit struct {
	ID        int64
	Code      string
	Level     string // province | district | commune
	Type      string // Tỉnh, Thành phố, Huyện, Quận, Thị xã, Xã, Phường, Thị trấn, Đặc khu …
	Name      string
	ParentID  int64 // 0 for provinces
	ValidFrom Date
	ValidTo   Date // zero = still in force
	Note      string
}

// ValidOn reports whether the unit exists on day d.
func (u Unit) ValidOn(d Date) bool {
	if !u.ValidFrom.IsZero() && d.Before(u.ValidFrom) {
		return false
	}
	return u.ValidTo.IsZero() || !d.After(u.ValidTo)
}

// Current reports whether the unit is still in force (no end date).
func (u Unit) Current() bool { return u.ValidTo.IsZero() }

// Succession links an old unit to the unit that took over all or part of
// its area on Effective.
type Succession struct {
	FromID    int64
	ToID      int64
	Scope     string // full | partial
	Effective Date
	Basis     string // legal basis, e.g. "NQ 1680/NQ-UBTVQH15"
}

// UnitDetail is a unit with its parent chain (nearest first), the units it
// came from and the units that took it over.
type UnitDetail struct {
	Unit         Unit
	Parents      []Unit
	Predecessors []UnitLink
	Successors   []UnitLink
}

// UnitLink is one side of a succession, with the linked unit spelled out.
type UnitLink struct {
	Unit      Unit
	Scope     string
	Effective Date
}

// UnitFilter selects units for lists and search. Pointer and zero fields
// mean "not set".
type UnitFilter struct {
	Query    string // folded-name search
	On       Date   // only units valid on this day
	Level    string
	ParentID int64
	Code     string
	Offset   int
	Limit    int
}
