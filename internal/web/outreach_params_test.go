package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/outreach"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"

	"github.com/PuerkitoBio/goquery"
)

// outreachParamsForm reads the page's form as a browser would submit it.
func outreachParamsForm(t *testing.T, c *client) url.Values {
	t.Helper()
	d := c.doc(outreachParamsPath, http.StatusOK)
	form := url.Values{}
	d.Find("#opa-form input").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		val, _ := s.Attr("value")
		if typ, _ := s.Attr("type"); typ == "checkbox" {
			if _, on := s.Attr("checked"); !on {
				return
			}
		}
		form.Set(name, val)
	})
	form.Set("holidays", d.Find("#opa-holidays").Text())
	if len(form) < 40 {
		t.Fatalf("form has %d fields", len(form))
	}
	return form
}

// TestOutreachParamsPage saves the planner's assumptions from the page,
// refuses bad values by field keeping what was typed, resets them, and
// shows them read-only (or refuses the change) to other roles.
func TestOutreachParamsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		ctx := app.WithPrincipal(t.Context(), app.System)

		t.Run("save", func(t *testing.T) {
			c := f.login(t, userProvince)
			form := outreachParamsForm(t, c)
			if form.Get("village_meeting.cost") != "1.200.000" || form.Get("village_meeting.reach_bp") != "70" || form.Get("village_meeting.trip") != "true" {
				t.Fatalf("form shows %v", form)
			}
			form.Set("travel_cost", "450.000")
			form.Set("village_meeting.reach_bp", "72,5")
			form.Del("village_meeting.trip")
			form.Set("holidays", "08/02/2027\n2027-02-09\n")
			res := c.post(outreachParamsPath, form)
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("save: %d", res.StatusCode)
			}
			p, err := f.app.OutreachPlanParams(ctx)
			if err != nil {
				t.Fatal(err)
			}
			vm := p.Forms[kc.SessionVillageMeeting]
			if p.TravelCost != 450_000 || vm.ReachBP != 7250 || vm.Trip || p.Forms[kc.SessionRadio] != outreach.DefaultParams().Forms[kc.SessionRadio] {
				t.Errorf("saved %+v", p)
			}
			d := c.doc(outreachParamsPath, http.StatusOK)
			if got, _ := d.Find("#opa-travel-cost").Attr("value"); got != "450.000" {
				t.Errorf("travel cost shown %q", got)
			}
			if d.Find(`[data-name="travel_cost"] .badge-info`).Length() != 1 || d.Find(`[data-name="radio.cost"] .badge-info`).Length() != 0 {
				t.Error("custom marks")
			}
			if !strings.Contains(d.Find(`#opa-travel-cost-hint`).Text(), "600.000") {
				t.Errorf("default not shown: %q", d.Find(`#opa-travel-cost-hint`).Text())
			}
			if got := d.Find("#opa-holidays").Text(); got != "08/02/2027\n09/02/2027" {
				t.Errorf("days off shown %q", got)
			}
			if d.Find(".flash").Length() != 1 {
				t.Error("no notice after saving")
			}

			res = c.post(outreachParamsPath+"/reset", url.Values{})
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("reset: %d", res.StatusCode)
			}
			if p, _ := f.app.OutreachPlanParams(ctx); p.TravelCost != outreach.DefaultParams().TravelCost {
				t.Errorf("after reset travel %d", p.TravelCost)
			}
		})

		t.Run("bad value", func(t *testing.T) {
			c := f.login(t, userAdmin)
			form := outreachParamsForm(t, c)
			form.Set("radio.reach_bp", "150")
			form.Set("travel_cost", "sáu trăm")
			form.Set("sessions_per_day", "0")
			form.Set("door_to_door_max", "")
			form.Set("holidays", "30/02/2027")
			d := postDoc(t, c, outreachParamsPath, form, http.StatusUnprocessableEntity)
			for _, id := range []string{"opa-radio-reach-bp", "opa-travel-cost", "opa-sessions-per-day", "opa-door-to-door-max", "opa-holidays"} {
				if d.Find("#"+id+"-error").Length() != 1 {
					t.Errorf("no error for %s", id)
				}
				if inv, _ := d.Find("#" + id).Attr("aria-invalid"); inv != "true" {
					t.Errorf("%s not marked invalid", id)
				}
			}
			if got, _ := d.Find("#opa-travel-cost").Attr("value"); got != "sáu trăm" {
				t.Errorf("typed value lost: %q", got)
			}
			if got := d.Find("#opa-holidays").Text(); got != "30/02/2027" {
				t.Errorf("typed days off lost: %q", got)
			}
			if msg := d.Find("#opa-radio-reach-bp-error").Text(); !strings.Contains(msg, "100") || !strings.Contains(msg, "Phát thanh") {
				t.Errorf("reach error %q", msg)
			}
			if d.Find("#opa-error").Length() != 1 {
				t.Error("no summary error")
			}
			// Reset kept the days off; the refused form changed nothing.
			var m map[string]string
			if err := st.View(ctx, func(tx *store.Tx) error {
				var err error
				m, err = tx.SettingsWithPrefix(ctx, "outreach.")
				return err
			}); err != nil || len(m) != 1 || m["outreach.holidays"] != "2027-02-08,2027-02-09" {
				t.Errorf("after a refused form: %v, %v", m, err)
			}
		})

		t.Run("forbidden", func(t *testing.T) {
			for _, u := range []string{userOfficerA, userViewer} {
				c := f.login(t, u)
				d := c.doc(outreachParamsPath, http.StatusOK)
				if d.Find("#opa-form").Length() != 0 || d.Find("#opa-readonly").Length() != 1 || d.Find(`#opa-table tr[data-name="travel_cost"]`).Length() != 1 {
					t.Errorf("%s: not a read-only page", u)
				}
				form := url.Values{"travel_cost": {"0"}}
				for _, path := range []string{outreachParamsPath, outreachParamsPath + "/reset"} {
					res := c.post(path, form)
					res.Body.Close()
					if res.StatusCode != http.StatusForbidden {
						t.Errorf("%s POST %s: %d", u, path, res.StatusCode)
					}
				}
			}
			if p, _ := f.app.OutreachPlanParams(ctx); p.TravelCost != outreach.DefaultParams().TravelCost {
				t.Errorf("a forbidden post changed the travel cost to %d", p.TravelCost)
			}
		})
	})
}
