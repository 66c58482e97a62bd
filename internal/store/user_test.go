package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// accountUnits inserts a province, a former commune and a current commune
// and returns their ids.
func accountUnits(t *testing.T, s *store.Store) (province, oldCommune, commune int64) {
	t.Helper()
	ctx := t.Context()
	ins := func(code, level, typ, name string, parent any, from string, to any) int64 {
		id, err := s.AccountsInsertForTest(ctx, `INSERT INTO unit (code, level, type, name, name_fold, parent_id, valid_from, valid_to)
			VALUES ($1, $2, $3, $4, $4, $5, $6, $7)`, code, level, typ, name, parent, from, to)
		if err != nil {
			t.Fatalf("insert unit %s: %v", code, err)
		}
		return id
	}
	province = ins("45", kc.LevelProvince, "Tỉnh", "Tỉnh Thử", nil, "2025-07-01", nil)
	oldCommune = ins("19576", kc.LevelCommune, "Xã", "Xã Cũ", nil, "2008-01-01", "2025-06-30")
	commune = ins("19564", kc.LevelCommune, "Xã", "Xã Mới", province, "2025-07-01", nil)
	return province, oldCommune, commune
}

func TestUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		prov, _, commune := accountUnits(t, s)
		lan, err := s.CreateUser(ctx, kc.User{Username: "lan", DisplayName: "Nguyễn Thị Lan", Role: kc.RoleCommuneOfficer, PasswordHash: "h1", ScopeUnitIDs: []int64{commune, commune}})
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		if _, err := s.CreateUser(ctx, kc.User{Username: "binh", Role: kc.RoleProvinceOfficer, PasswordHash: "h2", ScopeUnitIDs: []int64{prov}}); err != nil {
			t.Fatalf("create binh: %v", err)
		}
		cases := []struct {
			name string
			run  func(t *testing.T)
		}{
			{"created", func(t *testing.T) {
				if lan.ID == 0 || !lan.CreatedAt.Equal(storetest.Clock) || !slices.Equal(lan.ScopeUnitIDs, []int64{commune}) {
					t.Fatalf("created user = %+v", lan)
				}
			}},
			{"get by id", func(t *testing.T) {
				u, err := s.GetUser(ctx, lan.ID)
				if err != nil || u.Username != "lan" || u.DisplayName != "Nguyễn Thị Lan" || u.Role != kc.RoleCommuneOfficer ||
					u.PasswordHash != "h1" || u.Disabled || !slices.Equal(u.ScopeUnitIDs, []int64{commune}) || !u.CreatedAt.Equal(storetest.Clock) {
					t.Fatalf("GetUser = %+v, %v", u, err)
				}
			}},
			{"get by name", func(t *testing.T) {
				u, err := s.GetUserByUsername(ctx, "binh")
				if err != nil || u.Role != kc.RoleProvinceOfficer || !slices.Equal(u.ScopeUnitIDs, []int64{prov}) {
					t.Fatalf("GetUserByUsername = %+v, %v", u, err)
				}
			}},
			{"unknown", func(t *testing.T) {
				if _, err := s.GetUser(ctx, 4242); kc.ErrorCode(err) != kc.ENotFound {
					t.Fatalf("GetUser(unknown) err = %v", err)
				}
				if _, err := s.GetUserByUsername(ctx, "nobody"); kc.ErrorCode(err) != kc.ENotFound {
					t.Fatalf("GetUserByUsername(unknown) err = %v", err)
				}
			}},
			{"duplicate", func(t *testing.T) {
				_, err := s.CreateUser(ctx, kc.User{Username: "lan", Role: kc.RoleViewer, PasswordHash: "x", ScopeUnitIDs: []int64{prov}})
				if e := kc.AsError(err); e.Code != kc.EConflict || e.Key != "user.exists" {
					t.Fatalf("duplicate err = %v", err)
				}
				n, _ := s.CountUsers(ctx)
				if n != 2 {
					t.Fatalf("users after failed create = %d, want 2", n)
				}
			}},
			{"bad scope rolls back", func(t *testing.T) {
				_, err := s.CreateUser(ctx, kc.User{Username: "ghost", Role: kc.RoleViewer, PasswordHash: "x", ScopeUnitIDs: []int64{777777}})
				if err == nil {
					t.Fatal("create with unknown unit succeeded")
				}
				if _, err := s.GetUserByUsername(ctx, "ghost"); kc.ErrorCode(err) != kc.ENotFound {
					t.Fatalf("half-created user: %v", err)
				}
			}},
			{"list", func(t *testing.T) {
				us, err := s.ListUsers(ctx)
				if err != nil || len(us) != 2 || us[0].Username != "binh" || us[1].Username != "lan" ||
					!slices.Equal(us[0].ScopeUnitIDs, []int64{prov}) || !slices.Equal(us[1].ScopeUnitIDs, []int64{commune}) {
					t.Fatalf("ListUsers = %+v, %v", us, err)
				}
			}},
			{"lockout", func(t *testing.T) {
				var u kc.User
				for i := 1; i <= store.MaxLoginFailures; i++ {
					var err error
					if u, err = s.RecordLoginFailure(ctx, lan.ID); err != nil {
						t.Fatal(err)
					}
					if i < store.MaxLoginFailures && (u.FailedLogins != i || !u.LockedUntil.IsZero()) {
						t.Fatalf("after %d failures: %d, locked %v", i, u.FailedLogins, u.LockedUntil)
					}
				}
				if want := storetest.Clock.Add(store.LockDuration); !u.LockedUntil.Equal(want) {
					t.Fatalf("locked until %v, want %v", u.LockedUntil, want)
				}
				if err := s.ResetLoginFailures(ctx, lan.ID); err != nil {
					t.Fatal(err)
				}
				u, _ = s.GetUser(ctx, lan.ID)
				if u.FailedLogins != 0 || !u.LockedUntil.IsZero() {
					t.Fatalf("after reset: %+v", u)
				}
			}},
			{"password", func(t *testing.T) {
				s.RecordLoginFailure(ctx, lan.ID)
				if err := s.UpdatePassword(ctx, lan.ID, "h9"); err != nil {
					t.Fatal(err)
				}
				u, _ := s.GetUser(ctx, lan.ID)
				if u.PasswordHash != "h9" || u.FailedLogins != 0 {
					t.Fatalf("after password change: %+v", u)
				}
				if err := s.UpdatePassword(ctx, 4242, "x"); kc.ErrorCode(err) != kc.ENotFound {
					t.Fatalf("UpdatePassword(unknown) = %v", err)
				}
			}},
			{"disable", func(t *testing.T) {
				if err := s.SetDisabled(ctx, lan.ID, true); err != nil {
					t.Fatal(err)
				}
				u, _ := s.GetUser(ctx, lan.ID)
				if !u.Disabled {
					t.Fatal("not disabled")
				}
				s.SetDisabled(ctx, lan.ID, false)
				if u, _ = s.GetUser(ctx, lan.ID); u.Disabled {
					t.Fatal("still disabled")
				}
			}},
			{"scope", func(t *testing.T) {
				if err := s.SetUserScope(ctx, lan.ID, []int64{commune, prov}); err != nil {
					t.Fatal(err)
				}
				u, _ := s.GetUser(ctx, lan.ID)
				if !slices.Equal(u.ScopeUnitIDs, []int64{prov, commune}) {
					t.Fatalf("scope = %v", u.ScopeUnitIDs)
				}
			}},
			{"scope units", func(t *testing.T) {
				us, err := s.ScopeUnits(ctx, []int64{commune, prov})
				if err != nil || len(us) != 2 || us[0].Code != "45" || us[0].Level != kc.LevelProvince ||
					us[1].Name != "Xã Mới" || us[1].ParentID != prov || !us[1].Current() {
					t.Fatalf("ScopeUnits = %+v, %v", us, err)
				}
				if _, err := s.ScopeUnits(ctx, []int64{prov, 123456}); kc.ErrorCode(err) != kc.ENotFound {
					t.Fatalf("ScopeUnits(unknown) = %v", err)
				}
			}},
		}
		for _, c := range cases {
			t.Run(c.name, c.run)
		}
	})
}

func TestSessionStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		now := storetest.Clock
		ss := s.SessionStore(time.Hour)
		t.Cleanup(ss.Stop)
		cases := []struct {
			name string
			run  func(t *testing.T)
		}{
			{"commit and find", func(t *testing.T) {
				if err := ss.Commit("tok-a", []byte("data a"), now.Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
				b, found, err := ss.Find("tok-a")
				if err != nil || !found || string(b) != "data a" {
					t.Fatalf("Find = %q, %v, %v", b, found, err)
				}
			}},
			{"overwrite", func(t *testing.T) {
				if err := ss.CommitCtx(ctx, "tok-a", []byte("data b"), now.Add(2*time.Hour)); err != nil {
					t.Fatal(err)
				}
				b, found, _ := ss.FindCtx(ctx, "tok-a")
				if !found || string(b) != "data b" {
					t.Fatalf("Find after overwrite = %q, %v", b, found)
				}
			}},
			{"unknown", func(t *testing.T) {
				if _, found, err := ss.Find("nope"); found || err != nil {
					t.Fatalf("Find(unknown) = %v, %v", found, err)
				}
			}},
			{"expired", func(t *testing.T) {
				ss.Commit("tok-old", []byte("x"), now.Add(-time.Second))
				if _, found, err := ss.Find("tok-old"); found || err != nil {
					t.Fatalf("Find(expired) = %v, %v", found, err)
				}
			}},
			{"delete expired", func(t *testing.T) {
				ss.Commit("tok-old2", []byte("x"), now.Add(-time.Hour))
				ss.Commit("tok-live", []byte("y"), now.Add(time.Millisecond))
				n, err := ss.DeleteExpired(ctx)
				if err != nil || n != 2 {
					t.Fatalf("DeleteExpired = %d, %v; want 2", n, err)
				}
				if _, found, _ := ss.Find("tok-live"); !found {
					t.Fatal("live session deleted")
				}
			}},
			{"expiry order across fractions", func(t *testing.T) {
				// 1 ms after now must count as live although its text has a fraction.
				ss.Commit("tok-frac", []byte("z"), now.Add(500*time.Microsecond))
				if _, found, _ := ss.Find("tok-frac"); !found {
					t.Fatal("fractional expiry treated as expired")
				}
			}},
			{"delete", func(t *testing.T) {
				if err := ss.Delete("tok-a"); err != nil {
					t.Fatal(err)
				}
				if _, found, _ := ss.Find("tok-a"); found {
					t.Fatal("deleted session found")
				}
				if err := ss.DeleteCtx(ctx, "tok-a"); err != nil {
					t.Fatalf("second delete: %v", err)
				}
			}},
			{"cleanup loop", func(t *testing.T) {
				s2 := s.SessionStore(5 * time.Millisecond)
				ss.Commit("tok-gone", []byte("x"), now.Add(-time.Minute))
				deadline := time.Now().Add(5 * time.Second)
				for {
					if _, found, _ := ss.Find("tok-live"); !found {
						t.Fatal("cleanup removed a live session")
					}
					if n, err := countSessions(ctx, s, "tok-gone"); err == nil && n == 0 {
						break
					}
					if time.Now().After(deadline) {
						t.Fatal("cleanup did not run")
					}
					time.Sleep(5 * time.Millisecond)
				}
				s2.Stop()
				s2.Stop() // idempotent
			}},
		}
		for _, c := range cases {
			t.Run(c.name, c.run)
		}
	})
}

func countSessions(ctx context.Context, s *store.Store, token string) (int64, error) {
	return s.AccountsCountForTest(ctx, "SELECT COUNT(*) FROM sessions WHERE token = $1", token)
}
