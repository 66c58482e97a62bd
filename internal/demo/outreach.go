package demo

import (
	"fmt"
	"slices"
	"time"

	"khuyencong/internal/kc"
)

// CampaignTitle is the title of the district demo's outreach campaign of
// PlanYear.
var CampaignTitle = fmt.Sprintf("Tuyên truyền chính sách khuyến công năm %d", PlanYear)

// CampaignSchemes are the schemes the PlanYear campaign promotes.
var CampaignSchemes = []string{SchemeMachinery, SchemeTraining, SchemeDigital, SchemeBrand}

// Need statuses as the store names them.
const (
	needNew      = "new"
	needHandling = "handling"
	needAnswered = "answered"
	needClosed   = "closed"
)

// campaignSession is one session of the PlanYear campaign: where (former
// commune and index of its village), what, and when (month, day; a day
// after today makes it planned).
type campaignSession struct {
	old        string
	village    int
	kind       string
	month, day int
	note       string
}

// campaignSessions are the PlanYear campaign's sessions: held in the
// communes around the former district centre (Krông Klang, Đa Krông, Bản
// Đá Bàn, Ba Lòng) from February to November, one door-to-door round in
// former Ba Nang; the remote villages only appear in December, planned.
var campaignSessions = []campaignSession{
	{"19555", 0, SessionCommuneConference, 2, 26, "Hội nghị triển khai chính sách khuyến công mới tại xã Hướng Hiệp."},
	{"19564", 0, SessionCommuneConference, 3, 5, "Hội nghị triển khai tại xã Đakrông."},
	{"19567", 0, SessionCommuneConference, 3, 12, "Hội nghị triển khai tại xã Ba Lòng."},
	{"19555", 1, SessionLoudspeaker, 3, 20, "Phát trên loa truyền thanh khóm 3 buổi sáng."},
	{"19576", 0, SessionVillageMeeting, 4, 9, "Họp bản về OCOP và bán hàng trên sàn thương mại điện tử."},
	{"19564", 1, SessionVillageMeeting, 4, 22, ""},
	{"19561", 0, SessionVillageMeeting, 5, 7, ""},
	{"19570", 1, SessionVillageMeeting, 5, 21, ""},
	{"19555", 2, SessionGroupMessage, 6, 3, "Tin nhắn nhóm Zalo \"Cơ sở sản xuất xã Hướng Hiệp\", kèm tờ rơi."},
	{"19564", 0, SessionLoudspeaker, 6, 17, ""},
	{"19558", 0, SessionVillageMeeting, 7, 8, ""},
	{"19564", 2, SessionGroupMessage, 7, 15, "Tin nhắn nhóm Zalo \"Hộ sản xuất xã Đakrông\", kèm đường dẫn tự kiểm tra."},
	{"19576", 2, SessionDoorToDoor, 8, 12, "Đến từng hộ cùng trưởng thôn."},
	{"19567", 1, SessionLoudspeaker, 9, 9, ""},
	{"19555", 0, SessionFairStand, 10, 10, "Gian hàng giới thiệu chính sách tại phiên chợ sản phẩm nông thôn của xã."},
	{"19570", 2, SessionDoorToDoor, 10, 22, ""},
	{"19564", 1, SessionLeaflet, 11, 4, "Phát tờ rơi đến từng hộ."},
	{"19561", 1, SessionVillageMeeting, 11, 18, ""},
	// Planned: the first rounds in the remote villages.
	{"19579", 1, SessionVillageMeeting, 12, 8, "Dự kiến họp thôn có phiên dịch tiếng Vân Kiều."},
	{"19585", 0, SessionVillageMeeting, 12, 15, "Dự kiến họp thôn có phiên dịch tiếng Pa Kô."},
	{"19582", 0, SessionLeaflet, 12, 18, "Dự kiến phát tờ rơi tại thôn."},
}

// sessionCost is the cost (đồng) and the officers' half days of a session
// of a kind.
func sessionCost(kind string) (int64, int) {
	switch kind {
	case SessionCommuneConference:
		return 3_500_000, 3
	case SessionVillageMeeting:
		return 1_500_000, 2
	case SessionDoorToDoor:
		return 800_000, 4
	case SessionFairStand:
		return 5_000_000, 4
	case SessionLeaflet:
		return 600_000, 2
	case SessionLoudspeaker:
		return 300_000, 1
	}
	return 0, 1 // group messages cost nothing but time
}

