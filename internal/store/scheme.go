package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// SchemeVersion is one stored version of a support scheme with its
// criteria, as the scheme and criterion tables hold it. The application
// turns it into an eligibility rule; the store does not import the
// eligibility engine (engineering.md §2: store and eligibility are
// siblings). Zero RateBP, Cap, UpliftBP or CounterpartMinBP mean "not set"
// (NULL in the table).
type SchemeVersion struct {
	ID               int64
	Code             string
	Version          int
	Level            string // national | provincial | commune
	ProvinceID       int64  // 0 for national schemes
	ContentArea      string
	Name             string
	LegalBasis       string // code of the legal basis, "" when none
	LegalBasisTitle  string
	EffectiveFrom    kc.Date
	EffectiveTo      kc.Date // zero: open
	RateBP           int
	Cap              int64
	CapUnit          string
	UpliftBP         int
	CounterpartMinBP int
	Confirmed        bool
	Example          bool
	Note             string
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Criteria         []SchemeCriterion
}

// SchemeCriterion is one stored criterion of a scheme version: a field, an
// operator and a value, or a formula; Group combines criteria (OR inside,
// AND across), Position orders them.
type SchemeCriterion struct {
	ID       int64
	SchemeID int64
	Group    int
	Position int
	Kind     string // eligibility | priority
	Label    string
	Field    string
	Op       string
	Value    string
	Formula  string
	Points   int
}

// SchemeVersionUpdate carries the editable support rule of a version; nil
// fields stay unchanged. A zero amount or rate means "not set".
type SchemeVersionUpdate struct {
	RateBP           *int
	Cap              *int64
	CapUnit          *string
	UpliftBP         *int
	CounterpartMinBP *int
	EffectiveFrom    *kc.Date
	EffectiveTo      *kc.Date
	Confirmed        *bool
	Note             *string
}

// schemeColumns is the column list scanned by scanScheme (alias s for the
// scheme, b for its legal basis).
const schemeColumns = `s.id, s.code, s.version, s.level, COALESCE(s.province_id, 0), s.content_area, s.name,
	COALESCE(b.code, ''), COALESCE(b.title, ''), s.effective_from, s.effective_to,
	COALESCE(s.rate_bp, 0), COALESCE(s.cap, 0), s.cap_unit, COALESCE(s.uplift_bp, 0), COALESCE(s.counterpart_min_bp, 0),
	s.confirmed, s.example, s.note, s.created_at, s.updated_at`

const schemeFrom = ` FROM scheme s LEFT JOIN legal_basis b ON b.id = s.legal_basis_id`

func scanScheme(r interface{ Scan(...any) error }, v *SchemeVersion) error {
	return r.Scan(&v.ID, &v.Code, &v.Version, &v.Level, &v.ProvinceID, &v.ContentArea, &v.Name,
		&v.LegalBasis, &v.LegalBasisTitle, &v.EffectiveFrom, &v.EffectiveTo,
		&v.RateBP, &v.Cap, &v.CapUnit, &v.UpliftBP, &v.CounterpartMinBP,
		&v.Confirmed, &v.Example, &v.Note, timeScan{&v.CreatedAt}, timeScan{&v.UpdatedAt})
}

// schemesQuery runs a query over schemeColumns and attaches the criteria.
func (tx *Tx) schemesQuery(ctx context.Context, q string, args ...any) ([]SchemeVersion, error) {
	rows, err := tx.query(ctx, "SELECT "+schemeColumns+schemeFrom+q, args...)
	if err != nil {
		return nil, err
	}
	out, err := collectRows(rows, scanScheme)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	index := make(map[int64]int, len(out))
	ids := make([]int64, len(out))
	for i, v := range out {
		index[v.ID] = i
		ids[i] = v.ID
	}
	for start := 0; start < len(ids); start += 500 {
		in, a := inInts(1, ids[start:min(start+500, len(ids))])
		crit, err := tx.criteriaQuery(ctx, " WHERE scheme_id IN "+in, a...)
		if err != nil {
			return nil, err
		}
		for _, c := range crit {
			i := index[c.SchemeID]
			out[i].Criteria = append(out[i].Criteria, c)
		}
	}
	return out, nil
}

func (tx *Tx) criteriaQuery(ctx context.Context, where string, args ...any) ([]SchemeCriterion, error) {
	rows, err := tx.query(ctx, `SELECT id, scheme_id, group_no, position, kind, label, field, op, value, formula, points
		FROM criterion`+where+` ORDER BY scheme_id, position, id`, args...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner, c *SchemeCriterion) error {
		return r.Scan(&c.ID, &c.SchemeID, &c.Group, &c.Position, &c.Kind, &c.Label, &c.Field, &c.Op, &c.Value, &c.Formula, &c.Points)
	})
}

