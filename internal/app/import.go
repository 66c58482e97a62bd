package app

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/sheet"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// ImportOptions configures ImportEstablishments.
type ImportOptions struct {
	// DryRun checks everything and writes nothing.
	DryRun bool
	// Decisions answer the questions an import asks about a row, by row
	// number as the sheet shows it: "skip", "create", "merge:ID" (a
	// duplicate of establishment ID: update it) or "commune:CODE" (the
	// successor of a split former commune). Several decisions for one row
	// are separated by commas.
	Decisions map[int]string
	// Progress, when set, is called as rows are checked and written.
	Progress func(done, total int)
	// FactYear is the year of the facts of rows without a "Năm số liệu"
	// cell; 0 means the previous calendar year.
	FactYear int
}

// ImportResult is what an import did, or would do on a dry run.
type ImportResult struct {
	File    string
	Rows    int // data rows read
	Created int // new establishments (to be) created
	Merged  int // existing establishments (to be) updated
	// Unchanged counts rows naming an establishment by its "Mã cơ sở"
	// whose cells hold exactly what the registry holds: nothing is
	// written for them, so re-importing an export changes nothing.
	Unchanged int
	Skipped   int // rows left out by decision
	Facts     int // yearly fact rows (to be) written
	DryRun    bool
	Written   bool // the transaction committed
	Warnings  []*kc.Error
	// Errors are the cell errors of every row, in row order; any error
	// means nothing was written. sheet.CellPosition reads their row,
	// column letter and header; ImportMessage renders them.
	Errors []*kc.Error
	// Table is the file as read, for sheet.WriteReport.
	Table *sheet.Table
}

// OK reports whether the file had no error.
func (r ImportResult) OK() bool { return len(r.Errors) == 0 }

// WriteReport writes the error report of r: the file as read with an
// error column naming the field and the problem of each bad row, each
// error rendered by msg (ImportMessage in some language, or a surface's
// own wording of the questions).
func (r ImportResult) WriteReport(w io.Writer, msg func(*kc.Error) string) error {
	if r.Table == nil {
		return kc.Errorf(kc.EInvalid, "import.no_report")
	}
	// The table's own errors are on its rows; the import's come as extra.
	own := map[*kc.Error]bool{}
	for _, e := range r.Table.Errors() {
		own[e] = true
	}
	var extra []*kc.Error
	for _, e := range r.Errors {
		if !own[e] {
			extra = append(extra, e)
		}
	}
	return sheet.WriteReport(w, r.Table, extra, msg)
}

// ImportMessage renders an import error in lang: a cell error of the
// sheet reader, an import question, or a field error of the registry
// validation with its row and column.
func ImportMessage(lang string, e *kc.Error) string {
	if e.Key == "import.invalid" && len(e.Args) >= 4 {
		inner, _ := e.Args[3].(string)
		return locale.T(lang, "import.cell", e.Args[0], e.Args[1], e.Args[2], locale.T(lang, inner, e.Args[4:]...))
	}
	return locale.T(lang, e.Key, e.Args...)
}

// decision is one parsed answer for a row.
type decision struct {
	action  string // skip | create | merge
	mergeID int64
	commune string
}

func parseDecisions(s string) (decision, bool) {
	var d decision
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		k, v, _ := strings.Cut(part, ":")
		switch strings.ToLower(k) {
		case "skip", "create":
			if d.action != "" || v != "" {
				return d, false
			}
			d.action = strings.ToLower(k)
		case "merge":
			id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if d.action != "" || err != nil || id <= 0 {
				return d, false
			}
			d.action, d.mergeID = "merge", id
		case "commune":
			if d.commune != "" || strings.TrimSpace(v) == "" {
				return d, false
			}
			d.commune = strings.TrimSpace(v)
		default:
			return d, false
		}
	}
	return d, true
}

// communeIndex resolves commune codes and names of a file in memory.
type communeIndex struct {
	byID   map[int64]kc.Unit
	byCode map[string][]int64 // every unit that carried the code
	byName map[string][]int64 // folded name, with and without the type
	succ   map[int64][]kc.Succession
}

