package apptest

import (
	"testing"

	"khuyencong/internal/kc"
)

// Million is one million đồng.
const Million int64 = 1_000_000

// PlanProjects are the projects SeedPlanProjects creates for a plan
// year, by code: one approved project committing 20 m of provincial
// funds (6 m advanced) in CommuneA, and three registered candidates
// chosen so that "highest score first" is not optimal under a 150 m
// provincial envelope: A1 (100 m, 10 expected jobs) in CommuneA, B1 and
// B2 (75 m, 8 jobs each) in CommuneB.
var PlanProjects = []string{"K-APPROVED", "A1", "B1", "B2"}

// SeedPlanProjects stores the PlanProjects for year and returns their ids
// by code.
func (f *Scope) SeedPlanProjects(t testing.TB, year int) map[string]int64 {
	t.Helper()
	ctx := t.Context()
	prov := kc.SourceProvincial
	projects := []kc.Project{
		{Code: "K-APPROVED", ContentArea: kc.ContentDemoTech, CommuneID: f.CommuneA.ID, State: kc.StateApproved,
			Funding: []kc.Funding{{Source: prov, Planned: 20 * Million, Approved: 20 * Million, Advanced: 6 * Million}}},
		{Code: "A1", ContentArea: kc.ContentDemoTech, CommuneID: f.CommuneA.ID, State: kc.StateRegistered, ExpectedJobs: 10,
			Funding: []kc.Funding{{Source: prov, Planned: 100 * Million}, {Source: kc.SourceCounterpart, Planned: 100 * Million}}},
		{Code: "B1", ContentArea: kc.ContentTraining, CommuneID: f.CommuneB.ID, State: kc.StateRegistered, ExpectedJobs: 8,
			Funding: []kc.Funding{{Source: prov, Planned: 75 * Million}}},
		{Code: "B2", ContentArea: kc.ContentDemoTech, CommuneID: f.CommuneB.ID, State: kc.StateRegistered, ExpectedJobs: 8,
			Funding: []kc.Funding{{Source: prov, Planned: 75 * Million}, {Source: kc.SourceCounterpart, Planned: 75 * Million}}},
	}
	ids := map[string]int64{}
	for _, p := range projects {
		p.Year, p.Level, p.Title = year, "local", "Đề án "+p.Code
		created, err := f.App.Store.CreateProject(ctx, p)
		if err != nil {
			t.Fatalf("seed project %s: %v", p.Code, err)
		}
		ids[p.Code] = created.ID
	}
	return ids
}
