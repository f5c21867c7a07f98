package bind

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/core/formula"
)

var checkTests = []struct {
	name string
	edit func(*CalcInput)
	want map[string]string // field → message; every other field valid
}{
	{"defaults", func(*CalcInput) {}, map[string]string{}},
	{"retention 150 %", func(c *CalcInput) { c.Retention = 1.5 }, map[string]string{"retention": "Must be between 0 and 100 %."}},
	{"retention 101 %", func(c *CalcInput) { c.Retention = 1.01 }, map[string]string{"retention": "Must be between 0 and 100 %."}},
	{"retention 100 %", func(c *CalcInput) { c.Retention = 1 }, map[string]string{}},
	{"frequency −3", func(c *CalcInput) { c.Frequency = -3 }, map[string]string{"frequency": "Must be 0 or more."}},
	{"gross margin 120 %", func(c *CalcInput) { c.GrossMargin = 1.2 }, map[string]string{"grossMargin": "Must be at most 100 %."}},
	{"gross margin −20 % is legal", func(c *CalcInput) { c.GrossMargin = -0.2 }, map[string]string{}},
	{"discount −10 %", func(c *CalcInput) { c.Discount = -0.1 }, map[string]string{"discount": "Must be 0 % or more."}},
	{"churn 0 in churn mode", func(c *CalcInput) { c.LifeMode, c.Churn = "churn", 0 }, map[string]string{"churn": "Must be more than 0 % and at most 100 %."}},
	{"churn 0 in lifespan mode is not used", func(c *CalcInput) { c.Churn = 0 }, map[string]string{}},
	{"lifespan −1 in churn mode is not used", func(c *CalcInput) { c.LifeMode, c.Lifespan = "churn", -1 }, map[string]string{}},
	{"horizon 2.5", func(c *CalcInput) { c.Horizon = 2.5 }, map[string]string{"horizon": "Must be a whole number."}},
	{"target 0", func(c *CalcInput) { c.TargetRatio = 0 }, map[string]string{"targetRatio": "Must be more than 0."}},
	{"ARPA −1", func(c *CalcInput) { c.ARPA = new(-1.0) }, map[string]string{"arpa": "Must be 0 or more."}},
	{"AOV and CAC not read", func(c *CalcInput) { c.Missing = []string{"aov", "cac"} }, map[string]string{"aov": "Enter a number.", "cac": "Enter a number."}},
	{"AOV +Inf", func(c *CalcInput) { c.AOV = math.Inf(1) }, map[string]string{"aov": "Enter a number."}},
}

func TestCheck(t *testing.T) {
	for _, tt := range checkTests {
		in := DefaultInput()
		tt.edit(&in)
		got := map[string]string{}
		for _, f := range in.Check() {
			got[f.Field] = f.Message
		}
		if len(got) != len(tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
			continue
		}
		for k, w := range tt.want {
			if got[k] != w {
				t.Errorf("%s: %s: %q, want %q", tt.name, k, got[k], w)
			}
		}
	}
}

func TestRangeText(t *testing.T) {
	for _, tt := range []struct {
		r       formula.Range
		percent bool
		want    string
	}{
		{formula.Range{Min: 0, Max: 1}, true, "between 0 and 100 %"},
		{formula.Range{Min: 0, Max: 1, MinOpen: true}, true, "more than 0 % and at most 100 %"},
		{formula.Range{Min: math.Inf(-1), Max: 1}, true, "at most 100 %"},
		{formula.Range{Min: 0, Max: math.Inf(1)}, true, "0 % or more"},
		{formula.Range{Min: 0, Max: math.Inf(1)}, false, "0 or more"},
		{formula.Range{Min: 0, Max: math.Inf(1), MinOpen: true}, false, "more than 0"},
		{formula.Range{Min: 1, Max: 1200}, false, "between 1 and 1200"},
		{formula.Range{Min: 0, Max: 10, MaxOpen: true}, true, "at least 0 % and less than 1000 %"},
	} {
		if got := rangeText(tt.r, tt.percent); got != tt.want {
			t.Errorf("rangeText(%v, %v) = %q, want %q", tt.r, tt.percent, got, tt.want)
		}
	}
}

// TestCalculateInvalidField: an invalid field blanks everything that
// needs it, says which field, and leaves the rest computed. Before, the
// headline showed "$0.00" and "0 : 1" for frequency −3, and retention
// 150 % gave a tornado with "bars": null that stopped the page.
func TestCalculateInvalidField(t *testing.T) {
	in := DefaultInput()
	in.Frequency = -3
	in.ARPA = new(25.0) // so CAC payback does not need the frequency
	c := Calculate(in)
	if len(c.Fields) != 1 || c.Fields[0].Field != "frequency" {
		t.Fatalf("fields %+v", c.Fields)
	}
	for _, card := range []string{"clv", "ltvCac", "maxCac"} {
		if !strings.Contains(c.Headline.Errors[card], "Purchase frequency") {
			t.Errorf("card %s: error %q, want it to name Purchase frequency", card, c.Headline.Errors[card])
		}
	}
	if !math.IsNaN(float64(c.Headline.CLV)) || !math.IsNaN(float64(c.Headline.LTVCAC)) || c.Headline.Verdict != "" {
		t.Errorf("headline %+v, want no CLV, no LTV:CAC and no verdict", c.Headline)
	}
	if _, ok := c.Headline.Errors["paybackMonths"]; ok || !near(float64(c.Headline.PaybackMonths), 50/(25*0.3), 1e-12) {
		t.Errorf("payback %v (%q), want 50 ÷ (25 × 0.3) from the ARPA", c.Headline.PaybackMonths, c.Headline.Errors["paybackMonths"])
	}
	for _, r := range c.Formulas {
		usesFrequency := r.ID != formula.IDCACPaybackMonths && r.ID != formula.IDSubscriptionLTV
		if usesFrequency != (r.Error != "") || usesFrequency && (r.Rendered != "" || !math.IsNaN(float64(r.Value))) {
			t.Errorf("%s: value %v, rendered %q, error %q", r.ID, r.Value, r.Rendered, r.Error)
		}
	}
	if c.Journey.Error == "" || c.Survival.Error != "" {
		t.Errorf("journey error %q (want one), survival error %q (want none)", c.Journey.Error, c.Survival.Error)
	}
	if c.Custom.OK || !strings.Contains(c.Custom.Error, "Purchase frequency") {
		t.Errorf("custom %+v", c.Custom)
	}
}