// outreach completes the outreach story on its own random stream (the
// rest of the dataset does not move): phones for the producers (most
// near the centre, few in the remote villages), the attendance of every
// session, the PlanYear campaign, and what followed it (self-checks
// answered, need requests registered). Sessions get their sequence
// numbers as IDs.
func (g *district) outreach(seed int64) {
	saved := g.r
	g.r = newRand(seed, 5)
	defer func() { g.r = saved }()
	g.phones()
	g.campaign()
	for i := range g.out.Sessions {
		g.out.Sessions[i].ID = int64(i + 1)
	}
	for i := range g.out.Sessions {
		g.attend(i)
	}
	g.followUp()
}

// phones gives producers a phone number on record: about three in four
// among Kinh owners near the centre, one in four or five in the
// ethnic-minority villages.
func (g *district) phones() {
	seen := map[string]bool{}
	for i := range g.out.Establishments {
		e := &g.out.Establishments[i]
		pct := 80 - placeOf(g.oldOf[e.ID]).ethnic*60/100
		if e.Phone != "" || g.r.IntN(100) >= pct {
			continue
		}
		e.Phone = g.phone(seen)
	}
}

// phone returns a mobile number not handed out yet.
func (g *district) phone(seen map[string]bool) string {
	for {
		p := fmt.Sprintf("%s%08d", pick(g.r, []string{"09", "08", "03", "07"}), g.r.IntN(100_000_000))
		if !seen[p] {
			seen[p] = true
			return p
		}
	}
}

// campaign writes the PlanYear campaign and its sessions.
func (g *district) campaign() {
	y := PlanYear
	if y > g.today.Year() {
		return
	}
	unit := g.u.Province
	if unit == 0 {
		unit = g.u.Current["19564"]
	}
	var budget int64
	first := len(g.out.Sessions)
	for _, cs := range campaignSessions {
		pl := placeOf(cs.old)
		day := kc.NewDate(y, time.Month(cs.month), cs.day)
		status := kc.SessionHeld
		if day.After(g.today) {
			status = kc.SessionPlanned
		}
		cost, halfDays := sessionCost(cs.kind)
		budget += cost
		s := kc.OutreachSession{CampaignID: 1, Kind: cs.kind, Status: status, CommuneID: g.commune(cs.old, day), Village: pl.villages[cs.village], HeldOn: day,
			Cost: cost, StaffHalfDays: halfDays, Staff: "Trung tâm Khuyến công tỉnh; cán bộ Phòng Kinh tế xã", Language: "vi",
			Materials: "Tờ rơi chính sách khuyến công năm " + fmt.Sprint(y) + " (mã QR tự kiểm tra)", Notes: cs.note, Demo: true}
		if pl.ethnic >= 75 && (cs.kind == SessionVillageMeeting || cs.kind == SessionDoorToDoor) {
			s.Language, s.Interpreter = "Vân Kiều", true
		}
		if status == kc.SessionPlanned {
			s.Cost = 0 // not spent yet
		}
		switch cs.kind {
		case SessionLoudspeaker:
			s.Attendees = between(g.r, 60, 150) // households within earshot
		case SessionLeaflet:
			s.Attendees = between(g.r, 40, 90) // leaflets handed out
		case SessionCommuneConference:
			s.Attendees = between(g.r, 40, 70)
		default:
			s.Attendees = between(g.r, 12, 35)
		}
		if status == kc.SessionPlanned {
			s.Attendees = 0
		}
		g.out.Sessions = append(g.out.Sessions, s)
		g.sessionOld = append(g.sessionOld, cs.old)
	}
	if len(g.out.Sessions) == first {
		return
	}
	g.out.Campaigns = append(g.out.Campaigns, kc.Campaign{ID: 1, Title: CampaignTitle,
		Topic:    "Chính sách khuyến công mới: hỗ trợ máy móc thiết bị, dạy nghề, xây dựng nhãn hiệu và bán hàng trên mạng cho cơ sở công nghiệp nông thôn",
		UnitID:   unit,
		StartsOn: kc.NewDate(y, 2, 1), EndsOn: kc.NewDate(y, 12, 31), Budget: roundMillion(budget*120/100) + 5_000_000, SchemeCodes: slices.Clone(CampaignSchemes),
		Notes: "Dữ liệu mẫu hư cấu. Các buổi tập trung ở các xã gần trung tâm huyện cũ; các thôn vùng sâu (Tà Long, Húc Nghì, A Vao) mới có kế hoạch trong tháng 12.",
		Demo:  true})
}

