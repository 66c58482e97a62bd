// Package apptest builds application fixtures shared by the tests of the
// web and api edges: a province with two communes, one establishment in
// each, and one account per role and scope that the scope matrix checks.
//
// apptest imports app, kc and store; only test files may import it.
package apptest

import (
	"context"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
)

// Password is the password of every fixture account; it passes the
// password rules.
const Password = "Thu-nghiem-2026!kc"

// Secret is the master secret that seals the fixture's personal data;
// it is for tests only.
const Secret = "apptest-secret-for-personal-data-0123456789"

// Account names of the fixture.
const (
	OfficerA = "canbo.xa.a" // commune officer of CommuneA
	OfficerB = "canbo.xa.b" // commune officer of CommuneB
	Province = "canbo.tinh" // province officer
	Viewer   = "lanhdao"    // read-only, whole province
	Admin    = "quantri"    // administrator
)

// Scope is the fixture: its app, units, establishments and users.
type Scope struct {
	App                          *app.App
	Province, CommuneA, CommuneB kc.Unit
	EstA, EstB                   kc.Establishment
	Users                        map[string]kc.User
}

// NewScope loads the fixture into st, a freshly migrated store.
func NewScope(t testing.TB, st *store.Store) *Scope {
	t.Helper()
	ctx := app.WithPrincipal(context.Background(), app.System)
	from := kc.MustDate("2025-07-01")
	units := []kc.Unit{
		{ID: 1, Code: "98", Level: kc.LevelProvince, Type: "Tỉnh", Name: "Tỉnh Thử Nghiệm", ValidFrom: from},
		{ID: 2, Code: "99001", Level: kc.LevelCommune, Type: "Xã", Name: "Xã An Phú", ParentID: 1, ValidFrom: from},
		{ID: 3, Code: "99002", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Bình Minh", ParentID: 1, ValidFrom: from},
	}
	if _, err := st.LoadUnits(ctx, units, nil); err != nil {
		t.Fatalf("load units: %v", err)
	}
	f := &Scope{App: app.New(st, nil), Users: map[string]kc.User{}}
	f.App.Now = st.Now
	if err := f.App.SetSecret([]byte(Secret)); err != nil {
		t.Fatalf("secret: %v", err)
	}
	on := kc.MustDate("2026-01-01")
	for _, u := range []struct {
		dst  *kc.Unit
		code string
	}{{&f.Province, "98"}, {&f.CommuneA, "99001"}, {&f.CommuneB, "99002"}} {
		var err error
		if *u.dst, err = st.FindUnit(ctx, u.code, on); err != nil {
			t.Fatalf("find unit %s: %v", u.code, err)
		}
	}
	for _, u := range []app.NewUser{
		{Username: OfficerA, DisplayName: "Cán bộ xã An Phú", Role: kc.RoleCommuneOfficer, ScopeUnitIDs: []int64{f.CommuneA.ID}},
		{Username: OfficerB, DisplayName: "Cán bộ xã Bình Minh", Role: kc.RoleCommuneOfficer, ScopeUnitIDs: []int64{f.CommuneB.ID}},
		{Username: Province, DisplayName: "Cán bộ tỉnh", Role: kc.RoleProvinceOfficer, ScopeUnitIDs: []int64{f.Province.ID}},
		{Username: Viewer, DisplayName: "Lãnh đạo", Role: kc.RoleViewer, ScopeUnitIDs: []int64{f.Province.ID}},
		{Username: Admin, DisplayName: "Quản trị", Role: kc.RoleAdmin},
	} {
		u.Password = Password
		created, err := f.App.CreateUser(ctx, u)
		if err != nil {
			t.Fatalf("create user %s: %v", u.Username, err)
		}
		f.Users[u.Username] = created
	}
	var err error
	f.EstA, err = st.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindHouseholdBusiness, Name: "Cơ sở dệt thổ cẩm An Phú", CommuneID: f.CommuneA.ID, Village: "Thôn 1", MainProducts: "Vải thổ cẩm"})
	if err != nil {
		t.Fatalf("create establishment A: %v", err)
	}
	f.EstB, err = st.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindCoopGroup, Name: "Tổ hợp tác rượu men lá Bình Minh", CommuneID: f.CommuneB.ID, Village: "Bản Ra Lu", MainProducts: "Rượu men lá"})
	if err != nil {
		t.Fatalf("create establishment B: %v", err)
	}
	return f
}

// As returns ctx carrying the principal of the fixture account username.
func (f *Scope) As(t testing.TB, ctx context.Context, username string) context.Context {
	t.Helper()
	p, err := f.App.ResolvePrincipal(ctx, f.Users[username])
	if err != nil {
		t.Fatalf("principal %s: %v", username, err)
	}
	return app.WithPrincipal(ctx, p)
}
