package demo

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"khuyencong/internal/kc"
)

// The years of the district demo's annual plans: the current year, whose
// commitments come from the projects approved in it, and the next year,
// for which communes and the province registered the candidate proposals
// the optimiser chooses from.
const (
	PlanYear      = 2026
	CandidateYear = 2027
)

// PlanProvince is the code of the province the district demo's communes
// belong to since 1 July 2025 (Tỉnh Quảng Trị, domain §7.1).
const PlanProvince = "44"

// Provincial example schemes of the catalogue (store.DefaultReference).
const (
	SchemeProvMachinery = "QT_VD_MAY_MOC"
	SchemeProvBrand     = "QT_VD_BAO_BI"
)

// machines names what a machinery project of a trade buys.
var machines = map[string]string{
	TradeRiceWine: "Máy nấu rượu", TradeBrocade: "Khung dệt", TradeBasketry: "Máy chẻ nan mây", TradeCarpentry: "Máy cưa, bào liên hợp",
	TradeMechanics: "Máy hàn", TradeAgriProc: "Máy sấy nông sản", TradeMilling: "Máy xay xát", TradeIce: "Máy sản xuất nước đá",
	TradeGarment: "Máy may công nghiệp", TradeBricks: "Máy ép gạch không nung", TradeWood: "Máy xẻ gỗ", TradeTea: "Máy sao chè",
	TradeSeafood: "Tủ sấy thủy sản", TradePottery: "Lò nung gốm", TradeFood: "Máy đóng gói thực phẩm", TradeEmbroidery: "Máy thêu",
	TradeFishSauce: "Bồn ủ chượp inox", TradeHerbal: "Máy chiết xuất dược liệu", TradeFurnitureEx: "Máy chạm khắc gỗ",
}

// costShare is one line of a cost estimate template: the item and its
// share of the total in percent (the last line takes the rest).
type costShare struct {
	item  string
	share int64
}

// costTemplate returns the lines a project of a scheme (and trade) is
// estimated with, typical of its content.
func costTemplate(scheme, trade string) []costShare {
	machine := machines[trade]
	if machine == "" {
		machine = "Máy móc, thiết bị"
	}
	label := trades[trade].label
	if label == "" {
		label = "tiểu thủ công nghiệp"
	}
	switch scheme {
	case SchemeMachinery, SchemeProvMachinery:
		return []costShare{{machine, 85}, {"Vận chuyển, lắp đặt, chạy thử", 15}}
	case SchemeDemoModel:
		return []costShare{{"Dây chuyền thiết bị trình diễn (" + machine + ")", 70}, {"Cải tạo nhà xưởng", 20}, {"Hội nghị trình diễn kỹ thuật", 10}}
	case SchemeTraining:
		return []costShare{{"Đào tạo nghề " + label, 50}, {"Nguyên vật liệu thực hành", 35}, {"Tài liệu, văn phòng phẩm", 15}}
	case SchemeCapacity:
		return []costShare{{"Bồi dưỡng quản trị, điều hành sản xuất", 75}, {"Tài liệu, hội trường", 25}}
	case SchemeBrand, SchemeProvBrand:
		return []costShare{{"Thiết kế nhãn hiệu, bao bì " + trades[trade].products, 65}, {"Lệ phí đăng ký nhãn hiệu", 35}}
	case SchemeFair:
		return []costShare{{"Thuê gian hàng hội chợ", 70}, {"Vận chuyển hàng trưng bày", 30}}
	case SchemeConsulting:
		return []costShare{{"Thuê chuyên gia tư vấn", 100}}
	case SchemeOutreach:
		return []costShare{{"In tờ rơi, phát thanh chuyên mục khuyến công", 100}}
	case SchemeDigital:
		return []costShare{{"Xây dựng gian hàng thương mại điện tử", 60}, {"Chụp ảnh, quay phim sản phẩm", 40}}
	case SchemeCleanerProd:
		return []costShare{{"Thiết bị xử lý chất thải", 80}, {"Đánh giá sản xuất sạch hơn", 20}}
	case SchemeFounding:
		return []costShare{{"Lập phương án, hồ sơ thành lập doanh nghiệp", 100}}
	}
	return []costShare{{"Chi phí thực hiện đề án", 100}}
}

