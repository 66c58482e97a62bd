package store_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"khuyencong/internal/crypto"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"

	"github.com/google/go-cmp/cmp"
)

// testKeys seals personal values the way the app does, so the store tests
// can check what reaches the database.
func testKeys(t *testing.T) *crypto.Keyring {
	t.Helper()
	k, err := crypto.New([]byte("store-test-secret-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func sealed(t *testing.T, k *crypto.Keyring, field, v string) kc.Sealed {
	t.Helper()
	enc, err := k.Seal(field, v)
	if err != nil {
		t.Fatal(err)
	}
	return kc.Sealed{Enc: enc, Hash: k.Hash(field, v)}
}

func TestPersonalDataAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := addRegistryUnits(t, s)
		k := testKeys(t)
		const phone, pid = "0912345678", "001234567890"
		e, err := s.CreateEstablishment(ctx, kc.Establishment{Name: "Hộ dệt Hồ Thị Lan", CommuneID: u.A, Kind: kc.KindHousehold,
			PhoneSealed: sealed(t, k, "phone", phone), PersonalIDSealed: sealed(t, k, "personal_id", pid)})
		if err != nil {
			t.Fatal(err)
		}
		// The raw row: every column, read as text or bytes, holds neither
		// clear value, and the sealed columns hold what the app gave.
		rows, err := store.RawDB(s).QueryContext(ctx, store.Rebind(s, "SELECT * FROM establishment WHERE id = $1"), e.ID)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		if !rows.Next() {
			t.Fatal("no row")
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		for i, c := range cols {
			var b []byte
			switch v := vals[i].(type) {
			case []byte:
				b = v
			case string:
				b = []byte(v)
			}
			for _, clear := range []string{phone, pid, phone[3:], pid[4:]} {
				if bytes.Contains(b, []byte(clear)) {
					t.Errorf("column %s holds the clear value %s", c, clear)
				}
			}
		}
		got, err := s.GetEstablishment(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := k.Open("phone", got.PhoneSealed.Enc); err != nil || v != phone {
			t.Errorf("phone opens to %q (%v)", v, err)
		}
		if v, err := k.Open("personal_id", got.PersonalIDSealed.Enc); err != nil || v != pid || got.PersonalIDSealed.Hash != k.Hash("personal_id", pid) {
			t.Errorf("personal id opens to %q (%v), hash %q", v, err, got.PersonalIDSealed.Hash)
		}
		cases := []struct {
			name string
			e    kc.Establishment
		}{
			{"clear phone", kc.Establishment{Name: "x", CommuneID: u.A, Kind: kc.KindHousehold, Phone: phone}},
			{"clear personal id", kc.Establishment{Name: "x", CommuneID: u.A, Kind: kc.KindHousehold, PersonalID: pid}},
		}
		for _, c := range cases {
			t.Run(c.name+" refused on create", func(t *testing.T) {
				if _, err := s.CreateEstablishment(ctx, c.e); err == nil {
					t.Error("the store accepted a clear personal value")
				}
			})
		}
		t.Run("clear phone refused on update", func(t *testing.T) {
			p := phone
			if _, err := s.UpdateEstablishment(ctx, e.ID, kc.EstablishmentUpdate{Phone: &p}); err == nil {
				t.Error("the store accepted a clear personal value")
			}
		})
		t.Run("update clears the phone", func(t *testing.T) {
			got, err := s.UpdateEstablishment(ctx, e.ID, kc.EstablishmentUpdate{PhoneSealed: &kc.Sealed{}})
			if err != nil || !got.PhoneSealed.IsZero() || got.PersonalIDSealed.IsZero() {
				t.Errorf("after clearing: phone %+v, id %+v (%v)", got.PhoneSealed, got.PersonalIDSealed, err)
			}
		})
	})
}

func TestUpdateEveryField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := addRegistryUnits(t, s)
		tr := seedTrades(t, s)
		e, err := s.CreateEstablishment(ctx, kc.Establishment{Name: "Hộ mộc", CommuneID: u.A, Kind: kc.KindHousehold, TradeIDs: []int64{tr["MOC"]}})
		if err != nil {
			t.Fatal(err)
		}
		str := func(s string) *string { return &s }
		yes, year, commune := true, 1980, u.B
		date := kc.MustDate("2020-03-04")
		trades := []int64{tr["RUOU"], tr["DET"]}
		got, err := s.UpdateEstablishment(ctx, e.ID, kc.EstablishmentUpdate{
			Kind: str(kc.KindEnterprise), SizeClass: str(kc.SizeSmall), CommuneID: &commune, Location: &kc.Location{Set: true, Lat: 16.6, Lon: 106.9},
			OwnerName: str("Hồ Văn Pả"), OwnerGender: str("male"), OwnerEthnicity: str("Vân Kiều"), OwnerBirthYear: &year,
			WomenOwned: &yes, EthnicMinorityOwned: &yes, FoundedYear: &year, RegistrationNo: str("32A8001234"), RegistrationDate: &date,
			TraditionalCraft: &yes, CraftVillage: &yes, Artisan: str(kc.ArtisanFolk), TradeIDs: &trades,
		})
		if err != nil {
			t.Fatal(err)
		}
		want := kc.Establishment{ID: e.ID, Kind: kc.KindEnterprise, SizeClass: kc.SizeSmall, Name: "Hộ mộc", CommuneID: u.B, Lat: 16.6, Lon: 106.9, HasLocation: true,
			OwnerName: "Hồ Văn Pả", OwnerGender: "male", OwnerEthnicity: "Vân Kiều", OwnerBirthYear: 1980, WomenOwned: true, EthnicMinorityOwned: true,
			FoundedYear: 1980, RegistrationNo: "32A8001234", RegistrationDate: date, TraditionalCraft: true, CraftVillage: true, Artisan: kc.ArtisanFolk,
			TradeIDs: trades, Version: 2, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(kc.Date{})); diff != "" {
			t.Errorf("after update (-want +got):\n%s", diff)
		}
		got, err = s.UpdateEstablishment(ctx, e.ID, kc.EstablishmentUpdate{Location: &kc.Location{}})
		if err != nil || got.HasLocation {
			t.Errorf("location not cleared: %+v (%v)", got, err)
		}
	})
}

