package bind

import (
	"context"
	"os"
	"strings"
	"testing"
)

// TestScoreRowRules scores the Online Retail slice of host/testdata with the
// page's where, amountExpr, isReturn and missingCustomer settings: the
// report gives the counts the binary gives for the same file and rules
// (host/e2e_exprs_test.go: 591 rows, 47 filtered, 26 without a customer
// id, 518 kept, 98 customers).
func TestScoreRowRules(t *testing.T) {
	data, err := os.ReadFile("../../host/testdata/online_retail/invoices_slice.csv")
	if err != nil {
		t.Fatal(err)
	}
	var s Session
	s.Load(data)
	st, err := DecodeSettings([]byte(`{"columns":{"customer":"CustomerID","date":"InvoiceDate"},
		"dateFormat":"1/2/2006 15:04","observationEnd":"2011-12-09",
		"where":"Country == \"United Kingdom\"","amountExpr":"Quantity * UnitPrice",
		"isReturn":"starts_with(InvoiceNo, \"C\")","missingCustomer":"skip"}`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Score(context.Background(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Report
	if r.Rows != 591 || r.Filtered != 47 || r.MissingCustomer != 26 || r.Transactions != 518 || res.Customers != 98 {
		t.Errorf("report %+v, %d customers", r, res.Customers)
	}
	for _, tt := range []struct{ settings, msg string }{
		{`"where":"Country == 1"`, "where: expression: line 1, column 9: operator == compares text with a number (Country is text)"},
		{`"missingCustomer":"drop"`, `missingCustomer: "drop" is not one of error, skip`},
		{`"missingCustomer":""`, "missingCustomer: empty"},
		{`"amountExpr":"Quantity","columns":{"customer":"CustomerID","date":"InvoiceDate","amount":"UnitPrice"}`, "not both"},
	} {
		st, err := DecodeSettings([]byte(`{"columns":{"customer":"CustomerID","date":"InvoiceDate"},"dateFormat":"1/2/2006 15:04","observationEnd":"2011-12-09","spend":"none",` + tt.settings + `}`))
		if err == nil {
			_, err = s.Score(context.Background(), st, nil)
		}
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: error %v, want %q", tt.settings, err, tt.msg)
		}
	}
}
