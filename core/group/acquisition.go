package group

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/clvkit/clvkit/internal/quote"
)

// Acquisition is what acquiring customers cost, per group.
type Acquisition struct {
	Rows []CostRow
}

// CostRow is one group's acquisition cost: Spend over NewCustomers in a
// period, or a CAC given as it is.
type CostRow struct {
	// Values are the group's attribute values, one per attribute grouped by.
	Values []string
	// Spend is the money spent in the period (≥ 0); NaN when the row gives
	// a CAC.
	Spend float64
	// NewCustomers is the customers acquired in the period (≥ 1 with a
	// Spend; 0 when the row gives a CAC).
	NewCustomers int
	// CAC is Spend / NewCustomers, or the row's cac.
	CAC float64
	// Period labels the period ("2024-Q1"), as given; may be empty.
	Period string
	// Line is the row's line in the table (0 when built in code).
	Line int
}

// FieldError is a bad value of an acquisition table: its line (0 when not
// from a file), the group, the field and the value as given.
type FieldError struct {
	Line  int
	Group string
	Field string
	Value string
	Err   error
}

func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString("acquisition table: ")
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Group != "" {
		fmt.Fprintf(&b, "group %s: ", quote.Value(e.Group))
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "field %s: ", e.Field)
	}
	if e.Value != "" || e.Field != "" {
		fmt.Fprintf(&b, "%s: ", quote.Value(e.Value))
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *FieldError) Unwrap() error { return e.Err }

// Column names of an acquisition table besides the attributes.
const (
	ColumnGroup        = "group"
	ColumnSpend        = "spend"
	ColumnNewCustomers = "new_customers"
	ColumnCAC          = "cac"
	ColumnPeriod       = "period"
)

// NewCostRow checks a group's spend and new customers as typed (text, so
// "abc" and "-5" are reported as the user gave them) and returns the row.
// It is the one check for the table's rows and the page's inputs.
func NewCostRow(values []string, spend, newCustomers, period string) (CostRow, error) {
	name := strings.Join(values, " / ")
	s, err := ParseSpend(spend)
	if err != nil {
		return CostRow{}, &FieldError{Group: name, Field: ColumnSpend, Value: spend, Err: err}
	}
	n, err := ParseNewCustomers(newCustomers)
	if err != nil {
		return CostRow{}, &FieldError{Group: name, Field: ColumnNewCustomers, Value: newCustomers, Err: err}
	}
	return CostRow{Values: slices.Clone(values), Spend: s, NewCustomers: n, CAC: s / float64(n), Period: strings.TrimSpace(period)}, nil
}

// NewCACRow checks a group's CAC as typed and returns the row.
func NewCACRow(values []string, cac, period string) (CostRow, error) {
	c, err := ParseSpend(cac)
	if err != nil {
		return CostRow{}, &FieldError{Group: strings.Join(values, " / "), Field: ColumnCAC, Value: cac, Err: err}
	}
	return CostRow{Values: slices.Clone(values), Spend: math.NaN(), CAC: c, Period: strings.TrimSpace(period)}, nil
}

// maxMoney bounds spends and CACs so sums stay exact enough to matter.
const maxMoney = 1e15

// ParseSpend reads an amount of money as typed (a spend or a CAC): a plain
// number from 0 to 10^15, blanks around it allowed.
func ParseSpend(s string) (float64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, errors.New("empty: want an amount ≥ 0")
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return 0, errors.New("not a number: want an amount ≥ 0 such as 1250.50 (no currency sign or thousands separator)")
	}
	if !(v >= 0) || v > maxMoney {
		return 0, fmt.Errorf("want an amount from 0 to %g", float64(maxMoney))
	}
	return v, nil
}

// ParseNewCustomers reads a number of new customers as typed: a whole
// number from 1 to 10^12, blanks around it allowed.
func ParseNewCustomers(s string) (int, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, errors.New("empty: want a whole number ≥ 1")
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 1 || n > 1e12 {
		return 0, errors.New("want a whole number of customers from 1 to 10^12")
	}
	return int(n), nil
}

