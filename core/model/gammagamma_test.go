package model

import (
	"encoding/csv"
	"errors"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// modelBReadCSV reads a testdata CSV file into a header and float rows.
func modelBReadCSV(t testing.TB, name string) ([]string, [][]float64) {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out := make([][]float64, 0, len(recs)-1)
	for i, rec := range recs[1:] {
		row := make([]float64, len(rec))
		for j, s := range rec {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%s: line %d: column %q: %v", name, i+2, recs[0][j], err)
			}
			row[j] = v
		}
		out = append(out, row)
	}
	return recs[0], out
}

// cdnowSpendRows returns the CDNOW calibration summary (lifetimes'
// cdnow_customers_summary_with_transactions.csv: ID,x,t_x,T,zbar) as spend rows.
func cdnowSpendRows(t testing.TB) []SpendRow {
	_, recs := modelBReadCSV(t, "cdnow_with_tx.csv")
	rows := make([]SpendRow, len(recs))
	for i, r := range recs {
		rows[i] = SpendRow{Frequency: r[1], MeanSpend: r[4], Weight: 1}
	}
	return rows
}

// gammaGammaCDNOW is the optimum this package reaches on CDNOW (946
// customers with x > 0). lifetimes' documentation reports p = 6.25,
// q = 3.74, v = 15.45 (FHL 2005 and note 025 report the same to 2 dp).
var gammaGammaCDNOW = GammaGamma{P: 6.248803991278418, Q: 3.744587968686026, V: 15.447741129666236}

