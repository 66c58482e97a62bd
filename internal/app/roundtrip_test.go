package app_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// TestExportImportIsANoOp exports the demo registry (personal data
// included, as the administrator may) and imports the file back: every
// row names its establishment, holds what the registry holds, and nothing
// is written — no record, fact, trade or audit entry — and a second export
// is byte for byte the first. Then one edited cell updates exactly that
// record, and a row naming an unknown establishment is refused.
func TestExportImportIsANoOp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		a, ctx := importApp(t, st)
		if _, err := a.EnsureDemo(ctx); err != nil {
			t.Fatal(err)
		}
		total, err := st.CountEstablishments(ctx)
		if err != nil || total == 0 {
			t.Fatalf("demo: %d establishments, %v", total, err)
		}
		export := func(format string) []byte {
			t.Helper()
			var buf bytes.Buffer
			if _, err := a.ExportEstablishments(ctx, &buf, format, app.RegistryFilter{}, true); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}
		firstCSV := export(app.FormatCSV)
		before := counts(t, st)
		for _, format := range []string{app.FormatXLSX, app.FormatCSV} {
			data := export(format) // the export itself is audited
			before = counts(t, st)
			res, err := a.ImportEstablishments(ctx, bytes.NewReader(data), "export."+format, app.ImportOptions{})
			if err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			if !res.OK() {
				t.Fatalf("%s: %d errors, first %v", format, len(res.Errors), app.ImportMessage("vi", res.Errors[0]))
			}
			if res.Rows != int(total) || res.Unchanged != int(total) || res.Created+res.Merged+res.Skipped+res.Facts != 0 || res.Written {
				t.Errorf("%s: rows %d unchanged %d created %d merged %d skipped %d facts %d written %v; want all %d unchanged",
					format, res.Rows, res.Unchanged, res.Created, res.Merged, res.Skipped, res.Facts, res.Written, total)
			}
			if got := counts(t, st); got != before {
				t.Errorf("%s: re-import wrote: %+v → %+v", format, before, got)
			}
		}
		// Personal data left out of an export (a role without the right)
		// means "not given", never "clear it".
		var masked bytes.Buffer
		if _, err := a.ExportEstablishments(ctx, &masked, app.FormatCSV, app.RegistryFilter{}, false); err != nil {
			t.Fatal(err)
		}
		before = counts(t, st)
		res, err := a.ImportEstablishments(ctx, bytes.NewReader(masked.Bytes()), "masked.csv", app.ImportOptions{})
		if err != nil || !res.OK() || res.Unchanged != int(total) {
			t.Fatalf("export without personal data: %v, %d errors, %d unchanged of %d", err, len(res.Errors), res.Unchanged, total)
		}
		if got := counts(t, st); got != before {
			t.Errorf("masked re-import wrote: %+v → %+v", before, got)
		}
		if again := export(app.FormatCSV); !bytes.Equal(again, firstCSV) {
			t.Fatal("second export differs from the first")
		}
		before = counts(t, st)

		// One edited cell: exactly that record changes.
		records, err := csv.NewReader(bytes.NewReader(firstCSV)).ReadAll()
		if err != nil || len(records) < 2 {
			t.Fatalf("export CSV: %d records, %v", len(records), err)
		}
		header := records[0]
		notes := slices.Index(header, "Ghi chú")
		if notes < 0 {
			t.Fatalf("no «Ghi chú» column in %q", header)
		}
		csvOf := func(rows ...[]string) string {
			var b strings.Builder
			w := csv.NewWriter(&b)
			w.WriteAll(append([][]string{header}, rows...))
			return b.String()
		}
		row := slices.Clone(records[1])
		row[notes] = "Đã kiểm tra lại năm 2026"
		res, err = a.ImportEstablishments(ctx, strings.NewReader(csvOf(row)), "edited.csv", app.ImportOptions{})
		if err != nil || !res.OK() || res.Merged != 1 || res.Created != 0 || res.Unchanged != 0 || !res.Written {
			t.Fatalf("edited row: %v %d errors, %+v", err, len(res.Errors), res)
		}
		id, _ := strconv.ParseInt(row[0], 10, 64)
		e, err := a.GetEstablishment(ctx, id)
		if err != nil || e.Notes != "Đã kiểm tra lại năm 2026" {
			t.Fatalf("establishment %d after the edit: %q, %v", id, e.Notes, err)
		}
		after := counts(t, st)
		if after.Establishments != before.Establishments || after.Facts != before.Facts || after.Audit != before.Audit+1 {
			t.Errorf("edit: counts %+v → %+v (want the same records and one audit entry)", before, after)
		}

		// A row naming an establishment that does not exist.
		unknown := slices.Clone(records[1])
		unknown[0] = "99999999"
		res, err = a.ImportEstablishments(ctx, strings.NewReader(csvOf(unknown)), "unknown.csv", app.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := errorKeys(res.Errors); !slices.Equal(got, []string{"2:A:import.id_unknown"}) || res.Written {
			t.Errorf("unknown id: %v", got)
		}
		if msg := app.ImportMessage("vi", res.Errors[0]); !strings.HasPrefix(msg, "Dòng 2, cột A (Mã cơ sở): không có cơ sở mã 99999999") || strings.Contains(msg, "%!") {
			t.Errorf("unknown id message: %s", msg)
		}
		// The same establishment twice.
		res, err = a.ImportEstablishments(ctx, strings.NewReader(csvOf(records[2], records[2])), "twice.csv", app.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := errorKeys(res.Errors); !slices.Equal(got, []string{"3:A:import.id_repeated"}) {
			t.Errorf("repeated id: %v", got)
		} else if msg := app.ImportMessage("en", res.Errors[0]); !strings.Contains(msg, "is already on row 2") || strings.Contains(msg, "%!") {
			t.Errorf("repeated id message: %s", msg)
		}
	})
}
