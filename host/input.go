package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/clvkit/clvkit/core/detect"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/host/internal/table"
	"github.com/clvkit/clvkit/internal/quote"
)

// source is one input file: its path ("-" for stdin) and how to read it.
type source struct {
	Path       string
	Format     string // csv | jsonl | parquet; "" infers from the path (csv for stdin)
	Delimiter  string // "," ";" "\t" "|" or "whitespace"
	NoHeader   bool
	DateFormat string // a summary.ParseDateFormat name, or "auto"
	// AmountFormat is plain, "1,234.56", "1.234,56", "1 234,56" or "auto".
	AmountFormat string
	SkipBadRows  bool
	// MaxRows, when above 0, stops reading after that many data rows
	// (clv validate reads the first rows only).
	MaxRows int
	Rules   summary.RowRules // where, amount_expr, is_return
	// Name, when set, is the name used in messages instead of Path, and
	// reader the bytes read instead of opening Path: a database's rows
	// as CSV (see postgres.go).
	Name   string
	reader io.Reader
}

// displayName is the name used in messages.
func (s source) displayName() string {
	if s.Name != "" {
		return s.Name
	}
	if s.Path == "-" {
		return "stdin"
	}
	return s.Path
}

func (s source) format() (table.Format, error) {
	if s.Format != "" {
		return table.ParseFormat(s.Format)
	}
	if s.Path == "-" {
		return table.CSV, nil
	}
	f, err := table.FormatFromPath(s.Path)
	if err != nil {
		// A delimiter or a header-less layout only make sense for
		// delimited text (CDNOW_sample.txt): read it as CSV.
		if (s.Delimiter != "" && s.Delimiter != ",") || s.NoHeader {
			return table.CSV, nil
		}
		return 0, fmt.Errorf("%w (--format or input.format)", err)
	}
	return f, nil
}

func (s source) comma() (rune, bool, error) {
	switch s.Delimiter {
	case "", ",":
		return ',', false, nil
	case ";":
		return ';', false, nil
	case "\t", "tab", `\t`:
		return '\t', false, nil
	case "|":
		return '|', false, nil
	case "whitespace", "space", "spaces":
		return ' ', true, nil
	}
	return 0, false, fmt.Errorf("delimiter %s: want \",\", \";\", \"\\t\", \"|\" or \"whitespace\"", quote.Value(s.Delimiter))
}

// countingReader counts bytes read, for the progress bar.
type countingReader struct {
	r io.Reader
	n func(int)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 && c.n != nil {
		c.n(n)
	}
	return n, err
}

// open opens the source's bytes, transparently gunzipping gzip data
// (detected by its magic bytes), and returns the file size for progress
// (-1 when unknown).
func (s source) open(e *env, progress func(int)) (io.Reader, func() error, int64, error) {
	var r io.Reader
	closeFn := func() error { return nil }
	size := int64(-1)
	switch {
	case s.reader != nil:
		r = s.reader
	case s.Path == "":
		return nil, nil, 0, fmt.Errorf("input: %s is read by clv score, clv fit and clv summarize; this command reads files (input.path)", s.displayName())
	case s.Path == "-":
		r = e.stdin
	default:
		f, err := os.Open(s.Path)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("input: %w", err)
		}
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		r, closeFn = f, f.Close
	}
	r = &countingReader{r: r, n: progress}
	// A small buffer, enough to sniff gzip and to batch the decompressor's
	// reads: once it is empty, reads at least its size (the CSV reader asks
	// for a few hundred KiB at a time) go straight to the file instead of
	// being copied through it.
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		gz, err := gzip.NewReader(br)
		if err != nil {
			closeFn()
			return nil, nil, 0, fmt.Errorf("%s: gzip: %w", s.displayName(), err)
		}
		return gz, closeFn, size, nil
	}
	return br, closeFn, size, nil
}

// lineCountHint returns the number of lines of an uncompressed input file
// plus one, an upper bound on its rows that readers use to size their
// slices once; 0 when it cannot tell cheaply (stdin, a database, a gzip
// file, an error: the error is for open to report). Counting newlines
// reads the file at disk speed, a few per cent of parsing it.
func (s source) lineCountHint() int {
	if s.reader != nil || s.Path == "" || s.Path == "-" {
		return 0
	}
	f, err := os.Open(s.Path)
	if err != nil {
		return 0
	}
	defer f.Close()
	buf := make([]byte, 256<<10)
	lines := 1
	for first := true; ; first = false {
		n, err := f.Read(buf)
		if first && n >= 2 && buf[0] == 0x1f && buf[1] == 0x8b {
			return 0
		}
		lines += bytes.Count(buf[:n], []byte{'\n'})
		if err != nil {
			return lines
		}
	}
}

