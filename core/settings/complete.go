package settings

import (
	"strconv"

	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/internal/textenc"
)

// Defaults of the settings that core/score does not define.
const (
	DefaultKind            = KindTransactions
	DefaultCustomerColumn  = "customer_id"
	DefaultDateColumn      = "date"
	DefaultMissingCustomer = "error"
	DefaultMap             = MapDefault
	DefaultSegment         = "Other" // segment of a customer no rule matches
)

// Complete rejects an empty string given for a key that has a default (or
// is required), then fills in the default of every key that given reports
// left out, and only of those: a value given, zero or empty included, is
// kept for Validate to accept or reject. given nil means nothing was given.
// The errors are *KeyError under TOML keys.
func (s *Settings) Complete(given Given) error {
	if given == nil {
		given = func(string) bool { return false }
	}
	omit := func(def string) string { return "omit the key for the default, " + strconv.Quote(def) }
	for _, k := range []struct {
		key, v, hint string
	}{
		{"input.kind", s.Input.Kind, omit(DefaultKind)},
		{"input.returns", s.Input.Returns, omit(summary.ReturnsNet.String())},
		{"input.amount_format", s.Input.AmountFormat, omit(summary.AutoFormat)},
		{"input.missing_customer", s.Input.MissingCustomer, omit(DefaultMissingCustomer)},
		{"input.date_format", s.Input.DateFormat, omit(score.DefaultDateFormat)},
		{"input.columns.customer", s.Input.Columns.Customer, omit(DefaultCustomerColumn)},
		{"input.columns.date", s.Input.Columns.Date, omit(DefaultDateColumn)},
		{"input.columns.frequency", s.Input.Columns.Frequency, omit("frequency")},
		{"input.columns.recency", s.Input.Columns.Recency, omit("recency")},
		{"input.columns.T", s.Input.Columns.T, omit("T")},
		{"input.columns.monetary_value", s.Input.Columns.Monetary, omit("monetary_value")},
		{"time.grain", s.Time.Grain, omit(score.DefaultGrain)},
		{"time.unit", s.Time.Unit, omit(score.DefaultUnit)},
		{"time.calibration_end", s.Time.CalibrationEnd, "omit the key for no holdout period"},
		{"time.observation_end", s.Time.ObservationEnd, "give the last day of the data, YYYY-MM-DD"},
		{"model.purchase", s.Model.Purchase, omit(score.DefaultPurchase)},
		{"model.spend", s.Model.Spend, omit(score.DefaultSpend) + `, or "none"`},
		{"rfm.monetary", s.RFM.Monetary, omit(score.DefaultRFMMonetary)},
		{"segmentation.map", s.Segmentation.Map, omit(DefaultMap)},
		{"segmentation.default", s.Segmentation.Default, omit(DefaultSegment)},
		{"output.csv_formula_guard", s.Output.CSVFormulaGuard, omit(textenc.GuardLabels.String())},
	} {
		if k.v == "" && given(k.key) {
			return &KeyError{Key: k.key, Msg: "empty: " + k.hint}
		}
	}
	str := func(p *string, key, v string) {
		if !given(key) {
			*p = v
		}
	}
	def := func(key string, set func()) {
		if !given(key) {
			set()
		}
	}
	str(&s.Input.Kind, "input.kind", DefaultKind)
	str(&s.Input.DateFormat, "input.date_format", score.DefaultDateFormat)
	str(&s.Input.AmountFormat, "input.amount_format", summary.AutoFormat)
	str(&s.Input.MissingCustomer, "input.missing_customer", DefaultMissingCustomer)
	str(&s.Input.Columns.Customer, "input.columns.customer", DefaultCustomerColumn)
	switch s.Input.Kind {
	case KindTransactions:
		str(&s.Input.Columns.Date, "input.columns.date", DefaultDateColumn)
	case KindSummary:
		str(&s.Input.Columns.Frequency, "input.columns.frequency", "frequency")
		str(&s.Input.Columns.Recency, "input.columns.recency", "recency")
		str(&s.Input.Columns.T, "input.columns.T", "T")
		str(&s.Input.Columns.Monetary, "input.columns.monetary_value", "monetary_value")
	}
	str(&s.Time.Grain, "time.grain", score.DefaultGrain)
	str(&s.Time.Unit, "time.unit", score.DefaultUnit)
	str(&s.Model.Purchase, "model.purchase", score.DefaultPurchase)
	str(&s.Model.Spend, "model.spend", score.DefaultSpend)
	def("model.horizon_months", func() { s.Model.HorizonMonths = score.DefaultHorizonMonths })
	def("model.annual_discount_rate", func() { s.Model.AnnualDiscountRate = score.DefaultAnnualDiscountRate })
	def("model.margin", func() { s.Model.Margin = score.DefaultMargin })
	str(&s.RFM.Monetary, "rfm.monetary", score.DefaultRFMMonetary)
	str(&s.Segmentation.Map, "segmentation.map", DefaultMap)
	str(&s.Segmentation.Default, "segmentation.default", DefaultSegment)
	// Tiers: each key left out takes its default (the column is clv, or
	// expected_purchases without the spend model); the default labels go
	// with the default cutoffs only. column = "" turns tiers off.
	if s.Model.Spend == score.SpendNone {
		str(&s.Tiers.Column, "tiers.column", "expected_purchases")
	} else {
		str(&s.Tiers.Column, "tiers.column", score.DefaultTierColumn)
	}
	if !given("tiers.cutoffs") {
		d := score.DefaultTiers()
		s.Tiers.Cutoffs = d.Cutoffs
		if !given("tiers.labels") {
			s.Tiers.Labels = d.Labels
		}
	}
	def("output.precision", func() { s.Output.Precision = score.DefaultPrecision })
	str(&s.Output.CSVFormulaGuard, "output.csv_formula_guard", textenc.GuardLabels.String())
	return nil
}
