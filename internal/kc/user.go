package kc

import "time"

// Role is what a user may do; the scope says where.
type Role string

// The roles of DESIGN §2.
const (
	RoleAdmin           Role = "admin"
	RoleProvinceOfficer Role = "province_officer"
	RoleCommuneOfficer  Role = "commune_officer"
	RoleCouncilMember   Role = "council_member"
	RoleViewer          Role = "viewer"
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleProvinceOfficer, RoleCommuneOfficer, RoleCouncilMember, RoleViewer}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// User is an account. PasswordHash is an argon2id PHC string and never
// leaves the application layer.
type User struct {
	ID           int64
	Username     string
	DisplayName  string
	Role         Role
	PasswordHash string
	Disabled     bool
	FailedLogins int
	LockedUntil  time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ScopeUnitIDs []int64 // units the user works in (a province for province roles)
}

// APIToken is a personal API token. Only the hash of the secret is stored.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	Prefix     string // first characters of the secret, shown to tell tokens apart
	Hash       string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// Active reports whether the token has not been revoked.
func (t APIToken) Active() bool { return t.RevokedAt.IsZero() }
