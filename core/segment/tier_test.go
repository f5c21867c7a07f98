package segment

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestTiersAssign(t *testing.T) {
	oneTo := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(i + 1)
		}
		return v
	}
	for _, tt := range []struct {
		name   string
		tiers  Tiers
		values []float64
		counts []int
		check  map[float64]int // value → tier
	}{
		// 1..100: share(100) = 1/100 ≤ 0.01; share(91) = 10/100 ≤ 0.10;
		// share(90) = 0.11; share(51) = 0.50; share(50) = 0.51 → Rest.
		{"1..100", DefaultTiers(), oneTo(100), []int{1, 9, 40, 50},
			map[float64]int{100: 0, 99: 1, 91: 1, 90: 2, 51: 2, 50: 3, 1: 3}},
		// 50 customers: the best has share 1/50 = 2% > 1%, so Top 1% is empty.
		{"1..50", DefaultTiers(), oneTo(50), []int{0, 5, 20, 25},
			map[float64]int{50: 1, 46: 1, 45: 2, 26: 2, 25: 3}},
		// Ties: 4 has share 0.1; 3, 2, 1 shares 0.2, 0.3, 0.4; the six
		// zeros have share 1.0 and all go to Rest together.
		{"ties", Tiers{Cutoffs: []float64{0.1, 0.5}, Labels: []string{"Top", "Mid", "Rest"}},
			[]float64{0, 0, 3, 0, 0, 4, 0, 1, 0, 2}, []int{1, 3, 6},
			map[float64]int{4: 0, 3: 1, 1: 1, 0: 2}},
		// A tie group straddling a cutoff drops to the next tier: the two 9s
		// have share 3/4 > 0.5.
		{"tie across cutoff", Tiers{Cutoffs: []float64{0.5}, Labels: []string{"Top half", "Rest"}},
			[]float64{10, 9, 9, 1}, []int{1, 3}, map[float64]int{10: 0, 9: 1, 1: 1}},
		{"all equal", DefaultTiers(), []float64{5, 5, 5}, []int{0, 0, 0, 3}, map[float64]int{5: 3}},
		// 0.29 × 100 is 28.999999999999996 in floating point; the share
		// 29/100 still counts as within 29%.
		{"exact decimal cutoff", Tiers{Cutoffs: []float64{0.29}, Labels: []string{"Top 29%", "Rest"}},
			oneTo(100), []int{29, 71}, map[float64]int{72: 0, 71: 1}},
		{"cutoff 1", Tiers{Cutoffs: []float64{0.5, 1}, Labels: []string{"Top", "All", "None"}},
			oneTo(4), []int{2, 2, 0}, nil},
		{"empty", DefaultTiers(), nil, []int{0, 0, 0, 0}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, stats, err := tt.tiers.Assign(tt.values)
			if err != nil {
				t.Fatal(err)
			}
			var counts []int
			for i, s := range stats {
				counts = append(counts, s.Count)
				if s.Label != tt.tiers.Labels[i] {
					t.Errorf("stats[%d].Label = %q", i, s.Label)
				}
			}
			if !reflect.DeepEqual(counts, tt.counts) {
				t.Errorf("counts = %v, want %v", counts, tt.counts)
			}
			for i, v := range tt.values {
				if want, ok := tt.check[v]; ok && got[i] != want {
					t.Errorf("value %v: tier %d, want %d", v, got[i], want)
				}
				if s := stats[got[i]]; v < s.Min || v > s.Max {
					t.Errorf("value %v outside its tier's range [%v, %v]", v, s.Min, s.Max)
				}
			}
		})
	}
}

func TestTiersStats(t *testing.T) {
	_, stats, _ := DefaultTiers().Assign([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	// 10 customers: share(10) = 1/10 ≤ 0.10 → Top 10%; share(6) = 5/10 ≤ 0.5
	// so 6..9 → Top 50%; share(5) = 0.6 so 1..5 → Rest. Top 1% is empty.
	want := []TierStats{
		{Label: "Top 1%", Min: math.NaN(), Max: math.NaN()},
		{Label: "Top 10%", Count: 1, Min: 10, Max: 10},
		{Label: "Top 50%", Count: 4, Min: 6, Max: 9},
		{Label: "Bottom 50%", Count: 5, Min: 1, Max: 5},
	}
	for i := range want {
		g, w := stats[i], want[i]
		if g.Label != w.Label || g.Count != w.Count || !sameFloat(g.Min, w.Min) || !sameFloat(g.Max, w.Max) {
			t.Errorf("stats[%d] = %+v, want %+v", i, g, w)
		}
	}
}

func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

func TestTiersErrors(t *testing.T) {
	for _, tt := range []struct {
		tiers Tiers
		frag  string
	}{
		{Tiers{Cutoffs: []float64{0.1}, Labels: []string{"Top"}}, "need 2 labels"},
		{Tiers{Cutoffs: []float64{0.5, 0.1}, Labels: []string{"a", "b", "c"}}, "cutoff 2 is 0.1"},
		{Tiers{Cutoffs: []float64{0}, Labels: []string{"a", "b"}}, "cutoff 1 is 0"},
		{Tiers{Cutoffs: []float64{1.5}, Labels: []string{"a", "b"}}, "cutoff 1 is 1.5"},
		{Tiers{Cutoffs: []float64{math.NaN()}, Labels: []string{"a", "b"}}, "cutoff 1 is NaN"},
	} {
		if _, _, err := tt.tiers.Assign([]float64{1}); err == nil || !strings.Contains(err.Error(), tt.frag) {
			t.Errorf("%+v: err = %v, want %q", tt.tiers, err, tt.frag)
		}
	}
	if _, _, err := DefaultTiers().Assign([]float64{1, math.NaN()}); err == nil || !strings.Contains(err.Error(), "row 1") {
		t.Errorf("NaN value: err = %v", err)
	}
}

func TestTiersRowOrderIndependent(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 50; trial++ {
		n := 1 + rng.IntN(300)
		values := make([]float64, n)
		for i := range values {
			values[i] = float64(rng.IntN(1 + rng.IntN(40)))
		}
		want, _, err := DefaultTiers().Assign(values)
		if err != nil {
			t.Fatal(err)
		}
		perm := rng.Perm(n)
		shuffled := make([]float64, n)
		for i, p := range perm {
			shuffled[i] = values[p]
		}
		got, stats, _ := DefaultTiers().Assign(shuffled)
		for i, p := range perm {
			if got[i] != want[p] {
				t.Fatalf("trial %d: customer %d in tier %d before shuffling, %d after", trial, p, want[p], got[i])
			}
		}
		// No tier exceeds its cutoff's share, counting everyone above too.
		above := 0
		for k, cut := range DefaultTiers().Cutoffs {
			above += stats[k].Count
			if float64(above) > cut*float64(n)+1e-9 {
				t.Fatalf("trial %d: %d customers within top %v of %d", trial, above, cut, n)
			}
		}
	}
}
