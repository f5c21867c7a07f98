package grpc

import (
	"bytes"
	"math"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/plugins/grpc/internal/pluginpb"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// TestColumnCodecWire checks that columnCodec writes the bytes the
// generated code writes and reads what it writes, including the unpacked
// form and answers of the wrong shape.
func TestColumnCodecWire(t *testing.T) {
	in := [][]float64{{1, 2.5, -3, math.MaxFloat64, 5}, {0.1, 0, 1e-300, 4, math.Inf(1)}}
	var buf []byte
	msg, err := columnCodec{}.Marshal(&chunkRequest{in: in, lo: 1, hi: 4, buf: &buf})
	if err != nil {
		t.Fatal(err)
	}
	got := msg.Materialize()
	want, _ := proto.Marshal(&pluginpb.ComputeRequest{Rows: 3, Inputs: []*pluginpb.Column{{Values: in[0][1:4]}, {Values: in[1][1:4]}}})
	if !bytes.Equal(got, want) {
		t.Fatalf("request:\n got %x\nwant %x", got, want)
	}

	var ci chunkInput
	if err := unmarshalFrames(want, &ci); err != nil {
		t.Fatal(err)
	}
	if ci.rows != 3 || len(ci.in) != 2 || !slices.Equal(ci.in[0], in[0][1:4]) || !slices.Equal(ci.in[1], in[1][1:4]) {
		t.Fatalf("decoded request: %+v", ci)
	}

	// A response with the first column unpacked and in two runs.
	var resp []byte
	var col []byte
	col = protowire.AppendTag(col, valuesField, protowire.Fixed64Type)
	col = protowire.AppendFixed64(col, math.Float64bits(7))
	col = protowire.AppendTag(col, valuesField, protowire.BytesType)
	col = protowire.AppendVarint(col, 16)
	col = protowire.AppendFixed64(col, math.Float64bits(8))
	col = protowire.AppendFixed64(col, math.Float64bits(9))
	resp = protowire.AppendTag(resp, outputsField, protowire.BytesType)
	resp = protowire.AppendBytes(resp, col)
	packed, _ := proto.Marshal(&pluginpb.ComputeResponse{Outputs: []*pluginpb.Column{{Values: []float64{10, 11, 12}}}})
	resp = append(resp, packed...)
	out := [][]float64{make([]float64, 5), make([]float64, 5)}
	r := &chunkResponse{out: out, lo: 1, hi: 4}
	if err := unmarshalFrames(resp, r); err != nil {
		t.Fatal(err)
	}
	if r.cols != 2 || !slices.Equal(r.rows, []int{3, 3}) || !slices.Equal(out[0], []float64{0, 7, 8, 9, 0}) || !slices.Equal(out[1], []float64{0, 10, 11, 12, 0}) {
		t.Fatalf("decoded response: cols %d rows %v out %v", r.cols, r.rows, out)
	}

	// Too many values, and a third column: counted, nothing written past hi.
	long, _ := proto.Marshal(&pluginpb.ComputeResponse{Outputs: []*pluginpb.Column{{Values: []float64{1, 2, 3, 4}}, {}, {Values: []float64{1}}}})
	out = [][]float64{make([]float64, 5), make([]float64, 5)}
	r = &chunkResponse{out: out, lo: 1, hi: 4}
	if err := unmarshalFrames(long, r); err != nil {
		t.Fatal(err)
	}
	if r.cols != 3 || !slices.Equal(r.rows, []int{4, 0}) || !slices.Equal(out[0], []float64{0, 1, 2, 3, 0}) {
		t.Fatalf("decoded long response: cols %d rows %v out %v", r.cols, r.rows, out)
	}

	// Truncated input is an error, not a panic.
	if err := unmarshalFrames(want[:len(want)-3], &chunkInput{}); err == nil {
		t.Fatal("truncated request decoded without error")
	}
	if err := unmarshalFrames(packed[:len(packed)-3], &chunkResponse{out: out, lo: 1, hi: 4}); err == nil {
		t.Fatal("truncated response decoded without error")
	}
}

// unmarshalFrames decodes b with columnCodec from one buffer, as a test of
// the decoding itself.
func unmarshalFrames(b []byte, v any) error {
	return columnCodec{}.Unmarshal(mem.BufferSlice{mem.SliceBuffer(b)}, v)
}

// TestColumnCodecSplitMessage checks that a message gRPC hands over in
// several buffers (it receives one per HTTP/2 frame) decodes as the same
// message in one buffer, wherever the cuts fall: through a tag, a length
// or a double.
func TestColumnCodecSplitMessage(t *testing.T) {
	in := [][]float64{{1, 2.5, -3, math.MaxFloat64, 5, 6, 7}, {0.1, 0, 1e-300, 4, math.Inf(1), -0.5, 9}}
	want, _ := proto.Marshal(&pluginpb.ComputeRequest{Rows: 7, Inputs: []*pluginpb.Column{{Values: in[0]}, {Values: in[1]}}})
	for _, cuts := range [][]int{{1}, {2, 3}, {5, 13, 14, 21}, {len(want) - 1}} {
		var data mem.BufferSlice
		prev := 0
		for _, c := range append(cuts, len(want)) {
			data = append(data, mem.SliceBuffer(want[prev:c]))
			prev = c
		}
		var ci chunkInput
		if err := (columnCodec{}).Unmarshal(data, &ci); err != nil {
			t.Fatalf("cuts %v: %v", cuts, err)
		}
		if ci.rows != 7 || len(ci.in) != 2 || !slices.Equal(ci.in[0], in[0]) || !slices.Equal(ci.in[1], in[1]) {
			t.Fatalf("cuts %v: decoded %+v", cuts, ci)
		}

		out := [][]float64{make([]float64, 7)}
		resp, _ := proto.Marshal(&pluginpb.ComputeResponse{Outputs: []*pluginpb.Column{{Values: in[1]}}})
		c := min(cuts[0], len(resp)-1)
		data = mem.BufferSlice{mem.SliceBuffer(resp[:c]), mem.SliceBuffer(resp[c:])}
		r := &chunkResponse{out: out, lo: 0, hi: 7}
		if err := (columnCodec{}).Unmarshal(data, r); err != nil {
			t.Fatalf("response cut at %d: %v", c, err)
		}
		if r.cols != 1 || !slices.Equal(out[0], in[1]) {
			t.Fatalf("response cut at %d: decoded %v", c, out[0])
		}
	}
}
