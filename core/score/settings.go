package score

import (
	"fmt"
	"slices"

	"github.com/clvkit/clvkit/core/segment"
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
)

// Spend model names of the front ends' settings: SpendGammaGamma sets
// Options.Spend, SpendNone leaves it off.
const (
	SpendGammaGamma = "gammagamma"
	SpendNone       = "none"
)

// DefaultTiers returns the front ends' default value tiers: Top 1%, Top
// 10%, Top 50% and Bottom 50%.
func DefaultTiers() segment.Tiers {
	return segment.Tiers{
		Cutoffs: []float64{0.01, 0.10, 0.50},
		Labels:  []string{"Top 1%", "Top 10%", "Top 50%", "Bottom 50%"},
	}
}

// ReservedColumns returns the names of the columns Score itself writes, and
// of the id column every front end writes first: customer_id, frequency,
// recency, T, monetary_value, p_alive, expected_purchases, expected_spend,
// clv, r, f, m, rfm, segment and tier. A formula or plugin column may not
// take one of these names, whether or not the run writes that column (clv
// and expected_spend need the spend model, tier needs a tier column), so
// that a config means the same with any model.
func ReservedColumns() []string {
	return []string{"customer_id", "frequency", "recency", "T", "monetary_value", "p_alive",
		"expected_purchases", "expected_spend", "clv", "r", "f", "m", "rfm", "segment", "tier"}
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
