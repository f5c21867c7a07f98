package grpc

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"

	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
)

// columnCodec is the gRPC codec of both sides. It writes and reads the
// chunks of Compute and Segment itself, with the same bytes on the wire as
// the generated code (plugin.proto is unchanged): a packed repeated double
// is its tag, its length and the values as little-endian IEEE-754 doubles,
// so the columns are copied in one move instead of value by value, from
// and into buffers that are reused. Every other message (Describe,
// Configure, go-plugin's own services) goes to the registered protobuf
// codec. Its name is that codec's, so the content type stays
// application/grpc+proto and a plugin in another language sees nothing new.
//
// It is a gRPC CodecV2: gRPC receives a message into buffers of its own
// pool (mem.DefaultBufferPool, which reuses buffers of every size) and
// frees them once Unmarshal returns, so a chunk is decoded from them into
// the reused columns without a buffer allocated per message. Nothing
// decoded may keep a reference to data.
type columnCodec struct{}

var protoCodec = encoding.GetCodecV2(proto.Name)

func (columnCodec) Name() string { return proto.Name }

func (columnCodec) Marshal(v any) (mem.BufferSlice, error) {
	switch m := v.(type) {
	case *chunkRequest:
		return mem.BufferSlice{mem.SliceBuffer(m.marshal())}, nil
	case encodedMessage:
		return mem.BufferSlice{mem.SliceBuffer(m)}, nil
	}
	return protoCodec.Marshal(v)
}

func (columnCodec) Unmarshal(data mem.BufferSlice, v any) error {
	var decode func([]byte) error
	switch m := v.(type) {
	case *chunkResponse:
		decode = m.unmarshal
	case *chunkInput:
		decode = m.unmarshal
	default:
		return protoCodec.Unmarshal(data, v)
	}
	// A message arrives in HTTP/2 frames of 16 KiB: one contiguous copy,
	// from the same pool, given back once decoded.
	buf := data.MaterializeToBuffer(mem.DefaultBufferPool())
	defer buf.Free()
	return decode(buf.ReadOnlyData())
}

// encodedMessage is a message already in its wire format.
type encodedMessage []byte

// Field numbers and tags of plugin.proto.
const (
	rowsField    = 1 // ComputeRequest.rows, SegmentRequest.rows
	inputsField  = 2 // ComputeRequest.inputs, SegmentRequest.inputs
	outputsField = 1 // ComputeResponse.outputs
	valuesField  = 1 // Column.values
)

// littleEndian reports whether float64s are stored as the wire stores
// them, so a column is copied as bytes.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// appendColumn appends a Column message of the values, packed, as field
// of the enclosing message.
func appendColumn(b []byte, field protowire.Number, values []float64) []byte {
	n := 8 * len(values)
	inner := 0
	if n > 0 {
		inner = protowire.SizeTag(valuesField) + protowire.SizeBytes(n)
	}
	b = protowire.AppendTag(b, field, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(inner))
	if n == 0 {
		return b
	}
	b = protowire.AppendTag(b, valuesField, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(n))
	return appendDoubles(b, values)
}

