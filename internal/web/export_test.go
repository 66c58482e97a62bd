package web

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"khuyencong/internal/app"
	"khuyencong/internal/sheet"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// fetchFile fetches path and returns the body, failing unless the status
// is want; for a 200 it checks the attachment headers.
func (c *client) fetchFile(path string, want int) ([]byte, http.Header) {
	c.t.Helper()
	res := c.get(path)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if res.StatusCode != want {
		c.t.Fatalf("GET %s: status %d, want %d", path, res.StatusCode, want)
	}
	return body, res.Header
}

// TestExportFromList follows the list page's export form: the file holds
// exactly the rows the list shows for the same search, in the caller's
// scope, under an ASCII attachment name; the personal-data checkbox shows
// only for roles that may use it, and the server refuses the others.
func TestExportFromList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		day := f.app.Now().Format("2006-01-02")
		exportURL := func(t *testing.T, c *client, listPath string, button string) (string, []int64, bool) {
			t.Helper()
			d := c.doc(listPath, http.StatusOK)
			var listed []int64
			d.Find("#establishments tbody tr").Each(func(_ int, s *goquery.Selection) {
				id, _ := strconv.ParseInt(s.AttrOr("data-id", ""), 10, 64)
				listed = append(listed, id)
			})
			form := d.Find("form#export")
			if form.Length() != 1 {
				t.Fatalf("%s: no export form", listPath)
			}
			action := form.AttrOr("action", "")
			if b := d.Find("#" + button); b.AttrOr("formaction", "") != "" {
				action = b.AttrOr("formaction", "")
			}
			v := url.Values{}
			form.Find("input[type=hidden]").Each(func(_ int, s *goquery.Selection) {
				v.Add(s.AttrOr("name", ""), s.AttrOr("value", ""))
			})
			if d.Find("#import-template").AttrOr("href", "") != "/establishments/template.xlsx" {
				t.Errorf("no template link")
			}
			return action + "?" + v.Encode(), listed, d.Find("#export-personal").Length() == 1
		}
		ids := func(t *testing.T, data []byte, name string) []int64 {
			t.Helper()
			tab, err := sheet.Read(bytes.NewReader(data), name, sheet.Limits{})
			if err != nil || !tab.Valid() {
				t.Fatalf("read %s: %v %v", name, err, tab.Errors())
			}
			var out []int64
			for i := range tab.Rows {
				id, _ := tab.Rows[i].Int("id")
				out = append(out, id)
			}
			slices.Sort(out)
			return out
		}
		cases := []struct {
			name, user, list, button string
			personal                 bool
		}{
			{"officer A, whole list, xlsx", userOfficerA, "/establishments", "export-xlsx", false},
			{"province, search, xlsx", userProvince, "/establishments?q=ruou+men", "export-xlsx", true},
			{"province, whole list, csv", userProvince, "/establishments", "export-csv", true},
			{"viewer, whole list, csv", userViewer, "/establishments", "export-csv", false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c := f.login(t, tc.user)
				path, listed, personal := exportURL(t, c, tc.list, tc.button)
				if personal != tc.personal {
					t.Errorf("personal checkbox shown %v, want %v", personal, tc.personal)
				}
				format := strings.TrimPrefix(path[strings.LastIndex(path[:strings.Index(path, "?")], "."):strings.Index(path, "?")], ".")
				data, h := c.fetchFile(path, http.StatusOK)
				if want := `attachment; filename="co-so-` + day + `.` + format + `"`; h.Get("Content-Disposition") != want {
					t.Errorf("Content-Disposition %q, want %q", h.Get("Content-Disposition"), want)
				}
				slices.Sort(listed)
				if got := ids(t, data, "x."+format); !slices.Equal(got, listed) || len(listed) == 0 {
					t.Errorf("exported ids %v, listed %v", got, listed)
				}
			})
		}
		t.Run("personal export refused for a viewer", func(t *testing.T) {
			c := f.login(t, userViewer)
			c.fetchFile("/establishments/export.xlsx?personal=1", http.StatusForbidden)
		})
		t.Run("personal export for the province officer", func(t *testing.T) {
			c := f.login(t, userProvince)
			data, _ := c.fetchFile("/establishments/export.csv?personal=1&unit=99001", http.StatusOK)
			if got := ids(t, data, "x.csv"); !slices.Equal(got, []int64{f.estA.ID}) {
				t.Errorf("ids %v", got)
			}
		})
		t.Run("unknown unit", func(t *testing.T) {
			c := f.login(t, userProvince)
			c.fetchFile("/establishments/export.xlsx?unit=77777", http.StatusUnprocessableEntity)
		})
		t.Run("anonymous is sent to the login", func(t *testing.T) {
			res := f.anonymous(t).get("/establishments/export.xlsx")
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				t.Errorf("status %d", res.StatusCode)
			}
		})
		t.Run("template", func(t *testing.T) {
			if err := f.app.EnsureReference(app.WithPrincipal(t.Context(), app.System)); err != nil {
				t.Fatal(err)
			}
			c := f.login(t, userOfficerA)
			data, h := c.fetchFile("/establishments/template.xlsx", http.StatusOK)
			if want := `attachment; filename="mau-nhap-co-so-` + day + `.xlsx"`; h.Get("Content-Disposition") != want {
				t.Errorf("Content-Disposition %q", h.Get("Content-Disposition"))
			}
			x, err := excelize.OpenReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			cols, err := x.GetCols(sheet.ListSheet)
			if err != nil {
				t.Fatal(err)
			}
			var communes []string
			for _, col := range cols {
				if len(col) > 0 && col[0] == "Xã/phường" {
					for _, v := range col[1:] {
						if v != "" {
							communes = append(communes, v)
						}
					}
				}
			}
			if !slices.Equal(communes, []string{"99001 – Xã An Phú"}) {
				t.Errorf("commune list %q", communes)
			}
		})
	})
}
