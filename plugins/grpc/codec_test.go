package grpc

import (
	"bytes"
	"math"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/plugins/grpc/internal/pluginpb"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// TestColumnCodecWire checks that columnCodec writes the bytes the
// generated code writes and reads what it writes, including the unpacked
// form and answers of the wrong shape.
func TestColumnCodecWire(t *testing.T) {
	in := [][]float64{{1, 2.5, -3, math.MaxFloat64, 5}, {0.1, 0, 1e-300, 4, math.Inf(1)}}
	var buf []byte
	got, err := columnCodec{}.Marshal(&chunkRequest{in: in, lo: 1, hi: 4, buf: &buf})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := proto.Marshal(&pluginpb.ComputeRequest{Rows: 3, Inputs: []*pluginpb.Column{{Values: in[0][1:4]}, {Values: in[1][1:4]}}})
	if !bytes.Equal(got, want) {
		t.Fatalf("request:\n got %x\nwant %x", got, want)
	}

	var ci chunkInput
	if err := (columnCodec{}).Unmarshal(want, &ci); err != nil {
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
	if err := (columnCodec{}).Unmarshal(resp, r); err != nil {
		t.Fatal(err)
	}
	if r.cols != 2 || !slices.Equal(r.rows, []int{3, 3}) || !slices.Equal(out[0], []float64{0, 7, 8, 9, 0}) || !slices.Equal(out[1], []float64{0, 10, 11, 12, 0}) {
		t.Fatalf("decoded response: cols %d rows %v out %v", r.cols, r.rows, out)
	}

	// Too many values, and a third column: counted, nothing written past hi.
	long, _ := proto.Marshal(&pluginpb.ComputeResponse{Outputs: []*pluginpb.Column{{Values: []float64{1, 2, 3, 4}}, {}, {Values: []float64{1}}}})
	out = [][]float64{make([]float64, 5), make([]float64, 5)}
	r = &chunkResponse{out: out, lo: 1, hi: 4}
	if err := (columnCodec{}).Unmarshal(long, r); err != nil {
		t.Fatal(err)
	}
	if r.cols != 3 || !slices.Equal(r.rows, []int{4, 0}) || !slices.Equal(out[0], []float64{0, 1, 2, 3, 0}) {
		t.Fatalf("decoded long response: cols %d rows %v out %v", r.cols, r.rows, out)
	}

	// Truncated input is an error, not a panic.
	if err := (columnCodec{}).Unmarshal(want[:len(want)-3], &chunkInput{}); err == nil {
		t.Fatal("truncated request decoded without error")
	}
	if err := (columnCodec{}).Unmarshal(packed[:len(packed)-3], &chunkResponse{out: out, lo: 1, hi: 4}); err == nil {
		t.Fatal("truncated response decoded without error")
	}
}
