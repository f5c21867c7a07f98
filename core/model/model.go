package model

// PurchaseModel is the capability shared by the continuous-time
// buy-till-you-die models (BGNBD, ParetoNBD, MBGNBD): predictions of
// purchases and of being alive from a customer's (x, t_x, T). All times are
// in the data's own time unit.
type PurchaseModel interface {
	// ExpectedPurchases returns E[X(t)], the expected number of repeat
	// purchases in (0, t] of a customer who made a first purchase at 0.
	ExpectedPurchases(t float64) float64
	// ConditionalExpectedPurchases returns E[Y(t) | x, t_x, T], the expected
	// number of purchases in (T, T+t] of a customer with history (x, tx, T).
	ConditionalExpectedPurchases(t, x, tx, T float64) float64
	// ProbabilityAlive returns P(alive at T | x, t_x, T).
	ProbabilityAlive(x, tx, T float64) float64
	// ProbabilityPurchases returns P(X(t) = n) for a new customer.
	ProbabilityPurchases(n int, t float64) float64
	// LogLikelihood returns the total log-likelihood of rows, weights applied.
	LogLikelihood(rows []RFT) float64
}

// aliveFactored is implemented by models whose conditional expectation
// factors as P(alive | x, t_x, T) · h(t; x, T) with h independent of t_x:
// given that the customer is alive at T, the posterior of the latent traits
// depends on x and T only. Batch predictions and CLV use it to compute h
// once per (x, T) and to reuse P(alive) across horizons.
type aliveFactored interface {
	// expectedIfAlive returns E[Y(t) | alive at T, x, T].
	expectedIfAlive(t, x, T float64) float64
}

// Compile-time checks that every model has the full method set.
var (
	_ PurchaseModel = BGNBD{}
	_ PurchaseModel = ParetoNBD{}
	_ PurchaseModel = MBGNBD{}
	_ aliveFactored = BGNBD{}
	_ aliveFactored = ParetoNBD{}
	_ aliveFactored = MBGNBD{}
)

// ProbabilityAliveRows returns P(alive) for every row, into dst (grown as
// needed). Rows are processed in parallel; each result depends on its row
// only, so the output is the same on any machine.
func ProbabilityAliveRows(m PurchaseModel, rows []RFT, dst []float64) []float64 {
	dst = grow(dst, len(rows))
	forChunks(len(rows), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			r := rows[i]
			dst[i] = m.ProbabilityAlive(r.X, r.TX, r.T)
		}
	})
	return dst
}

// ConditionalExpectedPurchasesRows returns E[Y(t) | x, t_x, T] for every row,
// into dst (grown as needed). For the models in this package the part that
// does not depend on t_x is computed once per run of rows with equal (X, T),
// which Compress makes adjacent.
func ConditionalExpectedPurchasesRows(m PurchaseModel, t float64, rows []RFT, dst []float64) []float64 {
	dst = grow(dst, len(rows))
	f, ok := m.(aliveFactored)
	forChunks(len(rows), func(lo, hi int) {
		if !ok {
			for i := lo; i < hi; i++ {
				r := rows[i]
				dst[i] = m.ConditionalExpectedPurchases(t, r.X, r.TX, r.T)
			}
			return
		}
		var lastX, lastT, h float64 = -1, -1, 0
		for i := lo; i < hi; i++ {
			r := rows[i]
			if r.X != lastX || r.T != lastT {
				lastX, lastT = r.X, r.T
				h = f.expectedIfAlive(t, r.X, r.T)
			}
			dst[i] = m.ProbabilityAlive(r.X, r.TX, r.T) * h
		}
	})
	return dst
}

func grow(dst []float64, n int) []float64 {
	if cap(dst) < n {
		return make([]float64, n)
	}
	return dst[:n]
}
