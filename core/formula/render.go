package formula

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// NumberFormat writes a number of the given unit for display. Plain and
// Money are the two provided; a front end may supply its own (locale,
// percents).
type NumberFormat func(v float64, u Unit) string

// Plain writes v rounded to at most 4 decimals with no grouping and no unit,
// e.g. 1500, 2.6667, -50; ±Inf are "∞" and "-∞". Magnitudes of 1e15 and more,
// and non-zero magnitudes below 0.0001, use exponent notation.
func Plain(v float64, _ Unit) string {
	switch {
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "-∞"
	case math.IsNaN(v):
		return "NaN"
	case v == 0:
		return "0"
	case math.Abs(v) >= 1e15 || math.Abs(v) < 1e-4:
		return strconv.FormatFloat(v, 'g', 6, 64)
	}
	s := strconv.FormatFloat(math.Round(v*1e4)/1e4, 'f', -1, 64)
	if s == "-0" {
		s = "0"
	}
	return s
}

// Money returns a NumberFormat that writes amounts of money (Unit.IsMoney)
// as symbol, thousands separated by commas, and 2 decimals ("$1,500.00",
// "-$50.00"), and everything else as Plain.
func Money(symbol string) NumberFormat {
	return func(v float64, u Unit) string {
		if !u.IsMoney() || math.IsInf(v, 0) || math.IsNaN(v) || math.Abs(v) >= 1e15 {
			return Plain(v, u)
		}
		s := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
		intPart, frac := s[:len(s)-3], s[len(s)-3:]
		var b strings.Builder
		if v < 0 && s != "0.00" {
			b.WriteByte('-')
		}
		b.WriteString(symbol)
		for i, c := range intPart {
			if i > 0 && (len(intPart)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(c)
		}
		b.WriteString(frac)
		return b.String()
	}
}

// Render evaluates f with x and writes its formula with the numbers
// substituted and the result, e.g. "100 × 3 × 5 = 1500" with Plain or
// "$100.00 × 3 × 5 = $1,500.00" with Money("$"). A nil nf means Plain.
//
// If the inputs are illegal Render returns the error and no text. If the value
// is unbounded (an error wrapping ErrUnbounded) it returns the text ending in
// "= ∞" (or "-∞") together with the error.
func (f *Formula) Render(x []float64, nf NumberFormat) (string, error) {
	if nf == nil {
		nf = Plain
	}
	v, err := f.Eval(x)
	if err != nil && !errors.Is(err, ErrUnbounded) {
		return "", err
	}
	var b strings.Builder
	t := f.template
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			b.WriteString(t)
			break
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			b.WriteString(t)
			break
		}
		name := t[i+1 : i+j]
		b.WriteString(t[:i])
		k := f.inputIndex(name)
		if k < 0 {
			return "", fmt.Errorf("render formula %s: template names %q, which is not an input", f.ID, name)
		}
		b.WriteString(nf(x[k], f.Inputs[k].Unit))
		t = t[i+j+1:]
	}
	b.WriteString(" = ")
	b.WriteString(nf(v, f.Output))
	return b.String(), err
}

func (f *Formula) inputIndex(name string) int {
	for i, in := range f.Inputs {
		if in.Name == name {
			return i
		}
	}
	return -1
}
