package demo

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"khuyencong/internal/kc"
)

var testToday = kc.MustDate("2026-11-25")

// testUnits gives every former commune id 1000+i and current ones 2000+i.
func testUnits() DistrictUnits {
	u := DistrictUnits{Current: map[string]int64{}, Former: map[string]int64{}}
	for i, c := range DistrictCurrentCodes {
		u.Current[c] = int64(2000 + i)
	}
	for i, p := range places {
		u.Former[p.old] = int64(1000 + i)
	}
	return u
}

func TestDistrictIsDeterministic(t *testing.T) {
	a, err := District(1, testToday, testUnits())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := District(1, testToday, testUnits())
	c, _ := District(2, testToday, testUnits())
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed gave different datasets")
	}
	if reflect.DeepEqual(a.Establishments, c.Establishments) {
		t.Error("different seeds gave the same establishments")
	}
}

func TestDistrictMissingUnits(t *testing.T) {
	u := testUnits()
	delete(u.Former, "19585")
	if _, err := District(1, testToday, u); err == nil {
		t.Fatal("want an error naming the missing unit")
	}
}

func TestDistrictTellsTheStory(t *testing.T) {
	u := testUnits()
	d, err := District(1, testToday, u)
	if err != nil {
		t.Fatal(err)
	}
	former := map[int64]string{}
	for code, id := range u.Former {
		former[id] = code
	}
	current := map[int64]bool{}
	for _, id := range u.Current {
		current[id] = true
	}
	var ice *Project
	for i := range d.Projects {
		if d.Projects[i].Year == 2020 && d.Projects[i].SchemeCode == SchemeMachinery && d.Projects[i].CommuneID == u.Former["19555"] && len(d.Projects[i].Funding) == 2 &&
			d.Projects[i].Funding[0].Approved == 50_000_000 {
			ice = &d.Projects[i]
		}
	}
	checks := []struct {
		name string
		ok   func() bool
	}{
		{"a few hundred establishments", func() bool { return len(d.Establishments) >= 250 && len(d.Establishments) <= 400 }},
		{"mostly 1–5 workers", func() bool {
			small := 0
			for _, e := range d.Establishments {
				if w := e.Facts[len(e.Facts)-1].Workers; w >= 1 && w <= 5 {
					small++
				}
			}
			return small*100/len(d.Establishments) >= 75
		}},
		{"every establishment is demo, in a current commune, with facts to today", func() bool {
			for _, e := range d.Establishments {
				if !e.Demo || !current[e.CommuneID] || len(e.Facts) == 0 || e.Facts[len(e.Facts)-1].Year != 2026 || e.Facts[0].Year < FirstFactYear {
					return false
				}
			}
			return true
		}},
		{"rice wine in bản Đá Bàn and brocade groups in A Bung", func() bool {
			wine, groups, women := 0, 0, 0
			for _, e := range d.Establishments {
				if e.TradeCodes[0] == TradeRiceWine && e.Village == "Bản Đá Bàn" {
					wine++
				}
				if e.TradeCodes[0] == TradeBrocade && e.Kind == kc.KindCoopGroup {
					groups++
					women += e.Facts[len(e.Facts)-1].WomenWorkers
				}
			}
			return wine >= 10 && groups == 4 && women >= 20
		}},
		{"the 2020 ice plant: 50 m support, 250 m counterpart, Krông Klang", func() bool {
			if ice == nil || ice.Funding[0].Source != kc.SourceDistrict || ice.Funding[1] != (kc.Funding{Source: kc.SourceCounterpart, Planned: 250_000_000, Approved: 250_000_000, Advanced: 250_000_000, Settled: 250_000_000}) {
				return false
			}
			b := d.Establishments[ice.Beneficiaries[0]-1]
			return b.Village == "Khóm 1" && b.TradeCodes[0] == TradeIce && ice.State == kc.StateSettled
		}},
		{"projects name the unit valid when registered", func() bool {
			for _, p := range d.Projects {
				reg := p.RegisteredOn
				if reg.IsZero() {
					reg = kc.NewDate(p.Year, 12, 31)
				}
				if _, old := former[p.CommuneID]; old != reg.Before(kc.ReformDate) {
					return false
				}
			}
			return true
		}},
		{"small district budget each year 2015–2024", func() bool {
			per := map[int]int64{}
			for _, p := range d.Projects {
				for _, f := range p.Funding {
					if f.Source == kc.SourceDistrict {
						per[p.Year] += f.Approved
					}
				}
			}
			for y := 2015; y <= 2024; y++ {
				if per[y] < 10_000_000 || per[y] > 300_000_000 {
					t.Logf("district budget %d = %d", y, per[y])
					return false
				}
			}
			return true
		}},
		{"no district money after the reform", func() bool {
			for _, p := range d.Projects {
				for _, f := range p.Funding {
					if f.Source == kc.SourceDistrict && !p.RegisteredOn.Before(kc.ReformDate) {
						return false
					}
				}
			}
			return true
		}},
		{"a handful of provincial projects, rarely a national one", func() bool {
			prov, nat := 0, 0
			for _, p := range d.Projects {
				if p.Year > testToday.Year() {
					continue // proposals for next year's plan, not history
				}
				for _, f := range p.Funding {
					switch f.Source {
					case kc.SourceProvincial:
						prov++
					case kc.SourceNational:
						nat++
					}
				}
			}
			return prov >= 3 && prov <= 12 && nat >= 1 && nat <= 2
		}},
		{"all three legal periods", func() bool {
			var before, tt28, nd235 bool
			for _, p := range d.Projects {
				switch r := p.RegisteredOn; {
				case r.IsZero():
				case r.Before(kc.MustDate("2018-05-11")):
					before = true
				case r.Before(kc.MustDate("2025-10-15")):
					tt28 = true
				default:
					nd235 = true
				}
			}
			return before && tt28 && nd235
		}},
		{"revived trades have outputs", func() bool {
			kinds := map[string]bool{}
			for _, p := range d.Projects {
				if p.Year <= 2020 {
					for _, o := range p.Outputs {
						kinds[o.Kind] = true
					}
				}
			}
			return kinds["trainees"] && kinds["machines"] && kinds["brands"] && kinds["models"]
		}},
		{"outreach near the centre, remote communes barely reached", func() bool {
			var centre, remoteN int
			for _, s := range d.Sessions {
				if s.Status != kc.SessionHeld {
					continue
				}
				code := former[s.CommuneID]
				if code == "19555" || code == "19561" || s.CommuneID == u.Current["19555"] {
					centre++
				}
				if code == "19582" || code == "19585" || code == "19588" || s.CommuneID == u.Current["19588"] {
					remoteN++
				}
			}
			return centre*100/len(d.Sessions) >= 45 && remoteN <= 2 && len(d.Sessions) >= 100
		}},
		{"no date after today", func() bool {
			for _, p := range d.Projects {
				for _, x := range []kc.Date{p.RegisteredOn, p.DecidedOn, p.AcceptedOn, p.SettledOn} {
					if x.After(testToday) {
						return false
					}
				}
			}
			for _, s := range d.Sessions {
				if s.HeldOn.After(testToday) != (s.Status == kc.SessionPlanned) {
					return false
				}
			}
			return true
		}},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok() {
				t.Error("does not hold")
			}
		})
	}
}

