package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// serveOutreach makes the fixture's handler serve the outreach routes
// (registered by New once the integrator wires outreachRoutes in; added
// here otherwise).
func serveOutreach(t *testing.T, f *scopeFixture) {
	t.Helper()
	x := New(f.scope.App, Options{})
	f.handler = x.Handler()
}

// outreachSeed is a campaign of commune A with one held session in Thôn 1
// whose attendance names establishment A and one new producer.
type outreachSeed struct {
	campaign, session, newRow int64
}

func seedOutreach(t *testing.T, f *scopeFixture) outreachSeed {
	t.Helper()
	ctx := f.scope.As(t, t.Context(), userOfficerA)
	a := f.scope.App
	c, err := a.CreateCampaign(ctx, app.CampaignInput{
		Campaign: kc.Campaign{Title: "Đợt xã An Phú", UnitID: f.communeA.ID, StartsOn: kc.MustDate("2026-10-01"), EndsOn: kc.MustDate("2026-12-31")},
		Sessions: []kc.OutreachSession{{Kind: kc.SessionVillageMeeting, Status: kc.SessionHeld, CommuneID: f.communeA.ID, Village: "Thôn 1",
			HeldOn: kc.MustDate("2026-11-10"), Cost: 500_000}},
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.GetCampaign(ctx, c.ID)
	if err != nil || len(d.Sessions) != 1 {
		t.Fatalf("seeded campaign %+v %v", d, err)
	}
	sd, err := a.RecordAttendance(ctx, d.Sessions[0].ID, app.AttendanceInput{EstablishmentIDs: []int64{f.estA.ID},
		New: []app.NewProducer{{Name: "Hồ Thị Mai", Phone: "0912345678"}}})
	if err != nil {
		t.Fatal(err)
	}
	return outreachSeed{campaign: c.ID, session: d.Sessions[0].ID, newRow: sd.NewAttendees()[0].ID}
}

// newOutreachRoutes seeds outreach data and fills the outreach routes of
// the OpenAPI walk (officer A as caller).
func newOutreachRoutes(t *testing.T, f *scopeFixture) planRoutes {
	t.Helper()
	s := seedOutreach(t, f)
	r := planRoutes{paths: map[string]string{}, bodies: map[string]string{}, users: map[string]string{}}
	for route, path := range map[string]string{
		"GET /api/v1/campaigns":                 "/api/v1/campaigns",
		"POST /api/v1/campaigns":                "/api/v1/campaigns",
		"GET /api/v1/campaigns/{id}":            fmt.Sprintf("/api/v1/campaigns/%d", s.campaign),
		"PATCH /api/v1/campaigns/{id}":          fmt.Sprintf("/api/v1/campaigns/%d", s.campaign),
		"POST /api/v1/campaigns/{id}/sessions":  fmt.Sprintf("/api/v1/campaigns/%d/sessions", s.campaign),
		"GET /api/v1/sessions/{id}":             fmt.Sprintf("/api/v1/sessions/%d", s.session),
		"PATCH /api/v1/sessions/{id}":           fmt.Sprintf("/api/v1/sessions/%d", s.session),
		"PUT /api/v1/sessions/{id}/attendance":  fmt.Sprintf("/api/v1/sessions/%d/attendance", s.session),
		"POST /api/v1/attendance/{id}/register": fmt.Sprintf("/api/v1/attendance/%d/register", s.newRow),
	} {
		r.paths[route], r.users[route] = path, userOfficerA
	}
	r.bodies["POST /api/v1/campaigns"] = fmt.Sprintf(`{"title":"Đợt mới","unit_id":%d,"starts_on":"2026-12-01","ends_on":"2027-02-28",`+
		`"sessions":[{"kind":"group_message","status":"planned","commune_id":%d,"held_on":"2027-01-15"}]}`, f.communeA.ID, f.communeA.ID)
	r.bodies["PATCH /api/v1/campaigns/{id}"] = `{"version":1,"topic":"Máy móc, đào tạo nghề"}`
	r.bodies["POST /api/v1/campaigns/{id}/sessions"] = fmt.Sprintf(`{"kind":"loudspeaker","commune_id":%d,"village":"Thôn 2","held_on":"2026-11-12","attendees":150}`, f.communeA.ID)
	r.bodies["PATCH /api/v1/sessions/{id}"] = `{"notes":"Có phiên dịch"}`
	r.bodies["PUT /api/v1/sessions/{id}/attendance"] = fmt.Sprintf(`{"establishment_ids":[%d],"new":[{"id":%d,"name":"Hồ Thị Mai","phone":"09xx xxx 678"}]}`, f.estA.ID, s.newRow)
	return r
}

func TestOutreachAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		serveOutreach(t, f)
		s := seedOutreach(t, f)

		// Create with sessions; bad input names the fields, writes nothing.
		status, body := f.call(t, userOfficerA, "POST", "/api/v1/campaigns", fmt.Sprintf(`{"title":"Đợt 2","unit_id":%d,"starts_on":"2026-11-01","ends_on":"2026-12-31",`+
			`"sessions":[{"kind":"village_meeting","held_on":""}]}`, f.communeA.ID))
		if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"sessions.0.commune_id"`) || !strings.Contains(string(body), `"sessions.0.held_on"`) {
			t.Fatalf("bad campaign: %d %s", status, body)
		}
		status, body = f.call(t, userOfficerA, "GET", "/api/v1/campaigns", "")
		list := decodeAs[CampaignList](t, body)
		if status != http.StatusOK || list.Total != 1 || list.Items[0].Totals.Held != 1 || list.Items[0].Totals.Reached != 2 {
			t.Fatalf("list: %d %s", status, body)
		}
		status, body = f.call(t, userOfficerA, "POST", "/api/v1/campaigns", fmt.Sprintf(`{"title":"Đợt 2","unit_id":%d,"starts_on":"2026-11-01","ends_on":"2026-12-31",`+
			`"budget":3000000,"sessions":[{"kind":"radio","status":"planned","commune_id":%d,"held_on":"2026-12-20","cost":200000}]}`, f.communeA.ID, f.communeA.ID))
		created := decodeAs[Campaign](t, body)
		if status != http.StatusCreated || created.Totals.Planned != 1 || len(created.Sessions) != 1 || created.Sessions[0].CampaignID == nil || created.Version != 1 {
			t.Fatalf("create: %d %s", status, body)
		}
		// Officer B neither sees nor changes it; the viewer may not write.
		if status, _ := f.call(t, userOfficerB, "GET", fmt.Sprintf("/api/v1/campaigns/%d", created.ID), ""); status != http.StatusNotFound {
			t.Errorf("officer B reads: %d", status)
		}
		if status, _ := f.call(t, userViewer, "POST", "/api/v1/campaigns", `{"title":"x"}`); status != http.StatusForbidden {
			t.Errorf("viewer creates: %d", status)
		}

		// Patch with the version; a stale one is a conflict.
		path := fmt.Sprintf("/api/v1/campaigns/%d", created.ID)
		status, body = f.call(t, userOfficerA, "PATCH", path, `{"version":1,"budget":4000000}`)
		if got := decodeAs[Campaign](t, body); status != http.StatusOK || got.Budget != 4_000_000 || got.Version != 2 || got.Title != "Đợt 2" {
			t.Fatalf("patch: %d %s", status, body)
		}
		if status, _ := f.call(t, userOfficerA, "PATCH", path, `{"version":1,"budget":1}`); status != http.StatusConflict {
			t.Errorf("stale patch: %d", status)
		}

		// A session without a place or date.
		status, body = f.call(t, userOfficerA, "POST", fmt.Sprintf("/api/v1/campaigns/%d/sessions", s.campaign), `{"kind":"door_to_door"}`)
		if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), "Chưa chọn xã") || !strings.Contains(string(body), "Chưa nhập ngày") {
			t.Errorf("no place, no date: %d %s", status, body)
		}

		// Attendance: too many for the village, then a good list.
		apath := fmt.Sprintf("/api/v1/sessions/%d/attendance", s.session)
		status, body = f.call(t, userOfficerA, "PUT", apath, fmt.Sprintf(`{"establishment_ids":[%d],"attendees":40}`, f.estA.ID))
		if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), "Số người dự (40) lớn hơn số cơ sở đã đăng ký ở Thôn 1 (1) cộng người mới ghi (0)") {
			t.Errorf("too many: %d %s", status, body)
		}
		status, body = f.call(t, userOfficerA, "PUT", apath, fmt.Sprintf(`{"establishment_ids":[%d],"new":[{"id":%d,"name":"Hồ Thị Mai","phone":"09xx xxx 678"},{"name":"Căn Văn Tư","trade":""}]}`, f.estA.ID, s.newRow))
		sess := decodeAs[Session](t, body)
		if status != http.StatusOK || len(sess.Attendance) != 3 || sess.Attendees != 3 || sess.Attendance[1].Phone != "09xx xxx 678" || sess.Attendance[1].ID != s.newRow {
			t.Fatalf("attendance: %d %s", status, body)
		}
		if status, _ := f.call(t, userOfficerB, "PUT", apath, `{"attendees":1}`); status != http.StatusNotFound {
			t.Errorf("officer B records: %d", status)
		}

		// Register the new producer; twice is refused.
		rpath := fmt.Sprintf("/api/v1/attendance/%d/register", s.newRow)
		status, body = f.call(t, userOfficerA, "POST", rpath, "")
		if est := decodeAs[Establishment](t, body); status != http.StatusCreated || est.Name != "Hồ Thị Mai" || est.Kind != kc.KindHousehold {
			t.Fatalf("register: %d %s", status, body)
		}
		if status, _ := f.call(t, userOfficerA, "POST", rpath, ""); status != http.StatusUnprocessableEntity {
			t.Errorf("register twice: %d", status)
		}
		status, body = f.call(t, userOfficerA, "PATCH", fmt.Sprintf("/api/v1/sessions/%d", s.session), `{"language":"Pa Kô","interpreter":true}`)
		if got := decodeAs[Session](t, body); status != http.StatusOK || got.Language != "Pa Kô" || !got.Interpreter || *got.Registered != 2 {
			t.Errorf("patch session: %d %s", status, body)
		}
	})
}

// TestOutreachRoutesAnswer walks the outreach routes with the bodies the
// OpenAPI walk uses, so newOutreachRoutes stays valid.
func TestOutreachRoutesAnswer(t *testing.T) {
	f := newScopeFixture(t, storetest.OpenSQLite(t))
	serveOutreach(t, f)
	r := newOutreachRoutes(t, f)
	for _, route := range []string{"GET /api/v1/campaigns", "POST /api/v1/campaigns", "GET /api/v1/campaigns/{id}", "PATCH /api/v1/campaigns/{id}",
		"POST /api/v1/campaigns/{id}/sessions", "GET /api/v1/sessions/{id}", "PATCH /api/v1/sessions/{id}", "PUT /api/v1/sessions/{id}/attendance",
		"POST /api/v1/attendance/{id}/register"} {
		method, _, _ := strings.Cut(route, " ")
		status, body := f.call(t, r.users[route], method, r.paths[route], r.bodies[route])
		if status >= 300 {
			t.Errorf("%s: %d %s", route, status, body)
		}
	}
}
