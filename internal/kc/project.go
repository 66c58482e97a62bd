package kc

import "time"

// Content areas of NĐ 45/2012 Art. 4 (CA1…CA9) and those added by
// NĐ 235/2025 (digital transformation, sustainable production, artisans).
// The catalogue itself is data in the content_area table.
const (
	ContentTraining      = "CA1"
	ContentCapacity      = "CA2"
	ContentDemoTech      = "CA3"
	ContentProducts      = "CA4"
	ContentConsulting    = "CA5"
	ContentOutreach      = "CA6"
	ContentClusters      = "CA7"
	ContentInternational = "CA8"
	ContentManagement    = "CA9"
)

// Funding sources of a project.
const (
	SourceNational    = "national"
	SourceProvincial  = "provincial"
	SourceDistrict    = "district"
	SourceCommune     = "commune"
	SourceCounterpart = "counterpart"
	SourceOther       = "other"
)

// FundingSources lists the sources in display order.
var FundingSources = []string{SourceNational, SourceProvincial, SourceDistrict, SourceCommune, SourceCounterpart, SourceOther}

// Project states (DESIGN §3, domain §4.2).
const (
	StateDraft       = "draft"
	StateRegistered  = "registered"
	StateAppraised   = "appraised"
	StateApproved    = "approved"
	StateInProgress  = "in_progress"
	StateAccepted    = "accepted"
	StateSettled     = "settled"
	StateClosed      = "closed"
	StateRejected    = "rejected"
	StateWithdrawn   = "withdrawn"
	StateStopped     = "stopped"
	StateCarriedOver = "carried_over"
	StateCancelled   = "cancelled"
)

// Project is a khuyến công project (đề án). CommuneID is the unit as it was
// when the project was registered; SchemeID pins the scheme version.
type Project struct {
	ID              int64
	Code            string
	Title           string
	Year            int
	Level           string // national | local
	SchemeID        int64
	ContentArea     string
	ImplementingOrg string
	CommuneID       int64
	State           string
	RegisteredOn    Date
	DecidedOn       Date
	DecisionNo      string
	AcceptedOn      Date
	SettledOn       Date
	AppraisedOn     Date
	ClosedOn        Date
	// StartsOn and EndsOn are the planned schedule of the work.
	StartsOn Date
	EndsOn   Date
	// Group marks a group project (TT 36 Art. 10): several beneficiaries,
	// which may be fixed after approval.
	Group bool
	// ExpectedJobs and PriorityPoints are what the proposal promises and
	// the priority criteria it meets; the annual plan's optimiser scores
	// candidates with them.
	ExpectedJobs   int
	PriorityPoints int
	Demo           bool
	RejectReason   string
	CostLines      []CostLine
	Funding        []Funding
	Beneficiaries  []int64 // establishment ids
	Outputs        []Output
	Events         []ProjectEvent
}

// CostLine is one line of a project's cost estimate (TT 36 form 1), in
// đồng. Amount = Quantity × UnitCost.
type CostLine struct {
	Item     string
	Quantity int64
	UnitCost int64
	Amount   int64
}

// Output is one recorded result of a project (kết quả), e.g. trainees,
// trainees_employed, machines, lines, models, brands, jobs.
type Output struct {
	Kind  string
	Value int64
}

// ProjectEvent is one state transition of a project.
type ProjectEvent struct {
	From    string
	To      string
	At      time.Time
	ActorID int64 // 0 = system
	// ActorName is the display name of the account that acted, read
	// with the event ("" for the system).
	ActorName   string
	Note        string
	DocumentRef string
}

// Funding is one funding line of a project, per source, in đồng.
type Funding struct {
	Source   string
	Planned  int64
	Approved int64
	Advanced int64
	Settled  int64
}

// Scheme is a support scheme (nội dung / mức hỗ trợ) valid over a period.
// RateBP and UpliftBP are basis points; Cap is đồng (0 = not set, needs review).
type Scheme struct {
	ID               int64
	Code             string
	Level            string // national | provincial | commune
	ContentArea      string
	Name             string
	LegalBasis       string
	EffectiveFrom    Date
	EffectiveTo      Date
	RateBP           int
	Cap              int64
	UpliftBP         int
	CounterpartMinBP int
	Confirmed        bool
}
