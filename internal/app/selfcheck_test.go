package app_test

import (
	"slices"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/eligibility"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

// brewerAnswers are the answers of a rice-wine household business of four
// workers in Xã Đakrông, owned by a Pa Kô woman.
func brewerAnswers() app.SelfCheckAnswers {
	return app.SelfCheckAnswers{TradeCode: "RUOU_MEN_LA", CommuneCode: "19564", Workers: ptr(4), Registered: app.AnswerYes,
		Kind: kc.KindHouseholdBusiness, WomenOwned: true, EthnicMinorityOwned: true}
}

func TestSelfCheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := demoApp(t, s)
		ctx := t.Context() // no login: the public
		res, err := a.SelfCheck(ctx, brewerAnswers(), kc.Date{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Commune.Code != "19564" || res.Province.Code != "44" || !res.Facts.PriorityArea || res.Facts.CommuneType != "xa" {
			t.Errorf("place: %+v %+v, facts %+v", res.Commune, res.Province, res.Facts)
		}
		fit := func(code string) app.SelfCheckFit {
			t.Helper()
			i := slices.IndexFunc(res.Fits, func(f app.SelfCheckFit) bool { return f.Code == code })
			if i < 0 {
				t.Fatalf("no fit for %s in %v", code, res.Fits)
			}
			return res.Fits[i]
		}
		prov := fit("QT_VD_MAY_MOC")
		if prov.Status != eligibility.Eligible || prov.AmountMin != 0 || prov.AmountMax != 100_000_000 || prov.Unset || !prov.Example || len(prov.Missing) != 0 {
			t.Errorf("provincial machinery: %+v", prov)
		}
		nat := fit("MAY_MOC_TIEN_TIEN")
		if nat.Status != eligibility.NotEligible || len(nat.Missing) != 1 || nat.Missing[0].Gap != 6 || nat.Missing[0].State != eligibility.Fail {
			t.Errorf("national machinery: %+v", nat)
		}
		brand := fit("QT_VD_BAO_BI") // needs the years of activity, which the answers do not tell
		if brand.Status != eligibility.Undetermined || len(brand.Missing) != 1 || !slices.Contains(brand.Missing[0].Fields, "YearsActive") {
			t.Errorf("brand example: %+v", brand)
		}
		rank := map[string]int{eligibility.Eligible: 0, eligibility.Undetermined: 1, eligibility.NotEligible: 2}
		if !slices.IsSortedFunc(res.Fits, func(x, y app.SelfCheckFit) int { return rank[x.Status] - rank[y.Status] }) {
			t.Error("fits are not eligible first")
		}
		ns := res.NextStep
		if ns.CommunePC != "UBND xã Đakrông" || ns.ProvinceCentre != "Trung tâm Khuyến công tỉnh Quảng Trị" {
			t.Errorf("next step %+v", ns)
		}
		if msg := locale.T(locale.Default, ns.Key, ns.Args...); !strings.Contains(msg, "UBND xã Đakrông") {
			t.Errorf("next step %q", msg)
		}
		// Unknown answers: undetermined, never a wrong "not eligible".
		unknown := app.SelfCheckAnswers{CommuneCode: "19564"}
		res, err = a.SelfCheck(ctx, unknown, kc.Date{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Fits {
			if f.Code == "MAY_MOC_TIEN_TIEN" && f.Status != eligibility.Undetermined {
				t.Errorf("nothing known: %s is %s", f.Code, f.Status)
			}
		}
		// A person who gives no commune gets the national schemes and a
		// generic next step.
		res, err = a.SelfCheck(ctx, app.SelfCheckAnswers{Workers: ptr(3)}, kc.Date{})
		if err != nil || res.NextStep.Key != "selfcheck.next_step_generic" || slices.ContainsFunc(res.Fits, func(f app.SelfCheckFit) bool { return f.Level != "national" }) {
			t.Errorf("no commune: %+v (%v)", res.NextStep, err)
		}
		cases := []struct {
			name   string
			mutate func(a *app.SelfCheckAnswers)
			fields []string
		}{
			{"negative workers", func(a *app.SelfCheckAnswers) { a.Workers = ptr(-1) }, []string{"workers"}},
			{"more than 100,000 workers", func(a *app.SelfCheckAnswers) { a.Workers = ptr(100_001) }, []string{"workers"}},
			{"negative revenue", func(a *app.SelfCheckAnswers) { a.Revenue = ptr(int64(-5)) }, []string{"revenue"}},
			{"absurd revenue", func(a *app.SelfCheckAnswers) { a.Revenue = ptr(int64(1) << 62) }, []string{"revenue"}},
			{"unknown trade and commune", func(a *app.SelfCheckAnswers) { a.TradeCode, a.CommuneCode = "XYZ", "99999" }, []string{"trade", "commune"}},
			{"a former commune code", func(a *app.SelfCheckAnswers) { a.CommuneCode = "19576" }, []string{"commune"}},
			{"a province code", func(a *app.SelfCheckAnswers) { a.CommuneCode = "44" }, []string{"commune"}},
			{"bad kind and answer", func(a *app.SelfCheckAnswers) { a.Kind, a.Registered = "factory", "maybe" }, []string{"kind", "registered"}},
			{"an unregistered cooperative", func(a *app.SelfCheckAnswers) { a.Kind, a.Registered = kc.KindCooperative, app.AnswerNo }, []string{"registered"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				ans := brewerAnswers()
				c.mutate(&ans)
				_, err := a.SelfCheck(ctx, ans, kc.Date{})
				var got []string
				for _, fe := range kc.FieldErrors(err) {
					got = append(got, fe.Field)
					if !locale.Has(fe.Key) {
						t.Errorf("key %q has no message", fe.Key)
					}
				}
				if kc.ErrorCode(err) != kc.EInvalid || !slices.Equal(got, c.fields) {
					t.Errorf("fields %v (%v), want %v", got, err, c.fields)
				}
			})
		}
	})
}

func TestRequestContact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := demoApp(t, s)
		ctx := t.Context()
		before, err := a.ListAudit(app.WithPrincipal(ctx, app.System), "need_request", 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		bad := []struct {
			name         string
			personName   string
			phone        string
			consent      bool
			wantedFields []string
		}{
			{"no consent", "Hồ Thị Bhía", "0912345678", false, []string{"consent"}},
			{"no name and a bad phone", " ", "12ab", true, []string{"name", "phone"}},
		}
		for _, c := range bad {
			_, err := a.RequestContact(ctx, brewerAnswers(), c.personName, c.phone, c.consent)
			var got []string
			for _, fe := range kc.FieldErrors(err) {
				got = append(got, fe.Field)
			}
			if !slices.Equal(got, c.wantedFields) {
				t.Errorf("%s: %v (%v)", c.name, got, err)
			}
		}
		ans := brewerAnswers()
		ans.Workers = ptr(-2)
		if _, err := a.RequestContact(ctx, ans, "Hồ Thị Bhía", "0912345678", true); kc.ErrorCode(err) != kc.EInvalid {
			t.Errorf("nonsense answers: %v", err)
		}
		after, _ := a.ListAudit(app.WithPrincipal(ctx, app.System), "need_request", 0, 100)
		if len(after) != len(before) {
			t.Fatal("a refused request was recorded")
		}
		rcpt, err := a.RequestContact(ctx, brewerAnswers(), "Hồ Thị Bhía", "091 234 5678", true)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(rcpt.TrackingCode, "NC-") || len(rcpt.TrackingCode) != 13 || rcpt.CommuneName != "Xã Đakrông" {
			t.Errorf("receipt %+v", rcpt)
		}
		n, err := s.GetNeedRequest(ctx, rcpt.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		if n.Name != "Hồ Thị Bhía" || len(n.PhoneSealed.Enc) == 0 || strings.Contains(string(n.PhoneSealed.Enc), "0912345678") ||
			n.Status != "new" || n.Trade != "RUOU_MEN_LA" || !strings.Contains(n.Need, "QT_VD_MAY_MOC") && !strings.Contains(n.Need, "ví dụ") {
			t.Errorf("stored request %+v", n)
		}
		entries, err := a.ListAudit(app.WithPrincipal(ctx, app.System), "need_request", n.ID, 10)
		if err != nil || len(entries) != 1 || entries[0].Actor != "public" || strings.Contains(entries[0].After, "Bhía") ||
			strings.Contains(entries[0].After, "0912345678") || !strings.Contains(entries[0].After, rcpt.TrackingCode) {
			t.Errorf("audit %+v (%v)", entries, err)
		}
	})
}
