// Package api is the JSON API under /api/v1: its own request and response
// types over the same app use cases as the web UI, personal API tokens for
// authentication, errors as {"error":{"code":…,"message":…}}, and an
// OpenAPI document at /api/v1/openapi.json.
//
// api imports app, auth, locale, ratelimit and vi; never store and never
// web.
package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/time/rate"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/ratelimit"
)

// Options configures the API.
type Options struct {
	Log *slog.Logger
}

// API is the JSON API over one App.
type API struct {
	app *app.App
	log *slog.Logger
	mux *routeMux
	// documents limits the generated documents (reports, plans,
	// decisions, minutes) a token may ask for: they cost seconds each.
	documents *ratelimit.Limiter
}

// Document download limits per account: a document every 6 seconds on
// average, bursts of 5; buckets idle for documentIdle are dropped.
var (
	documentRate  = rate.Limit(1.0 / 6.0)
	documentBurst = 5
	documentIdle  = 10 * time.Minute
)

// routeMux is a ServeMux that remembers every pattern registered through
// Handle or HandleFunc, so a test can compare the routes with the OpenAPI
// document in both directions.
type routeMux struct {
	*http.ServeMux
	patterns []string
}

// Handle registers h for pattern and records the pattern.
func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

// HandleFunc registers h for pattern and records the pattern.
func (m *routeMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(h))
}

// handle registers an API route; every route goes through here or through
// x.mux.Handle/HandleFunc, which record it.
func (x *API) handle(pattern string, h http.HandlerFunc) { x.mux.Handle(pattern, h) }

// Patterns returns the registered route patterns ("GET /api/v1/me", …) in
// registration order, without the catch-all.
func (x *API) Patterns() []string { return append([]string(nil), x.mux.patterns...) }

// New builds the API and registers its routes.
func New(a *app.App, opts Options) *API {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	x := &API{app: a, log: opts.Log, mux: &routeMux{ServeMux: http.NewServeMux()}, documents: ratelimit.New(documentRate, documentBurst, nil)}
	x.authRoutes()
	x.unitRoutes()
	x.establishmentRoutes()
	x.recordRoutes()
	x.eligibilityRoutes()
	x.projectRoutes()
	x.planRoutes()
	x.reportRoutes()
	x.projectSettingsRoutes()
	x.needRoutes()
	x.outreachRoutes()
	x.outreachCoverageRoutes()
	x.outreachPlanRoutes()
	x.openAPIRoutes()
	// The catch-all answers unknown API paths with a JSON 404; it is not
	// an API route, so it bypasses the recording.
	x.mux.ServeMux.HandleFunc("/api/v1/", func(w http.ResponseWriter, r *http.Request) {
		x.fail(w, r, kc.Errorf(kc.ENotFound, "error.not_found"))
	})
	return x
}

// Handler returns the API with authentication applied.
func (x *API) Handler() http.Handler { return x.authenticate(x.mux) }

// ErrorBody is the JSON shape of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail names the error code and a safe message.
type ErrorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// reply writes body as JSON with status, or err when the app call that
// produced body failed.
func (x *API) reply(w http.ResponseWriter, r *http.Request, status int, body any, err error) {
	if err != nil {
		x.fail(w, r, err)
		return
	}
	writeJSON(w, status, body)
}

// fail writes err as an error body; internal errors are logged once here.
func (x *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := kc.AsError(err)
	if e.Code == kc.EInternal {
		x.log.Error("api request failed", "pattern", r.Pattern, "err", err)
	}
	body := ErrorBody{Error: ErrorDetail{Code: e.Code, Message: locale.T(locale.Default, e.Key, e.Args...)}}
	for _, fe := range kc.FieldErrors(err) {
		if body.Error.Fields == nil {
			body.Error.Fields = map[string]string{}
		}
		body.Error.Fields[fe.Field] = locale.T(locale.Default, fe.Key, fe.Args...)
	}
	writeJSON(w, statusOf(e.Code), body)
}

// badRequest answers a malformed request (unparsable JSON, wrong types)
// with 400 and the "invalid" code.
func (x *API) badRequest(w http.ResponseWriter, r *http.Request, err error) {
	x.log.Debug("api bad request", "pattern", r.Pattern, "err", err)
	writeJSON(w, http.StatusBadRequest, ErrorBody{Error: ErrorDetail{Code: kc.EInvalid, Message: locale.T(locale.Default, "error.bad_request")}})
}

// statusOf maps a kc error code to the HTTP status of the API.
func statusOf(code string) int {
	switch code {
	case kc.EInvalid:
		return http.StatusUnprocessableEntity
	case kc.ENotFound:
		return http.StatusNotFound
	case kc.EConflict:
		return http.StatusConflict
	case kc.EForbidden:
		return http.StatusForbidden
	case kc.EUnauthenticated:
		return http.StatusUnauthorized
	case kc.ERateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}
