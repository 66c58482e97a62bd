package app

import (
	"context"
	"slices"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// Trades returns the trade catalogue in Vietnamese name order, for the
// choices of the registry's forms and filters. The catalogue is reference
// data: any signed-in caller may read it.
func (a *App) Trades(ctx context.Context) ([]kc.Trade, error) {
	if _, err := principal(ctx); err != nil {
		return nil, err
	}
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
