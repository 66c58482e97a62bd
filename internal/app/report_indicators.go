package app

import (
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/report"
	"khuyencong/internal/store"
)

// IndicatorDef is one entry of the indicator catalogue: its stable code,
// the group it is listed under, its label, the definition shown next to
// it (saying exactly what is counted: which projects, states, years and
// units), its unit and how its value is written. Texts are Vietnamese
// (documents are Vietnamese).
type IndicatorDef struct {
	Code, Group, Label, Definition, Unit string
	Kind                                 report.ColumnKind
}

// FeaturedLevels are the recognition levels of typical rural industrial
// products (record.go accepts these); the catalogue has one indicator
// featured_products_<level> per level, and a dataset lists those of the
// levels present in its period.
var FeaturedLevels = []string{"district", "province", "region", "national"}

// FeaturedPrefix starts the code of the per-level typical-product
// indicators.
const FeaturedPrefix = "featured_products_"

// indicator is one catalogue entry with how its value is read from the
// report's aggregates. The catalogue is defined here once; every report,
// dashboard and export reads it.
type indicator struct {
	code, group, unit string
	kind              report.ColumnKind
	// defArgs are the arguments of the definition's format string.
	defArgs []func() string
	value   func(d *store.ReportData) int64
}

// Indicator groups (locale keys report.group.<group>).
const (
	groupFunds    = "funds"
	groupProjects = "projects"
	groupResults  = "results"
	groupSupport  = "support"
	groupProducts = "products"
	groupOutreach = "outreach"
	groupRegistry = "registry"
)

// outputIndicators maps indicator codes to the project output kinds they sum.
var outputIndicators = map[string]string{
	"demo_models": "models", "machines": "machines", "tech_lines": "lines", "brands": "brands", "fairs": "fairs",
	"trainees": "trainees", "trainees_employed": "trainees_employed", "jobs_created": "jobs",
}

// repFunds sums a column of the funds of the given sources (all state
// sources when sources is nil).
func repFunds(d *store.ReportData, field func(store.ReportFunds) int64, sources ...string) int64 {
	var n int64
	for _, f := range d.Funds {
		if sources == nil && f.Source == kc.SourceCounterpart {
			continue
		}
		if sources != nil && !repContains(sources, f.Source) {
			continue
		}
		n += field(f)
	}
	return n
}

func repContains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func approvedCol(f store.ReportFunds) int64 { return f.Approved }
func advancedCol(f store.ReportFunds) int64 { return f.Advanced }
func settledCol(f store.ReportFunds) int64  { return f.Settled }

// projectsOfLevel counts the funded projects of a level ("" = all).
func projectsOfLevel(d *store.ReportData, level string) int64 {
	var n int64
	for _, a := range d.Areas {
		if level == "" || a.Level == level {
			n += a.Projects
		}
	}
	return n
}

// featuredOf counts the typical products of a level ("" = all).
func featuredOf(d *store.ReportData, level string) int64 {
	var n int64
	for _, f := range d.Featured {
		if level == "" || f.Level == level {
			n += f.Products
		}
	}
	return n
}

// fundedWords is the definition phrase of the funded projects of a report.
func fundedWords() string { return tv("report.def.funded") }

