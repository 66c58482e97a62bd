package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
)

// authRoutes registers the account routes: the caller and their tokens.
func (x *API) authRoutes() {
	x.handle("GET /api/v1/me", x.getMe)
	x.handle("GET /api/v1/tokens", x.listTokens)
	x.handle("POST /api/v1/tokens", x.createToken)
	x.handle("DELETE /api/v1/tokens/{id}", x.revokeToken)
}

// authenticate resolves "Authorization: Bearer kc_…" into the caller's
// principal in the request context. Every route except the OpenAPI
// document needs a valid token; anything else is 401 unauthenticated.
func (x *API) authenticate(next http.Handler) http.Handler {
	principals := x.app.NewPrincipalCache(time.Minute)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == OpenAPIPath {
			next.ServeHTTP(w, r)
			return
		}
		scheme, secret, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
		if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
			x.unauthenticated(w, r)
			return
		}
		p, err := principals.PrincipalForToken(r.Context(), secret)
		if err != nil {
			if kc.ErrorCode(err) == kc.EUnauthenticated {
				x.unauthenticated(w, r)
				return
			}
			x.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(app.WithPrincipal(r.Context(), p)))
	})
}

// unauthenticated answers 401 with a Bearer challenge.
func (x *API) unauthenticated(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="khuyencong"`)
	x.fail(w, r, kc.Errorf(kc.EUnauthenticated, "auth.token_invalid"))
}

// ScopeUnit is a unit of the caller's scope in API responses.
type ScopeUnit struct {
	ID    int64  `json:"id"`
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level string `json:"level"`
}

// Me is the body of GET /api/v1/me.
type Me struct {
	ID          int64       `json:"id"`
	Username    string      `json:"username"`
	DisplayName string      `json:"display_name"`
	Role        kc.Role     `json:"role"`
	RoleName    string      `json:"role_name"`
	All         bool        `json:"all"`
	Scope       []ScopeUnit `json:"scope"`
}

// Token is an API token in responses; the secret appears only in
// CreatedToken.
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	Active     bool       `json:"active"`
}

// TokenList is the body of GET /api/v1/tokens.
type TokenList struct {
	Items []Token `json:"items"`
}

// NewToken is the body of POST /api/v1/tokens.
type NewToken struct {
	Name string `json:"name"`
}

// CreatedToken is the answer to POST /api/v1/tokens: the token and its
// secret, shown this once.
type CreatedToken struct {
	Token
	Secret string `json:"secret"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func toToken(t kc.APIToken) Token {
	return Token{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt, LastUsedAt: timePtr(t.LastUsedAt), RevokedAt: timePtr(t.RevokedAt), Active: t.Active()}
}

func (x *API) getMe(w http.ResponseWriter, r *http.Request) {
	me, err := x.app.Me(r.Context())
	if err != nil {
		x.fail(w, r, err)
		return
	}
	p := app.PrincipalFrom(r.Context())
	out := Me{ID: me.User.ID, Username: me.User.Username, DisplayName: me.User.DisplayName, Role: me.User.Role,
		RoleName: locale.T(locale.Default, "role."+string(me.User.Role)), All: p != nil && p.All, Scope: []ScopeUnit{}}
	for _, u := range me.Scope {
		out.Scope = append(out.Scope, ScopeUnit{ID: u.ID, Code: u.Code, Name: u.Name, Level: u.Level})
	}
	writeJSON(w, http.StatusOK, out)
}

func (x *API) listTokens(w http.ResponseWriter, r *http.Request) {
	ts, err := x.app.ListAPITokens(r.Context())
	if err != nil {
		x.fail(w, r, err)
		return
	}
	out := TokenList{Items: []Token{}}
	for _, t := range ts {
		out.Items = append(out.Items, toToken(t))
	}
	writeJSON(w, http.StatusOK, out)
}

// maxTokenBody bounds the body of POST /api/v1/tokens.
const maxTokenBody = 4 << 10

func (x *API) createToken(w http.ResponseWriter, r *http.Request) {
	var in NewToken
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxTokenBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		x.badRequest(w, r, err)
		return
	}
	t, secret, err := x.app.CreateAPIToken(r.Context(), in.Name)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, CreatedToken{Token: toToken(t), Secret: secret})
}

func (x *API) revokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		x.fail(w, r, kc.Errorf(kc.ENotFound, "auth.token_not_found"))
		return
	}
	if err := x.app.RevokeAPIToken(r.Context(), id); err != nil {
		x.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
