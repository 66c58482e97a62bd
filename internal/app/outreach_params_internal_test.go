package app

import (
	"strconv"
	"testing"

	"khuyencong/internal/outreach"
)

// TestOutreachParamFieldsMatchSettings checks that the range of every
// field is the one setOutreachParam reads the setting with, and that
// OutreachParamValues writes what it reads back.
func TestOutreachParamFieldsMatchSettings(t *testing.T) {
	fields := OutreachParamFields()
	def := outreach.DefaultParams()
	vals := OutreachParamValues(def)
	if len(fields) != len(vals) {
		t.Fatalf("%d fields, %d values", len(fields), len(vals))
	}
	for _, f := range fields {
		p := outreach.DefaultParams()
		if !setOutreachParam(&p, f.Name, vals[f.Name]) {
			t.Errorf("%s: default %q refused", f.Name, vals[f.Name])
		}
		if f.Unit == ParamUnitBool {
			if setOutreachParam(&p, f.Name, "maybe") {
				t.Errorf("%s: maybe accepted", f.Name)
			}
			continue
		}
		for n, ok := range map[int64]bool{f.Min: true, f.Max: true, f.Min - 1: false, f.Max + 1: false} {
			if got := setOutreachParam(&p, f.Name, strconv.FormatInt(n, 10)); got != ok {
				t.Errorf("%s = %d: accepted %v, want %v", f.Name, n, got, ok)
			}
		}
		if f.rangeError() == nil {
			t.Errorf("%s: no range error", f.Name)
		}
	}
	back, bad := parseOutreachParams(prefixed(vals))
	if len(bad) > 0 || back.TravelCost != def.TravelCost || len(back.Forms) != len(def.Forms) {
		t.Errorf("round trip %+v %v", back, bad)
	}
}

func prefixed(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[outreachPlanPrefix+k] = v
	}
	return out
}
