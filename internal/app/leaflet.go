package app

import (
	"cmp"
	"context"
	"crypto/hmac"
	"io"
	"net/url"
	"slices"
	"strings"

	"khuyencong/internal/eligibility"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/report/leaflet"
	"khuyencong/internal/vi"
)

// Query parameters of the pre-filled self-check link printed on leaflets:
// the commune code, the trade code and the signature.
const (
	LinkCommuneParam = "xa"
	LinkTradeParam   = "nghe"
	LinkSigParam     = "k"
)

// SelfCheckPath is the address of the public self-check that leaflets
// link to.
const SelfCheckPath = "/tu-kiem-tra"

// DefaultBaseURL is the address of the server when none is configured.
const DefaultBaseURL = "http://localhost:8080"

// Limits of the leaflet: at most this many supports, and this many
// conditions per support, so that it stays one readable page.
const (
	leafletSupports      = 3
	maxLeafletConditions = 2
	linkSigHex           = 12 // 48 bits of HMAC-SHA256, in hex
)

// linkSig is the signature of a pre-filled self-check link: the first
// linkSigHex hex digits of the keyed hash of the commune and trade codes,
// or "" when the app has no secret.
func (a *App) linkSig(commune, trade string) string {
	if a.keys == nil {
		return ""
	}
	h := a.keys.Hash("selfcheck_link", commune+"\x00"+strings.ToUpper(trade))
	_, hexs, _ := strings.Cut(h, ":")
	if len(hexs) < linkSigHex {
		return ""
	}
	return hexs[:linkSigHex]
}

// SelfCheckLink returns the address of the public self-check under
// baseURL pre-filled with the commune and trade codes and signed with the
// app's secret (?xa=…&nghe=…&k=…), so that a tampered code is detected. It
// is an error when the app has no secret.
func (a *App) SelfCheckLink(baseURL, communeCode, tradeCode string) (string, error) {
	sig := a.linkSig(communeCode, tradeCode)
	if sig == "" {
		return "", kc.Errorf(kc.EInvalid, "personal.secret_required")
	}
	// The order xa, nghe, k reads better than url.Values' sorted order.
	enc := LinkCommuneParam + "=" + url.QueryEscape(communeCode) + "&" + LinkTradeParam + "=" + url.QueryEscape(strings.ToUpper(tradeCode)) +
		"&" + LinkSigParam + "=" + sig
	return strings.TrimRight(baseURL, "/") + SelfCheckPath + "?" + enc, nil
}

// CheckSelfCheckLink checks the parameters of a pre-filled self-check
// link: the signature must match (a field error on "commune",
// "leaflet.link_commune" otherwise: the commune code is what people
// tamper with), the commune must be in force today ("commune") and the
// trade in the catalogue ("trade", "leaflet.link_trade"). It returns the
// commune and trade codes as the self-check form expects them. It needs no
// login.
func (a *App) CheckSelfCheckLink(ctx context.Context, communeCode, tradeCode, sig string) (commune, trade string, err error) {
	communeCode, tradeCode = strings.TrimSpace(communeCode), strings.TrimSpace(tradeCode)
	want := a.linkSig(communeCode, tradeCode)
	if want == "" || len(communeCode) > 20 || len(tradeCode) > 50 || !hmac.Equal([]byte(want), []byte(strings.ToLower(strings.TrimSpace(sig)))) {
		return "", "", kc.FieldError("commune", "leaflet.link_commune")
	}
	u, err := a.Store.FindUnit(ctx, communeCode, a.today())
	switch {
	case kc.ErrorCode(err) == kc.ENotFound || (err == nil && u.Level != kc.LevelCommune):
		return "", "", kc.FieldError("commune", "leaflet.link_commune")
	case err != nil:
		return "", "", err
	}
	trades, err := a.Store.ListTrades(ctx)
	if err != nil {
		return "", "", err
	}
	i := slices.IndexFunc(trades, func(t kc.Trade) bool { return strings.EqualFold(t.Code, tradeCode) })
	if i < 0 {
		return "", "", kc.FieldError("trade", "leaflet.link_trade")
	}
	return u.Code, trades[i].Code, nil
}

