package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// unitCols lists the unit columns in the order scanUnit reads them.
const unitCols = "u.id, u.code, u.level, u.type, u.name, u.parent_id, u.valid_from, u.valid_to, u.note"

// scanUnit reads one row of unitCols, followed by any extra destinations.
func scanUnit(sc interface{ Scan(...any) error }, u *kc.Unit, extra ...any) error {
	var parent sql.NullInt64
	dst := append([]any{&u.ID, &u.Code, &u.Level, &u.Type, &u.Name, &parent, &u.ValidFrom, &u.ValidTo, &u.Note}, extra...)
	if err := sc.Scan(dst...); err != nil {
		return err
	}
	u.ParentID = parent.Int64
	return nil
}

// unitsQuery runs a query selecting unitCols and returns the units.
func (tx *Tx) unitsQuery(ctx context.Context, q string, args ...any) ([]kc.Unit, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner, u *kc.Unit) error { return scanUnit(r, u) })
}

// validOn is the condition "unit u exists on the day in parameter $n".
func validOn(n int) string {
	return fmt.Sprintf("u.valid_from <= $%d AND (u.valid_to IS NULL OR u.valid_to >= $%d)", n, n)
}

// CountUnits returns the number of administrative units stored.
func (s *Store) CountUnits(ctx context.Context) (int, error) {
	var n int64
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		n, err = tx.count(ctx, "SELECT COUNT(*) FROM unit")
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: count units: %w", err)
	}
	return int(n), nil
}

// unitBatch is the number of rows per multi-row INSERT in LoadUnits; nine
// parameters a row stays far below both databases' parameter limits.
const unitBatch = 500

