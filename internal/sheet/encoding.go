package sheet

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Encoding is the way Vietnamese text in a cell was typed.
type Encoding int

// Encodings recognised in cells.
const (
	Unicode Encoding = iota // Unicode (NFC or NFD)
	TCVN3                   // TCVN 5712:1993 VN3 ("ABC"), .VnTime fonts
	VNI                     // VNI-Windows, VNI-Times fonts
)

// String names the encoding.
func (e Encoding) String() string {
	switch e {
	case TCVN3:
		return "TCVN3"
	case VNI:
		return "VNI"
	}
	return "Unicode"
}

// tcvn3Table maps the TCVN3 (VN3) code page, read as Latin-1 positions, to
// the precomposed Unicode letter. TCVN3 has no upper-case letters with tone
// marks: the .VnTimeH fonts draw the lower-case positions as capitals, so
// those convert to lower case.
var tcvn3Table = map[rune]rune{
	0xA1: 'Ă', 0xA2: 'Â', 0xA3: 'Ê', 0xA4: 'Ô', 0xA5: 'Ơ', 0xA6: 'Ư', 0xA7: 'Đ',
	0xA8: 'ă', 0xA9: 'â', 0xAA: 'ê', 0xAB: 'ô', 0xAC: 'ơ', 0xAD: 'ư', 0xAE: 'đ',
	0xB5: 'à', 0xB6: 'ả', 0xB7: 'ã', 0xB8: 'á', 0xB9: 'ạ',
	0xBB: 'ằ', 0xBC: 'ẳ', 0xBD: 'ẵ', 0xBE: 'ắ', 0xC6: 'ặ',
	0xC7: 'ầ', 0xC8: 'ẩ', 0xC9: 'ẫ', 0xCA: 'ấ', 0xCB: 'ậ',
	0xCC: 'è', 0xCE: 'ẻ', 0xCF: 'ẽ', 0xD0: 'é', 0xD1: 'ẹ',
	0xD2: 'ề', 0xD3: 'ể', 0xD4: 'ễ', 0xD5: 'ế', 0xD6: 'ệ',
	0xD7: 'ì', 0xD8: 'ỉ', 0xDC: 'ĩ', 0xDD: 'í', 0xDE: 'ị',
	0xDF: 'ò', 0xE1: 'ỏ', 0xE2: 'õ', 0xE3: 'ó', 0xE4: 'ọ',
	0xE5: 'ồ', 0xE6: 'ổ', 0xE7: 'ỗ', 0xE8: 'ố', 0xE9: 'ộ',
	0xEA: 'ờ', 0xEB: 'ở', 0xEC: 'ỡ', 0xED: 'ớ', 0xEE: 'ợ',
	0xEF: 'ù', 0xF1: 'ủ', 0xF2: 'ũ', 0xF3: 'ú', 0xF4: 'ụ',
	0xF5: 'ừ', 0xF6: 'ử', 0xF7: 'ữ', 0xF8: 'ứ', 0xF9: 'ự',
	0xFA: 'ỳ', 0xFB: 'ỷ', 0xFC: 'ỹ', 0xFD: 'ý', 0xFE: 'ỵ',
}

// Combining marks used to build letters.
const (
	mGrave   = '\u0300' // huyền
	mAcute   = '\u0301' // sắc
	mTilde   = '\u0303' // ngã
	mHook    = '\u0309' // hỏi
	mDot     = '\u0323' // nặng
	mCircum  = '\u0302' // â ê ô
	mBreve   = '\u0306' // ă
	noneMark = rune(0)
)

// vniMark is what a VNI mark character adds to the vowel before it: a vowel
// modifier (circumflex or breve) and/or a tone.
type vniMark struct {
	mod  rune // mCircum, mBreve or 0
	tone rune // tone mark or 0
	only string
}

