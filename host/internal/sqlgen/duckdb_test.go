package sqlgen

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/internal/textenc"
)

// duckdbRunner returns the node command that runs SQL in DuckDB
// (duckdbtest/run.mjs), or fails the test saying how to install it.
// CLV_SKIP_DUCKDB=1 skips on purpose.
func duckdbRunner(t *testing.T) func(sqlFile string) []byte {
	t.Helper()
	if os.Getenv("CLV_SKIP_DUCKDB") == "1" {
		t.Skip("CLV_SKIP_DUCKDB=1: the DuckDB equivalence tests are skipped on purpose")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("the DuckDB tests need Node.js: run `make deps` (or set CLV_SKIP_DUCKDB=1 to skip them)")
	}
	if _, err := os.Stat(filepath.Join("duckdbtest", "node_modules", "@duckdb", "node-api")); err != nil {
		t.Fatal("the DuckDB tests need @duckdb/node-api: run `make deps` (npm ci in host/internal/sqlgen/duckdbtest), or set CLV_SKIP_DUCKDB=1 to skip them")
	}
	return func(sqlFile string) []byte {
		cmd := exec.Command(node, filepath.Join("duckdbtest", "run.mjs"), sqlFile)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("duckdb: %v\n%s", err, errb.String())
		}
		return out.Bytes()
	}
}

