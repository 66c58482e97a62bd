// Package internal_test enforces the dependency direction of the packages
// under internal/ (engineering.md §2): imports point downwards only.
package internal_test

import (
	"os/exec"
	"strings"
	"testing"
)

// forbidden maps a package to the project packages it must not import.
var forbidden = map[string][]string{
	"kc":          {"store", "app", "web", "api", "cli", "auth", "demo", "locale", "config", "unitdata", "sheet", "crypto", "eligibility"},
	"vi":          {"kc", "store", "app", "web", "api", "cli"},
	"store":       {"app", "web", "api", "cli", "auth", "demo", "locale", "config", "unitdata", "sheet", "eligibility"},
	"auth":        {"store", "app", "web", "api", "cli"},
	"demo":        {"store", "app", "web", "api", "cli"},
	"unitdata":    {"store", "app", "web", "api", "cli"},
	"locale":      {"kc", "store", "app", "web", "api", "cli"},
	"config":      {"kc", "store", "app", "web", "api", "cli"},
	"sheet":       {"store", "app", "web", "api", "cli", "auth", "demo", "config", "unitdata"},
	"crypto":      {"kc", "store", "app", "web", "api", "cli"},
	"eligibility": {"store", "app", "web", "api", "cli", "auth", "demo", "config", "unitdata", "sheet", "crypto"},
	"allocate":    {"kc", "vi", "store", "app", "web", "api", "cli", "auth", "demo", "locale", "config", "unitdata", "sheet", "crypto", "eligibility"},
	"app":         {"web", "api", "cli"},
	"web":         {"store", "api", "cli"},
	"api":         {"store", "web", "cli"},
}

func TestDependencyDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}:{{join .Imports " "}}`, "khuyencong/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const prefix = "khuyencong/internal/"
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		name := strings.TrimPrefix(pkg, prefix)
		for _, imp := range strings.Fields(imports) {
			if !strings.HasPrefix(imp, prefix) {
				continue
			}
			dep := strings.SplitN(strings.TrimPrefix(imp, prefix), "/", 2)[0]
			for _, bad := range forbidden[name] {
				if dep == bad {
					t.Errorf("%s imports %s", pkg, imp)
				}
			}
			if (dep == "web" || dep == "api") && name != "cli" && !strings.HasPrefix(name, dep) && strings.HasPrefix(pkg, prefix) {
				t.Errorf("%s imports %s: only cli may import web and api", pkg, imp)
			}
			if dep == "cli" && name != "cli" && pkg != "khuyencong/cmd/khuyencong" {
				t.Errorf("%s imports %s: only cmd/khuyencong may import cli", pkg, imp)
			}
		}
	}
}
