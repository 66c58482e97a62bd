package app

import (
	"context"
	"slices"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Fact sources an establishment's yearly facts may come from.
var factSources = []string{"survey", "import", "follow_up", "demo"}

// scopedEstablishment reads establishment id inside tx and checks that it
// is in the caller's scope (ENotFound otherwise) and, for write, that the
// role may change the registry (EForbidden otherwise).
func scopedEstablishment(ctx context.Context, tx *store.Tx, p *Principal, id int64, write bool) (kc.Establishment, error) {
	e, err := tx.GetEstablishment(ctx, id)
	if err != nil {
		return e, err
	}
	if !p.InScope(e.CommuneID) {
		return e, notFound()
	}
	if write && !p.CanWrite() {
		return e, forbidden()
	}
	return e, nil
}

// readScoped runs fn in a read transaction after checking that
// establishment id is in the caller's scope.
func (a *App) readScoped(ctx context.Context, id int64, fn func(tx *store.Tx) error) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	return a.Store.View(ctx, func(tx *store.Tx) error {
		if _, err := scopedEstablishment(ctx, tx, p, id, false); err != nil {
			return err
		}
		return fn(tx)
	})
}

// writeScoped runs fn in a write transaction after checking that
// establishment id is in the caller's scope and the role may write.
func (a *App) writeScoped(ctx context.Context, id int64, fn func(tx *store.Tx) error) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := scopedEstablishment(ctx, tx, p, id, true); err != nil {
			return err
		}
		return fn(tx)
	})
}

// ListFacts returns the yearly facts of an establishment in the caller's
// scope, oldest first.
func (a *App) ListFacts(ctx context.Context, id int64) ([]kc.EstablishmentFact, error) {
	var out []kc.EstablishmentFact
	err := a.readScoped(ctx, id, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListFacts(ctx, id)
		return err
	})
	return out, err
}

// GetFact returns the facts of one year of an establishment in the
// caller's scope, or ENotFound.
func (a *App) GetFact(ctx context.Context, id int64, year int) (kc.EstablishmentFact, error) {
	var out kc.EstablishmentFact
	err := a.readScoped(ctx, id, func(tx *store.Tx) error {
		var err error
		out, err = tx.GetFact(ctx, id, year)
		return err
	})
	return out, err
}

// validateFact checks one year of facts field by field.
func validateFact(f *kc.EstablishmentFact, thisYear int) error {
	var errs kc.Errors
	if f.Year < minFoundedYear || f.Year > thisYear {
		errs = append(errs, kc.FieldError("year", "est.year_range", minFoundedYear, thisYear))
	}
	for _, n := range []struct {
		field string
		v     int64
	}{{"workers", int64(f.Workers)}, {"women_workers", int64(f.WomenWorkers)}, {"ethnic_minority_workers", int64(f.EthnicMinorityWorkers)},
		{"revenue", f.Revenue}, {"capital", f.Capital}, {"avg_income", f.AvgIncome}} {
		if n.v < 0 {
			errs = append(errs, kc.FieldError(n.field, "est.negative"))
		}
	}
	if f.WomenWorkers > f.Workers && f.WomenWorkers >= 0 && f.Workers >= 0 {
		errs = append(errs, kc.FieldError("women_workers", "est.more_than_workers", f.Workers))
	}
	if f.EthnicMinorityWorkers > f.Workers && f.EthnicMinorityWorkers >= 0 && f.Workers >= 0 {
		errs = append(errs, kc.FieldError("ethnic_minority_workers", "est.more_than_workers", f.Workers))
	}
	if f.Source == "" {
		f.Source = "survey"
	}
	if !slices.Contains(factSources, f.Source) {
		errs = append(errs, kc.FieldError("source", "field.invalid_choice", f.Source))
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errs.Err()
}

// PutFact writes the facts of one year of an establishment in the
// caller's scope (replacing that year's row if any), keeps the latest-year
// summary and dashboard counts in step, and audits the change.
func (a *App) PutFact(ctx context.Context, f kc.EstablishmentFact) (kc.EstablishmentFact, error) {
	if _, err := principal(ctx); err != nil {
		return f, err
	}
	err := a.writeScoped(ctx, f.EstablishmentID, func(tx *store.Tx) error {
		if err := validateFact(&f, a.Now().Year()); err != nil {
			return err
		}
		action := kc.ActionUpdate
		var before any
		old, err := tx.GetFact(ctx, f.EstablishmentID, f.Year)
		switch kc.ErrorCode(err) {
		case "":
			before = old
		case kc.ENotFound:
			action = kc.ActionCreate
		default:
			return err
		}
		if err := tx.UpsertFact(ctx, f); err != nil {
			return err
		}
		return a.audit(ctx, tx, action, "establishment_fact", f.EstablishmentID, before, f)
	})
	return f, err
}

// DeleteFact removes the facts of one year of an establishment in the
// caller's scope (ENotFound when there are none) and audits it.
func (a *App) DeleteFact(ctx context.Context, id int64, year int) error {
	return a.writeScoped(ctx, id, func(tx *store.Tx) error {
		old, err := tx.GetFact(ctx, id, year)
		if err != nil {
			return err
		}
		if err := tx.DeleteFact(ctx, id, year); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionDelete, "establishment_fact", id, old, nil)
	})
}

