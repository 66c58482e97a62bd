package app_test

import (
	"bytes"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

const (
	clearPhone = "0912345678"
	clearID    = "001234567890"
)

// personalFixture is the shared scope fixture with one establishment in
// commune A that has a phone, a personal ID and an ethnicity.
type personalFixture struct {
	*apptest.Scope
	st  *store.Store
	est kc.Establishment
}

func newPersonalFixture(t *testing.T, st *store.Store) *personalFixture {
	t.Helper()
	f := &personalFixture{Scope: apptest.NewScope(t, st), st: st}
	var err error
	f.est, err = f.App.CreateEstablishment(f.As(t, t.Context(), apptest.OfficerA), kc.Establishment{Kind: kc.KindHouseholdBusiness,
		Name: "Hộ rượu men lá Hồ Thị Lan", CommuneID: f.CommuneA.ID, OwnerName: "Hồ Thị Lan", OwnerGender: "female", OwnerEthnicity: "Vân Kiều",
		Phone: "+84 912 345 678", PersonalID: "0012 3456 7890"})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return f
}

func TestPersonalDataSealedAndMasked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newPersonalFixture(t, st)
		ctx := t.Context()
		raw, err := st.GetEstablishment(ctx, f.est.ID)
		if err != nil {
			t.Fatal(err)
		}
		if raw.Phone != "" || raw.PersonalID != "" || len(raw.PhoneSealed.Enc) == 0 || raw.PersonalIDSealed.Hash == "" {
			t.Fatalf("stored record: phone %q id %q sealed %+v", raw.Phone, raw.PersonalID, raw.PhoneSealed)
		}
		for _, b := range [][]byte{raw.PhoneSealed.Enc, raw.PersonalIDSealed.Enc, []byte(raw.PhoneSealed.Hash), []byte(raw.PersonalIDSealed.Hash)} {
			if bytes.Contains(b, []byte(clearPhone[4:])) || bytes.Contains(b, []byte(clearID[4:])) {
				t.Errorf("sealed value holds the clear digits: %x", b)
			}
		}
		cases := []struct {
			name string
			user string
		}{
			{"commune officer", apptest.OfficerA},
			{"province officer", apptest.Province},
			{"viewer", apptest.Viewer},
			{"admin", apptest.Admin},
		}
		for _, c := range cases {
			t.Run(c.name+" reads masked values", func(t *testing.T) {
				e, err := f.App.GetEstablishment(f.As(t, ctx, c.user), f.est.ID)
				if err != nil {
					t.Fatal(err)
				}
				if e.Phone != "09xx xxx 678" || e.PersonalID != "xxxxxxxx7890" || e.OwnerEthnicity != app.MaskedText || !e.PersonalMasked {
					t.Errorf("phone %q, id %q, ethnicity %q, masked %v", e.Phone, e.PersonalID, e.OwnerEthnicity, e.PersonalMasked)
				}
				if len(e.PhoneSealed.Enc) != 0 || e.PersonalIDSealed.Hash != "" {
					t.Error("the app hands out sealed values")
				}
				list, _, err := f.App.ListEstablishments(f.As(t, ctx, c.user), kc.EstablishmentFilter{Query: "Hồ Thị Lan"})
				if err != nil || len(list) != 1 || list[0].OwnerEthnicity != app.MaskedText {
					t.Errorf("list: %+v (%v)", list, err)
				}
			})
		}
	})
}

