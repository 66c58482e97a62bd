package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"khuyencong/internal/kc"
)

// The dataset scales.
const (
	ScaleDistrict = "district"
	ScaleProvince = "province"
	ScaleNational = "national"
)

// Scales lists the scales in size order.
var Scales = []string{ScaleDistrict, ScaleProvince, ScaleNational}

// Default sizes of the generated scales (establishments).
const (
	ProvinceEstablishments = 20_000
	NationalEstablishments = 1_000_000
)

// Outreach session kinds (hình thức tuyên truyền), as kc names them.
const (
	SessionVillageMeeting    = kc.SessionVillageMeeting
	SessionCommuneConference = kc.SessionCommuneConference
	SessionLoudspeaker       = kc.SessionLoudspeaker
	SessionLeaflet           = kc.SessionLeafletRound
	SessionRadio             = kc.SessionRadio
	SessionGroupMessage      = kc.SessionGroupMessage
	SessionDoorToDoor        = kc.SessionDoorToDoor
	SessionFairStand         = kc.SessionFairStand
)

// Establishment is a generated establishment. ID is its sequence number in
// the dataset (from 1); the EstablishmentID of its facts and certificates
// carries the same number. TradeCodes name trades of the catalogue, the
// primary first.
type Establishment struct {
	kc.Establishment
	TradeCodes []string
	Facts      []kc.EstablishmentFact
	// Certificates are the product recognitions it holds (typical rural
	// industrial product at some level, OCOP stars).
	Certificates []kc.Certificate
}

// Project is a generated project. ID is its sequence number, Beneficiaries
// are establishment sequence numbers, CommuneID is the unit valid when the
// project was registered, and SchemeCode names the scheme whose version in
// force on the decision date (registration date when not decided) applies.
type Project struct {
	kc.Project
	SchemeCode string
}

// Batch is a slice of a dataset. Projects only name establishments of the
// same or earlier batches.
type Batch struct {
	Establishments []Establishment
	Projects       []Project
	// Campaigns carry their sequence number (from 1) as ID. Sessions do
	// when attendance names them (the district demo), and are 0 otherwise
	// (the scale generator); CampaignID is a campaign's sequence number.
	Campaigns []kc.Campaign
	Sessions  []kc.OutreachSession
	// Attendance names sessions and establishments by sequence number;
	// phones are in clear, for the loader to seal.
	Attendance []kc.Attendance
	SelfChecks []SelfCheck
	Needs      []Need
}

// SelfCheck is one public self-check answered (no personal data): the
// commune in force asked about, the trade, the day, and whether it came
// through a leaflet's QR link.
type SelfCheck struct {
	CommuneID int64
	Trade     string
	On        kc.Date
	ViaQR     bool
}

// Need is a need request from the public (đăng ký nhu cầu hỗ trợ) with
// what the commune officer did with it. Phone is in clear, for the loader
// to seal; EstablishmentID is the sequence number of the linked
// establishment (0: none); Status is a need status of the store (new,
// handling, answered, closed).
type Need struct {
	TrackingCode string
	Name, Phone  string
	CommuneID    int64
	Trade        string
	Text         string
	Status       string
	Answer       string
	// EstablishmentID is the linked establishment's sequence number.
	EstablishmentID      int64
	CreatedAt, UpdatedAt time.Time
}

// Source of demo facts.
const factSource = "demo"

// newRand returns the generator's random source for a seed and a stream,
// so that each part of a dataset is reproducible on its own.
func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x6b687579656e636f^stream))
}

// pick returns one element of s.
func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// weighted returns an index drawn with the given weights.
func weighted(r *rand.Rand, w []int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	n := r.IntN(total)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}

// between returns a uniform integer in [lo, hi].
func between(r *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// roundMillion rounds an amount in đồng down to whole million đồng, as
// budget documents do.
func roundMillion(v int64) int64 { return v / 1_000_000 * 1_000_000 }

// dayIn returns a day of year y between month lo and month hi (inclusive),
// never after today.
func dayIn(r *rand.Rand, y, lo, hi int, today kc.Date) kc.Date {
	start := kc.NewDate(y, time.Month(lo), 1)
	end := kc.NewDate(y, time.Month(hi)+1, 1).AddDays(-1)
	span := int(end.Time().Sub(start.Time()).Hours()/24) + 1
	d := start.AddDays(r.IntN(span))
	if d.After(today) {
		d = today
	}
	return d
}

// Stats counts the rows of a dataset.
type Stats struct {
	Establishments int
	Facts          int
	Certificates   int
	Projects       int
	Sessions       int
}

// Add counts a batch.
func (s *Stats) Add(b *Batch) {
	s.Establishments += len(b.Establishments)
	s.Projects += len(b.Projects)
	s.Sessions += len(b.Sessions)
	for _, e := range b.Establishments {
		s.Facts += len(e.Facts)
		s.Certificates += len(e.Certificates)
	}
}

// String formats the counts for logs.
func (s Stats) String() string {
	return fmt.Sprintf("%d establishments, %d yearly facts, %d certificates, %d projects, %d outreach sessions", s.Establishments, s.Facts, s.Certificates, s.Projects, s.Sessions)
}
