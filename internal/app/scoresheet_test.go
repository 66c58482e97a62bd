package app_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// sheetCodes lists the codes of items.
func sheetCodes[T app.ScoreItemConfig | app.ScoreItem](items []T) string {
	var out []string
	for _, it := range items {
		switch v := any(it).(type) {
		case app.ScoreItemConfig:
			out = append(out, v.Code)
		case app.ScoreItem:
			out = append(out, v.Code)
		}
	}
	return strings.Join(out, ",")
}

// auditOf returns the audit entries of entity id, newest first.
func (f *projFixture) auditOf(t *testing.T, entity string, id int64) []kc.AuditEntry {
	t.Helper()
	es, err := f.App.ListAudit(f.sys, entity, id, 100)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestScoreSheetEdit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjFixture(t, st)
		all, err := f.App.ScoreSheetAll(f.viewer)
		if err != nil || sheetCodes(all) != "fit,objectives,costs,capacity,links" || all[0].MaxScore != 20 || all[0].Position != 1 || !all[0].Active || all[0].ID == 0 {
			t.Fatalf("sheet %+v %v", all, err)
		}
		if _, err := f.App.ScoreSheetAll(context.Background()); kc.ErrorCode(err) != kc.EUnauthenticated {
			t.Errorf("anonymous read: %v", err)
		}
		newItem := app.ScoreItemConfig{Code: "viec_lam", Label: "Vie\u0302\u0323c la\u0300m ta\u0323o ra", MaxScore: 10, Active: true}

		// Only administrators and province officers change the sheet.
		for _, who := range []struct {
			name string
			ctx  context.Context
		}{{"commune officer", f.a}, {"viewer", f.viewer}, {"council member", f.council}} {
			if _, err := f.App.SaveScoreItem(who.ctx, newItem); kc.ErrorCode(err) != kc.EForbidden {
				t.Errorf("%s: %v", who.name, err)
			}
		}
		if got := f.auditOf(t, "score_item", 0); len(got) != 0 {
			t.Errorf("refusals wrote audit entries: %+v", got)
		}

		// Each field is checked, with its message.
		long := strings.Repeat("x", 41)
		cases := []struct {
			name  string
			edit  func(it *app.ScoreItemConfig)
			field string
			msg   string
		}{
			{"code required", func(it *app.ScoreItemConfig) { it.Code = "  " }, "code", "Vui lòng nhập thông tin này."},
			{"code with capitals and a space", func(it *app.ScoreItemConfig) { it.Code = "Viec Lam" }, "code",
				"Mã chỉ gồm chữ thường không dấu (a–z), chữ số và dấu gạch dưới, tối đa 40 ký tự."},
			{"code with accents", func(it *app.ScoreItemConfig) { it.Code = "việc_làm" }, "code",
				"Mã chỉ gồm chữ thường không dấu (a–z), chữ số và dấu gạch dưới, tối đa 40 ký tự."},
			{"code too long", func(it *app.ScoreItemConfig) { it.Code = long }, "code",
				"Mã chỉ gồm chữ thường không dấu (a–z), chữ số và dấu gạch dưới, tối đa 40 ký tự."},
			{"label required", func(it *app.ScoreItemConfig) { it.Label = "" }, "label", "Vui lòng nhập thông tin này."},
			{"label too long", func(it *app.ScoreItemConfig) { it.Label = strings.Repeat("ệ", 301) }, "label", "Dài quá 300 ký tự, vui lòng rút gọn."},
			{"max zero", func(it *app.ScoreItemConfig) { it.MaxScore = 0 }, "max_score", "Điểm tối đa phải từ 1 đến 1000."},
			{"max too high", func(it *app.ScoreItemConfig) { it.MaxScore = 1001 }, "max_score", "Điểm tối đa phải từ 1 đến 1000."},
			{"negative position", func(it *app.ScoreItemConfig) { it.Position = -1 }, "position", "Thứ tự phải từ 0 đến 9999."},
			{"code of another item", func(it *app.ScoreItemConfig) { it.Code = "fit" }, "code",
				`Mã "fit" đã dùng cho tiêu chí «Sự phù hợp với nguyên tắc, nội dung và đối tượng khuyến công».`},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				it := newItem
				c.edit(&it)
				_, err := f.App.SaveScoreItem(f.prov, it)
				msgs := projFieldMsgs(err)
				if kc.ErrorCode(err) != kc.EInvalid || len(msgs) != 1 || msgs[c.field] != c.msg {
					t.Errorf("%v: got %v, want %s: %q", err, msgs, c.field, c.msg)
				}
			})
		}
		if got, _ := f.App.ScoreSheetAll(f.prov); len(got) != 5 {
			t.Fatalf("refused items were stored: %s", sheetCodes(got))
		}

		// A province officer adds an item: composed label, placed last.
		created, err := f.App.SaveScoreItem(f.prov, newItem)
		if err != nil {
			t.Fatalf("create: %v %v", err, projFieldMsgs(err))
		}
		if created.ID == 0 || created.Code != "viec_lam" || created.Label != "Việc làm tạo ra" || created.Position != 6 || !created.Active || created.Used != 0 {
			t.Errorf("created %+v", created)
		}
		if es := f.auditOf(t, "score_item", created.ID); len(es) != 1 || es[0].Action != kc.ActionCreate || es[0].Actor != apptest.Province ||
			!strings.Contains(es[0].After, `"Code":"viec_lam"`) || !strings.Contains(es[0].After, `"MaxScore":10`) {
			t.Errorf("create audit %+v", es)
		}
		// Another item may not take its code.
		clash := created
		clash.ID, clash.Code = all[2].ID, "viec_lam"
		clash.Label, clash.MaxScore = all[2].Label, all[2].MaxScore
		if _, err := f.App.SaveScoreItem(f.prov, clash); projFieldMsgs(err)["code"] != `Mã "viec_lam" đã dùng cho tiêu chí «Việc làm tạo ra».` {
			t.Errorf("rename onto a taken code: %v %v", err, projFieldMsgs(err))
		}
		// An unknown item is not found.
		ghost := created
		ghost.ID = created.ID + 1000
		if _, err := f.App.SaveScoreItem(f.prov, ghost); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("unknown item: %v", err)
		}

		// The new item is on the sheet: a council member must score it.
		sheet, err := f.App.ScoreSheet(f.council)
		if err != nil || sheetCodes(sheet) != "fit,objectives,costs,capacity,links,viec_lam" || sheet[5].MaxScore != 10 {
			t.Fatalf("sheet after the addition %+v %v", sheet, err)
		}
		p := f.create(t, f.a, f.input())
		f.step(t, f.a, p.ID, app.Transition{Action: app.ActionRegister, On: kc.MustDate("2025-04-01")})
		_, err = f.App.SubmitScores(f.council, p.ID, projScores(80), "Đạt")
		if got := projFieldMsgs(err)["scores.viec_lam"]; got != "Tiêu chí «Việc làm tạo ra»: chưa chấm điểm." {
			t.Errorf("scores without the new item: %v %v", err, projFieldMsgs(err))
		}
		scores := projScores(80)
		scores["viec_lam"] = 11
		_, err = f.App.SubmitScores(f.council, p.ID, scores, "Đạt")
		if got := projFieldMsgs(err)["scores.viec_lam"]; got != "Tiêu chí «Việc làm tạo ra»: điểm 11 không hợp lệ, phải từ 0 đến 10." {
			t.Errorf("score above the new maximum: %v %v", err, projFieldMsgs(err))
		}
		scores["viec_lam"] = 7
		sum, err := f.App.SubmitScores(f.council, p.ID, scores, "Đạt")
		if err != nil || sum.Mine == nil || sum.Mine.Total != 16+20+16+16+12+7 {
			t.Fatalf("scores with the new item: %+v %v", sum.Mine, err)
		}

		// A scored item keeps its code and maximum: both refusals at once,
		// each saying how many scores use it.
		all, _ = f.App.ScoreSheetAll(f.prov)
		fit := all[0]
		if fit.Code != "fit" || fit.Used != 1 {
			t.Fatalf("fit after scoring %+v", fit)
		}
		changed := fit
		changed.Code, changed.MaxScore = "phu_hop", 30
		_, err = f.App.SaveScoreItem(f.prov, changed)
		msgs := projFieldMsgs(err)
		if msgs["code"] != `Tiêu chí đã có 1 điểm chấm nên phải giữ mã "fit": đổi mã sẽ làm thay đổi các phiếu thẩm định đã chấm. Có thể đổi tên hoặc ngừng dùng tiêu chí.` ||
			msgs["max_score"] != "Tiêu chí đã có 1 điểm chấm nên phải giữ điểm tối đa 20: đổi sẽ làm thay đổi các phiếu thẩm định đã chấm. Có thể ngừng dùng tiêu chí này và thêm tiêu chí mới." {
			t.Errorf("code and max change of a scored item: %v", msgs)
		}
		// An item nobody scored yet may change both.
		fresh, err := f.App.SaveScoreItem(f.prov, app.ScoreItemConfig{Code: "lien_ket", Label: "Liên kết", MaxScore: 5, Position: 20, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		fresh.Code, fresh.MaxScore = "lien_ket_vung", 8
		if saved, err := f.App.SaveScoreItem(f.prov, fresh); err != nil || saved.Code != "lien_ket_vung" || saved.MaxScore != 8 || saved.Position != 20 {
			t.Errorf("unscored item: %+v %v %v", saved, err, projFieldMsgs(err))
		}
		// It may be relabelled, moved and retired; the change is audited
		// with the item before and after.
		fit.Label, fit.Position, fit.Active = "Phù hợp với nguyên tắc khuyến công", 9, false
		saved, err := f.App.SaveScoreItem(f.prov, fit)
		if err != nil || saved.Label != "Phù hợp với nguyên tắc khuyến công" || saved.Position != 9 || saved.Active || saved.Used != 1 || saved.Code != "fit" {
			t.Fatalf("retire fit: %+v %v %v", saved, err, projFieldMsgs(err))
		}
		es := f.auditOf(t, "score_item", fit.ID)
		if len(es) != 1 || es[0].Action != kc.ActionUpdate || !strings.Contains(es[0].Before, `"Active":true`) || !strings.Contains(es[0].After, `"Active":false`) ||
			!strings.Contains(es[0].After, "Phù hợp với nguyên tắc khuyến công") {
			t.Errorf("update audit %+v", es)
		}
		if sheet, _ := f.App.ScoreSheet(f.council); sheetCodes(sheet) != "objectives,costs,capacity,links,viec_lam,lien_ket_vung" {
			t.Errorf("active sheet after retiring fit: %s", sheetCodes(sheet))
		}
		if all, _ := f.App.ScoreSheetAll(f.viewer); sheetCodes(all) != "objectives,costs,capacity,links,viec_lam,fit,lien_ket_vung" {
			t.Errorf("whole sheet after retiring fit: %s", sheetCodes(all))
		}

		// The last active item cannot be retired.
		all, _ = f.App.ScoreSheetAll(f.prov)
		for _, it := range all {
			if it.Code == "viec_lam" || !it.Active {
				continue
			}
			it.Active = false
			if _, err := f.App.SaveScoreItem(f.sys, it); err != nil {
				t.Fatalf("retire %s: %v %v", it.Code, err, projFieldMsgs(err))
			}
		}
		last := all[slices.IndexFunc(all, func(it app.ScoreItemConfig) bool { return it.Code == "viec_lam" })]
		last.Active = false
		if _, err := f.App.SaveScoreItem(f.prov, last); projFieldMsgs(err)["active"] != "Không thể ngừng dùng tiêu chí cuối cùng: phiếu thẩm định cần ít nhất một tiêu chí." {
			t.Errorf("retire the last active item: %v %v", err, projFieldMsgs(err))
		}
		if sheet, _ := f.App.ScoreSheet(f.council); sheetCodes(sheet) != "viec_lam" {
			t.Errorf("active sheet: %s", sheetCodes(sheet))
		}
		// A retired item may come back.
		fit.Active = true
		if saved, err := f.App.SaveScoreItem(f.prov, fit); err != nil || !saved.Active {
			t.Errorf("bring fit back: %+v %v", saved, err)
		}
	})
}

