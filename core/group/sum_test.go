package group

import (
	"math"
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
			r, err := roundToSum(v, tt.prec)
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
		if _, err := roundToSum(v, 2); err == nil {
			t.Errorf("roundToSum(%v) gave no error", v)
		}
	}
	a, _ := roundToSum(8.9e18, 0)
	if _, ok := a.add(a); ok {
		t.Error("8.9e18 + 8.9e18 did not report overflow")
	}
}
