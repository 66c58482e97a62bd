package app_test

import (
	"regexp"
	"testing"

	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale/localetest"
)

// TestProjectMessagesExist checks that every "projects.*" key the project
// use cases write, and every key they build from a state, action,
// source, output kind, step date or deadline kind, has a Vietnamese and an
// English message, and that the topic files hold no unused key.
func TestProjectMessagesExist(t *testing.T) {
	used := localetest.Used(t, "project*.go", regexp.MustCompile(`"(projects\.[a-z_.0-9]+)"`), "")
	for k := range used {
		if projSettingKey(k) {
			delete(used, k)
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
	localetest.Check(t, "projects.json", used, "projects.")
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
