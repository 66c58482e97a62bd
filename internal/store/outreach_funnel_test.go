package store_test

import (
	"testing"
	"time"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"

	"github.com/google/go-cmp/cmp"
)

// funnelWorld is the hand-made funnel fixture: the registry units of
// addRegistryUnits and the ids of what was added to them.
type funnelWorld struct {
	u        registryUnits
	campaign int64
}

// addFunnelWorld writes one campaign in commune A with two held sessions,
// a planned and a cancelled one in B; sessions outside the campaign in
// A, in the former commune OA (2025) and in B (after the period);
// attendance with registered producers, new producers added to the
// registry and one not added; self-checks, need requests and projects
// inside and just outside the period 2026-01-01 … 2026-06-30.
func addFunnelWorld(t *testing.T, s *store.Store) funnelWorld {
	t.Helper()
	ctx := t.Context()
	w := funnelWorld{u: addRegistryUnits(t, s)}
	u := w.u
	ins := func(q string, args ...any) int64 {
		t.Helper()
		id, err := store.FunnelTestInsert(s, q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	now := storetest.Clock
	w.campaign = ins(`INSERT INTO campaign (title, unit_id, starts_on, ends_on, budget, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		"Tuyên truyền khuyến công 2026", u.A, kc.MustDate("2026-03-01"), kc.MustDate("2026-03-31"), 20_000_000, now)
	session := func(campaign any, commune int64, status, day string, attendees int) int64 {
		return ins(`INSERT INTO outreach_session (campaign_id, kind, status, commune_id, village, held_on, attendees, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, campaign, kc.SessionVillageMeeting, status, commune, "Thôn 1", kc.MustDate(day), attendees, now)
	}
	s1 := session(w.campaign, u.A, kc.SessionHeld, "2026-03-10", 40)
	s2 := session(w.campaign, u.A, kc.SessionHeld, "2026-03-20", 25)
	session(w.campaign, u.B, kc.SessionPlanned, "2026-04-01", 0)
	s6 := session(w.campaign, u.B, kc.SessionCancelled, "2026-03-15", 5)
	s4 := session(nil, u.A, kc.SessionHeld, "2026-02-01", 10)
	session(nil, u.OA, kc.SessionHeld, "2025-03-01", 7)
	s7 := session(nil, u.B, kc.SessionHeld, "2026-07-05", 12)
	est := func(name string, commune int64) int64 {
		t.Helper()
		e, err := s.CreateEstablishment(ctx, kc.Establishment{Name: name, CommuneID: commune, Kind: kc.KindHousehold})
		if err != nil {
			t.Fatal(err)
		}
		return e.ID
	}
	attend := func(session int64, establishment any, isNew bool) {
		ins(`INSERT INTO attendance (session_id, establishment_id, name, new_producer) VALUES ($1, $2, $3, $4)`, session, establishment, "Người dự", isNew)
	}
	attend(s1, est("Hộ đã có", u.A), false) // registered before: not counted
	attend(s1, est("Hộ mới 1", u.A), true)  // met and added: counted
	attend(s1, nil, true)                   // met, not added: not counted
	attend(s2, est("Hộ mới 2", u.A), true)  // counted
	attend(s4, est("Hộ mới 3", u.A), true)  // counted outside the campaign
	attend(s6, est("Hộ mới 4", u.B), true)  // a cancelled session: not counted
	attend(s7, est("Hộ mới 5", u.B), true)  // after the period
	selfcheck := func(commune any, day string) {
		ins(`INSERT INTO selfcheck_log (commune_id, trade, on_day, via_qr, created_at) VALUES ($1, $2, $3, $4, $5)`, commune, "RUOU", kc.MustDate(day), true, now)
	}
	selfcheck(u.A, "2026-01-01")
	selfcheck(u.A, "2026-06-30")
	selfcheck(u.A, "2026-07-01")
	selfcheck(u.A, "2025-12-31")
	selfcheck(u.B, "2026-05-05")
	selfcheck(nil, "2026-05-05")
	need := func(commune any, at time.Time, code string) {
		ins(`INSERT INTO need_request (tracking_code, name, commune_id, need, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`,
			code, "Người hỏi", commune, "Cần máy", "new", at.UTC())
	}
	need(u.A, time.Date(2025, 12, 31, 17, 30, 0, 0, time.UTC), "NEED0001") // 00:30 on 1 January in Vietnam: inside
	need(u.A, time.Date(2025, 12, 31, 16, 30, 0, 0, time.UTC), "NEED0002") // 23:30 on 31 December: outside
	need(u.A, time.Date(2026, 6, 30, 16, 59, 0, 0, time.UTC), "NEED0003")  // 23:59 on 30 June: inside
	need(u.A, time.Date(2026, 6, 30, 17, 0, 0, 0, time.UTC), "NEED0004")   // midnight, 1 July: outside
	need(u.B, time.Date(2026, 2, 2, 3, 0, 0, 0, time.UTC), "NEED0005")
	need(nil, time.Date(2026, 2, 2, 3, 0, 0, 0, time.UTC), "NEED0006")
	n := 0
	project := func(commune int64, state, registered string) {
		t.Helper()
		n++
		p := kc.Project{Code: "DA-F-" + string(rune('A'+n)), Title: "Đề án", Year: 2026, Level: "local", ContentArea: "CA3", CommuneID: commune, State: state}
		if registered != "" {
			p.RegisteredOn = kc.MustDate(registered)
		}
		if _, err := s.CreateProject(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	project(u.A, kc.StateApproved, "2026-02-01")
	project(u.A, kc.StateRegistered, "2026-03-01")
	project(u.A, kc.StateSettled, "2026-05-01")
	project(u.A, kc.StateApproved, "2025-12-31")
	project(u.A, kc.StateDraft, "")
	project(u.OA, kc.StateClosed, "2025-05-01")
	project(u.B, kc.StateRejected, "2026-04-01")
	return w
}

// TestOutreachFunnel counts every step of the funnel on the hand-made
// fixture, for a period everywhere, for some communes, and for a
// campaign, on both databases.
func TestOutreachFunnel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := addFunnelWorld(t, s)
		u := w.u
		h1From, h1To := kc.MustDate("2026-01-01"), kc.MustDate("2026-06-30")
		row := func(id int64, c store.FunnelCounts) store.FunnelRow {
			return store.FunnelRow{CommuneID: id, FunnelCounts: c}
		}
		cases := []struct {
			name string
			sc   store.FunnelScope
			want []store.FunnelRow
		}{
			{"first half of 2026 everywhere", store.FunnelScope{From: h1From, To: h1To}, []store.FunnelRow{
				row(u.A, store.FunnelCounts{Sessions: 3, Reached: 75, Registered: 3, SelfChecks: 2, Requests: 2, Proposed: 3, Funded: 2}),
				row(u.B, store.FunnelCounts{SelfChecks: 1, Requests: 1, Proposed: 1}),
			}},
			{"2025 to June 2026 in A and the former commune OA", store.FunnelScope{Communes: []int64{u.A, u.OA}, From: kc.MustDate("2025-01-01"), To: h1To}, []store.FunnelRow{
				row(u.A, store.FunnelCounts{Sessions: 3, Reached: 75, Registered: 3, SelfChecks: 3, Requests: 3, Proposed: 4, Funded: 3}),
				row(u.OA, store.FunnelCounts{Sessions: 1, Reached: 7, Proposed: 1, Funded: 1}),
			}},
			{"the campaign", store.FunnelScope{From: h1From, To: h1To, Campaign: w.campaign}, []store.FunnelRow{
				row(u.A, store.FunnelCounts{Sessions: 2, Reached: 65, Registered: 2, SelfChecks: 2, Requests: 2, Proposed: 3, Funded: 2}),
				row(u.B, store.FunnelCounts{SelfChecks: 1, Requests: 1, Proposed: 1}),
			}},
			{"the second half of 2026 in B", store.FunnelScope{Communes: []int64{u.B}, From: kc.MustDate("2026-07-01"), To: kc.MustDate("2026-12-31")}, []store.FunnelRow{
				row(u.B, store.FunnelCounts{Sessions: 1, Reached: 12, Registered: 1}),
			}},
			{"no commune", store.FunnelScope{Communes: []int64{}, From: h1From, To: h1To}, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := s.OutreachFunnel(t.Context(), c.sc)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) == 0 {
					got = nil
				}
				if d := cmp.Diff(c.want, got); d != "" {
					t.Errorf("funnel (-want +got):\n%s", d)
				}
			})
		}

		span, err := s.GetCampaignSpan(t.Context(), w.campaign)
		if err != nil {
			t.Fatal(err)
		}
		want := store.CampaignSpan{ID: w.campaign, Title: "Tuyên truyền khuyến công 2026", UnitID: u.A,
			StartsOn: kc.MustDate("2026-03-01"), EndsOn: kc.MustDate("2026-03-31"),
			FirstHeld: kc.MustDate("2026-03-10"), LastHeld: kc.MustDate("2026-03-20"), Communes: []int64{u.A}}
		if d := cmp.Diff(want, span, cmp.Comparer(func(x, y kc.Date) bool { return x == y })); d != "" {
			t.Errorf("campaign span (-want +got):\n%s", d)
		}
		if _, err := s.GetCampaignSpan(t.Context(), w.campaign+100); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("missing campaign: %v", err)
		}
	})
}
