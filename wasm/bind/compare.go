package bind

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/clvkit/clvkit/core/compare"
	"github.com/clvkit/clvkit/core/detect"
	"github.com/clvkit/clvkit/core/summary"
)

// Comparison is the page's holdout comparison: core/compare's Report with
// the JSON keys of clv compare --json (numbers at full precision, NaN as
// null), so the page and the binary can be checked against each other.
type Comparison struct {
	Customers            int                  `json:"customers"`
	Unit                 string               `json:"unit"`
	HoldoutLength        Num                  `json:"holdout_length"`
	Discrete             bool                 `json:"discrete"`
	ActualHoldout        int                  `json:"actual_holdout"`
	CustomersWithHoldout int                  `json:"customers_with_holdout"`
	CalibrationEnd       string               `json:"calibration_end"`
	ObservationEnd       string               `json:"observation_end"`
	Best                 *ComparisonChoice    `json:"best,omitempty"`
	Tracking             *ComparisonTracking  `json:"tracking,omitempty"`
	Models               []ComparisonModel    `json:"models"`
	GammaGamma           *ComparisonSpendTest `json:"gammagamma,omitempty"`
}

// ComparisonChoice is the model purchase = "auto" picks (compare.Choose:
// the highest holdout log-likelihood) and its lead over the runner-up.
type ComparisonChoice struct {
	Model     string `json:"model"`
	Criterion string `json:"criterion"`
	Value     Num    `json:"value"`
	RunnerUp  string `json:"runner_up"`
	Margin    Num    `json:"margin"`
}

// ComparisonTracking is the actual repeat purchases per tracking period.
type ComparisonTracking struct {
	PeriodDays         int   `json:"period_days"`
	CalibrationPeriods int   `json:"calibration_periods"`
	Incremental        []int `json:"incremental"`
	Cumulative         []int `json:"cumulative"`
}

// ComparisonModel is one model's fit and holdout test; Error is set (and
// nothing else) when it could not be fitted.
type ComparisonModel struct {
	Model                    string             `json:"model"`
	Error                    string             `json:"error,omitempty"`
	Params                   map[string]Num     `json:"params,omitempty"`
	StdErrors                map[string]Num     `json:"std_errors,omitempty"`
	Converged                bool               `json:"converged"`
	PredictedHoldout         Num                `json:"predicted_holdout"`
	ErrorPercent             Num                `json:"error_percent"`
	MAE                      Num                `json:"mae"`
	RMSE                     Num                `json:"rmse"`
	Correlation              Num                `json:"correlation"`
	HoldoutLogLikelihood     Num                `json:"holdout_log_likelihood"`
	CalibrationLogLikelihood Num                `json:"calibration_log_likelihood"`
	AIC                      Num                `json:"aic"`
	BIC                      Num                `json:"bic"`
	ConditionalExpectations  []ComparisonBucket `json:"conditional_expectations"`
	Tracking                 []ComparisonPoint  `json:"tracking"`
	AliveDeciles             []ComparisonDecile `json:"alive_deciles"`
}

// ComparisonBucket is one calibration frequency bucket (0..7+): mean
// holdout purchases per customer, actual and predicted.
type ComparisonBucket struct {
	Frequency string `json:"frequency"`
	Customers int    `json:"customers"`
	Actual    Num    `json:"actual"`
	Predicted Num    `json:"predicted"`
}

// ComparisonPoint is one tracking period, actual against predicted.
type ComparisonPoint struct {
	Period              int `json:"period"`
	Actual              Num `json:"actual"`
	Predicted           Num `json:"predicted"`
	CumulativeActual    Num `json:"cumulative_actual"`
	CumulativePredicted Num `json:"cumulative_predicted"`
}

// ComparisonDecile is one tenth of the customers by P(alive).
type ComparisonDecile struct {
	Decile          int `json:"decile"`
	Customers       int `json:"customers"`
	MeanPAlive      Num `json:"mean_p_alive"`
	PredictedActive Num `json:"predicted_active"`
	ActualActive    Num `json:"actual_active"`
}

// ComparisonSpendTest is Gamma-Gamma's expected spend against the holdout
// spend of the customers who bought in the holdout.
type ComparisonSpendTest struct {
	Error              string         `json:"error,omitempty"`
	Params             map[string]Num `json:"params,omitempty"`
	HoldoutCustomers   int            `json:"holdout_customers"`
	PredictedMeanSpend Num            `json:"predicted_mean_spend"`
	ActualMeanSpend    Num            `json:"actual_mean_spend"`
	ErrorPercent       Num            `json:"error_percent"`
	MAE                Num            `json:"mae"`
}

