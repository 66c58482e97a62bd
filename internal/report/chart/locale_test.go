package chart

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestMessages checks that every "chart.*" key of the code has a
// Vietnamese and an English message, and that chart.json holds no unused
// key.
func TestMessages(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`"(chart\.[a-z_]+)"`)
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	if len(used) == 0 {
		t.Fatal("no chart.* key found in the code")
	}
	for _, lang := range []string{"vi", "en"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "locale", "messages", lang, "chart.json"))
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]string
		if err := json.Unmarshal(b, &msgs); err != nil {
			t.Fatalf("%s/chart.json: %v", lang, err)
		}
		for k := range used {
			if msgs[k] == "" {
				t.Errorf("%s/chart.json lacks %s", lang, k)
			}
		}
		for k := range msgs {
			if !used[k] {
				t.Errorf("%s/chart.json has unused key %s", lang, k)
			}
		}
	}
}