// ListSchemeVersions returns the scheme versions in force on day on (every
// version when on is zero) with their criteria, by level, code and
// version.
func (s *Store) ListSchemeVersions(ctx context.Context, on kc.Date) ([]SchemeVersion, error) {
	return viewValue(ctx, s, func(tx *Tx) ([]SchemeVersion, error) { return tx.ListSchemeVersions(ctx, on) })
}

// ListSchemeVersions is ListSchemeVersions inside tx.
func (tx *Tx) ListSchemeVersions(ctx context.Context, on kc.Date) ([]SchemeVersion, error) {
	const order = ` ORDER BY CASE s.level WHEN 'national' THEN 0 WHEN 'provincial' THEN 1 ELSE 2 END, s.code, s.version`
	var (
		out []SchemeVersion
		err error
	)
	if on.IsZero() {
		out, err = tx.schemesQuery(ctx, order)
	} else {
		out, err = tx.schemesQuery(ctx, ` WHERE s.effective_from <= $1 AND (s.effective_to IS NULL OR s.effective_to >= $1)`+order, on)
	}
	if err != nil {
		return nil, fmt.Errorf("store: list scheme versions: %w", err)
	}
	return out, nil
}

// GetSchemeVersion returns one scheme version with its criteria, or
// ENotFound.
func (s *Store) GetSchemeVersion(ctx context.Context, id int64) (SchemeVersion, error) {
	return viewValue(ctx, s, func(tx *Tx) (SchemeVersion, error) { return tx.GetSchemeVersion(ctx, id) })
}

// GetSchemeVersion is GetSchemeVersion inside tx.
func (tx *Tx) GetSchemeVersion(ctx context.Context, id int64) (SchemeVersion, error) {
	out, err := tx.schemesQuery(ctx, " WHERE s.id = $1", id)
	if err != nil {
		return SchemeVersion{}, fmt.Errorf("store: get scheme %d: %w", id, err)
	}
	if len(out) == 0 {
		return SchemeVersion{}, &kc.Error{Code: kc.ENotFound, Key: "error.not_found", Err: fmt.Errorf("store: no scheme %d", id)}
	}
	return out[0], nil
}

// SchemeVersionsOf returns every version of scheme code with its
// criteria, oldest first; none is an empty list.
func (s *Store) SchemeVersionsOf(ctx context.Context, code string) ([]SchemeVersion, error) {
	return viewValue(ctx, s, func(tx *Tx) ([]SchemeVersion, error) { return tx.SchemeVersionsOf(ctx, code) })
}

// SchemeVersionsOf is SchemeVersionsOf inside tx.
func (tx *Tx) SchemeVersionsOf(ctx context.Context, code string) ([]SchemeVersion, error) {
	out, err := tx.schemesQuery(ctx, " WHERE s.code = $1 ORDER BY s.version", code)
	if err != nil {
		return nil, fmt.Errorf("store: versions of scheme %s: %w", code, err)
	}
	return out, nil
}

// SaveCriterion inserts c (ID 0, placed after the scheme's other criteria)
// or updates it (ENotFound when the scheme has no criterion c.ID), marks
// the scheme as changed and returns the criterion as saved.
func (s *Store) SaveCriterion(ctx context.Context, c SchemeCriterion) (SchemeCriterion, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		c, err = tx.SaveCriterion(ctx, c)
		return err
	})
	return c, err
}

