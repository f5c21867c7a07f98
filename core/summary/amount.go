package summary

import "strconv"

// pow10 holds the powers of ten that are exact in a float64.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseAmount parses a decimal amount exactly as strconv.ParseFloat(s, 64).
//
// Fast path (parseDecimal): an optional sign, at most 15 digits and an
// optional decimal point ("-12.50"). The digits then form an integer
// m < 10^15 < 2^53 and the point a power of ten p ≤ 10^15, both exact in a
// float64, so m/p is the correctly rounded value of s, as ParseFloat's own
// exact path computes it. Anything else (exponents, hex, "inf", more
// digits, errors) goes to strconv.ParseFloat. FuzzParseAmount checks the
// bit-identity.
func parseAmount(s string) (float64, error) {
	m, frac, neg, ok := parseDecimal(s)
	if !ok {
		return strconv.ParseFloat(s, 64)
	}
	f := float64(m) / pow10[frac]
	if neg {
		f = -f
	}
	return f, nil
}

// parseDecimal reads the fast-path syntax of parseAmount: an optional
// sign, 1 to 15 digits and at most one decimal point. It returns the
// digits as an integer m, the number of digits after the point and the
// sign; the value is ∓m × 10^−frac. ok is false for anything else.
func parseDecimal(s string) (m uint64, frac int, neg, ok bool) {
	i := 0
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg, i = s[0] == '-', 1
	}
	digits, point := 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + uint64(c-'0')
			digits++
			if point {
				frac++
			}
		case c == '.' && !point:
			point = true
		default:
			return 0, 0, false, false
		}
	}
	if digits == 0 || digits > 15 {
		return 0, 0, false, false
	}
	return m, frac, neg, true
}

// decimalKey is rowKey(day, a) for the amount a = ∓m × 10^−frac read by
// parseDecimal, without the float64 round trips of packAmount: the
// shortest decimal of a is m × 10^−frac without its trailing zeros (a
// float64 tells apart any two decimals of at most 15 significant digits,
// so no shorter one reads back as a), and it packs when that mantissa
// fits. A zero ("-0.00" included) is a purchase of 0, as the CSV reader
// reads it. FuzzDecimalKey checks it against rowKey.
func decimalKey(day int32, m uint64, frac int, neg bool) (int32, int64) {
	if m == 0 {
		return day<<2 | keyPurchase, 0
	}
	for frac > 0 && m%10 == 0 {
		m /= 10
		frac--
	}
	if m > packMaxMant {
		f := float64(m) / pow10[frac]
		if neg {
			f = -f
		}
		return rowKey(day, f)
	}
	k, v := day<<2, int64(m)
	if neg {
		v = -v
	} else {
		k |= keyPurchase
	}
	return k, v<<packShift | int64(frac)
}
