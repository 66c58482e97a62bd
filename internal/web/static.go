package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// assetSet holds every static file with its content hash, so URLs change
// whenever content does and can be cached for a year.
type assetSet struct {
	byName map[string]asset // "app.css" → asset
	byURL  map[string]asset // "app.3f2a9c1d.css" → asset
}

type asset struct {
	name, hashed, ctype string
	body                []byte
}

func loadAssets() *assetSet {
	as := &assetSet{byName: map[string]asset{}, byURL: map[string]asset{}}
	fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".md") {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:12] + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		a := asset{name: name, hashed: hashed, ctype: ct, body: body}
		as.byName[name] = a
		as.byURL[hashed] = a
		return nil
	})
	return as
}

// url returns the content-hashed URL of a static file; an unknown name is a
// programmer error and panics.
func (as *assetSet) url(name string) string {
	a, ok := as.byName[name]
	if !ok {
		panic("web: unknown asset " + name)
	}
	return "/static/" + a.hashed
}

func (s *Server) staticRoutes() {
	s.mux.HandleFunc("GET /static/{file...}", s.serveStatic)
}

// serveStatic serves a hashed asset with an immutable cache header.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	a, ok := s.assets.byURL[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(a.body)
}
