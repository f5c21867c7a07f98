package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/host/internal/table"
	"github.com/clvkit/clvkit/wasm/bind"
)

// order is one transaction row as the independent cohort count below reads
// it.
type order struct {
	customer string
	day      time.Time
	amount   float64
}

// cohortKey is one cell of a monthly cohort table.
type cohortKey struct {
	cohort string
	k      int
}

// cohortCell is what the independent count finds in one cell.
type cohortCell struct {
	customers, active int
	revenue           float64
}

// countCohorts is a plain re-implementation of monthly cohorts without
// returns (every order is a purchase): a customer's cohort is the month of
// their first order, month k is calendar month first+k, a cell's revenue
// is the sum of its orders and its active customers those with an order in
// it. Cells run to the observation end's month.
func countCohorts(orders []order, end time.Time) map[cohortKey]cohortCell {
	monthIndex := func(t time.Time) int { return t.Year()*12 + int(t.Month()) - 1 }
	first := map[string]time.Time{}
	for _, o := range orders {
		if f, ok := first[o.customer]; !ok || o.day.Before(f) {
			first[o.customer] = o.day
		}
	}
	size := map[string]int{}
	for _, f := range first {
		size[f.Format("2006-01")]++
	}
	cells := map[cohortKey]cohortCell{}
	for c, n := range size {
		start, _ := time.Parse("2006-01", c)
		for k := 0; k <= monthIndex(end)-monthIndex(start); k++ {
			cells[cohortKey{c, k}] = cohortCell{customers: n}
		}
	}
	active := map[string]bool{}
	for _, o := range orders {
		f := first[o.customer]
		key := cohortKey{f.Format("2006-01"), monthIndex(o.day) - monthIndex(f)}
		cell := cells[key]
		cell.revenue += o.amount
		if a := fmt.Sprint(o.customer, "/", key.k); !active[a] {
			active[a] = true
			cell.active++
		}
		cells[key] = cell
	}
	return cells
}

// checkCohortTable compares clv cohorts' CSV (monthly, undiscounted, 6
// decimals) with the independent count, row by row, and returns the rows.
func checkCohortTable(t *testing.T, out []byte, want map[cohortKey]cohortCell, end time.Time) csvTable {
	t.Helper()
	tb := readCSV(t, out)
	wantHeader := "cohort,cohort_start,months_since,customers,observed_customers,active_customers,retention,revenue,revenue_per_customer,cumulative_revenue_per_customer,complete"
	if h := strings.Join(tb.header, ","); h != wantHeader {
		t.Fatalf("header %s, want %s", h, wantHeader)
	}
	if len(tb.rows) != len(want) {
		t.Errorf("%d rows, want %d", len(tb.rows), len(want))
	}
	near := func(got string, w float64) bool {
		return math.Abs(mustFloat(t, got)-w) <= 5e-7+1e-12*math.Abs(w)
	}
	endMonth := end.Format("2006-01")
	cum, prev := 0.0, ""
	for i, r := range tb.rows {
		k, _ := strconv.Atoi(r[2])
		w, ok := want[cohortKey{r[0], k}]
		if !ok {
			t.Fatalf("row %d: unexpected cell %s month %d", i+1, r[0], k)
		}
		if r[0] != prev {
			cum, prev = 0, r[0]
		}
		rpc := w.revenue / float64(w.customers)
		cum += rpc
		month, _ := time.Parse("2006-01", r[0])
		complete := "1"
		if month.AddDate(0, k, 0).Format("2006-01") == endMonth && end.AddDate(0, 0, 1).Month() == end.Month() {
			complete = "0"
		}
		if r[1] != month.Format(time.DateOnly) || r[3] != strconv.Itoa(w.customers) || r[4] != r[3] || r[5] != strconv.Itoa(w.active) ||
			!near(r[6], float64(w.active)/float64(w.customers)) || !near(r[7], w.revenue) || !near(r[8], rpc) || !near(r[9], cum) || r[10] != complete {
			t.Errorf("row %d: %v; want %+v (revenue per customer %.6f, cumulative %.6f, complete %s)", i+1, r, w, rpc, cum, complete)
		}
	}
	return tb
}

