package bind

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/core/formula"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// TestCalculateDefaults checks the calculator against the core's typed
// formula functions for the default state (AOV 100, 3 a year, 5 years,
// 30 % margin, 80 % retention, 10 % discount, CAC 50, ARPA 100×3÷12 = 25).
func TestCalculateDefaults(t *testing.T) {
	c := Calculate(DefaultInput())
	want := map[string]float64{
		formula.IDAOVFrequencyLifespan: 1500,                                   // 100 × 3 × 5
		formula.IDAOVFrequencyChurn:    1500,                                   // 100 × 3 ÷ 0.2
		formula.IDMarginCLV:            450,                                    // 1500 × 0.3
		formula.IDRevenueYearsCAC:      1450,                                   // 300 × 5 − 50
		formula.IDRetentionA:           90 * 0.8 / 0.3,                         // m = 300 × 0.3 = 90
		formula.IDRetentionB:           90 * 1.1 / 0.3,                         // 330
		formula.IDRetentionC:           90 / 0.3,                               // 300
		formula.IDLTVCACRatio:          9,                                      // 450 ÷ 50
		formula.IDMaxCAC:               150,                                    // 450 ÷ 3
		formula.IDCACPaybackMonths:     50 / (25 * 0.3),                        // 6.667
		formula.IDSubscriptionLTV:      25 * 0.3 / (1 - math.Pow(0.8, 1.0/12)), // monthly churn
		// 250 to date, 2 of 5 years gone: 3 years of margin 90 at 10 %.
		formula.IDHistoricPlusRemaining: 250 + 90*(1/1.1+1/1.21+1/1.331),
	}
	if len(want) != len(formula.Builtin().IDs())-1 { // retention_truncated is in web_test.go's list
		t.Errorf("%d formulas checked, the registry has %d", len(want), len(formula.Builtin().IDs()))
	}
	for _, r := range c.Formulas {
		w, ok := want[r.ID]
		if !ok {
			continue
		}
		if r.Error != "" || !near(float64(r.Value), w, 1e-12) {
			t.Errorf("%s = %v (%s), want %v", r.ID, r.Value, r.Error, w)
		}
		if r.Rendered == "" {
			t.Errorf("%s: no rendered text", r.ID)
		}
	}
	if r := c.Formulas[2]; r.Rendered != "$100.00 × 3 × 5 × 0.3 = $450.00" {
		t.Errorf("margin_clv rendered %q", r.Rendered)
	}
	if c.Headline.Level != "high" || float64(c.Headline.LTVCAC) != 9 {
		t.Errorf("headline %+v", c.Headline)
	}
	// Month t adds 7.5 × 0.8^((t−1)/12) ÷ 1.1^(t/12): about 48.1 after 7
	// months and 54.3 after 8, so CAC 50 is paid back in month 8.
	if c.Journey.BreakEvenMonth != 8 {
		t.Errorf("break-even month %d, want 8", c.Journey.BreakEvenMonth)
	}
	if !near(float64(c.Journey.Cumulative[1]), 7.5/math.Pow(1.1, 1.0/12), 1e-12) {
		t.Errorf("month 1 %v", c.Journey.Cumulative[1])
	}
	if !near(float64(c.Survival.Alive[12]), 0.8, 1e-12) {
		t.Errorf("survival after 12 months %v, want 0.8", c.Survival.Alive[12])
	}
	if !c.Custom.OK || float64(c.Custom.Value) != 400 { // 450 − 50
		t.Errorf("custom %+v", c.Custom)
	}
	h := find(c.Formulas, formula.IDHistoricPlusRemaining)
	if h.Inputs[0].From != "your value to date" || h.Inputs[1].From != "your tenure so far (years)" || float64(h.Inputs[3].Value) != 90 {
		t.Errorf("historic_plus_remaining inputs %+v", h.Inputs)
	}
	in := DefaultInput()
	in.Custom, in.Tenure = "value_to_date + tenure", 6
	if cu := Calculate(in).Custom; !cu.OK || float64(cu.Value) != 256 {
		t.Errorf("custom over value_to_date and tenure: %+v", cu)
	}
	// Past the lifespan nothing remains: the value to date alone.
	if v := find(Calculate(in).Formulas, formula.IDHistoricPlusRemaining).Value; float64(v) != 250 {
		t.Errorf("tenure 6 of 5 years: %v, want 250", v)
	}
	// With retention given (80 %, the same customer life as 5 years),
	// retention drives retention_b most: 0.8 → 0.88 gives 99/0.22 = 450.
	// With the lifespan given, retention follows it and has no bar.
	in = DefaultInput()
	in.LifeMode = "retention"
	tr := Calculate(in).Tornado
	if len(tr.Bars) == 0 || tr.Bars[0].Input != "retention" {
		t.Fatalf("tornado %+v", tr.Bars)
	}
	if v := tr.Bars[0].Moves[2]; v == nil || !near(float64(*v), 450, 1e-12) {
		t.Errorf("retention +10%% = %v, want 450", v)
	}
	for _, b := range c.Tornado.Bars {
		if b.Input == "retention" || b.Input == "churn" {
			t.Errorf("lifespan given: %s has a bar, but it is derived", b.Input)
		}
	}
	if _, err := json.Marshal(c); err != nil {
		t.Fatal(err)
	}
}

