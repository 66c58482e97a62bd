package app

import (
	"bytes"
	"context"
	"slices"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// ScopeCommunes returns the communes in force in the caller's scope in
// Vietnamese name order: the choices of an establishment's commune and of
// the registry's unit filter. An administrator gets every current commune.
func (a *App) ScopeCommunes(ctx context.Context) ([]kc.Unit, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	var communes []kc.Unit
	if p.All {
		communes, err = a.Store.CurrentCommunes(ctx, a.unitToday())
	} else {
		communes, err = a.Store.UnitsByIDs(ctx, p.Communes)
	}
	if err != nil {
		return nil, err
	}
	sortUnits(communes)
	return communes, nil
}

// ScopeUnits returns the units the caller's scope is made of (a province,
// communes, or former units meaning their successor area), or for an
// administrator the provinces in force, in Vietnamese name order: the
// wider choices of the registry's unit filter.
func (a *App) ScopeUnits(ctx context.Context) ([]kc.Unit, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	var units []kc.Unit
	if p.All {
		units, _, err = a.Store.ListUnits(ctx, kc.UnitFilter{Level: kc.LevelProvince, On: a.unitToday(), Limit: UnitPageSizeMax})
	} else {
		units, err = a.Store.UnitsByIDs(ctx, p.Units)
	}
	if err != nil {
		return nil, err
	}
	sortUnits(units)
	return units, nil
}

// sortUnits orders units by name in Vietnamese order, then by code; the
// collation keys are computed once per unit, not once per comparison.
func sortUnits(units []kc.Unit) {
	keys := make(map[int64][]byte, len(units))
	for _, u := range units {
		keys[u.ID] = vi.SortKey(u.Name)
	}
	slices.SortStableFunc(units, func(x, y kc.Unit) int {
		if c := bytes.Compare(keys[x.ID], keys[y.ID]); c != 0 {
			return c
		}
		return strings.Compare(x.Code, y.Code)
	})
}
