package app_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
)

// TestProjectMessagesExist checks that every "projects.*" key the project
// use cases write, and every key they build from a state, action,
// source, output kind, step date or deadline kind, has a Vietnamese and an
// English message, and that the topic files hold no unused key.
func TestProjectMessagesExist(t *testing.T) {
	files, err := filepath.Glob("project*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`"(projects\.[a-z_.0-9]+)"`)
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
			if !strings.HasSuffix(m[1], ".") &&
				!projSettingKey(m[1]) {
				used[m[1]] = true
			}
		}
	}
	for _, s := range app.ProjectStates {
		used["projects.state."+s] = true
	}
	for _, a := range append(app.ProjectActions, "edit", "delete", "score", "report", "follow_up") {
		used["projects.action."+a] = true
	}
	for _, s := range kc.FundingSources {
		used["projects.source."+s] = true
	}
	for _, o := range append(app.OutputKinds, "follow_up_12_workers", "follow_up_12_revenue", "follow_up_24_workers", "follow_up_24_revenue") {
		used["projects.output."+o] = true
	}
	for _, d := range []string{"registered", "appraised", "decided", "started", "accepted", "settled"} {
		used["projects.date."+d] = true
	}
	for _, d := range []string{app.DeadlineReport, app.DeadlineAcceptance, app.DeadlineSettlement, "follow_up_12", "follow_up_24"} {
		used["projects.deadline."+d] = true
	}
	for _, l := range []string{app.LevelNational, app.LevelLocal} {
		used["projects.level."+l] = true
	}
	for _, lang := range []string{"vi", "en"} {
		b, err := os.ReadFile(filepath.Join("..", "locale", "messages", lang, "projects.json"))
		if err != nil {
			t.Fatal(err)
		}
		var cat map[string]string
		if err := json.Unmarshal(b, &cat); err != nil {
			t.Fatal(err)
		}
		for k := range used {
			if cat[k] == "" {
				t.Errorf("%s: no message for %s", lang, k)
			}
		}
		for k := range cat {
			if !used[k] {
				t.Errorf("%s: %s is not used", lang, k)
			}
		}
	}
}

// projSettingKey reports whether key is a setting name rather than a message.
func projSettingKey(key string) bool {
	switch key {
	case app.SettingAdvanceRatioBP, app.SettingSettlementDays, app.SettingReportDay, app.SettingMinScorers, app.SettingFollowUpMonths,
		app.SettingFollowUpGraceDays, "projects.":
		return true
	}
	return false
}