// ParseLeafletSize reads a paper size, A4 when empty (a field error on
// "size" for anything but A4 or A5).
func ParseLeafletSize(size string) (string, error) {
	switch strings.ToUpper(strings.TrimSpace(size)) {
	case "", leaflet.SizeA4:
		return leaflet.SizeA4, nil
	case leaflet.SizeA5:
		return leaflet.SizeA5, nil
	}
	return "", kc.FieldError("size", "leaflet.size_invalid", size)
}

// checkBaseURL checks the address that the QR link starts with: http or
// https with a host (a field error on "base_url"); the default when
// empty. It is returned without a trailing slash.
func checkBaseURL(base string) (string, error) {
	base = strings.TrimSpace(base)
	if base == "" {
		return DefaultBaseURL, nil
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", kc.FieldError("base_url", "leaflet.base_url_invalid", base)
	}
	return strings.TrimRight(base, "/"), nil
}

// Leaflet prepares the printable leaflet for one commune and one trade
// (outreach materials): the supports in force today that may fit an
// establishment of that trade in that commune (what the public self-check
// answers for these two answers alone: eligible or still undetermined),
// each with its maximum amount, rate and main conditions in plain words;
// the documents to prepare; whom to contact; and the signed, pre-filled
// self-check link under baseURL (DefaultBaseURL when empty) for the QR
// code. size is A4 (default) or A5. Unknown or out-of-force communes are
// a field error on "commune", unknown trades on "trade", a bad size on
// "size", a bad address on "base_url". Any signed-in user may make one:
// it holds only public information.
func (a *App) Leaflet(ctx context.Context, communeCode, tradeCode, size, baseURL string) (leaflet.Sheet, error) {
	if _, err := principal(ctx); err != nil {
		return leaflet.Sheet{}, err
	}
	var errs kc.Errors
	communeCode, tradeCode = strings.TrimSpace(communeCode), strings.TrimSpace(tradeCode)
	if communeCode == "" {
		errs = append(errs, kc.FieldError("commune", "field.required"))
	}
	if tradeCode == "" {
		errs = append(errs, kc.FieldError("trade", "field.required"))
	}
	paper, err := ParseLeafletSize(size)
	if err != nil {
		errs = append(errs, kc.FieldErrors(err)...)
	}
	base, err := checkBaseURL(baseURL)
	if err != nil {
		errs = append(errs, kc.FieldErrors(err)...)
	}
	if err := oneOrAll(errs); err != nil {
		return leaflet.Sheet{}, err
	}
	res, err := a.SelfCheck(ctx, SelfCheckAnswers{CommuneCode: communeCode, TradeCode: tradeCode}, kc.Date{})
	if err != nil {
		return leaflet.Sheet{}, err
	}
	trades, err := a.Store.ListTrades(ctx)
	if err != nil {
		return leaflet.Sheet{}, err
	}
	var trade kc.Trade
	if i := slices.IndexFunc(trades, func(t kc.Trade) bool { return strings.EqualFold(t.Code, tradeCode) }); i >= 0 {
		trade = trades[i]
	}
	link, err := a.SelfCheckLink(base, res.Commune.Code, trade.Code)
	if err != nil {
		return leaflet.Sheet{}, err
	}
	lang := locale.Default
	T := func(key string, args ...any) string { return locale.T(lang, key, args...) }
	place := res.Commune.Name
	if res.Province.ID != 0 {
		place += ", " + res.Province.Name
	}
	s := leaflet.Sheet{Size: paper, Date: res.On.Time(), Title: T("leaflet.title", trade.Name), Place: T("leaflet.place", place),
		Lead: T("leaflet.lead"), Heading: T("leaflet.supports"), DocumentsHeading: T("leaflet.documents"),
		ContactHeading: T("leaflet.contact"), QRHeading: T("leaflet.qr_heading"), QRText: T("leaflet.qr_text"), URL: link}
	s.Kicker = T("leaflet.kicker")
	if res.Province.ID != 0 {
		s.Kicker = T("leaflet.kicker_province", lowerType(res.Province))
	}
	example, unconfirmed := false, false
	var fits []SelfCheckFit
	for _, fit := range res.Fits {
		if fit.Status != eligibility.NotEligible {
			fits = append(fits, fit)
		}
	}
	// Those with a known amount first, the largest first: they tell a
	// producer most.
	rank := map[string]int{eligibility.Eligible: 0, eligibility.Undetermined: 1}
	slices.SortStableFunc(fits, func(x, y SelfCheckFit) int {
		if x.Unset != y.Unset {
			if x.Unset {
				return 1
			}
			return -1
		}
		if c := rank[x.Status] - rank[y.Status]; c != 0 {
			return c
		}
		return cmp.Compare(y.AmountMax, x.AmountMax)
	})
	conds := make([][]string, len(fits))
	for i, fit := range fits {
		conds[i] = leafletConditions(fit.Result)
	}
	// Conditions that every support shown has are said once, as the
	// common conditions, not under each support.
	shown := min(len(fits), leafletSupports)
	var common []string
	if shown > 1 {
		for _, c := range conds[0] {
			if !slices.Contains(common, c) && !slices.ContainsFunc(conds[1:shown], func(cs []string) bool { return !slices.Contains(cs, c) }) {
				common = append(common, c)
			}
		}
	}
	if len(common) > 0 {
		s.Common = common
		s.CommonHeading = T("leaflet.common")
	}
	for i, fit := range fits[:shown] {
		var own []string
		for _, c := range conds[i] {
			if !slices.Contains(common, c) && len(own) < maxLeafletConditions {
				own = append(own, c)
			}
		}
		sp := leaflet.Support{Name: fit.Name, Amount: leafletAmount(lang, fit), Conditions: own}
		switch {
		case fit.Example:
			sp.Note, example = T("leaflet.note_example"), true
		case fit.Unset:
			unconfirmed = true // the amount line says so
		case !fit.Confirmed:
			sp.Note, unconfirmed = T("leaflet.note_unconfirmed"), true
		}
		s.Supports = append(s.Supports, sp)
	}
	switch {
	case len(fits) == 0:
		s.More = T("leaflet.none")
	case len(fits) > shown:
		s.More = T("leaflet.more", len(fits)-shown)
	}
	s.Documents = []string{T("leaflet.doc.id"), T("leaflet.doc.registration"), T("leaflet.doc.quote"), T("leaflet.doc.application")}
	ns := res.NextStep
	if ns.CommunePC != "" {
		s.Contact = append(s.Contact, T("leaflet.contact_commune", ns.CommunePC))
	}
	if ns.ProvinceCentre != "" {
		s.Contact = append(s.Contact, T("leaflet.contact_centre", ns.ProvinceCentre, lowerType(res.Province)))
	}
	s.Footer = append(s.Footer, T("leaflet.footer", vi.FormatDate(res.On.Time())))
	if example || unconfirmed {
		s.Footer = append(s.Footer, T("leaflet.footer_verify"))
	}
	return s, nil
}

