package app

import (
	"cmp"
	"slices"

	"khuyencong/internal/eligibility"
	"khuyencong/internal/kc"
	"khuyencong/internal/report"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Finding codes of a period report's "tồn tại, hạn chế" section.
const (
	FindingCriteriaFailed    = "criteria_failed"
	FindingNoOutreach        = "no_outreach"
	FindingUnfundedArea      = "unfunded_area"
	FindingBudgetUnspent     = "budget_unspent"
	FindingOverdueSettlement = "overdue_settlement"
	FindingEmployedLow       = "trainees_employed_low"
)

// employedMinBP is the share of trainees employed afterwards below which
// a report names it as a shortcoming: 50 %.
const employedMinBP = 5000

// findingInput is what the findings are derived from.
type findingInput struct {
	ds       *report.Dataset
	data     *store.ReportData
	from, to int
	areas    []store.ContentArea // in force in the period
	screen   ScreenReport
	plans    []planUnspent
	// settlementDays is the settlement period after acceptance.
	settlementDays int
	// communes are the communes of the at-time set in force in the
	// period (every commune for the whole country).
	communes []kc.Unit
}

// reportFindings derives the findings: only what there is something to
// say about, each with its numbers. An empty period gives only the
// registry-based finding.
func reportFindings(in findingInput) []report.Finding {
	var out []report.Finding
	add := func(f *report.Finding) {
		if f != nil {
			out = append(out, *f)
		}
	}
	add(criteriaFinding(in.screen))
	if in.ds.Empty {
		return out
	}
	add(noOutreachFinding(in))
	add(unfundedAreaFinding(in))
	add(unspentFinding(in))
	add(overdueFinding(in))
	add(employedFinding(in.data))
	return out
}

// repCount writes a count the Vietnamese way (1.234).
func repCount(n int64) string { return vi.FormatNumber(n) }

// repCap keeps at most reportItemsMax names, the last saying how many
// more there are.
func repCap(items []string) []string {
	if len(items) <= reportItemsMax {
		return items
	}
	rest := len(items) - reportItemsMax
	return append(slices.Clip(items[:reportItemsMax]), tv("report.more", repCount(int64(rest))))
}

// wideScheme reports whether a scheme is national or provincial.
func wideScheme(r eligibility.Rule) bool { return r.Level == "national" || r.Level == "provincial" }

// criteriaFinding: the share of the registry eligible for no national or
// provincial scheme in force, the wide scheme most establishments fail,
// and the criteria that fail most (counted per scheme, where the
// criterion's whole group failed; a criterion shared by several schemes
// is given its largest count). Nothing when no wide scheme was screened
// or none is failed.
func criteriaFinding(sr ScreenReport) *report.Finding {
	var worst *ScreenScheme
	best := map[string]int{}
	for i, s := range sr.Schemes {
		if !wideScheme(s.Rule) {
			continue
		}
		if s.NotEligible > 0 && (worst == nil || s.NotEligible > worst.NotEligible) {
			worst = &sr.Schemes[i]
		}
		for _, f := range s.Failing {
			best[f.Criterion.Label] = max(best[f.Criterion.Label], f.Count)
		}
	}
	if sr.Establishments == 0 || (worst == nil && sr.NoneEligible == 0) {
		return nil
	}
	type crit struct {
		label string
		n     int
	}
	var crits []crit
	for l, n := range best {
		crits = append(crits, crit{l, n})
	}
	slices.SortFunc(crits, func(x, y crit) int { return cmp.Or(cmp.Compare(y.n, x.n), vi.Compare(x.label, y.label)) })
	total := int64(sr.Establishments)
	share := func(n int) string { return report.FormatBasisPoints(int64(n) * 10000 / total) }
	var text string
	if sr.NoneEligible > 0 {
		text = tv("report.finding.criteria_failed", repCount(int64(sr.NoneEligible)), repCount(total), share(sr.NoneEligible), dayText(sr.On))
	} else {
		text = tv("report.finding.criteria_some", dayText(sr.On))
	}
	if worst != nil {
		text += " " + tv("report.finding.criteria_scheme", worst.Rule.Name, repCount(int64(worst.NotEligible)), repCount(total), share(worst.NotEligible))
	}
	var items []string
	if len(crits) > 0 {
		text += " " + tv("report.finding.criteria_top", crits[0].label, repCount(int64(crits[0].n)), share(crits[0].n))
		for _, c := range crits[:min(5, len(crits))] {
			items = append(items, tv("report.item.criterion", c.label, repCount(int64(c.n))))
		}
	}
	return &report.Finding{Code: FindingCriteriaFailed, Text: text, Items: items}
}

// noOutreachFinding names the communes (as they were) with no outreach
// session in the period.
func noOutreachFinding(in findingInput) *report.Finding {
	held := map[int64]bool{}
	for _, s := range in.data.Sessions {
		if s.Sessions > 0 {
			held[s.UnitID] = true
		}
	}
	var none []kc.Unit
	for _, u := range in.communes {
		if !held[u.ID] {
			none = append(none, u)
		}
	}
	if len(none) == 0 {
		return nil
	}
	sortUnits(none)
	var items []string
	for _, u := range none {
		items = append(items, repAtTime(u.Name, !u.Current()))
	}
	return &report.Finding{Code: FindingNoOutreach, Items: repCap(items),
		Text: tv("report.finding.no_outreach", repCount(int64(len(none))), repCount(int64(len(in.communes))), repPeriod(in.from, in.to))}
}

// unfundedAreaFinding names the content areas in force in the period with
// no funded project.
func unfundedAreaFinding(in findingInput) *report.Finding {
	funded := map[string]bool{}
	for _, a := range in.data.Areas {
		if a.Projects > 0 {
			funded[a.ContentArea] = true
		}
	}
	var items []string
	for _, c := range in.areas {
		if !funded[c.Code] {
			items = append(items, c.Name)
		}
	}
	if len(items) == 0 {
		return nil
	}
	return &report.Finding{Code: FindingUnfundedArea, Items: items,
		Text: tv("report.finding.unfunded_area", len(items), len(in.areas), repPeriod(in.from, in.to))}
}

// unspentFinding: plan envelopes left uncommitted, and approved state
// funds that settled projects did not use.
func unspentFinding(in findingInput) *report.Finding {
	var text string
	var items []string
	var planLeft int64
	for _, p := range in.plans {
		planLeft += p.amount
		items = append(items, tv("report.item.plan_unspent", p.plan.Year, p.plan.UnitName, vi.FormatNumber(p.amount)))
	}
	if planLeft > 0 {
		text = tv("report.finding.plan_unspent", vi.FormatNumber(planLeft), len(in.plans))
	}
	if in.data.SettledUnspent > 0 {
		s := tv("report.finding.settled_unspent", vi.FormatNumber(in.data.SettledUnspent))
		if text != "" {
			text += " "
		}
		text += s
	}
	if text == "" {
		return nil
	}
	return &report.Finding{Code: FindingBudgetUnspent, Text: text, Items: items}
}

// overdueFinding lists the accepted projects whose settlement is overdue.
func overdueFinding(in findingInput) *report.Finding {
	if len(in.data.Overdue) == 0 {
		return nil
	}
	var items []string
	for _, p := range in.data.Overdue {
		items = append(items, tv("report.item.overdue", p.Code, p.Title, dayText(p.AcceptedOn), dayText(p.AcceptedOn.AddDays(in.settlementDays))))
	}
	return &report.Finding{Code: FindingOverdueSettlement, Items: repCap(items),
		Text: tv("report.finding.overdue", len(in.data.Overdue), in.settlementDays)}
}

// employedFinding: fewer than half the trainees employed afterwards.
func employedFinding(d *store.ReportData) *report.Finding {
	trainees, employed := d.Outputs["trainees"], d.Outputs["trainees_employed"]
	if trainees <= 0 || employed*10000 >= employedMinBP*trainees {
		return nil
	}
	return &report.Finding{Code: FindingEmployedLow,
		Text: tv("report.finding.employed_low", report.FormatBasisPoints(employed*10000/trainees), repCount(employed), repCount(trainees), report.FormatBasisPoints(employedMinBP))}
}
