package attr

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/clvkit/clvkit/internal/quote"
)

// TableOptions says how to read a customer table.
type TableOptions struct {
	// Name is the table's name in errors and reports (its path).
	Name string
	// ID is the header name of the customer id column.
	ID string
	// Columns are the header names of the attribute columns, at least one.
	Columns []string
	// Delimiter separates fields (default ','); quoting is RFC 4180's
	// (encoding/csv).
	Delimiter rune
}

// TableError is a bad customer table: its name, the 1-based line, the
// column and customer id when known, and why.
type TableError struct {
	Name     string
	Line     int    // 0: the table as a whole
	Column   string // "" when not about one column
	Customer string // the row's customer id (at most quote.MaxBytes), "" when unknown
	Err      error
}

func (e *TableError) Error() string {
	var b strings.Builder
	b.WriteString(e.Name)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Customer != "" {
		fmt.Fprintf(&b, " (customer %s)", quote.Value(e.Customer))
	}
	if e.Column != "" {
		fmt.Fprintf(&b, ": column %s", quote.Value(e.Column))
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

// Unwrap returns the cause.
func (e *TableError) Unwrap() error { return e.Err }

// Table is a customer table read by ReadTable: attribute values by
// customer id.
type Table struct {
	name  string
	names []string
	rows  map[string]int32 // id → row
	vals  [][]string       // vals[row][a], trimmed
	lines []int            // lines[row]: the row's 1-based line
}

// Names returns the attribute names, in the order of TableOptions.Columns.
func (t *Table) Names() []string { return t.names }

// Len returns the number of rows (customers) of the table.
func (t *Table) Len() int { return len(t.vals) }

// Lookup returns the values of customer id (trimmed, blank as written)
// and whether the table has the id.
func (t *Table) Lookup(id string) ([]string, bool) {
	r, ok := t.rows[id]
	if !ok {
		return nil, false
	}
	return t.vals[r], true
}

// Line returns the 1-based line of customer id's row, 0 when the table
// does not have it.
func (t *Table) Line(id string) int {
	r, ok := t.rows[id]
	if !ok {
		return 0
	}
	return t.lines[r]
}

// ReadTable reads a customer table: CSV with a header line naming the id
// column and the attribute columns (other columns are ignored). Ids are
// kept exactly as written and must be unique; an empty id, an id or value
// that is not valid UTF-8, a row without a field the mapping needs, a
// malformed CSV record and an id given twice are *TableError values naming
// the line, column and id. A UTF-8 byte order mark is ignored; blank lines
// are skipped.
func ReadTable(r io.Reader, opt TableOptions) (*Table, error) {
	tabErr := func(line int, col, id string, err error) error {
		return &TableError{Name: opt.Name, Line: line, Column: col, Customer: quote.Prefix(id), Err: err}
	}
	if opt.ID == "" {
		return nil, tabErr(0, "", "", errors.New("no id column given"))
	}
	if len(opt.Columns) == 0 {
		return nil, tabErr(0, "", "", errors.New("no attribute columns given"))
	}
	cr := csv.NewReader(skipBOM(r))
	if opt.Delimiter != 0 {
		cr.Comma = opt.Delimiter
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, tabErr(0, "", "", errors.New("empty: expected a header line"))
	}
	if err != nil {
		return nil, csvErr(opt.Name, err)
	}
	header = append([]string(nil), header...)
	for i := range header {
		header[i] = Trim(header[i])
	}
	pos := func(name string) (int, error) {
		at := -1
		for i, h := range header {
			if h != name {
				continue
			}
			if at >= 0 {
				return 0, tabErr(1, name, "", fmt.Errorf("appears twice in the header (columns %d and %d)", at+1, i+1))
			}
			at = i
		}
		if at < 0 {
			return 0, tabErr(1, name, "", fmt.Errorf("not in the header %s", quote.List(header)))
		}
		return at, nil
	}
	idCol, err := pos(opt.ID)
	if err != nil {
		return nil, err
	}
	cols := make([]int, len(opt.Columns))
	for a, name := range opt.Columns {
		if name == opt.ID {
			return nil, tabErr(1, name, "", errors.New("is the id column; an attribute must be another column"))
		}
		if containsString(opt.Columns[:a], name) {
			return nil, tabErr(0, name, "", errors.New("is listed twice among the attribute columns"))
		}
		if cols[a], err = pos(name); err != nil {
			return nil, err
		}
	}
	t := &Table{name: opt.Name, names: append([]string(nil), opt.Columns...), rows: map[string]int32{}}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			return nil, csvErr(opt.Name, err)
		}
		line, _ := cr.FieldPos(0)
		if idCol >= len(rec) {
			return nil, tabErr(line, opt.ID, "", fmt.Errorf("the row has %d fields, the id is column %d", len(rec), idCol+1))
		}
		id := rec[idCol]
		if !utf8.ValidString(id) {
			return nil, tabErr(line, opt.ID, strings.ToValidUTF8(id, "\uFFFD"), errors.New("customer id is not valid UTF-8 text"))
		}
		if id == "" {
			return nil, tabErr(line, opt.ID, "", errors.New("empty customer id"))
		}
		if prev, dup := t.rows[id]; dup {
			return nil, tabErr(line, opt.ID, id, fmt.Errorf("customer id given twice, also on line %d: one row per customer", t.lines[prev]))
		}
		vals := make([]string, len(cols))
		for a, c := range cols {
			if c >= len(rec) {
				return nil, tabErr(line, opt.Columns[a], id, fmt.Errorf("the row has %d fields, the column is %d", len(rec), c+1))
			}
			v := Trim(rec[c])
			if !utf8.ValidString(v) {
				return nil, tabErr(line, opt.Columns[a], id, errors.New("value is not valid UTF-8 text (fix the file's encoding)"))
			}
			vals[a] = strings.Clone(v)
		}
		t.rows[strings.Clone(id)] = int32(len(t.vals))
		t.vals = append(t.vals, vals)
		t.lines = append(t.lines, line)
	}
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// csvErr turns an encoding/csv error into a *TableError with its line.
func csvErr(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &TableError{Name: name, Line: pe.Line, Err: pe.Err}
	}
	return &TableError{Name: name, Err: err}
}

