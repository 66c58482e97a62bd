package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"khuyencong/internal/demo"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
)

// Stats counts what GenerateScale loaded.
type Stats struct {
	Scale          string
	Seed           int64
	Establishments int
	Facts          int
	Projects       int
	Sessions       int
	Rows           int // table rows written, trades, funding lines, events … included
}

// Batch sizes of the scale loads (establishments per transaction).
const (
	provinceBatch = 5_000
	nationalBatch = 10_000
)

// GenerateScale loads a demo dataset of the given scale (district,
// province or national) generated from seed into an empty registry, with
// the reference catalogue and the demo accounts, and records the demo
// marker. Units must already be loaded (Bootstrap does it). progress, when
// set, is called after each batch with the establishments written so far
// and the total. Generation and writing overlap: the next batch is
// generated while the previous one is written, and at most two batches are
// held in memory whatever the scale.
func (a *App) GenerateScale(ctx context.Context, scale string, seed int64, progress func(done, total int)) (Stats, error) {
	st := Stats{Scale: scale, Seed: seed}
	if !slices.Contains(demo.Scales, scale) {
		return st, kc.Errorf(kc.EInvalid, "demo.unknown_scale", scale)
	}
	_, n, err := a.demoState(ctx)
	if err != nil {
		return st, err
	}
	if n > 0 {
		return st, kc.Errorf(kc.EInvalid, "demo.not_empty", n, scale)
	}
	if err := a.EnsureReference(ctx); err != nil {
		return st, err
	}
	conv, err := a.newConverter(ctx)
	if err != nil {
		return st, err
	}
	today := a.today()
	var opts demo.ScaleOptions
	switch scale {
	case demo.ScaleDistrict:
		units, err := a.districtUnits(ctx)
		if err != nil {
			return st, err
		}
		b, err := demo.District(seed, today, units)
		if err != nil {
			return st, err
		}
		if err := a.loadBatches(ctx, conv, &st, len(b.Establishments), progress, func(fn func(*demo.Batch) error) error { return fn(b) }); err != nil {
			return st, err
		}
		if err := a.loadCertificates(ctx, conv, b); err != nil {
			return st, err
		}
	case demo.ScaleProvince, demo.ScaleNational:
		opts = demo.ScaleOptions{Seed: seed, Today: today, Establishments: demo.NationalEstablishments, BatchSize: nationalBatch, CodePrefix: "QG"}
		var provinceID int64
		if scale == demo.ScaleProvince {
			prov, err := a.Store.FindUnit(ctx, "44", kc.ReformDate)
			if err != nil {
				if kc.ErrorCode(err) == kc.ENotFound {
					return st, kc.Errorf(kc.EInvalid, "demo.units_missing", "44@"+kc.ReformDate.String())
				}
				return st, err
			}
			provinceID = prov.ID
			opts.Establishments, opts.BatchSize, opts.CodePrefix = demo.ProvinceEstablishments, provinceBatch, "QT"
		}
		communes, err := a.Store.ScaleCommunes(ctx, provinceID)
		if err != nil {
			return st, err
		}
		if len(communes) == 0 {
			return st, kc.Errorf(kc.EInvalid, "demo.units_missing", "communes")
		}
		for _, c := range communes {
			opts.Communes = append(opts.Communes, demo.Commune{ID: c.ID, Code: c.Code, Name: c.Name, Former: c.Former})
		}
		if err := a.loadBatches(ctx, conv, &st, opts.Establishments, progress, func(fn func(*demo.Batch) error) error { return demo.Stream(opts, fn) }); err != nil {
			return st, err
		}
	}
	if err := a.Store.FinishBulk(ctx); err != nil {
		return st, err
	}
	if err := a.ensureDemoAccounts(ctx); err != nil {
		return st, err
	}
	// The annual plans and the council's scores name the council member's
	// account, so they load once the accounts exist.
	if err := a.ensureDemoPlans(ctx); err != nil {
		return st, err
	}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetSetting(ctx, demoMarker, scale+":"+strconv.FormatInt(seed, 10)); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionImport, "demo", 0, nil, st)
	})
	return st, err
}

