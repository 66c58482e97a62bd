package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"

	"github.com/PuerkitoBio/goquery"
)

// loadRegistryUnits loads, before the scope fixture (whose unit load then
// does nothing), the fixture's province and communes plus a former
// district with two former communes: Xã Hải Phúc (99101), now part of
// Xã Bình Minh (commune B), and Xã Hải Thọ (99102), now part of Xã An Phú
// (commune A).
func loadRegistryUnits(t *testing.T, st *store.Store) {
	t.Helper()
	from, old := kc.ReformDate, kc.MustDate("2008-01-01")
	until := kc.ReformDate.AddDays(-1)
	units := []kc.Unit{
		{ID: 1, Code: "98", Level: kc.LevelProvince, Type: "Tỉnh", Name: "Tỉnh Thử Nghiệm", ValidFrom: from},
		{ID: 2, Code: "99001", Level: kc.LevelCommune, Type: "Xã", Name: "Xã An Phú", ParentID: 1, ValidFrom: from},
		{ID: 3, Code: "99002", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Bình Minh", ParentID: 1, ValidFrom: from},
		{ID: 4, Code: "991", Level: kc.LevelDistrict, Type: "Huyện", Name: "Huyện Hải Lăng", ValidFrom: old, ValidTo: until},
		{ID: 5, Code: "99101", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Hải Phúc", ParentID: 4, ValidFrom: old, ValidTo: until},
		{ID: 6, Code: "99102", Level: kc.LevelCommune, Type: "Xã", Name: "Xã Hải Thọ", ParentID: 4, ValidFrom: old, ValidTo: until},
	}
	links := []kc.Succession{
		{FromID: 5, ToID: 3, Scope: kc.SuccessionFull, Effective: from},
		{FromID: 6, ToID: 2, Scope: kc.SuccessionFull, Effective: from},
	}
	if _, err := st.LoadUnits(t.Context(), units, links); err != nil {
		t.Fatal(err)
	}
}

// registryFixture is the scope fixture with the former units, the trade
// catalogue and three more establishments:
//
//	r1 "Rượu men lá Đá Bàn" (A, household, RUOU_MEN_LA; traditional craft, woman owner)
//	r2 "Hợp tác xã Đakrông" (B, cooperative, DET_THO_CAM; craft village, ethnic-minority owner)
//	r3 "Mộc Đa Krông" (A, enterprise, MOC then RUOU_MEN_LA; traditional craft, craft village)
type registryFixture struct {
	*scopeFixture
	trades     map[string]int64 // trade code → id
	r1, r2, r3 kc.Establishment
}

func newRegistryFixture(t *testing.T, st *store.Store) *registryFixture {
	t.Helper()
	loadRegistryUnits(t, st)
	f := &registryFixture{scopeFixture: newScopeFixture(t, st), trades: map[string]int64{}}
	ctx := app.WithPrincipal(t.Context(), app.System)
	if err := f.app.EnsureReference(ctx); err != nil {
		t.Fatal(err)
	}
	trades, err := st.ListTrades(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range trades {
		f.trades[tr.Code] = tr.ID
	}
	for _, r := range []struct {
		dst *kc.Establishment
		e   kc.Establishment
	}{
		{&f.r1, kc.Establishment{Kind: kc.KindHousehold, Name: "Rượu men lá Đá Bàn", CommuneID: f.communeA.ID, Village: "Thôn Đá Bàn",
			TradeIDs: []int64{f.trades["RUOU_MEN_LA"]}, TraditionalCraft: true, WomenOwned: true}},
		{&f.r2, kc.Establishment{Kind: kc.KindCooperative, Name: "Hợp tác xã Đakrông", CommuneID: f.communeB.ID, Village: "Bản Ra Lu",
			TradeIDs: []int64{f.trades["DET_THO_CAM"]}, CraftVillage: true, EthnicMinorityOwned: true}},
		{&f.r3, kc.Establishment{Kind: kc.KindEnterprise, SizeClass: kc.SizeSmall, Name: "Mộc Đa Krông", CommuneID: f.communeA.ID, Village: "Thôn 4",
			TradeIDs: []int64{f.trades["MOC"], f.trades["RUOU_MEN_LA"]}, TraditionalCraft: true, CraftVillage: true}},
	} {
		if *r.dst, err = st.CreateEstablishment(ctx, r.e); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// listIDs returns the ids of the list's rows, in order.
func listIDs(doc *goquery.Document) []int64 {
	var ids []int64
	doc.Find("#establishments tbody tr[data-id]").Each(func(_ int, tr *goquery.Selection) {
		id, _ := strconv.ParseInt(tr.AttrOr("data-id", ""), 10, 64)
		ids = append(ids, id)
	})
	return ids
}

// sameIDs compares id sets.
func sameIDs(got, want []int64) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}

func TestEstablishmentListFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newRegistryFixture(t, st)
		a, b, r1, r2, r3 := f.estA.ID, f.estB.ID, f.r1.ID, f.r2.ID, f.r3.ID
		province := f.login(t, userProvince)
		officerA := f.login(t, userOfficerA)
		cases := []struct {
			name  string
			c     *client
			query string
			want  []int64
		}{
			{"no filter", province, "", []int64{a, b, r1, r2, r3}},
			{"kind", province, "kind=cooperative", []int64{r2}},
			{"trade code", province, "trade=RUOU_MEN_LA", []int64{r1, r3}},
			{"trade code any case", province, "trade=ruou_men_la", []int64{r1, r3}},
			{"trade id", province, "trade=" + strconv.FormatInt(f.trades["DET_THO_CAM"], 10), []int64{r2}},
			{"one flag", province, "flag=traditional_craft", []int64{r1, r3}},
			{"two flags", province, "flag=traditional_craft&flag=craft_village", []int64{r3}},
			{"woman owner", province, "flag=women_owned", []int64{r1}},
			{"ethnic-minority owner", province, "flag=ethnic_minority_owned", []int64{r2}},
			{"current commune", province, "unit=99001", []int64{a, r1, r3}},
			{"suggestion text", province, "unit=" + url.QueryEscape("99002 – Xã Bình Minh"), []int64{b, r2}},
			{"commune name", province, "unit=" + url.QueryEscape("xa binh minh"), []int64{b, r2}},
			{"province", province, "unit=98", []int64{a, b, r1, r2, r3}},
			{"former commune", province, "unit=99101", []int64{b, r2}},
			{"former district", province, "unit=991", []int64{a, b, r1, r2, r3}},
			{"former district narrowed to the scope", officerA, "unit=991", []int64{a, r1, r3}},
			{"other commune outside the scope", officerA, "unit=99002", nil},
			{"search without marks", province, "q=" + url.QueryEscape("ruou men la"), []int64{b, r1}},
			{"search dakrong", province, "q=dakrong", []int64{r2, r3}},
			{"search Đa Krông", province, "q=" + url.QueryEscape("Đa Krông"), []int64{r2, r3}},
			{"search Đakrông", province, "q=" + url.QueryEscape("Đakrông"), []int64{r2, r3}},
			{"search and filters", province, "q=" + url.QueryEscape("đa krong") + "&kind=enterprise&flag=craft_village&unit=99001", []int64{r3}},
			{"officer scope", officerA, "trade=RUOU_MEN_LA", []int64{r1, r3}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				doc := tc.c.doc("/establishments?"+tc.query, http.StatusOK)
				if got := listIDs(doc); !sameIDs(got, tc.want) {
					t.Errorf("rows %v, want %v", got, tc.want)
				}
				if doc.Find("#filter-error").Length() != 0 {
					t.Error("filter error on a valid filter")
				}
				if want := fmt.Sprintf("%d cơ sở", len(tc.want)); !strings.Contains(doc.Find("#est-count").Text(), want) {
					t.Errorf("count %q, want %q", doc.Find("#est-count").Text(), want)
				}
			})
		}

		t.Run("sorted in Vietnamese order", func(t *testing.T) {
			doc := province.doc("/establishments", http.StatusOK)
			var names []string
			doc.Find("#establishments tbody td:first-child").Each(func(_ int, td *goquery.Selection) { names = append(names, strings.TrimSpace(td.Text())) })
			// "Đ…" sorts after "D…" and before "E…"; "Cơ" before "Hợp".
			want := []string{"Cơ sở dệt thổ cẩm An Phú", "Hợp tác xã Đakrông", "Mộc Đa Krông", "Rượu men lá Đá Bàn", "Tổ hợp tác rượu men lá Bình Minh"}
			if !slices.Equal(names, want) {
				t.Errorf("order %q, want %q", names, want)
			}
		})

		t.Run("the form shows the filter", func(t *testing.T) {
			doc := province.doc("/establishments?q=m%E1%BB%99c&kind=enterprise&trade=MOC&flag=craft_village&unit=99001", http.StatusOK)
			if v := doc.Find("input#f-unit").AttrOr("value", ""); v != "99001" {
				t.Errorf("unit input %q", v)
			}
			if v := doc.Find("#f-kind option[selected]").AttrOr("value", ""); v != kc.KindEnterprise {
				t.Errorf("kind selected %q", v)
			}
			if v := doc.Find("#f-trade option[selected]").AttrOr("value", ""); v != "MOC" {
				t.Errorf("trade selected %q", v)
			}
			if doc.Find("#flag-craft_village[checked]").Length() != 1 || doc.Find("#flag-traditional_craft[checked]").Length() != 0 {
				t.Error("flag checkboxes do not show the filter")
			}
			for _, id := range []string{"flag-traditional_craft", "flag-craft_village", "flag-women_owned", "flag-ethnic_minority_owned"} {
				box := doc.Find(`input#` + id + `[type="checkbox"][name="flag"]`)
				if box.Length() != 1 || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
					t.Errorf("no labelled checkbox %s", id)
				}
			}
			if doc.Find(`#f-unit-list option[value="99001"]`).Length() != 1 || doc.Find(`#f-unit-list option[value="98"]`).Length() != 1 {
				t.Error("the unit suggestions lack the commune or the province")
			}
			if doc.Find("#f-trade option").Length() < 10 {
				t.Error("the trade filter does not list the catalogue")
			}
			trig := doc.Find("form#filters").AttrOr("hx-trigger", "")
			for _, want := range []string{"from:#f-unit", "from:#f-trade", "from:#f-kind", "from:.flag-check"} {
				if !strings.Contains(trig, want) {
					t.Errorf("hx-trigger %q lacks %s", trig, want)
				}
			}
			row := doc.Find(fmt.Sprintf(`#establishments tr[data-id="%d"]`, r3))
			if got := strings.TrimSpace(row.Find("td.trades").Text()); got != "Mộc dân dụng, Rượu men lá" {
				t.Errorf("trades column %q", got)
			}
			if n := row.Find("td.flags .badge").Length(); n != 2 {
				t.Errorf("%d flag badges, want 2", n)
			}
			export := url.Values{}
			doc.Find(`#export input[type="hidden"]`).Each(func(_ int, in *goquery.Selection) { export.Add(in.AttrOr("name", ""), in.AttrOr("value", "")) })
			want := url.Values{"q": {"mộc"}, "kind": {"enterprise"}, "trade": {"MOC"}, "flag": {"craft_village"}, "unit": {"99001"}}
			if export.Encode() != want.Encode() {
				t.Errorf("export carries %v, want %v", export, want)
			}
		})

		t.Run("former unit note", func(t *testing.T) {
			doc := province.doc("/establishments?unit=99101", http.StatusOK)
			want := locale.T("vi", "est.filter.former_unit", "Xã Hải Phúc", "01/07/2025", "Xã Bình Minh")
			if got := strings.TrimSpace(doc.Find("#results #unit-note").Text()); got != want {
				t.Errorf("note %q, want %q", got, want)
			}
			doc = province.doc("/establishments?unit=991", http.StatusOK)
			if got := doc.Find("#unit-note").Text(); !strings.Contains(got, "Huyện Hải Lăng") || !strings.Contains(got, "Xã An Phú, Xã Bình Minh") {
				t.Errorf("district note %q", got)
			}
			if province.doc("/establishments?unit=99001", http.StatusOK).Find("#unit-note").Length() != 0 {
				t.Error("a note for a unit in force")
			}
		})

		t.Run("filter errors", func(t *testing.T) {
			for _, tc := range []struct {
				query, field, id, key string
				args                  []any
			}{
				{"unit=12345", "unit", "f-unit", "est.unit_unknown", []any{"12345"}},
				{"unit=abc", "unit", "f-unit", "est.unit_unknown", []any{"abc"}},
				{"trade=KHONG_CO", "trade", "f-trade", "est.trade_code_unknown", []any{"KHONG_CO"}},
				{"kind=xyz", "kind", "f-kind", "field.invalid_choice", []any{"xyz"}},
				{"flag=xyz", "flag", "flag", "field.invalid_choice", []any{"xyz"}},
			} {
				res := province.get("/establishments?" + tc.query)
				doc := parse(t, res)
				if res.StatusCode != http.StatusUnprocessableEntity {
					t.Errorf("%s: status %d, want 422", tc.query, res.StatusCode)
				}
				want := locale.T("vi", tc.key, tc.args...)
				if want == tc.key {
					t.Fatalf("%s: no Vietnamese message for %s", tc.query, tc.key)
				}
				if got := strings.TrimSpace(doc.Find("#" + tc.id + "-error").Text()); got != want {
					t.Errorf("%s: message next to the field %q, want %q", tc.query, got, want)
				}
				if got := doc.Find(`#results #filter-error[role="alert"]`).Text(); !strings.Contains(got, want) {
					t.Errorf("%s: results alert %q", tc.query, got)
				}
				if doc.Find("#establishments").Length() != 0 {
					t.Errorf("%s: rows shown despite the error", tc.query)
				}
			}
			if v := parse(t, province.get("/establishments?unit=12345")).Find("input#f-unit").AttrOr("aria-invalid", ""); v != "true" {
				t.Error("unit input not marked invalid")
			}
			// htmx gets the fragment with the message (the client swaps 422).
			req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/establishments?unit=12345", nil)
			req.Header.Set("HX-Request", "true")
			res, err := province.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(t, res)
			if res.StatusCode != http.StatusUnprocessableEntity || strings.Contains(body, "<html") || !strings.Contains(body, `id="filter-error"`) {
				t.Errorf("htmx filter error: %d, fragment %v", res.StatusCode, !strings.Contains(body, "<html"))
			}
		})

		t.Run("new button for writers only", func(t *testing.T) {
			if href := officerA.doc("/establishments", http.StatusOK).Find("a#new-establishment").AttrOr("href", ""); href != "/establishments/new" {
				t.Errorf("officer: new button %q", href)
			}
			if f.login(t, userViewer).doc("/establishments", http.StatusOK).Find("#new-establishment").Length() != 0 {
				t.Error("viewer sees the new button")
			}
		})
	})
}

func TestEstablishmentListPagingKeepsFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newRegistryFixture(t, st)
		ctx := app.WithPrincipal(context.Background(), app.System)
		moc := f.trades["MOC"]
		var want []int64
		for i := range 53 {
			e, err := st.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindHousehold, Name: fmt.Sprintf("Xưởng mộc %02d", i), CommuneID: f.communeA.ID, TradeIDs: []int64{moc}, WomenOwned: true})
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, e.ID)
		}
		// Look-alikes that one filter each leaves out.
		for _, e := range []kc.Establishment{
			{Kind: kc.KindHousehold, Name: "Xưởng mộc khác xã", CommuneID: f.communeB.ID, TradeIDs: []int64{moc}, WomenOwned: true},
			{Kind: kc.KindHouseholdBusiness, Name: "Xưởng mộc hộ kinh doanh", CommuneID: f.communeA.ID, TradeIDs: []int64{moc}, WomenOwned: true},
			{Kind: kc.KindHousehold, Name: "Xưởng mộc chủ nam", CommuneID: f.communeA.ID, TradeIDs: []int64{moc}},
			{Kind: kc.KindHousehold, Name: "Xưởng gốm", CommuneID: f.communeA.ID, TradeIDs: []int64{f.trades["GOM"]}, WomenOwned: true},
		} {
			if _, err := st.CreateEstablishment(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		c := f.login(t, userProvince)
		first := "/establishments?q=xuong&unit=99001&trade=MOC&kind=household&flag=women_owned"
		doc := c.doc(first, http.StatusOK)
		got := listIDs(doc)
		if len(got) != establishmentsPerPage {
			t.Fatalf("page 1: %d rows", len(got))
		}
		next, ok := doc.Find(`.pager a[rel="next"]`).Attr("href")
		if !ok {
			t.Fatal("no next-page link")
		}
		u, err := url.Parse(next)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		for k, v := range map[string]string{"q": "xuong", "unit": "99001", "trade": "MOC", "kind": "household", "flag": "women_owned", "page": "2"} {
			if q.Get(k) != v {
				t.Errorf("next link %s=%q, want %q", k, q.Get(k), v)
			}
		}
		doc2 := c.doc(next, http.StatusOK)
		got = append(got, listIDs(doc2)...)
		if !sameIDs(got, want) {
			t.Errorf("two pages hold %d rows, want the %d matches", len(got), len(want))
		}
		prev := doc2.Find(`.pager a[rel="prev"]`).AttrOr("href", "")
		if pu, _ := url.Parse(prev); pu == nil || pu.Query().Get("flag") != "women_owned" || pu.Query().Get("page") != "" {
			t.Errorf("previous link %q", prev)
		}
		if v := doc2.Find(`#export input[name="flag"]`).AttrOr("value", ""); v != "women_owned" {
			t.Errorf("export on page 2 lost the flag (%q)", v)
		}
	})
}

