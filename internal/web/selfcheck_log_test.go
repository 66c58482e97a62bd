package web

import (
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// selfCheckLog returns the fixture's logged self-checks as "commune
// trade via_qr" lines, in order.
func (f *scopeFixture) selfCheckLog(t *testing.T) []string {
	t.Helper()
	db := f.rawSQLite(t)
	rows, err := db.Query("SELECT COALESCE(u.code, ''), l.trade, l.via_qr FROM selfcheck_log l LEFT JOIN unit u ON u.id = l.commune_id ORDER BY l.id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var code, trade string
		var qr bool
		if err := rows.Scan(&code, &trade, &qr); err != nil {
			t.Fatal(err)
		}
		line := code + " " + trade
		if qr {
			line += " qr"
		}
		out = append(out, line)
	}
	return out
}

// rawSQLite opens the fixture's SQLite database directly.
func (f *scopeFixture) rawSQLite(t *testing.T) *sql.DB {
	t.Helper()
	path, ok := strings.CutPrefix(f.st.DSN(), "sqlite:")
	if !ok {
		t.Fatalf("not a SQLite store: %s", f.st.DSN())
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestSelfCheckLogged checks that an answered public self-check is
// logged without personal data, through the leaflet's QR link only when
// the signed commune and trade were kept; that the province step, field
// errors and contact requests log nothing; and that a failing log still
// gives the person the answer.
func TestSelfCheckLogged(t *testing.T) {
	f := schemeFixture(t)
	anon := f.anonymous(t)
	link, err := f.app.SelfCheckLink("", f.communeA.Code, "RUOU_MEN_LA")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(link)
	sig := u.Query().Get("k")
	d := anon.doc(link, http.StatusOK)
	if got := d.Find(`#sc-form input[name="k"]`).AttrOr("value", ""); got != sig {
		t.Fatalf("the pre-filled form keeps k %q, want %q", got, sig)
	}
	if anon.doc("/tu-kiem-tra", http.StatusOK).Find(`#sc-form input[name="k"]`).Length() != 0 {
		t.Error("a plain questionnaire carries a link signature")
	}

	withSig := func(v url.Values, k string) url.Values {
		v.Set("k", k)
		return v
	}
	steps := []struct {
		name   string
		path   string
		form   url.Values
		status int
		want   []string // the log after the step
	}{
		{"through the QR link", "/tu-kiem-tra", withSig(selfCheckAnswers(f.communeA.Code), sig), http.StatusOK,
			[]string{f.communeA.Code + " RUOU_MEN_LA qr"}},
		{"typed in", "/tu-kiem-tra", selfCheckAnswers(f.communeB.Code), http.StatusOK,
			[]string{f.communeA.Code + " RUOU_MEN_LA qr", f.communeB.Code + " RUOU_MEN_LA"}},
		{"commune changed after the link", "/self-check", withSig(selfCheckAnswers(f.communeB.Code), sig), http.StatusOK,
			[]string{f.communeA.Code + " RUOU_MEN_LA qr", f.communeB.Code + " RUOU_MEN_LA", f.communeB.Code + " RUOU_MEN_LA"}},
		{"forged signature", "/tu-kiem-tra", withSig(selfCheckAnswers(f.communeA.Code), "abcdef0123456789"), http.StatusOK,
			[]string{f.communeA.Code + " RUOU_MEN_LA qr", f.communeB.Code + " RUOU_MEN_LA", f.communeB.Code + " RUOU_MEN_LA", f.communeA.Code + " RUOU_MEN_LA"}},
	}
	for _, st := range steps {
		res := anon.post(st.path, st.form)
		d := parse(t, res)
		if res.StatusCode != st.status || d.Find("#sc-answer").Length() != 1 {
			t.Fatalf("%s: %d, answer shown %v", st.name, res.StatusCode, d.Find("#sc-answer").Length() == 1)
		}
		if got := f.selfCheckLog(t); strings.Join(got, "|") != strings.Join(st.want, "|") {
			t.Errorf("%s: log %q, want %q", st.name, got, st.want)
		}
	}
	logged := len(f.selfCheckLog(t))

	// Nothing logged for the province step, nonsense answers or a contact request.
	anon.post("/tu-kiem-tra", url.Values{"province": {"98"}, "step": {"province"}}).Body.Close()
	bad := selfCheckAnswers(f.communeA.Code)
	bad.Set("workers", "-3")
	if res := anon.post("/tu-kiem-tra", bad); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("nonsense answers: %d", res.StatusCode)
	}
	contact := selfCheckAnswers(f.communeA.Code)
	contact.Set("name", "Hồ Văn Lợi")
	contact.Set("phone", "0912345678")
	contact.Set("consent", "1")
	anon.post("/tu-kiem-tra/lien-he", contact).Body.Close()
	if f.needRequests(t) != 1 {
		t.Error("the contact request was not stored")
	}
	if n := len(f.selfCheckLog(t)); n != logged {
		t.Errorf("%d rows logged by steps that answer nothing new", n-logged)
	}

	// A failing log does not stop the answer.
	if _, err := f.rawSQLite(t).Exec("DROP TABLE selfcheck_log"); err != nil {
		t.Fatal(err)
	}
	res := anon.post("/tu-kiem-tra", withSig(selfCheckAnswers(f.communeA.Code), sig))
	if d := parse(t, res); res.StatusCode != http.StatusOK || d.Find("#sc-answer").Length() != 1 {
		t.Errorf("with the log failing: %d, answer shown %v", res.StatusCode, d.Find("#sc-answer").Length() == 1)
	}
}
