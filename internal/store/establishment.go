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
	var e kc.Establishment
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		e, err = tx.GetEstablishment(ctx, id)
		return err
	})
	return e, err
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
func (tx *Tx) ListEstablishments(ctx context.Context, f kc.EstablishmentFilter) ([]kc.Establishment, int, error) {
	if f.CommuneIDs != nil && len(f.CommuneIDs) == 0 {
		return nil, 0, nil
	}
	where, args := tx.establishmentWhere(f)
	// Filtered only by communes (or not at all), the total comes from
	// commune_stat: a window count over a million rows would cost seconds.
	byCommuneOnly := f.Query == "" && f.Kind == "" && f.TradeID == 0 && len(f.Flags) == 0
	q := "SELECT " + establishmentColumns + ", COUNT(*) OVER () FROM establishment"
	if byCommuneOnly {
		q = "SELECT " + establishmentColumns + ", 0 FROM establishment"
	}
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY sort_key, id" + limitOffset(f.Limit, f.Offset)
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list establishments: %w", err)
	}
	defer rows.Close()
	var out []kc.Establishment
	var total int
	var ids []int64
	for rows.Next() {
		var e kc.Establishment
		if err := scanEstablishment(rows, &e, &total); err != nil {
			return nil, 0, fmt.Errorf("store: list establishments: %w", err)
		}
		out = append(out, e)
		ids = append(ids, e.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: list establishments: %w", err)
	}
	rows.Close()
	if byCommuneOnly {
		cq := "SELECT COALESCE(SUM(establishments), 0) FROM commune_stat"
		if f.CommuneIDs != nil {
			cq += " WHERE commune_id IN " + intList(f.CommuneIDs)
		}
		n, err := tx.count(ctx, cq)
		if err != nil {
			return nil, 0, fmt.Errorf("store: count establishments: %w", err)
		}
		total = int(n)
	}
	if len(out) == 0 && f.Offset > 0 && !byCommuneOnly {
		// Past the last page: COUNT(*) OVER () saw no rows, so count apart.
		cq := "SELECT COUNT(*) FROM establishment"
		if len(where) > 0 {
			cq += " WHERE " + strings.Join(where, " AND ")
		}
		n, err := tx.count(ctx, cq, args...)
		if err != nil {
			return nil, 0, fmt.Errorf("store: count establishments: %w", err)
		}
		total = int(n)
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

// establishmentWhere returns the conditions (over unqualified establishment
// columns, $1 on) and arguments that select what f asks for, apart from
// paging: the communes, the folded-name search (FTS trigram on SQLite),
// the kind, the trade and the flags. f.CommuneIDs must not be an empty non-nil slice.
func (tx *Tx) establishmentWhere(f kc.EstablishmentFilter) ([]string, []any) {
	var where []string
	var args []any
	if f.CommuneIDs != nil {
		in, a := inInts(len(args)+1, f.CommuneIDs)
		where = append(where, "commune_id IN "+in)
		args = append(args, a...)
	}
	if key := vi.SearchKey(f.Query); key != "" {
		args = append(args, key)
		n := len(args)
		switch {
		case tx.Dialect().Postgres():
			where = append(where, fmt.Sprintf("name_fold LIKE '%%' || $%d || '%%'", n))
		case len([]rune(key)) >= 3:
			// The trigram FTS table answers substring matches; the key holds
			// only letters and digits, so quoting it as a phrase is safe.
			args[n-1] = `"` + key + `"`
			where = append(where, fmt.Sprintf("id IN (SELECT rowid FROM establishment_fts WHERE establishment_fts MATCH $%d)", n))
		default:
			where = append(where, fmt.Sprintf("name_fold LIKE '%%' || $%d || '%%'", n))
		}
	}
	if f.Kind != "" {
		args = append(args, f.Kind)
		where = append(where, fmt.Sprintf("kind = $%d", len(args)))
	}
	if f.TradeID != 0 {
		args = append(args, f.TradeID)
		where = append(where, fmt.Sprintf("id IN (SELECT establishment_id FROM establishment_trade WHERE trade_id = $%d)", len(args)))
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
	var f kc.EstablishmentFact
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		f, err = tx.GetFact(ctx, establishmentID, year)
		return err
	})
	return f, err
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
	var out []kc.EstablishmentFact
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.ListFacts(ctx, establishmentID)
		return err
	})
	return out, err
}

// ListFacts is ListFacts inside tx.
func (tx *Tx) ListFacts(ctx context.Context, establishmentID int64) ([]kc.EstablishmentFact, error) {
	rows, err := tx.query(ctx, `SELECT establishment_id, year, workers, women_workers, ethnic_minority_workers, revenue, capital, avg_income, source
		FROM establishment_fact WHERE establishment_id = $1 ORDER BY year`, establishmentID)
	if err != nil {
		return nil, fmt.Errorf("store: list facts %d: %w", establishmentID, err)
	}
	defer rows.Close()
	var out []kc.EstablishmentFact
	for rows.Next() {
		var f kc.EstablishmentFact
		if err := rows.Scan(&f.EstablishmentID, &f.Year, &f.Workers, &f.WomenWorkers, &f.EthnicMinorityWorkers, &f.Revenue, &f.Capital, &f.AvgIncome, &f.Source); err != nil {
			return nil, fmt.Errorf("store: list facts %d: %w", establishmentID, err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// CountEstablishments returns the number of establishments in the database.
func (s *Store) CountEstablishments(ctx context.Context) (int64, error) {
	var n int64
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		n, err = tx.count(ctx, "SELECT COUNT(*) FROM establishment")
		return err
	})
	return n, err
}
