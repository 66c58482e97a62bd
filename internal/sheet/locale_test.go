package sheet

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"
)

// TestMessagesExist checks that every "sheet.*" key in the code has a
// Vietnamese and an English message (the catalogue lives in
// internal/locale, which this pure package does not import).
func TestMessagesExist(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`"(sheet\.[a-z_]+)"`)
	used := map[string]bool{}
	for _, f := range files {
		if filepath.Base(f) == "locale_test.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		isTest := len(f) > 8 && f[len(f)-8:] == "_test.go"
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if !isTest {
				used[m[1]] = true
			}
		}
	}
	for _, lang := range []string{"vi", "en"} {
		b, err := os.ReadFile(filepath.Join("..", "locale", "messages", lang, "sheet.json"))
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]string
		if err := json.Unmarshal(b, &msgs); err != nil {
			t.Fatal(err)
		}
		var missing []string
		for k := range used {
			if msgs[k] == "" {
				missing = append(missing, k)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("%s/sheet.json lacks %v", lang, missing)
		}
		for k := range msgs {
			if !used[k] {
				t.Errorf("%s/sheet.json has unused key %s", lang, k)
			}
		}
	}
}
