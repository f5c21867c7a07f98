package formula

import (
	"errors"
	"math"
	"testing"
)

// builtinTest pins one evaluation of a built-in formula. want is worked by
// hand in the comment next to it. errInput, when set, is the input the
// *InputError must name; unbounded says the error must wrap ErrUnbounded.
type builtinTest struct {
	id        string
	x         []float64
	want      float64
	errInput  string
	unbounded bool
}

var inf = math.Inf(1)

var builtinTests = []builtinTest{
	// aov_frequency_lifespan: AOV × frequency × lifespan.
	{id: "aov_frequency_lifespan", x: []float64{100, 3, 5}, want: 1500},    // 100 × 3 × 5
	{id: "aov_frequency_lifespan", x: []float64{42.5, 2, 0.5}, want: 42.5}, // 42.5 × 2 × 0.5
	{id: "aov_frequency_lifespan", x: []float64{-1, 3, 5}, errInput: "aov"},
	{id: "aov_frequency_lifespan", x: []float64{100, math.NaN(), 5}, errInput: "frequency"},

	// aov_frequency_churn: AOV × frequency / churn.
	{id: "aov_frequency_churn", x: []float64{100, 3, 0.2}, want: 1500}, // 300 / 0.2: lifespan 5
	{id: "aov_frequency_churn", x: []float64{100, 3, 1}, want: 300},    // everyone leaves after one period
	{id: "aov_frequency_churn", x: []float64{100, 3, 0}, want: inf, errInput: "churn", unbounded: true},
	{id: "aov_frequency_churn", x: []float64{100, 3, 1.5}, errInput: "churn"},
	{id: "aov_frequency_churn", x: []float64{100, 3, -0.1}, errInput: "churn"},

	// margin_clv: AOV × frequency × lifespan × gross margin.
	{id: "margin_clv", x: []float64{100, 3, 5, 0.3}, want: 450},               // 1500 × 0.3
	{id: "margin_clv", x: []float64{100, 3, 5, -0.1}, want: -150},             // negative margin: 1500 × −0.1
	{id: "margin_clv", x: []float64{100, 3, 5, 30}, errInput: "gross_margin"}, // a percent, not a fraction

	// revenue_years_cac: revenue per year × years − acquisition cost.
	{id: "revenue_years_cac", x: []float64{300, 5, 50}, want: 1450}, // 1500 − 50
	{id: "revenue_years_cac", x: []float64{10, 2, 50}, want: -30},   // 20 − 50
	{id: "revenue_years_cac", x: []float64{300, 5, -50}, errInput: "acquisition_cost"},

	// historic_plus_remaining: V + m × Σ_{t=1..R} 1/(1+d)ᵗ, R = max(0, L − τ);
	// inputs value_to_date, tenure, lifespan, margin_per_period, discount.
	{id: "historic_plus_remaining", x: []float64{500, 2, 5, 100, 0}, want: 800},                                // 500 + 100 × 3
	{id: "historic_plus_remaining", x: []float64{500, 2, 5, 100, 0.1}, want: 500 + 100*(1/1.1+1/1.21+1/1.331)}, // 500 + 248.685
	{id: "historic_plus_remaining", x: []float64{250, 2, 5, 100, 0.1}, want: 498.68519909842},                  // the defaults: 250 + 248.685
	{id: "historic_plus_remaining", x: []float64{500, 6, 5, 100, 0.1}, want: 500},                              // tenure past the lifespan: nothing remains
	{id: "historic_plus_remaining", x: []float64{500, 5, 5, 100, 0.1}, want: 500},                              // exactly at the lifespan
	{id: "historic_plus_remaining", x: []float64{0, 4.5, 5, 100, 0}, want: 50},                                 // half a period left, undiscounted
	{id: "historic_plus_remaining", x: []float64{0, 4.5, 5, 100, 0.21}, want: 100 * (1 - 1/1.1) / 0.21},        // (1+d)^−0.5 = 1/1.1
	{id: "historic_plus_remaining", x: []float64{-30, 0, 2, -10, 0}, want: -50},                                // negative value to date and margin
	// Tresl's example: past sales 300, AOV 50 × 4 orders a year = m 200, average
	// tenure 3 years, current tenure 1: 300 + 200 × 2 = 700.
	{id: "historic_plus_remaining", x: []float64{300, 1, 3, 200, 0}, want: 700},
	{id: "historic_plus_remaining", x: []float64{500, -1, 5, 100, 0.1}, errInput: "tenure"},
	{id: "historic_plus_remaining", x: []float64{500, 2, -5, 100, 0.1}, errInput: "lifespan"},
	{id: "historic_plus_remaining", x: []float64{500, 2, 5, 100, -0.1}, errInput: "discount"},
	{id: "historic_plus_remaining", x: []float64{math.NaN(), 2, 5, 100, 0.1}, errInput: "value_to_date"},
	{id: "historic_plus_remaining", x: []float64{500, 2, 5, math.Inf(1), 0.1}, errInput: "margin_per_period"},

	// retention_a: m·r/(1+d−r). RESEARCH.md worked example: r = 0.8, d = 0.1
	// gives the multiplier 0.8 / 0.3 = 2.6667.
	{id: "retention_a", x: []float64{1, 0.8, 0.1}, want: 0.8 / 0.3},  // 2.6667
	{id: "retention_a", x: []float64{100, 0.8, 0.1}, want: 80 / 0.3}, // 266.67
	{id: "retention_a", x: []float64{100, 0, 0.1}, want: 0},          // nobody stays: no future payments
	{id: "retention_a", x: []float64{100, 1, 0}, want: inf, errInput: "retention", unbounded: true},
	{id: "retention_a", x: []float64{-100, 1, 0}, want: -inf, errInput: "retention", unbounded: true},
	{id: "retention_a", x: []float64{0, 1, 0}, want: 0, errInput: "retention", unbounded: true},
	{id: "retention_a", x: []float64{100, 70, 0.1}, errInput: "retention"}, // a percent, not a fraction
	{id: "retention_a", x: []float64{100, 0.8, -0.1}, errInput: "discount"},

	// retention_b: m(1+d)/(1+d−r) = variant (c) × (1+d).
	{id: "retention_b", x: []float64{1, 0.8, 0.1}, want: 1.1 / 0.3},   // 3.6667
	{id: "retention_b", x: []float64{100, 0.8, 0.1}, want: 110 / 0.3}, // 366.67
	{id: "retention_b", x: []float64{100, 0, 0}, want: 100},           // one payment now, nobody stays
	{id: "retention_b", x: []float64{-50, 0.5, 0}, want: -100},        // −50 × 1 / 0.5
	{id: "retention_b", x: []float64{100, 1, 0}, want: inf, errInput: "retention", unbounded: true},

	// retention_c: m/(1+d−r).
	{id: "retention_c", x: []float64{1, 0.8, 0.1}, want: 1 / 0.3},     // 3.3333
	{id: "retention_c", x: []float64{100, 0.8, 0.1}, want: 100 / 0.3}, // 333.33
	{id: "retention_c", x: []float64{100, 0.5, 1}, want: 100 / 1.5},   // 66.667

	// retention_truncated: Σ_{t=0..H−1} m·qᵗ with q = r/(1+d) = 0.8/1.1 = 8/11.
	{id: "retention_truncated", x: []float64{100, 0.8, 0.1, 0}, want: 0},
	{id: "retention_truncated", x: []float64{100, 0.8, 0.1, 1}, want: 100},              // t = 0 only
	{id: "retention_truncated", x: []float64{100, 0.8, 0.1, 2}, want: 100 + 100*8.0/11}, // 172.73
	// H = 5: 100 × (1 + 0.727273 + 0.528926 + 0.384673 + 0.279762) = 100 × 2.920634 = 292.0634
	{id: "retention_truncated", x: []float64{100, 0.8, 0.1, 5}, want: 292.06338364865},
	{id: "retention_truncated", x: []float64{100, 0.8, 0.1, 1e6}, want: 110 / 0.3}, // → retention_b
	{id: "retention_truncated", x: []float64{100, 0, 0.1, 5}, want: 100},           // r = 0: only t = 0
	{id: "retention_truncated", x: []float64{100, 1, 0, 5}, want: 500},             // q = 1: m·H
	{id: "retention_truncated", x: []float64{-100, 0.5, 0, 3}, want: -175},         // −100 × (1 + 0.5 + 0.25)
	{id: "retention_truncated", x: []float64{100, 0.8, 0.1, 2.5}, errInput: "horizon"},
	{id: "retention_truncated", x: []float64{100, 0.8, 0.1, -1}, errInput: "horizon"},

	// subscription_ltv: ARPA × gross margin / monthly churn.
	{id: "subscription_ltv", x: []float64{50, 0.8, 0.03}, want: 40 / 0.03}, // 1333.33
	{id: "subscription_ltv", x: []float64{50, 1, 0.05}, want: 1000},        // revenue LTV: 50 / 0.05
	{id: "subscription_ltv", x: []float64{50, -0.2, 0.05}, want: -200},     // −10 / 0.05
	{id: "subscription_ltv", x: []float64{50, 0.8, 0}, want: inf, errInput: "churn", unbounded: true},

	// cac_payback_months: CAC / (ARPA × gross margin).
	{id: "cac_payback_months", x: []float64{300, 50, 0.8}, want: 7.5}, // 300 / 40
	{id: "cac_payback_months", x: []float64{0, 50, 0.8}, want: 0},
	{id: "cac_payback_months", x: []float64{300, 50, 0}, want: inf, errInput: "gross_margin", unbounded: true},
	{id: "cac_payback_months", x: []float64{300, 0, 0.8}, want: inf, errInput: "arpa", unbounded: true},
	{id: "cac_payback_months", x: []float64{300, 50, -0.1}, want: inf, errInput: "gross_margin", unbounded: true},

	// ltv_cac_ratio: LTV / CAC.
	{id: "ltv_cac_ratio", x: []float64{1200, 300}, want: 4},
	{id: "ltv_cac_ratio", x: []float64{-300, 300}, want: -1},
	{id: "ltv_cac_ratio", x: []float64{1200, 0}, want: inf, errInput: "cac", unbounded: true},

	// max_cac: LTV / target ratio.
	{id: "max_cac", x: []float64{1200, 3}, want: 400},
	{id: "max_cac", x: []float64{1200, 0}, errInput: "target_ratio"},
}

