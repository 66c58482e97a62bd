// Package localetest checks the message catalogue from a package's tests:
// that every key the package's code names has a message in every
// language, and that a topic file holds no key nobody uses. Only test
// files import it.
package localetest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"khuyencong/internal/locale"
)

// Used returns the keys named by the Go files of the current directory
// that match glob (test files left out): the first group of each match of
// pattern, with prefix put before it (for helpers such as recT("x") that
// add their topic). Keys ending in "." are prefixes completed at run time
// and are left out. It fails t when nothing matches, since a broken
// pattern would otherwise pass every check.
func Used(t testing.TB, glob string, pattern *regexp.Regexp, prefix string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(glob)
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range pattern.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") {
				used[prefix+m[1]] = true
			}
		}
	}
	if len(used) == 0 {
		t.Fatalf("no key matching %s in %s", pattern, glob)
	}
	return used
}

// Check fails t for every key of used that the topic file (e.g.
// "chart.json") of a language lacks, and, when owned is not empty, for
// every key of the file starting with owned that used does not hold.
func Check(t testing.TB, topic string, used map[string]bool, owned string) {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	for _, lang := range locale.Languages {
		path := filepath.Join(filepath.Dir(self), "..", "messages", lang, topic)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]string
		if err := json.Unmarshal(b, &msgs); err != nil {
			t.Fatalf("%s/%s: %v", lang, topic, err)
		}
		for k := range used {
			if msgs[k] == "" {
				t.Errorf("%s/%s lacks %s", lang, topic, k)
			}
		}
		if owned == "" {
			continue
		}
		for k := range msgs {
			if strings.HasPrefix(k, owned) && !used[k] {
				t.Errorf("%s/%s has unused key %s", lang, topic, k)
			}
		}
	}
}
