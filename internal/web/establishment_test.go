package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"

	"github.com/PuerkitoBio/goquery"
)

func TestEstablishmentList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		ctx := app.WithPrincipal(context.Background(), app.System)
		for i := range 55 {
			if _, err := st.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindHousehold, Name: fmt.Sprintf("Hộ làm chổi đót %02d", i), CommuneID: f.communeA.ID, Village: "Thôn 2"}); err != nil {
				t.Fatal(err)
			}
		}
		c := f.login(t, userProvince)

		doc := c.doc("/establishments", http.StatusOK)
		if n := doc.Find("#establishments thead th").Length(); n != 6 {
			t.Errorf("%d columns, want name, commune, village, kind, trades, flags", n)
		}
		if n := doc.Find("#establishments tbody tr").Length(); n != establishmentsPerPage {
			t.Errorf("page 1 has %d rows, want %d", n, establishmentsPerPage)
		}
		next, ok := doc.Find(`.pager a[rel="next"]`).Attr("href")
		if !ok {
			t.Fatal("no next-page link")
		}
		if doc.Find(`.pager a[rel="prev"]`).Length() != 0 {
			t.Error("previous-page link on page 1")
		}
		doc.Find("#establishments tbody td:nth-child(4)").Each(func(_ int, td *goquery.Selection) {
			if strings.HasPrefix(td.Text(), "kind.") {
				t.Errorf("kind shown as key %q", td.Text())
			}
		})
		doc2 := c.doc(next, http.StatusOK)
		if n := doc2.Find("#establishments tbody tr").Length(); n != 57-establishmentsPerPage {
			t.Errorf("page 2 has %d rows, want %d", n, 57-establishmentsPerPage)
		}
		if doc2.Find(`.pager a[rel="prev"]`).Length() != 1 {
			t.Error("no previous-page link on page 2")
		}

		// Search keeps the query in the box and finds across diacritics.
		doc = c.doc("/establishments?q="+url.QueryEscape("ruou men"), http.StatusOK)
		if v, _ := doc.Find("input#q").Attr("value"); v != "ruou men" {
			t.Errorf("search box value %q", v)
		}
		rows := doc.Find("#establishments tbody tr")
		if rows.Length() != 1 || rows.AttrOr("data-id", "") != fmt.Sprint(f.estB.ID) {
			t.Errorf("search found %d rows, want establishment B only", rows.Length())
		}
		if got := strings.TrimSpace(rows.Find("td:nth-child(2)").Text()); got != "Xã Bình Minh" {
			t.Errorf("commune column %q", got)
		}
		if doc.Find(`form[role="search"][hx-get="/establishments"][hx-target="#results"]`).Length() != 1 {
			t.Error("search form is not wired for htmx")
		}

		// An htmx request gets the content block only.
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/establishments?q=chổi", nil)
		req.Header.Set("HX-Request", "true")
		res, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, res)
		if res.StatusCode != http.StatusOK || strings.Contains(body, "<html") || strings.Contains(body, `class="nav"`) || !strings.Contains(body, `id="results"`) {
			t.Errorf("htmx response: %d, full page or no #results", res.StatusCode)
		}

		// A history restore (back button after a pushed search) needs the
		// whole page, because htmx keeps no history cache here.
		req.Header.Set("HX-History-Restore-Request", "true")
		if res, err = c.http.Do(req); err != nil {
			t.Fatal(err)
		}
		if body := readAll(t, res); !strings.Contains(body, "<html") {
			t.Error("history restore got a fragment")
		}

		// No match.
		doc = c.doc("/establishments?q=khong+co+gi+ca", http.StatusOK)
		if doc.Find("#results .empty").Length() != 1 || doc.Find("#establishments").Length() != 0 {
			t.Error("no empty-result message")
		}
	})
}

