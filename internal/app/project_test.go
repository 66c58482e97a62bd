package app_test

import (
	"context"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// projFixture is the apptest scope with the reference data, two council
// members and a context per role.
type projFixture struct {
	*apptest.Scope
	st                                         *store.Store
	sys, a, b, prov, viewer, council, council2 context.Context
}

func newProjFixture(t *testing.T, st *store.Store) *projFixture {
	t.Helper()
	f := &projFixture{Scope: apptest.NewScope(t, st), st: st}
	ctx := t.Context()
	f.sys = app.WithPrincipal(ctx, app.System)
	if err := f.App.EnsureReference(f.sys); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"hoidong1", "hoidong2"} {
		u, err := f.App.CreateUser(f.sys, app.NewUser{Username: name, DisplayName: "Thành viên " + name, Role: kc.RoleCouncilMember,
			ScopeUnitIDs: []int64{f.Province.ID}, Password: apptest.Password})
		if err != nil {
			t.Fatal(err)
		}
		f.Users[name] = u
	}
	f.a, f.b, f.prov = f.As(t, ctx, apptest.OfficerA), f.As(t, ctx, apptest.OfficerB), f.As(t, ctx, apptest.Province)
	f.viewer, f.council, f.council2 = f.As(t, ctx, apptest.Viewer), f.As(t, ctx, "hoidong1"), f.As(t, ctx, "hoidong2")
	return f
}

// input is a valid local demonstration-model project of commune A for
// EstA: 1.200.000.000 ₫ of "Máy nấu rượu", 30 % from the province.
func (f *projFixture) input() app.ProjectInput {
	return app.ProjectInput{Title: "Mô hình máy nấu rượu men lá", ContentArea: "CA3", SchemeCode: "MO_HINH_TRINH_DIEN", Level: app.LevelLocal,
		ImplementingOrg: "Trung tâm Khuyến công", CommuneID: f.CommuneA.ID, Year: 2026, Beneficiaries: []int64{f.EstA.ID},
		CostLines: []kc.CostLine{{Item: "Máy nấu rượu", Quantity: 2, UnitCost: 600_000_000}},
		Funding:   []kc.Funding{{Source: kc.SourceProvincial, Planned: 360_000_000}, {Source: kc.SourceCounterpart, Planned: 840_000_000}}}
}

// scores gives every item of the default sheet the same share s of its maximum (s in %).
func projScores(s int) map[string]int {
	return map[string]int{"fit": 20 * s / 100, "objectives": 25 * s / 100, "costs": 20 * s / 100, "capacity": 20 * s / 100, "links": 15 * s / 100}
}

// message renders err in Vietnamese.
func projMsg(err error) string {
	e := kc.AsError(err)
	return locale.T("vi", e.Key, e.Args...)
}

// fieldMessages renders the field errors of err by field.
func projFieldMsgs(err error) map[string]string {
	out := map[string]string{}
	for _, e := range kc.FieldErrors(err) {
		out[e.Field] = locale.T("vi", e.Key, e.Args...)
	}
	return out
}

func (f *projFixture) create(t *testing.T, ctx context.Context, in app.ProjectInput) app.ProjectView {
	t.Helper()
	v, err := f.App.CreateProject(ctx, in)
	if err != nil {
		t.Fatalf("create %q: %v %v", in.Title, err, projFieldMsgs(err))
	}
	return v
}

func (f *projFixture) step(t *testing.T, ctx context.Context, id int64, tr app.Transition) app.ProjectView {
	t.Helper()
	v, err := f.App.Transition(ctx, id, tr)
	if err != nil {
		t.Fatalf("%s: %v (%s) %v", tr.Action, err, projMsg(err), projFieldMsgs(err))
	}
	return v
}

// approve walks a draft to approved: registered on reg, scored by one
// member, appraised and approved 10 and 20 days later.
func (f *projFixture) approve(t *testing.T, id int64, reg kc.Date) app.ProjectView {
	t.Helper()
	f.step(t, f.a, id, app.Transition{Action: app.ActionRegister, On: reg})
	if _, err := f.App.SubmitScores(f.council, id, projScores(80), "Đạt"); err != nil {
		t.Fatal(err)
	}
	f.step(t, f.prov, id, app.Transition{Action: app.ActionAppraise, On: reg.AddDays(10)})
	return f.step(t, f.prov, id, app.Transition{Action: app.ActionApprove, On: reg.AddDays(20), DecisionNo: "15/QĐ-SCT"})
}