// settingByKey returns the view of key.
func settingByKey(t *testing.T, views []app.ProjectSettingView, key string) app.ProjectSettingView {
	t.Helper()
	i := slices.IndexFunc(views, func(v app.ProjectSettingView) bool { return v.Key == key })
	if i < 0 {
		t.Fatalf("no setting %s", key)
	}
	return views[i]
}

func TestProjectSettingsSave(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjFixture(t, st)
		admin := f.As(t, t.Context(), apptest.Admin)
		views, err := f.App.ProjectSettingsView(f.viewer)
		if err != nil || len(views) != 8 {
			t.Fatalf("views %d %v", len(views), err)
		}
		nat := settingByKey(t, views, app.SettingRegistrationDeadline+app.LevelNational)
		if nat.Value != "05-20" || nat.Default != "05-20" || nat.Custom || nat.Kind != app.SettingKindMonthDay ||
			nat.Label != "Hạn đăng ký đề án khuyến công quốc gia" || nat.Source != "Ngày 20/05 năm trước năm kế hoạch — TT 36/2013 Điều 10.1" {
			t.Errorf("national deadline %+v", nat)
		}
		adv := settingByKey(t, views, app.SettingAdvanceRatioBP)
		if adv.Value != "7000" || adv.Min != 0 || adv.Max != 10000 || adv.Kind != app.SettingKindBasisPoints || !strings.Contains(adv.Source, "TT 36/2013 Điều 13") {
			t.Errorf("advance ratio %+v", adv)
		}
		if fu := settingByKey(t, views, app.SettingFollowUpMonths); fu.Value != "12,24" || fu.Unit != "tháng, cách nhau bằng dấu phẩy" {
			t.Errorf("follow-ups %+v", fu)
		}
		for _, v := range views {
			if v.Label == "" || v.Label == v.LabelKey || v.Source == v.SourceKey || v.Unit == v.UnitKey {
				t.Errorf("%s: label, source or unit missing from the catalog: %+v", v.Key, v)
			}
		}

		// Administrators only, like SetProjectSetting.
		change := map[string]string{app.SettingReportDay: "20"}
		for _, who := range []struct {
			name string
			ctx  context.Context
		}{{"province officer", f.prov}, {"commune officer", f.a}, {"viewer", f.viewer}} {
			if err := f.App.SaveProjectSettings(who.ctx, change); kc.ErrorCode(err) != kc.EForbidden {
				t.Errorf("%s: %v", who.name, err)
			}
		}

		// Several keys in one save, one audit entry of the changed ones;
		// a value equal to the default is not written.
		err = f.App.SaveProjectSettings(admin, map[string]string{
			app.SettingReportDay:                             " 20 ",
			app.SettingFollowUpMonths:                        "36, 12,24,12",
			app.SettingRegistrationDeadline + app.LevelLocal: "06-30",
			app.SettingAdvanceRatioBP:                        "06000",
			app.SettingSettlementDays:                        "15",
		})
		if err != nil {
			t.Fatalf("save: %v %v", err, projFieldMsgs(err))
		}
		s, err := f.App.ProjectSettings(f.viewer)
		if err != nil || s.ReportDay != 20 || !slices.Equal(s.FollowUpMonths, []int{12, 24, 36}) || s.RegistrationDeadline[app.LevelLocal] != "06-30" ||
			s.AdvanceRatioBP != 6000 || s.SettlementDays != 15 || s.RegistrationDeadline[app.LevelNational] != "05-20" {
			t.Fatalf("settings after save %+v %v", s, err)
		}
		views, _ = f.App.ProjectSettingsView(f.viewer)
		if v := settingByKey(t, views, app.SettingFollowUpMonths); v.Value != "12,24,36" || !v.Custom || v.Default != "12,24" {
			t.Errorf("follow-ups after save %+v", v)
		}
		if v := settingByKey(t, views, app.SettingSettlementDays); v.Custom {
			t.Errorf("settlement days equal to the default were stored: %+v", v)
		}
		es := f.auditOf(t, "setting", 0)
		if len(es) != 1 || es[0].Action != kc.ActionUpdate || es[0].Actor != apptest.Admin {
			t.Fatalf("audit %+v", es)
		}
		var after map[string]string
		if err := json.Unmarshal([]byte(es[0].After), &after); err != nil || len(after) != 4 || after[app.SettingAdvanceRatioBP] != "6000" ||
			after[app.SettingFollowUpMonths] != "12,24,36" || after[app.SettingReportDay] != "20" {
			t.Errorf("audit after %s %v", es[0].After, err)
		}
		// Saving the same values again writes nothing.
		if err := f.App.SaveProjectSettings(admin, map[string]string{app.SettingReportDay: "20"}); err != nil {
			t.Fatal(err)
		}
		if es := f.auditOf(t, "setting", 0); len(es) != 1 {
			t.Errorf("unchanged save audited: %d entries", len(es))
		}

		// One invalid value leaves every setting unchanged, and each error
		// is named by its key.
		err = f.App.SaveProjectSettings(admin, map[string]string{
			app.SettingReportDay:                                "21",
			app.SettingMinScorers:                               "3",
			app.SettingSettlementDays:                           "-1",
			app.SettingRegistrationDeadline + app.LevelNational: "02-29",
			app.SettingFollowUpMonths:                           "12,abc",
			app.SettingAdvanceRatioBP:                           "10001",
			"projects.nope":                                     "1",
		})
		msgs := projFieldMsgs(err)
		want := map[string]string{
			app.SettingSettlementDays:                           "Nhập số nguyên từ 0 đến 366.",
			app.SettingRegistrationDeadline + app.LevelNational: "Nhập ngày dạng tháng-ngày MM-DD (ví dụ 05-20 là ngày 20/05), không dùng 02-29; để trống nếu không có hạn.",
			app.SettingFollowUpMonths:                           "Nhập các số tháng từ 1 đến 120, cách nhau bằng dấu phẩy (ví dụ 12,24).",
			app.SettingAdvanceRatioBP:                           "Nhập số phần vạn từ 0 đến 10000 (7000 là 70 %).",
			"projects.nope":                                     `Không có thiết lập "projects.nope".`,
		}
		if kc.ErrorCode(err) != kc.EInvalid || !reflect.DeepEqual(msgs, want) {
			t.Errorf("invalid save: %v\n got %v\nwant %v", err, msgs, want)
		}
		s2, _ := f.App.ProjectSettings(f.viewer)
		if s2.ReportDay != 20 || s2.MinScorers != 1 || s2.SettlementDays != 15 || !reflect.DeepEqual(s, s2) {
			t.Errorf("an invalid save changed settings: %+v", s2)
		}
		if es := f.auditOf(t, "setting", 0); len(es) != 1 {
			t.Errorf("invalid save audited: %d entries", len(es))
		}
		// An empty deadline means none.
		if err := f.App.SaveProjectSettings(admin, map[string]string{app.SettingRegistrationDeadline + app.LevelNational: ""}); err != nil {
			t.Fatal(err)
		}
		if s, _ := f.App.ProjectSettings(f.viewer); s.RegistrationDeadline[app.LevelNational] != "" {
			t.Errorf("national deadline not cleared: %q", s.RegistrationDeadline[app.LevelNational])
		}
	})
}

