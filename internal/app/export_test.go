package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"khuyencong/internal/app"
	"khuyencong/internal/app/apptest"
	"khuyencong/internal/kc"
	"khuyencong/internal/sheet"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// readExport reads an export back with the import's reader and fails the
// test on any file or cell error.
func readExport(t *testing.T, data []byte, name string) *sheet.Table {
	t.Helper()
	tab, err := sheet.Read(bytes.NewReader(data), name, sheet.Limits{})
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	if !tab.Valid() {
		t.Fatalf("read %s: cell errors %v", name, tab.Errors()[:min(5, len(tab.Errors()))])
	}
	for _, c := range sheet.EstablishmentColumns {
		if !tab.Mapping.Has(c.Key) {
			t.Errorf("%s: column %s (%s) not recognised", name, c.Key, c.Header)
		}
	}
	return tab
}

// exportBytes runs an export into memory.
func exportBytes(t *testing.T, a *app.App, ctx context.Context, format string, f app.RegistryFilter, personal bool) ([]byte, app.ExportResult, error) {
	t.Helper()
	var buf bytes.Buffer
	res, err := a.ExportEstablishments(ctx, &buf, format, f, personal)
	return buf.Bytes(), res, err
}

// TestExportDemoRoundTrip exports the district demo on both formats and
// reads it back with sheet.Read: same ids, names, kinds, communes, trades,
// flags and latest-year facts as the store holds.
func TestExportDemoRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := unitApp(t, s)
		if err := a.SetSecret([]byte(apptest.Secret)); err != nil {
			t.Fatal(err)
		}
		ctx := app.WithPrincipal(t.Context(), app.System)
		if _, err := a.EnsureDemo(ctx); err != nil {
			t.Fatal(err)
		}
		total, _ := s.CountEstablishments(ctx)
		trades, err := s.ListTrades(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tradeName := map[int64]string{}
		for _, tr := range trades {
			tradeName[tr.ID] = tr.Code
		}
		for _, format := range []string{app.FormatXLSX, app.FormatCSV} {
			t.Run(format, func(t *testing.T) {
				data, res, err := exportBytes(t, a, ctx, format, app.RegistryFilter{}, true)
				if err != nil {
					t.Fatal(err)
				}
				tab := readExport(t, data, "co-so."+format)
				if res.Rows != int(total) || len(tab.Rows) != int(total) {
					t.Fatalf("rows: result %d, file %d, store %d", res.Rows, len(tab.Rows), total)
				}
				var prev int64
				withFacts := 0
				for i := range tab.Rows {
					r := &tab.Rows[i]
					id, _ := r.Int("id")
					if id <= prev {
						t.Fatalf("line %d: id %d after %d (not in id order)", r.Line, id, prev)
					}
					prev = id
					e, err := s.GetEstablishment(ctx, id)
					if err != nil {
						t.Fatalf("line %d: %v", r.Line, err)
					}
					commune, err := s.GetUnit(ctx, e.CommuneID)
					if err != nil {
						t.Fatal(err)
					}
					var wantTrades []string
					for _, tid := range e.TradeIDs {
						wantTrades = append(wantTrades, tradeName[tid])
					}
					got := []any{r.Text("name"), r.Text("kind"), r.Text("size_class"), r.Text("commune_code"), r.Text("commune"), r.Text("village"),
						r.Text("owner_name"), r.Text("owner_gender"), r.Text("owner_ethnicity"), r.Text("main_products"), r.Text("notes"), r.Text("registration_no"),
						r.Date("registration_date"), strings.Join(r.List("trades"), "|")}
					want := []any{e.Name, e.Kind, e.SizeClass, commune.Code, commune.Name, e.Village,
						e.OwnerName, e.OwnerGender, e.OwnerEthnicity, e.MainProducts, e.Notes, e.RegistrationNo,
						e.RegistrationDate, strings.Join(wantTrades, "|")}
					for j := range got {
						if got[j] != want[j] {
							t.Fatalf("line %d (id %d) value %d: got %v, want %v", r.Line, id, j, got[j], want[j])
						}
					}
					for key, want := range map[string]bool{"traditional_craft": e.TraditionalCraft, "craft_village": e.CraftVillage,
						"women_owned": e.WomenOwned, "ethnic_minority_owned": e.EthnicMinorityOwned} {
						if got, ok := r.Bool(key); !ok || got != want {
							t.Fatalf("line %d %s = %v %v, want %v", r.Line, key, got, ok, want)
						}
					}
					if y, _ := r.Year("founded_year"); y != e.FoundedYear {
						t.Fatalf("line %d founded %d, want %d", r.Line, y, e.FoundedYear)
					}
					if y, _ := r.Year("owner_birth_year"); y != e.OwnerBirthYear {
						t.Fatalf("line %d birth year %d, want %d", r.Line, y, e.OwnerBirthYear)
					}
					lat, hasLat := r.Float("lat")
					lon, _ := r.Float("lon")
					if hasLat != e.HasLocation || lat != e.Lat || lon != e.Lon {
						t.Fatalf("line %d location %v %v,%v, want %v %v,%v", r.Line, hasLat, lat, lon, e.HasLocation, e.Lat, e.Lon)
					}
					facts, err := s.ListFacts(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					year, hasYear := r.Year("fact_year")
					if len(facts) == 0 {
						if hasYear {
							t.Fatalf("line %d: fact year %d without facts", r.Line, year)
						}
						continue
					}
					withFacts++
					f := facts[len(facts)-1]
					workers, _ := r.Int("workers")
					women, _ := r.Int("women_workers")
					ethnic, _ := r.Int("ethnic_minority_workers")
					revenue, _ := r.Int("revenue")
					capital, _ := r.Int("capital")
					income, _ := r.Int("avg_income")
					gotF := kc.EstablishmentFact{EstablishmentID: id, Year: year, Workers: int(workers), WomenWorkers: int(women),
						EthnicMinorityWorkers: int(ethnic), Revenue: revenue, Capital: capital, AvgIncome: income, Source: f.Source}
					if gotF != f {
						t.Fatalf("line %d latest facts\n got %+v\nwant %+v", r.Line, gotF, f)
					}
				}
				if withFacts == 0 {
					t.Error("no establishment with facts: the fact columns were not checked")
				}
			})
		}
	})
}

