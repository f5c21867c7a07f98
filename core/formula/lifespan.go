package formula

// Formula IDs of the customer-value × lifespan family.
const (
	IDAOVFrequencyLifespan = "aov_frequency_lifespan"
	IDAOVFrequencyChurn    = "aov_frequency_churn"
	IDMarginCLV            = "margin_clv"
	IDRevenueYearsCAC      = "revenue_years_cac"
)

// AOVFrequencyLifespan returns the revenue CLV
//
//	AOV × frequency × lifespan
//
// where frequency is orders per customer per period and lifespan is in the
// same periods (usually years). This is the HubSpot formula (customer value =
// AOV × purchase frequency; CLV = customer value × average lifespan), used by
// most free calculators. It is revenue, not profit: see MarginCLV.
//
// Special cases are:
//
//	any input negative or non-finite = 0 and an *InputError naming it
func AOVFrequencyLifespan(aov, frequency, lifespan float64) (float64, error) {
	id := IDAOVFrequencyLifespan
	for _, c := range [...]struct {
		in Input
		v  float64
	}{{inAOV, aov}, {inFrequency, frequency}, {inLifespan, lifespan}} {
		if err := c.in.check(id, c.v); err != nil {
			return 0, err
		}
	}
	return aov * frequency * lifespan, nil
}

// AOVFrequencyChurn returns the revenue CLV with the lifespan estimated as
// the mean of a geometric lifetime, 1 ÷ churn:
//
//	AOV × frequency × (1 / churn)
//
// with frequency and churn per the same period. Source: HubSpot's note that
// lifespan "is often estimated as 1 ÷ churn".
//
// Special cases are:
//
//	churn = 0               = ±Inf and an error wrapping ErrUnbounded
//	churn outside (0, 1]    = 0 and an *InputError naming churn
func AOVFrequencyChurn(aov, frequency, churn float64) (float64, error) {
	id := IDAOVFrequencyChurn
	if err := inAOV.check(id, aov); err != nil {
		return 0, err
	}
	if err := inFrequency.check(id, frequency); err != nil {
		return 0, err
	}
	if churn == 0 {
		return unbounded(id, "churn", churn, aov*frequency, "zero churn means customers never leave: the lifespan 1 ÷ churn is infinite")
	}
	if err := inChurn.check(id, churn); err != nil {
		return 0, err
	}
	return aov * frequency / churn, nil
}

// MarginCLV returns the profit CLV
//
//	AOV × frequency × lifespan × gross margin
//
// the HubSpot formula times gross margin, as recommended by Omniconvert
// ("then by gross margin for a profit figure"). gross margin is a fraction
// (0.3 = 30 %) and may be negative, which gives a negative CLV.
//
// Special cases are:
//
//	grossMargin < 0                    = a negative CLV, no error
//	grossMargin > 1 or non-finite      = 0 and an *InputError
func MarginCLV(aov, frequency, lifespan, grossMargin float64) (float64, error) {
	id := IDMarginCLV
	for _, c := range [...]struct {
		in Input
		v  float64
	}{{inAOV, aov}, {inFrequency, frequency}, {inLifespan, lifespan}, {inGrossMargin, grossMargin}} {
		if err := c.in.check(id, c.v); err != nil {
			return 0, err
		}
	}
	return aov * frequency * lifespan * grossMargin, nil
}

// RevenueYearsCAC returns
//
//	revenue per year × years − acquisition cost
//
// the Qualtrics formula. It has no retention and no margin (Neil Bendle calls
// it "too simple"); it is listed because users meet it. The result is
// negative when the acquisition cost exceeds the revenue.
func RevenueYearsCAC(revenuePerYear, years, acquisitionCost float64) (float64, error) {
	id := IDRevenueYearsCAC
	for _, c := range [...]struct {
		in Input
		v  float64
	}{{inRevenuePerYear, revenuePerYear}, {inYears, years}, {inAcquisitionCost, acquisitionCost}} {
		if err := c.in.check(id, c.v); err != nil {
			return 0, err
		}
	}
	return revenuePerYear*years - acquisitionCost, nil
}