// loadCertificates writes the certificates of the generated
// establishments (the district demo's typical-product and OCOP ones) in
// one transaction.
func (a *App) loadCertificates(ctx context.Context, conv *converter, b *demo.Batch) error {
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		for _, e := range b.Establishments {
			for _, c := range e.Certificates {
				c.EstablishmentID += conv.estBase
				if _, err := tx.CreateCertificate(ctx, c); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// loadBatches runs the generator gen on one goroutine, converting and
// preparing each batch there, and writes the prepared batches on the
// calling goroutine, one transaction each.
func (a *App) loadBatches(ctx context.Context, conv *converter, st *Stats, total int, progress func(done, total int), gen func(func(*demo.Batch) error) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type item struct {
		pb   *store.PreparedBatch
		rows int
		b    demo.Stats
	}
	ch := make(chan item, 1)
	genErr := make(chan error, 1)
	go func() {
		defer close(ch)
		genErr <- gen(func(b *demo.Batch) error {
			bb, err := conv.convert(b)
			if err != nil {
				return err
			}
			var s demo.Stats
			s.Add(b)
			it := item{pb: a.Store.PrepareBulk(bb), rows: bb.Rows(), b: s}
			select {
			case ch <- it:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	for it := range ch {
		if err := a.Store.LoadPrepared(ctx, it.pb); err != nil {
			cancel()
			for range ch {
			}
			<-genErr
			return err
		}
		st.Establishments += it.b.Establishments
		st.Facts += it.b.Facts
		st.Projects += it.b.Projects
		st.Sessions += it.b.Sessions
		st.Rows += it.rows
		if progress != nil {
			progress(st.Establishments, total)
		}
	}
	return <-genErr
}

// converter maps a generated dataset onto database ids: sequence numbers
// to ids after the current maximum, trade and scheme codes to rows of the
// catalogue.
type converter struct {
	estBase, projBase int64
	trades            map[string]int64
	schemes           map[string][]kc.Scheme
	outreach          outreachConverter
}

func (a *App) newConverter(ctx context.Context) (*converter, error) {
	est, proj, err := a.Store.NextIDs(ctx)
	if err != nil {
		return nil, err
	}
	c := &converter{estBase: est - 1, projBase: proj - 1, trades: map[string]int64{}, schemes: map[string][]kc.Scheme{}}
	if c.outreach, err = a.newOutreachConverter(ctx); err != nil {
		return nil, err
	}
	trades, err := a.Store.ListTrades(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range trades {
		c.trades[t.Code] = t.ID
	}
	schemes, err := a.Store.ListSchemes(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range schemes {
		c.schemes[s.Code] = append(c.schemes[s.Code], s)
	}
	return c, nil
}

// scheme returns the id of the version of scheme code in force on day d.
func (c *converter) scheme(code string, d kc.Date) (int64, error) {
	versions := c.schemes[code]
	for _, s := range versions {
		if !d.Before(s.EffectiveFrom) && (s.EffectiveTo.IsZero() || !d.After(s.EffectiveTo)) {
			return s.ID, nil
		}
	}
	if len(versions) > 0 && d.Before(versions[0].EffectiveFrom) {
		return versions[0].ID, nil // before the first recorded version: the oldest
	}
	return 0, fmt.Errorf("app: no version of scheme %s in force on %s", code, d)
}

func (c *converter) convert(b *demo.Batch) (*store.BulkBatch, error) {
	out := &store.BulkBatch{Establishments: make([]store.BulkEstablishment, len(b.Establishments)), Sessions: b.Sessions}
	for i, e := range b.Establishments {
		be := store.BulkEstablishment{Establishment: e.Establishment, Facts: e.Facts}
		be.ID += c.estBase
		for _, code := range e.TradeCodes {
			id, ok := c.trades[code]
			if !ok {
				return nil, fmt.Errorf("app: demo trade %s not in the catalogue", code)
			}
			be.TradeIDs = append(be.TradeIDs, id)
		}
		be.Facts = slices.Clone(e.Facts)
		for j := range be.Facts {
			be.Facts[j].EstablishmentID += c.estBase
		}
		out.Establishments[i] = be
	}
	for _, p := range b.Projects {
		q := p.Project
		q.ID += c.projBase
		q.Beneficiaries = make([]int64, len(p.Beneficiaries))
		for j, e := range p.Beneficiaries {
			q.Beneficiaries[j] = e + c.estBase
		}
		day := q.DecidedOn
		if day.IsZero() {
			day = q.RegisteredOn
		}
		if day.IsZero() {
			day = kc.NewDate(q.Year, 1, 1)
		}
		id, err := c.scheme(p.SchemeCode, day)
		if err != nil {
			return nil, err
		}
		q.SchemeID = id
		out.Projects = append(out.Projects, q)
	}
	if err := c.convertOutreach(b, out); err != nil {
		return nil, err
	}
	return out, nil
}
