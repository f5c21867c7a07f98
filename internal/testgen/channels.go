// Package testgen generates the fixed-seed inputs that tests in several
// packages share, so that each is written once.
package testgen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// ChannelsCSV is a year of orders (order_id, customer_id, date, amount,
// channel, store) of n customers acquired through three channels, with a
// fixed seed: email buyers buy every ~25 days and leave after a purchase
// with probability 0.15, paid_search every ~45 days (0.3), social every
// ~70 days (0.5). Customer 7 switches to "social" after their first order
// (the first purchase's channel counts) and customer 11's first order has
// no channel.
func ChannelsCSV(n int) string {
	rng := rand.New(rand.NewPCG(14, 1))
	var b strings.Builder
	b.WriteString("order_id,customer_id,date,amount,channel,store\n")
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	order := 0
	for i := 1; i <= n; i++ {
		ch := []string{"email", "paid_search", "social"}[i%3]
		gap, drop := []int{25, 45, 70}[i%3], []float64{0.15, 0.3, 0.5}[i%3]
		day := rng.IntN(300)
		for k := 0; day <= 365; k++ {
			order++
			c := ch
			switch {
			case i == 7 && k > 0:
				c = "social"
			case i == 11 && k == 0:
				c = ""
			}
			amount := 10 + rng.Float64()*[]float64{60, 90, 40}[i%3]
			fmt.Fprintf(&b, "%d,%d,%s,%.2f,%s,%d\n", order, i, start.AddDate(0, 0, day).Format(time.DateOnly), amount, c, i%4)
			if rng.Float64() < drop {
				break
			}
			day += 1 + int(rng.ExpFloat64()*float64(gap))
		}
	}
	return b.String()
}
