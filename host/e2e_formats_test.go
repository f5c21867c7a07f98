package main

// End-to-end tests of date_format and amount_format: real exports (a
// Shopify-style file with "$1,234.50" totals and zoned timestamps, a
// German export, the UCI Online Retail sample) scored by the real binary.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// formatsConfig is a scoring config over transactions.csv in the same
// folder with the given [input] format keys.
func formatsConfig(columns, formatKeys, obsEnd string) string {
	return fmt.Sprintf(`[input]
path = "transactions.csv"
%s

[input.columns]
%s

[time]
unit = "week"
observation_end = %q

[output]
path = "scores.csv"
`, formatKeys, columns, obsEnd)
}

// shopifyCDNOW rewrites the CDNOW demo log as a Shopify order export:
// order names, emails, "2024-03-15 14:22:01-05:00" timestamps and
// "$1,234.50" totals (quoted, since they may hold a comma), plus one order
// of $1,234.50 so that a thousands separator is certain to appear. It
// returns the export and the same orders as a plain log keyed by email.
func shopifyCDNOW(t *testing.T) (shopify, plain string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(string(readFile(t, filepath.Join(repoRoot, "examples/cdnow/transactions.csv")))), "\n")
	var s, p strings.Builder
	s.WriteString("Name,Email,Financial Status,Created at,Currency,Total\n")
	p.WriteString("Email,date,amount\n")
	write := func(i int, id, day, amount string) {
		fmt.Fprintf(&p, "c%s@example.com,%s,%s\n", id, day, amount)
		whole, cents, _ := strings.Cut(amount, ".")
		for len(cents) < 2 {
			cents += "0"
		}
		if len(whole) > 3 {
			whole = whole[:len(whole)-3] + "," + whole[len(whole)-3:]
		}
		// Times and zones vary; only the date as written counts.
		fmt.Fprintf(&s, "#%d,c%s@example.com,paid,%s %02d:%02d:01-0%d:00,USD,\"$%s.%s\"\n", 1000+i, id, day, i%24, i%60, 4+i%2, whole, cents)
	}
	for i, l := range lines[1:] {
		f := strings.Split(l, ",") // customer_id,date,cds,amount
		write(i, f[0], f[1], f[3])
	}
	write(len(lines), "9999", "1997-03-01", "1234.50")
	return s.String(), p.String()
}

// TestShopifyExportAuto scores a Shopify-style export with date_format
// and amount_format = "auto" and checks the scores are byte for byte
// those of the same orders written plainly, that the detected formats are
// reported (by validate and score) and recorded in the manifest, and that
// verify reproduces the run.
func TestShopifyExportAuto(t *testing.T) {
	shop, plain := shopifyCDNOW(t)
	plainDir, shopDir := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(plainDir, "transactions.csv"), plain)
	writeFile(t, filepath.Join(plainDir, "clv.toml"), formatsConfig(`customer = "Email"
date = "date"
amount = "amount"`, `date_format = "YYYY-MM-DD"
amount_format = "plain"`, "1997-09-30"))
	writeFile(t, filepath.Join(shopDir, "transactions.csv"), shop)
	writeFile(t, filepath.Join(shopDir, "clv.toml"), formatsConfig(`customer = "Email"
date = "Created at"
amount = "Total"`, `date_format = "auto"
amount_format = "auto"`, "1997-09-30"))

	clv(t, "score", "--config", filepath.Join(plainDir, "clv.toml"), "--quiet").mustOK(t, "score the plain log")
	r := clv(t, "validate", "--config", filepath.Join(shopDir, "clv.toml")).mustOK(t, "validate the export")
	want := `detected from the first 4999 rows: date_format = "ISO8601", amount_format = "1,234.56"`
	if !strings.Contains(r.stdout, want) {
		t.Errorf("validate stdout lacks %q:\n%s", want, r.stdout)
	}
	r = clv(t, "score", "--config", filepath.Join(shopDir, "clv.toml")).mustOK(t, "score the export")
	if !strings.Contains(r.stderr, want) {
		t.Errorf("score report lacks %q:\n%s", want, r.stderr)
	}
	a, b := readFile(t, filepath.Join(plainDir, "scores.csv")), readFile(t, filepath.Join(shopDir, "scores.csv"))
	if string(a) != string(b) {
		t.Errorf("the export scores differently from the plain log: %s", firstLineDiff(a, b))
	}
	if !strings.Contains(string(b), "c9999@example.com") {
		t.Error("the $1,234.50 customer is missing")
	}
	man := filepath.Join(shopDir, "scores.csv.manifest.json")
	m := string(readFile(t, man))
	for _, w := range []string{`"input_formats"`, `"date_format": "ISO8601"`, `"amount_format": "1,234.56"`} {
		if !strings.Contains(m, w) {
			t.Errorf("manifest lacks %s:\n%s", w, m)
		}
	}
	clv(t, "verify", man).mustOK(t, "verify")
}

