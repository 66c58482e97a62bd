package app

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// Orders of the coverage rows.
const (
	// CoverageByUnreached puts first the rows with the most likely
	// eligible producers not reached in the last 12 months.
	CoverageByUnreached = "unreached"
	// CoverageByName orders the rows by name in Vietnamese order.
	CoverageByName = "name"
)

// CoverageRow is one commune or village of the coverage page.
type CoverageRow struct {
	// Code is the commune's code; empty for a village.
	Code string
	// Name is the commune's or the village's name ("" for producers whose
	// village is not recorded).
	Name string
	OutreachFigures
	// Stale marks a last session older than the 12-month window.
	Stale bool
}

// Coverage is the reach of an area at a glance: per commune of a province
// (or of the caller's scope), or per village when the area is one commune.
type Coverage struct {
	UnitCode, UnitName string
	On                 kc.Date
	// Since is the first day of the 12-month window.
	Since kc.Date
	// Commune is set when the area is a single commune: the rows are its
	// villages.
	Commune *OutreachCommune
	Rows    []CoverageRow
	// Empty counts the communes left out of Rows: no establishment
	// registered and no session ever held there.
	Empty int
	Total CoverageRow
	Sort  string // CoverageByUnreached or CoverageByName
	// UpCode and UpName name the province above a single commune, for the
	// link back; UpScope is set instead when the way back is the caller's
	// own scope (no code needed). Neither is set for a commune officer of
	// one commune.
	UpCode, UpName string
	UpScope        bool
}

// OutreachCoverage reads the reach of the unit with code unitCode (empty:
// the caller's scope) on day on (today when zero) through OutreachArea and
// lays it out for the coverage page, rows ordered by sortBy (unknown
// values: CoverageByUnreached). A unit wholly outside the caller's scope
// is EForbidden (OutreachArea refuses it).
func (a *App) OutreachCoverage(ctx context.Context, unitCode string, on kc.Date, sortBy string) (Coverage, error) {
	p, err := principal(ctx)
	if err != nil {
		return Coverage{}, err
	}
	area, err := a.OutreachArea(ctx, unitCode, on)
	if err != nil {
		return Coverage{}, err
	}
	if sortBy != CoverageByName {
		sortBy = CoverageByUnreached
	}
	since := area.On.AddDays(-ReachWindowDays)
	out := Coverage{UnitCode: area.UnitCode, UnitName: area.UnitName, On: area.On, Since: since, Sort: sortBy,
		Total: coverageRow("", area.UnitName, area.Total, since)}
	if len(area.Communes) == 1 {
		c := area.Communes[0]
		out.Commune = &c
		if out.UnitName == "" {
			out.UnitName = c.Name
		}
		for _, v := range area.CommuneVillages(c.ID) {
			out.Rows = append(out.Rows, coverageRow("", v.Village, v.OutreachFigures, since))
		}
		switch {
		case p.All:
			if us, err := a.Store.UnitsByIDs(ctx, []int64{c.ID}); err == nil && len(us) == 1 && us[0].ParentID != 0 {
				if up, err := a.Store.UnitsByIDs(ctx, []int64{us[0].ParentID}); err == nil && len(up) == 1 {
					out.UpCode, out.UpName = up[0].Code, up[0].Name
				}
			}
		case len(p.Communes) > 1:
			out.UpScope = true
		}
	} else {
		for _, c := range area.Communes {
			if c.Producers == 0 && c.LastSession.IsZero() {
				out.Empty++ // nobody registered and nothing held: one line under the table
				continue
			}
			out.Rows = append(out.Rows, coverageRow(c.Code, c.Name, c.OutreachFigures, since))
		}
	}
	sortCoverage(out.Rows, sortBy)
	return out, nil
}

func coverageRow(code, name string, f OutreachFigures, since kc.Date) CoverageRow {
	return CoverageRow{Code: code, Name: name, OutreachFigures: f, Stale: !f.LastSession.IsZero() && f.LastSession.Before(since)}
}

// sortCoverage orders rows by name, or by the likely eligible not reached
// in 12 months, then never reached, then name.
func sortCoverage(rows []CoverageRow, by string) {
	slices.SortStableFunc(rows, func(x, y CoverageRow) int {
		if by == CoverageByUnreached {
			if c := cmp.Or(cmp.Compare(y.LikelyUnreached12, x.LikelyUnreached12), cmp.Compare(y.LikelyNeverReached, x.LikelyNeverReached)); c != 0 {
				return c
			}
		}
		// Unnamed villages last.
		if (x.Name == "") != (y.Name == "") {
			if x.Name == "" {
				return 1
			}
			return -1
		}
		return cmp.Or(vi.Compare(x.Name, y.Name), strings.Compare(x.Code, y.Code))
	})
}
