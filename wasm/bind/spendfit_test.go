package bind

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// cdnowLog returns the demo's transaction log with edit applied to every
// data line (the header is kept) and extra rows appended.
func cdnowLog(t *testing.T, edit func(fields []string) []string, extra string) []byte {
	t.Helper()
	data, err := os.ReadFile("../../examples/cdnow/transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	for i := 1; i < len(lines) && edit != nil; i++ {
		lines[i] = strings.Join(edit(strings.Split(lines[i], ",")), ",")
	}
	return []byte(strings.Join(lines, "\n") + "\n" + extra)
}

// scorePage loads data into a session and scores it as the page does.
func scorePage(t *testing.T, data []byte, settingsJSON string) (*Session, *Scored) {
	t.Helper()
	var s Session
	ins := s.Load(data)
	st, err := DecodeSettings([]byte(settingsJSON))
	if err != nil {
		t.Fatal(err)
	}
	st.Columns, st.DateFormat = ins.Guess.Columns(), ins.DateFormat
	res, err := s.Score(context.Background(), st, nil)
	if err != nil {
		t.Fatalf("Score: %v", err)
	}
	if _, err := json.Marshal(res); err != nil {
		t.Fatalf("the page cannot receive the result: %v", err)
	}
	return &s, res
}

// csvCell returns the column col of customer id in the session's CSV.
func csvCell(t *testing.T, s *Session, id, col string) string {
	t.Helper()
	lines := strings.Split(string(s.CSV(6)), "\n")
	header := strings.Split(lines[0], ",")
	k := -1
	for i, h := range header {
		if h == col {
			k = i
		}
	}
	for _, l := range lines[1:] {
		if f := strings.Split(l, ","); f[0] == id && k >= 0 {
			return f[k]
		}
	}
	t.Fatalf("no customer %s or column %s", id, col)
	return ""
}

// TestPageSpendRefunds: under returns "purchase", customers whose repeat
// purchases net to ≤ 0 no longer stop the page's scoring: they are left
// out of the Gamma-Gamma fit, counted and named for the page to show, and
// marked population_nonpositive.
func TestPageSpendRefunds(t *testing.T) {
	// 9001: 100, then 30, then −80 on another day: mean repeat (30−80)/2 < 0.
	extra := "9001,1997-02-01,1,100\n9001,1997-03-01,1,30\n9001,1997-03-05,1,-80\n" +
		"9002,1997-02-10,1,40\n9002,1997-04-10,1,-40\n"
	s, res := scorePage(t, cdnowLog(t, nil, extra), `{"observationEnd":"1997-09-30","returns":"purchase"}`)
	sp := res.Spend
	if sp == nil || sp.Method != "gammagamma" || sp.NonPositive != 2 || strings.Join(sp.NonPositiveIDs, ",") != "9001,9002" || len(sp.Params) != 3 {
		t.Fatalf("spend %+v, want the Gamma-Gamma fit with 2 non-positive customers 9001, 9002", sp)
	}
	if w := strings.Join(res.Warnings, " "); !strings.Contains(w, "(ids 9001, 9002)") {
		t.Errorf("warnings %q do not name the customers", w)
	}
	for _, id := range []string{"9001", "9002"} {
		if got := csvCell(t, s, id, "spend_source"); got != "population_nonpositive" {
			t.Errorf("customer %s: spend_source %q", id, got)
		}
	}
}

// TestPageSpendFallback: when every order is worth 25, a purchase day is
// worth 25 or a multiple of it (several orders on one day), and the
// Gamma-Gamma fit runs off (p past 1e8: spend per purchase almost fixed)
// without converging. The page still gets the purchase model, a spend
// estimate from the customers' own means, the reason, no spend parameters
// and a warning to show.
func TestPageSpendFallback(t *testing.T) {
	same := func(f []string) []string { f[3] = "25"; return f }
	s, res := scorePage(t, cdnowLog(t, same, ""), `{"observationEnd":"1997-09-30","margin":0.3}`)
	if len(res.Purchase.Params) != 4 || res.Customers != 2357 {
		t.Fatalf("purchase fit %+v for %d customers", res.Purchase, res.Customers)
	}
	sp := res.Spend
	if sp == nil || sp.Method != "own_mean" || sp.Fallback != "not_converged" || len(sp.Params) != 0 || !(sp.PopulationMean > 25 && sp.PopulationMean < 30) {
		t.Fatalf("spend %+v, want own_mean after not_converged, no parameters, a population mean a little over 25", sp)
	}
	if w := strings.Join(res.Warnings, " "); !strings.Contains(w, "the Gamma-Gamma spend model is not used") {
		t.Errorf("warnings %q lack the fallback", w)
	}
	if got := csvCell(t, s, "0001", "spend_source"); got != "own_mean" {
		t.Errorf("customer 0001 (2 repeat purchases): spend_source %q, want own_mean", got)
	}
	if got := csvCell(t, s, "0001", "expected_spend"); got != "25.000000" {
		t.Errorf("customer 0001: expected_spend %q, want 25.000000", got)
	}
}

// TestPageRFMMonetary: rfmMonetary is strict like the binary's
// rfm.monetary and changes M.
func TestPageRFMMonetary(t *testing.T) {
	for _, bad := range []string{`{"rfmMonetary":""}`, `{"RFMMonetary":"total"}`, `{"rfmmonetary":"total"}`} {
		if _, err := DecodeSettings([]byte(bad)); err == nil || !strings.Contains(err.Error(), "rfmMonetary") {
			t.Errorf("%s: %v, want an error naming rfmMonetary", bad, err)
		}
	}
	var s Session
	s.Load(cdnowLog(t, nil, ""))
	st := NewSettings(s.ins, "1997-09-30")
	st.RFM.Monetary = "median"
	if _, err := s.Score(context.Background(), st, nil); err == nil || !strings.Contains(err.Error(), `rfmMonetary: "median" is not one of`) {
		t.Errorf("median: %v", err)
	}
	// Customer 0001: 2 repeat purchases; the default (average_order) and
	// repeat_mean rank them differently across CDNOW.
	ms := map[string]string{}
	for _, mode := range []string{"average_order", "repeat_mean", "total"} {
		s, res := scorePage(t, cdnowLog(t, nil, ""), fmt.Sprintf(`{"observationEnd":"1997-09-30","rfmMonetary":%q}`, mode))
		if res.Settings.RFM.Monetary != mode {
			t.Errorf("settings echo rfmMonetary %q, want %q", res.Settings.RFM.Monetary, mode)
		}
		var all []string
		for _, id := range []string{"0001", "0002", "0003", "0004", "0005"} {
			all = append(all, csvCell(t, s, id, "m"))
		}
		ms[mode] = strings.Join(all, "")
	}
	if ms["average_order"] == ms["repeat_mean"] || ms["total"] == ms["repeat_mean"] {
		t.Errorf("M of customers 1-5 by mode %v: the modes do not differ", ms)
	}
	_, res := scorePage(t, cdnowLog(t, nil, ""), `{"observationEnd":"1997-09-30"}`)
	if res.Settings.RFM.Monetary != "average_order" {
		t.Errorf("default rfmMonetary %q, want average_order", res.Settings.RFM.Monetary)
	}
}