// costLines splits total (đồng) over the template's lines. The first
// line of a machinery project buys qty units; every amount is quantity ×
// unit cost, unit costs in whole hundred thousand đồng but the last
// line's, which takes the rest (quantity 1) so that the lines add up to
// total exactly.
func costLines(scheme, trade string, total int64, qty int64) []kc.CostLine {
	tpl := costTemplate(scheme, trade)
	out := make([]kc.CostLine, 0, len(tpl))
	left := total
	for i, c := range tpl {
		if i == len(tpl)-1 || left <= 0 {
			out = append(out, kc.CostLine{Item: c.item, Quantity: 1, UnitCost: left, Amount: left})
			break
		}
		q := int64(1)
		if i == 0 && qty > 1 {
			q = qty
		}
		unit := total * c.share / 100 / q / 100_000 * 100_000
		amount := unit * q
		if amount <= 0 || amount > left {
			continue
		}
		out = append(out, kc.CostLine{Item: c.item, Quantity: q, UnitCost: unit, Amount: amount})
		left -= amount
	}
	return out
}

// totalCost is the sum of a project's funding lines (state and
// counterpart), which the cost estimate must equal.
func totalCost(p *kc.Project) int64 {
	var t int64
	for _, f := range p.Funding {
		t += f.Planned
	}
	return t
}

// schedule returns the planned start and end of a project of year y that
// could start on or after from: inside year y, at least a month long
// (shorter only when registered in December).
func schedule(y int, from kc.Date, months int) (kc.Date, kc.Date) {
	first, last := kc.NewDate(y, 1, 1), kc.NewDate(y, 12, 31)
	start := from
	if start.Before(first) {
		start = first
	}
	if latest := kc.NewDate(y, 12, 1); start.After(latest) {
		start = latest
	}
	end := kc.DateOf(start.Time().AddDate(0, months, 0))
	if end.After(last) {
		end = last
	}
	return start, end
}

// nd235From is the day NĐ 235/2025 took effect (special priority for
// establishments owned by women and by ethnic minorities).
var nd235From = kc.MustDate("2025-10-15")

// priorityTrades are the demo's trades in the priority sectors of NĐ 45
// Art. 6 (agro-forestry processing, rice wine, small mechanics).
var priorityTrades = []string{TradeRiceWine, TradeAgriProc, TradeMilling, TradeMechanics, TradeWood, TradeTea, TradeSeafood, TradeFood, TradeFishSauce, TradeHerbal}

// priorityPoints scores a district project on the priorities of domain
// §3.8: the former Đakrông district is a priority area (3), a priority
// sector adds 1, and from 15/10/2025 an establishment owned by a woman
// or by a member of an ethnic minority adds 2 each.
func priorityPoints(trade string, e *Establishment, reg kc.Date) int {
	pts := 3
	if slices.Contains(priorityTrades, trade) {
		pts++
	}
	if e != nil && !reg.Before(nd235From) {
		if e.WomenOwned {
			pts += 2
		}
		if e.EthnicMinorityOwned {
			pts += 2
		}
	}
	return pts
}

// outputValue returns the value of output kind of p (0 when absent).
func outputValue(outs []kc.Output, kind string) int {
	for _, o := range outs {
		if o.Kind == kind {
			return int(o.Value)
		}
	}
	return 0
}

// details gives the district's projects what the registration form asks
// beyond funding: cost lines typical of their content, the planned
// schedule inside their year, the jobs they promise and their priority
// points. It draws from its own stream, so the rest of the dataset is the
// same as without it.
func (g *district) details(seed int64) {
	r := newRand(seed, 3)
	for i := range g.out.Projects {
		p := &g.out.Projects[i]
		trade := ""
		var first *Establishment
		if len(p.Beneficiaries) > 0 {
			first = g.est[p.Beneficiaries[0]]
			trade = first.TradeCodes[0]
		}
		qty := int64(1)
		if p.SchemeCode == SchemeMachinery || p.SchemeCode == SchemeProvMachinery {
			qty = int64(max(1, outputValue(p.Outputs, "machines")))
		}
		p.CostLines = costLines(p.SchemeCode, trade, totalCost(&p.Project), qty)
		from := p.RegisteredOn.AddDays(45)
		if !p.DecidedOn.IsZero() {
			from = p.DecidedOn.AddDays(between(r, 5, 20))
		}
		p.StartsOn, p.EndsOn = schedule(p.Year, from, between(r, 3, 8))
		jobs := outputValue(p.Outputs, "jobs")
		if jobs == 0 {
			jobs = outputValue(p.Outputs, "trainees_employed")
		}
		if jobs == 0 {
			switch p.SchemeCode {
			case SchemeMachinery, SchemeDemoModel:
				jobs = between(r, 1, 4)
			case SchemeTraining:
				jobs = between(r, 6, 15)
			case SchemeOutreach:
			default:
				jobs = between(r, 0, 2)
			}
		}
		p.ExpectedJobs = jobs
		p.PriorityPoints = priorityPoints(trade, first, p.RegisteredOn)
	}
}

