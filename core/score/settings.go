package score

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/core/segment"
	"github.com/clvkit/clvkit/core/summary"
)

// Defaults of the scoring settings shared by the front ends: the clv
// binary's clv.toml (host/internal/config) and the page's settings
// (wasm/bind) use them for a setting the user left out, and for nothing
// else. A value the user gives, zero included, is used as given or
// rejected; it is never replaced by a default.
const (
	DefaultGrain      = "day"        // purchase period
	DefaultUnit       = "week"       // unit of recency, T and the rates
	DefaultDateFormat = "YYYY-MM-DD" // date format of the transaction log
	DefaultPurchase   = BGNBD        // purchase model
	DefaultSpend      = SpendGammaGamma
	// DefaultHorizonMonths is the CLV horizon in months.
	DefaultHorizonMonths = 12
	// DefaultAnnualDiscountRate is no discounting.
	DefaultAnnualDiscountRate = 0.0
	// DefaultMargin is 1: CLV in revenue.
	DefaultMargin = 1.0
	// DefaultPrecision is the decimals of every float output column.
	DefaultPrecision = 6
	// DefaultTierColumn is the column value tiers are cut from when the
	// spend model runs (expected_purchases otherwise).
	DefaultTierColumn = "clv"
	// DefaultRFMMonetary is the value RFM's M ranks: the average value per
	// purchase period, the first included.
	DefaultRFMMonetary = RFMAverageOrder
)

// RFM monetary modes (Options.RFMMonetary, clv.toml's rfm.monetary, the
// page's rfmMonetary): the value per customer that RFM's M score ranks.
// Values are after the returns rule; a purchase period is the BTYD
// "order" (all orders of a customer in one grain period count once).
const (
	// RFMAverageOrder is the average value per purchase period over all the
	// customer's purchase periods, the first included: Revenue /
	// (Frequency + 1), the marketers' "average order value". One-time
	// buyers are ranked by their first purchase.
	RFMAverageOrder = "average_order"
	// RFMRepeatMean is monetary_value, the mean value of the repeat
	// purchase periods (the first excluded, 0 for one-time buyers): the
	// Gamma-Gamma model's input, and the only one a summary input has.
	RFMRepeatMean = "repeat_mean"
	// RFMTotal is the total value of all purchase periods (Revenue).
	RFMTotal = "total"
)

// RFMMonetaryModes lists the RFM monetary modes, the default first.
func RFMMonetaryModes() []string { return []string{RFMAverageOrder, RFMRepeatMean, RFMTotal} }

// CheckRFMMonetary checks an RFM monetary mode as a user gives it.
func CheckRFMMonetary(mode string) error {
	if !slices.Contains(RFMMonetaryModes(), mode) {
		return fmt.Errorf("%q is not one of %s", mode, strings.Join(RFMMonetaryModes(), ", "))
	}
	return nil
}

// Spend model names of the front ends' settings: SpendGammaGamma sets
// Options.Spend, SpendNone leaves it off.
const (
	SpendGammaGamma = "gammagamma"
	SpendNone       = "none"
)

// Bounds of the settings front ends accept.
const (
	MaxHorizonMonths      = 1200 // 100 years
	MaxAnnualDiscountRate = 10   // 1000 % a year: beyond, a percent was given as a fraction
	MaxPrecision          = 17   // decimals that still tell float64 values apart
)

// CheckHorizonMonths checks a CLV horizon as a user gives it: 1 to
// MaxHorizonMonths months. The front ends name their key in the error.
func CheckHorizonMonths(months int) error {
	if months < 1 || months > MaxHorizonMonths {
		return fmt.Errorf("%d is out of range 1..%d", months, MaxHorizonMonths)
	}
	return nil
}

// CheckAnnualDiscountRate checks an annual discount rate as a user gives
// it: a fraction in [0, MaxAnnualDiscountRate).
func CheckAnnualDiscountRate(rate float64) error {
	if !(rate >= 0 && rate < MaxAnnualDiscountRate) {
		return fmt.Errorf("%v is out of range [0, %d): a fraction such as 0.1 for 10%% a year", rate, MaxAnnualDiscountRate)
	}
	return nil
}

// CheckMargin checks a margin as a user gives it: a fraction in [0, 1].
func CheckMargin(margin float64) error {
	if !(margin >= 0 && margin <= 1) {
		return fmt.Errorf("%v is out of range [0, 1]: the fraction of revenue that is profit, such as 0.3 (1 for CLV in revenue)", margin)
	}
	return nil
}

// CheckPenalty checks an L2 penalty: zero or positive and finite.
func CheckPenalty(penalty float64) error {
	if !(penalty >= 0) || math.IsInf(penalty, 1) {
		return fmt.Errorf("%v: must be zero or positive and finite", penalty)
	}
	return nil
}

// CheckPrecision checks the decimals of float output: 0 to MaxPrecision.
func CheckPrecision(decimals int) error {
	if decimals < 0 || decimals > MaxPrecision {
		return fmt.Errorf("%d is out of range 0..%d", decimals, MaxPrecision)
	}
	return nil
}

// ParsePurchaseHorizon parses a purchase horizon as a user gives it (clv.toml's
// model.purchase_horizon, the page's purchaseHorizon): a span such as
// "39 week", "90 day" or "6 month" in summary.ParseSpan's grammar. There
// is no default: left out, there is no PurchaseHorizonColumn.
func ParsePurchaseHorizon(s string) (summary.Span, error) { return summary.ParseSpan(s) }

// DefaultTiers returns the front ends' default value tiers,
// segment.DefaultTiers (Top 1%, Top 10%, Top 50% and Bottom 50%): one
// definition for the binary, the page and Score itself.
func DefaultTiers() segment.Tiers { return segment.DefaultTiers() }

// ReservedColumns returns the names of the columns Score itself writes, and
// of the id column every front end writes first: customer_id, frequency,
// recency, T, monetary_value, p_alive, expected_purchases, expected_spend,
// clv, historic_plus_clv (Options.HistoricValue), r, f, m, rfm, segment,
// tier, spend_source and explanation (Options.Explain). A formula or
// plugin column may not take one of these names, whether or not the run
// writes that column (clv, expected_spend and spend_source need the spend
// model, tier needs a tier column), so that a config means the same with
// any model.
func ReservedColumns() []string {
	return []string{"customer_id", "frequency", "recency", "T", "monetary_value", "p_alive",
		"expected_purchases", "expected_spend", "clv", HistoricValueColumn, "r", "f", "m", "rfm", "segment", "tier", "spend_source", ExplanationColumn}
}

// CheckColumnName reports whether name is free for an extra column: not
// empty and not one of ReservedColumns.
func CheckColumnName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty column name")
	case slices.Contains(ReservedColumns(), name):
		return fmt.Errorf("column %q is a built-in column (built-in: %v); choose another name", name, ReservedColumns())
	}
	return nil
}

// checkColumnNames checks, before any fitting, that no extra column takes a
// built-in column's name or another extra column's.
func checkColumnNames(cols []Columner) error {
	seen := map[string]bool{}
	for _, c := range cols {
		for _, name := range c.Outputs() {
			if err := CheckColumnName(name); err != nil {
				return err
			}
			if seen[name] {
				return fmt.Errorf("column %q is computed twice", name)
			}
			seen[name] = true
		}
	}
	return nil
}
