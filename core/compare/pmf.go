package compare

import (
	"fmt"
	"math"

	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/score"
)

// ConditionalPMF returns P(Y(t) = y | x, t_x, T) for the fitted model m:
// the probability that a customer with calibration history (x, t_x, T)
// makes y purchases in the t time units after T. A customer who is alive
// at T continues as a new customer of the same model whose mixing
// distributions are the posteriors given the history, so
//
//	P(Y(t) = y | x, t_x, T) = (1 − P(alive at T))·[y = 0] + P(alive at T)·P'(X(t) = y)
//
// where P' is the model's own P(X(t) = y) with parameters
//
//	BG/NBD      (r+x, α+T, a, b+x)        dropout chances after each repeat purchase
//	MBG/NBD     BG/NBD's with (r+x, α+T, a, b+x+1): one more chance, after the first purchase
//	Pareto/NBD  (r+x, α+T, s, β+T)
//	BG/BB       (α+x, β+T−x, γ, δ+T), with P(alive after T opportunities)
//
// (Fader & Hardie's notes on the conditional PMFs of the BG/NBD and
// Pareto/NBD write out the same mixtures as closed forms). Its mean is the
// model's conditional expectation (tested).
func ConditionalPMF(m model.PurchaseModel, t float64) (func(y int, x, tx, T float64) float64, error) {
	switch mm := m.(type) {
	case model.BGNBD:
		return func(y int, x, tx, T float64) float64 {
			fresh := model.BGNBD{R: mm.R + x, Alpha: mm.Alpha + T, A: mm.A, B: mm.B + x}
			return mix(mm.ProbabilityAlive(x, tx, T), y, fresh.ProbabilityPurchases(y, t))
		}, nil
	case model.MBGNBD:
		return func(y int, x, tx, T float64) float64 {
			fresh := model.BGNBD{R: mm.R + x, Alpha: mm.Alpha + T, A: mm.A, B: mm.B + x + 1}
			return mix(mm.ProbabilityAlive(x, tx, T), y, fresh.ProbabilityPurchases(y, t))
		}, nil
	case model.ParetoNBD:
		return func(y int, x, tx, T float64) float64 {
			fresh := model.ParetoNBD{R: mm.R + x, Alpha: mm.Alpha + T, S: mm.S, Beta: mm.Beta + T}
			return mix(mm.ProbabilityAlive(x, tx, T), y, fresh.ProbabilityPurchases(y, t))
		}, nil
	}
	if b, ok := score.AsBGBB(m); ok {
		nStar := whole(t)
		return func(y int, x, tx, T float64) float64 {
			n := float64(whole(T))
			x = float64(whole(x))
			// P(alive after n opportunities) = P(alive at n+1)·(γ+δ+n)/(δ+n):
			// ProbabilityAlive counts the death draw before opportunity n+1.
			pa := b.ProbabilityAlive(int(x), whole(tx), int(n)) * (b.Gamma + b.Delta + n) / (b.Delta + n)
			fresh := model.BGBB{Alpha: b.Alpha + x, Beta: b.Beta + n - x, Gamma: b.Gamma, Delta: b.Delta + n}
			return mix(math.Min(pa, 1), y, fresh.ProbabilityPurchases(y, nStar))
		}, nil
	}
	return nil, fmt.Errorf("no conditional PMF for a %T model", m)
}

func whole(t float64) int { return int(math.Floor(t + 1e-9)) }

func mix(alive float64, y int, p float64) float64 {
	v := alive * p
	if y == 0 {
		v += 1 - alive
	}
	return v
}
