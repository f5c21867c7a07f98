// Command crossscore fits every model of core/model to a bundled dataset
// and scores it, and writes the scores and the fitted parameters to stdout,
// one section per model:
//
//	== bgnbd, == paretonbd, == mbgnbd, == bgbb
//	    the CDNOW sample (6,919 transactions, 2,357 customers) through
//	    core/score, the pipeline behind both clv score and the calculator
//	    page, with Gamma-Gamma spend and 12-month CLV; BG/BB on whole
//	    weeks (grain = unit = week), the others on days in weeks
//	== gammagamma
//	    FitGammaGamma on CDNOW's repeat spend (cdnow_with_tx.csv) and each
//	    customer's conditional expected spend
//	== bgbb-donations
//	    FitBGBB on the 11,104 donors of donations.csv, and per pattern
//	    P(alive), expected transactions in the next 5 opportunities and
//	    DERT at 10% a period
//	== sbg-regular, == sbg-highend
//	    FitSBG on Fader & Hardie's (2007) survival counts, years 0-7, and
//	    survival, retention and churn for years 1-12, DERL at 10%, median
//	    and expected lifetime
//	== bgnbd-large, == mbgnbd-large
//	    FitBGNBD and FitMBGNBD on 200,000 customers drawn at CDNOW's
//	    parameters, times on whole days (so every platform has the same
//	    rows), 73,380 distinct: enough for the fits' start from a sample
//	    and Newton's method; the log-likelihood and P(alive) summed by
//	    frequency
//
// Every section starts with a line "params NAME=VALUE ..." (the full
// float64 of each fitted parameter, %.17g); the rest is CSV with numbers
// at six decimals through internal/textenc, as clv and the page print them.
// core/crossbuild_test.go builds it for amd64, arm64 and js/wasm and
// requires every line but the params lines to be the same bytes, and the
// parameters the same to 1e-12 (relative).
//
// Usage: crossscore DIR (core/model/testdata)
package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/internal/textenc"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "crossscore:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) != 2 {
		return errors.New("usage: crossscore DIR (core/model/testdata)")
	}
	dir := os.Args[1]
	var out []byte
	for _, m := range []struct {
		name  string
		grain summary.Grain
	}{
		{score.BGNBD, summary.Day}, {score.ParetoNBD, summary.Day}, {score.MBGNBD, summary.Day}, {score.BGBB, summary.Week},
	} {
		b, err := scoreCDNOW(filepath.Join(dir, "CDNOW_sample.txt"), m.name, m.grain, out)
		if err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
		out = b
	}
	var err error
	if out, err = gammaGamma(filepath.Join(dir, "cdnow_with_tx.csv"), out); err != nil {
		return fmt.Errorf("gammagamma: %w", err)
	}
	if out, err = bgbbDonations(filepath.Join(dir, "donations.csv"), out); err != nil {
		return fmt.Errorf("bgbb-donations: %w", err)
	}
	if out, err = sbg(filepath.Join(dir, "sbg_survival.csv"), out); err != nil {
		return fmt.Errorf("sbg: %w", err)
	}
	if out, err = large(out); err != nil {
		return fmt.Errorf("large: %w", err)
	}
	_, err = os.Stdout.Write(out)
	return err
}

// appendParams appends the section header and its params line.
func appendParams(out []byte, section string, names []string, params []float64) []byte {
	out = append(out, "== "+section+"\nparams"...)
	for i, n := range names {
		out = append(out, ' ')
		out = append(out, n...)
		out = append(out, '=')
		out = strconv.AppendFloat(out, params[i], 'g', 17, 64)
	}
	return append(out, '\n')
}

// appendRow appends one CSV line: a label, then the values at six decimals.
func appendRow(out []byte, label string, vals ...float64) []byte {
	out = append(out, label...)
	for _, v := range vals {
		out = append(out, ',')
		out = textenc.AppendFloat(out, v, 6)
	}
	return append(out, '\n')
}

