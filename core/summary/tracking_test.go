package summary

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestTrackingAgreesWithSummary: over the calibration periods the tracking
// counts add up to Σ Frequency and over the holdout to Σ FrequencyHoldout,
// under every grain and returns rule (returns net within a period, whole
// periods refunded, a grain period cut by the calibration end), and the
// births are the customers' first purchase days.
func TestTrackingAgreesWithSummary(t *testing.T) {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, g := range []Grain{Day, Week, Month} {
		for _, ret := range []Returns{ReturnsNet, ReturnsDrop, ReturnsPurchase} {
			b, err := NewBuilder(Options{Grain: g, Unit: Weeks, Returns: ret,
				CalibrationEnd: start.AddDate(0, 0, 200), ObservationEnd: start.AddDate(0, 0, 400)})
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			for c := range 300 {
				id := string(rune('a'+c%26)) + string(rune('a'+c/26))
				for range 1 + rng.IntN(8) {
					amt := float64(1 + rng.IntN(50))
					if rng.IntN(6) == 0 {
						amt = -amt
					}
					if err := b.Add(Transaction{Customer: id, Time: start.AddDate(0, 0, rng.IntN(420)), Amount: amt}); err != nil {
						t.Fatal(err)
					}
				}
			}
			s, err := b.Summary()
			if err != nil {
				t.Fatal(err)
			}
			tr, err := b.Tracking(1) // one-day periods: the calibration end closes one
			if err != nil {
				t.Fatal(err)
			}
			cal, hold := 0, 0
			for i, c := range s.Customers {
				cal += c.Frequency
				hold += c.FrequencyHoldout
				if got := tr.Origin.AddDate(0, 0, tr.Births[i]); !got.Equal(c.First) && ret == ReturnsPurchase {
					t.Fatalf("%v %v: customer %s born %v, first purchase %v", g, ret, c.ID, got, c.First)
				}
			}
			tc, th := 0, 0
			for k, v := range tr.Repeat {
				if k < tr.CalibrationPeriods {
					tc += v
				} else {
					th += v
				}
			}
			if len(tr.Births) != len(s.Customers) || tc != cal || th != hold {
				t.Errorf("%v %v: tracking %d births, %d + %d repeats; summary %d customers, %d + %d", g, ret, len(tr.Births), tc, th, len(s.Customers), cal, hold)
			}
			if want := int(s.ObservationEnd.AddDate(0, 0, 200).Sub(tr.Origin).Hours()/24) + 1; tr.Days != want {
				t.Errorf("%v %v: Days %d, want %d", g, ret, tr.Days, want)
			}
		}
	}
}
