package pdf

import (
	"os"
	"path/filepath"
	"testing"

	"khuyencong/internal/report"
	"khuyencong/internal/report/reporttest"
)

// TestDumpSamples writes the sample documents as PDF files into the
// folder named by KHUYENCONG_PDF_DUMP, for looking at them; it does
// nothing without that variable.
func TestDumpSamples(t *testing.T) {
	dir := os.Getenv("KHUYENCONG_PDF_DUMP")
	if dir == "" {
		t.Skip("set KHUYENCONG_PDF_DUMP to a folder to write the sample documents")
	}
	for name, d := range map[string]report.Document{
		"sample":  reporttest.Sample(),
		"minutes": reporttest.Minutes(),
		"long":    longDocument(120),
	} {
		if err := os.WriteFile(filepath.Join(dir, name+".pdf"), render(t, d), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
