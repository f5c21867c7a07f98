package formula

import (
	"math"
	"strconv"
)

// Unit names what a number measures. Every rate is per the formula's stated
// period (a month or a year, the same for all of a formula's inputs); the
// registry says which period a formula expects where it matters.
//
// Shares (margin, retention, churn, discount) are fractions: 0.7 means 70 %.
// The core never takes percents; a front end that shows percents divides by
// 100 before calling it.
type Unit string

// The units used by the built-in formulas.
const (
	UnitMoney          Unit = "money"           // an amount of currency, e.g. an order value or a CLV
	UnitMoneyPerPeriod Unit = "money/period"    // currency per period, e.g. margin per year
	UnitMoneyPerMonth  Unit = "money/month"     // currency per month, e.g. ARPA (monthly by definition)
	UnitCountPerPeriod Unit = "count/period"    // events per period, e.g. purchases per year
	UnitPeriods        Unit = "periods"         // a duration counted in periods, e.g. a lifespan in years
	UnitMonths         Unit = "months"          // a duration in months
	UnitFraction       Unit = "fraction"        // a share in [0, 1] unless stated: 0.3 is 30 %
	UnitFractionPeriod Unit = "fraction/period" // a per-period rate as a fraction: churn, retention, discount
	UnitRatio          Unit = "ratio"           // a dimensionless ratio, e.g. LTV:CAC = 3
	UnitNumber         Unit = "number"          // a plain number with no stated unit (custom inputs)
)

// IsMoney reports whether u is an amount of currency (per period or not), so a
// renderer can print it with a currency symbol.
func (u Unit) IsMoney() bool {
	return u == UnitMoney || u == UnitMoneyPerPeriod || u == UnitMoneyPerMonth
}

// Range is the set of legal values of an input: from Min to Max, each end
// included unless MinOpen or MaxOpen is set. Use ±math.Inf for an open side.
// The zero Range accepts every finite value. Non-finite values (NaN, ±Inf)
// are never legal inputs.
type Range struct {
	Min, Max         float64
	MinOpen, MaxOpen bool
}

// IsZero reports whether r is the zero Range, which accepts any finite value.
func (r Range) IsZero() bool { return r == Range{} }

// Contains reports whether v is finite and inside r.
func (r Range) Contains(v float64) bool {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return false
	}
	if r.IsZero() {
		return true
	}
	if v < r.Min || (r.MinOpen && v == r.Min) {
		return false
	}
	if v > r.Max || (r.MaxOpen && v == r.Max) {
		return false
	}
	return true
}

// String writes r in interval notation, e.g. "(0, 1]" or "[0, ∞)"; the zero
// Range is "any finite number".
func (r Range) String() string {
	if r.IsZero() {
		return "any finite number"
	}
	lo, hi := "[", "]"
	if r.MinOpen || math.IsInf(r.Min, -1) {
		lo = "("
	}
	if r.MaxOpen || math.IsInf(r.Max, 1) {
		hi = ")"
	}
	return lo + boundString(r.Min) + ", " + boundString(r.Max) + hi
}

func boundString(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "−∞"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// Input describes one named input of a formula.
type Input struct {
	// Name is the stable snake_case key used in maps, on the command line
	// (clv eval NAME key=value), in the TOML config and in expressions.
	Name string
	// Label is a short human name, e.g. "Average order value (AOV)".
	Label string
	// Unit is what the number measures; see Unit for the conventions.
	Unit Unit
	// Default is a plausible example value, used to pre-fill forms.
	Default float64
	// Range is the set of legal values. A value outside it is an *InputError.
	Range Range
	// Integer requires a whole number (e.g. a horizon in periods).
	Integer bool
	// Description says in plain language what the input is.
	Description string
	// WhereToFind says where a marketer finds the number (report, formula).
	WhereToFind string
}

// Check returns an *InputError (with an empty Formula) if v is not a legal
// value of in: non-finite, outside in.Range, or fractional when in.Integer.
func (in Input) Check(v float64) error {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return &InputError{Input: in.Name, Value: v, Reason: "must be a finite number"}
	case !in.Range.Contains(v):
		reason := "must be in " + in.Range.String()
		if in.IsShare() && v > 1 && v <= 100 {
			// 80 for 80 %: say what the number should have been.
			reason += "; it is a fraction: " + strconv.FormatFloat(v/100, 'g', -1, 64) + " means " + strconv.FormatFloat(v, 'g', -1, 64) + " %"
		}
		return &InputError{Input: in.Name, Value: v, Reason: reason}
	case in.Integer && v != math.Trunc(v):
		return &InputError{Input: in.Name, Value: v, Reason: "must be a whole number"}
	}
	return nil
}

// IsShare reports whether in is a share that is at most 1 (a margin, a
// retention or churn rate): a fraction, where 0.8 means 80 %. Front ends
// that accept percents ("80%") accept them for these inputs.
func (in Input) IsShare() bool {
	return (in.Unit == UnitFraction || in.Unit == UnitFractionPeriod) && in.Range.Max == 1
}

// check is Check with the formula's ID filled in.
func (in Input) check(formulaID string, v float64) error {
	err := in.Check(v)
	if err != nil {
		err.(*InputError).Formula = formulaID
	}
	return err
}