// ListCertificates returns the certificates of an establishment in scope.
func (a *App) ListCertificates(ctx context.Context, id int64) ([]kc.Certificate, error) {
	if err := a.readScoped(ctx, id, func(*store.Tx) error { return nil }); err != nil {
		return nil, err
	}
	return a.Store.ListCertificates(ctx, id)
}

// AddCertificate records a certificate (typical product at a level, or
// OCOP with 3 to 5 stars) of an establishment in scope, audited.
func (a *App) AddCertificate(ctx context.Context, c kc.Certificate) (kc.Certificate, error) {
	var errs kc.Errors
	c.Product, c.Number, c.Level = vi.NFC(c.Product), vi.NFC(c.Number), strings.TrimSpace(c.Level)
	switch c.Kind {
	case kc.CertOCOP:
		if c.Stars < 3 || c.Stars > 5 {
			errs = append(errs, kc.FieldError("stars", "est.ocop_stars"))
		}
	case kc.CertTypicalProduct:
		if !slices.Contains([]string{"district", "province", "region", "national"}, c.Level) {
			errs = append(errs, kc.FieldError("level", "field.invalid_choice", c.Level))
		}
		if c.Stars != 0 {
			errs = append(errs, kc.FieldError("stars", "est.stars_ocop_only"))
		}
	default:
		errs = append(errs, kc.FieldError("kind", "field.invalid_choice", c.Kind))
	}
	if c.Year < 2000 || c.Year > a.Now().Year() {
		errs = append(errs, kc.FieldError("year", "est.year_range", 2000, a.Now().Year()))
	}
	if len([]rune(c.Product)) > maxMainProducts {
		errs = append(errs, kc.FieldError("product", "field.too_long", maxMainProducts))
	}
	if err := errs.Err(); err != nil {
		return c, err
	}
	err := a.writeScoped(ctx, c.EstablishmentID, func(tx *store.Tx) error {
		var err error
		if c, err = tx.CreateCertificate(ctx, c); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionCreate, "certificate", c.ID, nil, c)
	})
	return c, err
}

// DeleteCertificate removes a certificate of an establishment in scope.
func (a *App) DeleteCertificate(ctx context.Context, establishmentID, id int64) error {
	return a.writeScoped(ctx, establishmentID, func(tx *store.Tx) error {
		if err := tx.DeleteCertificate(ctx, establishmentID, id); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionDelete, "certificate", id, map[string]int64{"establishment": establishmentID}, nil)
	})
}

// ListLicences returns the licences of an establishment in scope.
func (a *App) ListLicences(ctx context.Context, id int64) ([]kc.Licence, error) {
	if err := a.readScoped(ctx, id, func(*store.Tx) error { return nil }); err != nil {
		return nil, err
	}
	return a.Store.ListLicences(ctx, id)
}

