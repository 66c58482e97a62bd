package unitdata

import (
	"strings"
	"testing"

	"khuyencong/internal/kc"
)

func TestLoad(t *testing.T) {
	set, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	byID := map[int64]kc.Unit{}
	for i, u := range set.Units {
		if u.ID != int64(i+1) {
			t.Fatalf("unit %d has id %d", i, u.ID)
		}
		if u.ParentID >= u.ID {
			t.Fatalf("unit %s: parent %d not before it", u.Code, u.ParentID)
		}
		byID[u.ID] = u
		period := "pre"
		if u.Current() {
			period = "post"
		}
		count[period+" "+u.Level]++
	}
	cases := []struct {
		name string
		got  int
		want int
	}{
		{"pre provinces", count["pre province"], 63},
		{"pre districts", count["pre district"], 696},
		{"pre communes (with Hải Phúc)", count["pre commune"], 10036},
		{"post provinces", count["post province"], 34},
		{"post communes", count["post commune"], 3321},
		{"successions: 10,571 mapping rows + 63 provinces + Hải Phúc", len(set.Successions), 10571 + 63 + 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %d, want %d", c.got, c.want)
			}
		})
	}
	find := func(level, code string, on kc.Date) kc.Unit {
		for _, u := range set.Units {
			if u.Level == level && u.Code == code && u.ValidOn(on) {
				return u
			}
		}
		return kc.Unit{}
	}
	t.Run("Hải Phúc → Ba Lòng 19570 from 2020", func(t *testing.T) {
		hp := find(kc.LevelCommune, "19573", kc.MustDate("2019-06-01"))
		if hp.ID == 0 || !find(kc.LevelCommune, "19573", kc.MustDate("2020-01-01")).ValidFrom.IsZero() {
			t.Fatalf("19573 validity wrong: %+v", hp)
		}
		if byID[hp.ParentID].Code != "467" {
			t.Errorf("parent %+v", byID[hp.ParentID])
		}
		ok := false
		for _, s := range set.Successions {
			if s.FromID == hp.ID && byID[s.ToID].Code == "19570" && s.Effective == kc.MustDate("2020-01-01") && s.Scope == kc.SuccessionFull {
				ok = true
			}
		}
		if !ok {
			t.Error("no succession 19573 → 19570")
		}
	})
	t.Run("district 467 renamed, GSO spelling kept", func(t *testing.T) {
		d := find(kc.LevelDistrict, "467", kc.MustDate("2020-01-01"))
		if d.Name != "Huyện Đakrông" || !strings.Contains(d.Note, "Đa Krông") {
			t.Errorf("got %+v", d)
		}
	})
	t.Run("island district Cồn Cỏ 471 → 19742", func(t *testing.T) {
		d := find(kc.LevelDistrict, "471", kc.MustDate("2020-01-01"))
		ok := false
		for _, s := range set.Successions {
			if s.FromID == d.ID && byID[s.ToID].Code == "19742" {
				ok = true
			}
		}
		if !ok {
			t.Error("no succession 471 → 19742")
		}
	})
	t.Run("README keeps the MIT notices", func(t *testing.T) {
		r := README()
		for _, s := range []string{"Copyright (c) 2021 Thang Le Quoc", "Copyright (c) 2025 dvhcvn"} {
			if !strings.Contains(r, s) {
				t.Errorf("README lacks %q", s)
			}
		}
	})
}

func TestLevelOf(t *testing.T) {
	cases := []struct{ code, want string }{
		{"44", kc.LevelProvince}, {"467", kc.LevelDistrict}, {"19576", kc.LevelCommune},
		{"1957", ""}, {"19a76", ""}, {"", ""},
	}
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			if got := LevelOf(c.code); got != c.want {
				t.Errorf("LevelOf(%q) = %q, want %q", c.code, got, c.want)
			}
		})
	}
}