func TestStream(t *testing.T) {
	communes := []Commune{{ID: 10, Code: "1", Name: "Xã Một", Former: []int64{100, 101}}, {ID: 11, Code: "2", Name: "Phường Hai"}, {ID: 12, Code: "3", Name: "Xã Ba", Former: []int64{102}}}
	run := func(seed int64) ([]*Batch, Stats) {
		var out []*Batch
		var st Stats
		err := Stream(ScaleOptions{Seed: seed, Today: testToday, Communes: communes, Establishments: 2500, BatchSize: 1000, CodePrefix: "T"}, func(b *Batch) error {
			out = append(out, b)
			st.Add(b)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out, st
	}
	a, st := run(7)
	b, _ := run(7)
	c, _ := run(8)
	checks := []struct {
		name string
		ok   bool
	}{
		{"batches of the requested size", len(a) == 3 && len(a[0].Establishments) == 1000 && len(a[2].Establishments) == 500 && st.Establishments == 2500},
		{"deterministic", reflect.DeepEqual(a, b)},
		{"seed matters", !reflect.DeepEqual(a[0].Establishments, c[0].Establishments)},
		{"facts every year from 2015 or founding", st.Facts > 2500*5},
		{"about a fifth of establishments get a project, and sessions", st.Projects*100 >= 2500*15 && st.Projects*100 <= 2500*25 && st.Sessions >= 125},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok {
				t.Errorf("does not hold (%v)", st)
			}
		})
	}
	t.Run("ids, codes and units are consistent", func(t *testing.T) {
		seen := map[string]bool{}
		var seq int64
		for _, bt := range a {
			for _, e := range bt.Establishments {
				seq++
				if e.ID != seq || e.Facts[0].EstablishmentID != seq || e.CommuneID < 10 || e.CommuneID > 12 {
					t.Fatalf("establishment %d: %+v", seq, e.Establishment)
				}
			}
			for _, p := range bt.Projects {
				if seen[p.Code] || p.Beneficiaries[0] > seq || p.Beneficiaries[0] < 1 {
					t.Fatalf("project %+v", p.Project)
				}
				seen[p.Code] = true
				old := p.CommuneID >= 100
				if !p.RegisteredOn.IsZero() && p.RegisteredOn.Before(kc.ReformDate) && p.CommuneID == 11 {
					continue // a commune without recorded predecessors keeps its own id
				}
				if !p.RegisteredOn.IsZero() && old != p.RegisteredOn.Before(kc.ReformDate) {
					t.Fatalf("project %s on %s names unit %d", p.Code, p.RegisteredOn, p.CommuneID)
				}
			}
		}
	})
}

