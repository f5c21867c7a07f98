// Command gen writes the channels example's order export (orders.csv) and
// acquisition table (cac.csv): customers acquired in the first quarter of
// 2024 through four channels whose customers genuinely differ in how often
// they buy, how soon they leave and what they spend, followed to the end of
// 2024. Everything comes from one PCG generator with a fixed seed, so the
// files are the same on every run and machine:
//
//	go run ./examples/channels/gen -dir examples/channels
//
// Each channel's customers follow a BG/NBD purchase process (weeks) with
// Gamma-Gamma order values (core/model's public PurchaseTimes and the
// gamma draws of gonum); the channel is written on every order, and about
// 1 later order in 25 carries another channel (a re-engagement campaign),
// which clv counts as "changed later" while keeping the channel of the
// first purchase.
package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/clvkit/clvkit/core/model"
)

// channel is one acquisition channel: its share of new customers, purchase
// process, order values and what acquiring a customer there cost.
type channel struct {
	name     string
	weight   float64
	purchase model.BGNBD
	spend    model.SpendParams // order value Gamma(P, ν), ν ~ Gamma(Q, V): mean P·V/(Q−1)
	cac      float64
}

// channels: email buys often and stays; paid search brings many customers
// who buy once or twice; social leaves quickly; referral is small and
// valuable (a group too small to trust).
var channels = []channel{
	{"email", 0.30, model.BGNBD{R: 0.6, Alpha: 5, A: 0.5, B: 3}, model.SpendParams{P: 6, Q: 4, V: 20}, 8},
	{"paid_search", 0.45, model.BGNBD{R: 0.3, Alpha: 8, A: 0.8, B: 2}, model.SpendParams{P: 5, Q: 4, V: 15}, 12},
	{"social", 0.24, model.BGNBD{R: 0.25, Alpha: 10, A: 1.2, B: 2}, model.SpendParams{P: 5, Q: 4, V: 18}, 9},
	{"referral", 0.01, model.BGNBD{R: 0.8, Alpha: 4, A: 0.4, B: 4}, model.SpendParams{P: 6, Q: 4, V: 25}, 15},
}

const (
	customers  = 2000
	seed       = 14
	birthDays  = 91  // first purchases 2024-01-01 .. 2024-03-31
	observed   = 366 // to 2024-12-31
	switchRate = 0.04
)

var start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

type order struct {
	customer int
	day      int
	amount   float64
	channel  string
}

// generate returns the orders (sorted by date, then customer) and the
// customers acquired per channel.
func generate() ([]order, map[string]int) {
	src := rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)
	rng := rand.New(src)
	var orders []order
	acquired := map[string]int{}
	var times []float64
	for id := 1; id <= customers; id++ {
		u, k := rng.Float64(), 0
		for k < len(channels)-1 && u >= channels[k].weight {
			u -= channels[k].weight
			k++
		}
		ch := channels[k]
		acquired[ch.name]++
		birth := rng.IntN(birthDays)
		offset := rng.Float64()
		horizon := (float64(observed-birth) - offset) / 7
		times = ch.purchase.PurchaseTimes(src, horizon, times[:0])
		nu := distuv.Gamma{Alpha: ch.spend.Q, Beta: ch.spend.V, Src: src}.Rand()
		value := func() float64 {
			v := distuv.Gamma{Alpha: ch.spend.P, Beta: nu, Src: src}.Rand()
			return math.Max(1, math.Round(v*100)/100)
		}
		orders = append(orders, order{id, birth, value(), ch.name})
		for _, t := range times {
			day := birth + int(math.Floor(offset+t*7))
			if day >= observed {
				break
			}
			name := ch.name
			if rng.Float64() < switchRate {
				name = channels[rng.IntN(len(channels))].name
			}
			orders = append(orders, order{id, day, value(), name})
		}
	}
	slices.SortStableFunc(orders, func(a, b order) int {
		if a.day != b.day {
			return a.day - b.day
		}
		return a.customer - b.customer
	})
	return orders, acquired
}

// ordersCSV is the order export: order_id, customer_id, order_date,
// amount, channel.
func ordersCSV(orders []order) []byte {
	b := []byte("order_id,customer_id,order_date,amount,channel\n")
	for i, o := range orders {
		b = fmt.Appendf(b, "A%05d,%d,%s,%s,%s\n", i+1, o.customer, start.AddDate(0, 0, o.day).Format(time.DateOnly),
			strconv.FormatFloat(o.amount, 'f', 2, 64), o.channel)
	}
	return b
}

// cacCSV is the acquisition table: each channel's spend in 2024-Q1 and the
// customers it brought (those in the export), spend = CAC × customers.
func cacCSV(acquired map[string]int) []byte {
	b := []byte("channel,spend,new_customers,period\n")
	for _, ch := range channels {
		n := acquired[ch.name]
		b = fmt.Appendf(b, "%s,%s,%d,2024-Q1\n", ch.name, strconv.FormatFloat(ch.cac*float64(n), 'f', 2, 64), n)
	}
	return b
}

// Files returns the generated files by name.
func Files() map[string][]byte {
	orders, acquired := generate()
	return map[string][]byte{"orders.csv": ordersCSV(orders), "cac.csv": cacCSV(acquired)}
}

func main() {
	dir := flag.String("dir", ".", "folder to write orders.csv and cac.csv to")
	flag.Parse()
	for name, data := range Files() {
		if err := os.WriteFile(filepath.Join(*dir, name), data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
