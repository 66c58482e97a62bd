package crypto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// MinSecret is the shortest master secret accepted, in bytes.
const MinSecret = 32

// format is the version byte that starts every sealed value.
const format = 1

// overhead is format byte + key id + nonce.
const overhead = 1 + 4 + 12

// Errors returned by Open.
var (
	// ErrUnknownKey means the value was sealed with a key the keyring
	// does not hold (a different or lost master secret).
	ErrUnknownKey = errors.New("crypto: sealed with an unknown key")
	// ErrCorrupt means the value is malformed or fails authentication.
	ErrCorrupt = errors.New("crypto: sealed value is corrupt")
	// ErrShortSecret means the master secret is shorter than MinSecret.
	ErrShortSecret = errors.New("crypto: master secret too short")
)

// key is one generation of keys derived from one master secret.
type key struct {
	id   uint32
	aead cipher.AEAD
	mac  []byte
}

// Keyring seals with its current key and opens with any key it holds.
type Keyring struct {
	current *key
	byID    map[uint32]*key
}

// New returns a keyring whose current key is derived from master; older
// master secrets, when given, are kept only to open values sealed before
// a rotation.
func New(master []byte, previous ...[]byte) (*Keyring, error) {
	k := &Keyring{byID: map[uint32]*key{}}
	for i, m := range append([][]byte{master}, previous...) {
		d, err := derive(m)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			k.current = d
		}
		if _, dup := k.byID[d.id]; !dup {
			k.byID[d.id] = d
		}
	}
	return k, nil
}

// derive expands a master secret into an encryption key, a MAC key and a
// key id with HKDF-SHA256, each under its own label.
func derive(master []byte) (*key, error) {
	if len(master) < MinSecret {
		return nil, ErrShortSecret
	}
	expand := func(info string, n int) ([]byte, error) {
		return hkdf.Key(sha256.New, master, []byte("khuyencong personal data"), info, n)
	}
	enc, err := expand("aes-256-gcm", 32)
	if err != nil {
		return nil, fmt.Errorf("crypto: derive: %w", err)
	}
	mac, err := expand("hmac-sha256 blind index", 32)
	if err != nil {
		return nil, fmt.Errorf("crypto: derive: %w", err)
	}
	idb, err := expand("key id", 4)
	if err != nil {
		return nil, fmt.Errorf("crypto: derive: %w", err)
	}
	block, err := aes.NewCipher(enc)
	if err != nil {
		return nil, fmt.Errorf("crypto: cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("crypto: gcm: %w", err)
	}
	return &key{id: binary.BigEndian.Uint32(idb), aead: aead, mac: mac}, nil
}

// KeyID returns the id of the current key as 8 hex digits.
func (k *Keyring) KeyID() string { return fmt.Sprintf("%08x", k.current.id) }

// Seal encrypts value for the named field (the field is authenticated
// with it, so a phone ciphertext cannot pass for an ID). The empty value
// seals to nil.
func (k *Keyring) Seal(field, value string) ([]byte, error) {
	if value == "" {
		return nil, nil
	}
	out := make([]byte, overhead, overhead+len(value)+k.current.aead.Overhead())
	out[0] = format
	binary.BigEndian.PutUint32(out[1:5], k.current.id)
	if _, err := rand.Read(out[5:overhead]); err != nil {
		return nil, fmt.Errorf("crypto: nonce: %w", err)
	}
	return k.current.aead.Seal(out, out[5:overhead], []byte(value), aad(field, out[:5])), nil
}

// Open decrypts a value sealed for field by any key of the keyring; nil
// or empty opens to "".
func (k *Keyring) Open(field string, sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	if len(sealed) < overhead || sealed[0] != format {
		return "", ErrCorrupt
	}
	d, ok := k.byID[binary.BigEndian.Uint32(sealed[1:5])]
	if !ok {
		return "", ErrUnknownKey
	}
	plain, err := d.aead.Open(nil, sealed[5:overhead], sealed[overhead:], aad(field, sealed[:5]))
	if err != nil {
		return "", ErrCorrupt
	}
	return string(plain), nil
}

// aad binds the field name and the header to the ciphertext.
func aad(field string, header []byte) []byte {
	return append([]byte(field+"\x00"), header...)
}

// Hash returns the blind index of a normalised value for field: the key id
// and the hex HMAC-SHA256, or "" for the empty value. Equal values give
// equal hashes under one key; without the key the hash says nothing.
func (k *Keyring) Hash(field, value string) string {
	if value == "" {
		return ""
	}
	m := hmac.New(sha256.New, k.current.mac)
	m.Write([]byte(field))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return k.KeyID() + ":" + hex.EncodeToString(m.Sum(nil))
}

// LoadOrCreateKeyFile returns the master secret kept in path, creating the
// file with a fresh random secret (mode 0600) when it does not exist. The
// file holds 64 hex digits; it must be backed up apart from the database,
// since a dump without it does not reveal the sealed values.
func LoadOrCreateKeyFile(path string) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil {
		s := strings.TrimSpace(string(b))
		if len(s) < MinSecret {
			return nil, fmt.Errorf("crypto: key file %s: %w", path, ErrShortSecret)
		}
		return []byte(s), nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("crypto: key file: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("crypto: key file: %w", err)
	}
	secret := hex.EncodeToString(raw)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return LoadOrCreateKeyFile(path) // another process was first
		}
		return nil, fmt.Errorf("crypto: key file: %w", err)
	}
	if _, err := f.WriteString(secret + "\n"); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("crypto: key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("crypto: key file: %w", err)
	}
	return []byte(secret), nil
}