// TestVerifyUsesRecordedFormats: the manifest records the detected
// formats, and verify, which re-reads the same (hash-checked) input and so
// detects the same formats, fails when the recorded ones were edited,
// naming the field and the edited value.
func TestVerifyUsesRecordedFormats(t *testing.T) {
	shop, _ := shopifyCDNOW(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "transactions.csv"), shop)
	writeFile(t, filepath.Join(dir, "clv.toml"), formatsConfig(`customer = "Email"
date = "Created at"
amount = "Total"`, `date_format = "auto"
amount_format = "auto"`, "1997-09-30"))
	clv(t, "score", "--config", filepath.Join(dir, "clv.toml"), "--quiet").mustOK(t, "score")
	man := filepath.Join(dir, "scores.csv.manifest.json")
	edited := strings.Replace(string(readFile(t, man)), `"amount_format": "1,234.56"`, `"amount_format": "1.234,56"`, 1)
	writeFile(t, man, edited)
	r := clv(t, "verify", man)
	if r.code != 1 || !strings.Contains(r.stderr, `"1.234,56"`) || !strings.Contains(r.stderr, "input_formats.amount_format") {
		t.Errorf("verify with a recorded amount_format of 1.234,56: exit %d, want 1 naming the format\n%s", r.code, r.stderr)
	}
}

// formatErrorTests are format mistakes: each must exit 1 with a message
// naming the problem, from validate (when it can see it) and from score.
var formatErrorTests = []struct {
	name, data, columns, keys, obsEnd string
	validateToo                       bool
	want                              []string
}{{
	name:        "layout without a day",
	data:        "customer_id,date\na,2024-03\n",
	columns:     `customer = "customer_id"` + "\n" + `date = "date"`,
	keys:        `date_format = "YYYY-MM"` + "\n" + `amount_format = "plain"`,
	obsEnd:      "2024-12-31",
	validateToo: true,
	want:        []string{"input.date_format", "lacks a year, month or day"},
}, {
	name:        "unknown amount format",
	data:        "customer_id,date\na,2024-03-01\n",
	columns:     `customer = "customer_id"` + "\n" + `date = "date"`,
	keys:        `amount_format = "1'234.56"`,
	obsEnd:      "2024-12-31",
	validateToo: true,
	want:        []string{"input.amount_format", `"1'234.56"`},
}, {
	name:        "ambiguous US or European dates",
	data:        string(mustRead("../core/detect/testdata/online_retail_first300.csv")),
	columns:     `customer = "CustomerID"` + "\n" + `date = "InvoiceDate"`,
	keys:        `date_format = "auto"`,
	obsEnd:      "2011-12-09",
	validateToo: true,
	want:        []string{"date_format", `"12/1/2010 8:26" reads as 2010-12-01 under "M/D/YYYY H:mm" but 2010-01-12 under "D/M/YYYY H:mm"`},
}, {
	name:        "ambiguous thousands",
	data:        "customer_id,date,amount\na,2024-03-01,\"1,234\"\nb,2024-03-02,\"5,000\"\n",
	columns:     `customer = "customer_id"` + "\n" + `date = "date"` + "\n" + `amount = "amount"`,
	keys:        `amount_format = "auto"`,
	obsEnd:      "2024-12-31",
	validateToo: true,
	want:        []string{"amount_format", `"1,234" reads as 1234 under "1,234.56" but 1.234 under "1.234,56"`},
}, {
	// amount_format = "plain" with skip_bad_rows would drop the $1,000+
	// orders: it stops instead, saying how the value reads.
	name:    "plain amounts, skipping bad rows, a quoted 2,071.43",
	data:    "customer_id,date,amount\na,2024-03-01,12.50\na,2024-03-05,\"2,071.43\"\n",
	columns: `customer = "customer_id"` + "\n" + `date = "date"` + "\n" + `amount = "amount"`,
	keys:    `amount_format = "plain"` + "\n" + `skip_bad_rows = true`,
	obsEnd:  "2024-12-31",
	want:    []string{"transactions.csv", "line 3", `"2,071.43"`, `as 2071.43 in amount format "1,234.56"`},
}, {
	name:    "two currencies",
	data:    "customer_id,date,amount\na,2024-03-01,$12.50\nb,2024-03-01,$1.00\na,2024-03-05,€20.00\n",
	columns: `customer = "customer_id"` + "\n" + `date = "date"` + "\n" + `amount = "amount"`,
	keys:    `amount_format = "auto"`,
	obsEnd:  "2024-12-31",
	want:    []string{"line 4", "€ here, $ on line 2"},
}, {
	name:    "duplicate header",
	data:    "customer_id,date,date\na,2024-03-01,x\n",
	columns: `customer = "customer_id"` + "\n" + `date = "date"`,
	keys:    `amount_format = "plain"`,
	obsEnd:  "2024-12-31",
	want:    []string{`column "date" appears twice (columns 2 and 3)`},
}}