func TestRevealPersonal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newPersonalFixture(t, st)
		ctx := t.Context()
		cases := []struct {
			name   string
			user   string
			reason string
			code   string
			field  string
		}{
			{"viewer is forbidden", apptest.Viewer, "kiểm tra", kc.EForbidden, ""},
			{"officer of another commune gets not found", apptest.OfficerB, "kiểm tra", kc.ENotFound, ""},
			{"a reason is required", apptest.OfficerA, "   ", kc.EInvalid, "reason"},
			{"commune officer", apptest.OfficerA, "Gọi điện hẹn khảo sát", "", ""},
			{"province officer", apptest.Province, "Xác minh hồ sơ đề án", "", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				d, err := f.App.RevealPersonal(f.As(t, ctx, c.user), f.est.ID, c.reason)
				if kc.ErrorCode(err) != c.code {
					t.Fatalf("code %q, want %q (%v)", kc.ErrorCode(err), c.code, err)
				}
				if c.field != "" {
					if fes := kc.FieldErrors(err); len(fes) != 1 || fes[0].Field != c.field {
						t.Errorf("field errors %v", fes)
					}
				}
				if c.code == "" && (d.Phone != clearPhone || d.PersonalID != clearID || d.OwnerEthnicity != "Vân Kiều") {
					t.Errorf("revealed %+v", d)
				}
				if c.code != "" && d != (app.PersonalData{}) {
					t.Errorf("refused reveal returned %+v", d)
				}
			})
		}
		admin := app.WithPrincipal(ctx, app.System)
		entries, err := f.App.ListAudit(admin, "establishment", f.est.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		var reveals []kc.AuditEntry
		for _, e := range entries {
			for _, clear := range []string{clearPhone, clearID, "Vân Kiều", "912345678"} {
				if strings.Contains(e.Before+e.After, clear) {
					t.Errorf("audit entry %d (%s) holds %q: %s %s", e.ID, e.Action, clear, e.Before, e.After)
				}
			}
			if e.Action == kc.ActionReveal {
				reveals = append(reveals, e)
			}
		}
		if len(reveals) != 2 {
			t.Fatalf("%d reveal entries, want 2", len(reveals))
		}
		got := map[string]string{}
		for _, r := range reveals {
			got[r.Actor] = r.After
		}
		for user, reason := range map[string]string{apptest.OfficerA: "Gọi điện hẹn khảo sát", apptest.Province: "Xác minh hồ sơ đề án"} {
			if !strings.Contains(got[user], reason) || !strings.Contains(got[user], "personal_id") {
				t.Errorf("reveal by %s audited as %q", user, got[user])
			}
		}
	})
}

func TestEstablishmentValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newPersonalFixture(t, st)
		ctx := f.As(t, t.Context(), apptest.OfficerA)
		base := kc.Establishment{Kind: kc.KindHousehold, Name: "Hộ đan gùi", CommuneID: f.CommuneA.ID}
		with := func(mod func(*kc.Establishment)) kc.Establishment {
			e := base
			mod(&e)
			return e
		}
		cases := []struct {
			name  string
			e     kc.Establishment
			field string
			key   string
		}{
			{"name required", with(func(e *kc.Establishment) { e.Name = "  " }), "name", "field.required"},
			{"name too long", with(func(e *kc.Establishment) { e.Name = strings.Repeat("a", 201) }), "name", "field.too_long"},
			{"kind required", with(func(e *kc.Establishment) { e.Kind = "" }), "kind", "field.required"},
			{"kind unknown", with(func(e *kc.Establishment) { e.Kind = "factory" }), "kind", "field.invalid_choice"},
			{"size class outside enterprises", with(func(e *kc.Establishment) { e.SizeClass = kc.SizeSmall }), "size_class", "est.size_class_enterprise_only"},
			{"size class unknown", with(func(e *kc.Establishment) { e.Kind, e.SizeClass = kc.KindEnterprise, "huge" }), "size_class", "field.invalid_choice"},
			{"phone with letters", with(func(e *kc.Establishment) { e.Phone = "09123abc78" }), "phone", "personal.phone_invalid"},
			{"phone too short", with(func(e *kc.Establishment) { e.Phone = "091234" }), "phone", "personal.phone_invalid"},
			{"personal id of 9 digits", with(func(e *kc.Establishment) { e.PersonalID = "123456789" }), "personal_id", "personal.id_invalid"},
			{"personal id with letters", with(func(e *kc.Establishment) { e.PersonalID = "00123456789A" }), "personal_id", "personal.id_invalid"},
			{"birth year too old", with(func(e *kc.Establishment) { e.OwnerBirthYear = 1850 }), "owner_birth_year", "est.year_range"},
			{"birth year in the future", with(func(e *kc.Establishment) { e.OwnerBirthYear = 2100 }), "owner_birth_year", "est.year_range"},
			{"founded in the future", with(func(e *kc.Establishment) { e.FoundedYear = 2100 }), "founded_year", "est.year_range"},
			{"gender unknown", with(func(e *kc.Establishment) { e.OwnerGender = "x" }), "owner_gender", "field.invalid_choice"},
			{"latitude", with(func(e *kc.Establishment) { e.HasLocation, e.Lat, e.Lon = true, 91, 106 }), "lat", "est.lat_range"},
			{"longitude", with(func(e *kc.Establishment) { e.HasLocation, e.Lat, e.Lon = true, 16, -200 }), "lon", "est.lon_range"},
			{"artisan unknown", with(func(e *kc.Establishment) { e.Artisan = "master" }), "artisan", "field.invalid_choice"},
			{"commune missing", with(func(e *kc.Establishment) { e.CommuneID = 0 }), "commune_id", "field.required"},
			{"commune unknown", with(func(e *kc.Establishment) { e.CommuneID = 999999 }), "commune_id", "est.commune_not_current"},
			{"province is no commune", with(func(e *kc.Establishment) { e.CommuneID = f.Province.ID }), "commune_id", "est.commune_not_current"},
			{"trade unknown", with(func(e *kc.Establishment) { e.TradeIDs = []int64{999999} }), "trade_ids", "est.trade_unknown"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := f.App.CreateEstablishment(ctx, c.e)
				if kc.ErrorCode(err) != kc.EInvalid {
					t.Fatalf("code %q, want invalid (%v)", kc.ErrorCode(err), err)
				}
				fes := kc.FieldErrors(err)
				if len(fes) != 1 || fes[0].Field != c.field || fes[0].Key != c.key {
					t.Errorf("field errors %v, want %s on %s", fes, c.key, c.field)
				}
			})
		}
		t.Run("several errors at once", func(t *testing.T) {
			_, err := f.App.CreateEstablishment(ctx, with(func(e *kc.Establishment) { e.Name, e.Phone, e.PersonalID = "", "abc", "1" }))
			if fes := kc.FieldErrors(err); len(fes) != 3 {
				t.Errorf("field errors %v, want 3", fes)
			}
		})
		t.Run("facts", func(t *testing.T) {
			facts := []struct {
				name  string
				f     kc.EstablishmentFact
				field string
			}{
				{"negative workers", kc.EstablishmentFact{Year: 2025, Workers: -1}, "workers"},
				{"more women than workers", kc.EstablishmentFact{Year: 2025, Workers: 2, WomenWorkers: 3}, "women_workers"},
				{"more ethnic-minority than workers", kc.EstablishmentFact{Year: 2025, Workers: 2, EthnicMinorityWorkers: 3}, "ethnic_minority_workers"},
				{"negative revenue", kc.EstablishmentFact{Year: 2025, Revenue: -5}, "revenue"},
				{"negative capital", kc.EstablishmentFact{Year: 2025, Capital: -5}, "capital"},
				{"future year", kc.EstablishmentFact{Year: 2100}, "year"},
				{"unknown source", kc.EstablishmentFact{Year: 2025, Source: "rumour"}, "source"},
			}
			for _, c := range facts {
				t.Run(c.name, func(t *testing.T) {
					c.f.EstablishmentID = f.est.ID
					_, err := f.App.PutFact(ctx, c.f)
					if fes := kc.FieldErrors(err); len(fes) != 1 || fes[0].Field != c.field {
						t.Errorf("field errors %v (%v), want one on %s", fes, err, c.field)
					}
				})
			}
		})
	})
}

func TestEstablishmentWriteScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newPersonalFixture(t, st)
		ctx := t.Context()
		officerA := f.As(t, ctx, apptest.OfficerA)
		b := f.CommuneB.ID
		cases := []struct {
			name  string
			do    func() error
			code  string
			field string
		}{
			{"officer A cannot create in B", func() error {
				_, err := f.App.CreateEstablishment(officerA, kc.Establishment{Kind: kc.KindHousehold, Name: "Lấn sân", CommuneID: b})
				return err
			}, kc.EForbidden, "commune_id"},
			{"officer A cannot move A's establishment to B", func() error {
				_, err := f.App.UpdateEstablishment(officerA, f.est.ID, kc.EstablishmentUpdate{CommuneID: &b})
				return err
			}, kc.EForbidden, "commune_id"},
			{"officer A gets not found for B", func() error {
				_, err := f.App.GetEstablishment(officerA, f.EstB.ID)
				return err
			}, kc.ENotFound, ""},
			{"officer A cannot delete B", func() error { return f.App.DeleteEstablishment(officerA, f.EstB.ID) }, kc.ENotFound, ""},
			{"officer A cannot write B's facts", func() error {
				_, err := f.App.PutFact(officerA, kc.EstablishmentFact{EstablishmentID: f.EstB.ID, Year: 2025})
				return err
			}, kc.ENotFound, ""},
			{"viewer cannot create", func() error {
				_, err := f.App.CreateEstablishment(f.As(t, ctx, apptest.Viewer), kc.Establishment{Kind: kc.KindHousehold, Name: "Xem", CommuneID: f.CommuneA.ID})
				return err
			}, kc.EForbidden, ""},
			{"viewer cannot delete", func() error { return f.App.DeleteEstablishment(f.As(t, ctx, apptest.Viewer), f.est.ID) }, kc.EForbidden, ""},
			{"province officer moves A's establishment to B", func() error {
				_, err := f.App.UpdateEstablishment(f.As(t, ctx, apptest.Province), f.EstA.ID, kc.EstablishmentUpdate{CommuneID: &b})
				return err
			}, "", ""},
			{"officer A no longer sees the moved one", func() error {
				_, err := f.App.GetEstablishment(officerA, f.EstA.ID)
				return err
			}, kc.ENotFound, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				err := c.do()
				if kc.ErrorCode(err) != c.code {
					t.Fatalf("code %q, want %q (%v)", kc.ErrorCode(err), c.code, err)
				}
				if c.field != "" {
					if fes := kc.FieldErrors(err); len(fes) != 1 || fes[0].Field != c.field {
						t.Errorf("field errors %v, want one on %s", fes, c.field)
					}
				}
			})
		}
		if e, err := st.GetEstablishment(ctx, f.est.ID); err != nil || e.CommuneID != f.CommuneA.ID {
			t.Errorf("the refused move changed the commune: %+v (%v)", e, err)
		}
	})
}

