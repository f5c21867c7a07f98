// Command native times the calculator page's scoring run natively: it
// loads a transaction CSV into a wasm/bind Session (the code the page runs
// as WebAssembly in its worker), scores it with the page's settings
// several times and prints the timings and fitted parameters as JSON.
// web/bench/pageperf.mjs runs it beside the page to give the page's fit
// time as a ratio of the native one.
//
//	go run ./web/bench/native --runs 5 --settings '{"columns":{"customer":"customer_id","date":"date","amount":"amount"},"dateFormat":"YYYY-MM-DD","observationEnd":"1997-09-30"}' examples/cdnow/transactions.csv
//
// The settings are the JSON the page sends (main.js runScore), decoded by
// bind.DecodeSettings as the page's worker does; what they leave out is
// the default.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/clvkit/clvkit/wasm/bind"
)

// report is what native prints.
type report struct {
	Customers int `json:"customers"`
	// LoadMs is Session.Load (reading and detecting the file), per run.
	LoadMs []float64 `json:"loadMs"`
	// SummarizeMs and ScoreMs are Session.Score's own split (Scored.
	// Milliseconds), the figures the page shows: ScoreMs is the fits and
	// the scoring.
	SummarizeMs []float64 `json:"summarizeMs"`
	ScoreMs     []float64 `json:"scoreMs"`
	// CallMs and CallCPUMs are the whole Session.Score call, wall time
	// and CPU time of every thread (summary, fits, scoring, diagnostics),
	// to set against the page worker's thread time for the same call.
	CallMs    []float64 `json:"callMs"`
	CallCPUMs []float64 `json:"callCpuMs"`
	// Params are the purchase model's then the spend model's parameters.
	Params []float64 `json:"params"`
}

func main() {
	runs := flag.Int("runs", 5, "how many times to load and score")
	settings := flag.String("settings", "{}", "the page's settings as JSON (wasm/bind.Settings)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: native [--runs N] [--settings JSON] transactions.csv")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *settings, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "native:", err)
		os.Exit(1)
	}
}

func run(path, settingsJSON string, runs int) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	st, err := bind.DecodeSettings([]byte(settingsJSON))
	if err != nil {
		return err
	}
	var out report
	for range runs {
		var s bind.Session
		t0 := time.Now()
		s.Load(data)
		out.LoadMs = append(out.LoadMs, float64(time.Since(t0).Microseconds())/1000)
		c0, t1 := cpuMs(), time.Now()
		res, err := s.Score(context.Background(), st, nil)
		out.CallMs = append(out.CallMs, float64(time.Since(t1).Microseconds())/1000)
		out.CallCPUMs = append(out.CallCPUMs, cpuMs()-c0)
		if err != nil {
			return fmt.Errorf("score %s: %w", path, err)
		}
		out.Customers = res.Customers
		out.SummarizeMs = append(out.SummarizeMs, res.Milliseconds.Summarize)
		out.ScoreMs = append(out.ScoreMs, res.Milliseconds.Score)
		out.Params = out.Params[:0]
		for _, p := range res.Purchase.Params {
			out.Params = append(out.Params, float64(p))
		}
		if res.Spend != nil {
			for _, p := range res.Spend.Params {
				out.Params = append(out.Params, float64(p))
			}
		}
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}