// Compare splits the loaded file at calibrationEnd (YYYY-MM-DD, before the
// settings' observation end; "" for the settings' calibrationEnd), fits every applicable purchase model (and
// Gamma-Gamma with the spend model on) on the calibration period and tests
// them on the holdout with core/compare, as clv compare does for a
// clv.toml with the same settings and time.calibration_end.
func (s *Session) Compare(st Settings, calibrationEnd string) (*Comparison, error) {
	if s.data == nil {
		return nil, errors.New("no file loaded")
	}
	so, o, err := st.options()
	if err != nil {
		return nil, err
	}
	if calibrationEnd == "" {
		calibrationEnd = st.Time.CalibrationEnd
	}
	if calibrationEnd == "" {
		return nil, errors.New("calibration end is required: the last day of the calibration period (YYYY-MM-DD), before the observation end")
	}
	if so.CalibrationEnd, err = time.Parse(time.DateOnly, calibrationEnd); err != nil {
		return nil, fmt.Errorf("calibration end %q: want YYYY-MM-DD", calibrationEnd)
	}
	if !so.CalibrationEnd.Before(so.ObservationEnd) {
		return nil, fmt.Errorf("calibration end %s is not before the observation end %s: the holdout period lies between them", calibrationEnd, so.ObservationEnd.Format(time.DateOnly))
	}
	b, err := s.read(&st, so)
	if err != nil {
		return nil, err
	}
	sum, err := b.Summary()
	if err != nil {
		return nil, err
	}
	if len(sum.Customers) == 0 {
		return nil, fmt.Errorf("no customers with a purchase on or before the calibration end %s", calibrationEnd)
	}
	tr, err := b.Tracking(compare.TrackingPeriodDays(sum.Unit))
	if err != nil {
		return nil, err
	}
	rep, err := compare.Compare(compare.Input{Summary: sum, Tracking: &tr, Fit: o.Fit, Spend: o.Spend})
	if err != nil {
		return nil, err
	}
	return comparison(rep, calibrationEnd, so.ObservationEnd.Format(time.DateOnly)), nil
}

// read summarizes the loaded file into a Builder with the settings' CSV
// options, as Score reads it.
func (s *Session) read(st *Settings, so summary.Options) (*summary.Builder, error) {
	copt, err := s.csvOptions(st)
	if err != nil {
		return nil, err
	}
	b, err := summary.NewBuilder(so)
	if err != nil {
		return nil, err
	}
	if err := summary.ReadCSV(bytes.NewReader(s.data), copt, b); err != nil {
		return nil, err
	}
	return b, nil
}

// csvOptions completes st's delimiter and header from the loaded file's
// inspection where they are not given, resolves "auto" date and amount
// formats from the file's first lines, and returns the options the file is
// read with: one reading for Score and Compare.
func (s *Session) csvOptions(st *Settings) (summary.CSVOptions, error) {
	if st.Delimiter == "" {
		st.Delimiter = s.ins.Delimiter
	}
	header := s.ins.Header
	if st.Header != nil {
		header = *st.Header
	} else {
		st.Header = &header
	}
	if st.DateFormat == summary.AutoFormat || st.AmountFormat == summary.AutoFormat {
		t := s.ins.table
		if t == nil || t.Delimiter != st.Delimiter || t.Header != header {
			var err error
			if t, err = detect.ReadSample(bytes.NewReader(s.data), detect.Options{Delimiter: st.Delimiter, Header: &header}); err != nil {
				return summary.CSVOptions{}, err
			}
		}
		var err error
		if st.DateFormat, st.AmountFormat, err = t.ResolveFormats(st.Columns.Date, st.DateFormat, st.Columns.Amount, st.AmountFormat); err != nil {
			return summary.CSVOptions{}, err
		}
	}
	cols := summary.Columns{Customer: st.Input.Columns.Customer, Date: st.Input.Columns.Date, Amount: st.Input.Columns.Amount}
	copt := summary.CSVOptions{Columns: cols, Header: header, DateFormat: st.DateFormat, AmountFormat: st.AmountFormat,
		Rules: summary.RowRules{Where: st.Where, Amount: st.AmountExpr, IsReturn: st.IsReturn}}
	switch st.Delimiter {
	case "whitespace":
		copt.Whitespace = true
	case ",", ";", "\t", "|":
		copt.Delimiter = []rune(st.Delimiter)[0]
	default:
		return summary.CSVOptions{}, fmt.Errorf("delimiter %q: want , ; tab | or whitespace", st.Delimiter)
	}
	return copt, nil
}