// formValues returns what a browser would submit for the form matched by
// sel: named inputs with their values, ticked checkboxes only, the
// selected option of each select (else its first) and textareas.
func formValues(doc *goquery.Document, sel string) url.Values {
	v := url.Values{}
	form := doc.Find(sel)
	form.Find("input[name], select[name], textarea[name]").Each(func(_ int, el *goquery.Selection) {
		name := el.AttrOr("name", "")
		switch goquery.NodeName(el) {
		case "textarea":
			v.Add(name, el.Text())
		case "select":
			opt := el.Find("option[selected]").First()
			if opt.Length() == 0 {
				opt = el.Find("option").First()
			}
			v.Add(name, opt.AttrOr("value", opt.Text()))
		default:
			switch el.AttrOr("type", "text") {
			case "checkbox", "radio":
				if _, on := el.Attr("checked"); on {
					v.Add(name, el.AttrOr("value", "on"))
				}
			case "submit", "button":
			default:
				v.Add(name, el.AttrOr("value", ""))
			}
		}
	})
	return v
}

// countEstablishments counts the establishments in the store.
func countEstablishments(t *testing.T, st *store.Store) int {
	t.Helper()
	_, n, err := st.ListEstablishments(t.Context(), kc.EstablishmentFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// fieldError returns the message shown next to the input id.
func fieldError(doc *goquery.Document, id string) string {
	return strings.TrimSpace(doc.Find("#" + id + "-error").Text())
}

// newEstablishmentForm is a complete valid create form for commune A.
func (f *registryFixture) newEstablishmentForm(t *testing.T, c *client) url.Values {
	t.Helper()
	v := formValues(c.doc("/establishments/new", http.StatusOK), "form#establishment-form")
	set := map[string]string{
		"name": "Cơ sở rượu men lá A Vao", "kind": kc.KindHouseholdBusiness, "commune_id": strconv.FormatInt(f.communeA.ID, 10),
		"village": "Thôn A Vao", "lat": "16,6521", "lon": "106.9785", "main_products": "Rượu men lá", "artisan": kc.ArtisanFolk,
		"registration_no": "32A8001234", "registration_date": "05/03/2019", "founded_year": "1998",
		"owner_name": "Hồ Thị Lan", "owner_gender": "female", "owner_birth_year": "1970", "owner_ethnicity": "Vân Kiều",
		"phone": "0912 345 678", "personal_id": "044170001234", "notes": "Ghi chú giữ lại",
	}
	for k, val := range set {
		v.Set(k, val)
	}
	v.Add("trade_ids", strconv.FormatInt(f.trades["RUOU_MEN_LA"], 10))
	v.Add("trade_ids", strconv.FormatInt(f.trades["MOC"], 10))
	for _, k := range []string{"traditional_craft", "women_owned", "ethnic_minority_owned"} {
		v.Add(k, "1")
	}
	return v
}

func TestEstablishmentCreate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newRegistryFixture(t, st)
		officer := f.login(t, userOfficerA)

		t.Run("empty form", func(t *testing.T) {
			doc := officer.doc("/establishments/new", http.StatusOK)
			form := doc.Find(`form#establishment-form[method="post"][action="/establishments"]`)
			if form.Length() != 1 {
				t.Fatal("no create form")
			}
			for _, name := range formInputs {
				ctl := form.Find(fmt.Sprintf(`[name="%s"]:not([type="hidden"])`, name))
				if name == "trade_ids" {
					if ctl.Length() != len(f.trades) {
						t.Errorf("%d trade boxes, want %d", ctl.Length(), len(f.trades))
					}
					continue
				}
				if ctl.Length() != 1 {
					t.Errorf("no control %s", name)
					continue
				}
				if form.Find(fmt.Sprintf(`label[for="%s"]`, ctl.AttrOr("id", "?"))).Length() != 1 {
					t.Errorf("control %s has no label", name)
				}
			}
			opts := form.Find("select#commune_id option[value!='']")
			if opts.Length() != 1 || opts.AttrOr("value", "") != strconv.FormatInt(f.communeA.ID, 10) || opts.AttrOr("selected", "x") == "x" {
				t.Errorf("commune choices: %d, first %q; want commune A only, chosen", opts.Length(), opts.AttrOr("value", ""))
			}
			if form.Find(`input[name="version"]`).Length() != 0 {
				t.Error("version field on the create form")
			}
		})

		t.Run("viewer may not create", func(t *testing.T) {
			viewer := f.login(t, userViewer)
			viewer.doc("/establishments/new", http.StatusForbidden)
			before := countEstablishments(t, st)
			res := viewer.post("/establishments", f.newEstablishmentForm(t, officer))
			res.Body.Close()
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("viewer POST: %d, want 403", res.StatusCode)
			}
			if countEstablishments(t, st) != before {
				t.Error("viewer created an establishment")
			}
		})

		t.Run("unreadable values", func(t *testing.T) {
			v := f.newEstablishmentForm(t, officer)
			v.Set("founded_year", "năm 98")
			v.Set("registration_date", "31/02/2019")
			v.Set("lon", "")
			before := countEstablishments(t, st)
			res := officer.post("/establishments", v)
			doc := parse(t, res)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("status %d, want 422", res.StatusCode)
			}
			for id, key := range map[string]string{"founded_year": "est.year_invalid", "registration_date": "est.date_invalid", "lon": "est.coordinates_pair"} {
				if got, want := fieldError(doc, id), locale.T("vi", key); got != want {
					t.Errorf("%s: %q, want %q", id, got, want)
				}
			}
			if v := doc.Find("input#founded_year").AttrOr("value", ""); v != "năm 98" {
				t.Errorf("typed year not kept: %q", v)
			}
			if countEstablishments(t, st) != before {
				t.Error("an invalid form created an establishment")
			}
		})

		t.Run("field errors", func(t *testing.T) {
			v := f.newEstablishmentForm(t, officer)
			v.Set("name", "   ")
			v.Set("kind", kc.KindHousehold)
			v.Set("size_class", kc.SizeSmall)
			v.Set("personal_id", "12345")
			v.Set("phone", "123")
			v.Set("owner_birth_year", "-5")
			v.Set("founded_year", "2999")
			before := countEstablishments(t, st)
			res := officer.post("/establishments", v)
			doc := parse(t, res)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("status %d, want 422", res.StatusCode)
			}
			year := storetest.Clock.Year()
			for _, tc := range []struct {
				id, key string
				args    []any
			}{
				{"name", "field.required", nil},
				{"size_class", "est.size_class_enterprise_only", nil},
				{"personal_id", "personal.id_invalid", nil},
				{"phone", "personal.phone_invalid", nil},
				{"owner_birth_year", "est.year_range", []any{1900, year}},
				{"founded_year", "est.year_range", []any{1800, year}},
			} {
				if got, want := fieldError(doc, tc.id), locale.T("vi", tc.key, tc.args...); got != want {
					t.Errorf("%s: %q, want %q", tc.id, got, want)
				}
				if doc.Find("#"+tc.id).AttrOr("aria-invalid", "") != "true" {
					t.Errorf("%s not marked invalid", tc.id)
				}
			}
			if got := doc.Find(`#form-error[role="alert"]`).Text(); !strings.Contains(got, locale.T("vi", "error.validation")) {
				t.Errorf("summary %q", got)
			}
			if got := doc.Find("input#personal_id").AttrOr("value", ""); got != "12345" {
				t.Errorf("personal ID not kept: %q", got)
			}
			if doc.Find("textarea#notes").Text() != "Ghi chú giữ lại" || doc.Find("#women_owned[checked]").Length() != 1 ||
				doc.Find(fmt.Sprintf(`#trade-%d[checked]`, f.trades["MOC"])).Length() != 1 || doc.Find(`#kind option[selected]`).AttrOr("value", "") != kc.KindHousehold {
				t.Error("submitted values not kept")
			}
			if countEstablishments(t, st) != before {
				t.Error("an invalid form created an establishment")
			}
		})

		t.Run("commune outside the scope", func(t *testing.T) {
			v := f.newEstablishmentForm(t, officer)
			v.Set("commune_id", strconv.FormatInt(f.communeB.ID, 10))
			v.Set("name", "Cơ sở ở xã khác")
			res := officer.post("/establishments", v)
			doc := parse(t, res)
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("status %d, want 403", res.StatusCode)
			}
			if got, want := fieldError(doc, "commune_id"), locale.T("vi", "est.commune_out_of_scope"); got != want {
				t.Errorf("commune message %q, want %q", got, want)
			}
		})

		var created int64
		t.Run("success", func(t *testing.T) {
			res := officer.post("/establishments", f.newEstablishmentForm(t, officer))
			res.Body.Close()
			loc := res.Header.Get("Location")
			if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(loc, "?saved=1") {
				t.Fatalf("create: %d → %q", res.StatusCode, loc)
			}
			created, _ = strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(loc, "/establishments/"), "?saved=1"), 10, 64)
			if doc := officer.doc(loc, http.StatusOK); doc.Find(".flash").Length() != 1 {
				t.Error("no saved notice")
			}
			e, err := st.GetEstablishment(t.Context(), created)
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprint(e.Name, "|", e.Kind, "|", e.CommuneID == f.communeA.ID, "|", e.Village, "|", e.HasLocation, " ", e.Lat, " ", e.Lon, "|",
				slices.Equal(e.TradeIDs, []int64{f.trades["RUOU_MEN_LA"], f.trades["MOC"]}), "|",
				e.TraditionalCraft, e.CraftVillage, e.WomenOwned, e.EthnicMinorityOwned, "|", e.Artisan, "|", e.RegistrationNo, " ", e.RegistrationDate, "|",
				e.FoundedYear, "|", e.OwnerName, " ", e.OwnerGender, " ", e.OwnerBirthYear, " ", e.OwnerEthnicity, "|", e.Notes)
			want := "Cơ sở rượu men lá A Vao|household_business|true|Thôn A Vao|true 16.6521 106.9785|true|true false true true|folk|32A8001234 2019-03-05|" +
				"1998|Hồ Thị Lan female 1970 Vân Kiều|Ghi chú giữ lại"
			if got != want {
				t.Errorf("stored\n%s\nwant\n%s", got, want)
			}
			if e.PhoneSealed.IsZero() || e.PersonalIDSealed.IsZero() {
				t.Error("phone or personal ID not stored")
			}
			shown, err := f.app.GetEstablishment(f.asUser(t, userOfficerA), created)
			if err != nil || shown.Phone != app.MaskPhone("0912345678") || shown.PersonalID != app.MaskPersonalID("044170001234") {
				t.Errorf("masked %q %q (%v)", shown.Phone, shown.PersonalID, err)
			}
		})

		t.Run("duplicate warning, then confirm", func(t *testing.T) {
			before := countEstablishments(t, st)
			v := f.newEstablishmentForm(t, officer)
			v.Set("name", "co so ruou men la a vao") // the same name, folded
			v.Set("phone", "")
			v.Set("personal_id", "")
			res := officer.post("/establishments", v)
			doc := parse(t, res)
			if res.StatusCode != http.StatusConflict {
				t.Errorf("look-alike: %d, want 409", res.StatusCode)
			}
			item := doc.Find(fmt.Sprintf(`#duplicates li[data-id="%d"]`, created))
			if item.Length() != 1 || item.Find("a").AttrOr("href", "") != fmt.Sprintf("/establishments/%d", created) {
				t.Fatalf("warning lists %q", doc.Find("#duplicates").Text())
			}
			if !strings.Contains(item.Text(), locale.T("vi", "est.dup.same_name")) {
				t.Errorf("reason missing: %q", item.Text())
			}
			if doc.Find(`input#confirm_duplicate[type="checkbox"]`).Length() != 1 || doc.Find(`label[for="confirm_duplicate"]`).Length() != 1 {
				t.Error("no confirmation box")
			}
			if countEstablishments(t, st) != before {
				t.Fatal("created despite the warning")
			}
			// The same phone alone is a look-alike too.
			v2 := f.newEstablishmentForm(t, officer)
			v2.Set("name", "Tên hoàn toàn khác")
			v2.Set("personal_id", "")
			res = officer.post("/establishments", v2)
			doc2 := parse(t, res)
			if res.StatusCode != http.StatusConflict || !strings.Contains(doc2.Find("#duplicates").Text(), locale.T("vi", "est.dup.same_phone")) {
				t.Errorf("same phone: %d %q", res.StatusCode, doc2.Find("#duplicates").Text())
			}
			// Re-submitting the warned form with the box ticked creates it.
			again := formValues(doc, "form#establishment-form")
			again.Set("confirm_duplicate", "1")
			res = officer.post("/establishments", again)
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("confirmed: %d, want 303", res.StatusCode)
			}
			if countEstablishments(t, st) != before+1 {
				t.Error("confirmed create did not add one establishment")
			}
		})
	})
}

