package table

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/clvkit/clvkit/internal/textenc"
	"unicode/utf8"

	"github.com/clvkit/clvkit/internal/quote"
)

// Kind is the type of a column's values on output.
type Kind int

// The column kinds.
const (
	String Kind = iota + 1 // text
	Float                  // float64 written with a fixed number of decimals
	Int                    // int64
)

// String returns "string", "float" or "int".
func (k Kind) String() string {
	switch k {
	case String:
		return "string"
	case Float:
		return "float"
	case Int:
		return "int"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// MaxPrecision is the largest Column.Precision accepted.
const MaxPrecision = 20

// Column describes one output column.
type Column struct {
	Name string
	Kind Kind
	// Precision is, for Float columns, the number of digits after the
	// decimal point (0 to MaxPrecision), or -1 for the shortest text that
	// parses back to the exact float64. It is ignored for other kinds.
	Precision int
	// ID marks a String column of identifiers read from the data (the
	// customer id): join keys, which WriteOptions.FormulaGuard's default
	// keeps lossless. Other String columns hold labels.
	ID bool
}

// Value is one field of an output row: a string, a float64, an int64 or
// null. Build it with StringValue, FloatValue, IntValue or Null; the zero
// Value is null.
type Value struct {
	kind Kind // 0 means null
	s    string
	f    float64
	i    int64
}

// StringValue returns a String value.
func StringValue(s string) Value { return Value{kind: String, s: s} }

// FloatValue returns a Float value. NaN and ±Inf are not written:
// Writer.WriteRow rejects them, so that a value that overflowed never
// becomes an empty cell unnoticed; write Null for a missing value.
func FloatValue(f float64) Value { return Value{kind: Float, f: f} }

// IntValue returns an Int value.
func IntValue(i int64) Value { return Value{kind: Int, i: i} }

// Null returns the null value, allowed in a column of any kind.
func Null() Value { return Value{} }

// IsNull reports whether v is null.
func (v Value) IsNull() bool { return v.kind == 0 }

// WriteOptions tunes Create. The zero value writes uncompressed output.
type WriteOptions struct {
	// Gzip compresses CSV and JSON Lines output; see Gzipped. It is an
	// error for Parquet, which compresses internally.
	Gzip bool
	// FormulaGuard says which String cells of CSV output are neutralised
	// against formula injection (see textenc.Guard); its zero value guards
	// label columns, not ID columns. JSON Lines and Parquet are not
	// guarded: they carry values as data.
	FormulaGuard textenc.Guard
}

// Writer writes a table. Create one with Create, call WriteRow for each
// row, then Close. After an error every later call returns it again.
type Writer struct {
	cols []Column
	enc  encoder
	gz   *gzip.Writer // nil unless compressing
	bw   *bufio.Writer
	row  int
	err  error
}

// encoder is one format's row encoder. Values have been checked against
// the columns.
type encoder interface {
	writeRow(values []Value) error
	close() error
}

// Create starts writing a table with the given columns in format f to w.
// The header (CSV) or schema (Parquet) is fixed by columns. Close must be
// called to flush the output; it does not close w.
func Create(w io.Writer, f Format, columns []Column, opts WriteOptions) (*Writer, error) {
	if err := checkColumns(columns); err != nil {
		return nil, err
	}
	cols := append([]Column(nil), columns...)
	tw := &Writer{cols: cols}
	out := w
	if opts.Gzip {
		if f == Parquet {
			return nil, errors.New("create table: gzip is not supported for Parquet (it compresses internally)")
		}
		// A zero Header: no name, no modification time, OS "unknown", so
		// the bytes depend on the data only.
		tw.gz, _ = gzip.NewWriterLevel(w, gzip.DefaultCompression)
		out = tw.gz
	}
	tw.bw = bufio.NewWriterSize(out, 64<<10)
	var err error
	switch f {
	case CSV:
		tw.enc, err = newCSVEncoder(tw.bw, cols, opts.FormulaGuard)
	case JSONL:
		tw.enc = newJSONLEncoder(tw.bw, cols)
	case Parquet:
		tw.enc, err = newParquetEncoder(tw.bw, cols)
	default:
		err = fmt.Errorf("unknown table format %v", f)
	}
	if err != nil {
		return nil, fmt.Errorf("create table: %w", err)
	}
	return tw, nil
}

func checkColumns(columns []Column) error {
	if len(columns) == 0 {
		return errors.New("create table: no columns")
	}
	seen := make(map[string]int, len(columns))
	for i, c := range columns {
		if c.Name == "" {
			return fmt.Errorf("create table: column %d has no name", i+1)
		}
		if j, dup := seen[c.Name]; dup {
			return fmt.Errorf("create table: column %s appears twice (columns %d and %d)", quote.Value(c.Name), j+1, i+1)
		}
		seen[c.Name] = i
		switch c.Kind {
		case String, Int:
		case Float:
			if c.Precision < -1 || c.Precision > MaxPrecision {
				return fmt.Errorf("create table: column %s: precision %d out of range [-1, %d]", quote.Value(c.Name), c.Precision, MaxPrecision)
			}
		default:
			return fmt.Errorf("create table: column %s: unknown kind %v", quote.Value(c.Name), c.Kind)
		}
	}
	return nil
}

// Columns returns the columns the Writer was created with. The slice must
// not be modified.
func (w *Writer) Columns() []Column { return w.cols }

// Rows returns the number of rows written so far.
func (w *Writer) Rows() int { return w.row }

// WriteRow writes one row: one Value per column, of the column's kind or
// null. A NaN or infinite Float and a String that is not valid UTF-8 are
// errors. Errors name the 1-based row and the column.
func (w *Writer) WriteRow(values []Value) error {
	if w.err != nil {
		return w.err
	}
	n := w.row + 1
	if len(values) != len(w.cols) {
		return fmt.Errorf("write row %d: %d values for %d columns", n, len(values), len(w.cols))
	}
	for i, v := range values {
		if v.kind != 0 && v.kind != w.cols[i].Kind {
			return fmt.Errorf("write row %d: column %s: got a %v value, the column is %v", n, quote.Value(w.cols[i].Name), v.kind, w.cols[i].Kind)
		}
		switch {
		case v.kind == Float && (math.IsNaN(v.f) || math.IsInf(v.f, 0)):
			return fmt.Errorf("write row %d: column %s: %v is not a finite number", n, quote.Value(w.cols[i].Name), v.f)
		case v.kind == String && !utf8.ValidString(v.s):
			// JSON and Parquet cannot hold it; CSV could, but a table
			// must read back the same in every format.
			return fmt.Errorf("write row %d: column %s: %s: %w", n, quote.Value(w.cols[i].Name), quote.Value(v.s), ErrNotUTF8)
		}
	}
	if err := w.enc.writeRow(values); err != nil {
		w.err = fmt.Errorf("write row %d: %w", n, err)
		return w.err
	}
	w.row = n
	return nil
}

// Close writes what remains (the Parquet footer, the gzip trailer) and
// flushes it to the underlying writer, which it does not close.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	w.err = errors.New("table writer is closed")
	if err := w.enc.close(); err != nil {
		return fmt.Errorf("close table: %w", err)
	}
	if err := w.bw.Flush(); err != nil {
		return fmt.Errorf("close table: %w", err)
	}
	if w.gz != nil {
		if err := w.gz.Close(); err != nil {
			return fmt.Errorf("close table: gzip: %w", err)
		}
	}
	return nil
}
