package outreach

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"khuyencong/internal/kc"
)

var (
	qFrom = kc.MustDate("2027-01-01")
	qTo   = kc.MustDate("2027-03-31")
)

func village(commune int, name string, producers, target, ethnic, phone int) Village {
	return Village{CommuneID: int64(commune), CommuneCode: fmt.Sprintf("C%02d", commune),
		CommuneName: fmt.Sprintf("Xã %d", commune), Village: name, Producers: producers,
		Target: target, TargetEthnic: ethnic, TargetPhone: phone}
}

func request(budget int64, staffDays int, vs ...Village) Request {
	return Request{From: qFrom, To: qTo, StaffDays: staffDays, Budget: budget, Villages: vs, Params: DefaultParams()}
}

func mustMake(t *testing.T, req Request) Plan {
	t.Helper()
	p, err := Make(req)
	if err != nil {
		t.Fatalf("Make: %v", err)
	}
	return p
}

func randomRequest(r *rand.Rand, nVillages, nCommunes int) Request {
	var vs []Village
	for i := 0; i < nVillages; i++ {
		target := r.IntN(20)
		v := village(1+r.IntN(nCommunes), fmt.Sprintf("Thôn %d", i), target+r.IntN(40), target, r.IntN(target+1), r.IntN(target+1))
		if r.IntN(3) == 0 {
			v.MainEthnicity = "Vân Kiều"
		}
		vs = append(vs, v)
	}
	req := request(int64(r.IntN(15))*1_000_000, 1+r.IntN(12), vs...)
	// Short periods too, so that working days bind.
	req.To = req.From.AddDays(r.IntN(30))
	if len(WorkingDays(req.From, req.To)) == 0 {
		req.To = req.From.AddDays(7)
	}
	p := &req.Params
	p.TravelCost = int64(r.IntN(4)) * 400_000
	p.SessionsPerDay = 1 + r.IntN(3)
	return req
}

// checkPlan checks the invariants of a plan against its request.
func checkPlan(t *testing.T, req Request, p Plan) {
	t.Helper()
	if p.Cost > req.Budget || p.HalfDays > req.HalfDayLimit() || p.TripDays > p.WorkingDays {
		t.Fatalf("limits exceeded: cost %d/%d, half days %d/%d, trip days %d/%d",
			p.Cost, req.Budget, p.HalfDays, req.HalfDayLimit(), p.TripDays, p.WorkingDays)
	}
	var cost, travel int64
	half, reached := 0, 0
	seen := map[string]bool{}
	for _, s := range p.Sessions {
		cost += s.Total()
		travel += s.Travel
		half += s.HalfDays
		reached += s.Reached
		if s.Date.Before(req.From) || s.Date.After(req.To) {
			t.Fatalf("session on %s outside the period", s.Date)
		}
		if wd := s.Date.Time().Weekday(); wd == time.Saturday || wd == time.Sunday {
			t.Fatalf("session on a %s", wd)
		}
		k := communeKey(s.Village) + s.Village.Village
		if seen[k] {
			t.Fatalf("two sessions at %s", k)
		}
		seen[k] = true
		if s.Reason.Key != "outreachplan.reason" {
			t.Fatalf("session without reason: %+v", s)
		}
	}
	if cost != p.Cost || half != p.HalfDays || reached != p.Reached || travel != p.Travel {
		t.Fatalf("totals do not add up: %d/%d %d/%d %d/%d", cost, p.Cost, half, p.HalfDays, reached, p.Reached)
	}
	if travel != int64(p.TripDays)*req.Params.TravelCost {
		t.Fatalf("travel %d for %d trip days", travel, p.TripDays)
	}
	var last kc.Date
	communes := map[int64]bool{}
	for _, tr := range p.Trips {
		if communes[tr.CommuneID] {
			t.Fatalf("two trips to commune %d", tr.CommuneID)
		}
		communes[tr.CommuneID] = true
		for i, d := range tr.Days {
			if !d.After(last) {
				t.Fatalf("trip days overlap or go back: %s after %s", d, last)
			}
			if i > 0 && len(WorkingDays(tr.Days[i-1], d)) != 2 {
				t.Fatalf("trip days %s and %s are not consecutive working days", tr.Days[i-1], d)
			}
			last = d
		}
		for _, i := range tr.Sessions {
			if p.Sessions[i].Village.CommuneID != tr.CommuneID || p.Sessions[i].TripIndex < 0 {
				t.Fatalf("session %d in the wrong trip", i)
			}
		}
		if len(tr.Sessions) > len(tr.Days)*req.Params.SessionsPerDay {
			t.Fatalf("trip with %d sessions in %d days", len(tr.Sessions), len(tr.Days))
		}
	}
}