// LoadUnits inserts a whole unit list in one transaction, unless units are
// already stored, and reports whether it loaded them. In the input, ID is
// a local number, ParentID and the succession ids refer to those local
// numbers, and every parent comes before its children. Rows go in batched
// multi-row INSERTs so the national list (about 14,000 units and 10,600
// links) loads in seconds.
func (s *Store) LoadUnits(ctx context.Context, units []kc.Unit, links []kc.Succession) (bool, error) {
	loaded := false
	err := s.InTx(ctx, func(tx *Tx) error {
		if tx.Dialect().Postgres() {
			// Two servers starting together must not both load.
			if _, err := tx.exec(ctx, "LOCK TABLE unit IN SHARE ROW EXCLUSIVE MODE"); err != nil {
				return err
			}
		}
		n, err := tx.count(ctx, "SELECT COUNT(*) FROM unit")
		if err != nil || n > 0 {
			return err
		}
		ids, err := tx.insertUnits(ctx, units)
		if err != nil {
			return err
		}
		if err := tx.insertSuccessions(ctx, ids, links); err != nil {
			return err
		}
		loaded = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: load units: %w", err)
	}
	return loaded, nil
}

func unitKey(level, code string, from kc.Date) string {
	return level + "|" + code + "|" + from.String()
}

// insertUnits inserts units in batches and returns local id → stored id.
func (tx *Tx) insertUnits(ctx context.Context, units []kc.Unit) (map[int64]int64, error) {
	ids := make(map[int64]int64, len(units))
	var pending []kc.Unit
	inPending := map[int64]bool{}
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		var b strings.Builder
		b.WriteString("INSERT INTO unit (code, level, type, name, name_fold, parent_id, valid_from, valid_to, note) VALUES ")
		args := make([]any, 0, len(pending)*9)
		for i, u := range pending {
			if i > 0 {
				b.WriteByte(',')
			}
			n := i * 9
			fmt.Fprintf(&b, "($%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9)
			var parent any
			if u.ParentID != 0 {
				parent = ids[u.ParentID]
			}
			name := vi.NFC(u.Name)
			args = append(args, u.Code, u.Level, vi.NFC(u.Type), name, vi.SearchKey(name), parent, u.ValidFrom, u.ValidTo, vi.NFC(u.Note))
		}
		b.WriteString(" RETURNING id, code, level, valid_from")
		rows, err := tx.query(ctx, b.String(), args...)
		if err != nil {
			return err
		}
		byKey := make(map[string]int64, len(pending))
		for rows.Next() {
			var id int64
			var code, level string
			var from kc.Date
			if err := rows.Scan(&id, &code, &level, &from); err != nil {
				rows.Close()
				return err
			}
			byKey[unitKey(level, code, from)] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, u := range pending {
			id, ok := byKey[unitKey(u.Level, u.Code, u.ValidFrom)]
			if !ok {
				return fmt.Errorf("unit %s %s: no id returned", u.Level, u.Code)
			}
			ids[u.ID] = id
		}
		pending = pending[:0]
		clear(inPending)
		return nil
	}
	for _, u := range units {
		if u.ParentID != 0 && inPending[u.ParentID] || len(pending) == unitBatch {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		if u.ParentID != 0 && ids[u.ParentID] == 0 {
			return nil, fmt.Errorf("unit %s %s: parent %d not loaded before it", u.Level, u.Code, u.ParentID)
		}
		pending = append(pending, u)
		inPending[u.ID] = true
	}
	return ids, flush()
}

// insertSuccessions inserts links between local ids mapped through ids.
func (tx *Tx) insertSuccessions(ctx context.Context, ids map[int64]int64, links []kc.Succession) error {
	const batch = 1000
	for start := 0; start < len(links); start += batch {
		part := links[start:min(start+batch, len(links))]
		var b strings.Builder
		b.WriteString("INSERT INTO unit_succession (from_unit_id, to_unit_id, scope, effective, basis) VALUES ")
		args := make([]any, 0, len(part)*5)
		for i, l := range part {
			from, to := ids[l.FromID], ids[l.ToID]
			if from == 0 || to == 0 {
				return fmt.Errorf("succession %d → %d: unknown unit", l.FromID, l.ToID)
			}
			if i > 0 {
				b.WriteByte(',')
			}
			n := i * 5
			fmt.Fprintf(&b, "($%d,$%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4, n+5)
			args = append(args, from, to, l.Scope, l.Effective, l.Basis)
		}
		if _, err := tx.exec(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// GetUnit returns the unit with the given id, or ENotFound.
func (s *Store) GetUnit(ctx context.Context, id int64) (kc.Unit, error) {
	return viewValue(ctx, s, func(tx *Tx) (kc.Unit, error) { return tx.GetUnit(ctx, id) })
}

// GetUnit returns the unit with the given id, or ENotFound.
func (tx *Tx) GetUnit(ctx context.Context, id int64) (kc.Unit, error) {
	var u kc.Unit
	err := scanUnit(tx.queryRow(ctx, "SELECT "+unitCols+" FROM unit u WHERE u.id = $1", id), &u)
	if err != nil {
		err = tx.s.mapErr(err)
		if kc.ErrorCode(err) == kc.ENotFound {
			return kc.Unit{}, kc.Errorf(kc.ENotFound, "unit.not_found_id", id).Wrap(err)
		}
		return kc.Unit{}, fmt.Errorf("store: get unit %d: %w", id, err)
	}
	return u, nil
}

// UnitsByIDs returns the units with the given ids, in the order of ids;
// unknown ids are left out.
func (s *Store) UnitsByIDs(ctx context.Context, ids []int64) ([]kc.Unit, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []kc.Unit
	err := s.View(ctx, func(tx *Tx) error {
		byID := make(map[int64]kc.Unit, len(ids))
		for start := 0; start < len(ids); start += 500 {
			in, args := inInts(1, ids[start:min(start+500, len(ids))])
			us, err := tx.unitsQuery(ctx, "SELECT "+unitCols+" FROM unit u WHERE u.id IN "+in, args...)
			if err != nil {
				return err
			}
			for _, u := range us {
				byID[u.ID] = u
			}
		}
		for _, id := range ids {
			if u, ok := byID[id]; ok {
				out = append(out, u)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: units by ids: %w", err)
	}
	return out, nil
}

// FindUnit returns the unit with code valid on day on, or ENotFound with
// key "unit.not_found" and arguments (code, on as YYYY-MM-DD). Codes of
// provinces, districts and communes have different lengths (2, 3, 5), so
// the code and the day identify at most one unit.
func (s *Store) FindUnit(ctx context.Context, code string, on kc.Date) (kc.Unit, error) {
	return viewValue(ctx, s, func(tx *Tx) (kc.Unit, error) { return tx.FindUnit(ctx, code, on) })
}

// FindUnit is Store.FindUnit inside a transaction.
func (tx *Tx) FindUnit(ctx context.Context, code string, on kc.Date) (kc.Unit, error) {
	us, err := tx.unitsQuery(ctx, "SELECT "+unitCols+" FROM unit u WHERE u.code = $1 AND "+validOn(2)+
		" ORDER BY u.valid_from DESC LIMIT 1", code, on)
	if err != nil {
		return kc.Unit{}, fmt.Errorf("store: find unit %s on %s: %w", code, on, err)
	}
	if len(us) == 0 {
		return kc.Unit{}, kc.Errorf(kc.ENotFound, "unit.not_found", code, on.String())
	}
	return us[0], nil
}

// UnitHistory returns every unit that has carried code, oldest first: the
// periods of a code that was reused or closed.
func (s *Store) UnitHistory(ctx context.Context, code string) ([]kc.Unit, error) {
	var out []kc.Unit
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.unitsQuery(ctx, "SELECT "+unitCols+" FROM unit u WHERE u.code = $1 ORDER BY u.valid_from, u.id", code)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: unit history %s: %w", code, err)
	}
	return out, nil
}

// UnitDetail returns the unit with id, its parent chain (nearest first),
// the units it came from and the units that took it over. A district has
// no links of its own (except island districts without communes): its
// successors are the distinct successors of its communes, "full" only when
// they all went wholly into one unit, and effective on the earliest date;
// merges between communes of the district itself are left out.
func (s *Store) UnitDetail(ctx context.Context, id int64) (kc.UnitDetail, error) {
	return viewValue(ctx, s, func(tx *Tx) (kc.UnitDetail, error) { return tx.UnitDetail(ctx, id) })
}

// UnitDetail is Store.UnitDetail inside a transaction.
func (tx *Tx) UnitDetail(ctx context.Context, id int64) (kc.UnitDetail, error) {
	var d kc.UnitDetail
	var err error
	if d.Unit, err = tx.GetUnit(ctx, id); err != nil {
		return d, err
	}
	for p := d.Unit.ParentID; p != 0 && len(d.Parents) < 5; {
		pu, err := tx.GetUnit(ctx, p)
		if err != nil {
			return d, err
		}
		d.Parents = append(d.Parents, pu)
		p = pu.ParentID
	}
	const linkSQL = "SELECT " + unitCols + ", s.scope, s.effective FROM unit_succession s JOIN unit u ON u.id = s.%s WHERE s.%s = $1 ORDER BY u.code, u.valid_from"
	if d.Predecessors, err = tx.links(ctx, fmt.Sprintf(linkSQL, "from_unit_id", "to_unit_id"), id); err != nil {
		return d, fmt.Errorf("store: unit %d predecessors: %w", id, err)
	}
	if d.Successors, err = tx.links(ctx, fmt.Sprintf(linkSQL, "to_unit_id", "from_unit_id"), id); err != nil {
		return d, fmt.Errorf("store: unit %d successors: %w", id, err)
	}
	if d.Unit.Level == kc.LevelDistrict {
		via, err := tx.links(ctx, "SELECT "+unitCols+", s.scope, s.effective FROM unit c "+
			"JOIN unit_succession s ON s.from_unit_id = c.id JOIN unit u ON u.id = s.to_unit_id "+
			"WHERE c.parent_id = $1 AND (u.parent_id IS NULL OR u.parent_id <> $1) ORDER BY u.code, u.valid_from", id)
		if err != nil {
			return d, fmt.Errorf("store: unit %d successors via communes: %w", id, err)
		}
		d.Successors = mergeDistrictLinks(d.Successors, via)
	}
	return d, nil
}

// mergeDistrictLinks adds the successors of a district's communes to the
// district's own links, one entry per successor.
func mergeDistrictLinks(own, via []kc.UnitLink) []kc.UnitLink {
	out := append([]kc.UnitLink(nil), own...)
	idx := map[int64]int{}
	for i, l := range out {
		idx[l.Unit.ID] = i
	}
	distinct := map[int64]bool{}
	allFull := true
	for _, l := range via {
		distinct[l.Unit.ID] = true
		allFull = allFull && l.Scope == kc.SuccessionFull
	}
	scope := kc.SuccessionPartial
	if len(distinct) == 1 && len(own) == 0 && allFull {
		scope = kc.SuccessionFull
	}
	for _, l := range via {
		if i, ok := idx[l.Unit.ID]; ok {
			if l.Effective.Before(out[i].Effective) {
				out[i].Effective = l.Effective
			}
			continue
		}
		l.Scope = scope
		idx[l.Unit.ID] = len(out)
		out = append(out, l)
	}
	slices.SortStableFunc(out, func(a, b kc.UnitLink) int { return strings.Compare(a.Unit.Code, b.Unit.Code) })
	return out
}

// links runs a query of unitCols plus scope and effective.
func (tx *Tx) links(ctx context.Context, q string, args ...any) ([]kc.UnitLink, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner, l *kc.UnitLink) error {
		return scanUnit(r, &l.Unit, &l.Scope, &l.Effective)
	})
}

// unitCodeLike reports whether s is a non-empty string of ASCII digits, so a
// query is read as a code prefix.
func unitCodeLike(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r > unicode.MaxASCII || !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// ListUnits returns one page of the units that f selects and the number
// of all matches. Query searches the folded name (vi.SearchKey, so marks,
// đ, case and spaces do not matter) or, when it is all digits, the code
// prefix. Without a query units come in code order; with one, units in
// force come first, then provinces before districts before communes, each
// group in Vietnamese alphabetical order.
func (s *Store) ListUnits(ctx context.Context, f kc.UnitFilter) ([]kc.Unit, int, error) {
	var where []string
	var args []any
	arg := func(v any) int { args = append(args, v); return len(args) }
	q := strings.TrimSpace(f.Query)
	key := vi.SearchKey(q)
	switch {
	case unitCodeLike(q):
		where = append(where, fmt.Sprintf("u.code LIKE $%d || '%%'", arg(q)))
	case key != "":
		where = append(where, fmt.Sprintf("u.name_fold LIKE '%%' || $%d || '%%'", arg(key)))
	}
	if !f.On.IsZero() {
		where = append(where, validOn(arg(f.On)))
	}
	if f.Level != "" {
		where = append(where, fmt.Sprintf("u.level = $%d", arg(f.Level)))
	}
	if f.ParentID != 0 {
		where = append(where, fmt.Sprintf("u.parent_id = $%d", arg(f.ParentID)))
	}
	if f.Code != "" {
		where = append(where, fmt.Sprintf("u.code = $%d", arg(f.Code)))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var out []kc.Unit
	total := 0
	err := s.View(ctx, func(tx *Tx) error {
		if key == "" || unitCodeLike(q) {
			rows, err := tx.query(ctx, "SELECT "+unitCols+", COUNT(*) OVER () FROM unit u"+cond+
				" ORDER BY u.code, u.valid_from"+limitOffset(f.Limit, f.Offset), args...)
			if err != nil {
				return err
			}
			out, err = collectRows(rows, func(r rowScanner, u *kc.Unit) error { return scanUnit(r, u, &total) })
			return err
		}
		// Name search: order the matches in Go with the Vietnamese collation,
		// which SQL cannot do portably, then cut the page.
		all, err := tx.unitsQuery(ctx, "SELECT "+unitCols+" FROM unit u"+cond, args...)
		if err != nil {
			return err
		}
		sortUnits(all, key)
		total = len(all)
		out = unitPage(all, f.Limit, f.Offset)
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: list units: %w", err)
	}
	return out, total, nil
}

var unitLevelRank = map[string]int{kc.LevelProvince: 0, kc.LevelDistrict: 1, kc.LevelCommune: 2}

// sortUnits orders search results: units in force first, then by level,
// then names whose key starts with the query, then the name without its
// type prefix in Vietnamese order.
func sortUnits(us []kc.Unit, key string) {
	type item struct {
		u      kc.Unit
		sort   []byte
		prefix bool
	}
	items := make([]item, len(us))
	for i, u := range us {
		bare := strings.TrimSpace(strings.TrimPrefix(u.Name, u.Type))
		items[i] = item{u, append(vi.SortKey(bare), vi.SortKey(u.Type)...), strings.HasPrefix(vi.SearchKey(bare), key)}
	}
	slices.SortStableFunc(items, func(a, b item) int {
		if a.u.Current() != b.u.Current() {
			if a.u.Current() {
				return -1
			}
			return 1
		}
		if c := unitLevelRank[a.u.Level] - unitLevelRank[b.u.Level]; c != 0 {
			return c
		}
		if a.prefix != b.prefix {
			if a.prefix {
				return -1
			}
			return 1
		}
		if c := strings.Compare(string(a.sort), string(b.sort)); c != 0 {
			return c
		}
		return strings.Compare(a.u.Code, b.u.Code)
	})
	for i := range items {
		us[i] = items[i].u
	}
}

// unitPage cuts one page out of a sorted slice with the limitOffset defaults.
func unitPage(us []kc.Unit, limit, offset int) []kc.Unit {
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	offset = max(offset, 0)
	if offset >= len(us) {
		return nil
	}
	return us[offset:min(offset+limit, len(us))]
}
