// Package locale is the catalog of user-facing text. Messages live in
// embedded JSON files, one file per module under messages/<lang>/, merged at
// start-up (a key defined twice is a programmer error and panics). Messages
// are fmt format strings; Vietnamese is the default and English falls back
// to Vietnamese where a key is missing.
//
// locale imports only the standard library.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed messages
var files embed.FS

// Default is the default language.
const Default = "vi"

// Languages lists the languages the catalog offers.
var Languages = []string{"vi", "en"}

var catalog = load()

func load() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, lang := range Languages {
		m := map[string]string{}
		entries, _ := fs.ReadDir(files, "messages/"+lang)
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".json") {
				continue
			}
			b, err := files.ReadFile(path.Join("messages", lang, e.Name()))
			if err != nil {
				panic(err)
			}
			var part map[string]string
			if err := json.Unmarshal(b, &part); err != nil {
				panic(fmt.Sprintf("locale: %s/%s: %v", lang, e.Name(), err))
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					panic(fmt.Sprintf("locale: key %q defined twice (%s/%s)", k, lang, e.Name()))
				}
				m[k] = v
			}
		}
		out[lang] = m
	}
	return out
}

// T returns the message for key in lang, formatted with args. A missing key
// returns the key itself so that it shows up in tests and screens.
func T(lang, key string, args ...any) string {
	msg, ok := catalog[lang][key]
	if !ok {
		msg, ok = catalog[Default][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Has reports whether key exists in the default language.
func Has(key string) bool {
	_, ok := catalog[Default][key]
	return ok
}

// Keys returns every key of the default language, sorted.
func Keys() []string {
	out := make([]string, 0, len(catalog[Default]))
	for k := range catalog[Default] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Supported returns lang if the catalog offers it, else the default.
func Supported(lang string) string {
	for _, l := range Languages {
		if l == lang {
			return l
		}
	}
	return Default
}
