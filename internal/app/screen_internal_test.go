package app

import (
	"context"
	"reflect"
	"testing"

	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

// TestScreenRangesAgree screens the district demo read as one id range
// and as many small ranges (the parallel readers of a national screening)
// and expects the same report.
func TestScreenRangesAgree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		a := New(st, nil)
		a.Now = st.Now
		ctx := WithPrincipal(context.Background(), System)
		if err := a.EnsureUnits(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := a.EnsureDemo(ctx); err != nil {
			t.Fatal(err)
		}
		whole, err := a.Screen(ctx, ScreenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		old := screenChunk
		screenChunk = 7
		defer func() { screenChunk = old }()
		split, err := a.Screen(ctx, ScreenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		whole.Took, split.Took = 0, 0
		if whole.Establishments == 0 || len(whole.Schemes) == 0 {
			t.Fatalf("empty screening: %d establishments, %d schemes", whole.Establishments, len(whole.Schemes))
		}
		if !reflect.DeepEqual(whole, split) {
			t.Errorf("screening by small id ranges differs:\n whole %+v\n split %+v", whole.Schemes, split.Schemes)
		}
	})
}
