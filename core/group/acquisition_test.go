package group

import (
	"errors"
	"math"
	"strings"
	"testing"
)

var acquisitionTests = []struct {
	name string
	by   []string
	in   string
	want []CostRow // Line, Values, Spend (NaN for cac rows), NewCustomers, CAC, Period
	err  string
}{
	{name: "spend", by: []string{"channel"},
		in: "group,spend,new_customers,period\nemail,300,10,2024-Q1\npaid_search,1250.5,50,2024-Q1\n",
		want: []CostRow{{Line: 2, Values: []string{"email"}, Spend: 300, NewCustomers: 10, CAC: 30, Period: "2024-Q1"},
			{Line: 3, Values: []string{"paid_search"}, Spend: 1250.5, NewCustomers: 50, CAC: 25.01, Period: "2024-Q1"}}},
	{name: "attribute column, any order and case, BOM, blank group", by: []string{"channel"},
		in:   "\ufeffNew_Customers, Spend ,Channel\n4,100,\n",
		want: []CostRow{{Line: 2, Values: []string{Unknown}, Spend: 100, NewCustomers: 4, CAC: 25}}},
	{name: "cac", by: []string{"channel", "country"},
		in:   "channel,country,cac\nemail,DE,12.5\n",
		want: []CostRow{{Line: 2, Values: []string{"email", "DE"}, Spend: math.NaN(), CAC: 12.5}}},
	{name: "zero spend", by: []string{"channel"}, in: "group,spend,new_customers\nreferral,0,7\n",
		want: []CostRow{{Line: 2, Values: []string{"referral"}, Spend: 0, NewCustomers: 7, CAC: 0}}},

	{name: "empty", by: []string{"channel"}, in: "", err: "acquisition table: empty"},
	{name: "header only", by: []string{"channel"}, in: "group,cac\n", err: "no rows after the header"},
	{name: "no group column", by: []string{"channel"}, in: "source,cac\n", err: `no column "channel" or group`},
	{name: "two attributes want both", by: []string{"channel", "country"}, in: "group,cac\n", err: `no column "channel"`},
	{name: "no values", by: []string{"channel"}, in: "group,period\n", err: "want columns spend and new_customers, or cac"},
	{name: "both", by: []string{"channel"}, in: "group,cac,spend,new_customers\n", err: "either cac or spend"},
	{name: "unknown column", by: []string{"channel"}, in: "group,cac,notes\n", err: `unknown column "notes"`},
	{name: "duplicate column", by: []string{"channel"}, in: "group,cac,CAC\n", err: `column "cac" appears twice`},
	{name: "negative", by: []string{"channel"}, in: "group,spend,new_customers\nemail,-5,10\n",
		err: `acquisition table: line 2: group "email": field spend: "-5": want an amount from 0 to 1e+15`},
	{name: "text", by: []string{"channel"}, in: "group,spend,new_customers\nemail,300,10\npaid,$300,10\n",
		err: `line 3: group "paid": field spend: "$300": not a number`},
	{name: "zero customers", by: []string{"channel"}, in: "group,spend,new_customers\nemail,300,0\n",
		err: `line 2: group "email": field new_customers: "0": want a whole number`},
	{name: "fraction customers", by: []string{"channel"}, in: "group,spend,new_customers\nemail,300,2.5\n",
		err: `field new_customers: "2.5"`},
	{name: "nan", by: []string{"channel"}, in: "group,cac\nemail,NaN\n", err: `field cac: "NaN": want an amount`},
	{name: "duplicate group", by: []string{"channel"}, in: "group,cac\nemail,1\nads,2\nemail,3\n",
		err: `line 4: group "email": group given twice (first on line 2)`},
	{name: "short row", by: []string{"channel"}, in: "group,cac\nemail\n", err: "line 2: 1 fields, want 2"},
	{name: "bad quote", by: []string{"channel"}, in: "group,cac\n\"email,1\n", err: "acquisition table: parse error on line 2"},
}

func TestParseAcquisition(t *testing.T) {
	for _, tt := range acquisitionTests {
		a, err := ParseAcquisition(strings.NewReader(tt.in), tt.by)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if len(a.Rows) != len(tt.want) {
			t.Errorf("%s: %d rows, want %d", tt.name, len(a.Rows), len(tt.want))
			continue
		}
		for i, w := range tt.want {
			g := a.Rows[i]
			if g.Line != w.Line || strings.Join(g.Values, "|") != strings.Join(w.Values, "|") || !close(g.Spend, w.Spend) ||
				g.NewCustomers != w.NewCustomers || !close(g.CAC, w.CAC) || g.Period != w.Period {
				t.Errorf("%s: row %d = %+v, want %+v", tt.name, i, g, w)
			}
		}
	}
}

func TestFieldErrorTyped(t *testing.T) {
	_, err := NewCostRow([]string{"email"}, "300", "ten", "")
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != ColumnNewCustomers || fe.Group != "email" || fe.Value != "ten" {
		t.Fatalf("error %v (%#v), want a FieldError for new_customers", err, fe)
	}
	if got, want := err.Error(), `acquisition table: group "email": field new_customers: "ten": want a whole number of customers from 1 to 10^12`; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}
