package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestSummarizeReturns runs the worked example of core/summary's returns
// rule through the binary under each rule: the summary rows and the
// report's counts.
func TestSummarizeReturns(t *testing.T) {
	tmp := t.TempDir()
	in := filepath.Join(tmp, "orders.csv")
	writeFile(t, in, `customer_id,date,amount
A,2024-01-01,100
A,2024-01-05,50
A,2024-01-06,-50
A,2024-01-20,30
A,2024-01-21,-40
B,2024-01-03,-9.50
`)
	tests := []struct {
		rule, row, report string
	}{
		// A as hand-worked in core/summary's package documentation; B only
		// returned (9.50 unmatched), so B is no customer.
		{"net", "A,0,0.00,30.00,0.00", "3 return rows netted; 2 purchase periods refunded; 1 customer left with no purchase (not in the summary); unmatched return value 9.50"},
		{"drop", "A,2,19.00,30.00,40.00", "3 return rows ignored; 1 customer left with no purchase"},
		{"purchase", "A,4,20.00,30.00,-2.50", "3 return rows counted as ordinary rows"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			r := clv(t, "summarize", "--input", in, "--amount", "amount", "--unit", "day",
				"--observation-end", "2024-01-31", "--precision", "2", "--returns", tt.rule).mustOK(t, "summarize")
			lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
			if lines[1] != tt.row {
				t.Errorf("row %q, want %q", lines[1], tt.row)
			}
			if !strings.Contains(r.stderr, "returns ("+tt.rule+"): "+tt.report) {
				t.Errorf("report lacks %q:\n%s", tt.report, r.stderr)
			}
		})
	}
	r := clv(t, "summarize", "--input", in, "--amount", "amount", "--unit", "day",
		"--observation-end", "2024-01-31", "--returns", "refund")
	if r.code != 1 || !strings.Contains(r.stderr, `--returns: unknown returns rule "refund": want net, drop or purchase`) {
		t.Errorf("bad --returns: exit %d, stderr %q", r.code, r.stderr)
	}
}
