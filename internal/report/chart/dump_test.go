package chart

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"khuyencong/internal/report"
	"khuyencong/internal/report/reporttest"
)

// TestDumpSamples writes the sample charts as PNG and SVG files into the
// folder named by KHUYENCONG_CHART_DUMP, for looking at them; it does
// nothing without that variable.
func TestDumpSamples(t *testing.T) {
	dir := os.Getenv("KHUYENCONG_CHART_DUMP")
	if dir == "" {
		t.Skip("set KHUYENCONG_CHART_DUMP to a folder to write the sample charts")
	}
	var list []report.Chart
	for _, b := range reporttest.Sample().Blocks {
		if b.Kind == report.ChartBlock {
			list = append(list, *b.Chart)
		}
	}
	list = append(list, samples()...)
	for i, c := range list {
		for _, size := range [][2]int{{1200, 650}, {640, 360}} {
			b, err := PNG(c, size[0], size[1])
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(dir, "chart"+strconv.Itoa(i)+"-"+strconv.Itoa(size[0])+".png")
			if err := os.WriteFile(name, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		s, err := SVG(c)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "chart"+strconv.Itoa(i)+".svg"), s, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
