package detect

import (
	"strings"
	"testing"
)

var lineAmountTests = []struct {
	name, data, want string
}{
	{"online retail", "InvoiceNo,InvoiceDate,CustomerID,Quantity,UnitPrice\n536365,12/1/2010 8:26,17850,6,2.55\n", "Quantity * UnitPrice"},
	{"names with spaces", "Order,Date,Customer,Unit Price,Qty\n1,2024-03-01,a,2.50,3\n", "Qty * `Unit Price`"},
	// An order total wins: no expression.
	{"total column", "Order,Date,Customer,Quantity,Price,Total\n1,2024-03-01,a,3,2.50,7.50\n", ""},
	{"no quantity", "Date,Customer,UnitPrice\n2024-03-01,a,2.50\n", ""},
	// A quantity column that holds text is no quantity.
	{"text quantity", "Date,Customer,Quantity,UnitPrice\n2024-03-01,a,three,2.50\n", ""},
	{"no header", "a,2024-03-01,3,2.50\nb,2024-03-02,1,9.99\n", ""},
}

func TestLineAmount(t *testing.T) {
	for _, tt := range lineAmountTests {
		res, err := Detect(strings.NewReader(tt.data), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.AmountExpr != tt.want {
			t.Errorf("%s: AmountExpr %q, want %q (roles %+v)", tt.name, res.AmountExpr, tt.want, res.Roles)
		}
	}
}
