package modelfile

import (
	"bytes"
	"math"
	"testing"
)

// FuzzUnmarshal: any bytes give a model or an error, never a panic; a
// model read is valid, and writing it and reading it back gives the same
// file and the same parameters bit for bit.
func FuzzUnmarshal(f *testing.F) {
	f.Add([]byte(goodFrozen))
	for _, tt := range badFrozen {
		f.Add([]byte(tt.new))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Unmarshal(b)
		if err != nil {
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("Unmarshal returned an invalid model: %v", err)
		}
		out, err := Marshal(m)
		if err != nil {
			// Only a non-finite log-likelihood cannot be written.
			if !math.IsNaN(m.LogLikelihood) && !math.IsInf(m.LogLikelihood, 0) {
				t.Fatalf("Marshal: %v", err)
			}
			return
		}
		again, err := Unmarshal(out)
		if err != nil {
			t.Fatalf("reading back %s: %v", out, err)
		}
		for i, v := range m.Params {
			if math.Float64bits(again.Params[i]) != math.Float64bits(v) {
				t.Fatalf("parameter %d: %v read back as %v", i, v, again.Params[i])
			}
		}
		out2, err := Marshal(again)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("second write differs: %v\n%s\n%s", err, out, out2)
		}
	})
}
