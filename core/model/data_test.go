package model

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
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

// referenceCompress is Compress as it was before sortDistinct: a map from
// (X, TX, T) to the first row's position, weights summed in input order,
// then a comparison sort on compareRFT.
func referenceCompress(rows []RFT) []RFT {
	type key struct{ x, tx, t float64 }
	at := map[key]int{}
	var out []RFT
	for _, r := range rows {
		k := key{r.X + 0, r.TX + 0, r.T + 0}
		if j, ok := at[k]; ok {
			out[j].Weight += r.Weight
			continue
		}
		at[k] = len(out)
		out = append(out, r)
	}
	slices.SortFunc(out, compareRFT)
	return out
}

// Compress, CompressIndex and Compressor agree bit for bit with a plain
// comparison sort, whether T takes few values (rows bucketed by X and T)
// or nearly as many as there are rows (bucketed by X alone), with ±0.
func TestCompressMatchesComparisonSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 1))
	for _, tGrid := range []float64{4, 1e6} {
		var rows []RFT
		for range 20000 {
			x := float64(rng.IntN(12))
			T := math.Round(rng.Float64()*tGrid) / tGrid * 52
			tx := 0.0
			if x > 0 {
				tx = math.Round(rng.Float64()*T*7) / 7
			}
			if rng.IntN(50) == 0 {
				tx = math.Copysign(0, -1)
				if x == 0 {
					tx = 0
				}
			}
			rows = append(rows, RFT{X: x, TX: tx, T: T, Weight: float64(1 + rng.IntN(3))})
		}
		want := referenceCompress(rows)
		got, index := CompressIndex(rows)
		var c Compressor
		for _, r := range rows {
			c.Add(r)
		}
		streamed := c.Rows()
		if len(got) != len(want) || len(streamed) != len(want) {
			t.Fatalf("grid %v: %d and %d rows, want %d", tGrid, len(got), len(streamed), len(want))
		}
		for i := range want {
			if got[i] != want[i] || streamed[i] != want[i] {
				t.Fatalf("grid %v: row %d = %v (streamed %v), want %v", tGrid, i, got[i], streamed[i], want[i])
			}
		}
		for i, r := range rows {
			if d := got[index[i]]; d.X != r.X || d.TX != r.TX || d.T != r.T {
				t.Fatalf("grid %v: index[%d] = %d: %v for %v", tGrid, i, index[i], d, r)
			}
		}
	}
}
