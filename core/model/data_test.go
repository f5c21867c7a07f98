package model

import (
	"errors"
	"strings"
	"testing"
)

var validateTests = []struct {
	rows  []RFT
	row   int
	field string
}{
	{[]RFT{{1, 2, 3, 1}, {-1, 0, 3, 1}}, 1, "X"},
	{[]RFT{{1.5, 2, 3, 1}}, 0, "X"},
	{[]RFT{{1, 4, 3, 1}}, 0, "TX"},
	{[]RFT{{0, 1, 3, 1}}, 0, "TX"},
	{[]RFT{{1, 1, -3, 1}}, 0, "T"},
	{[]RFT{{1, 1, 3, 0}}, 0, "Weight"},
}

func TestValidateRFT(t *testing.T) {
	for _, c := range validateTests {
		err := ValidateRFT(c.rows)
		var re *RowError
		if !errors.As(err, &re) || re.Row != c.row || re.Field != c.field {
			t.Errorf("%v: error %v, want row %d field %s", c.rows, err, c.row, c.field)
		}
		// The message names the field and value; the position is for the
		// caller to map (core/score names the customer).
		if msg := err.Error(); strings.Contains(msg, "row") || !strings.HasPrefix(msg, c.field+" = ") {
			t.Errorf("%v: message %q: want it to start with %q and name no row", c.rows, msg, c.field+" = ")
		}
	}
	if err := ValidateRFT([]RFT{{0, 0, 0, 1}, {3, 5, 5, 2}}); err != nil {
		t.Errorf("valid rows: %v", err)
	}
}

func TestCompress(t *testing.T) {
	rows := []RFT{{2, 3, 5, 1}, {0, 0, 5, 1}, {2, 3, 5, 2}, {1, 1, 4, 1}, {0, 0, 5, 1}, {1, 0.5, 4, 1}}
	got, index := CompressIndex(rows)
	want := []RFT{{0, 0, 5, 2}, {1, 0.5, 4, 1}, {1, 1, 4, 1}, {2, 3, 5, 3}}
	if len(got) != len(want) {
		t.Fatalf("Compress = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d = %v, want %v", i, got[i], want[i])
		}
	}
	for i, r := range rows {
		if d := got[index[i]]; d.X != r.X || d.TX != r.TX || d.T != r.T {
			t.Errorf("index[%d] = %d: %v for %v", i, index[i], d, r)
		}
	}
	// CDNOW: 2,357 customers in 1,016 distinct rows; the likelihood is the
	// same either way.
	raw := loadCDNOW(t)
	c := Compress(raw)
	if len(c) != 1016 {
		t.Errorf("CDNOW compresses to %d rows, want 1016", len(c))
	}
	m := cdnowModels[0].m
	if a, b := m.LogLikelihood(raw), m.LogLikelihood(c); !near(a, b, 1e-12) {
		t.Errorf("LL raw %v, compressed %v", a, b)
	}
}
