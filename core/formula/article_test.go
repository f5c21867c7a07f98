package formula

import (
	"math"
	"testing"
)

// A widely copied web article gives
//
//	CLV = (AOV × Purchase Frequency) / (CAC + 1 − Retention/100) × Lifetime
//
// and reports $150 for AOV $100, 3 purchases a year, 5 years, CAC $50 and
// retention 70 %. The formula adds a currency amount (CAC) to a pure number
// (1 − 0.7), so it has no meaning, and its own arithmetic does not give $150:
// 300 / (50 + 1 − 0.7) × 5 = 300 / 50.3 × 5 ≈ 29.82. clvkit does not ship it.
//
// TestArticleExample shows what the real formulas give for the article's
// numbers, each with the assumptions it needs. All periods are years.
func TestArticleExample(t *testing.T) {
	const (
		aov       = 100.0 // $ per order
		frequency = 3.0   // orders per year
		years     = 5.0   // lifespan in years, as the article states
		cac       = 50.0  // $ to acquire a customer
		retention = 0.70  // per year, as a fraction (the article's 70 %)
		// Assumptions the article does not give:
		grossMargin = 0.30 // 30 % gross margin
		discount    = 0.10 // 10 % a year cost of capital
	)
	margin := aov * frequency * grossMargin // m = 300 × 0.3 = $90 gross profit a year

	for _, tt := range []struct {
		name string
		got  func() (float64, error)
		want float64
	}{
		// Revenue over the stated 5 years: 100 × 3 × 5 = $1,500.
		{"aov_frequency_lifespan", func() (float64, error) { return AOVFrequencyLifespan(aov, frequency, years) }, 1500},
		// Lifespan from the retention instead: churn 0.3 → 1/0.3 = 3.33 years,
		// 300 / 0.3 = $1,000. (70 % retention and a 5-year lifespan are not
		// consistent: 5 years needs 80 % retention.)
		{"aov_frequency_churn", func() (float64, error) { return AOVFrequencyChurn(aov, frequency, 1-retention) }, 1000},
		// Gross profit over 5 years: 1500 × 0.3 = $450.
		{"margin_clv", func() (float64, error) { return MarginCLV(aov, frequency, years, grossMargin) }, 450},
		// Qualtrics: 300 × 5 − 50 = $1,450 (revenue, so it flatters).
		{"revenue_years_cac", func() (float64, error) { return RevenueYearsCAC(aov*frequency, years, cac) }, 1450},
		// Margin LTV minus CAC: 450 − 50 = $400 net of acquisition.
		{"margin_clv - cac", func() (float64, error) {
			v, err := MarginCLV(aov, frequency, years, grossMargin)
			return v - cac, err
		}, 400},
		// Retention/discount with m = $90, r = 0.7, d = 0.1; 1 + d − r = 0.4:
		// (a) 90 × 0.7 / 0.4 = 63 / 0.4 = $157.50 (future years only)
		{"retention_a", func() (float64, error) { return RetentionA(margin, retention, discount) }, 157.5},
		// (b) 90 × 1.1 / 0.4 = 99 / 0.4 = $247.50 (first year now)
		{"retention_b", func() (float64, error) { return RetentionB(margin, retention, discount) }, 247.5},
		// (c) 90 / 0.4 = $225 (first year at its end)
		{"retention_c", func() (float64, error) { return RetentionC(margin, retention, discount) }, 225},
		// Truncated to 5 years: q = 0.7/1.1 = 0.636364;
		// 90 × (1 + 0.636364 + 0.404959 + 0.257701 + 0.163991) = 90 × 2.463015 = $221.67
		{"retention_truncated", func() (float64, error) { return RetentionTruncated(margin, retention, discount, years) }, 221.671333925},
		// LTV:CAC on the (b) figure: 247.5 / 50 = 4.95.
		{"ltv_cac_ratio", func() (float64, error) { return LTVCACRatio(247.5, cac) }, 4.95},
	} {
		got, err := tt.got()
		if err != nil || math.Abs(got-tt.want) > 1e-6 {
			t.Errorf("%s = %.6f, %v; want %.6f", tt.name, got, err, tt.want)
		}
	}

	// The article's own expression, evaluated as written, is not $150.
	article := aov * frequency / (cac + 1 - retention) * years // 300 / 50.3 × 5
	if math.Abs(article-29.821) > 1e-3 {
		t.Errorf("the article's expression = %.4f; the hand calculation says 29.821", article)
	}
	// And no registered formula reproduces it.
	for _, f := range Builtin().All() {
		if f.ID == "article" || f.Text == "(AOV × Purchase Frequency) / (CAC + 1 − Retention/100) × Lifetime" {
			t.Errorf("%s: the article's formula must not be shipped", f.ID)
		}
	}
}