func TestBuiltin(t *testing.T) {
	r := Builtin()
	for _, tt := range builtinTests {
		f, ok := r.Lookup(tt.id)
		if !ok {
			t.Fatalf("formula %q is not registered", tt.id)
		}
		got, err := f.Eval(tt.x)
		if tt.errInput == "" {
			if err != nil {
				t.Errorf("%s%v: unexpected error %v", tt.id, tt.x, err)
				continue
			}
		} else {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Input != tt.errInput || ie.Formula != tt.id {
				t.Errorf("%s%v: error %v, want an *InputError for %s", tt.id, tt.x, err, tt.errInput)
				continue
			}
			if got := errors.Is(err, ErrUnbounded); got != tt.unbounded {
				t.Errorf("%s%v: errors.Is(err, ErrUnbounded) = %v, want %v", tt.id, tt.x, got, tt.unbounded)
			}
		}
		if math.IsNaN(got) {
			t.Errorf("%s%v = NaN; formulas never return NaN", tt.id, tt.x)
		}
		if !close(got, tt.want) {
			t.Errorf("%s%v = %.12g, want %.12g", tt.id, tt.x, got, tt.want)
		}
	}
}

// close reports whether a and b agree to 1e-9 relative (or are equal infinities).
func close(a, b float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// TestRetentionVariantsRelate checks the identities Fader & Hardie use to
// reconcile the variants: (b) = (c)·(1+d), (a) = (c)·r, and that truncated
// CLV tends to (b).
func TestRetentionVariantsRelate(t *testing.T) {
	for _, c := range []struct{ m, r, d float64 }{{100, 0.8, 0.1}, {7, 0.3, 0.01}, {-20, 0.95, 0.008}, {1, 1, 0.5}} {
		a, _ := RetentionA(c.m, c.r, c.d)
		b, _ := RetentionB(c.m, c.r, c.d)
		cc, _ := RetentionC(c.m, c.r, c.d)
		tr, _ := RetentionTruncated(c.m, c.r, c.d, 1e5)
		if !close(b, cc*(1+c.d)) || !close(a, cc*c.r) || !close(tr, b) {
			t.Errorf("%+v: a=%g b=%g c=%g truncated=%g break the identities", c, a, b, cc, tr)
		}
		// Truncated CLV is the partial sum: check the closed form against a loop.
		sum, disc := 0.0, 1.0
		for h := 0; h < 40; h++ {
			got, err := RetentionTruncated(c.m, c.r, c.d, float64(h))
			if err != nil || !close(got, sum) {
				t.Fatalf("%+v H=%d: got %g, %v; loop gives %g", c, h, got, err, sum)
			}
			sum += c.m * disc
			disc *= c.r / (1 + c.d)
		}
	}
}

func TestRegistryMetadata(t *testing.T) {
	r := Builtin()
	want := []string{
		"aov_frequency_lifespan", "aov_frequency_churn", "margin_clv", "revenue_years_cac",
		"historic_plus_remaining",
		"retention_a", "retention_b", "retention_c", "retention_truncated",
		"subscription_ltv", "cac_payback_months", "ltv_cac_ratio", "max_cac",
	}
	ids := r.IDs()
	if len(ids) != len(want) {
		t.Fatalf("IDs() = %v, want %v", ids, want)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("IDs() = %v, want %v", ids, want)
		}
	}
	for _, f := range r.All() {
		if f.Name == "" || f.Text == "" || f.Explanation == "" || f.Source == "" || f.Output == "" || f.Family == "" {
			t.Errorf("%s: incomplete metadata %+v", f.ID, f)
		}
		if f.Family == "retention" && f.Variant == "" {
			t.Errorf("%s: retention formulas must state their variant", f.ID)
		}
		for _, in := range f.Inputs {
			if in.Label == "" || in.Unit == "" || in.Description == "" || in.WhereToFind == "" {
				t.Errorf("%s: input %s has incomplete metadata", f.ID, in.Name)
			}
			if err := in.Check(in.Default); err != nil {
				t.Errorf("%s: default of %s is illegal: %v", f.ID, in.Name, err)
			}
		}
		// Every formula evaluates at its defaults, to a finite number.
		x := f.Defaults()
		if v, err := f.Eval(x); err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			t.Errorf("%s at defaults %v = %g, %v", f.ID, x, v, err)
		}
		if _, err := f.Render(x, nil); err != nil {
			t.Errorf("%s: Render at defaults: %v", f.ID, err)
		}
	}
}