// AddLicence records a licence (such as a craft liquor production
// licence) of an establishment in scope, audited.
func (a *App) AddLicence(ctx context.Context, l kc.Licence) (kc.Licence, error) {
	var errs kc.Errors
	l.Kind, l.Number, l.Issuer = vi.NFC(l.Kind), vi.NFC(l.Number), vi.NFC(l.Issuer)
	switch {
	case l.Kind == "":
		errs = append(errs, kc.FieldError("kind", "field.required"))
	case len([]rune(l.Kind)) > maxOwnerName:
		errs = append(errs, kc.FieldError("kind", "field.too_long", maxOwnerName))
	}
	if len([]rune(l.Number)) > maxRegistrationNo {
		errs = append(errs, kc.FieldError("number", "field.too_long", maxRegistrationNo))
	}
	if len([]rune(l.Issuer)) > maxOwnerName {
		errs = append(errs, kc.FieldError("issuer", "field.too_long", maxOwnerName))
	}
	if !l.IssuedOn.IsZero() && !l.ValidUntil.IsZero() && l.ValidUntil.Before(l.IssuedOn) {
		errs = append(errs, kc.FieldError("valid_until", "est.valid_before_issued"))
	}
	if err := errs.Err(); err != nil {
		return l, err
	}
	err := a.writeScoped(ctx, l.EstablishmentID, func(tx *store.Tx) error {
		var err error
		if l, err = tx.CreateLicence(ctx, l); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionCreate, "licence", l.ID, nil, l)
	})
	return l, err
}

// DeleteLicence removes a licence of an establishment in scope.
func (a *App) DeleteLicence(ctx context.Context, establishmentID, id int64) error {
	return a.writeScoped(ctx, establishmentID, func(tx *store.Tx) error {
		if err := tx.DeleteLicence(ctx, establishmentID, id); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionDelete, "licence", id, map[string]int64{"establishment": establishmentID}, nil)
	})
}

// ListArtisans returns the artisans of an establishment in scope.
func (a *App) ListArtisans(ctx context.Context, id int64) ([]kc.ArtisanRecord, error) {
	if err := a.readScoped(ctx, id, func(*store.Tx) error { return nil }); err != nil {
		return nil, err
	}
	return a.Store.ListArtisans(ctx, id)
}

// AddArtisan records an artisan (folk, meritorious or people's artisan)
// of an establishment in scope, audited.
func (a *App) AddArtisan(ctx context.Context, r kc.ArtisanRecord) (kc.ArtisanRecord, error) {
	var errs kc.Errors
	r.Name = vi.NFC(r.Name)
	switch {
	case r.Name == "":
		errs = append(errs, kc.FieldError("name", "field.required"))
	case len([]rune(r.Name)) > maxOwnerName:
		errs = append(errs, kc.FieldError("name", "field.too_long", maxOwnerName))
	}
	if !slices.Contains([]string{kc.ArtisanFolk, kc.ArtisanMeritorious, "people"}, r.Title) {
		errs = append(errs, kc.FieldError("title", "field.invalid_choice", r.Title))
	}
	if r.RecognisedYear != 0 && (r.RecognisedYear < minBirthYear || r.RecognisedYear > a.Now().Year()) {
		errs = append(errs, kc.FieldError("recognised_year", "est.year_range", minBirthYear, a.Now().Year()))
	}
	if err := errs.Err(); err != nil {
		return r, err
	}
	err := a.writeScoped(ctx, r.EstablishmentID, func(tx *store.Tx) error {
		var err error
		if r, err = tx.CreateArtisan(ctx, r); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionCreate, "artisan", r.ID, nil, r)
	})
	return r, err
}

// DeleteArtisan removes an artisan of an establishment in scope.
func (a *App) DeleteArtisan(ctx context.Context, establishmentID, id int64) error {
	return a.writeScoped(ctx, establishmentID, func(tx *store.Tx) error {
		if err := tx.DeleteArtisan(ctx, establishmentID, id); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionDelete, "artisan", id, map[string]int64{"establishment": establishmentID}, nil)
	})
}