// cdnowCSV writes core/summary's CDNOW sample (origin and licence in its
// README) as a CSV with a header: customer_id, date, qty, amount.
func cdnowCSV(t *testing.T, dir string) string {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "core", "summary", "testdata", "CDNOW_sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("customer_id,date,qty,amount\n")
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		f := strings.Fields(line)
		d := f[2]
		fmt.Fprintf(&b, "%s,%s-%s-%s,%s,%s\n", f[1], d[:4], d[4:6], d[6:], f[3], f[4])
	}
	path := filepath.Join(dir, "cdnow.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// returnsCSV writes a seeded random log of 400 customers over 1997-1998
// with returns (negative amounts, 20 %), rows marked as returns (kind R,
// 10 %), free orders (amount 0, 10 %) and a country (blank a quarter of
// the time): customer_id, date, amount, kind, country.
func returnsCSV(t *testing.T, dir string) string {
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("customer_id,date,amount,kind,country\n")
	start := date("1997-01-01")
	for c := 1; c <= 400; c++ {
		for range 1 + r.IntN(12) {
			day := start.AddDate(0, 0, r.IntN(545))
			amt := float64(r.IntN(20000)) / 100
			kind := "P"
			switch x := r.IntN(10); {
			case x < 2:
				amt = -amt
			case x == 2:
				kind = "R"
			case x == 3:
				amt = 0
			}
			country := []string{"UK", "DE", "FR", ""}[r.IntN(4)]
			fmt.Fprintf(&b, "%d,%s,%.2f,%s,%s\n", c, day.Format("2006-01-02"), amt, kind, country)
		}
	}
	path := filepath.Join(dir, "returns.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// goSummary is clv summarize's output for the CSV at path with o's
// settings, as CSV at 6 decimals (host's writeSummary, column for column).
func goSummary(t *testing.T, path string, o Options) string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := summary.NewBuilder(summary.Options{Grain: o.Grain, Unit: o.Unit, ObservationEnd: o.ObservationEnd,
		CalibrationEnd: o.CalibrationEnd, Returns: o.Returns})
	if err != nil {
		t.Fatal(err)
	}
	err = summary.ReadCSV(f, summary.CSVOptions{Header: true, Rules: o.Rules,
		Columns: summary.Columns{Customer: o.Customer, Date: o.Date, Amount: o.Amount}}, b)
	if err != nil {
		t.Fatal(err)
	}
	s, err := b.Summary()
	if err != nil {
		t.Fatal(err)
	}
	var w strings.Builder
	hold := !o.CalibrationEnd.IsZero()
	w.WriteString("customer_id,frequency,recency,T,monetary_value")
	if hold {
		w.WriteString(",frequency_holdout,monetary_value_holdout,duration_holdout")
	}
	w.WriteString("\n")
	f6 := func(v float64) string { return string(textenc.AppendFloat(nil, v, 6)) }
	for _, c := range s.Customers {
		fmt.Fprintf(&w, "%s,%d,%s,%s,%s", c.ID, c.Frequency, f6(c.Recency), f6(c.T), f6(c.Monetary))
		if hold {
			fmt.Fprintf(&w, ",%d,%s,%s", c.FrequencyHoldout, f6(c.MonetaryHoldout), f6(s.DurationHoldout))
		}
		w.WriteString("\n")
	}
	return w.String()
}

// atPrecision rewrites the CSV result of a query with its float columns at
// 6 decimals, as clv writes them (the engine's doubles are printed in
// full, so parsing them gives the same bits).
func atPrecision(t *testing.T, out []byte, q Query) string {
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var w strings.Builder
	for i, rec := range recs {
		for j, f := range rec {
			if j > 0 {
				w.WriteByte(',')
			}
			if i > 0 && j > 0 && q.Columns[j] != ColFrequency && q.Columns[j] != ColFrequencyHold {
				v, err := strconv.ParseFloat(f, 64)
				if err != nil {
					t.Fatalf("row %d column %s: %v", i, q.Columns[j], err)
				}
				w.Write(textenc.AppendFloat(nil, v, 6))
				continue
			}
			w.WriteString(f)
		}
		w.WriteByte('\n')
	}
	return w.String()
}

// knownTies are the cells where clv summarize and the exact SQL sums
// print differently, each checked for both values: the exact mean is a
// tie at the 6th decimal, and clv's float64 sum (added in date order) is
// a hair off the exact sum, so it rounds the other way. CDNOW customer
// 0841 at day grain: 33 purchase days, repeat sum 983.91 exactly, 983.91 /
// 32 = 30.7471875; clv's float sum is 983.9100000000001, giving
// 30.747188, while the exact sum's double (983.90999999999997...) / 32
// gives 30.747187.
var knownTies = map[string][2]string{
	"cdnow day net 0841 monetary_value":      {"30.747188", "30.747187"},
	"cdnow day drop 0841 monetary_value":     {"30.747188", "30.747187"},
	"cdnow day purchase 0841 monetary_value": {"30.747188", "30.747187"},
}

// TestDuckDBMatchesSummarize runs the generated DuckDB SQL in a real
// DuckDB (duckdbtest/run.mjs) on the CDNOW sample and on a log with
// returns, and compares its result, at clv's 6 decimals, with core/summary
// (what clv summarize writes) for every grain, with and without a
// calibration end, under every returns rule, and with row rules; every
// other query is run with bind parameters (PREPARE/EXECUTE), the others
// with literals.
func TestDuckDBMatchesSummarize(t *testing.T) {
	run := duckdbRunner(t)
	dir := t.TempDir()
	sets := []struct {
		name, path, columns string
		rules               summary.RowRules
	}{
		{"cdnow", cdnowCSV(t, dir), `{'customer_id': 'VARCHAR', 'date': 'DATE', 'qty': 'INTEGER', 'amount': 'DECIMAL(10, 2)'}`, summary.RowRules{}},
		{"returns", returnsCSV(t, dir), `{'customer_id': 'BIGINT', 'date': 'DATE', 'amount': 'DECIMAL(10, 2)', 'kind': 'VARCHAR', 'country': 'VARCHAR'}`, summary.RowRules{}},
		{"rules", returnsCSV(t, dir), `{'customer_id': 'BIGINT', 'date': 'DATE', 'amount': 'DECIMAL(10, 2)', 'kind': 'VARCHAR', 'country': 'VARCHAR'}`,
			summary.RowRules{IsReturn: `kind == "R"`, Where: `country != "DE" && !is_empty(country) || amount > 150.5`}},
	}
	seenTies := map[string]bool{}
	n := 0
	for _, set := range sets {
		type check struct {
			name string
			q    Query
			want string
		}
		var checks []check
		var script strings.Builder
		fmt.Fprintf(&script, "CREATE TABLE tx AS SELECT * FROM read_csv(%s, header = true, columns = %s)\n;\n",
			mustLiteral(t, set.path), set.columns)
		for _, g := range []summary.Grain{summary.Day, summary.Week, summary.Month} {
			for _, cal := range []string{"", "1997-09-30"} {
				for _, r := range []summary.Returns{summary.ReturnsNet, summary.ReturnsDrop, summary.ReturnsPurchase} {
					o := Options{Dialect: DuckDB, Table: "tx", Customer: "customer_id", Date: "date", Amount: "amount",
						Grain: g, Unit: summary.Weeks, ObservationEnd: date("1998-06-30"), Returns: r, Rules: set.rules, Inline: n%2 == 0}
					if cal != "" {
						o.CalibrationEnd = date(cal)
					}
					name := fmt.Sprintf("%s %s %s", set.name, g, r)
					if cal != "" {
						name += " cal"
					}
					q, err := Summary(o)
					if err != nil {
						t.Fatal(err)
					}
					if o.Inline {
						fmt.Fprintf(&script, "-- result\n%s\n;\n", q.SQL)
					} else {
						// DuckDB binds $n with PREPARE and EXECUTE.
						var args []string
						for _, a := range q.Args {
							switch v := a.(type) {
							case float64:
								args = append(args, DuckDB.doubleLiteral(v))
							case string:
								args = append(args, mustLiteral(t, v))
							}
						}
						fmt.Fprintf(&script, "PREPARE q%d AS %s\n;\n-- result\nEXECUTE q%d(%s)\n;\n", n, q.SQL, n, strings.Join(args, ", "))
					}
					n++
					checks = append(checks, check{name, q, goSummary(t, set.path, o)})
				}
			}
		}
		file := filepath.Join(dir, set.name+".sql")
		if err := os.WriteFile(file, []byte(script.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		results := strings.Split(string(run(file)), "-- end\n")
		if len(results) != len(checks)+1 {
			t.Fatalf("%s: %d results from DuckDB, want %d", set.name, len(results)-1, len(checks))
		}
		for i, c := range checks {
			compareSummaries(t, c.name, atPrecision(t, []byte(results[i]), c.q), c.want, seenTies)
		}
	}
	for k := range knownTies {
		if !seenTies[k] {
			t.Errorf("known tie %q did not occur: if clv summarize and the SQL now agree there, remove it from knownTies", k)
		}
	}
}

func mustLiteral(t *testing.T, s string) string {
	lit, err := DuckDB.stringLiteral(s)
	if err != nil {
		t.Fatal(err)
	}
	return lit
}

// compareSummaries compares two summaries as CSV, line by line and cell
// by cell; a cell listed in knownTies must hold its two values.
func compareSummaries(t *testing.T, name, got, want string, seenTies map[string]bool) {
	t.Helper()
	gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
	if len(gl) != len(wl) {
		t.Errorf("%s: %d lines from SQL, %d from clv summarize", name, len(gl), len(wl))
		return
	}
	header := strings.Split(wl[0], ",")
	for i := range wl {
		if gl[i] == wl[i] {
			continue
		}
		gc, wc := strings.Split(gl[i], ","), strings.Split(wl[i], ",")
		if len(gc) != len(wc) {
			t.Errorf("%s line %d: SQL %q, clv summarize %q", name, i+1, gl[i], wl[i])
			continue
		}
		for j := range wc {
			if gc[j] == wc[j] {
				continue
			}
			key := strings.TrimSuffix(name, " cal") + " " + wc[0] + " " + header[j]
			if tie, ok := knownTies[key]; ok && wc[j] == tie[0] && gc[j] == tie[1] {
				seenTies[key] = true
				continue
			}
			t.Errorf("%s, customer %s, %s: SQL %s, clv summarize %s", name, wc[0], header[j], gc[j], wc[j])
		}
	}
}

// TestDuckDBHistogramAndZone runs, in DuckDB, the histogram query on the
// CDNOW sample (week grain, calibration) against the histogram of
// core/summary's customers (rows counted by their values at 6 decimals on
// both sides), and the summary of a TIMESTAMPTZ column with --time-zone:
// CDNOW's orders placed at 23:30 UTC fall on the next day in
// Europe/Berlin, so the result is core/summary's on dates one day later.
func TestDuckDBHistogramAndZone(t *testing.T) {
	run := duckdbRunner(t)
	dir := t.TempDir()
	path := cdnowCSV(t, dir)
	o := Options{Dialect: DuckDB, Table: "tx", Customer: "customer_id", Date: "date", Amount: "amount",
		Grain: summary.Week, Unit: summary.Weeks, ObservationEnd: date("1997-09-30"), CalibrationEnd: date("1997-06-30"), Inline: true}
	hq, err := Histogram(o)
	if err != nil {
		t.Fatal(err)
	}
	zo := o
	zo.Grain, zo.CalibrationEnd, zo.Date, zo.TimeZone = summary.Day, time.Time{}, "ts", "Europe/Berlin"
	zq, err := Summary(zo)
	if err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf(`CREATE TABLE tx AS SELECT *, timezone('UTC', CAST(date AS TIMESTAMP) + INTERVAL 23 HOUR + INTERVAL 30 MINUTE) AS ts
FROM read_csv(%s, header = true, columns = {'customer_id': 'VARCHAR', 'date': 'DATE', 'qty': 'INTEGER', 'amount': 'DECIMAL(10, 2)'})
;
-- result
%s
;
-- result
%s
;
`, mustLiteral(t, path), hq.SQL, zq.SQL)
	file := filepath.Join(dir, "q.sql")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	results := strings.Split(string(run(file)), "-- end\n")
	if len(results) != 3 {
		t.Fatalf("%d results from DuckDB, want 2", len(results)-1)
	}

	// The histogram: counts by (kind, frequency, recency, T, monetary) at
	// 6 decimals.
	recs, err := csv.NewReader(strings.NewReader(results[0])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	f6 := func(v float64) string { return string(textenc.AppendFloat(nil, v, 6)) }
	got := map[string]int{}
	total := 0
	for _, rec := range recs[1:] {
		key := rec[0] + " " + rec[1]
		for _, f := range rec[2:5] {
			if f == "" {
				key += " -"
				continue
			}
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatal(err)
			}
			key += " " + f6(v)
		}
		n, err := strconv.Atoi(rec[5])
		if err != nil {
			t.Fatal(err)
		}
		got[key] += n
		if rec[0] == KindPurchase {
			total += n
		}
	}
	s := summarizeFile(t, path, o, 0)
	want := map[string]int{}
	for _, c := range s.Customers {
		want[fmt.Sprintf("%s %d %s %s -", KindPurchase, c.Frequency, f6(c.Recency), f6(c.T))]++
		if c.Frequency > 0 {
			want[fmt.Sprintf("%s %d - - %s", KindSpend, c.Frequency, f6(c.Monetary))]++
		}
	}
	if total != len(s.Customers) || len(got) != len(want) {
		t.Errorf("histogram: %d customers in %d rows, want %d in %d", total, len(got), len(s.Customers), len(want))
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("histogram row %q: %d customers, want %d", k, got[k], n)
		}
	}

	// The time zone: core/summary on the dates one day later.
	zs := summarizeFile(t, path, zo, 1)
	var w strings.Builder
	w.WriteString("customer_id,frequency,recency,T,monetary_value\n")
	for _, c := range zs.Customers {
		fmt.Fprintf(&w, "%s,%d,%s,%s,%s\n", c.ID, c.Frequency, f6(c.Recency), f6(c.T), f6(c.Monetary))
	}
	compareSummaries(t, "cdnow day zone", atPrecision(t, []byte(results[1]), zq), w.String(), map[string]bool{})
	if len(zs.Customers) == 0 || zs.Report.AfterObservationEnd == 0 {
		t.Errorf("the shifted log should lose the orders of 1997-09-30 to after the end: %+v", zs.Report)
	}
}

// summarizeFile is core/summary's summary of the CDNOW CSV at path with
// o's settings, every date moved shift days later.
func summarizeFile(t *testing.T, path string, o Options, shift int) summary.Summary {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := summary.NewBuilder(summary.Options{Grain: o.Grain, Unit: o.Unit, ObservationEnd: o.ObservationEnd,
		CalibrationEnd: o.CalibrationEnd, Returns: o.Returns})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n")[1:] {
		f := strings.Split(line, ",")
		amount, err := strconv.ParseFloat(f[3], 64)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Add(summary.Transaction{Customer: f[0], Time: date(f[1]).AddDate(0, 0, shift), Amount: amount}); err != nil {
			t.Fatal(err)
		}
	}
	s, err := b.Summary()
	if err != nil {
		t.Fatal(err)
	}
	return s
}
