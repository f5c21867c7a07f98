package web

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/wasm/bind"
)

// channelsCSV is a year of orders of n customers acquired through three
// channels (fixed seed; the generator of wasm/bind's channel tests): each
// buys every ~25, 45 or 70 days and leaves after a purchase with
// probability 0.15, 0.3 or 0.5. Customer 7 switches to "social" after
// their first order and customer 11's first order has no channel.
func channelsCSV(n int) string {
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

// groupsCosts are what web/e2e/groups.mjs types into the channel view.
var groupsCosts = []bind.CostInput{
	{Group: "email", Spend: "300", NewCustomers: "10"},
	{Group: "paid_search", Spend: "1250.5", NewCustomers: "50"},
}

// groupsExpected writes the channels file for web/e2e/groups.mjs and
// computes, with the native core and the page's default settings (BG/NBD
// with Gamma-Gamma, 12 months, 10 % a year, 30 % margin, observation end
// the last date), the channel view's groups before and after the costs
// are typed: the page's WebAssembly must show the same.
func groupsExpected(t *testing.T, tmp string) map[string]any {
	data := channelsCSV(300)
	path := filepath.Join(tmp, "channels.csv")
	writeFile(t, path, data)
	var s bind.Session
	ins := s.Load([]byte(data))
	last := s.Dates(ins.Guess, ins.DateFormat).Last
	st := bind.NewSettings(ins, last)
	st.AmountFormat, st.Purchase, st.Spend = ins.AmountFormat, score.BGNBD, score.SpendGammaGamma
	st.HorizonMonths, st.AnnualDiscountRate, st.Margin = 12, 0.10, 0.3
	if _, err := s.Score(context.Background(), st, nil); err != nil {
		t.Fatal(err)
	}
	cols, err := s.AttributeColumns()
	if err != nil {
		t.Fatal(err)
	}
	plain, err := s.Groups(bind.GroupSettings{Column: "channel"})
	if err != nil {
		t.Fatal(err)
	}
	costs, err := s.Groups(bind.GroupSettings{Column: "channel", Costs: groupsCosts})
	if err != nil {
		t.Fatal(err)
	}
	// examples/channels: the page given the example's settings must show
	// what `clv groups` wrote in its golden groups.json.
	root, _ := filepath.Abs("..")
	ex := filepath.Join(root, "examples", "channels")
	example := map[string]any{"orders": filepath.Join(ex, "orders.csv"), "cac": filepath.Join(ex, "cac.csv"), "golden": filepath.Join(ex, "groups.json"),
		"observationEnd": "2024-12-31", "marginPercent": "40"}
	return map[string]any{"path": path, "columns": cols, "plain": plain, "costs": costs, "typed": groupsCosts, "example": example}
}