func exportAuditEntries(t *testing.T, f *personalFixture) []map[string]any {
	t.Helper()
	entries, err := f.App.ListAudit(f.As(t, t.Context(), apptest.Admin), "establishment", 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, e := range entries {
		if e.Action != kc.ActionExport {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(e.After), &m); err != nil {
			t.Fatalf("audit after %q: %v", e.After, err)
		}
		m["actor"] = e.Actor
		out = append(out, m)
	}
	return out
}

// TestExportScopeAndPersonal checks the scope of an export, the unit
// filter, who may include unmasked personal data, that the personal
// columns are empty otherwise, and the audit entries.
func TestExportScopeAndPersonal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newPersonalFixture(t, st)
		ids := func(t *testing.T, user string, filter app.RegistryFilter, personal bool) ([]int64, *sheet.Table) {
			t.Helper()
			data, res, err := exportBytes(t, f.App, f.As(t, t.Context(), user), app.FormatXLSX, filter, personal)
			if err != nil {
				t.Fatalf("%s: %v", user, err)
			}
			tab := readExport(t, data, "x.xlsx")
			var out []int64
			for i := range tab.Rows {
				id, _ := tab.Rows[i].Int("id")
				out = append(out, id)
			}
			if res.Rows != len(out) {
				t.Fatalf("result %d rows, file %d", res.Rows, len(out))
			}
			return out, tab
		}
		inA := []int64{f.EstA.ID, f.est.ID}
		all := []int64{f.EstA.ID, f.EstB.ID, f.est.ID}
		cases := []struct {
			name   string
			user   string
			filter app.RegistryFilter
			want   []int64
		}{
			{"officer A sees commune A only", apptest.OfficerA, app.RegistryFilter{}, inA},
			{"officer B sees commune B only", apptest.OfficerB, app.RegistryFilter{}, []int64{f.EstB.ID}},
			{"viewer sees the province", apptest.Viewer, app.RegistryFilter{}, all},
			{"unit filter", apptest.Province, app.RegistryFilter{UnitCode: "99002"}, []int64{f.EstB.ID}},
			{"unit filter outside the scope is empty", apptest.OfficerA, app.RegistryFilter{UnitCode: "99002"}, nil},
			{"search ignores diacritics", apptest.Admin, app.RegistryFilter{Query: "ruou men la"}, []int64{f.EstB.ID, f.est.ID}},
			{"kind", apptest.Admin, app.RegistryFilter{Kind: kc.KindCoopGroup}, []int64{f.EstB.ID}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, _ := ids(t, c.user, c.filter, false)
				if !slices.Equal(got, c.want) {
					t.Errorf("ids %v, want %v", got, c.want)
				}
			})
		}
		t.Run("bad input", func(t *testing.T) {
			ctx := f.As(t, t.Context(), apptest.Admin)
			for _, c := range []struct {
				format string
				filter app.RegistryFilter
			}{{"pdf", app.RegistryFilter{}}, {app.FormatCSV, app.RegistryFilter{Kind: "factory"}}, {app.FormatCSV, app.RegistryFilter{UnitCode: "77777"}}} {
				if _, _, err := exportBytes(t, f.App, ctx, c.format, c.filter, false); kc.ErrorCode(err) != kc.EInvalid {
					t.Errorf("%s %+v: err %v, want EInvalid", c.format, c.filter, err)
				}
			}
		})
		t.Run("personal forbidden without the permission", func(t *testing.T) {
			for _, user := range []string{apptest.Viewer, apptest.OfficerA} {
				_, _, err := exportBytes(t, f.App, f.As(t, t.Context(), user), app.FormatCSV, app.RegistryFilter{}, true)
				if kc.ErrorCode(err) != kc.EForbidden {
					t.Errorf("%s: err %v, want EForbidden", user, err)
				}
			}
		})
		t.Run("without personal the personal columns are empty", func(t *testing.T) {
			_, tab := ids(t, apptest.Province, app.RegistryFilter{}, false)
			for i := range tab.Rows {
				r := &tab.Rows[i]
				if r.Text("phone") != "" || r.Text("personal_id") != "" || r.Text("owner_ethnicity") != "" {
					t.Errorf("line %d: phone %q id %q ethnicity %q", r.Line, r.Text("phone"), r.Text("personal_id"), r.Text("owner_ethnicity"))
				}
				if id, _ := r.Int("id"); id == f.est.ID && r.Text("owner_name") != "Hồ Thị Lan" {
					t.Errorf("owner name %q", r.Text("owner_name"))
				}
			}
		})
		for _, user := range []string{apptest.Province, apptest.Admin} {
			t.Run("personal allowed for "+user, func(t *testing.T) {
				_, tab := ids(t, user, app.RegistryFilter{Query: "Hồ Thị Lan"}, true)
				if len(tab.Rows) != 1 {
					t.Fatalf("%d rows", len(tab.Rows))
				}
				r := &tab.Rows[0]
				if r.Text("phone") != clearPhone || r.Text("personal_id") != clearID || r.Text("owner_ethnicity") != "Vân Kiều" {
					t.Errorf("phone %q id %q ethnicity %q", r.Text("phone"), r.Text("personal_id"), r.Text("owner_ethnicity"))
				}
				entries := exportAuditEntries(t, f)
				if len(entries) == 0 {
					t.Fatal("no export audit entry")
				}
				last := entries[0]
				filter, _ := last["filter"].(map[string]any)
				if last["actor"] != user || last["personal"] != true || last["rows"] != float64(1) || last["format"] != "xlsx" || filter["q"] != "Hồ Thị Lan" {
					t.Errorf("audit entry %v", last)
				}
			})
		}
		t.Run("every export is audited", func(t *testing.T) {
			before := len(exportAuditEntries(t, f))
			ids(t, apptest.Viewer, app.RegistryFilter{}, false)
			entries := exportAuditEntries(t, f)
			if len(entries) != before+1 || entries[0]["actor"] != apptest.Viewer || entries[0]["personal"] != false || entries[0]["rows"] != float64(3) {
				t.Errorf("entries %d → %d, newest %v", before, len(entries), entries[0])
			}
		})
	})
}

