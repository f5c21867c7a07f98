package bind

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/clvkit/clvkit/core/summary"
)

// Inspection is what the page learns from a transaction file before the
// user confirms the column mapping.
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
}

// Mapping names the customer, date and amount columns.
type Mapping struct {
	Customer string `json:"customer"`
	Date     string `json:"date"`
	Amount   string `json:"amount"`
}

// dateFormats are tried in this order; each is a name ParseDateFormat
// accepts.
var dateFormats = []string{
	"YYYY-MM-DD", "YYYYMMDD", "RFC3339",
	"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006/01/02",
	"01/02/2006", "02/01/2006", "1/2/2006", "2/1/2006",
	"01/02/2006 15:04", "02/01/2006 15:04", "1/2/2006 15:04", "2/1/2006 15:04",
	"01/02/2006 15:04:05", "02/01/2006 15:04:05",
	"02.01.2006", "2.1.2006", "01-02-2006", "02-01-2006",
	"Jan 2, 2006", "2 Jan 2006", "02-Jan-2006", "2006-01-02T15:04:05Z07:00",
}

// Header name heuristics, best first; names are compared lower-cased with
// everything but letters and digits removed.
var (
	customerNames = []string{"customerid", "customer", "custid", "clientid", "client", "userid", "user", "buyerid",
		"buyer", "memberid", "accountid", "account", "email", "customeremail", "contactid", "shopperid", "householdid", "id"}
	dateNames = []string{"date", "orderdate", "transactiondate", "purchasedate", "invoicedate", "saledate", "createdat",
		"orderedat", "processedat", "paidat", "timestamp", "datetime", "time", "day", "created", "ordertime"}
	amountNames = []string{"amount", "revenue", "total", "ordertotal", "totalprice", "sales", "netsales", "value",
		"ordervalue", "spend", "price", "gmv", "subtotal", "totalamount", "payment", "paid", "net", "gross"}
)

const sampleRows = 200

// Inspect guesses how data is laid out: delimiter, header, column mapping
// and date format. It reads at most the first sampleRows rows for the
// guesses and counts all lines.
func Inspect(data []byte) Inspection {
	ins := Inspection{Bytes: len(data), Lines: bytes.Count(data, []byte{'\n'})}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		ins.Lines++
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	first := data
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	ins.Delimiter = detectDelimiter(string(first))
	rows := readSample(data, ins.Delimiter, sampleRows+1)
	if len(rows) == 0 {
		return ins
	}
	ins.Header = looksLikeHeader(rows)
	body := rows
	if ins.Header {
		ins.Columns = rows[0]
		body = rows[1:]
	} else {
		for i := range rows[0] {
			ins.Columns = append(ins.Columns, strconv.Itoa(i+1))
		}
	}
	if len(body) > 10 {
		ins.Sample = body[:10]
	} else {
		ins.Sample = body
	}
	ins.Guess = guessMapping(ins.Columns, body, ins.Header)
	if di := indexOf(ins.Columns, ins.Guess.Date); di >= 0 {
		var vals []string
		for _, r := range body {
			if di < len(r) {
				vals = append(vals, r[di])
			}
		}
		ins.DateFormats = fittingFormats(vals)
		if len(ins.DateFormats) > 0 {
			ins.DateFormat = ins.DateFormats[0]
		}
		us, eu := false, false
		for _, f := range ins.DateFormats {
			us = us || strings.HasPrefix(f, "01/02") || strings.HasPrefix(f, "1/2")
			eu = eu || strings.HasPrefix(f, "02/01") || strings.HasPrefix(f, "2/1")
		}
		ins.Ambiguous = us && eu
	}
	return ins
}

func detectDelimiter(line string) string {
	best, n := "", 0
	for _, d := range []string{",", ";", "\t", "|"} {
		if c := strings.Count(line, d); c > n {
			best, n = d, c
		}
	}
	if best == "" && strings.ContainsAny(strings.TrimSpace(line), " \t") {
		return "whitespace"
	}
	if best == "" {
		return ","
	}
	return best
}

