package formula

// Formula IDs of the subscription (SaaS) family.
const (
	IDSubscriptionLTV  = "subscription_ltv"
	IDCACPaybackMonths = "cac_payback_months"
	IDLTVCACRatio      = "ltv_cac_ratio"
	IDMaxCAC           = "max_cac"
)

// SubscriptionLTV returns the subscription lifetime value
//
//	ARPA × gross margin / churn
//
// with ARPA per month and churn per month (mixing monthly ARPA with yearly
// churn is the most common mistake). Use gross margin 1 for the revenue LTV
// that ChartMogul and Baremetrics report; Finmark uses the margin version.
//
// Special cases are:
//
//	churn = 0              = ±Inf and an error wrapping ErrUnbounded (ChartMogul
//	                         shows no LTV when churn is 0)
//	grossMargin < 0        = a negative LTV, no error
func SubscriptionLTV(arpa, grossMargin, churn float64) (float64, error) {
	id := IDSubscriptionLTV
	if err := inARPA.check(id, arpa); err != nil {
		return 0, err
	}
	if err := inSubGrossMargin.check(id, grossMargin); err != nil {
		return 0, err
	}
	if churn == 0 {
		return unbounded(id, "churn", churn, arpa*grossMargin, "zero churn means subscribers never leave: the lifetime 1 ÷ churn is infinite")
	}
	if err := inMonthlyChurn.check(id, churn); err != nil {
		return 0, err
	}
	return arpa * grossMargin / churn, nil
}

// CACPaybackMonths returns the months of gross-margin contribution needed to
// earn back the acquisition cost:
//
//	CAC / (ARPA × gross margin)
//
// with ARPA per month. Source: Finmark, "How Finmark calculates LTV, CAC and
// CAC payback".
//
// Special cases are:
//
//	CAC = 0                               = 0
//	ARPA × gross margin ≤ 0 and CAC > 0   = +Inf and an error wrapping
//	                                        ErrUnbounded (it never pays back)
func CACPaybackMonths(cac, arpa, grossMargin float64) (float64, error) {
	id := IDCACPaybackMonths
	for _, c := range [...]struct {
		in Input
		v  float64
	}{{inCAC, cac}, {inARPA, arpa}, {inSubGrossMargin, grossMargin}} {
		if err := c.in.check(id, c.v); err != nil {
			return 0, err
		}
	}
	if cac == 0 {
		return 0, nil
	}
	contribution := arpa * grossMargin
	if contribution <= 0 {
		input, value := "gross_margin", grossMargin
		if arpa == 0 {
			input, value = "arpa", arpa
		}
		return unbounded(id, input, value, cac,
			"the monthly contribution ARPA × gross margin is not positive: the CAC is never paid back")
	}
	return cac / contribution, nil
}

// LTVCACRatio returns LTV / CAC. The rule of thumb (ChartMogul, HubSpot,
// Omniconvert) is at least 3; below 1 each customer loses money; above 5 the
// business may be under-investing in acquisition. Compare like with like: a
// margin LTV with a fully loaded CAC.
//
// Special cases are:
//
//	CAC = 0     = ±Inf and an error wrapping ErrUnbounded (0 if LTV = 0)
//	LTV < 0     = a negative ratio, no error
func LTVCACRatio(ltv, cac float64) (float64, error) {
	id := IDLTVCACRatio
	if err := inLTV.check(id, ltv); err != nil {
		return 0, err
	}
	if err := inCAC.check(id, cac); err != nil {
		return 0, err
	}
	if cac == 0 {
		return unbounded(id, "cac", cac, ltv, "a CAC of 0 makes the ratio infinite")
	}
	return ltv / cac, nil
}

// MaxCAC returns the largest acquisition cost allowed for a target LTV:CAC
// ratio, LTV / target (ChartMogul; freeconvert's CAC calculator). A negative
// LTV gives a negative allowance: no CAC is affordable.
func MaxCAC(ltv, targetRatio float64) (float64, error) {
	id := IDMaxCAC
	if err := inLTV.check(id, ltv); err != nil {
		return 0, err
	}
	if err := inTargetRatio.check(id, targetRatio); err != nil {
		return 0, err
	}
	return ltv / targetRatio, nil
}
