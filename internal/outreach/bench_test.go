package outreach

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkMake plans a province-sized instance: 900 villages in 78
// communes, 40 staff days and 60 million đồng over a quarter (the shape of
// the province demo, docs/benchmarks.md §11).
func BenchmarkMake(b *testing.B) {
	req := randomRequest(rand.New(rand.NewPCG(7, 11)), 900, 78)
	req.StaffDays, req.Budget = 40, 60_000_000
	for b.Loop() {
		if _, err := Make(req); err != nil {
			b.Fatal(err)
		}
	}
}
