package web

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"
)

func TestZZPreview(t *testing.T) {
	if os.Getenv("KC_PREVIEW") == "" {
		t.Skip()
	}
	s := newBareServer(t)
	fx := pageFixtures()
	mux := http.NewServeMux()
	mux.Handle("/static/", s.Handler())
	mux.HandleFunc("/preview/{page}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("page")
		p := fx[name]
		p.Lang = "vi"
		p.Principal = fixturePrincipal
		p.Scope = "Xã Đakrông"
		p.Demo = true
		p.Path = "/"
		p.Title = name
		p.Section = "establishments"
		if name == "dashboard" {
			p.Section = "dashboard"
		}
		s.render(w, r, 200, name, p)
	})
	srv := httptest.NewUnstartedServer(mux)
	l, _ := net.Listen("tcp", "127.0.0.1:18765")
	srv.Listener = l
	srv.Start()
	defer srv.Close()
	time.Sleep(60 * time.Second)
}