// checkCounts compares the maintained dashboard counts with a fresh count.
func checkCounts(t *testing.T, s *store.Store, scope []int64, workers int64) {
	t.Helper()
	got, err := s.DashboardCounts(t.Context(), scope, 2026)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := s.DashboardCountsRaw(t.Context(), scope, 2026, true)
	if err != nil {
		t.Fatal(err)
	}
	if got.WorkersLatest != workers || got.Establishments != raw.Establishments || got.WorkersLatest != raw.WorkersLatest {
		t.Errorf("counts %d establishments / %d workers, raw %d / %d, want %d workers",
			got.Establishments, got.WorkersLatest, raw.Establishments, raw.WorkersLatest, workers)
	}
}

func TestFactsKeepDashboardExact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := addRegistryUnits(t, s)
		e, err := s.CreateEstablishment(ctx, kc.Establishment{Name: "Hộ rượu", CommuneID: u.A, Kind: kc.KindHousehold})
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.CreateEstablishment(ctx, kc.Establishment{Name: "Hộ đan", CommuneID: u.A, Kind: kc.KindHousehold})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.UpsertFact(ctx, kc.EstablishmentFact{EstablishmentID: other.ID, Year: 2025, Workers: 10}); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			name      string
			do        func() error
			a, b      int64 // latest workers of communes A and B
			wantYears []int
		}{
			{"first year", func() error {
				return s.UpsertFact(ctx, kc.EstablishmentFact{EstablishmentID: e.ID, Year: 2023, Workers: 3})
			}, 13, 0, []int{2023}},
			{"newer year", func() error {
				return s.UpsertFact(ctx, kc.EstablishmentFact{EstablishmentID: e.ID, Year: 2025, Workers: 6})
			}, 16, 0, []int{2023, 2025}},
			{"delete an older year", func() error { return s.DeleteFact(ctx, e.ID, 2023) }, 16, 0, []int{2025}},
			{"older year again", func() error {
				return s.UpsertFact(ctx, kc.EstablishmentFact{EstablishmentID: e.ID, Year: 2024, Workers: 2})
			}, 16, 0, []int{2024, 2025}},
			{"delete the latest year falls back", func() error { return s.DeleteFact(ctx, e.ID, 2025) }, 12, 0, []int{2024}},
			{"move to B", func() error {
				_, err := s.UpdateEstablishment(ctx, e.ID, kc.EstablishmentUpdate{CommuneID: &u.B})
				return err
			}, 10, 2, []int{2024}},
			{"delete the last year", func() error { return s.DeleteFact(ctx, e.ID, 2024) }, 10, 0, nil},
			{"delete the establishment", func() error {
				if err := s.UpsertFact(ctx, kc.EstablishmentFact{EstablishmentID: e.ID, Year: 2026, Workers: 7}); err != nil {
					return err
				}
				return s.DeleteEstablishment(ctx, e.ID)
			}, 10, 0, nil},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				if err := st.do(); err != nil {
					t.Fatal(err)
				}
				checkCounts(t, s, []int64{u.A}, st.a)
				checkCounts(t, s, []int64{u.B}, st.b)
				checkCounts(t, s, nil, st.a+st.b)
				facts, _ := s.ListFacts(ctx, e.ID)
				var years []int
				for _, f := range facts {
					years = append(years, f.Year)
				}
				if !slices.Equal(years, st.wantYears) {
					t.Errorf("years %v, want %v", years, st.wantYears)
				}
			})
		}
		if err := s.DeleteFact(ctx, other.ID, 1999); kc.ErrorCode(err) != kc.ENotFound {
			t.Errorf("deleting a missing year: %v", err)
		}
		if _, err := s.GetFact(ctx, other.ID, 2025); err != nil {
			t.Errorf("get fact: %v", err)
		}
	})
}

