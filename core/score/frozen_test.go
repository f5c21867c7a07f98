package score

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/summary"
)

func bgnbdFrozen(t *testing.T) *FrozenModel {
	t.Helper()
	fit := model.Fit{Names: []string{"r", "alpha", "a", "b"}, Params: []float64{0.2425, 4.4136, 0.793, 2.426}, StdErrors: []float64{0.0125, math.NaN(), 0.19, 0.7}}
	f, err := NewFrozenModel(BGNBD, fit, FrozenData{Customers: 2357, Rows: 1000, Unit: "weeks", UnitDays: 7, Grain: "day", ObservationEnd: "1997-09-30"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// badFrozenModels are frozen models Validate refuses, each by one edit.
var badFrozenModels = []struct {
	name string
	edit func(f *FrozenModel)
	want string
}{
	{"unknown model", func(f *FrozenModel) { f.Model = "bgnb" }, `model "bgnb"`},
	{"parameters of another model", func(f *FrozenModel) { f.Names[2] = "s" }, "want [r alpha a b]"},
	{"a parameter short", func(f *FrozenModel) { f.Names, f.Params = f.Names[:3], f.Params[:3] }, "want [r alpha a b]"},
	{"no standard errors", func(f *FrozenModel) { f.StdErrors = nil }, "each with a value and a standard error"},
	{"negative", func(f *FrozenModel) { f.Params[2] = -0.793 }, "parameter a = -0.793"},
	{"zero", func(f *FrozenModel) { f.Params[2] = 0 }, "parameter a = 0"},
	{"NaN", func(f *FrozenModel) { f.Params[0] = math.NaN() }, "parameter r = NaN"},
	{"infinite", func(f *FrozenModel) { f.Params[1] = math.Inf(1) }, "parameter alpha = +Inf"},
	{"no unit", func(f *FrozenModel) { f.Data.Unit = "" }, "data.unit is empty"},
	{"no unit length", func(f *FrozenModel) { f.Data.UnitDays = 0 }, "data.unit_days = 0"},
	{"Gamma-Gamma q ≤ 1", func(f *FrozenModel) {
		f.Model, f.Names, f.Params, f.StdErrors = SpendGammaGamma, []string{"p", "q", "v"}, []float64{6.25, 0.9, 15.4}, []float64{1, 1, 1}
	}, "q = 0.9 ≤ 1"},
}

func TestFrozenValidate(t *testing.T) {
	if err := bgnbdFrozen(t).Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range badFrozenModels {
		f := bgnbdFrozen(t)
		tt.edit(f)
		if err := f.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Validate() = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}

func TestFrozenKindAndUnit(t *testing.T) {
	f := bgnbdFrozen(t)
	if _, err := f.SpendModel(); err == nil || !strings.Contains(err.Error(), "not a spend model") {
		t.Errorf("SpendModel of a BG/NBD: %v", err)
	}
	if err := f.CheckUnit("weeks", 7); err != nil {
		t.Error(err)
	}
	err := f.CheckUnit("days", 1)
	if err == nil || !strings.Contains(err.Error(), "time unit weeks (7 days)") || !strings.Contains(err.Error(), "time unit is days (1 day)") {
		t.Errorf("CheckUnit(days): %v", err)
	}
	if err := f.CheckGrain("day"); err != nil {
		t.Error(err)
	}
	if err := f.CheckGrain("week"); err == nil || !strings.Contains(err.Error(), "grain day but this run's grain is week") {
		t.Errorf("CheckGrain(week): %v", err)
	}
	if err := f.CheckGrain(""); err != nil {
		t.Errorf("CheckGrain(unknown): %v", err)
	}
	// A spend model without the spend option is refused.
	o := cdnowOptions()
	o.Spend = false
	o.FrozenSpend = f
	if _, err := Score(context.Background(), []summary.Customer{{ID: "1", T: 3}}, o); err == nil || !strings.Contains(err.Error(), "spend model is off") {
		t.Errorf("FrozenSpend without Spend: %v", err)
	}
}
