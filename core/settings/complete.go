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
	c := &s.Input.Columns
	// The text settings with a default (def "" for required ones and for
	// defaults that depend on other settings), in the order they are
	// checked.
	texts := []struct {
		key string
		p   *string
		def string
	}{
		{"input.kind", &s.Input.Kind, DefaultKind},
		{"input.returns", &s.Input.Returns, ""},
		{"input.amount_format", &s.Input.AmountFormat, summary.AutoFormat},
		{"input.missing_customer", &s.Input.MissingCustomer, DefaultMissingCustomer},
		{"input.date_format", &s.Input.DateFormat, score.DefaultDateFormat},
		{"input.columns.customer", &c.Customer, DefaultCustomerColumn},
		{"input.columns.date", &c.Date, ""},
		{"input.columns.frequency", &c.Frequency, ""},
		{"input.columns.recency", &c.Recency, ""},
		{"input.columns.T", &c.T, ""},
		{"input.columns.monetary_value", &c.Monetary, ""},
		{"time.grain", &s.Time.Grain, score.DefaultGrain},
		{"time.unit", &s.Time.Unit, score.DefaultUnit},
		{"time.calibration_end", &s.Time.CalibrationEnd, ""},
		{"time.observation_end", &s.Time.ObservationEnd, ""},
		{"model.purchase", &s.Model.Purchase, score.DefaultPurchase},
		{"model.spend", &s.Model.Spend, score.DefaultSpend},
		{"model.purchase_horizon", &s.Model.PurchaseHorizon, ""},
		{"rfm.monetary", &s.RFM.Monetary, score.DefaultRFMMonetary},
		{"segmentation.map", &s.Segmentation.Map, DefaultMap},
		{"segmentation.default", &s.Segmentation.Default, DefaultSegment},
		{"output.csv_formula_guard", &s.Output.CSVFormulaGuard, textenc.GuardLabels.String()},
	}
	for _, t := range texts {
		if *t.p == "" && given(t.key) {
			return &KeyError{Key: t.key, Msg: "empty: " + emptyHint(t.key, t.def)}
		}
	}
	for _, t := range texts {
		if t.def != "" && !given(t.key) {
			*t.p = t.def
		}
	}
	str := func(p *string, key, v string) {
		if !given(key) {
			*p = v
		}
	}
	switch s.Input.Kind {
	case KindTransactions:
		str(&c.Date, "input.columns.date", DefaultDateColumn)
	case KindSummary:
		str(&c.Frequency, "input.columns.frequency", "frequency")
		str(&c.Recency, "input.columns.recency", "recency")
		str(&c.T, "input.columns.T", "T")
		str(&c.Monetary, "input.columns.monetary_value", "monetary_value")
	}
	if !given("model.horizon_months") {
		s.Model.HorizonMonths = score.DefaultHorizonMonths
	}
	if !given("model.annual_discount_rate") {
		s.Model.AnnualDiscountRate = score.DefaultAnnualDiscountRate
	}
	if !given("model.margin") {
		s.Model.Margin = score.DefaultMargin
	}
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
	if !given("output.precision") {
		s.Output.Precision = score.DefaultPrecision
	}
	return nil
}

// emptyHint says what to do instead of giving key an empty value.
func emptyHint(key, def string) string {
	switch key {
	case "input.returns":
		def = summary.ReturnsNet.String()
	case "input.columns.date":
		def = DefaultDateColumn
	case "input.columns.frequency", "input.columns.recency", "input.columns.T":
		def = key[len("input.columns."):]
	case "input.columns.monetary_value":
		def = "monetary_value"
	case "time.calibration_end":
		return "omit the key for no holdout period"
	case "model.purchase_horizon":
		return "omit the key for no horizon column, or give a span such as \"39 week\""
	case "time.observation_end":
		return "give the last day of the data, YYYY-MM-DD"
	}
	hint := "omit the key for the default, " + strconv.Quote(def)
	if key == "model.spend" {
		hint += `, or "none"`
	}
	return hint
}
