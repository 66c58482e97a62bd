package app_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/sheet"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// importApp returns an app over st with the national units, the trade
// catalogue and a secret, and a context of the system principal.
func importApp(t *testing.T, st *store.Store) (*app.App, context.Context) {
	t.Helper()
	a := app.New(st, nil)
	a.Now = st.Now
	if err := a.SetSecret([]byte(apptest.Secret)); err != nil {
		t.Fatal(err)
	}
	ctx := app.WithPrincipal(context.Background(), app.System)
	if err := a.EnsureUnits(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.EnsureReference(ctx); err != nil {
		t.Fatal(err)
	}
	return a, ctx
}

func messyFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "sheet", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// errorKeys lists the errors as "row:column:key".
func errorKeys(errs []*kc.Error) []string {
	var out []string
	for _, e := range errs {
		row, col, _, _ := sheet.CellPosition(e)
		out = append(out, strings.Join([]string{itoa(row), col, e.Key}, ":"))
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

func fmtInt(n int) string { return strconv.Itoa(n) }

func counts(t *testing.T, st *store.Store) store.ImportCounts {
	t.Helper()
	c, err := st.CountImportRows(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func unitByCode(t *testing.T, a *app.App, code string) kc.Unit {
	t.Helper()
	u, err := a.Store.FindUnit(context.Background(), code, kc.MustDate("2026-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestImportMessy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		a, ctx := importApp(t, st)
		before := counts(t, st)

		// The messy sample: the reader's cell errors plus the import's.
		res, err := a.ImportEstablishments(ctx, bytes.NewReader(messyFile(t, "messy.xlsx")), "messy.xlsx", app.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"8:B:import.duplicate_in_file", "10:H:sheet.phone_letters", "10:J:import.trade_unknown_close", "10:M:sheet.negative", "10:O:sheet.approximate",
			"11:D:import.commune_code_unknown", "11:I:sheet.personal_id_length", "11:L:sheet.bad_date"}
		if got := errorKeys(res.Errors); !slices.Equal(got, want) {
			t.Errorf("errors\n got %v\nwant %v", got, want)
		}
		if res.Written || counts(t, st) != before {
			t.Fatalf("rejected file wrote something: %+v → %+v", before, counts(t, st))
		}
		for _, e := range res.Errors {
			if msg := app.ImportMessage(locale.Default, e); !strings.HasPrefix(msg, "Dòng ") || strings.Contains(msg, "%!") {
				t.Errorf("message %q", msg)
			}
		}
		var report bytes.Buffer
		if err := sheet.WriteReport(&report, res.Table, res.Errors[:1], nil); err != nil || report.Len() == 0 {
			t.Errorf("report: %v", err)
		}

		// The fixed sample still has a duplicate within the file.
		fixed := messyFile(t, "messy-fixed.xlsx")
		res, err = a.ImportEstablishments(ctx, bytes.NewReader(fixed), "messy-fixed.xlsx", app.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := errorKeys(res.Errors); !slices.Equal(got, []string{"8:B:import.duplicate_in_file"}) {
			t.Errorf("fixed errors %v", got)
		}

		// Dry run with the decision: counts, nothing written.
		opts := app.ImportOptions{DryRun: true, Decisions: map[int]string{8: "skip"}}
		res, err = a.ImportEstablishments(ctx, bytes.NewReader(fixed), "messy-fixed.xlsx", opts)
		if err != nil || !res.OK() {
			t.Fatalf("dry run: %v %v", err, errorKeys(res.Errors))
		}
		if res.Created != 6 || res.Skipped != 1 || res.Merged != 0 || res.Written || counts(t, st) != before {
			t.Fatalf("dry run: %+v, counts %+v", res, counts(t, st))
		}

		// The real import.
		var seen []int
		opts.DryRun = false
		opts.Progress = func(done, total int) { seen = append(seen, done) }
		res, err = a.ImportEstablishments(ctx, bytes.NewReader(fixed), "messy-fixed.xlsx", opts)
		if err != nil || !res.OK() || !res.Written {
			t.Fatalf("import: %v %v", err, errorKeys(res.Errors))
		}
		after := counts(t, st)
		if after.Establishments != before.Establishments+6 || after.Facts != before.Facts+6 || after.Audit != before.Audit+1 {
			t.Errorf("counts %+v → %+v", before, after)
		}
		if len(seen) == 0 {
			t.Error("no progress reported")
		}
		list, _, err := a.ListEstablishments(ctx, kc.EstablishmentFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]kc.Establishment{}
		for _, e := range list {
			byName[e.Name] = e
		}
		dakrong, laLay := unitByCode(t, a, "19564"), unitByCode(t, a, "19594")
		for name, commune := range map[string]kc.Unit{"Rượu men lá Đá Bàn": dakrong, "Đan gùi mây A Bung": dakrong, "Dệt thổ cẩm Tà Rui": laLay, "Mộc Tà Long": dakrong} {
			if e, ok := byName[name]; !ok || e.CommuneID != commune.ID {
				t.Errorf("%s: commune %d, want %s (%d)", name, e.CommuneID, commune.Name, commune.ID)
			}
		}
		ruou := byName["Rượu men lá Đá Bàn"]
		f, err := a.GetFact(ctx, ruou.ID, st.Now().Year()-1)
		if err != nil {
			t.Fatal(err)
		}
		if f.Revenue != 250_000_000 || f.Capital != 1_500_000_000 || f.Workers != 4 || f.Source != "import" {
			t.Errorf("facts %+v", f)
		}
		raw, err := st.GetEstablishment(ctx, ruou.ID)
		if err != nil {
			t.Fatal(err)
		}
		if raw.PhoneSealed.IsZero() || bytes.Contains(raw.PhoneSealed.Enc, []byte("0912345678")) || raw.PersonalIDSealed.IsZero() {
			t.Errorf("personal values not sealed: %+v", raw.PhoneSealed)
		}
		if got, _ := a.GetEstablishment(ctx, ruou.ID); got.Phone != "09xx xxx 678" || len(got.TradeIDs) != 1 {
			t.Errorf("masked phone %q, trades %v", got.Phone, got.TradeIDs)
		}
		entries, err := a.ListAudit(ctx, "establishment_import", 0, 5)
		if err != nil || len(entries) != 1 || !strings.Contains(entries[0].After, `"Created":6`) || strings.Contains(entries[0].After, "0912") {
			t.Errorf("audit %v %+v", err, entries)
		}

		// A second import of the same file: every row is a duplicate.
		before = counts(t, st)
		res, err = a.ImportEstablishments(ctx, bytes.NewReader(fixed), "messy-fixed.xlsx", app.ImportOptions{Decisions: map[int]string{8: "skip"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Errors) != 6 || res.Errors[0].Key != "import.duplicate_registry" || counts(t, st) != before {
			t.Fatalf("second import: %v", errorKeys(res.Errors))
		}
		// Merge one, skip the rest: the establishment is updated, its fact upserted.
		dec := map[int]string{5: "merge:" + fmtInt(int(ruou.ID)), 6: "skip", 7: "skip", 8: "skip", 10: "skip", 11: "skip", 12: "skip"}
		res, err = a.ImportEstablishments(ctx, bytes.NewReader(fixed), "messy-fixed.xlsx", app.ImportOptions{Decisions: dec, FactYear: 2023})
		if err != nil || !res.OK() {
			t.Fatalf("merge: %v %v", err, errorKeys(res.Errors))
		}
		if res.Merged != 1 || res.Skipped != 6 || res.Created != 0 {
			t.Errorf("merge counts %+v", res)
		}
		after = counts(t, st)
		if after.Establishments != before.Establishments || after.Facts != before.Facts+1 || after.Audit != before.Audit+1 {
			t.Errorf("merge counts %+v → %+v", before, after)
		}
		// A merge into an establishment that is not a duplicate is refused.
		dec[5] = "merge:" + fmtInt(int(byName["Mộc Tà Long"].ID))
		res, _ = a.ImportEstablishments(ctx, bytes.NewReader(fixed), "messy-fixed.xlsx", app.ImportOptions{Decisions: dec})
		if got := errorKeys(res.Errors); !slices.Equal(got, []string{"5:B:import.merge_not_duplicate"}) {
			t.Errorf("bad merge: %v", got)
		}
	})
}

// importCSV is a small file for the cases the messy sample lacks: a split
// former commune, an unknown trade, a duplicate phone within the file, a
// field rule of the registry, and a name shared by several provinces.
const importCSV = `Tên cơ sở;Loại hình;Mã xã;Xã/phường;Số điện thoại;Ngành nghề;Quy mô doanh nghiệp;Số lao động;Lao động nữ
Cơ sở may Cống Vị;Hộ kinh doanh;;Phường Cống Vị;0912000001;May mặc;;5;2
Cơ sở làm nón;Hộ kinh doanh;19564;;0912000002;Làm nón;;3;1
Cơ sở gỗ Ba Lòng;Hộ kinh doanh;19564;;0912000002;Mộc dân dụng;;2;1
Cơ sở mộc nhỏ;Hộ kinh doanh;19564;;;Cơ khí;Nhỏ;4;6
`

func TestImportDecisions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		a, ctx := importApp(t, st)
		before := counts(t, st)
		res, err := a.ImportEstablishments(ctx, strings.NewReader(importCSV), "nho.csv", app.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"2:D:import.commune_split", "3:F:import.trade_unknown", "4:E:import.duplicate_in_file",
			"5:G:import.invalid", "5:I:import.invalid"}
		if got := errorKeys(res.Errors); !slices.Equal(got, want) {
			t.Errorf("errors\n got %v\nwant %v", got, want)
		}
		for _, e := range res.Errors {
			msg := app.ImportMessage(locale.Default, e)
			if strings.Contains(msg, "%!") {
				t.Errorf("message %q", msg)
			}
			if e.Key == "import.commune_split" && (!strings.Contains(msg, "Phường Ngọc Hà (00008)") || !strings.Contains(msg, "--decide 2=commune:")) {
				t.Errorf("split message %q", msg)
			}
		}
		if counts(t, st) != before {
			t.Fatal("rejected file wrote something")
		}
		// Decisions settle the split commune and the duplicate; the bad
		// rows are left out.
		dec := map[int]string{2: "commune:00008", 3: "skip", 4: "create", 5: "skip"}
		res, err = a.ImportEstablishments(ctx, strings.NewReader(importCSV), "nho.csv", app.ImportOptions{Decisions: dec})
		if err != nil || !res.OK() || res.Created != 2 || res.Skipped != 2 {
			t.Fatalf("decided: %v %v %+v", err, errorKeys(res.Errors), res)
		}
		hn := unitByCode(t, a, "00008")
		list, _, _ := a.ListEstablishments(ctx, kc.EstablishmentFilter{CommuneIDs: []int64{hn.ID}})
		if len(list) != 1 || list[0].Name != "Cơ sở may Cống Vị" {
			t.Errorf("split commune decision: %+v", list)
		}
		// A decision naming a commune that is not a successor is refused.
		dec[2] = "commune:19564"
		res, _ = a.ImportEstablishments(ctx, strings.NewReader(importCSV), "nho.csv", app.ImportOptions{Decisions: dec, DryRun: true})
		if got := errorKeys(res.Errors); len(got) == 0 || got[0] != "2:D:import.commune_decision_bad" {
			t.Errorf("bad commune decision: %v", got)
		}
		dec[2] = "maybe"
		res, _ = a.ImportEstablishments(ctx, strings.NewReader(importCSV), "nho.csv", app.ImportOptions{Decisions: dec, DryRun: true})
		if got := errorKeys(res.Errors); len(got) == 0 || !strings.HasSuffix(got[0], "import.bad_decision") {
			t.Errorf("bad decision: %v", got)
		}
		// A file-level problem is the error itself.
		if _, err := a.ImportEstablishments(ctx, strings.NewReader("\x00\x01\x02binary"), "x.xlsx", app.ImportOptions{}); kc.ErrorCode(err) != kc.EInvalid {
			t.Errorf("binary file: %v", err)
		}
	})
}

func TestImportScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		a, ctx := importApp(t, st)
		dakrong := unitByCode(t, a, "19564")
		officer := &app.Principal{User: kc.User{ID: 0, Username: "canbo.dakrong", Role: kc.RoleCommuneOfficer}, Communes: []int64{dakrong.ID}, Units: []int64{dakrong.ID}}
		octx := app.WithPrincipal(ctx, officer)
		before := counts(t, st)
		res, err := a.ImportEstablishments(octx, bytes.NewReader(messyFile(t, "messy-fixed.xlsx")), "messy-fixed.xlsx",
			app.ImportOptions{Decisions: map[int]string{8: "skip"}})
		if err != nil {
			t.Fatal(err)
		}
		// Row 7 is in Xã La Lay, row 12 in Xã Hướng Hiệp: not the officer's.
		if got := errorKeys(res.Errors); !slices.Equal(got, []string{"7:D:import.out_of_scope", "12:D:import.out_of_scope"}) {
			t.Errorf("scope errors %v", got)
		}
		if counts(t, st) != before {
			t.Fatal("rejected file wrote something")
		}
		viewer := app.WithPrincipal(ctx, &app.Principal{User: kc.User{Role: kc.RoleViewer}, All: true})
		if _, err := a.ImportEstablishments(viewer, bytes.NewReader(messyFile(t, "messy-fixed.xlsx")), "f.xlsx", app.ImportOptions{}); kc.ErrorCode(err) != kc.EForbidden {
			t.Errorf("viewer: %v", err)
		}
	})
}
