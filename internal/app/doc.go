// Package app holds the use cases shared by the web UI, the JSON API and the
// command line. It owns transactions, authorisation (every read and write is
// checked against the caller's role and scope here, never only in
// templates), audit entries and the clock.
//
// app may import kc, vi, store and the pure engines; it must not import web,
// api or cli.
package app
