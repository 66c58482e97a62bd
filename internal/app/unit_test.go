package app_test

import (
	"strings"
	"testing"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// unitApp returns an App over s with the units loaded and the clock fixed
// at storetest.Clock (25/11/2026).
func unitApp(t *testing.T, s *store.Store) *app.App {
	t.Helper()
	a := app.New(s, nil)
	a.Now = func() time.Time { return storetest.Clock }
	if err := a.EnsureUnits(t.Context()); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestEnsureUnitsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := unitApp(t, s)
		n, err := s.CountUnits(t.Context())
		if err != nil || n < 14000 {
			t.Fatalf("CountUnits = %d, %v", n, err)
		}
		if err := a.Bootstrap(t.Context()); err != nil {
			t.Fatal(err)
		}
		if n2, _ := s.CountUnits(t.Context()); n2 != n {
			t.Errorf("second start changed the count %d → %d", n, n2)
		}
	})
}

func TestShowUnit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := unitApp(t, s)
		cases := []struct {
			name, code, on string
			wantName       string
			wantParents    []string
			wantSuccessors []string
			errCode        string
			errKey         string
			errArgs        []string // substrings expected among the error's arguments
		}{
			{name: "Ba Nang 2020", code: "19576", on: "2020-01-01", wantName: "Xã Ba Nang",
				wantParents: []string{"Huyện Đakrông", "Tỉnh Quảng Trị"}, wantSuccessors: []string{"19564"}},
			{name: "Ba Nang 2026 is gone", code: "19576", on: "2026-01-01", errCode: kc.ENotFound, errKey: "unit.gone_to",
				errArgs: []string{"19576", "01/01/2026", "Xã Ba Nang (Huyện Đakrông, Tỉnh Quảng Trị)", "30/06/2025", "Xã Đakrông (19564) từ 01/07/2025"}},
			{name: "today defaults to the clock", code: "19564", wantName: "Xã Đakrông", wantParents: []string{"Tỉnh Quảng Trị"}},
			{name: "19564 in 2020 is the old commune", code: "19564", on: "2020-01-01", wantName: "Xã Đa Krông",
				wantSuccessors: []string{"19564"}, wantParents: []string{"Huyện Đakrông", "Tỉnh Quảng Trị"}},
			{name: "Hải Phúc 2020 points to Ba Lòng", code: "19573", on: "2020-01-01", errCode: kc.ENotFound, errKey: "unit.gone_to",
				errArgs: []string{"Xã Hải Phúc (Huyện Đakrông, Tỉnh Quảng Trị)", "31/12/2019", "Xã Ba Lòng (19570) từ 01/01/2020"}},
			{name: "Cồn Cỏ not yet in 2020", code: "19742", on: "2020-01-01", errCode: kc.ENotFound, errKey: "unit.not_yet",
				errArgs: []string{"19742", "Đặc khu Cồn Cỏ (Tỉnh Quảng Trị)", "01/07/2025"}},
			{name: "unknown code", code: "99999", on: "2020-01-01", errCode: kc.ENotFound, errKey: "unit.not_found",
				errArgs: []string{"99999", "01/01/2020"}},
			{name: "malformed code", code: "1957", errCode: kc.EInvalid, errKey: "unit.bad_code"},
			{name: "letters", code: "ab", errCode: kc.EInvalid, errKey: "unit.bad_code"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				on, err := app.ParseUnitDate(c.on)
				if err != nil {
					t.Fatal(err)
				}
				d, err := a.ShowUnit(t.Context(), c.code, on)
				if kc.ErrorCode(err) != c.errCode {
					t.Fatalf("err = %v, want code %q", err, c.errCode)
				}
				if err != nil {
					e := kc.AsError(err)
					if e.Key != c.errKey {
						t.Errorf("key %q, want %q", e.Key, c.errKey)
					}
					for _, want := range c.errArgs {
						found := false
						for _, arg := range e.Args {
							if s, ok := arg.(string); ok && s == want {
								found = true
							}
						}
						if !found {
							t.Errorf("args %q lack %q", e.Args, want)
						}
					}
					return
				}
				if d.Unit.Name != c.wantName || d.Unit.Code != c.code {
					t.Errorf("unit %+v, want %s", d.Unit, c.wantName)
				}
				var parents, succ []string
				for _, p := range d.Parents {
					parents = append(parents, p.Name)
				}
				for _, l := range d.Successors {
					succ = append(succ, l.Unit.Code)
				}
				if strings.Join(parents, "|") != strings.Join(c.wantParents, "|") {
					t.Errorf("parents %v, want %v", parents, c.wantParents)
				}
				if strings.Join(succ, "|") != strings.Join(c.wantSuccessors, "|") {
					t.Errorf("successors %v, want %v", succ, c.wantSuccessors)
				}
			})
		}
	})
}

func TestParseUnitDate(t *testing.T) {
	cases := []struct {
		in, want, errCode string
	}{
		{"2020-01-01", "2020-01-01", ""},
		{" 2026-01-01 ", "2026-01-01", ""},
		{"", "", ""},
		{"01/01/2020", "", kc.EInvalid},
		{"2020-13-01", "", kc.EInvalid},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			d, err := app.ParseUnitDate(c.in)
			if kc.ErrorCode(err) != c.errCode || d.String() != c.want {
				t.Errorf("ParseUnitDate(%q) = %s, %v", c.in, d, err)
			}
			if err != nil && kc.AsError(err).Field != "on" {
				t.Errorf("field %q", kc.AsError(err).Field)
			}
		})
	}
}

func TestSearchUnits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := unitApp(t, s)
		cases := []struct {
			name     string
			f        kc.UnitFilter
			errCode  string
			wantCode string // a code among the rows
			parent   string // its parent's code
			maxRows  int
		}{
			{"ba nang with parent", kc.UnitFilter{Query: "ba nang", On: kc.MustDate("2020-01-01")}, "", "19576", "467", 50},
			{"new commune under province", kc.UnitFilter{Query: "Đakrông", On: kc.MustDate("2026-01-01")}, "", "19564", "44", 50},
			{"limit capped", kc.UnitFilter{Level: kc.LevelCommune, Limit: 100000}, "", "", "", app.UnitPageSizeMax},
			{"bad level", kc.UnitFilter{Level: "hamlet"}, kc.EInvalid, "", "", 0},
			{"query too long", kc.UnitFilter{Query: strings.Repeat("a", 101)}, kc.EInvalid, "", "", 0},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				rows, total, err := a.SearchUnits(t.Context(), c.f)
				if kc.ErrorCode(err) != c.errCode {
					t.Fatalf("err = %v, want %q", err, c.errCode)
				}
				if err != nil {
					return
				}
				if len(rows) > c.maxRows || total < len(rows) {
					t.Errorf("%d rows, total %d", len(rows), total)
				}
				if c.wantCode == "" {
					return
				}
				for _, r := range rows {
					if r.Unit.Code == c.wantCode {
						if r.Parent.Code != c.parent || r.Parent.ID != r.Unit.ParentID {
							t.Errorf("parent %+v, want %s", r.Parent, c.parent)
						}
						return
					}
				}
				t.Errorf("no %s in results", c.wantCode)
			})
		}
	})
}
