package app_test

import (
	"slices"
	"strings"
	"testing"

	"khuyencong/internal/allocate"
	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

func mil(million int64) int64 { return million * 1_000_000 }

// planFixture is the apptest scope with projects for 2027 in its two
// communes: three approved (committed) and six candidates, a council
// member's scores, and the ids by code.
type planFixture struct {
	*apptest.Scope
	ids    map[string]int64
	member int64
}

// newPlanFixture loads the projects. Committed in 2027, by hand:
// provincial 50 (A, CA3, advanced 35) + 30 (B, CA1, advanced 21) + 20
// (A, CA1, settled: 18 paid) = 100 m, paid out 74 m; commune 10 m (A,
// CA3), nothing paid; counterpart 40 m.
func newPlanFixture(t *testing.T, st *store.Store) planFixture {
	t.Helper()
	ctx := t.Context()
	f := planFixture{Scope: apptest.NewScope(t, st), ids: map[string]int64{}}
	if err := f.App.EnsureReference(ctx); err != nil {
		t.Fatal(err)
	}
	a, b := f.CommuneA.ID, f.CommuneB.ID
	fund := func(src string, planned, approved, advanced, settled int64) kc.Funding {
		return kc.Funding{Source: src, Planned: planned, Approved: approved, Advanced: advanced, Settled: settled}
	}
	plan := func(pairs ...any) []kc.Funding {
		var out []kc.Funding
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, kc.Funding{Source: pairs[i].(string), Planned: mil(int64(pairs[i+1].(int)))})
		}
		return out
	}
	prov, comm, cp := kc.SourceProvincial, kc.SourceCommune, kc.SourceCounterpart
	projects := []kc.Project{
		{Code: "K-01", ContentArea: "CA3", CommuneID: a, State: kc.StateApproved, Funding: []kc.Funding{
			fund(prov, mil(50), mil(50), mil(35), 0), fund(comm, mil(10), mil(10), 0, 0), fund(cp, mil(40), mil(40), 0, 0)}},
		{Code: "K-02", ContentArea: "CA1", CommuneID: b, State: kc.StateInProgress, Funding: []kc.Funding{fund(prov, mil(30), mil(30), mil(21), 0)}},
		{Code: "K-03", ContentArea: "CA1", CommuneID: a, State: kc.StateSettled, Funding: []kc.Funding{fund(prov, mil(20), mil(20), mil(14), mil(18))}},
		// Candidates.
		{Code: "C-1", ContentArea: "CA3", CommuneID: a, State: kc.StateAppraised, ExpectedJobs: 10, PriorityPoints: 3, Funding: plan(prov, 160, cp, 160)},
		{Code: "C-2", ContentArea: "CA3", CommuneID: a, State: kc.StateAppraised, ExpectedJobs: 6, PriorityPoints: 3, Funding: plan(prov, 100, cp, 100)},
		{Code: "C-3", ContentArea: "CA1", CommuneID: b, State: kc.StateRegistered, ExpectedJobs: 8, Funding: plan(prov, 100, comm, 40)},
		{Code: "C-4", ContentArea: "CA1", CommuneID: b, State: kc.StateRegistered, ExpectedJobs: 5, PriorityPoints: 2, Funding: plan(comm, 60)},
		{Code: "C-5", ContentArea: "CA4", CommuneID: a, State: kc.StateAppraised, ExpectedJobs: 1, PriorityPoints: 1, Funding: plan(prov, 30, cp, 30)},
		{Code: "C-6", ContentArea: "CA3", CommuneID: b, State: kc.StateRegistered, ExpectedJobs: 2, PriorityPoints: 4, Funding: plan(prov, 20, comm, 10, cp, 30)},
		// Neither committed nor candidates.
		{Code: "X-1", ContentArea: "CA3", CommuneID: a, State: kc.StateRejected, Funding: plan(prov, 500)},
		{Code: "X-2", ContentArea: "CA3", CommuneID: a, State: kc.StateDraft, Funding: plan(prov, 500)},
		{Code: "X-3", Year: 2026, ContentArea: "CA3", CommuneID: a, State: kc.StateApproved, Funding: []kc.Funding{fund(prov, mil(500), mil(500), 0, 0)}},
	}
	for _, p := range projects {
		if p.Year == 0 {
			p.Year = 2027
		}
		p.Title, p.Level = "Đề án "+p.Code, "local"
		created, err := st.CreateProject(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		f.ids[p.Code] = created.ID
	}
	u, err := st.CreateUser(ctx, kc.User{Username: "hoidong.thu", DisplayName: "Hội đồng", Role: kc.RoleCouncilMember, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	u2, err := st.CreateUser(ctx, kc.User{Username: "hoidong.hai", DisplayName: "Hội đồng 2", Role: kc.RoleCouncilMember, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	f.member = u.ID
	scores := []struct {
		code   string
		member int64
		total  int
	}{{"C-1", u.ID, 80}, {"C-1", u2.ID, 80}, {"C-2", u.ID, 70}, {"C-2", u2.ID, 71}, {"C-3", u.ID, 60}, {"C-5", u.ID, 90}, {"C-6", u.ID, 50}}
	err = st.InTx(ctx, func(tx *store.Tx) error {
		for _, s := range scores {
			half := s.total / 2
			if err := tx.SeedAppraisals(ctx, []store.SeedAppraisal{
				{ProjectID: f.ids[s.code], MemberID: s.member, Item: "x", Score: half},
				{ProjectID: f.ids[s.code], MemberID: s.member, Item: "y", Score: s.total - half},
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// createPlan makes the province's 2027 plan with provincial 300 m,
// commune 100 m and provincial CA1 60 m envelopes, as the province
// officer.
func (f planFixture) createPlan(t *testing.T) app.PlanView {
	t.Helper()
	ctx := f.As(t, t.Context(), apptest.Province)
	v, err := f.App.CreatePlan(ctx, 2027, "", "Kế hoạch 2027")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []struct {
		src, area string
		amount    int64
	}{{kc.SourceProvincial, "", mil(300)}, {kc.SourceCommune, "", mil(100)}, {kc.SourceProvincial, "CA1", mil(60)}} {
		if v, err = f.App.SetEnvelope(ctx, v.ID, e.src, e.area, e.amount, v.Version); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

func auditCount(t *testing.T, st *store.Store, entity string, id int64) int {
	t.Helper()
	es, err := st.ListAudit(t.Context(), entity, id, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

func TestPlanCreateAndScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newPlanFixture(t, st)
		ctx := t.Context()
		prov, a, b := f.As(t, ctx, apptest.Province), f.As(t, ctx, apptest.OfficerA), f.As(t, ctx, apptest.OfficerB)
		viewer, admin := f.As(t, ctx, apptest.Viewer), f.As(t, ctx, apptest.Admin)
		var provPlan, communePlan app.PlanView
		cases := []struct {
			name  string
			do    func() error
			code  string
			field string
		}{
			{"province officer creates the province's plan", func() (err error) {
				provPlan, err = f.App.CreatePlan(prov, 2027, "", " Kế hoạch 2027 ")
				if err == nil && (provPlan.UnitCode != "98" || provPlan.Year != 2027 || provPlan.Note != "Kế hoạch 2027" || !provPlan.CanEdit || provPlan.Version != 1) {
					t.Errorf("plan %+v", provPlan)
				}
				return err
			}, "", ""},
			{"one plan per year and unit", func() error { _, err := f.App.CreatePlan(prov, 2027, "98", ""); return err }, kc.EConflict, ""},
			{"commune officers may not create plans", func() error { _, err := f.App.CreatePlan(a, 2027, "99001", ""); return err }, kc.EForbidden, ""},
			{"unknown unit", func() error { _, err := f.App.CreatePlan(prov, 2026, "12345", ""); return err }, kc.EInvalid, "unit"},
			{"year out of range", func() error { _, err := f.App.CreatePlan(prov, 2010, "98", ""); return err }, kc.EInvalid, "year"},
			{"admin creates commune A's plan", func() (err error) {
				communePlan, err = f.App.CreatePlan(admin, 2027, "99001", "")
				return err
			}, "", ""},
			{"officer A reads their commune's plan, read only", func() error {
				v, err := f.App.Plan(a, communePlan.ID)
				if err == nil && (v.CanEdit || v.UnitCode != "99001") {
					t.Errorf("view %+v", v)
				}
				return err
			}, "", ""},
			{"officer A does not see the province's plan", func() error { _, err := f.App.Plan(a, provPlan.ID); return err }, kc.ENotFound, ""},
			{"officer B does not see commune A's plan", func() error { _, err := f.App.Plan(b, communePlan.ID); return err }, kc.ENotFound, ""},
			{"officer A may not set an envelope", func() error {
				_, err := f.App.SetEnvelope(a, communePlan.ID, kc.SourceCommune, "", mil(10), 0)
				return err
			}, kc.EForbidden, ""},
			{"viewer reads both, edits none", func() error {
				list, err := f.App.Plans(viewer)
				if err != nil {
					return err
				}
				if len(list) != 2 || list[0].UnitCode != "98" || list[1].UnitCode != "99001" {
					t.Errorf("list %+v", list)
				}
				v, err := f.App.Plan(viewer, provPlan.ID)
				if err == nil && v.CanEdit {
					t.Error("viewer may edit")
				}
				_, err = f.App.SetPin(viewer, provPlan.ID, f.ids["C-1"], allocate.In)
				return err
			}, kc.EForbidden, ""},
			{"officer A lists only their commune's plan", func() error {
				list, err := f.App.Plans(a)
				if err == nil && (len(list) != 1 || list[0].ID != communePlan.ID || list[0].Candidates != 3) {
					t.Errorf("list %+v", list)
				}
				return err
			}, "", ""},
			{"plan for a year and unit", func() error {
				v, err := f.App.PlanFor(prov, 2027, "")
				if err == nil && v.ID != provPlan.ID {
					t.Errorf("got plan %d", v.ID)
				}
				if v, err := f.App.PlanFor(a, 2027, ""); err != nil || v.ID != communePlan.ID {
					t.Errorf("officer A: %d, %v", v.ID, err)
				}
				if _, err := f.App.PlanFor(prov, 2028, ""); kc.ErrorCode(err) != kc.ENotFound {
					t.Errorf("2028: %v", err)
				}
				if _, err := f.App.PlanFor(prov, 2027, "99002"); kc.AsError(err).Key != "plan.none" {
					t.Errorf("commune B: %v", err)
				}
				_, err = f.App.PlanFor(prov, 2027, "77777")
				return err
			}, kc.EInvalid, "unit"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				err := c.do()
				if kc.ErrorCode(err) != c.code {
					t.Fatalf("got %v, want code %q", err, c.code)
				}
				if c.field != "" {
					if fe := kc.FieldErrors(err); len(fe) == 0 || fe[0].Field != c.field || !locale.Has(fe[0].Key) {
						t.Errorf("field errors %v, want %s", fe, c.field)
					}
				}
				if err != nil && !locale.Has(kc.AsError(err).Key) {
					t.Errorf("key %q not in the catalog", kc.AsError(err).Key)
				}
			})
		}
		if n := auditCount(t, st, "plan", provPlan.ID); n != 1 {
			t.Errorf("%d audit entries for the plan", n)
		}
	})
}

func TestPlanEnvelopes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newPlanFixture(t, st)
		ctx := f.As(t, t.Context(), apptest.Province)
		v := f.createPlan(t)
		env := func(v app.PlanView, src, area string) app.EnvelopeView {
			for _, e := range v.Envelopes {
				if e.Source == src && e.ContentArea == area {
					return e
				}
			}
			t.Fatalf("no envelope %s/%s in %+v", src, area, v.Envelopes)
			return app.EnvelopeView{}
		}
		want := []app.EnvelopeView{
			{Source: kc.SourceProvincial, Amount: mil(300), Committed: mil(100), Disbursed: mil(74), Available: mil(200)},
			{Source: kc.SourceProvincial, ContentArea: "CA1", Amount: mil(60), Committed: mil(50), Disbursed: mil(39), Available: mil(10)},
			{Source: kc.SourceCommune, Amount: mil(100), Committed: mil(10), Available: mil(90)},
		}
		if !slices.Equal(v.Envelopes, want) {
			t.Fatalf("envelopes\n got %+v\nwant %+v", v.Envelopes, want)
		}
		if v.Version != 4 || len(v.Candidates) != 6 || v.Candidates[0].Code != "C-1" {
			t.Errorf("version %d, candidates %+v", v.Version, v.Candidates)
		}
		list, err := f.App.Plans(ctx)
		if err != nil || len(list) != 1 || list[0] != (app.PlanSummary{ID: v.ID, Year: 2027, UnitCode: "98", UnitName: "Tỉnh Thử Nghiệm",
			Envelope: mil(400), Committed: mil(110), Available: mil(290), Candidates: 6}) {
			t.Errorf("summary %+v, %v", list, err)
		}
		audits := auditCount(t, st, "plan_envelope", v.ID)
		refusals := []struct {
			name             string
			src, area        string
			amount           int64
			version          int
			code, field, key string
		}{
			{"below what is committed", kc.SourceProvincial, "", mil(90), v.Version, kc.EInvalid, "amount", "plan.err.below_committed"},
			{"area envelope below its commitments", kc.SourceProvincial, "CA1", mil(40), v.Version, kc.EInvalid, "amount", "plan.err.below_committed"},
			{"negative", kc.SourceCommune, "", -1, v.Version, kc.EInvalid, "amount", "plan.err.amount_negative"},
			{"counterpart is not the plan's", kc.SourceCounterpart, "", mil(10), v.Version, kc.EInvalid, "source", "plan.err.source_counterpart"},
			{"unknown source", "bank", "", mil(10), v.Version, kc.EInvalid, "source", "plan.err.source"},
			{"district budget after the reform", kc.SourceDistrict, "", mil(10), v.Version, kc.EInvalid, "source", "plan.err.source"},
			{"unknown area", kc.SourceProvincial, "CA99", mil(10), v.Version, kc.EInvalid, "area", "plan.err.area"},
			{"stale version", kc.SourceProvincial, "", mil(500), v.Version - 1, kc.EConflict, "", "plan.version_conflict"},
		}
		for _, r := range refusals {
			t.Run(r.name, func(t *testing.T) {
				_, err := f.App.SetEnvelope(ctx, v.ID, r.src, r.area, r.amount, r.version)
				e := kc.AsError(err)
				if e.Code != r.code || e.Key != r.key || e.Field != r.field {
					t.Fatalf("got %v, want %s %s %s", err, r.code, r.field, r.key)
				}
				after, err := f.App.Plan(ctx, v.ID)
				if err != nil || !slices.Equal(after.Envelopes, v.Envelopes) || after.Version != v.Version || auditCount(t, st, "plan_envelope", v.ID) != audits {
					t.Errorf("changed: %+v version %d (%v)", after.Envelopes, after.Version, err)
				}
			})
		}
		t.Run("the message names the committed amount", func(t *testing.T) {
			_, err := f.App.SetEnvelope(ctx, v.ID, kc.SourceProvincial, "", mil(90), v.Version)
			fe := kc.FieldErrors(err)
			if len(fe) != 1 {
				t.Fatalf("%v", err)
			}
			msg := locale.T("vi", fe[0].Key, fe[0].Args...)
			if msg != "Không thể đặt 90.000.000 ₫: các đề án đã phê duyệt của năm kế hoạch đã cam kết 100.000.000 ₫ từ nguồn này." {
				t.Errorf("message %q", msg)
			}
		})
		t.Run("exactly the committed amount is accepted and audited", func(t *testing.T) {
			got, err := f.App.SetEnvelope(ctx, v.ID, kc.SourceProvincial, "", mil(100), v.Version)
			if err != nil {
				t.Fatal(err)
			}
			if e := env(got, kc.SourceProvincial, ""); e.Available != 0 || e.Committed != mil(100) || got.Version != v.Version+1 {
				t.Errorf("envelope %+v, version %d", e, got.Version)
			}
			if n := auditCount(t, st, "plan_envelope", v.ID); n != audits+1 {
				t.Errorf("%d audit entries, want %d", n, audits+1)
			}
		})
		t.Run("commitments without an envelope are shown", func(t *testing.T) {
			commune, err := f.App.CreatePlan(f.As(t, t.Context(), apptest.Admin), 2027, "99002", "")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(commune.Envelopes, []app.EnvelopeView{{Source: kc.SourceProvincial, Committed: mil(30), Disbursed: mil(21), Available: -mil(30)}}) {
				t.Errorf("envelopes %+v", commune.Envelopes)
			}
		})
	})
}

// bruteForce returns the best value over every selection of the
// instance's proposals that keeps every constraint, or -1 when none does.
func bruteForce(in allocate.Instance) int64 {
	n := len(in.Proposals)
	best := int64(-1)
	for mask := 0; mask < 1<<n; mask++ {
		ok := true
		var value int64
		bySource, byArea, byGroup := map[string]int64{}, map[string]int64{}, map[string]int64{}
		for i, p := range in.Proposals {
			sel := mask&(1<<i) != 0
			if (p.Pin == allocate.In && !sel) || (p.Pin == allocate.Out && sel) {
				ok = false
				break
			}
			if !sel {
				continue
			}
			value += p.Value
			var total int64
			for s, c := range p.Cost {
				if _, budgeted := in.Budget[s]; budgeted {
					bySource[s] += c
					total += c
				}
			}
			byArea[p.Area] += total
			byGroup[p.Group] += total
		}
		for s, b := range in.Budget {
			ok = ok && bySource[s] <= b
		}
		for a, lo := range in.AreaMin {
			ok = ok && byArea[a] >= lo
		}
		for a, hi := range in.AreaMax {
			ok = ok && byArea[a] <= hi
		}
		if in.GroupCap > 0 {
			for g, v := range byGroup {
				ok = ok && (g == "" || v <= in.GroupCap)
			}
		}
		if ok && value > best {
			best = value
		}
	}
	return best
}

func pickCodes(p app.Portfolio) []string {
	var out []string
	for _, pk := range p.Picks {
		out = append(out, pk.Code)
	}
	slices.Sort(out)
	return out
}

func TestPlanOptimize(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newPlanFixture(t, st)
		ctx := f.As(t, t.Context(), apptest.Province)
		v := f.createPlan(t)
		t.Run("scores follow the formula", func(t *testing.T) {
			byCode := map[string]app.CandidateView{}
			for _, c := range v.Candidates {
				byCode[c.Code] = c
			}
			// C-2: members 70 and 71 → 70.5, rounded half up to 71; + 5 × 6
			// jobs + 2 × 3 points = 107. C-4: nobody scored → 5 × 5 + 2 × 2.
			if c := byCode["C-2"]; c.Score != 107 || c.AppraisalAvg != 70.5 || c.Scorers != 2 || c.StateCost != mil(100) {
				t.Errorf("C-2 %+v", c)
			}
			if c := byCode["C-4"]; c.Score != 29 || c.Scorers != 0 || c.Cost[kc.SourceCommune] != mil(60) {
				t.Errorf("C-4 %+v", c)
			}
			if c := byCode["C-6"]; c.StateCost != mil(30) || len(c.Cost) != 2 {
				t.Errorf("C-6 %+v", c)
			}
		})
		cases := []struct {
			name   string
			in     app.OptimizeInput
			pinned map[string]allocate.Pin // stored pins set before solving
			check  func(t *testing.T, res app.OptimizeResult)
		}{
			{"default weights: the optimum beats highest-score-first", app.OptimizeInput{Weights: app.DefaultWeights}, nil, func(t *testing.T, res app.OptimizeResult) {
				// Budgets: provincial 300 − 100 = 200 m, commune 100 − 10 =
				// 90 m, CA1 at most 60 − 50 = 10 m. Highest score first takes
				// C-1 (160 m) and C-5, and the money is gone; the optimum
				// takes C-2, C-5 and C-6 instead.
				if res.Greedy.Score != 136+97 || !slices.Equal(pickCodes(res.Greedy), []string{"C-1", "C-5"}) {
					t.Errorf("greedy %+v", res.Greedy)
				}
				if res.Optimal.Score != 107+97+68 || !slices.Equal(pickCodes(res.Optimal), []string{"C-2", "C-5", "C-6"}) {
					t.Errorf("optimal %+v", res.Optimal)
				}
				if res.Optimal.Jobs != 9 || res.Optimal.Cost[kc.SourceProvincial] != mil(150) || res.Optimal.Cost[kc.SourceCommune] != mil(10) || res.Optimal.StateCost != mil(160) {
					t.Errorf("totals %+v", res.Optimal)
				}
				var ca1 bool
				for _, b := range res.Binding {
					ca1 = ca1 || (b.Key == "plan.why.binding_area_max" && b.Args[0] == "CA1 (Đào tạo nghề, truyền nghề)")
				}
				if !ca1 {
					t.Errorf("CA1 should bind: %+v", res.Binding)
				}
			}},
			{"stored pin in, input pin out", app.OptimizeInput{Weights: app.DefaultWeights, Pins: map[int64]allocate.Pin{}}, map[string]allocate.Pin{"C-1": allocate.In, "C-5": allocate.In}, func(t *testing.T, res app.OptimizeResult) {
				got := pickCodes(res.Optimal)
				if !slices.Contains(got, "C-1") || slices.Contains(got, "C-5") {
					t.Errorf("pins not respected: %v", got)
				}
				var why string
				for _, r := range res.Rejected {
					if r.Code == "C-5" {
						why = r.Why.Key
					}
				}
				if why != "plan.why.pinned_out" {
					t.Errorf("C-5 left out because %q", why)
				}
			}},
			{"at most 50 % per commune", app.OptimizeInput{Weights: app.DefaultWeights, CommuneShareBP: 5000}, nil, nil},
			{"jobs only, training at least 10 m", app.OptimizeInput{Weights: app.Weights{Jobs: 1}, AreaMin: map[string]int64{"CA1": mil(10)}, AreaMax: map[string]int64{"CA1": mil(200)}}, nil, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				in := c.in
				for code, pin := range c.pinned {
					if _, err := f.App.SetPin(ctx, v.ID, f.ids[code], pin); err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { f.App.SetPin(ctx, v.ID, f.ids[code], allocate.Free) })
				}
				if in.Pins != nil {
					in.Pins[f.ids["C-5"]] = allocate.Out
				}
				res, err := f.App.Optimize(ctx, v.ID, in)
				if err != nil {
					t.Fatal(err)
				}
				inst, cands, err := f.App.PlanInstance(ctx, v.ID, in)
				if err != nil {
					t.Fatal(err)
				}
				if len(cands) != len(inst.Proposals) || len(cands) != 6 {
					t.Fatalf("%d candidates, %d proposals", len(cands), len(inst.Proposals))
				}
				brute := bruteForce(inst)
				if res.Status != app.StatusOptimal || res.Optimal.Score != brute || res.Bound != brute {
					t.Errorf("status %s, optimum %d, bound %d, brute force %d", res.Status, res.Optimal.Score, res.Bound, brute)
				}
				if res.Optimal.Score < res.Greedy.Score {
					t.Errorf("optimum %d below greedy %d", res.Optimal.Score, res.Greedy.Score)
				}
				if len(res.Rejected)+len(res.Optimal.Picks) != 6 {
					t.Errorf("%d rejected, %d picked", len(res.Rejected), len(res.Optimal.Picks))
				}
				for _, r := range res.Rejected {
					if !locale.Has(r.Why.Key) || slices.ContainsFunc(res.Optimal.Picks, func(p app.Pick) bool { return p.Code == r.Code }) {
						t.Errorf("rejection %+v", r)
					}
				}
				if len(res.Marginals) != len(inst.Budget) {
					t.Errorf("marginals %+v for budgets %v", res.Marginals, inst.Budget)
				}
				for _, e := range slices.Concat(res.Binding, res.Marginals) {
					if msg := locale.T("vi", e.Key, e.Args...); !locale.Has(e.Key) || containsBadVerb(msg) {
						t.Errorf("explanation %q", msg)
					}
				}
				if c.in.CommuneShareBP > 0 {
					if inst.GroupCap != mil(145) {
						t.Errorf("group cap %d", inst.GroupCap)
					}
					per := map[string]int64{}
					for _, pk := range res.Optimal.Picks {
						per[pk.CommuneName] += pk.StateCost
					}
					for commune, v := range per {
						if v > inst.GroupCap {
							t.Errorf("%s gets %d", commune, v)
						}
					}
				}
				if c.check != nil {
					c.check(t, res)
				}
			})
		}
	})
}

// containsBadVerb reports a message that fmt could not fill.
func containsBadVerb(s string) bool {
	return strings.Contains(s, "%!") || strings.Contains(s, "(MISSING)") || strings.Contains(s, "EXTRA")
}

func TestPlanInfeasibleAndBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newPlanFixture(t, st)
		ctx := f.As(t, t.Context(), apptest.Province)
		v := f.createPlan(t)
		t.Run("pinned in over the envelope", func(t *testing.T) {
			in := app.OptimizeInput{Weights: app.DefaultWeights, Pins: map[int64]allocate.Pin{f.ids["C-1"]: allocate.In, f.ids["C-2"]: allocate.In}}
			res, err := f.App.Optimize(ctx, v.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != app.StatusInfeasible || len(res.Optimal.Picks) != 0 || len(res.Conflicts) < 3 || res.Conflicts[0].Key != "plan.conflict.intro" {
				t.Fatalf("result %+v", res)
			}
			var text []string
			for _, c := range res.Conflicts {
				text = append(text, locale.T("vi", c.Key, c.Args...))
			}
			want := []string{
				"kinh phí nguồn tỉnh chỉ còn 200.000.000 ₫;",
				"đề án C-1 «Đề án C-1» được chỉ định chọn (cần nguồn tỉnh 160.000.000 ₫);",
				"đề án C-2 «Đề án C-2» được chỉ định chọn (cần nguồn tỉnh 100.000.000 ₫);",
			}
			for _, w := range want {
				if !slices.Contains(text, w) {
					t.Errorf("missing %q in %q", w, text)
				}
			}
		})
		t.Run("an area minimum no candidate can meet", func(t *testing.T) {
			res, err := f.App.Optimize(ctx, v.ID, app.OptimizeInput{Weights: app.DefaultWeights, AreaMin: map[string]int64{"CA4": mil(100)}})
			if err != nil || res.Status != app.StatusInfeasible {
				t.Fatalf("%+v, %v", res, err)
			}
			if !slices.ContainsFunc(res.Conflicts, func(e app.Explanation) bool { return e.Key == "plan.conflict.area_min" }) {
				t.Errorf("conflicts %+v", res.Conflicts)
			}
		})
		bad := []struct {
			name  string
			in    app.OptimizeInput
			field string
		}{
			{"negative weight", app.OptimizeInput{Weights: app.Weights{Appraisal: 1, Jobs: -5}}, "w_jobs"},
			{"minimum above maximum", app.OptimizeInput{Weights: app.DefaultWeights, AreaMin: map[string]int64{"CA3": mil(50)}, AreaMax: map[string]int64{"CA3": mil(40)}}, "min_CA3"},
			{"share above 100 %", app.OptimizeInput{Weights: app.DefaultWeights, CommuneShareBP: 10_001}, "share"},
			{"negative share", app.OptimizeInput{Weights: app.DefaultWeights, CommuneShareBP: -1}, "share"},
			{"unknown area", app.OptimizeInput{Weights: app.DefaultWeights, AreaMax: map[string]int64{"CA77": 1}}, "max_CA77"},
			{"negative limit", app.OptimizeInput{Weights: app.DefaultWeights, AreaMax: map[string]int64{"CA3": -1}}, "max_CA3"},
			{"pin of a project that is no candidate", app.OptimizeInput{Weights: app.DefaultWeights, Pins: map[int64]allocate.Pin{f.ids["X-1"]: allocate.In}}, "pins"},
			{"unknown pin", app.OptimizeInput{Weights: app.DefaultWeights, Pins: map[int64]allocate.Pin{f.ids["C-1"]: 7}}, "pins"},
		}
		for _, b := range bad {
			t.Run(b.name, func(t *testing.T) {
				_, err := f.App.Optimize(ctx, v.ID, b.in)
				fe := kc.FieldErrors(err)
				if kc.ErrorCode(err) != kc.EInvalid || len(fe) == 0 || fe[0].Field != b.field || !locale.Has(fe[0].Key) {
					t.Errorf("got %v, want a field error on %s", err, b.field)
				}
			})
		}
		t.Run("pinning a project that is no candidate", func(t *testing.T) {
			before := auditCount(t, st, "plan_candidate", v.ID)
			_, err := f.App.SetPin(ctx, v.ID, f.ids["X-1"], allocate.In)
			if fe := kc.FieldErrors(err); len(fe) != 1 || fe[0].Field != "project" {
				t.Errorf("got %v", err)
			}
			if _, err := f.App.SetPin(ctx, v.ID, f.ids["C-1"], allocate.Pin(9)); kc.ErrorCode(err) != kc.EInvalid {
				t.Errorf("unknown pin: %v", err)
			}
			if n := auditCount(t, st, "plan_candidate", v.ID); n != before {
				t.Errorf("refused pins audited: %d → %d", before, n)
			}
			got, err := f.App.SetPin(ctx, v.ID, f.ids["C-4"], allocate.Out)
			if err != nil || got.Version != v.Version+1 || auditCount(t, st, "plan_candidate", v.ID) != before+1 {
				t.Fatalf("pin: version %d, %v", got.Version, err)
			}
			for _, c := range got.Candidates {
				if (c.Code == "C-4") != (c.Pin == allocate.Out) {
					t.Errorf("candidate %s pin %v", c.Code, c.Pin)
				}
			}
		})
	})
}

func TestPlanScenarios(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newPlanFixture(t, st)
		ctx := f.As(t, t.Context(), apptest.Province)
		v := f.createPlan(t)
		jobsOnly := app.OptimizeInput{Weights: app.Weights{Jobs: 1}, Pins: map[int64]allocate.Pin{f.ids["C-3"]: allocate.Out}}
		a, err := f.App.SaveScenario(ctx, v.ID, "Mặc định", app.OptimizeInput{Weights: app.DefaultWeights})
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.App.SaveScenario(ctx, v.ID, "Việc làm", jobsOnly)
		if err != nil {
			t.Fatal(err)
		}
		if a.Score != 272 || a.Picks != 3 || a.Jobs != 9 || a.StateCost != mil(160) || a.Name != "Mặc định" {
			t.Errorf("scenario a %+v", a)
		}
		want, err := f.App.Optimize(ctx, v.ID, jobsOnly)
		if err != nil {
			t.Fatal(err)
		}
		res, sum, err := f.App.Scenario(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sum != b || res.Status != want.Status || !slices.Equal(pickCodes(res.Optimal), pickCodes(want.Optimal)) || res.Optimal.Score != want.Optimal.Score ||
			res.Input.Weights != jobsOnly.Weights || res.Input.Pins[f.ids["C-3"]] != allocate.Out || len(res.Rejected) != len(want.Rejected) {
			t.Errorf("reopened %+v / %+v, want %+v", sum, res, want)
		}
		for _, r := range res.Rejected {
			if msg := locale.T("vi", r.Why.Key, r.Why.Args...); containsBadVerb(msg) {
				t.Errorf("after the round trip: %q", msg)
			}
		}
		cmpRes, err := f.App.CompareScenarios(ctx, []int64{a.ID, b.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(cmpRes.Scenarios) != 2 || cmpRes.Scenarios[0] != a || cmpRes.Scenarios[1] != b {
			t.Errorf("scenarios %+v", cmpRes.Scenarios)
		}
		inA, inB := []string{"C-2", "C-5", "C-6"}, pickCodes(want.Optimal)
		for _, r := range cmpRes.Rows {
			if r.In[0] != slices.Contains(inA, r.Code) || r.In[1] != slices.Contains(inB, r.Code) {
				t.Errorf("row %+v (a %v, b %v)", r, inA, inB)
			}
		}
		differ := 0
		for _, r := range cmpRes.Rows {
			if r.In[0] != r.In[1] {
				differ++
				if !slices.Contains(cmpRes.Differ, r.ProjectID) {
					t.Errorf("%s differs but is not listed", r.Code)
				}
			}
		}
		if differ != len(cmpRes.Differ) || len(cmpRes.Rows) == 0 {
			t.Errorf("rows %+v, differ %v", cmpRes.Rows, cmpRes.Differ)
		}
		view, err := f.App.Plan(ctx, v.ID)
		if err != nil || len(view.Scenarios) != 2 || view.Scenarios[1] != b {
			t.Errorf("plan scenarios %+v, %v", view.Scenarios, err)
		}
		viewer := f.As(t, t.Context(), apptest.Viewer)
		if _, err := f.App.SaveScenario(viewer, v.ID, "x", app.OptimizeInput{Weights: app.DefaultWeights}); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("viewer saves: %v", err)
		}
		if _, _, err := f.App.Scenario(viewer, a.ID); err != nil {
			t.Errorf("viewer reads: %v", err)
		}
		if _, _, err := f.App.Scenario(f.As(t, t.Context(), apptest.OfficerA), a.ID); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("officer A reads the province's scenario: %v", err)
		}
		if _, err := f.App.SaveScenario(ctx, v.ID, "  ", app.OptimizeInput{Weights: app.DefaultWeights}); kc.FieldErrors(err) == nil {
			t.Errorf("unnamed: %v", err)
		}
		if _, err := f.App.CompareScenarios(ctx, nil); kc.ErrorCode(err) != kc.EInvalid {
			t.Errorf("nothing to compare: %v", err)
		}
		if n := auditCount(t, st, "scenario", b.ID); n != 1 {
			t.Errorf("%d audit entries", n)
		}
	})
}