func TestProjectCreateValidates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjFixture(t, st)
		cases := []struct {
			name  string
			edit  func(in *app.ProjectInput)
			field string
			msg   string
		}{
			{"title required", func(in *app.ProjectInput) { in.Title = "  " }, "title", "Cần nhập tên đề án."},
			{"content area unknown", func(in *app.ProjectInput) { in.ContentArea = "CA99" }, "content_area", `Nội dung khuyến công "CA99" không có trong danh mục.`},
			{"scheme of another content area", func(in *app.ProjectInput) { in.SchemeCode = "THUONG_HIEU" }, "scheme",
				"Nội dung hỗ trợ THUONG_HIEU thuộc nội dung khuyến công CA4, không phải CA3."},
			{"scheme unknown", func(in *app.ProjectInput) { in.SchemeCode = "KHONG_CO" }, "scheme", `Không có nội dung hỗ trợ mã "KHONG_CO".`},
			{"commune outside the scope", func(in *app.ProjectInput) { in.CommuneID = f.CommuneB.ID }, "commune", "Xã, phường này không thuộc phạm vi bạn quản lý."},
			{"beneficiary outside the scope", func(in *app.ProjectInput) { in.Beneficiaries = []int64{f.EstB.ID} }, "beneficiaries",
				"Cần ít nhất một cơ sở thụ hưởng (trừ đề án nhóm)."},
			{"no beneficiary", func(in *app.ProjectInput) { in.Beneficiaries = nil }, "beneficiaries", "Cần ít nhất một cơ sở thụ hưởng (trừ đề án nhóm)."},
			{"absurd line", func(in *app.ProjectInput) {
				in.CostLines = append(in.CostLines, kc.CostLine{Item: "Nhà xưởng", Quantity: 1, UnitCost: 150_000_000_000})
			}, "cost_lines.2", "Dòng 2: thành tiền 150.000.000.000 ₫ vượt 100.000.000.000 ₫, hãy kiểm tra lại số lượng và đơn giá."},
			{"absurd total", func(in *app.ProjectInput) {
				in.CostLines = []kc.CostLine{{Item: "Máy", Quantity: 1, UnitCost: 90_000_000_000}, {Item: "Nhà xưởng", Quantity: 1, UnitCost: 90_000_000_000},
					{Item: "Lắp đặt", Quantity: 3, UnitCost: 10_000_000_000}}
			}, "cost_lines", "Tổng dự toán 210.000.000.000 ₫ vượt 200.000.000.000 ₫, hãy kiểm tra lại số liệu."},
			{"item required", func(in *app.ProjectInput) { in.CostLines[0].Item = "" }, "cost_lines.1", "Dòng 1: cần nhập nội dung chi."},
			{"quantity zero", func(in *app.ProjectInput) { in.CostLines[0].Quantity = 0 }, "cost_lines.1", "Dòng 1: số lượng phải lớn hơn 0."},
			{"negative unit cost", func(in *app.ProjectInput) { in.CostLines[0].UnitCost = -1 }, "cost_lines.1", "Dòng 1: đơn giá không được âm."},
			{"funding short of the cost", func(in *app.ProjectInput) { in.Funding[1].Planned = 800_000_000 }, "funding",
				"Tổng các nguồn kinh phí 1.160.000.000 ₫ nhỏ hơn tổng dự toán 1.200.000.000 ₫ (thiếu 40.000.000 ₫)."},
			{"unknown source", func(in *app.ProjectInput) { in.Funding = append(in.Funding, kc.Funding{Source: "bank", Planned: 1}) }, "funding",
				`Nguồn kinh phí "bank" không hợp lệ.`},
			{"negative source", func(in *app.ProjectInput) { in.Funding[0].Planned = -5 }, "funding.provincial", "Nguồn ngân sách tỉnh: số tiền không được âm."},
			{"end before start", func(in *app.ProjectInput) {
				in.StartsOn, in.EndsOn = kc.MustDate("2026-06-01"), kc.MustDate("2026-05-01")
			}, "ends_on", "Ngày kết thúc 01/05/2026 trước ngày bắt đầu 01/06/2026."},
			{"year far ahead", func(in *app.ProjectInput) { in.Year = 2031 }, "year", "Năm kế hoạch phải từ 2012 đến 2028."},
			{"level", func(in *app.ProjectInput) { in.Level = "district" }, "level", `Cấp đề án phải là quốc gia hoặc địa phương (nhận được "district").`},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				in := f.input()
				c.edit(&in)
				_, err := f.App.CreateProject(f.a, in)
				if kc.ErrorCode(err) != kc.EInvalid {
					t.Fatalf("err %v, want invalid", err)
				}
				got := projFieldMsgs(err)
				if got[c.field] != c.msg {
					t.Errorf("field %s: %q, want %q (all: %v)", c.field, got[c.field], c.msg, got)
				}
			})
		}
		if _, err := f.App.CreateProject(f.viewer, f.input()); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("viewer creates: %v", err)
		}
		if _, err := f.App.CreateProject(f.council, f.input()); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("council member creates: %v", err)
		}
		group := f.input()
		group.Group, group.Beneficiaries = true, nil
		g := f.create(t, f.a, group)
		v := f.create(t, f.a, f.input())
		if g.Code != "DA-2026-0001" || v.Code != "DA-2026-0002" || v.State != kc.StateDraft || v.Version != 1 || len(v.Events) != 1 {
			t.Errorf("codes %s %s, state %s, version %d, events %d", g.Code, v.Code, v.State, v.Version, len(v.Events))
		}
		if v.CostLines[0].Amount != 1_200_000_000 || v.SchemeCode != "MO_HINH_TRINH_DIEN" || v.CommuneName != "Xã An Phú" ||
			v.BeneficiaryNames[f.EstA.ID] != f.EstA.Name || !v.Check.OK() || v.Check.MaxSupport != 360_000_000 {
			t.Errorf("view: %+v", v)
		}
		if got, want := projActions(v), "register:true"; got != want {
			t.Errorf("actions of a draft: %s, want %s", got, want)
		}
	})
}

// actions writes the action options of v as "action:allowed".
func projActions(v app.ProjectView) string {
	var parts []string
	for _, o := range v.Actions {
		s := o.Action + ":false"
		if o.Allowed {
			s = o.Action + ":true"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func TestProjectUpdateAndDeleteDraftOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjFixture(t, st)
		v := f.create(t, f.a, f.input())
		in := f.input()
		in.Title, in.Version = "Mô hình nấu rượu cải tiến", v.Version
		u, err := f.App.UpdateProject(f.a, v.ID, in)
		if err != nil || u.Title != "Mô hình nấu rượu cải tiến" || u.Version != 2 || u.Code != v.Code {
			t.Fatalf("update: %+v %v", u, err)
		}
		in.Version = 1
		if _, err := f.App.UpdateProject(f.a, v.ID, in); kc.ErrorCode(err) != kc.EConflict {
			t.Errorf("stale update: %v", err)
		}
		if _, err := f.App.UpdateProject(f.b, v.ID, f.input()); kc.ErrorCode(err) == "" {
			t.Errorf("officer B updates A's project")
		}
		f.step(t, f.a, v.ID, app.Transition{Action: app.ActionRegister, On: kc.MustDate("2026-03-01")})
		in.Version = 0
		_, err = f.App.UpdateProject(f.a, v.ID, in)
		if kc.ErrorCode(err) != kc.EConflict || projMsg(err) != "Đề án đang ở trạng thái «Đã đăng ký» nên không thể sửa." {
			t.Errorf("update registered: %v %q", err, projMsg(err))
		}
		if err := f.App.DeleteProject(f.a, v.ID); kc.ErrorCode(err) != kc.EConflict {
			t.Errorf("delete registered: %v", err)
		}
		d := f.create(t, f.a, f.input())
		if err := f.App.DeleteProject(f.b, d.ID); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("officer B deletes A's draft: %v", err)
		}
		if err := f.App.DeleteProject(f.a, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.App.Project(f.a, d.ID); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("deleted draft still read: %v", err)
		}
		audit, err := f.App.ListAudit(f.sys, "project", d.ID, 10)
		if err != nil || len(audit) != 2 || audit[0].Action != kc.ActionDelete && audit[1].Action != kc.ActionDelete {
			t.Errorf("audit of the deleted draft: %+v %v", audit, err)
		}
	})
}

func TestProjectFundingCheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjFixture(t, st)
		on := kc.MustDate("2026-03-01")
		in := f.input()
		in.Funding = []kc.Funding{{Source: kc.SourceProvincial, Planned: 400_000_000}, {Source: kc.SourceCounterpart, Planned: 800_000_000}}
		fc, err := f.App.CheckFunding(f.a, in, on)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range fc.Problems {
			got = append(got, locale.T("vi", p.Key, p.Args...))
		}
		want := []string{
			"Kinh phí nhà nước đề nghị 400.000.000 ₫ vượt mức tối đa 360.000.000 ₫ (30 % × 1.200.000.000 ₫; trần 1.000.000.000 ₫).",
			"Phần đối ứng 800.000.000 ₫ thấp hơn mức tối thiểu 840.000.000 ₫ (70 % × 1.200.000.000 ₫).",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if fc.Scheme != "MO_HINH_TRINH_DIEN" || fc.SchemeVersion != 3 || !fc.Confirmed || fc.MaxSupport != 360_000_000 || fc.StateSupport != 400_000_000 {
			t.Errorf("check: %+v", fc)
		}
		var lines []string
		for _, l := range fc.Lines {
			lines = append(lines, locale.T("vi", l.Key, l.Args...))
		}
		for _, w := range []string{"Theo tỷ lệ: 30 % × 1.200.000.000 ₫ = 360.000.000 ₫.", "Mức hỗ trợ tối đa: 1.000.000.000 ₫.",
			"Kinh phí nhà nước đề nghị: 400.000.000 ₫."} {
			if !strings.Contains(strings.Join(lines, "\n"), w) {
				t.Errorf("lines lack %q:\n%s", w, strings.Join(lines, "\n"))
			}
		}
		// In 2017 the TTLT 26/2014 version applies: cap 500.000.000 ₫.
		old := in
		old.Year = 2017
		fc, err = f.App.CheckFunding(f.a, old, kc.MustDate("2017-03-01"))
		if err != nil || fc.SchemeVersion != 1 || len(fc.Problems) == 0 ||
			locale.T("vi", fc.Problems[0].Key, fc.Problems[0].Args...) != "Kinh phí nhà nước đề nghị 400.000.000 ₫ vượt mức tối đa 360.000.000 ₫ (30 % × 1.200.000.000 ₫; trần 500.000.000 ₫)." {
			t.Errorf("2017 check: %+v %v", fc, err)
		}
		// The training scheme has no confirmed cap: a warning, no refusal.
		train := f.input()
		train.ContentArea, train.SchemeCode = "CA1", "DAO_TAO_NGHE"
		train.Funding = []kc.Funding{{Source: kc.SourceProvincial, Planned: 1_200_000_000}}
		fc, err = f.App.CheckFunding(f.a, train, on)
		if err != nil || !fc.OK() || len(fc.Warnings) != 1 || fc.Warnings[0].Key != "projects.check.unset" ||
			!strings.Contains(locale.T("vi", fc.Warnings[0].Key, fc.Warnings[0].Args...), "cần xác minh") {
			t.Errorf("unset cap: %+v %v", fc, err)
		}
		if _, err := f.App.CheckFunding(f.viewer, in, on); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("viewer checks: %v", err)
		}
		// Registering the over-cap draft is refused with the same numbers.
		v := f.create(t, f.a, in)
		_, err = f.App.Transition(f.a, v.ID, app.Transition{Action: app.ActionRegister, On: on})
		if got := projFieldMsgs(err); kc.ErrorCode(err) != kc.EInvalid || got["funding"] != want[0] || got["funding.counterpart"] != want[1] {
			t.Errorf("register over the cap: %v %v", err, got)
		}
		if after, _ := f.App.Project(f.a, v.ID); after.State != kc.StateDraft || len(after.Events) != 1 {
			t.Errorf("refused registration changed the project: %s, %d events", after.State, len(after.Events))
		}
	})
}

func TestProjectDoubleFunding(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjFixture(t, st)
		reg := kc.MustDate("2026-03-01")
		first := f.create(t, f.a, f.input())
		f.step(t, f.a, first.ID, app.Transition{Action: app.ActionRegister, On: reg})
		want := "Cơ sở «" + f.EstA.Name + "» đã được ngân sách nhà nước hỗ trợ hạng mục «Máy nấu rượu» trong đề án " + first.Code +
			" «Mô hình máy nấu rượu men lá» (Đã đăng ký, từ 01/01/2026 đến 31/12/2026): không được hỗ trợ trùng trong cùng thời gian."
		again := f.input()
		again.Title = "Hỗ trợ máy nấu rượu lần hai"
		again.CostLines[0].Item = "máy  nấu RƯỢU"
		fc, err := f.App.CheckFunding(f.a, again, reg)
		if err != nil || len(fc.Problems) != 1 || locale.T("vi", fc.Problems[0].Key, fc.Problems[0].Args...) != want ||
			len(fc.Duplicates) != 1 || fc.Duplicates[0].Code != first.Code {
			t.Fatalf("check: %+v %v", fc, err)
		}
		second := f.create(t, f.a, again)
		_, err = f.App.Transition(f.a, second.ID, app.Transition{Action: app.ActionRegister, On: reg})
		if kc.ErrorCode(err) != kc.EInvalid || projFieldMsgs(err)["cost_lines"] != want {
			t.Errorf("register the same item: %v %v", err, projFieldMsgs(err))
		}
		nextYear := again
		nextYear.Year = 2027
		third := f.create(t, f.a, nextYear)
		if v := f.step(t, f.a, third.ID, app.Transition{Action: app.ActionRegister, On: reg}); v.State != kc.StateRegistered {
			t.Errorf("another year: %s", v.State)
		}
		other := f.input()
		other.CostLines[0].Item = "Máy đóng chai"
		fourth := f.create(t, f.a, other)
		if v := f.step(t, f.a, fourth.ID, app.Transition{Action: app.ActionRegister, On: reg}); v.State != kc.StateRegistered {
			t.Errorf("another item: %s", v.State)
		}
		// The schedule counts when set: no overlap, no refusal.
		early, late := again, again
		early.StartsOn, early.EndsOn = kc.MustDate("2026-01-01"), kc.MustDate("2026-02-28")
		fc, err = f.App.CheckFunding(f.a, early, reg)
		if err != nil || len(fc.Problems) != 1 {
			t.Errorf("early schedule overlaps the whole year of the first: %+v %v", fc.Problems, err)
		}
		// Once the first is withdrawn, the item is free again; approval
		// checks again on the decision day.
		f.step(t, f.a, first.ID, app.Transition{Action: app.ActionWithdraw, On: reg.AddDays(1), Reason: "Trùng nội dung"})
		late.Title = "Máy nấu rượu sau khi rút"
		v := f.create(t, f.a, late)
		v = f.approve(t, v.ID, reg.AddDays(2))
		if v.State != kc.StateApproved || !v.Check.OK() {
			t.Errorf("after withdrawal: %s %+v", v.State, v.Check.Problems)
		}
		fc, err = f.App.CheckFunding(f.a, again, reg)
		if err != nil || len(fc.Problems) != 1 || fc.Duplicates[0].Code != v.Code {
			t.Errorf("the approved project now holds the item: %+v %v", fc.Duplicates, err)
		}
	})
}

func TestProjectLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjFixture(t, st)
		in := f.input()
		in.StartsOn, in.EndsOn = kc.MustDate("2026-04-01"), kc.MustDate("2026-10-31")
		v := f.create(t, f.a, in)
		id := v.ID
		v = f.approve(t, id, kc.MustDate("2026-03-01"))
		if v.DecisionNo != "15/QĐ-SCT" || v.DecidedOn != kc.MustDate("2026-03-21") || v.AppraisedOn != kc.MustDate("2026-03-11") ||
			v.Funding[0].Approved != 360_000_000 || v.Funding[1].Approved != 840_000_000 {
			t.Errorf("approved: %+v", v.Project)
		}
		sv, err := st.GetSchemeVersion(t.Context(), v.SchemeID)
		if err != nil || sv.Code != "MO_HINH_TRINH_DIEN" || sv.Version != 3 {
			t.Errorf("pinned scheme %+v %v", sv, err)
		}
		// The advance is at most 70 % of the approved amount.
		_, err = f.App.Transition(f.a, id, app.Transition{Action: app.ActionStart, On: kc.MustDate("2026-04-10"),
			Advances: map[string]int64{kc.SourceProvincial: 300_000_000}})
		if got := projFieldMsgs(err)["advances.provincial"]; got != "Tạm ứng ngân sách tỉnh 300.000.000 ₫ vượt mức 70 % × 360.000.000 ₫ = 252.000.000 ₫." {
			t.Errorf("advance over the ratio: %q (%v)", got, err)
		}
		v = f.step(t, f.a, id, app.Transition{Action: app.ActionStart, On: kc.MustDate("2026-04-10"), DocumentRef: "HĐ 07/2026",
			Advances: map[string]int64{kc.SourceProvincial: 252_000_000}, Version: v.Version})
		if v.State != kc.StateInProgress || v.StartsOn != kc.MustDate("2026-04-10") || v.Funding[0].Advanced != 252_000_000 {
			t.Errorf("started: %+v", v.Project)
		}
		if v, err = f.App.AddProgressReport(f.a, id, app.ProgressReport{Period: "2026-04", ProgressPct: 20, Spent: 100_000_000}); err != nil || len(v.Reports) != 1 {
			t.Fatalf("report: %v %v", err, projFieldMsgs(err))
		}
		if _, err := f.App.AddProgressReport(f.a, id, app.ProgressReport{Period: "2026-03"}); projFieldMsgs(err)["period"] == "" {
			t.Errorf("report before the start: %v", err)
		}
		if _, err := f.App.AddProgressReport(f.a, id, app.ProgressReport{Period: "2026-05", ProgressPct: 120}); projFieldMsgs(err)["progress_pct"] == "" {
			t.Errorf("progress 120 %%: %v", err)
		}
		v = f.step(t, f.prov, id, app.Transition{Action: app.ActionAdjust, On: kc.MustDate("2026-06-01"), DecisionNo: "20/QĐ-SCT",
			Reason: "Kéo dài thời gian lắp đặt", EndsOn: kc.MustDate("2026-11-15")})
		if v.State != kc.StateInProgress || v.EndsOn != kc.MustDate("2026-11-15") {
			t.Errorf("adjusted: %s %s", v.State, v.EndsOn)
		}
		if last := v.Events[len(v.Events)-1]; last.From != kc.StateInProgress || last.To != kc.StateInProgress || last.DocumentRef != "20/QĐ-SCT" ||
			last.Note != "Kéo dài thời gian lắp đặt; ngày kết thúc: 31/10/2026 → 15/11/2026" {
			t.Errorf("adjust event: %+v", last)
		}
		_, err = f.App.Transition(f.prov, id, app.Transition{Action: app.ActionAccept, On: kc.MustDate("2026-11-01"),
			Outputs: []kc.Output{{Kind: "machines", Value: 2}}})
		if projFieldMsgs(err)["document_ref"] != "Cần nhập số biên bản nghiệm thu." {
			t.Errorf("accept without minutes: %v", projFieldMsgs(err))
		}
		v = f.step(t, f.prov, id, app.Transition{Action: app.ActionAccept, On: kc.MustDate("2026-11-01"), DocumentRef: "BB 11/2026",
			Outputs: []kc.Output{{Kind: "machines", Value: 2}, {Kind: "jobs", Value: 6}}})
		if v.State != kc.StateAccepted || v.AcceptedOn != kc.MustDate("2026-11-01") || len(v.Outputs) != 2 {
			t.Errorf("accepted: %+v", v.Project)
		}
		_, err = f.App.Transition(f.prov, id, app.Transition{Action: app.ActionSettle, On: kc.MustDate("2026-11-20"),
			Settled: map[string]int64{kc.SourceProvincial: 400_000_000}})
		if got := projFieldMsgs(err)["settled.provincial"]; got != "Quyết toán ngân sách tỉnh 400.000.000 ₫ vượt số được duyệt 360.000.000 ₫." {
			t.Errorf("settle above approved: %q", got)
		}
		v = f.step(t, f.prov, id, app.Transition{Action: app.ActionSettle, On: kc.MustDate("2026-11-20"),
			Settled: map[string]int64{kc.SourceProvincial: 350_000_000, kc.SourceCounterpart: 840_000_000}})
		if last := v.Events[len(v.Events)-1]; last.Note != "Quyết toán muộn 4 ngày so với hạn 16/11/2026 (15 ngày sau nghiệm thu)." {
			t.Errorf("late settlement note: %q", last.Note)
		}
		want := []app.SourceReconciliation{{Source: kc.SourceProvincial, Approved: 360_000_000, Advanced: 252_000_000, Settled: 350_000_000, ToPay: 98_000_000},
			{Source: kc.SourceCounterpart, Approved: 840_000_000, Settled: 840_000_000}}
		if len(v.Reconciliation) != 2 || v.Reconciliation[0] != want[0] || v.Reconciliation[1] != want[1] {
			t.Errorf("reconciliation %+v", v.Reconciliation)
		}
		if _, err := f.App.Transition(f.prov, id, app.Transition{Action: app.ActionClose, On: kc.MustDate("2026-11-24")}); projFieldMsgs(err)["document_ref"] == "" {
			t.Errorf("close without liquidation record: %v", err)
		}
		v = f.step(t, f.prov, id, app.Transition{Action: app.ActionClose, On: kc.MustDate("2026-11-24"), DocumentRef: "TL 03/2026"})
		if v.State != kc.StateClosed || v.ClosedOn != kc.MustDate("2026-11-24") || len(v.Actions) != 0 {
			t.Errorf("closed: %s %s %v", v.State, v.ClosedOn, v.Actions)
		}
		var path []string
		for _, e := range v.Events {
			path = append(path, e.From+">"+e.To)
		}
		if got := strings.Join(path, " "); got != ">draft draft>registered registered>appraised appraised>approved approved>in_progress "+
			"in_progress>in_progress in_progress>accepted accepted>settled settled>closed" {
			t.Errorf("events: %s", got)
		}
		if v.Version != 9 {
			t.Errorf("version %d, want 9", v.Version)
		}
		audit, err := f.App.ListAudit(f.sys, "project", id, 100)
		if err != nil || len(audit) != 9 {
			t.Errorf("%d audit entries (%v), want 9", len(audit), err)
		}
		if sup, err := f.App.SupportHistory(f.a, f.EstA.ID); err != nil || len(sup) != 1 || sup[0].StateSupport != 350_000_000 ||
			sup[0].Counterpart != 840_000_000 || sup[0].DecisionNo != "15/QĐ-SCT" || sup[0].Code != v.Code {
			t.Errorf("support history %+v %v", sup, err)
		}
	})
}

