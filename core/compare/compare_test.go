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

func TestCDNOWCompare(t *testing.T) {
	s, tr := cdnow(t)
	rep, err := Compare(Input{Summary: s, Tracking: &tr, Spend: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range rep.Models {
		if m.Err != "" {
			t.Fatalf("%s: %s", m.Name, m.Err)
		}
		t.Logf("%s: pred %.1f (%.1f%%) MAE %.4f RMSE %.4f corr %.4f holdLL %.2f calLL %.2f BIC %.2f", m.Name, m.PredictedHoldout, m.ErrorPercent, m.MAE, m.RMSE, m.Correlation, m.HoldoutLogLikelihood, m.CalibrationLogLikelihood, m.BIC)
		t.Logf("  condexp %+v", m.ConditionalExpectations)
		last := m.Tracking[len(m.Tracking)-1]
		t.Logf("  tracking end %+v, week39 %+v", last, m.Tracking[38])
		t.Logf("  alive %+v", m.Alive)
	}
	t.Logf("choice %+v, spend %+v", rep.Choice, rep.Spend)
	_ = math.Abs
}
