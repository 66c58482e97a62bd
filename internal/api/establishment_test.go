package api

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// apiStep is one request of a scenario and what it must answer.
type apiStep struct {
	name         string
	user, method string
	path, body   string
	status       int
	code         string   // error code, "" for success
	fields       []string // field errors expected
	check        func(t *testing.T, body []byte)
}

func runSteps(t *testing.T, f *scopeFixture, steps []apiStep) {
	t.Helper()
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			status, body := f.call(t, s.user, s.method, s.path, s.body)
			if status != s.status {
				t.Fatalf("%s %s: %d, want %d: %s", s.method, s.path, status, s.status, body)
			}
			if s.code != "" {
				var eb ErrorBody
				if err := json.Unmarshal(body, &eb); err != nil || eb.Error.Code != s.code || eb.Error.Message == "" {
					t.Fatalf("error body %s, want code %q", body, s.code)
				}
				for _, fld := range s.fields {
					if eb.Error.Fields[fld] == "" {
						t.Errorf("no message for field %s: %s", fld, body)
					}
				}
				if len(eb.Error.Fields) != len(s.fields) {
					t.Errorf("fields %v, want %v", eb.Error.Fields, s.fields)
				}
			}
			if s.check != nil {
				s.check(t, body)
			}
		})
	}
}

func decodeAs[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	return v
}

func TestEstablishmentLifecycleAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		var id int64
		var version int
		path := func(suffix string) string { return fmt.Sprintf("/api/v1/establishments/%d%s", id, suffix) }
		create := func(commune int64, extra string) string {
			return fmt.Sprintf(`{"kind":"household_business","name":"Hộ rượu men lá A Lăng","commune_id":%d,"owner_name":"A Lăng Thị Hoa","owner_ethnicity":"Tà Ôi","phone":"0912 345 678","personal_id":"001234567890"%s}`, commune, extra)
		}
		masked := func(t *testing.T, body []byte) {
			e := decodeAs[Establishment](t, body)
			if e.Phone != "09xx xxx 678" || e.PersonalID != "xxxxxxxx7890" || e.OwnerEthnicity != "xxx" || !e.PersonalMasked {
				t.Errorf("not masked: %s", body)
			}
			if strings.Contains(string(body), "345678") || strings.Contains(string(body), "Tà Ôi") {
				t.Errorf("clear personal data in %s", body)
			}
		}
		runSteps(t, f, []apiStep{
			{name: "officer A creates in B", user: userOfficerA, method: "POST", path: "/api/v1/establishments", body: create(f.estB.CommuneID, ""), status: 403, code: "forbidden", fields: []string{"commune_id"}},
			{name: "viewer creates", user: userViewer, method: "POST", path: "/api/v1/establishments", body: create(f.communeA.ID, ""), status: 403, code: "forbidden"},
			{name: "invalid fields", user: userOfficerA, method: "POST", path: "/api/v1/establishments",
				body:   fmt.Sprintf(`{"kind":"household","name":"","commune_id":%d,"phone":"09ab","personal_id":"123","owner_birth_year":1800}`, f.communeA.ID),
				status: 422, code: "invalid", fields: []string{"name", "phone", "personal_id", "owner_birth_year"}},
			{name: "half a coordinate", user: userOfficerA, method: "POST", path: "/api/v1/establishments", body: create(f.communeA.ID, `,"lat":16.5`), status: 422, code: "invalid", fields: []string{"lon"}},
			{name: "unknown field", user: userOfficerA, method: "POST", path: "/api/v1/establishments", body: create(f.communeA.ID, `,"phone_enc":"x"`), status: 400, code: "invalid"},
			{name: "officer A creates in A", user: userOfficerA, method: "POST", path: "/api/v1/establishments", body: create(f.communeA.ID, `,"lat":16.6,"lon":106.9,"trade_ids":[]`), status: 201,
				check: func(t *testing.T, body []byte) {
					masked(t, body)
					e := decodeAs[Establishment](t, body)
					id, version = e.ID, e.Version
					if e.Lat == nil || *e.Lat != 16.6 || e.OwnerName != "A Lăng Thị Hoa" {
						t.Errorf("created %s", body)
					}
				}},
		})
		runSteps(t, f, []apiStep{
			{name: "get is masked for the officer", user: userOfficerA, method: "GET", path: path(""), status: 200, check: masked},
			{name: "get is masked for the viewer", user: userViewer, method: "GET", path: path(""), status: 200, check: masked},
			{name: "officer B gets not found", user: userOfficerB, method: "GET", path: path(""), status: 404, code: "not_found"},
			{name: "reveal without a reason", user: userOfficerA, method: "POST", path: path("/reveal"), body: `{"reason":""}`, status: 422, code: "invalid", fields: []string{"reason"}},
			{name: "viewer may not reveal", user: userViewer, method: "POST", path: path("/reveal"), body: `{"reason":"xem"}`, status: 403, code: "forbidden"},
			{name: "officer B cannot reveal", user: userOfficerB, method: "POST", path: path("/reveal"), body: `{"reason":"xem"}`, status: 404, code: "not_found"},
			{name: "officer A reveals", user: userOfficerA, method: "POST", path: path("/reveal"), body: `{"reason":"Gọi hẹn khảo sát"}`, status: 200,
				check: func(t *testing.T, body []byte) {
					d := decodeAs[PersonalData](t, body)
					if d != (PersonalData{Phone: "0912345678", PersonalID: "001234567890", OwnerEthnicity: "Tà Ôi"}) {
						t.Errorf("revealed %+v", d)
					}
				}},
			{name: "PUT sends the masked values back", user: userOfficerA, method: "PUT", path: path(""),
				body:   fmt.Sprintf(`{"version":%d,"kind":"household_business","name":"Hộ rượu A Lăng","commune_id":%d,"owner_name":"A Lăng Thị Hoa","owner_ethnicity":"xxx","phone":"09xx xxx 678","personal_id":"xxxxxxxx7890"}`, version, f.communeA.ID),
				status: 200, check: func(t *testing.T, body []byte) {
					masked(t, body)
					if e := decodeAs[Establishment](t, body); e.Name != "Hộ rượu A Lăng" || e.Lat != nil {
						t.Errorf("after PUT %s", body)
					}
				}},
			{name: "the clear values survived", user: userProvince, method: "POST", path: path("/reveal"), body: `{"reason":"đối chiếu"}`, status: 200,
				check: func(t *testing.T, body []byte) {
					if d := decodeAs[PersonalData](t, body); d.Phone != "0912345678" || d.PersonalID != "001234567890" {
						t.Errorf("revealed %+v", d)
					}
				}},
			{name: "PUT with a stale version", user: userOfficerA, method: "PUT", path: path(""), body: fmt.Sprintf(`{"version":%d,"kind":"household","name":"Cũ","commune_id":%d}`, version, f.communeA.ID), status: 409, code: "conflict"},
			{name: "PUT moving to B", user: userOfficerA, method: "PUT", path: path(""), body: fmt.Sprintf(`{"kind":"household","name":"Chuyển","commune_id":%d}`, f.estB.CommuneID), status: 403, code: "forbidden", fields: []string{"commune_id"}},
			{name: "officer B PUT", user: userOfficerB, method: "PUT", path: path(""), body: fmt.Sprintf(`{"kind":"household","name":"B","commune_id":%d}`, f.estB.CommuneID), status: 404, code: "not_found"},
			{name: "PATCH still works", user: userOfficerA, method: "PATCH", path: path(""), body: `{"notes":"vẫn sửa được"}`, status: 200, check: masked},
		})
		runSteps(t, f, []apiStep{
			{name: "no facts yet", user: userOfficerA, method: "GET", path: path("/facts"), status: 200,
				check: func(t *testing.T, body []byte) {
					if l := decodeAs[FactList](t, body); l.Items == nil || len(l.Items) != 0 {
						t.Errorf("facts %s", body)
					}
				}},
			{name: "put a year", user: userOfficerA, method: "PUT", path: path("/facts/2025"), body: `{"workers":6,"women_workers":4,"ethnic_minority_workers":6,"revenue":250000000}`, status: 200,
				check: func(t *testing.T, body []byte) {
					if fact := decodeAs[Fact](t, body); fact.Year != 2025 || fact.Workers != 6 || fact.Source != "survey" {
						t.Errorf("fact %s", body)
					}
				}},
			{name: "more women than workers", user: userOfficerA, method: "PUT", path: path("/facts/2024"), body: `{"workers":2,"women_workers":3,"revenue":-1}`, status: 422, code: "invalid", fields: []string{"women_workers", "revenue"}},
			{name: "viewer may not write facts", user: userViewer, method: "PUT", path: path("/facts/2024"), body: `{"workers":2}`, status: 403, code: "forbidden"},
			{name: "officer B may not read facts", user: userOfficerB, method: "GET", path: path("/facts"), status: 404, code: "not_found"},
			{name: "get the year", user: userViewer, method: "GET", path: path("/facts/2025"), status: 200},
			{name: "a missing year", user: userOfficerA, method: "GET", path: path("/facts/2024"), status: 404, code: "not_found"},
			{name: "a malformed year", user: userOfficerA, method: "GET", path: path("/facts/abc"), status: 404, code: "not_found"},
			{name: "list one year", user: userOfficerA, method: "GET", path: path("/facts"), status: 200,
				check: func(t *testing.T, body []byte) {
					if l := decodeAs[FactList](t, body); len(l.Items) != 1 || l.Items[0].Revenue != 250000000 {
						t.Errorf("facts %s", body)
					}
				}},
			{name: "delete the year", user: userOfficerA, method: "DELETE", path: path("/facts/2025"), status: 204},
			{name: "delete it again", user: userOfficerA, method: "DELETE", path: path("/facts/2025"), status: 404, code: "not_found"},
			{name: "viewer may not delete", user: userViewer, method: "DELETE", path: path(""), status: 403, code: "forbidden"},
			{name: "officer B may not delete", user: userOfficerB, method: "DELETE", path: path(""), status: 404, code: "not_found"},
			{name: "officer A deletes", user: userOfficerA, method: "DELETE", path: path(""), status: 204},
			{name: "gone", user: userOfficerA, method: "GET", path: path(""), status: 404, code: "not_found"},
		})
	})
}

func TestEstablishmentListFiltersAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		total := func(want int) func(t *testing.T, body []byte) {
			return func(t *testing.T, body []byte) {
				if l := decodeAs[EstablishmentList](t, body); l.Total != want || len(l.Items) != min(want, l.Limit) {
					t.Errorf("total %d (%d items), want %d", l.Total, len(l.Items), want)
				}
			}
		}
		runSteps(t, f, []apiStep{
			{name: "province unit for officer A is narrowed to A", user: userOfficerA, method: "GET", path: "/api/v1/establishments?unit=98", status: 200, check: total(1)},
			{name: "province unit for the province officer", user: userProvince, method: "GET", path: "/api/v1/establishments?unit=98", status: 200, check: total(2)},
			{name: "commune B for officer A is empty", user: userOfficerA, method: "GET", path: "/api/v1/establishments?unit=99002", status: 200, check: total(0)},
			{name: "commune B for the province officer", user: userProvince, method: "GET", path: "/api/v1/establishments?unit=99002", status: 200,
				check: func(t *testing.T, body []byte) {
					if l := decodeAs[EstablishmentList](t, body); len(l.Items) != 1 || l.Items[0].ID != f.estB.ID {
						t.Errorf("list %s", body)
					}
				}},
			{name: "unknown unit", user: userProvince, method: "GET", path: "/api/v1/establishments?unit=99999", status: 422, code: "invalid", fields: []string{"unit"}},
			{name: "malformed unit", user: userProvince, method: "GET", path: "/api/v1/establishments?unit=abc", status: 422, code: "invalid", fields: []string{"unit"}},
			{name: "unknown trade code", user: userProvince, method: "GET", path: "/api/v1/establishments?trade=NOPE", status: 422, code: "invalid", fields: []string{"trade"}},
			{name: "unknown trade id", user: userProvince, method: "GET", path: "/api/v1/establishments?trade=999999", status: 422, code: "invalid", fields: []string{"trade"}},
			{name: "unknown kind", user: userProvince, method: "GET", path: "/api/v1/establishments?kind=factory", status: 422, code: "invalid", fields: []string{"kind"}},
			{name: "unknown flag", user: userProvince, method: "GET", path: "/api/v1/establishments?flag=famous", status: 422, code: "invalid", fields: []string{"flag"}},
			{name: "page 2 of 1", user: userProvince, method: "GET", path: "/api/v1/establishments?limit=1&page=2", status: 200,
				check: func(t *testing.T, body []byte) {
					if l := decodeAs[EstablishmentList](t, body); l.Total != 2 || len(l.Items) != 1 || l.Offset != 1 {
						t.Errorf("page 2: %s", body)
					}
				}},
			{name: "page 0", user: userProvince, method: "GET", path: "/api/v1/establishments?page=0", status: 400, code: "invalid"},
			{name: "page with offset", user: userProvince, method: "GET", path: "/api/v1/establishments?page=1&offset=1", status: 400, code: "invalid"},
		})
	})
}
