package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// exprsConfig is the clv.toml of a line-item export: the slice of the UCI
// Online Retail sample in testdata/online_retail (see its README), its
// amount computed, cancellations marked as returns, one country kept and
// guest checkouts left out. where replaces the where line.
func exprsConfig(t *testing.T, dir, where string, extra ...string) string {
	t.Helper()
	in, err := filepath.Abs(filepath.Join("testdata", "online_retail", "invoices_slice.csv"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "clv.toml")
	writeFile(t, cfg, `[input]
path = "`+in+`"
date_format = "1/2/2006 15:04"
`+where+`
amount_expr = "Quantity * UnitPrice"
is_return = 'starts_with(InvoiceNo, "C")'
`+strings.Join(extra, "\n")+`

[input.columns]
customer = "CustomerID"
date = "InvoiceDate"

[time]
grain = "day"
unit = "week"
observation_end = "2011-12-09"

[output]
path = "`+filepath.Join(dir, "scores.csv")+`"
`)
	return cfg
}

// TestScoreLineItems scores the Online Retail slice with the row rules and
// checks the report's counts, worked out from the file (see the comments);
// then the same with guest rows spelt "(blank)" filtered too, and the
// errors a user meets: a rule that does not type-check names the config
// line and the column in the rule, and a missing customer id stops the run
// unless missing_customer = "skip".
func TestScoreLineItems(t *testing.T) {
	tests := []struct {
		name, where string
		report      []string
		scored      int
	}{{
		name:  "UK",
		where: `where = 'Country == "United Kingdom"'`,
		// Counted from the file by an independent script (Python's csv,
		// the net rule at day grain, see core/summary's package doc):
		// 591 rows; 47 not from the UK (filtered); 26 UK rows with the
		// customer id blanked (left out); 518 kept, 79 of them returns (C
		// invoices); 2 customers left with no purchase after netting; 98
		// scored.
		report: []string{
			"invoices_slice.csv: 591 rows, 518 transactions kept, 98 customers\n",
			"left out: 47 rows by the where rule, 26 rows without a customer id\n",
			"returns (net): 79 return rows netted; ",
			"2 customers left with no purchase (not in the summary)",
			"scored 98 customers",
		},
		scored: 98,
	}, {
		name: "UK without (blank)",
		// The sample writes some guest checkouts' id as "(blank)": 28 UK
		// rows, all purchases, one customer.
		where: `where = 'Country == "United Kingdom" && CustomerID != "(blank)"'`,
		report: []string{
			"invoices_slice.csv: 591 rows, 490 transactions kept, 97 customers\n",
			"left out: 75 rows by the where rule, 26 rows without a customer id\n",
			"returns (net): 79 return rows netted; ",
			"scored 97 customers",
		},
		scored: 97,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := exprsConfig(t, dir, tt.where, `missing_customer = "skip"`)
			clv(t, "validate", "--config", cfg).mustOK(t, "validate")
			r := clv(t, "score", "--config", cfg).mustOK(t, "score")
			for _, want := range tt.report {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("report lacks %q:\n%s", want, r.stderr)
				}
			}
			scores := readCSV(t, readFile(t, filepath.Join(dir, "scores.csv")))
			if n := len(scores.rows); n != tt.scored {
				t.Errorf("%d scored rows, want %d", n, tt.scored)
			}
		})
	}

	errTests := []struct {
		name, where string
		extra       []string
		msg         string
		validate    bool // clv validate catches it too
	}{{
		name: "text compared with a number",
		// A multi-line rule: the position is its line 2, column 11.
		where:    "where = '''Quantity > 0 &&\n  Country > 0'''",
		msg:      `clv.toml:4: input.where: expression: line 2, column 11: operator > compares text with a number (Country is text)`,
		validate: true,
	}, {
		name:     "misspelt column",
		where:    `where = 'country == "United Kingdom"'`,
		msg:      `clv.toml:4: input.where: expression: line 1, column 1: unknown column country (did you mean Country? names are case-sensitive)`,
		validate: true,
	}, {
		name:  "missing customer stops the run",
		where: `where = 'Country == "United Kingdom"'`,
		// Data row 8 (file line 9) has its customer id blanked.
		msg: `invoices_slice.csv: line 9: field "customer" (column "CustomerID"): empty customer id`,
	}, {
		name:  "bad missing_customer",
		where: `where = 'Country == "United Kingdom"'`, extra: []string{`missing_customer = "drop"`},
		msg:      `input.missing_customer: "drop" is not one of error, skip`,
		validate: true,
	}}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := exprsConfig(t, t.TempDir(), tt.where, tt.extra...)
			cmds := [][]string{{"score", "--config", cfg}}
			if tt.validate {
				cmds = append(cmds, []string{"validate", "--config", cfg})
			}
			for _, args := range cmds {
				r := clv(t, args...)
				if r.code != 1 || !strings.Contains(r.stderr, tt.msg) || strings.Contains(r.stderr, "goroutine") {
					t.Errorf("clv %s: exit %d, stderr %q; want 1 and %q", args[0], r.code, r.stderr, tt.msg)
				}
			}
		})
	}
}