// skipBOM drops a UTF-8 byte order mark at the start of r.
func skipBOM(r io.Reader) io.Reader {
	var b [3]byte
	n, err := io.ReadFull(r, b[:])
	if n == 3 && string(b[:]) == "\uFEFF" {
		return r
	}
	if err != nil {
		return bytes.NewReader(b[:n])
	}
	return io.MultiReader(bytes.NewReader(b[:n]), r)
}

// Join gives each customer of ids (in that order) their values from the
// table: a customer the table does not have gets Unknown for every
// attribute (Report.Missing), a blank value is Unknown (Report.Blank),
// and the table's ids that are not in ids are counted
// (Report.NotCustomers). ids must be distinct.
func (t *Table) Join(ids []string) *Set {
	k := len(t.names)
	s := &Set{Names: t.names, Levels: make([][]string, k), Codes: make([][]int32, k),
		Report: Report{Source: t.name, Customers: len(ids), TableRows: len(t.vals), Blank: make([]int, k)}}
	lv := make([]Levels, k)
	for a := range k {
		s.Codes[a] = make([]int32, len(ids))
	}
	matched := 0
	for i, id := range ids {
		vals, ok := t.Lookup(id)
		if !ok {
			s.Report.Missing++
			for a := range k {
				s.Codes[a][i] = lv[a].Code(Unknown)
			}
			continue
		}
		matched++
		for a, v := range vals {
			if v == "" {
				s.Report.Blank[a]++
			}
			s.Codes[a][i] = lv[a].Code(v)
		}
	}
	s.Report.NotCustomers = len(t.vals) - matched
	for a := range k {
		s.Levels[a] = lv[a].Finish(s.Codes[a])
	}
	return s
}