// asUser returns a context carrying the principal of a fixture account.
func (f *registryFixture) asUser(t *testing.T, username string) context.Context {
	t.Helper()
	u, err := f.st.GetUserByUsername(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.app.ResolvePrincipal(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	return app.WithPrincipal(t.Context(), p)
}

// createThroughForm registers the complete sample establishment through
// the create form and returns its id.
func (f *registryFixture) createThroughForm(t *testing.T, c *client) int64 {
	t.Helper()
	res := c.post("/establishments", f.newEstablishmentForm(t, c))
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(loc, "/establishments/"), "?saved=1"), 10, 64)
	if err != nil {
		t.Fatalf("create redirected to %q", loc)
	}
	return id
}

func TestEstablishmentEditForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newRegistryFixture(t, st)
		officer := f.login(t, userOfficerA)
		id := f.createThroughForm(t, officer)
		edit := fmt.Sprintf("/establishments/%d/edit", id)
		post := fmt.Sprintf("/establishments/%d", id)
		form := "form#establishment-form"
		stored := func() kc.Establishment {
			t.Helper()
			e, err := st.GetEstablishment(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		before := stored()

		t.Run("form shows the record", func(t *testing.T) {
			doc := officer.doc(edit, http.StatusOK)
			if doc.Find(form+fmt.Sprintf(`[method="post"][action="%s"]`, post)).Length() != 1 {
				t.Fatal("no edit form")
			}
			for sel, want := range map[string]string{
				"input#name": "Cơ sở rượu men lá A Vao", "input#registration_date": "05/03/2019", "input#lat": "16.6521", "input#lon": "106.9785",
				"input#founded_year": "1998", "input#owner_birth_year": "1970", "input#phone": "", "input#personal_id": "", "input#owner_ethnicity": "",
				`input[name="version"]`: strconv.Itoa(before.Version),
			} {
				if got := doc.Find(sel).AttrOr("value", "<none>"); got != want {
					t.Errorf("%s = %q, want %q", sel, got, want)
				}
			}
			if got := doc.Find("input#phone").AttrOr("placeholder", ""); got != app.MaskPhone("0912345678") {
				t.Errorf("phone placeholder %q", got)
			}
			if got := doc.Find("input#personal_id").AttrOr("placeholder", ""); got != app.MaskPersonalID("044170001234") {
				t.Errorf("personal ID placeholder %q", got)
			}
			for _, id := range []string{"clear_phone", "clear_personal_id", "clear_owner_ethnicity"} {
				if doc.Find(`input#`+id+`[type="checkbox"]`).Length() != 1 {
					t.Errorf("no %s box", id)
				}
			}
			for sel, want := range map[string]string{"#kind": kc.KindHouseholdBusiness, "#commune_id": strconv.FormatInt(f.communeA.ID, 10), "#artisan": kc.ArtisanFolk, "#owner_gender": "female"} {
				if got := doc.Find(sel+" option[selected]").AttrOr("value", ""); got != want {
					t.Errorf("%s selected %q, want %q", sel, got, want)
				}
			}
			for code, on := range map[string]bool{"RUOU_MEN_LA": true, "MOC": true, "GOM": false} {
				if got := doc.Find(fmt.Sprintf("#trade-%d[checked]", f.trades[code])).Length() == 1; got != on {
					t.Errorf("trade %s ticked %v", code, got)
				}
			}
			if doc.Find("#traditional_craft[checked]").Length() != 1 || doc.Find("#craft_village[checked]").Length() != 0 {
				t.Error("craft boxes do not show the record")
			}
			if href := doc.Find("a#delete-establishment").AttrOr("href", ""); href != fmt.Sprintf("/establishments/%d/delete", id) {
				t.Errorf("delete link %q", href)
			}
		})

		t.Run("save as shown keeps personal data and trade order", func(t *testing.T) {
			v := formValues(officer.doc(edit, http.StatusOK), form)
			v.Set("village", "Thôn Mới")
			v["traditional_craft"] = []string{"0"} // untick
			v.Add("trade_ids", strconv.FormatInt(f.trades["GOM"], 10))
			res := officer.post(post, v)
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("save: %d", res.StatusCode)
			}
			e := stored()
			if e.Village != "Thôn Mới" || e.TraditionalCraft || e.Name != before.Name || e.RegistrationDate != before.RegistrationDate || e.Lat != before.Lat || e.Version != before.Version+1 {
				t.Errorf("after save %+v", e)
			}
			if e.PhoneSealed.Hash != before.PhoneSealed.Hash || e.PersonalIDSealed.Hash != before.PersonalIDSealed.Hash || e.OwnerEthnicity != "Vân Kiều" {
				t.Error("empty personal inputs changed the stored values")
			}
			if want := []int64{f.trades["RUOU_MEN_LA"], f.trades["MOC"], f.trades["GOM"]}; !slices.Equal(e.TradeIDs, want) {
				t.Errorf("trades %v, want %v (primary kept first)", e.TradeIDs, want)
			}
		})

		t.Run("masked value sent back is unchanged", func(t *testing.T) {
			v := formValues(officer.doc(edit, http.StatusOK), form)
			v.Set("phone", app.MaskPhone("0912345678"))
			res := officer.post(post, v)
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || stored().PhoneSealed.Hash != before.PhoneSealed.Hash {
				t.Errorf("masked phone: %d, hash changed %v", res.StatusCode, stored().PhoneSealed.Hash != before.PhoneSealed.Hash)
			}
		})

		t.Run("field error", func(t *testing.T) {
			v := formValues(officer.doc(edit, http.StatusOK), form)
			v.Set("personal_id", "0441700012")
			v.Set("owner_birth_year", "1850")
			version := stored().Version
			res := officer.post(post, v)
			doc := parse(t, res)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("status %d, want 422", res.StatusCode)
			}
			if got, want := fieldError(doc, "personal_id"), locale.T("vi", "personal.id_invalid"); got != want {
				t.Errorf("personal ID message %q, want %q", got, want)
			}
			if got, want := fieldError(doc, "owner_birth_year"), locale.T("vi", "est.year_range", 1900, storetest.Clock.Year()); got != want {
				t.Errorf("birth year message %q, want %q", got, want)
			}
			if stored().Version != version {
				t.Error("an invalid form saved")
			}
		})

		t.Run("clear the phone", func(t *testing.T) {
			v := formValues(officer.doc(edit, http.StatusOK), form)
			v.Set("clear_phone", "1")
			res := officer.post(post, v)
			res.Body.Close()
			if e := stored(); res.StatusCode != http.StatusSeeOther || !e.PhoneSealed.IsZero() || e.PersonalIDSealed.IsZero() {
				t.Errorf("clear phone: %d, phone kept %v, personal ID lost %v", res.StatusCode, !e.PhoneSealed.IsZero(), e.PersonalIDSealed.IsZero())
			}
		})

		t.Run("version conflict", func(t *testing.T) {
			first := formValues(officer.doc(edit, http.StatusOK), form)
			second := formValues(officer.doc(edit, http.StatusOK), form)
			first.Set("name", "Tên do người thứ nhất sửa")
			res := officer.post(post, first)
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("first save: %d", res.StatusCode)
			}
			second.Set("name", "Tên do người thứ hai sửa")
			res = officer.post(post, second)
			doc := parse(t, res)
			if res.StatusCode != http.StatusConflict {
				t.Errorf("stale save: %d, want 409", res.StatusCode)
			}
			if got := strings.TrimSpace(doc.Find(`#conflict[role="alert"] p`).First().Text()); got != locale.T("vi", "est.conflict") {
				t.Errorf("conflict message %q", got)
			}
			if href := doc.Find("#conflict a").AttrOr("href", ""); href != edit {
				t.Errorf("reload link %q", href)
			}
			if v := doc.Find("input#name").AttrOr("value", ""); v != "Tên do người thứ hai sửa" {
				t.Errorf("submitted name not kept: %q", v)
			}
			if e := stored(); e.Name != "Tên do người thứ nhất sửa" {
				t.Errorf("stale form overwrote the name: %q", e.Name)
			}
		})
	})
}

func TestEstablishmentDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newRegistryFixture(t, st)
		officer := f.login(t, userOfficerA)
		a, b := f.r1.ID, f.estB.ID

		t.Run("other commune is not found", func(t *testing.T) {
			for _, p := range []string{fmt.Sprintf("/establishments/%d/edit", b), fmt.Sprintf("/establishments/%d/delete", b)} {
				officer.doc(p, http.StatusNotFound)
			}
			for _, p := range []string{fmt.Sprintf("/establishments/%d", b), fmt.Sprintf("/establishments/%d/delete", b)} {
				res := officer.post(p, url.Values{"name": {"Sửa trộm"}})
				res.Body.Close()
				if res.StatusCode != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 404", p, res.StatusCode)
				}
			}
			if e, err := st.GetEstablishment(t.Context(), b); err != nil || e.Name != f.estB.Name {
				t.Errorf("B after officer A's requests: %q, %v", e.Name, err)
			}
		})

		t.Run("viewer may not delete", func(t *testing.T) {
			viewer := f.login(t, userViewer)
			viewer.doc(fmt.Sprintf("/establishments/%d/delete", a), http.StatusForbidden)
			res := viewer.post(fmt.Sprintf("/establishments/%d/delete", a), nil)
			res.Body.Close()
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("viewer POST: %d, want 403", res.StatusCode)
			}
			if _, err := st.GetEstablishment(t.Context(), a); err != nil {
				t.Errorf("viewer deleted: %v", err)
			}
		})

		t.Run("confirm and delete", func(t *testing.T) {
			doc := officer.doc(fmt.Sprintf("/establishments/%d/delete", a), http.StatusOK)
			if doc.Find(fmt.Sprintf(`form#delete-form[method="post"][action="/establishments/%d/delete"] button[type="submit"]`, a)).Length() != 1 {
				t.Fatal("no confirmation form")
			}
			if !strings.Contains(doc.Find("#delete-target").Text(), f.r1.Name) {
				t.Error("the page does not name the establishment")
			}
			res := officer.post(fmt.Sprintf("/establishments/%d/delete", a), url.Values{})
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/establishments" {
				t.Fatalf("delete: %d → %q", res.StatusCode, res.Header.Get("Location"))
			}
			list := officer.doc("/establishments", http.StatusOK)
			if got, want := strings.TrimSpace(list.Find(".flash").Text()), locale.T("vi", "est.deleted", f.r1.Name); got != want {
				t.Errorf("notice %q, want %q", got, want)
			}
			if list.Find(fmt.Sprintf(`tr[data-id="%d"]`, a)).Length() != 0 {
				t.Error("deleted row still listed")
			}
			if officer.doc("/establishments", http.StatusOK).Find(".flash").Length() != 0 {
				t.Error("the notice shows twice")
			}
			officer.doc(fmt.Sprintf("/establishments/%d", a), http.StatusNotFound)
			if _, err := st.GetEstablishment(t.Context(), a); kc.ErrorCode(err) != kc.ENotFound {
				t.Errorf("store after delete: %v", err)
			}
		})
	})
}
