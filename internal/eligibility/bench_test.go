package eligibility

import (
	"sync/atomic"
	"testing"

	"khuyencong/internal/kc"
)

// benchRule has six eligibility criteria in four groups, one of them a
// formula, as a typical scheme version.
func benchRule() Rule {
	r := rule(
		elig(1, "Loại hình được hỗ trợ", "Kind", OpIn, "household_business, coop_group, cooperative, coop_union, enterprise"),
		elig(2, "Sản xuất tại xã hoặc đặc khu", "CommuneType", OpIn, "xa, dac_khu"),
		elig(2, "Thuộc làng nghề", "CraftVillage", OpTrue, ""),
		elig(3, "Số lao động từ 10 trở lên", "Workers", OpGE, "10"),
		elig(3, "Doanh thu từ 500 triệu", "Revenue", OpGE, "500000000"),
		formula(4, "Đủ lao động nữ hoặc chủ là người dân tộc thiểu số", "WomenWorkers * 2 >= Workers || EthnicMinorityOwned"),
	)
	r.RateBP, r.Cap, r.Confirmed = 5000, m(300), true
	return r
}

// benchFacts pass every group, so every group is evaluated.
func benchFacts() Facts {
	return Facts{Kind: kc.KindHouseholdBusiness, Registered: true, CommuneType: "phuong", CraftVillage: true, ProvinceType: "tinh",
		Workers: 12, WomenWorkers: 7, Revenue: m(300), Trades: []string{"C1101"}}
}

func BenchmarkMatches(b *testing.B) {
	c := mustCompile(b, benchRule())
	f := benchFacts()
	if m, ok := c.Matches(&f); !m || !ok {
		b.Fatal("bench facts do not match")
	}
	b.ReportAllocs()
	for b.Loop() {
		c.Matches(&f)
	}
}

// BenchmarkMatchesNative is the same rule without its formula.
func BenchmarkMatchesNative(b *testing.B) {
	r := benchRule()
	r.Criteria = r.Criteria[:5]
	c := mustCompile(b, r)
	f := benchFacts()
	b.ReportAllocs()
	for b.Loop() {
		c.Matches(&f)
	}
}

// BenchmarkMatchesParallel screens on every CPU, as bulk counting does.
func BenchmarkMatchesParallel(b *testing.B) {
	c := mustCompile(b, benchRule())
	var n atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		f := benchFacts()
		k := int64(0)
		for pb.Next() {
			if m, _ := c.Matches(&f); m {
				k++
			}
		}
		n.Add(k)
	})
}

func BenchmarkEvaluate(b *testing.B) {
	c := mustCompile(b, benchRule())
	f := benchFacts()
	b.ReportAllocs()
	for b.Loop() {
		c.Evaluate(f, m(800))
	}
}

func BenchmarkCompile(b *testing.B) {
	r := benchRule()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(r); err != nil {
			b.Fatal(err)
		}
	}
}
