package group

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/clvkit/clvkit/internal/textenc"
)

// maxPrecision is the most decimals a Sum holds: 10^17 units and the sum
// of two fractions (< 2·10^17) fit a uint64. It equals score.MaxPrecision.
const maxPrecision = 17

var pow10 = [...]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17}

// Sum is an exact decimal total at a fixed number of decimals: the sum of
// values each rounded to those decimals as clvkit's outputs print them
// (textenc.AppendFloat). Adding is exact integer arithmetic, so the
// total of the groups' Sums is the Sum over every customer, digit for
// digit, whatever the order of addition.
//
// The value is Whole + Frac/10^Precision with Frac in [0, 10^Precision),
// Whole rounded down (−1.25 at 2 decimals is Whole −2, Frac 75).
type Sum struct {
	whole int64
	frac  uint64
	prec  int
}

// newSum returns a zero Sum with prec decimals.
func newSum(prec int) Sum { return Sum{prec: prec} }

// roundToSum rounds v to prec decimals exactly as the outputs print it
// and returns it as a Sum. It fails for a non-finite v or |v| ≥ 9·10^18.
func roundToSum(v float64, prec int) (Sum, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Sum{}, fmt.Errorf("%v: want a finite number", v)
	}
	if math.Abs(v) >= 9e18 {
		return Sum{}, fmt.Errorf("%v: too large (at most 9e18)", v)
	}
	text := string(textenc.AppendFloat(nil, v, prec))
	return parseSum(text, prec)
}

// parseSum reads the 'f' text of a number with exactly prec decimals.
func parseSum(text string, prec int) (Sum, error) {
	neg := strings.HasPrefix(text, "-")
	digits := strings.TrimPrefix(text, "-")
	intPart, fracPart, hasDot := strings.Cut(digits, ".")
	if hasDot != (prec > 0) || len(fracPart) != prec {
		return Sum{}, fmt.Errorf("%q: want %d decimals", text, prec)
	}
	w, err := strconv.ParseUint(intPart, 10, 63)
	if err != nil {
		return Sum{}, fmt.Errorf("%q: %w", text, err)
	}
	var f uint64
	if prec > 0 {
		if f, err = strconv.ParseUint(fracPart, 10, 64); err != nil {
			return Sum{}, fmt.Errorf("%q: %w", text, err)
		}
	}
	s := Sum{whole: int64(w), frac: f, prec: prec}
	if neg {
		s.whole = -s.whole
		if f > 0 {
			s.whole--
			s.frac = pow10[prec] - f
		}
	}
	return s, nil
}

// add returns s + t; both have the same decimals. ok is false when the
// whole part overflows an int64.
func (s Sum) add(t Sum) (Sum, bool) {
	w := s.whole + t.whole
	if (t.whole > 0 && w < s.whole) || (t.whole < 0 && w > s.whole) {
		return Sum{}, false
	}
	f := s.frac + t.frac
	if f >= pow10[s.prec] {
		f -= pow10[s.prec]
		if w == math.MaxInt64 {
			return Sum{}, false
		}
		w++
	}
	return Sum{whole: w, frac: f, prec: s.prec}, true
}

// cmp returns −1, 0 or +1 as s is below, equal to or above t.
func (s Sum) cmp(t Sum) int {
	switch {
	case s.whole != t.whole:
		if s.whole < t.whole {
			return -1
		}
		return 1
	case s.frac != t.frac:
		if s.frac < t.frac {
			return -1
		}
		return 1
	}
	return 0
}

// Precision returns the Sum's decimals.
func (s Sum) Precision() int { return s.prec }

// String returns the Sum with exactly Precision decimals, in the form
// textenc.AppendFloat writes numbers ("1234.500000", "-0.250000", "0.000000";
// never "-0").
func (s Sum) String() string { return string(s.Append(nil)) }

// Append appends String's text to b.
func (s Sum) Append(b []byte) []byte {
	w, f := s.whole, s.frac
	if w < 0 {
		b = append(b, '-')
		if f > 0 {
			w++
			f = pow10[s.prec] - f
		}
		b = strconv.AppendUint(b, uint64(-w), 10)
	} else {
		b = strconv.AppendInt(b, w, 10)
	}
	if s.prec > 0 {
		b = append(b, '.')
		fd := strconv.AppendUint(nil, f, 10)
		for range s.prec - len(fd) {
			b = append(b, '0')
		}
		b = append(b, fd...)
	}
	return b
}

// Float64 returns the float64 nearest the Sum's exact value.
func (s Sum) Float64() float64 {
	v, _ := strconv.ParseFloat(s.String(), 64)
	return v
}
