package detect

import (
	"fmt"
	"io"

	"github.com/clvkit/clvkit/core/summary"
)

// Result is everything detected about a file from its first lines.
type Result struct {
	Table
	// Roles are the guessed customer, date and amount columns.
	Roles Roles
	// DateFormats are the formats under which every sampled date of the
	// date column reads, best first; DateFormat is the first ("" if none).
	DateFormats []string
	DateFormat  string
	// DateErr says why DateFormat cannot be used as it is: an
	// *AmbiguousError, or no format fits. Nil when DateFormat is sure.
	DateErr error
	// AmountFormat is the amount column's format (plain when there is no
	// amount column); AmountErr is an *AmbiguousError when two formats
	// read the sample differently.
	AmountFormat string
	AmountErr    error
	// AmountExpr computes the amount of a line-item export, such as
	// "Quantity * UnitPrice" (see LineAmount); "" when the file has an
	// amount column or no quantity and unit price.
	AmountExpr string
}

// Detect reads the first lines of r (see Head) and detects the delimiter,
// the header, the column roles and the date and amount formats of the
// guessed columns. Only a read error is returned as an error; what cannot
// be detected is in the Result.
func Detect(r io.Reader, opt Options) (*Result, error) {
	t, err := ReadSample(r, opt)
	if err != nil {
		return nil, err
	}
	res := &Result{Table: *t, AmountFormat: "plain"}
	res.Roles = t.GuessRoles()
	if t.Index(res.Roles.Date) >= 0 {
		res.DateFormat, res.DateFormats, res.DateErr = DateFormats(t.Values(res.Roles.Date))
	}
	if res.Roles.Amount != "" {
		res.AmountFormat, res.AmountErr = AmountFormat(t.Values(res.Roles.Amount))
	}
	res.AmountExpr = t.LineAmount(res.Roles)
	return res, nil
}

// ResolveFormats returns the formats to read the date and amount columns
// with: dateFormat and amountFormat as given, or, where one is "auto",
// detected from the column's sampled values (DateFormats, AmountFormat).
// An amount column that is not mapped ("") reads as plain. The error names
// the column and the setting to set.
func (t *Table) ResolveFormats(dateColumn, dateFormat, amountColumn, amountFormat string) (string, string, error) {
	if dateFormat == summary.AutoFormat {
		if t.Index(dateColumn) < 0 {
			return "", "", fmt.Errorf("date_format = \"auto\": column %q is not in the sampled rows", dateColumn)
		}
		f, _, err := DateFormats(t.Values(dateColumn))
		if err != nil {
			return "", "", fmt.Errorf("date column %q: %w", dateColumn, err)
		}
		dateFormat = f
	}
	if amountFormat == summary.AutoFormat {
		amountFormat = summary.AmountPlain
		if amountColumn != "" && t.Index(amountColumn) >= 0 {
			f, err := AmountFormat(t.Values(amountColumn))
			if err != nil {
				return "", "", fmt.Errorf("amount column %q: %w", amountColumn, err)
			}
			amountFormat = f
		}
	}
	return dateFormat, amountFormat, nil
}
