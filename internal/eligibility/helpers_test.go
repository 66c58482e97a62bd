package eligibility

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"khuyencong/internal/kc"
)

// Money helpers: m(300) is 300 million đồng.
func m(millions int64) int64 { return millions * 1_000_000 }

// elig and prio build criteria for tests.
func elig(group int, label, field, op, value string) Criterion {
	return Criterion{Group: group, Kind: KindEligibility, Label: label, Field: field, Op: op, Value: value}
}

func formula(group int, label, src string) Criterion {
	return Criterion{Group: group, Kind: KindEligibility, Label: label, Op: OpFormul, Formula: src}
}

func prio(points int, label, field, op, value string) Criterion {
	return Criterion{Kind: KindPriority, Label: label, Field: field, Op: op, Value: value, Points: points}
}

// rule returns a rule in force from 15/10/2025 with the given criteria.
func rule(cs ...Criterion) Rule {
	return Rule{Code: "test", Version: 1, EffectiveFrom: kc.MustDate("2025-10-15"), Criteria: cs}
}

// mustCompile compiles r or fails the test.
func mustCompile(t testing.TB, r Rule) *Compiled {
	t.Helper()
	c, err := Compile(r)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return c
}

// catalog is the eligibility message file of each language, read from
// internal/locale (this package does not import locale).
var catalog = sync.OnceValues(func() (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, lang := range []string{"vi", "en"} {
		b, err := os.ReadFile(filepath.Join("..", "locale", "messages", lang, "eligibility.json"))
		if err != nil {
			return nil, err
		}
		var msgs map[string]string
		if err := json.Unmarshal(b, &msgs); err != nil {
			return nil, fmt.Errorf("%s: %w", lang, err)
		}
		out[lang] = msgs
	}
	return out, nil
})

// render formats key with args in every language and fails on a missing
// message or a formatting error ("%!"); it returns the Vietnamese text.
func render(t testing.TB, key string, args ...any) string {
	t.Helper()
	cat, err := catalog()
	if err != nil {
		t.Fatal(err)
	}
	var vi string
	for _, lang := range []string{"en", "vi"} {
		msg, ok := cat[lang][key]
		if !ok {
			t.Fatalf("%s/eligibility.json lacks %q", lang, key)
		}
		s := msg
		if len(args) > 0 {
			s = fmt.Sprintf(msg, args...)
		}
		if strings.Contains(s, "%!") {
			t.Errorf("%s %s%v renders badly: %q", lang, key, args, s)
		}
		vi = s
	}
	return vi
}

// renderSteps renders every step and returns the Vietnamese lines.
func renderSteps(t testing.TB, steps []Step) []string {
	t.Helper()
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = render(t, s.Key, s.Args...)
	}
	return out
}
