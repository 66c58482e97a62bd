package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestScreening screens the province officer's scope: totals per scheme,
// the commune table, the most common failing criterion and the
// near-eligible list (9 workers for a threshold of 10); bad parameters
// are shown next to their fields; the XLSX download holds the same.
func TestScreening(t *testing.T) {
	f := schemeFixture(t)
	near := f.brewer(t, "Cơ sở rượu gần đủ", f.communeA, 9)
	f.brewer(t, "Cơ sở rượu nhỏ", f.communeB, 2)
	f.brewer(t, "Cơ sở rượu lớn", f.communeB, 15)
	c := f.login(t, userProvince)

	d := c.doc("/screen", http.StatusOK)
	if cur := d.Find(`nav.nav a[aria-current="page"]`).AttrOr("href", ""); cur != "/schemes" {
		t.Errorf("current nav entry %q", cur)
	}
	row := d.Find(`#screen-totals tr[data-code="MAY_MOC_TIEN_TIEN"]`)
	if row.Length() != 1 {
		t.Fatal("no MAY_MOC_TIEN_TIEN row")
	}
	nums := row.Find("td.num")
	if nums.Eq(0).Text() != "1" || nums.Eq(1).Text() != "2" {
		t.Errorf("MAY_MOC_TIEN_TIEN eligible %q, not eligible %q", nums.Eq(0).Text(), nums.Eq(1).Text())
	}
	if !strings.Contains(row.Text(), "Số lao động từ 10") {
		t.Errorf("most common failing criterion not shown: %q", row.Text())
	}
	if n := d.Find("#screen-commune-table tbody tr").Length(); n != 2 {
		t.Errorf("%d communes, want 2", n)
	}
	nearRows := d.Find(`#screen-near-table tbody tr[data-id="` + itoa(near.ID) + `"]`)
	if nearRows.Length() == 0 {
		t.Fatalf("the establishment with 9 workers is not near-eligible: %q", d.Find("#screen-near").Text())
	}
	if !strings.Contains(nearRows.Text(), "thiếu 1 lao động") {
		t.Errorf("near row %q lacks the gap", nearRows.First().Text())
	}
	href := d.Find("#screen-xlsx").AttrOr("href", "")
	if !strings.HasPrefix(href, "/screen.xlsx") {
		t.Fatalf("download link %q", href)
	}

	// A margin of 5 % leaves 9 of 10 out.
	d = c.doc("/screen?margin=5", http.StatusOK)
	if d.Find(`#screen-near-table tr[data-id="`+itoa(near.ID)+`"]`).Length() != 0 {
		t.Error("9 of 10 is near-eligible with a 5 % margin")
	}
	for _, q := range []string{"margin=abc", "margin=500", "on=2026-02-30", "unit=khong-co"} {
		d = c.doc("/screen?"+q, http.StatusUnprocessableEntity)
		if d.Find(".field-error").Length() == 0 {
			t.Errorf("%s: no field error", q)
		}
	}
	// A commune officer screens their commune only.
	officer := f.login(t, userOfficerA)
	if n := officer.doc("/screen", http.StatusOK).Find("#screen-commune-table tbody tr").Length(); n != 1 {
		t.Errorf("commune officer sees %d communes", n)
	}

	body, h := c.fetchFile(href, http.StatusOK)
	if ct := h.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("content type %q", ct)
	}
	if cd := h.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="sang-loc-`) || !strings.HasSuffix(cd, `.xlsx"`) {
		t.Errorf("content disposition %q", cd)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("open xlsx: %v", err)
	}
	defer x.Close()
	if sheets := x.GetSheetList(); len(sheets) != 3 {
		t.Errorf("sheets %v", sheets)
	}
	rows, err := x.GetRows(x.GetSheetList()[2])
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		found = found || strings.Contains(strings.Join(r, "|"), "Cơ sở rượu gần đủ")
	}
	if !found {
		t.Errorf("near-eligible sheet lacks the establishment: %v", rows)
	}
	// Bad parameters send the download back to the page.
	_, h = c.fetchFile("/screen.xlsx?margin=abc", http.StatusSeeOther)
	if !strings.HasPrefix(h.Get("Location"), "/screen?") {
		t.Errorf("bad download parameters: Location %q", h.Get("Location"))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
