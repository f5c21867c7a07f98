// Command paretoscore scores the CDNOW sample with the Pareto/NBD and
// Gamma-Gamma models through core/score, the pipeline behind both clv score
// and the calculator page, and writes every customer's scores as CSV to
// stdout (numbers with six decimals through internal/textenc, as both front
// ends print them) and the fitted Pareto/NBD parameters, in full, to
// stderr. core/crossbuild_test.go builds it for amd64, arm64 and js/wasm
// and requires the same CSV bytes and the same parameters to 1e-12 from
// each.
//
// Usage: paretoscore CDNOW_sample.txt
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/internal/textenc"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "paretoscore:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) != 2 {
		return fmt.Errorf("usage: paretoscore CDNOW_sample.txt")
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		return err
	}
	defer f.Close()
	b, err := summary.NewBuilder(summary.Options{
		Grain: summary.Day, Unit: summary.Weeks,
		ObservationEnd: time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		return err
	}
	if err := summary.ReadCSV(f, summary.CSVOptions{Whitespace: true, DateFormat: "YYYYMMDD",
		Columns: summary.Columns{Customer: "2", Date: "3", Amount: "5"}}, b); err != nil {
		return err
	}
	s, err := b.Summary()
	if err != nil {
		return err
	}
	res, err := score.Score(context.Background(), s.Customers, score.Options{
		Purchase: score.ParetoNBD,
		Spend:    true,
		CLV:      model.CLVOptions{Months: 12, AnnualDiscountRate: 0.1, Margin: 0.3, DaysPerUnit: 7},
	})
	if err != nil {
		return err
	}
	var out []byte
	out = append(out, "customer_id"...)
	for _, c := range res.Columns {
		out = append(out, ',')
		out = append(out, c.Name...)
	}
	out = append(out, '\n')
	for i, id := range res.IDs {
		out = append(out, id...)
		for _, c := range res.Columns {
			out = append(out, ',')
			switch {
			case c.Labels != nil:
				out = append(out, c.Labels[i]...)
			case c.Integer:
				out = textenc.AppendFloat(out, c.Floats[i], 0)
			default:
				out = textenc.AppendFloat(out, c.Floats[i], 6)
			}
		}
		out = append(out, '\n')
	}
	if _, err := os.Stdout.Write(out); err != nil {
		return err
	}
	m := res.Purchase.(model.ParetoNBD)
	fmt.Fprintf(os.Stderr, "%.17g %.17g %.17g %.17g\n", m.R, m.Alpha, m.S, m.Beta)
	return nil
}