// TestProjectSettingsViewMatchesRules checks the editor's list against
// the rules of project.go: every key it shows is one SetProjectSetting
// accepts, each numeric bound is exactly where SetProjectSetting starts
// refusing, and ProjectSettings has no field the editor does not show.
func TestProjectSettingsViewMatchesRules(t *testing.T) {
	st := storetest.OpenSQLite(t)
	sc := apptest.NewScope(t, st)
	admin := sc.As(t, t.Context(), apptest.Admin)
	views, err := sc.App.ProjectSettingsView(admin)
	if err != nil {
		t.Fatal(err)
	}
	// RegistrationDeadline is one field for two keys.
	if n := reflect.TypeFor[app.ProjectSettings]().NumField(); n != len(views)-1 {
		t.Errorf("ProjectSettings has %d fields, the editor shows %d keys: add the new setting to projectSettingMetas", n, len(views))
	}
	for _, v := range views {
		if err := sc.App.SetProjectSetting(admin, v.Key, v.Default); err != nil {
			t.Errorf("%s: SetProjectSetting refuses the default %q: %v", v.Key, v.Default, err)
		}
		if v.Kind != app.SettingKindInt && v.Kind != app.SettingKindBasisPoints {
			continue
		}
		for _, c := range []struct {
			n  int
			ok bool
		}{{v.Min, true}, {v.Max, true}, {v.Min - 1, false}, {v.Max + 1, false}} {
			val := strconv.Itoa(c.n)
			errSet := sc.App.SetProjectSetting(admin, v.Key, val)
			errSave := sc.App.SaveProjectSettings(admin, map[string]string{v.Key: val})
			if (errSet == nil) != c.ok || (errSave == nil) != c.ok {
				t.Errorf("%s = %s: SetProjectSetting %v, SaveProjectSettings %v, want ok=%v", v.Key, val, errSet, errSave, c.ok)
			}
		}
	}
}