// candidate kinds: what a proposal for the plan year asks for.
const (
	candMachinery     = iota // national scheme, 50 % ≤ 300 m
	candProvMachinery        // provincial example scheme, 50 % ≤ 100 m
	candDemoModel            // national demonstration model, 30 % ≤ 1,000 m
	candTraining             // vocational training, state-paid
	candBrand                // provincial example brand and packaging, 50 % ≤ 30 m
	candDigital              // digital transformation (NĐ 235), cap not set
)

// candidateSpecs are the proposals registered for the plan year: the
// former commune of the beneficiaries, their trade and what is asked for,
// spread over the five communes in force.
var candidateSpecs = []struct {
	old, trade string
	kind       int
}{
	{"19555", TradeMechanics, candMachinery}, {"19555", TradeGarment, candMachinery}, {"19555", TradeIce, candProvMachinery},
	{"19561", TradeAgriProc, candDemoModel}, {"19555", TradeCarpentry, candTraining}, {"19561", TradeGarment, candTraining},
	{"19555", TradeBricks, candProvMachinery}, {"19558", TradeAgriProc, candDigital},
	{"19576", TradeRiceWine, candDemoModel}, {"19576", TradeRiceWine, candMachinery}, {"19576", TradeRiceWine, candTraining},
	{"19576", TradeRiceWine, candBrand}, {"19579", TradeBasketry, candTraining}, {"19564", TradeMechanics, candProvMachinery},
	{"19576", TradeBrocade, candMachinery}, {"19564", TradeAgriProc, candDigital},
	{"19570", TradeAgriProc, candDemoModel}, {"19567", TradeCarpentry, candMachinery}, {"19570", TradeMilling, candProvMachinery},
	{"19567", TradeMechanics, candMachinery}, {"19570", TradeCarpentry, candTraining}, {"19567", TradeAgriProc, candBrand},
	{"19588", TradeBasketry, candMachinery}, {"19585", TradeBasketry, candTraining}, {"19588", TradeBrocade, candTraining},
	{"19582", TradeAgriProc, candProvMachinery}, {"19588", TradeRiceWine, candBrand}, {"19585", TradeRiceWine, candProvMachinery},
	{"19591", TradeBrocade, candDemoModel}, {"19591", TradeBrocade, candMachinery}, {"19591", TradeBrocade, candBrand},
	{"19594", TradeBasketry, candMachinery}, {"19594", TradeRiceWine, candTraining}, {"19591", TradeBrocade, candDigital},
}

