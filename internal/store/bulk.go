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

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// BulkEstablishment is an establishment with its yearly facts, for the bulk
// loader. Its ID must be set by the caller (see NextIDs).
type BulkEstablishment struct {
	kc.Establishment
	Facts []kc.EstablishmentFact
}

// BulkBatch is one batch of generated data. Establishments and projects
// carry explicit ids (from NextIDs on), so projects can name their
// beneficiaries; campaigns too (from NextOutreachIDs on), so sessions can
// name them. Sessions carry explicit ids (from NextOutreachIDs on) when
// attendance rows name them; a load either numbers all its sessions or
// none, and the database numbers those without. Every other row gets its
// id from the database. Phones (establishments, attendance, need
// requests) come sealed: the store never sees them in clear.
type BulkBatch struct {
	Establishments []BulkEstablishment
	Projects       []kc.Project
	Campaigns      []kc.Campaign
	Sessions       []kc.OutreachSession
	Attendance     []kc.Attendance
	SelfChecks     []SelfCheckLog
	// Needs are need requests with their history: CreatedAt and
	// UpdatedAt are kept (now when zero).
	Needs []NeedRow
}

// SelfCheckLog is one logged public self-check (see LogSelfCheck).
type SelfCheckLog struct {
	CommuneID int64 // 0: none given
	Trade     string
	On        kc.Date
	ViaQR     bool
}

// Rows returns the number of table rows the batch writes.
func (b *BulkBatch) Rows() int {
	n := len(b.Campaigns) + len(b.Sessions) + len(b.Attendance) + len(b.SelfChecks) + len(b.Needs)
	for _, e := range b.Establishments {
		n += 1 + len(e.TradeIDs) + len(e.Facts)
	}
	for _, p := range b.Projects {
		n += 1 + len(p.Funding) + len(p.Beneficiaries) + len(p.Outputs) + len(p.Events)
	}
	return n
}

// NextIDs returns the first free establishment and project ids, from
// which a bulk load numbers its rows. Only one bulk load may run at a time.
func (s *Store) NextIDs(ctx context.Context) (establishment, project int64, err error) {
	err = s.View(ctx, func(tx *Tx) error {
		if err := tx.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM establishment").Scan(&establishment); err != nil {
			return fmt.Errorf("store: next establishment id: %w", err)
		}
		if err := tx.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM project").Scan(&project); err != nil {
			return fmt.Errorf("store: next project id: %w", err)
		}
		return nil
	})
	return establishment, project, err
}

// NextOutreachIDs returns the first free campaign and outreach session
// ids, from which a bulk load numbers its campaigns and sessions.
func (s *Store) NextOutreachIDs(ctx context.Context) (campaign, session int64, err error) {
	err = s.View(ctx, func(tx *Tx) error {
		if err := tx.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM campaign").Scan(&campaign); err != nil {
			return fmt.Errorf("store: next campaign id: %w", err)
		}
		if err := tx.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM outreach_session").Scan(&session); err != nil {
			return fmt.Errorf("store: next outreach session id: %w", err)
		}
		return nil
	})
	return campaign, session, err
}

// bulkTable is one table of a batch: its columns and its rows.
type bulkTable struct {
	name string
	cols []string
	rows [][]any
}

