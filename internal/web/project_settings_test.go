package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// settingsRedirect checks res is a 303 to want and closes it.
func settingsRedirect(t *testing.T, res *http.Response, want string) {
	t.Helper()
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
		t.Fatalf("%s %s: status %d, Location %q, want 303 to %s", res.Request.Method, res.Request.URL.Path, res.StatusCode, res.Header.Get("Location"), want)
	}
}

func TestProjectSettingsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		if err := f.app.EnsureReference(t.Context()); err != nil {
			t.Fatal(err)
		}
		admin, prov, officer, viewer := f.login(t, userAdmin), f.login(t, userProvince), f.login(t, userOfficerA), f.login(t, userViewer)

		// The link on the project list is for those who may change something.
		for _, c := range []struct {
			name string
			c    *client
			link bool
		}{{"admin", admin, true}, {"province officer", prov, true}, {"commune officer", officer, false}, {"viewer", viewer, false}} {
			d := c.c.doc("/projects", http.StatusOK)
			a := d.Find("#project-settings-link")
			if (a.Length() == 1) != c.link || (c.link && (a.AttrOr("href", "") != "/projects/settings" || strings.TrimSpace(a.Text()) != "Cấu hình phiếu thẩm định và thời hạn")) {
				t.Errorf("%s: link %d %q", c.name, a.Length(), a.AttrOr("href", ""))
			}
		}

		// A viewer reads both parts and can change neither.
		d := viewer.doc("/projects/settings", http.StatusOK)
		if n := d.Find("#score-items tbody tr").Length(); n != 5 {
			t.Errorf("viewer: %d score items, want 5", n)
		}
		if n := d.Find("#settings-table tbody tr").Length(); n != 8 {
			t.Errorf("viewer: %d settings, want 8", n)
		}
		if d.Find(`form[action^="/projects/settings"]`).Length() != 0 || d.Find("#score-items input").Length() != 0 {
			t.Error("viewer sees edit forms")
		}
		if got := strings.TrimSpace(d.Find(`#settings-table tr[data-key="projects.report_day"] td.value`).Text()); !strings.HasPrefix(got, "25") {
			t.Errorf("report day shown %q", got)
		}
		if d.Find("#sheet-readonly").Length() != 1 || d.Find("#settings-readonly").Length() != 1 {
			t.Error("viewer: no read-only notices")
		}
		for _, c := range []struct {
			who  *client
			path string
		}{{viewer, "/projects/settings/items"}, {officer, "/projects/settings/items"}, {viewer, "/projects/settings"},
			{officer, "/projects/settings"}, {prov, "/projects/settings"}} {
			res := c.who.post(c.path, url.Values{"code": {"x"}, "label": {"x"}, "max_score": {"5"}, "projects.report_day": {"20"}})
			res.Body.Close()
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s: status %d, want 403", c.path, res.StatusCode)
			}
		}
		sys := app.WithPrincipal(t.Context(), app.System)
		if s, _ := f.app.ProjectSettings(sys); s.ReportDay != 25 {
			t.Errorf("refused posts changed the report day: %d", s.ReportDay)
		}
		if items, _ := f.app.ScoreSheetAll(sys); len(items) != 5 {
			t.Errorf("refused posts added items: %d", len(items))
		}

		// A province officer edits the sheet but only reads the settings.
		d = prov.doc("/projects/settings", http.StatusOK)
		if d.Find("#settings-form").Length() != 0 || d.Find("#settings-readonly").Length() != 1 || d.Find("#new-item-form").Length() != 1 {
			t.Error("province officer: wrong forms")
		}
		fitID := d.Find(`#score-items tr[data-code="fit"]`).AttrOr("data-id", "")
		fitForm := "#item-" + fitID + "-form"
		fitPath := "/projects/settings/items/" + fitID
		if fitID == "" || d.Find(fitForm).AttrOr("action", "") != fitPath {
			t.Fatalf("fit form %q", d.Find(fitForm).AttrOr("action", ""))
		}
		vals := formValues(d, fitForm)
		if vals.Get("code") != "fit" || vals.Get("max_score") != "20" || vals.Get("position") != "1" || vals.Get("active") != "1" ||
			!strings.HasPrefix(vals.Get("label"), "Sự phù hợp") {
			t.Fatalf("fit form values %v", vals)
		}

		// Add an item; the page shows it with a notice.
		settingsRedirect(t, prov.post("/projects/settings/items", url.Values{"code": {"viec_lam"}, "label": {"Việc làm tạo ra"}, "max_score": {"10"},
			"position": {""}, "active": {"1"}}), "/projects/settings#score-sheet")
		d = prov.doc("/projects/settings", http.StatusOK)
		if got := strings.TrimSpace(d.Find(".flash").Text()); got != "Đã thêm tiêu chí vào phiếu thẩm định." {
			t.Errorf("flash %q", got)
		}
		added := d.Find(`#score-items tr[data-code="viec_lam"]`)
		if added.Length() != 1 || strings.TrimSpace(added.Find("td.position").Text()) != "6" || added.AttrOr("data-active", "") != "true" {
			t.Errorf("added row: %d, position %q", added.Length(), added.Find("td.position").Text())
		}
		if got := strings.TrimSpace(d.Find("#sheet-total").Text()); got != "Tổng điểm tối đa của các tiêu chí đang dùng: 110" {
			t.Errorf("total %q", got)
		}
		if sheet, _ := f.app.ScoreSheet(sys); len(sheet) != 6 || sheet[5].Code != "viec_lam" {
			t.Errorf("app sheet %+v", sheet)
		}

		// A taken code and a bad number are refused next to their fields,
		// with the typed values kept.
		res := prov.post("/projects/settings/items", url.Values{"code": {"fit"}, "label": {"Trùng mã"}, "max_score": {"mười"}})
		d = mustDoc(t, res, http.StatusUnprocessableEntity)
		if got := strings.TrimSpace(d.Find("#new-max-error").Text()); got != "Nhập một số nguyên." {
			t.Errorf("max error %q", got)
		}
		if d.Find("#new-label").AttrOr("value", "") != "Trùng mã" {
			t.Error("typed label lost")
		}
		res = prov.post("/projects/settings/items", url.Values{"code": {"fit"}, "label": {"Trùng mã"}, "max_score": {"5"}})
		d = mustDoc(t, res, http.StatusUnprocessableEntity)
		if got := strings.TrimSpace(d.Find("#new-code-error").Text()); !strings.Contains(got, "«Sự phù hợp với nguyên tắc") {
			t.Errorf("code clash error %q", got)
		}
		if d.Find("#new-code").AttrOr("aria-invalid", "") != "true" {
			t.Error("code input not marked invalid")
		}

		// Edit a row: relabel and retire.
		vals.Set("label", "Phù hợp với nguyên tắc")
		vals.Del("active")
		settingsRedirect(t, prov.post(fitPath, vals), "/projects/settings#score-sheet")
		d = prov.doc("/projects/settings", http.StatusOK)
		row := d.Find(`#score-items tr[data-code="fit"]`)
		if got := strings.TrimSpace(row.Find("td").Eq(1).Text()); got != "Phù hợp với nguyên tắc" || row.AttrOr("data-active", "") != "false" {
			t.Errorf("fit after edit: %q active=%s", got, row.AttrOr("data-active", ""))
		}
		if _, checked := d.Find("#item-" + fitID + "-active").Attr("checked"); checked {
			t.Error("retired item still ticked")
		}
		// A bad value is shown next to its field in that item's form,
		// opened, with what was typed; the table keeps the stored value.
		vals.Set("max_score", "0")
		d = mustDoc(t, prov.post(fitPath, vals), http.StatusUnprocessableEntity)
		if got := strings.TrimSpace(d.Find("#item-" + fitID + "-max-error").Text()); got != "Điểm tối đa phải từ 1 đến 1000." {
			t.Errorf("item error %q", got)
		}
		if _, open := d.Find("#item-" + fitID).Attr("open"); !open || d.Find("#item-"+fitID+"-max").AttrOr("value", "") != "0" {
			t.Error("the refused item's form is closed or lost the typed value")
		}
		if got := strings.TrimSpace(d.Find(`#score-items tr[data-code="fit"] td.max`).Text()); got != "20" {
			t.Errorf("table shows %q, want the stored 20", got)
		}
		vals.Set("max_score", "20")
		res = prov.post("/projects/settings/items/99999", vals)
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown item: status %d", res.StatusCode)
		}

		// The administrator saves the settings form as a browser would.
		d = admin.doc("/projects/settings", http.StatusOK)
		form := formValues(d, "#settings-form")
		if len(form) != 8 || form.Get("projects.advance_ratio_bp") != "70" || form.Get("projects.registration_deadline.national") != "20/05" ||
			form.Get("projects.follow_up_months") != "12,24" {
			t.Fatalf("settings form %v", form)
		}
		form.Set("projects.report_day", "20")
		form.Set("projects.advance_ratio_bp", "60")
		form.Set("projects.registration_deadline.national", "15/5")
		settingsRedirect(t, admin.post("/projects/settings", form), "/projects/settings#settings")
		s, err := f.app.ProjectSettings(sys)
		if err != nil || s.ReportDay != 20 || s.AdvanceRatioBP != 6000 || s.RegistrationDeadline["national"] != "05-15" || s.SettlementDays != 15 {
			t.Fatalf("settings after the form %+v %v", s, err)
		}
		d = admin.doc("/projects/settings", http.StatusOK)
		if got := strings.TrimSpace(d.Find(".flash").Text()); got != "Đã lưu thời hạn và tỷ lệ của đề án." {
			t.Errorf("flash %q", got)
		}
		if d.Find("#s-projects-advance_ratio_bp").AttrOr("value", "") != "60" || d.Find("#s-projects-registration_deadline-national").AttrOr("value", "") != "15/05" {
			t.Error("saved values not shown")
		}
		// One bad value: nothing is saved, each error is next to its field.
		form = formValues(d, "#settings-form")
		form.Set("projects.report_day", "22")
		form.Set("projects.advance_ratio_bp", "120")
		form.Set("projects.settlement_days", "ba")
		d = mustDoc(t, admin.post("/projects/settings", form), http.StatusUnprocessableEntity)
		for id, want := range map[string]string{
			"#s-projects-advance_ratio_bp-error": "Nhập tỷ lệ phần trăm từ 0 đến 100, ví dụ 70.",
			"#s-projects-settlement_days-error":  "Nhập số nguyên từ 0 đến 366.",
		} {
			if got := strings.TrimSpace(d.Find(id).Text()); got != want {
				t.Errorf("%s = %q, want %q", id, got, want)
			}
		}
		if d.Find("#s-projects-report_day-error").Length() != 0 || d.Find("#s-projects-report_day").AttrOr("value", "") != "22" {
			t.Error("the valid field shows an error or lost its typed value")
		}
		if s2, _ := f.app.ProjectSettings(sys); s2.ReportDay != 20 || s2.AdvanceRatioBP != 6000 {
			t.Errorf("an invalid form changed the settings: %+v", s2)
		}
		// A bad day is the form's own message.
		form.Set("projects.advance_ratio_bp", "60")
		form.Set("projects.settlement_days", "15")
		form.Set("projects.registration_deadline.local", "31/02")
		d = mustDoc(t, admin.post("/projects/settings", form), http.StatusUnprocessableEntity)
		if got := strings.TrimSpace(d.Find("#s-projects-registration_deadline-local-error").Text()); got != "Nhập ngày dạng ngày/tháng, ví dụ 20/05 (không dùng 29/02); để trống nếu không có hạn." {
			t.Errorf("day error %q", got)
		}
		// A cross-site post of a valid form is refused like every form's.
		form.Set("projects.registration_deadline.local", "")
		form.Set("projects.report_day", "12")
		req, err := http.NewRequest("POST", admin.base+"/projects/settings", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		res, err = admin.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if s2, _ := f.app.ProjectSettings(sys); res.StatusCode != http.StatusForbidden || s2.ReportDay != 20 {
			t.Errorf("cross-site post: status %d, report day %d", res.StatusCode, s2.ReportDay)
		}
		audit, err := f.app.ListAudit(sys, "setting", 0, 10)
		if err != nil || len(audit) != 1 || audit[0].Actor != userAdmin {
			t.Errorf("settings audit %+v %v", audit, err)
		}
	})
}

// TestProjectSettingsHelpers checks the day and percentage conversions of
// the settings form.
func TestProjectSettingsHelpers(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{{"20/05", "05-20", true}, {" 1/7 ", "07-01", true}, {"05-20", "05-20", true}, {"", "", true}, {"32/01", "", false}, {"20.05", "", false}, {"20/13", "", false}} {
		got, ok := parseDayMonth(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("parseDayMonth(%q) = %q %v, want %q %v", c.in, got, ok, c.want, c.ok)
		}
	}
	if got := settingDisplay(app.SettingKindMonthDay, "05-20"); got != "20/05" {
		t.Errorf("day display %q", got)
	}
	if got := settingDisplay(app.SettingKindBasisPoints, "7050"); got != "70,5" {
		t.Errorf("percent display %q", got)
	}
	if got := settingDisplay(app.SettingKindBasisPoints, "0"); got != "0" {
		t.Errorf("zero percent display %q", got)
	}
	if !slices.Contains([]string{"s-projects-report_day"}, settingInputID("projects.report_day")) {
		t.Errorf("input id %q", settingInputID("projects.report_day"))
	}
}