// TestImportTemplate checks the template's dropdowns: the communes of the
// caller's scope as "code – name" and the trade catalogue.
func TestImportTemplate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := apptest.NewScope(t, st)
		if err := f.App.EnsureReference(app.WithPrincipal(t.Context(), app.System)); err != nil {
			t.Fatal(err)
		}
		lists := func(t *testing.T, user string) (communes, trades []string, validations int) {
			t.Helper()
			var buf bytes.Buffer
			if err := f.App.ImportTemplate(f.As(t, t.Context(), user), &buf); err != nil {
				t.Fatal(err)
			}
			x, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			rows, err := x.GetCols(sheet.ListSheet)
			if err != nil {
				t.Fatal(err)
			}
			for _, col := range rows {
				for len(col) > 0 && col[len(col)-1] == "" {
					col = col[:len(col)-1]
				}
				switch col[0] {
				case "Xã/phường":
					communes = col[1:]
				case "Ngành nghề":
					trades = col[1:]
				}
			}
			dvs, err := x.GetDataValidations(sheet.DataSheet)
			if err != nil {
				t.Fatal(err)
			}
			head, err := x.GetRows(sheet.DataSheet)
			if err != nil {
				t.Fatal(err)
			}
			col := slices.Index(head[0], "Xã/phường")
			for _, dv := range dvs {
				if strings.HasPrefix(dv.Sqref, sheet.ColumnLetter(col)+"2:") && strings.Contains(dv.Formula1, sheet.ListSheet) {
					validations++
				}
			}
			return communes, trades, validations
		}
		communes, trades, dv := lists(t, apptest.OfficerA)
		if !slices.Equal(communes, []string{"99001 – Xã An Phú"}) || dv != 1 {
			t.Errorf("officer A: communes %q, %d dropdowns on the commune column", communes, dv)
		}
		if len(trades) < 10 || !slices.Contains(trades, "RUOU_MEN_LA") {
			t.Errorf("trades %q", trades)
		}
		if communes, _, _ := lists(t, apptest.Province); !slices.Equal(communes, []string{"99001 – Xã An Phú", "99002 – Xã Bình Minh"}) {
			t.Errorf("province: communes %q", communes)
		}
	})
}