// tables flattens a batch into rows per table, in foreign-key order. pg
// selects the value types: time.Time for dates on PostgreSQL (COPY binary
// encoding), YYYY-MM-DD text on SQLite.
func (b *BulkBatch) tables(now time.Time, pg bool) []bulkTable {
	date := func(d kc.Date) any {
		if d.IsZero() {
			return nil
		}
		if pg {
			return d.Time()
		}
		return d.String()
	}
	opt := func(n int) any {
		if n == 0 {
			return nil
		}
		return int64(n)
	}
	est := bulkTable{name: "establishment", cols: []string{"id", "kind", "size_class", "name", "name_fold", "sort_key", "commune_id", "village", "lat", "lon",
		"owner_name", "owner_gender", "owner_ethnicity", "owner_birth_year", "women_owned", "ethnic_minority_owned", "founded_year",
		"registration_no", "registration_date", "traditional_craft", "craft_village", "artisan", "main_products", "notes", "demo",
		"version", "created_at", "updated_at", "latest_year", "latest_workers", "phone_enc", "phone_hash"}}
	trades := bulkTable{name: "establishment_trade", cols: []string{"establishment_id", "trade_id", "is_primary"}}
	facts := bulkTable{name: "establishment_fact", cols: []string{"establishment_id", "year", "workers", "women_workers", "ethnic_minority_workers",
		"revenue", "capital", "avg_income", "source"}}
	for i := range b.Establishments {
		e := &b.Establishments[i]
		normalizeEstablishment(&e.Establishment)
		var lat, lon any
		if e.HasLocation {
			lat, lon = e.Lat, e.Lon
		}
		var latestYear any
		latestWorkers := int64(0)
		best := 0
		for _, f := range e.Facts {
			if f.Year >= best {
				best, latestWorkers = f.Year, int64(f.Workers)
			}
			src := f.Source
			if src == "" {
				src = "survey"
			}
			facts.rows = append(facts.rows, []any{e.ID, int64(f.Year), int64(f.Workers), int64(f.WomenWorkers), int64(f.EthnicMinorityWorkers),
				f.Revenue, f.Capital, f.AvgIncome, src})
		}
		if best > 0 {
			latestYear = int64(best)
		}
		est.rows = append(est.rows, []any{e.ID, e.Kind, e.SizeClass, e.Name, vi.SearchKey(e.Name), vi.SortKey(e.Name), e.CommuneID, e.Village, lat, lon,
			e.OwnerName, e.OwnerGender, e.OwnerEthnicity, opt(e.OwnerBirthYear), e.WomenOwned, e.EthnicMinorityOwned, opt(e.FoundedYear),
			e.RegistrationNo, date(e.RegistrationDate), e.TraditionalCraft, e.CraftVillage, e.Artisan, e.MainProducts, e.Notes, e.Demo,
			int64(1), now, now, latestYear, latestWorkers, nullBytes(e.PhoneSealed.Enc), e.PhoneSealed.Hash})
		seen := map[int64]bool{}
		for j, t := range e.TradeIDs {
			if !seen[t] {
				seen[t] = true
				trades.rows = append(trades.rows, []any{e.ID, t, j == 0})
			}
		}
	}
	proj := bulkTable{name: "project", cols: []string{"id", "code", "title", "year", "level", "scheme_id", "content_area", "implementing_org", "commune_id",
		"state", "registered_on", "decided_on", "decision_no", "accepted_on", "settled_on", "reject_reason", "demo", "version", "created_at", "updated_at",
		"appraised_on", "closed_on", "starts_on", "ends_on", "is_group", "expected_jobs", "priority_points", "search_key"}}
	cost := bulkTable{name: "project_cost_line", cols: []string{"project_id", "item", "item_key", "quantity", "unit_cost", "amount"}}
	fund := bulkTable{name: "project_funding", cols: []string{"project_id", "source", "planned", "approved", "advanced", "settled"}}
	ben := bulkTable{name: "project_beneficiary", cols: []string{"project_id", "establishment_id"}}
	out := bulkTable{name: "project_output", cols: []string{"project_id", "kind", "value"}}
	ev := bulkTable{name: "project_event", cols: []string{"project_id", "from_state", "to_state", "at", "actor_id", "note", "document_ref"}}
	for _, p := range b.Projects {
		var scheme any
		if p.SchemeID != 0 {
			scheme = p.SchemeID
		}
		proj.rows = append(proj.rows, []any{p.ID, p.Code, vi.NFC(p.Title), int64(p.Year), p.Level, scheme, p.ContentArea, p.ImplementingOrg, p.CommuneID,
			p.State, date(p.RegisteredOn), date(p.DecidedOn), p.DecisionNo, date(p.AcceptedOn), date(p.SettledOn), p.RejectReason, p.Demo,
			int64(1), now, now, date(p.AppraisedOn), date(p.ClosedOn), date(p.StartsOn), date(p.EndsOn), p.Group, int64(p.ExpectedJobs), int64(p.PriorityPoints),
			vi.SearchKey(p.Title)})
		for _, c := range p.CostLines {
			item := vi.NFC(c.Item)
			cost.rows = append(cost.rows, []any{p.ID, item, vi.SearchKey(item), c.Quantity, c.UnitCost, c.Amount})
		}
		for _, f := range p.Funding {
			fund.rows = append(fund.rows, []any{p.ID, f.Source, f.Planned, f.Approved, f.Advanced, f.Settled})
		}
		for _, e := range p.Beneficiaries {
			ben.rows = append(ben.rows, []any{p.ID, e})
		}
		for _, o := range p.Outputs {
			out.rows = append(out.rows, []any{p.ID, o.Kind, o.Value})
		}
		for _, e := range p.Events {
			at := e.At
			if at.IsZero() {
				at = now
			}
			ev.rows = append(ev.rows, []any{p.ID, e.From, e.To, at.UTC(), nullInt64(e.ActorID), e.Note, e.DocumentRef})
		}
	}
	camp := bulkTable{name: "campaign", cols: []string{"id", "title", "unit_id", "starts_on", "ends_on", "budget", "demo", "created_at", "topic", "schemes",
		"notes", "plan_note", "created_by", "version"}}
	for _, c := range b.Campaigns {
		created := c.CreatedAt
		if created.IsZero() {
			created = now
		}
		camp.rows = append(camp.rows, []any{c.ID, vi.NFC(c.Title), c.UnitID, date(c.StartsOn), date(c.EndsOn), c.Budget, c.Demo, created.UTC(),
			vi.NFC(c.Topic), strings.Join(c.SchemeCodes, ","), vi.NFCLines(c.Notes), vi.NFCLines(c.PlanNote), nullInt64(c.CreatedBy), int64(max(c.Version, 1))})
	}
	sessCols := []string{"campaign_id", "kind", "status", "commune_id", "village", "held_on", "attendees", "cost", "staff", "staff_halfdays", "language",
		"interpreter", "materials", "notes", "demo", "created_at"}
	sess := bulkTable{name: "outreach_session", cols: sessCols}
	sessID := bulkTable{name: "outreach_session", cols: append([]string{"id"}, sessCols...)}
	for _, o := range b.Sessions {
		lang := o.Language
		if lang == "" {
			lang = "vi"
		}
		status := o.Status
		if status == "" {
			status = kc.SessionHeld
		}
		row := []any{nullInt64(o.CampaignID), o.Kind, status, o.CommuneID, vi.NFC(o.Village), date(o.HeldOn), int64(o.Attendees), o.Cost, vi.NFC(o.Staff),
			int64(o.StaffHalfDays), lang, o.Interpreter, vi.NFC(o.Materials), vi.NFCLines(o.Notes), o.Demo, now}
		if o.ID != 0 {
			sessID.rows = append(sessID.rows, append([]any{o.ID}, row...))
		} else {
			sess.rows = append(sess.rows, row)
		}
	}
	att := bulkTable{name: "attendance", cols: []string{"session_id", "establishment_id", "new_producer", "name", "phone_enc", "trade"}}
	for _, a := range b.Attendance {
		att.rows = append(att.rows, []any{a.SessionID, nullInt64(a.EstablishmentID), a.NewProducer, vi.NFC(a.Name), nullBytes(a.PhoneSealed.Enc), a.Trade})
	}
	sc := bulkTable{name: "selfcheck_log", cols: []string{"commune_id", "trade", "on_day", "via_qr", "created_at"}}
	for _, c := range b.SelfChecks {
		sc.rows = append(sc.rows, []any{nullInt64(c.CommuneID), strings.ToUpper(c.Trade), date(c.On), c.ViaQR, c.On.Time().Add(9 * time.Hour).UTC()})
	}
	need := bulkTable{name: "need_request", cols: []string{"tracking_code", "name", "phone_enc", "commune_id", "trade", "need", "status",
		"establishment_id", "answer", "created_at", "updated_at"}}
	for _, n := range b.Needs {
		created, updated := n.CreatedAt, n.UpdatedAt
		if created.IsZero() {
			created = now
		}
		if updated.IsZero() {
			updated = created
		}
		need.rows = append(need.rows, []any{n.TrackingCode, vi.NFC(n.Name), nullBytes(n.PhoneSealed.Enc), nullInt64(n.CommuneID), n.Trade, vi.NFCLines(n.Need),
			n.Status, nullInt64(n.EstablishmentID), vi.NFCLines(n.Answer), created.UTC(), updated.UTC()})
	}
	return []bulkTable{est, trades, facts, proj, cost, fund, ben, out, ev, camp, sessID, sess, att, sc, need}
}

