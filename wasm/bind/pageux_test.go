package bind

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/core/formula"
)

// TestOneCustomerLife: whichever of lifespan, churn and retention is
// given, the other two follow (churn = 1 ÷ lifespan, retention = 1 −
// churn), and the headline (lifespan), the retention formulas, the
// subscription formula and the charts all use that one life. The numbers
// are the issue's: lifespan 5 with retention 70 % typed used to give a
// margin CLV from 5 years beside a chart from 70 %.
func TestOneCustomerLife(t *testing.T) {
	for _, tt := range []struct {
		mode                       string
		lifespan, churn, retention float64 // typed
		wantL, wantC, wantR        float64 // used
	}{
		{"lifespan", 5, 0.5, 0.7, 5, 0.2, 0.8},                  // retention 70 % ignored: 1 − 1/5
		{"churn", 5, 0.25, 0.7, 4, 0.25, 0.75},                  // 1/0.25 = 4 years
		{"retention", 5, 0.5, 0.7, 1 / 0.3, 0.3, 0.7},           // 1/(1 − 0.7) = 3.33 years
		{"retention", 5, 0.5, 1, math.Inf(1), 0, 1},             // nobody leaves
		{"lifespan", 0.5, 0.2, 0.8, 0.5, 1, 0},                  // under a year: all gone after one
		{"", 2, 0.2, 0.8, 2, 0.5, 0.5},                          // default mode is lifespan
		{"retention", 5, 0.5, 0.8, 5, 0.2 + 1e-16 - 1e-16, 0.8}, // the defaults' life, given as retention
	} {
		in := DefaultInput()
		in.LifeMode, in.Lifespan, in.Churn, in.Retention = tt.mode, tt.lifespan, tt.churn, tt.retention
		c := Calculate(in)
		d := c.Derived
		if !near(float64(d.Lifespan), tt.wantL, 1e-12) && !(math.IsInf(tt.wantL, 1) && math.IsInf(float64(d.Lifespan), 1)) {
			t.Errorf("%s %v: lifespan %v, want %v", tt.mode, tt, d.Lifespan, tt.wantL)
		}
		if !near(float64(d.Churn), tt.wantC, 1e-12) || !near(float64(d.Retention), tt.wantR, 1e-12) {
			t.Errorf("%s %v: churn %v retention %v, want %v %v", tt.mode, tt, d.Churn, d.Retention, tt.wantC, tt.wantR)
		}
		// retention_b gets the derived retention; the survival curve too.
		for _, r := range c.Formulas {
			for _, b := range r.Inputs {
				if b.Name == "retention" && !near(float64(b.Value), tt.wantR, 1e-12) {
					t.Errorf("%s: %s got retention %v, want %v", tt.mode, r.ID, b.Value, tt.wantR)
				}
			}
		}
		if got := float64(c.Survival.Alive[12]); !near(got, tt.wantR, 1e-12) {
			t.Errorf("%s: survival after 12 months %v, want retention %v", tt.mode, got, tt.wantR)
		}
	}
	// Churn 0 is outside the registry's range (more than 0 %): the field is
	// flagged rather than taken as a life without end (retention 100 %,
	// given as retention, is in range: "nobody leaves" above).
	in := DefaultInput()
	in.LifeMode, in.Churn = "churn", 0
	if f := Calculate(in).Fields; len(f) != 1 || f[0].Field != "churn" {
		t.Errorf("churn 0: fields %+v, want the churn field flagged", f)
	}
	// The default state: margin CLV from 5 years (450) and the chart from
	// 80 % retention, which is the same customer life.
	c := Calculate(DefaultInput())
	if float64(c.Headline.CLV) != 450 || !near(float64(c.Survival.Alive[12]), 0.8, 1e-12) {
		t.Errorf("defaults: CLV %v, survival %v", c.Headline.CLV, c.Survival.Alive[12])
	}
	// Retention given as 70 %: lifespan 3.33 years, margin CLV 90 × 3.33 = 300.
	in = DefaultInput()
	in.LifeMode, in.Retention = "retention", 0.7
	if v := float64(Calculate(in).Headline.CLV); !near(v, 300, 1e-12) {
		t.Errorf("retention 70 %%: margin CLV %v, want 300", v)
	}
}