// TestCohortsCDNOW runs clv cohorts on the bundled CDNOW demo (no returns,
// observation end 1997-09-30, a month's last day) and checks every cell
// against an independent count of transactions.csv; the table does not
// depend on the input's row order, and the JSON Lines and Parquet outputs
// hold the same rows.
func TestCohortsCDNOW(t *testing.T) {
	dir := t.TempDir()
	cfg := copyCDNOW(t, dir)
	r := clv(t, "cohorts", "--config", cfg).mustOK(t, "cohorts")
	end := time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)
	var orders []order
	rows, err := csv.NewReader(strings.NewReader(string(readFile(t, filepath.Join(dir, "transactions.csv"))))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows[1:] {
		day, err := time.Parse(time.DateOnly, row[1])
		if err != nil {
			t.Fatal(err)
		}
		if day.After(end) {
			continue
		}
		orders = append(orders, order{row[0], day, mustFloat(t, row[3])})
	}
	want := countCohorts(orders, end)
	tb := checkCohortTable(t, []byte(r.stdout), want, end)
	// Customers are acquired in January to March 1997 only (the CDNOW
	// cohort): 3 cohorts, 9 + 8 + 7 rows.
	if len(tb.rows) != 24 || tb.rows[0][3] != "781" {
		t.Errorf("%d rows, January cohort %s customers; want 24 rows, 781", len(tb.rows), tb.rows[0][3])
	}
	for _, want := range []string{"transactions.csv: 6919 rows, 4960 transactions kept, 2357 customers", "3 cohorts by month of acquisition, 24 rows (1997-01 to 1997-03)\n"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("report lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "incomplete") {
		t.Errorf("September 1997 ends on the observation end, yet the report says a month is incomplete:\n%s", r.stderr)
	}

	// Row order.
	shuffled := t.TempDir()
	r2 := clv(t, "cohorts", "--config", shuffledCDNOW(t, shuffled, 7)).mustOK(t, "cohorts, shuffled")
	if r2.stdout != r.stdout {
		t.Errorf("the input's row order changed the table:\n%s", firstLineDiff([]byte(r.stdout), []byte(r2.stdout)))
	}

	// JSON Lines and Parquet: the same cells, read back.
	for _, ext := range []string{"jsonl", "parquet"} {
		out := filepath.Join(dir, "cohorts."+ext)
		clv(t, "cohorts", "--config", cfg, "--out", out, "--quiet").mustOK(t, ext)
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		format, _ := table.ParseFormat(ext)
		tr, err := table.Open(f, out, format, table.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; ; i++ {
			row, err := tr.Next()
			if err != nil {
				if i != len(tb.rows) {
					t.Errorf("%s: %d rows (%v), want %d", ext, i, err, len(tb.rows))
				}
				break
			}
			for j, name := range tb.header {
				got, err := row.Text(tr.Index(name))
				if err != nil {
					t.Fatal(err)
				}
				if w := tb.rows[i][j]; got != w && mustFloatOr(got) != mustFloatOr(w) {
					t.Errorf("%s row %d %s: %q, CSV has %q", ext, i+1, name, got, w)
				}
			}
		}
		f.Close()
	}
}

// mustFloatOr parses s as a number, or returns NaN (which equals nothing).
func mustFloatOr(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return v
}

// TestCohortsOnlineRetail runs clv cohorts on the Online Retail slice
// (line items, amounts computed, cancellations marked as returns, UK only,
// guest rows skipped; observation end 2011-12-09, so December is
// incomplete). With returns dropped, every cell matches an independent
// count of the file; with returns netted (the default), the cohorts hold
// the 98 customers clv score scores (TestScoreLineItems), and a cohort's
// revenue is less than with returns dropped by the value the returns net
// away in total.
func TestCohortsOnlineRetail(t *testing.T) {
	dir := t.TempDir()
	where := `where = 'Country == "United Kingdom"'`
	end := time.Date(2011, 12, 9, 0, 0, 0, 0, time.UTC)

	cfg := exprsConfig(t, dir, where, `missing_customer = "skip"`, `returns = "drop"`)
	r := clv(t, "cohorts", "--config", cfg).mustOK(t, "cohorts, returns dropped")
	f, err := os.Open(filepath.Join("testdata", "online_retail", "invoices_slice.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var orders []order
	for _, row := range rows[1:] {
		// InvoiceNo,InvoiceDate,CustomerID,Country,Quantity,UnitPrice
		if row[3] != "United Kingdom" || row[2] == "" || strings.HasPrefix(row[0], "C") {
			continue
		}
		day, err := time.Parse("1/2/2006 15:04", row[1])
		if err != nil {
			t.Fatal(err)
		}
		amount := mustFloat(t, row[4]) * mustFloat(t, row[5])
		if amount < 0 {
			continue // a return (negative amount): dropped
		}
		orders = append(orders, order{row[2], time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC), amount})
	}
	want := countCohorts(orders, end)
	dropped := checkCohortTable(t, []byte(r.stdout), want, end)
	if !strings.Contains(r.stderr, "2011-12 is incomplete (observation end 2011-12-09): its cells have complete = 0\n") {
		t.Errorf("report does not say December is incomplete:\n%s", r.stderr)
	}

	net := readCSV(t, []byte(clv(t, "cohorts", "--config", exprsConfig(t, dir, where, `missing_customer = "skip"`), "--quiet").mustOK(t, "cohorts, returns netted").stdout))
	customers := 0
	revenue := func(tb csvTable) map[string]float64 {
		m := map[string]float64{}
		for _, r := range tb.rows {
			m[r[0]] += mustFloat(t, r[7])
		}
		return m
	}
	for _, r := range net.rows {
		if r[2] == "0" {
			customers += int(mustFloat(t, r[3]))
			if r[6] != "1.000000" {
				t.Errorf("cohort %s: month 0 retention %s, want 1", r[0], r[6])
			}
		}
	}
	if customers != 98 {
		t.Errorf("%d customers in the cohorts with returns netted, want the 98 clv score scores", customers)
	}
	// A return nets against the customer's purchases: the total is less
	// (a cohort's may not be: a customer whose first purchase is refunded
	// is acquired later).
	total := func(m map[string]float64) (s float64) {
		for _, v := range m {
			s += v
		}
		return s
	}
	if n, d := total(revenue(net)), total(revenue(dropped)); !(n < d-0.005) {
		t.Errorf("revenue %.2f with returns netted, %.2f with returns dropped: want less", n, d)
	}
}

// TestCohortsBadInput: user errors exit 1 with a message naming the file,
// line and field, or the flag or config key, and write no output.
func TestCohortsBadInput(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "orders.csv"), "customer_id,date,amount\nA1,2024-01-02,10\nB7,2024-13-01,5\n")
	writeFile(t, filepath.Join(dir, "good.csv"), "customer_id,date,amount\nA1,2024-01-02,10\n")
	cfg := filepath.Join(dir, "clv.toml")
	writeFile(t, cfg, "[input]\npath = \"orders.csv\"\n\n[input.columns]\namount = \"amount\"\n\n[time]\nobservation_end = \"2024-02-10\"\n")
	summaryCfg := filepath.Join(dir, "summary.toml")
	writeFile(t, summaryCfg, "[input]\npath = \"orders.csv\"\nkind = \"summary\"\n\n[time]\nobservation_end = \"2024-02-10\"\n")
	out := filepath.Join(dir, "cohorts.csv")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--config", cfg}, `orders.csv: line 3 (customer "B7"): field "date": parsing "2024-13-01" as YYYY-MM-DD: month out of range`},
		{[]string{"--config", summaryCfg}, "summary.toml:3: input.kind: clv cohorts reads a transaction log"},
		{[]string{"--config", cfg, "--period", "week"}, `--period: cohort period "week": want month or quarter`},
		{[]string{"--config", cfg, "--discount", "10"}, "--discount 10 is out of range [0, 10)"},
		{[]string{"--config", cfg, "--months", "-1"}, "--months -1: want 0 (every month) or more"},
		{[]string{"--config", cfg, "--input", filepath.Join(dir, "good.csv"), "--observation-end", "2023-12-31"}, "good.csv: no customers with a purchase on or before 2023-12-31"},
		{[]string{"--config", cfg, "--out", filepath.Join(dir, "cohorts.txt")}, "output: "},
	}
	for _, tt := range tests {
		r := clv(t, append(append([]string{"cohorts"}, tt.args...), "--out", out)...)
		if len(tt.args) > 2 && tt.args[2] == "--out" {
			r = clv(t, append([]string{"cohorts"}, tt.args...)...)
		}
		if r.code != 1 || !strings.Contains(r.stderr, tt.want) || strings.Contains(r.stderr, "goroutine") {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and %q", tt.args, r.code, r.stderr, tt.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: %s written", tt.args, out)
		}
	}
}

