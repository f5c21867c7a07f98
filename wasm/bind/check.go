package bind

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/clvkit/clvkit/core/formula"
)

// FieldError is a calculator field whose value the page cannot use, with
// the reason in the page's units: the page shows shares (gross margin,
// retention, churn, discount) as percents, so "must be between 0 and
// 100 %", never "[0, 1]".
type FieldError struct {
	// Field is the CalcInput JSON key, e.g. "retention".
	Field string `json:"field"`
	// Message says what to type, e.g. "Must be between 0 and 100 %.".
	Message string `json:"message"`
}

// calcField is one numeric calculator field: its CalcInput JSON key, the
// page's label, the registry input that gives its legal range, and whether
// the page shows it as a percent.
type calcField struct {
	key, label  string
	formula, in string // registry formula and input giving the range
	percent     bool
	value       func(*CalcInput) *float64
}

// calcFields are the calculator's numeric fields in the page's order (a
// table of plain data).
var calcFields = []calcField{
	{"aov", "Average order value", formula.IDMarginCLV, "aov", false, func(c *CalcInput) *float64 { return &c.AOV }},
	{"frequency", "Purchase frequency", formula.IDMarginCLV, "frequency", false, func(c *CalcInput) *float64 { return &c.Frequency }},
	{"lifespan", "Customer lifespan", formula.IDMarginCLV, "lifespan", false, func(c *CalcInput) *float64 { return &c.Lifespan }},
	{"churn", "Churn rate", formula.IDAOVFrequencyChurn, "churn", true, func(c *CalcInput) *float64 { return &c.Churn }},
	{"grossMargin", "Gross margin", formula.IDMarginCLV, "gross_margin", true, func(c *CalcInput) *float64 { return &c.GrossMargin }},
	{"retention", "Retention rate", formula.IDRetentionB, "retention", true, func(c *CalcInput) *float64 { return &c.Retention }},
	{"discount", "Discount rate", formula.IDRetentionB, "discount", true, func(c *CalcInput) *float64 { return &c.Discount }},
	{"cac", "Acquisition cost (CAC)", formula.IDCACPaybackMonths, "cac", false, func(c *CalcInput) *float64 { return &c.CAC }},
	{"arpa", "ARPA (monthly)", formula.IDCACPaybackMonths, "arpa", false, func(c *CalcInput) *float64 { return c.ARPA }},
	{"horizon", "Horizon", formula.IDRetentionTruncated, "horizon", false, func(c *CalcInput) *float64 { return &c.Horizon }},
	{"targetRatio", "Target LTV:CAC", formula.IDMaxCAC, "target_ratio", false, func(c *CalcInput) *float64 { return &c.TargetRatio }},
	{"valueToDate", "Value to date", formula.IDHistoricPlusRemaining, "value_to_date", false, func(c *CalcInput) *float64 { return &c.ValueToDate }},
	{"tenure", "Tenure so far", formula.IDHistoricPlusRemaining, "tenure", false, func(c *CalcInput) *float64 { return &c.Tenure }},
}

// registryInput returns the registry's description of a page field's input.
func (f calcField) registryInput() formula.Input {
	if fo, ok := formula.Builtin().Lookup(f.formula); ok {
		if in, ok := fo.Input(f.in); ok {
			return in
		}
	}
	return formula.Input{Name: f.in}
}

// Check returns the fields of in the page cannot use: the ones it could not
// read (in.Missing), and values outside the registry input's legal range
// or not whole where a whole number is needed. Lifespan is checked only in
// lifespan mode and churn only in churn mode; ARPA only when given. The
// result is never nil.
func (in CalcInput) Check() []FieldError {
	out := []FieldError{}
	missing := map[string]bool{}
	for _, k := range in.Missing {
		missing[k] = true
	}
	for _, f := range calcFields {
		if (f.key == "lifespan" && in.LifeMode == "churn") || (f.key == "churn" && in.LifeMode != "churn") {
			continue
		}
		if missing[f.key] {
			out = append(out, FieldError{f.key, "Enter a number."})
			continue
		}
		p := f.value(&in)
		if p == nil {
			continue // ARPA left empty: AOV × frequency ÷ 12
		}
		if msg := checkValue(f.registryInput(), *p, f.percent); msg != "" {
			out = append(out, FieldError{f.key, msg})
		}
	}
	return out
}

// checkValue is formula.Input.Check in the page's words: "" when v is a
// legal value of in, else what to type, with percents when percent is set
// (v is then still the fraction the core takes).
func checkValue(in formula.Input, v float64, percent bool) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "Enter a number."
	case !in.Range.Contains(v):
		return "Must be " + rangeText(in.Range, percent) + "."
	case in.Integer && v != math.Trunc(v):
		return "Must be a whole number."
	}
	return ""
}

// rangeText writes a range that is not the zero Range in words: "between
// 0 and 100 %", "0 % or more", "more than 0", "at most 100 %". With
// percent, the bounds are fractions written as percents.
func rangeText(r formula.Range, percent bool) string {
	pc, scale := "", 1.0
	if percent {
		pc, scale = " %", 100
	}
	lo := strconv.FormatFloat(r.Min*scale, 'g', -1, 64)
	hi := strconv.FormatFloat(r.Max*scale, 'g', -1, 64) + pc
	hasLo, hasHi := !math.IsInf(r.Min, -1), !math.IsInf(r.Max, 1)
	if hasLo && hasHi && !r.MinOpen && !r.MaxOpen {
		return "between " + lo + " and " + hi
	}
	lo += pc
	var parts []string
	switch {
	case hasLo && r.MinOpen:
		parts = append(parts, "more than "+lo)
	case hasLo && hasHi:
		parts = append(parts, "at least "+lo)
	case hasLo:
		return lo + " or more"
	}
	switch {
	case hasHi && r.MaxOpen:
		parts = append(parts, "less than "+hi)
	case hasHi:
		parts = append(parts, "at most "+hi)
	}
	return strings.Join(parts, " and ")
}

