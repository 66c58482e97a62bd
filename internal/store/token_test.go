package store_test

import (
	"testing"
	"time"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

func TestAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u, err := s.CreateUser(ctx, kc.User{Username: "admin", Role: kc.RoleAdmin, PasswordHash: "h"})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := s.CreateAPIToken(ctx, kc.APIToken{UserID: u.ID, Name: "báo cáo", Prefix: "kc_abcdefg", Hash: "hash-1"})
		if err != nil {
			t.Fatal(err)
		}
		tok2, _ := s.CreateAPIToken(ctx, kc.APIToken{UserID: u.ID, Name: "second", Prefix: "kc_hijklmn", Hash: "hash-2"})
		cases := []struct {
			name string
			run  func(t *testing.T)
		}{
			{"created", func(t *testing.T) {
				if tok.ID == 0 || !tok.CreatedAt.Equal(storetest.Clock) || !tok.Active() {
					t.Fatalf("created token = %+v", tok)
				}
			}},
			{"duplicate hash", func(t *testing.T) {
				_, err := s.CreateAPIToken(ctx, kc.APIToken{UserID: u.ID, Name: "dup", Prefix: "kc_x", Hash: "hash-1"})
				if kc.ErrorCode(err) != kc.EConflict {
					t.Fatalf("duplicate hash err = %v", err)
				}
			}},
			{"find touches last used", func(t *testing.T) {
				got, err := s.FindActiveAPIToken(ctx, "hash-1")
				if err != nil || got.ID != tok.ID || got.Name != "báo cáo" || !got.LastUsedAt.Equal(storetest.Clock) {
					t.Fatalf("FindActiveAPIToken = %+v, %v", got, err)
				}
				again, _ := s.GetAPIToken(ctx, tok.ID)
				if !again.LastUsedAt.Equal(storetest.Clock) {
					t.Fatalf("last used not stored: %+v", again)
				}
			}},
			{"touch throttled", func(t *testing.T) {
				saved := s.Now
				defer func() { s.Now = saved }()
				s.Now = func() time.Time { return storetest.Clock.Add(10 * time.Second) }
				got, _ := s.FindActiveAPIToken(ctx, "hash-1")
				if !got.LastUsedAt.Equal(storetest.Clock) {
					t.Fatalf("last used rewritten within a minute: %v", got.LastUsedAt)
				}
				s.Now = func() time.Time { return storetest.Clock.Add(2 * time.Minute) }
				got, _ = s.FindActiveAPIToken(ctx, "hash-1")
				if !got.LastUsedAt.Equal(storetest.Clock.Add(2 * time.Minute)) {
					t.Fatalf("last used not rewritten after a minute: %v", got.LastUsedAt)
				}
			}},
			{"unknown hash", func(t *testing.T) {
				if _, err := s.FindActiveAPIToken(ctx, "nope"); kc.ErrorCode(err) != kc.ENotFound {
					t.Fatalf("unknown hash err = %v", err)
				}
			}},
			{"list newest first", func(t *testing.T) {
				ts, err := s.ListAPITokens(ctx, u.ID)
				if err != nil || len(ts) != 2 || ts[0].ID != tok2.ID || ts[1].ID != tok.ID {
					t.Fatalf("ListAPITokens = %+v, %v", ts, err)
				}
				if ts, _ := s.ListAPITokens(ctx, u.ID+100); len(ts) != 0 {
					t.Fatalf("tokens of another user: %+v", ts)
				}
			}},
			{"revoke", func(t *testing.T) {
				if err := s.RevokeAPIToken(ctx, tok.ID); err != nil {
					t.Fatal(err)
				}
				if _, err := s.FindActiveAPIToken(ctx, "hash-1"); kc.ErrorCode(err) != kc.ENotFound {
					t.Fatalf("revoked token found: %v", err)
				}
				got, _ := s.GetAPIToken(ctx, tok.ID)
				if got.Active() || !got.RevokedAt.Equal(storetest.Clock) {
					t.Fatalf("revoked token = %+v", got)
				}
				if err := s.RevokeAPIToken(ctx, tok.ID); err != nil {
					t.Fatalf("second revoke: %v", err)
				}
				if err := s.RevokeAPIToken(ctx, 99999); kc.ErrorCode(err) != kc.ENotFound {
					t.Fatalf("revoke unknown = %v", err)
				}
				if _, err := s.FindActiveAPIToken(ctx, "hash-2"); err != nil {
					t.Fatalf("other token affected: %v", err)
				}
			}},
		}
		for _, c := range cases {
			t.Run(c.name, c.run)
		}
	})
}

func TestAuditLookup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		for i := range 3 {
			err := s.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.AppendAudit(ctx, kc.AuditEntry{Actor: "system", Action: kc.ActionCreate, Entity: "user", EntityID: int64(i + 1)})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		s.AccountsExecForTest(ctx, "DELETE FROM audit WHERE id = 2")
		cases := []struct {
			name   string
			get    func() (kc.AuditEntry, error)
			wantID int64
		}{
			{"get", func() (kc.AuditEntry, error) { return s.GetAuditEntry(ctx, 3) }, 3},
			{"get removed", func() (kc.AuditEntry, error) { return s.GetAuditEntry(ctx, 2) }, 0},
			{"prev across gap", func() (kc.AuditEntry, error) { return s.PrevAuditEntry(ctx, 3) }, 1},
			{"prev of first", func() (kc.AuditEntry, error) { return s.PrevAuditEntry(ctx, 1) }, 0},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e, err := c.get()
				if c.wantID == 0 {
					if kc.ErrorCode(err) != kc.ENotFound {
						t.Fatalf("err = %v, want not found", err)
					}
					return
				}
				if err != nil || e.ID != c.wantID || e.Entity != "user" || e.Actor != "system" || !e.At.Equal(storetest.Clock) {
					t.Fatalf("entry = %+v, %v", e, err)
				}
			})
		}
	})
}
