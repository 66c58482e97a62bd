package app_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/demo"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

func TestReferenceCoversTheDemo(t *testing.T) {
	ref := store.DefaultReference()
	var trades, schemes, areas []string
	for _, tr := range ref.Trades {
		trades = append(trades, tr.Code)
	}
	for _, s := range ref.Schemes {
		schemes = append(schemes, s.Code)
		if !slices.ContainsFunc(ref.ContentAreas, func(c store.ContentArea) bool { return c.Code == s.ContentArea }) {
			t.Errorf("scheme %s names unknown content area %s", s.Code, s.ContentArea)
		}
	}
	for _, c := range ref.ContentAreas {
		areas = append(areas, c.Code)
	}
	cases := []struct {
		name    string
		used    []string
		catalog []string
	}{
		{"trades", demo.TradeCodes(), trades},
		{"schemes", demo.SchemeCodes(), schemes},
		{"content areas", []string{kc.ContentTraining, kc.ContentCapacity, kc.ContentDemoTech, kc.ContentProducts, kc.ContentConsulting, kc.ContentOutreach, "CA10"}, areas},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, code := range c.used {
				if !slices.Contains(c.catalog, code) {
					t.Errorf("%s is used by the demo but not in the catalogue", code)
				}
			}
		})
	}
}

func TestEnsureDemo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		a := unitApp(t, s)
		accounts, err := a.EnsureDemo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := s.CountEstablishments(ctx)
		var roles []string
		for _, acc := range accounts {
			if !slices.Contains(roles, acc.Role) {
				roles = append(roles, acc.Role)
			}
		}
		if len(roles) != len(kc.Roles) || n < 250 {
			t.Fatalf("roles %v, %d establishments", roles, n)
		}
		steps := []struct {
			name string
			run  func(t *testing.T)
		}{
			{"every demo account logs in and sees its scope", func(t *testing.T) {
				for _, acc := range accounts {
					p, err := a.Authenticate(ctx, acc.Username, acc.Password, "192.0.2.1:1")
					if err != nil {
						t.Fatalf("%s: %v", acc.Username, err)
					}
					d, err := a.Dashboard(app.WithPrincipal(ctx, p))
					if err != nil || d.Establishments == 0 || d.Establishments > n {
						t.Errorf("%s: %+v (%v)", acc.Username, d, err)
					}
				}
			}},
			{"a second start loads nothing and returns the same accounts", func(t *testing.T) {
				again, err := a.EnsureDemo(ctx)
				if err != nil || !slices.Equal(again, accounts) {
					t.Fatalf("%v (%v)", again, err)
				}
				if m, _ := s.CountEstablishments(ctx); m != n {
					t.Errorf("establishments %d → %d", n, m)
				}
			}},
			{"the audit chain holds", func(t *testing.T) {
				r, err := a.VerifyAudit(app.WithPrincipal(ctx, app.System))
				if err != nil || r.Break != nil || r.Checked == 0 {
					t.Errorf("%+v (%v)", r, err)
				}
			}},
			{"generating into a loaded database is refused", func(t *testing.T) {
				if _, err := a.GenerateScale(ctx, demo.ScaleProvince, 1, nil); kc.ErrorCode(err) != kc.EInvalid {
					t.Errorf("got %v, want invalid", err)
				}
			}},
		}
		for _, st := range steps {
			t.Run(st.name, st.run)
		}
	})
}

func TestEnsureDemoLeavesRealDataAlone(t *testing.T) {
	s := storetest.OpenSQLite(t)
	a := unitApp(t, s)
	u, err := s.FindUnit(t.Context(), "19564", kc.ReformDate)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateEstablishment(t.Context(), kc.Establishment{Name: "Cơ sở thật", Kind: kc.KindHousehold, CommuneID: u.ID}); err != nil {
		t.Fatal(err)
	}
	accounts, err := a.EnsureDemo(t.Context())
	if err != nil || accounts != nil {
		t.Fatalf("accounts %v (%v), want none", accounts, err)
	}
	if n, _ := s.CountEstablishments(t.Context()); n != 1 {
		t.Errorf("%d establishments", n)
	}
}

