package app

import (
	"context"
	"io"
	"testing"

	"khuyencong/internal/demo"
	"khuyencong/internal/store/storetest"
)

// benchExportRows is the size of the export benchmark (issue 3: export of
// 100,000 rows under 20 s and 300 MB).
const benchExportRows = 100_000

// BenchmarkExportEstablishments exports 100,000 generated establishments
// (the national generator over every commune in force, loaded in batches
// of 10,000 with their facts) to XLSX and CSV, discarding the output. It
// reports rows/op; -benchmem gives the bytes allocated per export. The
// test database is SQLite, or PostgreSQL with KHUYENCONG_TEST_DB.
func BenchmarkExportEstablishments(b *testing.B) {
	ctx := WithPrincipal(context.Background(), System)
	s := storetest.Open(b)
	a := New(s, nil)
	a.Now = s.Now
	if err := a.EnsureUnits(ctx); err != nil {
		b.Fatal(err)
	}
	if err := a.EnsureReference(ctx); err != nil {
		b.Fatal(err)
	}
	communes, err := s.ScaleCommunes(ctx, 0)
	if err != nil {
		b.Fatal(err)
	}
	opts := demo.ScaleOptions{Seed: 1, Today: a.today(), Establishments: benchExportRows, BatchSize: nationalBatch, CodePrefix: "QG"}
	for _, c := range communes {
		opts.Communes = append(opts.Communes, demo.Commune{ID: c.ID, Code: c.Code, Name: c.Name, Former: c.Former})
	}
	conv, err := a.newConverter(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var st Stats
	if err := a.loadBatches(ctx, conv, &st, benchExportRows, nil, func(fn func(*demo.Batch) error) error { return demo.Stream(opts, fn) }); err != nil {
		b.Fatal(err)
	}
	if err := s.FinishBulk(ctx); err != nil {
		b.Fatal(err)
	}
	for _, format := range []string{FormatXLSX, FormatCSV} {
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res, err := a.ExportEstablishments(ctx, io.Discard, format, RegistryFilter{}, false)
				if err != nil {
					b.Fatal(err)
				}
				if res.Rows != benchExportRows {
					b.Fatalf("%d rows", res.Rows)
				}
				b.ReportMetric(float64(res.Rows), "rows/op")
			}
		})
	}
}