func TestUpdatePersonalValues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newPersonalFixture(t, st)
		ctx := f.As(t, t.Context(), apptest.OfficerA)
		str := func(s string) *string { return &s }
		steps := []struct {
			name          string
			upd           kc.EstablishmentUpdate
			phone, pid    string // clear values after the step
			ethnicity     string
			changedFields []string
		}{
			{"masked values sent back keep the stored ones", kc.EstablishmentUpdate{Phone: str("09xx xxx 678"), PersonalID: str("xxxxxxxx7890"), OwnerEthnicity: str(app.MaskedText), Notes: str("đã xem")},
				clearPhone, clearID, "Vân Kiều", nil},
			{"a new phone", kc.EstablishmentUpdate{Phone: str("0987.654.321")}, "0987654321", clearID, "Vân Kiều", []string{"phone"}},
			{"clearing the personal id", kc.EstablishmentUpdate{PersonalID: str("")}, "0987654321", "", "Vân Kiều", []string{"personal_id"}},
			{"a new ethnicity", kc.EstablishmentUpdate{OwnerEthnicity: str("Pa Kô")}, "0987654321", "", "Pa Kô", []string{"owner_ethnicity"}},
		}
		admin := app.WithPrincipal(t.Context(), app.System)
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				if _, err := f.App.UpdateEstablishment(ctx, f.est.ID, s.upd); err != nil {
					t.Fatal(err)
				}
				d, err := f.App.RevealPersonal(ctx, f.est.ID, "kiểm tra sau khi sửa")
				if err != nil || d.Phone != s.phone || d.PersonalID != s.pid || d.OwnerEthnicity != s.ethnicity {
					t.Errorf("revealed %+v (%v), want %s %s %s", d, err, s.phone, s.pid, s.ethnicity)
				}
				entries, err := f.App.ListAudit(admin, "establishment", f.est.ID, 50)
				if err != nil {
					t.Fatal(err)
				}
				var last kc.AuditEntry
				for _, e := range entries {
					if e.Action == kc.ActionUpdate && e.ID > last.ID {
						last = e
					}
				}
				for _, field := range s.changedFields {
					if !strings.Contains(last.After, `"`+field+`"`) {
						t.Errorf("audit after %s does not name %s as changed", last.After, field)
					}
				}
				if s.changedFields == nil && strings.Contains(last.After, "PersonalChanged") {
					t.Errorf("audit names a change that did not happen: %s", last.After)
				}
				for _, clear := range []string{s.phone, s.pid, "Pa Kô", "Vân Kiều"} {
					if clear != "" && strings.Contains(last.Before+last.After, clear) {
						t.Errorf("audit holds %q", clear)
					}
				}
			})
		}
	})
}

func TestNoSecretRefusesPersonalData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sc := apptest.NewScope(t, st)
		a := app.New(st, nil) // no SetSecret
		a.Now = st.Now
		ctx := app.WithPrincipal(t.Context(), app.System)
		_, err := a.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindHousehold, Name: "Hộ không khóa", CommuneID: sc.CommuneA.ID, Phone: clearPhone})
		if fes := kc.FieldErrors(err); len(fes) != 1 || fes[0].Field != "phone" || fes[0].Key != "personal.no_secret" {
			t.Errorf("create without a secret: %v", err)
		}
		if _, err := a.CreateEstablishment(ctx, kc.Establishment{Kind: kc.KindHousehold, Name: "Hộ không số", CommuneID: sc.CommuneA.ID}); err != nil {
			t.Errorf("a record without personal values needs no secret: %v", err)
		}
		if err := a.SetSecret([]byte("short")); kc.ErrorCode(err) != kc.EInvalid {
			t.Errorf("short secret: %v", err)
		}
	})
}

func TestFindDuplicatesInScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newPersonalFixture(t, st)
		ctx := t.Context()
		// A twin in commune B with the same phone.
		if _, err := f.App.CreateEstablishment(f.As(t, ctx, apptest.OfficerB), kc.Establishment{Kind: kc.KindHousehold, Name: "Hộ khác", CommuneID: f.CommuneB.ID, Phone: "0912 345 678"}); err != nil {
			t.Fatal(err)
		}
		probe := kc.Establishment{Name: "HO RUOU MEN LA HO THI LAN", CommuneID: f.CommuneA.ID, Phone: "0912345678", PersonalID: clearID}
		cases := []struct {
			name          string
			user          string
			names, phones int
			personalIDs   int
		}{
			{"commune officer sees only own commune", apptest.OfficerA, 1, 1, 1},
			{"province officer sees both", apptest.Province, 1, 2, 1},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				d, err := f.App.FindDuplicates(f.As(t, ctx, c.user), probe)
				if err != nil {
					t.Fatal(err)
				}
				if len(d.SameName) != c.names || len(d.SamePhone) != c.phones || len(d.SamePersonalID) != c.personalIDs {
					t.Errorf("duplicates %+v", d)
				}
			})
		}
	})
}
