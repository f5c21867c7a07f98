package segment

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

type scoreTest struct {
	name           string
	values         []float64
	higherIsBetter bool
	want           []int
}

// Each want is worked by hand from score = 1 + floor(5k/n), k = number of
// strictly worse values.
var scoreTests = []scoreTest{
	{"five distinct", []float64{1, 2, 3, 4, 5}, true, []int{1, 2, 3, 4, 5}},
	// Recency gap: smaller is better; v=1 has k=4 larger values → 5.
	{"five distinct, lower better", []float64{5, 4, 3, 2, 1}, false, []int{1, 2, 3, 4, 5}},
	// k = 0..9 → 1 + floor(k/2).
	{"ten distinct", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, true, []int{1, 1, 2, 2, 3, 3, 4, 4, 5, 5}},
	{"ten distinct shuffled", []float64{10, 3, 7, 1, 5, 9, 2, 8, 6, 4}, true, []int{5, 2, 4, 1, 3, 5, 1, 4, 3, 2}},
	// CDNOW-like: 60% zeros. 0: k=0 → 1; 1: k=6 → 1+3 = 4; 2: k=7 → 1+floor(3.5) = 4;
	// 3: k=8 → 5; 4: k=9 → 1+floor(4.5) = 5. Scores 2 and 3 are unused.
	{"heavy ties at zero", []float64{0, 0, 0, 0, 0, 0, 1, 2, 3, 4}, true, []int{1, 1, 1, 1, 1, 1, 4, 4, 5, 5}},
	// 1: k=0 → 1; 2: k=1 → 2; 3: k=4 → 5.
	{"ties in the middle", []float64{1, 2, 2, 2, 3}, true, []int{1, 2, 2, 2, 5}},
	// Lower better: 0: k=#{>0}=3 → 4; 5: k=2 → 3; 10: k=0 → 1.
	{"ties, lower better", []float64{0, 0, 5, 10, 10}, false, []int{4, 4, 3, 1, 1}},
	{"all equal", []float64{7, 7, 7, 7, 7, 7}, true, []int{1, 1, 1, 1, 1, 1}},
	{"all equal, lower better", []float64{7, 7, 7}, false, []int{1, 1, 1}},
	{"n=1", []float64{3}, true, []int{1}},
	// n=2: k=1 → 1+floor(5/2) = 3.
	{"n=2", []float64{2, 1}, true, []int{3, 1}},
	// n=3: k=1 → 1+floor(5/3) = 2; k=2 → 1+floor(10/3) = 4.
	{"n=3", []float64{1, 2, 3}, true, []int{1, 2, 4}},
	{"n=4", []float64{1, 2, 3, 4}, true, []int{1, 2, 3, 4}},
	{"negative values", []float64{-3, -1, -2, 0, 100}, true, []int{1, 3, 2, 4, 5}},
	{"empty", nil, true, nil},
}

func TestScore(t *testing.T) {
	for _, tt := range scoreTests {
		t.Run(tt.name, func(t *testing.T) {
			got, b, err := Score(tt.values, tt.higherIsBetter)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Score(%v, %v) = %v, want %v", tt.values, tt.higherIsBetter, got, tt.want)
			}
			// The boundaries score every input value as Score did.
			for i, v := range tt.values {
				if s := b.Score(v); s != got[i] {
					t.Errorf("Boundaries.Score(%v) = %d, want %d\n%s", v, s, got[i], b)
				}
			}
		})
	}
}

