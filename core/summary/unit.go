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
