package main

import "testing"

var numberTests = []struct {
	v    float64
	dec  int
	want string
}{
	{0, 0, "0"},
	{999, 0, "999"},
	{1000, 0, "1,000"},
	{1234567.891, 2, "1,234,567.89"},
	{-1234.5, 1, "-1,234.5"},
	{-0.0001, 2, "0.00"}, // no "-0.00"
	{123456, 0, "123,456"},
}

func TestNumber(t *testing.T) {
	for _, tt := range numberTests {
		if got := number(tt.v, tt.dec); got != tt.want {
			t.Errorf("number(%v, %d) = %q, want %q", tt.v, tt.dec, got, tt.want)
		}
	}
	if got := percent(1, 3); got != "33.3 %" {
		t.Errorf("percent(1, 3) = %q", got)
	}
	if got := percent(1, 0); got != "–" {
		t.Errorf("percent(1, 0) = %q", got)
	}
	if got := signedPercent(4.25); got != "+4.2 %" && got != "+4.3 %" {
		t.Errorf("signedPercent(4.25) = %q", got)
	}
}

// TestDecileBounds: ten groups whose sizes differ by at most one and add
// up to n (n·k/10 rounded down).
func TestDecileBounds(t *testing.T) {
	for _, n := range []int{0, 1, 9, 10, 11, 2357} {
		b := decileBounds(n)
		if b[0] != 0 || b[10] != n {
			t.Errorf("n=%d: bounds %v", n, b)
		}
		lo, hi := n, 0
		for k := range 10 {
			lo, hi = min(lo, b[k+1]-b[k]), max(hi, b[k+1]-b[k])
		}
		if hi-lo > 1 {
			t.Errorf("n=%d: decile sizes from %d to %d", n, lo, hi)
		}
	}
	if b := decileBounds(2357); b[1] != 235 || b[2] != 471 {
		t.Errorf("2357 customers: first deciles end at %d, %d; want 235, 471", b[1], b[2])
	}
}