func TestCalculateEdgeCases(t *testing.T) {
	in := DefaultInput()
	in.LifeMode, in.Churn = "churn", 0 // infinite lifespan
	in.Retention, in.Discount = 1, 0
	c := Calculate(in)
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"Infinity"`) {
		t.Errorf("want a flagged infinity in %s", b[:200])
	}
	in = DefaultInput()
	in.Custom = "aov * frequncy"
	cu := Calculate(in).Custom
	if cu.OK || cu.Column != 7 || !strings.Contains(cu.Error, "frequency") {
		t.Errorf("custom error %+v, want column 7 suggesting frequency", cu)
	}
	in.Custom = "aov * (1 +"
	if cu := Calculate(in).Custom; cu.OK || cu.Column == 0 {
		t.Errorf("syntax error %+v", cu)
	}
}

var inspectTests = []struct {
	name, data string
	want       Mapping
	header     bool
	delim, fmt string
	amountFmt  string
}{
	{"cdnow", "customer_id,date,cds,amount\n0001,1997-01-01,2,29.33\n0001,1997-01-18,2,29.73\n", Mapping{"customer_id", "date", "amount"}, true, ",", "YYYY-MM-DD", "plain"},
	{"shopify-like", "Name;Email;Created at;Total\n#1001;a@x.com;2024-03-01 10:00:00;12.50\n#1002;b@x.com;2024-03-02 11:30:00;8.00\n", Mapping{"Email", "Created at", "Total"}, true, ";", "ISO8601", "plain"},
	{"no header, whitespace", "00001 19970101 1 11.77\n00002 19970112 1 12.00\n", Mapping{"1", "2", "4"}, false, "whitespace", "YYYYMMDD", "plain"},
	{"online retail", "InvoiceNo,StockCode,InvoiceDate,UnitPrice,CustomerID\n536365,85123A,12/1/2010 8:26,2.55,17850\n536366,71053,12/13/2010 8:26,3.39,17850\n", Mapping{"CustomerID", "InvoiceDate", "UnitPrice"}, true, ",", "M/D/YYYY H:mm", "plain"},
	// A German export: decimal commas, day-first dates with dots.
	{"decimal comma", "Kunde;Datum;Betrag\nK1;15.03.2024;1.234,50 €\nK2;16.03.2024;12,00 €\n", Mapping{"Kunde", "Datum", "Betrag"}, true, ";", "D.M.YYYY", "1.234,56"},
	// Without a header: the amount column is found by content, commas included.
	{"decimal comma, no header", "K1;2024-03-15;1234,50\nK2;2024-03-16;12,00\n", Mapping{"1", "2", "3"}, false, ";", "YYYY-MM-DD", "1.234,56"},
	{"quoted dollars", "customer,date,total\nc1,2024-03-15 14:22:01-05:00,\"$1,234.50\"\nc2,2024-03-16 09:00:00-05:00,$12.00\n", Mapping{"customer", "date", "total"}, true, ",", "ISO8601", "1,234.56"},
}

func TestInspect(t *testing.T) {
	for _, tt := range inspectTests {
		ins := Inspect([]byte(tt.data))
		if ins.Guess != tt.want || ins.Header != tt.header || ins.Delimiter != tt.delim || ins.DateFormat != tt.fmt || ins.AmountFormat != tt.amountFmt {
			t.Errorf("%s: got %+v header=%v delim=%q format=%q (candidates %v) amount format %q", tt.name, ins.Guess, ins.Header, ins.Delimiter, ins.DateFormat, ins.DateFormats, ins.AmountFormat)
		}
	}
}

// TestScoreDecimalComma scores the CDNOW sample rewritten as a German
// export (";" between fields, DD.MM.YYYY dates, "1.234,56 €" amounts) with
// the page's default amount format (auto): the fit must be the one of the
// original file, parameter for parameter.
func TestScoreDecimalComma(t *testing.T) {
	data, err := os.ReadFile("../../examples/cdnow/transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	var de strings.Builder
	de.WriteString("Kunde;Datum;Betrag\n")
	for _, l := range lines[1:] {
		f := strings.Split(l, ",") // customer_id,date,cds,amount
		d := f[1]
		fmt.Fprintf(&de, "%s;%s.%s.%s;%s €\n", f[0], d[8:10], d[5:7], d[0:4], strings.Replace(f[3], ".", ",", 1))
	}
	score := func(data []byte) *Scored {
		var s Session
		ins := s.Load(data)
		res, err := s.Score(context.Background(), settingsFor(ins, "1997-09-30", 0.3), nil)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	orig, german := score(data), score([]byte(de.String()))
	if german.Settings.AmountFormat != "1.234,56" || german.Settings.DateFormat != "D.M.YYYY" {
		t.Errorf("formats %q and %q, want 1.234,56 and D.M.YYYY", german.Settings.AmountFormat, german.Settings.DateFormat)
	}
	for i := range orig.Spend.Params {
		if orig.Spend.Params[i] != german.Spend.Params[i] {
			t.Errorf("Gamma-Gamma %s: %v from the German file, %v from the original", orig.Spend.Names[i], german.Spend.Params[i], orig.Spend.Params[i])
		}
	}
	if orig.TotalCLV != german.TotalCLV {
		t.Errorf("total CLV %v from the German file, %v from the original", german.TotalCLV, orig.TotalCLV)
	}
}

// TestScoreCDNOW fits BG/NBD to the CDNOW sample as the page does; the
// parameters are those of Fader, Hardie & Lee (2005) / lifetimes
// (r 0.2426, α 4.4136, a 0.7929, b 2.4259).
func TestScoreCDNOW(t *testing.T) {
	data, err := os.ReadFile("../../examples/cdnow/transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	var s Session
	ins := s.Load(data)
	var stages []Stage
	res, err := s.Score(context.Background(), settingsFor(ins, "1997-09-30", 0.3), func(st Stage, _ float64) { stages = append(stages, st) })
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.2426, 4.4136, 0.7929, 2.4259}
	for i, w := range want {
		if !near(float64(res.Purchase.Params[i]), w, 1e-3) {
			t.Errorf("%s = %v, want %v", res.Purchase.Names[i], res.Purchase.Params[i], w)
		}
	}
	if res.Customers != 2357 || len(res.Histogram) != 8 || len(res.Segments) == 0 || len(res.Tiers) != 4 {
		t.Errorf("customers %d, histogram %d bins, segments %v, tiers %v", res.Customers, len(res.Histogram), res.Segments, res.Tiers)
	}
	if len(stages) < 2 || stages[len(stages)-1] != "diagnostics" {
		t.Errorf("stages %v", stages)
	}
	csv := string(s.CSV(6))
	lines := strings.Split(csv, "\n")
	if lines[0] != "customer_id,frequency,recency,T,monetary_value,p_alive,expected_purchases,expected_spend,clv,r,f,m,rfm,segment,tier,spend_source" {
		t.Errorf("header %q", lines[0])
	}
	if len(lines) != 2357+2 {
		t.Errorf("%d lines", len(lines))
	}
	if _, err := json.Marshal(res); err != nil {
		t.Fatal(err)
	}
}

// settingsFor is the page's settings for an inspected file with the
// observation end and margin given and every other setting at its default.
func settingsFor(ins Inspection, observationEnd string, margin float64) Settings {
	st := NewSettings(ins, observationEnd)
	st.Margin = margin
	return st
}
