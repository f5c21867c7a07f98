package wasm

import (
	"encoding/json"
	"math"
	"testing"
)

// FuzzDecodeDescription: whatever bytes a module answers clv_describe with,
// decoding returns an error or a description that validates and survives a
// round trip through JSON.
func FuzzDecodeDescription(f *testing.F) {
	f.Add([]byte(`{"name":"contribution","version":"1.0.0","kind":"formula","inputs":["expected_purchases","expected_spend"],"outputs":["predicted_revenue","contribution_clv"]}`))
	f.Add([]byte(`{"name":"vm","kind":"segmentation","inputs":["clv"],"labels":["a","b"],"params":[{"name":"x","description":"","default":1}]}`))
	f.Add([]byte(`{"name":"x","kind":"formula","inputs":["a"],"outputs":["b"],"extra":1}`))
	f.Add([]byte(`{"name":"x"} {}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, js []byte) {
		d, err := decodeDescription(js)
		if err != nil {
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("decoded an invalid description: %v", err)
		}
		again, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decodeDescription(again); err != nil {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// FuzzFloats: the little-endian copies agree with encoding/binary at any
// alignment.
func FuzzFloats(f *testing.F) {
	f.Add(1.5, -0.0, 3)
	f.Add(math.Inf(1), math.NaN(), 0)
	f.Fuzz(func(t *testing.T, a, b float64, shift int) {
		shift = ((shift % 8) + 8) % 8
		src := []float64{a, b, a * b}
		buf := make([]byte, 8*len(src)+8)[shift:]
		putFloats(buf, src)
		got := make([]float64, len(src))
		getFloats(got, buf)
		for i := range src {
			if math.Float64bits(got[i]) != math.Float64bits(src[i]) {
				t.Fatalf("shift %d: value %d: %v became %v", shift, i, src[i], got[i])
			}
		}
	})
}

func TestUnpack(t *testing.T) {
	// 0x00010000<<32 | 42: a 42-byte string at offset 65536.
	ptr, n := unpack(0x00010000_0000002a)
	if ptr != 65536 || n != 42 {
		t.Errorf("unpack = %d, %d; want 65536, 42", ptr, n)
	}
}

func TestFill(t *testing.T) {
	dst := make([]byte, 8*5)
	fill(dst, nanBytes)
	out := make([]float64, 5)
	getFloats(out, dst)
	for i, v := range out {
		if !math.IsNaN(v) {
			t.Errorf("value %d: %v, want NaN", i, v)
		}
	}
	labels := make([]byte, 4*3)
	fill(labels, noLabel)
	got := make([]int32, 3)
	getInt32s(got, labels)
	for i, v := range got {
		if v != -1 {
			t.Errorf("label %d: %d, want -1", i, v)
		}
	}
}
