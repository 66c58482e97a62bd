package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/store/storetest"
)

// newNeedRoutes registers a support request in commune A and fills the
// need routes of the OpenAPI walk (officer A as caller).
func newNeedRoutes(t *testing.T, f *scopeFixture) planRoutes {
	t.Helper()
	id := registerNeed(t, f)
	r := planRoutes{paths: map[string]string{}, bodies: map[string]string{}, users: map[string]string{}}
	for route, path := range map[string]string{
		"GET /api/v1/needs":        "/api/v1/needs?status=new",
		"GET /api/v1/needs/{id}":   fmt.Sprintf("/api/v1/needs/%d", id),
		"PATCH /api/v1/needs/{id}": fmt.Sprintf("/api/v1/needs/%d", id),
	} {
		r.paths[route], r.users[route] = path, userOfficerA
	}
	r.bodies["PATCH /api/v1/needs/{id}"] = `{"status":"handling"}`
	return r
}

// registerNeed registers a request in commune A as the public does and
// returns its id.
func registerNeed(t *testing.T, f *scopeFixture) int64 {
	t.Helper()
	ctx := t.Context()
	rcpt, err := f.scope.App.RegisterNeed(ctx, app.NeedInput{Name: "Hồ Văn Pả", Phone: "0912345678", CommuneCode: f.communeA.Code,
		Need: "Cần máy dệt", Consent: true})
	if err != nil {
		t.Fatal(err)
	}
	list, _, err := f.scope.App.ListNeeds(f.scope.As(t, ctx, userOfficerA), "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range list {
		if n.TrackingCode == rcpt.TrackingCode {
			return n.ID
		}
	}
	t.Fatal("the registered request is not listed")
	return 0
}

func TestNeedAPI(t *testing.T) {
	f := newScopeFixture(t, storetest.OpenSQLite(t))
	id := registerNeed(t, f)
	path := fmt.Sprintf("/api/v1/needs/%d", id)

	status, body := f.call(t, userOfficerA, "GET", "/api/v1/needs", "")
	var list NeedList
	if status != http.StatusOK || json.Unmarshal(body, &list) != nil || list.Total != 1 || list.Items[0].ID != id ||
		strings.Contains(list.Items[0].Phone, "345") || list.Items[0].Phone == "" || list.Items[0].EstablishmentID != nil {
		t.Fatalf("officer A list: %d %s", status, body)
	}
	status, body = f.call(t, userOfficerB, "GET", "/api/v1/needs", "")
	if status != http.StatusOK || json.Unmarshal(body, &list) != nil || list.Total != 0 {
		t.Errorf("officer B list: %d %s", status, body)
	}
	if status, _ := f.call(t, userOfficerB, "GET", path, ""); status != http.StatusNotFound {
		t.Errorf("officer B get: %d", status)
	}
	if status, _ := f.call(t, userOfficerB, "PATCH", path, `{"status":"closed"}`); status != http.StatusNotFound {
		t.Errorf("officer B patch: %d", status)
	}
	if status, _ := f.call(t, userViewer, "PATCH", path, `{"status":"closed"}`); status != http.StatusForbidden {
		t.Errorf("viewer patch: %d", status)
	}
	if status, _ := f.call(t, userOfficerA, "PATCH", path, `{"colour":"red"}`); status != http.StatusBadRequest {
		t.Errorf("unknown field: %d", status)
	}
	if status, body := f.call(t, userOfficerA, "PATCH", path, fmt.Sprintf(`{"establishment_id":%d}`, f.estB.ID)); status != http.StatusUnprocessableEntity {
		t.Errorf("link outside scope: %d %s", status, body)
	}
	status, body = f.call(t, userOfficerA, "PATCH", path, fmt.Sprintf(`{"establishment_id":%d,"answer":"Xã sẽ gọi lại."}`, f.estA.ID))
	var n Need
	if status != http.StatusOK || json.Unmarshal(body, &n) != nil || n.Status != "answered" || n.Answer != "Xã sẽ gọi lại." ||
		n.EstablishmentID == nil || *n.EstablishmentID != f.estA.ID {
		t.Fatalf("answer and link: %d %s", status, body)
	}
	status, body = f.call(t, userOfficerA, "GET", "/api/v1/needs?status=answered", "")
	if status != http.StatusOK || json.Unmarshal(body, &list) != nil || list.Total != 1 {
		t.Errorf("status filter: %d %s", status, body)
	}
	if status, _ := f.call(t, userOfficerA, "GET", "/api/v1/needs?status=lost", ""); status != http.StatusUnprocessableEntity {
		t.Errorf("unknown status filter: %d", status)
	}
}