func (a *App) loadCommunes(ctx context.Context) (*communeIndex, error) {
	units, links, err := a.Store.ImportUnits(ctx)
	if err != nil {
		return nil, err
	}
	ix := &communeIndex{byID: make(map[int64]kc.Unit, len(units)), byCode: map[string][]int64{}, byName: map[string][]int64{}, succ: map[int64][]kc.Succession{}}
	for _, u := range units {
		ix.byID[u.ID] = u
		if u.Level != kc.LevelCommune {
			continue
		}
		ix.byCode[u.Code] = append(ix.byCode[u.Code], u.ID)
		full := vi.SearchKey(u.Name)
		ix.byName[full] = append(ix.byName[full], u.ID)
		if bare := vi.SearchKey(strings.TrimPrefix(u.Name, u.Type)); bare != full && bare != "" {
			ix.byName[bare] = append(ix.byName[bare], u.ID)
		}
	}
	for _, l := range links {
		ix.succ[l.FromID] = append(ix.succ[l.FromID], l)
	}
	return ix, nil
}

// provinceOf returns the province (of its period) a unit belongs to.
func (ix *communeIndex) provinceOf(id int64) int64 {
	for range 4 {
		u, ok := ix.byID[id]
		if !ok || u.Level == kc.LevelProvince || u.ParentID == 0 {
			return id
		}
		id = u.ParentID
	}
	return id
}

// successors returns the current communes a unit leads to and whether the
// way there is one full succession at every step.
func (ix *communeIndex) successors(id int64) ([]int64, bool) {
	var out []int64
	single := true
	seen := map[int64]bool{}
	var walk func(id int64, depth int)
	walk = func(id int64, depth int) {
		if seen[id] || depth > 10 {
			return
		}
		seen[id] = true
		u := ix.byID[id]
		if u.Current() {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
			return
		}
		ls := ix.succ[id]
		if len(ls) != 1 || ls[0].Scope != kc.SuccessionFull {
			single = false
		}
		for _, l := range ls {
			walk(l.ToID, depth+1)
		}
	}
	walk(id, 0)
	return out, single && len(out) == 1
}

// tradeIndex resolves trade names against the catalogue.
type tradeIndex struct {
	trades []kc.Trade
	exact  map[string]int64 // folded code, name and comma-separated parts of names
	words  [][]string       // folded words of each name
}

// tradeAliases are the names officials commonly write for catalogue
// trades, by folded name → trade code.
var tradeAliases = map[string]string{
	"moc": "MOC", "nghemoc": "MOC", "danlat": "DAN_GUI_MAY", "maytredan": "DAN_GUI_MAY",
	"thocam": "DET_THO_CAM", "cokhi": "CO_KHI", "ruou": "RUOU_MEN_LA",
}

func newTradeIndex(trades []kc.Trade) *tradeIndex {
	ix := &tradeIndex{trades: trades, exact: map[string]int64{}}
	for _, t := range trades {
		ix.exact[vi.SearchKey(t.Code)] = t.ID
		ix.exact[vi.SearchKey(t.Name)] = t.ID
		for part := range strings.SplitSeq(t.Name, ",") {
			if k := vi.SearchKey(part); k != "" {
				if _, taken := ix.exact[k]; !taken {
					ix.exact[k] = t.ID
				}
			}
		}
		ix.words = append(ix.words, foldWords(t.Name))
	}
	for alias, code := range tradeAliases {
		for _, t := range trades {
			if t.Code == code {
				if _, taken := ix.exact[alias]; !taken {
					ix.exact[alias] = t.ID
				}
			}
		}
	}
	return ix
}

