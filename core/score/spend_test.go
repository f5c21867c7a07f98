package score

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/summary"
)

// synthCustomers makes n customers whose purchase histories are drawn
// from BG/NBD with CDNOW's parameters (ages 20-40 weeks, about half of them
// one-time buyers) and, for the repeat buyers, a mean repeat spend from
// spend(x, rng). Ids are c0000, c0001, ...; Revenue is the first purchase
// (a fixed 20) plus the repeat spend.
func synthCustomers(n int, seed uint64, spend func(x int, rng *rand.Rand) float64) []summary.Customer {
	rng := rand.New(rand.NewPCG(seed, 1))
	bg := model.BGNBD{R: 0.25, Alpha: 4.4, A: 0.8, B: 2.4}
	cs := make([]summary.Customer, n)
	var times []float64
	for i := range cs {
		c := summary.Customer{ID: fmt.Sprintf("c%04d", i), T: 20 + 20*rng.Float64()}
		times = bg.PurchaseTimes(rng, c.T, times[:0])
		if len(times) > 0 {
			c.Frequency = len(times)
			c.Recency = times[len(times)-1]
			c.Monetary = spend(c.Frequency, rng)
		}
		c.Revenue = 20 + float64(c.Frequency)*c.Monetary
		cs[i] = c
	}
	return cs
}

// uniformSpend is the mean of x amounts drawn uniformly from [10, 50]:
// every customer spends alike, so Gamma-Gamma's between-customer spread
// vanishes and its q and v grow without bound.
func uniformSpend(x int, rng *rand.Rand) float64 {
	s := 0.0
	for range x {
		s += 10 + 40*rng.Float64()
	}
	return s / float64(x)
}

// heavySpend draws the mean spend from the Gamma-Gamma model itself with
// p = 2, q = 0.6 (ν ~ Gamma(q, rate 5), z̄ ~ Gamma(p·x, rate ν·x)): with
// q < 1 the population mean spend is infinite, and the fit finds q < 1.
func heavySpend(x int, rng *rand.Rand) float64 {
	nu := distuv.Gamma{Alpha: 0.6, Beta: 5, Src: rng}.Rand()
	return distuv.Gamma{Alpha: 2 * float64(x), Beta: nu * float64(x), Src: rng}.Rand()
}

func synthOptions() Options {
	return Options{Purchase: BGNBD, Spend: true, CLV: model.CLVOptions{Months: 12, Margin: 1, DaysPerUnit: 7}}
}

// ownMeanAverage is the fallback's population mean, computed the slow way:
// the repeat buyers' (positive) mean spends weighted by their frequency.
func ownMeanAverage(cs []summary.Customer) float64 {
	var num, den float64
	for _, c := range cs {
		if c.Frequency > 0 && c.Monetary > 0 {
			num += float64(c.Frequency) * c.Monetary
			den += float64(c.Frequency)
		}
	}
	return num / den
}