// TestScoreLineItemsJSONL scores the same slice as JSON Lines (Quantity
// and UnitPrice as JSON numbers): the row rules give the same counts as
// for the CSV.
func TestScoreLineItemsJSONL(t *testing.T) {
	dir := t.TempDir()
	csvText := string(readFile(t, filepath.Join("testdata", "online_retail", "invoices_slice.csv")))
	lines := strings.Split(strings.TrimSuffix(csvText, "\n"), "\n")
	var b strings.Builder
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		fmt.Fprintf(&b, `{"InvoiceNo":%q,"InvoiceDate":%q,"CustomerID":%q,"Country":%q,"Quantity":%s,"UnitPrice":%s}`+"\n",
			f[0], f[1], f[2], f[3], f[4], f[5])
	}
	in := filepath.Join(dir, "invoices.jsonl")
	writeFile(t, in, b.String())
	cfg := exprsConfig(t, dir, `where = 'Country == "United Kingdom"'`, `missing_customer = "skip"`)
	text := string(readFile(t, cfg))
	text = text[:strings.Index(text, "path = ")] + `path = "` + in + `"` + text[strings.Index(text, "\ndate_format"):]
	writeFile(t, cfg, text)
	clv(t, "validate", "--config", cfg).mustOK(t, "validate")
	r := clv(t, "score", "--config", cfg).mustOK(t, "score")
	for _, want := range []string{
		"invoices.jsonl: 591 rows, 518 transactions kept, 98 customers\n",
		"left out: 47 rows by the where rule, 26 rows without a customer id\n",
		"returns (net): 79 return rows netted; ",
		"scored 98 customers",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("report lacks %q:\n%s", want, r.stderr)
		}
	}
}

// TestSummarizeLineItems: clv summarize takes the row rules as flags and
// reports the same counts; a bad --missing-customer is a usage error.
func TestSummarizeLineItems(t *testing.T) {
	in := filepath.Join("host", "testdata", "online_retail", "invoices_slice.csv")
	args := []string{"summarize", "--input", in, "--customer", "CustomerID", "--date", "InvoiceDate",
		"--date-format", "1/2/2006 15:04", "--amount-expr", "Quantity * UnitPrice",
		"--is-return", `starts_with(InvoiceNo, "C")`, "--where", `Country == "United Kingdom"`,
		"--unit", "week", "--observation-end", "2011-12-09"}
	r := clv(t, append(args, "--missing-customer", "skip")...).mustOK(t, "summarize")
	if want := "left out: 47 rows by the where rule, 26 rows without a customer id\n"; !strings.Contains(r.stderr, want) {
		t.Errorf("report lacks %q:\n%s", want, r.stderr)
	}
	if n := strings.Count(r.stdout, "\n") - 1; n != 98 {
		t.Errorf("%d customers, want 98", n)
	}
	r = clv(t, append(args, "--missing-customer", "drop")...)
	if r.code != 1 || !strings.Contains(r.stderr, `--missing-customer "drop": want error or skip`) {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}
