package auth_test

import (
	"strings"
	"testing"

	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
)

func init() {
	// Cheap parameters keep the suite fast; TestDefaultParams checks the real ones.
	auth.HashParams = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
}

func TestDefaultParams(t *testing.T) {
	p := auth.DefaultParams
	if p.Memory != 19*1024 || p.Time != 2 || p.Threads != 1 {
		t.Fatalf("default params = %+v, want m=19MiB t=2 p=1", p)
	}
	saved := auth.HashParams
	auth.HashParams = auth.DefaultParams
	defer func() { auth.HashParams = saved }()
	h := auth.HashPassword("một mật khẩu đủ dài")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q has not the production parameters", h)
	}
	if ok, err := auth.VerifyPassword(h, "một mật khẩu đủ dài"); !ok || err != nil {
		t.Fatalf("verify = %v, %v", ok, err)
	}
}

func TestVerifyPassword(t *testing.T) {
	good := auth.HashPassword("correct horse battery")
	cases := []struct {
		name     string
		hash     string
		password string
		ok       bool
		bad      bool
	}{
		{"match", good, "correct horse battery", true, false},
		{"mismatch", good, "correct horse batterY", false, false},
		{"empty password", good, "", false, false},
		{"not phc", "plaintext", "x", false, true},
		{"bcrypt", "$2a$10$abcdefghijklmnopqrstuv", "x", false, true},
		{"argon2i", strings.Replace(good, "argon2id", "argon2i", 1), "correct horse battery", false, true},
		{"other version", strings.Replace(good, "v=19", "v=16", 1), "correct horse battery", false, true},
		{"huge memory", "$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U", "x", false, true},
		{"zero time", "$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U", "x", false, true},
		{"bad base64", "$argon2id$v=19$m=64,t=1,p=1$!!!$a2V5", "x", false, true},
		{"short salt", "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U", "x", false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ok, err := auth.VerifyPassword(c.hash, c.password)
			if ok != c.ok || (err != nil) != c.bad {
				t.Fatalf("VerifyPassword = %v, %v; want %v, bad=%v", ok, err, c.ok, c.bad)
			}
		})
	}
	t.Run("salted", func(t *testing.T) {
		if auth.HashPassword("same password") == auth.HashPassword("same password") {
			t.Fatal("two hashes of one password are equal: salt missing")
		}
	})
	t.Run("rehash", func(t *testing.T) {
		if auth.NeedsRehash(good) {
			t.Fatal("fresh hash needs rehash")
		}
		if !auth.NeedsRehash("$argon2id$v=19$m=128,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U") {
			t.Fatal("hash with other parameters does not need rehash")
		}
	})
}

func TestCheckPassword(t *testing.T) {
	cases := []struct {
		name     string
		username string
		password string
		key      string
	}{
		{"ok", "lan.nguyen", "Rượu men lá Đá Bàn", ""},
		{"ok ascii", "lan.nguyen", "tr0ng-rung-xanh", ""},
		{"short", "lan", "abc12345", "user.password_short"},
		{"nine runes", "lan", "ăâêôơưđáà", "user.password_short"},
		{"digits", "lan", "0987654321123", "user.password_digits"},
		{"contains username", "quangtri", "xQuangTri2026", "user.password_username"},
		{"common", "lan", "Password123", "user.password_common"},
		{"common vi", "lan", "matkhau123", "user.password_common"},
		{"too long", "lan", strings.Repeat("ab", 200), "user.password_long"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := auth.CheckPassword(c.username, c.password)
			if c.key == "" {
				if err != nil {
					t.Fatalf("CheckPassword = %v, want nil", err)
				}
				return
			}
			e := kc.AsError(err)
			if err == nil || e.Code != kc.EInvalid || e.Field != "password" || e.Key != c.key {
				t.Fatalf("CheckPassword = %v, want invalid password %s", err, c.key)
			}
		})
	}
}

func TestToken(t *testing.T) {
	secret, prefix, hash := auth.NewToken()
	s2, _, h2 := auth.NewToken()
	cases := []struct {
		name string
		ok   bool
	}{
		{"kc_ prefix", strings.HasPrefix(secret, "kc_")},
		{"prefix is start of secret", strings.HasPrefix(secret, prefix) && len(prefix) < len(secret)},
		{"hash is sha256 hex", len(hash) == 64 && hash == auth.HashToken(secret)},
		{"hash differs from secret", !strings.Contains(hash, secret[3:])},
		{"unique", secret != s2 && hash != h2},
		{"looks like token", auth.LooksLikeToken(secret)},
		{"rejects other", !auth.LooksLikeToken("kc_short") && !auth.LooksLikeToken("Bearer x") && !auth.LooksLikeToken("xx"+secret[2:])},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok {
				t.Fatalf("failed for secret %q", secret)
			}
		})
	}
}

func TestCan(t *testing.T) {
	cases := []struct {
		role kc.Role
		perm auth.Perm
		want bool
	}{
		{kc.RoleAdmin, auth.PermManageUsers, true},
		{kc.RoleProvinceOfficer, auth.PermManageUsers, false},
		{kc.RoleCommuneOfficer, auth.PermWriteRegistry, true},
		{kc.RoleCommuneOfficer, auth.PermExportPersonal, false},
		{kc.RoleCommuneOfficer, auth.PermRevealPersonal, true},
		{kc.RoleViewer, auth.PermWriteRegistry, false},
		{kc.RoleViewer, auth.PermRevealPersonal, false},
		{kc.RoleViewer, auth.PermViewReports, true},
		{kc.RoleCouncilMember, auth.PermScoreProjects, true},
		{kc.RoleCouncilMember, auth.PermViewRegistry, false},
		{kc.RoleProvinceOfficer, auth.PermDecideProjects, true},
		{kc.Role("root"), auth.PermViewReports, false},
		{kc.RoleAdmin, auth.Perm("fly"), false},
	}
	for _, c := range cases {
		t.Run(string(c.role)+"/"+string(c.perm), func(t *testing.T) {
			if got := auth.Can(c.role, c.perm); got != c.want {
				t.Fatalf("Can = %v, want %v", got, c.want)
			}
		})
	}
	t.Run("every perm has a role", func(t *testing.T) {
		for _, p := range auth.Perms {
			n := 0
			for _, r := range kc.Roles {
				if auth.Can(r, p) {
					n++
				}
			}
			if n == 0 {
				t.Errorf("no role may %s", p)
			}
		}
	})
}
