package kc

import "time"

// Kinds of outreach session (hình thức tuyên truyền).
const (
	SessionVillageMeeting    = "village_meeting"    // họp thôn
	SessionCommuneConference = "commune_conference" // hội nghị xã
	SessionLoudspeaker       = "loudspeaker"        // loa truyền thanh
	SessionLeafletRound      = "leaflet_round"      // phát tờ rơi
	SessionRadio             = "radio"              // phát thanh, truyền hình
	SessionGroupMessage      = "group_message"      // nhóm Zalo, tin nhắn
	SessionDoorToDoor        = "door_to_door"       // đến từng hộ
	SessionFairStand         = "fair_stand"         // gian hàng hội chợ
)

// SessionKinds lists the outreach session kinds in display order.
var SessionKinds = []string{SessionVillageMeeting, SessionCommuneConference, SessionLoudspeaker,
	SessionLeafletRound, SessionRadio, SessionGroupMessage, SessionDoorToDoor, SessionFairStand}

// VillageWide reports whether a session of this kind reaches every
// registered producer of its village without a list of who was there
// (a loudspeaker broadcast or a leaflet round through the village); the
// other kinds reach those named in their attendance.
func VillageWide(kind string) bool {
	return kind == SessionLoudspeaker || kind == SessionLeafletRound
}

// Statuses of an outreach session: a planned session (from the planner
// or entered ahead) becomes held, with its attendance, or cancelled.
const (
	SessionPlanned   = "planned"
	SessionHeld      = "held"
	SessionCancelled = "cancelled"
)

// Campaign is an outreach campaign (đợt tuyên truyền): a topic, the
// schemes it promotes, a period and a budget, run as sessions.
type Campaign struct {
	ID          int64
	Title       string
	Topic       string
	UnitID      int64 // the province or commune running it
	StartsOn    Date
	EndsOn      Date
	Budget      int64    // đồng
	SchemeCodes []string // the support schemes promoted
	Notes       string
	// PlanNote keeps the planner's explanation when the campaign was saved
	// from a plan; empty otherwise.
	PlanNote  string
	Demo      bool
	CreatedBy int64
	Version   int
	CreatedAt time.Time
}

// OutreachSession is one outreach activity (buổi tuyên truyền).
type OutreachSession struct {
	ID         int64
	CampaignID int64 // 0: not part of a campaign
	Kind       string
	Status     string // SessionPlanned | SessionHeld | SessionCancelled
	CommuneID  int64  // the commune as it was on the day
	Village    string
	HeldOn     Date
	// Attendees is the number of people reached: producers present at a
	// meeting, households visited, or the estimated listeners of a
	// broadcast.
	Attendees int
	Cost      int64 // đồng
	Staff     string
	// StaffHalfDays is the officers' time spent, in half days.
	StaffHalfDays int
	Language      string // "vi" or the ethnic-minority language used
	// Interpreter reports whether an interpreter for an ethnic-minority
	// language took part.
	Interpreter bool
	Materials   string
	Notes       string
	Demo        bool
}

// Attendance is one producer met at a session: a registered establishment
// (EstablishmentID set, NewProducer false), or a new producer (name,
// phone, trade) who may be added to the registry on the spot, after which
// EstablishmentID names the new establishment and NewProducer stays true.
type Attendance struct {
	ID              int64
	SessionID       int64
	EstablishmentID int64
	NewProducer     bool
	Name            string
	Phone           string // clear or masked in the app; never stored
	PhoneSealed     Sealed
	Trade           string
}
