package sheet

import (
	"bytes"
	"runtime"
	"sync"
	"testing"
)

const benchRows = 100_000

var (
	benchOnce sync.Once
	benchFile []byte
)

// benchWorkbook writes a benchRows-row export with the streaming writer.
func benchWorkbook(b *testing.B) []byte {
	benchOnce.Do(func() {
		var buf bytes.Buffer
		w, err := NewXLSXWriter(&buf)
		if err != nil {
			b.Fatal(err)
		}
		recs := sampleRecords(100)
		for i := 0; i < benchRows; i++ {
			r := recs[i%len(recs)]
			r["id"] = int64(i + 1)
			if err := w.Write(r); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		benchFile = buf.Bytes()
	})
	return benchFile
}

// BenchmarkRead100k reads a 100,000-row workbook (all 31 columns filled)
// and reports the heap the resulting table keeps.
func BenchmarkRead100k(b *testing.B) {
	data := benchWorkbook(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	var tb *Table
	for b.Loop() {
		var err error
		tb, err = Read(bytes.NewReader(data), "export.xlsx", DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		if len(tb.Rows) != benchRows || !tb.Valid() {
			b.Fatalf("%d rows, %d errors", len(tb.Rows), len(tb.Errors()))
		}
	}
	b.StopTimer()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "MB-live-heap")
	runtime.KeepAlive(tb)
}

// BenchmarkWrite100k streams 100,000 rows to XLSX.
func BenchmarkWrite100k(b *testing.B) {
	recs := sampleRecords(100)
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		w, err := NewXLSXWriter(&buf)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < benchRows; i++ {
			if err := w.Write(recs[i%len(recs)]); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(buf.Len())/(1<<20), "MB-file")
	}
}