// ParseAcquisition reads an acquisition table from CSV with a header row.
// Its columns are, in any order and case:
//
//   - the group: one column per attribute in by, named as the attribute,
//     or (grouping by one attribute) a column named group;
//   - either spend and new_customers (money spent on acquisition in the
//     period and the customers it brought; CAC = spend / new_customers) or
//     cac (the cost of one customer);
//   - optionally period, a label for the period the spend covers.
//
// Each group appears once. A blank group value is the group Unknown.
// Errors name the line, the group and the field (*FieldError for a bad
// value).
func ParseAcquisition(r io.Reader, by []string) (*Acquisition, error) {
	if len(by) == 0 {
		return nil, errors.New("acquisition table: no attribute to group by")
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("acquisition table: empty; want a header row such as group,spend,new_customers,period")
	}
	if err != nil {
		return nil, fmt.Errorf("acquisition table: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[name]; dup {
			return nil, fmt.Errorf("acquisition table: line 1: column %s appears twice", quote.Value(name))
		}
		col[name] = i
	}
	keys := make([]int, len(by))
	for i, b := range by {
		k, ok := col[strings.ToLower(b)]
		if !ok && len(by) == 1 {
			k, ok = col[ColumnGroup]
		}
		if !ok {
			want := quote.Value(b)
			if len(by) == 1 {
				want += " or " + ColumnGroup
			}
			return nil, fmt.Errorf("acquisition table: line 1: no column %s naming the groups (columns: %s)", want, quote.Value(strings.Join(header, ",")))
		}
		keys[i] = k
	}
	spendCol, hasSpend := col[ColumnSpend]
	newCol, hasNew := col[ColumnNewCustomers]
	cacCol, hasCAC := col[ColumnCAC]
	periodCol, hasPeriod := col[ColumnPeriod]
	switch {
	case hasCAC && (hasSpend || hasNew):
		return nil, errors.New("acquisition table: line 1: give either cac or spend and new_customers, not both")
	case !hasCAC && !(hasSpend && hasNew):
		return nil, fmt.Errorf("acquisition table: line 1: want columns spend and new_customers, or cac (columns: %s)", quote.Value(strings.Join(header, ",")))
	}
	known := slices.Clone(keys)
	for _, c := range []struct {
		i  int
		ok bool
	}{{spendCol, hasSpend}, {newCol, hasNew}, {cacCol, hasCAC}, {periodCol, hasPeriod}} {
		if c.ok {
			known = append(known, c.i)
		}
	}
	for i, h := range header {
		if !slices.Contains(known, i) {
			return nil, fmt.Errorf("acquisition table: line 1: unknown column %s (want the group, spend, new_customers or cac, and period)", quote.Value(h))
		}
	}

	a := &Acquisition{}
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("acquisition table: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(header) {
			return nil, fmt.Errorf("acquisition table: line %d: %d fields, want %d as in the header", line, len(rec), len(header))
		}
		values := make([]string, len(keys))
		for i, k := range keys {
			values[i] = normalize(strings.TrimSpace(rec[k]))
		}
		name := strings.Join(values, " / ")
		key := strings.Join(values, "\x00")
		if first, dup := seen[key]; dup {
			return nil, &FieldError{Line: line, Group: name, Err: fmt.Errorf("group given twice (first on line %d)", first)}
		}
		seen[key] = line
		period := ""
		if hasPeriod {
			period = rec[periodCol]
		}
		var row CostRow
		if hasCAC {
			row, err = NewCACRow(values, rec[cacCol], period)
		} else {
			row, err = NewCostRow(values, rec[spendCol], rec[newCol], period)
		}
		if err != nil {
			var fe *FieldError
			if errors.As(err, &fe) {
				fe.Line = line
			}
			return nil, err
		}
		row.Line = line
		a.Rows = append(a.Rows, row)
	}
	if len(a.Rows) == 0 {
		return nil, errors.New("acquisition table: no rows after the header")
	}
	return a, nil
}