// appendDoubles appends the values as little-endian doubles.
func appendDoubles(b []byte, values []float64) []byte {
	if littleEndian {
		if len(values) == 0 {
			return b
		}
		return append(b, unsafe.Slice((*byte)(unsafe.Pointer(&values[0])), 8*len(values))...)
	}
	for _, v := range values {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

// sizeColumn is the size of a Column of n values as a field of its
// enclosing message.
func sizeColumn(field protowire.Number, n int) int {
	inner := 0
	if n > 0 {
		inner = protowire.SizeTag(valuesField) + protowire.SizeBytes(8*n)
	}
	return protowire.SizeTag(field) + protowire.SizeBytes(inner)
}

// readDoubles copies the little-endian doubles of b into dst, which has
// room for len(b)/8 values.
func readDoubles(dst []float64, b []byte) {
	if littleEndian {
		if len(dst) > 0 {
			copy(unsafe.Slice((*byte)(unsafe.Pointer(&dst[0])), 8*len(dst)), b)
		}
		return
	}
	for i := range dst {
		dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
}

// eachValues calls fn with the values of a Column message, as the runs of
// little-endian doubles they arrive in: packed (one run, or several if the
// field repeats) or, as a protobuf parser must also accept, one 8-byte
// value at a time. Other fields are skipped.
func eachValues(col []byte, fn func(run []byte)) error {
	for len(col) > 0 {
		num, typ, n := protowire.ConsumeTag(col)
		if n < 0 {
			return protowire.ParseError(n)
		}
		col = col[n:]
		switch {
		case num == valuesField && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(col)
			if n < 0 {
				return protowire.ParseError(n)
			}
			if len(v)%8 != 0 {
				return fmt.Errorf("packed doubles of %d bytes", len(v))
			}
			fn(v)
			col = col[n:]
		case num == valuesField && typ == protowire.Fixed64Type:
			if len(col) < 8 {
				return protowire.ParseError(-1)
			}
			fn(col[:8])
			col = col[8:]
		default:
			n := protowire.ConsumeFieldValue(num, typ, col)
			if n < 0 {
				return protowire.ParseError(n)
			}
			col = col[n:]
		}
	}
	return nil
}

// chunkRequest is a ComputeRequest or SegmentRequest (same fields): rows
// lo..hi of the input columns, encoded into *buf, which is reused.
type chunkRequest struct {
	in     [][]float64
	lo, hi int
	buf    *[]byte
}

func (r *chunkRequest) marshal() []byte {
	rows := r.hi - r.lo
	size := protowire.SizeTag(rowsField) + protowire.SizeVarint(uint64(rows))
	for range r.in {
		size += sizeColumn(inputsField, rows)
	}
	b := *r.buf
	if cap(b) < size {
		b = make([]byte, 0, size)
	}
	b = b[:0]
	if rows > 0 {
		b = protowire.AppendTag(b, rowsField, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(rows))
	}
	for _, c := range r.in {
		b = appendColumn(b, inputsField, c[r.lo:r.hi])
	}
	*r.buf = b
	return b
}

// chunkResponse reads a ComputeResponse straight into the host's output
// columns: column j's values go to out[j][lo:hi]. It counts what arrived
// (columns, and values per column) without writing past hi, for the
// host's checks.
type chunkResponse struct {
	out    [][]float64
	lo, hi int
	cols   int
	rows   []int // values received per column, for the first len(out) columns
}

func (r *chunkResponse) unmarshal(b []byte) error {
	r.cols = 0
	r.rows = r.rows[:0]
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if num != outputsField || typ != protowire.BytesType {
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return protowire.ParseError(n)
			}
			b = b[n:]
			continue
		}
		col, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		j := r.cols
		r.cols++
		if j >= len(r.out) {
			continue
		}
		got := 0
		dst := r.out[j][r.lo:r.hi]
		err := eachValues(col, func(run []byte) {
			if got < len(dst) {
				readDoubles(dst[got:min(got+len(run)/8, len(dst))], run)
			}
			got += len(run) / 8
		})
		if err != nil {
			return err
		}
		r.rows = append(r.rows, got)
	}
	return nil
}

// chunkInput is a ComputeRequest as the plugin reads it: the input columns
// go to in, whose slices are reused from call to call.
type chunkInput struct {
	rows uint32
	in   [][]float64
}

func (r *chunkInput) unmarshal(b []byte) error {
	r.rows = 0
	r.in = r.in[:0]
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		switch {
		case num == rowsField && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return protowire.ParseError(n)
			}
			r.rows = uint32(v)
			b = b[n:]
		case num == inputsField && typ == protowire.BytesType:
			col, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return protowire.ParseError(n)
			}
			b = b[n:]
			j := len(r.in)
			if j < cap(r.in) {
				r.in = r.in[:j+1]
			} else {
				r.in = append(r.in, nil)
			}
			dst := r.in[j][:0]
			err := eachValues(col, func(run []byte) {
				k := len(dst)
				dst = grow(dst, len(run)/8)
				readDoubles(dst[k:], run)
			})
			if err != nil {
				return err
			}
			r.in[j] = dst
		default:
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return protowire.ParseError(n)
			}
			b = b[n:]
		}
	}
	return nil
}

// grow extends s by n values, reallocating only when its capacity is
// short.
func grow(s []float64, n int) []float64 {
	if len(s)+n <= cap(s) {
		return s[:len(s)+n]
	}
	t := make([]float64, len(s)+n, max(2*cap(s), len(s)+n))
	copy(t, s)
	return t
}
