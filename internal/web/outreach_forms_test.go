package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// TestOutreachFormsShowEveryError: a form with a field that cannot even be
// read (a day or an amount not understood) still gets the messages of the
// other fields in the same answer — the campaign form, the session form
// and the planner — and nothing is written.
func TestOutreachFormsShowEveryError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newOutreachFixture(t, st)
		off := f.login(t, userProvince)
		d := postDoc(t, off, "/outreach/campaigns", url.Values{"title": {""}, "unit_id": {""}, "starts_on": {"30/02/2027"}, "ends_on": {""}, "budget": {"-5"}},
			http.StatusUnprocessableEntity)
		for _, id := range []string{"oc-title-error", "oc-unit-error", "oc-starts-error", "oc-budget-error"} {
			if strings.TrimSpace(d.Find("#"+id).Text()) == "" {
				t.Errorf("campaign form: no %s", id)
			}
		}
		if !strings.Contains(d.Find("#oc-starts-error").Text(), "15/01/2027") {
			t.Errorf("the day's own message was replaced: %q", d.Find("#oc-starts-error").Text())
		}

		d = postDoc(t, off, "/outreach/sessions", url.Values{"kind": {"village_meeting"}, "status": {"held"}, "commune_id": {""}, "village": {""},
			"held_on": {""}, "cost": {"ba trăm nghìn"}}, http.StatusUnprocessableEntity)
		for _, id := range []string{"os-cost-error", "os-commune-error", "os-village-error", "os-held-on-error"} {
			if strings.TrimSpace(d.Find("#"+id).Text()) == "" {
				t.Errorf("session form: no %s", id)
			}
		}

		d = postDoc(t, off, outreachPlanPath, url.Values{"unit": {""}, "from": {"2027-01-01"}, "to": {"2027-03-31"}, "staff_days": {"0"}, "budget": {"abc"}},
			http.StatusUnprocessableEntity)
		for _, id := range []string{"op-staff-days-error", "op-budget-error"} {
			if strings.TrimSpace(d.Find("#"+id).Text()) == "" {
				t.Errorf("plan form: no %s", id)
			}
		}

		if list, total, err := f.app.ListCampaigns(f.scope.As(t, t.Context(), userProvince), 10, 0); err != nil || total != 0 || len(list) != 0 {
			t.Errorf("something was written: %d campaigns %v", total, err)
		}
	})
}
