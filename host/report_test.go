package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/core/compare"
	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/host/internal/report"
)

var numberTests = []struct {
	v    float64
	dec  int
	want string
}{
	{0, 0, "0"},
	{999, 0, "999"},
	{1000, 0, "1,000"},
	{1234567.891, 2, "1,234,567.89"},
	{-1234.5, 1, "-1,234.5"},
	{-0.0001, 2, "0.00"}, // no "-0.00"
	{123456, 0, "123,456"},
}

func TestNumber(t *testing.T) {
	for _, tt := range numberTests {
		if got := number(tt.v, tt.dec); got != tt.want {
			t.Errorf("number(%v, %d) = %q, want %q", tt.v, tt.dec, got, tt.want)
		}
	}
	if got := percent(1, 3); got != "33.3 %" {
		t.Errorf("percent(1, 3) = %q", got)
	}
	if got := percent(1, 0); got != "–" {
		t.Errorf("percent(1, 0) = %q", got)
	}
	if got := signedPercent(4.25); got != "+4.2 %" && got != "+4.3 %" {
		t.Errorf("signedPercent(4.25) = %q", got)
	}
}

// TestDecileBounds: ten groups whose sizes differ by at most one and add
// up to n (n·k/10 rounded down).
func TestDecileBounds(t *testing.T) {
	for _, n := range []int{0, 1, 9, 10, 11, 2357} {
		b := decileBounds(n)
		if b[0] != 0 || b[10] != n {
			t.Errorf("n=%d: bounds %v", n, b)
		}
		lo, hi := n, 0
		for k := range 10 {
			lo, hi = min(lo, b[k+1]-b[k]), max(hi, b[k+1]-b[k])
		}
		if hi-lo > 1 {
			t.Errorf("n=%d: decile sizes from %d to %d", n, lo, hi)
		}
	}
	if b := decileBounds(2357); b[1] != 235 || b[2] != 471 {
		t.Errorf("2357 customers: first deciles end at %d, %d; want 235, 471", b[1], b[2])
	}
}

// TestHoldoutSectionsEdgeCases draws the holdout sections of a comparison
// where a model failed, a frequency bucket is empty and there is no
// tracking: the failure is said, the empty bucket is a gap ("–"), and the
// page still renders.
func TestHoldoutSectionsEdgeCases(t *testing.T) {
	groups := func(pred float64) []model.HoldoutGroup {
		g := make([]model.HoldoutGroup, compare.MaxFrequencyBucket+1)
		for i := range g {
			g[i] = model.HoldoutGroup{Frequency: i, Open: i == compare.MaxFrequencyBucket, Customers: 10, Actual: 0.5, Predicted: pred}
		}
		g[3].Customers, g[3].Actual, g[3].Predicted = 0, 0, 0
		return g
	}
	rep := &compare.Report{Customers: 70, Unit: "weeks", HoldoutLength: 13, ActualHoldout: 35, CustomersWithHoldout: 20,
		Models: []compare.Model{
			{Name: "bgnbd", PredictedHoldout: 30, ErrorPercent: -14.29, ConditionalExpectations: groups(0.4),
				Alive: []compare.AliveDecile{{Decile: 1, Customers: 7, MeanPAlive: 0.2, PredictedActive: 0.1, ActualActive: 0.15}}},
			{Name: "paretonbd", Err: "fit Pareto/NBD: did not converge"},
		},
		Choice: compare.Choice{Model: "bgnbd", Criterion: compare.CriterionHoldoutLogLikelihood, Value: -50.25}}
	secs := holdoutSections(rep, "bgnbd", "2024-03-31", "2024-06-30")
	var b bytes.Buffer
	if err := report.Render(&b, &report.Report{Title: "t", Sections: secs}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		"Pareto/NBD could not be fitted: fit Pareto/NBD: did not converge",
		`<th scope="col" class="num">Pareto/NBD</th>`,
		"Best on the holdout: BG/NBD, with the highest holdout log-likelihood (-50.2500)",
		// Bucket 3 has no customers: no point, a dash in the table.
		`<th scope="row">3</th><td class="num">–</td><td class="num">–</td>`,
		`<th scope="row">2</th><td class="num">0.5000</td><td class="num">0.4000</td>`,
		"P(alive) against who bought again (BG/NBD)",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(page, "tracking-cumulative") {
		t.Error("tracking charts without tracking data")
	}
	if !strings.Contains(page, "BG/NBD (scored)") {
		t.Error("the scored model is not marked")
	}
}