func TestProjectAcceptTrainingNeedsEmployment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjFixture(t, st)
		in := f.input()
		in.Title, in.ContentArea, in.SchemeCode = "Đào tạo nghề dệt thổ cẩm", "CA1", "DAO_TAO_NGHE"
		in.CostLines = []kc.CostLine{{Item: "Thù lao giảng viên", Quantity: 30, UnitCost: 1_000_000}}
		in.Funding = []kc.Funding{{Source: kc.SourceProvincial, Planned: 30_000_000}}
		v := f.create(t, f.a, in)
		v = f.approve(t, v.ID, kc.MustDate("2026-03-01"))
		if len(v.Check.Warnings) == 0 {
			t.Errorf("unset training cap gives no warning")
		}
		f.step(t, f.a, v.ID, app.Transition{Action: app.ActionStart, On: kc.MustDate("2026-04-01")})
		_, err := f.App.Transition(f.prov, v.ID, app.Transition{Action: app.ActionAccept, On: kc.MustDate("2026-06-01"), DocumentRef: "BB 1",
			Outputs: []kc.Output{{Kind: "trainees", Value: 30}}})
		if got := projFieldMsgs(err)["outputs.trainees_employed"]; got != "Thiếu danh sách học viên có việc làm sau đào tạo (Thông tư 36/2013/TT-BCT, Điều 14)." {
			t.Errorf("training without employment: %q (%v)", got, err)
		}
		_, err = f.App.Transition(f.prov, v.ID, app.Transition{Action: app.ActionAccept, On: kc.MustDate("2026-06-01"), DocumentRef: "BB 1",
			Outputs: []kc.Output{{Kind: "trainees", Value: 30}, {Kind: "trainees_employed", Value: 31}}})
		if projFieldMsgs(err)["outputs.trainees_employed"] == "" {
			t.Errorf("more employed than trained: %v", err)
		}
		v = f.step(t, f.prov, v.ID, app.Transition{Action: app.ActionAccept, On: kc.MustDate("2026-06-01"), DocumentRef: "BB 1",
			Outputs: []kc.Output{{Kind: "trainees", Value: 30}, {Kind: "trainees_employed", Value: 24}}})
		if v.State != kc.StateAccepted {
			t.Errorf("state %s", v.State)
		}
	})
}

// counts returns the number of events and audit entries of project id.
func (f *projFixture) counts(t *testing.T, id int64) (int, int) {
	t.Helper()
	v, err := f.App.Project(f.sys, id)
	if err != nil {
		t.Fatal(err)
	}
	audit, err := f.App.ListAudit(f.sys, "project", id, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(v.Events), len(audit)
}

func TestProjectForbiddenTransitionsChangeNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjFixture(t, st)
		draft := f.create(t, f.a, f.input())
		reg := f.create(t, f.a, f.input())
		f.step(t, f.a, reg.ID, app.Transition{Action: app.ActionRegister, On: kc.MustDate("2026-03-01")})
		other := f.input()
		other.CostLines[0].Item = "Máy lọc rượu"
		appraised := f.create(t, f.a, other)
		f.step(t, f.a, appraised.ID, app.Transition{Action: app.ActionRegister, On: kc.MustDate("2026-03-01")})
		if _, err := f.App.SubmitScores(f.council, appraised.ID, projScores(60), ""); err != nil {
			t.Fatal(err)
		}
		f.step(t, f.prov, appraised.ID, app.Transition{Action: app.ActionAppraise, On: kc.MustDate("2026-03-10")})
		national := f.input()
		national.Level = app.LevelNational
		nat := f.create(t, f.a, national)
		cases := []struct {
			name string
			ctx  context.Context
			id   int64
			tr   app.Transition
			code string
			msg  string
		}{
			{"commune officer approves", f.a, appraised.ID, app.Transition{Action: app.ActionApprove, DecisionNo: "1/QĐ"}, kc.EForbidden,
				"Vai trò Cán bộ xã không được phê duyệt đề án."},
			{"council member appraises", f.council, reg.ID, app.Transition{Action: app.ActionAppraise}, kc.EForbidden,
				"Vai trò Thành viên hội đồng không được thẩm định đề án."},
			{"approve a draft", f.prov, draft.ID, app.Transition{Action: app.ActionApprove, DecisionNo: "1/QĐ"}, kc.EConflict,
				"Đề án đang ở trạng thái «Bản nháp» nên không thể phê duyệt."},
			{"start before approval", f.a, appraised.ID, app.Transition{Action: app.ActionStart}, kc.EConflict,
				"Đề án đang ở trạng thái «Đã thẩm định» nên không thể bắt đầu thực hiện."},
			{"appraise without scores", f.prov, reg.ID, app.Transition{Action: app.ActionAppraise}, kc.EConflict,
				"Mới có 0 thành viên hội đồng chấm điểm; cần ít nhất 1 trước khi thẩm định."},
			{"approve without decision number", f.prov, appraised.ID, app.Transition{Action: app.ActionApprove, On: kc.MustDate("2026-04-01")}, kc.EInvalid,
				"Cần nhập số quyết định."},
			{"decision before registration", f.prov, appraised.ID, app.Transition{Action: app.ActionApprove, On: kc.MustDate("2026-02-01"), DecisionNo: "1/QĐ"},
				kc.EInvalid, "Ngày 01/02/2026 trước ngày đăng ký (01/03/2026)."},
			{"decision in the future", f.prov, appraised.ID, app.Transition{Action: app.ActionApprove, On: kc.MustDate("2026-12-01"), DecisionNo: "1/QĐ"},
				kc.EInvalid, "Ngày 01/12/2026 chưa đến."},
			{"reject without reason", f.prov, appraised.ID, app.Transition{Action: app.ActionReject, DecisionNo: "2/QĐ"}, kc.EInvalid, "Cần nêu lý do."},
			{"national registration after 20 May of the year before", f.a, nat.ID, app.Transition{Action: app.ActionRegister, On: kc.MustDate("2026-03-01")},
				kc.EInvalid, "Đề án đã quá hạn đăng ký (20/05/2025) của kế hoạch năm 2026."},
			{"stale version", f.prov, appraised.ID, app.Transition{Action: app.ActionApprove, DecisionNo: "1/QĐ", Version: 1}, kc.EConflict,
				"Đề án vừa được người khác thay đổi; hãy tải lại trang rồi thao tác lại."},
			{"officer of another commune", f.b, reg.ID, app.Transition{Action: app.ActionWithdraw, Reason: "x"}, kc.ENotFound, "Không tìm thấy dữ liệu yêu cầu."},
			{"unknown action", f.prov, reg.ID, app.Transition{Action: "publish"}, kc.EInvalid, `Thao tác "publish" không có trong quy trình đề án.`},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				events, audits := f.counts(t, c.id)
				before, err := f.App.Project(f.sys, c.id)
				if err != nil {
					t.Fatal(err)
				}
				_, err = f.App.Transition(c.ctx, c.id, c.tr)
				if kc.ErrorCode(err) != c.code || projMsg(err) != c.msg {
					t.Errorf("err %v: %q, want %s %q", err, projMsg(err), c.code, c.msg)
				}
				after, _ := f.App.Project(f.sys, c.id)
				if e, a := f.counts(t, c.id); e != events || a != audits || after.State != before.State || after.Version != before.Version {
					t.Errorf("changed: events %d→%d, audit %d→%d, state %s→%s, version %d→%d", events, e, audits, a, before.State, after.State,
						before.Version, after.Version)
				}
			})
		}
		// The page lists the actions from the state with their reasons.
		v, err := f.App.Project(f.a, appraised.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := projActions(v); got != "withdraw:true approve:false reject:false cancel:false" {
			t.Errorf("actions for the commune officer: %s", got)
		}
		for _, o := range v.Actions {
			if !o.Allowed && (o.Reason == nil || o.Reason.Code != kc.EForbidden) {
				t.Errorf("%s refused without a role reason: %+v", o.Action, o.Reason)
			}
		}
		v, _ = f.App.Project(f.a, nat.ID)
		if len(v.Actions) != 1 || v.Actions[0].Allowed || projMsg(v.Actions[0].Reason) != "Đề án đã quá hạn đăng ký (20/05/2025) của kế hoạch năm 2026." {
			t.Errorf("national draft actions: %+v", v.Actions)
		}
		// A configured local deadline applies to local projects.
		if err := f.App.SetProjectSetting(f.a, app.SettingRegistrationDeadline+app.LevelLocal, "10-31"); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("officer sets a setting: %v", err)
		}
		if err := f.App.SetProjectSetting(f.sys, app.SettingRegistrationDeadline+app.LevelLocal, "13-01"); kc.ErrorCode(err) != kc.EInvalid {
			t.Errorf("bad deadline accepted: %v", err)
		}
		if err := f.App.SetProjectSetting(f.sys, app.SettingRegistrationDeadline+app.LevelLocal, "10-31"); err != nil {
			t.Fatal(err)
		}
		late := f.input()
		late.Year = 2027
		lv := f.create(t, f.a, late)
		if _, err := f.App.Transition(f.a, lv.ID, app.Transition{Action: app.ActionRegister}); projMsg(err) != "Đề án đã quá hạn đăng ký (31/10/2026) của kế hoạch năm 2027." {
			t.Errorf("local deadline: %q", projMsg(err))
		}
		if v := f.step(t, f.a, lv.ID, app.Transition{Action: app.ActionRegister, On: kc.MustDate("2026-10-30")}); v.RegisteredOn != kc.MustDate("2026-10-30") {
			t.Errorf("registered on %s", v.RegisteredOn)
		}
	})
}

