package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// establishmentColumns is the column list scanned by scanEstablishment.
// Personal data (phone, personal ID) is not read here: it is stored
// encrypted and revealed by its own audited use case.
const establishmentColumns = `id, kind, size_class, name, commune_id, village, lat, lon,
	owner_name, owner_gender, owner_ethnicity, owner_birth_year, women_owned, ethnic_minority_owned,
	founded_year, registration_no, registration_date, traditional_craft, craft_village, artisan,
	main_products, notes, demo, version, created_at, updated_at`

func scanEstablishment(r interface{ Scan(...any) error }, e *kc.Establishment, extra ...any) error {
	var lat, lon sql.NullFloat64
	var birth, founded sql.NullInt64
	dest := []any{&e.ID, &e.Kind, &e.SizeClass, &e.Name, &e.CommuneID, &e.Village, &lat, &lon,
		&e.OwnerName, &e.OwnerGender, &e.OwnerEthnicity, &birth, &e.WomenOwned, &e.EthnicMinorityOwned,
		&founded, &e.RegistrationNo, &e.RegistrationDate, &e.TraditionalCraft, &e.CraftVillage, &e.Artisan,
		&e.MainProducts, &e.Notes, &e.Demo, &e.Version, timeScan{&e.CreatedAt}, timeScan{&e.UpdatedAt}}
	if err := r.Scan(append(dest, extra...)...); err != nil {
		return err
	}
	e.Lat, e.Lon, e.HasLocation = lat.Float64, lon.Float64, lat.Valid && lon.Valid
	e.OwnerBirthYear, e.FoundedYear = int(birth.Int64), int(founded.Int64)
	return nil
}

// nullInt maps 0 to NULL for optional integer columns.
func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return int64(n)
}

// normalizeEstablishment puts the text fields in NFC and fills defaults.
func normalizeEstablishment(e *kc.Establishment) {
	e.Name = vi.NFC(e.Name)
	e.Village = vi.NFC(e.Village)
	e.OwnerName = vi.NFC(e.OwnerName)
	e.OwnerEthnicity = vi.NFC(e.OwnerEthnicity)
	e.MainProducts = vi.NFC(e.MainProducts)
	e.Notes = strings.TrimSpace(e.Notes)
	if e.Artisan == "" {
		e.Artisan = "none"
	}
}

// CreateEstablishment inserts an establishment with its trades and returns
// it with its id; name_fold and sort_key are derived from the name.
func (s *Store) CreateEstablishment(ctx context.Context, e kc.Establishment) (kc.Establishment, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		e, err = tx.CreateEstablishment(ctx, e)
		return err
	})
	return e, err
}

// CreateEstablishment is CreateEstablishment inside tx.
func (tx *Tx) CreateEstablishment(ctx context.Context, e kc.Establishment) (kc.Establishment, error) {
	if err := refuseClear(e); err != nil {
		return e, err
	}
	normalizeEstablishment(&e)
	var lat, lon any
	if e.HasLocation {
		lat, lon = e.Lat, e.Lon
	}
	id, err := tx.insert(ctx, `INSERT INTO establishment (kind, size_class, name, name_fold, sort_key, commune_id, village, lat, lon,
		owner_name, owner_gender, owner_ethnicity, owner_birth_year, women_owned, ethnic_minority_owned,
		founded_year, registration_no, registration_date, traditional_craft, craft_village, artisan,
		main_products, notes, demo, version, created_at, updated_at, phone_enc, phone_hash, personal_id_enc, personal_id_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, 1, $25, $25, $26, $27, $28, $29)`,
		e.Kind, e.SizeClass, e.Name, vi.SearchKey(e.Name), vi.SortKey(e.Name), e.CommuneID, e.Village, lat, lon,
		e.OwnerName, e.OwnerGender, e.OwnerEthnicity, nullInt(e.OwnerBirthYear), e.WomenOwned, e.EthnicMinorityOwned,
		nullInt(e.FoundedYear), e.RegistrationNo, e.RegistrationDate, e.TraditionalCraft, e.CraftVillage, e.Artisan,
		e.MainProducts, e.Notes, e.Demo, tx.now,
		nullBytes(e.PhoneSealed.Enc), e.PhoneSealed.Hash, nullBytes(e.PersonalIDSealed.Enc), e.PersonalIDSealed.Hash)
	if err != nil {
		return e, fmt.Errorf("store: create establishment: %w", err)
	}
	e.ID, e.Version, e.CreatedAt, e.UpdatedAt = id, 1, tx.now, tx.now
	if err := tx.setTrades(ctx, id, e.TradeIDs); err != nil {
		return e, err
	}
	return e, nil
}

