package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// settingsAdmin is the fixture's administrator; addAdminToken gives it a token.
const settingsAdmin = apptest.Admin

// addAdminToken creates an API token for the fixture's administrator.
func addAdminToken(t *testing.T, f *scopeFixture) {
	t.Helper()
	if _, ok := f.tokens[settingsAdmin]; ok {
		return
	}
	_, secret, err := f.scope.App.CreateAPIToken(f.scope.As(t, t.Context(), settingsAdmin), "quản trị")
	if err != nil {
		t.Fatal(err)
	}
	f.tokens[settingsAdmin] = secret
}

// scoreItemID returns the id of the score item with code.
func scoreItemID(t *testing.T, f *scopeFixture, code string) int64 {
	t.Helper()
	items, err := f.scope.App.ScoreSheetAll(f.scope.As(t, t.Context(), settingsAdmin))
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(items, func(it app.ScoreItemConfig) bool { return it.Code == code })
	if i < 0 {
		t.Fatalf("no score item %s", code)
	}
	return items[i].ID
}

// newSettingsRoutes prepares the score-sheet and project-settings routes
// of the document for TestOpenAPIRoutesAnswer, once the reference
// catalogue is loaded: reads as the viewer, score-sheet changes as the
// province officer (a retired item, so the project routes' scoring is
// unaffected), settings as the administrator (the default report day).
func newSettingsRoutes(t *testing.T, f *scopeFixture) planRoutes {
	t.Helper()
	addAdminToken(t, f)
	links := scoreItemID(t, f, "links")
	r := planRoutes{paths: map[string]string{}, bodies: map[string]string{}, users: map[string]string{}}
	for _, c := range []struct{ route, path, user, body string }{
		{"GET /api/v1/score-sheet", "/api/v1/score-sheet", userViewer, ""},
		{"POST /api/v1/score-sheet", "/api/v1/score-sheet", userProvince, `{"code":"tai_lieu_api","label":"Tiêu chí của tài liệu API","max_score":5,"active":false}`},
		{"PUT /api/v1/score-sheet/{id}", fmt.Sprintf("/api/v1/score-sheet/%d", links), userProvince, `{"label":"Sự gắn kết với các chương trình khác và khả năng nhân rộng"}`},
		{"GET /api/v1/project-settings", "/api/v1/project-settings", userViewer, ""},
		{"PUT /api/v1/project-settings", "/api/v1/project-settings", settingsAdmin, `{"projects.report_day":25}`},
	} {
		r.paths[c.route], r.users[c.route] = c.path, c.user
		if c.body != "" {
			r.bodies[c.route] = c.body
		}
	}
	return r
}

func TestScoreSheetAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		addAdminToken(t, f)

		status, body := f.call(t, userViewer, "GET", "/api/v1/score-sheet", "")
		sheet := decodeAs[ScoreSheet](t, body)
		if status != http.StatusOK || len(sheet.Items) != 5 || sheet.Editable || sheet.Items[0].Code != "fit" || sheet.Items[0].MaxScore != 20 || !sheet.Items[0].Active {
			t.Fatalf("viewer GET: %d %s", status, body)
		}
		if _, body := f.call(t, userProvince, "GET", "/api/v1/score-sheet", ""); !decodeAs[ScoreSheet](t, body).Editable {
			t.Error("province officer: not editable")
		}

		// Commune officers and viewers may not change it.
		item := `{"code":"viec_lam","label":"Việc làm tạo ra","max_score":10}`
		for _, user := range []string{userOfficerA, userViewer, userCouncil} {
			status, body := f.call(t, user, "POST", "/api/v1/score-sheet", item)
			if status != http.StatusForbidden || decodeAs[ErrorBody](t, body).Error.Code != "forbidden" {
				t.Errorf("%s POST: %d %s", user, status, body)
			}
			status, body = f.call(t, user, "PUT", fmt.Sprintf("/api/v1/score-sheet/%d", sheet.Items[0].ID), `{"label":"x"}`)
			if status != http.StatusForbidden {
				t.Errorf("%s PUT: %d %s", user, status, body)
			}
		}

		// Create: active by default, placed last.
		status, body = f.call(t, userProvince, "POST", "/api/v1/score-sheet", item)
		created := decodeAs[ScoreSheetItem](t, body)
		if status != http.StatusCreated || created.ID == 0 || created.Code != "viec_lam" || !created.Active || created.Position != 6 || created.Used != 0 {
			t.Fatalf("create: %d %s", status, body)
		}
		// Invalid fields, each named; a taken code names its item.
		status, body = f.call(t, userProvince, "POST", "/api/v1/score-sheet", `{"code":"Viec Lam","label":"","max_score":0}`)
		e := decodeAs[ErrorBody](t, body)
		if status != http.StatusUnprocessableEntity || e.Error.Code != "invalid" || len(e.Error.Fields) != 3 ||
			e.Error.Fields["max_score"] != "Điểm tối đa phải từ 1 đến 1000." {
			t.Errorf("invalid item: %d %s", status, body)
		}
		status, body = f.call(t, userProvince, "POST", "/api/v1/score-sheet", `{"code":"fit","label":"Trùng","max_score":5}`)
		if e := decodeAs[ErrorBody](t, body); status != http.StatusUnprocessableEntity ||
			e.Error.Fields["code"] != `Mã "fit" đã dùng cho tiêu chí «Sự phù hợp với nguyên tắc, nội dung và đối tượng khuyến công».` {
			t.Errorf("taken code: %d %s", status, body)
		}
		if status, body := f.call(t, userProvince, "POST", "/api/v1/score-sheet", `{"code":"x","colour":"red"}`); status != http.StatusBadRequest {
			t.Errorf("unknown field: %d %s", status, body)
		}

		// A council member scores a registered project, the new item too.
		p := createProject(t, f, userOfficerA, projectBody(f, "Đề án máy", "Máy sấy", 2026, 200_000_000, 100_000_000))
		if status, b := transition(t, f, userOfficerA, p.ID, `{"action":"register"}`); status != http.StatusOK {
			t.Fatalf("register: %d %s", status, b)
		}
		ap := scoreAll(t, f, p.ID)
		if ap.Mine == nil || ap.Mine.Scores["viec_lam"] != 9 {
			t.Fatalf("the new item was not scored: %+v", ap.Mine)
		}

		// A scored item keeps its code and maximum; absent fields keep
		// their values; it may be relabelled and retired.
		fitPath := fmt.Sprintf("/api/v1/score-sheet/%d", sheet.Items[0].ID)
		status, body = f.call(t, userProvince, "PUT", fitPath, `{"max_score":30}`)
		if e := decodeAs[ErrorBody](t, body); status != http.StatusUnprocessableEntity || !strings.HasPrefix(e.Error.Fields["max_score"], "Tiêu chí đã có 1 điểm chấm nên phải giữ điểm tối đa 20") {
			t.Errorf("max change of a scored item: %d %s", status, body)
		}
		status, body = f.call(t, userProvince, "PUT", fitPath, `{"code":"phu_hop"}`)
		if e := decodeAs[ErrorBody](t, body); status != http.StatusUnprocessableEntity || !strings.HasPrefix(e.Error.Fields["code"], `Tiêu chí đã có 1 điểm chấm nên phải giữ mã "fit"`) {
			t.Errorf("code change of a scored item: %d %s", status, body)
		}
		status, body = f.call(t, settingsAdmin, "PUT", fitPath, `{"label":"Phù hợp","active":false}`)
		fit := decodeAs[ScoreSheetItem](t, body)
		if status != http.StatusOK || fit.Label != "Phù hợp" || fit.Active || fit.Code != "fit" || fit.MaxScore != 20 || fit.Position != 1 || fit.Used != 1 {
			t.Errorf("relabel and retire: %d %s", status, body)
		}
		if status, body := f.call(t, userProvince, "PUT", "/api/v1/score-sheet/99999", `{"label":"x"}`); status != http.StatusNotFound {
			t.Errorf("unknown item: %d %s", status, body)
		}
		_, body = f.call(t, userViewer, "GET", "/api/v1/score-sheet", "")
		var codes []string
		for _, it := range decodeAs[ScoreSheet](t, body).Items {
			if it.Active {
				codes = append(codes, it.Code)
			}
		}
		if strings.Join(codes, ",") != "objectives,costs,capacity,links,viec_lam" {
			t.Errorf("active items after the changes: %v", codes)
		}
	})
}

func TestProjectSettingsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		addAdminToken(t, f)
		get := func(user string) ProjectSettings {
			t.Helper()
			status, body := f.call(t, user, "GET", "/api/v1/project-settings", "")
			if status != http.StatusOK {
				t.Fatalf("GET: %d %s", status, body)
			}
			return decodeAs[ProjectSettings](t, body)
		}
		byKey := func(s ProjectSettings, key string) ProjectSetting {
			t.Helper()
			i := slices.IndexFunc(s.Items, func(p ProjectSetting) bool { return p.Key == key })
			if i < 0 {
				t.Fatalf("no %s in %+v", key, s.Items)
			}
			return s.Items[i]
		}
		s := get(userViewer)
		rd := byKey(s, "projects.report_day")
		if len(s.Items) != 8 || s.Editable || rd.Value != "25" || rd.Default != "25" || rd.Min != 1 || rd.Max != 28 || rd.Kind != "int" ||
			rd.Source != "Trước ngày 25 hằng tháng (mẫu 3b) — TT 36/2013 Điều 23" || rd.Label != "Hạn báo cáo tiến độ hằng tháng" {
			t.Fatalf("viewer GET %+v", s)
		}
		if !get(settingsAdmin).Editable || get(userProvince).Editable {
			t.Error("editable flag")
		}
		for _, user := range []string{userOfficerA, userViewer, userProvince} {
			status, body := f.call(t, user, "PUT", "/api/v1/project-settings", `{"projects.report_day":"20"}`)
			if status != http.StatusForbidden {
				t.Errorf("%s PUT: %d %s", user, status, body)
			}
		}

		status, body := f.call(t, settingsAdmin, "PUT", "/api/v1/project-settings", `{"projects.report_day":20,"projects.follow_up_months":"24, 12, 6"}`)
		s = decodeAs[ProjectSettings](t, body)
		if status != http.StatusOK || byKey(s, "projects.report_day").Value != "20" || !byKey(s, "projects.report_day").Custom ||
			byKey(s, "projects.follow_up_months").Value != "6,12,24" {
			t.Fatalf("PUT: %d %s", status, body)
		}
		got, err := f.scope.App.ProjectSettings(t.Context())
		if err != nil || got.ReportDay != 20 || !slices.Equal(got.FollowUpMonths, []int{6, 12, 24}) {
			t.Errorf("ProjectSettings after PUT %+v %v", got, err)
		}

		// One invalid value: nothing changes, the fields name the keys.
		status, body = f.call(t, settingsAdmin, "PUT", "/api/v1/project-settings", `{"projects.report_day":"21","projects.settlement_days":400,"projects.nope":"1"}`)
		e := decodeAs[ErrorBody](t, body)
		if status != http.StatusUnprocessableEntity || e.Error.Fields["projects.settlement_days"] != "Nhập số nguyên từ 0 đến 366." ||
			e.Error.Fields["projects.nope"] != `Không có thiết lập "projects.nope".` || len(e.Error.Fields) != 2 {
			t.Errorf("invalid PUT: %d %s", status, body)
		}
		status, body = f.call(t, settingsAdmin, "PUT", "/api/v1/project-settings", `{"projects.report_day":[21]}`)
		if e := decodeAs[ErrorBody](t, body); status != http.StatusUnprocessableEntity || e.Error.Fields["projects.report_day"] == "" {
			t.Errorf("array value: %d %s", status, body)
		}
		if s := get(userViewer); byKey(s, "projects.report_day").Value != "20" || byKey(s, "projects.settlement_days").Value != "15" {
			t.Errorf("an invalid PUT changed the settings: %+v", s.Items)
		}
		if status, body := f.call(t, settingsAdmin, "PUT", "/api/v1/project-settings", `["projects.report_day"]`); status != http.StatusBadRequest {
			t.Errorf("not an object: %d %s", status, body)
		}
		audit, err := f.scope.App.ListAudit(f.scope.As(t, t.Context(), settingsAdmin), "setting", 0, 10)
		if err != nil || len(audit) != 1 || audit[0].Actor != settingsAdmin || !strings.Contains(audit[0].After, `"projects.report_day":"20"`) {
			t.Errorf("audit %+v %v", audit, err)
		}
	})
}
