package summary_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/clvkit/clvkit/core/summary"
)

// Summarize a CSV log with a header, day grain and weeks as the unit
// (lifetimes' freq='D', freq_multiplier=7).
func ExampleReadCSV() {
	log := `customer,date,amount
0001,1997-01-01,29.33
0001,1997-01-18,29.73
0001,1997-08-02,14.96
0002,1997-01-01,63.34
0002,1997-01-13,11.77
`
	b, err := summary.NewBuilder(summary.Options{
		Unit:           summary.Weeks,
		ObservationEnd: time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		panic(err)
	}
	err = summary.ReadCSV(strings.NewReader(log), summary.CSVOptions{
		Header:  true,
		Columns: summary.Columns{Customer: "customer", Date: "date", Amount: "amount"},
	}, b)
	if err != nil {
		panic(err)
	}
	s, _ := b.Summary()
	for _, c := range s.Customers {
		fmt.Printf("%s x=%d t_x=%.2f T=%.2f m=%.3f\n", c.ID, c.Frequency, c.Recency, c.T, c.Monetary)
	}
	// Output:
	// 0001 x=2 t_x=30.43 T=38.86 m=22.345
	// 0002 x=1 t_x=1.71 T=38.86 m=11.770
}

// Add transactions as Go values and split calibration and holdout.
func ExampleBuilder_Add() {
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	b, _ := summary.NewBuilder(summary.Options{
		CalibrationEnd: day("2024-01-31"),
		ObservationEnd: day("2024-02-29"),
	})
	b.Add(summary.Transaction{Customer: "ann", Time: day("2024-01-02"), Amount: 10})
	b.Add(summary.Transaction{Customer: "ann", Time: day("2024-01-20"), Amount: 20})
	b.Add(summary.Transaction{Customer: "ann", Time: day("2024-02-03"), Amount: 15})
	b.Add(summary.Transaction{Customer: "bob", Time: day("2024-02-10"), Amount: 5}) // new in the holdout
	s, _ := b.Summary()
	c := s.Customers[0]
	fmt.Println(c.ID, c.Frequency, c.Recency, c.T, c.FrequencyHoldout, c.MonetaryHoldout)
	fmt.Println("holdout days:", s.DurationHoldout, "new in holdout:", s.Report.NewInHoldout)
	// Output:
	// ann 1 18 29 1 15
	// holdout days: 29 new in holdout: 1
}

// Read a whitespace-separated file without a header, like CDNOW_sample.txt.
func ExampleCSVOptions_whitespace() {
	log := " 00004 0001 19970101  2   29.33\r\n 00004 0001 19970118  2   29.73\r\n"
	b, _ := summary.NewBuilder(summary.Options{ObservationEnd: time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)})
	err := summary.ReadCSV(strings.NewReader(log), summary.CSVOptions{
		Whitespace: true,
		DateFormat: "YYYYMMDD",
		Columns:    summary.Columns{Customer: "2", Date: "3", Amount: "5"},
	}, b)
	s, _ := b.Summary()
	fmt.Println(err, s.Customers[0].ID, s.Customers[0].Frequency, s.Customers[0].Revenue)
	// Output: <nil> 0001 1 59.06
}

// Bad rows stop the read with the line and field, or are skipped and counted.
func ExampleParseError() {
	log := "id,date,amount\n1,1997-13-01,5\n"
	b, _ := summary.NewBuilder(summary.Options{ObservationEnd: time.Date(1997, 12, 31, 0, 0, 0, 0, time.UTC)})
	err := summary.ReadCSV(strings.NewReader(log), summary.CSVOptions{
		Header: true, Columns: summary.Columns{Customer: "id", Date: "date", Amount: "amount"},
	}, b)
	fmt.Println(err)
	// Output: line 2 (customer "1"): field "date": parsing "1997-13-01" as YYYY-MM-DD: month out of range
}

// Sort ids the way summaries are sorted.
func ExampleSortIDs() {
	ids := []string{"10", "9", "0010", "1"}
	summary.SortIDs(ids)
	fmt.Println(ids)
	// Output: [1 9 0010 10]
}

func ExampleParseUnit() {
	for _, s := range []string{"week", "month", "14d"} {
		u, _ := summary.ParseUnit(s)
		fmt.Println(u, u.Days)
	}
	// Output:
	// weeks 7
	// months 30.4375
	// 14d 14
}

// Monthly acquisition cohorts: customers acquired, and per month since
// acquisition the share still buying and the cumulative revenue per
// acquired customer. February holds the observation end (Feb 20), so it
// is incomplete.
func ExampleBuilder_Cohorts() {
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	b, _ := summary.NewBuilder(summary.Options{ObservationEnd: day("2024-02-20")})
	b.Add(summary.Transaction{Customer: "1", Time: day("2024-01-03"), Amount: 100})
	b.Add(summary.Transaction{Customer: "1", Time: day("2024-02-03"), Amount: 101})
	b.Add(summary.Transaction{Customer: "2", Time: day("2024-01-09"), Amount: 50})
	cs, _ := b.Cohorts(summary.CohortOptions{})
	for _, c := range cs {
		for k, m := range c.Months {
			fmt.Println(c.Label(), c.Customers, k, m.Retention, m.Cumulative, m.Complete)
		}
	}
	// Output:
	// 2024-01 2 0 1 75 true
	// 2024-01 2 1 0.5 125.5 false
}

// Read each customer's acquisition channel from the log: the value on
// their first purchase. Customer 1's later "email" order does not change
// their channel, but is counted.
func ExampleOptions_attributes() {
	log := `customer,date,amount,channel
1,2024-01-05,30.00,paid_search
2,2024-01-09,12.50,email
1,2024-02-11,25.00,email
`
	b, err := summary.NewBuilder(summary.Options{
		ObservationEnd: time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC),
		Attributes:     []string{"channel"},
	})
	if err != nil {
		panic(err)
	}
	err = summary.ReadCSV(strings.NewReader(log), summary.CSVOptions{
		Header:  true,
		Columns: summary.Columns{Customer: "customer", Date: "date", Amount: "amount"},
	}, b)
	if err != nil {
		panic(err)
	}
	s, _ := b.Summary()
	channel, _ := s.Attributes.Column("channel")
	for i, c := range s.Customers {
		fmt.Println(c.ID, channel[i])
	}
	fmt.Println("changed later:", s.Attributes.Report.Changed[0])
	// Output:
	// 1 paid_search
	// 2 email
	// changed later: 1
}

// Write a summary as it is made, without holding every customer's
// (EachCustomer; for logs of millions of customers).
func ExampleBuilder_EachCustomer() {
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	b, _ := summary.NewBuilder(summary.Options{ObservationEnd: day("2024-03-31")})
	b.Add(summary.Transaction{Customer: "bob", Time: day("2024-02-10"), Amount: 5})
	b.Add(summary.Transaction{Customer: "ann", Time: day("2024-01-02"), Amount: 10})
	b.Add(summary.Transaction{Customer: "ann", Time: day("2024-01-20"), Amount: 20})
	s, err := b.EachCustomer(func(_ *summary.Summary, c *summary.Customer) error {
		_, err := fmt.Printf("%s,%d,%g,%g,%g\n", c.ID, c.Frequency, c.Recency, c.T, c.Monetary)
		return err
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Report.Customers, "customers from", s.Report.Rows, "rows")
	// Output:
	// ann,1,18,89,20
	// bob,0,0,50,0
	// 2 customers from 3 rows
}