func TestPlanNeverExceedsLimits(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 400; i++ {
		req := randomRequest(r, 1+r.IntN(30), 1+r.IntN(6))
		checkPlan(t, req, mustMake(t, req))
	}
}

func TestPlanPrefersRemoteUnreachedVillage(t *testing.T) {
	centre := village(1, "Khóm 1", 120, 3, 0, 0) // big, mostly reached already
	centre.LastSession = kc.MustDate("2026-10-02")
	remote := village(2, "Ba Nang", 16, 14, 2, 3)
	// Money for one trip day with one meeting only.
	p := mustMake(t, request(1_800_000, 10, centre, remote))
	if len(p.Sessions) != 1 || p.Sessions[0].Village.Village != "Ba Nang" {
		t.Fatalf("sessions = %+v, want one at Ba Nang", p.Sessions)
	}
	if len(p.LeftOut) != 1 || p.LeftOut[0].Why != LeftBudget || p.LeftOut[0].Reason.Key != "outreachplan.left.budget" {
		t.Fatalf("left out = %+v, want Khóm 1 for lack of budget", p.LeftOut)
	}
	if p.Baseline.Sessions != 1 || p.Baseline.Places[0].Village.Village != "Khóm 1" || p.Baseline.Reached != 2 {
		t.Fatalf("baseline = %+v, want one meeting at Khóm 1 reaching 2", p.Baseline)
	}
	if p.Reached != 9 {
		t.Fatalf("reached %d, want 9 (70 %% of 14)", p.Reached)
	}
}

func TestChooseForm(t *testing.T) {
	pr := DefaultParams()
	ethnic := village(1, "Ba Nang", 20, 14, 11, 9)
	ethnic.MainEthnicity = "Vân Kiều"
	cases := []struct {
		name        string
		v           Village
		kind        string
		interpreter bool
		addressed   int
		why         string
	}{
		{"ethnic majority", ethnic, kc.SessionVillageMeeting, true, 14, "outreachplan.why.interpreter"},
		{"phone majority", village(1, "Khe Sanh", 30, 10, 2, 8), kc.SessionGroupMessage, false, 8, "outreachplan.why.phone"},
		{"small", village(1, "Tà Lang", 6, 4, 0, 1), kc.SessionDoorToDoor, false, 4, "outreachplan.why.small"},
		{"small ethnic", village(1, "A Vao", 6, 4, 3, 4), kc.SessionDoorToDoor, true, 4, "outreachplan.why.interpreter_door"},
		{"plain", village(1, "Ba Lòng", 30, 12, 3, 5), kc.SessionVillageMeeting, false, 12, "outreachplan.why.meeting"},
		{"no village", village(1, "", 30, 12, 3, 5), kc.SessionCommuneConference, false, 12, "outreachplan.why.meeting"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, ok := Choose(c.v, pr)
			if !ok || s.Kind != c.kind || s.Interpreter != c.interpreter || s.Addressed != c.addressed {
				t.Fatalf("got %v %s interpreter=%v addressed=%d", ok, s.Kind, s.Interpreter, s.Addressed)
			}
			why := s.Reason.Args[3].(Text)
			if why.Key != c.why {
				t.Fatalf("why = %s, want %s", why.Key, c.why)
			}
		})
	}
	s, _ := Choose(ethnic, pr)
	if s.Language != "Vân Kiều" || s.Cost != 1_200_000+500_000 || s.Reached != 9 {
		t.Fatalf("ethnic meeting = %+v", s)
	}
	if s.Reason.Args[2].(Text).Key != "outreachplan.last.never" {
		t.Fatalf("last session arg = %v", s.Reason.Args[2])
	}
	g, _ := Choose(village(1, "Khe Sanh", 30, 10, 2, 8), pr)
	if g.Trip || g.Reached != 4 {
		t.Fatalf("group message = %+v, want no trip, 4 reached", g)
	}
	if _, ok := Choose(village(1, "Khóm 1", 80, 0, 0, 0), pr); ok {
		t.Fatal("a village with nobody to reach got a session")
	}
}