// scoreCDNOW summarizes the CDNOW sample at the grain, in weeks, to the end
// of the 39-week calibration period, and scores it with the purchase model
// and Gamma-Gamma through core/score.
func scoreCDNOW(path, purchase string, grain summary.Grain, out []byte) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := summary.NewBuilder(summary.Options{
		Grain: grain, Unit: summary.Weeks,
		ObservationEnd: time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		return nil, err
	}
	if err := summary.ReadCSV(f, summary.CSVOptions{Whitespace: true, DateFormat: "YYYYMMDD",
		Columns: summary.Columns{Customer: "2", Date: "3", Amount: "5"}}, b); err != nil {
		return nil, err
	}
	s, err := b.Summary()
	if err != nil {
		return nil, err
	}
	res, err := score.Score(context.Background(), s.Customers, score.Options{
		Purchase: purchase,
		Spend:    true,
		CLV:      model.CLVOptions{Months: 12, AnnualDiscountRate: 0.1, Margin: 0.3, DaysPerUnit: 7},
	})
	if err != nil {
		return nil, err
	}
	out = appendParams(out, purchase, res.PurchaseFit.Names, res.PurchaseFit.Params)
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
	return out, nil
}

// readCSV reads a CSV file with a header and returns its records as
// numbers (columns from the first; the first column is kept as text).
func readCSV(path string) (ids []string, rows [][]float64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	for line, r := range recs[1:] {
		vals := make([]float64, len(r))
		for j, s := range r {
			if vals[j], err = strconv.ParseFloat(s, 64); err != nil {
				return nil, nil, fmt.Errorf("%s: line %d: column %q: %w", path, line+2, recs[0][j], err)
			}
		}
		ids = append(ids, r[0])
		rows = append(rows, vals)
	}
	return ids, rows, nil
}

// gammaGamma fits Gamma-Gamma to cdnow_with_tx.csv (ID,x,t_x,T,zbar) and
// writes each customer's conditional expected spend.
func gammaGamma(path string, out []byte) ([]byte, error) {
	ids, recs, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	rows := make([]model.SpendRow, len(recs))
	for i, r := range recs {
		rows[i] = model.SpendRow{Frequency: r[1], MeanSpend: r[4], Weight: 1}
	}
	g, fit, err := model.FitGammaGamma(rows, model.FitOptions{})
	if err != nil {
		return nil, err
	}
	out = appendParams(out, "gammagamma", fit.Names, fit.Params)
	out = append(out, "customer_id,expected_spend\n"...)
	for i, r := range rows {
		e, err := g.ConditionalExpectedSpend(r.Frequency, r.MeanSpend)
		if err != nil {
			return nil, fmt.Errorf("customer %s: %w", ids[i], err)
		}
		out = appendRow(out, ids[i], e)
	}
	return out, nil
}

// bgbbDonations fits BG/BB to donations.csv (frequency,recency,periods,
// weights) and scores each pattern.
func bgbbDonations(path string, out []byte) ([]byte, error) {
	_, recs, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	rows := make([]model.BGBBRow, len(recs))
	for i, r := range recs {
		rows[i] = model.BGBBRow{X: r[0], TX: r[1], N: r[2], Weight: r[3]}
	}
	m, fit, err := model.FitBGBB(rows, model.FitOptions{})
	if err != nil {
		return nil, err
	}
	out = appendParams(out, "bgbb-donations", fit.Names, fit.Params)
	out = append(out, "x_tx_n,p_alive,expected_next_5,dert_10pct\n"...)
	for _, r := range rows {
		x, tx, n := int(r.X), int(r.TX), int(r.N)
		out = appendRow(out, fmt.Sprintf("%d_%d_%d", x, tx, n),
			m.ProbabilityAlive(x, tx, n), m.ConditionalExpectedPurchases(5, x, tx, n), m.DERT(0.1, x, tx, n))
	}
	return out, nil
}

