// Package crypto protects personal data at rest: it seals values with
// AES-256-GCM under a key derived (HKDF-SHA256) from a master secret, and
// computes a keyed HMAC-SHA256 "blind index" of a normalised value so that
// duplicates can be found without decrypting. Every ciphertext and every
// blind index names the key that made it, so a later key can be added
// while old values are still opened with the previous one.
//
// crypto imports only the standard library.
package crypto
