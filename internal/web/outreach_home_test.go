package web

import (
	"net/http"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
	"khuyencong/internal/vi"

	"github.com/PuerkitoBio/goquery"
)

// TestOutreachHomeToDo lists on the outreach home, for the commune officer,
// the planned sessions whose day has passed (to record or cancel) and
// those of the next 90 days, soonest first, with their campaign; a session
// planned further ahead, a held one and one in another commune are not
// listed.
func TestOutreachHomeToDo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newOutreachFixture(t, st)
		sys := app.WithPrincipal(t.Context(), app.System)
		today := kc.DateOf(f.app.Now().In(vi.Location))
		planned := func(commune kc.Unit, village string, on kc.Date, status string) kc.OutreachSession {
			return kc.OutreachSession{Kind: kc.SessionVillageMeeting, Status: status, CommuneID: commune.ID, Village: village, HeldOn: on}
		}
		c, err := f.app.CreateCampaign(sys, app.CampaignInput{
			Campaign: kc.Campaign{Title: "Đợt thôn xa", UnitID: f.province.ID, StartsOn: today.AddDays(-30), EndsOn: today.AddDays(300)},
			Sessions: []kc.OutreachSession{
				planned(f.communeA, "Thôn Quá Hạn", today.AddDays(-3), kc.SessionPlanned),
				planned(f.communeA, "Thôn Sau", today.AddDays(40), kc.SessionPlanned),
				planned(f.communeA, "Thôn Trước", today.AddDays(10), kc.SessionPlanned),
				planned(f.communeA, "Thôn Xa Lắm", today.AddDays(200), kc.SessionPlanned),
				planned(f.communeB, "Bản Khác", today.AddDays(5), kc.SessionPlanned),
			}})
		if err != nil {
			t.Fatal(err)
		}
		d := f.login(t, userOfficerA).doc("/outreach", http.StatusOK)
		places := func(id string) []string {
			var out []string
			d.Find("#" + id + " tbody tr").Each(func(_ int, tr *goquery.Selection) {
				out = append(out, strings.TrimSpace(tr.Find(`td[data-label]`).Eq(1).Text()))
			})
			return out
		}
		if got := strings.Join(places("oh-to-record"), " | "); got != "Thôn Quá Hạn, "+f.communeA.Name {
			t.Errorf("to record: %q", got)
		}
		if got := strings.Join(places("oh-upcoming"), " | "); got != "Thôn Trước, "+f.communeA.Name+" | Thôn Sau, "+f.communeA.Name {
			t.Errorf("upcoming: %q", got)
		}
		if title := strings.TrimSpace(d.Find("#oh-upcoming tbody tr").First().Find("td").Last().Text()); title != c.Title {
			t.Errorf("campaign column %q", title)
		}
	})
}
