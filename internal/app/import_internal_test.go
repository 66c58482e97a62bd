package app

import (
	"testing"

	"khuyencong/internal/kc"
)

func TestCommuneCandidatesTemplateChoice(t *testing.T) {
	u := kc.Unit{ID: 7, Code: "19564", Level: kc.LevelCommune, Name: "Xã Đakrông", ValidFrom: kc.ReformDate}
	ix := &communeIndex{byID: map[int64]kc.Unit{7: u}, byCode: map[string][]int64{"19564": {7}}, byName: map[string][]int64{}}
	cases := []struct {
		name, code, cname string
		want              int
	}{
		{"dropdown value", "", CommuneChoice(u), 1},
		{"plain code", "19564", "", 1},
		{"unknown name", "", "Xã Không Có", 0},
		{"dash inside a name", "", "Xã A – B", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ix.candidates(c.code, c.cname); len(got) != c.want {
				t.Errorf("candidates(%q, %q) = %v, want %d", c.code, c.cname, got, c.want)
			}
		})
	}
}
