package app_test

import (
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

func TestAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAccountFixture(t, s)
		admin := f.user(t, "quantri", kc.RoleAdmin)
		lan := f.user(t, "lan", kc.RoleCommuneOfficer, f.c1)
		binh := f.user(t, "binh", kc.RoleCommuneOfficer, f.c2)
		actx, lctx, bctx := f.as(t, admin), f.as(t, lan), f.as(t, binh)
		tok, secret, err := f.a.CreateAPIToken(lctx, "  Báo cáo  tháng ")
		if err != nil {
			t.Fatal(err)
		}
		_, bsecret, _ := f.a.CreateAPIToken(bctx, "b")
		cases := []struct {
			name string
			run  func(t *testing.T)
		}{
			{"secret once", func(t *testing.T) {
				if !strings.HasPrefix(secret, "kc_") || tok.Hash != "" || tok.Name != "Báo cáo tháng" || !strings.HasPrefix(secret, tok.Prefix) {
					t.Fatalf("token %+v secret %q", tok, secret)
				}
				stored, _ := s.GetAPIToken(t.Context(), tok.ID)
				if stored.Hash == "" || strings.Contains(stored.Hash, secret) {
					t.Fatalf("stored hash %q", stored.Hash)
				}
			}},
			{"name required", func(t *testing.T) {
				_, _, err := f.a.CreateAPIToken(lctx, "   ")
				if e := kc.AsError(err); e.Field != "name" || e.Key != "auth.token_name_required" {
					t.Fatalf("empty name = %v", err)
				}
				_, _, err = f.a.CreateAPIToken(lctx, strings.Repeat("x", app.MaxTokenName+1))
				if e := kc.AsError(err); e.Key != "auth.token_name_long" {
					t.Fatalf("long name = %v", err)
				}
			}},
			{"unauthenticated", func(t *testing.T) {
				if _, _, err := f.a.CreateAPIToken(t.Context(), "x"); kc.ErrorCode(err) != kc.EUnauthenticated {
					t.Fatalf("create without principal = %v", err)
				}
			}},
			{"principal for token", func(t *testing.T) {
				p, err := f.a.PrincipalForToken(t.Context(), secret)
				if err != nil || p.User.ID != lan.ID || len(p.Communes) != 1 || p.Communes[0] != f.c1 {
					t.Fatalf("PrincipalForToken = %+v, %v", p, err)
				}
			}},
			{"bad secrets", func(t *testing.T) {
				for _, bad := range []string{"", "kc_", "kc_nope", secret + "x", "xx" + secret[2:], strings.ToUpper(secret)} {
					if _, err := f.a.PrincipalForToken(t.Context(), bad); kc.AsError(err).Key != "auth.token_invalid" {
						t.Fatalf("PrincipalForToken(%q) = %v", bad, err)
					}
				}
			}},
			{"list own", func(t *testing.T) {
				ts, err := f.a.ListAPITokens(lctx)
				if err != nil || len(ts) != 1 || ts[0].ID != tok.ID || ts[0].Hash != "" {
					t.Fatalf("ListAPITokens = %+v, %v", ts, err)
				}
			}},
			{"revoke other's", func(t *testing.T) {
				if err := f.a.RevokeAPIToken(bctx, tok.ID); kc.AsError(err).Key != "auth.token_not_found" {
					t.Fatalf("revoke another's token = %v", err)
				}
				if _, err := f.a.PrincipalForToken(t.Context(), secret); err != nil {
					t.Fatalf("token revoked by another user: %v", err)
				}
			}},
			{"revoke own", func(t *testing.T) {
				if err := f.a.RevokeAPIToken(lctx, tok.ID); err != nil {
					t.Fatal(err)
				}
				if _, err := f.a.PrincipalForToken(t.Context(), secret); kc.ErrorCode(err) != kc.EUnauthenticated {
					t.Fatalf("revoked token works: %v", err)
				}
				if err := f.a.RevokeAPIToken(lctx, 99999); kc.ErrorCode(err) != kc.ENotFound {
					t.Fatalf("revoke unknown = %v", err)
				}
			}},
			{"disabled owner", func(t *testing.T) {
				if err := f.a.DisableUser(actx, binh.ID); err != nil {
					t.Fatal(err)
				}
				if _, err := f.a.PrincipalForToken(t.Context(), bsecret); kc.ErrorCode(err) != kc.EUnauthenticated {
					t.Fatalf("token of disabled user works: %v", err)
				}
			}},
			{"admin revokes any", func(t *testing.T) {
				ts, _ := s.ListAPITokens(t.Context(), binh.ID)
				if err := f.a.RevokeAPIToken(actx, ts[0].ID); err != nil {
					t.Fatal(err)
				}
				es, _ := f.a.ListAudit(actx, "api_token", ts[0].ID, 10)
				if len(es) != 2 || es[0].Action != kc.ActionRevoke || es[0].ActorID != admin.ID || strings.Contains(es[0].After, bsecret) {
					t.Fatalf("audit = %+v", es)
				}
			}},
		}
		for _, c := range cases {
			t.Run(c.name, c.run)
		}
	})
}

func TestVerifyAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAccountFixture(t, s)
		admin := f.user(t, "quantri", kc.RoleAdmin)
		lan := f.user(t, "lan", kc.RoleViewer, f.c1)
		t.Run("intact", func(t *testing.T) {
			rep, err := f.a.VerifyAudit(f.as(t, admin))
			if err != nil || rep.Checked != 2 || rep.Break != nil {
				t.Fatalf("VerifyAudit = %+v, %v", rep, err)
			}
		})
		t.Run("forbidden", func(t *testing.T) {
			if _, err := f.a.VerifyAudit(f.as(t, lan)); kc.ErrorCode(err) != kc.EForbidden {
				t.Fatalf("VerifyAudit as viewer = %v", err)
			}
			if _, err := f.a.VerifyAudit(t.Context()); kc.ErrorCode(err) != kc.EUnauthenticated {
				t.Fatalf("VerifyAudit without principal = %v", err)
			}
		})
	})
}
