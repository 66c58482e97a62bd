package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// ScoreItem is one criterion of the appraisal score sheet (TT 36 forms
// 4a/4b, Art. 9); the sheet is data in the score_item table.
type ScoreItem struct {
	Code     string
	Label    string
	MaxScore int
	Position int
	Active   bool
}

// DefaultScoreItems is the score sheet a fresh installation starts with:
// the appraisal checks of TT 36/2013 Art. 9, weighted to a total of 100.
// The weights are a local convention, not the text of the circular.
func DefaultScoreItems() []ScoreItem {
	return []ScoreItem{
		{Code: "fit", Label: "Sự phù hợp với nguyên tắc, nội dung và đối tượng khuyến công", MaxScore: 20, Position: 1, Active: true},
		{Code: "objectives", Label: "Mục tiêu, sự cần thiết và hiệu quả của đề án", MaxScore: 25, Position: 2, Active: true},
		{Code: "costs", Label: "Tính hợp lý của dự toán kinh phí", MaxScore: 20, Position: 3, Active: true},
		{Code: "capacity", Label: "Năng lực của đơn vị thực hiện, đơn vị phối hợp và đơn vị thụ hưởng", MaxScore: 20, Position: 4, Active: true},
		{Code: "links", Label: "Sự gắn kết với các chương trình khác và khả năng nhân rộng", MaxScore: 15, Position: 5, Active: true},
	}
}

// ensureScoreItems inserts the score items that are missing (by code);
// existing items are left as an administrator set them.
func (tx *Tx) ensureScoreItems(ctx context.Context, items []ScoreItem) (int, error) {
	n := 0
	for _, it := range items {
		res, err := tx.exec(ctx, `INSERT INTO score_item (code, label, max_score, position, active) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (code) DO NOTHING`, it.Code, vi.NFC(it.Label), it.MaxScore, it.Position, it.Active)
		if err != nil {
			return n, fmt.Errorf("store: seed score item %s: %w", it.Code, err)
		}
		if k, err := res.RowsAffected(); err == nil {
			n += int(k)
		}
	}
	return n, nil
}

// ScoreItems returns the score sheet in position order; only the active
// items unless all is set.
func (s *Store) ScoreItems(ctx context.Context, all bool) ([]ScoreItem, error) {
	return viewValue(ctx, s, func(tx *Tx) ([]ScoreItem, error) { return tx.ScoreItems(ctx, all) })
}

// ScoreItems is ScoreItems inside tx.
func (tx *Tx) ScoreItems(ctx context.Context, all bool) ([]ScoreItem, error) {
	q := "SELECT code, label, max_score, position, active FROM score_item"
	if !all {
		q += " WHERE active = TRUE"
	}
	rows, err := tx.query(ctx, q+" ORDER BY position, code")
	if err != nil {
		return nil, fmt.Errorf("store: score items: %w", err)
	}
	return collectRows(rows, func(r rowScanner, it *ScoreItem) error {
		return r.Scan(&it.Code, &it.Label, &it.MaxScore, &it.Position, &it.Active)
	})
}

// AppraisalScore is one council member's score of one item of a project.
type AppraisalScore struct {
	MemberID   int64
	MemberName string // display name, or the user name when empty
	Item       string
	Score      int
	Comment    string
	At         time.Time
}

// ProjectAppraisals returns the scores of project id by member and item.
func (tx *Tx) ProjectAppraisals(ctx context.Context, id int64) ([]AppraisalScore, error) {
	rows, err := tx.query(ctx, `SELECT a.member_id, COALESCE(NULLIF(u.display_name, ''), u.username, ''), a.item, a.score, a.comment, a.created_at
		FROM appraisal a LEFT JOIN app_user u ON u.id = a.member_id
		WHERE a.project_id = $1 ORDER BY a.member_id, a.id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: appraisals of project %d: %w", id, err)
	}
	return collectRows(rows, func(r rowScanner, a *AppraisalScore) error {
		return r.Scan(&a.MemberID, &a.MemberName, &a.Item, &a.Score, &a.Comment, timeScan{&a.At})
	})
}

// PutAppraisal replaces member's scores of project id with scores (item
// code → score), each row carrying comment.
func (tx *Tx) PutAppraisal(ctx context.Context, id, member int64, scores map[string]int, items []string, comment string) error {
	if _, err := tx.exec(ctx, "DELETE FROM appraisal WHERE project_id = $1 AND member_id = $2", id, member); err != nil {
		return fmt.Errorf("store: appraisal of project %d: %w", id, err)
	}
	for _, item := range items {
		if _, err := tx.exec(ctx, `INSERT INTO appraisal (project_id, member_id, item, score, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			id, member, item, scores[item], vi.NFC(comment), tx.now); err != nil {
			return fmt.Errorf("store: appraisal of project %d item %s: %w", id, item, err)
		}
	}
	return nil
}

// ProjectReport is one monthly progress report (TT 36 form 3b).
type ProjectReport struct {
	ProjectID   int64
	Period      string // YYYY-MM
	SubmittedOn kc.Date
	ProgressPct int
	Spent       int64
	Note        string
	ActorID     int64
}

// ProjectReports returns the progress reports of project id by period.
func (tx *Tx) ProjectReports(ctx context.Context, id int64) ([]ProjectReport, error) {
	rows, err := tx.query(ctx, `SELECT project_id, period, submitted_on, progress_pct, spent, note, COALESCE(actor_id, 0)
		FROM project_report WHERE project_id = $1 ORDER BY period`, id)
	if err != nil {
		return nil, fmt.Errorf("store: reports of project %d: %w", id, err)
	}
	return collectRows(rows, func(sc rowScanner, r *ProjectReport) error {
		return sc.Scan(&r.ProjectID, &r.Period, &r.SubmittedOn, &r.ProgressPct, &r.Spent, &r.Note, &r.ActorID)
	})
}

