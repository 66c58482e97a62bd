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
	ID             int64
	Kind           string
	SizeClass      string
	Name           string
	CommuneID      int64 // a unit valid today
	Village        string
	Lat, Lon       float64
	HasLocation    bool
	OwnerName      string
	OwnerGender    string // female | male | ""
	OwnerEthnicity string
	OwnerBirthYear int
	Phone          string // clear or masked in the app; never stored
	PersonalID     string // clear or masked in the app; never stored
	// PhoneSealed and PersonalIDSealed are the forms the database keeps;
	// the application layer seals and opens them.
	PhoneSealed      Sealed
	PersonalIDSealed Sealed
	// PersonalMasked is set when Phone, PersonalID and OwnerEthnicity
	// carry masked values instead of the clear ones.
	PersonalMasked      bool
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
	// Flags keeps only the establishments that have every flag listed
	// (FlagTraditionalCraft, FlagCraftVillage, FlagWomenOwned,
	// FlagEthnicMinorityOwned).
	Flags  []string
	Offset int
	Limit  int
	// CountCap, when > 0, lets the store stop counting a name search at
	// CountCap+1 matches: a total above CountCap means "more than
	// CountCap" (an exact count of a common word over the whole country
	// costs more than the page itself).
	CountCap int
}

// Establishment flags a list can be filtered by.
const (
	FlagTraditionalCraft    = "traditional_craft"     // nghề truyền thống
	FlagCraftVillage        = "craft_village"         // thuộc làng nghề
	FlagWomenOwned          = "women_owned"           // chủ là nữ
	FlagEthnicMinorityOwned = "ethnic_minority_owned" // chủ là người DTTS
)

// EstablishmentFlags lists the flags in display order.
var EstablishmentFlags = []string{FlagTraditionalCraft, FlagCraftVillage, FlagWomenOwned, FlagEthnicMinorityOwned}

// EstablishmentUpdate carries the editable fields; nil means unchanged.
// Version, when not zero, is the version the caller read: the update fails
// with EConflict if someone changed the establishment since.
//
// Phone and PersonalID are the clear input of the app; the store writes
// only PhoneSealed and PersonalIDSealed, which the app derives from them.
type EstablishmentUpdate struct {
	Version             int
	Name                *string
	Village             *string
	Kind                *string
	MainProducts        *string
	Notes               *string
	SizeClass           *string
	CommuneID           *int64
	Location            *Location // a nil Location inside means "no coordinates"
	OwnerName           *string
	OwnerGender         *string
	OwnerEthnicity      *string
	OwnerBirthYear      *int
	Phone               *string
	PersonalID          *string
	PhoneSealed         *Sealed
	PersonalIDSealed    *Sealed
	WomenOwned          *bool
	EthnicMinorityOwned *bool
	FoundedYear         *int
	RegistrationNo      *string
	RegistrationDate    *Date
	TraditionalCraft    *bool
	CraftVillage        *bool
	Artisan             *string
	TradeIDs            *[]int64
}

// ApplyTo sets the fields of e that u changes, as the store would write
// them, apart from the personal values (Phone, PersonalID and their sealed
// forms), the version and the timestamps.
func (u EstablishmentUpdate) ApplyTo(e *Establishment) {
	setS := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	setB := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	setI := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	setS(&e.Name, u.Name)
	setS(&e.Village, u.Village)
	setS(&e.Kind, u.Kind)
	setS(&e.MainProducts, u.MainProducts)
	setS(&e.Notes, u.Notes)
	setS(&e.SizeClass, u.SizeClass)
	setS(&e.OwnerName, u.OwnerName)
	setS(&e.OwnerGender, u.OwnerGender)
	setS(&e.OwnerEthnicity, u.OwnerEthnicity)
	setS(&e.RegistrationNo, u.RegistrationNo)
	setS(&e.Artisan, u.Artisan)
	setI(&e.OwnerBirthYear, u.OwnerBirthYear)
	setI(&e.FoundedYear, u.FoundedYear)
	setB(&e.WomenOwned, u.WomenOwned)
	setB(&e.EthnicMinorityOwned, u.EthnicMinorityOwned)
	setB(&e.TraditionalCraft, u.TraditionalCraft)
	setB(&e.CraftVillage, u.CraftVillage)
	if u.CommuneID != nil {
		e.CommuneID = *u.CommuneID
	}
	if u.RegistrationDate != nil {
		e.RegistrationDate = *u.RegistrationDate
	}
	if u.Location != nil {
		e.HasLocation, e.Lat, e.Lon = u.Location.Set, u.Location.Lat, u.Location.Lon
		if !u.Location.Set {
			e.Lat, e.Lon = 0, 0
		}
	}
	if u.TradeIDs != nil {
		e.TradeIDs = append([]int64(nil), (*u.TradeIDs)...)
	}
}

// Location is an optional pair of coordinates; Set false clears them.
type Location struct {
	Set      bool
	Lat, Lon float64
}

// Sealed is a personal value as the database keeps it: the ciphertext
// (nil when there is no value) and the keyed hash of the normalised value
// used to find duplicates.
type Sealed struct {
	Enc  []byte
	Hash string
}

// IsZero reports whether no value is sealed.
func (s Sealed) IsZero() bool { return len(s.Enc) == 0 && s.Hash == "" }

// Artisan titles (danh hiệu nghệ nhân).
const (
	ArtisanNone        = "none"
	ArtisanFolk        = "folk"        // nghệ nhân dân gian
	ArtisanMeritorious = "meritorious" // nghệ nhân ưu tú
)

// ArtisanTitles lists the artisan values of an establishment.
var ArtisanTitles = []string{ArtisanNone, ArtisanFolk, ArtisanMeritorious}

// Certificate kinds.
const (
	CertTypicalProduct = "typical_product" // sản phẩm CNNT tiêu biểu
	CertOCOP           = "ocop"            // OCOP
)

// Certificate is a recognition of an establishment's product: a typical
// rural industrial product at some level, or OCOP stars.
type Certificate struct {
	ID              int64
	EstablishmentID int64
	Kind            string // typical_product | ocop
	Level           string // district | province | region | national
	Stars           int    // OCOP 3..5, 0 otherwise
	Product         string
	Number          string
	Year            int
	ValidUntil      Date
}

// Licence is a permit held by an establishment, such as a craft liquor
// production licence.
type Licence struct {
	ID              int64
	EstablishmentID int64
	Kind            string
	Number          string
	Issuer          string
	IssuedOn        Date
	ValidUntil      Date
}

// ArtisanRecord is a person of an establishment recognised as an artisan.
type ArtisanRecord struct {
	ID              int64
	EstablishmentID int64
	Name            string
	Title           string // folk | meritorious | people (nghệ nhân nhân dân)
	RecognisedYear  int
}

// Duplicates are the ids of establishments that look like the same
// producer, by the rule that matched.
type Duplicates struct {
	SameName       []int64 // same folded name in the same commune
	SamePhone      []int64
	SamePersonalID []int64
}

// Empty reports whether no duplicate was found.
func (d Duplicates) Empty() bool {
	return len(d.SameName) == 0 && len(d.SamePhone) == 0 && len(d.SamePersonalID) == 0
}
