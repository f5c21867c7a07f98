// Package attr holds customer attributes: text values such as an
// acquisition channel or a country, one per customer and attribute, used to
// group customers (core/group), carried into the scored output and given
// to models with covariates.
//
// # Sources and their rules
//
// Attributes come from one of two places:
//
//   - The transaction log (core/summary, Options.Attributes): each
//     attribute is a column of the log, and a customer's value is the one
//     written on their first purchase: the row with the earliest date that
//     is not a return (a return is the first row only when the customer has
//     nothing else), and among rows of that date the first in file order
//     (for Builder.Add, the first added). Only rows the summary keeps count:
//     rows a where rule filters out, bad rows skipped and rows after the
//     observation end are not looked at. Values written on later rows are
//     ignored, but a customer whose rows hold more than one value is
//     counted in Report.Changed ("channel changed later for 312 customers"),
//     so a column that is not fixed per customer does not pass unnoticed.
//   - A customer table (ReadTable, then Table.Join): one row per customer
//     id, with the attribute columns. Customers missing from the table get
//     the level Unknown, counted in Report.Missing; ids of the table that
//     are not customers (never bought, or not in the summary) are counted
//     in Report.NotCustomers. An id given twice is an error naming both
//     lines.
//
// In both, a value is trimmed of surrounding blanks, and a blank value is
// the level Unknown (counted in Report.Blank); values are kept as written
// otherwise ("Email" and "email" are two levels). A value must be valid
// UTF-8.
//
// # Layout
//
// A Set is column-oriented and aligned with a list of customers (a
// summary's Customers, in their order): Codes[a][i] is the index into
// Levels[a] of customer i's value of attribute a. Levels are sorted
// bytewise, so a Set does not depend on row order.
package attr

import (
	"fmt"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/internal/quote"
)

// Unknown is the level of a customer without a value: missing from the
// customer table, or a blank cell.
const Unknown = "unknown"

// Set holds the attribute values of a list of customers.
type Set struct {
	// Names are the attribute names (column names), in configured order.
	Names []string
	// Levels[a] are the distinct values of attribute a, sorted bytewise.
	Levels [][]string
	// Codes[a][i] indexes Levels[a]: customer i's value of attribute a.
	Codes [][]int32
	// Report says how the values were found.
	Report Report
}

// Report says where the attribute values come from and what was unusual.
// Slices are indexed like Set.Names.
type Report struct {
	// Source is "transactions" for the transaction log, else the customer
	// table's name as given to ReadTable.
	Source string
	// Customers is the number of customers the Set describes.
	Customers int
	// Changed counts, per attribute, the customers whose transaction rows
	// hold more than one value of it (transaction log only): their later
	// values were ignored.
	Changed []int
	// Blank counts, per attribute, the customers whose value was blank
	// (they have the level Unknown).
	Blank []int
	// Missing counts the customers not in the customer table (they have
	// the level Unknown for every attribute).
	Missing int
	// NotCustomers counts the ids of the customer table that are not among
	// the customers (never bought, or not in the summary).
	NotCustomers int
	// TableRows is the number of data rows of the customer table.
	TableRows int
}

// Len returns the number of customers.
func (s *Set) Len() int {
	if s == nil || len(s.Codes) == 0 {
		return 0
	}
	return len(s.Codes[0])
}

// Index returns the position of the attribute name in Names, or -1.
func (s *Set) Index(name string) int {
	if s == nil {
		return -1
	}
	return slices.Index(s.Names, name)
}

// Value returns customer i's value of attribute a.
func (s *Set) Value(a, i int) string { return s.Levels[a][s.Codes[a][i]] }

// Column returns every customer's value of the named attribute, in
// customer order, or an error naming the attributes there are.
func (s *Set) Column(name string) ([]string, error) {
	a := s.Index(name)
	if a < 0 {
		var have []string
		if s != nil {
			have = s.Names
		}
		return nil, fmt.Errorf("no attribute %s (the attributes are %s)", quote.Value(name), quote.List(have))
	}
	out := make([]string, len(s.Codes[a]))
	for i, c := range s.Codes[a] {
		out[i] = s.Levels[a][c]
	}
	return out, nil
}

// Counts returns, per level of the named attribute, the number of
// customers with it (aligned with Levels), or an error as Column's.
func (s *Set) Counts(name string) ([]int, error) {
	a := s.Index(name)
	if a < 0 {
		_, err := s.Column(name)
		return nil, err
	}
	n := make([]int, len(s.Levels[a]))
	for _, c := range s.Codes[a] {
		n[c]++
	}
	return n, nil
}

