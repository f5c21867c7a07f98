package table

import (
	"errors"
	"fmt"

	"github.com/clvkit/clvkit/internal/quote"
)

// ErrNull is wrapped by Row.Float and Row.Int when the field is null (or an
// empty CSV field): the value is missing rather than malformed.
var ErrNull = errors.New("value is missing")

// ErrNotUTF8 is wrapped by Row.Text when a field is not valid UTF-8 text,
// and by Writer.WriteRow for such a String value.
var ErrNotUTF8 = errors.New("not valid UTF-8 text (fix the file's encoding, e.g. convert Latin-1 to UTF-8)")

// Error is an error at a position in a table: the input's name, the line
// (or Parquet row) and, when known, the column. Callers can use errors.As
// to get the position, and errors.Is to test the underlying cause.
type Error struct {
	Name   string // input name as given to Open, e.g. "orders.csv" or "-"
	Line   int    // 1-based line (CSV, JSON Lines) or data row (Parquet); 0 if unknown
	Column string // column name; "" if the error concerns the whole row
	// Customer is the row's customer id when the error concerns another
	// field of a row whose id was read; "" otherwise.
	Customer string
	Err      error // the underlying cause
}

// Error formats the error as `name:line: customer "c1": column "x":
// cause` (without the customer when there is none).
func (e *Error) Error() string {
	s := e.Name
	if e.Line > 0 {
		s += fmt.Sprintf(":%d", e.Line)
	}
	if e.Customer != "" {
		s += ": customer " + quote.Value(e.Customer)
	}
	if e.Column != "" {
		s += ": column " + quote.Value(e.Column)
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }
