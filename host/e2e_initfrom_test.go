package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/clvkit/clvkit/host/internal/config"
	"github.com/clvkit/clvkit/wasm/bind"
)

// onlineRetailGz is the whole UCI Online Retail sample (see
// testdata/online_retail/README.md).
var onlineRetailGz = filepath.Join("testdata", "online_retail", "online_retail_invoices.csv.gz")

// initAndScore runs clv init --from on the export in dir (name), then clv
// score on the config it wrote, unedited, and returns the config, the
// score run and the scores.
func initAndScore(t *testing.T, dir, name string) (string, result, csvTable) {
	t.Helper()
	in := invocation{dir: dir, args: []string{"init", "--from", name, "--out", "clv.toml"}}
	r := in.exec(t).mustOK(t, "init --from")
	if !strings.Contains(r.stderr, "wrote clv.toml") {
		t.Errorf("init --from stderr: %s", r.stderr)
	}
	cfg := string(readFile(t, filepath.Join(dir, "clv.toml")))
	in.args = []string{"score", "--config", "clv.toml"}
	sr := in.exec(t)
	if sr.code != 0 {
		t.Fatalf("score with the written config: exit %d\nstderr:\n%s\nconfig:\n%s", sr.code, sr.stderr, cfg)
	}
	out := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(name), ".gz"), ".csv") + "_scores.csv"
	return cfg, sr, readCSV(t, readFile(t, filepath.Join(dir, out)))
}

// TestInitFromOnlineRetail writes the config of the whole Online Retail
// sample with clv init --from and scores it without edits, Gamma-Gamma
// included. The counts were worked out from the file with awk:
// 25,943 rows; 3,722 with CustomerID "(blank)" (guest checkouts, left out
// by the where rule); 3,837 invoices numbered C..., 182 of them guests, so
// 3,655 returns netted; 25,943 - 3,722 = 22,221 rows kept; 4,372 customer
// ids, 4,339 with a purchase row. The last invoice is dated 12/9/2011.
func TestInitFromOnlineRetail(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "online_retail_invoices.csv.gz"), string(readFile(t, onlineRetailGz)))
	cfg, r, scores := initAndScore(t, dir, "online_retail_invoices.csv.gz")
	for _, want := range []string{
		"\npath = \"online_retail_invoices.csv.gz\"\n",
		"\ndate_format = \"M/D/YYYY H:mm\"\n",
		"\namount_format = \"plain\"\n",
		"\namount_expr = \"Quantity * UnitPrice\"\n",
		"\nis_return = 'starts_with(InvoiceNo, \"C\")'\n",
		"\nwhere = 'CustomerID != \"(blank)\"'\n",
		"# guess: 3722 rows (14.3% of 25943) have the customer id \"(blank)\", a guest checkout: left out\n",
		"\nobservation_end = \"2011-12-09\"\n",
		"\ncustomer = \"CustomerID\"\n",
		"\nunit = \"week\"",
		// The built-in formula keys, as in the starter.
		"# builtin = \"margin_clv\"",
		"# inputs = {",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config lacks %q:\n%s", want, cfg)
		}
	}
	if strings.Contains(cfg, "\"auto\"") || strings.Contains(cfg, "\namount = ") {
		t.Errorf("config has auto formats or an amount column:\n%s", cfg)
	}
	for _, want := range []string{
		"online_retail_invoices.csv.gz: 25943 rows, 22221 transactions kept, 4323 customers\n",
		"left out: 3722 rows by the where rule, 0 rows without a customer id\n",
		"returns (net): 3655 return rows netted; 243 purchase periods refunded; 49 customers left with no purchase",
		"gammagamma: p=",
		"scored 4323 customers",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("score report lacks %q:\n%s", want, r.stderr)
		}
	}
	// 4,372 ids less the 49 left with no purchase once returns are netted.
	if len(scores.rows) != 4323 {
		t.Errorf("%d scored customers, want 4323", len(scores.rows))
	}
	clvCol, mCol := scores.col(t, "clv"), scores.col(t, "monetary_value")
	for _, row := range scores.rows {
		if v := mustFloat(t, row[clvCol]); v < 0 {
			t.Errorf("customer %s: clv %v < 0", row[0], v)
		}
		if v := mustFloat(t, row[mCol]); v < 0 {
			t.Errorf("customer %s: monetary_value %v < 0 (returns not netted?)", row[0], v)
		}
	}
}

// shopifyExport is a synthetic Shopify-style order export and what it
// holds, by construction.
type shopifyExport struct {
	text                             string
	rows, guests, cancelled, refunds int
	testRows, customers, negRef      int
	last                             string // the last order's day, YYYY-MM-DD
}

// genShopify writes a Shopify-style export with a fixed seed: orders named
// #1001..., emails as customer ids (some empty: guest checkouts), a
// "Financial Status" (paid, refunded for refund rows, voided for cancelled
// orders), "Created at" timestamps with zones (2024-03-15T14:22:01-05:00),
// totals such as "$1,234.50" (refunds as negative amounts, "-$45.00" or
// "($45.00)", or positive with the status refunded), a "Cancelled at"
// column set on cancelled orders, and a few test customers' orders.
func genShopify(seed uint64) shopifyExport {
	rng := rand.New(rand.NewPCG(seed, 1))
	var ex shopifyExport
	var b strings.Builder
	b.WriteString("Name,Email,Financial Status,Created at,Currency,Total,Cancelled at\n")
	start := time.Date(2023, 1, 2, 0, 0, 0, 0, time.FixedZone("", -5*3600))
	span := 540 * 24 * time.Hour
	money := func(cents int) string {
		d, c := cents/100, cents%100
		s := fmt.Sprintf("%d", d)
		if d >= 1000 {
			s = fmt.Sprintf("%d,%03d", d/1000, d%1000)
		}
		return fmt.Sprintf("$%s.%02d", s, c)
	}
	order := 1001
	var last time.Time
	row := func(email, status string, at time.Time, total, cancelled string) {
		if strings.Contains(total, ",") {
			total = `"` + total + `"`
		}
		fmt.Fprintf(&b, "#%d,%s,%s,%s,USD,%s,%s\n", order, email, status, at.Format(time.RFC3339), total, cancelled)
		order++
		ex.rows++
		if at.After(last) {
			last = at
		}
	}
	customers := 400
	for c := 0; c < customers; c++ {
		email := fmt.Sprintf("customer%03d@example.com", c)
		test := c%80 == 7 // 5 test customers
		if test {
			email = fmt.Sprintf("test+%d@shop.example", c)
		}
		ex.customers++
		n := 1 + rng.IntN(6)
		for i := 0; i < n; i++ {
			at := start.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(time.Second)
			cents := 1500 + rng.IntN(30000)
			if rng.IntN(40) == 0 {
				cents += 100000 // some orders over $1,000
			}
			if test {
				ex.testRows++
			}
			switch k := rng.IntN(20); {
			case k == 0: // cancelled before it was paid
				row(email, "voided", at, money(cents), at.Add(time.Hour).Format(time.RFC3339))
				ex.cancelled++
			case k <= 3: // paid, then refunded in full a few days later
				row(email, "paid", at, money(cents), "")
				ref := money(cents)
				switch k {
				case 1:
					ref = "-" + ref
					ex.negRef++
				case 2:
					ref = "(" + ref + ")"
					ex.negRef++
				} // k == 3: the refund written as a positive amount
				row(email, "refunded", at.Add(72*time.Hour), ref, "")
				ex.refunds++
				if test {
					ex.testRows++
				}
			default:
				row(email, "paid", at, money(cents), "")
			}
		}
	}
	for g := 0; g < 25; g++ { // guest checkouts: no email
		at := start.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(time.Second)
		row("", "paid", at, money(1000+rng.IntN(5000)), "")
		ex.guests++
	}
	ex.text, ex.last = b.String(), last.Format(time.DateOnly)
	return ex
}