// transactionColumns names the transaction fields in the data.
type transactionColumns struct{ Customer, Date, Amount string }

// maxDetectField is the longest cell value the format detector is shown
// from a JSON Lines or Parquet row.
const maxDetectField = 256

// readTransactions streams the source's transactions into b and returns
// the date and amount formats it read them with ("auto" resolved on the
// first lines by core/detect). CSV goes through core/summary's streaming
// reader; JSON Lines and Parquet through the table layer.
func readTransactions(ctx context.Context, e *env, s source, cols transactionColumns, b *summary.Builder, progress *progress) (inputFormats, error) {
	formats := inputFormats{DateFormat: s.DateFormat, AmountFormat: s.AmountFormat}
	f, err := s.format()
	if err != nil {
		return formats, err
	}
	r, closeFn, size, err := s.open(e, progress.add)
	if err != nil {
		return formats, err
	}
	defer closeFn()
	progress.start(size, "reading "+s.displayName())
	defer progress.finish()
	r = ctxReader{ctx, r}
	if f == table.CSV {
		comma, ws, err := s.comma()
		if err != nil {
			return formats, err
		}
		if formats, r, err = resolveCSVFormats(r, s, cols); err != nil {
			return formats, err
		}
		if s.MaxRows > 0 {
			lines := s.MaxRows
			if !s.NoHeader {
				lines++
			}
			r = &lineLimit{r: r, left: lines, quotes: !ws}
		}
		err = summary.ReadCSV(r, summary.CSVOptions{
			Columns:      summary.Columns{Customer: cols.Customer, Date: cols.Date, Amount: cols.Amount},
			Header:       !s.NoHeader,
			Delimiter:    comma,
			Whitespace:   ws,
			DateFormat:   formats.DateFormat,
			AmountFormat: formats.AmountFormat,
			Rules:        s.Rules,
		}, b)
		if err != nil {
			return formats, fmt.Errorf("%s: %w", s.displayName(), err)
		}
		return formats, nil
	}
	tr, err := table.Open(r, s.displayName(), f, table.ReadOptions{})
	if err != nil {
		return formats, err
	}
	want := []string{cols.Customer, cols.Date}
	if cols.Amount != "" {
		want = append(want, cols.Amount)
	}
	idx, err := tr.Require(want...)
	if err != nil {
		return formats, err
	}
	attrNames := b.AttributeNames()
	attrIdx, err := tr.Require(attrNames...)
	if err != nil {
		return formats, err
	}
	next := tr.Next
	// With an "auto" format, the first rows are read ahead and detected on.
	if s.needsDetection() {
		var ahead []table.Row
		t := &detect.Table{Header: true, Columns: tr.Columns()}
		for len(ahead) < detect.MaxLines {
			row, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return formats, err
			}
			ahead = append(ahead, row)
			fields := make([]string, len(t.Columns))
			for i := range fields {
				fields[i] = strings.TrimSpace(row.Field(i))
				if len(fields[i]) > maxDetectField {
					// No date or amount is this long: a prefix tells
					// the detector as much, without copying a huge field.
					fields[i] = fields[i][:maxDetectField]
				}
			}
			t.Rows = append(t.Rows, fields)
		}
		if formats, err = resolveOn(t, s, cols); err != nil {
			return formats, err
		}
		next = replayRows(ahead, tr.Next)
	}
	var rules *summary.Rules
	if !s.Rules.IsZero() {
		if rules, next, err = compileTableRules(next, tr.Columns(), tr.Name(), s.Rules); err != nil {
			return formats, err
		}
	}
	df, err := summary.ParseDateFormat(formats.DateFormat)
	if err != nil {
		return formats, err
	}
	af, err := summary.ParseAmountFormat(formats.AmountFormat)
	if err != nil {
		return formats, err
	}
	var currency string
	currencyLine := 0
	var rec []string
	for rows := 0; s.MaxRows <= 0 || rows < s.MaxRows; rows++ {
		row, err := next()
		if errors.Is(err, io.EOF) {
			return formats, nil
		}
		if err != nil {
			return formats, err
		}
		ret := false
		var ruleAmount float64
		if rules != nil {
			rec = rec[:0]
			for i := range row.Len() {
				rec = append(rec, row.Field(i))
			}
			keep, err := rules.Keep(rec)
			if err == nil && keep {
				if ruleAmount, err = rules.Amount(rec); err == nil {
					ret, err = rules.IsReturn(rec)
				}
			}
			if err != nil {
				if s.SkipBadRows {
					continue
				}
				var pe *summary.ParseError
				if errors.As(err, &pe) {
					pe.Line = row.Line() // the rules leave the line to their caller
				}
				return formats, fmt.Errorf("%s: %w", s.displayName(), err)
			}
			if !keep {
				b.Filtered()
				continue
			}
		}
		id, err := row.Text(idx[0])
		if err != nil {
			// Not valid UTF-8 as written: JSON and Parquet output could
			// not hold it, and two such ids could become one.
			if s.SkipBadRows {
				continue
			}
			return formats, err
		}
		if strings.TrimSpace(id) == "" {
			// The Builder leaves the row out and counts it under
			// missing_customer = "skip" (or skip_bad_rows), else
			// rejects it.
			if err := b.Add(summary.Transaction{Customer: ""}); err == nil {
				continue
			}
			if s.SkipBadRows {
				continue
			}
			return formats, row.Wrap(idx[0], errors.New("empty customer id"))
		}
		var when time.Time
		if f == table.Parquet && len(row.Field(idx[1])) > 10 && df.String() == "YYYY-MM-DD" {
			// Parquet timestamps come as RFC 3339; take their date.
			when, err = time.Parse(time.RFC3339Nano, row.Field(idx[1]))
		} else {
			when, err = df.Parse(strings.TrimSpace(row.Field(idx[1])))
		}
		if err != nil {
			if s.SkipBadRows {
				continue
			}
			return formats, row.WrapFor(idx[1], id, err)
		}
		t := summary.Transaction{Customer: id, Time: when, Amount: ruleAmount, Return: ret}
		if len(attrIdx) > 0 {
			t.Attributes = make([]string, len(attrIdx))
			for k, i := range attrIdx {
				t.Attributes[k] = row.Field(i)
			}
		}
		if cols.Amount != "" {
			if af.Plain() {
				t.Amount, err = row.Float(idx[2])
			} else {
				var cur string
				t.Amount, cur, err = af.Parse(row.Field(idx[2]))
				if err != nil {
					err = row.WrapFor(idx[2], id, fmt.Errorf("parsing %q as an amount in format %q: %w", row.Field(idx[2]), af, err))
				} else if cur != "" && currency == "" {
					currency, currencyLine = cur, row.Line()
				} else if cur != "" && cur != currency {
					// Never skipped: summing two currencies is wrong however many rows are dropped.
					return formats, row.WrapFor(idx[2], id, fmt.Errorf("two currencies in the amount column: %s here, %s on line %d; one amount column must hold one currency",
						cur, currency, currencyLine))
				}
			}
			if err != nil {
				if s.SkipBadRows {
					continue
				}
				var te *table.Error
				if errors.As(err, &te) && te.Customer == "" {
					te.Customer = strings.Clone(quote.Prefix(id))
				}
				return formats, err
			}
		}
		if err := b.Add(t); err != nil {
			return formats, row.Wrap(idx[0], err)
		}
	}
	return formats, nil
}

