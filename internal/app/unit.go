package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/unitdata"
	"khuyencong/internal/vi"
)

// errStub is returned by use cases that are not built yet.
var errStub = errors.New("stub")

// UnitStartUnknown is the valid_from of units whose start is not recorded
// (every pre-2025 unit); edges show it as "not recorded".
var UnitStartUnknown = unitdata.UnknownStart

// Unit list limits: the default and the largest page.
const (
	UnitPageSize    = 50
	UnitPageSizeMax = 500
)

// EnsureUnits loads the administrative units (pre-2025 provinces, districts
// and communes, the units in force since 01/07/2025 and the succession
// links between them) when the unit table is empty. It is idempotent and
// safe to call at every start, also from several servers at once.
func (a *App) EnsureUnits(ctx context.Context) error {
	n, err := a.Store.CountUnits(ctx)
	if err != nil || n > 0 {
		return err
	}
	start := time.Now()
	set, err := unitdata.Load()
	if err != nil {
		return &kc.Error{Code: kc.EInternal, Key: "error.internal", Err: err}
	}
	loaded, err := a.Store.LoadUnits(ctx, set.Units, set.Successions)
	if err != nil {
		return err
	}
	if loaded {
		a.Log.Info("administrative units loaded", "units", len(set.Units), "successions", len(set.Successions),
			"took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// unitToday is the current day in Vietnam.
func (a *App) unitToday() kc.Date { return kc.DateOf(a.Now().In(vi.Location)) }

// ParseUnitCode checks that code has the form of a province (2 digits),
// district (3) or commune (5) code and returns it trimmed.
func ParseUnitCode(code string) (string, error) {
	code = strings.TrimSpace(code)
	if unitdata.LevelOf(code) == "" {
		return "", kc.FieldError("code", "unit.bad_code", code)
	}
	return code, nil
}

// ParseUnitDate parses a YYYY-MM-DD day given for a unit lookup; an empty
// string gives the zero Date, which the use cases read as today.
func ParseUnitDate(s string) (kc.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return kc.Date{}, nil
	}
	d, err := kc.ParseDate(s)
	if err != nil {
		return kc.Date{}, kc.FieldError("on", "unit.bad_date", s).Wrap(err)
	}
	return d, nil
}

// ShowUnit returns the unit with code valid on day on (today when on is
// zero), with its parent chain, predecessors and successors. When no unit
// has the code that day the error is ENotFound and its message says what
// the code was in another period and what succeeded it.
func (a *App) ShowUnit(ctx context.Context, code string, on kc.Date) (kc.UnitDetail, error) {
	code, err := ParseUnitCode(code)
	if err != nil {
		return kc.UnitDetail{}, err
	}
	if on.IsZero() {
		on = a.unitToday()
	}
	u, err := a.Store.FindUnit(ctx, code, on)
	if kc.ErrorCode(err) == kc.ENotFound {
		return kc.UnitDetail{}, a.unitAbsent(ctx, code, on)
	}
	if err != nil {
		return kc.UnitDetail{}, err
	}
	return a.Store.UnitDetail(ctx, u.ID)
}

// UnitDetail returns the unit with id and its links, or ENotFound.
func (a *App) UnitDetail(ctx context.Context, id int64) (kc.UnitDetail, error) {
	return a.Store.UnitDetail(ctx, id)
}

// unitAbsent builds the not-found error for a code on a day: the last
// period that ended before the day and its successors, or the first period
// that starts after it, or nothing at all.
func (a *App) unitAbsent(ctx context.Context, code string, on kc.Date) error {
	hist, err := a.Store.UnitHistory(ctx, code)
	if err != nil {
		return err
	}
	day := vi.FormatDay(on.Time())
	var before, after *kc.Unit
	for i := range hist {
		u := &hist[i]
		if !u.ValidTo.IsZero() && u.ValidTo.Before(on) && (before == nil || u.ValidTo.After(before.ValidTo)) {
			before = u
		}
		if u.ValidFrom.After(on) && (after == nil || u.ValidFrom.Before(after.ValidFrom)) {
			after = u
		}
	}
	switch {
	case before != nil:
		d, err := a.Store.UnitDetail(ctx, before.ID)
		if err != nil {
			return err
		}
		was := UnitLabel(d)
		until := vi.FormatDay(before.ValidTo.Time())
		if len(d.Successors) == 0 {
			return kc.Errorf(kc.ENotFound, "unit.gone", code, day, was, until)
		}
		return kc.Errorf(kc.ENotFound, "unit.gone_to", code, day, was, until, UnitLinksText(locale.Default, d.Successors))
	case after != nil:
		d, err := a.Store.UnitDetail(ctx, after.ID)
		if err != nil {
			return err
		}
		return kc.Errorf(kc.ENotFound, "unit.not_yet", code, day, UnitLabel(d), vi.FormatDay(after.ValidFrom.Time()))
	}
	return kc.Errorf(kc.ENotFound, "unit.not_found", code, day)
}

// UnitLabel names a unit with its parent chain: "Xã Ba Nang (Huyện
// Đakrông, Tỉnh Quảng Trị)".
func UnitLabel(d kc.UnitDetail) string {
	if len(d.Parents) == 0 {
		return d.Unit.Name
	}
	names := make([]string, len(d.Parents))
	for i, p := range d.Parents {
		names[i] = p.Name
	}
	return d.Unit.Name + " (" + strings.Join(names, ", ") + ")"
}

// UnitLinksText lists succession links in one line: "Xã Đakrông (19564)
// từ 01/07/2025", with the partial ones marked.
func UnitLinksText(lang string, ls []kc.UnitLink) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		key := "unit.link_full"
		if l.Scope == kc.SuccessionPartial {
			key = "unit.link_partial"
		}
		parts[i] = locale.T(lang, key, l.Unit.Name, l.Unit.Code, vi.FormatDay(l.Effective.Time()))
	}
	return strings.Join(parts, "; ")
}

