// Package kc holds the domain types of khuyến công (industrial promotion):
// administrative units, establishments, schemes, projects, outreach, users
// and the audit log, together with their validation and the kc.Error type
// that every layer uses to report what went wrong.
//
// kc imports only the standard library and internal/vi. It must never
// import store, app or any edge package.
package kc