// PreparedBatch is a batch turned into table rows, with the folded names
// and collation keys computed; preparing is CPU work that a loader can do
// on another goroutine while the previous batch is written.
type PreparedBatch struct {
	tables []bulkTable
}

// PrepareBulk turns a batch into rows for this store's dialect.
func (s *Store) PrepareBulk(b *BulkBatch) *PreparedBatch {
	now := s.Now().UTC().Truncate(time.Microsecond)
	return &PreparedBatch{tables: b.tables(now, s.dialect.Postgres())}
}

// LoadBulk writes one batch in one transaction: with COPY on PostgreSQL,
// with prepared multi-row INSERTs on SQLite. Call FinishBulk after the last
// batch.
func (s *Store) LoadBulk(ctx context.Context, b *BulkBatch) error {
	return s.LoadPrepared(ctx, s.PrepareBulk(b))
}

// LoadPrepared writes a prepared batch in one transaction.
func (s *Store) LoadPrepared(ctx context.Context, pb *PreparedBatch) error {
	tables := pb.tables
	if s.dialect.Postgres() {
		return s.copyBulk(ctx, tables)
	}
	return s.InTx(ctx, func(tx *Tx) error {
		stmts := map[string]*sql.Stmt{}
		defer func() {
			for _, st := range stmts {
				st.Close()
			}
		}()
		for _, t := range tables {
			if err := tx.insertRows(ctx, stmts, t); err != nil {
				return err
			}
		}
		return nil
	})
}

