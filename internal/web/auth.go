package web

import (
	"net/http"

	"github.com/alexedwards/scs/v2"
)

// limiter is the login rate limiter. STUB: replaced by the accounts work.
type limiter struct{}

// initAuth sets up sessions and rate limits. STUB: replaced by the accounts work.
func (s *Server) initAuth() {
	s.sessions = scs.New()
	s.limits = &limiter{}
}

func (s *Server) authRoutes() {}

// loadPrincipal puts the logged-in user into the request context. STUB.
func (s *Server) loadPrincipal(next http.Handler) http.Handler { return next }
