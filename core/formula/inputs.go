package formula

import "math"

// The inputs of the built-in formulas. They are plain data, never modified;
// the registry hands out copies. Names are stable: they are the keys of
// clv eval NAME key=value, of the TOML config and of custom expressions.

var (
	nonNegative = Range{Min: 0, Max: math.Inf(1)}
	positive    = Range{Min: 0, Max: math.Inf(1), MinOpen: true}
	anyFinite   = Range{}
	unitClosed  = Range{Min: 0, Max: 1}
	churnRange  = Range{Min: 0, Max: 1, MinOpen: true}
	marginRange = Range{Min: math.Inf(-1), Max: 1}
)

var (
	inAOV = Input{
		Name: "aov", Label: "Average order value (AOV)", Unit: UnitMoney, Default: 100, Range: nonNegative,
		Description: "Average revenue of one order.",
		WhereToFind: "Revenue ÷ number of orders over the same period; shop analytics (Shopify: Reports › Average order value).",
	}
	inFrequency = Input{
		Name: "frequency", Label: "Purchase frequency", Unit: UnitCountPerPeriod, Default: 3, Range: nonNegative,
		Description: "Orders per customer per period (usually per year).",
		WhereToFind: "Number of orders ÷ number of unique customers over the same period.",
	}
	inLifespan = Input{
		Name: "lifespan", Label: "Customer lifespan", Unit: UnitPeriods, Default: 5, Range: nonNegative,
		Description: "How many periods a customer keeps buying, on average (same period as the frequency).",
		WhereToFind: "Average time between a customer's first and last order; or 1 ÷ churn rate per period.",
	}
	inChurn = Input{
		Name: "churn", Label: "Churn rate", Unit: UnitFractionPeriod, Default: 0.2, Range: churnRange,
		Description: "Share of customers lost per period, as a fraction (0.2 = 20 %). Expected lifespan is 1 ÷ churn.",
		WhereToFind: "Customers lost during the period ÷ customers at its start; or 1 − retention rate.",
	}
	inMonthlyChurn = Input{
		Name: "churn", Label: "Monthly customer churn", Unit: UnitFractionPeriod, Default: 0.03, Range: churnRange,
		Description: "Share of paying customers (accounts) lost per month, as a fraction (0.03 = 3 %). Must be monthly because ARPA is.",
		WhereToFind: "Subscription analytics (ChartMogul, Baremetrics, Stripe): customer churn rate, monthly; ChartMogul uses a 6-month trailing average.",
	}
	inGrossMargin = Input{
		Name: "gross_margin", Label: "Gross margin", Unit: UnitFraction, Default: 0.3, Range: marginRange,
		Description: "Share of revenue left after the cost of goods and of serving the customer, as a fraction (0.3 = 30 %). May be negative.",
		WhereToFind: "Income statement: (revenue − cost of goods sold) ÷ revenue.",
	}
	inRevenuePerYear = Input{
		Name: "revenue_per_year", Label: "Revenue per customer per year", Unit: UnitMoneyPerPeriod, Default: 300, Range: nonNegative,
		Description: "Average revenue one customer brings in a year.",
		WhereToFind: "Yearly revenue ÷ active customers that year; or AOV × orders per year.",
	}
	inYears = Input{
		Name: "years", Label: "Relationship length (years)", Unit: UnitPeriods, Default: 5, Range: nonNegative,
		Description: "How many years a customer stays, on average.",
		WhereToFind: "Average time between first and last order; or 1 ÷ yearly churn.",
	}
	inAcquisitionCost = Input{
		Name: "acquisition_cost", Label: "Acquisition cost (CAC)", Unit: UnitMoney, Default: 50, Range: nonNegative,
		Description: "What it costs to win one new customer.",
		WhereToFind: "Sales and marketing spend in a period ÷ new customers won in it.",
	}
	inMarginPerPeriod = Input{
		Name: "margin_per_period", Label: "Margin per period (m)", Unit: UnitMoneyPerPeriod, Default: 100, Range: anyFinite,
		Description: "Net cash (contribution margin) a customer brings per period while retained. May be negative.",
		WhereToFind: "Revenue per customer per period × gross margin, less the cost of serving the customer.",
	}
	inRetention = Input{
		Name: "retention", Label: "Retention rate (r)", Unit: UnitFractionPeriod, Default: 0.8, Range: unitClosed,
		Description: "Share of customers still active at the end of a period who were active at its start, as a fraction (0.8 = 80 %).",
		WhereToFind: "Cohort report: customers retained ÷ customers at the start of the period; or 1 − churn.",
	}
	inDiscount = Input{
		Name: "discount", Label: "Discount rate per period (d)", Unit: UnitFractionPeriod, Default: 0.1, Range: nonNegative,
		Description: "Cost of capital per period, as a fraction (0.1 = 10 %), used to value future cash less than cash now.",
		WhereToFind: "Finance team (WACC); 8–12 % a year is common, about 0.8 % a month.",
	}
	inHorizon = Input{
		Name: "horizon", Label: "Horizon (periods)", Unit: UnitPeriods, Default: 5, Range: nonNegative, Integer: true,
		Description: "How many periods to count, a whole number; the first payment is at the start of period 0.",
		WhereToFind: "Your planning horizon, e.g. 3 or 5 years; use the same period as r and d.",
	}
	inValueToDate = Input{
		Name: "value_to_date", Label: "Value to date", Unit: UnitMoney, Default: 250, Range: anyFinite,
		Description: "What the customer has brought so far: revenue, or margin for a profit figure (after refunds). May be negative.",
		WhereToFind: "Order history: the customer's total net sales to date (Klaviyo's Historic CLV), times the gross margin for a margin figure.",
	}
	inTenure = Input{
		Name: "tenure", Label: "Tenure so far", Unit: UnitPeriods, Default: 2, Range: nonNegative,
		Description: "How long the customer has been a customer, in periods (same period as the lifespan and the margin).",
		WhereToFind: "Time from the customer's first order to today.",
	}
	inExpectedLifespan = Input{
		Name: "lifespan", Label: "Expected lifespan", Unit: UnitPeriods, Default: 5, Range: nonNegative,
		Description: "How many periods a customer stays in total, on average; what remains is this minus the tenure so far (never below 0).",
		WhereToFind: "Average time between a customer's first and last order over customers who have left; or 1 ÷ churn rate per period.",
	}
	inARPA = Input{
		Name: "arpa", Label: "ARPA (monthly)", Unit: UnitMoneyPerMonth, Default: 50, Range: nonNegative,
		Description: "Average revenue per account per month (MRR ÷ paying customers).",
		WhereToFind: "Subscription analytics (ChartMogul, Baremetrics, Stripe): ARPA or ARPU, monthly.",
	}
	inSubGrossMargin = Input{
		Name: "gross_margin", Label: "Gross margin", Unit: UnitFraction, Default: 0.8, Range: marginRange,
		Description: "Share of subscription revenue left after hosting, support and payment costs, as a fraction (0.8 = 80 %). Use 1 for a revenue LTV. May be negative.",
		WhereToFind: "Income statement: (revenue − cost of revenue) ÷ revenue.",
	}
	inCAC = Input{
		Name: "cac", Label: "Customer acquisition cost (CAC)", Unit: UnitMoney, Default: 300, Range: nonNegative,
		Description: "Sales and marketing cost of winning one customer.",
		WhereToFind: "Sales and marketing spend in a period ÷ new customers won in it (say whether fully loaded or paid-only).",
	}
	inLTV = Input{
		Name: "ltv", Label: "Lifetime value (LTV)", Unit: UnitMoney, Default: 1200, Range: anyFinite,
		Description: "A customer's lifetime value, on the same basis (margin or revenue) as you want to judge the CAC against.",
		WhereToFind: "The result of one of the other formulas, e.g. subscription_ltv.",
	}
	inTargetRatio = Input{
		Name: "target_ratio", Label: "Target LTV:CAC", Unit: UnitRatio, Default: 3, Range: positive,
		Description: "The LTV:CAC ratio you aim for; 3 is the usual rule of thumb.",
		WhereToFind: "Company policy or investor benchmark (3:1 is common).",
	}
)
