package app_test

import (
	"strings"
	"testing"
	"time"

	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

func fieldsOf(err error) []string {
	var out []string
	for _, fe := range kc.FieldErrors(err) {
		out = append(out, fe.Field)
	}
	return out
}

func TestNeedLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := apptest.NewScope(t, s)
		a, ctx := f.App, t.Context()
		in := app.NeedInput{Name: "Hồ Văn Pả", Phone: "0912 345 678", CommuneCode: f.CommuneA.Code, Need: "Cần máy dệt mới", Consent: true}

		bad := in
		bad.Consent, bad.Phone, bad.Need, bad.CommuneCode = false, "12ab", strings.Repeat("x", app.MaxNeedText+1), "00000"
		_, err := a.RegisterNeed(ctx, bad)
		if got := strings.Join(fieldsOf(err), ","); got != "consent,phone,commune,need" {
			t.Errorf("bad input fields %q", got)
		}
		rcpt, err := a.RegisterNeed(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		code := strings.TrimPrefix(rcpt.TrackingCode, "NC-")
		if len(code) != 8 || strings.ContainsAny(code, "0O1I") || rcpt.Repeated || rcpt.CommuneName != f.CommuneA.Name {
			t.Errorf("receipt %+v", rcpt)
		}
		// The same phone (typed differently), commune and need: same code, no new row.
		again := in
		again.Phone = "+84 912345678"
		rcpt2, err := a.RegisterNeed(ctx, again)
		if err != nil || rcpt2.TrackingCode != rcpt.TrackingCode || !rcpt2.Repeated {
			t.Errorf("duplicate: %+v %v", rcpt2, err)
		}
		other := in
		other.Need = "Cần học nghề"
		if r3, err := a.RegisterNeed(ctx, other); err != nil || r3.TrackingCode == rcpt.TrackingCode {
			t.Errorf("different need: %+v %v", r3, err)
		}
		admin := f.As(t, ctx, apptest.Admin)
		all, total, err := a.ListNeeds(admin, "", 0, 0)
		if err != nil || total != 2 || len(all) != 2 {
			t.Fatalf("list %d %v", total, err)
		}

		// The public lookup: status, never the name or phone.
		st, err := a.TrackNeed(ctx, " nc-"+strings.ToLower(code))
		if err != nil || st.Status != store.NeedNew || st.CommuneName != f.CommuneA.Name {
			t.Fatalf("track %+v %v", st, err)
		}
		if _, err := a.TrackNeed(ctx, "NC-ZZZZZZZZ"); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("unknown code: %v", err)
		}

		// Scope: officer B neither sees nor changes A's request.
		offA, offB := f.As(t, ctx, apptest.OfficerA), f.As(t, ctx, apptest.OfficerB)
		listB, totalB, err := a.ListNeeds(offB, "", 0, 0)
		if err != nil || totalB != 0 || len(listB) != 0 {
			t.Errorf("officer B sees %d (%v)", totalB, err)
		}
		listA, _, err := a.ListNeeds(offA, store.NeedNew, 0, 0)
		if err != nil || len(listA) != 2 {
			t.Fatalf("officer A list %v", err)
		}
		var id int64
		for _, n := range listA {
			if n.TrackingCode == rcpt.TrackingCode {
				id = n.ID
				if n.Phone == "" || strings.Contains(n.Phone, "345") || n.Name != "Hồ Văn Pả" {
					t.Errorf("officer view %+v", n)
				}
			}
		}
		if _, err := a.GetNeed(offB, id); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("officer B reads: %v", err)
		}
		handling := store.NeedHandling
		if _, err := a.UpdateNeed(offB, id, app.NeedUpdate{Status: &handling}); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("officer B changes: %v", err)
		}
		if _, err := a.UpdateNeed(f.As(t, ctx, apptest.Viewer), id, app.NeedUpdate{Status: &handling}); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("viewer changes: %v", err)
		}

		// Link: an establishment of another commune is refused, one in scope linked.
		if _, err := a.UpdateNeed(offA, id, app.NeedUpdate{EstablishmentID: &f.EstB.ID}); strings.Join(fieldsOf(err), ",") != "establishment_id" {
			t.Errorf("link outside scope: %v", err)
		}
		n, err := a.UpdateNeed(offA, id, app.NeedUpdate{EstablishmentID: &f.EstA.ID, Status: &handling})
		if err != nil || n.EstablishmentID != f.EstA.ID || n.EstablishmentName != f.EstA.Name || n.Status != store.NeedHandling {
			t.Fatalf("link: %+v %v", n, err)
		}
		// Transitions: answered needs an answer; an answer marks it answered.
		answered := store.NeedAnswered
		if _, err := a.UpdateNeed(offA, id, app.NeedUpdate{Status: &answered}); strings.Join(fieldsOf(err), ",") != "answer" {
			t.Errorf("answered without answer: %v", err)
		}
		bogus := "lost"
		if _, err := a.UpdateNeed(offA, id, app.NeedUpdate{Status: &bogus}); strings.Join(fieldsOf(err), ",") != "status" {
			t.Errorf("unknown status: %v", err)
		}
		answer := "Xã sẽ liên hệ trong tuần tới."
		if n, err = a.UpdateNeed(offA, id, app.NeedUpdate{Answer: &answer}); err != nil || n.Status != store.NeedAnswered || n.Answer != answer {
			t.Fatalf("answer: %+v %v", n, err)
		}
		closed, fresh := store.NeedClosed, store.NeedNew
		if n, err = a.UpdateNeed(offA, id, app.NeedUpdate{Status: &closed}); err != nil || n.Status != store.NeedClosed {
			t.Fatalf("close: %+v %v", n, err)
		}
		if _, err := a.UpdateNeed(offA, id, app.NeedUpdate{Status: &fresh}); strings.Join(fieldsOf(err), ",") != "status" {
			t.Errorf("closed → new: %v", err)
		}
		st, err = a.TrackNeed(ctx, rcpt.TrackingCode)
		if err != nil || st.Status != store.NeedClosed || st.Answer != answer {
			t.Errorf("track after answer %+v %v", st, err)
		}

		// Audit: creation and every change, without the name or phone.
		entries, err := a.ListAudit(app.WithPrincipal(ctx, app.System), "need_request", id, 20)
		if err != nil || len(entries) != 4 {
			t.Fatalf("audit %d %v", len(entries), err)
		}
		for _, e := range entries {
			if strings.Contains(e.Before+e.After, "Pả") || strings.Contains(e.Before+e.After, "345") {
				t.Errorf("audit leaks: %+v", e)
			}
		}

		// Create an establishment from a second request of commune A.
		var second int64
		for _, n := range listA {
			if n.ID != id {
				second = n.ID
			}
		}
		if _, err := a.CreateEstablishmentFromNeed(offB, second); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("create from outside scope: %v", err)
		}
		est, err := a.CreateEstablishmentFromNeed(offA, second)
		if err != nil || est.CommuneID != f.CommuneA.ID || est.Name != "Hồ Văn Pả" || est.Phone == "" {
			t.Fatalf("create from need: %+v %v", est, err)
		}
		if n, err := a.GetNeed(offA, second); err != nil || n.EstablishmentID != est.ID {
			t.Errorf("not linked: %+v %v", n, err)
		}
		if _, err := a.CreateEstablishmentFromNeed(offA, second); strings.Join(fieldsOf(err), ",") != "establishment_id" {
			t.Errorf("second create: %v", err)
		}

		// Reveal: audited with a reason, only in scope.
		if _, err := a.RevealNeedPhone(offA, id, ""); strings.Join(fieldsOf(err), ",") != "reason" {
			t.Errorf("reveal without reason: %v", err)
		}
		if p, err := a.RevealNeedPhone(offA, id, "gọi lại"); err != nil || p != "0912345678" {
			t.Errorf("reveal %q %v", p, err)
		}
		if _, err := a.RevealNeedPhone(offB, id, "gọi lại"); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("reveal outside scope: %v", err)
		}
	})
}

func TestNeedFormToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := apptest.NewScope(t, s).App
		now := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		a.Now = func() time.Time { return now }
		tok := a.NeedFormToken()
		if err := a.CheckNeedFormToken(tok); needErrKey(err) != "need.token_fast" {
			t.Errorf("at once: %v", err)
		}
		now = now.Add(5 * time.Second)
		if err := a.CheckNeedFormToken(tok); err != nil {
			t.Errorf("after 5 s: %v", err)
		}
		ts, _, _ := strings.Cut(tok, ".")
		if err := a.CheckNeedFormToken(ts + ".forged"); needErrKey(err) != "need.token_bad" {
			t.Errorf("forged: %v", err)
		}
		now = now.Add(app.NeedFormMaxAge)
		if err := a.CheckNeedFormToken(tok); needErrKey(err) != "need.token_stale" {
			t.Errorf("stale: %v", err)
		}
	})
}

func needErrKey(err error) string {
	if err == nil {
		return ""
	}
	return kc.AsError(err).Key
}
