package bind

import (
	"errors"
	"math"
	"sort"
	"strconv"

	"github.com/clvkit/clvkit/core/formula"
)

// FormulaInfo is one registry formula as the page shows it.
type FormulaInfo struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Family      string      `json:"family"`
	Text        string      `json:"text"`
	Output      string      `json:"output"`
	Explanation string      `json:"explanation"`
	Variant     string      `json:"variant,omitempty"`
	Source      string      `json:"source"`
	Inputs      []InputInfo `json:"inputs"`
}

// InputInfo is one formula input: its unit, default and where a marketer
// finds the number.
type InputInfo struct {
	Name    string  `json:"name"`
	Label   string  `json:"label"`
	Unit    string  `json:"unit"`
	Default float64 `json:"default"`
	Range   string  `json:"range"`
	Integer bool    `json:"integer,omitempty"`
	// Percent is set for shares and rates, which the page shows as
	// percents; Description then speaks of percents too.
	Percent     bool   `json:"percent,omitempty"`
	Description string `json:"description"`
	WhereToFind string `json:"whereToFind"`
}

// Formulas returns core/formula's built-in registry in registration order,
// as the page shows it: descriptions of shares and rates speak of percents
// (see InputInfo.Percent).
func Formulas() []FormulaInfo {
	var out []FormulaInfo
	for _, f := range formula.Builtin().All() {
		fi := FormulaInfo{ID: f.ID, Name: f.Name, Family: f.Family, Text: f.Text, Output: string(f.Output),
			Explanation: f.Explanation, Variant: f.Variant, Source: f.Source}
		for _, in := range f.Inputs {
			desc := in.Description
			if isPercent(in.Unit) {
				desc = percentText(desc)
			}
			fi.Inputs = append(fi.Inputs, InputInfo{Name: in.Name, Label: in.Label, Unit: string(in.Unit),
				Default: in.Default, Range: in.Range.String(), Integer: in.Integer, Percent: isPercent(in.Unit),
				Description: desc, WhereToFind: in.WhereToFind})
		}
		out = append(out, fi)
	}
	return out
}

// CalcInput is the calculator's state. Rates and counts are per year
// except ARPA (per month, as subscription tools report it); shares are
// fractions.
type CalcInput struct {
	Currency string `json:"currency"` // symbol for money, e.g. "$"
	// AOV is the average order value (money).
	AOV float64 `json:"aov"`
	// Frequency is orders per customer per year.
	Frequency float64 `json:"frequency"`
	// LifeMode says which of Lifespan (years), Churn (per year) or
	// Retention (per year) the user gave; the other two are derived from it
	// (churn = 1 ÷ lifespan, retention = 1 − churn; see derive), so every
	// formula and chart uses one consistent customer life. The two fields
	// not named by LifeMode are ignored.
	LifeMode string  `json:"lifeMode"` // "lifespan" (default), "churn" or "retention"
	Lifespan float64 `json:"lifespan"`
	Churn    float64 `json:"churn"`
	// GrossMargin is a fraction of revenue.
	GrossMargin float64 `json:"grossMargin"`
	// Retention is the share of customers kept from one year to the next.
	Retention float64 `json:"retention"`
	// Discount is the yearly discount rate.
	Discount float64 `json:"discount"`
	// CAC is the acquisition cost per new customer (money).
	CAC float64 `json:"cac"`
	// ARPA is revenue per customer per month; nil means AOV × frequency ÷ 12.
	ARPA *float64 `json:"arpa"`
	// Horizon is the truncated CLV's horizon in years (whole number).
	Horizon float64 `json:"horizon"`
	// TargetRatio is the LTV:CAC target behind the largest affordable CAC.
	TargetRatio float64 `json:"targetRatio"`
	// ValueToDate is what an existing customer has brought so far (money),
	// for historic_plus_remaining.
	ValueToDate float64 `json:"valueToDate"`
	// Tenure is how long that customer has been one, in years.
	Tenure float64 `json:"tenure"`
	// Custom is an expression in core/formula's language over Names.
	Custom string `json:"custom"`
	// Tornado is the formula whose sensitivity is charted (default retention_b).
	Tornado string `json:"tornado"`
	// Missing lists the fields (JSON keys) the page could not read, empty
	// or not a number: they are invalid, whatever their value here.
	Missing []string `json:"missing,omitempty"`
	// Grouping and DecimalMark are the reader's thousands separator and
	// decimal mark for the numbers written into the formulas ("," and "."
	// when empty); the page takes them from Intl.NumberFormat.
	Grouping    string `json:"grouping"`
	DecimalMark string `json:"decimalMark"`
}

