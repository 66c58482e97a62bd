package chart

import (
	"regexp"
	"testing"

	"khuyencong/internal/locale/localetest"
)

// TestMessages checks that every "chart.*" key of the code has a
// Vietnamese and an English message, and that chart.json holds no unused
// key.
func TestMessages(t *testing.T) {
	used := localetest.Used(t, "*.go", regexp.MustCompile(`"(chart\.[a-z_]+)"`), "")
	localetest.Check(t, "chart.json", used, "chart.")
}