// vniMarks maps the VNI-Windows mark characters (lower- and upper-case
// forms) to the marks they add. "only" restricts the base letters the mark
// applies to (empty: any vowel).
var vniMarks = map[rune]vniMark{
	'ù': {tone: mAcute}, 'Ù': {tone: mAcute},
	'ø': {tone: mGrave}, 'Ø': {tone: mGrave},
	'û': {tone: mHook}, 'Û': {tone: mHook},
	'õ': {tone: mTilde}, 'Õ': {tone: mTilde},
	'ï': {tone: mDot}, 'Ï': {tone: mDot},
	'î': {tone: mDot, only: "yY"}, 'Î': {tone: mDot, only: "yY"},
	'â': {mod: mCircum, only: "aeoAEO"}, 'Â': {mod: mCircum, only: "aeoAEO"},
	'á': {mod: mCircum, tone: mAcute, only: "aeoAEO"}, 'Á': {mod: mCircum, tone: mAcute, only: "aeoAEO"},
	'à': {mod: mCircum, tone: mGrave, only: "aeoAEO"}, 'À': {mod: mCircum, tone: mGrave, only: "aeoAEO"},
	'å': {mod: mCircum, tone: mHook, only: "aeoAEO"}, 'Å': {mod: mCircum, tone: mHook, only: "aeoAEO"},
	'ã': {mod: mCircum, tone: mTilde, only: "aeoAEO"}, 'Ã': {mod: mCircum, tone: mTilde, only: "aeoAEO"},
	'ä': {mod: mCircum, tone: mDot, only: "aeoAEO"}, 'Ä': {mod: mCircum, tone: mDot, only: "aeoAEO"},
	'ê': {mod: mBreve, only: "aA"}, 'Ê': {mod: mBreve, only: "aA"},
	'é': {mod: mBreve, tone: mAcute, only: "aA"}, 'É': {mod: mBreve, tone: mAcute, only: "aA"},
	'è': {mod: mBreve, tone: mGrave, only: "aA"}, 'È': {mod: mBreve, tone: mGrave, only: "aA"},
	'ú': {mod: mBreve, tone: mHook, only: "aA"}, 'Ú': {mod: mBreve, tone: mHook, only: "aA"},
	'ü': {mod: mBreve, tone: mTilde, only: "aA"}, 'Ü': {mod: mBreve, tone: mTilde, only: "aA"},
	'ë': {mod: mBreve, tone: mDot, only: "aA"}, 'Ë': {mod: mBreve, tone: mDot, only: "aA"},
}

// vniLetters maps the VNI-Windows characters that stand alone for a letter.
var vniLetters = map[rune]rune{
	'ô': 'ơ', 'Ô': 'Ơ', 'ö': 'ư', 'Ö': 'Ư', 'ñ': 'đ', 'Ñ': 'Đ',
	'í': 'í', 'Í': 'Í', 'ì': 'ì', 'Ì': 'Ì', 'æ': 'ỉ', 'Æ': 'Ỉ',
	'ó': 'ĩ', 'Ó': 'Ĩ', 'ò': 'ị', 'Ò': 'Ị',
}

// vniBases are the letters a VNI mark may follow.
const vniBases = "aeiouyAEIOUYơưƠƯ"

// decodeTCVN3 converts s read as TCVN3.
func decodeTCVN3(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		if u, ok := tcvn3Table[r]; ok {
			b.WriteRune(u)
		} else {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

// decodeVNI converts s read as VNI-Windows: a base vowel followed by mark
// characters becomes one precomposed letter.
func decodeVNI(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if u, ok := vniLetters[r]; ok {
			r = u
		}
		if !strings.ContainsRune(vniBases, r) {
			b.WriteRune(r)
			continue
		}
		var mod, tone rune
		for i+1 < len(rs) {
			m, ok := vniMarks[rs[i+1]]
			if !ok || (m.only != "" && !strings.ContainsRune(m.only, r)) ||
				(m.mod != 0 && mod != 0) || (m.tone != 0 && tone != 0) ||
				(m.mod != 0 && (r == 'ơ' || r == 'ư' || r == 'Ơ' || r == 'Ư')) {
				break
			}
			if m.mod != 0 {
				mod = m.mod
			}
			if m.tone != 0 {
				tone = m.tone
			}
			i++
		}
		b.WriteRune(r)
		if mod != 0 {
			b.WriteRune(mod)
		}
		if tone != 0 {
			b.WriteRune(tone)
		}
	}
	return norm.NFC.String(b.String())
}

// DecodeAs converts s, typed in encoding e, to Unicode NFC.
func DecodeAs(s string, e Encoding) string {
	switch e {
	case TCVN3:
		return decodeTCVN3(s)
	case VNI:
		return decodeVNI(s)
	}
	return norm.NFC.String(s)
}

// legacyCandidate reports whether s may be legacy text: only Latin-1 runes,
// at least one of them above ASCII.
func legacyCandidate(s string) bool {
	high := false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r > 0xFF {
			return false
		}
		if r >= 0x80 {
			high = true
		}
	}
	return high
}

