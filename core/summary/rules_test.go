package summary

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/core/formula"
)

// orderLines is a small line-item export in the layout of the UCI Online
// Retail data: one row per invoice line, the amount is Quantity ×
// UnitPrice, C invoices are cancellations.
const orderLines = `InvoiceNo,InvoiceDate,CustomerID,Country,Quantity,Unit Price
536365,2010-12-01,17850,United Kingdom,6,2.55
536365,2010-12-01,17850,United Kingdom,8,2.75
536366,2010-12-03,17850,United Kingdom,6,1.85
C536379,2010-12-03,17850,United Kingdom,-1,1.85
536367,2010-12-05,13047,France,32,2.10
536368,2010-12-06,,United Kingdom,3,4.95
536369,2010-12-07,13047,United Kingdom,2,10.00
536370,2010-12-09,13047,United Kingdom,1,5.00
C536380,2010-12-09,13047,United Kingdom,2,1.00
`

// padded is orderLines and SampleRows more purchases of customer 12000,
// so that a row after it is past the sample.
var padded = orderLines + strings.Repeat("536400,2010-12-08,12000,United Kingdom,1,1.00\n", SampleRows)

var orderRules = RowRules{
	Where:    `Country == "United Kingdom"`,
	Amount:   "Quantity * `Unit Price`",
	IsReturn: `starts_with(InvoiceNo, "C")`,
}

func readOrders(t *testing.T, in string, rules RowRules, opt Options) (Summary, error) {
	t.Helper()
	if opt.ObservationEnd.IsZero() {
		opt.ObservationEnd = date("2010-12-10")
	}
	b, err := NewBuilder(opt)
	if err != nil {
		t.Fatal(err)
	}
	err = ReadCSV(strings.NewReader(in), CSVOptions{
		Columns: Columns{Customer: "CustomerID", Date: "InvoiceDate"},
		Header:  true,
		Rules:   rules,
	}, b)
	if err != nil {
		return Summary{}, err
	}
	return b.Summary()
}

func TestRowRulesWorked(t *testing.T) {
	s, err := readOrders(t, orderLines, orderRules, Options{SkipMissingCustomer: true})
	if err != nil {
		t.Fatal(err)
	}
	// 17850: 12-01 holds 6 × 2.55 + 8 × 2.75 = 15.30 + 22.00 = 37.30; 12-03
	// holds 6 × 1.85 = 11.10 less the cancellation 1 × 1.85 (negative
	// anyway) = 9.25. f = 1, recency 2 days, T 9 days, m = 9.25.
	// 13047: the France row is filtered out; 12-07 holds 20.00; 12-09 holds
	// 5.00 less C536380, whose quantity is positive but which is_return
	// marks, so it refunds 2 × 1.00: 3.00. f = 1, recency 2, T 3, m = 3.
	want := []Customer{
		{ID: "13047", Frequency: 1, Recency: 2, T: 3, Monetary: 3, Orders: 2, Revenue: 23},
		{ID: "17850", Frequency: 1, Recency: 2, T: 9, Monetary: 9.25, Orders: 3, Revenue: 46.55},
	}
	if len(s.Customers) != len(want) {
		t.Fatalf("customers %+v", s.Customers)
	}
	for i, w := range want {
		g := s.Customers[i]
		if g.ID != w.ID || g.Frequency != w.Frequency || g.Recency != w.Recency || g.T != w.T || g.Orders != w.Orders ||
			math.Abs(g.Monetary-w.Monetary) > 1e-9 || math.Abs(g.Revenue-w.Revenue) > 1e-9 {
			t.Errorf("customer %d = %+v, want %+v", i, g, w)
		}
	}
	r := s.Report
	// 9 data rows: 1 filtered (France), 1 without a customer id, 7 kept;
	// 2 returns (C536379, C536380).
	if r.Rows != 9 || r.Filtered != 1 || r.MissingCustomer != 1 || r.Transactions != 7 || r.Returns.Returns != 2 || r.SkippedTotal() != 0 {
		t.Errorf("report %+v", r)
	}
}

// TestRowRulesIsReturnMatters: without is_return, C536380 (positive
// quantity) is a purchase: 13047's 12-09 period is worth 5 + 2 = 7.
func TestRowRulesIsReturnMatters(t *testing.T) {
	rules := orderRules
	rules.IsReturn = ""
	s, err := readOrders(t, orderLines, rules, Options{SkipMissingCustomer: true})
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Customers[0]; c.ID != "13047" || c.Monetary != 7 {
		t.Errorf("13047 = %+v, want monetary 7", c)
	}
	if s.Report.Returns.Returns != 1 {
		t.Errorf("returns %d, want 1 (only the negative C536379)", s.Report.Returns.Returns)
	}
}

