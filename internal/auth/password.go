package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"khuyencong/internal/kc"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id cost parameters of new hashes.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultParams are the production parameters: m = 19 MiB, t = 2, p = 1
// (the OWASP minimum for argon2id), a 16-byte salt and a 32-byte key.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// HashParams are the parameters HashPassword uses. Only tests change it, to
// cheaper values, so that suites with many logins stay fast.
var HashParams = DefaultParams

// Limits on parameters accepted from a stored hash, so that a forged or
// corrupted hash cannot make one login allocate gigabytes.
const (
	maxMemory  = 256 * 1024 // KiB
	maxTime    = 10
	maxThreads = 16
	minSaltLen = 8
	minKeyLen  = 16
)

// ErrBadHash means a stored hash is not an argon2id PHC string this package
// accepts (other algorithm, version or out-of-range parameters).
var ErrBadHash = errors.New("auth: unsupported password hash")

var b64 = base64.RawStdEncoding

// HashPassword returns the argon2id PHC string of password with a fresh
// random salt: $argon2id$v=19$m=…,t=…,p=…$salt$key.
func HashPassword(password string) string {
	p := HashParams
	salt := make([]byte, p.SaltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decoded is a parsed PHC string.
type decoded struct {
	p    Params
	salt []byte
	key  []byte
}

func decodeHash(hash string) (decoded, error) {
	var d decoded
	parts := strings.Split(hash, "$")
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, key
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return d, ErrBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return d, ErrBadHash
	}
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &d.p.Memory, &d.p.Time, &threads); err != nil {
		return d, ErrBadHash
	}
	if d.p.Memory == 0 || d.p.Memory > maxMemory || d.p.Time == 0 || d.p.Time > maxTime ||
		threads == 0 || threads > maxThreads || d.p.Memory < 8*threads {
		return d, ErrBadHash
	}
	d.p.Threads = uint8(threads)
	var err error
	if d.salt, err = b64.DecodeString(parts[4]); err != nil || len(d.salt) < minSaltLen {
		return d, ErrBadHash
	}
	if d.key, err = b64.DecodeString(parts[5]); err != nil || len(d.key) < minKeyLen || len(d.key) > 1024 {
		return d, ErrBadHash
	}
	d.p.SaltLen, d.p.KeyLen = uint32(len(d.salt)), uint32(len(d.key))
	return d, nil
}

// VerifyPassword reports whether password matches hash, comparing keys in
// constant time. A hash this package does not accept gives false and
// ErrBadHash rather than a panic or an unbounded allocation.
func VerifyPassword(hash, password string) (bool, error) {
	d, err := decodeHash(hash)
	if err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(password), d.salt, d.p.Time, d.p.Memory, d.p.Threads, d.p.KeyLen)
	return subtle.ConstantTimeCompare(key, d.key) == 1, nil
}

// NeedsRehash reports whether hash was made with parameters other than
// HashParams (or cannot be read), so it should be replaced at next login.
func NeedsRehash(hash string) bool {
	d, err := decodeHash(hash)
	if err != nil {
		return true
	}
	p := HashParams
	return d.p.Memory != p.Memory || d.p.Time != p.Time || d.p.Threads != p.Threads || d.p.KeyLen != p.KeyLen
}

// Password rules.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

// commonPasswords are frequently used passwords (international lists and
// common Vietnamese choices) that pass the length rule but must be refused.
// They are compared after lower-casing.
var commonPasswords = map[string]bool{
	"1234567890": true, "0123456789": true, "1234512345": true, "1111111111": true,
	"password12": true, "password123": true, "password1234": true, "passw0rd123": true,
	"qwertyuiop": true, "qwerty1234": true, "qwerty12345": true, "1q2w3e4r5t": true,
	"1qaz2wsx3edc": true, "asdfghjkl1": true, "abcd123456": true, "abc1234567": true,
	"a123456789": true, "aa12345678": true, "iloveyou12": true, "zaq12wsxcde": true,
	"admin12345": true, "administrator": true, "adminadmin": true, "welcome123": true,
	"matkhau123": true, "matkhau1234": true, "matkhaumoi": true, "anhyeuem123": true,
	"emyeuanh123": true, "khuyencong": true, "khuyencong1": true, "khuyencong123": true,
	"vietnam123": true, "vietnam1234": true, "hanoi12345": true, "saigon1234": true,
	"changeme123": true, "letmein123": true, "trustno1234": true, "football12": true,
	"baseball12": true, "superman12": true, "sunshine12": true, "princess12": true,
}

// CheckPassword applies the strength rules to a new password for username:
// at least MinPasswordLen characters (at most MaxPasswordLen), not only
// digits, not containing the user name, not a common password. It returns
// nil or a kc field error on "password" keyed user.password_*.
func CheckPassword(username, password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLen:
		return kc.FieldError("password", "user.password_short", MinPasswordLen)
	case n > MaxPasswordLen:
		return kc.FieldError("password", "user.password_long", MaxPasswordLen)
	case strings.IndexFunc(password, func(r rune) bool { return !unicode.IsDigit(r) }) < 0:
		return kc.FieldError("password", "user.password_digits")
	case username != "" && strings.Contains(strings.ToLower(password), strings.ToLower(username)):
		return kc.FieldError("password", "user.password_username")
	case commonPasswords[strings.ToLower(password)]:
		return kc.FieldError("password", "user.password_common")
	}
	return nil
}