func TestEstablishmentDetailAndEdit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		a := f.estA.ID
		officer := f.login(t, userOfficerA)

		doc := officer.doc(fmt.Sprintf("/establishments/%d", a), http.StatusOK)
		if got := strings.TrimSpace(doc.Find("h1").Text()); got != f.estA.Name {
			t.Errorf("h1 %q", got)
		}
		if got := strings.TrimSpace(doc.Find("#f-commune").Text()); got != "Xã An Phú" {
			t.Errorf("commune %q", got)
		}
		if href, _ := doc.Find("a#edit").Attr("href"); href != fmt.Sprintf("/establishments/%d/edit", a) {
			t.Errorf("edit link %q", href)
		}
		if f.login(t, userViewer).doc(fmt.Sprintf("/establishments/%d", a), http.StatusOK).Find("a#edit").Length() != 0 {
			t.Error("viewer sees the edit link")
		}

		form := officer.doc(fmt.Sprintf("/establishments/%d/edit", a), http.StatusOK)
		for _, name := range []string{"name", "village", "main_products", "notes"} {
			ctl := form.Find(fmt.Sprintf(`form[method="post"] [name="%s"]`, name))
			if ctl.Length() != 1 {
				t.Errorf("no control %s", name)
				continue
			}
			id, _ := ctl.Attr("id")
			if form.Find(fmt.Sprintf(`label[for="%s"]`, id)).Length() != 1 {
				t.Errorf("control %s has no label", name)
			}
		}
		version, ok := form.Find(`input[type="hidden"][name="version"]`).Attr("value")
		if !ok {
			t.Fatal("no version field")
		}

		// An empty name: 422, the message next to the field, values kept.
		bad := url.Values{"version": {version}, "name": {"  "}, "village": {"Thôn Giữ Lại"}, "main_products": {"Vải"}, "notes": {"ghi chú giữ lại"}}
		res := officer.post(fmt.Sprintf("/establishments/%d", a), bad)
		doc = parse(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("invalid form: %d, want 422", res.StatusCode)
		}
		if doc.Find("#name-error").Length() != 1 {
			t.Error("no error next to the name field")
		}
		if v, _ := doc.Find("input#name").Attr("aria-invalid"); v != "true" {
			t.Error("name not marked invalid")
		}
		if v, _ := doc.Find("input#village").Attr("value"); v != "Thôn Giữ Lại" {
			t.Errorf("village not kept: %q", v)
		}
		if got := doc.Find("textarea#notes").Text(); got != "ghi chú giữ lại" {
			t.Errorf("notes not kept: %q", got)
		}

		// A valid form saves, redirects and shows the saved notice.
		good := url.Values{"version": {version}, "name": {"Cơ sở dệt An Phú"}, "village": {"Thôn 3"}, "main_products": {"Khăn, túi thổ cẩm"}, "notes": {""}}
		res = officer.post(fmt.Sprintf("/establishments/%d", a), good)
		res.Body.Close()
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, fmt.Sprintf("/establishments/%d", a)) {
			t.Fatalf("save: %d → %q", res.StatusCode, loc)
		}
		doc = officer.doc(loc, http.StatusOK)
		if doc.Find(".flash").Length() != 1 {
			t.Error("no saved notice")
		}
		if got := strings.TrimSpace(doc.Find("#f-village").Text()); got != "Thôn 3" {
			t.Errorf("village after save %q", got)
		}
		e, err := st.GetEstablishment(context.Background(), a)
		if err != nil || e.Name != "Cơ sở dệt An Phú" || e.MainProducts != "Khăn, túi thổ cẩm" {
			t.Errorf("stored %+v (%v)", e, err)
		}

		// The same form again carries a stale version: conflict, no change.
		stale := url.Values{"version": {version}, "name": {"Ghi đè"}, "village": {"x"}, "main_products": {"x"}, "notes": {"x"}}
		res = officer.post(fmt.Sprintf("/establishments/%d", a), stale)
		res.Body.Close()
		if res.StatusCode != http.StatusConflict {
			t.Errorf("stale version: %d, want 409", res.StatusCode)
		}
		if e2, _ := st.GetEstablishment(context.Background(), a); e2.Name != e.Name {
			t.Error("stale form overwrote the establishment")
		}

		// Malformed ids are not found.
		for _, p := range []string{"/establishments/abc", "/establishments/-1", "/establishments/0/edit"} {
			officer.doc(p, http.StatusNotFound)
		}
	})
}