func TestScoreBoundaries(t *testing.T) {
	_, b, err := Score([]float64{0, 0, 0, 0, 0, 0, 1, 2, 3, 4}, true)
	if err != nil {
		t.Fatal(err)
	}
	if want := [5]int{6, 0, 0, 2, 2}; b.Count != want {
		t.Errorf("Count = %v, want %v", b.Count, want)
	}
	if b.Min[0] != 0 || b.Max[0] != 0 || b.Min[3] != 1 || b.Max[3] != 2 || b.Min[4] != 3 || b.Max[4] != 4 {
		t.Errorf("Min = %v, Max = %v", b.Min, b.Max)
	}
	if !math.IsNaN(b.Min[1]) || !math.IsNaN(b.Max[2]) {
		t.Errorf("empty scores should have NaN bounds: Min = %v, Max = %v", b.Min, b.Max)
	}
	// New values: between groups they take the group they reach.
	for _, c := range []struct {
		v    float64
		want int
	}{{-1, 1}, {0.5, 1}, {1, 4}, {2.5, 4}, {3, 5}, {99, 5}} {
		if got := b.Score(c.v); got != c.want {
			t.Errorf("Boundaries.Score(%v) = %d, want %d", c.v, got, c.want)
		}
	}
	if b.Score(math.NaN()) != 0 {
		t.Error("Boundaries.Score(NaN) should be 0")
	}
	if s := b.String(); !strings.Contains(s, "score 4: 2 customers, 1 to 2") || !strings.Contains(s, "score 3: 0 customers") {
		t.Errorf("String() =\n%s", s)
	}

	// Lower is better: min/max and Score against Max.
	_, b, _ = Score([]float64{0, 0, 5, 10, 10}, false)
	for _, c := range []struct {
		v    float64
		want int
	}{{-1, 4}, {0, 4}, {3, 3}, {5, 3}, {7, 1}, {10, 1}, {11, 1}} {
		if got := b.Score(c.v); got != c.want {
			t.Errorf("lower-better Boundaries.Score(%v) = %d, want %d", c.v, got, c.want)
		}
	}
}

func TestScoreRejectsNonFinite(t *testing.T) {
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		_, _, err := Score([]float64{1, 2, bad}, true)
		if err == nil || !strings.Contains(err.Error(), "row 2") {
			t.Errorf("Score with %v: err = %v, want an error naming row 2", bad, err)
		}
	}
}

// TestScoreRowOrderIndependent shuffles tie-heavy data and checks each
// customer keeps their score.
func TestScoreRowOrderIndependent(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 50; trial++ {
		n := 1 + rng.IntN(200)
		values := make([]float64, n)
		for i := range values {
			values[i] = float64(rng.IntN(1 + rng.IntN(30))) // many ties
		}
		for _, hib := range []bool{true, false} {
			want, _, err := Score(values, hib)
			if err != nil {
				t.Fatal(err)
			}
			perm := rng.Perm(n)
			shuffled := make([]float64, n)
			for i, p := range perm {
				shuffled[i] = values[p]
			}
			got, _, _ := Score(shuffled, hib)
			for i, p := range perm {
				if got[i] != want[p] {
					t.Fatalf("trial %d: customer %d scored %d before shuffling and %d after", trial, p, want[p], got[i])
				}
			}
			// Equal values share a score, and the score is monotone.
			for i := range values {
				for j := range values {
					better := values[i] > values[j]
					if !hib {
						better = values[i] < values[j]
					}
					if values[i] == values[j] && want[i] != want[j] || better && want[i] < want[j] {
						t.Fatalf("trial %d: values %v→%d and %v→%d", trial, values[i], want[i], values[j], want[j])
					}
				}
			}
		}
	}
}

func TestRFM(t *testing.T) {
	// Five customers; gap, frequency and monetary each a permutation of
	// distinct values, so each score is the rank 1..5 (gap reversed).
	gap := []float64{0, 10, 20, 30, 40}
	freq := []float64{4, 0, 2, 1, 3}
	mon := []float64{50, 10, 40, 20, 30}
	got, err := RFM(gap, freq, mon)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"555", "411", "334", "222", "143"}
	for i, c := range got {
		if c.String() != want[i] {
			t.Errorf("customer %d: code %s, want %s", i, c, want[i])
		}
	}
	if _, err := RFM(gap, freq, mon[:4]); err == nil {
		t.Error("RFM with columns of different lengths: want an error")
	}
	_, err = RFM(gap, []float64{0, 1, math.NaN(), 2, 3}, mon)
	if err == nil || !strings.Contains(err.Error(), "frequency") || !strings.Contains(err.Error(), "row 2") {
		t.Errorf("RFM with NaN frequency: err = %v, want one naming frequency and row 2", err)
	}
}

