package demo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"khuyencong/internal/kc"
)

// Commune is a commune in force for the scale generator, with the units
// valid before 1 July 2025 whose area it now covers (projects and
// outreach sessions before that day name one of them).
type Commune struct {
	ID     int64
	Code   string
	Name   string
	Former []int64
}

// ScaleOptions configure Stream.
type ScaleOptions struct {
	Seed     int64
	Today    kc.Date
	Communes []Commune
	// Establishments is how many establishments to generate.
	Establishments int
	// BatchSize is the number of establishments per batch (default 10,000).
	BatchSize int
	// CodePrefix starts every project code ("QG", "QT").
	CodePrefix string
}

// nationalTrades are the trades of the scale datasets, with weights.
var nationalTrades = []struct {
	code   string
	weight int
}{
	{TradeAgriProc, 16}, {TradeMilling, 8}, {TradeCarpentry, 12}, {TradeMechanics, 11}, {TradeGarment, 8}, {TradeFood, 9},
	{TradeBricks, 4}, {TradeWood, 5}, {TradeIce, 2}, {TradeTea, 3}, {TradeSeafood, 4}, {TradeBasketry, 5}, {TradeBrocade, 2},
	{TradeRiceWine, 3}, {TradePottery, 1}, {TradeEmbroidery, 2}, {TradeFishSauce, 2}, {TradeHerbal, 2}, {TradeFurnitureEx, 1},
}

var (
	kinds       = []string{kc.KindHousehold, kc.KindHouseholdBusiness, kc.KindCoopGroup, kc.KindCooperative, kc.KindCoopUnion, kc.KindEnterprise}
	kindWeights = []int{44, 41, 5, 4, 0, 6}
	// Ethnic groups of minority areas in the scale datasets (names are
	// invented with the generic lists).
	minorities = []string{"Tày", "Thái", "Mường", "Khmer", "H'Mông", "Nùng", "Dao", "Gia Rai", "Ê Đê", EthnicVanKieu, EthnicPaKo}
)

// scaleGen is the state of one Stream.
type scaleGen struct {
	o        ScaleOptions
	r        *rand.Rand
	cum      []int // cumulative commune weights
	ethnic   []bool
	tradeW   []int
	estSeq   int64
	projSeq  int64
	sessDays int
}

// Stream generates a province or national dataset in batches and hands
// each batch to fn, so that memory stays bounded whatever the size. The
// same options always give the same data.
func Stream(o ScaleOptions, fn func(*Batch) error) error {
	if len(o.Communes) == 0 {
		return errors.New("demo: no communes to generate establishments in")
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 10_000
	}
	if o.CodePrefix == "" {
		o.CodePrefix = "DM"
	}
	g := &scaleGen{o: o, r: newRand(o.Seed, 2)}
	total := 0
	for range o.Communes {
		w := 1 + g.r.IntN(6)
		if g.r.IntN(8) == 0 {
			w += 10 // a few communes with craft villages
		}
		total += w
		g.cum = append(g.cum, total)
		g.ethnic = append(g.ethnic, g.r.IntN(4) == 0)
	}
	for _, t := range nationalTrades {
		g.tradeW = append(g.tradeW, t.weight)
	}
	g.sessDays = int(o.Today.Time().Sub(kc.NewDate(FirstFactYear, 1, 1).Time()).Hours()/24) + 1
	for done := 0; done < o.Establishments; {
		n := min(o.BatchSize, o.Establishments-done)
		b := g.batch(n)
		if err := fn(b); err != nil {
			return err
		}
		done += n
	}
	return nil
}

func (g *scaleGen) commune() int {
	n := g.r.IntN(g.cum[len(g.cum)-1])
	i, _ := slices.BinarySearch(g.cum, n+1)
	return i
}