// TestInitFromShopify writes the config of a synthetic Shopify-style
// export and scores it without edits: the counts in the report are those
// the generator made.
func TestInitFromShopify(t *testing.T) {
	ex := genShopify(15)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "orders_export.csv"), ex.text)
	cfg, r, scores := initAndScore(t, dir, "orders_export.csv")
	for _, want := range []string{
		"\ndate_format = \"ISO8601\"\n",
		"\namount_format = \"1,234.56\"\n",
		"\nis_return = 'lower(`Financial Status`) == \"refunded\"'\n",
		"\nmissing_customer = \"skip\"\n",
		"\nwhere = 'lower(`Financial Status`) != \"voided\" && is_empty(`Cancelled at`)'\n",
		"\n# where = 'lower(`Financial Status`) != \"voided\" && is_empty(`Cancelled at`) && !contains(lower(Email), \"test\")'\n",
		"\ncustomer = \"Email\"\n",
		"\ndate = \"Created at\"\n",
		"\namount = \"Total\"\n",
		"\nobservation_end = \"" + ex.last + "\"\n",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config lacks %q:\n%s", want, cfg)
		}
	}
	kept := ex.rows - ex.cancelled - ex.guests
	for _, want := range []string{
		fmt.Sprintf("orders_export.csv: %d rows, %d transactions kept, ", ex.rows, kept),
		fmt.Sprintf("left out: %d rows by the where rule, %d rows without a customer id\n", ex.cancelled, ex.guests),
		fmt.Sprintf("returns (net): %d return rows netted; ", ex.refunds),
		"gammagamma: p=",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("score report lacks %q:\n%s", want, r.stderr)
		}
	}
	if len(scores.rows) == 0 || len(scores.rows) > ex.customers {
		t.Errorf("%d scored customers of %d", len(scores.rows), ex.customers)
	}
	scores.col(t, "clv")
	if ex.negRef == 0 || ex.refunds == ex.negRef || ex.testRows == 0 {
		t.Errorf("the generator made %d refunds, %d negative, %d test rows: want both kinds of refund and test rows", ex.refunds, ex.negRef, ex.testRows)
	}
}