func foldWords(s string) []string {
	var out []string
	for w := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ' ' || r == ',' || r == ';' || r == '-' || r == '/' }) {
		if k := vi.SearchKey(w); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// resolve returns the trade id for name, or the names of close trades.
func (ix *tradeIndex) resolve(name string) (int64, []string) {
	if id, ok := ix.exact[vi.SearchKey(name)]; ok {
		return id, nil
	}
	in := foldWords(name)
	var prefix, close []int
	for i, ws := range ix.words {
		if len(in) > 0 && len(in) <= len(ws) && slices.Equal(ws[:len(in)], in) {
			prefix = append(prefix, i)
		}
		for _, w := range in {
			if slices.Contains(ws, w) {
				close = append(close, i)
				break
			}
		}
	}
	if len(prefix) == 1 {
		return ix.trades[prefix[0]].ID, nil
	}
	if len(close) == 0 {
		close = prefix
	}
	names := make([]string, 0, len(close))
	for _, i := range close {
		names = append(names, ix.trades[i].Name)
	}
	return 0, names
}

// importRow is a row on its way to the database.
type importRow struct {
	line    int
	est     kc.Establishment
	fact    *kc.EstablishmentFact
	upd     kc.EstablishmentUpdate // for a merge: the cells the row has
	mergeID int64
	skip    bool
	// byID is set when the row names its establishment in the "Mã cơ
	// sở" column (a re-imported export): the row updates that record.
	byID bool
	// unchanged is set when such a row holds what the registry holds;
	// factSame when its yearly facts do.
	unchanged, factSame bool
	phone               string
	personal            string
}

// ImportEstablishments reads an XLSX or CSV file of establishments and,
// when every row is valid and every question answered, writes them all in
// one transaction with one audit entry; otherwise it writes nothing and
// the result lists every problem by row and column. A file-level problem
// (wrong type, no header row, too many rows) is the returned error.
func (a *App) ImportEstablishments(ctx context.Context, r io.Reader, name string, opts ImportOptions) (ImportResult, error) {
	res := ImportResult{File: name, DryRun: opts.DryRun}
	p, err := principal(ctx)
	if err != nil {
		return res, err
	}
	if !p.CanWrite() {
		return res, forbidden()
	}
	t, err := sheet.Read(r, name, sheet.DefaultLimits)
	if err != nil {
		return res, err
	}
	res.Table, res.Rows, res.Warnings = t, len(t.Rows), t.Warnings
	total := len(t.Rows)
	progress := func(done int) {
		if opts.Progress != nil && (done%1000 == 0 || done == total) {
			opts.Progress(done, total)
		}
	}
	communes, err := a.loadCommunes(ctx)
	if err != nil {
		return res, err
	}
	catalogue, err := a.Store.ListTrades(ctx)
	if err != nil {
		return res, err
	}
	trades := newTradeIndex(catalogue)
	factYear := opts.FactYear
	if factYear == 0 {
		factYear = a.Now().Year() - 1
	}
	thisYear := a.Now().Year()
	var extra []*kc.Error
	cellErr := func(line int, field, key string, args ...any) {
		extra = append(extra, t.CellError(line, field, key, args...))
	}
	communeField := "commune"
	if t.Mapping.Has("commune_code") {
		communeField = "commune_code"
	}
	// Pass 1: the provinces of the communes given unambiguously, to
	// settle names that several provinces share.
	provinces := map[int64]bool{}
	for i := range t.Rows {
		row := &t.Rows[i]
		if ids := communes.candidates(row.Text("commune_code"), row.Text("commune")); len(ids) == 1 {
			provinces[communes.provinceOf(ids[0])] = true
		}
	}
	rows := make([]importRow, len(t.Rows))
	for i := range t.Rows {
		row := &t.Rows[i]
		ir := &rows[i]
		ir.line = row.Line
		var dec decision
		if s, ok := opts.Decisions[row.Line]; ok {
			if dec, ok = parseDecisions(s); !ok {
				dec = decision{}
				cellErr(row.Line, "name", "import.bad_decision", s)
			}
		}
		if dec.action == "skip" {
			ir.skip = true
			progress(i + 1)
			continue
		}
		// A row of an export names its establishment: it updates it.
		if id, ok := row.Int("id"); ok && dec.action != "create" {
			switch {
			case id <= 0:
				cellErr(row.Line, "id", "import.id_unknown", id)
			case dec.mergeID > 0 && dec.mergeID != id:
				cellErr(row.Line, "id", "import.id_merge_conflict", id, dec.mergeID)
			default:
				ir.byID, dec.mergeID = true, id
			}
		}
		// Commune.
		var communeID int64
		code, cname := row.Text("commune_code"), row.Text("commune")
		switch ids := communes.candidates(code, cname); {
		case code == "" && cname == "":
			cellErr(row.Line, communeField, "import.commune_required")
		case len(ids) == 0 && code != "":
			cellErr(row.Line, "commune_code", "import.commune_code_unknown", code)
		case len(ids) == 0:
			cellErr(row.Line, "commune", "import.commune_name_unknown", cname)
		default:
			if len(ids) > 1 {
				var near []int64
				for _, id := range ids {
					if provinces[communes.provinceOf(id)] {
						near = append(near, id)
					}
				}
				if len(near) > 0 {
					ids = near
				}
			}
			var targets []int64
			single := len(ids) == 1
			for _, id := range ids {
				s, one := communes.successors(id)
				single = single && one
				for _, c := range s {
					if !slices.Contains(targets, c) {
						targets = append(targets, c)
					}
				}
			}
			field := communeField
			if code == "" {
				field = "commune"
			}
			switch {
			case dec.commune != "":
				for _, c := range targets {
					if communes.byID[c].Code == dec.commune {
						communeID = c
					}
				}
				if communeID == 0 {
					cellErr(row.Line, field, "import.commune_decision_bad", dec.commune, communes.names(targets))
				}
			case len(targets) == 0:
				cellErr(row.Line, field, "import.commune_gone", firstNonEmpty(code, cname))
			case len(ids) > 1 && len(targets) > 1:
				cellErr(row.Line, field, "import.commune_ambiguous", firstNonEmpty(cname, code), communes.names(targets), row.Line)
			case !single:
				cellErr(row.Line, field, "import.commune_split", communes.byID[ids[0]].Name, communes.names(targets), row.Line)
			default:
				communeID = targets[0]
			}
		}
		if communeID != 0 && !p.InScope(communeID) {
			cellErr(row.Line, communeField, "import.out_of_scope", communes.byID[communeID].Name)
			communeID = 0
		}
		// Trades.
		var tradeIDs []int64
		for _, tn := range row.List("trades") {
			id, close := trades.resolve(tn)
			if id == 0 {
				if len(close) == 0 {
					cellErr(row.Line, "trades", "import.trade_unknown", tn)
				} else {
					cellErr(row.Line, "trades", "import.trade_unknown_close", tn, strings.Join(close, "; "))
				}
				continue
			}
			if !slices.Contains(tradeIDs, id) {
				tradeIDs = append(tradeIDs, id)
			}
		}
		// The record and its validation, shared with the forms and the API.
		e := kc.Establishment{Kind: row.Text("kind"), SizeClass: row.Text("size_class"), Name: row.Text("name"), CommuneID: communeID,
			Village: row.Text("village"), OwnerName: row.Text("owner_name"), OwnerGender: row.Text("owner_gender"),
			OwnerEthnicity: row.Text("owner_ethnicity"), Phone: row.Text("phone"), PersonalID: row.Text("personal_id"),
			RegistrationNo: row.Text("registration_no"), RegistrationDate: row.Date("registration_date"),
			MainProducts: row.Text("main_products"), Notes: row.Text("notes"), TradeIDs: tradeIDs}
		if y, ok := row.Year("owner_birth_year"); ok {
			e.OwnerBirthYear = y
		}
		if y, ok := row.Year("founded_year"); ok {
			e.FoundedYear = y
		}
		e.TraditionalCraft, _ = row.Bool("traditional_craft")
		e.CraftVillage, _ = row.Bool("craft_village")
		e.WomenOwned, _ = row.Bool("women_owned")
		e.EthnicMinorityOwned, _ = row.Bool("ethnic_minority_owned")
		lat, okLat := row.Float("lat")
		lon, okLon := row.Float("lon")
		if okLat && okLon {
			e.Lat, e.Lon, e.HasLocation = lat, lon, true
		}
		upd := fullUpdate(e)
		upd.Version = 0
		if err := validateEstablishmentUpdate(&upd, e.Kind, thisYear); err != nil {
			for _, fe := range kc.FieldErrors(err) {
				cellErr(row.Line, importField(fe.Field), "import.invalid", append([]any{fe.Key}, fe.Args...)...)
			}
		}
		if upd.Name != nil {
			e.Name = *upd.Name
		}
		ir.phone, ir.personal = deref(upd.Phone), deref(upd.PersonalID)
		e.Phone, e.PersonalID = "", ""
		for _, f := range []struct {
			v   **string
			dst *string
		}{{&upd.Village, &e.Village}, {&upd.OwnerName, &e.OwnerName}, {&upd.OwnerEthnicity, &e.OwnerEthnicity},
			{&upd.MainProducts, &e.MainProducts}, {&upd.Notes, &e.Notes}, {&upd.RegistrationNo, &e.RegistrationNo}} {
			if *f.v != nil {
				*f.dst = **f.v
			}
		}
		ir.est = e
		if dec.mergeID > 0 {
			ir.upd = mergeUpdate(row, e, tradeIDs)
		}
		// The facts of the row's year.
		if f, ok := rowFact(row, factYear); ok {
			if err := validateFact(&f, thisYear); err != nil {
				for _, fe := range kc.FieldErrors(err) {
					cellErr(row.Line, importField(fe.Field), "import.invalid", append([]any{fe.Key}, fe.Args...)...)
				}
			}
			ir.fact = &f
		}
		ir.mergeID = dec.mergeID
		if dec.action == "create" {
			ir.mergeID = -1 // duplicates accepted
		}
		// The parsed values are no longer needed (the report shows the
		// cells): free them as we go, so a large file stays in bounds.
		row.Values = nil
		progress(i + 1)
	}
	if err := a.compareImportTargets(ctx, p, rows, cellErr); err != nil {
		return res, err
	}
	if err := a.checkImportDuplicates(ctx, p, rows, cellErr); err != nil {
		return res, err
	}
	res.Errors = importErrors(t, extra)
	for _, ir := range rows {
		switch {
		case ir.skip:
			res.Skipped++
		case ir.unchanged:
			res.Unchanged++
		case ir.mergeID > 0:
			res.Merged++
		default:
			res.Created++
		}
		if !ir.skip && !ir.unchanged && ir.fact != nil && !ir.factSame {
			res.Facts++
		}
	}
	if len(res.Errors) > 0 || opts.DryRun || res.Created+res.Merged == 0 {
		// Nothing to write: errors, a dry run, or a file that holds
		// what the registry holds (written stays false).
		return res, nil
	}
	if !a.HasSecret() {
		for _, ir := range rows {
			if ir.phone != "" || ir.personal != "" {
				return res, kc.Errorf(kc.EInvalid, "personal.secret_required")
			}
		}
	}
	if err := a.writeImport(ctx, rows, &res, opts); err != nil {
		return res, err
	}
	res.Written = true
	return res, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// importField maps a field of the registry validation to its column key.
func importField(f string) string {
	switch f {
	case "commune_id":
		return "commune"
	case "trade_ids":
		return "trades"
	case "year":
		return "fact_year"
	}
	return f
}

// importErrors merges the reader's cell errors with the import's, in row
// order.
func importErrors(t *sheet.Table, extra []*kc.Error) []*kc.Error {
	out := append(t.Errors(), extra...)
	sort.SliceStable(out, func(i, j int) bool {
		ri, ci, _, _ := sheet.CellPosition(out[i])
		rj, cj, _, _ := sheet.CellPosition(out[j])
		if ri != rj {
			return ri < rj
		}
		if len(ci) != len(cj) {
			return len(ci) < len(cj)
		}
		return ci < cj
	})
	return out
}

// candidates returns the units a code or a name designates: every unit
// that carried the code (the one in force when there is one), else the
// communes with the folded name (those in force first). A name chosen from
// the template's dropdown ("19564 – Xã Đakrông", see CommuneChoice) counts
// as its code.
func (ix *communeIndex) candidates(code, name string) []int64 {
	if code == "" {
		if c, _, ok := strings.Cut(name, " – "); ok && isDigits(strings.TrimSpace(c)) {
			code = strings.TrimSpace(c)
		}
	}
	pick := func(ids []int64) []int64 {
		var cur []int64
		for _, id := range ids {
			if ix.byID[id].Current() {
				cur = append(cur, id)
			}
		}
		if len(cur) > 0 {
			return cur
		}
		return ids
	}
	if code != "" {
		return pick(ix.byCode[strings.TrimSpace(code)])
	}
	if name == "" {
		return nil
	}
	return pick(ix.byName[vi.SearchKey(name)])
}

// names lists communes as "Xã Đakrông (19564)".
func (ix *communeIndex) names(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		u := ix.byID[id]
		parts[i] = u.Name + " (" + u.Code + ")"
	}
	return strings.Join(parts, "; ")
}

// rowFact returns the yearly facts of a row, when it has any.
func rowFact(row *sheet.Row, defaultYear int) (kc.EstablishmentFact, bool) {
	f := kc.EstablishmentFact{Year: defaultYear, Source: "import"}
	found := false
	num := func(key string) int64 {
		n, ok := row.Int(key)
		found = found || ok
		return n
	}
	f.Workers, f.WomenWorkers, f.EthnicMinorityWorkers = int(num("workers")), int(num("women_workers")), int(num("ethnic_minority_workers"))
	f.Revenue, f.Capital, f.AvgIncome = num("revenue"), num("capital"), num("avg_income")
	if y, ok := row.Year("fact_year"); ok {
		f.Year = y
	}
	return f, found
}

// mergeUpdate is the update a merge applies: the cells the row fills,
// leaving the rest of the existing record as it is.
func mergeUpdate(row *sheet.Row, e kc.Establishment, tradeIDs []int64) kc.EstablishmentUpdate {
	var u kc.EstablishmentUpdate
	has := func(key string) bool { return row.Value(key) != nil }
	str := func(key string, v string) *string {
		if !has(key) {
			return nil
		}
		return &v
	}
	boolean := func(key string, v bool) *bool {
		if !has(key) {
			return nil
		}
		return &v
	}
	year := func(key string, v int) *int {
		if !has(key) {
			return nil
		}
		return &v
	}
	u.Name, u.Kind, u.SizeClass, u.Village = str("name", e.Name), str("kind", e.Kind), str("size_class", e.SizeClass), str("village", e.Village)
	u.OwnerName, u.OwnerGender, u.OwnerEthnicity = str("owner_name", e.OwnerName), str("owner_gender", e.OwnerGender), str("owner_ethnicity", e.OwnerEthnicity)
	u.MainProducts, u.Notes, u.RegistrationNo = str("main_products", e.MainProducts), str("notes", e.Notes), str("registration_no", e.RegistrationNo)
	u.OwnerBirthYear, u.FoundedYear = year("owner_birth_year", e.OwnerBirthYear), year("founded_year", e.FoundedYear)
	u.TraditionalCraft, u.CraftVillage = boolean("traditional_craft", e.TraditionalCraft), boolean("craft_village", e.CraftVillage)
	u.WomenOwned, u.EthnicMinorityOwned = boolean("women_owned", e.WomenOwned), boolean("ethnic_minority_owned", e.EthnicMinorityOwned)
	if has("registration_date") {
		d := e.RegistrationDate
		u.RegistrationDate = &d
	}
	if e.HasLocation {
		u.Location = &kc.Location{Set: true, Lat: e.Lat, Lon: e.Lon}
	}
	if has("trades") && len(tradeIDs) > 0 {
		ids := slices.Clone(tradeIDs)
		u.TradeIDs = &ids
	}
	if e.CommuneID != 0 {
		c := e.CommuneID
		u.CommuneID = &c
	}
	return u
}

// checkImportDuplicates finds rows that look like another row of the file
// or like an establishment of the registry (same folded name in the same
// commune, same phone, same personal ID) and asks for a decision unless
// one was given.
func (a *App) checkImportDuplicates(ctx context.Context, p *Principal, rows []importRow, cellErr func(line int, field, key string, args ...any)) error {
	type key struct{ kind, v string }
	first := map[key]int{}
	var communeIDs []int64
	var names, phones, ids []string
	seenCommune := map[int64]bool{}
	hash := func(field, v string) string {
		if v == "" || a.keys == nil {
			return ""
		}
		return a.keys.Hash(field, v)
	}
	phoneHash := make([]string, len(rows))
	idHash := make([]string, len(rows))
	for i := range rows {
		ir := &rows[i]
		if ir.skip {
			continue
		}
		phoneHash[i], idHash[i] = hash(fieldPhone, ir.phone), hash(fieldPersonalID, ir.personal)
		keys := []key{}
		if nf := vi.SearchKey(ir.est.Name); nf != "" && ir.est.CommuneID != 0 {
			keys = append(keys, key{"name", fmt.Sprint(ir.est.CommuneID, "|", nf)})
			if !seenCommune[ir.est.CommuneID] {
				seenCommune[ir.est.CommuneID] = true
				communeIDs = append(communeIDs, ir.est.CommuneID)
			}
			names = append(names, nf)
		}
		if ir.phone != "" {
			keys = append(keys, key{"phone", ir.phone})
			if phoneHash[i] != "" {
				phones = append(phones, phoneHash[i])
			}
		}
		if ir.personal != "" {
			keys = append(keys, key{"personal_id", ir.personal})
			if idHash[i] != "" {
				ids = append(ids, idHash[i])
			}
		}
		if ir.mergeID != 0 {
			for _, k := range keys {
				if _, ok := first[k]; !ok {
					first[k] = ir.line
				}
			}
			continue // decided: create or merge
		}
		for _, k := range keys {
			if line, ok := first[k]; ok {
				field := map[string]string{"name": "name", "phone": "phone", "personal_id": "personal_id"}[k.kind]
				cellErr(ir.line, field, "import.duplicate_in_file", line, ir.line)
				ir.mergeID = -2 // reported once
				break
			}
		}
		for _, k := range keys {
			if _, ok := first[k]; !ok {
				first[k] = ir.line
			}
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	cands, err := a.Store.FindDuplicateCandidates(ctx, communeIDs, names, phones, ids)
	if err != nil {
		return err
	}
	if len(cands) == 0 {
		for i := range rows {
			if rows[i].mergeID == -2 {
				rows[i].mergeID = 0
			}
		}
		return nil
	}
	byName := map[string][]int64{}
	byPhone := map[string][]int64{}
	byID := map[string][]int64{}
	for _, c := range cands {
		if !p.InScope(c.CommuneID) {
			continue
		}
		byName[fmt.Sprint(c.CommuneID, "|", c.NameFold)] = append(byName[fmt.Sprint(c.CommuneID, "|", c.NameFold)], c.ID)
		if c.PhoneHash != "" {
			byPhone[c.PhoneHash] = append(byPhone[c.PhoneHash], c.ID)
		}
		if c.PersonalIDHash != "" {
			byID[c.PersonalIDHash] = append(byID[c.PersonalIDHash], c.ID)
		}
	}
	for i := range rows {
		ir := &rows[i]
		if ir.skip {
			continue
		}
		var found []int64
		field := ""
		add := func(f string, ids []int64) {
			if len(ids) > 0 && field == "" {
				field = f
			}
			for _, id := range ids {
				if !slices.Contains(found, id) {
					found = append(found, id)
				}
			}
		}
		if ir.est.CommuneID != 0 {
			add("name", byName[fmt.Sprint(ir.est.CommuneID, "|", vi.SearchKey(ir.est.Name))])
		}
		if phoneHash[i] != "" {
			add("phone", byPhone[phoneHash[i]])
		}
		if idHash[i] != "" {
			add("personal_id", byID[idHash[i]])
		}
		switch {
		case ir.mergeID > 0 && !ir.byID && !slices.Contains(found, ir.mergeID):
			cellErr(ir.line, "name", "import.merge_not_duplicate", ir.mergeID, idList(found))
		case ir.mergeID == 0 && len(found) > 0:
			cellErr(ir.line, field, "import.duplicate_registry", idList(found), ir.line, found[0])
		}
		if ir.mergeID == -2 {
			ir.mergeID = 0
		}
	}
	return nil
}

// compareImportTargets checks the rows that name their establishment by
// id (each id once, existing, in the caller's scope: a cell error on "id"
// otherwise) and marks those whose cells hold what the registry holds, so
// that nothing is written for them.
func (a *App) compareImportTargets(ctx context.Context, p *Principal, rows []importRow, cellErr func(line int, field, key string, args ...any)) error {
	years := map[int64]int{}
	firstLine := map[int64]int{}
	for i := range rows {
		ir := &rows[i]
		if !ir.byID || ir.skip {
			continue
		}
		if line, dup := firstLine[ir.mergeID]; dup {
			cellErr(ir.line, "id", "import.id_repeated", ir.mergeID, line)
			continue
		}
		firstLine[ir.mergeID] = ir.line
		years[ir.mergeID] = 0
		if ir.fact != nil {
			years[ir.mergeID] = ir.fact.Year
		}
	}
	if len(years) == 0 {
		return nil
	}
	targets, err := a.Store.ImportTargets(ctx, years)
	if err != nil {
		return err
	}
	for i := range rows {
		ir := &rows[i]
		if !ir.byID || ir.skip || firstLine[ir.mergeID] != ir.line {
			continue
		}
		t, ok := targets[ir.mergeID]
		if !ok || !p.InScope(t.CommuneID) {
			cellErr(ir.line, "id", "import.id_unknown", ir.mergeID)
			continue
		}
		after := t.Establishment
		ir.upd.ApplyTo(&after)
		same := sameRecord(t.Establishment, after)
		if ir.phone != "" {
			same = same && a.keys != nil && a.keys.Hash(fieldPhone, ir.phone) == t.PhoneSealed.Hash
		}
		if ir.personal != "" {
			same = same && a.keys != nil && a.keys.Hash(fieldPersonalID, ir.personal) == t.PersonalIDSealed.Hash
		}
		ir.factSame = ir.fact != nil && sameFact(*ir.fact, t.Fact)
		ir.unchanged = same && (ir.fact == nil || ir.factSame)
	}
	return nil
}

// sameRecord reports whether two records hold the same registry values,
// apart from personal values, version, timestamps and the demo mark.
func sameRecord(a, b kc.Establishment) bool {
	norm := func(e kc.Establishment) kc.Establishment {
		e.Phone, e.PersonalID, e.PhoneSealed, e.PersonalIDSealed, e.PersonalMasked = "", "", kc.Sealed{}, kc.Sealed{}, false
		e.Version, e.Demo = 0, false
		e.CreatedAt, e.UpdatedAt = time.Time{}, time.Time{}
		if len(e.TradeIDs) == 0 {
			e.TradeIDs = nil
		}
		if !e.HasLocation {
			e.Lat, e.Lon = 0, 0
		}
		return e
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

// sameFact reports whether two yearly facts hold the same figures for the
// same year (their source aside).
func sameFact(a, b kc.EstablishmentFact) bool {
	return a.Year == b.Year && a.Workers == b.Workers && a.WomenWorkers == b.WomenWorkers &&
		a.EthnicMinorityWorkers == b.EthnicMinorityWorkers && a.Revenue == b.Revenue && a.Capital == b.Capital && a.AvgIncome == b.AvgIncome
}

func idList(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, ", ")
}

// importAudit is the one audit entry of an import: counts and the file
// name, never personal data.
type importAudit struct {
	File                           string
	Rows, Created, Merged, Skipped int
	Unchanged                      int `json:",omitempty"`
	Facts                          int
	FirstID, LastID                int64   `json:",omitempty"`
	MergedIDs                      []int64 `json:",omitempty"`
}

// writeImport writes the checked rows in one transaction: new
// establishments in batches (sealed as they go, so memory stays bounded),
// then the merges, then the audit entry.
func (a *App) writeImport(ctx context.Context, rows []importRow, res *ImportResult, opts ImportOptions) error {
	var merges []*importRow
	for i := range rows {
		ir := &rows[i]
		if ir.skip || ir.mergeID <= 0 || ir.unchanged {
			continue
		}
		if ir.phone != "" {
			ir.upd.Phone = &ir.phone
		}
		if ir.personal != "" {
			ir.upd.PersonalID = &ir.personal
		}
		if err := a.sealUpdate(&ir.upd); err != nil {
			return err
		}
		merges = append(merges, ir)
	}
	p := PrincipalFrom(ctx)
	total := res.Created + len(merges)
	const batch = 2000
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		entry := importAudit{File: res.File, Rows: res.Rows, Created: res.Created, Merged: res.Merged, Skipped: res.Skipped, Unchanged: res.Unchanged, Facts: res.Facts}
		creates := make([]store.ImportEstablishment, 0, batch)
		done := 0
		flush := func() error {
			if len(creates) == 0 {
				return nil
			}
			ids, err := tx.InsertEstablishments(ctx, creates)
			if err != nil {
				return err
			}
			if entry.FirstID == 0 {
				entry.FirstID = ids[0]
			}
			entry.LastID = ids[len(ids)-1]
			done += len(creates)
			creates = creates[:0]
			if opts.Progress != nil {
				opts.Progress(done, total)
			}
			return nil
		}
		for i := range rows {
			ir := &rows[i]
			if ir.skip || ir.mergeID > 0 {
				continue
			}
			e := ir.est
			var err error
			if e.PhoneSealed, err = a.seal(fieldPhone, ir.phone); err != nil {
				return err
			}
			if e.PersonalIDSealed, err = a.seal(fieldPersonalID, ir.personal); err != nil {
				return err
			}
			ie := store.ImportEstablishment{Establishment: e}
			if ir.fact != nil {
				ie.Facts = []kc.EstablishmentFact{*ir.fact}
			}
			creates = append(creates, ie)
			if len(creates) == batch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		for _, ir := range merges {
			before, err := tx.GetEstablishment(ctx, ir.mergeID)
			if err != nil {
				return err
			}
			if !p.InScope(before.CommuneID) {
				return notFound()
			}
			if _, err := tx.UpdateEstablishment(ctx, ir.mergeID, ir.upd); err != nil {
				return err
			}
			if ir.fact != nil && !ir.factSame {
				f := *ir.fact
				f.EstablishmentID = ir.mergeID
				if err := tx.UpsertFact(ctx, f); err != nil {
					return err
				}
			}
			entry.MergedIDs = append(entry.MergedIDs, ir.mergeID)
			done++
			if opts.Progress != nil && (done%1000 == 0 || done == total) {
				opts.Progress(done, total)
			}
		}
		return a.audit(ctx, tx, kc.ActionImport, "establishment_import", 0, nil, entry)
	})
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
