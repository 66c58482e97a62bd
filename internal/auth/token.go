package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// TokenPrefix starts every API token secret, so a leaked token is easy to
// recognise (and to search for in code and logs).
const TokenPrefix = "kc_"

// tokenShownLen is how many leading characters of a secret are stored and
// shown to tell tokens apart.
const tokenShownLen = 10

// NewToken returns a fresh API token: the secret to hand to the user once,
// the short prefix kept for display, and the SHA-256 hash that is stored.
func NewToken() (secret, prefix, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	secret = TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, secret[:tokenShownLen], HashToken(secret)
}

// HashToken returns the hex SHA-256 of a token secret. Secrets carry 256
// random bits, so a fast hash is enough; no salt or argon2 is needed.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// LooksLikeToken reports whether s has the shape of a secret from NewToken,
// so that obviously wrong input never reaches the database.
func LooksLikeToken(s string) bool {
	if !strings.HasPrefix(s, TokenPrefix) || len(s) != len(TokenPrefix)+43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s[len(TokenPrefix):])
	return err == nil
}

// RandomString returns n random bytes encoded as URL-safe base64, for
// one-time secrets such as generated passwords.
func RandomString(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
