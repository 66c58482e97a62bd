package kc

import "time"

// Audit actions written by the application layer.
const (
	ActionCreate   = "create"
	ActionUpdate   = "update"
	ActionDelete   = "delete"
	ActionLogin    = "login"
	ActionLogout   = "logout"
	ActionReveal   = "reveal" // read of unmasked personal data
	ActionExport   = "export"
	ActionDisable  = "disable"
	ActionPassword = "password"
	ActionRevoke   = "revoke"
	ActionImport   = "import"
)

// AuditEntry is one append-only, hash-chained audit record: who did what to
// which entity, with the values before and after as JSON.
type AuditEntry struct {
	ID       int64
	At       time.Time
	ActorID  int64  // 0 = system
	Actor    string // user name or "system"
	Action   string
	Entity   string
	EntityID int64
	Before   string // JSON, "" when none
	After    string // JSON, "" when none
	PrevHash string
	Hash     string
}
