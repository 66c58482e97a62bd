package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"khuyencong/internal/kc"
)

// lifecycle is the path of an approved project through its states, to
// the closing of its file after settlement.
var lifecycle = []string{kc.StateRegistered, kc.StateAppraised, kc.StateApproved, kc.StateInProgress, kc.StateAccepted, kc.StateSettled, kc.StateClosed}

// days after registration at which each lifecycle state is reached.
var lifecycleDays = map[string]int{
	kc.StateRegistered: 0, kc.StateAppraised: 20, kc.StateApproved: 35, kc.StateInProgress: 45,
	kc.StateAccepted: 200, kc.StateSettled: 235, kc.StateClosed: 290, kc.StateRejected: 30, kc.StateWithdrawn: 25,
}

// projSpec is what a generated project is made from.
type projSpec struct {
	code, title, scheme, area, level, org string
	reg                                   kc.Date
	state                                 string
	commune                               int64
	funding                               []kc.Funding // Approved (or, before approval, Planned) amounts
	beneficiaries                         []int64
	outputs                               []kc.Output
	reject                                string
	group                                 bool // a group project (TT 36 Art. 10)
}

// stateRank orders the lifecycle states; other states rank 0.
func stateRank(s string) int {
	for i, x := range lifecycle {
		if x == s {
			return i + 1
		}
	}
	return 0
}

// buildProject turns a spec into a project with its events, decision, and
// funding columns consistent with its state on today.
func buildProject(r *rand.Rand, seq int64, s projSpec, today kc.Date) Project {
	at := func(state string) kc.Date {
		d := s.reg.AddDays(lifecycleDays[state])
		if d.After(today) {
			d = today
		}
		return d
	}
	p := kc.Project{ID: seq, Code: s.code, Title: s.title, Year: s.reg.Year(), Level: s.level, ContentArea: s.area, ImplementingOrg: s.org,
		CommuneID: s.commune, State: s.state, RegisteredOn: s.reg, Demo: true, Beneficiaries: s.beneficiaries}
	if p.Level == "" {
		p.Level = "local"
	}
	var path []string
	switch s.state {
	case kc.StateDraft:
	case kc.StateRejected:
		path = []string{kc.StateRegistered, kc.StateAppraised, kc.StateRejected}
		p.RejectReason = s.reject
	case kc.StateWithdrawn:
		path = []string{kc.StateRegistered, kc.StateWithdrawn}
		p.RejectReason = s.reject
	default:
		path = lifecycle[:stateRank(s.state)]
	}
	from := kc.StateDraft
	for _, st := range path {
		d := at(st)
		ev := kc.ProjectEvent{From: from, To: st, At: d.Time().Add(9 * time.Hour), Note: "Dữ liệu mẫu"}
		switch st {
		case kc.StateAppraised:
			p.AppraisedOn = d
		case kc.StateApproved:
			p.DecidedOn = d
			p.DecisionNo = fmt.Sprintf("%d/QĐ-UBND", between(r, 100, 2999))
			ev.DocumentRef = p.DecisionNo
		case kc.StateAccepted:
			p.AcceptedOn = d
			ev.DocumentRef = fmt.Sprintf("Biên bản nghiệm thu %d/BB", between(r, 1, 99))
		case kc.StateSettled:
			p.SettledOn = d
		case kc.StateClosed:
			p.ClosedOn = d
		case kc.StateRejected, kc.StateWithdrawn:
			ev.Note = s.reject
		}
		p.Events = append(p.Events, ev)
		from = st
	}
	if s.state == kc.StateDraft {
		p.RegisteredOn = kc.Date{}
	}
	approved := stateRank(s.state) >= stateRank(kc.StateApproved)
	for _, f := range s.funding {
		amount := max(f.Approved, f.Planned)
		line := kc.Funding{Source: f.Source, Planned: amount}
		if approved {
			line.Approved = amount
		}
		if stateRank(s.state) >= stateRank(kc.StateInProgress) && f.Source != kc.SourceCounterpart {
			line.Advanced = roundMillion(amount * 70 / 100)
		}
		if stateRank(s.state) >= stateRank(kc.StateSettled) {
			line.Advanced, line.Settled = amount, amount
		}
		p.Funding = append(p.Funding, line)
	}
	if stateRank(s.state) >= stateRank(kc.StateAccepted) {
		p.Outputs = s.outputs
	}
	p.Group = s.group
	return Project{Project: p, SchemeCode: s.scheme}
}