// checkDetails checks what every generated project carries beyond
// funding: cost lines that add up to the funding (each quantity × unit
// cost), a schedule inside its year, expected jobs and priority points.
func checkDetails(t *testing.T, p Project) {
	t.Helper()
	var total, lines int64
	for _, f := range p.Funding {
		total += f.Planned
	}
	if len(p.CostLines) == 0 {
		t.Errorf("%s has no cost lines", p.Code)
	}
	for _, c := range p.CostLines {
		if c.Item == "" || c.Quantity < 1 || c.UnitCost < 0 || c.Amount != c.Quantity*c.UnitCost {
			t.Errorf("%s cost line %+v", p.Code, c)
		}
		lines += c.Amount
	}
	if lines != total {
		t.Errorf("%s: cost lines %d, funding %d", p.Code, lines, total)
	}
	first, last := kc.NewDate(p.Year, 1, 1), kc.NewDate(p.Year, 12, 31)
	if p.StartsOn.Before(first) || p.EndsOn.After(last) || p.EndsOn.Before(p.StartsOn) {
		t.Errorf("%s (%d) runs %s – %s", p.Code, p.Year, p.StartsOn, p.EndsOn)
	}
	if p.ExpectedJobs < 0 || p.PriorityPoints < 0 {
		t.Errorf("%s: %d jobs, %d points", p.Code, p.ExpectedJobs, p.PriorityPoints)
	}
}

func TestDistrictProjectDetails(t *testing.T) {
	d, err := District(1, testToday, testUnits())
	if err != nil {
		t.Fatal(err)
	}
	items := map[string]bool{}
	for _, p := range d.Projects {
		checkDetails(t, p)
		for _, c := range p.CostLines {
			items[c.Item] = true
		}
		if p.State == kc.StateAppraised && p.AppraisedOn.IsZero() {
			t.Errorf("%s appraised without a date", p.Code)
		}
	}
	for _, want := range []string{"Máy nấu rượu", "Khung dệt", "Đào tạo nghề dệt thổ cẩm"} {
		if !items[want] {
			t.Errorf("no cost line %q", want)
		}
	}
}

func TestDistrictCandidates(t *testing.T) {
	u := testUnits()
	d, err := District(1, testToday, u)
	if err != nil {
		t.Fatal(err)
	}
	current := map[int64]bool{}
	for _, id := range u.Current {
		current[id] = true
	}
	m := func(n int64) int64 { return n * 1_000_000 }
	// The caps of the scheme versions in force in 2026 (store.DefaultReference):
	// rate in percent of the total cost and cap in đồng (0 = not set).
	caps := map[string]struct {
		pct int64
		cap int64
	}{SchemeMachinery: {50, m(300)}, SchemeProvMachinery: {50, m(100)}, SchemeDemoModel: {30, m(1000)}, SchemeProvBrand: {50, m(30)},
		SchemeTraining: {100, 0}, SchemeDigital: {100, 0}}
	communes := map[int64]int{}
	codes := map[string]bool{}
	demand := map[string]int64{}
	n := 0
	for _, p := range d.Projects {
		if p.Year != CandidateYear {
			continue
		}
		n++
		communes[p.CommuneID]++
		if codes[p.Code] || !strings.HasPrefix(p.Code, "DK-2027-") {
			t.Errorf("code %s", p.Code)
		}
		codes[p.Code] = true
		if p.State != kc.StateRegistered && p.State != kc.StateAppraised || p.RegisteredOn.Year() != CandidateYear-1 || !current[p.CommuneID] {
			t.Errorf("%s: %s, registered %s, commune %d", p.Code, p.State, p.RegisteredOn, p.CommuneID)
		}
		if len(p.Beneficiaries) == 0 || p.PriorityPoints < 3 {
			t.Errorf("%s: %+v", p.Code, p.Project)
		}
		var state, total int64
		for _, f := range p.Funding {
			total += f.Planned
			if f.Source != kc.SourceCounterpart {
				state += f.Planned
				demand[f.Source] += f.Planned
			}
			if f.Approved != 0 || f.Advanced != 0 {
				t.Errorf("%s: a proposal with approved money %+v", p.Code, f)
			}
		}
		c, ok := caps[p.SchemeCode]
		if !ok {
			t.Errorf("%s: scheme %s", p.Code, p.SchemeCode)
		}
		if state <= 0 || state*100 > total*c.pct || (c.cap > 0 && state > c.cap) {
			t.Errorf("%s (%s): state %d of %d", p.Code, p.SchemeCode, state, total)
		}
		checkDetails(t, p)
	}
	if n < 30 || n > 40 || len(communes) != 5 {
		t.Errorf("%d candidates over %d communes", n, len(communes))
	}
	plans := DistrictPlans(map[string]int64{kc.SourceProvincial: m(80), kc.SourceCommune: m(50)}, demand)
	if len(plans) != 2 || plans[0].Year != PlanYear || plans[1].Year != CandidateYear {
		t.Fatalf("plans %+v", plans)
	}
	for _, e := range plans[0].Envelopes {
		if e.Amount < m(150) {
			t.Errorf("2026 envelope %+v", e)
		}
	}
	if len(plans[1].Envelopes) != 3 {
		t.Errorf("2027 envelopes %+v", plans[1].Envelopes)
	}
	for _, e := range plans[1].Envelopes {
		if pct := e.Amount * 100 / demand[e.Source]; pct < 35 || pct > 45 {
			t.Errorf("2027 envelope %+v is %d %% of %d", e, pct, demand[e.Source])
		}
	}
}

