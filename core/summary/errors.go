package summary

import (
	"errors"
	"fmt"
)

// Kind classifies a bad input row. The skip report counts rows per Kind.
type Kind string

// The kinds of bad rows.
const (
	// MissingField: the row has fewer fields than a mapped column needs.
	MissingField Kind = "missing field"
	// EmptyCustomer: the customer id is empty.
	EmptyCustomer Kind = "empty customer"
	// BadDate: the date does not parse in the configured format.
	BadDate Kind = "bad date"
	// BadAmount: the amount does not parse, or is NaN or infinite.
	BadAmount Kind = "bad amount"
	// BadRecord: the CSV record itself is malformed (e.g. a stray quote).
	BadRecord Kind = "bad record"
	// BadValue: a cell a row rule reads as a number does not parse.
	BadValue Kind = "bad value"
)

// ParseError is a bad transaction: which line (of the CSV input, or the
// 1-based count of Builder.Add calls for Go values), which field, the value
// found and why it was rejected. Callers can branch on it with errors.As.
type ParseError struct {
	Line   int    // 1-based line number (Add: 1-based transaction number)
	Field  string // role of the field: "customer", "date", "amount", "record", or the row rule "where" or "is_return"
	Column string // the column as mapped: header name or 1-based position; may be empty
	Value  string // the offending value as read
	Kind   Kind   // classification, as counted in Report.Skipped
	Err    error  // underlying cause
}

// Error formats the error as
// `line 12: field "date": parsing "1997-13-01" as YYYY-MM-DD: month out of range`.
func (e *ParseError) Error() string {
	col := ""
	if e.Column != "" && e.Column != e.Field {
		col = fmt.Sprintf(" (column %q)", e.Column)
	}
	return fmt.Sprintf("line %d: field %q%s: %v", e.Line, e.Field, col, e.Err)
}

// Unwrap returns the underlying cause.
func (e *ParseError) Unwrap() error { return e.Err }

var (
	errEmptyID    = errors.New("empty customer id")
	errNotFinite  = errors.New("amount is not a finite number")
	errFieldCount = errors.New("row has too few fields")
)