// TestInitFromFiles covers what clv init --from says about files it
// cannot read sure: ambiguous dates are written both ways with a note; a
// file without dates is an error naming it; an order total beside
// quantity and price is the amount; --observation-end is written.
func TestInitFromFiles(t *testing.T) {
	dir := t.TempDir()
	// Every day is 12 or less: 3/4/2024 is March 4 or April 3.
	writeFile(t, filepath.Join(dir, "ambiguous.csv"), "customer,date,amount\nc1,3/4/2024,10.00\nc2,3/5/2024,20.00\nc1,4/11/2024,15.50\nc3,12/1/2024,9.99\n"+
		"c2,6/2/2024,31.00\nc3,7/1/2024,12.00\nc4,1/9/2024,8.00\nc4,2/9/2024,10.00\nc4,5/5/2024,11.00\n")
	writeFile(t, filepath.Join(dir, "nodates.csv"), "customer,amount,country\nc1,10.00,UK\nc2,20.00,FR\n")
	writeFile(t, filepath.Join(dir, "empty.csv"), "")
	writeFile(t, filepath.Join(dir, "orders.jsonl"), `{"customer":"c1","date":"2024-03-01","amount":1}`+"\n")
	in := invocation{dir: dir}

	in.args = []string{"init", "--from", "ambiguous.csv", "--out", "amb.toml"}
	r := in.exec(t).mustOK(t, "init --from ambiguous.csv")
	cfg := string(readFile(t, filepath.Join(dir, "amb.toml")))
	for _, want := range []string{
		"# AMBIGUOUS DATES: every sampled day is 12 or less",
		"\"3/4/2024\" is 2024-03-04 under \"M/D/YYYY\" but 2024-04-03 under \"D/M/YYYY\"",
		"\ndate_format = \"M/D/YYYY\"\n# date_format = \"D/M/YYYY\"\n",
		"\nobservation_end = \"2024-12-01\"\n",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("ambiguous config lacks %q:\n%s", want, cfg)
		}
	}
	if !strings.Contains(r.stderr, "ambiguous dates") {
		t.Errorf("init stderr does not say the dates are ambiguous: %s", r.stderr)
	}
	// Nine rows are too few to fit the models: validate reads them all.
	in.args = []string{"validate", "--config", "amb.toml"}
	in.exec(t).mustOK(t, "validate the ambiguous file's config")

	// The first 5000 lines fit both readings; a later date (1/13/2024)
	// reads only month first, so the whole-file pass settles it.
	var late strings.Builder
	late.WriteString("customer,date,amount\n")
	for i := 0; i < 5100; i++ {
		day := 1 + i%12
		if i == 5050 {
			day = 13
		}
		fmt.Fprintf(&late, "c%d,1/%d/2024,%d.50\n", i%300, day, 5+i%40)
	}
	writeFile(t, filepath.Join(dir, "late.csv"), late.String())
	in.args = []string{"init", "--from", "late.csv", "--out", "-"}
	r = in.exec(t).mustOK(t, "init --from late.csv")
	for _, want := range []string{
		"# guess: the first 4999 lines fit both \"M/D/YYYY\" and \"D/M/YYYY\"; the whole file reads only as \"M/D/YYYY\"\ndate_format = \"M/D/YYYY\"\n",
		"\nobservation_end = \"2024-01-13\"\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("late.csv config lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "AMBIGUOUS") || strings.Contains(r.stderr, "ambiguous") {
		t.Errorf("late.csv called ambiguous:\n%s", r.stderr)
	}

	for _, tt := range []struct{ file, msg string }{
		{"nodates.csv", `nodates.csv: no date column: no column of the first 2 rows reads as dates (columns: ["customer" "amount" "country"])`},
		{"empty.csv", "empty.csv: no data rows"},
		{"orders.jsonl", "--from orders.jsonl: clv init --from reads delimited text (CSV)"},
		{"missing.csv", "--from missing.csv: input: open missing.csv: no such file or directory"},
	} {
		in.args = []string{"init", "--from", tt.file, "--out", "x.toml"}
		r := in.exec(t)
		if r.code != 1 || !strings.Contains(r.stderr, tt.msg) || strings.Contains(r.stderr, "goroutine") {
			t.Errorf("init --from %s: exit %d, stderr %q; want 1 and %q", tt.file, r.code, r.stderr, tt.msg)
		}
		if _, err := os.Stat(filepath.Join(dir, "x.toml")); err == nil {
			t.Errorf("init --from %s wrote x.toml", tt.file)
		}
	}

	// --observation-end is written as given; a bad one is an error.
	in.args = []string{"init", "--from", "ambiguous.csv", "--observation-end", "2024-06-30", "--out", "-"}
	r = in.exec(t).mustOK(t, "init --observation-end")
	if !strings.Contains(r.stdout, "\nobservation_end = \"2024-06-30\"\n") || !strings.Contains(r.stdout, "the data goes on to 2024-12-01") {
		t.Errorf("--observation-end not written:\n%s", r.stdout)
	}
	in.args = []string{"init", "--from", "ambiguous.csv", "--observation-end", "30/06/2024", "--out", "-"}
	if r := in.exec(t); r.code != 1 || !strings.Contains(r.stderr, `--observation-end "30/06/2024": want a date as YYYY-MM-DD`) {
		t.Errorf("bad --observation-end: exit %d, stderr %q", r.code, r.stderr)
	}
	in.args = []string{"init", "--observation-end", "2024-06-30", "--out", "-"}
	if r := in.exec(t); r.code != 1 || !strings.Contains(r.stderr, "--observation-end needs --from") {
		t.Errorf("--observation-end without --from: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestInitFromOutput checks that --out and --force behave as for plain
// clv init, and that the config never replaces the export it reads.
func TestInitFromOutput(t *testing.T) {
	dir := t.TempDir()
	orders := "customer,date,amount\nc1,2024-03-01,10.00\nc2,2024-03-15,20.00\nc1,2024-04-02,5.00\nc2,2024-05-02,25.00\nc3,2024-05-03,7.00\nc3,2024-06-01,9.00\n"
	writeFile(t, filepath.Join(dir, "orders.csv"), orders)
	writeFile(t, filepath.Join(dir, "clv.toml"), "# mine\n")
	in := invocation{dir: dir}
	for _, tt := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--from", "orders.csv"}, 1, "clv.toml already exists; use --force to overwrite it"},
		{[]string{"--from", "orders.csv", "--out", "orders.csv"}, 1, "orders.csv already exists; use --force to overwrite it"},
		{[]string{"--from", "orders.csv", "--out", "orders.csv", "--force"}, 1, "orders.csv"},
		{[]string{"--from", "./orders.csv", "--out", "sub/../orders.csv", "--force"}, 1, "orders.csv"},
		{[]string{"--from", "orders.csv", "--force"}, 0, "wrote clv.toml"},
	} {
		in.args = append([]string{"init"}, tt.args...)
		r := in.exec(t)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.msg) {
			t.Errorf("clv init %s: exit %d, stderr %q; want %d and %q", strings.Join(tt.args, " "), r.code, r.stderr, tt.code, tt.msg)
		}
		if got := string(readFile(t, filepath.Join(dir, "orders.csv"))); got != orders {
			t.Fatalf("clv init %s changed the export:\n%s", strings.Join(tt.args, " "), got)
		}
	}
	if cfg := string(readFile(t, filepath.Join(dir, "clv.toml"))); !strings.Contains(cfg, "\npath = \"orders.csv\"\n") {
		t.Errorf("--force did not write the config:\n%s", cfg)
	}
	// A config written into another folder names the export relative to it.
	if err := os.Mkdir(filepath.Join(dir, "conf"), 0o755); err != nil {
		t.Fatal(err)
	}
	in.args = []string{"init", "--from", "orders.csv", "--out", "conf/a.toml"}
	in.exec(t).mustOK(t, "init --out conf/a.toml")
	if cfg := string(readFile(t, filepath.Join(dir, "conf", "a.toml"))); !strings.Contains(cfg, "\npath = \"../orders.csv\"\n") {
		t.Errorf("path not relative to the config's folder:\n%s", cfg)
	}
	in.args = []string{"score", "--config", "conf/a.toml", "--quiet"}
	in.exec(t).mustOK(t, "score conf/a.toml")
}