func TestCandidateAppraisal(t *testing.T) {
	scored := 0
	for i := 1; i <= 40; i++ {
		code := fmt.Sprintf("DK-2027-%02d", i)
		total, ok := CandidateAppraisal(code, kc.StateRegistered)
		if t2, ok2 := CandidateAppraisal(code, kc.StateRegistered); t2 != total || ok2 != ok {
			t.Fatal("not deterministic")
		}
		if _, ok := CandidateAppraisal(code, kc.StateAppraised); !ok {
			t.Errorf("%s appraised but not scored", code)
		}
		if total < 52 || total > 95 {
			t.Errorf("%s: %d", code, total)
		}
		if ok {
			scored++
		}
	}
	if scored < 15 || scored > 35 {
		t.Errorf("%d of 40 registered proposals scored", scored)
	}
}

func TestStreamProjectDetails(t *testing.T) {
	communes := []Commune{{ID: 10, Code: "1", Name: "Xã Một", Former: []int64{100}}, {ID: 11, Code: "2", Name: "Xã Hai"}}
	n := 0
	err := Stream(ScaleOptions{Seed: 3, Today: testToday, Communes: communes, Establishments: 3000, CodePrefix: "T"}, func(b *Batch) error {
		for _, p := range b.Projects {
			n++
			checkDetails(t, p)
		}
		return nil
	})
	if err != nil || n < 50 {
		t.Fatalf("%d projects, %v", n, err)
	}
}

// reportOutputKinds are the output kinds the reports count; the list
// mirrors app.OutputKinds (demo may not import app; the cli test compares
// the loaded demo with app.OutputKinds itself).
var reportOutputKinds = []string{"trainees", "trainees_employed", "machines", "lines", "models", "products", "brands", "fairs", "jobs"}

