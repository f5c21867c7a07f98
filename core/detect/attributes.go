package detect

import (
	"io"
	"slices"
	"strconv"
	"strings"
)

// DefaultMaxLevels is the most distinct values a column may have to be
// offered as a customer attribute (an acquisition channel, a country).
const DefaultMaxLevels = 50

// Attribute is a column that may be a customer attribute: text with few
// distinct values.
type Attribute struct {
	// Column is the column's name (its 1-based position without a header).
	Column string `json:"column"`
	// Levels is the number of distinct non-blank values (trimmed).
	Levels int `json:"levels"`
	// Blank counts the rows whose value is blank.
	Blank int `json:"blank"`
}

// Attributes scans every record of a delimited file (as EachRecord reads
// it) and returns, in column order, the columns that look like customer
// attributes: at least one value that is not a number (text, so amounts
// and quantities are not offered), and from 1 to maxLevels distinct
// non-blank values over the whole file (so ids and dates, with many
// values, are not). columns names the file's columns; those in skip (the
// customer, date and amount columns) are left out.
func Attributes(r io.Reader, delim string, header bool, columns, skip []string, maxLevels int) ([]Attribute, error) {
	type state struct {
		seen  map[string]struct{}
		text  bool
		over  bool
		blank int
	}
	st := make([]*state, len(columns))
	for i, c := range columns {
		if !slices.Contains(skip, c) {
			st[i] = &state{seen: map[string]struct{}{}}
		}
	}
	err := EachRecord(r, delim, header, func(rec []string) {
		for i, s := range st {
			if s == nil || s.over {
				continue
			}
			v := ""
			if i < len(rec) {
				v = strings.TrimSpace(rec[i])
			}
			if v == "" {
				s.blank++
				continue
			}
			if _, ok := s.seen[v]; ok {
				continue
			}
			if len(s.seen) == maxLevels {
				s.over, s.seen = true, nil
				continue
			}
			s.seen[strings.Clone(v)] = struct{}{}
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				s.text = true
			}
		}
	}, nil)
	if err != nil {
		return nil, err
	}
	var out []Attribute
	for i, s := range st {
		if s != nil && !s.over && s.text && len(s.seen) > 0 {
			out = append(out, Attribute{Column: columns[i], Levels: len(s.seen), Blank: s.blank})
		}
	}
	return out, nil
}
