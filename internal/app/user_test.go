package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

func init() {
	// Cheap argon2id parameters keep login-heavy suites fast.
	auth.HashParams = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
}

// accountFixture is an App over a small unit tree: a province with two
// current communes and a former commune that one of them succeeded.
type accountFixture struct {
	a                     *app.App
	s                     *store.Store
	province, c1, c2, old int64
	clock                 time.Time
}

const strongPassword = "Rượu men lá Đá Bàn"

func newAccountFixture(t *testing.T, s *store.Store) *accountFixture {
	t.Helper()
	f := &accountFixture{s: s, clock: storetest.Clock}
	f.a = app.New(s, nil)
	f.a.Now = func() time.Time { return f.clock }
	s.Now = func() time.Time { return f.clock }
	from, reform := kc.MustDate("2008-01-01"), kc.ReformDate
	units := []kc.Unit{
		{ID: 1, Code: "45", Level: kc.LevelProvince, Type: "Tỉnh", Name: "Tỉnh Thử", ValidFrom: reform},
		{ID: 2, Code: "19564", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Một", ParentID: 1, ValidFrom: reform},
		{ID: 3, Code: "19565", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Hai", ParentID: 1, ValidFrom: reform},
		{ID: 4, Code: "19576", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Cũ", ValidFrom: from, ValidTo: reform.AddDays(-1)},
	}
	links := []kc.Succession{{FromID: 4, ToID: 2, Scope: kc.SuccessionFull, Effective: reform}}
	if _, err := s.LoadUnits(t.Context(), units, links); err != nil {
		t.Fatal(err)
	}
	for _, code := range []struct {
		code string
		id   *int64
	}{{"45", &f.province}, {"19564", &f.c1}, {"19565", &f.c2}} {
		u, err := s.FindUnit(t.Context(), code.code, kc.DateOf(f.clock))
		if err != nil {
			t.Fatal(err)
		}
		*code.id = u.ID
	}
	old, err := s.FindUnit(t.Context(), "19576", kc.MustDate("2020-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	f.old = old.ID
	return f
}

// user creates an account as the system and returns it.
func (f *accountFixture) user(t *testing.T, name string, role kc.Role, scope ...int64) kc.User {
	t.Helper()
	u, err := f.a.CreateUser(t.Context(), app.NewUser{Username: name, Password: strongPassword, Role: role, ScopeUnitIDs: scope})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return u
}

// as returns a context carrying the principal of u.
func (f *accountFixture) as(t *testing.T, u kc.User) context.Context {
	t.Helper()
	p, err := f.a.PrincipalForUser(t.Context(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return app.WithPrincipal(t.Context(), p)
}

func TestCreateUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAccountFixture(t, s)
		ctx := t.Context()
		admin := f.user(t, "quantri", kc.RoleAdmin)
		officer := f.user(t, "canbo.xa", kc.RoleCommuneOfficer, f.c1)
		cases := []struct {
			name  string
			ctx   context.Context
			in    app.NewUser
			code  string
			key   string
			field string
		}{
			{"province officer", ctx, app.NewUser{Username: "tinh", Role: kc.RoleProvinceOfficer, ScopeUnitIDs: []int64{f.province}}, "", "", ""},
			{"commune officer two communes", ctx, app.NewUser{Username: "xa.hai", DisplayName: "  Hồ Văn  Bốn ", Role: kc.RoleCommuneOfficer, ScopeUnitIDs: []int64{f.c1, f.c2}}, "", "", ""},
			{"viewer of former commune", ctx, app.NewUser{Username: "xem", Role: kc.RoleViewer, ScopeUnitIDs: []int64{f.old}}, "", "", ""},
			{"by admin principal", f.as(t, admin), app.NewUser{Username: "hoidong", Role: kc.RoleCouncilMember, ScopeUnitIDs: []int64{f.province}}, "", "", ""},
			{"username shape", ctx, app.NewUser{Username: "Lan Anh", Role: kc.RoleAdmin}, kc.EInvalid, "user.username_invalid", "username"},
			{"username short", ctx, app.NewUser{Username: "ab", Role: kc.RoleAdmin}, kc.EInvalid, "user.username_invalid", "username"},
			{"unknown role", ctx, app.NewUser{Username: "root", Role: "root"}, kc.EInvalid, "user.role_invalid", "role"},
			{"weak password", ctx, app.NewUser{Username: "yeu", Role: kc.RoleAdmin, Password: "Password123"}, kc.EInvalid, "user.password_common", "password"},
			{"password has username", ctx, app.NewUser{Username: "thanhhoa", Role: kc.RoleAdmin, Password: "thanhhoa-2026!"}, kc.EInvalid, "user.password_username", "password"},
			{"province role needs province", ctx, app.NewUser{Username: "tinh2", Role: kc.RoleProvinceOfficer, ScopeUnitIDs: []int64{f.c1}}, kc.EInvalid, "user.scope_province", "scope"},
			{"province role one unit", ctx, app.NewUser{Username: "tinh3", Role: kc.RoleProvinceOfficer, ScopeUnitIDs: []int64{f.province, f.c1}}, kc.EInvalid, "user.scope_province", "scope"},
			{"commune role current communes", ctx, app.NewUser{Username: "xa.cu", Role: kc.RoleCommuneOfficer, ScopeUnitIDs: []int64{f.old}}, kc.EInvalid, "user.scope_communes", "scope"},
			{"commune role not province", ctx, app.NewUser{Username: "xa.tinh", Role: kc.RoleCommuneOfficer, ScopeUnitIDs: []int64{f.province}}, kc.EInvalid, "user.scope_communes", "scope"},
			{"scope required", ctx, app.NewUser{Username: "xa.rong", Role: kc.RoleCommuneOfficer}, kc.EInvalid, "user.scope_required", "scope"},
			{"unknown scope unit", ctx, app.NewUser{Username: "xa.ma", Role: kc.RoleViewer, ScopeUnitIDs: []int64{987654}}, kc.EInvalid, "user.scope_unknown", "scope"},
			{"admin has no scope", ctx, app.NewUser{Username: "qt2", Role: kc.RoleAdmin, ScopeUnitIDs: []int64{f.province}}, kc.EInvalid, "user.scope_admin", "scope"},
			{"several errors", ctx, app.NewUser{Username: "X", Role: "root", Password: "x"}, kc.EInvalid, "error.validation", ""},
			{"duplicate", ctx, app.NewUser{Username: "quantri", Role: kc.RoleAdmin}, kc.EConflict, "user.exists", "username"},
			{"officer may not", f.as(t, officer), app.NewUser{Username: "moi", Role: kc.RoleViewer, ScopeUnitIDs: []int64{f.c1}}, kc.EForbidden, "error.forbidden", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if c.in.Password == "" {
					c.in.Password = strongPassword
				}
				before, _ := s.CountUsers(ctx)
				u, err := f.a.CreateUser(c.ctx, c.in)
				after, _ := s.CountUsers(ctx)
				if c.code == "" {
					if err != nil {
						t.Fatalf("CreateUser: %v", err)
					}
					if u.ID == 0 || u.PasswordHash != "" || after != before+1 {
						t.Fatalf("created %+v (users %d → %d)", u, before, after)
					}
					got, _ := s.GetUser(ctx, u.ID)
					if !strings.HasPrefix(got.PasswordHash, "$argon2id$") || !slices.Equal(got.ScopeUnitIDs, u.ScopeUnitIDs) {
						t.Fatalf("stored %+v", got)
					}
					return
				}
				e := kc.AsError(err)
				if e.Code != c.code || e.Key != c.key || e.Field != c.field {
					t.Fatalf("err = %v; want %s %s [%s]", err, c.code, c.key, c.field)
				}
				if after != before {
					t.Fatalf("users %d → %d after a refused create", before, after)
				}
			})
		}
		t.Run("display name normalised", func(t *testing.T) {
			u, _ := s.GetUserByUsername(ctx, "xa.hai")
			if u.DisplayName != "Hồ Văn Bốn" {
				t.Fatalf("display name %q", u.DisplayName)
			}
		})
		t.Run("audit without hash", func(t *testing.T) {
			es, err := f.a.ListAudit(f.as(t, admin), "user", officer.ID, 10)
			if err != nil || len(es) != 1 || es[0].Action != kc.ActionCreate || es[0].Actor != "system" {
				t.Fatalf("audit = %+v, %v", es, err)
			}
			if strings.Contains(es[0].After, "argon2") || !strings.Contains(es[0].After, `"canbo.xa"`) {
				t.Fatalf("audit after = %s", es[0].After)
			}
		})
	})
}

func TestAuthenticate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAccountFixture(t, s)
		ctx := t.Context()
		lan := f.user(t, "lan", kc.RoleCommuneOfficer, f.c1)
		tinh := f.user(t, "tinh", kc.RoleProvinceOfficer, f.province)
		off := f.user(t, "nghi", kc.RoleViewer, f.c2)
		if err := f.a.DisableUser(ctx, off.ID); kc.ErrorCode(err) != kc.EUnauthenticated {
			t.Fatalf("disable without principal = %v", err)
		}
		if err := f.a.DisableUser(app.WithPrincipal(ctx, app.System), off.ID); err != nil {
			t.Fatal(err)
		}
		invalid := func(t *testing.T, p *app.Principal, err error) {
			t.Helper()
			if e := kc.AsError(err); p != nil || e.Code != kc.EUnauthenticated || e.Key != "auth.invalid" {
				t.Fatalf("Authenticate = %v, %v; want auth.invalid", p, err)
			}
		}
		cases := []struct {
			name string
			run  func(t *testing.T)
		}{
			{"success", func(t *testing.T) {
				p, err := f.a.Authenticate(ctx, "lan", strongPassword, "192.0.2.7")
				if err != nil || p.User.ID != lan.ID || p.All || !slices.Equal(p.Communes, []int64{f.c1}) || p.User.PasswordHash != "" {
					t.Fatalf("Authenticate = %+v, %v", p, err)
				}
				es, _ := f.a.ListAudit(app.WithPrincipal(ctx, app.System), "user", lan.ID, 1)
				if len(es) != 1 || es[0].Action != kc.ActionLogin || es[0].ActorID != lan.ID || !strings.Contains(es[0].After, "192.0.2.7") {
					t.Fatalf("login audit = %+v", es)
				}
			}},
			{"province scope", func(t *testing.T) {
				p, err := f.a.Authenticate(ctx, "tinh", strongPassword, "")
				if err != nil || !slices.Equal(p.Communes, []int64{f.c1, f.c2}) {
					t.Fatalf("province principal = %+v, %v", p, err)
				}
				_ = tinh
			}},
			{"wrong password", func(t *testing.T) {
				p, err := f.a.Authenticate(ctx, "lan", "not the password", "")
				invalid(t, p, err)
				u, _ := s.GetUser(ctx, lan.ID)
				if u.FailedLogins != 1 {
					t.Fatalf("failed logins = %d", u.FailedLogins)
				}
			}},
			{"unknown user", func(t *testing.T) {
				p, err := f.a.Authenticate(ctx, "nobody", strongPassword, "")
				invalid(t, p, err)
			}},
			{"empty", func(t *testing.T) {
				p, err := f.a.Authenticate(ctx, "", "", "")
				invalid(t, p, err)
			}},
			{"disabled", func(t *testing.T) {
				p, err := f.a.Authenticate(ctx, "nghi", strongPassword, "")
				invalid(t, p, err)
				if _, err := f.a.PrincipalForUser(ctx, off.ID); kc.ErrorCode(err) != kc.EUnauthenticated {
					t.Fatalf("PrincipalForUser(disabled) = %v", err)
				}
			}},
			{"success clears failures", func(t *testing.T) {
				if _, err := f.a.Authenticate(ctx, "lan", strongPassword, ""); err != nil {
					t.Fatal(err)
				}
				if u, _ := s.GetUser(ctx, lan.ID); u.FailedLogins != 0 {
					t.Fatalf("failed logins = %d after success", u.FailedLogins)
				}
			}},
			{"lockout", func(t *testing.T) {
				for range store.MaxLoginFailures {
					f.a.Authenticate(ctx, "lan", "wrong wrong wrong", "")
				}
				p, err := f.a.Authenticate(ctx, "lan", strongPassword, "")
				invalid(t, p, err)
				f.clock = f.clock.Add(store.LockDuration + time.Second)
				if _, err := f.a.Authenticate(ctx, "lan", strongPassword, ""); err != nil {
					t.Fatalf("after the lock: %v", err)
				}
			}},
			{"unknown principal", func(t *testing.T) {
				if _, err := f.a.PrincipalForUser(ctx, 99999); kc.ErrorCode(err) != kc.EUnauthenticated {
					t.Fatalf("PrincipalForUser(unknown) = %v", err)
				}
			}},
		}
		for _, c := range cases {
			t.Run(c.name, c.run)
		}
	})
}

func TestChangePassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAccountFixture(t, s)
		admin := f.user(t, "quantri", kc.RoleAdmin)
		lan := f.user(t, "lan", kc.RoleCommuneOfficer, f.c1)
		binh := f.user(t, "binh", kc.RoleCommuneOfficer, f.c2)
		const next = "Dệt thổ cẩm A Bung"
		cases := []struct {
			name  string
			ctx   context.Context
			in    app.PasswordChange
			code  string
			key   string
			login string // password that must work afterwards
		}{
			{"self wrong current", f.as(t, lan), app.PasswordChange{UserID: lan.ID, Current: "nope", New: next}, kc.EInvalid, "user.password_wrong", strongPassword},
			{"self weak", f.as(t, lan), app.PasswordChange{UserID: lan.ID, Current: strongPassword, New: "short"}, kc.EInvalid, "user.password_short", strongPassword},
			{"self ok", f.as(t, lan), app.PasswordChange{UserID: lan.ID, Current: strongPassword, New: next}, "", "", next},
			{"other user", f.as(t, binh), app.PasswordChange{UserID: lan.ID, New: "Đan gùi mây tre"}, kc.EForbidden, "error.forbidden", next},
			{"admin resets", f.as(t, admin), app.PasswordChange{UserID: lan.ID, New: "Đan gùi mây tre"}, "", "", "Đan gùi mây tre"},
			{"system resets", app.WithPrincipal(t.Context(), app.System), app.PasswordChange{UserID: lan.ID, New: strongPassword}, "", "", strongPassword},
			{"unknown user", app.WithPrincipal(t.Context(), app.System), app.PasswordChange{UserID: 4242, New: strongPassword}, kc.ENotFound, "", strongPassword},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				err := f.a.ChangePassword(c.ctx, c.in)
				if e := kc.AsError(err); (c.code == "" && err != nil) || (c.code != "" && (e.Code != c.code || (c.key != "" && e.Key != c.key))) {
					t.Fatalf("ChangePassword = %v; want %s %s", err, c.code, c.key)
				}
				if _, err := f.a.Authenticate(t.Context(), "lan", c.login, ""); err != nil {
					t.Fatalf("login with %q: %v", c.login, err)
				}
			})
		}
		t.Run("audited", func(t *testing.T) {
			es, _ := f.a.ListAudit(f.as(t, admin), "user", lan.ID, 50)
			n := 0
			for _, e := range es {
				if e.Action == kc.ActionPassword {
					n++
				}
			}
			if n != 3 {
				t.Fatalf("%d password audit entries, want 3", n)
			}
		})
	})
}

func TestUserAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAccountFixture(t, s)
		admin := f.user(t, "quantri", kc.RoleAdmin)
		lan := f.user(t, "lan", kc.RoleCommuneOfficer, f.c2, f.c1)
		actx, lctx := f.as(t, admin), f.as(t, lan)
		cases := []struct {
			name string
			run  func(t *testing.T)
		}{
			{"list", func(t *testing.T) {
				us, err := f.a.ListUsers(actx)
				if err != nil || len(us) != 2 || us[0].User.Username != "lan" || len(us[0].Scope) != 2 || us[0].Scope[0].Code != "19564" || us[1].User.PasswordHash != "" {
					t.Fatalf("ListUsers = %+v, %v", us, err)
				}
			}},
			{"list forbidden", func(t *testing.T) {
				if _, err := f.a.ListUsers(lctx); kc.ErrorCode(err) != kc.EForbidden {
					t.Fatalf("ListUsers as officer = %v", err)
				}
			}},
			{"find", func(t *testing.T) {
				u, err := f.a.FindUser(actx, "lan")
				if err != nil || u.ID != lan.ID || u.PasswordHash != "" {
					t.Fatalf("FindUser = %+v, %v", u, err)
				}
				if _, err := f.a.FindUser(actx, "ghost"); kc.AsError(err).Key != "user.not_found_name" {
					t.Fatalf("FindUser(ghost) = %v", err)
				}
			}},
			{"me", func(t *testing.T) {
				me, err := f.a.Me(lctx)
				if err != nil || me.User.ID != lan.ID || len(me.Scope) != 2 || me.Scope[0].Name != "Xã Hai" {
					t.Fatalf("Me = %+v, %v", me, err)
				}
			}},
			{"disable self", func(t *testing.T) {
				if err := f.a.DisableUser(actx, admin.ID); kc.AsError(err).Key != "user.disable_self" {
					t.Fatalf("DisableUser(self) = %v", err)
				}
			}},
			{"disable forbidden", func(t *testing.T) {
				if err := f.a.DisableUser(lctx, admin.ID); kc.ErrorCode(err) != kc.EForbidden {
					t.Fatalf("DisableUser as officer = %v", err)
				}
			}},
			{"disable and enable", func(t *testing.T) {
				if err := f.a.DisableUser(actx, lan.ID); err != nil {
					t.Fatal(err)
				}
				if _, err := f.a.PrincipalForUser(t.Context(), lan.ID); kc.ErrorCode(err) != kc.EUnauthenticated {
					t.Fatalf("disabled principal = %v", err)
				}
				if err := f.a.EnableUser(actx, lan.ID); err != nil {
					t.Fatal(err)
				}
				if _, err := f.a.PrincipalForUser(t.Context(), lan.ID); err != nil {
					t.Fatalf("enabled principal = %v", err)
				}
				es, _ := f.a.ListAudit(actx, "user", lan.ID, 10)
				if len(es) < 2 || es[1].Action != kc.ActionDisable || !strings.Contains(es[1].After, `"disabled":true`) {
					t.Fatalf("audit = %+v", es)
				}
			}},
		}
		for _, c := range cases {
			t.Run(c.name, c.run)
		}
	})
}

