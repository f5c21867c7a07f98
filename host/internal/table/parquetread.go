package table

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

func bytesReaderAt(b []byte) io.ReaderAt { return bytes.NewReader(b) }

// parquetRowBatch is how many rows are decoded per call into parquet-go.
const parquetRowBatch = 256

type parquetSource struct {
	name  string
	rows  parquet.Rows
	conv  []func(parquet.Value) string
	buf   []parquet.Row
	n, at int // rows in buf, next row in buf
	rowNo int
	done  bool
}

func openParquet(ra io.ReaderAt, size int64, name string) (r *Reader, err error) {
	// parquet-go reports some malformed input by panicking; a corrupt file
	// must be an error, not a crash.
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, &Error{Name: name, Err: fmt.Errorf("invalid Parquet file: %v", p)}
		}
	}()
	// parquet-go allocates what the file's lengths declare: check them
	// against the file's size first (see parquetcheck.go).
	footerLen, err := checkParquetFooter(ra, size)
	if err != nil {
		return nil, &Error{Name: name, Err: err}
	}
	// The page index and bloom filters are not needed to read every row.
	file, err := parquet.OpenFile(ra, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, &Error{Name: name, Err: fmt.Errorf("invalid Parquet file: %w", err)}
	}
	if err := checkParquetChunks(ra, size, footerLen, file.Metadata()); err != nil {
		return nil, &Error{Name: name, Err: err}
	}
	fields := file.Schema().Fields()
	columns := make([]string, len(fields))
	conv := make([]func(parquet.Value) string, len(fields))
	for i, f := range fields {
		columns[i] = f.Name()
		if !f.Leaf() || f.Repeated() {
			return nil, &Error{Name: name, Column: f.Name(), Err: errors.New("nested or repeated Parquet columns are not supported; use a flat schema")}
		}
		if conv[i], err = parquetConverter(f.Type()); err != nil {
			return nil, &Error{Name: name, Column: f.Name(), Err: err}
		}
	}
	h, err := newHeader(name, columns)
	if err != nil {
		return nil, &Error{Name: name, Err: err}
	}
	s := &parquetSource{
		name: name,
		rows: parquet.NewReader(file),
		conv: conv,
		buf:  make([]parquet.Row, parquetRowBatch),
	}
	return &Reader{hdr: h, src: s}, nil
}

func (s *parquetSource) next(row *Row) (err error) {
	if s.at == s.n {
		if s.done {
			return io.EOF
		}
		if err := s.fill(); err != nil {
			return err
		}
		if s.n == 0 {
			return io.EOF
		}
	}
	pr := s.buf[s.at]
	s.at++
	s.rowNo++
	row.line = s.rowNo
	row.fields = make([]string, len(s.conv))
	for _, v := range pr {
		c := v.Column()
		if c < 0 || c >= len(s.conv) {
			return &Error{Name: s.name, Line: s.rowNo, Err: fmt.Errorf("invalid Parquet file: value for column %d of %d", c, len(s.conv))}
		}
		if v.IsNull() {
			if row.null == nil {
				row.null = make([]bool, len(s.conv))
			}
			row.null[c] = true
			continue
		}
		row.fields[c] = s.conv[c](v)
	}
	return nil
}

// fill decodes the next batch of rows into s.buf.
func (s *parquetSource) fill() (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &Error{Name: s.name, Line: s.rowNo + 1, Err: fmt.Errorf("invalid Parquet file: %v", p)}
		}
	}()
	n, err := s.rows.ReadRows(s.buf)
	s.n, s.at = n, 0
	if err == io.EOF {
		s.done = true
		return nil
	}
	if err != nil {
		return &Error{Name: s.name, Line: s.rowNo + 1, Err: fmt.Errorf("read Parquet: %w", err)}
	}
	return nil
}