// TestRowRulesMissingCustomer: without SkipMissingCustomer the blank
// customer id stops the read at its line; a where rule can leave such rows
// out instead, counted as filtered.
func TestRowRulesMissingCustomer(t *testing.T) {
	_, err := readOrders(t, orderLines, orderRules, Options{})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Kind != EmptyCustomer || pe.Line != 7 {
		t.Fatalf("error %v, want an empty customer at line 7", err)
	}
	rules := orderRules
	rules.Where = `Country == "United Kingdom" && !is_empty(CustomerID)`
	s, err := readOrders(t, orderLines, rules, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Report; r.Filtered != 2 || r.MissingCustomer != 0 || r.Transactions != 7 {
		t.Errorf("report %+v, want 2 filtered, 7 kept", r)
	}
}

// TestRowRulesOrderIndependent shuffles the rows of a log whose computed
// amounts do not add associatively in floating point (0.1 × 3 + 0.2 ≠ 0.2 +
// 0.1 × 3 ...): the summary must be bit-identical, because the Builder
// sorts each customer's rows by (day, amount) before adding.
func TestRowRulesOrderIndependent(t *testing.T) {
	lines := []string{
		"1,2024-01-01,A,UK,3,0.1", "2,2024-01-01,A,UK,1,0.2", "3,2024-01-01,A,UK,7,0.3",
		"4,2024-01-01,A,UK,1,1e16", "5,2024-01-01,A,UK,-1,1e16", "C6,2024-01-01,A,UK,1,0.7",
		"7,2024-01-04,A,UK,3,0.1", "8,2024-01-04,A,UK,11,0.01", "9,2024-01-04,A,UK,1,0.3",
		"10,2024-01-02,B,UK,1,0.1", "11,2024-01-02,B,UK,1,0.2", "12,2024-01-05,B,UK,1,0.3",
		"13,2024-01-05,B,UK,2,0.15", "14,2024-01-05,B,FR,2,0.15", "C15,2024-01-05,B,UK,1,0.05",
	}
	const head = "InvoiceNo,InvoiceDate,CustomerID,Country,Quantity,Unit Price\n"
	opt := Options{ObservationEnd: date("2024-01-10")}
	var first Summary
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		if i > 0 {
			rng.Shuffle(len(lines), func(a, b int) { lines[a], lines[b] = lines[b], lines[a] })
		}
		rules := orderRules
		rules.Where = `Country == "UK"`
		s, err := readOrders(t, head+strings.Join(lines, "\n")+"\n", rules, opt)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = s
			continue
		}
		for k, c := range s.Customers {
			if c != first.Customers[k] {
				t.Fatalf("order %d: %+v, first order %+v", i, c, first.Customers[k])
			}
		}
	}
	if len(first.Customers) != 2 || first.Report.Filtered != 1 {
		t.Errorf("summary %+v", first)
	}
}

// TestRowRulesErrors: compile errors name the rule and the position in it;
// bad cells name the line and column.
func TestRowRulesErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		rules RowRules
		opt   CSVOptions
		rule  string // the RuleError's rule, or ""
		line  int    // the ParseError's line, or 0
		kind  Kind
		msg   string
	}{
		{name: "unknown column", in: orderLines, rules: RowRules{Where: `Contry == "UK"`}, rule: "where",
			msg: "where: expression: line 1, column 1: unknown column Contry (did you mean Country?)"},
		{name: "text vs number", in: orderLines, rules: RowRules{IsReturn: "InvoiceNo < 0"}, rule: "is_return",
			msg: "column 11: operator < compares text with a number (InvoiceNo is text)"},
		{name: "text column as number", in: orderLines, rules: RowRules{Where: `InvoiceNo > 536000`}, rule: "where",
			msg: "compares text with a number (InvoiceNo is text)"},
		{name: "amount is text", in: orderLines, rules: RowRules{Amount: "Country"}, rule: "amount_expr",
			msg: "the expression is text, not a number"},
		// Past the sample the types are detected from, a cell that is no
		// number in a number column is a bad row.
		{name: "bad number cell", in: padded + "536371,2010-12-09,13047,United Kingdom,two,5.00\n", rules: orderRules,
			line: 1011, kind: BadValue, msg: `line 1011 (customer "13047"): field "amount" (column "Quantity"): column "Quantity": "two" is not a number`},
		{name: "empty number cell", in: orderLines + "536371,2010-12-09,13047,United Kingdom,,5.00\n", rules: orderRules,
			line: 11, kind: BadAmount, msg: "Quantity * `Unit Price` gives NaN for Quantity=\"\", Unit Price=\"5.00\""},
		{name: "no header", in: orderLines, rules: orderRules, opt: CSVOptions{Columns: Columns{Customer: "3", Date: "2"}},
			msg: "name columns by the header, and the input has none"},
		{name: "amount twice", in: orderLines, rules: orderRules, opt: CSVOptions{Header: true, Columns: Columns{Customer: "CustomerID", Date: "InvoiceDate", Amount: "Quantity"}},
			msg: "not both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := NewBuilder(Options{ObservationEnd: date("2010-12-10"), SkipMissingCustomer: true})
			if err != nil {
				t.Fatal(err)
			}
			opt := tt.opt
			if opt.Columns.Customer == "" {
				opt = CSVOptions{Header: true, Columns: Columns{Customer: "CustomerID", Date: "InvoiceDate"}}
			}
			opt.Rules = tt.rules
			err = ReadCSV(strings.NewReader(tt.in), opt, b)
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %v, want one containing %q", err, tt.msg)
			}
			var re *RuleError
			if (tt.rule != "") != errors.As(err, &re) || re != nil && re.Rule != tt.rule {
				t.Errorf("rule error %v, want rule %q", re, tt.rule)
			}
			var ee *formula.ExprError
			if tt.rule != "" && !errors.As(err, &ee) {
				t.Errorf("%v is no *formula.ExprError", err)
			}
			var pe *ParseError
			if (tt.line != 0) != errors.As(err, &pe) || pe != nil && (pe.Line != tt.line || pe.Kind != tt.kind) {
				t.Errorf("parse error %+v, want line %d kind %s", pe, tt.line, tt.kind)
			}
		})
	}
}