func TestProjectAppraisal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjFixture(t, st)
		sheet, err := f.App.ScoreSheet(f.council)
		total := 0
		for _, it := range sheet {
			total += it.MaxScore
		}
		if err != nil || len(sheet) != 5 || total != 100 || sheet[0].Code != "fit" || sheet[0].MaxScore != 20 {
			t.Fatalf("score sheet %+v %v", sheet, err)
		}
		v := f.create(t, f.a, f.input())
		id := v.ID
		if _, err := f.App.SubmitScores(f.council, id, projScores(80), ""); kc.ErrorCode(err) != kc.EConflict {
			t.Errorf("score a draft: %v", err)
		}
		f.step(t, f.a, id, app.Transition{Action: app.ActionRegister, On: kc.MustDate("2026-03-01")})
		if _, err := f.App.SubmitScores(f.a, id, projScores(80), ""); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("commune officer scores: %v", err)
		}
		bad := projScores(80)
		bad["fit"] = 21
		delete(bad, "links")
		_, err = f.App.SubmitScores(f.council, id, bad, "")
		got := projFieldMsgs(err)
		if got["scores.fit"] != "Tiêu chí «Sự phù hợp với nguyên tắc, nội dung và đối tượng khuyến công»: điểm 21 không hợp lệ, phải từ 0 đến 20." ||
			got["scores.links"] != "Tiêu chí «Sự gắn kết với các chương trình khác và khả năng nhân rộng»: chưa chấm điểm." {
			t.Errorf("bad scores: %v", got)
		}
		sum, err := f.App.SubmitScores(f.council, id, projScores(80), "Khả thi")
		if err != nil || sum.Mine == nil || sum.Mine.Total != 80 || sum.Count != 1 || sum.Average != 80 {
			t.Fatalf("first scores: %+v %v", sum, err)
		}
		v, _ = f.App.Project(f.council2, id)
		if v.Appraisal.Count != 1 || v.Appraisal.Members != nil || v.Appraisal.Average != 0 || v.Appraisal.Mine != nil {
			t.Errorf("before scoring, a member sees %+v", v.Appraisal)
		}
		if sum, err = f.App.SubmitScores(f.council2, id, projScores(60), "Cần bổ sung"); err != nil || sum.Count != 2 || len(sum.Members) != 2 || sum.Average != 70 {
			t.Fatalf("second: %+v %v", sum, err)
		}
		if sum, err = f.App.SubmitScores(f.council2, id, projScores(100), "Đã bổ sung"); err != nil || sum.Count != 2 || sum.Average != 90 || sum.Mine.Comment != "Đã bổ sung" {
			t.Errorf("resubmission: %+v %v", sum, err)
		}
		v, _ = f.App.Project(f.prov, id)
		if v.Appraisal.Count != 2 || len(v.Appraisal.Members) != 2 || v.Appraisal.Average != 90 || v.Appraisal.Members[0].Name != "Thành viên hoidong1" {
			t.Errorf("decider sees %+v", v.Appraisal)
		}
		if err := f.App.SetProjectSetting(f.sys, app.SettingMinScorers, "3"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.App.Transition(f.prov, id, app.Transition{Action: app.ActionAppraise}); projMsg(err) != "Mới có 2 thành viên hội đồng chấm điểm; cần ít nhất 3 trước khi thẩm định." {
			t.Errorf("min scorers: %q", projMsg(err))
		}
		if err := f.App.SetProjectSetting(f.sys, app.SettingMinScorers, "2"); err != nil {
			t.Fatal(err)
		}
		v = f.step(t, f.prov, id, app.Transition{Action: app.ActionAppraise, On: kc.MustDate("2026-03-15")})
		if v.State != kc.StateAppraised || v.AppraisedOn != kc.MustDate("2026-03-15") ||
			v.Events[len(v.Events)-1].Note != "Điểm trung bình 90,0/100 (2 thành viên hội đồng)." {
			t.Errorf("appraised: %s %s %q", v.State, v.AppraisedOn, v.Events[len(v.Events)-1].Note)
		}
		if _, err := f.App.SubmitScores(f.council, id, projScores(10), ""); kc.ErrorCode(err) != kc.EConflict {
			t.Errorf("score after appraisal: %v", err)
		}
		audit, err := f.App.ListAudit(f.sys, "appraisal", id, 10)
		if err != nil || len(audit) != 3 {
			t.Errorf("%d appraisal audit entries (%v), want 3", len(audit), err)
		}
	})
}

func TestProjectDeadlinesAndFollowUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjFixture(t, st)
		ctx := t.Context()
		mk := func(code, state string, p kc.Project) int64 {
			p.Code, p.Title, p.Year, p.Level, p.ContentArea, p.State = code, "Đề án "+code, 2026, app.LevelLocal, "CA3", state
			if p.CommuneID == 0 {
				p.CommuneID = f.CommuneA.ID
			}
			p.Beneficiaries = []int64{f.EstA.ID}
			p.Funding = []kc.Funding{{Source: kc.SourceProvincial, Planned: 100_000_000, Approved: 100_000_000}}
			created, err := st.CreateProject(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			return created.ID
		}
		running := mk("T-RUN", kc.StateInProgress, kc.Project{StartsOn: kc.MustDate("2026-09-10"), EndsOn: kc.MustDate("2026-12-15")})
		accepted := mk("T-ACC", kc.StateAccepted, kc.Project{AcceptedOn: kc.MustDate("2026-11-01")})
		followed := mk("T-FOL", kc.StateSettled, kc.Project{AcceptedOn: kc.MustDate("2025-11-10"), SettledOn: kc.MustDate("2025-11-20")})
		mk("T-OLD", kc.StateClosed, kc.Project{AcceptedOn: kc.MustDate("2018-05-10")})
		mk("T-B", kc.StateAccepted, kc.Project{CommuneID: f.CommuneB.ID, AcceptedOn: kc.MustDate("2026-11-20")})
		if _, err := f.App.AddProgressReport(f.a, running, app.ProgressReport{Period: "2026-09", ProgressPct: 10}); err != nil {
			t.Fatal(err)
		}
		list, err := f.App.Deadlines(f.a, kc.Date{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range list {
			got = append(got, fmtDeadline(d))
		}
		want := []string{"T-RUN progress_report 2026-10-25 overdue -31 2026-10", "T-FOL follow_up_12 2026-11-10 overdue -15",
			"T-ACC settlement 2026-11-16 overdue -9", "T-RUN acceptance 2026-12-15 ok 20"}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("deadlines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		listB, err := f.App.Deadlines(f.b, kc.Date{})
		if err != nil || len(listB) != 1 || listB[0].Code != "T-B" || listB[0].Kind != app.DeadlineSettlement || listB[0].Overdue {
			t.Errorf("officer B: %+v %v", listB, err)
		}
		page, err := f.App.Projects(f.a, app.ProjectFilter{})
		if err != nil {
			t.Fatal(err)
		}
		overdue := map[string]bool{}
		for _, r := range page.Rows {
			overdue[r.Code] = r.Overdue
		}
		if !overdue["T-RUN"] || !overdue["T-ACC"] || !overdue["T-FOL"] || overdue["T-OLD"] || page.Total != 4 {
			t.Errorf("overdue flags %v, total %d", overdue, page.Total)
		}
		if err := f.App.RecordFollowUp(f.a, followed, 24, 10, 1); kc.ErrorCode(err) != kc.EInvalid || projMsg(err) != "Chưa đến kỳ theo dõi sau 24 tháng (đến hạn ngày 10/11/2027)." {
			t.Errorf("24 months early: %v %q", err, projMsg(err))
		}
		if err := f.App.RecordFollowUp(f.a, followed, 6, 10, 1); projFieldMsgs(err)["months"] == "" {
			t.Errorf("6 months: %v", err)
		}
		if err := f.App.RecordFollowUp(f.b, followed, 12, 10, 1); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("officer B: %v", err)
		}
		if err := f.App.RecordFollowUp(f.a, followed, 12, 12, 900_000_000); err != nil {
			t.Fatal(err)
		}
		fact, err := f.App.GetFact(f.a, f.EstA.ID, 2026)
		if err != nil || fact.Workers != 12 || fact.Revenue != 900_000_000 || fact.Source != "follow_up" {
			t.Errorf("fact %+v %v", fact, err)
		}
		v, err := f.App.Project(f.a, followed)
		if err != nil {
			t.Fatal(err)
		}
		if last := v.Events[len(v.Events)-1]; last.Note != "Theo dõi sau 12 tháng: 12 lao động, doanh thu 900.000.000 ₫." {
			t.Errorf("follow-up event %+v", last)
		}
		for _, d := range v.Deadlines {
			if d.Kind == "follow_up_12" {
				t.Errorf("follow-up still pending: %+v", d)
			}
		}
		list, _ = f.App.Deadlines(f.a, kc.Date{})
		for _, d := range list {
			if d.Code == "T-FOL" {
				t.Errorf("recorded follow-up still listed: %+v", d)
			}
		}
		// The view lists the pending deadlines whatever their date.
		if len(v.Deadlines) != 1 || v.Deadlines[0].Kind != "follow_up_24" || v.Deadlines[0].Due != kc.MustDate("2027-11-10") {
			t.Errorf("view deadlines %+v", v.Deadlines)
		}
		_ = accepted
	})
}

// fmtDeadline writes a deadline for comparison.
func fmtDeadline(d app.Deadline) string {
	state := "ok"
	if d.Overdue {
		state = "overdue"
	}
	s := strings.Join([]string{d.Code, d.Kind, d.Due.String(), state, itoa(d.DaysLeft)}, " ")
	if d.Period != "" {
		s += " " + d.Period
	}
	return s
}

func TestProjectListFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		from, old, until := kc.ReformDate, kc.MustDate("2008-01-01"), kc.ReformDate.AddDays(-1)
		units := []kc.Unit{
			{ID: 1, Code: "98", Level: kc.LevelProvince, Type: "Tỉnh", Name: "Tỉnh Thử Nghiệm", ValidFrom: from},
			{ID: 2, Code: "99001", Level: kc.LevelCommune, Type: "Xã", Name: "Xã An Phú", ParentID: 1, ValidFrom: from},
			{ID: 3, Code: "99002", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Bình Minh", ParentID: 1, ValidFrom: from},
			{ID: 4, Code: "99101", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Hải Phúc", ValidFrom: old, ValidTo: until},
		}
		if _, err := st.LoadUnits(ctx, units, []kc.Succession{{FromID: 4, ToID: 3, Scope: kc.SuccessionFull, Effective: from}}); err != nil {
			t.Fatal(err)
		}
		f := newProjFixture(t, st)
		former, err := st.FindUnit(ctx, "99101", kc.MustDate("2020-01-01"))
		if err != nil {
			t.Fatal(err)
		}
		a1 := f.create(t, f.a, f.input())
		train := f.input()
		train.Title, train.ContentArea, train.SchemeCode = "Đào tạo nghề dệt", "CA1", "DAO_TAO_NGHE"
		a2 := f.create(t, f.a, train)
		f.step(t, f.a, a2.ID, app.Transition{Action: app.ActionRegister, On: kc.MustDate("2026-03-01")})
		oldP, err := st.CreateProject(ctx, kc.Project{Code: "HP-2019-01", Title: "Máy xay xát Hải Phúc", Year: 2019, Level: app.LevelLocal, ContentArea: "CA3",
			CommuneID: former.ID, State: kc.StateSettled, Beneficiaries: []int64{f.EstB.ID}, DecisionNo: "5/QĐ-UBND", DecidedOn: kc.MustDate("2019-04-01"),
			Funding: []kc.Funding{{Source: kc.SourceDistrict, Planned: 50_000_000, Approved: 50_000_000, Settled: 45_000_000},
				{Source: kc.SourceCounterpart, Planned: 50_000_000, Approved: 50_000_000, Settled: 55_000_000}}})
		if err != nil {
			t.Fatal(err)
		}
		codes := func(ctx context.Context, fl app.ProjectFilter) string {
			t.Helper()
			page, err := f.App.Projects(ctx, fl)
			if err != nil {
				t.Fatalf("%+v: %v", fl, err)
			}
			var out []string
			for _, r := range page.Rows {
				out = append(out, r.Code)
			}
			return strings.Join(out, " ") + " /" + itoa(page.Total)
		}
		cases := []struct {
			name string
			ctx  context.Context
			f    app.ProjectFilter
			want string
		}{
			{"everything for the province", f.prov, app.ProjectFilter{}, a2.Code + " " + a1.Code + " HP-2019-01 /3"},
			{"officer A", f.a, app.ProjectFilter{}, a2.Code + " " + a1.Code + " /2"},
			{"officer B sees the former commune's project", f.b, app.ProjectFilter{}, "HP-2019-01 /1"},
			{"by current commune", f.prov, app.ProjectFilter{Unit: "99002"}, "HP-2019-01 /1"},
			{"by former commune code", f.prov, app.ProjectFilter{Unit: "99101"}, "HP-2019-01 /1"},
			{"folded title", f.prov, app.ProjectFilter{Q: "may xay XAT"}, "HP-2019-01 /1"},
			{"folded title, no marks", f.prov, app.ProjectFilter{Q: "dao tao"}, a2.Code + " /1"},
			{"state", f.prov, app.ProjectFilter{State: kc.StateRegistered}, a2.Code + " /1"},
			{"year", f.prov, app.ProjectFilter{Year: 2019}, "HP-2019-01 /1"},
			{"content area", f.prov, app.ProjectFilter{ContentArea: "ca1"}, a2.Code + " /1"},
			{"paging", f.prov, app.ProjectFilter{Page: 2, PerPage: 2}, "HP-2019-01 /3"},
			{"paging a search", f.prov, app.ProjectFilter{Q: "m", Page: 1, PerPage: 1}, a1.Code + " /2"},
			{"officer A filtering on B's commune", f.a, app.ProjectFilter{Unit: "99002"}, " /0"},
		}
		for _, c := range cases {
			if got := codes(c.ctx, c.f); got != c.want {
				t.Errorf("%s: %q, want %q", c.name, got, c.want)
			}
		}
		if _, err := f.App.Projects(f.prov, app.ProjectFilter{State: "lost"}); kc.ErrorCode(err) != kc.EInvalid {
			t.Errorf("unknown state: %v", err)
		}
		if _, err := f.App.Projects(f.prov, app.ProjectFilter{Unit: "12345"}); kc.ErrorCode(err) != kc.EInvalid {
			t.Errorf("unknown unit: %v", err)
		}
		page, _ := f.App.Projects(f.prov, app.ProjectFilter{Year: 2019})
		if r := page.Rows[0]; r.StateSupport != 45_000_000 || r.Counterpart != 55_000_000 || r.CommuneName != "Xã Hải Phúc" {
			t.Errorf("row %+v", r)
		}
		v, err := f.App.Project(f.b, oldP.ID)
		if err != nil || v.CommuneName != "Xã Hải Phúc" {
			t.Errorf("officer B reads the former commune's project: %v", err)
		}
		if _, err := f.App.Project(f.a, oldP.ID); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("officer A reads B's project: %v", err)
		}
		sup, err := f.App.SupportHistory(f.b, f.EstB.ID)
		if err != nil || len(sup) != 1 || sup[0].Code != "HP-2019-01" || sup[0].StateSupport != 45_000_000 || sup[0].DecisionNo != "5/QĐ-UBND" {
			t.Errorf("support of B: %+v %v", sup, err)
		}
		if sup, err := f.App.SupportHistory(f.a, f.EstA.ID); err != nil || len(sup) != 0 {
			t.Errorf("drafts and registrations are no support: %+v %v", sup, err)
		}
		if _, err := f.App.SupportHistory(f.a, f.EstB.ID); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("officer A reads B's support: %v", err)
		}
	})
}

func TestProjectCancelWithAdvances(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjFixture(t, st)
		v := f.create(t, f.a, f.input())
		f.approve(t, v.ID, kc.MustDate("2026-03-01"))
		f.step(t, f.a, v.ID, app.Transition{Action: app.ActionStart, On: kc.MustDate("2026-04-01"), Advances: map[string]int64{kc.SourceProvincial: 200_000_000}})
		_, err := f.App.Transition(f.prov, v.ID, app.Transition{Action: app.ActionAdjust, DecisionNo: "30/QĐ-SCT", Reason: "Giảm quy mô",
			Approved: map[string]int64{kc.SourceProvincial: 150_000_000}})
		if got := projFieldMsgs(err)["approved.provincial"]; got != "Nguồn ngân sách tỉnh: số được duyệt 150.000.000 ₫ thấp hơn số đã tạm ứng 200.000.000 ₫." {
			t.Errorf("approved below the advance: %q (%v)", got, err)
		}
		_, err = f.App.Transition(f.prov, v.ID, app.Transition{Action: app.ActionAdjust, DecisionNo: "30/QĐ-SCT", Reason: "Tăng kinh phí",
			Approved: map[string]int64{kc.SourceProvincial: 400_000_000}})
		if got := projFieldMsgs(err)["funding"]; !strings.HasPrefix(got, "Kinh phí nhà nước đề nghị 400.000.000 ₫ vượt mức tối đa 360.000.000 ₫") {
			t.Errorf("adjusted above the cap: %q (%v)", got, err)
		}
		v = f.step(t, f.prov, v.ID, app.Transition{Action: app.ActionAdjust, DecisionNo: "30/QĐ-SCT", Reason: "Giảm quy mô",
			Approved: map[string]int64{kc.SourceProvincial: 300_000_000, kc.SourceCounterpart: 900_000_000}})
		if last := v.Events[len(v.Events)-1]; v.Funding[0].Approved != 300_000_000 || last.DocumentRef != "30/QĐ-SCT" ||
			last.Note != "Giảm quy mô; ngân sách tỉnh: 360.000.000 ₫ → 300.000.000 ₫; vốn đối ứng của cơ sở: 840.000.000 ₫ → 900.000.000 ₫" {
			t.Errorf("adjusted amounts: %+v, event %+v", v.Funding, last)
		}
		if _, err := f.App.Transition(f.prov, v.ID, app.Transition{Action: app.ActionCancel}); projFieldMsgs(err)["reason"] != "Cần nêu lý do." {
			t.Errorf("cancel without reason: %v", err)
		}
		v = f.step(t, f.prov, v.ID, app.Transition{Action: app.ActionCancel, Reason: "Cơ sở ngừng sản xuất"})
		if v.State != kc.StateCancelled || v.RejectReason != "Cơ sở ngừng sản xuất" {
			t.Errorf("cancelled: %s %q", v.State, v.RejectReason)
		}
		if len(v.Reconciliation) != 2 || v.Reconciliation[0].ToRefund != 200_000_000 || v.Reconciliation[0].Source != kc.SourceProvincial {
			t.Errorf("refund %+v", v.Reconciliation)
		}
		if last := v.Events[len(v.Events)-1]; last.Note != "Cơ sở ngừng sản xuất; Phải thu hồi số đã tạm ứng 200.000.000 ₫." {
			t.Errorf("cancel note %q", last.Note)
		}
		if _, err := f.App.Transition(f.prov, v.ID, app.Transition{Action: app.ActionCancel, Reason: "x"}); kc.ErrorCode(err) != kc.EConflict {
			t.Errorf("cancel twice: %v", err)
		}
	})
}
