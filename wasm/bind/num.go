package bind

import (
	"math"
	"strconv"
)

// Num is a float64 that JSON can carry whatever its value: NaN is null and
// ±Inf are the strings "Infinity" and "-Infinity" (encoding/json refuses
// them). The page's num() helper turns them back into JavaScript numbers.
type Num float64

// MarshalJSON writes n in the shortest form that round-trips.
func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	switch {
	case math.IsNaN(f):
		return []byte("null"), nil
	case math.IsInf(f, 1):
		return []byte(`"Infinity"`), nil
	case math.IsInf(f, -1):
		return []byte(`"-Infinity"`), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

func nums(fs []float64) []Num {
	out := make([]Num, len(fs))
	for i, f := range fs {
		out[i] = Num(f)
	}
	return out
}