// inputSources says which page fields each formula input (or custom
// expression name) takes its value from; "life" is lifespan or churn,
// whichever the user gives, and "arpa" the ARPA field when given, else
// AOV and frequency.
var inputSources = []struct{ name, fields string }{
	{"aov", "aov"}, {"frequency", "frequency"}, {"retention", "retention"}, {"discount", "discount"},
	{"horizon", "horizon"}, {"cac", "cac"}, {"acquisition_cost", "cac"}, {"gross_margin", "grossMargin"},
	{"target_ratio", "targetRatio"}, {"revenue_per_year", "aov frequency"},
	{"margin_per_period", "aov frequency grossMargin"}, {"margin_per_year", "aov frequency grossMargin"},
	{"lifespan", "life"}, {"years", "life"}, {"churn", "life"}, {"ltv", "aov frequency life grossMargin"}, {"arpa", "arpa"},
	{"value_to_date", "valueToDate"}, {"tenure", "tenure"},
}

// inputFields returns the page fields a formula input (or a custom
// expression name) takes its value from, given in's life mode and ARPA.
func inputFields(in *CalcInput, name string) []string {
	for _, src := range inputSources {
		if src.name != name {
			continue
		}
		var out []string
		for _, k := range strings.Fields(src.fields) {
			switch {
			case k == "life" && in.LifeMode == "churn":
				k = "churn"
			case k == "life":
				k = "lifespan"
			case k == "arpa" && in.ARPA == nil:
				out = append(out, "aov")
				k = "frequency"
			}
			out = append(out, k)
		}
		return out
	}
	return nil
}

// blocked returns the labels of the invalid fields (bad, by key) that the
// named inputs take their values from, in the page's field order, or ""
// when none is invalid.
func blocked(in *CalcInput, names []string, bad map[string]bool) string {
	if len(bad) == 0 {
		return ""
	}
	used := map[string]bool{}
	for _, n := range names {
		for _, k := range inputFields(in, n) {
			used[k] = true
		}
	}
	var labels []string
	for _, f := range calcFields {
		if used[f.key] && bad[f.key] {
			labels = append(labels, f.label)
		}
	}
	if len(labels) == 0 {
		return ""
	}
	return "Needs a valid " + strings.Join(labels, ", ") + " (see the field above)."
}

// invalidate sets the fields in fields to NaN, so that nothing computed
// from them looks like a result, and returns them by key.
func (in *CalcInput) invalidate(fields []FieldError) map[string]bool {
	bad := map[string]bool{}
	for _, fe := range fields {
		bad[fe.Field] = true
	}
	for _, f := range calcFields {
		if p := f.value(in); bad[f.key] && p != nil {
			*p = math.NaN()
		}
	}
	return bad
}

// pageError is a formula's error in the page's words: an input out of
// range (a value derived from the fields, such as the churn 1 ÷ lifespan)
// is named by its label, with percents for shares; other errors, such as
// an unbounded value, are the core's.
func pageError(f formula.Formula, b []Bound, err error) string {
	var ie *formula.InputError
	if !errors.As(err, &ie) || errors.Is(err, formula.ErrUnbounded) {
		return err.Error()
	}
	in, ok := f.Input(ie.Input)
	if !ok {
		return err.Error()
	}
	percent := isPercent(in.Unit)
	v := ie.Value
	if percent {
		v *= 100
	}
	what := in.Label
	for _, x := range b {
		if x.Name == ie.Input && !strings.HasPrefix(x.From, "your ") {
			what += " (" + x.From + ")"
		}
	}
	val := strconv.FormatFloat(v, 'g', 6, 64)
	if percent {
		val += " %"
	}
	msg := checkValue(in, ie.Value, percent)
	if msg == "" || msg == "Enter a number." {
		return what + " is not a number here."
	}
	return what + " is " + val + ": " + strings.ToLower(msg[:1]) + msg[1:]
}

// isPercent reports whether the page shows inputs of unit u as percents:
// shares and rates (gross margin, retention, churn, discount).
func isPercent(u formula.Unit) bool {
	return u == formula.UnitFraction || u == formula.UnitFractionPeriod
}

// percentText rewrites a registry description for a field the page shows
// as a percent: "as a fraction (0.2 = 20 %)" becomes "in percent (20 for
// 20 %)", and "1 ÷ churn" becomes "100 ÷ churn in %", so that no hint on
// the page asks for a fraction.
func percentText(s string) string {
	const frac = "as a fraction ("
	if i := strings.Index(s, frac); i >= 0 {
		if j := strings.IndexByte(s[i:], ')'); j > 0 {
			inner := s[i+len(frac) : i+j] // "0.2 = 20 %"
			if _, pc, ok := strings.Cut(inner, " = "); ok {
				n := strings.TrimSuffix(pc, " %")
				s = s[:i] + "in percent (" + n + " for " + pc + ")" + s[i+j+1:]
			}
		}
	}
	if a, b, ok := strings.Cut(s, "1 ÷ churn"); ok {
		s = a + "100 ÷ churn in %" + b
	}
	return s
}
