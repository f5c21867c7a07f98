package table

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/clvkit/clvkit/internal/quote"
)

// ReadOptions tunes Open. The zero value reads standard files.
type ReadOptions struct {
	// Comma is the CSV field separator; 0 means ','.
	Comma rune
	// ReuseRow lets the reader reuse a row's memory for the next one
	// (CSV: encoding/csv's ReuseRecord), for a caller that is done with
	// each row before it reads the next: a Row then stays valid only until
	// the next call to Next, unlike the default.
	ReuseRow bool
}

// Reader reads a table row by row. Create one with Open.
type Reader struct {
	hdr  *header
	src  source
	line int
	// row is filled by src.next: a Row passed to the interface method
	// from Next's stack would escape and cost an allocation per row.
	row Row
}

// header is what every Row of a Reader shares: enough to build errors.
type header struct {
	name    string
	columns []string
	index   map[string]int
}

// source is one format's decoder.
type source interface {
	// next fills row.fields, row.null and row.line, or returns io.EOF or
	// an error (preferably a *Error).
	next(row *Row) error
}

// gzipMagic starts every gzip stream (RFC 1952, section 2.3.1).
var gzipMagic = []byte{0x1f, 0x8b}

// Open reads the header of a table in format f from r and returns a Reader
// for its rows. name identifies the input in errors (a path, or "-" for
// standard input). Gzip-compressed input is decompressed transparently: it
// is recognised by its magic bytes, not by name, since a caller may pass
// the bytes of orders.csv.gz already decompressed. Parquet input
// is read into memory in full unless r is a regular *os.File.
func Open(r io.Reader, name string, f Format, opts ReadOptions) (*Reader, error) {
	if f == Parquet {
		if file, ok := r.(*os.File); ok {
			if st, err := file.Stat(); err == nil && st.Mode().IsRegular() {
				return openParquet(file, st.Size(), name)
			}
		}
	}
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(2)
	if string(magic) == string(gzipMagic) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, &Error{Name: name, Err: fmt.Errorf("gzip: %w", err)}
		}
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	// A byte order mark (Excel's "CSV UTF-8", Windows tools) is not data,
	// even before a quoted header.
	if head, _ := br.Peek(len(bom)); string(head) == bom {
		br.Discard(len(bom))
	}
	switch f {
	case CSV:
		return openCSV(br, name, opts)
	case JSONL:
		return openJSONL(br, name)
	case Parquet:
		data, err := io.ReadAll(br)
		if err != nil {
			return nil, &Error{Name: name, Err: fmt.Errorf("read: %w", err)}
		}
		return openParquet(bytesReaderAt(data), int64(len(data)), name)
	}
	return nil, &Error{Name: name, Err: fmt.Errorf("unknown table format %v", f)}
}

// newHeader checks the column names for duplicates and indexes them.
func newHeader(name string, columns []string) (*header, error) {
	h := &header{name: name, columns: columns, index: make(map[string]int, len(columns))}
	for i, c := range columns {
		if j, dup := h.index[c]; dup {
			return nil, fmt.Errorf("column %s appears twice (columns %d and %d)", quote.Value(c), j+1, i+1)
		}
		h.index[c] = i
	}
	return h, nil
}

// Name returns the input name given to Open.
func (r *Reader) Name() string { return r.hdr.name }

// Columns returns the column names in file order. The slice must not be
// modified.
func (r *Reader) Columns() []string { return r.hdr.columns }

// Index returns the position of the named column, or -1 if there is none.
func (r *Reader) Index(column string) int {
	if i, ok := r.hdr.index[column]; ok {
		return i
	}
	return -1
}

// Require returns the positions of the named columns, or an error naming
// the input, the first missing column and the columns that exist.
func (r *Reader) Require(columns ...string) ([]int, error) {
	idx := make([]int, len(columns))
	for k, c := range columns {
		i, ok := r.hdr.index[c]
		if !ok {
			return nil, &Error{Name: r.hdr.name, Column: c, Err: fmt.Errorf("no such column (the input has %s)", quote.List(r.hdr.columns))}
		}
		idx[k] = i
	}
	return idx, nil
}

