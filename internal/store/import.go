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

// ImportUnits returns every unit, current or former (provinces, districts
// and communes), and every succession link that leaves a commune, so an
// import can resolve the communes of a whole file in memory.
func (s *Store) ImportUnits(ctx context.Context) ([]kc.Unit, []kc.Succession, error) {
	var units []kc.Unit
	var links []kc.Succession
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		if units, err = tx.unitsQuery(ctx, "SELECT "+unitCols+" FROM unit u ORDER BY u.id"); err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT s.from_unit_id, s.to_unit_id, s.scope, s.effective FROM unit_succession s
			JOIN unit f ON f.id = s.from_unit_id WHERE f.level = 'commune' ORDER BY s.from_unit_id, s.to_unit_id`)
		if err != nil {
			return err
		}
		links, err = collectRows(rows, func(r rowScanner, l *kc.Succession) error {
			return r.Scan(&l.FromID, &l.ToID, &l.Scope, &l.Effective)
		})
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: import units: %w", err)
	}
	return units, links, nil
}

// DuplicateCandidate is an establishment that may be the same producer as
// a row of an import: its commune, folded name and personal-data hashes.
type DuplicateCandidate struct {
	ID             int64
	CommuneID      int64
	NameFold       string
	PhoneHash      string
	PersonalIDHash string
}

// importBatch is the number of values per IN list of the duplicate search.
const importBatch = 500

// FindDuplicateCandidates returns the establishments whose folded name
// (vi.SearchKey) is one of nameFolds in one of communeIDs, or whose phone
// or personal ID hash is one of the given hashes: everything an import
// needs to find duplicates of many rows in a few queries.
func (s *Store) FindDuplicateCandidates(ctx context.Context, communeIDs []int64, nameFolds, phoneHashes, idHashes []string) ([]DuplicateCandidate, error) {
	seen := map[int64]bool{}
	var out []DuplicateCandidate
	const cols = "SELECT id, commune_id, name_fold, phone_hash, personal_id_hash FROM establishment WHERE "
	err := s.View(ctx, func(tx *Tx) error {
		run := func(q string, args []any) error {
			return tx.each(ctx, q, func(scan func(...any) error) error {
				var c DuplicateCandidate
				if err := scan(&c.ID, &c.CommuneID, &c.NameFold, &c.PhoneHash, &c.PersonalIDHash); err != nil {
					return err
				}
				if !seen[c.ID] {
					seen[c.ID] = true
					out = append(out, c)
				}
				return nil
			}, args...)
		}
		strIn := func(start int, vals []string) (string, []any) {
			var b strings.Builder
			args := make([]any, len(vals))
			b.WriteByte('(')
			for i, v := range vals {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "$%d", start+i)
				args[i] = v
			}
			b.WriteByte(')')
			return b.String(), args
		}
		if len(communeIDs) > 0 {
			communes := intList(communeIDs)
			for start := 0; start < len(nameFolds); start += importBatch {
				in, args := strIn(1, nameFolds[start:min(start+importBatch, len(nameFolds))])
				if err := run(cols+"commune_id IN "+communes+" AND name_fold IN "+in, args); err != nil {
					return err
				}
			}
		}
		for _, h := range []struct {
			col  string
			vals []string
		}{{"phone_hash", phoneHashes}, {"personal_id_hash", idHashes}} {
			for start := 0; start < len(h.vals); start += importBatch {
				in, args := strIn(1, h.vals[start:min(start+importBatch, len(h.vals))])
				if err := run(cols+h.col+" IN "+in, args); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: duplicate candidates: %w", err)
	}
	return out, nil
}

// ImportEstablishment is a new establishment of an import, with its
// personal values sealed by the app and its yearly facts.
type ImportEstablishment struct {
	kc.Establishment
	Facts []kc.EstablishmentFact
}

// InsertEstablishments writes new establishments with their trades and
// facts inside tx, with multi-row prepared INSERTs, and returns their ids
// in order. Ids are reserved first (from the identity sequence on
// PostgreSQL; on SQLite the write transaction holds the only writer), so
// trades and facts can name them without a round trip per row.
func (tx *Tx) InsertEstablishments(ctx context.Context, es []ImportEstablishment) ([]int64, error) {
	if len(es) == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, len(es))
	if tx.Dialect().Postgres() {
		got, err := tx.ids(ctx, "SELECT nextval(pg_get_serial_sequence('establishment', 'id')) FROM generate_series(1, $1)", len(es))
		if err != nil {
			return nil, fmt.Errorf("store: reserve establishment ids: %w", err)
		}
		ids = got
	} else {
		first, err := tx.count(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM establishment")
		if err != nil {
			return nil, fmt.Errorf("store: next establishment id: %w", err)
		}
		for i := range es {
			ids = append(ids, first+int64(i))
		}
	}
	if len(ids) != len(es) {
		return nil, fmt.Errorf("store: reserved %d ids for %d establishments", len(ids), len(es))
	}
	now := tx.now
	est := bulkTable{name: "establishment", cols: []string{"id", "kind", "size_class", "name", "name_fold", "sort_key", "commune_id", "village", "lat", "lon",
		"owner_name", "owner_gender", "owner_ethnicity", "owner_birth_year", "women_owned", "ethnic_minority_owned", "founded_year",
		"registration_no", "registration_date", "traditional_craft", "craft_village", "artisan", "main_products", "notes", "demo",
		"version", "created_at", "updated_at", "latest_year", "latest_workers", "phone_enc", "phone_hash", "personal_id_enc", "personal_id_hash"}}
	trades := bulkTable{name: "establishment_trade", cols: []string{"establishment_id", "trade_id", "is_primary"}}
	facts := bulkTable{name: "establishment_fact", cols: []string{"establishment_id", "year", "workers", "women_workers", "ethnic_minority_workers",
		"revenue", "capital", "avg_income", "source"}}
	for i := range es {
		e := &es[i]
		if err := refuseClear(e.Establishment); err != nil {
			return nil, err
		}
		normalizeEstablishment(&e.Establishment)
		id := ids[i]
		var lat, lon any
		if e.HasLocation {
			lat, lon = e.Lat, e.Lon
		}
		var latestYear any
		latestWorkers, best := int64(0), 0
		for _, f := range e.Facts {
			if f.Year >= best {
				best, latestWorkers = f.Year, int64(f.Workers)
			}
			src := f.Source
			if src == "" {
				src = "import"
			}
			facts.rows = append(facts.rows, []any{id, int64(f.Year), int64(f.Workers), int64(f.WomenWorkers), int64(f.EthnicMinorityWorkers),
				f.Revenue, f.Capital, f.AvgIncome, src})
		}
		if best > 0 {
			latestYear = int64(best)
		}
		est.rows = append(est.rows, []any{id, e.Kind, e.SizeClass, e.Name, vi.SearchKey(e.Name), vi.SortKey(e.Name), e.CommuneID, e.Village, lat, lon,
			e.OwnerName, e.OwnerGender, e.OwnerEthnicity, nullInt(e.OwnerBirthYear), e.WomenOwned, e.EthnicMinorityOwned, nullInt(e.FoundedYear),
			e.RegistrationNo, nullDate(e.RegistrationDate), e.TraditionalCraft, e.CraftVillage, e.Artisan, e.MainProducts, e.Notes, e.Demo,
			int64(1), now, now, latestYear, latestWorkers,
			nullBytes(e.PhoneSealed.Enc), e.PhoneSealed.Hash, nullBytes(e.PersonalIDSealed.Enc), e.PersonalIDSealed.Hash})
		seen := map[int64]bool{}
		for j, t := range e.TradeIDs {
			if !seen[t] {
				seen[t] = true
				trades.rows = append(trades.rows, []any{id, t, j == 0})
			}
		}
	}
	stmts := map[string]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	for _, t := range []bulkTable{est, trades, facts} {
		if err := tx.insertRows(ctx, stmts, t); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// ImportCounts are the row counts an import test compares before and after.
type ImportCounts struct {
	Establishments, Facts, Trades, Audit int64
}

// CountImportRows returns the number of establishments, facts, trade links
// and audit entries in the database.
func (s *Store) CountImportRows(ctx context.Context) (ImportCounts, error) {
	var c ImportCounts
	err := s.View(ctx, func(tx *Tx) error {
		for _, q := range []struct {
			dst   *int64
			table string
		}{{&c.Establishments, "establishment"}, {&c.Facts, "establishment_fact"}, {&c.Trades, "establishment_trade"}, {&c.Audit, "audit"}} {
			n, err := tx.count(ctx, "SELECT COUNT(*) FROM "+q.table)
			if err != nil {
				return fmt.Errorf("store: count %s: %w", q.table, err)
			}
			*q.dst = n
		}
		return nil
	})
	return c, err
}

// ImportTarget is an establishment a re-imported row names by its id,
// with the facts of the year the row carries (Fact.Year 0 when the
// establishment has none for that year).
type ImportTarget struct {
	kc.Establishment
	Fact kc.EstablishmentFact
}

// ImportTargets reads the establishments with the given ids (sealed
// personal values and trades included) and, for each, its facts of the
// year years[id] asks for, in chunks of 500 ids so a 100,000-row file
// costs a few hundred queries. Ids that do not exist are absent.
func (s *Store) ImportTargets(ctx context.Context, years map[int64]int) (map[int64]ImportTarget, error) {
	ids := make([]int64, 0, len(years))
	for id := range years {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make(map[int64]ImportTarget, len(ids))
	const chunk = 500
	err := s.View(ctx, func(tx *Tx) error {
		for start := 0; start < len(ids); start += chunk {
			part := ids[start:min(start+chunk, len(ids))]
			in := intList(part)
			rows, err := tx.query(ctx, "SELECT "+establishmentColumns+", phone_enc, phone_hash, personal_id_enc, personal_id_hash FROM establishment WHERE id IN "+in)
			if err != nil {
				return fmt.Errorf("store: import targets: %w", err)
			}
			for rows.Next() {
				var t ImportTarget
				e := &t.Establishment
				if err := scanEstablishment(rows, e, &e.PhoneSealed.Enc, &e.PhoneSealed.Hash, &e.PersonalIDSealed.Enc, &e.PersonalIDSealed.Hash); err != nil {
					rows.Close()
					return fmt.Errorf("store: import targets: %w", err)
				}
				out[e.ID] = t
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return fmt.Errorf("store: import targets: %w", err)
			}
			trades, err := tx.tradesOf(ctx, part)
			if err != nil {
				return err
			}
			rows, err = tx.query(ctx, `SELECT establishment_id, year, workers, women_workers, ethnic_minority_workers, revenue, capital, avg_income, source
				FROM establishment_fact WHERE establishment_id IN `+in)
			if err != nil {
				return fmt.Errorf("store: import target facts: %w", err)
			}
			for rows.Next() {
				var f kc.EstablishmentFact
				if err := rows.Scan(&f.EstablishmentID, &f.Year, &f.Workers, &f.WomenWorkers, &f.EthnicMinorityWorkers, &f.Revenue, &f.Capital, &f.AvgIncome, &f.Source); err != nil {
					rows.Close()
					return fmt.Errorf("store: import target facts: %w", err)
				}
				if t, ok := out[f.EstablishmentID]; ok && years[f.EstablishmentID] == f.Year {
					t.Fact = f
					out[f.EstablishmentID] = t
				}
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return fmt.Errorf("store: import target facts: %w", err)
			}
			for _, id := range part {
				if t, ok := out[id]; ok {
					t.TradeIDs = trades[id]
					out[id] = t
				}
			}
		}
		return nil
	})
	return out, err
}
