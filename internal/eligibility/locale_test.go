package eligibility

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestMessagesExist checks that every "elig.*" key the package uses has
// a Vietnamese and an English message, and that the message files hold
// no unused key (the catalogue lives in internal/locale, which this
// package does not import).
func TestMessagesExist(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`"(elig\.[a-z_.]+)"`)
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
			if !strings.HasSuffix(m[1], ".") {
				used[m[1]] = true
			}
		}
	}
	// Keys built from data.
	for _, f := range Fields {
		used[f.LabelKey] = true
		if f.UnitKey != "" {
			used[f.UnitKey] = true
			unit := strings.TrimPrefix(f.UnitKey, "elig.unit.")
			used["elig.gap.short."+unit] = true
			used["elig.gap.excess."+unit] = true
		}
		for _, o := range f.Options {
			used[OptionKey(f.Name, o)] = true
		}
	}
	for _, s := range []string{Eligible, NotEligible, Undetermined} {
		used[StatusKey(s)] = true
	}
	for _, s := range []string{Pass, Fail, Unknown} {
		used[StateKey(s)] = true
	}
	cat, err := catalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"vi", "en"} {
		msgs := cat[lang]
		var missing []string
		for k := range used {
			if msgs[k] == "" {
				missing = append(missing, k)
			}
		}
		slices.Sort(missing)
		if len(missing) > 0 {
			t.Errorf("%s/eligibility.json lacks %v", lang, missing)
		}
		for k := range msgs {
			if !used[k] {
				t.Errorf("%s/eligibility.json has unused key %s", lang, k)
			}
		}
	}
}