// TestScoreSpendFallback triggers each reason the Gamma-Gamma fit cannot
// be used and checks that the run still gives the purchase model's results
// and falls back to the customers' own mean repeat spend, marked in
// spend_source and explained in a warning.
func TestScoreSpendFallback(t *testing.T) {
	tests := []struct {
		name     string
		cs       []summary.Customer
		fallback string
		reason   string
	}{
		// Uniform amounts leave no spread between customers for ν, so q and
		// v run off to infinity; with seed 4 the optimiser stops on the way
		// (ErrNotConverged, checked below). Other seeds stop at q ≈ 1e7 and
		// report convergence: a degenerate but usable fit, which gives
		// everyone about the population mean.
		{"uniform amounts", synthCustomers(500, 4, uniformSpend), FallbackNotConverged, "did not converge"},
		{"q below 1", synthCustomers(500, 1, heavySpend), FallbackNoMeanSpend, "≤ 1"},
		{"one mean spend", synthCustomers(200, 3, func(int, *rand.Rand) float64 { return 25 }), FallbackNotIdentified, "single mean spend"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fallback == FallbackNotConverged {
				// The precondition: the fit itself does not converge on
				// these customers.
				rows := make([]model.SpendRow, len(tt.cs))
				for i, c := range tt.cs {
					rows[i] = model.SpendRow{Frequency: float64(c.Frequency), MeanSpend: c.Monetary, Weight: 1}
				}
				if _, _, err := model.FitGammaGamma(rows, model.FitOptions{}); !errors.Is(err, model.ErrNotConverged) {
					t.Fatalf("FitGammaGamma on the test data: %v, want ErrNotConverged", err)
				}
			}
			res, err := Score(context.Background(), tt.cs, synthOptions())
			if err != nil {
				t.Fatalf("Score: %v", err)
			}
			est := res.SpendEstimate
			if est.Method != EstimateOwnMean || est.Fallback != tt.fallback || !strings.Contains(est.Reason, tt.reason) {
				t.Fatalf("estimate %+v, want own_mean after %s (%q)", est, tt.fallback, tt.reason)
			}
			if res.Spend != (model.GammaGamma{}) {
				t.Errorf("Result.Spend = %+v, want zero: the fit is not used", res.Spend)
			}
			if _, ok := res.Column("p_alive"); !ok || len(res.PurchaseFit.Params) != 4 {
				t.Fatal("no purchase-model results")
			}
			pop := ownMeanAverage(tt.cs)
			if math.Abs(est.PopulationMean-pop) > 1e-9*pop {
				t.Errorf("population mean %v, want %v", est.PopulationMean, pop)
			}
			spend, _ := res.Column("expected_spend")
			src, _ := res.Column("spend_source")
			freq, _ := res.Column("frequency")
			mon, _ := res.Column("monetary_value")
			clv, _ := res.Column("clv")
			for i := range res.IDs {
				want, wantSrc := mon.Floats[i], SourceOwnMean
				if freq.Floats[i] == 0 {
					want, wantSrc = pop, SourcePopulation
				}
				if spend.Floats[i] != want || src.Labels[i] != wantSrc {
					t.Fatalf("customer %s: expected_spend %v (%s), want %v (%s)", res.IDs[i], spend.Floats[i], src.Labels[i], want, wantSrc)
				}
				if math.IsNaN(clv.Floats[i]) || clv.Floats[i] < 0 {
					t.Fatalf("customer %s: clv %v", res.IDs[i], clv.Floats[i])
				}
			}
			found := false
			for _, w := range res.Warnings {
				found = found || strings.Contains(w, "Gamma-Gamma spend model is not used") && strings.Contains(w, fmt.Sprintf("%.2f", pop))
			}
			if !found {
				t.Errorf("no fallback warning naming the population average %.2f: %q", pop, res.Warnings)
			}
		})
	}
}

