package app

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// RegistryFilter selects establishments the same way on every surface:
// the list screen, the export, the CLI and GET /api/v1/establishments. It
// holds what the user typed; the app turns it into a store filter.
type RegistryFilter struct {
	// Query is a name search that ignores case, diacritics and đ/Đ.
	Query string `json:"q,omitempty"`
	// UnitCode is a unit code: a current commune, a former commune or
	// district (pre-2025 included) meaning its successor area, or a
	// province.
	UnitCode string `json:"unit,omitempty"`
	// Trade is a trade code of the catalogue ("RUOU") or a trade id.
	Trade string `json:"trade,omitempty"`
	// Kind is one of kc.EstablishmentKinds.
	Kind string `json:"kind,omitempty"`
	// Flags keeps establishments having every flag listed (kc.EstablishmentFlags).
	Flags []string `json:"flags,omitempty"`
}

// RegistryFilterFromQuery reads a filter from query parameters q, unit,
// trade, kind and flag (repeated).
func RegistryFilterFromQuery(q url.Values) RegistryFilter {
	f := RegistryFilter{
		Query:    strings.TrimSpace(q.Get("q")),
		UnitCode: strings.TrimSpace(q.Get("unit")),
		Trade:    strings.TrimSpace(q.Get("trade")),
		Kind:     strings.TrimSpace(q.Get("kind")),
	}
	for _, v := range q["flag"] {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(f.Flags, v) {
			f.Flags = append(f.Flags, v)
		}
	}
	return f
}

// Values is the filter as query parameters (empty ones left out), for
// links that keep it: paging, export, the API.
func (f RegistryFilter) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", f.Query)
	set("unit", f.UnitCode)
	set("trade", f.Trade)
	set("kind", f.Kind)
	for _, fl := range f.Flags {
		v.Add("flag", fl)
	}
	return v
}

// IsZero reports whether the filter selects everything.
func (f RegistryFilter) IsZero() bool {
	return f.Query == "" && f.UnitCode == "" && f.Trade == "" && f.Kind == "" && len(f.Flags) == 0
}

// registryFilter checks filter and turns it into the store filter for p:
// the query in NFC, the kind and flags checked (field errors on "kind"
// and "flag"), the trade resolved (a field error on "trade"), the unit
// code expanded to the current communes it covers (a field error on
// "unit"), all narrowed to p's scope, never widened.
func (a *App) registryFilter(ctx context.Context, p *Principal, filter *RegistryFilter) (kc.EstablishmentFilter, error) {
	filter.Query = strings.TrimSpace(vi.NFC(filter.Query))
	filter.UnitCode = strings.TrimSpace(filter.UnitCode)
	filter.Trade = strings.TrimSpace(filter.Trade)
	f := kc.EstablishmentFilter{Query: filter.Query, Kind: filter.Kind}
	if f.Kind != "" && !slices.Contains(kc.EstablishmentKinds, f.Kind) {
		return f, kc.FieldError("kind", "field.invalid_choice", f.Kind)
	}
	for _, fl := range filter.Flags {
		if !slices.Contains(kc.EstablishmentFlags, fl) {
			return f, kc.FieldError("flag", "field.invalid_choice", fl)
		}
	}
	f.Flags = slices.Clone(filter.Flags)
	if filter.Trade != "" {
		id, err := a.resolveTrade(ctx, filter.Trade)
		if err != nil {
			return f, err
		}
		f.TradeID = id
	}
	if filter.UnitCode != "" {
		ids, err := a.CommunesUnderCode(ctx, filter.UnitCode)
		if err != nil {
			return f, err
		}
		f.CommuneIDs = ids
	}
	f.CommuneIDs = p.Narrow(f.CommuneIDs)
	return f, nil
}

// resolveTrade reads a trade code of the catalogue or a trade id.
func (a *App) resolveTrade(ctx context.Context, s string) (int64, error) {
	trades, err := a.Store.ListTrades(ctx)
	if err != nil {
		return 0, err
	}
	id, _ := strconv.ParseInt(s, 10, 64)
	for _, t := range trades {
		if t.ID == id || strings.EqualFold(t.Code, s) {
			return t.ID, nil
		}
	}
	return 0, kc.FieldError("trade", "est.trade_code_unknown", s)
}

// SearchCountCap is where a name search stops counting: a total above it
// means "more than SearchCountCap" (shown as "hơn 10.000 cơ sở"). Lists
// without a name search are always counted exactly.
const SearchCountCap = 10_000

// SearchEstablishments lists one page of the establishments that filter
// selects in the caller's scope, in Vietnamese name order, with the total
// that match — for a name search, up to SearchCountCap+1 (more than
// SearchCountCap). Like ListEstablishments, the rows carry no phone or
// personal ID and the owner's ethnicity masked.
func (a *App) SearchEstablishments(ctx context.Context, filter RegistryFilter, limit, offset int) ([]kc.Establishment, int, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, 0, err
	}
	if !auth.Can(p.User.Role, auth.PermViewRegistry) {
		return nil, 0, forbidden()
	}
	f, err := a.registryFilter(ctx, p, &filter)
	if err != nil {
		return nil, 0, err
	}
	f.Limit, f.Offset = limit, offset
	if f.Query != "" {
		f.CountCap = SearchCountCap
	}
	list, total, err := a.Store.ListEstablishments(ctx, f)
	for i := range list {
		a.mask(&list[i])
	}
	return list, total, err
}