// refuseClear rejects clear personal values: the store writes only what
// the app sealed, so a caller that forgot to seal fails loudly instead of
// losing (or leaking) the value.
func refuseClear(e kc.Establishment) error {
	if e.Phone != "" || e.PersonalID != "" {
		return fmt.Errorf("store: establishment %q: personal values must be sealed by the app", e.Name)
	}
	return nil
}

// nullBytes maps an empty slice to NULL.
func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// setTrades replaces the trades of an establishment; the first is primary.
func (tx *Tx) setTrades(ctx context.Context, id int64, tradeIDs []int64) error {
	if _, err := tx.exec(ctx, "DELETE FROM establishment_trade WHERE establishment_id = $1", id); err != nil {
		return fmt.Errorf("store: establishment %d trades: %w", id, err)
	}
	seen := map[int64]bool{}
	for i, t := range tradeIDs {
		if seen[t] {
			continue
		}
		seen[t] = true
		if _, err := tx.exec(ctx, "INSERT INTO establishment_trade (establishment_id, trade_id, is_primary) VALUES ($1, $2, $3)", id, t, i == 0); err != nil {
			return fmt.Errorf("store: establishment %d trade %d: %w", id, t, err)
		}
	}
	return nil
}

// GetEstablishment returns one establishment with its trades, or ENotFound.
func (s *Store) GetEstablishment(ctx context.Context, id int64) (kc.Establishment, error) {
	return viewValue(ctx, s, func(tx *Tx) (kc.Establishment, error) { return tx.GetEstablishment(ctx, id) })
}

// GetEstablishment is GetEstablishment inside tx.
func (tx *Tx) GetEstablishment(ctx context.Context, id int64) (kc.Establishment, error) {
	var e kc.Establishment
	row := tx.queryRow(ctx, "SELECT "+establishmentColumns+", phone_enc, phone_hash, personal_id_enc, personal_id_hash FROM establishment WHERE id = $1", id)
	if err := scanEstablishment(row, &e, &e.PhoneSealed.Enc, &e.PhoneSealed.Hash, &e.PersonalIDSealed.Enc, &e.PersonalIDSealed.Hash); err != nil {
		return e, fmt.Errorf("store: get establishment %d: %w", id, tx.s.mapErr(err))
	}
	trades, err := tx.tradesOf(ctx, []int64{id})
	if err != nil {
		return e, err
	}
	e.TradeIDs = trades[id]
	return e, nil
}

// tradesOf returns the trade ids of each establishment, primary first.
func (tx *Tx) tradesOf(ctx context.Context, ids []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inInts(1, ids)
	rows, err := tx.query(ctx, "SELECT establishment_id, trade_id FROM establishment_trade WHERE establishment_id IN "+in+" ORDER BY establishment_id, is_primary DESC, trade_id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: establishment trades: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e, t int64
		if err := rows.Scan(&e, &t); err != nil {
			return nil, err
		}
		out[e] = append(out[e], t)
	}
	return out, rows.Err()
}

// UpdateEstablishment applies upd and returns the establishment as saved.
// A non-zero upd.Version must match the stored version, else EConflict.
func (s *Store) UpdateEstablishment(ctx context.Context, id int64, upd kc.EstablishmentUpdate) (kc.Establishment, error) {
	var e kc.Establishment
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		e, err = tx.UpdateEstablishment(ctx, id, upd)
		return err
	})
	return e, err
}

