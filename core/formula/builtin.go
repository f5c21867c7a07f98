package formula

// Builtin returns a new registry holding every built-in formula, grouped by
// family in this order: lifespan (aov_frequency_lifespan,
// aov_frequency_churn, margin_clv, revenue_years_cac), historic
// (historic_plus_remaining), retention
// (retention_a, retention_b, retention_c, retention_truncated) and
// subscription (subscription_ltv, cac_payback_months, ltv_cac_ratio,
// max_cac). Each call builds a fresh registry, so callers may Add custom
// formulas to it without affecting anyone else.
func Builtin() *Registry {
	r, err := NewRegistry(builtinFormulas()...)
	if err != nil {
		panic("formula: invalid built-in table: " + err.Error()) // a bug, caught by the tests
	}
	return r
}

func inputs(in ...Input) []Input { return in }

func builtinFormulas() []Formula {
	const (
		perPeriod    = "All rates and counts per the same period (a year or a month)."
		retentionVar = "Fader & Hardie, \"Reconciling and Clarifying CLV Formulas\" (http://brucehardie.com/notes/024/)"
	)
	return []Formula{
		{
			ID: IDAOVFrequencyLifespan, Name: "Customer value × lifespan", Family: "lifespan",
			Text: "AOV × frequency × lifespan", template: "{aov} × {frequency} × {lifespan}",
			Inputs: inputs(inAOV, inFrequency, inLifespan), Output: UnitMoney,
			Explanation: "Revenue a customer brings over their whole relationship: the value of an order, times orders per period, times how many periods they stay. Revenue, not profit; no discounting. " + perPeriod,
			Source:      "HubSpot, \"How to calculate customer lifetime value\"; Shopify-ecosystem guides",
			eval:        func(x []float64) (float64, error) { return AOVFrequencyLifespan(x[0], x[1], x[2]) },
		},
		{
			ID: IDAOVFrequencyChurn, Name: "Customer value ÷ churn", Family: "lifespan",
			Text: "AOV × frequency × (1 ÷ churn)", template: "{aov} × {frequency} × (1 ÷ {churn})",
			Inputs: inputs(inAOV, inFrequency, inChurn), Output: UnitMoney,
			Explanation: "As customer value × lifespan, with the lifespan estimated as 1 ÷ churn (20 % churn a year → 5 years). " + perPeriod,
			Source:      "HubSpot (lifespan ≈ 1 ÷ churn)",
			eval:        func(x []float64) (float64, error) { return AOVFrequencyChurn(x[0], x[1], x[2]) },
		},
		{
			ID: IDMarginCLV, Name: "Margin CLV", Family: "lifespan",
			Text: "AOV × frequency × lifespan × gross margin", template: "{aov} × {frequency} × {lifespan} × {gross_margin}",
			Inputs: inputs(inAOV, inFrequency, inLifespan, inGrossMargin), Output: UnitMoney,
			Explanation: "Gross profit a customer brings over their whole relationship: customer value × lifespan × gross margin. A negative margin gives a negative CLV. " + perPeriod,
			Source:      "HubSpot formula × gross margin (Omniconvert; churnmiser)",
			eval:        func(x []float64) (float64, error) { return MarginCLV(x[0], x[1], x[2], x[3]) },
		},
		{
			ID: IDRevenueYearsCAC, Name: "Revenue × years − CAC", Family: "lifespan",
			Text: "revenue per year × years − acquisition cost", template: "{revenue_per_year} × {years} − {acquisition_cost}",
			Inputs: inputs(inRevenuePerYear, inYears, inAcquisitionCost), Output: UnitMoney,
			Explanation: "Revenue over the relationship less what it cost to win the customer. Simple but crude: no margin, no retention, no discounting.",
			Source:      "Qualtrics, \"Customer lifetime value\" (criticised by Neil Bendle as too simple)",
			eval:        func(x []float64) (float64, error) { return RevenueYearsCAC(x[0], x[1], x[2]) },
		},
		{
			ID: IDHistoricPlusRemaining, Name: "Historic + remaining value", Family: "historic",
			Text:     "value to date + m × Σ_{t=1..max(0, L − τ)} 1 ÷ (1 + d)ᵗ",
			template: "{value_to_date} + {margin_per_period} × Σ[t=1..max(0, {lifespan} − {tenure})] 1 ÷ (1 + {discount})ᵗ",
			Inputs:   inputs(inValueToDate, inTenure, inExpectedLifespan, inMarginPerPeriod, inDiscount), Output: UnitMoney,
			Explanation: "An existing customer's value: what they have brought so far plus the margin still expected over the rest of their lifespan (expected lifespan − tenure so far), discounted. Use margin to date with a margin per period for a profit figure, or revenue for both for a revenue figure. " + perPeriod,
			Variant:     "value to date undiscounted; each remaining period's margin at the end of its period, the first one period from now",
			Source:      "Tresl Segments, \"Customer lifetime value\" (past sales + AOV × orders × max(0, average tenure − current tenure), https://www.tresl.co/blog/customer-lifetime-value); Klaviyo total CLV = historic + predicted",
			eval:        func(x []float64) (float64, error) { return HistoricPlusRemaining(x[0], x[1], x[2], x[3], x[4]) },
		},
		{
			ID: IDRetentionA, Name: "Retention CLV (a): future payments only", Family: "retention",
			Text: "m × r ÷ (1 + d − r)", template: "{margin_per_period} × {retention} ÷ (1 + {discount} − {retention})",
			Inputs: inputs(inMarginPerPeriod, inRetention, inDiscount), Output: UnitMoney,
			Explanation: "Present value of the margin still to come from a customer you already have, if a share r stays each period and money is discounted at d per period. " + perPeriod,
			Variant:     "(a) first payment not counted; each later payment at the end of its period",
			Source:      "Kotler & Keller; Capon; Lehmann & Winer; Farris et al., Marketing Metrics. Variants: " + retentionVar,
			eval:        func(x []float64) (float64, error) { return RetentionA(x[0], x[1], x[2]) },
		},
		{
			ID: IDRetentionB, Name: "Retention CLV (b): first payment now", Family: "retention",
			Text: "m × (1 + d) ÷ (1 + d − r)", template: "{margin_per_period} × (1 + {discount}) ÷ (1 + {discount} − {retention})",
			Inputs: inputs(inMarginPerPeriod, inRetention, inDiscount), Output: UnitMoney,
			Explanation: "Present value of all the margin a new customer brings, the first payment now, if a share r stays each period and money is discounted at d per period. Equals variant (c) × (1 + d). " + perPeriod,
			Variant:     "(b) first payment counted; every payment at the start of its period",
			Source:      "Blattberg et al.; Steenburgh & Avery, HBS 511-029. Variants: " + retentionVar,
			eval:        func(x []float64) (float64, error) { return RetentionB(x[0], x[1], x[2]) },
		},
		{
			ID: IDRetentionC, Name: "Retention CLV (c): first payment at period end", Family: "retention",
			Text: "m ÷ (1 + d − r)", template: "{margin_per_period} ÷ (1 + {discount} − {retention})",
			Inputs: inputs(inMarginPerPeriod, inRetention, inDiscount), Output: UnitMoney,
			Explanation: "Present value of all the margin a new customer brings, each payment at the end of its period, if a share r stays each period and money is discounted at d per period. " + perPeriod,
			Variant:     "(c) first payment counted; every payment at the end of its period",
			Source:      "Ofek; Davis. Variants: " + retentionVar,
			eval:        func(x []float64) (float64, error) { return RetentionC(x[0], x[1], x[2]) },
		},
		{
			ID: IDRetentionTruncated, Name: "Truncated CLV over H periods", Family: "retention",
			Text: "Σ_{t=0..H−1} m × rᵗ ÷ (1 + d)ᵗ", template: "Σ[t=0..{horizon}−1] {margin_per_period} × {retention}ᵗ ÷ (1 + {discount})ᵗ",
			Inputs: inputs(inMarginPerPeriod, inRetention, inDiscount, inHorizon), Output: UnitMoney,
			Explanation: "Present value of the margin a new customer brings over the next H periods only, the first payment now. Tends to variant (b) as H grows. " + perPeriod,
			Variant:     "first payment counted; every payment at the start of its period; H payments",
			Source:      "Fader & Hardie, \"What's Wrong With This CLV Formula?\" (2014); HBS CLV worksheet",
			eval:        func(x []float64) (float64, error) { return RetentionTruncated(x[0], x[1], x[2], x[3]) },
		},
		{
			ID: IDSubscriptionLTV, Name: "Subscription LTV", Family: "subscription",
			Text: "ARPA × gross margin ÷ churn", template: "{arpa} × {gross_margin} ÷ {churn}",
			Inputs: inputs(inARPA, inSubGrossMargin, inMonthlyChurn), Output: UnitMoney,
			Explanation: "Gross profit a subscriber brings before they cancel: monthly revenue per account × margin × expected months (1 ÷ monthly churn). Use gross margin 1 for a revenue LTV.",
			Source:      "ChartMogul, Baremetrics (revenue LTV = ARPA ÷ churn); Finmark (× gross margin)",
			eval:        func(x []float64) (float64, error) { return SubscriptionLTV(x[0], x[1], x[2]) },
		},
		{
			ID: IDCACPaybackMonths, Name: "CAC payback", Family: "subscription",
			Text: "CAC ÷ (ARPA × gross margin)", template: "{cac} ÷ ({arpa} × {gross_margin})",
			Inputs: inputs(inCAC, inARPA, inSubGrossMargin), Output: UnitMonths,
			Explanation: "Months of gross profit needed to earn back what it cost to win the customer. Under 12 months is usually considered healthy.",
			Source:      "Finmark, \"How Finmark calculates LTV, CAC and CAC payback\"",
			eval:        func(x []float64) (float64, error) { return CACPaybackMonths(x[0], x[1], x[2]) },
		},
		{
			ID: IDLTVCACRatio, Name: "LTV:CAC ratio", Family: "subscription",
			Text: "LTV ÷ CAC", template: "{ltv} ÷ {cac}",
			Inputs: inputs(inLTV, inCAC), Output: UnitRatio,
			Explanation: "How many times a customer's value covers their acquisition cost. Rule of thumb: at least 3; below 1 loses money; above 5 may mean under-investing in growth.",
			Source:      "ChartMogul; HubSpot; Omniconvert",
			eval:        func(x []float64) (float64, error) { return LTVCACRatio(x[0], x[1]) },
		},
		{
			ID: IDMaxCAC, Name: "Maximum CAC for a target ratio", Family: "subscription",
			Text: "LTV ÷ target ratio", template: "{ltv} ÷ {target_ratio}",
			Inputs: inputs(inLTV, inTargetRatio), Output: UnitMoney,
			Explanation: "The most you can spend to win a customer and still reach the target LTV:CAC ratio.",
			Source:      "ChartMogul; freeconvert CAC/LTV calculator",
			eval:        func(x []float64) (float64, error) { return MaxCAC(x[0], x[1]) },
		},
	}
}