func TestRecencyGap(t *testing.T) {
	got, err := RecencyGap([]float64{38, 38, 20}, []float64{38, 0, 12.5})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{0, 38, 7.5}; !reflect.DeepEqual(got, want) {
		t.Errorf("RecencyGap = %v, want %v", got, want)
	}
	for _, bad := range [][2][]float64{
		{{10}, {11}},         // recency > T
		{{10}, {-1}},         // negative recency
		{{10}, {math.NaN()}}, // NaN
		{{10, 12}, {1}},      // lengths differ
	} {
		if _, err := RecencyGap(bad[0], bad[1]); err == nil {
			t.Errorf("RecencyGap(%v, %v): want an error", bad[0], bad[1])
		}
	}
}

// referenceScore is Score's rule computed literally: rank (value, row)
// pairs, then score each tie group by the number of values strictly worse
// than it.
func referenceScore(values []float64, higherIsBetter bool) ([]int, Boundaries) {
	n := len(values)
	b := Boundaries{HigherIsBetter: higherIsBetter}
	for s := range b.Min {
		b.Min[s], b.Max[s] = math.NaN(), math.NaN()
	}
	scores := make([]int, n)
	forEachTieGroup(values, func(v float64, below int, rows []ranked) {
		k := below
		if !higherIsBetter {
			k = n - below - len(rows)
		}
		s := 1 + int(int64(5)*int64(k)/int64(n))
		for _, r := range rows {
			scores[r.row] = s
		}
		j := s - 1
		if b.Count[j] == 0 || v < b.Min[j] {
			b.Min[j] = v
		}
		if b.Count[j] == 0 || v > b.Max[j] {
			b.Max[j] = v
		}
		b.Count[j] += len(rows)
	})
	return scores, b
}

// Score's cut points give the scores and boundaries of the rule itself
// (referenceScore) on random columns of every size up to 60 and a few
// large ones, with few distinct values (heavy ties) and with many.
func TestScoreMatchesRankRule(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	sizes := []int{}
	for n := 1; n <= 60; n++ {
		sizes = append(sizes, n)
	}
	sizes = append(sizes, 999, 1000, 1001, 12345)
	for _, n := range sizes {
		for _, distinct := range []int{1, 2, 3, 7, 1 << 30} {
			values := make([]float64, n)
			for i := range values {
				values[i] = float64(rng.IntN(distinct)) / 4
			}
			for _, hib := range []bool{true, false} {
				got, gb, err := Score(values, hib)
				if err != nil {
					t.Fatal(err)
				}
				want, wb := referenceScore(values, hib)
				if !slices.Equal(got, want) {
					t.Fatalf("n=%d distinct=%d higherIsBetter=%v: scores %v, rule gives %v (values %v)", n, distinct, hib, got, want, values)
				}
				same := gb.Count == wb.Count && gb.HigherIsBetter == wb.HigherIsBetter
				for j := range gb.Min {
					same = same && (gb.Min[j] == wb.Min[j] || math.IsNaN(gb.Min[j]) && math.IsNaN(wb.Min[j])) &&
						(gb.Max[j] == wb.Max[j] || math.IsNaN(gb.Max[j]) && math.IsNaN(wb.Max[j]))
				}
				if !same {
					t.Fatalf("n=%d distinct=%d higherIsBetter=%v: boundaries %+v, rule gives %+v", n, distinct, hib, gb, wb)
				}
			}
		}
	}
}
