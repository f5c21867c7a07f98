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

	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/host/internal/table"
)

// source is one input file: its path ("-" for stdin) and how to read it.
type source struct {
	Path        string
	Format      string // csv | jsonl | parquet; "" infers from the path (csv for stdin)
	Delimiter   string // "," ";" "\t" "|" or "whitespace"
	NoHeader    bool
	DateFormat  string
	SkipBadRows bool
	Rules       summary.RowRules // where, amount_expr, is_return
}

// displayName is the name used in messages.
func (s source) displayName() string {
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
	return 0, false, fmt.Errorf("delimiter %q: want \",\", \";\", \"\\t\", \"|\" or \"whitespace\"", s.Delimiter)
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
	if s.Path == "-" {
		r = e.stdin
	} else {
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

// transactionColumns names the transaction fields in the data.
type transactionColumns struct{ Customer, Date, Amount string }

// readTransactions streams the source's transactions into b. CSV goes
// through core/summary's streaming reader; JSON Lines and Parquet through
// the table layer.
func readTransactions(ctx context.Context, e *env, s source, cols transactionColumns, b *summary.Builder, progress *progress) error {
	f, err := s.format()
	if err != nil {
		return err
	}
	r, closeFn, size, err := s.open(e, progress.add)
	if err != nil {
		return err
	}
	defer closeFn()
	progress.start(size, "reading "+s.displayName())
	defer progress.finish()
	r = ctxReader{ctx, r}
	if f == table.CSV {
		comma, ws, err := s.comma()
		if err != nil {
			return err
		}
		err = summary.ReadCSV(r, summary.CSVOptions{
			Columns:    summary.Columns{Customer: cols.Customer, Date: cols.Date, Amount: cols.Amount},
			Header:     !s.NoHeader,
			Delimiter:  comma,
			Whitespace: ws,
			DateFormat: s.DateFormat,
			Rules:      s.Rules,
		}, b)
		if err != nil {
			return fmt.Errorf("%s: %w", s.displayName(), err)
		}
		return nil
	}
	df, err := summary.ParseDateFormat(s.DateFormat)
	if err != nil {
		return err
	}
	tr, err := table.Open(r, s.displayName(), f, table.ReadOptions{})
	if err != nil {
		return err
	}
	want := []string{cols.Customer, cols.Date}
	if cols.Amount != "" {
		want = append(want, cols.Amount)
	}
	idx, err := tr.Require(want...)
	if err != nil {
		return err
	}
	rows := tr.Next
	var rules *summary.Rules
	if !s.Rules.IsZero() {
		if rules, rows, err = compileTableRules(tr, s.Rules); err != nil {
			return err
		}
	}
	var rec []string
	for {
		row, err := rows()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
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
				return fmt.Errorf("%s: %w", s.displayName(), err)
			}
			if !keep {
				b.Filtered()
				continue
			}
		}
		id := row.Field(idx[0])
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
			return row.Wrap(idx[0], errors.New("empty customer id"))
		}
		var when time.Time
		if f == table.Parquet && len(row.Field(idx[1])) > 10 && df.String() == "YYYY-MM-DD" {
			// Parquet timestamps come as RFC 3339; take their date.
			when, err = time.Parse(time.RFC3339Nano, row.Field(idx[1]))
		} else {
			when, err = df.Parse(row.Field(idx[1]))
		}
		if err != nil {
			if s.SkipBadRows {
				continue
			}
			return row.Wrap(idx[1], err)
		}
		t := summary.Transaction{Customer: id, Time: when, Amount: ruleAmount, Return: ret}
		if cols.Amount != "" {
			if t.Amount, err = row.Float(idx[2]); err != nil {
				if s.SkipBadRows {
					continue
				}
				return err
			}
		}
		if err := b.Add(t); err != nil {
			return row.Wrap(idx[0], err)
		}
	}
}

// compileTableRules compiles the row rules of a JSON Lines or Parquet input
// against its columns, typed from its first summary.SampleRows rows, and
// returns them with the row iterator to read from instead of tr.Next (the
// sampled rows first).
func compileTableRules(tr *table.Reader, r summary.RowRules) (*summary.Rules, func() (table.Row, error), error) {
	var held []table.Row
	var sample [][]string
	var end error
	for len(held) < summary.SampleRows {
		row, err := tr.Next()
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
	rules, err := summary.CompileRules(r, tr.Columns(), sample)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", tr.Name(), err)
	}
	next := func() (table.Row, error) {
		if len(held) > 0 {
			row := held[0]
			held = held[1:]
			return row, nil
		}
		if end != nil {
			return table.Row{}, end
		}
		return tr.Next()
	}
	return rules, next, nil
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
		return time.Time{}, fmt.Errorf("%s %q: want a date as YYYY-MM-DD", key, s)
	}
	return t, nil
}
