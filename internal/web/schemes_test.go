package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestSchemeList lists the schemes in force with their rule, basis and
// badges, every version with ?on=all, and refuses a malformed day.
func TestSchemeList(t *testing.T) {
	f := schemeFixture(t)
	c := f.login(t, userOfficerA)
	d := c.doc("/schemes", http.StatusOK)
	if cur := d.Find(`nav.nav a[aria-current="page"]`).AttrOr("href", ""); cur != "/schemes" {
		t.Errorf("current nav entry %q", cur)
	}
	if d.Find("#soon").Length() != 0 {
		t.Error("the schemes entry still leads to the «soon» page")
	}
	row := d.Find(`#schemes tr[data-code="MAY_MOC_TIEN_TIEN"]`)
	if row.Length() != 1 {
		t.Fatalf("%d rows for MAY_MOC_TIEN_TIEN", row.Length())
	}
	text := row.Text()
	for _, want := range []string{"NĐ 235/2025/NĐ-CP", "15/10/2025", "50 %", "300.000.000 ₫", "quốc gia"} {
		if !strings.Contains(text, want) {
			t.Errorf("row %q lacks %q", text, want)
		}
	}
	if d.Find(`#schemes tr[data-code="SAN_XUAT_SACH_HON"] .needs-review`).Length() != 1 {
		t.Error("no «cần xác minh» badge on an unconfirmed scheme")
	}
	if d.Find(`#schemes tr[data-code="QT_VD_MAY_MOC"] .badge-demo`).Length() != 1 {
		t.Error("the example scheme is not labelled as an example")
	}
	inForce := d.Find("#schemes tbody tr").Length()
	all := c.doc("/schemes?on=all", http.StatusOK).Find("#schemes tbody tr").Length()
	if all <= inForce {
		t.Errorf("every version: %d rows, in force: %d", all, inForce)
	}
	old := c.doc("/schemes?on=2016-01-01", http.StatusOK)
	if !strings.Contains(old.Find(`#schemes tr[data-code="MAY_MOC_TIEN_TIEN"]`).Text(), "TTLT 26/2014") {
		t.Error("the 2016 list does not show the 2014 version")
	}
	bad := c.doc("/schemes?on=hôm-qua", http.StatusUnprocessableEntity)
	if bad.Find("#schemes-on-error").Length() != 1 {
		t.Error("no error for a malformed day")
	}
	res := f.anonymous(t).get("/schemes")
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous: %d, want 303", res.StatusCode)
	}
}

