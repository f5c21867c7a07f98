package summary

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/clvkit/clvkit/internal/quote"
)

// daysPerMonth is the average Gregorian month, 365.25/12 days.
const daysPerMonth = 365.25 / 12

// Unit is the unit in which recency, T and the holdout duration are
// expressed, as a number of days. It corresponds to lifetimes'
// freq_multiplier (with freq='D', freq_multiplier=7 gives weeks).
//
// The zero Unit means days.
type Unit struct {
	// Days is the length of the unit in days: 1, 7, 365.25/12, or any
	// positive finite number.
	Days float64
	// Name labels the unit in output ("days", "weeks", "months", "14d").
	Name string
}

// The units ParseUnit knows by name.
var (
	// Days: one day.
	Days = Unit{Days: 1, Name: "days"}
	// Weeks: seven days (the CDNOW summaries' unit).
	Weeks = Unit{Days: 7, Name: "weeks"}
	// Months: the average month, 365.25/12 = 30.4375 days.
	Months = Unit{Days: daysPerMonth, Name: "months"}
)

// ParseUnit parses "day", "week", "month" (also plurals and "D", "W", "M")
// or "Nd" for N days (N a positive number, e.g. "14d" or "2.5d").
func ParseUnit(s string) (Unit, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	switch t {
	case "day", "days", "d":
		return Days, nil
	case "week", "weeks", "w":
		return Weeks, nil
	case "month", "months", "m":
		return Months, nil
	}
	if n, ok := strings.CutSuffix(t, "d"); ok {
		v, err := strconv.ParseFloat(n, 64)
		if err == nil && v > 0 && !math.IsInf(v, 0) {
			return Unit{Days: v, Name: t}, nil
		}
	}
	return Unit{}, fmt.Errorf("unit %s: want day, week, month or Nd (N days, N > 0)", quote.Value(s))
}

// String returns the unit's name, or "<N>d" when it has none.
func (u Unit) String() string {
	if u.Name != "" {
		return u.Name
	}
	if u.Days == 0 {
		return "days"
	}
	return strconv.FormatFloat(u.Days, 'g', -1, 64) + "d"
}

// days returns the unit's length in days, 1 for the zero Unit.
func (u Unit) days() float64 {
	if u.Days == 0 {
		return 1
	}
	return u.Days
}

// Span is a length of time written with the units of ParseUnit: Count
// units, such as 39 weeks, 90 days or 6 months.
type Span struct {
	// Count is the number of units (> 0, finite).
	Count float64
	// Unit is the unit counted.
	Unit Unit
}

// ParseSpan parses a length of time: an optional count followed by a unit
// in ParseUnit's grammar, with or without spaces between them:
//
//	span  = [count] [spaces] unit
//	count = a positive decimal number (1 when left out)
//	unit  = day | days | d | week | weeks | w | month | months | m | <N>d
//
// so "39 week", "39 weeks", "39w", "90 day", "90d", "6 month", "week"
// (one week) and "3 14d" (3 × 14 days) are all spans. A month is the
// average month, 365.25/12 = 30.4375 days, as in the CLV horizon.
func ParseSpan(s string) (Span, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, rest := t[:i], strings.TrimSpace(t[i:])
	bad := func() (Span, error) {
		return Span{}, fmt.Errorf("time span %s: want a count and a unit, such as \"39 week\", \"90 day\" or \"6 month\" (units: day, week, month or Nd)", quote.Value(s))
	}
	if rest == "" {
		return bad()
	}
	count := 1.0
	if num != "" {
		v, err := strconv.ParseFloat(num, 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return bad()
		}
		count = v
	}
	u, err := ParseUnit(rest)
	if err != nil {
		return bad()
	}
	return Span{Count: count, Unit: u}, nil
}

// Days returns the span's length in days.
func (s Span) Days() float64 { return s.Count * s.Unit.days() }

// IsZero reports whether s is the zero Span (no span set).
func (s Span) IsZero() bool { return s.Count == 0 }

// Label names the span for a column name, the count then the unit in the
// singular, joined by "_": "39_week", "90_day", "6_month", "3_14d".
func (s Span) Label() string {
	unit := s.Unit.String()
	switch s.Unit.Days {
	case Days.Days:
		unit = "day"
	case Weeks.Days:
		unit = "week"
	case Months.Days:
		unit = "month"
	}
	return strconv.FormatFloat(s.Count, 'g', -1, 64) + "_" + unit
}

// String writes the span the way ParseSpan reads it: "39 week".
func (s Span) String() string { return strings.ReplaceAll(s.Label(), "_", " ") }