// scores returns, for Unicode, TCVN3 and VNI, how Vietnamese s looks once
// decoded that way: +1 per plausible syllable with marks, -1 per word that
// is not one.
func scores(s string) [3]int {
	var sc [3]int
	if !legacyCandidate(s) {
		return sc
	}
	sc[Unicode] = plausibility(norm.NFC.String(s))
	sc[TCVN3] = plausibility(decodeTCVN3(s))
	sc[VNI] = plausibility(decodeVNI(s))
	return sc
}

// best picks the encoding with the highest score; Unicode wins ties, then
// prior.
func best(sc [3]int, prior Encoding) Encoding {
	e := Unicode
	if sc[prior] > sc[e] {
		e = prior
	}
	for _, c := range []Encoding{TCVN3, VNI} {
		if sc[c] > sc[e] {
			e = c
		}
	}
	return e
}

// ToUnicode detects whether s was typed in TCVN3 or VNI and returns it as
// Unicode NFC with the encoding it was found in. Normal Unicode and plain
// ASCII are returned (normalised) with Unicode.
func ToUnicode(s string) (string, Encoding) {
	return Convert(s, Unicode)
}

// Convert is ToUnicode with a prior: when a cell reads equally well as
// Unicode and as the file's dominant legacy encoding, prior decides.
// Ambiguous means both readings score the same and the prior is legacy.
func Convert(s string, prior Encoding) (string, Encoding) {
	if !legacyCandidate(s) {
		return norm.NFC.String(s), Unicode
	}
	sc := scores(s)
	e := best(sc, Unicode)
	if e == Unicode && prior != Unicode && sc[prior] == sc[Unicode] && sc[prior] > 0 {
		e = prior
	}
	return DecodeAs(s, e), e
}

// Detector decides the dominant encoding of a file from many cells.
type Detector struct {
	votes [3]int
}

// Add feeds one cell to the detector.
func (d *Detector) Add(s string) {
	if !legacyCandidate(s) {
		if hasVietnamese(s) {
			d.votes[Unicode]++
		}
		return
	}
	sc := scores(s)
	e := best(sc, Unicode)
	if e == Unicode && (sc[Unicode] <= sc[TCVN3] || sc[Unicode] <= sc[VNI]) {
		return // reads as well in a legacy encoding: no vote
	}
	if sc[e] > 0 {
		d.votes[e]++
	}
}

// Encoding returns the dominant encoding of the cells added so far; Unicode
// unless a legacy encoding has more votes than Unicode.
func (d *Detector) Encoding() Encoding {
	e := Unicode
	for _, c := range []Encoding{TCVN3, VNI} {
		if d.votes[c] > d.votes[e] {
			e = c
		}
	}
	return e
}

// hasVietnamese reports whether s contains a Vietnamese letter outside
// Latin-1 (ă, đ, ơ, ư, ạ, …).
func hasVietnamese(s string) bool {
	for _, r := range s {
		if r > 0xFF {
			if _, ok := letterInfo[r]; ok {
				return true
			}
		}
	}
	return false
}

// letter describes a Vietnamese letter: its base vowel (with vowel marks,
// lower case) or consonant, and its tone.
type letter struct {
	base  rune // lower-case letter without tone (a ă â … y, đ, or ASCII consonant)
	tone  rune // 0 when none
	vowel bool
}

var (
	vowelBases = []string{"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"}
	tones      = []rune{noneMark, mGrave, mAcute, mHook, mTilde, mDot}
	letterInfo = buildLetters()
)

// VietnameseLetters returns every Vietnamese letter with a mark (vowels with
// each tone, đ) in lower and upper case, NFC; for tests and templates.
func VietnameseLetters() []string {
	var out []string
	for _, v := range vowelBases {
		for _, t := range tones {
			s := v
			if t != 0 {
				s += string(t)
			}
			l := norm.NFC.String(s)
			out = append(out, l, strings.ToUpper(l))
		}
	}
	return append(out, "đ", "Đ")
}