// DefaultInput is the calculator's starting state: the registry defaults
// (AOV 100, 3 orders a year, 5 years, 30 % margin, 80 % retention, 10 %
// discount, CAC 50, 3:1 target, value to date 250 over a tenure of 2
// years).
func DefaultInput() CalcInput {
	return CalcInput{Currency: "$", AOV: 100, Frequency: 3, LifeMode: "lifespan", Lifespan: 5, Churn: 0.2,
		GrossMargin: 0.3, Retention: 0.8, Discount: 0.1, CAC: 50, Horizon: 5, TargetRatio: 3, ValueToDate: 250, Tenure: 2,
		Custom: "aov * frequency * lifespan * gross_margin - cac", Tornado: formula.IDRetentionB}
}

// Names are the names a custom expression may use, in slot order.
var Names = []string{"aov", "frequency", "lifespan", "churn", "gross_margin", "retention", "discount",
	"cac", "arpa", "horizon", "target_ratio", "revenue_per_year", "margin_per_year", "value_to_date", "tenure"}

// Derived are the numbers the page computes from the inputs before the
// formulas see them.
type Derived struct {
	Lifespan       float64 `json:"lifespan"`       // years
	Churn          float64 `json:"churn"`          // per year
	Retention      float64 `json:"retention"`      // per year, 1 − churn
	MonthlyChurn   float64 `json:"monthlyChurn"`   // 1 − (1 − churn)^(1/12)
	RevenuePerYear float64 `json:"revenuePerYear"` // AOV × frequency
	MarginPerYear  float64 `json:"marginPerYear"`  // AOV × frequency × gross margin
	ARPA           float64 `json:"arpa"`           // per month
	ARPADerived    bool    `json:"arpaDerived"`    // ARPA is AOV × frequency ÷ 12
}

// MarshalJSON writes d with non-finite values made safe (see Num).
func (d Derived) MarshalJSON() ([]byte, error) {
	return EncodeJSON(struct {
		Lifespan       Num  `json:"lifespan"`
		Churn          Num  `json:"churn"`
		Retention      Num  `json:"retention"`
		MonthlyChurn   Num  `json:"monthlyChurn"`
		RevenuePerYear Num  `json:"revenuePerYear"`
		MarginPerYear  Num  `json:"marginPerYear"`
		ARPA           Num  `json:"arpa"`
		ARPADerived    bool `json:"arpaDerived"`
	}{Num(d.Lifespan), Num(d.Churn), Num(d.Retention), Num(d.MonthlyChurn), Num(d.RevenuePerYear), Num(d.MarginPerYear), Num(d.ARPA), d.ARPADerived})
}

// Result is one formula evaluated for the calculator.
type Result struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Family      string  `json:"family"`
	Text        string  `json:"text"`
	Output      string  `json:"output"`
	Explanation string  `json:"explanation"`
	Variant     string  `json:"variant,omitempty"`
	Source      string  `json:"source"`
	Value       Num     `json:"value"`           // NaN-free; ±Inf shown as ∞
	Rendered    string  `json:"rendered"`        // the formula with the numbers, "100 × 3 × 5 = 1500"
	Error       string  `json:"error,omitempty"` // why there is no value
	Unbounded   bool    `json:"unbounded,omitempty"`
	Inputs      []Bound `json:"inputs"`
}

