package model

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// This file holds the model checks of Fader, Hardie & Lee (2005, "Counting
// your customers the easy way", figures 2-4): the frequency histogram, the
// calibration-versus-holdout comparison and cumulative tracking.

// FrequencyBin is one bar of the frequency histogram.
type FrequencyBin struct {
	// Purchases is the number of repeat purchases; the last bin (Open) holds
	// Purchases or more.
	Purchases int
	Open      bool
	// Actual is the number of customers (weights summed) in the bin;
	// Expected the number the model expects given each customer's T.
	Actual, Expected float64
}

// FrequencyHistogram compares the actual number of customers with 0, 1, …,
// maxBin−1 and maxBin-or-more repeat purchases in the calibration period with
// the number expected, Σᵢ wᵢ P(X(Tᵢ) = n); the open bin gets the rest of each
// customer's probability. P(X(T) = n) is computed once per distinct T.
func FrequencyHistogram(m PurchaseModel, rows []RFT, maxBin int) ([]FrequencyBin, error) {
	if maxBin < 1 {
		return nil, fmt.Errorf("frequency histogram: last bin %d: need ≥ 1", maxBin)
	}
	if err := ValidateRFT(rows); err != nil {
		return nil, fmt.Errorf("frequency histogram: %w", err)
	}
	bins := make([]FrequencyBin, maxBin+1)
	for n := range bins {
		bins[n].Purchases = n
	}
	bins[maxBin].Open = true
	wT := map[float64]float64{}
	for _, r := range rows {
		bins[min(int(r.X), maxBin)].Actual += r.Weight
		wT[r.T] += r.Weight
	}
	ts := make([]float64, 0, len(wT))
	for t := range wT {
		ts = append(ts, t)
	}
	slices.Sort(ts)
	probs := make([]float64, len(ts)*maxBin)
	batch, isBatch := m.(interface {
		probabilitiesPurchases(t float64, dst []float64)
	})
	forChunks(len(ts), func(lo, hi int) {
		for j := lo; j < hi; j++ {
			if isBatch {
				batch.probabilitiesPurchases(ts[j], probs[j*maxBin:(j+1)*maxBin])
				continue
			}
			for n := range maxBin {
				probs[j*maxBin+n] = m.ProbabilityPurchases(n, ts[j])
			}
		}
	})
	for j, t := range ts {
		rest := 1.0
		for n := range maxBin {
			p := probs[j*maxBin+n]
			bins[n].Expected += wT[t] * p
			rest -= p
		}
		bins[maxBin].Expected += wT[t] * max(rest, 0)
	}
	return bins, nil
}

// HoldoutGroup is one point of the calibration-versus-holdout comparison.
type HoldoutGroup struct {
	// Frequency is the calibration repeat-purchase count; the last group
	// (Open) holds Frequency or more.
	Frequency int
	Open      bool
	// Customers is the number of customers (weights summed) in the group.
	Customers float64
	// Actual and Predicted are the mean numbers of purchases per customer in
	// the holdout period.
	Actual, Predicted float64
}

// CalibrationVsHoldout groups customers by calibration frequency 0, 1, …,
// maxGroup−1, maxGroup+ and compares the mean number of purchases they made
// in a holdout period of length holdoutLength (data time unit) right after
// calibration with the model's conditional expectation E[Y(holdoutLength) |
// x, t_x, T]. holdout[i] is the total number of holdout purchases of the
// Weight customers of row i.
func CalibrationVsHoldout(m PurchaseModel, rows []RFT, holdout []float64, holdoutLength float64, maxGroup int) ([]HoldoutGroup, error) {
	if len(holdout) != len(rows) {
		return nil, fmt.Errorf("calibration vs holdout: %d holdout counts for %d rows", len(holdout), len(rows))
	}
	if maxGroup < 1 || !(holdoutLength > 0) {
		return nil, fmt.Errorf("calibration vs holdout: last group %d, holdout length %v: need ≥ 1 and > 0", maxGroup, holdoutLength)
	}
	if err := ValidateRFT(rows); err != nil {
		return nil, fmt.Errorf("calibration vs holdout: %w", err)
	}
	pred := ConditionalExpectedPurchasesRows(m, holdoutLength, rows, nil)
	groups := make([]HoldoutGroup, maxGroup+1)
	for g := range groups {
		groups[g].Frequency = g
	}
	groups[maxGroup].Open = true
	for i, r := range rows {
		g := &groups[min(int(r.X), maxGroup)]
		g.Customers += r.Weight
		g.Actual += holdout[i]
		g.Predicted += r.Weight * pred[i]
	}
	for g := range groups {
		if c := groups[g].Customers; c > 0 {
			groups[g].Actual /= c
			groups[g].Predicted /= c
		}
	}
	return groups, nil
}

// TrackingPoint is one period of cumulative repeat-transaction tracking.
type TrackingPoint struct {
	Period int     // 1-based
	End    float64 // end of the period, data time unit, from the origin
	// Actual is the given cumulative number of repeat transactions at End;
	// Predicted is Σᵢ wᵢ E[X(End − birthᵢ)] over customers born before End.
	Actual, Predicted float64
}

// CumulativeTracking predicts cumulative repeat transactions of a cohort
// period by period: at the end of period k (k·periodLength from the common
// origin) the prediction is Σᵢ weight[i]·E[X(k·periodLength − birth[i])] over
// customers with birth[i] < k·periodLength, each customer's first purchase
// being at birth[i] (data time unit, from the origin). actual[k−1] is the
// observed cumulative count at the end of period k; the result has one
// point per actual value. weight may be nil (all 1). E[X(t)] is computed once
// per distinct age.
func CumulativeTracking(m PurchaseModel, birth, weight []float64, actual []float64, periodLength float64) ([]TrackingPoint, error) {
	if weight != nil && len(weight) != len(birth) {
		return nil, fmt.Errorf("tracking: %d weights for %d births", len(weight), len(birth))
	}
	if !(periodLength > 0) {
		return nil, fmt.Errorf("tracking: period length %v: must be > 0", periodLength)
	}
	type cohort struct{ birth, w float64 }
	byBirth := map[float64]float64{}
	for i, b := range birth {
		if math.IsNaN(b) || math.IsInf(b, 0) {
			return nil, fmt.Errorf("tracking: birth %d = %v", i, b)
		}
		w := 1.0
		if weight != nil {
			w = weight[i]
		}
		byBirth[b] += w
	}
	cohorts := make([]cohort, 0, len(byBirth))
	for b, w := range byBirth {
		cohorts = append(cohorts, cohort{b, w})
	}
	slices.SortFunc(cohorts, func(a, b cohort) int { return cmp.Compare(a.birth, b.birth) })
	pts := make([]TrackingPoint, len(actual))
	forChunks(len(actual), func(lo, hi int) {
		for k := lo; k < hi; k++ {
			end := float64(k+1) * periodLength
			s := 0.0
			for _, c := range cohorts {
				if c.birth >= end {
					break
				}
				s += c.w * m.ExpectedPurchases(end-c.birth)
			}
			pts[k] = TrackingPoint{Period: k + 1, End: end, Actual: actual[k], Predicted: s}
		}
	})
	return pts, nil
}