// batch generates n establishments with their projects, and outreach
// sessions in proportion.
func (g *scaleGen) batch(n int) *Batch {
	b := &Batch{Establishments: make([]Establishment, 0, n)}
	today := g.o.Today
	for range n {
		ci := g.commune()
		c := g.o.Communes[ci]
		trade := nationalTrades[weighted(g.r, g.tradeW)].code
		info := trades[trade]
		kind := kinds[weighted(g.r, kindWeights)]
		eth := EthnicKinh
		if g.ethnic[ci] && g.r.IntN(10) < 8 || !g.ethnic[ci] && g.r.IntN(25) == 0 {
			eth = pick(g.r, minorities)
		}
		owner := newPerson(g.r, eth, info.women, today)
		village := fmt.Sprintf("Thôn %d", between(g.r, 1, 12))
		founded := between(g.r, 1990, today.Year())
		if g.r.IntN(2) == 0 {
			founded = between(g.r, 2010, today.Year())
		}
		g.estSeq++
		e := kc.Establishment{ID: g.estSeq, Kind: kind, CommuneID: c.ID, Village: village, OwnerName: owner.name, OwnerGender: gender(owner),
			OwnerEthnicity: owner.ethnicity, OwnerBirthYear: owner.birthYear, WomenOwned: owner.female, EthnicMinorityOwned: eth != EthnicKinh,
			FoundedYear: founded, TraditionalCraft: info.traditional, MainProducts: info.products, Artisan: "none", Demo: true,
			Notes: "Dữ liệu mẫu hư cấu."}
		e.Name = establishmentName(g.r, kind, trade, owner, village, c.Name, int(g.estSeq))
		workers := []int{1, 1, 2, 2, 3, 3, 4, 5, 6, 8}[g.r.IntN(10)]
		switch kind {
		case kc.KindEnterprise:
			e.SizeClass = kc.SizeMicro
			workers = between(g.r, 5, 40)
			if workers > 10 {
				e.SizeClass = kc.SizeSmall
			}
		case kc.KindCooperative, kc.KindCoopGroup:
			workers = between(g.r, 5, 20)
		}
		if kind != kc.KindHousehold {
			e.RegistrationNo = fmt.Sprintf("DM%08d", g.estSeq)
			e.RegistrationDate = kc.NewDate(founded, time.Month(1+g.r.IntN(12)), 1+g.r.IntN(28))
		}
		facts := makeFacts(g.r, factPlan{seq: g.estSeq, kind: kind, trade: trade, founded: founded, workers: workers, ethnic: e.EthnicMinorityOwned}, today)
		b.Establishments = append(b.Establishments, Establishment{Establishment: e, TradeCodes: []string{trade}, Facts: facts})
		if g.r.IntN(100) < 3 {
			if p, ok := g.project(e, c, trade); ok {
				b.Projects = append(b.Projects, p)
			}
		}
	}
	for range max(1, n/20) {
		b.Sessions = append(b.Sessions, g.session())
	}
	return b
}

// at returns the unit a record of day d names for commune c.
func (g *scaleGen) at(c Commune, d kc.Date) int64 {
	if d.Before(kc.ReformDate) && len(c.Former) > 0 {
		return c.Former[g.r.IntN(len(c.Former))]
	}
	return c.ID
}

// schemeSpec says how projects of a scheme are sized: state support range
// in million đồng and the counterpart as a percentage of the support.
type schemeSpec struct {
	code, area, title string
	weight            int
	lo, hi            int64
	counterpart       [2]int
	outputs           func(r *rand.Rand) []kc.Output
}

