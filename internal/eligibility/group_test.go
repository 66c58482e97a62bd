package eligibility

import (
	"slices"
	"strings"
	"testing"
	"time"

	"khuyencong/internal/kc"
)

// groupRule: a registered establishment of a supported kind with at
// least 10 workers (khuyen-cong.md lines 256 and 76: cooperative groups
// are beneficiaries, formed by a contract of their members).
func groupRule() Rule {
	return rule(
		elig(1, "Loại hình được hỗ trợ", "Kind", OpIn, "household_business, coop_group, cooperative, coop_union, enterprise"),
		elig(2, "Đã đăng ký", "Registered", OpTrue, ""),
		elig(3, "Số lao động từ 10 trở lên", "Workers", OpGE, "10"),
	)
}

func brewer(id int64, workers int) Member {
	return Member{ID: id, Name: "Hộ nấu rượu " + string(rune('A'+id-1)), CommuneID: 7, Facts: Facts{
		Kind: kc.KindHousehold, CommuneType: "xa", ProvinceType: "tinh", Workers: workers, FoundedYear: 2000 + int(id),
		Trades: []string{"C1101"}, PrimaryTrade: "C1101",
	}}
}

func memberIDs(g Group) []int64 {
	var ids []int64
	for _, m := range g.Members {
		ids = append(ids, m.ID)
	}
	return ids
}

func TestSuggestGroups(t *testing.T) {
	c := mustCompile(t, groupRule())
	seed := brewer(1, 4)
	if res := c.Evaluate(seed.Facts, 0); res.Status != NotEligible {
		t.Fatalf("seed alone is %s", res.Status)
	}
	neighbours := []Member{brewer(2, 3), brewer(3, 2), brewer(4, 5), seed}
	groups := SuggestGroups(c, seed, neighbours, 4, 10)
	// 4+3, 4+2, 4+5 fall short; 4+2+5 = 11 and 4+3+5 = 12 reach 10; all
	// four (14) is a superset and is not suggested.
	var got [][]int64
	for _, g := range groups {
		got = append(got, memberIDs(g))
	}
	want := [][]int64{{1, 3, 4}, {1, 2, 4}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("groups %v, want %v", got, want)
	}
	g := groups[0]
	if g.Result.Status != Eligible || g.Combined.Workers != 11 || g.Combined.Kind != kc.KindCoopGroup || !g.Combined.Registered {
		t.Errorf("group %+v", g.Combined)
	}
	lines := renderSteps(t, g.Reasons)
	if g.Reasons[0].Key != "elig.group.formed" || !strings.Contains(lines[0], "UBND cấp xã chứng thực") {
		t.Errorf("first reason %q", lines[0])
	}
	wantSum := Step{Key: "elig.group.sum", Args: []any{"Số lao động từ 10 trở lên", "4 + 2 + 5", "11", "≥ 10", "✓"}}
	if !slices.ContainsFunc(g.Reasons, func(s Step) bool { return stepEqual(s, wantSum) }) {
		t.Errorf("reasons %q lack the sum", lines)
	}
	if got := render(t, wantSum.Key, wantSum.Args...); got != "Số lao động từ 10 trở lên: 4 + 2 + 5 = 11 (yêu cầu ≥ 10) ✓" {
		t.Errorf("sum renders %q", got)
	}

	if g := SuggestGroups(c, seed, neighbours, 4, 1); len(g) != 1 || !slices.Equal(memberIDs(g[0]), []int64{1, 3, 4}) {
		t.Errorf("limit 1: %v", g)
	}
	if g := SuggestGroups(c, seed, neighbours, 3, 0); len(g) != 2 {
		t.Errorf("max size 3: %d groups", len(g))
	}
	if g := SuggestGroups(c, seed, neighbours, 2, 0); len(g) != 0 {
		t.Errorf("pairs cannot reach 10: %v", g)
	}
	// A neighbour with 6 workers makes a pair; larger groups with it are
	// supersets, the others remain.
	groups = SuggestGroups(c, seed, append(neighbours, brewer(5, 6)), 4, 0)
	got = nil
	for _, g := range groups {
		got = append(got, memberIDs(g))
	}
	want = [][]int64{{1, 5}, {1, 3, 4}, {1, 2, 4}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("groups %v, want %v", got, want)
	}
}

