package summary

import (
	"errors"
	"fmt"
	"time"

	"github.com/clvkit/clvkit/internal/quote"
)

// DateFormat is a parsed date format: how a date column of a transaction log
// is written. Build one with ParseDateFormat. The zero value is YYYY-MM-DD.
//
// Whatever the format, only the calendar date matters, and it is the date as
// written in the timestamp's own offset: "1997-01-01T23:30:00-05:00" is
// 1997-01-01, not converted to UTC first.
type DateFormat struct {
	kind   dateKind
	layout string // Go layout for kindLayout
	name   string // the name it was parsed from, for kindLayout
}

type dateKind uint8

const (
	kindISODate dateKind = iota // YYYY-MM-DD (the zero value)
	kindCompact                 // YYYYMMDD
	kindRFC3339                 // time.RFC3339, date as written
	kindLayout                  // any Go time layout
	kindISO8601                 // YYYY-MM-DD, optionally with a time and a zone
	kindUnix                    // seconds since 1970-01-01T00:00:00Z
)

// ParseDateFormat returns the DateFormat named by s:
//
//   - "YYYY-MM-DD" (or "" or "ISO"): e.g. 1997-01-08;
//   - "YYYYMMDD": e.g. 19970108, as in CDNOW_sample.txt;
//   - "RFC3339": e.g. 1997-01-08T10:00:00+02:00 (fractional seconds allowed);
//   - "ISO8601": an ISO date, optionally followed by "T" or a space, a time
//     (HH:mm, HH:mm:ss, fractions allowed) and a zone ("Z", "+02:00",
//     "-0500", optionally after a space): e.g. 2024-03-15 14:22:01-05:00;
//   - "unix": seconds since 1970-01-01 UTC (fractions allowed), dated in UTC;
//   - a layout in tokens (see TokenLayout), e.g. "DD/MM/YYYY",
//     "M/D/YYYY H:mm" or "YYYY-MM-DD HH:mm:ss";
//   - anything else is taken as a Go time layout, e.g. "2006-01-02 15:04:05"
//     for "1997-01-08 00:00:00" or "01/02/2006" for US dates.
//
// A layout must contain a year, a month and a day element; otherwise
// ParseDateFormat returns an error. "auto" is an error too: detecting the
// format needs the data (core/detect).
func ParseDateFormat(s string) (DateFormat, error) {
	switch s {
	case "", "YYYY-MM-DD", "ISO", "iso":
		return DateFormat{kind: kindISODate}, nil
	case "YYYYMMDD":
		return DateFormat{kind: kindCompact}, nil
	case "RFC3339", "rfc3339":
		return DateFormat{kind: kindRFC3339}, nil
	case "ISO8601", "iso8601":
		return DateFormat{kind: kindISO8601}, nil
	case "unix":
		return DateFormat{kind: kindUnix}, nil
	case AutoFormat:
		return DateFormat{}, errors.New(`date format "auto" must be resolved from the data first (core/detect)`)
	}
	layout := s
	if isTokenLayout(s) {
		var err error
		if layout, err = TokenLayout(s); err != nil {
			return DateFormat{}, fmt.Errorf("date format %q: %w", s, err)
		}
	}
	// Reject layouts that cannot give a calendar date: formatting a date
	// whose year, month and day all differ must round-trip.
	probe := time.Date(2031, 11, 27, 0, 0, 0, 0, time.UTC)
	t, err := time.Parse(layout, probe.Format(layout))
	if err != nil {
		return DateFormat{}, fmt.Errorf("date format %s: %w", quote.Value(s), err)
	}
	if y, m, d := t.Date(); y != 2031 || m != 11 || d != 27 {
		return DateFormat{}, fmt.Errorf("date format %s: layout lacks a year, month or day element (tokens: %s; or a Go layout such as 2006-01-02)", quote.Value(s), tokenHelp)
	}
	return DateFormat{kind: kindLayout, layout: layout, name: s}, nil
}