func TestDeleteEstablishment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := addRegistryUnits(t, s)
		ben, err := s.CreateEstablishment(ctx, kc.Establishment{Name: "Hộ thụ hưởng", CommuneID: u.A, Kind: kc.KindHousehold})
		if err != nil {
			t.Fatal(err)
		}
		plain, err := s.CreateEstablishment(ctx, kc.Establishment{Name: "Hộ thường", CommuneID: u.A, Kind: kc.KindHousehold})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateProject(ctx, kc.Project{Code: "P1", Title: "Đề án", Year: 2025, Level: "local", ContentArea: kc.ContentDemoTech, CommuneID: u.A,
			State: kc.StateApproved, Beneficiaries: []int64{ben.ID}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateCertificate(ctx, kc.Certificate{EstablishmentID: plain.ID, Kind: kc.CertOCOP, Stars: 3, Year: 2024}); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name string
			id   int64
			code string
		}{
			{"project beneficiary is kept", ben.ID, kc.EConflict},
			{"plain establishment goes", plain.ID, ""},
			{"twice is not found", plain.ID, kc.ENotFound},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if err := s.DeleteEstablishment(ctx, c.id); kc.ErrorCode(err) != c.code {
					t.Errorf("code %q, want %q (%v)", kc.ErrorCode(err), c.code, err)
				}
			})
		}
		if _, err := s.GetEstablishment(ctx, ben.ID); err != nil {
			t.Errorf("beneficiary gone: %v", err)
		}
		if certs, err := s.ListCertificates(ctx, plain.ID); err != nil || len(certs) != 0 {
			t.Errorf("certificates of a deleted establishment: %v (%v)", certs, err)
		}
	})
}

func TestFindDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := addRegistryUnits(t, s)
		k := testKeys(t)
		mk := func(name string, commune int64, phone, pid string) int64 {
			t.Helper()
			e := kc.Establishment{Name: name, CommuneID: commune, Kind: kc.KindHousehold}
			if phone != "" {
				e.PhoneSealed = sealed(t, k, "phone", phone)
			}
			if pid != "" {
				e.PersonalIDSealed = sealed(t, k, "personal_id", pid)
			}
			c, err := s.CreateEstablishment(ctx, e)
			if err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		a1 := mk("Rượu men lá Đá Bàn", u.A, "0912345678", "")
		a2 := mk("Cơ sở khác", u.A, "", "001234567890")
		b1 := mk("Rượu men lá Đá Bàn", u.B, "0912345678", "001234567890")
		cases := []struct {
			name       string
			title      string
			commune    int64
			phone, pid string
			except     int64
			want       kc.Duplicates
		}{
			{"same folded name in the same commune", "ruou men la da ban", u.A, "", "", 0, kc.Duplicates{SameName: []int64{a1}}},
			{"same name elsewhere is no duplicate", "Rượu men lá Đá Bàn", u.OA, "", "", 0, kc.Duplicates{}},
			{"same phone anywhere", "Khác", u.B, "0912345678", "", 0, kc.Duplicates{SamePhone: []int64{a1, b1}}},
			{"same personal id", "Khác", u.B, "", "001234567890", 0, kc.Duplicates{SamePersonalID: []int64{a2, b1}}},
			{"itself is left out", "Rượu men lá Đá Bàn", u.B, "0912345678", "001234567890", b1, kc.Duplicates{SamePhone: []int64{a1}, SamePersonalID: []int64{a2}}},
			{"nothing in common", "Mộc", u.A, "0987654321", "009999999999", 0, kc.Duplicates{}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				d, err := s.FindDuplicates(ctx, c.title, c.commune, k.Hash("phone", c.phone), k.Hash("personal_id", c.pid), c.except)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(c.want, d); diff != "" {
					t.Errorf("duplicates (-want +got):\n%s", diff)
				}
			})
		}
	})
}

func TestEstablishmentRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := addRegistryUnits(t, s)
		e, err := s.CreateEstablishment(ctx, kc.Establishment{Name: "HTX rượu", CommuneID: u.A, Kind: kc.KindCooperative})
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.CreateCertificate(ctx, kc.Certificate{EstablishmentID: e.ID, Kind: kc.CertOCOP, Stars: 4, Product: "Rượu men lá", Year: 2024, ValidUntil: kc.MustDate("2027-12-31")})
		if err != nil {
			t.Fatal(err)
		}
		l, err := s.CreateLicence(ctx, kc.Licence{EstablishmentID: e.ID, Kind: "Giấy phép sản xuất rượu thủ công", Number: "12/GP", Issuer: "UBND xã", IssuedOn: kc.MustDate("2024-01-02")})
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.CreateArtisan(ctx, kc.ArtisanRecord{EstablishmentID: e.ID, Name: "Hồ Văn Pả", Title: kc.ArtisanFolk, RecognisedYear: 2019})
		if err != nil {
			t.Fatal(err)
		}
		certs, err := s.ListCertificates(ctx, e.ID)
		if err != nil || !cmp.Equal(certs, []kc.Certificate{c}, cmp.AllowUnexported(kc.Date{})) {
			t.Errorf("certificates %+v (%v), want %+v", certs, err, c)
		}
		lics, err := s.ListLicences(ctx, e.ID)
		if err != nil || !cmp.Equal(lics, []kc.Licence{l}, cmp.AllowUnexported(kc.Date{})) {
			t.Errorf("licences %+v (%v), want %+v", lics, err, l)
		}
		arts, err := s.ListArtisans(ctx, e.ID)
		if err != nil || !cmp.Equal(arts, []kc.ArtisanRecord{a}) {
			t.Errorf("artisans %+v (%v), want %+v", arts, err, a)
		}
		deletes := []struct {
			name string
			del  func(ctx context.Context, est, id int64) error
			id   int64
		}{
			{"certificate", s.DeleteCertificate, c.ID},
			{"licence", s.DeleteLicence, l.ID},
			{"artisan", s.DeleteArtisan, a.ID},
		}
		for _, d := range deletes {
			t.Run("delete "+d.name, func(t *testing.T) {
				if err := d.del(ctx, e.ID+1, d.id); kc.ErrorCode(err) != kc.ENotFound {
					t.Errorf("delete through another establishment: %v", err)
				}
				if err := d.del(ctx, e.ID, d.id); err != nil {
					t.Fatal(err)
				}
				if err := d.del(ctx, e.ID, d.id); kc.ErrorCode(err) != kc.ENotFound {
					t.Errorf("second delete: %v", err)
				}
			})
		}
	})
}
