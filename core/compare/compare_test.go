package compare

import (
	"encoding/csv"
	"errors"
	"io/fs"
	"math"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/clvkit/clvkit/core/summary"
)

// cdnow builds the CDNOW sample's summary and tracking as Fader, Hardie &
// Lee (2005) split it: day purchase periods, weeks, 39 weeks of
// calibration (1997-01-01 to 1997-09-30) and 39 of holdout (to 1998-06-30).
func cdnow(t testing.TB) (summary.Summary, summary.Tracking) {
	t.Helper()
	f, err := os.Open("../../examples/cdnow/transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	b, err := summary.NewBuilder(summary.Options{Grain: summary.Day, Unit: summary.Weeks,
		CalibrationEnd: day("1997-09-30"), ObservationEnd: day("1998-06-30")})
	if err != nil {
		t.Fatal(err)
	}
	opt := summary.CSVOptions{Header: true, Columns: summary.Columns{Customer: "customer_id", Date: "date", Amount: "amount"}}
	if err := summary.ReadCSV(f, opt, b); err != nil {
		t.Fatal(err)
	}
	s, err := b.Summary()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := b.Tracking(7)
	if err != nil {
		t.Fatal(err)
	}
	return s, tr
}

// readShared reads one of BTYD's CDNOW files beside the repository
// (/work/shared/data in the development setup: GPL data, read for checking
// only, never copied), or skips.
func readShared(t *testing.T, name string) [][]string {
	t.Helper()
	f, err := os.Open("../../../shared/data/" + name)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s not found beside the repository: BTYD comparison skipped", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestCDNOWActual pins the actual holdout figures clvkit derives from the
// CDNOW sample. 2,357 customers, all acquired in the calibration period;
// the sample's 6,919 orders merge into 6,696 customer purchase days
// (orders of a customer on one day count once), 2,357 of them first
// purchases: 2,457 repeat purchase days in weeks 1-39 and 1,882 in weeks
// 40-78 (the 1,882 is also the sum of BTYD's x.star for CDNOW).
func TestCDNOWActual(t *testing.T) {
	s, tr := cdnow(t)
	if len(s.Customers) != 2357 || s.DurationHoldout != 39 {
		t.Fatalf("customers %d, holdout %v weeks: want 2357, 39", len(s.Customers), s.DurationHoldout)
	}
	cal, hold := 0, 0
	for _, c := range s.Customers {
		cal += c.Frequency
		hold += c.FrequencyHoldout
	}
	trCal, trHold := 0, 0
	for k, v := range tr.Repeat {
		if k < tr.CalibrationPeriods {
			trCal += v
		} else {
			trHold += v
		}
	}
	if len(tr.Repeat) != 78 || tr.CalibrationPeriods != 39 || tr.Origin != time.Date(1997, 1, 1, 0, 0, 0, 0, time.UTC) {
		t.Fatalf("tracking: %d periods, %d in calibration, origin %v: want 78, 39, 1997-01-01", len(tr.Repeat), tr.CalibrationPeriods, tr.Origin)
	}
	if trCal != cal || trHold != hold {
		t.Errorf("tracking totals %d + %d, summary totals %d + %d: want equal", trCal, trHold, cal, hold)
	}
	if cal != 2457 || hold != 1882 {
		t.Errorf("repeat purchase days: calibration %d, holdout %d; want 2457, 1882", cal, hold)
	}
}

// TestCDNOWAgainstBTYD checks the actual holdout purchases per customer
// against BTYD's cbs (x.star) and the weekly tracking against its
// cumulative tracking data, when those files are there.
func TestCDNOWAgainstBTYD(t *testing.T) {
	s, tr := cdnow(t)
	t.Run("x.star", func(t *testing.T) {
		recs := readShared(t, "btyd_cdnow_cbs.csv")
		col := -1
		for j, h := range recs[0] {
			if h == "x.star" {
				col = j
			}
		}
		if col < 0 || len(recs)-1 != len(s.Customers) {
			t.Fatalf("cbs: x.star column %d, %d customers; summary %d", col, len(recs)-1, len(s.Customers))
		}
		for i, r := range recs[1:] {
			c := s.Customers[i]
			id, _ := strconv.Atoi(r[0])
			cid, _ := strconv.Atoi(c.ID)
			want, _ := strconv.Atoi(r[col])
			if id != cid || c.FrequencyHoldout != want {
				t.Fatalf("customer %s: holdout purchases %d; BTYD cust %s x.star %d", c.ID, c.FrequencyHoldout, r[0], want)
			}
		}
	})
	t.Run("tracking", func(t *testing.T) {
		recs := readShared(t, "btyd_cdnow_cu_tracking.csv")
		if len(recs)-1 != len(tr.Repeat) {
			t.Fatalf("BTYD has %d weeks, clvkit %d", len(recs)-1, len(tr.Repeat))
		}
		cum := 0
		for k, r := range recs[1:] {
			cum += tr.Repeat[k]
			want, _ := strconv.Atoi(r[1])
			if cum != want {
				t.Fatalf("week %d: cumulative repeat purchases %d; BTYD %d", k+1, cum, want)
			}
		}
	})
}

// TestCDNOWCompare checks a Compare run on CDNOW against the papers and
// against itself: the BG/NBD fit is Fader, Hardie & Lee's (2005, section
// 5: r 0.243, α 4.414, a 0.793, b 2.426, LL −9582.4), the Pareto/NBD fit
// that of Fader & Hardie's note 008 spreadsheet (0.55, 10.58, 0.61, 11.67)
// and lifetimes' (LL −9594.98), as in core/model's tests; every table adds
// up to the totals it splits.
func TestCDNOWCompare(t *testing.T) {
	s, tr := cdnow(t)
	rep, err := Compare(Input{Summary: s, Tracking: &tr, Spend: true})
	if err != nil {
		t.Fatal(err)
	}
	papers := map[string]struct {
		params []float64
		ll     float64
	}{
		"bgnbd":     {[]float64{0.243, 4.414, 0.793, 2.426}, -9582.4},
		"paretonbd": {[]float64{0.55, 10.58, 0.61, 11.67}, -9594.98},
	}
	if len(rep.Models) != 3 || rep.Discrete || rep.ActualHoldout != 1882 || rep.CustomersWithHoldout != 684 {
		t.Fatalf("%d models, discrete %v, holdout %d by %d", len(rep.Models), rep.Discrete, rep.ActualHoldout, rep.CustomersWithHoldout)
	}
	for _, m := range rep.Models {
		if m.Err != "" {
			t.Fatalf("%s: %s", m.Name, m.Err)
		}
		if p, ok := papers[m.Name]; ok {
			for i, v := range p.params {
				if math.Abs(m.Params[i]-v) > 0.005 {
					t.Errorf("%s %s = %.4f, the paper's %v", m.Name, m.ParamNames[i], m.Params[i], v)
				}
			}
			if math.Abs(m.CalibrationLogLikelihood-p.ll) > 0.05 {
				t.Errorf("%s LL %.2f, the paper's %v", m.Name, m.CalibrationLogLikelihood, p.ll)
			}
		}
		// The conditional expectations split the customers and both totals.
		var cust, act, pred float64
		for _, g := range m.ConditionalExpectations {
			cust += g.Customers
			act += g.Actual * g.Customers
			pred += g.Predicted * g.Customers
		}
		if cust != 2357 || math.Abs(act-1882) > 1e-9 || math.Abs(pred-m.PredictedHoldout) > 1e-6 {
			t.Errorf("%s: conditional expectations add up to %v customers, %v actual, %v predicted (total %v)", m.Name, cust, act, pred, m.PredictedHoldout)
		}
		var hist float64
		for _, b := range m.FrequencyHistogram {
			hist += b.Expected
		}
		if math.Abs(hist-2357) > 1e-6 {
			t.Errorf("%s: expected histogram adds up to %v", m.Name, hist)
		}
		n, bought := 0, 0.0
		for _, d := range m.Alive {
			n += d.Customers
			bought += d.ActualActive * float64(d.Customers)
		}
		if n != 2357 || math.Abs(bought-684) > 1e-9 {
			t.Errorf("%s: P(alive) deciles hold %d customers, %v buyers", m.Name, n, bought)
		}
		// Weeks 40-78 of the tracking prediction are the unconditional
		// expectation over the holdout: close to, not equal to, the
		// conditional total.
		last, cal := m.Tracking[77], m.Tracking[38]
		if last.CumulativeActual != 4339 || cal.CumulativeActual != 2457 || math.Abs((last.CumulativePredicted-cal.CumulativePredicted)/m.PredictedHoldout-1) > 0.1 {
			t.Errorf("%s: tracking week 39 %+v, week 78 %+v", m.Name, cal, last)
		}
		if !(m.MAE > 0.7 && m.MAE < 0.8 && m.RMSE > m.MAE && m.Correlation > 0.6) {
			t.Errorf("%s: MAE %v RMSE %v correlation %v", m.Name, m.MAE, m.RMSE, m.Correlation)
		}
	}
	if rep.Choice.Model != "mbgnbd" || rep.Choice.RunnerUp != "bgnbd" {
		t.Errorf("choice %+v", rep.Choice)
	}
	if sp := rep.Spend; sp == nil || sp.Err != "" || sp.Customers != 684 || math.Abs(sp.ErrorPercent) > 10 {
		t.Errorf("spend check %+v", rep.Spend)
	}
}