// String returns the name of the format as accepted by ParseDateFormat.
func (f DateFormat) String() string {
	switch f.kind {
	case kindCompact:
		return "YYYYMMDD"
	case kindRFC3339:
		return "RFC3339"
	case kindISO8601:
		return "ISO8601"
	case kindUnix:
		return "unix"
	case kindLayout:
		return f.name
	}
	return "YYYY-MM-DD"
}

// Parse parses s and returns its calendar date as midnight UTC of that date
// (the date as written in the timestamp's own offset).
func (f DateFormat) Parse(s string) (time.Time, error) {
	d, err := f.days(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parsing %s as %s: %w", quote.Value(s), f, err)
	}
	return dayTime(d), nil
}

var (
	errDateSyntax = errors.New("not a date in this format")
	errMonth      = errors.New("month out of range")
	errDay        = errors.New("day out of range")
	errDateRange  = errors.New("year out of range")
	errTime       = errors.New("time of day out of range")
	errZone       = errors.New("not a time zone offset")
)

// days parses s and returns its date as days since 1970-01-01. It never
// allocates on the fast paths (YYYY-MM-DD and YYYYMMDD).
func (f DateFormat) days(s string) (int32, error) {
	switch f.kind {
	case kindISODate:
		if len(s) != 10 || s[4] != '-' || s[7] != '-' {
			return 0, errDateSyntax
		}
		return civilDigits(s[0:4], s[5:7], s[8:10])
	case kindCompact:
		if len(s) != 8 {
			return 0, errDateSyntax
		}
		return civilDigits(s[0:4], s[4:6], s[6:8])
	case kindISO8601:
		return isoDateTimeDays(s)
	case kindUnix:
		return unixDays(s)
	case kindRFC3339:
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return 0, err
		}
		return dateDays(t)
	default:
		t, err := time.Parse(f.layout, s)
		if err != nil {
			return 0, err
		}
		return dateDays(t)
	}
}

// civilDigits validates the year, month and day digit strings and returns
// days since 1970-01-01.
func civilDigits(ys, ms, ds string) (int32, error) {
	y, ok1 := digits(ys)
	m, ok2 := digits(ms)
	d, ok3 := digits(ds)
	if !ok1 || !ok2 || !ok3 {
		return 0, errDateSyntax
	}
	if m < 1 || m > 12 {
		return 0, errMonth
	}
	if d < 1 || d > daysInMonth(y, m) {
		return 0, errDay
	}
	return int32(daysFromCivil(y, m, d)), nil
}

// digits parses a string of ASCII digits (at most 4).
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return 0, false
		}
		n = n*10 + int(c)
	}
	return n, len(s) > 0
}

// maxYear bounds dates so day numbers fit in an int32 with room to spare.
const maxYear = 1_000_000

// dateDays returns the date of t as written in t's own location, as days
// since 1970-01-01.
func dateDays(t time.Time) (int32, error) {
	y, m, d := t.Date()
	if y < -maxYear || y > maxYear {
		return 0, errDateRange
	}
	return int32(daysFromCivil(y, int(m), d)), nil
}

// dayTime returns midnight UTC of the day numbered d (days since 1970-01-01).
func dayTime(d int32) time.Time {
	// The same value as time.Date(y, m, d, 0, 0, 0, 0, time.UTC), without
	// the calendar arithmetic.
	return time.Unix(int64(d)*86400, 0).UTC()
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysInMonth(y, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the number of days from 1970-01-01 to the proleptic
// Gregorian date y-m-d (Howard Hinnant's days_from_civil algorithm).
func daysFromCivil(y, m, d int) int64 {
	yy := int64(y)
	if m <= 2 {
		yy--
	}
	era := yy / 400
	if yy < 0 && yy%400 != 0 {
		era--
	}
	yoe := yy - era*400
	mp := int64(m+9) % 12 // March = 0
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil (Hinnant's civil_from_days).
func civilFromDays(z int64) (y, m, d int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	yy := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		m = int(mp + 3)
	} else {
		m = int(mp - 9)
	}
	if m <= 2 {
		yy++
	}
	return int(yy), m, d
}