// parquetConverter returns the function turning values of type t into
// text, or an error for types with no sensible text form here.
func parquetConverter(t parquet.Type) (func(parquet.Value) string, error) {
	var lt format.LogicalTypeValue
	if l := t.LogicalType(); l != nil {
		lt = l.Value
	}
	switch t.Kind() {
	case parquet.Boolean:
		return func(v parquet.Value) string { return strconv.FormatBool(v.Boolean()) }, nil
	case parquet.Int32:
		switch lt := lt.(type) {
		case *format.DateType:
			return func(v parquet.Value) string {
				return time.Unix(int64(v.Int32())*86400, 0).UTC().Format(time.DateOnly)
			}, nil
		case *format.DecimalType:
			return func(v parquet.Value) string { return formatDecimal(big.NewInt(int64(v.Int32())), lt.Scale) }, nil
		case *format.IntType:
			if !lt.IsSigned {
				return func(v parquet.Value) string { return strconv.FormatUint(uint64(v.Uint32()), 10) }, nil
			}
		}
		return func(v parquet.Value) string { return strconv.FormatInt(int64(v.Int32()), 10) }, nil
	case parquet.Int64:
		switch lt := lt.(type) {
		case *format.TimestampType:
			var toTime func(int64) time.Time
			switch lt.Unit.Value.(type) {
			case *format.MilliSeconds:
				toTime = time.UnixMilli
			case *format.MicroSeconds:
				toTime = time.UnixMicro
			case *format.NanoSeconds:
				toTime = func(ns int64) time.Time { return time.Unix(0, ns) }
			default:
				return nil, fmt.Errorf("timestamp with unknown unit %v", &lt.Unit)
			}
			return func(v parquet.Value) string { return toTime(v.Int64()).UTC().Format(time.RFC3339Nano) }, nil
		case *format.DecimalType:
			return func(v parquet.Value) string { return formatDecimal(big.NewInt(v.Int64()), lt.Scale) }, nil
		case *format.IntType:
			if !lt.IsSigned {
				return func(v parquet.Value) string { return strconv.FormatUint(v.Uint64(), 10) }, nil
			}
		}
		return func(v parquet.Value) string { return strconv.FormatInt(v.Int64(), 10) }, nil
	case parquet.Int96:
		// The legacy (Impala/Spark) timestamp: nanoseconds within the day
		// in the first 8 bytes, then the Julian day number.
		return func(v parquet.Value) string {
			x := v.Int96()
			nanos := int64(uint64(x[1])<<32 | uint64(x[0]))
			days := int64(x[2]) - 2440588 // Julian day of 1970-01-01
			return time.Unix(days*86400, nanos).UTC().Format(time.RFC3339Nano)
		}, nil
	case parquet.Float:
		return func(v parquet.Value) string { return formatFloatText(float64(v.Float()), 32) }, nil
	case parquet.Double:
		return func(v parquet.Value) string { return formatFloatText(v.Double(), 64) }, nil
	case parquet.ByteArray, parquet.FixedLenByteArray:
		switch lt := lt.(type) {
		case *format.DecimalType:
			return func(v parquet.Value) string {
				return formatDecimal(bigFromTwosComplement(v.ByteArray()), lt.Scale)
			}, nil
		case *format.UUIDType:
			return func(v parquet.Value) string {
				b := v.ByteArray()
				if len(b) != 16 {
					return fmt.Sprintf("%x", b)
				}
				return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
			}, nil
		}
		if t.Kind() == parquet.FixedLenByteArray && lt == nil {
			return nil, errors.New("raw FIXED_LEN_BYTE_ARRAY columns are not supported")
		}
		return func(v parquet.Value) string { return string(v.ByteArray()) }, nil
	}
	return nil, fmt.Errorf("unsupported Parquet type %v", t)
}

// formatFloatText writes a float as encoding/json does: plain decimal
// notation for magnitudes in [1e-6, 1e21), exponent form ("1e-7", "1e+21")
// outside, always the shortest text that parses back to the same value.
func formatFloatText(f float64, bits int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'g', -1, bits)
	}
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		b := strconv.AppendFloat(nil, f, 'e', -1, bits)
		// Clean up e-09 to e-9, as encoding/json does.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
		return string(b)
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}

// formatDecimal writes unscaled × 10^-scale in plain decimal notation.
func formatDecimal(unscaled *big.Int, scale int32) string {
	s := unscaled.String()
	if scale <= 0 {
		if unscaled.Sign() == 0 {
			return "0"
		}
		for range -scale {
			s += "0"
		}
		return s
	}
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	for len(s) <= int(scale) {
		s = "0" + s
	}
	s = s[:len(s)-int(scale)] + "." + s[len(s)-int(scale):]
	if neg {
		s = "-" + s
	}
	return s
}

// bigFromTwosComplement decodes a big-endian two's complement integer.
func bigFromTwosComplement(b []byte) *big.Int {
	x := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		x.Sub(x, new(big.Int).Lsh(big.NewInt(1), uint(len(b))*8))
	}
	return x
}
