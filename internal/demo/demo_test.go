package demo

import (
	"reflect"
	"testing"

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
				if s.HeldOn.After(testToday) {
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
		{"some projects and sessions", st.Projects > 30 && st.Sessions >= 125},
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