// attend writes the attendance of session i: the registered producers
// of its village a meeting or door-to-door round met (never more than
// exist there), those of the former commune a conference invited, the
// members of a group message (those with a phone), and sometimes new
// producers met, half of them added to the registry on the spot. Village-
// wide sessions (loudspeakers, leaflet rounds) and radio name nobody.
func (g *district) attend(i int) {
	s := &g.out.Sessions[i]
	if s.Status != kc.SessionHeld {
		return
	}
	old := g.sessionOld[i]
	var lo, hi int
	wholeCommune, phoneOnly := false, false
	switch s.Kind {
	case SessionVillageMeeting:
		lo, hi = 3, 8
	case SessionDoorToDoor:
		lo, hi = 4, 10
	case SessionCommuneConference:
		lo, hi, wholeCommune = 5, 12, true
	case SessionFairStand:
		lo, hi, wholeCommune = 1, 3, true
	case SessionGroupMessage:
		lo, hi, wholeCommune, phoneOnly = 8, 20, true, true
	default:
		return
	}
	var pool []int64
	for _, e := range g.out.Establishments {
		if g.oldOf[e.ID] != old || e.FoundedYear > s.HeldOn.Year() || (!wholeCommune && e.Village != s.Village) || (phoneOnly && e.Phone == "") {
			continue
		}
		pool = append(pool, e.ID)
	}
	g.r.Shuffle(len(pool), func(a, b int) { pool[a], pool[b] = pool[b], pool[a] })
	named := pool[:min(len(pool), between(g.r, lo, hi))]
	slices.Sort(named)
	for _, seq := range named {
		g.out.Attendance = append(g.out.Attendance, kc.Attendance{SessionID: s.ID, EstablishmentID: seq})
	}
	met := 0
	if s.Kind != SessionGroupMessage && s.HeldOn.Year() >= PlanYear-1 && g.r.IntN(100) < 45 {
		met = between(g.r, 1, 2)
	}
	for range met {
		g.newProducer(s, old)
	}
	s.Attendees = max(s.Attendees, len(named)+met)
}

// newProducer records a producer met at session s who is not in the
// registry yet; half are added on the spot.
func (g *district) newProducer(s *kc.OutreachSession, old string) {
	pl := placeOf(old)
	var local []string
	for _, dt := range districtTrades {
		if dt.counts[old] > 0 {
			local = append(local, dt.trade)
		}
	}
	trade := pick(g.r, local)
	o := g.owner(pl, trades[trade].women)
	a := kc.Attendance{SessionID: s.ID, NewProducer: true, Name: o.name, Trade: trade}
	if g.r.IntN(100) < 80-pl.ethnic*60/100 {
		a.Phone = fmt.Sprintf("09%08d", g.r.IntN(100_000_000))
	}
	if g.r.IntN(2) == 0 {
		village := s.Village
		if !slices.Contains(pl.villages, village) {
			village = pick(g.r, pl.villages)
		}
		e := g.base(kc.KindHousehold, pl, o, village, between(g.r, 2005, s.HeldOn.Year()-1))
		e.Name = establishmentName(g.r, e.Kind, trade, o, village, pl.name, 0)
		e.Phone = a.Phone
		e.Notes = fmt.Sprintf("Dữ liệu mẫu hư cấu (xã %s cũ). Gặp tại buổi tuyên truyền ngày %s, thêm vào danh sách tại chỗ.", pl.name, s.HeldOn.Time().Format("02/01/2006"))
		a.EstablishmentID = g.add("", e, trade, factPlan{workers: between(g.r, 1, 3)}, old)
	}
	g.out.Attendance = append(g.out.Attendance, a)
}

// needTexts are what producers of a trade ask for.
var needTexts = map[string]string{
	TradeMechanics: "Cần hỗ trợ mua máy hàn, máy cắt để làm thêm cửa sắt, nông cụ.",
	TradeCarpentry: "Muốn được hỗ trợ máy bào, máy cưa để làm đồ mộc dân dụng.",
	TradeRiceWine:  "Cần hỗ trợ thiết bị chưng cất và in nhãn chai rượu men lá.",
	TradeBasketry:  "Muốn học thêm mẫu đan mới và tìm nơi bán gùi, giỏ mây.",
	TradeAgriProc:  "Cần máy sấy, máy thái lát để sơ chế chuối, sắn.",
	TradeGarment:   "Xin hỗ trợ máy may công nghiệp, máy vắt sổ.",
	TradeMilling:   "Cần máy xay xát mới thay máy cũ hay hỏng.",
	TradeBrocade:   "Muốn bán thổ cẩm trên mạng, cần người hướng dẫn.",
	TradeIce:       "Cần hỗ trợ máy làm đá viên.",
	TradeBricks:    "Cần hỗ trợ máy ép gạch không nung.",
}

