// Package auth holds the security primitives of accounts: argon2id password
// hashing in the PHC string format, the password strength rules, random API
// token secrets and their SHA-256 hashes, and the permission table that says
// which role may do what (DESIGN §2). Where a role may act (its scope) is the
// application layer's business, not this package's.
//
// auth imports only kc, golang.org/x/crypto/argon2 and the standard library.
package auth
