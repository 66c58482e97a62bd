package store_test

import (
	"slices"
	"testing"
	"time"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
	"khuyencong/internal/unitdata"
)

// loadUnits loads the embedded national list into s and checks the time it
// takes stays within a couple of seconds (a loose bound for slow CI).
func loadUnits(t *testing.T, s *store.Store) *unitdata.Set {
	t.Helper()
	set, err := unitdata.Load()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	loaded, err := s.LoadUnits(t.Context(), set.Units, set.Successions)
	if err != nil || !loaded {
		t.Fatalf("LoadUnits = %v, %v", loaded, err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("loading units took %v", d)
	}
	t.Logf("loaded %d units and %d links in %v", len(set.Units), len(set.Successions), time.Since(start))
	return set
}

var (
	before = kc.MustDate("2020-01-01")
	after  = kc.MustDate("2026-01-01")
)

func TestUnitLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		set := loadUnits(t, s)
		n, err := s.CountUnits(t.Context())
		if err != nil || n != len(set.Units) {
			t.Fatalf("CountUnits = %d, %v; want %d", n, err, len(set.Units))
		}
		t.Run("second load is a no-op", func(t *testing.T) {
			loaded, err := s.LoadUnits(t.Context(), set.Units, set.Successions)
			if err != nil || loaded {
				t.Fatalf("LoadUnits again = %v, %v", loaded, err)
			}
			if n2, _ := s.CountUnits(t.Context()); n2 != n {
				t.Errorf("count changed to %d", n2)
			}
		})
	})
}

func TestUnitFind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadUnits(t, s)
		cases := []struct {
			name, code string
			on         kc.Date
			wantName   string
			wantLevel  string
			wantCode   string // error code, "" for success
		}{
			{"code reuse 19555 before", "19555", before, "Thị trấn Krông Klang", kc.LevelCommune, ""},
			{"code reuse 19555 after", "19555", after, "Xã Hướng Hiệp", kc.LevelCommune, ""},
			{"19576 before", "19576", before, "Xã Ba Nang", kc.LevelCommune, ""},
			{"19576 last day", "19576", kc.MustDate("2025-06-30"), "Xã Ba Nang", kc.LevelCommune, ""},
			{"19576 after", "19576", after, "", "", kc.ENotFound},
			{"19576 reform day", "19576", kc.ReformDate, "", "", kc.ENotFound},
			{"province 44 before", "44", before, "Tỉnh Quảng Bình", kc.LevelProvince, ""},
			{"province 44 after", "44", after, "Tỉnh Quảng Trị", kc.LevelProvince, ""},
			{"province 45 before", "45", before, "Tỉnh Quảng Trị", kc.LevelProvince, ""},
			{"province 45 after", "45", after, "", "", kc.ENotFound},
			{"district 467 renamed", "467", before, "Huyện Đakrông", kc.LevelDistrict, ""},
			{"district 467 after", "467", after, "", "", kc.ENotFound},
			{"Hải Phúc 2019", "19573", kc.MustDate("2019-12-31"), "Xã Hải Phúc", kc.LevelCommune, ""},
			{"Hải Phúc 2020", "19573", before, "", "", kc.ENotFound},
			{"unknown code", "99999", before, "", "", kc.ENotFound},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				u, err := s.FindUnit(t.Context(), c.code, c.on)
				if got := kc.ErrorCode(err); got != c.wantCode {
					t.Fatalf("FindUnit(%s, %s) error %v, want code %q", c.code, c.on, err, c.wantCode)
				}
				if c.wantCode != "" {
					e := kc.AsError(err)
					if e.Key != "unit.not_found" || len(e.Args) != 2 || e.Args[0] != c.code || e.Args[1] != c.on.String() {
						t.Errorf("error %+v, want unit.not_found (%s, %s)", e, c.code, c.on)
					}
					return
				}
				if u.Name != c.wantName || u.Level != c.wantLevel || u.Code != c.code || !u.ValidOn(c.on) {
					t.Errorf("got %+v, want %s %s", u, c.wantLevel, c.wantName)
				}
				got, err := s.GetUnit(t.Context(), u.ID)
				if err != nil || got != u {
					t.Errorf("GetUnit(%d) = %+v, %v", u.ID, got, err)
				}
			})
		}
		t.Run("GetUnit unknown id", func(t *testing.T) {
			if _, err := s.GetUnit(t.Context(), 1<<40); kc.ErrorCode(err) != kc.ENotFound {
				t.Errorf("err = %v", err)
			}
		})
		t.Run("history of 19555", func(t *testing.T) {
			hist, err := s.UnitHistory(t.Context(), "19555")
			if err != nil || len(hist) != 2 || hist[0].Name != "Thị trấn Krông Klang" || hist[1].Name != "Xã Hướng Hiệp" {
				t.Errorf("UnitHistory = %+v, %v", hist, err)
			}
		})
		t.Run("units by ids keep the order", func(t *testing.T) {
			a, _ := s.FindUnit(t.Context(), "19576", before)
			b, _ := s.FindUnit(t.Context(), "44", after)
			us, err := s.UnitsByIDs(t.Context(), []int64{b.ID, a.ID, 1 << 40})
			if err != nil || len(us) != 2 || us[0].ID != b.ID || us[1].ID != a.ID {
				t.Errorf("UnitsByIDs = %+v, %v", us, err)
			}
		})
	})
}