func TestGenerateScale(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := unitApp(t, s)
		if _, err := a.GenerateScale(t.Context(), "city", 1, nil); kc.ErrorCode(err) != kc.EInvalid {
			t.Fatalf("unknown scale: %v", err)
		}
		var calls, last int
		st, err := a.GenerateScale(t.Context(), demo.ScaleProvince, 3, func(done, total int) { calls++; last = done })
		if err != nil {
			t.Fatal(err)
		}
		n, _ := s.CountEstablishments(t.Context())
		if st.Establishments != demo.ProvinceEstablishments || n != int64(st.Establishments) || calls != 4 || last != st.Establishments || st.Facts < 5*st.Establishments {
			t.Fatalf("stats %+v, %d in the database, %d progress calls", st, n, calls)
		}
		admin := app.WithPrincipal(t.Context(), app.System)
		d, err := a.Dashboard(admin)
		if err != nil || d.Establishments != n || d.Projects != int64(st.Projects) || d.ProjectsThisYear == 0 {
			t.Errorf("dashboard %+v (%v), stats %+v", d, err, st)
		}
		// Every establishment lies in the new province 44.
		prov, _ := s.FindUnit(t.Context(), "44", kc.ReformDate)
		p, err := a.ResolvePrincipal(t.Context(), kc.User{Role: kc.RoleProvinceOfficer, ScopeUnitIDs: []int64{prov.ID}})
		if err != nil {
			t.Fatal(err)
		}
		pd, err := a.Dashboard(app.WithPrincipal(t.Context(), p))
		if err != nil || pd.Establishments != n || pd.Projects != d.Projects {
			t.Errorf("province dashboard %+v (%v)", pd, err)
		}
	})
}

// BenchmarkDashboard measures app.Dashboard against the same counts as one
// raw SQL query, for a province officer and an administrator, on the
// province demo (or on the database named by KHUYENCONG_BENCH_DB, e.g. a
// national dataset made with `khuyencong demo --scale national`).
func BenchmarkDashboard(b *testing.B) {
	var a *app.App
	if dsn := os.Getenv("KHUYENCONG_BENCH_DB"); dsn != "" {
		s, err := store.Open(context.Background(), dsn)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		a = app.New(s, nil)
	} else {
		s := storetest.Open(b)
		a = app.New(s, nil)
		if err := a.EnsureUnits(context.Background()); err != nil {
			b.Fatal(err)
		}
		if _, err := a.GenerateScale(context.Background(), demo.ScaleProvince, 1, nil); err != nil {
			b.Fatal(err)
		}
	}
	a.Now = func() time.Time { return storetest.Clock }
	prov, err := a.Store.FindUnit(context.Background(), "44", kc.ReformDate)
	if err != nil {
		b.Fatal(err)
	}
	pp, err := a.ResolvePrincipal(context.Background(), kc.User{Role: kc.RoleProvinceOfficer, ScopeUnitIDs: []int64{prov.ID}})
	if err != nil {
		b.Fatal(err)
	}
	principals := []struct {
		name string
		p    *app.Principal
	}{{"province", pp}, {"admin", app.System}}
	for _, x := range principals {
		ctx := app.WithPrincipal(context.Background(), x.p)
		runs := []struct {
			name string
			fn   func() error
		}{
			{"app", func() error { _, err := a.Dashboard(ctx); return err }},
			{"raw", func() error { _, err := a.DashboardRaw(ctx, false); return err }},
			{"raw-scan", func() error { _, err := a.DashboardRaw(ctx, true); return err }},
		}
		for _, r := range runs {
			b.Run(x.name+"/"+r.name, func(b *testing.B) {
				for b.Loop() {
					if err := r.fn(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