func mustRead(path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err) // a test fixture of this repository
	}
	return b
}

func TestFormatErrors(t *testing.T) {
	for _, tt := range formatErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "transactions.csv"), tt.data)
			cfg := filepath.Join(dir, "clv.toml")
			writeFile(t, cfg, strings.Replace(formatsConfig(tt.columns, tt.keys, tt.obsEnd), "[time]", "[model]\nspend = \"none\"\n\n[time]", 1))
			cmds := [][]string{{"score", "--config", cfg}}
			if tt.validateToo {
				cmds = append(cmds, []string{"validate", "--config", cfg})
			}
			for _, args := range cmds {
				r := clv(t, args...)
				if r.code != 1 {
					t.Fatalf("clv %s: exit %d, want 1\n%s", args[0], r.code, r.stderr)
				}
				for _, w := range tt.want {
					if !strings.Contains(r.stderr, w) {
						t.Errorf("clv %s: stderr lacks %q:\n%s", args[0], w, r.stderr)
					}
				}
				if strings.Contains(r.stderr, "goroutine") {
					t.Errorf("clv %s: a stack trace:\n%s", args[0], r.stderr)
				}
			}
		})
	}
}

// TestValidateAgreesWithScore: a token layout such as "YYYY-MM-DD
// HH:MM:SS" passed validate and then failed in score; now both read it as
// score does.
func TestValidateAgreesWithScore(t *testing.T) {
	dir := t.TempDir()
	lines := strings.Split(strings.TrimSpace(string(readFile(t, filepath.Join(repoRoot, "examples/cdnow/transactions.csv")))), "\n")
	for i := 1; i < len(lines); i++ {
		f := strings.SplitN(lines[i], ",", 3) // customer_id,date,rest
		lines[i] = f[0] + "," + f[1] + " 10:30:00," + f[2]
	}
	writeFile(t, filepath.Join(dir, "transactions.csv"), strings.Join(lines, "\n")+"\n")
	cfg := filepath.Join(dir, "clv.toml")
	writeFile(t, cfg, formatsConfig(`customer = "customer_id"
date = "date"
amount = "amount"`, `date_format = "YYYY-MM-DD HH:MM:SS"`, "1997-09-30"))
	clv(t, "validate", "--config", cfg).mustOK(t, "validate")
	clv(t, "score", "--config", cfg, "--quiet").mustOK(t, "score")
}

// TestSummarizeFormatFlags reads a German export with --date-format in
// tokens and --amount-format, and with auto: the same summary.
func TestSummarizeFormatFlags(t *testing.T) {
	in := filepath.Join(repoRoot, "core/detect/testdata/german_export.csv")
	base := []string{"summarize", "--input", in, "--delimiter", ";", "--customer", "Kunde", "--date", "Datum", "--amount", "Betrag",
		"--unit", "week", "--observation-end", "2024-03-31"}
	r1 := clv(t, append(base, "--date-format", "DD.MM.YYYY", "--amount-format", "1.234,56")...).mustOK(t, "summarize with named formats")
	r2 := clv(t, append(base, "--date-format", "auto")...).mustOK(t, "summarize with auto")
	if r1.stdout != r2.stdout {
		t.Errorf("named formats and auto differ:\n%s\n%s", r1.stdout, r2.stdout)
	}
	// K1 bought on 2024-03-01 (1.234,50 €) and 2024-03-15 ((81,27) €: a
	// return). Under the default returns rule (net) the return refunds part
	// of the first purchase: no repeat. Under returns = purchase, as
	// lifetimes, it is one repeat purchase worth -81.27.
	if !strings.Contains(r1.stdout, "K1,0,0.000000,4.285714,0.000000") {
		t.Errorf("K1's netted summary is not a single purchase:\n%s", r1.stdout)
	}
	r3 := clv(t, append(base, "--date-format", "DD.MM.YYYY", "--amount-format", "1.234,56", "--returns", "purchase")...).mustOK(t, "summarize, returns = purchase")
	if !strings.Contains(r3.stdout, "K1,1,2.000000,4.285714,-81.270000") {
		t.Errorf("K1's summary is not 1 repeat of -81.27 two weeks in:\n%s", r3.stdout)
	}
	if !strings.Contains(r2.stderr, `date_format = "D.M.YYYY", amount_format = "1.234,56"`) {
		t.Errorf("summarize does not report the detected formats:\n%s", r2.stderr)
	}
	r := clv(t, append(base, "--amount-format", "dollars")...)
	if r.code != 1 || !strings.Contains(r.stderr, "--amount-format") {
		t.Errorf("a bad --amount-format: exit %d\n%s", r.code, r.stderr)
	}
}