// sbg fits the sBG to each cohort of sbg_survival.csv (year,regular_alive,
// highend_alive), years 0-7 as the paper, and projects years 1-12.
func sbg(path string, out []byte) ([]byte, error) {
	_, recs, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	if len(recs) < 13 {
		return nil, fmt.Errorf("%s: %d years, want 0-12", path, len(recs))
	}
	for col, name := range []string{"sbg-regular", "sbg-highend"} {
		alive := make([]float64, 8)
		for y := range alive {
			alive[y] = recs[y][col+1]
		}
		m, fit, err := model.FitSBG(alive, model.FitOptions{})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = appendParams(out, name, fit.Names, fit.Params)
		out = append(out, "year,survival,retention,churn\n"...)
		for t := 1; t <= 12; t++ {
			out = appendRow(out, strconv.Itoa(t), m.Survival(t), m.Retention(t), m.ChurnProbability(t))
		}
		el, err := m.ExpectedLifetime()
		if err != nil && !errors.Is(err, model.ErrInfiniteLifetime) {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = appendRow(out, "derl_10pct_100,median_lifetime,expected_lifetime", m.DERL(0.1, 100), m.MedianLifetime(), el)
	}
	return out, nil
}

// largeRows draws n customers from the BG/NBD at CDNOW's parameters (FHL
// 2005), with T of 30 to 545 days and purchase times rounded up to whole
// days, in weeks; compressed, 73,380 rows are distinct (more than the
// 65,536 above which the fits start from a sample). Rounding to
// days makes the rows the same on every platform: a last-bit difference
// in the sampler's logarithms moves a time across a day boundary with
// probability of order 1e-14.
func largeRows(n int) []model.RFT {
	m := model.BGNBD{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259}
	src := rand.NewPCG(2026, 12)
	rng := rand.New(src)
	rows := make([]model.RFT, n)
	var times []float64
	for i := range rows {
		T := float64(30+rng.IntN(516)) / 7
		times = m.PurchaseTimes(src, T, times[:0])
		r := model.RFT{X: float64(len(times)), T: T, Weight: 1}
		if len(times) > 0 {
			r.TX = min(math.Ceil(times[len(times)-1]*7)/7, T)
		}
		rows[i] = r
	}
	return model.Compress(rows)
}

// large fits the BG/NBD and MBG/NBD to largeRows and prints, per model,
// the parameters, the log-likelihood and the weighted sum of P(alive) by
// frequency.
func large(out []byte) ([]byte, error) {
	rows := largeRows(200_000)
	for _, m := range []struct {
		section string
		fit     func([]model.RFT, model.FitOptions) (func(x, tx, T float64) float64, model.Fit, error)
	}{
		{"bgnbd-large", func(r []model.RFT, o model.FitOptions) (func(x, tx, T float64) float64, model.Fit, error) {
			m, f, err := model.FitBGNBD(r, o)
			return m.ProbabilityAlive, f, err
		}},
		{"mbgnbd-large", func(r []model.RFT, o model.FitOptions) (func(x, tx, T float64) float64, model.Fit, error) {
			m, f, err := model.FitMBGNBD(r, o)
			return m.ProbabilityAlive, f, err
		}},
	} {
		alive, fit, err := m.fit(rows, model.FitOptions{})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.section, err)
		}
		out = appendParams(out, m.section, fit.Names, fit.Params)
		out = append(out, "frequency,customers,p_alive_sum\n"...)
		out = appendRow(out, "loglik", fit.LogLikelihood)
		sums := map[float64][2]float64{}
		var xs []float64
		for _, r := range rows {
			s, ok := sums[r.X]
			if !ok {
				xs = append(xs, r.X)
			}
			s[0] += r.Weight
			s[1] += r.Weight * alive(r.X, r.TX, r.T)
			sums[r.X] = s
		}
		for _, x := range xs {
			out = appendRow(out, strconv.FormatFloat(x, 'f', 0, 64), sums[x][0], sums[x][1])
		}
	}
	return out, nil
}
