package group

import (
	"math"
	"math/rand/v2"
	"testing"
)

var sumTests = []struct {
	in   []float64
	prec int
	want string
}{
	{[]float64{1.005}, 2, "1.00"}, // 1.005 is 1.00499999999999989… in binary
	{[]float64{0.1, 0.2}, 1, "0.3"},
	{[]float64{0.1, 0.2}, 17, "0.30000000000000002"}, // 0.1000000000000000055… → 0.10000000000000001, 0.2000000000000000111… → 0.20000000000000001
	{[]float64{-1.25, 0.5}, 2, "-0.75"},
	{[]float64{-1.25, 1.25}, 2, "0.00"},
	{[]float64{-0.0000001}, 6, "0.000000"}, // printed 0.000000, so adds 0
	{[]float64{-0.4, -0.4}, 0, "0"},        // each prints as 0 (sign dropped)
	{[]float64{-0.6, -0.6}, 0, "-2"},
	{[]float64{0.99, 0.02}, 2, "1.01"},
	{[]float64{-0.99, -0.02}, 2, "-1.01"},
	{[]float64{123456789.123456, 1}, 6, "123456790.123456"},
}

func TestSum(t *testing.T) {
	for _, tt := range sumTests {
		s := newSum(tt.prec)
		for _, v := range tt.in {
			r, _, err := roundToSum(v, tt.prec)
			if err != nil {
				t.Fatal(err)
			}
			var ok bool
			if s, ok = s.add(r); !ok {
				t.Fatal("overflow")
			}
		}
		if got := s.String(); got != tt.want {
			t.Errorf("sum of %v at %d decimals = %s, want %s", tt.in, tt.prec, got, tt.want)
		}
	}
}

func TestSumRejects(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e19, -1e19} {
		if _, _, err := roundToSum(v, 2); err == nil {
			t.Errorf("roundToSum(%v) gave no error", v)
		}
	}
	a, _, _ := roundToSum(8.9e18, 0)
	if _, ok := a.add(a); ok {
		t.Error("8.9e18 + 8.9e18 did not report overflow")
	}
}

// TestRoundFastPath: the scaled fast path of roundToSum gives the same Sum
// and float as the printed text, on random values of every magnitude, on
// ties and near-ties (x.5 at the last decimal, exact in binary or not).
func TestRoundFastPath(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	vals := []float64{0.5, 1.5, 2.5, -0.5, -2.5, 0.125, 0.375, 1.005, 2.675, 1.0000005, 0.0000005, -0.0000005, 123456.7890125, 0.045, 1e15 + 0.5}
	for range 10000 {
		v := math.Ldexp(rng.Float64(), rng.IntN(60)-20)
		if rng.IntN(2) == 0 {
			v = -v
		}
		vals = append(vals, v)
		// A near-tie at a random precision.
		p := rng.IntN(10)
		vals = append(vals, (math.Floor(v*math.Pow10(p))+0.5)/math.Pow10(p))
	}
	for _, v := range vals {
		for prec := range maxPrecision + 1 {
			fast, ff, err := roundToSum(v, prec)
			slow, fs, err2 := roundSlow(v, prec)
			if (err == nil) != (err2 == nil) || fast != slow || math.Float64bits(ff) != math.Float64bits(fs) {
				t.Fatalf("%v at %d decimals: fast %v %v (%v), slow %v %v (%v)", v, prec, fast, ff, err, slow, fs, err2)
			}
		}
	}
}
