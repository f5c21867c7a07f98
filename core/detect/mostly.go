package detect

import (
	"strings"

	"github.com/clvkit/clvkit/core/summary"
)

// MostlyDates finds the date column of a file whose dates have a few bad
// values, for when no column holds only dates (Result.Roles.Date is ""): a
// column named like a date whose values read under one format for more
// than half of the sample, else any column read for nine in ten of its
// values. format is the format that reads most of them (the first
// candidate among equals); share is the part of the sampled, non-empty
// values it reads. ok is false when no column qualifies.
func (t *Table) MostlyDates() (column, format string, share float64, ok bool) {
	named := func(c string) bool {
		if !t.Header {
			return false
		}
		n := normalize(c)
		for _, d := range dateNames() {
			if n == d || len(d) >= 4 && strings.Contains(n, d) {
				return true
			}
		}
		return false
	}
	for _, pass := range []struct {
		named bool
		need  float64
	}{{true, 0.5}, {false, 0.9}} {
		for i, c := range t.Columns {
			if named(c) != pass.named {
				continue
			}
			if f, s := mostDates(t.column(i), pass.need); f != "" && s > share {
				column, format, share = c, f, s
			}
		}
		if column != "" {
			return column, format, share, true
		}
	}
	return "", "", 0, false
}

// mostDates returns the candidate format (unix seconds left out: ids look
// like them) that reads the most non-empty values as plausible dates, and
// the share it reads, if that share is above need.
func mostDates(vals []string, need float64) (string, float64) {
	n := 0
	for _, v := range vals {
		if v != "" {
			n++
		}
	}
	if n == 0 {
		return "", 0
	}
	best, bestOK := "", 0
	for _, name := range dateCandidates() {
		f, err := summary.ParseDateFormat(name)
		if name == "unix" || err != nil {
			continue
		}
		ok, bad, maxBad := 0, 0, int(float64(n)*(1-need))
		for _, v := range vals {
			if v == "" {
				continue
			}
			if d, err := f.Parse(v); err != nil || d.Year() < minYear || d.Year() > maxYear {
				if bad++; bad > maxBad {
					break
				}
				continue
			}
			ok++
		}
		if bad <= maxBad && ok > bestOK {
			best, bestOK = name, ok
		}
	}
	share := float64(bestOK) / float64(n)
	if best == "" || share <= need {
		return "", 0
	}
	return best, share
}
