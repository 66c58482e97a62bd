package app

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/report"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// addReportFunnel adds the table "Kết quả tuyên truyền" to ds: the
// outreach funnel of the years from … to per commune as it was at the
// time (the unit a session or project was filed under; self-checks and
// need requests are filed under current communes), placed after the
// outreach table. Nothing is added when every step is 0.
func (a *App) addReportFunnel(ctx context.Context, ds *report.Dataset, t reportTarget, from, to int) error {
	rows, err := a.Store.OutreachFunnel(ctx, store.FunnelScope{Communes: t.setIDs(), From: kc.NewDate(from, 1, 1), To: kc.NewDate(to, 12, 31)})
	if err != nil || len(rows) == 0 {
		return err
	}
	names := map[int64]kc.Unit{}
	for _, u := range t.set {
		names[u.ID] = u.Unit
	}
	var missing []int64
	for _, r := range rows {
		if _, ok := names[r.CommuneID]; !ok {
			missing = append(missing, r.CommuneID)
		}
	}
	if len(missing) > 0 {
		us, err := a.Store.UnitsByIDs(ctx, missing)
		if err != nil {
			return err
		}
		for _, u := range us {
			names[u.ID] = u
		}
	}
	unitOf := func(id int64) kc.Unit {
		if u, ok := names[id]; ok {
			return u
		}
		return kc.Unit{ID: id, Name: strconv.FormatInt(id, 10)}
	}
	slices.SortStableFunc(rows, func(x, y store.FunnelRow) int {
		ux, uy := unitOf(x.CommuneID), unitOf(y.CommuneID)
		return cmp.Or(vi.Compare(ux.Name, uy.Name), strings.Compare(ux.Code, uy.Code), cmp.Compare(ux.ID, uy.ID))
	})
	cols := []report.Column{repCol("commune_at_time", report.Text, 3)}
	for _, k := range FunnelStepKeys {
		cols = append(cols, report.Column{Title: tv("funnel.short." + k), Kind: report.Count, Width: 1})
	}
	var cells [][]report.Cell
	var total FunnelFigures
	for _, r := range rows {
		u := unitOf(r.CommuneID)
		f := FunnelFigures(r.FunnelCounts)
		total.add(f)
		cells = append(cells, append([]report.Cell{repText(repAtTime(u.Name, !u.Current() && u.Code != ""))}, funnelCells(f)...))
	}
	tb := report.Table{Sheet: tv("funnel.report.sheet"), Caption: tv("funnel.report.caption"), Columns: cols, Rows: cells,
		Total: append([]report.Cell{repText(tv("report.total"))}, funnelCells(total)...), Note: tv("funnel.report.note")}
	at := len(ds.Tables)
	for i, x := range ds.Tables {
		if x.Sheet == repSheet("outreach") {
			at = i + 1
		}
	}
	ds.Tables = slices.Insert(ds.Tables, at, tb)
	return nil
}

// funnelCells are the steps of f as count cells.
func funnelCells(f FunnelFigures) []report.Cell {
	var out []report.Cell
	for _, st := range f.Steps() {
		out = append(out, repNum(st.N))
	}
	return out
}
