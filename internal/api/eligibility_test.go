package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// TestEligibilityAPI lists schemes, reads one, and checks establishments
// and sets of facts through the API, with the error statuses of bad input
// and of scope.
func TestEligibilityAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		ctx := t.Context()
		if _, err := st.EnsureReference(ctx, store.DefaultReference()); err != nil {
			t.Fatal(err)
		}
		if err := st.UpsertFact(ctx, kc.EstablishmentFact{EstablishmentID: f.estA.ID, Year: 2026, Workers: 4, Revenue: 90_000_000}); err != nil {
			t.Fatal(err)
		}
		var list SchemeList
		status, body := f.call(t, userViewer, "GET", "/api/v1/schemes", "")
		if status != http.StatusOK || json.Unmarshal(body, &list) != nil || len(list.Items) < 10 {
			t.Fatalf("list: %d %s", status, body)
		}
		machinery := slices.IndexFunc(list.Items, func(s Scheme) bool { return s.Code == "MAY_MOC_TIEN_TIEN" })
		if machinery < 0 || list.Items[machinery].Version != 3 || len(list.Items[machinery].Criteria) == 0 || list.Items[machinery].Editable {
			t.Fatalf("machinery scheme in force today: %+v", list.Items)
		}
		status, body = f.call(t, userViewer, "GET", "/api/v1/schemes?on=2018-05-10", "")
		var old SchemeList
		if status != http.StatusOK || json.Unmarshal(body, &old) != nil ||
			!slices.ContainsFunc(old.Items, func(s Scheme) bool { return s.Code == "MAY_MOC_TIEN_TIEN" && s.Version == 1 && s.Cap == 200_000_000 }) {
			t.Errorf("on 2018-05-10: %d %s", status, body)
		}
		status, body = f.call(t, userViewer, "GET", "/api/v1/schemes?on=all", "")
		var all SchemeList
		if status != http.StatusOK || json.Unmarshal(body, &all) != nil || len(all.Items) <= len(list.Items) {
			t.Errorf("all versions: %d (%d items)", status, len(all.Items))
		}
		id := list.Items[machinery].ID
		var detail SchemeDetail
		status, body = f.call(t, userOfficerA, "GET", fmt.Sprintf("/api/v1/schemes/%d", id), "")
		if status != http.StatusOK || json.Unmarshal(body, &detail) != nil || len(detail.Versions) != 3 || detail.ID != id || detail.EffectiveTo != nil {
			t.Errorf("detail: %d %s", status, body)
		}
		check := func(user, in string) (int, CheckResponse, []byte) {
			t.Helper()
			status, body := f.call(t, user, "POST", "/api/v1/eligibility/check", in)
			var out CheckResponse
			if status == http.StatusOK {
				if err := json.Unmarshal(body, &out); err != nil {
					t.Fatalf("%s: %v", body, err)
				}
			}
			return status, out, body
		}
		status, rep, body := check(userOfficerA, fmt.Sprintf(`{"establishment_id":%d,"scheme":"MAY_MOC_TIEN_TIEN","cost":100000000}`, f.estA.ID))
		if status != http.StatusOK || rep.Establishment == nil || rep.Establishment.ID != f.estA.ID || len(rep.Results) != 1 {
			t.Fatalf("check: %d %s", status, body)
		}
		res := rep.Results[0]
		// A household business without a registration number on record:
		// its registration is not known, so the answer is undetermined,
		// while the 4 workers fail the threshold of 10.
		i := slices.IndexFunc(res.Outcomes, func(o Outcome) bool { return o.Criterion.Field == "Workers" && o.Criterion.Kind == "eligibility" })
		if res.Status != "not_eligible" || i < 0 || res.Outcomes[i].Gap != 6 || res.Outcomes[i].GapText != "thiếu 6 lao động" ||
			res.Support.Amount != 50_000_000 || len(res.Support.Steps) == 0 || res.StatusText == "" {
			t.Errorf("result = %+v", res)
		}
		if !slices.Contains(rep.Facts.Missing, "Registered") || rep.Facts.Workers != 4 {
			t.Errorf("facts = %+v", rep.Facts)
		}
		status, rep, body = check(userOfficerA, `{"facts":{"kind":"cooperative","registered":true,"commune_type":"xa","province_type":"tinh","workers":15,"trades":["MOC"]},"on":"2026-01-10"}`)
		if status != http.StatusOK || rep.Establishment != nil || len(rep.Results) < 10 || rep.On != "2026-01-10" {
			t.Fatalf("facts check: %d %s", status, body)
		}
		j := slices.IndexFunc(rep.Results, func(r Result) bool { return r.Scheme.Code == "MAY_MOC_TIEN_TIEN" })
		if j < 0 || rep.Results[j].Status != "eligible" || !slices.ContainsFunc(rep.Qualifies, func(s SchemeRef) bool { return s.Code == "MAY_MOC_TIEN_TIEN" }) {
			t.Errorf("cooperative of 15: %+v", rep.Results)
		}
		if rep.Facts.PrimaryTrade != "MOC" || slices.Contains(rep.Facts.Missing, "PrimaryTrade") || !slices.Contains(rep.Facts.Missing, "Revenue") {
			t.Errorf("facts = %+v", rep.Facts)
		}
		bad := []struct {
			name   string
			user   string
			body   string
			status int
			field  string
		}{
			{"outside the scope", userOfficerB, fmt.Sprintf(`{"establishment_id":%d}`, f.estA.ID), http.StatusNotFound, ""},
			{"no such establishment", userOfficerA, `{"establishment_id":999999}`, http.StatusNotFound, ""},
			{"neither establishment nor facts", userOfficerA, `{"scheme":"MAY_MOC_TIEN_TIEN"}`, http.StatusUnprocessableEntity, "establishment_id"},
			{"both", userOfficerA, fmt.Sprintf(`{"establishment_id":%d,"facts":{}}`, f.estA.ID), http.StatusUnprocessableEntity, "establishment_id"},
			{"nonsense workers", userOfficerA, `{"facts":{"workers":-4}}`, http.StatusUnprocessableEntity, "facts.workers"},
			{"too many workers", userOfficerA, `{"facts":{"workers":100001}}`, http.StatusUnprocessableEntity, "facts.workers"},
			{"unknown scheme", userOfficerA, `{"facts":{},"scheme":"KHONG_CO"}`, http.StatusUnprocessableEntity, "scheme"},
			{"bad date", userOfficerA, `{"facts":{},"on":"15/10/2025"}`, http.StatusUnprocessableEntity, "on"},
			{"negative cost", userOfficerA, `{"facts":{},"cost":-1}`, http.StatusUnprocessableEntity, "cost"},
			{"unknown JSON field", userOfficerA, `{"facts":{"so_lao_dong":3}}`, http.StatusBadRequest, ""},
			{"malformed JSON", userOfficerA, `{"facts":`, http.StatusBadRequest, ""},
			{"no token", "", `{"facts":{}}`, http.StatusUnauthorized, ""},
		}
		for _, c := range bad {
			t.Run(c.name, func(t *testing.T) {
				status, _, body := check(c.user, c.body)
				var e ErrorBody
				if status != c.status || json.Unmarshal(body, &e) != nil || e.Error.Message == "" {
					t.Fatalf("%d %s, want %d", status, body, c.status)
				}
				if c.field != "" && e.Error.Fields[c.field] == "" {
					t.Errorf("no message for field %s: %s", c.field, body)
				}
			})
		}
		for _, p := range []string{"/api/v1/schemes/999999", "/api/v1/schemes/abc"} {
			if status, body := f.call(t, userViewer, "GET", p, ""); status != http.StatusNotFound {
				t.Errorf("%s: %d %s", p, status, body)
			}
		}
		if status, body := f.call(t, userViewer, "GET", "/api/v1/schemes?on=2025-13-01", ""); status != http.StatusBadRequest {
			t.Errorf("bad day: %d %s", status, body)
		}
	})
}
