package app

import (
	"context"
	"io"
	"slices"
	"strings"
	"time"

	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/sheet"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Export formats.
const (
	FormatXLSX = "xlsx"
	FormatCSV  = "csv"
)

// ExportResult is what an export wrote.
type ExportResult struct {
	Rows int
}

// exportAudit is the audit record of an export: what was asked, how many
// rows went out and whether personal data went with them.
type exportAudit struct {
	Format   string         `json:"format"`
	Filter   RegistryFilter `json:"filter"`
	Rows     int            `json:"rows"`
	Personal bool           `json:"personal"`
	Failed   bool           `json:"failed,omitempty"`
}

// exportWriter is what NewXLSXWriter and NewCSVWriter return.
type exportWriter interface {
	Write(sheet.Record) error
	Close() error
}

// ExportEstablishments writes the establishments in the caller's scope
// that filter selects to w as an XLSX or CSV file with the columns of
// sheet.EstablishmentColumns (the headers the import accepts), in id
// order, streaming batch by batch so memory does not grow with the
// number of rows. Each row carries the commune in force (code and name),
// the trade codes (primary first) and the facts of the latest year recorded.
//
// The personal values (phone, personal ID and the owner's ethnicity, the
// fields every screen masks) are written in clear only when personal is
// true, which needs auth.PermExportPersonal (EForbidden otherwise).
// Without it those columns are left empty rather than masked, so that a
// re-import can never write masks ("09xx xxx 678") over the stored values;
// an import of such a file must read an empty personal cell as "no value
// given", not as "clear the value". The owner's name, gender and birth
// year, which every registry screen shows, are always exported.
//
// Every export, including one that fails after it started writing, is
// recorded in the audit log with the filter, the format, the number of
// rows and whether personal data was included.
func (a *App) ExportEstablishments(ctx context.Context, w io.Writer, format string, filter RegistryFilter, personal bool) (ExportResult, error) {
	p, err := principal(ctx)
	if err != nil {
		return ExportResult{}, err
	}
	if !auth.Can(p.User.Role, auth.PermViewRegistry) {
		return ExportResult{}, forbidden()
	}
	if personal && !auth.Can(p.User.Role, auth.PermExportPersonal) {
		return ExportResult{}, kc.Errorf(kc.EForbidden, "export.personal_forbidden")
	}
	if personal && a.keys == nil {
		return ExportResult{}, kc.Errorf(kc.EInvalid, "export.no_secret")
	}
	f, err := a.registryFilter(ctx, p, &filter)
	if err != nil {
		return ExportResult{}, err
	}
	trades, err := a.tradeCodes(ctx)
	if err != nil {
		return ExportResult{}, err
	}
	dst := &abortableWriter{w: w}
	var out exportWriter
	switch format {
	case FormatXLSX:
		out, err = sheet.NewXLSXWriter(dst)
	case FormatCSV:
		out, err = sheet.NewCSVWriter(dst)
	default:
		return ExportResult{}, kc.FieldError("format", "export.bad_format", format)
	}
	if err != nil {
		return ExportResult{}, err
	}
	res := ExportResult{}
	rec := make(sheet.Record, len(sheet.EstablishmentColumns))
	err = a.Store.StreamEstablishments(ctx, f, store.DefaultExportBatch, func(rows []store.ExportRow) error {
		for i := range rows {
			if err := a.exportRecord(rec, &rows[i], trades, personal); err != nil {
				return err
			}
			if err := out.Write(rec); err != nil {
				return err
			}
			res.Rows++
		}
		return ctx.Err()
	})
	if err == nil {
		err = out.Close()
	} else {
		// Release the writer's temporary files without completing the
		// file: an XLSX is only written out on Close.
		dst.w = io.Discard
		out.Close()
	}
	// The audit entry is written even when the caller went away or the
	// export failed half-way: rows may already have left.
	actx := context.WithoutCancel(ctx)
	entry := exportAudit{Format: format, Filter: filter, Rows: res.Rows, Personal: personal, Failed: err != nil}
	if aerr := a.Store.InTx(actx, func(tx *store.Tx) error {
		return a.audit(actx, tx, kc.ActionExport, "establishment", 0, nil, entry)
	}); aerr != nil && err == nil {
		err = aerr
	}
	return res, err
}

// abortableWriter lets a failed export drop what its writer still holds.
type abortableWriter struct{ w io.Writer }

func (a *abortableWriter) Write(p []byte) (int, error) { return a.w.Write(p) }

// tradeCodes maps trade ids to their codes in the catalogue. The export
// names trades by code: several names hold a comma ("Cơ khí nhỏ, sửa
// chữa nông cụ"), which the list cells use as a separator.
func (a *App) tradeCodes(ctx context.Context) (map[int64]string, error) {
	trades, err := a.Store.ListTrades(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]string, len(trades))
	for _, t := range trades {
		m[t.ID] = t.Code
	}
	return m, nil
}

