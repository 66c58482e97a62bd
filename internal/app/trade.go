package app

import (
	"context"
	"slices"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Trades returns the trade catalogue in Vietnamese name order, for the
// choices of the registry's forms and filters and of the public
// self-check. The catalogue is public reference data: no sign-in needed.
func (a *App) Trades(ctx context.Context) ([]kc.Trade, error) {
	trades, err := a.Store.ListTrades(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(trades, func(x, y kc.Trade) int {
		if c := vi.Compare(x.Name, y.Name); c != 0 {
			return c
		}
		return strings.Compare(x.Code, y.Code)
	})
	return trades, nil
}

// ContentArea is a content area of khuyến công (NĐ 45/2012 Art. 4 and
// those NĐ 235/2025 added), as the catalogue holds it.
type ContentArea = store.ContentArea

// ContentAreas returns the content-area catalogue in its order: public
// reference data, like the trades.
func (a *App) ContentAreas(ctx context.Context) ([]ContentArea, error) {
	return a.Store.ListContentAreas(ctx)
}
