package modelfile

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/summary"
)

// cdnow summarizes the CDNOW sample (core/model/testdata, lifetimes, MIT)
// as Fader, Hardie & Lee (2005) do: day grain, weeks, calibration ending
// 1997-09-30.
func cdnow(t testing.TB) []summary.Customer {
	t.Helper()
	f, err := os.Open("../model/testdata/CDNOW_sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := summary.NewBuilder(summary.Options{Grain: summary.Day, Unit: summary.Weeks,
		ObservationEnd: time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	err = summary.ReadCSV(f, summary.CSVOptions{Whitespace: true, DateFormat: "YYYYMMDD",
		Columns: summary.Columns{Customer: "2", Date: "3", Amount: "5"}}, b)
	if err != nil {
		t.Fatal(err)
	}
	s, err := b.Summary()
	if err != nil {
		t.Fatal(err)
	}
	return s.Customers
}

func cdnowOptions() score.Options {
	return score.Options{Purchase: score.BGNBD, Spend: true, TierColumn: "clv",
		CLV: model.CLVOptions{Months: 12, AnnualDiscountRate: 0.1, Margin: 0.3, DaysPerUnit: 7}}
}

// TestRoundTrip fits each purchase model and Gamma-Gamma to CDNOW,
// freezes both, writes and reads them back, and scores again with the
// frozen models: every column must equal the fitted run's bit for bit.
func TestRoundTrip(t *testing.T) {
	cs := cdnow(t)
	data := score.FrozenData{Unit: "weeks", UnitDays: 7, Grain: "day", ObservationEnd: "1997-09-30"}
	for _, name := range []string{score.BGNBD, score.ParetoNBD, score.MBGNBD} {
		t.Run(name, func(t *testing.T) {
			o := cdnowOptions()
			o.Purchase = name
			fitted, err := score.Score(context.Background(), cs, o)
			if err != nil {
				t.Fatal(err)
			}
			pf, err := score.NewFrozenModel(name, fitted.PurchaseFit, data, "test")
			if err != nil {
				t.Fatal(err)
			}
			sf, err := score.NewFrozenModel(score.SpendGammaGamma, fitted.SpendFit.Fit, data, "test")
			if err != nil {
				t.Fatal(err)
			}
			o.Purchase = "" // the frozen model decides
			pr := reread(t, pf)
			o.Frozen, o.FrozenSpend = pr, reread(t, sf)
			for i, v := range pr.Params {
				if math.Float64bits(v) != math.Float64bits(fitted.PurchaseFit.Params[i]) {
					t.Fatalf("parameter %s read back as %v, fitted %v", pr.Names[i], v, fitted.PurchaseFit.Params[i])
				}
			}
			frozen, err := score.Score(context.Background(), cs, o)
			if err != nil {
				t.Fatal(err)
			}
			sameColumns(t, fitted, frozen)
		})
	}
}

func reread(t *testing.T, f *score.FrozenModel) *score.FrozenModel {
	t.Helper()
	b, err := Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	g, err := Unmarshal(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	return g
}

func sameColumns(t *testing.T, a, b *score.Result) {
	t.Helper()
	if len(a.Columns) != len(b.Columns) {
		t.Fatalf("%d columns, want %d", len(b.Columns), len(a.Columns))
	}
	for k, ca := range a.Columns {
		cb := b.Columns[k]
		if ca.Name != cb.Name {
			t.Fatalf("column %d is %q, want %q", k, cb.Name, ca.Name)
		}
		for i := range a.IDs {
			if ca.Floats != nil && math.Float64bits(ca.Floats[i]) != math.Float64bits(cb.Floats[i]) {
				t.Fatalf("column %s, customer %s: %v, fitted run %v", ca.Name, a.IDs[i], cb.Floats[i], ca.Floats[i])
			}
			if ca.Labels != nil && ca.Labels[i] != cb.Labels[i] {
				t.Fatalf("column %s, customer %s: %q, fitted run %q", ca.Name, a.IDs[i], cb.Labels[i], ca.Labels[i])
			}
		}
	}
}

// TestRoundTripBGBB: a frozen BG/BB model scores whole-unit data as the fit
// does, and refuses data that is not in whole units.
func TestRoundTripBGBB(t *testing.T) {
	// The donations data of Fader, Hardie & Shang (2010), one customer per
	// weight.
	text, err := os.ReadFile("../model/testdata/donations.csv")
	if err != nil {
		t.Fatal(err)
	}
	var cs []summary.Customer
	for _, line := range strings.Split(strings.TrimSpace(string(text)), "\n")[1:] {
		var x, tx, n, w int
		if _, err := fmt.Sscanf(line, "%d,%d,%d,%d", &x, &tx, &n, &w); err != nil {
			t.Fatal(err)
		}
		for range w {
			cs = append(cs, summary.Customer{ID: strconv.Itoa(len(cs) + 1), Frequency: x, Recency: float64(tx), T: float64(n)})
		}
	}
	o := score.Options{Purchase: score.BGBB, CLV: model.CLVOptions{Months: 12, Margin: 1, DaysPerUnit: model.DaysPerMonth}}
	fitted, err := score.Score(context.Background(), cs, o)
	if err != nil {
		t.Fatal(err)
	}
	f, err := score.NewFrozenModel(score.BGBB, fitted.PurchaseFit, score.FrozenData{Unit: "months", UnitDays: model.DaysPerMonth}, "test")
	if err != nil {
		t.Fatal(err)
	}
	o.Frozen = reread(t, f)
	frozen, err := score.Score(context.Background(), cs, o)
	if err != nil {
		t.Fatal(err)
	}
	sameColumns(t, fitted, frozen)
	cs[0].T = 6.5
	if _, err := score.Score(context.Background(), cs, o); err == nil || !strings.Contains(err.Error(), "whole purchase opportunities") {
		t.Errorf("BG/BB on recency 6.5: %v, want a whole-units error", err)
	}
}

const goodFrozen = `{
  "format": "clvkit-model",
  "format_version": 1,
  "model": "bgnbd",
  "params": [
    {"name": "r", "value": 0.2425, "std_error": 0.0125},
    {"name": "alpha", "value": 4.4136, "std_error": null},
    {"name": "a", "value": 0.793, "std_error": 0.19},
    {"name": "b", "value": 2.426, "std_error": 0.7}
  ],
  "log_likelihood": -9582.43,
  "converged": true,
  "data": {"customers": 2357, "rows": 1000, "unit": "weeks", "unit_days": 7, "grain": "day", "observation_end": "1997-09-30"},
  "clvkit_version": "dev"
}
`

func TestUnmarshal(t *testing.T) {
	f, err := Unmarshal([]byte(goodFrozen))
	if err != nil {
		t.Fatal(err)
	}
	if f.Model != score.BGNBD || f.Param("alpha") != 4.4136 || !math.IsNaN(f.StdErrors[1]) || f.Data.UnitDays != 7 || f.Data.Customers != 2357 {
		t.Errorf("decoded %+v", f)
	}
	// Written back, a null standard error stays null and the numbers are the shortest text.
	b, err := Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"value": 0.2425`, `"std_error": null`, `"unit_days": 7,`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("Marshal lacks %s:\n%s", want, b)
		}
	}
	// Shortest text that parses back to the same bits: 0.1+0.2 is not 0.3.
	g := *f
	g.Params = []float64{0.1 + 0.2, 1e-300, 123456789.123456789, 5e10}
	h := reread(t, &g)
	for i, v := range g.Params {
		if math.Float64bits(h.Params[i]) != math.Float64bits(v) {
			t.Errorf("parameter %d: %v read back as %v", i, v, h.Params[i])
		}
	}
}

var badFrozen = []struct {
	name, old, new, want string
}{
	{"not JSON", `{`, `[`, "not a clvkit model file"},
	{"truncated", `"clvkit_version": "dev"`, `"clvkit_version": "dev`, "not a clvkit model file"},
	{"other format", `"clvkit-model"`, `"something"`, `format is "something"`},
	{"newer version", `"format_version": 1`, `"format_version": 2`, "format_version 2"},
	{"unknown model", `"model": "bgnbd"`, `"model": "bgnb"`, `model "bgnb"`},
	{"wrong parameters", `"name": "a"`, `"name": "s"`, "want [r alpha a b]"},
	{"negative parameter", `"value": 0.793`, `"value": -0.793`, "parameter a = -0.793"},
	{"zero parameter", `"value": 0.793`, `"value": 0`, "parameter a = 0"},
	{"huge parameter", `"value": 0.793`, `"value": 1e999`, "not a clvkit model file"},
	{"no unit", `"unit": "weeks"`, `"unit": ""`, "data.unit is empty"},
	{"no unit length", `"unit_days": 7`, `"unit_days": 0`, "data.unit_days = 0"},
	{"unknown field", `"converged": true`, `"converged": true, "extra": 1`, "unknown field"},
	{"trailing data", "}\n", "}\n{}", "data after"},
	{"gammagamma without mean", `"model": "bgnbd"`, `"model": "gammagamma"`, "want [p q v]"},
}

func TestUnmarshalErrors(t *testing.T) {
	for _, tt := range badFrozen {
		text := strings.Replace(goodFrozen, tt.old, tt.new, 1)
		if tt.name == "trailing data" {
			text = goodFrozen + "{}"
		}
		if text == goodFrozen {
			t.Fatalf("%s: the edit changed nothing", tt.name)
		}
		_, err := Unmarshal([]byte(text))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
	gg := `{"format": "clvkit-model", "format_version": 1, "model": "gammagamma",
	  "params": [{"name": "p", "value": 6.25}, {"name": "q", "value": 0.9}, {"name": "v", "value": 15.4}],
	  "log_likelihood": -4000, "converged": true, "data": {"customers": 946, "rows": 946, "unit": "weeks", "unit_days": 7, "grain": "", "observation_end": ""}, "clvkit_version": "dev"}`
	if _, err := Unmarshal([]byte(gg)); err == nil || !strings.Contains(err.Error(), "q = 0.9 ≤ 1") {
		t.Errorf("Gamma-Gamma with q 0.9: %v, want a q ≤ 1 error", err)
	}
	if _, err := Unmarshal([]byte(strings.Replace(gg, `"value": 0.9`, `"value": 3.7`, 1))); err != nil {
		t.Errorf("Gamma-Gamma with q 3.7: %v", err)
	}
}