// TestCustomUnit: a custom result is money only when scaling the money
// inputs scales it the same way. The rendering keeps the operators as
// typed; the numbers are the page's (U+2212 for a negative number).
func TestCustomUnit(t *testing.T) {
	for _, tt := range []struct {
		expr, unit, rendered string
	}{
		{"aov * frequency * lifespan * gross_margin - cac", "money", "$100.00 * 3 * 5 * 0.3 - $50.00 = $400.00"},
		{"retention ^ 100", "number", "0.8 ^ 100 = 2.03704e−10"},
		{"log(aov)", "number", ""},
		{"aov / cac", "number", "$100.00 / $50.00 = 2"},
		{"aov ^ 2", "number", ""},
		{"frequency * lifespan", "number", "3 * 5 = 15"},
		// cac − 50 is 0 at CAC 50 and −49 at inputs of 1, which does not scale
		// with CAC: money mixed with a bare number is not money.
		{"cac - 50", "number", ""},
		{"max(aov, cac)", "money", ""},
		{"if(retention > 0.5, margin_per_year, 0)", "money", ""},
		{"0 - cac", "money", "0 - $50.00 = −$50.00"},
		{"value_to_date + margin_per_year * (lifespan - tenure)", "money", ""},
		{"tenure / lifespan", "number", ""},
	} {
		in := DefaultInput()
		in.Custom = tt.expr
		cu := Calculate(in).Custom
		if !cu.OK || cu.Unit != tt.unit {
			t.Errorf("%s: unit %q (%+v), want %q", tt.expr, cu.Unit, cu, tt.unit)
		}
		if tt.rendered != "" && cu.Rendered != tt.rendered {
			t.Errorf("%s: rendered %q, want %q", tt.expr, cu.Rendered, tt.rendered)
		}
	}
}

// TestPageFormat: the reader's separators and one minus sign.
func TestPageFormat(t *testing.T) {
	for _, tt := range []struct {
		group, dec string
		v          float64
		u          formula.Unit
		want       string
	}{
		{"", "", 174978, formula.UnitMoney, "$174,978.00"},
		{"", "", -50, formula.UnitMoney, "−$50.00"},
		{"", "", -2.5, formula.UnitNumber, "−2.5"},
		{".", ",", 1234.5, formula.UnitMoney, "$1.234,50"},
		{"\u202f", ",", 1234.5, formula.UnitMoney, "$1\u202f234,50"},
		{".", ",", 0.25, formula.UnitFraction, "0,25"},
		{"", "", math.Inf(-1), formula.UnitMoney, "−∞"},
		{"", "", -2.5e-10, formula.UnitNumber, "−2.5e−10"}, // the exponent's sign too
	} {
		in := DefaultInput()
		in.Grouping, in.DecimalMark = tt.group, tt.dec
		if got := pageFormat(in)(tt.v, tt.u); got != tt.want {
			t.Errorf("%q %q %v: %q, want %q", tt.group, tt.dec, tt.v, got, tt.want)
		}
	}
}

// TestScoreStages: the page's progress shows every phase of a run, in
// order: reading (several reports), summarizing, the purchase fit, the
// spend fit, scoring and the fit diagnostics.
func TestScoreStages(t *testing.T) {
	data, err := os.ReadFile("../../examples/cdnow/transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	var s Session
	ins := s.Load(data)
	var stages []string
	_, err = s.Score(context.Background(), settingsFor(ins, "1997-09-30", 0.3), func(st Stage, _ float64) {
		if len(stages) == 0 || stages[len(stages)-1] != string(st) {
			stages = append(stages, string(st))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "reading summarizing fit_purchase fit_spend score diagnostics"
	if got := strings.Join(stages, " "); got != want {
		t.Errorf("stages %q, want %q", got, want)
	}
}
