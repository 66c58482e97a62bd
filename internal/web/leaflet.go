package web

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/vi"
)

// leafletPath gives the printable outreach leaflet of a commune and a
// trade to signed-in officers.
const leafletPath = "/outreach/leaflet"

// leafletRoutes registers the leaflet page and its PDF.
func (s *Server) leafletRoutes() {
	s.mux.HandleFunc("GET "+leafletPath, s.requireUser(s.leaflet))
}

// leafletView is the data of the leaflet page: the choices of its form.
type leafletView struct {
	Communes, Trades, Sizes []choice
}

// publicBase is the address that the leaflet's QR link starts with: the
// configured public address (Options.PublicURL, KHUYENCONG_PUBLIC_URL),
// else the address the officer reached this server at.
func (s *Server) publicBase(r *http.Request) string {
	if s.opts.PublicURL != "" {
		return s.opts.PublicURL
	}
	scheme := "http"
	if r.TLS != nil || s.opts.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// leaflet answers GET /outreach/leaflet: without a commune and a trade
// the form to choose them; with them (?commune=&trade=&size=) the
// one-page PDF leaflet, whose QR code links to the pre-filled public
// self-check. Unknown codes or sizes show the form again with the
// messages (422).
func (s *Server) leaflet(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	q := r.URL.Query()
	commune, trade, size := strings.TrimSpace(q.Get("commune")), strings.TrimSpace(q.Get("trade")), strings.TrimSpace(q.Get("size"))
	if commune == "" && trade == "" {
		s.leafletForm(w, r, http.StatusOK, commune, trade, size, nil)
		return
	}
	sheet, err := s.app.Leaflet(r.Context(), commune, trade, size, s.publicBase(r))
	if err != nil {
		if fe := fieldErrors(lang, "", err); len(fe) > 0 {
			s.leafletForm(w, r, http.StatusUnprocessableEntity, commune, trade, size, fe)
		} else {
			s.fail(w, r, err)
		}
		return
	}
	var buf bytes.Buffer
	if err := app.RenderLeaflet(&buf, sheet); err != nil {
		s.fail(w, r, kc.Errorf(kc.EInternal, "error.internal").Wrap(err))
		return
	}
	name := "to-roi-" + strings.ToLower(trade) + "-" + commune + "-" + strings.ToLower(sheet.Size) + ".pdf"
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", attachmentDisposition("attachment", name))
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(buf.Bytes())
}

// leafletForm shows the form to choose the commune, trade and size, with
// errs next to the fields.
func (s *Server) leafletForm(w http.ResponseWriter, r *http.Request, status int, commune, trade, size string, errs map[string]string) {
	ctx := r.Context()
	lang := s.lang(r)
	v := &leafletView{}
	communes, _, err := s.app.SearchUnits(ctx, kc.UnitFilter{Level: kc.LevelCommune, On: s.today(), Limit: app.UnitPageSizeMax})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slices.SortFunc(communes, func(a, b app.UnitRow) int { return vi.Compare(a.Unit.Name, b.Unit.Name) })
	for _, c := range communes {
		v.Communes = append(v.Communes, choice{Value: c.Unit.Code, Label: c.Unit.Name + " (" + c.Unit.Code + ")", Selected: c.Unit.Code == commune})
	}
	trades, err := s.app.Trades(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slices.SortFunc(trades, func(a, b kc.Trade) int { return vi.Compare(a.Name, b.Name) })
	for _, t := range trades {
		v.Trades = append(v.Trades, choice{Value: t.Code, Label: t.Name, Selected: strings.EqualFold(t.Code, trade)})
	}
	for _, z := range []string{"A4", "A5"} {
		v.Sizes = append(v.Sizes, choice{Value: z, Label: z, Selected: strings.EqualFold(z, size)})
	}
	p := s.page(r, locale.T(lang, "leaflet.web.title"), "outreach", v)
	p.Errors = errs
	s.render(w, r, status, "leaflet", p)
}