// TestRowRulesSkipBad: a row whose computed amount is not finite is a bad
// row like an unparsable amount, skipped and counted with skip_bad_rows.
func TestRowRulesSkipBad(t *testing.T) {
	in := padded + "536371,2010-12-09,13047,United Kingdom,,5.00\n536372,2010-12-09,13047,United Kingdom,x,5.00\n"
	s, err := readOrders(t, in, orderRules, Options{SkipMissingCustomer: true, SkipBadRows: true})
	if err != nil {
		t.Fatal(err)
	}
	r := s.Report
	if r.Skipped[BadAmount] != 1 || r.Skipped[BadValue] != 1 || r.Rows != 1011 || r.Transactions != 1007 {
		t.Errorf("report %+v", r)
	}
}

func TestDetectColumns(t *testing.T) {
	header := []string{"id", "qty", "blank", "mixed", "price", "nan"}
	sample := [][]string{
		{"C1", "1", "", "1", " 2.5 ", "NaN"},
		{"2", "-3", " ", "x", "1e3"},
		{"3", "", "", "2", "4", "1"},
	}
	want := []formula.ColumnType{formula.TextColumn, formula.NumberColumn, formula.TextColumn, formula.TextColumn, formula.NumberColumn, formula.TextColumn}
	for i, c := range DetectColumns(header, sample) {
		if c.Name != header[i] || c.Type != want[i] {
			t.Errorf("column %d = %+v, want %s %s", i, c, header[i], want[i])
		}
	}
}

// TestRowRulesLateText: invoice numbers are all digits in the rows the
// column types come from, and the cancellations (C…) come later, as in the
// UCI export sorted by invoice: InvoiceNo is a number column, which
// starts_with reads as text, so the late rows are no bad values.
func TestRowRulesLateText(t *testing.T) {
	late := strings.Replace(orderLines, "C536379", "536379", 1)
	late = strings.Replace(late, "C536380", "536380", 1)
	late += strings.Repeat("536400,2010-12-08,12000,United Kingdom,1,1.00\n", SampleRows)
	late += "C536401,2010-12-09,12000,United Kingdom,1,0.50\n"
	b, err := NewBuilder(Options{ObservationEnd: date("2010-12-10"), SkipMissingCustomer: true})
	if err != nil {
		t.Fatal(err)
	}
	var header []string
	var sample [][]string
	for i, l := range strings.Split(late, "\n")[:SampleRows+1] {
		if i == 0 {
			header = strings.Split(l, ",")
			continue
		}
		sample = append(sample, strings.Split(l, ","))
	}
	if c := DetectColumns(header, sample)[0]; c.Type != formula.NumberColumn {
		t.Fatalf("InvoiceNo is %s in the sample, want number", c.Type)
	}
	err = ReadCSV(strings.NewReader(late), CSVOptions{Header: true, Columns: Columns{Customer: "CustomerID", Date: "InvoiceDate"}, Rules: orderRules}, b)
	if err != nil {
		t.Fatal(err)
	}
	s, err := b.Summary()
	if err != nil {
		t.Fatal(err)
	}
	// Only C536401 is a return now (C536379 and C536380 lost their C;
	// 536379's amount is still negative, so it is a return too).
	if r := s.Report; r.Returns.Returns != 2 || r.Transactions != 1008 {
		t.Errorf("report %+v", r)
	}
}
