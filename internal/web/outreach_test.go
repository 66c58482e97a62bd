package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// newOutreachFixture is the scope fixture with the reference catalogue,
// serving the outreach pages.
func newOutreachFixture(t *testing.T, st *store.Store) *scopeFixture {
	t.Helper()
	f := newScopeFixture(t, st)
	if err := f.app.EnsureReference(app.WithPrincipal(t.Context(), app.System)); err != nil {
		t.Fatal(err)
	}
	return f
}

// redirectID checks a 303 to prefix+id and returns the id.
func redirectID(t *testing.T, res *http.Response, prefix string) int64 {
	t.Helper()
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, prefix) {
		t.Fatalf("want a redirect to %s…, got %d %q", prefix, res.StatusCode, loc)
	}
	m := regexp.MustCompile(`^\d+`).FindString(strings.TrimPrefix(loc, prefix))
	id, _ := strconv.ParseInt(m, 10, 64)
	if id == 0 {
		t.Fatalf("no id in %q", loc)
	}
	return id
}

// TestOutreachPages walks the officer's outreach pages: the home, a
// campaign created (errors first, values kept), a session added to it
// (no place, no date first), the attendance recorded (too many first),
// a new producer added to the registry, a standalone session, and a
// viewer's read-only view.
func TestOutreachPages(t *testing.T) {
	st := storetest.OpenSQLite(t)
	f := newOutreachFixture(t, st)
	ctx := t.Context()
	off := f.login(t, userOfficerA)

	d := off.doc("/outreach", http.StatusOK)
	for _, sel := range []string{"#oh-new-campaign", "#oh-new-session", `a[href="/outreach/coverage"]`, `a[href="/outreach/plan"]`,
		`#oh-links a[href="/outreach/leaflet"]`, `#oh-links a[href="/nhu-cau"]`, "#oh-no-campaign"} {
		if d.Find(sel).Length() != 1 {
			t.Errorf("outreach home lacks %s", sel)
		}
	}
	if d.Find("#soon").Length() != 0 {
		t.Error("outreach is still the 'soon' page")
	}

	// 1. The campaign form: errors by field, typed values kept.
	d = off.doc("/outreach/campaigns/new", http.StatusOK)
	if d.Find(`#oc-unit option[value="`+strconv.FormatInt(f.communeA.ID, 10)+`"]`).Length() != 1 ||
		d.Find(`#oc-unit option[value="`+strconv.FormatInt(f.province.ID, 10)+`"]`).Length() != 0 {
		t.Error("a commune officer's unit choices are not their commune only")
	}
	form := url.Values{"title": {""}, "topic": {"Máy móc thiết bị"}, "unit_id": {strconv.FormatInt(f.communeA.ID, 10)},
		"starts_on": {"2026-11-01"}, "ends_on": {"31/02/2026"}, "budget": {"5.000.000"}}
	res := off.post("/outreach/campaigns", form)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad campaign: %d", res.StatusCode)
	}
	d = parse(t, res)
	if d.Find("#oc-ends-error").Length() != 1 || d.Find("#oc-topic").AttrOr("value", "") != "Máy móc thiết bị" ||
		d.Find("#oc-budget").AttrOr("value", "") != "5.000.000" {
		t.Error("the campaign form lost the typed values or the day error")
	}
	form.Set("ends_on", "2026-12-31")
	res = off.post("/outreach/campaigns", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(readAll(t, res), `id="oc-title-error"`) {
		t.Fatal("a campaign without a title was not refused by field")
	}
	form.Set("title", "Tuyên truyền khuyến công xã An Phú")
	cid := redirectID(t, off.post("/outreach/campaigns", form), "/outreach/campaigns/")
	cpath := "/outreach/campaigns/" + strconv.FormatInt(cid, 10)

	// 2. Add a session: no place, no date first.
	d = off.doc(cpath, http.StatusOK)
	if d.Find("#cd-add form#os-form").Length() != 1 || d.Find(`a[href="/outreach/funnel?campaign=`+strconv.FormatInt(cid, 10)+`"]`).Length() != 1 ||
		d.Find("#cd-edit").Length() != 1 {
		t.Fatal("the campaign page lacks the add-session form, the funnel or the edit link")
	}
	sform := url.Values{"kind": {kc.SessionVillageMeeting}, "status": {kc.SessionHeld}, "commune_id": {""}, "village": {"Thôn 1"}, "held_on": {""},
		"cost": {"300.000"}, "staff_halfdays": {"2"}, "language": {"Vân Kiều"}, "interpreter": {"1"}, "attendees": {""}}
	res = off.post(cpath+"/sessions", sform)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("session without place or date: %d", res.StatusCode)
	}
	d = parse(t, res)
	if !strings.Contains(d.Find("#os-commune-error").Text(), "xã") || !strings.Contains(d.Find("#os-held-on-error").Text(), "ngày") ||
		d.Find("#os-village").AttrOr("value", "") != "Thôn 1" || d.Find("#os-language").AttrOr("value", "") != "Vân Kiều" {
		t.Error("the session form lost the typed values or the place and date errors")
	}
	sform.Set("commune_id", strconv.FormatInt(f.communeA.ID, 10))
	sform.Set("held_on", "2026-11-20")
	res = off.post(cpath+"/sessions", sform)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add session: %d", res.StatusCode)
	}
	d = off.doc(cpath, http.StatusOK)
	row := d.Find("#cd-sessions tbody tr")
	if row.Length() != 1 || row.AttrOr("data-status", "") != kc.SessionHeld {
		t.Fatalf("the campaign lists %d sessions", row.Length())
	}
	sid, _ := strconv.ParseInt(row.AttrOr("data-id", ""), 10, 64)
	spath := "/outreach/sessions/" + strconv.FormatInt(sid, 10)

	// 3. The attendance: the village's checklist, too many refused.
	d = off.doc(spath, http.StatusOK)
	estBox := "#est-" + strconv.FormatInt(f.estA.ID, 10)
	if d.Find(estBox).Length() != 1 || d.Find(`input[name="new_name"]`).Length() != outreachBlankRows {
		t.Fatal("the attendance form lacks the village checklist or the new-producer rows")
	}
	aform := url.Values{"establishment_ids": {strconv.FormatInt(f.estA.ID, 10)}, "attendees": {"40"},
		"new_id": {"", "", ""}, "new_name": {"Hồ Thị Mai", "", ""}, "new_phone": {"0912 345 678", "", ""}, "new_trade": {"DET_THO_CAM", "", ""}}
	res = off.post(spath+"/attendance", aform)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("too many: %d", res.StatusCode)
	}
	d = parse(t, res)
	if msg := d.Find("#sd-att-n-error").Text(); !strings.Contains(msg, "(40)") || !strings.Contains(msg, "Thôn 1 (1)") || !strings.Contains(msg, "(1)") {
		t.Errorf("too-many message %q", msg)
	}
	if _, ok := d.Find(estBox).Attr("checked"); !ok || d.Find("#new-name-0").AttrOr("value", "") != "Hồ Thị Mai" || d.Find("#sd-att-n").AttrOr("value", "") != "40" {
		t.Error("the attendance form lost what was ticked and typed")
	}
	if sd, _ := f.app.GetSession(f.scope.As(t, ctx, userOfficerA), sid); len(sd.Attendance) != 0 {
		t.Error("a refused attendance was written")
	}
	aform.Set("attendees", "2")
	res = off.post(spath+"/attendance", aform)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("attendance: %d", res.StatusCode)
	}
	d = off.doc(spath, http.StatusOK)
	if strings.TrimSpace(d.Find("#sd-attendees").Text()) != "2" || d.Find("#sd-new-list li").Length() != 1 ||
		!strings.Contains(d.Find("#sd-new-list").Text(), "09xx xxx 678") {
		t.Fatalf("after the attendance: %q", d.Find("#sd-facts").Text())
	}

	// 4. Add the new producer to the registry.
	rowID := d.Find("#sd-new-list li").AttrOr("data-attendance", "")
	res = off.post("/outreach/attendance/"+rowID+"/register", url.Values{"session_id": {strconv.FormatInt(sid, 10)}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), spath) {
		t.Fatalf("register: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	d = off.doc(spath, http.StatusOK)
	if !strings.Contains(d.Find("#sd-flash").Text(), "Hồ Thị Mai") || d.Find("#sd-registered a").Length() != 1 || d.Find("#sd-new-list button").Length() != 0 {
		t.Error("the registered producer is not shown as in the registry")
	}
	list, _, err := f.app.ListEstablishments(f.scope.As(t, ctx, userOfficerA), kc.EstablishmentFilter{Query: "Hồ Thị Mai"})
	if err != nil || len(list) != 1 || list[0].Kind != kc.KindHousehold || list[0].Village != "Thôn 1" {
		t.Fatalf("registry after adding: %+v %v", list, err)
	}
	if box := d.Find("#est-" + strconv.FormatInt(list[0].ID, 10)); box.Length() != 1 || box.AttrOr("checked", "x") == "x" {
		t.Error("the producer added is not ticked in the village checklist")
	}

	// 5. A session outside any campaign.
	d = off.doc("/outreach/sessions/new", http.StatusOK)
	if d.Find("#os-form").Length() != 1 {
		t.Fatal("no standalone session form")
	}
	lone := redirectID(t, off.post("/outreach/sessions", url.Values{"kind": {kc.SessionLoudspeaker}, "status": {kc.SessionHeld},
		"commune_id": {strconv.FormatInt(f.communeA.ID, 10)}, "village": {"Thôn 2"}, "held_on": {"21/11/2026"}, "attendees": {"200"}}), "/outreach/sessions/")
	d = off.doc("/outreach", http.StatusOK)
	if d.Find(`#oh-sessions tr[data-id="`+strconv.FormatInt(lone, 10)+`"]`).Length() != 1 || d.Find(`#oh-campaigns tr[data-id="`+strconv.FormatInt(cid, 10)+`"]`).Length() != 1 {
		t.Error("the home does not list the campaign and the standalone session")
	}

	// 6. Edit the campaign; the viewer only reads; officer B sees nothing.
	res = off.post(cpath, url.Values{"version": {"1"}, "title": {"Tuyên truyền xã An Phú (sửa)"}, "unit_id": {strconv.FormatInt(f.communeA.ID, 10)},
		"starts_on": {"2026-11-01"}, "ends_on": {"2026-12-31"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit campaign: %d", res.StatusCode)
	}
	res = off.post(cpath, url.Values{"version": {"1"}, "title": {"Cũ"}, "unit_id": {strconv.FormatInt(f.communeA.ID, 10)},
		"starts_on": {"2026-11-01"}, "ends_on": {"2026-12-31"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(readAll(t, res), "vừa được người khác sửa") {
		t.Error("a stale edit was not refused")
	}
	viewer := f.login(t, userViewer)
	d = viewer.doc(cpath, http.StatusOK)
	if d.Find("#cd-add").Length() != 0 || d.Find("#cd-edit").Length() != 0 {
		t.Error("the viewer is offered to change the campaign")
	}
	viewer.doc("/outreach/campaigns/new", http.StatusForbidden)
	if res := viewer.post(spath+"/attendance", aform); res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer records attendance: %d", res.StatusCode)
	}
	f.login(t, userOfficerB).doc(cpath, http.StatusNotFound)
}