// TestScoreSpendNonPositive: customers whose repeat purchases net to ≤ 0
// are left out of the Gamma-Gamma fit (the fit equals one without them),
// get the population mean p·v/(q−1), and are counted and named (ten at
// most) in a warning.
func TestScoreSpendNonPositive(t *testing.T) {
	base := cdnow(t)
	for _, n := range []int{3, 14} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			cs := slices.Clone(base)
			var ids []string
			for i := range cs {
				if cs[i].Frequency > 0 && len(ids) < n {
					cs[i].Monetary = -float64(len(ids)) // 0, -1, -2, ...
					ids = append(ids, cs[i].ID)
				}
			}
			res, err := Score(context.Background(), cs, cdnowOptions())
			if err != nil {
				t.Fatalf("Score: %v", err)
			}
			// The fit without these customers.
			var rows []model.SpendRow
			for _, c := range cs {
				if !slices.Contains(ids, c.ID) {
					rows = append(rows, model.SpendRow{Frequency: float64(c.Frequency), MeanSpend: c.Monetary, Weight: 1})
				}
			}
			want, _, err := model.FitGammaGamma(rows, model.FitOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Spend != want {
				t.Errorf("fit %+v, want %+v (the fit without the %d customers)", res.Spend, want, n)
			}
			est := res.SpendEstimate
			pop, _ := want.MeanSpend()
			named := ids[:min(n, MaxNamedCustomers)]
			if est.Method != EstimateGammaGamma || est.NonPositive != n || !slices.Equal(est.NonPositiveIDs, named) || est.PopulationMean != pop {
				t.Fatalf("estimate %+v; want %d non-positive, ids %v, population mean %v", est, n, named, pop)
			}
			if res.SpendFit.NonPositive != float64(n) || est.OneTime != 1411 {
				t.Errorf("fit counts %v non-positive, %d one-time; want %d, 1411", res.SpendFit.NonPositive, est.OneTime, n)
			}
			spend, _ := res.Column("expected_spend")
			src, _ := res.Column("spend_source")
			for i, id := range res.IDs {
				if slices.Contains(ids, id) && (spend.Floats[i] != pop || src.Labels[i] != SourcePopulationNonPositive) {
					t.Errorf("customer %s: %v (%s), want %v (%s)", id, spend.Floats[i], src.Labels[i], pop, SourcePopulationNonPositive)
				}
			}
			warning := strings.Join(res.Warnings, "\n")
			wantText := fmt.Sprintf("%d customer(s) with repeat purchases whose mean value is ≤ 0 after returns (ids %s", n, strings.Join(named, ", "))
			if n > MaxNamedCustomers {
				wantText += fmt.Sprintf(", … and %d more)", n-MaxNamedCustomers)
			}
			if !strings.Contains(warning, wantText) {
				t.Errorf("warnings %q lack %q", warning, wantText)
			}
		})
	}
}

// customerErrorTests are customers Score cannot score; each error must be
// a *CustomerError naming the customer, and no message may carry an
// internal position ("row 3", "rows 1..").
var customerErrorTests = []struct {
	name string
	edit func(cs []summary.Customer) // breaks customer c0007
	o    func(o *Options)
	want string
}{
	{"recency beyond T", func(cs []summary.Customer) { cs[7].Frequency, cs[7].Recency = 2, cs[7].T+1 }, nil, "recency"},
	{"negative T", func(cs []summary.Customer) { cs[7].T = -1 }, nil, "T -1"},
	{"NaN monetary", func(cs []summary.Customer) { cs[7].Frequency, cs[7].Recency, cs[7].Monetary = 1, 1, math.NaN() }, nil, "monetary value NaN: want a finite number"},
	{"NaN monetary, no spend model", func(cs []summary.Customer) { cs[7].Frequency, cs[7].Recency, cs[7].Monetary = 1, 1, math.NaN() },
		func(o *Options) { o.Spend, o.RFMMonetary = false, RFMRepeatMean }, "monetary value NaN: want a finite number"},
	{"formula fails for one customer", func(cs []summary.Customer) { cs[7].Frequency, cs[7].Recency = 7, 1 },
		func(o *Options) {
			e, err := NewExpression("odd", "1 / (frequency - 7)")
			if err != nil {
				panic(err)
			}
			o.Columns = []Columner{e}
		}, `formula "odd"`},
	{"BG/BB pattern", func(cs []summary.Customer) {
		// Whole opportunities, every pattern valid (x ≤ t_x = n) but
		// c0007's: 9 purchases in 3 opportunities.
		for i := range cs {
			cs[i].T = math.Round(cs[i].T)
			if cs[i].Frequency > 0 {
				cs[i].Recency = cs[i].T
			}
		}
		cs[7].Frequency, cs[7].Recency = 9, 3
	}, func(o *Options) { o.Purchase = BGBB }, "frequency 9"},
}

func TestScoreCustomerErrors(t *testing.T) {
	for _, tt := range customerErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			cs := synthCustomers(200, 5, uniformSpend)
			tt.edit(cs)
			o := synthOptions()
			if tt.o != nil {
				tt.o(&o)
			}
			_, err := Score(context.Background(), cs, o)
			var ce *CustomerError
			if !errors.As(err, &ce) || ce.ID != "c0007" {
				t.Fatalf("err = %v, want a *CustomerError for c0007", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, `customer "c0007"`) || !strings.Contains(msg, tt.want) {
				t.Errorf("error %q lacks customer \"c0007\" or %q", msg, tt.want)
			}
			for _, bad := range []string{"row ", "rows ", ".."} {
				if strings.Contains(msg, bad) {
					t.Errorf("error %q names an internal position (%q)", msg, bad)
				}
			}
		})
	}
}

