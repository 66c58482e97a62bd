package unitdata

import (
	"fmt"
	"strings"

	"khuyencong/internal/kc"
)

// Set is the whole list ready to load: units whose ID is a local number
// (1…len(Units)) and whose ParentID refers to an earlier unit of the same
// slice, and succession links between those local ids. Parents always come
// before their children.
type Set struct {
	Units       []kc.Unit
	Successions []kc.Succession
}

// LevelOf returns the level a code of this length denotes: 2 digits a
// province, 3 a district, 5 a commune; "" for anything else.
func LevelOf(code string) string {
	for _, r := range code {
		if r < '0' || r > '9' {
			return ""
		}
	}
	switch len(code) {
	case 2:
		return kc.LevelProvince
	case 3:
		return kc.LevelDistrict
	case 5:
		return kc.LevelCommune
	}
	return ""
}

// builder assembles a Set and indexes its units by level and code.
type builder struct {
	set    Set
	byCode map[string][]int // level|code → indexes into set.Units
	pairs  map[[2]int64]bool
}

func (b *builder) add(u kc.Unit) int64 {
	u.ID = int64(len(b.set.Units) + 1)
	b.set.Units = append(b.set.Units, u)
	k := u.Level + "|" + u.Code
	b.byCode[k] = append(b.byCode[k], len(b.set.Units)-1)
	return u.ID
}

// find returns the local id of the unit with level and code valid on day,
// or 0.
func (b *builder) find(level, code string, on kc.Date) int64 {
	for _, i := range b.byCode[level+"|"+code] {
		if b.set.Units[i].ValidOn(on) {
			return b.set.Units[i].ID
		}
	}
	return 0
}

func (b *builder) link(from, to int64, scope string, eff kc.Date, basis string) error {
	if from == 0 || to == 0 {
		return fmt.Errorf("unitdata: succession with an unknown unit")
	}
	if scope != kc.SuccessionFull && scope != kc.SuccessionPartial {
		return fmt.Errorf("unitdata: succession scope %q", scope)
	}
	p := [2]int64{from, to}
	if b.pairs[p] {
		return nil
	}
	b.pairs[p] = true
	b.set.Successions = append(b.set.Successions, kc.Succession{FromID: from, ToID: to, Scope: scope, Effective: eff, Basis: basis})
	return nil
}

// provinceType derives the type of a pre-2025 province from its name, which
// the source list gives without a separate type column.
func provinceType(name string) string {
	if strings.HasPrefix(name, "Thành phố ") {
		return "Thành phố"
	}
	return "Tỉnh"
}

// Load parses the embedded files and builds the Set, checking that every
// link resolves.
func Load() (*Set, error) {
	raw, err := ReadRaw()
	if err != nil {
		return nil, err
	}
	return Build(raw)
}

