package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/ratelimit"

	"github.com/alexedwards/scs/v2"
	"golang.org/x/time/rate"
)

// Session settings.
const (
	sessionCookie  = "kc_session"
	sessionIdle    = 8 * time.Hour
	sessionLife    = 7 * 24 * time.Hour
	sessionUserKey = "user_id"
	// sessionCleanup is how often expired session rows are deleted.
	sessionCleanup = 15 * time.Minute
)

// Login rate limits: per client address and per account name, 10 failed
// attempts a minute with bursts of 5 (successful logins are not counted).
// Idle buckets are dropped after limiterIdle.
var (
	loginRate   = rate.Limit(10.0 / 60.0)
	loginBurst  = 5
	limiterIdle = 10 * time.Minute
)

// initAuth sets up the session manager over the database session store
// and the login rate limits, and starts their clean-up, which ends with
// s.stop.
func (s *Server) initAuth() {
	st := s.app.Store.SessionStore(sessionCleanup)
	sm := scs.New()
	sm.Store = st
	sm.IdleTimeout = sessionIdle
	sm.Lifetime = sessionLife
	sm.Cookie.Name = sessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = s.opts.SecureCookies
	sm.Cookie.Path = "/"
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.log.Error("session", "id", requestID(r), "err", err)
		http.Error(w, locale.T(s.lang(r), "error.internal"), http.StatusInternalServerError)
	}
	s.sessions = sm
	s.limits = ratelimit.New(loginRate, loginBurst, s.opts.TrustedProxies)
	go func() {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				st.Stop()
				return
			case <-t.C:
				s.limits.Evict(limiterIdle)
			}
		}
	}()
}

func (s *Server) authRoutes() {
	s.mux.HandleFunc("GET /login", s.showLogin)
	s.mux.HandleFunc("POST /login", s.login)
	s.mux.HandleFunc("POST /logout", s.logout)
	s.mux.HandleFunc("GET /account", s.requireUser(s.showAccount))
	s.mux.HandleFunc("POST /account/tokens", s.requireUser(s.createToken))
	s.mux.HandleFunc("POST /account/tokens/{id}/revoke", s.requireUser(s.revokeToken))
	s.mux.HandleFunc("GET /account/password", s.requireUser(s.showPassword))
	s.mux.HandleFunc("POST /account/password", s.requireUser(s.changePassword))
}

// loadPrincipal puts the logged-in user into the request context. The
// account is read on every request, so a disabled account loses its
// session at once (only the expansion of its scope into communes is cached
// for a minute); static assets skip the look-up.
func (s *Server) loadPrincipal(next http.Handler) http.Handler {
	principals := s.app.NewPrincipalCache(time.Minute)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		if id := s.sessions.GetInt64(r.Context(), sessionUserKey); id != 0 {
			p, err := principals.PrincipalForUser(r.Context(), id)
			switch {
			case err == nil:
				r = r.WithContext(app.WithPrincipal(r.Context(), p))
			case kc.ErrorCode(err) == kc.EUnauthenticated:
				s.sessions.Destroy(r.Context())
			default:
				s.fail(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// requireUser lets signed-in users through and sends everyone else to the
// login page, with the page they asked for as next.
func (s *Server) requireUser(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if app.PrincipalFrom(r.Context()) == nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h(w, r)
	}
}

// requireRole is requireUser plus a permission check: a signed-in user
// whose role may not do perm gets the forbidden page.
func (s *Server) requireRole(perm auth.Perm, h http.HandlerFunc) http.HandlerFunc {
	return s.requireUser(func(w http.ResponseWriter, r *http.Request) {
		if p := app.PrincipalFrom(r.Context()); !auth.Can(p.User.Role, perm) {
			s.fail(w, r, kc.Errorf(kc.EForbidden, "error.forbidden"))
			return
		}
		h(w, r)
	})
}

// safeNext returns next when it is a path on this site ("/…", not "//…"
// and no scheme or host), else "/".
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	if u.Path == "/login" || u.Path == "/logout" {
		return "/"
	}
	return next
}

// loginForm is the data of the login page.
type loginForm struct {
	Username string
	Next     string
	Error    string
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, f loginForm) {
	p := s.page(r, locale.T(s.lang(r), "auth.login_title"), "", f)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "login", p)
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if app.PrincipalFrom(r.Context()) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, loginForm{Next: next})
}

