package detect

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MaxLines is how many lines of a file the detector reads by default:
// enough that US dates of an export starting on the 1st of a month reach a
// day above 12 (the UCI Online Retail sample needs 1,083 lines).
const MaxLines = 5000

// maxSampleBytes bounds the sample when lines are very long.
const maxSampleBytes = 4 << 20

// Head reads the first maxLines lines of r (MaxLines if maxLines ≤ 0), at
// most maxSampleBytes of them, and returns them and a reader that yields
// the whole input again, sample included, so a stream (stdin) can be
// detected and then read in full. When the byte bound cuts a line (a huge
// field), the sample ends at the last whole line before it: detection
// never holds more than a few MiB, however long a line is.
func Head(r io.Reader, maxLines int) ([]byte, io.Reader, error) {
	if maxLines <= 0 {
		maxLines = MaxLines
	}
	br := bufio.NewReaderSize(r, 64<<10)
	var read []byte // every byte taken from br, replayed first
	whole := 0      // read[:whole] holds whole lines
	for lines := 0; lines < maxLines && len(read) < maxSampleBytes; lines++ {
		line, err := br.ReadSlice('\n')
		for err == bufio.ErrBufferFull && len(read)+len(line) < maxSampleBytes {
			read = append(read, line...)
			line, err = br.ReadSlice('\n')
		}
		read = append(read, line...)
		switch {
		case err == bufio.ErrBufferFull:
			// A line longer than the sample's bound: stop before it.
			return read[:whole], io.MultiReader(bytes.NewReader(read), br), nil
		case err == io.EOF:
			return read, bytes.NewReader(read), nil
		case err != nil:
			return nil, nil, fmt.Errorf("read: %w", err)
		}
		whole = len(read)
	}
	return read[:whole], io.MultiReader(bytes.NewReader(read), br), nil
}

// Options say what is already known about the file; zero values are
// detected.
type Options struct {
	// MaxLines bounds the sample (default MaxLines).
	MaxLines int
	// Delimiter is ",", ";", "\t", "|" or "whitespace"; "" detects it.
	Delimiter string
	// Header, when not nil, says whether the first line names the columns.
	Header *bool
}

// Table is the sample of a delimited file.
type Table struct {
	// Delimiter is ",", ";", "\t", "|" or "whitespace".
	Delimiter string
	// Header tells whether the first line names the columns.
	Header bool
	// Columns are the header names, or "1", "2", ... without a header.
	Columns []string
	// Rows are the sampled data rows, fields trimmed of blanks.
	Rows [][]string
}

// ReadSample reads the first opt.MaxLines lines of r as a table, detecting
// the delimiter and the header unless opt gives them. A UTF-8 byte order
// mark is ignored.
func ReadSample(r io.Reader, opt Options) (*Table, error) {
	data, _, err := Head(r, opt.MaxLines)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	t := &Table{Delimiter: opt.Delimiter}
	if t.Delimiter == "" {
		first := data
		if i := bytes.IndexByte(first, '\n'); i >= 0 {
			first = first[:i]
		}
		t.Delimiter = Delimiter(string(first))
	}
	switch t.Delimiter {
	case ",", ";", "\t", "|", "whitespace":
	default:
		return nil, fmt.Errorf("delimiter %q: want \",\", \";\", \"\\t\", \"|\" or \"whitespace\"", t.Delimiter)
	}
	rows := splitRows(data, t.Delimiter)
	if len(rows) == 0 {
		return t, nil
	}
	if opt.Header != nil {
		t.Header = *opt.Header
	} else {
		t.Header = looksLikeHeader(rows)
	}
	t.Rows = rows
	if t.Header {
		t.Columns, t.Rows = rows[0], rows[1:]
	} else {
		for i := range rows[0] {
			t.Columns = append(t.Columns, strconv.Itoa(i+1))
		}
	}
	return t, nil
}

