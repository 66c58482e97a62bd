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

// The projects of the scale datasets.
const (
	// ProjectDraw is the percentage of establishments that draw a project
	// year (uniform over FirstProjectYear to today's year); those founded
	// by then get the project. About 20 % of establishments get one: some
	// 200,000 projects for the national dataset, 4,000 for the province,
	// more in later years as there are more establishments.
	ProjectDraw = 25
	// FirstProjectYear is the first year of the scale datasets' projects.
	FirstProjectYear = 2017
	// neighbours is how many recent establishments of each commune a
	// group project may take its other beneficiaries from.
	neighbours = 8
)

// neighbour is a recently generated establishment of a commune, a
// possible co-beneficiary of a group project.
type neighbour struct {
	seq     int64
	founded int
	trade   string
}

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
	// recent holds, per commune, the last few establishments generated
	// there (a ring of neighbours entries), so that memory stays bounded.
	recent [][]neighbour
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
	g := &scaleGen{o: o, r: newRand(o.Seed, 2), recent: make([][]neighbour, len(o.Communes))}
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
		if g.r.IntN(100) < ProjectDraw {
			if p, ok := g.project(e, ci, trade); ok {
				b.Projects = append(b.Projects, p)
			}
		}
		g.remember(ci, neighbour{seq: e.ID, founded: founded, trade: trade})
	}
	for range max(1, n/20) {
		b.Sessions = append(b.Sessions, g.session())
	}
	return b
}

// remember keeps an establishment among its commune's recent ones.
func (g *scaleGen) remember(ci int, n neighbour) {
	r := g.recent[ci]
	if len(r) < neighbours {
		g.recent[ci] = append(r, n)
		return
	}
	r[int(n.seq)%neighbours] = n
}

// partners returns up to n other beneficiaries for a group project of
// year y in commune ci: recent establishments there that existed in y,
// those of the same trade first.
func (g *scaleGen) partners(ci int, trade string, y, n int) []int64 {
	var same, other []int64
	for _, nb := range g.recent[ci] {
		if nb.founded > y {
			continue
		}
		if nb.trade == trade {
			same = append(same, nb.seq)
		} else {
			other = append(other, nb.seq)
		}
	}
	slices.Sort(same)
	slices.Sort(other)
	out := append(same, other...)
	return out[:min(n, len(out))]
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
	outputs           func(r *rand.Rand, support int64) []kc.Output
	// group is the percentage of projects of the scheme that are group
	// projects with several beneficiaries.
	group int
}

var scaleSchemes = []schemeSpec{
	{SchemeMachinery, kc.ContentDemoTech, "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến cho %s", 44, 20, 280, [2]int{100, 250},
		func(r *rand.Rand, support int64) []kc.Output {
			out := []kc.Output{{Kind: "machines", Value: int64(between(r, 1, 5))}}
			if support >= 150 && r.IntN(4) == 0 {
				out = append(out, kc.Output{Kind: "lines", Value: 1})
			}
			return out
		}, 0},
	{SchemeTraining, kc.ContentTraining, "Đào tạo nghề, truyền nghề %s", 20, 20, 120, [2]int{0, 0},
		func(r *rand.Rand, _ int64) []kc.Output {
			n := between(r, 15, 40)
			return []kc.Output{{Kind: "trainees", Value: int64(n)}, {Kind: "trainees_employed", Value: int64(n * between(r, 50, 90) / 100)}}
		}, 60},
	{SchemeDemoModel, kc.ContentDemoTech, "Mô hình trình diễn kỹ thuật tại %s", 6, 150, 900, [2]int{233, 300},
		func(r *rand.Rand, _ int64) []kc.Output {
			out := []kc.Output{{Kind: "models", Value: 1}, {Kind: "jobs", Value: int64(between(r, 2, 15))}}
			if r.IntN(3) == 0 {
				out = append(out, kc.Output{Kind: "lines", Value: 1})
			}
			return out
		}, 0},
	{SchemeBrand, kc.ContentProducts, "Xây dựng, đăng ký nhãn hiệu cho %s", 8, 15, 35, [2]int{100, 150},
		func(r *rand.Rand, _ int64) []kc.Output {
			return []kc.Output{{Kind: "brands", Value: 1}, {Kind: "products", Value: int64(between(r, 1, 3))}}
		}, 20},
	{SchemeFair, kc.ContentProducts, "Tham gia hội chợ, triển lãm: %s", 7, 10, 60, [2]int{0, 25},
		func(r *rand.Rand, _ int64) []kc.Output {
			return []kc.Output{{Kind: "fairs", Value: int64(between(r, 1, 2))}}
		}, 50},
	{SchemeConsulting, kc.ContentConsulting, "Tư vấn quản lý sản xuất, thiết kế mẫu mã cho %s", 5, 10, 35, [2]int{100, 120},
		func(r *rand.Rand, _ int64) []kc.Output {
			return []kc.Output{{Kind: "products", Value: int64(between(r, 1, 4))}}
		}, 0},
	{SchemeCapacity, kc.ContentCapacity, "Nâng cao năng lực quản lý cho %s", 4, 20, 100, [2]int{0, 0},
		func(r *rand.Rand, _ int64) []kc.Output {
			return []kc.Output{{Kind: "trainees", Value: int64(between(r, 10, 40))}}
		}, 50},
	{SchemeCleanerProd, kc.ContentDemoTech, "Áp dụng sản xuất sạch hơn tại %s", 3, 50, 300, [2]int{150, 250},
		func(r *rand.Rand, _ int64) []kc.Output {
			return []kc.Output{{Kind: "models", Value: 1}, {Kind: "machines", Value: int64(between(r, 1, 2))}}
		}, 0},
	{SchemeDigital, "CA10", "Chuyển đổi số cho %s", 3, 30, 150, [2]int{20, 60},
		func(r *rand.Rand, _ int64) []kc.Output {
			return []kc.Output{{Kind: "products", Value: int64(between(r, 1, 10))}}
		}, 10},
}