// sqliteMaxParams stays under SQLite's limit of 32766 bound parameters.
const sqliteMaxParams = 30000

// insertRows writes t with prepared multi-row INSERTs of up to 100 rows
// (fewer when the parameter limit requires), reusing the statements in
// stmts. SQLite gets anonymous placeholders: the driver looks up the name of
// every numbered one, which is quadratic in statement size. On PostgreSQL,
// explicit ids override the identity column.
func (tx *Tx) insertRows(ctx context.Context, stmts map[string]*sql.Stmt, t bulkTable) error {
	pg := tx.Dialect().Postgres()
	per := min(sqliteMaxParams/len(t.cols), 100)
	for start := 0; start < len(t.rows); start += per {
		chunk := t.rows[start:min(start+per, len(t.rows))]
		key := fmt.Sprintf("%s/%d/%d", t.name, len(t.cols), len(chunk))
		st, ok := stmts[key]
		if !ok {
			var b strings.Builder
			b.WriteString("INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ")")
			if pg && slices.Contains(t.cols, "id") {
				b.WriteString(" OVERRIDING SYSTEM VALUE")
			}
			b.WriteString(" VALUES ")
			n := 0
			for r := range chunk {
				if r > 0 {
					b.WriteString(", ")
				}
				b.WriteByte('(')
				for c := range t.cols {
					if c > 0 {
						b.WriteByte(',')
					}
					if pg {
						n++
						fmt.Fprintf(&b, "$%d", n)
					} else {
						b.WriteByte('?')
					}
				}
				b.WriteByte(')')
			}
			var err error
			if st, err = tx.tx.PrepareContext(ctx, b.String()); err != nil {
				return fmt.Errorf("store: prepare insert %s: %w", t.name, err)
			}
			stmts[key] = st
		}
		args := make([]any, 0, len(chunk)*len(t.cols))
		for _, r := range chunk {
			args = append(args, r...)
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("store: insert %s: %w", t.name, tx.s.mapErr(err))
		}
	}
	return nil
}

