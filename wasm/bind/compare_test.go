package bind

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
)

// cdnowSession loads the bundled CDNOW transactions (to 1998-06-30).
func cdnowSession(t *testing.T) (*Session, Settings) {
	t.Helper()
	data, err := os.ReadFile("../../examples/cdnow/transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	var s Session
	ins := s.Load(data)
	st := NewSettings(ins, "1998-06-30")
	st.Margin = 0.3
	return &s, st
}

// TestCompareCDNOW splits CDNOW 39/39 weeks as Fader, Hardie & Lee (2005)
// do. The actual side is BTYD's published data: 1,882 holdout purchases
// (the sum of x.star in ../shared/data/btyd_cdnow_cbs.csv) and, when that
// folder is here, BTYD's weekly cumulative tracking.
func TestCompareCDNOW(t *testing.T) {
	s, st := cdnowSession(t)
	c, err := s.Compare(st, "1997-09-30")
	if err != nil {
		t.Fatal(err)
	}
	if c.Customers != 2357 || c.ActualHoldout != 1882 || c.Unit != "weeks" || float64(c.HoldoutLength) != 39 {
		t.Errorf("customers %d, holdout purchases %d, unit %s, length %v; want 2357, 1882, weeks, 39", c.Customers, c.ActualHoldout, c.Unit, c.HoldoutLength)
	}
	var names []string
	for _, m := range c.Models {
		names = append(names, m.Model)
		if m.Error != "" {
			t.Errorf("%s: %s", m.Model, m.Error)
		}
		if len(m.ConditionalExpectations) != 8 || len(m.AliveDeciles) != 10 || len(m.Tracking) != 78 {
			t.Errorf("%s: %d buckets, %d deciles, %d weeks; want 8, 10, 78", m.Model, len(m.ConditionalExpectations), len(m.AliveDeciles), len(m.Tracking))
		}
	}
	if strings.Join(names, ",") != "bgnbd,paretonbd,mbgnbd" {
		t.Errorf("models %v (CDNOW's days in weeks are not discrete: no BG/BB)", names)
	}
	// BG/NBD's calibration fit is the paper's: r = 0.2426 (FHL 2005, table).
	if r := float64(c.Models[0].Params["r"]); r < 0.24255 || r >= 0.24265 {
		t.Errorf("BG/NBD r = %v, want 0.2426", r)
	}
	if c.Best == nil || c.Best.Criterion != "holdout_log_likelihood" {
		t.Errorf("best %+v", c.Best)
	}
	if c.GammaGamma == nil || c.GammaGamma.Error != "" || c.GammaGamma.HoldoutCustomers != c.CustomersWithHoldout {
		t.Errorf("gammagamma %+v", c.GammaGamma)
	}
	if c.Tracking == nil || c.Tracking.PeriodDays != 7 || c.Tracking.CalibrationPeriods != 39 {
		t.Fatalf("tracking %+v", c.Tracking)
	}
	if cu, err := os.ReadFile("../../../shared/data/btyd_cdnow_cu_tracking.csv"); err == nil {
		lines := strings.Split(strings.TrimSpace(string(cu)), "\n")[1:]
		if len(lines) != len(c.Tracking.Cumulative) {
			t.Fatalf("%d weeks, BTYD has %d", len(c.Tracking.Cumulative), len(lines))
		}
		for k, l := range lines {
			_, v, _ := strings.Cut(l, ",")
			if want, _ := strconv.Atoi(v); c.Tracking.Cumulative[k] != want {
				t.Errorf("week %d: %d cumulative repeat purchases, BTYD %d", k+1, c.Tracking.Cumulative[k], want)
			}
		}
	}
	// The JSON the page gets parses and has clv compare --json's keys.
	b, err := EncodeJSON(c)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"customers", "actual_holdout", "holdout_length", "best", "models", "tracking", "gammagamma"} {
		if _, ok := back[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
}

var compareErrorTests = []struct {
	name, calEnd, obsEnd, want string
}{
	{"no calibration end", "", "1998-06-30", "calibration end is required"},
	{"bad date", "30/09/1997", "1998-06-30", `calibration end "30/09/1997": want YYYY-MM-DD`},
	{"at the observation end", "1998-06-30", "1998-06-30", "is not before the observation end 1998-06-30"},
	{"after the observation end", "1998-07-01", "1998-06-30", "is not before the observation end"},
	{"before every purchase", "1996-12-31", "1998-06-30", "no customers with a purchase on or before the calibration end 1996-12-31"},
}

func TestCompareErrors(t *testing.T) {
	s, st := cdnowSession(t)
	for _, tt := range compareErrorTests {
		st.ObservationEnd = tt.obsEnd
		_, err := s.Compare(st, tt.calEnd)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	// Without the argument, the settings' calibrationEnd.
	st.ObservationEnd, st.Time.CalibrationEnd = "1998-06-30", "1998-07-01"
	if _, err := s.Compare(st, ""); err == nil || !strings.Contains(err.Error(), "calibrationEnd: 1998-07-01 is after time.observation_end") {
		t.Errorf("settings' calibration end: error %v", err)
	}
	var empty Session
	if _, err := empty.Compare(st, "1997-09-30"); err == nil || err.Error() != "no file loaded" {
		t.Errorf("no file: error %v", err)
	}
}