// authFormBytes bounds the body of the account forms.
const authFormBytes = 64 << 10

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, authFormBytes)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, kc.Errorf(kc.EInvalid, "error.bad_request"))
		return
	}
	lang := s.lang(r)
	f := loginForm{Username: strings.ToLower(strings.TrimSpace(r.PostFormValue("username"))), Next: safeNext(r.PostFormValue("next"))}
	if len(f.Username) > 64 {
		f.Username = f.Username[:64]
	}
	addr := s.limits.ClientAddr(r)
	ok, charge := s.limits.Check("addr|"+addr, "user|"+f.Username)
	if !ok {
		w.Header().Set("Retry-After", "60")
		f.Error = locale.T(lang, "auth.rate_limited")
		s.renderLogin(w, r, http.StatusTooManyRequests, f)
		return
	}
	p, err := s.app.Authenticate(r.Context(), f.Username, r.PostFormValue("password"), addr)
	if err != nil {
		if kc.ErrorCode(err) != kc.EUnauthenticated {
			s.fail(w, r, err)
			return
		}
		charge()
		f.Error = locale.T(lang, "auth.invalid")
		s.renderLogin(w, r, http.StatusUnauthorized, f)
		return
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), sessionUserKey, p.User.ID)
	http.Redirect(w, r, f.Next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if app.PrincipalFrom(r.Context()) != nil {
		if err := s.app.Logout(r.Context()); err != nil {
			s.log.Error("logout audit", "id", requestID(r), "err", err)
		}
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// accountView is the data of the account page.
type accountView struct {
	Me     app.UserInfo
	Tokens []kc.APIToken
	// NewSecret is the secret of a token just created, shown this once.
	NewSecret string
	NewToken  kc.APIToken
	// TokenName is the name typed into the create form (kept after an error).
	TokenName string
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, v accountView, errs map[string]string, flash string) {
	me, err := s.app.Me(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tokens, err := s.app.ListAPITokens(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Me, v.Tokens = me, tokens
	p := s.page(r, locale.T(s.lang(r), "auth.account_title"), "account", v)
	p.Errors, p.Flash = errs, flash
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "account", p)
}

func (s *Server) showAccount(w http.ResponseWriter, r *http.Request) {
	flash := ""
	switch r.URL.Query().Get("done") {
	case "password":
		flash = locale.T(s.lang(r), "auth.password_changed")
	case "revoked":
		flash = locale.T(s.lang(r), "auth.token_revoked")
	}
	s.renderAccount(w, r, http.StatusOK, accountView{}, nil, flash)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, authFormBytes)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, kc.Errorf(kc.EInvalid, "error.bad_request"))
		return
	}
	name := r.PostFormValue("name")
	t, secret, err := s.app.CreateAPIToken(r.Context(), name)
	if err != nil {
		if errs := authFieldErrors(s.lang(r), err); errs != nil {
			s.renderAccount(w, r, http.StatusUnprocessableEntity, accountView{TokenName: name}, errs, "")
			return
		}
		s.fail(w, r, err)
		return
	}
	s.renderAccount(w, r, http.StatusCreated, accountView{NewSecret: secret, NewToken: t}, nil, locale.T(s.lang(r), "auth.token_created"))
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, kc.Errorf(kc.ENotFound, "auth.token_not_found"))
		return
	}
	if err := s.app.RevokeAPIToken(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?done=revoked", http.StatusSeeOther)
}

func (s *Server) showPassword(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, locale.T(s.lang(r), "auth.password_title"), "account", nil)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "password", p)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, authFormBytes)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, kc.Errorf(kc.EInvalid, "error.bad_request"))
		return
	}
	lang := s.lang(r)
	me := app.PrincipalFrom(r.Context())
	fail := func(status int, errs map[string]string) {
		p := s.page(r, locale.T(lang, "auth.password_title"), "account", nil)
		p.Errors = errs
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, status, "password", p)
	}
	if !s.limits.Allow("password|" + strconv.FormatInt(me.User.ID, 10)) {
		w.Header().Set("Retry-After", "60")
		fail(http.StatusTooManyRequests, map[string]string{"current": locale.T(lang, "auth.rate_limited")})
		return
	}
	next, confirm := r.PostFormValue("new"), r.PostFormValue("confirm")
	if next != confirm {
		fail(http.StatusUnprocessableEntity, map[string]string{"confirm": locale.T(lang, "user.password_mismatch")})
		return
	}
	err := s.app.ChangePassword(r.Context(), app.PasswordChange{UserID: me.User.ID, Current: r.PostFormValue("current"), New: next})
	if err != nil {
		if errs := authFieldErrors(lang, err); errs != nil {
			if errs["password"] != "" {
				errs["new"] = errs["password"]
				delete(errs, "password")
			}
			fail(http.StatusUnprocessableEntity, errs)
			return
		}
		s.fail(w, r, err)
		return
	}
	// A new password starts a new session token, like a login.
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?done=password", http.StatusSeeOther)
}

// authFieldErrors returns the field → message map of a validation error, or
// nil when err carries no field errors.
func authFieldErrors(lang string, err error) map[string]string {
	fes := kc.FieldErrors(err)
	if len(fes) == 0 {
		return nil
	}
	m := map[string]string{}
	for _, fe := range fes {
		m[fe.Field] = locale.T(lang, fe.Key, fe.Args...)
	}
	return m
}