// TestInitFromDetectsAsThePage checks that clv init --from writes the
// columns and formats the page's Inspect (wasm/bind) detects on the same
// files: both use core/detect. Where the page finds the dates ambiguous,
// the config writes its first format and comments out the other.
func TestInitFromDetectsAsThePage(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot, "core/detect/testdata/*.csv"))
	if err != nil || len(files) < 4 {
		t.Fatalf("test files: %v %v", files, err)
	}
	files = append(files, filepath.Join("testdata", "online_retail", "invoices_slice.csv"), onlineRetailGz)
	for _, path := range files {
		data := readFile(t, path)
		if strings.HasSuffix(path, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if data, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		name := filepath.Base(path)
		ins := bind.Inspect(data)
		g, err := guessOrders(name, bytes.NewReader(data), "")
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var b bytes.Buffer
		if err := g.writeConfig(&b, name, "scores.csv"); err != nil {
			t.Fatal(err)
		}
		c, err := config.Parse("clv.toml", b.Bytes())
		if err != nil {
			t.Errorf("%s: the written config does not parse: %v\n%s", name, err, b.String())
			continue
		}
		in := c.Input
		wantAmount := ins.Guess.Amount
		if ins.AmountExpr != "" {
			wantAmount = ""
		}
		if in.Columns.Customer != ins.Guess.Customer || in.Columns.Date != ins.Guess.Date || in.Columns.Amount != wantAmount || in.AmountExpr != ins.AmountExpr {
			t.Errorf("%s: init writes customer %q, date %q, amount %q, amount_expr %q; the page guesses %+v, amountExpr %q",
				name, in.Columns.Customer, in.Columns.Date, in.Columns.Amount, in.AmountExpr, ins.Guess, ins.AmountExpr)
		}
		if in.DateFormat != ins.DateFormat || in.Delimiter != ins.Delimiter || in.NoHeader == ins.Header {
			t.Errorf("%s: init writes date_format %q, delimiter %q, no_header %v; the page %q, %q, header %v",
				name, in.DateFormat, in.Delimiter, in.NoHeader, ins.DateFormat, ins.Delimiter, ins.Header)
		}
		if ins.AmountExpr == "" && in.AmountFormat != ins.AmountFormat {
			t.Errorf("%s: init writes amount_format %q, the page %q", name, in.AmountFormat, ins.AmountFormat)
		}
		if amb := strings.Contains(b.String(), "# AMBIGUOUS DATES"); amb != ins.Ambiguous {
			t.Errorf("%s: the config says ambiguous %v, the page %v", name, amb, ins.Ambiguous)
		}
	}
}

// TestTOMLString checks the quoting of the values clv init --from writes:
// each must decode to the value itself.
func TestTOMLString(t *testing.T) {
	for _, v := range []string{"CustomerID", `starts_with(InvoiceNo, "C")`, "Unit Price", `a "b" 'c'`, "back\\slash", "tab\tnew\nline", "Cancelled at", "M/D/YYYY H:mm", "1,234.56", "O'Brien", ""} {
		var got struct{ V string }
		if _, err := toml.Decode("V = "+tomlString(v)+"\n", &got); err != nil {
			t.Errorf("%q: %s does not decode: %v", v, tomlString(v), err)
			continue
		}
		if got.V != v {
			t.Errorf("%q written %s reads back as %q", v, tomlString(v), got.V)
		}
	}
}
