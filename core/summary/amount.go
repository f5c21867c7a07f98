package summary

import "strconv"

// pow10 holds the powers of ten that are exact in a float64.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseAmount parses a decimal amount exactly as strconv.ParseFloat(s, 64).
//
// Fast path: an optional sign, at most 15 digits and an optional decimal
// point ("-12.50"). The digits then form an integer m < 10^15 < 2^53 and the
// point a power of ten p ≤ 10^15, both exact in a float64, so m/p is the
// correctly rounded value of s, as ParseFloat's own exact path computes it.
// Anything else (exponents, hex, "inf", more digits, errors) goes to
// strconv.ParseFloat. FuzzParseAmount checks the bit-identity.
func parseAmount(s string) (float64, error) {
	i, neg := 0, false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg, i = s[0] == '-', 1
	}
	var m uint64
	digits, frac, point := 0, 0, false
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
			return strconv.ParseFloat(s, 64)
		}
	}
	if digits == 0 || digits > 15 {
		return strconv.ParseFloat(s, 64)
	}
	f := float64(m) / pow10[frac]
	if neg {
		f = -f
	}
	return f, nil
}
