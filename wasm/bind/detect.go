package bind

import (
	"bytes"
	"errors"
	"strings"
	"time"

	"github.com/clvkit/clvkit/core/detect"
	"github.com/clvkit/clvkit/core/settings"
	"github.com/clvkit/clvkit/core/summary"
)

// Inspection is what the page learns from a transaction file before the
// user confirms the column mapping. The guesses come from core/detect, as
// the clv binary's do, so the page and the binary agree on a file.
type Inspection struct {
	Bytes int `json:"bytes"`
	// Lines counts the lines of the file (header included).
	Lines int `json:"lines"`
	// Delimiter is "," ";" "\t" "|" or "whitespace".
	Delimiter string `json:"delimiter"`
	// Header tells whether the first line names the columns.
	Header bool `json:"header"`
	// Columns are the header names, or "1", "2", ... without a header.
	Columns []string `json:"columns"`
	// Sample holds the first data rows.
	Sample [][]string `json:"sample"`
	// Guess is the detected column mapping ("" where nothing fits).
	Guess Mapping `json:"guess"`
	// DateFormats are the formats under which every sampled date parses,
	// best first; DateFormat is the first of them.
	DateFormats []string `json:"dateFormats"`
	DateFormat  string   `json:"dateFormat"`
	// Ambiguous is set when both month-first and day-first formats fit.
	Ambiguous bool `json:"ambiguous,omitempty"`
	// AmountFormat is the detected format of the guessed amount column
	// (plain, "1,234.56", "1.234,56" or "1 234,56"); AmountError says why
	// it is uncertain ("" when it is not).
	AmountFormat string `json:"amountFormat"`
	AmountError  string `json:"amountError,omitempty"`
	// AmountExpr computes the amount of a line-item export ("Quantity *
	// UnitPrice", for the amountExpr setting) when the file has a quantity
	// and a unit price but no order total; "" otherwise.
	AmountExpr string `json:"amountExpr,omitempty"`

	table *detect.Table // the sample, to resolve "auto" for other columns
}

// Mapping names the customer, date and amount columns.
type Mapping struct {
	Customer string `json:"customer"`
	Date     string `json:"date"`
	Amount   string `json:"amount"`
}

// Columns returns the mapping as the settings' columns.
func (m Mapping) Columns() settings.Columns {
	return settings.Columns{Customer: m.Customer, Date: m.Date, Amount: m.Amount}
}

// sampleRowsShown is how many data rows the page shows.
const sampleRowsShown = 10

// Inspect guesses how data is laid out with core/detect (delimiter,
// header, column mapping, date and amount formats, from the first
// detect.MaxLines lines) and counts all lines.
func Inspect(data []byte) Inspection {
	ins := Inspection{Bytes: len(data), Lines: bytes.Count(data, []byte{'\n'}), AmountFormat: summary.AmountPlain}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		ins.Lines++
	}
	res, err := detect.Detect(bytes.NewReader(data), detect.Options{})
	if err != nil { // a bytes.Reader does not fail
		return ins
	}
	ins.table = &res.Table
	ins.Delimiter, ins.Header, ins.Columns = res.Delimiter, res.Header, res.Columns
	ins.Sample = res.Rows[:min(len(res.Rows), sampleRowsShown)]
	ins.Guess = Mapping(res.Roles)
	ins.DateFormats, ins.DateFormat = res.DateFormats, res.DateFormat
	var ae *detect.AmbiguousError
	ins.Ambiguous = errors.As(res.DateErr, &ae)
	ins.AmountFormat = res.AmountFormat
	ins.AmountExpr = res.AmountExpr
	if res.AmountErr != nil {
		ins.AmountError = res.AmountErr.Error()
	}
	return ins
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s && s != "" {
			return i
		}
	}
	return -1
}

// dateRange scans the whole date column for the first and last dates, so
// the page can default the observation end to the last one.
func dateRange(data []byte, delim string, header bool, col int, format string) (first, last time.Time, bad int) {
	f, err := summary.ParseDateFormat(format)
	if err != nil || col < 0 {
		return
	}
	each := func(rec []string) {
		if col >= len(rec) {
			bad++
			return
		}
		t, err := f.Parse(strings.TrimSpace(rec[col]))
		if err != nil {
			bad++
			return
		}
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	detect.EachRecord(bytes.NewReader(data), delim, header, each, func() { bad++ })
	return
}
