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
	// Problem says in plain words why the file is no transaction log the
	// page can read ("" when it may be one): it is empty, it is not text
	// (an image, a spreadsheet, UTF-16), or it has no data rows. The
	// other members are then left empty.
	Problem string `json:"problem,omitempty"`
	// BadDates is set when no column holds only dates but one mostly
	// does: Guess.Date and DateFormat are then that column and format,
	// and BadDates says which values do not read, for the page to offer
	// skipping those rows (skipBadRows, clv.toml's skip_bad_rows).
	BadDates *BadDates `json:"badDates,omitempty"`
	// NoDates is set when no column holds dates at all (in the sample):
	// the user has to choose the date column.
	NoDates bool `json:"noDates,omitempty"`

	table *detect.Table // the sample, to resolve "auto" for other columns
}

// BadDates describes the values of a date column that do not read under
// its format, in the whole file.
type BadDates struct {
	Column string `json:"column"`
	Format string `json:"format"`
	// Rows counts the data rows whose date does not read (or that have no
	// such field); Line and Value are the first of them.
	Rows  int    `json:"rows"`
	Line  int    `json:"line"`
	Value string `json:"value"`
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
	if ins.Problem = notText(data); ins.Problem != "" {
		return ins
	}
	res, err := detect.Detect(bytes.NewReader(data), detect.Options{})
	if err != nil { // a bytes.Reader does not fail
		ins.Problem = err.Error()
		return ins
	}
	if len(res.Rows) == 0 {
		ins.Problem = "The file has a header line but no rows of orders."
		if !res.Header {
			ins.Problem = "The file has no rows of orders."
		}
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
	if ins.Guess.Date == "" {
		ins.mostlyDates(data, &res.Table)
	}
	return ins
}

// mostlyDates fills in the date column and format of a file whose date
// column has bad values (detect's MostlyDates) and says which values are
// bad in BadDates; without such a column it sets NoDates.
func (ins *Inspection) mostlyDates(data []byte, t *detect.Table) {
	col, format, _, ok := t.MostlyDates()
	if !ok {
		ins.NoDates = true
		return
	}
	// The formats that read every value the best one reads (month-first
	// and day-first may both).
	f, _ := summary.ParseDateFormat(format)
	var good []string
	for _, v := range t.Values(col) {
		if _, err := f.Parse(v); err == nil {
			good = append(good, v)
		}
	}
	best, fitting, err := detect.DateFormats(good)
	if best == "" {
		best, fitting = format, []string{format}
	}
	var ae *detect.AmbiguousError
	ins.Ambiguous = errors.As(err, &ae)
	ins.DateFormats, ins.DateFormat = fitting, best
	if col == ins.Guess.Customer || col == ins.Guess.Amount {
		// Taken by the content-based guess of a headerless file.
		ins.Guess.Customer, ins.Guess.Amount = "", ""
		for _, c := range ins.Columns {
			if c != col {
				ins.Guess.Customer = c
				break
			}
		}
	}
	ins.Guess.Date = col
	r := dateScan(data, ins.Delimiter, ins.Header, indexOf(ins.Columns, col), best)
	ins.BadDates = &BadDates{Column: col, Format: best, Rows: r.Bad, Line: r.FirstBadLine, Value: r.FirstBad}
}

// notText says why data is not a text file of transactions: empty, a
// known binary format, UTF-16 text, or bytes no text file has (NUL, or
// many control characters in the first 64 KiB); "" when it may be text.
func notText(data []byte) string {
	blank := true
	for _, c := range data {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			blank = false
			break
		}
	}
	if blank {
		return "The file is empty."
	}
	for _, m := range []struct{ magic, what string }{
		{"\x89PNG\r\n\x1a\n", "a PNG image"}, {"\xff\xd8\xff", "a JPEG image"}, {"GIF8", "a GIF image"},
		{"%PDF-", "a PDF document"},
		{"PK\x03\x04", "an Excel workbook (.xlsx) or another zip archive: in your spreadsheet, save it as CSV (File › Save as › CSV UTF-8)"},
		{"\xd0\xcf\x11\xe0", "an Excel 97–2003 workbook (.xls): in your spreadsheet, save it as CSV (File › Save as › CSV UTF-8)"},
		{"\x1f\x8b", "a gzip archive: unpack it first"},
		{"\xff\xfe", "text saved as UTF-16 (Excel's \"Unicode text\"): save it as CSV UTF-8"},
		{"\xfe\xff", "text saved as UTF-16: save it as CSV UTF-8"},
	} {
		if bytes.HasPrefix(data, []byte(m.magic)) {
			return "This is not a text file of orders: it looks like " + m.what + "."
		}
	}
	head := data[:min(len(data), 64<<10)]
	ctl := 0
	for _, c := range head {
		if c == 0 {
			return "This is not a text file of orders: it holds binary data (NUL bytes), like an image or a spreadsheet. Export your orders as CSV."
		}
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			ctl++
		}
	}
	if ctl*10 > len(head) {
		return "This is not a text file of orders: it holds binary data (control characters), like an image or a spreadsheet. Export your orders as CSV."
	}
	return ""
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s && s != "" {
			return i
		}
	}
	return -1
}

// dateStats is what dateScan finds in a date column.
type dateStats struct {
	First, Last time.Time // zero if no date reads
	Bad         int       // data rows whose date does not read
	// FirstBadLine and FirstBad are the line and value of the first of
	// them (0 and "" when there is none).
	FirstBadLine int
	FirstBad     string
}

// dateScan scans the whole date column (col, 0-based) with format, for the
// first and last dates, so the page can default the observation end to
// the last one, and for the rows whose date does not read.
func dateScan(data []byte, delim string, header bool, col int, format string) dateStats {
	var r dateStats
	f, err := summary.ParseDateFormat(format)
	if err != nil || col < 0 {
		return r
	}
	bad := func(line int, v string) {
		if r.Bad++; r.FirstBadLine == 0 {
			r.FirstBadLine, r.FirstBad = line, v
		}
	}
	_ = detect.EachRecordLine(bytes.NewReader(data), delim, header, func(rec []string, line int) { // a bytes.Reader does not fail
		if col >= len(rec) {
			bad(line, "")
			return
		}
		v := strings.TrimSpace(rec[col])
		t, err := f.Parse(v)
		if err != nil {
			bad(line, v)
			return
		}
		if r.First.IsZero() || t.Before(r.First) {
			r.First = t
		}
		if t.After(r.Last) {
			r.Last = t
		}
	}, func(line int) { bad(line, "") })
	return r
}
