package score

import (
	"errors"
	"fmt"
	"github.com/clvkit/clvkit/internal/quote"
	"math"
	"strings"

	"github.com/clvkit/clvkit/core/model"
)

// Methods of SpendEstimate.Method: how expected_spend was estimated.
const (
	// EstimateGammaGamma is the Gamma-Gamma model's conditional expected
	// spend (FHL 2005, eq. 5).
	EstimateGammaGamma = "gammagamma"
	// EstimateOwnMean is the fallback when the Gamma-Gamma fit cannot be
	// used: each repeat buyer's own mean repeat spend, and the population
	// average (SpendEstimate.PopulationMean) for the others.
	EstimateOwnMean = "own_mean"
)

// Reasons of SpendEstimate.Fallback: why the Gamma-Gamma fit was not used.
const (
	// FallbackNotConverged: the optimiser did not converge (for example on
	// amounts that do not vary between customers more than within them,
	// where the fit's q and v grow without bound).
	FallbackNotConverged = "not_converged"
	// FallbackNoMeanSpend: the fit gives q ≤ 1, so the population mean
	// spend p·v/(q−1) is infinite and one-time buyers have no estimate.
	FallbackNoMeanSpend = "q_at_most_1"
	// FallbackNotIdentified: too few repeat buyers with a positive mean
	// spend, or all with the same one (model.ErrNotIdentified).
	FallbackNotIdentified = "not_identified"
)

// Values of the spend_source column: where a customer's expected_spend
// comes from.
const (
	// SourceGammaGamma: the Gamma-Gamma estimate, a weighted average of the
	// customer's own mean repeat spend and the population mean.
	SourceGammaGamma = "gamma_gamma"
	// SourceOwnMean: the customer's own mean repeat spend (monetary_value),
	// under the EstimateOwnMean fallback.
	SourceOwnMean = "own_mean"
	// SourcePopulation: a customer without repeat purchases gets the
	// population mean (SpendEstimate.PopulationMean).
	SourcePopulation = "population"
	// SourcePopulationNonPositive: a customer whose repeat purchases have a
	// mean value ≤ 0 (returns netted against them) is left out of the fit
	// and gets the population mean, their own history ignored.
	SourcePopulationNonPositive = "population_nonpositive"
)

// MaxNamedCustomers is how many customer ids a message names at most.
const MaxNamedCustomers = 10

// SpendEstimate says how a run estimated expected_spend.
type SpendEstimate struct {
	// Method is EstimateGammaGamma or EstimateOwnMean.
	Method string
	// Fallback is "" when the Gamma-Gamma fit was used, else why not:
	// FallbackNotConverged, FallbackNoMeanSpend or FallbackNotIdentified.
	Fallback string
	// Reason says the same as Fallback in a sentence, with the fit's
	// figures ("" when the fit was used).
	Reason string
	// PopulationMean is the expected spend of the customers without a
	// usable mean repeat spend of their own (one-time buyers, and repeat
	// buyers with a mean ≤ 0): under EstimateGammaGamma the model's
	// population mean p·v/(q−1); under EstimateOwnMean the average value of
	// a repeat purchase period over the repeat buyers with a positive mean,
	// Σ frequency·monetary_value / Σ frequency (their mean repeat spends
	// weighted by their repeat purchases), or 0 when there is no such buyer.
	PopulationMean float64
	// OneTime counts the customers without a repeat purchase.
	OneTime int
	// NonPositive counts the customers with repeat purchases whose mean
	// value is ≤ 0; NonPositiveIDs names the first MaxNamedCustomers of
	// them, in output order.
	NonPositive    int
	NonPositiveIDs []string
}

