package unitdata

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

//go:embed data/*.csv data/README.md
var files embed.FS

// UnknownStart is the valid_from of units whose start is not recorded in
// the source lists (every pre-2025 unit). Screens show it as "not recorded".
var UnknownStart = kc.MustDate("1900-01-01")

// PreReformEnd is the last day of the pre-2025 units.
var PreReformEnd = kc.ReformDate.AddDays(-1)

// ReformBasis is the legal basis recorded on the 2025 succession links.
const ReformBasis = "NQ 202/2025/QH15; NQ UBTVQH15 2025"

// Province is a row of vn_provinces_2025.csv: a province in force since
// 01/07/2025 and the codes of the pre-2025 provinces merged into it.
type Province struct {
	Code, Name, Type string
	Legacy           []string
}

// Commune is a row of vn_communes_2025.csv: a commune in force since
// 01/07/2025.
type Commune struct {
	Code, Name, Type, ProvinceCode string
}

// PreRow is a row of vn_units_pre2025.csv. CommuneCode is empty for the
// island districts that had no communes.
type PreRow struct {
	ProvinceCode, ProvinceName               string
	DistrictCode, DistrictName, DistrictType string
	CommuneCode, CommuneName, CommuneType    string
}

// Mapping is a row of vn_commune_mapping_2025.csv. OldCommuneCode is empty
// for the island districts, which map as a whole.
type Mapping struct {
	OldCommuneCode, OldCommuneName, OldDistrictCode, OldProvinceCode string
	NewCommuneCode, NewCommuneName, NewProvinceCode                  string
	Scope                                                            string
}

// Curated is a row of data/curated.csv (see the package documentation).
type Curated struct {
	Kind, Level, Code          string
	ValidFrom, ValidTo         kc.Date
	Name, Type, ParentCode     string
	Note, SuccessorCode, Scope string
	Effective                  kc.Date
	Basis                      string
}

// Raw is every source file parsed into plain rows.
type Raw struct {
	Provinces []Province
	Communes  []Commune
	Pre       []PreRow
	Mappings  []Mapping
	Curated   []Curated
}

// README returns the data README with its sources and licence notices.
func README() string {
	b, _ := files.ReadFile("data/README.md")
	return string(b)
}

// readCSV reads an embedded CSV, checks its header and returns the records.
func readCSV(name string, header ...string) ([][]string, error) {
	f, err := files.Open("data/" + name)
	if err != nil {
		return nil, fmt.Errorf("unitdata: %s: %w", name, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = len(header)
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("unitdata: %s: header: %w", name, err)
	}
	if strings.Join(head, ",") != strings.Join(header, ",") {
		return nil, fmt.Errorf("unitdata: %s: header %q, want %q", name, head, header)
	}
	var out [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("unitdata: %s: %w", name, err)
		}
		for i := range rec {
			rec[i] = vi.NFC(rec[i])
		}
		out = append(out, rec)
	}
}

// ReadRaw parses every embedded file.
func ReadRaw() (*Raw, error) {
	raw := &Raw{}
	recs, err := readCSV("vn_provinces_2025.csv", "code", "name", "type", "legacy_province_codes")
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		raw.Provinces = append(raw.Provinces, Province{Code: r[0], Name: r[1], Type: r[2], Legacy: strings.Split(r[3], ";")})
	}
	if recs, err = readCSV("vn_communes_2025.csv", "code", "name", "type", "province_code"); err != nil {
		return nil, err
	}
	for _, r := range recs {
		raw.Communes = append(raw.Communes, Commune{Code: r[0], Name: r[1], Type: r[2], ProvinceCode: r[3]})
	}
	if recs, err = readCSV("vn_units_pre2025.csv", "province_code", "province_name", "district_code", "district_name",
		"district_type", "commune_code", "commune_name", "commune_type"); err != nil {
		return nil, err
	}
	for _, r := range recs {
		raw.Pre = append(raw.Pre, PreRow{r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]})
	}
	if recs, err = readCSV("vn_commune_mapping_2025.csv", "old_commune_code", "old_commune_name", "old_district_code",
		"old_province_code", "new_commune_code", "new_commune_name", "new_province_code", "scope"); err != nil {
		return nil, err
	}
	for _, r := range recs {
		raw.Mappings = append(raw.Mappings, Mapping{r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]})
	}
	if recs, err = readCSV("curated.csv", "kind", "level", "code", "valid_from", "valid_to", "name", "type",
		"parent_code", "note", "successor_code", "scope", "effective", "basis"); err != nil {
		return nil, err
	}
	for i, r := range recs {
		c := Curated{Kind: r[0], Level: r[1], Code: r[2], Name: r[5], Type: r[6], ParentCode: r[7], Note: r[8],
			SuccessorCode: r[9], Scope: r[10], Basis: r[12]}
		for _, d := range []struct {
			dst *kc.Date
			s   string
		}{{&c.ValidFrom, r[3]}, {&c.ValidTo, r[4]}, {&c.Effective, r[11]}} {
			if d.s == "" {
				continue
			}
			if *d.dst, err = kc.ParseDate(d.s); err != nil {
				return nil, fmt.Errorf("unitdata: curated.csv row %d: %w", i+2, err)
			}
		}
		raw.Curated = append(raw.Curated, c)
	}
	return raw, nil
}