// needAnswers are the officer's answers, by status.
var needAnswers = map[string]string{
	needAnswered: "Xã đã hướng dẫn cơ sở lập hồ sơ đề nghị hỗ trợ; cán bộ sẽ đến khảo sát.",
	needClosed:   "Cơ sở đã lập đề án đề nghị hỗ trợ, đang chờ thẩm định.",
}

// followUp writes what followed the PlanYear sessions: self-checks
// answered in the weeks after each held session of the campaign (a good
// share through the leaflet's QR code), a few self-checks from elsewhere,
// and need requests from producers met, at every stage of handling.
func (g *district) followUp() {
	if len(g.out.Campaigns) == 0 {
		return
	}
	codes := map[string]bool{}
	attendees := map[int64][]int64{} // session id → registered producers named
	for _, a := range g.out.Attendance {
		if a.EstablishmentID != 0 {
			attendees[a.SessionID] = append(attendees[a.SessionID], a.EstablishmentID)
		}
	}
	for i, s := range g.out.Sessions {
		if s.CampaignID == 0 || s.Status != kc.SessionHeld {
			continue
		}
		pl := placeOf(g.sessionOld[i])
		qr := s.Kind == SessionLeaflet || s.Kind == SessionGroupMessage || s.Kind == SessionVillageMeeting || s.Kind == SessionCommuneConference
		for range between(g.r, 1, 5) {
			day := s.HeldOn.AddDays(between(g.r, 0, 25))
			if day.After(g.today) {
				continue
			}
			trade := ""
			if ids := attendees[s.ID]; len(ids) > 0 {
				trade = g.out.Establishments[pick(g.r, ids)-1].TradeCodes[0]
			}
			g.out.SelfChecks = append(g.out.SelfChecks, SelfCheck{CommuneID: g.u.Current[pl.cur], Trade: trade, On: day, ViaQR: qr && g.r.IntN(100) < 60})
		}
		ids := attendees[s.ID]
		if len(ids) == 0 {
			continue
		}
		e := g.out.Establishments[pick(g.r, ids)-1]
		created := s.HeldOn.AddDays(between(g.r, 2, 20))
		if created.After(g.today) {
			created = g.today
		}
		age := int(g.today.Time().Sub(created.Time()).Hours() / 24)
		status := needNew
		switch {
		case age > 90:
			status = pick(g.r, []string{needClosed, needAnswered})
		case age > 30:
			status = pick(g.r, []string{needAnswered, needHandling})
		case age > 7:
			status = pick(g.r, []string{needHandling, needNew})
		}
		n := Need{TrackingCode: g.trackingCode(codes), Name: e.OwnerName, Phone: e.Phone, CommuneID: e.CommuneID, Trade: e.TradeCodes[0],
			Text: needTexts[e.TradeCodes[0]], Status: status, Answer: needAnswers[status]}
		if n.Phone == "" {
			n.Phone = fmt.Sprintf("03%08d", g.r.IntN(100_000_000))
		}
		if status == needAnswered || status == needClosed {
			n.EstablishmentID = e.ID
		}
		n.CreatedAt = created.Time().Add(time.Duration(between(g.r, 1, 10)) * time.Hour)
		n.UpdatedAt = n.CreatedAt
		if status != needNew {
			n.UpdatedAt = n.CreatedAt.Add(time.Duration(between(g.r, 1, min(age, 20))*24) * time.Hour)
		}
		g.out.Needs = append(g.out.Needs, n)
	}
	// A few self-checks from communes the campaign did not visit (a link
	// passed on by relatives), none through a leaflet.
	for range 4 {
		pl := placeOf(pick(g.r, []string{"19591", "19594", "19588"}))
		day := kc.NewDate(PlanYear, time.Month(between(g.r, 3, 10)), between(g.r, 1, 28))
		if !day.After(g.today) {
			g.out.SelfChecks = append(g.out.SelfChecks, SelfCheck{CommuneID: g.u.Current[pl.cur], On: day})
		}
	}
	slices.SortStableFunc(g.out.SelfChecks, func(a, b SelfCheck) int { return a.On.Time().Compare(b.On.Time()) })
	slices.SortStableFunc(g.out.Needs, func(a, b Need) int { return a.CreatedAt.Compare(b.CreatedAt) })
}

// trackingCode returns a tracking code in the app's form ("NC-" and 8
// characters without look-alikes) not handed out yet.
func (g *district) trackingCode(seen map[string]bool) string {
	const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	for {
		b := make([]byte, 8)
		for i := range b {
			b[i] = alphabet[g.r.IntN(len(alphabet))]
		}
		c := "NC-" + string(b)
		if !seen[c] {
			seen[c] = true
			return c
		}
	}
}
