package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// openAPIDoc is the part of the document the route checks read.
type openAPIDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		SecuritySchemes map[string]struct {
			Type   string `json:"type"`
			Scheme string `json:"scheme"`
		} `json:"securitySchemes"`
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func loadDoc(t *testing.T) openAPIDoc {
	t.Helper()
	var doc openAPIDoc
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return doc
}

// docRoutes returns "METHOD /path" for every operation in the document.
func docRoutes(doc openAPIDoc) []string {
	var out []string
	for p, item := range doc.Paths {
		for m := range item {
			if slices.Contains(httpMethods, m) {
				out = append(out, strings.ToUpper(m)+" "+p)
			}
		}
	}
	slices.Sort(out)
	return out
}

func newTestAPI(t *testing.T) *API {
	t.Helper()
	return New(app.New(storetest.OpenSQLite(t), nil), Options{})
}

// samplePath fills path wildcards with plausible values.
func samplePath(p string) string {
	return strings.NewReplacer("{id}", "1", "{code}", "19576", "{year}", "2025").Replace(p)
}

func TestOpenAPIDocument(t *testing.T) {
	doc := loadDoc(t)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	if s := doc.Components.SecuritySchemes["bearer"]; s.Type != "http" || s.Scheme != "bearer" {
		t.Errorf("bearer security scheme = %+v", s)
	}
	if _, ok := doc.Components.Schemas["Error"]; !ok {
		t.Error("no Error schema")
	}
	// Every $ref points at something that exists.
	var root any
	json.Unmarshal(openAPIDocument, &root)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				if !resolves(root, ref) {
					t.Errorf("dangling $ref %s", ref)
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(root)
}

func resolves(root any, ref string) bool {
	if !strings.HasPrefix(ref, "#/") {
		return false
	}
	cur := root
	for _, part := range strings.Split(ref[2:], "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[part]; !ok {
			return false
		}
	}
	return true
}

// TestOpenAPIRoutesRegistered checks that every operation in the document
// is served by its own route: the mux resolves the request to exactly that
// pattern (not the catch-all, not a 405).
func TestOpenAPIRoutesRegistered(t *testing.T) {
	x := newTestAPI(t)
	for _, route := range docRoutes(loadDoc(t)) {
		t.Run(route, func(t *testing.T) {
			method, path, _ := strings.Cut(route, " ")
			r := httptest.NewRequest(method, samplePath(path), nil)
			_, pattern := x.mux.Handler(r)
			if pattern != route {
				t.Errorf("request %s %s resolves to pattern %q, want %q", method, samplePath(path), pattern, route)
			}
		})
	}
}

// TestOpenAPIDocumentsEveryRoute checks the other direction: every pattern
// registered on the API mux is an operation of the document.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	x := newTestAPI(t)
	documented := docRoutes(loadDoc(t))
	if len(x.Patterns()) == 0 {
		t.Fatal("no routes recorded")
	}
	for _, p := range x.Patterns() {
		method, path, ok := strings.Cut(p, " ")
		if !ok || !strings.HasPrefix(path, "/api/v1/") {
			t.Errorf("route %q: API routes need a method and the /api/v1/ prefix", p)
			continue
		}
		if !slices.Contains(documented, strings.ToUpper(method)+" "+path) {
			t.Errorf("route %q is not in openapi.json", p)
		}
	}
}

// TestOpenAPIServedWithoutToken fetches the document through the full API
// handler (authentication included) without credentials.
func TestOpenAPIServedWithoutToken(t *testing.T) {
	x := newTestAPI(t)
	rec := httptest.NewRecorder()
	x.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, OpenAPIPath, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200", OpenAPIPath, rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	if rec.Body.String() != string(openAPIDocument) {
		t.Error("served document differs from the embedded one")
	}
}

// TestUnknownRouteIsJSON404 checks the catch-all answers with the error body.
func TestUnknownRouteIsJSON404(t *testing.T) {
	x := newTestAPI(t)
	rec := httptest.NewRecorder()
	x.mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/no-such-thing", nil))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("status = %d, want 404", rec.Code)
	}
	var body ErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code != "not_found" {
		t.Errorf("body = %s (%v)", rec.Body, err)
	}
}