func TestPrincipalCache(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAccountFixture(t, s)
		tinh := f.user(t, "tinh", kc.RoleProvinceOfficer, f.province)
		lan := f.user(t, "lan", kc.RoleCommuneOfficer, f.c1)
		admin := f.user(t, "quantri", kc.RoleAdmin)
		_, secret, err := f.a.CreateAPIToken(f.as(t, lan), "x")
		if err != nil {
			t.Fatal(err)
		}
		c := f.a.NewPrincipalCache(time.Minute)
		ctx := t.Context()
		steps := []struct {
			name string
			run  func(t *testing.T)
		}{
			{"same as uncached", func(t *testing.T) {
				for range 2 {
					p, err := c.PrincipalForUser(ctx, tinh.ID)
					if err != nil || !slices.Equal(p.Communes, []int64{f.c1, f.c2}) || p.User.ID != tinh.ID || p.User.PasswordHash != "" {
						t.Fatalf("cached principal %+v, %v", p, err)
					}
				}
			}},
			{"admin sees all", func(t *testing.T) {
				if p, err := c.PrincipalForUser(ctx, admin.ID); err != nil || !p.All {
					t.Fatalf("admin principal %+v, %v", p, err)
				}
			}},
			{"token", func(t *testing.T) {
				if p, err := c.PrincipalForToken(ctx, secret); err != nil || p.User.ID != lan.ID || !slices.Equal(p.Communes, []int64{f.c1}) {
					t.Fatalf("token principal %+v, %v", p, err)
				}
			}},
			{"scope change seen at once", func(t *testing.T) {
				if err := s.SetUserScope(ctx, lan.ID, []int64{f.c2}); err != nil {
					t.Fatal(err)
				}
				if p, err := c.PrincipalForUser(ctx, lan.ID); err != nil || !slices.Equal(p.Communes, []int64{f.c2}) {
					t.Fatalf("after scope change %+v, %v", p, err)
				}
			}},
			{"disable seen at once", func(t *testing.T) {
				if err := f.a.DisableUser(app.WithPrincipal(ctx, app.System), tinh.ID); err != nil {
					t.Fatal(err)
				}
				if _, err := c.PrincipalForUser(ctx, tinh.ID); kc.ErrorCode(err) != kc.EUnauthenticated {
					t.Fatalf("disabled user through the cache: %v", err)
				}
			}},
		}
		for _, st := range steps {
			t.Run(st.name, st.run)
		}
	})
}
