package summary

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"testing"
)

// shortestRat is the reference value of an amount: the shortest decimal
// that reads back as f.
func shortestRat(f float64) *big.Rat {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(f, 'g', -1, 64))
	if !ok {
		panic(f)
	}
	return r
}

func TestPackAmount(t *testing.T) {
	for _, tt := range []struct {
		f      float64
		m      int64
		s      int32
		packed bool
	}{
		{0, 0, 0, true},
		{0.1, 1, 1, true},
		{12.50, 125, 1, true},
		{-81.27, -8127, 2, true},
		{1e-15, 1, 15, true},
		{123456789012.34, 12345678901234, 2, true},
		{1e20, 0, 0, false},                // the mantissa does not fit
		{0.30000000000000004, 0, 0, false}, // float64 0.1 + 0.2: 17 digits
		{1e-16, 0, 0, false},               // more than 15 decimals
		{math.MaxFloat64, 0, 0, false},
	} {
		v, ok := packAmount(tt.f)
		if ok != tt.packed {
			t.Errorf("packAmount(%v) packed %v, want %v", tt.f, ok, tt.packed)
			continue
		}
		if !ok {
			continue
		}
		m, s, c := unpack(v)
		if m != tt.m || s != tt.s || c != 1 {
			t.Errorf("packAmount(%v) = %d×10^-%d (count %d), want %d×10^-%d", tt.f, m, s, c, tt.m, tt.s)
		}
	}
}

func TestMergePacked(t *testing.T) {
	a, _ := packAmount(0.1)
	b, _ := packAmount(12.345)
	v, ok := mergePacked(a, b)
	if m, s, c := unpack(v); !ok || m != 12445 || s != 3 || c != 2 {
		t.Fatalf("0.1 + 12.345 = %d×10^-%d (count %d, ok %v), want 12445×10^-3, count 2", m, s, c, ok)
	}
	big, _ := packAmount(1e14)
	if _, ok := mergePacked(big, big); ok {
		t.Error("2e14 fits the packing; want an overflow")
	}
	one, _ := packAmount(1)
	full := one
	for range packMaxCount - 1 {
		full, _ = mergePacked(full, one)
	}
	if _, _, c := unpack(full); c != packMaxCount {
		t.Fatalf("count %d, want %d", c, packMaxCount)
	}
	if _, ok := mergePacked(full, one); ok {
		t.Error("row count past packMaxCount accepted")
	}
}

// TestExactSumOrder: any order of the same amounts gives the same bits,
// the correctly rounded sum of their decimals, including sums that leave
// the int64 fast path.
func TestExactSumOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	sets := [][]float64{
		{0.1, 0.2, 0.3, 0.7, 19.99, 5e-3},
		{1.7e308, -1.7e308, 1, 0.1},
		{1e-300, 1, 0.30000000000000004, 3.14159, -2.5},
		{9.2e18, 9.2e18, -0.01, 123456.789},
	}
	for i := range 20 {
		var xs []float64
		for range 10 {
			xs = append(xs, math.Round(r.Float64()*1e6)/100*float64(1-2*(i%2)))
		}
		sets = append(sets, xs)
	}
	for _, xs := range sets {
		want := new(big.Rat)
		for _, x := range xs {
			want.Add(want, shortestRat(x))
		}
		wf, _ := want.Float64()
		for range 5 {
			r.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
			var s exactSum
			for _, x := range xs {
				s.addFloat(x)
			}
			if got := s.float(); math.Float64bits(got) != math.Float64bits(wf) && !(got == 0 && wf == 0) {
				t.Fatalf("sum of %v = %v, want %v", xs, got, wf)
			}
		}
	}
}

// TestDaySumExact: a customer's rows of one day add exactly, whatever
// their order: 0.1 + 0.2 is 0.3, not float64's 0.30000000000000004.
func TestDaySumExact(t *testing.T) {
	for _, order := range [][]float64{{0.1, 0.2, 0.7}, {0.7, 0.2, 0.1}, {0.2, 0.7, 0.1}} {
		b, err := NewBuilder(Options{ObservationEnd: date("2024-12-31")})
		if err != nil {
			t.Fatal(err)
		}
		b.Add(tx("a", "2024-01-01", 5))
		for _, x := range order {
			b.Add(tx("a", "2024-02-01", x))
		}
		b.Add(tx("a", "2024-03-01", 0.1))
		b.Add(tx("a", "2024-03-01", 0.2))
		s, err := b.Summary()
		if err != nil {
			t.Fatal(err)
		}
		// Day sums 5, 1 and 0.3, added in time order in float64.
		day1, day2, day3 := 5.0, 1.0, 0.3
		monetary, revenue := (day2+day3)/2, day1+day2+day3
		c := s.Customers[0]
		if c.Frequency != 2 || c.Orders != 6 || c.Monetary != monetary || c.Revenue != revenue {
			t.Errorf("rows %v: %+v, want frequency 2, 6 orders, monetary %v, revenue %v", order, c, monetary, revenue)
		}
	}
}

// FuzzPackAmount checks packAmount and exactSum against the decimal
// reference (shortestRat): a packed amount is exactly f's shortest
// decimal; a sum of one amount reads back as that amount; two amounts add
// in either order to the correctly rounded sum.
func FuzzPackAmount(f *testing.F) {
	for _, x := range []float64{0, 0.1, 12.5, -81.27, 1e20, 1e-300, 0.30000000000000004, math.MaxFloat64, 5e-324} {
		f.Add(x, 0.2)
	}
	f.Fuzz(func(t *testing.T, x, y float64) {
		if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
			return
		}
		if v, ok := packAmount(x); ok {
			m, s, _ := unpack(v)
			got := new(big.Rat).SetFrac(big.NewInt(m), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(s)), nil))
			if got.Cmp(shortestRat(x)) != 0 {
				t.Fatalf("packAmount(%v) = %v, want %v", x, got, shortestRat(x))
			}
		}
		var one exactSum
		one.addFloat(x)
		if got := one.float(); got != x {
			t.Fatalf("sum of %v alone = %v", x, got)
		}
		want, _ := new(big.Rat).Add(shortestRat(x), shortestRat(y)).Float64()
		var xy, yx exactSum
		xy.addFloat(x)
		xy.addFloat(y)
		yx.addFloat(y)
		yx.addFloat(x)
		if a, b := xy.float(), yx.float(); a != want || b != want {
			t.Fatalf("%v + %v = %v / %v, want %v", x, y, a, b, want)
		}
	})
}