// UpdateEstablishment is UpdateEstablishment inside tx.
func (tx *Tx) UpdateEstablishment(ctx context.Context, id int64, upd kc.EstablishmentUpdate) (kc.Establishment, error) {
	sets := []string{"version = version + 1", "updated_at = $1"}
	args := []any{tx.now}
	add := func(col string, v any) {
		args = append(args, v)
		sets = append(sets, fmt.Sprintf("%s = $%d", col, len(args)))
	}
	if upd.Name != nil {
		name := vi.NFC(*upd.Name)
		add("name", name)
		add("name_fold", vi.SearchKey(name))
		add("sort_key", vi.SortKey(name))
	}
	if upd.Village != nil {
		add("village", vi.NFC(*upd.Village))
	}
	if upd.Kind != nil {
		add("kind", *upd.Kind)
	}
	if upd.MainProducts != nil {
		add("main_products", vi.NFC(*upd.MainProducts))
	}
	if upd.Notes != nil {
		add("notes", strings.TrimSpace(*upd.Notes))
	}
	str := func(col string, v *string) {
		if v != nil {
			add(col, vi.NFC(*v))
		}
	}
	boolean := func(col string, v *bool) {
		if v != nil {
			add(col, *v)
		}
	}
	year := func(col string, v *int) {
		if v != nil {
			add(col, nullInt(*v))
		}
	}
	str("size_class", upd.SizeClass)
	if upd.CommuneID != nil {
		add("commune_id", *upd.CommuneID)
	}
	if upd.Location != nil {
		if upd.Location.Set {
			add("lat", upd.Location.Lat)
			add("lon", upd.Location.Lon)
		} else {
			add("lat", nil)
			add("lon", nil)
		}
	}
	str("owner_name", upd.OwnerName)
	str("owner_gender", upd.OwnerGender)
	str("owner_ethnicity", upd.OwnerEthnicity)
	year("owner_birth_year", upd.OwnerBirthYear)
	if upd.Phone != nil || upd.PersonalID != nil {
		return kc.Establishment{}, fmt.Errorf("store: update establishment %d: personal values must be sealed by the app", id)
	}
	if upd.PhoneSealed != nil {
		add("phone_enc", nullBytes(upd.PhoneSealed.Enc))
		add("phone_hash", upd.PhoneSealed.Hash)
	}
	if upd.PersonalIDSealed != nil {
		add("personal_id_enc", nullBytes(upd.PersonalIDSealed.Enc))
		add("personal_id_hash", upd.PersonalIDSealed.Hash)
	}
	boolean("women_owned", upd.WomenOwned)
	boolean("ethnic_minority_owned", upd.EthnicMinorityOwned)
	year("founded_year", upd.FoundedYear)
	str("registration_no", upd.RegistrationNo)
	if upd.RegistrationDate != nil {
		add("registration_date", *upd.RegistrationDate)
	}
	boolean("traditional_craft", upd.TraditionalCraft)
	boolean("craft_village", upd.CraftVillage)
	if upd.Artisan != nil {
		a := *upd.Artisan
		if a == "" {
			a = kc.ArtisanNone
		}
		add("artisan", a)
	}
	args = append(args, id)
	where := fmt.Sprintf(" WHERE id = $%d", len(args))
	if upd.Version != 0 {
		args = append(args, upd.Version)
		where += fmt.Sprintf(" AND version = $%d", len(args))
	}
	res, err := tx.exec(ctx, "UPDATE establishment SET "+strings.Join(sets, ", ")+where, args...)
	if err != nil {
		return kc.Establishment{}, fmt.Errorf("store: update establishment %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := tx.GetEstablishment(ctx, id); err != nil {
			return kc.Establishment{}, err
		}
		return kc.Establishment{}, &kc.Error{Code: kc.EConflict, Key: "error.conflict", Err: fmt.Errorf("store: establishment %d changed since version %d", id, upd.Version)}
	}
	if upd.TradeIDs != nil {
		if err := tx.setTrades(ctx, id, *upd.TradeIDs); err != nil {
			return kc.Establishment{}, err
		}
	}
	return tx.GetEstablishment(ctx, id)
}

// ListEstablishments returns one page of establishments in Vietnamese name
// order and the total number that match. f.CommuneIDs nil means every
// commune, empty means none. The query is matched on the folded name.
func (s *Store) ListEstablishments(ctx context.Context, f kc.EstablishmentFilter) ([]kc.Establishment, int, error) {
	var out []kc.Establishment
	var total int
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		out, total, err = tx.ListEstablishments(ctx, f)
		return err
	})
	return out, total, err
}