// scoreSpend estimates each customer's spend per future purchase and adds
// expected_spend and clv (spend_source is kept for the end). The
// Gamma-Gamma fit is used when it converges with q > 1; otherwise the run
// falls back to EstimateOwnMean and says why in a warning: the purchase
// model's results stand either way. CLV is linear in spend, so the
// discounted expected purchases are computed once per distinct
// (x, t_x, T) row and scaled by each customer's spend.
func (r *Result) scoreSpend(pred predictor, freq, mon []float64, o Options) error {
	n := len(freq)
	spendRows := make([]model.SpendRow, n)
	for i := range freq {
		spendRows[i] = model.SpendRow{Frequency: freq[i], MeanSpend: mon[i], Weight: 1}
	}
	est := SpendEstimate{Method: EstimateGammaGamma}
	var gg model.GammaGamma
	var ggFit model.GammaGammaFit
	var err error
	if f := o.FrozenSpend; f != nil {
		// A frozen model is used as it is: its q > 1 was checked when it
		// was made, so it has a population mean.
		if gg, ggFit.Fit, err = f.spend(); err != nil {
			return err
		}
	} else {
		gg, ggFit, err = model.FitGammaGamma(spendRows, o.Fit)
	}
	var re *model.RowError
	switch {
	case err == nil:
		if pop, err := gg.MeanSpend(); err != nil {
			est.Fallback = FallbackNoMeanSpend
			est.Reason = fmt.Sprintf("the fit gives q = %.4g ≤ 1, so its population mean spend p·v/(q−1) is infinite", gg.Q)
		} else {
			est.PopulationMean = pop
		}
	case errors.As(err, &re):
		return r.rowError(err, nil)
	case errors.Is(err, model.ErrNotConverged):
		est.Fallback, est.Reason = FallbackNotConverged, err.Error()
	case errors.Is(err, model.ErrNotIdentified):
		est.Fallback, est.Reason = FallbackNotIdentified, err.Error()
	default:
		return fmt.Errorf("fit Gamma-Gamma spend model: %w", err)
	}
	r.SpendFit = ggFit
	if ggFit.Warning != "" {
		r.Warnings = append(r.Warnings, ggFit.Warning)
	}
	buyers := 0 // repeat buyers with a positive mean
	if est.Fallback != "" {
		est.Method = EstimateOwnMean
		var sx, sxz float64
		for i := range freq {
			if freq[i] >= 1 && mon[i] > 0 {
				buyers++
				sx += freq[i]
				sxz += freq[i] * mon[i]
			}
		}
		if sx > 0 {
			est.PopulationMean = sxz / sx
		}
	} else {
		r.Spend = gg
	}

	spend := make([]float64, n)
	source := make([]string, n)
	for i := range freq {
		switch {
		case freq[i] == 0:
			spend[i], source[i] = est.PopulationMean, SourcePopulation
			est.OneTime++
		case !(mon[i] > 0):
			spend[i], source[i] = est.PopulationMean, SourcePopulationNonPositive
			est.NonPositive++
			if len(est.NonPositiveIDs) < MaxNamedCustomers {
				est.NonPositiveIDs = append(est.NonPositiveIDs, r.IDs[i])
			}
		case est.Method == EstimateOwnMean:
			spend[i], source[i] = mon[i], SourceOwnMean
		default:
			s, err := gg.ConditionalExpectedSpend(freq[i], mon[i])
			if err != nil {
				return &CustomerError{ID: r.IDs[i], Err: fmt.Errorf("expected spend: %w", err)}
			}
			spend[i], source[i] = s, SourceGammaGamma
		}
	}
	popText := fmt.Sprintf("the population mean spend p·v/(q−1) = %.2f", est.PopulationMean)
	if est.Method == EstimateOwnMean {
		popText = fmt.Sprintf("the population average, %.2f,", est.PopulationMean)
	}
	if est.NonPositive > 0 {
		leftOut := "are left out of the Gamma-Gamma fit"
		if o.FrozenSpend != nil {
			leftOut = "get no Gamma-Gamma estimate"
		}
		r.Warnings = append(r.Warnings, fmt.Sprintf("%d customer(s) with repeat purchases whose mean value is ≤ 0 after returns (%s) %s; their expected_spend is %s, their own history ignored (spend_source %q)",
			est.NonPositive, namedIDs(est.NonPositiveIDs, est.NonPositive), leftOut, popText, SourcePopulationNonPositive))
	}
	if est.Method == EstimateOwnMean {
		pop := fmt.Sprintf("%.2f, the average value of a repeat purchase period over the %d repeat buyers with a positive mean (Σ frequency × monetary_value / Σ frequency)", est.PopulationMean, buyers)
		if buyers == 0 {
			pop = "0: no repeat buyer has a positive mean repeat spend"
		}
		r.Warnings = append(r.Warnings, fmt.Sprintf("the Gamma-Gamma spend model is not used: %s. expected_spend is each repeat buyer's own mean repeat spend (spend_source %q); one-time buyers (%q) and repeat buyers whose purchases net to ≤ 0 (%q) get %s. p_alive and expected_purchases come from the purchase model as usual",
			strings.TrimSuffix(est.Reason, "."), SourceOwnMean, SourcePopulation, SourcePopulationNonPositive, pop))
	}
	r.SpendEstimate = est

	unit, err := pred.perCustomer(func(pm model.PurchaseModel, rows []model.RFT) ([]float64, error) {
		return model.CLVRows(pm, rows, nil, o.CLV, nil)
	})
	if err != nil {
		return err
	}
	clv := make([]float64, n)
	for i := range clv {
		// unit already includes the margin; float64() keeps the product
		// from being fused with anything on arm64.
		clv[i] = float64(unit[i] * spend[i])
	}
	r.add(Column{Name: "expected_spend", Floats: spend})
	r.add(Column{Name: "clv", Floats: clv})
	r.spendSource = source
	return nil
}