// TestSchemeDetailAndEditing shows a scheme with its criteria and
// versions; editors (administrator, province officer) get the forms: an
// unknown field and a broken formula are refused with the message next to
// the field (the formula's line and column), a good criterion is added and
// deleted, and the support rule is changed; a commune officer may not.
func TestSchemeDetailAndEditing(t *testing.T) {
	f := schemeFixture(t)
	id := f.schemeID(t, "MAY_MOC_TIEN_TIEN")
	path := "/schemes/" + strconv.FormatInt(id, 10)

	officer := f.login(t, userOfficerA)
	d := officer.doc(path, http.StatusOK)
	if n := d.Find("#criteria-table tbody tr").Length(); n < 5 {
		t.Errorf("%d criteria shown", n)
	}
	if !strings.Contains(d.Find("#criteria-table").Text(), "Số lao động ≥ 10") {
		t.Errorf("criteria %q lack «Số lao động ≥ 10»", d.Find("#criteria-table").Text())
	}
	if d.Find("#versions-table tbody tr").Length() != 3 {
		t.Errorf("%d versions", d.Find("#versions-table tbody tr").Length())
	}
	if d.Find("#crit-form, #rule-form").Length() != 0 {
		t.Error("a commune officer sees the editing forms")
	}
	res := officer.post(path+"/criteria", url.Values{"label": {"x"}, "field": {"Workers"}, "op": {">="}, "value": {"3"}})
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("commune officer adds a criterion: %d, want 403", res.StatusCode)
	}

	admin := f.login(t, userAdmin)
	d = admin.doc(path, http.StatusOK)
	form := d.Find("#crit-form")
	if form.Length() != 1 || d.Find("#rule-form").Length() != 1 {
		t.Fatal("the administrator has no editing forms")
	}
	if form.AttrOr("hx-get", "") != path+"/count" || !strings.Contains(form.AttrOr("hx-trigger", ""), "delay:400ms") {
		t.Errorf("live count: hx-get=%q hx-trigger=%q", form.AttrOr("hx-get", ""), form.AttrOr("hx-trigger", ""))
	}
	if d.Find(`#crit-field option[value="Workers"]`).Text() != "Số lao động" {
		t.Error("the field choice has no Vietnamese labels")
	}
	before := d.Find("#criteria-table tbody tr").Length()

	// An unknown field.
	res = admin.post(path+"/criteria", url.Values{"label": {"Thử"}, "kind": {"eligibility"}, "group": {"5"}, "field": {"SoLaoDong"}, "op": {">="}, "value": {"3"}})
	d = parse(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown field: %d, want 422", res.StatusCode)
	}
	if got := d.Find("#crit-field-error").Text(); !strings.Contains(got, "SoLaoDong") {
		t.Errorf("unknown field message %q", got)
	}
	if d.Find("#crit-label").AttrOr("value", "") != "Thử" {
		t.Error("the typed label was lost")
	}

	// A formula with a syntax error: its line and column. (The app keeps
	// a formula on one line, so a multi-line one reports line 1.)
	res = admin.post(path+"/criteria", url.Values{"label": {"Thử công thức"}, "kind": {"eligibility"}, "group": {"5"},
		"formula": {"Workers >= 3 && Registered =="}})
	d = parse(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad formula: %d, want 422", res.StatusCode)
	}
	msg := d.Find("#crit-formula-error").Text()
	if !strings.Contains(msg, "dòng 1, cột 29") {
		t.Errorf("formula message %q lacks the line and column", msg)
	}
	if !strings.Contains(d.Find("#crit-formula").Text(), "Registered ==") {
		t.Error("the typed formula was lost")
	}
	// A type error.
	res = admin.post(path+"/criteria", url.Values{"label": {"Thử"}, "group": {"5"}, "formula": {`Workers + "a"`}})
	d = parse(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity || d.Find("#crit-formula-error").Length() != 1 {
		t.Errorf("type error: %d, message %q", res.StatusCode, d.Find("#crit-formula-error").Text())
	}
	// A group that is not a number.
	res = admin.post(path+"/criteria", url.Values{"label": {"Thử"}, "group": {"một"}, "field": {"Workers"}, "op": {">="}, "value": {"3"}})
	d = parse(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity || d.Find("#crit-group-error").Length() != 1 {
		t.Errorf("bad group: %d", res.StatusCode)
	}

	// A good criterion, then its deletion.
	res = admin.post(path+"/criteria", url.Values{"label": {"Doanh thu từ 100 triệu"}, "kind": {"eligibility"}, "group": {"5"},
		"field": {"Revenue"}, "op": {">="}, "value": {"100000000"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add criterion: %d, want 303", res.StatusCode)
	}
	d = admin.doc(path+"?done=criterion", http.StatusOK)
	if d.Find("#criteria-table tbody tr").Length() != before+1 {
		t.Errorf("%d criteria after adding, want %d", d.Find("#criteria-table tbody tr").Length(), before+1)
	}
	added := d.Find(`#criteria-table tbody tr`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(s.Text(), "Doanh thu từ 100 triệu")
	})
	if added.Length() != 1 || !strings.Contains(added.Text(), "100.000.000 ₫") {
		t.Fatalf("added criterion row %q", added.Text())
	}
	if d.Find(".flash").Length() != 1 {
		t.Error("no notice after adding")
	}
	del := added.Find("form").AttrOr("action", "")
	res = admin.post(del, nil)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete criterion: %d", res.StatusCode)
	}
	if n := admin.doc(path, http.StatusOK).Find("#criteria-table tbody tr").Length(); n != before {
		t.Errorf("%d criteria after deleting, want %d", n, before)
	}

	// The support rule: a bad rate, then a good change.
	rule := url.Values{"rate": {"năm mươi"}, "cap": {"300.000.000"}, "cap_unit": {"cơ sở"}, "counterpart": {"50"}, "from": {"2025-10-15"}}
	res = admin.post(path, rule)
	d = parse(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity || d.Find("#rule-rate-error").Length() != 1 {
		t.Errorf("bad rate: %d", res.StatusCode)
	}
	rule.Set("rate", "40")
	rule.Set("counterpart", "70")
	res = admin.post(path, rule)
	d = parse(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity || d.Find("#rule-counterpart-error").Length() != 1 {
		t.Errorf("shares over 100 %%: %d %q", res.StatusCode, d.Find(".field-error").Text())
	}
	rule.Set("counterpart", "60")
	rule.Set("confirmed", "1")
	res = admin.post(path, rule)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save rule: %d", res.StatusCode)
	}
	d = admin.doc(path, http.StatusOK)
	if got := d.Find("#scheme-rate").Text(); got != "40 %" {
		t.Errorf("rate after saving %q", got)
	}
	if d.Find("#scheme-review").Length() != 0 {
		t.Error("the confirmed scheme still needs review")
	}

	// A province officer edits a provincial scheme of another province? The
	// example schemes have no province in this fixture: refused.
	prov := f.login(t, userProvince)
	exampleID := f.schemeID(t, "QT_VD_MAY_MOC")
	res = prov.post("/schemes/"+strconv.FormatInt(exampleID, 10)+"/criteria", url.Values{"label": {"x"}, "field": {"Workers"}, "op": {">="}, "value": {"3"}})
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("province officer on a scheme outside the province: %d, want 403", res.StatusCode)
	}

	// A new version from a later day opens the new version.
	res = admin.post(path+"/versions", url.Values{"effective_from": {"2027-01-01"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "done=version") {
		t.Fatalf("new version: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	res = admin.post(path+"/versions", url.Values{"effective_from": {"2020-01-01"}})
	d = parse(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity || d.Find("#version-from-error").Length() != 1 {
		t.Errorf("version before the current one: %d", res.StatusCode)
	}
}

// TestCriterionLiveCount checks the live count fragment: the rule as
// stored, with a criterion being typed, and an error with its position.
func TestCriterionLiveCount(t *testing.T) {
	f := schemeFixture(t)
	f.brewer(t, "Cơ sở A", f.communeA, 12)
	f.brewer(t, "Cơ sở B", f.communeA, 4)
	f.brewer(t, "Cơ sở C", f.communeB, 20)
	id := f.schemeID(t, "MAY_MOC_TIEN_TIEN")
	path := "/schemes/" + strconv.FormatInt(id, 10) + "/count"

	officer := f.login(t, userOfficerA)
	status, body := officer.htmxGet(path)
	d := fragment(t, body)
	if status != http.StatusOK || strings.Contains(body, "<html") {
		t.Fatalf("stored count: %d %.200q", status, body)
	}
	// Officer A's commune: the 3 fixture and brewer rows; one brewer has
	// 12 workers, the fixture establishment has no facts.
	if got := d.Find("#count-text").Text(); got != "1 / 3 cơ sở trong địa bàn khớp (1 chưa xác định)" {
		t.Errorf("stored count %q", got)
	}
	status, body = officer.htmxGet(path + "?" + url.Values{"field": {"Workers"}, "op": {">="}, "value": {"15"}, "group": {"9"}}.Encode())
	d = fragment(t, body)
	if status != http.StatusOK || d.Find("#count-alone").Length() != 1 {
		t.Fatalf("edited count: %d %.300q", status, body)
	}
	if got := d.Find("#count-text").Text(); !strings.HasPrefix(got, "0 / 3 cơ sở") {
		t.Errorf("edited count %q", got)
	}
	status, body = officer.htmxGet(path + "?" + url.Values{"formula": {"Workers >"}}.Encode())
	if status != http.StatusOK || !strings.Contains(body, "dòng 1, cột") {
		t.Errorf("formula error in the count: %d %.300q", status, body)
	}
	// Without htmx: a page, 422 for an error.
	officer.doc(path+"?field=Nothing&op=%3E%3D&value=1", http.StatusUnprocessableEntity)
	d = officer.doc(path, http.StatusOK)
	if d.Find("h1").Length() != 1 || d.Find("#crit-count").Length() != 1 {
		t.Error("the count page has no heading or count")
	}
}