func buildLetters() map[rune]letter {
	m := map[rune]letter{}
	for _, v := range vowelBases {
		base, _ := utf8.DecodeRuneInString(norm.NFC.String(v))
		for _, t := range tones {
			s := v
			if t != 0 {
				s += string(t)
			}
			l := norm.NFC.String(s)
			r, _ := utf8.DecodeRuneInString(l)
			u, _ := utf8.DecodeRuneInString(strings.ToUpper(l))
			m[r] = letter{base: base, tone: t, vowel: true}
			m[u] = letter{base: base, tone: t, vowel: true}
		}
	}
	m['đ'] = letter{base: 'đ'}
	m['Đ'] = letter{base: 'đ'}
	for r := 'a'; r <= 'z'; r++ {
		if _, ok := m[r]; !ok {
			m[r] = letter{base: r}
			m[r-'a'+'A'] = letter{base: r}
		}
	}
	return m
}

var finals = map[string]bool{"": true, "c": true, "ch": true, "m": true, "n": true, "ng": true, "nh": true, "p": true, "t": true}

// plausibility scores text: each word holding a non-ASCII rune counts +1
// when it is a plausible Vietnamese syllable and -1 otherwise.
func plausibility(s string) int {
	score := 0
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return r < 0x80 && !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) {
		ascii := true
		for i := 0; i < len(w); i++ {
			if w[i] >= 0x80 {
				ascii = false
				break
			}
		}
		if ascii {
			continue
		}
		if syllable(w) {
			score++
		} else {
			score--
		}
	}
	return score
}

// nuclei are the vowel groups of Vietnamese syllables, without tones (after
// the "i" of "gi" and the "u" of "qu" are set aside).
var nuclei = func() map[string]bool {
	m := map[string]bool{}
	for _, v := range strings.Fields(`a ă â e ê i o ô ơ u ư y
		ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ ưa ưi ưu ươ uy yê
		iêu oai oay oeo uây uôi ươi ươu uyê uya yêu uyu`) {
		m[v] = true
	}
	return m
}()

// offglides are the vowel groups ending in a semivowel; no final consonant
// follows them.
var offglides = func() map[string]bool {
	m := map[string]bool{}
	for _, v := range strings.Fields("ai ao au ay âu ây eo êu iu oi ôi ơi ui ưi ưu oai oay uây uôi ươi ươu iêu yêu uyu oeo") {
		m[v] = true
	}
	return m
}()

// syllable reports whether w looks like one Vietnamese syllable: at most
// three consonants, a known vowel group with at most one tone, a valid final,
// and no capital after a small letter.
func syllable(w string) bool {
	rs := []rune(w)
	for i := 1; i < len(rs); i++ {
		if unicode.IsUpper(rs[i]) && unicode.IsLower(rs[i-1]) {
			return false
		}
	}
	var initial, vowels, fin strings.Builder
	i, ntone := 0, 0
	for ; i < len(rs); i++ {
		l, ok := letterInfo[rs[i]]
		if !ok {
			return false
		}
		if l.vowel {
			break
		}
		initial.WriteRune(l.base)
	}
	if i > 3 || i == len(rs) {
		return false
	}
	for ; i < len(rs); i++ {
		l, ok := letterInfo[rs[i]]
		if !ok {
			return false
		}
		if !l.vowel {
			break
		}
		vowels.WriteRune(l.base)
		if l.tone != 0 {
			ntone++
		}
	}
	for ; i < len(rs); i++ {
		l, ok := letterInfo[rs[i]]
		if !ok || l.vowel {
			return false
		}
		fin.WriteRune(l.base)
	}
	v := vowels.String()
	switch initial.String() {
	case "g":
		if len([]rune(v)) > 1 && strings.HasPrefix(v, "i") {
			v = v[1:]
		}
	case "q":
		if len([]rune(v)) > 1 && strings.HasPrefix(v, "u") {
			v = v[1:]
		}
	}
	if offglides[v] && fin.Len() > 0 {
		return false
	}
	return ntone <= 1 && nuclei[v] && finals[fin.String()]
}