// ListEstablishments is ListEstablishments inside tx.
//
// The page is chosen on the narrow (sort_key, id) pairs of the matching
// rows, which an index yields in order, and only its rows are then read in
// full; the total is worked out apart, as cheaply as the filter allows
// (see countListed). A COUNT(*) OVER () on the page query made every call
// carry all the matching rows, full width, through the sort: seconds for a
// common word or a kind on the national registry (docs/benchmarks.md §5).
func (tx *Tx) ListEstablishments(ctx context.Context, f kc.EstablishmentFilter) ([]kc.Establishment, int, error) {
	if f.CommuneIDs != nil && len(f.CommuneIDs) == 0 {
		return nil, 0, nil
	}
	if tx.Dialect().Postgres() {
		// pgx prepares and caches its statements, and after five runs
		// PostgreSQL may switch to a generic plan, which cannot see the
		// search pattern: it then takes the trigram index for "%ho%" too,
		// reading all of it (a province searching "ho": 500 ms against 7 ms).
		if _, err := tx.exec(ctx, "SET LOCAL plan_cache_mode = force_custom_plan"); err != nil {
			return nil, 0, fmt.Errorf("store: list establishments: %w", err)
		}
	}
	where, args := tx.establishmentWhere(f)
	pageWhere, pageArgs := where, args
	ftsMatches := -1
	if tx.searchesFTS(f) {
		// The FTS table's cost grows with the matches, so count them first
		// (the FTS table alone answers): past ftsDriveMax, reading the names
		// in order and matching each folded name (establishment_sort_name
		// holds both) reaches a page sooner than sorting every match.
		n, err := tx.count(ctx, "SELECT COUNT(*) FROM establishment_fts WHERE establishment_fts MATCH $1", args[0])
		if err != nil {
			return nil, 0, fmt.Errorf("store: count establishments: %w", err)
		}
		ftsMatches = int(n)
		if n == 0 {
			return nil, 0, nil
		}
		if ftsMatches > ftsDriveMax {
			pageWhere, pageArgs = slices.Clone(where), slices.Clone(args)
			pageWhere[0], pageArgs[0] = "name_fold LIKE '%' || $1 || '%'", vi.SearchKey(f.Query)
		}
	}
	q := "SELECT " + exportColumns + " FROM (" + tx.pageQuery(f, pageWhere, ftsMatches) +
		limitOffset(f.Limit, f.Offset) + ") p JOIN establishment e ON e.id = p.id ORDER BY p.sort_key, p.id"
	rows, err := tx.query(ctx, q, pageArgs...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list establishments: %w", err)
	}
	out, err := collectRows(rows, func(r rowScanner, e *kc.Establishment) error { return scanEstablishment(r, e) })
	if err != nil {
		return nil, 0, fmt.Errorf("store: list establishments: %w", err)
	}
	var ids []int64
	for _, e := range out {
		ids = append(ids, e.ID)
	}
	total, err := tx.countListed(ctx, f, where, args, len(out), ftsMatches)
	if err != nil {
		return nil, 0, err
	}
	trades, err := tx.tradesOf(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		out[i].TradeIDs = trades[out[i].ID]
	}
	return out, total, nil
}

// pageQuery selects the (id, sort_key) pairs matching where in name order,
// shaped so that each database takes the path that reaches the page
// soonest whatever its statistics say: ftsMatches is the count of a name
// search through the FTS table on SQLite (-1 when it is not used).
func (tx *Tx) pageQuery(f kc.EstablishmentFilter, where []string, ftsMatches int) string {
	from := "establishment"
	switch {
	case tx.Dialect().Postgres() && f.CommuneIDs != nil:
		// Fenced (OFFSET 0), PostgreSQL finds a scope's rows first through
		// establishment_commune_sort and sorts them; unfenced, it may read
		// the whole country in name order hoping for an early page, but
		// the names of a kind, a trade or a common word come in blocks
		// (a province searching "ho": 215 ms against 7 ms).
		from, where = "(SELECT id, sort_key FROM establishment"+whereClause(where)+" OFFSET 0) s", nil
	case !tx.Dialect().Postgres() && f.CommuneIDs == nil && f.Kind == "" && f.TradeID == 0 && (ftsMatches < 0 || ftsMatches > ftsDriveMax):
		// No index narrows the rows: read the names in order and stop at
		// the page. Left to itself, SQLite scans the whole table and sorts
		// it when a flag is filtered (250 ms against 0.1 ms).
		from += " INDEXED BY establishment_sort_name"
	}
	return "SELECT id, sort_key FROM " + from + whereClause(where) + " ORDER BY sort_key, id"
}

