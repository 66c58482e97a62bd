// Package web is the server-rendered HTML interface: routes on a
// net/http.ServeMux, middleware (recover, request log, security headers,
// cross-origin protection, gzip, sessions, rate limits), one file per
// resource, and templates and static assets embedded in the binary.
//
// web calls app for every read and write; it imports app, auth, locale,
// ratelimit and vi, and report (the datasets app returns) with
// report/chart (their SVG charts); never store directly and never api.
package web