// UnitRow is a unit in a list, with its parent for display.
type UnitRow struct {
	Unit   kc.Unit
	Parent kc.Unit // zero for provinces
}

// SearchUnits returns one page of units matching f and the number of all
// matches. Query is matched on the folded name (marks, đ, case and spaces
// ignored) or, when all digits, as a code prefix; On keeps units valid that
// day. Units are public reference data, so no scope applies.
func (a *App) SearchUnits(ctx context.Context, f kc.UnitFilter) ([]UnitRow, int, error) {
	f.Query = vi.NFC(f.Query)
	if len([]rune(f.Query)) > 100 {
		return nil, 0, kc.FieldError("q", "unit.query_too_long", 100)
	}
	switch f.Level {
	case "", kc.LevelProvince, kc.LevelDistrict, kc.LevelCommune:
	default:
		return nil, 0, kc.FieldError("level", "unit.bad_level", f.Level)
	}
	if f.Limit <= 0 {
		f.Limit = UnitPageSize
	}
	if f.Limit > UnitPageSizeMax {
		f.Limit = UnitPageSizeMax
	}
	f.Offset = max(f.Offset, 0)
	units, total, err := a.Store.ListUnits(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	var pids []int64
	seen := map[int64]bool{}
	for _, u := range units {
		if u.ParentID != 0 && !seen[u.ParentID] {
			seen[u.ParentID] = true
			pids = append(pids, u.ParentID)
		}
	}
	parents, err := a.Store.UnitsByIDs(ctx, pids)
	if err != nil {
		return nil, 0, err
	}
	byID := make(map[int64]kc.Unit, len(parents))
	for _, p := range parents {
		byID[p.ID] = p
	}
	rows := make([]UnitRow, len(units))
	for i, u := range units {
		rows[i] = UnitRow{Unit: u, Parent: byID[u.ParentID]}
	}
	return rows, total, nil
}

// UnitHistory returns every unit that has carried code, oldest first, so
// screens can show what a reused or closed code meant in each period.
func (a *App) UnitHistory(ctx context.Context, code string) ([]kc.Unit, error) {
	code, err := ParseUnitCode(code)
	if err != nil {
		return nil, err
	}
	return a.Store.UnitHistory(ctx, code)
}

// UnitsByIDs returns the units with the given ids in that order, leaving
// out unknown ids; a cheap way for screens to name many units at once.
func (a *App) UnitsByIDs(ctx context.Context, ids []int64) ([]kc.Unit, error) {
	return a.Store.UnitsByIDs(ctx, ids)
}