// readSample reads up to n records with the delimiter.
func readSample(data []byte, delim string, n int) [][]string {
	var rows [][]string
	if delim == "whitespace" {
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
		for sc.Scan() && len(rows) < n {
			if f := strings.Fields(sc.Text()); len(f) > 0 {
				rows = append(rows, f)
			}
		}
		return rows
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = []rune(delim)[0]
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	for len(rows) < n {
		rec, err := r.Read()
		if err != nil {
			break
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, rec)
	}
	return rows
}

// looksLikeHeader: a first row with no date and no number while later rows
// have them.
func looksLikeHeader(rows [][]string) bool {
	if len(rows) < 2 {
		return true
	}
	firstTyped, laterTyped := 0, 0
	for _, c := range rows[0] {
		if isNumber(c) || len(fittingFormats([]string{c})) > 0 {
			firstTyped++
		}
	}
	for _, c := range rows[1] {
		if isNumber(c) || len(fittingFormats([]string{c})) > 0 {
			laterTyped++
		}
	}
	return firstTyped < laterTyped || firstTyped == 0
}

func isNumber(s string) bool {
	s = strings.TrimSpace(strings.TrimLeft(s, "$€£¥"))
	if s == "" {
		return false
	}
	dot, digits := false, 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.' && !dot:
			dot = true
		case (r == '-' || r == '+') && i == 0:
		default:
			return false
		}
	}
	return digits > 0
}

func normalize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s && s != "" {
			return i
		}
	}
	return -1
}

// guessMapping matches header names against the name lists (exact match
// first, then containment), and without a header falls back on content: the
// first column whose values are all dates, the last whose values are all
// decimal numbers, and the first other column for the customer.
func guessMapping(cols []string, body [][]string, header bool) Mapping {
	var m Mapping
	taken := map[int]bool{}
	pick := func(names []string, ok func(int) bool) string {
		if !header {
			return ""
		}
		norm := make([]string, len(cols))
		for i, c := range cols {
			norm[i] = normalize(c)
		}
		for _, n := range names {
			for i, c := range norm {
				if c == n && !taken[i] && ok(i) {
					taken[i] = true
					return cols[i]
				}
			}
		}
		for _, n := range names {
			if len(n) < 4 {
				continue
			}
			for i, c := range norm {
				if strings.Contains(c, n) && !taken[i] && ok(i) {
					taken[i] = true
					return cols[i]
				}
			}
		}
		return ""
	}
	column := func(i int) []string {
		var vs []string
		for _, r := range body {
			if i < len(r) {
				vs = append(vs, r[i])
			}
		}
		return vs
	}
	isDates := func(i int) bool { return len(fittingFormats(column(i))) > 0 }
	isAmounts := func(i int) bool {
		for _, v := range column(i) {
			if v != "" && !isNumber(v) {
				return false
			}
		}
		return true
	}
	anyColumn := func(int) bool { return true }
	m.Date = pick(dateNames, isDates)
	m.Amount = pick(amountNames, isAmounts)
	m.Customer = pick(customerNames, anyColumn)
	if m.Date == "" {
		for i := range cols {
			if !taken[i] && isDates(i) {
				m.Date, taken[i] = cols[i], true
				break
			}
		}
	}
	if m.Amount == "" {
		for i := len(cols) - 1; i >= 0; i-- {
			if !taken[i] && isAmounts(i) && hasDecimals(column(i)) {
				m.Amount, taken[i] = cols[i], true
				break
			}
		}
	}
	if m.Customer == "" {
		for i := range cols {
			if !taken[i] {
				m.Customer, taken[i] = cols[i], true
				break
			}
		}
	}
	return m
}

func hasDecimals(vs []string) bool {
	for _, v := range vs {
		if strings.Contains(v, ".") {
			return true
		}
	}
	return false
}

// fittingFormats returns the formats under which every non-empty value
// parses (none if there are no values). A format must also give plausible
// dates (years 1900–2200) so that, e.g., 8-digit ids are not read as
// YYYYMMDD dates.
func fittingFormats(vals []string) []string {
	var out []string
	n := 0
	for _, v := range vals {
		if v != "" {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	for _, name := range dateFormats {
		f, err := summary.ParseDateFormat(name)
		if err != nil {
			continue
		}
		ok := true
		for _, v := range vals {
			if v == "" {
				continue
			}
			t, err := f.Parse(v)
			if err != nil || t.Year() < 1900 || t.Year() > 2200 {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, name)
		}
	}
	return out
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
	skip := header
	if delim == "whitespace" {
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
		for sc.Scan() {
			fs := strings.Fields(sc.Text())
			if len(fs) == 0 {
				continue
			}
			if skip {
				skip = false
				continue
			}
			each(fs)
		}
		return
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = []rune(delim)[0]
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	for {
		rec, err := r.Read()
		if err != nil {
			if _, ok := err.(*csv.ParseError); ok {
				bad++
				continue
			}
			return
		}
		if skip {
			skip = false
			continue
		}
		each(rec)
	}
}
