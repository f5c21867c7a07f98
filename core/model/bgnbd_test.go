package model

import (
	"math"
	"testing"
)

func TestFitBGNBDCDNOW(t *testing.T) {
	rows := Compress(loadCDNOW(t))
	m, fit, err := FitBGNBD(rows, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v %+v", m, fit)
	_ = math.Abs
}