// Delimiter guesses the delimiter of a file from its first line: the most
// frequent of , ; tab |, else "whitespace" when the line has blanks
// between fields, else ",".
func Delimiter(line string) string {
	best, n := "", 0
	for _, d := range []string{",", ";", "\t", "|"} {
		if c := strings.Count(line, d); c > n {
			best, n = d, c
		}
	}
	switch {
	case best != "":
		return best
	case strings.ContainsAny(strings.TrimSpace(line), " \t"):
		return "whitespace"
	}
	return ","
}

// splitRows splits the sample into records, fields trimmed. A record cut
// by the end of the sample (or malformed) ends it.
func splitRows(data []byte, delim string) [][]string {
	var rows [][]string
	if delim == "whitespace" {
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 0, 64<<10), maxSampleBytes)
		for sc.Scan() {
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
	for {
		rec, err := r.Read()
		if err != nil {
			// The end, or a malformed or cut record: keep what came before.
			return rows
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, rec)
	}
}

// Index returns the position of column in the table: a header name, or a
// 1-based position such as "2" (core/summary's rule: a name wins). It
// returns -1 when there is no such column.
func (t *Table) Index(column string) int {
	if column == "" {
		return -1
	}
	if t.Header {
		for i, c := range t.Columns {
			if c == column {
				return i
			}
		}
	}
	if n, err := strconv.Atoi(column); err == nil && n >= 1 && n <= len(t.Columns) {
		return n - 1
	}
	return -1
}

// Values returns the sampled values of column (see Index), nil when there
// is no such column. Rows too short for it are left out.
func (t *Table) Values(column string) []string {
	i := t.Index(column)
	if i < 0 {
		return nil
	}
	return t.column(i)
}

func (t *Table) column(i int) []string {
	vs := make([]string, 0, len(t.Rows))
	for _, r := range t.Rows {
		if i < len(r) {
			vs = append(vs, r[i])
		}
	}
	return vs
}

// looksLikeHeader: a first row with no date and no number while later rows
// have them.
func looksLikeHeader(rows [][]string) bool {
	if len(rows) < 2 {
		return true
	}
	typed := func(row []string) int {
		n := 0
		for _, c := range row {
			if isAmount(c) || len(fittingDates([]string{c}, false)) > 0 {
				n++
			}
		}
		return n
	}
	first, later := typed(rows[0]), typed(rows[1])
	return first < later || first == 0
}

// EachRecord calls each for every data record of a delimited input: delim
// is a delimiter as Delimiter returns it ("whitespace" for runs of blanks),
// header skips the first record, a UTF-8 byte order mark is dropped and
// fields are passed untrimmed, in a slice reused between calls. Quotes are
// read leniently; a record that is still malformed is skipped and reported
// to bad, when not nil. It is the whole-file scan behind clv init --from;
// clv score's reader reports such records with their lines.
func EachRecord(r io.Reader, delim string, header bool, each func([]string), bad func()) error {
	var badLine func(int)
	if bad != nil {
		badLine = func(int) { bad() }
	}
	return EachRecordLine(r, delim, header, func(rec []string, _ int) { each(rec) }, badLine)
}

// EachRecordLine is EachRecord with the 1-based line each record starts
// on (a quoted field may span lines), given to each and to bad: the scan
// behind the page's date range and its report of the first bad date.
func EachRecordLine(r io.Reader, delim string, header bool, each func(rec []string, line int), bad func(line int)) error {
	skip := header
	if delim == "whitespace" {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
		for line := 1; sc.Scan(); line++ {
			fs := strings.Fields(sc.Text())
			if len(fs) == 0 {
				continue
			}
			if skip {
				skip = false
				continue
			}
			each(fs, line)
		}
		return sc.Err()
	}
	cr := csv.NewReader(r)
	cr.Comma = []rune(delim)[0]
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if pe, ok := err.(*csv.ParseError); ok {
			if bad != nil {
				bad(pe.StartLine)
			}
			continue
		}
		if err != nil {
			return err
		}
		if first && len(rec) > 0 {
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
		}
		first = false
		if skip {
			skip = false
			continue
		}
		line, _ := cr.FieldPos(0)
		each(rec, line)
	}
}