// TestOpenAPIRoutesAnswer requests every documented operation through the
// full API handler with a valid token and well-formed input, and expects
// success: no 404 from the catch-all, no 405, no error at all.
func TestOpenAPIRoutesAnswer(t *testing.T) {
	f := newScopeFixture(t, storetest.OpenSQLite(t))
	// A second token of officer A, for the DELETE route to revoke.
	status, body := f.call(t, userOfficerA, "POST", "/api/v1/tokens", `{"name":"để thu hồi"}`)
	var created CreatedToken
	if status != http.StatusCreated || json.Unmarshal(body, &created) != nil || created.ID == 0 {
		t.Fatalf("create token: %d %s", status, body)
	}
	// A fact for the GET of one year (GETs run before PUTs), and a
	// separate establishment for the DELETE route, so the routes under
	// the first one still find it.
	ctx := t.Context()
	if err := f.st.UpsertFact(ctx, kc.EstablishmentFact{EstablishmentID: f.estA.ID, Year: 2025, Workers: 4}); err != nil {
		t.Fatal(err)
	}
	doomed, err := f.st.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindHousehold, Name: "Cơ sở để xoá", CommuneID: f.communeA.ID})
	if err != nil {
		t.Fatal(err)
	}
	// A certificate, licence and artisan of the first establishment for
	// the DELETE routes of its records.
	cert, err := f.st.CreateCertificate(ctx, kc.Certificate{EstablishmentID: f.estA.ID, Kind: kc.CertOCOP, Stars: 3, Year: 2024})
	if err != nil {
		t.Fatal(err)
	}
	lic, err := f.st.CreateLicence(ctx, kc.Licence{EstablishmentID: f.estA.ID, Kind: "Giấy phép sản xuất rượu thủ công"})
	if err != nil {
		t.Fatal(err)
	}
	art, err := f.st.CreateArtisan(ctx, kc.ArtisanRecord{EstablishmentID: f.estA.ID, Name: "Hồ Thị Lan", Title: kc.ArtisanFolk})
	if err != nil {
		t.Fatal(err)
	}
	// The scheme catalogue, for the scheme and eligibility routes.
	if _, err := f.st.EnsureReference(ctx, store.DefaultReference()); err != nil {
		t.Fatal(err)
	}
	status, body = f.call(t, userOfficerA, "GET", "/api/v1/schemes", "")
	var schemes SchemeList
	if err := json.Unmarshal(body, &schemes); status != http.StatusOK || err != nil || len(schemes.Items) == 0 {
		t.Fatalf("GET /api/v1/schemes: %d %s", status, body)
	}
	fill := strings.NewReplacer("{code}", "99001", "{year}", "2025", "{cid}", fmt.Sprint(cert.ID), "{lid}", fmt.Sprint(lic.ID), "{aid}", fmt.Sprint(art.ID))
	input := fmt.Sprintf(`{"kind":"household_business","name":"Cơ sở mây tre đan","commune_id":%d,"phone":"0912 345 678","personal_id":"001234567890","owner_name":"Hồ Thị Lan","owner_gender":"female","lat":16.6,"lon":106.9}`, f.communeA.ID)
	bodies := map[string]string{
		"POST /api/v1/tokens":                           `{"name":"tài liệu"}`,
		"PATCH /api/v1/establishments/{id}":             `{"notes":"kiểm tra tài liệu API"}`,
		"POST /api/v1/establishments":                   input,
		"PUT /api/v1/establishments/{id}":               input,
		"POST /api/v1/establishments/{id}/reveal":       `{"reason":"kiểm tra tài liệu API"}`,
		"PUT /api/v1/establishments/{id}/facts/{year}":  `{"workers":5,"women_workers":3,"revenue":120000000}`,
		"POST /api/v1/establishments/{id}/certificates": `{"kind":"typical_product","level":"province","product":"Khăn thổ cẩm","year":2024,"valid_until":"2027-12-31"}`,
		"POST /api/v1/establishments/{id}/licences":     `{"kind":"Giấy phép sản xuất rượu thủ công","number":"01/GP","issued_on":"2024-03-01"}`,
		"POST /api/v1/establishments/{id}/artisans":     `{"name":"Hồ Văn Bảy","title":"meritorious","recognised_year":2019}`,
		"POST /api/v1/eligibility/check":                fmt.Sprintf(`{"establishment_id":%d}`, f.estA.ID),
		"POST /api/v1/outreach/plan":                    `{"unit":"99001","staff_days":5,"budget":10000000}`,
	}
	// The project routes: a project in the state each needs, their
	// bodies and callers (project_test.go).
	projects := newProjectRoutes(t, f)
	for k, v := range projects.bodies {
		bodies[k] = v
	}
	// The plan routes: a plan with candidates and a saved scenario
	// (plan_test.go).
	plans := newPlanRoutes(t, f)
	// The need routes (need_test.go) ride along with the plan routes.
	needs := newNeedRoutes(t, f)
	for route, p := range needs.paths {
		plans.paths[route], plans.users[route], plans.bodies[route] = p, needs.users[route], needs.bodies[route]
	}
	outreach := newOutreachRoutes(t, f)
	for route, p := range outreach.paths {
		plans.paths[route], plans.users[route], plans.bodies[route] = p, outreach.users[route], outreach.bodies[route]
	}
	for k, v := range plans.bodies {
		bodies[k] = v
	}
	// The score-sheet and project-settings routes, their bodies and
	// callers (project_settings_test.go).
	settings := newSettingsRoutes(t, f)
	for k, v := range settings.bodies {
		bodies[k] = v
	}
	routes := docRoutes(loadDoc(t))
	// Revoke last, so the token used for the requests stays valid.
	slices.SortStableFunc(routes, func(a, b string) int {
		return cmpBool(strings.HasPrefix(a, "DELETE"), strings.HasPrefix(b, "DELETE"))
	})
	for _, route := range routes {
		t.Run(route, func(t *testing.T) {
			method, path, _ := strings.Cut(route, " ")
			p := fill.Replace(path)
			switch {
			case plans.paths[route] != "":
				p = plans.paths[route]
			case settings.paths[route] != "":
				p = settings.paths[route]
			case projects.ids[route] != 0:
				p = strings.Replace(p, "{id}", fmt.Sprint(projects.ids[route]), 1)
			case strings.HasPrefix(path, "/api/v1/tokens/"):
				p = strings.Replace(p, "{id}", fmt.Sprint(created.ID), 1)
			case route == "DELETE /api/v1/establishments/{id}":
				p = strings.Replace(p, "{id}", fmt.Sprint(doomed.ID), 1)
			case strings.HasPrefix(path, "/api/v1/schemes/"):
				p = strings.Replace(p, "{id}", fmt.Sprint(schemes.Items[0].ID), 1)
			default:
				p = strings.Replace(p, "{id}", fmt.Sprint(f.estA.ID), 1)
			}
			user := userOfficerA
			if u := projects.users[route]; u != "" {
				user = u
			}
			if u := plans.users[route]; u != "" {
				user = u
			}
			if u := settings.users[route]; u != "" {
				user = u
			}
			status, body := f.call(t, user, method, p, bodies[route])
			if status < 200 || status > 299 {
				t.Fatalf("%s %s: %d %s", method, p, status, body)
			}
			// The body carries every property the document says is required.
			required := responseRequired(t, path, method, status)
			if len(required) == 0 {
				return
			}
			var got map[string]any
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("body is not a JSON object: %s", body)
			}
			for _, k := range required {
				if _, ok := got[k]; !ok {
					t.Errorf("response lacks required property %q: %s", k, body)
				}
			}
		})
	}
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// responseRequired returns the required top-level properties of the JSON
// response the document gives for path, method and status (following $ref
// and allOf).
func responseRequired(t *testing.T, path, method string, status int) []string {
	t.Helper()
	var root map[string]any
	json.Unmarshal(openAPIDocument, &root)
	get := func(v any, keys ...string) any {
		for _, k := range keys {
			m, _ := v.(map[string]any)
			v = m[k]
		}
		return v
	}
	var deref func(v any) any
	deref = func(v any) any {
		if ref, ok := get(v, "$ref").(string); ok {
			parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
			return deref(get(root, parts...))
		}
		return v
	}
	resp := deref(get(root, "paths", path, strings.ToLower(method), "responses", fmt.Sprint(status)))
	if resp == nil {
		t.Errorf("status %d of %s %s is not documented", status, method, path)
		return nil
	}
	schema := deref(get(resp, "content", "application/json", "schema"))
	var out []string
	var collect func(s any)
	collect = func(s any) {
		s = deref(s)
		for _, r := range asSlice(get(s, "required")) {
			out = append(out, r.(string))
		}
		for _, part := range asSlice(get(s, "allOf")) {
			collect(part)
		}
	}
	collect(schema)
	return out
}

func asSlice(v any) []any { s, _ := v.([]any); return s }