// TestDistrictReportStory checks that the district demo holds what the
// 2015–2020 report of the former district and this year's reports must
// find, for several seeds: projects of the period from district and
// provincial budgets with one or two national ones, every output kind,
// the revived trades, a content area never funded, outreach near the
// centre and none in the unreached communes, typical-product
// certificates, an overdue settlement in Xã Đakrông this year.
func TestDistrictReportStory(t *testing.T) {
	today := kc.MustDate("2026-11-26")
	u := testUnits()
	former := map[int64]string{}
	for code, id := range u.Former {
		former[id] = code
	}
	dakrong := u.Current["19564"]
	for _, seed := range []int64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			d, err := District(seed, today, u)
			if err != nil {
				t.Fatal(err)
			}
			est := func(seq int64) Establishment { return d.Establishments[seq-1] }
			var period []Project
			for _, p := range d.Projects {
				if p.Year >= 2015 && p.Year <= 2020 {
					period = append(period, p)
				}
			}
			t.Run("projects of 2015–2020 from every local budget, one or two national", func(t *testing.T) {
				sources := map[string]int{}
				areas := map[string]bool{}
				for _, p := range period {
					areas[p.ContentArea] = true
					for _, f := range p.Funding {
						if f.Approved > 0 {
							sources[f.Source]++
						}
					}
				}
				local := sources[kc.SourceDistrict] + sources[kc.SourceProvincial]
				if len(period) < 15 || sources[kc.SourceNational] < 1 || sources[kc.SourceNational] > 2 || local < 5*sources[kc.SourceNational] ||
					sources[kc.SourceDistrict] <= sources[kc.SourceProvincial] || len(areas) < 5 {
					t.Errorf("%d projects, funding lines by source %v, content areas %v", len(period), sources, areas)
				}
			})
			t.Run("every output kind of the reports occurs", func(t *testing.T) {
				seen := map[string]bool{}
				for _, p := range period {
					for _, o := range p.Outputs {
						if o.Value <= 0 || !slices.Contains(reportOutputKinds, o.Kind) {
							t.Errorf("%s: output %+v", p.Code, o)
						}
						seen[o.Kind] = true
					}
				}
				for _, k := range reportOutputKinds {
					if !seen[k] {
						t.Errorf("no %s output in 2015–2020", k)
					}
				}
				for _, p := range d.Projects {
					for _, o := range p.Outputs {
						if !slices.Contains(reportOutputKinds, o.Kind) {
							t.Errorf("%s (%d): output kind %q the reports do not know", p.Code, p.Year, o.Kind)
						}
					}
				}
			})
			t.Run("rice wine of Đá Bàn and brocade of A Bung revived with projects and outputs", func(t *testing.T) {
				outputs := map[string]int{}
				for _, p := range period {
					for _, b := range p.Beneficiaries {
						e := est(b)
						key := ""
						switch {
						case e.TradeCodes[0] == TradeRiceWine && e.Village == "Bản Đá Bàn":
							key = "wine"
						case e.TradeCodes[0] == TradeBrocade && strings.Contains(e.Notes, "A Bung"):
							key = "brocade"
						}
						if key != "" && p.State == kc.StateSettled {
							outputs[key] += len(p.Outputs)
							break
						}
					}
				}
				if outputs["wine"] < 3 || outputs["brocade"] < 3 {
					t.Errorf("outputs of the revived trades: %v", outputs)
				}
			})
			t.Run("a content area of NĐ 45 never funded in 2015–2020", func(t *testing.T) {
				for _, p := range period {
					if p.ContentArea == "CA8" || p.ContentArea == "CA7" {
						t.Errorf("%s funds %s", p.Code, p.ContentArea)
					}
				}
			})
			t.Run("outreach near the centre, none in the unreached communes, everyone counted", func(t *testing.T) {
				near := map[string]bool{"19555": true, "19558": true, "19561": true, "19567": true, "19570": true}
				var all, centre int
				for _, s := range d.Sessions {
					if s.Status != kc.SessionHeld {
						continue
					}
					if s.Attendees <= 0 {
						t.Errorf("session on %s in %d without attendees", s.HeldOn, s.CommuneID)
					}
					if y := s.HeldOn.Year(); y < 2015 || y > 2020 {
						continue
					}
					all++
					code := former[s.CommuneID]
					if near[code] {
						centre++
					}
					if slices.Contains(Unreached, code) {
						t.Errorf("session in unreached %s (%s) on %s", placeOf(code).name, code, s.HeldOn)
					}
				}
				if all < 40 || centre*100 < all*60 {
					t.Errorf("%d of %d sessions of 2015–2020 near the centre", centre, all)
				}
				if len(Unreached) < 3 {
					t.Errorf("unreached %v", Unreached)
				}
			})
			t.Run("typical-product certificates of 2016–2020 at district, provincial and regional level", func(t *testing.T) {
				levels := map[string]int{}
				holders := map[int64]bool{}
				ocop := 0
				for _, e := range d.Establishments {
					for _, c := range e.Certificates {
						if c.EstablishmentID != e.ID || c.Product == "" || c.Number == "" || c.Year > today.Year() {
							t.Errorf("%s: %+v", e.Name, c)
						}
						switch c.Kind {
						case kc.CertTypicalProduct:
							if c.Stars != 0 || c.ValidUntil != kc.NewDate(c.Year+2, 12, 31) {
								t.Errorf("%s: %+v", e.Name, c)
							}
							if c.Year >= 2016 && c.Year <= 2020 {
								levels[c.Level]++
								holders[e.ID] = true
							}
						case kc.CertOCOP:
							if c.Stars < 3 || c.Stars > 5 {
								t.Errorf("%s: %+v", e.Name, c)
							}
							ocop++
						default:
							t.Errorf("%s: kind %q", e.Name, c.Kind)
						}
					}
				}
				if levels["district"] < 2 || levels["province"] < 2 || levels["region"] != 1 || len(holders) < 3 || ocop < 1 {
					t.Errorf("certificates by level %v, %d holders, %d OCOP", levels, len(holders), ocop)
				}
			})
			t.Run("Xã Đakrông this year: projects, sessions and an overdue settlement", func(t *testing.T) {
				var projects, sessions int
				var overdue []string
				for _, p := range d.Projects {
					if p.Year != today.Year() || p.CommuneID != dakrong {
						continue
					}
					projects++
					// The settlement file is due 15 days after acceptance (TT 36 Art. 18).
					if p.State == kc.StateAccepted && p.SettledOn.IsZero() && !p.AcceptedOn.IsZero() && p.AcceptedOn.AddDays(15).Before(today) &&
						len(p.Outputs) > 0 && p.Events[len(p.Events)-1].To == kc.StateAccepted {
						overdue = append(overdue, p.Code)
					}
				}
				for _, s := range d.Sessions {
					if s.HeldOn.Year() == today.Year() && s.CommuneID == dakrong {
						sessions++
					}
				}
				if projects < 3 || sessions < 3 || len(overdue) != 1 {
					t.Errorf("%d projects, %d sessions, overdue settlements %v", projects, sessions, overdue)
				}
			})
		})
	}
}