// rfmCustomers are five customers whose RFM M is worked out by hand in
// TestRFMMonetary (recency gaps and frequencies do not matter to M).
//
//	id  frequency  Revenue  monetary  average_order = Revenue/(f+1)  total
//	a   0          50       0         50                              50
//	b   1          30       10        15                              30
//	c   3          100      20        25                              100
//	d   0          8        0         8                               8
//	e   2          60       25        20                              60
func rfmCustomers() []summary.Customer {
	return []summary.Customer{
		{ID: "a", Frequency: 0, Recency: 0, T: 10, Revenue: 50},
		{ID: "b", Frequency: 1, Recency: 4, T: 10, Revenue: 30, Monetary: 10},
		{ID: "c", Frequency: 3, Recency: 9, T: 10, Revenue: 100, Monetary: 20},
		{ID: "d", Frequency: 0, Recency: 0, T: 6, Revenue: 8},
		{ID: "e", Frequency: 2, Recency: 5, T: 8, Revenue: 60, Monetary: 25},
	}
}

// TestRFMMonetary checks M in each mode against the hand-worked table of
// rfmCustomers. Score k of a value is 1 + ⌊5·(values strictly below)/5⌋:
//
//	average_order  50 15 25 8 20 → below 4 1 3 0 2 → M 5 2 4 1 3
//	repeat_mean     0 10 20 0 25 → below 0 2 3 0 4 → M 1 3 4 1 5
//	total          50 30 100 8 60 → below 2 1 4 0 3 → M 3 2 5 1 4
//
// A summary input ranks repeat_mean whatever the mode, and says so.
func TestRFMMonetary(t *testing.T) {
	tests := []struct {
		mode    string
		summary bool
		want    []float64 // M of a, b, c, d, e
		used    string
	}{
		{"", false, []float64{5, 2, 4, 1, 3}, RFMAverageOrder},
		{RFMAverageOrder, false, []float64{5, 2, 4, 1, 3}, RFMAverageOrder},
		{RFMRepeatMean, false, []float64{1, 3, 4, 1, 5}, RFMRepeatMean},
		{RFMTotal, false, []float64{3, 2, 5, 1, 4}, RFMTotal},
		{RFMAverageOrder, true, []float64{1, 3, 4, 1, 5}, RFMRepeatMean},
		{RFMTotal, true, []float64{1, 3, 4, 1, 5}, RFMRepeatMean},
		{RFMRepeatMean, true, []float64{1, 3, 4, 1, 5}, RFMRepeatMean},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/summary=%v", tt.mode, tt.summary), func(t *testing.T) {
			o := Options{RFMMonetary: tt.mode, SummaryInput: tt.summary, CLV: synthOptions().CLV}
			res, err := Score(context.Background(), rfmCustomers(), o)
			if err != nil {
				t.Fatal(err)
			}
			m, _ := res.Column("m")
			if !slices.Equal(m.Floats, tt.want) || res.RFMMonetary != tt.used {
				t.Errorf("M = %v (%s), want %v (%s)", m.Floats, res.RFMMonetary, tt.want, tt.used)
			}
			wantNote := tt.summary && tt.mode != RFMRepeatMean
			if (len(res.Notes) > 0) != wantNote || wantNote && !strings.Contains(res.Notes[0], "summary input") {
				t.Errorf("notes %q, want a note: %v", res.Notes, wantNote)
			}
		})
	}
	_, err := Score(context.Background(), rfmCustomers(), Options{RFMMonetary: "median", CLV: synthOptions().CLV})
	if err == nil || !strings.Contains(err.Error(), `"median" is not one of average_order, repeat_mean, total`) {
		t.Errorf("unknown mode: %v", err)
	}
}
