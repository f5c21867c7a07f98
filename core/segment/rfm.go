package segment

import (
	"fmt"
	"math"
)

// RecencyGap returns T − recency for each customer: the time since the last
// purchase, in the unit T and recency share (days, weeks, ...). In the
// lifetimes convention recency is the age of the customer at the last
// repeat purchase and T the age at the end of the observation period, so the
// gap is 0 for a customer who bought on the last day.
func RecencyGap(t, recency []float64) ([]float64, error) {
	if len(t) != len(recency) {
		return nil, fmt.Errorf("recency gap: %d values of T but %d of recency", len(t), len(recency))
	}
	gap := make([]float64, len(t))
	for i := range t {
		g := t[i] - recency[i]
		if math.IsNaN(g) || recency[i] < 0 || g < 0 {
			return nil, fmt.Errorf("recency gap: row %d: need 0 ≤ recency ≤ T, got recency %v and T %v", i, recency[i], t[i])
		}
		gap[i] = g
	}
	return gap, nil
}

// RFM scores three columns of the same customers with Score and returns
// their codes. recencyGap is the time since the last purchase (see
// RecencyGap; smaller is better, so the most recent customers get R = 5);
// frequency and monetary score higher for larger values. The three slices
// must have the same length. Use Score directly to also get the Boundaries.
func RFM(recencyGap, frequency, monetary []float64) ([]Code, error) {
	if len(recencyGap) != len(frequency) || len(recencyGap) != len(monetary) {
		return nil, fmt.Errorf("rfm: columns differ in length: %d recency gaps, %d frequencies, %d monetary values",
			len(recencyGap), len(frequency), len(monetary))
	}
	r, _, err := Score(recencyGap, false)
	if err != nil {
		return nil, fmt.Errorf("rfm: recency gap: %w", err)
	}
	f, _, err := Score(frequency, true)
	if err != nil {
		return nil, fmt.Errorf("rfm: frequency: %w", err)
	}
	m, _, err := Score(monetary, true)
	if err != nil {
		return nil, fmt.Errorf("rfm: monetary: %w", err)
	}
	codes := make([]Code, len(r))
	for i := range codes {
		codes[i] = Code{R: uint8(r[i]), F: uint8(f[i]), M: uint8(m[i])}
	}
	return codes, nil
}