// TestCohortsPageAgrees: the page's cohort view (wasm/bind, the code the
// WebAssembly runs, here native) writes the same table as clv cohorts,
// byte for byte, for the same settings: the CDNOW demo by month and by
// quarter with discounting, and the Online Retail slice with its row rules
// and the returns netted.
func TestCohortsPageAgrees(t *testing.T) {
	dir := t.TempDir()
	cdnowCfg := copyCDNOW(t, dir)
	retail, err := filepath.Abs(filepath.Join("testdata", "online_retail", "invoices_slice.csv"))
	if err != nil {
		t.Fatal(err)
	}
	retailCfg := exprsConfig(t, t.TempDir(), `where = 'Country == "United Kingdom"'`, `missing_customer = "skip"`)
	tests := []struct {
		name     string
		cfg      string
		data     string
		settings string // the page's JSON settings
		cohorts  bind.CohortSettings
		args     []string
	}{
		{"CDNOW monthly", cdnowCfg, filepath.Join(dir, "transactions.csv"),
			`{"columns": {"customer": "customer_id", "date": "date", "amount": "amount"}, "observationEnd": "1997-09-30"}`,
			bind.CohortSettings{}, nil},
		{"CDNOW quarterly, discounted", cdnowCfg, filepath.Join(dir, "transactions.csv"),
			`{"columns": {"customer": "customer_id", "date": "date", "amount": "amount"}, "observationEnd": "1997-09-30"}`,
			bind.CohortSettings{Period: "quarter", AnnualDiscountRate: 0.1}, []string{"--period", "quarter", "--discount", "0.1"}},
		{"Online Retail", retailCfg, retail,
			`{"columns": {"customer": "CustomerID", "date": "InvoiceDate"}, "dateFormat": "1/2/2006 15:04", "observationEnd": "2011-12-09",
			  "amountExpr": "Quantity * UnitPrice", "isReturn": "starts_with(InvoiceNo, \"C\")", "where": "Country == \"United Kingdom\"", "missingCustomer": "skip"}`,
			bind.CohortSettings{Months: 6}, []string{"--months", "6"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := clv(t, append([]string{"cohorts", "--config", tt.cfg, "--quiet"}, tt.args...)...).mustOK(t, "cohorts").stdout
			var s bind.Session
			s.Load(readFile(t, tt.data))
			if _, err := s.Cohorts(tt.cohorts); err == nil || err.Error() != "no scored file: score the data first" {
				t.Errorf("cohorts before scoring: %v", err)
			}
			st, err := bind.DecodeSettings([]byte(tt.settings))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Score(context.Background(), st, nil); err != nil {
				t.Fatal(err)
			}
			v, err := s.Cohorts(tt.cohorts)
			if err != nil {
				t.Fatal(err)
			}
			if v.CSV != want {
				t.Errorf("the page's table differs from clv cohorts:\n%s", firstLineDiff([]byte(want), []byte(v.CSV)))
			}
			if wantInc := map[string]string{"2011-12-09": "2011-12"}[st.Time.ObservationEnd]; v.Incomplete != wantInc {
				t.Errorf("incomplete month %q, want %q", v.Incomplete, wantInc)
			}
			rows := 0
			for _, c := range v.Cohorts {
				rows += len(c.Months)
			}
			if rows != strings.Count(want, "\n")-1 {
				t.Errorf("%d cells in the view, %d rows in the table", rows, strings.Count(want, "\n")-1)
			}
		})
	}
}