func TestPlanGroupsVillagesOfOneCommuneInTrips(t *testing.T) {
	vs := []Village{
		village(1, "Thôn A", 20, 12, 0, 0),
		village(2, "Thôn C", 20, 12, 0, 0),
		village(1, "Thôn B", 20, 10, 0, 0),
	}
	req := request(100_000_000, 30, vs...)
	p := mustMake(t, req)
	checkPlan(t, req, p)
	if len(p.Trips) != 2 || p.TripDays != 2 || p.Travel != 2*req.Params.TravelCost {
		t.Fatalf("trips = %+v", p.Trips)
	}
	first := p.Trips[0]
	if first.CommuneID != 1 || len(first.Sessions) != 2 || len(first.Days) != 1 {
		t.Fatalf("first trip = %+v, want commune 1 with both villages on one day", first)
	}
	a, b := p.Sessions[first.Sessions[0]], p.Sessions[first.Sessions[1]]
	if a.Date != b.Date || a.Travel+b.Travel != req.Params.TravelCost {
		t.Fatalf("villages of one commune on %s and %s, travel %d+%d", a.Date, b.Date, a.Travel, b.Travel)
	}
	if p.Trips[1].Days[0] == first.Days[0] {
		t.Fatal("two trips on one day")
	}

	// With money for one trip day only, the planner takes the commune
	// whose day reaches two villages, not the single bigger village.
	vs = []Village{
		village(1, "Thôn A", 20, 9, 0, 0),
		village(2, "Thôn C", 20, 14, 0, 0),
		village(1, "Thôn B", 20, 9, 0, 0),
	}
	p = mustMake(t, request(2*1_200_000+600_000, 30, vs...))
	if len(p.Sessions) != 2 || p.Sessions[0].Village.CommuneID != 1 || p.Sessions[1].Village.CommuneID != 1 {
		t.Fatalf("sessions = %+v, want Thôn A and Thôn B", p.Sessions)
	}
}

func TestBaselinePicksBiggestCommunes(t *testing.T) {
	vs := []Village{
		village(1, "Nhỏ 1", 10, 5, 0, 0),
		village(2, "Lớn 2a", 60, 0, 0, 0),
		village(2, "Lớn 2b", 40, 6, 0, 0),
		village(3, "Vừa 3", 50, 1, 0, 0),
		village(1, "Nhỏ 1b", 5, 5, 0, 0),
	}
	req := request(100_000_000, 30, vs...)
	b := Baseline(req, 2)
	if !reflect.DeepEqual(b.Communes, []string{"Xã 2", "Xã 3"}) || b.Places[0].Village.Village != "Lớn 2a" {
		t.Fatalf("baseline = %+v", b)
	}
	if b.Reached != 0+1 {
		t.Fatalf("baseline reached %d, want 1", b.Reached)
	}
	b = Baseline(req, 4)
	var got []string
	for _, s := range b.Places {
		got = append(got, s.Village.Village)
	}
	if !reflect.DeepEqual(got, []string{"Lớn 2a", "Vừa 3", "Nhỏ 1", "Lớn 2b"}) {
		t.Fatalf("places = %v", got)
	}
	if b.Reached != 0+1+3+4 || b.Cost != 4*1_200_000+3*600_000 {
		t.Fatalf("baseline reached %d cost %d", b.Reached, b.Cost)
	}
	if b = Baseline(req, 9); b.Sessions != 5 {
		t.Fatalf("baseline placed %d sessions in 5 places", b.Sessions)
	}
	p := mustMake(t, req)
	if p.Baseline.Sessions != len(p.Sessions) || p.Baseline.Text.Key != "outreachplan.baseline" {
		t.Fatalf("plan baseline = %+v", p.Baseline)
	}
	if p.Reached < p.Baseline.Reached {
		t.Fatalf("plan reaches %d, baseline %d", p.Reached, p.Baseline.Reached)
	}
}

func TestPlanBadInput(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Request)
		field string
		key   string
	}{
		{"zero staff days", func(r *Request) { r.StaffDays = 0 }, "staff_days", "outreachplan.error.staff_days"},
		{"negative budget", func(r *Request) { r.Budget = -1 }, "budget", "outreachplan.error.budget"},
		{"to before from", func(r *Request) { r.To = r.From.AddDays(-1) }, "to", "outreachplan.error.to_before_from"},
		{"too long", func(r *Request) { r.To = r.From.AddDays(400) }, "to", "outreachplan.error.period_too_long"},
		{"weekend only", func(r *Request) { r.From, r.To = kc.MustDate("2027-01-02"), kc.MustDate("2027-01-03") }, "to", "outreachplan.error.no_working_days"},
		{"no from", func(r *Request) { r.From = kc.Date{} }, "from", "outreachplan.error.from_required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := request(10_000_000, 5, village(1, "A", 10, 8, 0, 0))
			c.edit(&req)
			_, err := Make(req)
			if kc.ErrorCode(err) != kc.EInvalid {
				t.Fatalf("err = %v", err)
			}
			es := kc.FieldErrors(err)
			if len(es) != 1 || es[0].Field != c.field || es[0].Key != c.key {
				t.Fatalf("field errors = %v", es)
			}
		})
	}
	req := request(10_000_000, 0, village(1, "A", 10, 8, 0, 0))
	req.Budget = -5
	if es := kc.FieldErrors(func() error { _, err := Make(req); return err }()); len(es) != 2 {
		t.Fatalf("want both errors at once, got %v", es)
	}
	req = request(10_000_000, 5)
	req.Params.SessionsPerDay = 0
	var pe *ParamError
	if _, err := Make(req); !errors.As(err, &pe) || pe.Name != "sessions_per_day" {
		t.Fatalf("bad params: %v", err)
	}
}

func TestPlanDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 50; i++ {
		req := randomRequest(r, 25, 5)
		a, b := mustMake(t, req), mustMake(t, req)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("two plans of one request differ")
		}
	}
}

// optimum returns the most reached by any feasible subset of the
// candidates, exhaustively.
func optimum(req Request) int {
	var cs []Session
	for _, v := range req.Villages {
		if s, ok := Choose(v, req.Params); ok {
			cs = append(cs, s)
		}
	}
	days := len(WorkingDays(req.From, req.To))
	best := 0
	for mask := 0; mask < 1<<len(cs); mask++ {
		var cost int64
		half, reached := 0, 0
		trips := map[int64]int{}
		for i, s := range cs {
			if mask&(1<<i) == 0 {
				continue
			}
			cost += s.Cost
			half += s.HalfDays
			reached += s.Reached
			if s.Trip {
				trips[s.Village.CommuneID]++
			}
		}
		td := 0
		for _, n := range trips {
			td += ceilDiv(n, req.Params.SessionsPerDay)
		}
		cost += int64(td) * req.Params.TravelCost
		if cost <= req.Budget && half <= req.HalfDayLimit() && td <= days && reached > best {
			best = reached
		}
	}
	return best
}

func TestPlanNearOptimalOnSmallInstances(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 1))
	worst, optimal, n := 1.0, 0, 0
	for i := 0; i < 2000; i++ {
		req := randomRequest(r, 1+r.IntN(13), 1+r.IntN(5))
		opt := optimum(req)
		if opt == 0 {
			continue
		}
		got := mustMake(t, req).Reached
		if got > opt {
			t.Fatalf("plan reaches %d, more than the optimum %d: the brute force is wrong", got, opt)
		}
		n++
		if got == opt {
			optimal++
		}
		if ratio := float64(got) / float64(opt); ratio < worst {
			worst = ratio
		}
	}
	t.Logf("%d instances: %d optimal, worst ratio %.3f", n, optimal, worst)
	if worst < 0.9 {
		t.Fatalf("worst ratio %.3f < 0.9", worst)
	}
}

func TestReprice(t *testing.T) {
	pr := DefaultParams()
	a := Price(village(1, "A", 10, 8, 0, 0), kc.SessionVillageMeeting, false, pr)
	b := Price(village(1, "B", 10, 8, 0, 0), kc.SessionVillageMeeting, false, pr)
	c := Price(village(1, "C", 10, 8, 0, 0), kc.SessionGroupMessage, false, pr)
	a.Date, b.Date, c.Date = qFrom, qFrom, qFrom
	ss := []Session{a, b, c}
	if total := Reprice(ss, pr); total != a.Cost+b.Cost+c.Cost+pr.TravelCost {
		t.Fatalf("same day: total %d", total)
	}
	ss[1].Date = qFrom.AddDays(3)
	if total := Reprice(ss, pr); total != a.Cost+b.Cost+c.Cost+2*pr.TravelCost || ss[2].Travel != 0 {
		t.Fatalf("two days: total %d", total)
	}
}

func TestPlanSkipsHolidays(t *testing.T) {
	req := request(100_000_000, 30, village(1, "A", 20, 12, 0, 0), village(2, "B", 20, 12, 0, 10))
	req.From, req.To = kc.MustDate("2027-04-29"), kc.MustDate("2027-05-04") // Thu … Tue
	req.Holidays = []kc.Date{kc.MustDate("2027-04-30"), kc.MustDate("2027-05-03")}
	p := mustMake(t, req)
	if p.WorkingDays != 2 {
		t.Fatalf("%d working days, want 2 (29/4 and 4/5)", p.WorkingDays)
	}
	for _, s := range p.Sessions {
		if slices.Contains(req.Holidays, s.Date) {
			t.Errorf("session on the holiday %s", s.Date)
		}
	}
	req.Holidays = append(req.Holidays, kc.MustDate("2027-04-29"), kc.MustDate("2027-05-04"), kc.MustDate("2027-05-03"))
	if _, err := Make(req); kc.FieldErrors(err)[0].Key != "outreachplan.error.no_working_days" {
		t.Errorf("only holidays: %v", err)
	}
}