// PutProjectReport writes the report of one period, replacing an earlier
// report of the same period.
func (tx *Tx) PutProjectReport(ctx context.Context, r ProjectReport) error {
	_, err := tx.exec(ctx, `INSERT INTO project_report (project_id, period, submitted_on, progress_pct, spent, note, actor_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (project_id, period) DO UPDATE SET submitted_on = excluded.submitted_on, progress_pct = excluded.progress_pct,
		spent = excluded.spent, note = excluded.note, actor_id = excluded.actor_id, created_at = excluded.created_at`,
		r.ProjectID, r.Period, r.SubmittedOn, r.ProgressPct, r.Spent, vi.NFC(r.Note), nullInt64(r.ActorID), tx.now)
	if err != nil {
		return fmt.Errorf("store: report %s of project %d: %w", r.Period, r.ProjectID, err)
	}
	return nil
}

// SettingsWithPrefix returns the settings whose key starts with prefix.
func (tx *Tx) SettingsWithPrefix(ctx context.Context, prefix string) (map[string]string, error) {
	rows, err := tx.query(ctx, "SELECT key, value FROM setting WHERE key LIKE $1", strings.ReplaceAll(prefix, "%", "")+"%")
	if err != nil {
		return nil, fmt.Errorf("store: settings %s: %w", prefix, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// ProjectSchedule is what the deadlines of a project are computed from:
// its dates, the periods it reported and the follow-ups recorded (output
// kinds starting "follow_up_").
type ProjectSchedule struct {
	ID         int64
	Code       string
	Title      string
	State      string
	CommuneID  int64
	StartsOn   kc.Date
	EndsOn     kc.Date
	AcceptedOn kc.Date
	SettledOn  kc.Date
	Periods    map[string]bool
	FollowUps  map[string]bool
}

// ScheduleFilter selects project schedules: the projects in the communes
// CommuneIDs (nil = everywhere; matched like ListProjects) or, when IDs is
// not nil, those projects only; in States (none = any); and, when
// SettledSince is set, settled and closed projects only when accepted on
// or after it (older ones have nothing left to follow up).
type ScheduleFilter struct {
	CommuneIDs   []int64
	IDs          []int64
	States       []string
	SettledSince kc.Date
}

// ProjectSchedules returns the schedules of the projects f selects.
func (s *Store) ProjectSchedules(ctx context.Context, f ScheduleFilter) ([]ProjectSchedule, error) {
	return viewValue(ctx, s, func(tx *Tx) ([]ProjectSchedule, error) { return tx.ProjectSchedules(ctx, f) })
}

// ProjectSchedules is ProjectSchedules inside tx.
func (tx *Tx) ProjectSchedules(ctx context.Context, f ScheduleFilter) ([]ProjectSchedule, error) {
	communeIDs, ids, states := f.CommuneIDs, f.IDs, f.States
	if communeIDs != nil && len(communeIDs) == 0 || ids != nil && len(ids) == 0 {
		return nil, nil
	}
	where, args, err := tx.projectWhere(ctx, ProjectListFilter{CommuneIDs: communeIDs})
	if err != nil {
		return nil, err
	}
	if ids != nil {
		where = append(where, "p.id IN "+intList(ids))
	}
	if len(states) > 0 {
		var ph []string
		for _, st := range states {
			args = append(args, st)
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		where = append(where, "p.state IN ("+strings.Join(ph, ", ")+")")
	}
	if !f.SettledSince.IsZero() {
		args = append(args, f.SettledSince)
		where = append(where, fmt.Sprintf("(p.state NOT IN ('settled', 'closed') OR p.accepted_on >= $%d)", len(args)))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := tx.query(ctx, `SELECT p.id, p.code, p.title, p.state, p.commune_id, p.starts_on, p.ends_on, p.accepted_on, p.settled_on
		FROM project p`+cond+` ORDER BY p.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: project schedules: %w", err)
	}
	out, err := collectRows(rows, func(r rowScanner, s *ProjectSchedule) error {
		s.Periods, s.FollowUps = map[string]bool{}, map[string]bool{}
		return r.Scan(&s.ID, &s.Code, &s.Title, &s.State, &s.CommuneID, &s.StartsOn, &s.EndsOn, &s.AcceptedOn, &s.SettledOn)
	})
	if err != nil {
		return nil, err
	}
	index := make(map[int64]int, len(out))
	all := make([]int64, len(out))
	for i, s := range out {
		index[s.ID] = i
		all[i] = s.ID
	}
	for start := 0; start < len(all); start += 1000 {
		in := intList(all[start:min(start+1000, len(all))])
		rows, err := tx.query(ctx, "SELECT project_id, period FROM project_report WHERE project_id IN "+in)
		if err != nil {
			return nil, fmt.Errorf("store: project report periods: %w", err)
		}
		for rows.Next() {
			var id int64
			var period string
			if err := rows.Scan(&id, &period); err != nil {
				rows.Close()
				return nil, err
			}
			out[index[id]].Periods[period] = true
		}
		rows.Close()
		rows, err = tx.query(ctx, "SELECT DISTINCT project_id, kind FROM project_output WHERE kind LIKE 'follow_up_%' AND project_id IN "+in)
		if err != nil {
			return nil, fmt.Errorf("store: project follow-ups: %w", err)
		}
		for rows.Next() {
			var id int64
			var kind string
			if err := rows.Scan(&id, &kind); err != nil {
				rows.Close()
				return nil, err
			}
			out[index[id]].FollowUps[kind] = true
		}
		rows.Close()
	}
	return out, nil
}
