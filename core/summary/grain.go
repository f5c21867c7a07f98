package summary

import (
	"fmt"
	"strings"

	"github.com/clvkit/clvkit/internal/quote"
)

// Grain is what counts as one purchase period. Several transactions of one
// customer in the same period count as one purchase, and their amounts add.
//
// The grain corresponds to lifetimes' freq argument ('D', 'W', 'M').
type Grain int

const (
	// Day: a calendar day (lifetimes freq='D'). The zero value.
	Day Grain = iota
	// Week: an ISO week, Monday to Sunday (lifetimes/pandas freq='W', whose
	// weekly periods end on Sunday).
	Week
	// Month: a calendar month (lifetimes freq='M').
	Month
)

// ParseGrain parses "day", "week" or "month" (case-insensitive; also the
// lifetimes/pandas letters "D", "W", "M" and the plurals).
func ParseGrain(s string) (Grain, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "day", "days", "d", "daily":
		return Day, nil
	case "week", "weeks", "w", "weekly":
		return Week, nil
	case "month", "months", "m", "monthly":
		return Month, nil
	}
	return 0, fmt.Errorf("grain %s: want day, week or month", quote.Value(s))
}

// String returns "day", "week" or "month".
func (g Grain) String() string {
	switch g {
	case Day:
		return "day"
	case Week:
		return "week"
	case Month:
		return "month"
	}
	return fmt.Sprintf("Grain(%d)", int(g))
}

func (g Grain) valid() bool { return g >= Day && g <= Month }

// nominalDays is the length of one period of the grain in days used to turn
// period-index differences into durations: 1, 7, and 365.25/12 = 30.4375.
func (g Grain) nominalDays() float64 {
	switch g {
	case Week:
		return 7
	case Month:
		return daysPerMonth
	}
	return 1
}

// period returns the index of the period holding day d (days since
// 1970-01-01). Indices are consecutive integers: day number; Monday-based
// week number (1969-12-29, a Monday, starts week 0); year*12+month-1.
func (g Grain) period(d int32) int32 {
	switch g {
	case Week:
		x := int64(d) + 3 // days since Monday 1969-12-29
		w := x / 7
		if x < 0 && x%7 != 0 {
			w--
		}
		return int32(w)
	case Month:
		y, m, _ := civilFromDays(int64(d))
		return int32(y*12 + m - 1)
	}
	return d
}

// periodStart returns the first day (days since 1970-01-01) of period p.
func (g Grain) periodStart(p int32) int32 {
	switch g {
	case Week:
		return p*7 - 3
	case Month:
		y := int(p) / 12
		m := int(p) % 12
		if m < 0 {
			m += 12
			y--
		}
		return int32(daysFromCivil(y, m+1, 1))
	}
	return p
}
