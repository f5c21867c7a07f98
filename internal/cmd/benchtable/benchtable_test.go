package main

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"
)

// goTestOutput is the shape of `go test -v -run '^$' -bench ...` output
// (go1.26): a benchmark's name on its own line as it starts, its logs and
// whatever it writes to stderr, then its result line; a skipped or failed
// benchmark ends with --- SKIP / --- FAIL after its log.
const goTestOutput = `goos: linux
goarch: amd64
pkg: github.com/clvkit/clvkit/host
cpu: Some CPU
BenchmarkFitBGNBD1M
    bench_bgnbd_test.go:88: generated 1M customers, 31 MB in 1.9s
BenchmarkFitBGNBD1M: baseline 0.310s, clv fit 0.950s (3.06× baseline; lifetimes 19.6s: 20.6×)
BenchmarkFitBGNBD1M-2   	       1	11868467230 ns/op	         0.3100 baseline-s	         0.9500 fit-s	         3.065 fit/baseline	        20.63 lifetimes/clv
BenchmarkEndToEnd: 10000000 rows, 1000000 customers: baseline 1.00s
BenchmarkScoreBGNBD1M
    bench_score_test.go:12: needs the 1M summary
--- SKIP: BenchmarkScoreBGNBD1M
BenchmarkFitParetoNBDProcess
    bench_pareto_test.go:79: cdnow-pareto: exit code 1
        clv: something broke
--- FAIL: BenchmarkFitParetoNBDProcess
BenchmarkSub/small-2 	      10	       100.5 ns/op
FAIL
exit status 1
FAIL	github.com/clvkit/clvkit/host	12.3s
`