// candidates adds the proposals registered during the current year for
// the plan year (CandidateYear): registered or appraised, with planned
// funding per source within the caps of their scheme version, cost lines,
// schedule, expected jobs and priority points. Proposals registered after
// today are left out. They draw from their own stream.
func (g *district) candidates(seed int64) {
	r := newRand(seed, 4)
	type cand struct {
		Project
		reg kc.Date
	}
	var out []cand
	used := map[int64]bool{} // beneficiaries of equipment, model and brand proposals
	for _, s := range candidateSpecs {
		pl := placeOf(s.old)
		cur := pl.cur
		commune := currentNames[cur]
		reg := kc.NewDate(CandidateYear-1, time.Month(between(r, 5, 10)), between(r, 1, 28))
		info := trades[s.trade]
		var bens []int64
		pool := g.some(s.trade, s.old, 30, CandidateYear-1)
		switch s.kind {
		case candTraining:
			// A training course is a group project for up to four producers.
			bens = pool[:min(len(pool), 4)]
		case candDemoModel:
			// The model is built at the largest producer of the trade there.
			best := int64(0)
			for _, seq := range pool {
				if !used[seq] && (best == 0 || lastWorkers(g.est[seq]) > lastWorkers(g.est[best])) {
					best = seq
				}
			}
			if best != 0 {
				used[best] = true
				bens = []int64{best}
			}
		default:
			// One producer, never one that another proposal equips.
			for _, seq := range pool {
				if !used[seq] {
					used[seq] = true
					bens = []int64{seq}
					break
				}
			}
		}
		if len(bens) == 0 {
			continue
		}
		first := g.est[bens[0]]
		prov, comm, nat := kc.SourceProvincial, kc.SourceCommune, kc.SourceNational
		var funding []kc.Funding
		add := func(src string, amount int64) {
			if amount > 0 {
				funding = append(funding, kc.Funding{Source: src, Planned: amount})
			}
		}
		var scheme, area, title, level, org string
		var jobs, qty int
		level, org = "local", "UBND xã "+commune
		switch s.kind {
		case candMachinery:
			scheme, area = SchemeMachinery, kc.ContentDemoTech
			cost := m(int64(between(r, 16, 56) * 10))
			state := min(cost/2, m(300)) / m(5) * m(5)
			p := state * int64(between(r, 55, 75)) / 100 / m(5) * m(5)
			add(prov, p)
			add(comm, state-p)
			add(kc.SourceCounterpart, cost-state)
			qty = between(r, 1, 3)
			title = fmt.Sprintf("Ứng dụng %s tiên tiến cho cơ sở %s", strings.ToLower(machines[s.trade]), info.label)
			jobs = between(r, 2, 6)
		case candProvMachinery:
			scheme, area = SchemeProvMachinery, kc.ContentDemoTech
			cost := m(int64(between(r, 6, 22) * 10))
			state := min(cost/2, m(100)) / m(5) * m(5)
			c := int64(0)
			if r.IntN(2) == 0 {
				c = state / 4 / m(5) * m(5)
			}
			add(prov, state-c)
			add(comm, c)
			add(kc.SourceCounterpart, cost-state)
			qty = between(r, 1, 2)
			title = fmt.Sprintf("Hỗ trợ %s cho hộ %s", strings.ToLower(machines[s.trade]), info.label)
			jobs = between(r, 1, 3)
		case candDemoModel:
			scheme, area, level, org = SchemeDemoModel, kc.ContentDemoTech, "national", orgNational
			cost := m(int64(between(r, 12, 30) * 100))
			state := min(cost*30/100, m(1000)) / m(10) * m(10)
			n := state * int64(between(r, 60, 70)) / 100 / m(10) * m(10)
			add(nat, n)
			add(prov, state-n)
			add(kc.SourceCounterpart, cost-state)
			qty = 1
			title = fmt.Sprintf("Mô hình trình diễn kỹ thuật %s tại %s, xã %s", info.label, first.Village, commune)
			jobs = between(r, 8, 20)
		case candTraining:
			scheme, area = SchemeTraining, kc.ContentTraining
			cost := m(int64(between(r, 8, 30) * 5))
			if r.IntN(3) == 0 {
				add(prov, cost)
			} else {
				add(comm, cost)
			}
			title = fmt.Sprintf("Đào tạo nghề %s cho lao động nông thôn xã %s", info.label, commune)
			jobs = between(r, 6, 18)
		case candBrand:
			scheme, area = SchemeProvBrand, kc.ContentProducts
			cost := m(int64(between(r, 8, 12) * 5))
			state := min(cost/2, m(30)) / m(5) * m(5)
			add(prov, state)
			add(kc.SourceCounterpart, cost-state)
			title = fmt.Sprintf("Xây dựng nhãn hiệu, bao bì sản phẩm %s", info.products)
			jobs = between(r, 0, 2)
		case candDigital:
			scheme, area = SchemeDigital, "CA10"
			cost := m(int64(between(r, 6, 16) * 10))
			state := cost * 60 / 100 / m(5) * m(5)
			c := state / 2 / m(5) * m(5)
			add(comm, c)
			add(prov, state-c)
			add(kc.SourceCounterpart, cost-state)
			title = fmt.Sprintf("Chuyển đổi số: bán %s trên sàn thương mại điện tử", info.products)
			jobs = between(r, 1, 4)
		}
		if level == "local" && provincialShare(funding) {
			org = orgProvince
		}
		state := kc.StateRegistered
		if r.IntN(2) == 0 {
			state = kc.StateAppraised
		}
		p := kc.Project{Title: title, Year: CandidateYear, Level: level, ContentArea: area, ImplementingOrg: org, CommuneID: g.u.Current[cur],
			State: state, RegisteredOn: reg, Demo: true, Beneficiaries: bens, Funding: funding, Group: s.kind == candTraining,
			ExpectedJobs: jobs, PriorityPoints: priorityPoints(s.trade, first, reg)}
		p.Events = []kc.ProjectEvent{{From: kc.StateDraft, To: kc.StateRegistered, At: reg.Time().Add(9 * time.Hour), Note: "Dữ liệu mẫu"}}
		if state == kc.StateAppraised {
			p.AppraisedOn = reg.AddDays(between(r, 20, 40))
			if p.AppraisedOn.After(g.today) {
				p.AppraisedOn = g.today
			}
			p.Events = append(p.Events, kc.ProjectEvent{From: kc.StateRegistered, To: kc.StateAppraised, At: p.AppraisedOn.Time().Add(9 * time.Hour), Note: "Dữ liệu mẫu"})
		}
		p.CostLines = costLines(scheme, s.trade, totalCost(&p), int64(max(qty, 1)))
		p.StartsOn, p.EndsOn = schedule(CandidateYear, kc.NewDate(CandidateYear, time.Month(between(r, 2, 6)), between(r, 1, 28)), between(r, 3, 8))
		out = append(out, cand{Project: Project{Project: p, SchemeCode: scheme}, reg: reg})
	}
	slices.SortStableFunc(out, func(a, b cand) int { return a.reg.Time().Compare(b.reg.Time()) })
	n := 0
	for _, c := range out {
		if c.reg.After(g.today) {
			continue
		}
		n++
		c.Code = fmt.Sprintf("DK-%d-%02d", CandidateYear, n)
		g.pseq++
		c.ID = g.pseq
		g.out.Projects = append(g.out.Projects, c.Project)
	}
}