// lineLimit ends a text after its first left lines. With quotes, a line
// break inside a double-quoted CSV field does not end a line (a doubled
// quote inside a field toggles twice, so the count stays right).
type lineLimit struct {
	r       io.Reader
	left    int
	quotes  bool
	inQuote bool
}

func (l *lineLimit) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, io.EOF
	}
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		switch {
		case c == '"' && l.quotes:
			l.inQuote = !l.inQuote
		case c == '\n' && !l.inQuote:
			l.left--
			if l.left == 0 {
				return i + 1, nil
			}
		}
	}
	return n, err
}

// compileTableRules compiles the row rules of a JSON Lines or Parquet input
// against its columns, typed from its first summary.SampleRows rows, and
// returns them with the row iterator to read from instead of tr.Next (the
// sampled rows first).
func compileTableRules(next func() (table.Row, error), columns []string, name string, r summary.RowRules) (*summary.Rules, func() (table.Row, error), error) {
	var held []table.Row
	var sample [][]string
	var end error
	for len(held) < summary.SampleRows {
		row, err := next()
		if err != nil {
			end = err
			break
		}
		held = append(held, row)
		rec := make([]string, row.Len())
		for i := range rec {
			rec[i] = row.Field(i)
		}
		sample = append(sample, rec)
	}
	rules, err := summary.CompileRules(r, columns, sample)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	if end != nil {
		next = func() (table.Row, error) { return table.Row{}, end }
	}
	return rules, replayRows(held, next), nil
}

// replayRows returns a row source that gives held first, then next's rows.
func replayRows(held []table.Row, next func() (table.Row, error)) func() (table.Row, error) {
	return func() (table.Row, error) {
		if len(held) > 0 {
			row := held[0]
			held = held[1:]
			return row, nil
		}
		return next()
	}
}

// ctxReader stops reading when the context is done (Ctrl-C).
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// parseDay parses a YYYY-MM-DD flag or config value.
func parseDay(key, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %s: want a date as YYYY-MM-DD", key, quote.Value(s))
	}
	return t, nil
}
