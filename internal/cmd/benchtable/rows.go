package main

// The rows of issue 9's table, each tied to the benchmark that measures it
// and the metrics that benchmark reports (b.ReportMetric names). Where the
// baseline is lifetimes 0.11.3, which cannot be installed here, the
// benchmark holds the issue's figure as a constant and reports
// lifetimes/clv; the baseline figure shown is that ratio times ours, so it
// is the constant itself and lives in one place (the benchmark).

// Figure picks one metric of a benchmark and shows it in a unit.
type Figure struct {
	Metric string  // the b.ReportMetric unit, e.g. "fit-s"
	Scale  float64 // multiplies the metric into seconds, or 1 for other units
	Unit   string  // "s" (shown as s or ms) or the unit to print, e.g. "ns/row"
}

// Goal is a row's target: Ratio (or, with OnCLV, the clv figure in
// seconds) at least or at most Value.
type Goal struct {
	AtMost bool
	Value  float64
	OnCLV  bool
	Text   string // as the issue words it, e.g. "≥ 20× (≤ 0.13 s)"
}

// Row is one line of the table.
type Row struct {
	Name string
	// Source is the benchmark, "./pkg BenchmarkName", or "page" for
	// web/bench/pageperf.mjs.
	Source string
	CLV    Figure
	// Base is the in-run baseline's figure; when its Metric is empty the
	// baseline is derived from Ratio and CLV (for lifetimes, the
	// benchmark's constant).
	Base     Figure
	BaseName string // "lifetimes 0.11.3 (ref.)", "encoding/csv", ...
	// Ratio is the metric holding the ratio, RatioName how to read it
	// ("lifetimes/clv": higher is better; "clv/csv": lower is better).
	Ratio     string
	RatioName string
	// Speedup says Ratio is baseline/clv (higher is better), not
	// clv/baseline.
	Speedup bool
	Goal    *Goal // nil: no goal, shown for context
}

// secs is a metric reported in seconds.
func secs(metric string) Figure { return Figure{Metric: metric, Scale: 1, Unit: "s"} }

