package kc

import "time"

// Establishment kinds (loại hình cơ sở CNNT).
const (
	KindHouseholdBusiness = "household_business" // hộ kinh doanh
	KindHousehold         = "household"          // hộ sản xuất chưa đăng ký
	KindCoopGroup         = "coop_group"         // tổ hợp tác
	KindCooperative       = "cooperative"        // hợp tác xã
	KindCoopUnion         = "coop_union"         // liên hiệp hợp tác xã
	KindEnterprise        = "enterprise"         // doanh nghiệp nhỏ và vừa
)

// EstablishmentKinds lists the kinds in display order.
var EstablishmentKinds = []string{KindHouseholdBusiness, KindHousehold, KindCoopGroup, KindCooperative, KindCoopUnion, KindEnterprise}

// Size classes of enterprises (NĐ 80/2021).
const (
	SizeMicro  = "micro"
	SizeSmall  = "small"
	SizeMedium = "medium"
)

// Trade is a craft or industry in the catalogue (ngành nghề).
type Trade struct {
	ID          int64
	Code        string
	Name        string
	VSIC        string
	Traditional bool
}

// Establishment is a rural industrial establishment (cơ sở công nghiệp nông
// thôn). Phone and PersonalID are personal data: the store keeps them
// encrypted, and the application layer masks them by role.
type Establishment struct {
	ID                  int64
	Kind                string
	SizeClass           string
	Name                string
	CommuneID           int64 // a unit valid today
	Village             string
	Lat, Lon            float64
	HasLocation         bool
	OwnerName           string
	OwnerGender         string // female | male | ""
	OwnerEthnicity      string
	OwnerBirthYear      int
	Phone               string
	PersonalID          string
	WomenOwned          bool
	EthnicMinorityOwned bool
	FoundedYear         int
	RegistrationNo      string
	RegistrationDate    Date
	TraditionalCraft    bool
	CraftVillage        bool
	Artisan             string // none | folk | meritorious
	MainProducts        string
	Notes               string
	Demo                bool    // part of the fictional demo dataset
	TradeIDs            []int64 // the first is the primary trade
	Version             int     // optimistic-locking version, raised by every update
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// EstablishmentFact is one year of facts about an establishment.
type EstablishmentFact struct {
	EstablishmentID       int64
	Year                  int
	Workers               int
	WomenWorkers          int
	EthnicMinorityWorkers int
	Revenue               int64  // đồng
	Capital               int64  // đồng
	AvgIncome             int64  // đồng per worker per month
	Source                string // survey | import | follow_up | demo
}

// EstablishmentFilter selects establishments. CommuneIDs restricts to those
// communes (the caller's scope); nil means no restriction.
type EstablishmentFilter struct {
	Query      string
	CommuneIDs []int64
	Kind       string
	TradeID    int64
	Offset     int
	Limit      int
}

// EstablishmentUpdate carries the editable fields; nil means unchanged.
// Version, when not zero, is the version the caller read: the update fails
// with EConflict if someone changed the establishment since.
type EstablishmentUpdate struct {
	Version      int
	Name         *string
	Village      *string
	Kind         *string
	MainProducts *string
	Notes        *string
}