// TestStreamProjects checks the projects of a scale dataset: about a fifth
// of the establishments get one, spread over the years since
// FirstProjectYear; unique codes; district money only before 1 July
// 2025 and commune money only after; outputs that fit the content area,
// every output kind of the reports; group projects of neighbours that
// existed in the project's year; old projects settled or closed, this
// year's in every state of the work.
func TestStreamProjects(t *testing.T) {
	communes := []Commune{{ID: 10, Code: "1", Name: "Xã Một", Former: []int64{100, 101}}, {ID: 11, Code: "2", Name: "Xã Hai", Former: []int64{102}}, {ID: 12, Code: "3", Name: "Phường Ba", Former: []int64{103}}}
	const n = 20_000
	founded := map[int64]int{}
	var projects []Project
	err := Stream(ScaleOptions{Seed: 5, Today: testToday, Communes: communes, Establishments: n, BatchSize: 4000, CodePrefix: "T"}, func(b *Batch) error {
		for _, e := range b.Establishments {
			founded[e.ID] = e.FoundedYear
		}
		for _, p := range b.Projects {
			for _, seq := range p.Beneficiaries {
				if _, ok := founded[seq]; !ok {
					t.Errorf("%s names establishment %d of a later batch", p.Code, seq)
				}
			}
		}
		projects = append(projects, b.Projects...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(projects)*100 < n*17 || len(projects)*100 > n*23 {
		t.Fatalf("%d projects for %d establishments", len(projects), n)
	}
	areaOf := map[string][]string{
		"trainees": {kc.ContentTraining, kc.ContentCapacity}, "trainees_employed": {kc.ContentTraining},
		"machines": {kc.ContentDemoTech}, "lines": {kc.ContentDemoTech}, "models": {kc.ContentDemoTech}, "jobs": {kc.ContentDemoTech},
		"brands": {kc.ContentProducts}, "fairs": {kc.ContentProducts}, "products": {kc.ContentProducts, kc.ContentConsulting, "CA10"},
	}
	years := map[int]int{}
	codes := map[string]bool{}
	kinds := map[string]bool{}
	states := map[int]map[string]int{}
	groups := 0
	for _, p := range projects {
		years[p.Year]++
		if codes[p.Code] || !strings.HasPrefix(p.Code, fmt.Sprintf("T-%d-", p.Year)) {
			t.Errorf("code %s (%d)", p.Code, p.Year)
		}
		codes[p.Code] = true
		if states[p.Year] == nil {
			states[p.Year] = map[string]int{}
		}
		states[p.Year][p.State]++
		reg := p.RegisteredOn
		if reg.IsZero() {
			reg = testToday
		}
		for _, f := range p.Funding {
			if f.Source == kc.SourceDistrict && !reg.Before(kc.ReformDate) || f.Source == kc.SourceCommune && reg.Before(kc.ReformDate) {
				t.Errorf("%s registered %s: %s money", p.Code, reg, f.Source)
			}
		}
		for _, o := range p.Outputs {
			kinds[o.Kind] = true
			if !slices.Contains(areaOf[o.Kind], p.ContentArea) || o.Value <= 0 {
				t.Errorf("%s (%s): output %+v", p.Code, p.ContentArea, o)
			}
		}
		if p.State != kc.StateDraft && (len(p.Events) == 0 || p.Events[len(p.Events)-1].To != p.State) {
			t.Errorf("%s is %s after events %+v", p.Code, p.State, p.Events)
		}
		if p.State == kc.StateClosed && (p.ClosedOn.IsZero() || p.SettledOn.IsZero() || p.ClosedOn.Before(p.SettledOn)) {
			t.Errorf("%s closed on %s, settled on %s", p.Code, p.ClosedOn, p.SettledOn)
		}
		if p.Group != (len(p.Beneficiaries) > 1) {
			t.Errorf("%s: group %v with %d beneficiaries", p.Code, p.Group, len(p.Beneficiaries))
		}
		if p.Group {
			groups++
		}
		seen := map[int64]bool{}
		for _, seq := range p.Beneficiaries {
			if seen[seq] || founded[seq] > p.Year {
				t.Errorf("%s (%d): beneficiary %d founded %d, listed twice %v", p.Code, p.Year, seq, founded[seq], seen[seq])
			}
			seen[seq] = true
		}
	}
	for y := FirstProjectYear; y <= testToday.Year(); y++ {
		if years[y]*100 < len(projects)*5 {
			t.Errorf("%d: %d of %d projects", y, years[y], len(projects))
		}
	}
	if years[FirstProjectYear-1] != 0 {
		t.Errorf("projects before %d: %v", FirstProjectYear, years)
	}
	for _, k := range reportOutputKinds {
		if !kinds[k] {
			t.Errorf("no %s output", k)
		}
	}
	if groups*100 < len(projects)*10 {
		t.Errorf("%d group projects of %d", groups, len(projects))
	}
	for y := FirstProjectYear; y <= testToday.Year()-3; y++ {
		st := states[y]
		total := 0
		for _, c := range st {
			total += c
		}
		if (st[kc.StateSettled]+st[kc.StateClosed])*100 < total*85 || st[kc.StateClosed] == 0 {
			t.Errorf("%d: %v", y, st)
		}
	}
	if cur := states[testToday.Year()]; len(cur) < 8 || cur[kc.StateInProgress] == 0 || cur[kc.StateAccepted] == 0 {
		t.Errorf("%d: %v", testToday.Year(), cur)
	}
}

// TestDistrictOutreach checks the outreach story of the district demo:
// attendance that names registered producers of the session's village
// (never more than exist, none founded after the day), new producers met
// and some added to the registry, this year's campaign with held and
// planned sessions near the centre, no session held in the last 12 months
// in the remote communes, and the self-checks and need requests that
// followed.
func TestDistrictOutreach(t *testing.T) {
	u := testUnits()
	d, err := District(1, testToday, u)
	if err != nil {
		t.Fatal(err)
	}
	former := map[int64]string{}
	for code, id := range u.Former {
		former[id] = code
	}
	sessions := map[int64]kc.OutreachSession{}
	for i, s := range d.Sessions {
		if s.ID != int64(i+1) || s.Status == "" {
			t.Fatalf("session %d: id %d, status %q", i, s.ID, s.Status)
		}
		sessions[s.ID] = s
	}
	t.Run("attendance names producers of the session's village", func(t *testing.T) {
		perSession := map[int64]int{}
		var named, added, waiting int
		for _, a := range d.Attendance {
			s, ok := sessions[a.SessionID]
			if !ok || s.Status != kc.SessionHeld {
				t.Fatalf("attendance %+v on session %+v", a, s)
			}
			switch {
			case a.NewProducer && a.EstablishmentID == 0:
				waiting++
				if a.Name == "" || a.Trade == "" {
					t.Errorf("new producer without name or trade: %+v", a)
				}
				continue
			case a.NewProducer:
				added++
			default:
				named++
				perSession[a.SessionID]++
			}
			e := d.Establishments[a.EstablishmentID-1]
			if e.ID != a.EstablishmentID || e.FoundedYear > s.HeldOn.Year() {
				t.Errorf("session of %s names %s (founded %d)", s.HeldOn, e.Name, e.FoundedYear)
			}
			if (s.Kind == SessionVillageMeeting || s.Kind == SessionDoorToDoor) && e.Village != s.Village {
				t.Errorf("%s in %s names %s of %s", s.Kind, s.Village, e.Name, e.Village)
			}
		}
		for id, n := range perSession {
			s := sessions[id]
			if s.Attendees < n {
				t.Errorf("session %d: %d attendees, %d named", id, s.Attendees, n)
			}
			if s.Kind != SessionVillageMeeting && s.Kind != SessionDoorToDoor {
				continue
			}
			exist := 0
			for _, e := range d.Establishments {
				if e.Village == s.Village && e.FoundedYear <= s.HeldOn.Year() && (e.CommuneID == s.CommuneID || e.CommuneID == u.Current[placeOf(former[s.CommuneID]).cur]) {
					exist++
				}
			}
			if n > exist {
				t.Errorf("session %d in %s names %d, %d exist", id, s.Village, n, exist)
			}
		}
		for _, s := range d.Sessions {
			if kc.VillageWide(s.Kind) || s.Kind == SessionRadio {
				if perSession[s.ID] != 0 {
					t.Errorf("%s session names producers", s.Kind)
				}
			}
		}
		if named < 200 || added == 0 || waiting == 0 {
			t.Errorf("%d named, new producers %d added, %d waiting", named, added, waiting)
		}
	})
	t.Run("this year's campaign: held near the centre, planned in the remote villages", func(t *testing.T) {
		if len(d.Campaigns) != 1 || d.Campaigns[0].ID != 1 || d.Campaigns[0].Title != CampaignTitle || !d.Campaigns[0].Demo ||
			d.Campaigns[0].Budget < 10_000_000 || d.Campaigns[0].Budget > 100_000_000 {
			t.Fatalf("campaigns %+v", d.Campaigns)
		}
		var held, planned, centre, cost int64
		for _, s := range d.Sessions {
			if s.CampaignID != 1 {
				continue
			}
			cost += s.Cost
			switch s.Status {
			case kc.SessionHeld:
				held++
				if s.HeldOn.After(testToday) || s.HeldOn.Year() != PlanYear {
					t.Errorf("held on %s", s.HeldOn)
				}
				if s.CommuneID == u.Current["19555"] || s.CommuneID == u.Current["19564"] || s.CommuneID == u.Current["19567"] {
					centre++
				}
			case kc.SessionPlanned:
				planned++
				if !s.HeldOn.After(testToday) || s.HeldOn.Time().Month() != time.December {
					t.Errorf("planned on %s", s.HeldOn)
				}
			}
		}
		if held < 10 || held > 20 || centre != held || planned < 2 || planned > 3 || cost > d.Campaigns[0].Budget {
			t.Errorf("%d held (%d near the centre), %d planned, cost %d of %d", held, centre, planned, cost, d.Campaigns[0].Budget)
		}
		kinds := map[string]bool{}
		for _, s := range d.Sessions {
			if s.CampaignID == 1 && s.Status == kc.SessionHeld {
				kinds[s.Kind] = true
			}
		}
		if !kinds[SessionLoudspeaker] || !kinds[SessionGroupMessage] || !kinds[SessionVillageMeeting] {
			t.Errorf("kinds held %v", kinds)
		}
	})
	t.Run("no session held in the remote communes in the last 12 months", func(t *testing.T) {
		since := testToday.AddDays(-365)
		taLong := map[string]bool{}
		for i, s := range d.Sessions {
			if s.Status != kc.SessionHeld || s.HeldOn.Before(since) {
				continue
			}
			old := former[s.CommuneID]
			if s.CommuneID == u.Current["19588"] || slices.Contains(remote, old) {
				t.Errorf("session %d held in the remote communes on %s", s.ID, s.HeldOn)
			}
			// The sessions of former Tà Long, now Xã Đakrông: one village only.
			if d.Sessions[i].CommuneID == u.Current["19564"] && slices.Contains(placeOf("19579").villages, s.Village) {
				taLong[s.Village] = true
			}
		}
		if len(taLong) > 1 {
			t.Errorf("former Tà Long reached in %v", taLong)
		}
	})
	t.Run("phones near the centre, few in the remote villages", func(t *testing.T) {
		with := map[bool][2]int{}
		for _, e := range d.Establishments {
			r := slices.Contains(remote, func() string {
				for _, p := range places {
					if u.Current[p.cur] == e.CommuneID && slices.Contains(p.villages, e.Village) {
						return p.old
					}
				}
				return ""
			}())
			c := with[r]
			c[0]++
			if e.Phone != "" {
				c[1]++
			}
			with[r] = c
		}
		if with[false][1]*100 < with[false][0]*40 || with[true][1]*100 > with[true][0]*35 {
			t.Errorf("phones: elsewhere %v, remote %v", with[false], with[true])
		}
	})
	t.Run("self-checks and need requests followed", func(t *testing.T) {
		qr := 0
		for _, s := range d.SelfChecks {
			if s.On.After(testToday) || s.On.Year() != PlanYear || s.CommuneID == 0 {
				t.Errorf("self-check %+v", s)
			}
			if s.ViaQR {
				qr++
			}
		}
		if len(d.SelfChecks) < 20 || qr == 0 || qr == len(d.SelfChecks) {
			t.Errorf("%d self-checks, %d through the QR code", len(d.SelfChecks), qr)
		}
		codes := map[string]bool{}
		statuses := map[string]int{}
		for _, n := range d.Needs {
			if codes[n.TrackingCode] || !strings.HasPrefix(n.TrackingCode, "NC-") || len(n.TrackingCode) != 11 || n.Text == "" || n.Phone == "" ||
				n.CreatedAt.After(testToday.Time().Add(24*time.Hour)) || n.UpdatedAt.Before(n.CreatedAt) {
				t.Errorf("need %+v", n)
			}
			codes[n.TrackingCode] = true
			statuses[n.Status]++
			if (n.Status == needNew) != (n.Answer == "" && n.UpdatedAt.Equal(n.CreatedAt)) && n.Status != needHandling {
				t.Errorf("need %s %s answered %q", n.TrackingCode, n.Status, n.Answer)
			}
		}
		if len(d.Needs) < 5 || statuses[needNew] == 0 || statuses[needAnswered]+statuses[needClosed] == 0 {
			t.Errorf("%d needs by status %v", len(d.Needs), statuses)
		}
	})
}