// codesOf returns "code@validFrom/scope" for each link, sorted.
func codesOf(ls []kc.UnitLink) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Unit.Code+"@"+l.Unit.ValidFrom.String()+"/"+l.Scope+"/"+l.Effective.String())
	}
	slices.Sort(out)
	return out
}

func unitCodes(us []kc.Unit) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.Code)
	}
	return out
}

func TestUnitDetail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadUnits(t, s)
		const old, cur = "1900-01-01", "2025-07-01"
		cases := []struct {
			name, code   string
			on           kc.Date
			parents      []string
			predecessors []string
			successors   []string
		}{
			{"19576 Ba Nang", "19576", before, []string{"467", "45"}, nil,
				[]string{"19564@" + cur + "/full/" + cur}},
			{"19564 Đakrông new", "19564", after, []string{"44"},
				[]string{"19564@" + old + "/full/" + cur, "19576@" + old + "/full/" + cur, "19579@" + old + "/full/" + cur}, nil},
			{"19570 Ba Lòng old has Hải Phúc", "19570", before, []string{"467", "45"},
				[]string{"19573@" + old + "/full/2020-01-01"}, []string{"19567@" + cur + "/full/" + cur}},
			{"Hải Phúc", "19573", kc.MustDate("2019-01-01"), []string{"467", "45"}, nil,
				[]string{"19570@" + old + "/full/2020-01-01"}},
			{"province 44 new", "44", after, nil,
				[]string{"44@" + old + "/full/" + cur, "45@" + old + "/full/" + cur}, nil},
			{"province 45 old", "45", before, nil, nil, []string{"44@" + cur + "/full/" + cur}},
			{"district 467 via its communes", "467", before, []string{"45"}, nil, []string{
				"19555@" + cur + "/partial/" + cur, "19564@" + cur + "/partial/" + cur,
				"19567@" + cur + "/partial/" + cur, "19588@" + cur + "/partial/" + cur, "19594@" + cur + "/partial/" + cur}},
			{"island district Cồn Cỏ", "471", before, []string{"45"}, nil, []string{"19742@" + cur + "/full/" + cur}},
			{"Đặc khu Cồn Cỏ from the island district", "19742", after, []string{"44"},
				[]string{"471@" + old + "/full/" + cur}, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				u, err := s.FindUnit(t.Context(), c.code, c.on)
				if err != nil {
					t.Fatal(err)
				}
				d, err := s.UnitDetail(t.Context(), u.ID)
				if err != nil {
					t.Fatal(err)
				}
				if d.Unit != u {
					t.Errorf("unit %+v, want %+v", d.Unit, u)
				}
				if got := unitCodes(d.Parents); !slices.Equal(got, c.parents) {
					t.Errorf("parents %v, want %v", got, c.parents)
				}
				if got := codesOf(d.Predecessors); !slices.Equal(got, c.predecessors) {
					t.Errorf("predecessors %v, want %v", got, c.predecessors)
				}
				if got := codesOf(d.Successors); !slices.Equal(got, c.successors) {
					t.Errorf("successors %v, want %v", got, c.successors)
				}
			})
		}
	})
}

