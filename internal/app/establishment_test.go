package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/demo"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// registryFixture is an App with the real units and the district demo.
type registryFixture struct {
	a *app.App
	s *store.Store
	// Communes in force by code, and the province.
	commune  map[string]int64
	province int64
}

func newRegistryFixture(t *testing.T, s *store.Store) *registryFixture {
	t.Helper()
	f := &registryFixture{a: unitApp(t, s), s: s, commune: map[string]int64{}}
	if _, err := f.a.GenerateScale(t.Context(), demo.ScaleDistrict, 1, nil); err != nil {
		t.Fatal(err)
	}
	for _, code := range demo.DistrictCurrentCodes {
		u, err := s.FindUnit(t.Context(), code, kc.ReformDate)
		if err != nil {
			t.Fatal(err)
		}
		f.commune[code] = u.ID
	}
	p, err := s.FindUnit(t.Context(), "44", kc.ReformDate)
	if err != nil {
		t.Fatal(err)
	}
	f.province = p.ID
	return f
}

// as returns a context with the principal of a user of role scoped to units.
func (f *registryFixture) as(t *testing.T, role kc.Role, units ...int64) context.Context {
	t.Helper()
	p, err := f.a.ResolvePrincipal(t.Context(), kc.User{ID: 0, Username: "t." + string(role), Role: role, ScopeUnitIDs: units})
	if err != nil {
		t.Fatal(err)
	}
	return app.WithPrincipal(t.Context(), p)
}

// firstIn returns an establishment of the commune, as the system sees it.
func (f *registryFixture) firstIn(t *testing.T, commune int64) kc.Establishment {
	t.Helper()
	list, _, err := f.s.ListEstablishments(t.Context(), kc.EstablishmentFilter{CommuneIDs: []int64{commune}, Limit: 1})
	if err != nil || len(list) == 0 {
		t.Fatalf("no establishment in %d: %v", commune, err)
	}
	return list[0]
}

func TestEstablishmentScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newRegistryFixture(t, s)
		dakrong, lalay := f.commune["19564"], f.commune["19594"]
		officer := f.as(t, kc.RoleCommuneOfficer, dakrong)
		own, other := f.firstIn(t, dakrong), f.firstIn(t, lalay)

		t.Run("list shows only own establishments", func(t *testing.T) {
			cases := []struct {
				name   string
				ctx    context.Context
				filter kc.EstablishmentFilter
				want   func(kc.Establishment) bool
				min    int
			}{
				{"commune officer", officer, kc.EstablishmentFilter{Limit: 1000}, func(e kc.Establishment) bool { return e.CommuneID == dakrong }, 20},
				{"asking for another commune narrows to nothing", officer, kc.EstablishmentFilter{CommuneIDs: []int64{lalay}}, nil, 0},
				{"search stays in scope", officer, kc.EstablishmentFilter{Query: "thổ cẩm", Limit: 1000}, func(e kc.Establishment) bool { return e.CommuneID == dakrong }, 1},
				{"province officer sees the whole district", f.as(t, kc.RoleProvinceOfficer, f.province), kc.EstablishmentFilter{Limit: 1000}, func(kc.Establishment) bool { return true }, 250},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					list, total, err := f.a.ListEstablishments(c.ctx, c.filter)
					if err != nil {
						t.Fatal(err)
					}
					if total != len(list) || total < c.min || (c.want == nil && total != 0) {
						t.Fatalf("total %d, listed %d, want at least %d", total, len(list), c.min)
					}
					for _, e := range list {
						if !c.want(e) {
							t.Fatalf("out of scope: %d %s in commune %d", e.ID, e.Name, e.CommuneID)
						}
					}
				})
			}
			_, all, _ := f.s.ListEstablishments(t.Context(), kc.EstablishmentFilter{})
			_, mine, _ := f.a.ListEstablishments(officer, kc.EstablishmentFilter{})
			if mine >= all {
				t.Errorf("commune officer sees %d of %d establishments", mine, all)
			}
		})

		t.Run("get", func(t *testing.T) {
			cases := []struct {
				name string
				ctx  context.Context
				id   int64
				code string
			}{
				{"own commune", officer, own.ID, ""},
				{"another commune is not found", officer, other.ID, kc.ENotFound},
				{"missing is not found", officer, other.ID + 100000, kc.ENotFound},
				{"the other commune's officer", f.as(t, kc.RoleCommuneOfficer, lalay), other.ID, ""},
				{"no principal", t.Context(), own.ID, kc.EUnauthenticated},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					e, err := f.a.GetEstablishment(c.ctx, c.id)
					if kc.ErrorCode(err) != c.code {
						t.Fatalf("code %q, want %q (%v)", kc.ErrorCode(err), c.code, err)
					}
					if c.code == "" && e.ID != c.id {
						t.Errorf("got %d", e.ID)
					}
				})
			}
		})

		t.Run("update", func(t *testing.T) {
			str := func(s string) *string { return &s }
			cases := []struct {
				name  string
				ctx   context.Context
				id    int64
				upd   kc.EstablishmentUpdate
				code  string
				field string
			}{
				{"another commune is not found", officer, other.ID, kc.EstablishmentUpdate{Name: str("Đổi tên trái phép")}, kc.ENotFound, ""},
				{"viewer in scope is forbidden", f.as(t, kc.RoleViewer, f.province), own.ID, kc.EstablishmentUpdate{Name: str("Xem thôi")}, kc.EForbidden, ""},
				{"council member is forbidden", f.as(t, kc.RoleCouncilMember, f.province), own.ID, kc.EstablishmentUpdate{Notes: str("x")}, kc.EForbidden, ""},
				{"viewer out of scope is not found", f.as(t, kc.RoleViewer, lalay), own.ID, kc.EstablishmentUpdate{Name: str("x")}, kc.ENotFound, ""},
				{"empty name", officer, own.ID, kc.EstablishmentUpdate{Name: str("   ")}, kc.EInvalid, "name"},
				{"long village", officer, own.ID, kc.EstablishmentUpdate{Village: str(strings.Repeat("Thôn ", 60))}, kc.EInvalid, "village"},
				{"unknown kind", officer, own.ID, kc.EstablishmentUpdate{Kind: str("factory")}, kc.EInvalid, "kind"},
				{"stale version", officer, own.ID, kc.EstablishmentUpdate{Version: own.Version + 5, Notes: str("x")}, kc.EConflict, ""},
				{"own commune", officer, own.ID, kc.EstablishmentUpdate{Version: own.Version, Name: str("  Cơ sở  đã đổi tên "), Notes: str("Ghi chú mới")}, "", ""},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					_, err := f.a.UpdateEstablishment(c.ctx, c.id, c.upd)
					if kc.ErrorCode(err) != c.code {
						t.Fatalf("code %q, want %q (%v)", kc.ErrorCode(err), c.code, err)
					}
					if c.field != "" {
						fes := kc.FieldErrors(err)
						if len(fes) != 1 || fes[0].Field != c.field {
							t.Errorf("field errors %v, want one on %s", fes, c.field)
						}
					}
				})
			}
			got, err := f.s.GetEstablishment(t.Context(), other.ID)
			if err != nil || got.Name != other.Name || got.Version != other.Version {
				t.Errorf("the other commune's establishment changed: %+v (%v)", got, err)
			}
			got, err = f.s.GetEstablishment(t.Context(), own.ID)
			if err != nil || got.Name != "Cơ sở đã đổi tên" || got.Notes != "Ghi chú mới" || got.Version != own.Version+1 {
				t.Errorf("own establishment: %+v (%v)", got, err)
			}
			admin := app.WithPrincipal(t.Context(), app.System)
			entries, err := f.a.ListAudit(admin, "establishment", own.ID, 10)
			if err != nil || len(entries) != 1 {
				t.Fatalf("audit entries %d (%v), want 1", len(entries), err)
			}
			if e := entries[0]; e.Action != kc.ActionUpdate || !strings.Contains(e.Before, own.Name) || !strings.Contains(e.After, "Cơ sở đã đổi tên") {
				t.Errorf("audit entry %+v", e)
			}
		})
	})
}

