package detect

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/clvkit/clvkit/core/summary"
)

// dateCandidates are the date formats the detector tries, in this order;
// the first that reads every sampled date wins. Names are ParseDateFormat
// names.
func dateCandidates() []string {
	return []string{
		"YYYY-MM-DD", "ISO8601", "YYYYMMDD",
		"M/D/YYYY", "M/D/YYYY H:mm", "M/D/YYYY H:mm:ss",
		"D/M/YYYY", "D/M/YYYY H:mm", "D/M/YYYY H:mm:ss",
		"M/D/YYYY h:mm A", "M/D/YYYY h:mm:ss A",
		"D.M.YYYY", "D.M.YYYY H:mm", "D.M.YYYY H:mm:ss",
		"YYYY/MM/DD", "YYYY/MM/DD HH:mm:ss",
		"M-D-YYYY", "D-M-YYYY",
		"MMM D, YYYY", "D MMM YYYY", "DD-MMM-YYYY",
		"unix",
	}
}

// swapped returns the month/day-swapped twin of a candidate ("M/D/YYYY"
// and "D/M/YYYY"), or "" if it has none.
func swapped(name string) string {
	for _, p := range [][2]string{{"M/D/", "D/M/"}, {"M-D-", "D-M-"}} {
		switch {
		case strings.HasPrefix(name, p[0]):
			return p[1] + name[len(p[0]):]
		case strings.HasPrefix(name, p[1]):
			return p[0] + name[len(p[1]):]
		}
	}
	return ""
}

// plausible bounds the years of detected dates, so that ids and amounts
// are not read as dates.
const minYear, maxYear = 1900, 2200

// fittingDates returns the candidate indices under which every non-empty
// value is a plausible date (none when there are no values). Unix
// seconds are only tried when unix is set: a column of 9- or 10-digit
// numbers is as likely to be order ids.
func fittingDates(vals []string, unix bool) []int {
	nonEmpty := 0
	for _, v := range vals {
		if v != "" {
			nonEmpty++
		}
	}
	if nonEmpty == 0 {
		return nil
	}
	var out []int
	for i, name := range dateCandidates() {
		if name == "unix" && !unix {
			continue
		}
		f, err := summary.ParseDateFormat(name)
		if err != nil {
			continue // TestDateCandidates checks that none is skipped
		}
		ok := true
		for _, v := range vals {
			if v == "" {
				continue
			}
			if name == "unix" && len(strings.TrimLeft(strings.SplitN(v, ".", 2)[0], "-+")) < 9 {
				ok = false // before 1973-03-03: more likely a count than a time
				break
			}
			t, err := f.Parse(v)
			if err != nil || t.Year() < minYear || t.Year() > maxYear {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, i)
		}
	}
	return out
}

// DateFormats returns the date formats (ParseDateFormat names) under which
// every non-empty value reads as a date between the years 1900 and 2200,
// best first, and the format to use: the first, unless the sample is
// ambiguous (its month/day-swapped twin fits too, as when no day is above
// 12), in which case err is an *AmbiguousError. When no format fits, err
// says so and shows a value.
func DateFormats(values []string) (best string, fitting []string, err error) {
	cands := dateCandidates()
	idx := fittingDates(values, true)
	for _, i := range idx {
		fitting = append(fitting, cands[i])
	}
	if len(idx) == 0 {
		for _, v := range values {
			if v != "" {
				return "", nil, fmt.Errorf("no date format fits the sampled dates (such as %q): set the date format (date_format) in tokens such as \"DD/MM/YYYY HH:mm\"", v)
			}
		}
		return "", nil, errors.New("no dates in the sample")
	}
	first := cands[idx[0]]
	if twin := swapped(first); twin != "" {
		for _, j := range idx[1:] {
			if cands[j] == twin {
				return first, fitting, ambiguousDates(values, first, twin)
			}
		}
	}
	return first, fitting, nil
}

// ambiguousDates builds the error for two formats that both read every
// value, showing a value they read differently (or the first one).
func ambiguousDates(values []string, a, b string) error {
	fa, _ := summary.ParseDateFormat(a)
	fb, _ := summary.ParseDateFormat(b)
	e := &AmbiguousError{Setting: "date format", Key: "date_format", Formats: [2]string{a, b}, Lines: len(values)}
	for _, v := range values {
		if v == "" {
			continue
		}
		ta, _ := fa.Parse(v)
		tb, _ := fb.Parse(v)
		if e.Value == "" || !ta.Equal(tb) {
			e.Value = v
			e.Readings = [2]string{ta.Format(time.DateOnly), tb.Format(time.DateOnly)}
		}
		if !ta.Equal(tb) {
			break
		}
	}
	return e
}

// AmbiguousError is a sample that two formats read differently: the user
// must say which one the file uses.
type AmbiguousError struct {
	Setting  string    // "date format" or "amount format"
	Key      string    // the setting's key: date_format or amount_format
	Formats  [2]string // the two formats, detection's preference first
	Value    string    // a sampled value they read differently (if any does)
	Readings [2]string // its reading under each format
	Lines    int       // values sampled
}

// Error says what is ambiguous, shows both readings and names the key.
func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("cannot detect the %s: all %d sampled values fit both %q and %q; %q reads as %s under %q but %s under %q. Set %s = %q or %q",
		e.Setting, e.Lines, e.Formats[0], e.Formats[1], e.Value, e.Readings[0], e.Formats[0], e.Readings[1], e.Formats[1], e.Key, e.Formats[0], e.Formats[1])
}

// AmountFormat returns the amount format (a ParseAmountFormat name) of the
// sampled values. Plain wins whenever it reads at least as many values as
// any other format, so a column that parses as plain numbers today keeps
// its meaning ("1.234" stays 1.234; write amount_format = "1.234,56" for
// such a column). Otherwise the grouped format that reads the most values
// wins; when two of them read as many values and read one differently
// ("1,234": 1234 or 1.234) the answer is an *AmbiguousError. A column
// where no value is a number gives plain: the reader then names the bad
// rows.
func AmountFormat(values []string) (string, error) {
	names := summary.AmountFormatNames()
	formats := make([]summary.AmountFormat, len(names))
	counts := make([]int, len(names))
	for i, n := range names {
		formats[i], _ = summary.ParseAmountFormat(n)
	}
	n := 0
	for _, v := range values {
		if v == "" {
			continue
		}
		n++
		for i, f := range formats {
			if _, _, err := f.Parse(v); err == nil {
				counts[i]++
			}
		}
	}
	best := 0
	for i := 1; i < len(names); i++ {
		if counts[i] > counts[best] {
			best = i
		}
	}
	if best == 0 {
		return summary.AmountPlain, nil
	}
	for i := best + 1; i < len(names); i++ {
		if counts[i] != counts[best] {
			continue
		}
		for _, v := range values {
			a, _, errA := formats[best].Parse(v)
			b, _, errB := formats[i].Parse(v)
			if errA == nil && errB == nil && a != b {
				return names[best], &AmbiguousError{Setting: "amount format", Key: "amount_format",
					Formats: [2]string{names[best], names[i]}, Value: v, Lines: n,
					Readings: [2]string{strconv.FormatFloat(a, 'f', -1, 64), strconv.FormatFloat(b, 'f', -1, 64)}}
			}
		}
	}
	return names[best], nil
}

// isAmount reports whether s is a number in some amount format.
func isAmount(s string) bool {
	for _, n := range summary.AmountFormatNames() {
		f, _ := summary.ParseAmountFormat(n)
		if _, _, err := f.Parse(s); err == nil && s != "" {
			return true
		}
	}
	return false
}