// exportRecord fills rec (cleared first) with the values of r in the Go
// types sheet.Read produces, so that reading the file back gives the same
// values. Empty values are left out (empty cells).
func (a *App) exportRecord(rec sheet.Record, r *store.ExportRow, trades map[int64]string, personal bool) error {
	clear(rec)
	text := func(key, v string) {
		if v != "" {
			rec[key] = v
		}
	}
	year := func(key string, v int) {
		if v != 0 {
			rec[key] = v
		}
	}
	e := &r.Establishment
	rec["id"] = e.ID
	text("name", e.Name)
	text("kind", e.Kind)
	text("size_class", e.SizeClass)
	text("commune_code", r.CommuneCode)
	text("commune", r.CommuneName)
	text("village", e.Village)
	text("owner_name", e.OwnerName)
	text("owner_gender", e.OwnerGender)
	year("owner_birth_year", e.OwnerBirthYear)
	if personal {
		text("owner_ethnicity", e.OwnerEthnicity)
		phone, ok := a.open(fieldPhone, e.PhoneSealed)
		if !ok {
			return kc.Errorf(kc.EInternal, "personal.cannot_open")
		}
		id, ok := a.open(fieldPersonalID, e.PersonalIDSealed)
		if !ok {
			return kc.Errorf(kc.EInternal, "personal.cannot_open")
		}
		text("phone", phone)
		text("personal_id", id)
	}
	if len(e.TradeIDs) > 0 {
		names := make([]string, 0, len(e.TradeIDs))
		for _, t := range e.TradeIDs {
			if n := trades[t]; n != "" {
				names = append(names, n)
			}
		}
		if len(names) > 0 {
			rec["trades"] = names
		}
	}
	text("main_products", e.MainProducts)
	rec["traditional_craft"] = e.TraditionalCraft
	rec["craft_village"] = e.CraftVillage
	rec["women_owned"] = e.WomenOwned
	rec["ethnic_minority_owned"] = e.EthnicMinorityOwned
	year("founded_year", e.FoundedYear)
	text("registration_no", e.RegistrationNo)
	if !e.RegistrationDate.IsZero() {
		rec["registration_date"] = e.RegistrationDate
	}
	if f := r.Fact; f.Year != 0 {
		rec["fact_year"] = f.Year
		rec["workers"] = int64(f.Workers)
		rec["women_workers"] = int64(f.WomenWorkers)
		rec["ethnic_minority_workers"] = int64(f.EthnicMinorityWorkers)
		rec["revenue"] = f.Revenue
		rec["capital"] = f.Capital
		rec["avg_income"] = f.AvgIncome
	}
	if e.HasLocation {
		rec["lat"] = e.Lat
		rec["lon"] = e.Lon
	}
	text("notes", e.Notes)
	return nil
}

// ImportTemplate writes the import template (sheet.WriteTemplate) to w
// with dropdown lists of the communes in force in the caller's scope
// ("code – name") and of the trade codes of the catalogue, and the
// instructions sheet.
func (a *App) ImportTemplate(ctx context.Context, w io.Writer) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	if !auth.Can(p.User.Role, auth.PermViewRegistry) {
		return forbidden()
	}
	var communes []kc.Unit
	if p.All {
		communes, err = a.Store.CurrentCommunes(ctx, a.unitToday())
	} else {
		communes, err = a.Store.UnitsByIDs(ctx, p.Communes)
		slices.SortFunc(communes, func(x, y kc.Unit) int { return strings.Compare(x.Code, y.Code) })
	}
	if err != nil {
		return err
	}
	trades, err := a.Store.ListTrades(ctx)
	if err != nil {
		return err
	}
	lists := map[string][]string{}
	for _, c := range communes {
		lists["commune"] = append(lists["commune"], CommuneChoice(c))
	}
	for _, t := range trades {
		lists["trades"] = append(lists["trades"], t.Code)
	}
	return sheet.WriteTemplate(w, sheet.TemplateOptions{Lists: lists})
}

// CommuneChoice is how the template lists a commune: "code – name", e.g.
// "19564 – Xã Đakrông".
func CommuneChoice(u kc.Unit) string { return u.Code + " – " + u.Name }

// ExportFileName is the download name of an export or template made on
// day t: ASCII only, so that every browser and mail client keeps it, e.g.
// "co-so-2026-11-25.xlsx".
func ExportFileName(prefix string, t time.Time, format string) string {
	return prefix + "-" + t.In(vi.Location).Format("2006-01-02") + "." + format
}
