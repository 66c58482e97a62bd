package web

import (
	"log/slog"
	"net/http"
	"sync"

	"khuyencong/internal/app"
	"khuyencong/internal/ratelimit"

	"github.com/alexedwards/scs/v2"
)

// Options configures the web server.
type Options struct {
	// TrustedProxies are peer addresses whose X-Forwarded-For is honoured.
	TrustedProxies []string
	// SecureCookies marks session cookies Secure (behind TLS).
	SecureCookies bool
	// PublicURL is the address leaflets' QR codes link to; empty: the
	// address the officer reached the server at.
	PublicURL string
	Log       *slog.Logger
}

// Server is the HTML interface over one App.
type Server struct {
	app      *app.App
	opts     Options
	log      *slog.Logger
	mux      *http.ServeMux
	pages    pageSet
	assets   *assetSet
	sessions *scs.SessionManager
	limits   *ratelimit.Limiter
	stop     chan struct{}
	// unitNameCache maps unit ids to names (reference data, see unitNames).
	unitNameCache sync.Map
	// imports holds the web import jobs (see import.go).
	imports *importJobs
	// needs holds the public door's rate limits (see need.go).
	needs *needLimits
}

// New builds the server: parses every template (panicking on a template
// error, which is a programmer error), hashes the static assets and
// registers the routes.
func New(a *app.App, opts Options) (*Server, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{app: a, opts: opts, log: opts.Log, mux: http.NewServeMux(), stop: make(chan struct{})}
	s.assets = loadAssets()
	s.pages = parsePages(s.funcs())
	s.initAuth()
	s.routes()
	return s, nil
}

// Close stops background work (session and rate-limit clean-up).
func (s *Server) Close() {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
}

func (s *Server) routes() {
	s.staticRoutes()
	s.authRoutes()
	s.dashboardRoutes()
	s.unitRoutes()
	s.establishmentRoutes()
	s.recordRoutes()
	s.importRoutes()
	s.eligibilityRoutes()
	s.projectRoutes()
	s.planRoutes()
	s.reportRoutes()
	s.projectSettingsRoutes()
	s.needRoutes()
	s.outreachRoutes()
	s.outreachCoverageRoutes()
	s.outreachPlanRoutes()
	s.outreachParamsRoutes()
}

// Handler returns the server with its middleware, outermost first.
func (s *Server) Handler() http.Handler {
	var h http.Handler = s.mux
	h = s.loadPrincipal(h)
	h = s.sessions.LoadAndSave(h)
	h = s.crossOrigin(h)
	h = s.securityHeaders(h)
	h = gzipHandler(h)
	h = s.logRequests(h)
	h = s.recoverPanics(h)
	return h
}
