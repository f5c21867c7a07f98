package formula

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestNewCustom(t *testing.T) {
	f, err := NewCustom(Custom{ID: "net_clv", Expr: "aov * frequency * lifespan * margin - cac"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.InputNames(), ","); got != "aov,frequency,lifespan,margin,cac" {
		t.Errorf("inputs = %s", got)
	}
	// aov, frequency, lifespan and cac inherit the built-in definitions; margin is unknown.
	if in, _ := f.Input("aov"); in.Unit != UnitMoney || in.Range != nonNegative {
		t.Errorf("aov did not inherit the built-in input: %+v", in)
	}
	if in, _ := f.Input("margin"); in.Unit != UnitNumber || !in.Range.IsZero() {
		t.Errorf("margin should be a plain number: %+v", in)
	}
	// 100 × 3 × 5 × 0.3 − 50 = 450 − 50 = 400
	x := []float64{100, 3, 5, 0.3, 50}
	if got, err := f.Eval(x); got != 400 || err != nil {
		t.Errorf("Eval = %g, %v; want 400", got, err)
	}
	s, err := f.Render(x, nil)
	if want := "100 * 3 * 5 * 0.3 - 50 = 400"; s != want || err != nil {
		t.Errorf("Render = %q, %v; want %q", s, err, want)
	}
	// Range checks come from the inherited inputs.
	var ie *InputError
	if _, err := f.Eval([]float64{-100, 3, 5, 0.3, 50}); !errors.As(err, &ie) || ie.Input != "aov" || ie.Formula != "net_clv" {
		t.Errorf("negative aov: %v", err)
	}
	r := Builtin()
	if err := r.Add(f); err != nil {
		t.Fatal(err)
	}
	if got, err := r.Eval("net_clv", map[string]float64{"aov": 100, "frequency": 3, "lifespan": 5, "margin": 0.3, "cac": 50}); got != 400 || err != nil {
		t.Errorf("registry Eval = %g, %v", got, err)
	}
}

func TestNewCustomErrors(t *testing.T) {
	// Declared inputs: a name outside them is an *ExprError with its position.
	_, err := NewCustom(Custom{ID: "x", Expr: "aov * frequncy", Inputs: []Input{inAOV, inFrequency}})
	var ee *ExprError
	if !errors.As(err, &ee) || ee.Column != 7 || !strings.Contains(err.Error(), "custom formula x") {
		t.Errorf("unknown name: %v", err)
	}
	if _, err := NewCustom(Custom{ID: "Net CLV", Expr: "1"}); err == nil {
		t.Error("bad ID: got no error")
	}
	// Division by zero is reported, with the IEEE value.
	f, err := NewCustom(Custom{ID: "per_order", Expr: "revenue / orders"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := f.Eval([]float64{100, 0})
	if !errors.Is(err, ErrNonFinite) || !math.IsInf(v, 1) {
		t.Errorf("100 / 0 = %g, %v; want +Inf and ErrNonFinite", v, err)
	}
}

func TestRender(t *testing.T) {
	r := Builtin()
	for _, tt := range []struct {
		id   string
		x    []float64
		nf   NumberFormat
		want string
	}{
		{"aov_frequency_lifespan", []float64{100, 3, 5}, nil, "100 × 3 × 5 = 1500"},
		{"aov_frequency_lifespan", []float64{100, 3, 5}, Money("$"), "$100.00 × 3 × 5 = $1,500.00"},
		{"retention_a", []float64{1, 0.8, 0.1}, nil, "1 × 0.8 ÷ (1 + 0.1 − 0.8) = 2.6667"},
		{"revenue_years_cac", []float64{10, 2, 50}, Money("€"), "€10.00 × 2 − €50.00 = -€30.00"},
		{"subscription_ltv", []float64{1234567.891, 1, 0.5}, Money("$"), "$1,234,567.89 × 1 ÷ 0.5 = $2,469,135.78"},
		{"retention_truncated", []float64{100, 0.8, 0.1, 2}, nil, "Σ[t=0..2−1] 100 × 0.8ᵗ ÷ (1 + 0.1)ᵗ = 172.7273"},
		{"aov_frequency_churn", []float64{100, 3, 0}, nil, "100 × 3 × (1 ÷ 0) = ∞"},
		{"historic_plus_remaining", []float64{500, 2, 5, 100, 0.1}, Money("$"), "$500.00 + $100.00 × Σ[t=1..max(0, 5 − 2)] 1 ÷ (1 + 0.1)ᵗ = $748.69"},
	} {
		f, _ := r.Lookup(tt.id)
		got, err := f.Render(tt.x, tt.nf)
		if err != nil && !errors.Is(err, ErrUnbounded) {
			t.Errorf("%s: %v", tt.id, err)
		}
		if got != tt.want {
			t.Errorf("%s Render = %q, want %q", tt.id, got, tt.want)
		}
	}
	f, _ := r.Lookup("retention_a")
	if s, err := f.Render([]float64{1, 2, 0.1}, nil); s != "" || err == nil {
		t.Errorf("illegal input: Render = %q, %v; want an error", s, err)
	}
}

func TestPlain(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {1500, "1500"}, {2.0 / 3, "0.6667"}, {-30, "-30"}, {1e-7, "1e-07"}, {-0.00001, "-1e-05"},
		{2e15, "2e+15"}, {math.Inf(-1), "-∞"}, {-0.00004999, "-4.999e-05"},
	} {
		if got := Plain(tt.v, UnitNumber); got != tt.want {
			t.Errorf("Plain(%g) = %q, want %q", tt.v, got, tt.want)
		}
	}
}
