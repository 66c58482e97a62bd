package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/report"
	"khuyencong/internal/vi"
)

//go:embed templates
var templateFS embed.FS

// pageSet maps a page name (its file name under templates/pages without
// .html) to the template parsed with the layout and every partial.
type pageSet map[string]*template.Template

// parsePages parses every page with the layout and all partials. Any error
// is a programmer error and panics at start-up.
func parsePages(funcs template.FuncMap) pageSet {
	base := template.New("layout.html").Funcs(funcs)
	base = template.Must(base.ParseFS(templateFS, "templates/layout.html"))
	if parts, _ := fs.Glob(templateFS, "templates/partials/*.html"); len(parts) > 0 {
		base = template.Must(base.ParseFS(templateFS, parts...))
	}
	files, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil || len(files) == 0 {
		panic("web: no page templates")
	}
	ps := pageSet{}
	for _, f := range files {
		t := template.Must(template.Must(base.Clone()).ParseFS(templateFS, f))
		ps[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return ps
}

// Page is what every page template receives.
type Page struct {
	Lang      string
	Title     string
	Section   string // the navigation entry to highlight
	Principal *app.Principal
	Flash     string
	Errors    map[string]string // field → message
	Data      any
	Partial   bool // htmx request: render the content block only
	Now       time.Time
	// Path is the request URI, used as the return address of the
	// language switch.
	Path string
	// Scope names the area the user works in (shown in the header).
	Scope string
	// Demo marks a database holding the fictional demo dataset.
	Demo bool
}

// T translates a catalog key in the page's language.
func (p Page) T(key string, args ...any) string { return locale.T(p.Lang, key, args...) }

// page returns the common page data for r.
func (s *Server) page(r *http.Request, title, section string, data any) Page {
	p := Page{
		Lang:      s.lang(r),
		Title:     title,
		Section:   section,
		Principal: app.PrincipalFrom(r.Context()),
		Data:      data,
		Partial:   partialRequest(r),
		Now:       s.app.Now(),
		Path:      r.URL.RequestURI(),
	}
	p.Scope, p.Demo = s.scopeInfo(r, p.Principal)
	return p
}

// partialRequest reports whether r is an htmx request for a fragment. A
// boosted link and a history restore (htmx keeps no history cache here,
// so it refetches the page) need the whole page.
func partialRequest(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Boosted") != "true" &&
		r.Header.Get("HX-History-Restore-Request") != "true"
}

// lang picks the UI language: the "lang" cookie when set, else Vietnamese.
func (s *Server) lang(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil {
		return locale.Supported(c.Value)
	}
	return locale.Default
}

// render writes a page with status. A full page is "layout"; an htmx
// request gets the "content" block only.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p Page) {
	t, ok := s.pages[name]
	if !ok {
		panic("web: undeclared page " + name)
	}
	block := "layout"
	if p.Partial {
		block = "content"
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, p); err != nil {
		s.log.Error("render", "page", name, "err", err)
		http.Error(w, locale.T(p.Lang, "error.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Add("Vary", "HX-Request")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// funcs are the template functions.
func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"t":        func(lang, key string, args ...any) string { return locale.T(lang, key, args...) },
		"asset":    func(name string) string { return s.assets.url(name) },
		"vnd":      vi.FormatVND,
		"num":      func(n any) string { return vi.FormatNumber(toInt64(n)) },
		"date":     vi.FormatDate,
		"day":      func(d kc.Date) string { return vi.FormatDay(d.Time()) },
		"datetime": vi.FormatDateTime,
		"role":     func(lang string, r kc.Role) string { return locale.T(lang, "role."+string(r)) },
		"kind":     func(lang, k string) string { return locale.T(lang, "kind."+k) },
		"source":   func(lang, src string) string { return locale.T(lang, "dash.source."+src) },
		"navItems": navItems,
		"cell":     report.Format,
		"indicator": func(in report.Indicator) string {
			return report.Format(in.Kind, report.Cell{N: in.Value})
		},
		"join": strings.Join,
	}
}

func toInt64(n any) int64 {
	switch x := n.(type) {
	case int:
		return int64(x)
	case int64:
		return x
	case int32:
		return int64(x)
	case uint:
		return int64(x)
	}
	panic(fmt.Sprintf("web: num of %T", n))
}

// parseFormLimited parses a form body of at most limit bytes; a body
// that is larger or malformed is a bad request.
func parseFormLimited(w http.ResponseWriter, r *http.Request, limit int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		return kc.Errorf(kc.EInvalid, "error.bad_request")
	}
	return nil
}

// postedID reads the {id} wildcard of a POST and parses its form body of
// at most limit bytes; on failure it has answered (not found, or bad
// request) and ok is false.
func (s *Server) postedID(w http.ResponseWriter, r *http.Request, limit int64) (id int64, ok bool) {
	id, err := pathID(r)
	if err == nil {
		err = parseFormLimited(w, r, limit)
	}
	if err != nil {
		s.fail(w, r, err)
		return 0, false
	}
	return id, true
}

// fail renders an error page for err with the status its code maps to.
// Internal errors are logged once here, with the request id.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := kc.AsError(err)
	status := statusOf(e.Code)
	if e.Code == kc.EInternal {
		s.log.Error("request failed", "id", requestID(r), "pattern", r.Pattern, "err", err)
	}
	p := s.page(r, locale.T(s.lang(r), "error.title"), "", nil)
	p.Flash = locale.T(p.Lang, e.Key, e.Args...)
	if e.Code == kc.EUnauthenticated {
		http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.render(w, r, status, "error", p)
}

// statusOf maps a kc error code to the HTTP status of the web edge.
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