func TestSuggestGroupsNeverUndetermined(t *testing.T) {
	c := mustCompile(t, groupRule())
	seed := brewer(1, 4)
	unknown := brewer(2, 20)
	unknown.Facts.Missing = []string{"Workers"}
	if g := SuggestGroups(c, seed, []Member{unknown}, 3, 0); len(g) != 0 {
		t.Errorf("a group with unknown workers was suggested: %v", g)
	}
}

func TestSuggestGroupsIsBounded(t *testing.T) {
	// 40 workers needed from 400 neighbours of 1 to 3 workers each.
	r := groupRule()
	r.Criteria[2].Value = "40"
	c := mustCompile(t, r)
	var cands []Member
	for i := range 400 {
		cands = append(cands, brewer(int64(i+2), 1+i%3))
	}
	start := time.Now()
	groups := SuggestGroups(c, brewer(1, 4), cands, 20, 5)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if len(groups) == 0 {
		t.Fatal("no group found")
	}
	for _, g := range groups {
		if g.Result.Status != Eligible || g.Combined.Workers < 40 {
			t.Errorf("group of %d workers is %s", g.Combined.Workers, g.Result.Status)
		}
		for _, m := range g.Members[1:] {
			if m.Facts.Workers != 3 {
				t.Errorf("the best candidates (3 workers) should be used first, got %d", m.Facts.Workers)
			}
		}
	}
}

func TestCombineFacts(t *testing.T) {
	a := Facts{Kind: kc.KindHousehold, SizeClass: "", CommuneType: "xa", Workers: 4, WomenWorkers: 2, Revenue: m(100), Capital: m(50),
		AvgIncome: 4_000_000, WomenOwned: true, EthnicMinorityOwned: true, FoundedYear: 2010, YearsActive: 15, FactYear: 2025,
		Trades: []string{"C1101"}, Missing: []string{"OCOPStars"}}
	b := Facts{Kind: kc.KindHouseholdBusiness, Registered: true, CommuneType: "phuong", Workers: 6, WomenWorkers: 1, Revenue: m(300),
		Capital: m(20), AvgIncome: 6_000_000, EthnicMinorityOwned: true, FoundedYear: 2018, YearsActive: 7, FactYear: 2024,
		Missing: []string{"Capital", "CommuneType", "Kind"}}
	g := CombineFacts(a, b)
	want := Facts{Kind: kc.KindCoopGroup, Registered: true, CommuneType: "xa", Workers: 10, WomenWorkers: 3, Revenue: m(400), Capital: m(70),
		AvgIncome: 5_200_000, WomenOwned: false, EthnicMinorityOwned: true, FoundedYear: 2010, YearsActive: 15, FactYear: 2024,
		Trades: []string{"C1101"}, Missing: []string{"Capital", "OCOPStars"}}
	if g.Kind != want.Kind || g.Registered != want.Registered || g.CommuneType != want.CommuneType || g.Workers != want.Workers ||
		g.WomenWorkers != want.WomenWorkers || g.Revenue != want.Revenue || g.Capital != want.Capital || g.AvgIncome != want.AvgIncome ||
		g.WomenOwned != want.WomenOwned || g.EthnicMinorityOwned != want.EthnicMinorityOwned || g.FoundedYear != want.FoundedYear ||
		g.YearsActive != want.YearsActive || g.FactYear != want.FactYear || !slices.Equal(g.Trades, want.Trades) ||
		!slices.Equal(g.Missing, want.Missing) {
		t.Errorf("combined\n%+v\nwant\n%+v", g, want)
	}
	if g := CombineFacts(Facts{EthnicMinorityOwned: true, WomenOwned: true}, Facts{}); g.EthnicMinorityOwned || g.WomenOwned {
		t.Error("a group is owned by a woman or an ethnic-minority person only if every member is")
	}
	if len(a.Missing) != 1 {
		t.Error("CombineFacts changed its input")
	}
}