// provincialShare reports whether the province pays more than half of
// the state funding, so that its industrial-promotion centre implements
// the project.
func provincialShare(funding []kc.Funding) bool {
	var prov, state int64
	for _, f := range funding {
		if f.Source == kc.SourceCounterpart {
			continue
		}
		state += f.Planned
		if f.Source == kc.SourceProvincial {
			prov += f.Planned
		}
	}
	return state > 0 && prov*2 > state
}

// lastWorkers is an establishment's latest number of workers.
func lastWorkers(e *Establishment) int {
	if len(e.Facts) == 0 {
		return 0
	}
	return e.Facts[len(e.Facts)-1].Workers
}

// PlanSpec is an annual plan of the district demo: the year, the unit
// (a province code valid since 1 July 2025), a note and its envelopes.
type PlanSpec struct {
	Year      int
	UnitCode  string
	Note      string
	Envelopes []EnvelopeSpec
}

// EnvelopeSpec is one envelope of a demo plan (ContentArea "" = every
// area), in đồng.
type EnvelopeSpec struct {
	Source      string
	ContentArea string
	Amount      int64
}

// DistrictPlans returns the district demo's annual plans for the
// province: the current year's (PlanYear), whose envelopes hold what its
// approved projects committed (committed, by source) and a margin, and
// the plan year's (CandidateYear), tight on purpose: each state source
// holds about 35–45 % of what the candidate proposals ask of it (demand,
// by source), so that the choice matters.
func DistrictPlans(committed, demand map[string]int64) []PlanSpec {
	round := func(v, step int64) int64 { return (v + step/2) / step * step }
	cur := PlanSpec{Year: PlanYear, UnitCode: PlanProvince, Note: "Kế hoạch khuyến công năm 2026 (dữ liệu mẫu)"}
	for _, e := range []struct {
		src          string
		floor, extra int64
	}{{kc.SourceProvincial, m(300), m(150)}, {kc.SourceCommune, m(150), m(60)}} {
		cur.Envelopes = append(cur.Envelopes, EnvelopeSpec{Source: e.src, Amount: max(e.floor, round(committed[e.src]+e.extra, m(10)))})
	}
	next := PlanSpec{Year: CandidateYear, UnitCode: PlanProvince, Note: "Dự kiến kế hoạch khuyến công năm 2027 (dữ liệu mẫu): kinh phí chỉ đủ cho khoảng 40 % đề xuất"}
	for _, e := range []struct {
		src string
		pct int64
	}{{kc.SourceNational, 40}, {kc.SourceProvincial, 38}, {kc.SourceCommune, 42}} {
		if demand[e.src] > 0 {
			next.Envelopes = append(next.Envelopes, EnvelopeSpec{Source: e.src, Amount: round(demand[e.src]*e.pct/100, m(10))})
		}
	}
	return []PlanSpec{cur, next}
}

// CandidateAppraisal returns the council's total score (out of 100) of a
// demo candidate proposal, and whether the council has scored it: every
// appraised proposal, and about two in three of those only registered. It
// depends only on the proposal's code, so the loader can give the scores
// once the council member's account exists.
func CandidateAppraisal(code, state string) (int, bool) {
	h := fnv.New32a()
	h.Write([]byte(code))
	v := h.Sum32()
	total := 52 + int(v%44) // 52 … 95
	scored := state == kc.StateAppraised || (state == kc.StateRegistered && (v>>8)%3 != 0)
	return total, scored
}