// comparison converts compare's report to the page's JSON.
func comparison(rep *compare.Report, calEnd, obsEnd string) *Comparison {
	out := &Comparison{Customers: rep.Customers, Unit: rep.Unit, HoldoutLength: Num(rep.HoldoutLength), Discrete: rep.Discrete,
		ActualHoldout: rep.ActualHoldout, CustomersWithHoldout: rep.CustomersWithHoldout, CalibrationEnd: calEnd, ObservationEnd: obsEnd,
		Models: []ComparisonModel{}}
	if c := rep.Choice; c.Model != "" {
		out.Best = &ComparisonChoice{Model: c.Model, Criterion: c.Criterion, Value: Num(c.Value), RunnerUp: c.RunnerUp, Margin: Num(c.Margin)}
	}
	if at := rep.Tracking; at != nil {
		out.Tracking = &ComparisonTracking{PeriodDays: at.PeriodDays, CalibrationPeriods: at.CalibrationPeriods, Incremental: at.Incremental, Cumulative: at.Cumulative}
	}
	for _, m := range rep.Models {
		if m.Err != "" {
			out.Models = append(out.Models, ComparisonModel{Model: m.Name, Error: m.Err})
			continue
		}
		cm := ComparisonModel{Model: m.Name, Params: map[string]Num{}, StdErrors: map[string]Num{}, Converged: m.Converged,
			PredictedHoldout: Num(m.PredictedHoldout), ErrorPercent: Num(m.ErrorPercent), MAE: Num(m.MAE), RMSE: Num(m.RMSE),
			Correlation: Num(m.Correlation), HoldoutLogLikelihood: Num(m.HoldoutLogLikelihood),
			CalibrationLogLikelihood: Num(m.CalibrationLogLikelihood), AIC: Num(m.AIC), BIC: Num(m.BIC),
			ConditionalExpectations: []ComparisonBucket{}, Tracking: []ComparisonPoint{}, AliveDeciles: []ComparisonDecile{}}
		for i, n := range m.ParamNames {
			cm.Params[n], cm.StdErrors[n] = Num(m.Params[i]), Num(m.StdErrors[i])
		}
		for _, g := range m.ConditionalExpectations {
			f := strconv.Itoa(g.Frequency)
			if g.Open {
				f += "+"
			}
			cm.ConditionalExpectations = append(cm.ConditionalExpectations, ComparisonBucket{Frequency: f, Customers: int(g.Customers), Actual: Num(g.Actual), Predicted: Num(g.Predicted)})
		}
		for _, p := range m.Tracking {
			cm.Tracking = append(cm.Tracking, ComparisonPoint{Period: p.Period, Actual: Num(p.Actual), Predicted: Num(p.Predicted),
				CumulativeActual: Num(p.CumulativeActual), CumulativePredicted: Num(p.CumulativePredicted)})
		}
		for _, d := range m.Alive {
			cm.AliveDeciles = append(cm.AliveDeciles, ComparisonDecile{Decile: d.Decile, Customers: d.Customers, MeanPAlive: Num(d.MeanPAlive),
				PredictedActive: Num(d.PredictedActive), ActualActive: Num(d.ActualActive)})
		}
		out.Models = append(out.Models, cm)
	}
	if sp := rep.Spend; sp != nil {
		if sp.Err != "" {
			out.GammaGamma = &ComparisonSpendTest{Error: sp.Err}
		} else {
			out.GammaGamma = &ComparisonSpendTest{Params: map[string]Num{"p": Num(sp.P), "q": Num(sp.Q), "v": Num(sp.V)}, HoldoutCustomers: sp.Customers,
				PredictedMeanSpend: Num(sp.Predicted), ActualMeanSpend: Num(sp.Actual), ErrorPercent: Num(sp.ErrorPercent), MAE: Num(sp.MAE)}
		}
	}
	return out
}