// Bound is the value a formula input received and where it came from.
type Bound struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Unit  string `json:"unit"`
	Value Num    `json:"value"`
	From  string `json:"from"` // the page input or derivation, e.g. "AOV × frequency"
}

// Headline is the summary box: margin CLV against CAC.
type Headline struct {
	CLV           Num    `json:"clv"`        // margin CLV, AOV × frequency × lifespan × gross margin
	RevenueCLV    Num    `json:"revenueClv"` // AOV × frequency × lifespan
	LTVCAC        Num    `json:"ltvCac"`
	PaybackMonths Num    `json:"paybackMonths"`
	MaxCAC        Num    `json:"maxCac"`
	Verdict       string `json:"verdict"`
	Level         string `json:"level"` // "bad", "warn", "good", "high"
	// Errors says, by card ("clv", "ltvCac", "paybackMonths", "maxCac"),
	// why a card has no value: an invalid field it needs, or the
	// formula's error. Its value is then NaN, never a stale number.
	Errors map[string]string `json:"errors,omitempty"`
}

// Journey is the cumulative discounted margin per customer, month by month,
// against CAC.
type Journey struct {
	Months     []Num `json:"months"`
	Cumulative []Num `json:"cumulative"`
	CAC        Num   `json:"cac"`
	// BreakEvenMonth is the first month whose cumulative margin reaches CAC,
	// −1 if none within the chart.
	BreakEvenMonth int `json:"breakEvenMonth"`
	// Error names the invalid fields the chart needs ("" when none).
	Error string `json:"error,omitempty"`
}

// Survival is the share of a cohort still buying after t months,
// retention^(t/12).
type Survival struct {
	Months []Num `json:"months"`
	Alive  []Num `json:"alive"`
	// Error names the invalid field the chart needs ("" when none).
	Error string `json:"error,omitempty"`
}

// Bar is one input's sensitivity: the formula's value with the input moved
// by −20 %, −10 %, +10 % and +20 % (NaN where the moved value is illegal,
// sent as null).
type Bar struct {
	Input string  `json:"input"`
	Label string  `json:"label"`
	Base  Num     `json:"base"`
	Moves [4]*Num `json:"moves"` // −20 %, −10 %, +10 %, +20 %
	Swing Num     `json:"swing"` // |value(+10 %) − value(−10 %)| ÷ |base|, for sorting
}

// Tornado is the sensitivity chart of one formula.
type Tornado struct {
	Formula string `json:"formula"`
	Name    string `json:"name"`
	Base    Num    `json:"base"`
	Bars    []Bar  `json:"bars"` // never null: empty when Error is set
	// Error says why there are no bars: an unknown formula, or the
	// formula has no value for these inputs.
	Error string `json:"error,omitempty"`
}