func TestParseBenchOutput(t *testing.T) {
	got, err := ParseBenchOutput(strings.NewReader(goTestOutput))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Outcome{
		"BenchmarkFitBGNBD1M": {Metrics: map[string]float64{
			"ns/op": 11868467230, "baseline-s": 0.31, "fit-s": 0.95, "fit/baseline": 3.065, "lifetimes/clv": 20.63}},
		"BenchmarkScoreBGNBD1M":        {Skipped: true, Reason: "bench_score_test.go:12: needs the 1M summary"},
		"BenchmarkFitParetoNBDProcess": {Failed: true, Reason: "bench_pareto_test.go:79: cdnow-pareto: exit code 1\nclv: something broke"},
		"BenchmarkSub/small":           {Metrics: map[string]float64{"ns/op": 100.5}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseBenchOutput:\n got %+v\nwant %+v", got, want)
	}
}

// TestParseBenchOutputNotResults: lines that start like a result but are a
// benchmark's own printing are not taken for one.
func TestParseBenchOutputNotResults(t *testing.T) {
	for _, line := range []string{
		"BenchmarkEndToEnd: 10000000 rows, 1000000 customers",
		"BenchmarkX 12 rows read",
		"BenchmarkX-2 1 12 ns/op 3", // an odd field
		"BenchmarkX-2 1 twelve ns/op",
		"BenchmarkX-2 1 12 B/op", // no ns/op
	} {
		got, err := ParseBenchOutput(strings.NewReader(line + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Errorf("%q: parsed %+v", line, got)
		}
	}
}

var evaluateTests = []struct {
	name    string
	row     Row
	outcome *Outcome
	want    Cell
}{
	{
		name: "lifetimes reference from the ratio",
		row: Row{Name: "fit", CLV: Figure{"fit-s", 1, "s"}, BaseName: "lifetimes", Ratio: "lifetimes/clv", RatioName: "lifetimes/clv",
			Speedup: true, Goal: &Goal{Value: 20, Text: "≥ 20×"}},
		// 19.6 s / 0.95 s = 20.63
		outcome: &Outcome{Metrics: map[string]float64{"fit-s": 0.95, "lifetimes/clv": 19.6 / 0.95}},
		want:    Cell{CLV: "950 ms", Base: "19.60 s lifetimes", RatioText: "20.6 lifetimes/clv", Met: "yes"},
	},
	{
		name: "goal missed",
		row: Row{Name: "fit", CLV: Figure{"ms/fit", 1e-3, "s"}, BaseName: "lifetimes", Ratio: "lifetimes/clv", RatioName: "lifetimes/clv",
			Speedup: true, Goal: &Goal{Value: 10, Text: "≥ 10×"}},
		// 0.39 s / 0.6 s = 0.65
		outcome: &Outcome{Metrics: map[string]float64{"ms/fit": 600, "lifetimes/clv": 0.65}},
		want:    Cell{CLV: "600 ms", Base: "390 ms lifetimes", RatioText: "0.65 lifetimes/clv", Met: "no"},
	},
	{
		name: "in-run baseline, at most",
		row: Row{Name: "hex", CLV: Figure{"ns/row", 1, "ns/row"}, Base: Figure{"baseline-ns/row", 1, "ns/row"}, BaseName: "encoding/csv",
			Ratio: "x-baseline", RatioName: "clv/csv", Goal: &Goal{AtMost: true, Value: 3, Text: "≤ 3×"}},
		outcome: &Outcome{Metrics: map[string]float64{"ns/row": 640, "baseline-ns/row": 100, "x-baseline": 6.4}},
		want:    Cell{CLV: "640 ns/row", Base: "100 ns/row encoding/csv", RatioText: "6.40 clv/csv", Met: "no"},
	},
	{
		name: "baseline derived from a clv/baseline ratio, no goal",
		row:  Row{Name: "pn", CLV: Figure{"ms/fit", 1e-3, "s"}, BaseName: "BG/NBD fit", Ratio: "pareto/bgnbd", RatioName: "pareto/bgnbd"},
		// 13.2 ms / 2.0 = 6.6 ms
		outcome: &Outcome{Metrics: map[string]float64{"ms/fit": 13.2, "pareto/bgnbd": 2}},
		want:    Cell{CLV: "13.2 ms", Base: "6.60 ms BG/NBD fit", RatioText: "2.00 pareto/bgnbd", Met: "—"},
	},
	{
		name: "goal on the clv figure",
		row: Row{Name: "score", CLV: Figure{"score-s", 1, "s"}, Base: Figure{"baseline-s", 1, "s"}, BaseName: "encoding/csv",
			Ratio: "score/baseline", RatioName: "clv/csv", Goal: &Goal{AtMost: true, Value: 1, OnCLV: true, Text: "≤ 1 s"}},
		outcome: &Outcome{Metrics: map[string]float64{"score-s": 1.25, "baseline-s": 0.25, "score/baseline": 5}},
		want:    Cell{CLV: "1.25 s", Base: "250 ms encoding/csv", RatioText: "5.00 clv/csv", Met: "no"},
	},
	{
		name:    "missing benchmark",
		row:     Row{Name: "score", CLV: Figure{"score-s", 1, "s"}, Ratio: "r"},
		outcome: nil,
		want:    Cell{NotMeasured: "./host has no BenchmarkScoreBGNBD1M (it printed no result)"},
	},
	{
		name:    "skipped",
		row:     Row{Name: "score", CLV: Figure{"score-s", 1, "s"}, Ratio: "r"},
		outcome: &Outcome{Skipped: true, Reason: "no data\nmore"},
		want:    Cell{NotMeasured: "skipped: no data"},
	},
	{
		name:    "failed",
		row:     Row{Name: "score", CLV: Figure{"score-s", 1, "s"}, Ratio: "r"},
		outcome: &Outcome{Failed: true},
		want:    Cell{NotMeasured: "failed: (no reason given)"},
	},
	{
		name:    "metric not reported",
		row:     Row{Name: "score", CLV: Figure{"score-s", 1, "s"}, Base: Figure{"baseline-s", 1, "s"}, Ratio: "score/baseline"},
		outcome: &Outcome{Metrics: map[string]float64{"ns/op": 1, "baseline-s": 2}},
		want:    Cell{NotMeasured: "the benchmark reports no score-s, score/baseline"},
	},
}

func TestEvaluate(t *testing.T) {
	for _, tt := range evaluateTests {
		t.Run(tt.name, func(t *testing.T) {
			got := Evaluate(tt.row, tt.outcome, "./host has no BenchmarkScoreBGNBD1M (it printed no result)")
			tt.want.Row = tt.row
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestWriteTable(t *testing.T) {
	goal := &Goal{AtMost: true, Value: 3, Text: "≤ 3×"}
	cells := []Cell{
		{Row: Row{Name: "hex", Goal: goal}, CLV: "640 ns/row", Base: "100 ns/row encoding/csv", RatioText: "6.40 clv/csv", Met: "no"},
		{Row: Row{Name: "page"}, NotMeasured: "a | b"},
	}
	var b bytes.Buffer
	if err := WriteTable(&b, cells); err != nil {
		t.Fatal(err)
	}
	want := `| row | clv | baseline | ratio | goal | met? |
|---|---|---|---|---|---|
| hex | 640 ns/row | 100 ns/row encoding/csv | 6.40 clv/csv | ≤ 3× | no |
| page | not measured: a \| b | | | — | |
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestIssueRows checks the table's definition: every row names a
// benchmark (or the page) and the metrics to read, and the page's rows
// read the metrics pageBench makes.
func TestIssueRows(t *testing.T) {
	pageMetrics := map[string]bool{}
	for _, n := range []string{"1", "2"} {
		for _, m := range []string{"fit", "native", "ratio", "cpu", "nativecpu", "cpuratio", "native1t", "ratio1t"} {
			if strings.HasPrefix(m, "ratio") || strings.HasPrefix(m, "cpuratio") {
				pageMetrics[m+n] = true
			} else {
				pageMetrics[m+n+"-ms"] = true
			}
		}
	}
	for _, r := range issueRows {
		if r.Source == "page" {
			for _, m := range []string{r.CLV.Metric, r.Base.Metric, r.Ratio} {
				if !pageMetrics[m] {
					t.Errorf("%s: pageBench makes no metric %q", r.Name, m)
				}
			}
			continue
		}
		pkg, name, ok := strings.Cut(r.Source, " ")
		if !ok || !strings.HasPrefix(pkg, "./") || !strings.HasPrefix(name, "Benchmark") {
			t.Errorf("%s: source %q is not \"./pkg BenchmarkName\"", r.Name, r.Source)
		}
		if r.CLV.Metric == "" || r.Ratio == "" || r.CLV.Scale == 0 || math.IsNaN(r.CLV.Scale) {
			t.Errorf("%s: incomplete figures %+v", r.Name, r)
		}
		if r.Base.Metric == "" && r.Speedup == false && r.Goal != nil {
			t.Errorf("%s: a goal on a derived clv/baseline ratio", r.Name)
		}
	}
}

func TestRunList(t *testing.T) {
	var out, errs bytes.Buffer
	if err := run([]string{"-list", "-bench", "core/summary"}, &out, &errs); err != nil {
		t.Fatal(err)
	}
	want := "summarize 8-hex-digit text ids vs encoding/csv          ./core/summary BenchmarkSummarize10MHex\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
	if err := run([]string{"-bench", "nothing-matches"}, &out, &errs); err == nil {
		t.Error("-bench matching no row: no error")
	}
}

func FuzzParseBenchOutput(f *testing.F) {
	f.Add(goTestOutput)
	f.Add("BenchmarkX-2 1 5 ns/op 2 x/y\n")
	f.Add("--- SKIP: Benchmark\n")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseBenchOutput(strings.NewReader(s))
		if err != nil {
			t.Fatalf("error on input shorter than the scanner's limit: %v", err)
		}
		for name, o := range got {
			if !strings.HasPrefix(name, "Benchmark") {
				t.Errorf("outcome for %q", name)
			}
			if _, ok := o.Metrics["ns/op"]; o.Metrics != nil && !ok {
				t.Errorf("%q: a result without ns/op: %+v", name, o)
			}
			if o.Skipped && o.Failed {
				t.Errorf("%q: both skipped and failed", name)
			}
		}
	})
}
