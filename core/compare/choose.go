package compare

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/summary"
)

// Auto is the purchase model setting that asks Choose to pick the model.
const Auto = "auto"

// Candidate is one model's standing in a Choose run.
type Candidate struct {
	// Model is the model's name; Value its value of the criterion (NaN
	// when Err is set); Err why it could not be fitted.
	Model string
	Value float64
	Err   string
}

// Choose picks the purchase model for purchase = "auto":
//
//   - with a calibration/holdout split (s.HasHoldout), the model with the
//     highest holdout log-likelihood, Σᵢ log P(Y(t*) = y*ᵢ | xᵢ, t_xᵢ, Tᵢ)
//     (see ConditionalPMF), among the models Applicable to the data
//     (BG/BB only when every recency, T and the holdout length are whole
//     numbers of the unit). Every model gives a probability of the same
//     thing, the customer's number of holdout purchase periods, so BG/BB
//     and the continuous-time models compare fairly. It is a proper
//     scoring rule: the model the data come from has the highest expected
//     value. The mean absolute error of the predicted means is not (the
//     best predictor under absolute error is a median, not the mean the
//     models give): on data drawn from BG/NBD or MBG/NBD it prefers
//     Pareto/NBD, whose means for the many customers without holdout
//     purchases are lowest (TestMAEIsNotACriterion);
//   - without a split, the highest calibration log-likelihood among BG/NBD,
//     Pareto/NBD and MBG/NBD, which have four parameters each (were the
//     counts to differ, the lowest BIC). BG/BB does not compete there: its
//     likelihood is a probability of (x, t_x) patterns, the others' a
//     density, and the two cannot be compared.
//
// Ties (equal values, bit for bit) go to the model first in Models()
// order: BG/NBD, Pareto/NBD, MBG/NBD, BG/BB. A model whose fit fails is
// listed with its error and does not compete; Choose fails when none can
// be fitted. The customers' calibration fields are used (as Score uses
// them), the holdout fields for the split only.
func Choose(s summary.Summary, fit model.FitOptions) (Choice, []Candidate, error) {
	n := len(s.Customers)
	if n == 0 {
		return Choice{}, nil, errors.New("choose a model: no customers")
	}
	rows := make([]model.RFT, n)
	actual := make([]float64, n)
	for i, c := range s.Customers {
		rows[i] = model.RFT{X: float64(c.Frequency), TX: c.Recency, T: c.T, Weight: 1}
		actual[i] = float64(c.FrequencyHoldout)
	}
	if err := model.ValidateRFT(rows); err != nil {
		var re *model.RowError
		if errors.As(err, &re) {
			return Choice{}, nil, fmt.Errorf("customer %q: %w", s.Customers[re.Row].ID, err)
		}
		return Choice{}, nil, err
	}
	distinct, index := model.CompressIndex(rows)
	holdout := s.HasHoldout && s.DurationHoldout > 0
	names := Applicable(false)
	if holdout {
		names = Applicable(Discrete(s.Customers, s.DurationHoldout))
	}
	var cands []Candidate
	var ks []int
	for _, name := range names {
		m, f, err := score.FitPurchase(name, distinct, fit)
		if err == nil && holdout {
			f.LogLikelihood, _, err = holdoutLogLikelihood(m, s.DurationHoldout, distinct, index, actual)
		}
		if err != nil {
			cands = append(cands, Candidate{Model: name, Value: math.NaN(), Err: err.Error()})
			ks = append(ks, 0)
			continue
		}
		cands = append(cands, Candidate{Model: name, Value: f.LogLikelihood})
		ks = append(ks, len(f.Params))
	}
	criterion := CriterionHoldoutLogLikelihood
	if !holdout {
		criterion = CriterionLogLikelihood
		k := -1
		for i, c := range cands {
			if c.Err != "" {
				continue
			}
			if k >= 0 && ks[i] != k {
				criterion = CriterionBIC
			}
			k = ks[i]
		}
		if criterion == CriterionBIC {
			for i := range cands {
				if cands[i].Err == "" {
					cands[i].Value = float64(ks[i])*math.Log(float64(n)) - 2*cands[i].Value
				}
			}
		}
	}
	ch, err := pick(cands, criterion)
	return ch, cands, err
}

// chooseByHoldout picks, among a Compare run's models, the one with the
// highest holdout log-likelihood, as Choose does with a split.
func chooseByHoldout(ms []Model) Choice {
	cands := make([]Candidate, len(ms))
	for i, m := range ms {
		cands[i] = Candidate{Model: m.Name, Value: m.HoldoutLogLikelihood, Err: m.Err}
	}
	ch, _ := pick(cands, CriterionHoldoutLogLikelihood)
	return ch
}

// pick returns the best candidate under criterion (the highest
// log-likelihood, or the lowest BIC), ties to the first, and the
// runner-up's margin.
func pick(cands []Candidate, criterion string) (Choice, error) {
	better := func(a, b float64) bool { return a > b }
	if criterion == CriterionBIC {
		better = func(a, b float64) bool { return a < b }
	}
	ok := slices.DeleteFunc(slices.Clone(cands), func(c Candidate) bool { return c.Err != "" || math.IsNaN(c.Value) })
	if len(ok) == 0 {
		var errs []string
		for _, c := range cands {
			errs = append(errs, c.Err)
		}
		return Choice{}, fmt.Errorf("choose a model: no model could be fitted: %s", strings.Join(errs, "; "))
	}
	// A stable sort keeps the fixed order among equal values.
	slices.SortStableFunc(ok, func(a, b Candidate) int {
		switch {
		case better(a.Value, b.Value):
			return -1
		case better(b.Value, a.Value):
			return 1
		}
		return 0
	})
	ch := Choice{Model: ok[0].Model, Criterion: criterion, Value: ok[0].Value}
	if len(ok) > 1 {
		ch.RunnerUp = ok[1].Model
		ch.Margin = math.Abs(ok[1].Value - ok[0].Value)
	}
	return ch, nil
}