// ftsDriveMax is the number of FTS matches up to which a page of a name
// search on SQLite is read from the matches themselves (a row lookup and a
// sort per match, about 2 µs each); beyond it the names are read in order
// instead. Measured on the national dataset: 25 matches 1 ms against
// 135 ms, 20,000 matches 50 ms against 20 ms (docs/benchmarks.md §5).
// A variable so that tests can take both paths on a small registry.
var ftsDriveMax = 10_000

// countListed returns the number of establishments matching f (whose
// conditions are where and args), knowing that the page at f.Offset held
// n rows and, on SQLite, that the name search alone has ftsMatches
// matches (-1 when the FTS table is not used).
func (tx *Tx) countListed(ctx context.Context, f kc.EstablishmentFilter, where []string, args []any, n, ftsMatches int) (int, error) {
	limit := f.Limit // as limitOffset applies it
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	offset := max(f.Offset, 0)
	var q string
	switch {
	case n > 0 && n < limit:
		// The last page: nothing after it.
		return offset + n, nil
	case n == 0 && offset == 0:
		return 0, nil
	case ftsMatches >= 0 && len(where) == 1:
		// The search alone: the FTS table (kept in step by triggers)
		// counted its matches without reading a row.
		if f.CountCap > 0 {
			return min(ftsMatches, f.CountCap+1), nil
		}
		return ftsMatches, nil
	case f.Query == "" && f.Kind == "" && f.TradeID == 0 && len(f.Flags) == 0:
		// Communes only (or nothing): the per-commune summary holds the
		// answer, where a count would read up to a million rows.
		q, args = "SELECT COALESCE(SUM(establishments), 0) FROM commune_stat", nil
		if f.CommuneIDs != nil {
			q += " WHERE commune_id IN " + intList(f.CommuneIDs)
		}
	case f.TradeID != 0 && len(where) == 1:
		// The trade alone: one link per establishment and trade.
		q, args = "SELECT COUNT(*) FROM establishment_trade WHERE trade_id = $1", []any{f.TradeID}
	default:
		if !tx.Dialect().Postgres() && f.CommuneIDs == nil && f.Kind != "" && len(f.Flags) > 0 {
			// Counting a kind and a flag over the country, one pass over
			// the table beats a row lookup per entry of the kind's index
			// range (250 ms against 1.2 s for the households).
			where, args = tx.filterWhere(f, true)
		}
		q = "SELECT COUNT(*) FROM establishment" + whereClause(where)
		if f.CountCap > 0 && f.Query != "" {
			// A search counts up to the cap: past it the answer is
			// "more than CountCap", and the scan stops there.
			q = fmt.Sprintf("SELECT COUNT(*) FROM (SELECT 1 FROM establishment%s LIMIT %d) capped", whereClause(where), f.CountCap+1)
		}
	}
	total, err := tx.count(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("store: count establishments: %w", err)
	}
	return int(total), nil
}

