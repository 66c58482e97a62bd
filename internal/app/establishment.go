package app

import (
	"context"
	"slices"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Limits of the editable establishment fields, in characters.
const (
	maxEstablishmentName = 200
	maxVillage           = 200
	maxMainProducts      = 500
	maxNotes             = 4000
)

// establishmentAudit is what the audit log keeps of an establishment:
// every registry field except personal data (phone, personal ID), which
// the log must not hold in clear text.
type establishmentAudit struct {
	Kind, SizeClass, Name      string
	CommuneID                  int64
	Village, OwnerName         string
	MainProducts, Notes        string
	TraditionalCraft           bool
	CraftVillage               bool
	WomenOwned, EthnicMinority bool
	TradeIDs                   []int64
	Version                    int
}

func auditEstablishment(e kc.Establishment) establishmentAudit {
	return establishmentAudit{Kind: e.Kind, SizeClass: e.SizeClass, Name: e.Name, CommuneID: e.CommuneID, Village: e.Village, OwnerName: e.OwnerName,
		MainProducts: e.MainProducts, Notes: e.Notes, TraditionalCraft: e.TraditionalCraft, CraftVillage: e.CraftVillage, WomenOwned: e.WomenOwned,
		EthnicMinority: e.EthnicMinorityOwned, TradeIDs: e.TradeIDs, Version: e.Version}
}

// notFound is the answer for records outside the caller's scope, so that a
// caller cannot tell them from records that do not exist.
func notFound() error { return kc.Errorf(kc.ENotFound, "error.not_found") }

// GetEstablishment returns one establishment in the caller's scope;
// outside the scope it answers ENotFound, never forbidden, so that the
// existence of other communes' records does not leak.
func (a *App) GetEstablishment(ctx context.Context, id int64) (kc.Establishment, error) {
	p, err := principal(ctx)
	if err != nil {
		return kc.Establishment{}, err
	}
	e, err := a.Store.GetEstablishment(ctx, id)
	if err != nil {
		return kc.Establishment{}, err
	}
	if !p.InScope(e.CommuneID) {
		return kc.Establishment{}, notFound()
	}
	return e, nil
}

// validateEstablishmentUpdate normalises upd in place and returns every
// field error at once.
func validateEstablishmentUpdate(upd *kc.EstablishmentUpdate) error {
	var errs kc.Errors
	text := func(field string, v **string, max int, required bool) {
		if *v == nil {
			return
		}
		s := vi.NFC(**v)
		if field == "notes" {
			s = strings.TrimSpace(vi.NFC(strings.ReplaceAll(**v, "\r\n", "\n")))
		}
		*v = &s
		switch {
		case required && s == "":
			errs = append(errs, kc.FieldError(field, "field.required"))
		case len([]rune(s)) > max:
			errs = append(errs, kc.FieldError(field, "field.too_long", max))
		}
	}
	text("name", &upd.Name, maxEstablishmentName, true)
	text("village", &upd.Village, maxVillage, false)
	text("main_products", &upd.MainProducts, maxMainProducts, false)
	text("notes", &upd.Notes, maxNotes, false)
	if upd.Kind != nil && !slices.Contains(kc.EstablishmentKinds, *upd.Kind) {
		errs = append(errs, kc.FieldError("kind", "field.invalid_choice", *upd.Kind))
	}
	if upd.Version < 0 {
		errs = append(errs, kc.FieldError("version", "field.invalid_choice", upd.Version))
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errs.Err()
}

// UpdateEstablishment changes editable fields of an establishment in the
// caller's scope and writes an audit entry with the values before and
// after, in one transaction. Outside the scope it answers ENotFound; a
// role that may not write gets EForbidden; bad input gets field errors;
// a stale upd.Version gets EConflict.
func (a *App) UpdateEstablishment(ctx context.Context, id int64, upd kc.EstablishmentUpdate) (kc.Establishment, error) {
	p, err := principal(ctx)
	if err != nil {
		return kc.Establishment{}, err
	}
	var after kc.Establishment
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.GetEstablishment(ctx, id)
		if err != nil {
			return err
		}
		// Scope first: a caller who may not see the record learns nothing,
		// not even that it exists and is read-only to them.
		if !p.InScope(before.CommuneID) {
			return notFound()
		}
		if !p.CanWrite() {
			return kc.Errorf(kc.EForbidden, "error.forbidden")
		}
		if err := validateEstablishmentUpdate(&upd); err != nil {
			return err
		}
		if after, err = tx.UpdateEstablishment(ctx, id, upd); err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionUpdate, "establishment", id, auditEstablishment(before), auditEstablishment(after))
	})
	if err != nil {
		return kc.Establishment{}, err
	}
	return after, nil
}

// ListEstablishments lists establishments in the caller's scope, whatever
// communes the filter asks for: a filter on communes is narrowed to the
// scope, never widened.
func (a *App) ListEstablishments(ctx context.Context, f kc.EstablishmentFilter) ([]kc.Establishment, int, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, 0, err
	}
	scope := p.ScopeFilter()
	switch {
	case scope == nil:
	case f.CommuneIDs == nil:
		f.CommuneIDs = scope
	default:
		var in []int64
		for _, c := range f.CommuneIDs {
			if p.InScope(c) {
				in = append(in, c)
			}
		}
		f.CommuneIDs = append([]int64{}, in...)
	}
	f.Query = vi.NFC(f.Query)
	return a.Store.ListEstablishments(ctx, f)
}