// issueRows are the rows of issue 9's table, in its order, with in-run
// context rows after some of them.
var issueRows = []Row{
	{
		Name: "Pareto/NBD fit alone, CDNOW (2,357)", Source: "./core/model BenchmarkFitParetoNBDCDNOW",
		CLV: Figure{"ms/fit", 1e-3, "s"}, BaseName: "lifetimes 0.11.3 (ref.)",
		Ratio: "lifetimes/clv", RatioName: "lifetimes/clv", Speedup: true,
		Goal: &Goal{Value: 10, Text: "≥ 10× (≤ 39 ms); aim 20×"},
	},
	{
		Name: "↳ same run: Pareto/NBD fit vs BG/NBD fit", Source: "./core/model BenchmarkFitParetoNBDCDNOW",
		CLV: Figure{"ms/fit", 1e-3, "s"}, BaseName: "BG/NBD fit",
		Ratio: "pareto/bgnbd", RatioName: "pareto/bgnbd",
	},
	{
		Name: "Pareto/NBD whole process, CDNOW", Source: "./host BenchmarkFitParetoNBDProcess",
		CLV: secs("cdnow-pareto-s"), BaseName: "lifetimes 0.11.3 (ref.)",
		Ratio: "cdnow-lifetimes/clv", RatioName: "lifetimes/clv", Speedup: true,
		Goal: &Goal{Value: 20, Text: "≥ 20× (≤ 0.13 s)"},
	},
	{
		Name: "Pareto/NBD whole process, 23,570 customers", Source: "./host BenchmarkFitParetoNBDProcess",
		CLV: secs("sim23570-pareto-s"), BaseName: "lifetimes fit alone (ref.)",
		Ratio: "sim23570-lifetimes/clv", RatioName: "lifetimes/clv", Speedup: true,
		Goal: &Goal{Value: 20, Text: "≥ 20× (≤ 0.33 s)"},
	},
	{
		Name: "BG/NBD fit + SEs, 1M customers, whole process", Source: "./host BenchmarkFitBGNBD1M",
		CLV: secs("fit-s"), BaseName: "lifetimes 0.11.3 (ref.)",
		Ratio: "lifetimes/clv", RatioName: "lifetimes/clv", Speedup: true,
		Goal: &Goal{Value: 20, Text: "≥ 20× (≤ 1 s)"},
	},
	{
		Name: "↳ same run: vs encoding/csv reading the file", Source: "./host BenchmarkFitBGNBD1M",
		CLV: secs("fit-s"), Base: secs("baseline-s"), BaseName: "encoding/csv",
		Ratio: "fit/baseline", RatioName: "clv/csv",
	},
	{
		Name: "clv score, the same 1M summary", Source: "./host BenchmarkScoreBGNBD1M",
		CLV: secs("score-s"), Base: secs("baseline-s"), BaseName: "encoding/csv",
		Ratio: "score/baseline", RatioName: "clv/csv",
		Goal: &Goal{AtMost: true, Value: 1, OnCLV: true, Text: "≤ 1 s"},
	},
	{
		Name: "10M-row log → summary, whole process", Source: "./host BenchmarkSummarize10MProcess",
		CLV: secs("summarize-s"), BaseName: "lifetimes 0.11.3 (ref.)",
		Ratio: "lifetimes/clv", RatioName: "lifetimes/clv", Speedup: true,
		Goal: &Goal{Value: 10, Text: "kept ≥ 10×"},
	},
	{
		Name: "↳ same run: vs encoding/csv reading the file", Source: "./host BenchmarkSummarize10MProcess",
		CLV: secs("summarize-s"), Base: secs("baseline-s"), BaseName: "encoding/csv",
		Ratio: "summarize/baseline", RatioName: "clv/csv",
	},
	{
		Name: "summarize 8-hex-digit text ids vs encoding/csv", Source: "./core/summary BenchmarkSummarize10MHex",
		CLV: Figure{"ns/row", 1, "ns/row"}, Base: Figure{"baseline-ns/row", 1, "ns/row"}, BaseName: "encoding/csv",
		Ratio: "x-baseline", RatioName: "clv/csv",
		Goal: &Goal{AtMost: true, Value: 3, Text: "≤ 3×"},
	},
	{
		Name: "page (Chromium) vs native, CDNOW BG/NBD+GG, first fit", Source: "page",
		CLV: Figure{"fit1-ms", 1e-3, "s"}, Base: Figure{"native1-ms", 1e-3, "s"}, BaseName: "native, same binding",
		Ratio: "ratio1", RatioName: "page/native",
	},
	{
		Name: "↳ same run: first fit, CPU time", Source: "page",
		CLV: Figure{"cpu1-ms", 1e-3, "s"}, Base: Figure{"nativecpu1-ms", 1e-3, "s"}, BaseName: "native CPU",
		Ratio: "cpuratio1", RatioName: "page/native",
	},
	{
		Name: "page (Chromium) vs native, second fit", Source: "page",
		CLV: Figure{"fit2-ms", 1e-3, "s"}, Base: Figure{"native2-ms", 1e-3, "s"}, BaseName: "native, same binding",
		Ratio: "ratio2", RatioName: "page/native",
		Goal: &Goal{AtMost: true, Value: 3, Text: "≤ 3×"},
	},
	{
		Name: "↳ same run: second fit vs native on one thread", Source: "page",
		CLV: Figure{"fit2-ms", 1e-3, "s"}, Base: Figure{"native1t2-ms", 1e-3, "s"}, BaseName: "native, GOMAXPROCS=1",
		Ratio: "ratio1t2", RatioName: "page/native",
	},
	{
		Name: "↳ same run: second fit, CPU time", Source: "page",
		CLV: Figure{"cpu2-ms", 1e-3, "s"}, Base: Figure{"nativecpu2-ms", 1e-3, "s"}, BaseName: "native CPU",
		Ratio: "cpuratio2", RatioName: "page/native",
		Goal: &Goal{AtMost: true, Value: 3, Text: "≤ 3×"},
	},
}