// whereClause joins conditions into a WHERE clause ("" for none).
func whereClause(where []string) string {
	if len(where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(where, " AND ")
}

// ftsCommuneLimit is the number of communes up to which a name search on
// SQLite reads the folded names of the communes' establishments (a range
// scan of establishment_commune_sort) instead of asking the FTS table,
// whose cost grows with the matches in the whole country: a common word
// matches hundreds of thousands of names nationally but a few thousand in
// a province (about 300 establishments per commune).
const ftsCommuneLimit = 200

// searchesFTS reports whether establishmentWhere matches f's name search
// through the FTS table (SQLite, three characters or more, no or many
// communes); its condition is then the first one, with the key as $1.
func (tx *Tx) searchesFTS(f kc.EstablishmentFilter) bool {
	return !tx.Dialect().Postgres() && len([]rune(vi.SearchKey(f.Query))) >= 3 &&
		(f.CommuneIDs == nil || len(f.CommuneIDs) > ftsCommuneLimit)
}

// establishmentWhere returns the conditions (over unqualified establishment
// columns, $1 on) and arguments that select what f asks for, apart from
// paging: the folded-name search first (FTS trigram on SQLite, see
// searchesFTS), the communes (as integer literals: binding hundreds of
// parameters costs more than the query on SQLite), the kind, the trade and
// the flags. f.CommuneIDs must not be an empty non-nil slice.
//
// With communes on SQLite, the kind and trade conditions are written so
// that they cannot pick the index (a unary +): the planner statistics of a
// demo load (ANALYZE with analysis_limit) or of none at all make a kind
// look rarer than a province, and starting from the kind or trade reads
// hundreds of thousands of rows where the communes' index range holds tens
// of thousands.
func (tx *Tx) establishmentWhere(f kc.EstablishmentFilter) ([]string, []any) {
	return tx.filterWhere(f, false)
}

// filterWhere is establishmentWhere; scanKind keeps the kind condition
// from picking an index on SQLite even without communes.
func (tx *Tx) filterWhere(f kc.EstablishmentFilter, scanKind bool) ([]string, []any) {
	var where []string
	var args []any
	if key := vi.SearchKey(f.Query); key != "" {
		args = append(args, key)
		n := len(args)
		if tx.searchesFTS(f) {
			// The trigram FTS table answers substring matches; the key holds
			// only letters and digits, so quoting it as a phrase is safe.
			args[n-1] = `"` + key + `"`
			where = append(where, fmt.Sprintf("id IN (SELECT rowid FROM establishment_fts WHERE establishment_fts MATCH $%d)", n))
		} else {
			where = append(where, fmt.Sprintf("name_fold LIKE '%%' || $%d || '%%'", n))
		}
	}
	steer := ""
	if f.CommuneIDs != nil {
		where = append(where, "commune_id IN "+intList(f.CommuneIDs))
		if !tx.Dialect().Postgres() {
			steer = "+"
		}
	}
	if f.Kind != "" {
		args = append(args, f.Kind)
		kindSteer := steer
		if scanKind && !tx.Dialect().Postgres() {
			kindSteer = "+"
		}
		where = append(where, fmt.Sprintf("%skind = $%d", kindSteer, len(args)))
	}
	if f.TradeID != 0 {
		args = append(args, f.TradeID)
		where = append(where, fmt.Sprintf("%sid IN (SELECT establishment_id FROM establishment_trade WHERE trade_id = $%d)", steer, len(args)))
	}
	for _, flag := range f.Flags {
		// The flag names are the column names; anything else is ignored
		// here (the app layer rejects it), so no text reaches the SQL.
		if slices.Contains(kc.EstablishmentFlags, flag) {
			where = append(where, flag+" = TRUE")
		}
	}
	return where, args
}

// UpsertFact writes the facts of one establishment for one year, replacing
// that year's row if present, and keeps the establishment's latest-year
// summary (used by dashboards) in step.
func (s *Store) UpsertFact(ctx context.Context, f kc.EstablishmentFact) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.UpsertFact(ctx, f) })
}

// UpsertFact is UpsertFact inside tx.
func (tx *Tx) UpsertFact(ctx context.Context, f kc.EstablishmentFact) error {
	if f.Source == "" {
		f.Source = "survey"
	}
	_, err := tx.exec(ctx, `INSERT INTO establishment_fact (establishment_id, year, workers, women_workers, ethnic_minority_workers, revenue, capital, avg_income, source)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (establishment_id, year) DO UPDATE SET workers = excluded.workers, women_workers = excluded.women_workers,
			ethnic_minority_workers = excluded.ethnic_minority_workers, revenue = excluded.revenue, capital = excluded.capital,
			avg_income = excluded.avg_income, source = excluded.source`,
		f.EstablishmentID, f.Year, f.Workers, f.WomenWorkers, f.EthnicMinorityWorkers, f.Revenue, f.Capital, f.AvgIncome, f.Source)
	if err != nil {
		return fmt.Errorf("store: upsert fact %d/%d: %w", f.EstablishmentID, f.Year, err)
	}
	if _, err := tx.exec(ctx, `UPDATE establishment SET latest_year = $2, latest_workers = $3
		WHERE id = $1 AND (latest_year IS NULL OR latest_year <= $2)`, f.EstablishmentID, f.Year, f.Workers); err != nil {
		return fmt.Errorf("store: latest fact %d: %w", f.EstablishmentID, err)
	}
	return nil
}