var scaleSchemes = []schemeSpec{
	{SchemeMachinery, kc.ContentDemoTech, "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến cho %s", 44, 20, 280, [2]int{100, 250},
		func(r *rand.Rand) []kc.Output { return []kc.Output{{Kind: "machines", Value: int64(between(r, 1, 5))}} }},
	{SchemeTraining, kc.ContentTraining, "Đào tạo nghề, truyền nghề %s", 20, 20, 120, [2]int{0, 0},
		func(r *rand.Rand) []kc.Output {
			n := between(r, 15, 40)
			return []kc.Output{{Kind: "trainees", Value: int64(n)}, {Kind: "trainees_employed", Value: int64(n * between(r, 50, 90) / 100)}}
		}},
	{SchemeDemoModel, kc.ContentDemoTech, "Mô hình trình diễn kỹ thuật tại %s", 6, 150, 900, [2]int{233, 300},
		func(r *rand.Rand) []kc.Output {
			return []kc.Output{{Kind: "models", Value: 1}, {Kind: "jobs", Value: int64(between(r, 2, 15))}}
		}},
	{SchemeBrand, kc.ContentProducts, "Xây dựng, đăng ký nhãn hiệu cho %s", 8, 15, 35, [2]int{100, 150},
		func(r *rand.Rand) []kc.Output { return []kc.Output{{Kind: "brands", Value: 1}} }},
	{SchemeFair, kc.ContentProducts, "Tham gia hội chợ, triển lãm: %s", 7, 10, 60, [2]int{0, 25},
		func(r *rand.Rand) []kc.Output {
			return []kc.Output{{Kind: "fair_stands", Value: int64(between(r, 1, 3))}}
		}},
	{SchemeConsulting, kc.ContentConsulting, "Tư vấn quản lý sản xuất cho %s", 5, 10, 35, [2]int{100, 120}, nil},
	{SchemeCapacity, kc.ContentCapacity, "Nâng cao năng lực quản lý cho %s", 4, 20, 100, [2]int{0, 0},
		func(r *rand.Rand) []kc.Output {
			return []kc.Output{{Kind: "trainees", Value: int64(between(r, 10, 40))}}
		}},
	{SchemeCleanerProd, kc.ContentDemoTech, "Áp dụng sản xuất sạch hơn tại %s", 3, 50, 300, [2]int{150, 250}, nil},
	{SchemeDigital, "CA10", "Chuyển đổi số cho %s", 3, 30, 150, [2]int{20, 60}, nil},
}

// project generates one project for establishment e, or false when the
// drawn date is not possible.
func (g *scaleGen) project(e kc.Establishment, c Commune, trade string) (Project, bool) {
	today := g.o.Today
	first := max(FirstFactYear, e.FoundedYear)
	if first > today.Year() {
		return Project{}, false
	}
	y := between(g.r, first, today.Year())
	reg := dayIn(g.r, y, 2, 10, today)
	var w []int
	for _, s := range scaleSchemes {
		if s.code == SchemeDigital && reg.Before(kc.MustDate("2025-10-15")) {
			w = append(w, 0)
			continue
		}
		w = append(w, s.weight)
	}
	s := scaleSchemes[weighted(g.r, w)]
	support := int64(between(g.r, int(s.lo), int(s.hi)))
	if s.code == SchemeMachinery && reg.Before(kc.MustDate("2018-05-11")) {
		support = min(support, 200) // TTLT 26/2014 cap
	}
	support = support / 5 * 5
	local := kc.SourceDistrict
	if !reg.Before(kc.ReformDate) {
		local = kc.SourceCommune
	}
	var funding []kc.Funding
	level := "local"
	switch n := g.r.IntN(100); {
	case n < 6 && support >= 100:
		level = "national"
		funding = append(funding, kc.Funding{Source: kc.SourceNational, Approved: m(support)})
	case n < 55:
		funding = append(funding, kc.Funding{Source: kc.SourceProvincial, Approved: m(support)})
	case n < 70:
		part := support / 3 / 5 * 5
		funding = append(funding, kc.Funding{Source: kc.SourceProvincial, Approved: m(support - part)}, kc.Funding{Source: local, Approved: m(part)})
	default:
		funding = append(funding, kc.Funding{Source: local, Approved: m(support)})
	}
	if s.counterpart[1] > 0 {
		cp := support * int64(between(g.r, s.counterpart[0], s.counterpart[1])) / 100
		if cp > 0 {
			funding = append(funding, kc.Funding{Source: kc.SourceCounterpart, Approved: m(cp)})
		}
	}
	state := kc.StateSettled
	elapsed := int(today.Time().Sub(reg.Time()).Hours() / 24)
	switch n := g.r.IntN(100); {
	case n < 4:
		state = kc.StateRejected
	case n < 6:
		state = kc.StateWithdrawn
	default:
		for _, st := range lifecycle {
			if lifecycleDays[st] <= elapsed {
				state = st
			}
		}
		if state != kc.StateSettled && state != kc.StateRegistered && g.r.IntN(3) == 0 {
			state = lifecycle[stateRank(state)-2] // lagging one step behind
		}
		if elapsed < 30 && g.r.IntN(3) == 0 {
			state = kc.StateDraft
		}
	}
	g.projSeq++
	spec := projSpec{code: fmt.Sprintf("%s-%d-%07d", g.o.CodePrefix, y, g.projSeq), title: fmt.Sprintf(s.title, e.Name), scheme: s.code, area: s.area,
		level: level, org: "Trung tâm Khuyến công (dữ liệu mẫu)", reg: reg, state: state, commune: g.at(c, reg), funding: funding,
		beneficiaries: []int64{e.ID}}
	if s.outputs != nil {
		spec.outputs = s.outputs(g.r)
	}
	if state == kc.StateRejected {
		spec.reject = "Không đáp ứng điều kiện hỗ trợ"
	}
	if state == kc.StateWithdrawn {
		spec.reject = "Cơ sở xin rút đề án"
	}
	p := buildProject(g.r, g.projSeq, spec, today)
	g.details(&p, e, trade)
	return p, true
}