// Days the legal periods of the scale projects change.
var (
	tt28From = kc.MustDate("2018-05-11") // TT 28/2018 replaces TTLT 26/2014
)

// project generates one project for establishment e of commune ci in a
// year drawn over FirstProjectYear to today's year, or false when e was
// founded after that year. Some training, capacity, fair, brand and
// digital projects are group projects with neighbours of the same commune.
func (g *scaleGen) project(e kc.Establishment, ci int, trade string) (Project, bool) {
	today := g.o.Today
	c := g.o.Communes[ci]
	y := between(g.r, FirstProjectYear, today.Year())
	if y < e.FoundedYear {
		return Project{}, false
	}
	reg := dayIn(g.r, y, 2, 10, today)
	var w []int
	for _, s := range scaleSchemes {
		if s.code == SchemeDigital && reg.Before(nd235From) {
			w = append(w, 0)
			continue
		}
		w = append(w, s.weight)
	}
	s := scaleSchemes[weighted(g.r, w)]
	support := int64(between(g.r, int(s.lo), int(s.hi)))
	if s.code == SchemeMachinery && reg.Before(tt28From) {
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
	state := g.state(reg)
	bens := []int64{e.ID}
	if s.group > 0 && g.r.IntN(100) < s.group {
		bens = append(bens, g.partners(ci, trade, y, between(g.r, 1, 4))...)
	}
	title := fmt.Sprintf(s.title, e.Name)
	if len(bens) > 1 {
		title += fmt.Sprintf(" và %d cơ sở cùng địa bàn", len(bens)-1)
	}
	g.projSeq++
	spec := projSpec{code: fmt.Sprintf("%s-%d-%07d", g.o.CodePrefix, y, g.projSeq), title: title, scheme: s.code, area: s.area,
		level: level, org: "Trung tâm Khuyến công (dữ liệu mẫu)", reg: reg, state: state, commune: g.at(c, reg), funding: funding,
		beneficiaries: bens, group: len(bens) > 1}
	if s.outputs != nil {
		spec.outputs = s.outputs(g.r, support)
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

// state draws the state on today of a project registered on reg: a few
// rejected or withdrawn; the others as far along the lifecycle as the
// time since registration allows, a third of the unfinished ones one
// step behind, some very recent ones still drafts; within two years of
// registration a few due to be settled still accepted (settlement
// overdue) or in progress (acceptance late); of the settled ones older
// than the closing delay, more closed the older they are (30 % plus 6 %
// a year, at most 85 %).
func (g *scaleGen) state(reg kc.Date) string {
	elapsed := int(g.o.Today.Time().Sub(reg.Time()).Hours() / 24)
	switch n := g.r.IntN(100); {
	case n < 4:
		return kc.StateRejected
	case n < 6:
		return kc.StateWithdrawn
	}
	state := kc.StateRegistered
	for _, st := range lifecycle[:stateRank(kc.StateSettled)] {
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
	if state == kc.StateSettled && elapsed < 730 {
		switch n := g.r.IntN(100); {
		case n < 8:
			return kc.StateAccepted
		case n < 11:
			return kc.StateInProgress
		}
	}
	if state == kc.StateSettled && elapsed >= lifecycleDays[kc.StateClosed] && g.r.IntN(100) < min(85, 30+6*elapsed/365) {
		state = kc.StateClosed
	}
	return state
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
