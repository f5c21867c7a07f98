package summary

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// Options configures a Builder.
type Options struct {
	// Grain is what counts as one purchase period (default Day).
	Grain Grain
	// Unit is the unit of recency, T and the holdout duration (default Days).
	Unit Unit
	// ObservationEnd is the last day of the study, inclusive: a purchase on
	// that date counts. Only its calendar date (in its own location) is
	// used. Required: there is no implicit "today".
	ObservationEnd time.Time
	// CalibrationEnd, when not zero, splits the study into a calibration
	// window (up to and including CalibrationEnd) and a holdout window
	// (after it, up to and including ObservationEnd). It must not be after
	// ObservationEnd.
	CalibrationEnd time.Time
	// SkipBadRows skips bad transactions (see ParseError) instead of
	// failing; the Report counts them by Kind.
	SkipBadRows bool
}

// Transaction is one purchase. The calendar date of Time in Time's own
// location is the purchase date (no conversion to UTC). Amount may be
// negative (a return): it adds into its period's amount like any other.
type Transaction struct {
	Customer string    // customer id, kept exactly as written ("0001" stays "0001")
	Time     time.Time // when; only its date matters
	Amount   float64   // monetary value; 0 when the log has no amounts
}

// MaxSkippedLines is how many line numbers of skipped rows a Report keeps.
const MaxSkippedLines = 10

// entry is one kept transaction: its day (days since 1970-01-01) and amount.
type entry struct {
	day    int32
	amount float64
}

// Builder accumulates transactions, in any order, and produces the
// per-customer Summary and the acquisition Cohorts. Memory grows with the
// number of customers and of their transactions kept (16 bytes each), not
// with the size of the raw log. A Builder is not safe for concurrent use.
type Builder struct {
	opt     Options
	obsDay  int32
	calDay  int32
	holdout bool

	index map[string]int32 // customer id → position in ids and tx
	ids   []string
	tx    [][]entry

	rows         int // transactions offered (CSV data rows or Add calls)
	kept         int
	after        int
	skipped      map[Kind]int
	skippedLines []int
}

// NewBuilder returns a Builder for opt. It fails when ObservationEnd is zero,
// CalibrationEnd is after ObservationEnd, the grain is unknown or the unit
// is not a positive finite number of days.
func NewBuilder(opt Options) (*Builder, error) {
	if opt.ObservationEnd.IsZero() {
		return nil, errors.New("summary: observation end is required")
	}
	if !opt.Grain.valid() {
		return nil, fmt.Errorf("summary: unknown grain %v", opt.Grain)
	}
	if d := opt.Unit.Days; d < 0 || math.IsNaN(d) || math.IsInf(d, 0) {
		return nil, fmt.Errorf("summary: unit of %v days: want a positive finite number", d)
	}
	obs, err := dateDays(opt.ObservationEnd)
	if err != nil {
		return nil, fmt.Errorf("summary: observation end: %w", err)
	}
	b := &Builder{opt: opt, obsDay: obs, calDay: obs, index: make(map[string]int32)}
	if !opt.CalibrationEnd.IsZero() {
		cal, err := dateDays(opt.CalibrationEnd)
		if err != nil {
			return nil, fmt.Errorf("summary: calibration end: %w", err)
		}
		if cal > obs {
			return nil, fmt.Errorf("summary: calibration end %s is after observation end %s",
				dayTime(cal).Format(time.DateOnly), dayTime(obs).Format(time.DateOnly))
		}
		b.calDay, b.holdout = cal, true
	}
	return b, nil
}

// Add adds one transaction. A bad transaction (empty customer id, NaN or
// infinite amount) gives a *ParseError whose Line is the 1-based number of
// this Add call, or is skipped and counted when Options.SkipBadRows is set.
// Transactions after the observation end are not errors: they are left out
// and counted in Report.AfterObservationEnd.
func (b *Builder) Add(t Transaction) error {
	b.rows++
	if t.Customer == "" {
		return b.bad(&ParseError{Line: b.rows, Field: "customer", Kind: EmptyCustomer, Err: errEmptyID})
	}
	if math.IsNaN(t.Amount) || math.IsInf(t.Amount, 0) {
		return b.bad(&ParseError{Line: b.rows, Field: "amount", Value: fmt.Sprint(t.Amount), Kind: BadAmount, Err: errNotFinite})
	}
	d, err := dateDays(t.Time)
	if err != nil {
		return b.bad(&ParseError{Line: b.rows, Field: "date", Value: t.Time.String(), Kind: BadDate, Err: err})
	}
	b.add(t.Customer, d, t.Amount, false)
	return nil
}

// bad records a bad row when skipping, else returns it.
func (b *Builder) bad(e *ParseError) error {
	if !b.opt.SkipBadRows {
		return e
	}
	if b.skipped == nil {
		b.skipped = make(map[Kind]int)
	}
	b.skipped[e.Kind]++
	if len(b.skippedLines) < MaxSkippedLines {
		b.skippedLines = append(b.skippedLines, e.Line)
	}
	return nil
}

// add keeps one valid transaction. When clone is set the id is copied
// before being stored (the CSV reader's strings share a record buffer).
func (b *Builder) add(id string, day int32, amount float64, clone bool) {
	if day > b.obsDay {
		b.after++
		return
	}
	b.kept++
	i, ok := b.index[id]
	if !ok {
		if clone {
			id = strings.Clone(id)
		}
		i = int32(len(b.ids))
		b.index[id] = i
		b.ids = append(b.ids, id)
		b.tx = append(b.tx, nil)
	}
	b.tx[i] = append(b.tx[i], entry{day, amount})
}