func TestCalculateTornadoNeverNull(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(*CalcInput)
		want string
	}{
		{"retention 150 %", func(c *CalcInput) { c.LifeMode, c.Retention = "retention", 1.5 }, "Needs a valid Retention rate"},
		{"unknown formula", func(c *CalcInput) { c.Tornado = "retention_z" }, `There is no formula "retention_z".`},
		// Found by the page's random links: m × (1 + d) overflows.
		{"overflow", func(c *CalcInput) { c.AOV, c.Discount = 8.755729749798775e118, 1e306 }, "The value is too large to compute"},
	} {
		in := DefaultInput()
		tt.edit(&in)
		c := Calculate(in)
		b, err := EncodeJSON(c.Tornado)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"bars":[]`) || !strings.HasPrefix(c.Tornado.Error, tt.want) {
			t.Errorf("%s: tornado %s, want no bars and an error starting %q", tt.name, b, tt.want)
		}
		if in.LifeMode == "retention" {
			continue // the lifespan, and so the margin CLV, follows from the retention
		}
		if want := in.AOV * 3 * 5 * 0.3; !near(float64(c.Headline.CLV), want, 1e-12) { // margin CLV needs neither
			t.Errorf("%s: margin CLV %v, want %v", tt.name, c.Headline.CLV, want)
		}
	}
}

// TestInputFields: every input of every built-in formula is bound to the
// page fields it comes from, so an invalid field blanks every formula
// that needs it.
func TestInputFields(t *testing.T) {
	in := DefaultInput()
	for _, f := range formula.Builtin().All() {
		for _, name := range f.InputNames() {
			if len(inputFields(&in, name)) == 0 {
				t.Errorf("formula %s: input %s has no page field", f.ID, name)
			}
		}
	}
	for _, name := range Names {
		if len(inputFields(&in, name)) == 0 {
			t.Errorf("custom name %s has no page field", name)
		}
	}
}

// TestPercentConvention: the page takes percents, so no description of a
// field it shows as a percent, and no formula error for any of the
// states below, speaks of fractions or of [0, 1].
func TestPercentConvention(t *testing.T) {
	for _, f := range Formulas() {
		for _, in := range f.Inputs {
			if in.Percent && (strings.Contains(in.Description, "fraction") || strings.Contains(in.Description, "1 ÷ churn")) {
				t.Errorf("%s.%s: %q", f.ID, in.Name, in.Description)
			}
		}
	}
	churn := Formulas()[1].Inputs[2]
	if churn.Name != "churn" || churn.Description != "Share of customers lost per period, in percent (20 for 20 %). Expected lifespan is 100 ÷ churn in %." {
		t.Errorf("churn: %+v", churn)
	}
	for _, tt := range checkTests {
		in := DefaultInput()
		tt.edit(&in)
		for _, r := range Calculate(in).Formulas {
			if strings.Contains(r.Error, "[0, 1]") || strings.Contains(r.Error, "fraction") || strings.Contains(r.Error, "in (0, 1]") {
				t.Errorf("%s: %s: %q", tt.name, r.ID, r.Error)
			}
		}
	}
	// A derived value out of range is named with where it comes from.
	in := DefaultInput()
	in.Lifespan = 0 // churn 1 ÷ 0
	r := find(Calculate(in).Formulas, formula.IDAOVFrequencyChurn)
	if r.Error != "Churn rate (1 ÷ lifespan) is not a number here." {
		t.Errorf("lifespan 0: %s: %q", r.ID, r.Error)
	}
}

// TestCalculateHostile: states a link can hold never make Calculate fail
// or produce JSON the page cannot read.
func TestCalculateHostile(t *testing.T) {
	for _, edit := range []func(*CalcInput){
		func(c *CalcInput) { c.AOV, c.Frequency = 1e308, 1e308 },
		func(c *CalcInput) { c.Horizon = 1e18 },
		func(c *CalcInput) { c.Lifespan = 1e300 },
		func(c *CalcInput) { c.LifeMode = "bogus" },
		func(c *CalcInput) { c.Custom = strings.Repeat("(", 500) },
		func(c *CalcInput) { c.Missing = []string{"nope", "aov", "aov"} },
		func(c *CalcInput) { c.Tornado = "" },
	} {
		in := DefaultInput()
		edit(&in)
		b, err := EncodeJSON(Calculate(in))
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%+v: %v", in, err)
		}
	}
}