func TestRegistryEvalMap(t *testing.T) {
	r := Builtin()
	got, err := r.Eval("margin_clv", map[string]float64{"aov": 100, "frequency": 3, "lifespan": 5, "gross_margin": 0.3})
	if err != nil || got != 450 { // 100 × 3 × 5 × 0.3
		t.Fatalf("Eval margin_clv = %g, %v; want 450", got, err)
	}
	var ie *InputError
	_, err = r.Eval("margin_clv", map[string]float64{"aov": 100, "frequency": 3, "lifespan": 5})
	if !errors.As(err, &ie) || ie.Input != "gross_margin" {
		t.Errorf("missing input: got %v, want an *InputError for gross_margin", err)
	}
	_, err = r.Eval("margin_clv", map[string]float64{"aov": 100, "frequency": 3, "lifespan": 5, "gross_margin": 0.3, "margn": 1})
	if !errors.As(err, &ie) || ie.Input != "margn" {
		t.Errorf("unknown input: got %v, want an *InputError for margn", err)
	}
	if _, err := r.Eval("clv_article", nil); err == nil {
		t.Error("unknown formula: got no error")
	}
	f, _ := r.Lookup("retention_a")
	if _, err := f.Eval([]float64{1, 2}); err == nil {
		t.Error("wrong number of values: got no error")
	}
	if err := r.Add(f); err == nil {
		t.Error("duplicate ID: got no error")
	}
	if err := r.Add(Formula{ID: "Bad-ID"}); err == nil {
		t.Error("bad ID: got no error")
	}
	var zero Formula
	if _, err := zero.Eval(nil); err == nil {
		t.Error("zero Formula: got no error")
	}
}

func TestInputErrorMessage(t *testing.T) {
	for _, tc := range []struct {
		retention float64
		want      string
	}{
		{1.2, `formula retention_a: input "retention" = 1.2: must be in [0, 1]; it is a fraction: 0.012 means 1.2 %`},
		// A percent typed as a number: the message says what 80 % is.
		{80, `formula retention_a: input "retention" = 80: must be in [0, 1]; it is a fraction: 0.8 means 80 %`},
		{101, `formula retention_a: input "retention" = 101: must be in [0, 1]`},
		{-0.5, `formula retention_a: input "retention" = -0.5: must be in [0, 1]`},
	} {
		_, err := RetentionA(100, tc.retention, 0.1)
		if err == nil || err.Error() != tc.want {
			t.Errorf("retention %v: error = %v, want %s", tc.retention, err, tc.want)
		}
	}
}