func TestDashboardScopes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newRegistryFixture(t, s)
		admin := app.WithPrincipal(t.Context(), &app.Principal{User: kc.User{Username: "admin", Role: kc.RoleAdmin}, All: true})
		total, err := f.a.Dashboard(admin)
		if err != nil {
			t.Fatal(err)
		}
		if total.ScopeName != "Toàn quốc" || total.Year != 2026 || total.Establishments < 250 || total.Communes != 3321 || total.WorkersLatest <= total.Establishments {
			t.Errorf("admin dashboard %+v", total)
		}
		var sum app.Dashboard
		for _, code := range demo.DistrictCurrentCodes {
			ctx := f.as(t, kc.RoleCommuneOfficer, f.commune[code])
			d, err := f.a.Dashboard(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if d.Communes != 1 || !strings.HasPrefix(d.ScopeName, "Xã ") {
				t.Errorf("%s: %+v", code, d)
			}
			for _, scan := range []bool{false, true} {
				raw, err := f.a.DashboardRaw(ctx, scan)
				if err != nil || fmtDash(raw) != fmtDash(d) {
					t.Errorf("%s: raw (scan %v) %+v (%v) differs from %+v", code, scan, raw, err, d)
				}
			}
			sum.Establishments += d.Establishments
			sum.WorkersLatest += d.WorkersLatest
			sum.Projects += d.Projects
			sum.ProjectsThisYear += d.ProjectsThisYear
			sum.OutreachSessions += d.OutreachSessions
			sum.StateFunding += d.StateFunding
		}
		prov, err := f.a.Dashboard(f.as(t, kc.RoleProvinceOfficer, f.province))
		if err != nil {
			t.Fatal(err)
		}
		checks := []struct {
			name      string
			got, want int64
		}{
			{"communes add up to the whole district", sum.Establishments, total.Establishments},
			{"workers add up", sum.WorkersLatest, total.WorkersLatest},
			{"projects on former units reach today's communes", sum.Projects, total.Projects},
			{"this year's projects add up", sum.ProjectsThisYear, total.ProjectsThisYear},
			{"sessions add up", sum.OutreachSessions, total.OutreachSessions},
			{"state funding adds up", sum.StateFunding, total.StateFunding},
			{"the province has the whole district", prov.Establishments, total.Establishments},
			{"the province has 78 communes", prov.Communes, 78},
		}
		for _, c := range checks {
			t.Run(c.name, func(t *testing.T) {
				if c.got != c.want {
					t.Errorf("got %d, want %d", c.got, c.want)
				}
			})
		}
		// The 2020 ice plant of Khóm 1, thị trấn Krông Klang (old 19555)
		// counts for today's Xã Hướng Hiệp (new 19555): 50 m district
		// support and 250 m counterpart, beside the national production
		// line of the same year there (300 m national, 700 m counterpart).
		c, err := s.DashboardCounts(t.Context(), []int64{f.commune["19555"]}, 2020)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.SourceTotal{{Source: kc.SourceNational, Amount: 300_000_000}, {Source: kc.SourceDistrict, Amount: 50_000_000}, {Source: kc.SourceCounterpart, Amount: 950_000_000}}
		if len(c.Funding) != 3 || c.Funding[0] != want[0] || c.Funding[1] != want[1] || c.Funding[2] != want[2] || c.ProjectsThisYear != 2 {
			t.Errorf("Hướng Hiệp 2020: %+v", c)
		}
		if _, err := f.a.Dashboard(t.Context()); kc.ErrorCode(err) != kc.EUnauthenticated {
			t.Errorf("no principal: %v", err)
		}
	})
}

func fmtDash(d app.Dashboard) string { return fmt.Sprintf("%+v", d) }
