package crypto

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var (
	secretA = []byte("0123456789abcdef0123456789abcdef-A")
	secretB = []byte("0123456789abcdef0123456789abcdef-B")
)

func TestSealOpen(t *testing.T) {
	a, err := New(secretA)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := New(secretB)
	rotated, _ := New(secretB, secretA)
	sealed, err := a.Seal("phone", "0912345678")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := a.Seal("phone", "0912345678")
	cases := []struct {
		name    string
		ring    *Keyring
		field   string
		sealed  []byte
		want    string
		wantErr error
	}{
		{"same key opens", a, "phone", sealed, "0912345678", nil},
		{"rotated ring opens the old value", rotated, "phone", sealed, "0912345678", nil},
		{"other key refuses", b, "phone", sealed, "", ErrUnknownKey},
		{"other field refuses", a, "personal_id", sealed, "", ErrCorrupt},
		{"tampered refuses", a, "phone", append(append([]byte{}, sealed[:len(sealed)-1]...), sealed[len(sealed)-1]^1), "", ErrCorrupt},
		{"truncated refuses", a, "phone", sealed[:10], "", ErrCorrupt},
		{"empty opens to empty", a, "phone", nil, "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.ring.Open(c.field, c.sealed)
			if !errors.Is(err, c.wantErr) || got != c.want {
				t.Errorf("Open = %q, %v; want %q, %v", got, err, c.want, c.wantErr)
			}
		})
	}
	if bytes.Contains(sealed, []byte("0912345678")) || bytes.Contains(sealed, []byte("345678")) {
		t.Error("ciphertext holds the clear value")
	}
	if bytes.Equal(sealed, again) {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	if s, _ := a.Seal("phone", ""); s != nil {
		t.Errorf("empty value sealed to %x", s)
	}
}

func TestHash(t *testing.T) {
	a, _ := New(secretA)
	b, _ := New(secretB)
	h := a.Hash("phone", "0912345678")
	cases := []struct {
		name  string
		other string
		equal bool
	}{
		{"same value same key", a.Hash("phone", "0912345678"), true},
		{"other value", a.Hash("phone", "0912345679"), false},
		{"other field", a.Hash("personal_id", "0912345678"), false},
		{"other key", b.Hash("phone", "0912345678"), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if (h == c.other) != c.equal {
				t.Errorf("hash %s vs %s: equal = %v, want %v", h, c.other, h == c.other, c.equal)
			}
		})
	}
	if !strings.HasPrefix(h, a.KeyID()+":") || strings.Contains(h, "0912345678") {
		t.Errorf("hash %q does not start with the key id or holds the value", h)
	}
	if a.Hash("phone", "") != "" {
		t.Error("empty value hashed")
	}
}

func TestShortSecret(t *testing.T) {
	if _, err := New([]byte("short")); !errors.Is(err, ErrShortSecret) {
		t.Errorf("New(short) = %v", err)
	}
}

func TestKeyFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "kc.db.key")
	first, err := LoadOrCreateKeyFile(p)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v (%v), want 0600", fi.Mode(), err)
	}
	second, err := LoadOrCreateKeyFile(p)
	if err != nil || !bytes.Equal(first, second) {
		t.Errorf("reused key differs: %s vs %s (%v)", first, second, err)
	}
	if _, err := New(first); err != nil {
		t.Errorf("generated secret refused: %v", err)
	}
	os.WriteFile(p, []byte("short\n"), 0o600)
	if _, err := LoadOrCreateKeyFile(p); !errors.Is(err, ErrShortSecret) {
		t.Errorf("short key file = %v", err)
	}
}
