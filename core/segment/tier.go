package segment

import (
	"fmt"
	"math"
)

// Tiers splits customers into value tiers by the quantiles of one scored
// column (clv, expected purchases, ...), highest values first: "Top 1%",
// "Top 10%", "Top 50%", "Bottom 50%". It is plain data, decodable from TOML.
type Tiers struct {
	// Cutoffs are the top shares of customers that bound each tier, strictly
	// increasing in (0, 1]; 0.01 is the top 1%.
	Cutoffs []float64 `toml:"cutoffs"`
	// Labels name the tiers, best first: one per cutoff, then one for the
	// rest (len(Cutoffs)+1 labels).
	Labels []string `toml:"labels"`
}

// DefaultTiers returns the default value tiers of every front end (the
// clv binary's clv.toml, the page, and core/score when Options.Tiers is
// empty): Top 1%, Top 10%, Top 50% and Bottom 50%. It is the one
// definition: core/score.DefaultTiers and core/settings return it.
func DefaultTiers() Tiers {
	return Tiers{
		Cutoffs: []float64{0.01, 0.10, 0.50},
		Labels:  []string{"Top 1%", "Top 10%", "Top 50%", "Bottom 50%"},
	}
}

// Validate checks the cutoffs and labels.
func (t Tiers) Validate() error {
	if len(t.Labels) != len(t.Cutoffs)+1 {
		return fmt.Errorf("tiers: %d cutoffs need %d labels (one per cutoff and one for the rest), got %d",
			len(t.Cutoffs), len(t.Cutoffs)+1, len(t.Labels))
	}
	prev := 0.0
	for i, c := range t.Cutoffs {
		if !(c > prev && c <= 1) {
			return fmt.Errorf("tiers: cutoff %d is %v: cutoffs must increase strictly within (0, 1]", i+1, c)
		}
		prev = c
	}
	return nil
}

// TierStats summarises one tier of an assignment.
type TierStats struct {
	// Label is the tier's label.
	Label string
	// Count is the number of customers in the tier; it may be 0.
	Count int
	// Min and Max are the smallest and largest value in the tier, NaN when
	// Count is 0.
	Min, Max float64
}

// Assign returns each customer's tier as an index into Labels (0 = best)
// and a summary of each tier.
//
// The rule: with n customers, let share(v) = #{values ≥ v} / n, the share
// of customers whose value is at least v. A customer with value v is in the
// first tier i whose cutoff satisfies share(v) ≤ Cutoffs[i], and in the
// last (rest) tier if there is none. So a customer labelled "Top 10%" is,
// together with everyone tied with them or above, within the top 10% of
// customers; equal values always share a tier; the result does not depend
// on row order; and a tier holds at most its cutoff's share of customers
// (fewer when ties straddle the boundary, possibly none when n is small:
// with 50 customers the top customer's share is 2%, so "Top 1%" is empty).
// NaN and ±Inf values are an error naming the row.
func (t Tiers) Assign(values []float64) ([]int, []TierStats, error) {
	if err := t.Validate(); err != nil {
		return nil, nil, err
	}
	stats := make([]TierStats, len(t.Labels))
	for i := range stats {
		stats[i] = TierStats{Label: t.Labels[i], Min: math.NaN(), Max: math.NaN()}
	}
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, fmt.Errorf("tiers: row %d: value %v is not a finite number", i, v)
		}
	}
	n := len(values)
	tiers := make([]int, n)
	forEachTieGroup(values, func(v float64, below int, rows []ranked) {
		atLeast := n - below
		// float64(atLeast)/float64(n) is correctly rounded, so a share that
		// equals a cutoff such as 0.29 exactly compares equal to it.
		share := float64(atLeast) / float64(n)
		k := len(t.Cutoffs)
		for c, cut := range t.Cutoffs {
			if share <= cut {
				k = c
				break
			}
		}
		for _, r := range rows {
			tiers[r.row] = k
		}
		s := &stats[k]
		if s.Count == 0 || v < s.Min {
			s.Min = v
		}
		if s.Count == 0 || v > s.Max {
			s.Max = v
		}
		s.Count += len(rows)
	})
	return tiers, stats, nil
}