// catalogue builds the indicator catalogue in display order.
func catalogue() []indicator {
	funded := fundedWords
	var cat []indicator
	add := func(code, group, unit string, kind report.ColumnKind, value func(d *store.ReportData) int64, defArgs ...func() string) {
		cat = append(cat, indicator{code: code, group: group, unit: unit, kind: kind, defArgs: defArgs, value: value})
	}
	add("funds_state_approved", groupFunds, "dong", report.Money,
		func(d *store.ReportData) int64 { return repFunds(d, approvedCol) }, funded)
	for _, src := range kc.FundingSources {
		if src == kc.SourceCounterpart {
			continue
		}
		add("funds_"+src, groupFunds, "dong", report.Money,
			func(d *store.ReportData) int64 { return repFunds(d, approvedCol, src) }, funded)
	}
	add("funds_state_disbursed", groupFunds, "dong", report.Money,
		func(d *store.ReportData) int64 { return repFunds(d, advancedCol) }, funded)
	add("funds_state_settled", groupFunds, "dong", report.Money,
		func(d *store.ReportData) int64 { return repFunds(d, settledCol) }, funded)
	add("counterpart_mobilised", groupFunds, "dong", report.Money,
		func(d *store.ReportData) int64 { return repFunds(d, approvedCol, kc.SourceCounterpart) }, funded)
	add("projects_total", groupProjects, "project", report.Count,
		func(d *store.ReportData) int64 { return projectsOfLevel(d, "") }, funded)
	add("projects_national", groupProjects, "project", report.Count,
		func(d *store.ReportData) int64 { return projectsOfLevel(d, LevelNational) }, funded)
	add("projects_local", groupProjects, "project", report.Count,
		func(d *store.ReportData) int64 { return projectsOfLevel(d, LevelLocal) }, funded)
	output := func(code, unit string) {
		kind := outputIndicators[code]
		add(code, groupResults, unit, report.Count, func(d *store.ReportData) int64 { return d.Outputs[kind] }, funded)
	}
	output("demo_models", "model")
	add("machinery_establishments", groupResults, "establishment", report.Count,
		func(d *store.ReportData) int64 { return d.MachineryEstablishments }, funded)
	output("machines", "machine")
	output("tech_lines", "line")
	output("brands", "brand")
	output("fairs", "fair")
	output("trainees", "person")
	output("trainees_employed", "person")
	output("jobs_created", "job")
	add("establishments_supported", groupSupport, "establishment", report.Count,
		func(d *store.ReportData) int64 { return d.Supported.Establishments }, funded)
	add("supported_women_owned", groupSupport, "establishment", report.Count,
		func(d *store.ReportData) int64 { return d.Supported.Women }, funded)
	add("supported_ethnic_minority_owned", groupSupport, "establishment", report.Count,
		func(d *store.ReportData) int64 { return d.Supported.Ethnic }, funded)
	add("traditional_trades_supported", groupSupport, "trade", report.Count,
		func(d *store.ReportData) int64 { return d.TraditionalTrades }, funded)
	add("featured_products", groupProducts, "product", report.Count,
		func(d *store.ReportData) int64 { return featuredOf(d, "") })
	for _, level := range FeaturedLevels {
		add(FeaturedPrefix+level, groupProducts, "product", report.Count,
			func(d *store.ReportData) int64 { return featuredOf(d, level) }, func() string { return repLevel(level) })
	}
	add("outreach_sessions", groupOutreach, "session", report.Count,
		func(d *store.ReportData) int64 { return repSessions(d, false) })
	add("people_reached", groupOutreach, "person_time", report.Count,
		func(d *store.ReportData) int64 { return repSessions(d, true) })
	add("establishments_registered", groupRegistry, "establishment", report.Count,
		func(d *store.ReportData) int64 { return d.Registered })
	return cat
}

// repLevel names a recognition level in Vietnamese ("cấp tỉnh").
func repLevel(level string) string {
	key := "record.cert.level." + level
	if s := tv(key); s != key {
		return strings.ToLower(s[:1]) + s[1:]
	}
	return level
}

func repSessions(d *store.ReportData, people bool) int64 {
	var n int64
	for _, s := range d.Sessions {
		if people {
			n += s.People
		} else {
			n += s.Sessions
		}
	}
	return n
}

// def returns the exported definition of a catalogue entry, in
// Vietnamese.
func (in indicator) def() IndicatorDef {
	args := make([]any, len(in.defArgs))
	for i, f := range in.defArgs {
		args[i] = f()
	}
	d := IndicatorDef{
		Code:       in.code,
		Group:      tv("report.group." + in.group),
		Label:      tv("report.ind." + in.code),
		Definition: tv("report.def."+in.code, args...),
		Unit:       tv("report.unit." + in.unit),
		Kind:       in.kind,
	}
	if level, ok := strings.CutPrefix(in.code, FeaturedPrefix); ok {
		// The per-level indicators share one label and definition.
		d.Label = tv("report.ind.featured_products_level", repLevel(level))
		d.Definition = tv("report.def.featured_products_level", args...)
	}
	return d
}

// IndicatorCatalogue returns the indicator catalogue in display order,
// with Vietnamese labels, definitions and units. The per-level
// typical-product indicators (FeaturedPrefix + level) are listed for
// every level of FeaturedLevels.
func IndicatorCatalogue() []IndicatorDef {
	cat := catalogue()
	out := make([]IndicatorDef, len(cat))
	for i, in := range cat {
		out[i] = in.def()
	}
	return out
}

// indicatorValues computes the catalogue over d. A per-level
// typical-product indicator is listed only when its level has products in
// the period.
func indicatorValues(d *store.ReportData) []report.Indicator {
	var out []report.Indicator
	for _, in := range catalogue() {
		v := in.value(d)
		if strings.HasPrefix(in.code, FeaturedPrefix) && v == 0 {
			continue
		}
		df := in.def()
		out = append(out, report.Indicator{Code: df.Code, Group: df.Group, Label: df.Label, Definition: df.Definition,
			Unit: df.Unit, Kind: df.Kind, Value: v})
	}
	return out
}