func TestUnitList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadUnits(t, s)
		cases := []struct {
			name  string
			f     kc.UnitFilter
			total int    // -1: do not check
			first string // code@valid_from of the first item, "" for none
			has   []string
			hasnt []string
		}{
			// Xã Đak Rong (23644, Gia Lai) shares the key "dakrong".
			{"dakrong today", kc.UnitFilter{Query: "dakrong", On: after}, 2, "", []string{"19564@2025-07-01", "23644@2025-07-01"}, nil},
			{"Đa Krông today", kc.UnitFilter{Query: "Đa Krông", On: after}, 2, "", []string{"19564@2025-07-01", "23644@2025-07-01"}, nil},
			{"Đakrông today", kc.UnitFilter{Query: "Đakrông", On: after}, 2, "", []string{"19564@2025-07-01", "23644@2025-07-01"}, nil},
			{"ĐAKRÔNG upper case NFD", kc.UnitFilter{Query: "D\u0323\u0302AKRO\u0302NG", On: after}, 2, "", []string{"19564@2025-07-01"}, nil},
			{"dakrong any period", kc.UnitFilter{Query: "dakrong"}, 5, "",
				[]string{"19564@2025-07-01", "467@1900-01-01", "19564@1900-01-01", "23427@1900-01-01"}, nil},
			{"dakrong 2020 district level", kc.UnitFilter{Query: "dakrong", On: before, Level: kc.LevelDistrict}, 1, "467@1900-01-01", nil, nil},
			{"ba nang", kc.UnitFilter{Query: "ba nang"}, -1, "19576@1900-01-01", nil, nil},
			{"hai phuc in 2019", kc.UnitFilter{Query: "hai phuc", On: kc.MustDate("2019-01-01"), Level: kc.LevelCommune}, -1, "",
				[]string{"19573@1900-01-01"}, nil},
			{"hai phuc in 2020", kc.UnitFilter{Query: "hai phuc", On: before, Level: kc.LevelCommune}, -1, "",
				nil, []string{"19573@1900-01-01"}},
			{"code prefix", kc.UnitFilter{Query: "1957", On: before}, -1, "19570@1900-01-01",
				[]string{"19576@1900-01-01", "19579@1900-01-01"}, []string{"19573@1900-01-01"}},
			{"code exact", kc.UnitFilter{Code: "19555"}, 2, "19555@1900-01-01", []string{"19555@2025-07-01"}, nil},
			{"provinces today", kc.UnitFilter{Level: kc.LevelProvince, On: after, Limit: 100}, 34, "01@2025-07-01", nil, nil},
			{"provinces 2020", kc.UnitFilter{Level: kc.LevelProvince, On: before, Limit: 100}, 63, "01@1900-01-01", nil, nil},
			{"communes today", kc.UnitFilter{Level: kc.LevelCommune, On: after, Limit: 10}, 3321, "", nil, nil},
			{"paging", kc.UnitFilter{Level: kc.LevelProvince, On: after, Limit: 10, Offset: 30}, 34, "", nil, nil},
			{"no match", kc.UnitFilter{Query: "zzzqqq"}, 0, "", nil, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				us, total, err := s.ListUnits(t.Context(), c.f)
				if err != nil {
					t.Fatal(err)
				}
				if c.total >= 0 && total != c.total {
					t.Errorf("total %d, want %d", total, c.total)
				}
				if c.f.Limit > 0 && len(us) > c.f.Limit {
					t.Errorf("%d items over limit %d", len(us), c.f.Limit)
				}
				if c.name == "paging" && len(us) != 4 {
					t.Errorf("last page has %d items, want 4", len(us))
				}
				var got []string
				for _, u := range us {
					got = append(got, u.Code+"@"+u.ValidFrom.String())
					if !c.f.On.IsZero() && !u.ValidOn(c.f.On) {
						t.Errorf("%s not valid on %s", u.Code, c.f.On)
					}
				}
				for i := 1; i < len(us); i++ {
					if c.f.Query != "" && us[i].Current() && !us[i-1].Current() {
						t.Errorf("unit %s in force after a former one: %v", us[i].Code, got)
					}
				}
				if c.first != "" && (len(got) == 0 || got[0] != c.first) {
					t.Errorf("first %v, want %s", got, c.first)
				}
				for _, h := range c.has {
					if !slices.Contains(got, h) {
						t.Errorf("missing %s in %v", h, got)
					}
				}
				for _, h := range c.hasnt {
					if slices.Contains(got, h) {
						t.Errorf("unexpected %s in %v", h, got)
					}
				}
			})
		}
		t.Run("Vietnamese order, prefix matches first", func(t *testing.T) {
			us, _, err := s.ListUnits(t.Context(), kc.UnitFilter{Query: "d", On: after, Level: kc.LevelProvince, Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			// Folded order would put Đắk Lắk ("daklak") before Đà Nẵng ("danang").
			want := []string{"48", "66", "11", "75", "82"} // Đà Nẵng, Đắk Lắk, Điện Biên, Đồng Nai, Đồng Tháp
			if got := unitCodes(us); !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	})
}