// SaveCriterion is SaveCriterion inside tx.
func (tx *Tx) SaveCriterion(ctx context.Context, c SchemeCriterion) (SchemeCriterion, error) {
	c.Label = vi.NFC(strings.TrimSpace(c.Label))
	if c.Group <= 0 {
		c.Group = 1
	}
	if c.ID == 0 {
		if c.Position <= 0 {
			n, err := tx.count(ctx, "SELECT COALESCE(MAX(position), 0) FROM criterion WHERE scheme_id = $1", c.SchemeID)
			if err != nil {
				return c, fmt.Errorf("store: criterion position: %w", err)
			}
			c.Position = int(n) + 1
		}
		id, err := tx.insert(ctx, `INSERT INTO criterion (scheme_id, group_no, position, kind, label, field, op, value, formula, points)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			c.SchemeID, c.Group, c.Position, c.Kind, c.Label, c.Field, c.Op, c.Value, c.Formula, c.Points)
		if err != nil {
			return c, fmt.Errorf("store: create criterion: %w", err)
		}
		c.ID = id
	} else {
		set := "group_no = $3, kind = $4, label = $5, field = $6, op = $7, value = $8, formula = $9, points = $10"
		args := []any{c.ID, c.SchemeID, c.Group, c.Kind, c.Label, c.Field, c.Op, c.Value, c.Formula, c.Points}
		if c.Position > 0 {
			set += ", position = $11"
			args = append(args, c.Position)
		}
		res, err := tx.exec(ctx, "UPDATE criterion SET "+set+" WHERE id = $1 AND scheme_id = $2", args...)
		if err != nil {
			return c, fmt.Errorf("store: update criterion %d: %w", c.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return c, &kc.Error{Code: kc.ENotFound, Key: "error.not_found", Err: fmt.Errorf("store: no criterion %d in scheme %d", c.ID, c.SchemeID)}
		}
		if c.Position <= 0 {
			if err := tx.queryRow(ctx, "SELECT position FROM criterion WHERE id = $1", c.ID).Scan(&c.Position); err != nil {
				return c, fmt.Errorf("store: criterion %d: %w", c.ID, tx.s.mapErr(err))
			}
		}
	}
	return c, tx.touchScheme(ctx, c.SchemeID)
}

// DeleteCriterion removes criterion id of a scheme (ENotFound when the
// scheme has no such criterion) and marks the scheme as changed.
func (s *Store) DeleteCriterion(ctx context.Context, schemeID, id int64) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.DeleteCriterion(ctx, schemeID, id) })
}

// DeleteCriterion is DeleteCriterion inside tx.
func (tx *Tx) DeleteCriterion(ctx context.Context, schemeID, id int64) error {
	res, err := tx.exec(ctx, "DELETE FROM criterion WHERE id = $1 AND scheme_id = $2", id, schemeID)
	if err != nil {
		return fmt.Errorf("store: delete criterion %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &kc.Error{Code: kc.ENotFound, Key: "error.not_found", Err: fmt.Errorf("store: no criterion %d in scheme %d", id, schemeID)}
	}
	return tx.touchScheme(ctx, schemeID)
}

// touchScheme records that a scheme version changed (its criteria).
func (tx *Tx) touchScheme(ctx context.Context, id int64) error {
	res, err := tx.exec(ctx, "UPDATE scheme SET updated_at = $2 WHERE id = $1", id, tx.now)
	if err != nil {
		return fmt.Errorf("store: touch scheme %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &kc.Error{Code: kc.ENotFound, Key: "error.not_found", Err: fmt.Errorf("store: no scheme %d", id)}
	}
	return nil
}

// UpdateSchemeVersion applies upd to scheme version id and returns it as
// saved; the caller validates (rates, dates, overlapping versions).
func (s *Store) UpdateSchemeVersion(ctx context.Context, id int64, upd SchemeVersionUpdate) (SchemeVersion, error) {
	var v SchemeVersion
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		v, err = tx.UpdateSchemeVersion(ctx, id, upd)
		return err
	})
	return v, err
}

// UpdateSchemeVersion is UpdateSchemeVersion inside tx.
func (tx *Tx) UpdateSchemeVersion(ctx context.Context, id int64, upd SchemeVersionUpdate) (SchemeVersion, error) {
	sets := []string{"updated_at = $2"}
	args := []any{id, tx.now}
	add := func(col string, v any) {
		args = append(args, v)
		sets = append(sets, fmt.Sprintf("%s = $%d", col, len(args)))
	}
	if upd.RateBP != nil {
		add("rate_bp", nullInt(*upd.RateBP))
	}
	if upd.Cap != nil {
		add("cap", nullInt64(*upd.Cap))
	}
	if upd.CapUnit != nil {
		add("cap_unit", vi.NFC(strings.TrimSpace(*upd.CapUnit)))
	}
	if upd.UpliftBP != nil {
		add("uplift_bp", nullInt(*upd.UpliftBP))
	}
	if upd.CounterpartMinBP != nil {
		add("counterpart_min_bp", nullInt(*upd.CounterpartMinBP))
	}
	if upd.EffectiveFrom != nil {
		add("effective_from", *upd.EffectiveFrom)
	}
	if upd.EffectiveTo != nil {
		add("effective_to", nullDate(*upd.EffectiveTo))
	}
	if upd.Confirmed != nil {
		add("confirmed", *upd.Confirmed)
	}
	if upd.Note != nil {
		add("note", vi.NFC(strings.TrimSpace(*upd.Note)))
	}
	res, err := tx.exec(ctx, "UPDATE scheme SET "+strings.Join(sets, ", ")+" WHERE id = $1", args...)
	if err != nil {
		return SchemeVersion{}, fmt.Errorf("store: update scheme %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return SchemeVersion{}, &kc.Error{Code: kc.ENotFound, Key: "error.not_found", Err: fmt.Errorf("store: no scheme %d", id)}
	}
	return tx.GetSchemeVersion(ctx, id)
}

// CreateSchemeVersion inserts v, with its criteria, as the next version of
// its code (v.Version and the ids are assigned), naming its legal basis by
// code (ENotFound for an unknown code), and returns it as saved.
func (s *Store) CreateSchemeVersion(ctx context.Context, v SchemeVersion) (SchemeVersion, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		v, err = tx.CreateSchemeVersion(ctx, v)
		return err
	})
	return v, err
}

// CreateSchemeVersion is CreateSchemeVersion inside tx.
func (tx *Tx) CreateSchemeVersion(ctx context.Context, v SchemeVersion) (SchemeVersion, error) {
	n, err := tx.count(ctx, "SELECT COALESCE(MAX(version), 0) FROM scheme WHERE code = $1", v.Code)
	if err != nil {
		return v, fmt.Errorf("store: scheme %s versions: %w", v.Code, err)
	}
	var basis any
	if v.LegalBasis != "" {
		var id int64
		if err := tx.queryRow(ctx, "SELECT id FROM legal_basis WHERE code = $1", v.LegalBasis).Scan(&id); err != nil {
			return v, fmt.Errorf("store: scheme %s legal basis %s: %w", v.Code, v.LegalBasis, tx.s.mapErr(err))
		}
		basis = id
	}
	id, err := tx.insert(ctx, `INSERT INTO scheme (code, version, level, province_id, content_area, name, legal_basis_id, effective_from, effective_to,
		rate_bp, cap, cap_unit, uplift_bp, counterpart_min_bp, confirmed, example, note, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)`,
		v.Code, int(n)+1, v.Level, nullInt64(v.ProvinceID), v.ContentArea, vi.NFC(v.Name), basis, v.EffectiveFrom, nullDate(v.EffectiveTo),
		nullInt(v.RateBP), nullInt64(v.Cap), v.CapUnit, nullInt(v.UpliftBP), nullInt(v.CounterpartMinBP), v.Confirmed, v.Example, vi.NFC(v.Note), tx.now)
	if err != nil {
		return v, fmt.Errorf("store: create scheme %s: %w", v.Code, err)
	}
	for i, c := range v.Criteria {
		c.ID, c.SchemeID, c.Position = 0, id, i+1
		if _, err := tx.SaveCriterion(ctx, c); err != nil {
			return v, err
		}
	}
	return tx.GetSchemeVersion(ctx, id)
}

// EligibilityRow is what the eligibility engine needs to know about one
// establishment on a day, as stored: the record's flags, its current
// commune and province with their types as written in the unit table
// ("Xã", "Phường", "Đặc khu"; "Tỉnh", "Thành phố"), its trade codes
// (primary first), the facts of its latest year up to that day (Fact.Year
// 0 when there are none) and its certificates valid on that day. The
// application derives the eligibility facts (and what is missing) from it.
type EligibilityRow struct {
	ID                  int64
	Name                string
	Kind                string
	SizeClass           string
	CommuneID           int64
	CommuneCode         string
	CommuneName         string
	CommuneType         string
	Village             string
	ProvinceID          int64
	ProvinceName        string
	ProvinceType        string
	RegistrationNo      string
	WomenOwned          bool
	EthnicMinorityOwned bool
	CraftVillage        bool
	TraditionalCraft    bool
	Artisan             string
	FoundedYear         int
	TradeCodes          []string
	Fact                kc.EstablishmentFact
	TypicalProduct      bool // a typical rural industrial product certificate valid on the day
	OCOPStars           int  // the highest OCOP rating valid on the day, 0 if none
}

// EligibilityFilter selects the establishments StreamEligibilityRows
// reads: CommuneIDs restricts to those communes (nil: everywhere, empty:
// nothing), PrimaryTrade to a primary trade code, ExceptID leaves one out,
// FromID and ToID bound the ids (inclusive; 0: no bound), Limit caps the
// rows (0: no cap).
type EligibilityFilter struct {
	CommuneIDs   []int64
	PrimaryTrade string
	ExceptID     int64
	FromID       int64
	ToID         int64
	Limit        int
}

// eligibilityRecord and eligibilityUnits are the columns of an
// eligibility row but its facts and certificates: the record, and its
// commune and province (u, p).
const (
	eligibilityRecord = `SELECT e.id, e.name, e.kind, e.size_class, e.commune_id, e.village, e.registration_no,
	e.women_owned, e.ethnic_minority_owned, e.craft_village, e.traditional_craft, e.artisan, COALESCE(e.founded_year, 0)`
	eligibilityUnits = `,
	u.code, u.name, u.type, COALESCE(p.id, 0), COALESCE(p.name, ''), COALESCE(p.type, '')`
	eligibilityFacts = `,
	fa.year, fa.workers, fa.women_workers, fa.ethnic_minority_workers, fa.revenue, fa.capital, fa.avg_income, fa.source`
)

// eligibilityCertificates are the certificate columns of one row: $1 is
// the year and $2 the day they are taken at.
const eligibilityCertificates = `,
	(SELECT COUNT(*) FROM certificate c WHERE c.establishment_id = e.id AND c.kind = 'typical_product'
		AND c.year <= $1 AND (c.valid_until IS NULL OR c.valid_until >= $2)),
	(SELECT COALESCE(MAX(c.stars), 0) FROM certificate c WHERE c.establishment_id = e.id AND c.kind = 'ocop'
		AND c.year <= $1 AND (c.valid_until IS NULL OR c.valid_until >= $2))`

// eligibilityFacts joins the facts of the latest year up to $1 to
// establishment e. The latest year the establishment row keeps
// (latest_year, maintained by UpsertFact, DeleteFact and the bulk
// loaders) is that year whenever it is not after $1, which spares the
// search for the newest year per establishment.
const eligibilityFactJoin = `
	LEFT JOIN establishment_fact fa ON fa.establishment_id = e.id
		AND fa.year = CASE WHEN e.latest_year IS NULL THEN NULL WHEN e.latest_year <= $1 THEN e.latest_year
			ELSE (SELECT MAX(f2.year) FROM establishment_fact f2 WHERE f2.establishment_id = e.id AND f2.year <= $1) END`

// eligibilityQuery is the SELECT of one eligibility row with its commune,
// province and certificates; $1 is the year and $2 the day the facts and
// certificates are taken at.
const eligibilityQuery = eligibilityRecord + eligibilityUnits + eligibilityFacts + eligibilityCertificates + `
	FROM establishment e
	JOIN unit u ON u.id = e.commune_id
	LEFT JOIN unit p ON p.id = u.parent_id` + eligibilityFactJoin

// eligibilityStream is the SELECT of eligibility rows in bulk: the record
// and its facts; the communes and provinces (a few thousand for a million
// establishments) and the certificates are read per batch.
const eligibilityStream = eligibilityRecord + eligibilityFacts + `
	FROM establishment e` + eligibilityFactJoin

// scanEligibilityRow scans eligibilityQuery (one: with the commune,
// province and certificates) or eligibilityStream.
func scanEligibilityRow(r interface{ Scan(...any) error }, row *EligibilityRow, one bool) error {
	var year, workers, women, ethnic, revenue, capital, income sql.NullInt64
	var source sql.NullString
	var typical int64
	dest := []any{&row.ID, &row.Name, &row.Kind, &row.SizeClass, &row.CommuneID, &row.Village, &row.RegistrationNo,
		&row.WomenOwned, &row.EthnicMinorityOwned, &row.CraftVillage, &row.TraditionalCraft, &row.Artisan, &row.FoundedYear}
	if one {
		dest = append(dest, &row.CommuneCode, &row.CommuneName, &row.CommuneType, &row.ProvinceID, &row.ProvinceName, &row.ProvinceType)
	}
	dest = append(dest, &year, &workers, &women, &ethnic, &revenue, &capital, &income, &source)
	if one {
		dest = append(dest, &typical, &row.OCOPStars)
	}
	if err := r.Scan(dest...); err != nil {
		return err
	}
	row.TypicalProduct = typical > 0
	row.Fact = kc.EstablishmentFact{}
	if year.Valid {
		row.Fact = kc.EstablishmentFact{EstablishmentID: row.ID, Year: int(year.Int64), Workers: int(workers.Int64),
			WomenWorkers: int(women.Int64), EthnicMinorityWorkers: int(ethnic.Int64), Revenue: revenue.Int64,
			Capital: capital.Int64, AvgIncome: income.Int64, Source: source.String}
	}
	return nil
}

// factDay returns the year and the day facts are read at: on, or today
// by the store's clock when on is zero.
func (s *Store) factDay(on kc.Date) (int, kc.Date) {
	if on.IsZero() {
		on = kc.DateOf(s.Now().UTC())
	}
	return on.Year(), on
}

// EligibilityRowOf returns the eligibility row of establishment id on day
// on (today when zero), or ENotFound.
func (s *Store) EligibilityRowOf(ctx context.Context, id int64, on kc.Date) (EligibilityRow, error) {
	year, day := s.factDay(on)
	var row EligibilityRow
	err := s.View(ctx, func(tx *Tx) error {
		if err := scanEligibilityRow(tx.queryRow(ctx, eligibilityQuery+" WHERE e.id = $3", year, day, id), &row, true); err != nil {
			return fmt.Errorf("store: eligibility row %d: %w", id, tx.s.mapErr(err))
		}
		codes, err := tx.tradeCodesOf(ctx, []int64{id})
		if err != nil {
			return err
		}
		row.TradeCodes = codes[id]
		return nil
	})
	return row, err
}

// eligibilityWhere is the WHERE clause (" WHERE …" or "") of f over
// establishment e, its parameters numbered after the args given, which it
// returns extended.
func eligibilityWhere(f EligibilityFilter, args []any) (string, []any) {
	var where []string
	if f.CommuneIDs != nil {
		in, a := inInts(len(args)+1, f.CommuneIDs)
		where = append(where, "e.commune_id IN "+in)
		args = append(args, a...)
	}
	if f.PrimaryTrade != "" {
		args = append(args, f.PrimaryTrade)
		where = append(where, fmt.Sprintf(`EXISTS (SELECT 1 FROM establishment_trade et JOIN trade t ON t.id = et.trade_id
			WHERE et.establishment_id = e.id AND et.is_primary AND t.code = $%d)`, len(args)))
	}
	if f.ExceptID != 0 {
		args = append(args, f.ExceptID)
		where = append(where, fmt.Sprintf("e.id <> $%d", len(args)))
	}
	if f.FromID != 0 {
		args = append(args, f.FromID)
		where = append(where, fmt.Sprintf("e.id >= $%d", len(args)))
	}
	if f.ToID != 0 {
		args = append(args, f.ToID)
		where = append(where, fmt.Sprintf("e.id <= $%d", len(args)))
	}
	if len(where) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// EligibilityIDSpan returns the smallest and the largest id of the
// establishments f selects (FromID, ToID and Limit aside), both 0 when
// there are none, so a reader can split StreamEligibilityRows into id
// ranges read side by side.
func (s *Store) EligibilityIDSpan(ctx context.Context, f EligibilityFilter) (lo, hi int64, err error) {
	if f.CommuneIDs != nil && len(f.CommuneIDs) == 0 {
		return 0, 0, nil
	}
	f.FromID, f.ToID, f.Limit = 0, 0, 0
	where, args := eligibilityWhere(f, nil)
	// One aggregate per statement: SQLite answers MIN or MAX of the
	// primary key from the b-tree's edge only when it is alone.
	err = s.View(ctx, func(tx *Tx) error {
		for _, agg := range []struct {
			fn   string
			dest *int64
		}{{"MIN", &lo}, {"MAX", &hi}} {
			if err := tx.queryRow(ctx, "SELECT COALESCE("+agg.fn+"(e.id), 0) FROM establishment e"+where, args...).Scan(agg.dest); err != nil {
				return tx.s.mapErr(err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("store: eligibility id span: %w", err)
	}
	return lo, hi, nil
}

// StreamEligibilityRows calls fn with the eligibility rows on day on
// (today when zero) of the establishments f selects, in id order, batch
// at a time (batch <= 0 means DefaultExportBatch), like
// StreamEstablishments: one cursor over the rows, and per batch one more
// query for the trade codes and one for the certificates (over the id
// range of the batch when it is dense, else its id list), memory bounded
// by the batch. The slice passed to fn is reused for the next batch: fn
// must copy what it keeps.
func (s *Store) StreamEligibilityRows(ctx context.Context, f EligibilityFilter, on kc.Date, batch int, fn func([]EligibilityRow) error) error {
	if f.CommuneIDs != nil && len(f.CommuneIDs) == 0 {
		return nil
	}
	if batch <= 0 {
		batch = DefaultExportBatch
	}
	year, day := s.factDay(on)
	buf := make([]EligibilityRow, 0, batch)
	units := map[int64]eligibilityUnit{}
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		if err := s.View(ctx, func(tx *Tx) error { return tx.eligibilityExtras(ctx, buf, units, year, day) }); err != nil {
			return err
		}
		// An establishment whose commune is not in the unit table (the
		// foreign key forbids it) is left out, as the join would.
		rows := slices.DeleteFunc(buf, func(r EligibilityRow) bool {
			_, ok := units[r.CommuneID]
			return !ok
		})
		err := fn(rows)
		buf = buf[:0]
		return err
	}
	return s.View(ctx, func(tx *Tx) error {
		where, args := eligibilityWhere(f, []any{year})
		q := eligibilityStream + where + " ORDER BY e.id"
		if f.Limit > 0 {
			q += fmt.Sprintf(" LIMIT %d", f.Limit)
		}
		rows, err := tx.query(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("store: eligibility rows: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			buf = append(buf, EligibilityRow{})
			if err := scanEligibilityRow(rows, &buf[len(buf)-1], false); err != nil {
				return fmt.Errorf("store: eligibility rows: %w", err)
			}
			if len(buf) == batch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: eligibility rows: %w", err)
		}
		return flush()
	})
}

// eligibilityUnit is the commune of an eligibility row and its parent
// (the province), as eligibilityUnits reads them.
type eligibilityUnit struct {
	code, name, typ          string
	provinceID               int64
	provinceName, provinceTy string
}

// eligibilityExtras fills in the commune and province, the trade codes
// (primary first) and the certificates valid on day of a batch of rows in
// id order. The units are read once per stream into units (a row whose
// commune is not found is left as it is). A dense batch (ids
// spanning at most four times its size, as when whole communes or the
// whole registry are read) is selected by its id range, one index range
// per table; a sparse one by its ids written as integer literals.
func (tx *Tx) eligibilityExtras(ctx context.Context, rows []EligibilityRow, units map[int64]eligibilityUnit, year int, day kc.Date) error {
	var missing []int64
	for i := range rows {
		if _, ok := units[rows[i].CommuneID]; !ok && !slices.Contains(missing, rows[i].CommuneID) {
			missing = append(missing, rows[i].CommuneID)
		}
	}
	if len(missing) > 0 {
		q, err := tx.query(ctx, `SELECT u.id`+eligibilityUnits+` FROM unit u LEFT JOIN unit p ON p.id = u.parent_id WHERE u.id IN `+intList(missing))
		if err != nil {
			return fmt.Errorf("store: eligibility units: %w", err)
		}
		defer q.Close()
		for q.Next() {
			var id int64
			var u eligibilityUnit
			if err := q.Scan(&id, &u.code, &u.name, &u.typ, &u.provinceID, &u.provinceName, &u.provinceTy); err != nil {
				return fmt.Errorf("store: eligibility units: %w", err)
			}
			units[id] = u
		}
		if err := q.Err(); err != nil {
			return fmt.Errorf("store: eligibility units: %w", err)
		}
		q.Close()
	}
	for i := range rows {
		r := &rows[i]
		u := units[r.CommuneID]
		r.CommuneCode, r.CommuneName, r.CommuneType = u.code, u.name, u.typ
		r.ProvinceID, r.ProvinceName, r.ProvinceType = u.provinceID, u.provinceName, u.provinceTy
	}
	lo, hi := rows[0].ID, rows[len(rows)-1].ID
	// sel selects the batch on column col; its parameters are $1 and $2.
	sel := func(col string) string { return col + " BETWEEN $1 AND $2" }
	if hi-lo >= int64(4*len(rows)) {
		ids := make([]int64, len(rows))
		for i := range rows {
			ids[i] = rows[i].ID
		}
		list := intList(ids)
		sel = func(col string) string { return col + " IN " + list + " AND " + col + " BETWEEN $1 AND $2" }
	}
	index := make(map[int64]int, len(rows))
	for i := range rows {
		index[rows[i].ID] = i
		rows[i].TradeCodes, rows[i].TypicalProduct, rows[i].OCOPStars = nil, false, 0
	}
	trades, err := tx.query(ctx, `SELECT et.establishment_id, t.code FROM establishment_trade et JOIN trade t ON t.id = et.trade_id
		WHERE `+sel("et.establishment_id")+` ORDER BY et.establishment_id, et.is_primary DESC, t.code`, lo, hi)
	if err != nil {
		return fmt.Errorf("store: establishment trade codes: %w", err)
	}
	defer trades.Close()
	for trades.Next() {
		var id int64
		var code string
		if err := trades.Scan(&id, &code); err != nil {
			return fmt.Errorf("store: establishment trade codes: %w", err)
		}
		if i, ok := index[id]; ok {
			rows[i].TradeCodes = append(rows[i].TradeCodes, code)
		}
	}
	if err := trades.Err(); err != nil {
		return fmt.Errorf("store: establishment trade codes: %w", err)
	}
	trades.Close()
	certs, err := tx.query(ctx, `SELECT c.establishment_id, c.kind, c.stars FROM certificate c
		WHERE `+sel("c.establishment_id")+` AND c.kind IN ('typical_product', 'ocop') AND c.year <= $3 AND (c.valid_until IS NULL OR c.valid_until >= $4)`,
		lo, hi, year, day)
	if err != nil {
		return fmt.Errorf("store: establishment certificates: %w", err)
	}
	defer certs.Close()
	for certs.Next() {
		var id int64
		var kind string
		var stars sql.NullInt64
		if err := certs.Scan(&id, &kind, &stars); err != nil {
			return fmt.Errorf("store: establishment certificates: %w", err)
		}
		i, ok := index[id]
		if !ok {
			continue
		}
		if kind == "typical_product" {
			rows[i].TypicalProduct = true
		} else if stars.Valid {
			rows[i].OCOPStars = max(rows[i].OCOPStars, int(stars.Int64))
		}
	}
	if err := certs.Err(); err != nil {
		return fmt.Errorf("store: establishment certificates: %w", err)
	}
	return nil
}

// tradeCodesOf returns the trade codes of each establishment, primary
// first.
func (tx *Tx) tradeCodesOf(ctx context.Context, ids []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inInts(1, ids)
	rows, err := tx.query(ctx, `SELECT et.establishment_id, t.code FROM establishment_trade et JOIN trade t ON t.id = et.trade_id
		WHERE et.establishment_id IN `+in+` ORDER BY et.establishment_id, et.is_primary DESC, t.code`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: establishment trade codes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return nil, err
		}
		out[id] = append(out[id], code)
	}
	return out, rows.Err()
}

// FormerDistrict is a district (of any period) whose communes went, in
// whole or in part, into a commune in force.
type FormerDistrict struct {
	CommuneID    int64 // the commune in force
	DistrictID   int64
	DistrictCode string
	ProvinceCode string // the district's province at the time
	ValidFrom    kc.Date
	ValidTo      kc.Date
}

// FormerDistricts returns, for the communes in force given (nil: every
// commune), the districts their predecessor communes belonged to, found
// through unit_succession. Communes without successions have none.
func (s *Store) FormerDistricts(ctx context.Context, communeIDs []int64) ([]FormerDistrict, error) {
	if communeIDs != nil && len(communeIDs) == 0 {
		return nil, nil
	}
	var out []FormerDistrict
	err := s.View(ctx, func(tx *Tx) error {
		q := `SELECT DISTINCT us.to_unit_id, d.id, d.code, COALESCE(pv.code, ''), d.valid_from, d.valid_to
			FROM unit_succession us
			JOIN unit o ON o.id = us.from_unit_id
			JOIN unit d ON d.id = o.parent_id AND d.level = 'district'
			LEFT JOIN unit pv ON pv.id = d.parent_id`
		var args []any
		chunks := [][]int64{nil}
		if communeIDs != nil {
			chunks = chunks[:0]
			for start := 0; start < len(communeIDs); start += 500 {
				chunks = append(chunks, communeIDs[start:min(start+500, len(communeIDs))])
			}
		}
		for _, chunk := range chunks {
			where := ""
			args = nil
			if chunk != nil {
				var in string
				in, args = inInts(1, chunk)
				where = " WHERE us.to_unit_id IN " + in
			}
			rows, err := tx.query(ctx, q+where+" ORDER BY 1, 3", args...)
			if err != nil {
				return fmt.Errorf("store: former districts: %w", err)
			}
			part, err := collectRows(rows, func(r rowScanner, d *FormerDistrict) error {
				return r.Scan(&d.CommuneID, &d.DistrictID, &d.DistrictCode, &d.ProvinceCode, &d.ValidFrom, &d.ValidTo)
			})
			if err != nil {
				return err
			}
			out = append(out, part...)
		}
		return nil
	})
	return out, err
}

// NeighbourCommunes returns the communes in force, other than communeID,
// that share a former district with it: some predecessor of each lay in
// the same pre-2025 district (see FormerDistricts). There is no adjacency
// data in the unit lists, so this is the nearest honest notion of
// "neighbouring commune" the data supports. Sorted by id.
func (s *Store) NeighbourCommunes(ctx context.Context, communeID int64) ([]int64, error) {
	var out []int64
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.ids(ctx, `SELECT DISTINCT us2.to_unit_id
			FROM unit_succession us
			JOIN unit o ON o.id = us.from_unit_id
			JOIN unit o2 ON o2.parent_id = o.parent_id
			JOIN unit d ON d.id = o.parent_id AND d.level = 'district'
			JOIN unit_succession us2 ON us2.from_unit_id = o2.id
			JOIN unit c ON c.id = us2.to_unit_id AND c.valid_to IS NULL AND c.level = 'commune'
			WHERE us.to_unit_id = $1 AND us2.to_unit_id <> $1
			ORDER BY 1`, communeID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: neighbours of commune %d: %w", communeID, err)
	}
	return out, nil
}

// NeedRequest is a request for contact registered by a member of the
// public (đăng ký nhu cầu): the phone is sealed by the application.
type NeedRequest struct {
	ID           int64
	TrackingCode string
	Name         string
	PhoneSealed  kc.Sealed
	CommuneID    int64
	Trade        string
	Need         string
	Status       string
	CreatedAt    time.Time
}

// CreateNeedRequest stores a need request and returns it with its id;
// EConflict when the tracking code is taken.
func (tx *Tx) CreateNeedRequest(ctx context.Context, n NeedRequest) (NeedRequest, error) {
	var commune any
	if n.CommuneID != 0 {
		commune = n.CommuneID
	}
	id, err := tx.insert(ctx, `INSERT INTO need_request (tracking_code, name, phone_enc, commune_id, trade, need, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
		n.TrackingCode, vi.NFC(n.Name), nullBytes(n.PhoneSealed.Enc), commune, n.Trade, vi.NFCLines(n.Need), n.Status, tx.now)
	if err != nil {
		return n, fmt.Errorf("store: create need request: %w", err)
	}
	n.ID, n.CreatedAt = id, tx.now
	return n, nil
}

// GetNeedRequest returns a need request by its tracking code, or
// ENotFound.
func (s *Store) GetNeedRequest(ctx context.Context, trackingCode string) (NeedRequest, error) {
	var n NeedRequest
	err := s.View(ctx, func(tx *Tx) error {
		err := tx.queryRow(ctx, `SELECT id, tracking_code, name, phone_enc, COALESCE(commune_id, 0), trade, need, status, created_at
			FROM need_request WHERE tracking_code = $1`, trackingCode).Scan(&n.ID, &n.TrackingCode, &n.Name, &n.PhoneSealed.Enc,
			&n.CommuneID, &n.Trade, &n.Need, &n.Status, timeScan{&n.CreatedAt})
		if err != nil {
			return fmt.Errorf("store: need request %s: %w", trackingCode, tx.s.mapErr(err))
		}
		return nil
	})
	return n, err
}