// copyBulk writes the tables with COPY in one PostgreSQL transaction,
// through the pgx connection under database/sql.
func (s *Store) copyBulk(ctx context.Context, tables []bulkTable) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: bulk conn: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: bulk: driver connection is %T, not pgx", dc)
		}
		tx, err := sc.Conn().Begin(ctx)
		if err != nil {
			return fmt.Errorf("store: bulk begin: %w", err)
		}
		defer tx.Rollback(ctx)
		for _, t := range tables {
			if len(t.rows) == 0 {
				continue
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
				return s.mapErr(fmt.Errorf("store: copy %s: %w", t.name, err))
			}
		}
		if err := tx.Commit(ctx); err != nil {
			return s.mapErr(fmt.Errorf("store: bulk commit: %w", err))
		}
		return nil
	})
}

// FinishBulk ends a bulk load: on PostgreSQL it moves the identity
// sequences past the explicit ids and vacuums and analyses the loaded
// tables (index-only scans need the visibility map); on SQLite it refreshes
// the planner statistics.
func (s *Store) FinishBulk(ctx context.Context) error {
	if s.dialect.Postgres() {
		for _, t := range []string{"establishment", "project", "campaign", "outreach_session"} {
			// An empty table restarts at 1 (is_called false).
			if _, err := s.w.ExecContext(ctx, fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM %s), 1), EXISTS (SELECT 1 FROM %s))", t, t, t)); err != nil {
				return fmt.Errorf("store: bulk sequence %s: %w", t, err)
			}
		}
		if _, err := s.w.ExecContext(ctx, "VACUUM (ANALYZE) establishment, establishment_trade, establishment_fact, project, project_funding, project_beneficiary, project_output, project_event, campaign, outreach_session, attendance, selfcheck_log, need_request, commune_stat, project_support"); err != nil {
			return fmt.Errorf("store: bulk vacuum: %w", err)
		}
		// The unit tables are read by every scoped count; fresh statistics
		// keep the planner on their indexes.
		if _, err := s.w.ExecContext(ctx, "ANALYZE unit, unit_succession"); err != nil {
			return fmt.Errorf("store: bulk analyze units: %w", err)
		}
		return nil
	}
	if _, err := s.w.ExecContext(ctx, "PRAGMA analysis_limit = 1000; ANALYZE"); err != nil {
		return fmt.Errorf("store: bulk analyze: %w", err)
	}
	return nil
}

// ScaleCommune is a commune in force with the former communes whose area
// it now covers, for the scale generator.
type ScaleCommune struct {
	ID     int64
	Code   string
	Name   string
	Former []int64
}

// ScaleCommunes returns the communes in force under a province (every
// commune when provinceID is 0), in code order, each with its direct
// predecessors among the former communes.
func (s *Store) ScaleCommunes(ctx context.Context, provinceID int64) ([]ScaleCommune, error) {
	var out []ScaleCommune
	err := s.View(ctx, func(tx *Tx) error {
		q := "SELECT id, code, name FROM unit WHERE level = 'commune' AND valid_to IS NULL"
		var args []any
		if provinceID != 0 {
			q += " AND parent_id = $1"
			args = append(args, provinceID)
		}
		rows, err := tx.query(ctx, q+" ORDER BY code", args...)
		if err != nil {
			return fmt.Errorf("store: scale communes: %w", err)
		}
		if out, err = collectRows(rows, func(r rowScanner, c *ScaleCommune) error {
			return r.Scan(&c.ID, &c.Code, &c.Name)
		}); err != nil {
			return err
		}
		index := make(map[int64]int, len(out))
		for i, c := range out {
			index[c.ID] = i
		}
		rows, err = tx.query(ctx, `SELECT s.to_unit_id, s.from_unit_id FROM unit_succession s JOIN unit f ON f.id = s.from_unit_id
			WHERE f.level = 'commune' AND f.valid_to IS NOT NULL ORDER BY s.to_unit_id, s.from_unit_id`)
		if err != nil {
			return fmt.Errorf("store: scale predecessors: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var to, from int64
			if err := rows.Scan(&to, &from); err != nil {
				return err
			}
			if i, ok := index[to]; ok {
				out[i].Former = append(out[i].Former, from)
			}
		}
		return rows.Err()
	})
	return out, err
}
