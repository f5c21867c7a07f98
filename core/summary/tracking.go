package summary

import (
	"errors"
	"fmt"
	"time"
)

// Tracking counts the repeat purchase periods of the customers of a
// Summary by tracking period (a week, say) over the whole study, the
// calibration and holdout windows together: the "actual" series of the
// cumulative and incremental tracking charts of Fader, Hardie & Lee (2005,
// "Counting your customers the easy way", figure 3) and of BTYD's
// elog2cum/cu tracking data.
type Tracking struct {
	// Origin is the first day of tracking period 1: the earliest first
	// purchase among the customers of the summary, as midnight UTC.
	Origin time.Time
	// PeriodDays is the length of a tracking period in days.
	PeriodDays int
	// Days is the number of days from Origin to the observation end,
	// both included.
	Days int
	// Births are the customers' first purchase days as days after Origin,
	// in the order of Summary.Customers.
	Births []int
	// Repeat[k] counts the repeat purchase periods (a customer's purchase
	// periods after the first, counted as Frequency and FrequencyHoldout
	// count them, returns rule included) whose first transaction falls in
	// tracking period k+1, days [Origin + k·PeriodDays, Origin +
	// (k+1)·PeriodDays). The last period holds the observation end and may
	// be cut short by it.
	Repeat []int
	// CalibrationPeriods is the number of tracking periods that start on
	// or before the calibration end (the observation end without a split).
	CalibrationPeriods int
}

// Tracking counts the repeat purchase periods of the customers Summary
// describes (those with a purchase period in the calibration window) by
// tracking periods of periodDays days starting at the earliest first
// purchase. It sees the same transactions as Summary and groups them the
// same way, so over the calibration window the counts add up to the sum of
// Frequency and over the holdout window to the sum of FrequencyHoldout.
func (b *Builder) Tracking(periodDays int) (Tracking, error) {
	if periodDays < 1 {
		return Tracking{}, fmt.Errorf("summary: tracking period of %d days: want ≥ 1", periodDays)
	}
	b.group()
	g := b.opt.Grain
	endDay := b.obsDay
	if b.holdout {
		endDay = b.calDay
	}
	// Each kept customer's purchase periods, as the first day of each; the
	// first one is the customer's birth.
	var (
		births  []int32
		repeats []int32
		buf     []period
		rows    []dayRow
		st      returnStats
	)
	for r := range b.order {
		rows = b.days(r, rows)
		k := 0
		for k < len(rows) && rows[k].day <= endDay {
			k++
		}
		if b.opt.Returns != ReturnsPurchase && hasReturn(rows) {
			cal, _ := periods(buf, g, rows[:k], b.opt.Returns, &st)
			if len(cal) == 0 {
				buf = cal[:0]
				continue
			}
			births = append(births, cal[0].first)
			for _, q := range cal[1:] {
				repeats = append(repeats, q.first)
			}
			hold, _ := periods(cal[len(cal):], g, rows[k:], b.opt.Returns, &st)
			for _, q := range hold {
				repeats = append(repeats, q.first)
			}
			buf = cal[:0]
			continue
		}
		if k == 0 {
			continue // new in the holdout window
		}
		births = append(births, rows[0].day)
		// Calibration and holdout periods are grouped apart, as Summary
		// does: a grain period cut by the calibration end counts once on
		// each side.
		last := g.period(rows[0].day)
		for _, row := range rows[1:k] {
			if p := g.period(row.day); p != last {
				repeats = append(repeats, row.day)
				last = p
			}
		}
		for j, row := range rows[k:] {
			if p := g.period(row.day); j == 0 || p != last {
				repeats = append(repeats, row.day)
				last = p
			}
		}
	}
	if len(births) == 0 {
		return Tracking{}, errors.New("summary: tracking: no customers")
	}
	origin := births[0]
	for _, d := range births {
		origin = min(origin, d)
	}
	t := Tracking{Origin: dayTime(origin), PeriodDays: periodDays, Days: int(b.obsDay-origin) + 1, Births: make([]int, len(births))}
	for i, d := range births {
		t.Births[i] = int(d - origin)
	}
	t.Repeat = make([]int, int(b.obsDay-origin)/periodDays+1)
	for _, d := range repeats {
		t.Repeat[int(d-origin)/periodDays]++
	}
	t.CalibrationPeriods = int(endDay-origin)/periodDays + 1
	return t, nil
}
