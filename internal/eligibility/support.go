package eligibility

import (
	"math"
	"math/bits"
	"strconv"
	"strings"

	"khuyencong/internal/vi"
)

// SupportFor computes the maximum support of rule r for cost with the
// arithmetic shown; uplift applies the rule's priority uplift.
//
// The support is the lower of RateBP/100 % of the cost and the cap
// (raised to UpliftBP/100 % of itself when uplift is set and UpliftBP >
// 0); a zero RateBP means no percentage (the cap alone, never more than
// the cost) and a zero Cap means no cap (the percentage alone). The
// beneficiary's counterpart is the rest of the cost, and at least
// CounterpartMinBP/100 % of it: when that minimum binds, the support is
// lowered to leave it. With no cost (0) the amount is the (uplifted)
// cap, "tối đa".
//
// The result is Unset ("cần xác minh", Amount 0) when the rule has no
// cap and either no percentage or is not Confirmed: an unconfirmed value
// is left empty (domain §3.9.2), and an empty cap must not read as "no
// limit" until an administrator confirms it.
//
// Money is integer đồng; each product is rounded down to the đồng
// (support never exceeds its limits), the counterpart minimum up. Step
// arguments are display strings ("800.000.000 ₫", "50 %", "1,5").
func SupportFor(r Rule, cost int64, uplift bool) Support {
	cost = max(cost, 0)
	rate := min(max(r.RateBP, 0), 10000)
	s := Support{Cost: cost, RateBP: rate}
	if r.Cap <= 0 && (rate == 0 || !r.Confirmed) {
		s.Unset = true
		s.Steps = []Step{{Key: "elig.step.unset"}}
		return s
	}
	capv := max(r.Cap, 0)
	if uplift && r.UpliftBP > 0 && capv > 0 {
		up := mulDiv(capv, int64(r.UpliftBP), 10000)
		s.Steps = append(s.Steps, Step{Key: "elig.step.uplift", Args: []any{vi.FormatVND(capv), formatRatio(r.UpliftBP), vi.FormatVND(up)}})
		capv, s.Uplifted = up, true
	}
	s.Cap = capv
	if cost == 0 {
		switch {
		case capv > 0 && rate > 0:
			s.Steps = append(s.Steps, Step{Key: "elig.step.cap_max_rate", Args: []any{formatBP(rate), vi.FormatVND(capv)}})
		case capv > 0:
			s.Steps = append(s.Steps, Step{Key: "elig.step.cap_max", Args: []any{vi.FormatVND(capv)}})
		default:
			s.Steps = append(s.Steps, Step{Key: "elig.step.rate_only", Args: []any{formatBP(rate)}})
		}
		s.Amount = capv
		return s
	}
	amount := cost
	if rate > 0 {
		amount = mulDiv(cost, int64(rate), 10000)
		s.Steps = append(s.Steps, Step{Key: "elig.step.rate", Args: []any{vi.FormatVND(cost), formatBP(rate), vi.FormatVND(amount)}})
	} else {
		s.Steps = append(s.Steps, Step{Key: "elig.step.no_rate", Args: []any{vi.FormatVND(cost)}})
	}
	if capv > 0 {
		s.Steps = append(s.Steps, Step{Key: "elig.step.cap", Args: []any{vi.FormatVND(capv)}})
		amount = min(amount, capv)
	}
	s.Steps = append(s.Steps, Step{Key: "elig.step.min", Args: []any{vi.FormatVND(amount)}})
	if bp := min(max(r.CounterpartMinBP, 0), 10000); bp > 0 {
		least := ceilMulDiv(cost, int64(bp), 10000)
		if cost-amount < least {
			amount = cost - least
			s.Steps = append(s.Steps, Step{Key: "elig.step.counterpart_min", Args: []any{formatBP(bp), vi.FormatVND(least), vi.FormatVND(amount)}})
		}
	}
	s.Amount = amount
	s.Counterpart = cost - amount
	s.Steps = append(s.Steps, Step{Key: "elig.step.counterpart", Args: []any{vi.FormatVND(cost), vi.FormatVND(amount), vi.FormatVND(s.Counterpart)}})
	return s
}

// mulDiv returns a × b / c rounded down for non-negative a and b and
// positive c, with a 128-bit intermediate product; it saturates at
// math.MaxInt64 and returns 0 for other inputs.
func mulDiv(a, b, c int64) int64 {
	q, _ := mulDivRem(a, b, c)
	return q
}

// ceilMulDiv is mulDiv rounded up.
func ceilMulDiv(a, b, c int64) int64 {
	q, r := mulDivRem(a, b, c)
	if r > 0 && q < math.MaxInt64 {
		q++
	}
	return q
}

func mulDivRem(a, b, c int64) (int64, uint64) {
	if a <= 0 || b <= 0 || c <= 0 {
		return 0, 0
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= uint64(c) {
		return math.MaxInt64, 0
	}
	q, r := bits.Div64(hi, lo, uint64(c))
	if q > math.MaxInt64 {
		return math.MaxInt64, 0
	}
	return int64(q), r
}

// formatBP writes basis points as a Vietnamese percentage: 5000 → "50 %",
// 1250 → "12,5 %".
func formatBP(bp int) string { return decimal(int64(bp), 100) + " %" }

// formatRatio writes basis points as a multiplier: 15000 → "1,5".
func formatRatio(bp int) string { return decimal(int64(bp), 10000) }

// decimal writes n / unit with a decimal comma and no trailing zeros.
func decimal(n, unit int64) string {
	s := vi.FormatNumber(n / unit)
	frac := n % unit
	if frac == 0 {
		return s
	}
	width := len(strconv.FormatInt(unit, 10)) - 1
	f := strconv.FormatInt(frac, 10)
	f = strings.Repeat("0", width-len(f)) + f
	return s + "," + strings.TrimRight(f, "0")
}
