package report

// Indicator is one figure of the indicator catalogue with its value for a
// unit and period. The catalogue (codes, labels, definitions) is defined
// once in the application layer; every report, dashboard and export reads
// the same values.
type Indicator struct {
	Code       string // stable identifier, e.g. "funds_state_approved"
	Group      string // heading it is listed under
	Label      string
	Definition string // how it is counted, shown next to the value
	Unit       string // "đồng", "đề án", "người", "cơ sở", "lượt"
	Kind       ColumnKind
	Value      int64
}

// Finding is one derived shortcoming (tồn tại, hạn chế) with its numbers
// already written into Text.
type Finding struct {
	Code string // e.g. "criteria_failed", "no_outreach", "unfunded_area"
	Text string
	// Items lists what the finding names (communes, content areas,
	// projects), for the bullets under it; may be empty.
	Items []string
}

// Dataset is everything a period or annual report says about one unit and
// range of years, computed once and handed to the document composer, the
// web page, the JSON API and the dashboard.
type Dataset struct {
	UnitID    int64
	UnitCode  string
	UnitName  string // with its type, e.g. "Huyện Đakrông"
	UnitLevel string // province | district | commune
	// Former is true when the unit is no longer in force (a district, or
	// a commune before the 2025 reform); the document says so.
	Former bool
	From   int // first year, inclusive
	To     int // last year, inclusive
	// Units names the units whose records were counted, as they were at
	// the time (e.g. the 13 communes of the former district).
	Units []string
	// Caveats are plain sentences on how the figures were gathered, e.g.
	// a former commune only partly inside the unit.
	Caveats []string
	// Indicators are the catalogue values for the unit and period.
	Indicators []Indicator
	// Tables are the breakdowns (funds by year and source, by content
	// area, establishments by commune, trade, kind, …).
	Tables []Table
	// Charts draw some of the tables.
	Charts []Chart
	// Findings is the derived "tồn tại, hạn chế" section.
	Findings []Finding
	// Empty is true when no project, session or establishment record
	// falls in the unit and period: an honest empty report.
	Empty bool
}

// Indicator returns the indicator with code, or false.
func (d *Dataset) Indicator(code string) (Indicator, bool) {
	for _, in := range d.Indicators {
		if in.Code == code {
			return in, true
		}
	}
	return Indicator{}, false
}

// Table returns the table whose Sheet is sheet, or nil.
func (d *Dataset) Table(sheet string) *Table {
	for i := range d.Tables {
		if d.Tables[i].Sheet == sheet {
			return &d.Tables[i]
		}
	}
	return nil
}
