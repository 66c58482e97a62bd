package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"khuyencong/internal/kc"
)

// ExportRow is one establishment as the export writes it: the record with
// its sealed personal values and trades, its commune's code and name, and
// the facts of its latest year (Fact.Year 0 when it has none).
type ExportRow struct {
	kc.Establishment
	CommuneCode string
	CommuneName string
	Fact        kc.EstablishmentFact
}

// DefaultExportBatch is the number of establishments read per query by
// StreamEstablishments when the caller gives no batch size.
const DefaultExportBatch = 1000

// exportColumns is establishmentColumns qualified with the alias e.
var exportColumns = func() string {
	cols := strings.Split(establishmentColumns, ",")
	for i, c := range cols {
		cols[i] = "e." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}()

// StreamEstablishments calls fn with the establishments that match f
// (communes, search, kind, trade; paging is ignored), in id order, batch
// at a time (batch <= 0 means DefaultExportBatch). One query, read as a
// cursor in a read-only transaction, yields the records joined to their
// commune and latest-year facts; for each batch one more query (on another
// connection of the reader pool) reads their trades. Memory stays bounded
// by the batch whatever the number of rows, and the search runs once, not
// once per batch. The slice passed to fn is reused for the next batch. An
// error from fn stops the stream and is returned.
func (s *Store) StreamEstablishments(ctx context.Context, f kc.EstablishmentFilter, batch int, fn func([]ExportRow) error) error {
	if f.CommuneIDs != nil && len(f.CommuneIDs) == 0 {
		return nil
	}
	if batch <= 0 {
		batch = DefaultExportBatch
	}
	buf := make([]ExportRow, 0, batch)
	ids := make([]int64, 0, batch)
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		ids = ids[:0]
		for _, r := range buf {
			ids = append(ids, r.ID)
		}
		var trades map[int64][]int64
		if err := s.View(ctx, func(tx *Tx) error {
			var err error
			trades, err = tx.tradesOf(ctx, ids)
			return err
		}); err != nil {
			return err
		}
		for i := range buf {
			buf[i].TradeIDs = trades[buf[i].ID]
		}
		err := fn(buf)
		buf = buf[:0]
		return err
	}
	return s.View(ctx, func(tx *Tx) error {
		where, args := tx.establishmentWhere(f)
		cond := ""
		if len(where) > 0 {
			cond = " WHERE " + strings.Join(where, " AND ")
		}
		q := "SELECT " + exportColumns + `, e.phone_enc, e.phone_hash, e.personal_id_enc, e.personal_id_hash,
		COALESCE(u.code, ''), COALESCE(u.name, ''),
		fa.year, fa.workers, fa.women_workers, fa.ethnic_minority_workers, fa.revenue, fa.capital, fa.avg_income, fa.source
		FROM (SELECT * FROM establishment` + cond + `) e
		LEFT JOIN unit u ON u.id = e.commune_id
		LEFT JOIN establishment_fact fa ON fa.establishment_id = e.id AND fa.year = e.latest_year
		ORDER BY e.id`
		rows, err := tx.query(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("store: export establishments: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			buf = append(buf, ExportRow{})
			r := &buf[len(buf)-1]
			var year, workers, women, ethnic, revenue, capital, income sql.NullInt64
			var source sql.NullString
			if err := scanEstablishment(rows, &r.Establishment,
				&r.PhoneSealed.Enc, &r.PhoneSealed.Hash, &r.PersonalIDSealed.Enc, &r.PersonalIDSealed.Hash,
				&r.CommuneCode, &r.CommuneName,
				&year, &workers, &women, &ethnic, &revenue, &capital, &income, &source); err != nil {
				return fmt.Errorf("store: export establishments: %w", err)
			}
			if year.Valid {
				r.Fact = kc.EstablishmentFact{EstablishmentID: r.ID, Year: int(year.Int64), Workers: int(workers.Int64),
					WomenWorkers: int(women.Int64), EthnicMinorityWorkers: int(ethnic.Int64), Revenue: revenue.Int64,
					Capital: capital.Int64, AvgIncome: income.Int64, Source: source.String}
			}
			if len(buf) == batch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: export establishments: %w", err)
		}
		return flush()
	})
}

// CurrentCommunes returns the communes in force on day on, in code order,
// for the import template's commune list.
func (s *Store) CurrentCommunes(ctx context.Context, on kc.Date) ([]kc.Unit, error) {
	var out []kc.Unit
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.unitsQuery(ctx, "SELECT "+unitCols+" FROM unit u WHERE u.level = $2 AND "+validOn(1)+" ORDER BY u.code", on, kc.LevelCommune)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: current communes: %w", err)
	}
	return out, nil
}