// DeleteFact removes the facts of one year of an establishment (ENotFound
// when there is none) and recomputes the latest-year summary, so the
// dashboard counts follow.
func (s *Store) DeleteFact(ctx context.Context, establishmentID int64, year int) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.DeleteFact(ctx, establishmentID, year) })
}

// DeleteFact is DeleteFact inside tx.
func (tx *Tx) DeleteFact(ctx context.Context, establishmentID int64, year int) error {
	res, err := tx.exec(ctx, "DELETE FROM establishment_fact WHERE establishment_id = $1 AND year = $2", establishmentID, year)
	if err != nil {
		return fmt.Errorf("store: delete fact %d/%d: %w", establishmentID, year, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &kc.Error{Code: kc.ENotFound, Key: "error.not_found", Err: fmt.Errorf("store: no fact %d/%d", establishmentID, year)}
	}
	// The latest year is the newest remaining one (none: NULL and 0).
	if _, err := tx.exec(ctx, `UPDATE establishment SET
		latest_year = (SELECT MAX(year) FROM establishment_fact WHERE establishment_id = $1),
		latest_workers = COALESCE((SELECT workers FROM establishment_fact WHERE establishment_id = $1 ORDER BY year DESC LIMIT 1), 0)
		WHERE id = $1`, establishmentID); err != nil {
		return fmt.Errorf("store: latest fact %d: %w", establishmentID, err)
	}
	return nil
}

// GetFact returns the facts of one year of an establishment, or ENotFound.
func (s *Store) GetFact(ctx context.Context, establishmentID int64, year int) (kc.EstablishmentFact, error) {
	return viewValue(ctx, s, func(tx *Tx) (kc.EstablishmentFact, error) { return tx.GetFact(ctx, establishmentID, year) })
}

// GetFact is GetFact inside tx.
func (tx *Tx) GetFact(ctx context.Context, establishmentID int64, year int) (kc.EstablishmentFact, error) {
	var f kc.EstablishmentFact
	err := tx.queryRow(ctx, `SELECT establishment_id, year, workers, women_workers, ethnic_minority_workers, revenue, capital, avg_income, source
		FROM establishment_fact WHERE establishment_id = $1 AND year = $2`, establishmentID, year).
		Scan(&f.EstablishmentID, &f.Year, &f.Workers, &f.WomenWorkers, &f.EthnicMinorityWorkers, &f.Revenue, &f.Capital, &f.AvgIncome, &f.Source)
	if err != nil {
		return f, fmt.Errorf("store: get fact %d/%d: %w", establishmentID, year, tx.s.mapErr(err))
	}
	return f, nil
}

// ListFacts returns the yearly facts of an establishment, oldest first.
func (s *Store) ListFacts(ctx context.Context, establishmentID int64) ([]kc.EstablishmentFact, error) {
	return viewValue(ctx, s, func(tx *Tx) ([]kc.EstablishmentFact, error) { return tx.ListFacts(ctx, establishmentID) })
}

// ListFacts is ListFacts inside tx.
func (tx *Tx) ListFacts(ctx context.Context, establishmentID int64) ([]kc.EstablishmentFact, error) {
	rows, err := tx.query(ctx, `SELECT establishment_id, year, workers, women_workers, ethnic_minority_workers, revenue, capital, avg_income, source
		FROM establishment_fact WHERE establishment_id = $1 ORDER BY year`, establishmentID)
	if err != nil {
		return nil, fmt.Errorf("store: list facts %d: %w", establishmentID, err)
	}
	return collectRows(rows, func(r rowScanner, f *kc.EstablishmentFact) error {
		if err := r.Scan(&f.EstablishmentID, &f.Year, &f.Workers, &f.WomenWorkers, &f.EthnicMinorityWorkers, &f.Revenue, &f.Capital, &f.AvgIncome, &f.Source); err != nil {
			return fmt.Errorf("store: list facts %d: %w", establishmentID, err)
		}
		return nil
	})
}

// CountEstablishments returns the number of establishments in the database.
func (s *Store) CountEstablishments(ctx context.Context) (int64, error) {
	return viewValue(ctx, s, func(tx *Tx) (int64, error) { return tx.count(ctx, "SELECT COUNT(*) FROM establishment") })
}
