package summary

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/clvkit/clvkit/internal/quote"
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
	// ExtraField: the row has more non-empty fields than the header.
	ExtraField Kind = "extra field"
	// BadCustomer: the customer id is not valid UTF-8. JSON and Parquet
	// text cannot hold such an id, and writing it would merge ids that
	// differ only in their invalid bytes ("Jos\xe9" and "Jos\xe8" both
	// becoming "Jos\uFFFD"), so no input format accepts it.
	BadCustomer Kind = "bad customer id"
	// BadValue: a cell a row rule reads as a number does not parse.
	BadValue Kind = "bad value"
)

// ParseError is a bad transaction: which line (of the CSV input, or the
// 1-based count of Builder.Add calls for Go values), which field, the value
// found and why it was rejected. Callers can branch on it with errors.As.
type ParseError struct {
	Line int // 1-based line number (Add: 1-based transaction number)
	// Customer is the row's customer id (its first quote.MaxBytes bytes),
	// or "" when the row has none that can be read.
	Customer string
	Field    string // role of the field: "customer", "date", "amount", "record", or the row rule "where" or "is_return"
	Column   string // the column as mapped: header name or 1-based position; may be empty
	Value    string // the offending value as read: its first quote.MaxBytes (200) bytes at most
	Kind     Kind   // classification, as counted in Report.Skipped
	Err      error  // underlying cause
}

// Error formats the error as `line 12 (customer "00017"): field "date":
// parsing "1997-13-01" as YYYY-MM-DD: month out of range`; the customer
// is left out when the row has none.
func (e *ParseError) Error() string {
	col := ""
	if e.Column != "" && e.Column != e.Field {
		col = fmt.Sprintf(" (column %s)", quote.Value(e.Column))
	}
	who := ""
	if e.Customer != "" {
		who = fmt.Sprintf(" (customer %s)", quote.Value(e.Customer))
	}
	return fmt.Sprintf("line %d%s: field %q%s: %v", e.Line, who, e.Field, col, e.Err)
}

// Unwrap returns the underlying cause.
func (e *ParseError) Unwrap() error { return e.Err }

var (
	errEmptyID     = errors.New("empty customer id")
	errIDNotUTF8   = errors.New("customer id is not valid UTF-8 text (fix the file's encoding, e.g. convert Latin-1 to UTF-8)")
	errNotFinite   = errors.New("amount is not a finite number")
	errFieldCount  = errors.New("row has too few fields")
	errExtraFields = errors.New("row has more fields than the header")
	errCurrencies  = errors.New("two currencies in the amount column")
)

// OverflowError is a customer whose amounts, each finite, add up past the
// float64 range (about ±1.8e308): the sum, and so the monetary value, would
// be infinite or NaN. Summary returns it rather than a value that would
// print as an empty cell.
type OverflowError struct {
	Customer string // the customer id
}

// Error names the customer, quoted with at most quote.MaxBytes of its id.
func (e *OverflowError) Error() string {
	return fmt.Sprintf("customer %s: the sum of its amounts overflows the float64 range (±1.8e308); "+
		"amounts this large are likely a unit or parsing error", quote.Value(e.Customer))
}

func isFinite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// badID is the error of a customer id that is not valid UTF-8 on line
// (column as mapped, may be empty). Value keeps at most quote.MaxBytes of
// the id (Prefix): the error names it, and ids can be any length.
func badID(line int, column, id string) *ParseError {
	return &ParseError{Line: line, Field: "customer", Column: column, Value: strings.Clone(quote.Prefix(id)), Kind: BadCustomer,
		Err: fmt.Errorf("%s: %w", quote.Value(id), errIDNotUTF8)}
}
