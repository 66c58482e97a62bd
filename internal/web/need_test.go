package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// TestNeedPublicDoor walks the public door: the form's errors next to
// their fields, the honeypot, a too-fast token, a request and its repeat,
// a hundred posts from one address (429, nothing written), the lookup
// (never the phone; unknown code; rate limit), and the commune officers'
// list, link and answer.
func TestNeedPublicDoor(t *testing.T) {
	st := storetest.OpenSQLite(t)
	f := newScopeFixture(t, st)
	ctx := t.Context()
	count := func() int {
		t.Helper()
		_, total, err := st.ListNeedRequests(ctx, store.NeedFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return total
	}
	aged := func() string { return f.app.NeedFormTokenAt(f.app.Now().Add(-10 * time.Second)) }
	pub := f.anonymous(t)

	d := pub.doc(needFormPath, http.StatusOK)
	if d.Find("#nf-commune option[value='"+f.communeA.Code+"']").Length() != 1 || d.Find("input[name=token]").AttrOr("value", "") == "" ||
		d.Find("input[name=website]").Length() != 1 || d.Find("#nf-consent").Length() != 1 {
		t.Fatal("the form lacks the commune choice, the token, the honeypot or the consent")
	}
	form := func(tok string) url.Values {
		return url.Values{"name": {"Hồ Văn Pả"}, "phone": {"0912 345 678"}, "commune": {f.communeA.Code}, "need": {"Cần máy dệt"},
			"consent": {"1"}, "token": {tok}}
	}

	// 1. Field errors next to their fields, what was typed kept.
	bad := form(aged())
	bad.Del("consent")
	bad.Set("phone", "12ab")
	res := pub.post(needFormPath, bad)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", res.StatusCode)
	}
	d = parse(t, res)
	if d.Find("#nf-consent-error").Length() != 1 || d.Find("#nf-phone-error").Length() != 1 || d.Find("#nf-name-error").Length() != 0 ||
		d.Find("#nf-name").AttrOr("value", "") != "Hồ Văn Pả" {
		t.Error("field errors are not next to the consent and phone fields")
	}
	// 2. The honeypot.
	trap := form(aged())
	trap.Set("website", "http://spam.example")
	if res := pub.post(needFormPath, trap); res.StatusCode != http.StatusUnprocessableEntity || parse(t, res).Find("#nf-error").Length() != 1 {
		t.Errorf("honeypot: %d", res.StatusCode)
	}
	// 3. A form posted at once after it was served.
	res = pub.post(needFormPath, form(f.app.NeedFormToken()))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(parse(t, res).Find("#nf-error").Text(), "quá nhanh") {
		t.Errorf("too fast: %d", res.StatusCode)
	}
	if n := count(); n != 0 {
		t.Fatalf("%d requests written by refused posts", n)
	}
	// 4. A request, and 5. its repeat: the same code, one row.
	res = pub.post(needFormPath, form(aged()))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("request: %d %s", res.StatusCode, parse(t, res).Find("form").Text())
	}
	code := parse(t, res).Find("#nf-code").Text()
	if !strings.HasPrefix(code, "NC-") || len(code) != 11 {
		t.Fatalf("tracking code %q", code)
	}
	res = pub.post(needFormPath, form(aged()))
	if again := parse(t, res).Find("#nf-code").Text(); again != code || count() != 1 {
		t.Errorf("repeat gave %q, %d rows", again, count())
	}
	// 6+. A hundred posts from one address: 429 in Vietnamese, nothing written.
	for i := range 95 {
		other := form(aged())
		other.Set("need", "Spam "+strconv.Itoa(i))
		res := pub.post(needFormPath, other)
		if res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("post %d: status %d", i+6, res.StatusCode)
		}
		if i == 0 && !strings.Contains(parse(t, res).Find("#nf-rate-limited").Text(), "quá nhiều") {
			t.Error("the 429 page does not say why in Vietnamese")
		} else {
			res.Body.Close()
		}
	}
	if n := count(); n != 1 {
		t.Errorf("%d requests after the flood", n)
	}

	// The lookup: status in words, never the phone or the name.
	res = pub.get(needTrackPath + "?ma=" + url.QueryEscape(strings.ToLower(code)))
	body := readAll(t, res)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Đã tiếp nhận") || strings.Contains(body, "345") || strings.Contains(body, "Pả") {
		t.Errorf("lookup: %d", res.StatusCode)
	}
	if d := pub.doc(needTrackPath+"?ma=NC-ZZZZZZZZ", http.StatusNotFound); d.Find("#nt-unknown").Length() != 1 {
		t.Error("an unknown code has no message")
	}

	// The officers: A sees and handles it, B neither sees nor changes it.
	offB := f.login(t, userOfficerB)
	if d := offB.doc(needListPath, http.StatusOK); d.Find("tr[data-code='"+code+"']").Length() != 0 {
		t.Error("officer B sees commune A's request")
	}
	offA := f.login(t, userOfficerA)
	d = offA.doc(needListPath+"?status=new", http.StatusOK)
	link := d.Find("tr[data-code='"+code+"'] a").AttrOr("href", "")
	if link == "" || d.Find("tr[data-code='"+code+"'] .badge").Text() != "Đã tiếp nhận" || d.Find("tr[data-code='"+code+"'] .nl-need").Text() != "Cần máy dệt" {
		t.Fatal("officer A does not see the request with its status")
	}
	if d := offA.doc(link, http.StatusOK); strings.Contains(d.Find("#nd-phone").Text(), "345 6") || d.Find("#nd-need").Text() != "Cần máy dệt" {
		t.Error("the phone is not masked")
	}
	if res := offA.post(link+"/xem-so", url.Values{"reason": {""}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("reveal without a reason: %d", res.StatusCode)
	}
	if res := offA.post(link+"/xem-so", url.Values{"reason": {"gọi lại cho người gửi"}}); res.StatusCode != http.StatusOK ||
		parse(t, res).Find("#nd-phone").Text() != "0912345678" {
		t.Errorf("reveal: %d", res.StatusCode)
	}
	if res := offB.post(link, url.Values{"status": {"closed"}, "answer": {""}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("officer B changes it: %d", res.StatusCode)
	}
	d = offA.doc(link+"?q="+url.QueryEscape("dệt thổ cẩm"), http.StatusOK)
	if d.Find("#nd-matches button[data-id='"+strconv.FormatInt(f.estA.ID, 10)+"']").Length() != 1 {
		t.Fatal("the establishment search does not offer establishment A")
	}
	if res := offA.post(link+"/lien-ket", url.Values{"establishment_id": {strconv.FormatInt(f.estA.ID, 10)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("link: %d", res.StatusCode)
	}
	res = offA.post(link, url.Values{"status": {"answered"}, "answer": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity || parse(t, res).Find("#nd-answer-error").Length() != 1 {
		t.Errorf("answered without an answer: %d", res.StatusCode)
	}
	if res := offA.post(link, url.Values{"status": {"handling"}, "answer": {"Mời anh lên xã ngày 5/6."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer: %d", res.StatusCode)
	}
	d = offA.doc(link, http.StatusOK)
	if d.Find("#nd-establishment a").Text() != f.estA.Name {
		t.Error("the link is not shown")
	}
	d = pub.doc(needTrackPath+"?ma="+code, http.StatusOK)
	if d.Find("#nt-answer").Text() != "Mời anh lên xã ngày 5/6." || d.Find("#nt-status").AttrOr("data-status", "") != "handling" {
		t.Errorf("lookup after the answer: %q %q", d.Find("#nt-answer").Text(), d.Find("#nt-status").Text())
	}
	// Lookups are rate-limited: 10 in a burst (3 used above).
	limited := false
	for range 10 {
		res := pub.get(needTrackPath + "?ma=NC-ABCDEFGH")
		res.Body.Close()
		limited = limited || res.StatusCode == http.StatusTooManyRequests
	}
	if !limited {
		t.Error("lookups are not rate-limited")
	}
	// The information page links to the form and the self-check.
	d = pub.doc(needInfoPath, http.StatusOK)
	if d.Find("a[href='"+needFormPath+"']").Length() == 0 || d.Find("a[href='/tu-kiem-tra']").Length() == 0 {
		t.Error("the information page lacks its links")
	}
}