// CustomResult is the custom expression's value or its error with the
// column to put the cursor on.
type CustomResult struct {
	OK       bool   `json:"ok"`
	Value    Num    `json:"value"`
	Rendered string `json:"rendered,omitempty"`
	// Unit is "money" when the result is an amount of money (see isMoney),
	// else "number": the page shows a currency symbol only with money.
	Unit   string `json:"unit,omitempty"`
	Error  string `json:"error,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// Calculation is everything the calculator shows for one state.
type Calculation struct {
	Derived  Derived      `json:"derived"`
	Formulas []Result     `json:"formulas"`
	Headline Headline     `json:"headline"`
	Journey  Journey      `json:"journey"`
	Survival Survival     `json:"survival"`
	Tornado  Tornado      `json:"tornado"`
	Custom   CustomResult `json:"custom"`
	// Fields are the inputs the page cannot use, each with a message in
	// the page's units to show beside it (see CalcInput.Check); never null.
	Fields []FieldError `json:"fields"`
}

// pageInput is one calculator field a formula input can be bound to.
type pageInput struct {
	name, label string
	get         func(*CalcInput) float64
	set         func(*CalcInput, float64)
}

var pageInputs = []pageInput{
	{"aov", "Average order value", func(c *CalcInput) float64 { return c.AOV }, func(c *CalcInput, v float64) { c.AOV = v }},
	{"frequency", "Purchase frequency", func(c *CalcInput) float64 { return c.Frequency }, func(c *CalcInput, v float64) { c.Frequency = v }},
	{"lifespan", "Customer lifespan", func(c *CalcInput) float64 { return c.Lifespan }, func(c *CalcInput, v float64) { c.Lifespan = v }},
	{"churn", "Churn rate", func(c *CalcInput) float64 { return c.Churn }, func(c *CalcInput, v float64) { c.Churn = v }},
	{"gross_margin", "Gross margin", func(c *CalcInput) float64 { return c.GrossMargin }, func(c *CalcInput, v float64) { c.GrossMargin = v }},
	{"retention", "Retention rate", func(c *CalcInput) float64 { return c.Retention }, func(c *CalcInput, v float64) { c.Retention = v }},
	{"discount", "Discount rate", func(c *CalcInput) float64 { return c.Discount }, func(c *CalcInput, v float64) { c.Discount = v }},
	{"cac", "Acquisition cost (CAC)", func(c *CalcInput) float64 { return c.CAC }, func(c *CalcInput, v float64) { c.CAC = v }},
	{"arpa", "ARPA (monthly)", func(c *CalcInput) float64 { return derive(*c).ARPA }, func(c *CalcInput, v float64) { c.ARPA = &v }},
	{"value_to_date", "Value to date", func(c *CalcInput) float64 { return c.ValueToDate }, func(c *CalcInput, v float64) { c.ValueToDate = v }},
	{"tenure", "Tenure so far", func(c *CalcInput) float64 { return c.Tenure }, func(c *CalcInput, v float64) { c.Tenure = v }},
}

// derive fills in the two of lifespan, churn and retention the user did
// not give, and the per-year revenue and margin. One customer life feeds
// every formula: churn = 1 ÷ lifespan (a lifespan of a year or less is
// churn 1), retention = 1 − churn, so lifespan = 1 ÷ (1 − retention), the
// mean of the geometric lifetime that retention r a year gives.
func derive(in CalcInput) Derived {
	d := Derived{RevenuePerYear: in.AOV * in.Frequency}
	d.MarginPerYear = d.RevenuePerYear * in.GrossMargin
	switch in.LifeMode {
	case "churn", "retention":
		d.Churn = in.Churn
		if in.LifeMode == "retention" {
			d.Churn = 1 - in.Retention
		}
		d.Lifespan = 0
		if d.Churn > 0 {
			d.Lifespan = 1 / d.Churn
		} else {
			d.Lifespan = math.Inf(1)
		}
	default:
		d.Lifespan = in.Lifespan
		d.Churn = 1
		if in.Lifespan > 1 {
			d.Churn = 1 / in.Lifespan
		} else if in.Lifespan <= 0 {
			d.Churn = math.NaN()
		}
	}
	d.Retention = 1 - d.Churn
	d.MonthlyChurn = 1 - math.Pow(1-d.Churn, 1.0/12)
	if in.ARPA != nil {
		d.ARPA = *in.ARPA
	} else {
		d.ARPA, d.ARPADerived = d.RevenuePerYear/12, true
	}
	return d
}

// binding says where each formula input's value comes from.
func binding(in CalcInput, d Derived, marginCLV float64) map[string]Bound {
	lifeFrom, churnFrom, retFrom := "your lifespan", "1 ÷ lifespan", "1 − 1 ÷ lifespan"
	switch in.LifeMode {
	case "churn":
		lifeFrom, churnFrom, retFrom = "1 ÷ churn", "your churn rate", "1 − churn"
	case "retention":
		lifeFrom, churnFrom, retFrom = "1 ÷ (1 − retention)", "1 − retention", "your retention rate"
	}
	arpaFrom := "your ARPA"
	if d.ARPADerived {
		arpaFrom = "AOV × frequency ÷ 12"
	}
	return map[string]Bound{
		"aov":               {Value: Num(in.AOV), From: "your AOV"},
		"frequency":         {Value: Num(in.Frequency), From: "your orders per year"},
		"lifespan":          {Value: Num(d.Lifespan), From: lifeFrom},
		"churn":             {Value: Num(d.Churn), From: churnFrom},
		"gross_margin":      {Value: Num(in.GrossMargin), From: "your gross margin"},
		"revenue_per_year":  {Value: Num(d.RevenuePerYear), From: "AOV × frequency"},
		"years":             {Value: Num(d.Lifespan), From: lifeFrom},
		"acquisition_cost":  {Value: Num(in.CAC), From: "your CAC"},
		"margin_per_period": {Value: Num(d.MarginPerYear), From: "AOV × frequency × gross margin, per year"},
		"retention":         {Value: Num(d.Retention), From: retFrom},
		"discount":          {Value: Num(in.Discount), From: "your discount rate"},
		"horizon":           {Value: Num(in.Horizon), From: "your horizon (years)"},
		"arpa":              {Value: Num(d.ARPA), From: arpaFrom},
		"cac":               {Value: Num(in.CAC), From: "your CAC"},
		"ltv":               {Value: Num(marginCLV), From: "margin CLV"},
		"target_ratio":      {Value: Num(in.TargetRatio), From: "your target LTV:CAC"},
		"value_to_date":     {Value: Num(in.ValueToDate), From: "your value to date"},
		"tenure":            {Value: Num(in.Tenure), From: "your tenure so far (years)"},
	}
}

// subscriptionChurn: the subscription formula is monthly, so it gets the
// monthly equivalent of the yearly churn.
func bindingFor(f formula.Formula, b map[string]Bound, d Derived) []Bound {
	out := make([]Bound, len(f.Inputs))
	for i, in := range f.Inputs {
		v := b[in.Name]
		if f.ID == formula.IDSubscriptionLTV && in.Name == "churn" {
			v = Bound{Value: Num(d.MonthlyChurn), From: "1 − (1 − yearly churn)^(1/12)"}
		}
		v.Name, v.Label, v.Unit = in.Name, in.Label, string(in.Unit)
		out[i] = v
	}
	return out
}

// evalAll evaluates every built-in formula for in.
func evalAll(in CalcInput, render bool) ([]Result, Derived) {
	d := derive(in)
	reg := formula.Builtin()
	nf := pageFormat(in)
	marginCLV, _ := formula.MarginCLV(in.AOV, in.Frequency, d.Lifespan, in.GrossMargin)
	b := binding(in, d, marginCLV)
	var out []Result
	for _, f := range reg.All() {
		r := Result{ID: f.ID, Name: f.Name, Family: f.Family, Text: f.Text, Output: string(f.Output),
			Explanation: f.Explanation, Variant: f.Variant, Source: f.Source, Inputs: bindingFor(f, b, d)}
		x := make([]float64, len(r.Inputs))
		for i, bi := range r.Inputs {
			x[i] = float64(bi.Value)
		}
		v, err := f.Eval(x)
		r.Value = Num(v)
		if err != nil {
			r.Error = pageError(f, r.Inputs, err)
			r.Unbounded = errors.Is(err, formula.ErrUnbounded)
		}
		if render && (err == nil || r.Unbounded) {
			r.Rendered, _ = f.Render(x, nf)
		}
		out = append(out, r)
	}
	return out, d
}

func find(rs []Result, id string) Result {
	for _, r := range rs {
		if r.ID == id {
			return r
		}
	}
	return Result{}
}

// Calculate evaluates the calculator for one state. It never fails: an
// invalid field (see CalcInput.Check) is listed in Fields and everything
// that needs it, formulas, headline cards, charts and the custom formula,
// has no value and says which field it needs; any other bad input shows
// as an error beside the formulas that use it.
func Calculate(in CalcInput) Calculation {
	fields := in.Check()
	bad := in.invalidate(fields)
	rs, d := evalAll(in, true)
	for i := range rs {
		names := make([]string, len(rs[i].Inputs))
		for k, b := range rs[i].Inputs {
			names[k] = b.Name
		}
		if msg := blocked(&in, names, bad); msg != "" {
			rs[i].Value, rs[i].Error, rs[i].Rendered, rs[i].Unbounded = Num(math.NaN()), msg, "", false
		}
	}
	c := Calculation{Derived: d, Formulas: rs, Fields: fields}
	c.Headline = headline(rs)
	c.Journey = journey(in, d)
	c.Journey.Error = blocked(&in, []string{"margin_per_period", "retention", "discount", "cac", "horizon", "lifespan"}, bad)
	c.Survival = survival(d, c.Journey)
	c.Survival.Error = blocked(&in, []string{"retention"}, bad)
	c.Tornado = tornado(in)
	if c.Tornado.Error != "" {
		if r := find(rs, c.Tornado.Formula); r.Error != "" {
			c.Tornado.Error = r.Error
		}
	}
	c.Custom = custom(in, d, bad)
	return c
}

// headlineCards are the headline's cards (Headline.Errors keys) and the
// formula behind each.
var headlineCards = []struct{ card, formula string }{
	{"clv", formula.IDMarginCLV}, {"ltvCac", formula.IDLTVCACRatio},
	{"paybackMonths", formula.IDCACPaybackMonths}, {"maxCac", formula.IDMaxCAC},
}

func headline(rs []Result) Headline {
	h := Headline{CLV: find(rs, formula.IDMarginCLV).Value, RevenueCLV: find(rs, formula.IDAOVFrequencyLifespan).Value,
		LTVCAC: find(rs, formula.IDLTVCACRatio).Value, PaybackMonths: find(rs, formula.IDCACPaybackMonths).Value,
		MaxCAC: find(rs, formula.IDMaxCAC).Value}
	for _, c := range headlineCards {
		if r := find(rs, c.formula); r.Error != "" && !r.Unbounded {
			if h.Errors == nil {
				h.Errors = map[string]string{}
			}
			h.Errors[c.card] = r.Error
		}
	}
	if h.Errors["ltvCac"] != "" {
		h.Level, h.Verdict = "", ""
		return h
	}
	switch r := float64(h.LTVCAC); {
	case r < 1:
		h.Level, h.Verdict = "bad", "Each new customer loses money: their margin over their lifespan is less than what it cost to win them."
	case r < 3:
		h.Level, h.Verdict = "warn", "Profitable, but below the common 3:1 rule of thumb: little room for overheads or a rise in CAC."
	case r <= 5:
		h.Level, h.Verdict = "good", "Healthy: within the 3:1 to 5:1 range most investors look for."
	default:
		h.Level, h.Verdict = "high", "Above 5:1: very profitable customers; you may be under-investing in acquisition."
	}
	return h
}

// journey: month t adds (margin per year ÷ 12) × S(t−1) ÷ (1+d_m)^t with
// S(t) = retention^(t/12) and d_m the monthly equivalent of the yearly
// discount rate. Retention is the derived one (1 − 1 ÷ lifespan unless the
// user gave it), so the chart and the headline describe the same customers.
func journey(in CalcInput, d Derived) Journey {
	years := math.Max(in.Horizon, math.Ceil(d.Lifespan))
	if math.IsNaN(years) || years < 1 {
		years = 1
	}
	n := int(math.Min(years, 20)) * 12
	months, cumul := make([]float64, n+1), make([]float64, n+1)
	j := Journey{CAC: Num(in.CAC), BreakEvenMonth: -1}
	dm := math.Pow(1+in.Discount, 1.0/12) - 1
	r := math.Max(0, math.Min(d.Retention, 1))
	perMonth := d.MarginPerYear / 12
	cum := 0.0
	for t := 1; t <= n; t++ {
		cum += perMonth * math.Pow(r, float64(t-1)/12) / math.Pow(1+dm, float64(t))
		months[t], cumul[t] = float64(t), cum
		if j.BreakEvenMonth < 0 && cum >= in.CAC {
			j.BreakEvenMonth = t
		}
	}
	if in.CAC <= 0 {
		j.BreakEvenMonth = 0
	}
	j.Months, j.Cumulative = nums(months), nums(cumul)
	return j
}

func survival(d Derived, j Journey) Survival {
	r := math.Max(0, math.Min(d.Retention, 1))
	s := Survival{Months: j.Months, Alive: make([]Num, len(j.Months))}
	for i, t := range j.Months {
		s.Alive[i] = Num(math.Pow(r, float64(t)/12))
	}
	return s
}

var moves = [4]float64{-0.2, -0.1, 0.1, 0.2}

// tornado moves each page input the formula depends on by ±10 % and ±20 %.
func tornado(in CalcInput) Tornado {
	id := in.Tornado
	if id == "" {
		id = formula.IDRetentionB
	}
	base, _ := evalAll(in, false)
	br := find(base, id)
	t := Tornado{Formula: id, Name: br.Name, Base: br.Value, Bars: []Bar{}}
	if br.ID == "" {
		t.Error = "There is no formula " + strconv.Quote(id) + "."
		return t
	}
	if br.Error != "" {
		t.Error = br.Error
		return t
	}
	if math.IsInf(float64(br.Value), 0) || math.IsNaN(float64(br.Value)) {
		t.Error = "The value is too large to compute for these inputs: there is no sensitivity to show."
		return t
	}
	b0 := float64(br.Value)
	for _, p := range pageInputs {
		if !given(p.name, in.LifeMode) {
			continue
		}
		bar := Bar{Input: p.name, Label: p.label, Base: br.Value}
		v0 := p.get(&in)
		used := false
		var vals [4]float64
		for k, m := range moves {
			moved := in
			p.set(&moved, v0*(1+m))
			rs, _ := evalAll(moved, false)
			r := find(rs, id)
			vals[k] = math.NaN()
			if r.Error == "" {
				val := r.Value
				bar.Moves[k] = &val
				vals[k] = float64(val)
			}
			if r.Value != br.Value || r.Error != "" {
				used = true
			}
		}
		if !used {
			continue
		}
		swing := -1.0 // unknown: an illegal move or a zero base
		if b0 != 0 && !math.IsNaN(vals[1]) && !math.IsNaN(vals[2]) {
			swing = math.Abs(vals[2]-vals[1]) / math.Abs(b0)
		}
		bar.Swing = Num(swing)
		t.Bars = append(t.Bars, bar)
	}
	// Largest swing first, as a tornado is drawn (stable for ties).
	sort.SliceStable(t.Bars, func(i, k int) bool { return t.Bars[i].Swing > t.Bars[k].Swing })
	return t
}

// custom evaluates the custom expression over Names, reporting parse and
// name errors with their column.
func custom(in CalcInput, d Derived, bad map[string]bool) CustomResult {
	src := in.Custom
	if src == "" {
		return CustomResult{Error: "empty expression"}
	}
	e, err := formula.Parse(src)
	if err != nil {
		return exprErr(err)
	}
	p, err := e.Compile(Names)
	if err != nil {
		return exprErr(err)
	}
	if f, err := formula.NewCustom(formula.Custom{ID: "custom", Expr: src}); err == nil {
		if msg := blocked(&in, f.InputNames(), bad); msg != "" {
			return CustomResult{Value: Num(math.NaN()), Error: msg}
		}
	}
	vals := map[string]float64{"aov": in.AOV, "frequency": in.Frequency, "lifespan": d.Lifespan, "churn": d.Churn,
		"gross_margin": in.GrossMargin, "retention": d.Retention, "discount": in.Discount, "cac": in.CAC,
		"arpa": d.ARPA, "horizon": in.Horizon, "target_ratio": in.TargetRatio,
		"revenue_per_year": d.RevenuePerYear, "margin_per_year": d.MarginPerYear,
		"value_to_date": in.ValueToDate, "tenure": in.Tenure}
	x := make([]float64, len(Names))
	for i, n := range Names {
		x[i] = vals[n]
	}
	v, err := p.Eval(x)
	if err != nil {
		return CustomResult{Value: Num(v), Error: err.Error()}
	}
	res := CustomResult{OK: true, Value: Num(v), Unit: string(formula.UnitNumber)}
	if isMoney(p, e.Names(), x) {
		res.Unit = string(formula.UnitMoney)
	}
	// Render through a registry formula so the numbers are written out the
	// way the built-in formulas are.
	f, err := formula.NewCustom(formula.Custom{ID: "custom", Expr: src, Output: formula.Unit(res.Unit)})
	if err == nil {
		xs := make([]float64, len(f.Inputs))
		for i, fi := range f.Inputs {
			xs[i] = vals[fi.Name]
		}
		res.Rendered, _ = f.Render(xs, pageFormat(in))
	}
	return res
}

// isMoneyName tells whether a custom expression's name is an amount of money.
func isMoneyName(n string) bool {
	switch n {
	case "aov", "cac", "arpa", "revenue_per_year", "margin_per_year", "value_to_date":
		return true
	}
	return false
}

// isMoney decides whether a custom expression's result is an amount of
// money by its dimension: scaling every money input by k must scale the
// result by k (for k = 2 and k = 10, to 1e-9 relative). aov × frequency ×
// lifespan − cac scales so; retention ^ 100 does not change (no money
// input), aov ÷ cac does not change (a ratio), log(aov) and aov ^ 2 change
// by something else. A result of 0 at the given inputs is decided at
// inputs of 1 (with the money inputs scaled the same way); if that is 0
// too, it is money when it reads a money input.
func isMoney(p *formula.Program, used []string, x []float64) bool {
	money := false
	for _, n := range used {
		money = money || isMoneyName(n)
	}
	if !money {
		return false
	}
	names := p.Names()
	y := make([]float64, len(x))
	for _, ones := range [2]bool{false, true} {
		v0, ok := 0.0, true
		for _, k := range [3]float64{1, 2, 10} {
			for i := range y {
				y[i] = x[i]
				if ones {
					y[i] = 1
				}
				if isMoneyName(names[i]) {
					y[i] *= k
				}
			}
			v, _ := p.Eval(y)
			if k == 1 {
				v0 = v
				if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
					break
				}
			} else if math.Abs(v-k*v0) > 1e-9*math.Abs(k*v0) {
				ok = false
			}
		}
		if v0 != 0 && !math.IsNaN(v0) && !math.IsInf(v0, 0) {
			return ok
		}
	}
	return true
}

// given tells whether the page input name is one the user types in
// lifeMode: of lifespan, churn and retention only the one lifeMode names.
func given(name, lifeMode string) bool {
	switch name {
	case "lifespan":
		return lifeMode != "churn" && lifeMode != "retention"
	case "churn", "retention":
		return lifeMode == name
	}
	return true
}

// pageFormat writes the numbers in the page's formulas: amounts of money
// as currency symbol, grouped thousands and 2 decimals, other numbers as
// formula.Plain, in the reader's grouping and decimal mark, with U+2212 as
// the minus sign (as the rest of the page writes it).
func pageFormat(in CalcInput) formula.NumberFormat {
	money := formula.Money(in.Currency)
	group, dec := in.Grouping, in.DecimalMark
	if dec == "" {
		dec = "."
	}
	if group == "" && dec != "," {
		group = ","
	}
	return func(v float64, u formula.Unit) string {
		s := money(v, u)
		b := make([]byte, 0, len(s)+8)
		for i := 0; i < len(s); i++ {
			switch c := s[i]; {
			case c == '-':
				b = append(b, "−"...)
			case c == ',':
				b = append(b, group...)
			case c == '.':
				b = append(b, dec...)
			default:
				b = append(b, c)
			}
		}
		return string(b)
	}
}

func exprErr(err error) CustomResult {
	var ee *formula.ExprError
	if errors.As(err, &ee) {
		return CustomResult{Error: ee.Msg, Line: ee.Line, Column: ee.Column}
	}
	return CustomResult{Error: err.Error()}
}