// RenderLeaflet writes the leaflet as a one-page PDF to w.
func RenderLeaflet(w io.Writer, s leaflet.Sheet) error {
	return leaflet.Render(w, s)
}

// leafletAmount says how much a support pays at most: "Tối đa 100.000.000
// đồng; đến 50% chi phí", or that the amount is still to be verified.
func leafletAmount(lang string, fit SelfCheckFit) string {
	if fit.Unset {
		return locale.T(lang, "leaflet.amount_unset")
	}
	var parts []string
	if fit.AmountMax > 0 {
		a := locale.T(lang, "leaflet.amount_max", vi.FormatNumber(fit.AmountMax))
		if fit.CapUnit != "" {
			a += " " + locale.T(lang, "leaflet.per_unit", fit.CapUnit)
		}
		parts = append(parts, a)
	}
	if fit.RateBP > 0 {
		parts = append(parts, locale.T(lang, "leaflet.rate", percent(fit.RateBP)))
	}
	return strings.Join(parts, "; ")
}

// percent writes basis points as a Vietnamese percentage: 5000 → "50",
// 2550 → "25,5".
func percent(bp int) string {
	s := vi.FormatNumber(int64(bp / 100))
	if r := bp % 100; r != 0 {
		frac := strings.TrimRight(string([]byte{byte('0' + r/10), byte('0' + r%10)}), "0")
		s += "," + frac
	}
	return s
}

// leafletConditions lists the main conditions of a scheme in plain words:
// each eligibility group that is not already met by the commune and the
// trade, its one criterion or its alternatives joined by "hoặc".
func leafletConditions(res eligibility.Result) []string {
	var out []string
	for _, os := range res.OpenGroups() {
		labels := make([]string, 0, len(os))
		for _, o := range os {
			labels = append(labels, o.Criterion.Label)
		}
		out = append(out, strings.Join(labels, locale.T(locale.Default, "leaflet.or")))
	}
	return out
}
