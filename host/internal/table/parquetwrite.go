package table

import (
	"io"
	"reflect"
	"strconv"

	"github.com/clvkit/clvkit/internal/textenc"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/encoding"
)

// CreatedBy is the created_by string of every Parquet file written here.
// It is fixed (no library version, no build id) so that output bytes do not
// change when dependencies do.
const CreatedBy = "clvkit"

// parquetRowsPerGroup bounds the rows buffered in memory per row group.
const parquetRowsPerGroup = 1 << 17

// createdBy is a parquet.WriterOption setting created_by verbatim
// (parquet.CreatedBy would append " version ... (build ...)").
type createdBy string

func (c createdBy) ConfigureWriter(cfg *parquet.WriterConfig) { cfg.CreatedBy = string(c) }

type parquetEncoder struct {
	pw   *parquet.Writer
	cols []Column
	row  []parquet.Row
	prec []int
}

func newParquetEncoder(w io.Writer, cols []Column) (*parquetEncoder, error) {
	schema := parquet.NewSchema("clv", newOrderedGroup(cols))
	pw := parquet.NewWriter(w,
		schema,
		createdBy(CreatedBy),
		parquet.Compression(&parquet.Snappy),
		parquet.MaxRowsPerRowGroup(parquetRowsPerGroup),
	)
	return &parquetEncoder{pw: pw, cols: cols, row: []parquet.Row{make(parquet.Row, len(cols))}}, nil
}

func (e *parquetEncoder) writeRow(values []Value) error {
	r := e.row[0][:0]
	for i, v := range values {
		var pv parquet.Value
		switch v.kind {
		case 0:
			r = append(r, parquet.NullValue().Level(0, 0, i))
			continue
		case String:
			pv = parquet.ByteArrayValue([]byte(v.s))
		case Float:
			pv = parquet.DoubleValue(roundFloat(v.f, e.cols[i].Precision))
		case Int:
			pv = parquet.Int64Value(v.i)
		}
		r = append(r, pv.Level(0, 1, i))
	}
	e.row[0] = r
	_, err := e.pw.WriteRows(e.row)
	return err
}

func (e *parquetEncoder) close() error { return e.pw.Close() }

// roundFloat returns the float64 nearest to f written with prec decimals,
// so a Parquet file holds the same numbers as the CSV text.
func roundFloat(f float64, prec int) float64 {
	if prec < 0 {
		return f
	}
	var buf [64]byte
	r, err := strconv.ParseFloat(string(textenc.AppendFloat(buf[:0], f, prec)), 64)
	if err != nil { // cannot happen for text AppendFloat wrote
		return f
	}
	return r
}

// orderedGroup is a parquet group node whose fields keep the order of the
// columns (parquet.Group is a map and sorts them by name). Every field is an
// optional leaf so that any column can hold nulls.
type orderedGroup struct{ fields []parquet.Field }

func newOrderedGroup(cols []Column) orderedGroup {
	fs := make([]parquet.Field, len(cols))
	for i, c := range cols {
		var leaf parquet.Node
		switch c.Kind {
		case String:
			leaf = parquet.String()
		case Float:
			leaf = parquet.Leaf(parquet.DoubleType)
		case Int:
			leaf = parquet.Int(64)
		}
		fs[i] = field{Node: parquet.Optional(leaf), name: c.Name}
	}
	return orderedGroup{fs}
}

func (g orderedGroup) ID() int                     { return 0 }
func (g orderedGroup) String() string              { return "clv table schema" }
func (g orderedGroup) Type() parquet.Type          { return parquet.Group{}.Type() }
func (g orderedGroup) Optional() bool              { return false }
func (g orderedGroup) Repeated() bool              { return false }
func (g orderedGroup) Required() bool              { return true }
func (g orderedGroup) Leaf() bool                  { return false }
func (g orderedGroup) Fields() []parquet.Field     { return g.fields }
func (g orderedGroup) Encoding() encoding.Encoding { return nil }
func (g orderedGroup) Compression() compress.Codec { return nil }
func (g orderedGroup) GoType() reflect.Type        { return reflect.TypeFor[map[string]any]() }

// field names a node within orderedGroup.
type field struct {
	parquet.Node
	name string
}

func (f field) Name() string { return f.name }

// Value is only used when writing Go structs or maps, which this package
// never does; it looks the field up in a map for completeness.
func (f field) Value(base reflect.Value) reflect.Value {
	if base.Kind() == reflect.Map {
		return base.MapIndex(reflect.ValueOf(f.name))
	}
	return reflect.Value{}
}