// details fills what the registration form asks beyond funding (cost
// lines, schedule, expected jobs, priority points) from a hash of the
// project's sequence number instead of the generator's stream: cheap at
// national scale, and the rest of the dataset stays as it was.
func (g *scaleGen) details(p *Project, e kc.Establishment, trade string) {
	h := splitmix(uint64(g.o.Seed)<<32 ^ uint64(p.ID))
	qty := int64(1)
	if p.SchemeCode == SchemeMachinery {
		qty = int64(max(1, outputValue(p.Outputs, "machines")))
	}
	p.CostLines = costLines(p.SchemeCode, trade, totalCost(&p.Project), qty)
	from := p.RegisteredOn.AddDays(45)
	if !p.DecidedOn.IsZero() {
		from = p.DecidedOn.AddDays(5 + int(h%16))
	}
	p.StartsOn, p.EndsOn = schedule(p.Year, from, 3+int(h>>8%6))
	jobs := outputValue(p.Outputs, "jobs")
	if jobs == 0 {
		jobs = outputValue(p.Outputs, "trainees_employed")
	}
	if jobs == 0 && p.SchemeCode == SchemeMachinery {
		jobs = 1 + int(h>>16%4)
	}
	p.ExpectedJobs = jobs
	pts := int(h >> 24 % 5)
	if slices.Contains(priorityTrades, trade) {
		pts++
	}
	if !p.RegisteredOn.Before(nd235From) {
		if e.WomenOwned {
			pts += 2
		}
		if e.EthnicMinorityOwned {
			pts += 2
		}
	}
	p.PriorityPoints = pts
}

// splitmix is the SplitMix64 finaliser: a well-mixed 64-bit hash of x.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// session generates one outreach session somewhere, some day since 2015.
func (g *scaleGen) session() kc.OutreachSession {
	c := g.o.Communes[g.commune()]
	day := kc.NewDate(FirstFactYear, 1, 1).AddDays(g.r.IntN(g.sessDays))
	kind := sessionKinds[weighted(g.r, []int{14, 10, 10, 8, 6, 4, 2, 2})]
	return kc.OutreachSession{Kind: kind, CommuneID: g.at(c, day), Village: fmt.Sprintf("Thôn %d", between(g.r, 1, 12)), HeldOn: day,
		Attendees: between(g.r, 0, 80), Cost: m(int64(between(g.r, 1, 8))), Language: "vi", Staff: "Cán bộ khuyến công", Demo: true}
}