// Permute returns the Set of the customers in the order order gives:
// customer i of the result is customer order[i] of s. The levels and the
// report are shared.
func (s *Set) Permute(order []int32) *Set {
	out := &Set{Names: s.Names, Levels: s.Levels, Report: s.Report, Codes: make([][]int32, len(s.Codes))}
	for a, codes := range s.Codes {
		p := make([]int32, len(order))
		for i, k := range order {
			p[i] = codes[k]
		}
		out.Codes[a] = p
	}
	return out
}

// Lines describes the report in plain sentences, one per finding, for a
// command's summary: where the values come from, then what was unusual.
func (r Report) Lines(names []string) []string {
	var out []string
	src := "the transaction log (value at each customer's first purchase)"
	if r.Source != "transactions" {
		src = fmt.Sprintf("%s (%d rows)", r.Source, r.TableRows)
	}
	out = append(out, fmt.Sprintf("attributes %s from %s", strings.Join(names, ", "), src))
	for a, n := range r.Changed {
		if n > 0 && a < len(names) {
			out = append(out, fmt.Sprintf("%s changed later for %s (the value at the first purchase is used)", names[a], customers(n)))
		}
	}
	for a, n := range r.Blank {
		if n > 0 && a < len(names) {
			out = append(out, fmt.Sprintf("%s is blank for %s (level %q)", names[a], customers(n), Unknown))
		}
	}
	if r.Missing > 0 {
		out = append(out, fmt.Sprintf("%s not in %s (level %q)", customers(r.Missing), r.Source, Unknown))
	}
	if r.NotCustomers > 0 {
		ids := fmt.Sprintf("%d ids", r.NotCustomers)
		if r.NotCustomers == 1 {
			ids = "1 id"
		}
		out = append(out, fmt.Sprintf("%s of %s never bought (not among the customers scored)", ids, r.Source))
	}
	return out
}

func customers(n int) string {
	if n == 1 {
		return "1 customer"
	}
	return fmt.Sprintf("%d customers", n)
}

// Levels interns the values of one attribute while a Set is built: each
// distinct value gets a provisional code in order of first sight, which
// Finish renumbers to sorted order.
type Levels struct {
	index map[string]int32
	names []string
}

// Lookup returns the provisional code of value v (trimmed; blank is
// Unknown) and whether it is known, without adding it.
func (l *Levels) Lookup(v string) (int32, bool) {
	v = Trim(v)
	if v == "" {
		v = Unknown
	}
	if len(l.names) <= linearLevels {
		for i, n := range l.names {
			if n == v {
				return int32(i), true
			}
		}
		return 0, false
	}
	c, ok := l.index[v]
	return c, ok
}

// Code returns the provisional code of value v (trimmed; blank is
// Unknown), adding it if new. The string is copied when stored.
func (l *Levels) Code(v string) int32 {
	v = Trim(v)
	if v == "" {
		v = Unknown
	}
	if c, ok := l.Lookup(v); ok {
		return c
	}
	if l.index == nil {
		l.index = map[string]int32{}
	}
	v = strings.Clone(v)
	c := int32(len(l.names))
	l.index[v] = c
	l.names = append(l.names, v)
	return c
}

// linearLevels is the number of levels up to which Code compares
// strings instead of looking them up in a map.
const linearLevels = 8

// Len returns the number of levels so far.
func (l *Levels) Len() int { return len(l.names) }

// Name returns the value of provisional code c.
func (l *Levels) Name(c int32) string { return l.names[c] }

// Finish returns the levels sorted bytewise and rewrites codes (provisional)
// in place to index them.
func (l *Levels) Finish(codes []int32) []string {
	sorted := slices.Clone(l.names)
	slices.Sort(sorted)
	remap := make([]int32, len(l.names))
	for i, n := range l.names {
		j, _ := slices.BinarySearch(sorted, n)
		remap[i] = int32(j)
	}
	for i, c := range codes {
		codes[i] = remap[c]
	}
	if sorted == nil {
		sorted = []string{}
	}
	return sorted
}

// Trim trims ASCII blanks (space, tab, CR) around an attribute value.
func Trim(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// IsBlank tells whether an attribute value is blank (the level Unknown).
func IsBlank(s string) bool { return Trim(s) == "" }