func TestFitGammaGammaCDNOW(t *testing.T) {
	rows := cdnowSpendRows(t)
	g, fit, err := FitGammaGamma(rows, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mine := []float64{gammaGammaCDNOW.P, gammaGammaCDNOW.Q, gammaGammaCDNOW.V}
	published := []float64{6.25, 3.74, 15.45}
	for i, name := range fit.Names {
		if !modelBRelClose(fit.Params[i], mine[i], 1e-3) {
			t.Errorf("%s = %v, want %v", name, fit.Params[i], mine[i])
		}
		if math.Abs(fit.Params[i]-published[i]) > 0.005 {
			t.Errorf("%s = %v does not round to lifetimes' %v", name, fit.Params[i], published[i])
		}
		if se := fit.StdErrors[i]; !(se > 0) || math.IsInf(se, 0) {
			t.Errorf("SE(%s) = %v", name, se)
		}
	}
	// LL at the optimum (this package; lifetimes does not print it).
	if math.Abs(fit.LogLikelihood-(-4055.9232)) > 1e-3 {
		t.Errorf("LL = %v, want −4055.9232", fit.LogLikelihood)
	}
	if fit.Customers != 946 || fit.Excluded != 1411 || fit.Rows != 946 {
		t.Errorf("customers %v excluded %v rows %d, want 946, 1411, 946", fit.Customers, fit.Excluded, fit.Rows)
	}
	// lifetimes' documentation: corr(frequency, monetary) = 0.113884.
	if math.Abs(fit.Correlation-0.113884) > 1e-5 || fit.Warning != "" {
		t.Errorf("correlation %v, warning %q; want 0.113884 and none", fit.Correlation, fit.Warning)
	}
	// A different start (lifetimes' ones) reaches the same optimum.
	g2, _, err := FitGammaGamma(rows, FitOptions{Start: []float64{1, 1, 1}})
	if err != nil || !modelBRelClose(g2.P, g.P, 1e-5) || !modelBRelClose(g2.Q, g.Q, 1e-5) || !modelBRelClose(g2.V, g.V, 1e-5) {
		t.Errorf("from ones: %+v (%v), default start %+v", g2, err, g)
	}
	// Bit-identical refit.
	if g3, _, _ := FitGammaGamma(rows, FitOptions{}); g3 != g {
		t.Errorf("refit %+v differs from %+v", g3, g)
	}
}

// lifetimes' documentation lists conditional expected average profit for
// the first CDNOW customers: 24.658619, 18.911489, then 35.170981 (x = 0,
// the population mean).
var gammaGammaSpendTests = []struct {
	x, zbar, want float64
}{
	{2, 22.35, 24.658619},
	{1, 11.77, 18.911489},
	{0, 0, 35.170981},
}

func TestGammaGammaConditionalExpectedSpend(t *testing.T) {
	g := gammaGammaCDNOW
	for _, tt := range gammaGammaSpendTests {
		got, err := g.ConditionalExpectedSpend(tt.x, tt.zbar)
		if err != nil || !modelBRelClose(got, tt.want, 2e-6) {
			t.Errorf("E[Z | %v, %v] = %v (%v), want %v", tt.x, tt.zbar, got, err, tt.want)
		}
	}
	// Hand calculation, p=2, q=3, v=10, x=4, z̄=20: 2(10+80)/(8+2) = 18;
	// weighted form: 2/10·(2·10/2) + 8/10·20 = 2 + 16 = 18.
	if got, _ := (GammaGamma{2, 3, 10}).ConditionalExpectedSpend(4, 20); math.Abs(got-18) > 1e-12 {
		t.Errorf("hand case: %v, want 18", got)
	}
	// Extreme but legal: the customer's own mean dominates.
	got, err := g.ConditionalExpectedSpend(500, 1e9)
	if err != nil || math.IsInf(got, 0) || math.IsNaN(got) || !modelBRelClose(got, 1e9, 1e-3) {
		t.Errorf("x=500, z̄=1e9: %v (%v)", got, err)
	}
	// q ≤ 1: no population mean.
	h := GammaGamma{P: 1, Q: 0.8, V: 5}
	if m, err := h.MeanSpend(); !errors.Is(err, ErrNoMeanSpend) || !math.IsInf(m, 1) {
		t.Errorf("MeanSpend with q<1: %v, %v", m, err)
	}
	if _, err := h.ConditionalExpectedSpend(0, 0); !errors.Is(err, ErrNoMeanSpend) {
		t.Errorf("x=0 with q<1: err %v", err)
	}
	if got, err := (GammaGamma{P: 0.1, Q: 0.5, V: 5}).ConditionalExpectedSpend(2, 10); !errors.Is(err, ErrNoMeanSpend) || !math.IsInf(got, 1) {
		t.Errorf("px+q<1: %v, %v", got, err)
	}
	if got, err := h.ConditionalExpectedSpend(1, 10); err != nil || !modelBRelClose(got, 1*(5+10)/0.8, 1e-14) {
		t.Errorf("q<1, x=1: %v, %v", got, err)
	}
	if _, err := g.ConditionalExpectedSpend(-1, 3); err == nil {
		t.Error("negative x: no error")
	}
}

func TestGammaGammaLogLikelihoodExtreme(t *testing.T) {
	g := gammaGammaCDNOW
	rows := []SpendRow{{500, 1e6, 1}, {500, 1e-3, 1}, {1, 1e12, 1}, {1e6, 50, 1}}
	for _, r := range rows {
		ll := g.LogLikelihood([]SpendRow{r})
		if math.IsNaN(ll) || math.IsInf(ll, 0) {
			t.Errorf("LL(%+v) = %v", r, ll)
		}
	}
	// Excluded rows contribute nothing; weights multiply.
	one := g.LogLikelihood([]SpendRow{{3, 20, 1}})
	if got := g.LogLikelihood([]SpendRow{{3, 20, 2.5}, {0, 0, 7}, {2, 0, 1}}); math.Abs(got-2.5*one) > 1e-12 {
		t.Errorf("weighted LL %v, want %v", got, 2.5*one)
	}
	if !math.IsNaN(g.LogLikelihood([]SpendRow{{-1, 3, 1}})) || !math.IsNaN(GammaGamma{}.LogLikelihood(nil)) {
		t.Error("invalid input: want NaN")
	}
}

func TestFitGammaGammaCorrelationWarning(t *testing.T) {
	var rows []SpendRow
	// Mean spend grows with frequency, with a wide spread across customers.
	for x := 1.0; x <= 30; x++ {
		for _, m := range []float64{0.3, 1, 4, 12} {
			rows = append(rows, SpendRow{Frequency: x, MeanSpend: (2 + x) * m, Weight: 1})
		}
	}
	_, fit, err := FitGammaGamma(rows, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Pearson r of x and (2+x)·m over the 120 rows: 0.38163.
	if math.Abs(fit.Correlation-0.38163) > 1e-5 || fit.Warning == "" {
		t.Errorf("correlation %v, warning %q: want 0.38163 and a warning", fit.Correlation, fit.Warning)
	}
}

// gammaGammaFitErrorTests are data FitGammaGamma refuses: those that do
// not identify the model wrap ErrNotIdentified (a caller may fall back),
// unreadable rows are a *RowError naming the row and field (row -1: none).
var gammaGammaFitErrorTests = []struct {
	name       string
	rows       []SpendRow
	identified bool // false: the error wraps ErrNotIdentified
	row        int
	field      string
}{
	{"empty", nil, false, -1, ""},
	{"no repeat buyers", []SpendRow{{0, 0, 10}, {0, 0, 3}}, false, -1, ""},
	{"zero spends", []SpendRow{{2, 0, 10}, {3, 0, 3}}, false, -1, ""},
	{"one customer", []SpendRow{{2, 10, 1}}, false, -1, ""},
	{"one mean spend", []SpendRow{{2, 10, 5}, {4, 10, 6}}, false, -1, ""},
	// A negative mean spend is left out, leaving one mean spend.
	{"negative spend leaves one", []SpendRow{{2, -10, 5}, {4, 10, 6}}, false, -1, ""},
	{"NaN weight", []SpendRow{{2, 10, 1}, {2, 10, math.NaN()}, {4, 12, 6}}, true, 1, "Weight"},
	{"NaN mean spend", []SpendRow{{2, 10, 1}, {3, 11, 1}, {2, math.NaN(), 1}}, true, 2, "MeanSpend"},
	{"infinite mean spend", []SpendRow{{2, math.Inf(-1), 1}, {3, 11, 1}}, true, 0, "MeanSpend"},
	{"negative frequency", []SpendRow{{2, 10, 1}, {-1, 11, 1}}, true, 1, "Frequency"},
}

func TestFitGammaGammaErrors(t *testing.T) {
	for _, tt := range gammaGammaFitErrorTests {
		_, _, err := FitGammaGamma(tt.rows, FitOptions{})
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if errors.Is(err, ErrNotIdentified) == tt.identified {
			t.Errorf("%s: %v: wraps ErrNotIdentified = %v, want %v", tt.name, err, !tt.identified, !tt.identified)
		}
		var re *RowError
		if isRow := errors.As(err, &re); isRow != (tt.row >= 0) || isRow && (re.Row != tt.row || re.Field != tt.field) {
			t.Errorf("%s: %#v, want a *RowError for row %d, field %s", tt.name, err, tt.row, tt.field)
		}
		// The message names the field, never the internal position.
		if strings.Contains(err.Error(), "row") {
			t.Errorf("%s: message %q names a row", tt.name, err)
		}
	}
}

// TestFitGammaGammaNonPositive: customers with repeat purchases whose mean
// spend is ≤ 0 (returns netted) are left out and counted, and the fit is
// the one without them, bit for bit.
func TestFitGammaGammaNonPositive(t *testing.T) {
	rows := cdnowSpendRows(t)
	want, wantFit, err := FitGammaGamma(rows, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	more := append(slices.Clone(rows), SpendRow{3, -81.27, 1}, SpendRow{1, 0, 2}, SpendRow{5, -0.01, 1})
	got, fit, err := FitGammaGamma(more, FitOptions{})
	if err != nil {
		t.Fatalf("refund rows: %v", err)
	}
	if got != want {
		t.Errorf("fit with refund rows %+v, want %+v", got, want)
	}
	// 1411 one-time buyers, plus 1 + 2 + 1 customers with a mean ≤ 0.
	if fit.NonPositive != 4 || fit.Excluded != wantFit.Excluded+4 || fit.Customers != wantFit.Customers {
		t.Errorf("non-positive %v, excluded %v, customers %v; want 4, %v, %v", fit.NonPositive, fit.Excluded, fit.Customers, wantFit.Excluded+4, wantFit.Customers)
	}
	if a, b := got.LogLikelihood(more), want.LogLikelihood(rows); a != b {
		t.Errorf("LL with refund rows %v, without %v: they contribute nothing", a, b)
	}
}

func BenchmarkFitGammaGamma(b *testing.B) {
	rows := cdnowSpendRows(b)
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := FitGammaGamma(rows, FitOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(rows)), "ns/customer")
}