// namedIDs lists ids (the first of total) for a message: "ids 7, 12" or
// "ids 7, 12, … and 40 more".
func namedIDs(ids []string, total int) string {
	s := "ids " + strings.Join(ids, ", ")
	if total > len(ids) {
		s += fmt.Sprintf(", … and %d more", total-len(ids))
	}
	return s
}

// CustomerError is an error about one customer's data, naming the
// customer. A front end that read the customers from a file one per line
// can add the file and line with errors.As.
type CustomerError struct {
	ID  string
	Err error
}

func (e *CustomerError) Error() string {
	return fmt.Sprintf("customer %s: %v", quote.Value(e.ID), e.Err)
}

// Unwrap returns the error about the customer.
func (e *CustomerError) Unwrap() error { return e.Err }

// BatchRowError is an error a Columner's Compute or a Segmenter's Segment
// may return about one customer of its batch: Row is the customer's index
// in the batch. Score names the customer by id in its place.
type BatchRowError struct {
	Row int
	Err error
}

func (e *BatchRowError) Error() string { return e.Err.Error() }

// Unwrap returns the error about the customer.
func (e *BatchRowError) Unwrap() error { return e.Err }

// userField is the output column a model.RowError's field stands for.
var userField = map[string]string{
	"X": "frequency", "TX": "recency", "T": "T", "N": "T",
	"Frequency": "frequency", "MeanSpend": "monetary_value", "Weight": "weight",
}

// rowError turns a *model.RowError in err into a *CustomerError naming the
// customer and the column: the row is a customer's position in output
// order, or, with index, a distinct row of the purchase model's data,
// named by the first customer that has it. Other errors come back as
// they are.
func (r *Result) rowError(err error, index []int) error {
	var re *model.RowError
	if !errors.As(err, &re) {
		return err
	}
	i := re.Row
	if index != nil {
		i = -1
		for k, j := range index {
			if j == re.Row {
				i = k
				break
			}
		}
	}
	if i < 0 || i >= len(r.IDs) {
		return err
	}
	field := userField[re.Field]
	if field == "" {
		field = re.Field
	}
	return &CustomerError{ID: r.IDs[i], Err: fmt.Errorf("%s %v: %s", field, re.Value, re.Rule)}
}

// batchIDs names a batch of customers by its first and last ids.
func (r *Result) batchIDs(lo, hi int) string {
	if hi-lo == 1 {
		return fmt.Sprintf("%q", r.IDs[lo])
	}
	return fmt.Sprintf("%q to %q", r.IDs[lo], r.IDs[hi-1])
}

// rfmValues returns the values RFM's M ranks in the given mode (see
// RFMAverageOrder, RFMRepeatMean, RFMTotal), or a *CustomerError for a
// value that is not a finite number.
func (r *Result) rfmValues(mode string, freq, mon, rev []float64) ([]float64, error) {
	out := make([]float64, len(freq))
	for i := range freq {
		switch mode {
		case RFMAverageOrder:
			out[i] = rev[i] / (freq[i] + 1)
		case RFMTotal:
			out[i] = rev[i]
		default:
			out[i] = mon[i]
		}
		if math.IsNaN(out[i]) || math.IsInf(out[i], 0) {
			return nil, &CustomerError{ID: r.IDs[i], Err: fmt.Errorf("RFM monetary value (%s) is %v: want a finite number", mode, out[i])}
		}
	}
	return out, nil
}
