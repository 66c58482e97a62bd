package app_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/eligibility"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// TestLeaflet prepares the rice-wine leaflet of Xã Đakrông: its supports
// are the self-check's fits for that trade and commune (none that the
// commune and trade already rule out), with their caps; the link is the
// pre-filled self-check, signed so that CheckSelfCheckLink accepts it and
// refuses it with another commune or trade, or another key. Bad codes,
// sizes and addresses are field errors, and the public cannot make one.
func TestLeaflet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := demoApp(t, s)
		ctx := app.WithPrincipal(t.Context(), app.System)
		sheet, err := a.Leaflet(ctx, "19564", "ruou_men_la", "a5", "https://kc.example.vn/")
		if err != nil {
			t.Fatal(err)
		}
		if sheet.Size != "A5" || !strings.Contains(sheet.Title, "Rượu men lá") || !strings.Contains(sheet.Place, "Xã Đakrông") {
			t.Errorf("sheet: size %q title %q place %q", sheet.Size, sheet.Title, sheet.Place)
		}
		res, err := a.SelfCheck(t.Context(), app.SelfCheckAnswers{TradeCode: "RUOU_MEN_LA", CommuneCode: "19564"}, kc.Date{})
		if err != nil {
			t.Fatal(err)
		}
		fits := map[string]app.SelfCheckFit{}
		for _, f := range res.Fits {
			if f.Status != eligibility.NotEligible {
				fits[f.Name] = f
			}
		}
		if len(sheet.Supports) == 0 || len(sheet.Supports) > 3 {
			t.Fatalf("supports: %+v", sheet.Supports)
		}
		withAmount := 0
		for _, sp := range sheet.Supports {
			f, ok := fits[sp.Name]
			if !ok {
				t.Errorf("support %q is not a fit of the self-check", sp.Name)
				continue
			}
			if !f.Unset && f.AmountMax > 0 {
				withAmount++
				if want := "Tối đa " + formatDots(f.AmountMax) + " đồng"; !strings.HasPrefix(sp.Amount, want) {
					t.Errorf("%s: amount %q, want it to start with %q", sp.Name, sp.Amount, want)
				}
			}
		}
		if withAmount == 0 {
			t.Errorf("no support with an amount: %+v", sheet.Supports)
		}
		if len(fits) > len(sheet.Supports) && sheet.More == "" {
			t.Errorf("%d fits, %d shown, and no line on the others", len(fits), len(sheet.Supports))
		}
		if len(sheet.Contact) == 0 || !strings.Contains(sheet.Contact[0], "UBND xã Đakrông") || len(sheet.Documents) == 0 {
			t.Errorf("contact %q, documents %q", sheet.Contact, sheet.Documents)
		}

		u, err := url.Parse(sheet.URL)
		if err != nil || u.Scheme != "https" || u.Host != "kc.example.vn" || u.Path != app.SelfCheckPath {
			t.Fatalf("link %q: %v", sheet.URL, err)
		}
		q := u.Query()
		if q.Get("xa") != "19564" || q.Get("nghe") != "RUOU_MEN_LA" || len(q.Get("k")) != 12 {
			t.Fatalf("link parameters %v", q)
		}
		commune, trade, err := a.CheckSelfCheckLink(t.Context(), q.Get("xa"), q.Get("nghe"), q.Get("k"))
		if err != nil || commune != "19564" || trade != "RUOU_MEN_LA" {
			t.Errorf("a signed link: %q %q %v", commune, trade, err)
		}
		for _, c := range []struct{ xa, nghe, k, field string }{
			{"19565", "RUOU_MEN_LA", q.Get("k"), "commune"},     // tampered commune
			{"19564", "DET_THO_CAM", q.Get("k"), "commune"},     // tampered trade: the signature fails
			{"19564", "RUOU_MEN_LA", "000000000000", "commune"}, // forged signature
			{"19564", "RUOU_MEN_LA", "", "commune"},
		} {
			_, _, err := a.CheckSelfCheckLink(t.Context(), c.xa, c.nghe, c.k)
			if fe := kc.FieldErrors(err); len(fe) != 1 || fe[0].Field != c.field || fe[0].Key != "leaflet.link_commune" {
				t.Errorf("link %+v: %v", c, err)
			}
		}
		// Signed, but naming codes that do not exist.
		for _, c := range []struct{ xa, nghe, field, key string }{
			{"99999", "RUOU_MEN_LA", "commune", "leaflet.link_commune"},
			{"19564", "KHONG_CO", "trade", "leaflet.link_trade"},
		} {
			l, err := a.SelfCheckLink("http://x", c.xa, c.nghe)
			if err != nil {
				t.Fatal(err)
			}
			lu, _ := url.Parse(l)
			_, _, err = a.CheckSelfCheckLink(t.Context(), c.xa, c.nghe, lu.Query().Get("k"))
			if fe := kc.FieldErrors(err); len(fe) != 1 || fe[0].Field != c.field || fe[0].Key != c.key {
				t.Errorf("signed unknown %+v: %v", c, err)
			}
		}
		// Another key does not accept the link.
		other := demoApp(t, storetest.OpenSQLite(t))
		if err := other.SetSecret([]byte("another-secret-for-the-leaflet-test-0123456789")); err != nil {
			t.Fatal(err)
		}
		if _, _, err := other.CheckSelfCheckLink(t.Context(), "19564", "RUOU_MEN_LA", q.Get("k")); err == nil {
			t.Error("a link signed with another key is accepted")
		}

		for _, c := range []struct{ commune, trade, size, base, field string }{
			{"99999", "RUOU_MEN_LA", "", "", "commune"},
			{"19564", "KHONG_CO", "", "", "trade"},
			{"", "RUOU_MEN_LA", "", "", "commune"},
			{"19564", "RUOU_MEN_LA", "A3", "", "size"},
			{"19564", "RUOU_MEN_LA", "", "javascript:alert(1)", "base_url"},
		} {
			_, err := a.Leaflet(ctx, c.commune, c.trade, c.size, c.base)
			fe := kc.FieldErrors(err)
			if len(fe) == 0 || fe[0].Field != c.field {
				t.Errorf("leaflet %+v: %v, want a field error on %s", c, err, c.field)
			}
		}
		if _, err := a.Leaflet(t.Context(), "19564", "RUOU_MEN_LA", "", ""); kc.ErrorCode(err) != kc.EUnauthenticated {
			t.Errorf("leaflet without login: %v", err)
		}
	})
}

// formatDots writes n with dots between thousands, as Vietnamese amounts
// are printed.
func formatDots(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String()
}
