package group_test

import (
	"fmt"
	"math"
	"strings"

	"github.com/clvkit/clvkit/core/group"
)

// Three customers from two channels, with what each channel spent on
// acquisition in a quarter: CLV and LTV:CAC per channel.
func Example() {
	customers := []group.Customer{
		{ID: "1", Values: []string{"email"}, CLV: 120, PAlive: 0.9, ExpectedPurchases: 3, ExpectedSpend: 240, Revenue: 90, Cost: math.NaN()},
		{ID: "2", Values: []string{"email"}, CLV: 60, PAlive: 0.5, ExpectedPurchases: 1.5, ExpectedSpend: 120, Revenue: 40, Cost: math.NaN()},
		{ID: "3", Values: []string{"paid_search"}, CLV: 45.5, PAlive: 0.7, ExpectedPurchases: 1, ExpectedSpend: 91, Revenue: 30, Cost: math.NaN()},
	}
	acq, err := group.ParseAcquisition(strings.NewReader(
		"channel,spend,new_customers,period\nemail,400,20,2024-Q1\npaid_search,3000,100,2024-Q1\n"), []string{"channel"})
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := group.Compute(customers, group.Options{
		By: []string{"channel"}, Precision: 2, MinCustomers: 2,
		HorizonMonths: 12, Margin: 0.5, TargetRatio: group.DefaultTargetRatio, Acquisition: acq,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range append(rep.Groups, rep.Total) {
		fmt.Printf("%-11s n=%d clv=%s mean=%.2f", g.Name(), g.Customers, g.CLV, g.MeanCLV)
		if g.Cost != nil {
			fmt.Printf(" cac=%.2f ltv:cac=%.2f max_cac=%.2f payback=%.1f months", g.Cost.CAC, g.Cost.LTVToCAC, g.Cost.MaxCAC, g.Cost.PaybackMonths)
		}
		if g.TooSmall {
			fmt.Print(" (too small)")
		}
		fmt.Println()
	}
	// email: CAC 400/20 = 20; LTV:CAC 90/20 = 4.5; max CAC 90/3 = 30;
	// payback 20 / (0.5 × 180 / 12) = 20 / 7.5 = 2.7 months.
	// total: CAC (400 + 3000) / 120 = 28.33.
	// Output:
	// email       n=2 clv=180.00 mean=90.00 cac=20.00 ltv:cac=4.50 max_cac=30.00 payback=2.7 months
	// paid_search n=1 clv=45.50 mean=45.50 cac=30.00 ltv:cac=1.52 max_cac=15.17 payback=7.9 months (too small)
	// total       n=3 clv=225.50 mean=75.17 cac=28.33 ltv:cac=2.65 max_cac=25.06 payback=4.5 months
}