// Build turns parsed rows into a Set (see the package documentation for
// the periods and links it creates).
func Build(raw *Raw) (*Set, error) {
	b := &builder{byCode: map[string][]int{}, pairs: map[[2]int64]bool{}}
	pre, post := UnknownStart, kc.ReformDate
	// Pre-2025 three-level list.
	for _, r := range raw.Pre {
		pid := b.find(kc.LevelProvince, r.ProvinceCode, pre)
		if pid == 0 {
			pid = b.add(kc.Unit{Code: r.ProvinceCode, Level: kc.LevelProvince, Type: provinceType(r.ProvinceName),
				Name: r.ProvinceName, ValidFrom: pre, ValidTo: PreReformEnd})
		}
		did := b.find(kc.LevelDistrict, r.DistrictCode, pre)
		if did == 0 {
			did = b.add(kc.Unit{Code: r.DistrictCode, Level: kc.LevelDistrict, Type: r.DistrictType,
				Name: r.DistrictName, ParentID: pid, ValidFrom: pre, ValidTo: PreReformEnd})
		}
		if r.CommuneCode == "" {
			continue
		}
		if b.find(kc.LevelCommune, r.CommuneCode, pre) != 0 {
			return nil, fmt.Errorf("unitdata: pre-2025 commune %s listed twice", r.CommuneCode)
		}
		b.add(kc.Unit{Code: r.CommuneCode, Level: kc.LevelCommune, Type: r.CommuneType, Name: r.CommuneName,
			ParentID: did, ValidFrom: pre, ValidTo: PreReformEnd})
	}
	// Units in force since the reform.
	for _, p := range raw.Provinces {
		b.add(kc.Unit{Code: p.Code, Level: kc.LevelProvince, Type: p.Type, Name: p.Name, ValidFrom: post})
	}
	for _, c := range raw.Communes {
		pid := b.find(kc.LevelProvince, c.ProvinceCode, post)
		if pid == 0 {
			return nil, fmt.Errorf("unitdata: commune %s: unknown province %s", c.Code, c.ProvinceCode)
		}
		b.add(kc.Unit{Code: c.Code, Level: kc.LevelCommune, Type: c.Type, Name: c.Name, ParentID: pid, ValidFrom: post})
	}
	// Curated additions before any link, so links may point at them.
	for _, c := range raw.Curated {
		if c.Kind == "unit" {
			if err := b.curatedUnit(c); err != nil {
				return nil, err
			}
		}
	}
	// 2025 links: provinces, communes, island districts.
	for _, p := range raw.Provinces {
		to := b.find(kc.LevelProvince, p.Code, post)
		for _, old := range p.Legacy {
			from := b.find(kc.LevelProvince, old, pre)
			if err := b.link(from, to, kc.SuccessionFull, post, ReformBasis); err != nil {
				return nil, fmt.Errorf("%w: province %s → %s", err, old, p.Code)
			}
		}
	}
	for _, m := range raw.Mappings {
		from := b.find(kc.LevelCommune, m.OldCommuneCode, pre)
		if m.OldCommuneCode == "" {
			from = b.find(kc.LevelDistrict, m.OldDistrictCode, pre)
		}
		to := b.find(kc.LevelCommune, m.NewCommuneCode, post)
		if err := b.link(from, to, m.Scope, post, ReformBasis); err != nil {
			return nil, fmt.Errorf("%w: commune %s/%s → %s", err, m.OldCommuneCode, m.OldDistrictCode, m.NewCommuneCode)
		}
	}
	for _, c := range raw.Curated {
		switch c.Kind {
		case "unit":
			if c.SuccessorCode == "" {
				continue
			}
			from := b.find(c.Level, c.Code, c.ValidFrom)
			to := b.find(LevelOf(c.SuccessorCode), c.SuccessorCode, c.Effective)
			if err := b.link(from, to, c.Scope, c.Effective, c.Basis); err != nil {
				return nil, fmt.Errorf("%w: curated %s → %s", err, c.Code, c.SuccessorCode)
			}
		case "rename":
			id := b.find(c.Level, c.Code, c.ValidFrom)
			if id == 0 {
				return nil, fmt.Errorf("unitdata: curated rename: no %s %s on %s", c.Level, c.Code, c.ValidFrom)
			}
			u := &b.set.Units[id-1]
			u.Name, u.Note = c.Name, c.Note
			if c.Type != "" {
				u.Type = c.Type
			}
		default:
			return nil, fmt.Errorf("unitdata: curated kind %q", c.Kind)
		}
	}
	return &b.set, nil
}

// curatedUnit adds a unit of curated.csv under the parent valid on its
// first day.
func (b *builder) curatedUnit(c Curated) error {
	if LevelOf(c.Code) != c.Level || c.Name == "" || c.Type == "" || c.ValidFrom.IsZero() {
		return fmt.Errorf("unitdata: curated unit %s: level, name, type and valid_from are required", c.Code)
	}
	if b.find(c.Level, c.Code, c.ValidFrom) != 0 || (!c.ValidTo.IsZero() && b.find(c.Level, c.Code, c.ValidTo) != 0) {
		return fmt.Errorf("unitdata: curated unit %s overlaps a listed unit", c.Code)
	}
	var pid int64
	if c.ParentCode != "" {
		if pid = b.find(LevelOf(c.ParentCode), c.ParentCode, c.ValidFrom); pid == 0 {
			return fmt.Errorf("unitdata: curated unit %s: no parent %s on %s", c.Code, c.ParentCode, c.ValidFrom)
		}
	}
	b.add(kc.Unit{Code: c.Code, Level: c.Level, Type: c.Type, Name: c.Name, ParentID: pid,
		ValidFrom: c.ValidFrom, ValidTo: c.ValidTo, Note: c.Note})
	return nil
}
