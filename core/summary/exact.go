package summary

import (
	"math"
	"math/big"
	"strconv"
)

// Amounts are kept as exact decimals, so that a customer's amounts of one
// day add to the same value whatever the order of the rows: one log entry
// can then stand for every row of a customer-day (see logRow).
//
// The decimal value of an amount is the shortest decimal that reads back
// as its float64 value (strconv.FormatFloat(f, 'g', -1, 64)): the number as
// written whenever it has at most 15 significant digits, since a float64
// tells apart any two such decimals.

// Packed amounts (logRow.v, when the row is not raw): a signed mantissa m
// of packMantBits bits, the number of rows added (1 to packMaxCount) and
// the scale s (0 to maxPackScale): v = m<<packShift | (count−1)<<5 | s,
// for the value m × 10^−s.
const (
	packShift    = 16
	packMantBits = 64 - packShift
	packMaxCount = 1 << (packShift - 5)
	maxPackScale = 15
	packMaxMant  = 1<<(packMantBits-1) - 1
)

// pow10i holds the powers of ten that fit an int64.
var pow10i = [...]int64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// packAmount returns the packed form of f (count 1) and true, or false
// when f has no decimal of at most maxPackScale decimals whose mantissa
// fits the packing: such amounts are logged raw (their float64 bits).
//
// For each scale s from 0 up, m = round(f × 10^s) is the candidate; it is
// f's decimal when m / 10^s, computed in float64 (both exact, so the
// quotient is correctly rounded), gives f back: m × 10^−s then has at most
// 15 significant digits and rounds to f, which makes it f's shortest
// decimal.
func packAmount(f float64) (int64, bool) {
	if f == 0 {
		return 0, true
	}
	for s := 0; s <= maxPackScale; s++ {
		x := math.Round(f * pow10[s])
		if !(math.Abs(x) <= packMaxMant) {
			return 0, false
		}
		if x/pow10[s] == f {
			return int64(x)<<packShift | int64(s), true
		}
	}
	return 0, false
}

// unpack splits a packed amount into mantissa, scale and row count.
func unpack(v int64) (m int64, s int32, count int32) {
	return v >> packShift, int32(v & 31), int32(v>>5&(packMaxCount-1)) + 1
}

// mergePacked adds the packed amounts x and y (their values and their row
// counts), or returns false when the result does not fit the packing.
func mergePacked(x, y int64) (int64, bool) {
	mx, sx, cx := unpack(x)
	my, sy, cy := unpack(y)
	if cx+cy > packMaxCount {
		return 0, false
	}
	s := max(sx, sy)
	mx, okx := scaleUp(mx, s-sx)
	my, oky := scaleUp(my, s-sy)
	m := mx + my
	if !okx || !oky || m > packMaxMant || m < -packMaxMant {
		return 0, false
	}
	return m<<packShift | int64(cx+cy-1)<<5 | int64(s), true
}

// scaleUp returns m × 10^k (0 ≤ k ≤ 18) and whether it fits an int64.
func scaleUp(m int64, k int32) (int64, bool) {
	if k == 0 || m == 0 {
		return m, true
	}
	p := pow10i[k]
	if m > math.MaxInt64/p || m < -math.MaxInt64/p {
		return 0, false
	}
	return m * p, true
}

// exactSum is an exact sum of decimals: m × 10^−s, or b × 10^−s once the
// sum no longer fits an int64 (b != nil). The zero value is 0.
type exactSum struct {
	m int64
	s int32
	b *big.Int
}

// addPacked adds a packed amount (count ignored).
func (x *exactSum) addPacked(v int64) {
	m, s, _ := unpack(v)
	x.add(m, s)
}

// addFloat adds the decimal value of a float64 (see the top of this file).
func (x *exactSum) addFloat(f float64) {
	if v, ok := packAmount(f); ok {
		x.addPacked(v)
		return
	}
	// The shortest decimal: at most 17 digits d₁.d₂…×10^e.
	var buf [32]byte
	t := strconv.AppendFloat(buf[:0], f, 'e', -1, 64)
	neg := t[0] == '-'
	if neg {
		t = t[1:]
	}
	var m int64
	digits := int32(0)
	i := 0
	for ; i < len(t) && t[i] != 'e'; i++ {
		if c := t[i]; c != '.' {
			m = m*10 + int64(c-'0')
			digits++
		}
	}
	e, _ := strconv.Atoi(string(t[i+1:]))
	if neg {
		m = -m
	}
	x.add(m, digits-1-int32(e))
}

// add adds m × 10^−s.
func (x *exactSum) add(m int64, s int32) {
	if x.b == nil {
		if x.m == 0 && s >= 0 && s <= 18 {
			x.m, x.s = m, s
			return
		}
		if s >= 0 && s <= 18 {
			t := max(x.s, s)
			a, oka := scaleUp(x.m, t-x.s)
			c, okc := scaleUp(m, t-s)
			if oka && okc {
				sum := a + c
				if (sum > a) == (c > 0) || c == 0 { // no overflow
					x.m, x.s = sum, t
					return
				}
			}
		}
		x.b = big.NewInt(x.m)
	}
	y := big.NewInt(m)
	switch {
	case s > x.s:
		x.b.Mul(x.b, bigPow10(s-x.s))
		x.s = s
	case s < x.s:
		y.Mul(y, bigPow10(x.s-s))
	}
	x.b.Add(x.b, y)
}

func bigPow10(k int32) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil)
}

// float returns the float64 nearest to the sum (ties to even), ±Inf past
// the float64 range.
func (x *exactSum) float() float64 {
	if x.b == nil {
		if x.m == 0 {
			return 0
		}
		if x.m <= 1<<53 && x.m >= -(1<<53) && x.s <= 22 {
			return float64(x.m) / pow10[x.s]
		}
		f, _ := strconv.ParseFloat(strconv.FormatInt(x.m, 10)+"e"+strconv.Itoa(int(-x.s)), 64)
		return f
	}
	if x.b.Sign() == 0 {
		return 0
	}
	f, _ := strconv.ParseFloat(x.b.String()+"e"+strconv.Itoa(int(-x.s)), 64)
	return f
}