// Next returns the next row, or io.EOF after the last one. Errors are
// *Error values carrying the position. Each Row is independent of the
// others and stays valid after later calls, unless ReadOptions.ReuseRow
// was set.
func (r *Reader) Next() (Row, error) {
	r.row = Row{hdr: r.hdr}
	if err := r.src.next(&r.row); err != nil {
		if err != io.EOF {
			var te *Error
			if !errors.As(err, &te) {
				err = &Error{Name: r.hdr.name, Line: r.line, Err: err}
			}
		}
		return Row{}, err
	}
	r.line = r.row.line
	return r.row, nil
}

// Line returns the position of the row last returned by Next: the 1-based
// line it starts on for CSV and JSON Lines, the 1-based data row number for
// Parquet; 0 before the first row.
func (r *Reader) Line() int { return r.line }

// Row is one row of a table. Field positions follow Reader.Columns.
// Accessors panic if i is out of range, like a slice index.
type Row struct {
	hdr    *header
	fields []string
	null   []bool // nil when no field is null
	lossy  []bool // JSON Lines strings decoding changed (see parseObject); nil when none
	line   int
}

// Len returns the number of fields, which equals the number of columns.
func (r Row) Len() int { return len(r.fields) }

// Line returns the row's position, as Reader.Line.
func (r Row) Line() int { return r.line }

// Field returns field i as text; a null field is "".
func (r Row) Field(i int) string { return r.fields[i] }

// IsNull reports whether field i is null: a JSON null or absent key, or a
// Parquet null. CSV fields are never null; see Float and Int for empty
// ones.
func (r Row) IsNull(i int) bool { return r.null != nil && r.null[i] }

// Text returns field i as text for a value that must be kept exactly,
// such as a customer id. Unlike Field, it fails (with a *Error naming the
// position) unless the field is valid UTF-8 as written in the file: raw
// bytes that are not UTF-8 (CSV, Parquet), or a JSON string holding
// invalid UTF-8 or an unpaired surrogate escape, which JSON decoding turns
// into U+FFFD. Such a value cannot be written to JSON or Parquet text
// without change, and two of them ("Jos\xe9", "Jos\xe8") would become
// one. A null field is "".
func (r Row) Text(i int) (string, error) {
	s := r.fields[i]
	if r.lossy != nil && r.lossy[i] {
		return "", r.Wrap(i, fmt.Errorf("JSON string: %w; it holds invalid UTF-8 bytes or an unpaired \\uD800-\\uDFFF escape, which JSON readers turn into U+FFFD", ErrNotUTF8))
	}
	if !utf8.ValidString(s) {
		return "", r.Wrap(i, fmt.Errorf("%s: %w", quote.Value(s), ErrNotUTF8))
	}
	return s, nil
}

// Float parses field i as a finite decimal number (strconv.ParseFloat
// syntax; NaN and infinities are rejected). A null or empty field gives an
// error wrapping ErrNull. Errors are *Error values naming the position.
func (r Row) Float(i int) (float64, error) {
	s := r.fields[i]
	if s == "" || r.IsNull(i) {
		return 0, r.Wrap(i, ErrNull)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, r.Wrap(i, fmt.Errorf("%s is not a number", quote.Value(s)))
	}
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, r.Wrap(i, fmt.Errorf("%s is not a finite number", quote.Value(s)))
	}
	return v, nil
}

// Int parses field i as a base-10 64-bit integer. A null or empty field
// gives an error wrapping ErrNull. Errors are *Error values naming the
// position.
func (r Row) Int(i int) (int64, error) {
	s := r.fields[i]
	if s == "" || r.IsNull(i) {
		return 0, r.Wrap(i, ErrNull)
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, r.Wrap(i, fmt.Errorf("%s is out of the 64-bit integer range", quote.Value(s)))
		}
		return 0, r.Wrap(i, fmt.Errorf("%s is not an integer", quote.Value(s)))
	}
	return v, nil
}

// Wrap returns err as a *Error at this row's position and column i, for
// errors the caller finds while interpreting a field (a bad date, a
// negative amount). i may be -1 for an error about the whole row.
func (r Row) Wrap(i int, err error) error { return r.WrapFor(i, "", err) }

// WrapFor is Wrap for a row whose customer id is known: the error names
// the customer (its first quote.MaxBytes bytes) as well as the line.
func (r Row) WrapFor(i int, customer string, err error) error {
	if customer != "" {
		customer = strings.Clone(quote.Prefix(customer))
	}
	e := &Error{Name: r.hdr.name, Line: r.line, Customer: customer, Err: err}
	if i >= 0 {
		e.Column = r.hdr.columns[i]
	}
	return e
}