// TestProjectSettingsMessagesExist checks that every "projectsettings.*"
// key the app and the edges use has a Vietnamese and an English message,
// and that the topic files hold the same keys.
func TestProjectSettingsMessagesExist(t *testing.T) {
	re := regexp.MustCompile(`"(projectsettings\.[a-z_.0-9]+)"`)
	used := map[string]bool{}
	for _, f := range []string{"scoresheet.go", "../web/project_settings.go", "../api/project_settings.go",
		"../web/templates/pages/project_settings.html", "../web/templates/pages/projects.html"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") {
				used[m[1]] = true
			}
		}
	}
	st := storetest.OpenSQLite(t)
	sc := apptest.NewScope(t, st)
	views, err := sc.App.ProjectSettingsView(sc.As(t, t.Context(), apptest.Viewer))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range views {
		used[v.LabelKey], used[v.SourceKey], used[v.UnitKey] = true, true, true
	}
	if len(used) < 40 {
		t.Fatalf("found only %d keys; is the pattern broken?", len(used))
	}
	cats := map[string]map[string]string{}
	for _, lang := range []string{"vi", "en"} {
		b, err := os.ReadFile(filepath.Join("..", "locale", "messages", lang, "projectsettings.json"))
		if err != nil {
			t.Fatal(err)
		}
		var cat map[string]string
		if err := json.Unmarshal(b, &cat); err != nil {
			t.Fatal(err)
		}
		cats[lang] = cat
		for k := range used {
			if cat[k] == "" {
				t.Errorf("%s: no message for %s", lang, k)
			}
		}
	}
	for k := range cats["vi"] {
		if _, ok := cats["en"][k]; !ok {
			t.Errorf("en: %s missing", k)
		}
	}
	for k := range cats["en"] {
		if _, ok := cats["vi"][k]; !ok {
			t.Errorf("vi: %s missing", k)
		}
	}
}
